//! Generates a realistic synthetic team repository with history, for benchmarks.
//!
//! `cargo run --release --example generate -- [--shape edits|checkins] DIR [INITIATIVES] [THEMES] [COMMITS]`
//! (defaults edits, 10000, 50, 2000). See `benches/support/synthetic.rs` for what it holds:
//! `edits` changes a few small files a commit, `checkins` about 7 files a commit, each with
//! several key results.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

const USAGE: &str = "usage: generate [--shape edits|checkins] DIR [INITIATIVES] [THEMES] [COMMITS]";

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let mut shape = synthetic::Shape::Edits;
    if let Some(at) = args.iter().position(|a| a == "--shape") {
        let Some(parsed) = args
            .get(at + 1)
            .and_then(|name| synthetic::Shape::parse(name))
        else {
            eprintln!("{USAGE}");
            std::process::exit(2);
        };
        shape = parsed;
        args.drain(at..at + 2);
    }
    let Some(dir) = args.get(1).filter(|dir| !dir.starts_with('-')) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
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
