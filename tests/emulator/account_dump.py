"""GET /_emulator/dump: the user-visible state of the emulated account as one
stable, sorted JSON object, for "after disable the account equals before"
tests.

Read straight from moto's backends (same process).  Volatile things are left
out, so two dumps of an unchanged account are equal: timestamps, deployment
ids, running/pending counts, tasks, events, CloudWatch alarm names of
target-tracking policies, scalable-target ARNs.  ARNs of resources the user
creates (target groups, rules, services) are kept: they identify what a
listener or service points at.

Services: those ListServices shows (ACTIVE) unless `?services=all`, which adds
DRAINING and INACTIVE ones.
"""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "123456789012"


def _clean(value: Any) -> Any:
    """Drop None values and empty-by-default containers' None members, recursively."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _json_copy(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _regions(backends: Any, account: str) -> list[tuple[str, Any]]:
    try:
        per_account = backends[account]
    except Exception:  # noqa: BLE001
        return []
    return sorted((region, backend) for region, backend in dict.items(per_account))


# -- ECS ----------------------------------------------------------------------


def _ecs(account: str, include_all_services: bool) -> dict[str, Any]:
    from moto.ecs.models import ecs_backends

    clusters, services, task_definitions = [], [], []
    for region, backend in _regions(ecs_backends, account):
        for cluster in backend.clusters.values():
            if cluster.status == "INACTIVE":
                continue
            clusters.append(
                {
                    "region": region,
                    "clusterName": cluster.name,
                    "status": cluster.status,
                    "capacityProviders": sorted(getattr(cluster, "capacity_providers", None) or []),
                    "defaultCapacityProviderStrategy": getattr(cluster, "default_capacity_provider_strategy", None) or [],
                    "settings": getattr(cluster, "settings", None) or [],
                }
            )
        for service in backend.services.values():
            status = service.status
            if status != "ACTIVE" and not include_all_services:
                continue
            entry = {
                "region": region,
                "cluster": service.cluster_name,
                "serviceName": service.name,
                "serviceArn": service.arn,
                "status": status,
                "desiredCount": service.desired_count,
                "taskDefinition": service.task_definition,
                "launchType": service.launch_type,
                "capacityProviderStrategy": getattr(service, "capacity_provider_strategy", None),
                "platformVersion": service.platform_version,
                "networkConfiguration": service.network_configuration or None,
                "loadBalancers": service.load_balancers or [],
                "serviceRegistries": service.service_registries or [],
                "enableExecuteCommand": bool(getattr(service, "enable_execute_command", False)),
                "healthCheckGracePeriodSeconds": getattr(service, "health_check_grace_period_seconds", None),
                "deploymentConfiguration": getattr(service, "deployment_configuration", None),
                "deploymentController": service.deployment_controller,
                "placementConstraints": getattr(service, "placement_constraints", None) or [],
                "placementStrategy": getattr(service, "placement_strategy", None) or [],
                "propagateTags": service.propagate_tags,
                "enableECSManagedTags": bool(getattr(service, "enable_ecs_managed_tags", False)),
                "schedulingStrategy": service.scheduling_strategy,
                "tags": sorted(service.tags or [], key=lambda t: str(t.get("key"))),
            }
            services.append(entry)
        for family, revisions in backend.task_definitions.items():
            for revision, td in revisions.items():
                task_definitions.append(
                    {
                        "region": region,
                        "taskDefinitionArn": td.arn,
                        "family": family,
                        "revision": revision,
                        "status": td.status,
                        "containerDefinitions": td.container_definitions,
                        "networkMode": td.network_mode,
                        "requiresCompatibilities": td.requires_compatibilities,
                        "compatibilities": td.compatibilities,
                        "cpu": td.cpu,
                        "memory": td.memory,
                        "taskRoleArn": getattr(td, "task_role_arn", None),
                        "executionRoleArn": getattr(td, "execution_role_arn", None),
                        "volumes": td.volumes,
                        "placementConstraints": td.placement_constraints,
                        "runtimePlatform": td.runtime_platform,
                        "pidMode": td.pid_mode,
                        "ipcMode": td.ipc_mode,
                        "proxyConfiguration": td.proxy_configuration,
                        "inferenceAccelerators": td.inference_accelerators,
                        "ephemeralStorage": td.ephemeral_storage,
                        "tags": sorted(td.tags or [], key=lambda t: str(t.get("key"))),
                    }
                )
    clusters.sort(key=lambda c: (c["region"], c["clusterName"]))
    services.sort(key=lambda s: (s["region"], s["cluster"], s["serviceName"]))
    task_definitions.sort(key=lambda t: (t["region"], t["family"], t["revision"]))
    return {"clusters": clusters, "services": services, "taskDefinitions": task_definitions}


# -- ELBv2 --------------------------------------------------------------------


def _action(action: Any) -> dict[str, Any]:
    data = dict(getattr(action, "data", None) or {})
    if data.get("Type") == "forward":
        # One canonical form: the list of (target group, weight).
        forward = data.get("ForwardConfig") or {}
        groups = forward.get("TargetGroups") or []
        if not groups and data.get("TargetGroupArn"):
            groups = [{"TargetGroupArn": data["TargetGroupArn"], "Weight": 1}]
        out: dict[str, Any] = {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": sorted(
                    ({"TargetGroupArn": g["TargetGroupArn"], "Weight": int(g.get("Weight", 1))} for g in groups),
                    key=lambda g: g["TargetGroupArn"],
                ),
                "TargetGroupStickinessConfig": forward.get("TargetGroupStickinessConfig") or {"Enabled": False},
            },
        }
        if data.get("Order") is not None:
            out["Order"] = int(data["Order"])
        return out
    return data


def _elbv2(account: str) -> dict[str, Any]:
    from moto.elbv2.models import elbv2_backends

    load_balancers, target_groups = [], []
    for region, backend in _regions(elbv2_backends, account):
        for lb in backend.load_balancers.values():
            listeners = []
            for listener in lb.listeners.values():
                rules = []
                for rule in listener.rules.values():
                    rules.append(
                        {
                            "ruleArn": rule.arn if not rule.is_default else None,
                            "priority": str(rule.priority),
                            "isDefault": bool(rule.is_default),
                            "conditions": rule.conditions or [],
                            "actions": [_action(a) for a in rule.actions or []],
                        }
                    )
                rules.sort(key=lambda r: (r["isDefault"], int(r["priority"]) if r["priority"].isdigit() else 0))
                listeners.append(
                    {
                        "listenerArn": listener.arn,
                        "port": int(listener.port) if listener.port is not None else None,
                        "protocol": listener.protocol,
                        "sslPolicy": listener.ssl_policy if listener.protocol in ("HTTPS", "TLS") else None,
                        "certificates": sorted(listener.certificates or []),
                        "defaultActions": [_action(a) for a in listener.default_actions or []],
                        "rules": rules,
                    }
                )
            listeners.sort(key=lambda item: (item["port"] or 0, item["protocol"] or ""))
            load_balancers.append(
                {
                    "region": region,
                    "loadBalancerName": lb.name,
                    "loadBalancerArn": lb.arn,
                    "type": getattr(lb, "type", None),
                    "scheme": getattr(lb, "scheme", None),
                    "listeners": listeners,
                }
            )
        for tg in backend.target_groups.values():
            target_groups.append(
                {
                    "region": region,
                    "targetGroupName": tg.name,
                    "targetGroupArn": tg.arn,
                    "protocol": tg.protocol,
                    "protocolVersion": tg.protocol_version,
                    "port": int(tg.port) if tg.port is not None else None,
                    "vpcId": tg.vpc_id,
                    "targetType": tg.target_type,
                    "ipAddressType": getattr(tg, "ip_address_type", None),
                    "healthCheckEnabled": tg.health_check_enabled,
                    "healthCheckProtocol": tg.health_check_protocol,
                    "healthCheckPort": tg.health_check_port,
                    "healthCheckPath": tg.health_check_path,
                    "healthCheckIntervalSeconds": int(tg.health_check_interval_seconds),
                    "healthCheckTimeoutSeconds": int(tg.health_check_timeout_seconds),
                    "healthyThresholdCount": int(tg.healthy_threshold_count),
                    "unhealthyThresholdCount": int(tg.unhealthy_threshold_count),
                    "matcher": getattr(tg, "matcher", None),
                    "attributes": dict(getattr(tg, "attributes", None) or {}),
                    "loadBalancerArns": sorted(tg.load_balancer_arns or []),
                }
            )
    load_balancers.sort(key=lambda x: (x["region"], x["loadBalancerName"]))
    target_groups.sort(key=lambda x: (x["region"], x["targetGroupName"]))
    return {"loadBalancers": load_balancers, "targetGroups": target_groups}


# -- Application Auto Scaling ------------------------------------------------------


def _autoscaling(account: str) -> dict[str, Any]:
    from moto.applicationautoscaling.models import applicationautoscaling_backends

    targets, policies, scheduled = [], [], []
    for region, backend in _regions(applicationautoscaling_backends, account):
        for dimension, by_id in backend.targets.items():
            for resource_id, t in by_id.items():
                targets.append(
                    {
                        "region": region,
                        "serviceNamespace": t.service_namespace,
                        "resourceId": resource_id,
                        "scalableDimension": dimension,
                        "minCapacity": t.min_capacity,
                        "maxCapacity": t.max_capacity,
                        "roleARN": t.role_arn,
                        "suspendedState": t.suspended_state,
                    }
                )
        for p in backend.policies.values():
            policies.append(
                {
                    "region": region,
                    "policyName": p.policy_name,
                    "policyType": p.policy_type,
                    "serviceNamespace": p.service_namespace,
                    "resourceId": p.resource_id,
                    "scalableDimension": p.scalable_dimension,
                    "stepScalingPolicyConfiguration": p.step_scaling_policy_configuration,
                    "targetTrackingScalingPolicyConfiguration": p.target_tracking_scaling_policy_configuration,
                }
            )
        for a in backend.scheduled_actions:
            scheduled.append(
                {
                    "region": region,
                    "scheduledActionName": a.scheduled_action_name,
                    "serviceNamespace": a.service_namespace,
                    "resourceId": a.resource_id,
                    "scalableDimension": a.scalable_dimension,
                    "schedule": a.schedule,
                    "timezone": a.timezone,
                    "startTime": a.start_time,
                    "endTime": a.end_time,
                    "scalableTargetAction": a.scalable_target_action,
                }
            )
    targets.sort(key=lambda x: (x["region"], x["resourceId"], x["scalableDimension"]))
    policies.sort(key=lambda x: (x["region"], x["resourceId"], x["policyName"]))
    scheduled.sort(key=lambda x: (x["region"], x["resourceId"], x["scheduledActionName"]))
    return {"scalableTargets": targets, "scalingPolicies": policies, "scheduledActions": scheduled}


# -- S3 -------------------------------------------------------------------------


def _s3(account: str) -> dict[str, Any]:
    from moto.s3.models import s3_backends

    buckets = []
    for _partition, backend in _regions(s3_backends, account):
        for bucket in backend.buckets.values():
            pab = getattr(bucket, "public_access_block", None)
            buckets.append(
                {
                    "name": bucket.name,
                    "region": bucket.region_name,
                    "objects": sorted(bucket.keys.keys()),
                    "publicAccessBlock": {
                        "BlockPublicAcls": bool(pab.block_public_acls),
                        "IgnorePublicAcls": bool(pab.ignore_public_acls),
                        "BlockPublicPolicy": bool(pab.block_public_policy),
                        "RestrictPublicBuckets": bool(pab.restrict_public_buckets),
                    }
                    if pab is not None
                    else None,
                    "encryption": getattr(bucket, "encryption", None),
                }
            )
    buckets.sort(key=lambda b: b["name"])
    return {"buckets": buckets}


def dump(account: str = ACCOUNT, *, include_all_services: bool = False) -> dict[str, Any]:
    data = {
        "account": account,
        "ecs": _ecs(account, include_all_services),
        "elbv2": _elbv2(account),
        "applicationAutoScaling": _autoscaling(account),
        "s3": _s3(account),
    }
    return _clean(_json_copy(data))
