//! `okr org diff`: what changed in the org between two of its revisions, each read with the
//! team commits its okr-org.lock records (the working tree with the synced refs): the org's
//! objectives (fields, progress, health, the team themes that serve them), the team themes that
//! serve none, the dependencies between teams, and each team that moved, with its own diff.
//!
//! A team listed on both sides but read on one only (not synced, or with error findings) is
//! reported as such in the teams; its themes and dependencies are not counted as joining or
//! leaving, which would only restate it.

mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::lock::Lock;
use super::rollup::{self, Dependency, ObjectiveRollup, Rollup, TeamRollup, Unaligned};
use super::{OrgFiles, sync};
use crate::diff::{self, Diff, FieldChange, Move, Side};
use crate::error::{Error, Result};
use crate::git::{GitTree, Repo};
use crate::model::{Health, Status};
use crate::source::{Source, WorkTree};

pub use text::{human, markdown};

/// One side of the comparison: the org's files and its teams read at the commits recorded.
pub struct OrgSide {
    pub label: String,
    pub files: OrgFiles,
    pub lock: Lock,
    /// Whether this is a revision (not the working tree).
    pub revision: bool,
    /// Whether the revision had no okr-org.lock: no team was recorded there.
    pub unrecorded: bool,
    pub rollup: Rollup,
}

impl OrgSide {
    /// The org as revision `rev` of its repository at `root` records it.
    pub fn at_revision(root: &Path, rev: &str) -> Result<OrgSide> {
        let tree = Repo::open(root)?.tree_source(rev)?;
        let label = diff::short(rev).to_owned();
        if tree.read(super::FILE)?.is_none() {
            return Err(Error::usage(format!(
                "`{label}` has no {}: it is no revision of this org repository",
                super::FILE
            )));
        }
        let files = super::load(&tree).map_err(|e| e.at_revision(&label))?;
        let lock = Lock::read(&tree, &format!("`{label}`"))?;
        let unrecorded = lock.is_none();
        OrgSide::of(
            root,
            label,
            files,
            lock.unwrap_or_default(),
            true,
            unrecorded,
        )
    }

    /// The org as it is now: its files in the working tree, its teams at their synced refs.
    pub fn working_tree(root: &Path) -> Result<OrgSide> {
        let files = super::load(&WorkTree::new(root)?)?;
        let lock = if files.config.teams.is_empty() {
            Lock::default()
        } else {
            sync::lock(&Repo::open(root)?, &files.config, None)
        };
        OrgSide::of(root, "working tree".to_owned(), files, lock, false, false)
    }

    fn of(
        root: &Path,
        label: String,
        files: OrgFiles,
        lock: Lock,
        revision: bool,
        unrecorded: bool,
    ) -> Result<OrgSide> {
        let rollup = rollup::read_at(root, &files, Some(&lock))?;
        Ok(OrgSide {
            label,
            files,
            lock,
            revision,
            unrecorded,
            rollup,
        })
    }

    fn team(&self, name: &str) -> Option<&TeamRollup> {
        self.rollup.teams.iter().find(|t| t.name == name)
    }

    /// Why team `name` was not read on this side; `None` when it was, or is not listed.
    fn problem(&self, name: &str) -> Option<String> {
        let team = self.team(name)?;
        match (team.portfolio(), self.lock.teams.get(name)) {
            (Some(_), _) => None,
            (None, Some(commit)) if matches!(team.state, rollup::TeamState::NotSynced) => {
                Some(format!(
                    "commit {} is not in this repository (its branch was rewritten since? run \
                     `okr org sync`)",
                    crate::git::short_id(commit)
                ))
            }
            (None, None) if self.unrecorded => Some(format!(
                "not recorded: `{}` has no {}",
                self.label,
                super::LOCK
            )),
            (None, None) if self.revision => Some(format!(
                "not recorded in the {} of `{}`",
                super::LOCK,
                self.label
            )),
            (None, _) => team.problem(),
        }
    }
}

/// An org objective added or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveEntry {
    pub id: String,
    pub title: String,
    pub progress: Option<f64>,
    pub health: Option<Health>,
    /// The teams that serve it, in the order of okr-org.toml.
    pub teams: Vec<String>,
}

