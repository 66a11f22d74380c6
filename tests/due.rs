//! `okr due`: who owes a check-in, from `[checkin].date` and each file's last commit, in a git
//! repository built with fixed dates and read `--as-of` a fixed day; and the team workflow's
//! weekly issue (`.github/okr-ci.sh due` and `issue`) with a stand-in `gh`.

mod common;

use std::path::Path;

use common::{
    DAY, START, TeamRepo, assert_exit, assert_stderr_has, commit, git_cli, git_repo,
    reliability_team, stderr, stdout,
};

fn initiative(owner: &str, status: &str, checkin: Option<(&str, &str)>) -> String {
    let mut text = format!(
        "title = \"Work of {owner}\"\nproblem = \"P.\"\nowner = \"{owner}\"\ntags = [\"reliability\"]\nimpact = \"high\"\ncost = \"m\"\nstatus = \"{status}\"\n"
    );
    if let Some((date, health)) = checkin {
        text.push_str(&format!(
            "\n[checkin]\ndate = {date}\nhealth = \"{health}\"\nnote = \"Waiting on the vendor.\"\n"
        ));
    }
    text
}

/// A team repository with a history (2026-01-05 is `START`):
/// - `upgrade-db` (alice, active): checked in 2026-01-10, edited 2026-01-25;
/// - `flaky-tests` (alice, accepted): no check-in, committed 2026-01-05;
/// - `reliability` (theme, dana): committed 2026-01-05, with a check-in dated 2026-02-01;
/// - `q1/moved` (carol, active): moved into `q1/` on 2026-02-14;
/// - `new-cache` (bob, active): checked in 2026-02-20, committed 2026-01-05;
/// - `old-idea` (proposed) and `shipped` (done): owe no check-ins.
fn repository() -> TeamRepo {
    let repo = reliability_team("\n[checkin]\ndate = 2026-02-01\nhealth = \"off-track\"\n");
    repo.write(
        "initiatives/upgrade-db.toml",
        initiative("alice", "active", Some(("2026-01-10", "at-risk"))),
    );
    repo.write(
        "initiatives/flaky-tests.toml",
        initiative("alice", "accepted", None),
    );
    repo.write(
        "initiatives/moved.toml",
        initiative("carol", "active", None),
    );
    repo.write(
        "initiatives/new-cache.toml",
        initiative("bob", "active", Some(("2026-02-20", "on-track"))),
    );
    repo.write(
        "initiatives/old-idea.toml",
        initiative("erin", "proposed", None),
    );
    repo.write("initiatives/shipped.toml", initiative("erin", "done", None));
    let git = git_repo(repo.path());
    commit(&git, "Alice", START, "Start");
    repo.replace(
        "initiatives/upgrade-db.toml",
        "P.",
        "The old version leaves support.",
    );
    commit(&git, "Alice", START + 20 * DAY, "Say why");
    std::fs::create_dir_all(repo.file("initiatives/q1")).unwrap();
    std::fs::rename(
        repo.file("initiatives/moved.toml"),
        repo.file("initiatives/q1/moved.toml"),
    )
    .unwrap();
    commit(&git, "Carol", START + 40 * DAY, "File under Q1");
    repo
}

