//! `okr init` and `okr new`: files that pass `okr check` as written, and no overwrites.

mod common;

use common::{TeamRepo, assert_exit, assert_stderr_has, okr, stderr};

#[test]
fn init_writes_a_repository_that_passes_check_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let output = okr(dir.path())
        .args(["init", "team", "--team", "Platform"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let team = dir.path().join("team");
    for file in ["okr.toml", ".github/workflows/okr.yml"] {
        assert!(team.join(file).is_file(), "{file}");
    }
    let config = std::fs::read_to_string(team.join("okr.toml")).unwrap();
    assert!(config.contains("name = \"Platform\""));
    // Every key is explained.
    let lines: Vec<&str> = config.lines().collect();
    for key in [
        "initiatives =",
        "output =",
        "formula =",
        "known =",
        "stale_days =",
        "checkin_days =",
        "impact =",
    ] {
        let at = lines.iter().position(|l| l.starts_with(key)).unwrap();
        let explained = lines[at].contains('#')
            || lines[at - 1].starts_with('#')
            || lines[at - 1].contains("] ");
        assert!(explained, "{}", lines[at]);
    }
    // The workflow runs the weekly check-ins-due update, with the right to keep its issue.
    let workflow = std::fs::read_to_string(team.join(".github/workflows/okr.yml")).unwrap();
    for needed in [
        "  schedule:\n    - cron: ",
        "  workflow_dispatch:",
        "issues: write",
    ] {
        assert!(workflow.contains(needed), "{needed}\n{workflow}");
    }
    okr(&team)
        .args(["check", "--deny-warnings"])
        .assert()
        .code(0);

    std::fs::write(team.join("okr.toml"), "[team]\nname = \"Mine\"\n").unwrap();
    let output = okr(dir.path()).args(["init", "team"]).output().unwrap();
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(err.contains("skipped okr.toml"), "{err}");
    assert!(err.contains("skipped .github/workflows/okr.yml"), "{err}");
    assert_eq!(
        std::fs::read_to_string(team.join("okr.toml")).unwrap(),
        "[team]\nname = \"Mine\"\n"
    );
}

#[test]
fn new_writes_an_initiative_that_passes_check() {
    let repo = TeamRepo::example();
    let output = repo.run(&[
        "new",
        "Cache \"npm\" installs in CI",
        "--tag",
        "ci",
        "--impact",
        "medium",
        "--cost",
        "xs",
        "--owner",
        "zoe",
        "--problem",
        "Every job downloads the same packages.",
    ]);
    assert_exit(&output, 0);
    assert!(stderr(&output).contains("created initiatives/cache-npm-installs-in-ci.toml"));
    assert_stderr_has(&output, "passes `okr check`");
    let text = repo.read("initiatives/cache-npm-installs-in-ci.toml");
    assert!(
        text.contains("title = 'Cache \"npm\" installs in CI'")
            || text.contains("title = \"Cache \\\"npm\\\" installs in CI\""),
        "{text}"
    );
    assert!(text.contains("period = \"2026-Q1\""), "{text}");
    repo.okr().arg("check").assert().code(0);
}

#[test]
fn new_says_which_fields_to_fill_and_takes_the_owner_from_git() {
    let repo = TeamRepo::example();
    let git = git2::Repository::init(repo.path()).unwrap();
    git.config()
        .unwrap()
        .set_str("user.name", "Grace Hopper")
        .unwrap();
    let output = repo.run(&["new", "Something bold"]);
    // Written, but not done: a script must not take it for a finished initiative.
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("created initiatives/something-bold.toml"),
        "{err}"
    );
    assert!(err.contains("fill in"), "{err}");
    let text = repo.read("initiatives/something-bold.toml");
    for field in ["problem", "tags", "impact", "cost"] {
        let line = 1 + text
            .lines()
            .position(|l| l.starts_with(&format!("{field} =")))
            .unwrap();
        let place = format!("initiatives/something-bold.toml:{line}: `{field}`");
        assert!(err.contains(&place), "{place}: {err}");
    }
    let text = repo.read("initiatives/something-bold.toml");
    assert!(text.contains("owner = \"Grace Hopper\""), "{text}");
}

