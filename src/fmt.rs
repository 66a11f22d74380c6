//! `okr fmt`: one canonical layout for every TOML file okr reads, so two people editing the same
//! file never fight over key order or blank lines, and a merge shows only real changes.
//!
//! The layout, applied with `toml_edit` so every comment stays:
//! - keys in the order of the format (see [`order`]); keys okr does not know keep their order,
//!   after the known ones; a comment above a key, or after its value, moves with it;
//! - `key = value`, no indentation, no blank lines between the keys of a table;
//! - one blank line before each table header (`[team]`, `[[key_results]]`); tables in the order
//!   of their keys;
//! - the file header (the comments before the first key that a blank line sets apart, and
//!   `#:schema` lines) stays at the top, followed by one blank line;
//! - values are written exactly as they were (quotes, arrays, inline tables), so no value
//!   changes; the file ends with one newline, and a byte-order mark is dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml_edit::{DocumentMut, Item, Table};

use crate::config::{self, Paths, inside_path};
use crate::error::{Error, Result};
use crate::finding::{Finding, Rule, Texts};
use crate::load;
use crate::model::{INITIATIVE_KEYS, OBJECTIVE_KEYS};
use crate::org;
use crate::output;
use crate::source::{Content, Source, WorkTree, find_root_of};

/// Which format a file has, which decides its key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Initiative,
    Theme,
    /// An org objective, `objectives/<id>.toml` of an org repository.
    Objective,
    /// `okr-org.toml`.
    Org,
}

const THEME: &[&str] = &[
    "title",
    "why",
    "owner",
    "commitment",
    "parent",
    "weight",
    "tags",
    "checkin",
    "key_results",
    "closed",
];
const KEY_RESULT: &[&str] = &["title", "unit", "baseline", "target", "current", "done"];
const CHECKIN: &[&str] = &["date", "health", "note"];
const CLOSED: &[&str] = &["period", "grade", "outcome", "learned"];
const ORG_CONFIG: &[&str] = &["org", "teams"];
const ORG: &[&str] = &["name", "period"];
const ORG_TEAM: &[&str] = &["name", "url", "ref", "docs"];
const CONFIG: &[&str] = &["team", "paths", "scales", "scoring", "tags", "rules"];
const TEAM: &[&str] = &["name", "period", "github"];
const PATHS: &[&str] = &["initiatives", "themes", "templates", "output"];
const SCALES: &[&str] = &["impact", "cost", "confidence"];
const SCORING: &[&str] = &["formula"];
const TAGS: &[&str] = &["known", "aliases"];
const RULES: &[&str] = &[
    "unknown-field",
    "bad-title",
    "unknown-tag",
    "unknown-dependency",
    "dependency-cycle",
    "bad-period",
    "empty-theme",
    "orphan",
    "stale",
    "past-period",
    "hidden-file",
    "future-checkin",
    "closed-checkin",
    "unlearned",
    "stale_days",
    "checkin_days",
];

/// The canonical key order of the table at `path` (keys of tables, no array indices) in a file of
/// `kind`; empty where okr knows no keys.
pub fn order(kind: FileKind, path: &[String]) -> &'static [&'static str] {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    match (kind, path.as_slice()) {
        (FileKind::Initiative, []) => INITIATIVE_KEYS,
        (FileKind::Theme, []) => THEME,
        (FileKind::Objective, []) => OBJECTIVE_KEYS,
        (FileKind::Initiative | FileKind::Theme | FileKind::Objective, ["key_results"]) => {
            KEY_RESULT
        }
        (FileKind::Initiative | FileKind::Theme | FileKind::Objective, ["checkin"]) => CHECKIN,
        (FileKind::Initiative | FileKind::Theme, ["closed"]) => CLOSED,
        (FileKind::Config, []) => CONFIG,
        (FileKind::Config, ["team"]) => TEAM,
        (FileKind::Config, ["paths"]) => PATHS,
        (FileKind::Config, ["scales"]) => SCALES,
        (FileKind::Config, ["scoring"]) => SCORING,
        (FileKind::Config, ["tags"]) => TAGS,
        (FileKind::Config, ["rules"]) => RULES,
        (FileKind::Org, []) => ORG_CONFIG,
        (FileKind::Org, ["org"]) => ORG,
        (FileKind::Org, ["teams"]) => ORG_TEAM,
        _ => &[],
    }
}

