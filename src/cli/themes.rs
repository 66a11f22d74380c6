//! `okr themes`: the themes with their members, score and progress; with `--suggest`, themes
//! proposed for the initiatives that belong to none.

use std::process::ExitCode;

use super::args::{TableFormat, ThemesArgs};
use super::context::{Context, open, portfolio_or_exit, print};
use crate::error::Result;
use crate::{table, themes};

pub(super) fn run(context: &Context, args: &ThemesArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let portfolio = match portfolio_or_exit(context, &opened, args.period.period.as_deref())? {
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
            TableFormat::Table => table::themes(&portfolio, table::terminal_width()),
        }
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
