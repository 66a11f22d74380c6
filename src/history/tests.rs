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
    let steps = steps(commits, |id| Ok(blobs[id].as_bytes().to_vec())).unwrap();
    let history = build(&steps);
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
fn a_checkin_is_a_commit_that_changes_the_checkin_table() {
    let file = |current: u32, done: bool, checkin: &str| {
        format!(
            "title = \"t\"\n{checkin}\n[[key_results]]\ntitle = \"p99\"\nunit = \"ms\"\n\
             baseline = 1\ntarget = 9\ncurrent = {current}\n\n[[key_results]]\n\
             title = \"ship\"\ndone = {done}\n"
        )
    };
    let first = "[checkin]\ndate = 2026-01-05\nhealth = \"on-track\"\nnote = \"started\"";
    let second = "[checkin]\ndate = 2026-01-19\nhealth = \"at-risk\"\nnote = \"lag\"";
    let blobs: HashMap<&str, String> = HashMap::from([
        ("b1", file(1, false, "")),
        ("b2", file(3, false, first)),
        ("b3", file(5, false, first)),
        ("b4", file(5, false, first)),
        ("b5", file(7, true, second)),
        (
            "b6",
            file(7, true, "[checkin]\ndate = 2026-01-19\nhealth = \"bad\""),
        ),
    ]);
    // Newest first: c6 spoils the health, c5 checks in with new values, c4 renames, c3
    // moves a value without a check-in, c2 is the first check-in, c1 adds the file.
    let commits = vec![
        commit(
            "c6",
            600,
            vec![change("i/q/a.toml", ChangeKind::Modified, Some("b6"))],
        ),
        commit(
            "c5",
            500,
            vec![change("i/q/a.toml", ChangeKind::Modified, Some("b5"))],
        ),
        commit(
            "c4",
            400,
            vec![change(
                "i/q/a.toml",
                ChangeKind::Renamed("i/a.toml".into()),
                Some("b4"),
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
            vec![change("i/a.toml", ChangeKind::Added, Some("b1"))],
        ),
    ];
    let steps = steps(commits, |id| Ok(blobs[id].as_bytes().to_vec())).unwrap();
    let history = build(&steps);
    let checkins = &history.files["i/q/a.toml"].checkins;
    let summary: Vec<_> = checkins
        .iter()
        .map(|c| {
            (
                c.commit.as_str(),
                c.date.as_deref(),
                c.health,
                c.note.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "c2",
                Some("2026-01-05"),
                Some(Health::OnTrack),
                Some("started")
            ),
            ("c5", Some("2026-01-19"), Some(Health::AtRisk), Some("lag")),
            ("c6", Some("2026-01-19"), None, None),
        ]
    );
    assert_eq!(checkins[0].author, "author-c2");
    assert_eq!(
        checkins[0].values,
        [ValueChange {
            title: "p99".into(),
            unit: Some("ms".into()),
            from: Some(Value::Number(1.0)),
            to: Value::Number(3.0),
        }]
    );
    assert_eq!(
        checkins[1].values,
        [
            ValueChange {
                title: "p99".into(),
                unit: Some("ms".into()),
                from: Some(Value::Number(5.0)),
                to: Value::Number(7.0),
            },
            ValueChange {
                title: "ship".into(),
                unit: None,
                from: Some(Value::Done(false)),
                to: Value::Done(true),
            },
        ]
    );
    assert!(checkins[2].values.is_empty());
    // The milestone is no point of a series.
    let series = &history.files["i/q/a.toml"].key_results;
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].values.len(), 4);
}

#[test]
fn a_file_created_with_a_checkin_starts_with_one() {
    let blobs = HashMap::from([(
        "b1",
        "[checkin]\ndate = 2026-02-01\n\n[[key_results]]\ntitle = \"k\"\nbaseline = 2\n",
    )]);
    let commits = vec![commit(
        "c1",
        100,
        vec![change("t/a.toml", ChangeKind::Added, Some("b1"))],
    )];
    let steps = steps(commits, |id| Ok(blobs[id].as_bytes().to_vec())).unwrap();
    let checkins = &build(&steps).files["t/a.toml"].checkins;
    assert_eq!(checkins.len(), 1);
    assert_eq!(checkins[0].date.as_deref(), Some("2026-02-01"));
    assert_eq!(checkins[0].health, None);
    assert_eq!(checkins[0].values[0].from, None);
    assert_eq!(checkins[0].values[0].to, Value::Number(2.0));
}

