//! `okr org check`: every synced team read at `refs/okr/teams/<name>` with its own okr.toml,
//! its findings kept with the team's name; the org's own files; and the rules only the org can
//! run: a theme's `parent` among the org's objectives, `team:id` dependencies among the other
//! teams' initiatives, and dependency cycles that cross teams.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::sync::team_ref;
use super::{OrgFiles, Team};
use crate::error::{Error, Result};
use crate::finding::{Finding, Rule, RuleLevels, Texts, suggestion};
use crate::load::{self, Keep, decode};
use crate::source::Source;
use crate::validate::graph::{Graph, cycles};
use crate::validate::{self, Outline, cross_team, is_kebab};

/// What the org's check found: in its own files, and in each team's.
#[derive(Debug)]
pub struct OrgChecked {
    /// The org's own findings (okr-org.toml, `objectives/`, teams not synced), then each
    /// team's, with its name, in the order of okr-org.toml.
    pub findings: Vec<Finding>,
    /// The texts the findings quote: the org's under their paths, a team's under
    /// `<team>: <path>`.
    pub texts: Texts,
    /// The teams read, of those okr-org.toml lists.
    pub teams_read: usize,
}

/// A team read at its synced ref: its findings and what the org's rules need of it.
struct TeamRead {
    findings: Vec<Finding>,
    texts: Texts,
    /// The levels of its `[rules]`, for the findings the org adds in its files.
    rules: RuleLevels,
    /// Its initiatives' ids, each with the ids it depends on in the team and the other teams'
    /// initiatives it depends on (`team:id`, where written); `None` when okr.toml is broken.
    initiatives: Option<BTreeMap<String, Dependencies>>,
    /// Each theme's file, `parent` and where it is written.
    parents: Vec<(String, String, Range<usize>)>,
}

#[derive(Debug, Default)]
struct Dependencies {
    file: String,
    local: Vec<String>,
    /// `team:id`, and where the initiative's file writes it.
    other: Vec<(String, Option<Range<usize>>)>,
}

/// Where a dependency on another team's initiative is written: by which team (its index), in
/// which file, where.
struct Written {
    team: usize,
    file: String,
    span: Option<Range<usize>>,
}

/// Checks the org whose files are `org` and whose git repository holds its root `root`.
pub fn check(root: &Path, org: OrgFiles) -> Result<OrgChecked> {
    let teams = &org.config.teams;
    // An org without teams needs no git repository.
    let git_dir = if org.config.teams.is_empty() {
        std::path::PathBuf::new()
    } else {
        crate::git::Repo::open(root)?.git_dir().to_path_buf()
    };
    let read: Vec<Option<TeamRead>> = teams
        .par_iter()
        .map(|team| read_team(&git_dir, team))
        .collect::<Result<_>>()?;

    let mut own = org.findings;
    for (team, read) in teams.iter().zip(&read) {
        if read.is_none() {
            own.push(
                Finding::new(
                    Rule::UnsyncedTeam,
                    super::FILE,
                    Some(team.span.clone()),
                    format!(
                        "team `{}` has not been synced: the org repository has no `{}`",
                        team.name,
                        team_ref(&team.name)
                    ),
                )
                .with_help(format!("run `okr org sync {}`", team.name)),
            );
        }
    }
    crate::finding::sort(&mut own);

    let mut added: Vec<Vec<Finding>> = teams.iter().map(|_| Vec::new()).collect();
    let objectives: Vec<&str> = org.objectives.iter().map(|o| o.id.as_str()).collect();
    parents(&objectives, &read, &mut added);
    dependencies(teams, &read, &mut added);

    let mut findings = own;
    let mut texts = org.texts;
    let mut teams_read = 0;
    for ((team, read), added) in teams.iter().zip(read).zip(added) {
        let Some(read) = read else { continue };
        teams_read += 1;
        let mut team_findings = read.findings;
        team_findings.extend(read.rules.apply(added));
        crate::finding::sort(&mut team_findings);
        for finding in &mut team_findings {
            finding.team = Some(team.name.clone());
        }
        findings.extend(team_findings);
        texts.extend(read.texts.prefixed(&format!("{}: ", team.name)));
    }
    Ok(OrgChecked {
        findings,
        texts,
        teams_read,
    })
}

