//! The build-output pane's content: timestamped lines, scrollable, and
//! following the newest line unless the user scrolled up.

use chrono::NaiveTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub time: NaiveTime,
    pub level: Level,
    pub text: String,
}

/// Keeps at most this many lines; older ones are dropped first.
const CAPACITY: usize = 5_000;

#[derive(Debug, Clone, Default)]
pub struct OutputLog {
    lines: std::collections::VecDeque<OutputLine>,
    /// Lines scrolled up from the bottom; 0 follows the newest line.
    pub scroll_back: usize,
}

impl OutputLog {
    pub fn push(&mut self, time: NaiveTime, level: Level, text: impl Into<String>) {
        let text = text.into();
        match level {
            Level::Error => tracing::error!("{text}"),
            Level::Warn => tracing::warn!("{text}"),
            _ => tracing::info!("{text}"),
        }
        if self.lines.len() == CAPACITY {
            self.lines.pop_front();
        }
        self.lines.push_back(OutputLine { time, level, text });
        if self.scroll_back > 0 {
            // Keep the same lines in view while the user reads back.
            self.scroll_back = (self.scroll_back + 1).min(self.lines.len().saturating_sub(1));
        }
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
}
