//! Helpers for the integration tests: team repositories in temp folders and the built binary.
#![allow(dead_code)]

pub mod org;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// 2026-01-05 00:00 UTC: the date the test repositories' first commits carry.
pub const START: i64 = 1_767_571_200;
/// A day in seconds, to date commits a day apart from [`START`].
pub const DAY: i64 = 86_400;

/// The `okr` binary, with an environment that makes output stable.
pub fn okr(dir: &Path) -> Command {
    Command::from_std(okr_std(dir))
}

/// Runs `command` in `dir` with an environment that makes okr's output stable: no backtraces,
/// colour as the flags say, and no user or system git config (`HOME` is `dir`).
fn stable_env(command: &mut std::process::Command, dir: &Path) {
    command
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env_remove("NO_COLOR")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "okrs" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temp folder holding a copy of `examples/team`.
pub struct TeamRepo {
    pub dir: tempfile::TempDir,
}

impl TeamRepo {
    pub fn example() -> TeamRepo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/team"),
            dir.path(),
        );
        TeamRepo { dir }
    }

    /// A minimal valid repository: okr.toml and nothing else.
    pub fn empty() -> TeamRepo {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("okr.toml"), "[team]\nname = \"Test\"\n").unwrap();
        TeamRepo { dir }
    }

    /// A repository as `okr init --team <team>` writes it.
    pub fn init(team: &str) -> TeamRepo {
        let dir = tempfile::tempdir().unwrap();
        okr(dir.path())
            .args(["init", "--team", team])
            .assert()
            .success();
        TeamRepo { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, text: impl AsRef<[u8]>) -> &TeamRepo {
        let path = self.file(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.file(relative)).unwrap()
    }

    /// Replaces the first `from` in `relative` with `to`; `from` must be there.
    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{from} in {relative}");
        self.write(relative, text.replacen(from, to, 1));
    }

    pub fn okr(&self) -> Command {
        okr(self.path())
    }

    /// Runs `okr ARGS` here, to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.okr().args(args).output().unwrap()
    }
}

/// An empty team repository whose owners are GitHub logins, with `stale` off and the theme
/// `reliability` (owner dana); `theme_tail` ends the theme's file.
pub fn reliability_team(theme_tail: &str) -> TeamRepo {
    let repo = TeamRepo::empty();
    repo.write(
        "okr.toml",
        "[team]\nname = \"Test\"\ngithub = true\n[rules]\nstale = \"off\"\n",
    );
    repo.write(
        "themes/reliability.toml",
        format!(
            "title = \"Nothing pages at night\"\nowner = \"dana\"\ntags = [\"reliability\"]\n{theme_tail}"
        ),
    );
    repo
}

/// Every file below `dir` with its bytes, to prove a command wrote nothing.
pub fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let file_type = entry.file_type().unwrap();
            if file_type.is_dir() {
                stack.push(entry.path());
            } else if file_type.is_file() {
                out.push((entry.path(), fs::read(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

// ---- running the binary ----

/// [`okr`] stopped after `limit`, for a command that must not wait for input or loop.
pub fn okr_within(dir: &Path, limit: Duration) -> Command {
    let mut command = okr(dir);
    command.timeout(limit);
    command
}

/// The `okr` binary run by `sh` after `prelude` (a `ulimit` or `umask`), with the
/// environment of [`okr`].
#[cfg(unix)]
pub fn okr_sh(dir: &Path, prelude: &str) -> std::process::Command {
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{prelude}; exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("okr"));
    stable_env(&mut command, dir);
    command
}

/// Runs `command` with a deadline: past `limit` it is killed and the test fails, so a read
/// that blocks fails instead of hanging the suite. Its output goes to files, so a command that
/// prints much never blocks on a full pipe; its stdin is what the caller set (an open pipe that
/// is never written stays open until the command ends).
pub fn run_within(mut command: std::process::Command, limit: Duration) -> Output {
    use std::io::{Read, Seek};
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let mut child = command
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let read = |mut file: std::fs::File| {
        let mut bytes = Vec::new();
        file.seek(std::io::SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut bytes).unwrap();
        bytes
    };
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "{command:?} did not finish in {limit:?}: {}",
                String::from_utf8_lossy(&read(err))
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: read(out),
        stderr: read(err),
    }
}

// ---- what it printed and how it ended ----

/// Asserts that `output` ended with exit `code`, showing what it printed if not.
#[track_caller]
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Asserts that `output` said `text` on stderr, showing all it said there if not.
#[track_caller]
pub fn assert_stderr_has(output: &Output, text: &str) {
    let said = stderr(output);
    assert!(said.contains(text), "{said}");
}

/// Asserts that `output` shows no panic or backtrace and that the process ended by itself
/// with one of okr's exit codes (0, 1 or 2), not by a signal or a crash.
#[track_caller]
pub fn no_panic(output: &Output) {
    assert_no_panic(output, "okr");
}

/// [`no_panic`], naming `what` ran when it fails.
#[track_caller]
pub fn assert_no_panic(output: &Output, what: &str) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !all.contains("panicked") && !all.contains("backtrace") && !all.contains("RUST_BACKTRACE"),
        "{what}: {all}"
    );
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{what}: killed or crashed ({:?}): {all}",
        output.status
    );
}

