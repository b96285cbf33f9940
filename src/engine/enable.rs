//! Enable: preflight, state bucket, record, debug task definition, debug
//! target groups, debug service, wait for it, then repoint listeners and
//! scale the original down. Each step is recorded before and after it
//! acts and is skipped when an earlier run finished it.

use std::time::Instant;

use aws_sdk_ecs::types as ecs;
use aws_sdk_elasticloadbalancingv2::types as elb;
use serde::Serialize;

use super::names;
use super::record::{
    Created, Mark, Original, Phase, RECORD_VERSION, StateRecord, TargetGroupPair, now,
};
use super::resources::{self, Surroundings, TAG_KEY, refers, remap};
use super::store::StateStore;
use super::taskdef;
use super::{Engine, EngineError, Severity, Target, test_exit_after};

/// ECS ignores load-balancer health checks this long after a debug task
/// starts, so a task paused at a breakpoint is not replaced.
pub const DEBUG_GRACE_SECONDS: i32 = 86_400;

#[derive(Debug, Clone)]
pub struct EnableRequest {
    pub target: Target,
    /// The task role; `None` resumes with the one an interrupted enable
    /// recorded.
    pub task_role: Option<String>,
    /// Containers whose app the debugger starts; empty chooses them.
    pub containers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnableSummary {
    pub cluster: String,
    pub service: String,
    pub debug_service: String,
    pub task_role: String,
    pub task: Option<String>,
    pub created: Vec<String>,
    pub changed: Vec<String>,
    pub notes: Vec<String>,
    pub seconds: f64,
}

impl Engine {
    /// Switches a service into cloud debugging, or finishes an interrupted
    /// enable of it.
    pub async fn enable(&self, req: &EnableRequest) -> Result<EnableSummary, EngineError> {
        let started = Instant::now();
        let t = &req.target;
        self.report.about(&t.cluster, &t.service);
        self.report
            .start("preflight", "Check the service, the task role and ECS Exec");
        let pre = self
            .preflight(t, req.task_role.as_deref(), &req.containers)
            .await?;
        let resuming = pre.record.as_ref().map(|r| r.phase) == Some(Phase::Enabling);
        if req.task_role.is_none() && !resuming {
            return Err(EngineError::Usage(
                "Pass --task-role ROLE: the IAM role the debug task runs with.".into(),
            ));
        }
        for f in &pre.findings {
            let mark = match f.severity {
                Severity::Pass => "ok",
                Severity::Info => "note",
                Severity::Warn => "warning",
                Severity::Fail => "FAILED",
            };
            let fix = f
                .fix
                .as_deref()
                .map(|x| format!(" {x}"))
                .unwrap_or_default();
            self.report.detail(format!("{mark}: {}{fix}", f.message));
        }
        if pre.failed() {
            let err = EngineError::Preflight(pre.findings.clone());
            self.report.fail(&err.to_string());
            return Err(err);
        }
        self.report.finish();
        let (Some(s), Some(role)) = (pre.surroundings, pre.role) else {
            return Err(EngineError::Internal(
                "preflight returned no service".into(),
            ));
        };
        let store = pre.store;
        self.report.start("bucket", "Prepare the state bucket");
        store.ensure(&self.report).await?;
        self.report.finish();
        let lease = super::lease::acquire(&store, t, "enable").await?;
        // Read again under the lease: another run may have moved on since.
        let record = match store.get(&t.cluster, &t.service).await {
            Ok(r) => r,
            Err(e) => {
                lease.release().await;
                return Err(e);
            }
        };
        if let Some(r) = record.as_ref().filter(|r| r.phase != Phase::Enabling) {
            lease.release().await;
            return Err(EngineError::Refused(format!(
                "{} changed while this run started (it is now {:?}): run `ecs-debug status`.",
                t.service, r.phase
            )));
        }
        let mut rec = match record {
            Some(r) => {
                if r.task_role_arn != role.arn {
                    self.report.detail(format!(
                        "Resuming with the task role chosen first: {}.",
                        r.task_role_arn
                    ));
                }
                r
            }
            None => new_record(t, &s, &role.arn, &req.containers),
        };
        let result = self
            .enable_steps(&mut rec, &store, &s, pre.twin_draining)
            .await;
        lease.release().await;
        match result {
            Ok((task, changed)) => Ok(EnableSummary {
                cluster: t.cluster.clone(),
                service: t.service.clone(),
                debug_service: rec.debug_service.clone(),
                task_role: rec.task_role_arn.clone(),
                task,
                created: rec.created_resources(),
                changed,
                notes: rec.notes.clone(),
                seconds: started.elapsed().as_secs_f64(),
            }),
            Err(e) => Err(self.stopped(e, &mut rec, &store, "enable").await),
        }
    }

