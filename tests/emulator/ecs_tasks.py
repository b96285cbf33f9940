"""Tasks for ECS services, deployments and the DRAINING phase (moto 5.2.5 has none).

moto lacks:
* tasks for services: a service never starts any, so ListTasks(serviceName=…)
  is always empty and DescribeTasks has nothing to show;
* rollouts: a new task definition (or forceNewDeployment) only swaps a string;
* DRAINING: DeleteService goes straight to INACTIVE.

This module keeps, for every service, the tasks a real scheduler would run.
Nothing runs in the background: every task carries timestamps (created,
ready, stop) and its state is derived from the clock whenever it is read, so
a task start delay or a draining period needs no thread.

Tasks are materialised lazily.  A service nobody looked at (the 1,500
generated services of the `scale` account) has no task objects at all; it
counts as "desired tasks, all RUNNING since the service was created".  The
first ListTasks/DescribeTasks/UpdateService/DeleteService that needs them
creates them.  Seeding therefore costs nothing extra.
"""

from __future__ import annotations

import ipaddress
import random
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Iterable

# Knobs set through the control endpoints (see middleware.py).
SETTINGS: dict[str, int] = {
    # new tasks stay PENDING this long before they are RUNNING
    "task_start_delay_ms": 0,
    # a deleted service stays DRAINING this long before it is INACTIVE
    "draining_ms": 1500,
}
DEFAULT_SETTINGS = dict(SETTINGS)

# How long a STOPPED task stays describable (ECS keeps them about an hour).
STOPPED_TASK_TTL = 3600.0

HEALTH_CHECK_REASON = "Task failed ELB health checks"

LOCK = threading.RLock()
_rng = random.Random()


def now() -> float:
    return time.time()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def new_deployment_id() -> str:
    return f"ecs-svc/{_rng.randint(10**18, 10**19 - 1)}"


def resolved_platform_version(version: str | None) -> str:
    """Fargate resolves LATEST (and no version) to the newest Linux platform."""
    if not version or version == "LATEST":
        return "1.4.0"
    return version


def _os_family(task_definition: Any) -> str:
    family = ((getattr(task_definition, "runtime_platform", None) or {}).get("operatingSystemFamily") or "LINUX")
    return "Linux" if family.upper() == "LINUX" else family


def placement(service: Any) -> tuple[str, str | None]:
    """(launchType of its tasks, capacityProviderName or None)."""
    strategy = getattr(service, "capacity_provider_strategy", None) or []
    if strategy and not service.launch_type:
        chosen = max(strategy, key=lambda s: (int(s.get("base") or 0), int(s.get("weight") or 0)))
        name = chosen.get("capacityProvider") or "FARGATE"
        return ("FARGATE" if name.startswith("FARGATE") else "EC2"), name
    return (service.launch_type or "EC2"), None


def is_fargate(service: Any) -> bool:
    return placement(service)[0] == "FARGATE"


def platform_family(service: Any, task_definition: Any) -> str | None:
    """AWS reports the OS family ("Linux"), and only for Fargate."""
    return _os_family(task_definition) if is_fargate(service) else None


# ---------------------------------------------------------------------------


