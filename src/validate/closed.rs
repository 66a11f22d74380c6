//! The rules of a file's `[[closed]]` records, which `okr close` appends: a period that parses
//! and appears once, a grade from 0 to 1 (none for dropped work), an outcome from the closed
//! set (`bad-close`), and what the team learned written once the period is over (`unlearned`).
//! Also a theme's `commitment`.

use toml::Spanned;

use super::word::word;
use crate::finding::{Finding, Rule};
use crate::model::{Closed, ClosedFile, Commitment, Outcome};
use crate::period::Period;

/// The checked records of the file `file`, oldest first; a record with an error is left out.
/// `today` (days since 1970-01-01) decides whether a period is over.
pub(super) fn closed(
    records: &[Spanned<ClosedFile>],
    file: &str,
    today: u64,
    findings: &mut Vec<Finding>,
) -> Vec<Closed> {
    let mut out: Vec<Closed> = Vec::with_capacity(records.len());
    let mut seen: Vec<&str> = Vec::new();
    for record in records {
        let span = record.span();
        let record = record.get_ref();
        let period = match &record.period {
            Some(value) => match Period::parse(value.get_ref()) {
                Some(period) if seen.contains(&value.get_ref().as_str()) => {
                    findings.push(
                        Finding::new(
                            Rule::BadClose,
                            file,
                            Some(value.span()),
                            format!("the period `{period}` is closed twice in this file"),
                        )
                        .with_help("keep one `[[closed]]` record for each period".to_owned()),
                    );
                    None
                }
                Some(period) => {
                    seen.push(value.get_ref());
                    Some((period, value))
                }
                None => {
                    findings.push(Period::finding(file, value));
                    None
                }
            },
            None => {
                findings.push(missing(
                    file,
                    span.clone(),
                    "period",
                    "period = \"2026-Q1\"",
                ));
                None
            }
        };
        let outcome = match &record.outcome {
            Some(value) => word(value, Rule::BadClose, "outcome", file, findings),
            None => {
                findings.push(missing(
                    file,
                    span.clone(),
                    "outcome",
                    "outcome = \"partial\"",
                ));
                None
            }
        };
        let grade = match &record.grade {
            Some(value) if !(0.0..=1.0).contains(value.get_ref()) => {
                findings.push(
                    Finding::new(
                        Rule::BadClose,
                        file,
                        Some(value.span()),
                        format!("the grade `{}` is not from 0.0 to 1.0", value.get_ref()),
                    )
                    .with_help("a grade is a key result's progress: 0.0 to 1.0".to_owned()),
                );
                Err(())
            }
            Some(value) => Ok(Some(*value.get_ref())),
            None if outcome.is_some_and(|o| o != Outcome::Dropped) => {
                findings.push(missing(file, span.clone(), "grade", "grade = 0.6"));
                Err(())
            }
            None => Ok(None),
        };
        let learned = record.learned.clone().unwrap_or_default();
        if let (Some((period, value)), Some(outcome), Ok(grade)) = (period, outcome, grade) {
            if learned.trim().is_empty() && outcome != Outcome::Dropped && period.days().1 < today {
                findings.push(
                    Finding::new(
                        Rule::Unlearned,
                        file,
                        Some(value.span()),
                        format!("`{period}` is over, and its `learned` is empty"),
                    )
                    .with_help(
                        "write in `learned` what the period taught: what worked, what to change"
                            .to_owned(),
                    ),
                );
            }
            out.push(Closed {
                period: value.get_ref().clone(),
                grade,
                outcome,
                learned,
            });
        }
    }
    out
}

