//! Parsing one TOML file into its serde type while collecting every problem, not just the first.
//!
//! serde stops at the first error. To report them all, the text is parsed once into a spanned
//! TOML tree; then the typed document is deserialized from that tree, and each time serde
//! complains the offending key is removed and the document tried again. Required fields are
//! `Option`s in the types and checked by the rules, so one missing key never hides another.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::finding::{Finding, Rule, suggestion};

/// A parsed document, with the keys that had to be dropped to parse it.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub doc: T,
    /// Dotted paths (`impact`, `key_results.1.baseline`) of keys removed because of a finding,
    /// so rules do not report them a second time as missing.
    pub removed: BTreeSet<String>,
}

impl<T> Parsed<T> {
    pub fn was_removed(&self, path: &str) -> bool {
        self.removed.contains(path)
    }
}

/// One parsed file.
#[derive(Debug, Clone)]
pub struct Document<T> {
    /// The file stem.
    pub id: String,
    pub file: String,
    pub parsed: Parsed<T>,
}

/// The id of a file: its name without `.toml`.
pub fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

/// Parses `text` (the contents of `file`) as a `T`, returning the findings it produced.
/// `None` when the TOML itself does not parse.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> (Option<Parsed<T>>, Vec<Finding>) {
    let mut findings = Vec::new();
    // Most files parse: try the plain parser first, and recover (to find every syntax error)
    // only when it fails.
    let (root, errors) = match DeTable::parse(text) {
        Ok(root) => (root, Vec::new()),
        Err(_) => DeTable::parse_recoverable(text),
    };
    if !errors.is_empty() {
        // Recovery after deep nesting repeats one error per open bracket: say it once. A set,
        // since a file can hold an error on every line.
        let mut seen = HashSet::with_capacity(errors.len());
        for error in errors {
            let message = format!("invalid TOML: {}", first_line(error.message()));
            let span = error.span();
            if seen.insert((span.clone().map(|s| (s.start, s.end)), message.clone())) {
                findings.push(Finding::new(Rule::TomlSyntax, file, span, message));
            }
        }
        return (None, findings);
    }
    let invalid = strictly_toml(file, text, &root);
    if !invalid.is_empty() {
        return (None, invalid);
    }
    // The first try takes the parsed tree as it is; only a file with a problem pays for the
    // retries, each on a fresh parse with the offending keys removed.
    let span = root.span();
    let first = Spanned::new(span.clone(), DeValue::Table(root.into_inner()));
    if let Ok(doc) = T::deserialize(toml::de::ValueDeserializer::from(first)) {
        let removed = BTreeSet::new();
        return (Some(Parsed { doc, removed }), findings);
    }
    let (root, _) = DeTable::parse_recoverable(text);
    let mut table = root.into_inner();
    let mut removed = BTreeSet::new();
    // Each round removes at least one key, so the loop ends. Each round also deserializes the
    // whole document again: the rounds are bounded, so that a file with a problem on every line
    // costs a bounded multiple of one parse.
    let rounds = count_keys(&table).min(MAX_ROUNDS);
    for _ in 0..rounds {
        let value = Spanned::new(span.clone(), DeValue::Table(table.clone()));
        match T::deserialize(toml::de::ValueDeserializer::from(value)) {
            Ok(doc) => return (Some(Parsed { doc, removed }), findings),
            Err(error) => {
                let message = error.message().to_owned();
                let Some(error_span) = error.span() else {
                    findings.push(serde_finding(file, &message, None));
                    return (None, findings);
                };
                // An unknown key names the keys its table allows: every other key of that table
                // goes in this one round, not one round each.
                if let Some((_, allowed)) = backticked_list(first_line(&message), "unknown field `")
                {
                    let unknown = remove_unknown(&mut table, &error_span, &allowed);
                    if !unknown.is_empty() {
                        for (path, key, key_span) in unknown {
                            let message = format!(
                                "unknown field `{key}`, expected {}",
                                allowed
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            );
                            findings.push(serde_finding(file, &message, Some(key_span)));
                            removed.insert(path);
                        }
                        continue;
                    }
                }
                let path = remove_innermost(&mut table, &error_span);
                let mut finding = serde_finding(file, &message, Some(error_span));
                if let (Rule::WrongType, Some(path)) = (finding.rule, &path) {
                    finding.message = format!(
                        "wrong type for `{path}`: {}",
                        finding.message.trim_start_matches("wrong type: ")
                    );
                }
                findings.push(finding);
                match path {
                    Some(path) => {
                        removed.insert(path);
                    }
                    None => return (None, findings),
                }
            }
        }
    }
    if rounds == MAX_ROUNDS {
        findings.push(Finding::new(
            Rule::WrongType,
            file,
            None,
            format!("okr stopped reading this file after {MAX_ROUNDS} problems; fix those first"),
        ));
    }
    (None, findings)
}

