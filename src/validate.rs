//! The rules: from parsed documents to findings and the checked [`Model`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;

use crate::config::{Config, Scale};
use crate::finding::{Finding, MAX_PER_RULE, Rule, suggestion};
use crate::in_place;
use crate::load::{Document, Workspace};
use crate::model::{
    Initiative, InitiativeFile, KeyResult, KeyResultFile, Level, Measure, Model, Status, Theme,
    ThemeFile,
};
use crate::period::Period;

/// The longest title that fits a table row and a chart label.
pub const MAX_TITLE: usize = 100;

/// What the rules found, and everything that could be built.
#[derive(Debug, Clone)]
pub struct Checked<I = Initiative> {
    /// Every finding, with `[rules]` levels applied and in a stable order.
    pub findings: Vec<Finding>,
    /// Each file's initiative, when it could be built, in the order of the files: the rules
    /// that run on them report in that order, so that their findings come sorted.
    /// [`Checked::into_model`] sorts them by id.
    initiatives: Vec<Option<I>>,
    /// Beside each, its file's facts: the rules that run once its document is gone point
    /// where it wrote its `status` and `tags`. Kept where they were loaded, not copied.
    facts: Vec<Option<Facts>>,
    /// Sorted by id.
    themes: Vec<Theme>,
}

#[derive(Debug, Clone)]
struct Spans {
    status: Option<Range<usize>>,
    tags: Option<Range<usize>>,
}

/// The initiative files of a workspace, each after its own rules ([`build`]), in path order.
///
/// Two lists side by side: the initiatives are large, and stay in the list they were built
/// into until they are the model's.
#[derive(Debug, Clone)]
pub struct Built<I = Initiative> {
    /// Each file's initiative, when its own rules let it be built: whole, or only its
    /// [`Outline`] where nothing else will read it.
    initiatives: Vec<Option<I>>,
    /// Beside each, what the rules that span files need of the file; `None` when it did not
    /// parse, so that no rule counts it.
    facts: Vec<Option<Facts>>,
}

impl<I> Default for Built<I> {
    fn default() -> Self {
        Built {
            initiatives: Vec::new(),
            facts: Vec::new(),
        }
    }
}

/// What the rules that span files read of an initiative: its id, file, status, tags and
/// dependencies. `okr check` keeps only this much of each initiative, since it ranks and
/// renders nothing: at 100,000 initiatives the rest is most of its memory.
#[derive(Debug, Clone)]
pub struct Outline {
    pub id: String,
    pub file: String,
    pub status: Status,
    pub tags: Vec<String>,
    pub depends_on: Vec<String>,
}

impl From<Initiative> for Outline {
    fn from(initiative: Initiative) -> Outline {
        Outline {
            id: initiative.id,
            file: initiative.file,
            status: initiative.status,
            tags: initiative.tags,
            depends_on: initiative.depends_on,
        }
    }
}

/// An initiative as the rules that span files read it: whole, or its [`Outline`].
pub trait Outlined: From<Initiative> + Send {
    fn outline(&self) -> OutlineRef<'_>;
}

/// The parts of an initiative the rules that span files read, borrowed.
pub struct OutlineRef<'a> {
    pub id: &'a str,
    pub file: &'a str,
    pub status: Status,
    pub tags: &'a [String],
    pub depends_on: &'a [String],
}

/// Both hold the outline's parts as fields of the same names.
macro_rules! outlined_by_fields {
    ($($kind:ty),*) => {$(
        impl Outlined for $kind {
            fn outline(&self) -> OutlineRef<'_> {
                OutlineRef {
                    id: &self.id,
                    file: &self.file,
                    status: self.status,
                    tags: &self.tags,
                    depends_on: &self.depends_on,
                }
            }
        }
    )*};
}

outlined_by_fields!(Initiative, Outline);

/// What the rules that span files need of one parsed initiative file, besides its initiative.
#[derive(Debug, Clone)]
pub struct Facts {
    spans: Spans,
    /// Where each of its `depends_on` is written, in order.
    dependency_spans: Vec<Range<usize>>,
    /// A file that gave no initiative still has an id for the `duplicate-id` rule and
    /// dependencies for the dependency rules.
    unbuilt: Option<Box<Unbuilt>>,
}