class ServiceTask:
    """One task started by a service's scheduler.  State comes from the clock."""

    def __init__(self, backend: Any, service: Any, deployment_id: str, created: float, ready: float):
        self.id = uuid.uuid4().hex
        region, account = backend.region_name, backend.account_id
        self.cluster_name = service.cluster_name
        self.cluster_arn = service.cluster_arn
        self.service_name = service.name
        self.group = f"service:{service.name}"
        self.started_by = deployment_id
        self.task_definition_arn = service.task_definition
        self.arn = f"arn:aws:ecs:{region}:{account}:task/{self.cluster_name}/{self.id}"
        self.created = created
        self.ready = ready
        self.stop_at: float | None = None
        self.stopped_reason: str | None = None
        self.stop_code: str | None = None
        # ECS Exec is decided when a task starts: changing the service's flag
        # later does not change running tasks (it needs a new deployment).
        self.enable_execute_command = bool(getattr(service, "enable_execute_command", False))
        self.launch_type, self.capacity_provider_name = placement(service)

        try:
            td = backend.describe_task_definition(service.task_definition)
        except Exception:  # noqa: BLE001 - a service without a task definition
            td = None
        fargate = self.launch_type == "FARGATE"
        self.platform_version = resolved_platform_version(service.platform_version) if fargate else None
        self.platform_family = _os_family(td) if (fargate and td is not None) else None
        self.cpu = getattr(td, "cpu", None)
        self.memory = getattr(td, "memory", None)
        propagate = getattr(service, "propagate_tags", "NONE")
        if propagate == "SERVICE":
            self.tags = list(service.tags or [])
        elif propagate == "TASK_DEFINITION" and td is not None:
            self.tags = list(td.tags or [])
        else:
            self.tags = []

        self.attachment: dict[str, Any] | None = None
        self.private_ip: str | None = None
        self.availability_zone = f"{region}a"
        awsvpc = (getattr(service, "network_configuration", None) or {}).get("awsvpcConfiguration") or {}
        if (td is not None and td.network_mode == "awsvpc") or awsvpc.get("subnets"):
            self._attach(backend, awsvpc.get("subnets") or [])

        self.containers: list[dict[str, Any]] = []
        for cdef in (td.container_definitions if td is not None else []):
            self.containers.append(
                {
                    "name": cdef.get("name"),
                    "image": cdef.get("image"),
                    "containerArn": f"arn:aws:ecs:{region}:{account}:container/{self.cluster_name}/{self.id}/{uuid.uuid4()}",
                    # The container id the runtime gave it (hex, unique).
                    "runtimeId": uuid.uuid4().hex + uuid.uuid4().hex,
                    "cpu": str(cdef.get("cpu", 0)),
                    "memory": str(cdef["memory"]) if cdef.get("memory") is not None else None,
                    "memoryReservation": str(cdef["memoryReservation"]) if cdef.get("memoryReservation") is not None else None,
                    "hasHealthCheck": bool(cdef.get("healthCheck")),
                }
            )

    def _attach(self, backend: Any, subnets: list[str]) -> None:
        subnet_id = subnets[_rng.randrange(len(subnets))] if subnets else None
        cidr = "10.0.0.0/24"
        if subnet_id:
            try:
                from moto.ec2.models import ec2_backends

                subnet = ec2_backends[backend.account_id][backend.region_name].get_subnet(subnet_id)
                cidr = subnet.cidr_block
                self.availability_zone = subnet.availability_zone
            except Exception:  # noqa: BLE001 - unknown subnet: keep the defaults
                pass
        net = ipaddress.ip_network(cidr, strict=False)
        host = net.network_address + _rng.randrange(4, max(5, net.num_addresses - 1))
        self.private_ip = str(host)
        attachment_id = str(uuid.uuid4())
        eni = "eni-" + uuid.uuid4().hex[:17]
        mac = ":".join(f"{_rng.randrange(256):02x}" for _ in range(6))
        details = [
            {"name": "networkInterfaceId", "value": eni},
            {"name": "macAddress", "value": mac},
            {"name": "privateDnsName", "value": f"ip-{self.private_ip.replace('.', '-')}.ec2.internal"},
            {"name": "privateIPv4Address", "value": self.private_ip},
        ]
        if subnet_id:
            details.insert(0, {"name": "subnetId", "value": subnet_id})
        self.attachment = {"id": attachment_id, "type": "ElasticNetworkInterface", "status": "ATTACHED", "details": details}

    # -- state ----------------------------------------------------------------

    def is_stopped(self, t: float) -> bool:
        return self.stop_at is not None and self.stop_at <= t

    def state(self, t: float) -> str:
        if self.is_stopped(t):
            return "STOPPED"
        return "RUNNING" if t >= self.ready else "PENDING"

    def started(self, t: float) -> bool:
        """Did it ever reach RUNNING (by time t)?"""
        end = min(t, self.stop_at) if self.stop_at is not None else t
        return end >= self.ready

    def stop(self, when: float, reason: str, code: str = "ServiceSchedulerInitiated") -> None:
        if self.stop_at is not None and self.stop_at <= when:
            return
        self.stop_at = when
        self.stopped_reason = reason
        self.stop_code = code

    def desired_status(self, t: float) -> str:
        return "STOPPED" if self.is_stopped(t) else "RUNNING"

    def view(self, t: float) -> dict[str, Any]:
        """The task as DescribeTasks shows it at time t."""
        state = self.state(t)
        started = self.started(t)
        task: dict[str, Any] = {
            "taskArn": self.arn,
            "clusterArn": self.cluster_arn,
            "taskDefinitionArn": self.task_definition_arn,
            "group": self.group,
            "startedBy": self.started_by,
            "lastStatus": state,
            "desiredStatus": self.desired_status(t),
            "launchType": self.launch_type,
            "enableExecuteCommand": self.enable_execute_command,
            "createdAt": _dt(self.created),
            "availabilityZone": self.availability_zone,
            "connectivity": "CONNECTED",
            "connectivityAt": _dt(self.created),
            "healthStatus": "HEALTHY" if (state == "RUNNING" and any(c["hasHealthCheck"] for c in self.containers)) else "UNKNOWN",
            "version": 2 if state == "PENDING" else (3 if state == "RUNNING" else 5),
            "overrides": {"containerOverrides": [{"name": c["name"]} for c in self.containers], "inferenceAcceleratorOverrides": []},
            "attachments": [],
            "tags": self.tags,
        }
        if self.capacity_provider_name:
            task["capacityProviderName"] = self.capacity_provider_name
        if self.platform_version:
            task["platformVersion"] = self.platform_version
        if self.platform_family:
            task["platformFamily"] = self.platform_family
        if self.cpu:
            task["cpu"] = self.cpu
        if self.memory:
            task["memory"] = self.memory
        if started:
            task["pullStartedAt"] = _dt(self.created)
            task["pullStoppedAt"] = _dt(self.ready)
            task["startedAt"] = _dt(self.ready)
        if self.attachment is not None:
            att = dict(self.attachment)
            att["status"] = "DELETED" if state == "STOPPED" else ("PRECREATED" if state == "PENDING" else "ATTACHED")
            task["attachments"] = [att]
        if state == "STOPPED":
            assert self.stop_at is not None
            task["stoppingAt"] = _dt(self.stop_at)
            task["executionStoppedAt"] = _dt(self.stop_at)
            task["stoppedAt"] = _dt(self.stop_at)
            task["stoppedReason"] = self.stopped_reason
            task["stopCode"] = self.stop_code

        containers = []
        for c in self.containers:
            out: dict[str, Any] = {
                "containerArn": c["containerArn"],
                "taskArn": self.arn,
                "name": c["name"],
                "image": c["image"],
                "lastStatus": state,
                "networkBindings": [],
                "networkInterfaces": [],
                "healthStatus": "HEALTHY" if (c["hasHealthCheck"] and state == "RUNNING") else "UNKNOWN",
                "cpu": c["cpu"],
            }
            if c["memory"] is not None:
                out["memory"] = c["memory"]
            if c["memoryReservation"] is not None:
                out["memoryReservation"] = c["memoryReservation"]
            if started:
                # A container gets its runtime id when it starts.
                out["runtimeId"] = c["runtimeId"]
            if state == "STOPPED" and started:
                out["exitCode"] = 0
            if self.attachment is not None and state != "PENDING":
                out["networkInterfaces"] = [{"attachmentId": self.attachment["id"], "privateIpv4Address": self.private_ip}]
            if self.enable_execute_command:
                agent: dict[str, Any] = {"name": "ExecuteCommandAgent", "lastStatus": state}
                if started:
                    agent["lastStartedAt"] = _dt(self.ready)
                out["managedAgents"] = [agent]
            containers.append(out)
        task["containers"] = containers
        return task


