//! `okr org sync` records each team's commit in okr-org.lock; `okr org diff` compares two
//! revisions of the org repository (or one and the working tree) by those records.

mod common;

use common::org::{Org, TEAM_OKR, short};
use common::{assert_exit, assert_stderr_has, commit, stderr, stdout};
use serde_json::Value;

const ORG: &str = "[org]\nname = \"Acme\"\nperiod = \"2026-Q1\"\n\n\
     [[teams]]\nname = \"payments\"\nurl = \"../teams/payments.git\"\n\n\
     [[teams]]\nname = \"web\"\nurl = \"../teams/web.git\"\n";

fn theme(extra: &str, current: u32) -> String {
    format!(
        "title = \"Fast pages\"\ntags = [\"x\"]\n{extra}\n\
         [[key_results]]\ntitle = \"k\"\nbaseline = 0\ntarget = 10\ncurrent = {current}\n"
    )
}

fn initiative(title: &str, extra: &str) -> String {
    format!(
        "title = \"{title}\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"x\"]\nimpact = \"high\"\n\
         cost = \"m\"\n{extra}"
    )
}

/// payments serves `reliability` at 40% with `upgrade-pg` depending on web's `cdn`; web serves
/// it at 100%; `growth` has a key result of its own at 50%. Synced, and the sync committed.
fn recorded_org() -> (Org, git2::Repository) {
    let org = Org::new(ORG);
    org.write(
        "objectives/reliability.toml",
        "title = \"Nothing pages twice\"\nowner = \"dana\"\n",
    );
    org.write(
        "objectives/growth.toml",
        "title = \"More teams pay\"\n\n[[key_results]]\ntitle = \"Paying teams\"\n\
         baseline = 0\ntarget = 10\ncurrent = 5\n",
    );
    org.commit(
        "payments",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            ("themes/db.toml", &theme("parent = \"reliability\"\n", 4)),
            (
                "initiatives/upgrade-pg.toml",
                &initiative(
                    "Upgrade",
                    "status = \"active\"\ndepends_on = [\"web:cdn\"]\n",
                ),
            ),
        ],
    );
    org.commit(
        "web",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            ("themes/edge.toml", &theme("parent = \"reliability\"\n", 10)),
            (
                "initiatives/cdn.toml",
                &initiative("CDN", "status = \"accepted\"\n"),
            ),
        ],
    );
    assert_exit(&org.run(&["org", "sync"]), 0);
    let git = git2::Repository::open(org.root()).unwrap();
    commit(&git, "Test", common::START, "Record the first sync");
    (org, git)
}

fn lock_of(org: &Org) -> String {
    std::fs::read_to_string(org.root().join("okr-org.lock")).unwrap()
}

