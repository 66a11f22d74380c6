//! `okr publish`: the rendered documents as a commit on a branch, made from git objects alone,
//! so the working tree, the index and HEAD are never touched.

use std::process::ExitCode;

use super::args::PublishArgs;
use super::context::{Context, Opened, portfolio_or_exit, print};
use super::render::chart_history;
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::render::{self, Templates};
use crate::source::find_root;

pub(super) fn run(context: &Context, args: &PublishArgs) -> Result<ExitCode> {
    let root = find_root(&context.dir)?;
    let repo = Repo::open(&root)?;
    if repo.head().is_none() && args.rev.is_none() {
        return Err(Error::Git {
            message: "the repository has no commits yet; commit the team files, then publish"
                .to_owned(),
        });
    }
    let rev = args.rev.clone().unwrap_or_else(|| "HEAD".to_owned());
    let commit = repo.resolve_id(&rev)?;
    let opened = Opened {
        root: root.clone(),
        source: Box::new(Repo::open(&root)?.tree_source(&commit)?),
    };
    // The documents of the team's current period, as `okr render` writes them by default.
    let portfolio = match portfolio_or_exit(context, &opened, None)? {
        Ok(result) => result,
        Err(code) => return Ok(code),
    };
    let templates = Templates::load(opened.source.as_ref(), &portfolio.config.paths.templates)?;
    let history = chart_history(context, &repo, Some(&commit), &portfolio.config);
    let documents = render::render(&portfolio, templates, history.as_ref())?;
    let message = args
        .message
        .clone()
        .unwrap_or_else(|| format!("Publish objectives from {}", &commit[..12]));
    let (id, created) = repo.commit_files(&args.branch, &documents, &message)?;
    if created {
        context.say(format!(
            "published {} to `{}`",
            crate::text::count(documents.len(), "document"),
            args.branch
        ));
    } else {
        context.say(format!(
            "`{}` already has these documents; no commit made",
            args.branch
        ));
    }
    print(&format!("{id}\n"))?;
    Ok(ExitCode::SUCCESS)
}
