//! The minijinja environment templates run in: okr's filters, and the limits on a template's
//! work (fuel), on what all documents together write, and on what they hold in memory.

use std::sync::atomic::{AtomicUsize, Ordering};

use minijinja::value::Value;
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior};

use super::chart::{CHART_LIMIT, is_open, quadrant_chart};
use super::templates::Templates;
use crate::error::Error;
use crate::markdown::{code, markdown_inline, mermaid_label};
use crate::portfolio::Portfolio;
use crate::text::{grouped, progress_bar, unit_for};

/// Instructions a template may spend, plus this much per initiative: generous for any real
/// document, and a template that loops for ever stops with an error instead of hanging CI.
const FUEL: u64 = 2_000_000;
const FUEL_PER_INITIATIVE: u64 = 2_000;
/// Charges a filter's work on `bytes` of text against the template's fuel. minijinja charges
/// the strings a filter is given and the value it returns by their size; okr's filters look at
/// every character, several times, so they pay for that on top: at this rate a template's
/// fuel bounds the time its filters take as it bounds its own steps.
fn charge(state: &State, bytes: usize) -> std::result::Result<(), minijinja::Error> {
    state.consume_fuel(bytes as u64 / TEXT_BYTES_PER_FUEL)
}

/// Bytes of text a filter may work through for one fuel (an instruction's cost).
const TEXT_BYTES_PER_FUEL: u64 = 16;

/// A value as text for okr's text filters: none is empty, a string is itself, a number or a
/// boolean its few characters. Anything else (a list, a map) is refused: turned into text its
/// size has no bound that fuel sees (a list repeated lazily, `[x] * n`, is as long as `n`
/// says), so a template joins it first (`| join(", ")`), which minijinja charges for.
fn text<'a>(
    state: &State,
    filter: &str,
    value: &'a Value,
) -> std::result::Result<std::borrow::Cow<'a, str>, minijinja::Error> {
    use minijinja::value::ValueKind;
    let text: std::borrow::Cow<'a, str> = match value.kind() {
        ValueKind::Undefined | ValueKind::None => "".into(),
        ValueKind::String => value.as_str().unwrap_or_default().into(),
        ValueKind::Number | ValueKind::Bool => value.to_string().into(),
        kind => {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "`{filter}` takes text, not a {kind}; join it first, e.g. `| join(\", \") | {filter}`"
                ),
            ));
        }
    };
    charge(state, text.len())?;
    Ok(text)
}

pub(super) fn environment(templates: Templates, portfolio: &Portfolio) -> Environment<'static> {
    let mut env = text_environment(templates, portfolio.initiatives.len());
    let (max_impact, max_cost) = (
        portfolio.config.scales.impact.max(),
        portfolio.config.scales.cost.max(),
    );
    env.add_filter("quadrant_chart", move |state: &State, items: Value| {
        // Items are read until the chart has its open ones: a list repeated lazily is never
        // made whole, and each item passed over costs fuel, so a list of closed work that
        // never ends runs out of it.
        let mut shown: Vec<Value> = Vec::with_capacity(CHART_LIMIT);
        for item in items.try_iter()? {
            state.consume_fuel(1)?;
            if is_open(&item) {
                shown.push(item);
                if shown.len() == CHART_LIMIT {
                    break;
                }
            }
        }
        Ok(quadrant_chart(&shown, max_impact, max_cost))
    });
    env
}