/// A theme's `commitment`: `committed` when absent; a value outside the set is a finding.
pub(super) fn commitment(
    value: Option<&Spanned<String>>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Commitment> {
    match value {
        Some(value) => word(value, Rule::WrongType, "commitment", file, findings),
        None => Some(Commitment::default()),
    }
}

fn missing(file: &str, span: std::ops::Range<usize>, key: &str, example: &str) -> Finding {
    Finding::new(
        Rule::MissingField,
        file,
        Some(span),
        format!("a `[[closed]]` record has no `{key}`"),
    )
    .with_help(format!(
        "add `{example}`, or let `okr close` write the record"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records of `text` (a file of `[[closed]]` tables) checked on `today`: what they hold
    /// and the rules they break.
    fn check(text: &str, today: &str) -> (Vec<Closed>, Vec<Rule>) {
        #[derive(serde::Deserialize)]
        struct File {
            closed: Vec<Spanned<ClosedFile>>,
        }
        let file: File = toml::from_str(text).unwrap();
        let mut findings = Vec::new();
        let today = crate::period::parse_date(today).unwrap();
        let closed = closed(&file.closed, "a.toml", today, &mut findings);
        (closed, findings.iter().map(|f| f.rule).collect())
    }

    const GOOD: &str = r#"
[[closed]]
period = "2026-Q1"
grade = 0.6
outcome = "partial"
learned = "Replicas first."

[[closed]]
period = "2026-Q2"
outcome = "dropped"
"#;

    #[test]
    fn sound_records_are_kept_in_order() {
        let (closed, rules) = check(GOOD, "2026-08-01");
        assert!(rules.is_empty(), "{rules:?}");
        assert_eq!(
            closed,
            [
                Closed {
                    period: "2026-Q1".into(),
                    grade: Some(0.6),
                    outcome: Outcome::Partial,
                    learned: "Replicas first.".into(),
                },
                Closed {
                    period: "2026-Q2".into(),
                    grade: None,
                    outcome: Outcome::Dropped,
                    learned: String::new(),
                },
            ]
        );
    }

    #[test]
    fn each_broken_record_is_a_finding_and_left_out() {
        let cases = [
            (
                "period = \"2026-Q5\"\ngrade = 0.5\noutcome = \"partial\"",
                Rule::BadPeriod,
            ),
            ("grade = 0.5\noutcome = \"partial\"", Rule::MissingField),
            (
                "period = \"2026-Q1\"\ngrade = 1.5\noutcome = \"achieved\"",
                Rule::BadClose,
            ),
            (
                "period = \"2026-Q1\"\ngrade = -0.1\noutcome = \"missed\"",
                Rule::BadClose,
            ),
            (
                "period = \"2026-Q1\"\ngrade = nan\noutcome = \"missed\"",
                Rule::BadClose,
            ),
            (
                "period = \"2026-Q1\"\ngrade = 0.5\noutcome = \"half\"",
                Rule::BadClose,
            ),
            ("period = \"2026-Q1\"\ngrade = 0.5", Rule::MissingField),
            (
                "period = \"2026-Q1\"\noutcome = \"partial\"",
                Rule::MissingField,
            ),
        ];
        for (record, rule) in cases {
            let text = format!("[[closed]]\n{record}\nlearned = \"x\"\n");
            let (closed, rules) = check(&text, "2026-03-01");
            assert_eq!(rules, [rule], "{record}");
            assert!(closed.is_empty(), "{record}");
        }
    }

    #[test]
    fn a_period_closed_twice_is_a_finding() {
        let text = "[[closed]]\nperiod = \"2026-Q1\"\noutcome = \"dropped\"\n\
                    [[closed]]\nperiod = \"2026-Q1\"\ngrade = 1.0\noutcome = \"achieved\"\n";
        let (closed, rules) = check(text, "2026-03-01");
        assert_eq!(rules, [Rule::BadClose]);
        assert_eq!(closed.len(), 1);
    }

    #[test]
    fn an_empty_lesson_is_a_finding_once_the_period_is_over() {
        let record = |learned: &str, outcome: &str| {
            format!(
                "[[closed]]\nperiod = \"2026-Q1\"\ngrade = 0.6\noutcome = \"{outcome}\"\n\
                 learned = \"{learned}\"\n"
            )
        };
        // The last day of the period is not yet after it.
        assert!(check(&record("", "partial"), "2026-03-31").1.is_empty());
        assert_eq!(
            check(&record("", "partial"), "2026-04-01").1,
            [Rule::Unlearned]
        );
        assert_eq!(
            check(&record("  ", "achieved"), "2027-01-01").1,
            [Rule::Unlearned]
        );
        assert!(
            check(&record("Less at once.", "partial"), "2027-01-01")
                .1
                .is_empty()
        );
        let dropped = "[[closed]]\nperiod = \"2026-Q1\"\noutcome = \"dropped\"\n";
        assert!(check(dropped, "2027-01-01").1.is_empty());
    }

    #[test]
    fn commitment_is_committed_unless_it_says_otherwise() {
        let mut findings = Vec::new();
        assert_eq!(
            commitment(None, "t.toml", &mut findings),
            Some(Commitment::Committed)
        );
        let value = |text: &str| Spanned::new(0..1, text.to_owned());
        assert_eq!(
            commitment(Some(&value("aspirational")), "t.toml", &mut findings),
            Some(Commitment::Aspirational)
        );
        assert!(findings.is_empty());
        assert_eq!(
            commitment(Some(&value("aspirationl")), "t.toml", &mut findings),
            None
        );
        assert_eq!(findings[0].rule, Rule::WrongType);
        assert_eq!(
            findings[0].help.as_deref(),
            Some("did you mean `aspirational`?")
        );
    }
}
