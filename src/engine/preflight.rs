//! Checks made before any write. Every problem is listed, each with what
//! to do about it; enable stops if any of them is a failure.

use serde::Serialize;

use super::names;
use super::record::{Phase, StateRecord};
use super::resources::Surroundings;
use super::roles::{self, RoleInfo, SsmCheck};
use super::store::{BucketState, StateStore};
use super::{Engine, EngineError, Target};
use crate::model::DEBUG_PREFIX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[serde(rename = "ok")]
    Pass,
    Info,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do about it.
    pub fix: Option<String>,
}

impl Finding {
    fn new(check: &'static str, severity: Severity, message: String, fix: Option<String>) -> Self {
        Self {
            check,
            severity,
            message,
            fix,
        }
    }
}

/// What preflight learned, for enable to go on with.
pub struct Preflight {
    pub findings: Vec<Finding>,
    pub account: String,
    pub store: StateStore,
    pub record: Option<StateRecord>,
    pub surroundings: Option<Surroundings>,
    pub role: Option<RoleInfo>,
    /// A `cloud-debug-` service of this name is draining.
    pub twin_draining: bool,
}

impl Preflight {
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Fail)
    }
}

/// Platform versions that support ECS Exec on Fargate.
const FARGATE_LINUX_MIN: (u32, u32, u32) = (1, 4, 0);
const FARGATE_WINDOWS_MIN: (u32, u32, u32) = (1, 0, 0);

pub fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut parts = v
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>().ok());
    Some((
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
        parts.next().flatten().unwrap_or(0),
    ))
}

/// True when the service runs on Fargate (launch type or capacity provider).
pub fn on_fargate(s: &Surroundings) -> bool {
    s.service
        .launch_type()
        .is_some_and(|l| l.as_str() == "FARGATE")
        || s.service
            .capacity_provider_strategy()
            .iter()
            .any(|c| c.capacity_provider().starts_with("FARGATE"))
}

pub fn is_windows(s: &Surroundings) -> bool {
    s.task_definition
        .runtime_platform()
        .and_then(|p| p.operating_system_family())
        .is_some_and(|f| f.as_str().starts_with("WINDOWS"))
}

/// The platform version the debug service must use, if the original's
/// pinned one cannot run ECS Exec.
pub fn raised_platform(s: &Surroundings) -> Option<String> {
    if !on_fargate(s) {
        return None;
    }
    let pinned = s.service.platform_version().filter(|v| *v != "LATEST")?;
    let min = if is_windows(s) {
        FARGATE_WINDOWS_MIN
    } else {
        FARGATE_LINUX_MIN
    };
    match parse_version(pinned) {
        Some(v) if v < min => Some("LATEST".to_string()),
        _ => None,
    }
}

