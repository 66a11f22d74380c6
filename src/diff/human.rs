//! The diff for a terminal: one line an entry, field changes indented below it.

use std::fmt::Write as _;

use super::changes::{
    Diff, FieldChange, list, rank_label, rank_phrase, score_move, shifted_line, theme_rank_move,
};
use crate::text::score;

/// For a terminal: what a terminal would act on in the repository's text is escaped.
pub fn human(diff: &Diff) -> String {
    crate::output::terminal_safe(&human_text(diff)).into_owned()
}

fn human_text(diff: &Diff) -> String {
    let mut out = format!("{} → {}: {}\n", diff.base, diff.head, diff.summary());
    if !diff.affected.is_empty() {
        let _ = writeln!(out, "affects the themes of: {}", list(&diff.affected));
    }
    for e in &diff.added {
        let _ = writeln!(
            out,
            "+ {} ({}, score {}): {}",
            e.id,
            rank_label(e.rank),
            score(e.score),
            e.title
        );
    }
    for e in &diff.removed {
        let _ = writeln!(out, "- {} (was {}): {}", e.id, rank_label(e.rank), e.title);
    }
    for b in &diff.broken {
        let _ = writeln!(
            out,
            "! {} (was {}): broken in this change: {}",
            b.id,
            rank_label(b.rank),
            b.title
        );
        for f in &b.findings {
            let _ = writeln!(
                out,
                "    {}:{}:{}: {} [{}]",
                f.file, f.line, f.column, f.message, f.rule
            );
        }
    }
    for r in &diff.renamed {
        let _ = writeln!(
            out,
            "~ {} → {}: {} (score {}, {})",
            r.from,
            r.to,
            r.title,
            score_move(&r.score),
            rank_phrase(&r.rank)
        );
        field_lines(&mut out, &r.changes);
    }
    for c in &diff.changed {
        let _ = writeln!(
            out,
            "~ {}: score {}, {}",
            c.id,
            score_move(&c.score),
            rank_phrase(&c.rank)
        );
        field_lines(&mut out, &c.changes);
    }
    if let Some(line) = shifted_line(&diff.shifted) {
        let _ = writeln!(out, "~ {line}");
    }
    for t in &diff.themes_added {
        let _ = writeln!(out, "+ theme {}: {}", t.id, t.title);
    }
    for t in &diff.themes_removed {
        let _ = writeln!(out, "- theme {}: {}", t.id, t.title);
    }
    for t in &diff.themes_changed {
        let _ = writeln!(
            out,
            "~ theme {}: score {}, rank {}",
            t.id,
            score_move(&t.score),
            theme_rank_move(&t.rank)
        );
        if !t.joined.is_empty() {
            let _ = writeln!(out, "    joined: {}", list(&t.joined));
        }
        if !t.left.is_empty() {
            let _ = writeln!(out, "    left: {}", list(&t.left));
        }
        field_lines(&mut out, &t.changes);
    }
    for f in &diff.findings {
        let _ = writeln!(
            out,
            "! {}:{}:{}: {} [{}]",
            f.file, f.line, f.column, f.message, f.rule
        );
    }
    out
}

/// Each field change on a line of its own, indented under its entry, values quoted.
pub fn field_lines(out: &mut String, changes: &[FieldChange]) {
    for change in changes {
        let _ = writeln!(
            out,
            "    {}: {:?} → {:?}",
            change.field, change.before, change.after
        );
    }
}