/// Reads team `team` at its synced ref in the org repository whose `.git` folder is
/// `git_dir`; `None` when it has not been synced.
fn read_team(git_dir: &Path, team: &Team) -> Result<Option<TeamRead>> {
    let Some(tree) = crate::git::GitTree::at_reference(git_dir, &team_ref(&team.name))? else {
        return Ok(None);
    };
    let mut workspace = match load::load_keeping::<Outline>(&tree, Keep::Quoted { stale: false }) {
        Ok(workspace) => workspace,
        // A broken okr.toml is the team's finding; the org goes on without the team's files.
        Err(Error::Config { findings, texts }) => {
            return Ok(Some(TeamRead {
                findings: RuleLevels::default().apply(findings),
                texts,
                rules: RuleLevels::default(),
                initiatives: None,
                parents: Vec::new(),
            }));
        }
        Err(error) => return Err(error),
    };
    let mut checked = validate::check(&mut workspace);
    let findings = std::mem::take(&mut checked.findings);
    load::quote(&mut workspace.texts, &tree, &findings);
    let mut texts = workspace.texts;
    let parents = workspace
        .themes
        .iter()
        .filter_map(|document| {
            let parent = document.parsed.doc.parent.as_ref()?;
            is_kebab(parent.get_ref()).then(|| {
                (
                    document.file.clone(),
                    parent.get_ref().clone(),
                    parent.span(),
                )
            })
        })
        .collect();
    for document in &workspace.themes {
        if document.parsed.doc.parent.is_some() && texts.get(&document.file).is_none() {
            read_text(&tree, &document.file, &mut texts);
        }
    }
    let (outlines, _) = checked.into_parts();
    let mut initiatives: BTreeMap<String, Dependencies> = BTreeMap::new();
    for outline in outlines {
        let mut dependencies = Dependencies {
            file: outline.file.clone(),
            ..Dependencies::default()
        };
        for target in &outline.depends_on {
            if cross_team(target).is_some() {
                let text = read_text(&tree, &outline.file, &mut texts);
                let span = text.and_then(|text| written(&text, target));
                dependencies.other.push((target.clone(), span));
            } else {
                dependencies.local.push(target.clone());
            }
        }
        initiatives.entry(outline.id).or_insert(dependencies);
    }
    Ok(Some(TeamRead {
        findings,
        texts,
        rules: workspace.config.rules.clone(),
        initiatives: Some(initiatives),
        parents,
    }))
}

/// The text of `path` in `tree`, kept in `texts` for findings to quote.
fn read_text(tree: &dyn Source, path: &str, texts: &mut Texts) -> Option<Arc<str>> {
    if let Some(text) = texts.get(path) {
        return Some(text.clone());
    }
    let file = tree.read(path).ok()??;
    let text = decode(&file).ok()?;
    texts.insert(path.to_owned(), text.clone());
    Some(text)
}

/// Where `depends_on` writes `target`, as a quoted string.
fn written(text: &str, target: &str) -> Option<Range<usize>> {
    let from = text.find("depends_on").unwrap_or(0);
    ['"', '\''].into_iter().find_map(|quote| {
        let needle = format!("{quote}{target}{quote}");
        text[from..]
            .find(&needle)
            .map(|at| from + at..from + at + needle.len())
    })
}

/// A theme's `parent` that names no objective of the org.
fn parents(objectives: &[&str], read: &[Option<TeamRead>], added: &mut [Vec<Finding>]) {
    for (read, added) in read.iter().zip(added) {
        let Some(read) = read else { continue };
        for (file, parent, span) in &read.parents {
            if objectives.contains(&parent.as_str()) {
                continue;
            }
            let help = suggestion(parent, objectives.iter().copied()).unwrap_or_else(|| {
                if objectives.is_empty() {
                    "the org has no objectives yet (`objectives/<id>.toml`)".to_owned()
                } else {
                    format!("the org's objectives: `{}`", objectives.join("`, `"))
                }
            });
            added.push(
                Finding::new(
                    Rule::UnknownParent,
                    file,
                    Some(span.clone()),
                    format!("`parent` `{parent}` is no objective of the org"),
                )
                .with_help(help),
            );
        }
    }
}

