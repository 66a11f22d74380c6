//! The prioritised view of a checked model: scores, ranks, and themes with their members.
//!
//! Only open work is ranked (proposed, accepted, active): done and dropped initiatives keep
//! their score but have no rank, and come after the ranked ones, done before dropped. A view
//! holds the initiatives of one period ([`View`]); scores and loads count only those.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::error::Result;
use crate::model::{Initiative, Model, Status, Theme, mean_progress};
use crate::period::{Period, View};
use crate::score::Inputs;

/// Scores closer than this are ties, broken by id.
pub const TIE: f64 = 1e-9;

/// An initiative with its score, rank and the ids of the themes it joins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    #[serde(flatten)]
    pub initiative: Initiative,
    pub score: f64,
    /// From 1, among the open initiatives; `None` for done and dropped ones.
    pub rank: Option<usize>,
    pub themes: Vec<String>,
    /// Mean progress of its key results; `None` without any.
    pub progress: Option<f64>,
}

/// A theme with its score (the sum of its open members' scores), load, rank and members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedTheme {
    #[serde(flatten)]
    pub theme: Theme,
    pub score: f64,
    /// The sum of its open members' cost numbers: how much work it asks for.
    pub load: f64,
    pub rank: usize,
    pub progress: Option<f64>,
    /// Member ids in the order of [`Portfolio::initiatives`]: the ranked ones, then the done
    /// and the dropped ones.
    pub initiatives: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Portfolio {
    pub config: Config,
    /// Which periods' initiatives it holds.
    pub view: View,
    /// The initiatives in view: the open ones in rank order, then the done ones and the
    /// dropped ones, each by score. Shared, so that rendered views can read them without
    /// copies.
    pub initiatives: std::sync::Arc<Vec<Ranked>>,
    /// In rank order.
    pub themes: Vec<RankedTheme>,
    /// Ids of open initiatives that join no theme, in rank order.
    pub orphans: Vec<String>,
    /// Positions in `initiatives`, in the order of their ids.
    by_id: Vec<usize>,
    /// Positions in `themes` by id.
    theme_index: HashMap<String, usize>,
}

impl Portfolio {
    pub fn build(config: &Config, model: Model) -> Result<Portfolio> {
        let initiatives = model.initiatives.into_iter().map(Ranked::from).collect();
        Portfolio::of(config, initiatives, model.themes)
    }

    /// [`Portfolio::build`] from initiatives in any order, not yet scored: each is scored and
    /// joined to its themes where it lies, and the list is sorted into rank order in place,
    /// since the initiatives are large.
    pub fn of(config: &Config, initiatives: Vec<Ranked>, themes: Vec<Theme>) -> Result<Portfolio> {
        Portfolio::of_view(config, initiatives, themes, View::All)
    }