# ---------------------------------------------------------------------------
# per-backend index of every service task (id -> task), stopped ones included


def _index(backend: Any) -> dict[str, ServiceTask]:
    idx = backend.__dict__.get("_emu_task_index")
    if idx is None:
        idx = backend.__dict__["_emu_task_index"] = {}
    return idx


def _primary(service: Any) -> dict[str, Any] | None:
    for dep in service.deployments or []:
        if dep.get("status") == "PRIMARY":
            return dep
    return None


def _primary_id(service: Any) -> str:
    dep = _primary(service)
    if dep is None:
        dep = {"id": new_deployment_id(), "status": "PRIMARY"}
        service.deployments = [dep]
    return dep["id"]


def materialised(service: Any) -> bool:
    return service.__dict__.get("_emu_tasks") is not None


def _start(backend: Any, service: Any, count: int, created: float, ready: float) -> None:
    dep_id = _primary_id(service)
    idx = _index(backend)
    for _ in range(count):
        task = ServiceTask(backend, service, dep_id, created, ready)
        service.__dict__["_emu_tasks"].append(task)
        idx[task.id] = task


def ensure_tasks(backend: Any, service: Any) -> list[ServiceTask]:
    """The service's task list, created on first use: desired tasks, RUNNING
    since the service was created (that is what an untouched service shows)."""
    with LOCK:
        tasks = service.__dict__.get("_emu_tasks")
        if tasks is None:
            service.__dict__["_emu_tasks"] = tasks = []
            if service.status == "ACTIVE" and service.task_definition:
                since = service.__dict__.get("_emu_created", now())
                _start(backend, service, int(service.desired_count or 0), since, since)
        return tasks


