//! `okr report`: what happened in a window of days, from a git repository built with fixed
//! dates (2026-01-05 is `START`).

mod common;

use common::{
    DAY, START, TeamRepo, assert_exit, assert_stderr_has, commit, git_repo, reliability_team,
    stderr, stdout,
};

fn initiative(owner: &str, status: &str, extra: &str) -> String {
    format!(
        "title = \"Work of {owner}\"\nproblem = \"P.\"\nowner = \"{owner}\"\ntags = [\"reliability\"]\nimpact = \"high\"\ncost = \"m\"\nstatus = \"{status}\"\n{extra}"
    )
}

fn upgrade(status: &str, current: Option<u32>, checkin: Option<(&str, &str, &str)>) -> String {
    let mut extra = String::new();
    if let Some((date, health, note)) = checkin {
        extra.push_str(&format!(
            "\n[checkin]\ndate = {date}\nhealth = \"{health}\"\nnote = \"{note}\"\n"
        ));
    }
    extra.push_str(
        "\n[[key_results]]\ntitle = \"p99 latency\"\nunit = \"ms\"\nbaseline = 800\ntarget = 200\n",
    );
    if let Some(current) = current {
        extra.push_str(&format!("current = {current}\n"));
    }
    initiative("alice", status, &extra)
}

/// - Jan 5: the theme `reliability` (dana), `upgrade-db` (alice, proposed), `flaky-tests`
///   (bob, accepted) and `legacy` (carol, active);
/// - Jan 13: `upgrade-db` starts, checks in on track, p99 at 600 ms;
/// - Jan 15: `new-cache` (erin) is added;
/// - Jan 17: `upgrade-db` checks in at risk, p99 at 500 ms; `legacy` is dropped;
/// - Jan 25: `upgrade-db` is done, p99 at 200 ms.
fn repository() -> TeamRepo {
    let repo = reliability_team("");
    repo.write(
        "initiatives/upgrade-db.toml",
        upgrade("proposed", None, None),
    );
    repo.write(
        "initiatives/flaky-tests.toml",
        initiative("bob", "accepted", ""),
    );
    repo.write("initiatives/legacy.toml", initiative("carol", "active", ""));
    let git = git_repo(repo.path());
    commit(&git, "Alice", START, "Start");
    repo.write(
        "initiatives/upgrade-db.toml",
        upgrade(
            "active",
            Some(600),
            Some(("2026-01-13", "on-track", "Vendor signed.")),
        ),
    );
    commit(&git, "Alice", START + 8 * DAY, "checkin(upgrade-db)");
    repo.write(
        "initiatives/new-cache.toml",
        initiative("erin", "proposed", ""),
    );
    commit(&git, "Erin", START + 10 * DAY, "Propose a cache");
    repo.write(
        "initiatives/upgrade-db.toml",
        upgrade(
            "active",
            Some(500),
            Some(("2026-01-17", "at-risk", "Migration | slow <b>")),
        ),
    );
    repo.write(
        "initiatives/legacy.toml",
        initiative("carol", "dropped", ""),
    );
    commit(
        &git,
        "Alice",
        START + 12 * DAY,
        "checkin(upgrade-db); drop legacy",
    );
    repo.write(
        "initiatives/upgrade-db.toml",
        upgrade(
            "done",
            Some(200),
            Some(("2026-01-17", "at-risk", "Migration | slow <b>")),
        ),
    );
    commit(&git, "Alice", START + 20 * DAY, "Ship the upgrade");
    repo
}

fn report(repo: &TeamRepo, args: &[&str]) -> std::process::Output {
    repo.okr().arg("report").args(args).output().unwrap()
}

#[test]
fn report_lists_what_happened_in_the_window() {
    let repo = repository();
    let window = ["--since", "2026-01-10", "--until", "2026-01-20"];
    let output = report(&repo, &[&window[..], &["--format", "json"]].concat());
    assert_exit(&output, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    insta::assert_json_snapshot!("report_json", json);
    let ids = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("added"), ["new-cache"]);
    assert_eq!(ids("started"), ["upgrade-db"]);
    assert!(
        ids("delivered").is_empty(),
        "done on Jan 25, after the window"
    );
    assert_eq!(ids("dropped"), ["legacy"]);
    assert_eq!(ids("health_changes"), ["upgrade-db", "upgrade-db"]);
    assert_eq!(json["health_changes"][1]["from"], "on-track");
    assert_eq!(json["health_changes"][1]["to"], "at-risk");
    let kr = &json["key_results"][0];
    assert_eq!(
        (kr["from"].as_f64(), kr["to"].as_f64()),
        (Some(800.0), Some(500.0))
    );
    assert_eq!(kr["progress_to"].as_f64(), Some(0.5));
    assert_eq!(ids("notes"), ["upgrade-db", "upgrade-db"]);
    assert_eq!(ids("no_update"), ["flaky-tests", "reliability"]);

    let output = report(&repo, &window);
    assert_exit(&output, 0);
    let markdown = stdout(&output);
    insta::assert_snapshot!("report_markdown", markdown);
    // The same input gives the same bytes, from the cached walk too.
    assert_eq!(stdout(&report(&repo, &window)), markdown);
}

