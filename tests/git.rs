//! Git-native behaviour: `--rev`, `diff`, `history`, `stale`, `publish`, and the errors of
//! shallow, partial, unborn and missing repositories. Repositories are built with git2, with
//! fixed authors and dates.

mod common;

use common::{
    DAY, START, TeamRepo, assert_exit, assert_stderr_has, commit, files_of, findings_in, git_cli,
    git_repo, json_ok, no_panic, stderr, stdout,
};
use git2::Repository;
use serde_json::Value;

#[test]
fn rev_reads_the_repository_as_it_was() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "first");
    repo.replace(
        "initiatives/merge-queue.toml",
        "impact = \"high\"",
        "impact = \"low\"",
    );
    commit(&git, "bob", START + DAY, "lower merge queue");
    repo.write("initiatives/broken.toml", "title = 3\n");

    repo.okr().arg("check").assert().code(1);
    repo.okr().args(["check", "--rev", "HEAD"]).assert().code(0);
    let before = json_ok(&repo.run(&["list", "--format", "json", "--rev", "HEAD~1"]));
    let after = json_ok(&repo.run(&["list", "--format", "json", "--rev", "HEAD"]));
    assert_eq!(before[0]["id"], "merge-queue");
    assert_ne!(after[0]["id"], "merge-queue");
    let themes = json_ok(&repo.run(&["themes", "--format", "json", "--rev", "HEAD~1"]));
    assert_eq!(themes["orphans"], serde_json::json!(["rotate-secrets"]));
    // Rendering a revision reads its files too, and nothing else changes.
    repo.okr()
        .args(["render", "--rev", "HEAD~1", "--out", "old"])
        .assert()
        .code(0);
    assert!(
        repo.read("old/boring-deploys.md")
            .contains("| 1 | [Adopt a merge queue for the monorepo](#merge-queue) |")
    );
    assert!(
        git.statuses(None)
            .unwrap()
            .iter()
            .all(|s| s.path().unwrap() != "okr.toml")
    );
}

#[test]
fn rev_errors_name_the_fix() {
    let repo = TeamRepo::example();
    let output = repo.run(&["check", "--rev", "HEAD"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "not in a git repository");

    let git = git_repo(repo.path());
    let output = repo.run(&["check", "--rev", "HEAD"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "no commits yet");

    commit(&git, "alice", START, "first");
    let output = repo.run(&["list", "--rev", "nope"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "unknown revision `nope`");
    no_panic(&output);
}

/// A base commit and a pull request that adds an initiative and raises another's impact.
fn pull_request() -> (TeamRepo, Repository) {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    repo.write(
        "initiatives/pg-bouncer.toml",
        "title = \"Pool connections with PgBouncer\"\nproblem = \"Connection storms take the primary down.\"\nowner = \"carol\"\ntags = [\"database\"]\nimpact = \"high\"\ncost = \"xs\"\nconfidence = \"high\"\n",
    );
    repo.replace(
        "initiatives/hermetic-builds.toml",
        "impact = \"high\"",
        "impact = \"huge\"",
    );
    commit(&git, "carol", START + DAY, "propose pgbouncer");
    (repo, git)
}

#[test]
fn diff_reports_additions_changes_moves_and_themes() {
    let (repo, _git) = pull_request();
    let diff = json_ok(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]));
    assert_eq!(diff["added"][0]["id"], "pg-bouncer");
    assert_eq!(diff["added"][0]["rank"], 1);
    assert_eq!(diff["removed"], serde_json::json!([]));
    let changed = diff["changed"].as_array().unwrap();
    let hermetic = changed
        .iter()
        .find(|c| c["id"] == "hermetic-builds")
        .unwrap();
    assert_eq!(
        hermetic["changes"],
        serde_json::json!([{"field": "impact", "before": "high", "after": "huge"}])
    );
    assert_eq!(
        hermetic["rank"],
        serde_json::json!({"before": 7, "after": 8})
    );
    assert!(
        hermetic["score"]["after"].as_f64().unwrap()
            > hermetic["score"]["before"].as_f64().unwrap()
    );
    // Everything below the new first place moved down one rank without changing: shifted,
    // not changed.
    assert!(changed.iter().all(|c| c["id"] != "merge-queue"), "{diff}");
    let shifted = diff["shifted"].as_array().unwrap();
    assert_eq!(shifted.len(), 6, "{diff}");
    assert_eq!(shifted[0]["id"], "merge-queue");
    assert_eq!(
        shifted[0]["rank"],
        serde_json::json!({"before": 1, "after": 2})
    );
    let data = diff["themes_changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "data-we-trust")
        .unwrap();
    assert_eq!(data["joined"], serde_json::json!(["pg-bouncer"]));
    assert_eq!(diff["findings"], serde_json::json!([]));

    let markdown = stdout(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "markdown"]));
    insta::assert_snapshot!(markdown);
    let human = stdout(&repo.run(&["diff", "HEAD~1", "HEAD"]));
    assert!(human.contains("+ pg-bouncer (rank 1"), "{human}");
}

