//! History from git: when and by whom each initiative and theme was created and last changed,
//! following renames, and each numeric key result's `current` over time.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::HistoryArgs;
use crate::commands::{self, Context};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::git::{ChangeKind, CommitChanges, CommitInfo, Repo};
use crate::period::civil_date;

/// A commit, as history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub commit: String,
    pub author: String,
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
}

impl Event {
    fn of(info: &CommitInfo) -> Event {
        Event {
            commit: info.commit.clone(),
            author: info.author.clone(),
            date: date(info.time),
            time: info.time,
        }
    }
}

/// `YYYY-MM-DD` of a Unix time (UTC).
pub fn date(time: i64) -> String {
    let (y, m, d) = civil_date(u64::try_from(time.max(0)).unwrap_or(0) / 86_400);
    format!("{y:04}-{m:02}-{d:02}")
}

/// One value of a key result, at the commit that set it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub commit: String,
    pub date: String,
    pub time: i64,
    pub value: f64,
}

/// A numeric key result's `current` over time, oldest first, one point per change of value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub title: String,
    pub unit: Option<String>,
    pub values: Vec<Point>,
}

/// The history of one file that exists at the revision walked from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileHistory {
    pub id: String,
    pub file: String,
    pub created: Event,
    pub updated: Event,
    /// How many commits changed the file, renames included.
    pub changes: usize,
    pub key_results: Vec<Series>,
}

/// Histories by repo-relative path (as the file is named at the revision walked from).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub files: BTreeMap<String, FileHistory>,
}

struct Building {
    path: String,
    created: Option<Event>,
    updated: Option<Event>,
    changes: usize,
    /// Newest first while walking.
    series: Vec<(String, Option<String>, Point)>,
}

/// Numeric key results in a file's text: (title, unit, current).
fn key_result_values(text: &[u8]) -> Vec<(String, Option<String>, f64)> {
    let Ok(text) = std::str::from_utf8(text) else {
        return Vec::new();
    };
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let Some(items) = table.get("key_results").and_then(|v| v.as_array()) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let item = item.as_table()?;
            let title = item.get("title")?.as_str()?.to_owned();
            let number = |key: &str| {
                item.get(key)
                    .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            };
            let current = number("current").or_else(|| number("baseline"))?;
            let unit = item.get("unit").and_then(|u| u.as_str()).map(str::to_owned);
            Some((title, unit, current))
        })
        .collect()
}

/// Builds histories from a walk (newest commit first), reading key-result values with `blob`.
pub fn build(commits: &[CommitChanges], blob: impl Fn(&str) -> Result<Vec<u8>>) -> Result<History> {
    let mut entries: Vec<Building> = Vec::new();
    // Which entry a path belongs to at the point of the walk reached so far.
    let mut alias: HashMap<String, usize> = HashMap::new();
    let mut gone: BTreeSet<usize> = BTreeSet::new();
    for commit in commits {
        let event = Event::of(&commit.commit);
        for change in &commit.changes {
            let index = match alias.get(&change.path) {
                Some(&index) => index,
                None => {
                    entries.push(Building {
                        path: change.path.clone(),
                        created: None,
                        updated: None,
                        changes: 0,
                        series: Vec::new(),
                    });
                    let index = entries.len() - 1;
                    if change.kind == ChangeKind::Deleted {
                        gone.insert(index);
                    }
                    alias.insert(change.path.clone(), index);
                    index
                }
            };
            let entry = &mut entries[index];
            entry.changes += 1;
            entry.updated.get_or_insert_with(|| event.clone());
            match &change.kind {
                ChangeKind::Added => {
                    entry.created = Some(event.clone());
                    alias.remove(&change.path);
                }
                ChangeKind::Renamed(from) => {
                    entry.created = Some(event.clone());
                    alias.remove(&change.path);
                    alias.insert(from.clone(), index);
                }
                ChangeKind::Modified | ChangeKind::Deleted => {}
            }
            if let Some(id) = &change.blob {
                for (title, unit, value) in key_result_values(&blob(id)?) {
                    entry.series.push((
                        title,
                        unit,
                        Point {
                            commit: event.commit.clone(),
                            date: event.date.clone(),
                            time: event.time,
                            value,
                        },
                    ));
                }
            }
        }
    }
    let mut history = History::default();
    for (index, entry) in entries.into_iter().enumerate() {
        if gone.contains(&index) {
            continue;
        }
        let (Some(created), Some(updated)) = (entry.created.clone(), entry.updated.clone()) else {
            // Added before the walk began (a shallow clone): the oldest change is the start.
            continue;
        };
        let mut series: Vec<Series> = Vec::new();
        for (title, unit, point) in entry.series.into_iter().rev() {
            match series.iter_mut().find(|s| s.title == title) {
                Some(existing) => {
                    existing.unit = unit.or(existing.unit.take());
                    if existing
                        .values
                        .last()
                        .is_none_or(|last| last.value != point.value)
                    {
                        existing.values.push(point);
                    }
                }
                None => series.push(Series {
                    title,
                    unit,
                    values: vec![point],
                }),
            }
        }
        history.files.insert(
            entry.path.clone(),
            FileHistory {
                id: crate::load::stem(&entry.path).to_owned(),
                file: entry.path,
                created,
                updated,
                changes: entry.changes,
                key_results: series,
            },
        );
    }
    Ok(history)
}

