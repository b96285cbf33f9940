//! The build-output pane's content: timestamped lines, scrollable, and
//! following the newest line unless the user scrolled up.

use std::time::{Duration, Instant};

use chrono::NaiveTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warn,
    Error,
}

/// Where a provisioning step stands; its line is redrawn as it moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepMark {
    Running(Instant),
    Done(Duration),
    Failed(Duration),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub id: u64,
    pub time: NaiveTime,
    pub level: Level,
    pub text: String,
    pub step: Option<StepMark>,
}

/// Keeps at most this many lines; older ones are dropped first.
const CAPACITY: usize = 5_000;

#[derive(Debug, Clone, Default)]
pub struct OutputLog {
    lines: std::collections::VecDeque<OutputLine>,
    /// Lines scrolled up from the bottom; 0 follows the newest line.
    pub scroll_back: usize,
    next_id: u64,
}

impl OutputLog {
    /// Adds a line and writes it to the log file.
    pub fn push(&mut self, time: NaiveTime, level: Level, text: impl Into<String>) -> u64 {
        let text = text.into();
        match level {
            Level::Error => tracing::error!("{text}"),
            Level::Warn => tracing::warn!("{text}"),
            _ => tracing::info!("{text}"),
        }
        self.add(time, level, text, None)
    }

    /// Adds a line the log file already has (the engine's reporter wrote
    /// it), optionally as a step that is still running.
    pub fn push_quiet(
        &mut self,
        time: NaiveTime,
        level: Level,
        text: impl Into<String>,
        step: Option<StepMark>,
    ) -> u64 {
        self.add(time, level, text.into(), step)
    }

    fn add(&mut self, time: NaiveTime, level: Level, text: String, step: Option<StepMark>) -> u64 {
        if self.lines.len() == CAPACITY {
            self.lines.pop_front();
        }
        self.next_id += 1;
        let id = self.next_id;
        self.lines.push_back(OutputLine {
            id,
            time,
            level,
            text,
            step,
        });
        if self.scroll_back > 0 {
            // Keep the same lines in view while the user reads back.
            self.scroll_back = (self.scroll_back + 1).min(self.lines.len().saturating_sub(1));
        }
        id
    }

    /// Moves a step's line on (running → done or failed).
    pub fn set_step(&mut self, id: u64, mark: StepMark) {
        if let Some(line) = self.lines.iter_mut().rev().find(|l| l.id == id) {
            line.step = Some(mark);
            if let StepMark::Failed(_) = mark {
                line.level = Level::Error;
            }
        }
    }

    /// Marks a running step's line failed, with how long it ran.
    pub fn fail_step(&mut self, id: u64, now: Instant) {
        let ran = match self
            .lines
            .iter()
            .rev()
            .find(|l| l.id == id)
            .and_then(|l| l.step)
        {
            Some(StepMark::Running(since)) => now.saturating_duration_since(since),
            _ => Duration::ZERO,
        };
        self.set_step(id, StepMark::Failed(ran));
    }

    /// True while some step line still runs (the spinner must turn).
    pub fn has_running_step(&self) -> bool {
        self.lines
            .iter()
            .any(|l| matches!(l.step, Some(StepMark::Running(_))))
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines that fit a window of `height`, oldest first.
    pub fn window(&self, height: usize) -> impl Iterator<Item = &OutputLine> {
        let end = self.lines.len().saturating_sub(self.scroll_back);
        let start = end.saturating_sub(height);
        self.lines.range(start..end)
    }

    pub fn scroll(&mut self, delta: isize, height: usize) {
        let max = self.lines.len().saturating_sub(height.max(1));
        self.scroll_back = (self.scroll_back as isize - delta).clamp(0, max as isize) as usize;
    }

    pub fn follow(&mut self) {
        self.scroll_back = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> NaiveTime {
        NaiveTime::from_hms_opt(12, 0, 0).unwrap()
    }

    fn texts(log: &OutputLog, height: usize) -> Vec<String> {
        log.window(height).map(|l| l.text.clone()).collect()
    }

    #[test]
    fn follows_the_tail_until_scrolled_up() {
        let mut log = OutputLog::default();
        for i in 0..5 {
            log.push(t(), Level::Info, format!("line {i}"));
        }
        assert_eq!(texts(&log, 2), vec!["line 3", "line 4"]);
        log.scroll(-2, 2);
        assert_eq!(texts(&log, 2), vec!["line 1", "line 2"]);
        log.push(t(), Level::Info, "line 5");
        assert_eq!(
            texts(&log, 2),
            vec!["line 1", "line 2"],
            "reading position kept"
        );
        log.follow();
        assert_eq!(texts(&log, 2), vec!["line 4", "line 5"]);
    }

    #[test]
    fn a_step_line_is_updated_in_place() {
        let mut log = OutputLog::default();
        let id = log.push_quiet(
            t(),
            Level::Info,
            "step",
            Some(StepMark::Running(Instant::now())),
        );
        log.push(t(), Level::Info, "detail");
        assert!(log.has_running_step());
        log.set_step(id, StepMark::Done(Duration::from_millis(300)));
        assert!(!log.has_running_step());
        let first = log.window(2).next().unwrap();
        assert_eq!(first.step, Some(StepMark::Done(Duration::from_millis(300))));
    }
}
