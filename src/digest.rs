//! What happened in a window of days, from the history walk ([`crate::history`]): initiatives
//! added, started, delivered and dropped; health changes; key-result movements; the check-in
//! notes; and the open work that nobody updated. As Markdown a manager can paste, and as JSON.
//!
//! Commit dates (UTC days) decide what falls in the window; both ends are included.

use std::fmt::Write as _;

use serde::Serialize;

use crate::history::{FileHistory, History};
use crate::markdown::{markdown_inline, person, work_cell};
use crate::model::{Health, KeyResult, Kind, Measure, Outcome, Status};
use crate::period::{format_date, parse_date};

/// An initiative or a theme as the revision read says it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    /// Repo-relative path, as history names it.
    pub file: String,
    pub owner: Option<String>,
    /// None for a theme.
    pub status: Option<Status>,
    /// For the progress of a key result's values.
    pub key_results: Vec<KeyResult>,
}

impl Subject {
    pub fn initiative(i: &crate::model::Initiative) -> Subject {
        Subject {
            kind: Kind::Initiative,
            id: i.id.clone(),
            title: i.title.clone(),
            file: i.file.clone(),
            owner: Some(i.owner.clone()),
            status: Some(i.status),
            key_results: i.key_results.clone(),
        }
    }

    pub fn theme(t: &crate::model::Theme) -> Subject {
        Subject {
            kind: Kind::Theme,
            id: t.id.clone(),
            title: t.title.clone(),
            file: t.file.clone(),
            owner: t.owner.clone(),
            status: None,
            key_results: t.key_results.clone(),
        }
    }
}

/// The work an entry is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Work {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
}

/// A commit that added an initiative or changed its status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    #[serde(flatten)]
    pub work: Work,
    /// `YYYY-MM-DD`, the commit's day (UTC).
    pub date: String,
    pub author: String,
    pub commit: String,
    /// The status before (none when the file was new).
    pub from: Option<Status>,
    pub to: Option<Status>,
}

/// A check-in whose health differs from the check-in before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthChange {
    #[serde(flatten)]
    pub work: Work,
    pub date: String,
    pub author: String,
    pub commit: String,
    /// None at the first check-in, or when it gave no health.
    pub from: Option<Health>,
    pub to: Option<Health>,
}

/// A numeric key result that moved: the value it held when the window opened (its first value,
/// when it is new in the window) and its last value in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    #[serde(flatten)]
    pub work: Work,
    pub key_result: String,
    pub unit: Option<String>,
    pub from: f64,
    pub to: f64,
    /// Progress from the key result's baseline to its target as the revision read has them;
    /// none when it has no such numeric key result any more.
    pub progress_from: Option<f64>,
    pub progress_to: Option<f64>,
    /// The day of the last move in the window.
    pub date: String,
}

/// A check-in with a note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    #[serde(flatten)]
    pub work: Work,
    /// The day the check-in names, or the commit's day when it names none.
    pub date: String,
    pub author: String,
    pub commit: String,
    pub health: Option<Health>,
    pub note: String,
}

/// Open work (an accepted or active initiative, or a theme) that no commit changed in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quiet {
    #[serde(flatten)]
    pub work: Work,
    /// None for a theme.
    pub status: Option<Status>,
    /// The day of the last commit before the window.
    pub last_update: String,
}

/// A period's close as a file recorded it: the commit that added its `[[closed]]` record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Closing {
    #[serde(flatten)]
    pub work: Work,
    pub period: String,
    /// None for dropped work.
    pub grade: Option<f64>,
    /// None when the record's outcome is not one okr knows (a finding of `check`).
    pub outcome: Option<Outcome>,
    pub date: String,
    pub author: String,
    pub commit: String,
}

/// What happened between two days, both included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub since: String,
    pub until: String,
    pub added: Vec<Change>,
    pub started: Vec<Change>,
    pub delivered: Vec<Change>,
    pub dropped: Vec<Change>,
    /// The grades that closes in the window recorded: objectives first, by period.
    pub closed: Vec<Closing>,
    pub health_changes: Vec<HealthChange>,
    pub key_results: Vec<Movement>,
    pub notes: Vec<Note>,
    pub no_update: Vec<Quiet>,
}

