//! Rendering the objective documents: a minijinja environment with okr's filters, the built-in
//! templates compiled in, and a team's own templates (by file name) taking their place.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::value::{Serde, Value};
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history::{self, History, Series};
use crate::load::decode;
use crate::model::{KeyResult, Measure};
use crate::output;
use crate::portfolio::{Portfolio, Ranked, RankedTheme};
use crate::proof::Proof;
use crate::source::Source;
use crate::markdown::{code, markdown_inline, mermaid_label};
use crate::text::{number, progress_bar};

/// The built-in templates, by the file name a team uses to replace one.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("index.md.j2", include_str!("../templates/index.md.j2")),
    (
        "objective.md.j2",
        include_str!("../templates/objective.md.j2"),
    ),
];

/// Instructions a template may spend, plus this much per initiative: generous for any real
/// document, and a template that loops for ever stops with an error instead of hanging CI.
const FUEL: u64 = 2_000_000;
const FUEL_PER_INITIATIVE: u64 = 2_000;
/// Charts show the highest-ranked initiatives only, so they stay readable at any scale.
pub const CHART_LIMIT: usize = 30;

/// Optional text that is only whitespace counts as absent, so a template's `{% if %}` does not
/// write an empty paragraph or a stray space.
fn not_blank(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty()).map(str::to_owned)
}

#[derive(Debug, Clone, Serialize)]
struct PointView {
    date: String,
    value: f64,
}

#[derive(Debug, Clone, Serialize)]
struct KeyResultView {
    title: String,
    unit: Option<String>,
    kind: &'static str,
    baseline: Option<f64>,
    target: Option<f64>,
    current: Option<f64>,
    done: Option<bool>,
    progress: f64,
    /// `current` over time from git history, oldest first; empty without history.
    history: Vec<PointView>,
    /// A Mermaid `xychart-beta` of `history`, when it has two points or more.
    chart: Option<String>,
}

/// Charts show at most this many points, the most recent.
pub const CHART_POINTS: usize = 30;

/// The Mermaid `xychart-beta` of a key result's values over time.
fn xychart(title: &str, unit: Option<&str>, points: &[PointView], bounds: &[f64]) -> String {
    let values: Vec<f64> = points
        .iter()
        .map(|p| p.value)
        .chain(bounds.iter().copied())
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((high - low) * 0.1).max(1.0);
    let low = if low >= 0.0 && low - pad < 0.0 {
        0.0
    } else {
        (low - pad).floor()
    };
    let high = (high + pad).ceil();
    let dates: Vec<String> = points
        .iter()
        .map(|p| format!("\"{}\"", mermaid_label(&p.date)))
        .collect();
    let line: Vec<String> = points.iter().map(|p| number(p.value)).collect();
    let axis = unit.map_or_else(String::new, |u| format!("\"{}\" ", mermaid_label(u)));
    format!(
        "xychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis {axis}{} --> {}\n    line [{}]",
        mermaid_label(title),
        dates.join(", "),
        number(low),
        number(high),
        line.join(", ")
    )
}

fn key_result_view(kr: &KeyResult, history: Option<&[Series]>) -> KeyResultView {
    let (kind, baseline, target, current, done) = match kr.measure {
        Measure::Numeric {
            baseline,
            target,
            current,
        } => ("numeric", Some(baseline), Some(target), Some(current), None),
        Measure::Milestone { done } => ("milestone", None, None, None, Some(done)),
    };
    let mut points: Vec<PointView> = history
        .and_then(|series| series.iter().find(|s| s.title == kr.title))
        .map(|s| {
            s.values
                .iter()
                .map(|p| PointView {
                    date: p.date.clone(),
                    value: p.value,
                })
                .collect()
        })
        .unwrap_or_default();
    if let (Some(current), Some(last)) = (current, points.last())
        && last.value != current
    {
        // The working tree holds a value that is not committed yet.
        points.push(PointView {
            date: "now".to_owned(),
            value: current,
        });
    }
    let start = points.len().saturating_sub(CHART_POINTS);
    let points = points.split_off(start);
    let chart = (points.len() >= 2 && kind == "numeric").then(|| {
        let bounds: Vec<f64> = baseline.into_iter().chain(target).collect();
        xychart(&kr.title, kr.unit.as_deref(), &points, &bounds)
    });
    KeyResultView {
        title: kr.title.clone(),
        unit: not_blank(kr.unit.as_deref()),
        kind,
        baseline,
        target,
        current,
        done,
        progress: kr.progress(),
        history: points,
        chart,
    }
}

