//! Git, through git2: the only module that touches it; no type of git2's leaves it.

mod blobs;
mod git_tree;
mod publish;
mod repo;
mod status;
mod tree;
mod walk;

pub use blobs::{Blobs, blob_id};
pub use git_tree::{GitTree, TreeFile};
pub use publish::branch_ref;
pub use repo::{Repo, user_name};
pub use walk::{Change, ChangeKind, CommitChanges, CommitInfo, Walk};
