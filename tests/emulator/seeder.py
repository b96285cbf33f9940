"""Applies a declarative scenario file (scenarios/<name>.json) to the emulator.

Explicit resources go through boto3 against the running emulator, so they get
exactly the behaviour a client sees.  Generated bulk (clusterGenerator /
serviceGenerator entries, used by `scale`) is written straight into moto's
ECS backend -- 1,000+ HTTP round trips would not fit the start-up budget.

Placeholders: any string may contain ${kind:name}, replaced by what the
seeder created earlier:
  ${vpc:NAME} ${subnet:NAME} ${sg:NAME}   EC2 ids
  ${role:NAME}                            IAM role ARN
  ${lb:NAME} ${tg:NAME}                   ELBv2 ARNs
  ${account} ${region}
See README.md for the file format.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
PLACEHOLDER = re.compile(r"\$\{([a-z]+)(?::([^}]+))?\}")


class ScenarioError(Exception):
    pass


def scenario_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.json"))


def load_scenario(name: str) -> dict[str, Any]:
    path = SCENARIO_DIR / f"{name}.json"
    if not path.is_file():
        raise ScenarioError(f"unknown scenario {name!r} (have: {', '.join(scenario_names())})")
    with path.open() as fh:
        return json.load(fh)


class Seeder:
    def __init__(self, endpoint: str, account: str, region: str, log: Any = None):
        self.endpoint = endpoint
        self.account = account
        self.region = region
        self.refs: dict[str, str] = {}
        self.log = log or (lambda msg: None)
        self._clients: dict[str, Any] = {}
        self.counts: dict[str, int] = {}

    # -- helpers ------------------------------------------------------------

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name=self.region,
                aws_access_key_id="test",
                aws_secret_access_key="test",
                config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60),
            )
        return self._clients[service]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            def sub(m: re.Match[str]) -> str:
                kind, name = m.group(1), m.group(2)
                if kind == "account" and name is None:
                    return self.account
                if kind == "region" and name is None:
                    return self.region
                key = f"{kind}:{name}"
                if key not in self.refs:
                    raise ScenarioError(f"unresolved placeholder ${{{key}}}")
                return self.refs[key]

            return PLACEHOLDER.sub(sub, value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    @staticmethod
    def name_tags(name: str, tags: dict[str, str] | None = None) -> list[dict[str, str]]:
        merged = {"Name": name, **(tags or {})}
        return [{"Key": k, "Value": v} for k, v in merged.items()]

    # -- entry point ----------------------------------------------------------

    def apply(self, scenario: dict[str, Any]) -> dict[str, Any]:
        started = time.monotonic()
        for role in scenario.get("iamRoles", []):
            self.iam_role(role)
        for vpc in scenario.get("vpcs", []):
            self.vpc(vpc)
        for td in scenario.get("taskDefinitions", []):
            self.task_definition(td)
        for lb in scenario.get("loadBalancers", []):
            self.load_balancer(lb)
        for cluster in scenario.get("clusters", []):
            if "clusterGenerator" in cluster:
                self.generated_clusters(cluster)
            else:
                self.cluster(cluster)
        for record in scenario.get("stateRecords", []):
            self.state_record(record)
        return {"seconds": round(time.monotonic() - started, 3), "created": dict(self.counts)}

    # -- cloud-debug state -----------------------------------------------------

    def state_record(self, record: dict[str, Any]) -> None:
        """Writes a state record for an already enabled pair the way ecs-debug
        does: private, encrypted bucket; one JSON object per service."""
        record = self.resolve(record)
        s3 = self.client("s3")
        bucket = f"do-not-delete-cloud-debug-{self.region}-{self.account}"
        if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=bucket)
            s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True, "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
                },
            )
            s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            )
        key = f"services/{record['cluster']}/{record['service']}.json"
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(record, indent=2).encode(),
                      ContentType="application/json")
        self.count("stateRecords")

    # -- IAM ------------------------------------------------------------------

    def iam_role(self, spec: dict[str, Any]) -> None:
        spec = self.resolve(spec)
        iam = self.client("iam")
        name = spec["roleName"]
        trust = spec.get("assumeRolePolicyDocument") or {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": svc},
                    "Action": "sts:AssumeRole",
                }
                for svc in spec.get("trustedServices", [])
            ],
        }
        kwargs: dict[str, Any] = {
            "RoleName": name,
            "Path": spec.get("path", "/"),
            "AssumeRolePolicyDocument": json.dumps(trust),
        }
        if spec.get("description"):
            kwargs["Description"] = spec["description"]
        if spec.get("tags"):
            kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in spec["tags"].items()]
        arn = iam.create_role(**kwargs)["Role"]["Arn"]
        for policy_arn in spec.get("managedPolicies", []):
            iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        for policy_name, doc in spec.get("inlinePolicies", {}).items():
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(doc))
        self.refs[f"role:{name}"] = arn
        self.count("iamRoles")

    # -- EC2 ------------------------------------------------------------------

    def vpc(self, spec: dict[str, Any]) -> None:
        spec = self.resolve(spec)
        ec2 = self.client("ec2")
        vpc_id = ec2.create_vpc(
            CidrBlock=spec["cidr"],
            TagSpecifications=[{"ResourceType": "vpc", "Tags": self.name_tags(spec["name"], spec.get("tags"))}],
        )["Vpc"]["VpcId"]
        self.refs[f"vpc:{spec['name']}"] = vpc_id
        self.count("vpcs")
        for subnet in spec.get("subnets", []):
            subnet_id = ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=subnet["cidr"],
                AvailabilityZone=subnet["az"],
                TagSpecifications=[
                    {"ResourceType": "subnet", "Tags": self.name_tags(subnet["name"], subnet.get("tags"))}
                ],
            )["Subnet"]["SubnetId"]
            self.refs[f"subnet:{subnet['name']}"] = subnet_id
            self.count("subnets")
        for sg in spec.get("securityGroups", []):
            group_id = ec2.create_security_group(
                GroupName=sg["name"],
                Description=sg.get("description", sg["name"]),
                VpcId=vpc_id,
                TagSpecifications=[
                    {"ResourceType": "security-group", "Tags": self.name_tags(sg["name"], sg.get("tags"))}
                ],
            )["GroupId"]
            self.refs[f"sg:{sg['name']}"] = group_id
            self.count("securityGroups")
        # Ingress rules may reference groups of the same VPC, so add them last.
        for sg in spec.get("securityGroups", []):
            for rule in sg.get("ingress", []):
                perm: dict[str, Any] = {
                    "IpProtocol": rule.get("protocol", "tcp"),
                    "FromPort": rule["port"],
                    "ToPort": rule.get("toPort", rule["port"]),
                }
                if "cidr" in rule:
                    perm["IpRanges"] = [{"CidrIp": rule["cidr"]}]
                if "fromGroup" in rule:
                    perm["UserIdGroupPairs"] = [{"GroupId": self.refs[f"sg:{rule['fromGroup']}"]}]
                ec2.authorize_security_group_ingress(GroupId=self.refs[f"sg:{sg['name']}"], IpPermissions=[perm])

    # -- ELBv2 ------------------------------------------------------------------

    def load_balancer(self, spec: dict[str, Any]) -> None:
        spec = self.resolve(spec)
        elb = self.client("elbv2")
        kwargs: dict[str, Any] = {
            "Name": spec["name"],
            "Subnets": spec["subnets"],
            "Scheme": spec.get("scheme", "internet-facing"),
            "Type": spec.get("type", "application"),
            "Tags": [{"Key": k, "Value": v} for k, v in spec.get("tags", {}).items()] or [{"Key": "Name", "Value": spec["name"]}],
        }
        if spec.get("securityGroups"):
            kwargs["SecurityGroups"] = spec["securityGroups"]
        lb_arn = elb.create_load_balancer(**kwargs)["LoadBalancers"][0]["LoadBalancerArn"]
        self.refs[f"lb:{spec['name']}"] = lb_arn
        self.count("loadBalancers")

        for tg in spec.get("targetGroups", []):
            tg_kwargs: dict[str, Any] = {
                "Name": tg["name"],
                "Protocol": tg["protocol"],
                "Port": tg["port"],
                "VpcId": tg["vpcId"],
                "TargetType": tg.get("targetType", "ip"),
            }
            if tg.get("healthCheckPath"):
                tg_kwargs["HealthCheckPath"] = tg["healthCheckPath"]
                tg_kwargs["HealthCheckProtocol"] = tg.get("healthCheckProtocol", "HTTP")
            tg_arn = elb.create_target_group(**tg_kwargs)["TargetGroups"][0]["TargetGroupArn"]
            self.refs[f"tg:{tg['name']}"] = tg_arn
            self.count("targetGroups")

        for listener in spec.get("listeners", []):
            listener_arn = elb.create_listener(
                LoadBalancerArn=lb_arn,
                Protocol=listener["protocol"],
                Port=listener["port"],
                DefaultActions=[{"Type": "forward", "TargetGroupArn": self.refs[f"tg:{listener['defaultTargetGroup']}"]}],
            )["Listeners"][0]["ListenerArn"]
            self.count("listeners")
            for rule in listener.get("rules", []):
                conditions = []
                if "pathPattern" in rule:
                    conditions.append({"Field": "path-pattern", "PathPatternConfig": {"Values": rule["pathPattern"]}})
                if "hostHeader" in rule:
                    conditions.append({"Field": "host-header", "HostHeaderConfig": {"Values": rule["hostHeader"]}})
                elb.create_rule(
                    ListenerArn=listener_arn,
                    Priority=rule["priority"],
                    Conditions=conditions,
                    Actions=[{"Type": "forward", "TargetGroupArn": self.refs[f"tg:{rule['targetGroup']}"]}],
                )
                self.count("listenerRules")

    # -- ECS ----------------------------------------------------------------------

    def task_definition(self, spec: dict[str, Any]) -> None:
        spec = self.resolve(spec)
        self.client("ecs").register_task_definition(**spec)
        self.count("taskDefinitions")

    def cluster(self, raw: dict[str, Any]) -> None:
        spec = self.resolve({k: v for k, v in raw.items() if k not in ("services", "serviceGenerator")})
        self.client("ecs").create_cluster(**spec)
        self.count("clusters")
        name = spec["clusterName"]
        for service in raw.get("services", []):
            self.service(name, service)
        if raw.get("serviceGenerator"):
            self.generated_services(name, raw["serviceGenerator"])

    def service(self, cluster: str, spec: dict[str, Any]) -> None:
        spec = self.resolve(spec)
        autoscaling = spec.pop("autoScaling", None)
        ecs = self.client("ecs")
        ecs.create_service(cluster=cluster, **spec)
        self.count("services")
        if autoscaling:
            self.autoscaling(cluster, spec["serviceName"], autoscaling)

    def autoscaling(self, cluster: str, service: str, spec: dict[str, Any]) -> None:
        aas = self.client("application-autoscaling")
        resource_id = f"service/{cluster}/{service}"
        common = {
            "ServiceNamespace": "ecs",
            "ResourceId": resource_id,
            "ScalableDimension": "ecs:service:DesiredCount",
        }
        aas.register_scalable_target(
            MinCapacity=spec["minCapacity"], MaxCapacity=spec["maxCapacity"], **common
        )
        self.count("scalableTargets")
        for policy in spec.get("targetTracking", []):
            aas.put_scaling_policy(
                PolicyName=policy["policyName"],
                PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration={
                    "TargetValue": float(policy["targetValue"]),
                    "PredefinedMetricSpecification": {"PredefinedMetricType": policy["predefinedMetric"]},
                    "ScaleInCooldown": policy.get("scaleInCooldown", 300),
                    "ScaleOutCooldown": policy.get("scaleOutCooldown", 60),
                    "DisableScaleIn": policy.get("disableScaleIn", False),
                },
                **common,
            )
            self.count("scalingPolicies")
        for action in spec.get("scheduledActions", []):
            kwargs: dict[str, Any] = {
                "ScheduledActionName": action["name"],
                "Schedule": action["schedule"],
                "ScalableTargetAction": {
                    "MinCapacity": action["minCapacity"],
                    "MaxCapacity": action["maxCapacity"],
                },
                **common,
            }
            if action.get("timezone"):
                kwargs["Timezone"] = action["timezone"]
            aas.put_scheduled_action(**kwargs)
            self.count("scheduledActions")

    # -- bulk generation straight into moto's backend -------------------------------

    def _ecs_backend(self) -> Any:
        from moto.ecs.models import ecs_backends

        return ecs_backends[self.account][self.region]

    def generated_clusters(self, spec: dict[str, Any]) -> None:
        gen = spec["clusterGenerator"]
        start = gen.get("start", 1)
        backend = self._ecs_backend()
        template = self.resolve(gen.get("template", {}))
        for i in range(start, start + gen["count"]):
            name = gen["namePattern"].format(i=i)
            backend.create_cluster(
                name,
                tags=template.get("tags"),
                cluster_settings=template.get("settings"),
                capacity_providers=template.get("capacityProviders"),
            )
            self.count("clusters")
            if spec.get("serviceGenerator"):
                self.generated_services(name, spec["serviceGenerator"])

    def generated_services(self, cluster: str, gen: dict[str, Any]) -> None:
        backend = self._ecs_backend()
        template = self.resolve(gen.get("template", {}))
        desired_cycle = gen.get("desiredCounts") or [template.get("desiredCount", 1)]
        start = gen.get("start", 1)
        for n, i in enumerate(range(start, start + gen["count"])):
            name = gen["namePattern"].format(i=i)
            service = backend.create_service(
                cluster,
                name,
                desired_cycle[n % len(desired_cycle)],
                task_definition_str=template.get("taskDefinition"),
                load_balancers=template.get("loadBalancers"),
                tags=template.get("tags"),
                launch_type=template.get("launchType"),
                platform_version=template.get("platformVersion"),
                network_configuration=template.get("networkConfiguration"),
                propagate_tags=template.get("propagateTags", "NONE"),
            )
            service.enable_execute_command = bool(template.get("enableExecuteCommand", False))
            self.count("services")


def seed(scenario_name: str, endpoint: str, account: str, region: str, log: Any = None) -> dict[str, Any]:
    return Seeder(endpoint, account, region, log).apply(load_scenario(scenario_name))
