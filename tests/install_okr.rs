//! `.github/install-okr.sh`, which the reusable workflow and the action install okr with, run
//! offline: the release is a folder served through a `file://` URL, its archives packed by the
//! same script as the release workflow packs them.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{assert_exit, assert_stderr_has, stderr, stdout};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every runner a release has a binary for: GitHub's RUNNER_OS and RUNNER_ARCH, and the target.
const RUNNERS: [(&str, &str, &str); 5] = [
    ("Linux", "X64", "x86_64-unknown-linux-musl"),
    ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
    ("macOS", "X64", "x86_64-apple-darwin"),
    ("macOS", "ARM64", "aarch64-apple-darwin"),
    ("Windows", "X64", "x86_64-pc-windows-msvc"),
];

/// A release folder (`<dir>/releases/<tag>/<asset>`) and a folder to install into.
struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    fn new() -> Release {
        Release {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn tag_dir(&self, tag: &str) -> PathBuf {
        self.dir.path().join("releases").join(tag)
    }

    fn bin_dir(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// Runs the script as a runner of `os`/`arch` would, downloading from this folder.
    fn run(&self, os: &str, arch: &str, args: &[&str]) -> Output {
        Command::new("bash")
            .arg(Path::new(ROOT).join(".github/install-okr.sh"))
            .args(args)
            .current_dir(self.dir.path())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env(
                "OKR_RELEASE_URL",
                format!("file://{}", self.dir.path().join("releases").display()),
            )
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap()
    }

    /// Packs a stand-in okr for `target` into the release `v<version>`, as release.yml does;
    /// returns the archive's path.
    fn publish(&self, version: &str, target: &str) -> PathBuf {
        let exe = if target.contains("windows") {
            "okr.exe"
        } else {
            "okr"
        };
        let build = self.dir.path().join("build").join(target);
        fs::create_dir_all(&build).unwrap();
        let binary = build.join(exe);
        fs::write(&binary, format!("#!/bin/sh\necho 'okr {version}'\n")).unwrap();
        let out = self.tag_dir(&format!("v{version}"));
        let output = self.run(
            "Linux",
            "X64",
            &[
                "package",
                version,
                target,
                binary.to_str().unwrap(),
                out.to_str().unwrap(),
            ],
        );
        assert_exit(&output, 0);
        PathBuf::from(stdout(&output).trim())
    }

    fn install(&self, os: &str, arch: &str, tag: &str) -> Output {
        self.run(
            os,
            arch,
            &["install", tag, self.bin_dir().to_str().unwrap()],
        )
    }

    /// What the install left in the bin folder (nothing, when it refused the download).
    fn installed(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.bin_dir()) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn sha256_line(file: &Path) -> String {
    fs::read_to_string(format!("{}.sha256", file.display())).unwrap()
}

#[test]
fn each_runner_gets_its_own_archive() {
    let release = Release::new();
    for (os, arch, target) in RUNNERS {
        let output = release.run(os, arch, &["asset", "v1.2.3"]);
        assert_exit(&output, 0);
        let ext = if os == "Windows" { "zip" } else { "tar.gz" };
        assert_eq!(
            stdout(&output).trim(),
            format!("okr-1.2.3-{target}.{ext}"),
            "{os}/{arch}"
        );
    }
}

#[test]
fn an_unknown_runner_or_a_branch_asks_for_a_source_build() {
    let release = Release::new();
    let output = release.run("Windows", "ARM64", &["asset", "v1.2.3"]);
    assert_exit(&output, 3);
    assert_stderr_has(&output, "no prebuilt okr for Windows/ARM64");
    for reference in ["main", "1.2.3", "v1.2", "0123abcd"] {
        let output = release.install("Linux", "X64", reference);
        assert_exit(&output, 3);
        assert_stderr_has(&output, &format!("`{reference}` is not a release tag"));
    }
    assert!(release.installed().is_empty());
}

#[test]
fn a_verified_release_is_installed_on_every_runner() {
    for (os, arch, target) in RUNNERS {
        let release = Release::new();
        let archive = release.publish("0.4.0", target);
        let line = sha256_line(&archive);
        let name = archive.file_name().unwrap().to_str().unwrap();
        assert!(line.ends_with(&format!("  {name}\n")), "{line}");
        let output = release.install(os, arch, "v0.4.0");
        assert_exit(&output, 0);
        let hash = &line[..64];
        assert!(
            stdout(&output).contains(&format!("SHA-256 {hash} verified")),
            "{}",
            stdout(&output)
        );
        let exe = if os == "Windows" { "okr.exe" } else { "okr" };
        assert_eq!(release.installed(), [exe], "{os}/{arch}");
        let ran = Command::new(release.bin_dir().join(exe)).output().unwrap();
        assert_eq!(stdout(&ran), "okr 0.4.0\n");
    }
}

#[test]
fn a_wrong_checksum_stops_the_install() {
    let release = Release::new();
    let archive = release.publish("0.4.0", "x86_64-unknown-linux-musl");
    let name = archive.file_name().unwrap().to_str().unwrap().to_owned();
    let wrong = "0".repeat(64);
    fs::write(
        format!("{}.sha256", archive.display()),
        format!("{wrong}  {name}\n"),
    )
    .unwrap();
    let output = release.install("Linux", "X64", "v0.4.0");
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "checksum mismatch for {name}: the release says {wrong}"
        )),
        "{err}"
    );
    assert!(err.contains("nothing was installed"), "{err}");
    assert!(release.installed().is_empty());
}

