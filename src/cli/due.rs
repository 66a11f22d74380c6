//! `okr due`: who owes a check-in, by owner. A report: it exits 0 whatever is due.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use super::args::{DueArgs, DueFormat};
use super::context::{Context, open, portfolio_or_exit, print, print_json};
use crate::config::Config;
use crate::due;
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history;

pub(super) fn run(context: &Context, args: &DueArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let opened = open(context, &args.rev)?;
    // Check-ins are owed on accepted and active work of any period.
    let portfolio = match portfolio_or_exit(context, &opened, Some("all"))? {
        Ok(result) => result,
        Err(code) => return Ok(code),
    };
    let as_of = args.as_of.unwrap_or_else(crate::period::today);
    let every = portfolio.config.checkin_days;
    let tracked = due::tracked(
        portfolio.initiatives.iter().map(|r| &r.initiative),
        portfolio.themes.iter().map(|t| &t.theme),
    );
    let last_commits = if due::needs_history(&tracked, as_of, every) {
        let last = last_commits(&opened.root, args.rev.rev.as_deref(), &portfolio.config)?;
        context.trace("read the last commit of each file", started);
        last
    } else {
        BTreeMap::new()
    };
    let due = due::due(tracked, &last_commits, as_of, every);
    match args.format {
        DueFormat::Table => print(&due::table(&due))?,
        DueFormat::Markdown => print(&due::markdown(&due, portfolio.config.github))?,
        DueFormat::Json => print_json(&due)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The day (since 1970-01-01, UTC) of the last commit that changed each initiative and theme,
/// from the history walk (and its cache). A repository without commits has none: every file is
/// new. Without git, or in a shallow clone, the dates cannot be known: an error.
fn last_commits(root: &Path, rev: Option<&str>, config: &Config) -> Result<BTreeMap<String, u64>> {
    let needed = |error: Error| Error::Git {
        message: format!(
            "`okr due` needs the last commit of the files without a recent `[checkin].date`: {error}"
        ),
    };
    let repo = Repo::open(root).map_err(needed)?;
    if rev.is_none() && repo.head().is_none() {
        return Ok(BTreeMap::new());
    }
    let history = history::load(&repo, rev, config).map_err(needed)?;
    Ok(history
        .files
        .into_values()
        .map(|h| {
            (
                h.file,
                u64::try_from(h.updated.time.max(0)).unwrap_or(0) / 86_400,
            )
        })
        .collect())
}