/// An initiative as templates see it, written out: what [`LazyInitiative`] reads as, field by
/// field (a test holds the two together).
#[cfg(test)]
#[derive(Debug, Clone, Serialize)]
struct InitiativeView {
    id: String,
    title: String,
    problem: String,
    outcome: Option<String>,
    owner: String,
    supporters: Vec<String>,
    tags: Vec<String>,
    impact: String,
    impact_value: f64,
    cost: String,
    cost_value: f64,
    confidence: String,
    confidence_value: f64,
    status: String,
    period: Option<String>,
    depends_on: Vec<String>,
    links: Vec<String>,
    key_results: Vec<KeyResultView>,
    score: f64,
    rank: usize,
    themes: Vec<String>,
    progress: Option<f64>,
    file: String,
}

/// What templates see of an initiative: one of the portfolio's ranked initiatives, read in
/// place. Each field becomes a value only when a template reads it: most initiatives appear in
/// one or two documents and only a few of their fields are read, so converting every
/// initiative up front (a third of a large render's time and memory) is waste. A field reads
/// as it would in [`InitiativeView`], the same initiative written out.
///
/// A field is made once and kept: a value is shared, not copied, each time it is read again, so
/// reading a large field in a loop costs what the loop's steps cost (which fuel bounds), not
/// the field's size each time.
#[derive(Debug)]
struct LazyInitiative {
    all: std::sync::Arc<Vec<Ranked>>,
    at: usize,
    /// Each of [`INITIATIVE_FIELDS`], once read.
    fields: [std::sync::OnceLock<Value>; INITIATIVE_FIELDS.len()],
}

impl LazyInitiative {
    fn new(all: std::sync::Arc<Vec<Ranked>>, at: usize) -> LazyInitiative {
        LazyInitiative {
            all,
            at,
            fields: std::array::from_fn(|_| std::sync::OnceLock::new()),
        }
    }

    fn field(&self, key: &str) -> Option<Value> {
        let r = &self.all[self.at];
        let i = &r.initiative;
        let strings = |items: &[String]| Value::from(items.to_vec());
        Some(match key {
            "id" => Value::from(i.id.as_str()),
            "title" => Value::from(i.title.as_str()),
            "problem" => Value::from(i.problem.as_str()),
            "outcome" => Value::from(not_blank(i.outcome.as_deref())),
            "owner" => Value::from(i.owner.as_str()),
            "supporters" => strings(&i.supporters),
            "tags" => strings(&i.tags),
            "impact" => Value::from(i.impact.name.as_str()),
            "impact_value" => Value::from(i.impact.value),
            "cost" => Value::from(i.cost.name.as_str()),
            "cost_value" => Value::from(i.cost.value),
            "confidence" => Value::from(i.confidence.name.as_str()),
            "confidence_value" => Value::from(i.confidence.value),
            "status" => Value::from(i.status.as_str()),
            "period" => Value::from(i.period.as_deref()),
            "depends_on" => strings(&i.depends_on),
            "links" => strings(&i.links),
            "key_results" => {
                let views: Vec<KeyResultView> = i
                    .key_results
                    .iter()
                    .map(|kr| key_result_view(kr, None))
                    .collect();
                Value::from(Serde(&views))
            }
            "score" => Value::from(r.score),
            "rank" => Value::from(r.rank),
            "themes" => strings(&r.themes),
            "progress" => Value::from(r.progress),
            "file" => Value::from(i.file.as_str()),
            _ => return None,
        })
    }
}

impl minijinja::value::Object for LazyInitiative {
    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<Value> {
        let at = INITIATIVE_FIELDS.iter().position(|f| *f == key)?;
        let value = self.fields[at].get_or_init(|| self.field(key).unwrap_or_default());
        Some(value.clone())
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Str(INITIATIVE_FIELDS)
    }
}

