//! One run at a time per service: a small lease object next to the state
//! record, refreshed while a run works and removed when it ends. A second
//! enable or disable of the same service is refused while the lease is
//! live, so two processes never undo each other's steps.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::store::StateStore;
use super::{EngineError, Target};

/// A lease not refreshed for this long belongs to a run that died.
pub const LEASE_TTL: Duration = Duration::from_secs(90);
/// How often a working run refreshes its lease.
const HEARTBEAT: Duration = Duration::from_secs(20);
/// Time for a concurrent writer's lease to land before ours is re-read.
const SETTLE: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub host: String,
    pub pid: u32,
    /// `enable` or `disable`.
    pub operation: String,
    pub at: String,
}

impl Lease {
    fn mine(operation: &str) -> Self {
        Self {
            host: hostname(),
            pid: std::process::id(),
            operation: operation.to_string(),
            at: super::record::now(),
        }
    }

    fn is_mine(&self) -> bool {
        self.host == hostname() && self.pid == std::process::id()
    }

    /// True while the run that holds it may still be working.
    fn is_live(&self) -> bool {
        let fresh = chrono::DateTime::parse_from_rfc3339(&self.at)
            .map(|t| {
                let age = chrono::Utc::now().signed_duration_since(t);
                age.to_std().unwrap_or_default() < LEASE_TTL
            })
            .unwrap_or(false);
        // On this machine a dead process gives its lease up at once.
        let alive = self.host != hostname()
            || std::path::Path::new(&format!("/proc/{}", self.pid)).exists()
            || !std::path::Path::new("/proc/self").exists();
        fresh && alive
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// A held lease; its heartbeat stops when it is released or dropped.
pub struct LeaseGuard {
    store: StateStore,
    target: Target,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl LeaseGuard {
    /// Ends the heartbeat and removes the lease.
    pub async fn release(self) {
        self.heartbeat.abort();
        if let Err(e) = self.store.delete_lease(&self.target).await {
            tracing::warn!("could not remove the lease: {e}");
        }
    }
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        self.heartbeat.abort();
    }
}

/// Takes the lease of `target` for `operation`, or says who holds it.
// LIMITATION: S3 is written without a compare-and-swap; two runs started
// within a few milliseconds of each other could both get through.
pub async fn acquire(
    store: &StateStore,
    target: &Target,
    operation: &str,
) -> Result<LeaseGuard, EngineError> {
    let refuse = |other: &Lease| {
        EngineError::Refused(format!(
            "Another ecs-debug (process {} on {}) is running {} for {} right now: wait for it \
             to finish, then try again.",
            other.pid, other.host, other.operation, target.service
        ))
    };
    if let Some(other) = store.get_lease(target).await?
        && !other.is_mine()
        && other.is_live()
    {
        return Err(refuse(&other));
    }
    store.put_lease(target, &Lease::mine(operation)).await?;
    tokio::time::sleep(SETTLE).await;
    if let Some(now) = store.get_lease(target).await?
        && !now.is_mine()
    {
        return Err(refuse(&now));
    }
    let (beat_store, beat_target, op) = (store.clone(), target.clone(), operation.to_string());
    let heartbeat = tokio::spawn(async move {
        loop {
            tokio::time::sleep(HEARTBEAT).await;
            if let Err(e) = beat_store.put_lease(&beat_target, &Lease::mine(&op)).await {
                tracing::warn!("could not refresh the lease: {e}");
            }
        }
    });
    Ok(LeaseGuard {
        store: store.clone(),
        target: target.clone(),
        heartbeat,
    })
}
