use super::*;

fn initiative(text: &str) -> String {
    format(FileKind::Initiative, text).unwrap()
}

#[test]
fn keys_take_the_canonical_order_with_their_comments() {
    let text = "\
#:schema ../.okr/schema/initiative.json
# about the owner
owner =   \"alice\"
  tags = [\"a\"]   # the themes

# the title
title=\"T\"
extra = 1
[[key_results]]
done = false
# what
title = \"k\"
";
    assert_eq!(
        initiative(text),
        "\
#:schema ../.okr/schema/initiative.json

# the title
title = \"T\"
# about the owner
owner = \"alice\"
tags = [\"a\"]   # the themes
extra = 1

[[key_results]]
# what
title = \"k\"
done = false
"
    );
}

#[test]
fn the_header_stays_on_top() {
    let text = "# A file about things.\n\n# the owner\nowner = \"a\"\ntitle = \"T\"\n";
    assert_eq!(
        initiative(text),
        "# A file about things.\n\ntitle = \"T\"\n# the owner\nowner = \"a\"\n"
    );
}

#[test]
fn config_sections_take_their_order() {
    let text = "[rules]\nstale_days = 9\norphan = \"off\"\n\n\n[team]\nperiod = \"2026\"\nname = \"x\"\n# end\n";
    assert_eq!(
        format(FileKind::Config, text).unwrap(),
        "[team]\nname = \"x\"\nperiod = \"2026\"\n\n[rules]\norphan = \"off\"\nstale_days = 9\n\n# end\n"
    );
}

#[test]
fn formatting_is_idempotent_on_the_init_files_and_examples() {
    let files = crate::scaffold::init_files("T", "o", "2026-Q1")
        .into_iter()
        .chain(crate::scaffold::org_files("Acme", "o", "2026-Q1"));
    let mut formats = Vec::new();
    for (path, text) in files {
        let kind = match path.as_str() {
            "okr.toml" => FileKind::Config,
            "okr-org.toml" => FileKind::Org,
            p if p.starts_with("initiatives/") => FileKind::Initiative,
            p if p.starts_with("themes/") => FileKind::Theme,
            p if p.starts_with("objectives/") => FileKind::Objective,
            _ => continue,
        };
        formats.push(kind);
        assert_eq!(
            format(kind, &text).unwrap(),
            text,
            "{path} is not canonical"
        );
    }
    for kind in [FileKind::Org, FileKind::Objective] {
        assert!(formats.contains(&kind), "no {kind:?} file was checked");
    }
}

#[test]
fn errors_have_a_place() {
    let error = format(FileKind::Theme, "title = \"x\"\ntags = [\n").unwrap_err();
    assert!(error.span().is_some());
}

#[test]
fn orders_name_every_field_of_the_formats() {
    fn properties(schema: &serde_json::Value) -> Vec<String> {
        schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }
    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        keys.sort();
        keys
    }
    use crate::schema::Kind as SchemaKind;
    let scales = crate::config::Scales::default();
    let initiative = crate::schema::generate(SchemaKind::Initiative, &scales);
    let mut expected = properties(&initiative);
    expected.sort();
    assert_eq!(sorted(INITIATIVE_KEYS), expected);
    let mut expected = properties(&initiative["properties"]["key_results"]["items"]);
    expected.sort();
    assert_eq!(sorted(KEY_RESULT), expected);
    let mut expected = properties(&initiative["properties"]["checkin"]);
    expected.sort();
    assert_eq!(sorted(CHECKIN), expected);
    let theme = crate::schema::generate(SchemaKind::Theme, &scales);
    let mut expected = properties(&theme);
    expected.sort();
    assert_eq!(sorted(THEME), expected);
    let objective = schemars::schema_for!(crate::model::ObjectiveFile).to_value();
    let mut expected = properties(&objective);
    expected.sort();
    assert_eq!(sorted(order(FileKind::Objective, &[])), expected);
    let org = schemars::schema_for!(crate::org::config::OrgFile).to_value();
    let mut expected = properties(&org);
    expected.sort();
    assert_eq!(sorted(ORG_CONFIG), expected);
    let mut expected =
        properties(&schemars::schema_for!(crate::org::config::OrgSection).to_value());
    expected.sort();
    assert_eq!(sorted(ORG), expected);
    let mut expected = properties(&schemars::schema_for!(crate::org::config::TeamFile).to_value());
    expected.sort();
    assert_eq!(sorted(ORG_TEAM), expected);
    let config = crate::schema::generate(SchemaKind::Config, &scales);
    let mut expected = properties(&config);
    expected.sort();
    assert_eq!(sorted(CONFIG), expected);
    for section in CONFIG {
        let mut expected = properties(&config["properties"][section]);
        expected.sort();
        let path = [(*section).to_owned()];
        assert_eq!(
            sorted(order(FileKind::Config, &path)),
            expected,
            "[{section}]"
        );
    }
}
