//! `okr check`: every finding of the repository, in the format asked for; exit 1 on an error
//! finding (or a warning with `--deny-warnings`).

use std::collections::BTreeSet;
use std::process::ExitCode;

use super::args::CheckArgs;
use super::context::{Context, Opened, leave_to_exit, open, print, print_with};
use crate::error::{Error, Result};
use crate::load;
use crate::report::{self, Format};
use crate::text::count;
use crate::validate::stale::{self, Candidate, Recent};
use crate::validate::{self, Outline};

/// Which of `candidates` changed within `stale_days`, for the `stale` rule; `None` (with a
/// note when git could not be asked) where there is no history to ask.
fn recently_changed(
    context: &Context,
    opened: &Opened,
    rev: Option<&str>,
    config: &crate::config::Config,
    candidates: &[Candidate],
) -> Option<BTreeSet<String>> {
    match stale::recently_changed(&opened.root, rev, config, candidates) {
        Recent::Changed(recent) => Some(recent),
        Recent::NothingToAsk => None,
        Recent::Skipped(why) => {
            context.say(format!("note: rule `stale` skipped: {why}"));
            None
        }
    }
}

pub(super) fn run(context: &Context, args: &CheckArgs) -> Result<ExitCode> {
    if let Some(day) = args.as_of {
        crate::period::set_as_of(day);
    }
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
            let candidates =
                stale::candidates(&workspace.config, &workspace.initiatives, &workspace.texts);
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
            "checked {} and {}: {}, {}\n",
            count(workspace.initiative_files, "initiative"),
            count(workspace.theme_files, "theme"),
            count(errors, "error"),
            count(warnings, "warning"),
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