#[test]
fn a_sync_records_every_teams_commit_and_keeps_those_it_did_not_fetch() {
    let (org, _git) = recorded_org();
    let head = |team: &str| {
        git2::Repository::open_bare(org.team_dir(team))
            .unwrap()
            .refname_to_id("refs/heads/main")
            .unwrap()
            .to_string()
    };
    let (payments, web) = (head("payments"), head("web"));
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| *l != "[teams]")
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        lines(&lock_of(&org)),
        [
            "[teams]".to_owned(),
            format!("payments = \"{payments}\""),
            format!("web = \"{web}\""),
        ]
    );
    // Nothing moved: the file is not written again, and nothing is said of it.
    let again = org.run(&["org", "sync"]);
    assert!(
        !stderr(&again).contains("okr-org.lock"),
        "{}",
        stderr(&again)
    );

    // One team synced alone, the other moved meanwhile: only the one synced is recorded anew.
    let moved_web = org.commit(
        "web",
        "main",
        &[("initiatives/new.toml", &initiative("N", ""))],
    );
    let moved_payments = org.commit("payments", "main", &[("x.txt", "x")]);
    let output = org.run(&["org", "sync", "payments"]);
    assert_exit(&output, 0);
    assert_stderr_has(&output, "wrote okr-org.lock");
    let lock = lock_of(&org);
    assert!(
        lock.contains(&format!("payments = \"{moved_payments}\"")),
        "{lock}"
    );
    assert!(lock.contains(&format!("web = \"{web}\"")), "{lock}");
    assert!(!lock.contains(&moved_web), "{lock}");

    // A team that cannot be reached keeps its last record; one no longer listed loses its own.
    std::fs::rename(org.team_dir("web"), org.dir.path().join("gone.git")).unwrap();
    org.write(
        "okr-org.toml",
        &ORG.replace("name = \"payments\"", "name = \"pay\""),
    );
    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 1);
    let lock = lock_of(&org);
    assert_eq!(
        lines(&lock),
        [
            "[teams]".to_owned(),
            format!("pay = \"{moved_payments}\""),
            format!("web = \"{web}\""),
        ]
    );
    // Nor does a team that cannot be reached from a clone that never synced it lose its record.
    let git = git2::Repository::open(org.root()).unwrap();
    git.find_reference("refs/okr/teams/web")
        .unwrap()
        .delete()
        .unwrap();
    assert_exit(&org.run(&["org", "sync"]), 1);
    assert!(lock_of(&org).contains(&format!("web = \"{web}\"")));

    // A file okr did not write is written anew, and okr says so.
    org.write("okr-org.lock", "[teams]\nweb = \"main\"\n");
    let output = org.run(&["org", "sync"]);
    assert_stderr_has(
        &output,
        "note: okr-org.lock was not one okr writes; it is written anew",
    );
    let lock = lock_of(&org);
    assert!(
        lock.contains(&format!("pay = \"{moved_payments}\"")),
        "{lock}"
    );
    assert!(!lock.contains("web ="), "{lock}");
}

/// An okr-org.lock that is a folder or a link is refused before any team is fetched: the sync
/// could not record what it fetched, so it fetches nothing and no ref moves.
#[test]
fn a_lock_that_is_not_a_file_stops_the_sync_before_it_fetches() {
    let org = Org::new(ORG);
    org.commit("payments", "main", &[("okr.toml", TEAM_OKR)]);
    org.commit("web", "main", &[("okr.toml", TEAM_OKR)]);
    let lock = org.root().join("okr-org.lock");
    let outside = org.dir.path().join("outside.lock");
    std::fs::write(&outside, "kept\n").unwrap();
    for (what, make) in [
        (
            "a folder",
            Box::new(|| std::fs::create_dir(&lock).unwrap()) as Box<dyn Fn()>,
        ),
        (
            "a symlink",
            Box::new(|| std::os::unix::fs::symlink(&outside, &lock).unwrap()),
        ),
    ] {
        make();
        let output = org.run(&["org", "sync"]);
        assert_exit(&output, 2);
        assert_stderr_has(&output, &format!("okr-org.lock` is {what}"));
        assert!(
            !stderr(&output).contains("written anew"),
            "{}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "");
        assert!(
            org.refs()
                .iter()
                .all(|(name, _)| !name.starts_with("refs/okr/"))
        );
        let _ = std::fs::remove_dir(&lock).or_else(|_| std::fs::remove_file(&lock));
    }
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "kept\n");
}

/// The second sync: payments' theme now serves `growth` and its key result is at 8 of 10, it
/// adds an initiative; web's `cdn` is done; the org renames `reliability`'s owner.
fn second_sync(org: &Org) {
    org.commit(
        "payments",
        "main",
        &[
            ("themes/db.toml", &theme("parent = \"growth\"\n", 8)),
            ("initiatives/ledger.toml", &initiative("Ledger", "")),
        ],
    );
    org.commit(
        "web",
        "main",
        &[(
            "initiatives/cdn.toml",
            &initiative("CDN", "status = \"done\"\n"),
        )],
    );
    org.write(
        "objectives/reliability.toml",
        "title = \"Nothing pages twice\"\nowner = \"lee\"\n",
    );
    assert_exit(&org.run(&["org", "sync"]), 0);
}