    /// Turns a failure after the first write into a resumable stop that
    /// lists what exists, what was changed, and how to finish or undo it.
    /// The record is marked stopped so `status` says so at once.
    pub(crate) async fn stopped(
        &self,
        err: EngineError,
        rec: &mut StateRecord,
        store: &StateStore,
        op: &str,
    ) -> EngineError {
        let next = if op == "enable" {
            format!(
                "Run `{}` again to finish, or `{}` to remove what was created.",
                rec.resume_command(),
                rec.disable_command()
            )
        } else {
            format!("Run `{}` again to finish.", rec.disable_command())
        };
        let message = match &err {
            EngineError::Aws(e) => format!("{op} stopped: {e}"),
            EngineError::Interrupted { step, .. } => {
                format!("{op} was interrupted during the {step} step, as asked")
            }
            _ => {
                self.report.fail(&err.to_string());
                return err;
            }
        };
        self.report.fail(&message);
        rec.stopped_at = Some(now());
        if let Err(e) = store.put(rec).await {
            tracing::warn!("could not mark the record stopped: {e}");
        }
        EngineError::Stopped {
            message,
            created: rec.created_resources(),
            changed: rec.changes_made(),
            next,
        }
    }

    pub(crate) async fn begin(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
        step: &str,
        title: &str,
    ) -> Result<bool, EngineError> {
        self.check_cancel(step, "")?;
        if rec.done(step) {
            self.report.skip(step, "done in an earlier run");
            return Ok(false);
        }
        self.report.start(step, title);
        rec.stopped_at = None;
        rec.mark(step, Mark::Started);
        store.put(rec).await?;
        Ok(true)
    }

    pub(crate) async fn end(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
        step: &str,
    ) -> Result<(), EngineError> {
        rec.mark(step, Mark::Done);
        store.put(rec).await?;
        self.report.finish();
        test_exit_after(step);
        Ok(())
    }

