use super::*;
use crate::config::Config;
use crate::model::{Checkin, Commitment, Initiative, KeyResult, Measure, Theme};

fn kr(current: f64) -> KeyResult {
    KeyResult {
        title: "k".into(),
        unit: None,
        measure: Measure::Numeric {
            baseline: 0.0,
            target: 10.0,
            current,
        },
    }
}

fn checkin(health: Health) -> Option<Checkin> {
    Some(Checkin {
        date: "2026-01-10".into(),
        health: Some(health),
        note: None,
    })
}

fn objective(id: &str, key_results: Vec<KeyResult>, health: Option<Health>) -> Objective {
    Objective {
        id: id.into(),
        file: format!("objectives/{id}.toml"),
        title: id.to_uppercase(),
        why: None,
        owner: None,
        commitment: Commitment::Committed,
        checkin: health.and_then(checkin),
        key_results,
    }
}

/// A theme `id` with tag `id`, serving `parent`, with key results at `currents` (of 10).
fn theme(id: &str, parent: Option<&str>, weight: f64, currents: &[f64]) -> Theme {
    Theme {
        tags: vec![id.into()],
        parent: parent.map(str::to_owned),
        weight,
        key_results: currents.iter().map(|&c| kr(c)).collect(),
        ..Theme::example(id)
    }
}

fn initiative(id: &str, tag: &str, status: Status, depends_on: &[&str]) -> Initiative {
    let mut i = Initiative::example();
    i.id = id.into();
    i.file = format!("initiatives/{id}.toml");
    i.tags = vec![tag.into()];
    i.status = status;
    i.period = None;
    i.depends_on = depends_on.iter().map(|d| (*d).to_owned()).collect();
    i
}

fn team(
    name: &str,
    docs: Option<&str>,
    themes: Vec<Theme>,
    initiatives: Vec<Initiative>,
) -> TeamRollup {
    let initiatives = initiatives.into_iter().map(Ranked::from).collect();
    TeamRollup {
        name: name.into(),
        docs: docs.map(str::to_owned),
        state: TeamState::Read(Box::new(
            Portfolio::of(&Config::default(), initiatives, themes).unwrap(),
        )),
    }
}

