//! Arbitrary text as a team's templates, rendered over the example team in memory. Rendering
//! must never panic, and must stay within its bounds: fuel for its steps, a size for each
//! document, and (in the binary) a memory budget. Run with `-rss_limit_mb` to hold the
//! fuzzer to the memory bound as well.
//!
//! Input layout: `objective template \0 index template`. An empty part means the built-in.

#![no_main]

use libfuzzer_sys::fuzz_target;
use okr::finding::Severity;
use okr::portfolio::Portfolio;
use okr::render::{self, Templates};
use okr::source::MemoryTree;
use okr::{load, validate};

/// The whole example team: its initiatives depend on each other.
const EXAMPLE: &[(&str, &str)] = &[
    ("okr.toml", include_str!("../../examples/team/okr.toml")),
    (
        "initiatives/2026-Q1/migrate-replicas.toml",
        include_str!("../../examples/team/initiatives/2026-Q1/migrate-replicas.toml"),
    ),
    (
        "initiatives/2026-Q1/upgrade-postgres.toml",
        include_str!("../../examples/team/initiatives/2026-Q1/upgrade-postgres.toml"),
    ),
    (
        "initiatives/canary-deploys.toml",
        include_str!("../../examples/team/initiatives/canary-deploys.toml"),
    ),
    (
        "initiatives/feature-flags.toml",
        include_str!("../../examples/team/initiatives/feature-flags.toml"),
    ),
    (
        "initiatives/hermetic-builds.toml",
        include_str!("../../examples/team/initiatives/hermetic-builds.toml"),
    ),
    (
        "initiatives/merge-queue.toml",
        include_str!("../../examples/team/initiatives/merge-queue.toml"),
    ),
    (
        "initiatives/rotate-secrets.toml",
        include_str!("../../examples/team/initiatives/rotate-secrets.toml"),
    ),
    (
        "initiatives/slo-alerts.toml",
        include_str!("../../examples/team/initiatives/slo-alerts.toml"),
    ),
    (
        "initiatives/trace-everything.toml",
        include_str!("../../examples/team/initiatives/trace-everything.toml"),
    ),
    (
        "themes/boring-deploys.toml",
        include_str!("../../examples/team/themes/boring-deploys.toml"),
    ),
    (
        "themes/data-we-trust.toml",
        include_str!("../../examples/team/themes/data-we-trust.toml"),
    ),
    (
        "themes/see-it-first.toml",
        include_str!("../../examples/team/themes/see-it-first.toml"),
    ),
];

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0);
    let objective = parts.next().unwrap_or_default();
    let index = parts.next().unwrap_or_default();

    let mut tree = MemoryTree::new();
    for (path, text) in EXAMPLE {
        tree.insert(*path, text.as_bytes());
    }
    if !objective.is_empty() {
        tree.insert("templates/objective.md.j2", objective);
    }
    if !index.is_empty() {
        tree.insert("templates/index.md.j2", index);
    }

    let mut workspace = load::load(&tree).expect("the example team loads");
    let checked = validate::check(&mut workspace);
    assert!(
        checked
            .findings
            .iter()
            .all(|f| f.severity != Severity::Error),
        "the example team checks"
    );
    let portfolio =
        Portfolio::build(&workspace.config, checked.into_model()).expect("the example ranks");
    // A template that is not UTF-8 is an error, as any bad template is; only a panic (or a
    // hang, a crash, or memory past the bound) is a bug.
    let Ok(templates) = Templates::load(&tree, &workspace.config.paths.templates) else {
        return;
    };
    if let Ok(documents) = render::render(&portfolio, templates, None) {
        let total: usize = documents.iter().map(|(_, text)| text.len()).sum();
        assert!(
            total <= 4 * (16 << 20) + (1 << 20),
            "documents of {total} bytes"
        );
    }
});
