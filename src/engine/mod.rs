//! The cloud-debug engine: switch a service into cloud debugging and back,
//! step by step, recording each step so an interrupted run can be finished
//! or rolled back from the state record alone.
//!
//! The engine knows nothing about the terminal UI; it reports progress over
//! a channel and is called the same way by the commands and the explorer.

pub mod catalog;
pub mod disable;
pub mod enable;
pub mod lease;
pub mod names;
pub mod preflight;
pub mod record;
pub mod resources;
pub mod roles;
pub mod status;
pub mod store;
pub mod taskdef;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::{AwsContext, AwsError};
pub use preflight::{Finding, Severity};

/// One thing the engine reports while it works.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Started { step: String, title: String },
    Detail { step: String, text: String },
    Finished { step: String, elapsed: Duration },
    Skipped { step: String, reason: String },
    Failed { step: String, error: String },
}

/// Sends progress to whoever listens (stderr, the build-output pane), and
/// keeps the log file in step.
#[derive(Clone, Default)]
pub struct Reporter {
    tx: Option<UnboundedSender<Progress>>,
    current: Arc<Mutex<(String, Option<Instant>)>>,
    /// `cluster/service`, so log lines of operations run side by side can
    /// be told apart.
    subject: Arc<Mutex<String>>,
}

impl Reporter {
    pub fn new(tx: UnboundedSender<Progress>) -> Self {
        Self {
            tx: Some(tx),
            current: Arc::default(),
            subject: Arc::default(),
        }
    }

    /// A reporter that drops everything (for internal reads).
    pub fn silent() -> Self {
        Self::default()
    }

    fn send(&self, p: Progress) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(p);
        }
    }

    /// Names the service the following lines are about (in the log file).
    pub fn about(&self, cluster: &str, service: &str) {
        if let Ok(mut s) = self.subject.lock() {
            *s = format!("{cluster}/{service}");
        }
    }

    fn subject(&self) -> String {
        self.subject.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn step(&self) -> String {
        self.current.lock().map(|c| c.0.clone()).unwrap_or_default()
    }

    pub fn start(&self, step: &str, title: &str) {
        tracing::info!(service = %self.subject(), step, "{title}");
        if let Ok(mut c) = self.current.lock() {
            *c = (step.to_string(), Some(Instant::now()));
        }
        self.send(Progress::Started {
            step: step.to_string(),
            title: title.to_string(),
        });
    }

    pub fn detail(&self, text: String) {
        tracing::info!(service = %self.subject(), step = %self.step(), "{text}");
        self.send(Progress::Detail {
            step: self.step(),
            text,
        });
    }

    pub fn finish(&self) {
        let (step, started) = self.current.lock().map(|c| c.clone()).unwrap_or_default();
        let elapsed = started.map(|s| s.elapsed()).unwrap_or_default();
        tracing::info!(
            service = %self.subject(),
            step = %step,
            "done in {:.1} s",
            elapsed.as_secs_f64()
        );
        self.send(Progress::Finished { step, elapsed });
    }

    pub fn skip(&self, step: &str, reason: &str) {
        tracing::info!(service = %self.subject(), step, "skipped: {reason}");
        self.send(Progress::Skipped {
            step: step.to_string(),
            reason: reason.to_string(),
        });
    }

    pub fn fail(&self, error: &str) {
        tracing::error!(service = %self.subject(), step = %self.step(), "{error}");
        self.send(Progress::Failed {
            step: self.step(),
            error: error.to_string(),
        });
    }
}

/// Set by Ctrl-C; the engine stops at the next AWS call boundary.
#[derive(Clone, Default, Debug)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How long the engine waits for ECS before it gives up (resumably).
#[derive(Debug, Clone, Copy)]
pub struct Waits {
    pub timeout: Duration,
    pub first_poll: Duration,
    pub max_poll: Duration,
}

impl Default for Waits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15 * 60),
            first_poll: Duration::from_millis(250),
            max_poll: Duration::from_secs(5),
        }
    }
}

/// What the engine needs for every operation.
#[derive(Clone)]
pub struct Engine {
    pub ctx: AwsContext,
    pub report: Reporter,
    pub cancel: Cancel,
    pub waits: Waits,
}

/// Which service an operation is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub cluster: String,
    pub service: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    Aws(AwsError),
    #[error("Preflight found {}; nothing was changed.", failures(.0))]
    Preflight(Vec<Finding>),
    #[error(
        "The state bucket name {bucket} belongs to another account: nothing was changed. \
         Ask its owner to remove it, or debug in another region."
    )]
    BucketTaken { bucket: String },
    #[error("{0}")]
    Refused(String),
    #[error("{message}")]
    Stopped {
        message: String,
        created: Vec<String>,
        /// Changes already made to the user's own resources.
        changed: Vec<String>,
        next: String,
    },
    /// The request itself is incomplete (exit 2).
    #[error("{0}")]
    Usage(String),
    #[error("Interrupted during {step}. {next}")]
    Interrupted { step: String, next: String },
    #[error("Internal error: {0}.")]
    Internal(String),
}

/// `1 problem`, `2 problems`: how many findings failed.
fn failures(findings: &[Finding]) -> String {
    let failed = findings.iter().filter(|f| f.severity == Severity::Fail);
    crate::model::plural(failed.count(), "problem")
}

impl EngineError {
    /// The exit code the commands use: 1 AWS, 3 preflight, 4 resumable.
    pub fn exit_code(&self) -> u8 {
        match self {
            EngineError::Preflight(_) | EngineError::BucketTaken { .. } => 3,
            EngineError::Stopped { .. } | EngineError::Interrupted { .. } => 4,
            EngineError::Refused(_) => 3,
            EngineError::Usage(_) => 2,
            EngineError::Aws(_) | EngineError::Internal(_) => 1,
        }
    }
}

/// A test-only hook: with `ECS_DEBUG_TEST_EXIT_AFTER=<step>` the process
/// exits right after that step is recorded as done, as a crash would.
pub fn test_exit_after(step: &str) {
    if std::env::var("ECS_DEBUG_TEST_EXIT_AFTER").is_ok_and(|s| s == step) {
        tracing::warn!(step, "exiting on ECS_DEBUG_TEST_EXIT_AFTER");
        std::process::exit(99);
    }
}

impl Engine {
    pub fn new(ctx: AwsContext, report: Reporter, cancel: Cancel) -> Self {
        Self {
            ctx,
            report,
            cancel,
            waits: Waits::default(),
        }
    }

    /// Fails with `Interrupted` once Ctrl-C was pressed.
    pub fn check_cancel(&self, step: &str, next: &str) -> Result<(), EngineError> {
        if self.cancel.is_cancelled() {
            return Err(EngineError::Interrupted {
                step: step.to_string(),
                next: next.to_string(),
            });
        }
        Ok(())
    }

    /// Sleeps one poll interval (growing from `first_poll` to `max_poll`),
    /// waking early on Ctrl-C.
    pub async fn pause(&self, attempt: u32) {
        let factor = 1.5f64.powi(attempt.min(20) as i32);
        let wait = self
            .waits
            .first_poll
            .mul_f64(factor)
            .min(self.waits.max_poll);
        let until = Instant::now() + wait;
        while Instant::now() < until && !self.cancel.is_cancelled() {
            tokio::time::sleep(Duration::from_millis(50).min(wait)).await;
        }
    }
}
