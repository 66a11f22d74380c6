//! `okr history [ID]`: when and by whom each initiative and theme was created and changed, its
//! key results over time, and its check-ins.

use std::process::ExitCode;

use serde::Serialize;

use super::args::{HistoryArgs, TableFormat};
use super::context::{Context, open, print, print_json};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history::{self, CheckinEvent, Event, FileHistory, Series, Value};
use crate::model::Kind;

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    kind: Kind,
    file: &'a str,
    created: &'a Event,
    updated: &'a Event,
    changes: usize,
    key_results: &'a [Series],
    checkins: &'a [CheckinEvent],
}

pub(super) fn run(context: &Context, args: &HistoryArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let config = crate::load::load_config(opened.source.as_ref())?;
    let repo = Repo::open(&opened.root)?;
    let history = history::load(&repo, args.rev.rev.as_deref(), &config)?;
    let initiatives_dir = format!("{}/", config.paths.initiatives);
    let themes_dir = format!("{}/", config.paths.themes);
    let kind = |h: &FileHistory| {
        if h.file.starts_with(&initiatives_dir) {
            Some(Kind::Initiative)
        } else if h.file.starts_with(&themes_dir) {
            Some(Kind::Theme)
        } else {
            None
        }
    };
    let all: Vec<(Kind, &FileHistory)> = history
        .files
        .values()
        .filter_map(|h| Some((kind(h)?, h)))
        .collect();
    let mut rows: Vec<(Kind, &FileHistory)> = all
        .iter()
        .filter(|(_, h)| args.id.as_ref().is_none_or(|id| &h.id == id))
        .copied()
        .collect();
    rows.sort_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.file.cmp(&b.file))
    });
    if let Some(id) = &args.id
        && rows.is_empty()
    {
        let help = crate::finding::suggestion(id, all.iter().map(|(_, h)| h.id.as_str()))
            .unwrap_or_else(|| "`okr history` lists every id the history holds".to_owned());
        return Err(Error::usage(format!(
            "no initiative or theme `{id}` in the history\nhelp: {help}"
        )));
    }
    match args.format {
        TableFormat::Json => print_json(
            &rows
                .iter()
                .map(|&(kind, h)| Row {
                    id: &h.id,
                    kind,
                    file: &h.file,
                    created: &h.created,
                    updated: &h.updated,
                    changes: h.changes,
                    key_results: &h.key_results,
                    checkins: &h.checkins,
                })
                .collect::<Vec<_>>(),
        )?,
        TableFormat::Table => print(&table(&rows))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The commit's short id.
fn short_id(commit: &str) -> &str {
    &commit[..commit.len().min(7)]
}

/// Text from a file on one line of a terminal.
fn one_line(text: &str) -> String {
    crate::output::terminal_safe(&text.replace(['\n', '\r'], " ")).into_owned()
}

fn table(rows: &[(Kind, &FileHistory)]) -> String {
    let short = |e: &Event| format!("{} {} ({})", e.date, e.author, short_id(&e.commit));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(kind, h)| {
            vec![
                h.id.clone(),
                kind.as_str().to_owned(),
                short(&h.created),
                short(&h.updated),
                h.changes.to_string(),
            ]
        })
        .collect();
    let mut out = crate::table::layout(
        &["id", "kind", "created", "last changed", "changes"],
        &[false, false, false, false, true],
        &cells,
    );
    for (_, h) in rows {
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
            out.push_str(&format!(
                "\n{}\n  {}\n",
                one_line(&format!("{}: {}{unit}", h.id, series.title)),
                values.join(" → ")
            ));
        }
        if !h.checkins.is_empty() {
            out.push_str(&format!("\n{}: check-ins\n", one_line(&h.id)));
            out.push_str(&indent(&checkin_table(&h.checkins)));
        }
    }
    out
}

/// One line for each check-in: its day, health, author, commit, note and the values it changed.
fn checkin_table(checkins: &[CheckinEvent]) -> String {
    let cells: Vec<Vec<String>> = checkins
        .iter()
        .map(|c| {
            let changed: Vec<String> = c
                .values
                .iter()
                .map(|v| {
                    let from = v.from.map_or_else(|| "none".to_owned(), value);
                    let unit = v
                        .unit
                        .as_deref()
                        .map(|u| format!(" {u}"))
                        .unwrap_or_default();
                    format!("{}: {from} → {}{unit}", one_line(&v.title), value(v.to))
                })
                .collect();
            vec![
                c.date.clone().unwrap_or_else(|| "-".to_owned()),
                c.health.map_or("-", |h| h.label()).to_owned(),
                format!("{} ({})", c.author, short_id(&c.commit)),
                c.note.as_deref().map_or_else(|| "-".to_owned(), one_line),
                if changed.is_empty() {
                    "-".to_owned()
                } else {
                    changed.join("; ")
                },
            ]
        })
        .collect();
    crate::table::layout(
        &["date", "health", "by", "note", "values changed"],
        &[false; 5],
        &cells,
    )
}

fn value(value: Value) -> String {
    match value {
        Value::Number(n) => crate::text::number(n),
        Value::Done(true) => "done".to_owned(),
        Value::Done(false) => "not done".to_owned(),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}