#[test]
fn a_cache_from_before_statuses_is_walked_afresh() {
    let repo = repository();
    let window = ["--since", "2026-01-10", "--until", "2026-01-20"];
    let first = stdout(&report(&repo, &window));
    assert!(first.contains("(`legacy`)"), "{first}");
    // A cache written by an older okr, whose steps hold no status and no closes.
    let mut rewritten = 0;
    for entry in std::fs::read_dir(repo.file(".git/okr")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let old = text
            .replacen("\"version\":4", "\"version\":2", 1)
            .replace("\"status\":", "\"ignored\":")
            .replace("\"closed\":", "\"unread\":");
        assert_ne!(old, text);
        std::fs::write(&path, old).unwrap();
        rewritten += 1;
    }
    assert_eq!(rewritten, 1);
    assert_eq!(stdout(&report(&repo, &window)), first);
}

#[test]
fn the_window_defaults_to_today_and_takes_the_delivery_later() {
    let repo = repository();
    let output = report(&repo, &["--since", "2026-01-21", "--format", "json"]);
    assert_exit(&output, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["delivered"][0]["id"], "upgrade-db");
    assert_eq!(json["delivered"][0]["author"], "Alice");
    assert_eq!(json["key_results"][0]["to"].as_f64(), Some(200.0));
    let today = okr::period::format_date(okr::period::today());
    assert_eq!(json["until"], today);
}

#[test]
fn bad_windows_are_usage_errors() {
    let repo = repository();
    let output = report(&repo, &["--since", "2026-02-01", "--until", "2026-01-01"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("`--since 2026-02-01` is after `--until 2026-01-01`"));
    // A first day after today: said as such, not blamed on the `--until` nobody gave.
    let output = report(&repo, &["--since", "2999-01-01"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("`--since 2999-01-01` is in the future"),
        "{}",
        stderr(&output)
    );
    let output = report(&repo, &["--since", "last week"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "is not a date");
    let output = report(&repo, &[]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "--since");
}

#[test]
fn a_close_in_the_window_lists_its_grades() {
    let repo = repository();
    repo.replace(
        "okr.toml",
        "name = \"Test\"",
        "name = \"Test\"\nperiod = \"2026-Q1\"",
    );
    let closed = repo.run(&["close", "2026-Q1", "--to", "2026-Q2"]);
    assert_exit(&closed, 0);
    commit(
        &git_repo(repo.path()),
        "Dana",
        START + 30 * DAY,
        "Close 2026-Q1",
    );

    let output = report(&repo, &["--since", "2026-02-01", "--until", "2026-02-10"]);
    assert_exit(&output, 0);
    let markdown = stdout(&output);
    // Graded by hand: upgrade-db is done at 200 ms of 800 → 200 (1.0); the others are open
    // without key results (0.0), legacy was dropped; the theme has no key results, so it is
    // the mean of its graded members, (1.0 + 0 + 0) / 3 = 0.3.
    let table = "### Closed\n\n| Period | Work | Grade | Outcome | Date | By |\n\
                 | --- | --- | ---: | --- | --- | --- |\n\
                 | 2026-Q1 | objective Nothing pages at night (`reliability`) | 0.3 | missed | 2026-02-04 | Dana |\n\
                 | 2026-Q1 | Work of bob (`flaky-tests`) | 0.0 | missed | 2026-02-04 | Dana |\n\
                 | 2026-Q1 | Work of carol (`legacy`) | - | dropped | 2026-02-04 | Dana |\n\
                 | 2026-Q1 | Work of erin (`new-cache`) | 0.0 | missed | 2026-02-04 | Dana |\n\
                 | 2026-Q1 | Work of alice (`upgrade-db`) | 1.0 | achieved | 2026-02-04 | Dana |\n";
    assert!(markdown.contains(table), "{markdown}");
    let json = report(
        &repo,
        &[
            "--since",
            "2026-02-01",
            "--until",
            "2026-02-10",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(json["closed"][0]["period"], "2026-Q1");
    assert_eq!(json["closed"][0]["kind"], "theme");
    assert_eq!(json["closed"][0]["grade"].as_f64(), Some(0.3));
    assert_eq!(json["closed"][4]["outcome"], "achieved");
    // Before the close, no such section.
    let before = stdout(&report(
        &repo,
        &["--since", "2026-01-10", "--until", "2026-01-31"],
    ));
    assert!(!before.contains("### Closed"), "{before}");
}