/// What the rules on ids and dependencies read of one initiative file, built or not.
struct FileRef<'a> {
    id: &'a str,
    file: &'a str,
    depends_on: &'a [String],
    /// Where each of `depends_on` is written, in the same order.
    dependency_spans: &'a [Range<usize>],
}

#[derive(Debug, Clone)]
struct Unbuilt {
    id: String,
    file: String,
    depends_on: Vec<String>,
}

impl<I: Outlined> Built<I> {
    pub(crate) fn new(initiatives: Vec<Option<I>>, facts: Vec<Option<Facts>>) -> Built<I> {
        debug_assert_eq!(initiatives.len(), facts.len());
        Built { initiatives, facts }
    }

    /// The initiatives built so far, duplicates included.
    pub fn initiatives(&self) -> impl Iterator<Item = &I> {
        self.initiatives.iter().flatten()
    }

    /// Each file, in order; `None` for a file that did not parse.
    fn files(&self) -> impl Iterator<Item = Option<FileRef<'_>>> {
        self.initiatives
            .iter()
            .zip(&self.facts)
            .map(|(initiative, facts)| {
                let facts = facts.as_ref()?;
                let (id, file, depends_on) = match (initiative, &facts.unbuilt) {
                    (Some(i), _) => {
                        let outline = i.outline();
                        (outline.id, outline.file, outline.depends_on)
                    }
                    (None, Some(u)) => (u.id.as_str(), u.file.as_str(), u.depends_on.as_slice()),
                    (None, None) => return None,
                };
                Some(FileRef {
                    id,
                    file,
                    depends_on,
                    dependency_spans: facts.dependency_spans.as_slice(),
                })
            })
    }
}

/// Runs the rules that need only one initiative file, which they consume: the initiative takes
/// the document's strings instead of copies. Gives the initiative when the file is sound
/// enough, and what the rules that span files need of it either way.
pub fn build(
    document: Document<InitiativeFile>,
    config: &Config,
    findings: &mut Vec<Finding>,
) -> (Option<Initiative>, Facts) {
    let doc = &document.parsed.doc;
    let spans = Spans {
        status: doc.status.as_ref().map(Spanned::span),
        tags: doc.tags.as_ref().map(Spanned::span),
    };
    let dependency_spans = doc.depends_on.iter().map(Spanned::span).collect();
    let (initiative, unbuilt) = match initiative(document, config, findings) {
        Ok(initiative) => (Some(initiative), None),
        Err(unbuilt) => (None, Some(unbuilt)),
    };
    let facts = Facts {
        spans,
        dependency_spans,
        unbuilt,
    };
    (initiative, facts)
}

/// Runs every rule that spans files over a loaded workspace but `stale`, which needs git and
/// runs beside it: see [`Checked::add_stale`]. Each file's own rules ran as it was loaded.
///
/// The initiatives move into what it gives: `workspace.initiatives` is empty after.
pub fn check<I: Outlined>(workspace: &mut Workspace<I>) -> Checked<I> {
    let built = std::mem::take(&mut workspace.initiatives);
    let config = &workspace.config;
    let mut findings = workspace.findings.clone();

    // Each id is numbered by the first file that has it: a second one is a duplicate, and
    // dependencies are looked up here.
    let mut ids = Ids::with_capacity(built.initiatives.len());
    // Each file's id as a number, and whether the file is the first to have it.
    let numbers: Vec<Option<(usize, bool)>> = built
        .files()
        .map(|file| {
            let file = file?;
            Some(ids.number(file.id, file.file, "initiative", &mut findings))
        })
        .collect();
    dependencies(&built, &numbers, &ids, &mut findings);
    drop(ids);

    let Built {
        mut initiatives,
        facts,
    } = built;
    for (initiative, number) in initiatives.iter_mut().zip(numbers) {
        if number.is_some_and(|(_, first)| !first) {
            *initiative = None;
        }
    }

    let mut theme_ids = Ids::with_capacity(workspace.themes.len());
    let mut themes = Vec::new();
    for document in &workspace.themes {
        let first = theme_ids.add(&document.id, &document.file, "theme", &mut findings);
        if let Some(theme) = theme(document, config, &mut findings)
            && first
        {
            themes.push(theme);
        }
    }
    themes.sort_by(|a, b| a.id.cmp(&b.id));

    let checked = Checked {
        findings: Vec::new(),
        // The initiatives are large: they stay in the list they were built into.
        initiatives,
        facts,
        themes,
    };
    checked.orphans(&mut findings);
    Checked {
        findings: config.rules.apply(findings),
        ..checked
    }
}