/// `text` in the canonical layout; the error when it is not TOML.
pub fn format(kind: FileKind, text: &str) -> Result<String, toml_edit::TomlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Parse the whole text first, so an error's place is the file's own.
    text.parse::<DocumentMut>()?;
    let (header, body) = split_header(text);
    let mut doc: DocumentMut = body.parse()?;
    let mut position = 0;
    arrange(doc.as_table_mut(), kind, &mut Vec::new(), &mut position);
    doc.decor_mut().clear();
    let trailing = comments(doc.trailing().as_str().unwrap_or(""));
    doc.set_trailing(if trailing.is_empty() {
        String::new()
    } else {
        format!("\n{trailing}")
    });
    let body = doc.to_string();
    let body = body.trim_start_matches(['\n', '\r']).trim_end();
    let mut out = String::new();
    if !header.is_empty() {
        out.push_str(&header);
        out.push('\n');
        if !body.is_empty() {
            out.push('\n');
        }
    }
    if !body.is_empty() {
        out.push_str(body);
        out.push('\n');
    }
    Ok(out)
}

/// Splits off the file header: the leading comments up to the last blank line before the first
/// key, and the `#:` directive lines (`#:schema`) right after it. The header as canonical lines,
/// and the rest of the text.
fn split_header(text: &str) -> (String, &str) {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            break;
        }
        lines.push((trimmed, offset + line.len()));
        offset += line.len();
    }
    // Every leading line is header when nothing follows; else up to the last blank line.
    let mut cut = if offset == text.len() {
        lines.len()
    } else {
        lines
            .iter()
            .rposition(|(line, _)| line.is_empty())
            .map_or(0, |i| i + 1)
    };
    while cut < lines.len() && lines[cut].0.starts_with("#:") {
        cut += 1;
    }
    let mut header = String::new();
    let mut blank = false;
    for (line, _) in &lines[..cut] {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !header.is_empty() {
            header.push_str(if blank { "\n\n" } else { "\n" });
        }
        header.push_str(line);
        blank = false;
    }
    let rest = if cut == 0 { 0 } else { lines[cut - 1].1 };
    (header, &text[rest..])
}

