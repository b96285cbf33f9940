//! The cloud-debug flow in the explorer: context menu, confirmation, task
//! role picker, preflight, live progress of enable and disable, and the
//! status view. Everything that talks to AWS goes out as an [`Effect`].

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::ops::{OpError, OpKind, OpOutcome, OpPhase, Operation, ServiceRef};
use super::output::{Level, StepMark};
use super::picker::RolePicker;
use super::popups::{Confirm, FailureView, Menu, PreflightView, StatusRow, StatusView};
use super::tree::Load;
use super::{App, Effect, Mode};
use crate::engine::catalog::{RoleEntry, Usability};
use crate::engine::status::StatusEntry;
use crate::engine::{Finding, Progress, Severity};
use crate::model::{DebugStatus, Service};

/// How long quitting waits for stopped operations to reach a safe point.
const QUIT_GRACE: Duration = Duration::from_secs(15);

/// `An enable`, `A disable`: how a sentence about a running one starts.
fn article(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Enable => "An enable",
        OpKind::Disable => "A disable",
    }
}

/// `arn:aws:iam::1:role/path/name` → `path/name`.
pub fn short_role(arn: &str) -> &str {
    arn.split_once(":role/").map(|(_, r)| r).unwrap_or(arn)
}

impl App {
    /// Opens a dialog the user asked for; one that was waiting stays queued.
    pub(super) fn show(&mut self, mode: Mode) {
        let previous = std::mem::replace(&mut self.mode, mode);
        if !matches!(previous, Mode::Normal | Mode::Filter) {
            self.popups.push_front(previous);
        }
    }

    /// Opens a dialog a background result brought, without interrupting
    /// the one the user is in.
    pub(super) fn open(&mut self, mode: Mode) {
        if self.mode == Mode::Normal {
            self.mode = mode;
        } else {
            self.popups.push_back(mode);
        }
    }

    /// Closes the current dialog; the next waiting one (if any) shows.
    pub(super) fn close_popup(&mut self) {
        self.mode = self.popups.pop_front().unwrap_or(Mode::Normal);
    }

    /// Says why an action was not taken, in the output and the status bar.
    pub(super) fn refuse(&mut self, text: String) {
        self.log(Level::Warn, text.clone());
        self.flash = Some(text);
    }

    /// The first key of an action, for sentences that name it.
    pub(super) fn key_of(&self, action: Action) -> String {
        self.keymap
            .keys(action)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_else(|| action.config_name().to_string())
    }

    fn op_log(&mut self, key: &ServiceRef, level: Level, text: impl AsRef<str>) {
        self.log(level, format!("{key} · {}", text.as_ref()));
    }

    /// The operation of a service (either one of a pair), if any.
    pub fn op_for(&self, service: &Service) -> Option<&Operation> {
        self.ops.get(&ServiceRef::of(&self.status.region, service))
    }

    /// Enable or Disable, whichever fits the selected service now.
    pub fn service_hint(&self) -> Option<Action> {
        let svc = self.tree.selected_service()?;
        match self.op_for(svc) {
            Some(op) if op.is_active() => None,
            Some(op) if op.kind == OpKind::Enable => Some(Action::Enable),
            Some(_) => Some(Action::Disable),
            None => match svc.debug {
                DebugStatus::None => Some(Action::Enable),
                DebugStatus::Enabled | DebugStatus::Twin => Some(Action::Disable),
            },
        }
    }

    pub(super) fn debug_busy(&self) -> bool {
        let dialog = match &self.mode {
            Mode::Roles(p) => {
                p.roles.is_loading()
                    || p.roles
                        .ready()
                        .is_some_and(|l| l.iter().any(|r| !p.verdicts.contains_key(&r.arn)))
            }
            Mode::Status(v) => v.rows.is_loading(),
            _ => false,
        };
        dialog || self.ops.values().any(Operation::is_active)
    }

    // --- starting points -------------------------------------------------

    pub(super) fn open_menu(&mut self, svc: Service, anchor: Option<(u16, u16)>) -> Vec<Effect> {
        let key = ServiceRef::of(&self.status.region, &svc);
        let mut items: Vec<(Action, String)> = Vec::new();
        match self.ops.get(&key) {
            Some(op) if op.is_active() => {}
            Some(op) if op.kind == OpKind::Enable => {
                items.push((Action::Enable, "Retry the enable (resume)".into()));
                items.push((Action::Disable, "Roll back (disable)".into()));
            }
            Some(_) => items.push((Action::Disable, "Retry the disable".into())),
            None => match svc.debug {
                DebugStatus::None => {
                    items.push((Action::Enable, "Enable cloud debugging…".into()));
                }
                DebugStatus::Enabled | DebugStatus::Twin => {
                    items.push((Action::Disable, "Disable cloud debugging…".into()));
                }
            },
        }
        items.push((Action::Refresh, "Refresh".into()));
        items.push((Action::StatusView, "Cloud debugging status".into()));
        self.show(Mode::Menu(Menu {
            service: Box::new(svc),
            items,
            selected: 0,
            anchor,
        }));
        vec![]
    }