impl<I: Outlined> Checked<I> {
    /// Adds the `stale` findings once git has said which files changed recently; the rest of
    /// [`check`] need not wait for git.
    pub fn add_stale(&mut self, workspace: &Workspace<I>, recent: &BTreeSet<String>) {
        let mut findings = Vec::new();
        self.stale(workspace.config.stale_days, recent, &mut findings);
        let mut all = std::mem::take(&mut self.findings);
        all.extend(workspace.config.rules.apply(findings));
        crate::finding::sort(&mut all);
        self.findings = all;
    }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A kebab-case spelling of any text, for ids and help.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
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
    let id = crate::load::stem(file);
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
struct Ids<'a> {
    number: HashMap<&'a str, usize, foldhash::fast::RandomState>,
    /// By number: each id and the first file that has it.
    first: Vec<(&'a str, &'a str)>,
}

impl<'a> Ids<'a> {
    fn with_capacity(capacity: usize) -> Ids<'a> {
        Ids {
            number: HashMap::with_capacity_and_hasher(capacity, Default::default()),
            first: Vec::with_capacity(capacity),
        }
    }

    /// Numbers `id`, the id of `file`; `false`, with a `duplicate-id` finding, when an earlier
    /// file has it.
    fn add(&mut self, id: &'a str, file: &'a str, kind: &str, findings: &mut Vec<Finding>) -> bool {
        self.number(id, file, kind, findings).1
    }

    /// The number of `id`, the id of `file`, and whether `file` is the first to have it (with
    /// a `duplicate-id` finding when it is not).
    fn number(
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
                findings.push(
                    Finding::new(
                        Rule::DuplicateId,
                        file,
                        None,
                        format!("{kind} id `{id}` is also used by `{first}`"),
                    )
                    .with_help(
                        "ids are file names and must be unique across all folders; rename one of the files"
                            .to_owned(),
                    ),
                );
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

    fn get(&self, id: &str) -> Option<usize> {
        self.number.get(id).copied()
    }
}

/// Reports a missing required key unless parsing already reported it.
fn require<'a, T, D>(
    value: &'a Option<T>,
    key: &str,
    document: &Document<D>,
    findings: &mut Vec<Finding>,
) -> Option<&'a T> {
    if value.is_none() && !document.parsed.was_removed(key) {
        findings.push(
            Finding::new(
                Rule::MissingField,
                &document.file,
                None,
                format!("missing required field `{key}`"),
            )
            .with_help(format!("add `{key} = ...` to the file")),
        );
    }
    value.as_ref()
}

fn title(value: &Spanned<String>, file: &str, findings: &mut Vec<Finding>) -> String {
    let text = value.get_ref();
    let chars = text.chars().count();
    let problem = if text.trim().is_empty() {
        Some("title is empty".to_owned())
    } else if text.contains('\n') {
        Some("title is more than one line".to_owned())
    } else if chars > MAX_TITLE {
        Some(format!(
            "title is {chars} characters long; the limit is {MAX_TITLE}"
        ))
    } else {
        None
    };
    if let Some(message) = problem {
        findings.push(
            Finding::new(Rule::BadTitle, file, Some(value.span()), message)
                .with_help("say it in one short line; put detail in `problem` or `why`".to_owned()),
        );
    }
    text.trim().to_owned()
}

