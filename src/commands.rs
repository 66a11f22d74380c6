//! What each command does: open the repository, call the library, print the result.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::{
    self, CheckArgs, ColorChoice, Command, ListArgs, RevArgs, TableFormat, ThemesArgs,
};
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::load::{self, Workspace};
use crate::portfolio::{Portfolio, Ranked};
use crate::report::{self, Format};
use crate::source::{Source, WorkTree, find_root};
use crate::validate::{self, Checked, Outline, Outlined};
use crate::{completions, fmt, schema};
use crate::{git, render, scaffold, table, themes};

/// Settings every command shares.
pub struct Context {
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
    pub fn new(cli: &cli::Cli) -> Context {
        Context {
            dir: cli.dir.clone().unwrap_or_else(|| PathBuf::from(".")),
            color_out: use_color(cli.color, std::io::stdout().is_terminal()),
            color_err: use_color(cli.color, std::io::stderr().is_terminal()),
            quiet: cli.quiet,
            verbose: cli.verbose,
        }
    }

    /// Prints an error that stops the command, with okr.toml's findings where it has them.
    pub fn print_error(&self, error: &Error) {
        let mut err = std::io::stderr().lock();
        if let Error::Config { findings, texts } = error {
            let _ = report::findings(&mut err, Format::Human, findings, texts, self.color_err);
        }
        let prefix = if self.color_err {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        // Errors quote paths, names and values from the repository and the command line.
        let error = crate::output::terminal_safe(&error.to_string()).into_owned();
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
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                crate::output::terminal_safe(&message)
            );
        }
    }
}

/// Leaves a command's large data to the operating system: the process is about to exit, and
/// freeing tens of thousands of small allocations one by one would only delay that.
pub fn skip_drop<T>(value: T) {
    std::mem::forget(value);
}

/// Writes to stdout; a failure (a closed pipe) becomes [`Error::Output`].
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

/// Writes `value` to stdout as pretty JSON and a newline, streamed: a large report is never
/// one string in memory.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    print_with(|out| {
        serde_json::to_writer_pretty(&mut *out, value)?;
        out.write_all(b"\n")
    })
}

/// Streams what `write` writes to stdout through a buffer; a failure (a closed pipe) becomes
/// [`Error::Output`].
pub fn print_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

pub fn dispatch(context: &Context, command: Command) -> Result<ExitCode> {
    match command {
        Command::Init(args) => scaffold::init(context, &args),
        Command::New(args) => scaffold::new(context, &args),
        Command::Check(args) => check(context, &args),
        Command::List(args) => list(context, &args),
        Command::Themes(args) => themes_command(context, &args),
        Command::Render(args) => render::command(context, &args),
        Command::Diff(args) => crate::diff::command(context, &args),
        Command::History(args) => crate::history::command(context, &args),
        Command::Publish(args) => crate::publish::command(context, &args),
        Command::Fmt(args) => fmt::command(context, &args),
        Command::Schema(args) => schema::command(context, &args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man_page(),
    }
}

/// An opened team repository: where it is, and the files to read (working tree or a revision).
pub struct Opened {
    pub root: PathBuf,
    pub source: Box<dyn Source>,
}

pub fn open(context: &Context, rev: &RevArgs) -> Result<Opened> {
    let root = find_root(&context.dir)?;
    let source: Box<dyn Source> = match &rev.rev {
        Some(rev) => Box::new(git::Repo::open(&root)?.tree_source(rev)?),
        None => Box::new(WorkTree::new(&root)?),
    };
    Ok(Opened { root, source })
}

/// Loads and checks a repository, for a command that reports only what fails: no `stale`.
/// Of each initiative it keeps what `I` holds.
pub fn checked<I: Outlined>(opened: &Opened) -> Result<(Workspace<I>, Checked<I>)> {
    let keep = load::Keep::Quoted { stale: false };
    let mut workspace = load::load_keeping(opened.source.as_ref(), keep)?;
    let checked = validate::check(&mut workspace);
    Ok((workspace, checked))
}

/// The portfolio of a sound repository; with error findings, prints them and gives exit 1.
/// What was read to check it is let go before ranking: only the portfolio is needed after.
pub fn portfolio(
    context: &Context,
    opened: &Opened,
) -> Result<std::result::Result<Portfolio, ExitCode>> {
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
        let mut err = std::io::stderr().lock();
        let _ = report::findings(
            &mut err,
            Format::Human,
            &errors,
            &workspace.texts,
            context.color_err,
        );
        let _ = writeln!(
            err,
            "error: {} error finding(s); fix them (see `okr check`) before this command can run",
            errors.len()
        );
        return Ok(Err(ExitCode::from(1)));
    }
    // Only the configuration is kept of what was read.
    let config = {
        let read = workspace;
        read.config
    };
    let (initiatives, themes) = checked.into_parts();
    let portfolio = Portfolio::of(&config, initiatives, themes)?;
    Ok(Ok(portfolio))
}

/// The files of accepted or active initiatives, with their text: what the `stale` rule asks
/// git about. Taken before the rules run, which consume the initiatives.
fn stale_candidates(workspace: &Workspace<Outline>) -> Vec<(String, Arc<str>)> {
    if workspace.config.rules.level(crate::finding::Rule::Stale) == crate::finding::RuleLevel::Off {
        return Vec::new();
    }
    workspace
        .initiatives
        .initiatives()
        .filter(|i| {
            matches!(
                i.status,
                crate::model::Status::Accepted | crate::model::Status::Active
            )
        })
        .filter_map(|i| {
            workspace
                .texts
                .get(&i.file)
                .map(|t| (i.file.clone(), Arc::clone(t)))
        })
        .collect()
}