#[test]
fn status_changes_and_commit_times_are_kept_per_file() {
    let blobs = HashMap::from([
        ("b1", "status = \"proposed\"\n"),
        ("b2", "status = \"active\"\n"),
        ("b3", "status = \"active\"\ntitle = \"t\"\n"),
        ("b4", "status = \"finished\"\n"),
        ("b5", "status = \"done\"\n"),
    ]);
    let commits = vec![
        commit(
            "c5",
            500,
            vec![change("i/a.toml", ChangeKind::Modified, Some("b5"))],
        ),
        commit(
            "c4",
            400,
            vec![change("i/a.toml", ChangeKind::Modified, Some("b4"))],
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
            vec![change("i/a.toml", ChangeKind::Added, Some("b1"))],
        ),
    ];
    let steps = steps(commits, |id| Ok(blobs[id].as_bytes().to_vec())).unwrap();
    let file = &build(&steps).files["i/a.toml"];
    let changes: Vec<_> = file
        .statuses
        .iter()
        .map(|c| (c.from, c.to, c.event.commit.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            (None, Status::Proposed, "c1"),
            (Some(Status::Proposed), Status::Active, "c2"),
            // A status that is not known is no change, and the one after it is new.
            (None, Status::Done, "c5"),
        ]
    );
    assert_eq!(file.times, [100, 200, 300, 400, 500]);
}

#[test]
fn a_checkin_table_reads_leniently() {
    let read = |text: &str| read_file(text.as_bytes()).checkin;
    assert_eq!(read("title = \"t\"\n"), None);
    assert_eq!(read("[checkin\n"), None);
    assert_eq!(
        read("[checkin]\ndate = \"2026-01-01\"\nhealth = \"off-track\"\n"),
        Some(CheckinState {
            date: None,
            health: Some(Health::OffTrack),
            note: None,
        })
    );
    assert_eq!(
        read("[checkin]\ndate = 2026-01-01T10:00:00Z\nnote = \"n\"\n").and_then(|c| c.date),
        Some("2026-01-01".to_owned())
    );
}

#[test]
fn dates_are_utc_days() {
    assert_eq!(date(0), "1970-01-01");
    assert_eq!(date(1_767_225_600), "2026-01-01");
}

#[test]
fn a_close_is_the_commit_that_adds_a_period_record() {
    let q1 =
        "[[closed]]\nperiod = \"2026-Q1\"\ngrade = 0.6\noutcome = \"partial\"\nlearned = \"\"\n";
    let q1_learned = q1.replace("learned = \"\"", "learned = \"x\"");
    let q2 = "[[closed]]\nperiod = \"2026-Q2\"\ngrade = 1\noutcome = \"achieved\"\n";
    let blobs: HashMap<&str, String> = HashMap::from([
        ("b1", "title = \"t\"\n".to_owned()),
        ("b2", format!("title = \"t\"\n{q1}")),
        ("b3", format!("title = \"t\"\n{q1_learned}")),
        ("b4", format!("title = \"t\"\n{q1_learned}{q2}")),
        (
            "b5",
            "[[closed]]\nperiod = \"2026-Q3\"\noutcome = \"lost\"\n".to_owned(),
        ),
    ]);
    let file = |blob: &'static str, id: &str, time: i64, kind: ChangeKind| {
        commit(id, time, vec![change("i/a.toml", kind, Some(blob))])
    };
    let commits = vec![
        file("b4", "c4", 400, ChangeKind::Modified),
        file("b3", "c3", 300, ChangeKind::Modified),
        file("b2", "c2", 200, ChangeKind::Modified),
        file("b1", "c1", 100, ChangeKind::Added),
    ];
    let walked = steps(commits, |id| Ok(blobs[id].as_bytes().to_vec())).unwrap();
    let history = build(&walked);
    let closes: Vec<_> = history.files["i/a.toml"]
        .closes
        .iter()
        .map(|c| {
            (
                c.period.as_str(),
                c.grade,
                c.outcome,
                c.event.commit.as_str(),
            )
        })
        .collect();
    // Writing the lesson (c3) is no new close.
    assert_eq!(
        closes,
        [
            ("2026-Q1", Some(0.6), Some(Outcome::Partial), "c2"),
            ("2026-Q2", Some(1.0), Some(Outcome::Achieved), "c4"),
        ]
    );
    // A file created with a record holds a close from its first commit; an unknown outcome
    // is read as none.
    let walked = steps(vec![file("b5", "c1", 100, ChangeKind::Added)], |id| {
        Ok(blobs[id].as_bytes().to_vec())
    })
    .unwrap();
    let close = &build(&walked).files["i/a.toml"].closes[0];
    assert_eq!((close.period.as_str(), close.outcome), ("2026-Q3", None));
}
