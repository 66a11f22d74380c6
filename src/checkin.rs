//! A check-in written into an initiative's or theme's file: its `[checkin]` table and one key
//! result's value, edited in place with `toml_edit`, so that comments, key order and layout
//! stay as the owner wrote them. The edit is text to text; checking the result and writing it
//! are the caller's.

use toml_edit::{Item, Table, Value};

use crate::edit::{self, Keys, keys, shift_tables};
use crate::finding::did_you_mean;
use crate::model::Health;
use crate::period;

/// A key result's new value as typed: a whole number stays one in the file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Integer(i64),
    Float(f64),
}

impl Number {
    /// `text` as a finite number: `42`, `-3`, `0.95`, `1e3`.
    pub fn parse(text: &str) -> Result<Number, CheckinError> {
        let trimmed = text.trim();
        if let Ok(integer) = trimmed.parse::<i64>() {
            return Ok(Number::Integer(integer));
        }
        match trimmed.parse::<f64>() {
            // `inf` and `NaN` parse, but no key result is measured in them.
            Ok(float) if float.is_finite() && trimmed.bytes().any(|b| b.is_ascii_digit()) => {
                Ok(Number::Float(float))
            }
            _ => Err(CheckinError::NotANumber(text.to_owned())),
        }
    }

    fn value(self) -> Value {
        match self {
            Number::Integer(integer) => Value::from(integer),
            Number::Float(float) => Value::from(float),
        }
    }
}

/// What a check-in does to a key result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    /// `current = V`.
    Current(Number),
    /// `done = true`.
    Done,
}

/// One key result's change: which one (its title, or its 1-based position) and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyResultUpdate<'a> {
    pub key_result: &'a str,
    pub progress: Progress,
}

/// A check-in to write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Update<'a> {
    /// Days since 1970-01-01 (see [`date`]).
    pub date: u64,
    /// `None` keeps the health the file holds: it is the owner's judgement until they change it.
    pub health: Option<Health>,
    /// `None` removes the note the file holds: a note speaks of the check-in it was written for.
    pub note: Option<&'a str>,
    pub key_result: Option<KeyResultUpdate<'a>>,
}

/// The file's new text, and the key result it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    pub text: String,
    /// The changed key result's title (or `key result N` when it has none).
    pub key_result: Option<String>,
}

/// Why a check-in cannot be written as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckinError {
    #[error("`{0}` is not a number; give the key result's new value, as `42` or `0.95`")]
    NotANumber(String),
    #[error("`{0}` is not a date; write `YYYY-MM-DD`, e.g. `2026-04-02`")]
    NotADate(String),
    #[error(
        "the date `{date}` is in the future (today is {today}, UTC); a check-in says where the \
         work stands on a day that has come"
    )]
    FutureDate { date: String, today: String },
    #[error("the file is not valid TOML, so it cannot be edited: {0}; fix it (see `okr check`)")]
    NotToml(String),
    #[error("`{0}` in the file is not a table; fix it (see `okr check`)")]
    NotATable(&'static str),
    #[error("the file has no key results; add `[[key_results]]` first, or check in without `--kr`")]
    NoKeyResults,
    #[error("no key result is titled `{asked}`\nhelp: {help}")]
    UnknownKeyResult { asked: String, help: String },
    #[error(
        "there is no key result {position}: the file has {count}\nhelp: name one by its title, or \
         by its position from 1 to {count}"
    )]
    NoSuchPosition { position: usize, count: usize },
    #[error(
        "{count} key results are titled `{title}`\nhelp: name the one you mean by its position \
         (`--kr 2` for the second)"
    )]
    AmbiguousKeyResult { title: String, count: usize },
}

/// A `--date`: `YYYY-MM-DD`, not after `today` (days since 1970-01-01, UTC).
pub fn date(text: &str, today: u64) -> Result<u64, CheckinError> {
    let day = period::parse_date(text).ok_or_else(|| CheckinError::NotADate(text.to_owned()))?;
    if day > today {
        return Err(CheckinError::FutureDate {
            date: text.to_owned(),
            today: period::format_date(today),
        });
    }
    Ok(day)
}

