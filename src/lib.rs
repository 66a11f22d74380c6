//! okr: OKRs as code. Initiatives are TOML files in a team repository; okr checks them, groups
//! them into themes by tag, ranks them by impact and cost, and renders objective documents.
//!
//! Data flows one way: a [`source::Source`] gives files, [`load`] parses them, [`validate`]
//! turns them into findings and a [`model::Model`], [`portfolio`] scores and ranks it, and the
//! views (`render`, `list`, `diff`) read the portfolio.

pub mod cli;
mod commands;
pub mod completions;
pub mod config;
mod destination;
pub mod diff;
pub mod document;
pub mod error;
pub mod finding;
pub mod fmt;
pub mod git;
pub mod history;
mod in_place;
pub mod load;
pub mod memory;
pub mod model;
pub mod output;
pub mod period;
pub mod portfolio;
pub mod prompt;
mod proof;
pub mod publish;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod score;
pub mod source;
pub mod table;
pub mod themes;
pub mod validate;

use std::process::ExitCode;

pub use error::{Error, Result};

/// Runs one command line and returns the process exit code: 0 clean, 1 findings, 2 errors.
pub fn run(cli: cli::Cli) -> ExitCode {
    let context = commands::Context::new(&cli);
    match commands::dispatch(&context, cli.command) {
        Ok(code) => code,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            context.print_error(&error);
            ExitCode::from(2)
        }
    }
}
