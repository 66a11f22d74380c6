//! A corpus of bad input: every class of TOML syntax error, every rule, broken encodings, empty
//! and huge files, deep nesting, odd file names and symlinks. Whatever the repository holds, a
//! command exits 1 (findings) or 2 (an error), names the file, and never panics.

mod common;

use common::{
    START, TeamRepo, assert_exit, assert_no_panic, commit, files_of, findings_json, git_repo,
    stderr, stdout,
};

const VALID: &str = "title = \"Fine\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"ci\"]\nimpact = \"high\"\ncost = \"m\"\n";

/// Initiative text with `extra` appended to an otherwise valid file.
fn with(extra: &str) -> Vec<u8> {
    format!("{VALID}{extra}").into_bytes()
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        let pair = if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        };
        bytes.extend(pair);
    }
    bytes
}

/// TOML that does not parse, one class of mistake each.
fn syntax_errors() -> Vec<(&'static str, Vec<u8>)> {
    let cases: &[(&str, &str)] = &[
        ("unterminated-string", "title = \"open\n"),
        ("unterminated-multiline", "title = \"\"\"open\n"),
        ("unterminated-literal", "title = 'open\n"),
        ("missing-value", "title =\n"),
        ("missing-equals", "title \"x\"\n"),
        ("bare-key-with-space", "my title = \"x\"\n"),
        ("duplicate-key", "owner = \"a\"\nowner = \"b\"\n"),
        ("duplicate-table", "[x]\na = 1\n[x]\nb = 2\n"),
        ("invalid-escape", "title = \"a\\qb\"\n"),
        ("bad-unicode-escape", "title = \"\\uD800\"\n"),
        ("control-character", "title = \"a\u{1}b\"\n"),
        ("bad-number", "impact = 1__0\n"),
        ("leading-zero", "impact = 007\n"),
        ("bad-date", "period = 2026-13-45\n"),
        ("unclosed-table-header", "[key_results\n"),
        ("unclosed-array", "tags = [\"a\",\n"),
        ("unclosed-inline-table", "x = { a = 1\n"),
        ("extend-inline-table", "x = { a = 1 }\n[x.b]\nc = 1\n"),
        (
            "array-table-over-value",
            "key_results = 1\n[[key_results]]\n",
        ),
        ("text-after-value", "title = \"x\" y\n"),
        ("only-garbage", "\u{0}\u{0}\u{0}"),
    ];
    cases
        .iter()
        .map(|(name, text)| (*name, text.as_bytes().to_vec()))
        .collect()
}

/// Deeply nested values: each must be a finding, not a stack overflow.
fn deep_nesting() -> Vec<(&'static str, Vec<u8>)> {
    let n = 100_000;
    vec![
        (
            "deep-arrays",
            format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)).into_bytes(),
        ),
        (
            "deep-inline-tables",
            format!("x = {}1{}\n", "{ a = ".repeat(n), " }".repeat(n)).into_bytes(),
        ),
        (
            "deep-dotted-key",
            format!("{} = 1\n", vec!["a"; n].join(".")).into_bytes(),
        ),
        (
            "deep-table-header",
            format!("[{}]\n", vec!["a"; n].join(".")).into_bytes(),
        ),
        (
            "deep-unclosed",
            format!("x = {}\n", "[{a=".repeat(n)).into_bytes(),
        ),
    ]
}

