//! `okr check`: every finding of the repository, in the format asked for; exit 1 on an error
//! finding (or a warning with `--deny-warnings`).

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::Arc;

use super::args::CheckArgs;
use super::context::{Context, Opened, leave_to_exit, open, print, print_with};
use crate::error::{Error, Result};
use crate::git;
use crate::load::{self, Workspace};
use crate::report::{self, Format};
use crate::validate::{self, Outline};

/// The files of accepted or active initiatives, with their text: what the `stale` rule asks
/// git about. Taken before the rules run, which consume the initiatives.
fn stale_candidates(workspace: &Workspace<Outline>) -> Vec<(String, Arc<str>)> {
    if workspace.config.rules.level(crate::finding::Rule::Stale) == crate::finding::RuleLevel::Off {
        return Vec::new();
    }
    workspace
        .initiatives
        .initiatives()
        .filter(|i| {
            matches!(
                i.status,
                crate::model::Status::Accepted | crate::model::Status::Active
            )
        })
        .filter_map(|i| {
            workspace
                .texts
                .get(&i.file)
                .map(|t| (i.file.clone(), Arc::clone(t)))
        })
        .collect()
}

/// Which of `candidates` changed within `stale_days`, for the `stale` rule; `None` (with a
/// note) where there is no history to ask.
fn recently_changed(
    context: &Context,
    opened: &Opened,
    rev: Option<&str>,
    config: &crate::config::Config,
    candidates: &[(String, Arc<str>)],
) -> Option<BTreeSet<String>> {
    let files: Vec<(&str, &[u8])> = candidates
        .iter()
        .map(|(file, text)| (file.as_str(), text.as_bytes()))
        .collect();
    if files.is_empty() {
        return None;
    }
    let skipped = |why: &str| {
        context.say(format!("note: rule `stale` skipped: {why}"));
        None
    };
    let repo = match git::Repo::open(&opened.root) {
        Ok(repo) => repo,
        Err(_) => return skipped("not a git repository, so there is no history"),
    };
    if rev.is_none() && repo.head().is_none() {
        return skipped("the repository has no commits yet");
    }
    match crate::history::recently_changed(&repo, rev, config, &files) {
        Ok(recent) => Some(recent),
        Err(why) => skipped(&why),
    }
}

pub(super) fn run(context: &Context, args: &CheckArgs) -> Result<ExitCode> {
    let opened = open(context, &args.rev)?;
    let started = std::time::Instant::now();
    let keep = load::Keep::Quoted { stale: true };
    // `check` ranks and renders nothing: of each initiative it keeps what the rules read.
    let loaded =
        load::load_keeping::<Outline>(opened.source.as_ref(), keep).map(|mut workspace| {
            context.trace(
                format_args!(
                    "read and parsed {} files",
                    workspace.initiative_files + workspace.theme_files
                ),
                started,
            );
            // Asking git is serial; it runs beside the rules, which run on every core.
            let candidates = stale_candidates(&workspace);
            let config = workspace.config.clone();
            let rev = args.rev.rev.as_deref();
            let (recent, mut checked) = rayon::join(
                || recently_changed(context, &opened, rev, &config, &candidates),
                || validate::check(&mut workspace),
            );
            if let Some(recent) = &recent {
                checked.add_stale(&workspace, recent);
            }
            load::quote(
                &mut workspace.texts,
                opened.source.as_ref(),
                &checked.findings,
            );
            context.trace(
                "ran the rules and asked git for recent changes (rule `stale`)",
                started,
            );
            (workspace, checked)
        });
    let (workspace, checked) = match loaded {
        Ok(result) => result,
        Err(Error::Config { findings, texts }) => {
            // Annotate okr.toml in the format asked for, then fail as a configuration error.
            let findings = crate::finding::RuleLevels::default().apply(findings);
            if args.format != Format::Human {
                print_with(|out| report::findings(out, args.format, &findings, &texts, false))?;
                return Err(Error::usage(
                    "okr.toml has problems; see the findings above",
                ));
            }
            return Err(Error::Config { findings, texts });
        }
        Err(error) => return Err(error),
    };
    print_with(|out| {
        report::findings(
            out,
            args.format,
            &checked.findings,
            &workspace.texts,
            context.color_out,
        )
    })?;
    context.trace(
        format_args!("reported {} findings", checked.findings.len()),
        started,
    );
    let (errors, warnings) = report::counts(&checked.findings);
    if args.format == Format::Human && !context.quiet {
        let summary = format!(
            "checked {} initiative(s) and {} theme(s): {} error(s), {} warning(s)\n",
            workspace.initiative_files, workspace.theme_files, errors, warnings
        );
        print(&summary)?;
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    leave_to_exit((workspace, checked));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
