//! Git, through git2. The only module that touches git2; no git2 type leaves it.

use std::path::Path;
use std::sync::Mutex;

use git2::{ErrorCode, ObjectType, Oid, Repository};

use crate::error::{Error, Result};
use crate::source::{Content, MAX_FILE_SIZE, Source, SourceFile};

const FETCH_HELP: &str =
    "fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout";

fn git_error(message: impl Into<String>) -> Error {
    Error::Git {
        message: message.into(),
    }
}

/// The git repository that holds a team repository, and where the team repository sits in it.
pub struct Repo {
    repo: Repository,
    /// The team repository's folder relative to the git work tree, `/`-separated; empty at the top.
    prefix: String,
}

impl Repo {
    /// Opens the git repository containing `root` (the folder with okr.toml).
    pub fn open(root: &Path) -> Result<Repo> {
        let repo = Repository::discover(root).map_err(|e| {
            if e.code() == ErrorCode::NotFound {
                git_error(format!(
                    "`{}` is not in a git repository; run `git init` and commit, or drop `--rev`",
                    root.display()
                ))
            } else {
                git_error(format!("cannot open the git repository: {}", e.message()))
            }
        })?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| git_error("the git repository is bare; okr needs a work tree"))?
            .canonicalize()
            .map_err(|e| Error::io("open", root, e))?;
        let root = root
            .canonicalize()
            .map_err(|e| Error::io("open", root, e))?;
        let prefix = root
            .strip_prefix(&workdir)
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default();
        Ok(Repo { repo, prefix })
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The commit a revision names, with a message that says how to fix a miss.
    pub fn resolve(&self, rev: &str) -> Result<Oid> {
        if self.repo.head().is_err() && self.repo.is_empty().unwrap_or(false) {
            return Err(git_error(format!(
                "cannot read revision `{rev}`: the repository has no commits yet; commit first"
            )));
        }
        let object = self.repo.revparse_single(rev).map_err(|e| {
            let mut message = format!("unknown revision `{rev}`: {}", e.message());
            if self.is_shallow() {
                message.push_str(&format!("\nhelp: this is a shallow clone; {FETCH_HELP}"));
            }
            git_error(message)
        })?;
        let commit = object
            .peel_to_commit()
            .map_err(|_| git_error(format!("revision `{rev}` is not a commit")))?;
        Ok(commit.id())
    }

    /// A [`Source`] reading the team repository as it was at `rev`.
    pub fn tree_source(self, rev: &str) -> Result<GitTree> {
        let commit = self.resolve(rev)?;
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| git_error(format!("cannot read the tree of `{rev}`: {}", e.message())))?
            .id();
        Ok(GitTree {
            rev: rev.to_owned(),
            tree,
            prefix: self.prefix,
            repo: Mutex::new(self.repo),
        })
    }
}

/// git's `user.name`, as `okr new` uses for the owner.
pub fn user_name(dir: &Path) -> Option<String> {
    let config = match Repository::discover(dir) {
        Ok(repo) => repo.config().ok()?,
        Err(_) => git2::Config::open_default().ok()?,
    };
    config
        .get_string("user.name")
        .ok()
        .filter(|n| !n.trim().is_empty())
}

/// The team repository at one commit, read straight from git objects.
pub struct GitTree {
    rev: String,
    tree: Oid,
    prefix: String,
    // git2's Repository is not Sync; reads are short, so one lock is enough.
    repo: Mutex<Repository>,
}

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

impl GitTree {
    pub fn rev(&self) -> &str {
        &self.rev
    }

    fn full(&self, path: &str) -> String {
        if self.prefix.is_empty() {
            path.to_owned()
        } else if path.is_empty() {
            self.prefix.clone()
        } else {
            format!("{}/{path}", self.prefix)
        }
    }

