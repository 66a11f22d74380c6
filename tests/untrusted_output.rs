//! Output that a repository's contents must not be able to forge: the diff comment's Markdown,
//! what reaches a terminal, and the branch `publish` moves.

mod common;

use std::path::Path;

use common::{START, TeamRepo, assert_no_panic, commit, git_cli, git_repo, stderr};
use proptest::prelude::*;

/// Every ref of the repository with what it points at, symbolic or direct.
fn refs(dir: &Path) -> String {
    git_cli(dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
        + &git_cli(dir, &["symbolic-ref", "HEAD"])
}

// ---- publish: the branch it moves ----

#[test]
fn publish_refuses_a_checked_out_branch_head_and_names_git_refuses() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    let current = git.head().unwrap().shorthand().unwrap().to_owned();
    let linked = tempfile::tempdir().unwrap();
    let linked = linked.path().join("linked");
    git_cli(
        repo.path(),
        &[
            "worktree",
            "add",
            "-b",
            "elsewhere",
            linked.to_str().unwrap(),
        ],
    );
    let before = refs(repo.path());
    for branch in [
        current.as_str(),
        "elsewhere",
        "HEAD",
        "-f",
        "bad..name",
        "a.lock",
        "x y",
    ] {
        for dir in [repo.path(), linked.as_path()] {
            let output = common::okr(dir)
                .args(["publish", &format!("--branch={branch}")])
                .output()
                .unwrap();
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{branch}: {err}");
            assert!(err.contains(&format!("`{branch}`")), "{branch}: {err}");
            assert_no_panic(&output, branch);
        }
    }
    assert_eq!(refs(repo.path()), before, "no ref moved or appeared");
    // A branch no worktree has checked out is still published.
    common::okr(repo.path())
        .args(["publish", "--branch", "okr-docs"])
        .assert()
        .code(0);
}

/// Every way git itself counts a branch as checked out: HEAD as a link
/// (`core.preferSymlinkRefs`), a chain of symbolic refs from HEAD, and the branch a rebase or a
/// bisect in progress returns to.
#[cfg(unix)]
#[test]
fn publish_refuses_a_branch_checked_out_through_links_aliases_rebases_and_bisects() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    let head = git.head().unwrap().target().unwrap();
    let current = git.head().unwrap().name().unwrap().to_owned();
    let dot_git = repo.file(".git");
    // Every ref and what it points at (HEAD may be detached here).
    let refs = |dir: &Path| {
        git_cli(dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
            + &git_cli(dir, &["rev-parse", "HEAD"])
    };
    let publish = |branch: &str| {
        let before = refs(repo.path());
        let output = common::okr(repo.path())
            .args(["publish", "--branch", branch])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{branch}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("checked out"),
            "{}",
            stderr(&output)
        );
        assert_eq!(refs(repo.path()), before, "{branch}: no ref moved");
    };
    // HEAD as a link to the branch's loose ref.
    for name in ["linked", "rebased", "bisected"] {
        git.branch(name, &git.find_commit(head).unwrap(), false)
            .unwrap();
    }
    std::fs::remove_file(dot_git.join("HEAD")).unwrap();
    std::os::unix::fs::symlink("refs/heads/linked", dot_git.join("HEAD")).unwrap();
    publish("linked");
    std::fs::remove_file(dot_git.join("HEAD")).unwrap();
    std::fs::write(dot_git.join("HEAD"), format!("ref: {current}\n")).unwrap();
    // HEAD -> alias -> the branch.
    git.reference_symbolic("refs/heads/alias", "refs/heads/aliased", true, "")
        .unwrap();
    git.branch("aliased", &git.find_commit(head).unwrap(), false)
        .unwrap();
    git.set_head("refs/heads/alias").unwrap();
    publish("aliased");
    git.set_head(&current).unwrap();
    // A rebase of `rebased` stopped half-way (HEAD detached meanwhile), and a bisect begun on
    // `bisected`.
    std::fs::create_dir_all(dot_git.join("rebase-merge")).unwrap();
    std::fs::write(
        dot_git.join("rebase-merge/head-name"),
        "refs/heads/rebased\n",
    )
    .unwrap();
    std::fs::write(dot_git.join("BISECT_START"), "bisected\n").unwrap();
    git.set_head_detached(head).unwrap();
    publish("rebased");
    publish("bisected");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// okr takes exactly the branch names that `git check-ref-format --branch` takes (which
    /// refuses `HEAD` and names starting with `-` too).
    #[test]
    fn branch_names_are_the_ones_git_accepts(
        name in "[a-zA-Z./@{}~^:?*\\[\\\\ \t-]{1,6}|(HEAD|-|\\.|/|@)[a-z./-]{0,4}"
    ) {
        let outside = tempfile::tempdir().unwrap();
        let git = std::process::Command::new("git")
            .args(["check-ref-format", "--branch", &name])
            .current_dir(outside.path())
            .env("GIT_CEILING_DIRECTORIES", outside.path())
            .output()
            .unwrap();
        let okr = okr::git::branch_ref(&name);
        prop_assert_eq!(okr.is_ok(), git.status.success(), "{:?}: {:?}", name, okr);
    }
}

