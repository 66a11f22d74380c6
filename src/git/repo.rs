//! The repository handle: the git repository that holds a team repository, where the team
//! repository sits in its work tree, and the revisions it names.

use std::path::Path;

use git2::{ErrorCode, Oid, Repository};

use crate::error::{Error, Result};

const FETCH_HELP: &str =
    "fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout";

pub(super) fn git_error(message: impl Into<String>) -> Error {
    Error::Git {
        message: message.into(),
    }
}

/// The git repository that holds a team repository, and where the team repository sits in it.
pub struct Repo {
    pub(super) repo: Repository,
    /// The team repository's folder relative to the git work tree, `/`-separated; empty at the top.
    pub(super) prefix: String,
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

    /// Whether this is a shallow clone, whose history is incomplete ([`shallow_message`]).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The commit a revision names, with a message that says how to fix a miss.
    pub(super) fn resolve(&self, rev: &str) -> Result<Oid> {
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

    /// The commit HEAD points at; `None` in a repository without commits.
    pub fn head(&self) -> Option<String> {
        self.repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id().to_string())
    }

    /// The commit a reference names, as a hex id; `None` when there is no such reference.
    pub fn reference_id(&self, name: &str) -> Option<String> {
        self.repo.refname_to_id(name).ok().map(|id| id.to_string())
    }

    /// The commit a revision names, as a hex id.
    pub fn resolve_id(&self, rev: &str) -> Result<String> {
        self.resolve(rev).map(|id| id.to_string())
    }

    pub(super) fn full(&self, path: &str) -> String {
        in_work_tree(&self.prefix, path)
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: &str, commit: &str) -> bool {
        match (Oid::from_str(ancestor), Oid::from_str(commit)) {
            (Ok(a), Ok(c)) => a == c || self.repo.graph_descendant_of(c, a).unwrap_or(false),
            _ => false,
        }
    }

    /// The `.git` folder, for work that opens a handle of its own on each thread.
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// A folder inside `.git` for okr's caches.
    pub fn cache_dir(&self) -> std::path::PathBuf {
        self.repo.path().join("okr")
    }

    /// Where the team repository sits in the git work tree (`/`-separated, empty at the top).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// A team-repository path as a path in the git work tree (`prefix` is where okr.toml sits).
pub(super) fn in_work_tree(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}/{path}"),
    }
}

/// The inverse of [`in_work_tree`].
pub(super) fn in_team_repository<'a>(prefix: &str, full: &'a str) -> &'a str {
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
pub(super) fn trust_objects() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

/// Whether `dir` is in a git repository with a work tree.
pub fn in_repository(dir: &Path) -> bool {
    Repository::discover(dir).is_ok_and(|repo| repo.workdir().is_some())
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

/// Why history is not available in a shallow clone, and how to fetch it: for a note or an
/// error.
pub fn shallow_message() -> String {
    "this is a shallow clone, so history is incomplete; fetch the full history with \
     `git fetch --unshallow`, or set `fetch-depth: 0` in actions/checkout"
        .to_owned()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::git) fn repo() -> (tempfile::TempDir, Repo) {
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
