//! The `--rev` source: the team repository at one commit, read straight from git objects,
//! with symlinks resolved inside the tree.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use git2::{ErrorCode, ObjectType, Oid, Repository};

use super::blobs::{blob_size, with_thread_repo};
use super::repo::{Repo, git_error, in_team_repository, in_work_tree};
use crate::error::{Error, Result};
use crate::source::{Content, MAX_FILE_SIZE, Source, SourceFile};

impl Repo {
    /// A [`Source`] reading the team repository as it was at `rev`.
    pub fn tree_source(self, rev: &str) -> Result<GitTree> {
        let commit = self.resolve(rev)?;
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| git_error(format!("cannot read the tree of `{rev}`: {}", e.message())))?
            .id();
        Ok(GitTree::new(rev, tree, self.prefix, self.repo.path()))
    }
}

impl GitTree {
    fn new(rev: &str, tree: Oid, prefix: String, git_dir: &Path) -> GitTree {
        GitTree {
            rev: rev.to_owned(),
            tree,
            prefix,
            git_dir: git_dir.to_path_buf(),
            folders: Mutex::new(HashMap::new()),
        }
    }

    /// The tree of the commit that `reference` names in the git repository whose `.git` folder
    /// is `git_dir`, read from its top; `None` when there is no such reference. Through this
    /// thread's own handle on the repository: an org reads hundreds of teams from one
    /// repository, and each opening of it lists every pack it holds.
    pub fn at_reference(git_dir: &Path, reference: &str) -> Result<Option<GitTree>> {
        GitTree::at(git_dir, reference, |repo| repo.refname_to_id(reference))
    }

    /// The tree of commit `id` (a full hex id) in the git repository whose `.git` folder is
    /// `git_dir`, as [`GitTree::at_reference`] reads it; `None` when the repository lacks it.
    pub fn at_commit(git_dir: &Path, id: &str) -> Result<Option<GitTree>> {
        GitTree::at(git_dir, id, |_| Oid::from_str(id))
    }

    fn at(
        git_dir: &Path,
        rev: &str,
        commit: impl FnOnce(&Repository) -> std::result::Result<Oid, git2::Error>,
    ) -> Result<Option<GitTree>> {
        super::repo::trust_objects();
        with_thread_repo(git_dir, |repo| {
            let commit = match commit(repo) {
                Ok(commit) => commit,
                Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
                Err(e) => return Err(git_error(e.message())),
            };
            let tree = match repo.find_commit(commit).and_then(|c| c.tree()) {
                Ok(tree) => tree.id(),
                Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
                Err(e) => {
                    return Err(git_error(format!(
                        "cannot read the tree of `{rev}`: {}",
                        e.message()
                    )));
                }
            };
            Ok(Some(GitTree::new(rev, tree, String::new(), git_dir)))
        })
    }
}

/// The team repository at one commit, read straight from git objects.
pub struct GitTree {
    rev: String,
    tree: Oid,
    prefix: String,
    /// The `.git` folder: every read goes through the reading thread's own handle on it.
    git_dir: std::path::PathBuf,
    /// The folders that symlinks were resolved in, each parsed once: libgit2 keeps no large
    /// tree parsed, and a folder of many links, each followed for a few hops, was parsed again
    /// at every hop.
    folders: Mutex<HashMap<Oid, Arc<Folder>>>,
}

/// A folder of a [`GitTree`]: each entry's object id and mode, by name.
type Folder = HashMap<Vec<u8>, (Oid, i32)>;

