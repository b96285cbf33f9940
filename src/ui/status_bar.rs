//! One line: where we are connected, then key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::action::Action;
use crate::app::{App, Mode};

/// Hinted actions, most important first: the ones that do not fit the
/// width are left out from the end. Enable or Disable, whichever fits the
/// selected service, goes after Quit.
const HINTED: [Action; 7] = [
    Action::Help,
    Action::Quit,
    Action::Filter,
    Action::Toggle,
    Action::StatusView,
    Action::RegionPicker,
    Action::Refresh,
];

fn words(pairs: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    pairs.iter().map(|(k, w)| (k.to_string(), *w)).collect()
}

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
    if let Some(flash) = &app.flash {
        spans.push(Span::styled(flash.clone(), theme.warn()));
        frame.render_widget(
            Paragraph::new(Line::from(spans)).style(theme.status_bar()),
            area,
        );
        return;
    }
    let hints: Vec<(String, &str)> = match &app.mode {
        Mode::Filter => words(&[("type", "to filter"), ("Enter", "keep"), ("Esc", "clear")]),
        Mode::Help | Mode::Preflight(_) => words(&[("Esc", "close")]),
        Mode::Regions(_) => words(&[
            ("type", "to filter"),
            ("Enter", "switch"),
            ("Esc", "cancel"),
        ]),
        Mode::Menu(_) => words(&[("↑↓", "choose"), ("Enter", "do it"), ("Esc", "close")]),
        Mode::Confirm(_) => words(&[("y", "yes"), ("n", "no")]),
        Mode::Roles(_) => words(&[
            ("Enter", "use"),
            ("Ctrl-o", "override"),
            ("type", "to filter"),
            ("Esc", "cancel"),
        ]),
        Mode::Failure(_) => words(&[("r", "retry"), ("d", "roll back"), ("Esc", "later")]),
        Mode::Status(_) => words(&[("Enter", "resume"), ("Esc", "close")]),
        Mode::Normal => {
            let mut actions = HINTED.to_vec();
            if let Some(a) = app.service_hint() {
                actions.insert(2, a);
            }
            let on_service = app.tree.selected_service().is_some();
            app.keymap
                .hints(&actions)
                .into_iter()
                .map(|(k, w)| match w {
                    "expand" if on_service => (k, "actions"),
                    _ => (k, w),
                })
                .collect()
        }
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