/// One bad initiative file each: (name, path, bytes, the rule it must break).
fn bad_files() -> Vec<(String, String, Vec<u8>, &'static str)> {
    let mut cases: Vec<(String, String, Vec<u8>, &'static str)> = Vec::new();
    let mut add = |name: &str, path: &str, bytes: Vec<u8>, rule: &'static str| {
        cases.push((name.to_owned(), path.to_owned(), bytes, rule));
    };
    for (name, bytes) in syntax_errors() {
        add(
            name,
            &format!("initiatives/{name}.toml"),
            bytes,
            "toml-syntax",
        );
    }
    for (name, bytes) in deep_nesting() {
        add(
            name,
            &format!("initiatives/{name}.toml"),
            bytes,
            "toml-syntax",
        );
    }
    // Every rule a single file can break.
    add(
        "unknown-field",
        "initiatives/typo.toml",
        with("titel = \"x\"\n"),
        "unknown-field",
    );
    add(
        "missing-field",
        "initiatives/missing.toml",
        b"title = \"x\"\n".to_vec(),
        "missing-field",
    );
    add(
        "empty-owner",
        "initiatives/empty-owner.toml",
        VALID.replace("\"o\"", "\" \"").into_bytes(),
        "missing-field",
    );
    add(
        "wrong-type",
        "initiatives/wrong-type.toml",
        with("supporters = \"bob\"\n"),
        "wrong-type",
    );
    add(
        "unknown-level",
        "initiatives/level.toml",
        VALID.replace("\"high\"", "\"hgh\"").into_bytes(),
        "unknown-level",
    );
    add(
        "unknown-status",
        "initiatives/status.toml",
        with("status = \"maybe\"\n"),
        "unknown-status",
    );
    add(
        "bad-title",
        "initiatives/long-title.toml",
        VALID
            .replace("\"Fine\"", &format!("\"{}\"", "x".repeat(101)))
            .into_bytes(),
        "bad-title",
    );
    add(
        "unknown-tag",
        "initiatives/tag.toml",
        VALID.replace("\"ci\"", "\"nope\"").into_bytes(),
        "unknown-tag",
    );
    add(
        "unknown-dependency",
        "initiatives/dependency.toml",
        with("depends_on = [\"nowhere\"]\n"),
        "unknown-dependency",
    );
    add(
        "self-dependency",
        "initiatives/cycle.toml",
        with("depends_on = [\"cycle\"]\n"),
        "dependency-cycle",
    );
    add(
        "bad-period",
        "initiatives/period.toml",
        with("period = \"2026-Q5\"\n"),
        "bad-period",
    );
    add(
        "bad-key-result",
        "initiatives/key-result.toml",
        with("[[key_results]]\ntitle = \"k\"\nbaseline = 1\n"),
        "bad-key-result",
    );
    add(
        "empty-theme",
        "themes/no-tags.toml",
        b"title = \"t\"\ntags = []\n".to_vec(),
        "empty-theme",
    );
    add(
        "duplicate-id",
        "initiatives/again/merge-queue.toml",
        VALID.as_bytes().to_vec(),
        "duplicate-id",
    );
    add(
        "orphan",
        "initiatives/alone.toml",
        VALID.replace("\"ci\"", "\"cost\"").into_bytes(),
        "orphan",
    );
    // Encodings and sizes.
    add(
        "utf-16-le",
        "initiatives/utf16-le.toml",
        utf16(VALID, true),
        "encoding",
    );
    add(
        "utf-16-be",
        "initiatives/utf16-be.toml",
        utf16(VALID, false),
        "encoding",
    );
    add(
        "invalid-utf-8",
        "initiatives/latin1.toml",
        with("outcome = \"caf\u{e9}\"\n")
            .into_iter()
            .map(|b| if b == 0xC3 { b'x' } else { b })
            .collect(),
        "encoding",
    );
    add(
        "bom-then-error",
        "initiatives/bom.toml",
        [b"\xEF\xBB\xBF".as_slice(), b"title = \n"].concat(),
        "toml-syntax",
    );
    add(
        "empty",
        "initiatives/empty.toml",
        Vec::new(),
        "missing-field",
    );
    add(
        "huge",
        "initiatives/huge.toml",
        vec![b'#'; (1 << 20) + 1],
        "file-too-large",
    );
    // Odd file names.
    add(
        "space",
        "initiatives/my idea.toml",
        VALID.as_bytes().to_vec(),
        "bad-id",
    );
    add(
        "unicode",
        "initiatives/idée.toml",
        VALID.as_bytes().to_vec(),
        "bad-id",
    );
    add(
        "leading-dash",
        "initiatives/-rf.toml",
        VALID.as_bytes().to_vec(),
        "bad-id",
    );
    add(
        "upper-case",
        "initiatives/Upgrade.toml",
        VALID.as_bytes().to_vec(),
        "bad-id",
    );
    cases
}

