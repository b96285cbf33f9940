//! AWS access: SDK configuration, pagination, batching, retries and
//! error classification. Everything above this module sees only
//! [`crate::model`] types and [`AwsError`].

pub mod ecs;
pub mod error;
pub mod region;

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use tokio::sync::Semaphore;

pub use error::{AwsError, CallContext};

/// How to reach AWS, as given on the command line or in the environment.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Upper bound on AWS requests in flight at once.
    pub concurrency: usize,
}

/// A loaded SDK configuration plus what the UI shows about it.
#[derive(Clone)]
pub struct AwsContext {
    pub profile: Option<String>,
    pub region: String,
    /// The endpoint override, if any (from `--endpoint-url` or AWS_ENDPOINT_URL).
    pub endpoint_override: Option<String>,
    sdk: SdkConfig,
    permits: Arc<Semaphore>,
    concurrency: usize,
}

impl std::fmt::Debug for AwsContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsContext")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("endpoint_override", &self.endpoint_override)
            .finish_non_exhaustive()
    }
}

impl AwsContext {
    /// Loads credentials chain, region and endpoint the way the AWS CLI does.
    pub async fn load(opts: &ConnectOptions) -> Result<Self, AwsError> {
        let profile = opts
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
        let endpoint = opts.endpoint_url.clone().or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|e| !e.is_empty())
        });
        // An empty or scheme-less endpoint would panic deep in the SDK.
        let usable = |e: &str| {
            let host = e
                .strip_prefix("http://")
                .or_else(|| e.strip_prefix("https://"));
            host.is_some_and(|h| !h.is_empty())
        };
        if let Some(e) = endpoint.as_deref().filter(|e| !usable(e)) {
            return Err(AwsError::BadEndpoint(e.to_string()));
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(5)
                    .with_initial_backoff(Duration::from_millis(250)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .build(),
            );
        if let Some(p) = &profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(e) = &endpoint {
            loader = loader.endpoint_url(e);
        }
        let sdk = loader.load().await;
        let region = sdk
            .region()
            .map(|r| r.as_ref().to_string())
            .ok_or(AwsError::NoRegion)?;
        if !region::looks_valid(&region) {
            return Err(AwsError::UnknownRegion(region));
        }
        let concurrency = opts.concurrency.max(1);
        Ok(Self {
            profile,
            region,
            endpoint_override: endpoint,
            sdk,
            permits: Arc::new(Semaphore::new(concurrency)),
            concurrency,
        })
    }

    /// The same settings pointed at another region.
    pub async fn with_region(&self, region: &str) -> Result<Self, AwsError> {
        Self::load(&ConnectOptions {
            profile: self.profile.clone(),
            region: Some(region.to_string()),
            endpoint_url: self.endpoint_override.clone(),
            concurrency: self.concurrency,
        })
        .await
    }

    /// What error classification needs to know about this context.
    pub fn call_context(&self, service: &str) -> CallContext {
        CallContext {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint: self
                .endpoint_override
                .clone()
                .unwrap_or_else(|| format!("https://{service}.{}.amazonaws.com", self.region)),
        }
    }

    /// Waits for a free request slot; at most `concurrency` calls run at once.
    pub async fn permit(&self) -> tokio::sync::SemaphorePermit<'_> {
        // The semaphore is never closed, so acquire cannot fail.
        match self.permits.acquire().await {
            Ok(p) => p,
            Err(_) => unreachable!("request semaphore closed"),
        }
    }

    pub fn ecs(&self) -> aws_sdk_ecs::Client {
        aws_sdk_ecs::Client::new(&self.sdk)
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk)
    }

    pub fn autoscaling(&self) -> aws_sdk_applicationautoscaling::Client {
        aws_sdk_applicationautoscaling::Client::new(&self.sdk)
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk)
    }

    pub fn elb(&self) -> aws_sdk_elasticloadbalancingv2::Client {
        aws_sdk_elasticloadbalancingv2::Client::new(&self.sdk)
    }

    /// S3 with path-style addressing when an endpoint override is set, so
    /// that emulators on a plain host:port work.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.sdk)
            .force_path_style(self.endpoint_override.is_some())
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// Classifies an SDK error of `action` (`service:Operation`).
    pub fn error<E, R>(&self, action: &str, err: aws_sdk_ecs::error::SdkError<E, R>) -> AwsError
    where
        E: aws_sdk_ecs::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + 'static,
    {
        let service = action.split(':').next().unwrap_or("aws");
        AwsError::from_sdk(action, &self.call_context(service), err)
    }

    /// The account the credentials belong to (sts:GetCallerIdentity).
    pub async fn account_id(&self) -> Result<String, AwsError> {
        let _permit = self.permit().await;
        tracing::debug!(op = "sts:GetCallerIdentity");
        let out = self.sts().get_caller_identity().send().await.map_err(|e| {
            AwsError::from_sdk("sts:GetCallerIdentity", &self.call_context("sts"), e)
        })?;
        Ok(out.account().unwrap_or_default().to_string())
    }
}
