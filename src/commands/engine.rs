//! `enable`, `disable`, `status`, `doctor` and `policy`: the engine's
//! command-line face. Progress goes to stderr as it happens; `--json`
//! puts one result object on stdout.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc::unbounded_channel;

use crate::aws::AwsContext;
use crate::cli::{RunArgs, TargetArgs};
use crate::engine::disable::DisableSummary;
use crate::engine::enable::{EnableRequest, EnableSummary};
use crate::engine::{Cancel, Engine, EngineError, Finding, Progress, Reporter, Severity, Target};

/// The least-privilege policy for the person running ecs-debug.
pub const POLICY: &str = include_str!("../../assets/iam-policy.json");

/// A command's failure: exit code and one sentence.
pub type Failure = (u8, String);

fn target(t: &TargetArgs) -> Target {
    Target {
        cluster: crate::aws::ecs::cluster_name(&t.cluster).to_string(),
        service: t.service.clone(),
    }
}

/// Prints progress to stderr until the channel closes.
fn engine_with_progress(ctx: &AwsContext, timeout: u64) -> (Engine, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = unbounded_channel();
    let printer = tokio::spawn(async move {
        let mut err = std::io::stderr();
        while let Some(p) = rx.recv().await {
            let line = match p {
                Progress::Started { title, .. } => format!("▶ {title}"),
                Progress::Detail { text, .. } => format!("    {text}"),
                Progress::Finished { elapsed, .. } => {
                    format!("  ✓ done in {:.1} s", elapsed.as_secs_f64())
                }
                Progress::Skipped { step, reason } => format!("↷ {step}: {reason}"),
                // The command's own error message says it once, at the end.
                Progress::Failed { .. } => continue,
            };
            let _ = writeln!(err, "{line}");
        }
    });
    let cancel = Cancel::default();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nStopping after the current AWS call (the record keeps what was done)…");
            on_ctrl_c.cancel();
        }
    });
    let mut engine = Engine::new(ctx.clone(), Reporter::new(tx), cancel);
    engine.waits.timeout = Duration::from_secs(timeout);
    (engine, printer)
}

fn confirm(question: &str, run: &RunArgs) -> Result<(), Failure> {
    if run.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err((
            2,
            "Not asking without a terminal: pass --yes to confirm.".into(),
        ));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let read = std::io::stdin().lock().read_line(&mut answer).unwrap_or(0);
    if read == 0 {
        // End of input (Ctrl-D): end the prompt's line before answering.
        eprintln!();
    }
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err((2, "Nothing was changed.".into()))
    }
}

