//! Task roles: find one by name, path or ARN, and check that ECS tasks can
//! assume it and that it allows the Session Manager channels ECS Exec uses.

use aws_sdk_iam::types::PolicyEvaluationDecisionType;
use serde_json::Value;

use super::EngineError;
use crate::aws::AwsContext;

/// The four actions ECS Exec needs from the task role.
pub const SSM_ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

pub const TASKS_PRINCIPAL: &str = "ecs-tasks.amazonaws.com";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleInfo {
    pub name: String,
    pub path: String,
    pub arn: String,
    /// Service principals the trust policy allows to assume the role.
    pub trusted_services: Vec<String>,
}

/// What the simulation said about the four ssmmessages actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsmCheck {
    Allowed,
    Missing(Vec<String>),
    /// The simulation could not run (no permission, not supported).
    NotVerified(String),
}

/// Splits `ROLE` (a name, `/path/name`, `path/name` or an ARN) into its
/// name and the path it must have, if one was given.
pub fn parse_role(input: &str) -> (String, Option<String>) {
    let rest = match input.split_once(":role/") {
        Some((_, r)) => format!("/{r}"),
        None if input.contains('/') => {
            if input.starts_with('/') {
                input.to_string()
            } else {
                format!("/{input}")
            }
        }
        None => return (input.to_string(), None),
    };
    let (path, name) = rest.rsplit_once('/').unwrap_or(("", &rest));
    (name.to_string(), Some(format!("{path}/")))
}

/// Trust policies come URL-encoded from IAM and as plain JSON from some
/// emulators and tools; both are accepted.
pub fn decode_policy(document: &str) -> Option<Value> {
    serde_json::from_str(document)
        .ok()
        .or_else(|| serde_json::from_str(&percent_decode(document)).ok())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => vec![],
        other => vec![other],
    }
}

/// Service principals allowed `sts:AssumeRole` by a trust policy.
pub fn trusted_services(policy: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for st in as_list(&policy["Statement"]) {
        if st["Effect"] != "Allow" {
            continue;
        }
        let assumes = as_list(&st["Action"])
            .iter()
            .any(|a| matches!(a.as_str(), Some("sts:AssumeRole" | "sts:*" | "*")));
        if !assumes {
            continue;
        }
        for s in as_list(&st["Principal"]["Service"]) {
            if let Some(s) = s.as_str() {
                out.push(s.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Looks the role up and reads its trust policy.
pub async fn resolve(ctx: &AwsContext, input: &str) -> Result<RoleInfo, EngineError> {
    if input.contains(":user/") || input.contains(":group/") {
        return Err(EngineError::Refused(format!(
            "{input} is not a role: a task role must be an IAM role (a name, /path/name or \
             role ARN)."
        )));
    }
    let (name, path) = parse_role(input);
    let out = {
        let _permit = ctx.permit().await;
        tracing::debug!(op = "iam:GetRole", role = %name);
        ctx.iam().get_role().role_name(&name).send().await
    };
    let role = match out {
        Ok(o) => o
            .role
            .ok_or_else(|| EngineError::Internal("GetRole without a role".into()))?,
        Err(e) => {
            let err = ctx.error("iam:GetRole", e);
            if let crate::aws::AwsError::Service { code, .. } = &err
                && code == "NoSuchEntity"
            {
                return Err(EngineError::Refused(format!(
                    "There is no IAM role named '{name}': check --task-role (a name, \
                     /path/name or ARN)."
                )));
            }
            return Err(err.into());
        }
    };
    if let Some(p) = &path
        && role.path() != p
    {
        return Err(EngineError::Refused(format!(
            "The role '{name}' has the path {} rather than {p}: name it as {}{name} or by \
             its ARN.",
            role.path(),
            role.path()
        )));
    }
    // A role of another account with the same name is not this role.
    if let Some(account) = input.strip_prefix("arn:").and_then(|r| r.split(':').nth(3))
        && !account.is_empty()
        && !role.arn().contains(&format!(":{account}:"))
    {
        return Err(EngineError::Refused(format!(
            "{input} belongs to account {account}: a task must use a role of its own \
             account, {}.",
            role.arn().split(':').nth(4).unwrap_or("?")
        )));
    }
    let trusted = role
        .assume_role_policy_document()
        .and_then(decode_policy)
        .map(|p| trusted_services(&p))
        .unwrap_or_default();
    Ok(RoleInfo {
        name: role.role_name().to_string(),
        path: role.path().to_string(),
        arn: role.arn().to_string(),
        trusted_services: trusted,
    })
}

/// Asks IAM whether the role allows the four ssmmessages actions.
pub async fn check_ssm(ctx: &AwsContext, role_arn: &str) -> SsmCheck {
    let out = {
        let _permit = ctx.permit().await;
        tracing::debug!(op = "iam:SimulatePrincipalPolicy", role = role_arn);
        ctx.iam()
            .simulate_principal_policy()
            .policy_source_arn(role_arn)
            .set_action_names(Some(SSM_ACTIONS.iter().map(|s| s.to_string()).collect()))
            .send()
            .await
    };
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            return SsmCheck::NotVerified(ctx.error("iam:SimulatePrincipalPolicy", e).to_string());
        }
    };
    let missing: Vec<String> = SSM_ACTIONS
        .iter()
        .filter(|action| {
            !out.evaluation_results().iter().any(|r| {
                r.eval_action_name() == **action
                    && *r.eval_decision() == PolicyEvaluationDecisionType::Allowed
            })
        })
        .map(|a| a.to_string())
        .collect();
    if missing.is_empty() {
        SsmCheck::Allowed
    } else {
        SsmCheck::Missing(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_named_by_name_path_or_arn() {
        assert_eq!(parse_role("debug"), ("debug".into(), None));
        assert_eq!(
            parse_role("/service/x/debug"),
            ("debug".into(), Some("/service/x/".into()))
        );
        assert_eq!(
            parse_role("service/x/debug"),
            ("debug".into(), Some("/service/x/".into()))
        );
        assert_eq!(
            parse_role("arn:aws:iam::123456789012:role/service/x/debug"),
            ("debug".into(), Some("/service/x/".into()))
        );
        assert_eq!(
            parse_role("arn:aws:iam::123456789012:role/debug"),
            ("debug".into(), Some("/".into()))
        );
    }

    #[test]
    fn trust_policies_are_read_plain_or_url_encoded() {
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"Service":["ecs-tasks.amazonaws.com","ec2.amazonaws.com"]},
            "Action":"sts:AssumeRole"}]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22\
            Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs.amazonaws.\
            com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        assert_eq!(
            trusted_services(&decode_policy(plain).unwrap()),
            vec!["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]
        );
        assert_eq!(
            trusted_services(&decode_policy(encoded).unwrap()),
            vec!["ecs.amazonaws.com"]
        );
    }

    #[test]
    fn deny_statements_do_not_count_as_trust() {
        let doc = r#"{"Statement":{"Effect":"Deny","Principal":{"Service":
            "ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}}"#;
        assert!(trusted_services(&decode_policy(doc).unwrap()).is_empty());
    }
}
