//! The `okr` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A bug must not greet a user with a backtrace; say what happened and exit 2.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: okr hit an internal error and stopped: {info}");
        eprintln!("note: this is a bug; please report it with the command you ran");
    }));
    let cli = okr::cli::Cli::parse();
    match std::panic::catch_unwind(|| okr::cli::run(cli)) {
        Ok(code) => code,
        Err(_) => ExitCode::from(2),
    }
}

// Parsing thousands of small files is allocation-heavy; mimalloc makes it markedly cheaper.
// `Budgeted` stops a template that builds values without bound (see `okr::memory`).
#[global_allocator]
static GLOBAL: okr::memory::Budgeted<mimalloc::MiMalloc> =
    okr::memory::Budgeted(mimalloc::MiMalloc);
