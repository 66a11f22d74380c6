//! `okr list`, `okr themes` and `okr history`: ranks, filters, check-ins and JSON for scripts.

mod common;

use common::{
    DAY, START, TeamRepo, assert_exit, assert_stderr_has, commit, git_repo, json_ok, stderr, stdout,
};
use serde_json::Value;

/// What `okr args` printed as JSON, after it succeeded.
fn json(repo: &TeamRepo, args: &[&str]) -> Value {
    json_ok(&repo.okr().args(args).output().unwrap())
}

#[test]
fn list_ranks_by_score_with_ties_by_id() {
    let repo = TeamRepo::example();
    let list = json(&repo, &["list", "--format", "json"]);
    let rows = list.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "merge-queue",
            "trace-everything",
            "migrate-replicas",
            "upgrade-postgres",
            "canary-deploys",
            "rotate-secrets",
            "hermetic-builds",
            // Done and dropped work comes last, unranked.
            "slo-alerts",
            "feature-flags"
        ]
    );
    let ranks: Vec<&serde_json::Value> = rows.iter().map(|r| &r["rank"]).collect();
    assert_eq!(ranks[6], 7);
    assert!(ranks[7].is_null() && ranks[8].is_null(), "{ranks:?}");
    let first = &rows[0];
    for key in [
        "id",
        "title",
        "owner",
        "tags",
        "impact",
        "cost",
        "confidence",
        "status",
        "score",
        "rank",
        "themes",
        "file",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert_eq!(first["rank"], 1);
    assert_eq!(first["file"], "initiatives/merge-queue.toml");
    // 3 * 1.0 / 2 * (1 + 3 / 10)
    assert!((first["score"].as_f64().unwrap() - 1.95).abs() < 1e-9);
    // The `dx` alias joins `developer-experience`.
    let hermetic = rows.iter().find(|r| r["id"] == "hermetic-builds").unwrap();
    assert_eq!(
        hermetic["tags"],
        serde_json::json!(["ci", "developer-experience"])
    );
    // A missing confidence is the middle level.
    let slo = rows.iter().find(|r| r["id"] == "slo-alerts").unwrap();
    assert_eq!(slo["confidence"], "medium");
}

#[test]
fn list_filters() {
    let repo = TeamRepo::example();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        json(&repo, &all)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(&["--tag", "database"]),
        ["migrate-replicas", "upgrade-postgres"]
    );
    assert_eq!(
        ids(&["--tag", "perf"]),
        ["upgrade-postgres", "canary-deploys", "slo-alerts"]
    );
    assert_eq!(
        ids(&["--theme", "see-it-first"]),
        ["trace-everything", "slo-alerts"]
    );
    assert_eq!(
        ids(&["--status", "active"]),
        ["trace-everything", "upgrade-postgres"]
    );
    assert_eq!(
        ids(&["--owner", "erin", "--status", "proposed"]),
        ["hermetic-builds"]
    );
    let output = repo.run(&["list", "--theme", "boring-deploy"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("did you mean `boring-deploys`?"));
}

