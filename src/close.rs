//! `okr close PERIOD`: the grades of a period, recorded in each file it graded, and the open
//! work carried into the next period or dropped.
//!
//! The plan is worked out in full before anything is written: which files change and to what
//! text. Writing it is the caller's, all files or none.

use std::collections::{BTreeMap, BTreeSet};

use toml_edit::{ArrayOfTables, Item, Table, Value};

use crate::edit::{self, Keys};
use crate::finding::did_you_mean;
use crate::model::{Closed, Commitment, Initiative, KeyResult, Kind, Outcome, Status, Theme};
use crate::period::Period;
use crate::portfolio::Portfolio;

/// A grade below this is `missed`: the work made no real progress (0.0 to 0.3).
const MISSED_BELOW: f64 = 0.4;

/// What `okr close` is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub period: Period,
    pub next: Option<Period>,
    /// With `next`: the only open initiatives to carry over; the rest are dropped. Empty:
    /// carry every open initiative.
    pub carry: &'a [String],
}

/// Why a close cannot be planned as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CloseError {
    #[error(
        "nothing is planned in `{period}`: it is not the team's period{current}, and no \
         initiative's period falls in it\nhelp: {help}"
    )]
    UnknownPeriod {
        period: Period,
        current: String,
        help: String,
    },
    #[error(
        "`--to {next}` does not come after `{period}`: the next period begins after the closed \
         one ends\nhelp: close `{period}` into a later period, e.g. `--to {after}`"
    )]
    NextNotAfter {
        period: Period,
        next: Period,
        after: Period,
    },
    #[error(
        "`--to {next}` is before the team's period `{current}`: carried work would land in a \
         period that is over, and the team's period would go back\nhelp: carry it into \
         `{current}` or later, e.g. `--to {current}`"
    )]
    NextBeforeCurrent { next: Period, current: Period },
    #[error("`--carry {id}`: {why}\nhelp: {help}")]
    Carry {
        id: String,
        why: String,
        help: String,
    },
    #[error("`{file}` cannot be edited: {why}; fix it (see `okr check`)")]
    Unreadable { file: String, why: String },
}

/// Where an initiative goes when the period closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Next {
    /// Its period becomes the next one.
    Carried,
    /// Its status becomes `dropped`.
    Dropped,
}

/// One graded objective or initiative.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Graded {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    pub file: String,
    pub owner: Option<String>,
    /// Themes only.
    pub commitment: Option<Commitment>,
    /// None for dropped work.
    pub grade: Option<f64>,
    pub outcome: Outcome,
    /// False when the file already held this period's record: a close run before.
    pub recorded: bool,
    pub next: Option<Next>,
}

impl Graded {
    /// An objective that fell short of what its commitment expects: a committed one below 1.0
    /// (a postmortem is due), an aspirational one below 0.7.
    pub fn short(&self) -> bool {
        match (self.commitment, self.grade) {
            (Some(commitment), Some(grade)) => grade < commitment.success(),
            _ => false,
        }
    }
}

/// The whole close: every grade, and every file's new text.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Objectives first, by id; then initiatives, by id.
    pub graded: Vec<Graded>,
    /// Themes with neither key results nor graded initiatives: nothing to grade them by.
    pub ungraded: Vec<String>,
    /// Repo-relative path and new text of each file that changes, by path.
    pub edits: BTreeMap<String, String>,
}

/// A number rounded to one decimal, as grades are.
pub fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// A key result's grade: its progress rounded to one decimal (a milestone is 0 or 1).
pub fn key_result_grade(key_result: &KeyResult) -> f64 {
    round(key_result.progress())
}

/// The mean of the key results' grades, rounded; `None` without key results.
fn key_results_grade(key_results: &[KeyResult]) -> Option<f64> {
    if key_results.is_empty() {
        return None;
    }
    let sum: f64 = key_results.iter().map(key_result_grade).sum();
    Some(round(sum / key_results.len() as f64))
}