def start_pending_if_delayed(backend: Any, service: Any) -> None:
    """After CreateService: with a start delay, tasks must exist now (PENDING)."""
    if SETTINGS["task_start_delay_ms"] > 0:
        with LOCK:
            service.__dict__["_emu_tasks"] = []
            reconcile(backend, service)


def reconcile(backend: Any, service: Any, t: float | None = None) -> None:
    """Make the tasks match the service: desired count on the PRIMARY
    deployment; tasks of older deployments stop once the new ones run."""
    with LOCK:
        t = now() if t is None else t
        tasks = ensure_tasks(backend, service)
        live = [task for task in tasks if not task.is_stopped(t)]
        primary_id = _primary_id(service)
        scale_reason = f"Scaling activity initiated by (deployment {primary_id})"
        if service.status != "ACTIVE":
            for task in live:
                task.stop(t, scale_reason)
            return
        current = [task for task in live if task.started_by == primary_id]
        old = [task for task in live if task.started_by != primary_id]
        desired = int(service.desired_count or 0)
        if not service.task_definition:
            desired = 0
        if len(current) > desired:
            # Scale in: PENDING tasks first, then the newest.
            victims = sorted(current, key=lambda x: (x.state(t) == "RUNNING", -x.created))[: len(current) - desired]
            for task in victims:
                task.stop(t, scale_reason)
            current = [task for task in current if task not in victims]
        elif len(current) < desired:
            delay = SETTINGS["task_start_delay_ms"] / 1000.0
            _start(backend, service, desired - len(current), t, t + delay)
            current = [task for task in tasks if task.started_by == primary_id and not task.is_stopped(t)]
        if old:
            # Rolling update: old tasks run until the new deployment is up.
            deadline = max([task.ready for task in current] + [t]) if desired else t
            for task in old:
                task.stop(max(deadline, t), scale_reason)


def start_rollout(backend: Any, service: Any) -> None:
    """A new deployment (new task definition, forceNewDeployment, …)."""
    with LOCK:
        ensure_tasks(backend, service)
        old = _primary(service)
        ts = datetime.now(timezone.utc)
        dep_id = new_deployment_id()
        dep: dict[str, Any] = {
            "id": dep_id,
            "status": "PRIMARY",
            "taskDefinition": service.task_definition,
            "desiredCount": service.desired_count,
            "pendingCount": 0,
            "runningCount": 0,
            "failedTasks": 0,
            "createdAt": ts,
            "updatedAt": ts,
            "launchType": service.launch_type,
            "platformVersion": service.platform_version,
            "networkConfiguration": service.network_configuration or None,
            "rolloutState": "IN_PROGRESS",
            "rolloutStateReason": "ECS deployment in progress.",
        }
        strategy = getattr(service, "capacity_provider_strategy", None)
        if strategy and not service.launch_type:
            dep.pop("launchType")
            dep["capacityProviderStrategy"] = strategy
        if old is not None:
            old["status"] = "ACTIVE"
            old["updatedAt"] = ts
        service.deployments = [dep] + [d for d in (service.deployments or []) if d is not dep]
        reconcile(backend, service)


