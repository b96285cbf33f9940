//! The debug copy of a task definition: the chosen task role, the
//! original execution role, settings ECS Exec needs, app containers kept
//! alive instead of running the app (the debugger starts it later), and no
//! health check that could kill a task paused at a breakpoint.

use aws_sdk_ecs::operation::register_task_definition::builders::RegisterTaskDefinitionFluentBuilder;
use aws_sdk_ecs::types::{
    ContainerCondition, ContainerDefinition, LinuxParameters, Service, Tag, TaskDefinition,
};

use super::names;
use super::resources::TAG_KEY;

/// Keeps a container running without the app: sleeps until stopped.
// LIMITATION: needs /bin/sh in the image; distroless images have none, and
// their app containers cannot be kept alive this way.
pub const KEEP_ALIVE: &str = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

/// Containers whose app the debugger will start: those behind the
/// service's load balancers, else those that publish ports, else the
/// first essential one. `requested` overrides the choice.
pub fn app_containers(td: &TaskDefinition, service: &Service, requested: &[String]) -> Vec<String> {
    if !requested.is_empty() {
        return requested.to_vec();
    }
    let mut chosen: Vec<String> = service
        .load_balancers()
        .iter()
        .filter_map(|lb| lb.container_name().map(str::to_string))
        .collect();
    if chosen.is_empty() {
        chosen = td
            .container_definitions()
            .iter()
            .filter(|c| !c.port_mappings().is_empty())
            .filter_map(|c| c.name().map(str::to_string))
            .collect();
    }
    if chosen.is_empty() {
        chosen = td
            .container_definitions()
            .iter()
            .find(|c| c.essential().unwrap_or(true))
            .and_then(|c| c.name().map(str::to_string))
            .into_iter()
            .collect();
    }
    chosen.sort();
    chosen.dedup();
    chosen
}

/// The debug container definitions and what was changed, in words.
pub fn debug_containers(
    td: &TaskDefinition,
    apps: &[String],
) -> (Vec<ContainerDefinition>, Vec<String>) {
    let mut notes = Vec::new();
    let containers = td
        .container_definitions()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            let name = c.name.clone().unwrap_or_default();
            let is_app = apps.contains(&name);
            if is_app {
                c.entry_point = Some(vec!["/bin/sh".into(), "-c".into()]);
                c.command = Some(vec![KEEP_ALIVE.into()]);
                notes.push(format!(
                    "container {name}: kept alive instead of starting the app (the debugger \
                     starts it)"
                ));
                if c.health_check.take().is_some() {
                    notes.push(format!(
                        "container {name}: health check removed so a paused app is not killed"
                    ));
                }
            }
            if c.readonly_root_filesystem == Some(true) {
                c.readonly_root_filesystem = Some(false);
                notes.push(format!(
                    "container {name}: root filesystem made writable (ECS Exec and artifact \
                     copies need it)"
                ));
            }
            let mut linux = c
                .linux_parameters
                .take()
                .unwrap_or_else(|| LinuxParameters::builder().build());
            if linux.init_process_enabled != Some(true) {
                linux.init_process_enabled = Some(true);
                if is_app {
                    notes.push(format!(
                        "container {name}: init process enabled (reaps processes ECS Exec starts)"
                    ));
                }
            }
            c.linux_parameters = Some(linux);
            if let Some(deps) = c.depends_on.as_mut() {
                for d in deps.iter_mut() {
                    if apps.contains(&d.container_name)
                        && d.condition == ContainerCondition::Healthy
                    {
                        d.condition = ContainerCondition::Start;
                        notes.push(format!(
                            "container {name}: waits for {} to start instead of being healthy",
                            d.container_name
                        ));
                    }
                }
            }
            c
        })
        .collect();
    (containers, notes)
}

/// Fills a RegisterTaskDefinition request with the debug copy of `td`.
pub fn fill_registration(
    request: RegisterTaskDefinitionFluentBuilder,
    td: &TaskDefinition,
    tags: &[Tag],
    task_role_arn: &str,
    containers: Vec<ContainerDefinition>,
    owner: &str,
) -> RegisterTaskDefinitionFluentBuilder {
    let mut tags = tags.to_vec();
    tags.retain(|t| t.key() != Some(TAG_KEY));
    tags.push(Tag::builder().key(TAG_KEY).value(owner).build());
    request
        .family(names::debug_family(td.family().unwrap_or_default()))
        .task_role_arn(task_role_arn)
        .set_execution_role_arn(td.execution_role_arn().map(str::to_string))
        .set_network_mode(td.network_mode().cloned())
        .set_container_definitions(Some(containers))
        .set_volumes(Some(td.volumes().to_vec()).filter(|v| !v.is_empty()))
        .set_placement_constraints(
            Some(td.placement_constraints().to_vec()).filter(|v| !v.is_empty()),
        )
        .set_requires_compatibilities(
            Some(td.requires_compatibilities().to_vec()).filter(|v| !v.is_empty()),
        )
        .set_cpu(td.cpu().map(str::to_string))
        .set_memory(td.memory().map(str::to_string))
        .set_pid_mode(td.pid_mode().cloned())
        .set_ipc_mode(td.ipc_mode().cloned())
        .set_proxy_configuration(td.proxy_configuration().cloned())
        .set_ephemeral_storage(td.ephemeral_storage().cloned())
        .set_runtime_platform(td.runtime_platform().cloned())
        .set_tags(Some(tags))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{ContainerDependency, HealthCheck, PortMapping};

    fn td() -> TaskDefinition {
        let web = ContainerDefinition::builder()
            .name("web")
            .image("web:1")
            .port_mappings(PortMapping::builder().container_port(8080).build())
            .health_check(
                HealthCheck::builder()
                    .command("CMD-SHELL")
                    .command("curl x")
                    .build()
                    .unwrap(),
            )
            .readonly_root_filesystem(true)
            .build();
        let proxy = ContainerDefinition::builder()
            .name("proxy")
            .image("envoy")
            .depends_on(
                ContainerDependency::builder()
                    .container_name("web")
                    .condition(ContainerCondition::Healthy)
                    .build()
                    .unwrap(),
            )
            .build();
        TaskDefinition::builder()
            .family("shop")
            .container_definitions(web)
            .container_definitions(proxy)
            .build()
    }

    #[test]
    fn app_containers_are_kept_alive_without_health_checks() {
        let td = td();
        let service = Service::builder().build();
        let apps = app_containers(&td, &service, &[]);
        assert_eq!(apps, vec!["web".to_string()]);
        let (containers, notes) = debug_containers(&td, &apps);
        let web = &containers[0];
        assert_eq!(web.command.as_deref(), Some(&[KEEP_ALIVE.to_string()][..]));
        assert!(web.health_check.is_none());
        assert_eq!(web.readonly_root_filesystem, Some(false));
        assert_eq!(
            web.linux_parameters.as_ref().unwrap().init_process_enabled,
            Some(true)
        );
        let proxy = &containers[1];
        assert!(proxy.command.is_none(), "sidecars run as they are");
        assert_eq!(
            proxy.depends_on.as_ref().unwrap()[0].condition,
            ContainerCondition::Start
        );
        assert!(notes.iter().any(|n| n.contains("health check removed")));
        assert!(
            notes
                .iter()
                .any(|n| n.contains("root filesystem made writable"))
        );
    }
}
