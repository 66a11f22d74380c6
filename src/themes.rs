//! Proposing themes for orphan initiatives, from the tags that occur together on them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::Result;
use crate::portfolio::Portfolio;
use crate::validate::slug;

/// A theme okr proposes: tags that orphans share, and the orphans it would take in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub id: String,
    /// Most used first.
    pub tags: Vec<String>,
    pub owner: Option<String>,
    /// Orphan ids, in rank order.
    pub initiatives: Vec<String>,
    /// The theme file to paste into `themes/<id>.toml`.
    pub toml: String,
}

/// Groups the orphans' tags into connected sets (two tags connect when one orphan has both).
pub fn suggest(portfolio: &Portfolio) -> Vec<Suggestion> {
    let orphans: Vec<_> = portfolio
        .orphans
        .iter()
        .filter_map(|id| portfolio.initiative(id))
        .collect();
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    fn find<'a>(parent: &mut BTreeMap<&'a str, &'a str>, tag: &'a str) -> &'a str {
        let mut root = tag;
        while let Some(&up) = parent.get(root).filter(|&&up| up != root) {
            root = up;
        }
        parent.insert(tag, root);
        root
    }
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for orphan in &orphans {
        let tags = &orphan.initiative.tags;
        for tag in tags {
            *uses.entry(tag).or_default() += 1;
            parent.entry(tag).or_insert(tag);
        }
        for pair in tags.windows(2) {
            let (a, b) = (find(&mut parent, &pair[0]), find(&mut parent, &pair[1]));
            if a != b {
                let (low, high) = if a < b { (a, b) } else { (b, a) };
                parent.insert(high, low);
            }
        }
    }
    let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let tags: Vec<&str> = parent.keys().copied().collect();
    for tag in tags {
        let root = find(&mut parent, tag);
        groups.entry(root).or_default().insert(tag);
    }
    let mut suggestions: Vec<Suggestion> = groups
        .into_values()
        .map(|group| {
            let mut tags: Vec<&str> = group.into_iter().collect();
            tags.sort_by(|a, b| uses[b].cmp(&uses[a]).then_with(|| a.cmp(b)));
            let members: Vec<_> = orphans
                .iter()
                .filter(|o| o.initiative.tags.iter().any(|t| tags.contains(&t.as_str())))
                .collect();
            let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
            for member in &members {
                *owners.entry(member.initiative.owner.as_str()).or_default() += 1;
            }
            let owner = owners
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(o, _)| (*o).to_owned());
            let id = slug(tags[0]);
            let initiatives: Vec<String> =
                members.iter().map(|m| m.initiative.id.clone()).collect();
            let toml = theme_toml(&tags, owner.as_deref(), &initiatives);
            Suggestion {
                id: if id.is_empty() {
                    "new-theme".to_owned()
                } else {
                    id
                },
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                owner,
                initiatives,
                toml,
            }
        })
        .collect();
    suggestions.sort_by(|a, b| {
        b.initiatives
            .len()
            .cmp(&a.initiatives.len())
            .then_with(|| a.id.cmp(&b.id))
    });
    suggestions
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn theme_toml(tags: &[&str], owner: Option<&str>, members: &[String]) -> String {
    let mut out = String::new();
    out.push_str(
        "# The objective: the future in which the problem these initiatives share is solved.\n",
    );
    out.push_str(&format!(
        "title = {}\n",
        quoted(&format!("Every {} problem is solved", tags[0]))
    ));
    out.push_str(&format!(
        "why = {}\n",
        quoted(&format!(
            "{} initiative(s) share these tags: {}.",
            members.len(),
            members.join(", ")
        ))
    ));
    if let Some(owner) = owner {
        out.push_str(&format!("owner = {}\n", quoted(owner)));
    }
    let tags: Vec<String> = tags.iter().map(|t| quoted(t)).collect();
    out.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    out
}

pub fn suggestions_text(portfolio: &Portfolio, suggestions: &[Suggestion]) -> String {
    if suggestions.is_empty() {
        return if portfolio.orphans.is_empty() {
            "every initiative joins a theme; nothing to suggest\n".to_owned()
        } else {
            "the orphans have no tags in common to suggest a theme from\n".to_owned()
        };
    }
    let themes = &portfolio.config.paths.themes;
    let mut out = String::new();
    for suggestion in suggestions {
        out.push_str(&format!(
            "# {themes}/{}.toml: would take in {}\n{}\n",
            suggestion.id,
            suggestion.initiatives.join(", "),
            suggestion.toml
        ));
    }
    // Tags, ids and owners are the repository's text, going to a terminal.
    crate::output::terminal_safe(&out).into_owned()
}

pub fn suggestions_json(suggestions: &[Suggestion]) -> Result<String> {
    crate::table::to_json(&suggestions)
}