/// The longest subject line a check-in's commit gets, in characters, as git tools show it.
const SUBJECT_WIDTH: usize = 72;

/// The commit message of a check-in on `id`: `checkin(ID): NOTE`. The note is the owner's
/// text, so it is made safe for `git log` on a terminal (control characters, escapes among
/// them, are left out) and for one-line views: a note longer than one short line gives its
/// first line, cut, as the subject, and the whole note as the body.
pub fn commit_message(id: &str, note: Option<&str>) -> String {
    let clean: String = note
        .unwrap_or_default()
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let lines: Vec<&str> = clean
        .lines()
        .map(str::trim_end)
        .skip_while(|line| line.trim().is_empty())
        .collect();
    let end = lines
        .iter()
        .rposition(|line| !line.trim().is_empty())
        .map_or(0, |i| i + 1);
    let lines = &lines[..end];
    let head = format!("checkin({id})");
    let Some(first) = lines.first() else {
        return head;
    };
    let first = first.trim();
    let room = SUBJECT_WIDTH
        .saturating_sub(head.chars().count() + 2)
        .max(1);
    if lines.len() == 1 && first.chars().count() <= room {
        return format!("{head}: {first}");
    }
    let subject: String = if first.chars().count() <= room {
        first.to_owned()
    } else {
        let cut: String = first.chars().take(room - 1).collect();
        format!("{}…", cut.trim_end())
    };
    format!("{head}: {subject}\n\n{}\n", lines.join("\n"))
}

/// `text` (an initiative's or theme's file) with `update` written in: the `[checkin]` table
/// (created, before the key results, when missing) and the named key result. Everything else,
/// comments and blank lines included, is left as it was.
pub fn edit(text: &str, update: &Update) -> Result<Edited, CheckinError> {
    let (bom, mut doc) =
        edit::parse(text).map_err(|e| CheckinError::NotToml(e.message().to_owned()))?;
    // The key result first: a mistake in `--kr` leaves nothing half done.
    let key_result = match &update.key_result {
        Some(change) => Some(set_key_result(doc.as_table_mut(), change)?),
        None => None,
    };
    let appended = set_checkin(doc.as_table_mut(), update)?;
    // The comments that ended the file stay above the new table, beside what they were about.
    if appended {
        let trailing = edit::take_trailing(&mut doc);
        if let Some(Item::Table(table)) = doc.get_mut("checkin") {
            edit::keep_trailing_above(table, &trailing);
        }
    }
    Ok(Edited {
        text: edit::print(bom, &doc, text),
        key_result,
    })
}

/// Writes the `[checkin]` table; `true` when it was made, after every other table.
fn set_checkin(root: &mut Table, update: &Update) -> Result<bool, CheckinError> {
    let mut appended = false;
    if !root.contains_key("checkin") {
        let mut table = Table::new();
        let position = make_room(root);
        appended = position.is_none();
        table.set_position(position);
        root.insert("checkin", Item::Table(table));
    }
    let item = root.get_mut("checkin").expect("inserted above");
    let mut table = keys(item).ok_or(CheckinError::NotATable("checkin"))?;
    let path = ["checkin".to_owned()];
    let day = period::format_date(update.date);
    let day: toml_edit::Datetime = day.parse().expect("a formatted date is a TOML date");
    table.set("date", Value::from(day), &path);
    if let Some(health) = update.health {
        table.set("health", Value::from(health.as_str()), &path);
    }
    match update.note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(note) => table.set("note", Value::from(note), &path),
        None => {
            table.like().remove("note");
        }
    }
    Ok(appended)
}

/// The position a new `[checkin]` table takes: that of the first `[[key_results]]`, which
/// moves down one with every table after it, as `okr fmt` orders them. `None` (after every
/// other table) when the file has no `[[key_results]]`.
fn make_room(root: &mut Table) -> Option<isize> {
    let at = root
        .get("key_results")
        .and_then(Item::as_array_of_tables)
        .and_then(|array| array.iter().filter_map(Table::position).min())?;
    shift_tables(root, at);
    Some(at)
}

