//! `okr check`: every finding of every file, in three formats, with the right exit code.

mod common;

use common::{
    TeamRepo, assert_exit, assert_stderr_has, files_of, findings_json, no_panic, of_rule,
    snapshot_tree, stderr, stdout,
};

/// A repository with at least one problem of every kind a file can have.
fn broken() -> TeamRepo {
    let repo = TeamRepo::example();
    repo.write(
        "initiatives/broken.toml",
        r#"titel = "Broken one"
problem = "It is broken on purpose."
owner = "me"
tags = ["databse", "perf"]
impact = "hgh"
cost = 3
status = "activ"
period = "2026-q1"
depends_on = ["nope", "broken"]

[[key_results]]
title = "flat"
baseline = 1
target = 1

[[key_results]]
title = "both"
done = true
current = 3

[[key_results]]
title = "half"
baseline = 3
"#,
    )
    .write("initiatives/Bad_Name.toml", "title = \"unterminated\n")
    .write("initiatives/latin1.toml", b"title = \"caf\xe9\"\n".as_slice())
    .write("initiatives/utf16.toml", b"\xff\xfet\x00".as_slice())
    .write("initiatives/2026-Q1/merge-queue.toml", repo_file("initiatives/merge-queue.toml"))
    .write("initiatives/loop-a.toml", dependent("loop-b"))
    .write("initiatives/loop-b.toml", dependent("loop-a"))
    .write(
        "initiatives/long.toml",
        format!("title = \"{}\"\nproblem = \"p\"\nowner = \"o\"\ntags = []\nimpact = \"low\"\ncost = \"xs\"\n", "x".repeat(101)),
    )
    .write("initiatives/huge.toml", vec![b'#'; (1 << 20) + 1])
    .write("themes/empty.toml", "title = \"No tags\"\ntags = []\n")
    .write("themes/untitled.toml", "tags = [\"ci\"]\n");
    repo
}

fn repo_file(relative: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/team")
            .join(relative),
    )
    .unwrap()
}

fn dependent(on: &str) -> String {
    format!(
        "title = \"Loop\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"ci\"]\nimpact = \"low\"\ncost = \"xs\"\ndepends_on = [\"{on}\"]\n"
    )
}

#[test]
fn a_valid_repository_passes_with_a_summary() {
    let repo = TeamRepo::example();
    let output = repo.okr().arg("check").output().unwrap();
    assert_exit(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("checked 9 initiatives and 3 themes: 0 errors, 1 warning"),
        "{out}"
    );
    assert!(out.contains("warning[orphan]"), "{out}");
    // Warnings fail only when asked.
    repo.okr()
        .args(["check", "--deny-warnings"])
        .assert()
        .code(1);
    repo.okr()
        .args(["check", "-q", "--format", "json"])
        .assert()
        .code(0);
}

#[test]
fn every_finding_of_every_file_is_reported() {
    let repo = broken();
    let output = repo.run(&["check", "--format", "json"]);
    assert_exit(&output, 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("initiatives/Bad_Name.toml", "bad-id"),
        ("initiatives/Bad_Name.toml", "toml-syntax"),
        ("initiatives/broken.toml", "unknown-field"),
        ("initiatives/broken.toml", "missing-field"),
        ("initiatives/broken.toml", "unknown-tag"),
        ("initiatives/broken.toml", "unknown-level"),
        ("initiatives/broken.toml", "wrong-type"),
        ("initiatives/broken.toml", "unknown-status"),
        ("initiatives/broken.toml", "bad-period"),
        ("initiatives/broken.toml", "unknown-dependency"),
        ("initiatives/broken.toml", "dependency-cycle"),
        ("initiatives/broken.toml", "bad-key-result"),
        ("initiatives/huge.toml", "file-too-large"),
        ("initiatives/latin1.toml", "encoding"),
        ("initiatives/loop-a.toml", "dependency-cycle"),
        ("initiatives/long.toml", "bad-title"),
        ("initiatives/long.toml", "missing-field"),
        ("initiatives/merge-queue.toml", "duplicate-id"),
        ("initiatives/utf16.toml", "encoding"),
        ("themes/empty.toml", "empty-theme"),
        ("themes/untitled.toml", "missing-field"),
    ];
    for (file, rule) in expected {
        assert!(
            found.iter().any(|(f, r)| f == file && r == rule),
            "missing {rule} in {file}; found {found:#?}"
        );
    }
    assert_eq!(
        report["errors"].as_u64().unwrap() as usize,
        found.iter().filter(|(_, r)| r != "orphan").count()
    );
    // The cycle is named, and both halves of the duplicate are.
    let messages = String::from_utf8(output.stdout).unwrap();
    assert!(
        messages.contains("dependency cycle: `loop-a` → `loop-b` → `loop-a`"),
        "{messages}"
    );
    assert!(
        messages.contains("also used by `initiatives/2026-Q1/merge-queue.toml`"),
        "{messages}"
    );
}

