"""In-process fixes to moto's models (moto 5.2.5): ECS, IAM, ELBv2 and
Application Auto Scaling.

These patch moto's classes rather than rewriting HTTP responses, because the
state involved (task lists, running/pending counts, cluster totals, target
group links) must stay consistent whichever way a resource was created: over
HTTP or by the seeder calling the backend directly.  Request-shaped fixes
(pagination, list-size validation, S3 owner checks, IAM simulation) live in
middleware.py and its helpers instead.

Every patch says what moto lacks.  apply() is idempotent.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from moto.applicationautoscaling import models as aas_models
from moto.core.responses import ActionResult
from moto.core.serialize import url_encode
from moto.ecs import models as ecs_models
from moto.ecs import responses as ecs_responses
from moto.ecs.exceptions import ECSException, InvalidParameterException
from moto.elbv2 import models as elb_models
from moto.elbv2.exceptions import ELBClientError
from moto.iam import responses as iam_responses

import ecs_tasks

_APPLIED = False

Backend = ecs_models.EC2ContainerServiceBackend
Cluster = ecs_models.Cluster
Service = ecs_models.Service
Response = ecs_responses.EC2ContainerServiceResponse

# CreateService parameters moto's backend method does not take; the HTTP
# layer hands them over through this thread-local (see create_service).
_create_extras = threading.local()

DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}

# UpdateService changes that make ECS start a new deployment (new tasks).
# desiredCount alone does not, and neither does enableExecuteCommand: running
# tasks keep their ECS Exec setting until they are replaced.
ROLLOUT_FIELDS = (
    "task_definition",
    "platform_version",
    "network_configuration",
    "capacity_provider_strategy",
    "load_balancers",
    "launch_type",
)


class ServiceNotActiveException(ECSException):
    def __init__(self) -> None:
        super().__init__("ServiceNotActiveException", "Service was not ACTIVE.")


# moto finds an exception's service model from its module name
# ("moto.<service>.…"); this module's name would confuse it.
ServiceNotActiveException.__module__ = "moto.ecs.exceptions"


def _backend_of_cluster(cluster: Any) -> Any:
    # arn:aws:ecs:REGION:ACCOUNT:cluster/NAME
    parts = cluster.arn.split(":")
    return ecs_models.ecs_backends[parts[4]][parts[3]]


def cluster_counts(cluster: Any) -> tuple[int, int, int]:
    """(activeServicesCount, runningTasksCount, pendingTasksCount) of a cluster.

    moto lacks: activeServicesCount is never updated (always 0), and
    running/pendingTasksCount are kept as running sums that drift (moto adds
    the service's *pending* count at creation, and a service update that
    changes anything but desiredCount zeroes the service's share).  We derive
    all three from the current services (whose counts come from their tasks,
    see ecs_tasks), plus standalone RunTask/StartTask tasks not stopped.
    """
    try:
        backend = _backend_of_cluster(cluster)
    except Exception:  # noqa: BLE001 - a cluster outside any backend
        return 0, 0, 0
    active = running = pending = 0
    for service in backend.services.values():
        if service.cluster_name != cluster.name or service.status != "ACTIVE":
            continue
        active += 1
        r, p = ecs_tasks.counts(service)
        running += r
        pending += p
    for task in backend.tasks.get(cluster.name, {}).values():
        if getattr(task, "desired_status", "RUNNING") == "RUNNING":
            running += 1
    return active, running, pending


def _computed(getter: Any) -> property:
    def setter(self: Any, _value: Any) -> None:
        # moto's own bookkeeping writes here (constructors, update_service,
        # update_cluster_resources); the value is derived, so writes are dropped.
        pass

    return property(getter, setter)


def _service_status_get(self: Any) -> str:
    # moto lacks: a DRAINING phase.  A deleted service is DRAINING until its
    # deadline, then INACTIVE; the change happens when someone looks.
    status = self.__dict__.get("_emu_status", "ACTIVE")
    if status == "DRAINING" and ecs_tasks.now() >= self.__dict__.get("_emu_drain_until", 0.0):
        status = self.__dict__["_emu_status"] = "INACTIVE"
    return status


def _service_status_set(self: Any, value: str) -> None:
    self.__dict__["_emu_status"] = value


def _rollout_snapshot(service: Any) -> tuple[str, ...]:
    import json

    return tuple(json.dumps(getattr(service, f, None), sort_keys=True, default=str) for f in ROLLOUT_FIELDS)


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    _APPLIED = True
    _apply_ecs()
    _apply_iam()
    _apply_elbv2()
    _apply_autoscaling()


# ---------------------------------------------------------------------------
# ECS


def _apply_ecs() -> None:
    # -- Cluster totals are derived, never stored (see cluster_counts). --
    Cluster.active_services_count = _computed(lambda self: cluster_counts(self)[0])
    Cluster.running_tasks_count = _computed(lambda self: cluster_counts(self)[1])
    Cluster.pending_tasks_count = _computed(lambda self: cluster_counts(self)[2])

    def update_cluster_resources(self: Any, cluster: Any, task_num: int, task_state: str | None = "RUNNING") -> None:
        # moto's running sums (`cluster.running_tasks_count += n`) would read
        # the derived totals on every service change: O(services) each time,
        # quadratic when the seeder creates 1,000 services.  Nothing to keep.
        pass

    Backend.update_cluster_resources = update_cluster_resources

    # -- Service counts come from its tasks. --
    # moto lacks: runningCount stays 0 (pendingCount = desired) unless the
    # process-wide MOTO_ECS_SERVICE_RUNNING is set, which sets the same
    # number for every service.  Real services converge to running ==
    # desired; with a task start delay, new tasks are pending first.
    Service.running_count = _computed(lambda self: ecs_tasks.counts(self)[0])
    Service.pending_count = _computed(lambda self: ecs_tasks.counts(self)[1])
    Service.status = property(_service_status_get, _service_status_set)

    orig_validate_network = Service._validate_network

    def validate_network(self: Any, nc: dict[str, Any]) -> Any:
        # moto lacks: awsvpcConfiguration without securityGroups crashed
        # (KeyError -> HTTP 500).  AWS accepts it (the VPC's default group).
        cfg = (nc or {}).get("awsvpcConfiguration")
        if isinstance(cfg, dict) and "securityGroups" not in cfg:
            orig_validate_network(self, {**nc, "awsvpcConfiguration": {**cfg, "securityGroups": []}})
            return nc
        return orig_validate_network(self, nc)

    Service._validate_network = validate_network

    orig_create_service = Backend.create_service
    orig_update_service = Backend.update_service
    orig_delete_service = Backend.delete_service
    orig_describe_services = Backend.describe_services
    orig_stop_task = Backend.stop_task

    def create_service(self: Any, cluster_str: str, service_name: str, *args: Any, **kwargs: Any) -> Any:
        # moto lacks: a name clash check.  It silently replaces a live service
        # of the same name.  Real ECS: an ACTIVE one -> "Creation of service
        # was not idempotent.", a DRAINING one -> "Unable to Start a service
        # that is still Draining."; an INACTIVE one may be re-created.
        cluster = self._get_cluster(cluster_str)
        existing = self.services.get(f"{cluster.name}:{service_name}")
        if existing is not None:
            status = existing.status
            if status == "DRAINING":
                raise InvalidParameterException("Unable to Start a service that is still Draining.")
            if status == "ACTIVE":
                raise InvalidParameterException("Creation of service was not idempotent.")
        extras: dict[str, Any] = getattr(_create_extras, "params", None) or {}
        _create_extras.params = None
        service = orig_create_service(self, cluster_str, service_name, *args, **kwargs)
        service.__dict__["_emu_created"] = ecs_tasks.now()
        # moto lacks: createdAt on services.
        service.created_at = datetime.now(timezone.utc)
        # moto lacks: enableExecuteCommand is neither stored nor returned;
        # AWS always returns the flag (false by default).
        service.enable_execute_command = bool(extras.get("enableExecuteCommand") or False)
        # moto lacks: capacityProviderStrategy is dropped and launchType is
        # forced to EC2.  AWS returns the strategy and no launchType.
        strategy = extras.get("capacityProviderStrategy")
        if strategy and not extras.get("launchType"):
            service.launch_type = None
            service.capacity_provider_strategy = strategy
            for dep in service.deployments or []:
                dep.pop("launchType", None)
                dep["capacityProviderStrategy"] = strategy
        # moto lacks: deploymentConfiguration, healthCheckGracePeriodSeconds,
        # placement constraints/strategy and enableECSManagedTags are dropped.
        config = {**DEFAULT_DEPLOYMENT_CONFIGURATION, **(extras.get("deploymentConfiguration") or {})}
        service.deployment_configuration = config
        grace = extras.get("healthCheckGracePeriodSeconds")
        if grace is None and service.load_balancers:
            grace = 0
        service.health_check_grace_period_seconds = grace
        service.placement_constraints = extras.get("placementConstraints") or []
        service.placement_strategy = extras.get("placementStrategy") or []
        service.enable_ecs_managed_tags = bool(extras.get("enableECSManagedTags") or False)
        for dep in service.deployments or []:
            if dep.get("networkConfiguration") is None:
                dep.pop("networkConfiguration", None)
        ecs_tasks.start_pending_if_delayed(self, service)
        ecs_tasks.refresh(service, self)
        return service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        cluster_str = service_properties.get("cluster", "default")
        name = str(service_properties.get("service") or "").split("/")[-1]
        service = self._get_service(cluster_str, name)
        # moto lacks: updates of DRAINING/INACTIVE services are accepted.
        if service.status != "ACTIVE":
            raise ServiceNotActiveException()
        ecs_tasks.ensure_tasks(self, service)  # before anything changes
        before = _rollout_snapshot(service)
        # moto's forceNewDeployment rewrites the current deployment's id in
        # place; we start a real new deployment instead (below).
        force = bool(service_properties.pop("force_new_deployment", False))
        task_definition = service_properties.get("task_definition")
        service = orig_update_service(self, service_properties)
        # moto lacks: it stores the raw taskDefinition argument ("family" or
        # "family:3") instead of the resolved ARN that AWS returns.
        if task_definition:
            service.task_definition = self.describe_task_definition(task_definition).arn
        if force or _rollout_snapshot(service) != before:
            ecs_tasks.start_rollout(self, service)
        else:
            ecs_tasks.reconcile(self, service)
        ecs_tasks.refresh(service, self)
        return service

    def delete_service(self: Any, cluster_name: str, service_name: str, force: bool) -> Any:
        service = self._get_service(cluster_name, service_name)
        if service.status != "ACTIVE":
            # Deleting a service that is already DRAINING/INACTIVE returns it
            # as it is (and does not restart its draining period).
            return service
        ecs_tasks.ensure_tasks(self, service)
        service = orig_delete_service(self, cluster_name, service_name, force)
        # moto lacks: the DRAINING phase (it goes straight to INACTIVE) and
        # scaling the service to 0.
        service.desired_count = 0
        drain_ms = ecs_tasks.SETTINGS["draining_ms"]
        if drain_ms > 0:
            service.__dict__["_emu_drain_until"] = ecs_tasks.now() + drain_ms / 1000.0
            service.status = "DRAINING"
        else:
            service.status = "INACTIVE"
        ecs_tasks.reconcile(self, service)
        ecs_tasks.refresh(service, self)
        return service

    def describe_services(self: Any, cluster_str: str, names: list[str]) -> Any:
        result, failures = orig_describe_services(self, cluster_str, names)
        for service in result:
            ecs_tasks.refresh(service, self)
        return result, failures

    def stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
        # moto lacks: service tasks (it raises a bare Exception -> HTTP 500
        # for ids it does not know).  A stopped service task is replaced.
        cluster = self._get_cluster(cluster_str)
        task = ecs_tasks.find_task(self, cluster.name, task_str)
        if task is None:
            if not any(k.split("/")[-1] == task_str.split("/")[-1] for k in self.tasks.get(cluster.name, {})):
                raise InvalidParameterException("The referenced task was not found.")
            return orig_stop_task(self, cluster_str, task_str, reason)
        ecs_tasks.stop_task(self, task, reason)
        return task.view(ecs_tasks.now())

    Backend.create_service = create_service
    Backend.update_service = update_service
    Backend.delete_service = delete_service
    Backend.describe_services = describe_services
    Backend.stop_task = stop_task

    orig_response_create_service = Response.create_service

    def response_create_service(self: Any) -> Any:
        _create_extras.params = {
            key: self._get_param(key)
            for key in (
                "enableExecuteCommand",
                "capacityProviderStrategy",
                "launchType",
                "deploymentConfiguration",
                "healthCheckGracePeriodSeconds",
                "placementConstraints",
                "placementStrategy",
                "enableECSManagedTags",
            )
        }
        try:
            return orig_response_create_service(self)
        finally:
            _create_extras.params = None

    def response_list_tasks(self: Any) -> Any:
        # moto lacks: the serviceName filter (a TODO in moto), AWS's default
        # desiredStatus RUNNING, and the launchType filter.  Paging
        # (maxResults/nextToken) is applied by the middleware.
        arns = ecs_tasks.list_tasks(
            self.ecs_backend,
            self._get_param("cluster", "default"),
            service_name=self._get_param("serviceName"),
            desired_status=self._get_param("desiredStatus"),
            started_by=self._get_param("startedBy"),
            family=self._get_param("family"),
            launch_type=self._get_param("launchType"),
            container_instance=self._get_param("containerInstance"),
        )
        return ActionResult({"taskArns": arns})

    def response_describe_tasks(self: Any) -> Any:
        # moto lacks: service tasks, MISSING failures for unknown ids, and a
        # cluster check (it matched task ids in every cluster by substring).
        tasks, failures = ecs_tasks.describe_tasks(
            self.ecs_backend, self._get_param("cluster", "default"), self._get_param("tasks", [])
        )
        if "TAGS" in (self._get_param("include", []) or []):
            self._include_in_response(ecs_responses.DESCRIBE_TASKS_TAGS)
        else:
            self._exclude_from_response(ecs_responses.DESCRIBE_TASKS_TAGS)
        return ActionResult({"tasks": tasks, "failures": failures})

    Response.create_service = response_create_service
    Response.list_tasks = response_list_tasks
    Response.describe_tasks = response_describe_tasks


# ---------------------------------------------------------------------------
# IAM


def _apply_iam() -> None:
    # moto lacks: real IAM returns policy documents URL-encoded (RFC 3986)
    # everywhere.  moto encodes them in GetRole/CreateRole/GetRolePolicy but
    # returns raw JSON in ListRoles and GetPolicyVersion.
    transformers = iam_responses.IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER
    transformers["ListRolesResponse.Roles.Role.AssumeRolePolicyDocument"] = url_encode
    transformers["GetPolicyVersionResponse.PolicyVersion.Document"] = url_encode
    transformers["CreatePolicyVersionResponse.PolicyVersion.Document"] = url_encode
    # SimulatePrincipalPolicy is not implemented by moto at all; the
    # middleware answers it (iam_simulation.py).


# ---------------------------------------------------------------------------
# ELBv2


def _relink_target_groups(backend: Any) -> None:
    """Recompute every target group's LoadBalancerArns from the listeners and
    rules that forward to it.

    moto lacks: it appends a load balancer to a target group only in
    CreateListener/CreateRule, and never updates the list on ModifyListener,
    ModifyRule, DeleteRule or DeleteListener.  AWS derives it.
    """
    links: dict[str, set[str]] = {arn: set() for arn in backend.target_groups}
    for lb_arn, lb in backend.load_balancers.items():
        for listener in lb.listeners.values():
            actions = list(listener.default_actions or [])
            for rule in listener.rules.values():
                actions.extend(rule.actions or [])
            for action in actions:
                data = getattr(action, "data", None) or {}
                if data.get("Type") != "forward":
                    continue
                for tg_arn in backend._get_target_group_arns_from(action_data=data):
                    if tg_arn in links:
                        links[tg_arn].add(lb_arn)
    for arn, tg in backend.target_groups.items():
        tg.load_balancer_arns = sorted(links[arn])


def _apply_elbv2() -> None:
    ElbBackend = elb_models.ELBv2Backend
    FakeAction = elb_models.FakeAction
    FakeRule = elb_models.FakeRule

    orig_action_init = FakeAction.__init__

    def action_init(self: Any, data: dict[str, Any]) -> None:
        # moto lacks: AWS describes a forward action given as TargetGroupArn
        # with the equivalent ForwardConfig too (weight 1, no stickiness).
        if (
            isinstance(data, dict)
            and data.get("Type") == "forward"
            and data.get("TargetGroupArn")
            and "ForwardConfig" not in data
        ):
            data = dict(data)
            data["ForwardConfig"] = {
                "TargetGroups": [{"TargetGroupArn": data["TargetGroupArn"], "Weight": 1}],
                "TargetGroupStickinessConfig": {"Enabled": False},
            }
        orig_action_init(self, data)

    FakeAction.__init__ = action_init

    orig_rule_init = FakeRule.__init__

    def rule_init(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_rule_init(self, *args, **kwargs)
        # moto lacks: a real ARN for the default rule (it uses id(self)).
        if self.is_default:
            import uuid

            self.arn = self.listener_arn.replace(":listener/", ":listener-rule/") + "/" + uuid.uuid4().hex[:16]

    FakeRule.__init__ = rule_init

    orig_modify_rule = ElbBackend.modify_rule
    orig_modify_listener = ElbBackend.modify_listener

    def modify_rule(self: Any, rule_arn: str, conditions: Any, actions: Any) -> Any:
        # moto lacks: AWS refuses to modify a listener's default rule (use
        # ModifyListener); moto modified it, out of step with the listener.
        rules = self.describe_rules(listener_arn=None, rule_arns=[rule_arn])
        if rules and rules[0].is_default:
            raise ELBClientError("OperationNotPermitted", f"Default rule '{rule_arn}' cannot be modified")
        rule = orig_modify_rule(self, rule_arn, conditions, actions)
        _relink_target_groups(self)
        return rule

    def modify_listener(self: Any, arn: str, port: Any = None, protocol: Any = None, ssl_policy: Any = None,
                        certificates: Any = None, actions: Any = None) -> Any:
        # moto lacks: ModifyListener does not validate the default actions
        # ("Is currently not validated"), so a forward to a deleted or
        # unknown target group was accepted.
        if actions:
            self._validate_actions([FakeAction(dict(a)) for a in actions])
        listener = orig_modify_listener(self, arn, port, protocol, ssl_policy, certificates, actions)
        _relink_target_groups(self)
        return listener

    def relinking(name: str) -> None:
        orig = getattr(ElbBackend, name)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = orig(self, *args, **kwargs)
            _relink_target_groups(self)
            return result

        setattr(ElbBackend, name, wrapper)

    ElbBackend.modify_rule = modify_rule
    ElbBackend.modify_listener = modify_listener
    for name in ("create_rule", "create_listener", "delete_rule", "delete_listener", "delete_load_balancer"):
        relinking(name)


# ---------------------------------------------------------------------------
# Application Auto Scaling

_SUSPENDED_KEYS = ("DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended")


def _apply_autoscaling() -> None:
    Target = aas_models.FakeScalableTarget
    orig_init = Target.__init__
    orig_update = Target.update

    def init(self: Any, backend: Any, service_namespace: str, resource_id: str, scalable_dimension: str,
             min_capacity: Any, max_capacity: Any, role_arn: Any, suspended_state: Any) -> None:
        orig_init(self, backend, service_namespace, resource_id, scalable_dimension,
                  min_capacity, max_capacity, role_arn, suspended_state)
        # moto lacks: AWS always returns SuspendedState (all false unless set).
        self.suspended_state = {key: bool((suspended_state or {}).get(key, False)) for key in _SUSPENDED_KEYS}
        # moto lacks: without RoleARN, AWS uses (and returns) the
        # service-linked role of the namespace.
        if not role_arn and service_namespace == "ecs":
            self.role_arn = (
                f"arn:aws:iam::{backend.account_id}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                "AWSServiceRoleForApplicationAutoScaling_ECSService"
            )

    def update(self: Any, min_capacity: Any, max_capacity: Any, suspended_state: Any) -> None:
        # moto lacks: a partial SuspendedState replaced the whole structure
        # (dropping the other flags).  Flags not given keep their value.
        orig_update(self, min_capacity, max_capacity, None)
        if suspended_state:
            merged = dict(self.suspended_state or {})
            for key in _SUSPENDED_KEYS:
                if key in suspended_state:
                    merged[key] = bool(suspended_state[key])
            self.suspended_state = merged

    Target.__init__ = init
    Target.update = update
