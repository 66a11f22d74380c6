//! History from git: when and by whom each initiative and theme was created and last changed,
//! following renames, and each numeric key result's `current` over time.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::git::{ChangeKind, CommitChanges, CommitInfo, Repo};
use crate::model::{Health, Outcome, Status};
use crate::period::civil_date;
use read::{FileState, read_file};

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
    /// Each commit that changed the file's `[checkin]`, oldest first.
    pub checkins: Vec<CheckinEvent>,
    /// Each commit that set a new `status` (the first one at the file's creation), oldest
    /// first.
    #[serde(skip)]
    pub statuses: Vec<StatusChange>,
    /// The time of each commit that changed the file, oldest first.
    #[serde(skip)]
    pub times: Vec<i64>,
    /// Each commit that recorded a period's close, oldest first.
    #[serde(skip)]
    pub closes: Vec<CloseEvent>,
}

/// A commit that changed an initiative's `status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusChange {
    /// None at the file's creation, or when the version before had no known status.
    pub from: Option<Status>,
    pub to: Status,
    pub event: Event,
}

/// A key result's value in a file: a number (`current`, or the baseline while there is none) or
/// a milestone's `done`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Done(bool),
}

/// A file's `[checkin]` table as one commit left it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckinState {
    /// `YYYY-MM-DD`; none when the table has no date (a finding of `check`).
    pub date: Option<String>,
    /// None when absent or not one of the known healths.
    pub health: Option<Health>,
    pub note: Option<String>,
}

/// A `[[closed]]` record as a version of a file holds it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClosedState {
    pub period: String,
    pub grade: Option<f64>,
    /// None when absent or not one of the known outcomes.
    pub outcome: Option<Outcome>,
}

/// A commit that recorded a period's close in a file: a `[[closed]]` record of a period the
/// file had none of before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloseEvent {
    pub period: String,
    pub grade: Option<f64>,
    pub outcome: Option<Outcome>,
    pub event: Event,
}

/// One key result's value that a commit changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueChange {
    pub title: String,
    pub unit: Option<String>,
    /// None when the key result is new in that commit.
    pub from: Option<Value>,
    pub to: Value,
}

/// A check-in: a commit that changed a file's `[checkin]` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckinEvent {
    /// The day the check-in names (`[checkin].date`).
    pub date: Option<String>,
    pub commit: String,
    pub author: String,
    /// The commit's day, `YYYY-MM-DD` (UTC).
    pub committed: String,
    pub health: Option<Health>,
    pub note: Option<String>,
    /// The key-result values the same commit changed, in the file's order.
    pub values: Vec<ValueChange>,
}

/// Histories by repo-relative path (as the file is named at the revision walked from).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub files: BTreeMap<String, FileHistory>,
}

struct Building<'a> {
    path: String,
    created: Option<Event>,
    updated: Option<Event>,
    changes: usize,
    series: BuildingSeries,
    /// The newest change met so far (the walk goes back in time), waiting for the one before it
    /// to tell whether it changed the check-in.
    newer: Option<(&'a Event, &'a Step)>,
    /// Check-ins, newest first until the end.
    checkins: Vec<CheckinEvent>,
    /// Status changes, newest first until the end.
    statuses: Vec<StatusChange>,
    /// Commit times, newest first until the end.
    times: Vec<i64>,
    /// Closes recorded, newest first until the end.
    closes: Vec<CloseEvent>,
}

