//! Non-interactive subcommands.

pub mod ls;
