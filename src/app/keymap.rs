//! One table from keys to actions; help and hints are generated from it.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// A key with its modifiers, as written in the configuration file:
/// `q`, `?`, `Ctrl-c`, `Enter`, `Space`, `PageDown`, `F5`…
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// The key a terminal event stands for. Shift is part of the
    /// character (`G`), so it is not kept as a modifier.
    pub fn from_event(ev: &KeyEvent) -> Self {
        let code = match ev.code {
            KeyCode::BackTab => KeyCode::Tab,
            other => other,
        };
        Self {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses the configuration-file form of a key.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut key = Key::plain(KeyCode::Null);
        let mut rest = text;
        loop {
            if let Some(r) = strip_prefix_ci(rest, "ctrl-") {
                key.ctrl = true;
                rest = r;
            } else if let Some(r) = strip_prefix_ci(rest, "alt-") {
                key.alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if key.ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "space" => KeyCode::Char(' '),
                "tab" => KeyCode::Tab,
                "esc" | "escape" => KeyCode::Esc,
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "delete" | "del" => KeyCode::Delete,
                f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=12).contains(&n) => KeyCode::F(n),
                    _ => return Err(format!("unknown key '{text}'")),
                },
                _ => return Err(format!("unknown key '{text}'")),
            },
        };
        Ok(key)
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    (head.eq_ignore_ascii_case(prefix) && s.len() > prefix.len()).then(|| &s[prefix.len()..])
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            write!(f, "Ctrl-")?;
        }
        if self.alt {
            write!(f, "Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => write!(f, "Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => write!(f, "Enter"),
            KeyCode::Tab => write!(f, "Tab"),
            KeyCode::Esc => write!(f, "Esc"),
            KeyCode::Backspace => write!(f, "Backspace"),
            KeyCode::Up => write!(f, "↑"),
            KeyCode::Down => write!(f, "↓"),
            KeyCode::Left => write!(f, "←"),
            KeyCode::Right => write!(f, "→"),
            KeyCode::PageUp => write!(f, "PgUp"),
            KeyCode::PageDown => write!(f, "PgDn"),
            KeyCode::Home => write!(f, "Home"),
            KeyCode::End => write!(f, "End"),
            KeyCode::Delete => write!(f, "Del"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The key bindings in force: defaults, overridden per action by the
/// configuration file.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let p = Key::plain;
        let c = |ch| p(Char(ch));
        let bindings = Action::ALL
            .iter()
            .map(|&a| {
                let keys = match a {
                    Action::Up => vec![p(Up), c('k')],
                    Action::Down => vec![p(Down), c('j')],
                    Action::Left => vec![p(Left), c('h')],
                    Action::Right => vec![p(Right), c('l')],
                    Action::Toggle => vec![p(Enter), c(' ')],
                    Action::Menu => vec![c('m')],
                    Action::PageUp => vec![p(PageUp), Key::ctrl('u')],
                    Action::PageDown => vec![p(PageDown), Key::ctrl('d')],
                    Action::Top => vec![p(Home)],
                    Action::Bottom => vec![p(End), c('G')],
                    Action::Filter => vec![c('/')],
                    Action::Refresh => vec![c('r')],
                    Action::RefreshAll => vec![c('R')],
                    Action::RegionPicker => vec![c('g')],
                    Action::Enable => vec![c('e')],
                    Action::Disable => vec![c('d')],
                    Action::StatusView => vec![c('S')],
                    Action::FocusNext => vec![p(Tab)],
                    Action::Help => vec![c('?')],
                    Action::Quit => vec![c('q'), Key::ctrl('c')],
                };
                (a, keys)
            })
            .collect();
        Self { bindings }
    }
}

impl Keymap {
    /// Defaults with the configuration's `[keys]` table applied. Unknown
    /// action names, unknown keys and a key bound twice are errors.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Self, String> {
        let mut map = Self::default();
        for (name, keys) in overrides {
            let action = Action::ALL
                .into_iter()
                .find(|a| a.config_name() == name)
                .ok_or_else(|| {
                    let names: Vec<_> = Action::ALL.iter().map(|a| a.config_name()).collect();
                    format!(
                        "unknown action '{name}' in [keys] (known: {})",
                        names.join(", ")
                    )
                })?;
            let parsed = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{e} for action '{name}'"))?;
            if parsed.is_empty() {
                return Err(format!("action '{name}' needs at least one key"));
            }
            if let Some(slot) = map.bindings.iter_mut().find(|(a, _)| *a == action) {
                slot.1 = parsed;
            }
        }
        // Ctrl-C always quits, so a broken keymap can never trap the user.
        if !map.keys(Action::Quit).contains(&Key::ctrl('c'))
            && let Some(slot) = map.bindings.iter_mut().find(|(a, _)| *a == Action::Quit)
        {
            slot.1.push(Key::ctrl('c'));
        }
        map.check_unique()?;
        Ok(map)
    }

    fn check_unique(&self) -> Result<(), String> {
        let mut seen: BTreeMap<String, Action> = BTreeMap::new();
        for (action, keys) in &self.bindings {
            for key in keys {
                if let Some(other) = seen.insert(key.to_string(), *action) {
                    return Err(format!(
                        "key '{key}' is bound to both '{}' and '{}'",
                        other.config_name(),
                        action.config_name()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The action bound to a key event, if any.
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(a, _)| *a)
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, k)| k.as_slice())
            .unwrap_or(&[])
    }

    /// `(keys, description)` rows for the help popup, in keymap order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .map(|(a, keys)| {
                let keys: Vec<String> = keys.iter().map(Key::to_string).collect();
                (keys.join(" "), a.description())
            })
            .collect()
    }

    /// `key word` pairs for the status bar, first key of each action.
    pub fn hints(&self, actions: &[Action]) -> Vec<(String, &'static str)> {
        actions
            .iter()
            .filter_map(|a| self.keys(*a).first().map(|k| (k.to_string(), a.hint())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn default_keys_map_to_actions() {
        let map = Keymap::default();
        let none = KeyModifiers::NONE;
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('j'), none)),
            Some(Action::Down)
        );
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(map.action_for(&ev(KeyCode::Char('x'), none)), None);
    }

    #[test]
    fn keys_parse_and_print_back() {
        for text in [
            "q", "?", "Ctrl-c", "Enter", "Space", "PageDown", "F5", "Alt-x",
        ] {
            let key = Key::parse(text).unwrap();
            let again = Key::parse(&key.to_string().replace("PgDn", "PageDown")).unwrap();
            assert_eq!(key, again, "{text}");
        }
        assert_eq!(Key::parse("Hyper-q").unwrap_err(), "unknown key 'Hyper-q'");
    }

    #[test]
    fn overrides_replace_an_actions_keys() {
        let mut o = BTreeMap::new();
        o.insert("down".to_string(), vec!["n".to_string()]);
        let map = Keymap::with_overrides(&o).unwrap();
        let none = KeyModifiers::NONE;
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('n'), none)),
            Some(Action::Down)
        );
        assert_eq!(map.action_for(&ev(KeyCode::Char('j'), none)), None);
    }

    #[test]
    fn a_key_bound_twice_is_an_error() {
        let mut o = BTreeMap::new();
        o.insert("down".to_string(), vec!["q".to_string()]);
        assert_eq!(
            Keymap::with_overrides(&o).unwrap_err(),
            "key 'q' is bound to both 'down' and 'quit'"
        );
    }

    #[test]
    fn unknown_action_names_list_the_known_ones() {
        let mut o = BTreeMap::new();
        o.insert("jump".to_string(), vec!["x".to_string()]);
        let err = Keymap::with_overrides(&o).unwrap_err();
        assert!(
            err.starts_with("unknown action 'jump' in [keys] (known: up, down"),
            "{err}"
        );
    }

    #[test]
    fn quit_keeps_ctrl_c_even_when_rebound() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["x".to_string()]);
        let map = Keymap::with_overrides(&o).unwrap();
        assert_eq!(
            map.keys(Action::Quit),
            &[Key::plain(KeyCode::Char('x')), Key::ctrl('c')]
        );
    }

    #[test]
    fn help_is_generated_from_the_bindings() {
        let rows = Keymap::default().help_rows();
        assert_eq!(rows.len(), Action::ALL.len());
        assert!(rows.contains(&("q Ctrl-c".to_string(), "quit")));
        assert!(rows.contains(&("/".to_string(), "filter clusters and services by name")));
    }
}