// ---- the diff comment: every cell holds its text and nothing more ----

/// Text that would be Markdown, HTML, a mention, a link or a cell border if it got through.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(
            prop_oneof![
                Just("|"), Just("\\"), Just("\\|"), Just("`"), Just("``"), Just("@octocat"),
                Just(" @octocat"), Just("<ins>"), Just("</ins>"), Just("[click](https:evil.example)"),
                Just("**"), Just("_"), Just("~"), Just("www.evil.example"), Just("a@b.example"),
                Just("https://evil.example"), Just("&#64;"), Just("&lt;"), Just(" "), Just("\n"),
                Just("x"), Just(".toml"), Just("#1"), Just(":"), Just("GH-2"), Just("a/b#3"),
                Just("\u{1b}[31m"), Just("\u{202e}"), Just("\u{9b}"),
            ],
            0..10,
        )
        .prop_map(|parts| parts.concat()),
        1 => any::<String>(),
    ]
}

fn entry(rank: usize, [id, title, owner, theme, file]: [String; 5]) -> okr::diff::Entry {
    okr::diff::Entry {
        id,
        title,
        owner,
        score: 1.5,
        rank: Some(rank),
        themes: vec![theme],
        file,
    }
}

fn change([field, before, after]: [String; 3]) -> okr::diff::FieldChange {
    okr::diff::FieldChange {
        key_result: Some(field.clone()),
        field,
        before,
        after,
    }
}

fn plain_change(texts: [String; 3]) -> okr::diff::FieldChange {
    okr::diff::FieldChange {
        key_result: None,
        ..change(texts)
    }
}