fn level(
    value: &Spanned<String>,
    scale: &Scale,
    what: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Level> {
    let found = scale.get(value.get_ref());
    if found.is_none() {
        let levels: Vec<String> = scale.names().map(|n| format!("`{n}`")).collect();
        let help = suggestion(value.get_ref(), scale.names())
            .unwrap_or_else(|| format!("the {what} levels are {}", levels.join(", ")));
        findings.push(
            Finding::new(
                Rule::UnknownLevel,
                file,
                Some(value.span()),
                format!("unknown {what} level `{}`", value.get_ref()),
            )
            .with_help(help),
        );
    }
    found
}

/// Tags after aliases, without duplicates; unknown ones reported.
fn tags(
    value: &Spanned<Vec<Spanned<String>>>,
    config: &Config,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    // Sized to fit: a list grown from empty holds room for four, and there is one per file.
    let mut out: Vec<String> = Vec::with_capacity(value.get_ref().len());
    // Tags seen, to drop repeats: a set once the list is long enough for a scan to cost.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut unknown = 0;
    let tags = value.get_ref();
    for (at, tag) in tags.iter().enumerate() {
        let canonical = config.canonical_tag(tag.get_ref());
        if !config.known_tags.is_empty() && !config.is_known_tag(canonical) {
            unknown += 1;
            // Only the findings reported get a suggestion: the others are summed up.
            let help = (unknown <= MAX_PER_RULE)
                .then(|| suggestion(canonical, config.known_tags.iter().map(String::as_str)))
                .flatten()
                .unwrap_or_else(|| {
                    "add it to `[tags].known` in okr.toml, or use a known tag".to_owned()
                });
            findings.push(
                Finding::new(
                    Rule::UnknownTag,
                    file,
                    Some(tag.span()),
                    format!("unknown tag `{canonical}`"),
                )
                .with_help(help),
            );
        }
        let repeated = if at < 16 {
            out.iter().any(|t| t == canonical)
        } else {
            if seen.is_empty() {
                seen.extend(tags[..at].iter().map(|t| config.canonical_tag(t.get_ref())));
            }
            !seen.insert(canonical)
        };
        if !repeated {
            out.push(canonical.to_owned());
        }
    }
    out
}

fn key_results(
    items: &[Spanned<KeyResultFile>],
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Vec<KeyResult>> {
    let mut out = Vec::with_capacity(items.len());
    let mut sound = true;
    for item in items {
        let span = item.span();
        let kr = item.get_ref();
        let fail = |message: String, help: &str| {
            Finding::new(Rule::BadKeyResult, file, Some(span.clone()), message)
                .with_help(help.to_owned())
        };
        let name = kr.title.as_ref().map_or_else(
            || "key result".to_owned(),
            |t| format!("key result `{}`", t.get_ref()),
        );
        let Some(title) = kr.title.as_ref().filter(|t| !t.get_ref().trim().is_empty()) else {
            findings.push(fail(
                "key result has no title".into(),
                "add `title = \"...\"`: what is measured",
            ));
            sound = false;
            continue;
        };
        let has_numbers = kr.baseline.is_some() || kr.target.is_some() || kr.current.is_some();
        let measure = match (kr.done, has_numbers) {
            (Some(_), true) => {
                findings.push(fail(
                    format!("{name} has both `done` and numbers"),
                    "a key result is either a milestone (`done`) or a measure (`baseline`, `target`, `current`)",
                ));
                None
            }
            (Some(done), false) => Some(Measure::Milestone { done }),
            (None, false) => {
                findings.push(fail(
                    format!("{name} has no values"),
                    "add `baseline`, `target` and `current`, or `done = false` for a milestone",
                ));
                None
            }
            (None, true) => match (kr.baseline, kr.target) {
                (Some(baseline), Some(target)) if baseline == target => {
                    findings.push(fail(
                        format!("{name} has target equal to baseline (`{target}`)"),
                        "the target is where the number should move to; it must differ from the baseline",
                    ));
                    None
                }
                (Some(baseline), Some(target)) => Some(Measure::Numeric {
                    baseline,
                    target,
                    current: kr.current.unwrap_or(baseline),
                }),
                (baseline, _) => {
                    let missing = if baseline.is_none() {
                        "baseline"
                    } else {
                        "target"
                    };
                    findings.push(fail(
                        format!("{name} has no `{missing}`"),
                        "a measure needs `baseline` (where it started) and `target` (where it should be)",
                    ));
                    None
                }
            },
        };
        match measure {
            Some(measure) => out.push(KeyResult {
                title: title.get_ref().trim().to_owned(),
                unit: kr.unit.clone(),
                measure,
            }),
            None => sound = false,
        }
    }
    sound.then_some(out)
}

/// The initiative of one document, which it consumes; when the document cannot give one, what
/// the rules that span files still need of it.
fn initiative(
    document: Document<InitiativeFile>,
    config: &Config,
    findings: &mut Vec<Finding>,
) -> Result<Initiative, Box<Unbuilt>> {
    let doc = &document.parsed.doc;
    let file = document.file.as_str();
    let title_value = require(&doc.title, "title", &document, findings);
    let problem = require(&doc.problem, "problem", &document, findings);
    let owner = require(&doc.owner, "owner", &document, findings);
    let tag_value = require(&doc.tags, "tags", &document, findings);
    let impact = require(&doc.impact, "impact", &document, findings);
    let cost = require(&doc.cost, "cost", &document, findings);

    let title = title_value.map(|t| title(t, file, findings));
    for (value, key) in [(problem, "problem"), (owner, "owner")] {
        if let Some(value) = value.filter(|v| v.get_ref().trim().is_empty()) {
            findings.push(Finding::new(
                Rule::MissingField,
                file,
                Some(value.span()),
                format!("`{key}` is empty"),
            ));
        }
    }
    let tags = tag_value.map(|t| {
        if t.get_ref().is_empty() {
            findings.push(
                Finding::new(
                    Rule::MissingField,
                    file,
                    Some(t.span()),
                    "`tags` is empty".into(),
                )
                .with_help(
                    "add at least one tag; it decides which themes the initiative joins".to_owned(),
                ),
            );
        }
        tags(t, config, file, findings)
    });
    let scales = &config.scales;
    let impact = impact.and_then(|v| level(v, &scales.impact, "impact", file, findings));
    let cost = cost.and_then(|v| level(v, &scales.cost, "cost", file, findings));
    let confidence = match &doc.confidence {
        Some(v) => level(v, &scales.confidence, "confidence", file, findings),
        None => Some(scales.confidence.middle()),
    };
    let status = match &doc.status {
        Some(value) => {
            let status = Status::parse(value.get_ref());
            if status.is_none() {
                let names = Status::ALL.map(Status::as_str);
                let help = suggestion(value.get_ref(), names)
                    .unwrap_or_else(|| format!("use one of `{}`", names.join("`, `")));
                findings.push(
                    Finding::new(
                        Rule::UnknownStatus,
                        file,
                        Some(value.span()),
                        format!("unknown status `{}`", value.get_ref()),
                    )
                    .with_help(help),
                );
            }
            status
        }
        None => Some(Status::Proposed),
    };
    let period = doc
        .period
        .as_ref()
        .and_then(|p| match Period::parse(p.get_ref()) {
            Some(_) => Some(p.get_ref().clone()),
            None => {
                findings.push(Period::finding(file, p));
                None
            }
        });
    let key_results = key_results(&doc.key_results, file, findings);

    let Document { id, file, parsed } = document;
    let doc = parsed.doc;
    let depends_on = doc
        .depends_on
        .into_iter()
        .map(Spanned::into_inner)
        .collect();
    let (
        Some(problem),
        Some(owner),
        Some(title),
        Some(tags),
        Some(impact),
        Some(cost),
        Some(confidence),
        Some(status),
        Some(key_results),
    ) = (
        doc.problem,
        doc.owner,
        title,
        tags.filter(|t| !t.is_empty()),
        impact,
        cost,
        confidence,
        status,
        key_results,
    )
    else {
        return Err(Box::new(Unbuilt {
            id,
            file,
            depends_on,
        }));
    };
    Ok(Initiative {
        id,
        file,
        title,
        problem: trimmed(problem.into_inner()),
        outcome: doc.outcome,
        owner: trimmed(owner.into_inner()),
        supporters: doc.supporters,
        tags,
        impact,
        cost,
        confidence,
        status,
        period,
        depends_on,
        links: doc.links,
        key_results,
    })
}

/// `text` without surrounding whitespace, reusing it when there is none.
fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_owned()
    }
}

