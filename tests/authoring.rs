//! What an author meets: `okr init` and `okr new` files with their `#:schema` line, `okr schema`,
//! `okr fmt`, shell completions and the man page, run through the built binary.

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::TeamRepo;
use predicates::prelude::*;

/// [`common::okr`], stopped after a minute: `new` must never wait for an answer.
fn okr(dir: &Path) -> Command {
    common::okr_within(dir, Duration::from_secs(60))
}

/// A repository from `okr init`, in git with a user, whom `okr new` takes for the owner.
fn repo() -> TeamRepo {
    let repo = TeamRepo::init("Platform");
    common::git_repo(repo.path());
    repo
}

#[test]
fn init_writes_schemas_that_its_files_point_to() {
    let dir = repo();
    let root = dir.path();
    for (file, schema) in [
        ("okr.toml", "./.okr/schema/config.json"),
        (
            "initiatives/propose-in-pull-requests.toml",
            "../.okr/schema/initiative.json",
        ),
        (
            "themes/planning-in-the-open.toml",
            "../.okr/schema/theme.json",
        ),
    ] {
        let text = dir.read(file);
        let first = text.lines().next().unwrap();
        assert_eq!(first, format!("#:schema {schema}"), "{file}");
        let target = root.join(file).parent().unwrap().join(schema);
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&target).unwrap()).unwrap();
        assert_eq!(json["$schema"], "http://json-schema.org/draft-07/schema#");
    }
    okr(root).arg("check").assert().success();
    okr(root)
        .args(["fmt", "--check"])
        .assert()
        .success()
        .stdout("");
}

#[test]
fn schema_levels_are_the_repositorys_own() {
    let dir = repo();
    let root = dir.path();
    let config = dir.read("okr.toml").replace(
        "impact = { low = 1, medium = 2, high = 3, huge = 5 }",
        "impact = { minor = 1, major = 4 }",
    );
    fs::write(root.join("okr.toml"), config).unwrap();
    let output = okr(root).args(["schema", "initiative"]).output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema["properties"]["impact"]["enum"],
        serde_json::json!(["minor", "major"])
    );
    // Outside a repository, the default levels.
    let outside = tempfile::tempdir().unwrap();
    let output = okr(outside.path()).arg("schema").output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema["properties"]["impact"]["enum"],
        serde_json::json!(["low", "medium", "high", "huge"])
    );
    for kind in ["theme", "config"] {
        let output = okr(outside.path()).args(["schema", kind]).output().unwrap();
        let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(schema["additionalProperties"], false, "{kind}");
    }
}

#[test]
fn new_never_prompts_without_a_terminal() {
    let dir = repo();
    let root = dir.path();
    // No standard input at all: okr must not wait for an answer.
    okr(root)
        .args(["new", "Cache the builds", "--tag", "planning"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "created initiatives/cache-the-builds.toml",
        ))
        .stderr(predicate::str::contains(
            "fill in what is missing, then run `okr check`:\n  \
             initiatives/cache-the-builds.toml:4: `problem`\n  \
             initiatives/cache-the-builds.toml:9: `impact`\n  \
             initiatives/cache-the-builds.toml:10: `cost`\n",
        ));
    let text = dir.read("initiatives/cache-the-builds.toml");
    assert!(text.starts_with("#:schema ../.okr/schema/initiative.json\n\n"));
    okr(root).args(["fmt", "--check"]).assert().success();

    // Piped answers are not read either.
    okr(root)
        .args(["new", "Fast tests", "--impact", "high", "--cost", "s"])
        .args(["--tag", "planning", "--problem", "Slow."])
        .write_stdin("huge\nxl\n")
        .assert()
        .success()
        .stderr(predicate::str::contains("it passes `okr check`"));
    let text = dir.read("initiatives/fast-tests.toml");
    assert!(text.contains("impact = \"high\""));
    fs::remove_file(root.join("initiatives/cache-the-builds.toml")).unwrap();
    okr(root).arg("check").assert().success();
}

#[test]
fn new_writes_no_schema_line_without_a_schema() {
    let dir = repo();
    let root = dir.path();
    fs::remove_dir_all(root.join(".okr")).unwrap();
    okr(root)
        .args(["new", "Plain", "--no-input"])
        .assert()
        .code(1);
    assert!(dir.read("initiatives/plain.toml").starts_with("title = "));
}

const MESSY: &str = "\
tags = [\"planning\"]
  owner=\"dana\"   # the driver
title = \"Messy\"


problem = \"Keys in any order.\"
cost = \"s\"
impact = \"high\"
[[key_results]]
done = false
title = \"Done\"
";

