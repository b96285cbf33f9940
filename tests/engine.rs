//! The cloud-debug engine against the emulator: enable and disable round
//! trips, crashes at every step, the field reports, and the policy.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{Emulator, Outcome, Sandbox, run};

const GOOD_ROLE: &str = "ecs-debug-task-role";
const ENABLE_STEPS: [&str; 7] = [
    "record",
    "task-definition",
    "target-groups",
    "debug-service",
    "wait-running",
    "listeners",
    "scale-down",
];
const DISABLE_STEPS: [&str; 6] = [
    "scale-up",
    "listeners-back",
    "scaling-back",
    "delete-service",
    "delete-target-groups",
    "deregister-task-definitions",
];

/// An emulator with the demo account and a sandbox to run ecs-debug in.
struct Account {
    em: Emulator,
    sandbox: Sandbox,
}

impl Account {
    fn new() -> Self {
        let account = Self {
            em: Emulator::start("demo"),
            sandbox: Sandbox::new(),
        };
        // Keep draining short so disable does not dominate test time.
        account
            .em
            .control("/_emulator/draining", serde_json::json!({"ms": 300}));
        account
    }

    /// Removes the demo's state bucket (and the record of its enabled
    /// pair), for tests of a first enable in an account.
    fn without_state_bucket(&self) {
        let bucket = "/do-not-delete-cloud-debug-us-east-1-123456789012";
        self.em.s3_call(
            "DELETE",
            &format!("{bucket}/services/dev-apps/payments.json"),
        );
        self.em.s3_call("DELETE", bucket);
    }

    fn cli_env(&self, env: &[(&str, &str)], args: &[&str]) -> Outcome {
        let mut cmd = self.sandbox.command();
        cmd.envs(env.iter().copied())
            .arg("--endpoint-url")
            .arg(&self.em.endpoint)
            .args(args);
        run(cmd)
    }

    fn cli(&self, args: &[&str]) -> Outcome {
        self.cli_env(&[], args)
    }

    fn enable_env(
        &self,
        env: &[(&str, &str)],
        cluster: &str,
        service: &str,
        role: &str,
    ) -> Outcome {
        self.cli_env(
            env,
            &[
                "enable",
                "--cluster",
                cluster,
                "--service",
                service,
                "--task-role",
                role,
                "--yes",
            ],
        )
    }

    fn enable(&self, cluster: &str, service: &str, role: &str) -> Outcome {
        self.enable_env(&[], cluster, service, role)
    }

    fn disable_env(&self, env: &[(&str, &str)], cluster: &str, service: &str) -> Outcome {
        self.cli_env(
            env,
            &[
                "disable",
                "--cluster",
                cluster,
                "--service",
                service,
                "--yes",
            ],
        )
    }

    fn disable(&self, cluster: &str, service: &str) -> Outcome {
        self.disable_env(&[], cluster, service)
    }

    fn state(&self) -> Value {
        self.em.state()
    }

    fn record(&self, cluster: &str, service: &str) -> Option<Value> {
        let bucket = "do-not-delete-cloud-debug-us-east-1-123456789012";
        let d = self.em.dump();
        let key = format!("services/{cluster}/{service}.json");
        let exists = d["s3"]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| b["name"] == bucket)
            .flat_map(|b| b["objects"].as_array().cloned().unwrap_or_default())
            .any(|o| o == key.as_str() || o["key"] == key.as_str());
        if !exists {
            return None;
        }
        let out = self.cli(&["status", "--json"]);
        let status: Value = serde_json::from_str(&out.stdout).ok()?;
        status["services"]
            .as_array()?
            .iter()
            .find(|s| s["cluster"] == cluster && s["service"] == service)
            .cloned()
    }

    fn writes(&self) -> Vec<String> {
        self.em.writes()
    }
}

fn service<'a>(state: &'a Value, cluster: &str, name: &str) -> Option<&'a Value> {
    state["ecs"]["services"]
        .as_array()?
        .iter()
        .find(|s| s["cluster"] == cluster && s["serviceName"] == name && s["status"] == "ACTIVE")
}

