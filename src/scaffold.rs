//! `okr init` and `okr new`: writing the files a team starts from.

use std::path::Path;

use crate::config::Scale;
use crate::error::{Error, Result};
use crate::finding::suggestion;
use crate::load;
use crate::schema;
use crate::source::WorkTree;

const OKR_TOML: &str = include_str!("../templates/init/okr.toml");
const INITIATIVE: &str = include_str!("../templates/init/initiative.toml");
const THEME: &str = include_str!("../templates/init/theme.toml");
const WORKFLOW: &str = include_str!("../templates/init/okr.yml");
const OKR_ORG_TOML: &str = include_str!("../templates/init/okr-org.toml");
const OBJECTIVE: &str = include_str!("../templates/init/objective.toml");
const ORG_WORKFLOW: &str = include_str!("../templates/init/okr-org.yml");

/// The GitHub repository of okr itself, whose reusable workflow team repositories call.
pub const REPOSITORY: &str = "okr-tool/okr";

/// The release tag of this okr, which release.yml builds binaries for: the workflow that
/// `okr init` writes calls the reusable workflow at this tag and installs its verified binary.
pub const RELEASE_TAG: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// A TOML string literal.
pub fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

/// The files `okr init` writes, as (repo-relative path, contents).
pub fn init_files(team: &str, owner: &str, period: &str) -> Vec<(String, String)> {
    let (team, owner, period) = (quoted(team), quoted(owner), quoted(period));
    let values = [
        ("team", team.as_str()),
        ("owner", owner.as_str()),
        ("period", period.as_str()),
        ("repository", REPOSITORY),
        ("ref", RELEASE_TAG),
    ];
    let mut files: Vec<(String, String)> = [
        ("okr.toml", fill(OKR_TOML, &values)),
        (
            "initiatives/propose-in-pull-requests.toml",
            fill(INITIATIVE, &values),
        ),
        ("themes/planning-in-the-open.toml", fill(THEME, &values)),
        (".github/workflows/okr.yml", fill(WORKFLOW, &values)),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_owned(), text))
    .collect();
    // The schemas the `#:schema` lines above point to, so editors complete fields at once.
    let scales = crate::config::Scales::default();
    files.extend(
        schema::Kind::ALL
            .into_iter()
            .map(|kind| (kind.path(), schema::text(kind, &scales))),
    );
    files
}

/// The files `okr init --org` writes, as (repo-relative path, contents): okr-org.toml with its
/// teams commented out (so `okr org check` passes before any team is synced), an example
/// objective, the daily sync-and-check workflow, and the schemas the `#:schema` lines name.
pub fn org_files(org: &str, owner: &str, period: &str) -> Vec<(String, String)> {
    let (org, owner, period) = (quoted(org), quoted(owner), quoted(period));
    let values = [
        ("org", org.as_str()),
        ("owner", owner.as_str()),
        ("period", period.as_str()),
        ("repository", REPOSITORY),
        ("ref", RELEASE_TAG),
    ];
    let mut files: Vec<(String, String)> = [
        (crate::org::FILE.to_owned(), fill(OKR_ORG_TOML, &values)),
        (
            format!("{}/reliability.toml", crate::org::OBJECTIVES),
            fill(OBJECTIVE, &values),
        ),
        (
            ".github/workflows/okr-org.yml".to_owned(),
            fill(ORG_WORKFLOW, &values),
        ),
    ]
    .into();
    let scales = crate::config::Scales::default();
    files.extend(
        schema::Kind::ORG
            .into_iter()
            .map(|kind| (kind.path(), schema::text(kind, &scales))),
    );
    files
}

/// A team name from a folder name, as a person would write it: `payments-team` is
/// "Payments team", `platform_infra` "Platform infra". `None` when nothing is left.
pub fn team_name(folder: &str) -> Option<String> {
    let words: Vec<&str> = folder
        .split(|c: char| c == '-' || c == '_' || c == '.' || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect();
    let joined = words.join(" ");
    let mut chars = joined.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// Whether a `.gitignore`'s text already ignores the folder `folder` at the root, in any of
/// the usual spellings (`okrs`, `/okrs`, `okrs/`, `/okrs/`).
pub fn ignores_folder(gitignore: &str, folder: &str) -> bool {
    gitignore.lines().map(str::trim).any(|line| {
        let line = line.strip_prefix('/').unwrap_or(line);
        let line = line.strip_suffix('/').unwrap_or(line);
        line == folder
    })
}

/// Refuses a level that `scale` does not have, with the nearest name or the list as help.
pub fn check_level(scale: &Scale, value: Option<&str>, what: &str) -> Result<()> {
    if let Some(value) = value
        && scale.get(value).is_none()
    {
        let levels: Vec<&str> = scale.names().collect();
        let help = suggestion(value, levels.iter().copied())
            .unwrap_or_else(|| format!("use one of {}", levels.join(", ")));
        return Err(Error::usage(format!(
            "unknown {what} level `{value}`; {help}"
        )));
    }
    Ok(())
}

/// What the author of a new initiative gave; `None` where they have not decided yet.
pub struct Draft<'a> {
    pub title: &'a str,
    pub problem: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub supporters: &'a [String],
    pub tags: &'a [String],
    pub impact: Option<&'a str>,
    pub cost: Option<&'a str>,
    pub confidence: Option<&'a str>,
    pub status: Option<&'a str>,
    pub depends_on: &'a [String],
}

/// A TOML array of strings on one line.
fn quoted_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| quoted(item)).collect();
    format!("[{}]", items.join(", "))
}

