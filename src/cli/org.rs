//! `okr org ...`: the org roll-up, run in an org repository (the folder of okr-org.toml).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::args::{
    DiffFormat, OrgArgs, OrgCheckArgs, OrgCommand, OrgDiffArgs, OrgPublishArgs, OrgRenderArgs,
    OrgSyncArgs, OrgViewArgs, TableFormat,
};
use super::context::{Context, leave_to_exit, print, print_with};
use crate::error::{Error, Result};
use crate::org::{self, OrgConfig, Team};
use crate::output::terminal_safe;
use crate::report::{self, Format};
use crate::source::{WorkTree, find_root_of};
use crate::text::count;

pub(super) fn run(context: &Context, args: OrgArgs) -> Result<ExitCode> {
    match args.command {
        OrgCommand::Sync(args) => sync(context, &args),
        OrgCommand::Check(args) => check(context, &args),
        OrgCommand::List(args) => list(context, &args),
        OrgCommand::Themes(args) => themes(context, &args),
        OrgCommand::Render(args) => render(context, &args),
        OrgCommand::Publish(args) => publish(context, &args),
        OrgCommand::Diff(args) => diff(context, &args),
    }
}

/// The org repository's root and its checked okr-org.toml.
fn open(context: &Context) -> Result<(PathBuf, OrgConfig)> {
    let root = find_root_of(&context.dir, org::FILE)?;
    let (config, _) = org::load_config(&WorkTree::new(&root)?)?;
    Ok((root, config))
}

/// The teams `names` asks for, every team when it names none; an unknown name is a usage error.
fn chosen<'a>(config: &'a OrgConfig, names: &[String]) -> Result<Vec<&'a Team>> {
    if names.is_empty() {
        return Ok(config.teams.iter().collect());
    }
    let mut teams: Vec<&Team> = Vec::with_capacity(names.len());
    for name in names {
        let team = config
            .team(name)
            .ok_or_else(|| Error::usage(config.unknown_team(name)))?;
        if !teams.iter().any(|t| t.name == team.name) {
            teams.push(team);
        }
    }
    Ok(teams)
}

