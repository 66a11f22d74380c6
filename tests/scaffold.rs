//! `okr init` and `okr new`: files that pass `okr check` as written, and no overwrites.

mod common;

use common::{TeamRepo, assert_exit, okr, stderr};

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
        "impact =",
    ] {
        let at = lines.iter().position(|l| l.starts_with(key)).unwrap();
        let explained = lines[at].contains('#')
            || lines[at - 1].starts_with('#')
            || lines[at - 1].contains("] ");
        assert!(explained, "{}", lines[at]);
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
    let output = repo
        .okr()
        .args([
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
        ])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    assert!(stderr(&output).contains("created initiatives/cache-npm-installs-in-ci.toml"));
    assert!(
        stderr(&output).contains("passes `okr check`"),
        "{}",
        stderr(&output)
    );
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
    let output = repo.okr().args(["new", "Something bold"]).output().unwrap();
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(err.contains("fill in"), "{err}");
    for field in ["`problem`", "`tags`", "`impact`", "`cost`"] {
        assert!(err.contains(field), "{field}: {err}");
    }
    let text = repo.read("initiatives/something-bold.toml");
    assert!(text.contains("owner = \"Grace Hopper\""), "{text}");
}

#[test]
fn new_refuses_an_existing_id_and_bad_levels() {
    let repo = TeamRepo::example();
    let before = repo.read("initiatives/merge-queue.toml");
    let output = repo.okr().args(["new", "Merge queue"]).output().unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(repo.read("initiatives/merge-queue.toml"), before);

    let output = repo
        .okr()
        .args(["new", "Other", "--impact", "hgh"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("did you mean `high`?"),
        "{}",
        stderr(&output)
    );
    assert!(!repo.file("initiatives/other.toml").exists());

    let output = repo.okr().args(["new", "???"]).output().unwrap();
    assert_exit(&output, 2);
}
