//! Reading a team repository from a [`Source`] into parsed documents and file-level findings.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::config::{self, Config};
use crate::document::{self, Parsed};
use crate::error::{Error, Result};
use crate::finding::{Finding, Rule, Texts};
use crate::git::{GitTree, TreeFile};
use crate::model::{InitiativeFile, ThemeFile};
use crate::source::{Content, Source, SourceFile};

/// One parsed file.
#[derive(Debug, Clone)]
pub struct Document<T> {
    /// The file stem.
    pub id: String,
    pub file: String,
    pub parsed: Parsed<T>,
}

/// Everything read from a repository, before the rules that span files run.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub config: Config,
    pub initiatives: Vec<Document<InitiativeFile>>,
    pub themes: Vec<Document<ThemeFile>>,
    /// Every file read, including ones that did not parse, so findings can quote them.
    pub texts: Texts,
    /// Problems found while reading and parsing single files.
    pub findings: Vec<Finding>,
    /// How many files were read in each folder, parsed or not.
    pub initiative_files: usize,
    pub theme_files: usize,
}

/// Reads okr.toml, then every initiative and theme, reporting each file's problems.
pub fn load(source: &dyn Source) -> Result<Workspace> {
    let config = load_config(source)?;
    let initiatives = load_folder::<InitiativeFile>(source, &config.paths.initiatives)?;
    let themes = load_folder::<ThemeFile>(source, &config.paths.themes)?;
    Ok(Workspace::assemble(config, initiatives, themes))
}

/// [`load`] for two revisions of one repository, as a diff reads them: a file with the same
/// path and the same blob in both is read and parsed once, and every read and parse of both
/// sides shares all cores.
pub fn load_revisions(base: &GitTree, head: &GitTree) -> Result<(Workspace, Workspace)> {
    let (base_config, head_config) = (load_config(base)?, load_config(head)?);
    let (base_initiatives, head_initiatives) = load_folders::<InitiativeFile>(
        (base, &base_config.paths.initiatives),
        (head, &head_config.paths.initiatives),
    )?;
    let (base_themes, head_themes) = load_folders::<ThemeFile>(
        (base, &base_config.paths.themes),
        (head, &head_config.paths.themes),
    )?;
    Ok((
        Workspace::assemble(base_config, base_initiatives, base_themes),
        Workspace::assemble(head_config, head_initiatives, head_themes),
    ))
}

