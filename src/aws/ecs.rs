//! ECS inventory: clusters and services, every page followed, describe
//! calls batched to the API limits and run concurrently within the
//! context's request bound.

use aws_sdk_ecs::types as ecs;

use super::{AwsContext, AwsError};
use crate::model::{self, Cluster, DebugStatus, LoadBalancerRef, Service, ServiceExtras};

/// DescribeClusters accepts at most this many clusters per call.
pub const CLUSTER_BATCH: usize = 100;
/// DescribeServices accepts at most this many services per call.
pub const SERVICE_BATCH: usize = 10;
/// The largest page ListClusters and ListServices return.
const PAGE_SIZE: i32 = 100;

/// Reads clusters and services of one account and region.
#[derive(Clone, Debug)]
pub struct Inventory {
    ctx: AwsContext,
    client: aws_sdk_ecs::Client,
}

impl Inventory {
    pub fn new(ctx: &AwsContext) -> Self {
        Self {
            client: ctx.ecs(),
            ctx: ctx.clone(),
        }
    }

    fn err<E, R>(&self, action: &str, e: aws_sdk_ecs::error::SdkError<E, R>) -> AwsError
    where
        E: aws_sdk_ecs::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + 'static,
    {
        AwsError::from_sdk(action, &self.ctx.call_context("ecs"), e)
    }

    /// One page of cluster ARNs and the token of the next page.
    pub async fn list_cluster_page(
        &self,
        token: Option<String>,
    ) -> Result<(Vec<String>, Option<String>), AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "ecs:ListClusters", more = token.is_some());
        let out = self
            .client
            .list_clusters()
            .max_results(PAGE_SIZE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| self.err("ecs:ListClusters", e))?;
        Ok((
            out.cluster_arns().to_vec(),
            out.next_token().map(str::to_string),
        ))
    }

    /// Describes at most [`CLUSTER_BATCH`] clusters; never called empty.
    pub async fn describe_cluster_batch(&self, arns: &[String]) -> Result<Vec<Cluster>, AwsError> {
        debug_assert!(!arns.is_empty() && arns.len() <= CLUSTER_BATCH);
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "ecs:DescribeClusters", count = arns.len());
        let out = self
            .client
            .describe_clusters()
            .set_clusters(Some(arns.to_vec()))
            .send()
            .await
            .map_err(|e| self.err("ecs:DescribeClusters", e))?;
        Ok(out.clusters().iter().map(cluster_from).collect())
    }

    /// Every cluster in the region, sorted by name.
    pub async fn clusters(&self) -> Result<Vec<Cluster>, AwsError> {
        let mut pending = Vec::new();
        let mut token = None;
        loop {
            let (arns, next) = self.list_cluster_page(token).await?;
            for chunk in arns.chunks(CLUSTER_BATCH) {
                let this = self.clone();
                let chunk = chunk.to_vec();
                pending.push(tokio::spawn(async move {
                    this.describe_cluster_batch(&chunk).await
                }));
            }
            match next {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => break,
            }
        }
        let mut clusters = Vec::new();
        for handle in pending {
            clusters.extend(join(handle).await??);
        }
        clusters.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(clusters)
    }

    /// One cluster by name or ARN.
    pub async fn cluster(&self, name: &str) -> Result<Cluster, AwsError> {
        let found = self.describe_cluster_batch(&[name.to_string()]).await?;
        found
            .into_iter()
            .find(|c| c.status != "INACTIVE")
            .ok_or_else(|| AwsError::NotFound {
                what: "Cluster",
                name: name.to_string(),
                region: self.ctx.region.clone(),
            })
    }

    /// One page of service ARNs of `cluster` and the next page's token.
    pub async fn list_service_page(
        &self,
        cluster: &str,
        token: Option<String>,
    ) -> Result<(Vec<String>, Option<String>), AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "ecs:ListServices", cluster, more = token.is_some());
        let out = self
            .client
            .list_services()
            .cluster(cluster)
            .max_results(PAGE_SIZE)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| self.err("ecs:ListServices", e))?;
        Ok((
            out.service_arns().to_vec(),
            out.next_token().map(str::to_string),
        ))
    }

    /// Describes at most [`SERVICE_BATCH`] services; never called empty.
    /// Services that vanished since they were listed are left out.
    pub async fn describe_service_batch(
        &self,
        cluster: &str,
        arns: &[String],
    ) -> Result<Vec<Service>, AwsError> {
        debug_assert!(!arns.is_empty() && arns.len() <= SERVICE_BATCH);
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "ecs:DescribeServices", cluster, count = arns.len());
        let out = self
            .client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(arns.to_vec()))
            .send()
            .await
            .map_err(|e| self.err("ecs:DescribeServices", e))?;
        for f in out.failures() {
            tracing::info!(
                arn = f.arn().unwrap_or("?"),
                reason = f.reason().unwrap_or("?"),
                "service listed but not described"
            );
        }
        Ok(out.services().iter().map(service_from).collect())
    }

    /// Every service of `cluster` with debug pairs marked, sorted by
    /// original name. Describe batches start as soon as their page arrives.
    pub async fn services(&self, cluster: &str) -> Result<Vec<Service>, AwsError> {
        let mut pending = Vec::new();
        let mut token = None;
        loop {
            let (arns, next) = self.list_service_page(cluster, token).await?;
            for chunk in arns.chunks(SERVICE_BATCH) {
                let this = self.clone();
                let (cluster, chunk) = (cluster.to_string(), chunk.to_vec());
                pending.push(tokio::spawn(async move {
                    this.describe_service_batch(&cluster, &chunk).await
                }));
            }
            match next {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => break,
            }
        }
        let mut services = Vec::new();
        for handle in pending {
            services.extend(join(handle).await??);
        }
        services.retain(|s| s.status != "INACTIVE");
        model::pair_and_sort(&mut services);
        Ok(services)
    }

    /// Task definition facts and scaling limits for the details pane.
    pub async fn service_extras(&self, service: &Service) -> Result<ServiceExtras, AwsError> {
        let mut extras = ServiceExtras::default();
        {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "ecs:DescribeTaskDefinition");
            let out = self
                .client
                .describe_task_definition()
                .task_definition(&service.task_definition)
                .send()
                .await
                .map_err(|e| self.err("ecs:DescribeTaskDefinition", e))?;
            if let Some(td) = out.task_definition() {
                extras.network_mode = td.network_mode().map(|m| m.as_str().to_string());
                extras.task_role = td.task_role_arn().map(str::to_string);
                extras.execution_role = td.execution_role_arn().map(str::to_string);
                extras.containers = td
                    .container_definitions()
                    .iter()
                    .filter_map(|c| c.name().map(str::to_string))
                    .collect();
            }
        }
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "application-autoscaling:DescribeScalableTargets");
        let resource = format!(
            "service/{}/{}",
            cluster_name(&service.cluster_arn),
            service.name
        );
        let out = self
            .ctx
            .autoscaling()
            .describe_scalable_targets()
            .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
            .resource_ids(resource)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "application-autoscaling:DescribeScalableTargets",
                    &self.ctx.call_context("application-autoscaling"),
                    e,
                )
            })?;
        extras.scaling = out
            .scalable_targets()
            .first()
            .map(|t| (t.min_capacity(), t.max_capacity()));
        Ok(extras)
    }
}

