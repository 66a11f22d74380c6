//! Text made safe for a GitHub Markdown document or comment: escaping for one line of
//! Markdown, inline code spans (in a table cell too), and labels that Mermaid charts read as
//! plain text. Every view that writes Markdown (the documents, the pull-request comment) escapes
//! here.

use std::fmt::Write as _;

use crate::output::{acts_on_a_terminal, terminal_safe};
use crate::text::cut;

/// Chart labels are cut to about this many characters.
pub const LABEL_LIMIT: usize = 40;

/// Escapes text for one line of Markdown: a table cell, a heading, a paragraph, link text.
/// Newlines become spaces; characters that Markdown or HTML would act on are backslash-escaped.
pub fn markdown_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // How many `w`s end the text so far, for `www.`.
    let mut ws = 0;
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
            ws = 0;
        }
        for (i, c) in word.char_indices() {
            // `scheme://`, `user@host` and `www.` would become links (GitHub's autolinks), so
            // text from an input file reads as the text it is.
            let autolink = match c {
                ':' => word[i + 1..].starts_with("//"),
                '.' => ws >= 3,
                _ => false,
            };
            // No escape keeps `@name` from mentioning someone on GitHub or `a@b.c` from
            // becoming a mail link: both are found in the rendered text. A zero-width space
            // after the `@` breaks both and shows nothing.
            if c == '@' {
                out.push_str("@\u{200B}");
                ws = 0;
                continue;
            }
            // A control or bidi character would act on a reader's terminal or reorder the
            // text around it (in a review comment too): shown as its escape, `\u{1b}`, with
            // the backslash escaped for Markdown.
            if acts_on_a_terminal(c) {
                let _ = write!(out, "\\\\u{{{:x}}}", u32::from(c));
                ws = 0;
                continue;
            }
            // GitHub links `#123`, `owner/repo#123` and `GH-123` to issues (and tells the
            // issue it was mentioned) in the rendered text, where a backslash is gone: a
            // zero-width space between the marker and the number breaks the reference.
            let digit_follows = word[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit());
            // Only the two bytes before the `-` are looked at, not the word so far: a word of
            // `-1-1-1…` would take time that grows with its square.
            let gh = i >= 2 && word.as_bytes()[i - 2..i].eq_ignore_ascii_case(b"gh");
            if c == '-' && digit_follows && gh {
                out.push('\u{200B}');
            }
            if autolink
                || matches!(
                    c,
                    '\\' | '`'
                        | '*'
                        | '_'
                        | '['
                        | ']'
                        | '<'
                        | '>'
                        | '|'
                        | '#'
                        | '~'
                        | '!'
                        | '$'
                        | '&'
                )
            {
                out.push('\\');
            }
            out.push(c);
            if c == '#' && digit_follows {
                out.push('\u{200B}');
            }
            ws = if c.eq_ignore_ascii_case(&'w') {
                ws + 1
            } else {
                0
            };
        }
    }
    // A cell or line that starts with these would become a list or a heading rule.
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    // `1.` and `1)` open an ordered list: escape the punctuation (a backslash before a digit
    // is no escape in Markdown, it would show).
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// Whether `name` is a GitHub login: letters, digits and single inner hyphens, at most 39.
fn is_login(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 39
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// A person named in a comment or an issue: `@login`, which notifies them, when `mention`
/// (`[team].github`) and the name is a login; else the name as text, which mentions no one.
pub fn person(name: &str, mention: bool) -> String {
    if mention && is_login(name) {
        format!("@{name}")
    } else {
        markdown_inline(name)
    }
}

/// An inline code span that no backtick in the text can close early. Empty text gives a span
/// of one space: two backticks alone would show as text.
pub fn code(text: &str) -> String {
    // Inside a code span a backslash is itself, so a control character's escape reads as is.
    let text = terminal_safe(text);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return "` `".to_owned();
    }
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if line.starts_with('`') || line.ends_with('`') {
        format!("{fence} {line} {fence}")
    } else {
        format!("{fence}{line}{fence}")
    }
}

/// [`code`] for a table cell: GFM splits a row into cells at every `|` not escaped by a
/// backslash before it reads code spans, and takes `\|` back to `|` inside them, so each `|`
/// is escaped (a backslash before it stays as it is: `a\` `|` reads `a\|`).
pub fn code_cell(text: &str) -> String {
    code(text).replace('|', "\\|")
}

/// A piece of work in a table cell: its title, escaped, and its id as code (`title (`id`)`).
pub fn work_cell(title: &str, id: &str) -> String {
    format!("{} ({})", markdown_inline(title), code_cell(id))
}

/// A GFM table: `header` (`| A | B |`), its delimiter row, then `rows`, each a line.
pub fn table(out: &mut String, header: &str, rows: &[String]) {
    let columns = header.matches('|').count() - 1;
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "|{}", " --- |".repeat(columns));
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
}

/// A label Mermaid reads as plain text: letters, digits and a little punctuation, cut short.
pub fn mermaid_label(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/' | '+') {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = cut(&words, LABEL_LIMIT).replace('…', "...");
    if cut.is_empty() {
        "untitled".to_owned()
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_text_cannot_break_a_table_or_inject_html() {
        assert_eq!(markdown_inline("a | b\nc"), "a \\| b c");
        assert_eq!(
            markdown_inline("<script>x</script>"),
            "\\<script\\>x\\</script\\>"
        );
        assert_eq!(markdown_inline("[x](y)"), "\\[x\\](y)");
        assert_eq!(markdown_inline("- item"), "\\- item");
        assert_eq!(markdown_inline("# h"), "\\# h");
        assert_eq!(markdown_inline("1) one"), "1\\) one");
        assert_eq!(markdown_inline("2026. Year"), "2026\\. Year");
        assert_eq!(markdown_inline("3.5 days"), "3\\.5 days");
    }

    #[test]
    fn inline_text_does_not_become_a_link() {
        assert_eq!(
            markdown_inline("see https://x.org or WWW.x.org, ask a@b.c: now"),
            "see https\\://x.org or WWW\\.x.org, ask a@\u{200B}b.c: now"
        );
        assert_eq!(markdown_inline("@octocat"), "@\u{200B}octocat");
    }

    #[test]
    fn inline_text_does_not_reference_an_issue() {
        assert_eq!(
            markdown_inline("Fixes #1, see torvalds/linux#22 and GH-3, gh-4"),
            "Fixes \\#\u{200B}1, see torvalds/linux\\#\u{200B}22 and GH\u{200B}-3, gh\u{200B}-4"
        );
        // Only before a number: a heading marker, `C#` and `GH-pages` stay as they were.
        assert_eq!(
            markdown_inline("C# and #x and GH-pages"),
            "C\\# and \\#x and GH-pages"
        );
    }

    #[test]
    fn control_and_bidi_characters_show_as_escapes() {
        assert_eq!(
            markdown_inline("a\u{1b}[31mb\u{202e}c\u{9b}"),
            "a\\\\u{1b}\\[31mb\\\\u{202e}c\\\\u{9b}"
        );
        assert_eq!(code("a\u{1b}b\u{7}"), "`a\\u{1b}b\\u{7}`");
    }

    #[test]
    fn mermaid_labels_are_plain() {
        assert_eq!(mermaid_label("Say \"hi\": [x] {y} (z); %%"), "Say hi x y z");
        assert_eq!(mermaid_label(""), "untitled");
        assert!(mermaid_label(&"word ".repeat(30)).chars().count() <= LABEL_LIMIT + 2);
    }

    #[test]
    fn code_spans() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "` `");
        assert_eq!(code_cell("a|b\\"), "`a\\|b\\`");
    }
}
