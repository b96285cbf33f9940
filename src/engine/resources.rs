//! Reading the service and everything around it, and the individual
//! writes the plans are made of. Each write is idempotent: it looks at the
//! current state first and does nothing when the work is already done.

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace, SuspendedState};
use aws_sdk_ecs::types as ecs;
use aws_sdk_elasticloadbalancingv2::types as elb;

use super::record::{
    ActionSnapshot, CapacityItem, HealthCheckSnapshot, ListenerSnapshot, LoadBalancerSnapshot,
    NetworkSnapshot, RuleSnapshot, ScalingSnapshot, ServiceSnapshot, TargetGroupSnapshot,
};
use super::{Engine, EngineError};
use crate::aws::AwsError;

/// Tag key on everything the engine creates: `<cluster>/<service>`.
pub const TAG_KEY: &str = "ecs-debug:service";

/// Target groups, listeners forwarding to them, and rules (with their
/// listener's ARN) forwarding to them.
type Routing = (
    Vec<elb::TargetGroup>,
    Vec<elb::Listener>,
    Vec<(String, elb::Rule)>,
);

/// The original service as read from AWS, with what surrounds it.
#[derive(Debug, Clone)]
pub struct Surroundings {
    pub service: ecs::Service,
    pub task_definition: ecs::TaskDefinition,
    pub task_definition_tags: Vec<ecs::Tag>,
    pub target_groups: Vec<elb::TargetGroup>,
    pub listeners: Vec<elb::Listener>,
    pub rules: Vec<(String, elb::Rule)>,
    pub scaling: Option<ScalingSnapshot>,
}

