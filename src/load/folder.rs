//! Reading one folder of a repository on all cores: each file listed, read, parsed and built
//! where it is read, and what it gives collected into lists without copying the large items.
//! Two revisions read side by side ([`load_folder_pair`]) read a file they share once.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::iter::{FromParallelIterator, IntoParallelIterator, ParallelExtend};
use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::decode::decode;
use crate::document::{self, Document, stem};
use crate::error::{Error, Result};
use crate::finding::{Finding, Texts};
use crate::git::GitTree;
use crate::source::{Content, Source, SourceFile};

/// One folder, read: per file (in path order), what it built and what the rules that span
/// files need of it, both `None` for a file that did not parse.
pub(super) struct Folder<B, S> {
    pub(super) built: Vec<Option<B>>,
    pub(super) facts: Vec<Option<S>>,
    pub(super) texts: Texts,
    pub(super) findings: Vec<Finding>,
    /// How many files were read, parsed or not.
    pub(super) count: usize,
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
pub(super) trait Build<T, B, S>:
    Fn(Document<T>, &mut Vec<Finding>) -> (Option<B>, S, bool) + Sync
{
}

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
pub(super) fn load_folder<T, B, S>(
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
pub(super) fn load_folder_pair<T, B, S>(
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
