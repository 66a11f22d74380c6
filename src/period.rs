//! Planning periods: `2026`, `2026-H1`, `2026-Q3`.

use std::fmt;

use toml::Spanned;

use crate::finding::{Finding, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    Year(u16),
    Half(u16, u8),
    Quarter(u16, u8),
}

impl Period {
    pub fn parse(text: &str) -> Option<Period> {
        let (year, part) = match text.split_once('-') {
            Some((year, part)) => (year, Some(part)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u16 = year.parse().ok()?;
        let Some(part) = part else {
            return Some(Period::Year(year));
        };
        let mut chars = part.chars();
        let (kind, number) = (chars.next()?, chars.next()?.to_digit(10)?);
        if chars.next().is_some() {
            return None;
        }
        let number = u8::try_from(number).ok()?;
        match kind {
            'Q' if (1..=4).contains(&number) => Some(Period::Quarter(year, number)),
            'H' if (1..=2).contains(&number) => Some(Period::Half(year, number)),
            _ => None,
        }
    }

    /// The quarter that today falls in (UTC).
    pub fn current() -> Period {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let (year, month, _) = civil_date(seconds / 86_400);
        let year = u16::try_from(year).unwrap_or(2026);
        Period::Quarter(year, u8::try_from((month - 1) / 3 + 1).unwrap_or(1))
    }

    /// The `bad-period` finding for a value that does not parse.
    pub fn finding(file: &str, value: &Spanned<String>) -> Finding {
        let help = match value.get_ref().to_uppercase() {
            upper if Period::parse(&upper).is_some() => format!("did you mean `{upper}`?"),
            _ => "write a year (`2026`), a half (`2026-H2`) or a quarter (`2026-Q1`)".to_owned(),
        };
        Finding::new(
            Rule::BadPeriod,
            file,
            Some(value.span()),
            format!("`{}` is not a period", value.get_ref()),
        )
        .with_help(help)
    }
}

/// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn civil_date(days: u64) -> (i64, u32, u32) {
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_print_back() {
        for text in ["2026", "2026-H2", "2026-Q1", "1999-Q4"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
        for text in [
            "26", "2026-Q5", "2026-H3", "2026-q1", "2026-Q", "2026-Q12", "Q1-2026", "",
        ] {
            assert_eq!(Period::parse(text), None, "{text}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(20_517), (2026, 3, 5));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
    }

    #[test]
    fn lowercase_gets_a_suggestion() {
        let finding = Period::finding("a.toml", &Spanned::new(0..9, "2026-q1".to_owned()));
        assert_eq!(finding.help.as_deref(), Some("did you mean `2026-Q1`?"));
    }
}