fn forged_diff() -> impl Strategy<Value = okr::diff::Diff> {
    use okr::diff::{
        Broken, Changed, Diff, Move, NewFinding, Renamed, Shifted, ThemeChange, ThemeEntry,
    };
    use okr::finding::{Rule, Severity};
    let five = || proptest::array::uniform5(nasty());
    let three = || proptest::array::uniform3(nasty());
    (
        (five(), five(), three(), three()),
        (three(), three(), three(), three()),
        (
            three(),
            three(),
            nasty(),
            proptest::sample::select(Rule::ALL),
        ),
    )
        .prop_map(
            |(
                (added, removed, renamed, changed),
                (edit, theme_added, theme_changed, theme_edit),
                (finding, labels, message, rule),
            )| {
                let [from, to, title] = renamed;
                let [changed_id, changed_title, moved_title] = changed;
                let [t_id, t_title, t_member] = theme_added;
                let [c_id, c_title, c_member] = theme_changed;
                let [file, owner, _] = finding;
                let [base, head, _] = labels;
                Diff {
                    base,
                    head,
                    added: vec![entry(1, added)],
                    removed: vec![entry(2, removed)],
                    broken: vec![Broken {
                        id: from.clone(),
                        title: title.clone(),
                        owner: to.clone(),
                        file: from.clone(),
                        rank: Some(1),
                        findings: vec![NewFinding {
                            rule: rule.code(),
                            severity: Severity::Error,
                            file: to.clone(),
                            line: 1,
                            column: 1,
                            message: title.clone(),
                        }],
                    }],
                    renamed: vec![Renamed {
                        from,
                        to,
                        title,
                        changes: vec![change(edit.clone())],
                        score: Move {
                            before: 1.0,
                            after: 2.0,
                        },
                        rank: Move {
                            before: Some(3),
                            after: None,
                        },
                    }],
                    changed: vec![
                        Changed {
                            id: changed_id.clone(),
                            title: changed_title,
                            changes: vec![change(edit.clone()), plain_change(edit)],
                            score: Move {
                                before: 1.0,
                                after: 2.0,
                            },
                            rank: Move {
                                before: Some(3),
                                after: Some(1),
                            },
                        },
                        Changed {
                            id: changed_id,
                            title: moved_title,
                            changes: Vec::new(),
                            score: Move {
                                before: 1.0,
                                after: 2.0,
                            },
                            rank: Move {
                                before: Some(1),
                                after: None,
                            },
                        },
                    ],
                    shifted: vec![Shifted {
                        id: t_id.clone(),
                        title: t_title.clone(),
                        rank: Move {
                            before: Some(1),
                            after: Some(3),
                        },
                    }],
                    themes_added: vec![ThemeEntry {
                        id: t_id.clone(),
                        title: t_title.clone(),
                        initiatives: vec![t_member.clone()],
                    }],
                    themes_removed: vec![ThemeEntry {
                        id: t_id,
                        title: t_title,
                        initiatives: vec![t_member],
                    }],
                    themes_changed: vec![ThemeChange {
                        id: c_id,
                        title: c_title,
                        joined: vec![c_member.clone()],
                        left: vec![c_member],
                        score: Move {
                            before: 1.0,
                            after: 1.0,
                        },
                        rank: Move {
                            before: 2,
                            after: 2,
                        },
                        changes: vec![change(theme_edit)],
                    }],
                    findings: vec![NewFinding {
                        rule: rule.code(),
                        severity: Severity::Error,
                        file,
                        line: 1,
                        column: 1,
                        message,
                    }],
                    affected: vec![owner],
                }
            },
        )
}

/// The cell borders of a GFM table row: each `|` right after no backslash, in code spans too.
/// GFM splits a row into cells before it reads any inline syntax, and a backslash before a `|`
/// escapes it even after another backslash (cmark-gfm reads `a\\|b` as one cell, `a\|b`).
fn borders(row: &str) -> usize {
    let mut count = 0;
    let mut previous = ' ';
    for c in row.chars() {
        if c == '|' && previous != '\\' {
            count += 1;
        }
        previous = c;
    }
    count
}

/// GitHub's Markdown, as comrak (a port of cmark-gfm, the renderer GitHub uses) renders it:
/// raw HTML kept, so that any that gets through shows.
fn gfm(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(markdown, &options)
}

