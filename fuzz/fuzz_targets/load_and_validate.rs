//! Arbitrary bytes as a team repository: an okr.toml, one initiative or theme file and a team
//! template, next to the example team's files. Loading, checking, scoring and rendering must
//! never panic, whatever the bytes.
//!
//! Input layout: `config \0 file \0 template`. An empty config part means the example's
//! okr.toml; an empty template part means the built-in templates. The file goes to `themes/`
//! when its first byte is odd, else to `initiatives/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use okr::finding::{Finding, Severity, Texts};
use okr::portfolio::Portfolio;
use okr::render::{self, Templates};
use okr::report::Format;
use okr::source::MemoryTree;
use okr::{load, validate};

/// Reporting a finding quotes its file: every format must cope with any span in any text.
fn report(findings: &[Finding], texts: &Texts) {
    for format in [Format::Human, Format::Json, Format::Github] {
        let mut out = Vec::new();
        okr::report::findings(&mut out, format, findings, texts, false).expect("writes to memory");
    }
}

const EXAMPLE: &[(&str, &str)] = &[
    ("okr.toml", include_str!("../../examples/team/okr.toml")),
    (
        "initiatives/merge-queue.toml",
        include_str!("../../examples/team/initiatives/merge-queue.toml"),
    ),
    (
        "initiatives/2026-Q1/upgrade-postgres.toml",
        include_str!("../../examples/team/initiatives/2026-Q1/upgrade-postgres.toml"),
    ),
    (
        "themes/boring-deploys.toml",
        include_str!("../../examples/team/themes/boring-deploys.toml"),
    ),
    (
        "themes/data-we-trust.toml",
        include_str!("../../examples/team/themes/data-we-trust.toml"),
    ),
];

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0);
    let config = parts.next().unwrap_or_default();
    let file = parts.next().unwrap_or_default();
    let template = parts.next().unwrap_or_default();

    let mut tree = MemoryTree::new();
    for (path, text) in EXAMPLE {
        tree.insert(*path, text.as_bytes());
    }
    if !config.is_empty() {
        tree.insert("okr.toml", config);
    }
    let folder = if file.first().is_some_and(|b| b % 2 == 1) {
        "themes"
    } else {
        "initiatives"
    };
    tree.insert(format!("{folder}/fuzz.toml"), file);
    if !template.is_empty() {
        tree.insert("templates/objective.md.j2", template);
    }

    // Errors are fine; only a panic (or a hang, or a crash) is a bug.
    let mut workspace = match load::load(&tree) {
        Ok(workspace) => workspace,
        Err(okr::Error::Config { findings, texts }) => {
            report(&findings, &texts);
            return;
        }
        Err(_) => return,
    };
    let checked = validate::check(&mut workspace);
    report(&checked.findings, &workspace.texts);
    if checked
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        return;
    }
    let Ok(portfolio) = Portfolio::build(&workspace.config, checked.into_model()) else {
        return;
    };
    let Ok(templates) = Templates::load(&tree, &workspace.config.paths.templates) else {
        return;
    };
    let _ = render::render(&portfolio, templates, None);
});
