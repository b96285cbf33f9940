//! Cloud-debug operations the explorer started: which service each is
//! about, how far it got, and what it reported.

use std::collections::HashMap;
use std::fmt;
use std::time::Instant;

use crate::engine::disable::DisableSummary;
use crate::engine::enable::EnableSummary;
use crate::engine::{EngineError, Finding, Target};
use crate::model::Service;

/// A service an operation is about, by its original (not `cloud-debug-`)
/// name, so that both services of a pair lead to the same operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceRef {
    pub region: String,
    pub cluster: String,
    pub service: String,
}

impl ServiceRef {
    pub fn of(region: &str, service: &Service) -> Self {
        Self {
            region: region.to_string(),
            cluster: crate::aws::ecs::cluster_name(&service.cluster_arn).to_string(),
            service: service.original_name().to_string(),
        }
    }

    pub fn target(&self) -> Target {
        Target {
            cluster: self.cluster.clone(),
            service: self.service.clone(),
        }
    }

    /// The name of its debug twin.
    pub fn twin(&self) -> String {
        crate::engine::names::debug_service(&self.service)
    }
}

impl fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.cluster, self.service)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Enable,
    Disable,
}

impl OpKind {
    /// `enable` / `disable`, as in sentences.
    pub fn verb(self) -> &'static str {
        match self {
            OpKind::Enable => "enable",
            OpKind::Disable => "disable",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpPhase {
    /// Preflight runs; nothing is written yet.
    Checking,
    Running,
    /// Stopped part-way; it can be retried or rolled back.
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub kind: OpKind,
    /// The task role an enable uses (kept for a retry).
    pub role: Option<String>,
    pub phase: OpPhase,
    pub started: Instant,
    /// Engine step → the output line that shows it.
    pub steps: HashMap<String, u64>,
}

impl Operation {
    pub fn new(kind: OpKind, role: Option<String>, now: Instant) -> Self {
        Self {
            kind,
            role,
            phase: if kind == OpKind::Enable {
                OpPhase::Checking
            } else {
                OpPhase::Running
            },
            started: now,
            steps: HashMap::new(),
        }
    }

    /// Checking or running: a second action on the service must wait.
    pub fn is_active(&self) -> bool {
        self.phase != OpPhase::Failed
    }
}

/// How an operation ended well.
#[derive(Debug, Clone)]
pub enum OpOutcome {
    Enabled(EnableSummary),
    Disabled(DisableSummary),
}

/// How an operation ended badly, as the explorer presents it.
#[derive(Debug, Clone, PartialEq)]
pub enum OpError {
    /// Preflight found problems; nothing was written.
    Preflight(Vec<Finding>),
    /// Stopped after the first write: what exists now.
    Stopped {
        message: String,
        created: Vec<String>,
    },
    /// Refused before anything was changed.
    Refused(String),
    Failed(String),
}

impl From<EngineError> for OpError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Preflight(findings) => OpError::Preflight(findings),
            EngineError::Stopped {
                message, created, ..
            } => OpError::Stopped { message, created },
            EngineError::Interrupted { step, .. } => OpError::Stopped {
                message: format!("Stopped during the {step} step, as asked."),
                created: vec![],
            },
            EngineError::Refused(m) => OpError::Refused(m),
            other => OpError::Failed(other.to_string()),
        }
    }
}