/// Why history is not available, for a note or an error.
pub fn shallow_message() -> String {
    "this is a shallow clone, so history is incomplete; fetch the full history with \
     `git fetch --unshallow`, or set `fetch-depth: 0` in actions/checkout"
        .to_owned()
}

/// Walks the repository from `rev` (HEAD when `None`) and builds the history of every
/// initiative and theme. Errors when history is missing.
pub fn load(repo: &Repo, rev: Option<&str>, config: &Config) -> Result<History> {
    if repo.is_shallow() {
        return Err(Error::Git {
            message: shallow_message(),
        });
    }
    let from = match rev {
        Some(rev) => repo.resolve_id(rev)?,
        None => repo.head().ok_or_else(|| Error::Git {
            message: "the repository has no commits yet, so it has no history; commit first"
                .to_owned(),
        })?,
    };
    let commits = repo.history(&from, &[&config.paths.initiatives, &config.paths.themes])?;
    build(&commits, |id| repo.blob(id))
}

/// How many days ago each accepted or active initiative last changed, for the `stale` rule.
/// Files changed in the working tree count as changed today. `Err` carries why there is no
/// history to ask (a note, not an error).
pub fn ages(
    repo: &Repo,
    rev: Option<&str>,
    config: &Config,
    files: &[String],
) -> std::result::Result<BTreeMap<String, u64>, String> {
    if repo.is_shallow() {
        return Err(shallow_message());
    }
    let from = match rev {
        Some(rev) => repo.resolve_id(rev).map_err(|e| e.to_string())?,
        None => repo.head().ok_or("the repository has no commits yet")?,
    };
    let now = match rev {
        Some(_) => repo.commit_info(&from).map_err(|e| e.to_string())?.time,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
    };
    let commits = repo
        .history(&from, &[&config.paths.initiatives])
        .map_err(|e| e.to_string())?;
    let wanted: BTreeSet<&String> = files.iter().collect();
    let mut ages = BTreeMap::new();
    if rev.is_none() {
        let changed = repo.uncommitted().map_err(|e| e.to_string())?;
        for file in files.iter().filter(|f| changed.contains(*f)) {
            ages.insert(file.clone(), 0);
        }
    }
    let mut alias: HashMap<String, String> = files.iter().map(|f| (f.clone(), f.clone())).collect();
    for commit in &commits {
        for change in &commit.changes {
            let Some(file) = alias.get(&change.path).cloned() else {
                continue;
            };
            if wanted.contains(&file) && !ages.contains_key(&file) {
                let days = u64::try_from((now - commit.commit.time).max(0)).unwrap_or(0) / 86_400;
                ages.insert(file.clone(), days);
            }
            if let ChangeKind::Renamed(from) = &change.kind {
                alias.insert(from.clone(), file);
            }
        }
        if ages.len() == wanted.len() {
            break;
        }
    }
    Ok(ages)
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    file: &'a str,
    created: &'a Event,
    updated: &'a Event,
    changes: usize,
    key_results: &'a [Series],
}

