"""In-process fixes to moto's ECS model (moto 5.2.5).

These patch moto's classes rather than rewriting HTTP responses, because the
numbers involved (running/pending counts, cluster totals) must stay consistent
whichever way a resource was created: over HTTP or by the seeder calling the
backend directly.  Request-shaped fixes (pagination, list-size validation)
live in middleware.py instead.

Every patch says what moto lacks.  apply() is idempotent.
"""

from __future__ import annotations

from typing import Any

from moto.ecs import models as ecs_models
from moto.ecs import responses as ecs_responses
from moto.ecs.exceptions import InvalidParameterException

_APPLIED = False

Backend = ecs_models.EC2ContainerServiceBackend
Cluster = ecs_models.Cluster
Response = ecs_responses.EC2ContainerServiceResponse

# Service states that still count as "existing" for ListServices and for the
# name-clash check in CreateService.  moto only ever uses ACTIVE/INACTIVE.
LIVE_SERVICE_STATES = ("ACTIVE", "DRAINING")


def settle_service(service: Any) -> None:
    """Put a service in steady state: every desired task is running.

    moto lacks: a service's runningCount stays 0 (pendingCount = desired)
    unless the process-wide env var MOTO_ECS_SERVICE_RUNNING is set, and that
    sets the same fixed number for every service.  Real services converge to
    runningCount == desiredCount with pendingCount 0 and a COMPLETED rollout.
    """
    desired = int(service.desired_count or 0)
    service.running_count = desired
    service.pending_count = 0
    for dep in service.deployments or []:
        if dep.get("status") != "PRIMARY":
            continue
        dep["desiredCount"] = desired
        dep["runningCount"] = desired
        dep["pendingCount"] = 0
        dep["failedTasks"] = 0
        dep["rolloutState"] = "COMPLETED"
        dep["rolloutStateReason"] = f"ECS deployment {dep.get('id')} completed."
        if service.task_definition:
            dep["taskDefinition"] = service.task_definition


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
    all three from the current services, plus standalone RunTask/StartTask
    tasks that have not been stopped.
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
        running += int(service.running_count or 0)
        pending += int(service.pending_count or 0)
    for task in backend.tasks.get(cluster.name, {}).values():
        if getattr(task, "desired_status", "RUNNING") == "RUNNING":
            running += 1
    return active, running, pending


def _computed(index: int) -> property:
    def getter(self: Any) -> int:
        return cluster_counts(self)[index]

    def setter(self: Any, _value: int) -> None:
        # moto's own bookkeeping (Cluster.__init__, update_cluster_resources)
        # writes here; the value is derived instead, so writes are dropped.
        pass

    return property(getter, setter)


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    _APPLIED = True

    # -- Cluster totals are derived, never stored (see cluster_counts). --
    Cluster.active_services_count = _computed(0)
    Cluster.running_tasks_count = _computed(1)
    Cluster.pending_tasks_count = _computed(2)

    orig_create_service = Backend.create_service
    orig_update_service = Backend.update_service

    def create_service(self: Any, cluster_str: str, service_name: str, *args: Any, **kwargs: Any) -> Any:
        # moto lacks: a name clash check.  It silently replaces an ACTIVE
        # service of the same name; real ECS answers InvalidParameterException
        # "Creation of service was not idempotent." (a service whose status
        # is INACTIVE may be re-created, as on AWS).
        cluster = self._get_cluster(cluster_str)
        existing = self.services.get(f"{cluster.name}:{service_name}")
        if existing is not None and existing.status in LIVE_SERVICE_STATES:
            raise InvalidParameterException("Creation of service was not idempotent.")
        service = orig_create_service(self, cluster_str, service_name, *args, **kwargs)
        # moto lacks: enableExecuteCommand is neither stored nor returned;
        # AWS always returns the flag (false by default).  The HTTP layer
        # (response_create_service below) sets it when requested.
        if not hasattr(service, "enable_execute_command"):
            service.enable_execute_command = False
        settle_service(service)
        return service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        task_definition = service_properties.get("task_definition")
        service = orig_update_service(self, service_properties)
        # moto lacks: it stores the raw taskDefinition argument ("family" or
        # "family:3") instead of the resolved ARN that AWS returns.
        if task_definition:
            service.task_definition = self.describe_task_definition(task_definition).arn
        # moto sets runningCount only when desiredCount is in the request and
        # never updates the deployment; converge to steady state instead.
        settle_service(service)
        return service

    Backend.create_service = create_service
    Backend.update_service = update_service

    orig_response_create_service = Response.create_service

    def response_create_service(self: Any) -> Any:
        result = orig_response_create_service(self)
        cluster = (self._get_param("cluster") or "default").split("/")[-1]
        service = self.ecs_backend.services.get(f"{cluster}:{self._get_param('serviceName')}")
        if service is None:
            return result
        # moto lacks: enableExecuteCommand is dropped by CreateService.
        service.enable_execute_command = bool(self._get_param("enableExecuteCommand") or False)
        # moto lacks: capacityProviderStrategy is dropped and launchType is
        # forced to EC2.  AWS returns the strategy and no launchType.
        strategy = self._get_param("capacityProviderStrategy")
        if strategy and not self._get_param("launchType"):
            service.launch_type = None
            service.capacity_provider_strategy = strategy
            for dep in service.deployments or []:
                dep.pop("launchType", None)
                dep["capacityProviderStrategy"] = strategy
        return result

    Response.create_service = response_create_service
