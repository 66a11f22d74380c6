//! The rules on one initiative or theme file, run as it is loaded, on the core that read it:
//! required fields, titles, levels, tags, key results, periods. What they build (an initiative,
//! or only its [`Outline`]) and what the rules that span files need of the file ([`Facts`]).

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

use toml::Spanned;

use crate::config::{Config, Scale};
use crate::document::Document;
use crate::finding::{Finding, MAX_PER_RULE, Rule, suggestion};
use crate::model::{Initiative, InitiativeFile, KeyResult, KeyResultFile, Level, Measure, Status};

/// The longest title that fits a table row and a chart label.
pub const MAX_TITLE: usize = 100;

#[derive(Debug, Clone)]
pub(super) struct Spans {
    pub(super) status: Option<Range<usize>>,
    pub(super) tags: Option<Range<usize>>,
}

/// The initiative files of a workspace, each after its own rules ([`build`]), in path order.
///
/// Two lists side by side: the initiatives are large, and stay in the list they were built
/// into until they are the model's.
#[derive(Debug, Clone)]
pub struct Built<I = Initiative> {
    /// Each file's initiative, when its own rules let it be built: whole, or only its
    /// [`Outline`] where nothing else will read it.
    pub(super) initiatives: Vec<Option<I>>,
    /// Beside each, what the rules that span files need of the file; `None` when it did not
    /// parse, so that no rule counts it.
    pub(super) facts: Vec<Option<Facts>>,
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

/// What a load keeps of each initiative (the `I` of [`Workspace`](crate::load::Workspace),
/// [`Built`] and [`Checked`](super::Checked)): a form the rules read an [`OutlineRef`] from,
/// made on the core that read the file, so a command keeps only what it uses and never copies
/// an initiative from one list into another. The three forms:
/// - [`Outline`], for `okr check` and `okr new`, which rank nothing: at 100,000 initiatives
///   the rest of an initiative is most of the memory;
/// - [`Initiative`], whole, for the checked [`Model`](crate::model::Model) (`load::load`);
/// - [`Ranked`](crate::portfolio::Ranked), whole with room for score, rank and themes, for
///   the commands that rank (`render`, `list`, `diff`): ranking fills each in place.
pub trait Outlined: From<Initiative> + Send {
    /// The parts of the initiative that the rules that span files read.
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
    pub(super) spans: Spans,
    /// Where each of its `depends_on` is written, in order.
    pub(super) dependency_spans: Vec<Range<usize>>,
    /// A file that gave no initiative still has an id for the `duplicate-id` rule and
    /// dependencies for the dependency rules.
    pub(super) unbuilt: Option<Box<Unbuilt>>,
}

/// What the rules on ids and dependencies read of one initiative file, built or not.
pub(super) struct FileRef<'a> {
    pub(super) id: &'a str,
    pub(super) file: &'a str,
    pub(super) depends_on: &'a [String],
    /// Where each of `depends_on` is written, in the same order.
    pub(super) dependency_spans: &'a [Range<usize>],
}

#[derive(Debug, Clone)]
pub(super) struct Unbuilt {
    pub(super) id: String,
    pub(super) file: String,
    pub(super) depends_on: Vec<String>,
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
    pub(super) fn files(&self) -> impl Iterator<Item = Option<FileRef<'_>>> {
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

/// Reports a missing required key unless parsing already reported it.
pub(super) fn require<'a, T, D>(
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

pub(super) fn title(value: &Spanned<String>, file: &str, findings: &mut Vec<Finding>) -> String {
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
pub(super) fn tags(
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

/// The key results of a file; `None` when one of them is unsound. A key result with a value
/// of the wrong type (parsing reported it, and removed it) is left out without a word: the rules
/// here would only report that value again as missing, and the file that holds it is sound
/// otherwise, so its theme or initiative is still built and still joins the rest.
pub(super) fn key_results(
    items: &[Spanned<KeyResultFile>],
    removed: &BTreeSet<String>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Vec<KeyResult>> {
    let mut out = Vec::with_capacity(items.len());
    let mut sound = true;
    for (index, item) in items.iter().enumerate() {
        if !removed.is_empty() {
            let prefix = format!("key_results.{index}.");
            if removed.iter().any(|path| path.starts_with(&prefix)) {
                continue;
            }
        }
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
        Some(value) => super::word::word(value, Rule::UnknownStatus, "status", file, findings),
        None => Some(Status::Proposed),
    };
    let period = super::period::period(doc.period.as_ref(), status, file, config, findings);
    let key_results = key_results(&doc.key_results, &document.parsed.removed, file, findings);
    let checkin = super::checkin::checkin(doc.checkin.as_ref(), file, findings);
    super::checkin::closed(
        doc.checkin.as_ref(),
        checkin.as_ref(),
        status,
        config.checkin_days,
        file,
        findings,
    );
    let closed = super::closed::closed(&doc.closed, file, crate::period::today(), findings);

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
        problem: crate::text::trimmed(problem.into_inner()),
        outcome: doc.outcome,
        owner: crate::text::trimmed(owner.into_inner()),
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
        checkin,
        closed,
    })
}
