//! Benchmarks of the library's hot paths on a generated team repository (2,000 initiatives,
//! 40 themes, 400 commits; `OKR_BENCH_SIZE=10000` for the full size). `cargo bench`.
//!
//! These time the pieces; `benches/cli.sh` times the whole CLI against the floor.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::Path;
use std::sync::LazyLock;

use okr::config::Config;
use okr::diff::{Side, diff};
use okr::git::Repo;
use okr::history::History;
use okr::load::{self, Workspace};
use okr::portfolio::Portfolio;
use okr::render::{self, Templates};
use okr::source::WorkTree;
use okr::validate;

fn main() {
    divan::main();
}

static REPO: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("a temp folder");
    let size = std::env::var("OKR_BENCH_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000);
    synthetic::generate(dir.path(), size, 40, size / 5);
    dir
});

fn root() -> &'static Path {
    REPO.path()
}

fn workspace() -> Workspace {
    load::load(&WorkTree::new(root()).unwrap()).unwrap()
}

fn config() -> Config {
    workspace().config
}

#[divan::bench]
fn read_and_parse() -> Workspace {
    workspace()
}

#[divan::bench]
fn rules(bencher: divan::Bencher<'_, '_>) {
    // The rules consume the initiative documents: each run gets its own workspace.
    bencher
        .with_inputs(workspace)
        .bench_local_values(|mut workspace| validate::check(&mut workspace));
}

#[divan::bench]
fn scores_ranks_and_themes(bencher: divan::Bencher<'_, '_>) {
    let mut workspace = workspace();
    let model = validate::check(&mut workspace).into_model();
    bencher.bench(|| Portfolio::build(&workspace.config, model.clone()).unwrap());
}

#[divan::bench]
fn render_documents(bencher: divan::Bencher<'_, '_>) {
    let mut workspace = workspace();
    let model = validate::check(&mut workspace).into_model();
    let portfolio = Portfolio::build(&workspace.config, model).unwrap();
    bencher.bench(|| render::render(&portfolio, Templates::default(), None).unwrap());
}

#[divan::bench(sample_count = 10)]
fn history_walk_and_build() -> History {
    let repo = Repo::open(root()).unwrap();
    let config = config();
    let head = repo.head().unwrap();
    let dirs = [
        config.paths.initiatives.as_str(),
        config.paths.themes.as_str(),
    ];
    let walked = repo
        .walk(
            &head,
            &okr::git::Walk {
                dirs: &dirs,
                hide: None,
                since: None,
            },
        )
        .unwrap();
    let blobs = repo.blobs();
    let steps = okr::history::steps(walked, |id| Ok(blobs.read(id)?.unwrap_or_default())).unwrap();
    okr::history::build(&steps)
}

#[divan::bench(sample_count = 10)]
fn read_a_revision_and_diff() -> usize {
    let base = Side::read(
        &Repo::open(root()).unwrap().tree_source("HEAD~40").unwrap(),
        "base",
    )
    .unwrap();
    let head = Side::read(&WorkTree::new(root()).unwrap(), "head").unwrap();
    diff(&base, &head).changed.len()
}

/// `okr diff HEAD~40 HEAD`: both revisions read together, each shared file once.
#[divan::bench(sample_count = 10)]
fn read_two_revisions_and_diff() -> usize {
    let tree = |rev: &str| Repo::open(root()).unwrap().tree_source(rev).unwrap();
    let (base, head) = load::load_revisions(&tree("HEAD~40"), &tree("HEAD")).unwrap();
    let base = Side::of(base, "base").unwrap();
    let head = Side::of(head, "head").unwrap();
    diff(&base, &head).changed.len()
}
