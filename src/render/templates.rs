//! Where templates come from: the built-in templates compiled in, and a team's own templates
//! (by file name) taking their place; an org's the same way, from its `templates/` folder.

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

/// The folder of an org repository whose files replace the org's built-in templates.
pub const ORG_TEMPLATES: &str = "templates";

/// Templates by name: the team's files, else the built-ins. Names never leave the folder.
#[derive(Debug, Clone)]
pub struct Templates {
    /// The folder the files were read from, to name one in an error.
    dir: String,
    team: BTreeMap<String, String>,
    built_in: &'static [(&'static str, &'static str)],
}

impl Default for Templates {
    /// The built-in templates of a team's documents.
    fn default() -> Templates {
        Templates {
            dir: String::new(),
            team: BTreeMap::new(),
            built_in: BUILT_IN,
        }
    }
}

impl Templates {
    /// Reads the team's templates folder through `source` (so `--rev` renders that revision's).
    pub fn load(source: &dyn Source, dir: &str) -> Result<Templates> {
        Templates::read(source, dir, BUILT_IN)
    }

    /// The templates of the org's documents: the org repository's `templates/` folder, read
    /// through `source` as a team's is, over the built-ins.
    pub fn load_org(source: &dyn Source) -> Result<Templates> {
        Templates::read(source, ORG_TEMPLATES, ORG_BUILT_IN)
    }

    /// The files of `dir` over `built_in`. A file that cannot be read as text is an error
    /// naming it: the built-in must not be used in its place unsaid.
    fn read(
        source: &dyn Source,
        dir: &str,
        built_in: &'static [(&'static str, &'static str)],
    ) -> Result<Templates> {
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
            dir: dir.to_owned(),
            team,
            built_in,
        })
    }

    /// The names of the files read from the folder that replace no built-in template: a typo,
    /// or a piece that another template includes (the only way okr uses one).
    pub fn unknown(&self) -> Vec<&str> {
        self.team
            .keys()
            .map(String::as_str)
            .filter(|name| !self.built_in.iter().any(|(n, _)| n == name))
            .collect()
    }

    /// Where the template `name` comes from, for an error: its file in the folder
    /// (`templates/index.md.j2`), or its name when it is the built-in.
    pub fn file(&self, name: &str) -> String {
        if self.team.contains_key(name) {
            format!("{}/{name}", self.dir)
        } else {
            name.to_owned()
        }
    }

    /// The names of the built-in templates, which a file of the same name replaces.
    pub fn built_in_names(&self) -> Vec<&'static str> {
        self.built_in.iter().map(|(name, _)| *name).collect()
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

    #[test]
    fn an_orgs_templates_folder_replaces_its_built_ins_by_name() {
        let mut tree = crate::source::MemoryTree::new();
        tree.insert("templates/index.md.j2", "# mine\n")
            .insert("templates/initiative.md.j2", "a team's name")
            .insert("templates/.hidden", "no")
            .insert("templates/org/objective.md.j2", "no");
        let templates = Templates::load_org(&tree).unwrap();
        assert_eq!(templates.get("index.md.j2").unwrap(), "# mine\n");
        // The other is still the org's built-in, not the team's of the same name.
        assert_eq!(templates.get("objective.md.j2").unwrap(), ORG_BUILT_IN[1].1);
        assert_ne!(ORG_BUILT_IN[1].1, BUILT_IN[1].1);
        assert_eq!(templates.unknown(), ["initiative.md.j2"]);
        assert_eq!(templates.file("index.md.j2"), "templates/index.md.j2");
        assert_eq!(templates.file("objective.md.j2"), "objective.md.j2");
        assert_eq!(
            templates.built_in_names(),
            ["index.md.j2", "objective.md.j2"]
        );
        // With no folder, the built-ins, and nothing unknown.
        let none = Templates::load_org(&crate::source::MemoryTree::new()).unwrap();
        assert_eq!(none.get("index.md.j2").unwrap(), ORG_BUILT_IN[0].1);
        assert!(none.unknown().is_empty());
    }

    #[test]
    fn a_template_that_is_not_text_is_an_error_naming_it() {
        let mut tree = crate::source::MemoryTree::new();
        tree.insert("templates/objective.md.j2", vec![0xff, 0xfe, 0x00]);
        let error = Templates::load_org(&tree).unwrap_err().to_string();
        assert!(error.contains("templates/objective.md.j2"), "{error}");
    }
}