impl Engine {
    /// Runs every check; writes nothing.
    pub async fn preflight(
        &self,
        target: &Target,
        role: Option<&str>,
        containers: &[String],
    ) -> Result<Preflight, EngineError> {
        use Severity::{Fail, Info, Warn};
        let ok = Severity::Pass;
        let mut findings = Vec::new();
        let account = self.ctx.account_id().await?;
        findings.push(Finding::new(
            "identity",
            ok,
            format!("Calling as account {account}."),
            None,
        ));
        let store = StateStore::new(&self.ctx, &account);
        let bucket_state = store.probe().await?;
        let record = match bucket_state {
            BucketState::Foreign => {
                findings.push(Finding::new(
                    "state-bucket",
                    Fail,
                    format!(
                        "The state bucket name {} belongs to another account.",
                        store.bucket
                    ),
                    Some("Ask its owner to remove it, or debug in another region.".into()),
                ));
                None
            }
            BucketState::Missing => {
                findings.push(Finding::new(
                    "state-bucket",
                    Info,
                    format!(
                        "The state bucket {} will be created (private, encrypted).",
                        store.bucket
                    ),
                    None,
                ));
                None
            }
            BucketState::Ours => store.get(&target.cluster, &target.service).await?,
        };
        let mut pre = Preflight {
            findings,
            account,
            store,
            record,
            surroundings: None,
            role: None,
            twin_draining: false,
        };

        if target.service.starts_with(DEBUG_PREFIX) {
            pre.findings.push(Finding::new(
                "service",
                Fail,
                format!("{} is itself a debug service.", target.service),
                Some(format!(
                    "Name the original service: {}.",
                    target.service.trim_start_matches(DEBUG_PREFIX)
                )),
            ));
            return Ok(pre);
        }
        match pre.record.as_ref().map(|r| r.phase) {
            Some(Phase::Enabled) => pre.findings.push(Finding::new(
                "state",
                Fail,
                format!("Cloud debugging is already enabled for {}.", target.service),
                Some(format!(
                    "Disable it first: ecs-debug disable --cluster {} --service {}.",
                    target.cluster, target.service
                )),
            )),
            Some(Phase::Disabling) => pre.findings.push(Finding::new(
                "state",
                Fail,
                format!("A disable of {} was interrupted.", target.service),
                Some(format!(
                    "Finish it first: ecs-debug disable --cluster {} --service {}.",
                    target.cluster, target.service
                )),
            )),
            Some(Phase::Enabling) => pre.findings.push(Finding::new(
                "state",
                Info,
                "An earlier enable was interrupted; this run finishes it.".into(),
                None,
            )),
            None => {}
        }

        let surroundings = match self.surroundings(&target.cluster, &target.service).await {
            Ok(s) => s,
            Err(EngineError::Aws(e @ crate::aws::AwsError::NotFound { .. })) => {
                pre.findings
                    .push(Finding::new("service", Fail, e.to_string(), None));
                return Ok(pre);
            }
            Err(e) => return Err(e),
        };
        pre.findings.push(Finding::new(
            "service",
            ok,
            format!(
                "{} runs {} with desired count {}.",
                target.service,
                super::record::short_arn(surroundings.service.task_definition().unwrap_or("?")),
                surroundings.service.desired_count()
            ),
            None,
        ));

        let twin = names::debug_service(&target.service);
        if let Some(t) = self.describe_service(&target.cluster, &twin).await? {
            match (t.status(), &pre.record) {
                (Some("DRAINING"), _) => {
                    pre.twin_draining = true;
                    pre.findings.push(Finding::new(
                        "debug-service",
                        Warn,
                        format!("{twin} from an earlier run is still draining."),
                        Some("Enable waits for it to finish before creating a new one.".into()),
                    ));
                }
                (_, None) => pre.findings.push(Finding::new(
                    "debug-service",
                    Fail,
                    format!("A service named {twin} exists but no state record names it."),
                    Some(format!(
                        "It was not made here, or its record was removed: delete {twin} or \
                         rename it, then enable again."
                    )),
                )),
                _ => {}
            }
        }

        self.check_role(&mut pre, &surroundings, role).await?;
        check_containers(&mut pre, &surroundings, containers);
        self.check_exec(&mut pre, &surroundings).await?;
        self.check_target_groups(&mut pre, &surroundings, target)
            .await?;
        pre.surroundings = Some(surroundings);
        Ok(pre)
    }