fn due(repo: &TeamRepo, args: &[&str]) -> std::process::Output {
    repo.okr()
        .arg("due")
        .args(["--as-of", "2026-03-01"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn due_lists_overdue_work_by_owner_from_checkins_and_commits() {
    let repo = repository();
    let output = due(&repo, &["--format", "json"]);
    assert_exit(&output, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    insta::assert_json_snapshot!("due_json", json);
    // The later of the check-in date and the last commit; renames followed; by owner.
    let rows: Vec<(String, String, String, u64, u64)> = json["owners"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| {
            o["items"].as_array().unwrap().iter().map(move |i| {
                (
                    o["owner"].as_str().unwrap().to_owned(),
                    i["id"].as_str().unwrap().to_owned(),
                    i["last"].as_str().unwrap().to_owned(),
                    i["days_since"].as_u64().unwrap(),
                    i["missed"].as_u64().unwrap(),
                )
            })
        })
        .collect();
    let rows: Vec<(&str, &str, &str, u64, u64)> = rows
        .iter()
        .map(|(o, i, l, d, m)| (o.as_str(), i.as_str(), l.as_str(), *d, *m))
        .collect();
    assert_eq!(
        rows,
        [
            ("alice", "flaky-tests", "2026-01-05", 55, 3),
            ("alice", "upgrade-db", "2026-01-25", 35, 2),
            ("carol", "moved", "2026-02-14", 15, 1),
            ("dana", "reliability", "2026-02-01", 28, 2),
        ]
    );

    let output = due(&repo, &["--format", "markdown"]);
    assert_exit(&output, 0);
    insta::assert_snapshot!("due_markdown", stdout(&output));

    let output = due(&repo, &[]);
    assert_exit(&output, 0);
    insta::assert_snapshot!("due_table", stdout(&output));

    // A second run reads the cached walk and says the same.
    let again = due(&repo, &[]);
    assert_eq!(stdout(&again), stdout(&output));
}

#[test]
fn a_recent_checkin_or_a_longer_interval_leaves_nothing_due() {
    let repo = repository();
    // On 2026-01-19 the oldest work was exactly 14 days old: due that day, not yet overdue; a
    // commit after the day asked about counts as that day.
    let output = repo.run(&["due", "--as-of", "2026-01-19", "--format", "markdown"]);
    assert_exit(&output, 0);
    let body = stdout(&output);
    assert!(body.starts_with("<!-- okr-due -->\n"), "{body}");
    assert!(body.lines().any(|l| l == "Nothing is due."), "{body}");

    repo.replace("okr.toml", "[rules]\n", "[rules]\ncheckin_days = 60\n");
    let output = due(&repo, &[]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).starts_with("Nothing is due."),
        "{}",
        stdout(&output)
    );
    let output = due(&repo, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["count"], 0);
    assert_eq!(json["checkin_days"], 60);
}

#[test]
fn a_bad_as_of_date_is_a_usage_error() {
    let repo = repository();
    let output = repo.run(&["due", "--as-of", "2026-02-30"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "is not a date");
}

#[test]
fn without_history_due_stops_only_when_it_needs_the_commits() {
    // Outside git: the check-in dates settle it, or it says why it cannot.
    let repo = TeamRepo::empty();
    repo.write(
        "initiatives/a.toml",
        initiative("alice", "active", Some(("2026-02-25", "on-track"))),
    );
    let output = due(&repo, &[]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).starts_with("Nothing is due."),
        "{}",
        stdout(&output)
    );
    repo.write("initiatives/b.toml", initiative("bob", "active", None));
    let output = due(&repo, &[]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("`okr due` needs the last commit"), "{err}");
    assert!(err.contains("not in a git repository"), "{err}");

    // A shallow clone: the same.
    let origin = repository();
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_cli(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = clones.path().join("shallow");
    let output = common::okr(&shallow)
        .args(["due", "--as-of", "2026-03-01"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("shallow clone"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
    // Every file with a recent check-in: no history needed, the clone's depth does not matter.
    for file in [
        "initiatives/upgrade-db.toml",
        "initiatives/flaky-tests.toml",
        "initiatives/q1/moved.toml",
    ] {
        std::fs::write(
            shallow.join(file),
            initiative("alice", "active", Some(("2026-02-27", "on-track"))),
        )
        .unwrap();
    }
    std::fs::write(
        shallow.join("themes/reliability.toml"),
        "title = \"Nothing pages at night\"\nowner = \"dana\"\ntags = [\"reliability\"]\n\n[checkin]\ndate = 2026-02-27\n",
    )
    .unwrap();
    let output = common::okr(&shallow)
        .args(["due", "--as-of", "2026-03-01"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    assert!(
        stdout(&output).starts_with("Nothing is due."),
        "{}",
        stdout(&output)
    );
}

/// Runs `.github/okr-ci.sh` in `dir` with this build of okr and a stand-in `gh` that answers
/// the listing of issues with `found` and records every call in `log`.
fn okr_ci(dir: &Path, bin: &Path, log: &Path, found: &str, args: &[&str]) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/okr-ci.sh");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    std::process::Command::new("bash")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .env("OKR", assert_cmd::cargo::cargo_bin("okr"))
        .env("PATH", path)
        .env("FAKE_GH_FOUND", found)
        .env("FAKE_GH_LOG", log)
        .env("GITHUB_REPOSITORY", "team/okrs")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("RUST_BACKTRACE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

#[test]
#[cfg(unix)]
fn the_weekly_job_opens_updates_reopens_and_closes_one_issue() {
    use std::os::unix::fs::PermissionsExt;

    let repo = repository();
    let tools = tempfile::tempdir().unwrap();
    let gh = tools.path().join("gh");
    std::fs::write(
        &gh,
        "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >>\"$FAKE_GH_LOG\"\nif [[ \" $* \" == *\" --paginate \"* ]]; then printf '%s' \"$FAKE_GH_FOUND\"; fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = tools.path().join("gh.log");
    let body = tools.path().join("due.md");
    let body_arg = body.display().to_string();

    // The body: `okr due --format markdown` as it is today (the test's files are long overdue).
    let output = okr_ci(repo.path(), tools.path(), &log, "", &["due", &body_arg]);
    assert_exit(&output, 0);
    let text = std::fs::read_to_string(&body).unwrap();
    assert!(
        text.starts_with("<!-- okr-due -->\n## Check-ins due\n"),
        "{text}"
    );
    assert!(text.contains("### @alice"), "{text}");

    let listing =
        "api --paginate repos/team/okrs/issues?state=all&sort=created&direction=desc --jq";
    let cases = [
        // Nothing found: a new issue.
        (
            "",
            format!(
                "api --method POST repos/team/okrs/issues -f title=okr: check-ins due -F body=@{body_arg}"
            ),
        ),
        // Found closed (the newest first): reopened with the new body.
        (
            "12 closed\n8 open",
            format!(
                "api --method PATCH repos/team/okrs/issues/12 -F body=@{body_arg} -f state=open"
            ),
        ),
        (
            "12 open",
            format!(
                "api --method PATCH repos/team/okrs/issues/12 -F body=@{body_arg} -f state=open"
            ),
        ),
    ];
    for (found, call) in &cases {
        let _ = std::fs::remove_file(&log);
        let output = okr_ci(
            repo.path(),
            tools.path(),
            &log,
            found,
            &["issue", &body_arg],
        );
        assert_exit(&output, 0);
        let calls = std::fs::read_to_string(&log).unwrap();
        let calls: Vec<&str> = calls.lines().collect();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert!(calls[0].starts_with(listing), "{calls:?}");
        assert!(
            calls[0].contains("startswith(\"<!-- okr-due -->\")"),
            "{calls:?}"
        );
        assert_eq!(calls[1], call, "found {found:?}");
    }

    // Nothing due (on a day when all was young): the open issue is closed, and with none open
    // nothing is called.
    let output = repo.run(&["due", "--as-of", "2026-01-19", "--format", "markdown"]);
    assert_exit(&output, 0);
    std::fs::write(&body, stdout(&output)).unwrap();
    for (found, call) in [
        (
            "12 open",
            Some(format!(
                "api --method PATCH repos/team/okrs/issues/12 -F body=@{body_arg} -f state=closed -f state_reason=completed"
            )),
        ),
        ("12 closed", None),
        ("", None),
    ] {
        let _ = std::fs::remove_file(&log);
        let output = okr_ci(
            repo.path(),
            tools.path(),
            &log,
            found,
            &["issue", &body_arg],
        );
        assert_exit(&output, 0);
        let calls = std::fs::read_to_string(&log).unwrap();
        let calls: Vec<&str> = calls.lines().skip(1).collect();
        assert_eq!(calls, call.as_slice(), "found {found:?}");
    }

    // A body that is not okr's is refused before GitHub is asked anything.
    std::fs::write(&body, "Hello\n").unwrap();
    let _ = std::fs::remove_file(&log);
    let output = okr_ci(repo.path(), tools.path(), &log, "", &["issue", &body_arg]);
    assert_exit(&output, 2);
    assert!(!log.exists());
}
