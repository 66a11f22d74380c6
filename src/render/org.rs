//! The org's documents (`okr org render`): an overview (`README.md`) and one document per org
//! objective (`<id>.md`), from a [`Rollup`], through the built-in templates of
//! `templates/org/` or the org repository's own (see [`Templates::load_org`]). No date or
//! commit goes into them: the same teams render the same bytes.

use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::Templates;
use super::environment::{autolink, template_error, text_environment};
use super::view::{KeyResultView, key_result_view};
use crate::error::Result;
use crate::model::{Checkin, Health};
use crate::org::rollup::{Child, Dependency, Rollup, TeamState};

#[derive(Serialize)]
struct OrgView<'a> {
    name: &'a str,
    period: Option<&'a str>,
}

/// A team theme as the documents show it; `url` only when it is a plain web address, so that
/// it can stand in a Markdown link as it is.
#[derive(Serialize)]
struct ThemeView<'a> {
    theme: &'a str,
    title: &'a str,
    owner: Option<&'a str>,
    weight: f64,
    rank: usize,
    progress: Option<f64>,
    health: Option<Health>,
    url: Option<&'a str>,
}

/// The themes of one team that serve an objective.
#[derive(Serialize)]
struct TeamThemes<'a> {
    team: &'a str,
    /// The team's published overview, when `[[teams]].docs` gives a plain web address.
    url: Option<String>,
    themes: Vec<ThemeView<'a>>,
}

#[derive(Serialize)]
struct ObjectiveView<'a> {
    id: &'a str,
    file: &'a str,
    title: &'a str,
    why: Option<&'a str>,
    owner: Option<&'a str>,
    commitment: &'static str,
    checkin: Option<&'a Checkin>,
    progress: Option<f64>,
    own_progress: Option<f64>,
    health: Option<Health>,
    key_results: Vec<KeyResultView>,
    teams: Vec<&'a str>,
    /// Its children, by team in the order of okr-org.toml.
    by_team: Vec<TeamThemes<'a>>,
}

#[derive(Serialize)]
struct UnalignedView<'a> {
    team: &'a str,
    theme: &'a str,
    title: &'a str,
    parent: Option<&'a str>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct TeamView<'a> {
    name: &'a str,
    /// `read`, `not-synced` or `errors`.
    state: &'static str,
    /// Error findings, for `errors`.
    errors: usize,
    themes: usize,
    /// Of its themes, those that serve an org objective.
    aligned: usize,
    initiatives: usize,
    url: Option<String>,
}

/// `url` when it is a plain web address, which a Markdown link holds as it is.
fn plain_url(url: Option<&str>) -> Option<&str> {
    url.filter(|url| autolink(url).is_some())
}

fn team_url(rollup: &Rollup, team: &str) -> Option<String> {
    let docs = rollup
        .teams
        .iter()
        .find(|t| t.name == team)?
        .docs
        .as_deref()?;
    let url = format!("{}/README.md", docs.trim_end_matches('/'));
    plain_url(Some(&url)).map(str::to_owned)
}

fn theme_view(child: &Child) -> ThemeView<'_> {
    ThemeView {
        theme: &child.theme,
        title: &child.title,
        owner: child.owner.as_deref(),
        weight: child.weight,
        rank: child.rank,
        progress: child.progress,
        health: child.health,
        url: plain_url(child.url.as_deref()),
    }
}

