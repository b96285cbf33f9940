//! The status view: every enabled service and unfinished operation of the
//! region, from the state records, with what can be done about each.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{SPINNER, Theme, centered, first_key, fit};
use crate::app::App;
use crate::app::action::Action;
use crate::app::ops::OpKind;
use crate::app::popups::StatusView;
use crate::app::short_role;
use crate::app::tree::Load;
use crate::engine::status::State;

pub fn render(frame: &mut Frame, area: Rect, app: &App, view: &StatusView, t: &Theme) {
    let rows = view.rows.ready().map(Vec::len).unwrap_or(1).max(1);
    let popup = centered(area, area.width.saturating_sub(4).min(110), rows as u16 + 5);
    frame.render_widget(Clear, popup);
    let width = popup.width.saturating_sub(2) as usize;
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let header = format!(
        " {:<30} {:<21} {:<16} {}",
        "service", "state", "since (UTC)", "task role"
    );
    let mut lines = vec![Line::from(Span::styled(fit(&header, width), t.muted()))];
    match &view.rows {
        Load::Idle | Load::Loading => lines.push(Line::from(Span::styled(
            format!(" {spin} reading the state records…"),
            t.muted(),
        ))),
        Load::Failed(e) => lines.push(Line::from(Span::styled(format!(" ✗ {e}"), t.error()))),
        Load::Ready(list) if list.is_empty() => lines.push(Line::from(Span::styled(
            format!(" No service is in cloud debugging in {}.", view.region),
            t.muted(),
        ))),
        Load::Ready(list) => {
            for (i, row) in list.iter().enumerate() {
                let here = app.ops.get(&row.service);
                let (state, style) = match (&row.state, row.resume) {
                    _ if here.is_some_and(|o| o.is_active()) => {
                        (format!("{spin} running here"), t.warn())
                    }
                    (_, Some(kind)) if here.is_some() => {
                        (format!("✗ {} stopped", kind.verb()), t.error())
                    }
                    (State::Enabled, _) => ("◆ enabled".to_string(), t.twin()),
                    (State::Enabling, _) => (format!("{spin} enabling"), t.warn()),
                    (State::Disabling, _) => (format!("{spin} disabling"), t.warn()),
                    (State::Interrupted, Some(OpKind::Enable)) => {
                        ("✗ enable interrupted".to_string(), t.error())
                    }
                    (State::Interrupted, _) => ("✗ disable interrupted".to_string(), t.error()),
                };
                let service = fit(&row.service.to_string(), 30);
                // `2026-03-02T09:12:44Z` → `2026-03-02 09:12`.
                let since: String = row.since.replacen('T', " ", 1).chars().take(16).collect();
                let text = format!(
                    " {service:<30} {state:<21} {since:<16} {}",
                    short_role(&row.task_role)
                );
                let line = Line::from(Span::styled(fit(&text, width), style));
                lines.push(if i == view.selected {
                    line.style(t.selected())
                } else {
                    line
                });
            }
        }
    }
    lines.push(Line::default());
    let mut spans = vec![Span::raw(" ")];
    for (key, word) in [
        ("Enter".to_string(), "resume"),
        (first_key(app, Action::Disable), "disable / roll back"),
        (first_key(app, Action::Refresh), "reload"),
        ("Esc".to_string(), "close"),
    ] {
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(format!(" {word}   ")));
    }
    lines.push(Line::from(spans));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Cloud debugging in {} ", view.region))
        .border_style(t.border(true));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