// ---- JSON output ----

/// The JSON that `output` printed.
#[track_caller]
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The JSON of a command that must succeed: exit 0, then [`json`].
#[track_caller]
pub fn json_ok(output: &Output) -> Value {
    assert_exit(output, 0);
    json(output)
}

/// The findings of a `--format json` report (of `check`, or of `diff`).
pub fn findings_in(report: &Value) -> &[Value] {
    report["findings"].as_array().expect("a `findings` array")
}

/// The findings that `check --format json` printed to `output`, each a JSON object with
/// `file`, `rule`, `message`, `line` and so on.
#[track_caller]
pub fn findings_json(output: &Output) -> Vec<Value> {
    findings_in(&json(output)).to_vec()
}

/// The rules of the findings in `file`, in report order.
pub fn rules_of<'a>(found: &'a [Value], file: &str) -> Vec<&'a str> {
    found
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

/// The message of the first finding in `file`.
#[track_caller]
pub fn message_of<'a>(found: &'a [Value], file: &str) -> &'a str {
    found
        .iter()
        .find(|f| f["file"] == file)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no finding in `{file}`: {found:#?}"))
}

/// The files of the findings of `rule`, in report order.
pub fn files_of<'a>(found: &'a [Value], rule: &str) -> Vec<&'a str> {
    found
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["file"].as_str().unwrap())
        .collect()
}

/// The findings of `rule` in `file`, in report order.
pub fn of_rule<'a>(found: &'a [Value], rule: &str, file: &str) -> Vec<&'a Value> {
    found
        .iter()
        .filter(|f| f["rule"] == rule && f["file"] == file)
        .collect()
}

// ---- git repositories ----

/// Makes `dir` a git repository, with a user (`Test`) for what git itself commits.
pub fn git_repo(dir: &Path) -> git2::Repository {
    let git = git2::Repository::init(dir).unwrap();
    let mut config = git.config().unwrap();
    config.set_str("user.name", "Test").unwrap();
    config.set_str("user.email", "test@example.com").unwrap();
    git
}

/// Commits the whole working tree as `author` at `time`.
pub fn commit(git: &git2::Repository, author: &str, time: i64, message: &str) -> git2::Oid {
    let mut index = git.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = git2::Signature::new(
        author,
        &format!("{author}@example.com"),
        &git2::Time::new(time, 0),
    )
    .unwrap();
    let parents: Vec<git2::Commit<'_>> = git
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    git.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )
    .unwrap()
}

/// Writes a tree object as raw bytes: libgit2's tree builder refuses a `.git` entry, a crafted
/// object does not.
pub fn raw_tree(git: &git2::Repository, entries: &[(&str, &str, git2::Oid)]) -> git2::Oid {
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

/// Commits `tree` on HEAD's branch as `Test`, and gives the commit's id.
pub fn commit_tree(git: &git2::Repository, tree: git2::Oid, parents: &[git2::Oid]) -> String {
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

/// Runs the git command line in `dir`, with no user or system config and fixed dates, and
/// returns what it printed.
pub fn git_cli(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-01-05T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-05T10:00:00Z")
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    stdout(&output).trim().to_owned()
}

/// The `okr` binary as a plain `std` command, with the same environment as [`okr`].
pub fn okr_std(dir: &Path) -> std::process::Command {
    use assert_cmd::cargo::CommandCargoExt;
    let mut command = std::process::Command::cargo_bin("okr").expect("the binary is built");
    stable_env(&mut command, dir);
    command
}

/// What a finished child used, as the kernel counted it.
#[cfg(unix)]
pub struct Measured {
    pub output: std::process::Output,
    /// CPU time, user and system: unlike the time on the clock, it hardly changes with what
    /// else the machine runs, so tests of how work grows compare it with a bound.
    pub cpu: std::time::Duration,
    /// Peak resident memory, in KiB. The kernel counts the spawning process's own resident
    /// memory at the spawn too (until the exec replaces it), so a test that measures this
    /// must not hold much memory itself.
    pub peak_kib: u64,
}

/// Runs `command` and measures what it used ([`Measured`]). The child may use at most
/// `cpu_limit` whole seconds of CPU; past that the kernel stops it, so a regression fails
/// instead of hanging the suite.
#[cfg(unix)]
// The child is reaped by `wait4`, which also gives what it used; clippy sees no `wait()`.
#[allow(clippy::zombie_processes)]
pub fn measured(mut command: std::process::Command, cpu_limit: u64) -> Measured {
    use std::io::Read;
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::Stdio;
    // SAFETY: between fork and exec the closure only calls setrlimit, which is
    // async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: cpu_limit as libc::rlim_t,
                rlim_max: cpu_limit as libc::rlim_t + 1,
            };
            if libc::setrlimit(libc::RLIMIT_CPU, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("okr starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is this process's own child, not yet waited for; wait4 reaps it and fills
    // `status` and `usage`, both valid for writes.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4: {}", std::io::Error::last_os_error());
    let seconds = |t: libc::timeval| {
        std::time::Duration::from_secs(t.tv_sec as u64)
            + std::time::Duration::from_micros(t.tv_usec as u64)
    };
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    let output = std::process::Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    Measured {
        output,
        cpu,
        // Linux counts ru_maxrss in KiB.
        peak_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
    }
}
