//! The event loop: terminal input, background results and ticks in, frames
//! out. Effects the app asks for run as tasks that report back over a
//! channel, so a frame is never blocked by AWS.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::ops::{OpError, OpOutcome, ServiceRef};
use super::{App, Effect, Update};
use crate::aws::AwsContext;
use crate::aws::ecs::Inventory;
use crate::engine::enable::EnableRequest;
use crate::engine::{Cancel, Engine, Reporter, catalog};
use crate::tui::TerminalGuard;

/// Role simulations in flight at once while the picker is open, so a
/// large account does not crowd out the explorer's own calls.
const ROLE_CHECKS_AT_ONCE: usize = 4;

/// Carries out effects against AWS.
pub struct Worker {
    ctx: AwsContext,
    inventory: Inventory,
    tx: UnboundedSender<Update>,
    /// Where "don't ask again" is written.
    config_path: Option<PathBuf>,
    /// One per operation started, so quitting can stop them all.
    cancels: Vec<Cancel>,
}

impl Worker {
    pub fn new(ctx: AwsContext, tx: UnboundedSender<Update>) -> Self {
        Self {
            inventory: Inventory::new(&ctx),
            ctx,
            tx,
            config_path: None,
            cancels: Vec::new(),
        }
    }

    pub fn with_config_path(mut self, path: Option<PathBuf>) -> Self {
        self.config_path = path;
        self
    }

    /// An engine whose progress comes back as updates about `service`,
    /// and the task forwarding it (done once the engine is dropped).
    fn engine_for(&mut self, service: &ServiceRef) -> (Engine, tokio::task::JoinHandle<()>) {
        let (ptx, mut prx) = unbounded_channel();
        let tx = self.tx.clone();
        let key = service.clone();
        let forward = tokio::spawn(async move {
            while let Some(progress) = prx.recv().await {
                let service = key.clone();
                let _ = tx.send(Update::Progress { service, progress });
            }
        });
        let cancel = Cancel::default();
        self.cancels.retain(|c| !c.is_cancelled());
        self.cancels.push(cancel.clone());
        (
            Engine::new(self.ctx.clone(), Reporter::new(ptx), cancel),
            forward,
        )
    }

