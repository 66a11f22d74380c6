//! `okr schema`: JSON Schemas of the file formats (a team's three, an org's two), for editors (Taplo, Even Better TOML)
//! and checkers (check-jsonschema, taplo).
//!
//! The schemas are generated from the serde types that parse the files (`model`, `config`), so
//! the two cannot drift. The derive gives the shape; this module adds what only a repository
//! knows (the level names of its `[scales]`) and what TOML needs (no `null`).

use serde_json::{Map, Value};

use crate::config::{ConfigFile, Scale, Scales};
use crate::model::InitiativeFile;
use crate::model::ThemeFile;

/// Where `okr init` writes the schemas, relative to the repository root.
pub const DIR: &str = ".okr/schema";

/// The file formats okr reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// `initiatives/**/<id>.toml`
    Initiative,
    /// `themes/<id>.toml`
    Theme,
    /// `okr.toml`
    Config,
    /// `objectives/<id>.toml` of an org repository
    Objective,
    /// `okr-org.toml` of an org repository
    Org,
}

impl Kind {
    /// The formats of a team repository, whose schemas `okr init` writes.
    pub const ALL: [Kind; 3] = [Kind::Initiative, Kind::Theme, Kind::Config];
    /// The formats of an org repository.
    pub const ORG: [Kind; 2] = [Kind::Objective, Kind::Org];

    /// The schema's file name in [`DIR`].
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Initiative => "initiative.json",
            Kind::Theme => "theme.json",
            Kind::Config => "config.json",
            Kind::Objective => "objective.json",
            Kind::Org => "org.json",
        }
    }

    /// The schema's repo-relative path.
    pub fn path(self) -> String {
        format!("{DIR}/{}", self.file_name())
    }
}

/// The JSON Schema of one file format, with the levels of `scales` as the allowed values of
/// `impact`, `cost` and `confidence`.
pub fn generate(kind: Kind, scales: &Scales) -> Value {
    // Draft 7 with every subschema inlined: the form editors and checkers understand best.
    let generator = schemars::generate::SchemaSettings::draft07()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let schema = match kind {
        Kind::Initiative => generator.into_root_schema_for::<InitiativeFile>(),
        Kind::Theme => generator.into_root_schema_for::<ThemeFile>(),
        Kind::Config => generator.into_root_schema_for::<ConfigFile>(),
        Kind::Objective => generator.into_root_schema_for::<crate::model::ObjectiveFile>(),
        Kind::Org => generator.into_root_schema_for::<crate::org::config::OrgFile>(),
    };
    let mut schema = schema.to_value();
    drop_null(&mut schema);
    if kind == Kind::Initiative
        && let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut)
    {
        for (name, scale) in [
            ("impact", &scales.impact),
            ("cost", &scales.cost),
            ("confidence", &scales.confidence),
        ] {
            if let Some(property) = properties.get_mut(name).and_then(Value::as_object_mut) {
                set_levels(property, name, scale);
            }
        }
    }
    schema
}

/// The schema as pretty JSON with a trailing newline, as `okr schema` prints and `okr init`
/// writes it.
pub fn text(kind: Kind, scales: &Scales) -> String {
    let mut text = serde_json::to_string_pretty(&generate(kind, scales))
        .expect("a JSON value always serializes");
    text.push('\n');
    text
}

fn set_levels(property: &mut Map<String, Value>, name: &str, scale: &Scale) {
    let names: Vec<Value> = scale.names().map(|n| Value::String(n.to_owned())).collect();
    let listed = scale
        .levels()
        .iter()
        .map(|(level, number)| format!("`{level}` ({number})"))
        .collect::<Vec<_>>()
        .join(", ");
    let description = property
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    property.insert("enum".into(), Value::Array(names));
    property.insert(
        "description".into(),
        Value::String(format!("{description} The {name} levels: {listed}.")),
    );
}

/// TOML has no `null`: `Option` fields are simply absent, so `"type": ["string", "null"]` becomes
/// `"type": "string"`, and `null` leaves the allowed values of an enum.
fn drop_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(kind: Kind) -> Value {
        generate(kind, &Scales::default())
    }

    #[test]
    fn initiative_schema() {
        insta::assert_json_snapshot!("initiative", schema(Kind::Initiative));
    }

    #[test]
    fn theme_schema() {
        insta::assert_json_snapshot!("theme", schema(Kind::Theme));
    }

    #[test]
    fn config_schema() {
        insta::assert_json_snapshot!("config", schema(Kind::Config));
    }

    #[test]
    fn org_schemas() {
        insta::assert_json_snapshot!("objective", schema(Kind::Objective));
        let org = schema(Kind::Org);
        assert_eq!(org["required"], serde_json::json!(["org"]));
        assert_eq!(
            org["properties"]["teams"]["items"]["required"],
            serde_json::json!(["name", "url"])
        );
        assert!(org["properties"]["teams"]["items"]["properties"]["ref"].is_object());
    }

    #[test]
    fn every_object_is_closed() {
        fn walk(value: &Value, path: &str, open: &mut Vec<String>) {
            if let Value::Object(map) = value {
                let is_record = map.contains_key("properties");
                if is_record && map.get("additionalProperties") != Some(&Value::Bool(false)) {
                    open.push(path.to_owned());
                }
                for (key, child) in map {
                    walk(child, &format!("{path}/{key}"), open);
                }
            }
        }
        for kind in Kind::ALL.into_iter().chain(Kind::ORG) {
            let mut open = Vec::new();
            walk(&schema(kind), "", &mut open);
            assert!(open.is_empty(), "{kind:?}: open objects at {open:?}");
        }
    }

    #[test]
    fn required_fields_and_tags_are_strict() {
        let initiative = schema(Kind::Initiative);
        assert_eq!(
            initiative["required"],
            serde_json::json!(["title", "problem", "owner", "tags", "impact", "cost"])
        );
        assert_eq!(initiative["properties"]["tags"]["minItems"], 1);
        let theme = schema(Kind::Theme);
        assert_eq!(theme["required"], serde_json::json!(["title", "tags"]));
        assert_eq!(theme["properties"]["tags"]["minItems"], 1);
        let config = schema(Kind::Config);
        assert_eq!(config["required"], serde_json::json!(["team"]));
        assert_eq!(
            config["properties"]["team"]["required"],
            serde_json::json!(["name"])
        );
    }

    #[test]
    fn levels_come_from_the_scales() {
        let config = crate::config::Config::parse(
            "[team]\nname = \"x\"\n[scales]\nimpact = { small = 1, big = 9 }\n",
        )
        .unwrap();
        let initiative = generate(Kind::Initiative, &config.scales);
        let properties = &initiative["properties"];
        assert_eq!(
            properties["impact"]["enum"],
            serde_json::json!(["small", "big"])
        );
        assert_eq!(
            properties["cost"]["enum"],
            serde_json::json!(["xs", "s", "m", "l", "xl"])
        );
        assert_eq!(
            properties["confidence"]["enum"],
            serde_json::json!(["low", "medium", "high"])
        );
        assert_eq!(
            properties["status"]["enum"],
            serde_json::json!(["proposed", "accepted", "active", "done", "dropped"])
        );
    }

    #[test]
    fn no_null_types_remain() {
        for kind in Kind::ALL.into_iter().chain(Kind::ORG) {
            assert!(!text(kind, &Scales::default()).contains("\"null\""));
        }
    }
}
