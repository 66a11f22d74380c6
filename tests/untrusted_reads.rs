//! What a repository holds that okr must not read as a file: FIFOs, sockets and devices,
//! hidden files, links into `.git`, and git blobs over the size limit. Each is reported (a
//! finding, or an error naming it) without being opened or read whole, and no command blocks.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{TeamRepo, stderr, stdout};

/// A token as a CI checkout leaves it in `.git/config`; no output may ever show it.
const SECRET: &str = "c2VjcmV0LXRva2Vu";

/// Runs okr in `dir`, killed after 20 s: a read that blocks fails the test instead of hanging
/// the suite.
fn run(dir: &Path, args: &[&str]) -> Output {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_okr"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env_remove("NO_COLOR")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`okr {}` did not finish in 20 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |mut file: std::fs::File| {
        use std::io::{Read, Seek};
        let mut bytes = Vec::new();
        file.seek(std::io::SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut bytes).unwrap();
        bytes
    };
    Output {
        status,
        stdout: read(out),
        stderr: read(err),
    }
}

/// (file, rule, message) of every finding in `check --format json` output.
fn findings(output: &Output) -> Vec<(String, String, String)> {
    let value: serde_json::Value = serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(output), stderr(output)));
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap().to_owned();
            (text("file"), text("rule"), text("message"))
        })
        .collect()
}

fn rules_of<'a>(found: &'a [(String, String, String)], file: &str) -> Vec<&'a str> {
    found
        .iter()
        .filter(|(f, _, _)| f == file)
        .map(|(_, rule, _)| rule.as_str())
        .collect()
}

fn assert_clean_exit(output: &Output, what: &str) {
    let all = format!("{}{}", stdout(output), stderr(output));
    assert!(
        !all.contains("panicked") && !all.contains("stack backtrace"),
        "{what}: {all}"
    );
    assert!(!all.contains(SECRET), "{what} showed the secret: {all}");
}

fn git_init(dir: &Path) -> git2::Repository {
    let git = git2::Repository::init(dir).unwrap();
    let mut config = git.config().unwrap();
    config.set_str("user.name", "Test").unwrap();
    config.set_str("user.email", "test@example.com").unwrap();
    git
}

/// Writes a tree object as raw bytes: libgit2's tree builder refuses a `.git` entry, a crafted
/// object does not.
fn raw_tree(git: &git2::Repository, entries: &[(&str, &str, git2::Oid)]) -> git2::Oid {
    let mut bytes = Vec::new();
    for (mode, name, id) in entries {
        bytes.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        bytes.extend_from_slice(id.as_bytes());
    }
    git.odb()
        .unwrap()
        .write(git2::ObjectType::Tree, &bytes)
        .unwrap()
}

/// Commits `tree` on HEAD's branch.
fn commit_tree(git: &git2::Repository, tree: git2::Oid, parents: &[git2::Oid]) -> String {
    let signature = git2::Signature::new(
        "Test",
        "test@example.com",
        &git2::Time::new(1_767_600_000, 0),
    )
    .unwrap();
    let tree = git.find_tree(tree).unwrap();
    let parents: Vec<git2::Commit<'_>> = parents
        .iter()
        .map(|p| git.find_commit(*p).unwrap())
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    git.commit(Some("HEAD"), &signature, &signature, "m", &tree, &parents)
        .unwrap()
        .to_string()
}

/// Peak resident memory of `okr args` in KiB, where GNU time is installed.
fn peak_kib(dir: &Path, args: &[&str]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = tempfile::NamedTempFile::new().unwrap();
    let status = Command::new(time)
        .args(["-f", "%M", "-o"])
        .arg(report.path())
        .arg(env!("CARGO_BIN_EXE_okr"))
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    status.code()?;
    std::fs::read_to_string(report.path())
        .ok()?
        .split_whitespace()
        .last()?
        .parse()
        .ok()
}

#[test]
fn an_oversized_blob_is_not_read() {
    const SIZE: usize = 50 << 20;
    let repo = TeamRepo::empty();
    let git = git_init(repo.path());
    let base = common::commit(&git, "Test", 1_767_600_000, "base");
    // Compressed, the object is small; read, it is 50 MiB.
    let mut big = vec![b'#'; SIZE];
    big.extend_from_slice(b"\n");
    let big = git.blob(&big).unwrap();
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
    let found = findings(&output);
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
