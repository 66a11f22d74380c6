//! Reading a team repository from a [`Source`] into parsed documents and file-level findings.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::iter::{FromParallelIterator, IntoParallelIterator, ParallelExtend};
use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::config::{self, Config};
use crate::document::{self, Document, stem};
use crate::error::{Error, Result};
use crate::finding::{Finding, Rule, Texts};
use crate::git::GitTree;
use crate::model::{Initiative, InitiativeFile, Status, ThemeFile};
use crate::source::{Content, Source, SourceFile};
use crate::validate::file::{self as rules, Built, Facts, Outlined};

/// Everything read from a repository, before the rules that span files run.
#[derive(Debug, Clone)]
pub struct Workspace<I = Initiative> {
    pub config: Config,
    /// The initiatives, each built as its file was read, by the rules that need only the file:
    /// whole, or their [`Outline`](validate::Outline)s for `okr check`.
    pub initiatives: Built<I>,
    pub themes: Vec<Document<ThemeFile>>,
    /// The text of every file read that findings may quote ([`Keep`]), those that did not
    /// parse included.
    pub texts: Texts,
    /// Problems found in single files: reading, parsing, and each initiative's own rules.
    pub findings: Vec<Finding>,
    /// How many files were read in each folder, parsed or not.
    pub initiative_files: usize,
    pub theme_files: usize,
}

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
/// ([`Initiative`]), or only what the rules read ([`Outline`](validate::Outline)).
///
/// Each initiative is built on the core that read its file, as soon as it is parsed, so no
/// more than one document per core is ever in memory.
pub fn load_keeping<I: Outlined>(source: &dyn Source, keep: Keep) -> Result<Workspace<I>> {
    let config = load_config(source)?;
    let stale = matches!(keep, Keep::Quoted { stale: true })
        && config.rules.level(crate::finding::Rule::Stale) != crate::finding::RuleLevel::Off;
    let initiatives = load_folder(source, &config.paths.initiatives, |document, findings| {
        let (initiative, facts) = rules::build(document, &config, findings);
        let quoted = keep == Keep::All
            || !findings.is_empty()
            || initiative
                .as_ref()
                .is_some_and(|i| stale && matches!(i.status, Status::Accepted | Status::Active));
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
    let (base_config, head_config) = (load_config(base)?, load_config(head)?);
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

/// One folder, read: per file (in path order), what it built and what the rules that span
/// files need of it, both `None` for a file that did not parse.
struct Folder<B, S> {
    built: Vec<Option<B>>,
    facts: Vec<Option<S>>,
    texts: Texts,
    findings: Vec<Finding>,
    /// How many files were read, parsed or not.
    count: usize,
}

/// What a theme keeps of its file: the whole document, for the rules that span files, and
/// its text (themes are few).
fn keep_theme(
    document: Document<ThemeFile>,
    _: &mut Vec<Finding>,
) -> (Option<Document<ThemeFile>>, (), bool) {
    (Some(document), (), true)
}

/// How reading a listed file went.
#[derive(Debug)]
enum Reading {
    Read,
    /// Gone since it was listed, or a symlink to nothing okr reads: not counted.
    Skipped,
    /// An error that stops the command.
    Failed(Error),
}

/// What one file gave besides what it built and what the rules that span files need of it:
/// its text (when kept), its own findings, or that it was not read. Most files have none of
/// these, so it is boxed, and a file without it costs one pointer.
struct Extra {
    text: Option<(String, Arc<str>)>,
    findings: Vec<Finding>,
    reading: Reading,
}

impl Extra {
    fn of(text: Option<(String, Arc<str>)>, findings: Vec<Finding>) -> Option<Box<Extra>> {
        (text.is_some() || !findings.is_empty()).then(|| {
            Box::new(Extra {
                text,
                findings,
                reading: Reading::Read,
            })
        })
    }

    fn unread(reading: Reading) -> Option<Box<Extra>> {
        Some(Box::new(Extra {
            text: None,
            findings: Vec::new(),
            reading,
        }))
    }
}

/// What one file gives: what it built (`B`), what the rules that span files need of it (`S`),
/// and the rare rest.
struct LoadedFile<B, S> {
    built: Option<B>,
    facts: Option<S>,
    extra: Option<Box<Extra>>,
}

/// A folder's files as three lists, one per part of a [`LoadedFile`], in file order. They are
/// collected apart (rayon's `unzip`), so that the large built items go straight into a list of
/// their own, never copied from one list into another.
struct Lists<B, S> {
    built: Vec<Option<B>>,
    facts: Vec<Option<S>>,
    extras: Vec<Option<Box<Extra>>>,
}

impl<B, S> Default for Lists<B, S> {
    fn default() -> Self {
        Lists {
            built: Vec::new(),
            facts: Vec::new(),
            extras: Vec::new(),
        }
    }
}

impl<B: Send, S: Send> ParallelExtend<LoadedFile<B, S>> for Lists<B, S> {
    fn par_extend<I>(&mut self, files: I)
    where
        I: IntoParallelIterator<Item = LoadedFile<B, S>>,
    {
        // The one place a file is a tuple: what `unzip` takes apart.
        let (built, (facts, extras)): (Vec<_>, (Vec<_>, Vec<_>)) = files
            .into_par_iter()
            .map(|file| (file.built, (file.facts, file.extra)))
            .unzip();
        self.extend_lists(built, facts, extras);
    }
}

impl<B: Send, S: Send> FromParallelIterator<LoadedFile<B, S>> for Lists<B, S> {
    fn from_par_iter<I>(files: I) -> Self
    where
        I: IntoParallelIterator<Item = LoadedFile<B, S>>,
    {
        let mut lists = Lists::default();
        lists.par_extend(files);
        lists
    }
}

impl<B, S> FromIterator<LoadedFile<B, S>> for Lists<B, S> {
    fn from_iter<I: IntoIterator<Item = LoadedFile<B, S>>>(files: I) -> Self {
        let files = files.into_iter();
        let count = files.size_hint().0;
        let mut lists = Lists {
            built: Vec::with_capacity(count),
            facts: Vec::with_capacity(count),
            extras: Vec::with_capacity(count),
        };
        for file in files {
            lists.built.push(file.built);
            lists.facts.push(file.facts);
            lists.extras.push(file.extra);
        }
        lists
    }
}

impl<B, S> Lists<B, S> {
    /// Appends three lists of the same length; the first extension takes them as they are.
    fn extend_lists(
        &mut self,
        built: Vec<Option<B>>,
        facts: Vec<Option<S>>,
        extras: Vec<Option<Box<Extra>>>,
    ) {
        if self.built.is_empty() {
            (self.built, self.facts, self.extras) = (built, facts, extras);
        } else {
            self.built.extend(built);
            self.facts.extend(facts);
            self.extras.extend(extras);
        }
    }
}

/// What a folder's files are built into: from one document, adding its own findings, what it
/// builds (`B`), what the rules that span files need of it (`S`), and whether to keep its text.
trait Build<T, B, S>: Fn(Document<T>, &mut Vec<Finding>) -> (Option<B>, S, bool) + Sync {}

impl<T, B, S, F> Build<T, B, S> for F where
    F: Fn(Document<T>, &mut Vec<Finding>) -> (Option<B>, S, bool) + Sync
{
}

/// A file as read: parsed, or how it was not.
fn parsed<T: DeserializeOwned>(
    read: Result<Option<SourceFile>>,
) -> std::result::Result<ParsedFile<T>, Reading> {
    match read {
        Ok(Some(file)) => Ok(parse_file(&file)),
        Ok(None) => Err(Reading::Skipped),
        Err(error) => Err(Reading::Failed(error)),
    }
}

/// What a file gives that was listed but not read.
fn not_read<B, S>(reading: Reading) -> LoadedFile<B, S> {
    LoadedFile {
        built: None,
        facts: None,
        extra: Extra::unread(reading),
    }
}

/// Builds what one parsed file gives with `build`.
fn finish<T, B, S>(
    ParsedFile {
        document,
        mut text,
        mut findings,
    }: ParsedFile<T>,
    build: &impl Build<T, B, S>,
) -> LoadedFile<B, S> {
    let (built, facts) = match document {
        Some(document) => {
            let (built, facts, quoted) = build(document, &mut findings);
            if !quoted {
                text = None;
            }
            (built, Some(facts))
        }
        None => (None, None),
    };
    LoadedFile {
        built,
        facts,
        extra: Extra::of(text, findings),
    }
}

fn folder_of<B, S>(
    Lists {
        built,
        facts,
        extras,
    }: Lists<B, S>,
) -> Result<Folder<B, S>> {
    let mut folder = Folder {
        built,
        facts,
        texts: Texts::new(),
        findings: Vec::new(),
        count: extras.len(),
    };
    for extra in extras.into_iter().flatten() {
        let Extra {
            text,
            findings,
            reading,
        } = *extra;
        match reading {
            Reading::Failed(error) => return Err(error),
            Reading::Skipped => folder.count -= 1,
            Reading::Read => {}
        }
        if let Some((path, text)) = text {
            folder.texts.insert(path, text);
        }
        folder.findings.extend(findings);
    }
    Ok(folder)
}

/// Reads, parses and builds every file of one folder, each on whichever core is free.
fn load_folder<T, B, S>(
    source: &dyn Source,
    dir: &str,
    build: impl Build<T, B, S>,
) -> Result<Folder<B, S>>
where
    T: DeserializeOwned,
    B: Send,
    S: Send,
{
    let listed = source.list_toml(dir)?;
    let lists: Lists<B, S> = listed
        .par_iter()
        .map(|listed| match parsed::<T>(source.read_listed(listed)) {
            Ok(parsed) => finish(parsed, &build),
            Err(reading) => not_read(reading),
        })
        .collect();
    drop(listed);
    folder_of(lists)
}

/// One folder of two revisions, each its tree, the folder okr.toml names there, and how its
/// files are built. A file with the same path and blob in both is read and parsed once, and
/// built for each side at once, so no document outlives its file: only what is built is kept.
fn load_folder_pair<T, B, S>(
    (base, base_dir, base_build): (&GitTree, &str, impl Build<T, B, S>),
    (head, head_dir, head_build): (&GitTree, &str, impl Build<T, B, S>),
) -> Result<(Folder<B, S>, Folder<B, S>)>
where
    T: DeserializeOwned + Clone,
    B: Send,
    S: Send,
{
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
    drop(in_base);
    let mut shared = vec![false; base_files.len()];
    for &index in same.iter().flatten() {
        shared[index] = true;
    }
    // The base's files, each built for the head as well when the head has it too.
    // Beside the base's lists, each base file as built for the head, where the head shares it.
    type ForHead<B, S> = Vec<Option<LoadedFile<B, S>>>;
    let (base_lists, mut head_shared): (Lists<B, S>, ForHead<B, S>) = base_files
        .par_iter()
        .zip(&shared)
        .map(|(file, &shared)| match parsed::<T>(base.read_entry(file)) {
            Ok(parsed) => {
                let for_head = shared.then(|| finish(parsed.clone(), &head_build));
                (finish(parsed, &base_build), for_head)
            }
            Err(reading) => {
                let for_head = shared.then(|| not_read(Reading::Skipped));
                (not_read(reading), for_head)
            }
        })
        .unzip();
    let head_own: Vec<LoadedFile<B, S>> = head_files
        .par_iter()
        .zip(&same)
        .filter(|(_, same)| same.is_none())
        .map(|(file, _)| match parsed::<T>(head.read_entry(file)) {
            Ok(parsed) => finish(parsed, &head_build),
            Err(reading) => not_read(reading),
        })
        .collect();
    // The head's files into their places: the shared ones built above, the rest its own.
    let mut head_own = head_own.into_iter();
    let head_lists: Lists<B, S> = same
        .iter()
        .map(|same| match same {
            Some(index) => head_shared[*index]
                .take()
                .unwrap_or_else(|| not_read(Reading::Skipped)),
            None => head_own
                .next()
                .unwrap_or_else(|| not_read(Reading::Skipped)),
        })
        .collect();
    Ok((folder_of(base_lists)?, folder_of(head_lists)?))
}

/// One file, read and parsed.
#[derive(Debug, Clone)]
struct ParsedFile<T> {
    /// `None` when it did not parse.
    document: Option<Document<T>>,
    /// Its path and text, when it has any, for findings to quote.
    text: Option<(String, Arc<str>)>,
    findings: Vec<Finding>,
}

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
            return ParsedFile {
                document: None,
                text: lossy,
                findings,
            };
        }
    };
    let (parsed, mut findings) = document::parse::<T>(&file.path, &text);
    findings.extend(crate::validate::ids::check_id(&file.path));
    let document = parsed.map(|parsed| Document {
        id: stem(&file.path).to_owned(),
        file: file.path.clone(),
        parsed,
    });
    ParsedFile {
        document,
        text: Some((file.path.clone(), text)),
        findings,
    }
}

/// The text of a file: UTF-8, with a byte-order mark dropped; anything else is a finding.
pub fn decode(file: &SourceFile) -> Result<Arc<str>, Vec<Finding>> {
    let path = file.path.as_str();
    let Content::Bytes(bytes) = &file.content else {
        return Err(file.content.unread(path).into_iter().collect());
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
}
