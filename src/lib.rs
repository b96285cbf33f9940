//! ecs-debug: a terminal explorer for Amazon ECS with cloud debugging.

pub mod app;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod logging;
pub mod model;
pub mod tui;
pub mod ui;
