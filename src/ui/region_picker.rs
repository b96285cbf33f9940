//! The `g` popup: pick a region by typing part of its name.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Theme, centered};
use crate::app::regions::RegionPicker;

pub fn render(frame: &mut Frame, area: Rect, picker: &RegionPicker, theme: &Theme) {
    let popup = centered(area, 36, 16);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Region ")
        .border_style(theme.border(true));
    let inner = block.inner(popup);
    let items = picker.items();
    let visible = inner.height.saturating_sub(1) as usize;
    let start = picker.selected.saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", theme.key()),
        Span::raw(format!("{}▏", picker.filter)),
    ])];
    if items.is_empty() {
        lines.push(Line::from(Span::styled("no region matches", theme.muted())));
    }
    for (i, region) in items.iter().enumerate().skip(start).take(visible) {
        let current = if region == picker.current() {
            "  (current)"
        } else {
            ""
        };
        let line = Line::from(format!(" {region}{current}"));
        lines.push(if i == picker.selected {
            line.style(theme.selected())
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
