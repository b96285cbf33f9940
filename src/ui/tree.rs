//! The explorer tree. Only the rows in the window are laid out, so a
//! frame costs the same with ten nodes or ten thousand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{SPINNER, Theme, fit};
use crate::app::ops::{OpKind, OpPhase};
use crate::app::tree::{Load, Note, Row};
use crate::app::{App, Focus, Mode};
use crate::model::DebugStatus;

pub fn render(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let mut title = " Explorer ".to_string();
    if !app.tree.filter().is_empty() || app.mode == Mode::Filter {
        let cursor = if app.mode == Mode::Filter { "▏" } else { "" };
        title = format!(" Explorer — filter: {}{cursor} ", app.tree.filter());
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.border(app.focus == Focus::Tree));
    let inner = block.inner(area);
    let height = inner.height as usize;
    app.tree.scroll_into_view(height);
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let width = inner.width as usize;
    let tree = &app.tree;
    let rows = tree.rows();
    let start = tree.offset.min(rows.len());
    let end = (start + height).min(rows.len());
    let name_width = rows[start..end]
        .iter()
        .map(|r| row_name(app, r).chars().count() + 2 * r.depth() as usize)
        .max()
        .unwrap_or(0)
        .min(width.saturating_sub(24).max(12));

    let lines: Vec<Line> = (start..end)
        .map(|i| {
            let row = &rows[i];
            let selected = i == tree.selected_index();
            let mut line = row_line(app, row, theme, spin, name_width, width.saturating_sub(1));
            line.spans
                .insert(0, Span::raw(if selected { "›" } else { " " }));
            if selected {
                line = line.style(theme.selected());
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn row_name(app: &App, row: &Row) -> String {
    let tree = &app.tree;
    match row {
        Row::Region => format!("{} ", tree.region),
        Row::Cluster(c) => tree
            .node(*c)
            .map(|n| n.cluster.name.clone())
            .unwrap_or_default(),
        Row::Service(c, s) => tree
            .service_at(*c, *s)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        Row::Note(..) => String::new(),
    }
}

fn row_line(
    app: &App,
    row: &Row,
    theme: &Theme,
    spin: &str,
    name_width: usize,
    width: usize,
) -> Line<'static> {
    let tree = &app.tree;
    let indent = "  ".repeat(row.depth() as usize);
    let pad = |name: &str| {
        let room = name_width.saturating_sub(indent.len());
        format!("{:<room$}", fit(name, room.max(8)))
    };
    match row {
        Row::Region => {
            let arrow = if tree.expanded { "▾" } else { "▸" };
            let account = app
                .status
                .account
                .as_ref()
                .map(|a| format!("  account {a}"))
                .unwrap_or_default();
            let count = tree
                .clusters
                .ready()
                .map(|c| format!("  {} clusters", c.len()))
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(format!("{arrow} {}", tree.region), theme.region()),
                Span::styled(format!("{account}{count}"), theme.muted()),
            ])
        }
        Row::Cluster(c) => {
            let Some(node) = tree.node(*c) else {
                return Line::default();
            };
            let marker = match (&node.services, node.expanded) {
                (Load::Loading, _) => spin,
                (_, true) => "▾",
                _ => "▸",
            };
            let cl = &node.cluster;
            let facts = format!(
                "{}  {} svc  {} running",
                cl.status, cl.active_services, cl.running_tasks
            );
            Line::from(vec![
                Span::raw(format!("{indent}{marker} ")),
                Span::styled(pad(&cl.name), theme.cluster()),
                Span::styled(format!(" {}", fit(&facts, width / 2)), theme.muted()),
            ])
        }
        Row::Service(c, s) => {
            let Some(svc) = tree.service_at(*c, *s) else {
                return Line::default();
            };
            let (icon, name_style, tag) = match svc.debug {
                DebugStatus::Twin => ("◆", theme.twin(), " ◆ DEBUG"),
                DebugStatus::Enabled => ("•", theme.dimmed(), " (debugging)"),
                DebugStatus::None => ("•", ratatui::style::Style::new(), ""),
            };
            let counts = format!("{}/{}", svc.running, svc.desired);
            let mut spans = vec![
                Span::raw(format!("{indent}{icon} ")),
                Span::styled(pad(&svc.name), name_style),
                Span::styled(format!(" {counts:>7}  {}", svc.placement()), theme.muted()),
                Span::styled(tag.to_string(), name_style),
            ];
            if let Some(op) = app.op_for(svc) {
                let (text, style) = match (&op.phase, op.kind) {
                    (OpPhase::Checking, _) => (format!(" {spin} checking"), theme.warn()),
                    (OpPhase::Running, OpKind::Enable) => {
                        (format!(" {spin} enabling"), theme.warn())
                    }
                    (OpPhase::Running, OpKind::Disable) => {
                        (format!(" {spin} disabling"), theme.warn())
                    }
                    (OpPhase::Failed, kind) => {
                        (format!(" ✗ {} stopped", kind.verb()), theme.error())
                    }
                };
                spans.push(Span::styled(text, style));
            }
            Line::from(spans)
        }
        Row::Note(_, note) => {
            let (text, style) = match note {
                Note::Loading => (format!("{spin} loading…"), theme.muted()),
                Note::Empty if row.depth() == 1 => {
                    ("no clusters in this region".to_string(), theme.muted())
                }
                Note::Empty => ("no services".to_string(), theme.muted()),
                Note::NoMatches => ("nothing matches the filter".to_string(), theme.muted()),
                Note::Failed(e) => (format!("✗ {e}"), theme.error()),
            };
            Line::from(Span::styled(fit(&format!("{indent}{text}"), width), style))
        }
    }
}
