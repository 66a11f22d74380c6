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

    /// Its first and last month, counted from January of year 0.
    fn months(self) -> (u32, u32) {
        let (year, first, length) = match self {
            Period::Year(y) => (y, 0, 12),
            Period::Half(y, h) => (y, u32::from(h - 1) * 6, 6),
            Period::Quarter(y, q) => (y, u32::from(q - 1) * 3, 3),
        };
        let start = u32::from(year) * 12 + first;
        (start, start + length - 1)
    }

    /// Whether the two share a month: `2026` overlaps `2026-Q1`, `2026-H1` does not overlap
    /// `2026-Q3`.
    pub fn overlaps(self, other: Period) -> bool {
        let ((start, end), (other_start, other_end)) = (self.months(), other.months());
        start <= other_end && other_start <= end
    }

    /// Its first and last day, as days since 1970-01-01.
    pub fn days(self) -> (u64, u64) {
        let (first, last) = self.months();
        let day = |month: u32| days_from_civil(i64::from(month / 12), month % 12 + 1, 1);
        (day(first), day(last + 1) - 1)
    }

    /// The share of it elapsed by the end of `day` (days since 1970-01-01): 0 before it
    /// begins, 1 from its last day on. This is the pace its key results are held to.
    pub fn elapsed(self, day: u64) -> f64 {
        let (first, last) = self.days();
        if day < first {
            return 0.0;
        }
        let done = (day - first + 1).min(last - first + 1);
        done as f64 / (last - first + 1) as f64
    }

    /// Whether every month of it lies in `other`: `2026-Q1` lies within `2026-H1` and `2026`.
    pub fn within(self, other: Period) -> bool {
        let ((start, end), (other_start, other_end)) = (self.months(), other.months());
        other_start <= start && end <= other_end
    }

    /// The period of the same length that comes right after it: `2026-Q4` → `2027-Q1`.
    pub fn following(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y.saturating_add(1)),
            Period::Half(y, 2) => Period::Half(y.saturating_add(1), 1),
            Period::Half(y, h) => Period::Half(y, h + 1),
            Period::Quarter(y, 4) => Period::Quarter(y.saturating_add(1), 1),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1),
        }
    }

    /// Whether it was over before `other` began.
    pub fn ended_before(self, other: Period) -> bool {
        self.months().1 < other.months().0
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

/// The initiatives a view shows by their period: those of one period, or all. An initiative
/// without a period belongs to every period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    All,
    Of(Period),
}

impl View {
    /// The view that `--period` asks for (a period, or `all`); without it, the team's current
    /// period, or all when the team has none. Gives the message of a value that is neither.
    pub fn choose(asked: Option<&str>, current: Option<&str>) -> Result<View, String> {
        match asked.or(current) {
            None | Some("all") => Ok(View::All),
            Some(text) => Period::parse(text).map(View::Of).ok_or_else(|| {
                format!("`{text}` is not a period; write `2026`, `2026-H2`, `2026-Q1` or `all`")
            }),
        }
    }

    /// Whether an initiative of `period` is in view. A period that does not parse (the
    /// `bad-period` rule reports it) counts as none.
    pub fn shows(self, period: Option<&str>) -> bool {
        match (self, period.and_then(Period::parse)) {
            (View::Of(view), Some(period)) => view.overlaps(period),
            _ => true,
        }
    }

    /// The period in view; `None` for all.
    pub fn period(self) -> Option<Period> {
        match self {
            View::All => None,
            View::Of(period) => Some(period),
        }
    }
}

/// The day `--as-of` set for this run, when one did.
static AS_OF: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Makes `day` (days since 1970-01-01) today for the rest of the run: `okr check --as-of`, so
/// that the rules that compare with today (`future-checkin`, `unlearned`, `stale`) give the
/// same findings whenever they run. The first call wins.
pub fn set_as_of(day: u64) {
    let _ = AS_OF.set(day);
}

/// The day `--as-of` set, if any.
pub fn as_of() -> Option<u64> {
    AS_OF.get().copied()
}

/// Today (UTC), as days since 1970-01-01, or the day `--as-of` set.
pub fn today() -> u64 {
    as_of().unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400)
    })
}

/// A date written `YYYY-MM-DD`, as days since 1970-01-01; `None` for anything else or a day
/// that does not exist (`2026-02-30`).
pub fn parse_date(text: &str) -> Option<u64> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    let (year, month, day): (i64, u32, u32) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    (civil_date(days) == (year, month, day)).then_some(days)
}

