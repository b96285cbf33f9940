//! The task-role picker: every role of the account, filtered as you type,
//! each marked usable, not usable or not verified, and the highlighted
//! role's details beside the list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{SPINNER, Theme, centered, fit};
use crate::app::App;
use crate::app::picker::RolePicker;
use crate::app::tree::Load;
use crate::engine::catalog::{RoleEntry, Usability};

/// `✓ usable`, `✗ not usable: …`, `? not verified: …`, or a spinner.
fn verdict<'a>(p: &'a RolePicker, role: &RoleEntry, spin: &'a str, t: &Theme) -> [Span<'a>; 2] {
    match p.verdict(&role.arn) {
        Some(Usability::Usable) => [Span::styled("✓", t.ok()), Span::styled("usable", t.ok())],
        Some(Usability::NotUsable(why)) => [
            Span::styled("✗", t.error()),
            Span::styled(format!("not usable: {why}"), t.error()),
        ],
        Some(Usability::NotVerified(why)) => [
            Span::styled("?", t.warn()),
            Span::styled(format!("not verified: {why}"), t.warn()),
        ],
        None => [
            Span::styled(spin, t.muted()),
            Span::styled("checking…", t.muted()),
        ],
    }
}

/// A role as people write it: `/path/name`, or just the name at `/`.
fn label(role: &RoleEntry) -> String {
    if role.path == "/" {
        role.name.clone()
    } else {
        format!("{}{}", role.path, role.name)
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, p: &RolePicker, t: &Theme) {
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(120),
        area.height.min(26),
    );
    frame.render_widget(Clear, popup);
    let visible = p.visible();
    let total = p.roles.ready().map(Vec::len).unwrap_or(0);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(
            " Task role for {} — {} of {} roles ",
            p.service,
            visible.len(),
            total
        ))
        .border_style(t.border(true));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [top, body, message, keys] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(2),
            Constraint::Length(1),
        ])
        .areas(inner);
    let [list_area, details_area] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(58), Constraint::Percentage(42)])
        .areas(body);

    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" filter › ", t.key()),
            Span::raw(format!("{}▏", p.filter)),
        ])),
        top,
    );

    let spin = SPINNER[app.spinner % SPINNER.len()];
    let height = list_area.height as usize;
    let width = list_area.width as usize;
    let list: Vec<Line> = match &p.roles {
        Load::Idle | Load::Loading => vec![Line::from(Span::styled(
            format!(" {spin} listing the roles of the account…"),
            t.muted(),
        ))],
        Load::Failed(e) => vec![
            Line::from(Span::styled(format!(" ✗ {e}"), t.error())),
            Line::default(),
            Line::from(Span::styled(
                " Type a role name, /path/name or ARN and press Enter.",
                t.muted(),
            )),
        ],
        Load::Ready(_) if visible.is_empty() => {
            vec![Line::from(Span::styled(" no role matches", t.muted()))]
        }
        Load::Ready(_) => {
            let name_width = visible
                .iter()
                .map(|r| label(r).chars().count() + 10)
                .max()
                .unwrap_or(10)
                .min(width / 2);
            let start = p.selected.saturating_sub(height.saturating_sub(1));
            visible
                .iter()
                .enumerate()
                .skip(start)
                .take(height)
                .map(|(i, role)| {
                    let current = if p.current.as_deref() == Some(role.arn.as_str()) {
                        " (current)"
                    } else {
                        ""
                    };
                    let name = format!("{}{current}", label(role));
                    let [mark, words] = verdict(p, role, spin, t);
                    let room = width.saturating_sub(name_width + 5);
                    let words = Span::styled(fit(&words.content, room), words.style);
                    let line = Line::from(vec![
                        Span::raw(" "),
                        mark,
                        Span::raw(format!(" {:<name_width$} ", fit(&name, name_width))),
                        words,
                    ]);
                    if i == p.selected {
                        line.style(t.selected())
                    } else {
                        line
                    }
                })
                .collect()
        }
    };
    frame.render_widget(Paragraph::new(list), list_area);

    let details = match p.highlighted() {
        Some(role) => details(p, role, spin, t),
        None => vec![],
    };
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(t.border(false));
    frame.render_widget(
        Paragraph::new(details)
            .block(block)
            .wrap(Wrap { trim: false }),
        details_area,
    );

    if let Some(m) = &p.message {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(format!(" {m}"), t.error())))
                .wrap(Wrap { trim: false }),
            message,
        );
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, word) in [
        ("Enter", "use this role"),
        ("Ctrl-o", "use anyway (override)"),
        ("↑↓", "move"),
        ("type", "to filter"),
        ("Esc", "cancel"),
    ] {
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(format!(" {word}   ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), keys);
}

fn field(t: &Theme, name: &str, value: Span<'static>) -> Line<'static> {
    Line::from(vec![Span::styled(format!(" {name:<11}"), t.muted()), value])
}

fn details(p: &RolePicker, role: &RoleEntry, spin: &str, t: &Theme) -> Vec<Line<'static>> {
    let plain = |s: String| Span::styled(s, Style::new());
    let trusted = if role.trusted_services.is_empty() {
        "no service".to_string()
    } else {
        role.trusted_services.join(", ")
    };
    let policies = match p.policies.get(&role.arn) {
        Some(Load::Ready(names)) if names.is_empty() => "none attached".to_string(),
        Some(Load::Ready(names)) => names.join(", "),
        Some(Load::Failed(e)) => format!("unknown ({e})"),
        _ => format!("{spin} loading…"),
    };
    let [mark, words] = verdict(p, role, spin, t);
    let mut lines = vec![
        field(t, "Role", plain(role.name.clone())),
        field(t, "Path", plain(role.path.clone())),
        field(t, "ARN", plain(role.arn.clone())),
        field(t, "Trusted by", plain(trusted)),
        field(t, "Policies", plain(policies)),
        field(
            t,
            "Verdict",
            Span::styled(format!("{} {}", mark.content, words.content), words.style),
        ),
    ];
    if let Some(d) = &role.description {
        lines.push(field(t, "About", plain(d.clone())));
    }
    lines
}