/// Renders the org's documents in memory through `templates`: (file name, contents),
/// `README.md` first, then one per objective in the order of their ids.
pub fn org_documents(rollup: &Rollup, templates: Templates) -> Result<Vec<(String, String)>> {
    let initiatives = rollup
        .teams
        .iter()
        .filter_map(|t| t.portfolio())
        .map(|p| p.initiatives.len())
        .sum::<usize>();
    // An error names the org's own file of a template, where it has one.
    let files = templates.clone();
    let env = text_environment(templates, initiatives + rollup.objectives.len());
    let org = Value::from(Serde(&OrgView {
        name: &rollup.name,
        period: rollup.period.as_deref(),
    }));
    let objectives: Vec<ObjectiveView<'_>> = rollup
        .objectives
        .iter()
        .map(|o| {
            let mut by_team: Vec<TeamThemes<'_>> = Vec::new();
            for child in &o.children {
                if by_team.last().is_none_or(|t| t.team != child.team) {
                    by_team.push(TeamThemes {
                        team: &child.team,
                        url: team_url(rollup, &child.team),
                        themes: Vec::new(),
                    });
                }
                if let Some(team) = by_team.last_mut() {
                    team.themes.push(theme_view(child));
                }
            }
            let objective = &o.objective;
            ObjectiveView {
                id: &objective.id,
                file: &objective.file,
                title: &objective.title,
                why: objective.why.as_deref().filter(|w| !w.trim().is_empty()),
                owner: objective.owner.as_deref(),
                commitment: objective.commitment.as_str(),
                checkin: objective.checkin.as_ref(),
                progress: o.progress,
                own_progress: o.own_progress,
                health: o.health,
                key_results: objective
                    .key_results
                    .iter()
                    .map(|kr| key_result_view(kr, None, None))
                    .collect(),
                teams: o.teams(),
                by_team,
            }
        })
        .collect();
    let unaligned: Vec<UnalignedView<'_>> = rollup
        .unaligned
        .iter()
        .map(|u| UnalignedView {
            team: &u.team,
            theme: &u.theme,
            title: &u.title,
            parent: u.parent.as_deref(),
            url: plain_url(u.url.as_deref()),
        })
        .collect();
    let teams: Vec<TeamView<'_>> = rollup
        .teams
        .iter()
        .map(|team| {
            let (state, errors) = match &team.state {
                TeamState::Read(_) => ("read", 0),
                TeamState::NotSynced => ("not-synced", 0),
                TeamState::Errors(n) => ("errors", *n),
            };
            let portfolio = team.portfolio();
            let aligned = rollup
                .objectives
                .iter()
                .flat_map(|o| &o.children)
                .filter(|c| c.team == team.name)
                .count();
            TeamView {
                name: &team.name,
                state,
                errors,
                themes: portfolio.map_or(0, |p| p.themes.len()),
                aligned,
                initiatives: portfolio.map_or(0, |p| p.initiatives.len()),
                url: team_url(rollup, &team.name),
            }
        })
        .collect();
    let dependencies: &[Dependency] = &rollup.dependencies;
    let render = |name: &str, context: Value| -> Result<String> {
        env.get_template(name)
            .and_then(|template| template.render(context))
            .map_err(|e| template_error(&files.file(name), &e))
    };
    let objective_values: Vec<Value> = objectives.iter().map(|o| Value::from(Serde(o))).collect();
    let mut documents = vec![(
        "README.md".to_owned(),
        render(
            "index.md.j2",
            minijinja::context! {
                org => org.clone(),
                objectives => Value::from(objective_values.clone()),
                unaligned => Value::from(Serde(&unaligned)),
                dependencies => Value::from(Serde(dependencies)),
                teams => Value::from(Serde(&teams)),
            },
        )?,
    )];
    for (objective, value) in objectives.iter().zip(objective_values) {
        let text = render(
            "objective.md.j2",
            minijinja::context! {
                org => org.clone(),
                objective => value,
                objectives_count => objectives.len(),
            },
        )?;
        documents.push((format!("{}.md", objective.id), text));
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::plain_url;

    /// A team's `docs` goes into a Markdown link as it is, so only a plain web address does.
    #[test]
    fn only_plain_web_addresses_are_linked() {
        assert_eq!(
            plain_url(Some("https://acme.example/web/edge.md")),
            Some("https://acme.example/web/edge.md")
        );
        for url in [
            "https://x/a b.md",
            "https://x/a>b",
            "javascript:alert(1)",
            "../web/x.md",
        ] {
            assert_eq!(plain_url(Some(url)), None, "{url}");
        }
    }
}
