//! `okr list`: the initiatives with their score and rank, filtered by tag, theme, status or
//! owner.

use std::process::ExitCode;

use super::args::{ListArgs, TableFormat};
use super::context::{Context, open, portfolio_or_exit, print};
use crate::error::{Error, Result};
use crate::table;

pub(super) fn run(context: &Context, args: &ListArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let portfolio = match portfolio_or_exit(context, &opened, args.period.period.as_deref())? {
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
        TableFormat::Table => table::initiatives(&rows, table::terminal_width()),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
