//! `okr checkin`: a check-in written into the file in place, checked before it is written, and
//! with `--commit` committed alone; bad input changes nothing.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{
    START, TeamRepo, assert_exit, assert_stderr_has, commit, git_cli, git_repo, no_panic,
    run_within, snapshot_tree, stderr,
};

const FILE: &str = "initiatives/canary-deploys.toml";

/// The example repository with comments in the file that is checked in on.
fn repo() -> TeamRepo {
    let repo = TeamRepo::example();
    repo.replace(
        FILE,
        "status = \"proposed\"",
        "status = \"active\" # since March",
    );
    repo.replace(
        FILE,
        "[[key_results]]",
        "# Measured from the deploy log.\n[[key_results]]",
    );
    repo
}

/// The file as the example has it, after [`repo`]'s changes.
fn before(repo: &TeamRepo) -> String {
    repo.read(FILE)
}

#[test]
fn a_check_in_edits_the_file_in_place() {
    let repo = repo();
    let text = before(&repo);
    let output = repo.run(&[
        "checkin",
        "canary-deploys",
        "--kr",
        "Share of deploys behind a canary",
        "--current",
        "40",
        "--health",
        "at-risk",
        "-m",
        "Half the services are behind a canary.",
        "--date",
        "2026-03-02",
    ]);
    assert_exit(&output, 0);
    let expected = text
        .replace(
            "depends_on = [\"merge-queue\"]\n",
            "depends_on = [\"merge-queue\"]\n\n[checkin]\ndate = 2026-03-02\n\
             health = \"at-risk\"\nnote = \"Half the services are behind a canary.\"\n",
        )
        .replace("current = 0", "current = 40");
    assert_eq!(repo.read(FILE), expected);
    assert!(stderr(&output).contains("checked in `canary-deploys`"));

    // A later check-in, the key result by position: the table is updated where it is, the
    // health kept, the old note gone with the check-in it spoke of.
    let output = repo.run(&[
        "checkin",
        "canary-deploys",
        "--kr",
        "1",
        "--current",
        "62.5",
        "--date",
        "2026-03-09",
    ]);
    assert_exit(&output, 0);
    let later = expected
        .replace("date = 2026-03-02", "date = 2026-03-09")
        .replace("note = \"Half the services are behind a canary.\"\n", "")
        .replace("current = 40", "current = 62.5");
    assert_eq!(repo.read(FILE), later);
    repo.okr().arg("check").assert().success();
}

#[test]
fn a_theme_is_checked_in_on_too_and_the_note_is_not_asked_for_without_a_terminal() {
    let repo = TeamRepo::example();
    let file = "themes/boring-deploys.toml";
    let text = repo.read(file);
    // Standard input is an open pipe that nobody writes: asking would hang.
    let mut command = common::okr_std(repo.path());
    command
        .args(["checkin", "boring-deploys", "--health", "on-track"])
        .stdin(std::process::Stdio::piped());
    let output = run_within(command, Duration::from_secs(30));
    assert_exit(&output, 0);
    let today = repo_today();
    let expected = text.replacen(
        "\n\n[[key_results]]",
        &format!("\n\n[checkin]\ndate = {today}\nhealth = \"on-track\"\n\n[[key_results]]"),
        1,
    );
    assert_eq!(repo.read(file), expected);
}

/// Today (UTC) as `YYYY-MM-DD`, as okr dates a check-in without `--date`.
fn repo_today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    okr::period::format_date(days)
}

#[test]
fn a_change_that_would_fail_check_is_refused_and_nothing_is_written() {
    let repo = repo();
    let files = snapshot_tree(repo.path());
    // `done` on a key result measured in numbers makes it neither a milestone nor a measure.
    let output = repo.run(&["checkin", "canary-deploys", "--kr", "1", "--done"]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("error[bad-key-result]"), "{err}");
    assert!(err.contains("the check-in was not written"), "{err}");
    assert_eq!(snapshot_tree(repo.path()), files);
}

