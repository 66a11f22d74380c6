//! `okr fmt`: every TOML file in the canonical layout; with `--check`, the files that are not.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;

use super::args::FmtArgs;
use super::context::{Context, print};
use crate::error::Result;
use crate::fmt::{self, Step};
use crate::output::terminal_safe;
use crate::text::count;

/// Formats every file of the repository (a team's, an org's, or a folder that is both; see
/// [`fmt::find_repository`]), or with `--check` lists the ones it would change.
/// Exit 1 when `--check` finds one; exit 2 when a file could not be read or parsed (it is
/// reported and left untouched, and every other file is still formatted).
pub(super) fn run(context: &Context, args: &FmtArgs) -> Result<ExitCode> {
    let (root, kinds) = fmt::find_repository(&context.dir)?;
    // A skipped file is said whatever the verbosity (only `-q` silences it): a file that okr
    // leaves alone unsaid would look formatted. `--check` cannot check what `fmt` would not
    // write, so it says so and leaves the exit code to the files it checked: failing would ask
    // for `okr fmt`, which cannot fix a link.
    let unchecked = if args.check {
        ", so it was not checked"
    } else {
        ""
    };
    let outcome = fmt::repository(&root, kinds, args.check, &mut |step| match step {
        Step::SkippedLink(path) => context.say(format!(
            "note: skipped `{path}`: it is a symlink{unchecked}; okr fmt never writes through \
             a link (format the file it points to, or put the file in its place)"
        )),
        Step::SkippedFolder(path, error) => {
            context.say(format!("note: skipped `{path}`{unchecked}: {error}"));
        }
        Step::Formatted(path) => context.say(format!("formatted {path}")),
    })?;
    let fmt::Outcome {
        changed,
        problems,
        texts,
    } = outcome;
    if args.check {
        let list: String = changed
            .iter()
            .map(|path| format!("{}\n", terminal_safe(path)))
            .collect();
        print(&list)?;
    }
    if !problems.is_empty() {
        context.print_findings(&problems, &texts);
        let _ = writeln!(
            std::io::stderr(),
            "error: {} could not be formatted; they were left as they are",
            count(
                problems
                    .iter()
                    .map(|f| f.file.as_str())
                    .collect::<BTreeSet<_>>()
                    .len(),
                "file"
            )
        );
        return Ok(ExitCode::from(2));
    }
    if args.check && !changed.is_empty() {
        let verb = if changed.len() == 1 { "is" } else { "are" };
        context.say(format!(
            "{} {verb} not formatted; run `okr fmt`",
            count(changed.len(), "file")
        ));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
