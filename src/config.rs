//! `okr.toml`: the team's settings, parsed with spans and resolved to defaults.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::document;
use crate::finding::{Finding, Rule, RuleLevel, RuleLevels, suggestion};
use crate::model::Level;
use crate::period::Period;
use crate::score::Formula;

pub const FILE: &str = "okr.toml";
pub const DEFAULT_FORMULA: &str = "impact * confidence / cost";
/// `[rules].checkin_days` when okr.toml does not set it: a check-in every two weeks.
pub const DEFAULT_CHECKIN_DAYS: u32 = 14;

/// `okr.toml`, as written.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "okr team settings (okr.toml)")]
pub struct ConfigFile {
    #[schemars(required)]
    pub team: Option<TeamSection>,
    #[serde(default)]
    pub paths: PathsSection,
    #[serde(default)]
    pub scales: ScalesSection,
    #[serde(default)]
    pub scoring: ScoringSection,
    #[serde(default)]
    pub tags: TagsSection,
    #[serde(default)]
    pub rules: RulesSection,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSection {
    #[schemars(with = "String", required, length(min = 1))]
    pub name: Option<Spanned<String>>,
    /// The current planning period: `2026`, `2026-H2` or `2026-Q1`.
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}(-[QH][1-4])?$"))]
    pub period: Option<Spanned<String>>,
    /// Owners are GitHub logins: the pull-request comment mentions the owners of the themes a
    /// change affects as `@login`. Off by default, when it names them as plain text.
    pub github: Option<bool>,
}

/// Folders, relative to the repository root; they must stay inside it.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathsSection {
    #[schemars(with = "Option<String>")]
    pub initiatives: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub themes: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub templates: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub output: Option<Spanned<String>>,
}

/// Named levels and their numbers.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalesSection {
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub impact: Option<Spanned<BTreeMap<String, f64>>>,
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub cost: Option<Spanned<BTreeMap<String, f64>>>,
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub confidence: Option<Spanned<BTreeMap<String, f64>>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringSection {
    /// A minijinja expression over `impact`, `cost`, `confidence` and `supporters`.
    #[schemars(with = "Option<String>")]
    pub formula: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsSection {
    /// Empty: any tag; else the closed vocabulary of tags.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub known: Vec<Spanned<String>>,
    /// Tags rewritten before grouping, e.g. `perf = "performance"`.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

/// The level of each rule that a team may change, and the settings of rules.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesSection {
    pub unknown_field: Option<RuleLevel>,
    pub bad_title: Option<RuleLevel>,
    pub unknown_tag: Option<RuleLevel>,
    pub unknown_dependency: Option<RuleLevel>,
    pub dependency_cycle: Option<RuleLevel>,
    pub bad_period: Option<RuleLevel>,
    pub empty_theme: Option<RuleLevel>,
    pub orphan: Option<RuleLevel>,
    pub stale: Option<RuleLevel>,
    pub past_period: Option<RuleLevel>,
    pub hidden_file: Option<RuleLevel>,
    pub future_checkin: Option<RuleLevel>,
    pub closed_checkin: Option<RuleLevel>,
    pub unlearned: Option<RuleLevel>,
    /// Days without a change after which an accepted or active initiative is stale.
    #[serde(rename = "stale_days")]
    #[schemars(range(min = 1))]
    pub stale_days: Option<u32>,
    /// Days between check-ins: `okr due` lists the accepted and active initiatives, and the
    /// themes, whose last check-in is older.
    #[serde(rename = "checkin_days")]
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub checkin_days: Option<Spanned<u32>>,
}

impl RulesSection {
    fn levels(&self) -> RuleLevels {
        let mut levels = RuleLevels::default();
        let pairs = [
            (Rule::UnknownField, self.unknown_field),
            (Rule::BadTitle, self.bad_title),
            (Rule::UnknownTag, self.unknown_tag),
            (Rule::UnknownDependency, self.unknown_dependency),
            (Rule::DependencyCycle, self.dependency_cycle),
            (Rule::BadPeriod, self.bad_period),
            (Rule::EmptyTheme, self.empty_theme),
            (Rule::Orphan, self.orphan),
            (Rule::Stale, self.stale),
            (Rule::PastPeriod, self.past_period),
            (Rule::HiddenFile, self.hidden_file),
            (Rule::FutureCheckin, self.future_checkin),
            (Rule::ClosedCheckin, self.closed_checkin),
            (Rule::Unlearned, self.unlearned),
        ];
        for (rule, level) in pairs {
            if let Some(level) = level {
                levels.set(rule, level);
            }
        }
        levels
    }
}

/// A scale: levels sorted by their number.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    levels: Vec<(String, f64)>,
}

