//! `okr report --since D`: what happened in a window of days, from the history walk. A report:
//! it exits 0 whatever happened.

use std::process::ExitCode;

use super::args::{ReportArgs, ReportFormat};
use super::context::{Context, open, portfolio_or_exit, print, print_json};
use crate::digest::{self, Subject};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history;
use crate::period::format_date;

pub(super) fn run(context: &Context, args: &ReportArgs) -> Result<ExitCode> {
    let today = crate::period::today();
    let until = args.until.unwrap_or(today);
    if args.since > today {
        return Err(Error::usage(format!(
            "`--since {}` is in the future (today is {}, UTC): nothing has happened since then\n\
             help: give a first day on or before today",
            format_date(args.since),
            format_date(today)
        )));
    }
    if args.since > until {
        return Err(Error::usage(format!(
            "`--since {}` is after `--until {}`: the window would be empty; give a first day on or before the last",
            format_date(args.since),
            format_date(until)
        )));
    }
    let started = std::time::Instant::now();
    let opened = open(context, &args.rev)?;
    // Work of every period happens in a window.
    let portfolio = match portfolio_or_exit(context, &opened, Some("all"))? {
        Ok(result) => result,
        Err(code) => return Ok(code),
    };
    let needed = |error: Error| Error::Git {
        message: format!("`okr report` reads what happened from git history: {error}"),
    };
    let repo = Repo::open(&opened.root).map_err(needed)?;
    let history = if args.rev.rev.is_none() && repo.head().is_none() {
        history::History::default()
    } else {
        history::load(&repo, args.rev.rev.as_deref(), &portfolio.config).map_err(needed)?
    };
    context.trace("read the history", started);
    let mut subjects: Vec<Subject> = portfolio
        .initiatives
        .iter()
        .map(|r| Subject::initiative(&r.initiative))
        .collect();
    subjects.extend(portfolio.themes.iter().map(|t| Subject::theme(&t.theme)));
    let digest = digest::digest(&subjects, &history, args.since, until);
    match args.format {
        ReportFormat::Markdown => print(&digest::markdown(&digest, portfolio.config.github))?,
        ReportFormat::Json => print_json(&digest)?,
    }
    Ok(ExitCode::SUCCESS)
}
