//! `okr fmt` changes layout, never data: for generated initiative and theme files (any text,
//! quotes, newlines, comments, keys in any order), parsing before and after gives the same
//! table, every comment survives, known keys come out in canonical order, and a second run
//! changes nothing.

use okr::fmt::{FileKind, format, order};
use proptest::prelude::*;

/// A TOML string literal of `text`, in one of the forms an author might write.
fn literal(text: &str, style: u8) -> String {
    let basic = toml::Value::String(text.to_owned()).to_string();
    match style % 3 {
        1 if !text.contains('\'') && !text.contains('\n') && !text.contains('\r') => {
            format!("'{text}'")
        }
        2 if !text.contains("\"\"\"")
            && !text.ends_with('"')
            && !text.ends_with('\\')
            && !text.contains('\r')
            && !text.contains('\\') =>
        {
            // A multi-line basic string; a first newline would be trimmed, so keep it out.
            format!("\"\"\"{}\"\"\"", text.trim_start_matches('\n'))
        }
        _ => basic,
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{0,12}",
        "\\PC{0,16}",
        "[a-zé漢🦀\"'\\\\#=\\[\\] \n\t]{0,16}",
    ]
}

fn comment() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[a-zA-Z0-9 é漢#=\"']{0,20}".prop_map(|c| format!("# {c}")))
}

/// One `key = value` line: the value as TOML text.
fn value_for(key: &'static str) -> BoxedStrategy<String> {
    match key {
        "supporters" | "tags" | "depends_on" | "links" => {
            proptest::collection::vec((text(), any::<u8>()), 0..4)
                .prop_map(|items| {
                    let items: Vec<String> = items.iter().map(|(t, s)| literal(t, *s)).collect();
                    format!("[{}]", items.join(", "))
                })
                .boxed()
        }
        "baseline" | "target" | "current" => prop_oneof![
            any::<i32>().prop_map(|n| n.to_string()),
            (-1e6f64..1e6).prop_map(|f| format!("{f:?}")),
        ]
        .boxed(),
        "done" => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        _ => (text(), any::<u8>())
            .prop_map(|(t, s)| literal(&t, s))
            .boxed(),
    }
}

/// A key's lines: comment above, `key = value`, comment after, with some stray whitespace.
fn entry(key: &'static str) -> BoxedStrategy<String> {
    (
        value_for(key),
        comment(),
        comment(),
        0..3usize,
        any::<bool>(),
    )
        .prop_map(move |(value, above, after, blanks, indent)| {
            let mut lines = "\n".repeat(blanks);
            if let Some(above) = above {
                lines.push_str(&above);
                lines.push('\n');
            }
            let pad = if indent { "  " } else { "" };
            let eq = if indent { " =  " } else { "=" };
            lines.push_str(&format!("{pad}{key}{eq}{value}"));
            if let Some(after) = after {
                lines.push_str(&format!("   {after}"));
            }
            lines.push('\n');
            lines
        })
        .boxed()
}

/// Some of `keys`, each maybe present, in a shuffled order.
fn entries(keys: &'static [&'static str]) -> BoxedStrategy<String> {
    let each: Vec<_> = keys
        .iter()
        .filter(|k| **k != "key_results")
        .map(|k| proptest::option::weighted(0.7, entry(k)))
        .collect();
    each.prop_map(|lines| lines.into_iter().flatten().collect::<Vec<_>>())
        .prop_shuffle()
        .prop_map(|lines| lines.concat())
        .boxed()
}

fn file(kind: FileKind) -> BoxedStrategy<String> {
    let keys = order(kind, &[]);
    let key_results = proptest::collection::vec(
        (comment(), entries(order(kind, &["key_results".to_owned()]))),
        0..3,
    );
    (
        proptest::option::of("#:schema \\.\\./\\.okr/schema/[a-z]{1,8}\\.json"),
        comment(),
        entries(keys),
        key_results,
        comment(),
    )
        .prop_map(|(schema, header, body, key_results, end)| {
            let mut text = String::new();
            if let Some(schema) = schema {
                text.push_str(&format!("{schema}\n"));
            }
            if let Some(header) = header {
                text.push_str(&format!("{header}\n\n"));
            }
            text.push_str(&body);
            for (above, entries) in key_results {
                if let Some(above) = above {
                    text.push_str(&format!("\n{above}\n"));
                }
                text.push_str(&format!("[[key_results]]\n{entries}"));
            }
            if let Some(end) = end {
                text.push_str(&format!("\n{end}\n"));
            }
            text
        })
        .boxed()
}

fn comments_of(text: &str) -> Vec<String> {
    // Only lines whose comment the generator wrote: `# ...` after code or on its own line.
    text.lines()
        .filter_map(|line| {
            line.find("   # ")
                .map(|i| &line[i + 3..])
                .or_else(|| line.strip_prefix("# "))
        })
        // fmt drops the spaces that end a line.
        .map(|comment| comment.trim_end().to_owned())
        .collect()
}

fn check(kind: FileKind, text: &str) -> Result<(), TestCaseError> {
    let before: toml::Table = text
        .parse()
        .map_err(|e| TestCaseError::reject(format!("not TOML: {e}")))?;
    let formatted = format(kind, text).expect("valid TOML formats");
    let after: toml::Table = formatted
        .parse()
        .unwrap_or_else(|e| panic!("fmt wrote invalid TOML: {e}\n{formatted}"));
    prop_assert_eq!(
        &before,
        &after,
        "data changed:\n{}\n---\n{}",
        text,
        formatted
    );
    prop_assert_eq!(
        format(kind, &formatted).unwrap(),
        formatted.clone(),
        "not idempotent"
    );
    for comment in comments_of(text) {
        prop_assert!(
            formatted.contains(&comment),
            "lost comment {:?}:\n{}",
            comment,
            formatted
        );
    }
    // Known keys come out in the canonical order: the plain values among themselves, and the
    // tables after them (TOML writes every plain value of a table before its tables).
    let keys = order(kind, &[]);
    let doc: toml_edit::DocumentMut = formatted.parse().expect("parsed above");
    for tables in [false, true] {
        let ranks: Vec<usize> = doc
            .iter()
            .filter(|(_, item)| item.is_value() != tables)
            .filter_map(|(k, _)| keys.iter().position(|known| *known == k))
            .collect();
        prop_assert!(ranks.windows(2).all(|w| w[0] < w[1]), "order: {:?}", ranks);
    }
    // One newline at the end; an empty file stays empty.
    prop_assert!(
        formatted.is_empty() || (formatted.ends_with('\n') && !formatted.ends_with("\n\n"))
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn initiatives_keep_their_data(text in file(FileKind::Initiative)) {
        check(FileKind::Initiative, &text)?;
    }

    #[test]
    fn themes_keep_their_data(text in file(FileKind::Theme)) {
        check(FileKind::Theme, &text)?;
    }
}
