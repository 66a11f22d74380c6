//! The floor that `okr check` is measured against: read and TOML-parse every file of a team
//! repository on all cores, and nothing else.
//!
//! `cargo run --release --example floor -- DIR`

use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let mut files = vec![root.join("okr.toml")];
    walk(&root.join("initiatives"), &mut files);
    walk(&root.join("themes"), &mut files);
    let parsed: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read");
            usize::from(toml::from_str::<toml::Table>(&text).is_ok())
        })
        .sum();
    println!("{parsed} of {} files parsed", files.len());
}