/// A day count since 1970-01-01 written `YYYY-MM-DD`.
pub fn format_date(days: u64) -> String {
    let (year, month, day) = civil_date(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 of a date on or after it (Howard Hinnant's days_from_civil); a day
/// past the month's end runs into the next month.
fn days_from_civil(year: i64, month: u32, day: u32) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u64::try_from(era * 146_097 + doe - 719_468).unwrap_or(0)
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
    fn periods_overlap_when_they_share_a_month() {
        let p = |text| Period::parse(text).unwrap();
        for (a, b) in [
            ("2026", "2026-Q1"),
            ("2026", "2026-Q4"),
            ("2026-H1", "2026-Q2"),
            ("2026-H2", "2026-Q3"),
            ("2026-Q2", "2026-Q2"),
            ("2026", "2026"),
        ] {
            assert!(p(a).overlaps(p(b)), "{a} {b}");
            assert!(p(b).overlaps(p(a)), "{b} {a}");
        }
        for (a, b) in [
            ("2025", "2026-Q1"),
            ("2026-H1", "2026-Q3"),
            ("2026-Q1", "2026-Q2"),
            ("2025-Q4", "2026"),
            ("2026-H2", "2027-H1"),
        ] {
            assert!(!p(a).overlaps(p(b)), "{a} {b}");
            assert!(!p(b).overlaps(p(a)), "{b} {a}");
        }
    }

    #[test]
    fn a_period_ends_before_the_next_begins() {
        let p = |text| Period::parse(text).unwrap();
        assert!(p("2025-Q4").ended_before(p("2026-Q1")));
        assert!(p("2025").ended_before(p("2026-H1")));
        assert!(p("2026-Q1").ended_before(p("2026-Q2")));
        assert!(p("2026-H1").ended_before(p("2026-Q3")));
        // Still running, or not begun.
        assert!(!p("2026").ended_before(p("2026-Q2")));
        assert!(!p("2026-Q2").ended_before(p("2026-H1")));
        assert!(!p("2026-Q1").ended_before(p("2026-Q1")));
        assert!(!p("2026-Q3").ended_before(p("2026-Q2")));
    }

    #[test]
    fn a_view_is_asked_for_or_the_current_period() {
        let q1 = View::Of(Period::Quarter(2026, 1));
        assert_eq!(View::choose(None, Some("2026-Q1")), Ok(q1));
        assert_eq!(View::choose(None, None), Ok(View::All));
        assert_eq!(View::choose(Some("all"), Some("2026-Q1")), Ok(View::All));
        assert_eq!(
            View::choose(Some("2025"), Some("2026-Q1")),
            Ok(View::Of(Period::Year(2025)))
        );
        let error = View::choose(Some("2026-q1"), None).unwrap_err();
        assert!(error.contains("`2026-q1` is not a period"), "{error}");
        assert!(q1.shows(None));
        assert!(q1.shows(Some("2026")));
        assert!(q1.shows(Some("2026-H1")));
        assert!(!q1.shows(Some("2026-Q2")));
        assert!(!q1.shows(Some("2025")));
        assert!(View::All.shows(Some("1999-Q4")));
        assert_eq!(q1.period(), Some(Period::Quarter(2026, 1)));
        assert_eq!(View::All.period(), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(20_517), (2026, 3, 5));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
    }

    #[test]
    fn dates_parse_and_print_back() {
        for text in ["1970-01-01", "2000-02-29", "2026-03-05", "2026-12-31"] {
            assert_eq!(format_date(parse_date(text).unwrap()), text);
        }
        assert_eq!(parse_date("2026-03-05"), Some(20_517));
        for text in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-5",
            "26-01-01",
            "today",
            "",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn the_elapsed_share_counts_days_of_the_period() {
        let day = |text| parse_date(text).unwrap();
        let q1 = Period::Quarter(2026, 1);
        assert_eq!(q1.days(), (day("2026-01-01"), day("2026-03-31")));
        assert_eq!(Period::Year(2024).days().1, day("2024-12-31"));
        assert_eq!(
            Period::Half(2026, 2).days(),
            (day("2026-07-01"), day("2026-12-31"))
        );
        assert_eq!(q1.elapsed(day("2025-12-31")), 0.0);
        assert_eq!(q1.elapsed(day("2026-01-01")), 1.0 / 90.0);
        assert_eq!(q1.elapsed(day("2026-02-14")), 45.0 / 90.0);
        assert_eq!(q1.elapsed(day("2026-03-31")), 1.0);
        assert_eq!(q1.elapsed(day("2026-11-30")), 1.0);
    }

    #[test]
    fn lowercase_gets_a_suggestion() {
        let finding = Period::finding("a.toml", &Spanned::new(0..9, "2026-q1".to_owned()));
        assert_eq!(finding.help.as_deref(), Some("did you mean `2026-Q1`?"));
    }
}
