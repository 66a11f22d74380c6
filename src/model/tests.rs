use super::*;

fn numeric(baseline: f64, target: f64, current: f64) -> KeyResult {
    KeyResult::numeric(baseline, target, current)
}

#[test]
fn progress_works_both_ways_and_clamps() {
    assert_eq!(numeric(120.0, 50.0, 90.0).progress(), 30.0 / 70.0);
    assert_eq!(numeric(0.0, 10.0, 5.0).progress(), 0.5);
    assert_eq!(numeric(0.0, 10.0, 15.0).progress(), 1.0);
    assert_eq!(numeric(0.0, 10.0, -3.0).progress(), 0.0);
    // No progress yet towards a target below the baseline is 0, not -0.
    let none = numeric(120.0, 50.0, 120.0).progress();
    assert!(none == 0.0 && none.is_sign_positive());
    assert_eq!(crate::text::percent(Some(none)), "0%");
}

/// Every key of the file format, and every field of the checked initiative after `id` and
/// `file`, is in the list, in the struct's order.
#[test]
fn the_initiative_keys_are_the_fields_of_the_format_and_the_struct() {
    let table = toml::Table::try_from(Initiative::example()).unwrap();
    let fields: Vec<&str> = table.keys().map(String::as_str).collect();
    let mut expected = vec!["id", "file"];
    expected.extend(INITIATIVE_KEYS);
    assert_eq!(fields, expected);

    let schema = schemars::schema_for!(InitiativeFile).to_value();
    let mut format: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    format.sort_unstable();
    let mut keys = INITIATIVE_KEYS.to_vec();
    keys.sort_unstable();
    assert_eq!(format, keys);
}

/// An org objective is a theme without tags: its keys are the format's, and the checked
/// objective's fields after `id` and `file`, each a key of the theme format too.
#[test]
fn the_objective_keys_are_the_fields_of_the_format_and_the_struct() {
    let objective = Objective {
        id: "o".into(),
        file: "objectives/o.toml".into(),
        title: "T".into(),
        why: Some("W".into()),
        owner: Some("o".into()),
        commitment: Commitment::Aspirational,
        checkin: None,
        key_results: vec![],
    };
    let value = serde_json::to_value(&objective).unwrap();
    let fields: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec!["id", "file"];
    expected.extend(OBJECTIVE_KEYS);
    let (mut fields, mut expected) = (fields, expected);
    fields.sort_unstable();
    expected.sort_unstable();
    assert_eq!(fields, expected);

    let properties = |schema: serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort_unstable();
        keys
    };
    let format = properties(schemars::schema_for!(ObjectiveFile).to_value());
    let mut keys: Vec<String> = OBJECTIVE_KEYS.iter().map(|k| (*k).to_owned()).collect();
    keys.sort_unstable();
    assert_eq!(format, keys);
    let theme = properties(schemars::schema_for!(ThemeFile).to_value());
    let without_tags: Vec<String> = theme
        .into_iter()
        .filter(|k| !["tags", "closed", "parent", "weight"].contains(&k.as_str()))
        .collect();
    assert_eq!(without_tags, keys);
}

#[test]
fn the_words_of_status_and_health_are_their_serde_names() {
    for status in Status::ALL {
        let word = serde_json::to_value(status).unwrap();
        assert_eq!(word, status.as_str());
        assert_eq!(status.to_string(), status.as_str());
        assert_eq!(Status::parse(status.as_str()), Some(status));
    }
    for health in Health::ALL {
        let word = serde_json::to_value(health).unwrap();
        assert_eq!(word, health.as_str());
        assert_eq!(health.to_string(), health.as_str());
        assert_eq!(Health::parse(health.as_str()), Some(health));
    }
    for commitment in Commitment::ALL {
        let word = serde_json::to_value(commitment).unwrap();
        assert_eq!(word, commitment.as_str());
        assert_eq!(Commitment::parse(commitment.as_str()), Some(commitment));
    }
    for outcome in Outcome::ALL {
        let word = serde_json::to_value(outcome).unwrap();
        assert_eq!(word, outcome.as_str());
        assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
    }
    assert_eq!(Status::parse("Active"), None);
    assert_eq!(Health::parse("on_track"), None);
}

#[test]
fn milestones_and_means() {
    let done = KeyResult {
        title: "m".into(),
        unit: None,
        measure: Measure::Milestone { done: true },
    };
    assert_eq!(done.progress(), 1.0);
    assert_eq!(mean_progress(&[done, numeric(0.0, 10.0, 0.0)]), Some(0.5));
    assert_eq!(mean_progress(&[]), None);
}
