//! Ids: a file's id is its name, lowercase kebab-case and unique across its folders.

use std::collections::HashMap;

use crate::finding::{Finding, Rule};

pub fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A dependency on another team's initiative, `team:id`: the team and the id, when both are
/// kebab-case. Only the org knows the other teams (`okr org check`).
pub fn cross_team(target: &str) -> Option<(&str, &str)> {
    let (team, id) = target.split_once(':')?;
    (is_kebab(team) && is_kebab(id)).then_some((team, id))
}

/// A kebab-case spelling of any text, for ids and help. Letters outside ASCII are spelt in
/// ASCII first (`Ü` as `u`, `é` as `e`), so a word keeps its letters instead of being cut apart.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    let ascii = deunicode::deunicode(text);
    for c in ascii.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    // Ids stay short enough to read in a table.
    let mut cut = String::new();
    for word in slug.split('-') {
        if !cut.is_empty() && cut.len() + word.len() + 1 > 60 {
            break;
        }
        if !cut.is_empty() {
            cut.push('-');
        }
        cut.push_str(word);
    }
    cut
}

/// The `bad-id` finding for a file whose stem is not lowercase kebab-case.
pub fn check_id(file: &str) -> Option<Finding> {
    let id = crate::document::stem(file);
    if is_kebab(id) {
        return None;
    }
    let fixed = slug(id);
    let help = if fixed.is_empty() {
        "name the file in lowercase letters, digits and `-`".to_owned()
    } else {
        format!("rename the file to `{fixed}.toml`")
    };
    Some(
        Finding::new(
            Rule::BadId,
            file,
            None,
            format!("id `{id}` (the file name) is not lowercase kebab-case"),
        )
        .with_help(help),
    )
}

/// The ids of a folder's files, each numbered by the first file that has it.
pub(super) struct Ids<'a> {
    pub(super) number: HashMap<&'a str, usize, foldhash::fast::RandomState>,
    /// By number: each id and the first file that has it.
    pub(super) first: Vec<(&'a str, &'a str)>,
    /// The numbers whose first file has been told of a duplicate: once, naming the second.
    told_first: std::collections::HashSet<usize, foldhash::fast::RandomState>,
}

impl<'a> Ids<'a> {
    pub(super) fn with_capacity(capacity: usize) -> Ids<'a> {
        Ids {
            number: HashMap::with_capacity_and_hasher(capacity, Default::default()),
            first: Vec::with_capacity(capacity),
            told_first: Default::default(),
        }
    }

    /// Numbers `id`, the id of `file`; `false`, with a `duplicate-id` finding, when an earlier
    /// file has it.
    pub(super) fn add(
        &mut self,
        id: &'a str,
        file: &'a str,
        kind: &str,
        findings: &mut Vec<Finding>,
    ) -> bool {
        self.number(id, file, kind, findings).1
    }

    /// The number of `id`, the id of `file`, and whether `file` is the first to have it (with
    /// a `duplicate-id` finding when it is not).
    pub(super) fn number(
        &mut self,
        id: &'a str,
        file: &'a str,
        kind: &str,
        findings: &mut Vec<Finding>,
    ) -> (usize, bool) {
        match self.number.entry(id) {
            std::collections::hash_map::Entry::Occupied(entry) => {
                let number = *entry.get();
                let first = self.first[number].1;
                let duplicate = |file: &str, other: &str| {
                    Finding::new(
                        Rule::DuplicateId,
                        file,
                        None,
                        format!("{kind} id `{id}` is also used by `{other}`"),
                    )
                    .with_help(
                        "ids are file names and must be unique across all folders; rename one of the files"
                            .to_owned(),
                    )
                };
                // Both files hear of it: the author of either may be the one to rename.
                if self.told_first.insert(number) {
                    findings.push(duplicate(first, file));
                }
                findings.push(duplicate(file, first));
                (number, false)
            }
            std::collections::hash_map::Entry::Vacant(entry) => {
                let number = self.first.len();
                entry.insert(number);
                self.first.push((id, file));
                (number, true)
            }
        }
    }

    pub(super) fn get(&self, id: &str) -> Option<usize> {
        self.number.get(id).copied()
    }
}