#[test]
fn each_bad_file_is_a_finding_naming_it() {
    for (name, path, bytes, rule) in bad_files() {
        let repo = TeamRepo::example();
        repo.write(&path, &bytes);
        let output = repo.run(&["check", "--format", "json", "--deny-warnings"]);
        assert_no_panic(&output, &name);
        assert_eq!(output.status.code(), Some(1), "{name}: {}", stderr(&output));
        let findings = findings_json(&output);
        // A duplicate is reported on the file that came first, naming the other.
        let path = if rule == "duplicate-id" {
            "initiatives/merge-queue.toml".to_owned()
        } else {
            path
        };
        assert!(
            findings
                .iter()
                .any(|f| f["file"] == path && f["rule"] == rule),
            "{name}: expected `{rule}` in `{path}`, got {findings:?}"
        );
        // The human format quotes the file too, whatever its bytes.
        let output = repo.run(&["check", "--deny-warnings"]);
        assert_no_panic(&output, &name);
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert!(
            stdout(&output).contains(&path),
            "{name}: {}",
            stdout(&output)
        );
    }
}

#[test]
fn a_dependency_cycle_across_files_is_a_finding() {
    let repo = TeamRepo::example();
    repo.write("initiatives/a.toml", with("depends_on = [\"b\"]\n"));
    repo.write("initiatives/b.toml", with("depends_on = [\"a\"]\n"));
    let output = repo.run(&["check", "--format", "json"]);
    assert_exit(&output, 1);
    let findings = findings_json(&output);
    assert!(
        !files_of(&findings, "dependency-cycle").is_empty(),
        "{findings:?}"
    );
    // Neither file has a problem of its own, so its text is read again to quote the line:
    // by `check`, and by `render`, which refuses to run.
    let output = repo.okr().arg("check").output().unwrap();
    assert!(
        stdout(&output).contains("depends_on = [\"b\"]"),
        "{}",
        stdout(&output)
    );
    let output = repo.okr().arg("render").output().unwrap();
    assert_exit(&output, 1);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("depends_on = [\"b\"]"), "{err}");
}

#[test]
fn a_byte_order_mark_alone_is_fine() {
    let repo = TeamRepo::example();
    repo.write(
        "initiatives/bom.toml",
        [b"\xEF\xBB\xBF".as_slice(), VALID.as_bytes()].concat(),
    );
    let output = repo.okr().arg("check").output().unwrap();
    assert_exit(&output, 0);
}

#[cfg(unix)]
#[test]
fn symlinks_in_and_out_of_the_repository() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.toml"), VALID).unwrap();
    let repo = TeamRepo::example();
    // In: a link to a file inside the repository is read like the file.
    repo.write("shared/linked.toml", VALID);
    symlink(
        repo.file("shared/linked.toml"),
        repo.file("initiatives/linked.toml"),
    )
    .unwrap();
    // Out, dangling, and a loop: each a finding naming the link.
    symlink(
        outside.path().join("secret.toml"),
        repo.file("initiatives/out.toml"),
    )
    .unwrap();
    symlink(
        "/nonexistent/okr.toml",
        repo.file("initiatives/dangling.toml"),
    )
    .unwrap();
    symlink("loop-b.toml", repo.file("initiatives/loop-a.toml")).unwrap();
    symlink("loop-a.toml", repo.file("initiatives/loop-b.toml")).unwrap();
    symlink(outside.path(), repo.file("initiatives/folder")).unwrap();
    let output = repo.run(&["check", "--format", "json"]);
    assert_no_panic(&output, "symlinks");
    assert_exit(&output, 1);
    let findings = findings_json(&output);
    let mut outside_links = files_of(&findings, "symlink-outside");
    outside_links.sort();
    assert_eq!(
        outside_links,
        [
            "initiatives/dangling.toml",
            "initiatives/folder",
            "initiatives/loop-a.toml",
            "initiatives/loop-b.toml",
            "initiatives/out.toml"
        ]
    );
    assert!(
        !stdout(&output).contains("initiatives/linked.toml"),
        "{}",
        stdout(&output)
    );
}

/// Every command a user can run on a repository, with the arguments it needs.
const COMMANDS: &[&[&str]] = &[
    &["check"],
    &["check", "--format", "json"],
    &["check", "--format", "github"],
    &["list"],
    &["list", "--format", "json"],
    &["themes"],
    &["themes", "--suggest"],
    &["render"],
    &["render", "--rev", "HEAD"],
    &["history"],
    &["publish", "--branch", "okrs"],
];

/// A committed repository: the clean example first, then `break_it` committed on top.
fn committed(break_it: impl FnOnce(&TeamRepo)) -> TeamRepo {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "Test", START, "clean");
    break_it(&repo);
    commit(&git, "Test", START, "broken");
    repo
}