/// Like [`failure`], and with `--json` also one object on stdout.
fn failure_json(e: EngineError, json_out: bool) -> Failure {
    if json_out {
        let (created, changed, next) = match &e {
            EngineError::Stopped {
                created,
                changed,
                next,
                ..
            } => (created.clone(), changed.clone(), Some(next.clone())),
            _ => (vec![], vec![], None),
        };
        let findings = match &e {
            EngineError::Preflight(f) => f.clone(),
            _ => vec![],
        };
        let v = json!({
            "ok": false,
            "error": e.to_string(),
            "exit_code": e.exit_code(),
            "created": created,
            "changed": changed,
            "next": next,
            "checks": findings,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    failure(e)
}

fn failure(e: EngineError) -> Failure {
    let code = e.exit_code();
    let mut text = e.to_string();
    match &e {
        EngineError::Preflight(findings) => {
            for f in findings.iter().filter(|f| f.severity == Severity::Fail) {
                text.push_str(&format!("\n  ✗ {}", f.message));
                if let Some(fix) = &f.fix {
                    text.push_str(&format!(" {fix}"));
                }
            }
        }
        EngineError::Stopped {
            created,
            changed,
            next,
            ..
        } => {
            if created.is_empty() {
                text.push_str("\nNothing was created.");
            } else {
                text.push_str("\nCreated so far:");
                for c in created {
                    text.push_str(&format!("\n  - {c}"));
                }
            }
            if !changed.is_empty() {
                text.push_str("\nChanged so far:");
                for c in changed {
                    text.push_str(&format!("\n  - {c}"));
                }
            }
            text.push_str(&format!("\n{next}"));
        }
        _ => {}
    }
    (code, text)
}

pub async fn enable(
    ctx: &AwsContext,
    t: &TargetArgs,
    task_role: Option<&str>,
    containers: &[String],
    run: &RunArgs,
) -> Result<(), Failure> {
    let target = target(t);
    confirm(
        &format!(
            "Enable cloud debugging for {} in cluster {}? The service is scaled to 0 while a \
             debug copy serves in its place; this is not for production services.",
            target.service, target.cluster
        ),
        run,
    )?;
    let (engine, printer) = engine_with_progress(ctx, run.timeout);
    let request = EnableRequest {
        target,
        task_role: task_role.map(str::to_string),
        containers: containers.to_vec(),
    };
    let result = engine.enable(&request).await;
    drop(engine);
    let _ = printer.await;
    let summary = result.map_err(|e| failure_json(e, run.json))?;
    emit(run.json, &summary, enable_text);
    Ok(())
}

/// Prints a result: one JSON object, or text for people.
fn emit<T: serde::Serialize>(json_out: bool, value: &T, text: impl Fn(&T) -> String) {
    if json_out {
        println!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_default()
        );
    } else {
        print!("{}", text(value));
    }
}

/// `Title:` and a bulleted line per item, for the non-empty lists.
fn sections(out: &mut String, lists: &[(&str, &Vec<String>)]) {
    for (title, items) in lists.iter().filter(|(_, items)| !items.is_empty()) {
        out.push_str(&format!("{title}:\n"));
        for item in items.iter() {
            out.push_str(&format!("  - {item}\n"));
        }
    }
}

fn enable_text(s: &EnableSummary) -> String {
    let mut out = format!(
        "Cloud debugging is on for {} in {} ({:.1} s): {} serves in its place.\n",
        s.service, s.cluster, s.seconds, s.debug_service
    );
    if let Some(task) = &s.task {
        out.push_str(&format!(
            "Debug task: {}\n",
            crate::engine::enable::task_id(task)
        ));
    }
    sections(
        &mut out,
        &[
            ("Created", &s.created),
            ("Changed", &s.changed),
            ("Relaxed", &s.notes),
        ],
    );
    out.push_str(&format!(
        "Switch back with: ecs-debug disable --cluster {} --service {}\n",
        s.cluster, s.service
    ));
    out
}

pub async fn disable(ctx: &AwsContext, t: &TargetArgs, run: &RunArgs) -> Result<(), Failure> {
    let target = target(t);
    confirm(
        &format!(
            "Disable cloud debugging for {} in cluster {}? Its debug copy is deleted and the \
             service is restored.",
            target.service, target.cluster
        ),
        run,
    )?;
    let (engine, printer) = engine_with_progress(ctx, run.timeout);
    let result = engine.disable(&target).await;
    drop(engine);
    let _ = printer.await;
    let summary = result.map_err(|e| failure_json(e, run.json))?;
    emit(run.json, &summary, disable_text);
    Ok(())
}

fn disable_text(s: &DisableSummary) -> String {
    let mut out = format!(
        "Cloud debugging is off for {} in {} ({:.1} s).\n",
        s.service, s.cluster, s.seconds
    );
    sections(
        &mut out,
        &[("Restored", &s.restored), ("Removed", &s.removed)],
    );
    out
}

pub async fn status(ctx: &AwsContext, json_out: bool) -> Result<(), Failure> {
    let engine = Engine::new(ctx.clone(), Reporter::silent(), Cancel::default());
    let entries = engine.status().await.map_err(failure)?;
    if json_out {
        let v = json!({ "services": entries });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    if entries.is_empty() {
        println!("No service is in cloud debugging in {}.", ctx.region);
    }
    for e in entries {
        let state = serde_json::to_value(&e.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!(
            "{}/{}  {state}  since {}  role {}",
            e.cluster, e.service, e.since, e.task_role
        );
        if let Some(next) = e.next {
            println!("    finish or undo: {next}");
        }
    }
    Ok(())
}

pub async fn doctor(
    ctx: &AwsContext,
    t: &TargetArgs,
    task_role: Option<&str>,
    json_out: bool,
) -> Result<(), Failure> {
    let engine = Engine::new(ctx.clone(), Reporter::silent(), Cancel::default());
    let pre = engine
        .preflight(&target(t), task_role, &[])
        .await
        .map_err(failure)?;
    let failed = pre.failed();
    if json_out {
        let v = json!({ "ok": !failed, "checks": pre.findings });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        for f in &pre.findings {
            println!("{}", finding_line(f));
        }
    }
    if failed {
        return Err((3, "Preflight failed: see the checks above.".into()));
    }
    Ok(())
}

fn finding_line(f: &Finding) -> String {
    let mark = match f.severity {
        Severity::Pass => "✓",
        Severity::Info => "·",
        Severity::Warn => "!",
        Severity::Fail => "✗",
    };
    match &f.fix {
        Some(fix) => format!("{mark} {}: {} {fix}", f.check, f.message),
        None => format!("{mark} {}: {}", f.check, f.message),
    }
}
