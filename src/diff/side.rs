//! The two sides of a comparison: each revision's files checked and ranked, with the findings
//! and texts the comparison reports from.

use crate::error::Result;
use crate::finding::Finding;
use crate::load;
use crate::portfolio::{Portfolio, Ranked};
use crate::source::Source;
use crate::validate;

/// One side of the comparison.
pub struct Side {
    pub label: String,
    pub portfolio: Portfolio,
    pub findings: Vec<Finding>,
    pub texts: crate::finding::Texts,
    /// `[team].github`: owners are GitHub logins, which the comment mentions.
    pub github: bool,
}

impl Side {
    pub fn read(source: &dyn Source, label: &str) -> Result<Side> {
        Side::of(load::load_keeping(source, load::Keep::All)?, label)
    }

    /// Checks and ranks a loaded workspace, each initiative where it was loaded.
    pub fn of(mut workspace: load::Workspace<Ranked>, label: &str) -> Result<Side> {
        let mut checked = validate::check(&mut workspace);
        let findings = std::mem::take(&mut checked.findings);
        let (initiatives, themes) = checked.into_parts();
        let portfolio = Portfolio::of(&workspace.config, initiatives, themes)?;
        Ok(Side {
            label: label.to_owned(),
            portfolio,
            findings,
            texts: workspace.texts,
            github: workspace.config.github,
        })
    }
}

/// A revision as a reader wants it: a full commit id is cut to twelve characters.
pub fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        &rev[..12]
    } else {
        rev
    }
}
