//! okr: OKRs as code. Initiatives are TOML files in a team repository; okr checks them, groups
//! them into themes by tag, ranks them by impact and cost, and renders objective documents.
//!
//! Data flows one way, each layer reading only the ones below it:
//!
//! ```text
//!  cli          the command shell: arguments, `--rev`, printing, prompts, exit codes;
//!   │           no library module imports it
//!  org          the org roll-up: okr-org.toml, the org's objectives, syncing and reading
//!   │           every team's repository from git objects
//!  render · diff · due · digest · fmt · themes · table · scaffold · schema   views and writers
//!   │
//!  portfolio    scores and ranks a checked model, joins it to its themes
//!  load         reads a repository: each file parsed into a document with spans and
//!   │           checked by its own rules on the core that parsed it
//!  validate     the rules: each file's own, ids, dependencies, orphans, `stale` (findings
//!   │           and the checked model)                  · history: series from git
//!  git          git through git2: revisions, the history walk, `--rev` trees, publishing
//!   │
//!  source       a repository's files: the working tree, a git tree, or memory
//!   │
//!  config · finding · report · model · document · period · score · text · markdown · output
//! ```
//!
//! A [`source::Source`] gives files (a [`source::WorkTree`], a [`git::GitTree`] for `--rev`,
//! or a [`source::MemoryTree`]); [`load`] parses them into a [`validate::Workspace`];
//! [`validate::check`] gives the findings ([`finding`]) and a checked model;
//! [`portfolio::Portfolio`] scores and ranks it; the views read the portfolio: [`render`] for
//! the documents ([`render::write`] puts them on disk, [`git::Repo::commit_files`] on a
//! branch), [`diff`] and [`history`] for what changed. Operational failures are an [`Error`]
//! (exit 2); problems in the repository are findings.

pub mod checkin;
pub mod cli;
pub mod close;
pub mod config;
mod destination;
pub mod diff;
pub mod digest;
pub(crate) mod document;
pub mod due;
pub mod edit;
pub mod error;
pub mod finding;
pub mod fmt;
pub mod git;
pub mod history;
mod in_place;
pub(crate) mod json;
pub mod load;
pub(crate) mod markdown;
pub mod memory;
pub mod model;
pub mod org;
pub(crate) mod output;
pub mod period;
pub mod portfolio;
mod proof;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub(crate) mod score;
pub mod source;
pub(crate) mod table;
pub(crate) mod text;
pub(crate) mod themes;
pub mod validate;

pub use error::{Error, Result};