fn owned(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

impl Engine {
    /// DescribeServices for one service; `None` when it does not exist or
    /// is INACTIVE.
    pub async fn describe_service(
        &self,
        cluster: &str,
        name: &str,
    ) -> Result<Option<ecs::Service>, AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "ecs:DescribeServices", cluster, name);
        let out = self
            .ctx
            .ecs()
            .describe_services()
            .cluster(cluster)
            .services(name)
            .send()
            .await;
        let out = match out {
            Ok(o) => o,
            Err(e) => {
                let err = self.ctx.error("ecs:DescribeServices", e);
                if let AwsError::Service { code, .. } = &err
                    && code == "ClusterNotFoundException"
                {
                    return Err(AwsError::NotFound {
                        what: "Cluster",
                        name: cluster.to_string(),
                        region: self.ctx.region.clone(),
                    });
                }
                return Err(err);
            }
        };
        Ok(out
            .services()
            .iter()
            .find(|s| s.status() != Some("INACTIVE"))
            .cloned())
    }

    /// Reads the service, its task definition, target groups, the listener
    /// actions and rules that forward to them, and its autoscaling.
    pub async fn surroundings(
        &self,
        cluster: &str,
        name: &str,
    ) -> Result<Surroundings, EngineError> {
        let service =
            self.describe_service(cluster, name)
                .await?
                .ok_or_else(|| AwsError::NotFound {
                    what: "Service",
                    name: format!("{cluster}/{name}"),
                    region: self.ctx.region.clone(),
                })?;
        let td_arn = service.task_definition().unwrap_or_default().to_string();
        let tg_arns: Vec<String> = service
            .load_balancers()
            .iter()
            .filter_map(|lb| lb.target_group_arn().map(str::to_string))
            .collect();
        // The three reads do not depend on each other: run them together.
        let ((task_definition, task_definition_tags), (target_groups, listeners, rules), scaling) =
            tokio::try_join!(
                self.task_definition_with_tags(&td_arn),
                self.load_balancing(&tg_arns),
                async { Ok(self.scaling_snapshot(cluster, name).await?) },
            )?;
        Ok(Surroundings {
            service,
            task_definition,
            task_definition_tags,
            target_groups,
            listeners,
            rules,
            scaling,
        })
    }

    async fn task_definition_with_tags(
        &self,
        td_arn: &str,
    ) -> Result<(ecs::TaskDefinition, Vec<ecs::Tag>), EngineError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "ecs:DescribeTaskDefinition", td = %td_arn);
        let out = self
            .ctx
            .ecs()
            .describe_task_definition()
            .task_definition(td_arn)
            .include(ecs::TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(|e| self.ctx.error("ecs:DescribeTaskDefinition", e))?;
        let td = out
            .task_definition
            .clone()
            .ok_or_else(|| EngineError::Internal(format!("no task definition {td_arn}")))?;
        Ok((td, out.tags().to_vec()))
    }

    /// Target groups, and the listeners and rules that forward to them.
    async fn load_balancing(&self, tg_arns: &[String]) -> Result<Routing, EngineError> {
        let mut listeners = Vec::new();
        let mut rules = Vec::new();
        if tg_arns.is_empty() {
            return Ok((vec![], listeners, rules));
        }
        let target_groups = self.describe_target_groups(tg_arns).await?;
        let mut lb_arns: Vec<String> = target_groups
            .iter()
            .flat_map(|t| t.load_balancer_arns().to_vec())
            .collect();
        lb_arns.sort();
        lb_arns.dedup();
        for lb in &lb_arns {
            for l in self.describe_listeners(lb).await? {
                let arn = l.listener_arn().unwrap_or_default().to_string();
                for r in self.describe_rules(&arn).await? {
                    if !r.is_default().unwrap_or(false) && refers(r.actions(), tg_arns) {
                        rules.push((arn.clone(), r));
                    }
                }
                if refers(l.default_actions(), tg_arns) {
                    listeners.push(l);
                }
            }
        }
        Ok((target_groups, listeners, rules))
    }

    pub async fn describe_target_groups(
        &self,
        arns: &[String],
    ) -> Result<Vec<elb::TargetGroup>, AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(
            op = "elasticloadbalancing:DescribeTargetGroups",
            count = arns.len()
        );
        let out = self
            .ctx
            .elb()
            .describe_target_groups()
            .set_target_group_arns(Some(arns.to_vec()))
            .send()
            .await
            .map_err(|e| {
                self.ctx
                    .error("elasticloadbalancing:DescribeTargetGroups", e)
            })?;
        Ok(out.target_groups().to_vec())
    }

    /// The target group with this name, if any.
    pub async fn target_group_named(
        &self,
        name: &str,
    ) -> Result<Option<elb::TargetGroup>, AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "elasticloadbalancing:DescribeTargetGroups", name);
        let out = self
            .ctx
            .elb()
            .describe_target_groups()
            .names(name)
            .send()
            .await;
        match out {
            Ok(o) => Ok(o.target_groups().first().cloned()),
            Err(e) => {
                let err = self
                    .ctx
                    .error("elasticloadbalancing:DescribeTargetGroups", e);
                match &err {
                    AwsError::Service { code, .. } if code.contains("TargetGroupNotFound") => {
                        Ok(None)
                    }
                    _ => Err(err),
                }
            }
        }
    }

    /// The `ecs-debug:service` tag of a target group, if it has one.
    pub async fn target_group_owner(&self, arn: &str) -> Result<Option<String>, AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "elasticloadbalancing:DescribeTags", arn);
        let out = self
            .ctx
            .elb()
            .describe_tags()
            .resource_arns(arn)
            .send()
            .await
            .map_err(|e| self.ctx.error("elasticloadbalancing:DescribeTags", e))?;
        Ok(out
            .tag_descriptions()
            .iter()
            .flat_map(|d| d.tags())
            .find(|t| t.key() == Some(TAG_KEY))
            .and_then(|t| t.value().map(str::to_string)))
    }

    pub async fn describe_listeners(&self, lb_arn: &str) -> Result<Vec<elb::Listener>, AwsError> {
        all_pages(|marker| async move {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "elasticloadbalancing:DescribeListeners", lb = lb_arn);
            let out = self
                .ctx
                .elb()
                .describe_listeners()
                .load_balancer_arn(lb_arn)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.ctx.error("elasticloadbalancing:DescribeListeners", e))?;
            Ok((
                out.listeners().to_vec(),
                out.next_marker().map(str::to_string),
            ))
        })
        .await
    }

    /// One listener by ARN; `None` if it was deleted.
    pub async fn listener(&self, arn: &str) -> Result<Option<elb::Listener>, AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "elasticloadbalancing:DescribeListeners", arn);
        match self
            .ctx
            .elb()
            .describe_listeners()
            .listener_arns(arn)
            .send()
            .await
        {
            Ok(o) => Ok(o.listeners().first().cloned()),
            Err(e) => match self.ctx.error("elasticloadbalancing:DescribeListeners", e) {
                AwsError::Service { code, .. } if code.contains("ListenerNotFound") => Ok(None),
                other => Err(other),
            },
        }
    }

    pub async fn describe_rules(&self, listener_arn: &str) -> Result<Vec<elb::Rule>, AwsError> {
        all_pages(|marker| async move {
            let _permit = self.ctx.permit().await;
            tracing::debug!(
                op = "elasticloadbalancing:DescribeRules",
                listener = listener_arn
            );
            let out = self
                .ctx
                .elb()
                .describe_rules()
                .listener_arn(listener_arn)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| self.ctx.error("elasticloadbalancing:DescribeRules", e))?;
            Ok((out.rules().to_vec(), out.next_marker().map(str::to_string)))
        })
        .await
    }

    /// One rule by ARN; `None` if it was deleted.
    pub async fn rule(&self, arn: &str) -> Result<Option<elb::Rule>, AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "elasticloadbalancing:DescribeRules", arn);
        match self.ctx.elb().describe_rules().rule_arns(arn).send().await {
            Ok(o) => Ok(o.rules().first().cloned()),
            Err(e) => match self.ctx.error("elasticloadbalancing:DescribeRules", e) {
                AwsError::Service { code, .. } if code.contains("RuleNotFound") => Ok(None),
                other => Err(other),
            },
        }
    }

    /// Sets a listener's default actions.
    pub async fn modify_listener(
        &self,
        arn: &str,
        actions: Vec<elb::Action>,
    ) -> Result<(), AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "elasticloadbalancing:ModifyListener", arn);
        self.ctx
            .elb()
            .modify_listener()
            .listener_arn(arn)
            .set_default_actions(Some(actions))
            .send()
            .await
            .map_err(|e| self.ctx.error("elasticloadbalancing:ModifyListener", e))?;
        Ok(())
    }

    /// Sets a rule's actions; its conditions are left exactly as they are.
    pub async fn modify_rule(&self, arn: &str, actions: Vec<elb::Action>) -> Result<(), AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "elasticloadbalancing:ModifyRule", arn);
        self.ctx
            .elb()
            .modify_rule()
            .rule_arn(arn)
            .set_actions(Some(actions))
            .send()
            .await
            .map_err(|e| self.ctx.error("elasticloadbalancing:ModifyRule", e))?;
        Ok(())
    }

    async fn scaling_snapshot(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Option<ScalingSnapshot>, AwsError> {
        let resource_id = format!("service/{cluster}/{service}");
        let client = self.ctx.autoscaling();
        let target = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(
                op = "application-autoscaling:DescribeScalableTargets",
                resource_id
            );
            let out = client
                .describe_scalable_targets()
                .service_namespace(ServiceNamespace::Ecs)
                .resource_ids(&resource_id)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .send()
                .await
                .map_err(|e| {
                    self.ctx
                        .error("application-autoscaling:DescribeScalableTargets", e)
                })?;
            match out.scalable_targets().first() {
                Some(t) => t.clone(),
                None => return Ok(None),
            }
        };
        let policies = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "application-autoscaling:DescribeScalingPolicies");
            client
                .describe_scaling_policies()
                .service_namespace(ServiceNamespace::Ecs)
                .resource_id(&resource_id)
                .send()
                .await
                .map_err(|e| {
                    self.ctx
                        .error("application-autoscaling:DescribeScalingPolicies", e)
                })?
                .scaling_policies()
                .iter()
                .map(|p| format!("{} ({})", p.policy_name(), p.policy_type().as_str()))
                .collect()
        };
        let scheduled = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "application-autoscaling:DescribeScheduledActions");
            client
                .describe_scheduled_actions()
                .service_namespace(ServiceNamespace::Ecs)
                .resource_id(&resource_id)
                .send()
                .await
                .map_err(|e| {
                    self.ctx
                        .error("application-autoscaling:DescribeScheduledActions", e)
                })?
                .scheduled_actions()
                .iter()
                .map(|a| format!("{} {}", a.scheduled_action_name(), a.schedule()))
                .collect()
        };
        let suspended = target.suspended_state();
        Ok(Some(ScalingSnapshot {
            resource_id,
            min_capacity: target.min_capacity(),
            max_capacity: target.max_capacity(),
            dynamic_scaling_in_suspended: suspended
                .and_then(|s| s.dynamic_scaling_in_suspended())
                .unwrap_or(false),
            dynamic_scaling_out_suspended: suspended
                .and_then(|s| s.dynamic_scaling_out_suspended())
                .unwrap_or(false),
            scheduled_scaling_suspended: suspended
                .and_then(|s| s.scheduled_scaling_suspended())
                .unwrap_or(false),
            policies,
            scheduled_actions: scheduled,
        }))
    }

    /// Registers the scalable target with these limits and suspension.
    pub async fn set_scaling(
        &self,
        resource_id: &str,
        min: i32,
        max: i32,
        suspend: (bool, bool, bool),
    ) -> Result<(), AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(
            op = "application-autoscaling:RegisterScalableTarget",
            resource_id,
            min,
            max
        );
        self.ctx
            .autoscaling()
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(resource_id)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .min_capacity(min)
            .max_capacity(max)
            .suspended_state(
                SuspendedState::builder()
                    .dynamic_scaling_in_suspended(suspend.0)
                    .dynamic_scaling_out_suspended(suspend.1)
                    .scheduled_scaling_suspended(suspend.2)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| {
                self.ctx
                    .error("application-autoscaling:RegisterScalableTarget", e)
            })?;
        Ok(())
    }

    /// Sets a service's desired count.
    pub async fn set_desired(
        &self,
        cluster: &str,
        service: &str,
        desired: i32,
    ) -> Result<(), AwsError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "ecs:UpdateService", cluster, service, desired);
        self.ctx
            .ecs()
            .update_service()
            .cluster(cluster)
            .service(service)
            .desired_count(desired)
            .send()
            .await
            .map_err(|e| self.ctx.error("ecs:UpdateService", e))?;
        Ok(())
    }

    /// Running tasks of a service, described.
    pub async fn service_tasks(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Vec<ecs::Task>, AwsError> {
        let arns = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "ecs:ListTasks", cluster, service);
            self.ctx
                .ecs()
                .list_tasks()
                .cluster(cluster)
                .service_name(service)
                .send()
                .await
                .map_err(|e| self.ctx.error("ecs:ListTasks", e))?
                .task_arns()
                .to_vec()
        };
        if arns.is_empty() {
            return Ok(vec![]);
        }
        let mut tasks = Vec::new();
        for chunk in arns.chunks(100) {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "ecs:DescribeTasks", cluster, count = chunk.len());
            let out = self
                .ctx
                .ecs()
                .describe_tasks()
                .cluster(cluster)
                .set_tasks(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| self.ctx.error("ecs:DescribeTasks", e))?;
            tasks.extend(out.tasks().iter().cloned());
        }
        Ok(tasks)
    }
}

