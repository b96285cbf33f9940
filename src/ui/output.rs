//! The build-output pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{SPINNER, Theme, fit};
use crate::app::output::{Level, StepMark};
use crate::app::{App, Focus};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let follow = if app.output.scroll_back > 0 {
        format!(" ↑{} — End to follow ", app.output.scroll_back)
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Build output {follow}"))
        .border_style(theme.border(app.focus == Focus::Output));
    let inner = block.inner(area);
    let width = inner.width.saturating_sub(11) as usize;
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let lines: Vec<Line> = app
        .output
        .window(inner.height as usize)
        .map(|l| {
            let (mark, style) = match l.level {
                Level::Info => (" ", theme.muted()),
                Level::Success => ("✓", theme.ok()),
                Level::Warn => ("!", theme.warn()),
                Level::Error => ("✗", theme.error()),
            };
            // A step shows how it stands and how long it ran (or runs).
            let (mark, style, took) = match l.step {
                None => (mark, style, String::new()),
                Some(StepMark::Running(since)) => {
                    let ran = app.now.saturating_duration_since(since);
                    (spin, theme.warn(), format!("  {:.1} s", ran.as_secs_f64()))
                }
                Some(StepMark::Done(d)) => ("✓", theme.ok(), format!("  {:.1} s", d.as_secs_f64())),
                Some(StepMark::Failed(d)) => {
                    ("✗", theme.error(), format!("  {:.1} s", d.as_secs_f64()))
                }
            };
            // LIMITATION: a line longer than the pane is cut, not wrapped,
            // so scrolling stays one line per entry; the log file has it all.
            let room = width.saturating_sub(took.chars().count());
            Line::from(vec![
                Span::styled(l.time.format("%H:%M:%S ").to_string(), theme.muted()),
                Span::styled(format!("{mark} "), style),
                Span::styled(fit(&l.text, room), style),
                Span::styled(took, theme.muted()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