/// [`InitiativeView`]'s fields, in order, as templates see them.
const INITIATIVE_FIELDS: &[&str] = &[
    "id",
    "title",
    "problem",
    "outcome",
    "owner",
    "supporters",
    "tags",
    "impact",
    "impact_value",
    "cost",
    "cost_value",
    "confidence",
    "confidence_value",
    "status",
    "period",
    "depends_on",
    "links",
    "key_results",
    "score",
    "rank",
    "themes",
    "progress",
    "file",
];

#[cfg(test)]
fn initiative_view(r: &Ranked) -> InitiativeView {
    let i = &r.initiative;
    InitiativeView {
        id: i.id.clone(),
        title: i.title.clone(),
        problem: i.problem.clone(),
        outcome: not_blank(i.outcome.as_deref()),
        owner: i.owner.clone(),
        supporters: i.supporters.clone(),
        tags: i.tags.clone(),
        impact: i.impact.name.clone(),
        impact_value: i.impact.value,
        cost: i.cost.name.clone(),
        cost_value: i.cost.value,
        confidence: i.confidence.name.clone(),
        confidence_value: i.confidence.value,
        status: i.status.to_string(),
        period: i.period.clone(),
        depends_on: i.depends_on.clone(),
        links: i.links.clone(),
        key_results: i
            .key_results
            .iter()
            .map(|kr| key_result_view(kr, None))
            .collect(),
        score: r.score,
        rank: r.rank,
        themes: r.themes.clone(),
        progress: r.progress,
        file: i.file.clone(),
    }
}

#[derive(Debug, Clone, Serialize)]
struct ObjectiveView {
    id: String,
    title: String,
    why: Option<String>,
    owner: Option<String>,
    tags: Vec<String>,
    score: f64,
    rank: usize,
    progress: Option<f64>,
    key_results: Vec<KeyResultView>,
    /// Member initiatives in rank order (each converted once, shared by every document).
    initiatives: Vec<Value>,
    file: String,
}

fn objective_view(
    theme: &RankedTheme,
    initiatives: &HashMap<&str, Value>,
    history: Option<&History>,
) -> ObjectiveView {
    let series = history
        .and_then(|h| h.files.get(&theme.theme.file))
        .map(|f| f.key_results.as_slice());
    ObjectiveView {
        id: theme.theme.id.clone(),
        title: theme.theme.title.clone(),
        why: not_blank(theme.theme.why.as_deref()),
        owner: theme.theme.owner.clone(),
        tags: theme.theme.tags.clone(),
        score: theme.score,
        rank: theme.rank,
        progress: theme.progress,
        key_results: theme
            .theme
            .key_results
            .iter()
            .map(|kr| key_result_view(kr, series))
            .collect(),
        initiatives: theme
            .initiatives
            .iter()
            .filter_map(|id| initiatives.get(id.as_str()).cloned())
            .collect(),
        file: theme.theme.file.clone(),
    }
}

#[derive(Debug, Clone, Serialize)]
struct TeamView {
    name: String,
    period: Option<String>,
    formula: String,
}

