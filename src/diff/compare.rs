//! Comparing two sides: which initiatives were added, removed, renamed or changed, how scores,
//! ranks and themes moved, and which findings the head brings.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use super::changes::{
    Broken, Changed, Diff, Entry, FieldChange, Move, NewFinding, Renamed, Shifted, ThemeChange,
    ThemeEntry, by_rank, list,
};
use super::side::Side;
use crate::model::{INITIATIVE_KEYS, Initiative, Measure};
use crate::portfolio::Ranked;
use crate::report;
use crate::text::number;

fn key_results(i: &[crate::model::KeyResult]) -> BTreeMap<String, String> {
    i.iter()
        .map(|kr| {
            let value = match kr.measure {
                Measure::Numeric {
                    baseline,
                    target,
                    current,
                } => format!(
                    "{} (from {} to {})",
                    number(current),
                    number(baseline),
                    number(target)
                ),
                Measure::Milestone { done } => if done { "done" } else { "not done" }.to_owned(),
            };
            (kr.title.clone(), value)
        })
        .collect()
}

/// Field changes, collected only where before and after differ.
#[derive(Default)]
struct Changes(Vec<FieldChange>);

impl Changes {
    fn field(&mut self, field: &str, before: String, after: String) {
        if before != after {
            self.0.push(FieldChange {
                field: field.to_owned(),
                before,
                after,
                key_result: None,
            });
        }
    }

    /// Key results by title: one change for each that was added, removed or moved.
    fn key_results(
        &mut self,
        before: &[crate::model::KeyResult],
        after: &[crate::model::KeyResult],
    ) {
        let (a, b) = (key_results(before), key_results(after));
        for title in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
            let (before, after) = (
                a.get(title).cloned().unwrap_or_default(),
                b.get(title).cloned().unwrap_or_default(),
            );
            if before != after {
                self.0.push(FieldChange {
                    field: format!("key result `{title}`"),
                    before,
                    after,
                    key_result: Some(title.clone()),
                });
            }
        }
    }
}

/// A field of an initiative as the diff shows it, by its key: one of [`INITIATIVE_KEYS`], or
/// `file`. `None` for key results, which are compared one by one.
fn field_text(i: &Initiative, key: &str) -> Option<String> {
    Some(match key {
        "title" => i.title.clone(),
        "problem" => i.problem.clone(),
        "outcome" => i.outcome.clone().unwrap_or_default(),
        "owner" => i.owner.clone(),
        "supporters" => list(&i.supporters),
        "tags" => list(&i.tags),
        "impact" => i.impact.name.clone(),
        "cost" => i.cost.name.clone(),
        "confidence" => i.confidence.name.clone(),
        "status" => i.status.to_string(),
        "period" => i.period.clone().unwrap_or_default(),
        "depends_on" => list(&i.depends_on),
        "links" => list(&i.links),
        "checkin" => i.checkin.as_ref().map(checkin_text).unwrap_or_default(),
        "closed" => i
            .closed
            .iter()
            .map(closed_text)
            .collect::<Vec<_>>()
            .join("; "),
        "file" => i.file.clone(),
        _ => return None,
    })
}

/// A check-in on one line: its date, health and note.
fn checkin_text(checkin: &crate::model::Checkin) -> String {
    let mut text = checkin.date.clone();
    if let Some(health) = checkin.health {
        text.push_str(&format!(", {health}"));
    }
    if let Some(note) = &checkin.note {
        text.push_str(&format!(": {note}"));
    }
    text
}

/// A closed period on one line: `2026-Q1: 0.6, partial: what the team learned`.
fn closed_text(closed: &crate::model::Closed) -> String {
    let mut text = format!("{}: ", closed.period);
    if let Some(grade) = closed.grade {
        text.push_str(&format!("{grade:.1}, "));
    }
    text.push_str(closed.outcome.as_str());
    if !closed.learned.trim().is_empty() {
        text.push_str(&format!(": {}", closed.learned.trim()));
    }
    text
}

fn field_changes(before: &Initiative, after: &Initiative) -> Vec<FieldChange> {
    // Most initiatives are unchanged: say so without formatting a single field.
    if before == after {
        return Vec::new();
    }
    let mut changes = Changes::default();
    // The file's keys in their order, then where the file is, then key results by title.
    for key in INITIATIVE_KEYS.iter().chain(&["file"]) {
        if let (Some(a), Some(b)) = (field_text(before, key), field_text(after, key)) {
            changes.field(key, a, b);
        }
    }
    if before.key_results != after.key_results {
        changes.key_results(&before.key_results, &after.key_results);
    }
    changes.0
}