#[test]
fn org_diff_compares_two_recorded_syncs() {
    let (org, git) = recorded_org();
    let first = lock_of(&org);
    second_sync(&org);
    // The working tree with the teams as synced now, against the last recorded sync.
    let output = org.run(&["org", "diff", "HEAD", "--format", "json"]);
    assert_exit(&output, 0);
    let now: Value = serde_json::from_slice(&output.stdout).unwrap();
    commit(&git, "Test", common::START + 60, "Record the second sync");
    let output = org.run(&["org", "diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_exit(&output, 0);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["base"], "HEAD~1");
    assert_eq!(json["head"], "HEAD");
    assert_eq!(now["objectives_changed"], json["objectives_changed"]);
    assert_eq!(now["teams"], json["teams"]);

    let changed = json["objectives_changed"].as_array().unwrap();
    let ids: Vec<&str> = changed.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["growth", "reliability"]);
    // growth: its own 0.5 alone, then with payments' theme at 0.8: (0.5 + 0.8) / 2.
    let growth = &changed[0];
    assert_eq!(growth["progress"]["before"], 0.5);
    assert!((growth["progress"]["after"].as_f64().unwrap() - 0.65).abs() < 1e-9);
    assert_eq!(growth["joined"][0]["team"], "payments");
    assert_eq!(growth["joined"][0]["theme"], "db");
    assert_eq!(growth["left"], serde_json::json!([]));
    // reliability: (0.4 + 1.0) / 2, then web's 1.0 alone; its owner changed.
    let reliability = &changed[1];
    assert!((reliability["progress"]["before"].as_f64().unwrap() - 0.7).abs() < 1e-9);
    assert_eq!(reliability["progress"]["after"], 1.0);
    assert_eq!(reliability["left"][0]["theme"], "db");
    assert_eq!(
        reliability["changes"],
        serde_json::json!([{"field": "owner", "before": "dana", "after": "lee"}])
    );

    let dependencies = &json["dependencies_changed"];
    assert_eq!(dependencies.as_array().unwrap().len(), 1, "{dependencies}");
    assert_eq!(dependencies[0]["to"], "cdn");
    assert_eq!(
        dependencies[0]["to_status"],
        serde_json::json!({"before": "accepted", "after": "done"})
    );

    let teams = json["teams"].as_array().unwrap();
    let names: Vec<&str> = teams.iter().map(|t| t["team"].as_str().unwrap()).collect();
    assert_eq!(names, ["payments", "web"]);
    let payments = &teams[0];
    assert!(first.contains(payments["commit"]["before"].as_str().unwrap()));
    assert_eq!(payments["problem"]["after"], Value::Null);
    let added: Vec<&str> = payments["diff"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(added, ["ledger"]);
    let theme = &payments["diff"]["themes_changed"][0];
    assert_eq!(
        theme["changes"][0],
        serde_json::json!({"field": "parent", "before": "reliability", "after": "growth"})
    );

    let human = org.run(&["org", "diff", "HEAD~1", "HEAD"]);
    assert_exit(&human, 0);
    let out = stdout(&human);
    let before = short(payments["commit"]["before"].as_str().unwrap());
    let after = short(payments["commit"]["after"].as_str().unwrap());
    for line in [
        "HEAD~1 → HEAD: 2 objectives changed, 1 dependency change, 2 teams changed",
        "~ growth: More teams pay (progress 50% → 65%, no health)",
        "    + served by payments/db: Fast pages",
        "~ reliability: Nothing pages twice (progress 70% → 100%, no health)",
        "    owner: \"dana\" → \"lee\"",
        "    - no longer served by payments/db: Fast pages",
        "~ payments/upgrade-pg (active) → web/cdn (accepted → done)",
        &format!("~ payments ({before} → {after}): 1 initiative added, 1 shifted, 1 theme changed"),
        "    + ledger (rank 1, score 0.80): Ledger",
        "        parent: \"reliability\" → \"growth\"",
        "    ~ cdn: score 0.80, left the ranking (was 1)",
    ] {
        assert!(out.lines().any(|l| l == line), "no `{line}` in\n{out}");
    }

    let markdown = org.run(&["org", "diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    assert_exit(&markdown, 0);
    let out = stdout(&markdown);
    for part in [
        "**okr org**: 2 objectives changed, 1 dependency change, 2 teams changed (`HEAD~1` → `HEAD`)",
        "| More teams pay (`growth`) | 50% → 65% | - | now served by Fast pages (`db`) of `payments` |",
        "| moved | `payments` `upgrade-pg` (active) | `web` `cdn` (accepted → done) |",
        "<details><summary><b>payments</b>: 1 initiative added, 1 shifted, 1 theme changed</summary>",
        "| Fast pages (`db`) | changed |",
    ] {
        assert!(out.contains(part), "no `{part}` in\n{out}");
    }
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );

    // The same revision on both sides: nothing.
    let same = org.run(&["org", "diff", "HEAD", "HEAD"]);
    assert_exit(&same, 0);
    assert_eq!(
        stdout(&same),
        "HEAD → HEAD: no change to the org's objectives or teams\n"
    );
}

#[test]
fn a_team_read_on_one_side_only_is_said_once_and_not_counted_as_leaving() {
    let (org, git) = recorded_org();
    // web breaks its own file; payments' theme names an objective the org does not have.
    org.commit(
        "web",
        "main",
        &[(
            "initiatives/cdn.toml",
            &initiative("CDN", "status = \"sideways\"\n"),
        )],
    );
    org.commit(
        "payments",
        "main",
        &[("themes/db.toml", &theme("parent = \"reliabilty\"\n", 4))],
    );
    assert_exit(&org.run(&["org", "sync"]), 0);
    commit(&git, "Test", common::START + 60, "Record the second sync");
    let output = org.run(&["org", "diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_exit(&output, 0);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let web = &json["teams"][1];
    assert_eq!(web["team"], "web");
    assert_eq!(web["problem"]["before"], Value::Null);
    assert_eq!(
        web["problem"]["after"],
        "1 error finding in its files (see `okr org check`)"
    );
    // web's theme left reliability only because web is not read: not said again.
    let reliability = &json["objectives_changed"][0];
    assert_eq!(reliability["id"], "reliability");
    let left: Vec<&str> = reliability["left"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["team"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["payments"]);
    assert_eq!(reliability["progress"]["after"], Value::Null);
    assert_eq!(json["unaligned_added"][0]["theme"], "db");
    assert_eq!(json["unaligned_added"][0]["parent"], "reliabilty");
    // The dependency on web's initiative is web's to say, not a removal.
    assert_eq!(json["dependencies_removed"], serde_json::json!([]));
    assert_eq!(json["dependencies_changed"], serde_json::json!([]));

    let out = stdout(&org.run(&["org", "diff", "HEAD~1", "HEAD"]));
    assert!(
        out.contains("+ payments/db: Fast pages (names `reliabilty`, which the org does not have)"),
        "{out}"
    );
    assert!(
        out.contains("not read: 1 error finding in its files (see `okr org check`)"),
        "{out}"
    );
}

#[test]
fn a_revision_without_a_record_or_with_a_commit_the_repository_lacks_says_so() {
    let (org, git) = recorded_org();
    std::fs::remove_file(org.root().join("okr-org.lock")).unwrap();
    commit(&git, "Test", common::START + 60, "Forget the record");
    let output = org.run(&["org", "diff", "HEAD", "HEAD~1"]);
    assert_exit(&output, 0);
    assert_stderr_has(
        &output,
        "note: `HEAD` has no okr-org.lock, so no team was recorded there",
    );
    let out = stdout(&output);
    // No team was read at HEAD: reliability had no progress there.
    assert!(
        out.starts_with("HEAD → HEAD~1: 1 objective changed, 2 teams changed\n"),
        "{out}"
    );
    assert!(out.contains("~ payments (- → "), "{out}");
    assert!(out.contains("): synced"), "{out}");
    let output = org.run(&["org", "diff", "HEAD", "HEAD~1", "--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["teams"][0]["problem"]["before"],
        "not recorded: `HEAD` has no okr-org.lock"
    );

    // The working tree's side: a team never synced is not synced, whatever a revision holds.
    org.write(
        "okr-org.toml",
        &format!("{ORG}\n[[teams]]\nname = \"search\"\nurl = \"../teams/search.git\"\n"),
    );
    let output = org.run(&["org", "diff", "HEAD~1", "--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let search = &json["teams"][0];
    assert_eq!(search["team"], "search");
    assert_eq!(
        search["listed"],
        serde_json::json!({"before": false, "after": true})
    );
    assert_eq!(
        search["problem"]["after"],
        "not synced: no `refs/okr/teams/search` (run `okr org sync search`)"
    );
    org.write("okr-org.toml", ORG);

    // A record of a commit that is not in the repository (a branch rewritten and gone).
    let missing = "0123456789abcdef0123456789abcdef01234567";
    org.write(
        "okr-org.lock",
        &format!("[teams]\npayments = \"{missing}\"\n"),
    );
    // The working tree's side is the teams as synced now, whatever the file says.
    let output = org.run(&["org", "diff", "HEAD~1", "--format", "json"]);
    assert_exit(&output, 0);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["teams"], serde_json::json!([]));

    commit(
        &git,
        "Test",
        common::START + 120,
        "A record of a lost commit",
    );
    let output = org.run(&["org", "diff", "HEAD~2", "HEAD", "--format", "json"]);
    assert_exit(&output, 0);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let payments = &json["teams"][0];
    assert_eq!(
        payments["problem"]["after"],
        "commit 0123456 is not in this repository (its branch was rewritten since? run `okr org sync`)"
    );
    assert_eq!(payments["diff"], Value::Null);
    let web = &json["teams"][1];
    assert_eq!(
        web["problem"]["after"],
        "not recorded in the okr-org.lock of `HEAD`"
    );
    assert_eq!(web["problem"]["before"], Value::Null);
}

#[test]
fn bad_revisions_and_foreign_locks_are_usage_errors() {
    let (org, git) = recorded_org();
    let output = org.run(&["org", "diff", "nope"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "unknown revision `nope`");

    org.write("okr-org.lock", "[teams]\npayments = \"main\"\n");
    commit(&git, "Test", common::START + 60, "A hand-written lock");
    let output = org.run(&["org", "diff", "HEAD~1", "HEAD"]);
    assert_exit(&output, 2);
    assert_stderr_has(
        &output,
        "okr-org.lock in `HEAD` is not one `okr org sync` writes: team `payments` has `main`, not a commit id",
    );
    assert_stderr_has(&output, "help: run `okr org sync` to write it again");

    // A revision whose okr-org.toml is broken: the findings name it as git does.
    org.write(
        "okr-org.toml",
        &format!("{ORG}\n[[teams]]\nname = \"web\"\nurl = \"x\"\n"),
    );
    commit(&git, "Test", common::START + 120, "List web twice");
    let output = org.run(&["org", "diff", "HEAD", "HEAD~1"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "--> HEAD:okr-org.toml:14:8");
    assert_stderr_has(&output, "error: HEAD:okr-org.toml has 1 problem");
    org.write("okr-org.toml", ORG);

    // A revision from before the org was made.
    let empty = git.treebuilder(None).unwrap().write().unwrap();
    let empty = git.find_tree(empty).unwrap();
    let signature = git.signature().unwrap();
    let before = git
        .commit(None, &signature, &signature, "nothing", &empty, &[])
        .unwrap()
        .to_string();
    let output = org.run(&["org", "diff", &before]);
    assert_exit(&output, 2);
    assert_stderr_has(
        &output,
        &format!(
            "`{}` has no okr-org.toml: it is no revision of this org repository",
            &before[..12]
        ),
    );

    let outside = tempfile::tempdir().unwrap();
    let output = common::okr(outside.path())
        .args(["org", "diff", "HEAD"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}
