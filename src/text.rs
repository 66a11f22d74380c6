//! Values written as text for people, the same in every view (documents, tables, the diff,
//! history): numbers, scores, percentages, progress bars, long text cut to one short line.

/// A count and its noun, in the plural unless the count is one: "1 error", "2 errors".
/// For the nouns okr counts, which all take an `s`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A number as a person writes it: no `.0` on whole numbers, at most three decimals.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// [`number`] with its whole part in groups of three (`9,500`, `1,250,000.5`), for documents.
/// Below 1,000 it is [`number`] itself.
pub fn grouped(value: f64) -> String {
    let text = number(value);
    if value.abs() < 1_000.0 || value.abs() >= 1e15 {
        return text;
    }
    let (sign, rest) = text.split_at(usize::from(text.starts_with('-')));
    let (whole, fraction) = rest.split_at(rest.find('.').unwrap_or(rest.len()));
    let mut out = String::from(sign);
    for (n, digit) in whole.chars().enumerate() {
        if n > 0 && (whole.len() - n) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out.push_str(fraction);
    out
}

/// A unit as written after `value`: a plural word for a count unit turns singular for exactly
/// one (`1 day`, `2 days`). Only lowercase words of three letters or more that end in one `s`
/// change, so `ms`, `kbps`, `EUR` and `req/s` never do.
pub fn unit_for(value: f64, unit: &str) -> &str {
    let word = unit.len() >= 3
        && unit.bytes().all(|b| b.is_ascii_lowercase())
        && unit.ends_with('s')
        && !unit.ends_with("ss")
        && !unit.ends_with("ps");
    if value.abs() == 1.0 && word {
        &unit[..unit.len() - 1]
    } else {
        unit
    }
}

/// Scores as tables print them.
pub fn score(score: f64) -> String {
    format!("{score:.2}")
}

pub fn percent(progress: Option<f64>) -> String {
    progress.map_or_else(|| "-".to_owned(), |p| format!("{:.0}%", p * 100.0))
}

/// A progress bar of ten cells and a percentage, e.g. `▓▓▓▓░░░░░░ 40%`.
pub fn progress_bar(progress: Option<f64>) -> String {
    match progress {
        None => "no key results".to_owned(),
        Some(p) => {
            let p = p.clamp(0.0, 1.0);
            let filled = (p * 10.0).round() as usize;
            format!(
                "{}{} {:.0}%",
                "▓".repeat(filled),
                "░".repeat(10 - filled),
                p * 100.0
            )
        }
    }
}

/// Cuts text to `max` characters, marking the cut, and keeps it on one line.
pub fn cut(text: &str, max: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `text` without surrounding whitespace, reusing it when there is none.
pub(crate) fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(2, "warning"), "2 warnings");
    }

    #[test]
    fn bars_and_numbers() {
        assert_eq!(progress_bar(Some(0.43)), "▓▓▓▓░░░░░░ 43%");
        assert_eq!(progress_bar(None), "no key results");
        assert_eq!(number(120.0), "120");
        assert_eq!(number(0.8), "0.8");
        assert_eq!(number(1.0 / 3.0), "0.333");
    }

    #[test]
    fn big_numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(999.5), "999.5");
        assert_eq!(grouped(9500.0), "9,500");
        assert_eq!(grouped(18_000.0), "18,000");
        assert_eq!(grouped(-1_250_000.5), "-1,250,000.5");
        assert_eq!(grouped(123_456.0), "123,456");
        assert_eq!(grouped(0.25), "0.25");
    }

    #[test]
    fn one_of_a_unit_is_singular() {
        assert_eq!(unit_for(1.0, "days"), "day");
        assert_eq!(unit_for(2.0, "days"), "days");
        assert_eq!(unit_for(0.0, "incidents"), "incidents");
        assert_eq!(unit_for(-1.0, "deploys"), "deploy");
        for unit in ["ms", "kbps", "EUR", "req/s", "%", "min", "class"] {
            assert_eq!(unit_for(1.0, unit), unit);
        }
    }

    #[test]
    fn cells_stay_on_one_line_and_short() {
        assert_eq!(cut("a\nb  c", 10), "a b c");
        assert_eq!(cut("abcdef", 4), "abc…");
    }
}
