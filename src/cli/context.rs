//! What every command shares: the global options, printing to stdout and stderr, and opening
//! the repository (the working tree, or a revision with `--rev`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::{Cli, ColorChoice, RevArgs};
use crate::error::{Error, Result};
use crate::finding::{Finding, Severity, Texts};
use crate::load::{self, Workspace};
use crate::period::View;
use crate::portfolio::{Portfolio, Ranked};
use crate::report::{self, Format};
use crate::source::{Source, WorkTree, find_root};
use crate::validate::{self, Checked, Outlined};
use crate::{git, output};

/// Settings every command shares.
pub(crate) struct Context {
    pub dir: PathBuf,
    pub color_out: bool,
    pub color_err: bool,
    pub quiet: bool,
    pub verbose: bool,
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

impl Context {
    pub fn new(cli: &Cli) -> Context {
        Context {
            dir: cli.dir.clone().unwrap_or_else(|| PathBuf::from(".")),
            color_out: use_color(cli.color, std::io::stdout().is_terminal()),
            color_err: use_color(cli.color, std::io::stderr().is_terminal()),
            quiet: cli.quiet,
            verbose: cli.verbose,
        }
    }

    /// Shows findings on stderr, for a reader.
    pub fn print_findings(&self, findings: &[Finding], texts: &Texts) {
        let mut err = std::io::stderr().lock();
        let _ = report::findings(&mut err, Format::Human, findings, texts, self.color_err);
    }

    /// Prints an error that stops the command, with okr.toml's findings where it has them.
    pub fn print_error(&self, error: &Error) {
        if let Error::Config { findings, texts } = error {
            self.print_findings(findings, texts);
        }
        let mut err = std::io::stderr().lock();
        let prefix = if self.color_err {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        // Errors quote paths, names and values from the repository and the command line.
        let error = output::terminal_safe(&error.to_string()).into_owned();
        let _ = writeln!(err, "{prefix}: {error}");
    }

    /// With `-v`: what was done, and the time since `started`.
    pub fn trace(&self, what: impl std::fmt::Display, started: std::time::Instant) {
        if self.verbose {
            // Milliseconds throughout, so that phases of a long run compare with a short one.
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let _ = writeln!(std::io::stderr(), "okr: {what} ({ms:.1} ms)");
        }
    }

    /// A line for people, on stderr, unless `-q`.
    pub fn say(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            let message = message.to_string();
            let _ = writeln!(std::io::stderr(), "{}", output::terminal_safe(&message));
        }
    }

    /// A path from the command line, relative to where okr was started.
    pub fn user_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }
}

/// Leaves a command's large data to the operating system: the process is about to exit, and
/// freeing tens of thousands of small allocations one by one would only delay that.
pub(crate) fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Writes to stdout; a failure (a closed pipe) becomes [`Error::Output`].
pub(crate) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

/// Writes `value` to stdout as pretty JSON and a newline, streamed: a large report is never
/// one string in memory.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    print_with(|out| {
        serde_json::to_writer_pretty(&mut *out, value)?;
        out.write_all(b"\n")
    })
}

/// Streams what `write` writes to stdout through a buffer; a failure (a closed pipe) becomes
/// [`Error::Output`].
pub(crate) fn print_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

/// An opened team repository: where it is, and the files to read (working tree or a revision).
pub(crate) struct Opened {
    pub root: PathBuf,
    pub source: Box<dyn Source>,
}

/// Finds the repository okr runs in and opens what `--rev` names: the revision's git tree, or
/// the working tree without one. The one place a command's `--rev` is resolved.
pub(crate) fn open(context: &Context, rev: &RevArgs) -> Result<Opened> {
    let root = find_root(&context.dir)?;
    let source: Box<dyn Source> = match &rev.rev {
        Some(rev) => Box::new(git::Repo::open(&root)?.tree_source(rev)?),
        None => Box::new(WorkTree::new(&root)?),
    };
    Ok(Opened { root, source })
}

/// Loads and checks a repository, for a command that reports only what fails: no `stale`.
/// Of each initiative it keeps what `I` holds.
pub(crate) fn checked<I: Outlined>(opened: &Opened) -> Result<(Workspace<I>, Checked<I>)> {
    let keep = load::Keep::Quoted { stale: false };
    let mut workspace = load::load_keeping(opened.source.as_ref(), keep)?;
    let checked = validate::check(&mut workspace);
    Ok((workspace, checked))
}

/// The portfolio of a sound repository, of the initiatives of the period `period` names
/// (`--period`: a period or `all`; without it, `[team].period`); with error findings, prints
/// them and gives exit 1. What was read to check it is let go before ranking: only the
/// portfolio is needed after.
pub(crate) fn portfolio_or_exit(
    context: &Context,
    opened: &Opened,
    period: Option<&str>,
) -> Result<std::result::Result<Portfolio, ExitCode>> {
    // A `--period` that is not one is a usage error, found before the repository is read.
    let asked = period
        .map(|period| View::choose(Some(period), None))
        .transpose()
        .map_err(Error::usage)?;
    let started = std::time::Instant::now();
    // Each initiative is loaded with room for its score, to be ranked where it lies.
    let (mut workspace, mut checked) = checked::<Ranked>(opened)?;
    context.trace("read and checked the repository", started);
    let errors: Vec<_> = std::mem::take(&mut checked.findings)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        load::quote(&mut workspace.texts, opened.source.as_ref(), &errors);
        context.print_findings(&errors, &workspace.texts);
        let _ = writeln!(
            std::io::stderr(),
            "error: {} must be fixed before this command can run (see `okr check`)",
            crate::text::count(errors.len(), "error finding")
        );
        return Ok(Err(ExitCode::from(1)));
    }
    // Only the configuration is kept of what was read.
    let config = {
        let read = workspace;
        read.config
    };
    let view = match asked {
        Some(view) => view,
        None => View::choose(None, config.period.as_deref()).map_err(Error::usage)?,
    };
    let (initiatives, themes) = checked.into_parts();
    let portfolio = Portfolio::of_view(&config, initiatives, themes, view)?;
    Ok(Ok(portfolio))
}