/// The Mermaid `quadrantChart` of impact against cost for the highest-ranked initiatives.
fn quadrant_chart(initiatives: &[Value], max_impact: f64, max_cost: f64) -> String {
    let mut out = String::from(
        "quadrantChart\n    x-axis Low cost --> High cost\n    y-axis Low impact --> High impact\n    \
         quadrant-1 Big bets\n    quadrant-2 Quick wins\n    quadrant-3 Fill-ins\n    quadrant-4 Money pits\n",
    );
    let mut taken: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    for item in initiatives.iter().take(CHART_LIMIT) {
        let get = |key: &str| {
            item.get_attr(key)
                .ok()
                .and_then(|v| f64::try_from(v).ok())
                .unwrap_or(0.0)
        };
        // A scalar's text; a list or a map (a template's own items) has no label.
        let scalar = |key: &str| {
            use minijinja::value::ValueKind;
            item.get_attr(key).map_or_else(
                |_| String::new(),
                |v| match v.kind() {
                    ValueKind::String | ValueKind::Number | ValueKind::Bool => v.to_string(),
                    _ => String::new(),
                },
            )
        };
        let (rank, title) = (scalar("rank"), scalar("title"));
        // Points share a spot when levels are equal; spread them a little so each stays legible.
        let x = 0.05 + 0.9 * (get("cost_value") / max_cost.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
        let y =
            0.05 + 0.9 * (get("impact_value") / max_impact.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
        let spot = ((x * 1000.0) as i64, (y * 1000.0) as i64);
        let count = taken.entry(spot).or_default();
        let angle = *count as f64 * 2.399_963;
        let radius = if *count == 0 {
            0.0
        } else {
            0.03 * (*count as f64).sqrt()
        };
        *count += 1;
        // Mermaid reads a coordinate as `1` or `0.ddd`: `1.000` does not parse.
        let x = (x + radius * angle.cos()).clamp(0.0, 0.999);
        let y = (y + radius * angle.sin()).clamp(0.0, 0.999);
        // Quoted, so a label that contains a keyword (`quadrant-1`, `x-axis`, `-->`) stays text.
        out.push_str(&format!(
            "    \"{}\": [{x:.3}, {y:.3}]\n",
            mermaid_label(&format!("{rank} {title}"))
        ));
    }
    out.trim_end().to_owned()
}

/// Templates by name: the team's files, else the built-ins. Names never leave the folder.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    team: BTreeMap<String, String>,
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
        Ok(Templates { team })
    }

    fn get(&self, name: &str) -> Option<String> {
        if !output::is_plain_file_name(name) {
            return None;
        }
        self.team.get(name).cloned().or_else(|| {
            BUILT_IN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| (*t).to_owned())
        })
    }
}

/// Charges a filter's work on `bytes` of text against the template's fuel. minijinja charges
/// the strings a filter is given and the value it returns by their size; okr's filters look at
/// every character, several times, so they pay for that on top: at this rate a template's
/// fuel bounds the time its filters take as it bounds its own steps.
fn charge(state: &State, bytes: usize) -> std::result::Result<(), minijinja::Error> {
    state.consume_fuel(bytes as u64 / TEXT_BYTES_PER_FUEL)
}

/// Bytes of text a filter may work through for one fuel (an instruction's cost).
const TEXT_BYTES_PER_FUEL: u64 = 16;

/// A value as text for okr's text filters: none is empty, a string is itself, a number or a
/// boolean its few characters. Anything else (a list, a map) is refused: turned into text its
/// size has no bound that fuel sees (a list repeated lazily, `[x] * n`, is as long as `n`
/// says), so a template joins it first (`| join(", ")`), which minijinja charges for.
fn text<'a>(
    state: &State,
    filter: &str,
    value: &'a Value,
) -> std::result::Result<std::borrow::Cow<'a, str>, minijinja::Error> {
    use minijinja::value::ValueKind;
    let text: std::borrow::Cow<'a, str> = match value.kind() {
        ValueKind::Undefined | ValueKind::None => "".into(),
        ValueKind::String => value.as_str().unwrap_or_default().into(),
        ValueKind::Number | ValueKind::Bool => value.to_string().into(),
        kind => {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "`{filter}` takes text, not a {kind}; join it first, e.g. `| join(\", \") | {filter}`"
                ),
            ));
        }
    };
    charge(state, text.len())?;
    Ok(text)
}