#[test]
fn list_table_snapshot() {
    let repo = TeamRepo::example();
    let output = repo.okr().arg("list").output().unwrap();
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn themes_json_has_scores_progress_members_and_orphans() {
    let repo = TeamRepo::example();
    let themes = json(&repo, &["themes", "--format", "json"]);
    let list = themes["themes"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["boring-deploys", "data-we-trust", "see-it-first"]);
    let deploys = &list[0];
    // Open members only: merge-queue 1.95 + canary-deploys 0.88 + hermetic-builds 0.1875.
    assert!((deploys["score"].as_f64().unwrap() - (1.95 + 0.88 + 0.1875)).abs() < 1e-9);
    assert_eq!(
        deploys["initiatives"],
        serde_json::json!([
            "merge-queue",
            "canary-deploys",
            "hermetic-builds",
            "feature-flags"
        ])
    );
    // The costs of its open members: s 2 + l 5 + xl 8.
    assert_eq!(deploys["load"], 15.0);
    // (95 - 60) / 80 and (9 - 4) / 8.
    let expected = ((35.0 / 80.0) + (5.0 / 8.0)) / 2.0;
    assert!((deploys["progress"].as_f64().unwrap() - expected).abs() < 1e-9);
    assert_eq!(themes["orphans"], serde_json::json!(["rotate-secrets"]));
    for key in [
        "id",
        "title",
        "owner",
        "tags",
        "score",
        "progress",
        "initiatives",
    ] {
        assert!(deploys.get(key).is_some(), "{key}");
    }
}

#[test]
fn themes_without_key_results_have_null_progress() {
    let repo = TeamRepo::empty();
    repo.write("themes/a.toml", "title = \"A\"\ntags = [\"a\"]\n");
    let themes = json(&repo, &["themes", "--format", "json"]);
    assert_eq!(themes["themes"][0]["progress"], Value::Null);
}

#[test]
fn suggestions_propose_themes_for_orphans() {
    let repo = TeamRepo::example();
    repo.write(
        "initiatives/sso.toml",
        "title = \"SSO\"\nproblem = \"p\"\nowner = \"grace\"\ntags = [\"security\", \"cost\"]\nimpact = \"low\"\ncost = \"xs\"\n",
    );
    let output = repo.run(&["themes", "--suggest"]);
    let text = stdout(&output);
    assert!(
        text.contains("themes/security.toml: would take in rotate-secrets, sso"),
        "{text}"
    );
    assert!(text.contains("tags = [\"security\", \"cost\"]"), "{text}");
    // The proposed TOML passes check once pasted.
    let toml: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    repo.write("themes/security.toml", toml);
    repo.okr()
        .args(["check", "--deny-warnings"])
        .assert()
        .code(0);
    let suggestions = json(&repo, &["themes", "--suggest", "--format", "json"]);
    assert_eq!(suggestions, serde_json::json!([]));
}

#[test]
fn views_refuse_a_repository_with_errors() {
    let repo = TeamRepo::example();
    repo.write("initiatives/bad.toml", "title = 3\n");
    for command in ["list", "themes", "render"] {
        let output = repo.okr().arg(command).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{command}");
        let err = stderr(&output);
        assert!(err.contains("initiatives/bad.toml"), "{err}");
        assert!(stdout(&output).is_empty());
    }
    assert!(!repo.file("okrs").exists());
}

/// `okr themes` on the example in `format`, or with `--suggest`: the example's files fix every
/// value, and no view of themes reads git or the clock.
fn themes(args: &[&str]) -> String {
    let repo = TeamRepo::example();
    let output = repo.okr().args(args).output().unwrap();
    assert_exit(&output, 0);
    stdout(&output)
}

#[test]
fn themes_table_snapshot() {
    insta::assert_snapshot!(themes(&["themes"]));
}

#[test]
fn themes_json_snapshot() {
    insta::assert_snapshot!(themes(&["themes", "--format", "json"]));
}

#[test]
fn themes_suggest_snapshot() {
    insta::assert_snapshot!(themes(&["themes", "--suggest"]));
}

/// The example with work of other periods: `[team].period` is 2026-Q1.
fn with_other_periods() -> TeamRepo {
    let repo = TeamRepo::example();
    repo.replace(
        "initiatives/rotate-secrets.toml",
        "status = \"proposed\"",
        "status = \"proposed\"\nperiod = \"2026-Q2\"",
    );
    repo.replace(
        "initiatives/canary-deploys.toml",
        "status = \"proposed\"",
        "status = \"proposed\"\nperiod = \"2026\"",
    );
    repo
}

fn ids(list: &serde_json::Value) -> Vec<&str> {
    let rows = list.as_array().unwrap();
    rows.iter().map(|r| r["id"].as_str().unwrap()).collect()
}

#[test]
fn views_show_the_current_period_unless_told_otherwise() {
    let repo = with_other_periods();
    // 2026-Q2 leaves the default view; `2026` overlaps 2026-Q1 and stays.
    let current = json(&repo, &["list", "--format", "json"]);
    assert!(!ids(&current).contains(&"rotate-secrets"));
    assert!(ids(&current).contains(&"canary-deploys"));
    let q2 = json(&repo, &["list", "--format", "json", "--period", "2026-Q2"]);
    // Those of 2026-Q2, of all 2026 and of no period; the rest are of 2026-Q1.
    assert_eq!(
        ids(&q2),
        [
            "canary-deploys",
            "rotate-secrets",
            "hermetic-builds",
            "slo-alerts",
            "feature-flags"
        ]
    );
    assert_eq!(q2[0]["rank"], 1);
    let all = json(&repo, &["list", "--format", "json", "--period", "all"]);
    assert_eq!(all.as_array().unwrap().len(), 9);
    // Theme scores count only the initiatives in view.
    let themes = json(
        &repo,
        &["themes", "--format", "json", "--period", "2026-Q2"],
    );
    let data = &themes["themes"].as_array().unwrap()[1];
    assert_eq!(data["id"], "data-we-trust");
    assert_eq!(
        data["initiatives"],
        serde_json::json!(["canary-deploys", "slo-alerts"])
    );
    assert_eq!(data["load"], 5.0);

    let bad = repo.run(&["list", "--period", "2026-Q5"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_stderr_has(&bad, "`2026-Q5` is not a period");
}

#[test]
fn render_writes_the_documents_of_the_period_asked_for() {
    let repo = with_other_periods();
    repo.okr()
        .args(["render", "--period", "2026-Q2", "--out", "q2"])
        .assert()
        .success();
    let index = repo.read("q2/README.md");
    assert!(
        index.starts_with("# Platform objectives for 2026-Q2"),
        "{index}"
    );
    assert!(index.contains("Rotate every service credential"), "{index}");
    assert!(!index.contains("Adopt a merge queue"), "{index}");
}

#[test]
fn list_sets_done_and_dropped_work_apart_unranked() {
    let repo = TeamRepo::example();
    let table = stdout(&repo.okr().arg("list").output().unwrap());
    let (ranked, closed) = table
        .split_once("\n\n")
        .expect("a blank line before closed work");
    assert_eq!(ranked.lines().count(), 1 + 7, "{table}");
    let closed: Vec<&str> = closed.lines().collect();
    assert_eq!(closed.len(), 2, "{table}");
    assert!(
        closed[0].trim_start().starts_with("-  slo-alerts"),
        "{table}"
    );
    assert!(
        closed[1].trim_start().starts_with("-  feature-flags"),
        "{table}"
    );
    // `--status` still picks them out.
    let done = json(&repo, &["list", "--format", "json", "--status", "done"]);
    assert_eq!(ids(&done), ["slo-alerts"]);
    assert!(done[0]["rank"].is_null());
}

/// Replaces the `[checkin]` table at the end of `file` (or appends one).
fn check_in(repo: &TeamRepo, file: &str, table: &str) {
    let text = repo.read(file);
    let kept = text.split("\n[checkin]\n").next().unwrap().trim_end();
    repo.write(file, format!("{kept}\n\n[checkin]\n{table}\n"));
}

const TRACE: &str = "initiatives/trace-everything.toml";

/// The example with trace-everything checked in twice, a commit between that moves its value
/// without a check-in, and a check-in on the theme boring-deploys.
fn checked_in() -> (TeamRepo, git2::Repository) {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    check_in(
        &repo,
        TRACE,
        "date = 2026-01-06\nhealth = \"on-track\"\nnote = \"Half the services | traced\"",
    );
    repo.replace(TRACE, "current = 19", "current = 24");
    commit(&git, "erin", START + DAY, "checkin(trace-everything)");
    repo.replace(TRACE, "current = 24", "current = 26");
    commit(&git, "erin", START + 2 * DAY, "two more");
    check_in(
        &repo,
        TRACE,
        "date = 2026-01-09\nhealth = \"at-risk\"\nnote = \"The payments team\\nis blocked\"",
    );
    repo.replace(TRACE, "current = 26", "current = 27");
    check_in(
        &repo,
        "themes/boring-deploys.toml",
        "date = 2026-01-09\nhealth = \"off-track\"",
    );
    commit(&git, "frank", START + 4 * DAY, "checkins");
    (repo, git)
}

#[test]
fn history_shows_each_checkin_with_the_values_it_changed() {
    let (repo, _git) = checked_in();
    let history = json(&repo, &["history", "trace-everything", "--format", "json"]);
    let rows = history.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["kind"], "initiative");
    let checkins = rows[0]["checkins"].as_array().unwrap();
    assert_eq!(checkins.len(), 2, "{checkins:?}");
    assert_eq!(checkins[0]["date"], "2026-01-06");
    assert_eq!(checkins[0]["author"], "erin");
    assert_eq!(checkins[0]["committed"], "2026-01-06");
    assert_eq!(checkins[0]["health"], "on-track");
    assert_eq!(checkins[0]["note"], "Half the services | traced");
    assert_eq!(
        checkins[0]["values"],
        serde_json::json!([{"title": "Services exporting traces", "unit": null, "from": 19.0, "to": 24.0}])
    );
    assert_eq!(checkins[1]["date"], "2026-01-09");
    assert_eq!(checkins[1]["author"], "frank");
    assert_eq!(checkins[1]["health"], "at-risk");
    // The commit between moved the value to 26 without a check-in.
    assert_eq!(checkins[1]["values"][0]["from"], 26.0);
    assert_eq!(checkins[1]["values"][0]["to"], 27.0);
    assert_eq!(checkins[1]["commit"].as_str().unwrap().len(), 40);

    let table = stdout(&repo.run(&["history", "trace-everything"]));
    // Commit ids vary with the example's contents; the rest is the check-ins' own.
    let table = hide_commits(&table);
    insta::assert_snapshot!(table);
}

/// `table` with every short commit id in parentheses written as `(·······)`, as wide.
fn hide_commits(table: &str) -> String {
    let mut out = String::new();
    let mut rest = table;
    while let Some(at) = rest.find('(') {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let id = &tail[1..tail.len().min(8)];
        if tail.len() > 8 && &tail[8..9] == ")" && id.chars().all(|c| c.is_ascii_hexdigit()) {
            out.push_str("(·······)");
            rest = &tail[9..];
        } else {
            out.push('(');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn history_shows_a_themes_checkins_and_lists_themes_after_initiatives() {
    let (repo, _git) = checked_in();
    let theme = json(&repo, &["history", "boring-deploys", "--format", "json"]);
    assert_eq!(theme[0]["kind"], "theme");
    assert_eq!(theme[0]["file"], "themes/boring-deploys.toml");
    let checkins = theme[0]["checkins"].as_array().unwrap();
    assert_eq!(checkins.len(), 1);
    assert_eq!(checkins[0]["health"], "off-track");
    assert!(checkins[0]["note"].is_null());

    let all = json(&repo, &["history", "--format", "json"]);
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 9 + 3);
    assert!(kinds[..9].iter().all(|k| *k == "initiative"), "{kinds:?}");
    assert!(kinds[9..].iter().all(|k| *k == "theme"), "{kinds:?}");
    // No check-in is no list at all, not a missing key.
    let merge = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "merge-queue")
        .unwrap();
    assert_eq!(merge["checkins"], serde_json::json!([]));

    let output = repo.run(&["history", "boring-deploy"]);
    assert_exit(&output, 2);
    let text = stderr(&output);
    assert!(
        text.contains("no initiative or theme `boring-deploy` in the history"),
        "{text}"
    );
    assert!(text.contains("`boring-deploys`"), "{text}");
}

#[test]
fn the_history_cache_keeps_checkins_across_runs() {
    let (repo, git) = checked_in();
    let checkins = |repo: &TeamRepo| {
        let history = json(repo, &["history", "trace-everything", "--format", "json"]);
        history[0]["checkins"].clone()
    };
    let first = checkins(&repo);
    assert_eq!(first.as_array().unwrap().len(), 2);
    // A cache written by an older okr, whose steps hold no check-ins, is walked afresh.
    let cache_dir = repo.file(".git/okr");
    for entry in std::fs::read_dir(&cache_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("history-") {
            let text = std::fs::read_to_string(&path).unwrap();
            let old = text
                .replacen("\"version\":4", "\"version\":1", 1)
                .replace("\"checkin\":{", "\"ignored\":{");
            assert_ne!(old, text);
            std::fs::write(&path, old).unwrap();
        }
    }
    assert_eq!(checkins(&repo), first);
    // A new commit is walked on top of the cache, and the older check-ins stay.
    check_in(
        &repo,
        TRACE,
        "date = 2026-01-12\nhealth = \"on-track\"\nnote = \"Unblocked\"",
    );
    commit(&git, "erin", START + 7 * DAY, "checkin");
    let after = checkins(&repo);
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), 3);
    assert_eq!(after[..2], first.as_array().unwrap()[..]);
    assert_eq!(after[2]["note"], "Unblocked");
    assert!(after[2]["values"].as_array().unwrap().is_empty());
}