def replace_tasks(backend: Any, service: Any, reason: str = HEALTH_CHECK_REASON) -> tuple[list[str], list[str]]:
    """Stop the service's live tasks (as a failed health check would) and let
    the scheduler start fresh ones.  Returns (stopped ARNs, started ARNs)."""
    with LOCK:
        t = now()
        tasks = ensure_tasks(backend, service)
        before = {task.id for task in tasks}
        stopped = []
        for task in tasks:
            if not task.is_stopped(t):
                task.stop(t, reason)
                stopped.append(task.arn)
        reconcile(backend, service, t)
        started = [task.arn for task in tasks if task.id not in before]
        refresh(service, backend)
        return stopped, started


def stop_task(backend: Any, task: ServiceTask, reason: str | None) -> None:
    """StopTask on a service task: it stops, and the scheduler replaces it."""
    with LOCK:
        task.stop(now(), reason or "Task stopped by user", "UserInitiated")
        service = backend.services.get(f"{task.cluster_name}:{task.service_name}")
        if service is not None and service.__dict__.get("_emu_tasks") is not None and task in service.__dict__["_emu_tasks"]:
            reconcile(backend, service)


# ---------------------------------------------------------------------------
# counts and deployments


def counts(service: Any, t: float | None = None) -> tuple[int, int]:
    """(runningCount, pendingCount) of a service."""
    tasks = service.__dict__.get("_emu_tasks")
    if tasks is None:
        if service.status == "ACTIVE" and service.task_definition:
            return int(service.desired_count or 0), 0
        return 0, 0
    t = now() if t is None else t
    running = pending = 0
    for task in tasks:
        state = task.state(t)
        if state == "RUNNING":
            running += 1
        elif state == "PENDING":
            pending += 1
    return running, pending


def refresh(service: Any, backend: Any = None) -> None:
    """Bring the deployments' counts and rollout states up to date."""
    with LOCK:
        t = now()
        tasks = service.__dict__.get("_emu_tasks")
        deployments = list(service.deployments or [])
        td = None
        if backend is not None and service.task_definition:
            try:
                td = backend.describe_task_definition(service.task_definition)
            except Exception:  # noqa: BLE001
                td = None
        family = platform_family(service, td) if td is not None else ("Linux" if is_fargate(service) else None)
        service.platform_family = family
        keep = []
        others_live = False
        for dep in deployments:
            if tasks is None:
                running, pending = (counts(service, t) if dep.get("status") == "PRIMARY" else (0, 0))
            else:
                mine = [task for task in tasks if task.started_by == dep.get("id")]
                running = sum(1 for task in mine if task.state(t) == "RUNNING")
                pending = sum(1 for task in mine if task.state(t) == "PENDING")
            if dep.get("status") != "PRIMARY":
                if running + pending == 0:
                    continue  # drained: the old deployment is gone
                others_live = True
                dep["desiredCount"] = running + pending
            dep["runningCount"] = running
            dep["pendingCount"] = pending
            dep["failedTasks"] = 0
            if family:
                dep["platformFamily"] = family
            else:
                dep.pop("platformFamily", None)
            keep.append(dep)
        for dep in keep:
            if dep.get("status") != "PRIMARY":
                continue
            desired = int(service.desired_count or 0) if service.status == "ACTIVE" else 0
            dep["desiredCount"] = desired
            if service.task_definition and dep.get("taskDefinition") is None:
                dep["taskDefinition"] = service.task_definition
            done = dep["pendingCount"] == 0 and dep["runningCount"] == desired and not others_live
            state = "COMPLETED" if done else "IN_PROGRESS"
            if dep.get("rolloutState") != state:
                dep["updatedAt"] = datetime.now(timezone.utc)
            dep["rolloutState"] = state
            dep["rolloutStateReason"] = (
                f"ECS deployment {dep.get('id')} completed." if done else f"ECS deployment {dep.get('id')} in progress."
            )
        service.deployments = keep


# ---------------------------------------------------------------------------
# ListTasks / DescribeTasks