/// The comment lines of a piece of decor, unindented, each ending in a newline.
fn comments(raw: &str) -> String {
    raw.lines()
        .map(str::trim)
        .filter(|line| line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The comment after a value or a table header, kept with the space before it; else nothing.
fn trailing_comment(raw: &str) -> String {
    let raw = raw.trim_end();
    match raw.trim_start() {
        "" => String::new(),
        comment if comment.len() == raw.len() => format!(" {comment}"),
        _ => raw.to_owned(),
    }
}

fn raw(decor: Option<&toml_edit::RawString>) -> &str {
    decor.and_then(toml_edit::RawString::as_str).unwrap_or("")
}

/// Orders the keys of `table` and its subtables, and lays out their decor.
fn arrange(table: &mut Table, kind: FileKind, path: &mut Vec<String>, position: &mut isize) {
    let known = order(kind, path);
    let rank = |key: &str| known.iter().position(|k| *k == key).unwrap_or(known.len());
    table.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
    for (mut key, item) in table.iter_mut() {
        match item {
            Item::Value(value) => {
                let leaf = key.leaf_decor_mut();
                let above = comments(raw(leaf.prefix()));
                leaf.set_prefix(above);
                leaf.set_suffix(" ");
                let decor = value.decor_mut();
                let after = trailing_comment(raw(decor.suffix()));
                decor.set_prefix(" ");
                decor.set_suffix(after);
            }
            Item::Table(sub) if !sub.is_dotted() => {
                path.push(key.get().to_owned());
                arrange_table(sub, kind, path, position);
                path.pop();
            }
            Item::ArrayOfTables(array) => {
                path.push(key.get().to_owned());
                for sub in array.iter_mut() {
                    arrange_table(sub, kind, path, position);
                }
                path.pop();
            }
            _ => {}
        }
    }
}

/// A table with a header: placed in key order, one blank line and its comments above it.
fn arrange_table(table: &mut Table, kind: FileKind, path: &mut Vec<String>, position: &mut isize) {
    table.set_position(Some(*position));
    *position += 1;
    let decor = table.decor_mut();
    let above = comments(raw(decor.prefix()));
    let after = trailing_comment(raw(decor.suffix()));
    decor.set_prefix(format!("\n{above}"));
    decor.set_suffix(after);
    arrange(table, kind, path, position);
}

/// The folders okr.toml names, read leniently: `okr fmt` must work on a file okr check rejects.
fn folders_of(tree: &WorkTree) -> Result<Paths> {
    let mut paths = Paths::default();
    let Some(file) = tree.read(config::FILE)? else {
        return Ok(paths);
    };
    let Ok(text) = load::decode(&file) else {
        return Ok(paths);
    };
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(paths);
    };
    let named = |key: &str| {
        table
            .get("paths")
            .and_then(|p| p.get(key))
            .and_then(toml::Value::as_str)
            .and_then(inside_path)
    };
    if let Some(path) = named("initiatives") {
        paths.initiatives = path;
    }
    if let Some(path) = named("themes") {
        paths.themes = path;
    }
    Ok(paths)
}

/// What a repository's folder holds: a team's okr.toml, an org's okr-org.toml, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    pub team: bool,
    pub org: bool,
}

/// The repository `okr fmt` formats from `start`: the nearest folder, `start` or one above it
/// up to the top of its git repository, that holds okr.toml or okr-org.toml, and which of them
/// it holds. A folder that holds both is both repositories, and both sets of files are
/// formatted. Any entry of either name ends the search; one that is not a file (nor a link to
/// one) is an error, as for every other command.
pub fn find_repository(start: &Path) -> Result<(PathBuf, Kinds)> {
    let start = start
        .canonicalize()
        .map_err(|e| Error::io("open", start, e))?;
    for dir in start.ancestors() {
        // An entry that cannot even be looked at counts as there: checking it says why.
        let holds = |name: &str| {
            !matches!(std::fs::symlink_metadata(dir.join(name)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound)
        };
        let kinds = Kinds {
            team: holds(config::FILE),
            org: holds(org::FILE),
        };
        if kinds.team || kinds.org {
            for (held, name) in [(kinds.team, config::FILE), (kinds.org, org::FILE)] {
                if held {
                    find_root_of(dir, name)?;
                }
            }
            return Ok((dir.to_path_buf(), kinds));
        }
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            break;
        }
    }
    Err(Error::usage(format!(
        "not an okr repository: no {} or {} in `{}` or any folder above it (the search stops \
         at the top of a git repository); run `okr init` (or `okr init --org`) to start one",
        config::FILE,
        org::FILE,
        start.display()
    )))
}

