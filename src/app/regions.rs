//! The region picker popup's state.

use crate::aws::region::KNOWN_REGIONS;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionPicker {
    pub filter: String,
    pub selected: usize,
    current: String,
}

impl RegionPicker {
    pub fn open(current: &str) -> Self {
        let mut picker = Self {
            filter: String::new(),
            selected: 0,
            current: current.to_string(),
        };
        picker.selected = picker
            .items()
            .iter()
            .position(|r| r == current)
            .unwrap_or(0);
        picker
    }

    /// Regions matching the filter; the current one is always offered.
    pub fn items(&self) -> Vec<String> {
        let mut all: Vec<String> = KNOWN_REGIONS.iter().map(|r| r.to_string()).collect();
        if !all.contains(&self.current) {
            all.insert(0, self.current.clone());
        }
        let f = self.filter.to_lowercase();
        all.into_iter().filter(|r| r.contains(&f)).collect()
    }

    pub fn current(&self) -> &str {
        &self.current
    }

    pub fn type_char(&mut self, c: char) {
        self.filter.push(c);
        self.selected = 0;
    }

    pub fn backspace(&mut self) {
        self.filter.pop();
        self.selected = 0;
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.items().len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    pub fn choice(&self) -> Option<String> {
        self.items().get(self.selected).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_on_the_current_region_and_filters() {
        let mut p = RegionPicker::open("eu-west-1");
        assert_eq!(p.choice().as_deref(), Some("eu-west-1"));
        for c in "ap-south".chars() {
            p.type_char(c);
        }
        assert_eq!(
            p.items(),
            vec![
                "ap-south-1",
                "ap-south-2",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-southeast-3",
                "ap-southeast-4",
                "ap-southeast-5",
                "ap-southeast-7"
            ]
        );
        p.move_by(1);
        assert_eq!(p.choice().as_deref(), Some("ap-south-2"));
    }
}
