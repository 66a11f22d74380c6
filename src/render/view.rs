//! The values templates see: the team, each objective (a theme) with its key results, and each
//! initiative, read in place from the portfolio.

use std::collections::HashMap;

use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::chart::{CHART_POINTS, PointView, per_day, xychart};
use crate::history::{History, Series};
use crate::model::{Checkin, Closed, Health, KeyResult, Measure};
use crate::portfolio::{Ranked, RankedTheme};

/// Optional text that is only whitespace counts as absent, so a template's `{% if %}` does not
/// write an empty paragraph or a stray space.
fn not_blank(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty()).map(str::to_owned)
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct KeyResultView {
    title: String,
    unit: Option<String>,
    kind: &'static str,
    baseline: Option<f64>,
    target: Option<f64>,
    current: Option<f64>,
    done: Option<bool>,
    progress: f64,
    /// Whether its progress trails the pace (the share of the period elapsed) by more than
    /// [`BEHIND_PACE`]; false when no period is in view.
    behind_pace: bool,
    /// `current` over time from git history, one value a day (its last), oldest first; empty
    /// without history.
    history: Vec<PointView>,
    /// A Mermaid `xychart-beta` of `history`, when it has two points or more.
    chart: Option<String>,
}

/// How far progress may trail the pace before a document calls it behind.
const BEHIND_PACE: f64 = 0.25;

/// Whether `progress` trails `pace` (the share of the period elapsed) by more than
/// [`BEHIND_PACE`].
fn behind(progress: Option<f64>, pace: Option<f64>) -> bool {
    matches!((progress, pace), (Some(progress), Some(pace)) if pace - progress > BEHIND_PACE + 1e-9)
}

/// A key result as the documents show it; `history` gives its values over time, `pace` the
/// share of the period elapsed (none for the org's documents, which hold no date).
pub(super) fn key_result_view(
    kr: &KeyResult,
    history: Option<&[Series]>,
    pace: Option<f64>,
) -> KeyResultView {
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
    let mut points = per_day(points);
    let start = points.len().saturating_sub(CHART_POINTS);
    let points = points.split_off(start);
    let chart = (points.len() >= 2 && kind == "numeric")
        .then(|| xychart(&kr.title, kr.unit.as_deref(), &points, baseline, target));
    KeyResultView {
        title: kr.title.clone(),
        unit: not_blank(kr.unit.as_deref()),
        kind,
        baseline,
        target,
        current,
        done,
        progress: kr.progress(),
        behind_pace: behind(Some(kr.progress()), pace),
        history: points,
        chart,
    }
}

/// What templates see of an initiative: one of the portfolio's ranked initiatives, read in
/// place. Each field becomes a value only when a template reads it: most initiatives appear in
/// one or two documents and only a few of their fields are read, so converting every
/// initiative up front (a third of a large render's time and memory) is waste. A field reads
/// as it would in the tests' `InitiativeView`, the same initiative written out.
///
/// A field is made once and kept: a value is shared, not copied, each time it is read again, so
/// reading a large field in a loop costs what the loop's steps cost (which fuel bounds), not
/// the field's size each time.
#[derive(Debug)]
pub(super) struct LazyInitiative {
    shared: std::sync::Arc<Shared>,
    at: usize,
    /// Each of [`INITIATIVE_FIELDS`], once read.
    fields: [std::sync::OnceLock<Value>; INITIATIVE_FIELDS.len()],
}

/// What every initiative's view reads besides its own fields: all the initiatives in view (for
/// its dependencies) and the pace its key results are held to.
#[derive(Debug)]
pub(super) struct Shared {
    all: std::sync::Arc<Vec<Ranked>>,
    /// Each initiative's place in `all`, by id.
    at: HashMap<String, usize>,
    pace: Option<f64>,
}

impl Shared {
    pub(super) fn new(all: std::sync::Arc<Vec<Ranked>>, pace: Option<f64>) -> Shared {
        let at = all
            .iter()
            .enumerate()
            .map(|(at, r)| (r.initiative.id.clone(), at))
            .collect();
        Shared { all, at, pace }
    }
}

