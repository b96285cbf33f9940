//! The user's configuration file (TOML).
//!
//! ```toml
//! concurrency = 8          # AWS requests in flight at once
//! [keys]
//! down = ["Down", "j"]     # any action of the keymap, see `?`
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Requests in flight at once when nothing else is configured.
pub const DEFAULT_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Upper bound on concurrent AWS requests.
    pub concurrency: Option<usize>,
    /// Action name → keys, replacing that action's default keys.
    pub keys: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("Could not read the configuration file {path}: {reason}.")]
    Read { path: PathBuf, reason: String },
    #[error("The configuration file {path} is not valid: {reason}.")]
    Invalid { path: PathBuf, reason: String },
}

impl Config {
    /// The default location: `<config dir>/ecs-debug/config.toml`.
    pub fn default_path() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("ecs-debug").join("config.toml"))
    }

    /// Reads `path`, or the default location; a missing default file is
    /// an empty configuration, a missing explicit file is an error.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match Self::default_path() {
                Some(p) => (p, false),
                None => return Ok(Self::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Ok(Self::default());
            }
            Err(e) => {
                return Err(ConfigError::Read {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        Self::parse(&text).map_err(|reason| ConfigError::Invalid { path, reason })
    }

    /// Parses TOML text; the error is a short reason without the path.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim_end_matches('.').to_string();
            match e.span() {
                Some(span) => {
                    let line = text[..span.start].matches('\n').count() + 1;
                    format!("line {line}: {msg}")
                }
                None => msg,
            }
        })?;
        if config.concurrency == Some(0) {
            return Err("concurrency must be at least 1".to_string());
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_concurrency() {
        let c = Config::parse("concurrency = 4\n[keys]\ndown = [\"n\"]\n").unwrap();
        assert_eq!(c.concurrency, Some(4));
        assert_eq!(c.keys["down"], vec!["n".to_string()]);
    }

    #[test]
    fn unknown_fields_are_reported_with_their_line() {
        let err = Config::parse("concurrency = 4\ncolour = true\n").unwrap_err();
        assert!(err.starts_with("line 2: unknown field `colour`"), "{err}");
    }

    #[test]
    fn zero_concurrency_is_refused() {
        assert_eq!(
            Config::parse("concurrency = 0").unwrap_err(),
            "concurrency must be at least 1"
        );
    }
}
