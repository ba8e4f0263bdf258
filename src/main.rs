use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    pantau::cli::run(pantau::cli::Cli::parse())
}
