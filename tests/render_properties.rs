//! Properties of rendering: whatever text a team puts in any field, the rendered documents keep
//! their structure. Every table row keeps its column count, headings and fences stay as the
//! template wrote them, no raw HTML gets through, and Mermaid labels hold only safe characters.
//!
//! The structure of each document is compared line by line with the same repository rendered
//! from plain placeholder text.

use okr::portfolio::Portfolio;
use okr::render::{self, Templates};
use okr::source::MemoryTree;
use okr::{load, validate};
use proptest::prelude::*;

/// The text fields a team writes, all of them free text.
#[derive(Debug, Clone)]
struct Fields {
    team: String,
    theme_title: String,
    why: String,
    theme_owner: String,
    tag: String,
    kr_title: String,
    unit: String,
    titles: [String; 3],
    owners: [String; 3],
    problems: [String; 3],
}

impl Fields {
    fn plain() -> Fields {
        let p = || "plain".to_owned();
        Fields {
            team: p(),
            theme_title: p(),
            why: p(),
            theme_owner: p(),
            tag: p(),
            kr_title: p(),
            unit: p(),
            titles: [p(), p(), p()],
            owners: [p(), p(), p()],
            problems: [p(), p(), p()],
        }
    }
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn repository(f: &Fields) -> MemoryTree {
    let mut tree = MemoryTree::new();
    tree.insert(
        "okr.toml",
        format!(
            "[team]\nname = {}\n[rules]\nbad-title = \"off\"\norphan = \"off\"\n",
            quoted(&f.team)
        ),
    );
    tree.insert(
        "themes/theme.toml",
        format!(
            "title = {}\nwhy = {}\nowner = {}\ntags = [{}]\n\
             [[key_results]]\ntitle = {}\nunit = {}\nbaseline = 1\ntarget = 10\ncurrent = 4\n",
            quoted(&f.theme_title),
            quoted(&f.why),
            quoted(&f.theme_owner),
            quoted(&f.tag),
            quoted(&f.kr_title),
            quoted(&f.unit),
        ),
    );
    for (n, id) in ["first", "second", "orphan"].iter().enumerate() {
        // The orphan's tag differs from the theme's whatever the theme's is.
        let tag = if *id == "orphan" {
            format!("{}-orphan", f.tag)
        } else {
            f.tag.clone()
        };
        tree.insert(
            format!("initiatives/{id}.toml"),
            format!(
                "title = {}\nproblem = {}\nowner = {}\ntags = [{}]\nimpact = \"high\"\ncost = \"m\"\n\
                 depends_on = []\n[[key_results]]\ntitle = {}\nunit = {}\nbaseline = 0\ntarget = 5\ncurrent = {n}\n",
                quoted(&f.titles[n]),
                quoted(&f.problems[n]),
                quoted(&f.owners[n]),
                quoted(&tag),
                quoted(&f.kr_title),
                quoted(&f.unit),
            ),
        );
    }
    tree
}

fn render_all(f: &Fields) -> Vec<(String, String)> {
    let tree = repository(f);
    let mut workspace = load::load(&tree).expect("okr.toml loads");
    let checked = validate::check(&mut workspace);
    let errors: Vec<_> = checked
        .findings
        .iter()
        .filter(|f| f.severity == okr::finding::Severity::Error)
        .map(|f| format!("{}: {}", f.file, f.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let portfolio = Portfolio::build(&workspace.config, checked.into_model()).expect("scores");
    render::render(&portfolio, Templates::default(), None).expect("renders")
}

/// What a line is to a Markdown reader.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    Blank,
    Fence(String),
    Heading(usize),
    /// A table row and its number of cells.
    Row(usize),
    ListItem,
    Text,
    /// A line inside a fenced block.
    Code,
}

/// Cells in a table row: `|` not escaped by a backslash separates them.
fn cells(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count - 1
}

/// Starts a block (a list, a quote, a heading, a rule, indented code) when it opens a line.
fn opens_a_block(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (1..=9).contains(&digits) && line[digits..].starts_with(['.', ')'])
        || line.starts_with(['>', '+', '*', '=', '-', '#', '_', '<', '|', '~', '`'])
        || line.starts_with("    ")
        || line.starts_with('\t')
}

fn structure(text: &str) -> Vec<Line> {
    let mut fenced = false;
    text.lines()
        .map(|line| {
            if let Some(info) = line.strip_prefix("```") {
                fenced = !fenced;
                Line::Fence(info.to_owned())
            } else if fenced {
                Line::Code
            } else if line.is_empty() {
                Line::Blank
            } else if line.starts_with('#') {
                Line::Heading(line.chars().take_while(|c| *c == '#').count())
            } else if line.starts_with('|') {
                Line::Row(cells(line))
            } else if line.starts_with("- ") {
                Line::ListItem
            } else {
                Line::Text
            }
        })
        .collect()
}

fn safe_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/' | '+'))
}

/// Checks one document against the structure of the same document rendered from plain text.
fn check_document(name: &str, text: &str, plain: &str) -> Result<(), TestCaseError> {
    let lines = structure(text);
    prop_assert_eq!(
        &lines,
        &structure(plain),
        "structure of {}:\n{}",
        name,
        text
    );
    let fences = lines.iter().filter(|l| matches!(l, Line::Fence(_))).count();
    prop_assert_eq!(fences % 2, 0, "unbalanced fences in {}", name);
    let mut mermaid = false;
    for (line, kind) in text.lines().zip(&lines) {
        match kind {
            Line::Fence(info) => mermaid = info == "mermaid",
            Line::Code if mermaid => {
                if let Some((label, point)) = line.rsplit_once(": [") {
                    prop_assert!(point.ends_with(']'), "{}", line);
                    // Labels are quoted, so a keyword in a title cannot be read as syntax.
                    let label = label.trim();
                    let inner = label.strip_prefix('"').and_then(|l| l.strip_suffix('"'));
                    prop_assert!(inner.is_some_and(safe_label), "unsafe label {:?}", line);
                }
            }
            Line::Code => {}
            _ => {
                // No raw HTML: every `<` (and `&`, which starts an entity) is escaped, but for
                // the anchor okr writes in a section's heading, whose id is made safe.
                let line = without_anchor(line);
                prop_assert!(!line.contains("<a id="), "{:?}", line);
                let chars: Vec<char> = line.chars().collect();
                for (i, c) in chars.iter().enumerate() {
                    if matches!(c, '<' | '&') {
                        prop_assert!(i > 0 && chars[i - 1] == '\\', "raw `{}` in {:?}", c, line);
                    }
                }
                if *kind == Line::Text {
                    prop_assert!(!opens_a_block(&line), "paragraph opens a block: {:?}", line);
                }
                if let Line::Heading(_) = kind {
                    prop_assert!(line.contains("# "), "{:?}", line);
                }
            }
        }
    }
    Ok(())
}

/// A heading line without the `<a id="...">` anchor that okr writes at a section's start, when
/// its id holds only characters that are safe in an attribute and a link.
fn without_anchor(line: &str) -> String {
    let Some((marks, rest)) = line.split_once("<a id=\"") else {
        return line.to_owned();
    };
    match rest.split_once("\"></a>") {
        Some((id, after))
            if marks.trim_end().chars().all(|c| c == '#')
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c)) =>
        {
            format!("{marks}{after}")
        }
        _ => line.to_owned(),
    }
}

