//! Output that a repository's contents must not be able to forge: the diff comment's Markdown,
//! what reaches a terminal, and the branch `publish` moves.

mod common;

use std::path::Path;

use common::{TeamRepo, commit, git_cli, stderr};
use git2::Repository;
use proptest::prelude::*;

fn init(repo: &TeamRepo) -> Repository {
    let git = Repository::init(repo.path()).unwrap();
    git.config().unwrap().set_str("user.name", "Test").unwrap();
    git.config()
        .unwrap()
        .set_str("user.email", "test@example.com")
        .unwrap();
    git
}

/// Every ref of the repository with what it points at, symbolic or direct.
fn refs(dir: &Path) -> String {
    git_cli(dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
        + &git_cli(dir, &["symbolic-ref", "HEAD"])
}

// ---- publish: the branch it moves ----

#[test]
fn publish_refuses_a_checked_out_branch_head_and_names_git_refuses() {
    let repo = TeamRepo::example();
    let git = init(&repo);
    commit(&git, "alice", 1_767_571_200, "base");
    let current = git.head().unwrap().shorthand().unwrap().to_owned();
    let linked = tempfile::tempdir().unwrap();
    let linked = linked.path().join("linked");
    git_cli(
        repo.path(),
        &[
            "worktree",
            "add",
            "-b",
            "elsewhere",
            linked.to_str().unwrap(),
        ],
    );
    let before = refs(repo.path());
    for branch in [
        current.as_str(),
        "elsewhere",
        "HEAD",
        "-f",
        "bad..name",
        "a.lock",
        "x y",
    ] {
        for dir in [repo.path(), linked.as_path()] {
            let output = common::okr(dir)
                .args(["publish", &format!("--branch={branch}")])
                .output()
                .unwrap();
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{branch}: {err}");
            assert!(err.contains(&format!("`{branch}`")), "{branch}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    assert_eq!(refs(repo.path()), before, "no ref moved or appeared");
    // A branch no worktree has checked out is still published.
    common::okr(repo.path())
        .args(["publish", "--branch", "okr-docs"])
        .assert()
        .code(0);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// okr takes exactly the branch names that `git check-ref-format --branch` takes (which
    /// refuses `HEAD` and names starting with `-` too).
    #[test]
    fn branch_names_are_the_ones_git_accepts(
        name in "[a-zA-Z./@{}~^:?*\\[\\\\ \t-]{1,6}|(HEAD|-|\\.|/|@)[a-z./-]{0,4}"
    ) {
        let outside = tempfile::tempdir().unwrap();
        let git = std::process::Command::new("git")
            .args(["check-ref-format", "--branch", &name])
            .current_dir(outside.path())
            .env("GIT_CEILING_DIRECTORIES", outside.path())
            .output()
            .unwrap();
        let okr = okr::git::branch_ref(&name);
        prop_assert_eq!(okr.is_ok(), git.status.success(), "{:?}: {:?}", name, okr);
    }
}
