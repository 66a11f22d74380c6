//! `okr history [ID]`: when and by whom each initiative was created and changed, and its key
//! results over time.

use std::process::ExitCode;

use serde::Serialize;

use super::args::{HistoryArgs, TableFormat};
use super::context::{Context, open, print, print_json};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history::{self, Event, FileHistory, Series};

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    file: &'a str,
    created: &'a Event,
    updated: &'a Event,
    changes: usize,
    key_results: &'a [Series],
}

pub(super) fn run(context: &Context, args: &HistoryArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let config = crate::load::load_config(opened.source.as_ref())?;
    let repo = Repo::open(&opened.root)?;
    let history = history::load(&repo, args.rev.rev.as_deref(), &config)?;
    let initiatives_dir = format!("{}/", config.paths.initiatives);
    let mut rows: Vec<&FileHistory> = history
        .files
        .values()
        .filter(|h| h.file.starts_with(&initiatives_dir))
        .filter(|h| args.id.as_ref().is_none_or(|id| &h.id == id))
        .collect();
    rows.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.file.cmp(&b.file)));
    if let Some(id) = &args.id
        && rows.is_empty()
    {
        // The history holds themes too: only initiatives are candidates, and a theme's id is
        // named as one.
        let themes_dir = format!("{}/", config.paths.themes);
        let theme = history
            .files
            .values()
            .any(|h| &h.id == id && h.file.starts_with(&themes_dir));
        let ids = history
            .files
            .values()
            .filter(|h| h.file.starts_with(&initiatives_dir))
            .map(|h| h.id.as_str());
        let help = if theme {
            format!("; `{id}` is a theme, and `okr history` shows initiatives")
        } else {
            crate::finding::suggestion(id, ids)
                .map(|s| format!("; {s}"))
                .unwrap_or_default()
        };
        return Err(Error::usage(format!(
            "no initiative `{id}` in the history{help}"
        )));
    }
    match args.format {
        TableFormat::Json => print_json(
            &rows
                .iter()
                .map(|h| Row {
                    id: &h.id,
                    file: &h.file,
                    created: &h.created,
                    updated: &h.updated,
                    changes: h.changes,
                    key_results: &h.key_results,
                })
                .collect::<Vec<_>>(),
        )?,
        TableFormat::Table => print(&table(&rows, args.id.is_some()))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn table(rows: &[&FileHistory], detail: bool) -> String {
    let short = |e: &Event| {
        format!(
            "{} {} ({})",
            e.date,
            e.author,
            &e.commit[..e.commit.len().min(7)]
        )
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|h| {
            vec![
                h.id.clone(),
                short(&h.created),
                short(&h.updated),
                h.changes.to_string(),
            ]
        })
        .collect();
    let mut out = crate::table::layout(
        &["id", "created", "last changed", "changes"],
        &[false, false, false, true],
        &cells,
    );
    let with_values: Vec<_> = rows.iter().filter(|h| !h.key_results.is_empty()).collect();
    if detail || !with_values.is_empty() {
        for h in with_values {
            for series in &h.key_results {
                let unit = series
                    .unit
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default();
                let values: Vec<String> = series
                    .values
                    .iter()
                    .map(|p| format!("{} on {}", crate::text::number(p.value), p.date))
                    .collect();
                let line = format!("{}: {}{unit}", h.id, series.title);
                out.push_str(&format!(
                    "\n{}\n  {}\n",
                    crate::output::terminal_safe(&line.replace('\n', " ")),
                    values.join(" → ")
                ));
            }
        }
    }
    out
}