/// An initiative's grade: none when dropped; else the mean of its key results' grades; without
/// key results, 1.0 when done and 0.0 when open.
pub fn initiative_grade(initiative: &Initiative) -> Option<f64> {
    match initiative.status {
        Status::Dropped => None,
        status => key_results_grade(&initiative.key_results).or(Some(if status == Status::Done {
            1.0
        } else {
            0.0
        })),
    }
}

/// The outcome of a grade held to `success` (1.0, or 0.7 for an aspirational objective).
/// Grades are rounded to one decimal ([`round`]), so they compare exactly: `round` of 0.7 is
/// the same number as `0.7`.
pub fn outcome(grade: Option<f64>, success: f64) -> Outcome {
    match grade {
        None => Outcome::Dropped,
        Some(grade) if grade >= success => Outcome::Achieved,
        Some(grade) if grade >= MISSED_BELOW => Outcome::Partial,
        Some(_) => Outcome::Missed,
    }
}

/// Whether an initiative belongs to the close of `period`: its own period lies within it, or
/// it has none (it belongs to every period) and was not closed before: done or dropped with a
/// record of an earlier close. (Carrying gives work a period, so open work without one was
/// never carried.)
fn of_period(initiative: &Initiative, period: Period) -> bool {
    match initiative.period.as_deref().and_then(Period::parse) {
        Some(own) => own.within(period),
        None => {
            initiative.status.is_open()
                || !initiative
                    .closed
                    .iter()
                    .any(|c| c.period != period.to_string())
        }
    }
}

/// The record a file holds for `period`, if a close wrote one.
fn record_of(closed: &[Closed], period: Period) -> Option<&Closed> {
    let name = period.to_string();
    closed.iter().find(|c| c.period == name)
}

/// Plans the close of `request.period` over a sound portfolio of every period (`View::All`).
/// `text` gives a file's current text by its repo-relative path.
pub fn plan(
    portfolio: &Portfolio,
    current: Option<Period>,
    request: &Request,
    mut text: impl FnMut(&str) -> Option<String>,
) -> Result<Plan, CloseError> {
    let period = request.period;
    let name = period.to_string();
    let initiatives: Vec<&Initiative> = portfolio
        .initiatives
        .iter()
        .map(|r| &r.initiative)
        .filter(|i| of_period(i, period) || record_of(&i.closed, period).is_some())
        .collect();
    let known = current == Some(period)
        || initiatives.iter().any(|i| i.period.is_some())
        || portfolio
            .themes
            .iter()
            .any(|t| record_of(&t.theme.closed, period).is_some());
    if !known {
        return Err(unknown_period(portfolio, current, period));
    }
    if let Some(next) = request.next
        && !period.ended_before(next)
    {
        return Err(CloseError::NextNotAfter {
            period,
            next,
            after: period.following(),
        });
    }
    if let (Some(next), Some(current)) = (request.next, current)
        && next.ended_before(current)
    {
        return Err(CloseError::NextBeforeCurrent { next, current });
    }
    check_carry(&initiatives, request)?;

    let mut graded = Vec::new();
    let mut edits = BTreeMap::new();
    let mut grades: BTreeMap<&str, Option<f64>> = BTreeMap::new();
    for initiative in &initiatives {
        let existing = record_of(&initiative.closed, period);
        let grade = match existing {
            Some(record) => record.grade,
            None => initiative_grade(initiative),
        };
        grades.insert(initiative.id.as_str(), grade);
        let next = match request.next {
            Some(_) if initiative.status.is_open() => Some(
                if request.carry.is_empty() || request.carry.contains(&initiative.id) {
                    Next::Carried
                } else {
                    Next::Dropped
                },
            ),
            _ => None,
        };
        let outcome = existing.map_or_else(|| outcome(grade, 1.0), |r| r.outcome);
        let mut edited = Edited::new(&initiative.file, &mut text)?;
        if existing.is_none() {
            edited.append(&name, grade, outcome);
        }
        match (next, request.next) {
            (Some(Next::Carried), Some(to)) => {
                edited.set("period", Value::from(to.to_string()));
            }
            (Some(Next::Dropped), _) => edited.set("status", Value::from("dropped")),
            _ => {}
        }
        edited.finish(&mut edits);
        graded.push(Graded {
            kind: Kind::Initiative,
            id: initiative.id.clone(),
            title: initiative.title.clone(),
            file: initiative.file.clone(),
            owner: Some(initiative.owner.clone()),
            commitment: None,
            grade,
            outcome,
            recorded: existing.is_none(),
            next,
        });
    }

    let mut themed = Vec::new();
    let mut ungraded = Vec::new();
    for ranked in &portfolio.themes {
        let theme = &ranked.theme;
        let existing = record_of(&theme.closed, period);
        let grade = match existing {
            Some(record) => record.grade,
            None => match theme_grade(theme, &ranked.initiatives, &grades) {
                Some(grade) => Some(grade),
                None => {
                    ungraded.push(theme.id.clone());
                    continue;
                }
            },
        };
        let outcome =
            existing.map_or_else(|| outcome(grade, theme.commitment.success()), |r| r.outcome);
        if existing.is_none() {
            let mut edited = Edited::new(&theme.file, &mut text)?;
            edited.append(&name, grade, outcome);
            edited.finish(&mut edits);
        }
        themed.push(Graded {
            kind: Kind::Theme,
            id: theme.id.clone(),
            title: theme.title.clone(),
            file: theme.file.clone(),
            owner: theme.owner.clone(),
            commitment: Some(theme.commitment),
            grade,
            outcome,
            recorded: existing.is_none(),
            next: None,
        });
    }
    themed.sort_by(|a, b| a.id.cmp(&b.id));
    graded.sort_by(|a, b| a.id.cmp(&b.id));
    themed.extend(graded);
    Ok(Plan {
        graded: themed,
        ungraded,
        edits,
    })
}

