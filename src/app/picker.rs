//! The task-role picker's state: every role of the account, filtered as
//! the user types, each with whether a debug task could use it.

use std::collections::HashMap;

use super::ops::ServiceRef;
use super::tree::Load;
use crate::engine::catalog::{RoleEntry, Usability};

#[derive(Debug, Clone, PartialEq)]
pub struct RolePicker {
    pub service: ServiceRef,
    pub roles: Load<Vec<RoleEntry>>,
    /// The task definition's task role (ARN), selected when the roles
    /// arrive.
    pub current: Option<String>,
    /// Role ARN → verdict; absent while it is being worked out.
    pub verdicts: HashMap<String, Usability>,
    /// Role ARN → names of its attached managed policies.
    pub policies: HashMap<String, Load<Vec<String>>>,
    pub filter: String,
    /// Index into [`RolePicker::visible`].
    pub selected: usize,
    /// Why the last choice was refused.
    pub message: Option<String>,
}

impl RolePicker {
    pub fn open(service: ServiceRef) -> Self {
        Self {
            service,
            roles: Load::Loading,
            current: None,
            verdicts: HashMap::new(),
            policies: HashMap::new(),
            filter: String::new(),
            selected: 0,
            message: None,
        }
    }

    /// The roles matching the filter (name or path, any case).
    pub fn visible(&self) -> Vec<&RoleEntry> {
        let f = self.filter.to_lowercase();
        self.roles
            .ready()
            .map(|list| {
                list.iter()
                    .filter(|r| {
                        f.is_empty()
                            || r.name.to_lowercase().contains(&f)
                            || r.path.to_lowercase().contains(&f)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn highlighted(&self) -> Option<&RoleEntry> {
        self.visible().get(self.selected).copied()
    }

    /// Sets the roles, marks the ones trust alone rules out, and starts on
    /// the current task role. Returns the roles that still need checking.
    pub fn set_roles(&mut self, roles: Vec<RoleEntry>, current: Option<String>) -> Vec<RoleEntry> {
        let mut unchecked = Vec::new();
        for r in &roles {
            match r.trust_verdict() {
                Some(v) => {
                    self.verdicts.insert(r.arn.clone(), v);
                }
                None if !self.verdicts.contains_key(&r.arn) => unchecked.push(r.clone()),
                None => {}
            }
        }
        self.roles = Load::Ready(roles);
        self.current = current;
        self.selected = 0;
        if let Some(arn) = self.current.clone() {
            self.select_arn(&arn);
        }
        unchecked
    }

    fn select_arn(&mut self, arn: &str) -> bool {
        match self.visible().iter().position(|r| r.arn == arn) {
            Some(i) => {
                self.selected = i;
                true
            }
            None => false,
        }
    }

    fn refilter(&mut self, text: String) {
        let keep = self.highlighted().map(|r| r.arn.clone());
        self.filter = text;
        self.message = None;
        if !keep.is_some_and(|arn| self.select_arn(&arn)) {
            self.selected = 0;
        }
    }

    pub fn type_char(&mut self, c: char) {
        let mut text = self.filter.clone();
        text.push(c);
        self.refilter(text);
    }

    pub fn backspace(&mut self) {
        let mut text = self.filter.clone();
        text.pop();
        self.refilter(text);
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible().len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
        self.message = None;
    }

    pub fn verdict(&self, arn: &str) -> Option<&Usability> {
        self.verdicts.get(arn)
    }

    /// The role to use (an ARN, or what was typed when the roles could not
    /// be listed), or why not. `force` is the user's explicit override.
    pub fn choose(&self, force: bool) -> Result<String, String> {
        if let Load::Failed(_) = self.roles {
            let typed = self.filter.trim();
            return if typed.is_empty() {
                Err("Type a role name, /path/name or ARN, then press Enter.".into())
            } else {
                Ok(typed.to_string())
            };
        }
        let Some(role) = self.highlighted() else {
            return Err("No role matches the filter.".into());
        };
        if force {
            return Ok(role.arn.clone());
        }
        match self.verdict(&role.arn) {
            Some(Usability::Usable | Usability::NotVerified(_)) => Ok(role.arn.clone()),
            Some(Usability::NotUsable(why)) => Err(format!(
                "{} cannot be used: {why}. Ctrl-o uses it anyway.",
                role.name
            )),
            None => Err(format!(
                "{} is still being checked: wait a moment, or Ctrl-o to use it anyway.",
                role.name
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, trusted: &str) -> RoleEntry {
        RoleEntry {
            name: name.into(),
            path: "/".into(),
            arn: format!("arn:aws:iam::123456789012:role/{name}"),
            trusted_services: vec![trusted.into()],
            description: None,
        }
    }

    fn picker() -> RolePicker {
        let mut p = RolePicker::open(ServiceRef {
            region: "us-east-1".into(),
            cluster: "apps".into(),
            service: "web".into(),
        });
        let unchecked = p.set_roles(
            vec![
                role("app-role", "ecs-tasks.amazonaws.com"),
                role("debug-role", "ecs-tasks.amazonaws.com"),
                role("ecsServiceRole", "ecs.amazonaws.com"),
            ],
            Some("arn:aws:iam::123456789012:role/debug-role".into()),
        );
        assert_eq!(unchecked.len(), 2, "trust alone rules out ecsServiceRole");
        p
    }

    #[test]
    fn the_current_task_role_is_selected_when_the_roles_arrive() {
        assert_eq!(picker().highlighted().unwrap().name, "debug-role");
    }

    #[test]
    fn typing_filters_and_keeps_the_highlighted_role_when_it_still_matches() {
        let mut p = picker();
        p.type_char('R');
        assert_eq!(p.visible().len(), 3);
        assert_eq!(p.highlighted().unwrap().name, "debug-role");
        for c in "ole".chars() {
            p.type_char(c);
        }
        p.type_char('x');
        assert!(p.visible().is_empty());
        for _ in 0..5 {
            p.backspace();
        }
        for c in "service".chars() {
            p.type_char(c);
        }
        assert_eq!(p.visible().len(), 1);
        assert_eq!(p.highlighted().unwrap().name, "ecsServiceRole");
    }

    #[test]
    fn an_unusable_role_needs_the_override_and_a_pending_one_waits() {
        let mut p = picker();
        let err = p.choose(false).unwrap_err();
        assert!(err.contains("still being checked"), "{err}");
        p.verdicts.insert(
            "arn:aws:iam::123456789012:role/debug-role".into(),
            Usability::Usable,
        );
        assert_eq!(
            p.choose(false).unwrap(),
            "arn:aws:iam::123456789012:role/debug-role"
        );
        p.move_by(1);
        let err = p.choose(false).unwrap_err();
        assert_eq!(
            err,
            "ecsServiceRole cannot be used: trusted by ecs.amazonaws.com, not by \
             ecs-tasks.amazonaws.com. Ctrl-o uses it anyway."
        );
        assert_eq!(
            p.choose(true).unwrap(),
            "arn:aws:iam::123456789012:role/ecsServiceRole"
        );
    }

    #[test]
    fn when_roles_cannot_be_listed_the_typed_name_is_used() {
        let mut p = picker();
        p.roles = Load::Failed("Access denied".into());
        assert!(p.choose(false).is_err());
        for c in "my-role".chars() {
            p.type_char(c);
        }
        assert_eq!(p.choose(false).unwrap(), "my-role");
    }
}
