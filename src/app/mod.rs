//! Application state and what every input does to it.
//!
//! The app owns all UI state. Input and background results come in as
//! events; the app answers with [`Effect`]s (work to start), which the
//! runtime carries out and reports back as [`Update`]s. Nothing here
//! blocks or talks to AWS, so it can be driven directly by tests.

pub mod action;
mod debug;
pub mod keymap;
pub mod ops;
pub mod output;
pub mod picker;
pub mod popups;
pub mod regions;
pub mod runtime;
pub mod tree;

pub use crate::model::plural;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use chrono::NaiveTime;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::engine::catalog::{RoleEntry, Usability};
use crate::engine::status::StatusEntry;
use crate::engine::{Finding, Progress};
use crate::model::{Cluster, Service, ServiceExtras};
use action::Action;
use keymap::Keymap;
use ops::{OpError, OpOutcome, Operation, ServiceRef};
use output::{Level, OutputLog};
use picker::RolePicker;
use popups::{Confirm, FailureView, Menu, PreflightView, StatusView};
use regions::RegionPicker;
use tree::{Load, Tree};

pub use debug::{finding_text, short_role};

/// Background work the app asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadAccount,
    LoadClusters,
    LoadServices(String),
    LoadExtras(Box<Service>),
    SwitchRegion(String),
    /// Every role of the account, and the task definition's task role.
    LoadRoles {
        service: ServiceRef,
        task_definition: Option<String>,
    },
    /// Whether debug tasks could use these roles (a few at a time).
    CheckRoles(Vec<RoleEntry>),
    LoadRoleDetails {
        arn: String,
        name: String,
    },
    Preflight {
        service: ServiceRef,
        role: String,
    },
    Enable {
        service: ServiceRef,
        role: String,
    },
    Disable {
        service: ServiceRef,
    },
    /// Stop every running operation after its current AWS call.
    CancelAll,
    LoadStatus,
    /// Write one setting back to the configuration file.
    SaveSetting {
        key: &'static str,
        value: bool,
    },
}

/// Results of background work.
#[derive(Debug, Clone)]
pub enum Update {
    Account(Result<String, String>),
    Clusters {
        region: String,
        result: Result<Vec<Cluster>, String>,
        elapsed: Duration,
    },
    Services {
        region: String,
        cluster_arn: String,
        result: Result<Vec<Service>, String>,
        elapsed: Duration,
    },
    Extras {
        service_arn: String,
        result: Result<ServiceExtras, String>,
    },
    RegionSwitched(Result<String, String>),
    Roles {
        service: ServiceRef,
        result: Result<(Vec<RoleEntry>, Option<String>), String>,
    },
    RoleChecked {
        arn: String,
        usability: Usability,
    },
    RoleDetails {
        arn: String,
        result: Result<Vec<String>, String>,
    },
    Preflight {
        service: ServiceRef,
        result: Result<Vec<Finding>, String>,
    },
    Progress {
        service: ServiceRef,
        progress: Progress,
    },
    OpEnded {
        service: ServiceRef,
        result: Result<OpOutcome, OpError>,
    },
    Status {
        region: String,
        result: Result<Vec<StatusEntry>, String>,
    },
    /// Where the setting was saved, or why it was not.
    SettingSaved(Result<String, String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Filter,
    Help,
    Regions(RegionPicker),
    Menu(Menu),
    Confirm(Confirm),
    Roles(Box<RolePicker>),
    Preflight(PreflightView),
    Failure(FailureView),
    Status(StatusView),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Tree,
    Output,
}

/// What the status bar shows about the connection.
#[derive(Debug, Clone, Default)]
pub struct StatusInfo {
    pub profile: Option<String>,
    pub region: String,
    pub account: Option<String>,
    pub endpoint: Option<String>,
}

/// Where the last frame put the panes, for mouse hit-testing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    pub tree: Rect,
    pub output: Rect,
    /// The context menu, while it is open.
    pub menu: Rect,
}

