//! The semantic diff of two revisions, for review: what was added, removed, renamed and
//! changed, how scores, ranks and themes moved, and which findings the head brings.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;

use crate::error::Result;
use crate::finding::{Finding, Severity};
use crate::load;
use crate::markdown::{code, code_cell, markdown_inline};
use crate::model::{Initiative, Measure};
use crate::portfolio::{Portfolio, Ranked};
use crate::report;
use crate::source::Source;
use crate::text::{cut, number, score};
use crate::validate;

/// One side of the comparison.
pub struct Side {
    pub label: String,
    pub portfolio: Portfolio,
    pub findings: Vec<Finding>,
    pub texts: crate::finding::Texts,
}

impl Side {
    pub fn read(source: &dyn Source, label: &str) -> Result<Side> {
        Side::of(load::load_keeping(source, load::Keep::All)?, label)
    }

    /// Checks and ranks a loaded workspace, each initiative where it was loaded.
    pub fn of(mut workspace: load::Workspace<Ranked>, label: &str) -> Result<Side> {
        let mut checked = validate::check(&mut workspace);
        let findings = std::mem::take(&mut checked.findings);
        let (initiatives, themes) = checked.into_parts();
        let portfolio = Portfolio::of(&workspace.config, initiatives, themes)?;
        Ok(Side {
            label: label.to_owned(),
            portfolio,
            findings,
            texts: workspace.texts,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move<T> {
    pub before: T,
    pub after: T,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub score: f64,
    pub rank: usize,
    pub themes: Vec<String>,
    pub file: String,
}

impl Entry {
    fn of(r: &Ranked) -> Entry {
        Entry {
            id: r.initiative.id.clone(),
            title: r.initiative.title.clone(),
            owner: r.initiative.owner.clone(),
            score: r.score,
            rank: r.rank,
            themes: r.themes.clone(),
            file: r.initiative.file.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renamed {
    pub from: String,
    pub to: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub id: String,
    pub title: String,
    /// Fields whose values differ; empty when only the score or rank moved.
    pub changes: Vec<FieldChange>,
    pub score: Move<f64>,
    pub rank: Move<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeChange {
    pub id: String,
    pub title: String,
    pub joined: Vec<String>,
    pub left: Vec<String>,
    pub score: Move<f64>,
    pub rank: Move<usize>,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeEntry {
    pub id: String,
    pub title: String,
    pub initiatives: Vec<String>,
}

/// Everything that differs between two sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub base: String,
    pub head: String,
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
    pub renamed: Vec<Renamed>,
    /// Initiatives whose fields changed, or whose score or rank moved.
    pub changed: Vec<Changed>,
    pub themes_added: Vec<ThemeEntry>,
    pub themes_removed: Vec<ThemeEntry>,
    pub themes_changed: Vec<ThemeChange>,
    /// Findings in the head that the base does not have.
    pub findings: Vec<NewFinding>,
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

/// A revision as a reader wants it: a full commit id is cut to twelve characters.
pub fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        &rev[..12]
    } else {
        rev
    }
}

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
            self.field(
                &format!("key result `{title}`"),
                a.get(title).cloned().unwrap_or_default(),
                b.get(title).cloned().unwrap_or_default(),
            );
        }
    }
}

fn field_changes(before: &Initiative, after: &Initiative) -> Vec<FieldChange> {
    // Most initiatives are unchanged: say so without formatting a single field.
    if before == after {
        return Vec::new();
    }
    let mut changes = Changes::default();
    let mut push = |field: &str, a: String, b: String| changes.field(field, a, b);
    push("title", before.title.clone(), after.title.clone());
    push("problem", before.problem.clone(), after.problem.clone());
    push(
        "outcome",
        before.outcome.clone().unwrap_or_default(),
        after.outcome.clone().unwrap_or_default(),
    );
    push("owner", before.owner.clone(), after.owner.clone());
    push(
        "supporters",
        list(&before.supporters),
        list(&after.supporters),
    );
    push("tags", list(&before.tags), list(&after.tags));
    push(
        "impact",
        before.impact.name.clone(),
        after.impact.name.clone(),
    );
    push("cost", before.cost.name.clone(), after.cost.name.clone());
    push(
        "confidence",
        before.confidence.name.clone(),
        after.confidence.name.clone(),
    );
    push(
        "status",
        before.status.to_string(),
        after.status.to_string(),
    );
    push(
        "period",
        before.period.clone().unwrap_or_default(),
        after.period.clone().unwrap_or_default(),
    );
    push(
        "depends_on",
        list(&before.depends_on),
        list(&after.depends_on),
    );
    push("links", list(&before.links), list(&after.links));
    push("file", before.file.clone(), after.file.clone());
    if before.key_results != after.key_results {
        changes.key_results(&before.key_results, &after.key_results);
    }
    changes.0
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
        renamed.push(Renamed {
            from: old.initiative.id.clone(),
            to: new.initiative.id.clone(),
            title: new.initiative.title.clone(),
        });
    }
    let both = before
        .iter()
        .filter_map(|(id, old)| after.get(id).map(|new| (*old, *new)))
        .chain(pairs.iter().copied());
    for (old, new) in both {
        let changes = field_changes(&old.initiative, &new.initiative);
        if changes.is_empty()
            && old.rank == new.rank
            && (old.score - new.score).abs() <= crate::portfolio::TIE
        {
            continue;
        }
        changed.push(Changed {
            id: new.initiative.id.clone(),
            title: new.initiative.title.clone(),
            changes,
            score: Move {
                before: old.score,
                after: new.score,
            },
            rank: Move {
                before: old.rank,
                after: new.rank,
            },
        });
    }
    changed.sort_by_key(|c| c.rank.after);
    added.sort_by_key(|r| r.rank);
    removed.sort_by_key(|r| r.rank);

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
            .filter(|i| !is.contains(i))
            .cloned()
            .collect();
        let mut changes = Changes::default();
        changes.field("title", old.theme.title.clone(), new.theme.title.clone());
        let owner = |t: &crate::portfolio::RankedTheme| t.theme.owner.clone().unwrap_or_default();
        changes.field("owner", owner(old), owner(new));
        changes.field("tags", list(&old.theme.tags), list(&new.theme.tags));
        changes.key_results(&old.theme.key_results, &new.theme.key_results);
        let changes = changes.0;
        let moved = old.rank != new.rank || (old.score - new.score).abs() > crate::portfolio::TIE;
        if joined.is_empty() && left.is_empty() && changes.is_empty() && !moved {
            continue;
        }
        themes_changed.push(ThemeChange {
            id: (*id).to_owned(),
            title: new.theme.title.clone(),
            joined,
            left,
            score: Move {
                before: old.score,
                after: new.score,
            },
            rank: Move {
                before: old.rank,
                after: new.rank,
            },
            changes,
        });
    }

    let known: BTreeSet<(&str, &str, &str)> = base
        .findings
        .iter()
        .map(|f| (f.rule.code(), f.file.as_str(), f.message.as_str()))
        .collect();
    let findings = head
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

    Diff {
        base: base.label.clone(),
        head: head.label.clone(),
        added: added.into_iter().map(Entry::of).collect(),
        removed: removed.into_iter().map(Entry::of).collect(),
        renamed,
        changed,
        themes_added,
        themes_removed,
        themes_changed,
        findings,
    }
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.renamed.is_empty()
            && self.changed.is_empty()
            && self.themes_added.is_empty()
            && self.themes_removed.is_empty()
            && self.themes_changed.is_empty()
            && self.findings.is_empty()
    }

    fn edited(&self) -> impl Iterator<Item = &Changed> {
        self.changed.iter().filter(|c| !c.changes.is_empty())
    }

    fn moved_only(&self) -> impl Iterator<Item = &Changed> {
        self.changed.iter().filter(|c| c.changes.is_empty())
    }

    /// One line: "2 added, 1 changed, 3 rank moves, 1 new finding".
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no change to initiatives, themes or priorities".to_owned();
        }
        let mut parts = Vec::new();
        let mut count = |n: usize, one: &str, many: &str| {
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        };
        count(self.added.len(), "initiative added", "initiatives added");
        count(self.removed.len(), "removed", "removed");
        count(self.renamed.len(), "renamed", "renamed");
        count(self.edited().count(), "changed", "changed");
        let moves = self
            .changed
            .iter()
            .filter(|c| c.rank.before != c.rank.after)
            .count();
        count(moves, "rank move", "rank moves");
        count(
            self.themes_added.len() + self.themes_removed.len() + self.themes_changed.len(),
            "theme changed",
            "themes changed",
        );
        let errors = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        count(errors, "new error", "new errors");
        count(self.findings.len() - errors, "new warning", "new warnings");
        parts.join(", ")
    }
}