impl Workspace {
    fn assemble(
        config: Config,
        (initiatives, mut texts, mut findings, initiative_files): Folder<InitiativeFile>,
        (themes, theme_texts, theme_findings, theme_files): Folder<ThemeFile>,
    ) -> Workspace {
        texts.extend(theme_texts);
        findings.extend(theme_findings);
        Workspace {
            config,
            initiatives,
            themes,
            texts,
            findings,
            initiative_files,
            theme_files,
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
    result.map_err(|findings| Error::Config { findings, texts })
}

type Folder<T> = (Vec<Document<T>>, Texts, Vec<Finding>, usize);

fn load_folder<T: DeserializeOwned + Send>(source: &dyn Source, dir: &str) -> Result<Folder<T>> {
    let files = source.toml_files(dir)?;
    // The large documents go straight to a list of their own; see [`folder_of`].
    let (documents, rest) = files
        .par_iter()
        .map(|file| {
            let (document, text, findings) = parse_file::<T>(file);
            (document, (text, findings))
        })
        .unzip();
    Ok(folder_of(documents, rest))
}

/// One folder of two revisions (each its tree and the folder okr.toml names there).
fn load_folders<T: DeserializeOwned + Send + Sync + Clone>(
    (base, base_dir): (&GitTree, &str),
    (head, head_dir): (&GitTree, &str),
) -> Result<(Folder<T>, Folder<T>)> {
    let (base_files, head_files) = rayon::join(
        || base.toml_entries(base_dir),
        || head.toml_entries(head_dir),
    );
    let (base_files, head_files) = (base_files?, head_files?);
    let in_base: HashMap<_, usize> = base_files
        .iter()
        .enumerate()
        .filter_map(|(index, file)| Some((file.identity()?, index)))
        .collect();
    // Each head file is the same as a base file, or one of its own to read.
    let same: Vec<Option<usize>> = head_files
        .iter()
        .map(|file| file.identity().and_then(|key| in_base.get(&key).copied()))
        .collect();
    let reads: Vec<(&GitTree, &TreeFile)> = base_files
        .iter()
        .map(|file| (base, file))
        .chain(
            head_files
                .iter()
                .zip(&same)
                .filter(|(_, same)| same.is_none())
                .map(|(file, _)| (head, file)),
        )
        .collect();
    let results: Vec<Result<Option<ParsedFile<T>>>> = reads
        .par_iter()
        .map(|(tree, file)| Ok(tree.read_entry(file)?.map(|file| parse_file::<T>(&file))))
        .collect();
    let mut parsed = Vec::with_capacity(results.len());
    for result in results {
        parsed.push(result?);
    }
    // The head's own files move into their places; the shared ones are copied from the base.
    let mut own = parsed.split_off(base_files.len()).into_iter();
    let mut head_parsed: Vec<Option<ParsedFile<T>>> = same
        .iter()
        .map(|same| {
            if same.is_none() {
                own.next().flatten()
            } else {
                None
            }
        })
        .collect();
    head_parsed
        .par_iter_mut()
        .zip(&same)
        .for_each(|(slot, same)| {
            if let Some(index) = same {
                slot.clone_from(&parsed[*index]);
            }
        });
    Ok((
        folder(parsed.into_iter().flatten().collect()),
        folder(head_parsed.into_iter().flatten().collect()),
    ))
}

fn folder<T>(results: Vec<ParsedFile<T>>) -> Folder<T> {
    let (documents, rest) = results
        .into_iter()
        .map(|(document, text, findings)| (document, (text, findings)))
        .unzip();
    folder_of(documents, rest)
}

type TextAndFindings = (Option<(String, Arc<str>)>, Vec<Finding>);

fn folder_of<T>(documents: Vec<Option<Document<T>>>, rest: Vec<TextAndFindings>) -> Folder<T> {
    let count = rest.len();
    // Documents are large: this keeps them in the list they were parsed into, where collecting
    // anew would hold two copies at once.
    let documents = crate::in_place::somes(documents);
    let mut texts = Texts::with_capacity(count);
    let mut findings = Vec::new();
    for (text, file_findings) in rest {
        if let Some((path, text)) = text {
            texts.insert(path, text);
        }
        findings.extend(file_findings);
    }
    (documents, texts, findings, count)
}

type ParsedFile<T> = (
    Option<Document<T>>,
    Option<(String, Arc<str>)>,
    Vec<Finding>,
);

fn parse_file<T: DeserializeOwned>(file: &SourceFile) -> ParsedFile<T> {
    let text = match decode(file) {
        Ok(text) => text,
        Err(findings) => {
            // Keep what text there is, so the finding can show the line.
            let lossy = match &file.content {
                Content::Bytes(bytes) => Some((
                    file.path.clone(),
                    Arc::from(String::from_utf8_lossy(bytes).as_ref()),
                )),
                _ => None,
            };
            return (None, lossy, findings);
        }
    };
    let (parsed, mut findings) = document::parse::<T>(&file.path, &text);
    findings.extend(crate::validate::check_id(&file.path));
    let document = parsed.map(|parsed| Document {
        id: stem(&file.path).to_owned(),
        file: file.path.clone(),
        parsed,
    });
    (document, Some((file.path.clone(), text)), findings)
}

/// The id of a file: its name without `.toml`.
pub fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

/// The text of a file: UTF-8, with a byte-order mark dropped; anything else is a finding.
pub fn decode(file: &SourceFile) -> Result<Arc<str>, Vec<Finding>> {
    let path = file.path.as_str();
    let bytes = match &file.content {
        Content::Bytes(bytes) => bytes,
        Content::TooLarge(size) => {
            return Err(vec![
                Finding::new(
                    Rule::FileTooLarge,
                    path,
                    None,
                    format!("file is {size} bytes; okr reads files of at most 1 MiB"),
                )
                .with_help(
                    "keep one initiative or theme per file, and long text in linked documents"
                        .to_owned(),
                ),
            ]);
        }
        Content::SymlinkOutside(target) => {
            return Err(vec![
                Finding::new(
                    Rule::SymlinkOutside,
                    path,
                    None,
                    format!("symlink leads outside the repository, to `{target}`"),
                )
                .with_help("replace the link with the file itself".to_owned()),
            ]);
        }
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(vec![
            Finding::new(
                Rule::Encoding,
                path,
                None,
                "file is UTF-16, not UTF-8".into(),
            )
            .with_help("save the file as UTF-8".to_owned()),
        ]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text)),
        Err(error) => {
            let at = error.valid_up_to();
            Err(vec![
                Finding::new(
                    Rule::Encoding,
                    path,
                    Some(at..at + 1),
                    format!("file is not UTF-8: invalid byte `0x{:02X}`", bytes[at]),
                )
                .with_help("save the file as UTF-8".to_owned()),
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(content: &[u8]) -> SourceFile {
        SourceFile {
            path: "initiatives/a.toml".into(),
            content: Content::Bytes(content.to_vec()),
        }
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(&*decode(&bytes(b"\xEF\xBB\xBFa = 1")).unwrap(), "a = 1");
    }

    #[test]
    fn other_encodings_are_findings_with_a_place() {
        let findings = decode(&bytes(b"title = \"caf\xE9\"")).unwrap_err();
        assert_eq!(findings[0].rule, Rule::Encoding);
        assert_eq!(findings[0].span, Some(12..13));
        assert!(findings[0].message.contains("0xE9"));
        let findings = decode(&bytes(b"\xFF\xFEt\0")).unwrap_err();
        assert!(findings[0].message.contains("UTF-16"));
    }

    #[test]
    fn stems_are_ids() {
        assert_eq!(stem("initiatives/2026-Q1/upgrade-pg.toml"), "upgrade-pg");
    }
}
