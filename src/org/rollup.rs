//! The org roll-up: every synced team ranked as its own repository ranks it (its okr.toml,
//! scales and formula), and each org objective with the team themes that serve it, its
//! progress and its health; the team themes that serve none; and the dependencies between
//! teams' initiatives.
//!
//! How an objective's numbers come about:
//! - **progress** is the weighted mean of its children's progress, each child weighing its
//!   theme's `weight` (1 by default). A child theme without key results has no progress and
//!   does not count. Where the objective has key results of its own, their mean counts as one
//!   more child of weight 1, so that an objective with no child themes yet still shows how far
//!   its own key results are. With nothing that counts, it has no progress.
//! - **health** is the worst health among its children's last check-ins and its own
//!   (`off-track` over `at-risk` over `on-track`); with no check-in that gives one, none.
//!
//! A team that has not been synced, or whose files have error findings, is marked and left out
//! of the numbers: its themes are neither children nor unaligned, and dependencies on its
//! initiatives have no known status. Each team's initiatives are those of the org's `period`
//! when okr-org.toml sets one, else those of the team's own `[team].period`.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::sync::team_ref;
use super::{Lock, OrgFiles};
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::git::GitTree;
use crate::load::{self, Keep};
use crate::model::{Health, Objective, Status, mean_progress};
use crate::period::View;
use crate::portfolio::{Portfolio, Ranked};
use crate::validate::{self, cross_team};

/// The whole org, rolled up.
#[derive(Debug)]
pub struct Rollup {
    pub name: String,
    pub period: Option<String>,
    /// Every team of okr-org.toml, in its order.
    pub teams: Vec<TeamRollup>,
    /// Every org objective, by id, with its children.
    pub objectives: Vec<ObjectiveRollup>,
    /// The themes of the teams read that serve no objective of the org: by team (in the order
    /// of okr-org.toml), then by the team's rank.
    pub unaligned: Vec<Unaligned>,
    /// Every dependency of a read team's initiative on another team's: by the depending team
    /// (in the order of okr-org.toml), then its rank, then as written.
    pub dependencies: Vec<Dependency>,
}

/// A team of the org and what could be read of it.
#[derive(Debug)]
pub struct TeamRollup {
    pub name: String,
    /// The URL of its published documents, from `[[teams]].docs`.
    pub docs: Option<String>,
    pub state: TeamState,
}

/// What the org could make of a team.
#[derive(Debug)]
pub enum TeamState {
    /// Read and ranked at its synced ref.
    Read(Box<Portfolio>),
    /// The org repository has no `refs/okr/teams/<name>`.
    NotSynced,
    /// Its files (or its okr.toml) have this many error findings.
    Errors(usize),
}

impl TeamRollup {
    pub fn portfolio(&self) -> Option<&Portfolio> {
        match &self.state {
            TeamState::Read(portfolio) => Some(portfolio),
            _ => None,
        }
    }

    /// Why the team is left out, for a reader; `None` when it was read.
    pub fn problem(&self) -> Option<String> {
        match &self.state {
            TeamState::Read(_) => None,
            TeamState::NotSynced => Some(format!(
                "not synced: no `{}` (run `okr org sync {}`)",
                team_ref(&self.name),
                self.name
            )),
            TeamState::Errors(n) => Some(format!(
                "{} in its files (see `okr org check`)",
                crate::text::count(*n, "error finding")
            )),
        }
    }
}

/// An org objective with the themes that serve it.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveRollup {
    #[serde(flatten)]
    pub objective: Objective,
    /// The mean progress of its own key results; `None` without any.
    pub own_progress: Option<f64>,
    /// See the module's comment.
    pub progress: Option<f64>,
    pub health: Option<Health>,
    /// By team (in the order of okr-org.toml), then by the team's rank.
    pub children: Vec<Child>,
}