    pub(super) fn menu_key(&mut self, mut menu: Menu, ev: KeyEvent) -> Vec<Effect> {
        let action = self.keymap.action_for(&ev);
        let chosen = match (ev.code, action) {
            (KeyCode::Esc, _) | (_, Some(Action::Menu | Action::Quit)) => {
                self.close_popup();
                return vec![];
            }
            (KeyCode::Enter, _) => menu.choice(),
            (_, Some(Action::Up)) => {
                menu.move_by(-1);
                None
            }
            (_, Some(Action::Down)) => {
                menu.move_by(1);
                None
            }
            (_, Some(a)) if menu.items.iter().any(|(i, _)| *i == a) => Some(a),
            _ => None,
        };
        match chosen {
            Some(a) => {
                self.close_popup();
                self.menu_choice(a, *menu.service)
            }
            None => {
                self.mode = Mode::Menu(menu);
                vec![]
            }
        }
    }

    pub(super) fn menu_choice(&mut self, action: Action, svc: Service) -> Vec<Effect> {
        match action {
            Action::Enable => self.request_enable(svc),
            Action::Disable => self.request_disable(svc),
            Action::StatusView => self.open_status(),
            other => self.perform(other),
        }
    }

    /// The service the action is about, or a word that one is needed.
    pub(super) fn selected_service_or_say(&mut self) -> Option<Service> {
        let svc = self.tree.selected_service().cloned();
        if svc.is_none() {
            self.flash = Some("Select a service first.".into());
        }
        svc
    }

    pub(super) fn request_enable(&mut self, svc: Service) -> Vec<Effect> {
        let key = ServiceRef::of(&self.status.region, &svc);
        if let Some(op) = self.ops.get(&key) {
            match (op.is_active(), op.kind) {
                (true, kind) => {
                    self.refuse(format!(
                        "{} of {key} is already running: wait for it to finish.",
                        article(kind)
                    ));
                    return vec![];
                }
                (false, OpKind::Enable) => {
                    let role = op.role.clone();
                    self.op_log(&key, Level::Info, "Retrying the enable where it stopped…");
                    return self.start_op(key, OpKind::Enable, role);
                }
                (false, OpKind::Disable) => {
                    let d = self.key_of(Action::Disable);
                    self.refuse(format!(
                        "A disable of {key} stopped part-way: finish it first ({d})."
                    ));
                    return vec![];
                }
            }
        }
        match svc.debug {
            DebugStatus::Twin => {
                self.refuse(format!(
                    "{} is itself a debug service: enable works on {}.",
                    svc.name, key.service
                ));
                vec![]
            }
            DebugStatus::Enabled => {
                let d = self.key_of(Action::Disable);
                self.refuse(format!(
                    "Cloud debugging is already enabled for {key} ({d} disables it)."
                ));
                vec![]
            }
            DebugStatus::None if self.ask_before_enable => {
                self.show(Mode::Confirm(Confirm::Enable {
                    service: Box::new(svc),
                    dont_ask_again: false,
                }));
                vec![]
            }
            DebugStatus::None => self.open_picker(&svc),
        }
    }

    pub(super) fn request_disable(&mut self, svc: Service) -> Vec<Effect> {
        let key = ServiceRef::of(&self.status.region, &svc);
        let rollback = match self.ops.get(&key) {
            Some(op) if op.is_active() => {
                self.refuse(format!(
                    "{} of {key} is already running: wait for it to finish.",
                    article(op.kind)
                ));
                return vec![];
            }
            Some(op) => op.kind == OpKind::Enable,
            None if svc.debug == DebugStatus::None => {
                let s = self.key_of(Action::StatusView);
                self.refuse(format!(
                    "Cloud debugging is not enabled for {key}: there is nothing to disable \
                     ({s} lists interrupted operations)."
                ));
                return vec![];
            }
            None => false,
        };
        self.show(Mode::Confirm(Confirm::Disable {
            service: key,
            rollback,
        }));
        vec![]
    }

    pub(super) fn request_quit(&mut self) -> Vec<Effect> {
        let running = self.ops.values().filter(|o| o.is_active()).count();
        if running == 0 {
            self.quit = true;
        } else {
            self.show(Mode::Confirm(Confirm::Quit { running }));
        }
        vec![]
    }

    fn open_picker(&mut self, svc: &Service) -> Vec<Effect> {
        let key = ServiceRef::of(&self.status.region, svc);
        self.show(Mode::Roles(Box::new(RolePicker::open(key.clone()))));
        vec![Effect::LoadRoles {
            service: key,
            task_definition: Some(svc.task_definition.clone()),
        }]
    }

    pub(super) fn open_status(&mut self) -> Vec<Effect> {
        self.show(Mode::Status(StatusView {
            region: self.status.region.clone(),
            rows: Load::Loading,
            selected: 0,
        }));
        vec![Effect::LoadStatus]
    }

