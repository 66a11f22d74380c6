//! Findings: what `okr check` reports about a team repository, as data.
//!
//! A finding is made by a rule with a byte span into the file's text; the severity comes from the
//! rule's level in `[rules]`, applied once all findings are collected.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

mod suggest;
mod texts;

pub use suggest::{MAX_COMPARED, MAX_SUGGESTED_CHARS, did_you_mean, suggestion};
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
    PastPeriod => "past-period", Warn, true, "an open initiative's period ended before the current period began";
    FutureCheckin => "future-checkin", Error, true, "a check-in is dated after today (UTC)";
    ClosedCheckin => "closed-checkin", Warn, true, "a done or dropped initiative has a check-in made within `checkin_days`";
    BadClose => "bad-close", Error, false, "a `[[closed]]` record repeats a period, has a grade outside 0..1 or an unknown outcome";
    Unlearned => "unlearned", Warn, true, "a closed period is over and its `learned` is still empty";
    BadWeight => "bad-weight", Error, false, "a theme's `weight` is not a number above 0";
    UnknownParent => "unknown-parent", Error, false, "a theme's `parent` is no id, or (`okr org check`) names no objective of the org";
    BadTeam => "bad-team", Error, false, "okr-org.toml: a team's name is not lowercase letters, digits and `-`, or is another team's, or its `ref` is no branch name";
    UrlCredentials => "url-credentials", Error, false, "okr-org.toml: a team's URL holds credentials (`user:token@`); git's credential helpers hold them";
    UnsyncedTeam => "unsynced-team", Error, false, "a team of okr-org.toml has no synced ref yet (`okr org sync`)";
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
    /// The team whose repository holds `file`, in an org's check; `None` for the repository
    /// okr runs in.
    pub team: Option<String>,
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
            team: None,
        }
    }

    /// How many findings this one counts for: itself, or those it sums up.
    pub fn count(&self) -> usize {
        if self.hidden > 0 { self.hidden } else { 1 }
    }

    /// Where the finding is, for a reader and for [`Texts`]: the file, after its team's name
    /// where it has one (`payments: initiatives/x.toml`).
    pub fn place(&self) -> std::borrow::Cow<'_, str> {
        match &self.team {
            Some(team) => format!("{team}: {}", self.file).into(),
            None => self.file.as_str().into(),
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

#[cfg(test)]
mod tests {
    use super::*;

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
