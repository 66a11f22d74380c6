//! What a repository holds that okr must not read as a file: FIFOs, sockets and devices,
//! hidden files, links into `.git`, and git blobs over the size limit. Each is reported (a
//! finding, or an error naming it) without being opened or read whole, and no command blocks.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{
    TeamRepo, assert_exit, assert_no_panic, commit_tree, findings_json, git_repo, message_of,
    raw_tree, rules_of, run_within, stderr, stdout,
};

/// A token as a CI checkout leaves it in `.git/config`; no output may ever show it.
const SECRET: &str = "c2VjcmV0LXRva2Vu";

/// Runs okr in `dir`, killed after 20 s: a read that blocks fails the test instead of hanging
/// the suite.
fn run(dir: &Path, args: &[&str]) -> Output {
    let mut command = common::okr_std(dir);
    command.args(args).stdin(Stdio::null());
    run_within(command, Duration::from_secs(20))
}

/// [`assert_no_panic`], and the secret is nowhere in what okr printed.
fn assert_clean_exit(output: &Output, what: &str) {
    assert_no_panic(output, what);
    let all = format!("{}{}", stdout(output), stderr(output));
    assert!(!all.contains(SECRET), "{what} showed the secret: {all}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
fn socket(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // The socket file stays when the listener is dropped.
    drop(std::os::unix::net::UnixListener::bind(path).unwrap());
}

/// A character device like `/dev/null`, where the file system and the user allow one (root).
#[cfg(unix)]
fn device(path: &Path) -> bool {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    Command::new("mknod")
        .arg(path)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Adds a CI checkout's credential line to `.git/config`, first, so any read of it as TOML fails
/// on that line and quotes it.
fn plant_secret(dir: &Path) {
    let config = dir.join(".git/config");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n{text}"),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn a_template_that_is_not_a_regular_file_is_not_opened() {
    type Make = fn(&Path) -> bool;
    let cases: [(&str, Make); 4] = [
        ("a FIFO", |p| {
            mkfifo(p);
            true
        }),
        ("a FIFO", |p| {
            // A link inside the repository to a FIFO.
            mkfifo(&p.parent().unwrap().parent().unwrap().join("pipe"));
            std::os::unix::fs::symlink("../pipe", p).unwrap();
            true
        }),
        ("a socket", |p| {
            socket(p);
            true
        }),
        ("a character device", device),
    ];
    for (what, make) in cases {
        let repo = TeamRepo::example();
        std::fs::create_dir(repo.file("templates")).unwrap();
        if !make(&repo.file("templates/index.md.j2")) {
            eprintln!("skipped {what}: no device nodes here");
            continue;
        }
        let output = run(repo.path(), &["render"]);
        assert_clean_exit(&output, what);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{what}: {message}");
        assert!(
            message.contains("templates/index.md.j2") && message.contains(what),
            "{what}: {message}"
        );
        assert!(!message.contains("0 bytes"), "{message}");
    }
}

#[cfg(unix)]
#[test]
fn fifos_sockets_and_devices_among_initiatives_are_findings() {
    let repo = TeamRepo::example();
    mkfifo(&repo.file("initiatives/pipe.toml"));
    mkfifo(&repo.file("themes/pipe.toml"));
    socket(&repo.file("initiatives/2026-Q1/socket.toml"));
    mkfifo(&repo.file("elsewhere/pipe"));
    std::os::unix::fs::symlink("../elsewhere/pipe", repo.file("initiatives/linked.toml")).unwrap();
    let mut expected = vec![
        "initiatives/2026-Q1/socket.toml",
        "initiatives/linked.toml",
        "initiatives/pipe.toml",
        "themes/pipe.toml",
    ];
    if device(&repo.file("initiatives/device.toml")) {
        expected.push("initiatives/device.toml");
    }
    let output = run(repo.path(), &["check", "--format", "json"]);
    assert_clean_exit(&output, "check");
    assert_exit(&output, 1);
    let found = findings_json(&output);
    for file in expected {
        assert_eq!(rules_of(&found, file), ["not-a-file"], "{file}: {found:#?}");
    }
    let message = message_of(&found, "initiatives/pipe.toml");
    assert!(message.contains("a FIFO"), "{message}");
}

#[test]
fn hidden_toml_files_are_reported_and_not_read() {
    let repo = TeamRepo::example();
    repo.write("initiatives/.secret.toml", format!("x = {SECRET}"));
    repo.write("initiatives/.drafts/idea.toml", format!("x = {SECRET}"));
    repo.write("themes/.old.toml", format!("x = {SECRET}"));
    // Not TOML, and git's own files: nothing to say.
    repo.write("initiatives/.notes.md", "notes");
    repo.write("initiatives/.git/config", format!("x = {SECRET}"));
    #[cfg(unix)]
    mkfifo(&repo.file("initiatives/.pipe.toml"));
    let hidden = [
        "initiatives/.drafts/idea.toml",
        "initiatives/.secret.toml",
        "themes/.old.toml",
    ];
    let output = run(repo.path(), &["check", "--format", "json"]);
    assert_clean_exit(&output, "check");
    let found = findings_json(&output);
    for file in hidden {
        assert_eq!(
            rules_of(&found, file),
            ["hidden-file"],
            "{file}: {found:#?}"
        );
    }
    #[cfg(unix)]
    assert_eq!(rules_of(&found, "initiatives/.pipe.toml"), ["hidden-file"]);
    assert!(rules_of(&found, "initiatives/.notes.md").is_empty());
    assert!(rules_of(&found, "initiatives/.git/config").is_empty());
    // A warning: a team may keep drafts that way on purpose.
    assert_exit(&output, 0);

    // The same from git objects (git's index takes neither a FIFO nor a `.git`).
    #[cfg(unix)]
    std::fs::remove_file(repo.file("initiatives/.pipe.toml")).unwrap();
    std::fs::remove_dir_all(repo.file("initiatives/.git")).unwrap();
    let git = git_repo(repo.path());
    common::commit(&git, "Test", 1_767_600_000, "add");
    let output = run(repo.path(), &["check", "--format", "json", "--rev", "HEAD"]);
    assert_clean_exit(&output, "check --rev");
    let found = findings_json(&output);
    for file in hidden {
        assert_eq!(
            rules_of(&found, file),
            ["hidden-file"],
            "{file}: {found:#?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn links_into_git_are_outside_the_repository() {
    use std::os::unix::fs::symlink;
    let repo = TeamRepo::example();
    git_repo(repo.path());
    plant_secret(repo.path());
    repo.write(".git/leak.toml", format!("x = {SECRET}"));
    // A submodule's git folder, and a worktree's `.git` file.
    repo.write("sub/.git/config", format!("x = {SECRET}"));
    repo.write("wt/.git", format!("gitdir: {SECRET}"));
    symlink("../.git/config", repo.file("initiatives/config.toml")).unwrap();
    symlink("../.git", repo.file("initiatives/gitdir")).unwrap();
    symlink("../sub/.git/config", repo.file("initiatives/sub.toml")).unwrap();
    symlink("../wt/.git", repo.file("initiatives/wt.toml")).unwrap();
    symlink("../.git/leak.toml", repo.file("themes/leak.toml")).unwrap();
    let output = run(repo.path(), &["check", "--format", "json"]);
    assert_clean_exit(&output, "check");
    assert_exit(&output, 1);
    let found = findings_json(&output);
    for file in [
        "initiatives/config.toml",
        "initiatives/gitdir",
        "initiatives/sub.toml",
        "initiatives/wt.toml",
        "themes/leak.toml",
    ] {
        assert_eq!(
            rules_of(&found, file),
            ["symlink-outside"],
            "{file}: {found:#?}"
        );
        let message = message_of(&found, file);
        assert!(message.contains("`.git`"), "{message}");
    }
    // The human report quotes lines of files: none of git's.
    let output = run(repo.path(), &["check"]);
    assert_clean_exit(&output, "check, human");

    // A template, and the templates folder.
    let repo = TeamRepo::example();
    git_repo(repo.path());
    plant_secret(repo.path());
    std::fs::create_dir(repo.file("templates")).unwrap();
    symlink("../.git/config", repo.file("templates/index.md.j2")).unwrap();
    let output = run(repo.path(), &["render"]);
    assert_clean_exit(&output, "render, template");
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("`.git`"), "{}", stderr(&output));
    std::fs::remove_dir_all(repo.file("templates")).unwrap();
    repo.write(".git/index.md.j2", SECRET);
    symlink(".git", repo.file("templates")).unwrap();
    let output = run(repo.path(), &["render"]);
    assert_clean_exit(&output, "render, templates folder");
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("`.git`"), "{}", stderr(&output));
    assert!(
        !repo.file("okrs").exists()
            || !common::snapshot_tree(&repo.file("okrs"))
                .iter()
                .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains(SECRET))
    );

    // A folder okr.toml names that is a link into `.git`.
    let repo = TeamRepo::empty();
    git_repo(repo.path());
    repo.write(".git/leak.toml", format!("x = {SECRET}"));
    repo.write(
        "okr.toml",
        "[team]\nname = \"T\"\n[paths]\ninitiatives = \"docs\"\n",
    );
    symlink(".git", repo.file("docs")).unwrap();
    let output = run(repo.path(), &["check", "--format", "json"]);
    assert_clean_exit(&output, "check, paths");
    assert_eq!(
        rules_of(&findings_json(&output), "docs"),
        ["symlink-outside"]
    );
}

#[test]
fn a_link_in_a_git_tree_never_resolves_into_git() {
    let repo = TeamRepo::empty();
    let git = git_repo(repo.path());
    let blob = |bytes: &[u8]| git.blob(bytes).unwrap();
    let config = raw_tree(
        &git,
        &[("100644", "config", blob(format!("x = {SECRET}").as_bytes()))],
    );
    let initiatives = raw_tree(&git, &[("120000", "leak.toml", blob(b"../.git/config"))]);
    let root = raw_tree(
        &git,
        &[
            ("40000", ".git", config),
            ("40000", "initiatives", initiatives),
            ("100644", "okr.toml", blob(b"[team]\nname = \"T\"\n")),
        ],
    );
    let commit = commit_tree(&git, root, &[]);
    let output = run(
        repo.path(),
        &["check", "--format", "json", "--rev", &commit],
    );
    assert_clean_exit(&output, "check --rev");
    let found = findings_json(&output);
    assert_eq!(
        rules_of(&found, "initiatives/leak.toml"),
        ["symlink-outside"]
    );
    assert!(
        found[0]["message"].as_str().unwrap().contains("`.git`"),
        "{found:#?}"
    );
}

/// Peak resident memory of `okr args` in KiB, as the kernel counted it.
fn peak_kib(dir: &Path, args: &[&str]) -> Option<u64> {
    let mut command = common::okr_std(dir);
    command.args(args);
    Some(common::measured(command, 60).peak_kib)
}

#[test]
fn an_oversized_blob_is_not_read() {
    const SIZE: usize = 50 << 20;
    let repo = TeamRepo::empty();
    let git = git_repo(repo.path());
    let base = common::commit(&git, "Test", 1_767_600_000, "base");
    // Compressed, the object is small; read, it is 50 MiB.
    // Built and let go in a block: a child's peak counts its parent's memory at the spawn.
    let big = {
        let mut bytes = vec![b'#'; SIZE];
        bytes.extend_from_slice(b"\n");
        git.blob(&bytes).unwrap()
    };
    let link = git.blob(b"big.toml").unwrap();
    let initiatives = raw_tree(
        &git,
        &[("100644", "big.toml", big), ("120000", "link.toml", link)],
    );
    let okr_toml = git.blob(b"[team]\nname = \"Test\"\n").unwrap();
    let root = raw_tree(
        &git,
        &[
            ("40000", "initiatives", initiatives),
            ("100644", "okr.toml", okr_toml),
        ],
    );
    commit_tree(&git, root, &[base]);

    let output = run(repo.path(), &["check", "--format", "json", "--rev", "HEAD"]);
    assert_clean_exit(&output, "check --rev");
    let found = findings_json(&output);
    for file in ["initiatives/big.toml", "initiatives/link.toml"] {
        assert_eq!(rules_of(&found, file), ["file-too-large"], "{found:#?}");
    }
    let base = base.to_string();
    for args in [
        &["check", "--format", "json", "--rev", "HEAD"][..],
        &["diff", &base, "HEAD", "--format", "json"],
        &["history", "--format", "json"],
    ] {
        let output = run(repo.path(), args);
        assert_clean_exit(&output, &args.join(" "));
        assert_ne!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        // Reading the blob would take 50 MiB, and a copy of it as much again.
        if let Some(peak) = peak_kib(repo.path(), args) {
            let limit = SIZE as u64 / 1024;
            assert!(
                peak < limit,
                "`okr {}` peaked at {peak} KiB",
                args.join(" ")
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn an_okr_toml_that_is_not_a_regular_file_stops_the_search_for_the_root() {
    type Make = fn(&Path) -> bool;
    let cases: [(&str, Make); 5] = [
        ("a FIFO", |p| {
            mkfifo(p);
            true
        }),
        ("a folder", |p| {
            std::fs::create_dir(p).unwrap();
            true
        }),
        ("a FIFO", |p| {
            // A link inside the repository to a FIFO.
            mkfifo(&p.parent().unwrap().join("pipe"));
            std::os::unix::fs::symlink("pipe", p).unwrap();
            true
        }),
        ("a character device", |p| {
            std::os::unix::fs::symlink("/dev/zero", p).unwrap();
            true
        }),
        ("a socket", |p| {
            socket(p);
            true
        }),
    ];
    for (what, make) in cases {
        // A team repository above the checkout, whose files okr must not read for it.
        let outer = TeamRepo::example();
        let inner = outer.file("checkout");
        std::fs::create_dir(&inner).unwrap();
        git_repo(&inner);
        assert!(make(&inner.join("okr.toml")), "{what}");
        for args in [&["check"][..], &["-C", "checkout", "list"][..]] {
            let dir = if args[0] == "-C" {
                outer.path()
            } else {
                &inner
            };
            let output = run(dir, args);
            assert_clean_exit(&output, what);
            let message = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{what}: {message}");
            assert!(
                message.contains(&format!("file is {what}"))
                    && message.contains("not a regular file; okr does not open it"),
                "{what}: {message}"
            );
            assert!(message.contains("okr.toml"), "{what}: {message}");
            assert!(stdout(&output).is_empty(), "{what}: {}", stdout(&output));
        }
    }
}

#[test]
fn the_search_for_okr_toml_stops_at_the_top_of_a_git_repository() {
    let outer = TeamRepo::example();
    let inner = outer.file("checkout");
    std::fs::create_dir_all(inner.join("sub")).unwrap();
    git_repo(&inner);
    for dir in [inner.clone(), inner.join("sub")] {
        let output = run(&dir, &["list"]);
        assert_clean_exit(&output, "list");
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{message}");
        assert!(
            message.contains("not an okr repository: no okr.toml in")
                && message.contains("stops at the top of a git repository"),
            "{message}"
        );
    }
    // Below the top of a git repository, okr.toml is found in a folder above: a team
    // repository in a folder of a larger one.
    git_repo(outer.path());
    let output = run(&outer.file("initiatives/2026-Q1"), &["list"]);
    assert_clean_exit(&output, "list");
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("merge-queue"),
        "{}",
        stdout(&output)
    );
}
