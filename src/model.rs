//! The file formats of initiatives and themes, and the checked model built from them.
//!
//! The `*File` types are what serde parses and what `okr schema` describes, so the two cannot
//! drift. Required keys are `Option`s there (the rules report them, all at once); the checked
//! types below have every required value present and every level resolved to its number.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A value that files spell as one word of a closed set (`status`, `health`, `outcome`,
/// `commitment`): what the rules need to read one and to name the others.
pub trait Word: Copy + 'static {
    /// Every value, in order.
    fn words() -> &'static [Self];
    /// The word, as files spell it.
    fn word(self) -> &'static str;
}

/// Defines an enum whose values files spell as words (`Status`, `Health`), each variant given
/// with its word: serde reads and writes the word, and it gets `ALL` in order, `as_str`, `parse`
/// (the word back), `Display` (the word) and [`Word`].
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $enum:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            schemars::JsonSchema,
        )]
        pub enum $enum {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant,)+
        }

        impl $enum {
            pub const ALL: [$enum; [$($word),+].len()] = [$($enum::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($enum::$variant => $word,)+
                }
            }

            pub fn parse(name: &str) -> Option<$enum> {
                $enum::ALL.into_iter().find(|v| v.as_str() == name)
            }
        }

        impl Word for $enum {
            fn words() -> &'static [$enum] {
                &$enum::ALL
            }

            fn word(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// `initiatives/**/<id>.toml`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "okr initiative", description = "One proposed piece of work.")]
pub struct InitiativeFile {
    /// One line, at most 100 characters.
    #[schemars(with = "String", required, length(min = 1, max = 100))]
    pub title: Option<Spanned<String>>,
    /// The problem this solves, and why now.
    #[schemars(with = "String", required, length(min = 1))]
    pub problem: Option<Spanned<String>>,
    /// What is true once it is done.
    pub outcome: Option<String>,
    /// Who drives it.
    #[schemars(with = "String", required, length(min = 1))]
    pub owner: Option<Spanned<String>>,
    /// Engineers who back it: the bottom-up signal.
    #[serde(default)]
    pub supporters: Vec<String>,
    /// An initiative joins every theme that lists one of its tags.
    #[schemars(with = "Vec<String>", required, length(min = 1))]
    pub tags: Option<Spanned<Vec<Spanned<String>>>>,
    /// A level of `[scales].impact`.
    #[schemars(with = "String", required)]
    pub impact: Option<Spanned<String>>,
    /// A level of `[scales].cost`.
    #[schemars(with = "String", required)]
    pub cost: Option<Spanned<String>>,
    /// A level of `[scales].confidence`; the middle level when absent.
    #[schemars(with = "Option<String>")]
    pub confidence: Option<Spanned<String>>,
    /// Where the initiative stands; `proposed` when absent.
    #[schemars(with = "Option<Status>")]
    pub status: Option<Spanned<String>>,
    /// A planning period: `2026`, `2026-H2` or `2026-Q1`.
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}(-[QH][1-4])?$"))]
    pub period: Option<Spanned<String>>,
    /// Ids of initiatives that must be done first.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    pub links: Vec<String>,
    /// The last check-in.
    #[schemars(with = "Option<CheckinFile>")]
    pub checkin: Option<Spanned<CheckinFile>>,
    #[serde(default)]
    #[schemars(with = "Vec<KeyResultFile>")]
    pub key_results: Vec<Spanned<KeyResultFile>>,
    /// The grade of each closed period, appended by `okr close`.
    #[serde(default)]
    #[schemars(with = "Vec<ClosedFile>")]
    pub closed: Vec<Spanned<ClosedFile>>,
}

/// `themes/<id>.toml`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "okr theme",
    description = "A group of initiatives by tag; its title is the objective."
)]
pub struct ThemeFile {
    /// The objective: the future in which the problem is solved.
    #[schemars(with = "String", required, length(min = 1, max = 100))]
    pub title: Option<Spanned<String>>,
    /// The problem, as people feel it today.
    pub why: Option<String>,
    pub owner: Option<String>,
    /// Whether the objective is expected to reach 1.0 (`committed`, the default) or is a
    /// success at 0.7 (`aspirational`).
    #[schemars(with = "Option<Commitment>")]
    pub commitment: Option<Spanned<String>>,
    /// The id of the org objective this theme serves (`objectives/<id>.toml` of the org
    /// repository); only `okr org check` can tell whether it exists.
    #[schemars(with = "Option<String>", regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub parent: Option<Spanned<String>>,
    /// How much this theme counts in its parent's progress, beside the parent's other themes;
    /// 1 when absent.
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0))]
    pub weight: Option<Spanned<f64>>,
    /// An initiative with any of these tags joins the theme.
    #[schemars(with = "Vec<String>", required, length(min = 1))]
    pub tags: Option<Spanned<Vec<Spanned<String>>>>,
    /// The last check-in.
    #[schemars(with = "Option<CheckinFile>")]
    pub checkin: Option<Spanned<CheckinFile>>,
    #[serde(default)]
    #[schemars(with = "Vec<KeyResultFile>")]
    pub key_results: Vec<Spanned<KeyResultFile>>,
    /// The grade of each closed period, appended by `okr close`.
    #[serde(default)]
    #[schemars(with = "Vec<ClosedFile>")]
    pub closed: Vec<Spanned<ClosedFile>>,
}