fn sync(context: &Context, args: &OrgSyncArgs) -> Result<ExitCode> {
    let (root, config) = open(context)?;
    let teams = chosen(&config, &args.teams)?;
    if teams.is_empty() {
        context.say(format!("{} lists no teams: nothing to sync", org::FILE));
        return Ok(ExitCode::SUCCESS);
    }
    let repo = crate::git::Repo::open(&root)?;
    // The lock must be writable as a file before anything is fetched: a folder or a link there
    // would leave the refs moved and the record of them not written.
    let path = root.join(org::LOCK);
    if let crate::output::Existing::Other(what) = crate::output::existing(&path)? {
        return Err(crate::output::not_a_file(&path, what));
    }
    let started = std::time::Instant::now();
    let synced = org::sync::sync(&root, repo.git_dir(), &teams);
    context.trace(
        format_args!("fetched {}", count(teams.len(), "team")),
        started,
    );
    let mut out = String::new();
    for team in &synced {
        out.push_str(&terminal_safe(&team.line()));
        out.push('\n');
    }
    print(&out)?;
    // The record of what the org now reads, for `okr org diff`: every team's synced commit,
    // those not fetched this time (named, or failed) as they were.
    let names: Vec<&str> = config.teams.iter().map(|t| t.name.as_str()).collect();
    let previous =
        org::Lock::read(&WorkTree::new(&root)?, "the working tree").unwrap_or_else(|_| {
            context.say(format!(
                "note: {} was not one okr writes; it is written anew",
                org::LOCK
            ));
            None
        });
    let lock = org::sync::lock(&repo, &config, previous.as_ref()).text(&names);
    if !crate::output::holds(&path, lock.as_bytes()) {
        crate::output::write_atomic(&path, lock.as_bytes())?;
        context.say(format!("wrote {}", org::LOCK));
    }
    let failed = synced.iter().filter(|t| t.outcome.is_err()).count();
    if failed > 0 {
        // An error, said even with `-q`.
        let _ = writeln!(
            std::io::stderr(),
            "error: {failed} of {} could not be synced",
            count(synced.len(), "team")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn check(context: &Context, args: &OrgCheckArgs) -> Result<ExitCode> {
    let root = find_root_of(&context.dir, org::FILE)?;
    let started = std::time::Instant::now();
    let files = match org::load(&WorkTree::new(&root)?) {
        Ok(files) => files,
        Err(Error::Config { findings, texts }) => {
            // Annotate okr-org.toml in the format asked for, then fail as a configuration error.
            let findings = crate::finding::RuleLevels::default().apply(findings);
            if args.format != Format::Human {
                print_with(|out| report::findings(out, args.format, &findings, &texts, false))?;
                return Err(Error::usage(format!(
                    "{} has problems; see the findings above",
                    org::FILE
                )));
            }
            return Err(Error::Config { findings, texts });
        }
        Err(error) => return Err(error),
    };
    let (teams, objectives) = (files.config.teams.len(), files.objectives.len());
    let checked = org::check::check(&root, files)?;
    context.trace(
        format_args!("read and checked {}", count(checked.teams_read, "team")),
        started,
    );
    print_with(|out| {
        report::findings(
            out,
            args.format,
            &checked.findings,
            &checked.texts,
            context.color_out,
        )
    })?;
    let (errors, warnings) = report::counts(&checked.findings);
    if args.format == Format::Human && !context.quiet {
        print(&format!(
            "checked {} of {} and {}: {}, {}\n",
            count(checked.teams_read, "team"),
            teams,
            count(objectives, "objective"),
            count(errors, "error"),
            count(warnings, "warning"),
        ))?;
    }
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The org rolled up from every synced team; a note on stderr when the org's own objectives
/// have error findings (those that could not be built are left out).
fn rollup(context: &Context) -> Result<(PathBuf, org::rollup::Rollup)> {
    let root = find_root_of(&context.dir, org::FILE)?;
    let started = std::time::Instant::now();
    let files = org::load(&WorkTree::new(&root)?)?;
    let (errors, _) = report::counts(&files.findings);
    if errors > 0 {
        context.say(format!(
            "note: {} in {}/ (see `okr org check`); objectives that could not be read are left out",
            count(errors, "error finding"),
            org::OBJECTIVES
        ));
    }
    let rollup = org::rollup::read(&root, &files)?;
    context.trace(
        format_args!("read and rolled up {}", count(rollup.teams.len(), "team")),
        started,
    );
    Ok((root, rollup))
}

fn list(context: &Context, args: &OrgViewArgs) -> Result<ExitCode> {
    let (_, rollup) = rollup(context)?;
    let text = match args.format {
        TableFormat::Json => org::table::initiatives_json(&rollup)?,
        TableFormat::Table => org::table::initiatives(&rollup, crate::table::terminal_width()),
    };
    print(&text)?;
    leave_to_exit(rollup);
    Ok(ExitCode::SUCCESS)
}

fn themes(context: &Context, args: &OrgViewArgs) -> Result<ExitCode> {
    let (_, rollup) = rollup(context)?;
    let text = match args.format {
        TableFormat::Json => org::table::objectives_json(&rollup)?,
        TableFormat::Table => org::table::objectives(&rollup, crate::table::terminal_width()),
    };
    print(&text)?;
    leave_to_exit(rollup);
    Ok(ExitCode::SUCCESS)
}

/// Where `okr org render` writes without `--out`: `okrs/` in the org repository.
const ORG_OUTPUT: &str = "okrs";

fn render(context: &Context, args: &OrgRenderArgs) -> Result<ExitCode> {
    // Before every team is read.
    own_folder(&find_root_of(&context.dir, org::FILE)?)?;
    let (root, rollup) = rollup(context)?;
    let documents = crate::render::org_documents(&rollup, org_templates(context, &root)?)?;
    let dir = match &args.out {
        // The user's own choice of folder, links and all.
        Some(out) => {
            let dir = context.user_path(out);
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("create folder", &dir, e))?;
            dir
        }
        None => crate::destination::folder(&root, std::path::Path::new(ORG_OUTPUT), true)?,
    };
    let removed = crate::render::write(&root, &dir, &documents)?;
    context.say(format!(
        "rendered {} into {}",
        count(documents.len(), "document"),
        dir.display()
    ));
    note_unread(context, &rollup);
    for name in removed {
        context.say(format!("removed {name}: its objective is gone"));
    }
    leave_to_exit(rollup);
    Ok(ExitCode::SUCCESS)
}

/// A note when some teams could not be read: the documents mark them.
fn note_unread(context: &Context, rollup: &org::rollup::Rollup) {
    let unread = rollup
        .teams
        .iter()
        .filter(|t| t.portfolio().is_none())
        .count();
    if unread > 0 {
        context.say(format!(
            "note: {} could not be read and {} marked in README.md",
            count(unread, "team"),
            if unread == 1 { "is" } else { "are" }
        ));
    }
}

/// Refuses a folder that is a team repository too: a team's documents and templates take
/// `okrs/` and `templates/` by default, and the org's, rendered there, would replace and remove
/// them.
fn own_folder(root: &std::path::Path) -> Result<()> {
    if std::fs::symlink_metadata(root.join(crate::config::FILE)).is_ok() {
        return Err(Error::usage(format!(
            "`{}` holds {} as well as {}: the org's documents and templates would share `{ORG_OUTPUT}/` \
             and `{}/` with the team's\nhelp: keep the org repository in a folder of its own",
            root.display(),
            crate::config::FILE,
            org::FILE,
            crate::render::ORG_TEMPLATES,
        )));
    }
    Ok(())
}

/// The org repository's templates over the built-ins, with a note for each file of its
/// `templates/` folder that replaces none of them.
fn org_templates(context: &Context, root: &std::path::Path) -> Result<crate::render::Templates> {
    let templates = crate::render::Templates::load_org(&WorkTree::new(root)?)?;
    for name in templates.unknown() {
        context.say(format!(
            "note: `{}/{}` replaces none of the org's templates ({}); okr uses it only where one \
             of them includes it",
            crate::render::ORG_TEMPLATES,
            terminal_safe(name),
            templates.built_in_names().join(", ")
        ));
    }
    Ok(templates)
}

/// `okr org publish`: the documents `okr org render` would write, rendered in memory and
/// committed to a branch as the whole of its tree, as `okr publish` does for a team; nothing
/// in the working tree, the index or HEAD changes, and no commit is made when the branch
/// already holds these documents.
fn publish(context: &Context, args: &OrgPublishArgs) -> Result<ExitCode> {
    // Before every team is read.
    own_folder(&find_root_of(&context.dir, org::FILE)?)?;
    let (root, rollup) = rollup(context)?;
    let documents = crate::render::org_documents(&rollup, org_templates(context, &root)?)?;
    let repo = crate::git::Repo::open(&root)?;
    let message = args
        .message
        .clone()
        .unwrap_or_else(|| format!("Publish the documents of {}", rollup.name));
    let (id, created) = repo.commit_files(&args.branch, &documents, &message)?;
    if created {
        context.say(format!(
            "published {} to `{}`",
            count(documents.len(), "document"),
            args.branch
        ));
    } else {
        context.say(format!(
            "`{}` already has these documents; no commit made",
            args.branch
        ));
    }
    note_unread(context, &rollup);
    print(&format!("{id}\n"))?;
    leave_to_exit(rollup);
    Ok(ExitCode::SUCCESS)
}

fn diff(context: &Context, args: &OrgDiffArgs) -> Result<ExitCode> {
    use crate::org::diff::{self, OrgSide};
    let root = find_root_of(&context.dir, org::FILE)?;
    let started = std::time::Instant::now();
    let (base, head) = rayon::join(
        || OrgSide::at_revision(&root, &args.base),
        || match &args.head {
            Some(rev) => OrgSide::at_revision(&root, rev),
            None => OrgSide::working_tree(&root),
        },
    );
    let (base, head) = (base?, head?);
    for side in [&base, &head] {
        if side.unrecorded {
            context.say(format!(
                "note: `{}` has no {}, so no team was recorded there; commit the file `okr org \
                 sync` writes to keep a record of each sync",
                side.label,
                org::LOCK
            ));
        }
    }
    context.trace("read both sides", started);
    let diff = diff::diff(&root, &base, &head)?;
    context.trace("compared them", started);
    match args.format {
        DiffFormat::Json => super::context::print_json(&diff)?,
        DiffFormat::Markdown => print(&diff::markdown(&diff))?,
        DiffFormat::Human => print(&diff::human(&diff))?,
    }
    Ok(ExitCode::SUCCESS)
}
