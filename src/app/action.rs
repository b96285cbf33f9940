//! What a key press or click means, independent of which key it was.

/// A user intent. Keys map to these through the [`super::keymap::Keymap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Collapse the node, or go to its parent.
    Left,
    /// Expand the node, or go to its first child.
    Right,
    /// Expand or collapse a cluster; on a service, open its actions.
    Toggle,
    /// The context menu of the selected service.
    Menu,
    Filter,
    Refresh,
    RefreshAll,
    RegionPicker,
    /// Switch the selected service into cloud debugging (or retry a
    /// failed enable).
    Enable,
    /// Switch it back (or roll back a failed enable).
    Disable,
    /// Every enabled service and interrupted operation of the region.
    StatusView,
    FocusNext,
    Help,
    Quit,
}

impl Action {
    /// Every action, in the order help lists them.
    pub const ALL: [Action; 20] = [
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::Toggle,
        Action::Menu,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Filter,
        Action::Refresh,
        Action::RefreshAll,
        Action::RegionPicker,
        Action::Enable,
        Action::Disable,
        Action::StatusView,
        Action::FocusNext,
        Action::Help,
        Action::Quit,
    ];

    /// The name used in the `[keys]` table of the configuration file.
    pub fn config_name(self) -> &'static str {
        match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Left => "left",
            Action::Right => "right",
            Action::Toggle => "toggle",
            Action::Menu => "menu",
            Action::Filter => "filter",
            Action::Refresh => "refresh",
            Action::RefreshAll => "refresh_all",
            Action::RegionPicker => "region",
            Action::Enable => "enable",
            Action::Disable => "disable",
            Action::StatusView => "status",
            Action::FocusNext => "focus",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    /// One line for the help popup.
    pub fn description(self) -> &'static str {
        match self {
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Left => "collapse, or go to parent",
            Action::Right => "expand, or go to first child",
            Action::Toggle => "expand / collapse; on a service, its actions",
            Action::Menu => "actions of the selected service",
            Action::Filter => "filter clusters and services by name",
            Action::Refresh => "refresh the selected node",
            Action::RefreshAll => "refresh everything",
            Action::RegionPicker => "switch region",
            Action::Enable => "enable cloud debugging, or retry a stopped one",
            Action::Disable => "disable cloud debugging, or roll back",
            Action::StatusView => "enabled and interrupted services",
            Action::FocusNext => "focus tree / build output",
            Action::Help => "show or hide this help",
            Action::Quit => "quit",
        }
    }

    /// A short word for the status-bar hints.
    pub fn hint(self) -> &'static str {
        match self {
            Action::Filter => "filter",
            Action::Refresh => "refresh",
            Action::RegionPicker => "region",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Toggle => "expand",
            Action::FocusNext => "focus",
            Action::Menu => "actions",
            _ => self.config_name(),
        }
    }
}