fn rank_move(rank: &Move<usize>) -> String {
    match rank.before.cmp(&rank.after) {
        std::cmp::Ordering::Equal => format!("{}", rank.after),
        std::cmp::Ordering::Greater => format!("{} ↑ from {}", rank.after, rank.before),
        std::cmp::Ordering::Less => format!("{} ↓ from {}", rank.after, rank.before),
    }
}

fn score_move(s: &Move<f64>) -> String {
    if (s.before - s.after).abs() <= crate::portfolio::TIE {
        score(s.after)
    } else {
        format!("{} → {}", score(s.before), score(s.after))
    }
}

/// Rows beyond this many go into a folded `<details>` block.
const FOLD: usize = 10;

fn table(out: &mut String, header: &str, rows: &[String]) {
    let columns = header.matches('|').count() - 1;
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "|{}", " --- |".repeat(columns));
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
}

fn section(out: &mut String, title: &str, header: &str, rows: Vec<String>) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### {title}\n");
    if rows.len() > FOLD {
        let _ = writeln!(out, "<details><summary>{} rows</summary>\n", rows.len());
        table(out, header, &rows);
        let _ = writeln!(out, "\n</details>");
    } else {
        table(out, header, &rows);
    }
}

/// The pull-request comment.
pub fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**okr**: {} ({} → {})",
        diff.summary(),
        code(&diff.base),
        code(&diff.head)
    );
    let md = |text: &str| markdown_inline(text);
    section(
        &mut out,
        "Added",
        "| Rank | Initiative | Owner | Score | Themes |",
        diff.added
            .iter()
            .map(|e| {
                format!(
                    "| {} | {} ({}) | {} | {} | {} |",
                    e.rank,
                    md(&e.title),
                    code_cell(&e.id),
                    md(&e.owner),
                    score(e.score),
                    if e.themes.is_empty() {
                        "-".to_owned()
                    } else {
                        md(&list(&e.themes))
                    }
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Removed",
        "| Was rank | Initiative | Owner | Score |",
        diff.removed
            .iter()
            .map(|e| {
                format!(
                    "| {} | {} ({}) | {} | {} |",
                    e.rank,
                    md(&e.title),
                    code_cell(&e.id),
                    md(&e.owner),
                    score(e.score)
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Renamed",
        "| From | To | Title |",
        diff.renamed
            .iter()
            .map(|r| {
                format!(
                    "| {} | {} | {} |",
                    code_cell(&r.from),
                    code_cell(&r.to),
                    md(&r.title)
                )
            })
            .collect(),
    );
    let mut rows = Vec::new();
    for c in diff.edited() {
        for (index, change) in c.changes.iter().enumerate() {
            let (who, rank, score) = if index == 0 {
                (
                    format!("{} ({})", md(&c.title), code_cell(&c.id)),
                    rank_move(&c.rank),
                    score_move(&c.score),
                )
            } else {
                (String::new(), String::new(), String::new())
            };
            rows.push(format!(
                "| {who} | {} | {} | {} | {score} | {rank} |",
                md(&change.field),
                md(&cut(&change.before, 80)),
                md(&cut(&change.after, 80))
            ));
        }
    }
    section(
        &mut out,
        "Changed",
        "| Initiative | Field | Before | After | Score | Rank |",
        rows,
    );
    section(
        &mut out,
        "Score and rank moves",
        "| Initiative | Score | Rank |",
        diff.moved_only()
            .map(|c| {
                format!(
                    "| {} ({}) | {} | {} |",
                    md(&c.title),
                    code_cell(&c.id),
                    score_move(&c.score),
                    rank_move(&c.rank)
                )
            })
            .collect(),
    );
    let mut rows = Vec::new();
    for t in &diff.themes_added {
        rows.push(format!(
            "| {} ({}) | new theme | {} |",
            md(&t.title),
            code_cell(&t.id),
            md(&list(&t.initiatives))
        ));
    }
    for t in &diff.themes_removed {
        rows.push(format!(
            "| {} ({}) | removed | {} |",
            md(&t.title),
            code_cell(&t.id),
            md(&list(&t.initiatives))
        ));
    }
    for t in &diff.themes_changed {
        let mut what = Vec::new();
        if !t.joined.is_empty() {
            what.push(format!("joined: {}", list(&t.joined)));
        }
        if !t.left.is_empty() {
            what.push(format!("left: {}", list(&t.left)));
        }
        for change in &t.changes {
            what.push(format!(
                "{}: {} → {}",
                change.field, change.before, change.after
            ));
        }
        what.push(format!(
            "score {}, rank {}",
            score_move(&t.score),
            rank_move(&t.rank)
        ));
        rows.push(format!(
            "| {} ({}) | changed | {} |",
            md(&t.title),
            code_cell(&t.id),
            md(&what.join("; "))
        ));
    }
    section(&mut out, "Themes", "| Theme | Change | Details |", rows);
    section(
        &mut out,
        "New findings",
        "| Severity | Rule | Where | Message |",
        diff.findings
            .iter()
            .map(|f| {
                let severity = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                format!(
                    "| {severity} | {} | {} | {} |",
                    code_cell(f.rule),
                    code_cell(&format!("{}:{}:{}", f.file, f.line, f.column)),
                    md(&f.message)
                )
            })
            .collect(),
    );
    out
}

/// For a terminal: what a terminal would act on in the repository's text is escaped.
pub fn human(diff: &Diff) -> String {
    crate::output::terminal_safe(&human_text(diff)).into_owned()
}

fn human_text(diff: &Diff) -> String {
    let mut out = format!("{} → {}: {}\n", diff.base, diff.head, diff.summary());
    for e in &diff.added {
        let _ = writeln!(
            out,
            "+ {} (rank {}, score {}): {}",
            e.id,
            e.rank,
            score(e.score),
            e.title
        );
    }
    for e in &diff.removed {
        let _ = writeln!(out, "- {} (was rank {}): {}", e.id, e.rank, e.title);
    }
    for r in &diff.renamed {
        let _ = writeln!(out, "~ {} → {}: {}", r.from, r.to, r.title);
    }
    for c in &diff.changed {
        let _ = writeln!(
            out,
            "~ {}: score {}, rank {}",
            c.id,
            score_move(&c.score),
            rank_move(&c.rank)
        );
        for change in &c.changes {
            let _ = writeln!(
                out,
                "    {}: {:?} → {:?}",
                change.field, change.before, change.after
            );
        }
    }
    for t in &diff.themes_added {
        let _ = writeln!(out, "+ theme {}: {}", t.id, t.title);
    }
    for t in &diff.themes_removed {
        let _ = writeln!(out, "- theme {}: {}", t.id, t.title);
    }
    for t in &diff.themes_changed {
        let _ = writeln!(
            out,
            "~ theme {}: score {}, rank {}",
            t.id,
            score_move(&t.score),
            rank_move(&t.rank)
        );
        if !t.joined.is_empty() {
            let _ = writeln!(out, "    joined: {}", list(&t.joined));
        }
        if !t.left.is_empty() {
            let _ = writeln!(out, "    left: {}", list(&t.left));
        }
        for change in &t.changes {
            let _ = writeln!(
                out,
                "    {}: {:?} → {:?}",
                change.field, change.before, change.after
            );
        }
    }
    for f in &diff.findings {
        let _ = writeln!(
            out,
            "! {}:{}:{}: {} [{}]",
            f.file, f.line, f.column, f.message, f.rule
        );
    }
    out
}