/// A theme's grade: the mean of its key results' grades; without key results, the mean of its
/// graded members' grades (dropped work aside), rounded. `None` when neither gives one.
fn theme_grade(
    theme: &Theme,
    members: &[String],
    grades: &BTreeMap<&str, Option<f64>>,
) -> Option<f64> {
    if let Some(grade) = key_results_grade(&theme.key_results) {
        return Some(grade);
    }
    let of_members: Vec<f64> = members
        .iter()
        .filter_map(|id| grades.get(id.as_str()).copied().flatten())
        .collect();
    if of_members.is_empty() {
        return None;
    }
    Some(round(
        of_members.iter().sum::<f64>() / of_members.len() as f64,
    ))
}

fn unknown_period(portfolio: &Portfolio, current: Option<Period>, period: Period) -> CloseError {
    let planned: BTreeSet<Period> = portfolio
        .initiatives
        .iter()
        .filter_map(|r| r.initiative.period.as_deref().and_then(Period::parse))
        .chain(current)
        .collect();
    let help = if planned.is_empty() {
        "set `[team].period` in okr.toml, or give initiatives a `period`".to_owned()
    } else {
        format!(
            "periods with planned work: `{}`",
            planned
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("`, `")
        )
    };
    CloseError::UnknownPeriod {
        period,
        current: current.map_or_else(String::new, |c| format!(" (`{c}`)")),
        help,
    }
}

