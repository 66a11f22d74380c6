//! What a repository's own files cannot make okr's writes do: write through a link or into
//! `.git`.

mod common;

use std::process::Output;

use common::{TeamRepo, snapshot_tree, stderr};

fn no_panic(output: &Output) {
    let err = stderr(output);
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

/// Makes `repo` a git repository with everything committed.
fn git_init(repo: &TeamRepo) -> git2::Repository {
    let git = git2::Repository::init(repo.path()).unwrap();
    common::commit(&git, "Ada", 1_700_000_000, "team files");
    git
}

fn render(repo: &TeamRepo) -> Output {
    let output = repo.okr().arg("render").output().unwrap();
    no_panic(&output);
    output
}

#[cfg(unix)]
#[test]
fn no_write_lands_in_git_or_passes_through_a_link() {
    // A committed link into `.git` on the way to the output folder.
    let repo = TeamRepo::example();
    let config = repo.read("okr.toml");
    repo.write(
        "okr.toml",
        format!("{config}\n[paths]\noutput = \"docs/okrs\"\n"),
    );
    let git = git_init(&repo);
    let refs_before = snapshot_tree(&repo.file(".git/refs"));
    std::os::unix::fs::symlink(".git/refs/heads", repo.file("docs")).unwrap();
    let output = render(&repo);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("`docs`"), "{}", stderr(&output));
    assert!(!repo.file(".git/refs/heads/okrs").exists());
    assert!(
        snapshot_tree(&repo.file(".git/refs")) == refs_before,
        "refs changed"
    );
    drop(git);

    // The output folder itself is a link to `.git`, or to a folder inside the repository:
    // okr writes through no link at all.
    for target in [".git", "elsewhere"] {
        let repo = TeamRepo::example();
        git_init(&repo);
        std::fs::create_dir_all(repo.file("elsewhere")).unwrap();
        std::os::unix::fs::symlink(target, repo.file("okrs")).unwrap();
        let output = render(&repo);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{target}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("`okrs`"), "{}", stderr(&output));
        assert!(!repo.file(".git/README.md").exists());
        assert!(!repo.file("elsewhere/README.md").exists());
    }

    // `fmt` formats nothing that its path reaches through a link into `.git`.
    let repo = TeamRepo::example();
    git_init(&repo);
    std::fs::create_dir_all(repo.file(".git/ideas")).unwrap();
    let messy = "title   =   \"Messy\"\n";
    std::fs::write(repo.file(".git/ideas/messy.toml"), messy).unwrap();
    std::fs::rename(repo.file("initiatives"), repo.file("real-initiatives")).unwrap();
    std::os::unix::fs::symlink(".git/ideas", repo.file("initiatives")).unwrap();
    let output = repo.okr().arg("fmt").output().unwrap();
    no_panic(&output);
    assert_eq!(
        std::fs::read_to_string(repo.file(".git/ideas/messy.toml")).unwrap(),
        messy
    );
}

#[cfg(unix)]
#[test]
fn new_and_init_refuse_a_link_that_leaves_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    let repo = TeamRepo::example();
    std::fs::rename(repo.file("initiatives"), repo.file("real-initiatives")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.file("initiatives")).unwrap();
    let output = repo
        .okr()
        .args([
            "new",
            "Escape the repository",
            "--owner",
            "ada",
            "--tag",
            "x",
        ])
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("`initiatives`"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("passes"), "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);

    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join(".github")).unwrap();
    let output = common::okr(dir.path())
        .args(["init", ".", "--team", "Platform"])
        .output()
        .unwrap();
    no_panic(&output);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("`.github`"), "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // Nothing was written before the refusal.
    assert!(!dir.path().join("okr.toml").exists());
}
