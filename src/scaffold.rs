//! `okr init` and `okr new`: writing the files a team starts from.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{InitArgs, NewArgs, SchemaKind};
use crate::commands::{self, Context, Opened};
use crate::config::Scale;
use crate::destination;
use crate::error::{Error, Result};
use crate::finding::{Severity, suggestion};
use crate::load;
use crate::output;
use crate::period::Period;
use crate::report::{self, Format};
use crate::source::{WorkTree, find_root};
use crate::validate::slug;
use crate::{prompt, schema};

const OKR_TOML: &str = include_str!("../templates/init/okr.toml");
const INITIATIVE: &str = include_str!("../templates/init/initiative.toml");
const THEME: &str = include_str!("../templates/init/theme.toml");
const WORKFLOW: &str = include_str!("../templates/init/okr.yml");

/// The GitHub repository of okr itself, whose reusable workflow team repositories call.
pub const REPOSITORY: &str = "okr-tool/okr";

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
        ("ref", "main"),
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
        SchemaKind::ALL
            .into_iter()
            .map(|kind| (kind.path(), schema::text(kind, &scales))),
    );
    files
}

pub fn init(context: &Context, args: &InitArgs) -> Result<ExitCode> {
    let dir = commands::user_path(context, &args.dir);
    fs::create_dir_all(&dir).map_err(|e| Error::io("create folder", &dir, e))?;
    let team = match &args.team {
        Some(team) => team.clone(),
        None => dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Our team".to_owned()),
    };
    let owner = crate::git::user_name(&dir).unwrap_or_else(|| "you".to_owned());
    let period = Period::current().to_string();
    let files = init_files(&team, &owner, &period);
    // Every destination is checked before anything is written: `DIR` is the user's choice,
    // but the folders in it may be links the repository holds.
    for (path, _) in &files {
        destination::parent_folder(&dir, path, false)?;
    }
    let mut skipped = 0;
    for (path, contents) in files {
        let target = destination::parent_folder(&dir, &path, true)?.join(file_name(&path));
        if output::create_new(&target, contents.as_bytes())? {
            context.say(format!("created {path}"));
        } else {
            skipped += 1;
            context.say(format!(
                "skipped {path}: it exists, and okr init never overwrites a file"
            ));
        }
    }
    if skipped == 0 {
        context.say("next: `okr check`, then `okr new \"Your idea\" --tag planning`");
    }
    Ok(ExitCode::SUCCESS)
}

fn check_level(scale: &Scale, value: Option<&String>, what: &str) -> Result<()> {
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

/// The text of a new initiative; empty strings stand where the author must still decide.
fn initiative_text(
    args: &NewArgs,
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
    text.push_str(&format!("title = {}\n", quoted(args.title.trim())));
    text.push_str(&format!(
        "problem = {}   # the problem, and why now\n",
        quoted(args.problem.as_deref().unwrap_or(""))
    ));
    text.push_str("outcome = \"\"   # what is true once it is done\n");
    text.push_str(&format!("owner = {}\n", quoted(owner)));
    text.push_str("supporters = []   # engineers who back it\n");
    let tags: Vec<String> = args.tags.iter().map(|t| quoted(t)).collect();
    text.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    text.push_str(&format!(
        "impact = {}   # {}\n",
        quoted(args.impact.as_deref().unwrap_or("")),
        levels(&scales.impact)
    ));
    text.push_str(&format!(
        "cost = {}   # {}\n",
        quoted(args.cost.as_deref().unwrap_or("")),
        levels(&scales.cost)
    ));
    match &args.confidence {
        Some(confidence) => text.push_str(&format!("confidence = {}\n", quoted(confidence))),
        None => text.push_str(&format!(
            "# confidence = {}   # {}\n",
            quoted(&scales.confidence.middle().name),
            levels(&scales.confidence)
        )),
    }
    text.push_str("status = \"proposed\"\n");
    if let Some(period) = period {
        text.push_str(&format!("period = {}\n", quoted(period)));
    }
    text.push_str("depends_on = []\nlinks = []\n");
    text
}

pub fn new(context: &Context, args: &NewArgs) -> Result<ExitCode> {
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
    check_level(&config.scales.impact, args.impact.as_ref(), "impact")?;
    check_level(&config.scales.cost, args.cost.as_ref(), "cost")?;
    check_level(
        &config.scales.confidence,
        args.confidence.as_ref(),
        "confidence",
    )?;
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
        .find(|f| load::stem(&f.path) == id)
    {
        return Err(Error::usage(format!(
            "an initiative with id `{id}` already exists: `{}`; choose another title",
            existing.path
        )));
    }
    let owner = args.owner.clone().or_else(|| crate::git::user_name(&root));
    let (args, owner) = if prompt::interactive(args) {
        let choices = prompt::Choices {
            scales: &config.scales,
            tags: tags_in_use(&tree, &config)?,
            closed: !config.known_tags.is_empty(),
        };
        prompt::complete(args, owner, &choices)?
    } else {
        (args.clone(), owner.unwrap_or_default())
    };
    let args = &args;
    let period = args.period.as_deref().or(config.period.as_deref());
    let schema = schema_line(&root, &relative, SchemaKind::Initiative);
    let text = initiative_text(args, &owner, period, &config.scales, schema.as_deref());
    let folder = destination::parent_folder(&root, &relative, true)?;
    if !output::create_new(&folder.join(file_name(&relative)), text.as_bytes())? {
        return Err(Error::usage(format!(
            "`{relative}` already exists; okr new never overwrites a file"
        )));
    }
    context.say(format!("created {relative}"));
    report_new_file(context, &root, &relative)
}

/// The tags a new initiative may pick from: `[tags].known`, else every tag in use, after
/// `[tags].aliases`.
fn tags_in_use(tree: &WorkTree, config: &crate::config::Config) -> Result<Vec<String>> {
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
pub fn schema_line(root: &Path, file: &str, kind: SchemaKind) -> Option<String> {
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
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Checks the repository and shows what the new file still needs.
fn report_new_file(context: &Context, root: &Path, relative: &str) -> Result<ExitCode> {
    let opened = Opened {
        root: root.to_path_buf(),
        source: Box::new(WorkTree::new(root)?),
    };
    let (workspace, checked) = commands::checked::<crate::validate::Outline>(&opened)?;
    let own: Vec<_> = checked
        .findings
        .into_iter()
        .filter(|f| f.file == relative && f.severity == Severity::Error)
        .collect();
    if own.is_empty() {
        context.say("it passes `okr check`; open a pull request when it reads well");
        return Ok(ExitCode::SUCCESS);
    }
    let mut err = std::io::stderr().lock();
    let _ = report::findings(
        &mut err,
        Format::Human,
        &own,
        &workspace.texts,
        context.color_err,
    );
    let mut fields: Vec<String> = Vec::new();
    for finding in &own {
        let field = finding
            .span
            .as_ref()
            .and_then(|s| workspace.texts.get(relative).map(|t| line_key(t, s.start)))
            .unwrap_or_else(|| finding.message.clone());
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    context.say(format!(
        "fill in {} in {relative}, then run `okr check`",
        fields.join(", ")
    ));
    Ok(ExitCode::SUCCESS)
}

/// The key on the line that holds `offset`, in backticks.
fn line_key(text: &str, offset: usize) -> String {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let key = text[start..].split('=').next().unwrap_or("").trim();
    format!("`{key}`")
}