/// What the parser accepts but TOML does not: its tree decodes a number only when serde asks
/// for it, so a number under a key no type reads (`x = 0x`, `y = 1_0٠`) would pass unseen; and
/// the lexer skips a byte-order mark at the start of `text`, which is one too many because
/// [`load::decode`](crate::load::decode) has already removed the file's own.
fn strictly_toml(file: &str, text: &str, root: &Spanned<DeTable<'_>>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if text.starts_with('\u{FEFF}') {
        findings.push(Finding::new(
            Rule::TomlSyntax,
            file,
            Some(0..'\u{FEFF}'.len_utf8()),
            "invalid TOML: a second byte-order mark (U+FEFF); TOML allows one, at the start of \
             the file"
                .to_owned(),
        ));
    }
    // A stack, not recursion: nesting is as deep as the parser allowed.
    let mut values: Vec<&Spanned<DeValue<'_>>> = root.get_ref().values().collect();
    while let Some(value) = values.pop() {
        let decodes = match value.get_ref() {
            DeValue::Integer(integer) => {
                i64::from_str_radix(integer.as_str(), integer.radix()).is_ok()
            }
            DeValue::Float(float) => float.as_str().parse::<f64>().is_ok(),
            DeValue::Table(table) => {
                values.extend(table.values());
                true
            }
            DeValue::Array(items) => {
                values.extend(items.iter());
                true
            }
            DeValue::String(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => true,
        };
        if !decodes {
            let span = value.span();
            let kind = if value.get_ref().is_integer() {
                "an integer"
            } else {
                "a float"
            };
            findings.push(Finding::new(
                Rule::TomlSyntax,
                file,
                Some(span.clone()),
                format!(
                    "invalid TOML: `{}` is not {kind}",
                    text.get(span).unwrap_or_default()
                ),
            ));
        }
    }
    findings.sort_by_key(|f| f.span.as_ref().map(|s| s.start));
    findings
}

/// The most times a document is deserialized again after a problem.
const MAX_ROUNDS: usize = 200;

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