#[test]
fn new_refuses_an_existing_id_and_bad_levels() {
    let repo = TeamRepo::example();
    let before = repo.read("initiatives/merge-queue.toml");
    let output = repo.run(&["new", "Merge queue"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "already exists");
    assert_eq!(repo.read("initiatives/merge-queue.toml"), before);

    let output = repo.run(&["new", "Other", "--impact", "hgh"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "did you mean `high`?");
    assert!(!repo.file("initiatives/other.toml").exists());

    let output = repo.run(&["new", "???"]);
    assert_exit(&output, 2);
}

#[test]
fn init_ignores_the_output_folder_and_names_the_team_after_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let output = okr(dir.path())
        .args(["init", "payments-team"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let team = dir.path().join("payments-team");
    let config = std::fs::read_to_string(team.join("okr.toml")).unwrap();
    assert!(config.contains("name = \"Payments team\""), "{config}");
    let ignore = std::fs::read_to_string(team.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/okrs/"), "{ignore}");
    assert!(stderr(&output).contains("created .gitignore"));

    // A second run finds the line and neither writes nor says anything about it.
    let output = okr(&team).arg("init").output().unwrap();
    assert_exit(&output, 0);
    assert!(
        !stderr(&output).contains(".gitignore"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(team.join(".gitignore")).unwrap(),
        ignore
    );

    let output = okr(dir.path())
        .args(["init", "platform_infra"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let config = std::fs::read_to_string(dir.path().join("platform_infra/okr.toml")).unwrap();
    assert!(config.contains("name = \"Platform infra\""), "{config}");
}

#[test]
fn init_appends_to_an_existing_gitignore_and_keeps_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "target/\n*.log").unwrap();
    let output = okr(dir.path()).arg("init").output().unwrap();
    assert_exit(&output, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "target/\n*.log\n/okrs/\n"
    );
    let err = stderr(&output);
    assert!(err.contains("added /okrs/ to .gitignore"), "{err}");

    // An okr.toml that init keeps decides the folder.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("okr.toml"),
        "[team]\nname = \"T\"\n[paths]\noutput = \"docs/okr\"\n",
    )
    .unwrap();
    std::fs::write(other.path().join(".gitignore"), "okrs/\n").unwrap();
    okr(other.path()).arg("init").assert().code(0);
    assert_eq!(
        std::fs::read_to_string(other.path().join(".gitignore")).unwrap(),
        "okrs/\n/docs/okr/\n"
    );
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_linked_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere");
    std::fs::write(&target, "secret\n").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join(".gitignore")).unwrap();
    let output = okr(dir.path()).arg("init").output().unwrap();
    assert_exit(&output, 0);
    assert_stderr_has(&output, "skipped .gitignore");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "secret\n");
}

#[test]
fn new_spells_a_title_in_ascii_for_the_id() {
    let repo = TeamRepo::example();
    let output = repo.run(&["new", "Ünïcode café rollout", "--no-input"]);
    assert_stderr_has(&output, "created initiatives/unicode-cafe-rollout.toml");
    assert!(
        repo.read("initiatives/unicode-cafe-rollout.toml")
            .contains("title = \"Ünïcode café rollout\"")
    );
}

#[test]
fn new_takes_every_field_from_flags_and_the_file_passes_check() {
    let repo = TeamRepo::example();
    let output = repo.run(&[
        "new",
        "Shard the test suite",
        "--tag",
        "ci",
        "--impact",
        "high",
        "--cost",
        "s",
        "--confidence",
        "low",
        "--owner",
        "zoe",
        "--problem",
        "The suite takes 40 minutes.",
        "--outcome",
        "The suite takes 10 minutes.",
        "--supporter",
        "bob",
        "--supporter",
        "Ann Lee",
        "--depends-on",
        "merge-queue",
        "--period",
        "2026",
        "--status",
        "accepted",
        "--no-input",
    ]);
    assert_exit(&output, 0);
    let text = repo.read("initiatives/shard-the-test-suite.toml");
    for line in [
        "outcome = \"The suite takes 10 minutes.\"",
        "supporters = [\"bob\", \"Ann Lee\"]",
        "depends_on = [\"merge-queue\"]",
        "status = \"accepted\"",
        "period = \"2026\"",
        "confidence = \"low\"",
        "# [[key_results]]",
    ] {
        assert!(text.lines().any(|l| l.starts_with(line)), "{line}: {text}");
    }
    // The key result stub is a real one once uncommented.
    let (head, stub) = text.split_at(text.find("# [[key_results]]").unwrap());
    let stub: String = stub
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap()))
        .collect();
    let uncommented = format!("{head}{stub}");
    repo.write("initiatives/shard-the-test-suite.toml", &uncommented);
    let output = repo.run(&["check", "--format", "json"]);
    assert_exit(&output, 0);

    let output = repo.run(&["new", "Other", "--status", "activ", "--no-input"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "did you mean `active`?");
    assert!(!repo.file("initiatives/other.toml").exists());
}

#[test]
fn init_org_writes_an_org_that_passes_org_check_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let output = okr(dir.path())
        .args(["init", "--org", "acme-engineering"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let org = dir.path().join("acme-engineering");
    let files = [
        "okr-org.toml",
        "objectives/reliability.toml",
        ".github/workflows/okr-org.yml",
        ".okr/schema/org.json",
        ".okr/schema/objective.json",
    ];
    for file in files {
        assert!(org.join(file).is_file(), "{file}");
        assert_stderr_has(&output, &format!("created {file}"));
    }
    // No team files: an org repository is not a team's.
    assert!(!org.join("okr.toml").exists());
    let config = std::fs::read_to_string(org.join("okr-org.toml")).unwrap();
    assert!(config.contains("name = \"Acme engineering\""), "{config}");
    assert!(config.contains("period = \"20"), "{config}");
    // The daily workflow installs the okr of this release, then syncs and checks.
    let workflow = std::fs::read_to_string(org.join(".github/workflows/okr-org.yml")).unwrap();
    let action = format!("uses: okr-tool/okr@v{}\n", env!("CARGO_PKG_VERSION"));
    for needed in [
        "  schedule:\n    - cron: ",
        "  workflow_dispatch:",
        action.as_str(),
        "credential.https://github.com.helper",
        "okr org sync\n",
        "okr org check --format github\n",
        // Then it publishes the org's documents to okr-docs and pushes them, with the job's
        // token: the one write permission it needs.
        "    permissions:\n      contents: write ",
        "OKR_ORG_TOKEN: ${{ github.token }}\n",
        "okr org publish --branch okr-docs ",
        "git push origin okr-docs\n",
        // Then it records the sync on its own branch and summarises the day's changes.
        "okr org diff HEAD --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n",
        "git add okr-org.lock\n",
        "git push origin \"HEAD:${GITHUB_REF_NAME}\"\n",
    ] {
        assert!(workflow.contains(needed), "{needed}\n{workflow}");
    }
    // The release binary fetches over https: nothing tells to build another okr for it.
    assert!(!workflow.contains("--features"), "{workflow}");
    assert!(!workflow.contains("cargo install"), "{workflow}");
    // The token is not left in .git/config, and the job asks for no other write permission.
    assert!(
        workflow.contains("persist-credentials: false"),
        "{workflow}"
    );
    assert_eq!(workflow.matches(": write").count(), 1, "{workflow}");
    for placeholder in ["{{repository}}", "{{ref}}", "{{org}}"] {
        assert!(!workflow.contains(placeholder), "{workflow}");
    }

    // The example teams are commented out: the fresh org checks clean before any sync.
    let output = okr(&org).args(["org", "check"]).output().unwrap();
    assert_exit(&output, 0);
    assert!(common::stdout(&output).contains("1 objective"));

    // Uncommented, the example teams are valid: not synced yet is all the check finds.
    git2::Repository::init(&org).unwrap();
    let uncommented: String = config
        .lines()
        .map(|line| {
            let bare = line.strip_prefix("# ").unwrap_or(line);
            let team_line = ["[[teams]]", "name =", "url =", "ref =", "docs ="]
                .iter()
                .any(|key| bare.starts_with(key));
            if team_line { bare } else { line }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(org.join("okr-org.toml"), &uncommented).unwrap();
    let output = okr(&org)
        .args(["org", "check", "--format", "json"])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let out = common::stdout(&output);
    assert_eq!(out.matches("\"unsynced-team\"").count(), 2, "{out}");

    // A second run overwrites nothing.
    std::fs::write(
        org.join("objectives/reliability.toml"),
        "title = \"Mine\"\n",
    )
    .unwrap();
    let output = okr(dir.path())
        .args(["init", "--org", "acme-engineering"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    for file in files {
        assert_stderr_has(&output, &format!("skipped {file}"));
    }
    assert_eq!(
        std::fs::read_to_string(org.join("okr-org.toml")).unwrap(),
        uncommented
    );
    assert_eq!(
        std::fs::read_to_string(org.join("objectives/reliability.toml")).unwrap(),
        "title = \"Mine\"\n"
    );

    // A team name has no place in an org.
    let output = okr(dir.path())
        .args(["init", "--org", "x", "--team", "Web"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
}
