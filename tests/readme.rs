//! The README's rule table lists every rule okr has, with its real default and whether
//! `[rules]` may change it.

use okr::finding::{Rule, RuleLevel};

#[test]
fn the_rule_table_matches_the_rules() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("<!-- rules:start -->")
        .expect("the start marker");
    let end = readme.find("<!-- rules:end -->").expect("the end marker");
    let table = &readme[start..end];
    let mut expected =
        String::from("| rule | default | configurable | checks |\n| --- | --- | --- | --- |\n");
    for rule in Rule::ALL {
        let level = match rule.default_level() {
            RuleLevel::Error => "error",
            RuleLevel::Warn => "warn",
            RuleLevel::Off => "off",
        };
        let configurable = if rule.configurable() { "yes" } else { "no" };
        expected.push_str(&format!(
            "| `{}` | {level} | {configurable} | {} |\n",
            rule.code(),
            rule.about()
        ));
    }
    let table = table.trim_start_matches("<!-- rules:start -->").trim();
    assert_eq!(table, expected.trim(), "regenerate the table in README.md");
}

/// A newcomer reads the Rust they need in the README; it must be what Cargo.toml enforces.
#[test]
fn the_readme_names_the_rust_version_cargo_requires() {
    let manifest = include_str!("../Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = "))
        .expect("Cargo.toml sets rust-version")
        .trim_matches('"');
    let readme = include_str!("../README.md");
    let prerequisite = format!("**Rust {version} or newer**");
    assert!(
        readme.contains(&prerequisite),
        "README.md must list {prerequisite} among the prerequisites"
    );
}

/// Every `okr org` command has its row in the README's command table.
#[test]
fn the_readme_lists_every_org_command() {
    use clap::CommandFactory;
    let readme = include_str!("../README.md");
    let cli = okr::cli::Cli::command();
    let org = cli.find_subcommand("org").expect("the org command");
    for command in org.get_subcommands() {
        let row = format!("| `okr org {}", command.get_name());
        assert!(
            readme.contains(&row),
            "no README row for `okr org {}`",
            command.get_name()
        );
    }
}