/// Turns a serde message into a finding with a rule and, for typos, a suggestion.
fn serde_finding(file: &str, message: &str, span: Option<Range<usize>>) -> Finding {
    let message = first_line(message);
    if let Some((name, expected)) = backticked_list(message, "unknown field `") {
        let help = suggestion(&name, expected.iter().map(String::as_str)).or_else(|| {
            Some(format!(
                "the keys allowed here are {}",
                expected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        });
        return Finding::new(
            Rule::UnknownField,
            file,
            span,
            format!("unknown field `{name}`"),
        )
        .with_help(help);
    }
    if let Some((name, expected)) = backticked_list(message, "unknown variant `") {
        let allowed = expected
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = suggestion(&name, expected.iter().map(String::as_str))
            .unwrap_or_else(|| format!("use one of {allowed}"));
        return Finding::new(
            Rule::UnknownLevel,
            file,
            span,
            format!("unknown value `{name}`"),
        )
        .with_help(help);
    }
    Finding::new(
        Rule::WrongType,
        file,
        span,
        plain_types(&message.replace("invalid type: ", "wrong type: ")),
    )
}

/// serde's type words in a wrong-type message, as a TOML author says them: "expected f64" is
/// "expected a number", "a sequence" "a list", "a map" "a table".
fn plain_types(message: &str) -> String {
    let Some((found, expected)) = message.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let expected = match expected {
        "f32" | "f64" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize"
        | "isize" => "a number",
        "a sequence" => "a list",
        "a borrowed string" => "a string",
        "a map" => "a table",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    let found = match found.rsplit_once(": ") {
        Some((head, "sequence")) => format!("{head}: a list"),
        Some((head, "map")) => format!("{head}: a table"),
        _ => found.to_owned(),
    };
    format!("{found}, expected {expected}")
}

/// For serde messages like "unknown field `x`, expected one of `a`, `b`": the name and the list.
fn backticked_list(message: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(prefix)?;
    let (name, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((name.to_owned(), expected))
}

fn count_keys(table: &DeTable<'_>) -> usize {
    table
        .values()
        .map(|value| 1 + count_value_keys(value.get_ref()))
        .sum()
}

fn count_value_keys(value: &DeValue<'_>) -> usize {
    match value {
        DeValue::Table(table) => count_keys(table),
        DeValue::Array(items) => items.iter().map(|v| count_value_keys(v.get_ref())).sum(),
        _ => 0,
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end.max(outer.start + 1)
}

/// `key`'s dotted path below the table at `prefix`.
fn dotted(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The first answer of `at` for the tables of `table`, innermost first: each nested table (and
/// each table in an array) is tried before the table that holds it, since a table's own span
/// need not cover its keys (`[section]`). `at` gets a table and its dotted path.
fn innermost<'a, R>(
    table: &mut DeTable<'a>,
    prefix: &str,
    at: &mut dyn FnMut(&mut DeTable<'a>, &str) -> Option<R>,
) -> Option<R> {
    for (key, value) in table.iter_mut() {
        let path = dotted(prefix, key.get_ref());
        let found = match value.get_mut() {
            DeValue::Table(inner) => innermost(inner, &path, at),
            DeValue::Array(items) => {
                items
                    .iter_mut()
                    .enumerate()
                    .find_map(|(index, item)| match item.get_mut() {
                        DeValue::Table(inner) => innermost(inner, &format!("{path}.{index}"), at),
                        _ => None,
                    })
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    at(table, prefix)
}

/// In the table that directly holds the key at `span`, removes every key that `allowed` does not
/// list; gives each one's dotted path, name and span, in the table's order.
fn remove_unknown(
    table: &mut DeTable<'_>,
    span: &Range<usize>,
    allowed: &[String],
) -> Vec<(String, String, Range<usize>)> {
    let is_allowed = |key: &str| allowed.iter().any(|name| name == key);
    innermost(table, "", &mut |table, prefix| {
        if !table.keys().any(|key| contains(&key.span(), span)) {
            return None;
        }
        let unknown: Vec<(String, String, Range<usize>)> = table
            .keys()
            .filter(|key| !is_allowed(key.get_ref()))
            .map(|key| {
                (
                    dotted(prefix, key.get_ref()),
                    key.get_ref().to_string(),
                    key.span(),
                )
            })
            .collect();
        // One pass: removing keys one by one from an ordered map shifts the rest each time.
        *table = std::mem::take(table)
            .into_iter()
            .filter(|(key, _)| is_allowed(key.get_ref()))
            .collect();
        (!unknown.is_empty()).then_some(unknown)
    })
    .unwrap_or_default()
}

/// Removes the innermost key whose key or value span holds `span`; returns its dotted path.
fn remove_innermost(table: &mut DeTable<'_>, span: &Range<usize>) -> Option<String> {
    innermost(table, "", &mut |table, prefix| {
        let key = table
            .iter()
            .find(|(key, value)| contains(&key.span(), span) || contains(&value.span(), span))
            .map(|(key, _)| key.get_ref().to_string())?;
        table.remove(key.as_str());
        Some(dotted(prefix, &key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        title: Option<String>,
        count: Option<u32>,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        value: Option<f64>,
    }

    #[test]
    fn wrong_types_are_said_in_toml_words() {
        assert_eq!(
            plain_types("wrong type: string \"95\", expected f64"),
            "wrong type: string \"95\", expected a number"
        );
        assert_eq!(
            plain_types("wrong type: string \"x\", expected a sequence"),
            "wrong type: string \"x\", expected a list"
        );
        assert_eq!(
            plain_types("wrong type: sequence, expected a boolean"),
            "wrong type: a list, expected a boolean"
        );
        assert_eq!(
            plain_types("wrong type: integer `3`, expected u32"),
            "wrong type: integer `3`, expected a number"
        );
        assert_eq!(plain_types("missing field `x`"), "missing field `x`");
    }

    #[test]
    fn stems_are_ids() {
        assert_eq!(stem("initiatives/2026-Q1/upgrade-pg.toml"), "upgrade-pg");
    }

    #[test]
    fn every_problem_is_reported_and_the_rest_still_parses() {
        let text = "titel = \"x\"\ncount = \"three\"\n[[items]]\nvalue = 1\n[[items]]\nvalue = true\nextra = 1\n";
        let (parsed, findings) = parse::<Doc>("a.toml", text);
        let rules: Vec<_> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            [
                Rule::UnknownField,
                Rule::WrongType,
                Rule::WrongType,
                Rule::UnknownField
            ]
        );
        assert_eq!(findings[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(&text[findings[0].span.clone().unwrap()], "titel");
        let parsed = parsed.expect("the rest parses");
        assert_eq!((&parsed.doc.title, parsed.doc.count), (&None, None));
        assert_eq!(parsed.doc.items.len(), 2);
        assert_eq!(parsed.doc.items[0].value, Some(1.0));
        assert!(parsed.was_removed("count"));
        assert!(parsed.was_removed("items.1.value"));
        assert!(parsed.was_removed("items.1.extra"));
    }

    #[test]
    fn deep_nesting_is_a_finding_said_once() {
        let text = format!("x = {}\n", "[{a=".repeat(100_000));
        let (parsed, findings) = parse::<toml::Table>("a.toml", &text);
        assert!(parsed.is_none());
        assert!(findings.iter().all(|f| f.rule == Rule::TomlSyntax));
        assert!(findings.len() <= 4, "{findings:#?}");
        let text = format!("{} = 1\n", vec!["a"; 100_000].join("."));
        let (_, findings) = parse::<toml::Table>("a.toml", &text);
        assert!(findings[0].message.contains("recursion"), "{findings:#?}");
    }

    #[test]
    fn numbers_no_type_reads_and_a_second_bom_are_still_invalid() {
        let text = "\u{FEFF}x = 0x\n[t]\ny = [1, 0o]\nz = 1.5\n";
        let (parsed, findings) = parse::<toml::Table>("a.toml", text);
        assert!(parsed.is_none());
        let messages: Vec<_> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "invalid TOML: a second byte-order mark (U+FEFF); TOML allows one, at the start \
                 of the file",
                "invalid TOML: `0x` is not an integer",
                "invalid TOML: `0o` is not an integer",
            ]
        );
        assert!(findings.iter().all(|f| f.rule == Rule::TomlSyntax));
    }

    #[test]
    fn syntax_errors_are_all_reported_with_the_parser_location() {
        let text = "a = \nb = \"ok\"\nc = [1,\n";
        let (parsed, findings) = parse::<toml::Table>("a.toml", text);
        assert!(parsed.is_none());
        assert!(!findings.is_empty());
        assert!(
            findings
                .iter()
                .all(|f| f.rule == Rule::TomlSyntax && f.span.is_some())
        );
    }
}
