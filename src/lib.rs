//! okr: OKRs as code. Initiatives are TOML files in a team repository; okr checks them, groups
//! them into themes by tag, ranks them by impact and cost, and renders objective documents.
//!
//! Data flows one way, each layer reading only the ones below it:
//!
//! ```text
//!  cli            the command shell: arguments, printing, exit codes (no library module imports it)
//!   │
//!  render · diff · history · fmt · schema · scaffold      views and writers
//!   │
//!  portfolio      scores, ranks and themes           (score, model)
//!   │
//!  validate       the rules that span files: findings and a checked model (finding, report)
//!   │
//!  load           files parsed into documents with spans, and each file's own findings
//!   │
//!  source · git   a repository's files: the working tree, or any revision from git objects
//! ```
//!
//! A [`source::Source`] gives files (a [`source::WorkTree`], a [`git::GitTree`] for `--rev`,
//! or a [`source::MemoryTree`]); [`load`] parses them; [`validate::check`] gives the findings
//! ([`finding`]) and a checked model; [`portfolio::Portfolio`] scores and ranks it; the views
//! read the portfolio: [`render`] for the documents ([`render::write`] puts them on disk,
//! [`git::Repo::commit_files`] on a branch), [`diff`] and [`history`] for what changed.
//! Operational failures are an [`Error`] (exit 2); problems in the repository are findings.

pub mod cli;
pub mod config;
mod destination;
pub mod diff;
pub(crate) mod document;
pub mod error;
pub mod finding;
pub mod fmt;
pub mod git;
pub mod history;
mod in_place;
pub mod load;
pub(crate) mod markdown;
pub mod memory;
pub mod model;
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
