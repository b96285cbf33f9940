//! One line: where we are connected, then key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::action::Action;
use crate::app::{App, Mode};

const HINTED: [Action; 6] = [
    Action::Toggle,
    Action::Filter,
    Action::RegionPicker,
    Action::Refresh,
    Action::Help,
    Action::Quit,
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
    for (key, word) in hints {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.status_bar()), area);
}
