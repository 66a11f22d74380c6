//! `okr render`: the Markdown objective documents, written into the output folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::RenderArgs;
use super::context::{Context, leave_to_exit, open, portfolio_or_exit};
use crate::destination;
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history::History;
use crate::period::Period;
use crate::render::{self, Templates};

/// History for the key-result charts; without it the documents are rendered without charts
/// and a note says why.
pub(super) fn chart_history(
    context: &Context,
    repo: &Repo,
    rev: Option<&str>,
    config: &crate::config::Config,
) -> Option<History> {
    match render::history_for_charts(repo, rev, config) {
        Ok(history) => history,
        Err(error) => {
            context.say(format!("note: key-result charts left out: {error}"));
            None
        }
    }
}

/// The period that an archive tag names: `okr/2026-Q1` (or `refs/tags/okr/2026-Q1`), the tag
/// put on a closed period's last commit. `None` for any other name.
pub(super) fn archive_period(rev: &str) -> Option<Period> {
    let name = rev.strip_prefix("refs/tags/").unwrap_or(rev);
    Period::parse(name.strip_prefix("okr/")?)
}

/// The day a closed period's documents are rendered as of: its last day, or today while it
/// still runs, so an archive reads as the period ended and stays the same from day to day.
pub(super) fn archive_as_of(period: Period) -> u64 {
    crate::period::today().min(period.days().1)
}

pub(super) fn run(context: &Context, args: &RenderArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let opened = open(context, &args.rev)?;
    // `--rev okr/2026-Q1` renders that closed period as it was: its view, as of its end.
    let archived = match &args.period.period {
        Some(_) => None,
        None => args.rev.rev.as_deref().and_then(archive_period),
    };
    let period = args
        .period
        .period
        .clone()
        .or_else(|| archived.map(|p| p.to_string()));
    let portfolio = match portfolio_or_exit(context, &opened, period.as_deref())? {
        Ok(result) => result,
        Err(code) => return Ok(code),
    };
    context.trace("read, checked and ranked the repository", started);
    let templates = Templates::load(opened.source.as_ref(), &portfolio.config.paths.templates)?;
    let history = match Repo::open(&opened.root) {
        Ok(repo) => chart_history(context, &repo, args.rev.rev.as_deref(), &portfolio.config),
        Err(_) => None,
    };
    context.trace("read the history of the themes", started);
    let as_of = args
        .as_of
        .unwrap_or_else(|| archived.map_or_else(crate::period::today, archive_as_of));
    let documents = render::render_as_of(&portfolio, templates, history.as_ref(), as_of)?;
    context.trace(
        format_args!("rendered {} documents", documents.len()),
        started,
    );
    let dir: PathBuf = match &args.out {
        // The user's own choice of folder, links and all.
        Some(out) => {
            let dir = context.user_path(out);
            fs::create_dir_all(&dir).map_err(|e| Error::io("create folder", &dir, e))?;
            dir
        }
        None => destination::folder(
            &opened.root,
            Path::new(&portfolio.config.paths.output),
            true,
        )?,
    };
    let removed = render::write(&opened.root, &dir, &documents)?;
    let count = documents.len();
    leave_to_exit((portfolio, history, documents));
    context.say(format!(
        "rendered {} into {}",
        crate::text::count(count, "document"),
        dir.display()
    ));
    for name in removed {
        context.say(format!("removed {name}: its theme is gone"));
    }
    Ok(ExitCode::SUCCESS)
}
