//! What differs between two sides: the types the comparison fills in, which the comment, the
//! terminal output and `--format json` all read.

use serde::Serialize;

use crate::finding::Severity;
use crate::portfolio::Ranked;
use crate::text::score;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move<T> {
    pub before: T,
    pub after: T,
}

impl<T> Move<T> {
    /// What `get` reads from the old side and from the new.
    pub(crate) fn of<S>(old: &S, new: &S, get: impl Fn(&S) -> T) -> Move<T> {
        Move {
            before: get(old),
            after: get(new),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub score: f64,
    /// `None` for done and dropped work, which is not ranked.
    pub rank: Option<usize>,
    pub themes: Vec<String>,
    pub file: String,
}

impl Entry {
    pub(super) fn of(r: &Ranked) -> Entry {
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

/// An initiative whose file is on both sides but does not parse or build on the head: broken
/// in this change, not removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Broken {
    pub id: String,
    /// As the base had it.
    pub title: String,
    pub owner: String,
    pub file: String,
    /// Its rank on the base.
    pub rank: Option<usize>,
    /// The head's new findings in its file: why it does not build.
    pub findings: Vec<NewFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renamed {
    pub from: String,
    pub to: String,
    pub title: String,
    /// What else changed: its fields (the file only when it moved to another folder).
    pub changes: Vec<FieldChange>,
    pub score: Move<f64>,
    pub rank: Move<Option<usize>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The key, or `key result `title`` for a key result.
    pub field: String,
    pub before: String,
    pub after: String,
    /// The key result's title when the field is one, for views that set it as code.
    #[serde(skip)]
    pub key_result: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub id: String,
    pub title: String,
    /// Fields whose values differ; empty when only the score or rank moved.
    pub changes: Vec<FieldChange>,
    pub score: Move<f64>,
    /// `None` on the side where it was done or dropped, so not ranked.
    pub rank: Move<Option<usize>>,
}

/// An initiative that only moved because work above it was added, removed, closed or
/// reopened: its score held and nothing overtook it, nor it anything.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shifted {
    pub id: String,
    pub title: String,
    pub rank: Move<Option<usize>>,
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
    pub broken: Vec<Broken>,
    pub renamed: Vec<Renamed>,
    /// Initiatives whose fields or score changed, or that overtook another or were overtaken.
    pub changed: Vec<Changed>,
    /// Initiatives that only shifted in rank: see [`Shifted`].
    pub shifted: Vec<Shifted>,
    pub themes_added: Vec<ThemeEntry>,
    pub themes_removed: Vec<ThemeEntry>,
    pub themes_changed: Vec<ThemeChange>,
    /// Findings in the head that the base does not have, but those of broken files.
    pub findings: Vec<NewFinding>,
    /// The owners of the themes whose ranking or members changed, sorted: who should look.
    pub affected: Vec<String>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.broken.is_empty()
            && self.renamed.is_empty()
            && self.changed.is_empty()
            && self.shifted.is_empty()
            && self.themes_added.is_empty()
            && self.themes_removed.is_empty()
            && self.themes_changed.is_empty()
            && self.findings.is_empty()
    }

    pub(super) fn edited(&self) -> impl Iterator<Item = &Changed> {
        self.changed.iter().filter(|c| !c.changes.is_empty())
    }

    pub(super) fn moved_only(&self) -> impl Iterator<Item = &Changed> {
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
        count(
            self.broken.len(),
            "broken in this change",
            "broken in this change",
        );
        count(self.renamed.len(), "renamed", "renamed");
        count(self.edited().count(), "changed", "changed");
        let moves = self
            .changed
            .iter()
            .filter(|c| c.rank.before != c.rank.after)
            .count();
        count(moves, "rank move", "rank moves");
        count(self.shifted.len(), "shifted", "shifted");
        count(
            self.themes_added.len() + self.themes_removed.len() + self.themes_changed.len(),
            "theme changed",
            "themes changed",
        );
        let findings = || {
            self.findings
                .iter()
                .chain(self.broken.iter().flat_map(|b| &b.findings))
        };
        let errors = findings().filter(|f| f.severity == Severity::Error).count();
        count(errors, "new error", "new errors");
        count(findings().count() - errors, "new warning", "new warnings");
        parts.join(", ")
    }
}

/// The shifted initiatives as one line: `6 initiatives shifted down 1 rank, only because work
/// above them entered or left the ranking`.
pub(super) fn shifted_line(shifted: &[Shifted]) -> Option<String> {
    if shifted.is_empty() {
        return None;
    }
    let delta = |s: &Shifted| match (s.rank.before, s.rank.after) {
        (Some(before), Some(after)) => after as isize - before as isize,
        _ => 0,
    };
    let down = shifted.iter().filter(|s| delta(s) > 0).count();
    let up = shifted.len() - down;
    let most = shifted
        .iter()
        .map(|s| delta(s).unsigned_abs())
        .max()
        .unwrap_or(0);
    let ranks = if most == 1 { "rank" } else { "ranks" };
    let n = shifted.len();
    let what = if n == 1 { "initiative" } else { "initiatives" };
    let direction = match (down, up) {
        (_, 0) => "down".to_owned(),
        (0, _) => "up".to_owned(),
        _ => format!("({down} down, {up} up)"),
    };
    let by = if down > 0 && up > 0 {
        format!("by up to {most} {ranks}")
    } else if shifted.iter().all(|s| delta(s).unsigned_abs() == most) {
        format!("{most} {ranks}")
    } else {
        format!("up to {most} {ranks}")
    };
    let them = if n == 1 { "it" } else { "them" };
    Some(format!(
        "{n} {what} shifted {direction} {by}, only because work above {them} entered or left \
         the ranking"
    ))
}

/// Words kept on each side of the part of a long text that changed.
const CONTEXT: usize = 4;

/// A changed text before and after, each at most `max` characters: whole when both fit, else
/// the words that differ with [`CONTEXT`] words on each side, `…` where words were left out.
/// Two long texts that share their start then read differently, as they are.
pub(super) fn excerpts(before: &str, after: &str, max: usize) -> (String, String) {
    let (a, b): (Vec<&str>, Vec<&str>) = (
        before.split_whitespace().collect(),
        after.split_whitespace().collect(),
    );
    let fits = |words: &[&str]| words.join(" ").chars().count() <= max;
    if fits(&a) && fits(&b) {
        return (a.join(" "), b.join(" "));
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let excerpt = |words: &[&str]| {
        let start = prefix.saturating_sub(CONTEXT);
        let end = (words.len() - suffix + CONTEXT).min(words.len());
        let mut text = words[start..end].join(" ");
        if start > 0 {
            text.insert_str(0, "… ");
        }
        if end < words.len() {
            text.push_str(" …");
        }
        crate::text::cut(&text, max)
    };
    (excerpt(&a), excerpt(&b))
}

/// A list as one cell: `a, b`.
pub(super) fn list(items: &[String]) -> String {
    items.join(", ")
}

/// A theme's rank as it reads with its move: `2 ↑ from 5`.
pub(super) fn theme_rank_move(rank: &Move<usize>) -> String {
    match rank.before.cmp(&rank.after) {
        std::cmp::Ordering::Equal => format!("{}", rank.after),
        std::cmp::Ordering::Greater => format!("{} ↑ from {}", rank.after, rank.before),
        std::cmp::Ordering::Less => format!("{} ↓ from {}", rank.after, rank.before),
    }
}

/// An initiative's rank as it reads with its move, for a table cell: `2 ↑ from 5`; work that
/// was done or dropped "left the ranking (was 5)", work reopened "3, back in the ranking".
pub(super) fn rank_move(rank: &Move<Option<usize>>) -> String {
    match (rank.before, rank.after) {
        (Some(before), Some(after)) => theme_rank_move(&Move { before, after }),
        (Some(before), None) => format!("left the ranking (was {before})"),
        (None, Some(after)) => format!("{after}, back in the ranking"),
        (None, None) => "-".to_owned(),
    }
}

/// [`rank_move`] as a phrase: `rank 2 ↑ from 5`, `left the ranking (was 5)`, `unranked`.
pub(super) fn rank_phrase(rank: &Move<Option<usize>>) -> String {
    match (rank.before, rank.after) {
        (Some(_), Some(_)) => format!("rank {}", rank_move(rank)),
        (None, None) => "unranked".to_owned(),
        _ => rank_move(rank),
    }
}

/// A rank in a table cell: the number, or `-` for work that is not ranked.
pub(super) fn rank_cell(rank: Option<usize>) -> String {
    rank.map_or_else(|| "-".to_owned(), |rank| rank.to_string())
}

/// A rank in a sentence: `rank 2`, or `unranked`.
pub(super) fn rank_label(rank: Option<usize>) -> String {
    rank.map_or_else(|| "unranked".to_owned(), |rank| format!("rank {rank}"))
}

/// Sorts ranked entries first, by rank, and the unranked ones after them.
pub(super) fn by_rank(rank: Option<usize>) -> (bool, Option<usize>) {
    (rank.is_none(), rank)
}

/// A score as it reads with its move: `1.20 → 2.40`, or one score if it held.
pub(super) fn score_move(s: &Move<f64>) -> String {
    if (s.before - s.after).abs() <= crate::portfolio::TIE {
        score(s.after)
    } else {
        format!("{} → {}", score(s.before), score(s.after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_shows_the_words_that_changed() {
        let start = "Connection storms from the batch workers take the primary down every night";
        let (before, after) = excerpts(
            &format!("{start} at two, and the on-call engineer restarts it by hand."),
            &format!("{start} at three, and the on-call engineer restarts it by hand."),
            80,
        );
        assert_eq!(
            before,
            "… down every night at two, and the on-call engineer …"
        );
        assert_eq!(
            after,
            "… down every night at three, and the on-call engineer …"
        );
        // Short texts stay whole; a change at the start keeps the start.
        assert_eq!(excerpts("a b", "a c", 80), ("a b".into(), "a c".into()));
        let long = "word ".repeat(30);
        let (before, after) = excerpts(&format!("old {long}"), &format!("new {long}"), 80);
        assert_eq!(before, "old word word word word …");
        assert_eq!(after, "new word word word word …");
    }
}