    pub async fn run(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        let inv = self.inventory.clone();
        let region = self.ctx.region.clone();
        match effect {
            Effect::LoadAccount => {
                let ctx = self.ctx.clone();
                tokio::spawn(async move {
                    let r = ctx.account_id().await.map_err(|e| e.to_string());
                    let _ = tx.send(Update::Account(r));
                });
            }
            Effect::LoadClusters => {
                tokio::spawn(async move {
                    let started = Instant::now();
                    let result = inv.clusters().await.map_err(|e| e.to_string());
                    let elapsed = started.elapsed();
                    let _ = tx.send(Update::Clusters {
                        region,
                        result,
                        elapsed,
                    });
                });
            }
            Effect::LoadServices(cluster_arn) => {
                tokio::spawn(async move {
                    let started = Instant::now();
                    let result = inv.services(&cluster_arn).await.map_err(|e| e.to_string());
                    let elapsed = started.elapsed();
                    let _ = tx.send(Update::Services {
                        region,
                        cluster_arn,
                        result,
                        elapsed,
                    });
                });
            }
            Effect::LoadExtras(service) => {
                tokio::spawn(async move {
                    let result = inv
                        .service_extras(&service)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Update::Extras {
                        service_arn: service.arn.clone(),
                        result,
                    });
                });
            }
            Effect::SwitchRegion(region) => {
                // Loading a configuration reads local files only: quick.
                let result = match self.ctx.with_region(&region).await {
                    Ok(ctx) => {
                        self.inventory = Inventory::new(&ctx);
                        self.ctx = ctx;
                        Ok(region)
                    }
                    Err(e) => Err(e.to_string()),
                };
                let _ = self.tx.send(Update::RegionSwitched(result));
            }
            Effect::LoadRoles {
                service,
                task_definition,
            } => {
                let ctx = self.ctx.clone();
                tokio::spawn(async move {
                    let current = async {
                        match &task_definition {
                            Some(td) => catalog::task_role_of(&ctx, td).await.ok().flatten(),
                            None => None,
                        }
                    };
                    let (roles, current) = tokio::join!(catalog::list_roles(&ctx), current);
                    let result = roles.map(|r| (r, current)).map_err(|e| e.to_string());
                    let _ = tx.send(Update::Roles { service, result });
                });
            }
            // LIMITATION: checks started for a picker go on after it closes;
            // they are few, bounded, and read-only.
            Effect::CheckRoles(roles) => {
                let ctx = self.ctx.clone();
                tokio::spawn(async move {
                    let mut verdicts = catalog::usabilities(ctx, roles, ROLE_CHECKS_AT_ONCE);
                    while let Some((arn, usability)) = verdicts.next().await {
                        if tx.send(Update::RoleChecked { arn, usability }).is_err() {
                            break;
                        }
                    }
                });
            }
            Effect::LoadRoleDetails { arn, name } => {
                let ctx = self.ctx.clone();
                tokio::spawn(async move {
                    let result = catalog::attached_policies(&ctx, &name)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Update::RoleDetails { arn, result });
                });
            }
            Effect::Preflight { service, role } => {
                let engine = Engine::new(self.ctx.clone(), Reporter::silent(), Cancel::default());
                tokio::spawn(async move {
                    let result = engine
                        .preflight(&service.target(), Some(&role), &[])
                        .await
                        .map(|p| p.findings)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Update::Preflight { service, result });
                });
            }
            Effect::Enable { service, role } => {
                let (engine, forward) = self.engine_for(&service);
                tokio::spawn(async move {
                    let request = EnableRequest {
                        target: service.target(),
                        task_role: Some(role),
                        containers: vec![],
                    };
                    let result = engine.enable(&request).await;
                    // Every progress line is in before the result.
                    drop(engine);
                    let _ = forward.await;
                    let result = result.map(OpOutcome::Enabled).map_err(OpError::from);
                    let _ = tx.send(Update::OpEnded { service, result });
                });
            }
            Effect::Disable { service } => {
                let (engine, forward) = self.engine_for(&service);
                tokio::spawn(async move {
                    let result = engine.disable(&service.target()).await;
                    drop(engine);
                    let _ = forward.await;
                    let result = result.map(OpOutcome::Disabled).map_err(OpError::from);
                    let _ = tx.send(Update::OpEnded { service, result });
                });
            }
            Effect::CancelAll => {
                for cancel in &self.cancels {
                    cancel.cancel();
                }
            }
            Effect::LoadStatus => {
                let engine = Engine::new(self.ctx.clone(), Reporter::silent(), Cancel::default());
                tokio::spawn(async move {
                    let result = engine.status().await.map_err(|e| e.to_string());
                    let _ = tx.send(Update::Status { region, result });
                });
            }
            Effect::SaveSetting { key, value } => {
                let path = self.config_path.clone();
                tokio::spawn(async move {
                    let result = match path {
                        Some(path) => tokio::task::spawn_blocking(move || {
                            crate::config::save_setting(&path, key, value)
                                .map(|()| path.display().to_string())
                                .map_err(|e| e.to_string())
                        })
                        .await
                        .unwrap_or_else(|e| Err(format!("Could not save the setting: {e}."))),
                        None => Err("There is no configuration directory to remember the \
                                     setting in: pass --config PATH."
                            .to_string()),
                    };
                    let _ = tx.send(Update::SettingSaved(result));
                });
            }
        }
    }
}

/// Runs the explorer until the user quits or SIGTERM/SIGHUP arrives.
pub async fn run(
    mut app: App,
    ctx: AwsContext,
    config_path: Option<PathBuf>,
) -> color_eyre::Result<()> {
    let (tx, mut rx) = unbounded_channel();
    let mut worker = Worker::new(ctx, tx).with_config_path(config_path);
    let mut guard = TerminalGuard::enter()?;
    let mut events = EventStream::new();
    let mut ticks = tokio::time::interval(Duration::from_millis(100));
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;

    for effect in app.start() {
        worker.run(effect).await;
    }
    let mut dirty = true;
    while !app.quit {
        if dirty {
            guard
                .terminal
                .draw(|frame| crate::ui::draw(frame, &mut app))?;
            dirty = false;
        }
        let effects = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    dirty = true;
                    app.handle_key(key)
                }
                Some(Ok(Event::Mouse(mouse))) => {
                    dirty = true;
                    app.handle_mouse(mouse, Instant::now())
                }
                Some(Ok(Event::Resize(..))) => {
                    guard.terminal.autoresize()?;
                    dirty = true;
                    vec![]
                }
                Some(Ok(_)) => vec![],
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(update) = rx.recv() => {
                dirty = true;
                app.apply(update)
            }
            _ = ticks.tick() => {
                dirty |= app.busy();
                app.tick(Instant::now())
            }
            // LIMITATION: running operations get no grace period here; they
            // stop mid-step at worst, and their state records resume them.
            _ = sigterm.recv() => {
                worker.run(Effect::CancelAll).await;
                break;
            }
            _ = sighup.recv() => {
                worker.run(Effect::CancelAll).await;
                break;
            }
        };
        for effect in effects {
            dirty = true;
            worker.run(effect).await;
        }
    }
    Ok(())
}
