//! Cloud debugging from the explorer, end to end: the real binary in tmux
//! against the demo account enables storefront-web with the task-role
//! picker, disables it again, refuses a role ECS tasks cannot assume, and
//! keeps answering keys while an enable runs.

mod support;

use std::time::{Duration, Instant};

use support::tmux::Tmux;
use support::{Emulator, Sandbox};

/// The user's own settings, which "don't ask again" must keep.
const USER_CONFIG: &str = "# my settings\nconcurrency = 6\n\n[keys]\nregion = [\"g\", \"F2\"]\n";

/// The tree row the selection marker is on.
fn selected_row(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.chars().nth(1) == Some('›'))
        .map(str::to_string)
}

/// Explorer rows only (left of the details pane), so build-output lines
/// that name a service do not count as the tree showing it.
fn tree_text(screen: &str) -> String {
    screen
        .lines()
        .take_while(|l| !l.starts_with("┌ Build output"))
        .map(|l| l.chars().take(72).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Selects dev-apps/storefront-web through the filter.
fn select_storefront(tmux: &Tmux) {
    tmux.keys(&["/"]);
    tmux.type_text("storefront");
    tmux.keys(&["Enter"]);
    tmux.wait_for("both storefront-web services", |s| {
        s.contains("staging") && s.matches("• storefront-web").count() == 2
    });
    tmux.keys(&["Home", "j", "j"]);
    let screen = tmux.wait_for("storefront-web selected", |s| {
        selected_row(s).is_some_and(|r| r.contains("storefront-web"))
    });
    let lines: Vec<&str> = screen.lines().collect();
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle));
    let selected = lines.iter().position(|l| l.chars().nth(1) == Some('›'));
    assert!(
        at("dev-apps") < selected && selected < at("staging"),
        "the dev-apps one:\n{screen}"
    );
}

/// Picks `role` in the open picker once its verdict is `verdict` and its
/// details show the attached `policy`.
fn pick(tmux: &Tmux, role: &str, verdict: &str, policy: &str) {
    tmux.wait_for("the role picker", |s| {
        s.contains("Task role for dev-apps/storefront-web")
    });
    tmux.type_text(role);
    tmux.wait_for("the verdict and the details", |s| {
        s.contains("1 of ")
            && s.contains(&format!("Policies   {policy}"))
            && s.lines().any(|l| l.contains(role) && l.contains(verdict))
    });
    tmux.keys(&["Enter"]);
}

/// Disables the selected service and waits until the tree has no marker.
fn disable(tmux: &Tmux) {
    tmux.keys(&["d"]);
    tmux.wait_for("the disable confirmation", |s| {
        s.contains("Disable cloud debugging for storefront-web in cluster dev-apps?")
    });
    tmux.keys(&["y"]);
    tmux.wait_up_to(Duration::from_secs(90), "the markers gone", |s| {
        let tree = tree_text(s);
        !tree.contains("cloud-debug-storefront-web")
            && !tree.contains("(debugging)")
            && !tree.contains("disabling")
    });
}

/// True once an enable finished: the twin is listed and nothing runs.
fn enabled(screen: &str) -> bool {
    let tree = tree_text(screen);
    tree.contains("◆ cloud-debug-storefront-web")
        && !tree.contains("enabling")
        && !tree.contains("checking")
}