/// A fragment a link can point at and an HTML `id` can hold: an id with anything but ASCII
/// letters, digits, `-` and `_` replaced by `-` (ids are kebab-case already; this only keeps a
/// bad one from breaking the document).
pub(super) fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// An initiative that another depends on, as templates see it: `id`, `anchor`, and where it is
/// in view, its `title`, `status` and `themes` (none, and an empty list, where it is not).
#[derive(Debug, Clone, Serialize)]
struct DependencyView {
    id: String,
    anchor: String,
    title: Option<String>,
    status: Option<&'static str>,
    themes: Vec<String>,
}

impl LazyInitiative {
    pub(super) fn new(shared: std::sync::Arc<Shared>, at: usize) -> LazyInitiative {
        LazyInitiative {
            shared,
            at,
            fields: std::array::from_fn(|_| std::sync::OnceLock::new()),
        }
    }

    fn field(&self, key: &str) -> Option<Value> {
        let r = &self.shared.all[self.at];
        let i = &r.initiative;
        let pace = self.shared.pace;
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
            "dependencies" => {
                let views: Vec<DependencyView> = i
                    .depends_on
                    .iter()
                    .map(|id| dependency_view(&self.shared, id))
                    .collect();
                Value::from(Serde(&views))
            }
            "links" => strings(&i.links),
            "key_results" => {
                let views: Vec<KeyResultView> = i
                    .key_results
                    .iter()
                    .map(|kr| key_result_view(kr, None, pace))
                    .collect();
                Value::from(Serde(&views))
            }
            "checkin" => Value::from(i.checkin.as_ref().map(Serde)),
            "closed" => Value::from(Serde(&i.closed)),
            "health" => Value::from(health(i.checkin.as_ref()).map(Health::as_str)),
            "score" => Value::from(r.score),
            "rank" => Value::from(r.rank),
            "themes" => strings(&r.themes),
            "progress" => Value::from(r.progress),
            "file" => Value::from(i.file.as_str()),
            "anchor" => Value::from(anchor(&i.id)),
            _ => return None,
        })
    }
}

fn dependency_view(shared: &Shared, id: &str) -> DependencyView {
    let found = shared.at.get(id).map(|&at| &shared.all[at]);
    DependencyView {
        id: id.to_owned(),
        anchor: anchor(id),
        title: found.map(|r| r.initiative.title.clone()),
        status: found.map(|r| r.initiative.status.as_str()),
        themes: found.map(|r| r.themes.clone()).unwrap_or_default(),
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

/// What templates see of an initiative, in order: `id`, the keys of its file
/// ([`INITIATIVE_KEYS`](crate::model::INITIATIVE_KEYS)) with each level's number after its name
/// (`impact_value`), the initiatives it depends on after `depends_on` (`dependencies`) and the
/// check-in's health after `checkin` (`health`), what
/// ranking adds, `file`, and `anchor` (its section's link fragment). Spelt out because templates depend on these names; a test derives the
/// list from the file's keys, so a key added there cannot be missed here.
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
    "dependencies",
    "links",
    "checkin",
    "health",
    "key_results",
    "closed",
    "score",
    "rank",
    "themes",
    "progress",
    "file",
    "anchor",
];

#[derive(Debug, Clone, Serialize)]
pub(super) struct ObjectiveView {
    id: String,
    title: String,
    why: Option<String>,
    owner: Option<String>,
    tags: Vec<String>,
    /// `committed` (expected to reach 1.0) or `aspirational` (a success at 0.7).
    commitment: &'static str,
    /// Its `[[closed]]` records, as the file holds them (oldest first).
    closed: Vec<Closed>,
    score: f64,
    /// The sum of its open members' cost numbers.
    load: f64,
    rank: usize,
    progress: Option<f64>,
    /// Whether its progress trails the pace by more than [`BEHIND_PACE`].
    behind_pace: bool,
    /// The theme's last check-in, when there is one.
    checkin: Option<Checkin>,
    /// The health that check-in gives, when it gives one.
    health: Option<Health>,
    key_results: Vec<KeyResultView>,
    /// Member initiatives in rank order, the done and dropped ones last (each converted once,
    /// shared by every document).
    initiatives: Vec<Value>,
    /// Of those, the open ones (ranked), the done ones and the dropped ones.
    open: Vec<Value>,
    delivered: Vec<Value>,
    dropped: Vec<Value>,
    file: String,
}

pub(super) fn objective_view(
    theme: &RankedTheme,
    initiatives: &HashMap<&str, Value>,
    history: Option<&History>,
    pace: Option<f64>,
) -> ObjectiveView {
    let series = history
        .and_then(|h| h.files.get(&theme.theme.file))
        .map(|f| f.key_results.as_slice());
    let members: Vec<Value> = theme
        .initiatives
        .iter()
        .filter_map(|id| initiatives.get(id.as_str()).cloned())
        .collect();
    let (open, delivered, dropped) = by_status(&members);
    ObjectiveView {
        id: theme.theme.id.clone(),
        title: theme.theme.title.clone(),
        why: not_blank(theme.theme.why.as_deref()),
        owner: theme.theme.owner.clone(),
        tags: theme.theme.tags.clone(),
        commitment: theme.theme.commitment.as_str(),
        closed: theme.theme.closed.clone(),
        score: theme.score,
        load: theme.load,
        rank: theme.rank,
        progress: theme.progress,
        behind_pace: behind(theme.progress, pace),
        checkin: theme.theme.checkin.clone(),
        health: health(theme.theme.checkin.as_ref()),
        key_results: theme
            .theme
            .key_results
            .iter()
            .map(|kr| key_result_view(kr, series, pace))
            .collect(),
        initiatives: members,
        open,
        delivered,
        dropped,
        file: theme.theme.file.clone(),
    }
}

/// The health of a last check-in, when there is one and it gives one.
fn health(checkin: Option<&Checkin>) -> Option<Health> {
    checkin.and_then(|c| c.health)
}

/// Initiatives split by their `status`: the open ones, the done ones and the dropped ones,
/// each in the order given.
pub(super) fn by_status(initiatives: &[Value]) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    let (mut open, mut delivered, mut dropped) = (Vec::new(), Vec::new(), Vec::new());
    for value in initiatives {
        let status = value.get_attr("status").ok();
        match status.as_ref().and_then(Value::as_str) {
            Some("done") => delivered.push(value.clone()),
            Some("dropped") => dropped.push(value.clone()),
            _ => open.push(value.clone()),
        }
    }
    (open, delivered, dropped)
}