#[test]
fn a_corrupt_archive_stops_the_install() {
    let release = Release::new();
    let archive = release.publish("0.4.0", "aarch64-apple-darwin");
    // A byte changed on the way: the checksum no longer matches.
    let mut bytes = fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&archive, &bytes).unwrap();
    let output = release.install("macOS", "ARM64", "v0.4.0");
    assert_exit(&output, 1);
    assert_stderr_has(
        &output,
        "checksum mismatch for okr-0.4.0-aarch64-apple-darwin.tar.gz",
    );
    assert!(release.installed().is_empty());

    // Published broken, with the checksum of the broken file: unpacking fails, nothing is kept.
    fs::write(&archive, b"not a gzip stream").unwrap();
    let sum = Command::new("bash")
        .args([
            "-c",
            "sha256sum \"$1\" 2>/dev/null || shasum -a 256 \"$1\"",
            "-",
        ])
        .arg(&archive)
        .output()
        .unwrap();
    let hash = stdout(&sum)[..64].to_owned();
    fs::write(
        format!("{}.sha256", archive.display()),
        format!("{hash}  okr-0.4.0-aarch64-apple-darwin.tar.gz\n"),
    )
    .unwrap();
    let output = release.install("macOS", "ARM64", "v0.4.0");
    assert_exit(&output, 1);
    assert!(
        stderr(&output)
            .contains("okr-0.4.0-aarch64-apple-darwin.tar.gz is not a valid .tar.gz archive"),
        "{}",
        stderr(&output)
    );
    assert!(release.installed().is_empty());
}

#[test]
fn a_missing_or_malformed_checksum_file_stops_the_install() {
    let release = Release::new();
    let archive = release.publish("0.4.0", "x86_64-pc-windows-msvc");
    let checksum = PathBuf::from(format!("{}.sha256", archive.display()));
    let line = sha256_line(&archive);

    fs::remove_file(&checksum).unwrap();
    let output = release.install("Windows", "X64", "v0.4.0");
    assert_exit(&output, 1);
    assert_stderr_has(&output, "not okr-0.4.0-x86_64-pc-windows-msvc.zip.sha256");

    fs::write(&checksum, "see the release notes\n").unwrap();
    let output = release.install("Windows", "X64", "v0.4.0");
    assert_exit(&output, 1);
    assert_stderr_has(&output, "holds no SHA-256");

    // The right hash, but said of another file.
    fs::write(&checksum, format!("{}  okr-0.3.0.zip\n", &line[..64])).unwrap();
    let output = release.install("Windows", "X64", "v0.4.0");
    assert_exit(&output, 1);
    assert_stderr_has(&output, "is the checksum of `okr-0.3.0.zip`");
    assert!(release.installed().is_empty());
}