#[test]
fn every_command_on_a_broken_repository_names_the_files() {
    let cases = bad_files();
    let repo = committed(|repo| {
        for (_, path, bytes, _) in &cases {
            repo.write(path, bytes);
        }
    });
    for args in COMMANDS {
        let output = repo.okr().args(*args).output().unwrap();
        let what = args.join(" ");
        assert_no_panic(&output, &what);
        let all = format!("{}{}", stdout(&output), stderr(&output));
        if *args == ["history"] {
            // History reads git, not the rules: it must cope, and exit 0.
            assert_eq!(output.status.code(), Some(0), "{what}: {all}");
            continue;
        }
        assert_eq!(output.status.code(), Some(1), "{what}: {all}");
        for (_, path, _, rule) in &cases {
            if *rule != "orphan" {
                assert!(all.contains(path.as_str()), "{what}: `{path}` not named");
            }
        }
    }
    // diff compares anyway and lists the findings the head adds, by file.
    let output = repo.run(&["diff", "HEAD~1", "HEAD"]);
    assert_no_panic(&output, "diff");
    assert_exit(&output, 0);
    assert!(stdout(&output).contains("initiatives/unterminated-string.toml"));
}

/// okr.toml cases: each stops every command with exit 2, naming okr.toml.
fn bad_configs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("syntax", b"[team\nname = \"x\"\n".to_vec()),
        ("empty", Vec::new()),
        ("utf-16", utf16("[team]\nname = \"x\"\n", true)),
        ("invalid-utf-8", b"[team]\nname = \"\xE9\"\n".to_vec()),
        ("huge", vec![b'#'; (1 << 20) + 1]),
        ("unknown-key", b"[team]\nname = \"x\"\n[team2]\n".to_vec()),
        (
            "path-up",
            b"[team]\nname = \"x\"\n[paths]\ninitiatives = \"../x\"\n".to_vec(),
        ),
        (
            "path-absolute",
            b"[team]\nname = \"x\"\n[paths]\nthemes = \"/etc\"\n".to_vec(),
        ),
        (
            "path-git",
            b"[team]\nname = \"x\"\n[paths]\noutput = \".git/hooks\"\n".to_vec(),
        ),
        (
            "path-windows",
            b"[team]\nname = \"x\"\n[paths]\ntemplates = \"C:\\\\x\"\n".to_vec(),
        ),
        (
            "formula",
            b"[team]\nname = \"x\"\n[scoring]\nformula = \"impact +\"\n".to_vec(),
        ),
        (
            "formula-env",
            b"[team]\nname = \"x\"\n[scoring]\nformula = \"env.HOME\"\n".to_vec(),
        ),
        (
            "empty-scale",
            b"[team]\nname = \"x\"\n[scales]\ncost = {}\n".to_vec(),
        ),
        (
            "negative-scale",
            b"[team]\nname = \"x\"\n[scales]\ncost = { a = -1 }\n".to_vec(),
        ),
        (
            "bad-rule-level",
            b"[team]\nname = \"x\"\n[rules]\norphan = \"loud\"\n".to_vec(),
        ),
        (
            "deep",
            format!(
                "[team]\nname = \"x\"\nx = {}{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
        ),
    ]
}

#[test]
fn every_command_stops_on_a_broken_okr_toml() {
    let repo = committed(|_| {});
    for (name, bytes) in bad_configs() {
        repo.write("okr.toml", &bytes);
        for args in COMMANDS {
            let what = format!("{name}: {}", args.join(" "));
            let output = repo.okr().args(*args).output().unwrap();
            assert_no_panic(&output, &what);
            let all = format!("{}{}", stdout(&output), stderr(&output));
            if args.contains(&"--rev") || args[0] == "publish" || args[0] == "history" {
                // These read the committed okr.toml, which is fine.
                continue;
            }
            assert_eq!(output.status.code(), Some(2), "{what}: {all}");
            assert!(all.contains("okr.toml"), "{what}: {all}");
        }
    }
}