impl ObjectiveRollup {
    /// The names of the teams that serve it, in the order of okr-org.toml, each once.
    pub fn teams(&self) -> Vec<&str> {
        let mut teams: Vec<&str> = self.children.iter().map(|c| c.team.as_str()).collect();
        teams.dedup();
        teams
    }
}

/// A team theme that serves an org objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Child {
    pub team: String,
    /// The theme's id in its team.
    pub theme: String,
    pub title: String,
    pub owner: Option<String>,
    pub weight: f64,
    /// Its rank among its team's themes.
    pub rank: usize,
    pub progress: Option<f64>,
    /// The health of its last check-in.
    pub health: Option<Health>,
    /// Its document among the team's published ones, when `[[teams]].docs` gives their URL.
    pub url: Option<String>,
}

/// A team theme that serves no objective of the org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unaligned {
    pub team: String,
    pub theme: String,
    pub title: String,
    /// The `parent` it names that the org does not have; `None` when it names none.
    pub parent: Option<String>,
    pub url: Option<String>,
}

/// One initiative's dependency on another team's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dependency {
    pub from_team: String,
    pub from: String,
    pub from_status: Status,
    pub to_team: String,
    pub to: String,
    /// `None` when that team was not read or has no such initiative (in view).
    pub to_status: Option<Status>,
}

/// Reads every team of `org` at its synced ref in the org repository at `root`, and rolls the
/// org up. Only an I/O or git failure is an error: a team that cannot be read is marked.
pub fn read(root: &Path, org: &OrgFiles) -> Result<Rollup> {
    read_at(root, org, None)
}

/// As [`read`], with each team read at the commit `lock` records for it instead of at its ref
/// (a team the lock lacks, or whose commit the repository lacks, is not synced there).
pub fn read_at(root: &Path, org: &OrgFiles, lock: Option<&Lock>) -> Result<Rollup> {
    let view = match &org.config.period {
        Some(period) => Some(View::choose(Some(period), None).map_err(Error::usage)?),
        None => None,
    };
    // An org without teams needs no git repository.
    let git_dir = if org.config.teams.is_empty() {
        std::path::PathBuf::new()
    } else {
        crate::git::Repo::open(root)?.git_dir().to_path_buf()
    };
    let states: Vec<TeamState> = org
        .config
        .teams
        .par_iter()
        .map(|team| {
            let tree = match lock {
                None => GitTree::at_reference(&git_dir, &team_ref(&team.name))?,
                Some(lock) => match lock.teams.get(&team.name) {
                    Some(commit) => GitTree::at_commit(&git_dir, commit)?,
                    None => None,
                },
            };
            match tree {
                Some(tree) => read_team(&tree, view),
                None => Ok(TeamState::NotSynced),
            }
        })
        .collect::<Result<_>>()?;
    let teams = org
        .config
        .teams
        .iter()
        .zip(states)
        .map(|(team, state)| TeamRollup {
            name: team.name.clone(),
            docs: team.docs.clone(),
            state,
        })
        .collect();
    Ok(roll_up(
        &org.config.name,
        org.config.period.as_deref(),
        &org.objectives,
        teams,
    ))
}

/// A team read from `tree`, ranked in `view` (its own period's without one).
fn read_team(tree: &GitTree, view: Option<View>) -> Result<TeamState> {
    let mut workspace = match load::load_keeping::<Ranked>(tree, Keep::Quoted { stale: false }) {
        Ok(workspace) => workspace,
        Err(Error::Config { findings, .. }) => {
            return Ok(TeamState::Errors(findings.len().max(1)));
        }
        Err(error) => return Err(error),
    };
    let checked = validate::check(&mut workspace);
    let errors = checked
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Ok(TeamState::Errors(errors));
    }
    let config = workspace.config;
    let view = match view {
        Some(view) => view,
        // A team's okr.toml is checked, so its period is one.
        None => View::choose(None, config.period.as_deref()).unwrap_or(View::All),
    };
    let (initiatives, themes) = checked.into_parts();
    match Portfolio::of_view(&config, initiatives, themes, view) {
        Ok(portfolio) => Ok(TeamState::Read(Box::new(portfolio))),
        // A formula that fails on the team's numbers is the team's problem, as a finding is.
        Err(Error::Usage { .. } | Error::Formula { .. }) => Ok(TeamState::Errors(1)),
        Err(error) => Err(error),
    }
}

