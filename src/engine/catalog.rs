//! Every IAM role of the account and whether a debug task could use it, for
//! the explorer's task-role picker. The verdicts are the ones preflight
//! reaches (trust for ECS tasks, the four ssmmessages actions), so the
//! picker and enable never disagree.

use futures::stream::{self, Stream, StreamExt};

use super::EngineError;
use super::roles::{self, SsmCheck};
use crate::aws::AwsContext;

/// One role as ListRoles describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleEntry {
    pub name: String,
    pub path: String,
    pub arn: String,
    /// Service principals the trust policy allows to assume the role.
    pub trusted_services: Vec<String>,
    pub description: Option<String>,
}

/// Whether a debug task could run with a role, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usability {
    Usable,
    NotUsable(String),
    /// Trusted by ECS tasks, but the permissions could not be simulated.
    NotVerified(String),
}

impl RoleEntry {
    /// The verdict that needs no further call: a role ECS tasks cannot
    /// assume is unusable whatever its permissions.
    pub fn trust_verdict(&self) -> Option<Usability> {
        if self
            .trusted_services
            .iter()
            .any(|s| s == roles::TASKS_PRINCIPAL)
        {
            return None;
        }
        let by = if self.trusted_services.is_empty() {
            "no service".to_string()
        } else {
            self.trusted_services.join(", ")
        };
        Some(Usability::NotUsable(format!(
            "trusted by {by}, not by {}",
            roles::TASKS_PRINCIPAL
        )))
    }
}

/// Every role of the account, all pages of iam:ListRoles, sorted by name.
pub async fn list_roles(ctx: &AwsContext) -> Result<Vec<RoleEntry>, EngineError> {
    let mut entries = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = {
            let _permit = ctx.permit().await;
            tracing::debug!(op = "iam:ListRoles", marker = ?marker);
            ctx.iam()
                .list_roles()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| ctx.error("iam:ListRoles", e))?
        };
        entries.extend(page.roles().iter().map(|r| {
            RoleEntry {
                name: r.role_name().to_string(),
                path: r.path().to_string(),
                arn: r.arn().to_string(),
                trusted_services: r
                    .assume_role_policy_document()
                    .and_then(roles::decode_policy)
                    .map(|p| roles::trusted_services(&p))
                    .unwrap_or_default(),
                description: r.description().map(str::to_string),
            }
        }));
        match page.marker() {
            Some(m) if page.is_truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    entries.sort_by(|a, b| (a.name.to_lowercase(), &a.path).cmp(&(b.name.to_lowercase(), &b.path)));
    Ok(entries)
}

/// Trust first (free), then the simulation of the ssmmessages actions.
pub async fn usability(ctx: &AwsContext, role: &RoleEntry) -> Usability {
    if let Some(verdict) = role.trust_verdict() {
        return verdict;
    }
    match roles::check_ssm(ctx, &role.arn).await {
        SsmCheck::Allowed => Usability::Usable,
        SsmCheck::Missing(missing) if missing.len() == roles::SSM_ACTIONS.len() => {
            Usability::NotUsable(
                "allows none of the four ssmmessages actions ECS Exec needs".into(),
            )
        }
        SsmCheck::Missing(missing) => {
            Usability::NotUsable(format!("does not allow {}", missing.join(", ")))
        }
        SsmCheck::NotVerified(why) => {
            Usability::NotVerified(format!("its permissions could not be simulated: {why}"))
        }
    }
}

/// The verdict on every role, at most `limit` simulations at a time, in the
/// order they finish.
pub fn usabilities(
    ctx: AwsContext,
    roles: Vec<RoleEntry>,
    limit: usize,
) -> impl Stream<Item = (String, Usability)> {
    stream::iter(roles)
        .map(move |role| {
            let ctx = ctx.clone();
            async move {
                let verdict = usability(&ctx, &role).await;
                (role.arn, verdict)
            }
        })
        .buffer_unordered(limit.max(1))
}

/// Names of the managed policies attached to a role (all pages).
// LIMITATION: inline policies are not listed (they would need
// iam:ListRolePolicies too); the ssmmessages verdict still counts them.
pub async fn attached_policies(ctx: &AwsContext, role: &str) -> Result<Vec<String>, EngineError> {
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = {
            let _permit = ctx.permit().await;
            tracing::debug!(op = "iam:ListAttachedRolePolicies", role);
            ctx.iam()
                .list_attached_role_policies()
                .role_name(role)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| ctx.error("iam:ListAttachedRolePolicies", e))?
        };
        names.extend(
            page.attached_policies()
                .iter()
                .filter_map(|p| p.policy_name().map(str::to_string)),
        );
        match page.marker() {
            Some(m) if page.is_truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(names)
}

/// The task role ARN of a task definition, so the picker can start on it.
pub async fn task_role_of(
    ctx: &AwsContext,
    task_definition: &str,
) -> Result<Option<String>, EngineError> {
    let _permit = ctx.permit().await;
    tracing::debug!(op = "ecs:DescribeTaskDefinition", td = task_definition);
    let out = ctx
        .ecs()
        .describe_task_definition()
        .task_definition(task_definition)
        .send()
        .await
        .map_err(|e| ctx.error("ecs:DescribeTaskDefinition", e))?;
    Ok(out
        .task_definition()
        .and_then(|t| t.task_role_arn())
        .map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(trusted: &[&str]) -> RoleEntry {
        RoleEntry {
            name: "r".into(),
            path: "/".into(),
            arn: "arn:aws:iam::1:role/r".into(),
            trusted_services: trusted.iter().map(|s| s.to_string()).collect(),
            description: None,
        }
    }

    #[test]
    fn a_role_ecs_tasks_cannot_assume_is_unusable_without_a_simulation() {
        assert_eq!(
            role(&["ecs.amazonaws.com"]).trust_verdict(),
            Some(Usability::NotUsable(
                "trusted by ecs.amazonaws.com, not by ecs-tasks.amazonaws.com".into()
            ))
        );
        assert_eq!(
            role(&[]).trust_verdict(),
            Some(Usability::NotUsable(
                "trusted by no service, not by ecs-tasks.amazonaws.com".into()
            ))
        );
        assert_eq!(role(&["ecs-tasks.amazonaws.com"]).trust_verdict(), None);
    }
}