/// Where output timestamps come from; fixed in tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    Local,
    Fixed(NaiveTime),
}

impl Clock {
    fn now(self) -> NaiveTime {
        match self {
            Clock::Local => chrono::Local::now().time(),
            Clock::Fixed(t) => t,
        }
    }
}

/// How long the selection must rest on a service before its details load.
const EXTRAS_DELAY: Duration = Duration::from_millis(250);
/// Two clicks on one row within this time expand it.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

pub struct App {
    pub tree: Tree,
    pub output: OutputLog,
    pub mode: Mode,
    pub focus: Focus,
    pub keymap: Keymap,
    pub status: StatusInfo,
    pub extras: HashMap<String, Load<ServiceExtras>>,
    pub spinner: usize,
    pub quit: bool,
    pub layout: Layout,
    pub color: bool,
    /// Cloud-debug operations started here, by service.
    pub ops: BTreeMap<ServiceRef, Operation>,
    /// Whether enable first asks that the service is not a production one.
    pub ask_before_enable: bool,
    /// A one-off message for the status bar, until the next key.
    pub flash: Option<String>,
    /// The time of the last tick: spinners and elapsed times use it.
    pub now: Instant,
    /// Dialogs that arrived while another one was open.
    popups: VecDeque<Mode>,
    /// Set when the user quit while operations ran: when they stopped.
    quitting: Option<Instant>,
    clock: Clock,
    last_click: Option<(Instant, usize)>,
    resting_on: Option<(String, Instant)>,
    /// `--cluster`/`--service` from the command line, until found.
    jump_to: Option<(String, Option<String>)>,
}

impl App {
    pub fn new(status: StatusInfo, keymap: Keymap, clock: Clock) -> Self {
        Self {
            tree: Tree::new(&status.region),
            output: OutputLog::default(),
            mode: Mode::Normal,
            focus: Focus::Tree,
            keymap,
            status,
            extras: HashMap::new(),
            spinner: 0,
            quit: false,
            layout: Layout::default(),
            color: true,
            ops: BTreeMap::new(),
            ask_before_enable: true,
            flash: None,
            now: Instant::now(),
            popups: VecDeque::new(),
            quitting: None,
            clock,
            last_click: None,
            resting_on: None,
            jump_to: None,
        }
    }

    /// Opens on a cluster (and service) once they are loaded.
    pub fn jump_to(&mut self, cluster: String, service: Option<String>) {
        self.jump_to = Some((cluster, service));
    }

    pub fn log(&mut self, level: Level, text: impl Into<String>) {
        let now = self.clock.now();
        self.output.push(now, level, text);
    }

    /// The first work to do: who am I, and which clusters are there.
    pub fn start(&mut self) -> Vec<Effect> {
        self.tree.begin_clusters_load();
        self.log(
            Level::Info,
            format!("Loading clusters of {}…", self.status.region),
        );
        vec![Effect::LoadAccount, Effect::LoadClusters]
    }

    /// True while anything is loading (the spinner turns).
    pub fn busy(&self) -> bool {
        self.tree.loading_count() > 0
            || self.extras.values().any(Load::is_loading)
            || self.debug_busy()
    }

