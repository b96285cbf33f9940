//! Non-interactive subcommands.

pub mod engine;
pub mod ls;
