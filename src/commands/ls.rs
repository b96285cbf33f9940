//! `ecs-debug ls`: clusters and services with their debug status.

use futures::StreamExt;
use serde::Serialize;

use crate::aws::ecs::Inventory;
use crate::aws::{AwsContext, AwsError};
use crate::model::{Cluster, DebugStatus, Service, plural};

#[derive(Debug, Serialize)]
pub struct Listing {
    pub region: String,
    pub account: String,
    pub clusters: Vec<ClusterEntry>,
}

#[derive(Debug, Serialize)]
pub struct ClusterEntry {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub services: Vec<ServiceEntry>,
}

#[derive(Debug, Serialize)]
pub struct ServiceEntry {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub desired: i32,
    pub running: i32,
    /// `null` when the service uses a capacity provider strategy.
    pub launch_type: Option<String>,
    pub capacity_providers: Vec<String>,
    pub debug: DebugStatus,
}

impl From<Service> for ServiceEntry {
    fn from(s: Service) -> Self {
        Self {
            launch_type: (!s.launch_type.is_empty()).then_some(s.launch_type),
            name: s.name,
            arn: s.arn,
            status: s.status,
            desired: s.desired,
            running: s.running,
            capacity_providers: s.capacity_providers,
            debug: s.debug,
        }
    }
}

/// Reads the listing: every cluster (or only `cluster`) with every service.
pub async fn listing(
    ctx: &AwsContext,
    cluster: Option<&str>,
    concurrency: usize,
) -> Result<Listing, AwsError> {
    let inventory = Inventory::new(ctx);
    let account = {
        let ctx = ctx.clone();
        tokio::spawn(async move { ctx.account_id().await })
    };
    let clusters: Vec<Cluster> = match cluster {
        Some(name) => vec![inventory.cluster(name).await?],
        None => inventory.clusters().await?,
    };
    let entries: Vec<Result<ClusterEntry, AwsError>> = futures::stream::iter(clusters)
        .map(|c| {
            let inventory = inventory.clone();
            async move {
                let services = inventory.services(&c.arn).await?;
                Ok(ClusterEntry {
                    name: c.name,
                    arn: c.arn,
                    status: c.status,
                    services: services.into_iter().map(ServiceEntry::from).collect(),
                })
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    let account = account.await.map_err(|e| AwsError::Service {
        action: "sts:GetCallerIdentity".into(),
        code: "Internal".into(),
        message: e.to_string(),
    })??;
    Ok(Listing {
        region: ctx.region.clone(),
        account,
        clusters: entries.into_iter().collect::<Result<_, _>>()?,
    })
}

/// Human-readable form of the listing.
pub fn render_text(listing: &Listing) -> String {
    let mut out = format!(
        "{} · account {} · {}\n",
        listing.region,
        listing.account,
        plural(listing.clusters.len(), "cluster")
    );
    for c in &listing.clusters {
        out.push_str(&format!(
            "{} ({}, {})\n",
            c.name,
            c.status,
            plural(c.services.len(), "service")
        ));
        let width = c.services.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in &c.services {
            let placement = s
                .launch_type
                .clone()
                .unwrap_or_else(|| s.capacity_providers.join("+"));
            let debug = match s.debug {
                DebugStatus::None => "",
                DebugStatus::Enabled => "  debugging (original)",
                DebugStatus::Twin => "  debug twin",
            };
            let counts = format!("{}/{}", s.running, s.desired);
            out.push_str(&format!(
                "  {:<width$}  {counts:>7}  {placement}{debug}\n",
                s.name
            ));
        }
    }
    out
}
