//! `ecs-debug ls` against the emulator: every page followed, batch limits
//! kept, debug pairs marked, and failures reported in one sentence.

mod support;

use std::sync::OnceLock;

use serde_json::Value;
use support::{Emulator, Sandbox, run};

fn demo() -> &'static Emulator {
    static DEMO: OnceLock<Emulator> = OnceLock::new();
    DEMO.get_or_init(|| Emulator::start("demo"))
}

fn ls(emulator: &Emulator, args: &[&str]) -> (support::Outcome, Option<Value>) {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command();
    cmd.args(["--endpoint-url", &emulator.endpoint, "ls", "--json"])
        .args(args);
    let out = run(cmd);
    let json = serde_json::from_str(&out.stdout).ok();
    (out, json)
}

fn cluster<'a>(listing: &'a Value, name: &str) -> &'a Value {
    listing["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("cluster {name} listed"))
}

fn service_debug(listing: &Value, cluster_name: &str) -> Vec<(String, String)> {
    cluster(listing, cluster_name)["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["debug"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn given_the_scale_account_when_listing_then_every_cluster_and_service_is_shown_in_batches() {
    let emulator = Emulator::start("scale");
    emulator.clear_requests();
    let (out, json) = ls(&emulator, &[]);
    assert_eq!(out.code, Some(0), "stderr: {}", out.stderr);
    let listing = json.expect("JSON on stdout");

    assert_eq!(listing["region"], "us-east-1");
    assert_eq!(listing["account"], "123456789012");
    assert_eq!(listing["clusters"].as_array().unwrap().len(), 250);
    let count = |name| {
        cluster(&listing, name)["services"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count("scale-37-services"), 37);
    assert_eq!(count("scale-empty"), 0);
    assert_eq!(count("scale-1000-services"), 1000);

    let arn_of = |name: &str| cluster(&listing, name)["arn"].as_str().unwrap().to_string();
    let batches = |name: &str| -> Vec<usize> {
        let arn = arn_of(name);
        let mut sizes: Vec<usize> = emulator
            .calls("DescribeServices")
            .iter()
            .filter(|p| p["cluster"] == arn.as_str() || p["cluster"] == name)
            .map(|p| p["services"].as_array().map_or(0, Vec::len))
            .collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes
    };
    assert_eq!(batches("scale-37-services"), vec![10, 10, 10, 7]);
    assert_eq!(batches("scale-empty"), Vec::<usize>::new());
    assert_eq!(batches("scale-1000-services"), vec![10; 100]);
    let all = emulator.calls("DescribeServices");
    assert!(all.iter().all(|p| {
        let n = p["services"].as_array().map_or(0, Vec::len);
        (1..=10).contains(&n)
    }));
    let describe_clusters = emulator.calls("DescribeClusters");
    let mut sizes: Vec<usize> = describe_clusters
        .iter()
        .map(|p| p["clusters"].as_array().map_or(0, Vec::len))
        .collect();
    sizes.sort_unstable();
    assert_eq!(
        sizes,
        vec![50, 100, 100],
        "one DescribeClusters per ListClusters page"
    );
}

#[test]
fn given_an_enabled_pair_when_listing_then_twin_comes_first_and_both_are_marked() {
    let (out, json) = ls(demo(), &["--cluster", "dev-apps"]);
    assert_eq!(out.code, Some(0), "stderr: {}", out.stderr);
    let listing = json.unwrap();
    assert_eq!(listing["clusters"].as_array().unwrap().len(), 1);
    let services = service_debug(&listing, "dev-apps");
    let twin = services
        .iter()
        .position(|(n, _)| n == "cloud-debug-payments")
        .unwrap();
    let original = services.iter().position(|(n, _)| n == "payments").unwrap();
    assert_eq!(twin + 1, original, "twin sits right before its original");
    assert_eq!(services[twin].1, "twin");
    assert_eq!(services[original].1, "enabled");
    assert!(
        services
            .iter()
            .filter(|(n, _)| !n.contains("payments"))
            .all(|(_, d)| d == "none")
    );
}

#[test]
fn given_the_demo_account_when_listing_then_running_counts_match_desired() {
    let (out, json) = ls(demo(), &[]);
    assert_eq!(out.code, Some(0), "stderr: {}", out.stderr);
    let listing = json.unwrap();
    let sandbox = cluster(&listing, "sandbox");
    assert_eq!(
        sandbox["services"].as_array().unwrap().len(),
        0,
        "the empty cluster"
    );
    for c in listing["clusters"].as_array().unwrap() {
        for s in c["services"].as_array().unwrap() {
            assert_eq!(s["running"], s["desired"], "{}", s["name"]);
        }
    }
    let spot = cluster(&listing, "dev-workers")["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "report-generator")
        .unwrap()
        .clone();
    assert_eq!(spot["launch_type"], Value::Null);
    assert_eq!(
        spot["capacity_providers"],
        serde_json::json!(["FARGATE_SPOT"])
    );
}

#[test]
fn given_an_unknown_cluster_when_listing_then_one_sentence_and_exit_1() {
    let (out, _) = ls(demo(), &["--cluster", "nope"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr.trim(),
        "ecs-debug: Cluster 'nope' was not found in us-east-1: check the name and the region."
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn given_a_closed_port_when_listing_then_unreachable_is_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command();
    cmd.args(["--endpoint-url", &format!("http://127.0.0.1:{port}"), "ls"]);
    let out = run(cmd);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr.trim(),
        format!(
            "ecs-debug: Could not reach the AWS endpoint http://127.0.0.1:{port} (connection \
             refused): check your network, the region or --endpoint-url."
        )
    );
}

#[test]
fn given_throttling_when_listing_then_retries_finish_the_listing() {
    // Faults are global to an emulator: this test gets its own.
    let emulator = &Emulator::start("demo");
    emulator.inject_fault("ListClusters", "ThrottlingException", 3);
    let (out, json) = ls(emulator, &[]);
    assert_eq!(out.code, Some(0), "stderr: {}", out.stderr);
    assert_eq!(json.unwrap()["clusters"].as_array().unwrap().len(), 4);
}

#[test]
fn given_access_denied_when_listing_then_the_action_is_named() {
    let emulator = &Emulator::start("demo");
    emulator.inject_fault("ListServices", "AccessDeniedException", 1);
    let (out, _) = ls(emulator, &["--cluster", "sandbox"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr.trim(),
        "ecs-debug: Access denied for ecs:ListServices: ask an administrator to allow it for \
         your identity, or pick another profile."
    );
}

#[test]
fn given_no_credentials_when_listing_then_it_says_how_to_set_them() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["--endpoint-url", &demo().endpoint, "ls"]);
    let out = run(cmd);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr.trim(),
        "ecs-debug: No AWS credentials were found: pass --profile, set AWS_PROFILE, or \
         configure credentials with `aws configure`."
    );
}

#[test]
fn given_an_expired_sso_session_when_listing_then_it_says_to_log_in() {
    let sandbox = Sandbox::new();
    let home = sandbox.path();
    std::fs::write(
        home.join("aws-config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
         sso_role_name = Developer\nregion = us-east-1\n\n\
         [sso-session corp]\nsso_start_url = https://corp.example/start\n\
         sso_region = us-east-1\n",
    )
    .unwrap();
    let expected = "ecs-debug: The SSO session of profile 'dev' has expired or was never \
                    started: run `aws sso login --profile dev` and try again.";
    let ls_dev = || {
        let mut cmd = sandbox.command();
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .args(["--profile", "dev", "--endpoint-url", &demo().endpoint, "ls"]);
        run(cmd)
    };
    // Never logged in: no cached token at all.
    let out = ls_dev();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stderr.trim(), expected);

    // Logged in once; the cached token (file named by the SHA-1 of the
    // session name) has expired and has no refresh token.
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"startUrl":"https://corp.example/start","region":"us-east-1",
            "accessToken":"expired-token-value","expiresAt":"2020-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let out = ls_dev();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(out.stderr.trim(), expected);
    assert!(!out.stderr.contains("expired-token-value"));
    let log = std::fs::read_to_string(home.join("state/ecs-debug/ecs-debug.log")).unwrap();
    assert!(
        log.contains("SSO token has expired"),
        "the cached token was read"
    );
    assert!(
        !log.contains("expired-token-value"),
        "the token is never logged"
    );
}

#[test]
fn given_bad_usage_then_exit_2() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command();
    cmd.args(["ls", "--no-such-flag"]);
    assert_eq!(run(cmd).code, Some(2));
    let mut cmd = sandbox.command();
    cmd.args(["--region", "moon-base", "ls"]);
    let out = run(cmd);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr.trim(),
        "ecs-debug: Unknown region 'moon-base': pass a region such as us-east-1 with --region, \
         or press g in the explorer."
    );
}

#[test]
fn given_a_broken_config_file_then_one_sentence_and_nothing_runs() {
    let sandbox = Sandbox::new();
    let path = sandbox.path().join("config.toml");
    std::fs::write(&path, "[keys]\ndown = [\"q\"]\n").unwrap();
    let mut cmd = sandbox.command();
    cmd.args(["--config", path.to_str().unwrap(), "ls"]);
    let out = run(cmd);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr.trim(),
        "ecs-debug: The [keys] table of the configuration is not valid: key 'q' is bound to \
         both 'down' and 'quit'."
    );
}

#[test]
fn given_a_profile_without_credentials_then_the_profile_is_named() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            "--profile",
            "nosuch",
            "--endpoint-url",
            &demo().endpoint,
            "ls",
        ]);
    let out = run(cmd);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr.trim(),
        "ecs-debug: No AWS credentials were found for profile 'nosuch': check its name in \
         ~/.aws/config and ~/.aws/credentials, or run `aws configure --profile nosuch`."
    );
}
