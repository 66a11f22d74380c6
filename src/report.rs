//! Printing findings: as rustc does for people, as workflow commands for GitHub, as JSON.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use crate::finding::{Finding, Severity, Texts, position};
use crate::output::terminal_safe;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The source line with a caret, as rustc prints.
    Human,
    /// `{"findings": [...], "errors": N, "warnings": N}`.
    Json,
    /// `::error file=...` workflow commands that annotate a pull request.
    Github,
}

/// A finding with its place resolved to lines and columns (from 1).
#[derive(Debug, Clone, Serialize)]
pub struct Located<'a> {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

pub fn locate<'a>(finding: &'a Finding, texts: &Texts) -> Located<'a> {
    let (start, end) = match (&finding.span, texts.get(&finding.file)) {
        (Some(span), Some(text)) => (position(text, span.start), position(text, span.end)),
        _ => {
            let first = crate::finding::Position { line: 1, column: 1 };
            (first, first)
        }
    };
    Located {
        rule: finding.rule.code(),
        severity: finding.severity,
        file: &finding.file,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: &finding.message,
        help: finding.help.as_deref(),
    }
}

pub fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}

/// Writes every finding in `format`.
pub fn findings(
    out: &mut dyn Write,
    format: Format,
    findings: &[Finding],
    texts: &Texts,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human(out, findings, texts, color),
        Format::Github => github(out, findings, texts),
        Format::Json => json(out, findings, texts),
    }
}

fn human(out: &mut dyn Write, findings: &[Finding], texts: &Texts, color: bool) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for finding in findings {
        let level = match finding.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // A finding quotes the repository's text: what a terminal would act on is escaped.
        let file = terminal_safe(&finding.file);
        let title = level
            .primary_title(terminal_safe(&finding.message))
            .id(finding.rule.code());
        let mut group = match (&finding.span, texts.get(&finding.file)) {
            (Some(span), Some(text)) => {
                // Only the lines the span covers: a 1 MiB file with many findings must not be
                // laid out again for each one.
                let span = char_span(text, span);
                let first = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
                let last = text[span.end..]
                    .find('\n')
                    .map_or(text.len(), |i| span.end + i);
                let line = text.as_bytes()[..first]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                // Escaping is per character, so the span's ends move by what precedes them.
                let start = terminal_safe(&text[first..span.start]).len();
                let end = start + terminal_safe(&text[span.clone()]).len();
                title.element(
                    Snippet::source(terminal_safe(&text[first..last]))
                        .line_start(line)
                        .path(file.clone())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            _ => title.element(Origin::path(file.clone())),
        };
        if let Some(help) = &finding.help {
            group = group.element(Level::HELP.message(terminal_safe(help)));
        }
        let report: [Group<'_>; 1] = [group];
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    Ok(())
}

/// A span clamped to the text and widened to whole characters.
fn char_span(text: &str, span: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// GitHub workflow commands escape `%`, CR and LF in messages, and also `:` and `,` in properties;
/// the log shows them, so what a terminal would act on is escaped first.
fn escape_data(text: &str) -> String {
    terminal_safe(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn github(out: &mut dyn Write, findings: &[Finding], texts: &Texts) -> io::Result<()> {
    for finding in findings {
        let at = locate(finding, texts);
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(at.file),
            at.line,
            at.column,
            at.end_line,
            at.end_column,
            escape_property(&format!("okr {}", at.rule)),
            escape_data(&message),
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Vec<Located<'a>>,
    errors: usize,
    warnings: usize,
}

fn json(out: &mut dyn Write, findings: &[Finding], texts: &Texts) -> io::Result<()> {
    let (errors, warnings) = counts(findings);
    let report = JsonReport {
        findings: findings.iter().map(|f| locate(f, texts)).collect(),
        errors,
        warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Rule;
    use std::sync::Arc;

    fn sample() -> (Vec<Finding>, Texts) {
        let text = "title = \"x\"\nimpact = \"hgh\"\n";
        let mut texts = Texts::new();
        texts.insert("initiatives/a.toml".into(), Arc::from(text));
        let mut finding = Finding::new(
            Rule::UnknownLevel,
            "initiatives/a.toml",
            Some(21..26),
            "unknown impact level `hgh`, 100%".into(),
        )
        .with_help("did you mean `high`?".to_owned());
        finding.severity = Severity::Warning;
        (vec![finding], texts)
    }

    #[test]
    fn github_lines_carry_the_place_and_escape_the_message() {
        let (findings, texts) = sample();
        let mut out = Vec::new();
        github(&mut out, &findings, &texts).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::warning file=initiatives/a.toml,line=2,col=10,endLine=2,endColumn=15,title=okr unknown-level::unknown impact level `hgh`, 100%25%0Ahelp: did you mean `high`?\n"
        );
    }

    #[test]
    fn human_output_shows_the_line_and_a_caret() {
        let (findings, texts) = sample();
        let mut out = Vec::new();
        human(&mut out, &findings, &texts, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("warning[unknown-level]: unknown impact level `hgh`"),
            "{text}"
        );
        assert!(text.contains("initiatives/a.toml:2:10"), "{text}");
        assert!(text.contains("impact = \"hgh\""), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `high`?"), "{text}");
    }
}