    async fn enable_steps(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
        s: &Surroundings,
        twin_draining: bool,
    ) -> Result<(Option<String>, Vec<String>), EngineError> {
        self.report.start("record", "Record the service as it is");
        rec.phase = Phase::Enabling;
        store.put(rec).await?;
        self.report.detail(format!(
            "Saved s3://{}/{}.",
            store.bucket,
            names::record_key(&rec.cluster, &rec.service)
        ));
        self.report.finish();
        test_exit_after("record");

        if self
            .begin(
                rec,
                store,
                "task-definition",
                "Register the debug task definition",
            )
            .await?
        {
            self.debug_task_definition(rec, store, s).await?;
            self.end(rec, store, "task-definition").await?;
        }
        if self
            .begin(rec, store, "target-groups", "Create debug target groups")
            .await?
        {
            self.debug_target_groups(rec, store, s).await?;
            self.end(rec, store, "target-groups").await?;
        }
        if self
            .begin(rec, store, "debug-service", "Create the debug service")
            .await?
        {
            self.debug_service(rec, store, s, twin_draining).await?;
            self.end(rec, store, "debug-service").await?;
        }
        let mut task = None;
        if self
            .begin(
                rec,
                store,
                "wait-running",
                "Wait for the debug task and ECS Exec",
            )
            .await?
        {
            task = Some(self.wait_running(rec, store).await?);
            self.end(rec, store, "wait-running").await?;
        }
        let mut changed = Vec::new();
        if self
            .begin(
                rec,
                store,
                "listeners",
                "Send load balancer traffic to the debug service",
            )
            .await?
        {
            changed.extend(self.repoint_listeners(rec, true).await?);
            self.end(rec, store, "listeners").await?;
        }
        if self
            .begin(rec, store, "scale-down", "Scale the original service to 0")
            .await?
        {
            // The original goes to 0 only while a debug task runs.
            task = Some(self.wait_running(rec, store).await?);
            changed.extend(self.scale_down(rec).await?);
            self.end(rec, store, "scale-down").await?;
        }
        rec.phase = Phase::Enabled;
        store.put(rec).await?;
        self.report.start("done", "Cloud debugging enabled");
        self.report.detail(format!(
            "{} now serves in place of {}.",
            rec.debug_service, rec.service
        ));
        self.report.finish();
        Ok((task, changed))
    }