    /// Starts an operation unless one runs on that service already.
    pub(super) fn start_op(
        &mut self,
        key: ServiceRef,
        kind: OpKind,
        role: Option<String>,
    ) -> Vec<Effect> {
        if let Some(op) = self.ops.get(&key).filter(|o| o.is_active()) {
            let text = format!(
                "{} of {key} is already running: wait for it to finish.",
                article(op.kind)
            );
            self.refuse(text);
            return vec![];
        }
        self.ops
            .insert(key.clone(), Operation::new(kind, role.clone(), self.now));
        match kind {
            OpKind::Enable => {
                let role = role.unwrap_or_default();
                self.op_log(
                    &key,
                    Level::Info,
                    format!("Preflight with task role {}…", short_role(&role)),
                );
                vec![Effect::Preflight { service: key, role }]
            }
            OpKind::Disable => {
                self.op_log(&key, Level::Info, "Disabling cloud debugging…");
                vec![Effect::Disable { service: key }]
            }
        }
    }

    // --- dialogs ---------------------------------------------------------

    pub(super) fn confirm_key(&mut self, mut confirm: Confirm, ev: KeyEvent) -> Vec<Effect> {
        match ev.code {
            KeyCode::Char('y' | 'Y') => {
                self.close_popup();
                self.confirmed(confirm)
            }
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                self.close_popup();
                vec![]
            }
            KeyCode::Char(' ' | 'a') => {
                if let Confirm::Enable { dont_ask_again, .. } = &mut confirm {
                    *dont_ask_again = !*dont_ask_again;
                }
                self.mode = Mode::Confirm(confirm);
                vec![]
            }
            _ => {
                self.mode = Mode::Confirm(confirm);
                vec![]
            }
        }
    }

    fn confirmed(&mut self, confirm: Confirm) -> Vec<Effect> {
        match confirm {
            Confirm::Enable {
                service,
                dont_ask_again,
            } => {
                let mut effects = Vec::new();
                if dont_ask_again {
                    self.ask_before_enable = false;
                    effects.push(Effect::SaveSetting {
                        key: "ask_before_enable",
                        value: false,
                    });
                }
                effects.extend(self.open_picker(&service));
                effects
            }
            Confirm::Disable { service, .. } => self.start_op(service, OpKind::Disable, None),
            Confirm::Quit { running } => {
                self.quitting = Some(self.now);
                self.log(
                    Level::Warn,
                    format!(
                        "Stopping {} after the current AWS call…",
                        super::plural(running, "operation")
                    ),
                );
                vec![Effect::CancelAll]
            }
        }
    }

    pub(super) fn picker_key(&mut self, mut p: Box<RolePicker>, ev: KeyEvent) -> Vec<Effect> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let choice = match ev.code {
            KeyCode::Esc => {
                self.close_popup();
                let key = p.service.clone();
                self.op_log(&key, Level::Info, "Enable cancelled: nothing was changed.");
                return vec![];
            }
            KeyCode::Enter => Some(p.choose(false)),
            KeyCode::Char('o') if ctrl => Some(p.choose(true)),
            KeyCode::Char('u') if ctrl => {
                p.filter.clear();
                p.move_by(0);
                None
            }
            KeyCode::Up => {
                p.move_by(-1);
                None
            }
            KeyCode::Down => {
                p.move_by(1);
                None
            }
            KeyCode::PageUp => {
                p.move_by(-10);
                None
            }
            KeyCode::PageDown => {
                p.move_by(10);
                None
            }
            KeyCode::Home => {
                p.move_by(isize::MIN / 2);
                None
            }
            KeyCode::End => {
                p.move_by(isize::MAX / 2);
                None
            }
            KeyCode::Backspace => {
                p.backspace();
                None
            }
            KeyCode::Char(c) if !ctrl => {
                p.type_char(c);
                None
            }
            _ => None,
        };
        match choice {
            Some(Ok(role)) => {
                let key = p.service.clone();
                if let Some(Usability::NotUsable(why)) = p.verdict(&role) {
                    let text = format!(
                        "Using {} as asked, although the check says: {why}.",
                        short_role(&role)
                    );
                    self.op_log(&key, Level::Warn, text);
                }
                self.close_popup();
                self.start_op(key, OpKind::Enable, Some(role))
            }
            Some(Err(why)) => {
                let key = p.service.clone();
                self.op_log(&key, Level::Warn, &why);
                p.message = Some(why);
                self.mode = Mode::Roles(p);
                vec![]
            }
            None => {
                self.mode = Mode::Roles(p);
                vec![]
            }
        }
    }

    pub(super) fn preflight_key(&mut self, view: PreflightView, ev: KeyEvent) -> Vec<Effect> {
        match ev.code {
            KeyCode::Char('p') => {
                self.close_popup();
                let svc = self.find_service(&view.service);
                match svc {
                    Some(svc) => self.open_picker(&svc),
                    None => {
                        self.refuse(format!("{} is no longer in the tree.", view.service));
                        vec![]
                    }
                }
            }
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => {
                self.close_popup();
                vec![]
            }
            _ => {
                self.mode = Mode::Preflight(view);
                vec![]
            }
        }
    }

    pub(super) fn failure_key(&mut self, view: FailureView, ev: KeyEvent) -> Vec<Effect> {
        match ev.code {
            KeyCode::Char('r' | 'e') => {
                self.close_popup();
                let role = self.ops.get(&view.service).and_then(|o| o.role.clone());
                self.op_log(&view.service, Level::Info, "Retrying where it stopped…");
                self.start_op(view.service, view.kind, role)
            }
            KeyCode::Char('d') => {
                self.close_popup();
                self.start_op(view.service, OpKind::Disable, None)
            }
            KeyCode::Esc | KeyCode::Char('q') => {
                self.close_popup();
                vec![]
            }
            _ => {
                self.mode = Mode::Failure(view);
                vec![]
            }
        }
    }

    pub(super) fn status_key(&mut self, mut view: StatusView, ev: KeyEvent) -> Vec<Effect> {
        let action = self.keymap.action_for(&ev);
        match (ev.code, action) {
            (KeyCode::Esc, _) | (_, Some(Action::StatusView | Action::Quit)) => {
                self.close_popup();
                vec![]
            }
            (KeyCode::Enter, _) => {
                let row = view.selected_row().cloned();
                self.mode = Mode::Status(view);
                match row {
                    Some(row) => self.resume(row),
                    None => vec![],
                }
            }
            (_, Some(Action::Disable)) => {
                let row = view.selected_row().cloned();
                self.mode = Mode::Status(view);
                let Some(row) = row else { return vec![] };
                if let Some(op) = self.ops.get(&row.service).filter(|o| o.is_active()) {
                    let text = format!(
                        "{} of {} is already running: wait for it to finish.",
                        article(op.kind),
                        row.service
                    );
                    self.refuse(text);
                    return vec![];
                }
                self.show(Mode::Confirm(Confirm::Disable {
                    rollback: row.resume == Some(OpKind::Enable),
                    service: row.service,
                }));
                vec![]
            }
            (_, Some(Action::Refresh)) => {
                view.rows = Load::Loading;
                self.mode = Mode::Status(view);
                vec![Effect::LoadStatus]
            }
            (_, Some(Action::Up)) => {
                view.move_by(-1);
                self.mode = Mode::Status(view);
                vec![]
            }
            (_, Some(Action::Down)) => {
                view.move_by(1);
                self.mode = Mode::Status(view);
                vec![]
            }
            _ => {
                self.mode = Mode::Status(view);
                vec![]
            }
        }
    }

    /// Finishes an unfinished operation from the status view.
    fn resume(&mut self, row: StatusRow) -> Vec<Effect> {
        let Some(kind) = row.resume else {
            let d = self.key_of(Action::Disable);
            self.refuse(format!(
                "{} is enabled: there is nothing to resume ({d} disables it).",
                row.service
            ));
            return vec![];
        };
        let local = self.ops.get(&row.service);
        let interrupted = row.state == crate::engine::status::State::Interrupted;
        if local.is_none() && !interrupted {
            self.refuse(format!(
                "{} of {} was updated in the last two minutes and may still be running \
                 elsewhere: resume it once it shows as interrupted.",
                article(kind),
                row.service
            ));
            return vec![];
        }
        self.close_popup();
        let role = Some(row.task_role).filter(|_| kind == OpKind::Enable);
        self.start_op(row.service, kind, role)
    }

    fn find_service(&self, key: &ServiceRef) -> Option<Service> {
        self.tree
            .cluster_nodes()
            .iter()
            .find(|n| n.cluster.name == key.cluster)?
            .services
            .ready()?
            .iter()
            .find(|s| s.name == key.service)
            .cloned()
    }

    // --- background results ----------------------------------------------

    pub(super) fn roles_loaded(
        &mut self,
        service: ServiceRef,
        result: Result<(Vec<RoleEntry>, Option<String>), String>,
    ) -> Vec<Effect> {
        let Some(p) = self.picker_for(&service) else {
            return vec![];
        };
        match result {
            Ok((roles, current)) => {
                let unchecked = p.set_roles(roles, current);
                if unchecked.is_empty() {
                    vec![]
                } else {
                    vec![Effect::CheckRoles(unchecked)]
                }
            }
            Err(e) => {
                p.roles = Load::Failed(e);
                vec![]
            }
        }
    }

    fn picker_for(&mut self, service: &ServiceRef) -> Option<&mut RolePicker> {
        match &mut self.mode {
            Mode::Roles(p) if p.service == *service => Some(p),
            _ => None,
        }
    }

    pub(super) fn role_checked(&mut self, arn: String, verdict: Usability) {
        if let Mode::Roles(p) = &mut self.mode {
            p.verdicts.insert(arn, verdict);
        }
    }

    pub(super) fn role_details(&mut self, arn: String, result: Result<Vec<String>, String>) {
        if let Mode::Roles(p) = &mut self.mode {
            let load = match result {
                Ok(names) => Load::Ready(names),
                Err(e) => Load::Failed(e),
            };
            p.policies.insert(arn, load);
        }
    }

    pub(super) fn preflight_done(
        &mut self,
        key: ServiceRef,
        result: Result<Vec<Finding>, String>,
    ) -> Vec<Effect> {
        let Some(op) = self.ops.get_mut(&key) else {
            return vec![];
        };
        if op.phase != OpPhase::Checking {
            return vec![];
        }
        let role = op.role.clone().unwrap_or_default();
        match result {
            Err(e) => {
                self.ops.remove(&key);
                self.op_log(&key, Level::Error, format!("Preflight could not run: {e}"));
                vec![]
            }
            Ok(findings) if findings.iter().any(|f| f.severity == Severity::Fail) => {
                self.ops.remove(&key);
                self.preflight_failed(key, role, findings);
                vec![]
            }
            Ok(findings) => {
                op.phase = OpPhase::Running;
                let warnings: Vec<Finding> = findings
                    .into_iter()
                    .filter(|f| f.severity == Severity::Warn)
                    .collect();
                self.op_log(&key, Level::Success, "Preflight passed.");
                for w in &warnings {
                    self.op_log(&key, Level::Warn, finding_text(w));
                }
                vec![Effect::Enable { service: key, role }]
            }
        }
    }

    fn preflight_failed(&mut self, key: ServiceRef, role: String, findings: Vec<Finding>) {
        let fails = findings
            .iter()
            .filter(|f| f.severity == Severity::Fail)
            .count();
        self.op_log(
            &key,
            Level::Error,
            format!(
                "Preflight found {}; nothing was changed.",
                super::plural(fails, "problem")
            ),
        );
        for f in findings.iter().filter(|f| f.severity == Severity::Fail) {
            self.op_log(&key, Level::Error, finding_text(f));
        }
        self.open(Mode::Preflight(PreflightView {
            service: key,
            role,
            findings,
        }));
    }

    pub(super) fn progress(&mut self, key: ServiceRef, p: Progress) {
        let time = self.clock.now();
        let now = self.now;
        let step_line =
            |app: &App, step: &str| app.ops.get(&key).and_then(|o| o.steps.get(step)).copied();
        match p {
            Progress::Started { step, title } => {
                let text = format!("{key} · {title}");
                let id =
                    self.output
                        .push_quiet(time, Level::Info, text, Some(StepMark::Running(now)));
                if let Some(op) = self.ops.get_mut(&key) {
                    op.steps.insert(step, id);
                }
            }
            Progress::Detail { text, .. } => {
                let text = format!("{key} ·   {text}");
                self.output.push_quiet(time, Level::Info, text, None);
            }
            Progress::Finished { step, elapsed } => {
                if let Some(id) = step_line(self, &step) {
                    self.output.set_step(id, StepMark::Done(elapsed));
                }
            }
            Progress::Skipped { step, reason } => {
                let text = format!("{key} · ↷ {step}: {reason}");
                self.output.push_quiet(time, Level::Info, text, None);
            }
            Progress::Failed { step, error } => {
                if let Some(id) = step_line(self, &step) {
                    self.output.fail_step(id, now);
                }
                let text = format!("{key} ·   {error}");
                self.output.push_quiet(time, Level::Error, text, None);
            }
        }
    }

    pub(super) fn op_ended(
        &mut self,
        key: ServiceRef,
        result: Result<OpOutcome, OpError>,
    ) -> Vec<Effect> {
        let op = self.ops.remove(&key);
        let kind = match (&result, &op) {
            (Ok(OpOutcome::Enabled(_)), _) => OpKind::Enable,
            (Ok(OpOutcome::Disabled(_)), _) => OpKind::Disable,
            (Err(_), Some(op)) => op.kind,
            (Err(_), None) => OpKind::Enable,
        };
        match result {
            // The items first and the headline last, so that a small pane
            // ends on the outcome.
            Ok(OpOutcome::Enabled(s)) => {
                self.list(&key, "created", &s.created);
                self.list(&key, "changed", &s.changed);
                self.list(&key, "relaxed", &s.notes);
                self.op_log(
                    &key,
                    Level::Success,
                    format!(
                        "Cloud debugging is on ({:.1} s, {} created, {} changed): {} serves \
                         in place of {}.",
                        s.seconds,
                        s.created.len(),
                        s.changed.len(),
                        s.debug_service,
                        s.service
                    ),
                );
            }
            Ok(OpOutcome::Disabled(s)) => {
                self.list(&key, "restored", &s.restored);
                self.list(&key, "removed", &s.removed);
                self.op_log(
                    &key,
                    Level::Success,
                    format!(
                        "Cloud debugging is off ({:.1} s, {} restored, {} removed): {} is \
                         back as it was.",
                        s.seconds,
                        s.restored.len(),
                        s.removed.len(),
                        s.service
                    ),
                );
            }
            Err(OpError::Preflight(findings)) => {
                let role = op.and_then(|o| o.role).unwrap_or_default();
                self.preflight_failed(key.clone(), role, findings);
            }
            Err(OpError::Refused(m)) if kind == OpKind::Disable => {
                self.op_log(&key, Level::Error, &m);
                self.flash = Some(m);
            }
            Err(e) => {
                let (message, created) = match e {
                    OpError::Stopped { message, created } => (message, created),
                    OpError::Refused(m) | OpError::Failed(m) => (m, vec![]),
                    OpError::Preflight(_) => (String::new(), vec![]),
                };
                self.stopped(&key, kind, op, message, created);
            }
        }
        let mut effects = self.refresh_cluster_of(&key);
        if let Mode::Status(v) = &mut self.mode {
            v.rows = Load::Loading;
            effects.push(Effect::LoadStatus);
        }
        if self.quitting.is_some() && !self.ops.values().any(Operation::is_active) {
            self.quit = true;
        }
        effects
    }

    fn stopped(
        &mut self,
        key: &ServiceRef,
        kind: OpKind,
        op: Option<Operation>,
        message: String,
        created: Vec<String>,
    ) {
        let mut op = op.unwrap_or_else(|| Operation::new(kind, None, self.now));
        op.phase = OpPhase::Failed;
        self.ops.insert(key.clone(), op);
        // The engine's own sentence already says which operation stopped.
        let headline = if message.starts_with(&format!("{} stopped", kind.verb())) {
            message.clone()
        } else {
            format!("{} stopped: {message}", kind.verb())
        };
        self.op_log(key, Level::Error, headline);
        if created.is_empty() {
            self.op_log(key, Level::Info, "Nothing was created so far.");
        } else {
            self.list(key, "created so far", &created);
        }
        let (e, d, s) = (
            self.key_of(Action::Enable),
            self.key_of(Action::Disable),
            self.key_of(Action::StatusView),
        );
        let next = match kind {
            OpKind::Enable => format!("{e} retries (resumes), {d} rolls back; {s} lists it too."),
            OpKind::Disable => format!("{d} retries the disable; {s} lists it too."),
        };
        self.op_log(key, Level::Info, next);
        if self.quitting.is_none() {
            self.open(Mode::Failure(FailureView {
                service: key.clone(),
                kind,
                message,
                created,
            }));
        }
    }

    fn list(&mut self, key: &ServiceRef, what: &str, items: &[String]) {
        for item in items {
            self.op_log(key, Level::Info, format!("  {what}: {item}"));
        }
    }

    /// Reloads the services of the operation's cluster so that markers
    /// appear or go.
    fn refresh_cluster_of(&mut self, key: &ServiceRef) -> Vec<Effect> {
        if key.region != self.status.region {
            return vec![];
        }
        let Some(arn) = self
            .tree
            .cluster_nodes()
            .iter()
            .find(|n| n.cluster.name == key.cluster)
            .map(|n| n.cluster.arn.clone())
        else {
            return vec![];
        };
        let twin = key.twin();
        self.extras.retain(|service_arn, _| {
            let name = service_arn.rsplit('/').next().unwrap_or_default();
            !(service_arn.contains(&format!("/{}/", key.cluster))
                && (name == key.service || name == twin))
        });
        self.tree.begin_services_load(&arn);
        vec![Effect::LoadServices(arn)]
    }

    pub(super) fn status_loaded(
        &mut self,
        region: String,
        result: Result<Vec<StatusEntry>, String>,
    ) {
        if let Mode::Status(v) = &mut self.mode
            && v.region == region
        {
            v.rows = match result {
                Ok(entries) => Load::Ready(
                    entries
                        .into_iter()
                        .map(|e| StatusRow::from_entry(&region, e))
                        .collect(),
                ),
                Err(e) => Load::Failed(e),
            };
            v.move_by(0);
        }
    }

    /// Asks for the attached policies of the highlighted role, and quits
    /// once stopped operations are done (or took too long).
    pub(super) fn debug_tick(&mut self, now: Instant) -> Vec<Effect> {
        if let Some(since) = self.quitting
            && now.saturating_duration_since(since) >= QUIT_GRACE
        {
            self.quit = true;
        }
        let Mode::Roles(p) = &mut self.mode else {
            return vec![];
        };
        let Some(role) = p.highlighted().cloned() else {
            return vec![];
        };
        if p.policies.contains_key(&role.arn) {
            return vec![];
        }
        p.policies.insert(role.arn.clone(), Load::Loading);
        vec![Effect::LoadRoleDetails {
            arn: role.arn,
            name: role.name,
        }]
    }
}