#[test]
fn diff_against_the_working_tree_reports_new_findings_and_renames() {
    let (repo, _git) = pull_request();
    std::fs::rename(
        repo.file("initiatives/pg-bouncer.toml"),
        repo.file("initiatives/connection-pooling.toml"),
    )
    .unwrap();
    repo.write("initiatives/typo.toml", "title = \"x\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"ci\"]\nimpact = \"hgh\"\ncost = \"xs\"\n");
    let diff = json_ok(&repo.run(&["diff", "HEAD", "--format", "json"]));
    assert_eq!(diff["head"], "working tree");
    assert_eq!(diff["renamed"][0]["from"], "pg-bouncer");
    assert_eq!(diff["renamed"][0]["to"], "connection-pooling");
    assert_eq!(diff["renamed"][0]["changes"], serde_json::json!([]));
    let findings = diff["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "unknown-level");
    assert_eq!(findings[0]["file"], "initiatives/typo.toml");
    assert_eq!(findings[0]["line"], 5);
}

/// Two revisions are read together, each file both share read and parsed once; the answer must
/// be the one that reading each side by itself gives (the working tree is read that way).
#[test]
fn two_revisions_diff_as_a_revision_and_its_working_tree_do() {
    let (repo, git) = pull_request();
    // A finding both sides share, one the head brings, a rename, a moved file, a changed key
    // result and a theme that changes its tags.
    repo.write("initiatives/old-typo.toml", "title = \"y\"\nproblem = \"q\"\nowner = \"o\"\ntags = [\"ci\"]\nimpact = \"hgh\"\ncost = \"xs\"\n");
    commit(&git, "alice", START + 2 * DAY, "a typo");
    std::fs::rename(
        repo.file("initiatives/pg-bouncer.toml"),
        repo.file("initiatives/connection-pooling.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(repo.file("initiatives/2026-Q3")).unwrap();
    std::fs::rename(
        repo.file("initiatives/merge-queue.toml"),
        repo.file("initiatives/2026-Q3/merge-queue.toml"),
    )
    .unwrap();
    repo.write("initiatives/typo.toml", "title = \"x\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"ci\"]\nimpact = \"hgh\"\ncost = \"xs\"\n");
    let theme = std::fs::read_dir(repo.file("themes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .unwrap();
    let text = std::fs::read_to_string(&theme).unwrap();
    std::fs::write(&theme, text.replacen("tags = [", "tags = [\"ci\", ", 1)).unwrap();
    let against_work_tree = json_ok(&repo.run(&["diff", "HEAD", "--format", "json"]));
    commit(&git, "carol", START + 3 * DAY, "rename, move, typo");
    let mut of_revisions = json_ok(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]));
    assert_eq!(of_revisions["head"], "HEAD");
    of_revisions["head"] = "working tree".into();
    // HEAD then is HEAD~1 now.
    of_revisions["base"] = "HEAD".into();
    assert_eq!(of_revisions, against_work_tree);
    assert_eq!(of_revisions["renamed"][0]["to"], "connection-pooling");
    let findings = of_revisions["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["file"], "initiatives/typo.toml");
    assert!(
        of_revisions["themes_changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["changes"].as_array().is_some_and(|c| !c.is_empty())),
        "{of_revisions}"
    );
}

/// The example with four commits by three authors, a day apart: trace-everything's key
/// result moves from 19 to 24 to 31 and its file moves into `initiatives/2026-Q2`.
fn traced_history() -> TeamRepo {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    repo.replace(
        "initiatives/trace-everything.toml",
        "current = 19",
        "current = 24",
    );
    commit(&git, "erin", START + DAY, "more traces");
    std::fs::create_dir_all(repo.file("initiatives/2026-Q2")).unwrap();
    std::fs::rename(
        repo.file("initiatives/trace-everything.toml"),
        repo.file("initiatives/2026-Q2/trace-everything.toml"),
    )
    .unwrap();
    commit(&git, "frank", START + 2 * DAY, "plan for Q2");
    repo.replace(
        "initiatives/2026-Q2/trace-everything.toml",
        "current = 24",
        "current = 31",
    );
    commit(&git, "erin", START + 3 * DAY, "all traced");
    repo
}

#[test]
fn history_follows_renames_and_key_results_over_time() {
    let repo = traced_history();
    let history = json_ok(&repo.run(&["history", "--format", "json"]));
    let rows = history.as_array().unwrap();
    // Nine initiatives, then three themes.
    assert_eq!(rows.len(), 9 + 3);
    let trace = rows.iter().find(|r| r["id"] == "trace-everything").unwrap();
    assert_eq!(trace["file"], "initiatives/2026-Q2/trace-everything.toml");
    assert_eq!(trace["created"]["author"], "alice");
    assert_eq!(trace["created"]["date"], "2026-01-05");
    assert_eq!(trace["updated"]["author"], "erin");
    assert_eq!(trace["updated"]["date"], "2026-01-08");
    assert_eq!(trace["changes"], 4);
    let values: Vec<f64> = trace["key_results"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [19.0, 24.0, 31.0]);
    let merge = rows.iter().find(|r| r["id"] == "merge-queue").unwrap();
    assert_eq!(merge["changes"], 1);

    let table = stdout(&repo.run(&["history", "trace-everything"]));
    insta::assert_snapshot!(table);
    let output = repo.run(&["history", "trace-everything-else"]);
    assert_exit(&output, 2);
}

#[test]
fn objective_documents_chart_key_results_from_history() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "dana", START, "base");
    repo.replace("themes/boring-deploys.toml", "current = 60", "current = 45");
    commit(&git, "dana", START + DAY, "faster");
    repo.replace("themes/boring-deploys.toml", "current = 45", "current = 30");
    repo.okr().arg("render").assert().code(0);
    let doc = repo.read("okrs/boring-deploys.md");
    assert!(doc.contains("## Key results over time"), "{doc}");
    assert!(doc.contains(
        "xychart-beta\n    title \"Median merge-to-production time\"\n    x-axis [\"2026-01-05\", \"2026-01-06\", \"now\"]\n    y-axis \"min\" 7 --> 103\n    line [60, 45, 30]"
    ), "{doc}");
    // Without history there are no charts, and no error.
    let plain = TeamRepo::example();
    plain.okr().arg("render").assert().code(0);
    assert!(!plain.read("okrs/boring-deploys.md").contains("xychart"));
}

#[test]
fn stale_initiatives_are_warned_about() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    // Long ago: everything accepted or active is stale now.
    commit(&git, "alice", START - 400 * DAY, "old");
    repo.replace(
        "initiatives/trace-everything.toml",
        "current = 19",
        "current = 20",
    );
    let output = repo.run(&["check", "--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let stale = files_of(findings_in(&report), "stale");
    // trace-everything changed in the working tree; the other two have not moved in 400+ days.
    assert_eq!(
        stale,
        [
            "initiatives/2026-Q1/migrate-replicas.toml",
            "initiatives/2026-Q1/upgrade-postgres.toml"
        ]
    );
    // At the old revision itself nothing was stale yet.
    let output = repo.run(&["check", "--format", "json", "--rev", "HEAD"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "stale")
    );
    // Without git the rule is skipped with a note, not an error.
    let plain = TeamRepo::example();
    let output = plain.okr().arg("check").output().unwrap();
    assert_exit(&output, 0);
    assert_stderr_has(&output, "rule `stale` skipped");
}

#[test]
fn a_change_on_a_merged_branch_is_inside_the_stale_window() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    let old = commit(&git, "alice", START - 400 * DAY, "old");
    // A side branch changes one initiative 10 days before the merge; main another, 5 days.
    repo.replace(
        "initiatives/2026-Q1/migrate-replicas.toml",
        "status = \"accepted\"",
        "status = \"active\"",
    );
    let side = commit(&git, "bob", START - 10 * DAY, "side");
    let old = git.find_object(old, None).unwrap();
    git.reset(&old, git2::ResetType::Hard, None).unwrap();
    repo.replace(
        "initiatives/2026-Q1/upgrade-postgres.toml",
        "current = 90",
        "current = 91",
    );
    let main = commit(&git, "alice", START - 5 * DAY, "main");
    let (main, side) = (
        git.find_commit(main).unwrap(),
        git.find_commit(side).unwrap(),
    );
    let tree = git
        .merge_commits(&main, &side, None)
        .unwrap()
        .write_tree_to(&git)
        .unwrap();
    let signature =
        git2::Signature::new("dana", "dana@example.com", &git2::Time::new(START, 0)).unwrap();
    git.commit(
        Some("HEAD"),
        &signature,
        &signature,
        "merge",
        &git.find_tree(tree).unwrap(),
        &[&main, &side],
    )
    .unwrap();

    // At the merge, 90 days back reach both branches but not the old commit.
    let report = json_ok(&repo.run(&["check", "--format", "json", "--rev", "HEAD"]));
    let stale = files_of(findings_in(&report), "stale");
    assert_eq!(stale, ["initiatives/trace-everything.toml"]);
}

#[test]
fn shallow_and_partial_clones_say_how_to_fetch_history() {
    let (repo, _git) = pull_request();
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git_cli(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = clones.path().join("shallow");
    let output = common::okr(&shallow).arg("history").output().unwrap();
    assert_exit(&output, 2);
    assert_stderr_has(&output, "fetch-depth: 0");
    let output = common::okr(&shallow)
        .args(["diff", "HEAD~1"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert_stderr_has(&output, "fetch-depth: 0");
    let output = common::okr(&shallow).arg("check").output().unwrap();
    assert_exit(&output, 0);
    assert_stderr_has(&output, "shallow clone");

    git_cli(
        clones.path(),
        &[
            "-c",
            "uploadpack.allowFilter=true",
            "clone",
            "-q",
            "--filter=blob:none",
            &url,
            "partial",
        ],
    );
    let partial = clones.path().join("partial");
    let output = common::okr(&partial)
        .args(["check", "--rev", "HEAD~1"])
        .output()
        .unwrap();
    let err = stderr(&output);
    if output.status.code() == Some(2) {
        assert!(err.contains("partial"), "{err}");
    } else {
        // git fetched the blobs on demand; the result must still be right.
        assert_eq!(output.status.code(), Some(0), "{err}");
    }
    no_panic(&output);
}

#[test]
fn publish_commits_only_the_documents_and_touches_nothing_else() {
    let (repo, git) = pull_request();
    // A broken file that is not committed does not stop publishing what is.
    repo.write("initiatives/uncommitted.toml", "not even toml");
    let output = repo.run(&["publish", "--branch", "okr-docs", "--message", "Publish"]);
    assert_exit(&output, 0);
    let first = stdout(&output).trim().to_owned();
    let published = git
        .find_commit(git2::Oid::from_str(&first).unwrap())
        .unwrap();
    assert_eq!(published.parent_count(), 0);
    assert_eq!(published.message().unwrap(), "Publish");
    let names: Vec<String> = published
        .tree()
        .unwrap()
        .iter()
        .map(|e| e.name().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "README.md",
            "boring-deploys.md",
            "data-we-trust.md",
            "see-it-first.md"
        ]
    );

    // Nothing changed: no new commit.
    let output = repo.run(&["publish", "--branch", "okr-docs"]);
    assert_eq!(stdout(&output).trim(), first);
    assert!(stderr(&output).contains("no commit made"));

    // A new commit on the source branch publishes on top of the previous one.
    std::fs::remove_file(repo.file("initiatives/uncommitted.toml")).unwrap();
    repo.replace(
        "initiatives/merge-queue.toml",
        "status = \"proposed\"",
        "status = \"accepted\"",
    );
    commit(&git, "dana", START + 2 * DAY, "accept merge queue");
    let output = repo.run(&["publish", "--branch", "okr-docs"]);
    let second = stdout(&output).trim().to_owned();
    let published = git
        .find_commit(git2::Oid::from_str(&second).unwrap())
        .unwrap();
    assert_eq!(published.parent_id(0).unwrap().to_string(), first);
    assert_eq!(
        git.find_branch("okr-docs", git2::BranchType::Local)
            .unwrap()
            .get()
            .target()
            .unwrap()
            .to_string(),
        second
    );
}

#[test]
fn publish_leaves_the_working_tree_index_and_head_alone() {
    let (repo, git) = pull_request();
    repo.write("initiatives/uncommitted.toml", "title = \"draft\"");
    let head = git.head().unwrap().target().unwrap();
    let index_before = std::fs::read(repo.file(".git/index")).unwrap();
    let tree_before = common::snapshot_tree(&repo.file("initiatives"));
    repo.okr()
        .args(["publish", "--branch", "okr-docs"])
        .assert()
        .code(0);
    assert_eq!(git.head().unwrap().target().unwrap(), head);
    assert_eq!(
        std::fs::read(repo.file(".git/index")).unwrap(),
        index_before
    );
    assert_eq!(
        common::snapshot_tree(&repo.file("initiatives")),
        tree_before
    );
    assert!(!repo.file("okrs").exists());
    let output = repo.run(&["publish", "--branch", "bad..name"]);
    assert_exit(&output, 2);
}

#[test]
fn the_history_cache_gives_the_same_answer_as_a_fresh_walk() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    let history = |repo: &TeamRepo| json_ok(&repo.run(&["history", "--format", "json"]));
    let first = history(&repo);
    assert!(
        std::fs::read_dir(repo.file(".git/okr")).unwrap().count() > 0,
        "a cache is written"
    );
    // Cached, unchanged.
    assert_eq!(history(&repo), first);
    // New commits on top of the cached tip are walked and joined to the cache.
    repo.replace(
        "initiatives/trace-everything.toml",
        "current = 19",
        "current = 27",
    );
    commit(&git, "erin", START + DAY, "more traces");
    let cached = history(&repo);
    std::fs::remove_dir_all(repo.file(".git/okr")).unwrap();
    assert_eq!(cached, history(&repo));
    let trace = cached
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "trace-everything")
        .unwrap()
        .clone();
    assert_eq!(trace["changes"], 2);
    // A revision that is not a descendant of the cached tip does not use it.
    let old = json_ok(&repo.run(&["history", "--format", "json", "--rev", "HEAD~1"]));
    assert_eq!(old, first);
}

#[test]
fn diff_json_snapshot() {
    let (repo, _git) = pull_request();
    let output = repo.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_exit(&output, 0);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn diff_human_snapshot() {
    let (repo, _git) = pull_request();
    let output = repo.run(&["diff", "HEAD~1", "HEAD"]);
    assert_exit(&output, 0);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn history_json_snapshot() {
    let repo = traced_history();
    let output = repo.run(&["history", "--format", "json"]);
    assert_exit(&output, 0);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn history_of_a_theme_id_shows_the_theme() {
    let repo = traced_history();
    let output = repo.run(&["history", "boring-deploys"]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(text.contains("boring-deploys  theme"), "{text}");
}

/// The example committed, then `initiatives/merge-queue.toml` with `from` made `to` committed
/// a day later.
fn merge_queue_edited(from: &str, to: &str, message: &str) -> TeamRepo {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    repo.replace("initiatives/merge-queue.toml", from, to);
    commit(&git, "dana", START + DAY, message);
    repo
}

#[test]
fn diff_says_when_work_leaves_the_ranking() {
    let repo = merge_queue_edited(
        "status = \"proposed\"",
        "status = \"done\"",
        "merge queue delivered",
    );
    let diff = json_ok(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]));
    let changed = diff["changed"].as_array().unwrap();
    let merge = changed.iter().find(|c| c["id"] == "merge-queue").unwrap();
    assert_eq!(
        merge["rank"],
        serde_json::json!({"before": 1, "after": null})
    );
    // Listed after the ranked work it leaves behind.
    assert_eq!(changed.last().unwrap()["id"], "merge-queue");
    let human = stdout(&repo.run(&["diff", "HEAD~1", "HEAD"]));
    assert!(
        human.contains("~ merge-queue: score 1.95, left the ranking (was 1)"),
        "{human}"
    );
    assert!(human.contains("rank 1 ↑ from 2"), "{human}");
    let markdown = stdout(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "markdown"]));
    assert!(
        markdown.contains("| left the ranking (was 1) |"),
        "{markdown}"
    );
}

/// A typo in a file that stays makes it broken in this change: never removed, its themes keep
/// it, and its findings are shown with it.
#[test]
fn a_file_that_stops_building_is_broken_not_removed() {
    let repo = merge_queue_edited("impact = \"high\"", "impact = \"mediun\"", "a typo");
    let diff = json_ok(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]));
    assert_eq!(diff["removed"], serde_json::json!([]), "{diff}");
    assert_eq!(diff["broken"][0]["id"], "merge-queue");
    assert_eq!(diff["broken"][0]["rank"], 1);
    let findings = diff["broken"][0]["findings"].as_array().unwrap();
    assert_eq!(findings[0]["rule"], "unknown-level", "{findings:?}");
    assert_eq!(findings[0]["line"], 7);
    // Shown once, with the initiative, not again among the new findings.
    assert_eq!(diff["findings"], serde_json::json!([]));
    for theme in diff["themes_changed"].as_array().unwrap() {
        assert_eq!(theme["left"], serde_json::json!([]), "{theme}");
    }
    let markdown = stdout(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "markdown"]));
    let headline = markdown.lines().next().unwrap();
    assert!(headline.contains("1 broken in this change"), "{markdown}");
    assert!(headline.contains("1 new error"), "{markdown}");
    assert!(!headline.contains("removed"), "{markdown}");
    assert!(!markdown.contains("### Removed"), "{markdown}");
    assert!(!markdown.contains("left:"), "{markdown}");
    assert!(markdown.contains("### Broken in this change"), "{markdown}");
    assert!(
        markdown.contains("`initiatives/merge-queue.toml:7:10`"),
        "{markdown}"
    );
    let human = stdout(&repo.run(&["diff", "HEAD~1", "HEAD"]));
    assert!(
        human.contains("! merge-queue (was rank 1): broken in this change"),
        "{human}"
    );
}