/// Follows ELB's `Marker` pagination until the last page.
async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), AwsError>>,
{
    let mut all = Vec::new();
    let mut marker = None;
    loop {
        let (items, next) = page(marker).await?;
        all.extend(items);
        match next {
            Some(m) if !m.is_empty() => marker = Some(m),
            _ => return Ok(all),
        }
    }
}

/// True when any action forwards to one of `arns`.
pub fn refers(actions: &[elb::Action], arns: &[String]) -> bool {
    actions.iter().any(|a| {
        a.target_group_arn()
            .is_some_and(|t| arns.iter().any(|x| x == t))
            || a.forward_config().is_some_and(|f| {
                f.target_groups().iter().any(|g| {
                    g.target_group_arn()
                        .is_some_and(|t| arns.iter().any(|x| x == t))
                })
            })
    })
}

/// The same actions with every target group ARN passed through `map`;
/// every other field (order, weights, stickiness…) is kept as it was.
// LIMITATION: an authenticate-oidc action is sent back as described, and
// ELB does not describe the client secret; such a rule is rewritten only
// if it has UseExistingClientSecret set, otherwise ELB refuses the change
// and enable stops (resumably) naming the rule.
pub fn remap(actions: &[elb::Action], map: impl Fn(&str) -> Option<String>) -> Vec<elb::Action> {
    actions
        .iter()
        .map(|a| {
            let mut a = a.clone();
            if let Some(t) = a.target_group_arn.as_deref().and_then(&map) {
                a.target_group_arn = Some(t);
            }
            if let Some(f) = a.forward_config.as_mut()
                && let Some(groups) = f.target_groups.as_mut()
            {
                for g in groups.iter_mut() {
                    if let Some(t) = g.target_group_arn.as_deref().and_then(&map) {
                        g.target_group_arn = Some(t);
                    }
                }
            }
            a
        })
        .collect()
}

