//! Generates a realistic synthetic team repository with history, for benchmarks.
//!
//! `cargo run --release --example generate -- DIR [INITIATIVES] [THEMES] [COMMITS]`
//! (defaults 10000, 50, 2000). See `benches/support/synthetic.rs` for what it holds.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        eprintln!("usage: generate DIR [INITIATIVES] [THEMES] [COMMITS]");
        std::process::exit(2);
    };
    let number = |index: usize, default: usize| {
        args.get(index)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (count, themes, commits) = (number(2, 10_000), number(3, 50), number(4, 2_000));
    synthetic::generate(std::path::Path::new(dir), count, themes, commits);
    println!("{dir}: {count} initiatives, {themes} themes, {commits} commits");
}