/// Which of `candidates` changed within `stale_days`, for the `stale` rule; `None` (with a
/// note) where there is no history to ask.
fn recently_changed(
    context: &Context,
    opened: &Opened,
    rev: Option<&str>,
    config: &crate::config::Config,
    candidates: &[(String, Arc<str>)],
) -> Option<BTreeSet<String>> {
    let files: Vec<(&str, &[u8])> = candidates
        .iter()
        .map(|(file, text)| (file.as_str(), text.as_bytes()))
        .collect();
    if files.is_empty() {
        return None;
    }
    let skipped = |why: &str| {
        context.say(format!("note: rule `stale` skipped: {why}"));
        None
    };
    let repo = match git::Repo::open(&opened.root) {
        Ok(repo) => repo,
        Err(_) => return skipped("not a git repository, so there is no history"),
    };
    if rev.is_none() && repo.head().is_none() {
        return skipped("the repository has no commits yet");
    }
    match crate::history::recently_changed(&repo, rev, config, &files) {
        Ok(recent) => Some(recent),
        Err(why) => skipped(&why),
    }
}

fn check(context: &Context, args: &CheckArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let started = std::time::Instant::now();
    let keep = load::Keep::Quoted { stale: true };
    // `check` ranks and renders nothing: of each initiative it keeps what the rules read.
    let loaded =
        load::load_keeping::<Outline>(opened.source.as_ref(), keep).map(|mut workspace| {
            context.trace(
                format_args!(
                    "read and parsed {} files",
                    workspace.initiative_files + workspace.theme_files
                ),
                started,
            );
            // Asking git is serial; it runs beside the rules, which run on every core.
            let candidates = stale_candidates(&workspace);
            let config = workspace.config.clone();
            let rev = args.rev.rev.as_deref();
            let (recent, mut checked) = rayon::join(
                || recently_changed(context, &opened, rev, &config, &candidates),
                || validate::check(&mut workspace),
            );
            if let Some(recent) = &recent {
                checked.add_stale(&workspace, recent);
            }
            load::quote(
                &mut workspace.texts,
                opened.source.as_ref(),
                &checked.findings,
            );
            context.trace(
                "ran the rules and asked git for recent changes (rule `stale`)",
                started,
            );
            (workspace, checked)
        });
    let (workspace, checked) = match loaded {
        Ok(result) => result,
        Err(Error::Config { findings, texts }) => {
            // Annotate okr.toml in the format asked for, then fail as a configuration error.
            let findings = crate::finding::RuleLevels::default().apply(findings);
            if args.format != Format::Human {
                print_with(|out| report::findings(out, args.format, &findings, &texts, false))?;
                return Err(Error::usage(
                    "okr.toml has problems; see the findings above",
                ));
            }
            return Err(Error::Config { findings, texts });
        }
        Err(error) => return Err(error),
    };
    print_with(|out| {
        report::findings(
            out,
            args.format,
            &checked.findings,
            &workspace.texts,
            context.color_out,
        )
    })?;
    context.trace(
        format_args!("reported {} findings", checked.findings.len()),
        started,
    );
    let (errors, warnings) = report::counts(&checked.findings);
    if args.format == Format::Human && !context.quiet {
        let summary = format!(
            "checked {} initiative(s) and {} theme(s): {} error(s), {} warning(s)\n",
            workspace.initiative_files, workspace.theme_files, errors, warnings
        );
        print(&summary)?;
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    skip_drop((workspace, checked));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list(context: &Context, args: &ListArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let portfolio = match portfolio(context, &opened)? {
        Ok(result) => result,
        Err(code) => return Ok(code),
    };
    if let Some(theme) = &args.theme
        && portfolio.theme(theme).is_none()
    {
        let ids = portfolio.themes.iter().map(|t| t.theme.id.as_str());
        let help = crate::finding::suggestion(theme, ids)
            .map(|s| format!("; {s}"))
            .unwrap_or_default();
        return Err(Error::usage(format!("no theme `{theme}`{help}")));
    }
    if let Some(status) = &args.status
        && crate::model::Status::parse(status).is_none()
    {
        return Err(Error::usage(format!(
            "unknown status `{status}`; use proposed, accepted, active, done or dropped"
        )));
    }
    let rows: Vec<_> = portfolio
        .initiatives
        .iter()
        .filter(|r| {
            let i = &r.initiative;
            args.tag.as_ref().is_none_or(|t| {
                i.tags
                    .contains(&portfolio.config.canonical_tag(t).to_owned())
            }) && args.theme.as_ref().is_none_or(|t| r.themes.contains(t))
                && args.status.as_ref().is_none_or(|s| i.status.as_str() == s)
                && args.owner.as_ref().is_none_or(|o| &i.owner == o)
        })
        .collect();
    let text = match args.format {
        TableFormat::Json => table::initiatives_json(&rows)?,
        TableFormat::Table => table::initiatives(&rows),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn themes_command(context: &Context, args: &ThemesArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let portfolio = match portfolio(context, &opened)? {
        Ok(result) => result,
        Err(code) => return Ok(code),
    };
    let text = if args.suggest {
        let suggestions = themes::suggest(&portfolio);
        match args.format {
            TableFormat::Json => themes::suggestions_json(&suggestions)?,
            TableFormat::Table => themes::suggestions_text(&portfolio, &suggestions),
        }
    } else {
        match args.format {
            TableFormat::Json => table::themes_json(&portfolio)?,
            TableFormat::Table => table::themes(&portfolio),
        }
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A path from the command line, relative to where okr was started.
pub fn user_path(context: &Context, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        context.dir.join(path)
    }
}