def _prune(backend: Any, t: float) -> None:
    idx = _index(backend)
    expired = [k for k, task in idx.items() if task.stop_at is not None and task.stop_at + STOPPED_TASK_TTL < t]
    for k in expired:
        task = idx.pop(k)
        service = backend.services.get(f"{task.cluster_name}:{task.service_name}")
        lst = service.__dict__.get("_emu_tasks") if service is not None else None
        if lst is not None and task in lst:
            lst.remove(task)


def _family_of(arn: str) -> str:
    return arn.split("/")[-1].rsplit(":", 1)[0]


def list_tasks(
    backend: Any,
    cluster_str: str,
    *,
    service_name: str | None = None,
    desired_status: str | None = None,
    started_by: str | None = None,
    family: str | None = None,
    launch_type: str | None = None,
    container_instance: str | None = None,
) -> list[str]:
    from moto.ecs.exceptions import ServiceNotFoundException

    cluster = backend._get_cluster(cluster_str or "default")
    wanted_status = desired_status or "RUNNING"  # AWS filters on RUNNING by default
    with LOCK:
        t = now()
        _prune(backend, t)
        group = None
        if service_name:
            name = service_name.split("/")[-1]
            service = backend.services.get(f"{cluster.name}:{name}")
            if service is None:
                raise ServiceNotFoundException()
            ensure_tasks(backend, service)
            group = f"service:{name}"
        else:
            for service in list(backend.services.values()):
                if service.cluster_name == cluster.name:
                    ensure_tasks(backend, service)
        found: list[tuple[float, str]] = []
        if not container_instance:  # service tasks here run on Fargate or nowhere in particular
            for task in _index(backend).values():
                if task.cluster_name != cluster.name:
                    continue
                if group and task.group != group:
                    continue
                if task.desired_status(t) != wanted_status:
                    continue
                if started_by and task.started_by != started_by:
                    continue
                if family and _family_of(task.task_definition_arn or "") != family:
                    continue
                if launch_type and task.launch_type != launch_type:
                    continue
                found.append((task.created, task.arn))
        # Standalone (RunTask/StartTask) tasks that moto itself keeps.
        for mtask in backend.tasks.get(cluster.name, {}).values():
            if group and getattr(mtask, "group", None) != group:
                continue
            if getattr(mtask, "desired_status", "RUNNING") != wanted_status:
                continue
            if started_by and mtask.started_by != started_by:
                continue
            if family and _family_of(mtask.task_definition_arn) != family:
                continue
            if launch_type and mtask.launch_type != launch_type:
                continue
            if container_instance and container_instance not in (mtask.container_instance_arn or ""):
                continue
            found.append((0.0, mtask.task_arn))
        found.sort()
        return [arn for _, arn in found]


def describe_tasks(backend: Any, cluster_str: str, refs: Iterable[str]) -> tuple[list[Any], list[dict[str, str]]]:
    from moto.ecs.exceptions import InvalidParameterException

    cluster = backend._get_cluster(cluster_str or "default")
    refs = list(refs or [])
    if not refs:
        raise InvalidParameterException("Tasks cannot be empty.")
    found: list[Any] = []
    failures: list[dict[str, str]] = []
    with LOCK:
        t = now()
        _prune(backend, t)
        idx = _index(backend)
        standalone = backend.tasks.get(cluster.name, {})
        for ref in refs:
            task_id = str(ref).split("/")[-1]
            task = idx.get(task_id)
            if task is not None and task.cluster_name == cluster.name:
                found.append(task.view(t))
                continue
            match = None
            for key, mtask in standalone.items():
                if key.split("/")[-1] == task_id:
                    match = mtask
                    break
            if match is not None:
                match.advance()
                found.append(match)
                continue
            arn = ref if str(ref).startswith("arn:") else (
                f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:task/{cluster.name}/{task_id}"
            )
            failures.append({"arn": arn, "reason": "MISSING"})
    return found, failures


def find_task(backend: Any, cluster_name: str, ref: str) -> ServiceTask | None:
    task = _index(backend).get(str(ref).split("/")[-1])
    if task is not None and task.cluster_name == cluster_name:
        return task
    return None
