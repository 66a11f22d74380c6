//! The rules on an initiative's `period`: `bad-period` (it does not parse) and `past-period`
//! (open work of a period that ended before the current one began).

use toml::Spanned;

use crate::config::Config;
use crate::finding::{Finding, Rule};
use crate::model::Status;
use crate::period::Period;

/// The initiative's period once checked: `None` when it has none or it does not parse. Adds
/// a `bad-period` finding for one that does not parse, and a `past-period` finding for open
/// work whose period ended before `[team].period` began.
pub(super) fn period(
    value: Option<&Spanned<String>>,
    status: Option<Status>,
    file: &str,
    config: &Config,
    findings: &mut Vec<Finding>,
) -> Option<String> {
    let value = value?;
    let Some(period) = Period::parse(value.get_ref()) else {
        findings.push(Period::finding(file, value));
        return None;
    };
    if let (Some(current), Some(status)) = (config.current_period(), status)
        && status.is_open()
        && period.ended_before(current)
    {
        findings.push(past(file, value, status, current));
    }
    Some(value.get_ref().clone())
}

/// The `past-period` finding, at the `period` key's value.
fn past(file: &str, value: &Spanned<String>, status: Status, current: Period) -> Finding {
    Finding::new(
        Rule::PastPeriod,
        file,
        Some(value.span()),
        format!(
            "this {status} initiative is planned for `{}`, which ended before the current \
             period `{current}` began",
            value.get_ref()
        ),
    )
    .with_help(format!(
        "close its period and carry the open work over: `okr close {} --to {current}`; or \
         set its `period` to `{current}` by hand",
        value.get_ref()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(period: Option<&str>) -> Config {
        Config {
            period: period.map(str::to_owned),
            ..Config::default()
        }
    }

    fn findings_of(period: &str, status: Status, current: Option<&str>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let value = Spanned::new(9..18, period.to_owned());
        let kept = super::period(
            Some(&value),
            Some(status),
            "initiatives/a.toml",
            &config(current),
            &mut findings,
        );
        assert_eq!(kept.is_some(), Period::parse(period).is_some());
        findings
    }

    #[test]
    fn open_work_of_an_ended_period_is_past() {
        for status in [Status::Proposed, Status::Accepted, Status::Active] {
            let findings = findings_of("2025-Q4", status, Some("2026-Q1"));
            assert_eq!(findings.len(), 1, "{status}");
            let finding = &findings[0];
            assert_eq!(finding.rule, Rule::PastPeriod);
            assert_eq!(finding.span, Some(9..18));
            assert_eq!(
                finding.message,
                format!(
                    "this {status} initiative is planned for `2025-Q4`, which ended before the \
                     current period `2026-Q1` began"
                )
            );
            assert!(
                finding
                    .help
                    .as_deref()
                    .unwrap()
                    .contains("`okr close 2025-Q4 --to 2026-Q1`")
            );
        }
    }

    #[test]
    fn closed_current_and_future_work_is_not_past() {
        for status in [Status::Done, Status::Dropped] {
            assert!(findings_of("2025-Q4", status, Some("2026-Q1")).is_empty());
        }
        for period in ["2026", "2026-H1", "2026-Q1", "2026-Q2", "2027"] {
            assert!(findings_of(period, Status::Active, Some("2026-Q1")).is_empty());
        }
        // Without a current period nothing is past.
        assert!(findings_of("1999", Status::Active, None).is_empty());
    }

    #[test]
    fn a_period_that_does_not_parse_is_bad_not_past() {
        let findings = findings_of("2025-q4", Status::Active, Some("2026-Q1"));
        let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, [Rule::BadPeriod]);
    }
}
