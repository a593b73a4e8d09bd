//! The `zhuqi` binary: parse the command line, set up logging, run the command.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = zhuqi::config::Cli::parse();
    zhuqi::telemetry::init(&cli.config.log);
    match zhuqi::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("zhuqi: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