    async fn check_role(
        &self,
        pre: &mut Preflight,
        s: &Surroundings,
        role: Option<&str>,
    ) -> Result<(), EngineError> {
        use Severity::{Fail, Info, Warn};
        let ok = Severity::Pass;
        let current = s.task_definition.task_role_arn().map(str::to_string);
        // Resuming without --task-role uses the role the run started with.
        let recorded = pre
            .record
            .as_ref()
            .filter(|r| r.phase == Phase::Enabling)
            .map(|r| r.task_role_arn.clone());
        let name = match (role, recorded, &current) {
            (Some(r), _, _) => r.to_string(),
            (None, Some(r), _) => r,
            (None, None, Some(c)) => c.clone(),
            (None, None, None) => {
                pre.findings.push(Finding::new(
                    "task-role",
                    Info,
                    "The task definition has no task role and none was given.".into(),
                    Some("Pass --task-role ROLE to check one.".into()),
                ));
                return Ok(());
            }
        };
        let info = match roles::resolve(&self.ctx, &name).await {
            Ok(i) => i,
            Err(EngineError::Refused(msg)) => {
                pre.findings
                    .push(Finding::new("task-role", Fail, msg, None));
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        if info
            .trusted_services
            .iter()
            .any(|p| p == roles::TASKS_PRINCIPAL)
        {
            pre.findings.push(Finding::new(
                "task-role-trust",
                ok,
                format!("{} trusts {}.", info.name, roles::TASKS_PRINCIPAL),
                None,
            ));
        } else {
            let trusted = if info.trusted_services.is_empty() {
                "no service".to_string()
            } else {
                info.trusted_services.join(", ")
            };
            pre.findings.push(Finding::new(
                "task-role-trust",
                Fail,
                format!(
                    "{} is trusted by {trusted}, not by {}: ECS tasks cannot use it.",
                    info.name,
                    roles::TASKS_PRINCIPAL
                ),
                Some(format!(
                    "Pick another role, or add {} to its trust policy.",
                    roles::TASKS_PRINCIPAL
                )),
            ));
        }
        match roles::check_ssm(&self.ctx, &info.arn).await {
            SsmCheck::Allowed => pre.findings.push(Finding::new(
                "task-role-ssm",
                ok,
                format!(
                    "{} allows the four ssmmessages actions ECS Exec needs.",
                    info.name
                ),
                None,
            )),
            SsmCheck::Missing(missing) => pre.findings.push(Finding::new(
                "task-role-ssm",
                Fail,
                format!("{} does not allow {}.", info.name, missing.join(", ")),
                Some(
                    "Attach AmazonSSMManagedInstanceCore or a policy allowing those actions."
                        .into(),
                ),
            )),
            SsmCheck::NotVerified(why) => pre.findings.push(Finding::new(
                "task-role-ssm",
                Warn,
                format!(
                    "Could not verify the ssmmessages permissions of {} ({why})",
                    info.name
                ),
                Some("Not verified: make sure the role allows ssmmessages:*Channel.".into()),
            )),
        }
        pre.role = Some(info);
        Ok(())
    }

    // LIMITATION: on EC2 the container agent version (1.50.2 or newer for
    // ECS Exec), the VPC's route to ssmmessages and the cluster's exec
    // KMS/logging settings are not checked yet; wait-running reports an
    // exec agent that never connects.
    async fn check_exec(&self, pre: &mut Preflight, s: &Surroundings) -> Result<(), EngineError> {
        use Severity::{Info, Warn};
        let ok = Severity::Pass;
        if let Some(raised) = raised_platform(s) {
            let pinned = s.service.platform_version().unwrap_or_default();
            pre.findings.push(Finding::new(
                "platform",
                Info,
                format!(
                    "Platform version {pinned} cannot run ECS Exec: the debug service runs on \
                     {raised}; the original keeps {pinned}."
                ),
                None,
            ));
        } else if on_fargate(s) {
            pre.findings.push(Finding::new(
                "platform",
                ok,
                format!(
                    "Fargate platform {} supports ECS Exec.",
                    s.service.platform_version().unwrap_or("LATEST")
                ),
                None,
            ));
        }
        for c in s.task_definition.container_definitions() {
            let name = c.name().unwrap_or("?");
            if c.readonly_root_filesystem() == Some(true) {
                pre.findings.push(Finding::new(
                    "container",
                    Info,
                    format!(
                        "Container {name} has a read-only root filesystem, which breaks ECS \
                         Exec: the debug copy makes it writable."
                    ),
                    None,
                ));
            }
            let keys: Vec<&str> = c
                .environment()
                .iter()
                .filter_map(|kv| kv.name())
                .filter(|n| matches!(*n, "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY"))
                .collect();
            if !keys.is_empty() {
                pre.findings.push(Finding::new(
                    "container",
                    Warn,
                    format!(
                        "Container {name} sets {} in its environment: the exec agent would use \
                         those keys instead of the task role.",
                        keys.join(" and ")
                    ),
                    Some("Remove them from the task definition.".into()),
                ));
            }
        }
        Ok(())
    }

    async fn check_target_groups(
        &self,
        pre: &mut Preflight,
        s: &Surroundings,
        target: &Target,
    ) -> Result<(), EngineError> {
        let owner = format!("{}/{}", target.cluster, target.service);
        for tg in &s.target_groups {
            let name = names::debug_target_group(
                tg.target_group_name().unwrap_or_default(),
                tg.target_group_arn().unwrap_or_default(),
            );
            let Some(existing) = self.target_group_named(&name).await? else {
                continue;
            };
            let arn = existing.target_group_arn().unwrap_or_default();
            if self.target_group_owner(arn).await?.as_deref() != Some(owner.as_str()) {
                pre.findings.push(Finding::new(
                    "target-group",
                    Severity::Fail,
                    format!("A target group named {name} exists and was not made for {owner}."),
                    Some(format!(
                        "Delete it (aws elbv2 delete-target-group --target-group-arn {arn}) \
                         if nothing uses it, then enable again."
                    )),
                ));
            }
        }
        Ok(())
    }
}

/// Containers named with --container must exist in the task definition.
fn check_containers(pre: &mut Preflight, s: &Surroundings, wanted: &[String]) {
    let known: Vec<&str> = s
        .task_definition
        .container_definitions()
        .iter()
        .filter_map(|c| c.name())
        .collect();
    for name in wanted.iter().filter(|w| !known.contains(&w.as_str())) {
        pre.findings.push(Finding::new(
            "container",
            Severity::Fail,
            format!("The task definition has no container named {name}."),
            Some(format!("Its containers are: {}.", known.join(", "))),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(parse_version("1.3.0").unwrap() < FARGATE_LINUX_MIN);
        assert!(parse_version("1.4.0").unwrap() >= FARGATE_LINUX_MIN);
        assert!(parse_version("1.10.0").unwrap() > FARGATE_LINUX_MIN);
        assert_eq!(parse_version("LATEST"), None);
    }
}
