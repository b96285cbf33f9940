//! Domain types shared by the engine, the commands and the UI.
//!
//! Nothing here knows about the AWS SDK or ratatui: the `aws` module fills
//! these structs, the UI draws them.

use serde::Serialize;

/// Prefix of every resource that cloud debugging creates.
pub const DEBUG_PREFIX: &str = "cloud-debug-";

/// One ECS cluster as the explorer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub active_services: i32,
    pub running_tasks: i32,
    pub pending_tasks: i32,
    pub container_instances: i32,
}

/// A load balancer attachment of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancerRef {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

impl LoadBalancerRef {
    /// Short human label: the target group name, or the classic LB name.
    pub fn label(&self) -> String {
        let target = match (&self.target_group_arn, &self.load_balancer_name) {
            (Some(arn), _) => target_group_name(arn).to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "?".to_string(),
        };
        match (&self.container_name, self.container_port) {
            (Some(c), Some(p)) => format!("{target} → {c}:{p}"),
            _ => target,
        }
    }
}

/// Name part of a target group ARN (`…:targetgroup/NAME/ID`).
pub fn target_group_name(arn: &str) -> &str {
    arn.split('/').nth(1).unwrap_or(arn)
}

/// How a service relates to cloud debugging, as far as names tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DebugStatus {
    /// An ordinary service.
    None,
    /// The original of an enabled pair: its `cloud-debug-` twin exists.
    Enabled,
    /// The `cloud-debug-` service itself.
    Twin,
}

/// One ECS service as the explorer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub arn: String,
    pub cluster_arn: String,
    pub status: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    /// `FARGATE`, `EC2`, `EXTERNAL`, or empty when a capacity provider
    /// strategy is used instead.
    pub launch_type: String,
    pub capacity_providers: Vec<String>,
    pub platform_version: Option<String>,
    pub task_definition: String,
    pub load_balancers: Vec<LoadBalancerRef>,
    pub exec_enabled: bool,
    /// Whether the service has an awsvpc network configuration.
    pub awsvpc: bool,
    pub debug: DebugStatus,
}

impl Service {
    /// What the service runs on: its launch type or its capacity providers.
    pub fn placement(&self) -> String {
        if !self.launch_type.is_empty() {
            self.launch_type.clone()
        } else if !self.capacity_providers.is_empty() {
            self.capacity_providers.join("+")
        } else {
            "-".to_string()
        }
    }

    /// The task definition family and revision, without the ARN prefix.
    pub fn task_definition_short(&self) -> &str {
        self.task_definition
            .rsplit('/')
            .next()
            .unwrap_or(&self.task_definition)
    }

    /// The name of the original service for sorting and pairing.
    pub fn original_name(&self) -> &str {
        self.name.strip_prefix(DEBUG_PREFIX).unwrap_or(&self.name)
    }
}

/// Extra facts about a service that need more calls than the listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceExtras {
    pub network_mode: Option<String>,
    pub task_role: Option<String>,
    pub execution_role: Option<String>,
    pub containers: Vec<String>,
    /// (min, max) of the service's scalable target, if it has one.
    pub scaling: Option<(i32, i32)>,
}

/// `1 cluster`, `2 clusters`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Marks debug pairs and sorts services by original name, twin first.
///
/// A `cloud-debug-X` service is a twin whether or not `X` still exists;
/// `X` is `Enabled` only when its twin is present.
pub fn pair_and_sort(services: &mut [Service]) {
    let names: std::collections::HashSet<String> =
        services.iter().map(|s| s.name.clone()).collect();
    for s in services.iter_mut() {
        s.debug = if s.name.starts_with(DEBUG_PREFIX) {
            DebugStatus::Twin
        } else if names.contains(&format!("{DEBUG_PREFIX}{}", s.name)) {
            DebugStatus::Enabled
        } else {
            DebugStatus::None
        };
    }
    services.sort_by(|a, b| {
        a.original_name()
            .cmp(b.original_name())
            .then_with(|| (b.debug == DebugStatus::Twin).cmp(&(a.debug == DebugStatus::Twin)))
            .then_with(|| a.name.cmp(&b.name))
    });
}

#[cfg(test)]
pub(crate) fn service_named(name: &str) -> Service {
    Service {
        name: name.to_string(),
        arn: format!("arn:aws:ecs:us-east-1:123456789012:service/c/{name}"),
        cluster_arn: "arn:aws:ecs:us-east-1:123456789012:cluster/c".to_string(),
        status: "ACTIVE".to_string(),
        desired: 1,
        running: 1,
        pending: 0,
        launch_type: "FARGATE".to_string(),
        capacity_providers: vec![],
        platform_version: None,
        task_definition: format!("arn:aws:ecs:us-east-1:123456789012:task-definition/{name}:1"),
        load_balancers: vec![],
        exec_enabled: false,
        awsvpc: true,
        debug: DebugStatus::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(services: &[Service]) -> Vec<(&str, DebugStatus)> {
        services
            .iter()
            .map(|s| (s.name.as_str(), s.debug))
            .collect()
    }

    #[test]
    fn given_a_twin_when_paired_then_twin_is_first_and_original_enabled() {
        let mut list: Vec<Service> = ["web", "cloud-debug-api", "api", "batch"]
            .iter()
            .map(|n| service_named(n))
            .collect();
        pair_and_sort(&mut list);
        assert_eq!(
            names(&list),
            vec![
                ("cloud-debug-api", DebugStatus::Twin),
                ("api", DebugStatus::Enabled),
                ("batch", DebugStatus::None),
                ("web", DebugStatus::None),
            ]
        );
    }

    #[test]
    fn given_an_orphan_twin_then_it_is_still_a_twin() {
        let mut list = vec![service_named("cloud-debug-gone"), service_named("alpha")];
        pair_and_sort(&mut list);
        assert_eq!(
            names(&list),
            vec![
                ("alpha", DebugStatus::None),
                ("cloud-debug-gone", DebugStatus::Twin)
            ]
        );
    }

    #[test]
    fn target_group_name_is_taken_from_the_arn() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/abc123";
        assert_eq!(target_group_name(arn), "web-tg");
    }
}