/// A rename is said once, with what else changed: not also as a changed `file` and as an
/// initiative that left its themes and joined them again.
#[test]
fn a_rename_shows_once_with_what_else_changed() {
    let (repo, git) = pull_request();
    std::fs::rename(
        repo.file("initiatives/pg-bouncer.toml"),
        repo.file("initiatives/connection-pooling.toml"),
    )
    .unwrap();
    repo.replace(
        "initiatives/connection-pooling.toml",
        "cost = \"xs\"",
        "cost = \"s\"",
    );
    commit(&git, "carol", START + 2 * DAY, "rename");
    let diff = json_ok(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]));
    assert_eq!(
        diff["renamed"][0]["changes"],
        serde_json::json!([{"field": "cost", "before": "xs", "after": "s"}])
    );
    let changed = diff["changed"].as_array().unwrap();
    assert!(
        changed.iter().all(|c| c["id"] != "connection-pooling"),
        "{changed:?}"
    );
    for theme in diff["themes_changed"].as_array().unwrap() {
        assert_eq!(theme["joined"], serde_json::json!([]), "{theme}");
        assert_eq!(theme["left"], serde_json::json!([]), "{theme}");
    }
    let markdown = stdout(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "markdown"]));
    assert_eq!(
        markdown.matches("connection-pooling").count(),
        1,
        "{markdown}"
    );
    assert!(
        markdown.contains("| `pg-bouncer` → `connection-pooling` | cost: xs → s |"),
        "{markdown}"
    );
    let human = stdout(&repo.run(&["diff", "HEAD~1", "HEAD"]));
    assert_eq!(human.matches("connection-pooling").count(), 1, "{human}");
    assert!(human.contains("    cost: \"xs\" → \"s\""), "{human}");
}

