//! The floors that okr is measured against: reading and TOML-parsing the files okr reads, on
//! all cores, and nothing else.
//!
//! `cargo run --release --example floor -- DIR`: every file of a team repository's working
//! tree (okr.toml, `initiatives/`, `themes/`), the floor of `okr check`.
//!
//! `cargo run --release --example floor -- --refs ORG_DIR`: the same files of every team synced
//! into the org repository, read as blobs from each `refs/okr/teams/*` tree with git2 (hash
//! verification off, as okr reads), the floor of `okr org check`.

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

fn parses(bytes: &[u8]) -> usize {
    std::str::from_utf8(bytes).ok().map_or(0, |text| {
        usize::from(toml::from_str::<toml::Table>(text).is_ok())
    })
}

fn files(root: &Path) {
    let mut files = vec![root.join("okr.toml")];
    walk(&root.join("initiatives"), &mut files);
    walk(&root.join("themes"), &mut files);
    let parsed: usize = files
        .par_iter()
        .map(|path| parses(&std::fs::read(path).expect("read")))
        .sum();
    println!("{parsed} of {} files parsed", files.len());
}

/// Every `.toml` blob under `tree`, into `out`.
fn blobs(repo: &git2::Repository, tree: &git2::Tree, out: &mut Vec<git2::Oid>) {
    for entry in tree {
        match entry.kind() {
            Some(git2::ObjectType::Tree) => {
                let subtree = repo.find_tree(entry.id()).expect("a tree");
                blobs(repo, &subtree, out);
            }
            Some(git2::ObjectType::Blob) if entry.name_bytes().ends_with(b".toml") => {
                out.push(entry.id());
            }
            _ => {}
        }
    }
}

/// The team's files at `reference`: (parsed, read).
fn team(repo: &git2::Repository, reference: &str) -> (usize, usize) {
    let tree = repo
        .revparse_single(reference)
        .and_then(|object| object.peel_to_tree())
        .expect("a synced team");
    let mut ids = Vec::new();
    if let Some(entry) = tree.get_name("okr.toml") {
        ids.push(entry.id());
    }
    for folder in ["initiatives", "themes"] {
        if let Some(entry) = tree.get_name(folder) {
            blobs(repo, &repo.find_tree(entry.id()).expect("a tree"), &mut ids);
        }
    }
    let parsed = ids
        .iter()
        .map(|id| parses(repo.find_blob(*id).expect("a blob").content()))
        .sum();
    (parsed, ids.len())
}

fn refs(org: &Path) {
    git2::opts::strict_hash_verification(false);
    let repo = git2::Repository::open(org).expect("the org's git repository");
    let names: Vec<String> = repo
        .references_glob("refs/okr/teams/*")
        .expect("list refs")
        .names()
        .map(|name| name.expect("a ref name").to_owned())
        .collect();
    drop(repo);
    let (parsed, read) = names
        .par_iter()
        .map_init(
            || git2::Repository::open(org).expect("the org's git repository"),
            |repo, name| team(repo, name),
        )
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("{parsed} of {read} files parsed in {} teams", names.len());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, org] if flag == "--refs" => refs(Path::new(org)),
        [dir] => files(Path::new(dir)),
        [] => files(Path::new(".")),
        _ => {
            eprintln!("usage: floor DIR | floor --refs ORG_DIR");
            std::process::exit(2);
        }
    }
}
