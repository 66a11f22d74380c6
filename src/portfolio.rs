//! The prioritised view of a checked model: scores, ranks, and themes with their members.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::config::Config;
use crate::error::Result;
use crate::model::{Initiative, Model, Theme, mean_progress};
use crate::score::Inputs;

/// Scores closer than this are ties, broken by id.
pub const TIE: f64 = 1e-9;

/// An initiative with its score, rank (from 1) and the ids of the themes it joins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    #[serde(flatten)]
    pub initiative: Initiative,
    pub score: f64,
    pub rank: usize,
    pub themes: Vec<String>,
    /// Mean progress of its key results; `None` without any.
    pub progress: Option<f64>,
}

/// A theme with its score (the sum of its open members' scores), rank and members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedTheme {
    #[serde(flatten)]
    pub theme: Theme,
    pub score: f64,
    pub rank: usize,
    pub progress: Option<f64>,
    /// Member ids in rank order.
    pub initiatives: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Portfolio {
    pub config: Config,
    /// In rank order.
    pub initiatives: Vec<Ranked>,
    /// In rank order.
    pub themes: Vec<RankedTheme>,
    /// Ids of initiatives that join no theme, in rank order.
    pub orphans: Vec<String>,
    /// Positions in `initiatives` and `themes` by id.
    initiative_index: HashMap<String, usize>,
    theme_index: HashMap<String, usize>,
}

impl Portfolio {
    pub fn build(config: &Config, model: Model) -> Result<Portfolio> {
        let scores = config.formula.scores(model.initiatives.iter().map(|i| {
            (
                i.id.as_str(),
                Inputs {
                    impact: i.impact.value,
                    cost: i.cost.value,
                    confidence: i.confidence.value,
                    supporters: i.supporters.len(),
                },
            )
        }))?;
        let mut initiatives: Vec<Ranked> = model
            .initiatives
            .into_iter()
            .zip(scores)
            .map(|(initiative, score)| {
                let themes = model
                    .themes
                    .iter()
                    .filter(|t| t.tags.iter().any(|tag| initiative.tags.contains(tag)))
                    .map(|t| t.id.clone())
                    .collect();
                let progress = mean_progress(&initiative.key_results);
                Ranked {
                    initiative,
                    score,
                    rank: 0,
                    themes,
                    progress,
                }
            })
            .collect();
        rank(&mut initiatives, |r| (r.score, r.initiative.id.as_str()));
        for (index, ranked) in initiatives.iter_mut().enumerate() {
            ranked.rank = index + 1;
        }

        let mut themes: Vec<RankedTheme> = model
            .themes
            .into_iter()
            .map(|theme| {
                let members: Vec<&Ranked> = initiatives
                    .iter()
                    .filter(|r| r.themes.contains(&theme.id))
                    .collect();
                let score = members
                    .iter()
                    .filter(|r| r.initiative.status.is_open())
                    .map(|r| r.score)
                    .sum();
                let progress = mean_progress(&theme.key_results);
                RankedTheme {
                    initiatives: members.iter().map(|r| r.initiative.id.clone()).collect(),
                    theme,
                    score,
                    rank: 0,
                    progress,
                }
            })
            .collect();
        rank(&mut themes, |t| (t.score, t.theme.id.as_str()));
        for (index, theme) in themes.iter_mut().enumerate() {
            theme.rank = index + 1;
        }
        let orphans = initiatives
            .iter()
            .filter(|r| r.themes.is_empty())
            .map(|r| r.initiative.id.clone())
            .collect();
        let initiative_index = initiatives
            .iter()
            .enumerate()
            .map(|(i, r)| (r.initiative.id.clone(), i))
            .collect();
        let theme_index = themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.theme.id.clone(), i))
            .collect();
        Ok(Portfolio {
            config: config.clone(),
            initiatives,
            themes,
            orphans,
            initiative_index,
            theme_index,
        })
    }

    pub fn initiative(&self, id: &str) -> Option<&Ranked> {
        self.initiative_index.get(id).map(|&i| &self.initiatives[i])
    }

    pub fn theme(&self, id: &str) -> Option<&RankedTheme> {
        self.theme_index.get(id).map(|&i| &self.themes[i])
    }

    /// Every tag in use, sorted.
    pub fn tags(&self) -> BTreeSet<&str> {
        self.initiatives
            .iter()
            .flat_map(|r| r.initiative.tags.iter().map(String::as_str))
            .collect()
    }
}

/// Sorts highest score first; scores within [`TIE`] of the first of their run are ties, by id.
fn rank<T>(items: &mut [T], key: impl Fn(&T) -> (f64, &str)) {
    items.sort_by(|a, b| {
        let (sa, ia) = key(a);
        let (sb, ib) = key(b);
        sb.total_cmp(&sa).then_with(|| ia.cmp(ib))
    });
    let mut start = 0;
    while start < items.len() {
        let first = key(&items[start]).0;
        let mut end = start + 1;
        while end < items.len() && (first - key(&items[end]).0).abs() <= TIE {
            end += 1;
        }
        items[start..end].sort_by(|a, b| key(a).1.cmp(key(b).1));
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_by_score_then_id_with_a_tolerance() {
        let mut items = vec![(0.3, "b"), (0.1 + 0.2, "a"), (0.9, "z"), (0.1, "c")];
        rank(&mut items, |(s, id)| (*s, id));
        let ids: Vec<_> = items.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, ["z", "a", "b", "c"]);
    }
}
