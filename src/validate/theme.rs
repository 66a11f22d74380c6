//! The rules on one theme file, and on an org's objective (a theme without tags): title, tags,
//! key results, commitment, check-in and closed records, and a team theme's `parent` and
//! `weight`.

use std::ops::Range;

use toml::Spanned;

use super::file::{key_results, require, tags, title};
use crate::config::Config;
use crate::document::Document;
use crate::finding::{Finding, Rule};
use crate::model::{Objective, ObjectiveFile, Theme, ThemeFile};

pub(super) fn theme(
    document: &Document<ThemeFile>,
    config: &Config,
    findings: &mut Vec<Finding>,
) -> Option<Theme> {
    let doc = &document.parsed.doc;
    let file = document.file.as_str();
    let title = require(&doc.title, "title", document, findings).map(|t| title(t, file, findings));
    let tags = match &doc.tags {
        Some(value) if !value.get_ref().is_empty() => Some(tags(value, config, file, findings)),
        Some(value) => {
            findings.push(empty_theme(document, Some(value.span())));
            None
        }
        None if document.parsed.was_removed("tags") => None,
        None => {
            findings.push(empty_theme(document, None));
            None
        }
    };
    let key_results = key_results(&doc.key_results, &document.parsed.removed, file, findings);
    let commitment = super::closed::commitment(doc.commitment.as_ref(), file, findings);
    let parent = parent(doc.parent.as_ref(), file, findings);
    let weight = weight(doc.weight.as_ref(), file, findings);
    let checkin = super::checkin::checkin(doc.checkin.as_ref(), file, findings);
    let closed = super::closed::closed(&doc.closed, file, crate::period::today(), findings);
    Some(Theme {
        id: document.id.clone(),
        file: document.file.clone(),
        title: title?,
        why: doc.why.clone(),
        owner: doc.owner.clone(),
        commitment: commitment?,
        parent: parent?,
        weight: weight?,
        tags: tags?,
        key_results: key_results?,
        checkin,
        closed,
    })
}

/// A theme's `parent`: an org objective's id. Whether that objective exists only the org can
/// tell (`okr org check`); here, only that it is an id.
fn parent(
    value: Option<&Spanned<String>>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Option<String>> {
    let Some(value) = value else {
        return Some(None);
    };
    let id = value.get_ref();
    if super::ids::is_kebab(id) {
        return Some(Some(id.clone()));
    }
    let fixed = super::slug(id);
    let help = if fixed.is_empty() {
        "`parent` is the id of an org objective: the name of its file in `objectives/`".to_owned()
    } else {
        format!("an objective's id is lowercase letters, digits and `-`: `{fixed}`?")
    };
    findings.push(
        Finding::new(
            Rule::UnknownParent,
            file,
            Some(value.span()),
            format!("`parent` `{id}` is not the id of an org objective"),
        )
        .with_help(help),
    );
    None
}

/// A theme's `weight` in its parent's progress: a number above 0, 1 when absent.
fn weight(value: Option<&Spanned<f64>>, file: &str, findings: &mut Vec<Finding>) -> Option<f64> {
    let Some(value) = value else {
        return Some(1.0);
    };
    let weight = *value.get_ref();
    if weight.is_finite() && weight > 0.0 {
        return Some(weight);
    }
    findings.push(
        Finding::new(
            Rule::BadWeight,
            file,
            Some(value.span()),
            format!("`weight` is `{weight}`; it must be a number above 0"),
        )
        .with_help("leave it out for the default weight, 1".to_owned()),
    );
    None
}

/// The rules on an org objective, `objectives/<id>.toml`: a theme's, but for tags, which it
/// has none of.
pub fn objective(
    document: &Document<ObjectiveFile>,
    findings: &mut Vec<Finding>,
) -> Option<Objective> {
    let doc = &document.parsed.doc;
    let file = document.file.as_str();
    let title = require(&doc.title, "title", document, findings).map(|t| title(t, file, findings));
    let key_results = key_results(&doc.key_results, &document.parsed.removed, file, findings);
    let commitment = super::closed::commitment(doc.commitment.as_ref(), file, findings);
    let checkin = super::checkin::checkin(doc.checkin.as_ref(), file, findings);
    Some(Objective {
        id: document.id.clone(),
        file: document.file.clone(),
        title: title?,
        why: doc.why.clone(),
        owner: doc.owner.clone(),
        commitment: commitment?,
        checkin,
        key_results: key_results?,
    })
}

fn empty_theme(document: &Document<ThemeFile>, span: Option<Range<usize>>) -> Finding {
    Finding::new(
        Rule::EmptyTheme,
        &document.file,
        span,
        format!(
            "theme `{}` has no tags, so no initiative can join it",
            document.id
        ),
    )
    .with_help(
        "add `tags = [\"...\"]`: an initiative with any of these tags joins the theme".to_owned(),
    )
}
