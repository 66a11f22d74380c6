//! The org's diff for a terminal (one line an entry, details indented) and as Markdown (for a
//! pull request, an issue or a job summary: a table a section, each team's own diff folded).

use std::fmt::Write as _;

use super::{DependencyChange, ObjectiveChange, ObjectiveEntry, OrgDiff, TeamChange, ThemeRef};
use crate::diff::{self, FieldChange, Move};
use crate::markdown::{code, code_cell, markdown_inline, table};
use crate::model::{Health, Status};
use crate::org::rollup::{Dependency, Unaligned};
use crate::text::percent;

/// `40% → 55%`, or the one value when it held.
fn progress_move(progress: &Move<Option<f64>>) -> String {
    moved(percent(progress.before), percent(progress.after))
}

fn health_text(health: Option<Health>) -> String {
    health.map_or_else(|| "no health".to_owned(), |h| h.to_string())
}

fn status_text(status: Option<Status>) -> String {
    status.map_or_else(|| "unknown".to_owned(), |s| s.to_string())
}

fn moved(before: String, after: String) -> String {
    if before == after {
        after
    } else {
        format!("{before} → {after}")
    }
}

/// `1a2b3c4 → 5d6e7f8`, with `-` where no commit was recorded.
fn commits(commit: &Move<Option<String>>) -> String {
    let short = |c: &Option<String>| {
        c.as_deref()
            .map_or_else(|| "-".to_owned(), |c| crate::git::short_id(c).to_owned())
    };
    moved(short(&commit.before), short(&commit.after))
}

/// What became of a team, in words: listed or not, read or not, and what its diff says.
fn team_phrase(t: &TeamChange) -> String {
    let mut parts = Vec::new();
    match (t.listed.before, t.listed.after) {
        (false, true) => parts.push("now listed".to_owned()),
        (true, false) => parts.push("no longer listed".to_owned()),
        _ => {}
    }
    if t.listed.after {
        match (&t.problem.before, &t.problem.after) {
            (Some(_), None) if t.commit.before.is_none() => parts.push("synced".to_owned()),
            (Some(_), None) => parts.push("read again".to_owned()),
            (_, Some(now)) if t.problem.before.as_ref() != Some(now) => {
                parts.push(format!("not read: {now}"));
            }
            _ => {}
        }
    }
    match &t.diff {
        Some(diff) => parts.push(diff.summary()),
        None if t.commit.before.is_some()
            && t.commit.after.is_some()
            && t.commit.before != t.commit.after =>
        {
            parts.push("its files could not be compared".to_owned());
        }
        None => {}
    }
    parts.join("; ")
}

fn theme_name(t: &ThemeRef) -> String {
    format!("{}/{}", t.team, t.theme)
}

fn dependency_name(team: &str, id: &str) -> String {
    format!("{team}/{id}")
}

/// For a terminal: what a terminal would act on in the repositories' text is escaped.
pub fn human(diff: &OrgDiff) -> String {
    crate::output::terminal_safe(&human_text(diff)).into_owned()
}