/// `objectives/<id>.toml` of an org repository: an objective of the whole org, which team
/// themes serve (their `parent`). The theme format without tags: themes, not tags, join it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "okr org objective",
    description = "An objective of the org, served by team themes that name it as `parent`."
)]
pub struct ObjectiveFile {
    /// The objective: the future in which the problem is solved.
    #[schemars(with = "String", required, length(min = 1, max = 100))]
    pub title: Option<Spanned<String>>,
    /// The problem, as people feel it today.
    pub why: Option<String>,
    pub owner: Option<String>,
    /// Whether the objective is expected to reach 1.0 (`committed`, the default) or is a
    /// success at 0.7 (`aspirational`).
    #[schemars(with = "Option<Commitment>")]
    pub commitment: Option<Spanned<String>>,
    /// The last check-in.
    #[schemars(with = "Option<CheckinFile>")]
    pub checkin: Option<Spanned<CheckinFile>>,
    #[serde(default)]
    #[schemars(with = "Vec<KeyResultFile>")]
    pub key_results: Vec<Spanned<KeyResultFile>>,
}

/// `[[closed]]`: how a period ended for the work, written by `okr close` and never rewritten;
/// the owner fills in `learned` in the close's pull request.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedFile {
    /// The closed period: `2026`, `2026-H2` or `2026-Q1`.
    #[schemars(with = "String", required, regex(pattern = r"^\d{4}(-[QH][1-4])?$"))]
    pub period: Option<Spanned<String>>,
    /// From 0.0 to 1.0, one decimal; none for dropped work.
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub grade: Option<Spanned<f64>>,
    #[schemars(with = "Outcome", required)]
    pub outcome: Option<Spanned<String>>,
    /// What the team learned, in the owner's words.
    pub learned: Option<String>,
}

words! {
    /// Whether an objective is expected to reach 1.0 or is a success at 0.7.
    #[derive(Default)]
    pub enum Commitment {
        #[default]
        Committed => "committed",
        Aspirational => "aspirational",
    }
}

impl Commitment {
    /// The grade at which the objective is achieved: 1.0 for committed, 0.7 for aspirational.
    pub fn success(self) -> f64 {
        match self {
            Commitment::Committed => 1.0,
            Commitment::Aspirational => 0.7,
        }
    }
}

words! {
    /// How a period ended for a piece of work.
    pub enum Outcome {
        Achieved => "achieved",
        Partial => "partial",
        Missed => "missed",
        Dropped => "dropped",
    }
}

/// A checked `[[closed]]` record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Closed {
    pub period: String,
    /// None for dropped work.
    pub grade: Option<f64>,
    pub outcome: Outcome,
    /// Empty until the owner writes it.
    pub learned: String,
}

/// `[checkin]`: where the work stood at the owner's last check-in. Its series is the file's git
/// history.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinFile {
    /// The day of the check-in: a TOML date (`2026-04-02`), not in the future.
    #[schemars(with = "String", required, regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub date: Option<Spanned<toml::value::Datetime>>,
    /// How the work stands.
    #[schemars(with = "Option<Health>")]
    pub health: Option<Spanned<String>>,
    /// Why, in a sentence or two.
    pub note: Option<String>,
}

words! {
    /// How the work stands at a check-in.
    pub enum Health {
        OnTrack => "on-track",
        AtRisk => "at-risk",
        OffTrack => "off-track",
    }
}

impl Health {
    /// The health for a reader: a symbol whose shape differs for each health, so it reads
    /// without colour, and the words (`▲ at risk`).
    pub fn label(self) -> &'static str {
        match self {
            Health::OnTrack => "● on track",
            Health::AtRisk => "▲ at risk",
            Health::OffTrack => "■ off track",
        }
    }
}

/// A checked check-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkin {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub health: Option<Health>,
    pub note: Option<String>,
}

/// A measurable outcome: numeric (`baseline`, `target`, `current`) or a milestone (`done`).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyResultFile {
    #[schemars(with = "String", required, length(min = 1))]
    pub title: Option<Spanned<String>>,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// Defaults to the baseline.
    pub current: Option<f64>,
    /// A milestone instead of numbers.
    pub done: Option<bool>,
}