/// A finding as one line: what is wrong, then what to do.
pub fn finding_text(f: &Finding) -> String {
    match &f.fix {
        Some(fix) => format!("{} {fix}", f.message),
        None => f.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::NaiveTime;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::super::keymap::Keymap;
    use super::super::tree::tests::cluster;
    use super::super::{Clock, StatusInfo, Update};
    use super::*;
    use crate::engine::catalog::RoleEntry;
    use crate::model::{pair_and_sort, service_named};

    const ROLE: &str = "arn:aws:iam::123456789012:role/debug-role";
    const BAD_ROLE: &str = "arn:aws:iam::123456789012:role/ecsServiceRole";

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn press(app: &mut App, c: char) -> Vec<Effect> {
        app.handle_key(key(KeyCode::Char(c)))
    }

    fn web() -> ServiceRef {
        ServiceRef {
            region: "us-east-1".into(),
            cluster: "apps".into(),
            service: "web".into(),
        }
    }

    /// apps expanded with `cloud-debug-api`, `api` and `web`; `web` selected.
    fn app() -> App {
        let status = StatusInfo {
            region: "us-east-1".into(),
            ..Default::default()
        };
        let mut app = App::new(status, Keymap::default(), Clock::Fixed(NaiveTime::MIN));
        app.start();
        app.apply(Update::Clusters {
            region: "us-east-1".into(),
            result: Ok(vec![cluster("apps")]),
            elapsed: Duration::ZERO,
        });
        let arn = cluster("apps").arn;
        app.tree.expand_cluster(&arn);
        let mut services: Vec<Service> = ["web", "api", "cloud-debug-api"]
            .iter()
            .map(|n| {
                let mut s = service_named(n);
                s.cluster_arn = arn.clone();
                s.arn = format!("arn:aws:ecs:us-east-1:123456789012:service/apps/{n}");
                s
            })
            .collect();
        pair_and_sort(&mut services);
        app.apply(Update::Services {
            region: "us-east-1".into(),
            cluster_arn: arn.clone(),
            result: Ok(services),
            elapsed: Duration::ZERO,
        });
        app.tree.select_service(&arn, "web");
        app
    }

    fn role(arn: &str, trusted: &str) -> RoleEntry {
        RoleEntry {
            name: short_role(arn).to_string(),
            path: "/".into(),
            arn: arn.into(),
            trusted_services: vec![trusted.into()],
            description: None,
        }
    }

    /// Enter, Enter (Enable…), y: the picker is open with its roles.
    fn picking() -> App {
        let mut app = app();
        app.handle_key(key(KeyCode::Enter));
        app.handle_key(key(KeyCode::Enter));
        let effects = press(&mut app, 'y');
        assert!(matches!(effects.as_slice(), [Effect::LoadRoles { .. }]));
        let effects = app.apply(Update::Roles {
            service: web(),
            result: Ok((
                vec![
                    role(ROLE, "ecs-tasks.amazonaws.com"),
                    role(BAD_ROLE, "ecs.amazonaws.com"),
                ],
                None,
            )),
        });
        assert!(
            matches!(effects.as_slice(), [Effect::CheckRoles(r)] if r.len() == 1),
            "only the trusted role is simulated: {effects:?}"
        );
        app
    }

    /// A running enable of web with the good role.
    fn enabling() -> App {
        let mut app = picking();
        app.apply(Update::RoleChecked {
            arn: ROLE.into(),
            usability: Usability::Usable,
        });
        let effects = app.handle_key(key(KeyCode::Enter));
        assert_eq!(
            effects,
            vec![Effect::Preflight {
                service: web(),
                role: ROLE.into()
            }]
        );
        let effects = app.apply(Update::Preflight {
            service: web(),
            result: Ok(vec![]),
        });
        assert_eq!(
            effects,
            vec![Effect::Enable {
                service: web(),
                role: ROLE.into()
            }]
        );
        app
    }

    #[test]
    fn enter_on_a_service_opens_its_menu_and_on_a_twin_offers_disable() {
        let mut app = app();
        assert!(app.handle_key(key(KeyCode::Enter)).is_empty());
        let Mode::Menu(menu) = &app.mode else {
            panic!("menu expected, got {:?}", app.mode)
        };
        assert_eq!(menu.choice(), Some(Action::Enable));
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.mode, Mode::Normal);

        app.tree
            .select_service(&cluster("apps").arn, "cloud-debug-api");
        press(&mut app, 'm');
        let Mode::Menu(menu) = &app.mode else {
            panic!("menu expected")
        };
        assert_eq!(menu.choice(), Some(Action::Disable));
        assert!(!menu.items.iter().any(|(a, _)| *a == Action::Enable));
    }

    #[test]
    fn a_right_click_opens_the_menu_and_a_click_on_an_item_does_it() {
        use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
        use ratatui::layout::Rect;

        let mut app = app();
        app.layout.tree = Rect::new(0, 0, 60, 20);
        let click = |kind, column, row| MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        };
        // Rows: region, apps, cloud-debug-api, api, web (at screen row 5).
        let right = MouseEventKind::Down(MouseButton::Right);
        app.handle_mouse(click(right, 10, 4), Instant::now());
        assert_eq!(app.tree.selected_service().unwrap().name, "api");
        let Mode::Menu(menu) = &app.mode else {
            panic!("menu expected, got {:?}", app.mode)
        };
        assert_eq!(menu.anchor, Some((10, 4)));
        assert_eq!(menu.choice(), Some(Action::Disable));

        // The menu is drawn at (10, 4): its first item is on row 5.
        app.layout.menu = Rect::new(10, 4, 30, 5);
        let left = MouseEventKind::Down(MouseButton::Left);
        app.handle_mouse(click(left, 12, 5), Instant::now());
        assert!(
            matches!(&app.mode, Mode::Confirm(Confirm::Disable { service, .. })
                if service.service == "api"),
            "{:?}",
            app.mode
        );
    }

    #[test]
    fn enable_asks_first_and_dont_ask_again_is_saved() {
        let mut app = app();
        press(&mut app, 'e');
        assert!(matches!(app.mode, Mode::Confirm(Confirm::Enable { .. })));
        press(&mut app, ' ');
        let effects = press(&mut app, 'y');
        assert_eq!(
            effects[0],
            Effect::SaveSetting {
                key: "ask_before_enable",
                value: false
            }
        );
        assert!(matches!(effects[1], Effect::LoadRoles { .. }));
        assert!(!app.ask_before_enable);

        app.handle_key(key(KeyCode::Esc));
        press(&mut app, 'e');
        assert!(matches!(app.mode, Mode::Roles(_)), "not asked again");
    }

    #[test]
    fn n_at_the_confirmation_changes_nothing() {
        let mut app = app();
        press(&mut app, 'e');
        assert!(press(&mut app, 'n').is_empty());
        assert_eq!(app.mode, Mode::Normal);
        assert!(app.ops.is_empty());
    }

    #[test]
    fn the_picker_refuses_an_unusable_role_unless_overridden() {
        let mut app = picking();
        for c in "ecsserv".chars() {
            press(&mut app, c);
        }
        let Mode::Roles(p) = &app.mode else {
            panic!("picker expected")
        };
        assert_eq!(p.visible().len(), 1, "filtered");

        assert!(app.handle_key(key(KeyCode::Enter)).is_empty());
        let Mode::Roles(p) = &app.mode else {
            panic!("still picking")
        };
        let message = p.message.clone().unwrap();
        assert!(
            message.contains("trusted by ecs.amazonaws.com, not by ecs-tasks"),
            "{message}"
        );
        assert!(app.ops.is_empty(), "nothing started");

        let ctrl_o = KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL);
        let effects = app.handle_key(ctrl_o);
        assert_eq!(
            effects,
            vec![Effect::Preflight {
                service: web(),
                role: BAD_ROLE.into()
            }]
        );
        assert_eq!(app.mode, Mode::Normal);
    }

    #[test]
    fn preflight_failures_open_a_popup_and_nothing_runs() {
        let mut app = picking();
        let ctrl_o = KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL);
        app.handle_key(ctrl_o);
        let finding = Finding {
            check: "task-role-trust",
            severity: Severity::Fail,
            message: "debug-role is trusted by nobody.".into(),
            fix: Some("Pick another role.".into()),
        };
        let effects = app.apply(Update::Preflight {
            service: web(),
            result: Ok(vec![finding]),
        });
        assert!(effects.is_empty());
        assert!(matches!(app.mode, Mode::Preflight(_)));
        assert!(app.ops.is_empty());
    }

    #[test]
    fn a_second_action_on_the_same_service_is_refused() {
        let mut app = enabling();
        assert!(press(&mut app, 'e').is_empty());
        assert_eq!(
            app.flash.as_deref(),
            Some("An enable of apps/web is already running: wait for it to finish.")
        );
        assert!(press(&mut app, 'd').is_empty());
        assert!(app.flash.is_some());
        assert_eq!(app.mode, Mode::Normal, "no dialog opened");

        // Another service can start meanwhile.
        app.tree.select_service(&cluster("apps").arn, "api");
        press(&mut app, 'd');
        assert!(matches!(app.mode, Mode::Confirm(Confirm::Disable { .. })));
        let effects = press(&mut app, 'y');
        assert!(matches!(effects.as_slice(), [Effect::Disable { .. }]));
        assert_eq!(app.ops.len(), 2);
    }

    #[test]
    fn progress_moves_a_step_line_from_running_to_done() {
        let mut app = enabling();
        let step = |app: &App| app.output.window(100).last().and_then(|l| l.step);
        app.apply(Update::Progress {
            service: web(),
            progress: Progress::Started {
                step: "bucket".into(),
                title: "Prepare the state bucket".into(),
            },
        });
        assert!(matches!(step(&app), Some(StepMark::Running(_))));
        app.apply(Update::Progress {
            service: web(),
            progress: Progress::Finished {
                step: "bucket".into(),
                elapsed: Duration::from_millis(1500),
            },
        });
        assert_eq!(
            step(&app),
            Some(StepMark::Done(Duration::from_millis(1500)))
        );
    }

    #[test]
    fn a_stopped_enable_offers_retry_and_rollback() {
        let mut app = enabling();
        press(&mut app, '?');
        let effects = app.apply(Update::OpEnded {
            service: web(),
            result: Err(OpError::Stopped {
                message: "enable stopped: ecs:CreateService failed: boom".into(),
                created: vec!["task definition cloud-debug-web:1".into()],
            }),
        });
        assert_eq!(
            effects,
            vec![Effect::LoadServices(cluster("apps").arn)],
            "the cluster is refreshed"
        );
        assert_eq!(app.mode, Mode::Help, "the failure waits for help to close");
        press(&mut app, '?');
        assert!(matches!(app.mode, Mode::Failure(_)));
        let effects = press(&mut app, 'r');
        assert_eq!(
            effects,
            vec![Effect::Preflight {
                service: web(),
                role: ROLE.into()
            }],
            "retry keeps the role"
        );
    }

    #[test]
    fn quitting_while_running_stops_the_operations_first() {
        let mut app = enabling();
        press(&mut app, 'q');
        assert!(!app.quit);
        assert!(matches!(
            app.mode,
            Mode::Confirm(Confirm::Quit { running: 1 })
        ));
        assert_eq!(press(&mut app, 'y'), vec![Effect::CancelAll]);
        assert!(!app.quit, "waits for the operation to stop");
        app.apply(Update::OpEnded {
            service: web(),
            result: Err(OpError::Stopped {
                message: "Stopped during the wait-running step, as asked.".into(),
                created: vec![],
            }),
        });
        assert!(app.quit);
    }
}