/// The environment with okr's text filters, its fuel sized for `initiatives`: what every
/// document needs, a team's or the org's.
pub(super) fn text_environment(templates: Templates, initiatives: usize) -> Environment<'static> {
    let mut env = Environment::new();
    let mut syntax = minijinja::syntax::SyntaxConfig::builder();
    syntax
        .keep_trailing_newline(true)
        .trim_blocks(true)
        .lstrip_blocks(true);
    env.set_syntax(syntax.build().expect("the default delimiters are valid"));
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL + FUEL_PER_INITIATIVE * initiatives as u64));
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_loader(move |name| Ok(templates.get(name)));
    env.add_filter("md", |state: &State, value: Value| {
        Ok(markdown_inline(&text(state, "md", &value)?))
    });
    env.add_filter("cell", |state: &State, value: Value| {
        let cell = markdown_inline(&text(state, "cell", &value)?);
        Ok(if cell.is_empty() {
            "-".to_owned()
        } else {
            cell
        })
    });
    env.add_filter("code", |state: &State, value: Value| {
        Ok(code(&text(state, "code", &value)?))
    });
    env.add_filter("mermaid_label", |state: &State, value: Value| {
        Ok(mermaid_label(&text(state, "mermaid_label", &value)?))
    });
    // A no-break space before the percentage: a narrow table cell never wraps it under the bar.
    env.add_filter("bar", |value: Value| {
        progress_bar(f64::try_from(value).ok()).replace(' ', "\u{a0}")
    });
    // Words after a symbol whose shape tells the health apart without colour, kept on one line.
    env.add_filter("health", |state: &State, value: Value| {
        if value.is_none() || value.is_undefined() {
            return Ok("-".to_owned());
        }
        let name = text(state, "health", &value)?;
        Ok(match crate::model::Health::parse(&name) {
            Some(health) => health.label().replace(' ', "\u{a0}"),
            None => markdown_inline(&name),
        })
    });
    env.add_filter("percent", |value: Value| {
        crate::text::percent(f64::try_from(value).ok())
    });
    // A grade at close: one decimal, `-` for dropped work, which has none.
    env.add_filter("grade", |value: Value| match f64::try_from(value) {
        Ok(grade) if grade.is_finite() => format!("{grade:.1}"),
        _ => "-".to_owned(),
    });
    env.add_filter("score", |value: Value| {
        crate::text::score(f64::try_from(value).unwrap_or(0.0))
    });
    env.add_filter("count", |n: usize, noun: String| {
        crate::text::count(n, &noun)
    });
    env.add_filter("num", |state: &State, value: Value| {
        match f64::try_from(value.clone()) {
            Ok(n) => Ok(grouped(n)),
            Err(_) => Ok(text(state, "num", &value)?.into_owned()),
        }
    });
    env.add_filter(
        "quantity",
        |state: &State, value: Value, unit: Option<Value>| {
            let Ok(n) = f64::try_from(value.clone()) else {
                return Ok(markdown_inline(&text(state, "quantity", &value)?));
            };
            let unit = match &unit {
                Some(unit) => text(state, "quantity", unit)?,
                None => "".into(),
            };
            let unit = markdown_inline(unit_for(n, unit.trim()));
            Ok(match unit.as_str() {
                "" => grouped(n),
                // `40%`, not `40 %`.
                "%" => format!("{}%", grouped(n)),
                unit => format!("{} {unit}", grouped(n)),
            })
        },
    );
    env.add_filter("link", |state: &State, value: Value| {
        let link = text(state, "link", &value)?;
        Ok(autolink(&link).unwrap_or_else(|| code(&link)))
    });
    env
}

/// A web address as a Markdown autolink (`<https://…>`), when it is one: `http` or `https`, and
/// only characters a URL may hold unescaped (no space, `<`, `>`, backtick, quote or control).
/// Anything else is not a link okr writes.
pub(super) fn autolink(text: &str) -> Option<String> {
    let scheme = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let fits = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&()*+,;=%".contains(c);
    (!scheme.is_empty() && text.chars().all(fits)).then(|| format!("<{text}>"))
}

/// What all documents together may weigh: far more than any portfolio's documents need. The
/// budget is of all of them, not of each: finished documents are held until every one is
/// rendered, and then written, so a bound per document would let many small themes add up to
/// gigabytes in memory and on disk.
pub(super) const OUTPUT_LIMIT: usize = 16 << 20;
pub(super) const OUTPUT_PER_INITIATIVE: usize = 16 << 10;
/// What all renderings together may hold at once, beyond what okr held before.
pub(super) const MEMORY_LIMIT: usize = 48 << 20;
pub(super) const MEMORY_PER_INITIATIVE: usize = 32 << 10;

/// A document in the making, refused once all documents together pass the output limit: the
/// engine counts what it writes only after each step, and one step can write a value of any
/// size. Documents render side by side, so the count is shared and charged as bytes come.
pub(super) struct LimitedOutput<'a> {
    pub(super) bytes: Vec<u8>,
    /// Bytes written by every document so far.
    pub(super) total: &'a AtomicUsize,
    /// Bytes written so far by the documents of this one's template.
    pub(super) by_template: &'a AtomicUsize,
    pub(super) limit: usize,
    /// Set when this document's write passed the limit.
    pub(super) over: bool,
}

impl std::io::Write for LimitedOutput<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let before = self.total.fetch_add(buf.len(), Ordering::Relaxed);
        self.by_template.fetch_add(buf.len(), Ordering::Relaxed);
        if before.saturating_add(buf.len()) > self.limit {
            self.over = true;
            return Err(std::io::Error::other("the documents are too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(super) fn template_error(name: &str, error: &minijinja::Error) -> Error {
    let mut message = match error.kind() {
        ErrorKind::UndefinedError => format!("undefined value: {}", error.detail().unwrap_or("")),
        ErrorKind::OutOfFuel => "the template does too much work; it may loop for ever".to_owned(),
        _ => error.to_string(),
    };
    let at = error.name().unwrap_or(name);
    if let Some(line) = error.line() {
        message = format!("line {line} of `{at}`: {message}");
    }
    Error::Template {
        name: name.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::autolink;

    #[test]
    fn only_plain_web_addresses_become_links() {
        assert_eq!(
            autolink("https://example.com/a?b=1#c").as_deref(),
            Some("<https://example.com/a?b=1#c>")
        );
        for text in [
            "https://",
            "ftp://example.com",
            "javascript:alert(1)",
            "https://x.com/<b>",
            "https://x.com/a b",
            "https://x.com/`",
            "https://x.com/\"",
            "see https://x.com",
        ] {
            assert_eq!(autolink(text), None, "{text}");
        }
    }
}
