use super::*;

#[test]
fn defaults_fill_everything_but_the_name() {
    let config = Config::parse("[team]\nname = \"Platform\"\n").unwrap();
    assert_eq!(config.team, "Platform");
    assert_eq!(config.paths, Paths::default());
    assert_eq!(config.scales.confidence.middle().name, "medium");
    assert_eq!(config.scales.impact.middle().name, "medium");
    assert_eq!(config.stale_days, 90);
    assert_eq!(config.checkin_days, 14);
}

#[test]
fn every_problem_in_okr_toml_is_reported() {
    let text = r#"
[team]
period = "2026-Q7"
[paths]
output = "../elsewhere"
[scales]
impact = {}
[scoring]
formula = "impact *"
[rules]
orphn = "off"
"#;
    let findings = Config::parse(text).unwrap_err();
    let rules: Vec<_> = findings.iter().map(|f| f.rule.code()).collect();
    assert_eq!(
        rules,
        [
            "unknown-field",
            "missing-field",
            "bad-period",
            "bad-config",
            "bad-config",
            "bad-config"
        ]
    );
    assert_eq!(findings[0].help.as_deref(), Some("did you mean `orphan`?"));
}

#[test]
fn rule_levels_are_read() {
    let config = Config::parse(
        "[team]\nname = \"x\"\n[rules]\norphan = \"error\"\nunknown-tag = \"off\"\nstale_days = 30\ncheckin_days = 7\n",
    )
    .unwrap();
    assert_eq!(config.rules.level(Rule::Orphan), RuleLevel::Error);
    assert_eq!(config.rules.level(Rule::UnknownTag), RuleLevel::Off);
    assert_eq!(config.stale_days, 30);
    assert_eq!(config.checkin_days, 7);
}

#[test]
fn checkin_days_of_zero_is_refused_where_it_is_written() {
    let text = "[team]\nname = \"x\"\n[rules]\ncheckin_days = 0\n";
    let findings = Config::parse(text).unwrap_err();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule.code(), "bad-config");
    assert!(
        findings[0].message.contains("`checkin_days`"),
        "{findings:?}"
    );
    let span = findings[0].span.clone().unwrap();
    assert_eq!(&text[span], "0");
}

#[test]
fn configurable_rules_match_the_rules_section() {
    let schema = schemars::schema_for!(RulesSection);
    let properties = schema.get("properties").unwrap().as_object().unwrap();
    for rule in Rule::ALL {
        assert_eq!(
            properties.contains_key(rule.code()),
            rule.configurable(),
            "rule {rule}"
        );
    }
}

#[test]
fn paths_stay_inside() {
    assert_eq!(inside_path("docs/okrs/").as_deref(), Some("docs/okrs"));
    assert_eq!(inside_path("./okrs").as_deref(), Some("okrs"));
    assert_eq!(inside_path("../x"), None);
    assert_eq!(inside_path("/etc"), None);
    assert_eq!(inside_path("a/../../b"), None);
    assert_eq!(inside_path("C:/x"), None);
    assert_eq!(inside_path(""), None);
    assert_eq!(inside_path("docs/.GIT/x"), None);
    assert_eq!(inside_path("okrs\nx"), None);
    assert_eq!(inside_path("okrs\u{1b}"), None);
}

/// The error of a broken settings file names okr.toml when no finding names another file: the
/// name is spelt in `error`, below this module, and must stay this module's.
#[test]
fn a_config_error_without_findings_names_okr_toml() {
    let error = crate::error::Error::Config {
        findings: Vec::new(),
        texts: crate::finding::Texts::default(),
    };
    assert!(
        error.to_string().starts_with(&format!("{FILE} has ")),
        "{error}"
    );
}
