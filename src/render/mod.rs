//! Rendering the objective documents: a team's templates (or the built-in ones) run in a
//! minijinja environment with okr's filters, over views of the ranked portfolio.
//!
//! `templates` says where templates come from, `environment` holds the filters and the limits
//! on a template's work, `view` the values templates see, `chart` draws the Mermaid charts, and
//! `write` puts the documents on disk ([`write()`]).

mod chart;
mod environment;
mod org;
mod templates;
mod view;
mod write;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::value::{Serde, Value};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::git::Repo;
use crate::history::{self, History};
use crate::portfolio::Portfolio;
use environment::{
    LimitedOutput, MEMORY_LIMIT, MEMORY_PER_INITIATIVE, OUTPUT_LIMIT, OUTPUT_PER_INITIATIVE,
    environment, template_error,
};
pub use org::org_documents;
pub use templates::{BUILT_IN, ORG_TEMPLATES, Templates};
use view::{
    LazyInitiative, Shared, TeamView, by_status, last_period, objective_view, status_counts,
};
pub use write::write;

/// Renders every document in memory, as of today: (file name, contents), `README.md` first.
pub fn render(
    portfolio: &Portfolio,
    templates: Templates,
    history: Option<&History>,
) -> Result<Vec<(String, String)>> {
    render_as_of(portfolio, templates, history, crate::period::today())
}

/// Renders every document in memory as of a day (days since 1970-01-01; it sets the pace that
/// key results are held to): (file name, contents), `README.md` first.
pub fn render_as_of(
    portfolio: &Portfolio,
    templates: Templates,
    history: Option<&History>,
    as_of: u64,
) -> Result<Vec<(String, String)>> {
    render_with_archives(portfolio, templates, history, as_of, &[])
}

/// [`render_as_of`] for documents published beside the archives of closed periods: the
/// overview links to each of `archives` (periods, newest first), which are folders named after
/// them beside it.
pub fn render_with_archives(
    portfolio: &Portfolio,
    templates: Templates,
    history: Option<&History>,
    as_of: u64,
    archives: &[String],
) -> Result<Vec<(String, String)>> {
    let env = environment(templates, portfolio);
    let period = portfolio.view.period();
    let pace = period.map(|p| p.elapsed(as_of));
    let shared = std::sync::Arc::new(Shared::new(
        std::sync::Arc::clone(&portfolio.initiatives),
        pace,
    ));
    let values: Vec<Value> = portfolio
        .initiatives
        .par_iter()
        .enumerate()
        .map(|(at, _)| Value::from_object(LazyInitiative::new(std::sync::Arc::clone(&shared), at)))
        .collect();
    let by_id: HashMap<&str, Value> = portfolio
        .initiatives
        .iter()
        .map(|r| r.initiative.id.as_str())
        .zip(values.iter().cloned())
        .collect();
    let objectives: Vec<Value> = portfolio
        .themes
        .par_iter()
        .map(|t| Value::from(Serde(&objective_view(t, &by_id, history, pace))))
        .collect();
    // Open work that joins no theme; done and dropped work needs none.
    let orphans: Vec<Value> = portfolio
        .initiatives
        .iter()
        .zip(&values)
        .filter(|(r, _)| r.themes.is_empty() && r.initiative.status.is_open())
        .map(|(_, value)| value.clone())
        .collect();
    let (open, delivered, dropped) = by_status(&values);
    let team = Value::from(Serde(&TeamView {
        name: portfolio.config.team.clone(),
        period: period.map(|period| period.to_string()),
        formula: portfolio.config.formula.source().to_owned(),
        as_of: crate::period::format_date(as_of),
        pace,
    }));
    let counts = Value::from(Serde(&status_counts(&portfolio.initiatives)));
    let last_period = Value::from(last_period(&portfolio.themes).as_ref().map(Serde));
    // Fuel bounds a template's steps; these bound what it writes and what it holds.
    let initiatives = portfolio.initiatives.len();
    let output_limit = OUTPUT_LIMIT + OUTPUT_PER_INITIATIVE * initiatives;
    crate::memory::set_limit(MEMORY_LIMIT + MEMORY_PER_INITIATIVE * initiatives);
    let total = AtomicUsize::new(0);
    // What the index and the objectives wrote: when all together pass the limit, the template
    // that wrote the most is named, whichever document happened to cross it.
    let (index_bytes, objective_bytes) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let written = |name: &str| {
        if name == "index.md.j2" {
            &index_bytes
        } else {
            &objective_bytes
        }
    };
    let render = |name: &'static str, context: Value| -> Result<String> {
        let template = env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        let mut out = LimitedOutput {
            bytes: Vec::new(),
            total: &total,
            by_template: written(name),
            limit: output_limit,
            over: false,
        };
        let rendered =
            crate::memory::scope(name, || template.render_captured_to(context, &mut out));
        match rendered {
            Ok(_) => String::from_utf8(out.bytes).map_err(|_| Error::Template {
                name: name.to_owned(),
                message: "the template wrote text that is not UTF-8".to_owned(),
            }),
            Err(_) if out.over => Err(Error::Template {
                name: if index_bytes.load(Ordering::Relaxed)
                    > objective_bytes.load(Ordering::Relaxed)
                {
                    "index.md.j2"
                } else {
                    "objective.md.j2"
                }
                .to_owned(),
                message: format!(
                    "the documents would be over {} MiB together; the template writes without \
                     bound (a long loop, a repeated string, or many themes each writing much)",
                    output_limit >> 20
                ),
            }),
            Err(e) => Err(template_error(name, &e)),
        }
    };
    // The documents are independent: render them on all cores, in a stable order, the index
    // beside the objectives.
    let count = objectives.len();
    let (index, documents) = rayon::join(
        || {
            render(
                "index.md.j2",
                minijinja::context! {
                    team => team.clone(),
                    objectives => Value::from(objectives.clone()),
                    initiatives => Value::from(values.clone()),
                    open => Value::from(open),
                    delivered => Value::from(delivered),
                    dropped => Value::from(dropped),
                    orphans => Value::from(orphans),
                    counts => counts.clone(),
                    last_period => last_period.clone(),
                    archives => Value::from(archives.to_vec()),
                },
            )
        },
        || {
            portfolio
                .themes
                .par_iter()
                .zip(objectives.par_iter())
                .map(|(theme, objective)| {
                    let text = render(
                        "objective.md.j2",
                        minijinja::context! {
                            team => team.clone(),
                            objective => objective.clone(),
                            objectives_count => count,
                        },
                    )?;
                    Ok((format!("{}.md", theme.theme.id), text))
                })
                .collect::<Result<Vec<(String, String)>>>()
        },
    );
    let (index, documents) = (index?, documents?);
    let mut all = vec![("README.md".to_owned(), index)];
    all.extend(documents);
    Ok(all)
}

/// History for the key-result charts: `None` where there is none to read (no commits yet), an
/// error where it cannot be read (a shallow clone); the documents are then rendered without
/// charts.
pub fn history_for_charts(
    repo: &Repo,
    rev: Option<&str>,
    config: &crate::config::Config,
) -> Result<Option<History>> {
    if rev.is_none() && repo.head().is_none() {
        return Ok(None);
    }
    // Only theme key results are charted, so only the themes folder needs walking.
    history::load_dirs(repo, rev, &[config.paths.themes.as_str()]).map(Some)
}
