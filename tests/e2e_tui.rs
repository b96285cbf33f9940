//! The real binary in tmux against the demo account: keys in, screen out,
//! terminal restored on quit.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::tmux::Tmux;
use support::{Emulator, Sandbox};

fn wait_for_file(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn given_the_demo_account_when_a_user_explores_then_keys_work_and_the_terminal_is_restored() {
    let emulator = Emulator::start("demo");
    let sandbox = Sandbox::new();
    let dir = sandbox.path().display().to_string();
    let command = format!(
        "{bin} --endpoint-url {ep}; stty -a > {dir}/stty.txt; touch {dir}/done; sleep 30",
        bin = env!("CARGO_BIN_EXE_ecs-debug"),
        ep = emulator.endpoint,
    );
    let tmux = Tmux::start("e2e", &command, &sandbox.env());

    let screen = tmux.wait_for("the clusters", |s| {
        s.contains("dev-apps") && s.contains("4 clusters")
    });
    assert!(
        screen.contains("123456789012"),
        "account in the status bar:\n{screen}"
    );
    assert!(
        screen.contains("? help"),
        "hints from the keymap:\n{screen}"
    );

    // Expand the first cluster (dev-apps) with j, Enter.
    tmux.keys(&["j", "Enter"]);
    let screen = tmux.wait_for("services", |s| s.contains("cloud-debug-payments"));
    let twin = screen.find("◆ cloud-debug-payments").expect("twin marker");
    let original = screen.find("• payments").expect("original listed");
    assert!(twin < original, "twin first:\n{screen}");
    assert!(screen.contains("◆ DEBUG"), "{screen}");
    assert!(screen.contains("(debugging)"), "{screen}");

    // Filter for "report": the service in another cluster is found.
    tmux.keys(&["/", "r", "e", "p", "o", "r", "t"]);
    let screen = tmux.wait_for("filtered tree", |s| {
        s.contains("report-generator") && s.contains("filter: report▏")
    });
    assert!(screen.contains("filter: report"), "{screen}");
    assert!(
        !screen.contains("storefront-web"),
        "non-matching services hidden:\n{screen}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("filter cleared", |s| {
        s.contains("storefront-web") && !s.contains("filter:")
    });

    // Help lists the bindings; ? closes it again.
    tmux.keys(&["?"]);
    tmux.wait_for("help", |s| {
        s.contains("show or hide this help") && s.contains("Ctrl-c")
    });
    tmux.keys(&["?"]);
    tmux.wait_for("help closed", |s| !s.contains("show or hide this help"));

    tmux.keys(&["q"]);
    wait_for_file(&sandbox.path().join("done"));
    let stty = std::fs::read_to_string(sandbox.path().join("stty.txt")).unwrap();
    assert!(
        !stty.contains("-icanon"),
        "canonical mode restored:\n{stty}"
    );
    assert!(!stty.contains("-echo "), "echo restored:\n{stty}");
    assert_eq!(
        tmux.tmux(&["display", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "0"
    );
    let log = sandbox.path().join("state/ecs-debug/ecs-debug.log");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&log).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "log file is private");
}
