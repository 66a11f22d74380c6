//! `okr close`: a repository through two periods (plan, check-in, close with carry, the next
//! period, close again); the close is idempotent, all files or none, and bad input changes
//! nothing.

mod common;

use common::{TeamRepo, assert_exit, assert_stderr_has, no_panic, snapshot_tree, stdout};

/// The example team (period 2026-Q1), with the merge queue's check-in moving a key result.
fn planned() -> TeamRepo {
    let repo = TeamRepo::example();
    repo.replace(
        "initiatives/merge-queue.toml",
        "period = \"2026-Q1\"",
        "period = \"2026-Q1\" # planned in January\n\n[[key_results]]\ntitle = \"Red builds on \
         main per week\"\nbaseline = 2\ntarget = 0\ncurrent = 2",
    );
    let output = repo.run(&[
        "checkin",
        "merge-queue",
        "--kr",
        "1",
        "--current",
        "1",
        "-m",
        "Half the repos queue.",
        "--date",
        "2026-03-20",
    ]);
    assert_exit(&output, 0);
    repo
}

/// The table's rows with single spaces between cells, whatever the column widths.
fn rows(output: &std::process::Output) -> Vec<String> {
    stdout(output)
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Whether `output`'s table has the row `row` (cells one space apart).
#[track_caller]
fn assert_row(output: &std::process::Output, row: &str) {
    let rows = rows(output);
    assert!(rows.iter().any(|r| r == row), "{row}\n{rows:#?}");
}

const RECORD_Q1: &str =
    "\n[[closed]]\nperiod = \"2026-Q1\"\ngrade = 0.5\noutcome = \"partial\"\nlearned = \"\"\n";

#[test]
fn a_team_closes_two_periods_carrying_work_over() {
    let repo = planned();
    let output = repo.run(&[
        "close",
        "2026-Q1",
        "--to",
        "2026-Q2",
        "--carry",
        "merge-queue",
        "--carry",
        "upgrade-postgres",
    ]);
    assert_exit(&output, 0);
    // Graded by hand: red builds 2 → 1 of a way to 0 is 0.5; the data objective's latency
    // (120 → 90 of the way to 50) is 0.4 and its milestone 0, so 0.2; slo-alerts is done with
    // no key results, 1.0; feature-flags was dropped: no grade.
    for row in [
        "objective (committed) data-we-trust 0.2 missed alice",
        "objective (aspirational) see-it-first 0.5 partial erin",
        "initiative merge-queue 0.5 partial carried dana",
        "initiative upgrade-postgres 0.4 partial carried alice",
        "initiative canary-deploys 0.0 missed dropped frank",
        "initiative slo-alerts 1.0 achieved carol",
        "initiative feature-flags - dropped dana",
        "`data-we-trust` is committed and graded 0.2: a postmortem is due",
        "`see-it-first` is aspirational and graded 0.5, below 0.7",
    ] {
        assert_row(&output, row);
    }
    assert_stderr_has(&output, "git tag okr/2026-Q1 <the merge commit>");

    // The carried file keeps its comment, moves to the next period and holds the record.
    let queue = repo.read("initiatives/merge-queue.toml");
    assert!(
        queue.contains("period = \"2026-Q2\" # planned in January\n"),
        "{queue}"
    );
    assert!(queue.ends_with(RECORD_Q1), "{queue}");
    // Work not carried is dropped, with the grade it reached.
    let canary = repo.read("initiatives/canary-deploys.toml");
    assert!(canary.contains("status = \"dropped\"\n"), "{canary}");
    assert!(canary.contains("period = \"2026-Q1\"\ngrade = 0.0\noutcome = \"missed\""));
    let dropped = repo.read("initiatives/feature-flags.toml");
    assert!(
        dropped
            .ends_with("[[closed]]\nperiod = \"2026-Q1\"\noutcome = \"dropped\"\nlearned = \"\"\n"),
        "{dropped}"
    );
    assert!(repo.read("okr.toml").contains("period = \"2026-Q2\"\n"));
    // The close passes `okr check`: only the empty lessons are warned about.
    let check = repo.run(&["check", "--format", "json"]);
    assert_exit(&check, 0);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] == "unlearned"),
        "{report}"
    );

    // The owner writes the lesson; the next period delivers the queue, and closes.
    repo.replace(
        "initiatives/merge-queue.toml",
        "learned = \"\"",
        "learned = \"Queue the busiest repos first.\"",
    );
    repo.replace(
        "initiatives/merge-queue.toml",
        "status = \"proposed\"",
        "status = \"done\"",
    );
    repo.replace("initiatives/merge-queue.toml", "current = 1", "current = 0");
    let output = repo.run(&["close", "2026-Q2", "--to", "2026-Q3"]);
    assert_exit(&output, 0);
    assert_row(&output, "initiative merge-queue 1.0 achieved dana");
    let queue = repo.read("initiatives/merge-queue.toml");
    assert!(
        queue.ends_with(
            "learned = \"Queue the busiest repos first.\"\n\n[[closed]]\nperiod = \"2026-Q2\"\n\
             grade = 1.0\noutcome = \"achieved\"\nlearned = \"\"\n"
        ),
        "{queue}"
    );
    // Done work stays in its period; open work moves on again.
    assert!(
        queue.contains("period = \"2026-Q2\" # planned in January\n"),
        "{queue}"
    );
    let postgres = repo.read("initiatives/2026-Q1/upgrade-postgres.toml");
    assert!(postgres.contains("period = \"2026-Q3\""), "{postgres}");
    assert_eq!(postgres.matches("[[closed]]").count(), 2, "{postgres}");
    // Work closed in Q1 is not graded again.
    assert_eq!(repo.read("initiatives/canary-deploys.toml"), canary);
    assert_eq!(repo.read("initiatives/feature-flags.toml"), dropped);
}

