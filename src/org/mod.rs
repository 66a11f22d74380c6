//! The org roll-up: an org repository (`okr-org.toml` and `objectives/`) that reads many team
//! repositories. [`config`] is okr-org.toml; this module reads the org's own files into an
//! [`OrgFiles`] with their findings; [`sync`] fetches each team's branch into the org's git
//! repository.

pub mod check;
pub mod config;
pub mod diff;
pub mod lock;
pub mod rollup;
pub mod sync;
pub mod table;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::document::{self, Document};
use crate::error::{Error, Result};
use crate::finding::{Finding, Rule, Texts};
use crate::load::decode;
use crate::model::{Objective, ObjectiveFile};
use crate::source::Source;
use crate::validate::{check_id, objective};

pub use config::{FILE, OrgConfig, Team};
pub use lock::{LOCK, Lock};

/// The folder of the org's objectives, `objectives/<id>.toml`.
pub const OBJECTIVES: &str = "objectives";

/// The org repository's own files, read and checked.
#[derive(Debug, Clone)]
pub struct OrgFiles {
    pub config: OrgConfig,
    /// Those that could be built, sorted by id.
    pub objectives: Vec<Objective>,
    /// The findings in `objectives/`, sorted.
    pub findings: Vec<Finding>,
    /// The texts of okr-org.toml (its credentials masked) and of every objective read.
    pub texts: Texts,
}

/// Reads and checks okr-org.toml; any problem in it is a configuration error. The text kept
/// for quoting has every URL's credentials masked.
pub fn load_config(source: &dyn Source) -> Result<(OrgConfig, Texts)> {
    let Some(file) = source.read(FILE)? else {
        return Err(Error::usage(format!("{FILE} is missing")));
    };
    let mut texts = Texts::new();
    let result = decode(&file).and_then(|text| {
        texts.insert(file.path.clone(), Arc::from(config::redact(&text)));
        OrgConfig::parse(&text)
    });
    match result {
        Ok(config) => Ok((config, texts)),
        Err(findings) => Err(Error::Config {
            findings: crate::finding::cap(findings),
            texts,
        }),
    }
}

/// Reads the org's files: okr-org.toml (a problem in it is an error) and every objective
/// (problems in them are findings).
pub fn load(source: &dyn Source) -> Result<OrgFiles> {
    let (config, mut texts) = load_config(source)?;
    let mut findings = Vec::new();
    let mut objectives: BTreeMap<String, (String, Option<Objective>)> = BTreeMap::new();
    for file in source.toml_files(OBJECTIVES)? {
        let text = match decode(&file) {
            Ok(text) => text,
            Err(found) => {
                findings.extend(found);
                continue;
            }
        };
        texts.insert(file.path.clone(), text.clone());
        findings.extend(check_id(&file.path));
        let id = document::stem(&file.path).to_owned();
        let (parsed, found) = document::parse::<ObjectiveFile>(&file.path, &text);
        findings.extend(found);
        let built = parsed.and_then(|parsed| {
            let document = Document {
                id: id.clone(),
                file: file.path.clone(),
                parsed,
            };
            objective(&document, &mut findings)
        });
        if let Some((first, _)) = objectives.get(&id) {
            findings.push(
                Finding::new(
                    Rule::DuplicateId,
                    &file.path,
                    None,
                    format!("objective id `{id}` is also `{first}`"),
                )
                .with_help("an objective's id is its file's name: rename one".to_owned()),
            );
            continue;
        }
        objectives.insert(id, (file.path.clone(), built));
    }
    crate::finding::sort(&mut findings);
    Ok(OrgFiles {
        config,
        objectives: objectives
            .into_values()
            .filter_map(|(_, objective)| objective)
            .collect(),
        findings: crate::finding::cap(findings),
        texts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryTree;

    const ORG: &str = "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"../web\"\n";

    #[test]
    fn objectives_are_read_and_checked_like_themes_without_tags() {
        let mut tree = MemoryTree::new();
        tree.insert(FILE, ORG);
        tree.insert(
            "objectives/reliability.toml",
            "title = \"Nothing pages twice\"\nowner = \"dana\"\ncommitment = \"aspirational\"\n\n[[key_results]]\ntitle = \"pages\"\nbaseline = 10\ntarget = 2\ncurrent = 6\n",
        );
        tree.insert("objectives/Bad.toml", "title = \"x\"\ntags = [\"a\"]\n");
        tree.insert("objectives/empty.toml", "why = \"w\"\n");
        let org = load(&tree).unwrap();
        let ids: Vec<&str> = org.objectives.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["Bad", "reliability"]);
        assert_eq!(org.objectives[1].key_results.len(), 1);
        assert_eq!(
            org.objectives[1].commitment,
            crate::model::Commitment::Aspirational
        );
        let found: Vec<(&str, &str)> = org
            .findings
            .iter()
            .map(|f| (f.file.as_str(), f.rule.code()))
            .collect();
        assert_eq!(
            found,
            [
                ("objectives/Bad.toml", "bad-id"),
                ("objectives/Bad.toml", "unknown-field"),
                ("objectives/empty.toml", "missing-field"),
            ]
        );
        assert_eq!(org.config.teams[0].name, "web");
    }

    #[test]
    fn a_broken_org_file_is_a_configuration_error_that_quotes_no_credentials() {
        let mut tree = MemoryTree::new();
        tree.insert(
            FILE,
            "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"https://x:SECRET@h/web\"\n",
        );
        let Err(Error::Config { findings, texts }) = load(&tree) else {
            panic!("a configuration error");
        };
        assert_eq!(findings[0].rule, Rule::UrlCredentials);
        let text = texts.get(FILE).unwrap();
        assert!(!text.contains("SECRET"), "{text}");
        let mut out = Vec::new();
        crate::report::findings(
            &mut out,
            crate::report::Format::Human,
            &findings,
            &texts,
            false,
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("okr-org.toml:6:7"), "{out}");
        assert!(!out.contains("SECRET"), "{out}");
    }

    #[test]
    fn no_org_file_is_an_error() {
        let tree = MemoryTree::new();
        assert!(matches!(load(&tree), Err(Error::Usage { .. })));
    }
}
