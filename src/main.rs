use std::process::ExitCode;

use clap::Parser;

use ecs_debug::app::keymap::Keymap;
use ecs_debug::app::{App, Clock, StatusInfo};
use ecs_debug::aws::{AwsContext, AwsError, ConnectOptions};
use ecs_debug::cli::{Cli, Command};
use ecs_debug::config::{Config, DEFAULT_CONCURRENCY};
use ecs_debug::{commands, logging, tui};

/// Exit code for a failed AWS or network call.
const EXIT_AWS: u8 = 1;
/// Exit code for bad usage: arguments, configuration, log file.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("ecs-debug: {message}");
            ExitCode::from(code)
        }
    }
}

type Failure = (u8, String);

fn run(cli: Cli) -> Result<(), Failure> {
    let usage = |m: String| (EXIT_USAGE, m);
    tui::install_hooks().map_err(|e| usage(format!("Could not set up error reporting: {e}.")))?;
    let config = Config::load(cli.config.as_deref()).map_err(|e| usage(e.to_string()))?;
    let keymap = Keymap::with_overrides(&config.keys).map_err(|e| {
        usage(format!(
            "The [keys] table of the configuration is not valid: {e}."
        ))
    })?;
    start_logging(&cli)?;

    let concurrency = cli
        .concurrency
        .map(usize::from)
        .or(config.concurrency)
        .unwrap_or(DEFAULT_CONCURRENCY);
    let options = ConnectOptions {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        concurrency,
    };
    if cli.command.is_some() && (cli.cluster.is_some() || cli.service.is_some()) {
        return Err(usage(
            "--cluster and --service before a subcommand open the explorer; put them after \
             the subcommand (e.g. `ecs-debug ls --cluster NAME`)."
                .into(),
        ));
    }
    if let Some(Command::Policy) = &cli.command {
        print!("{}", commands::engine::POLICY);
        return Ok(());
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| (EXIT_AWS, format!("Could not start the async runtime: {e}.")))?;
    runtime.block_on(async move {
        let ctx = AwsContext::load(&options).await.map_err(|e| {
            // A region or endpoint that cannot be right is a usage error.
            let code = match e {
                AwsError::UnknownRegion(_) | AwsError::NoRegion | AwsError::BadEndpoint(_) => {
                    EXIT_USAGE
                }
                _ => EXIT_AWS,
            };
            (code, e.to_string())
        })?;
        tracing::info!(region = %ctx.region, profile = ?ctx.profile, "connected");
        match cli.command {
            Some(Command::Ls { cluster, json }) => {
                let listing = commands::ls::listing(&ctx, cluster.as_deref(), concurrency)
                    .await
                    .map_err(|e| (EXIT_AWS, e.to_string()))?;
                if json {
                    let text = serde_json::to_string_pretty(&listing)
                        .map_err(|e| (EXIT_AWS, format!("Could not write JSON: {e}.")))?;
                    println!("{text}");
                } else {
                    print!("{}", commands::ls::render_text(&listing));
                }
                Ok(())
            }
            Some(Command::Enable {
                target,
                task_role,
                containers,
                run,
            }) => {
                let role = task_role.as_deref();
                commands::engine::enable(&ctx, &target, role, &containers, &run).await
            }
            Some(Command::Disable { target, run }) => {
                commands::engine::disable(&ctx, &target, &run).await
            }
            Some(Command::Status { json }) => commands::engine::status(&ctx, json).await,
            Some(Command::Doctor {
                target,
                task_role,
                json,
            }) => commands::engine::doctor(&ctx, &target, task_role.as_deref(), json).await,
            Some(Command::Policy) => Ok(()),
            None => {
                let status = StatusInfo {
                    profile: ctx.profile.clone(),
                    region: ctx.region.clone(),
                    account: None,
                    endpoint: ctx.endpoint_override.clone(),
                };
                let mut app = App::new(status, keymap, Clock::Local);
                app.ask_before_enable = config.asks_before_enable();
                app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                if let Some(cluster) = cli.cluster {
                    app.jump_to(cluster, cli.service);
                }
                let config_path = cli.config.clone().or_else(Config::default_path);
                ecs_debug::app::runtime::run(app, ctx, config_path)
                    .await
                    .map_err(|e| (EXIT_AWS, format!("The explorer stopped: {e}.")))
            }
        }
    })
}

fn start_logging(cli: &Cli) -> Result<(), Failure> {
    let level = cli
        .log_level
        .clone()
        .or_else(|| std::env::var("ECS_DEBUG_LOG").ok())
        .unwrap_or_else(|| "info".to_string());
    let path = match (&cli.log_file, logging::default_path()) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) => p,
        (None, None) => return Ok(()),
    };
    match logging::init(&path, &level) {
        Ok(()) => Ok(()),
        Err(e) if cli.log_file.is_some() || e.kind() == std::io::ErrorKind::InvalidInput => Err((
            EXIT_USAGE,
            format!(
                "Could not log to {} at level '{level}': {e}.",
                path.display()
            ),
        )),
        // The default log location is a convenience; its absence must not
        // stop the tool.
        Err(_) => Ok(()),
    }
}
