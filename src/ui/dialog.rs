//! The small dialogs of the cloud-debug flow: confirmations, preflight
//! problems and a stopped operation. Each is wrapped text over a hint line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{Theme, centered};
use crate::app::ops::OpKind;
use crate::app::popups::{Confirm, FailureView, PreflightView};
use crate::app::short_role;
use crate::engine::Severity;

/// Draws `lines` (wrapped) in a centred box of at most `width` columns.
fn boxed(frame: &mut Frame, area: Rect, title: String, lines: Vec<Line>, width: u16, t: &Theme) {
    let inner_width = width.min(area.width).saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            super::wrap(&text, inner_width).len()
        })
        .sum();
    let popup = centered(area, width, rows as u16 + 2);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(t.border(true));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}

fn hints(pairs: &[(&str, &str)], t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (key, word) in pairs {
        spans.push(Span::styled(key.to_string(), t.key()));
        spans.push(Span::raw(format!(" {word}   ")));
    }
    Line::from(spans)
}

fn text(s: impl Into<String>, style: Style) -> Line<'static> {
    Line::from(Span::styled(s.into(), style))
}

pub fn render_confirm(frame: &mut Frame, area: Rect, confirm: &Confirm, t: &Theme) {
    let plain = Style::new();
    let (title, mut lines, keys) = match confirm {
        Confirm::Enable {
            service,
            dont_ask_again,
        } => {
            let tick = if *dont_ask_again { "x" } else { " " };
            (
                " Enable cloud debugging ".to_string(),
                vec![
                    text(
                        format!(
                            "{} is scaled to 0 while a debug copy, cloud-debug-{}, serves in \
                             its place. Cloud debugging is not for production services.",
                            service.name, service.name
                        ),
                        plain,
                    ),
                    Line::default(),
                    text(
                        format!(
                            "Is {} in cluster {} a service that is NOT in production?",
                            service.name,
                            service.cluster_arn.rsplit('/').next().unwrap_or("?")
                        ),
                        t.warn(),
                    ),
                    Line::default(),
                    text(format!("[{tick}] don't ask again"), plain),
                ],
                vec![
                    ("y", "yes, go on"),
                    ("Space", "don't ask again"),
                    ("n", "no"),
                ],
            )
        }
        Confirm::Disable { service, rollback } => {
            let body = if *rollback {
                format!(
                    "Roll back the stopped enable of {}? Everything it created is removed \
                     and {} is restored as it was.",
                    service, service.service
                )
            } else {
                format!(
                    "Disable cloud debugging for {} in cluster {}? Its debug copy {} is \
                     deleted and {} is restored as it was.",
                    service.service,
                    service.cluster,
                    service.twin(),
                    service.service
                )
            };
            (
                " Disable cloud debugging ".to_string(),
                vec![text(body, plain)],
                vec![("y", "yes"), ("n", "no")],
            )
        }
        Confirm::Quit { running } => (
            " Quit ".to_string(),
            vec![text(
                format!(
                    "{} still running. Stop at the next safe point and quit? The state \
                     records keep what was done: the status view resumes or rolls back.",
                    if *running == 1 {
                        "1 operation is".to_string()
                    } else {
                        format!("{running} operations are")
                    }
                ),
                plain,
            )],
            vec![("y", "stop and quit"), ("n", "keep running")],
        ),
    };
    lines.push(Line::default());
    lines.push(hints(&keys, t));
    boxed(frame, area, title, lines, 70, t);
}

pub fn render_preflight(frame: &mut Frame, area: Rect, view: &PreflightView, t: &Theme) {
    let mut lines = vec![
        text(format!("Task role: {}", short_role(&view.role)), t.muted()),
        Line::default(),
    ];
    let order = [Severity::Fail, Severity::Warn];
    for severity in order {
        for f in view.findings.iter().filter(|f| f.severity == severity) {
            let (mark, style) = match severity {
                Severity::Fail => ("✗", t.error()),
                _ => ("!", t.warn()),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(f.message.clone(), style),
            ]));
            if let Some(fix) = &f.fix {
                lines.push(text(format!("  → {fix}"), Style::new()));
            }
        }
    }
    lines.push(Line::default());
    lines.push(hints(&[("p", "pick another role"), ("Esc", "close")], t));
    let title = format!(" Preflight: {} — nothing was changed ", view.service);
    boxed(frame, area, title, lines, 90, t);
}

pub fn render_failure(frame: &mut Frame, area: Rect, view: &FailureView, t: &Theme) {
    let mut lines = vec![text(view.message.clone(), t.error()), Line::default()];
    if view.created.is_empty() {
        lines.push(text("Nothing was created so far.", t.muted()));
    } else {
        lines.push(text("Created so far:", t.muted()));
        for c in &view.created {
            lines.push(text(format!("  • {c}"), Style::new()));
        }
    }
    lines.push(Line::default());
    let keys: Vec<(&str, &str)> = match view.kind {
        OpKind::Enable => vec![
            ("r", "retry (resume)"),
            ("d", "disable (roll back)"),
            ("Esc", "later"),
        ],
        OpKind::Disable => vec![("r", "retry the disable"), ("Esc", "later")],
    };
    lines.push(hints(&keys, t));
    let title = format!(" {} of {} stopped ", verb_title(view.kind), view.service);
    boxed(frame, area, title, lines, 84, t);
}

fn verb_title(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Enable => "Enable",
        OpKind::Disable => "Disable",
    }
}
