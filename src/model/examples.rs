//! Values of the model with every field set, for the tests of any module.

use super::*;

impl Initiative {
    /// An initiative with every field set, for tests.
    pub(crate) fn example() -> Initiative {
        let level = |name: &str| Level {
            name: name.into(),
            value: 1.0,
        };
        Initiative {
            id: "a".into(),
            file: "initiatives/a.toml".into(),
            title: "T".into(),
            problem: "P".into(),
            outcome: Some("O".into()),
            owner: "o".into(),
            supporters: vec!["s".into()],
            tags: vec!["t".into()],
            impact: level("high"),
            cost: level("s"),
            confidence: level("high"),
            status: Status::Active,
            period: Some("2026-Q1".into()),
            depends_on: vec!["b".into()],
            links: vec!["https://x".into()],
            key_results: vec![KeyResult {
                title: "k".into(),
                unit: Some("%".into()),
                measure: Measure::Numeric {
                    baseline: 0.0,
                    target: 1.0,
                    current: 0.5,
                },
            }],
            checkin: Some(Checkin {
                date: "2026-02-02".into(),
                health: Some(Health::AtRisk),
                note: Some("N".into()),
            }),
            closed: vec![Closed {
                period: "2025-Q4".into(),
                grade: Some(0.5),
                outcome: Outcome::Partial,
                learned: "L".into(),
            }],
        }
    }
}

impl Theme {
    /// A theme `id` in `themes/<id>.toml`, titled in capitals, with nothing else set, for tests.
    pub(crate) fn example(id: &str) -> Theme {
        Theme {
            id: id.into(),
            file: format!("themes/{id}.toml"),
            title: id.to_uppercase(),
            why: None,
            owner: None,
            commitment: Commitment::default(),
            parent: None,
            weight: 1.0,
            tags: vec![],
            checkin: None,
            key_results: vec![],
            closed: Vec::new(),
        }
    }
}

impl KeyResult {
    /// A numeric key result titled `kr`, for tests.
    pub(crate) fn numeric(baseline: f64, target: f64, current: f64) -> KeyResult {
        KeyResult {
            title: "kr".into(),
            unit: None,
            measure: Measure::Numeric {
                baseline,
                target,
                current,
            },
        }
    }

    /// A milestone titled `m`, for tests.
    pub(crate) fn milestone(done: bool) -> KeyResult {
        KeyResult {
            title: "m".into(),
            unit: None,
            measure: Measure::Milestone { done },
        }
    }
}
