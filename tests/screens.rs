//! Snapshot tests of whole screens: the app is driven with the same
//! updates and keys the runtime would feed it, then drawn on a test
//! backend.

use std::time::Duration;

use chrono::NaiveTime;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use std::time::Instant;

use ecs_debug::app::keymap::Keymap;
use ecs_debug::app::ops::{OpOutcome, ServiceRef};
use ecs_debug::app::{App, Clock, StatusInfo, Update};
use ecs_debug::engine::catalog::{RoleEntry, Usability};
use ecs_debug::engine::enable::EnableSummary;
use ecs_debug::engine::status::{State, StatusEntry};
use ecs_debug::engine::{Finding, Progress, Severity};
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
    screen_sized(app, 100, 28)
}

fn screen_sized(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
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

// --- cloud debugging --------------------------------------------------------

const ACCOUNT_ROLE: &str = "arn:aws:iam::123456789012:role/";

fn web_ref() -> ServiceRef {
    ServiceRef {
        region: REGION.into(),
        cluster: "demo-apps".into(),
        service: "web".into(),
    }
}

fn role(path: &str, name: &str, trusted: &str) -> RoleEntry {
    RoleEntry {
        name: name.into(),
        path: path.into(),
        arn: format!("{ACCOUNT_ROLE}{}{name}", path.trim_start_matches('/')),
        trusted_services: vec![trusted.into()],
        description: None,
    }
}

/// `web` selected in the expanded demo-apps cluster.
fn on_web() -> App {
    let mut app = expanded();
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.tree.selected_service().unwrap().name, "web");
    app
}

/// The role picker for web with the roles listed; `checked` verdicts in.
fn picker(checked: &[(&str, Usability)]) -> App {
    let mut app = on_web();
    app.ask_before_enable = false;
    press(&mut app, KeyCode::Char('e'));
    let tasks = "ecs-tasks.amazonaws.com";
    let roles = vec![
        role("/service/team-a/", "admin-portal-task-role", tasks),
        role("/", "ecs-debug-task-role", tasks),
        role("/", "ecsServiceRole", "ecs.amazonaws.com"),
        role("/", "ecsTaskExecutionRole", tasks),
        role("/", "legacy-task-role", tasks),
        role("/", "orders-task-role", tasks),
        role("/", "web-task-role", tasks),
    ];
    app.apply(Update::Roles {
        service: web_ref(),
        result: Ok((roles, Some(format!("{ACCOUNT_ROLE}web-task-role")))),
    });
    for (name, verdict) in checked {
        app.apply(Update::RoleChecked {
            arn: format!("{ACCOUNT_ROLE}{name}"),
            usability: verdict.clone(),
        });
    }
    app
}

fn no_ssm() -> Usability {
    Usability::NotUsable("allows none of the four ssmmessages actions ECS Exec needs".into())
}

#[test]
fn given_mixed_roles_when_filtering_the_picker_then_each_shows_its_verdict_and_a_refusal() {
    let mut app = picker(&[
        ("service/team-a/admin-portal-task-role", Usability::Usable),
        ("ecs-debug-task-role", Usability::Usable),
        ("ecsTaskExecutionRole", no_ssm()),
        (
            "legacy-task-role",
            Usability::NotVerified("its permissions could not be simulated: access denied".into()),
        ),
        ("orders-task-role", no_ssm()),
    ]);
    app.apply(Update::RoleDetails {
        arn: format!("{ACCOUNT_ROLE}orders-task-role"),
        result: Ok(vec!["OrdersDynamoDbAccess".into()]),
    });
    type_text(&mut app, "task");
    // The current role (web-task-role, still being checked) stays selected;
    // up to orders-task-role, which Enter refuses.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    assert!(!text.contains("ecsServiceRole"), "filtered out");
    assert!(text.contains("orders-task-role cannot be used"), "{text}");
    insta::assert_snapshot!("role_picker_filtered", text);
}

#[test]
fn given_a_role_without_trust_when_preflight_fails_then_the_problems_and_fixes_show() {
    let mut app = picker(&[]);
    type_text(&mut app, "ecsServ");
    app.handle_key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL));
    app.apply(Update::Preflight {
        service: web_ref(),
        result: Ok(vec![
            Finding {
                check: "identity",
                severity: Severity::Pass,
                message: "Calling as account 123456789012.".into(),
                fix: None,
            },
            Finding {
                check: "task-role-trust",
                severity: Severity::Fail,
                message: "ecsServiceRole is trusted by ecs.amazonaws.com, not by \
                          ecs-tasks.amazonaws.com: ECS tasks cannot use it."
                    .into(),
                fix: Some(
                    "Pick another role, or add ecs-tasks.amazonaws.com to its trust policy.".into(),
                ),
            },
            Finding {
                check: "container",
                severity: Severity::Warn,
                message: "Container web sets AWS_ACCESS_KEY_ID in its environment.".into(),
                fix: Some("Remove them from the task definition.".into()),
            },
        ]),
    });
    insta::assert_snapshot!("preflight_failed", screen(&mut app));
}