/// The HTML with the contents of every `<code>` element taken out: what GitHub reads for
/// mentions and links.
fn outside_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<code>") {
        out.push_str(&rest[..start + "<code>".len()]);
        let end = rest[start..]
            .find("</code>")
            .map_or(rest.len(), |e| start + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn check_comment(markdown: &str) -> Result<(), TestCaseError> {
    // Structure, read as GFM does: each row has the header's number of borders.
    let mut header = None;
    for line in markdown.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let count = borders(line);
        let expected = *header.get_or_insert(count);
        prop_assert_eq!(count, expected, "row {:?} in\n{}", line, markdown);
    }
    // What GitHub would show.
    let html = gfm(markdown);
    for table in html.split("<table>").skip(1) {
        let table = &table[..table.find("</table>").unwrap()];
        let columns = table.matches("<th>").count();
        for row in table.split("<tr>").skip(2) {
            prop_assert_eq!(row.matches("<td>").count(), columns, "{}", html);
        }
    }
    let text = outside_code(&html);
    let tags = [
        "p", "/p", "h3", "/h3", "table", "/table", "thead", "/thead", "tbody", "/tbody", "tr",
        "/tr", "th", "/th", "td", "/td", "code", "/code", "strong", "/strong",
    ];
    for tag in text.split('<').skip(1) {
        let name = tag.split(['>', ' ']).next().unwrap();
        prop_assert!(tags.contains(&name), "tag <{}> in\n{}", name, html);
    }
    prop_assert_eq!(text.matches("<strong>").count(), 1, "{}", html);
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        if *c == '@' {
            prop_assert!(
                !next.is_ascii_alphanumeric(),
                "a mention or address in\n{}",
                html
            );
        }
        // `#1`, `owner/repo#1` and `GH-1` would link an issue and notify it.
        if *c == '#'
            || (*c == '-'
                && i >= 2
                && chars[i - 2..i]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case("gh"))
        {
            prop_assert!(!next.is_ascii_digit(), "an issue reference in\n{}", html);
        }
        // Nothing that acts on a terminal or reorders text reaches the reader.
        prop_assert!(
            !(matches!(*c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || (c.is_control() && *c != '\n' && *c != '\t')),
            "a control character {:?} in\n{}",
            c,
            html
        );
    }
    prop_assert!(!text.contains("href"), "{}", html);
    Ok(())
}

#[test]
fn the_file_name_of_the_issue_cannot_forge_the_comment() {
    let name =
        "initiatives/x| @octocat **PWNED** <ins>html</ins> [click](https:evil.example) |.toml";
    let diff = okr::diff::Diff {
        base: "main".into(),
        head: "working tree".into(),
        added: Vec::new(),
        removed: Vec::new(),
        broken: Vec::new(),
        renamed: Vec::new(),
        changed: Vec::new(),
        shifted: Vec::new(),
        themes_added: Vec::new(),
        themes_removed: Vec::new(),
        themes_changed: Vec::new(),
        findings: vec![okr::diff::NewFinding {
            rule: "bad-id",
            severity: okr::finding::Severity::Error,
            file: name.into(),
            line: 1,
            column: 1,
            message: format!("`{name}` is not a valid id, ask @octocat"),
        }],
        affected: vec!["@octocat".into(), "<ins>x</ins>".into()],
    };
    let markdown = okr::diff::markdown(&diff, false);
    check_comment(&markdown).unwrap();
    assert!(
        gfm(&markdown).contains("<code>initiatives/x| @octocat"),
        "{markdown}"
    );
}

/// A key result's title reads as code in its cell on GitHub, a `|` in it neither ending the
/// cell nor showing its backslash.
#[test]
fn a_key_result_title_shows_as_code_in_its_cell() {
    let repo = TeamRepo::example();
    let file = "initiatives/2026-Q1/upgrade-postgres.toml";
    repo.replace(file, "p99 query latency", "p99 query | `latency`");
    let git = git_repo(repo.path());
    commit(&git, "alice", START, "base");
    repo.replace(file, "current = 90", "current = 70");
    commit(&git, "bob", START + 1, "faster");
    let output = repo
        .okr()
        .args(["diff", "HEAD~1", "HEAD", "--format", "markdown"])
        .output()
        .unwrap();
    assert_no_panic(&output, "diff");
    let markdown = String::from_utf8(output.stdout).unwrap();
    check_comment(&markdown).unwrap();
    let html = gfm(&markdown);
    assert!(
        html.contains("<td>key result <code>p99 query | `latency`</code></td>"),
        "{markdown}\n{html}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_in_any_cell_keeps_the_comment_as_written(diff in forged_diff()) {
        check_comment(&okr::diff::markdown(&diff, false))?;
    }
}

