//! `okr init [DIR]`: a new team repository, or with `--org` an org repository, from the files
//! `scaffold` gives; an existing file is never overwritten.

use std::fs;
use std::process::ExitCode;

use super::args::InitArgs;
use super::context::Context;
use crate::config::{Config, Paths};
use crate::error::{Error, Result};
use crate::output::Existing;
use crate::period::Period;
use crate::{destination, output, scaffold};

/// The most of an existing `.gitignore` okr reads; a larger one is left alone.
const GITIGNORE_LIMIT: u64 = 1 << 20;

pub(super) fn run(context: &Context, args: &InitArgs) -> Result<ExitCode> {
    let dir = context.user_path(&args.dir);
    fs::create_dir_all(&dir).map_err(|e| Error::io("create folder", &dir, e))?;
    let folder_name = || {
        dir.canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .and_then(|folder| scaffold::team_name(&folder))
    };
    let owner = crate::git::user_name(&dir).unwrap_or_else(|| "you".to_owned());
    let period = Period::current().to_string();
    if args.org {
        let org = folder_name().unwrap_or_else(|| "Our org".to_owned());
        let skipped = write(context, &dir, scaffold::org_files(&org, &owner, &period))?;
        if skipped == 0 {
            context.say(
                "next: list your teams in okr-org.toml, then `okr org sync` and `okr org check`",
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let team = match &args.team {
        Some(team) => team.clone(),
        None => folder_name().unwrap_or_else(|| "Our team".to_owned()),
    };
    let files = scaffold::init_files(&team, &owner, &period);
    let skipped = write(context, &dir, files)?;
    ignore_output(context, &dir)?;
    if skipped == 0 {
        context.say("next: `okr check`, then `okr new \"Your idea\" --tag planning`");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `files` into `dir`, never over an existing file; how many were skipped.
fn write(context: &Context, dir: &std::path::Path, files: Vec<(String, String)>) -> Result<usize> {
    // Every destination is checked before anything is written: `DIR` is the user's choice,
    // but the folders in it may be links the repository holds.
    for (path, _) in &files {
        destination::parent_folder(dir, path, false)?;
    }
    let mut skipped = 0;
    for (path, contents) in files {
        let target = destination::parent_folder(dir, &path, true)?.join(scaffold::file_name(&path));
        if output::create_new(&target, contents.as_bytes())? {
            context.say(format!("created {path}"));
        } else {
            skipped += 1;
            context.say(format!(
                "skipped {path}: it exists, and okr init never overwrites a file"
            ));
        }
    }
    Ok(skipped)
}

/// Keeps the rendered documents out of the main branch: they are published to the docs branch,
/// and a copy on main would only go stale. An existing `.gitignore` gets the line appended when
/// it lacks it; anything else at that path is left alone.
fn ignore_output(context: &Context, dir: &std::path::Path) -> Result<()> {
    let output_folder = output::read_at_most(&dir.join("okr.toml"), GITIGNORE_LIMIT)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| Config::parse(&text).ok())
        .map_or_else(|| Paths::default().output, |config| config.paths.output);
    let line = format!("/{output_folder}/");
    let path = dir.join(".gitignore");
    match output::existing(&path)? {
        Existing::Absent => {
            let text = format!(
                "# `okr render` writes here; CI publishes the documents to the docs branch.\n\
                 {line}\n"
            );
            if output::create_new(&path, text.as_bytes())? {
                context.say(format!("created .gitignore, which ignores {line}"));
            }
        }
        Existing::File { .. } => {
            let Some(text) = output::read_at_most(&path, GITIGNORE_LIMIT)
                .and_then(|bytes| String::from_utf8(bytes).ok())
            else {
                context.say(format!(
                    "skipped .gitignore: okr could not read it; add {line} to it yourself"
                ));
                return Ok(());
            };
            if scaffold::ignores_folder(&text, &output_folder) {
                return Ok(());
            }
            let separator = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            let appended = format!("{text}{separator}{line}\n");
            output::write_atomic(&path, appended.as_bytes())?;
            context.say(format!(
                "added {line} to .gitignore: the rendered documents live on the docs branch"
            ));
        }
        Existing::Other(what) => context.say(format!(
            "skipped .gitignore: it is {what}; add {line} to it yourself"
        )),
    }
    Ok(())
}