/// The comment names the owners of the themes whose ranking or members changed: as text, or
/// as mentions when `[team].github` says owners are GitHub logins.
#[test]
fn the_comment_names_who_is_affected() {
    let (repo, git) = pull_request();
    let comment =
        |repo: &TeamRepo| stdout(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "markdown"]));
    let markdown = comment(&repo);
    assert!(
        markdown.contains("\nAffects the themes of: alice, dana\n"),
        "{markdown}"
    );
    assert!(!markdown.contains("@dana"), "{markdown}");
    let diff = json_ok(&repo.run(&["diff", "HEAD~1", "HEAD", "--format", "json"]));
    assert_eq!(diff["affected"], serde_json::json!(["alice", "dana"]));

    repo.replace("okr.toml", "[team]\n", "[team]\ngithub = true\n");
    commit(&git, "carol", START + 2 * DAY, "mention owners");
    let markdown = stdout(&repo.run(&["diff", "HEAD~2", "HEAD", "--format", "markdown"]));
    assert!(
        markdown.contains("\nAffects the themes of: @alice, @dana\n"),
        "{markdown}"
    );
}

/// An initiative that overtakes others is listed with those it overtook; those above it that
/// kept their place are not, nor are those below it that only shifted.
#[test]
fn rank_moves_list_who_overtook_whom() {
    let (repo, git) = pull_request();
    // rotate-secrets (6th) rises from 0.88 to 1.32, above trace-everything (1.30) and all
    // below it; merge-queue (1.95) stays above it, pushed down by the added pg-bouncer alone.
    repo.replace(
        "initiatives/rotate-secrets.toml",
        "cost = \"m\"",
        "cost = \"s\"",
    );
    commit(&git, "erin", START + 2 * DAY, "cheaper");
    let diff = json_ok(&repo.run(&["diff", "HEAD~2", "HEAD", "--format", "json"]));
    let ids = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let changed = ids("changed");
    let shifted = ids("shifted");
    assert!(changed.contains(&"rotate-secrets".to_owned()), "{diff}");
    assert!(changed.contains(&"canary-deploys".to_owned()), "{diff}");
    assert!(shifted.contains(&"merge-queue".to_owned()), "{diff}");
    assert!(!changed.contains(&"merge-queue".to_owned()), "{diff}");
    let markdown = stdout(&repo.run(&["diff", "HEAD~2", "HEAD", "--format", "markdown"]));
    assert!(
        markdown.contains("\n1 initiative shifted down 1 rank, only because work above it entered"),
        "{markdown}"
    );
}

