//! The `?` popup, generated from the keymap so it cannot drift.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Theme, centered};
use crate::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let rows = app.keymap.help_rows();
    let key_width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(4);
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<key_width$}  "), theme.key()),
                Span::raw(what),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        " Mouse: wheel scrolls, click selects, double-click expands.",
        theme.muted(),
    )));
    lines.push(Line::from(vec![
        Span::styled(" ◆ DEBUG", theme.twin()),
        Span::styled(" cloud-debug twin   ", theme.muted()),
        Span::styled("(debugging)", theme.dimmed()),
        Span::styled(" its original", theme.muted()),
    ]));
    lines.push(Line::from(Span::styled(
        " Keys can be changed in the [keys] table of config.toml.",
        theme.muted(),
    )));
    let height = lines.len() as u16 + 2;
    let popup = centered(area, 64, height);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Help — ? or Esc to close ")
        .border_style(theme.border(true));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
