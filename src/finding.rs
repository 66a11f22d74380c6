//! Findings: what `okr check` reports about a team repository, as data.
//!
//! A finding is made by a rule with a byte span into the file's text; the severity comes from the
//! rule's level in `[rules]`, applied once all findings are collected.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How serious a finding is once `[rules]` has been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The level a team gives a rule in `[rules]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warn,
    Off,
}

macro_rules! rules {
    ($($variant:ident => $code:literal, $level:ident, $configurable:literal, $about:literal;)*) => {
        /// Every rule okr knows, with its code, default level and what it checks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The kebab-case code shown in output and used in `[rules]`.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }

            pub fn default_level(self) -> RuleLevel {
                match self { $(Rule::$variant => RuleLevel::$level,)* }
            }

            /// Whether `[rules]` may change the level; the others guard the model itself.
            pub fn configurable(self) -> bool {
                match self { $(Rule::$variant => $configurable,)* }
            }

            /// One line on what the rule checks, for the README and `--help`.
            pub fn about(self) -> &'static str {
                match self { $(Rule::$variant => $about,)* }
            }

            pub fn from_code(code: &str) -> Option<Rule> {
                match code { $($code => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

rules! {
    TomlSyntax => "toml-syntax", Error, false, "the file is not valid TOML";
    BadConfig => "bad-config", Error, false, "okr.toml has a value okr cannot use (a path, a scale, the formula)";
    Encoding => "encoding", Error, false, "the file is not UTF-8 text";
    FileTooLarge => "file-too-large", Error, false, "the file is over 1 MiB";
    SymlinkOutside => "symlink-outside", Error, false, "a symlink leads outside the repository or into `.git`";
    NotAFile => "not-a-file", Error, false, "a `.toml` file is a FIFO, socket or device, or a link to one";
    HiddenFile => "hidden-file", Warn, true, "a `.toml` file is hidden (its name or a folder's starts with `.`), so it is not read";
    UnknownField => "unknown-field", Error, true, "a key the format does not have (often a typo)";
    MissingField => "missing-field", Error, false, "a required key is missing or empty";
    WrongType => "wrong-type", Error, false, "a value has the wrong TOML type";
    UnknownLevel => "unknown-level", Error, false, "impact, cost or confidence is not a level of `[scales]`";
    UnknownStatus => "unknown-status", Error, false, "status is not proposed, accepted, active, done or dropped";
    BadId => "bad-id", Error, false, "a file name (the id) is not lowercase kebab-case";
    DuplicateId => "duplicate-id", Error, false, "two files have the same id";
    BadTitle => "bad-title", Error, true, "a title is empty, longer than 100 characters or not one line";
    UnknownTag => "unknown-tag", Error, true, "a tag is not in `[tags].known`";
    UnknownDependency => "unknown-dependency", Error, true, "`depends_on` names an initiative that does not exist";
    DependencyCycle => "dependency-cycle", Error, true, "initiatives depend on each other in a cycle";
    BadPeriod => "bad-period", Error, true, "a period is not `2026`, `2026-H1` or `2026-Q1`";
    BadKeyResult => "bad-key-result", Error, false, "a key result is neither a milestone nor a measure from baseline to target";
    EmptyTheme => "empty-theme", Error, true, "a theme has no tags, so no initiative can join it";
    Orphan => "orphan", Warn, true, "an initiative joins no theme";
    Stale => "stale", Warn, true, "an accepted or active initiative has not changed in `stale_days` days";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    /// Set from the rule's level by [`RuleLevels::apply`]; `Error` until then.
    pub severity: Severity,
    /// Repo-relative path with `/` separators.
    pub file: String,
    /// Byte range in the file's text; `None` for the file as a whole.
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    pub fn new(rule: Rule, file: &str, span: Option<Range<usize>>, message: String) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            file: file.to_owned(),
            span,
            message,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<Option<String>>) -> Finding {
        self.help = help.into();
        self
    }
}

/// The level of every rule, from the defaults and `[rules]`.
#[derive(Debug, Clone, Default)]
pub struct RuleLevels {
    overrides: BTreeMap<Rule, RuleLevel>,
}

impl RuleLevels {
    pub fn set(&mut self, rule: Rule, level: RuleLevel) {
        self.overrides.insert(rule, level);
    }

    pub fn level(&self, rule: Rule) -> RuleLevel {
        self.overrides
            .get(&rule)
            .copied()
            .unwrap_or(rule.default_level())
    }

    /// Drops findings of rules that are off and sets the severity of the rest, in a stable order.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let mut kept: Vec<Finding> = findings
            .into_iter()
            .filter_map(|mut finding| {
                finding.severity = match self.level(finding.rule) {
                    RuleLevel::Off => return None,
                    RuleLevel::Warn => Severity::Warning,
                    RuleLevel::Error => Severity::Error,
                };
                Some(finding)
            })
            .collect();
        sort(&mut kept);
        kept
    }
}

/// Sorts findings by file, then position, then rule, so output never depends on read order.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let start = |f: &Finding| f.span.as_ref().map_or(0, |s| s.start);
        (&a.file, start(a), a.rule, &a.message).cmp(&(&b.file, start(b), b.rule, &b.message))
    });
}

/// The text of every file that findings point into, for line numbers and source excerpts.
///
/// A list sorted by path: files are read in path order, so building it is appending, and a
/// lookup is a binary search, where a hash map would hash every path of a large repository for
/// the few that have findings.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    files: Vec<(String, Arc<str>)>,
}

