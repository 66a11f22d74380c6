//! `okr new TITLE`: a new initiative, asked for on a terminal where the command line left a field
//! out, then checked so its author sees what it still needs.

use std::path::Path;
use std::process::ExitCode;

use super::args::NewArgs;
use super::context::{Context, Opened, checked};
use super::prompt;
use crate::error::{Error, Result};
use crate::finding::{Severity, suggestion};
use crate::load;
use crate::model::Status;
use crate::period::Period;
use crate::scaffold::{self, Draft};
use crate::source::{WorkTree, find_root};
use crate::validate::{Outline, slug};
use crate::{destination, output, schema};

pub(super) fn run(context: &Context, args: &NewArgs) -> Result<ExitCode> {
    let root = find_root(&context.dir)?;
    let tree = WorkTree::new(&root)?;
    let config = load::load_config(&tree)?;
    let id = slug(&args.title);
    if id.is_empty() {
        return Err(Error::usage(format!(
            "title `{}` has no letters or digits to make an id from",
            args.title
        )));
    }
    scaffold::check_level(&config.scales.impact, args.impact.as_deref(), "impact")?;
    scaffold::check_level(&config.scales.cost, args.cost.as_deref(), "cost")?;
    scaffold::check_level(
        &config.scales.confidence,
        args.confidence.as_deref(),
        "confidence",
    )?;
    if let Some(status) = &args.status
        && Status::parse(status).is_none()
    {
        let names = Status::ALL.map(Status::as_str);
        let help = suggestion(status, names.iter().copied())
            .unwrap_or_else(|| format!("use one of {}", names.join(", ")));
        return Err(Error::usage(format!("unknown status `{status}`; {help}")));
    }
    if let Some(period) = &args.period
        && Period::parse(period).is_none()
    {
        return Err(Error::usage(format!(
            "`{period}` is not a period; write `2026`, `2026-H2` or `2026-Q1`"
        )));
    }
    let relative = format!("{}/{id}.toml", config.paths.initiatives);
    destination::parent_folder(&root, &relative, false)?;
    if let Some(existing) = crate::source::Source::toml_files(&tree, &config.paths.initiatives)?
        .into_iter()
        .find(|f| crate::document::stem(&f.path) == id)
    {
        return Err(Error::usage(format!(
            "an initiative with id `{id}` already exists: `{}`; choose another title",
            existing.path
        )));
    }
    let owner = args.owner.clone().or_else(|| crate::git::user_name(&root));
    let (args, owner) = if prompt::may_ask(args.no_input) {
        let choices = prompt::Choices {
            scales: &config.scales,
            tags: scaffold::tags_in_use(&tree, &config)?,
            closed: !config.known_tags.is_empty(),
        };
        prompt::complete(args, owner, &choices)?
    } else {
        (args.clone(), owner.unwrap_or_default())
    };
    let args = &args;
    let period = args.period.as_deref().or(config.period.as_deref());
    let schema = scaffold::schema_line(&root, &relative, schema::Kind::Initiative);
    let draft = Draft {
        title: &args.title,
        problem: args.problem.as_deref(),
        outcome: args.outcome.as_deref(),
        supporters: &args.supporters,
        tags: &args.tags,
        impact: args.impact.as_deref(),
        cost: args.cost.as_deref(),
        confidence: args.confidence.as_deref(),
        status: args.status.as_deref(),
        depends_on: &args.depends_on,
    };
    let text = scaffold::initiative_text(&draft, &owner, period, &config.scales, schema.as_deref());
    let folder = destination::parent_folder(&root, &relative, true)?;
    if !output::create_new(
        &folder.join(scaffold::file_name(&relative)),
        text.as_bytes(),
    )? {
        return Err(Error::usage(format!(
            "`{relative}` already exists; okr new never overwrites a file"
        )));
    }
    context.say(format!("created {relative}"));
    report_new_file(context, &root, &relative)
}

/// Checks the repository and shows what the new file still needs.
fn report_new_file(context: &Context, root: &Path, relative: &str) -> Result<ExitCode> {
    let opened = Opened {
        root: root.to_path_buf(),
        source: Box::new(WorkTree::new(root)?),
    };
    let (workspace, checked) = checked::<Outline>(&opened)?;
    let own: Vec<_> = checked
        .findings
        .into_iter()
        .filter(|f| f.file == relative && f.severity == Severity::Error)
        .collect();
    if own.is_empty() {
        context.say("it passes `okr check`; open a pull request when it reads well");
        return Ok(ExitCode::SUCCESS);
    }
    context.print_findings(&own, &workspace.texts);
    let text = workspace.texts.get(relative);
    let mut fields: Vec<String> = Vec::new();
    for finding in &own {
        let field = match (&finding.span, text) {
            (Some(span), Some(text)) => {
                let (key, line) = line_key(text, span.start);
                format!("  {relative}:{line}: {key}")
            }
            _ => format!("  {relative}: {}", finding.message),
        };
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    context.say(format!(
        "fill in what is missing, then run `okr check`:\n{}",
        fields.join("\n")
    ));
    // The file is written, but it is not done: a script or a hook must not take it for done.
    Ok(ExitCode::from(1))
}

/// The key on the line that holds `offset`, in backticks, and that line's number (from 1).
fn line_key(text: &str, offset: usize) -> (String, usize) {
    let before = &text[..offset.min(text.len())];
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let key = text[start..].split('=').next().unwrap_or("").trim();
    (format!("`{key}`"), line)
}