fn environment(templates: Templates, portfolio: &Portfolio) -> Environment<'static> {
    let mut env = Environment::new();
    let mut syntax = minijinja::syntax::SyntaxConfig::builder();
    syntax
        .keep_trailing_newline(true)
        .trim_blocks(true)
        .lstrip_blocks(true);
    env.set_syntax(syntax.build().expect("the default delimiters are valid"));
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(
        FUEL + FUEL_PER_INITIATIVE * portfolio.initiatives.len() as u64,
    ));
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_loader(move |name| Ok(templates.get(name)));
    env.add_filter("md", |state: &State, value: Value| {
        Ok(markdown_inline(&text(state, "md", &value)?))
    });
    env.add_filter("cell", |state: &State, value: Value| {
        let cell = markdown_inline(&text(state, "cell", &value)?);
        Ok(if cell.is_empty() {
            "-".to_owned()
        } else {
            cell
        })
    });
    env.add_filter("code", |state: &State, value: Value| {
        Ok(code(&text(state, "code", &value)?))
    });
    env.add_filter("mermaid_label", |state: &State, value: Value| {
        Ok(mermaid_label(&text(state, "mermaid_label", &value)?))
    });
    env.add_filter("bar", |value: Value| {
        progress_bar(f64::try_from(value).ok())
    });
    env.add_filter("percent", |value: Value| {
        crate::text::percent(f64::try_from(value).ok())
    });
    env.add_filter("score", |value: Value| {
        crate::text::score(f64::try_from(value).unwrap_or(0.0))
    });
    env.add_filter("num", |state: &State, value: Value| {
        match f64::try_from(value.clone()) {
            Ok(n) => Ok(number(n)),
            Err(_) => Ok(text(state, "num", &value)?.into_owned()),
        }
    });
    let (max_impact, max_cost) = (
        portfolio.config.scales.impact.max(),
        portfolio.config.scales.cost.max(),
    );
    env.add_filter("quadrant_chart", move |state: &State, items: Value| {
        // Only the items the chart shows are read: a list repeated lazily is never made whole.
        let items: Vec<Value> = items.try_iter()?.take(CHART_LIMIT).collect();
        for item in &items {
            let title = item.get_attr("title").unwrap_or_default();
            charge(state, title.as_str().map_or(0, str::len))?;
        }
        Ok(quadrant_chart(&items, max_impact, max_cost))
    });
    env
}

/// What all documents together may weigh: far more than any portfolio's documents need. The
/// budget is of all of them, not of each: finished documents are held until every one is
/// rendered, and then written, so a bound per document would let many small themes add up to
/// gigabytes in memory and on disk.
const OUTPUT_LIMIT: usize = 16 << 20;
const OUTPUT_PER_INITIATIVE: usize = 16 << 10;
/// What all renderings together may hold at once, beyond what okr held before.
const MEMORY_LIMIT: usize = 48 << 20;
const MEMORY_PER_INITIATIVE: usize = 32 << 10;

/// A document in the making, refused once all documents together pass the output limit: the
/// engine counts what it writes only after each step, and one step can write a value of any
/// size. Documents render side by side, so the count is shared and charged as bytes come.
struct LimitedOutput<'a> {
    bytes: Vec<u8>,
    /// Bytes written by every document so far.
    total: &'a AtomicUsize,
    limit: usize,
    /// Set when this document's write passed the limit.
    over: bool,
}

