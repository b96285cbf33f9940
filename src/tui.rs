//! Terminal setup and restoration. The terminal is restored on normal
//! exit, on error (the guard's drop), on panic (the hook) and on SIGTERM
//! (the event loop quits normally).

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// True while the explorer owns the terminal.
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the TUI runs; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        ACTIVE.store(true, Ordering::SeqCst);
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture) {
            let _ = restore();
            return Err(e);
        }
        let terminal = Terminal::new(CrosstermBackend::new(stdout))?;
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
        ACTIVE.store(false, Ordering::SeqCst);
    }
}

/// Leaves raw mode and the alternate screen, shows the cursor. Safe to
/// call more than once.
pub fn restore() -> io::Result<()> {
    let raw = disable_raw_mode();
    execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    )?;
    raw
}

/// Error and panic reports without colours or backtraces noise for users;
/// a panic restores the terminal before anything is printed.
pub fn install_hooks() -> color_eyre::Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
        .display_location_section(false)
        .into_hooks();
    eyre_hook.install()?;
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Commands never touched the terminal: leave it alone for them.
        if ACTIVE.load(Ordering::SeqCst) {
            let _ = restore();
        }
        tracing::error!("panic: {info}");
        panic_hook(info);
    }));
    Ok(())
}