#[test]
fn a_second_close_changes_nothing_and_says_so() {
    let repo = planned();
    let args = [
        "close",
        "2026-Q1",
        "--to",
        "2026-Q2",
        "--carry",
        "merge-queue",
    ];
    assert_exit(&repo.run(&args), 0);
    let before = snapshot_tree(repo.path());
    let again = repo.run(&args);
    assert_exit(&again, 0);
    assert_stderr_has(
        &again,
        "nothing to change: `2026-Q1` is already closed into `2026-Q2`",
    );
    // The grades are shown as recorded.
    assert_row(&again, "initiative merge-queue 0.5 partial carried dana");
    assert_eq!(snapshot_tree(repo.path()), before);
    // Without `--to`, the same.
    let plain = repo.run(&["close", "2026-Q1"]);
    assert_exit(&plain, 0);
    assert_eq!(snapshot_tree(repo.path()), before);
}

#[test]
fn a_dry_run_prints_the_grades_and_writes_nothing() {
    let repo = planned();
    let before = snapshot_tree(repo.path());
    let output = repo.run(&["close", "2026-Q1", "--to", "2026-Q2", "--dry-run"]);
    assert_exit(&output, 0);
    assert_row(&output, "initiative merge-queue 0.5 partial carried dana");
    assert_stderr_has(&output, "dry run: would change 13 files: ");
    assert_eq!(snapshot_tree(repo.path()), before);
}

#[cfg(unix)]
#[test]
fn a_read_only_file_leaves_every_file_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let repo = planned();
    let file = repo.file("themes/see-it-first.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = snapshot_tree(repo.path());
    let output = repo.run(&["close", "2026-Q1", "--to", "2026-Q2"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "themes/see-it-first.toml` is read-only");
    no_panic(&output);
    assert_eq!(snapshot_tree(repo.path()), before);
    // No temporary file is left beside any of them.
    for dir in ["initiatives", "themes", "."] {
        for entry in std::fs::read_dir(repo.file(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(!name.starts_with(".okr"), "{name}");
        }
    }
}

#[test]
fn bad_input_is_refused_with_what_to_do_and_nothing_written() {
    let cases: &[(&[&str], i32, &str)] = &[
        (&["close", "2026-Q5"], 2, "`2026-Q5` is not a period"),
        (&["close", "2026-q1"], 2, "did you mean `2026-Q1`?"),
        (&["close", "2025-Q3"], 2, "nothing is planned in `2025-Q3`"),
        (
            &["close", "2025-Q3"],
            2,
            "periods with planned work: `2025-Q2`, `2026-Q1`",
        ),
        (
            &["close", "2026-Q1", "--to", "2025-Q4"],
            2,
            "`--to 2025-Q4` does not come after `2026-Q1`",
        ),
        (
            &["close", "2026-Q1", "--to", "2026-Q1"],
            2,
            "e.g. `--to 2026-Q2`",
        ),
        (
            &["close", "2026-Q1", "--to", "Q2"],
            2,
            "`--to Q2` is not a period",
        ),
        (
            &[
                "close",
                "2026-Q1",
                "--to",
                "2026-Q2",
                "--carry",
                "merge-queu",
            ],
            2,
            "did you mean `merge-queue`?",
        ),
        (
            &[
                "close",
                "2026-Q1",
                "--to",
                "2026-Q2",
                "--carry",
                "feature-flags",
            ],
            2,
            "the initiative is dropped, so there is nothing to carry",
        ),
        (&["close", "2026-Q1", "--carry", "merge-queue"], 2, "--to"),
        (
            &["close", "2025-Q2", "--to", "2025-Q4"],
            2,
            "`--to 2025-Q4` is before the team's period `2026-Q1`",
        ),
    ];
    let repo = planned();
    // Work of a period before the team's, to close into one that is over too.
    repo.replace(
        "initiatives/rotate-secrets.toml",
        "confidence",
        "period = \"2025-Q2\"\nconfidence",
    );
    let before = snapshot_tree(repo.path());
    for (args, code, message) in cases {
        let output = repo.run(args);
        assert_exit(&output, *code);
        assert_stderr_has(&output, message);
        no_panic(&output);
        assert_eq!(snapshot_tree(repo.path()), before, "{args:?}");
    }
}

#[test]
fn a_repository_with_error_findings_is_not_closed() {
    let repo = planned();
    repo.replace(
        "initiatives/merge-queue.toml",
        "impact = \"high\"",
        "impact = \"hgh\"",
    );
    let before = snapshot_tree(repo.path());
    let output = repo.run(&["close", "2026-Q1", "--to", "2026-Q2"]);
    assert_exit(&output, 1);
    assert_stderr_has(&output, "unknown-level");
    assert_stderr_has(&output, "must be fixed before this command can run");
    assert_eq!(snapshot_tree(repo.path()), before);
}

#[test]
fn an_empty_lesson_is_a_warning_once_the_period_is_over() {
    let repo = planned();
    assert_exit(&repo.run(&["close", "2026-Q1"]), 0);
    let unlearned = |day: &str| {
        let output = repo.run(&["check", "--format", "json", "--as-of", day]);
        assert_exit(&output, 0);
        common::findings_json(&output)
            .iter()
            .filter(|f| f["rule"] == "unlearned")
            .count()
    };
    // Closed early, on the period's last day: nothing is over yet.
    assert_eq!(unlearned("2026-03-31"), 0);
    // 3 objectives and 9 initiatives were graded; the dropped one has no lesson to write.
    assert_eq!(unlearned("2026-04-01"), 11);
    repo.replace("okr.toml", "[rules]", "[rules]\nunlearned = \"off\"");
    assert_eq!(unlearned("2026-04-01"), 0);
}