/// Every file `okr fmt` formats, with its kind, sorted by path within each folder: a team's
/// okr.toml, initiatives and themes, and an org's okr-org.toml and objectives. A file in two
/// folders (a team's themes in `objectives/`) is formatted once, as the first.
fn files(tree: &WorkTree, kinds: Kinds) -> Result<Vec<(crate::source::SourceFile, FileKind)>> {
    let mut files = Vec::new();
    let mut folders: Vec<(String, FileKind)> = Vec::new();
    if kinds.team {
        let paths = folders_of(tree)?;
        if let Some(file) = tree.read(config::FILE)? {
            files.push((file, FileKind::Config));
        }
        folders.push((paths.initiatives, FileKind::Initiative));
        folders.push((paths.themes, FileKind::Theme));
    }
    if kinds.org {
        if let Some(file) = tree.read(org::FILE)? {
            files.push((file, FileKind::Org));
        }
        folders.push((org::OBJECTIVES.to_owned(), FileKind::Objective));
    }
    for (dir, kind) in folders {
        for file in tree.toml_files(&dir)? {
            if !files.iter().any(|(f, _)| f.path == file.path) {
                files.push((file, kind));
            }
        }
    }
    Ok(files)
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// What [`repository`] met on its way, for the caller to report as it happens.
pub enum Step<'a> {
    /// The file is a symlink: okr formats only the file itself, never what a link points to.
    SkippedLink(&'a str),
    /// A folder on the way to the file cannot be written through (a link, or `.git`).
    SkippedFolder(&'a str, &'a Error),
    /// The file was rewritten in the canonical layout.
    Formatted(&'a str),
}

/// What [`repository`] found: the files not in the canonical layout (rewritten unless only
/// checked), and the files that could not be read or parsed, as findings with their text.
pub struct Outcome {
    pub changed: Vec<String>,
    pub problems: Vec<Finding>,
    pub texts: Texts,
}

/// Formats every file of the repository at `root` (of `kinds`, as [`find_repository`] found
/// it), or with `check` only finds the ones it would change. A file that cannot be read or
/// parsed is a finding and is left untouched; every other file is still formatted.
pub fn repository(
    root: &Path,
    kinds: Kinds,
    check: bool,
    step: &mut dyn FnMut(Step),
) -> Result<Outcome> {
    let tree = WorkTree::new(root)?;
    let mut problems: Vec<Finding> = Vec::new();
    let mut texts = Texts::new();
    let mut changed = Vec::new();
    // The text quoted with a finding; okr-org.toml's with every URL's credentials masked.
    let quoted = |kind: FileKind, text: &str| -> Arc<str> {
        if kind == FileKind::Org {
            Arc::from(org::config::redact(text))
        } else {
            Arc::from(text)
        }
    };
    for (file, kind) in files(&tree, kinds)? {
        let absolute = tree.root().join(&file.path);
        if is_symlink(&absolute) {
            step(Step::SkippedLink(&file.path));
            continue;
        }
        // A folder on the way that is a link (or `.git`) is never written through.
        if let Err(error) = crate::destination::parent_folder(tree.root(), &file.path, false) {
            step(Step::SkippedFolder(&file.path, &error));
            continue;
        }
        let text = match load::decode(&file) {
            Ok(text) => text,
            Err(findings) => {
                if let Content::Bytes(bytes) = &file.content {
                    texts.insert(
                        file.path.clone(),
                        quoted(kind, &String::from_utf8_lossy(bytes)),
                    );
                }
                problems.extend(findings);
                continue;
            }
        };
        let formatted = match format(kind, &text) {
            Ok(formatted) => formatted,
            Err(error) => {
                problems.push(Finding::new(
                    Rule::TomlSyntax,
                    &file.path,
                    error.span(),
                    format!(
                        "invalid TOML: {}",
                        error.message().lines().next().unwrap_or("").trim()
                    ),
                ));
                texts.insert(file.path.clone(), quoted(kind, &text));
                continue;
            }
        };
        let unchanged = matches!(&file.content, Content::Bytes(b) if b == formatted.as_bytes());
        if unchanged {
            continue;
        }
        if !check {
            output::write_atomic(&absolute, formatted.as_bytes())?;
            step(Step::Formatted(&file.path));
        }
        changed.push(file.path);
    }
    Ok(Outcome {
        changed,
        problems,
        texts,
    })
}

#[cfg(test)]
mod tests;