impl Scale {
    fn new(levels: impl IntoIterator<Item = (String, f64)>) -> Scale {
        let mut levels: Vec<_> = levels.into_iter().collect();
        levels.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Scale { levels }
    }

    fn from_pairs(pairs: &[(&str, f64)]) -> Scale {
        Scale::new(pairs.iter().map(|(n, v)| ((*n).to_owned(), *v)))
    }

    pub fn get(&self, name: &str) -> Option<Level> {
        self.levels
            .iter()
            .find(|(n, _)| n == name)
            .map(|(name, value)| Level {
                name: name.clone(),
                value: *value,
            })
    }

    /// The level in the middle (the lower of the two middles for an even count).
    pub fn middle(&self) -> Level {
        let (name, value) = &self.levels[(self.levels.len() - 1) / 2];
        Level {
            name: name.clone(),
            value: *value,
        }
    }

    /// Level names, lowest number first.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.levels.iter().map(|(n, _)| n.as_str())
    }

    pub fn levels(&self) -> &[(String, f64)] {
        &self.levels
    }

    pub fn max(&self) -> f64 {
        self.levels.last().map_or(1.0, |l| l.1)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scales {
    pub impact: Scale,
    pub cost: Scale,
    pub confidence: Scale,
}

impl Default for Scales {
    fn default() -> Scales {
        Scales {
            impact: Scale::from_pairs(&[
                ("low", 1.0),
                ("medium", 2.0),
                ("high", 3.0),
                ("huge", 5.0),
            ]),
            cost: Scale::from_pairs(&[
                ("xs", 1.0),
                ("s", 2.0),
                ("m", 3.0),
                ("l", 5.0),
                ("xl", 8.0),
            ]),
            confidence: Scale::from_pairs(&[("low", 0.5), ("medium", 0.8), ("high", 1.0)]),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub initiatives: String,
    pub themes: String,
    pub templates: String,
    pub output: String,
}

impl Default for Paths {
    fn default() -> Paths {
        Paths {
            initiatives: "initiatives".into(),
            themes: "themes".into(),
            templates: "templates".into(),
            output: "okrs".into(),
        }
    }
}

/// The team's settings with every default filled in.
#[derive(Debug, Clone)]
pub struct Config {
    pub team: String,
    pub period: Option<String>,
    pub paths: Paths,
    pub scales: Scales,
    pub formula: Formula,
    /// `[tags].known`, sorted and without repeats.
    pub known_tags: Vec<String>,
    pub aliases: BTreeMap<String, String>,
    pub rules: RuleLevels,
    pub stale_days: u32,
    /// `[rules].checkin_days`: how often owners are expected to check in.
    pub checkin_days: u32,
    /// `[team].github`: owners are GitHub logins, to mention.
    pub github: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            team: String::new(),
            period: None,
            paths: Paths::default(),
            scales: Scales::default(),
            formula: Formula::compile(DEFAULT_FORMULA).expect("the default formula compiles"),
            known_tags: Vec::new(),
            aliases: BTreeMap::new(),
            rules: RuleLevels::default(),
            stale_days: 90,
            checkin_days: DEFAULT_CHECKIN_DAYS,
            github: false,
        }
    }
}

impl Config {
    /// Parses `okr.toml`; on any problem, every finding (each is a configuration error).
    pub fn parse(text: &str) -> Result<Config, Vec<Finding>> {
        let (parsed, mut findings) = document::parse::<ConfigFile>(FILE, text);
        let Some(parsed) = parsed else {
            return Err(findings);
        };
        let file = parsed.doc;
        let mut config = Config::default();

        match file.team.as_ref().and_then(|t| t.name.as_ref()) {
            Some(name) if !name.get_ref().trim().is_empty() => {
                config.team = name.get_ref().trim().to_owned();
            }
            Some(name) => findings.push(Finding::new(
                Rule::MissingField,
                FILE,
                Some(name.span()),
                "`team.name` is empty".into(),
            )),
            None if parsed.removed.contains("team.name") || parsed.removed.contains("team") => {}
            None => findings.push(
                Finding::new(
                    Rule::MissingField,
                    FILE,
                    None,
                    "missing `[team].name`".into(),
                )
                .with_help("add `[team]` with `name = \"Your team\"`".to_owned()),
            ),
        }
        config.github = file.team.as_ref().and_then(|t| t.github) == Some(true);
        if let Some(period) = file.team.as_ref().and_then(|t| t.period.as_ref()) {
            match Period::parse(period.get_ref()) {
                Some(_) => config.period = Some(period.get_ref().clone()),
                None => findings.push(Period::finding(FILE, period)),
            }
        }

        let paths = &file.paths;
        for (slot, value) in [
            (&mut config.paths.initiatives, &paths.initiatives),
            (&mut config.paths.themes, &paths.themes),
            (&mut config.paths.templates, &paths.templates),
            (&mut config.paths.output, &paths.output),
        ] {
            if let Some(value) = value {
                match inside_path(value.get_ref()) {
                    Some(path) => *slot = path,
                    None => findings.push(
                        Finding::new(
                            Rule::BadConfig,
                            FILE,
                            Some(value.span()),
                            format!("path `{}` leaves the repository", value.get_ref()),
                        )
                        .with_help(
                            "paths in okr.toml are relative to the repository root, without `..`, \
                             `.git` or control characters"
                                .to_owned(),
                        ),
                    ),
                }
            }
        }

        let scales = &file.scales;
        for (slot, value, name) in [
            (&mut config.scales.impact, &scales.impact, "impact"),
            (&mut config.scales.cost, &scales.cost, "cost"),
            (
                &mut config.scales.confidence,
                &scales.confidence,
                "confidence",
            ),
        ] {
            let Some(value) = value else { continue };
            let bad = value
                .get_ref()
                .iter()
                .find(|(_, v)| !v.is_finite() || **v < 0.0);
            if value.get_ref().is_empty() {
                findings.push(Finding::new(
                    Rule::BadConfig,
                    FILE,
                    Some(value.span()),
                    format!("scale `{name}` has no levels"),
                ));
            } else if let Some((level, number)) = bad {
                findings.push(Finding::new(
                    Rule::BadConfig,
                    FILE,
                    Some(value.span()),
                    format!("level `{level}` of scale `{name}` is `{number}`; levels must be finite numbers of 0 or more"),
                ));
            } else {
                *slot = Scale::new(value.get_ref().clone());
            }
        }

        if let Some(formula) = &file.scoring.formula {
            // A trial run on the middle levels catches a formula that compiles but gives no
            // number (`env.HOME`, a typo'd name), so `okr check` reports it, not only `render`.
            let trial = |compiled: &Formula| {
                let inputs = crate::score::Inputs {
                    impact: config.scales.impact.middle().value,
                    cost: config.scales.cost.middle().value,
                    confidence: config.scales.confidence.middle().value,
                    supporters: 1,
                };
                match compiled.scores([("the middle levels", inputs)]) {
                    Err(crate::error::Error::Formula { reason, .. }) => Err(reason),
                    _ => Ok(()),
                }
            };
            let known = || {
                crate::score::VARIABLES
                    .map(|name| format!("`{name}`"))
                    .join(", ")
            };
            match Formula::compile(formula.get_ref()) {
                Ok(compiled) if !compiled.unknown_variables().is_empty() => {
                    let unknown = compiled.unknown_variables();
                    let named = unknown
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let hint = unknown
                        .iter()
                        .find_map(|name| {
                            suggestion(name, crate::score::VARIABLES.iter().copied())
                        })
                        .map(|hint| format!("{hint} "))
                        .unwrap_or_default();
                    findings.push(
                        Finding::new(
                            Rule::BadConfig,
                            FILE,
                            Some(formula.span()),
                            format!(
                                "formula `{}` uses unknown variable {named}",
                                formula.get_ref()
                            ),
                        )
                        .with_help(format!("{hint}the formula knows {}", known())),
                    );
                }
                Ok(compiled) => match trial(&compiled) {
                    Ok(()) => config.formula = compiled,
                    Err(reason) => findings.push(
                        Finding::new(
                            Rule::BadConfig,
                            FILE,
                            Some(formula.span()),
                            format!("formula `{}` does not give a score: {reason}", formula.get_ref()),
                        )
                        .with_help(
                            "use only `impact`, `cost`, `confidence` and `supporters`, and numbers"
                                .to_owned(),
                        ),
                    ),
                },
                Err(error) => findings.push(
                    Finding::new(
                        Rule::BadConfig,
                        FILE,
                        Some(formula.span()),
                        format!("formula `{}` does not compile: {error}", formula.get_ref()),
                    )
                    .with_help(
                        "write a minijinja expression over `impact`, `cost`, `confidence` and `supporters`"
                            .to_owned(),
                    ),
                ),
            }
        }

        config.known_tags = file
            .tags
            .known
            .iter()
            .map(|t| t.get_ref().clone())
            .collect();
        config.known_tags.sort_unstable();
        config.known_tags.dedup();
        config.aliases = file.tags.aliases.clone();
        if !config.known_tags.is_empty() {
            for (alias, target) in &file.tags.aliases {
                if !config.is_known_tag(target) {
                    // Only the findings reported get a suggestion: the others are summed up.
                    let help = (findings.len() < crate::finding::MAX_PER_RULE)
                        .then(|| suggestion(target, config.known_tags.iter().map(String::as_str)))
                        .flatten();
                    findings.push(
                        Finding::new(
                            Rule::BadConfig,
                            FILE,
                            None,
                            format!("alias `{alias}` points to `{target}`, which is not in `[tags].known`"),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        config.rules = file.rules.levels();
        config.stale_days = file.rules.stale_days.unwrap_or(90);
        match &file.rules.checkin_days {
            Some(days) if *days.get_ref() == 0 => findings.push(
                Finding::new(
                    Rule::BadConfig,
                    FILE,
                    Some(days.span()),
                    "`checkin_days` is `0`; check-ins cannot be due every 0 days".into(),
                )
                .with_help(format!(
                    "use a whole number of days of 1 or more (the default is {DEFAULT_CHECKIN_DAYS})"
                )),
            ),
            Some(days) => config.checkin_days = *days.get_ref(),
            None => {}
        }

        if findings.is_empty() {
            Ok(config)
        } else {
            Err(findings)
        }
    }

    /// A tag after `[tags].aliases`.
    /// Whether `tag` is in `[tags].known` (kept sorted, so that this is a binary search).
    /// `[team].period`, the current planning period, if the team set one.
    pub fn current_period(&self) -> Option<Period> {
        self.period.as_deref().and_then(Period::parse)
    }

    pub fn is_known_tag(&self, tag: &str) -> bool {
        self.known_tags
            .binary_search_by(|known| known.as_str().cmp(tag))
            .is_ok()
    }

    pub fn canonical_tag<'a>(&'a self, tag: &'a str) -> &'a str {
        self.aliases.get(tag).map_or(tag, String::as_str)
    }
}

/// A repo-relative folder from okr.toml, normalised; `None` when it would leave the repository.
pub fn inside_path(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    if path.starts_with('/') || path.contains(':') || path.chars().any(char::is_control) {
        return None;
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty()
        || parts.contains(&"..")
        || parts.iter().any(|p| p.eq_ignore_ascii_case(".git"))
    {
        return None;
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests;