    async fn debug_task_definition(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
        s: &Surroundings,
    ) -> Result<(), EngineError> {
        if let Some(arn) = rec.created.task_definition_arns.last() {
            self.report
                .detail(format!("Using {}.", super::record::short_arn(arn)));
            return Ok(());
        }
        let apps = rec.original.app_containers.clone();
        let (containers, notes) = taskdef::debug_containers(&s.task_definition, &apps);
        let owner = format!("{}/{}", rec.cluster, rec.service);
        let request = taskdef::fill_registration(
            self.ctx.ecs().register_task_definition(),
            &s.task_definition,
            &s.task_definition_tags,
            &rec.task_role_arn,
            containers,
            &owner,
        );
        let out = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "ecs:RegisterTaskDefinition");
            request
                .send()
                .await
                .map_err(|e| self.ctx.error("ecs:RegisterTaskDefinition", e))?
        };
        let arn = out
            .task_definition()
            .and_then(|t| t.task_definition_arn())
            .unwrap_or_default()
            .to_string();
        self.report.detail(format!(
            "Registered {} with task role {} and execution role {}.",
            super::record::short_arn(&arn),
            super::record::short_arn(&rec.task_role_arn),
            s.task_definition
                .execution_role_arn()
                .map(super::record::short_arn)
                .unwrap_or("none")
        ));
        for n in &notes {
            self.report.detail(n.clone());
        }
        rec.notes.extend(notes);
        rec.created.task_definition_arns.push(arn);
        store.put(rec).await?;
        Ok(())
    }

    async fn debug_target_groups(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
        s: &Surroundings,
    ) -> Result<(), EngineError> {
        if s.target_groups.is_empty() {
            self.report
                .detail("The service has no load balancer: nothing to do.".into());
            return Ok(());
        }
        let owner = format!("{}/{}", rec.cluster, rec.service);
        for tg in &s.target_groups {
            let original = tg.target_group_arn().unwrap_or_default().to_string();
            if rec.created.debug_for(&original).is_some() {
                continue;
            }
            let name =
                names::debug_target_group(tg.target_group_name().unwrap_or_default(), &original);
            if !rec
                .created
                .target_groups
                .iter()
                .any(|p| p.original_arn == original)
            {
                rec.created.target_groups.push(TargetGroupPair {
                    original_arn: original.clone(),
                    debug_name: name.clone(),
                    debug_arn: None,
                });
                store.put(rec).await?;
            }
            let arn = match self.target_group_named(&name).await? {
                Some(existing) => {
                    let arn = existing.target_group_arn().unwrap_or_default().to_string();
                    if self.target_group_owner(&arn).await?.as_deref() != Some(owner.as_str()) {
                        return Err(EngineError::Refused(format!(
                            "A target group named {name} exists and was not made for {owner}: \
                             delete it if nothing uses it, then enable again."
                        )));
                    }
                    self.report.detail(format!("Using target group {name}."));
                    arn
                }
                None => self.create_target_group(tg, &name, &owner).await?,
            };
            if let Some(p) = rec
                .created
                .target_groups
                .iter_mut()
                .find(|p| p.original_arn == original)
            {
                p.debug_arn = Some(arn);
            }
            store.put(rec).await?;
        }
        Ok(())
    }

    async fn create_target_group(
        &self,
        tg: &elb::TargetGroup,
        name: &str,
        owner: &str,
    ) -> Result<String, EngineError> {
        let protocol = tg.protocol().cloned();
        let http = matches!(
            protocol,
            Some(elb::ProtocolEnum::Http | elb::ProtocolEnum::Https)
        );
        let mut req = self
            .ctx
            .elb()
            .create_target_group()
            .name(name)
            .set_protocol(protocol.clone())
            .set_port(tg.port())
            .set_vpc_id(tg.vpc_id().map(str::to_string))
            .set_target_type(tg.target_type().cloned())
            .set_ip_address_type(tg.ip_address_type().cloned())
            .health_check_enabled(true)
            .health_check_interval_seconds(300)
            .healthy_threshold_count(2)
            .unhealthy_threshold_count(10)
            .tags(elb::Tag::builder().key(TAG_KEY).value(owner).build());
        let detail = if http {
            req = req
                .set_protocol_version(tg.protocol_version().map(str::to_string))
                .set_health_check_protocol(tg.health_check_protocol().cloned().or(protocol))
                .health_check_path(tg.health_check_path().unwrap_or("/"))
                .health_check_timeout_seconds(120)
                .matcher(elb::Matcher::builder().http_code("200-499").build());
            "HTTP health check every 300 s, any answer below 500 is healthy, 10 misses to fail"
        } else {
            req = req
                .health_check_protocol(elb::ProtocolEnum::Tcp)
                .health_check_timeout_seconds(10);
            "TCP health check every 300 s, 10 misses to fail"
        };
        let out = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "elasticloadbalancing:CreateTargetGroup", name);
            req.send()
                .await
                .map_err(|e| self.ctx.error("elasticloadbalancing:CreateTargetGroup", e))?
        };
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .unwrap_or_default()
            .to_string();
        self.report.detail(format!(
            "Created target group {name} ({}, port {}): {detail}.",
            tg.protocol().map(|p| p.as_str()).unwrap_or("?"),
            tg.port().unwrap_or(0)
        ));
        Ok(arn)
    }

    async fn debug_service(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
        s: &Surroundings,
        twin_draining: bool,
    ) -> Result<(), EngineError> {
        let twin = rec.debug_service.clone();
        if twin_draining || rec.created.debug_service_arn.is_none() {
            self.wait_not_draining(&rec.cluster, &twin).await?;
        }
        if let Some(existing) = self.describe_service(&rec.cluster, &twin).await?
            && existing.status() == Some("ACTIVE")
        {
            if rec.created.debug_service_arn.is_none() {
                rec.created.debug_service_arn = existing.service_arn().map(str::to_string);
                store.put(rec).await?;
            }
            self.report.detail(format!("Using {twin}."));
            return Ok(());
        }
        let td = rec
            .created
            .task_definition_arns
            .last()
            .cloned()
            .ok_or_else(|| EngineError::Internal("no debug task definition".into()))?;
        let load_balancers: Vec<ecs::LoadBalancer> = s
            .service
            .load_balancers()
            .iter()
            .map(|lb| {
                let mut lb = lb.clone();
                if let Some(debug) = lb
                    .target_group_arn
                    .as_deref()
                    .and_then(|a| rec.created.debug_for(a))
                {
                    lb.target_group_arn = Some(debug.to_string());
                }
                lb
            })
            .collect();
        let platform = super::preflight::raised_platform(s);
        if let Some(p) = &platform {
            let note = format!(
                "debug service runs on platform {p} (the original's {} cannot run ECS Exec)",
                s.service.platform_version().unwrap_or("?")
            );
            self.report.detail(note.clone());
            rec.notes.push(note);
        }
        // LIMITATION: service registries (Cloud Map, Service Connect) are not
        // copied, so the debug task is reachable through its load balancer
        // and ECS Exec only, not by service discovery.
        let mut req = self
            .ctx
            .ecs()
            .create_service()
            .cluster(&rec.cluster)
            .service_name(&twin)
            .task_definition(&td)
            .desired_count(1)
            .enable_execute_command(true)
            .set_launch_type(s.service.launch_type().cloned())
            .set_capacity_provider_strategy(
                Some(s.service.capacity_provider_strategy().to_vec()).filter(|v| !v.is_empty()),
            )
            .set_platform_version(
                platform.or_else(|| s.service.platform_version().map(str::to_string)),
            )
            .set_network_configuration(
                s.service
                    .network_configuration()
                    .filter(|n| n.awsvpc_configuration().is_some())
                    .cloned(),
            )
            .set_placement_constraints(
                Some(s.service.placement_constraints().to_vec()).filter(|v| !v.is_empty()),
            )
            .set_placement_strategy(
                Some(s.service.placement_strategy().to_vec()).filter(|v| !v.is_empty()),
            )
            .set_propagate_tags(s.service.propagate_tags().cloned())
            .set_tags(Some(
                s.service
                    .tags()
                    .iter()
                    .filter(|t| {
                        let key = t.key().unwrap_or_default();
                        !key.starts_with("aws:") && key != TAG_KEY
                    })
                    .cloned()
                    .collect(),
            ))
            .deployment_configuration(
                ecs::DeploymentConfiguration::builder()
                    .minimum_healthy_percent(0)
                    .maximum_percent(100)
                    .build(),
            )
            .tags(
                ecs::Tag::builder()
                    .key(TAG_KEY)
                    .value(format!("{}/{}", rec.cluster, rec.service))
                    .build(),
            );
        // Tags and names are kept so the copy reads as what it stands for.
        if !load_balancers.is_empty() {
            req = req
                .set_load_balancers(Some(load_balancers))
                .health_check_grace_period_seconds(DEBUG_GRACE_SECONDS);
            let note = format!(
                "load balancer health checks are ignored for {} h after the debug task starts",
                DEBUG_GRACE_SECONDS / 3600
            );
            if !rec.notes.contains(&note) {
                rec.notes.push(note);
            }
        }
        let out = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "ecs:CreateService", service = %twin);
            req.send()
                .await
                .map_err(|e| self.ctx.error("ecs:CreateService", e))?
        };
        rec.created.debug_service_arn = out
            .service()
            .and_then(|s| s.service_arn())
            .map(str::to_string);
        store.put(rec).await?;
        self.report
            .detail(format!("Created {twin} with ECS Exec on and one task."));
        Ok(())
    }

    /// Waits while a service of this name is DRAINING (its name cannot be
    /// reused until it is gone).
    pub async fn wait_not_draining(&self, cluster: &str, name: &str) -> Result<(), EngineError> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            match self.describe_service(cluster, name).await? {
                Some(s) if s.status() == Some("DRAINING") => {}
                _ => return Ok(()),
            }
            if started.elapsed() > self.waits.timeout {
                return Err(EngineError::Aws(crate::aws::AwsError::Service {
                    action: format!("waiting for {name} to drain"),
                    code: "Timeout".into(),
                    message: format!(
                        "it is still draining after {} s; nothing was scaled down",
                        started.elapsed().as_secs()
                    ),
                }));
            }
            if attempt % 4 == 0 {
                self.report.detail(format!(
                    "{name} is still draining ({} s); its name can be reused once it is gone…",
                    started.elapsed().as_secs()
                ));
            }
            self.check_cancel("debug-service", "")?;
            self.pause(attempt).await;
            attempt += 1;
        }
    }

    /// Waits for a RUNNING debug task whose exec agent is RUNNING; returns
    /// its task ARN. Always looks the task up afresh.
    pub async fn wait_running(
        &self,
        rec: &mut StateRecord,
        store: &StateStore,
    ) -> Result<String, EngineError> {
        let started = Instant::now();
        let mut attempt = 0;
        let mut last = String::new();
        loop {
            let tasks = self.service_tasks(&rec.cluster, &rec.debug_service).await?;
            let state = tasks
                .iter()
                .filter(|t| t.desired_status() == Some("RUNNING"))
                .map(|t| (t, task_state(t, &rec.original.app_containers)))
                .max_by_key(|(_, st)| st.0);
            let line = match &state {
                Some((t, (2, _))) => {
                    let arn = t.task_arn().unwrap_or_default().to_string();
                    self.report.detail(format!(
                        "Task {} is RUNNING and its ECS Exec agent is connected.",
                        task_id(&arn)
                    ));
                    return Ok(arn);
                }
                Some((t, (_, what))) => {
                    format!("Task {}: {what}.", task_id(t.task_arn().unwrap_or("?")))
                }
                None => "No task yet.".to_string(),
            };
            if line != last {
                self.report.detail(line.clone());
                last = line;
            }
            if started.elapsed() > self.waits.timeout {
                return Err(EngineError::Aws(crate::aws::AwsError::Service {
                    action: "waiting for the debug task".into(),
                    code: "Timeout".into(),
                    message: format!(
                        "no running task with ECS Exec after {} s ({last})",
                        started.elapsed().as_secs()
                    ),
                }));
            }
            if attempt % 10 == 9 {
                rec.updated_at = now();
                store.put(rec).await?;
            }
            self.check_cancel("wait-running", "")?;
            self.pause(attempt).await;
            attempt += 1;
        }
    }

    /// Points listener references from `from` to `to` target groups
    /// (`forward` true: originals → debug copies). Returns what changed.
    pub async fn repoint_listeners(
        &self,
        rec: &StateRecord,
        forward: bool,
    ) -> Result<Vec<String>, EngineError> {
        let created = &rec.created;
        let map = |arn: &str| -> Option<String> {
            if forward {
                created.debug_for(arn).map(str::to_string)
            } else {
                created.original_for(arn).map(str::to_string)
            }
        };
        let sources: Vec<String> = created
            .target_groups
            .iter()
            .filter_map(|p| {
                if forward {
                    p.debug_arn.as_ref().map(|_| p.original_arn.clone())
                } else {
                    p.debug_arn.clone()
                }
            })
            .collect();
        let goal = if forward {
            "the debug target groups"
        } else {
            "the original target groups"
        };
        let mut changed = Vec::new();
        for l in &rec.original.listeners {
            let Some(live) = self.listener(&l.listener_arn).await? else {
                self.report.detail(format!(
                    "Listener {} no longer exists: skipped.",
                    l.listener_arn
                ));
                continue;
            };
            if !refers(live.default_actions(), &sources) {
                continue;
            }
            let actions = remap(live.default_actions(), map);
            self.modify_listener(&l.listener_arn, actions).await?;
            let what = format!(
                "listener {}:{} default action now forwards to {goal}",
                live.protocol().map(|p| p.as_str()).unwrap_or("?"),
                live.port().unwrap_or(0),
            );
            self.report.detail(format!("{}.", capitalized(&what)));
            changed.push(what);
        }
        for r in &rec.original.rules {
            let Some(live) = self.rule(&r.rule_arn).await? else {
                self.report
                    .detail(format!("Rule {} no longer exists: skipped.", r.rule_arn));
                continue;
            };
            if !refers(live.actions(), &sources) {
                continue;
            }
            self.modify_rule(&r.rule_arn, remap(live.actions(), map))
                .await?;
            let what = format!(
                "rule priority {} now forwards to {goal}",
                live.priority().unwrap_or("?"),
            );
            self.report.detail(format!("{}.", capitalized(&what)));
            changed.push(what);
        }
        Ok(changed)
    }

    async fn scale_down(&self, rec: &StateRecord) -> Result<Vec<String>, EngineError> {
        let mut changed = Vec::new();
        if let Some(sc) = &rec.original.scaling {
            self.set_scaling(&sc.resource_id, 0, sc.max_capacity, (true, true, true))
                .await?;
            let what = format!(
                "autoscaling of {} suspended (min {} → 0) so it cannot scale back up",
                rec.service, sc.min_capacity
            );
            self.report.detail(format!("{}.", capitalized(&what)));
            changed.push(what);
        }
        self.set_desired(&rec.cluster, &rec.service, 0).await?;
        let what = format!(
            "{} scaled from {} to 0",
            rec.service, rec.original.service.desired_count
        );
        self.report.detail(format!(
            "Scaled {} from {} to 0.",
            rec.service, rec.original.service.desired_count
        ));
        changed.push(what);
        Ok(changed)
    }
}

