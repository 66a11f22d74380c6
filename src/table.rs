//! The `list` and `themes` views: aligned tables for terminals, JSON for scripts.

use serde::Serialize;

use crate::error::Result;
use crate::portfolio::{Portfolio, Ranked};
use crate::text::{cut, number, percent, score, to_json};

/// Left-aligned columns, numbers right-aligned, two spaces apart. Cells hold the repository's
/// text: what a terminal would act on is escaped before it is measured.
pub fn layout(header: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
    use crate::output::terminal_safe;
    // Copied only when a cell needs it: tables of 100,000 rows are laid out too.
    let escaped: Option<Vec<Vec<String>>> = rows
        .iter()
        .flatten()
        .any(|cell| matches!(terminal_safe(cell), std::borrow::Cow::Owned(_)))
        .then(|| {
            rows.iter()
                .map(|row| row.iter().map(|c| terminal_safe(c).into_owned()).collect())
                .collect()
        });
    let rows = escaped.as_deref().unwrap_or(rows);
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            let pad = widths[index].saturating_sub(cell.chars().count());
            if index > 0 {
                line.push_str("  ");
            }
            if numeric[index] {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if index + 1 < row.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The initiatives as a table; `rows` come as the portfolio holds them, so the ranked ones
/// come first, and a blank line sets the done and dropped ones (rank `-`) apart below them.
pub fn initiatives(rows: &[&Ranked]) -> String {
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
                cut(&i.title, 48),
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
    let table = layout(&header, &numeric, &cells);
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

#[derive(Serialize)]
struct InitiativeRow<'a> {
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
    let rows: Vec<InitiativeRow<'_>> = rows
        .iter()
        .map(|r| {
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
        })
        .collect();
    to_json(&rows)
}

pub fn themes(portfolio: &Portfolio) -> String {
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
                cut(&t.theme.title, 48),
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
    let mut out = layout(&header, &numeric, &cells);
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
}