impl ObjectiveEntry {
    fn of(o: &ObjectiveRollup) -> ObjectiveEntry {
        ObjectiveEntry {
            id: o.objective.id.clone(),
            title: o.objective.title.clone(),
            progress: o.progress,
            health: o.health,
            teams: o.teams().into_iter().map(str::to_owned).collect(),
        }
    }
}

/// A team theme, as the org names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ThemeRef {
    pub team: String,
    pub theme: String,
    pub title: String,
}

/// An org objective on both sides that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveChange {
    pub id: String,
    pub title: String,
    /// Its own fields and key results.
    pub changes: Vec<FieldChange>,
    pub progress: Move<Option<f64>>,
    pub health: Move<Option<Health>>,
    /// Team themes that serve it now and did not.
    pub joined: Vec<ThemeRef>,
    /// Team themes that served it and no longer do.
    pub left: Vec<ThemeRef>,
}

/// A dependency across teams whose statuses moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DependencyChange {
    pub from_team: String,
    pub from: String,
    pub to_team: String,
    pub to: String,
    pub from_status: Move<Status>,
    pub to_status: Move<Option<Status>>,
}

/// A team that was added, removed, moved to other commits or read differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamChange {
    pub team: String,
    /// Whether okr-org.toml lists it.
    pub listed: Move<bool>,
    /// The commit it was read at, when recorded.
    pub commit: Move<Option<String>>,
    /// Why it could not be read, where it could not.
    pub problem: Move<Option<String>>,
    /// Its own diff, from the old commit to the new, when both are in the repository.
    pub diff: Option<Diff>,
}

/// Everything that differs between two sides of an org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgDiff {
    pub base: String,
    pub head: String,
    pub objectives_added: Vec<ObjectiveEntry>,
    pub objectives_removed: Vec<ObjectiveEntry>,
    pub objectives_changed: Vec<ObjectiveChange>,
    /// Team themes that serve no org objective now and did (or did not exist).
    pub unaligned_added: Vec<Unaligned>,
    /// Team themes that served none and now serve one (or are gone).
    pub unaligned_removed: Vec<Unaligned>,
    pub dependencies_added: Vec<Dependency>,
    pub dependencies_removed: Vec<Dependency>,
    pub dependencies_changed: Vec<DependencyChange>,
    /// In the order of the head's okr-org.toml, then those only the base lists.
    pub teams: Vec<TeamChange>,
}

impl OrgDiff {
    pub fn is_empty(&self) -> bool {
        self.objectives_added.is_empty()
            && self.objectives_removed.is_empty()
            && self.objectives_changed.is_empty()
            && self.unaligned_added.is_empty()
            && self.unaligned_removed.is_empty()
            && self.dependencies_added.is_empty()
            && self.dependencies_removed.is_empty()
            && self.dependencies_changed.is_empty()
            && self.teams.is_empty()
    }

    /// One line: "1 objective changed, 2 teams moved".
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no change to the org's objectives or teams".to_owned();
        }
        let mut parts = Vec::new();
        let mut count = |n: usize, one: &str, many: &str| {
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        };
        count(
            self.objectives_added.len(),
            "objective added",
            "objectives added",
        );
        count(
            self.objectives_removed.len(),
            "objective removed",
            "objectives removed",
        );
        count(
            self.objectives_changed.len(),
            "objective changed",
            "objectives changed",
        );
        count(
            self.unaligned_added.len(),
            "team theme newly unaligned",
            "team themes newly unaligned",
        );
        count(
            self.unaligned_removed.len(),
            "team theme no longer unaligned",
            "team themes no longer unaligned",
        );
        count(
            self.dependencies_added.len()
                + self.dependencies_removed.len()
                + self.dependencies_changed.len(),
            "dependency change",
            "dependency changes",
        );
        count(self.teams.len(), "team changed", "teams changed");
        parts.join(", ")
    }
}

