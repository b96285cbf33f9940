//! One error type for every AWS call, already phrased for a person.
//!
//! Each variant's message is a single sentence that says what failed and
//! what to do about it; callers branch on the variant, users read `Display`.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};

/// A failed AWS call, classified by what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    #[error(
        "No AWS credentials were found: pass --profile, set AWS_PROFILE, \
         or configure credentials with `aws configure`."
    )]
    NoCredentials,
    #[error(
        "The SSO session of profile '{profile}' has expired or was never started: \
         run `aws sso login --profile {profile}` and try again."
    )]
    SsoLogin { profile: String },
    #[error(
        "No AWS credentials were found for profile '{profile}': check its name in \
         ~/.aws/config and ~/.aws/credentials, or run `aws configure --profile {profile}`."
    )]
    NoCredentialsForProfile { profile: String },
    #[error("Your AWS credentials have expired: refresh them and try again.")]
    ExpiredCredentials,
    #[error("Could not load AWS credentials: {reason}.")]
    Credentials { reason: String },
    #[error(
        "Access denied for {action}: ask an administrator to allow it for your \
         identity, or pick another profile."
    )]
    AccessDenied { action: String },
    #[error(
        "Could not reach the AWS endpoint {endpoint} ({reason}): check your network, \
         the region or --endpoint-url."
    )]
    Unreachable { endpoint: String, reason: String },
    #[error(
        "Unknown region '{0}': pass a region such as us-east-1 with --region, \
         or press g in the explorer."
    )]
    UnknownRegion(String),
    #[error("No AWS region is set: pass --region or set AWS_REGION.")]
    NoRegion,
    #[error(
        "The endpoint '{0}' is not a URL: pass one such as http://127.0.0.1:5000 with \
         --endpoint-url."
    )]
    BadEndpoint(String),
    #[error("AWS kept throttling {action} after several retries: wait a minute and try again.")]
    Throttled { action: String },
    #[error("{what} '{name}' was not found in {region}: check the name and the region.")]
    NotFound {
        what: &'static str,
        name: String,
        region: String,
    },
    #[error("{action} failed: {message}")]
    Service {
        action: String,
        code: String,
        message: String,
    },
}

/// What the classifier needs to know besides the error itself.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    pub profile: Option<String>,
    pub region: String,
    pub endpoint: String,
}

impl AwsError {
    /// Turns an SDK error from the call `action` (as `service:Operation`)
    /// into the matching variant.
    pub fn from_sdk<E, R>(action: &str, ctx: &CallContext, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: std::fmt::Debug + 'static,
    {
        if let Some(service_err) = err.as_service_error() {
            let code = service_err.code().unwrap_or("Unknown").to_string();
            let message = service_err.message().unwrap_or("").to_string();
            return Self::from_code(action, ctx, &code, &message);
        }
        let chain = error_chain(&err);
        if let Some(cred) = find_credentials_error(&err) {
            return Self::from_credentials(ctx, cred, &chain);
        }
        match &err {
            SdkError::DispatchFailure(d) => {
                let reason = if d.is_timeout() {
                    "the connection timed out".to_string()
                } else {
                    network_reason(&chain)
                };
                if reason.starts_with("DNS") && !crate::aws::region::is_known(&ctx.region) {
                    return Self::UnknownRegion(ctx.region.clone());
                }
                Self::Unreachable {
                    endpoint: ctx.endpoint.clone(),
                    reason,
                }
            }
            SdkError::TimeoutError(_) => Self::Unreachable {
                endpoint: ctx.endpoint.clone(),
                reason: "the request timed out".to_string(),
            },
            SdkError::ResponseError(_) => Self::Service {
                action: action.to_string(),
                code: "InvalidResponse".to_string(),
                message: format!("the endpoint sent an answer that could not be read ({chain})"),
            },
            _ => Self::Service {
                action: action.to_string(),
                code: "ClientError".to_string(),
                message: chain,
            },
        }
    }

    /// Classifies an error code returned by the service.
    pub fn from_code(action: &str, ctx: &CallContext, code: &str, message: &str) -> Self {
        match code {
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "AuthorizationError"
            | "UnauthorizedException" => Self::AccessDenied {
                action: action.to_string(),
            },
            "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => Self::ExpiredCredentials,
            "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "InvalidAccessKeyId" => Self::Credentials {
                reason: format!(
                    "AWS did not accept the credentials{} ({code})",
                    ctx.profile
                        .as_ref()
                        .map(|p| format!(" of profile '{p}'"))
                        .unwrap_or_default()
                ),
            },
            "ThrottlingException"
            | "Throttling"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "SlowDown" => Self::Throttled {
                action: action.to_string(),
            },
            _ => Self::Service {
                action: action.to_string(),
                code: code.to_string(),
                message: if message.is_empty() {
                    code.to_string()
                } else {
                    message.trim_end_matches('.').to_string()
                },
            },
        }
    }

