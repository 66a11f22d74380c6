//! The command shell: clap's arguments, the settings every command shares, printing, prompts
//! and exit codes, one file per command. The shell calls the library; nothing in the library
//! knows the shell.

pub mod args;
mod check;
mod checkin;
mod close;
mod completions;
mod context;
mod diff;
mod due;
mod fmt;
mod history;
mod init;
mod list;
mod new;
mod org;
mod prompt;
mod publish;
mod render;
mod report;
mod schema;
mod themes;

use std::process::ExitCode;

pub use args::Cli;
use args::Command;
use context::Context;

/// Runs one command line and returns the process exit code: 0 clean, 1 findings, 2 errors.
pub fn run(cli: Cli) -> ExitCode {
    let context = Context::new(&cli);
    match dispatch(&context, cli.command) {
        Ok(code) => code,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            context.print_error(&error);
            ExitCode::from(2)
        }
    }
}

fn dispatch(context: &Context, command: Command) -> crate::Result<ExitCode> {
    match command {
        Command::Init(args) => init::run(context, &args),
        Command::New(args) => new::run(context, &args),
        Command::Check(args) => check::run(context, &args),
        Command::Checkin(args) => checkin::run(context, &args),
        Command::Close(args) => close::run(context, &args),
        Command::List(args) => list::run(context, &args),
        Command::Themes(args) => themes::run(context, &args),
        Command::Render(args) => render::run(context, &args),
        Command::Diff(args) => diff::run(context, &args),
        Command::History(args) => history::run(context, &args),
        Command::Due(args) => due::run(context, &args),
        Command::Report(args) => report::run(context, &args),
        Command::Org(args) => org::run(context, args),
        Command::Publish(args) => publish::run(context, &args),
        Command::Fmt(args) => fmt::run(context, &args),
        Command::Schema(args) => schema::run(context, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man => completions::man_page(),
    }
}