/// Presses `key` and polls the screen until the selection moved to a row
/// containing `expect`; returns how long that took.
fn key_to_frame(tmux: &Tmux, key: &str, expect: &str) -> Duration {
    let before = selected_row(&tmux.screen());
    let started = Instant::now();
    tmux.keys(&[key]);
    loop {
        let row = selected_row(&tmux.screen());
        if row != before && row.as_deref().is_some_and(|r| r.contains(expect)) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no frame answered {key}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn given_demo_when_storefront_web_is_enabled_and_disabled_in_the_tui_then_all_is_as_before() {
    let emulator = Emulator::start("demo");
    // Keep draining short so that disable does not dominate test time.
    emulator.control("/_emulator/draining", serde_json::json!({"ms": 300}));
    let sandbox = Sandbox::new();
    let config = sandbox.path().join("config/ecs-debug/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, USER_CONFIG).unwrap();
    let command = format!(
        "{bin} --endpoint-url {ep}; sleep 30",
        bin = env!("CARGO_BIN_EXE_ecs-debug"),
        ep = emulator.endpoint,
    );
    let before = emulator.state();
    let tmux = Tmux::start("enable", &command, &sandbox.env());
    tmux.wait_for("the clusters", |s| s.contains("4 clusters"));
    select_storefront(&tmux);

    // Enter opens the menu; its first item enables, after a confirmation
    // whose "don't ask again" is remembered.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the context menu", |s| {
        s.contains("Enable cloud debugging…")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the confirmation", |s| {
        s.contains("in cluster dev-apps a service that is NOT in")
    });
    tmux.keys(&["Space"]);
    tmux.wait_for("don't ask again ticked", |s| {
        s.contains("[x] don't ask again")
    });
    tmux.keys(&["y"]);
    pick(
        &tmux,
        "ecs-debug-task-role",
        "usable",
        "AmazonSSMManagedInstanceCore",
    );
    let screen = tmux.wait_up_to(Duration::from_secs(90), "the enable summary", |s| {
        s.contains("Cloud debugging is on")
    });
    assert!(screen.contains("dev-apps/storefront-web"), "{screen}");
    // The whole build output is in the log file too, engine steps included.
    let log = std::fs::read_to_string(sandbox.path().join("state/ecs-debug/ecs-debug.log"))
        .unwrap_or_default();
    for line in [
        "Register the debug task definition",
        "created: service cloud-debug-storefront-web in cluster dev-apps",
        "Cloud debugging is on",
    ] {
        assert!(log.contains(line), "{line} logged");
    }
    let screen = tmux.wait_for("the debug marker", enabled);
    let tree = tree_text(&screen);
    let twin = tree.find("◆ cloud-debug-storefront-web").unwrap();
    assert!(tree.contains("◆ DEBUG"), "{screen}");
    let original = tree.find("(debugging)").expect("the original is tagged");
    assert!(twin < original, "twin first:\n{screen}");

    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("ask_before_enable = false"), "{saved}");
    for kept in [
        "# my settings",
        "concurrency = 6",
        "region = [\"g\", \"F2\"]",
    ] {
        assert!(saved.contains(kept), "{kept} kept:\n{saved}");
    }
    for call in [
        "ListRoles",
        "ListAttachedRolePolicies",
        "SimulatePrincipalPolicy",
    ] {
        assert!(!emulator.calls(call).is_empty(), "the picker called {call}");
    }

    disable(&tmux);
    tmux.wait_for("the disable summary", |s| {
        s.contains("Cloud debugging is off")
    });
    assert_eq!(emulator.state(), before, "the account is as before");

    // The least-privilege policy allows everything the explorer called.
    let policy = std::fs::read_to_string(support::repo_root().join("assets/iam-policy.json"))
        .expect("the policy");
    for action in emulator
        .requests()
        .iter()
        .filter_map(|r| r["iam_action"].as_str())
        .filter(|a| *a != "sts:GetCallerIdentity")
    {
        assert!(
            policy.contains(&format!("\"{action}\"")),
            "{action} is in the policy"
        );
    }

    // A role only ecs.amazonaws.com trusts is refused with the reason, and
    // nothing is written.
    emulator.clear_requests();
    tmux.keys(&["e"]);
    pick(
        &tmux,
        "ecsServiceRole",
        "not usable",
        "AmazonEC2ContainerServiceRole",
    );
    let screen = tmux.wait_for("the refusal", |s| {
        s.contains("ecsServiceRole cannot be used: trusted by ecs.amazonaws.com, not by")
    });
    assert!(
        screen.contains("Ctrl-o uses it"),
        "the override is named:\n{screen}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("the picker closed", |s| !s.contains("Task role for"));
    assert_eq!(emulator.writes(), Vec::<String>::new());
    assert_eq!(emulator.state(), before, "nothing changed");

    // While a slowed-down enable runs, keys still get a new frame at once.
    std::thread::sleep(Duration::from_millis(200));
    tmux.keys(&["e"]);
    pick(
        &tmux,
        "ecs-debug-task-role",
        "usable",
        "AmazonSSMManagedInstanceCore",
    );
    emulator.set_latency("*", 300);
    tmux.wait_up_to(Duration::from_secs(60), "the enable running", |s| {
        selected_row(s).is_some_and(|r| r.contains("enabling") || r.contains("checking"))
    });
    let mut samples = Vec::new();
    for _ in 0..5 {
        samples.push(key_to_frame(&tmux, "k", "dev-apps"));
        samples.push(key_to_frame(&tmux, "j", "storefront-web"));
    }
    let still_running = selected_row(&tmux.screen())
        .is_some_and(|r| r.contains("enabling") || r.contains("checking"));
    emulator.set_latency("*", 0);
    samples.sort();
    eprintln!(
        "key to frame while an enable runs (300 ms per AWS call, {} samples, still running \
         at the end: {still_running}): min {:?}, median {:?}, max {:?}",
        samples.len(),
        samples[0],
        samples[samples.len() / 2],
        samples[samples.len() - 1]
    );
    tmux.wait_up_to(Duration::from_secs(120), "the second enable", enabled);
    disable(&tmux);
    assert_eq!(emulator.state(), before, "the account is as before again");
}
