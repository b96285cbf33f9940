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
import urllib.request  # noqa: E402
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
    ("staging", "storefront-web"): ("FARGATE", 1, None),
    ("staging", "orders-api"): ("FARGATE", 1, None),
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