#[test]
fn fmt_check_lists_then_fmt_fixes() {
    let dir = repo();
    let root = dir.path();
    fs::write(root.join("initiatives/messy.toml"), MESSY).unwrap();
    okr(root)
        .args(["fmt", "--check"])
        .assert()
        .code(1)
        .stdout("initiatives/messy.toml\n");
    assert_eq!(dir.read("initiatives/messy.toml"), MESSY);
    okr(root)
        .arg("fmt")
        .assert()
        .success()
        .stderr("formatted initiatives/messy.toml\n");
    assert_eq!(
        dir.read("initiatives/messy.toml"),
        "\
title = \"Messy\"
problem = \"Keys in any order.\"
owner = \"dana\"   # the driver
tags = [\"planning\"]
impact = \"high\"
cost = \"s\"

[[key_results]]
title = \"Done\"
done = false
"
    );
    okr(root)
        .args(["fmt", "--check"])
        .assert()
        .success()
        .stdout("");
    okr(root).arg("check").assert().success();
}

#[test]
fn fmt_reports_a_file_it_cannot_parse_and_formats_the_rest() {
    let dir = repo();
    let root = dir.path();
    let broken = "title = \"Broken\"\ntags = [\"a\"\n";
    fs::write(root.join("initiatives/broken.toml"), broken).unwrap();
    fs::write(root.join("initiatives/messy.toml"), MESSY).unwrap();
    okr(root)
        .arg("fmt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("initiatives/broken.toml:2:"))
        .stderr(predicate::str::contains("could not be formatted"))
        .stderr(predicate::str::contains("backtrace").not());
    assert_eq!(dir.read("initiatives/broken.toml"), broken);
    assert!(
        dir.read("initiatives/messy.toml")
            .starts_with("title = \"Messy\"\n")
    );
    // `--check` cannot say the broken file is formatted: still an error, not a list.
    okr(root)
        .args(["fmt", "--check"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn completions_know_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = okr(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        for command in [
            "init",
            "new",
            "check",
            "render",
            "fmt",
            "schema",
            "completions",
        ] {
            assert!(script.contains(command), "{shell} misses {command}");
        }
    }
    okr(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn man_page_is_roff() {
    let dir = tempfile::tempdir().unwrap();
    okr(dir.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie"))
        .stdout(predicate::str::contains(".TH okr 1"))
        .stdout(predicate::str::contains("fmt"));
}

/// The fixtures that the JSON Schemas must reject (`.ci/schema-check.sh`) are rejected by
/// `okr check` too: the schemas and the parser agree.
#[test]
fn okr_check_rejects_the_bad_schema_fixtures() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/schema/bad");
    let mut seen = 0;
    for entry in fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("initiatives")).unwrap();
        fs::create_dir_all(root.join("themes")).unwrap();
        fs::write(root.join("okr.toml"), "[team]\nname = \"Bad\"\n").unwrap();
        let target = match name.split('-').next().unwrap() {
            "initiative" => "initiatives/bad.toml",
            "theme" => "themes/bad.toml",
            "config" => "okr.toml",
            other => panic!("fixture {name} of unknown kind {other}"),
        };
        fs::copy(&path, root.join(target)).unwrap();
        let code = okr(root).arg("check").output().unwrap().status.code();
        assert!(matches!(code, Some(1 | 2)), "okr check accepts {name}");
        seen += 1;
    }
    assert!(seen >= 12, "only {seen} fixtures");
}

#[test]
fn every_commands_help_lists_its_own_options_before_the_global_ones() {
    let dir = tempfile::tempdir().unwrap();
    let commands = [
        "init",
        "new",
        "check",
        "list",
        "themes",
        "render",
        "diff",
        "history",
        "publish",
        "fmt",
        "schema",
        "completions",
        "man",
    ];
    for command in commands {
        let output = okr(dir.path()).args([command, "--help"]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{command}");
        let help = String::from_utf8(output.stdout).unwrap();
        let own = help.find("\nOptions:\n").expect("an Options heading");
        let global = help
            .find("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{command}: no Global options heading:\n{help}"));
        assert!(own < global, "{command}:\n{help}");
        for flag in ["-C <DIR>", "--color", "--quiet", "--verbose"] {
            let at = help.find(flag).unwrap();
            assert!(
                at > global,
                "{command}: {flag} among its own options:\n{help}"
            );
        }
    }
    let output = okr(dir.path()).args(["new", "--help"]).output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.find("--tag").unwrap() < help.find("Global options:").unwrap());
}

/// On a terminal `okr new` asks for what it lacks, but never in CI, where no one answers: the
/// file is written with what was given, and what is left to fill is listed.
#[cfg(target_os = "linux")]
#[test]
fn okr_new_never_asks_in_ci_even_on_a_terminal() {
    let repo = TeamRepo::init("Platform");
    let okr = env!("CARGO_BIN_EXE_okr");
    let mut command = std::process::Command::new("script");
    command
        .args(["-qec", &format!("'{okr}' new 'Faster builds'"), "/dev/null"])
        .current_dir(repo.path())
        .env("CI", "true")
        .env_remove("RUST_BACKTRACE")
        .stdin(std::process::Stdio::null());
    let output = common::run_within(command, Duration::from_secs(30));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("The problem it solves"), "{text}");
    assert!(text.contains("fill in what is missing"), "{text}");
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(repo.file("initiatives/faster-builds.toml").exists());
}