#[test]
fn check_writes_nothing() {
    let repo = broken();
    let before = snapshot_tree(repo.path());
    repo.okr().arg("check").assert().code(1);
    assert_eq!(before, snapshot_tree(repo.path()));
}

/// One small broken repository, shown in each format.
fn small() -> TeamRepo {
    let repo = TeamRepo::empty();
    repo.write("themes/ci.toml", "title = \"Green builds\"\ntags = [\"ci\"]\n").write(
        "initiatives/fast-ci.toml",
        "title = \"Faster CI\"\nproblem = \"Slow.\"\nowner = \"erin\"\ntags = [\"ci\"]\nimpact = \"hgh\"\ncost = \"m\"\nconfidance = \"high\"\n",
    );
    repo.write("initiatives/lonely.toml", "title = \"Lonely\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"x\"]\nimpact = \"low\"\ncost = \"xs\"\n");
    repo
}

#[test]
fn human_format_snapshot() {
    let output = small()
        .okr()
        .args(["check", "--color", "never"])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn github_format_snapshot() {
    let output = small()
        .okr()
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn json_format_snapshot() {
    let output = small()
        .okr()
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    insta::assert_json_snapshot!(value);
}

#[test]
fn colour_follows_the_flag() {
    let repo = small();
    let plain = stdout(&repo.run(&["check", "--color", "never"]));
    let styled = stdout(&repo.run(&["check", "--color", "always"]));
    assert!(!plain.contains('\x1b'));
    assert!(styled.contains('\x1b'));
}

#[test]
fn a_broken_okr_toml_is_a_configuration_error_with_its_place() {
    let repo = TeamRepo::example();
    repo.write(
        "okr.toml",
        "[team]\nname = \"x\"\n[scoring]\nformula = \"impact *\"\n[rules]\norphn = \"off\"\n",
    );
    let output = repo.okr().arg("check").output().unwrap();
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("okr.toml:4:11"), "{err}");
    assert!(err.contains("formula `impact *` does not compile"), "{err}");
    assert!(err.contains("did you mean `orphan`?"), "{err}");
    no_panic(&output);
    // In GitHub format the problems become annotations too.
    let output = repo.run(&["check", "--format", "github"]);
    assert_exit(&output, 2);
    assert!(
        stdout(&output).contains("::error file=okr.toml,line=4"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_formula_without_a_finite_score_names_the_formula() {
    let repo = TeamRepo::example();
    let config = repo.read("okr.toml").replace(
        "formula = \"impact * confidence / cost * (1 + supporters / 10)\"",
        "formula = \"impact / (cost - cost)\"",
    );
    repo.write("okr.toml", config);
    let output = repo.okr().arg("list").output().unwrap();
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("formula `impact / (cost - cost)` does not give a score"));
}

#[test]
fn outside_a_repository_the_error_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::okr(dir.path()).arg("check").output().unwrap();
    assert_exit(&output, 2);
    assert_stderr_has(&output, "no okr.toml");
    assert_stderr_has(&output, "okr init");
}

#[test]
fn paths_in_okr_toml_stay_inside_the_repository() {
    let repo = TeamRepo::example();
    repo.write(
        "okr.toml",
        "[team]\nname = \"x\"\n[paths]\ninitiatives = \"../../etc\"\n",
    );
    let output = repo.okr().arg("check").output().unwrap();
    assert_exit(&output, 2);
    assert_stderr_has(&output, "path `../../etc` leaves the repository");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repository_are_findings() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.toml"), "title = \"secret\"\n").unwrap();
    let repo = TeamRepo::example();
    std::os::unix::fs::symlink(
        outside.path().join("secret.toml"),
        repo.file("initiatives/secret.toml"),
    )
    .unwrap();
    let output = repo.run(&["check", "--format", "github"]);
    assert_exit(&output, 1);
    let out = stdout(&output);
    assert!(out.contains("file=initiatives/secret.toml"), "{out}");
    assert!(out.contains("symlink-outside"), "{out}");
    assert!(!out.contains("\"secret\""), "{out}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let repo = TeamRepo::example();
    let mut child = common::okr_std(repo.path())
        .args(["list", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_exit(&output, 0);
    no_panic(&output);
}

#[test]
fn rules_can_be_turned_down() {
    let repo = small();
    let config = "[team]\nname = \"Test\"\n[rules]\norphan = \"off\"\nunknown-field = \"warn\"\n";
    repo.write("okr.toml", config);
    let output = repo.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["unknown-level", "unknown-field"]);
    assert_eq!(report["findings"][1]["severity"], "warning");
}

#[test]
fn open_work_of_an_ended_period_is_a_past_period_warning() {
    let repo = TeamRepo::example();
    // Accepted work of 2025-Q4, and done work of 2025: only the open one is past.
    repo.replace(
        "initiatives/merge-queue.toml",
        "period = \"2026-Q1\"",
        "period = \"2025-Q4\"",
    );
    repo.replace(
        "initiatives/slo-alerts.toml",
        "status = \"done\"",
        "status = \"done\"\nperiod = \"2025\"",
    );
    let found = checked(&repo, 0);
    let past = of_rule(&found, "past-period", "initiatives/merge-queue.toml");
    assert_eq!(past.len(), 1, "{found:#?}");
    let finding = past[0];
    assert_eq!(finding["severity"], "warning");
    let line = repo
        .read("initiatives/merge-queue.toml")
        .lines()
        .position(|l| l.starts_with("period"))
        .unwrap();
    assert_eq!(finding["line"], line + 1);
    assert_eq!(finding["column"], "period = ".len() + 1);
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("`2025-Q4`") && message.contains("`2026-Q1`"),
        "{message}"
    );
    assert!(
        finding["help"]
            .as_str()
            .unwrap()
            .contains("`okr close 2025-Q4 --to 2026-Q1`")
    );
    assert!(of_rule(&found, "past-period", "initiatives/slo-alerts.toml").is_empty());

    // Configurable like the other rules.
    repo.replace("okr.toml", "[rules]", "[rules]\npast-period = \"error\"");
    let found = checked(&repo, 1);
    let past = of_rule(&found, "past-period", "initiatives/merge-queue.toml");
    assert_eq!(past[0]["severity"], "error");
}

/// The findings of `okr check --format json` other than the example's own orphan warning.
fn findings_beyond_the_example(repo: &TeamRepo) -> Vec<(String, String, String)> {
    let output = repo.run(&["check", "--format", "json"]);
    no_panic(&output);
    findings_json(&output)
        .iter()
        .filter(|f| !(f["rule"] == "orphan" && f["file"] == "initiatives/rotate-secrets.toml"))
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or_default().to_owned();
            (text("rule"), text("file"), text("message"))
        })
        .collect()
}