/// The example closed for 2026-Q1 with `--to 2026-Q2` (as `okr close` leaves it) and
/// committed: the team's period is the next one, the merge queue carried over into it.
fn closed_quarter(repo: &TeamRepo, git: &Repository) -> git2::Oid {
    repo.replace("okr.toml", "period = \"2026-Q1\"", "period = \"2026-Q2\"");
    repo.replace(
        "initiatives/merge-queue.toml",
        "period = \"2026-Q1\"",
        "period = \"2026-Q2\"",
    );
    commit(git, "dana", START + 2 * DAY, "close 2026-Q1")
}

#[test]
fn render_rev_reads_a_tag_and_an_archive_tag_shows_its_period() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "first");
    let closed = closed_quarter(&repo, &git);
    let object = git.find_object(closed, None).unwrap();
    let signature =
        git2::Signature::new("dana", "dana@example.com", &git2::Time::new(START, 0)).unwrap();
    git.tag("okr/2026-Q1", &object, &signature, "2026-Q1 closed", false)
        .unwrap();
    git.tag_lightweight("closed-q1", &object, false).unwrap();
    repo.replace(
        "themes/boring-deploys.toml",
        "title = \"Every deploy is boring\"",
        "title = \"Deploys are dull\"",
    );
    commit(&git, "dana", START + 3 * DAY, "retitle");

    // A lightweight tag is a revision like any other: the tagged files, the period they set.
    repo.okr()
        .args([
            "render",
            "--rev",
            "closed-q1",
            "--out",
            "light",
            "--as-of",
            "2026-04-10",
        ])
        .assert()
        .code(0);
    let light = repo.read("light/README.md");
    assert!(
        light.starts_with("# Platform objectives for 2026-Q2\n"),
        "{light}"
    );
    assert!(
        light.contains("[Every deploy is boring](boring-deploys.md)"),
        "{light}"
    );

    // An annotated archive tag renders the closed period as it was: its files, in its view,
    // as of its last day.
    let output = repo
        .okr()
        .args(["render", "--rev", "okr/2026-Q1", "--out", "q1"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let q1 = repo.read("q1/README.md");
    assert!(
        q1.starts_with("# Platform objectives for 2026-Q1\n"),
        "{q1}"
    );
    assert!(
        q1.contains("[Every deploy is boring](boring-deploys.md)"),
        "{q1}"
    );
    assert!(!q1.contains("Deploys are dull"), "{q1}");
    assert!(
        repo.read("q1/boring-deploys.md")
            .contains("Platform in 2026-Q1, as of 2026-03-31."),
        "{}",
        repo.read("q1/boring-deploys.md")
    );
    // The carried-over merge queue belongs to 2026-Q2 now, not to the closed period's view.
    assert!(!q1.contains("Adopt a merge queue"), "{q1}");
    // `--period` still chooses.
    repo.okr()
        .args([
            "render",
            "--rev",
            "refs/tags/okr/2026-Q1",
            "--period",
            "all",
            "--out",
            "all",
        ])
        .assert()
        .code(0);
    let all = repo.read("all/README.md");
    assert!(all.starts_with("# Platform objectives\n"), "{all}");
    assert!(all.contains("Adopt a merge queue"), "{all}");
}

/// The names in a published tree, folders as `name/`, files below them as `name/file`.
fn published_names(git: &Repository, id: &str) -> Vec<String> {
    let commit = git.find_commit(git2::Oid::from_str(id).unwrap()).unwrap();
    let mut names = Vec::new();
    commit
        .tree()
        .unwrap()
        .walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            names.push(format!("{dir}{}", entry.name().unwrap()));
            git2::TreeWalkResult::Ok
        })
        .unwrap();
    names
}