    /// [`Portfolio::of`] the initiatives that `view` shows; the others are let go first, so
    /// that ranks, theme scores and loads count only the initiatives in view. The view of a
    /// period shows the work planned in it and the work its close graded, which `okr close
    /// --to` may have carried into the next period since.
    pub fn of_view(
        config: &Config,
        mut initiatives: Vec<Ranked>,
        mut themes: Vec<Theme>,
        view: View,
    ) -> Result<Portfolio> {
        if view != View::All {
            initiatives.retain(|r| {
                let i = &r.initiative;
                view.shows(i.period.as_deref())
                    || view.period().is_some_and(|period| {
                        i.closed
                            .iter()
                            .any(|c| Period::parse(&c.period) == Some(period))
                    })
            });
        }
        themes.sort_by(|a, b| a.id.cmp(&b.id));
        // Where each id falls among all the ids: ties of score are broken by it.
        let id_order = crate::in_place::sorted_order(&initiatives, |r| r.initiative.id.as_str());
        let mut id_place = vec![0; id_order.len()];
        for (place, &index) in id_order.iter().enumerate() {
            id_place[index] = place;
        }
        // Scored in id order, so that a formula that fails names the same initiative whatever
        // order the files came in.
        let by_id_scores = config.formula.scores(id_order.iter().map(|&index| {
            let i = &initiatives[index].initiative;
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
        let mut scores = vec![0.0; initiatives.len()];
        for (&index, score) in id_order.iter().zip(by_id_scores) {
            scores[index] = score;
        }
        // Which themes each tag leads to, so joining is one lookup per tag.
        let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, theme) in themes.iter().enumerate() {
            for tag in &theme.tags {
                by_tag.entry(tag.as_str()).or_default().push(index);
            }
        }
        initiatives
            .par_iter_mut()
            .zip(scores)
            .for_each(|(ranked, score)| {
                let mut joined: Vec<usize> = ranked
                    .initiative
                    .tags
                    .iter()
                    .filter_map(|tag| by_tag.get(tag.as_str()))
                    .flatten()
                    .copied()
                    .collect();
                joined.sort_unstable();
                joined.dedup();
                ranked.themes = joined
                    .into_iter()
                    .map(|index| themes[index].id.clone())
                    .collect();
                ranked.progress = mean_progress(&ranked.initiative.key_results);
                ranked.score = score;
            });
        drop(by_tag);
        // One move of each initiative, into rank order: the open ones first, then the done
        // and the dropped ones (a stable sort keeps each group in the order of its scores).
        let mut places = rank_order(
            initiatives
                .iter()
                .zip(&id_place)
                .map(|(ranked, &place)| (ranked.score, place))
                .collect(),
        );
        places.sort_by_key(|&place| closed_group(initiatives[id_order[place]].initiative.status));
        let order: Vec<usize> = places.iter().map(|&place| id_order[place]).collect();
        crate::in_place::permute(&mut initiatives, &order);
        for (index, ranked) in initiatives.iter_mut().enumerate() {
            ranked.rank = ranked.initiative.status.is_open().then_some(index + 1);
        }
        let mut by_id = vec![0; places.len()];
        for (position, place) in places.into_iter().enumerate() {
            by_id[place] = position;
        }

        // Members in rank order, and each theme's score and load: sums over its open members.
        let mut theme_at: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, theme) in themes.iter().enumerate() {
            theme_at.entry(theme.id.as_str()).or_default().push(index);
        }
        let mut members: Vec<(Vec<String>, f64, f64)> = vec![(Vec::new(), 0.0, 0.0); themes.len()];
        for ranked in &initiatives {
            for id in &ranked.themes {
                for &index in theme_at.get(id.as_str()).into_iter().flatten() {
                    let (ids, score, load) = &mut members[index];
                    ids.push(ranked.initiative.id.clone());
                    if ranked.initiative.status.is_open() {
                        *score += ranked.score;
                        *load += ranked.initiative.cost.value;
                    }
                }
            }
        }
        drop(theme_at);
        let themes: Vec<RankedTheme> = themes
            .into_iter()
            .zip(members)
            .map(|(theme, (initiatives, score, load))| RankedTheme {
                progress: mean_progress(&theme.key_results),
                initiatives,
                theme,
                score,
                load,
                rank: 0,
            })
            .collect();
        let mut themes = rank(themes, |t| (t.score, t.theme.id.as_str()));
        for (index, theme) in themes.iter_mut().enumerate() {
            theme.rank = index + 1;
        }
        let orphans = initiatives
            .iter()
            .filter(|r| r.themes.is_empty() && r.initiative.status.is_open())
            .map(|r| r.initiative.id.clone())
            .collect();
        let theme_index = themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.theme.id.clone(), i))
            .collect();
        Ok(Portfolio {
            config: config.clone(),
            view,
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

/// Where an initiative of `status` goes in the list: the open ones, then the done ones, then
/// the dropped ones.
fn closed_group(status: Status) -> u8 {
    match status {
        Status::Done => 1,
        Status::Dropped => 2,
        _ => 0,
    }
}

/// Sorts highest score first; scores within [`TIE`] of the first of their run are ties, by id.
///
/// The items come in id order, so an item's position stands for its id and no id is
/// compared; and the keys are sorted, not the items, which are large.
fn rank<T>(mut items: Vec<T>, key: impl Fn(&T) -> (f64, &str)) -> Vec<T> {
    debug_assert!(items.is_sorted_by(|a, b| key(a).1 <= key(b).1));
    let order = rank_order(
        items
            .iter()
            .enumerate()
            .map(|(index, item)| (key(item).0, index))
            .collect(),
    );
    crate::in_place::permute(&mut items, &order);
    items
}

/// The rank order of `keys`, each a score and the place of its id among all ids (all
/// different): highest score first, and scores within [`TIE`] of the first of their run tied,
/// by id. Gives the places in that order.
fn rank_order(mut keys: Vec<(f64, usize)>) -> Vec<usize> {
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
            keys[start..end].sort_unstable_by_key(|&(_, place)| place);
        }
        start = end;
    }
    keys.into_iter().map(|(_, place)| place).collect()
}

impl From<Initiative> for Ranked {
    /// An initiative not yet ranked: [`Portfolio::of`] scores, joins and ranks it.
    fn from(initiative: Initiative) -> Ranked {
        Ranked {
            initiative,
            score: 0.0,
            rank: None,
            themes: Vec::new(),
            progress: None,
        }
    }
}

impl crate::validate::Outlined for Ranked {
    fn outline(&self) -> crate::validate::OutlineRef<'_> {
        self.initiative.outline()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, Status};