/// An enable of web that passed preflight and is two steps in.
fn provisioning(t0: Instant) -> App {
    let mut app = picker(&[("ecs-debug-task-role", Usability::Usable)]);
    type_text(&mut app, "ecs-debug");
    press(&mut app, KeyCode::Enter);
    app.apply(Update::Preflight {
        service: web_ref(),
        result: Ok(vec![]),
    });
    let steps = [
        (
            "bucket",
            "Prepare the state bucket",
            "Using state bucket do-not-delete-cloud-debug-us-east-1-123456789012.",
        ),
        (
            "task-definition",
            "Register the debug task definition",
            "Registered cloud-debug-web:1 with task role ecs-debug-task-role.",
        ),
    ];
    app.tick(t0);
    for (step, title, detail) in steps {
        app.apply(Update::Progress {
            service: web_ref(),
            progress: Progress::Started {
                step: step.into(),
                title: title.into(),
            },
        });
        app.apply(Update::Progress {
            service: web_ref(),
            progress: Progress::Detail {
                step: step.into(),
                text: detail.into(),
            },
        });
        app.apply(Update::Progress {
            service: web_ref(),
            progress: Progress::Finished {
                step: step.into(),
                elapsed: Duration::from_millis(400),
            },
        });
    }
    app.apply(Update::Progress {
        service: web_ref(),
        progress: Progress::Started {
            step: "debug-service".into(),
            title: "Create the debug service".into(),
        },
    });
    app.tick(t0 + Duration::from_millis(2300));
    app
}

#[test]
fn given_an_enable_in_progress_then_steps_show_spinner_elapsed_and_marks() {
    let mut app = provisioning(Instant::now());
    let text = screen_sized(&mut app, 100, 40);
    assert!(text.contains("Create the debug service  2.3 s"), "{text}");
    assert!(text.contains("enabling"), "the tree row says so:\n{text}");
    insta::assert_snapshot!("build_output_midway", text);
}

#[test]
fn given_an_enable_that_finished_then_the_summary_ends_the_output_and_the_twin_shows() {
    let t0 = Instant::now();
    let mut app = provisioning(t0);
    app.apply(Update::Progress {
        service: web_ref(),
        progress: Progress::Finished {
            step: "debug-service".into(),
            elapsed: Duration::from_millis(2600),
        },
    });
    let effects = app.apply(Update::OpEnded {
        service: web_ref(),
        result: Ok(OpOutcome::Enabled(EnableSummary {
            cluster: "demo-apps".into(),
            service: "web".into(),
            debug_service: "cloud-debug-web".into(),
            task_role: format!("{ACCOUNT_ROLE}ecs-debug-task-role"),
            task: Some("arn:aws:ecs:us-east-1:123456789012:task/demo-apps/0f1e".into()),
            created: vec![
                "task definition cloud-debug-web:1".into(),
                "target group cloud-debug-web-tg".into(),
                "service cloud-debug-web in cluster demo-apps".into(),
            ],
            changed: vec![
                "listener HTTP:80 default action now forwards to the debug target groups".into(),
                "web scaled from 2 to 0".into(),
            ],
            notes: vec![],
            seconds: 4.2,
        })),
    });
    assert_eq!(effects.len(), 1, "the cluster reloads: {effects:?}");
    let mut services = apps_services();
    let mut twin = service("demo-apps", "cloud-debug-web", 1, "FARGATE");
    twin.exec_enabled = true;
    services.push(twin);
    if let Some(web) = services.iter_mut().find(|s| s.name == "web") {
        web.desired = 0;
        web.running = 0;
    }
    model::pair_and_sort(&mut services);
    app.apply(Update::Services {
        region: REGION.into(),
        cluster_arn: cluster("demo-apps", 0, 0).arn,
        result: Ok(services),
        elapsed: Duration::from_millis(60),
    });
    let text = screen_sized(&mut app, 100, 40);
    let twin = text.find("◆ cloud-debug-web").expect("twin listed");
    let original = text.find("• web ").expect("original listed");
    assert!(twin < original, "twin first:\n{text}");
    insta::assert_snapshot!("build_output_finished", text);
}

#[test]
fn given_state_records_when_the_status_view_opens_then_every_service_and_action_shows() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('S'));
    let entry = |service: &str, state: State, next: Option<&str>| StatusEntry {
        cluster: "demo-apps".into(),
        service: service.into(),
        debug_service: format!("cloud-debug-{service}"),
        state,
        task_role: format!("{ACCOUNT_ROLE}ecs-debug-task-role"),
        since: "2026-03-02T09:12:44Z".into(),
        next: next.map(str::to_string),
    };
    app.apply(Update::Status {
        region: REGION.into(),
        result: Ok(vec![
            entry(
                "orders-api",
                State::Interrupted,
                Some("ecs-debug enable --cluster demo-apps --service orders-api"),
            ),
            entry("storefront-web", State::Enabled, None),
            entry(
                "admin-portal",
                State::Interrupted,
                Some("ecs-debug disable --cluster demo-apps --service admin-portal"),
            ),
        ]),
    });
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("status_view", screen(&mut app));
}

#[test]
fn given_a_service_when_enter_is_pressed_then_its_context_menu_opens() {
    let mut app = on_web();
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("context_menu", screen(&mut app));
}

#[test]
fn given_enable_when_asked_then_the_not_production_confirmation_shows() {
    let mut app = on_web();
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Char(' '));
    insta::assert_snapshot!("confirm_not_production", screen(&mut app));
}