/// A revision's broken okr.toml is named as git names it, `REV:okr.toml`: the working tree's
/// may be fine.
#[test]
fn a_diff_names_the_revision_whose_okr_toml_is_broken() {
    let repo = committed(|repo| {
        repo.write("okr.toml", "[team\nname = 1\n");
    });
    repo.write("okr.toml", "[team]\nname = \"Fixed\"\n");
    for (args, file) in [
        (&["diff", "HEAD"][..], "HEAD:okr.toml"),
        (&["diff", "HEAD~1", "HEAD"], "HEAD:okr.toml"),
        (&["diff", "HEAD", "HEAD~1"], "HEAD:okr.toml"),
    ] {
        let output = repo.okr().args(args).output().unwrap();
        assert_no_panic(&output, &args.join(" "));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        assert!(err.contains(&format!("--> {file}:1:")), "{args:?}: {err}");
        assert!(
            err.contains(&format!("error: {file} has 1 problem")),
            "{args:?}: {err}"
        );
    }
}

/// The states of a repository that the check-in commands (`checkin`, `due`, `report`,
/// `history`) and the dated views (`render --as-of`, `list --period`) meet.
#[derive(Debug, Clone, Copy)]
enum State {
    /// A folder with no okr.toml.
    NoRepository,
    /// The example, with no git.
    NotGit,
    /// A git repository without a commit.
    NoCommits,
    /// The example committed twice.
    Committed,
    /// A `--depth 1` clone of [`State::Committed`].
    Shallow,
    /// Committed, then okr.toml broken in the work tree.
    BrokenConfig,
    /// Committed, then an initiative broken in the work tree.
    BrokenInitiative,
}

fn in_state(state: State) -> (TeamRepo, Option<TeamRepo>) {
    let committed = || {
        let repo = TeamRepo::example();
        let git = git_repo(repo.path());
        commit(&git, "Test", START, "start");
        repo.replace(
            "initiatives/merge-queue.toml",
            "status = ",
            "# queued\nstatus = ",
        );
        commit(&git, "Test", START + 86_400, "second");
        repo
    };
    match state {
        State::NoRepository => (
            TeamRepo {
                dir: tempfile::tempdir().unwrap(),
            },
            None,
        ),
        State::NotGit => (TeamRepo::example(), None),
        State::NoCommits => {
            let repo = TeamRepo::example();
            git_repo(repo.path());
            (repo, None)
        }
        State::Committed => (committed(), None),
        State::Shallow => {
            let origin = committed();
            let clone = TeamRepo {
                dir: tempfile::tempdir().unwrap(),
            };
            common::git_cli(
                clone.path(),
                &[
                    "clone",
                    "-q",
                    "--depth",
                    "1",
                    &format!("file://{}", origin.path().display()),
                    ".",
                ],
            );
            (clone, Some(origin))
        }
        State::BrokenConfig => {
            let repo = committed();
            repo.write("okr.toml", "[team\nname = \"Platform\"\n");
            (repo, None)
        }
        State::BrokenInitiative => {
            let repo = committed();
            repo.write(
                "initiatives/canary-deploys.toml",
                "title = \"Canary every deploy\nowner = \"frank\"\n",
            );
            (repo, None)
        }
    }
}

/// The work tree's files and bytes, and git's index and HEAD: what a failed command must leave
/// as it was. (History's cache under `.git` is not the user's, and may be written.)
fn work_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    common::snapshot_tree(dir)
        .into_iter()
        .filter(|(path, _)| {
            let inside = path.strip_prefix(dir).unwrap();
            !inside.starts_with(".git")
                || inside == std::path::Path::new(".git/index")
                || inside == std::path::Path::new(".git/HEAD")
                || inside.starts_with(".git/refs")
        })
        .collect()
}

