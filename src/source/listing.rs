//! What every source gives: the [`Source`] trait, the files it lists ([`Listed`]) and reads
//! ([`SourceFile`]), and the order it lists them in ([`git_order`]).

use std::path::PathBuf;

use rayon::prelude::*;

use super::content::Content;
use crate::error::Result;

/// Whether a name is git's own folder or file, `.git`, in any case (case-insensitive file
/// systems see `.GIT` as the same folder).
pub fn is_git_name(name: &str) -> bool {
    name.eq_ignore_ascii_case(".git")
}

/// What a folder listing says of an entry that okr reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Listing {
    Regular,
    Symlink,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Repo-relative, `/`-separated.
    pub path: String,
    pub content: Content,
}

/// A file that [`Source::list_toml`] found, not yet read.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Repo-relative, `/`-separated.
    pub path: String,
    pub(super) how: How,
}

/// How a [`Listed`] file is read; each source knows its own.
#[derive(Debug, Clone)]
pub(super) enum How {
    /// A file on disk at its path, and what the walk saw there.
    Disk(Listing),
    /// A file on disk whose path is not UTF-8, so that its listed path is not quite its own.
    DiskAt { at: PathBuf, listing: Listing },
    /// An entry of another source, in that source's own terms (a git tree's blob): only the
    /// source that listed it reads it.
    Entry(Entry),
    /// Known when listed: a memory tree's bytes, or a folder that leads out of the repository.
    Known(Content),
}

/// A [`Listed`] file of a source that this module does not know (a git tree's blob), held as
/// that source gave it, so that sources depend on this module and never the other way.
#[derive(Clone)]
pub(super) struct Entry(std::sync::Arc<dyn std::any::Any + Send + Sync>);

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Entry(..)")
    }
}

impl Listed {
    /// A file another source lists at `path`, with what that source needs to read it.
    pub(crate) fn entry<E: std::any::Any + Send + Sync>(path: String, entry: E) -> Listed {
        Listed {
            path,
            how: How::Entry(Entry(std::sync::Arc::new(entry))),
        }
    }

    /// What the source that listed this file gave with it, if it is an `E`.
    pub(crate) fn entry_of<E: std::any::Any>(&self) -> Option<&E> {
        match &self.how {
            How::Entry(Entry(entry)) => entry.downcast_ref(),
            _ => None,
        }
    }
}

/// The order every source lists files in, git's order of tree entries (name, whether a
/// folder): by name, a folder's name as if it ended in `/`. Walking each folder's entries in
/// this order gives whole paths in sorted order, with no sort of the paths.
pub(crate) fn git_order(
    (x, x_tree): (&[u8], bool),
    (y, y_tree): (&[u8], bool),
) -> std::cmp::Ordering {
    let common = x.len().min(y.len());
    let next = |name: &[u8], tree: bool| name.get(common).copied().or(tree.then_some(b'/'));
    x[..common]
        .cmp(&y[..common])
        .then_with(|| next(x, x_tree).cmp(&next(y, y_tree)))
}

/// A read-only view of a team repository.
pub trait Source: Sync {
    /// One file; `None` when it does not exist.
    fn read(&self, path: &str) -> Result<Option<SourceFile>>;

    /// Every `*.toml` file below the folder `dir`, at any depth, sorted by path, listed without
    /// reading it; none when the folder does not exist. A hidden one (its name or a folder's on
    /// the way starts with `.`) is listed to be reported, never read; `.git` is not looked into.
    ///
    /// A large folder is read by listing it and then reading each file where it is used, on
    /// all cores, so that its files never have to be in memory all at once.
    fn list_toml(&self, dir: &str) -> Result<Vec<Listed>>;

    /// Reads a file that [`Source::list_toml`] gave; `None` for a symlink to something okr does
    /// not read.
    fn read_listed(&self, file: &Listed) -> Result<Option<SourceFile>>;

    /// [`Source::list_toml`], every file read; hidden ones, which are not read, left out.
    fn toml_files(&self, dir: &str) -> Result<Vec<SourceFile>> {
        let listed = self.list_toml(dir)?;
        let files = listed
            .par_iter()
            .map(|file| self.read_listed(file))
            .collect::<Result<Vec<_>>>()?;
        Ok(files
            .into_iter()
            .flatten()
            .filter(|file| file.content != Content::Hidden)
            .collect())
    }

    /// The names of the files directly in `dir` (for templates), sorted.
    fn file_names(&self, dir: &str) -> Result<Vec<String>>;
}
