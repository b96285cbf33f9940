//! The state record: everything needed to put a service back, written to
//! the state bucket before the first change to the user's resources and
//! updated before and after every step.

use serde::{Deserialize, Serialize};

/// Bumped when the record's shape changes incompatibly.
pub const RECORD_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Enable started and has not finished.
    Enabling,
    /// Enable finished: the debug service serves in place of the original.
    Enabled,
    /// Disable started and has not finished.
    Disabling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Started,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepMark {
    pub step: String,
    pub mark: Mark,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateRecord {
    pub version: u32,
    pub cluster: String,
    pub cluster_arn: String,
    pub service: String,
    pub service_arn: String,
    pub debug_service: String,
    pub task_role_arn: String,
    pub phase: Phase,
    pub started_at: String,
    pub updated_at: String,
    pub steps: Vec<StepMark>,
    pub original: Original,
    pub created: Created,
    /// What the debug copy changed and why (relaxed checks, platform…).
    pub notes: Vec<String>,
    /// Set when a run stopped before finishing (error or Ctrl-C); cleared
    /// when the next run starts a step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<String>,
}

impl StateRecord {
    /// True when `step` has been marked done in this record.
    pub fn done(&self, step: &str) -> bool {
        self.steps
            .iter()
            .rev()
            .find(|m| m.step == step)
            .is_some_and(|m| m.mark == Mark::Done)
    }

    pub fn mark(&mut self, step: &str, mark: Mark) {
        let at = now();
        self.updated_at = at.clone();
        self.steps.push(StepMark {
            step: step.to_string(),
            mark,
            at,
        });
    }

    /// The command that finishes this record's unfinished operation.
    pub fn resume_command(&self) -> String {
        match self.phase {
            Phase::Enabling => format!(
                "ecs-debug enable --cluster {} --service {} --task-role {}",
                self.cluster, self.service, self.task_role_arn
            ),
            _ => self.disable_command(),
        }
    }

    pub fn disable_command(&self) -> String {
        format!(
            "ecs-debug disable --cluster {} --service {}",
            self.cluster, self.service
        )
    }

    /// Changes already made to the user's own resources, for reports.
    pub fn changes_made(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.done("listeners") && !self.done("listeners-back") {
            out.push("load balancer traffic goes to the debug copy".to_string());
        }
        if self.done("scale-down") && !self.done("scale-up") {
            out.push(format!(
                "{} is scaled to 0 (its autoscaling suspended)",
                self.service
            ));
        }
        out
    }

    /// Every resource created so far, one line each, for reports.
    pub fn created_resources(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .created
            .task_definition_arns
            .iter()
            .map(|a| format!("task definition {}", short_arn(a)))
            .collect();
        for tg in &self.created.target_groups {
            if tg.debug_arn.is_some() {
                out.push(format!("target group {}", tg.debug_name));
            }
        }
        if self.created.debug_service_arn.is_some() {
            out.push(format!(
                "service {} in cluster {}",
                self.debug_service, self.cluster
            ));
        }
        out
    }
}

/// `…:task-definition/web:3` → `web:3`; other ARNs keep their last part.
pub fn short_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// UTC now as RFC 3339, the record's clock.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Original {
    pub service: ServiceSnapshot,
    pub task_definition_arn: String,
    pub family: String,
    /// Containers whose app the debugger starts (kept alive meanwhile).
    pub app_containers: Vec<String>,
    pub target_groups: Vec<TargetGroupSnapshot>,
    pub listeners: Vec<ListenerSnapshot>,
    pub rules: Vec<RuleSnapshot>,
    pub scaling: Option<ScalingSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSnapshot {
    pub desired_count: i32,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityItem>,
    pub platform_version: Option<String>,
    pub platform_family: Option<String>,
    pub network: Option<NetworkSnapshot>,
    pub load_balancers: Vec<LoadBalancerSnapshot>,
    pub enable_execute_command: bool,
    pub health_check_grace_period_seconds: Option<i32>,
    pub scheduling_strategy: Option<String>,
    pub placement_constraints: Vec<(String, Option<String>)>,
    pub placement_strategy: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapacityItem {
    pub provider: String,
    pub weight: i32,
    pub base: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSnapshot {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancerSnapshot {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetGroupSnapshot {
    pub arn: String,
    pub name: String,
    pub protocol: Option<String>,
    pub protocol_version: Option<String>,
    pub port: Option<i32>,
    pub vpc_id: Option<String>,
    pub target_type: Option<String>,
    pub ip_address_type: Option<String>,
    pub health_check: HealthCheckSnapshot,
    pub load_balancer_arns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheckSnapshot {
    pub enabled: Option<bool>,
    pub protocol: Option<String>,
    pub port: Option<String>,
    pub path: Option<String>,
    pub interval_seconds: Option<i32>,
    pub timeout_seconds: Option<i32>,
    pub healthy_threshold: Option<i32>,
    pub unhealthy_threshold: Option<i32>,
    pub matcher_http: Option<String>,
    pub matcher_grpc: Option<String>,
}

/// One listener action as it was, weights and all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSnapshot {
    pub kind: String,
    pub order: Option<i32>,
    pub target_group_arn: Option<String>,
    /// `(target group ARN, weight)` of a forward action.
    pub forward: Vec<(String, Option<i32>)>,
    pub stickiness: Option<(bool, Option<i32>)>,
    /// Non-forward actions (redirect, fixed response, authenticate…),
    /// described; they are never changed.
    pub other: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerSnapshot {
    pub listener_arn: String,
    pub default_actions: Vec<ActionSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSnapshot {
    pub rule_arn: String,
    pub listener_arn: String,
    pub priority: Option<String>,
    pub actions: Vec<ActionSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalingSnapshot {
    pub resource_id: String,
    pub min_capacity: i32,
    pub max_capacity: i32,
    pub dynamic_scaling_in_suspended: bool,
    pub dynamic_scaling_out_suspended: bool,
    pub scheduled_scaling_suspended: bool,
    pub policies: Vec<String>,
    pub scheduled_actions: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub task_definition_arns: Vec<String>,
    pub target_groups: Vec<TargetGroupPair>,
    pub debug_service_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetGroupPair {
    pub original_arn: String,
    pub debug_name: String,
    pub debug_arn: Option<String>,
}

impl Created {
    /// The debug target group standing in for `original`, once created.
    pub fn debug_for(&self, original: &str) -> Option<&str> {
        self.target_groups
            .iter()
            .find(|p| p.original_arn == original)
            .and_then(|p| p.debug_arn.as_deref())
    }

    /// The original target group a debug one stands in for.
    pub fn original_for(&self, debug: &str) -> Option<&str> {
        self.target_groups
            .iter()
            .find(|p| p.debug_arn.as_deref() == Some(debug))
            .map(|p| p.original_arn.as_str())
    }
}
