//! `okr completions SHELL` and `okr man`: the command line described for shells and for `man`,
//! generated from the clap structs in `args`, so they always match the binary.

use std::process::ExitCode;

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};
use super::context::print;
use crate::error::{Error, Result};

/// The completion script for `shell`.
fn script(shell: clap_complete::Shell) -> String {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "okr", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The man page, as roff.
fn roff() -> Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(Error::Output)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

pub(super) fn run(args: &CompletionsArgs) -> Result<ExitCode> {
    print(&script(args.shell))?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn man_page() -> Result<ExitCode> {
    print(&roff()?)?;
    Ok(ExitCode::SUCCESS)
}
