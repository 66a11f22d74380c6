//! Git, through git2: the only module that touches it; no type of git2's leaves it.

use std::cell::RefCell;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::rc::Rc;

use git2::{ErrorCode, ObjectType, Oid, Repository};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::source::git_order;

mod blobs;
mod git_tree;
mod publish;

pub use blobs::{Blobs, blob_id};
pub use git_tree::{GitTree, TreeFile};
pub use publish::branch_ref;

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

/// Tree objects for a history walk, read through libgit2's object database and parsed here.
/// Hash verification is off for the process ([`trust_objects`]): git verified each object when
/// it wrote it, and re-hashing every tree read doubled the cost of a walk.
///
/// The folders read last are kept parsed: a commit's parent holds the version of a folder that
/// the walk read as the commit's own, so each version is read and parsed once. Entries are
/// found in the object's own bytes, which are never copied.
struct Trees<'o> {
    odb: &'o git2::Odb<'o>,
    recent: RefCell<VecDeque<(Oid, Rc<Tree<'o>>)>>,
    /// The entry list of the tree last dropped, whose memory is used again.
    spare: RefCell<Vec<Entry>>,
}

/// A parsed tree: its object, and where each entry lies in the object's bytes.
#[derive(Default)]
struct Tree<'o> {
    object: Option<git2::OdbObject<'o>>,
    entries: Vec<Entry>,
}

/// One tree entry: where its name and object id lie in the tree's bytes, and its mode.
#[derive(Clone, Copy)]
struct Entry {
    name: (u32, u32),
    oid: u32,
    mode: u32,
}

/// The length of a (SHA-1) object id in a tree's bytes.
const OID_LEN: usize = 20;

impl Entry {
    fn is_tree(&self) -> bool {
        self.mode & 0o170_000 == 0o040_000
    }

    /// A file (executable or not) or a symlink; not a folder and not a submodule.
    fn is_blob_or_symlink(&self) -> bool {
        matches!(self.mode & 0o170_000, 0o100_000 | 0o120_000)
    }

    /// The entry's name in `bytes`, the bytes of the tree it was parsed from.
    fn name<'b>(&self, bytes: &'b [u8]) -> &'b [u8] {
        &bytes[self.name.0 as usize..self.name.1 as usize]
    }

    /// The entry's object id in `bytes`, as the 20 bytes the tree holds.
    fn oid<'b>(&self, bytes: &'b [u8]) -> &'b [u8] {
        let at = self.oid as usize;
        &bytes[at..at + OID_LEN]
    }
}

/// Finds the entries of a tree object, `<octal mode> <name>\0<20-byte id>` each, into `entries`.
fn parse_tree(bytes: &[u8], entries: &mut Vec<Entry>) -> Result<()> {
    let malformed = || git_error("cannot parse a tree: the object is malformed");
    if u32::try_from(bytes.len()).is_err() {
        return Err(git_error("cannot parse a tree over 4 GiB"));
    }
    entries.clear();
    let mut at = 0;
    while at < bytes.len() {
        let mut mode = 0_u32;
        let space = at
            + bytes[at..]
                .iter()
                .position(|&b| b == b' ')
                .ok_or_else(malformed)?;
        if space == at || space - at > 7 {
            return Err(malformed());
        }
        for &digit in &bytes[at..space] {
            if !(b'0'..=b'7').contains(&digit) {
                return Err(malformed());
            }
            mode = mode << 3 | u32::from(digit - b'0');
        }
        let name = space + 1;
        let nul = name
            + bytes[name..]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(malformed)?;
        if nul == name || nul + 1 + OID_LEN > bytes.len() {
            return Err(malformed());
        }
        // Every offset is below the length, which fits in a u32.
        entries.push(Entry {
            name: (name as u32, nul as u32),
            oid: (nul + 1) as u32,
            mode,
        });
        at = nul + 1 + OID_LEN;
    }
    Ok(())
}