/// Each `--carry` id must name open work of the period, or work this close carried before.
fn check_carry(initiatives: &[&Initiative], request: &Request) -> Result<(), CloseError> {
    for id in request.carry {
        let found = initiatives.iter().find(|i| &i.id == id);
        match found {
            Some(i) if i.status.is_open() => {}
            Some(i) if record_of(&i.closed, request.period).is_some() => {}
            Some(i) => {
                return Err(CloseError::Carry {
                    id: id.clone(),
                    why: format!(
                        "the initiative is {}, so there is nothing to carry",
                        i.status
                    ),
                    help: "carry only open work (proposed, accepted, active)".to_owned(),
                });
            }
            None => {
                let open = initiatives
                    .iter()
                    .filter(|i| i.status.is_open())
                    .map(|i| i.id.as_str());
                let help = match did_you_mean(id, open) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "`okr list --period {} --status active` shows the open work",
                        request.period
                    ),
                };
                return Err(CloseError::Carry {
                    id: id.clone(),
                    why: format!("no open initiative of `{}` has this id", request.period),
                    help,
                });
            }
        }
    }
    Ok(())
}

/// One file's text, being edited.
struct Edited {
    file: String,
    before: String,
    bom: &'static str,
    doc: toml_edit::DocumentMut,
}

impl Edited {
    fn new(
        file: &str,
        text: &mut impl FnMut(&str) -> Option<String>,
    ) -> Result<Edited, CloseError> {
        let unreadable = |why: String| CloseError::Unreadable {
            file: file.to_owned(),
            why,
        };
        let before = text(file).ok_or_else(|| unreadable("it could not be read".to_owned()))?;
        let (bom, doc) = edit::parse(&before).map_err(|e| unreadable(e.message().to_owned()))?;
        Ok(Edited {
            file: file.to_owned(),
            before,
            bom,
            doc,
        })
    }

    /// Appends the period's `[[closed]]` record after every other table.
    fn append(&mut self, period: &str, grade: Option<f64>, outcome: Outcome) {
        let mut record = Table::new();
        record.insert("period", toml_edit::value(period));
        if let Some(grade) = grade {
            record.insert("grade", toml_edit::value(grade));
        }
        record.insert("outcome", toml_edit::value(outcome.as_str()));
        record.insert("learned", toml_edit::value(""));
        // Records written inline, `closed = [{ ... }]`, get one more the same way.
        if let Some(Item::Value(Value::Array(array))) = self.doc.get_mut("closed") {
            let mut inline = record.into_inline_table();
            inline.fmt();
            array.push(inline);
            return;
        }
        // A new table goes after every other: the comments that ended the file stay above it.
        let trailing = edit::take_trailing(&mut self.doc);
        edit::keep_trailing_above(&mut record, &trailing);
        match self.doc.get_mut("closed") {
            Some(Item::ArrayOfTables(array)) => array.push(record),
            // `check` passes no other form of `closed`.
            _ => {
                let mut array = ArrayOfTables::new();
                array.push(record);
                self.doc.insert("closed", Item::ArrayOfTables(array));
            }
        }
    }

    /// Sets a top-level key of an initiative, where the format puts a new one.
    fn set(&mut self, key: &str, value: Value) {
        Keys::Table(self.doc.as_table_mut()).set(key, value, &[]);
    }

    fn finish(self, edits: &mut BTreeMap<String, String>) {
        let after = edit::print(self.bom, &self.doc, &self.before);
        if after != self.before {
            edits.insert(self.file, after);
        }
    }
}

/// `okr.toml`'s text with `[team].period` set to `next`; `None` when it already is.
pub fn set_team_period(text: &str, next: Period) -> Result<Option<String>, CloseError> {
    let unreadable = |why: String| CloseError::Unreadable {
        file: crate::config::FILE.to_owned(),
        why,
    };
    let (bom, mut doc) = edit::parse(text).map_err(|e| unreadable(e.message().to_owned()))?;
    let Some(team) = doc.get_mut("team").and_then(edit::keys) else {
        return Err(unreadable("it has no `[team]` table".to_owned()));
    };
    let mut team = team;
    if team.like().get("period").and_then(Item::as_str) == Some(next.to_string().as_str()) {
        return Ok(None);
    }
    team.set_in(
        crate::fmt::FileKind::Config,
        "period",
        Value::from(next.to_string()),
        &["team".to_owned()],
    );
    Ok(Some(edit::print(bom, &doc, text)))
}

#[cfg(test)]
mod tests;