/// A team's published document of theme `theme`, under the URL `docs`.
fn theme_url(docs: Option<&str>, theme: &str) -> Option<String> {
    docs.map(|docs| format!("{}/{theme}.md", docs.trim_end_matches('/')))
}

/// Rolls up `objectives` (sorted by id) over `teams` (in the order of okr-org.toml).
pub fn roll_up(
    name: &str,
    period: Option<&str>,
    objectives: &[Objective],
    teams: Vec<TeamRollup>,
) -> Rollup {
    let index: BTreeMap<&str, usize> = objectives
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    let mut children: Vec<Vec<Child>> = vec![Vec::new(); objectives.len()];
    let mut unaligned = Vec::new();
    let mut dependencies = Vec::new();
    for team in &teams {
        let Some(portfolio) = team.portfolio() else {
            continue;
        };
        for ranked in &portfolio.themes {
            let theme = &ranked.theme;
            let url = theme_url(team.docs.as_deref(), &theme.id);
            match theme.parent.as_deref().and_then(|p| index.get(p)) {
                Some(&at) => children[at].push(Child {
                    team: team.name.clone(),
                    theme: theme.id.clone(),
                    title: theme.title.clone(),
                    owner: theme.owner.clone(),
                    weight: theme.weight,
                    rank: ranked.rank,
                    progress: ranked.progress,
                    health: theme.checkin.as_ref().and_then(|c| c.health),
                    url,
                }),
                None => unaligned.push(Unaligned {
                    team: team.name.clone(),
                    theme: theme.id.clone(),
                    title: theme.title.clone(),
                    parent: theme.parent.clone(),
                    url,
                }),
            }
        }
        for ranked in portfolio.initiatives.iter() {
            let initiative = &ranked.initiative;
            for target in &initiative.depends_on {
                let Some((to_team, to)) = cross_team(target) else {
                    continue;
                };
                let to_status = teams
                    .iter()
                    .find(|t| t.name == to_team)
                    .and_then(TeamRollup::portfolio)
                    .and_then(|p| p.initiative(to))
                    .map(|r| r.initiative.status);
                dependencies.push(Dependency {
                    from_team: team.name.clone(),
                    from: initiative.id.clone(),
                    from_status: initiative.status,
                    to_team: to_team.to_owned(),
                    to: to.to_owned(),
                    to_status,
                });
            }
        }
    }
    let objectives = objectives
        .iter()
        .zip(children)
        .map(|(objective, children)| {
            let own_progress = mean_progress(&objective.key_results);
            let own_health = objective.checkin.as_ref().and_then(|c| c.health);
            ObjectiveRollup {
                progress: progress(&children, own_progress),
                health: children
                    .iter()
                    .filter_map(|c| c.health)
                    .chain(own_health)
                    .max(),
                own_progress,
                objective: objective.clone(),
                children,
            }
        })
        .collect();
    Rollup {
        name: name.to_owned(),
        period: period.map(str::to_owned),
        teams,
        objectives,
        unaligned,
        dependencies,
    }
}

/// The weighted mean of the children's progress, the objective's own key results counting as
/// one more child of weight 1; `None` when nothing has progress.
fn progress(children: &[Child], own: Option<f64>) -> Option<f64> {
    let (sum, weights) = children
        .iter()
        .filter_map(|c| c.progress.map(|p| (p, c.weight)))
        .chain(own.map(|p| (p, 1.0)))
        .fold((0.0, 0.0), |(sum, weights), (p, w)| {
            (sum + p * w, weights + w)
        });
    (weights > 0.0).then(|| sum / weights)
}

#[cfg(test)]
mod tests;