#[test]
fn a_wrong_type_is_one_finding_and_nothing_follows_from_it() {
    let cases = [
        // A key result's number as a string: not also "has no target", and the theme's members
        // still join it (no orphan warnings).
        (
            "themes/boring-deploys.toml",
            "target = 15",
            "target = \"95\"",
            "wrong type for `key_results.0.target`: string \"95\", expected a number",
        ),
        (
            "themes/boring-deploys.toml",
            "title = \"Every deploy is boring\"",
            "title = 3",
            "wrong type for `title`: integer `3`, expected a string",
        ),
        (
            "initiatives/slo-alerts.toml",
            "done = true",
            "done = [true]",
            "wrong type for `key_results.0.done`: a list, expected a boolean",
        ),
    ];
    for (file, from, to, message) in cases {
        let repo = TeamRepo::example();
        repo.replace(file, from, to);
        let found = findings_beyond_the_example(&repo);
        let wrong: Vec<_> = found.iter().filter(|f| f.0 == "wrong-type").collect();
        assert_eq!(wrong.len(), 1, "{file}: {to}: {found:#?}");
        assert_eq!(found.len(), 1, "{file}: {to}: {found:#?}");
        assert_eq!(found[0].1, file);
        if !message.is_empty() {
            assert_eq!(found[0].2, message);
        }
    }
}

#[test]
fn a_misspelt_formula_variable_is_named_with_the_known_ones() {
    let repo = TeamRepo::example();
    repo.replace(
        "okr.toml",
        "formula = \"impact * confidence / cost",
        "formula = \"impact * confidance / cost",
    );
    let output = repo.okr().arg("check").output().unwrap();
    no_panic(&output);
    let err = stderr(&output);
    assert!(err.contains("uses unknown variable `confidance`"), "{err}");
    assert!(
        err.contains(
            "did you mean `confidence`? the formula knows `impact`, `cost`, `confidence`, \
             `supporters`"
        ),
        "{err}"
    );
    assert!(!err.contains("undefined"), "{err}");
}

