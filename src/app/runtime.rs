//! The event loop: terminal input, background results and ticks in, frames
//! out. Effects the app asks for run as tasks that report back over a
//! channel, so a frame is never blocked by AWS.

use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::{App, Effect, Update};
use crate::aws::AwsContext;
use crate::aws::ecs::Inventory;
use crate::tui::TerminalGuard;

/// Carries out effects against AWS.
pub struct Worker {
    ctx: AwsContext,
    inventory: Inventory,
    tx: UnboundedSender<Update>,
}

impl Worker {
    pub fn new(ctx: AwsContext, tx: UnboundedSender<Update>) -> Self {
        Self {
            inventory: Inventory::new(&ctx),
            ctx,
            tx,
        }
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
        }
    }
}

/// Runs the explorer until the user quits or SIGTERM/SIGHUP arrives.
pub async fn run(mut app: App, ctx: AwsContext) -> color_eyre::Result<()> {
    let (tx, mut rx) = unbounded_channel();
    let mut worker = Worker::new(ctx, tx);
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
            _ = sigterm.recv() => break,
            _ = sighup.recv() => break,
        };
        for effect in effects {
            dirty = true;
            worker.run(effect).await;
        }
    }
    Ok(())
}
