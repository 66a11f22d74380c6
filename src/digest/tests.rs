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
