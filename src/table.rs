//! The `list` and `themes` views: aligned tables for terminals, JSON for scripts.

use serde::Serialize;

use crate::error::Result;
use crate::json::to_json;
use crate::portfolio::{Portfolio, Ranked};
use crate::text::{cut, number, percent, score};

/// Left-aligned columns, numbers right-aligned, two spaces apart, as wide as their content.
pub fn layout(header: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
    fit(header, numeric, rows, None, None)
}

/// [`layout`] within `width` columns of a terminal, when it is given: widths are display
/// widths (a CJK character or an emoji takes two columns), and the `cut` column (the title)
/// gives up its width first, each of its cells cut to one line with `…`. Without a width (a
/// pipe, a file) every value is kept whole. Cells hold the repository's text: what a terminal
/// would act on is escaped before it is measured.
pub fn fit(
    header: &[&str],
    numeric: &[bool],
    rows: &[Vec<String>],
    width: Option<u16>,
    cut: Option<usize>,
) -> String {
    use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Row, Table, Width};

    use crate::output::terminal_safe;
    let mut table = Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    table.set_header(header.iter().copied());
    for row in rows {
        let mut row: Row = row
            .iter()
            .map(|cell| terminal_safe(cell))
            .collect::<Vec<_>>()
            .into();
        row.max_height(1);
        table.add_row(row);
    }
    let last = header.len().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 2 }));
        if numeric[index] {
            column.set_cell_alignment(CellAlignment::Right);
        }
        // Only the column that may be cut gives up width; a title keeps at least a few words.
        column.set_constraint(if Some(index) == cut {
            ColumnConstraint::LowerBoundary(Width::Fixed(12))
        } else {
            ColumnConstraint::ContentWidth
        });
    }
    if let Some(width) = width {
        table.set_width(width);
        table.set_content_arrangement(ContentArrangement::Dynamic);
        table.set_truncation_indicator("…");
    } else {
        table.set_content_arrangement(ContentArrangement::Disabled);
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The width of the terminal that standard output is, or `None` when it is none (a pipe, a
/// file): tables then keep every value whole.
pub fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(terminal_size::Width(width), _)| width)
}

/// The initiatives as a table; `rows` come as the portfolio holds them, so the ranked ones
/// come first, and a blank line sets the done and dropped ones (rank `-`) apart below them.
pub fn initiatives(rows: &[&Ranked], width: Option<u16>) -> String {
    let header = [
        "rank",
        "id",
        "title",
        "owner",
        "impact",
        "cost",
        "confidence",
        "status",
        "score",
        "themes",
    ];
    let numeric = [
        true, false, false, false, false, false, false, false, true, false,
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let i = &r.initiative;
            vec![
                r.rank
                    .map_or_else(|| "-".to_owned(), |rank| rank.to_string()),
                i.id.clone(),
                cut(&i.title, usize::MAX),
                cut(&i.owner, 20),
                i.impact.name.clone(),
                i.cost.name.clone(),
                i.confidence.name.clone(),
                i.status.to_string(),
                score(r.score),
                if r.themes.is_empty() {
                    "-".to_owned()
                } else {
                    r.themes.join(", ")
                },
            ]
        })
        .collect();
    let table = fit(&header, &numeric, &cells, width, Some(2));
    let ranked = rows.iter().take_while(|r| r.rank.is_some()).count();
    if ranked == 0 || ranked == rows.len() {
        return table;
    }
    // After the header and the ranked rows.
    let split = table
        .match_indices('\n')
        .nth(ranked)
        .map_or(table.len(), |(at, _)| at + 1);
    format!("{}\n{}", &table[..split], &table[split..])
}

/// An initiative as `--format json` gives it.
#[derive(Serialize)]
pub(crate) struct InitiativeRow<'a> {
    /// `null` for done and dropped work.
    rank: Option<usize>,
    id: &'a str,
    title: &'a str,
    owner: &'a str,
    tags: &'a [String],
    impact: &'a str,
    cost: &'a str,
    confidence: &'a str,
    status: &'a str,
    score: f64,
    themes: &'a [String],
    supporters: &'a [String],
    period: Option<&'a str>,
    depends_on: &'a [String],
    progress: Option<f64>,
    file: &'a str,
}

pub fn initiatives_json(rows: &[&Ranked]) -> Result<String> {
    let rows: Vec<InitiativeRow<'_>> = rows.iter().map(|r| initiative_row(r)).collect();
    to_json(&rows)
}

