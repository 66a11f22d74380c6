//! Where a repository's files come from: the working tree, or a git tree (`--rev`, see `git`).
//!
//! Both faces give the same thing, repo-relative paths and bytes, so loading and checking never
//! fork on where the files came from.

mod content;
mod listing;
mod memory_tree;
mod overlay;
mod root;
mod work_tree;

pub use content::{Content, MAX_FILE_SIZE, Special};
pub(crate) use listing::git_order;
pub use listing::{Listed, Source, SourceFile, is_git_name};
pub use memory_tree::MemoryTree;
pub use overlay::Overlay;
pub use root::{find_root, find_root_of};
pub use work_tree::WorkTree;