fn target_group<'a>(state: &'a Value, name: &str) -> Option<&'a Value> {
    state["elbv2"]["targetGroups"]
        .as_array()?
        .iter()
        .find(|t| t["targetGroupName"] == name)
}

/// Every target group ARN any listener action or rule forwards to.
fn forwarded(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for lb in state["elbv2"]["loadBalancers"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for l in lb["listeners"].as_array().into_iter().flatten() {
            let mut actions: Vec<&Value> = l["defaultActions"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            for r in l["rules"].as_array().into_iter().flatten() {
                actions.extend(r["actions"].as_array().into_iter().flatten());
            }
            for a in actions {
                if let Some(t) = a["TargetGroupArn"].as_str() {
                    out.push(t.to_string());
                }
                for g in a["ForwardConfig"]["TargetGroups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    out.push(g["TargetGroupArn"].as_str().unwrap_or("").to_string());
                }
            }
        }
    }
    out
}

fn ok(out: &Outcome, what: &str) {
    assert_eq!(
        out.code,
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
}

/// The safety invariant: the original is never at 0 without a running
/// debug service and a record.
fn assert_safe(acct: &Account, cluster: &str, name: &str, desired_before: i64) {
    let state = acct.state();
    let original = service(&state, cluster, name).expect("original still exists");
    if desired_before > 0 && original["desiredCount"] == 0 {
        let twin = format!("cloud-debug-{name}");
        let listing: Value =
            serde_json::from_str(&acct.cli(&["ls", "--json", "--cluster", cluster]).stdout)
                .unwrap();
        let running = listing["clusters"][0]["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == twin.as_str())
            .map(|s| s["running"].as_i64().unwrap_or(0))
            .unwrap_or(0);
        assert!(running >= 1, "{name} at 0 without a running {twin}");
        assert!(
            acct.record(cluster, name).is_some(),
            "{name} at 0 without a record"
        );
    }
}

#[test]
fn given_alb_nlb_and_autoscaled_services_when_enabled_and_disabled_then_the_account_is_as_before() {
    let acct = Account::new();
    let cases = [
        ("dev-apps", "storefront-web", GOOD_ROLE),
        ("dev-apps", "orders-api", GOOD_ROLE),
        (
            "dev-apps",
            "admin-portal",
            "/service/team-a/admin-portal-task-role",
        ),
        ("dev-workers", "mqtt-broker", GOOD_ROLE),
    ];
    for (cluster, name, role) in cases {
        let before = acct.state();
        let original = service(&before, cluster, name).unwrap().clone();
        let tg_arn = original["loadBalancers"][0]["targetGroupArn"]
            .as_str()
            .unwrap()
            .to_string();
        let tg_name = tg_arn.split('/').nth(1).unwrap().to_string();

        let out = acct.enable(cluster, name, role);
        ok(&out, &format!("enable {name}"));
        let during = acct.state();
        let twin = service(&during, cluster, &format!("cloud-debug-{name}")).expect("twin");
        assert_eq!(twin["desiredCount"], 1);
        assert_eq!(twin["enableExecuteCommand"], true);
        assert_eq!(service(&during, cluster, name).unwrap()["desiredCount"], 0);
        let debug_tg = target_group(&during, &format!("cloud-debug-{tg_name}")).expect("debug tg");
        let original_tg = target_group(&during, &tg_name).unwrap();
        for field in ["protocol", "port", "vpcId", "targetType"] {
            assert_eq!(debug_tg[field], original_tg[field], "{name}: {field}");
        }
        if original_tg["protocol"] == "TCP" {
            assert_eq!(
                debug_tg["healthCheckProtocol"], "TCP",
                "NLB health check fits TCP"
            );
        }
        assert_eq!(
            twin["loadBalancers"][0]["targetGroupArn"],
            debug_tg["targetGroupArn"]
        );
        let routes = forwarded(&during);
        assert!(
            !routes.contains(&tg_arn),
            "{name}: no listener forwards to the original"
        );
        assert!(
            routes
                .iter()
                .any(|r| debug_tg["targetGroupArn"] == r.as_str())
        );
        if name == "orders-api" {
            let target = &during["applicationAutoScaling"]["scalableTargets"][0];
            assert_eq!(target["minCapacity"], 0);
            assert_eq!(target["suspendedState"]["DynamicScalingOutSuspended"], true);
            assert_eq!(target["suspendedState"]["ScheduledScalingSuspended"], true);
        }
        assert!(out.stdout.contains("Switch back with: ecs-debug disable"));

        ok(&acct.disable(cluster, name), &format!("disable {name}"));
        assert_eq!(acct.state(), before, "{name}: the account is as before");
    }
}

#[test]
fn given_a_crash_after_each_enable_step_when_enable_runs_again_then_it_converges() {
    let acct = Account::new();
    let (cluster, name) = ("dev-apps", "orders-api");
    let before = acct.state();
    for step in ENABLE_STEPS {
        let out = acct.enable_env(
            &[("ECS_DEBUG_TEST_EXIT_AFTER", step)],
            cluster,
            name,
            GOOD_ROLE,
        );
        assert_eq!(out.code, Some(99), "crash after {step}: {}", out.stderr);
        assert_safe(&acct, cluster, name, 2);
        // Resumed from the record alone: no --task-role this time.
        let resume = ["enable", "--cluster", cluster, "--service", name, "--yes"];
        ok(&acct.cli(&resume), &format!("resume after {step}"));
        let state = acct.state();
        assert_eq!(service(&state, cluster, name).unwrap()["desiredCount"], 0);
        assert!(service(&state, cluster, "cloud-debug-orders-api").is_some());
        ok(
            &acct.disable(cluster, name),
            &format!("disable after {step}"),
        );
        assert_eq!(acct.state(), before, "after a crash at {step} and a resume");
    }
}

#[test]
fn given_a_crash_after_each_step_when_disable_runs_then_it_rolls_back() {
    let acct = Account::new();
    let (cluster, name) = ("dev-apps", "storefront-web");
    let before = acct.state();
    // An interrupted enable rolled back by disable.
    for step in ENABLE_STEPS {
        let out = acct.enable_env(
            &[("ECS_DEBUG_TEST_EXIT_AFTER", step)],
            cluster,
            name,
            GOOD_ROLE,
        );
        assert_eq!(out.code, Some(99), "{}", out.stderr);
        ok(
            &acct.disable(cluster, name),
            &format!("rollback after {step}"),
        );
        assert_eq!(acct.state(), before, "rolled back after a crash at {step}");
    }
    // An interrupted disable finished by disable.
    for step in DISABLE_STEPS {
        ok(&acct.enable(cluster, name, GOOD_ROLE), "enable");
        let out = acct.disable_env(&[("ECS_DEBUG_TEST_EXIT_AFTER", step)], cluster, name);
        assert_eq!(out.code, Some(99), "{}", out.stderr);
        assert_safe(&acct, cluster, name, 3);
        let again = acct.enable(cluster, name, GOOD_ROLE);
        assert_eq!(
            again.code,
            Some(3),
            "enable refuses while a disable is unfinished"
        );
        assert!(
            again
                .stderr
                .contains("A disable of storefront-web was interrupted"),
            "{}",
            again.stderr
        );
        ok(
            &acct.disable(cluster, name),
            &format!("finish after {step}"),
        );
        assert_eq!(acct.state(), before, "after a crash at {step} of disable");
    }
}

#[test]
fn given_a_kill_at_a_random_moment_when_enable_runs_again_then_it_converges() {
    let acct = Account::new();
    let (cluster, name) = ("dev-apps", "orders-api");
    let before = acct.state();
    acct.em.set_latency("*", 40);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    for round in 0..3u32 {
        let delay = Duration::from_millis(200 + u64::from((seed >> round) % 2_500));
        let mut cmd = acct.sandbox.command();
        cmd.args([
            "--endpoint-url",
            &acct.em.endpoint,
            "enable",
            "--cluster",
            cluster,
        ])
        .args(["--service", name, "--task-role", GOOD_ROLE, "--yes"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        eprintln!("round {round}: killed enable after {delay:?}");
        acct.em.set_latency("*", 0);
        assert_safe(&acct, cluster, name, 2);
        ok(
            &acct.enable(cluster, name, GOOD_ROLE),
            &format!("resume after kill at {delay:?}"),
        );
        ok(&acct.disable(cluster, name), "disable");
        assert_eq!(acct.state(), before, "after a kill at {delay:?}");
        acct.em.set_latency("*", 40);
    }
}

#[test]
fn given_ctrl_c_during_enable_then_it_stops_resumably_and_a_rerun_finishes() {
    let acct = Account::new();
    let (cluster, name) = ("dev-apps", "orders-api");
    let before = acct.state();
    acct.em.set_latency("*", 150);
    let mut cmd = acct.sandbox.command();
    cmd.args([
        "--endpoint-url",
        &acct.em.endpoint,
        "enable",
        "--cluster",
        cluster,
    ])
    .args(["--service", name, "--task-role", GOOD_ROLE, "--yes"])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("enable was interrupted during the"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "ecs-debug enable --cluster dev-apps --service orders-api --task-role \
         arn:aws:iam::123456789012:role/ecs-debug-task-role"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("Created so far:") || stderr.contains("Nothing was created."),
        "{stderr}"
    );
    acct.em.set_latency("*", 0);
    let status: Value = serde_json::from_str(&acct.cli(&["status", "--json"]).stdout).unwrap();
    let entry = status["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["service"] == name)
        .cloned();
    if let Some(entry) = entry {
        assert_eq!(entry["state"], "interrupted", "marked at once, no waiting");
    }
    assert_safe(&acct, cluster, name, 2);
    ok(&acct.enable(cluster, name, GOOD_ROLE), "resume");
    ok(&acct.disable(cluster, name), "disable");
    assert_eq!(acct.state(), before);
}

#[test]
fn field_report_2_given_only_an_execution_role_when_enabling_then_roles_are_right() {
    let acct = Account::new();
    let (cluster, name) = ("dev-workers", "email-worker");
    let before = acct.state();
    acct.em.clear_requests();
    let out = acct.enable(cluster, name, "orders-task-role");
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    for action in [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ] {
        assert!(
            out.stderr.contains(action),
            "lists {action}: {}",
            out.stderr
        );
    }
    assert_eq!(acct.writes(), Vec::<String>::new(), "nothing written");
    assert_eq!(acct.state(), before);

    ok(
        &acct.enable(cluster, name, GOOD_ROLE),
        "enable with a good role",
    );
    let state = acct.state();
    let twin = service(&state, cluster, "cloud-debug-email-worker").unwrap();
    let td = state["ecs"]["taskDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["taskDefinitionArn"] == twin["taskDefinition"])
        .unwrap();
    let original_td = state["ecs"]["taskDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["family"] == "email-worker")
        .unwrap();
    assert_eq!(
        td["taskRoleArn"],
        "arn:aws:iam::123456789012:role/ecs-debug-task-role"
    );
    assert_eq!(td["executionRoleArn"], original_td["executionRoleArn"]);
    assert!(
        original_td.get("taskRoleArn").is_none(),
        "the original revision is untouched"
    );
    ok(&acct.disable(cluster, name), "disable");
    assert_eq!(acct.state(), before);
}

#[test]
fn field_report_3_given_a_role_not_trusted_by_ecs_tasks_then_enable_refuses_and_changes_nothing() {
    let acct = Account::new();
    let before = acct.state();
    acct.em.clear_requests();
    let out = acct.enable("dev-apps", "orders-api", "ecsServiceRole");
    assert_eq!(out.code, Some(3));
    assert!(
        out.stderr.contains(
            "ecsServiceRole is trusted by ecs.amazonaws.com, not by ecs-tasks.amazonaws.com: \
             ECS tasks cannot use it."
        ),
        "{}",
        out.stderr
    );
    assert_eq!(acct.writes(), Vec::<String>::new());
    assert_eq!(acct.state(), before);
    let doctor = acct.cli(&[
        "doctor",
        "--cluster",
        "dev-apps",
        "--service",
        "orders-api",
        "--task-role",
        "arn:aws:iam::123456789012:role/service/team-a/admin-portal-task-role",
        "--json",
    ]);
    assert_eq!(
        doctor.code,
        Some(0),
        "a role with a path, named by ARN: {}",
        doctor.stdout
    );
    let foreign = acct.cli(&[
        "doctor",
        "--cluster",
        "dev-apps",
        "--service",
        "orders-api",
        "--task-role",
        "arn:aws:iam::999999999999:role/ecs-debug-task-role",
    ]);
    assert_eq!(foreign.code, Some(3));
    assert!(
        foreign.stdout.contains(
            "arn:aws:iam::999999999999:role/ecs-debug-task-role belongs to account \
             999999999999: a task must use a role of its own account, 123456789012."
        ),
        "{}",
        foreign.stdout
    );
}

#[test]
fn field_report_4_given_platform_1_3_0_when_enabled_then_debug_runs_latest_and_original_keeps_it() {
    let acct = Account::new();
    let (cluster, name) = ("dev-workers", "legacy-reports");
    let before = acct.state();
    assert_eq!(
        service(&before, cluster, name).unwrap()["platformVersion"],
        "1.3.0"
    );
    let out = acct.enable(cluster, name, GOOD_ROLE);
    ok(&out, "enable");
    assert!(
        out.stdout.contains(
            "debug service runs on platform LATEST (the original's 1.3.0 cannot run ECS Exec)"
        ),
        "{}",
        out.stdout
    );
    let state = acct.state();
    assert_eq!(
        service(&state, cluster, "cloud-debug-legacy-reports").unwrap()["platformVersion"],
        "LATEST"
    );
    ok(&acct.disable(cluster, name), "disable");
    let after = acct.state();
    assert_eq!(
        service(&after, cluster, name).unwrap()["platformVersion"],
        "1.3.0"
    );
    assert_eq!(after, before);
}

#[test]
fn field_report_8_given_a_draining_twin_when_enabling_then_it_waits_and_never_scales_first() {
    let acct = Account::new();
    let (cluster, name) = ("dev-apps", "storefront-web");
    let before = acct.state();
    let original = service(&before, cluster, name).unwrap().clone();
    // A twin left by another run, deleted just now: DRAINING for 3 s.
    acct.em
        .control("/_emulator/draining", serde_json::json!({"ms": 3000}));
    let create = serde_json::json!({
        "cluster": cluster, "serviceName": "cloud-debug-storefront-web",
        "taskDefinition": original["taskDefinition"], "desiredCount": 0,
        "launchType": "FARGATE", "networkConfiguration": original["networkConfiguration"],
    });
    acct.em.ecs_call("CreateService", create);
    let delete = serde_json::json!({"cluster": cluster, "service": "cloud-debug-storefront-web",
        "force": true});
    acct.em.ecs_call("DeleteService", delete.clone());
    acct.em.clear_requests();

    let out = acct.enable(cluster, name, GOOD_ROLE);
    ok(&out, "enable waits for the drain");
    assert!(
        out.stderr
            .contains("cloud-debug-storefront-web is still draining"),
        "{}",
        out.stderr
    );
    let order: Vec<(String, Value)> = acct
        .em
        .requests()
        .into_iter()
        .filter(|r| r["action"] == "CreateService" || r["action"] == "UpdateService")
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_string(),
                r["params"].clone(),
            )
        })
        .collect();
    assert_eq!(
        order[0].0, "CreateService",
        "the twin is created first: {order:?}"
    );
    let scale = order
        .iter()
        .position(|(a, p)| a == "UpdateService" && p["service"] == name);
    assert!(
        scale.is_some_and(|i| i > 0),
        "the original is scaled only after: {order:?}"
    );
    ok(&acct.disable(cluster, name), "disable");

    // Draining longer than the timeout: enable stops, resumably, and the
    // original keeps its tasks.
    acct.em
        .control("/_emulator/draining", serde_json::json!({"ms": 8000}));
    acct.em.ecs_call(
        "CreateService",
        serde_json::json!({
            "cluster": cluster, "serviceName": "cloud-debug-storefront-web",
            "taskDefinition": original["taskDefinition"], "desiredCount": 0,
            "launchType": "FARGATE", "networkConfiguration": original["networkConfiguration"],
        }),
    );
    acct.em.ecs_call("DeleteService", delete);
    let out = acct.cli(&[
        "enable",
        "--cluster",
        cluster,
        "--service",
        name,
        "--task-role",
        GOOD_ROLE,
        "--yes",
        "--timeout",
        "1",
    ]);
    assert_eq!(out.code, Some(4), "{}", out.stderr);
    assert!(out.stderr.contains("still draining"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("ecs-debug disable --cluster dev-apps --service storefront-web")
    );
    assert_eq!(
        service(&acct.state(), cluster, name).unwrap()["desiredCount"],
        3
    );
    std::thread::sleep(Duration::from_secs(8));
    ok(&acct.disable(cluster, name), "roll back");
    assert_eq!(acct.state(), before);
}

#[test]
fn field_report_10_given_throttling_when_enabling_then_it_retries_or_stops_with_a_list() {
    let acct = Account::new();
    let (cluster, name) = ("dev-apps", "storefront-web");
    let before = acct.state();
    acct.em
        .inject_fault("DescribeServices", "ThrottlingException", 3);
    ok(
        &acct.enable(cluster, name, GOOD_ROLE),
        "three throttles are retried",
    );
    ok(&acct.disable(cluster, name), "disable");

    acct.em
        .inject_fault("CreateService", "ThrottlingException", 50);
    let out = acct.enable(cluster, name, GOOD_ROLE);
    assert_eq!(out.code, Some(4), "{}", out.stderr);
    let expected = "Created so far:\n  - task definition cloud-debug-storefront-web:";
    assert!(out.stderr.contains(expected), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("  - target group cloud-debug-storefront-web-tg"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("  - service cloud-debug"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(
        "`ecs-debug disable --cluster dev-apps --service storefront-web` to remove what was created"
    ));
    let status = acct.record(cluster, name).expect("the record is kept");
    assert_eq!(
        status["state"], "interrupted",
        "a stopped run is marked at once"
    );
    acct.em
        .control("/_emulator/faults/clear", serde_json::json!({}));
    ok(
        &acct.disable(cluster, name),
        "disable removes what was created",
    );
    assert_eq!(acct.state(), before);
}

#[test]
fn field_report_11_given_the_bucket_name_owned_elsewhere_then_enable_stops_before_any_change() {
    let acct = Account::new();
    acct.without_state_bucket();
    let before = acct.state();
    let bucket = "do-not-delete-cloud-debug-us-east-1-123456789012";
    acct.em.control(
        "/_emulator/foreign-bucket",
        serde_json::json!({"name": bucket, "owner": "999999999999"}),
    );
    acct.em.clear_requests();
    let out = acct.enable("dev-apps", "storefront-web", GOOD_ROLE);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "The state bucket name {bucket} belongs to another account"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(acct.writes(), Vec::<String>::new(), "no write at all");
    assert_eq!(acct.state(), before);
    let s3_calls: Vec<Value> = acct
        .em
        .requests()
        .into_iter()
        .filter(|r| r["service"] == "s3")
        .collect();
    assert!(!s3_calls.is_empty());
    for call in s3_calls {
        assert_eq!(call["expected_owner"], "123456789012", "{call}");
    }
}

#[test]
fn given_our_own_bucket_when_enabling_twice_then_it_is_reused_and_every_call_names_the_owner() {
    let acct = Account::new();
    acct.without_state_bucket();
    acct.em.clear_requests();
    ok(
        &acct.enable("dev-apps", "storefront-web", GOOD_ROLE),
        "first",
    );
    ok(
        &acct.enable("dev-apps", "admin-portal", GOOD_ROLE),
        "second",
    );
    let calls = acct.em.requests();
    let creates = calls
        .iter()
        .filter(|r| r["iam_action"] == "s3:CreateBucket")
        .count();
    assert_eq!(creates, 1, "the bucket is created once and reused");
    for call in calls
        .iter()
        .filter(|r| r["service"] == "s3" && r["iam_action"] != "s3:CreateBucket")
    {
        assert_eq!(call["expected_owner"], "123456789012", "{call}");
    }
    let status: Value = serde_json::from_str(&acct.cli(&["status", "--json"]).stdout).unwrap();
    let states: Vec<(String, String)> = status["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["service"].as_str().unwrap().into(),
                s["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![
            ("admin-portal".into(), "enabled".into()),
            ("storefront-web".into(), "enabled".into())
        ]
    );
}

#[test]
fn given_an_interrupted_enable_then_status_says_so_and_names_the_command() {
    let acct = Account::new();
    let out = acct.enable_env(
        &[("ECS_DEBUG_TEST_EXIT_AFTER", "debug-service")],
        "dev-apps",
        "orders-api",
        GOOD_ROLE,
    );
    assert_eq!(out.code, Some(99));
    let out = acct.cli_env(&[("ECS_DEBUG_TEST_STALE_SECS", "0")], &["status", "--json"]);
    ok(&out, "status");
    let status: Value = serde_json::from_str(&out.stdout).unwrap();
    let entry = &status["services"][0];
    assert_eq!(entry["state"], "interrupted");
    assert_eq!(entry["debug_service"], "cloud-debug-orders-api");
    assert_eq!(
        entry["next"],
        "ecs-debug enable --cluster dev-apps --service orders-api --task-role \
         arn:aws:iam::123456789012:role/ecs-debug-task-role"
    );
}

#[test]
fn the_policy_lists_exactly_the_actions_ecs_debug_calls() {
    let acct = Account::new();
    acct.without_state_bucket();
    acct.em.clear_requests();
    ok(&acct.cli(&["ls"]), "ls");
    let doctor = ["doctor", "--cluster", "dev-apps", "--service", "orders-api"];
    ok(
        &acct.cli(&[&doctor[..], &["--task-role", GOOD_ROLE]].concat()),
        "doctor",
    );
    // A resume too: its preflight checks who owns the debug target group.
    let crash = [("ECS_DEBUG_TEST_EXIT_AFTER", "target-groups")];
    let out = acct.enable_env(&crash, "dev-apps", "orders-api", GOOD_ROLE);
    assert_eq!(out.code, Some(99));
    ok(&acct.enable("dev-apps", "orders-api", GOOD_ROLE), "enable");
    ok(
        &acct.enable("dev-workers", "mqtt-broker", GOOD_ROLE),
        "enable NLB",
    );
    ok(&acct.cli(&["status"]), "status");
    ok(&acct.disable("dev-apps", "orders-api"), "disable");
    ok(&acct.disable("dev-workers", "mqtt-broker"), "disable NLB");
    let mut seen: Vec<String> = acct
        .em
        .requests()
        .iter()
        .filter_map(|r| r["iam_action"].as_str().map(str::to_string))
        .filter(|a| a != "sts:GetCallerIdentity") // needs no permission
        .collect();
    // Checked by AWS inside other calls, never called on their own.
    seen.extend(
        [
            "iam:PassRole",
            "ecs:TagResource",
            "elasticloadbalancing:AddTags",
        ]
        .map(String::from),
    );
    // The explorer's task-role picker (tests/e2e_enable.rs checks that
    // everything it calls is listed).
    seen.extend(["iam:ListRoles", "iam:ListAttachedRolePolicies"].map(String::from));
    seen.sort();
    seen.dedup();

    let out = acct.cli(&["policy"]);
    ok(&out, "policy");
    let policy: Value = serde_json::from_str(&out.stdout).expect("policy is JSON");
    let mut listed: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
            _ => vec![],
        })
        .collect();
    listed.sort();
    listed.dedup();
    assert_eq!(listed, seen);
}

#[test]
fn given_the_demo_enabled_pair_when_disabled_then_the_original_runs_again() {
    let acct = Account::new();
    let status: Value = serde_json::from_str(&acct.cli(&["status", "--json"]).stdout).unwrap();
    assert_eq!(status["services"][0]["service"], "payments");
    assert_eq!(status["services"][0]["state"], "enabled");
    let out = acct.disable("dev-apps", "payments");
    ok(&out, "disable payments");
    assert!(
        out.stdout.contains("payments back to desired count 2"),
        "{}",
        out.stdout
    );
    let state = acct.state();
    assert_eq!(
        service(&state, "dev-apps", "payments").unwrap()["desiredCount"],
        2
    );
    assert!(service(&state, "dev-apps", "cloud-debug-payments").is_none());
    let status: Value = serde_json::from_str(&acct.cli(&["status", "--json"]).stdout).unwrap();
    assert_eq!(status["services"], serde_json::json!([]));
}

#[test]
fn given_json_when_enabling_then_one_object_on_stdout_says_what_was_relaxed() {
    let acct = Account::new();
    let out = acct.cli(&[
        "enable",
        "--cluster",
        "dev-apps",
        "--service",
        "storefront-web",
        "--task-role",
        GOOD_ROLE,
        "--yes",
        "--json",
    ]);
    ok(&out, "enable --json");
    let summary: Value = serde_json::from_str(&out.stdout).expect("one JSON object");
    assert_eq!(summary["debug_service"], "cloud-debug-storefront-web");
    let created: Vec<&str> = summary["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        created,
        vec![
            "task definition cloud-debug-storefront-web:1",
            "target group cloud-debug-storefront-web-tg",
            "service cloud-debug-storefront-web in cluster dev-apps",
        ]
    );
    let notes = summary["notes"].to_string();
    assert!(notes.contains("container web: health check removed so a paused app is not killed"));
    assert!(notes.contains("load balancer health checks are ignored for 24 h"));
    assert!(
        out.stderr.contains("▶ Create the debug service"),
        "progress on stderr"
    );

    let doctor = acct.cli(&[
        "doctor",
        "--cluster",
        "dev-apps",
        "--service",
        "storefront-web",
        "--json",
    ]);
    assert_eq!(doctor.code, Some(3), "already enabled is a failed check");
    let report: Value = serde_json::from_str(&doctor.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "state" && c["severity"] == "fail")
    );
}

#[test]
fn given_bad_requests_when_enabling_then_one_sentence_and_nothing_changes() {
    let acct = Account::new();
    let before = acct.state();
    acct.em.clear_requests();
    let out = acct.cli(&[
        "enable",
        "--cluster",
        "dev-apps",
        "--service",
        "storefront-web",
        "--yes",
    ]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_eq!(
        out.stderr.trim().lines().last(),
        Some("ecs-debug: Pass --task-role ROLE: the IAM role the debug task runs with.")
    );
    let out = acct.cli(&[
        "enable",
        "--cluster",
        "dev-apps",
        "--service",
        "storefront-web",
        "--task-role",
        GOOD_ROLE,
        "--container",
        "nope",
        "--yes",
    ]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "The task definition has no container named nope. Its containers are: web, \
             datadog-agent, log-router."
        ),
        "{}",
        out.stderr
    );
    assert_eq!(acct.writes(), Vec::<String>::new());
    assert_eq!(acct.state(), before);
}

#[test]
fn given_an_enable_running_when_another_process_disables_then_it_is_refused() {
    let acct = Account::new();
    let (cluster, name) = ("dev-apps", "orders-api");
    let before = acct.state();
    acct.em.set_latency("*", 150);
    let mut cmd = acct.sandbox.command();
    cmd.args([
        "--endpoint-url",
        &acct.em.endpoint,
        "enable",
        "--cluster",
        cluster,
    ])
    .args(["--service", name, "--task-role", GOOD_ROLE, "--yes"])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let first = cmd.spawn().unwrap();
    // Well into the enable: past preflight, holding the lease.
    std::thread::sleep(Duration::from_millis(5000));
    let second = acct.disable(cluster, name);
    assert_eq!(second.code, Some(3), "{}", second.stderr);
    assert!(
        second.stderr.contains("Another ecs-debug (process ")
            && second
                .stderr
                .contains("is running enable for orders-api right now"),
        "{}",
        second.stderr
    );
    let out = first.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    acct.em.set_latency("*", 0);
    ok(&acct.disable(cluster, name), "disable after the enable");
    assert_eq!(acct.state(), before);
}