/// The day (since 1970-01-01, UTC) of a Unix time.
fn day_of(time: i64) -> u64 {
    u64::try_from(time.max(0)).unwrap_or(0) / 86_400
}

/// A key result's progress at `value`, with its baseline and target as `subject` has them.
fn progress(subject: &Subject, title: &str, value: f64) -> Option<f64> {
    let kr = subject.key_results.iter().find(|k| k.title == title)?;
    let Measure::Numeric {
        baseline, target, ..
    } = kr.measure
    else {
        return None;
    };
    let at = KeyResult {
        title: kr.title.clone(),
        unit: kr.unit.clone(),
        measure: Measure::Numeric {
            baseline,
            target,
            current: value,
        },
    };
    Some(at.progress())
}

/// What happened to `subjects` in the days `since..=until`, from their history. Work not in the
/// history (never committed) has no events and is never quiet: it is new.
pub fn digest(subjects: &[Subject], history: &History, since: u64, until: u64) -> Digest {
    let inside = |day: u64| since <= day && day <= until;
    let inside_date = |date: &str| parse_date(date).is_some_and(inside);
    let mut d = Digest {
        since: format_date(since),
        until: format_date(until),
        added: Vec::new(),
        started: Vec::new(),
        delivered: Vec::new(),
        dropped: Vec::new(),
        closed: Vec::new(),
        health_changes: Vec::new(),
        key_results: Vec::new(),
        notes: Vec::new(),
        no_update: Vec::new(),
    };
    for subject in subjects {
        let Some(file) = history.files.get(&subject.file) else {
            continue;
        };
        let work = Work {
            kind: subject.kind,
            id: subject.id.clone(),
            title: subject.title.clone(),
            owner: subject.owner.clone(),
        };
        if subject.kind == Kind::Initiative {
            statuses(&mut d, &work, file, &inside);
        }
        checkins(&mut d, &work, file, &inside_date);
        for close in file.closes.iter().filter(|c| inside(day_of(c.event.time))) {
            d.closed.push(Closing {
                work: work.clone(),
                period: close.period.clone(),
                grade: close.grade,
                outcome: close.outcome,
                date: close.event.date.clone(),
                author: close.event.author.clone(),
                commit: close.event.commit.clone(),
            });
        }
        movements(&mut d, subject, &work, file, since, until);
        if let Some(quiet) = quiet(subject, &work, file, since, until) {
            d.no_update.push(quiet);
        }
    }
    let by_date = |a: &Change, b: &Change| {
        (&a.date, a.work.kind, &a.work.id).cmp(&(&b.date, b.work.kind, &b.work.id))
    };
    d.added.sort_by(by_date);
    d.started.sort_by(by_date);
    d.delivered.sort_by(by_date);
    d.dropped.sort_by(by_date);
    d.closed.sort_by(|a, b| {
        let key = |c: &Closing| {
            (
                c.period.clone(),
                c.work.kind != Kind::Theme,
                c.work.id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    d.health_changes.sort_by(|a, b| {
        (&a.date, a.work.kind, &a.work.id).cmp(&(&b.date, b.work.kind, &b.work.id))
    });
    d.key_results.sort_by(|a, b| {
        (a.work.kind, &a.work.id, &a.key_result).cmp(&(b.work.kind, &b.work.id, &b.key_result))
    });
    d.notes.sort_by(|a, b| {
        (&a.date, a.work.kind, &a.work.id, &a.commit).cmp(&(
            &b.date,
            b.work.kind,
            &b.work.id,
            &b.commit,
        ))
    });
    d.no_update.sort_by(|a, b| {
        (&a.last_update, a.work.kind, &a.work.id).cmp(&(&b.last_update, b.work.kind, &b.work.id))
    });
    d
}

/// Added, started, delivered, dropped: the initiative's creation and its status changes in the
/// window.
fn statuses(d: &mut Digest, work: &Work, file: &FileHistory, inside: &impl Fn(u64) -> bool) {
    for change in &file.statuses {
        if !inside(day_of(change.event.time)) {
            continue;
        }
        let entry = Change {
            work: work.clone(),
            date: change.event.date.clone(),
            author: change.event.author.clone(),
            commit: change.event.commit.clone(),
            from: change.from,
            to: Some(change.to),
        };
        match change.to {
            Status::Active => d.started.push(entry),
            Status::Done => d.delivered.push(entry),
            Status::Dropped => d.dropped.push(entry),
            Status::Proposed | Status::Accepted => {}
        }
    }
    if inside(day_of(file.created.time)) {
        d.added.push(Change {
            work: work.clone(),
            date: file.created.date.clone(),
            author: file.created.author.clone(),
            commit: file.created.commit.clone(),
            from: None,
            to: file
                .statuses
                .iter()
                .find(|s| s.event.commit == file.created.commit)
                .map(|s| s.to),
        });
    }
}

/// The health changes and the notes of the check-ins committed in the window.
fn checkins(d: &mut Digest, work: &Work, file: &FileHistory, inside: &impl Fn(&str) -> bool) {
    let mut before: Option<Health> = None;
    for checkin in &file.checkins {
        if inside(&checkin.committed) {
            if checkin.health != before {
                d.health_changes.push(HealthChange {
                    work: work.clone(),
                    date: checkin.committed.clone(),
                    author: checkin.author.clone(),
                    commit: checkin.commit.clone(),
                    from: before,
                    to: checkin.health,
                });
            }
            if let Some(note) = checkin.note.as_deref().filter(|n| !n.trim().is_empty()) {
                d.notes.push(Note {
                    work: work.clone(),
                    date: checkin
                        .date
                        .clone()
                        .unwrap_or_else(|| checkin.committed.clone()),
                    author: checkin.author.clone(),
                    commit: checkin.commit.clone(),
                    health: checkin.health,
                    note: note.to_owned(),
                });
            }
        }
        before = checkin.health;
    }
}

/// Each numeric key result whose value at the end of the window differs from the value it held
/// when the window opened.
fn movements(
    d: &mut Digest,
    subject: &Subject,
    work: &Work,
    file: &FileHistory,
    since: u64,
    until: u64,
) {
    for series in &file.key_results {
        let before = series
            .values
            .iter()
            .rfind(|p| day_of(p.time) < since)
            .map(|p| p.value);
        let mut within = series.values.iter().filter(|p| {
            let day = day_of(p.time);
            since <= day && day <= until
        });
        let Some(first) = within.next() else {
            continue;
        };
        let last = within.next_back().unwrap_or(first);
        let from = before.unwrap_or(first.value);
        if from == last.value {
            continue;
        }
        d.key_results.push(Movement {
            work: work.clone(),
            key_result: series.title.clone(),
            unit: series.unit.clone(),
            from,
            to: last.value,
            progress_from: progress(subject, &series.title, from),
            progress_to: progress(subject, &series.title, last.value),
            date: last.date.clone(),
        });
    }
}

/// Open work at the end of the window that existed before it and that no commit changed in it.
fn quiet(
    subject: &Subject,
    work: &Work,
    file: &FileHistory,
    since: u64,
    until: u64,
) -> Option<Quiet> {
    let status = match subject.kind {
        Kind::Theme => None,
        // The status the last change up to the window's end set; else the one read.
        Kind::Initiative => Some(
            file.statuses
                .iter()
                .rfind(|s| day_of(s.event.time) <= until)
                .map(|s| s.to)
                .or(subject.status)?,
        ),
    };
    if status.is_some_and(|s| !matches!(s, Status::Accepted | Status::Active)) {
        return None;
    }
    let last = file.times.iter().rfind(|&&t| day_of(t) <= until)?;
    if day_of(*last) >= since {
        return None;
    }
    Some(Quiet {
        work: work.clone(),
        status,
        last_update: format_date(day_of(*last)),
    })
}

fn owner_cell(owner: Option<&str>, mention: bool) -> String {
    owner.map_or_else(|| "-".to_owned(), |o| person(o, mention))
}

fn health_cell(health: Option<Health>) -> &'static str {
    health.map_or("-", Health::label)
}

fn value(value: f64, unit: Option<&str>) -> String {
    let number = crate::text::number(value);
    match unit {
        Some(unit) => format!(
            "{number} {}",
            markdown_inline(crate::text::unit_for(value, unit))
        ),
        None => number,
    }
}

/// The report as Markdown: a heading, then a section per kind of event, each a narrow table or
/// a line that says nothing happened. `mention` (`[team].github`) writes owners as `@login`.
pub fn markdown(d: &Digest, mention: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## What happened from {} to {}", d.since, d.until);
    let changes = [
        ("Added", "No initiative was added.", &d.added),
        ("Started", "No initiative was started.", &d.started),
        ("Delivered", "No initiative was delivered.", &d.delivered),
        ("Dropped", "No initiative was dropped.", &d.dropped),
    ];
    for (heading, nothing, list) in changes {
        let _ = writeln!(out, "\n### {heading}\n");
        if list.is_empty() {
            let _ = writeln!(out, "{nothing}");
            continue;
        }
        let _ = writeln!(out, "| Initiative | Owner | Date | By |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for c in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                work_cell(&c.work.title, &c.work.id),
                owner_cell(c.work.owner.as_deref(), mention),
                c.date,
                markdown_inline(&c.author)
            );
        }
    }
    if !d.closed.is_empty() {
        let _ = writeln!(out, "\n### Closed\n");
        let _ = writeln!(out, "| Period | Work | Grade | Outcome | Date | By |");
        let _ = writeln!(out, "| --- | --- | ---: | --- | --- | --- |");
        for c in &d.closed {
            let what = match c.work.kind {
                Kind::Theme => "objective ",
                Kind::Initiative => "",
            };
            let _ = writeln!(
                out,
                "| {} | {what}{} | {} | {} | {} | {} |",
                c.period,
                work_cell(&c.work.title, &c.work.id),
                c.grade
                    .map_or_else(|| "-".to_owned(), |g| format!("{g:.1}")),
                c.outcome.map_or("-", Outcome::as_str),
                c.date,
                markdown_inline(&c.author)
            );
        }
    }
    let _ = writeln!(out, "\n### Health\n");
    if d.health_changes.is_empty() {
        let _ = writeln!(out, "No health changed.");
    } else {
        let _ = writeln!(out, "| Work | From | To | Date | By |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for h in &d.health_changes {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                work_cell(&h.work.title, &h.work.id),
                health_cell(h.from),
                health_cell(h.to),
                h.date,
                markdown_inline(&h.author)
            );
        }
    }
    let _ = writeln!(out, "\n### Key results\n");
    if d.key_results.is_empty() {
        let _ = writeln!(out, "No key result moved.");
    } else {
        let _ = writeln!(out, "| Work | Key result | From | To | Progress |");
        let _ = writeln!(out, "| --- | --- | ---: | ---: | --- |");
        for m in &d.key_results {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} → {} |",
                work_cell(&m.work.title, &m.work.id),
                markdown_inline(&m.key_result),
                value(m.from, m.unit.as_deref()),
                value(m.to, m.unit.as_deref()),
                crate::text::percent(m.progress_from),
                crate::text::percent(m.progress_to)
            );
        }
    }
    let _ = writeln!(out, "\n### Check-in notes\n");
    if d.notes.is_empty() {
        let _ = writeln!(out, "No check-in left a note.");
    } else {
        for n in &d.notes {
            let health = n
                .health
                .map(|h| format!(" ({})", h.label()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {}, {}, {} {}{health}: {}",
                n.date,
                markdown_inline(&n.author),
                markdown_inline(&n.work.title),
                crate::markdown::code(&n.work.id),
                markdown_inline(&n.note)
            );
        }
    }
    let _ = writeln!(out, "\n### No update\n");
    if d.no_update.is_empty() {
        let _ = writeln!(
            out,
            "Every accepted and active initiative, and every theme, was updated."
        );
    } else {
        let _ = writeln!(out, "| Work | Kind | Owner | Last update |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for q in &d.no_update {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                work_cell(&q.work.title, &q.work.id),
                q.work.kind.with_status(q.status),
                owner_cell(q.work.owner.as_deref(), mention),
                q.last_update
            );
        }
    }
    out
}

#[cfg(test)]
mod tests;
