//! The build-output pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Theme, fit};
use crate::app::output::Level;
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
            Line::from(vec![
                Span::styled(l.time.format("%H:%M:%S ").to_string(), theme.muted()),
                Span::styled(format!("{mark} "), style),
                Span::styled(fit(&l.text, width), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
