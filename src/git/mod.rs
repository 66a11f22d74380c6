//! Git, through git2: the only module that touches it; no type of git2's leaves it.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

use git2::{ErrorCode, ObjectType, Oid, Repository};
use rayon::prelude::*;

use crate::error::{Error, Result};

mod blobs;
mod git_tree;
mod publish;
mod tree;

pub use blobs::{Blobs, blob_id};
pub use git_tree::{GitTree, TreeFile};
pub use publish::branch_ref;

use tree::{Tree, Trees};

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
        trust_objects();
        let repo = Repository::discover(root).map_err(|e| {
            if e.code() == ErrorCode::NotFound {
                git_error(format!(
                    "`{}` is not in a git repository, and this reads git objects; run `git init` and commit first",
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
    fn resolve(&self, rev: &str) -> Result<Oid> {
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
}

/// A commit as history reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CommitInfo {
    /// The full hex id.
    pub commit: String,
    pub author: String,
    /// Author time, seconds since the Unix epoch.
    pub time: i64,
    pub summary: String,
}

/// What one commit did to one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// Moved from this path (relative to the team repository).
    Renamed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Relative to the team repository; for a deletion, the path that was deleted.
    pub path: String,
    pub kind: ChangeKind,
    /// The file's contents after the commit (`None` for a deletion).
    pub blob: Option<String>,
}

/// What a walk covers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Walk<'a> {
    /// Folders of the team repository to look in.
    pub dirs: &'a [&'a str],
    /// Leave out this commit and everything it descends from (a cached walk).
    pub hide: Option<&'a str>,
    /// Stop at the first commit older than this (Unix seconds).
    pub since: Option<i64>,
}

/// One commit and its changes below the folders asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitChanges {
    pub commit: CommitInfo,
    pub changes: Vec<Change>,
}

impl Repo {
    /// The commit HEAD points at; `None` in a repository without commits.
    pub fn head(&self) -> Option<String> {
        self.repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id().to_string())
    }

    /// The commit a revision names, as a hex id.
    pub fn resolve_id(&self, rev: &str) -> Result<String> {
        self.resolve(rev).map(|id| id.to_string())
    }

    pub fn commit_info(&self, id: &str) -> Result<CommitInfo> {
        let oid = Oid::from_str(id).map_err(|e| git_error(e.message()))?;
        let commit = self
            .repo
            .find_commit(oid)
            .map_err(|e| git_error(format!("cannot read commit `{id}`: {}", e.message())))?;
        Ok(info(&commit))
    }

    fn full(&self, path: &str) -> String {
        in_work_tree(&self.prefix, path)
    }

    /// Every commit reachable from `from` that changed a `.toml` file below `dirs`, newest
    /// first. Merge commits are skipped, as `git log` does by default. Renames are a file
    /// deleted and one added in the same commit with the same contents or the same name (an id
    /// moved to another folder).
    pub fn walk(&self, from: &str, options: &Walk<'_>) -> Result<Vec<CommitChanges>> {
        let fail = |e: git2::Error| git_error(e.message());
        let from = Oid::from_str(from).map_err(fail)?;
        let hide = options.hide.map(Oid::from_str).transpose().map_err(fail)?;
        let ids = match options.since {
            Some(since) => {
                let hidden: HashSet<Oid> = match hide {
                    Some(hide) => self.commits_since(hide, since)?.into_iter().collect(),
                    None => HashSet::new(),
                };
                let mut ids = self.commits_since(from, since)?;
                ids.retain(|id| !hidden.contains(id));
                ids
            }
            None => {
                let mut walk = self.repo.revwalk().map_err(fail)?;
                walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)
                    .map_err(fail)?;
                walk.push(from).map_err(fail)?;
                if let Some(hide) = hide {
                    walk.hide(hide).map_err(fail)?;
                }
                walk.collect::<std::result::Result<Vec<Oid>, _>>()
                    .map_err(fail)?
            }
        };
        let dirs: Vec<String> = options.dirs.iter().map(|d| self.full(d)).collect();
        walk_commits(&self.repo, &ids, &dirs, &self.prefix)
    }

    /// The commits reachable from `from` with a commit time at or after `since`, newest first,
    /// as `git log --since` lists them. A queue ordered by time stops at the first older
    /// commit, so only the window is read; libgit2's time-sorted walk reads the whole history
    /// before it gives its first commit.
    fn commits_since(&self, from: Oid, since: i64) -> Result<Vec<Oid>> {
        let commit = |id: Oid| {
            self.repo
                .find_commit(id)
                .map_err(|e| git_error(format!("cannot read commit `{id}`: {}", e.message())))
        };
        let mut queue = BinaryHeap::from([(commit(from)?.time().seconds(), from)]);
        let mut seen = HashSet::from([from]);
        let mut out = Vec::new();
        while let Some((time, id)) = queue.pop() {
            if time < since {
                break;
            }
            out.push(id);
            for parent in commit(id)?.parents() {
                if seen.insert(parent.id()) {
                    queue.push((parent.time().seconds(), parent.id()));
                }
            }
        }
        Ok(out)
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: &str, commit: &str) -> bool {
        match (Oid::from_str(ancestor), Oid::from_str(commit)) {
            (Ok(a), Ok(c)) => a == c || self.repo.graph_descendant_of(c, a).unwrap_or(false),
            _ => false,
        }
    }

    /// A folder inside `.git` for okr's caches.
    pub fn cache_dir(&self) -> std::path::PathBuf {
        self.repo.path().join("okr")
    }

    /// Where the team repository sits in the git work tree (`/`-separated, empty at the top).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Which of `files` (path, contents as read from the working tree) differ from HEAD, or are
    /// not in it. Hashing the bytes okr has already read is far cheaper than a status scan.
    pub fn differs_from_head(&self, files: &[(&str, &[u8])]) -> std::collections::BTreeSet<String> {
        let current: Vec<Option<Oid>> = files
            .par_iter()
            .map(|(_, bytes)| Oid::hash_object(ObjectType::Blob, bytes).ok())
            .collect();
        let head = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_tree().ok())
            .map(|tree| tree.id());
        // Each folder's tree is read and parsed once, as a walk reads them, and each file found
        // in it by name.
        let odb = self.repo.odb().ok();
        let trees = odb.as_ref().map(Trees::new);
        let mut folders: HashMap<&str, Option<Rc<Tree>>> = HashMap::new();
        files
            .iter()
            .zip(current)
            .filter(|((path, _), current)| {
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
                let folder = folders.entry(dir).or_insert_with(|| {
                    let (trees, head) = (trees.as_ref()?, head?);
                    trees.subtree(head, &self.full(dir)).ok().flatten()
                });
                let committed = folder.as_ref().and_then(|tree| tree.blob(name.as_bytes()));
                committed != *current
            })
            .map(|((path, _), _)| (*path).to_owned())
            .collect()
    }
}

