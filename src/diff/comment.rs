//! The pull-request comment: the diff as Markdown tables, long ones folded.

use std::fmt::Write as _;

use super::changes::{
    Diff, FieldChange, excerpts, list, rank_cell, rank_move, score_move, shifted_line,
    theme_rank_move,
};
use crate::finding::Severity;
use crate::markdown::{code, code_cell, markdown_inline, person, table};
use crate::text::score;

/// Rows beyond this many go into a folded `<details>` block.
const FOLD: usize = 10;

fn section(out: &mut String, title: &str, header: &str, rows: Vec<String>) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### {title}\n");
    if rows.len() > FOLD {
        let _ = writeln!(out, "<details><summary>{} rows</summary>\n", rows.len());
        table(out, header, &rows);
        let _ = writeln!(out, "\n</details>");
    } else {
        table(out, header, &rows);
    }
}

/// A field's name in a cell: a key result's title set as code, as GitHub shows it.
fn field_cell(change: &FieldChange) -> String {
    match &change.key_result {
        Some(title) => format!("key result {}", code_cell(title)),
        None => markdown_inline(&change.field),
    }
}

/// A field change as a phrase in a cell: `impact: high → huge`.
fn change_phrase(change: &FieldChange) -> String {
    let (before, after) = excerpts(&change.before, &change.after, 80);
    format!(
        "{}: {} → {}",
        field_cell(change),
        markdown_inline(&before),
        markdown_inline(&after)
    )
}

