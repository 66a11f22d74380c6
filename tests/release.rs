//! What a release promises outside the code: every action pinned by commit, and the version
//! that README, CHANGELOG.md and `okr init` name being the one a release tag creates.

use std::fs;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const TAG: &str = concat!("v", env!("CARGO_PKG_VERSION"));

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(ROOT).join(path)).unwrap()
}

/// `owner/name[/path]@<40 hex digits> # v<version>`: pinned by commit, version in a comment.
fn pinned(value: &str) -> bool {
    let Some((action, rest)) = value.split_once('@') else {
        return false;
    };
    let Some((sha, comment)) = rest.split_once(" # v") else {
        return false;
    };
    action.split('/').count() >= 2
        && sha.len() == 40
        && sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && comment.starts_with(|c: char| c.is_ascii_digit())
}

#[test]
fn every_action_is_pinned_by_commit_with_its_version() {
    let mut files: Vec<String> = fs::read_dir(Path::new(ROOT).join(".github/workflows"))
        .unwrap()
        .map(|entry| format!(".github/workflows/{}", entry.unwrap().file_name().display()))
        .collect();
    files.extend(["action.yml".to_owned(), "templates/init/okr.yml".to_owned()]);
    let mut seen = 0;
    for file in &files {
        for (number, line) in read(file).lines().enumerate() {
            let Some(value) = line
                .trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses: ")
            else {
                continue;
            };
            seen += 1;
            // okr's own reusable workflow, called at a release tag that okr init fills in.
            if value.starts_with("{{repository}}/.github/workflows/okr-team.yml@{{ref}}") {
                continue;
            }
            assert!(
                pinned(value),
                "{file}:{}: `{value}` is not pinned as `owner/name@<commit SHA> # vX.Y.Z`",
                number + 1
            );
        }
    }
    assert!(seen > 20, "found only {seen} `uses:` lines");
    assert!(!pinned("actions/checkout@v4"));
    assert!(!pinned(
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
    ));
}

#[test]
fn dependabot_keeps_actions_and_crates_current() {
    let config = read(".github/dependabot.yml");
    for ecosystem in ["github-actions", "cargo"] {
        assert!(
            config.contains(&format!("package-ecosystem: {ecosystem}")),
            "{ecosystem}"
        );
    }
}

/// The tags that `text` pins okr at: `rev: vX`, `okr-tool/okr@vX`, `okr-team.yml@vX` and
/// `okr-ref: vX`, as (what, tag).
fn okr_pins(text: &str) -> Vec<(String, String)> {
    let mut pins = Vec::new();
    for line in text.lines() {
        for key in ["rev: ", "okr-tool/okr@", "okr-team.yml@", "okr-ref: "] {
            if let Some(at) = line.find(key) {
                let tag: String = line[at + key.len()..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                if tag.starts_with('v') && tag[1..].starts_with(|c: char| c.is_ascii_digit()) {
                    pins.push((line.trim().to_owned(), tag));
                }
            }
        }
    }
    pins
}

#[test]
fn readme_pins_the_tag_that_the_release_of_this_version_creates() {
    for file in ["README.md", "action.yml"] {
        let pins = okr_pins(&read(file));
        assert!(!pins.is_empty(), "{file}: no okr tag found");
        for (line, tag) in pins {
            assert_eq!(
                tag, TAG,
                "{file}: `{line}` should name {TAG}, the tag of Cargo.toml's version"
            );
        }
    }
    // Each example kind is there: pre-commit, the action, the reusable workflow and its input.
    let readme = read("README.md");
    for example in [
        format!("rev: {TAG}"),
        format!("okr-tool/okr@{TAG}"),
        format!("okr-team.yml@{TAG}"),
        format!("okr-ref: {TAG}"),
    ] {
        assert!(readme.contains(&example), "README.md lacks `{example}`");
    }
}

#[test]
fn readme_shows_the_workflow_that_okr_init_writes() {
    let files = okr::scaffold::init_files("Team", "alice", "2026-Q1");
    let (_, workflow) = files
        .iter()
        .find(|(path, _)| path == ".github/workflows/okr.yml")
        .unwrap();
    assert!(
        workflow.contains(&format!("okr-team.yml@{TAG}\n")),
        "{workflow}"
    );
    assert!(workflow.contains(&format!("okr-ref: {TAG} ")), "{workflow}");
    assert!(
        read("README.md").contains(&format!("```yaml\n{workflow}```\n")),
        "README.md's \"Using okr in CI\" example differs from what okr init writes:\n{workflow}"
    );
}

#[test]
fn changelog_has_this_version_and_an_unreleased_section() {
    let changelog = read("CHANGELOG.md");
    let version = env!("CARGO_PKG_VERSION");
    let sections: Vec<&str> = changelog
        .lines()
        .filter(|line| line.starts_with("## "))
        .collect();
    assert_eq!(
        sections.first(),
        Some(&"## [Unreleased]"),
        "CHANGELOG.md starts with its Unreleased section"
    );
    let heading = format!("## [{version}]");
    assert!(
        sections.contains(&heading.as_str()),
        "CHANGELOG.md has no `{heading}`, which release.yml takes the release notes from"
    );
    // The section has notes: release.yml publishes them as they are.
    let body = changelog.split(&format!("{heading}\n")).nth(1).unwrap();
    let body = body.split("\n## ").next().unwrap();
    assert!(
        body.lines().filter(|l| l.starts_with("- ")).count() >= 3,
        "{body}"
    );
}
