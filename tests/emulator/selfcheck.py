#!/usr/bin/env python3
"""Self-check for the emulator: starts launcher.py for each scenario and
asserts, with boto3, what the Rust tests rely on.  Exits non-zero on failure.

    .venv/bin/python tests/emulator/selfcheck.py [-v]
"""

from __future__ import annotations

import os
import sys

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_ACCESS_KEY_ID"] = "test"
os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.pop("AWS_PROFILE", None)
os.environ["AWS_REGION"] = "us-east-1"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
sys.dont_write_bytecode = True

import atexit  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import selectors  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "launcher.py"
VERBOSE = "-v" in sys.argv
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=60)

failures: list[str] = []
checks = 0


def check(cond: bool, what: str) -> bool:
    global checks
    checks += 1
    if cond:
        if VERBOSE:
            print(f"  ok   {what}")
    else:
        failures.append(what)
        print(f"  FAIL {what}")
    return cond


def expect_error(call: Callable[[], Any], code: str, what: str, status: int = 400) -> None:
    try:
        call()
    except ClientError as exc:
        got = exc.response["Error"].get("Code")
        got_status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
        check(got == code and got_status == status, f"{what}: {code}/{status} (got {got}/{got_status})")
        return
    check(False, f"{what}: expected {code}, call succeeded")