words! {
    /// Where an initiative stands.
    pub enum Status {
        Proposed => "proposed",
        Accepted => "accepted",
        Active => "active",
        Done => "done",
        Dropped => "dropped",
    }
}

impl Status {
    /// Done and dropped work no longer counts towards a theme's score.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Done | Status::Dropped)
    }
}

/// What a piece of work is: an initiative or a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Initiative,
    Theme,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Initiative => "initiative",
            Kind::Theme => "theme",
        }
    }

    /// The kind, with an initiative's status after it: `initiative (active)`, `theme`.
    pub fn with_status(self, status: Option<Status>) -> String {
        match status {
            Some(status) => format!("{} ({status})", self.as_str()),
            None => self.as_str().to_owned(),
        }
    }
}

/// A named level and the number `[scales]` gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    pub name: String,
    pub value: f64,
}

/// The keys of an initiative's file, in the order `okr fmt` writes them. The one list of an
/// initiative's fields: `okr fmt` orders by it, `okr diff` compares by it, and templates see
/// these fields (beside what ranking adds). The checked [`Initiative`] has each of them, after
/// its `id` and `file` (a test holds the list, the file format and the struct together).
pub const INITIATIVE_KEYS: &[&str] = &[
    "title",
    "problem",
    "outcome",
    "owner",
    "supporters",
    "tags",
    "impact",
    "cost",
    "confidence",
    "status",
    "period",
    "depends_on",
    "links",
    "checkin",
    "key_results",
    "closed",
];

/// A checked initiative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Initiative {
    pub id: String,
    /// Repo-relative path.
    pub file: String,
    pub title: String,
    pub problem: String,
    pub outcome: Option<String>,
    pub owner: String,
    pub supporters: Vec<String>,
    /// After `[tags].aliases`, without duplicates, in file order.
    pub tags: Vec<String>,
    pub impact: Level,
    pub cost: Level,
    pub confidence: Level,
    pub status: Status,
    pub period: Option<String>,
    pub depends_on: Vec<String>,
    pub links: Vec<String>,
    /// The last check-in, when there is one.
    pub checkin: Option<Checkin>,
    pub key_results: Vec<KeyResult>,
    /// The records of the periods closed on it, oldest first.
    pub closed: Vec<Closed>,
}

/// A checked theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    pub id: String,
    pub file: String,
    pub title: String,
    pub why: Option<String>,
    pub owner: Option<String>,
    pub commitment: Commitment,
    /// The org objective it serves, by id.
    pub parent: Option<String>,
    /// Its weight in the parent's progress: above 0, 1 when the file sets none.
    pub weight: f64,
    pub tags: Vec<String>,
    /// The last check-in, when there is one.
    pub checkin: Option<Checkin>,
    pub key_results: Vec<KeyResult>,
    /// The records of the periods closed on it, oldest first.
    pub closed: Vec<Closed>,
}

/// A checked org objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    pub id: String,
    /// Path in the org repository.
    pub file: String,
    pub title: String,
    pub why: Option<String>,
    pub owner: Option<String>,
    pub commitment: Commitment,
    /// The last check-in, when there is one.
    pub checkin: Option<Checkin>,
    pub key_results: Vec<KeyResult>,
}

/// The keys of an org objective's file, in the order `okr fmt` writes them.
pub const OBJECTIVE_KEYS: &[&str] = &[
    "title",
    "why",
    "owner",
    "commitment",
    "checkin",
    "key_results",
];

/// A checked key result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyResult {
    pub title: String,
    pub unit: Option<String>,
    #[serde(flatten)]
    pub measure: Measure,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Measure {
    Numeric {
        baseline: f64,
        target: f64,
        current: f64,
    },
    Milestone {
        done: bool,
    },
}

impl KeyResult {
    /// (current − baseline) / (target − baseline), clamped to 0..1; a milestone is 0 or 1.
    pub fn progress(&self) -> f64 {
        match self.measure {
            Measure::Numeric {
                baseline,
                target,
                current,
            } => {
                let span = target - baseline;
                if span == 0.0 {
                    return 0.0;
                }
                // `+ 0.0` turns the -0.0 of no progress towards a lower target into 0.0, which
                // prints as `0%`, never `-0%`.
                ((current - baseline) / span).clamp(0.0, 1.0) + 0.0
            }
            Measure::Milestone { done } => f64::from(u8::from(done)),
        }
    }
}

/// The mean progress of some key results; `None` when there are none.
pub fn mean_progress(key_results: &[KeyResult]) -> Option<f64> {
    if key_results.is_empty() {
        return None;
    }
    Some(key_results.iter().map(KeyResult::progress).sum::<f64>() / key_results.len() as f64)
}

/// The checked initiatives and themes of a repository, sorted by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    pub initiatives: Vec<Initiative>,
    pub themes: Vec<Theme>,
}

#[cfg(test)]
mod examples;
#[cfg(test)]
mod tests;
