//! `okr publish`: the rendered documents as a commit on a branch, made from git objects alone,
//! so the working tree, the index and HEAD are never touched. Beside them, each tag
//! `okr/PERIOD` is rendered into `PERIOD/`: the archive of a closed period.

use std::io::Write as _;
use std::process::ExitCode;

use super::args::PublishArgs;
use super::context::{Context, Opened, checked, portfolio_or_exit, print};
use super::render::{archive_as_of, archive_period, chart_history};
use crate::error::{Error, Result};
use crate::finding::Severity;
use crate::git::Repo;
use crate::period::{Period, View};
use crate::portfolio::{Portfolio, Ranked};
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
    let archives = archives(context, &repo, &root)?;
    let periods: Vec<String> = archives.iter().map(|(p, _)| p.to_string()).collect();
    let mut documents = render::render_with_archives(
        &portfolio,
        templates,
        history.as_ref(),
        crate::period::today(),
        &periods,
    )?;
    let current = documents.len();
    documents.extend(archives.into_iter().flat_map(|(_, files)| files));
    let message = args
        .message
        .clone()
        .unwrap_or_else(|| format!("Publish objectives from {}", &commit[..12]));
    let (id, created) = repo.commit_files(&args.branch, &documents, &message)?;
    if created {
        let archived = documents.len() - current;
        context.say(format!(
            "published {}{} to `{}`",
            crate::text::count(current, "document"),
            if periods.is_empty() {
                String::new()
            } else {
                format!(
                    " and {} of {}",
                    crate::text::count(archived, "archived document"),
                    crate::text::count(periods.len(), "closed period")
                )
            },
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

/// Rendered documents: (path in the published tree, contents).
type Documents = Vec<(String, String)>;

/// A warning on stderr, shown even with `-q`: something left out of what was published.
fn warn(message: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "warning: {}",
        crate::output::terminal_safe(message)
    );
}

/// The archive of each tag `okr/PERIOD`: its documents (under `PERIOD/`), read from the tagged
/// commit's files in the view of PERIOD, newest period first. A tag that names no period, or
/// whose files have error findings or cannot be read or rendered, is left out with a warning:
/// the current documents are published all the same.
fn archives(
    context: &Context,
    repo: &Repo,
    root: &std::path::Path,
) -> Result<Vec<(Period, Documents)>> {
    let mut archives = Vec::new();
    for tag in repo.archive_tags()? {
        let Some(period) = archive_period(&tag) else {
            warn(&format!(
                "tag `{tag}` does not name a period (`okr/2026-Q1`, `okr/2026-H2` or \
                 `okr/2026`); it is not published"
            ));
            continue;
        };
        match archive(context, root, &tag, period) {
            Ok(Ok(files)) => archives.push((period, files)),
            Ok(Err(errors)) => warn(&format!(
                "tag `{tag}` has {} in its files; its archive is not published (see `okr \
                 check --rev {tag}`)",
                crate::text::count(errors, "error finding")
            )),
            Err(error) => warn(&format!(
                "tag `{tag}` cannot be rendered ({error}); its archive is not published"
            )),
        }
    }
    // Newest first: the one that ends last, of two that end together the shorter.
    archives.sort_by_key(|(period, _)| {
        let (first, last) = period.days();
        std::cmp::Reverse((last, first))
    });
    Ok(archives)
}

/// The documents of one archive tag, each named `PERIOD/<name>`; the count of error findings
/// instead when its files have any.
fn archive(
    context: &Context,
    root: &std::path::Path,
    tag: &str,
    period: Period,
) -> Result<std::result::Result<Documents, usize>> {
    let repo = Repo::open(root)?;
    let commit = repo.resolve_id(&format!("refs/tags/{tag}"))?;
    let opened = Opened {
        root: root.to_path_buf(),
        source: Box::new(Repo::open(root)?.tree_source(&commit)?),
    };
    let Ok(portfolio) = archive_portfolio(&opened, period)? else {
        return Ok(Err(archive_errors(&opened)?));
    };
    let templates = Templates::load(opened.source.as_ref(), &portfolio.config.paths.templates)?;
    let history = chart_history(context, &repo, Some(&commit), &portfolio.config);
    let documents = render::render_as_of(
        &portfolio,
        templates,
        history.as_ref(),
        archive_as_of(period),
    )?;
    Ok(Ok(documents
        .into_iter()
        .map(|(name, text)| (format!("{period}/{name}"), text))
        .collect()))
}

/// The portfolio of PERIOD from `opened`, or `Err(())` when its files have error findings.
fn archive_portfolio(
    opened: &Opened,
    period: Period,
) -> Result<std::result::Result<Portfolio, ()>> {
    let (workspace, checked) = checked::<Ranked>(opened)?;
    if checked
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        return Ok(Err(()));
    }
    let config = workspace.config;
    let (initiatives, themes) = checked.into_parts();
    Portfolio::of_view(&config, initiatives, themes, View::Of(period)).map(Ok)
}

/// How many error findings the files of `opened` have.
fn archive_errors(opened: &Opened) -> Result<usize> {
    let (_, checked) = checked::<Ranked>(opened)?;
    Ok(checked
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count())
}