impl Tree<'_> {
    fn bytes(&self) -> &[u8] {
        self.object.as_ref().map_or(&[], |o| o.data())
    }

    fn name(&self, entry: &Entry) -> &[u8] {
        entry.name(self.bytes())
    }

    /// The entry's object id, as the 20 bytes the tree holds.
    fn oid(&self, entry: &Entry) -> &[u8] {
        entry.oid(self.bytes())
    }

    fn id(&self, entry: &Entry) -> Oid {
        Oid::from_bytes(self.oid(entry)).unwrap_or(Oid::ZERO_SHA1)
    }

    /// The blob (or symlink) named `name`, found by its place in git's order.
    fn blob(&self, name: &[u8]) -> Option<Oid> {
        let at = self
            .entries
            .binary_search_by(|e| git_order((self.name(e), e.is_tree()), (name, false)))
            .ok()?;
        let entry = &self.entries[at];
        entry.is_blob_or_symlink().then(|| self.id(entry))
    }
}

/// Turns libgit2's hash verification off for the process: okr only reads objects that git
/// verified when it wrote them, and re-hashing each object read doubled the cost of a walk and
/// of reading a revision.
fn trust_objects() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

impl<'o> Trees<'o> {
    /// How many parsed trees are kept: a commit's and its parent's, of each folder a commit
    /// may change (the top, the folders walked and the period folders in them).
    const RECENT: usize = 32;

