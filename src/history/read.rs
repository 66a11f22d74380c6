//! Reading one version of a file for history: its key-result values, its check-in and its
//! status, from the TOML alone (a file that does not parse gives nothing).

use super::{CheckinState, ClosedState, KeyResultValue, Value};
use crate::model::{Health, Outcome, Status};

/// What history reads of one version of a file. A file that does not parse has nothing.
#[derive(Default)]
pub(super) struct FileState {
    pub(super) values: Vec<KeyResultValue>,
    pub(super) checkin: Option<CheckinState>,
    pub(super) status: Option<Status>,
    pub(super) closed: Vec<ClosedState>,
}

pub(super) fn read_file(text: &[u8]) -> FileState {
    let Ok(text) = std::str::from_utf8(text) else {
        return FileState::default();
    };
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return FileState::default();
    };
    FileState {
        values: key_result_values(&table),
        checkin: checkin_state(&table),
        status: table
            .get("status")
            .and_then(toml::Value::as_str)
            .and_then(Status::parse),
        closed: closed_states(&table),
    }
}

/// The `[[closed]]` records that name a period, in the file's order.
fn closed_states(table: &toml::Table) -> Vec<ClosedState> {
    let Some(items) = table.get("closed").and_then(toml::Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let item = item.as_table()?;
            Some(ClosedState {
                period: item.get("period")?.as_str()?.to_owned(),
                grade: item
                    .get("grade")
                    .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))),
                outcome: item
                    .get("outcome")
                    .and_then(toml::Value::as_str)
                    .and_then(Outcome::parse),
            })
        })
        .collect()
}

fn key_result_values(table: &toml::Table) -> Vec<KeyResultValue> {
    let Some(items) = table.get("key_results").and_then(|v| v.as_array()) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let item = item.as_table()?;
            let title = item.get("title")?.as_str()?.to_owned();
            let number = |key: &str| {
                item.get(key)
                    .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            };
            let value = match number("current").or_else(|| number("baseline")) {
                Some(current) => Value::Number(current),
                // A milestone: `done`, false until it is set.
                None if number("target").is_none() => Value::Done(
                    item.get("done")
                        .and_then(toml::Value::as_bool)
                        .unwrap_or(false),
                ),
                None => return None,
            };
            let unit = item.get("unit").and_then(|u| u.as_str()).map(str::to_owned);
            Some((title, unit, value))
        })
        .collect()
}

fn checkin_state(table: &toml::Table) -> Option<CheckinState> {
    let checkin = table.get("checkin")?.as_table()?;
    let date = match checkin.get("date") {
        Some(toml::Value::Datetime(d)) => d.date.map(|d| d.to_string()),
        _ => None,
    };
    Some(CheckinState {
        date,
        health: checkin
            .get("health")
            .and_then(toml::Value::as_str)
            .and_then(Health::parse),
        note: checkin
            .get("note")
            .and_then(toml::Value::as_str)
            .map(str::to_owned),
    })
}