    fn relative<'a>(&self, full: &'a str) -> &'a str {
        if self.prefix.is_empty() {
            full
        } else {
            full.strip_prefix(&self.prefix)
                .map_or(full, |p| p.trim_start_matches('/'))
        }
    }

    fn missing_blob(&self, path: &str, e: &git2::Error) -> Error {
        git_error(format!(
            "cannot read `{path}` at `{}`: {}\nhelp: this clone may be partial (`--filter=blob:none`); \
             fetch the missing objects with `git fetch --refetch`, or clone without a filter",
            self.rev,
            e.message()
        ))
    }

    /// Reads the blob `id` at the full path `full`, following one in-repository symlink.
    fn content(
        &self,
        repo: &Repository,
        full: &str,
        id: Oid,
        mode: i32,
        depth: u8,
    ) -> Result<Content> {
        let odb = repo.odb().map_err(|e| git_error(e.message()))?;
        let (size, _) = odb
            .read_header(id)
            .map_err(|e| self.missing_blob(full, &e))?;
        if mode == 0o120_000 {
            let blob = repo
                .find_blob(id)
                .map_err(|e| self.missing_blob(full, &e))?;
            let target = String::from_utf8_lossy(blob.content()).into_owned();
            let dir = full.rsplit_once('/').map_or("", |(d, _)| d);
            let resolved = (!target.starts_with('/'))
                .then(|| normalise(dir, &target))
                .flatten()
                .filter(|p| self.prefix.is_empty() || p.starts_with(&format!("{}/", self.prefix)));
            let tree = repo
                .find_tree(self.tree)
                .map_err(|e| git_error(e.message()))?;
            let entry = resolved.and_then(|p| tree.get_path(Path::new(&p)).ok().map(|e| (p, e)));
            return match entry {
                Some((path, entry)) if depth < 8 && entry.kind() == Some(ObjectType::Blob) => {
                    self.content(repo, &path, entry.id(), entry.filemode(), depth + 1)
                }
                _ => Ok(Content::SymlinkOutside(target)),
            };
        }
        if size as u64 > MAX_FILE_SIZE {
            return Ok(Content::TooLarge(size as u64));
        }
        let blob = repo
            .find_blob(id)
            .map_err(|e| self.missing_blob(full, &e))?;
        Ok(Content::Bytes(blob.content().to_vec()))
    }

    fn walk(
        &self,
        repo: &Repository,
        tree: &git2::Tree<'_>,
        dir: &str,
        out: &mut Vec<SourceFile>,
    ) -> Result<()> {
        for entry in tree {
            let Ok(name) = entry.name() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let full = format!("{dir}/{name}");
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    let subtree = repo
                        .find_tree(entry.id())
                        .map_err(|e| self.missing_blob(&full, &e))?;
                    self.walk(repo, &subtree, &full, out)?;
                }
                Some(ObjectType::Blob)
                    if name.ends_with(".toml") || entry.filemode() == 0o120_000 =>
                {
                    let content = self.content(repo, &full, entry.id(), entry.filemode(), 0)?;
                    if entry.filemode() == 0o120_000
                        && !name.ends_with(".toml")
                        && !matches!(content, Content::SymlinkOutside(_))
                    {
                        continue;
                    }
                    out.push(SourceFile {
                        path: self.relative(&full).to_owned(),
                        content,
                    });
                }
                _ => {}
            }
        }
        Ok(())
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
        let repo = self
            .repo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
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
        let content = self.content(&repo, &full, entry.id(), entry.filemode(), 0)?;
        Ok(Some(SourceFile {
            path: path.to_owned(),
            content,
        }))
    }

    fn toml_files(&self, dir: &str) -> Result<Vec<SourceFile>> {
        let repo = self
            .repo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(tree) = self.subtree(&repo, dir)? else {
            return Ok(Vec::new());
        };
        let mut files = Vec::new();
        self.walk(&repo, &tree, &self.full(dir), &mut files)?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    fn file_names(&self, dir: &str) -> Result<Vec<String>> {
        let repo = self
            .repo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(tree) = self.subtree(&repo, dir)? else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = tree
            .iter()
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .filter_map(|e| e.name().ok().map(str::to_owned))
            .collect();
        names.sort();
        Ok(names)
    }
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
