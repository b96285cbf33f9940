//! State of the small dialogs of the cloud-debug flow: the context menu,
//! confirmations, preflight problems, a stopped operation, and the status
//! view.

use super::action::Action;
use super::ops::{OpKind, ServiceRef};
use super::tree::Load;
use crate::engine::Finding;
use crate::engine::status::{State, StatusEntry};
use crate::model::Service;

/// The actions of one service, opened with Enter or a right-click.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub service: Box<Service>,
    pub items: Vec<(Action, String)>,
    pub selected: usize,
    /// Screen cell to open at (a right-click); else beside the row.
    pub anchor: Option<(u16, u16)>,
}

impl Menu {
    pub fn move_by(&mut self, delta: isize) {
        let last = self.items.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    pub fn choice(&self) -> Option<Action> {
        self.items.get(self.selected).map(|(a, _)| *a)
    }
}

/// A question that needs an explicit `y`.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    /// Enable only on a service that is not a production one.
    Enable {
        service: Box<Service>,
        dont_ask_again: bool,
    },
    /// Disable (or roll back a stopped enable).
    Disable { service: ServiceRef, rollback: bool },
    /// Quit while operations run.
    Quit { running: usize },
}

/// Preflight found problems: nothing was written.
#[derive(Debug, Clone, PartialEq)]
pub struct PreflightView {
    pub service: ServiceRef,
    pub role: String,
    pub findings: Vec<Finding>,
}

/// An operation stopped part-way.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureView {
    pub service: ServiceRef,
    pub kind: OpKind,
    pub message: String,
    pub created: Vec<String>,
}

/// One line of the status view.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    pub service: ServiceRef,
    pub state: State,
    pub task_role: String,
    pub since: String,
    /// What finishing it means, for an unfinished operation.
    pub resume: Option<OpKind>,
}

impl StatusRow {
    pub fn from_entry(region: &str, e: StatusEntry) -> Self {
        let resume = match e.state {
            State::Enabled => None,
            State::Enabling => Some(OpKind::Enable),
            State::Disabling => Some(OpKind::Disable),
            // LIMITATION: the entry does not carry the record's phase, so
            // an interrupted one is told apart by the command status names.
            State::Interrupted if e.next.as_deref().is_some_and(|n| n.contains(" enable ")) => {
                Some(OpKind::Enable)
            }
            State::Interrupted => Some(OpKind::Disable),
        };
        Self {
            service: ServiceRef {
                region: region.to_string(),
                cluster: e.cluster,
                service: e.service,
            },
            state: e.state,
            task_role: e.task_role,
            since: e.since,
            resume,
        }
    }
}

/// Every enabled service and unfinished operation of a region.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusView {
    pub region: String,
    pub rows: Load<Vec<StatusRow>>,
    pub selected: usize,
}

impl StatusView {
    pub fn move_by(&mut self, delta: isize) {
        let len = self.rows.ready().map(Vec::len).unwrap_or(0);
        let last = len.saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    pub fn selected_row(&self) -> Option<&StatusRow> {
        self.rows.ready()?.get(self.selected)
    }
}