/// The most recent period that any objective's `[[closed]]` records hold, and each objective's
/// grade in it, in rank order: the overview's "last period" line.
#[derive(Debug, Clone, Serialize)]
pub(super) struct LastPeriodView {
    period: String,
    grades: Vec<GradeView>,
}

#[derive(Debug, Clone, Serialize)]
struct GradeView {
    id: String,
    title: String,
    grade: Option<f64>,
    outcome: &'static str,
}

/// The last closed period of `themes` (the one that ends last; of two that end together, the
/// shorter), or none when no theme has a record. A record whose period does not parse is
/// passed over (the checks report it).
pub(super) fn last_period(themes: &[RankedTheme]) -> Option<LastPeriodView> {
    let last = themes
        .iter()
        .flat_map(|t| &t.theme.closed)
        .filter_map(|c| crate::period::Period::parse(&c.period))
        .max_by_key(|p| {
            let (first, last) = p.days();
            (last, first)
        })?;
    let period = last.to_string();
    let grades = themes
        .iter()
        .filter_map(|t| {
            // The last record of the period, should a file hold two.
            let record = t.theme.closed.iter().rev().find(|c| c.period == period)?;
            Some(GradeView {
                id: t.theme.id.clone(),
                title: t.theme.title.clone(),
                grade: record.grade,
                outcome: record.outcome.as_str(),
            })
        })
        .collect();
    Some(LastPeriodView { period, grades })
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct TeamView {
    pub(super) name: String,
    pub(super) period: Option<String>,
    pub(super) formula: String,
    /// The day the documents describe, `YYYY-MM-DD`.
    pub(super) as_of: String,
    /// The share of the period in view elapsed on `as_of` (0 to 1); none for all periods.
    pub(super) pace: Option<f64>,
}

/// How many initiatives in view have a status, for each status that any has, in the order of
/// [`Status::ALL`](crate::model::Status::ALL).
#[derive(Debug, Clone, Serialize)]
pub(super) struct StatusCount {
    pub(super) status: &'static str,
    pub(super) count: usize,
}

pub(super) fn status_counts(initiatives: &[Ranked]) -> Vec<StatusCount> {
    crate::model::Status::ALL
        .iter()
        .map(|&status| StatusCount {
            status: status.as_str(),
            count: initiatives
                .iter()
                .filter(|r| r.initiative.status == status)
                .count(),
        })
        .filter(|c| c.count > 0)
        .collect()
}

#[cfg(test)]
mod tests;
