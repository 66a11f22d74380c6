//! `okr diff BASE [HEAD]`: the semantic diff of two revisions (or a revision and the working
//! tree), for review.

use std::process::ExitCode;

use super::args::{DiffArgs, DiffFormat};
use super::context::{Context, leave_to_exit, print, print_json};
use crate::diff;
use crate::error::Result;
use crate::git::Repo;
use crate::load;
use crate::source::{WorkTree, find_root};

pub(super) fn run(context: &Context, args: &DiffArgs) -> Result<ExitCode> {
    let root = find_root(&context.dir)?;
    // Resolve both revisions first, so a bad one fails before any work; then read both sides
    // at once.
    let started = std::time::Instant::now();
    let base_source = Repo::open(&root)?.tree_source(&args.base)?;
    let base_label = diff::short(&args.base);
    let (base, head) = match &args.head {
        Some(rev) => {
            let head_source = Repo::open(&root)?.tree_source(rev)?;
            let (base, head) = load::load_revisions(&base_source, &head_source)?;
            context.trace(
                format_args!(
                    "read and parsed {} and {} files",
                    base.texts.len(),
                    head.texts.len()
                ),
                started,
            );
            rayon::join(
                || diff::Side::of(base, base_label),
                || diff::Side::of(head, diff::short(rev)),
            )
        }
        None => {
            let head_source = WorkTree::new(&root)?;
            rayon::join(
                || {
                    diff::Side::read(&base_source, base_label)
                        .map_err(|e| e.at_revision(&args.base))
                },
                || diff::Side::read(&head_source, "working tree"),
            )
        }
    };
    let (base, head) = (base?, head?);
    context.trace("checked and ranked both sides", started);
    let diff = diff::diff(&base, &head);
    context.trace("compared them", started);
    let mention = head.github;
    let diff = {
        // The sides are large and the process is about to end.
        leave_to_exit((base, head));
        diff
    };
    match args.format {
        DiffFormat::Json => print_json(&diff)?,
        DiffFormat::Markdown => print(&diff::markdown(&diff, mention))?,
        DiffFormat::Human => print(&diff::human(&diff))?,
    }
    context.trace("wrote the diff", started);
    Ok(ExitCode::SUCCESS)
}
