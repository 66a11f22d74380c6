//! okr: OKRs as code. Initiatives are TOML files in a team repository; okr checks them, groups
//! them into themes by tag, ranks them by impact and cost, and renders objective documents.
//!
//! Data flows one way: a [`source::Source`] gives files, [`load`] parses them, [`validate`]
//! turns them into findings and a [`model::Model`], [`portfolio`] scores and ranks it, and the
//! views (`render`, `list`, `diff`) read the portfolio. The command line, [`cli`], is a shell
//! over the library: it parses arguments, calls the library, prints and gives the exit code;
//! no library module imports it.

pub mod cli;
pub mod config;
mod destination;
pub mod diff;
pub mod document;
pub mod error;
pub mod finding;
pub mod fmt;
pub mod git;
pub mod history;
mod in_place;
pub mod load;
pub mod memory;
pub mod model;
pub mod output;
pub mod period;
pub mod portfolio;
mod proof;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod score;
pub mod source;
pub mod table;
pub mod themes;
pub mod validate;

pub use error::{Error, Result};