pub fn snapshot_service(s: &ecs::Service) -> ServiceSnapshot {
    ServiceSnapshot {
        desired_count: s.desired_count(),
        launch_type: s.launch_type().map(|l| l.as_str().to_string()),
        capacity_provider_strategy: s
            .capacity_provider_strategy()
            .iter()
            .map(|c| CapacityItem {
                provider: c.capacity_provider().to_string(),
                weight: c.weight(),
                base: c.base(),
            })
            .collect(),
        platform_version: owned(s.platform_version()),
        platform_family: owned(s.platform_family()),
        network: s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
            .map(|a| NetworkSnapshot {
                subnets: a.subnets().to_vec(),
                security_groups: a.security_groups().to_vec(),
                assign_public_ip: a.assign_public_ip().map(|p| p.as_str().to_string()),
            }),
        load_balancers: s
            .load_balancers()
            .iter()
            .map(|lb| LoadBalancerSnapshot {
                target_group_arn: owned(lb.target_group_arn()),
                load_balancer_name: owned(lb.load_balancer_name()),
                container_name: owned(lb.container_name()),
                container_port: lb.container_port(),
            })
            .collect(),
        enable_execute_command: s.enable_execute_command(),
        health_check_grace_period_seconds: s.health_check_grace_period_seconds(),
        scheduling_strategy: s.scheduling_strategy().map(|x| x.as_str().to_string()),
        placement_constraints: s
            .placement_constraints()
            .iter()
            .map(|c| {
                (
                    c.r#type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    owned(c.expression()),
                )
            })
            .collect(),
        placement_strategy: s
            .placement_strategy()
            .iter()
            .map(|p| {
                (
                    p.r#type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    owned(p.field()),
                )
            })
            .collect(),
    }
}

