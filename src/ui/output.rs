//! The build-output pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{SPINNER, Theme, wrap};
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
    let height = inner.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    for l in app.output.window(height) {
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
        // Long lines wrap under their text, so every word stays readable.
        let room = width.saturating_sub(took.chars().count()).max(8);
        for (i, part) in wrap(&l.text, room).into_iter().enumerate() {
            let lead = if i == 0 {
                vec![
                    Span::styled(l.time.format("%H:%M:%S ").to_string(), theme.muted()),
                    Span::styled(format!("{mark} "), style),
                ]
            } else {
                vec![Span::raw(" ".repeat(11))]
            };
            let mut spans = lead;
            spans.push(Span::styled(part, style));
            if i == 0 {
                spans.push(Span::styled(took.clone(), theme.muted()));
            }
            lines.push(Line::from(spans));
        }
    }
    // The newest lines stay in view; an entry at the top may lose its head.
    let skip = lines.len().saturating_sub(height);
    let lines: Vec<Line> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests {
    use super::super::wrap;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("short", 20), vec!["short"]);
    }
}