impl Texts {
    pub fn new() -> Texts {
        Texts::default()
    }

    pub fn with_capacity(capacity: usize) -> Texts {
        Texts {
            files: Vec::with_capacity(capacity),
        }
    }

    /// Adds or replaces the text of `path`.
    pub fn insert(&mut self, path: String, text: Arc<str>) {
        if self.files.last().is_none_or(|(last, _)| *last < path) {
            self.files.push((path, text));
            return;
        }
        match self.find(&path) {
            Ok(at) => self.files[at].1 = text,
            Err(at) => self.files.insert(at, (path, text)),
        }
    }

    /// Adds or replaces the texts of `other`, in one pass however they interleave.
    pub fn extend(&mut self, other: Texts) {
        let in_order = match (self.files.last(), other.files.first()) {
            (Some((last, _)), Some((first, _))) => last < first,
            _ => true,
        };
        self.files.extend(other.files);
        if !in_order {
            // Stable: of two texts of one path, the one added later comes last, and stays.
            self.files.sort_by(|a, b| a.0.cmp(&b.0));
            let mut kept: Vec<(String, Arc<str>)> = Vec::with_capacity(self.files.len());
            for file in self.files.drain(..) {
                match kept.last_mut() {
                    Some(last) if last.0 == file.0 => *last = file,
                    _ => kept.push(file),
                }
            }
            self.files = kept;
        }
    }

    pub fn get(&self, path: &str) -> Option<&Arc<str>> {
        self.find(path).ok().map(|at| &self.files[at].1)
    }

    /// Those of `paths` (sorted, without repeats) that have no text: one walk along both lists.
    pub fn missing<'a>(&self, paths: &[&'a str]) -> Vec<&'a str> {
        let mut missing = Vec::new();
        let mut files = self.files.iter().map(|(file, _)| file.as_str()).peekable();
        for &path in paths {
            while files.next_if(|file| *file < path).is_some() {}
            if files.peek() != Some(&path) {
                missing.push(path);
            }
        }
        missing
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn find(&self, path: &str) -> Result<usize, usize> {
        self.files
            .binary_search_by(|(file, _)| file.as_str().cmp(path))
    }
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The 1-based line and column of a byte offset; offsets past the end clamp to the end.
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Position { line, column }
}

/// The closest of `candidates` to `value`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    value: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let value = value.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&value, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// "did you mean `x`?" for [`Finding::with_help`].
pub fn suggestion<'a>(
    value: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(value, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_found_by_path_whatever_order_they_came_in() {
        let mut texts = Texts::new();
        for path in ["b/x.toml", "a.toml", "b.toml", "b/a.toml", "a.toml"] {
            texts.insert(path.to_owned(), Arc::from(path));
        }
        let mut more = Texts::with_capacity(2);
        more.insert("themes/t.toml".to_owned(), Arc::from("t"));
        more.insert("a.toml".to_owned(), Arc::from("new"));
        texts.extend(more);
        assert_eq!(texts.len(), 5);
        assert_eq!(texts.get("a.toml").map(|t| &**t), Some("new"));
        for path in ["b/x.toml", "b.toml", "b/a.toml"] {
            assert_eq!(texts.get(path).map(|t| &**t), Some(path));
        }
        assert_eq!(texts.get("themes/t.toml").map(|t| &**t), Some("t"));
        assert!(texts.get("c.toml").is_none());
        assert_eq!(
            texts.missing(&["a.toml", "b/y.toml", "b/z.toml", "themes/t.toml", "z.toml"]),
            ["b/y.toml", "b/z.toml", "z.toml"]
        );
    }

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let text = "a = 1\nbé = \"x\"\n";
        assert_eq!(position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(position(text, 6), Position { line: 2, column: 1 });
        // The `=` after a two-byte character is the fourth character of the line.
        assert_eq!(position(text, 10), Position { line: 2, column: 4 });
        assert_eq!(position(text, 999), Position { line: 3, column: 1 });
    }

    #[test]
    fn suggestions_find_typos_but_not_strangers() {
        let levels = ["low", "medium", "high", "huge"];
        assert_eq!(did_you_mean("hgh", levels), Some("high"));
        assert_eq!(did_you_mean("Medum", levels), Some("medium"));
        assert_eq!(did_you_mean("zzz", levels), None);
    }

    #[test]
    fn levels_drop_off_rules_and_set_severity() {
        let mut levels = RuleLevels::default();
        levels.set(Rule::Orphan, RuleLevel::Off);
        levels.set(Rule::UnknownTag, RuleLevel::Warn);
        let findings = vec![
            Finding::new(Rule::Orphan, "a.toml", None, "orphan".into()),
            Finding::new(Rule::UnknownTag, "a.toml", Some(3..4), "tag".into()),
            Finding::new(Rule::Stale, "a.toml", Some(1..2), "stale".into()),
        ];
        let kept = levels.apply(findings);
        assert_eq!(kept.len(), 2);
        assert_eq!(
            (kept[0].rule, kept[0].severity),
            (Rule::Stale, Severity::Warning)
        );
        assert_eq!(
            (kept[1].rule, kept[1].severity),
            (Rule::UnknownTag, Severity::Warning)
        );
    }

    #[test]
    fn rule_codes_round_trip() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(*rule));
        }
    }
}