#[test]
fn bad_input_changes_nothing() {
    let repo = repo();
    let files = snapshot_tree(repo.path());
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["checkin", "canary-deploy", "-m", "x"],
            2,
            "did you mean `canary-deploys`?",
        ),
        (
            &[
                "checkin",
                "canary-deploys",
                "--kr",
                "Share of deploys behind canary",
                "--current",
                "1",
            ],
            2,
            "did you mean `Share of deploys behind a canary`?",
        ),
        (
            &["checkin", "canary-deploys", "--kr", "2", "--current", "1"],
            2,
            "there is no key result 2: the file has 1",
        ),
        (
            &[
                "checkin",
                "canary-deploys",
                "--kr",
                "1",
                "--current",
                "forty",
            ],
            2,
            "`forty` is not a number",
        ),
        (
            &["checkin", "canary-deploys", "--date", "2999-01-01"],
            2,
            "is in the future",
        ),
        (
            &["checkin", "canary-deploys", "--date", "02/03/2026"],
            2,
            "`02/03/2026` is not a date; write `YYYY-MM-DD`",
        ),
        (
            &["checkin", "canary-deploys", "--health", "fine"],
            2,
            "invalid value 'fine'",
        ),
        (&["checkin", "canary-deploys", "--current", "3"], 2, "--kr"),
        (&["checkin", "canary-deploys", "--kr", "1"], 2, "--current"),
        (
            &["checkin", "canary-deploys", "--commit", "-m", "x"],
            2,
            "is not in a git repository",
        ),
    ];
    for (args, code, said) in cases {
        let output = repo.okr().args(*args).output().unwrap();
        no_panic(&output);
        assert_exit(&output, *code);
        assert!(
            stderr(&output).contains(said),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(snapshot_tree(repo.path()), files, "{args:?} wrote");
    }
}

/// The paths a commit changed from its parent, as `git show --name-only` lists them.
fn changed(dir: &Path, rev: &str) -> String {
    git_cli(dir, &["show", "--name-only", "--format=", rev])
}

#[test]
fn commit_records_the_file_alone_and_leaves_the_rest_as_it_was() {
    let repo = repo();
    let git = git_repo(repo.path());
    commit(&git, "Test", START, "start");
    // Something staged, something changed and not staged, in other files.
    repo.replace(
        "initiatives/merge-queue.toml",
        "owner = \"dana\"",
        "owner = \"erin\"",
    );
    git_cli(repo.path(), &["add", "initiatives/merge-queue.toml"]);
    repo.replace(
        "initiatives/slo-alerts.toml",
        "owner = \"carol\"",
        "owner = \"bob\"",
    );
    let status_before = git_cli(repo.path(), &["status", "--porcelain"]);

    let output = repo.run(&[
        "checkin",
        "canary-deploys",
        "--kr",
        "1",
        "--current",
        "15",
        "-m",
        "First services moved.",
        "--date",
        "2026-02-01",
        "--commit",
    ]);
    assert_exit(&output, 0);
    assert_stderr_has(&output, "committed ");
    assert_eq!(
        git_cli(repo.path(), &["log", "-1", "--format=%s|%an|%ae|%cn"]),
        "checkin(canary-deploys): First services moved.|Test|test@example.com|Test"
    );
    assert_eq!(changed(repo.path(), "HEAD"), FILE);
    assert_eq!(
        git_cli(repo.path(), &["show", &format!("HEAD:{FILE}")]) + "\n",
        repo.read(FILE)
    );
    // The other staged change is still staged and not committed, the unstaged one unstaged,
    // and the checked-in file is clean.
    assert_eq!(
        git_cli(repo.path(), &["status", "--porcelain"]),
        status_before
    );
    assert_eq!(
        git_cli(repo.path(), &["diff", "--cached", "--name-only"]),
        "initiatives/merge-queue.toml"
    );

    // Without a note, the message is the id alone.
    repo.okr()
        .args([
            "checkin",
            "canary-deploys",
            "--date",
            "2026-02-08",
            "--commit",
            "--no-input",
        ])
        .assert()
        .success();
    assert_eq!(
        git_cli(repo.path(), &["log", "-1", "--format=%s"]),
        "checkin(canary-deploys)"
    );
    assert_eq!(changed(repo.path(), "HEAD"), FILE);
}

