use super::*;
use crate::model::INITIATIVE_KEYS;

/// An initiative as templates see it, written out: what [`LazyInitiative`] reads as, field by
/// field (a test holds the two together).
#[derive(Debug, Clone, Serialize)]
struct InitiativeView {
    id: String,
    title: String,
    problem: String,
    outcome: Option<String>,
    owner: String,
    supporters: Vec<String>,
    tags: Vec<String>,
    impact: String,
    impact_value: f64,
    cost: String,
    cost_value: f64,
    confidence: String,
    confidence_value: f64,
    status: String,
    period: Option<String>,
    depends_on: Vec<String>,
    dependencies: Vec<DependencyView>,
    links: Vec<String>,
    checkin: Option<crate::model::Checkin>,
    health: Option<Health>,
    key_results: Vec<KeyResultView>,
    closed: Vec<crate::model::Closed>,
    score: f64,
    rank: Option<usize>,
    themes: Vec<String>,
    progress: Option<f64>,
    file: String,
    anchor: String,
}

fn initiative_view(shared: &Shared, r: &Ranked) -> InitiativeView {
    let i = &r.initiative;
    InitiativeView {
        id: i.id.clone(),
        title: i.title.clone(),
        problem: i.problem.clone(),
        outcome: not_blank(i.outcome.as_deref()),
        owner: i.owner.clone(),
        supporters: i.supporters.clone(),
        tags: i.tags.clone(),
        impact: i.impact.name.clone(),
        impact_value: i.impact.value,
        cost: i.cost.name.clone(),
        cost_value: i.cost.value,
        confidence: i.confidence.name.clone(),
        confidence_value: i.confidence.value,
        status: i.status.to_string(),
        period: i.period.clone(),
        depends_on: i.depends_on.clone(),
        dependencies: i
            .depends_on
            .iter()
            .map(|id| dependency_view(shared, id))
            .collect(),
        links: i.links.clone(),
        key_results: i
            .key_results
            .iter()
            .map(|kr| key_result_view(kr, None, shared.pace))
            .collect(),
        checkin: i.checkin.clone(),
        health: health(i.checkin.as_ref()),
        closed: i.closed.clone(),
        score: r.score,
        rank: r.rank,
        themes: r.themes.clone(),
        progress: r.progress,
        file: i.file.clone(),
        anchor: anchor(&i.id),
    }
}

#[test]
fn anchors_keep_only_safe_characters() {
    assert_eq!(anchor("merge-queue"), "merge-queue");
    assert_eq!(anchor("a\"b<c> d#e"), "a-b-c--d-e");
    assert_eq!(anchor("Ünï_2"), "-n-_2");
}

#[test]
fn behind_pace_is_more_than_a_quarter_behind() {
    assert!(!behind(Some(0.5), Some(0.75)));
    assert!(behind(Some(0.49), Some(0.75)));
    assert!(!behind(None, Some(1.0)));
    assert!(!behind(Some(0.0), None));
}

#[test]
fn templates_see_the_keys_of_the_file_and_what_ranking_adds() {
    let mut expected = vec!["id".to_owned()];
    for key in INITIATIVE_KEYS {
        expected.push((*key).to_owned());
        if matches!(*key, "impact" | "cost" | "confidence") {
            expected.push(format!("{key}_value"));
        }
        if *key == "depends_on" {
            expected.push("dependencies".to_owned());
        }
        if *key == "checkin" {
            expected.push("health".to_owned());
        }
    }
    for added in ["score", "rank", "themes", "progress", "file", "anchor"] {
        expected.push(added.to_owned());
    }
    assert_eq!(INITIATIVE_FIELDS, expected);
}

/// The lazy map templates see holds exactly the fields, in order, and the values that the
/// view's serde form holds.
#[test]
fn an_initiative_reads_as_its_serde_form() {
    use crate::model::{Initiative, Level, Status};
    let level = |name: &str, value: f64| Level {
        name: name.into(),
        value,
    };
    let ranked = Ranked {
        initiative: Initiative {
            id: "a".into(),
            file: "initiatives/a.toml".into(),
            title: "T".into(),
            problem: "P".into(),
            outcome: Some("  ".into()),
            owner: "o".into(),
            supporters: vec!["s".into()],
            tags: vec!["ci".into()],
            impact: level("high", 3.0),
            cost: level("s", 2.0),
            confidence: level("high", 1.0),
            status: Status::Active,
            period: Some("2026-Q1".into()),
            depends_on: vec!["b".into(), "gone".into()],
            links: vec!["https://x".into()],
            key_results: vec![KeyResult {
                title: "k".into(),
                unit: None,
                measure: Measure::Numeric {
                    baseline: 1.0,
                    target: 2.0,
                    current: 1.5,
                },
            }],
            checkin: Some(Checkin {
                date: "2026-01-20".into(),
                health: Some(Health::AtRisk),
                note: Some("n".into()),
            }),
            closed: Vec::new(),
        },
        score: 1.5,
        rank: Some(1),
        themes: vec!["t".into()],
        progress: Some(0.5),
    };
    let mut other = ranked.clone();
    other.initiative.id = "b".into();
    other.initiative.depends_on = vec![];
    let shared = std::sync::Arc::new(Shared::new(
        std::sync::Arc::new(vec![ranked.clone(), other]),
        Some(0.9),
    ));
    let view = initiative_view(&shared, &ranked);
    assert_eq!(view.dependencies[0].title.as_deref(), Some("T"));
    assert_eq!(view.dependencies[1].title, None);
    assert!(view.key_results[0].behind_pace);
    assert_eq!(view.health, Some(Health::AtRisk));
    let serde = Value::from(Serde(&view));
    let lazy = Value::from_object(LazyInitiative::new(shared, 0));
    let keys =
        |v: &Value| -> Vec<String> { v.try_iter().unwrap().map(|k| k.to_string()).collect() };
    assert_eq!(keys(&lazy), keys(&serde));
    for key in keys(&serde) {
        assert_eq!(
            lazy.get_attr(&key).unwrap(),
            serde.get_attr(&key).unwrap(),
            "{key}"
        );
    }
}
