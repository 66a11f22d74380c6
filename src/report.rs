//! Printing findings: as rustc does for people, as workflow commands for GitHub, as JSON.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use crate::finding::{Finding, Lines, Severity, Texts};
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
    /// The team whose repository holds the file, in an org's check; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<&'a str>,
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
    let (start, end) = match (&finding.span, texts.lines(&finding.place())) {
        (Some(span), Some((text, lines))) => (
            lines.position(text, span.start),
            lines.position(text, span.end),
        ),
        _ => {
            let first = crate::finding::Position { line: 1, column: 1 };
            (first, first)
        }
    };
    Located {
        team: finding.team.as_deref(),
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

/// The errors and warnings among `findings`, counting those a summary stands for.
pub fn counts(findings: &[Finding]) -> (usize, usize) {
    let (mut errors, mut warnings) = (0, 0);
    for finding in findings {
        match finding.severity {
            Severity::Error => errors += finding.count(),
            Severity::Warning => warnings += finding.count(),
        }
    }
    (errors, warnings)
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
        let place = finding.place();
        let file = terminal_safe(&place);
        let title = level
            .primary_title(terminal_safe(&finding.message))
            .id(finding.rule.code());
        let excerpt = match (&finding.span, texts.lines(&place)) {
            (Some(span), Some((text, lines))) => Some(Excerpt::new(text, lines, span).escaped()),
            _ => None,
        };
        let mut group = match &excerpt {
            Some(cut) => title.element(
                Snippet::source(cut.source.as_str())
                    .line_start(cut.line)
                    .path(file.clone())
                    .annotation(AnnotationKind::Primary.span(cut.span.clone())),
            ),
            None => title.element(Origin::path(file.clone())),
        };
        if let Some(help) = &finding.help {
            group = group.element(Level::HELP.message(terminal_safe(help)));
        }
        let report: [Group<'_>; 1] = [group];
        let mut rendered = renderer.render(&report);
        if let Some(excerpt) = &excerpt {
            excerpt.fix_column(&mut rendered, finding);
        }
        writeln!(out, "{rendered}\n")?;
    }
    Ok(())
}

/// The part of a file drawn under a finding: the lines its span covers, or, where that is long
/// (a 1 MiB file on one line, a span over thousands of lines), a window around the span's start.
/// The renderer lays out every character it is given, for every finding: it must be given only
/// what it shows.
struct Excerpt {
    source: String,
    /// The first line's number, from 1.
    line: usize,
    /// The span within `source`.
    span: std::ops::Range<usize>,
    /// The span start's column in the whole line, and in `source` where that differs.
    column: usize,
    drawn_column: usize,
}

/// An excerpt longer than this is cut to a window around the span.
const LONG_EXCERPT: usize = 512;
/// Bytes of the line kept on each side of the span in a window.
const WINDOW: usize = 80;

impl Excerpt {
    fn new(text: &str, lines: &Lines, span: &std::ops::Range<usize>) -> Excerpt {
        let mut span = char_span(text, span);
        let first = lines.line_of(span.start);
        let last = lines.line_of(span.end);
        let mut source = lines.line(text, first).start..lines.line(text, last).end;
        let column = lines.position(text, span.start).column;
        if source.len() <= LONG_EXCERPT {
            return Excerpt {
                source: text[source.clone()].to_owned(),
                line: first + 1,
                span: span.start - source.start..span.end - source.start,
                column,
                drawn_column: column,
            };
        }
        // Long: show the span's first line, near the span, and at most a window of the span.
        let line = lines.line(text, first);
        span.end = span.end.min(line.end);
        span.end = floor_char(text, span.end.min(span.start + LONG_EXCERPT)).max(span.start);
        source.start = floor_char(text, span.start.saturating_sub(WINDOW).max(line.start));
        source.end = ceil_char(text, (span.end + WINDOW).min(line.end));
        let before = if source.start > line.start { "..." } else { "" };
        let after = if source.end < line.end { "..." } else { "" };
        let shown = format!("{before}{}{after}", &text[source.clone()]);
        let start = before.len() + span.start - source.start;
        let drawn_column = shown[..start].chars().count() + 1;
        Excerpt {
            source: shown,
            line: first + 1,
            span: start..start + (span.end - span.start),
            column,
            drawn_column,
        }
    }

    /// The excerpt as a terminal should get it ([`terminal_safe`]): escaping is per character,
    /// so the span's ends move by what the escapes before them added.
    fn escaped(self) -> Excerpt {
        let source = terminal_safe(&self.source);
        if source.len() == self.source.len() {
            return self;
        }
        let start = terminal_safe(&self.source[..self.span.start]).len();
        let end = start + terminal_safe(&self.source[self.span.clone()]).len();
        let drawn_column = source[..start].chars().count() + 1;
        Excerpt {
            source: source.into_owned(),
            span: start..end,
            drawn_column,
            ..self
        }
    }

    /// The renderer numbers columns in what it was given; a window must show the line's.
    fn fix_column(&self, rendered: &mut String, finding: &Finding) {
        if self.column == self.drawn_column {
            return;
        }
        // The renderer was given the file name and message escaped for a terminal.
        let place = finding.place();
        let file = terminal_safe(&place);
        let message = terminal_safe(&finding.message);
        let drawn = format!("{file}:{}:{}", self.line, self.drawn_column);
        // After the title, whose message could hold the same text.
        let from = rendered
            .find(message.as_ref())
            .map_or(0, |at| at + message.len());
        if let Some(at) = rendered[from..].find(&drawn) {
            let at = from + at;
            let real = format!("{file}:{}:{}", self.line, self.column);
            rendered.replace_range(at..at + drawn.len(), &real);
        }
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
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
        if let Some(team) = at.team {
            // A file of another repository: an annotation's `file` names a file of the
            // repository the workflow runs in, which this is not (an org repository may even
            // have a file of that name). The place goes in the title and the message instead,
            // so the annotation shows on the run's summary, not on a wrong line.
            let place = format!("{team}: {}:{}:{}", at.file, at.line, at.column);
            writeln!(
                out,
                "::{command} title={}::{}",
                escape_property(&format!("okr {} in {team}", at.rule)),
                escape_data(&format!("{place}: {message}")),
            )?;
            continue;
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
    fn a_teams_finding_names_the_team_in_every_format() {
        let (mut findings, texts) = sample();
        findings[0].team = Some("payments".into());
        let texts = texts.prefixed("payments: ");
        let mut out = Vec::new();
        human(&mut out, &findings, &texts, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("payments: initiatives/a.toml:2:10"), "{text}");
        assert!(text.contains("impact = \"hgh\""), "{text}");

        let mut out = Vec::new();
        json(&mut out, &findings, &texts).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let finding = &value["findings"][0];
        assert_eq!(finding["team"], "payments");
        assert_eq!(finding["file"], "initiatives/a.toml");
        assert_eq!(finding["line"], 2);

        let mut out = Vec::new();
        github(&mut out, &findings, &texts).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::warning title=okr unknown-level in payments::payments: initiatives/a.toml:2:10: unknown impact level `hgh`, 100%25%0Ahelp: did you mean `high`?\n"
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