    fn from_credentials(ctx: &CallContext, cred: &CredentialsError, chain: &str) -> Self {
        let lower = chain.to_lowercase();
        let profile = ctx.profile.clone().unwrap_or_else(|| "default".to_string());
        if lower.contains("sso") {
            return Self::SsoLogin { profile };
        }
        match cred {
            CredentialsError::CredentialsNotLoaded(_) => match &ctx.profile {
                Some(p) => Self::NoCredentialsForProfile { profile: p.clone() },
                None => Self::NoCredentials,
            },
            _ if lower.contains("not defined") || lower.contains("profile not found") => {
                Self::NoCredentialsForProfile { profile }
            }
            _ if lower.contains("expired") => Self::ExpiredCredentials,
            _ => Self::Credentials {
                reason: last_source(chain).to_string(),
            },
        }
    }

    /// True when retrying later could succeed without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Throttled { .. } | Self::Unreachable { .. })
    }
}

fn find_credentials_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a CredentialsError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(cred) = e.downcast_ref::<CredentialsError>() {
            return Some(cred);
        }
        current = e.source();
    }
    None
}

/// Every message in the error's source chain, joined with ": ".
pub fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p == &text) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

fn last_source(chain: &str) -> &str {
    chain.rsplit(": ").next().unwrap_or(chain)
}

fn network_reason(chain: &str) -> String {
    let lower = chain.to_lowercase();
    if lower.contains("connection refused") {
        "connection refused".to_string()
    } else if lower.contains("dns") || lower.contains("lookup") || lower.contains("resolve") {
        "DNS lookup failed".to_string()
    } else if lower.contains("timed out") || lower.contains("timeout") {
        "the connection timed out".to_string()
    } else if lower.contains("certificate") || lower.contains("tls") {
        "the TLS handshake failed".to_string()
    } else {
        last_source(chain).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> CallContext {
        CallContext {
            profile: Some("dev".into()),
            region: "us-east-1".into(),
            endpoint: "http://127.0.0.1:1".into(),
        }
    }

    #[test]
    fn access_denied_names_the_action() {
        let e = AwsError::from_code("ecs:ListClusters", &ctx(), "AccessDeniedException", "no");
        assert_eq!(
            e.to_string(),
            "Access denied for ecs:ListClusters: ask an administrator to allow it for \
             your identity, or pick another profile."
        );
    }

    #[test]
    fn throttling_is_transient_and_names_the_action() {
        let e = AwsError::from_code("ecs:DescribeServices", &ctx(), "ThrottlingException", "");
        assert!(e.is_transient());
        assert!(e.to_string().contains("ecs:DescribeServices"));
    }

    #[test]
    fn unknown_codes_keep_the_service_message() {
        let e = AwsError::from_code("ecs:ListServices", &ctx(), "ClusterNotFoundException", "x.");
        assert_eq!(e.to_string(), "ecs:ListServices failed: x");
    }

    #[test]
    fn sso_errors_tell_the_login_command() {
        let e = AwsError::SsoLogin {
            profile: "dev".into(),
        };
        assert!(e.to_string().contains("aws sso login --profile dev"));
    }

    #[test]
    fn network_reasons_are_short() {
        assert_eq!(
            network_reason("io: Connection refused (os error 111)"),
            "connection refused"
        );
        assert_eq!(
            network_reason("dns error: failed to lookup address"),
            "DNS lookup failed"
        );
    }
}
