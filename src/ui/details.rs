//! Facts about the selected node.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Theme;
use crate::app::App;
use crate::app::tree::{Load, Note, Row};
use crate::model::{DebugStatus, Service, ServiceExtras};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lines = match app.tree.selected_row() {
        Some(Row::Region) | Some(Row::Note(None, _)) | None => region_lines(app, theme),
        Some(Row::Cluster(c)) | Some(Row::Note(Some(c), _)) => cluster_lines(app, *c, theme),
        Some(Row::Service(c, s)) => match app.tree.service_at(*c, *s) {
            Some(svc) => service_lines(svc, app.extras.get(&svc.arn), theme),
            None => vec![],
        },
    };
    let mut lines = lines;
    if let Some(Row::Note(_, Note::Failed(e))) = app.tree.selected_row() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(e.clone(), theme.error())));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Details ")
        .border_style(theme.border(false));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn field(theme: &Theme, name: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<15}"), theme.muted()),
        Span::raw(value.into()),
    ])
}

fn region_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let s = &app.status;
    let clusters = app.tree.cluster_nodes();
    let mut lines = vec![
        field(theme, "Region", s.region.clone()),
        field(
            theme,
            "Account",
            s.account.clone().unwrap_or_else(|| "…".into()),
        ),
        field(
            theme,
            "Profile",
            s.profile.clone().unwrap_or_else(|| "default".into()),
        ),
    ];
    if let Some(e) = &s.endpoint {
        lines.push(field(theme, "Endpoint", e.clone()));
    }
    if app.tree.clusters.ready().is_some() {
        let services: i32 = clusters.iter().map(|n| n.cluster.active_services).sum();
        let tasks: i32 = clusters.iter().map(|n| n.cluster.running_tasks).sum();
        lines.push(field(theme, "Clusters", clusters.len().to_string()));
        lines.push(field(theme, "Services", services.to_string()));
        lines.push(field(theme, "Running tasks", tasks.to_string()));
    }
    lines
}

fn cluster_lines(app: &App, index: usize, theme: &Theme) -> Vec<Line<'static>> {
    let Some(node) = app.tree.node(index) else {
        return vec![];
    };
    let c = &node.cluster;
    let mut lines = vec![
        field(theme, "Cluster", c.name.clone()),
        field(theme, "Status", c.status.clone()),
        field(theme, "ARN", c.arn.clone()),
        field(theme, "Services", c.active_services.to_string()),
        field(theme, "Running tasks", c.running_tasks.to_string()),
        field(theme, "Pending tasks", c.pending_tasks.to_string()),
        field(theme, "Instances", c.container_instances.to_string()),
    ];
    if let Load::Ready(list) = &node.services {
        let debugging = list.iter().filter(|s| s.debug == DebugStatus::Twin).count();
        lines.push(field(
            theme,
            "Debugging",
            crate::model::plural(debugging, "service"),
        ));
    }
    lines
}

fn service_lines(
    s: &Service,
    extras: Option<&Load<ServiceExtras>>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let debug = match s.debug {
        DebugStatus::None => "not enabled".to_string(),
        DebugStatus::Enabled => format!("enabled (twin: cloud-debug-{})", s.name),
        DebugStatus::Twin => format!("debug twin of {}", s.original_name()),
    };
    let mut lines = vec![
        field(theme, "Service", s.name.clone()),
        field(theme, "Status", s.status.clone()),
        field(theme, "Cloud debug", debug),
        field(theme, "Task def", s.task_definition_short().to_string()),
        field(
            theme,
            "Tasks",
            format!(
                "{} desired · {} running · {} pending",
                s.desired, s.running, s.pending
            ),
        ),
        field(theme, "Launch type", s.placement()),
        field(
            theme,
            "Platform",
            s.platform_version.clone().unwrap_or_else(|| "-".into()),
        ),
        field(theme, "ECS Exec", yes_no(s.exec_enabled)),
    ];
    if s.load_balancers.is_empty() {
        lines.push(field(theme, "Load balancers", "none"));
    }
    for (i, lb) in s.load_balancers.iter().enumerate() {
        let name = if i == 0 { "Load balancers" } else { "" };
        lines.push(field(theme, name, lb.label()));
    }
    match extras {
        Some(Load::Ready(x)) => {
            let mode = x.network_mode.clone().unwrap_or_else(|| "-".into());
            lines.push(field(theme, "Network mode", mode));
            fn role(r: &Option<String>) -> &str {
                r.as_deref().map(short_role).unwrap_or("none")
            }
            lines.push(field(theme, "Task role", role(&x.task_role).to_string()));
            lines.push(field(
                theme,
                "Exec. role",
                role(&x.execution_role).to_string(),
            ));
            lines.push(field(theme, "Containers", x.containers.join(", ")));
            let scaling = match x.scaling {
                Some((min, max)) => format!("min {min} · max {max}"),
                None => "none".to_string(),
            };
            lines.push(field(theme, "Scaling", scaling));
        }
        Some(Load::Failed(e)) => lines.push(Line::from(Span::styled(
            format!("More details: {e}"),
            theme.warn(),
        ))),
        _ => lines.push(Line::from(Span::styled(
            "loading more details…",
            theme.muted(),
        ))),
    }
    lines
}

/// `arn:aws:iam::1:role/path/name` → `path/name`.
fn short_role(arn: &str) -> &str {
    arn.split_once(":role/").map(|(_, r)| r).unwrap_or(arn)
}
