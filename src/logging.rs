//! Logs go to a file readable only by the user, never to the terminal.

use std::fs::OpenOptions;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The default log file: `<state dir>/ecs-debug/ecs-debug.log`.
pub fn default_path() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("ecs-debug").join("ecs-debug.log"))
}

/// Starts logging to `path` (created with mode 0600) at `level`.
///
/// `level` is a level name (`debug`) that applies to this program only,
/// or a full filter (`ecs_debug=trace,aws_smithy_runtime=debug`).
pub fn init(path: &Path, level: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    // Never follow a link or write into a device: only a regular file (or
    // a new one) gets the log, and only it gets its mode tightened.
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.file_type().is_file()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file",
        ));
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    // An existing file keeps its mode on open; tighten it in case it was
    // created by something else.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    let directive = if level.contains('=') {
        level.to_string()
    } else {
        format!("ecs_debug={level},warn")
    };
    let filter = EnvFilter::try_new(&directive)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(())
}
