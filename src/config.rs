//! The user's configuration file (TOML).
//!
//! ```toml
//! concurrency = 8          # AWS requests in flight at once
//! ask_before_enable = true # "is this a production service?" before enable
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
    /// Whether enable first asks that the service is not a production
    /// one; "don't ask again" in the explorer writes `false`.
    pub ask_before_enable: Option<bool>,
    /// Action name → keys, replacing that action's default keys.
    pub keys: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("Could not read the configuration file {path}: {reason}.")]
    Read { path: PathBuf, reason: String },
    #[error("The configuration file {path} is not valid: {reason}.")]
    Invalid { path: PathBuf, reason: String },
    #[error("Could not write the configuration file {path}: {reason}.")]
    Write { path: PathBuf, reason: String },
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
        if let Some(n) = config.concurrency
            && !(1..=64).contains(&n)
        {
            return Err(format!("concurrency must be from 1 to 64, not {n}"));
        }
        Ok(config)
    }

    /// False once the user said "don't ask again".
    pub fn asks_before_enable(&self) -> bool {
        self.ask_before_enable.unwrap_or(true)
    }
}

/// Sets one top-level setting in the file at `path`, keeping every other
/// setting, comment and blank line as the user wrote them. A missing file
/// (and its directory) is created.
pub fn save_setting(path: &Path, key: &str, value: bool) -> Result<(), ConfigError> {
    let write_err = |reason: String| ConfigError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                reason: e.to_string(),
            });
        }
    };
    let text = with_setting(&text, key, value).map_err(|reason| ConfigError::Invalid {
        path: path.to_path_buf(),
        reason,
    })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| write_err(e.to_string()))?;
    }
    // Write beside it and rename, so a crash never leaves half a file.
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(|e| write_err(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| write_err(e.to_string()))
}

/// The TOML `text` with `key = value` at the top level; the result must
/// still be a valid configuration.
pub fn with_setting(text: &str, key: &str, value: bool) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim_end_matches('.').to_string())?;
    doc[key] = toml_edit::value(value);
    let out = doc.to_string();
    Config::parse(&out)?;
    Ok(out)
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
    fn a_saved_setting_keeps_the_users_other_settings_and_comments() {
        let text = "# mine\nconcurrency = 4 # fast\n\n[keys]\ndown = [\"n\"]\n";
        let out = with_setting(text, "ask_before_enable", false).unwrap();
        assert_eq!(
            out,
            "# mine\nconcurrency = 4 # fast\nask_before_enable = false\n\n[keys]\n\
             down = [\"n\"]\n"
        );
        let again = with_setting(&out, "ask_before_enable", true).unwrap();
        assert!(again.contains("ask_before_enable = true\n"), "{again}");
        assert!(!Config::parse(&out).unwrap().asks_before_enable());
    }

    #[test]
    fn saving_creates_a_missing_file_and_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ecs-debug/config.toml");
        save_setting(&path, "ask_before_enable", false).unwrap();
        let saved = Config::load(Some(&path)).unwrap();
        assert_eq!(saved.ask_before_enable, Some(false));
    }

    #[test]
    fn zero_concurrency_is_refused() {
        assert_eq!(
            Config::parse("concurrency = 0").unwrap_err(),
            "concurrency must be from 1 to 64, not 0"
        );
    }
}