    pub fn handle_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let is_ctrl_c =
            ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL);
        if is_ctrl_c {
            // With operations running, the first Ctrl-C asks like `q`; a
            // second one (or none running) quits, and running operations
            // stop at their next AWS call boundary, resumable.
            let asking = matches!(self.mode, Mode::Confirm(popups::Confirm::Quit { .. }));
            let running = self.ops.values().any(|o| o.is_active());
            if running && !asking {
                return self.request_quit();
            }
            self.quit = true;
            return vec![Effect::CancelAll];
        }
        self.flash = None;
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Help => {
                let action = self.keymap.action_for(&ev);
                if matches!(ev.code, KeyCode::Esc | KeyCode::Enter)
                    || matches!(action, Some(Action::Help | Action::Quit))
                {
                    self.close_popup();
                } else {
                    self.mode = Mode::Help;
                }
                vec![]
            }
            Mode::Regions(picker) => self.region_key(picker, ev),
            Mode::Menu(menu) => self.menu_key(menu, ev),
            Mode::Confirm(confirm) => self.confirm_key(confirm, ev),
            Mode::Roles(picker) => self.picker_key(picker, ev),
            Mode::Preflight(view) => self.preflight_key(view, ev),
            Mode::Failure(view) => self.failure_key(view, ev),
            Mode::Status(view) => self.status_key(view, ev),
            Mode::Filter => self.filter_key(ev),
            Mode::Normal => match self.keymap.action_for(&ev) {
                Some(action) => self.perform(action),
                None if ev.code == KeyCode::Esc && !self.tree.filter().is_empty() => {
                    self.tree.set_filter("");
                    vec![]
                }
                None => vec![],
            },
        }
    }

    fn filter_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        self.mode = Mode::Filter;
        let mut text = self.tree.filter().to_string();
        match ev.code {
            KeyCode::Esc => {
                self.tree.set_filter("");
                self.close_popup();
            }
            KeyCode::Enter => self.close_popup(),
            KeyCode::Backspace => {
                text.pop();
                self.tree.set_filter(&text);
            }
            KeyCode::Up => self.tree.move_by(-1),
            KeyCode::Down => self.tree.move_by(1),
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                text.push(c);
                self.tree.set_filter(&text);
                self.tree.select_index(first_match_row(&self.tree));
            }
            _ => {}
        }
        vec![]
    }

    fn region_key(&mut self, mut picker: RegionPicker, ev: KeyEvent) -> Vec<Effect> {
        let mut effects = vec![];
        match ev.code {
            KeyCode::Esc => {
                self.close_popup();
                return effects;
            }
            KeyCode::Enter => {
                self.close_popup();
                if let Some(region) = picker.choice().filter(|r| r != picker.current()) {
                    self.log(Level::Info, format!("Switching to {region}…"));
                    effects.push(Effect::SwitchRegion(region));
                }
                return effects;
            }
            KeyCode::Up => picker.move_by(-1),
            KeyCode::Down => picker.move_by(1),
            KeyCode::PageUp => picker.move_by(-10),
            KeyCode::PageDown => picker.move_by(10),
            KeyCode::Backspace => picker.backspace(),
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                picker.type_char(c)
            }
            _ => {}
        }
        self.mode = Mode::Regions(picker);
        effects
    }

    fn page(&self) -> isize {
        (self.layout.tree.height.saturating_sub(2)).max(1) as isize
    }

    fn output_height(&self) -> usize {
        self.layout.output.height.saturating_sub(2) as usize
    }

    /// Carries out an action in normal mode.
    pub fn perform(&mut self, action: Action) -> Vec<Effect> {
        if self.focus == Focus::Output {
            let h = self.output_height();
            let step = match action {
                Action::Up => Some(-1),
                Action::Down => Some(1),
                Action::PageUp => Some(-(h as isize)),
                Action::PageDown => Some(h as isize),
                Action::Top => Some(-(self.output.len() as isize)),
                _ => None,
            };
            if let Some(step) = step {
                self.output.scroll(step, h);
                return vec![];
            }
            if action == Action::Bottom {
                self.output.follow();
                return vec![];
            }
        }
        match action {
            Action::Up => self.tree.move_by(-1),
            Action::Down => self.tree.move_by(1),
            Action::PageUp => self.tree.move_by(-self.page()),
            Action::PageDown => self.tree.move_by(self.page()),
            Action::Top => self.tree.select_index(0),
            Action::Bottom => self.tree.move_by(isize::MAX / 2),
            Action::Left => self.tree.left(),
            Action::Right => {
                let arn = self.tree.right();
                return self.load_services(arn);
            }
            Action::Toggle => {
                if let Some(svc) = self.tree.selected_service().cloned() {
                    return self.open_menu(svc, None);
                }
                let arn = self.tree.toggle();
                return self.load_services(arn);
            }
            Action::Menu => {
                if let Some(svc) = self.selected_service_or_say() {
                    return self.open_menu(svc, None);
                }
            }
            Action::Enable => {
                if let Some(svc) = self.selected_service_or_say() {
                    return self.request_enable(svc);
                }
            }
            Action::Disable => {
                if let Some(svc) = self.selected_service_or_say() {
                    return self.request_disable(svc);
                }
            }
            Action::StatusView => return self.open_status(),
            Action::Filter => return self.start_filter(),
            Action::Refresh => return self.refresh_selected(),
            Action::RefreshAll => return self.refresh_all(),
            Action::RegionPicker => {
                self.mode = Mode::Regions(RegionPicker::open(&self.status.region))
            }
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::Tree => Focus::Output,
                    Focus::Output => Focus::Tree,
                }
            }
            Action::Help => self.mode = Mode::Help,
            Action::Quit => return self.request_quit(),
        }
        vec![]
    }

    fn load_services(&mut self, cluster_arn: Option<String>) -> Vec<Effect> {
        match cluster_arn {
            Some(arn) if self.tree.begin_services_load(&arn) => vec![Effect::LoadServices(arn)],
            _ => vec![],
        }
    }

    fn start_filter(&mut self) -> Vec<Effect> {
        self.mode = Mode::Filter;
        let unloaded = self.tree.unloaded_clusters();
        if !unloaded.is_empty() {
            self.log(
                Level::Info,
                format!(
                    "Loading the services of {} to filter them…",
                    plural(unloaded.len(), "more cluster")
                ),
            );
        }
        unloaded
            .into_iter()
            .filter(|arn| self.tree.begin_services_load(arn))
            .map(Effect::LoadServices)
            .collect()
    }

    fn refresh_selected(&mut self) -> Vec<Effect> {
        let cluster = self.tree.selected_cluster().map(|n| n.cluster.arn.clone());
        match cluster {
            None => self.refresh_all(),
            Some(arn) => {
                if let Some(svc) = self.tree.selected_service() {
                    self.extras.remove(&svc.arn);
                    self.resting_on = None;
                }
                self.tree.expand_cluster(&arn);
                self.tree.begin_services_load(&arn);
                vec![Effect::LoadServices(arn)]
            }
        }
    }

    fn refresh_all(&mut self) -> Vec<Effect> {
        self.extras.clear();
        self.resting_on = None;
        self.log(
            Level::Info,
            format!("Refreshing clusters of {}…", self.status.region),
        );
        self.tree.begin_clusters_load();
        vec![Effect::LoadClusters]
    }

    pub fn handle_mouse(&mut self, ev: MouseEvent, now: Instant) -> Vec<Effect> {
        let in_rect = |r: Rect| {
            ev.column >= r.x
                && ev.column < r.x + r.width
                && ev.row >= r.y
                && ev.row < r.y + r.height
        };
        if let Mode::Menu(menu) = &self.mode
            && let MouseEventKind::Down(_) = ev.kind
        {
            let menu = menu.clone();
            let inside = in_rect(self.layout.menu) && ev.row > self.layout.menu.y;
            self.close_popup();
            let item = (ev.row.saturating_sub(self.layout.menu.y + 1)) as usize;
            return match menu.items.get(item) {
                Some((action, _)) if inside => self.menu_choice(*action, *menu.service),
                _ => vec![],
            };
        }
        if self.mode != Mode::Normal && self.mode != Mode::Filter {
            return vec![];
        }
        let over_tree = in_rect(self.layout.tree);
        let over_output = in_rect(self.layout.output);
        match ev.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let step = if ev.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                if over_output {
                    // The pane scrolled is the one the keys then act on.
                    self.focus = Focus::Output;
                    let h = self.output_height();
                    self.output.scroll(step, h);
                } else if over_tree {
                    self.tree.move_by(step);
                }
                vec![]
            }
            MouseEventKind::Down(MouseButton::Left) if over_output => {
                self.focus = Focus::Output;
                vec![]
            }
            MouseEventKind::Down(MouseButton::Right) if over_tree => {
                self.focus = Focus::Tree;
                let inner_top = self.layout.tree.y + 1;
                let index = self.tree.offset + ev.row.saturating_sub(inner_top) as usize;
                if ev.row < inner_top || index >= self.tree.rows().len() {
                    return vec![];
                }
                self.tree.select_index(index);
                match self.tree.selected_service().cloned() {
                    Some(svc) => self.open_menu(svc, Some((ev.column, ev.row))),
                    None => vec![],
                }
            }
            MouseEventKind::Down(MouseButton::Left) if over_tree => {
                self.focus = Focus::Tree;
                let inner_top = self.layout.tree.y + 1;
                if ev.row < inner_top {
                    return vec![];
                }
                let index = self.tree.offset + (ev.row - inner_top) as usize;
                if index >= self.tree.rows().len() {
                    return vec![];
                }
                self.tree.select_index(index);
                let double = self
                    .last_click
                    .is_some_and(|(t, i)| i == index && now.duration_since(t) <= DOUBLE_CLICK);
                if double {
                    self.last_click = None;
                    let arn = self.tree.toggle();
                    return self.load_services(arn);
                }
                self.last_click = Some((now, index));
                vec![]
            }
            _ => vec![],
        }
    }

    /// Turns the spinner and loads a service's details once the selection
    /// has rested on it for a moment.
    pub fn tick(&mut self, now: Instant) -> Vec<Effect> {
        self.spinner = self.spinner.wrapping_add(1);
        self.now = now;
        let mut effects = self.debug_tick(now);
        effects.extend(self.extras_tick(now));
        effects
    }

    fn extras_tick(&mut self, now: Instant) -> Vec<Effect> {
        let Some(service) = self.tree.selected_service().cloned() else {
            self.resting_on = None;
            return vec![];
        };
        if self.extras.contains_key(&service.arn) {
            return vec![];
        }
        match &self.resting_on {
            Some((arn, since)) if *arn == service.arn => {
                if now.duration_since(*since) >= EXTRAS_DELAY {
                    self.extras.insert(service.arn.clone(), Load::Loading);
                    return vec![Effect::LoadExtras(Box::new(service))];
                }
                vec![]
            }
            _ => {
                self.resting_on = Some((service.arn.clone(), now));
                vec![]
            }
        }
    }

    /// Applies a background result.
    pub fn apply(&mut self, update: Update) -> Vec<Effect> {
        match update {
            Update::Account(Ok(account)) => self.status.account = Some(account),
            Update::Account(Err(e)) => self.log(Level::Error, e),
            Update::Clusters { region, .. } | Update::Services { region, .. }
                if region != self.status.region => {}
            Update::Clusters {
                result, elapsed, ..
            } => return self.clusters_loaded(result, elapsed),
            Update::Services {
                cluster_arn,
                result,
                elapsed,
                ..
            } => self.services_loaded(&cluster_arn, result, elapsed),
            Update::Extras {
                service_arn,
                result,
            } => {
                let load = match result {
                    Ok(x) => Load::Ready(x),
                    Err(e) => {
                        self.log(Level::Warn, format!("Details unavailable: {e}"));
                        Load::Failed(e)
                    }
                };
                self.extras.insert(service_arn, load);
            }
            Update::RegionSwitched(Ok(region)) => {
                self.status.region = region.clone();
                self.status.account = None;
                self.tree = Tree::new(&region);
                self.extras.clear();
                self.resting_on = None;
                return self.start();
            }
            Update::RegionSwitched(Err(e)) => self.log(Level::Error, e),
            Update::Roles { service, result } => return self.roles_loaded(service, result),
            Update::RoleChecked { arn, usability } => self.role_checked(arn, usability),
            Update::RoleDetails { arn, result } => self.role_details(arn, result),
            Update::Preflight { service, result } => return self.preflight_done(service, result),
            Update::Progress { service, progress } => self.progress(service, progress),
            Update::OpEnded { service, result } => return self.op_ended(service, result),
            Update::Status { region, result } => self.status_loaded(region, result),
            Update::SettingSaved(Ok(path)) => self.log(
                Level::Success,
                format!("Enable will not ask about production services again ({path})."),
            ),
            Update::SettingSaved(Err(e)) => self.log(Level::Error, e),
        }
        vec![]
    }

    fn clusters_loaded(
        &mut self,
        result: Result<Vec<Cluster>, String>,
        elapsed: Duration,
    ) -> Vec<Effect> {
        match &result {
            Ok(list) => self.log(
                Level::Success,
                format!(
                    "Loaded {} in {}.",
                    plural(list.len(), "cluster"),
                    seconds(elapsed)
                ),
            ),
            Err(e) => self.log(Level::Error, e.clone()),
        }
        let reload = self.tree.set_clusters(result);
        let mut effects: Vec<Effect> = reload
            .into_iter()
            .filter(|arn| self.tree.begin_services_load(arn))
            .map(Effect::LoadServices)
            .collect();
        if let Some((wanted, service)) = self.jump_to.clone() {
            let found = self
                .tree
                .cluster_nodes()
                .iter()
                .find(|n| n.cluster.name == wanted || n.cluster.arn == wanted)
                .map(|n| n.cluster.arn.clone());
            match found {
                Some(arn) => {
                    self.jump_to = service.map(|s| (arn.clone(), Some(s)));
                    if self.tree.expand_cluster(&arn) && self.tree.begin_services_load(&arn) {
                        effects.push(Effect::LoadServices(arn));
                    }
                }
                None => {
                    self.jump_to = None;
                    let region = self.status.region.clone();
                    self.log(
                        Level::Error,
                        format!("Cluster '{wanted}' was not found in {region}: check the name."),
                    );
                }
            }
        }
        effects
    }

    fn services_loaded(
        &mut self,
        cluster_arn: &str,
        result: Result<Vec<Service>, String>,
        elapsed: Duration,
    ) {
        let name = crate::aws::ecs::cluster_name(cluster_arn).to_string();
        match &result {
            Ok(list) => self.log(
                Level::Success,
                format!(
                    "Loaded {} of {name} in {}.",
                    plural(list.len(), "service"),
                    seconds(elapsed)
                ),
            ),
            Err(e) => self.log(Level::Error, format!("{name}: {e}")),
        }
        self.tree.set_services(cluster_arn, result);
        if let Some((arn, Some(service))) = self.jump_to.clone()
            && arn == cluster_arn
        {
            self.jump_to = None;
            if !self.tree.select_service(cluster_arn, &service) {
                self.log(
                    Level::Error,
                    format!("Service '{service}' was not found in cluster {name}."),
                );
            }
        }
    }
}