fn theme(
    document: &Document<ThemeFile>,
    config: &Config,
    findings: &mut Vec<Finding>,
) -> Option<Theme> {
    let doc = &document.parsed.doc;
    let file = document.file.as_str();
    let title = require(&doc.title, "title", document, findings).map(|t| title(t, file, findings));
    let tags = match &doc.tags {
        Some(value) if !value.get_ref().is_empty() => Some(tags(value, config, file, findings)),
        Some(value) => {
            findings.push(empty_theme(document, Some(value.span())));
            None
        }
        None if document.parsed.was_removed("tags") => None,
        None => {
            findings.push(empty_theme(document, None));
            None
        }
    };
    let key_results = key_results(&doc.key_results, file, findings);
    Some(Theme {
        id: document.id.clone(),
        file: document.file.clone(),
        title: title?,
        why: doc.why.clone(),
        owner: doc.owner.clone(),
        tags: tags?,
        key_results: key_results?,
    })
}

fn empty_theme(document: &Document<ThemeFile>, span: Option<Range<usize>>) -> Finding {
    Finding::new(
        Rule::EmptyTheme,
        &document.file,
        span,
        format!(
            "theme `{}` has no tags, so no initiative can join it",
            document.id
        ),
    )
    .with_help(
        "add `tags = [\"...\"]`: an initiative with any of these tags joins the theme".to_owned(),
    )
}