#[test]
fn publish_renders_each_archive_tag_into_its_period_folder() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    let signature =
        git2::Signature::new("dana", "dana@example.com", &git2::Time::new(START, 0)).unwrap();
    commit(&git, "alice", START, "first");
    repo.write("initiatives/broken.toml", "title = 3\n");
    let broken = commit(&git, "alice", START + DAY, "broken");
    git.tag_lightweight(
        "okr/2025-Q4",
        &git.find_object(broken, None).unwrap(),
        false,
    )
    .unwrap();
    std::fs::remove_file(repo.file("initiatives/broken.toml")).unwrap();
    let q1 = closed_quarter(&repo, &git);
    git.tag(
        "okr/2026-Q1",
        &git.find_object(q1, None).unwrap(),
        &signature,
        "closed",
        false,
    )
    .unwrap();
    repo.replace("okr.toml", "period = \"2026-Q2\"", "period = \"2026-Q3\"");
    repo.replace(
        "themes/boring-deploys.toml",
        "title = \"Every deploy is boring\"",
        "title = \"Deploys are dull\"",
    );
    let q2 = git.find_object(commit(&git, "dana", START + 3 * DAY, "close 2026-Q2"), None);
    let q2 = q2.unwrap();
    for tag in ["okr/2026-Q2", "okr/foo", "okr/2026-Q5"] {
        git.tag_lightweight(tag, &q2, false).unwrap();
    }

    let output = repo
        .okr()
        .args(["publish", "--branch", "okr-docs"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let err = stderr(&output);
    for tag in ["okr/foo", "okr/2026-Q5"] {
        assert!(
            err.contains(&format!("warning: tag `{tag}` does not name a period")),
            "{err}"
        );
    }
    assert!(
        err.contains("warning: tag `okr/2025-Q4` has 1 error finding in its files"),
        "{err}"
    );
    let first = stdout(&output).trim().to_owned();
    let names = published_names(&git, &first);
    assert_eq!(
        names,
        [
            "2026-Q1",
            "2026-Q1/README.md",
            "2026-Q1/boring-deploys.md",
            "2026-Q1/data-we-trust.md",
            "2026-Q1/see-it-first.md",
            "2026-Q2",
            "2026-Q2/README.md",
            "2026-Q2/boring-deploys.md",
            "2026-Q2/data-we-trust.md",
            "2026-Q2/see-it-first.md",
            "README.md",
            "boring-deploys.md",
            "data-we-trust.md",
            "see-it-first.md",
        ],
        "{names:?}"
    );
    let read = |path: &str| {
        let commit = git
            .find_commit(git2::Oid::from_str(&first).unwrap())
            .unwrap();
        let entry = commit
            .tree()
            .unwrap()
            .get_path(std::path::Path::new(path))
            .unwrap();
        let blob = git.find_blob(entry.id()).unwrap();
        String::from_utf8(blob.content().to_vec()).unwrap()
    };
    // The current documents link to the archives, newest first.
    let readme = read("README.md");
    assert!(
        readme.starts_with("# Platform objectives for 2026-Q3\n"),
        "{readme}"
    );
    assert!(
        readme.contains(
            "\n\nClosed periods: [2026-Q2](2026-Q2/README.md), [2026-Q1](2026-Q1/README.md).\n\n"
        ),
        "{readme}"
    );
    // Each archive is its tag's files in its period's view, and links to no archive.
    let q1_readme = read("2026-Q1/README.md");
    assert!(
        q1_readme.starts_with("# Platform objectives for 2026-Q1\n"),
        "{q1_readme}"
    );
    assert!(
        q1_readme.contains("[Every deploy is boring](boring-deploys.md)"),
        "{q1_readme}"
    );
    assert!(!q1_readme.contains("Closed periods"), "{q1_readme}");
    assert!(
        read("2026-Q1/boring-deploys.md").contains("Platform in 2026-Q1, as of 2026-03-31."),
        "{}",
        read("2026-Q1/boring-deploys.md")
    );
    let q2_readme = read("2026-Q2/README.md");
    assert!(
        q2_readme.starts_with("# Platform objectives for 2026-Q2\n"),
        "{q2_readme}"
    );
    assert!(q2_readme.contains("Adopt a merge queue"), "{q2_readme}");
    assert!(
        q2_readme.contains("[Deploys are dull](boring-deploys.md)"),
        "{q2_readme}"
    );

    // Nothing changed: no new commit, archives and all.
    let output = repo
        .okr()
        .args(["publish", "--branch", "okr-docs"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    assert_eq!(stdout(&output).trim(), first);
    assert!(
        stderr(&output).contains("no commit made"),
        "{}",
        stderr(&output)
    );
}