/// The first row that is a match while filtering (skips the region).
fn first_match_row(tree: &Tree) -> usize {
    tree.rows()
        .iter()
        .position(|r| matches!(r, tree::Row::Service(..)))
        .or_else(|| {
            tree.rows()
                .iter()
                .position(|r| matches!(r, tree::Row::Cluster(_)))
        })
        .unwrap_or(0)
}

fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::tree::tests::cluster;
    use super::*;
    use crate::model::service_named;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn app() -> App {
        let status = StatusInfo {
            region: "us-east-1".into(),
            ..Default::default()
        };
        let mut app = App::new(status, Keymap::default(), Clock::Fixed(NaiveTime::MIN));
        app.start();
        app
    }

    fn loaded() -> App {
        let mut app = app();
        app.apply(Update::Clusters {
            region: "us-east-1".into(),
            result: Ok(vec![cluster("apps"), cluster("jobs")]),
            elapsed: Duration::ZERO,
        });
        app
    }

    #[test]
    fn enter_on_a_cluster_asks_for_its_services() {
        let mut app = loaded();
        app.handle_key(key('j'));
        let effects = app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(effects, vec![Effect::LoadServices(cluster("apps").arn)]);
    }

    #[test]
    fn results_for_another_region_are_ignored() {
        let mut app = app();
        app.apply(Update::Clusters {
            region: "eu-west-1".into(),
            result: Ok(vec![cluster("stale")]),
            elapsed: Duration::ZERO,
        });
        assert!(app.tree.clusters.is_loading());
    }

    #[test]
    fn filter_mode_loads_unloaded_clusters_and_esc_clears() {
        let mut app = loaded();
        let effects = app.handle_key(key('/'));
        assert_eq!(effects.len(), 2);
        app.handle_key(key('j'));
        assert_eq!(app.tree.filter(), "j");
        app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        assert_eq!(app.tree.filter(), "");
        assert_eq!(app.mode, Mode::Normal);
    }

    #[test]
    fn extras_load_after_the_selection_rests() {
        let mut app = loaded();
        let arn = cluster("apps").arn;
        app.tree.expand_cluster(&arn);
        app.apply(Update::Services {
            region: "us-east-1".into(),
            cluster_arn: arn,
            result: Ok(vec![service_named("web")]),
            elapsed: Duration::ZERO,
        });
        app.handle_key(key('j'));
        let t0 = Instant::now();
        assert!(app.tick(t0).is_empty());
        assert!(app.tick(t0 + Duration::from_millis(100)).is_empty());
        let effects = app.tick(t0 + Duration::from_millis(300));
        assert!(matches!(effects.as_slice(), [Effect::LoadExtras(s)] if s.name == "web"));
        assert!(
            app.tick(t0 + Duration::from_millis(600)).is_empty(),
            "asked once"
        );
    }

    #[test]
    fn double_click_expands_and_single_click_selects() {
        let mut app = loaded();
        app.layout.tree = Rect::new(0, 0, 40, 20);
        let click = |row| MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        };
        let t0 = Instant::now();
        assert!(app.handle_mouse(click(3), t0).is_empty());
        assert_eq!(app.tree.selected_cluster().unwrap().cluster.name, "jobs");
        let effects = app.handle_mouse(click(3), t0 + Duration::from_millis(200));
        assert_eq!(effects, vec![Effect::LoadServices(cluster("jobs").arn)]);
    }

    #[test]
    fn jump_to_expands_the_cluster_and_selects_the_service() {
        let mut app = app();
        app.jump_to("jobs".into(), Some("worker".into()));
        let effects = app.apply(Update::Clusters {
            region: "us-east-1".into(),
            result: Ok(vec![cluster("apps"), cluster("jobs")]),
            elapsed: Duration::ZERO,
        });
        let arn = cluster("jobs").arn;
        assert_eq!(effects, vec![Effect::LoadServices(arn.clone())]);
        app.apply(Update::Services {
            region: "us-east-1".into(),
            cluster_arn: arn,
            result: Ok(vec![service_named("api"), service_named("worker")]),
            elapsed: Duration::ZERO,
        });
        assert_eq!(app.tree.selected_service().unwrap().name, "worker");
    }

    #[test]
    fn help_opens_and_closes_with_its_key() {
        let mut app = loaded();
        app.handle_key(key('?'));
        assert_eq!(app.mode, Mode::Help);
        app.handle_key(key('x'));
        assert_eq!(app.mode, Mode::Help);
        app.handle_key(key('?'));
        assert_eq!(app.mode, Mode::Normal);
    }
}
