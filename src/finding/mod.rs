//! Findings: what `okr check` reports about a team repository, as data.
//!
//! A finding is made by a rule with a byte span into the file's text; the severity comes from the
//! rule's level in `[rules]`, applied once all findings are collected.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

mod texts;

pub use texts::{Lines, Position, Texts, position};

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
    /// How many findings this one stands for, when it sums up those over [`MAX_PER_RULE`];
    /// 0 for a finding of its own.
    pub hidden: usize,
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
            hidden: 0,
        }
    }

    /// How many findings this one counts for: itself, or those it sums up.
    pub fn count(&self) -> usize {
        if self.hidden > 0 { self.hidden } else { 1 }
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
        cap(kept)
    }
}

/// Sorts findings by file, then position, then rule, so output never depends on read order.
/// A summary of findings left out comes after the rest of its file.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| f.span.as_ref().map_or(0, |s| s.start);
        (&a.file, a.hidden > 0, key(a), a.rule, &a.message).cmp(&(
            &b.file,
            b.hidden > 0,
            key(b),
            b.rule,
            &b.message,
        ))
    });
}

/// At most this many findings of one rule are reported for one file: a file with a problem on
/// every line would otherwise flood a terminal, a CI log and a pull request's annotations, and
/// take time to report that grows with it.
pub const MAX_PER_RULE: usize = 100;

/// Keeps the first [`MAX_PER_RULE`] findings of each rule in each file (in the order given,
/// sorted by file) and sums up the rest in one finding of that rule, as severe as the worst of
/// them, that counts for all of them. Capping capped findings changes nothing.
pub fn cap(findings: Vec<Finding>) -> Vec<Finding> {
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len().min(4 * MAX_PER_RULE));
    let mut summaries: Vec<Finding> = Vec::new();
    // Per rule, for the file at hand: (findings kept, findings left out, the worst left out).
    let mut seen = vec![(0, 0, Severity::Warning); Rule::ALL.len()];
    let mut file: Option<String> = None;
    let flush = |file: &str, seen: &mut [(usize, usize, Severity)], out: &mut Vec<Finding>| {
        for (&rule, counts) in Rule::ALL.iter().zip(seen.iter_mut()) {
            let (_, hidden, worst) = *counts;
            if hidden > 0 {
                let mut summary = Finding::new(
                    rule,
                    file,
                    None,
                    format!("and {hidden} more `{rule}` findings in this file"),
                )
                .with_help(format!(
                    "okr reports at most {MAX_PER_RULE} findings of one rule in one file"
                ));
                summary.severity = worst;
                summary.hidden = hidden;
                out.push(summary);
            }
            *counts = (0, 0, Severity::Warning);
        }
    };
    for finding in findings {
        if file.as_deref() != Some(finding.file.as_str()) {
            if let Some(file) = &file {
                flush(file, &mut seen, &mut summaries);
            }
            file = Some(finding.file.clone());
        }
        let counts = &mut seen[finding.rule as usize];
        if counts.0 < MAX_PER_RULE && finding.hidden == 0 {
            counts.0 += 1;
            kept.push(finding);
        } else {
            // A summary made before is merged into this one: alone, it is made again as it was.
            counts.1 += finding.count();
            counts.2 = counts.2.min(finding.severity);
        }
    }
    if let Some(file) = &file {
        flush(file, &mut seen, &mut summaries);
    }
    if summaries.is_empty() {
        return kept;
    }
    kept.extend(summaries);
    sort(&mut kept);
    kept
}

/// At most this many candidates are compared with a value for a suggestion: a list of known
/// values can be as long as a 1 MiB okr.toml allows, and each unknown value would be compared
/// with all of it.
pub const MAX_COMPARED: usize = 1_000;

/// Neither a value nor a candidate longer than this many characters takes part in a
/// suggestion: a comparison costs the product of the two lengths, and nobody mistypes a tag or
/// a field of hundreds of characters. With [`MAX_COMPARED`], this bounds the work of one
/// suggestion.
pub const MAX_SUGGESTED_CHARS: usize = 64;

/// Whether `text` is short enough for a suggestion ([`MAX_SUGGESTED_CHARS`]), judged without
/// walking the whole of a long text.
fn short_enough(text: &str) -> bool {
    // A character is one to four bytes.
    text.len() <= MAX_SUGGESTED_CHARS
        || (text.len() <= 4 * MAX_SUGGESTED_CHARS && text.chars().count() <= MAX_SUGGESTED_CHARS)
}

/// The closest of `candidates` to `value`, when it is close enough to be a likely typo.
///
/// Only candidates of about the value's length are compared, and at most [`MAX_COMPARED`] of
/// them: first those that begin with the same letter, then the others, each in the order given.
/// A typo changes a few characters, seldom the length or the first one. A value or candidate
/// longer than [`MAX_SUGGESTED_CHARS`] gets or gives no suggestion.
pub fn did_you_mean<'a, I>(value: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    if !short_enough(value) {
        return None;
    }
    let original = value;
    let value = value.to_lowercase();
    let length = value.chars().count();
    let first = value.chars().next();
    let similar = move |candidate: &&str| {
        // The value itself is not a suggestion for what was not found.
        if !short_enough(candidate) || *candidate == original {
            return false;
        }
        // Bytes bound characters from above: most candidates are judged without counting.
        let (short, long) = (candidate.len().min(length), candidate.len().max(length));
        if (long - short) * 3 > long + 3 {
            let chars = candidate.chars().count();
            if chars.abs_diff(length) * 3 > chars.max(length) + 3 {
                return false;
            }
        }
        true
    };
    let alike = move |candidate: &&str| {
        candidate.chars().next().map(|c| c.to_lowercase().next()) == first.map(Some)
    };
    let candidates = candidates.into_iter();
    let near = candidates
        .clone()
        .filter(move |c| similar(c) && alike(c))
        .take(MAX_COMPARED);
    let far = candidates.filter(move |c| similar(c) && !alike(c));
    near.chain(far)
        .take(MAX_COMPARED)
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
pub fn suggestion<'a, I>(value: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    did_you_mean(value, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_but_not_strangers() {
        let levels = ["low", "medium", "high", "huge"];
        assert_eq!(did_you_mean("hgh", levels), Some("high"));
        assert_eq!(did_you_mean("Medum", levels), Some("medium"));
        assert_eq!(did_you_mean("zzz", levels), None);
        // Never the value itself, but the value in other case.
        assert_eq!(did_you_mean("high", ["high"]), None);
        assert_eq!(did_you_mean("High", ["high"]), Some("high"));
    }

    #[test]
    fn long_values_and_candidates_take_no_part_in_suggestions() {
        let long = "a".repeat(MAX_SUGGESTED_CHARS + 1);
        let typo = format!("{}b", &long[1..]);
        assert_eq!(did_you_mean(&typo, [long.as_str(), "aaa"]), None);
        let fits = "a".repeat(MAX_SUGGESTED_CHARS);
        let typo = format!("{}b", &fits[1..]);
        assert_eq!(
            did_you_mean(&typo, [long.as_str(), fits.as_str()]),
            Some(fits.as_str())
        );
        // Characters count, not bytes.
        let wide = "é".repeat(MAX_SUGGESTED_CHARS);
        let typo = format!("{}e", &wide[2..]);
        assert_eq!(did_you_mean(&typo, [wide.as_str()]), Some(wide.as_str()));
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