/// (readiness 0..=2, words): 2 = running with exec agent RUNNING.
fn task_state(t: &ecs::Task, apps: &[String]) -> (u8, String) {
    let status = t.last_status().unwrap_or("?");
    if status != "RUNNING" {
        return (0, status.to_string());
    }
    let agent = |c: &ecs::Container| {
        c.managed_agents()
            .iter()
            .find(|a| a.name().map(|n| n.as_str()) == Some("ExecuteCommandAgent"))
            .and_then(|a| a.last_status().map(str::to_string))
    };
    let pending: Vec<String> = t
        .containers()
        .iter()
        .filter(|c| apps.is_empty() || apps.iter().any(|a| Some(a.as_str()) == c.name()))
        .filter(|c| agent(c).as_deref() != Some("RUNNING"))
        .map(|c| {
            format!(
                "{} agent {}",
                c.name().unwrap_or("?"),
                agent(c).unwrap_or("missing".into())
            )
        })
        .collect();
    if pending.is_empty() {
        (2, "RUNNING".into())
    } else {
        (1, format!("RUNNING, waiting for {}", pending.join(", ")))
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The id part of a task ARN.
pub fn task_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn new_record(t: &Target, s: &Surroundings, role_arn: &str, containers: &[String]) -> StateRecord {
    let at = now();
    StateRecord {
        version: RECORD_VERSION,
        cluster: t.cluster.clone(),
        cluster_arn: s.service.cluster_arn().unwrap_or_default().to_string(),
        service: t.service.clone(),
        service_arn: s.service.service_arn().unwrap_or_default().to_string(),
        debug_service: names::debug_service(&t.service),
        task_role_arn: role_arn.to_string(),
        phase: Phase::Enabling,
        started_at: at.clone(),
        updated_at: at,
        steps: vec![],
        original: Original {
            service: resources::snapshot_service(&s.service),
            task_definition_arn: s
                .task_definition
                .task_definition_arn()
                .unwrap_or_default()
                .to_string(),
            family: s.task_definition.family().unwrap_or_default().to_string(),
            app_containers: taskdef::app_containers(&s.task_definition, &s.service, containers),
            target_groups: s
                .target_groups
                .iter()
                .map(resources::snapshot_target_group)
                .collect(),
            listeners: s.listener_snapshots(),
            rules: s.rule_snapshots(),
            scaling: s.scaling.clone(),
        },
        created: Created::default(),
        notes: vec![],
        stopped_at: None,
    }
}
