//! `make bench`: explorer performance against the emulator's `scale`
//! account (250 clusters, one of them with 1,000 services).
//!
//! Prints a Markdown table for the README. Every number is measured here,
//! in one run: launch to first frame and to loaded clusters (the real
//! binary in tmux), describing the 1,000-service cluster concurrently and
//! sequentially, peak memory with every service loaded, and the time to
//! draw one frame of a small and of a very large tree.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveTime;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use ecs_debug::app::keymap::Keymap;
use ecs_debug::app::{App, Clock, StatusInfo, Update};
use ecs_debug::aws::ecs::{Inventory, SERVICE_BATCH};
use ecs_debug::aws::{AwsContext, ConnectOptions};
use ecs_debug::model::{Cluster, DebugStatus, Service};
use support::{Emulator, Sandbox};

const BIG: &str = "scale-1000-services";
/// Added to every emulator call in the describe benchmark, to stand for
/// an API call to a nearby AWS region (network round trip plus service
/// time). The emulator itself answers one request at a time.
const RTT_MS: u64 = 80;

fn main() {
    let emulator = Emulator::start("scale");
    let sandbox = Sandbox::new();
    for (k, v) in sandbox.env() {
        // SAFETY: single-threaded at this point; nothing reads the
        // environment concurrently.
        unsafe { std::env::set_var(k, v) };
    }
    let mut rows: Vec<(String, String)> = Vec::new();

    let (first_frame, clusters_shown, rss_kb) = tui_launch(&emulator, &sandbox);
    rows.push((
        "launch → first frame (real binary in tmux)".into(),
        ms(first_frame),
    ));
    rows.push(("launch → 250 clusters on screen".into(), ms(clusters_shown)));
    rows.push((
        "peak RSS, all 250 clusters and 1,284 services loaded".into(),
        format!("{:.1} MB", rss_kb as f64 / 1024.0),
    ));

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    for latency in [RTT_MS, 20, 0] {
        emulator.set_latency("*", latency);
        let (concurrent, sequential) = runtime.block_on(describe_big(&emulator));
        emulator.set_latency("*", 0);
        let label = if latency > 0 {
            format!("with {latency} ms per call")
        } else {
            "no added latency".to_string()
        };
        rows.push((
            format!("describe 1,000 services, concurrent (8 in flight), {label}"),
            ms(concurrent),
        ));
        rows.push((format!("same work sequentially, {label}"), ms(sequential)));
        rows.push((
            format!("speed-up, {label}"),
            format!(
                "{:.1}×",
                sequential.as_secs_f64() / concurrent.as_secs_f64()
            ),
        ));
    }

    for (clusters, per_cluster) in [(3, 3), (250, 40)] {
        let nodes = clusters + clusters * per_cluster;
        let (mean, p99) = frame_time(clusters, per_cluster);
        rows.push((
            format!("draw one frame, {nodes} nodes expanded (mean / p99)"),
            format!("{:.3} ms / {:.3} ms", mean * 1e3, p99 * 1e3),
        ));
    }

    println!("| measurement | result |\n|---|---|");
    for (what, value) in rows {
        println!("| {what} | {value} |");
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

/// Starts the binary in tmux; times the first frame and the cluster list,
/// then loads every cluster's services (the filter does) and reads the
/// process's peak resident memory.
fn tui_launch(emulator: &Emulator, sandbox: &Sandbox) -> (Duration, Duration, u64) {
    let socket = format!("ecs-debug-bench-{}", std::process::id());
    let tmux = |args: &[&str]| {
        let out = Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output();
        String::from_utf8_lossy(&out.expect("tmux").stdout).into_owned()
    };
    let command = format!(
        "exec {} --endpoint-url {}",
        env!("CARGO_BIN_EXE_ecs-debug"),
        emulator.endpoint
    );
    let mut new = vec!["new-session", "-d", "-s", "b", "-x", "160", "-y", "50"];
    let env: Vec<String> = sandbox
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in &env {
        new.extend(["-e", e.as_str()]);
    }
    new.push(&command);
    let started = Instant::now();
    tmux(&new);
    let wait = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = tmux(&["capture-pane", "-p", "-t", "b"]);
            if screen.contains(what) {
                return started.elapsed();
            }
            assert!(Instant::now() < deadline, "never saw {what}:\n{screen}");
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    let first_frame = wait("Explorer");
    let clusters = wait("250 clusters");
    let pid = tmux(&["display", "-p", "-t", "b", "#{pane_pid}"])
        .trim()
        .to_string();
    tmux(&["send-keys", "-t", "b", "/"]);
    wait("Loaded 1000 services of scale-1000-services");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", "b"]);
        // The last cluster to answer logs its line; wait for loads to stop.
        std::thread::sleep(Duration::from_millis(500));
        if screen == tmux(&["capture-pane", "-p", "-t", "b"]) || Instant::now() > deadline {
            break;
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .expect("VmHWM");
    tmux(&["kill-server"]);
    (first_frame, clusters, rss)
}

async fn describe_big(emulator: &Emulator) -> (Duration, Duration) {
    let ctx = AwsContext::load(&ConnectOptions {
        endpoint_url: Some(emulator.endpoint.clone()),
        region: Some("us-east-1".into()),
        concurrency: 8,
        ..Default::default()
    })
    .await
    .expect("context");
    let inventory = Inventory::new(&ctx);
    let cluster = inventory.cluster(BIG).await.expect("big cluster");

    let started = Instant::now();
    let services = inventory.services(&cluster.arn).await.expect("services");
    let concurrent = started.elapsed();
    assert_eq!(services.len(), 1000);

    let started = Instant::now();
    let mut token = None;
    let mut described = 0;
    loop {
        let (arns, next) = inventory
            .list_service_page(&cluster.arn, token)
            .await
            .unwrap();
        for chunk in arns.chunks(SERVICE_BATCH) {
            described += inventory
                .describe_service_batch(&cluster.arn, chunk)
                .await
                .unwrap()
                .len();
        }
        match next {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    let sequential = started.elapsed();
    assert_eq!(described, 1000);
    (concurrent, sequential)
}

/// Mean and 99th percentile seconds to draw a 160×50 frame of a tree with
/// `clusters` clusters of `per_cluster` services each, all expanded.
fn frame_time(clusters: usize, per_cluster: usize) -> (f64, f64) {
    let status = StatusInfo {
        region: "us-east-1".into(),
        account: Some("123456789012".into()),
        ..Default::default()
    };
    let mut app = App::new(status, Keymap::default(), Clock::Fixed(NaiveTime::MIN));
    app.start();
    let list: Vec<Cluster> = (0..clusters)
        .map(|i| Cluster {
            name: format!("cluster-{i:04}"),
            arn: format!("arn:aws:ecs:us-east-1:1:cluster/cluster-{i:04}"),
            status: "ACTIVE".into(),
            active_services: per_cluster as i32,
            running_tasks: per_cluster as i32,
            pending_tasks: 0,
            container_instances: 0,
        })
        .collect();
    app.apply(Update::Clusters {
        region: "us-east-1".into(),
        result: Ok(list.clone()),
        elapsed: Duration::ZERO,
    });
    for c in &list {
        app.tree.expand_cluster(&c.arn);
        let services = (0..per_cluster)
            .map(|j| Service {
                name: format!("service-{j:04}"),
                arn: format!("{}/service-{j:04}", c.arn.replace(":cluster/", ":service/")),
                cluster_arn: c.arn.clone(),
                status: "ACTIVE".into(),
                desired: 2,
                running: 2,
                pending: 0,
                launch_type: "FARGATE".into(),
                capacity_providers: vec![],
                platform_version: None,
                task_definition: "arn:aws:ecs:us-east-1:1:task-definition/app:1".into(),
                load_balancers: vec![],
                exec_enabled: false,
                awsvpc: true,
                debug: DebugStatus::None,
            })
            .collect();
        app.apply(Update::Services {
            region: "us-east-1".into(),
            cluster_arn: c.arn.clone(),
            result: Ok(services),
            elapsed: Duration::ZERO,
        });
    }
    // Select a row in the middle so the window is scrolled.
    app.tree.select_index(app.tree.rows().len() / 2);
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    let mut samples = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let t = Instant::now();
        terminal
            .draw(|f| ecs_debug::ui::draw(f, &mut app))
            .expect("draw");
        samples.push(t.elapsed().as_secs_f64());
    }
    samples.sort_by(f64::total_cmp);
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    (mean, samples[samples.len() * 99 / 100])
}
