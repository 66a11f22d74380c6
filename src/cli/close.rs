//! `okr close PERIOD [--to NEXT] [--carry ID]... [--dry-run]`: grades the period, records the
//! grade in each file, carries open work over; the working tree only, every file or none.

use std::collections::BTreeMap;
use std::process::ExitCode;

use super::args::CloseArgs;
use super::context::{Context, Opened, portfolio_or_exit, print};
use crate::close::{self, Graded, Next, Request};
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::period::Period;
use crate::source::{WorkTree, find_root};
use crate::{config, load, output, table};

pub(super) fn run(context: &Context, args: &CloseArgs) -> Result<ExitCode> {
    // The command line is checked before the repository is read.
    let period = parse(&args.period, "")?;
    let next = args
        .to
        .as_deref()
        .map(|to| parse(to, "--to "))
        .transpose()?;
    let root = find_root(&context.dir)?;
    let opened = Opened {
        root: root.clone(),
        source: Box::new(WorkTree::new(&root)?),
    };
    // Every period's work, so that work planned for the closed period is all there.
    let portfolio = match portfolio_or_exit(context, &opened, Some("all"))? {
        Ok(portfolio) => portfolio,
        Err(code) => return Ok(code),
    };
    let read = |path: &str| -> Option<String> {
        let file = opened.source.read(path).ok()??;
        load::decode(&file).ok().map(|text| text.to_string())
    };
    let request = Request {
        period,
        next,
        carry: &args.carry,
    };
    let usage = |error: close::CloseError| Error::usage(error.to_string());
    let plan = close::plan(
        &portfolio,
        portfolio.config.current_period(),
        &request,
        read,
    )
    .map_err(usage)?;
    let mut edits = plan.edits;
    if let Some(next) = next {
        let text = read(config::FILE)
            .ok_or_else(|| Error::usage(format!("`{}` could not be read", config::FILE)))?;
        if let Some(text) = close::set_team_period(&text, next).map_err(usage)? {
            edits.insert(config::FILE.to_owned(), text);
        }
    }

    print(&grades_table(&plan.graded))?;
    let mut said = String::new();
    for graded in plan.graded.iter().filter(|g| g.short()) {
        let grade = graded.grade.map_or_else(String::new, |g| format!("{g:.1}"));
        said.push_str(&match graded.commitment {
            Some(crate::model::Commitment::Committed) => format!(
                "\n`{}` is committed and graded {grade}: a postmortem is due",
                graded.id
            ),
            _ => format!(
                "\n`{}` is aspirational and graded {grade}, below 0.7",
                graded.id
            ),
        });
    }
    for id in &plan.ungraded {
        said.push_str(&format!(
            "\n`{id}` has no key results and no graded work in `{period}`, so it has no grade"
        ));
    }
    if !said.is_empty() {
        print(&said[1..])?;
        print("\n")?;
    }

    if edits.is_empty() {
        context.say(format!(
            "nothing to change: `{period}` is already closed{}",
            next.map_or_else(String::new, |n| format!(" into `{n}`"))
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let files: Vec<&str> = edits.keys().map(String::as_str).collect();
    if args.dry_run {
        context.say(format!(
            "dry run: would change {}: {}",
            crate::text::count(files.len(), "file"),
            files.join(", ")
        ));
        return Ok(ExitCode::SUCCESS);
    }
    write(&root, &edits)?;
    context.say(format!(
        "changed {}: {}\nreview them in a pull request; once it has merged, keep the period's \
         documents with\n  git tag okr/{period} <the merge commit> && git push origin okr/{period}",
        crate::text::count(files.len(), "file"),
        files.join(", ")
    ));
    Ok(ExitCode::SUCCESS)
}

/// A period from the command line (`what` names the option, or is empty for PERIOD).
fn parse(text: &str, what: &str) -> Result<Period> {
    Period::parse(text).ok_or_else(|| {
        let help = match text.to_uppercase() {
            upper if Period::parse(&upper).is_some() => format!("did you mean `{what}{upper}`?"),
            _ => "write a year (`2026`), a half (`2026-H2`) or a quarter (`2026-Q1`)".to_owned(),
        };
        Error::usage(format!("`{what}{text}` is not a period\nhelp: {help}"))
    })
}

fn write(root: &std::path::Path, edits: &BTreeMap<String, String>) -> Result<()> {
    let files: Vec<(std::path::PathBuf, &[u8])> = edits
        .iter()
        .map(|(path, text)| (root.join(path), text.as_bytes()))
        .collect();
    output::write_all_or_none(&files)
}

/// The grades, objectives first: a table for the terminal or the pull request.
fn grades_table(graded: &[Graded]) -> String {
    let rows: Vec<Vec<String>> = graded
        .iter()
        .map(|g| {
            let what = match (g.kind, g.commitment) {
                (Kind::Theme, Some(commitment)) => format!("objective ({commitment})"),
                (kind, _) => kind.as_str().to_owned(),
            };
            let next = match g.next {
                Some(Next::Carried) => "carried",
                Some(Next::Dropped) => "dropped",
                None => "",
            };
            vec![
                what,
                g.id.clone(),
                g.grade
                    .map_or_else(|| "-".to_owned(), |grade| format!("{grade:.1}")),
                g.outcome.to_string(),
                next.to_owned(),
                g.owner.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table::fit(
        &["", "id", "grade", "outcome", "next", "owner"],
        &[false, false, true, false, false, false],
        &rows,
        table::terminal_width(),
        None,
    )
}
