//! Snapshot tests of whole screens: the app is driven with the same
//! updates and keys the runtime would feed it, then drawn on a test
//! backend.

use std::time::Duration;

use chrono::NaiveTime;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use ecs_debug::app::keymap::Keymap;
use ecs_debug::app::{App, Clock, StatusInfo, Update};
use ecs_debug::model::{self, Cluster, DebugStatus, LoadBalancerRef, Service, ServiceExtras};

const REGION: &str = "us-east-1";

fn cluster(name: &str, services: i32, tasks: i32) -> Cluster {
    Cluster {
        name: name.into(),
        arn: format!("arn:aws:ecs:us-east-1:123456789012:cluster/{name}"),
        status: "ACTIVE".into(),
        active_services: services,
        running_tasks: tasks,
        pending_tasks: 0,
        container_instances: 0,
    }
}

fn service(cluster: &str, name: &str, desired: i32, launch: &str) -> Service {
    Service {
        name: name.into(),
        arn: format!("arn:aws:ecs:us-east-1:123456789012:service/{cluster}/{name}"),
        cluster_arn: format!("arn:aws:ecs:us-east-1:123456789012:cluster/{cluster}"),
        status: "ACTIVE".into(),
        desired,
        running: desired,
        pending: 0,
        launch_type: launch.into(),
        capacity_providers: vec![],
        platform_version: (launch == "FARGATE").then(|| "1.4.0".into()),
        task_definition: format!("arn:aws:ecs:us-east-1:123456789012:task-definition/{name}:3"),
        load_balancers: vec![],
        exec_enabled: false,
        awsvpc: launch == "FARGATE",
        debug: DebugStatus::None,
    }
}

fn app() -> App {
    let status = StatusInfo {
        profile: Some("demo".into()),
        region: REGION.into(),
        account: None,
        endpoint: Some("http://127.0.0.1:5000".into()),
    };
    let mut app = App::new(
        status,
        Keymap::default(),
        Clock::Fixed(NaiveTime::from_hms_opt(9, 30, 0).unwrap()),
    );
    app.color = false;
    app.start();
    app
}

fn loaded() -> App {
    let mut app = app();
    app.apply(Update::Account(Ok("123456789012".into())));
    app.apply(Update::Clusters {
        region: REGION.into(),
        result: Ok(vec![
            cluster("demo-apps", 6, 7),
            cluster("demo-batch", 2, 2),
            cluster("demo-empty", 0, 0),
        ]),
        elapsed: Duration::from_millis(420),
    });
    app
}

fn apps_services() -> Vec<Service> {
    let mut web = service("demo-apps", "web", 2, "FARGATE");
    web.load_balancers = vec![LoadBalancerRef {
        target_group_arn: Some(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/1a2b".into(),
        ),
        load_balancer_name: None,
        container_name: Some("web".into()),
        container_port: Some(8080),
    }];
    web.exec_enabled = true;
    let mut payments = service("demo-apps", "payments", 0, "FARGATE");
    payments.running = 0;
    let mut list = vec![
        web,
        service("demo-apps", "api", 2, "FARGATE"),
        payments,
        service("demo-apps", "cloud-debug-payments", 1, "FARGATE"),
        service("demo-apps", "admin", 1, "EC2"),
    ];
    model::pair_and_sort(&mut list);
    list
}

fn expanded() -> App {
    let mut app = loaded();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    app.apply(Update::Services {
        region: REGION.into(),
        cluster_arn: cluster("demo-apps", 0, 0).arn,
        result: Ok(apps_services()),
        elapsed: Duration::from_millis(130),
    });
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn screen(app: &mut App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 28)).unwrap();
    terminal.draw(|f| ecs_debug::ui::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[test]
fn given_startup_when_clusters_are_loading_then_a_loading_row_shows() {
    let mut app = app();
    insta::assert_snapshot!("loading", screen(&mut app));
}

#[test]
fn given_an_enabled_pair_when_the_cluster_is_expanded_then_twin_is_first_and_marked() {
    let mut app = expanded();
    let text = screen(&mut app);
    let twin = text.find("cloud-debug-payments").unwrap();
    let original = text.find("• payments").unwrap();
    assert!(twin < original, "twin is listed before its original");
    insta::assert_snapshot!("expanded_with_markers", text);
}

#[test]
fn given_a_service_with_details_when_selected_then_details_pane_shows_them() {
    let mut app = expanded();
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    let arn = app.tree.selected_service().unwrap().arn.clone();
    app.apply(Update::Extras {
        service_arn: arn,
        result: Ok(ServiceExtras {
            network_mode: Some("awsvpc".into()),
            task_role: Some("arn:aws:iam::123456789012:role/app/web-task".into()),
            execution_role: Some("arn:aws:iam::123456789012:role/ecsTaskExecutionRole".into()),
            containers: vec!["web".into(), "log-router".into()],
            scaling: Some((1, 4)),
        }),
    });
    insta::assert_snapshot!("service_details", screen(&mut app));
}

#[test]
fn given_services_loaded_when_filtering_then_only_matches_show() {
    let mut app = expanded();
    press(&mut app, KeyCode::Char('/'));
    // The other clusters answer the filter's loads.
    for (name, list) in [
        (
            "demo-batch",
            vec![service("demo-batch", "nightly-report", 1, "EC2")],
        ),
        ("demo-empty", vec![]),
    ] {
        app.apply(Update::Services {
            region: REGION.into(),
            cluster_arn: cluster(name, 0, 0).arn,
            result: Ok(list),
            elapsed: Duration::from_millis(90),
        });
    }
    type_text(&mut app, "pay");
    insta::assert_snapshot!("filter_active", screen(&mut app));
}

#[test]
fn given_the_explorer_when_help_is_opened_then_every_binding_is_listed() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help", screen(&mut app));
}

#[test]
fn given_access_denied_when_listing_clusters_then_the_error_is_shown() {
    let mut app = app();
    app.apply(Update::Account(Ok("123456789012".into())));
    app.apply(Update::Clusters {
        region: REGION.into(),
        result: Err(
            "Access denied for ecs:ListClusters: ask an administrator to allow it \
                     for your identity, or pick another profile."
                .into(),
        ),
        elapsed: Duration::from_millis(80),
    });
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("error_shown", screen(&mut app));
}

#[test]
fn given_the_region_picker_when_typing_then_regions_are_filtered() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('g'));
    type_text(&mut app, "eu-");
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("region_picker", screen(&mut app));
}