class Emulator:
    def __init__(self, scenario: str, *, stdin_eof: bool = False):
        self.scenario = scenario
        workdir = tempfile.mkdtemp(prefix="emu-selfcheck-")
        atexit.register(shutil.rmtree, workdir, True)
        self.port_file = Path(workdir) / "port"
        cmd = [sys.executable, str(LAUNCHER), "--scenario", scenario, "--port", "0", "--port-file", str(self.port_file)]
        if stdin_eof:
            cmd.append("--exit-on-stdin-eof")
        self.stderr_path = self.port_file.parent / "stderr.log"
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr_path.open("w"),
        )
        self.ready = self._read_ready(timeout=60)
        self.ready_seconds = time.monotonic() - self.started
        self.endpoint = self.ready["endpoint"]

    def _read_ready(self, timeout: float) -> dict[str, Any]:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            self.kill()
            raise RuntimeError(f"{self.scenario}: no ready line within {timeout}s; stderr:\n{self.stderr()}")
        line = self.proc.stdout.readline().decode()
        if not line:
            raise RuntimeError(f"{self.scenario}: launcher exited ({self.proc.wait()}); stderr:\n{self.stderr()}")
        return json.loads(line)

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def client(self, service: str, config: Config = NO_RETRY) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1", config=config)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.endpoint + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode()

    def control_status(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Like control(), but returns (HTTP status, body) for errors too."""
        try:
            return 200, self.control(method, path, body)
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw)
            except ValueError:
                return exc.code, raw.decode()

    def raw_body(self, client: Any, call: Callable[[], Any]) -> bytes:
        """The raw HTTP body of one SDK call (to see what is on the wire)."""
        seen: dict[str, bytes] = {}

        def grab(response_dict: dict[str, Any], **_: Any) -> None:
            seen["body"] = response_dict["body"]

        client.meta.events.register("before-parse", grab)
        try:
            call()
        finally:
            client.meta.events.unregister("before-parse", grab)
        return seen.get("body", b"")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=15)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def list_all_services(ecs: Any, cluster: str, page_size: int | None) -> tuple[list[str], int]:
    arns: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"cluster": cluster}
    if page_size:
        kwargs["maxResults"] = page_size
    while True:
        resp = ecs.list_services(**kwargs)
        pages += 1
        arns.extend(resp["serviceArns"])
        if page_size:
            check(len(resp["serviceArns"]) <= page_size, f"ListServices {cluster}: page within {page_size}")
        token = resp.get("nextToken")
        if not token:
            return arns, pages
        kwargs["nextToken"] = token


# ---------------------------------------------------------------------------

DEMO_SERVICES = {
    # (cluster, service): (launch type or capacity provider, desired, target group or None)
    ("dev-apps", "storefront-web"): ("FARGATE", 3, "storefront-web-tg"),
    ("dev-apps", "orders-api"): ("FARGATE", 2, "orders-api-tg"),
    ("dev-apps", "admin-portal"): ("FARGATE", 1, "admin-portal-tg"),
    ("dev-apps", "payments"): ("FARGATE", 0, None),
    ("dev-apps", "cloud-debug-payments"): ("FARGATE", 1, None),
    ("dev-workers", "mqtt-broker"): ("EC2", 2, "mqtt-broker-tg"),
    ("dev-workers", "email-worker"): ("EC2", 2, None),
    ("dev-workers", "report-generator"): ("FARGATE_SPOT", 1, None),
    ("dev-workers", "legacy-reports"): ("FARGATE", 1, None),
    ("staging", "storefront-web"): ("FARGATE", 1, None),
    ("staging", "orders-api"): ("FARGATE", 1, None),
    ("staging", "ledger"): ("FARGATE", 1, None),
}
DEMO_CLUSTERS = ["dev-apps", "dev-workers", "staging", "sandbox"]


def check_demo() -> None:
    print("demo")
    emu = Emulator("demo", stdin_eof=True)
    try:
        check(emu.ready["account"] == "123456789012" and emu.ready["region"] == "us-east-1", "ready line account/region")
        check(emu.ready["scenario"] == "demo", "ready line scenario")
        check(emu.port_file.read_text() == str(emu.ready["port"]), "port file holds the port")
        check(emu.endpoint == f"http://127.0.0.1:{emu.ready['port']}", "endpoint is loopback")
        check(emu.control("GET", "/_emulator/health") == "ok", "health endpoint")
        check(emu.control("GET", "/_emulator/requests") == [], "request log empty after seeding")

        ecs = emu.client("ecs")
        sts = emu.client("sts")
        check(sts.get_caller_identity()["Account"] == "123456789012", "STS account")

        cluster_arns = ecs.list_clusters()["clusterArns"]
        names = [a.split("/")[-1] for a in cluster_arns]
        check(sorted(names) == sorted(DEMO_CLUSTERS), f"demo clusters {names}")
        described = {c["clusterName"]: c for c in ecs.describe_clusters(clusters=cluster_arns)["clusters"]}

        for cluster in DEMO_CLUSTERS:
            arns, _ = list_all_services(ecs, cluster, None)
            expected = {s for (c, s) in DEMO_SERVICES if c == cluster}
            got = {a.split("/")[-1] for a in arns}
            check(got == expected, f"{cluster}: services {sorted(got)}")
            running = 0
            if arns:
                for svc in ecs.describe_services(cluster=cluster, services=arns)["services"]:
                    key = (cluster, svc["serviceName"])
                    placement, desired, tg = DEMO_SERVICES[key]
                    actual_placement = svc.get("launchType") or "+".join(
                        p["capacityProvider"] for p in svc.get("capacityProviderStrategy", [])
                    )
                    check(actual_placement == placement, f"{key} placement {actual_placement}")
                    check(svc["desiredCount"] == desired, f"{key} desired {svc['desiredCount']}")
                    check(
                        svc["runningCount"] == desired and svc["pendingCount"] == 0,
                        f"{key} steady state running={svc['runningCount']} pending={svc['pendingCount']}",
                    )
                    tgs = [lb["targetGroupArn"].split("/")[1] for lb in svc["loadBalancers"]]
                    check(tgs == ([tg] if tg else []), f"{key} target groups {tgs}")
                    if placement in ("FARGATE", "FARGATE_SPOT"):
                        check(bool(svc["networkConfiguration"]["awsvpcConfiguration"]["subnets"]), f"{key} awsvpc")
                    running += svc["runningCount"]
            c = described[cluster]
            check(c["activeServicesCount"] == len(expected), f"{cluster} activeServicesCount {c['activeServicesCount']}")
            check(c["runningTasksCount"] == running, f"{cluster} runningTasksCount {c['runningTasksCount']} == {running}")
            check(c["pendingTasksCount"] == 0, f"{cluster} pendingTasksCount 0")

        svc = {s["serviceName"]: s for s in ecs.describe_services(
            cluster="dev-apps", services=["payments", "cloud-debug-payments", "storefront-web", "admin-portal"]
        )["services"]}
        twin_td = ecs.describe_task_definition(taskDefinition=svc["cloud-debug-payments"]["taskDefinition"])["taskDefinition"]
        check(twin_td["family"] == "cloud-debug-payments", "twin uses family cloud-debug-payments")
        check(twin_td["taskRoleArn"].endswith(":role/ecs-debug-task-role"), "twin task role is the debug role")
        check(svc["cloud-debug-payments"]["enableExecuteCommand"] is True, "twin has ECS Exec enabled")
        check(svc["payments"]["enableExecuteCommand"] is False, "payments has ECS Exec disabled")
        check(svc["storefront-web"]["platformVersion"] == "1.4.0", "storefront-web platformVersion 1.4.0")
        web_td = ecs.describe_task_definition(taskDefinition=svc["storefront-web"]["taskDefinition"])["taskDefinition"]
        check(len(web_td["containerDefinitions"]) == 3, "storefront-web has 3 containers")
        email_td = ecs.describe_task_definition(taskDefinition="email-worker")["taskDefinition"]
        check("executionRoleArn" in email_td and "taskRoleArn" not in email_td, "email-worker: execution role only")

        # IAM
        iam = emu.client("iam")
        roles = {r["RoleName"]: r for r in iam.list_roles()["Roles"]}
        for name in ("ecsTaskExecutionRole", "ecs-debug-task-role", "ecsServiceRole", "orders-task-role",
                     "admin-portal-task-role", "storefront-task-role", "payments-task-role", "report-generator-task-role"):
            check(name in roles, f"role {name} exists")

        def trusted(name: str) -> list[str]:
            doc = roles[name]["AssumeRolePolicyDocument"]
            if isinstance(doc, str):
                doc = json.loads(doc)
            return [s["Principal"]["Service"] for s in doc["Statement"]]

        check(trusted("ecs-debug-task-role") == ["ecs-tasks.amazonaws.com"], "debug role trusted by ecs-tasks")
        check(trusted("ecsServiceRole") == ["ecs.amazonaws.com"], "ecsServiceRole trusted only by ecs")
        check(roles["admin-portal-task-role"]["Path"] == "/service/team-a/", "path role")
        check(roles["admin-portal-task-role"]["Arn"].endswith(":role/service/team-a/admin-portal-task-role"), "path role ARN")
        attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="ecs-debug-task-role")["AttachedPolicies"]]
        check(attached == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"], f"debug role policies {attached}")
        pol = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")["Policy"]
        version = iam.get_policy_version(PolicyArn=pol["Arn"], VersionId=pol["DefaultVersionId"])["PolicyVersion"]
        check("ssmmessages:" in json.dumps(version["Document"]), "AmazonSSMManagedInstanceCore grants ssmmessages")
        orders_inline = iam.get_role_policy(RoleName="orders-task-role", PolicyName="orders-data-access")["PolicyDocument"]
        check("ssmmessages" not in json.dumps(orders_inline), "orders-task-role lacks ssmmessages")
        check(iam.list_attached_role_policies(RoleName="orders-task-role")["AttachedPolicies"] == [], "orders-task-role: no managed policies")

        # ELBv2
        elb = emu.client("elbv2")
        lbs = {lb["LoadBalancerName"]: lb for lb in elb.describe_load_balancers()["LoadBalancers"]}
        check(lbs.get("dev-public-alb", {}).get("Type") == "application", "ALB exists")
        check(lbs.get("dev-mqtt-nlb", {}).get("Type") == "network", "NLB exists")
        tg_names = {t["TargetGroupArn"]: t["TargetGroupName"] for t in elb.describe_target_groups()["TargetGroups"]}
        alb_listeners = elb.describe_listeners(LoadBalancerArn=lbs["dev-public-alb"]["LoadBalancerArn"])["Listeners"]
        check([(l["Protocol"], l["Port"]) for l in alb_listeners] == [("HTTP", 80)], "ALB HTTP:80 listener")
        rules = elb.describe_rules(ListenerArn=alb_listeners[0]["ListenerArn"])["Rules"]
        by_field: dict[str, str] = {}
        for rule in rules:
            target = tg_names[rule["Actions"][0]["TargetGroupArn"]]
            if rule["IsDefault"]:
                by_field["default"] = target
            for cond in rule["Conditions"]:
                by_field[cond["Field"]] = target
        check(by_field == {"default": "storefront-web-tg", "path-pattern": "orders-api-tg", "host-header": "admin-portal-tg"},
              f"ALB rules {by_field}")
        nlb_listeners = elb.describe_listeners(LoadBalancerArn=lbs["dev-mqtt-nlb"]["LoadBalancerArn"])["Listeners"]
        check([(l["Protocol"], l["Port"]) for l in nlb_listeners] == [("TCP", 1883)], "NLB TCP:1883 listener")
        mqtt_tg = elb.describe_target_groups(Names=["mqtt-broker-tg"])["TargetGroups"][0]
        check(mqtt_tg["Protocol"] == "TCP", "NLB target group is TCP")

        # Application Auto Scaling
        aas = emu.client("application-autoscaling")
        targets = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
        check([(t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets]
              == [("service/dev-apps/orders-api", 2, 10)], "orders-api scalable target 2..10")
        policies = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
        check([p["PolicyType"] for p in policies] == ["TargetTrackingScaling"], "target tracking policy")
        scheduled = aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"]
        check(len(scheduled) == 2, "two scheduled actions")

        # DescribeServices / DescribeClusters limits
        expect_error(lambda: ecs.describe_services(cluster="dev-apps", services=[]), "InvalidParameterException",
                     "DescribeServices with 0 services")
        expect_error(lambda: ecs.describe_services(cluster="dev-apps", services=[f"s{i}" for i in range(11)]),
                     "InvalidParameterException", "DescribeServices with 11 services")
        ten = ecs.describe_services(cluster="dev-apps", services=[f"s{i}" for i in range(10)])
        check(len(ten["failures"]) == 10, "DescribeServices with 10 unknown names: 10 failures")
        expect_error(lambda: ecs.describe_clusters(clusters=[f"c{i}" for i in range(101)]), "InvalidParameterException",
                     "DescribeClusters with 101 clusters")

        # Fault injection: exactly 3 throttles, then success
        emu.control("POST", "/_emulator/requests/clear")
        emu.control("POST", "/_emulator/faults",
                    {"action": "DescribeServices", "error": "ThrottlingException", "status": 400, "count": 3})
        outcomes = []
        for _ in range(5):
            try:
                ecs.describe_services(cluster="dev-apps", services=["payments"])
                outcomes.append("ok")
            except ClientError as exc:
                outcomes.append(exc.response["Error"]["Code"])
        check(outcomes == ["ThrottlingException"] * 3 + ["ok", "ok"], f"3 injected throttles {outcomes}")
        log = emu.control("GET", "/_emulator/requests")
        check([e["action"] for e in log] == ["DescribeServices"] * 5, "faulted requests are logged")
        check(emu.control("GET", "/_emulator/faults") == [], "fault used up")
        # botocore's standard retry mode (3 attempts) recovers from 2 throttles
        emu.control("POST", "/_emulator/faults", {"action": "ListClusters", "error": "ThrottlingException", "count": 2})
        emu.control("POST", "/_emulator/requests/clear")
        retrying = emu.client("ecs", Config(retries={"mode": "standard", "total_max_attempts": 3}))
        check(len(retrying.list_clusters()["clusterArns"]) == 4, "retrying client recovers after 2 throttles")
        check(len(emu.control("GET", "/_emulator/requests?action=ListClusters")) == 3, "3 ListClusters attempts logged")
        # query protocol (XML) fault
        emu.control("POST", "/_emulator/faults", {"action": "GetRole", "error": "Throttling", "status": 400, "count": 1})
        expect_error(lambda: iam.get_role(RoleName="ecs-debug-task-role"), "Throttling", "query-protocol fault (IAM)")
        check(iam.get_role(RoleName="ecs-debug-task-role")["Role"]["RoleName"] == "ecs-debug-task-role", "IAM after fault")
        emu.control("POST", "/_emulator/faults", {"action": "*", "error": "ServiceUnavailable", "status": 503, "count": 1})
        expect_error(lambda: sts.get_caller_identity(), "ServiceUnavailable", "wildcard 503 fault", status=503)
        emu.control("POST", "/_emulator/faults", {"action": "ListServices", "error": "ThrottlingException", "count": 5})
        emu.control("POST", "/_emulator/faults/clear")
        check(emu.control("GET", "/_emulator/faults") == [], "faults cleared")

        # Latency
        emu.control("POST", "/_emulator/latency", {"action": "DescribeClusters", "ms": 400})
        t0 = time.monotonic()
        ecs.describe_clusters(clusters=["sandbox"])
        slow = time.monotonic() - t0
        t0 = time.monotonic()
        ecs.list_clusters()
        fast = time.monotonic() - t0
        check(slow >= 0.4 and fast < 0.4, f"latency on DescribeClusters only ({slow:.2f}s vs {fast:.2f}s)")
        emu.control("POST", "/_emulator/latency", {"action": "*", "ms": 300})
        t0 = time.monotonic()
        sts.get_caller_identity()
        check(time.monotonic() - t0 >= 0.3, "wildcard latency")
        check(emu.control("POST", "/_emulator/latency", {"ms": 0}) == {}, "latency cleared")

        # Request log
        emu.control("POST", "/_emulator/requests/clear")
        ecs.list_clusters(maxResults=2)
        ecs.describe_services(cluster="dev-apps", services=["payments"])
        iam.get_role(RoleName="ecs-debug-task-role")
        sts.get_caller_identity()
        log = emu.control("GET", "/_emulator/requests")
        check([(e["service"], e["action"]) for e in log] == [
            ("ecs", "ListClusters"), ("ecs", "DescribeServices"), ("iam", "GetRole"), ("sts", "GetCallerIdentity")],
            f"request log {[(e['service'], e['action']) for e in log]}")
        check(log[0]["params"] == {"maxResults": 2}, "JSON params logged")
        check(log[1]["params"] == {"cluster": "dev-apps", "services": ["payments"]}, "DescribeServices params logged")
        check(log[2]["params"].get("RoleName") == "ecs-debug-task-role", "query params logged")
        emu.control("POST", "/_emulator/requests/clear")
        check(emu.control("GET", "/_emulator/requests") == [], "request log cleared")
        s3 = emu.client("s3", Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))
        s3.create_bucket(Bucket="selfcheck-bucket")
        s3.list_objects_v2(Bucket="selfcheck-bucket", Prefix="x/")
        log = emu.control("GET", "/_emulator/requests")
        check([(e["service"], e["action"]) for e in log] == [("s3", "PUT /selfcheck-bucket"), ("s3", "GET /selfcheck-bucket")],
              f"S3 actions {[(e['service'], e['action']) for e in log]}")

        # Steady state and cluster totals follow changes (in the empty cluster)
        ecs.create_service(cluster="sandbox", serviceName="scratch", taskDefinition="email-worker", desiredCount=2, launchType="EC2")
        expect_error(lambda: ecs.create_service(cluster="sandbox", serviceName="scratch", taskDefinition="email-worker", desiredCount=1),
                     "InvalidParameterException", "CreateService of an existing name")
        ecs.update_service(cluster="sandbox", service="scratch", desiredCount=3)
        s = ecs.describe_services(cluster="sandbox", services=["scratch"])["services"][0]
        check((s["desiredCount"], s["runningCount"], s["pendingCount"]) == (3, 3, 0), "UpdateService converges")
        ecs.update_service(cluster="sandbox", service="scratch", taskDefinition="email-worker")
        s = ecs.describe_services(cluster="sandbox", services=["scratch"])["services"][0]
        check(s["taskDefinition"].endswith(":task-definition/email-worker:1") and s["runningCount"] == 3,
              f"UpdateService(taskDefinition) keeps ARN and counts ({s['taskDefinition']})")
        c = ecs.describe_clusters(clusters=["sandbox"])["clusters"][0]
        check((c["activeServicesCount"], c["runningTasksCount"]) == (1, 3), "cluster totals after create/update")
        ecs.update_service(cluster="sandbox", service="scratch", desiredCount=0)
        ecs.delete_service(cluster="sandbox", service="scratch")
        check(ecs.list_services(cluster="sandbox")["serviceArns"] == [], "deleted service not listed")
        c = ecs.describe_clusters(clusters=["sandbox"])["clusters"][0]
        check((c["activeServicesCount"], c["runningTasksCount"]) == (0, 0), "cluster totals after delete")
        ecs.create_cluster(clusterName="apps")
        check(ecs.list_services(cluster="apps")["serviceArns"] == [], "cluster 'apps' does not list dev-apps services")

        for sub in (check_demo_additions, check_engine_calls, check_service_tasks, check_task_lifecycle,
                    check_draining, check_iam_simulation, check_s3, check_iam_action_log, check_reset):
            try:
                sub(emu)
            except Exception:  # noqa: BLE001
                failures.append(f"{sub.__name__} crashed")
                traceback.print_exc()

        # --exit-on-stdin-eof
        emu.proc.stdin.close()
        try:
            rc = emu.proc.wait(timeout=10)
            check(rc == 0, f"exits 0 when stdin closes (rc={rc})")
        except subprocess.TimeoutExpired:
            check(False, "exits when stdin closes")
    finally:
        emu.kill()
        stray = [line for line in emu.stderr().splitlines() if "Traceback" in line]
        check(not stray, "no tracebacks on stderr")
    print(f"  ready in {emu.ready_seconds:.2f}s")


# ---------------------------------------------------------------------------
# demo: additions and the cloud-debug engine's calls

HEX = set("0123456789abcdef")


def wait_until(pred: Callable[[], bool], timeout: float = 10.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def tasks_of(ecs: Any, cluster: str, service: str, status: str | None = None) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"cluster": cluster, "serviceName": service}
    if status:
        kwargs["desiredStatus"] = status
    arns = ecs.list_tasks(**kwargs)["taskArns"]
    if not arns:
        return []
    return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]


def service_of(ecs: Any, cluster: str, name: str) -> dict[str, Any]:
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]


def cluster_of(ecs: Any, name: str) -> dict[str, Any]:
    return ecs.describe_clusters(clusters=[name])["clusters"][0]


def check_demo_additions(emu: Emulator) -> None:
    ecs = emu.client("ecs")
    legacy = service_of(ecs, "dev-workers", "legacy-reports")
    check(legacy["launchType"] == "FARGATE" and legacy["platformVersion"] == "1.3.0", "legacy-reports: Fargate 1.3.0")
    check(legacy["desiredCount"] == 1 and bool(legacy["networkConfiguration"]["awsvpcConfiguration"]["subnets"]),
          "legacy-reports: desired 1, awsvpc")
    ledger = service_of(ecs, "staging", "ledger")
    ledger_td = ecs.describe_task_definition(taskDefinition=ledger["taskDefinition"])["taskDefinition"]
    check(ledger_td["containerDefinitions"][0].get("readonlyRootFilesystem") is True,
          "ledger: container has readonlyRootFilesystem true")
    iam = emu.client("iam")
    for role in ("legacy-reports-task-role", "ledger-task-role"):
        check(iam.get_role(RoleName=role)["Role"]["RoleName"] == role, f"role {role} exists")


def check_service_tasks(emu: Emulator) -> None:
    """Every ACTIVE service keeps desiredCount tasks; ListTasks/DescribeTasks show them."""
    ecs = emu.client("ecs")
    run_ids: set[str] = set()
    for (cluster, name), (placement, desired, _tg) in DEMO_SERVICES.items():
        svc = service_of(ecs, cluster, name)
        td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
        tasks = tasks_of(ecs, cluster, name)
        key = f"{cluster}/{name}"
        check(len(tasks) == desired, f"{key}: {len(tasks)} tasks == desired {desired}")
        primary = [d for d in svc["deployments"] if d["status"] == "PRIMARY"][0]
        for t in tasks:
            ok = (
                t["clusterArn"] == svc["clusterArn"]
                and t["taskDefinitionArn"] == svc["taskDefinition"]
                and t["group"] == f"service:{name}"
                and t["startedBy"] == primary["id"]
                and t["lastStatus"] == "RUNNING"
                and t["desiredStatus"] == "RUNNING"
                and t["enableExecuteCommand"] == svc["enableExecuteCommand"]
                and "createdAt" in t
                and "startedAt" in t
                and t["taskArn"].startswith(f"arn:aws:ecs:us-east-1:123456789012:task/{cluster}/")
            )
            check(ok, f"{key}: task fields {t['taskArn'].split('/')[-1]}")
            if placement in ("FARGATE", "FARGATE_SPOT"):
                want = {"storefront-web": "1.4.0", "orders-api": "1.4.0", "legacy-reports": "1.3.0"}.get(name, "1.4.0")
                check(t["launchType"] == "FARGATE" and t.get("platformVersion") == want and t.get("platformFamily") == "Linux",
                      f"{key}: Fargate task {t['launchType']} {t.get('platformVersion')} {t.get('platformFamily')}")
                if placement == "FARGATE_SPOT":
                    check(t.get("capacityProviderName") == "FARGATE_SPOT", f"{key}: capacityProviderName FARGATE_SPOT")
            else:
                check(t["launchType"] == "EC2" and "platformVersion" not in t, f"{key}: EC2 task")
            names = [c["name"] for c in t["containers"]]
            check(names == [c["name"] for c in td["containerDefinitions"]], f"{key}: containers {names}")
            for ctr in t["containers"]:
                rid = ctr.get("runtimeId", "")
                check(bool(rid) and set(rid) <= HEX and rid not in run_ids, f"{key}/{ctr['name']}: unique hex runtimeId")
                run_ids.add(rid)
                check(ctr["lastStatus"] == "RUNNING" and ctr["containerArn"].startswith("arn:aws:ecs:"),
                      f"{key}/{ctr['name']}: container RUNNING with ARN")
                agents = ctr.get("managedAgents", [])
                if svc["enableExecuteCommand"]:
                    check(agents == [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING",
                                      "lastStartedAt": agents[0].get("lastStartedAt") if agents else None}],
                          f"{key}/{ctr['name']}: ExecuteCommandAgent RUNNING")
                else:
                    check(agents == [], f"{key}/{ctr['name']}: no managed agents without exec")

    # ListTasks without serviceName, paging, validation
    all_dev = ecs.list_tasks(cluster="dev-apps")["taskArns"]
    check(len(all_dev) == 3 + 2 + 1 + 0 + 1, f"dev-apps has 7 tasks ({len(all_dev)})")
    pages, arns, kwargs = 0, [], {"cluster": "dev-apps", "serviceName": "storefront-web", "maxResults": 1}
    while True:
        resp = ecs.list_tasks(**kwargs)
        pages += 1
        arns += resp["taskArns"]
        if "nextToken" not in resp:
            break
        kwargs["nextToken"] = resp["nextToken"]
    check(pages == 3 and len(set(arns)) == 3, f"ListTasks pages of 1 ({pages} pages)")
    expect_error(lambda: ecs.list_tasks(cluster="dev-apps", maxResults=101), "InvalidParameterException", "ListTasks maxResults 101")
    expect_error(lambda: ecs.list_tasks(cluster="dev-apps", serviceName="no-such"), "ServiceNotFoundException",
                 "ListTasks of an unknown service")
    check(ecs.list_tasks(cluster="dev-apps", serviceName="payments")["taskArns"] == [], "payments (desired 0) has no tasks")
    check(ecs.list_tasks(cluster="dev-apps", serviceName="storefront-web", desiredStatus="STOPPED")["taskArns"] == [],
          "no stopped tasks yet")
    resp = ecs.describe_tasks(cluster="dev-apps", tasks=["0123456789abcdef0123456789abcdef"])
    check(resp["tasks"] == [] and resp["failures"][0]["reason"] == "MISSING", "DescribeTasks unknown id: MISSING")
    expect_error(lambda: ecs.describe_tasks(cluster="dev-apps", tasks=[f"t{i}" for i in range(101)]),
                 "InvalidParameterException", "DescribeTasks with 101 tasks")
    expect_error(lambda: ecs.describe_tasks(cluster="dev-apps", tasks=[]), "InvalidParameterException",
                 "DescribeTasks with 0 tasks")
    # the cluster totals agree with the tasks
    for cluster in ("dev-apps", "dev-workers", "staging"):
        running = len(ecs.list_tasks(cluster=cluster)["taskArns"])
        c = cluster_of(ecs, cluster)
        check(c["runningTasksCount"] == running and c["pendingTasksCount"] == 0,
              f"{cluster}: runningTasksCount {c['runningTasksCount']} == {running} tasks")


def check_task_lifecycle(emu: Emulator) -> None:
    """Scaling, replacement, rollouts and the start delay, on a sandbox service."""
    ecs = emu.client("ecs")
    net = service_of(ecs, "dev-apps", "admin-portal")["networkConfiguration"]
    ecs.create_service(cluster="sandbox", serviceName="life", taskDefinition="admin-portal", desiredCount=2,
                       launchType="FARGATE", platformVersion="LATEST", networkConfiguration=net, enableExecuteCommand=True)
    check(len(tasks_of(ecs, "sandbox", "life")) == 2, "new service starts 2 tasks")
    ecs.update_service(cluster="sandbox", service="life", desiredCount=3)
    check(len(tasks_of(ecs, "sandbox", "life")) == 3, "scale up to 3 tasks")
    ecs.update_service(cluster="sandbox", service="life", desiredCount=1)
    running = tasks_of(ecs, "sandbox", "life")
    stopped = tasks_of(ecs, "sandbox", "life", "STOPPED")
    check(len(running) == 1 and len(stopped) == 2, f"scale down: 1 running, 2 stopped ({len(running)}, {len(stopped)})")
    check(all(t["lastStatus"] == "STOPPED" and t["desiredStatus"] == "STOPPED" and "stoppedAt" in t
              and t["stoppedReason"].startswith("Scaling activity") for t in stopped), "stopped tasks stay describable")
    c = cluster_of(ecs, "sandbox")
    check(c["runningTasksCount"] == 1 and c["pendingTasksCount"] == 0, f"sandbox counts after scale down {c['runningTasksCount']}")

    # health-check replacement
    status, body = emu.control_status("POST", "/_emulator/replace-task", {"cluster": "sandbox", "service": "life"})
    check(status == 200 and len(body["stopped"]) == 1 and len(body["started"]) == 1, f"replace-task answer {body}")
    old = ecs.describe_tasks(cluster="sandbox", tasks=body["stopped"])["tasks"][0]
    check(old["lastStatus"] == "STOPPED" and old["stoppedReason"] == "Task failed ELB health checks",
          f"replaced task stopped: {old.get('stoppedReason')}")
    fresh = tasks_of(ecs, "sandbox", "life")
    check([t["taskArn"] for t in fresh] == body["started"] and fresh[0]["taskArn"] != old["taskArn"],
          "a fresh task with a new id runs")
    check(emu.control_status("POST", "/_emulator/replace-task", {"cluster": "sandbox", "service": "nope"})[0] == 404,
          "replace-task of an unknown service: 404")

    # enableExecuteCommand applies to new tasks only
    ecs.update_service(cluster="sandbox", service="life", enableExecuteCommand=False)
    check(service_of(ecs, "sandbox", "life")["enableExecuteCommand"] is False, "service exec flag off")
    check(tasks_of(ecs, "sandbox", "life")[0]["enableExecuteCommand"] is True, "running task keeps ECS Exec until replaced")
    ecs.update_service(cluster="sandbox", service="life", forceNewDeployment=True)
    t = tasks_of(ecs, "sandbox", "life")
    check(len(t) == 1 and t[0]["enableExecuteCommand"] is False and t[0]["containers"][0].get("managedAgents", []) == [],
          "forceNewDeployment: new task without exec")

    # start delay: a rollout with exec on keeps the old task until the new one runs
    check(emu.control("POST", "/_emulator/task-start-delay", {"ms": 1500}) == {"ms": 1500}, "set task start delay")
    check(emu.control("GET", "/_emulator/task-start-delay") == {"ms": 1500}, "read task start delay")
    before = tasks_of(ecs, "sandbox", "life")[0]
    ecs.update_service(cluster="sandbox", service="life", taskDefinition="admin-portal:1", enableExecuteCommand=True,
                       forceNewDeployment=True)
    tasks = tasks_of(ecs, "sandbox", "life")
    pending = [t for t in tasks if t["lastStatus"] == "PENDING"]
    check(len(tasks) == 2 and len(pending) == 1, f"rollout: old RUNNING + new PENDING ({[t['lastStatus'] for t in tasks]})")
    if pending:
        agent = pending[0]["containers"][0].get("managedAgents")
        check(agent == [{"name": "ExecuteCommandAgent", "lastStatus": "PENDING"}], f"pending task's agent PENDING {agent}")
        check("runtimeId" not in pending[0]["containers"][0] and "startedAt" not in pending[0],
              "pending task: no runtimeId / startedAt yet")
    svc = service_of(ecs, "sandbox", "life")
    check((svc["runningCount"], svc["pendingCount"]) == (1, 1), f"service counts during rollout {svc['runningCount']}/{svc['pendingCount']}")
    check([d["status"] for d in svc["deployments"]] == ["PRIMARY", "ACTIVE"]
          and svc["deployments"][0]["rolloutState"] == "IN_PROGRESS", "two deployments while rolling")
    c = cluster_of(ecs, "sandbox")
    check((c["runningTasksCount"], c["pendingTasksCount"]) == (1, 1), "cluster counts during rollout (1 running, 1 pending)")
    check(wait_until(lambda: all(t["lastStatus"] == "RUNNING" for t in tasks_of(ecs, "sandbox", "life"))
                     and len(tasks_of(ecs, "sandbox", "life")) == 1, timeout=10),
          "the new task runs after the delay and the old one stops")
    now_task = tasks_of(ecs, "sandbox", "life")[0]
    check(now_task["taskArn"] != before["taskArn"] and now_task["enableExecuteCommand"] is True
          and now_task["containers"][0]["managedAgents"][0]["lastStatus"] == "RUNNING", "new task runs with ECS Exec")
    old = ecs.describe_tasks(cluster="sandbox", tasks=[before["taskArn"]])["tasks"][0]
    check(old["lastStatus"] == "STOPPED", "old deployment's task stopped")
    svc = service_of(ecs, "sandbox", "life")
    check(len(svc["deployments"]) == 1 and svc["deployments"][0]["rolloutState"] == "COMPLETED"
          and (svc["runningCount"], svc["pendingCount"]) == (1, 0), "rollout completed")
    emu.control("POST", "/_emulator/task-start-delay", {"ms": 0})

    # StopTask on a service task: replaced by the scheduler
    victim = tasks_of(ecs, "sandbox", "life")[0]["taskArn"]
    stopped_task = ecs.stop_task(cluster="sandbox", task=victim, reason="debugging")["task"]
    check(stopped_task["lastStatus"] == "STOPPED" and stopped_task["stoppedReason"] == "debugging", "StopTask stops it")
    now_arns = [t["taskArn"] for t in tasks_of(ecs, "sandbox", "life")]
    check(len(now_arns) == 1 and now_arns[0] != victim, "StopTask: the service starts a replacement")
    expect_error(lambda: ecs.stop_task(cluster="sandbox", task="0" * 32), "InvalidParameterException", "StopTask unknown task")
    ecs.update_service(cluster="sandbox", service="life", desiredCount=0)
    ecs.delete_service(cluster="sandbox", service="life")


def check_draining(emu: Emulator) -> None:
    ecs = emu.client("ecs")
    check(emu.control("GET", "/_emulator/draining") == {"ms": 1500}, "draining defaults to 1500 ms")
    emu.control("POST", "/_emulator/draining", {"ms": 1000})
    ecs.create_service(cluster="sandbox", serviceName="drain-me", taskDefinition="email-worker", desiredCount=2, launchType="EC2")
    check(len(tasks_of(ecs, "sandbox", "drain-me")) == 2, "drain-me runs 2 tasks")
    expect_error(lambda: ecs.delete_service(cluster="sandbox", service="drain-me"), "InvalidParameterException",
                 "DeleteService above 0 without force")
    deleted = ecs.delete_service(cluster="sandbox", service="drain-me", force=True)["service"]
    check(deleted["status"] == "DRAINING" and deleted["desiredCount"] == 0, f"DeleteService -> DRAINING ({deleted['status']})")
    check(service_of(ecs, "sandbox", "drain-me")["status"] == "DRAINING", "DescribeServices shows DRAINING")
    check(not any(a.endswith("/drain-me") for a in ecs.list_services(cluster="sandbox")["serviceArns"]),
          "ListServices omits a DRAINING service (as AWS documents)")
    check(tasks_of(ecs, "sandbox", "drain-me") == [] and len(tasks_of(ecs, "sandbox", "drain-me", "STOPPED")) == 2,
          "its tasks are stopped")
    expect_error(lambda: ecs.create_service(cluster="sandbox", serviceName="drain-me", taskDefinition="email-worker",
                                            desiredCount=1, launchType="EC2"),
                 "InvalidParameterException", "CreateService while DRAINING")
    try:
        ecs.create_service(cluster="sandbox", serviceName="drain-me", taskDefinition="email-worker", desiredCount=1)
    except ClientError as exc:
        check(exc.response["Error"]["Message"] == "Unable to Start a service that is still Draining.",
              f"draining message: {exc.response['Error']['Message']}")
    expect_error(lambda: ecs.update_service(cluster="sandbox", service="drain-me", desiredCount=1),
                 "ServiceNotActiveException", "UpdateService while DRAINING")
    c = cluster_of(ecs, "sandbox")
    check((c["activeServicesCount"], c["runningTasksCount"]) == (0, 0), "cluster counts exclude the DRAINING service")
    check(wait_until(lambda: service_of(ecs, "sandbox", "drain-me")["status"] == "INACTIVE", timeout=5),
          "DRAINING -> INACTIVE after the draining time")
    again = ecs.create_service(cluster="sandbox", serviceName="drain-me", taskDefinition="email-worker", desiredCount=1,
                               launchType="EC2")["service"]
    check(again["status"] == "ACTIVE", "the name can be reused once INACTIVE")
    emu.control("POST", "/_emulator/draining", {"ms": 0})
    check(ecs.delete_service(cluster="sandbox", service="drain-me", force=True)["service"]["status"] == "INACTIVE",
          "draining 0 ms: straight to INACTIVE")
    emu.control("POST", "/_emulator/draining", {"ms": 1500})


def check_iam_simulation(emu: Emulator) -> None:
    iam = emu.client("iam")
    ssm = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
           "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]

    def simulate(role: str, actions: list[str], resources: list[str] | None = None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"PolicySourceArn": iam.get_role(RoleName=role)["Role"]["Arn"], "ActionNames": actions}
        if resources:
            kwargs["ResourceArns"] = resources
        return iam.simulate_principal_policy(**kwargs)["EvaluationResults"]

    res = simulate("ecs-debug-task-role", ssm)
    check([r["EvalDecision"] for r in res] == ["allowed"] * 4, "debug role: ssmmessages allowed")
    check(all(r["EvalResourceName"] == "*" for r in res), "ResourceArns defaults to *")
    stmt = res[0]["MatchedStatements"][0]
    check(stmt["SourcePolicyId"] == "AmazonSSMManagedInstanceCore" and stmt["SourcePolicyType"] == "aws-managed"
          and stmt["StartPosition"]["Line"] >= 1, f"matched statement {stmt}")
    check([r["EvalDecision"] for r in simulate("orders-task-role", ssm)] == ["implicitDeny"] * 4,
          "orders role: ssmmessages implicitDeny")
    res = simulate("orders-task-role", ["dynamodb:GetItem"], ["arn:aws:dynamodb:us-east-1:123456789012:table/orders", "*"])
    check([(r["EvalResourceName"], r["EvalDecision"]) for r in res]
          == [("arn:aws:dynamodb:us-east-1:123456789012:table/orders", "allowed"), ("*", "implicitDeny")],
          "resource-scoped allow: per resource")
    res = simulate("admin-portal-task-role", ssm[:1])
    check(res[0]["EvalDecision"] == "allowed" and res[0]["MatchedStatements"][0]["SourcePolicyType"] == "role",
          "path role: inline ssmmessages allowed")

    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ssmmessages:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ssmmessages:Create*", "Resource": "*"},
            {"Effect": "Allow", "NotAction": ["iam:*", "ssmmessages:*", "s3:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports-*/*"},
            {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:sqs:*:123456789012:anything-goes"},
        ],
    }
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="selfcheck-sim-role", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="selfcheck-sim-role", PolicyName="mixed", PolicyDocument=json.dumps(doc))
    res = simulate("selfcheck-sim-role", ["ssmmessages:CreateControlChannel", "ssmmessages:OpenDataChannel",
                                          "iam:PassRole", "kms:Decrypt"])
    check([r["EvalDecision"] for r in res] == ["explicitDeny", "allowed", "implicitDeny", "allowed"],
          f"Deny wins, wildcards, NotAction: {[r['EvalDecision'] for r in res]}")
    check(res[0]["MatchedStatements"][0]["SourcePolicyId"] == "mixed", "explicit deny names its policy")
    res = simulate("selfcheck-sim-role", ["s3:GetObject", "s3:PutObject", "sqs:SendMessage"],
                   ["arn:aws:s3:::reports-2024/x.csv"])
    # s3:GetObject by the reports-* pattern; s3:PutObject matches nothing; sqs by the NotAction statement.
    check([r["EvalDecision"] for r in res] == ["allowed", "implicitDeny", "allowed"],
          f"resource wildcards {[r['EvalDecision'] for r in res]}")
    res = simulate("selfcheck-sim-role", ["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:123456789012:anything-goes"])
    check(res[0]["EvalDecision"] == "allowed", "Action * on a resource pattern")
    expect_error(lambda: iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::123456789012:role/no-such-role",
                                                       ActionNames=["s3:GetObject"]),
                 "NoSuchEntity", "simulate an unknown role", status=404)
    check(emu.control("POST", "/_emulator/simulation", {"enabled": False}) == {"enabled": False}, "simulation off")
    expect_error(lambda: simulate("ecs-debug-task-role", ssm), "AccessDenied", "simulation disabled: AccessDenied", status=403)
    emu.control("POST", "/_emulator/simulation", {"enabled": True})
    check(simulate("ecs-debug-task-role", ssm[:1])[0]["EvalDecision"] == "allowed", "simulation back on")

    # Trust policies come URL-encoded, as from IAM (GetRole and ListRoles)
    body = emu.raw_body(iam, lambda: iam.get_role(RoleName="ecsServiceRole"))
    check(b"<AssumeRolePolicyDocument>%7B" in body, "GetRole: AssumeRolePolicyDocument URL-encoded")
    body = emu.raw_body(iam, lambda: iam.list_roles())
    check(b"<AssumeRolePolicyDocument>%7B" in body and b"<AssumeRolePolicyDocument>{" not in body,
          "ListRoles: AssumeRolePolicyDocument URL-encoded")
    encoded = body.split(b"<AssumeRolePolicyDocument>")[1].split(b"</AssumeRolePolicyDocument>")[0].decode()
    check(json.loads(urllib.parse.unquote(encoded))["Statement"][0]["Action"] == "sts:AssumeRole", "decodes to the policy")
    body = emu.raw_body(iam, lambda: iam.get_policy_version(
        PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", VersionId="v2"))
    check(b"<Document>%7B" in body, "GetPolicyVersion: Document URL-encoded")


def check_s3(emu: Emulator) -> None:
    own = "123456789012"
    s3 = emu.client("s3", Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))
    s3_eu = boto3.client("s3", endpoint_url=emu.endpoint, region_name="eu-west-1",
                         config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))
    emu.control("POST", "/_emulator/requests/clear")
    s3.create_bucket(Bucket="ecs-debug-123456789012-us-east-1")
    s3_eu.create_bucket(Bucket="ecs-debug-123456789012-eu-west-1",
                        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    check(s3.get_bucket_location(Bucket="ecs-debug-123456789012-eu-west-1")["LocationConstraint"] == "eu-west-1",
          "bucket created in eu-west-1")
    bucket = "ecs-debug-123456789012-us-east-1"
    s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=own)
    pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    s3.put_public_access_block(Bucket=bucket, ExpectedBucketOwner=own, PublicAccessBlockConfiguration=pab)
    check(s3.get_public_access_block(Bucket=bucket, ExpectedBucketOwner=own)["PublicAccessBlockConfiguration"] == pab,
          "public access block round-trips")
    sse = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    s3.put_bucket_encryption(Bucket=bucket, ExpectedBucketOwner=own, ServerSideEncryptionConfiguration=sse)
    got = s3.get_bucket_encryption(Bucket=bucket, ExpectedBucketOwner=own)["ServerSideEncryptionConfiguration"]
    check(got["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", "encryption round-trips")
    s3.put_object(Bucket=bucket, Key="sessions/s1/payload.tar", Body=b"abc", ExpectedBucketOwner=own)
    check(s3.get_object(Bucket=bucket, Key="sessions/s1/payload.tar", ExpectedBucketOwner=own)["Body"].read() == b"abc",
          "object round-trips")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="sessions/", ExpectedBucketOwner=own)["Contents"]]
    check(keys == ["sessions/s1/payload.tar"], "ListObjectsV2")
    s3.delete_object(Bucket=bucket, Key="sessions/s1/payload.tar", ExpectedBucketOwner=own)
    log = emu.control("GET", "/_emulator/requests?service=s3")
    got_actions = [(e["iam_action"], e["bucket"], e["key"]) for e in log]
    want = [
        ("s3:CreateBucket", bucket, None),
        ("s3:CreateBucket", "ecs-debug-123456789012-eu-west-1", None),
        ("s3:GetBucketLocation", "ecs-debug-123456789012-eu-west-1", None),
        ("s3:ListBucket", bucket, None),
        ("s3:PutBucketPublicAccessBlock", bucket, None),
        ("s3:GetBucketPublicAccessBlock", bucket, None),
        ("s3:PutEncryptionConfiguration", bucket, None),
        ("s3:GetEncryptionConfiguration", bucket, None),
        ("s3:PutObject", bucket, "sessions/s1/payload.tar"),
        ("s3:GetObject", bucket, "sessions/s1/payload.tar"),
        ("s3:ListBucket", bucket, None),
        ("s3:DeleteObject", bucket, "sessions/s1/payload.tar"),
    ]
    check(got_actions == want, f"S3 iam_action/bucket/key {got_actions}")
    check(log[0]["action"] == f"PUT /{bucket}", "S3 action keeps METHOD /path")
    check([e["expected_owner"] for e in log] == [None, None, None] + [own] * 9,
          f"S3 log expected_owner {[e['expected_owner'] for e in log]}")

    # ExpectedBucketOwner of another account: 403
    expect_error(lambda: s3.head_bucket(Bucket=bucket, ExpectedBucketOwner="999999999999"), "403",
                 "HeadBucket with a foreign expected owner", status=403)
    expect_error(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"", ExpectedBucketOwner="999999999999"),
                 "AccessDenied", "PutObject with a foreign expected owner", status=403)

    # a bucket of another account
    check(emu.control("POST", "/_emulator/foreign-bucket", {"name": "someone-elses-bucket"})
          == {"name": "someone-elses-bucket", "owner": "999999999999"}, "register a foreign bucket")
    check(emu.control_status("POST", "/_emulator/foreign-bucket", {"name": bucket})[0] == 409,
          "cannot register an own bucket as foreign")
    check(emu.control_status("POST", "/_emulator/foreign-bucket", {"name": "x", "owner": own})[0] == 400,
          "foreign owner must be another account")
    check(emu.control("GET", "/_emulator/foreign-buckets") == {"someone-elses-bucket": "999999999999"}, "list foreign buckets")
    expect_error(lambda: s3.head_bucket(Bucket="someone-elses-bucket", ExpectedBucketOwner=own), "403",
                 "HeadBucket on a foreign bucket", status=403)
    expect_error(lambda: s3.create_bucket(Bucket="someone-elses-bucket"), "BucketAlreadyExists",
                 "CreateBucket of a foreign bucket", status=409)
    expect_error(lambda: s3.put_object(Bucket="someone-elses-bucket", Key="k", Body=b"", ExpectedBucketOwner=own),
                 "AccessDenied", "PutObject into a foreign bucket", status=403)
    expect_error(lambda: s3.list_objects_v2(Bucket="someone-elses-bucket"), "AccessDenied",
                 "ListObjectsV2 of a foreign bucket", status=403)
    emu.control("POST", "/_emulator/foreign-buckets/clear")
    check(emu.control("GET", "/_emulator/foreign-buckets") == {}, "foreign buckets cleared")


def check_iam_action_log(emu: Emulator) -> None:
    emu.control("POST", "/_emulator/requests/clear")
    emu.client("ecs").list_clusters()
    emu.client("sts").get_caller_identity()
    emu.client("iam").get_role(RoleName="ecs-debug-task-role")
    elb = emu.client("elbv2")
    elb.describe_target_groups()
    emu.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")
    log = emu.control("GET", "/_emulator/requests")
    check([e["iam_action"] for e in log] == [
        "ecs:ListClusters", "sts:GetCallerIdentity", "iam:GetRole",
        "elasticloadbalancing:DescribeTargetGroups", "application-autoscaling:DescribeScalableTargets",
    ], f"iam_action of API calls {[e['iam_action'] for e in log]}")


def check_reset(emu: Emulator) -> None:
    emu.control("POST", "/_emulator/task-start-delay", {"ms": 700})
    emu.control("POST", "/_emulator/draining", {"ms": 50})
    emu.control("POST", "/_emulator/simulation", {"enabled": False})
    check(emu.control_status("POST", "/_emulator/draining", {"ms": -1})[0] == 400, "draining: negative ms rejected")
    check(emu.control_status("POST", "/_emulator/simulation", {"enabled": "no"})[0] == 400, "simulation: bool required")
    emu.control("POST", "/_emulator/reset")
    check(emu.control("GET", "/_emulator/task-start-delay") == {"ms": 0}
          and emu.control("GET", "/_emulator/draining") == {"ms": 1500}
          and emu.control("GET", "/_emulator/simulation") == {"enabled": True}, "reset restores the knobs")


def check_engine_calls(emu: Emulator) -> None:
    """Enable and disable cloud debugging by hand, with the calls the engine
    makes, then compare the account dump with the one taken before."""
    ecs, elb, aas, iam = emu.client("ecs"), emu.client("elbv2"), emu.client("application-autoscaling"), emu.client("iam")
    emu.control("POST", "/_emulator/draining", {"ms": 300})
    before = emu.control("GET", "/_emulator/dump")
    check(before == emu.control("GET", "/_emulator/dump"), "two dumps of an unchanged account are equal")
    names = {(s["cluster"], s["serviceName"]) for s in before["ecs"]["services"]}
    check(names == set(DEMO_SERVICES), f"dump lists the demo services ({len(names)})")
    check(all("runningCount" not in s and "deployments" not in s for s in before["ecs"]["services"]),
          "dump leaves out volatile service fields")
    tg_dump = {t["targetGroupName"]: t for t in before["elbv2"]["targetGroups"]}
    check(tg_dump["admin-portal-tg"]["healthCheckPath"] == "/login", "dump has target group health checks")
    check(before["applicationAutoScaling"]["scalableTargets"][0]["suspendedState"]
          == {"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False, "ScheduledScalingSuspended": False},
          "dump has SuspendedState")
    check(any(td["family"] == "payments" and td["revision"] == 2 and td["status"] == "ACTIVE"
              for td in before["ecs"]["taskDefinitions"]), "dump has task definition revisions")

    # --- enable (admin-portal: ALB host rule; orders-api: autoscaling) ---
    sts = emu.client("sts")
    check(sts.get_caller_identity()["Account"] == "123456789012", "GetCallerIdentity")
    svc = service_of(ecs, "dev-apps", "admin-portal")
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"], include=["TAGS"])["taskDefinition"]
    role = iam.get_role(RoleName="ecs-debug-task-role")["Role"]
    check(iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"][0]["PolicyName"]
          == "AmazonSSMManagedInstanceCore", "ListAttachedRolePolicies")
    check(iam.list_role_policies(RoleName="admin-portal-task-role")["PolicyNames"] == ["admin-portal-access"],
          "ListRolePolicies")
    check("ssmmessages" in json.dumps(iam.get_role_policy(RoleName="admin-portal-task-role",
                                                          PolicyName="admin-portal-access")["PolicyDocument"]),
          "GetRolePolicy")
    twin_input = {k: v for k, v in td.items() if k not in (
        "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy")}
    twin_input["family"] = "cloud-debug-admin-portal"
    twin_input["taskRoleArn"] = role["Arn"]
    twin_td = ecs.register_task_definition(**twin_input)["taskDefinition"]
    check(twin_td["revision"] == 1 and twin_td["containerDefinitions"][0]["linuxParameters"]["initProcessEnabled"] is True,
          "RegisterTaskDefinition of the twin")
    orig_tg = elb.describe_target_groups(TargetGroupArns=[svc["loadBalancers"][0]["targetGroupArn"]])["TargetGroups"][0]
    twin_tg = elb.create_target_group(
        Name="cd-admin-portal-tg", Protocol=orig_tg["Protocol"], Port=orig_tg["Port"], VpcId=orig_tg["VpcId"],
        TargetType=orig_tg["TargetType"], HealthCheckPath=orig_tg["HealthCheckPath"],
        HealthCheckProtocol=orig_tg["HealthCheckProtocol"], Matcher=orig_tg["Matcher"],
    )["TargetGroups"][0]
    lb_arn = orig_tg["LoadBalancerArns"][0]
    listener = elb.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"][0]
    rules = elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    host_rule = [r for r in rules if any(c["Field"] == "host-header" for c in r["Conditions"])][0]
    elb.modify_rule(RuleArn=host_rule["RuleArn"], Conditions=host_rule["Conditions"], Actions=[{
        "Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": orig_tg["TargetGroupArn"], "Weight": 0},
            {"TargetGroupArn": twin_tg["TargetGroupArn"], "Weight": 100}]}}])
    got = elb.describe_rules(RuleArns=[host_rule["RuleArn"]])["Rules"][0]
    check(got["Conditions"] == host_rule["Conditions"], "ModifyRule keeps the host-header condition")
    check([(g["TargetGroupArn"], g["Weight"]) for g in got["Actions"][0]["ForwardConfig"]["TargetGroups"]]
          == [(orig_tg["TargetGroupArn"], 0), (twin_tg["TargetGroupArn"], 100)], "ModifyRule weights read back")
    check(elb.describe_target_groups(TargetGroupArns=[twin_tg["TargetGroupArn"]])["TargetGroups"][0]["LoadBalancerArns"]
          == [lb_arn], "twin target group is linked to the load balancer")
    default_actions = listener["DefaultActions"]
    check(default_actions[0].get("TargetGroupArn") and default_actions[0]["ForwardConfig"]["TargetGroups"][0]["Weight"] == 1,
          "a TargetGroupArn forward is also described with its ForwardConfig")
    elb.modify_listener(ListenerArn=listener["ListenerArn"], DefaultActions=[{
        "Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": default_actions[0]["TargetGroupArn"], "Weight": 50},
            {"TargetGroupArn": twin_tg["TargetGroupArn"], "Weight": 50}],
            "TargetGroupStickinessConfig": {"Enabled": False}}}])
    got = elb.describe_listeners(ListenerArns=[listener["ListenerArn"]])["Listeners"][0]["DefaultActions"][0]
    check([g["Weight"] for g in got["ForwardConfig"]["TargetGroups"]] == [50, 50], "ModifyListener weights read back")
    default_rule = [r for r in rules if r["IsDefault"]][0]
    expect_error(lambda: elb.modify_rule(RuleArn=default_rule["RuleArn"], Actions=default_actions),
                 "OperationNotPermitted", "ModifyRule on the default rule")
    expect_error(lambda: elb.delete_target_group(TargetGroupArn=twin_tg["TargetGroupArn"]), "ResourceInUse",
                 "DeleteTargetGroup while in use")
    bogus = twin_tg["TargetGroupArn"].replace("cd-admin-portal-tg", "cd-missing-tg")
    expect_error(lambda: elb.modify_listener(ListenerArn=listener["ListenerArn"], DefaultActions=[
        {"Type": "forward", "TargetGroupArn": bogus}]), "TargetGroupNotFound", "ModifyListener to an unknown target group")
    twin = ecs.create_service(
        cluster="dev-apps", serviceName="cloud-debug-admin-portal", taskDefinition=twin_td["taskDefinitionArn"],
        desiredCount=1, launchType="FARGATE", platformVersion="1.4.0", networkConfiguration=svc["networkConfiguration"],
        loadBalancers=[{**svc["loadBalancers"][0], "targetGroupArn": twin_tg["TargetGroupArn"]}],
        enableExecuteCommand=True, healthCheckGracePeriodSeconds=120,
        deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 0},
    )["service"]
    check(twin["enableExecuteCommand"] is True and twin["healthCheckGracePeriodSeconds"] == 120
          and twin["deploymentConfiguration"]["minimumHealthyPercent"] == 0, "CreateService of the twin")
    ecs.update_service(cluster="dev-apps", service="admin-portal", desiredCount=0)
    check(tasks_of(ecs, "dev-apps", "admin-portal") == [], "original scaled to 0: no tasks")
    target = dict(ServiceNamespace="ecs", ResourceId="service/dev-apps/orders-api", ScalableDimension="ecs:service:DesiredCount")
    aas.register_scalable_target(SuspendedState={"DynamicScalingInSuspended": True, "DynamicScalingOutSuspended": True,
                                                 "ScheduledScalingSuspended": True}, **target)
    got = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[target["ResourceId"]])["ScalableTargets"][0]
    check(got["SuspendedState"] == {"DynamicScalingInSuspended": True, "DynamicScalingOutSuspended": True,
                                    "ScheduledScalingSuspended": True} and (got["MinCapacity"], got["MaxCapacity"]) == (2, 10),
          "RegisterScalableTarget(SuspendedState) reads back, capacity kept")
    aas.register_scalable_target(SuspendedState={"DynamicScalingInSuspended": False}, **target)
    got = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[target["ResourceId"]])["ScalableTargets"][0]
    check(got["SuspendedState"]["DynamicScalingInSuspended"] is False and got["SuspendedState"]["ScheduledScalingSuspended"] is True,
          "a partial SuspendedState keeps the other flags")
    check(len(aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=target["ResourceId"])["ScalingPolicies"]) == 1
          and len(aas.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=target["ResourceId"])["ScheduledActions"]) == 2,
          "DescribeScalingPolicies / DescribeScheduledActions")
    check(emu.control("GET", "/_emulator/dump") != before, "the dump sees the enabled state")

    # --- disable: put everything back ---
    aas.register_scalable_target(SuspendedState={"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False,
                                                 "ScheduledScalingSuspended": False}, **target)
    ecs.update_service(cluster="dev-apps", service="admin-portal", desiredCount=svc["desiredCount"])
    elb.modify_rule(RuleArn=host_rule["RuleArn"], Conditions=host_rule["Conditions"], Actions=host_rule["Actions"])
    elb.modify_listener(ListenerArn=listener["ListenerArn"], DefaultActions=default_actions)
    ecs.update_service(cluster="dev-apps", service="cloud-debug-admin-portal", desiredCount=0)
    ecs.delete_service(cluster="dev-apps", service="cloud-debug-admin-portal")
    check(elb.describe_target_groups(TargetGroupArns=[twin_tg["TargetGroupArn"]])["TargetGroups"][0]["LoadBalancerArns"] == [],
          "twin target group unlinked after restore")
    elb.delete_target_group(TargetGroupArn=twin_tg["TargetGroupArn"])
    ecs.deregister_task_definition(taskDefinition=twin_td["taskDefinitionArn"])
    check(wait_until(lambda: service_of(ecs, "dev-apps", "cloud-debug-admin-portal")["status"] == "INACTIVE", timeout=5),
          "twin service INACTIVE")
    after = emu.control("GET", "/_emulator/dump")
    twin_tds = [t for t in after["ecs"]["taskDefinitions"] if t["family"] == "cloud-debug-admin-portal"]
    check([(t["revision"], t["status"]) for t in twin_tds] == [(1, "INACTIVE")], "the twin revision stays, INACTIVE")
    after["ecs"]["taskDefinitions"] = [t for t in after["ecs"]["taskDefinitions"] if t["family"] != "cloud-debug-admin-portal"]
    if not check(after == before, "after disable the account equals before (but the INACTIVE twin revision)"):
        import difflib

        for line in difflib.unified_diff(json.dumps(before, indent=1, sort_keys=True).splitlines(),
                                         json.dumps(after, indent=1, sort_keys=True).splitlines(), lineterm="", n=1):
            print("    " + line)
    everything = emu.control("GET", "/_emulator/dump?services=all")
    check(any(s["serviceName"] == "cloud-debug-admin-portal" and s["status"] == "INACTIVE"
              for s in everything["ecs"]["services"]), "?services=all includes the INACTIVE twin")
    check(len(tasks_of(ecs, "dev-apps", "admin-portal")) == svc["desiredCount"], "original runs again")
    emu.control("POST", "/_emulator/draining", {"ms": 1500})


def check_scale() -> None:
    print("scale")
    emu = Emulator("scale")
    try:
        check(emu.ready_seconds < 15, f"scale ready in {emu.ready_seconds:.2f}s (< 15s)")
        ecs = emu.client("ecs")

        names: list[str] = []
        pages = 0
        kwargs: dict[str, Any] = {}
        while True:
            resp = ecs.list_clusters(**kwargs)
            pages += 1
            names.extend(a.split("/")[-1] for a in resp["clusterArns"])
            if "nextToken" not in resp:
                break
            kwargs["nextToken"] = resp["nextToken"]
        check(len(names) == 250 and len(set(names)) == 250, f"250 distinct clusters ({len(names)})")
        check(pages == 3, f"ListClusters default page size 100 -> 3 pages ({pages})")
        check(names[0] == "scale-37-services" and names[-1] == "scale-1000-services" and names[124] == "scale-empty",
              "cluster order")
        expected_teams = {f"scale-team-{i:03d}" for i in range(1, 248)}
        check(expected_teams <= set(names), "scale-team-001..247")
        small, _ = list_all_services(ecs, "scale-37-services", 10)
        check(len(small) == 37 and len(set(small)) == 37, f"37 services in pages of 10 ({len(small)})")
        default_pages = list_all_services(ecs, "scale-37-services", None)
        check(default_pages[1] == 4 and len(default_pages[0]) == 37, "ListServices default page size 10")
        t0 = time.monotonic()
        big, big_pages = list_all_services(ecs, "scale-1000-services", 100)
        elapsed = time.monotonic() - t0
        check(len(big) == 1000 and len(set(big)) == 1000 and big_pages == 10, f"1000 services in 10 pages of 100 ({len(big)}, {big_pages})")
        if VERBOSE:
            print(f"  listing 1000 services took {elapsed:.2f}s")
        check(ecs.list_services(cluster="scale-empty")["serviceArns"] == [], "scale-empty has no services")
        one, _ = list_all_services(ecs, "scale-team-200", None)
        check([a.split("/")[-1] for a in one] == ["app"], "scale-team-200 has one service")
        expect_error(lambda: ecs.list_services(cluster="scale-37-services", nextToken="not-a-token"),
                     "InvalidParameterException", "ListServices invalid nextToken")
        token = ecs.list_services(cluster="scale-1000-services")["nextToken"]
        expect_error(lambda: ecs.list_services(cluster="scale-37-services", nextToken=token),
                     "InvalidParameterException", "ListServices token of another cluster")
        expect_error(lambda: ecs.list_services(cluster="scale-37-services", maxResults=101),
                     "InvalidParameterException", "ListServices maxResults 101")
        expect_error(lambda: ecs.list_clusters(maxResults=0), "InvalidParameterException", "ListClusters maxResults 0")
        expect_error(lambda: ecs.list_clusters(nextToken=token), "InvalidParameterException", "ListClusters token of ListServices")

        t0 = time.monotonic()
        first_100 = ecs.list_clusters()["clusterArns"]
        described = ecs.describe_clusters(clusters=first_100)["clusters"]
        elapsed = time.monotonic() - t0
        check(len(described) == 100, "DescribeClusters with 100 clusters")
        if VERBOSE:
            print(f"  DescribeClusters(100) took {elapsed:.2f}s")
        big_c = ecs.describe_clusters(clusters=["scale-1000-services", "scale-37-services", "scale-empty"])["clusters"]
        counts = {c["clusterName"]: (c["activeServicesCount"], c["runningTasksCount"]) for c in big_c}
        check(counts == {"scale-1000-services": (1000, 1500), "scale-37-services": (37, 73), "scale-empty": (0, 0)},
              f"scale cluster totals {counts}")
        sample = ecs.describe_services(cluster="scale-1000-services", services=[a for a in big[:10]])["services"]
        check(all(s["runningCount"] == s["desiredCount"] for s in sample), "scale services in steady state")

        # tasks: materialised on first use, consistent with the counts
        one = ecs.list_tasks(cluster="scale-1000-services", serviceName="svc-0002")["taskArns"]
        check(len(one) == 2, f"svc-0002 (desired 2) has 2 tasks ({len(one)})")
        t0 = time.monotonic()
        task_arns: list[str] = []
        kwargs = {"cluster": "scale-1000-services"}
        task_pages = 0
        while True:
            resp = ecs.list_tasks(**kwargs)
            task_pages += 1
            task_arns += resp["taskArns"]
            if "nextToken" not in resp:
                break
            kwargs["nextToken"] = resp["nextToken"]
        elapsed = time.monotonic() - t0
        check(len(task_arns) == 1500 and len(set(task_arns)) == 1500 and task_pages == 15,
              f"1500 tasks in 15 pages of 100 ({len(task_arns)}, {task_pages})")
        if VERBOSE:
            print(f"  listing 1500 tasks took {elapsed:.2f}s")
        described = ecs.describe_tasks(cluster="scale-1000-services", tasks=task_arns[:100])["tasks"]
        check(len(described) == 100 and all(t["lastStatus"] == "RUNNING" for t in described), "DescribeTasks of 100 tasks")
        c = ecs.describe_clusters(clusters=["scale-1000-services"])["clusters"][0]
        check((c["activeServicesCount"], c["runningTasksCount"]) == (1000, 1500), "counts unchanged by materialising tasks")
        rc = emu.stop(signal.SIGTERM)
        check(rc == 0, f"SIGTERM exits 0 (rc={rc})")
    finally:
        emu.kill()
    print(f"  ready in {emu.ready_seconds:.2f}s")


def check_empty() -> None:
    print("empty")
    emu = Emulator("empty")
    try:
        ecs = emu.client("ecs")
        check(ecs.list_clusters()["clusterArns"] == [], "no clusters")
        check(ecs.describe_clusters(clusters=["anything"])["failures"][0]["reason"] == "MISSING", "unknown cluster MISSING")
        rc = emu.stop(signal.SIGINT)
        check(rc == 0, f"SIGINT exits 0 (rc={rc})")
    finally:
        emu.kill()
    print(f"  ready in {emu.ready_seconds:.2f}s")


def main() -> int:
    for step in (check_demo, check_scale, check_empty):
        try:
            step()
        except Exception:  # noqa: BLE001
            failures.append(f"{step.__name__} crashed")
            traceback.print_exc()
    if failures:
        print(f"\nFAILED: {len(failures)} of {checks} checks")
        for f in failures:
            print(f"  - {f}")
        return 1
    print(f"\nOK: {checks} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