pub fn command(context: &Context, args: &HistoryArgs) -> Result<ExitCode> {
    let root = crate::source::find_root(&context.dir)?;
    let opened = commands::open(context, &args.rev)?;
    let config = crate::load::load_config(opened.source.as_ref())?;
    let repo = Repo::open(&root)?;
    let history = load(&repo, args.rev.rev.as_deref(), &config)?;
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
        let ids = history.files.values().map(|h| h.id.as_str());
        let help = crate::finding::suggestion(id, ids)
            .map(|s| format!("; {s}"))
            .unwrap_or_default();
        return Err(Error::usage(format!(
            "no initiative `{id}` in the history{help}"
        )));
    }
    let text = match args.format {
        crate::cli::TableFormat::Json => crate::table::to_json(
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
        crate::cli::TableFormat::Table => table(&rows, args.id.is_some()),
    };
    commands::print(&text)?;
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
                    .map(|p| format!("{} on {}", crate::render::number(p.value), p.date))
                    .collect();
                out.push_str(&format!(
                    "\n{}: {}{unit}\n  {}\n",
                    h.id,
                    series.title,
                    values.join(" → ")
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::Change;

    fn commit(id: &str, time: i64, changes: Vec<Change>) -> CommitChanges {
        CommitChanges {
            commit: CommitInfo {
                commit: id.to_owned(),
                author: format!("author-{id}"),
                time,
                summary: String::new(),
            },
            changes,
        }
    }

    fn change(path: &str, kind: ChangeKind, blob: Option<&str>) -> Change {
        Change {
            path: path.to_owned(),
            kind,
            blob: blob.map(str::to_owned),
        }
    }

    #[test]
    fn histories_follow_renames_and_collect_values() {
        let blobs: HashMap<&str, &str> = HashMap::from([
            (
                "b1",
                "[[key_results]]\ntitle = \"t\"\nbaseline = 1\ntarget = 9\n",
            ),
            (
                "b2",
                "[[key_results]]\ntitle = \"t\"\nbaseline = 1\ntarget = 9\ncurrent = 4\n",
            ),
            (
                "b3",
                "[[key_results]]\ntitle = \"t\"\nunit = \"ms\"\nbaseline = 1\ntarget = 9\ncurrent = 4\n",
            ),
            ("b4", "title = \"other\"\n"),
        ]);
        // Newest first: c4 renames a.toml to q1/b.toml, c3 edits the unit only, c2 sets 4.
        let commits = vec![
            commit(
                "c5",
                500,
                vec![change("i/gone.toml", ChangeKind::Deleted, None)],
            ),
            commit(
                "c4",
                400,
                vec![change(
                    "i/q1/b.toml",
                    ChangeKind::Renamed("i/a.toml".into()),
                    Some("b3"),
                )],
            ),
            commit(
                "c3",
                300,
                vec![change("i/a.toml", ChangeKind::Modified, Some("b3"))],
            ),
            commit(
                "c2",
                200,
                vec![change("i/a.toml", ChangeKind::Modified, Some("b2"))],
            ),
            commit(
                "c1",
                100,
                vec![
                    change("i/a.toml", ChangeKind::Added, Some("b1")),
                    change("i/gone.toml", ChangeKind::Added, Some("b4")),
                ],
            ),
        ];
        let history = build(&commits, |id| Ok(blobs[id].as_bytes().to_vec())).unwrap();
        assert_eq!(history.files.keys().collect::<Vec<_>>(), ["i/q1/b.toml"]);
        let b = &history.files["i/q1/b.toml"];
        assert_eq!(b.id, "b");
        assert_eq!(b.created.commit, "c1");
        assert_eq!(b.updated.commit, "c4");
        assert_eq!(b.changes, 4);
        let series = &b.key_results[0];
        assert_eq!(series.unit.as_deref(), Some("ms"));
        let values: Vec<(f64, &str)> = series
            .values
            .iter()
            .map(|p| (p.value, p.commit.as_str()))
            .collect();
        assert_eq!(values, [(1.0, "c1"), (4.0, "c2")]);
    }

    #[test]
    fn dates_are_utc_days() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_767_225_600), "2026-01-01");
    }
}