/// Unknown dependencies and dependency cycles, against every initiative that parsed.
fn dependencies<I: Outlined>(
    built: &Built<I>,
    numbers: &[Option<(usize, bool)>],
    ids: &Ids<'_>,
    findings: &mut Vec<Finding>,
) {
    // The ids in order, for suggestions, sorted only when a dependency is unknown.
    let sorted = std::cell::OnceCell::new();
    // Each edge of the graph on the ids' numbers, and beside it the file and place that wrote it.
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut written: Vec<(&str, Range<usize>)> = Vec::new();
    for (file, &from) in built.files().zip(numbers) {
        let (
            Some(FileRef {
                id,
                file,
                depends_on,
                dependency_spans,
            }),
            Some((from, _)),
        ) = (file, from)
        else {
            continue;
        };
        let mut unknown = 0;
        for (target, span) in depends_on.iter().zip(dependency_spans) {
            let target = target.as_str();
            if let Some(to) = ids.get(target) {
                edges.push((from, to));
                written.push((file, span.clone()));
            } else {
                let sorted = sorted.get_or_init(|| {
                    let mut sorted: Vec<&str> = ids.first.iter().map(|(id, _)| *id).collect();
                    sorted.sort_unstable();
                    sorted
                });
                unknown += 1;
                // Only the findings reported get a suggestion: the others are summed up.
                let help = (unknown <= MAX_PER_RULE)
                    .then(|| suggestion(target, sorted.iter().copied()))
                    .flatten()
                    .unwrap_or_else(|| {
                        "`depends_on` lists ids, the file names of initiatives".to_owned()
                    });
                findings.push(
                    Finding::new(
                        Rule::UnknownDependency,
                        file,
                        Some(span.clone()),
                        format!("`{id}` depends on `{target}`, which does not exist"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    let graph = Graph::new(ids.first.len(), &edges);
    let name = |node: usize| ids.first[node].0;
    for cycle in cycles(&graph, name) {
        // The cycle's first step, as the last file to write it says (one id may be in more
        // than one file).
        let Some(edge) = graph.last_edge(cycle[0], cycle[1]) else {
            continue;
        };
        let (file, span) = written[edge].clone();
        let path = cycle
            .iter()
            .map(|&node| format!("`{}`", name(node)))
            .collect::<Vec<_>>()
            .join(" → ");
        findings.push(
            Finding::new(
                Rule::DependencyCycle,
                file,
                Some(span),
                format!("dependency cycle: {path}"),
            )
            .with_help("remove one of these dependencies; a cycle can never start".to_owned()),
        );
    }
}

/// A directed graph on numbered nodes, its edges grouped by where they start: one list for
/// all of them, not one per node, since most initiatives depend on nothing.
struct Graph {
    /// Node `n`'s edges are `targets[start[n]..start[n + 1]]`.
    start: Vec<usize>,
    targets: Vec<usize>,
    /// Beside each target, the edge's position in the list the graph was built from.
    edge: Vec<usize>,
}

impl Graph {
    /// The graph of `edges` (from, to) on `nodes` nodes; each node's edges keep their order.
    fn new(nodes: usize, edges: &[(usize, usize)]) -> Graph {
        let mut start = vec![0; nodes + 1];
        for &(from, _) in edges {
            start[from + 1] += 1;
        }
        for node in 0..nodes {
            start[node + 1] += start[node];
        }
        let mut next = start.clone();
        let mut targets = vec![0; edges.len()];
        let mut edge = vec![0; edges.len()];
        for (position, &(from, to)) in edges.iter().enumerate() {
            targets[next[from]] = to;
            edge[next[from]] = position;
            next[from] += 1;
        }
        Graph {
            start,
            targets,
            edge,
        }
    }

    fn nodes(&self) -> usize {
        self.start.len() - 1
    }

    fn targets(&self, node: usize) -> &[usize] {
        &self.targets[self.start[node]..self.start[node + 1]]
    }

    /// The position of the last edge from `from` to `to`.
    fn last_edge(&self, from: usize, to: usize) -> Option<usize> {
        let at = self
            .targets(from)
            .iter()
            .rposition(|&target| target == to)?;
        Some(self.edge[self.start[from] + at])
    }
}

/// Each elementary cycle once, as found from its smallest name, closed (`a → b → a`), in the
/// order of their names.
fn cycles<'a>(graph: &Graph, name: impl Fn(usize) -> &'a str) -> Vec<Vec<usize>> {
    // Strongly connected components (Tarjan, iterative), then one cycle through each.
    const UNSEEN: usize = usize::MAX;
    let nodes = graph.nodes();
    let mut index = vec![UNSEEN; nodes];
    let mut low = vec![0; nodes];
    let mut on_stack = vec![false; nodes];
    let mut stack: Vec<usize> = Vec::new();
    let mut work: Vec<(usize, usize)> = Vec::new();
    // Only the components that hold a cycle: most nodes are alone, with no edge to themselves.
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut counter = 0;
    for start in 0..nodes {
        // A node that depends on nothing is in no cycle, and is visited if another reaches it.
        if index[start] != UNSEEN || graph.targets(start).is_empty() {
            continue;
        }
        work.push((start, 0));
        while let Some((node, next)) = work.pop() {
            if next == 0 {
                index[node] = counter;
                low[node] = counter;
                counter += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = graph.targets(node).get(next) {
                work.push((node, next + 1));
                if index[target] == UNSEEN {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            if low[node] == index[node] {
                let top = stack
                    .iter()
                    .rposition(|&member| member == node)
                    .expect("a node is on the stack until its component is taken off");
                for &member in &stack[top..] {
                    on_stack[member] = false;
                }
                if stack.len() - top > 1 || graph.targets(node).contains(&node) {
                    components.push(stack[top..].to_vec());
                }
                stack.truncate(top);
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    let mut found = Vec::new();
    let mut member = vec![false; nodes];
    for component in components {
        let start = *component
            .iter()
            .min_by_key(|&&node| name(node))
            .expect("components are not empty");
        for &node in &component {
            member[node] = true;
        }
        // Breadth-first from the smallest id back to itself, inside the component.
        let mut previous: HashMap<usize, usize> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        'search: while let Some(node) = queue.pop_front() {
            for &target in graph.targets(node) {
                if !member[target] {
                    continue;
                }
                if target == start {
                    let mut path = vec![start];
                    let mut at = node;
                    while at != start {
                        path.push(at);
                        at = previous[&at];
                    }
                    path[1..].reverse();
                    path.push(start);
                    found.push(path);
                    break 'search;
                }
                if let std::collections::hash_map::Entry::Vacant(entry) = previous.entry(target) {
                    entry.insert(node);
                    queue.push_back(target);
                }
            }
        }
        for &node in &component {
            member[node] = false;
        }
    }
    found.sort_by(|a: &Vec<usize>, b: &Vec<usize>| {
        a.iter()
            .map(|&node| name(node))
            .cmp(b.iter().map(|&node| name(node)))
    });
    found
}

impl<I> Checked<I> {
    /// The initiatives that could be built, in the order of their files, and the themes,
    /// sorted by id.
    pub fn into_parts(self) -> (Vec<I>, Vec<Theme>) {
        (in_place::keep_present(self.initiatives), self.themes)
    }
}

impl Checked<Initiative> {
    /// The model: the initiatives sorted by id in place, since they are large.
    pub fn into_model(self) -> Model {
        let (mut initiatives, themes) = self.into_parts();
        if !initiatives.is_sorted_by(|a, b| a.id <= b.id) {
            let order = in_place::sorted_order(&initiatives, |i| i.id.as_str());
            in_place::permute(&mut initiatives, &order);
        }
        Model {
            initiatives,
            themes,
        }
    }
}

impl<I: Outlined> Checked<I> {
    /// The initiatives, in the order of their files, each with where its file wrote what.
    fn with_spans(&self) -> impl Iterator<Item = (OutlineRef<'_>, &Spans)> {
        // A built initiative always has its facts; without them it is still checked.
        const NOWHERE: &Spans = &Spans {
            status: None,
            tags: None,
        };
        self.initiatives
            .iter()
            .zip(&self.facts)
            .filter_map(|(initiative, facts)| {
                let spans = facts.as_ref().map_or(NOWHERE, |facts| &facts.spans);
                Some((initiative.as_ref()?.outline(), spans))
            })
    }

    fn orphans(&self, findings: &mut Vec<Finding>) {
        let theme_tags: BTreeSet<&str> = self
            .themes
            .iter()
            .flat_map(|t| t.tags.iter().map(String::as_str))
            .collect();
        for (initiative, spans) in self.with_spans() {
            if initiative.status.is_open()
                && !initiative
                    .tags
                    .iter()
                    .any(|t| theme_tags.contains(t.as_str()))
            {
                let span = spans.tags.clone();
                findings.push(
                    Finding::new(
                        Rule::Orphan,
                        initiative.file,
                        span,
                        format!(
                            "`{}` joins no theme: no theme has any of its tags",
                            initiative.id
                        ),
                    )
                    .with_help(
                        "add a tag that a theme lists, or propose a theme (`okr themes --suggest`)"
                            .to_owned(),
                    ),
                );
            }
        }
    }

    fn stale(&self, limit: u32, recent: &BTreeSet<String>, findings: &mut Vec<Finding>) {
        for (initiative, spans) in self.with_spans() {
            if !matches!(initiative.status, Status::Accepted | Status::Active)
                || recent.contains(initiative.file)
            {
                continue;
            }
            let span = spans.status.clone();
            findings.push(
                Finding::new(
                    Rule::Stale,
                    initiative.file,
                    span,
                    format!(
                        "`{}` is {} but has not changed in the last {limit} days",
                        initiative.id, initiative.status
                    ),
                )
                .with_help(
                    "update its key results or status, or drop it; the limit is `[rules].stale_days`"
                        .to_owned(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_ids() {
        for id in ["a", "upgrade-pg-16", "2026"] {
            assert!(is_kebab(id), "{id}");
        }
        for id in ["", "Upgrade", "a--b", "-a", "a-", "a_b", "a b", "é"] {
            assert!(!is_kebab(id), "{id}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Upgrade to PostgreSQL 16!"),
            "upgrade-to-postgresql-16"
        );
        assert_eq!(slug("  --Ünïcode  "), "n-code");
        assert_eq!(slug("???"), "");
    }

    #[test]
    fn a_graph_keeps_each_nodes_edges_in_the_order_given() {
        let graph = Graph::new(3, &[(2, 0), (0, 1), (2, 1), (2, 0)]);
        assert_eq!(graph.targets(0), [1]);
        assert!(graph.targets(1).is_empty());
        assert_eq!(graph.targets(2), [0, 1, 0]);
        assert_eq!(graph.last_edge(2, 0), Some(3));
        assert_eq!(graph.last_edge(0, 1), Some(1));
        assert_eq!(graph.last_edge(1, 0), None);
    }

    #[test]
    fn cycles_are_found_once_from_their_smallest_id() {
        // The graph as names, numbered in an order of its own.
        fn named_cycles(graph: &[(&str, &[&str])]) -> Vec<Vec<String>> {
            let names: Vec<&str> = graph.iter().map(|(name, _)| *name).collect();
            let number = |name: &str| names.iter().position(|n| *n == name).unwrap();
            let edges: Vec<(usize, usize)> = graph
                .iter()
                .enumerate()
                .flat_map(|(from, (_, targets))| targets.iter().map(move |t| (from, number(t))))
                .collect();
            cycles(&Graph::new(names.len(), &edges), |node| names[node])
                .into_iter()
                .map(|cycle| cycle.iter().map(|&n| names[n].to_owned()).collect())
                .collect()
        }
        let graph: &[(&str, &[&str])] = &[
            ("e", &["e"]),
            ("c", &["a"]),
            ("a", &["b"]),
            ("b", &["c", "d"]),
            ("d", &[]),
        ];
        assert_eq!(
            named_cycles(graph),
            [vec!["a", "b", "c", "a"], vec!["e", "e"]]
        );
        assert!(named_cycles(&[("a", &["b"]), ("b", &[])]).is_empty());
    }
}