pub fn snapshot_target_group(t: &elb::TargetGroup) -> TargetGroupSnapshot {
    TargetGroupSnapshot {
        arn: t.target_group_arn().unwrap_or_default().to_string(),
        name: t.target_group_name().unwrap_or_default().to_string(),
        protocol: t.protocol().map(|p| p.as_str().to_string()),
        protocol_version: owned(t.protocol_version()),
        port: t.port(),
        vpc_id: owned(t.vpc_id()),
        target_type: t.target_type().map(|p| p.as_str().to_string()),
        ip_address_type: t.ip_address_type().map(|p| p.as_str().to_string()),
        health_check: HealthCheckSnapshot {
            enabled: t.health_check_enabled(),
            protocol: t.health_check_protocol().map(|p| p.as_str().to_string()),
            port: owned(t.health_check_port()),
            path: owned(t.health_check_path()),
            interval_seconds: t.health_check_interval_seconds(),
            timeout_seconds: t.health_check_timeout_seconds(),
            healthy_threshold: t.healthy_threshold_count(),
            unhealthy_threshold: t.unhealthy_threshold_count(),
            matcher_http: t.matcher().and_then(|m| owned(m.http_code())),
            matcher_grpc: t.matcher().and_then(|m| owned(m.grpc_code())),
        },
        load_balancer_arns: t.load_balancer_arns().to_vec(),
    }
}

