//! The prioritised view of a checked model: scores, ranks, and themes with their members.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;
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
    /// In rank order; shared, so that rendered views can read them without copies.
    pub initiatives: std::sync::Arc<Vec<Ranked>>,
    /// In rank order.
    pub themes: Vec<RankedTheme>,
    /// Ids of initiatives that join no theme, in rank order.
    pub orphans: Vec<String>,
    /// Positions in `initiatives`, in the order of their ids.
    by_id: Vec<usize>,
    /// Positions in `themes` by id.
    theme_index: HashMap<String, usize>,
}

impl Portfolio {
    pub fn build(config: &Config, mut model: Model) -> Result<Portfolio> {
        // Ranking breaks ties by id through the order of the model, which the rules give sorted.
        if !model.initiatives.is_sorted_by(|a, b| a.id <= b.id) {
            let order = crate::in_place::sorted_order(&model.initiatives, |i| i.id.as_str());
            crate::in_place::permute(&mut model.initiatives, &order);
        }
        model.themes.sort_by(|a, b| a.id.cmp(&b.id));
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
        // Which themes each tag leads to, so joining is one lookup per tag.
        let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, theme) in model.themes.iter().enumerate() {
            for tag in &theme.tags {
                by_tag.entry(tag.as_str()).or_default().push(index);
            }
        }
        let initiatives: Vec<Ranked> = model
            .initiatives
            .into_par_iter()
            .zip(scores)
            .map(|(initiative, score)| {
                let mut joined: Vec<usize> = initiative
                    .tags
                    .iter()
                    .filter_map(|tag| by_tag.get(tag.as_str()))
                    .flatten()
                    .copied()
                    .collect();
                joined.sort_unstable();
                joined.dedup();
                let themes = joined
                    .into_iter()
                    .map(|index| model.themes[index].id.clone())
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
        // The model's initiatives are in id order, so the ranking's order gives where each id
        // went.
        let (mut initiatives, order) = rank(initiatives, |r| (r.score, r.initiative.id.as_str()));
        for (index, ranked) in initiatives.iter_mut().enumerate() {
            ranked.rank = index + 1;
        }
        let mut by_id = vec![0; order.len()];
        for (position, id_order) in order.into_iter().enumerate() {
            by_id[id_order] = position;
        }

        // Members in rank order, and each theme's score: the sum over its open members.
        let mut theme_at: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, theme) in model.themes.iter().enumerate() {
            theme_at.entry(theme.id.as_str()).or_default().push(index);
        }
        let mut members: Vec<(Vec<String>, f64)> = vec![(Vec::new(), 0.0); model.themes.len()];
        for ranked in &initiatives {
            for id in &ranked.themes {
                for &index in theme_at.get(id.as_str()).into_iter().flatten() {
                    let (ids, score) = &mut members[index];
                    ids.push(ranked.initiative.id.clone());
                    if ranked.initiative.status.is_open() {
                        *score += ranked.score;
                    }
                }
            }
        }
        drop(theme_at);
        let themes: Vec<RankedTheme> = model
            .themes
            .into_iter()
            .zip(members)
            .map(|(theme, (initiatives, score))| RankedTheme {
                progress: mean_progress(&theme.key_results),
                initiatives,
                theme,
                score,
                rank: 0,
            })
            .collect();
        let (mut themes, _) = rank(themes, |t| (t.score, t.theme.id.as_str()));
        for (index, theme) in themes.iter_mut().enumerate() {
            theme.rank = index + 1;
        }
        let orphans = initiatives
            .iter()
            .filter(|r| r.themes.is_empty())
            .map(|r| r.initiative.id.clone())
            .collect();
        let theme_index = themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.theme.id.clone(), i))
            .collect();
        Ok(Portfolio {
            config: config.clone(),
            initiatives: std::sync::Arc::new(initiatives),
            themes,
            orphans,
            by_id,
            theme_index,
        })
    }

    pub fn initiative(&self, id: &str) -> Option<&Ranked> {
        let at = self
            .by_id
            .binary_search_by(|&i| self.initiatives[i].initiative.id.as_str().cmp(id))
            .ok()?;
        Some(&self.initiatives[self.by_id[at]])
    }

    /// The initiatives in the order of their ids.
    pub fn by_id(&self) -> impl Iterator<Item = &Ranked> {
        self.by_id.iter().map(|&i| &self.initiatives[i])
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
/// Gives the sorted items, and for each place the position the item had.
///
/// The items come in id order (the model's), so an item's position stands for its id and no
/// id is compared; and the keys are sorted, not the items, which are large.
fn rank<T>(mut items: Vec<T>, key: impl Fn(&T) -> (f64, &str)) -> (Vec<T>, Vec<usize>) {
    debug_assert!(items.is_sorted_by(|a, b| key(a).1 <= key(b).1));
    let mut keys: Vec<(f64, usize)> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (key(item).0, index))
        .collect();
    keys.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut start = 0;
    while start < keys.len() {
        let first = keys[start].0;
        let mut end = start + 1;
        while end < keys.len() && (first - keys[end].0).abs() <= TIE {
            end += 1;
        }
        // Scores apart by no more than the tie tolerance rank by id alone.
        if keys[start].0 != keys[end - 1].0 {
            keys[start..end].sort_unstable_by_key(|&(_, index)| index);
        }
        start = end;
    }
    let order: Vec<usize> = keys.into_iter().map(|(_, index)| index).collect();
    crate::in_place::permute(&mut items, &order);
    (items, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_by_score_then_id_with_a_tolerance() {
        let items = vec![(0.1 + 0.2, "a"), (0.3, "b"), (0.1, "c"), (0.9, "z")];
        let (items, order) = rank(items, |(s, id)| (*s, id));
        let ids: Vec<_> = items.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, ["z", "a", "b", "c"]);
        assert_eq!(order, [3, 0, 1, 2]);
    }
}