    fn initiative(id: &str, impact: f64, tag: &str) -> Initiative {
        let level = |value: f64| Level {
            name: value.to_string(),
            value,
        };
        Initiative {
            id: id.into(),
            file: format!("initiatives/{id}.toml"),
            title: id.to_uppercase(),
            problem: "P".into(),
            outcome: None,
            owner: "o".into(),
            supporters: vec![],
            tags: vec![tag.into()],
            impact: level(impact),
            cost: level(1.0),
            confidence: level(1.0),
            status: Status::Proposed,
            period: None,
            depends_on: vec![],
            links: vec![],
            key_results: vec![],
            checkin: None,
            closed: Vec::new(),
        }
    }

    /// Ranking in place gives what ranking a sorted model gives, whatever order the
    /// initiatives come in: ties (equal scores) are broken by id, not by where they lay.
    #[test]
    fn initiatives_in_any_order_rank_as_a_sorted_model_does() {
        let theme = Theme {
            tags: vec!["x".into()],
            ..Theme::example("t")
        };
        let sorted: Vec<Initiative> = [
            ("a", 2.0, "x"),
            ("b", 3.0, "y"),
            ("c", 2.0, "x"),
            ("d", 3.0, "x"),
            ("e", 1.0, "x"),
        ]
        .iter()
        .map(|&(id, impact, tag)| initiative(id, impact, tag))
        .collect();
        let config = Config::default();
        let model = Model {
            initiatives: sorted.clone(),
            themes: vec![theme.clone()],
        };
        let expected = Portfolio::build(&config, model).unwrap();
        for order in [[4, 3, 2, 1, 0], [2, 0, 4, 1, 3], [1, 3, 0, 4, 2]] {
            let initiatives = order
                .iter()
                .map(|&i| Ranked::from(sorted[i].clone()))
                .collect();
            let portfolio = Portfolio::of(&config, initiatives, vec![theme.clone()]).unwrap();
            assert_eq!(portfolio.initiatives, expected.initiatives, "{order:?}");
            let by_id: Vec<&str> = portfolio
                .by_id()
                .map(|r| r.initiative.id.as_str())
                .collect();
            assert_eq!(by_id, ["a", "b", "c", "d", "e"]);
            assert_eq!(portfolio.themes, expected.themes);
            assert_eq!(portfolio.orphans, ["b"]);
        }
        let ranks: Vec<&str> = expected
            .initiatives
            .iter()
            .map(|r| r.initiative.id.as_str())
            .collect();
        assert_eq!(ranks, ["b", "d", "a", "c", "e"]);
    }

    fn theme(tag: &str) -> Theme {
        Theme {
            tags: vec![tag.into()],
            ..Theme::example(tag)
        }
    }

    /// `(id, impact, cost, status, period)`, all with the tag `x`.
    fn portfolio_of(items: &[(&str, f64, f64, Status, Option<&str>)], view: View) -> Portfolio {
        let initiatives = items
            .iter()
            .map(|&(id, impact, cost, status, period)| {
                let mut i = initiative(id, impact, "x");
                i.cost.value = cost;
                i.status = status;
                i.period = period.map(str::to_owned);
                Ranked::from(i)
            })
            .collect();
        Portfolio::of_view(&Config::default(), initiatives, vec![theme("x")], view).unwrap()
    }

    fn ids_and_ranks(portfolio: &Portfolio) -> Vec<(&str, Option<usize>)> {
        portfolio
            .initiatives
            .iter()
            .map(|r| (r.initiative.id.as_str(), r.rank))
            .collect()
    }

