//! Writing rendered documents to disk: all or none, replacing and removing only the files okr
//! can prove it wrote.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::error::{Error, Result};
use crate::output;
use crate::proof::Proof;

/// What to do with one document's destination.
enum Plan {
    /// Nothing is there, or a file okr wrote: write it, with the mode of the file it replaces.
    Write(Option<u32>),
    /// The file already holds these bytes; `ours` when the proof says okr wrote them. A file
    /// that only happens to hold them is left alone and never becomes okr's.
    Keep { ours: bool },
}

/// Writes rendered documents into the folder `dir` (which exists and has been checked), all or
/// none, and removes documents that okr wrote there before whose theme is gone. `root` is the
/// repository's root: where the proof of what okr wrote is kept, and what names are shown from.
///
/// okr replaces or removes only a regular file that holds exactly bytes it recorded when it
/// wrote them (a record kept outside the repository's files, under `.git/okr/`); anything else
/// at a document's name (a file of the user's, a file edited since, a link, a FIFO, a folder)
/// stops the render before anything is written.
/// Every document is written to a temporary file first and renamed into place only once all of
/// them are written.
pub fn write(root: &Path, dir: &Path, documents: &[(String, String)]) -> Result<Vec<String>> {
    let canonical = dir.canonicalize().map_err(|e| Error::io("open", dir, e))?;
    let mut proof = Proof::load(root, &canonical);
    // Temporaries that a killed run recorded and left; never a file that only looks like one.
    let leftovers: Vec<String> = proof.pending().map(str::to_owned).collect();
    for name in leftovers {
        let path = dir.join(&name);
        if output::is_stale_temporary(dir, &name) {
            // Another run may have removed it first.
            let _ = fs::remove_file(&path);
        }
        if output::existing(&path)? == output::Existing::Absent {
            proof.settle(&name);
        }
    }
    let shown = |name: &str| {
        let path = dir.join(name);
        path.strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string()
    };
    let mut plans = Vec::with_capacity(documents.len());
    let mut refused = Vec::new();
    for (name, text) in documents {
        let path = dir.join(name);
        let plan = match output::existing(&path)? {
            output::Existing::Absent => Plan::Write(None),
            output::Existing::File { len, .. }
                if len == text.len() as u64 && output::holds(&path, text.as_bytes()) =>
            {
                Plan::Keep {
                    ours: proof.holds_written(dir, name),
                }
            }
            output::Existing::File { mode, .. } if proof.holds_written(dir, name) => {
                Plan::Write(Some(mode))
            }
            output::Existing::File { .. } => {
                let why = if proof.names().any(|n| n == name) {
                    "it changed since okr wrote it"
                } else {
                    "okr did not write it"
                };
                refused.push(format!("`{}`: {why}", shown(name)));
                continue;
            }
            output::Existing::Other(what) => {
                refused.push(format!("`{}`: it is {what}", shown(name)));
                continue;
            }
        };
        plans.push(plan);
    }
    if !refused.is_empty() {
        return Err(Error::usage(format!(
            "render would replace {} not okr's, so nothing was written:\n  {}\n\
             help: okr replaces only what it wrote; move these away (or render elsewhere with \
             `--out`), then run okr render again",
            match refused.len() {
                1 => "1 file that is".to_owned(),
                n => format!("{n} files that are"),
            },
            refused.join("\n  ")
        )));
    }
    // Every document to a temporary first: a failure here leaves the old set whole. Each
    // temporary is created empty and recorded before a byte is written, so that a run killed
    // at any point leaves only temporaries that the next run can prove are okr's.
    let mut staged = Vec::new();
    for ((name, _), plan) in documents.iter().zip(&plans) {
        if let Plan::Write(mode) = plan {
            staged.push(output::stage_empty(&dir.join(name), *mode)?);
        }
    }
    for file in &staged {
        proof.pend(file.temporary_name());
    }
    proof.save(&canonical)?;
    let written = documents
        .iter()
        .zip(&plans)
        .filter(|(_, plan)| matches!(plan, Plan::Write(_)));
    for (file, ((_, text), _)) in staged.iter_mut().zip(written) {
        file.fill(text.as_bytes())?;
    }
    // okr's documents: those it writes now and those it had already written.
    let ours: BTreeSet<&str> = documents
        .iter()
        .zip(&plans)
        .filter(|(_, plan)| matches!(plan, Plan::Write(_) | Plan::Keep { ours: true }))
        .map(|((name, _), _)| name.as_str())
        .collect();
    // The proof holds old and new bytes while they are swapped, so a run killed half-way
    // leaves every document provably okr's.
    for (name, text) in documents {
        if ours.contains(name.as_str()) {
            proof.record(name, text.as_bytes(), false);
        }
    }
    proof.save(&canonical)?;
    let temporaries: Vec<String> = staged.iter().map(output::Staged::temporary_name).collect();
    for file in staged {
        file.commit()?;
    }
    for temporary in &temporaries {
        proof.settle(temporary);
    }
    let current: BTreeSet<&str> = documents.iter().map(|(n, _)| n.as_str()).collect();
    let gone: Vec<String> = proof
        .names()
        .filter(|name| !current.contains(name))
        .map(str::to_owned)
        .collect();
    let mut removed = Vec::new();
    for name in gone {
        let path = dir.join(&name);
        if output::is_plain_file_name(&name)
            && name.ends_with(".md")
            && proof.holds_written(dir, &name)
        {
            match fs::remove_file(&path) {
                Ok(()) => removed.push(name.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("remove", &path, e)),
            }
        }
        // Removed, or changed since and so no longer okr's: either way the proof lets it go
        // below, where it keeps only this render's documents.
    }
    for (name, text) in documents {
        if ours.contains(name.as_str()) {
            proof.record(name, text.as_bytes(), true);
        }
    }
    proof.retain(&ours);
    proof.save(&canonical)?;
    Ok(removed)
}