/// What differs between two versions of an org objective: its fields in its file's order,
/// then its key results by title.
pub fn objective_changes(
    before: &crate::model::Objective,
    after: &crate::model::Objective,
) -> Vec<FieldChange> {
    let mut changes = Changes::default();
    let text = |o: &crate::model::Objective, key: &str| match key {
        "title" => o.title.clone(),
        "why" => o.why.clone().unwrap_or_default(),
        "owner" => o.owner.clone().unwrap_or_default(),
        "commitment" => o.commitment.to_string(),
        "checkin" => o.checkin.as_ref().map(checkin_text).unwrap_or_default(),
        _ => String::new(),
    };
    for key in ["title", "why", "owner", "commitment", "checkin"] {
        changes.field(key, text(before, key), text(after, key));
    }
    changes.key_results(&before.key_results, &after.key_results);
    changes.0
}

/// A theme's joined and left without the initiatives that were renamed: one that left as
/// `from` and joined as `to` stayed.
fn without_renames(
    mut joined: Vec<String>,
    mut left: Vec<String>,
    renames: &BTreeSet<(&str, &str)>,
) -> (Vec<String>, Vec<String>) {
    let stayed: Vec<(String, String)> = left
        .iter()
        .flat_map(|from| {
            renames
                .range((from.as_str(), "")..)
                .take_while(move |(f, _)| *f == from.as_str())
        })
        .filter(|(_, to)| joined.iter().any(|j| j == to))
        .map(|(from, to)| ((*from).to_owned(), (*to).to_owned()))
        .collect();
    for (from, to) in &stayed {
        left.retain(|l| l != from);
        joined.retain(|j| j != to);
    }
    (joined, left)
}

/// The ids (on the head) of the initiatives ranked on both sides whose order changed against
/// another such initiative: one overtook the other. In base order, an initiative was overtaken
/// or overtook one if one before it now ranks below it, or one after it now ranks above it.
fn overtaken<'a>(both: impl Iterator<Item = (&'a Ranked, &'a Ranked)>) -> HashSet<&'a str> {
    let mut ranks: Vec<(usize, usize, &str)> = both
        .filter_map(|(old, new)| Some((old.rank?, new.rank?, new.initiative.id.as_str())))
        .collect();
    ranks.sort_unstable();
    let mut highest_before = vec![0; ranks.len()];
    let mut highest = 0;
    for (index, (_, after, _)) in ranks.iter().enumerate() {
        highest_before[index] = highest;
        highest = highest.max(*after);
    }
    let mut lowest = usize::MAX;
    let mut found = HashSet::new();
    for (index, (_, after, id)) in ranks.iter().enumerate().rev() {
        if highest_before[index] > *after || lowest < *after {
            found.insert(*id);
        }
        lowest = lowest.min(*after);
    }
    found
}