#[test]
fn checkin_commands_on_hostile_input_say_what_and_write_nothing() {
    use State::*;
    let checkin: &[&str] = &["checkin", "canary-deploys", "-m", "x", "--no-input"];
    let commit_it: &[&str] = &["checkin", "canary-deploys", "-m", "x", "--commit"];
    let due: &[&str] = &["due", "--as-of", "2026-02-01"];
    let report: &[&str] = &["report", "--since", "2026-01-01", "--until", "2026-02-01"];
    let render: &[&str] = &["render", "--as-of", "2026-02-01", "--out", "out"];
    let list: &[&str] = &["list", "--period", "2026-Q1"];
    let no_repo = "not an okr repository";
    let not_git = "is not in a git repository";
    let shallow = "shallow clone";
    let broken = "initiatives/canary-deploys.toml";
    let cases: &[(State, &[&str], i32, &str)] = &[
        (NoRepository, checkin, 2, no_repo),
        (NoRepository, due, 2, no_repo),
        (NoRepository, report, 2, no_repo),
        (NoRepository, &["history"], 2, no_repo),
        (NoRepository, render, 2, no_repo),
        (NoRepository, list, 2, no_repo),
        (NotGit, due, 2, not_git),
        (NotGit, report, 2, not_git),
        (NotGit, &["history"], 2, not_git),
        (NotGit, commit_it, 2, not_git),
        (NoCommits, &["history"], 2, "no commits yet"),
        (NoCommits, commit_it, 2, "is not committed yet"),
        (Shallow, due, 2, shallow),
        (Shallow, report, 2, shallow),
        (Shallow, &["history"], 2, shallow),
        (Shallow, &["history", "canary-deploys"], 2, shallow),
        (BrokenConfig, checkin, 2, "okr.toml"),
        (BrokenConfig, due, 2, "okr.toml"),
        (BrokenConfig, report, 2, "okr.toml"),
        (BrokenConfig, &["history"], 2, "okr.toml"),
        (BrokenConfig, render, 2, "okr.toml"),
        (BrokenConfig, list, 2, "okr.toml"),
        (BrokenInitiative, checkin, 2, "is not valid TOML"),
        (BrokenInitiative, due, 1, broken),
        (BrokenInitiative, report, 1, broken),
        (BrokenInitiative, render, 1, broken),
        (BrokenInitiative, list, 1, broken),
        (
            Committed,
            &["render", "--as-of", "2026-13-01"],
            2,
            "is not a date",
        ),
        (
            Committed,
            &["due", "--as-of", "2026-13-01"],
            2,
            "is not a date",
        ),
        (
            Committed,
            &["report", "--since", "yesterday"],
            2,
            "is not a date",
        ),
        (
            Committed,
            &["report", "--since", "2026-02-01", "--until", "2026-01-01"],
            2,
            "is after `--until 2026-01-01`",
        ),
        (
            Committed,
            &["report", "--since", "2999-01-01"],
            2,
            "in the future",
        ),
        (
            Committed,
            &["list", "--period", "2026-Q5"],
            2,
            "is not a period",
        ),
        (
            Committed,
            &["history", "canary-deploy"],
            2,
            "did you mean `canary-deploys`?",
        ),
        (
            Committed,
            &["history", "zzzz"],
            2,
            "help: `okr history` lists",
        ),
        (
            Committed,
            &["checkin", "zzzz", "-m", "x"],
            2,
            "help: `okr list`",
        ),
        (
            Committed,
            &["checkin", "canary-deploys", "--kr", "9", "--current", "1"],
            2,
            "there is no key result 9",
        ),
        (
            Committed,
            &[
                "checkin",
                "canary-deploys",
                "--kr",
                "Nope",
                "--current",
                "1",
            ],
            2,
            "no key result is titled `Nope`",
        ),
        (
            Committed,
            &["checkin", "canary-deploys", "--kr", "1", "--current", "abc"],
            2,
            "`abc` is not a number",
        ),
        (
            Committed,
            &["checkin", "canary-deploys", "--kr", "1", "--current", "NaN"],
            2,
            "`NaN` is not a number",
        ),
        (
            Committed,
            &["checkin", "canary-deploys", "--kr", "1", "--current", "inf"],
            2,
            "`inf` is not a number",
        ),
        (
            Committed,
            &[
                "checkin",
                "canary-deploys",
                "--date",
                "2999-01-01",
                "-m",
                "x",
            ],
            2,
            "is in the future",
        ),
    ];
    for (state, args, code, said) in cases {
        let (repo, _origin) = in_state(*state);
        let files = work_files(repo.path());
        let what = format!("{state:?}: okr {}", args.join(" "));
        // Even with backtraces asked for, an error is a message and no trace.
        let output = repo
            .okr()
            .env("RUST_BACKTRACE", "1")
            .args(*args)
            .output()
            .unwrap();
        assert_no_panic(&output, &what);
        assert_eq!(
            output.status.code(),
            Some(*code),
            "{what}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(said),
            "{what}: {}",
            stderr(&output)
        );
        assert!(work_files(repo.path()) == files, "{what} wrote");
    }
}
