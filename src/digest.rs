//! What happened in a window of days, from the history walk ([`crate::history`]): initiatives
//! added, started, delivered and dropped; health changes; key-result movements; the check-in
//! notes; and the open work that nobody updated. As Markdown a manager can paste, and as JSON.
//!
//! Commit dates (UTC days) decide what falls in the window; both ends are included.

use std::fmt::Write as _;

use serde::Serialize;

use crate::history::{FileHistory, History};
use crate::markdown::{code_cell, markdown_inline, person};
use crate::model::{Health, KeyResult, Measure, Status};
use crate::period::{format_date, parse_date};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Initiative,
    Theme,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Initiative => "initiative",
            Kind::Theme => "theme",
        }
    }
}

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

/// What happened between two days, both included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub since: String,
    pub until: String,
    pub added: Vec<Change>,
    pub started: Vec<Change>,
    pub delivered: Vec<Change>,
    pub dropped: Vec<Change>,
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
    // `+ 0.0` turns a negative zero (a target below the baseline) into zero.
    Some(at.progress() + 0.0)
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

/// `title (`id`)`, escaped for a table cell.
fn work_cell(work: &Work) -> String {
    format!("{} ({})", markdown_inline(&work.title), code_cell(&work.id))
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
                work_cell(&c.work),
                owner_cell(c.work.owner.as_deref(), mention),
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
                work_cell(&h.work),
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
                work_cell(&m.work),
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
            let kind = match q.status {
                Some(status) => format!("{} ({status})", q.work.kind.as_str()),
                None => q.work.kind.as_str().to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {kind} | {} | {} |",
                work_cell(&q.work),
                owner_cell(q.work.owner.as_deref(), mention),
                q.last_update
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::{Change as GitChange, ChangeKind, CommitChanges, CommitInfo};
    use std::collections::HashMap;

    const JAN_1: i64 = 1_767_225_600;
    const DAY: i64 = 86_400;

    fn day(text: &str) -> u64 {
        parse_date(text).unwrap()
    }

    fn initiative(status: &str, current: Option<u32>, checkin: &str) -> String {
        let current = current
            .map(|c| format!("current = {c}\n"))
            .unwrap_or_default();
        format!(
            "status = \"{status}\"\n{checkin}\n[[key_results]]\ntitle = \"p99\"\nunit = \"ms\"\n\
             baseline = 100\ntarget = 50\n{current}"
        )
    }

    /// `a` (initiative): added proposed on Jan 1, started with a check-in on Jan 5, checked in
    /// at risk on Jan 10, delivered on Jan 20; `b` (theme): added on Jan 1, never changed;
    /// `c` (initiative): added accepted on Jan 12.
    fn history() -> History {
        let checkin = |date: &str, health: &str, note: &str| {
            format!("[checkin]\ndate = {date}\nhealth = \"{health}\"\nnote = \"{note}\"\n")
        };
        let blobs: HashMap<&str, String> = HashMap::from([
            ("a1", initiative("proposed", None, "")),
            (
                "a2",
                initiative("active", Some(90), &checkin("2026-01-05", "on-track", "go")),
            ),
            (
                "a3",
                initiative(
                    "active",
                    Some(70),
                    &checkin("2026-01-10", "at-risk", "slow"),
                ),
            ),
            (
                "a4",
                initiative("done", Some(50), &checkin("2026-01-10", "at-risk", "slow")),
            ),
            ("b1", "title = \"b\"\n".to_owned()),
            ("c1", initiative("accepted", None, "")),
        ]);
        let commit = |id: &str, days: i64, changes: Vec<(&str, ChangeKind, &str)>| CommitChanges {
            commit: CommitInfo {
                commit: id.to_owned(),
                author: format!("author-{id}"),
                time: JAN_1 + days * DAY + 3600,
                summary: String::new(),
            },
            changes: changes
                .into_iter()
                .map(|(path, kind, blob)| GitChange {
                    path: path.to_owned(),
                    kind,
                    blob: Some(blob.to_owned()),
                })
                .collect(),
        };
        let commits = vec![
            commit("c5", 19, vec![("i/a.toml", ChangeKind::Modified, "a4")]),
            commit("c4", 11, vec![("i/c.toml", ChangeKind::Added, "c1")]),
            commit("c3", 9, vec![("i/a.toml", ChangeKind::Modified, "a3")]),
            commit("c2", 4, vec![("i/a.toml", ChangeKind::Modified, "a2")]),
            commit(
                "c1",
                0,
                vec![
                    ("i/a.toml", ChangeKind::Added, "a1"),
                    ("t/b.toml", ChangeKind::Added, "b1"),
                ],
            ),
        ];
        let steps = crate::history::steps(commits, |id| Ok(blobs[id].as_bytes().to_vec())).unwrap();
        crate::history::build(&steps)
    }

    fn subjects() -> Vec<Subject> {
        let subject = |kind, id: &str, file: &str, status| Subject {
            kind,
            id: id.to_owned(),
            title: format!("Title of {id}"),
            file: file.to_owned(),
            owner: Some("alice".to_owned()),
            status,
            key_results: vec![KeyResult {
                title: "p99".into(),
                unit: Some("ms".into()),
                measure: Measure::Numeric {
                    baseline: 100.0,
                    target: 50.0,
                    current: 50.0,
                },
            }],
        };
        vec![
            subject(Kind::Initiative, "a", "i/a.toml", Some(Status::Done)),
            subject(Kind::Theme, "b", "t/b.toml", None),
            subject(Kind::Initiative, "c", "i/c.toml", Some(Status::Accepted)),
            // Never committed: new, so neither added nor quiet.
            subject(Kind::Initiative, "d", "i/d.toml", Some(Status::Active)),
        ]
    }

    fn ids<T>(list: &[T], work: impl Fn(&T) -> &Work) -> Vec<&str> {
        list.iter().map(|x| work(x).id.as_str()).collect()
    }

    #[test]
    fn a_window_holds_what_its_commit_days_hold() {
        let d = digest(
            &subjects(),
            &history(),
            day("2026-01-05"),
            day("2026-01-15"),
        );
        assert_eq!(ids(&d.added, |c| &c.work), ["c"]);
        assert_eq!(d.added[0].to, Some(Status::Accepted));
        assert_eq!(ids(&d.started, |c| &c.work), ["a"]);
        assert_eq!(d.started[0].from, Some(Status::Proposed));
        assert_eq!(d.started[0].date, "2026-01-05");
        assert!(d.delivered.is_empty() && d.dropped.is_empty());
        let health: Vec<_> = d.health_changes.iter().map(|h| (h.from, h.to)).collect();
        assert_eq!(
            health,
            [
                (None, Some(Health::OnTrack)),
                (Some(Health::OnTrack), Some(Health::AtRisk))
            ]
        );
        // The value held when the window opened, to the last one in it.
        assert_eq!(d.key_results.len(), 1);
        let m = &d.key_results[0];
        assert_eq!((m.from, m.to), (100.0, 70.0));
        assert_eq!((m.progress_from, m.progress_to), (Some(0.0), Some(0.6)));
        let notes: Vec<_> = d
            .notes
            .iter()
            .map(|n| (n.date.as_str(), n.note.as_str()))
            .collect();
        assert_eq!(notes, [("2026-01-05", "go"), ("2026-01-10", "slow")]);
        assert_eq!(ids(&d.no_update, |q| &q.work), ["b"]);
        assert_eq!(d.no_update[0].last_update, "2026-01-01");
    }

    #[test]
    fn a_later_window_sees_delivery_and_the_work_left_alone() {
        let d = digest(
            &subjects(),
            &history(),
            day("2026-01-16"),
            day("2026-01-31"),
        );
        assert!(d.added.is_empty() && d.started.is_empty());
        assert_eq!(ids(&d.delivered, |c| &c.work), ["a"]);
        assert_eq!(d.delivered[0].author, "author-c5");
        // The check-in table did not change: no health change, no note.
        assert!(d.health_changes.is_empty() && d.notes.is_empty());
        assert_eq!((d.key_results[0].from, d.key_results[0].to), (70.0, 50.0));
        // `a` is done; `b` and `c` were open and untouched.
        assert_eq!(ids(&d.no_update, |q| &q.work), ["b", "c"]);
    }

    #[test]
    fn both_ends_of_the_window_are_included_and_status_is_read_at_its_end() {
        // One day: Jan 20 only.
        let d = digest(
            &subjects(),
            &history(),
            day("2026-01-20"),
            day("2026-01-20"),
        );
        assert_eq!(ids(&d.delivered, |c| &c.work), ["a"]);
        // Before anything: nothing existed, nothing is quiet.
        let d = digest(
            &subjects(),
            &history(),
            day("2025-12-01"),
            day("2025-12-31"),
        );
        assert!(d.added.is_empty() && d.no_update.is_empty() && d.key_results.is_empty());
        // Up to Jan 3, `a` was proposed: not open work that owes an update.
        let d = digest(
            &subjects(),
            &history(),
            day("2026-01-02"),
            day("2026-01-03"),
        );
        assert_eq!(ids(&d.no_update, |q| &q.work), ["b"]);
    }

    #[test]
    fn markdown_says_nothing_happened_in_each_empty_section_and_escapes_text() {
        let mut subjects = subjects();
        subjects[1].title = "<b>Pipes | and *stars*".into();
        let empty = digest(&subjects, &history(), day("2025-12-01"), day("2025-12-31"));
        let text = markdown(&empty, false);
        for line in [
            "No initiative was added.",
            "No initiative was delivered.",
            "No health changed.",
            "No key result moved.",
            "No check-in left a note.",
            "Every accepted and active initiative, and every theme, was updated.",
        ] {
            assert!(text.contains(line), "{line} missing from {text}");
        }
        let d = digest(&subjects, &history(), day("2026-01-16"), day("2026-01-31"));
        let text = markdown(&d, false);
        assert!(text.contains(r"\<b\>Pipes \| and \*stars\*"), "{text}");
        assert_eq!(text, markdown(&d, false));
    }
}