fn absent(name: &str, state: TeamState) -> TeamRollup {
    TeamRollup {
        name: name.into(),
        docs: None,
        state,
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn progress_is_the_weighted_mean_of_children_with_key_results_and_its_own() {
    let mut at_risk = theme("db", Some("reliability"), 3.0, &[2.0, 4.0]);
    at_risk.checkin = checkin(Health::AtRisk);
    let payments = team(
        "payments",
        Some("https://docs.example/payments/"),
        vec![
            at_risk,
            // No key results: no progress, and it does not count.
            theme("empty", Some("reliability"), 5.0, &[]),
            theme("mine", None, 1.0, &[1.0]),
        ],
        vec![],
    );
    let mut edge = theme("edge", Some("reliability"), 1.0, &[10.0]);
    edge.checkin = checkin(Health::OnTrack);
    let web = team(
        "web",
        None,
        vec![edge, theme("fast", Some("reliablity"), 1.0, &[5.0])],
        vec![],
    );
    let objectives = [
        objective("growth", vec![kr(6.0)], Some(Health::OnTrack)),
        objective("reliability", vec![kr(8.0)], None),
        objective("quiet", vec![], None),
    ];
    let mut sorted = objectives.to_vec();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let rollup = roll_up("Acme", Some("2026-Q1"), &sorted, vec![payments, web]);
    let ids: Vec<&str> = rollup
        .objectives
        .iter()
        .map(|o| o.objective.id.as_str())
        .collect();
    assert_eq!(ids, ["growth", "quiet", "reliability"]);

    // growth: no children, its own key results alone: 0.6.
    let growth = &rollup.objectives[0];
    assert!(growth.children.is_empty());
    assert!(close(growth.progress, 0.6));
    assert_eq!(growth.health, Some(Health::OnTrack));
    // quiet: nothing counts.
    assert_eq!(rollup.objectives[1].progress, None);
    assert_eq!(rollup.objectives[1].health, None);
    // reliability: db 0.3 × 3, edge 1.0 × 1, its own 0.8 × 1; empty does not count:
    // (0.9 + 1.0 + 0.8) / 5 = 0.54.
    let reliability = &rollup.objectives[2];
    assert!(
        close(reliability.progress, 0.54),
        "{:?}",
        reliability.progress
    );
    assert!(close(reliability.own_progress, 0.8));
    assert_eq!(reliability.health, Some(Health::AtRisk));
    let children: Vec<(&str, &str, Option<&str>)> = reliability
        .children
        .iter()
        .map(|c| (c.team.as_str(), c.theme.as_str(), c.url.as_deref()))
        .collect();
    assert_eq!(
        children,
        [
            (
                "payments",
                "db",
                Some("https://docs.example/payments/db.md")
            ),
            (
                "payments",
                "empty",
                Some("https://docs.example/payments/empty.md")
            ),
            ("web", "edge", None),
        ]
    );
    assert_eq!(reliability.teams(), ["payments", "web"]);

    let unaligned: Vec<(&str, &str, Option<&str>)> = rollup
        .unaligned
        .iter()
        .map(|u| (u.team.as_str(), u.theme.as_str(), u.parent.as_deref()))
        .collect();
    assert_eq!(
        unaligned,
        [
            ("payments", "mine", None),
            ("web", "fast", Some("reliablity"))
        ]
    );
}

#[test]
fn health_is_the_worst_of_the_childrens_and_its_own() {
    let mut a = theme("a", Some("o"), 1.0, &[]);
    a.checkin = checkin(Health::AtRisk);
    let mut b = theme("b", Some("o"), 1.0, &[]);
    b.checkin = checkin(Health::OnTrack);
    let teams = || vec![team("t", None, vec![a.clone(), b.clone()], vec![])];
    let own_off = roll_up(
        "A",
        None,
        &[objective("o", vec![], Some(Health::OffTrack))],
        teams(),
    );
    assert_eq!(own_off.objectives[0].health, Some(Health::OffTrack));
    let own_on = roll_up(
        "A",
        None,
        &[objective("o", vec![], Some(Health::OnTrack))],
        teams(),
    );
    assert_eq!(own_on.objectives[0].health, Some(Health::AtRisk));
}

#[test]
fn teams_not_read_are_kept_marked_and_dependencies_carry_both_statuses() {
    let payments = team(
        "payments",
        None,
        vec![theme("db", Some("o"), 1.0, &[5.0])],
        vec![
            initiative("upgrade-pg", "db", Status::Active, &["web:cdn", "local"]),
            initiative("local", "db", Status::Done, &[]),
            initiative(
                "ledger",
                "db",
                Status::Proposed,
                &["mobile:app", "web:gone"],
            ),
        ],
    );
    let web = team(
        "web",
        None,
        vec![],
        vec![initiative(
            "cdn",
            "x",
            Status::Accepted,
            &["payments:local"],
        )],
    );
    let teams = vec![
        payments,
        absent("mobile", TeamState::NotSynced),
        web,
        absent("search", TeamState::Errors(2)),
    ];
    let rollup = roll_up("A", None, &[objective("o", vec![], None)], teams);
    let found: Vec<(String, Status, String, Option<Status>)> = rollup
        .dependencies
        .iter()
        .map(|d| {
            (
                format!("{}:{}", d.from_team, d.from),
                d.from_status,
                format!("{}:{}", d.to_team, d.to),
                d.to_status,
            )
        })
        .collect();
    let s = |t: &str| t.to_owned();
    assert_eq!(
        found,
        [
            // Equal scores rank by id: ledger before upgrade-pg.
            (
                s("payments:ledger"),
                Status::Proposed,
                s("mobile:app"),
                None
            ),
            (s("payments:ledger"), Status::Proposed, s("web:gone"), None),
            (
                s("payments:upgrade-pg"),
                Status::Active,
                s("web:cdn"),
                Some(Status::Accepted)
            ),
            (
                s("web:cdn"),
                Status::Accepted,
                s("payments:local"),
                Some(Status::Done)
            ),
        ]
    );
    let problems: Vec<Option<String>> = rollup.teams.iter().map(TeamRollup::problem).collect();
    assert_eq!(problems[0], None);
    assert!(
        problems[1]
            .as_deref()
            .unwrap()
            .contains("run `okr org sync mobile`")
    );
    assert_eq!(
        problems[3].as_deref(),
        Some("2 error findings in its files (see `okr org check`)")
    );
    assert!(close(rollup.objectives[0].progress, 0.5));
}