/// Text that looks like Markdown, HTML, Mermaid and TOML syntax, and any text at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 |<>\\[\\]`*_#+=.)(\\\\\n\r\t\"'%:;{}&!~$/-]{0,24}",
        "(1[.)] |[-+*>#=] |    |<b>|```|%%|\\|)[a-z|]{0,8}",
        any::<String>(),
    ]
}

/// Free text that a rule requires to be non-empty.
fn non_empty() -> impl Strategy<Value = String> {
    text().prop_filter("not blank", |s| !s.trim().is_empty())
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        (non_empty(), text(), text(), text()),
        (non_empty(), non_empty(), text()),
        [text(), text(), text()],
        [non_empty(), non_empty(), non_empty()],
        [non_empty(), non_empty(), non_empty()],
    )
        .prop_map(
            |(
                (team, theme_title, why, theme_owner),
                (tag, kr_title, unit),
                titles,
                owners,
                problems,
            )| {
                Fields {
                    team,
                    theme_title,
                    why,
                    theme_owner,
                    tag,
                    kr_title,
                    unit,
                    titles,
                    owners,
                    problems,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_keeps_the_documents_structure(fields in fields()) {
        let plain = render_all(&Fields::plain());
        let documents = render_all(&fields);
        prop_assert_eq!(documents.len(), plain.len());
        for ((name, text), (_, plain_text)) in documents.iter().zip(&plain) {
            check_document(name, text, plain_text)?;
        }
    }
}

#[test]
fn a_paragraph_that_looks_like_a_list_stays_a_paragraph() {
    let mut fields = Fields::plain();
    fields.why = "1) first\n2) second".to_owned();
    let documents = render_all(&fields);
    let objective = &documents[1].1;
    assert!(
        objective.contains("\n1\\) first 2) second\n"),
        "{objective}"
    );
}