/// Joins repo-relative parts, resolving `.` and `..`; `None` when it climbs above the top.
fn normalise(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// A file of a [`GitTree`], listed but not yet read.
#[derive(Debug, Clone)]
pub struct TreeFile {
    /// Repo-relative, as in [`SourceFile::path`].
    pub path: String,
    full: String,
    id: Oid,
    mode: i32,
    /// Its name or a folder's on its path starts with `.`: reported, never read.
    hidden: bool,
}

impl TreeFile {
    fn is_symlink(&self) -> bool {
        self.mode == 0o120_000
    }

    /// Equal for two files of the same repository with the same path and the same bytes, so
    /// one read and parse serves both; `None` for a symlink, which resolves within its tree.
    pub fn identity(&self) -> Option<(&str, &[u8])> {
        (!self.is_symlink()).then(|| (self.path.as_str(), self.id.as_bytes()))
    }
}

impl GitTree {
    pub fn rev(&self) -> &str {
        &self.rev
    }

    fn full(&self, path: &str) -> String {
        in_work_tree(&self.prefix, path)
    }

    fn relative<'a>(&self, full: &'a str) -> &'a str {
        in_team_repository(&self.prefix, full)
    }

    fn missing_blob(&self, path: &str, e: &git2::Error) -> Error {
        git_error(format!(
            "cannot read `{path}` at `{}`: {}\nhelp: this clone may be partial (`--filter=blob:none`); \
             fetch the missing objects with `git fetch --refetch`, or clone without a filter",
            self.rev,
            e.message()
        ))
    }

    /// Reads the blob `id` at the full path `full`, following one in-repository symlink. The
    /// size comes from the object's header first: a blob over the limit is never read.
    fn content(
        &self,
        repo: &Repository,
        full: &str,
        id: Oid,
        mode: i32,
        depth: u8,
    ) -> Result<Content> {
        let size = blob_size(repo, id).map_err(|e| self.missing_blob(full, &e))?;
        if size > MAX_FILE_SIZE {
            return Ok(Content::TooLarge(size));
        }
        let blob = repo
            .find_blob(id)
            .map_err(|e| self.missing_blob(full, &e))?;
        if mode != 0o120_000 {
            return Ok(Content::Bytes(blob.content().to_vec()));
        }
        let target = String::from_utf8_lossy(blob.content()).into_owned();
        let dir = full.rsplit_once('/').map_or("", |(d, _)| d);
        let resolved = (!target.starts_with('/'))
            .then(|| normalise(dir, &target))
            .flatten()
            .filter(|p| self.prefix.is_empty() || p.starts_with(&format!("{}/", self.prefix)));
        if resolved.as_deref().is_some_and(through_git) {
            return Ok(Content::SymlinkIntoGit(target));
        }
        let entry = match resolved {
            Some(path) => self.entry_at(repo, &path)?.map(|entry| (path, entry)),
            None => None,
        };
        match entry {
            // A file (executable or not) or a symlink; not a folder and not a submodule.
            Some((path, (id, mode)))
                if depth < 8 && matches!(mode & 0o170_000, 0o100_000 | 0o120_000) =>
            {
                self.content(repo, &path, id, mode, depth + 1)
            }
            _ => Ok(Content::SymlinkOutside(target)),
        }
    }

    /// The folder `id`, parsed once for all the reads of this tree.
    fn folder(&self, repo: &Repository, id: Oid) -> std::result::Result<Arc<Folder>, git2::Error> {
        let lock = || {
            self.folders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(folder) = lock().get(&id) {
            return Ok(Arc::clone(folder));
        }
        let tree = repo.find_tree(id)?;
        let folder: Arc<Folder> = Arc::new(
            tree.iter()
                .map(|e| (e.name_bytes().to_vec(), (e.id(), e.filemode())))
                .collect(),
        );
        lock().insert(id, Arc::clone(&folder));
        Ok(folder)
    }

    /// The object id and mode of the entry at the full path `full` of this tree; `None` when
    /// there is none, or a folder on the way cannot be read.
    fn entry_at(&self, repo: &Repository, full: &str) -> Result<Option<(Oid, i32)>> {
        let mut folder = self
            .folder(repo, self.tree)
            .map_err(|e| git_error(e.message()))?;
        let mut parts = full.split('/').peekable();
        while let Some(part) = parts.next() {
            let Some(&(id, mode)) = folder.get(part.as_bytes()) else {
                return Ok(None);
            };
            if parts.peek().is_none() {
                return Ok(Some((id, mode)));
            }
            if mode & 0o170_000 != 0o040_000 {
                return Ok(None);
            }
            let Ok(next) = self.folder(repo, id) else {
                return Ok(None);
            };
            folder = next;
        }
        Ok(None)
    }

    /// Lists the blobs below `tree` that okr reads: `.toml` files, and symlinks to report.
    /// Below a hidden folder (`hidden`) only `.toml` files are listed, as hidden.
    fn walk(
        &self,
        repo: &Repository,
        (tree, dir, hidden): (&git2::Tree<'_>, &str, bool),
        out: &mut Vec<(String, Oid, i32, bool)>,
    ) -> Result<()> {
        for entry in tree {
            let Ok(name) = entry.name() else { continue };
            if crate::source::is_git_name(name) {
                continue;
            }
            let hidden = hidden || name.starts_with('.');
            let full = format!("{dir}/{name}");
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    let subtree = repo
                        .find_tree(entry.id())
                        .map_err(|e| self.missing_blob(&full, &e))?;
                    self.walk(repo, (&subtree, &full, hidden), out)?;
                }
                Some(ObjectType::Blob)
                    if name.ends_with(".toml") || (!hidden && entry.filemode() == 0o120_000) =>
                {
                    out.push((full, entry.id(), entry.filemode(), hidden));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The `.toml` files below the folder `dir` (and symlinks, to report), sorted by path,
    /// listed without reading them.
    pub fn toml_entries(&self, dir: &str) -> Result<Vec<TreeFile>> {
        let mut entries = Vec::new();
        with_thread_repo(&self.git_dir, |repo| {
            if let Some(tree) = self.subtree(repo, dir)? {
                self.walk(repo, (&tree, &self.full(dir), false), &mut entries)?;
            }
            Ok(())
        })?;
        let mut files: Vec<TreeFile> = entries
            .into_iter()
            .map(|(full, id, mode, hidden)| TreeFile {
                path: self.relative(&full).to_owned(),
                full,
                id,
                mode,
                hidden,
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Reads one listed file, with this thread's own handle on the repository, so that calls
    /// from many threads run side by side; `None` for a symlink to something okr does not read.
    pub fn read_entry(&self, entry: &TreeFile) -> Result<Option<SourceFile>> {
        if entry.hidden {
            return Ok(Some(SourceFile {
                path: entry.path.clone(),
                content: Content::Hidden,
            }));
        }
        with_thread_repo(&self.git_dir, |repo| {
            let content = self.content(repo, &entry.full, entry.id, entry.mode, 0)?;
            if entry.is_symlink()
                && !entry.full.ends_with(".toml")
                && !matches!(
                    content,
                    Content::SymlinkOutside(_) | Content::SymlinkIntoGit(_)
                )
            {
                return Ok(None);
            }
            Ok(Some(SourceFile {
                path: entry.path.clone(),
                content,
            }))
        })
    }

    fn subtree<'r>(&self, repo: &'r Repository, dir: &str) -> Result<Option<git2::Tree<'r>>> {
        let root = repo
            .find_tree(self.tree)
            .map_err(|e| git_error(e.message()))?;
        let full = self.full(dir);
        if full.is_empty() {
            return Ok(Some(root));
        }
        match root.get_path(Path::new(&full)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => repo
                .find_tree(entry.id())
                .map(Some)
                .map_err(|e| self.missing_blob(&full, &e)),
            Ok(_) => Ok(None),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(git_error(e.message())),
        }
    }
}

impl Source for GitTree {
    fn read(&self, path: &str) -> Result<Option<SourceFile>> {
        with_thread_repo(&self.git_dir, |repo| {
            let root = repo
                .find_tree(self.tree)
                .map_err(|e| git_error(e.message()))?;
            let full = self.full(path);
            let entry = match root.get_path(Path::new(&full)) {
                Ok(entry) => entry,
                Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
                Err(e) => return Err(git_error(e.message())),
            };
            if entry.kind() != Some(ObjectType::Blob) {
                return Ok(None);
            }
            let content = self.content(repo, &full, entry.id(), entry.filemode(), 0)?;
            Ok(Some(SourceFile {
                path: path.to_owned(),
                content,
            }))
        })
    }

    fn list_toml(&self, dir: &str) -> Result<Vec<crate::source::Listed>> {
        Ok(self
            .toml_entries(dir)?
            .into_iter()
            .map(|file| crate::source::Listed::entry(file.path.clone(), file))
            .collect())
    }

    fn read_listed(&self, file: &crate::source::Listed) -> Result<Option<SourceFile>> {
        match file.entry_of::<TreeFile>() {
            Some(entry) => self.read_entry(entry),
            None => unreachable!("a git tree lists only its blobs"),
        }
    }

    fn file_names(&self, dir: &str) -> Result<Vec<String>> {
        with_thread_repo(&self.git_dir, |repo| {
            let Some(tree) = self.subtree(repo, dir)? else {
                return Ok(Vec::new());
            };
            let mut names: Vec<String> = tree
                .iter()
                .filter(|e| e.kind() == Some(ObjectType::Blob))
                .filter_map(|e| e.name().ok().map(str::to_owned))
                .collect();
            names.sort();
            Ok(names)
        })
    }
}

/// Whether a path in a tree (`/`-separated) passes through `.git`: a crafted tree may hold such
/// an entry, and git's own files are never the repository's.
fn through_git(path: &str) -> bool {
    path.split('/').any(crate::source::is_git_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlink_targets_resolve_inside_the_tree() {
        assert_eq!(
            normalise("initiatives", "../shared/a.toml").as_deref(),
            Some("shared/a.toml")
        );
        assert_eq!(normalise("initiatives", "../../etc/passwd"), None);
        assert_eq!(normalise("", "./a.toml").as_deref(), Some("a.toml"));
    }
}