fn set_key_result(root: &mut Table, change: &KeyResultUpdate) -> Result<String, CheckinError> {
    let mut all: Vec<Keys> = match root.get_mut("key_results") {
        None => return Err(CheckinError::NoKeyResults),
        Some(Item::ArrayOfTables(array)) => array.iter_mut().map(Keys::Table).collect(),
        Some(Item::Value(Value::Array(array))) => {
            let mut all = Vec::new();
            for value in array.iter_mut() {
                match value {
                    Value::InlineTable(table) => all.push(Keys::Inline(table)),
                    _ => return Err(CheckinError::NotATable("key_results")),
                }
            }
            all
        }
        Some(_) => return Err(CheckinError::NotATable("key_results")),
    };
    if all.is_empty() {
        return Err(CheckinError::NoKeyResults);
    }
    let titles: Vec<Option<String>> = all
        .iter_mut()
        .map(|keys| {
            keys.like()
                .get("title")
                .and_then(Item::as_str)
                .map(|t| t.trim().to_owned())
        })
        .collect();
    let index = pick(&titles, change.key_result)?;
    let path = ["key_results".to_owned()];
    let keys = &mut all[index];
    match change.progress {
        Progress::Current(number) => keys.set("current", number.value(), &path),
        Progress::Done => keys.set("done", Value::from(true), &path),
    }
    Ok(titles[index]
        .clone()
        .unwrap_or_else(|| format!("key result {}", index + 1)))
}