/// The changes of each commit of `ids` (newest first) below `dirs`: see [`Repo::walk`].
///
/// The walk stays on one core. libgit2 keeps one cache of delta bases per pack for all
/// handles, and empties all of it when it is full: two cores walking two parts of the history
/// emptied each other's bases and took more time than one.
fn walk_commits(
    repo: &Repository,
    ids: &[Oid],
    dirs: &[String],
    prefix: &str,
) -> Result<Vec<CommitChanges>> {
    let fail = |e: git2::Error| git_error(e.message());
    let odb = repo.odb().map_err(fail)?;
    let trees = Trees::new(&odb);
    let mut out = Vec::new();
    for &id in ids {
        let commit = repo.find_commit(id).map_err(fail)?;
        if commit.parent_count() > 1 {
            continue;
        }
        let tree = commit.tree_id();
        let parent = match commit.parent_id(0) {
            Ok(parent) => Some(repo.find_commit(parent).map_err(fail)?.tree_id()),
            Err(_) => None,
        };
        let mut raw = Vec::new();
        for dir in dirs {
            let old = match parent {
                Some(parent) => trees.subtree(parent, dir)?,
                None => None,
            };
            let new = trees.subtree(tree, dir)?;
            trees.diff(old.as_deref(), new.as_deref(), dir, &mut raw)?;
        }
        if raw.is_empty() {
            continue;
        }
        out.push(CommitChanges {
            commit: info(&commit),
            changes: changes(prefix, raw),
        });
    }
    Ok(out)
}

/// Classifies raw differences, pairing deletions with additions into renames.
fn changes(prefix: &str, raw: Vec<(String, Option<Oid>, Option<Oid>)>) -> Vec<Change> {
    let stem = |p: &str| crate::document::stem(p).to_owned();
    let mut deleted: Vec<(String, Oid)> = raw
        .iter()
        .filter_map(|(p, old, new)| match (old, new) {
            (Some(old), None) => Some((p.clone(), *old)),
            _ => None,
        })
        .collect();
    let mut changes = Vec::new();
    for (path, old, new) in &raw {
        let Some(new) = new else { continue };
        let kind = if old.is_some() {
            ChangeKind::Modified
        } else if let Some(index) = deleted
            .iter()
            .position(|(_, id)| id == new)
            .or_else(|| deleted.iter().position(|(p, _)| stem(p) == stem(path)))
        {
            let (from, _) = deleted.remove(index);
            ChangeKind::Renamed(in_team_repository(prefix, &from).to_owned())
        } else {
            ChangeKind::Added
        };
        changes.push(Change {
            path: in_team_repository(prefix, path).to_owned(),
            kind,
            blob: Some(new.to_string()),
        });
    }
    for (path, _) in deleted {
        changes.push(Change {
            path: in_team_repository(prefix, &path).to_owned(),
            kind: ChangeKind::Deleted,
            blob: None,
        });
    }
    changes
}

/// A team-repository path as a path in the git work tree (`prefix` is where okr.toml sits).
fn in_work_tree(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}/{path}"),
    }
}

/// The inverse of [`in_work_tree`].
fn in_team_repository<'a>(prefix: &str, full: &'a str) -> &'a str {
    if prefix.is_empty() {
        full
    } else {
        full.strip_prefix(prefix)
            .map_or(full, |p| p.trim_start_matches('/'))
    }
}

/// Turns libgit2's hash verification off for the process: okr only reads objects that git
/// verified when it wrote them, and re-hashing each object read doubled the cost of a walk and
/// of reading a revision.
fn trust_objects() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

fn info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    CommitInfo {
        commit: commit.id().to_string(),
        author: author.name().unwrap_or("unknown").to_owned(),
        time: author.when().seconds(),
        summary: commit.summary().ok().flatten().unwrap_or("").to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn repo() -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().unwrap();
        let git = Repository::init(dir.path()).unwrap();
        git.config().unwrap().set_str("user.name", "Test").unwrap();
        git.config()
            .unwrap()
            .set_str("user.email", "test@example.com")
            .unwrap();
        let repo = Repo::open(dir.path()).unwrap();
        (dir, repo)
    }
}