#[test]
fn a_duplicate_id_is_reported_on_both_files() {
    let repo = TeamRepo::example();
    let text = repo.read("initiatives/merge-queue.toml");
    repo.write("initiatives/2026/merge-queue.toml", &text);
    let output = repo.run(&["check", "--format", "json"]);
    let found = findings_json(&output);
    let duplicates: Vec<(&str, &str)> = found
        .iter()
        .filter(|f| f["rule"] == "duplicate-id")
        .map(|f| (f["file"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        duplicates,
        [
            (
                "initiatives/2026/merge-queue.toml",
                "initiative id `merge-queue` is also used by `initiatives/merge-queue.toml`"
            ),
            (
                "initiatives/merge-queue.toml",
                "initiative id `merge-queue` is also used by `initiatives/2026/merge-queue.toml`"
            ),
        ],
        "{found:#?}"
    );
}

#[test]
fn a_checkin_table_is_checked_for_its_date_and_health() {
    let repo = TeamRepo::example();
    let file = "initiatives/merge-queue.toml";
    let text = repo.read(file);
    repo.write(
        file,
        format!("{text}\n[checkin]\ndate = 2026-02-02\nhealth = \"at-risk\"\nnote = \"Blocked\"\n"),
    );
    let output = repo.run(&["check", "--format", "json"]);
    assert_exit(&output, 0);
    assert!(findings_json(&output).iter().all(|f| f["file"] != file));

    // A health outside the set, and a date with a time, are each one finding at their value.
    repo.write(
        file,
        format!("{text}\n[checkin]\ndate = 2026-02-02T10:00:00\nhealth = \"at-rsik\"\n"),
    );
    let found = checked(&repo, 1);
    let wrong = of_rule(&found, "wrong-type", file);
    assert_eq!(wrong.len(), 2, "{found:#?}");
    assert!(wrong[0]["message"].as_str().unwrap().contains("not a date"));
    assert!(wrong[1]["message"].as_str().unwrap().contains("`at-rsik`"));
    assert!(wrong[1]["help"].as_str().unwrap().contains("`at-risk`"));

    // A check-in without a date says what to add.
    repo.write(file, format!("{text}\n[checkin]\nnote = \"x\"\n"));
    let output = repo.run(&["check", "--format", "json"]);
    let found = findings_json(&output);
    let missing = of_rule(&found, "missing-field", file);
    assert_eq!(missing.len(), 1, "{found:#?}");
    assert!(missing[0]["message"].as_str().unwrap().contains("`date`"));
}

#[test]
fn a_check_in_in_the_future_or_on_closed_work_is_a_finding() {
    let repo = TeamRepo::example();
    let open = "initiatives/merge-queue.toml";
    let done = "initiatives/slo-alerts.toml";
    let dropped = "initiatives/feature-flags.toml";
    let checkin = |file: &str, date: &str| {
        let text = repo.read(file);
        repo.write(file, format!("{text}\n[checkin]\ndate = {date}\n"));
    };
    checkin(open, "2026-01-11");
    checkin(done, "2026-01-02");
    checkin(dropped, "2026-01-02");
    let as_of = |day: &str, code: i32| {
        let output = repo.run(&["check", "--format", "json", "--as-of", day]);
        assert_exit(&output, code);
        findings_json(&output)
    };
    // As of the 10th, the check-in of the 11th is in the future.
    let found = as_of("2026-01-10", 1);
    let future = of_rule(&found, "future-checkin", open);
    assert_eq!(future.len(), 1, "{found:#?}");
    assert_eq!(future[0]["severity"], "error");
    assert!(
        future[0]["message"]
            .as_str()
            .unwrap()
            .contains("`2026-01-11`, after today (2026-01-10, UTC)")
    );
    assert_eq!(files_of(&found, "future-checkin"), [open]);
    let closed = |found: &[serde_json::Value]| -> Vec<String> {
        found
            .iter()
            .filter(|f| f["rule"] == "closed-checkin")
            .map(|f| format!("{} {}", f["file"].as_str().unwrap(), f["severity"]))
            .collect()
    };
    assert_eq!(
        closed(&found),
        [
            format!("{dropped} \"warning\""),
            format!("{done} \"warning\"")
        ]
    );
    // Once `checkin_days` (14) have passed, the last check-in of closed work is no finding.
    let found = as_of("2026-01-15", 0);
    assert_eq!(closed(&found).len(), 2, "{found:#?}");
    let found = as_of("2026-01-16", 0);
    assert!(closed(&found).is_empty(), "{found:#?}");
    assert!(files_of(&found, "future-checkin").is_empty());

    // Both rules take a level in `[rules]`.
    repo.replace(
        "okr.toml",
        "[rules]",
        "[rules]\nfuture-checkin = \"warn\"\nclosed-checkin = \"off\"",
    );
    let found = as_of("2026-01-10", 0);
    assert_eq!(
        of_rule(&found, "future-checkin", open)[0]["severity"],
        "warning"
    );
    assert!(closed(&found).is_empty(), "{found:#?}");
}

/// The findings of `okr check --format json` in `repo`, which must end with exit `code`.
#[track_caller]
fn checked(repo: &TeamRepo, code: i32) -> Vec<serde_json::Value> {
    let output = repo.run(&["check", "--format", "json"]);
    assert_exit(&output, code);
    findings_json(&output)
}