/// Compares two sides of an org; each team that moved is compared commit to commit in the org
/// repository at `root`.
pub fn diff(root: &Path, base: &OrgSide, head: &OrgSide) -> Result<OrgDiff> {
    // Teams listed on both sides but read on one only: their themes and dependencies come and
    // go with them, which the teams already say.
    let skipped: BTreeSet<&str> = head
        .rollup
        .teams
        .iter()
        .filter_map(|h| {
            let b = base.team(&h.name)?;
            (b.portfolio().is_some() != h.portfolio().is_some()).then_some(h.name.as_str())
        })
        .collect();
    let counted = |team: &str| !skipped.contains(team);
    let (objectives_added, objectives_removed, objectives_changed) =
        objectives(&base.rollup, &head.rollup, &counted);
    let key = |u: &Unaligned| (u.team.clone(), u.theme.clone());
    let before: BTreeMap<_, _> = base.rollup.unaligned.iter().map(|u| (key(u), u)).collect();
    let after: BTreeMap<_, _> = head.rollup.unaligned.iter().map(|u| (key(u), u)).collect();
    let unaligned_added = only_in(&after, &before, |u| counted(&u.team));
    let unaligned_removed = only_in(&before, &after, |u| counted(&u.team));
    let (dependencies_added, dependencies_removed, dependencies_changed) =
        dependencies(&base.rollup, &head.rollup, &counted);
    Ok(OrgDiff {
        base: base.label.clone(),
        head: head.label.clone(),
        objectives_added,
        objectives_removed,
        objectives_changed,
        unaligned_added,
        unaligned_removed,
        dependencies_added,
        dependencies_removed,
        dependencies_changed,
        teams: teams(root, base, head)?,
    })
}

/// The values of `ours` whose keys `theirs` lacks and that `keep` keeps, in key order.
fn only_in<K: Ord, T: Clone>(
    ours: &BTreeMap<K, &T>,
    theirs: &BTreeMap<K, &T>,
    keep: impl Fn(&T) -> bool,
) -> Vec<T> {
    ours.iter()
        .filter(|(k, v)| !theirs.contains_key(*k) && keep(v))
        .map(|(_, v)| (*v).clone())
        .collect()
}

type ObjectiveChanges = (
    Vec<ObjectiveEntry>,
    Vec<ObjectiveEntry>,
    Vec<ObjectiveChange>,
);

fn objectives(base: &Rollup, head: &Rollup, counted: &dyn Fn(&str) -> bool) -> ObjectiveChanges {
    fn by_id(r: &Rollup) -> BTreeMap<&str, &ObjectiveRollup> {
        r.objectives
            .iter()
            .map(|o| (o.objective.id.as_str(), o))
            .collect()
    }
    let (before, after) = (by_id(base), by_id(head));
    let added = after
        .iter()
        .filter(|(id, _)| !before.contains_key(*id))
        .map(|(_, o)| ObjectiveEntry::of(o))
        .collect();
    let removed = before
        .iter()
        .filter(|(id, _)| !after.contains_key(*id))
        .map(|(_, o)| ObjectiveEntry::of(o))
        .collect();
    let mut changed = Vec::new();
    for (id, new) in &after {
        let Some(old) = before.get(id) else {
            continue;
        };
        let children = |o: &ObjectiveRollup| -> BTreeSet<ThemeRef> {
            o.children
                .iter()
                .filter(|c| counted(&c.team))
                .map(|c| ThemeRef {
                    team: c.team.clone(),
                    theme: c.theme.clone(),
                    title: c.title.clone(),
                })
                .collect()
        };
        let (was, is) = (children(old), children(new));
        let serving = |a: &BTreeSet<ThemeRef>, b: &BTreeSet<ThemeRef>| -> Vec<ThemeRef> {
            let b: BTreeSet<(&str, &str)> = b.iter().map(|t| (&*t.team, &*t.theme)).collect();
            a.iter()
                .filter(|t| !b.contains(&(&*t.team, &*t.theme)))
                .cloned()
                .collect()
        };
        let change = ObjectiveChange {
            id: (*id).to_owned(),
            title: new.objective.title.clone(),
            changes: diff::objective_changes(&old.objective, &new.objective),
            progress: Move::of(old, new, |o| o.progress),
            health: Move::of(old, new, |o| o.health),
            joined: serving(&is, &was),
            left: serving(&was, &is),
        };
        // Progress moves as a reader sees it: in whole percent.
        let progressed = crate::text::percent(change.progress.before)
            != crate::text::percent(change.progress.after);
        if progressed
            || change.health.before != change.health.after
            || !change.changes.is_empty()
            || !change.joined.is_empty()
            || !change.left.is_empty()
        {
            changed.push(change);
        }
    }
    (added, removed, changed)
}