impl std::io::Write for LimitedOutput<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let before = self.total.fetch_add(buf.len(), Ordering::Relaxed);
        if before.saturating_add(buf.len()) > self.limit {
            self.over = true;
            return Err(std::io::Error::other("the documents are too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn template_error(name: &str, error: &minijinja::Error) -> Error {
    let mut message = match error.kind() {
        ErrorKind::UndefinedError => format!("undefined value: {}", error.detail().unwrap_or("")),
        ErrorKind::OutOfFuel => "the template does too much work; it may loop for ever".to_owned(),
        _ => error.to_string(),
    };
    let at = error.name().unwrap_or(name);
    if let Some(line) = error.line() {
        message = format!("line {line} of `{at}`: {message}");
    }
    Error::Template {
        name: name.to_owned(),
        message,
    }
}

/// Renders every document in memory: (file name, contents), `README.md` first.
pub fn render(
    portfolio: &Portfolio,
    templates: Templates,
    history: Option<&History>,
) -> Result<Vec<(String, String)>> {
    let env = environment(templates, portfolio);
    let values: Vec<Value> = portfolio
        .initiatives
        .par_iter()
        .enumerate()
        .map(|(at, _)| {
            Value::from_object(LazyInitiative::new(
                std::sync::Arc::clone(&portfolio.initiatives),
                at,
            ))
        })
        .collect();
    let by_id: HashMap<&str, Value> = portfolio
        .initiatives
        .iter()
        .map(|r| r.initiative.id.as_str())
        .zip(values.iter().cloned())
        .collect();
    let objectives: Vec<Value> = portfolio
        .themes
        .par_iter()
        .map(|t| Value::from(Serde(&objective_view(t, &by_id, history))))
        .collect();
    let orphans: Vec<Value> = portfolio
        .initiatives
        .iter()
        .zip(&values)
        .filter(|(r, _)| r.themes.is_empty())
        .map(|(_, value)| value.clone())
        .collect();
    let team = Value::from(Serde(&TeamView {
        name: portfolio.config.team.clone(),
        period: portfolio.config.period.clone(),
        formula: portfolio.config.formula.source().to_owned(),
    }));
    // Fuel bounds a template's steps; these bound what it writes and what it holds.
    let initiatives = portfolio.initiatives.len();
    let output_limit = OUTPUT_LIMIT + OUTPUT_PER_INITIATIVE * initiatives;
    crate::memory::set_limit(MEMORY_LIMIT + MEMORY_PER_INITIATIVE * initiatives);
    let total = AtomicUsize::new(0);
    let render = |name: &'static str, context: Value| -> Result<String> {
        let template = env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        let mut out = LimitedOutput {
            bytes: Vec::new(),
            total: &total,
            limit: output_limit,
            over: false,
        };
        let rendered =
            crate::memory::scope(name, || template.render_captured_to(context, &mut out));
        match rendered {
            Ok(_) => String::from_utf8(out.bytes).map_err(|_| Error::Template {
                name: name.to_owned(),
                message: "the template wrote text that is not UTF-8".to_owned(),
            }),
            Err(_) if out.over => Err(Error::Template {
                name: name.to_owned(),
                message: format!(
                    "the documents would be over {} MiB together; the template writes without \
                     bound (a long loop, a repeated string, or many themes each writing much)",
                    output_limit >> 20
                ),
            }),
            Err(e) => Err(template_error(name, &e)),
        }
    };
    // The documents are independent: render them on all cores, in a stable order, the index
    // beside the objectives.
    let count = objectives.len();
    let (index, documents) = rayon::join(
        || {
            render(
                "index.md.j2",
                minijinja::context! {
                    team => team.clone(),
                    objectives => Value::from(objectives.clone()),
                    initiatives => Value::from(values.clone()),
                    orphans => Value::from(orphans),
                },
            )
        },
        || {
            portfolio
                .themes
                .par_iter()
                .zip(objectives.par_iter())
                .map(|(theme, objective)| {
                    let text = render(
                        "objective.md.j2",
                        minijinja::context! {
                            team => team.clone(),
                            objective => objective.clone(),
                            objectives_count => count,
                        },
                    )?;
                    Ok((format!("{}.md", theme.theme.id), text))
                })
                .collect::<Result<Vec<(String, String)>>>()
        },
    );
    let (index, documents) = (index?, documents?);
    let mut all = vec![("README.md".to_owned(), index)];
    all.extend(documents);
    Ok(all)
}

/// What to do with one document's destination.
enum Plan {
    /// Nothing is there, or a file okr wrote: write it, with the mode of the file it replaces.
    Write(Option<u32>),
    /// The file already holds these bytes; `ours` when the proof says okr wrote them. A file
    /// that only happens to hold them is left alone and never becomes okr's.
    Keep { ours: bool },
}

/// Writes rendered documents into the folder `dir` (which exists and has been checked), all or
/// none, and removes documents that okr wrote there before whose theme is gone. `root` is the
/// repository's root: where the proof of what okr wrote is kept, and what names are shown from.
///
/// okr replaces or removes only a regular file that holds exactly bytes it recorded when it
/// wrote them (a record kept outside the repository's files, under `.git/okr/`); anything else
/// at a document's name (a file of the user's, a file edited since, a link, a FIFO, a folder)
/// stops the render before anything is written.
/// Every document is written to a temporary file first and renamed into place only once all of
/// them are written.
pub fn write(root: &Path, dir: &Path, documents: &[(String, String)]) -> Result<Vec<String>> {
    let canonical = dir.canonicalize().map_err(|e| Error::io("open", dir, e))?;
    let mut proof = Proof::load(root, &canonical);
    // Temporaries that a killed run recorded and left; never a file that only looks like one.
    let leftovers: Vec<String> = proof.pending().map(str::to_owned).collect();
    for name in leftovers {
        let path = dir.join(&name);
        if output::is_stale_temporary(dir, &name) {
            // Another run may have removed it first.
            let _ = fs::remove_file(&path);
        }
        if output::existing(&path)? == output::Existing::Absent {
            proof.settle(&name);
        }
    }
    let shown = |name: &str| {
        let path = dir.join(name);
        path.strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string()
    };
    let mut plans = Vec::with_capacity(documents.len());
    let mut refused = Vec::new();
    for (name, text) in documents {
        let path = dir.join(name);
        let plan = match output::existing(&path)? {
            output::Existing::Absent => Plan::Write(None),
            output::Existing::File { len, .. }
                if len == text.len() as u64 && output::holds(&path, text.as_bytes()) =>
            {
                Plan::Keep {
                    ours: proof.holds_written(dir, name),
                }
            }
            output::Existing::File { mode, .. } if proof.holds_written(dir, name) => {
                Plan::Write(Some(mode))
            }
            output::Existing::File { .. } => {
                let why = if proof.names().any(|n| n == name) {
                    "it changed since okr wrote it"
                } else {
                    "okr did not write it"
                };
                refused.push(format!("`{}`: {why}", shown(name)));
                continue;
            }
            output::Existing::Other(what) => {
                refused.push(format!("`{}`: it is {what}", shown(name)));
                continue;
            }
        };
        plans.push(plan);
    }
    if !refused.is_empty() {
        return Err(Error::usage(format!(
            "render would replace {} file(s) that are not okr's, so nothing was written:\n  {}\n\
             help: okr replaces only what it wrote; move these away (or render elsewhere with \
             `--out`), then run okr render again",
            refused.len(),
            refused.join("\n  ")
        )));
    }
    // Every document to a temporary first: a failure here leaves the old set whole. Each
    // temporary is created empty and recorded before a byte is written, so that a run killed
    // at any point leaves only temporaries that the next run can prove are okr's.
    let mut staged = Vec::new();
    for ((name, _), plan) in documents.iter().zip(&plans) {
        if let Plan::Write(mode) = plan {
            staged.push(output::stage_empty(&dir.join(name), *mode)?);
        }
    }
    for file in &staged {
        proof.pend(file.temporary_name());
    }
    proof.save(&canonical)?;
    let written = documents
        .iter()
        .zip(&plans)
        .filter(|(_, plan)| matches!(plan, Plan::Write(_)));
    for (file, ((_, text), _)) in staged.iter_mut().zip(written) {
        file.fill(text.as_bytes())?;
    }
    // okr's documents: those it writes now and those it had already written.
    let ours: BTreeSet<&str> = documents
        .iter()
        .zip(&plans)
        .filter(|(_, plan)| matches!(plan, Plan::Write(_) | Plan::Keep { ours: true }))
        .map(|((name, _), _)| name.as_str())
        .collect();
    // The proof holds old and new bytes while they are swapped, so a run killed half-way
    // leaves every document provably okr's.
    for (name, text) in documents {
        if ours.contains(name.as_str()) {
            proof.record(name, text.as_bytes(), false);
        }
    }
    proof.save(&canonical)?;
    let temporaries: Vec<String> = staged.iter().map(output::Staged::temporary_name).collect();
    for file in staged {
        file.commit()?;
    }
    for temporary in &temporaries {
        proof.settle(temporary);
    }
    let current: BTreeSet<&str> = documents.iter().map(|(n, _)| n.as_str()).collect();
    let gone: Vec<String> = proof
        .names()
        .filter(|name| !current.contains(name))
        .map(str::to_owned)
        .collect();
    let mut removed = Vec::new();
    for name in gone {
        let path = dir.join(&name);
        if output::is_plain_file_name(&name)
            && name.ends_with(".md")
            && proof.holds_written(dir, &name)
        {
            match fs::remove_file(&path) {
                Ok(()) => removed.push(name.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("remove", &path, e)),
            }
        }
        // Removed, or changed since and so no longer okr's: either way the proof lets it go
        // below, where it keeps only this render's documents.
    }
    for (name, text) in documents {
        if ours.contains(name.as_str()) {
            proof.record(name, text.as_bytes(), true);
        }
    }
    proof.retain(&ours);
    proof.save(&canonical)?;
    Ok(removed)
}

/// History for the key-result charts: `None` where there is none to read (no commits yet), an
/// error where it cannot be read (a shallow clone); the documents are then rendered without
/// charts.
pub fn history_for_charts(
    repo: &Repo,
    rev: Option<&str>,
    config: &crate::config::Config,
) -> Result<Option<History>> {
    if rev.is_none() && repo.head().is_none() {
        return Ok(None);
    }
    // Only theme key results are charted, so only the themes folder needs walking.
    history::load_dirs(repo, rev, &[config.paths.themes.as_str()]).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lazy map templates see holds exactly the fields, in order, and the values that the
    /// view's serde form holds.
    #[test]
    fn an_initiative_reads_as_its_serde_form() {
        use crate::model::{Initiative, Level, Status};
        let level = |name: &str, value: f64| Level {
            name: name.into(),
            value,
        };
        let ranked = Ranked {
            initiative: Initiative {
                id: "a".into(),
                file: "initiatives/a.toml".into(),
                title: "T".into(),
                problem: "P".into(),
                outcome: Some("  ".into()),
                owner: "o".into(),
                supporters: vec!["s".into()],
                tags: vec!["ci".into()],
                impact: level("high", 3.0),
                cost: level("s", 2.0),
                confidence: level("high", 1.0),
                status: Status::Active,
                period: Some("2026-Q1".into()),
                depends_on: vec![],
                links: vec!["https://x".into()],
                key_results: vec![KeyResult {
                    title: "k".into(),
                    unit: None,
                    measure: Measure::Numeric {
                        baseline: 1.0,
                        target: 2.0,
                        current: 1.5,
                    },
                }],
            },
            score: 1.5,
            rank: 1,
            themes: vec!["t".into()],
            progress: Some(0.5),
        };
        let view = initiative_view(&ranked);
        let serde = Value::from(Serde(&view));
        let lazy = Value::from_object(LazyInitiative::new(std::sync::Arc::new(vec![ranked]), 0));
        let keys =
            |v: &Value| -> Vec<String> { v.try_iter().unwrap().map(|k| k.to_string()).collect() };
        assert_eq!(keys(&lazy), keys(&serde));
        for key in keys(&serde) {
            assert_eq!(
                lazy.get_attr(&key).unwrap(),
                serde.get_attr(&key).unwrap(),
                "{key}"
            );
        }
    }

    #[test]
    fn chart_labels_are_quoted_and_coordinates_parse() {
        let items: Vec<Value> = (1..=8)
            .map(|rank| {
                minijinja::context! {
                    rank => rank,
                    title => "quadrant-1 x-axis --> \"y\"",
                    impact_value => 5.0,
                    cost_value => 8.0,
                }
            })
            .collect();
        let chart = quadrant_chart(&items, 5.0, 8.0);
        let points: Vec<&str> = chart.lines().skip(7).collect();
        assert_eq!(points.len(), 8);
        for point in points {
            assert!(point.starts_with("    \""), "{point}");
            assert!(!point.contains("1.000"), "{point}");
        }
        assert!(chart.contains("\"1 quadrant-1 x-axis -- y\": [0.950, 0.950]"));
    }

    #[test]
    fn template_names_stay_in_the_folder() {
        let templates = Templates::default();
        assert!(templates.get("index.md.j2").is_some());
        for name in ["../index.md.j2", "/etc/passwd", "a/b", ".hidden", "..", ""] {
            assert!(templates.get(name).is_none(), "{name}");
        }
    }
}
