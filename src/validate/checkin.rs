//! The rules of a `[checkin]` table: a date that is a TOML date, and a health from the closed
//! set.

use toml::Spanned;

use crate::finding::{Finding, Rule, suggestion};
use crate::model::{Checkin, CheckinFile, Health};

/// The checked check-in of the file `file`; `None` when there is none or its date is not a
/// date (with a finding).
pub(super) fn checkin(
    table: Option<&Spanned<CheckinFile>>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Checkin> {
    let table = table?;
    let date = match &table.get_ref().date {
        Some(value) => match value.get_ref() {
            toml::value::Datetime {
                date: Some(date),
                time: None,
                offset: None,
            } => Some(date.to_string()),
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