/// The owners a change affects: `@login` when `mention` and the owner is a login, else the
/// name as text (which mentions no one).
fn affected(owners: &[String], mention: bool) -> String {
    owners
        .iter()
        .map(|owner| person(owner, mention))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The pull-request comment; `mention` (`[team].github`) mentions the affected owners.
pub fn markdown(diff: &Diff, mention: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**okr**: {} ({} → {})",
        diff.summary(),
        code(&diff.base),
        code(&diff.head)
    );
    if !diff.affected.is_empty() {
        let _ = writeln!(
            out,
            "\nAffects the themes of: {}",
            affected(&diff.affected, mention)
        );
    }
    let md = |text: &str| markdown_inline(text);
    section(
        &mut out,
        "Added",
        "| Rank | Initiative | Owner | Score | Themes |",
        diff.added
            .iter()
            .map(|e| {
                format!(
                    "| {} | {} ({}) | {} | {} | {} |",
                    rank_cell(e.rank),
                    md(&e.title),
                    code_cell(&e.id),
                    md(&e.owner),
                    score(e.score),
                    if e.themes.is_empty() {
                        "-".to_owned()
                    } else {
                        md(&list(&e.themes))
                    }
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Removed",
        "| Was rank | Initiative | Owner | Score |",
        diff.removed
            .iter()
            .map(|e| {
                format!(
                    "| {} | {} ({}) | {} | {} |",
                    rank_cell(e.rank),
                    md(&e.title),
                    code_cell(&e.id),
                    md(&e.owner),
                    score(e.score)
                )
            })
            .collect(),
    );
    let mut rows = Vec::new();
    for b in &diff.broken {
        let who = format!("{} ({})", md(&b.title), code_cell(&b.id));
        if b.findings.is_empty() {
            rows.push(format!(
                "| {who} | {} | {} | {} |",
                rank_cell(b.rank),
                code_cell(&b.file),
                "no longer builds"
            ));
        }
        for (index, f) in b.findings.iter().enumerate() {
            let (who, rank) = if index == 0 {
                (who.as_str(), rank_cell(b.rank))
            } else {
                ("", String::new())
            };
            rows.push(format!(
                "| {who} | {rank} | {} | {} |",
                code_cell(&format!("{}:{}:{}", f.file, f.line, f.column)),
                md(&f.message)
            ));
        }
    }
    section(
        &mut out,
        "Broken in this change",
        "| Initiative | Was rank | Where | Finding |",
        rows,
    );
    section(
        &mut out,
        "Renamed",
        "| Initiative | Renamed | Also changed | Score | Rank |",
        diff.renamed
            .iter()
            .map(|r| {
                let also: Vec<String> = r.changes.iter().map(change_phrase).collect();
                format!(
                    "| {} | {} → {} | {} | {} | {} |",
                    md(&r.title),
                    code_cell(&r.from),
                    code_cell(&r.to),
                    if also.is_empty() {
                        "-".to_owned()
                    } else {
                        also.join("; ")
                    },
                    score_move(&r.score),
                    rank_move(&r.rank)
                )
            })
            .collect(),
    );
    let mut rows = Vec::new();
    for c in diff.edited() {
        for (index, change) in c.changes.iter().enumerate() {
            let (who, rank, score) = if index == 0 {
                (
                    format!("{} ({})", md(&c.title), code_cell(&c.id)),
                    rank_move(&c.rank),
                    score_move(&c.score),
                )
            } else {
                (String::new(), String::new(), String::new())
            };
            let (before, after) = excerpts(&change.before, &change.after, 80);
            rows.push(format!(
                "| {who} | {} | {} | {} | {score} | {rank} |",
                field_cell(change),
                md(&before),
                md(&after)
            ));
        }
    }
    section(
        &mut out,
        "Changed",
        "| Initiative | Field | Before | After | Score | Rank |",
        rows,
    );
    let moves: Vec<String> = diff
        .moved_only()
        .map(|c| {
            format!(
                "| {} ({}) | {} | {} |",
                md(&c.title),
                code_cell(&c.id),
                score_move(&c.score),
                rank_move(&c.rank)
            )
        })
        .collect();
    let shifted = shifted_line(&diff.shifted);
    if moves.is_empty() {
        if let Some(line) = &shifted {
            let _ = writeln!(out, "\n### Score and rank moves\n\n{line}.");
        }
    } else {
        section(
            &mut out,
            "Score and rank moves",
            "| Initiative | Score | Rank |",
            moves,
        );
        if let Some(line) = &shifted {
            let _ = writeln!(out, "\n{line}.");
        }
    }
    let mut rows = Vec::new();
    for t in &diff.themes_added {
        rows.push(format!(
            "| {} ({}) | new theme | {} |",
            md(&t.title),
            code_cell(&t.id),
            md(&list(&t.initiatives))
        ));
    }
    for t in &diff.themes_removed {
        rows.push(format!(
            "| {} ({}) | removed | {} |",
            md(&t.title),
            code_cell(&t.id),
            md(&list(&t.initiatives))
        ));
    }
    for t in &diff.themes_changed {
        let mut what = Vec::new();
        if !t.joined.is_empty() {
            what.push(format!("joined: {}", md(&list(&t.joined))));
        }
        if !t.left.is_empty() {
            what.push(format!("left: {}", md(&list(&t.left))));
        }
        what.extend(t.changes.iter().map(change_phrase));
        what.push(md(&format!(
            "score {}, rank {}",
            score_move(&t.score),
            theme_rank_move(&t.rank)
        )));
        rows.push(format!(
            "| {} ({}) | changed | {} |",
            md(&t.title),
            code_cell(&t.id),
            what.join("; ")
        ));
    }
    section(&mut out, "Themes", "| Theme | Change | Details |", rows);
    section(
        &mut out,
        "New findings",
        "| Severity | Rule | Where | Message |",
        diff.findings
            .iter()
            .map(|f| {
                let severity = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                format!(
                    "| {severity} | {} | {} | {} |",
                    code_cell(f.rule),
                    code_cell(&format!("{}:{}:{}", f.file, f.line, f.column)),
                    md(&f.message)
                )
            })
            .collect(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_logins_are_mentioned() {
        let owners = ["alice".to_owned(), "Data team".to_owned(), "-x".to_owned()];
        assert_eq!(affected(&owners, true), "@alice, Data team, \\-x");
        assert_eq!(affected(&owners, false), "alice, Data team, \\-x");
    }
}