#[test]
fn a_tag_without_a_release_asks_for_a_source_build() {
    let release = Release::new();
    release.publish("0.4.0", "x86_64-unknown-linux-musl");
    let output = release.install("Linux", "X64", "v0.5.0");
    assert_exit(&output, 3);
    assert!(
        stderr(&output)
            .contains("release v0.5.0 has no okr-0.5.0-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        stderr(&output)
    );
    // A release that has no binary for this runner is the same.
    let output = release.install("Linux", "ARM64", "v0.4.0");
    assert_exit(&output, 3);
    assert!(release.installed().is_empty());
}

/// `cargo binstall okr` reads `[package.metadata.binstall]`: its URL and the binary's path in the
/// archive must be the files that the release workflow publishes.
#[test]
fn binstall_metadata_names_the_release_archives() {
    let manifest: toml::Table = fs::read_to_string(Path::new(ROOT).join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let package = manifest["package"].as_table().unwrap();
    let version = package["version"].as_str().unwrap();
    let repo = package["repository"].as_str().unwrap();
    let binstall = package["metadata"]["binstall"].as_table().unwrap();
    let release = Release::new();
    for (os, arch, target) in RUNNERS {
        let windows = os == "Windows";
        let overrides = binstall
            .get("overrides")
            .and_then(|o| o.get(target))
            .and_then(|o| o.as_table());
        let field = |key: &str| {
            overrides
                .and_then(|o| o.get(key))
                .or_else(|| binstall.get(key))
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("binstall metadata has no {key} for {target}"))
                .to_owned()
        };
        let expand = |template: String| {
            template
                .replace("{ repo }", repo)
                .replace("{ name }", "okr")
                .replace("{ bin }", "okr")
                .replace("{ version }", version)
                .replace("{ target }", target)
                .replace("{ binary-ext }", if windows { ".exe" } else { "" })
        };
        let asset = release.run(os, arch, &["asset", &format!("v{version}")]);
        let asset = stdout(&asset).trim().to_owned();
        assert_eq!(
            expand(field("pkg-url")),
            format!("{repo}/releases/download/v{version}/{asset}")
        );
        assert_eq!(
            field("pkg-fmt"),
            if windows { "zip" } else { "tgz" },
            "{target}"
        );
        let exe = if windows { "okr.exe" } else { "okr" };
        assert_eq!(
            expand(field("bin-dir")),
            format!("okr-{version}-{target}/{exe}")
        );
    }
}

/// The release workflow builds every target the install script can ask for.
#[test]
fn the_release_workflow_builds_every_target() {
    let workflow =
        fs::read_to_string(Path::new(ROOT).join(".github/workflows/release.yml")).unwrap();
    for (_, _, target) in RUNNERS {
        assert!(
            workflow.contains(&format!("target: {target}")),
            "release.yml does not build {target}"
        );
    }
    assert!(workflow.contains(".github/install-okr.sh package"));
}

/// A stand-in `cargo` on PATH: records its arguments and "builds" an okr into `--root`/bin.
fn fake_cargo(release: &Release) -> PathBuf {
    let dir = release.dir.path().join("fake-cargo");
    fs::create_dir_all(&dir).unwrap();
    let cargo = dir.join("cargo");
    fs::write(
        &cargo,
        r#"#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_CARGO_LOG"
while [[ $# -gt 0 && "$1" != --root ]]; do shift; done
mkdir -p "$2/bin"
printf '#!/bin/sh\necho "okr built from source"\n' >"$2/bin/okr"
chmod +x "$2/bin/okr"
"#,
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .unwrap();
    dir
}

/// `okr-ci.sh install ROOT REF` as the reusable workflow runs it, installing into the release's
/// bin folder; returns the output and what the stand-in cargo was asked to do.
fn okr_ci_install(release: &Release, reference: &str) -> (Output, String) {
    let log = release.dir.path().join("cargo.log");
    let path = format!(
        "{}:{}",
        fake_cargo(release).display(),
        std::env::var("PATH").unwrap()
    );
    let output = Command::new("bash")
        .arg(Path::new(ROOT).join(".github/okr-ci.sh"))
        .args(["install", ROOT, reference])
        .current_dir(release.dir.path())
        .env("PATH", path)
        .env("FAKE_CARGO_LOG", &log)
        .env("OKR_BIN_DIR", release.bin_dir())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env(
            "OKR_RELEASE_URL",
            format!("file://{}", release.dir.path().join("releases").display()),
        )
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    (output, fs::read_to_string(log).unwrap_or_default())
}

#[test]
fn the_team_workflow_installs_a_release_and_builds_anything_else() {
    // A release tag with a binary for the runner: downloaded and verified, nothing built.
    let release = Release::new();
    release.publish("0.4.0", "x86_64-unknown-linux-musl");
    let (output, cargo) = okr_ci_install(&release, "v0.4.0");
    assert_exit(&output, 0);
    assert!(
        stdout(&output).ends_with("okr 0.4.0\n"),
        "{}",
        stdout(&output)
    );
    assert_eq!(cargo, "");

    // A branch: built from okr's source, into the same folder.
    let release = Release::new();
    let (output, cargo) = okr_ci_install(&release, "main");
    assert_exit(&output, 0);
    let root = release.dir.path().display();
    assert_eq!(
        cargo,
        format!("install --locked --path {ROOT} --root {root}\n")
    );
    assert!(stdout(&output).ends_with("okr built from source\n"));

    // A tag whose release has no binaries: built from source, saying why.
    let release = Release::new();
    let (output, cargo) = okr_ci_install(&release, "v0.5.0");
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("no release binary of okr for v0.5.0: building it from source"),
        "{}",
        stdout(&output)
    );
    assert!(cargo.starts_with("install --locked"), "{cargo}");
}

#[test]
fn the_team_workflow_never_falls_back_from_a_download_that_fails_its_check() {
    let release = Release::new();
    let archive = release.publish("0.4.0", "x86_64-unknown-linux-musl");
    let mut bytes = fs::read(&archive).unwrap();
    bytes.push(0);
    fs::write(&archive, bytes).unwrap();
    let (output, cargo) = okr_ci_install(&release, "v0.4.0");
    assert_exit(&output, 1);
    assert_stderr_has(&output, "checksum mismatch");
    assert_eq!(
        cargo, "",
        "a tampered download must not turn into a source build"
    );
    assert!(release.installed().is_empty());
}

/// The `run:` script of action.yml's step, as GitHub runs it: the release of the version in
/// Cargo.toml lands on PATH, its version in the step's output.
#[test]
fn the_action_puts_the_release_of_its_own_version_on_path() {
    let action = fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let start = action
        .find("      run: |\n")
        .expect("action.yml has a run: | step")
        + 13;
    let script: String = action[start..]
        .lines()
        .take_while(|line| line.starts_with("        ") || line.is_empty())
        .map(|line| format!("{}\n", line.trim_start()))
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    let release = Release::new();
    release.publish(version, "aarch64-apple-darwin");
    let temp = release.dir.path().join("runner-temp");
    fs::create_dir_all(&temp).unwrap();
    let (github_path, github_output) = (temp.join("path"), temp.join("output"));
    let output = Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(release.dir.path())
        .env("OKR_ACTION_PATH", ROOT)
        .env("OKR_REPOSITORY", "okr-tool/okr")
        .env("RUNNER_TEMP", &temp)
        .env("RUNNER_OS", "macOS")
        .env("RUNNER_ARCH", "ARM64")
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_OUTPUT", &github_output)
        .env(
            "OKR_RELEASE_URL",
            format!("file://{}", release.dir.path().join("releases").display()),
        )
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let bin = temp.join("okr-action/bin");
    assert_eq!(
        fs::read_to_string(github_path).unwrap(),
        format!("{}\n", bin.display())
    );
    assert_eq!(
        fs::read_to_string(github_output).unwrap(),
        format!("version=okr {version}\n")
    );
    assert!(bin.join("okr").is_file());
}