/// Dependencies on other teams' initiatives: unknown teams, unknown initiatives, and cycles
/// that cross teams (a team's own cycles are its own check's).
fn dependencies(teams: &[Team], read: &[Option<TeamRead>], added: &mut [Vec<Finding>]) {
    let index: BTreeMap<&str, usize> = teams
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    // Every initiative of every team read, numbered, named `team:id`.
    let mut names: Vec<String> = Vec::new();
    let mut number: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    for (t, read) in read.iter().enumerate() {
        let Some(initiatives) = read.as_ref().and_then(|r| r.initiatives.as_ref()) else {
            continue;
        };
        for id in initiatives.keys() {
            number.insert((t, id.as_str()), names.len());
            names.push(format!("{}:{id}", teams[t].name));
        }
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    // Beside each edge that crosses teams: the team, file and place that wrote it.
    let mut written_at: BTreeMap<(usize, usize), Written> = BTreeMap::new();
    for (t, this) in read.iter().enumerate() {
        let Some(initiatives) = this.as_ref().and_then(|r| r.initiatives.as_ref()) else {
            continue;
        };
        for (id, dependencies) in initiatives {
            let from = number[&(t, id.as_str())];
            for local in &dependencies.local {
                if let Some(&to) = number.get(&(t, local.as_str())) {
                    edges.push((from, to));
                }
            }
            for (target, span) in &dependencies.other {
                let Some((team, other)) = cross_team(target) else {
                    continue;
                };
                let unknown = |message: String, help: Option<String>| {
                    Finding::new(
                        Rule::UnknownDependency,
                        &dependencies.file,
                        span.clone(),
                        message,
                    )
                    .with_help(help)
                };
                let Some(&u) = index.get(team) else {
                    let help = suggestion(team, teams.iter().map(|t| t.name.as_str()))
                        .unwrap_or_else(|| "`team:id` names a team of okr-org.toml".to_owned());
                    added[t].push(unknown(
                        format!("`{id}` depends on `{target}`, but the org has no team `{team}`"),
                        Some(help),
                    ));
                    continue;
                };
                // A team not read has its own finding; nothing is known of its initiatives.
                let Some(theirs) = read[u].as_ref().and_then(|r| r.initiatives.as_ref()) else {
                    continue;
                };
                match number.get(&(u, other)) {
                    Some(&to) => {
                        edges.push((from, to));
                        written_at.entry((from, to)).or_insert(Written {
                            team: t,
                            file: dependencies.file.clone(),
                            span: span.clone(),
                        });
                    }
                    None => added[t].push(unknown(
                        format!("`{id}` depends on `{target}`, which does not exist"),
                        suggestion(other, theirs.keys().map(String::as_str))
                            .map(|help| format!("in team `{team}`: {help}")),
                    )),
                }
            }
        }
    }
    let team_of = |node: usize| names[node].split_once(':').map_or("", |(team, _)| team);
    let graph = Graph::new(names.len(), &edges);
    for cycle in cycles(&graph, |node| names[node].as_str()) {
        let steps: Vec<(usize, usize)> = cycle.windows(2).map(|w| (w[0], w[1])).collect();
        // Only a cycle through more than one team; it is reported where it first crosses.
        let Some(Written {
            team: t,
            file,
            span,
        }) = steps
            .iter()
            .filter(|(a, b)| team_of(*a) != team_of(*b))
            .find_map(|step| written_at.get(step))
        else {
            continue;
        };
        let path = cycle
            .iter()
            .map(|&node| format!("`{}`", names[node]))
            .collect::<Vec<_>>()
            .join(" → ");
        added[*t].push(
            Finding::new(
                Rule::DependencyCycle,
                file,
                span.clone(),
                format!("dependency cycle across teams: {path}"),
            )
            .with_help("remove one of these dependencies; a cycle can never start".to_owned()),
        );
    }
}