fn human_text(d: &OrgDiff) -> String {
    let mut out = format!("{} → {}: {}\n", d.base, d.head, d.summary());
    let entry = |sign: char, o: &ObjectiveEntry| {
        let mut line = format!(
            "{sign} {}: {} ({}, {})",
            o.id,
            o.title,
            percent(o.progress),
            health_text(o.health)
        );
        if !o.teams.is_empty() {
            line.push_str(&format!(", served by {}", o.teams.join(", ")));
        }
        line
    };
    if !(d.objectives_added.is_empty()
        && d.objectives_removed.is_empty()
        && d.objectives_changed.is_empty())
    {
        out.push_str("objectives:\n");
    }
    for o in &d.objectives_added {
        let _ = writeln!(out, "{}", entry('+', o));
    }
    for o in &d.objectives_removed {
        let _ = writeln!(out, "{}", entry('-', o));
    }
    for c in &d.objectives_changed {
        let _ = writeln!(
            out,
            "~ {}: {} (progress {}, {})",
            c.id,
            c.title,
            progress_move(&c.progress),
            moved(health_text(c.health.before), health_text(c.health.after))
        );
        diff::field_lines(&mut out, &c.changes);
        for t in &c.joined {
            let _ = writeln!(out, "    + served by {}: {}", theme_name(t), t.title);
        }
        for t in &c.left {
            let _ = writeln!(
                out,
                "    - no longer served by {}: {}",
                theme_name(t),
                t.title
            );
        }
    }
    if !(d.unaligned_added.is_empty() && d.unaligned_removed.is_empty()) {
        out.push_str("team themes serving no objective:\n");
    }
    let unaligned = |sign: char, u: &Unaligned| {
        let mut line = format!("{sign} {}/{}: {}", u.team, u.theme, u.title);
        if let Some(parent) = &u.parent {
            line.push_str(&format!(" (names `{parent}`, which the org does not have)"));
        }
        line
    };
    for u in &d.unaligned_added {
        let _ = writeln!(out, "{}", unaligned('+', u));
    }
    for u in &d.unaligned_removed {
        let _ = writeln!(out, "{}", unaligned('-', u));
    }
    if !(d.dependencies_added.is_empty()
        && d.dependencies_removed.is_empty()
        && d.dependencies_changed.is_empty())
    {
        out.push_str("dependencies across teams:\n");
    }
    let dependency = |sign: char, x: &Dependency| {
        format!(
            "{sign} {} ({}) → {} ({})",
            dependency_name(&x.from_team, &x.from),
            x.from_status,
            dependency_name(&x.to_team, &x.to),
            status_text(x.to_status)
        )
    };
    for x in &d.dependencies_added {
        let _ = writeln!(out, "{}", dependency('+', x));
    }
    for x in &d.dependencies_removed {
        let _ = writeln!(out, "{}", dependency('-', x));
    }
    for x in &d.dependencies_changed {
        let _ = writeln!(out, "~ {}", dependency_move(x));
    }
    if !d.teams.is_empty() {
        out.push_str("teams:\n");
    }
    for t in &d.teams {
        let sign = match (t.listed.before, t.listed.after) {
            (false, true) => '+',
            (true, false) => '-',
            _ => '~',
        };
        let _ = writeln!(
            out,
            "{sign} {} ({}): {}",
            t.team,
            commits(&t.commit),
            team_phrase(t)
        );
        if let Some(diff) = &t.diff {
            for line in diff::human(diff).lines().skip(1) {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out
}

/// `payments/upgrade-pg (active) → web/cdn: accepted → done`.
fn dependency_move(x: &DependencyChange) -> String {
    format!(
        "{} ({}) → {} ({})",
        dependency_name(&x.from_team, &x.from),
        moved(
            x.from_status.before.to_string(),
            x.from_status.after.to_string()
        ),
        dependency_name(&x.to_team, &x.to),
        moved(
            status_text(x.to_status.before),
            status_text(x.to_status.after)
        )
    )
}

/// A section: a heading and a table, left out when it has no rows.
fn section(out: &mut String, title: &str, header: &str, rows: Vec<String>) {
    if !rows.is_empty() {
        let _ = writeln!(out, "\n### {title}\n");
        table(out, header, &rows);
    }
}

/// A field change in a cell: `owner: dana → lee`.
fn change_cell(f: &FieldChange) -> String {
    let field = match &f.key_result {
        Some(title) => format!("key result {}", code_cell(title)),
        None => markdown_inline(&f.field),
    };
    let value = |v: &str| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            markdown_inline(&crate::text::cut(v, 80))
        }
    };
    format!("{field}: {} → {}", value(&f.before), value(&f.after))
}

/// `Fast pages (`db`) of `payments``.
fn theme_cell(t: &ThemeRef) -> String {
    format!(
        "{} ({}) of {}",
        markdown_inline(&t.title),
        code_cell(&t.theme),
        code_cell(&t.team)
    )
}

/// A health in a cell: `-` for none.
fn health_cell(health: Option<Health>) -> String {
    health.map_or_else(|| "-".to_owned(), |h| h.to_string())
}

fn work_cell(team: &str, id: &str, status: String) -> String {
    format!("{} {} ({status})", code_cell(team), code_cell(id))
}

/// As Markdown, for a pull request, an issue or a job summary.
pub fn markdown(d: &OrgDiff) -> String {
    let mut out = format!(
        "**okr org**: {} ({} → {})\n",
        markdown_inline(&d.summary()),
        code(&d.base),
        code(&d.head)
    );
    let md = |text: &str| markdown_inline(text);
    let mut rows = Vec::new();
    for (sign, o) in d
        .objectives_added
        .iter()
        .map(|o| ("added", o))
        .chain(d.objectives_removed.iter().map(|o| ("removed", o)))
    {
        rows.push(format!(
            "| {} ({}) | {} | {} | {sign}{} |",
            md(&o.title),
            code_cell(&o.id),
            percent(o.progress),
            health_cell(o.health),
            if o.teams.is_empty() {
                String::new()
            } else {
                format!("; served by {}", md(&o.teams.join(", ")))
            }
        ));
    }
    for c in &d.objectives_changed {
        rows.push(objective_row(c));
    }
    section(
        &mut out,
        "Objectives",
        "| Objective | Progress | Health | What changed |",
        rows,
    );
    let unaligned = |sign: &str, u: &Unaligned| {
        format!(
            "| {sign} | {} | {} ({}) | {} |",
            code_cell(&u.team),
            md(&u.title),
            code_cell(&u.theme),
            u.parent.as_deref().map_or_else(
                || "names none".to_owned(),
                |p| format!("names {}, which the org does not have", code_cell(p))
            )
        )
    };
    section(
        &mut out,
        "Team themes serving no objective",
        "| | Team | Theme | Parent |",
        d.unaligned_added
            .iter()
            .map(|u| unaligned("now", u))
            .chain(
                d.unaligned_removed
                    .iter()
                    .map(|u| unaligned("no longer", u)),
            )
            .collect(),
    );
    let dependency = |sign: &str, x: &Dependency| {
        format!(
            "| {sign} | {} | {} |",
            work_cell(&x.from_team, &x.from, x.from_status.to_string()),
            work_cell(&x.to_team, &x.to, status_text(x.to_status))
        )
    };
    section(
        &mut out,
        "Dependencies across teams",
        "| | Initiative | Depends on |",
        d.dependencies_added
            .iter()
            .map(|x| dependency("added", x))
            .chain(
                d.dependencies_removed
                    .iter()
                    .map(|x| dependency("removed", x)),
            )
            .chain(d.dependencies_changed.iter().map(|x| {
                format!(
                    "| moved | {} | {} |",
                    work_cell(
                        &x.from_team,
                        &x.from,
                        moved(
                            x.from_status.before.to_string(),
                            x.from_status.after.to_string()
                        )
                    ),
                    work_cell(
                        &x.to_team,
                        &x.to,
                        moved(
                            status_text(x.to_status.before),
                            status_text(x.to_status.after)
                        )
                    )
                )
            }))
            .collect(),
    );
    section(
        &mut out,
        "Teams",
        "| Team | Commits | What changed |",
        d.teams
            .iter()
            .map(|t| {
                format!(
                    "| {} | {} | {} |",
                    code_cell(&t.team),
                    commits(&t.commit),
                    md(&team_phrase(t))
                )
            })
            .collect(),
    );
    for t in &d.teams {
        let Some(diff) = t.diff.as_ref().filter(|d| !d.is_empty()) else {
            continue;
        };
        let body = diff::markdown(diff, false);
        let body = body.split_once('\n').map_or("", |(_, rest)| rest);
        // HTML, in which Markdown is not read: a team's name is kebab-case and the summary
        // okr's own words, so neither needs escaping.
        let _ = write!(
            out,
            "\n<details><summary><b>{}</b>: {}</summary>\n{body}\n</details>\n",
            t.team,
            diff.summary()
        );
    }
    out
}

fn objective_row(c: &ObjectiveChange) -> String {
    let mut what: Vec<String> = c.changes.iter().map(change_cell).collect();
    what.extend(
        c.joined
            .iter()
            .map(|t| format!("now served by {}", theme_cell(t))),
    );
    what.extend(
        c.left
            .iter()
            .map(|t| format!("no longer served by {}", theme_cell(t))),
    );
    format!(
        "| {} ({}) | {} | {} | {} |",
        markdown_inline(&c.title),
        code_cell(&c.id),
        progress_move(&c.progress),
        moved(health_cell(c.health.before), health_cell(c.health.after)),
        if what.is_empty() {
            "-".to_owned()
        } else {
            what.join("; ")
        }
    )
}