type DependencyChanges = (Vec<Dependency>, Vec<Dependency>, Vec<DependencyChange>);

fn dependencies(base: &Rollup, head: &Rollup, counted: &dyn Fn(&str) -> bool) -> DependencyChanges {
    let key = |d: &Dependency| {
        (
            d.from_team.clone(),
            d.from.clone(),
            d.to_team.clone(),
            d.to.clone(),
        )
    };
    let before: BTreeMap<_, _> = base.dependencies.iter().map(|d| (key(d), d)).collect();
    let after: BTreeMap<_, _> = head.dependencies.iter().map(|d| (key(d), d)).collect();
    let added = only_in(&after, &before, |d| counted(&d.from_team));
    let removed = only_in(&before, &after, |d| counted(&d.from_team));
    let changed = after
        .iter()
        .filter_map(|(k, new)| {
            let old = before.get(k)?;
            let change = DependencyChange {
                from_team: new.from_team.clone(),
                from: new.from.clone(),
                to_team: new.to_team.clone(),
                to: new.to.clone(),
                from_status: Move::of(*old, *new, |d| d.from_status),
                to_status: Move::of(*old, *new, |d| d.to_status),
            };
            let moved = change.from_status.before != change.from_status.after
                || change.to_status.before != change.to_status.after;
            (moved && counted(&new.to_team)).then_some(change)
        })
        .collect();
    (added, removed, changed)
}

/// The teams that changed, each that moved between two commits of the repository compared
/// with its own diff (in parallel).
fn teams(root: &Path, base: &OrgSide, head: &OrgSide) -> Result<Vec<TeamChange>> {
    let listed = |side: &OrgSide| -> Vec<String> {
        side.files
            .config
            .teams
            .iter()
            .map(|t| t.name.clone())
            .collect()
    };
    let (was, is) = (listed(base), listed(head));
    let mut names = is.clone();
    names.extend(was.iter().filter(|n| !is.contains(n)).cloned());
    let git_dir = if names.is_empty() {
        std::path::PathBuf::new()
    } else {
        Repo::open(root)?.git_dir().to_path_buf()
    };
    let changes: Vec<Option<TeamChange>> = names
        .par_iter()
        .map(|name| {
            let commit = |side: &OrgSide| side.lock.teams.get(name).cloned();
            let mut change = TeamChange {
                team: name.clone(),
                listed: Move {
                    before: was.contains(name),
                    after: is.contains(name),
                },
                commit: Move::of(base, head, commit),
                problem: Move::of(base, head, |side| side.problem(name)),
                diff: None,
            };
            if let (Some(old), Some(new)) = (&change.commit.before, &change.commit.after)
                && old != new
            {
                change.diff = team_diff(&git_dir, old, new)?;
            }
            let same = change.listed.before == change.listed.after
                && change.commit.before == change.commit.after
                && change.problem.before == change.problem.after;
            Ok((!same).then_some(change))
        })
        .collect::<Result<_>>()?;
    Ok(changes.into_iter().flatten().collect())
}

/// A team's own diff from commit `old` to `new`; `None` when the repository lacks either.
fn team_diff(git_dir: &Path, old: &str, new: &str) -> Result<Option<Diff>> {
    let (Some(base), Some(head)) = (
        GitTree::at_commit(git_dir, old)?,
        GitTree::at_commit(git_dir, new)?,
    ) else {
        return Ok(None);
    };
    let short = crate::git::short_id;
    let sides = crate::load::load_revisions(&base, &head)
        .and_then(|(base, head)| Ok((Side::of(base, short(old))?, Side::of(head, short(new))?)));
    match sides {
        Ok((base, head)) => Ok(Some(diff::diff(&base, &head))),
        // A broken okr.toml, or a formula that fails on the team's numbers: the team's problem
        // says so, as `okr org check` does.
        Err(Error::Config { .. } | Error::Usage { .. } | Error::Formula { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests;
