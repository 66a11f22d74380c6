//! `okr init [DIR]`: a new team repository, from the files `scaffold` gives; an existing file
//! is never overwritten.

use std::fs;
use std::process::ExitCode;

use super::args::InitArgs;
use super::context::Context;
use crate::error::{Error, Result};
use crate::period::Period;
use crate::{destination, output, scaffold};

pub(super) fn run(context: &Context, args: &InitArgs) -> Result<ExitCode> {
    let dir = context.user_path(&args.dir);
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
    let files = scaffold::init_files(&team, &owner, &period);
    // Every destination is checked before anything is written: `DIR` is the user's choice,
    // but the folders in it may be links the repository holds.
    for (path, _) in &files {
        destination::parent_folder(&dir, path, false)?;
    }
    let mut skipped = 0;
    for (path, contents) in files {
        let target =
            destination::parent_folder(&dir, &path, true)?.join(scaffold::file_name(&path));
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