impl<'a> Building<'a> {
    /// Meets the change before the newest one met so far (none at the file's creation), and
    /// records a check-in when the newer one changed `[checkin]`, and a status change when it
    /// changed `status`.
    fn meet(&mut self, older: Option<(&'a Event, &'a Step)>) {
        let newer = self.newer.take();
        if let Some((event, step)) = newer
            && let Some(to) = step.status
        {
            let from = older.and_then(|(_, s)| s.status);
            if from != Some(to) {
                self.statuses.push(StatusChange {
                    from,
                    to,
                    event: event.clone(),
                });
            }
        }
        if let Some((event, step)) = newer
            && let Some(checkin) = &step.checkin
            && older.and_then(|(_, s)| s.checkin.as_ref()) != Some(checkin)
        {
            self.checkins.push(CheckinEvent {
                date: checkin.date.clone(),
                commit: event.commit.clone(),
                author: event.author.clone(),
                committed: event.date.clone(),
                health: checkin.health,
                note: checkin.note.clone(),
                values: changed_values(older.map(|(_, s)| s), step),
            });
        }
        if let Some((event, step)) = newer {
            let before = older.map_or(&[][..], |(_, s)| s.closed.as_slice());
            // Newest first, like everything met going back in time; reversed at the end.
            for record in step.closed.iter().rev() {
                if !before.iter().any(|b| b.period == record.period) {
                    self.closes.push(CloseEvent {
                        period: record.period.clone(),
                        grade: record.grade,
                        outcome: record.outcome,
                        event: event.clone(),
                    });
                }
            }
        }
        self.newer = older;
    }
}

/// The key-result values that `newer` holds and `older` (the file before it) did not.
fn changed_values(older: Option<&Step>, newer: &Step) -> Vec<ValueChange> {
    newer
        .values
        .iter()
        .filter_map(|(title, unit, to)| {
            let from = older
                .and_then(|o| o.values.iter().find(|(t, _, _)| t == title))
                .map(|(_, _, v)| *v);
            (from != Some(*to)).then(|| ValueChange {
                title: title.clone(),
                unit: unit.clone(),
                from,
                to: *to,
            })
        })
        .collect()
}

/// A file's key-result series while the walk goes back in time: points arrive newest first,
/// and each series holds only the points that change the value, so the work and the memory
/// grow with the points kept, not with every key result of every commit.
#[derive(Default)]
struct BuildingSeries {
    /// Values newest first until [`BuildingSeries::finish`].
    series: Vec<Series>,
    /// Where each title's series is in `series`, once there are more than a few: most files
    /// have one to three key results, and a map for each of 100,000 files costs more than a
    /// look along three titles.
    index: Option<HashMap<String, usize, foldhash::fast::RandomState>>,
    /// For each series, when its title was last met (in the order points arrive): the oldest
    /// point, which places the series in the output.
    last_met: Vec<usize>,
    met: usize,
}

impl BuildingSeries {
    /// A point older than every point so far.
    fn add(&mut self, title: &str, unit: Option<&str>, point: Point) {
        self.met += 1;
        let Some(at) = self.position(title) else {
            if let Some(index) = &mut self.index {
                index.insert(title.to_owned(), self.series.len());
            }
            self.series.push(Series {
                title: title.to_owned(),
                unit: unit.map(str::to_owned),
                values: vec![point],
            });
            self.last_met.push(self.met);
            return;
        };
        self.last_met[at] = self.met;
        let series = &mut self.series[at];
        // The newest unit given wins.
        if series.unit.is_none() {
            series.unit = unit.map(str::to_owned);
        }
        // Of a run of equal values, the oldest point is the change: it replaces the newer.
        match series.values.last_mut() {
            Some(last) if last.value == point.value => *last = point,
            _ => series.values.push(point),
        }
    }

    /// Where the series of `title` is, if it has one; the map is built once there are more
    /// than [`BuildingSeries::FEW`] series.
    fn position(&mut self, title: &str) -> Option<usize> {
        if self.index.is_none() && self.series.len() > Self::FEW {
            let mut index =
                HashMap::with_capacity_and_hasher(self.series.len() * 2, Default::default());
            for (at, series) in self.series.iter().enumerate() {
                index.insert(series.title.clone(), at);
            }
            self.index = Some(index);
        }
        match &self.index {
            Some(index) => index.get(title).copied(),
            None => self.series.iter().position(|s| s.title == title),
        }
    }

    const FEW: usize = 8;

