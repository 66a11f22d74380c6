//! Where templates come from: the built-in templates compiled in, and a team's own templates
//! (by file name) taking their place.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::load::decode;
use crate::output;
use crate::source::Source;

/// The built-in templates, by the file name a team uses to replace one.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("index.md.j2", include_str!("../../templates/index.md.j2")),
    (
        "objective.md.j2",
        include_str!("../../templates/objective.md.j2"),
    ),
];

/// The built-in templates of the org's documents (`okr org render`).
pub const ORG_BUILT_IN: &[(&str, &str)] = &[
    (
        "index.md.j2",
        include_str!("../../templates/org/index.md.j2"),
    ),
    (
        "objective.md.j2",
        include_str!("../../templates/org/objective.md.j2"),
    ),
];

/// Templates by name: the team's files, else the built-ins. Names never leave the folder.
#[derive(Debug, Clone)]
pub struct Templates {
    team: BTreeMap<String, String>,
    built_in: &'static [(&'static str, &'static str)],
}

impl Default for Templates {
    /// The built-in templates of a team's documents.
    fn default() -> Templates {
        Templates {
            team: BTreeMap::new(),
            built_in: BUILT_IN,
        }
    }
}

impl Templates {
    /// Reads the team's templates folder through `source` (so `--rev` renders that revision's).
    pub fn load(source: &dyn Source, dir: &str) -> Result<Templates> {
        let mut team = BTreeMap::new();
        for name in source.file_names(dir)? {
            if !output::is_plain_file_name(&name) {
                continue;
            }
            let path = format!("{dir}/{name}");
            let Some(file) = source.read(&path)? else {
                continue;
            };
            let text = decode(&file).map_err(|findings| Error::Template {
                name: path.clone(),
                message: findings
                    .first()
                    .map_or_else(String::new, |f| f.message.clone()),
            })?;
            team.insert(name, text.to_string());
        }
        Ok(Templates {
            team,
            built_in: BUILT_IN,
        })
    }

    /// The built-in templates of the org's documents.
    pub fn org() -> Templates {
        Templates {
            team: BTreeMap::new(),
            built_in: ORG_BUILT_IN,
        }
    }

    pub(super) fn get(&self, name: &str) -> Option<String> {
        if !output::is_plain_file_name(name) {
            return None;
        }
        self.team.get(name).cloned().or_else(|| {
            self.built_in
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| (*t).to_owned())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_stay_in_the_folder() {
        let templates = Templates::default();
        assert!(templates.get("index.md.j2").is_some());
        for name in ["../index.md.j2", "/etc/passwd", "a/b", ".hidden", "..", ""] {
            assert!(templates.get(name).is_none(), "{name}");
        }
    }
}
