//! Git, through git2: the only module that touches it; no type of git2's leaves it.
//!
//! The repository handle and its revisions are in `repo`, which every other file builds on;
//! the history walk in `walk`, over raw tree objects parsed and compared in `tree`; blob reads
//! in `blobs`; which working-tree files differ from HEAD in `status`; the `--rev` source in
//! `git_tree`; commits on a branch for publishing in `publish`; one file committed on HEAD
//! by itself (a check-in) in `commit`; another repository's branch fetched into one ref
//! (`okr org sync`) in `fetch`.

mod blobs;
mod commit;
mod fetch;
mod git_tree;
mod publish;
mod repo;
mod status;
mod tree;
mod walk;

pub use blobs::{Blobs, blob_id};
pub use fetch::{Fetched, GitFilesGuard, fetch_branch, is_scp_like, short_id};
pub use git_tree::{GitTree, TreeFile};
pub use publish::branch_ref;
pub use repo::{Repo, in_repository, shallow_message, user_name};
pub use walk::{Change, ChangeKind, CommitChanges, CommitInfo, Walk};
