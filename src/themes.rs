//! Proposing themes for orphan initiatives, from the tags that occur together on them.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::error::Result;
use crate::portfolio::{Portfolio, Ranked};
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

/// Tags joined into connected sets: a union-find over tag numbers, by size and with paths
/// halved, so that joining and finding take near-constant time whatever the order of the tags.
struct Sets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl Sets {
    fn add(&mut self) -> usize {
        self.parent.push(self.parent.len());
        self.size.push(1);
        self.parent.len() - 1
    }

    fn find(&mut self, mut tag: usize) -> usize {
        while self.parent[tag] != tag {
            self.parent[tag] = self.parent[self.parent[tag]];
            tag = self.parent[tag];
        }
        tag
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (small, large) = if self.size[a] < self.size[b] {
                (a, b)
            } else {
                (b, a)
            };
            self.parent[small] = large;
            self.size[large] += self.size[small];
        }
    }
}

/// Groups the orphans' tags into connected sets (two tags connect when one orphan has both).
///
/// The work is near-linear in the number of the orphans' tags: every orphan's tags fall in one
/// set, which the first of them names.
pub fn suggest(portfolio: &Portfolio) -> Vec<Suggestion> {
    let orphans: Vec<_> = portfolio
        .orphans
        .iter()
        .filter_map(|id| portfolio.initiative(id))
        .collect();
    let mut number: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut uses: Vec<usize> = Vec::new();
    let mut sets = Sets {
        parent: Vec::new(),
        size: Vec::new(),
    };
    for orphan in &orphans {
        let mut previous = None;
        for tag in &orphan.initiative.tags {
            let tag = *number.entry(tag).or_insert_with(|| {
                names.push(tag);
                uses.push(0);
                sets.add()
            });
            uses[tag] += 1;
            if let Some(previous) = previous {
                sets.join(previous, tag);
            }
            previous = Some(tag);
        }
    }
    // A group is known by the least of its tags, and groups come in that order.
    let mut least: Vec<Option<&str>> = vec![None; names.len()];
    for (tag, name) in names.iter().enumerate() {
        let root = sets.find(tag);
        least[root] = Some(least[root].map_or(name, |l| l.min(name)));
    }
    let mut groups: BTreeMap<&str, (Vec<&str>, Vec<&Ranked>)> = BTreeMap::new();
    for (tag, name) in names.iter().enumerate() {
        let root = sets.find(tag);
        let key = least[root].unwrap_or(name);
        groups.entry(key).or_default().0.push(name);
    }
    for orphan in &orphans {
        if let Some(first) = orphan.initiative.tags.first() {
            let root = sets.find(number[first.as_str()]);
            let key = least[root].unwrap_or(first);
            groups.entry(key).or_default().1.push(orphan);
        }
    }
    let mut suggestions: Vec<Suggestion> = groups
        .into_values()
        .map(|(mut tags, members)| {
            let used = |tag: &str| uses[number[tag]];
            tags.sort_by(|a, b| used(b).cmp(&used(a)).then_with(|| a.cmp(b)));
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

/// A title as a person would name the theme at first: its two most used tags, in words
/// ("Security", "Developer experience and cost"). The objective itself, the future in which the
/// problem is solved, is for the team to write; the comment above the title says so.
fn suggested_title(tags: &[&str]) -> String {
    let words: Vec<String> = tags
        .iter()
        .take(2)
        .map(|tag| {
            tag.split(['-', '_'])
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let title = words.join(" and ");
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "New theme".to_owned(),
    }
}

fn theme_toml(tags: &[&str], owner: Option<&str>, members: &[String]) -> String {
    let mut out = String::new();
    out.push_str(
        "# The objective: rewrite the title as the future in which the problem these \
         initiatives share is solved.\n",
    );
    out.push_str(&format!("title = {}\n", quoted(&suggested_title(tags))));
    let verb = if members.len() == 1 {
        "shares"
    } else {
        "share"
    };
    out.push_str(&format!(
        "why = {}\n",
        quoted(&format!(
            "{} {verb} these tags: {}.",
            crate::text::count(members.len(), "initiative"),
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
    crate::json::to_json(&suggestions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggested_title_names_the_tags_in_words() {
        assert_eq!(suggested_title(&["security"]), "Security");
        assert_eq!(
            suggested_title(&["developer-experience", "cost", "ci"]),
            "Developer experience and cost"
        );
        assert_eq!(suggested_title(&["-"]), "New theme");
    }
    use crate::config::Config;
    use crate::model::{Initiative, Level, Status};
    use proptest::prelude::*;

    fn orphan(id: usize, owner: &str, tags: &[&str]) -> Ranked {
        let level = |value: f64| Level {
            name: value.to_string(),
            value,
        };
        Ranked::from(Initiative {
            id: format!("i{id:02}"),
            file: format!("initiatives/i{id:02}.toml"),
            title: "T".into(),
            problem: "P".into(),
            outcome: None,
            owner: owner.into(),
            supporters: vec![],
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            impact: level(1.0 + id as f64 % 3.0),
            cost: level(1.0),
            confidence: level(1.0),
            status: Status::Proposed,
            period: None,
            depends_on: vec![],
            links: vec![],
            key_results: vec![],
            checkin: None,
            closed: Vec::new(),
        })
    }

    /// The groups found by scanning, as okr first found them: every orphan's tags looked for
    /// in every group's list.
    fn scanned(portfolio: &Portfolio) -> Vec<(Vec<String>, Vec<String>)> {
        let orphans: Vec<_> = portfolio
            .orphans
            .iter()
            .filter_map(|id| portfolio.initiative(id))
            .collect();
        let mut groups: Vec<Vec<&str>> = Vec::new();
        for orphan in &orphans {
            let tags: Vec<&str> = orphan.initiative.tags.iter().map(String::as_str).collect();
            let (joined, apart): (Vec<_>, Vec<_>) = groups
                .into_iter()
                .partition(|g| g.iter().any(|t| tags.contains(t)));
            let mut merged: Vec<&str> = joined.into_iter().flatten().chain(tags).collect();
            merged.sort_unstable();
            merged.dedup();
            groups = apart;
            if !merged.is_empty() {
                groups.push(merged);
            }
        }
        groups.sort();
        groups
            .into_iter()
            .map(|tags| {
                let members = orphans
                    .iter()
                    .filter(|o| o.initiative.tags.iter().any(|t| tags.contains(&t.as_str())))
                    .map(|o| o.initiative.id.clone())
                    .collect();
                (tags.iter().map(|t| (*t).to_owned()).collect(), members)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn groups_are_the_connected_sets_of_tags(
            orphans in prop::collection::vec(
                (0..3usize, prop::collection::vec(0..12usize, 0..4)),
                0..10,
            )
        ) {
            const TAGS: [&str; 12] = ["a", "b", "c", "d", "e", "f", "g", "h", "a-b", "a b", "x", "y"];
            let initiatives = orphans
                .iter()
                .enumerate()
                .map(|(id, (owner, tags))| {
                    let tags: Vec<&str> = tags.iter().map(|&t| TAGS[t]).collect();
                    orphan(id, ["ana", "bo", "cy"][*owner], &tags)
                })
                .collect();
            let config = Config::default();
            let portfolio = Portfolio::of(&config, initiatives, vec![]).unwrap();
            let suggestions = suggest(&portfolio);
            let mut found: Vec<(Vec<String>, Vec<String>)> = suggestions
                .iter()
                .map(|s| {
                    let mut tags = s.tags.clone();
                    tags.sort();
                    (tags, s.initiatives.clone())
                })
                .collect();
            found.sort();
            let mut expected = scanned(&portfolio);
            expected.sort();
            prop_assert_eq!(found, expected);
            // Most members first, then by id; most used tag first, then by name.
            for pair in suggestions.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                prop_assert!(
                    (b.initiatives.len(), &a.id) <= (a.initiatives.len(), &b.id),
                    "{:?}",
                    suggestions
                );
            }
        }
    }
}