async fn join<T>(handle: tokio::task::JoinHandle<T>) -> Result<T, AwsError> {
    handle.await.map_err(|e| AwsError::Service {
        action: "describe".to_string(),
        code: "Internal".to_string(),
        message: format!("a background request stopped unexpectedly ({e})"),
    })
}

/// The name part of a cluster ARN (`…:cluster/NAME`), or the input itself.
pub fn cluster_name(arn_or_name: &str) -> &str {
    arn_or_name.rsplit('/').next().unwrap_or(arn_or_name)
}

fn cluster_from(c: &ecs::Cluster) -> Cluster {
    Cluster {
        name: c.cluster_name().unwrap_or_default().to_string(),
        arn: c.cluster_arn().unwrap_or_default().to_string(),
        status: c.status().unwrap_or_default().to_string(),
        active_services: c.active_services_count(),
        running_tasks: c.running_tasks_count(),
        pending_tasks: c.pending_tasks_count(),
        container_instances: c.registered_container_instances_count(),
    }
}

fn service_from(s: &ecs::Service) -> Service {
    Service {
        name: s.service_name().unwrap_or_default().to_string(),
        arn: s.service_arn().unwrap_or_default().to_string(),
        cluster_arn: s.cluster_arn().unwrap_or_default().to_string(),
        status: s.status().unwrap_or_default().to_string(),
        desired: s.desired_count(),
        running: s.running_count(),
        pending: s.pending_count(),
        launch_type: s
            .launch_type()
            .map(|l| l.as_str().to_string())
            .unwrap_or_default(),
        capacity_providers: s
            .capacity_provider_strategy()
            .iter()
            .map(|c| c.capacity_provider().to_string())
            .collect(),
        platform_version: s.platform_version().map(str::to_string),
        task_definition: s.task_definition().unwrap_or_default().to_string(),
        load_balancers: s
            .load_balancers()
            .iter()
            .map(|lb| LoadBalancerRef {
                target_group_arn: lb.target_group_arn().map(str::to_string),
                load_balancer_name: lb.load_balancer_name().map(str::to_string),
                container_name: lb.container_name().map(str::to_string),
                container_port: lb.container_port(),
            })
            .collect(),
        exec_enabled: s.enable_execute_command(),
        awsvpc: s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
            .is_some(),
        debug: DebugStatus::None,
    }
}