    fn new(odb: &'o git2::Odb<'o>) -> Trees<'o> {
        Trees {
            odb,
            recent: RefCell::new(VecDeque::with_capacity(Trees::RECENT)),
            spare: RefCell::new(Vec::new()),
        }
    }

    /// The tree `id`, parsed.
    fn read(&self, id: Oid) -> Result<Rc<Tree<'o>>> {
        if let Some((_, tree)) = self.recent.borrow().iter().find(|(key, _)| *key == id) {
            return Ok(Rc::clone(tree));
        }
        let object = self.odb.read(id).map_err(|e| {
            if e.code() == ErrorCode::NotFound {
                git_error(format!(
                    "tree `{id}` is missing from the repository; the clone may be partial"
                ))
            } else {
                git_error(format!("cannot read tree `{id}`: {}", e.message()))
            }
        })?;
        if object.kind() != ObjectType::Tree {
            return Err(git_error(format!("object `{id}` is not a tree")));
        }
        let mut entries = self.spare.take();
        parse_tree(object.data(), &mut entries)?;
        let tree = Rc::new(Tree {
            object: Some(object),
            entries,
        });
        let mut recent = self.recent.borrow_mut();
        if recent.len() == Trees::RECENT
            && let Some((_, dropped)) = recent.pop_back()
            && let Ok(dropped) = Rc::try_unwrap(dropped)
        {
            self.spare.replace(dropped.entries);
        }
        recent.push_front((id, Rc::clone(&tree)));
        Ok(tree)
    }

    /// The folder `dir` (`/`-separated, empty for the top) in the tree `root`; `None` when
    /// there is no such folder.
    fn subtree(&self, root: Oid, dir: &str) -> Result<Option<Rc<Tree<'o>>>> {
        let mut tree = self.read(root)?;
        for part in dir.split('/').filter(|p| !p.is_empty()) {
            let Some(entry) = tree
                .entries
                .iter()
                .find(|e| e.is_tree() && tree.name(e) == part.as_bytes())
            else {
                return Ok(None);
            };
            let id = tree.id(entry);
            tree = self.read(id)?;
        }
        Ok(Some(tree))
    }

    /// Compares two trees entry by entry, descending only into subtrees whose ids differ.
    /// Pushes (path, old blob, new blob) for every `.toml` file that differs. Entries are
    /// compared in place, without copying names: this loop runs for every entry of every
    /// changed folder of every commit.
    fn diff(
        &self,
        old: Option<&Tree<'o>>,
        new: Option<&Tree<'o>>,
        path: &str,
        out: &mut Vec<(String, Option<Oid>, Option<Oid>)>,
    ) -> Result<()> {
        let empty = Tree::default();
        let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
        // Each tree's bytes are asked of libgit2 once, not at every entry.
        let (old_bytes, new_bytes) = (old.bytes(), new.bytes());
        let (mut i, mut j) = (0, 0);
        while i < old.entries.len() || j < new.entries.len() {
            let (left, right) = match (old.entries.get(i), new.entries.get(j)) {
                (Some(x), Some(y)) => match git_order(
                    (x.name(old_bytes), x.is_tree()),
                    (y.name(new_bytes), y.is_tree()),
                ) {
                    std::cmp::Ordering::Less => (Some(x), None),
                    std::cmp::Ordering::Greater => (None, Some(y)),
                    std::cmp::Ordering::Equal => (Some(x), Some(y)),
                },
                (x, y) => (x, y),
            };
            i += usize::from(left.is_some());
            j += usize::from(right.is_some());
            if let (Some(l), Some(r)) = (left, right)
                && l.oid(old_bytes) == r.oid(new_bytes)
            {
                continue;
            }
            let name = match (left, right) {
                (Some(l), _) => String::from_utf8_lossy(l.name(old_bytes)),
                (None, Some(r)) => String::from_utf8_lossy(r.name(new_bytes)),
                (None, None) => break,
            };
            if name.starts_with('.') {
                continue;
            }
            let child = format!("{path}/{name}");
            let tree_of = |tree: &Tree<'o>, e: Option<&Entry>| -> Result<Option<Rc<Tree<'o>>>> {
                match e {
                    Some(e) if e.is_tree() => self.read(tree.id(e)).map(Some),
                    _ => Ok(None),
                }
            };
            if left.is_some_and(Entry::is_tree) || right.is_some_and(Entry::is_tree) {
                let (old_tree, new_tree) = (tree_of(old, left)?, tree_of(new, right)?);
                self.diff(old_tree.as_deref(), new_tree.as_deref(), &child, out)?;
            }
            let blob_of = |tree: &Tree<'o>, e: Option<&Entry>| {
                e.filter(|e| e.is_blob_or_symlink()).map(|e| tree.id(e))
            };
            let (old_blob, new_blob) = (blob_of(old, left), blob_of(new, right));
            if (old_blob.is_some() || new_blob.is_some()) && name.ends_with(".toml") {
                out.push((child, old_blob, new_blob));
            }
        }
        Ok(())
    }
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

    #[test]
    fn trees_parse_as_libgit2_reads_them() {
        let (_dir, repo) = repo();
        let git = &repo.repo;
        let blob = git.blob(b"x = 1\n").unwrap();
        let mut inner = git.treebuilder(None).unwrap();
        inner.insert("a.toml", blob, 0o100_644).unwrap();
        let inner = inner.write().unwrap();
        let mut top = git.treebuilder(None).unwrap();
        for (name, id, mode) in [
            ("b.toml", blob, 0o100_644),
            ("b", inner, 0o040_000),
            ("run.sh", blob, 0o100_755),
            ("link.toml", blob, 0o120_000),
            ("b-c.toml", blob, 0o100_644),
        ] {
            top.insert(name, id, mode).unwrap();
        }
        let top = top.write().unwrap();
        let odb = git.odb().unwrap();
        let trees = Trees::new(&odb);
        let tree = trees.read(top).unwrap();
        let theirs: Vec<(Vec<u8>, Oid, i32)> = git
            .find_tree(top)
            .unwrap()
            .iter()
            .map(|e| (e.name_bytes().to_vec(), e.id(), e.filemode()))
            .collect();
        let ours: Vec<(Vec<u8>, Oid, i32)> = tree
            .entries
            .iter()
            .map(|e| (tree.name(e).to_vec(), tree.id(e), e.mode as i32))
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(tree.blob(b"b.toml"), Some(blob));
        assert_eq!(tree.blob(b"link.toml"), Some(blob));
        assert_eq!(tree.blob(b"b"), None);
        assert_eq!(
            trees.subtree(top, "b").unwrap().unwrap().blob(b"a.toml"),
            Some(blob)
        );
        assert!(trees.subtree(top, "nothing").unwrap().is_none());
        assert!(trees.read(blob).is_err());
    }

    #[test]
    fn malformed_trees_are_errors() {
        let id = [7_u8; 20];
        let entry = |head: &[u8]| [head, &id[..]].concat();
        for bytes in [
            entry(b"100644 a.toml\0")[..30].to_vec(),
            entry(b"100644a.toml\0"),
            entry(b"100648 a.toml\0"),
            entry(b" a.toml\0"),
            entry(b"100644 \0"),
            b"100644 a.toml".to_vec(),
        ] {
            assert!(parse_tree(&bytes, &mut Vec::new()).is_err(), "{bytes:?}");
        }
        let mut entries = Vec::new();
        parse_tree(&entry(b"40000 q1\0"), &mut entries).unwrap();
        assert!(entries[0].is_tree() && !entries[0].is_blob_or_symlink());
    }

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
