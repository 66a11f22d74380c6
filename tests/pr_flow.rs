//! The pull-request flow end to end, with the exact commands the team workflow runs
//! (`.github/okr-ci.sh`, which `.github/workflows/okr-team.yml` calls): a base commit, a branch
//! that adds an initiative and raises another's impact, then check, diff and publish.
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{TeamRepo, assert_exit, git_cli as git, stdout};

/// Runs `.github/okr-ci.sh` with this build of okr, as the workflow does.
fn okr_ci(dir: &Path, args: &[&str]) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/okr-ci.sh");
    Command::new("bash")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .env("OKR", assert_cmd::cargo::cargo_bin("okr"))
        .env_remove("RUST_BACKTRACE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

#[test]
fn a_pull_request_gets_annotations_a_diff_comment_and_main_publishes() {
    let repo = TeamRepo::example();
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "Alice"]);
    git(dir, &["config", "user.email", "alice@example.com"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "Base"]);
    let base = git(dir, &["rev-parse", "HEAD"]);
    let origin = tempfile::tempdir().unwrap();
    git(origin.path(), &["init", "-q", "--bare"]);
    git(
        dir,
        &[
            "remote",
            "add",
            "origin",
            &origin.path().display().to_string(),
        ],
    );
    git(dir, &["push", "-q", "origin", "main"]);

    // The pull request.
    git(dir, &["checkout", "-q", "-b", "sso"]);
    repo.write(
        "initiatives/single-sign-on.toml",
        "title = \"Single sign-on for every internal tool\"\nproblem = \"Nine logins a day.\"\nowner = \"grace\"\ntags = [\"security\"]\nimpact = \"huge\"\ncost = \"s\"\n",
    );
    let hermetic = repo
        .read("initiatives/hermetic-builds.toml")
        .replace("impact = \"high\"", "impact = \"huge\"");
    repo.write("initiatives/hermetic-builds.toml", hermetic);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "Propose single sign-on"]);

    // check: annotations for the pull request.
    let output = okr_ci(dir, &["check"]);
    assert_exit(&output, 0);
    let annotations = stdout(&output);
    assert!(
        annotations.contains("::warning file=initiatives/single-sign-on.toml,line=4,col=8,endLine=4,endColumn=20,title=okr orphan::`single-sign-on` joins no theme"),
        "{annotations}"
    );

    // diff: the comment body, marker first.
    let comment = repo.file("comment.md");
    let output = okr_ci(
        dir,
        &["diff", &base, "HEAD", &comment.display().to_string()],
    );
    assert_exit(&output, 0);
    let body = std::fs::read_to_string(&comment).unwrap();
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("<!-- okr-diff -->"));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("**okr**: 1 initiative added, 1 changed,"),
        "{body}"
    );
    assert!(
        body.contains(
            "| 1 | Single sign-on for every internal tool (`single-sign-on`) | grace | 2.00 | - |"
        ),
        "{body}"
    );
    assert!(
        body.contains("(`hermetic-builds`) | impact | high | huge |"),
        "{body}"
    );
    assert!(body.contains("### New findings"), "{body}");
    assert!(body.contains("`orphan`"), "{body}");

    // Merged: main publishes the documents to the docs branch on origin.
    std::fs::remove_file(&comment).unwrap();
    git(dir, &["checkout", "-q", "main"]);
    git(dir, &["merge", "-q", "--ff-only", "sso"]);
    let output = okr_ci(dir, &["publish", "okr-docs", "Publish"]);
    assert_exit(&output, 0);
    let published = git(origin.path(), &["ls-tree", "--name-only", "okr-docs"]);
    assert_eq!(
        published,
        "README.md\nboring-deploys.md\ndata-we-trust.md\nsee-it-first.md"
    );
    let readme = git(origin.path(), &["show", "okr-docs:README.md"]);
    assert!(
        readme.contains("Single sign-on for every internal tool"),
        "{readme}"
    );
    // Publishing again changes nothing on the remote.
    let tip = git(origin.path(), &["rev-parse", "okr-docs"]);
    let output = okr_ci(dir, &["publish", "okr-docs", "Publish"]);
    assert_exit(&output, 0);
    assert_eq!(git(origin.path(), &["rev-parse", "okr-docs"]), tip);
    assert_eq!(git(dir, &["status", "--porcelain"]), "");
}
