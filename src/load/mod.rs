//! Reading a team repository from a [`Source`] into parsed documents and file-level findings.

mod decode;
mod folder;

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::finding::{Finding, Texts};
use crate::git::GitTree;
use crate::model::{InitiativeFile, ThemeFile};
use crate::source::Source;
use crate::validate::file::{self as rules, Built, Facts, Outlined};
use crate::validate::stale;

pub use crate::validate::Workspace;
pub use decode::decode;
use folder::{Build, Folder, load_folder, load_folder_pair};

/// Reads okr.toml, then every initiative and theme, reporting each file's problems; every
/// file's text is kept.
pub fn load(source: &dyn Source) -> Result<Workspace> {
    load_keeping(source, Keep::All)
}

/// Which files' texts a load keeps, for findings to quote. A text not kept is read again if a
/// finding needs it after all: see [`quote`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    All,
    /// Only the texts of files with findings of their own and, with `stale` (for the rule of
    /// that name, when it is on), of accepted and active initiatives: at 100,000 initiatives
    /// the texts are a fifth of the memory, and most files have nothing to quote.
    Quoted {
        stale: bool,
    },
}

/// [`load`], keeping the texts `keep` says, and of each initiative what `I` holds: all of it
/// ([`Initiative`](crate::model::Initiative)), or only what the rules read ([`Outline`](crate::validate::Outline)).
///
/// Each initiative is built on the core that read its file, as soon as it is parsed, so no
/// more than one document per core is ever in memory.
pub fn load_keeping<I: Outlined>(source: &dyn Source, keep: Keep) -> Result<Workspace<I>> {
    let config = load_config(source)?;
    let stale = matches!(keep, Keep::Quoted { stale: true }) && stale::is_on(&config);
    let initiatives = load_folder(source, &config.paths.initiatives, |document, findings| {
        let (initiative, facts) = rules::build(document, &config, findings);
        let quoted = keep == Keep::All
            || !findings.is_empty()
            || initiative
                .as_ref()
                .is_some_and(|i| stale && stale::applies_to(i.status));
        (initiative.map(I::from), facts, quoted)
    })?;
    let themes = load_folder(source, &config.paths.themes, keep_theme)?;
    Ok(Workspace::assemble(config, initiatives, themes))
}

/// Adds to `texts` the text of each file that `findings` point into and `texts` lacks: read
/// again from `source`, for the few findings of the rules that span files in files whose texts
/// a load did not keep ([`Keep::Quoted`]).
pub fn quote(texts: &mut Texts, source: &dyn Source, findings: &[Finding]) {
    let mut quoted: Vec<&str> = findings
        .iter()
        .filter(|f| f.span.is_some())
        .map(|f| f.file.as_str())
        .collect();
    quoted.sort_unstable();
    quoted.dedup();
    let missing = texts.missing(&quoted);
    let read: Vec<(String, Arc<str>)> = missing
        .par_iter()
        .filter_map(|path| {
            // A file that cannot be read now is quoted without its lines, as before it was.
            let file = source.read(path).ok()??;
            Some((file.path.clone(), decode(&file).ok()?))
        })
        .collect();
    let mut more = Texts::with_capacity(read.len());
    for (path, text) in read {
        more.insert(path, text);
    }
    texts.extend(more);
}

/// [`load`] for two revisions of one repository, as a diff reads them: a file with the same
/// path and the same blob in both is read and parsed once, and every read and parse of both
/// sides shares all cores. Of each initiative it keeps what `I` holds, as [`load_keeping`].
pub fn load_revisions<I: Outlined>(
    base: &GitTree,
    head: &GitTree,
) -> Result<(Workspace<I>, Workspace<I>)> {
    let config = |tree: &GitTree| load_config(tree).map_err(|e| e.at_revision(tree.rev()));
    let (base_config, head_config) = (config(base)?, config(head)?);
    // A shared document is built once per side: the two okr.toml files may differ.
    fn build<I: Outlined>(config: &Config) -> impl Build<InitiativeFile, I, Facts> + '_ {
        move |document, findings: &mut Vec<Finding>| {
            let (initiative, facts) = rules::build(document, config, findings);
            (initiative.map(I::from), facts, true)
        }
    }
    let (base_initiatives, head_initiatives) = load_folder_pair::<InitiativeFile, _, _>(
        (base, &base_config.paths.initiatives, build(&base_config)),
        (head, &head_config.paths.initiatives, build(&head_config)),
    )?;
    let (base_themes, head_themes) = load_folder_pair(
        (base, &base_config.paths.themes, keep_theme),
        (head, &head_config.paths.themes, keep_theme),
    )?;
    Ok((
        Workspace::assemble(base_config, base_initiatives, base_themes),
        Workspace::assemble(head_config, head_initiatives, head_themes),
    ))
}

