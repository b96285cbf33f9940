//! Disable: put everything back from the state record. The original is
//! scaled up (and running) before traffic returns to it and before the
//! debug service goes, so the service is never left without a way back.

use std::time::Instant;

use serde::Serialize;

use super::names;
use super::record::{Phase, StateRecord, short_arn};
use super::store::{BucketState, StateStore};
use super::{Engine, EngineError, Target};
use crate::aws::AwsError;

#[derive(Debug, Clone, Serialize)]
pub struct DisableSummary {
    pub cluster: String,
    pub service: String,
    pub debug_service: String,
    pub restored: Vec<String>,
    pub removed: Vec<String>,
    pub seconds: f64,
}

impl Engine {
    /// Switches a service back, or rolls back an interrupted enable.
    pub async fn disable(&self, t: &Target) -> Result<DisableSummary, EngineError> {
        let started = Instant::now();
        self.report.about(&t.cluster, &t.service);
        self.report.start("read-record", "Read the state record");
        let account = self.ctx.account_id().await?;
        let store = StateStore::new(&self.ctx, &account);
        let record = match store.probe().await? {
            BucketState::Foreign => {
                return Err(EngineError::BucketTaken {
                    bucket: store.bucket.clone(),
                });
            }
            BucketState::Missing => None,
            BucketState::Ours => store.get(&t.cluster, &t.service).await?,
        };
        let Some(mut rec) = record else {
            let twin = names::debug_service(&t.service);
            let err = match self.describe_service(&t.cluster, &twin).await? {
                Some(_) => EngineError::Refused(format!(
                    "{twin} exists but there is no state record for {}, so ecs-debug cannot \
                     restore it: scale {} back up and delete {twin} by hand.",
                    t.service, t.service
                )),
                None => EngineError::Refused(format!(
                    "Cloud debugging is not enabled for {} in cluster {}: there is nothing \
                     to disable.",
                    t.service, t.cluster
                )),
            };
            self.report.fail(&err.to_string());
            return Err(err);
        };
        self.report.detail(format!(
            "{} was {} since {}.",
            t.service,
            match rec.phase {
                Phase::Enabled => "enabled",
                Phase::Enabling => "being enabled (not finished)",
                Phase::Disabling => "being disabled (not finished)",
            },
            rec.started_at
        ));
        self.report.finish();
        let lease = super::lease::acquire(&store, t, "disable").await?;
        // Read again under the lease: another run may have finished since.
        rec = match store.get(&t.cluster, &t.service).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                lease.release().await;
                return Err(EngineError::Refused(format!(
                    "Cloud debugging of {} was switched off by another run meanwhile.",
                    t.service
                )));
            }
            Err(e) => {
                lease.release().await;
                return Err(e);
            }
        };
        rec.phase = Phase::Disabling;
        if let Err(e) = store.put(&rec).await {
            lease.release().await;
            return Err(e);
        }
        let mut restored = Vec::new();
        let mut removed = Vec::new();
        let result = self
            .disable_steps(&mut rec, &store, &mut restored, &mut removed)
            .await;
        lease.release().await;
        match result {
            Ok(()) => Ok(DisableSummary {
                cluster: t.cluster.clone(),
                service: t.service.clone(),
                debug_service: rec.debug_service.clone(),
                restored,
                removed,
                seconds: started.elapsed().as_secs_f64(),
            }),
            Err(e) => Err(self.stopped(e, &mut rec, &store, "disable").await),
        }
    }

    async fn disable_steps(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
        restored: &mut Vec<String>,
        removed: &mut Vec<String>,
    ) -> Result<(), EngineError> {
        let original = rec.original.service.desired_count;
        if self
            .begin(rec, store, "scale-up", "Scale the original service back up")
            .await?
        {
            // Its scaling is still suspended with min 0, so it cannot fight
            // the desired count set here.
            self.set_desired(&rec.cluster, &rec.service, original)
                .await?;
            self.wait_desired(&rec.cluster, &rec.service, original)
                .await?;
            restored.push(format!("{} back to desired count {original}", rec.service));
            self.end(rec, store, "scale-up").await?;
        }
        if self
            .begin(
                rec,
                store,
                "listeners-back",
                "Send load balancer traffic back",
            )
            .await?
        {
            restored.extend(self.repoint_listeners(rec, false).await?);
            self.end(rec, store, "listeners-back").await?;
        }
        if self
            .begin(rec, store, "scaling-back", "Restore autoscaling")
            .await?
        {
            if let Some(sc) = rec.original.scaling.clone() {
                let suspended = (
                    sc.dynamic_scaling_in_suspended,
                    sc.dynamic_scaling_out_suspended,
                    sc.scheduled_scaling_suspended,
                );
                self.set_scaling(&sc.resource_id, sc.min_capacity, sc.max_capacity, suspended)
                    .await?;
                let what = format!(
                    "autoscaling of {} back to min {} max {}",
                    rec.service, sc.min_capacity, sc.max_capacity
                );
                self.report.detail(format!("Restored {what}."));
                restored.push(what);
            } else {
                self.report
                    .detail("The service has no autoscaling: nothing to do.".into());
            }
            self.end(rec, store, "scaling-back").await?;
        }
        if self
            .begin(rec, store, "delete-service", "Delete the debug service")
            .await?
        {
            if self.delete_debug_service(rec).await? {
                removed.push(format!("service {}", rec.debug_service));
            }
            self.end(rec, store, "delete-service").await?;
        }
        if self
            .begin(
                rec,
                store,
                "delete-target-groups",
                "Delete the debug target groups",
            )
            .await?
        {
            removed.extend(self.delete_target_groups(rec).await?);
            self.end(rec, store, "delete-target-groups").await?;
        }
        if self
            .begin(
                rec,
                store,
                "deregister-task-definitions",
                "Deregister the debug task definition",
            )
            .await?
        {
            removed.extend(self.deregister_debug_revisions(rec).await?);
            self.end(rec, store, "deregister-task-definitions").await?;
        }
        self.report
            .start("remove-record", "Remove the state record");
        store.delete(&rec.cluster, &rec.service).await?;
        self.report
            .detail(format!("The bucket {} stays for next time.", store.bucket));
        self.report.finish();
        Ok(())
    }

    async fn wait_desired(
        &self,
        cluster: &str,
        service: &str,
        desired: i32,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            let running = self
                .describe_service(cluster, service)
                .await?
                .map(|s| s.running_count())
                .unwrap_or(0);
            if running >= desired {
                self.report
                    .detail(format!("{service} runs {running} of {desired} tasks."));
                return Ok(());
            }
            if started.elapsed() > self.waits.timeout {
                return Err(EngineError::Aws(AwsError::Service {
                    action: format!("waiting for {service}"),
                    code: "Timeout".into(),
                    message: format!(
                        "{running} of {desired} tasks running after {} s",
                        started.elapsed().as_secs()
                    ),
                }));
            }
            if attempt % 4 == 0 {
                self.report
                    .detail(format!("{service}: {running} of {desired} tasks running…"));
            }
            self.check_cancel("scale-up", "")?;
            self.pause(attempt).await;
            attempt += 1;
        }
    }

    /// Scales the debug service to 0, deletes it and waits until it has
    /// drained. Returns false when it was already gone.
    async fn delete_debug_service(&self, rec: &StateRecord) -> Result<bool, EngineError> {
        let twin = &rec.debug_service;
        let Some(svc) = self.describe_service(&rec.cluster, twin).await? else {
            self.report.detail(format!("{twin} is already gone."));
            return Ok(false);
        };
        if svc.status() == Some("ACTIVE") {
            if svc.desired_count() > 0 {
                self.set_desired(&rec.cluster, twin, 0).await?;
            }
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "ecs:DeleteService", service = %twin);
            self.ctx
                .ecs()
                .delete_service()
                .cluster(&rec.cluster)
                .service(twin)
                .force(true)
                .send()
                .await
                .map_err(|e| self.ctx.error("ecs:DeleteService", e))?;
            self.report
                .detail(format!("Deleted {twin}; waiting for it to drain…"));
        }
        self.wait_not_draining(&rec.cluster, twin).await?;
        self.report.detail(format!("{twin} is gone."));
        Ok(true)
    }

    async fn delete_target_groups(&self, rec: &StateRecord) -> Result<Vec<String>, EngineError> {
        let owner = format!("{}/{}", rec.cluster, rec.service);
        let mut removed = Vec::new();
        for pair in &rec.created.target_groups {
            let arn = match &pair.debug_arn {
                Some(a) => Some(a.clone()),
                // Created but not recorded before a crash: find it by name,
                // and only if it is ours.
                None => match self.target_group_named(&pair.debug_name).await? {
                    Some(tg) => {
                        let arn = tg.target_group_arn().unwrap_or_default().to_string();
                        (self.target_group_owner(&arn).await?.as_deref() == Some(owner.as_str()))
                            .then_some(arn)
                    }
                    None => None,
                },
            };
            let Some(arn) = arn else { continue };
            let result = {
                let _permit = self.ctx.permit().await;
                tracing::debug!(op = "elasticloadbalancing:DeleteTargetGroup", arn = %arn);
                self.ctx
                    .elb()
                    .delete_target_group()
                    .target_group_arn(&arn)
                    .send()
                    .await
            };
            match result {
                Ok(_) => {
                    self.report
                        .detail(format!("Deleted target group {}.", pair.debug_name));
                    removed.push(format!("target group {}", pair.debug_name));
                }
                Err(e) => {
                    let err = self.ctx.error("elasticloadbalancing:DeleteTargetGroup", e);
                    match &err {
                        AwsError::Service { code, .. } if code.contains("TargetGroupNotFound") => {}
                        AwsError::Service { code, .. } if code.contains("ResourceInUse") => {
                            let users = self.target_group_users(&arn).await?;
                            return Err(EngineError::Refused(format!(
                                "Target group {} is still used by {}: point those at another \
                                 target group, then run disable again.",
                                pair.debug_name,
                                users.join(", ")
                            )));
                        }
                        _ => return Err(err.into()),
                    }
                }
            }
        }
        Ok(removed)
    }

    /// Listeners and rules that still forward to a target group.
    async fn target_group_users(&self, arn: &str) -> Result<Vec<String>, EngineError> {
        let mut users = Vec::new();
        let arns = vec![arn.to_string()];
        for tg in self.describe_target_groups(&arns).await? {
            for lb in tg.load_balancer_arns() {
                for l in self.describe_listeners(lb).await? {
                    let larn = l.listener_arn().unwrap_or_default().to_string();
                    if super::resources::refers(l.default_actions(), &arns) {
                        users.push(format!("the default action of listener {larn}"));
                    }
                    for r in self.describe_rules(&larn).await? {
                        if super::resources::refers(r.actions(), &arns) {
                            users.push(format!("rule {}", r.rule_arn().unwrap_or("?")));
                        }
                    }
                }
            }
        }
        if users.is_empty() {
            users.push("a load balancer (ELB did not say which)".into());
        }
        Ok(users)
    }

    /// Deregisters every ACTIVE revision of the debug family, including
    /// ones an interrupted run registered but did not record.
    async fn deregister_debug_revisions(
        &self,
        rec: &StateRecord,
    ) -> Result<Vec<String>, EngineError> {
        let family = names::debug_family(&rec.original.family);
        let mut arns: Vec<String> = Vec::new();
        let mut token = None;
        loop {
            let out = {
                let _permit = self.ctx.permit().await;
                tracing::debug!(op = "ecs:ListTaskDefinitions", family = %family);
                self.ctx
                    .ecs()
                    .list_task_definitions()
                    .family_prefix(&family)
                    .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(|e| self.ctx.error("ecs:ListTaskDefinitions", e))?
            };
            arns.extend(
                out.task_definition_arns()
                    .iter()
                    .filter(|a| {
                        short_arn(a).rsplit_once(':').map(|(f, _)| f) == Some(family.as_str())
                    })
                    .cloned(),
            );
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut removed = Vec::new();
        for arn in arns {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "ecs:DeregisterTaskDefinition", arn = %arn);
            self.ctx
                .ecs()
                .deregister_task_definition()
                .task_definition(&arn)
                .send()
                .await
                .map_err(|e| self.ctx.error("ecs:DeregisterTaskDefinition", e))?;
            self.report
                .detail(format!("Deregistered {}.", short_arn(&arn)));
            removed.push(format!("task definition {}", short_arn(&arn)));
        }
        Ok(removed)
    }
}
