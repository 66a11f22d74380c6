//! The rules of a `[checkin]` table: a date that is a TOML date and not after today
//! (`future-checkin`), a health from the closed set, and no new check-in on closed work
//! (`closed-checkin`).

use toml::Spanned;

use crate::finding::{Finding, Rule};
use crate::model::{Checkin, CheckinFile, Status};
use crate::period;

/// The checked check-in of the file `file`; `None` when there is none or its date is not a
/// date (with a finding). A date after today (UTC) is a `future-checkin` finding.
pub(super) fn checkin(
    table: Option<&Spanned<CheckinFile>>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Checkin> {
    checkin_on(table, file, period::today, findings)
}

/// [`checkin`], with `today` asked only of a file that has a check-in date.
fn checkin_on(
    table: Option<&Spanned<CheckinFile>>,
    file: &str,
    today: impl FnOnce() -> u64,
    findings: &mut Vec<Finding>,
) -> Option<Checkin> {
    let table = table?;
    let date = match &table.get_ref().date {
        Some(value) => match value.get_ref() {
            toml::value::Datetime {
                date: Some(date),
                time: None,
                offset: None,
            } => {
                let written = date.to_string();
                let today = today();
                if period::parse_date(&written).is_some_and(|day| day > today) {
                    findings.push(
                        Finding::new(
                            Rule::FutureCheckin,
                            file,
                            Some(value.span()),
                            format!(
                                "the check-in is dated `{written}`, after today ({}, UTC)",
                                period::format_date(today)
                            ),
                        )
                        .with_help("date a check-in on the day it was made, or earlier".to_owned()),
                    );
                }
                Some(written)
            }
            other => {
                findings.push(
                    Finding::new(
                        Rule::WrongType,
                        file,
                        Some(value.span()),
                        format!("`checkin.date` is `{other}`, not a date"),
                    )
                    .with_help("write the day alone, as `date = 2026-04-02`".to_owned()),
                );
                None
            }
        },
        None => {
            findings.push(
                Finding::new(
                    Rule::MissingField,
                    file,
                    Some(table.span()),
                    "`[checkin]` has no `date`".to_owned(),
                )
                .with_help("add the day of the check-in, as `date = 2026-04-02`".to_owned()),
            );
            None
        }
    };
    let health = table
        .get_ref()
        .health
        .as_ref()
        .and_then(|value| super::word::word(value, Rule::WrongType, "health", file, findings));
    Some(Checkin {
        date: date?,
        health,
        note: table.get_ref().note.clone(),
    })
}

/// The `closed-checkin` finding, at the `[checkin]` table of an initiative whose `status` is
/// done or dropped, when the check-in is recent: made within `checkin_days` of today, so after
/// the work was, or as it was, closed. A check-in reports on open work; the last one an
/// initiative had while open stays in its file, and says nothing wrong.
pub(super) fn closed(
    table: Option<&Spanned<CheckinFile>>,
    checkin: Option<&Checkin>,
    status: Option<Status>,
    checkin_days: u32,
    file: &str,
    findings: &mut Vec<Finding>,
) {
    let (Some(table), Some(checkin), Some(status @ (Status::Done | Status::Dropped))) =
        (table, checkin, status)
    else {
        return;
    };
    let Some(day) = period::parse_date(&checkin.date) else {
        return;
    };
    if day + u64::from(checkin_days) <= period::today() {
        return;
    }
    findings.push(
        Finding::new(
            Rule::ClosedCheckin,
            file,
            Some(table.span()),
            format!(
                "this initiative is {status}, and it has a check-in of `{}`",
                checkin.date
            ),
        )
        .with_help(
            "a check-in reports on open work: set the status back if the work goes on, or \
             leave the last check-in of the open work as it was"
                .to_owned(),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(date: &str) -> Spanned<CheckinFile> {
        Spanned::new(
            0..40,
            CheckinFile {
                date: Some(Spanned::new(10..20, date.parse().unwrap())),
                health: None,
                note: None,
            },
        )
    }

    /// The rules of `date`'s check-in on 2026-04-02.
    fn rules_of(date: &str) -> Vec<Rule> {
        let mut findings = Vec::new();
        let today = period::parse_date("2026-04-02").unwrap();
        checkin_on(Some(&table(date)), "a.toml", || today, &mut findings);
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_check_in_after_today_is_a_finding() {
        assert_eq!(rules_of("2026-04-03"), [Rule::FutureCheckin]);
        assert_eq!(rules_of("2027-01-01"), [Rule::FutureCheckin]);
        assert!(rules_of("2026-04-02").is_empty());
        assert!(rules_of("2026-01-01").is_empty());
    }

    #[test]
    fn a_recent_check_in_on_closed_work_is_a_finding() {
        let today = period::today();
        let rules = |status: Status, days_ago: u64| {
            let date = period::format_date(today - days_ago);
            let mut findings = Vec::new();
            let checkin = Checkin {
                date: date.clone(),
                health: None,
                note: None,
            };
            closed(
                Some(&table(&date)),
                Some(&checkin),
                Some(status),
                14,
                "a.toml",
                &mut findings,
            );
            findings.iter().map(|f| f.rule).collect::<Vec<_>>()
        };
        assert_eq!(rules(Status::Done, 0), [Rule::ClosedCheckin]);
        assert_eq!(rules(Status::Dropped, 13), [Rule::ClosedCheckin]);
        // The last check-in of work that was open then is no finding once `checkin_days` pass.
        assert!(rules(Status::Done, 14).is_empty());
        assert!(rules(Status::Dropped, 400).is_empty());
        for open in [Status::Proposed, Status::Accepted, Status::Active] {
            assert!(rules(open, 0).is_empty(), "{open}");
        }
        let mut findings = Vec::new();
        closed(None, None, Some(Status::Done), 14, "a.toml", &mut findings);
        assert!(findings.is_empty());
    }
}