    /// The series in the order their titles first occur going forward in time (in the file's
    /// order, for the titles of one commit), each with its values oldest first.
    fn finish(self) -> Vec<Series> {
        let mut series: Vec<(usize, Series)> = self.last_met.into_iter().zip(self.series).collect();
        series.sort_unstable_by_key(|(met, _)| std::cmp::Reverse(*met));
        series
            .into_iter()
            .map(|(_, mut series)| {
                series.values.reverse();
                series
            })
            .collect()
    }
}

/// A key result's title, unit and value in one version of a file.
pub type KeyResultValue = (String, Option<String>, Value);

/// One change of one file, with the key-result values and the check-in the file held after it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    pub path: String,
    pub kind: ChangeKind,
    pub values: Vec<KeyResultValue>,
    pub checkin: Option<CheckinState>,
    /// The initiative's `status`; none for a theme, or a status that is not known.
    pub status: Option<Status>,
    /// The `[[closed]]` records.
    pub closed: Vec<ClosedState>,
}

/// One commit of a walk, ready to build histories from (and to cache).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Steps {
    pub commit: CommitInfo,
    pub changes: Vec<Step>,
}

/// Reads the key-result values and the check-in of each changed file, turning a walk into steps, on all cores.
pub fn steps(
    commits: Vec<CommitChanges>,
    blob: impl Fn(&str) -> Result<Vec<u8>> + Sync,
) -> Result<Vec<Steps>> {
    commits
        .into_par_iter()
        .map(|c| {
            let changes = c
                .changes
                .into_iter()
                .map(|change| {
                    let FileState {
                        values,
                        checkin,
                        status,
                        closed,
                    } = match &change.blob {
                        Some(id) => read_file(&blob(id)?),
                        None => FileState::default(),
                    };
                    Ok(Step {
                        path: change.path,
                        kind: change.kind,
                        values,
                        checkin,
                        status,
                        closed,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Steps {
                commit: c.commit,
                changes,
            })
        })
        .collect()
}

/// Builds histories from a walk's steps, newest commit first.
pub fn build(commits: &[Steps]) -> History {
    let events: Vec<Event> = commits.iter().map(|c| Event::of(&c.commit)).collect();
    let mut entries: Vec<Building> = Vec::new();
    // Which entry a path belongs to at the point of the walk reached so far.
    let mut alias: HashMap<String, usize> = HashMap::new();
    let mut gone: BTreeSet<usize> = BTreeSet::new();
    for (commit, event) in commits.iter().zip(&events) {
        for change in &commit.changes {
            let index = match alias.get(&change.path) {
                Some(&index) => index,
                None => {
                    entries.push(Building {
                        path: change.path.clone(),
                        created: None,
                        updated: None,
                        changes: 0,
                        series: BuildingSeries::default(),
                        newer: None,
                        checkins: Vec::new(),
                        statuses: Vec::new(),
                        times: Vec::new(),
                        closes: Vec::new(),
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
            entry.meet(Some((event, change)));
            entry.changes += 1;
            entry.times.push(event.time);
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
            // Within a commit the values go last to first, as the whole walk goes back in time.
            for (title, unit, value) in change.values.iter().rev() {
                let Value::Number(value) = *value else {
                    continue;
                };
                entry.series.add(
                    title,
                    unit.as_deref(),
                    Point {
                        commit: event.commit.clone(),
                        date: event.date.clone(),
                        time: event.time,
                        value,
                    },
                );
            }
        }
    }
    let mut history = History::default();
    for (index, mut entry) in entries.into_iter().enumerate() {
        if gone.contains(&index) {
            continue;
        }
        // The oldest change met is the file's creation: a check-in there is new.
        entry.meet(None);
        entry.checkins.reverse();
        entry.statuses.reverse();
        entry.times.reverse();
        entry.closes.reverse();
        let (Some(created), Some(updated)) = (entry.created.clone(), entry.updated.clone()) else {
            // Added before the walk began (a shallow clone): the oldest change is the start.
            continue;
        };
        let series = entry.series.finish();
        history.files.insert(
            entry.path.clone(),
            FileHistory {
                id: crate::document::stem(&entry.path).to_owned(),
                file: entry.path,
                created,
                updated,
                changes: entry.changes,
                key_results: series,
                checkins: entry.checkins,
                statuses: entry.statuses,
                times: entry.times,
                closes: entry.closes,
            },
        );
    }
    history
}

/// The walk of the last run, kept in `.git/okr/`, so the next run walks only new commits.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cache {
    version: u32,
    /// The team repository's place in the work tree and the folders walked.
    key: String,
    /// The commit the walk started from.
    tip: String,
    steps: Vec<Steps>,
}

/// Version 2: steps hold milestone values and the `[checkin]` table; version 3 the status;
/// version 4 the `[[closed]]` records.
const CACHE_VERSION: u32 = 4;

/// The commit a walk starts from: `rev`, or HEAD.
fn start(repo: &Repo, rev: Option<&str>) -> Result<String> {
    match rev {
        Some(rev) => repo.resolve_id(rev),
        None => repo.head().ok_or_else(|| Error::Git {
            message: "the repository has no commits yet, so it has no history; commit first"
                .to_owned(),
        }),
    }
}

/// One cache file per walk: a team repository's folders, where the team repository sits.
fn cache_path(repo: &Repo, key: &str) -> std::path::PathBuf {
    let name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    repo.cache_dir().join(format!("history-{name}.json"))
}

fn read_cache(repo: &Repo, key: &str) -> Option<Cache> {
    let bytes = std::fs::read(cache_path(repo, key)).ok()?;
    let cache: Cache = serde_json::from_slice(&bytes).ok()?;
    (cache.version == CACHE_VERSION && cache.key == key).then_some(cache)
}

/// Walks the repository from `rev` (HEAD when `None`) and builds the history of every
/// initiative and theme. Errors when history is missing. A cache keyed by commit id makes a
/// second run read only the commits that are new since the first.
pub fn load(repo: &Repo, rev: Option<&str>, config: &Config) -> Result<History> {
    let dirs = [
        config.paths.initiatives.as_str(),
        config.paths.themes.as_str(),
    ];
    load_dirs(repo, rev, &dirs)
}

/// [`load`] for some folders only (the objective documents chart only themes).
pub fn load_dirs(repo: &Repo, rev: Option<&str>, dirs: &[&str]) -> Result<History> {
    if repo.is_shallow() {
        return Err(Error::Git {
            message: crate::git::shallow_message(),
        });
    }
    let from = start(repo, rev)?;
    let key = format!("{}:{}", repo.prefix(), dirs.join(","));
    let cached = read_cache(repo, &key).filter(|c| repo.is_ancestor(&c.tip, &from));
    let steps = match cached {
        Some(cache) if cache.tip == from => cache.steps,
        cached => {
            let hide = cached.as_ref().map(|c| c.tip.as_str());
            let walked = repo.walk(
                &from,
                &crate::git::Walk {
                    dirs,
                    hide,
                    since: None,
                },
            )?;
            // A blob over the size limit is not read: no values, as a file that does not parse.
            let blobs = repo.blobs();
            let mut steps = steps(walked, |id| Ok(blobs.read(id)?.unwrap_or_default()))?;
            if let Some(cache) = cached {
                steps.extend(cache.steps);
            }
            let cache = Cache {
                version: CACHE_VERSION,
                key,
                tip: from,
                steps,
            };
            // The cache only saves time: a read-only `.git` is not a reason to fail.
            if let Ok(bytes) = serde_json::to_vec(&cache) {
                let _ = crate::output::write_atomic(&cache_path(repo, &cache.key), &bytes);
            }
            cache.steps
        }
    };
    Ok(build(&steps))
}

mod read;

#[cfg(test)]
mod tests;
