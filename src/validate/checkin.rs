//! The rules of a `[checkin]` table: a date that is a TOML date and not after today
//! (`future-checkin`), a health from the closed set, and no check-in on closed work
//! (`closed-checkin`).

use toml::Spanned;

use crate::finding::{Finding, Rule, suggestion};
use crate::model::{Checkin, CheckinFile, Health, Status};
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
    let health = table.get_ref().health.as_ref().and_then(|value| {
        let health = Health::parse(value.get_ref());
        if health.is_none() {
            let names = Health::ALL.map(Health::as_str);
            let help = suggestion(value.get_ref(), names)
                .unwrap_or_else(|| format!("use one of `{}`", names.join("`, `")));
            findings.push(
                Finding::new(
                    Rule::WrongType,
                    file,
                    Some(value.span()),
                    format!("unknown health `{}`", value.get_ref()),
                )
                .with_help(help),
            );
        }
        health
    });
    Some(Checkin {
        date: date?,
        health,
        note: table.get_ref().note.clone(),
    })
}

/// The `closed-checkin` finding, at the `[checkin]` table of an initiative whose `status` is
/// done or dropped: a check-in reports on open work.
pub(super) fn closed(
    table: Option<&Spanned<CheckinFile>>,
    status: Option<Status>,
    file: &str,
    findings: &mut Vec<Finding>,
) {
    if let (Some(table), Some(status @ (Status::Done | Status::Dropped))) = (table, status) {
        findings.push(
            Finding::new(
                Rule::ClosedCheckin,
                file,
                Some(table.span()),
                format!("this initiative is {status}, and it has a check-in"),
            )
            .with_help(
                "a check-in reports on open work: set the status back if the work goes on; \
                 the last check-in stays in git history if you remove the table"
                    .to_owned(),
            ),
        );
    }
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
    fn a_check_in_on_closed_work_is_a_finding() {
        let rules = |status: Status| {
            let mut findings = Vec::new();
            closed(
                Some(&table("2026-01-01")),
                Some(status),
                "a.toml",
                &mut findings,
            );
            findings.iter().map(|f| f.rule).collect::<Vec<_>>()
        };
        assert_eq!(rules(Status::Done), [Rule::ClosedCheckin]);
        assert_eq!(rules(Status::Dropped), [Rule::ClosedCheckin]);
        for open in [Status::Proposed, Status::Accepted, Status::Active] {
            assert!(rules(open).is_empty(), "{open}");
        }
        let mut findings = Vec::new();
        closed(None, Some(Status::Done), "a.toml", &mut findings);
        assert!(findings.is_empty());
    }
}
