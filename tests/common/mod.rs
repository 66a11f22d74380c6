//! Helpers for the integration tests: team repositories in temp folders and the built binary.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `okr` binary, with an environment that makes output stable.
pub fn okr(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("okr").expect("the binary is built");
    command
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env_remove("NO_COLOR")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    command
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

    pub fn okr(&self) -> Command {
        okr(self.path())
    }
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
    command
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env_remove("NO_COLOR")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
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