pub fn snapshot_actions(actions: &[elb::Action]) -> Vec<ActionSnapshot> {
    actions
        .iter()
        .map(|a| {
            let kind = a
                .r#type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default();
            let forward = a
                .forward_config()
                .map(|f| {
                    f.target_groups()
                        .iter()
                        .map(|g| {
                            (
                                g.target_group_arn().unwrap_or_default().to_string(),
                                g.weight(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let stickiness = a
                .forward_config()
                .and_then(|f| f.target_group_stickiness_config())
                .map(|st| (st.enabled().unwrap_or(false), st.duration_seconds()));
            let other = (kind != "forward").then(|| {
                if let Some(r) = a.redirect_config() {
                    format!("redirect {:?}", r.status_code().map(|c| c.as_str()))
                } else if let Some(f) = a.fixed_response_config() {
                    format!("fixed-response {}", f.status_code().unwrap_or_default())
                } else {
                    kind.clone()
                }
            });
            ActionSnapshot {
                kind,
                order: a.order(),
                target_group_arn: owned(a.target_group_arn()),
                forward,
                stickiness,
                other,
            }
        })
        .collect()
}

impl Surroundings {
    pub fn listener_snapshots(&self) -> Vec<ListenerSnapshot> {
        self.listeners
            .iter()
            .map(|l| ListenerSnapshot {
                listener_arn: l.listener_arn().unwrap_or_default().to_string(),
                default_actions: snapshot_actions(l.default_actions()),
            })
            .collect()
    }

    pub fn rule_snapshots(&self) -> Vec<RuleSnapshot> {
        self.rules
            .iter()
            .map(|(listener, r)| RuleSnapshot {
                rule_arn: r.rule_arn().unwrap_or_default().to_string(),
                listener_arn: listener.clone(),
                priority: owned(r.priority()),
                actions: snapshot_actions(r.actions()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forward(tgs: &[(&str, i32)]) -> elb::Action {
        let groups = tgs
            .iter()
            .map(|(arn, w)| {
                elb::TargetGroupTuple::builder()
                    .target_group_arn(*arn)
                    .weight(*w)
                    .build()
            })
            .collect();
        elb::Action::builder()
            .r#type(elb::ActionTypeEnum::Forward)
            .order(2)
            .forward_config(
                elb::ForwardActionConfig::builder()
                    .set_target_groups(Some(groups))
                    .target_group_stickiness_config(
                        elb::TargetGroupStickinessConfig::builder()
                            .enabled(true)
                            .duration_seconds(60)
                            .build(),
                    )
                    .build(),
            )
            .build()
    }

    #[test]
    fn remap_swaps_only_the_mapped_arns_and_keeps_weights() {
        let actions = vec![forward(&[("tg-a", 80), ("tg-b", 20)])];
        let out = remap(&actions, |a| (a == "tg-a").then(|| "dbg-a".to_string()));
        let snap = snapshot_actions(&out);
        assert_eq!(
            snap[0].forward,
            vec![
                ("dbg-a".to_string(), Some(80)),
                ("tg-b".to_string(), Some(20))
            ]
        );
        assert_eq!(snap[0].order, Some(2));
        assert_eq!(snap[0].stickiness, Some((true, Some(60))));
        assert!(refers(&out, &["dbg-a".to_string()]));
        assert!(!refers(&out, &["tg-a".to_string()]));
    }
}
