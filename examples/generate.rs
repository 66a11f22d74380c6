//! Generates a realistic synthetic team repository with history, or an org of many, for
//! benchmarks.
//!
//! `cargo run --release --example generate -- [--shape edits|checkins] DIR [INITIATIVES] [THEMES] [COMMITS]`
//! (defaults edits, 10000, 50, 2000). See `benches/support/synthetic.rs` for what it holds:
//! `edits` changes a few small files a commit, `checkins` about 7 files a commit, each with
//! several key results.
//!
//! `cargo run --release --example generate -- --org DIR TEAMS INITIATIVES_PER_TEAM [OBJECTIVES]`
//! (default 10 objectives): `DIR/org`, the org repository, and `DIR/teams/<name>.git`, a bare
//! repository with history for each team; run `okr org sync` in `DIR/org`. DIR must not exist.
//!
//! `cargo run --release --example generate -- --advance DIR [CHANGES]` (default 3): moves the
//! `main` of every team of the org in DIR by one commit that changes CHANGES initiatives (a key
//! result of each, and the status of one), for `okr org diff` after the next sync.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

const USAGE: &str = "usage: generate [--shape edits|checkins] DIR [INITIATIVES] [THEMES] [COMMITS]\n       generate --org DIR TEAMS INITIATIVES_PER_TEAM [OBJECTIVES]\n       generate --advance DIR [CHANGES]";

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2);
}

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--org") {
        org(&args[2..]);
        return;
    }
    if args.get(1).is_some_and(|a| a == "--advance") {
        advance(&args[2..]);
        return;
    }
    let mut shape = synthetic::Shape::Edits;
    if let Some(at) = args.iter().position(|a| a == "--shape") {
        let Some(parsed) = args
            .get(at + 1)
            .and_then(|name| synthetic::Shape::parse(name))
        else {
            usage();
        };
        shape = parsed;
        args.drain(at..at + 2);
    }
    let Some(dir) = args.get(1).filter(|dir| !dir.starts_with('-')) else {
        usage();
    };
    let number = |index: usize, default: usize| {
        args.get(index)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (count, themes, commits) = (number(2, 10_000), number(3, 50), number(4, 2_000));
    synthetic::generate_shape(std::path::Path::new(dir), count, themes, commits, shape);
    println!("{dir}: {count} initiatives, {themes} themes, {commits} commits, {shape:?}");
}

/// `--org DIR TEAMS INITIATIVES_PER_TEAM [OBJECTIVES]`
fn org(args: &[String]) {
    let number = |index: usize| args.get(index).map(|a| a.parse::<usize>());
    let (Some(dir), Some(Ok(teams)), Some(Ok(per_team))) = (args.first(), number(1), number(2))
    else {
        usage();
    };
    let objectives = match number(3) {
        None => 10,
        Some(Ok(objectives)) => objectives,
        Some(Err(_)) => usage(),
    };
    let dir = std::path::Path::new(dir);
    if dir.exists() {
        eprintln!("generate: {} exists; give a new folder", dir.display());
        std::process::exit(2);
    }
    let started = std::time::Instant::now();
    synthetic::generate_org(dir, teams, per_team, objectives);
    println!(
        "{}: {teams} teams of {per_team} initiatives, {objectives} objectives, in {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
}

/// `--advance DIR [CHANGES]`
fn advance(args: &[String]) {
    let Some(dir) = args.first().map(std::path::Path::new) else {
        usage();
    };
    let changes = match args.get(1).map(|a| a.parse::<usize>()) {
        None => 3,
        Some(Ok(changes)) if changes > 0 => changes,
        Some(_) => usage(),
    };
    if !dir.join("teams").is_dir() {
        eprintln!(
            "generate: {} has no teams folder; give a folder `--org` wrote",
            dir.display()
        );
        std::process::exit(2);
    }
    let moved = synthetic::advance_org(dir, changes);
    println!(
        "{}: moved {} teams by one commit of {changes} initiatives",
        dir.display(),
        moved.len()
    );
}
