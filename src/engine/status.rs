//! Status: every enabled service and every interrupted operation in the
//! region, from the state records.

use std::time::Duration;

use serde::Serialize;

use super::record::Phase;
use super::store::StateStore;
use super::{Engine, EngineError};

/// A running operation updates its record at least this often; an older
/// unfinished record means the operation was interrupted.
pub const STALE_AFTER: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Enabled,
    Enabling,
    Disabling,
    Interrupted,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusEntry {
    pub cluster: String,
    pub service: String,
    pub debug_service: String,
    pub state: State,
    pub task_role: String,
    pub since: String,
    /// For interrupted operations: the command that finishes or undoes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl Engine {
    pub async fn status(&self) -> Result<Vec<StatusEntry>, EngineError> {
        let account = self.ctx.account_id().await?;
        let store = StateStore::new(&self.ctx, &account);
        let now = chrono::Utc::now();
        // Test-only: how old an unfinished record must be to count as
        // interrupted.
        let stale_after = std::env::var("ECS_DEBUG_TEST_STALE_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(STALE_AFTER);
        let mut entries: Vec<StatusEntry> = store
            .list()
            .await?
            .into_iter()
            .map(|r| {
                let stale = chrono::DateTime::parse_from_rfc3339(&r.updated_at)
                    .map(|t| {
                        now.signed_duration_since(t).to_std().unwrap_or_default() >= stale_after
                    })
                    .unwrap_or(true)
                    || r.stopped_at.is_some();
                let state = match (r.phase, stale) {
                    (Phase::Enabled, _) => State::Enabled,
                    (_, true) => State::Interrupted,
                    (Phase::Enabling, false) => State::Enabling,
                    (Phase::Disabling, false) => State::Disabling,
                };
                let next = (state == State::Interrupted).then(|| r.resume_command());
                StatusEntry {
                    cluster: r.cluster,
                    service: r.service,
                    debug_service: r.debug_service,
                    state,
                    task_role: r.task_role_arn,
                    since: r.started_at,
                    next,
                }
            })
            .collect();
        entries.sort_by(|a, b| (&a.cluster, &a.service).cmp(&(&b.cluster, &b.service)));
        Ok(entries)
    }
}
