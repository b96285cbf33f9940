//! Command-line interface.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// A terminal explorer for Amazon ECS with cloud debugging.
///
/// Without a subcommand, opens the interactive explorer.
#[derive(Debug, Parser)]
#[command(name = "ecs-debug", version, about, long_about = None)]
pub struct Cli {
    /// AWS profile to use (default: AWS_PROFILE, then the default profile).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region (default: AWS_REGION, then the profile's region).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS call to this endpoint, e.g. a local emulator.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Log file (default: ecs-debug.log in the user's state directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Log level or filter: error, warn, info, debug or trace.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,

    /// Configuration file (default: config.toml in the user's config
    /// directory, under ecs-debug/).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// At most this many AWS requests in flight at once.
    #[arg(long, global = true, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,

    /// Open the explorer on this cluster.
    #[arg(long, value_name = "CLUSTER")]
    pub cluster: Option<String>,

    /// With --cluster: select this service.
    #[arg(long, value_name = "SERVICE", requires = "cluster")]
    pub service: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List clusters and their services with their debug status.
    Ls {
        /// Only this cluster (name or ARN).
        #[arg(long, value_name = "CLUSTER")]
        cluster: Option<String>,

        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },

    /// Switch a service into cloud debugging (or finish an interrupted enable).
    Enable {
        #[command(flatten)]
        target: TargetArgs,

        /// Task role for the debug task: a name, /path/name or ARN
        /// (optional when finishing an interrupted enable).
        #[arg(long, value_name = "ROLE")]
        task_role: Option<String>,

        /// Container whose app the debugger starts (repeatable; default:
        /// the containers behind the load balancer, or that publish ports).
        #[arg(long = "container", value_name = "NAME")]
        containers: Vec<String>,

        #[command(flatten)]
        run: RunArgs,
    },

    /// Switch a service back exactly as it was (or roll back an interrupted enable).
    Disable {
        #[command(flatten)]
        target: TargetArgs,

        #[command(flatten)]
        run: RunArgs,
    },

    /// Every enabled service and interrupted operation in the region.
    Status {
        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },

    /// Check a service (and a task role) for cloud debugging; changes nothing.
    Doctor {
        #[command(flatten)]
        target: TargetArgs,

        /// Task role to check (default: the task definition's task role).
        #[arg(long, value_name = "ROLE")]
        task_role: Option<String>,

        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },

    /// Print the least-privilege IAM policy for the person running ecs-debug.
    Policy,
}

#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// Cluster name or ARN.
    #[arg(long, value_name = "CLUSTER")]
    pub cluster: String,

    /// Service name.
    #[arg(long, value_name = "SERVICE")]
    pub service: String,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,

    /// Print one JSON object on stdout (progress still goes to stderr).
    #[arg(long)]
    pub json: bool,

    /// Give up waiting for ECS after this many seconds (resumable).
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub timeout: u64,
}