    /// Done and dropped work keeps its score but no rank, and comes after the ranked work,
    /// done before dropped; a theme's score and load count its open members only.
    #[test]
    fn only_open_work_is_ranked_and_counted() {
        let portfolio = portfolio_of(
            &[
                ("a", 5.0, 1.0, Status::Dropped, None),
                ("b", 4.0, 1.0, Status::Done, None),
                ("c", 3.0, 2.0, Status::Active, None),
                ("d", 1.0, 5.0, Status::Proposed, None),
                ("e", 9.0, 3.0, Status::Done, None),
                ("f", 2.0, 1.0, Status::Accepted, None),
            ],
            View::All,
        );
        assert_eq!(
            ids_and_ranks(&portfolio),
            [
                ("f", Some(1)),
                ("c", Some(2)),
                ("d", Some(3)),
                ("b", None),
                ("e", None),
                ("a", None),
            ]
        );
        assert_eq!(portfolio.initiative("a").unwrap().score, 5.0);
        let theme = &portfolio.themes[0];
        assert_eq!(theme.initiatives, ["f", "c", "d", "b", "e", "a"]);
        assert!((theme.score - (2.0 + 1.5 + 0.2)).abs() < TIE);
        assert_eq!(theme.load, 1.0 + 2.0 + 5.0);
    }

    #[test]
    fn only_closed_work_is_an_orphan_of_none() {
        let initiatives = vec![
            Ranked::from(initiative("a", 1.0, "y")),
            Ranked::from(Initiative {
                status: Status::Done,
                ..initiative("b", 2.0, "y")
            }),
        ];
        let portfolio = Portfolio::of(&Config::default(), initiatives, vec![theme("x")]).unwrap();
        assert_eq!(portfolio.orphans, ["a"]);
    }

    /// A view holds the initiatives whose period overlaps its own, and those without a
    /// period; ranks, scores and loads count only those.
    #[test]
    fn a_view_ranks_and_counts_the_initiatives_of_its_period() {
        let items = [
            ("a", 5.0, 1.0, Status::Active, Some("2025-Q4")),
            ("b", 4.0, 1.0, Status::Active, Some("2026")),
            ("c", 3.0, 1.0, Status::Proposed, None),
            ("d", 2.0, 1.0, Status::Proposed, Some("2026-Q1")),
            ("e", 1.0, 1.0, Status::Proposed, Some("2026-Q2")),
        ];
        let q1 = View::Of(crate::period::Period::Quarter(2026, 1));
        let portfolio = portfolio_of(&items, q1);
        assert_eq!(portfolio.view, q1);
        assert_eq!(
            ids_and_ranks(&portfolio),
            [("b", Some(1)), ("c", Some(2)), ("d", Some(3))]
        );
        assert!(portfolio.initiative("a").is_none());
        assert_eq!(portfolio.themes[0].score, 9.0);
        assert_eq!(portfolio.themes[0].load, 3.0);
        let all = portfolio_of(&items, View::All);
        assert_eq!(all.initiatives.len(), 5);
        assert_eq!(all.themes[0].score, 15.0);
        assert_eq!(all.themes[0].load, 5.0);
    }

    /// Work that a period's close graded and carried on stays in that period's view.
    #[test]
    fn the_view_of_a_closed_period_keeps_the_work_it_graded() {
        let carried = Initiative {
            period: Some("2026-Q2".into()),
            closed: vec![crate::model::Closed {
                period: "2026-Q1".into(),
                grade: Some(0.5),
                outcome: crate::model::Outcome::Partial,
                learned: String::new(),
            }],
            ..initiative("carried", 1.0, "x")
        };
        let later = Initiative {
            period: Some("2026-Q2".into()),
            ..initiative("later", 1.0, "x")
        };
        let ids = |quarter: u8| -> Vec<String> {
            let view = View::Of(crate::period::Period::Quarter(2026, quarter));
            let portfolio = Portfolio::of_view(
                &Config::default(),
                vec![Ranked::from(carried.clone()), Ranked::from(later.clone())],
                vec![],
                view,
            )
            .unwrap();
            portfolio.by_id().map(|r| r.initiative.id.clone()).collect()
        };
        assert_eq!(ids(1), ["carried"]);
        assert_eq!(ids(2), ["carried", "later"]);
        assert!(ids(3).is_empty());
    }

    #[test]
    fn ranks_by_score_then_id_with_a_tolerance() {
        let items = vec![(0.1 + 0.2, "a"), (0.3, "b"), (0.1, "c"), (0.9, "z")];
        let keys = items
            .iter()
            .enumerate()
            .map(|(i, (s, _))| (*s, i))
            .collect();
        assert_eq!(rank_order(keys), [3, 0, 1, 2]);
        let items = rank(items, |(s, id)| (*s, id));
        let ids: Vec<_> = items.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, ["z", "a", "b", "c"]);
    }
}
