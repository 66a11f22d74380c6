//! The `okr org list` and `okr org themes` views of a [`Rollup`]: aligned tables for terminals,
//! JSON for scripts.
//!
//! `org themes` shows the org's objectives (the org's themes): progress, health and the teams
//! serving each, then the team themes that serve none and the teams that could not be read.
//! `org list` shows every team's initiatives as the team ranks them, team by team in the order
//! of okr-org.toml, with a team column; ranks are the team's own and never compared across
//! teams.

use serde::Serialize;

use super::rollup::{Dependency, ObjectiveRollup, Rollup, Unaligned};
use crate::error::Result;
use crate::json::to_json;
use crate::output::terminal_safe;
use crate::table::{InitiativeRow, fit, initiative_row};
use crate::text::{cut, percent, score};

/// The teams that could not be read, one line each, after a blank line; empty when all were.
fn unread(rollup: &Rollup) -> String {
    let mut out = String::new();
    for team in &rollup.teams {
        if let Some(problem) = team.problem() {
            if out.is_empty() {
                out.push_str("\nteams not read:\n");
            }
            out.push_str(&format!("  {}: {problem}\n", team.name));
        }
    }
    out
}

/// `okr org list`: every read team's initiatives, ranked within the team.
pub fn initiatives(rollup: &Rollup, width: Option<u16>) -> String {
    let header = [
        "team", "rank", "id", "title", "owner", "status", "score", "themes",
    ];
    let numeric = [false, true, false, false, false, false, true, false];
    let mut cells: Vec<Vec<String>> = Vec::new();
    for team in &rollup.teams {
        let Some(portfolio) = team.portfolio() else {
            continue;
        };
        for r in portfolio.initiatives.iter() {
            let i = &r.initiative;
            cells.push(vec![
                team.name.clone(),
                r.rank
                    .map_or_else(|| "-".to_owned(), |rank| rank.to_string()),
                i.id.clone(),
                cut(&i.title, usize::MAX),
                cut(&i.owner, 20),
                i.status.to_string(),
                score(r.score),
                if r.themes.is_empty() {
                    "-".to_owned()
                } else {
                    r.themes.join(", ")
                },
            ]);
        }
    }
    let mut out = fit(&header, &numeric, &cells, width, Some(3));
    out.push_str(&terminal_safe(&unread(rollup)));
    out
}

#[derive(Serialize)]
struct TeamInitiative<'a> {
    team: &'a str,
    #[serde(flatten)]
    initiative: InitiativeRow<'a>,
}

#[derive(Serialize)]
struct TeamStatus<'a> {
    name: &'a str,
    /// Whether it was read; when not, why.
    read: bool,
    problem: Option<String>,
}

fn team_statuses(rollup: &Rollup) -> Vec<TeamStatus<'_>> {
    rollup
        .teams
        .iter()
        .map(|team| TeamStatus {
            name: &team.name,
            read: team.portfolio().is_some(),
            problem: team.problem(),
        })
        .collect()
}

#[derive(Serialize)]
struct ListJson<'a> {
    initiatives: Vec<TeamInitiative<'a>>,
    teams: Vec<TeamStatus<'a>>,
}

pub fn initiatives_json(rollup: &Rollup) -> Result<String> {
    let initiatives = rollup
        .teams
        .iter()
        .filter_map(|team| Some((team, team.portfolio()?)))
        .flat_map(|(team, portfolio)| {
            portfolio.initiatives.iter().map(|r| TeamInitiative {
                team: &team.name,
                initiative: initiative_row(r),
            })
        })
        .collect();
    to_json(&ListJson {
        initiatives,
        teams: team_statuses(rollup),
    })
}

/// `okr org themes`: the org's objectives, then the unaligned team themes and the teams not
/// read.
pub fn objectives(rollup: &Rollup, width: Option<u16>) -> String {
    let header = [
        "id", "title", "owner", "progress", "health", "themes", "teams",
    ];
    let numeric = [false, false, false, true, false, true, false];
    let cells: Vec<Vec<String>> = rollup
        .objectives
        .iter()
        .map(|o| {
            let teams = o.teams();
            vec![
                o.objective.id.clone(),
                cut(&o.objective.title, usize::MAX),
                o.objective
                    .owner
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), |owner| cut(owner, 20)),
                percent(o.progress),
                o.health.map_or("-", |h| h.label()).to_owned(),
                o.children.len().to_string(),
                if teams.is_empty() {
                    "-".to_owned()
                } else {
                    teams.join(", ")
                },
            ]
        })
        .collect();
    let mut out = fit(&header, &numeric, &cells, width, Some(1));
    let mut tail = String::new();
    if !rollup.unaligned.is_empty() {
        tail.push_str("\nteam themes serving no org objective:\n");
        for u in &rollup.unaligned {
            tail.push_str(&format!("  {}:{}", u.team, u.theme));
            if let Some(parent) = &u.parent {
                tail.push_str(&format!(" (unknown parent `{parent}`)"));
            }
            tail.push('\n');
        }
    }
    tail.push_str(&unread(rollup));
    out.push_str(&terminal_safe(&tail));
    out
}

#[derive(Serialize)]
struct ObjectiveJson<'a> {
    #[serde(flatten)]
    objective: &'a ObjectiveRollup,
    teams: Vec<&'a str>,
}

#[derive(Serialize)]
struct ThemesJson<'a> {
    name: &'a str,
    period: Option<&'a str>,
    objectives: Vec<ObjectiveJson<'a>>,
    unaligned: &'a [Unaligned],
    dependencies: &'a [Dependency],
    teams: Vec<TeamStatus<'a>>,
}

pub fn objectives_json(rollup: &Rollup) -> Result<String> {
    to_json(&ThemesJson {
        name: &rollup.name,
        period: rollup.period.as_deref(),
        objectives: rollup
            .objectives
            .iter()
            .map(|objective| ObjectiveJson {
                teams: objective.teams(),
                objective,
            })
            .collect(),
        unaligned: &rollup.unaligned,
        dependencies: &rollup.dependencies,
        teams: team_statuses(rollup),
    })
}
