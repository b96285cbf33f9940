//! The context menu of a service: its actions with their keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{Theme, fit};
use crate::app::App;
use crate::app::popups::Menu;

pub fn render(frame: &mut Frame, area: Rect, app: &mut App, menu: &Menu, theme: &Theme) {
    let keys: Vec<String> = menu
        .items
        .iter()
        .map(|(a, _)| {
            app.keymap
                .keys(*a)
                .first()
                .map(|k| k.to_string())
                .unwrap_or_default()
        })
        .collect();
    let label_width = menu
        .items
        .iter()
        .map(|(_, l)| l.chars().count())
        .max()
        .unwrap_or(8)
        .max(menu.service.name.chars().count() + 2);
    let key_width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(1);
    let width = (label_width + key_width + 6) as u16;
    let height = menu.items.len() as u16 + 2;
    let (x, y) = match menu.anchor {
        Some(cell) => cell,
        None => {
            let tree = app.layout.tree;
            let row = app.tree.selected_index().saturating_sub(app.tree.offset) as u16;
            (tree.x + 8, tree.y + 2 + row)
        }
    };
    let x = x.min(area.right().saturating_sub(width));
    let y = if y + height > area.bottom() {
        y.saturating_sub(height + 1)
    } else {
        y
    };
    let popup = Rect::new(x, y, width.min(area.width), height.min(area.height));
    app.layout.menu = popup;

    let lines: Vec<Line> = menu
        .items
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(i, ((_, label), key))| {
            let line = Line::from(vec![
                Span::raw(format!(" {label:<label_width$}  ")),
                Span::styled(format!("{key:>key_width$} "), theme.key()),
            ]);
            if i == menu.selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", fit(&menu.service.name, width as usize - 4)))
        .border_style(theme.border(true));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