pub fn diff(base: &Side, head: &Side) -> Diff {
    // In id order already, so each map is built without a sort.
    let before: BTreeMap<&str, &Ranked> = base
        .portfolio
        .by_id()
        .map(|r| (r.initiative.id.as_str(), r))
        .collect();
    let after: BTreeMap<&str, &Ranked> = head
        .portfolio
        .by_id()
        .map(|r| (r.initiative.id.as_str(), r))
        .collect();
    let mut added: Vec<&Ranked> = after
        .iter()
        .filter(|(id, _)| !before.contains_key(*id))
        .map(|(_, r)| *r)
        .collect();
    let mut removed: Vec<&Ranked> = before
        .iter()
        .filter(|(id, _)| !after.contains_key(*id))
        .map(|(_, r)| *r)
        .collect();
    // A file still on the head that no longer parses or builds (`impact = "mediun"`) is broken
    // in this change: the work was not removed, and no theme lost it.
    let mut broken: Vec<&Ranked> = Vec::new();
    removed.retain(|old| {
        let kept = head.texts.get(&old.initiative.file).is_some();
        if kept {
            broken.push(old);
        }
        !kept
    });
    let broken_ids: BTreeSet<&str> = broken.iter().map(|r| r.initiative.id.as_str()).collect();
    let mut renamed = Vec::new();
    let mut changed = Vec::new();
    // Renames: an id that left and one that arrived with the same work. Each removed
    // initiative takes the first added one (by id) that has its problem or its title.
    let mut pairs: Vec<(&Ranked, &Ranked)> = Vec::new();
    if !removed.is_empty() && !added.is_empty() {
        let mut by_problem: HashMap<&str, VecDeque<usize>> = HashMap::new();
        let mut by_title: HashMap<&str, VecDeque<usize>> = HashMap::new();
        for (index, new) in added.iter().enumerate() {
            by_problem
                .entry(&new.initiative.problem)
                .or_default()
                .push_back(index);
            by_title
                .entry(&new.initiative.title)
                .or_default()
                .push_back(index);
        }
        fn first_free(queue: Option<&mut VecDeque<usize>>, taken: &[bool]) -> Option<usize> {
            let queue = queue?;
            while queue.front().is_some_and(|&index| taken[index]) {
                queue.pop_front();
            }
            queue.front().copied()
        }
        let mut taken = vec![false; added.len()];
        removed.retain(|old| {
            let problem = old.initiative.problem.as_str();
            let by_problem = first_free(by_problem.get_mut(problem), &taken);
            let by_title = first_free(by_title.get_mut(old.initiative.title.as_str()), &taken);
            match by_problem.into_iter().chain(by_title).min() {
                Some(index) => {
                    taken[index] = true;
                    pairs.push((old, added[index]));
                    false
                }
                None => true,
            }
        });
        let mut index = 0;
        added.retain(|_| {
            index += 1;
            !taken[index - 1]
        });
    }
    for (old, new) in &pairs {
        let mut changes = field_changes(&old.initiative, &new.initiative);
        // The new id says the file's name changed; its folder is worth saying only if it moved.
        let folder = |file: &str| file.rsplit_once('/').map(|(folder, _)| folder.to_owned());
        if folder(&old.initiative.file) == folder(&new.initiative.file) {
            changes.retain(|c| c.field != "file");
        }
        renamed.push(Renamed {
            from: old.initiative.id.clone(),
            to: new.initiative.id.clone(),
            title: new.initiative.title.clone(),
            changes,
            score: Move::of(old, new, |r| r.score),
            rank: Move::of(old, new, |r| r.rank),
        });
    }
    // A renamed initiative did not leave its themes and join them again.
    let renames: BTreeSet<(&str, &str)> = renamed
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    let both = before
        .iter()
        .filter_map(|(id, old)| after.get(id).map(|new| (*old, *new)));
    let both: Vec<(&Ranked, &Ranked)> = both.collect();
    let overtaken = overtaken(both.iter().chain(&pairs).copied());
    let mut shifted = Vec::new();
    for (old, new) in both {
        let changes = field_changes(&old.initiative, &new.initiative);
        if changes.is_empty()
            && old.rank == new.rank
            && (old.score - new.score).abs() <= crate::portfolio::TIE
        {
            continue;
        }
        // Moved only because work above it was added, removed, closed or reopened: its
        // score held and it kept its order with everything on both sides.
        let score_held = (old.score - new.score).abs() <= crate::portfolio::TIE;
        let ranked = old.rank.is_some() && new.rank.is_some();
        if changes.is_empty()
            && score_held
            && ranked
            && !overtaken.contains(new.initiative.id.as_str())
        {
            shifted.push(Shifted {
                id: new.initiative.id.clone(),
                title: new.initiative.title.clone(),
                rank: Move::of(old, new, |r| r.rank),
            });
            continue;
        }
        changed.push(Changed {
            id: new.initiative.id.clone(),
            title: new.initiative.title.clone(),
            changes,
            score: Move::of(old, new, |r| r.score),
            rank: Move::of(old, new, |r| r.rank),
        });
    }
    changed.sort_by_key(|c| by_rank(c.rank.after));
    shifted.sort_by_key(|c| by_rank(c.rank.after));
    added.sort_by_key(|r| by_rank(r.rank));
    removed.sort_by_key(|r| by_rank(r.rank));

    let old_themes: BTreeMap<&str, _> = base
        .portfolio
        .themes
        .iter()
        .map(|t| (t.theme.id.as_str(), t))
        .collect();
    let new_themes: BTreeMap<&str, _> = head
        .portfolio
        .themes
        .iter()
        .map(|t| (t.theme.id.as_str(), t))
        .collect();
    let theme_entry = |t: &crate::portfolio::RankedTheme| ThemeEntry {
        id: t.theme.id.clone(),
        title: t.theme.title.clone(),
        initiatives: t.initiatives.clone(),
    };
    let themes_added = new_themes
        .iter()
        .filter(|(id, _)| !old_themes.contains_key(*id))
        .map(|(_, t)| theme_entry(t))
        .collect();
    let themes_removed = old_themes
        .iter()
        .filter(|(id, _)| !new_themes.contains_key(*id))
        .map(|(_, t)| theme_entry(t))
        .collect();
    let mut themes_changed = Vec::new();
    let mut affected = BTreeSet::new();
    for (id, old) in &old_themes {
        let Some(new) = new_themes.get(id) else {
            continue;
        };
        let was: BTreeSet<&String> = old.initiatives.iter().collect();
        let is: BTreeSet<&String> = new.initiatives.iter().collect();
        let joined: Vec<String> = new
            .initiatives
            .iter()
            .filter(|i| !was.contains(i))
            .cloned()
            .collect();
        let left: Vec<String> = old
            .initiatives
            .iter()
            .filter(|i| !is.contains(i) && !broken_ids.contains(i.as_str()))
            .cloned()
            .collect();
        let (joined, left) = without_renames(joined, left, &renames);
        let mut changes = Changes::default();
        changes.field("title", old.theme.title.clone(), new.theme.title.clone());
        let owner = |t: &crate::portfolio::RankedTheme| t.theme.owner.clone().unwrap_or_default();
        changes.field("owner", owner(old), owner(new));
        changes.field("tags", list(&old.theme.tags), list(&new.theme.tags));
        let parent = |t: &crate::portfolio::RankedTheme| t.theme.parent.clone().unwrap_or_default();
        changes.field("parent", parent(old), parent(new));
        changes.field("weight", number(old.theme.weight), number(new.theme.weight));
        changes.key_results(&old.theme.key_results, &new.theme.key_results);
        let changes = changes.0;
        let moved = old.rank != new.rank || (old.score - new.score).abs() > crate::portfolio::TIE;
        if joined.is_empty() && left.is_empty() && changes.is_empty() && !moved {
            continue;
        }
        if old.rank != new.rank || !joined.is_empty() || !left.is_empty() {
            affected.extend(new.theme.owner.iter().chain(&old.theme.owner).cloned());
        }
        themes_changed.push(ThemeChange {
            id: (*id).to_owned(),
            title: new.theme.title.clone(),
            joined,
            left,
            score: Move::of(old, new, |r| r.score),
            rank: Move::of(old, new, |r| r.rank),
            changes,
        });
    }

    let known: BTreeSet<(&str, &str, &str)> = base
        .findings
        .iter()
        .map(|f| (f.rule.code(), f.file.as_str(), f.message.as_str()))
        .collect();
    let mut findings: Vec<NewFinding> = head
        .findings
        .iter()
        .filter(|f| !known.contains(&(f.rule.code(), f.file.as_str(), f.message.as_str())))
        .map(|f| {
            let at = report::locate(f, &head.texts);
            NewFinding {
                rule: at.rule,
                severity: f.severity,
                file: f.file.clone(),
                line: at.line,
                column: at.column,
                message: f.message.clone(),
            }
        })
        .collect();
    let broken = broken
        .into_iter()
        .map(|r| {
            let file = &r.initiative.file;
            let (own, rest) = std::mem::take(&mut findings)
                .into_iter()
                .partition(|f| &f.file == file);
            findings = rest;
            Broken {
                id: r.initiative.id.clone(),
                title: r.initiative.title.clone(),
                owner: r.initiative.owner.clone(),
                file: file.clone(),
                rank: r.rank,
                findings: own,
            }
        })
        .collect();

    Diff {
        base: base.label.clone(),
        head: head.label.clone(),
        added: added.into_iter().map(Entry::of).collect(),
        removed: removed.into_iter().map(Entry::of).collect(),
        broken,
        renamed,
        changed,
        shifted,
        themes_added,
        themes_removed,
        themes_changed,
        findings,
        affected: affected.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KeyResult, Level, Status};

    /// Each key of an initiative's file is compared, in the file's order, then its place and
    /// its key results: a key added to the list and not to the diff fails here.
    #[test]
    fn every_field_of_an_initiative_is_compared_in_order() {
        let before = Initiative::example();
        let level = |name: &str| Level {
            name: name.into(),
            value: 0.0,
        };
        let after = Initiative {
            id: before.id.clone(),
            file: "initiatives/moved/a.toml".into(),
            title: "T2".into(),
            problem: "P2".into(),
            outcome: None,
            owner: "p".into(),
            supporters: vec![],
            tags: vec!["u".into()],
            impact: level("low"),
            cost: level("l"),
            confidence: level("low"),
            status: Status::Done,
            period: None,
            depends_on: vec![],
            links: vec![],
            key_results: vec![KeyResult {
                title: before.key_results[0].title.clone(),
                unit: None,
                measure: Measure::Milestone { done: true },
            }],
            checkin: None,
            closed: Vec::new(),
        };
        let fields: Vec<String> = field_changes(&before, &after)
            .into_iter()
            .map(|c| c.field)
            .collect();
        let mut expected: Vec<String> = INITIATIVE_KEYS
            .iter()
            .filter(|key| **key != "key_results")
            .map(|key| (*key).to_owned())
            .collect();
        expected.push("file".to_owned());
        expected.push(format!("key result `{}`", before.key_results[0].title));
        assert_eq!(fields, expected);
    }
}