pub(crate) fn initiative_row(r: &Ranked) -> InitiativeRow<'_> {
    let i = &r.initiative;
    InitiativeRow {
        rank: r.rank,
        id: &i.id,
        title: &i.title,
        owner: &i.owner,
        tags: &i.tags,
        impact: &i.impact.name,
        cost: &i.cost.name,
        confidence: &i.confidence.name,
        status: i.status.as_str(),
        score: r.score,
        themes: &r.themes,
        supporters: &i.supporters,
        period: i.period.as_deref(),
        depends_on: &i.depends_on,
        progress: r.progress,
        file: &i.file,
    }
}

pub fn themes(portfolio: &Portfolio, width: Option<u16>) -> String {
    let header = [
        "rank",
        "id",
        "title",
        "owner",
        "score",
        "load",
        "progress",
        "initiatives",
    ];
    let numeric = [true, false, false, false, true, true, true, true];
    let cells: Vec<Vec<String>> = portfolio
        .themes
        .iter()
        .map(|t| {
            vec![
                t.rank.to_string(),
                t.theme.id.clone(),
                cut(&t.theme.title, usize::MAX),
                t.theme
                    .owner
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), |o| cut(o, 20)),
                score(t.score),
                number(t.load),
                percent(t.progress),
                t.initiatives.len().to_string(),
            ]
        })
        .collect();
    let mut out = fit(&header, &numeric, &cells, width, Some(2));
    if !portfolio.orphans.is_empty() {
        out.push_str(&format!(
            "\norphans (in no theme): {}\n",
            crate::output::terminal_safe(&portfolio.orphans.join(", "))
        ));
    }
    out
}

#[derive(Serialize)]
struct ThemeRow<'a> {
    rank: usize,
    id: &'a str,
    title: &'a str,
    why: Option<&'a str>,
    owner: Option<&'a str>,
    tags: &'a [String],
    score: f64,
    load: f64,
    progress: Option<f64>,
    initiatives: &'a [String],
    file: &'a str,
}

#[derive(Serialize)]
struct ThemesJson<'a> {
    themes: Vec<ThemeRow<'a>>,
    orphans: &'a [String],
}

pub fn themes_json(portfolio: &Portfolio) -> Result<String> {
    to_json(&ThemesJson {
        themes: portfolio
            .themes
            .iter()
            .map(|t| ThemeRow {
                rank: t.rank,
                id: &t.theme.id,
                title: &t.theme.title,
                why: t.theme.why.as_deref(),
                owner: t.theme.owner.as_deref(),
                tags: &t.theme.tags,
                score: t.score,
                load: t.load,
                progress: t.progress,
                initiatives: &t.initiatives,
                file: &t.theme.file,
            })
            .collect(),
        orphans: &portfolio.orphans,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_numbers_right() {
        let text = layout(
            &["rank", "id"],
            &[true, false],
            &[vec!["1".into(), "a".into()], vec!["10".into(), "bb".into()]],
        );
        assert_eq!(text, "rank  id\n   1  a\n  10  bb\n");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let text = layout(
            &["title", "owner"],
            &[false, false],
            &[
                vec!["数据库".into(), "a".into()],
                vec!["🚀 go".into(), "b".into()],
                vec!["abc".into(), "c".into()],
            ],
        );
        assert_eq!(text, "title   owner\n数据库  a\n🚀 go   b\nabc     c\n");
    }

    #[test]
    fn a_terminal_cuts_the_title_first_and_a_pipe_nothing() {
        let header = ["rank", "id", "title", "themes"];
        let numeric = [true, false, false, false];
        let rows = vec![vec![
            "1".into(),
            "pg-bouncer".into(),
            "Pool every connection to the primary through PgBouncer".into(),
            "data-we-trust, boring-deploys".into(),
        ]];
        let text = fit(&header, &numeric, &rows, Some(70), Some(2));
        let row = text.lines().nth(1).unwrap();
        assert!(row.chars().count() <= 70, "{text}");
        assert!(row.starts_with("   1  pg-bouncer  Pool every"), "{text}");
        assert!(row.contains("…  data-we-trust, boring-deploys"), "{text}");
        let whole = fit(&header, &numeric, &rows, None, Some(2));
        assert!(
            whole.contains("through PgBouncer  data-we-trust"),
            "{whole}"
        );
    }
}