/// The key result a new initiative starts without: commented out, to be filled in or removed.
const KEY_RESULT_STUB: &str = "\
# [[key_results]]   # how you will know; numeric (baseline, target, current) or a milestone (done)
# title = \"p99 query latency\"
# unit = \"ms\"
# baseline = 120
# target = 50
# current = 120
";

/// The text of a new initiative; empty strings stand where the author must still decide.
pub fn initiative_text(
    draft: &Draft,
    owner: &str,
    period: Option<&str>,
    scales: &crate::config::Scales,
    schema: Option<&str>,
) -> String {
    let levels = |scale: &Scale| scale.names().collect::<Vec<_>>().join(" | ");
    let mut text = String::new();
    if let Some(schema) = schema {
        text.push_str(&format!("#:schema {schema}\n\n"));
    }
    text.push_str(&format!("title = {}\n", quoted(draft.title.trim())));
    text.push_str(&format!(
        "problem = {}   # the problem, and why now\n",
        quoted(draft.problem.unwrap_or(""))
    ));
    text.push_str(&format!(
        "outcome = {}   # what is true once it is done\n",
        quoted(draft.outcome.unwrap_or(""))
    ));
    text.push_str(&format!("owner = {}\n", quoted(owner)));
    text.push_str(&format!(
        "supporters = {}   # engineers who back it\n",
        quoted_list(draft.supporters)
    ));
    text.push_str(&format!("tags = {}\n", quoted_list(draft.tags)));
    text.push_str(&format!(
        "impact = {}   # {}\n",
        quoted(draft.impact.unwrap_or("")),
        levels(&scales.impact)
    ));
    text.push_str(&format!(
        "cost = {}   # {}\n",
        quoted(draft.cost.unwrap_or("")),
        levels(&scales.cost)
    ));
    match draft.confidence {
        Some(confidence) => text.push_str(&format!("confidence = {}\n", quoted(confidence))),
        None => text.push_str(&format!(
            "# confidence = {}   # {}\n",
            quoted(&scales.confidence.middle().name),
            levels(&scales.confidence)
        )),
    }
    text.push_str(&format!(
        "status = {}\n",
        quoted(draft.status.unwrap_or("proposed"))
    ));
    if let Some(period) = period {
        text.push_str(&format!("period = {}\n", quoted(period)));
    }
    text.push_str(&format!(
        "depends_on = {}\nlinks = []\n\n",
        quoted_list(draft.depends_on)
    ));
    text.push_str(KEY_RESULT_STUB);
    text
}

/// The tags a new initiative may pick from: `[tags].known`, else every tag in use, after
/// `[tags].aliases`.
pub fn tags_in_use(tree: &WorkTree, config: &crate::config::Config) -> Result<Vec<String>> {
    if !config.known_tags.is_empty() {
        let mut known = config.known_tags.clone();
        known.sort();
        return Ok(known);
    }
    let workspace = load::load(tree)?;
    let initiatives = workspace
        .initiatives
        .initiatives()
        .flat_map(|i| i.tags.iter().map(String::as_str));
    let themes = workspace
        .themes
        .iter()
        .filter_map(|d| d.parsed.doc.tags.as_ref())
        .flat_map(|tags| tags.get_ref().iter().map(|t| t.get_ref().as_str()));
    let mut tags: Vec<String> = initiatives
        .chain(themes)
        .map(|tag| config.canonical_tag(tag).to_owned())
        .collect();
    tags.sort();
    tags.dedup();
    Ok(tags)
}

/// The path from a file to its schema, for its `#:schema` line; `None` when the repository has no
/// schema written (`okr init` writes them; `okr schema KIND` prints them).
pub fn schema_line(root: &Path, file: &str, kind: schema::Kind) -> Option<String> {
    if !root.join(kind.path()).is_file() {
        return None;
    }
    let depth = file.matches('/').count();
    let up = if depth == 0 {
        "./".to_owned()
    } else {
        "../".repeat(depth)
    };
    Some(format!("{up}{}", kind.path()))
}

/// The last part of a `/`-separated path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_name_reads_like_a_name() {
        assert_eq!(team_name("payments-team").as_deref(), Some("Payments team"));
        assert_eq!(
            team_name("platform_infra").as_deref(),
            Some("Platform infra")
        );
        assert_eq!(team_name("SRE").as_deref(), Some("SRE"));
        assert_eq!(team_name("ünits--core_").as_deref(), Some("Ünits core"));
        assert_eq!(team_name("-_-"), None);
    }

    #[test]
    fn a_gitignore_line_in_any_spelling_counts() {
        for text in ["okrs\n", "/okrs", "target/\nokrs/\n", "  /okrs/  \n"] {
            assert!(ignores_folder(text, "okrs"), "{text:?}");
        }
        for text in ["", "okrs-old/\n", "# okrs\n", "docs/okrs\n"] {
            assert!(!ignores_folder(text, "okrs"), "{text:?}");
        }
    }
}
