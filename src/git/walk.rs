//! The history walk: the commits that changed files below some folders, newest first, and
//! what each did to each file, renames included.

use std::collections::{BinaryHeap, HashSet};

use git2::{Oid, Repository};

use super::repo::{Repo, git_error, in_team_repository};
use super::tree::{FileChange, Trees};
use crate::error::Result;

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
    pub fn commit_info(&self, id: &str) -> Result<CommitInfo> {
        let oid = Oid::from_str(id).map_err(|e| git_error(e.message()))?;
        let commit = self
            .repo
            .find_commit(oid)
            .map_err(|e| git_error(format!("cannot read commit `{id}`: {}", e.message())))?;
        Ok(info(&commit))
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
fn changes(prefix: &str, raw: Vec<FileChange>) -> Vec<Change> {
    let stem = |p: &str| crate::document::stem(p).to_owned();
    let mut deleted: Vec<(String, Oid)> = raw
        .iter()
        .filter_map(|c| match (c.old, c.new) {
            (Some(old), None) => Some((c.path.clone(), old)),
            _ => None,
        })
        .collect();
    let mut changes = Vec::new();
    for FileChange { path, old, new } in &raw {
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

fn info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    CommitInfo {
        commit: commit.id().to_string(),
        author: author.name().unwrap_or("unknown").to_owned(),
        time: author.when().seconds(),
        summary: commit.summary().ok().flatten().unwrap_or("").to_owned(),
    }
}