// ---- terminals: no control character from a file reaches one raw ----

/// Characters a terminal acts on (escape sequences, C1 controls, bidi overrides), as TOML
/// escapes and as raw text.
const FORGED_TOML: &str = "\\u001b]0;pwned\\u0007\\u001b[31mred\\u009b2J\\u202Eevil\\r";

fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t'))
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

fn assert_escaped(what: &str, output: &std::process::Output) {
    for text in [
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ] {
        assert_eq!(raw_controls(&text), Vec::<char>::new(), "{what}: {text:?}");
    }
}

#[test]
fn human_output_shows_control_characters_as_escapes() {
    let repo = TeamRepo::example();
    let git = git_repo(repo.path());
    commit(&git, "evil\u{1b}]0;pwned\u{7}", START, "base");
    let canary = repo
        .read("initiatives/canary-deploys.toml")
        .replace("Canary every", &format!("{FORGED_TOML} Canary every"))
        .replace("owner = \"frank\"", &format!("owner = \"{FORGED_TOML}\""));
    repo.write("initiatives/canary-deploys.toml", canary);
    let escaped = |args: &[&str]| {
        let output = repo.okr().args(args).output().unwrap();
        assert_escaped(&args.join(" "), &output);
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let list = escaped(&["list"]);
    assert!(list.contains("\\u{1b}]0;pwned\\u{7}"), "{list}");
    assert!(list.contains("\\u{202e}evil"), "{list}");
    escaped(&["themes"]);
    escaped(&["diff", "HEAD"]);
    let history = escaped(&["history"]);
    assert!(history.contains("evil\\u{1b}]0;pwned"), "{history}");
    escaped(&["list", "--theme", "\u{1b}[2Jgone"]);
    escaped(&["list", "--owner", "\u{9b}x"]);

    // A file name and a line of source with raw control characters.
    repo.write(
        "initiatives/bad\u{1b}]0;x\u{7}name.toml",
        "title = \"x\"\nproblem = \"a\u{1b}[31mb\"\n",
    );
    let output = repo.okr().args(["check"]).output().unwrap();
    assert_escaped("check", &output);
    let check = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(check.contains("bad\\u{1b}]0;x\\u{7}name.toml"), "{check}");
    // The caret still points at the character, now shown as its escape.
    let lines: Vec<&str> = check.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("problem = \"a\\u{1b}[31mb\""))
        .unwrap_or_else(|| panic!("{check}"));
    let column = |line: &str, pattern: &str| line.find(pattern).map(|i| line[..i].chars().count());
    assert_eq!(
        column(lines[source + 1], "^"),
        column(lines[source], "\\u{1b}"),
        "{check}"
    );
    escaped(&["check", "--format", "github"]);
}

#[test]
fn a_control_character_cannot_start_a_second_workflow_command() {
    let repo = TeamRepo::example();
    repo.write(
        "initiatives/x\r\n::error file=forged::y\u{85}::warning::z\u{2028}::n.toml",
        "title = \"x\"\n",
    );
    let output = repo
        .okr()
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    for line in text.split(['\n', '\r']).filter(|l| !l.is_empty()) {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{text:?}"
        );
    }
    assert_escaped("check --format github", &output);
}

#[test]
fn fmt_check_lists_a_file_name_escaped() {
    let repo = TeamRepo::example();
    repo.write("initiatives/a\u{1b}[2Jb.toml", "title   =   \"x\"\n");
    let output = repo.okr().args(["fmt", "--check"]).output().unwrap();
    assert_escaped("fmt --check", &output);
    assert!(common::stdout(&output).contains("a\\u{1b}[2Jb.toml"));
}
