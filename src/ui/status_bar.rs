//! One line: where we are connected, then key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::action::Action;
use crate::app::{App, Mode};

/// Hinted actions, most important first: the ones that do not fit the
/// width are left out from the end.
const HINTED: [Action; 6] = [
    Action::Help,
    Action::Quit,
    Action::Filter,
    Action::Toggle,
    Action::RegionPicker,
    Action::Refresh,
];

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = &app.status;
    let mut spans = vec![Span::raw(format!(
        " {} │ {} │ {}",
        s.profile.as_deref().unwrap_or("default"),
        s.region,
        s.account.as_deref().unwrap_or("…")
    ))];
    if let Some(e) = &s.endpoint {
        spans.push(Span::raw(format!(" │ {e}")));
    }
    spans.push(Span::raw(" │ "));
    let hints: Vec<(String, &str)> = match app.mode {
        Mode::Filter => vec![
            ("type".into(), "to filter"),
            ("Enter".into(), "keep"),
            ("Esc".into(), "clear"),
        ],
        Mode::Help => vec![("Esc".into(), "close")],
        Mode::Regions(_) => vec![
            ("type".into(), "to filter"),
            ("Enter".into(), "switch"),
            ("Esc".into(), "cancel"),
        ],
        Mode::Normal => app.keymap.hints(&HINTED),
    };
    let mut used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    for (key, word) in hints {
        let word = format!(" {word}  ");
        let need = key.chars().count() + word.chars().count();
        if used + need > area.width as usize {
            break;
        }
        used += need;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(word));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar()),
        area,
    );
}
