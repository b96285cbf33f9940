//! Drawing. One file per screen region; nothing here changes app state
//! except the remembered pane areas and the tree's scroll offset.

mod details;
mod dialog;
mod help;
mod menu;
mod output;
mod region_picker;
mod role_picker;
mod status_bar;
mod status_view;
mod theme;
mod tree;

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};

use crate::app::action::Action;
use crate::app::{App, Mode};
pub use theme::Theme;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn draw(frame: &mut Frame, app: &mut App) {
    let theme = Theme::new(app.color);
    let area = frame.area();
    let output_height = (area.height / 4).clamp(5, 14);
    let [main, out, status] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(3),
            Constraint::Length(output_height),
            Constraint::Length(1),
        ])
        .areas(area);
    let [tree_area, details_area] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(60), Constraint::Percentage(40)])
        .areas(main);
    app.layout.tree = tree_area;
    app.layout.output = out;

    tree::render(frame, tree_area, app, &theme);
    details::render(frame, details_area, app, &theme);
    output::render(frame, out, app, &theme);
    status_bar::render(frame, status, app, &theme);

    // The dialog is drawn last, over everything else; it is taken out for
    // the draw so that it can be read while the app records its area.
    let mode = std::mem::replace(&mut app.mode, Mode::Normal);
    match &mode {
        Mode::Help => help::render(frame, area, app, &theme),
        Mode::Regions(picker) => region_picker::render(frame, area, picker, &theme),
        Mode::Menu(menu) => menu::render(frame, area, app, menu, &theme),
        Mode::Confirm(c) => dialog::render_confirm(frame, area, c, &theme),
        Mode::Roles(p) => role_picker::render(frame, area, app, p, &theme),
        Mode::Preflight(v) => dialog::render_preflight(frame, area, v, &theme),
        Mode::Failure(v) => dialog::render_failure(frame, area, v, &theme),
        Mode::Status(v) => status_view::render(frame, area, app, v, &theme),
        Mode::Normal | Mode::Filter => {}
    }
    app.mode = mode;
}

/// The first key bound to an action, as help writes it.
fn first_key(app: &App, action: Action) -> String {
    app.keymap
        .keys(action)
        .first()
        .map(|k| k.to_string())
        .unwrap_or_default()
}

/// A rectangle of at most `width` × `height` centred in `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Cuts `text` to `width` characters, ending with `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Greedy word wrap to `width` characters; words longer than a line are
/// split.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let used = line.chars().count();
        if used > 0 && used + 1 + word.len() <= width {
            line.push(' ');
            line.extend(word);
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        line = word.into_iter().collect();
    }
    lines.push(line);
    lines
}
