//! The proof of what okr wrote into an output folder: each document's name with the git blob id
//! and size of the bytes okr wrote. It is kept outside the repository's files, where no commit
//! or pull request can put one: in the git folder (`.git/okr/rendered/`, per worktree), or,
//! without git, in the user's state folder (`$XDG_STATE_HOME/okr/rendered/`, else
//! `~/.local/state/okr/rendered/`). One file per output folder, named by a hash of its
//! canonical path.
//!
//! okr replaces or removes a file only while it holds exactly bytes recorded here. A
//! `.okr-rendered` file in the output folder (where okr kept this list before) is never read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::output;

/// A proof file is read only up to this size: a line is about 60 bytes per document.
const MAX_PROOF_SIZE: u64 = 64 << 20;
const HEADER: &str = "# okr: the documents it wrote into ";
/// The start of a line that names a temporary okr is about to create.
const PENDING: &str = "tmp ";

/// What okr wrote into one output folder.
#[derive(Debug, Default)]
pub struct Proof {
    /// Where the proof is kept; `None` when there is nowhere to keep one (nothing is proven).
    path: Option<PathBuf>,
    /// Each document's name and the (blob id, size) of the bytes okr wrote there. A name may
    /// have two while okr replaces it, so that a run killed half-way proves either.
    written: BTreeMap<String, BTreeSet<(String, u64)>>,
    /// Temporaries okr named before creating them: a run killed before renaming them leaves
    /// them, and only these may be removed as okr's leftovers.
    pending: BTreeSet<String>,
}

impl Proof {
    /// The proof for the output folder `dir` (canonical) of the repository at `root`.
    pub fn load(root: &Path, dir: &Path) -> Proof {
        let key = crate::git::blob_id(dir.as_os_str().as_encoded_bytes());
        let folder = match crate::git::Repo::open(root) {
            Ok(repo) => Some(repo.cache_dir()),
            Err(_) => state_folder(),
        };
        match folder.map(|f| f.join("rendered").join(key)) {
            Some(path) => Proof::read(path),
            None => Proof::default(),
        }
    }

    /// The proof kept at `path`; an empty one when there is none.
    fn read(path: PathBuf) -> Proof {
        let mut written: BTreeMap<String, BTreeSet<(String, u64)>> = BTreeMap::new();
        let mut pending = BTreeSet::new();
        if let Some(bytes) = output::read_at_most(&path, MAX_PROOF_SIZE) {
            // The header is a comment; every other line is one entry whose fields okr checks,
            // so no name, path or text okr was given can pass for an entry.
            for line in String::from_utf8_lossy(&bytes).lines() {
                if line.starts_with('#') {
                    continue;
                }
                if let Some(name) = line.strip_prefix(PENDING)
                    && output::is_temporary(name)
                {
                    pending.insert(name.to_owned());
                    continue;
                }
                let mut fields = line.splitn(3, ' ');
                if let (Some(id), Some(len), Some(name)) =
                    (fields.next(), fields.next(), fields.next())
                    && let Ok(len) = len.parse()
                    && id.len() == 40
                    && id.bytes().all(|b| b.is_ascii_hexdigit())
                    && output::is_plain_file_name(name)
                {
                    written
                        .entry(name.to_owned())
                        .or_default()
                        .insert((id.to_owned(), len));
                }
            }
        }
        Proof {
            path: Some(path),
            written,
            pending,
        }
    }

    /// Whether the file `name` in `dir` holds exactly bytes okr wrote there.
    pub fn holds_written(&self, dir: &Path, name: &str) -> bool {
        let Some(versions) = self.written.get(name) else {
            return false;
        };
        let path = dir.join(name);
        let Ok(output::Existing::File { len, .. }) = output::existing(&path) else {
            return false;
        };
        // Only a file of a size okr wrote is read, and only that many bytes of it.
        versions.iter().any(|(id, recorded)| {
            *recorded == len
                && output::read_exactly(&path, len)
                    .is_some_and(|bytes| crate::git::blob_id(&bytes) == *id)
        })
    }

    /// The names okr wrote, at any version.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.written.keys().map(String::as_str)
    }

    /// Records that `name` holds `bytes` (after the versions already recorded, unless
    /// `replace`).
    pub fn record(&mut self, name: &str, bytes: &[u8], replace: bool) {
        let versions = self.written.entry(name.to_owned()).or_default();
        if replace {
            versions.clear();
        }
        versions.insert((crate::git::blob_id(bytes), bytes.len() as u64));
    }

    /// Forgets every document but those `keep` names: after a render, the proof holds exactly
    /// what okr wrote or had already proven its own.
    pub fn retain(&mut self, keep: &BTreeSet<&str>) {
        self.written.retain(|name, _| keep.contains(name.as_str()));
    }

    /// Records a temporary okr is about to create (or has just created, still empty).
    pub fn pend(&mut self, temporary: String) {
        self.pending.insert(temporary);
    }

    /// The temporaries recorded by runs that have not finished, this one's included.
    pub fn pending(&self) -> impl Iterator<Item = &str> {
        self.pending.iter().map(String::as_str)
    }

    /// Forgets a temporary: renamed into place, removed, or gone.
    pub fn settle(&mut self, temporary: &str) {
        self.pending.remove(temporary);
    }

    /// Writes the proof; nothing when there is nowhere to keep it.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        // The folder's path is quoted (`{:?}` escapes newlines and control characters), so
        // the header stays one line whatever the path holds.
        let mut text = format!("{HEADER}{:?}\n", dir.display().to_string());
        for (name, versions) in &self.written {
            for (id, len) in versions {
                text.push_str(&format!("{id} {len} {name}\n"));
            }
        }
        for temporary in &self.pending {
            text.push_str(&format!("{PENDING}{temporary}\n"));
        }
        output::write_atomic(path, text.as_bytes())
    }
}

/// The user's state folder for okr, when the environment names one.
fn state_folder() -> Option<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_STATE_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".local/state")))
        .map(|state| state.join("okr"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_okr_was_given_can_pass_for_an_entry() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("proof");
        let forged = format!("{} 5 notes.md", "a".repeat(40));
        let mut proof = Proof {
            path: Some(path.clone()),
            ..Proof::default()
        };
        proof.record("README.md", b"hello", true);
        proof.pend(".okr-tmp-abc123".to_owned());
        proof
            .save(
                &folder
                    .path()
                    .join(format!("okrs\n{forged}\ntmp .okr-tmp-zzz999")),
            )
            .unwrap();
        let read = Proof::read(path.clone());
        assert_eq!(read.names().collect::<Vec<_>>(), ["README.md"]);
        assert_eq!(read.pending().collect::<Vec<_>>(), [".okr-tmp-abc123"]);
        // Entries are checked field by field: no path, no hidden name, no short id.
        std::fs::write(
            &path,
            format!(
                "{forged}\n{id} 5 ../x.md\n{id} 5 .hidden.md\nabc 5 short.md\n\
                 {id} x len.md\ntmp notes.md\ntmp ../.okr-tmp-abc123\n",
                id = "b".repeat(40)
            ),
        )
        .unwrap();
        let read = Proof::read(path);
        assert_eq!(read.names().collect::<Vec<_>>(), ["notes.md"]);
        assert_eq!(read.pending().count(), 0);
    }
}