#[test]
fn commit_refuses_a_file_staged_with_other_changes() {
    let repo = repo();
    let git = git_repo(repo.path());
    commit(&git, "Test", START, "start");
    repo.replace(FILE, "owner = \"frank\"", "owner = \"grace\"");
    git_cli(repo.path(), &["add", FILE]);
    let head = git_cli(repo.path(), &["rev-parse", "HEAD"]);
    let files = snapshot_tree(repo.path());
    let output = repo.run(&["checkin", "canary-deploys", "-m", "x", "--commit"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "has staged changes of its own");
    assert_eq!(snapshot_tree(repo.path()), files);
    assert_eq!(git_cli(repo.path(), &["rev-parse", "HEAD"]), head);

    // Unstaged, the owner change is still not the check-in's to commit: refused as well.
    git_cli(repo.path(), &["restore", "--staged", FILE]);
    let files = snapshot_tree(repo.path());
    let output = repo
        .okr()
        .args(["checkin", "canary-deploys", "-m", "x", "--commit"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("has changes that are not committed"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot_tree(repo.path()), files);
    assert_eq!(git_cli(repo.path(), &["rev-parse", "HEAD"]), head);

    // The file as HEAD has it: the check-in goes through, and the commit holds the check-in
    // alone.
    git_cli(repo.path(), &["checkout", "--", FILE]);
    repo.okr()
        .args(["checkin", "canary-deploys", "-m", "x", "--commit"])
        .assert()
        .success();
    assert_eq!(changed(repo.path(), "HEAD"), FILE);
    let diff = git_cli(repo.path(), &["show", "--format=", "HEAD"]);
    assert!(!diff.contains("grace"), "{diff}");
}

#[test]
fn a_file_not_committed_yet_is_not_committed_as_a_check_in() {
    let repo = repo();
    let git = git_repo(repo.path());
    commit(&git, "Test", START, "start");
    // A new initiative, never committed: `--commit` would commit all of it as a check-in.
    let text = repo
        .read("initiatives/merge-queue.toml")
        .replace("merge-queue", "queue-for-merges");
    repo.write("initiatives/new-one.toml", text);
    let files = snapshot_tree(repo.path());
    let output = repo
        .okr()
        .args(["checkin", "new-one", "-m", "x", "--commit"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("is not committed yet"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot_tree(repo.path()), files);
}

#[test]
fn a_notes_control_characters_lines_and_length_stay_out_of_the_commit_subject() {
    let repo = repo();
    let git = git_repo(repo.path());
    commit(&git, "Test", START, "start");
    let cases: [(String, &str); 3] = [
        (
            "Lag \u{1b}[31mfixed\u{1b}[0m\u{7} \u{1b}]0;pwned\u{7}".to_owned(),
            "checkin(canary-deploys): Lag [31mfixed[0m ]0;pwned",
        ),
        (
            "First line.\nSecond line.\n\nFourth.".to_owned(),
            "checkin(canary-deploys): First line.",
        ),
        ("a".repeat(10_000), "checkin(canary-deploys): aaaa"),
    ];
    for (note, subject) in &cases {
        let output = repo
            .okr()
            .args(["checkin", "canary-deploys", "--commit", "-m", note])
            .output()
            .unwrap();
        no_panic(&output);
        assert_exit(&output, 0);
        let message = git_cli(repo.path(), &["log", "-1", "--format=%B"]);
        assert!(
            !message.chars().any(|c| c.is_control() && c != '\n'),
            "{message:?}"
        );
        let first = message.lines().next().unwrap();
        assert!(first.starts_with(subject), "{first:?}");
        assert!(first.chars().count() <= 72, "{first:?}");
        // The note itself is kept whole in the file (TOML escapes it) and in the body.
        assert!(message.contains("Fourth.") || !note.contains("Fourth."));
        assert!(message.contains(&"a".repeat(10_000)) || !note.starts_with("aaa"));
        // stderr speaks of the commit on one line, without the escapes.
        assert!(!stderr(&output).contains('\u{1b}'), "{}", stderr(&output));
    }
}

#[test]
fn a_read_only_file_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let repo = repo();
    let file = repo.file(FILE);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let files = snapshot_tree(repo.path());
    let output = repo
        .okr()
        .args(["checkin", "canary-deploys", "-m", "x"])
        .output()
        .unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("is read-only") && stderr(&output).contains("chmod u+w"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot_tree(repo.path()), files);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o444
    );
}