/// Which key result `asked` names: a title (exactly, spaces around it aside), else a 1-based
/// position.
fn pick(titles: &[Option<String>], asked: &str) -> Result<usize, CheckinError> {
    let wanted = asked.trim();
    let matching: Vec<usize> = titles
        .iter()
        .enumerate()
        .filter(|(_, title)| title.as_deref() == Some(wanted))
        .map(|(index, _)| index)
        .collect();
    match matching.as_slice() {
        [index] => return Ok(*index),
        [] => {}
        more => {
            return Err(CheckinError::AmbiguousKeyResult {
                title: wanted.to_owned(),
                count: more.len(),
            });
        }
    }
    if let Ok(position) = wanted.parse::<usize>() {
        return if (1..=titles.len()).contains(&position) {
            Ok(position - 1)
        } else {
            Err(CheckinError::NoSuchPosition {
                position,
                count: titles.len(),
            })
        };
    }
    let named: Vec<&str> = titles.iter().flatten().map(String::as_str).collect();
    let help = match did_you_mean(wanted, named.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "name one of `{}`, or give its position from 1 to {}",
            named.join("`, `"),
            titles.len()
        ),
    };
    Err(CheckinError::UnknownKeyResult {
        asked: wanted.to_owned(),
        help,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::FileKind;

    /// 2026-04-02.
    const DAY: u64 = 20_545;

    fn update<'a>(note: Option<&'a str>, key_result: Option<KeyResultUpdate<'a>>) -> Update<'a> {
        Update {
            date: DAY,
            health: Some(Health::AtRisk),
            note,
            key_result,
        }
    }

    fn current<'a>(key_result: &'a str, text: &str) -> Option<KeyResultUpdate<'a>> {
        Some(KeyResultUpdate {
            key_result,
            progress: Progress::Current(Number::parse(text).unwrap()),
        })
    }

    const FILE: &str = "\
# Owned by the platform team.
title = \"Canary every deploy\"   # short
problem = \"Bad deploys reach everyone.\"
owner = \"frank\"
tags = [\"deploy\"]
impact = \"high\"
cost = \"m\"
status = \"active\"

# The share that matters.
[[key_results]]
title = \"Share of deploys behind a canary\"
unit = \"%\"
baseline = 0
target = 100
current = 10 # measured weekly

[[key_results]]
title = \"Runbook written\"
done = false
";

    #[test]
    fn a_first_check_in_goes_before_the_key_results_and_keeps_the_rest() {
        let edited = edit(
            FILE,
            &update(
                Some("Replica lag blocks the cut-over."),
                current("Share of deploys behind a canary", "40"),
            ),
        )
        .unwrap();
        let expected = FILE
            .replace(
                "status = \"active\"\n",
                "status = \"active\"\n\n[checkin]\ndate = 2026-04-02\nhealth = \"at-risk\"\n\
                 note = \"Replica lag blocks the cut-over.\"\n",
            )
            .replace(
                "current = 10 # measured weekly",
                "current = 40 # measured weekly",
            );
        assert_eq!(edited.text, expected);
        assert_eq!(
            edited.key_result.as_deref(),
            Some("Share of deploys behind a canary")
        );
        // What okr writes is already in okr fmt's layout.
        assert_eq!(
            crate::fmt::format(FileKind::Initiative, &edited.text).unwrap(),
            edited.text
        );
    }

    #[test]
    fn a_later_check_in_replaces_the_table_in_place() {
        let before = FILE.replace(
            "status = \"active\"\n",
            "status = \"active\"\n\n[checkin]  # the last one\ndate = 2026-03-01 # monthly\n\
             health = \"on-track\"\n# why\nnote = \"Fine.\"\n",
        );
        let edited = edit(
            &before,
            &Update {
                date: DAY,
                health: None,
                note: Some("Still fine."),
                key_result: Some(KeyResultUpdate {
                    key_result: "2",
                    progress: Progress::Done,
                }),
            },
        )
        .unwrap();
        let expected = before
            .replace("date = 2026-03-01", "date = 2026-04-02")
            .replace("note = \"Fine.\"", "note = \"Still fine.\"")
            .replace("done = false", "done = true");
        assert_eq!(edited.text, expected);
        assert_eq!(edited.key_result.as_deref(), Some("Runbook written"));
    }

    #[test]
    fn no_note_removes_the_last_one_and_new_keys_take_their_place() {
        let before = "title = \"T\"\n\n[checkin]\nnote = \"Old.\"\ndate = 2026-03-01\n\n\
                      [[key_results]]\ntitle = \"K\"\nbaseline = 0\ntarget = 10\nunit = \"x\"\n";
        let edited = edit(before, &update(None, current("K", "2.5"))).unwrap();
        assert_eq!(
            edited.text,
            "title = \"T\"\n\n[checkin]\ndate = 2026-04-02\nhealth = \"at-risk\"\n\n\
             [[key_results]]\ntitle = \"K\"\nbaseline = 0\ntarget = 10\nunit = \"x\"\n\
             current = 2.5\n"
        );
    }

    #[test]
    fn inline_tables_are_edited_where_they_are() {
        let before = "title = \"T\"\ncheckin = { date = 2026-03-01, health = \"on-track\" }\n\
                      key_results = [{ title = \"K\", baseline = 0, target = 10, current = 1 }]\n";
        let edited = edit(before, &update(None, current("K", "-3"))).unwrap();
        assert_eq!(
            edited.text,
            "title = \"T\"\ncheckin = { date = 2026-04-02, health = \"at-risk\" }\n\
             key_results = [{ title = \"K\", baseline = 0, target = 10, current = -3 }]\n"
        );
    }

    #[test]
    fn a_file_without_key_results_gets_the_table_at_its_end() {
        let before = "\u{feff}title = \"T\" # the title\n# the end\n";
        let edited = edit(before, &update(Some(" Note "), None)).unwrap();
        assert_eq!(
            edited.text,
            "\u{feff}title = \"T\" # the title\n# the end\n\n[checkin]\ndate = 2026-04-02\n\
             health = \"at-risk\"\nnote = \"Note\"\n"
        );
    }

    #[test]
    fn key_results_are_named_by_title_or_position() {
        let titles = vec![Some("Alpha".to_owned()), Some("Beta".to_owned()), None];
        assert_eq!(pick(&titles, " Beta "), Ok(1));
        assert_eq!(pick(&titles, "3"), Ok(2));
        assert_eq!(
            pick(&titles, "4"),
            Err(CheckinError::NoSuchPosition {
                position: 4,
                count: 3
            })
        );
        assert!(matches!(
            pick(&titles, "0"),
            Err(CheckinError::NoSuchPosition { .. })
        ));
        let Err(CheckinError::UnknownKeyResult { help, .. }) = pick(&titles, "Betta") else {
            panic!("a typo is unknown");
        };
        assert_eq!(help, "did you mean `Beta`?");
        let Err(CheckinError::UnknownKeyResult { help, .. }) = pick(&titles, "zzzzzzzz") else {
            panic!("unknown");
        };
        assert_eq!(
            help,
            "name one of `Alpha`, `Beta`, or give its position from 1 to 3"
        );
        // A title that is a number is a title first.
        let numbered = vec![Some("2".to_owned()), Some("x".to_owned())];
        assert_eq!(pick(&numbered, "2"), Ok(0));
        let twice = vec![Some("A".to_owned()), Some("A".to_owned())];
        assert!(matches!(
            pick(&twice, "A"),
            Err(CheckinError::AmbiguousKeyResult { count: 2, .. })
        ));
    }

    #[test]
    fn bad_input_is_refused_before_anything_changes() {
        assert!(matches!(
            edit("title = ", &update(None, None)),
            Err(CheckinError::NotToml(_))
        ));
        assert_eq!(
            edit("title = \"T\"\n", &update(None, current("K", "1"))),
            Err(CheckinError::NoKeyResults)
        );
        assert_eq!(
            edit("checkin = 3\n", &update(None, None)),
            Err(CheckinError::NotATable("checkin"))
        );
        assert_eq!(
            edit("key_results = [1]\n", &update(None, current("1", "1"))),
            Err(CheckinError::NotATable("key_results"))
        );
    }

    #[test]
    fn commit_messages_are_one_safe_subject_line() {
        assert_eq!(commit_message("a", None), "checkin(a)");
        assert_eq!(commit_message("a", Some(" \n ")), "checkin(a)");
        assert_eq!(
            commit_message("a", Some("Lag is fixed.")),
            "checkin(a): Lag is fixed."
        );
        // Terminal escapes and other control characters never reach `git log`.
        assert_eq!(
            commit_message("a", Some("red \u{1b}[31mX\u{1b}[0m\u{7}\tok\r")),
            "checkin(a): red [31mX[0m ok"
        );
        // Several lines: the first is the subject, the whole note the body.
        assert_eq!(
            commit_message("a", Some("\nFirst.\nSecond.\n\n")),
            "checkin(a): First.\n\nFirst.\nSecond.\n"
        );
        // A long note: a subject cut to fit, the note in full below it.
        let long = "word ".repeat(2_000);
        let message = commit_message("a", Some(&long));
        let subject = message.lines().next().unwrap();
        assert_eq!(subject.chars().count(), SUBJECT_WIDTH);
        assert!(subject.ends_with("…"), "{subject}");
        assert!(message.ends_with(&format!("{}\n", long.trim_end())));
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(Number::parse("42"), Ok(Number::Integer(42)));
        assert_eq!(Number::parse(" -0.5 "), Ok(Number::Float(-0.5)));
        assert_eq!(Number::parse("1e3"), Ok(Number::Float(1000.0)));
        for bad in ["", "abc", "inf", "NaN", "1,5", "12%"] {
            assert_eq!(
                Number::parse(bad),
                Err(CheckinError::NotANumber(bad.into())),
                "{bad}"
            );
        }
        assert_eq!(date("2026-04-02", DAY), Ok(DAY));
        assert_eq!(date("2026-04-01", DAY), Ok(DAY - 1));
        assert_eq!(
            date("2026-04-03", DAY),
            Err(CheckinError::FutureDate {
                date: "2026-04-03".into(),
                today: "2026-04-02".into()
            })
        );
        for bad in ["2026-4-2", "02.04.2026", "2026-02-30", "today"] {
            assert_eq!(date(bad, DAY), Err(CheckinError::NotADate(bad.into())));
        }
    }

    #[test]
    fn a_file_written_with_crlf_keeps_them() {
        let text = "title = \"T\"\r\n\r\n[[key_results]]\r\ntitle = \"k\"\r\nbaseline = 0\r\n\
                    target = 10\r\n";
        let update = Update {
            date: DAY,
            health: None,
            note: Some("n"),
            key_result: None,
        };
        let edited = edit(text, &update).unwrap();
        assert!(
            !edited.text.replace("\r\n", "").contains('\n'),
            "{:?}",
            edited.text
        );
        assert!(
            edited
                .text
                .contains("[checkin]\r\ndate = 2026-04-02\r\nnote = \"n\"\r\n"),
            "{:?}",
            edited.text
        );
    }
}