impl<I: Outlined> Workspace<I> {
    fn assemble(
        config: Config,
        initiatives: Folder<I, Facts>,
        themes: Folder<Document<ThemeFile>, ()>,
    ) -> Workspace<I> {
        let mut texts = initiatives.texts;
        let mut findings = initiatives.findings;
        texts.extend(themes.texts);
        findings.extend(themes.findings);
        Workspace {
            config,
            initiatives: Built::new(initiatives.built, initiatives.facts),
            themes: crate::in_place::keep_present(themes.built),
            texts,
            findings,
            initiative_files: initiatives.count,
            theme_files: themes.count,
        }
    }
}

/// Reads and resolves okr.toml; any problem in it is a configuration error.
pub fn load_config(source: &dyn Source) -> Result<Config> {
    let Some(file) = source.read(config::FILE)? else {
        return Err(Error::usage(
            "okr.toml is missing; run `okr init` to create a team repository",
        ));
    };
    let mut texts = Texts::new();
    let result = decode(&file).and_then(|text| {
        texts.insert(file.path.clone(), text.clone());
        Config::parse(&text)
    });
    // okr.toml's findings never pass through `[rules]`, which cap the rest: they are capped here.
    result.map_err(|findings| Error::Config {
        findings: crate::finding::cap(findings),
        texts,
    })
}

/// What a theme keeps of its file: the whole document, for the rules that span files, and
/// its text (themes are few).
fn keep_theme(
    document: Document<ThemeFile>,
    _: &mut Vec<Finding>,
) -> (Option<Document<ThemeFile>>, (), bool) {
    (Some(document), (), true)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::finding::Rule;
    use crate::model::Initiative;
    use crate::validate::{Outline, check};

    #[test]
    fn the_rules_find_the_same_in_outlines_as_in_whole_initiatives() {
        let mut tree = crate::source::MemoryTree::new();
        tree.insert("okr.toml", "[team]\nname = \"T\"\n");
        tree.insert(
            "themes/t.toml",
            "title = \"T\"\nobjective = \"o\"\ntags = [\"x\"]\n",
        );
        let initiative = |tag: &str, status: &str, depends_on: &str| {
            format!(
                "title = \"t\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"{tag}\"]\n\
                 impact = \"high\"\ncost = \"m\"\nstatus = \"{status}\"\ndepends_on = [{depends_on}]\n"
            )
        };
        tree.insert("initiatives/a.toml", initiative("x", "active", "\"b\""));
        tree.insert(
            "initiatives/b.toml",
            initiative("y", "proposed", "\"a\", \"c\""),
        );
        tree.insert(
            "initiatives/q/b.toml",
            initiative("x", "accepted", "\"zz\""),
        );
        tree.insert("initiatives/d.toml", "title = ");
        let keep = Keep::Quoted { stale: true };
        let mut whole = load_keeping::<Initiative>(&tree, keep).unwrap();
        let mut outlines = load_keeping::<Outline>(&tree, keep).unwrap();
        let (whole, outlines) = (check(&mut whole), check(&mut outlines));
        let rules: BTreeSet<Rule> = whole.findings.iter().map(|f| f.rule).collect();
        for rule in [
            Rule::DuplicateId,
            Rule::DependencyCycle,
            Rule::UnknownDependency,
            Rule::Orphan,
            Rule::TomlSyntax,
        ] {
            assert!(rules.contains(&rule), "{rule:?} in {:#?}", whole.findings);
        }
        assert_eq!(whole.findings, outlines.findings);
    }
}
