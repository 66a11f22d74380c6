//! `okr checkin ID`: a check-in written into an initiative's or theme's file (its `[checkin]`
//! table and one key result), checked as `okr check` would before it is written, and with
//! `--commit` committed by itself.

use std::io::Write;
use std::process::ExitCode;

use super::args::CheckinArgs;
use super::context::Context;
use super::prompt;
use crate::checkin::{self, KeyResultUpdate, Number, Progress, Update};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::finding::{Severity, did_you_mean};
use crate::model::Health;
use crate::source::{Overlay, Source, WorkTree, find_root};
use crate::validate::{self, Outline};
use crate::{document, git, load, output, period};

pub(super) fn run(context: &Context, args: &CheckinArgs) -> Result<ExitCode> {
    // Everything the command line says is checked before the repository is read.
    let usage = |error: checkin::CheckinError| Error::usage(error.to_string());
    let date = match &args.date {
        Some(text) => checkin::date(text, period::today()).map_err(usage)?,
        None => period::today(),
    };
    let progress = match (&args.current, args.done) {
        (Some(value), _) => Some(Progress::Current(Number::parse(value).map_err(usage)?)),
        (None, true) => Some(Progress::Done),
        (None, false) => None,
    };
    let health = args.health.as_deref().and_then(Health::parse);

    let root = find_root(&context.dir)?;
    let tree = WorkTree::new(&root)?;
    let config = load::load_config(&tree)?;
    let path = find(&tree, &config, &args.id)?;
    let repo = if args.commit {
        if !git::in_repository(&root) {
            return Err(Error::usage(format!(
                "`--commit` commits the check-in with git, and `{}` is not in a git repository \
                 with a work tree\nhelp: run `git init` first, or check in without `--commit`",
                root.display()
            )));
        }
        Some(git::Repo::open(&root)?)
    } else {
        None
    };
    let text = read(&tree, &path)?;

    let mut update = Update {
        date,
        health,
        note: args.note.as_deref(),
        key_result: match (&args.kr, progress) {
            (Some(key_result), Some(progress)) => Some(KeyResultUpdate {
                key_result,
                progress,
            }),
            _ => None,
        },
    };
    let cannot = |error: checkin::CheckinError| {
        Error::usage(format!("cannot check in `{}` ({path}): {error}", args.id))
    };
    // A mistake in `--kr` is said before the note is asked for.
    let mut edited = checkin::edit(&text, &update).map_err(cannot)?;
    let asked;
    if args.note.is_none() && prompt::may_ask(args.no_input) {
        asked = prompt::note(&args.id)?;
        if asked.is_some() {
            update.note = asked.as_deref();
            edited = checkin::edit(&text, &update).map_err(cannot)?;
        }
    }

    if !passes_check(context, &tree, &path, &edited.text)? {
        return Ok(ExitCode::from(1));
    }
    let bytes = edited.text.as_bytes();
    if let Some(repo) = &repo {
        repo.can_commit_file(&path, bytes)?;
    }
    output::write_atomic(&root.join(&path), bytes)?;
    let mut said = format!(
        "checked in `{}` ({path}) on {}",
        args.id,
        period::format_date(date)
    );
    if let (Some(title), Some(progress)) = (&edited.key_result, progress) {
        match progress {
            Progress::Current(_) => said.push_str(&format!(
                "; `{title}` is at {}",
                args.current.as_deref().unwrap_or_default().trim()
            )),
            Progress::Done => said.push_str(&format!("; `{title}` is done")),
        }
    }
    context.say(said);
    if let Some(repo) = &repo {
        let message = checkin::commit_message(&args.id, update.note);
        match repo.commit_file(&path, bytes, &message)? {
            Some(commit) => context.say(format!(
                "committed {} {}",
                &commit[..commit.len().min(12)],
                message.lines().next().unwrap_or_default()
            )),
            None => context.say("nothing to commit: HEAD already holds this check-in"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The file of the initiative or theme `id`, found among the files of both folders.
fn find(tree: &WorkTree, config: &Config, id: &str) -> Result<String> {
    let mut all: Vec<String> = Vec::new();
    for dir in [&config.paths.initiatives, &config.paths.themes] {
        for listed in tree.list_toml(dir)? {
            // A hidden file is not read by `okr check`, so it has no id to check in on.
            let hidden = listed
                .path
                .strip_prefix(dir.as_str())
                .is_some_and(|rest| rest.split('/').any(|part| part.starts_with('.')));
            if !hidden {
                all.push(listed.path);
            }
        }
    }
    let found: Vec<&String> = all.iter().filter(|p| document::stem(p) == id).collect();
    match found.as_slice() {
        [path] => Ok((*path).clone()),
        [] => {
            let ids: Vec<&str> = all.iter().map(|p| document::stem(p)).collect();
            let help = match did_you_mean(id, ids.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "`okr list` and `okr themes` show the ids".to_owned(),
            };
            Err(Error::usage(format!(
                "no initiative or theme has the id `{id}`\nhelp: {help}"
            )))
        }
        more => Err(Error::usage(format!(
            "more than one file has the id `{id}`: `{}`; give each its own name first (see \
             `okr check`)",
            more.iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join("`, `")
        ))),
    }
}

/// The text of the file at `path`.
fn read(tree: &WorkTree, path: &str) -> Result<String> {
    let file = tree
        .read(path)?
        .ok_or_else(|| Error::usage(format!("`{path}` could not be read")))?;
    load::decode(&file)
        .map(|text| text.to_string())
        .map_err(|findings| {
            let why = findings
                .first()
                .map_or_else(|| "it cannot be read".to_owned(), |f| f.message.clone());
            Error::usage(format!("cannot check in on `{path}`: {why}"))
        })
}

/// Runs the rules of `okr check` on the repository with `path` holding `text`; prints the
/// file's findings, and says whether it has no error among them.
fn passes_check(context: &Context, tree: &WorkTree, path: &str, text: &str) -> Result<bool> {
    let overlay = Overlay::new(tree, path, text);
    let mut workspace =
        load::load_keeping::<Outline>(&overlay, load::Keep::Quoted { stale: false })?;
    let checked = validate::check(&mut workspace);
    let own: Vec<_> = checked
        .findings
        .into_iter()
        .filter(|f| f.file == path)
        .collect();
    load::quote(&mut workspace.texts, &overlay, &own);
    let errors = own.iter().filter(|f| f.severity == Severity::Error).count();
    // Findings are shown even with `-q`, which silences only what okr says of itself.
    if !own.is_empty() {
        context.print_findings(&own, &workspace.texts);
    }
    if errors > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "error: the check-in was not written: `{}` would not pass `okr check` (see above)",
            output::terminal_safe(path)
        );
    }
    Ok(errors == 0)
}
