//! Who owes a check-in: the accepted and active initiatives, and the themes, whose last
//! check-in is older than `[rules].checkin_days`, grouped by owner, with the days since and the
//! check-ins missed; as a table, as JSON, and as the body of the GitHub issue that the team
//! workflow keeps up to date.
//!
//! The last check-in is the later of a file's `[checkin].date` and the last commit that changed
//! it: an owner who moves a key result in a commit has checked in, table or not. The commit
//! dates come from the history walk ([`crate::history`]); they are needed only for work whose
//! `[checkin].date` is missing or too old to settle it ([`needs_history`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::markdown::{person, work_cell};
use crate::model::{Health, Initiative, Kind, Status, Theme};
use crate::period::{format_date, parse_date};

/// The first line of the issue body: how the team workflow finds the issue to update.
pub const MARKER: &str = "<!-- okr-due -->";

/// The line the issue body holds, alone, when nothing is due: the team workflow closes the
/// issue on it.
pub const NOTHING_DUE: &str = "Nothing is due.";

/// Work that owners are expected to check in on, with what its file says of its last check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    /// Repo-relative path.
    pub file: String,
    pub owner: Option<String>,
    /// `None` for a theme.
    pub status: Option<Status>,
    pub health: Option<Health>,
    /// `[checkin].date`, in days since 1970-01-01.
    pub checkin: Option<u64>,
}

/// The work that owes check-ins: accepted and active initiatives (the work agreed on or under
/// way), and every theme.
pub fn tracked<'a>(
    initiatives: impl IntoIterator<Item = &'a Initiative>,
    themes: impl IntoIterator<Item = &'a Theme>,
) -> Vec<Tracked> {
    let day = |checkin: &Option<crate::model::Checkin>| {
        checkin.as_ref().and_then(|c| parse_date(&c.date))
    };
    let health = |checkin: &Option<crate::model::Checkin>| checkin.as_ref().and_then(|c| c.health);
    let mut tracked: Vec<Tracked> = initiatives
        .into_iter()
        .filter(|i| matches!(i.status, Status::Accepted | Status::Active))
        .map(|i| Tracked {
            kind: Kind::Initiative,
            id: i.id.clone(),
            title: i.title.clone(),
            file: i.file.clone(),
            owner: Some(i.owner.clone()),
            status: Some(i.status),
            health: health(&i.checkin),
            checkin: day(&i.checkin),
        })
        .collect();
    tracked.extend(themes.into_iter().map(|t| Tracked {
        kind: Kind::Theme,
        id: t.id.clone(),
        title: t.title.clone(),
        file: t.file.clone(),
        owner: t.owner.clone(),
        status: None,
        health: health(&t.checkin),
        checkin: day(&t.checkin),
    }));
    tracked
}

/// Days from `day` to `as_of`; none for a day after it.
fn days_since(as_of: u64, day: u64) -> u64 {
    as_of.saturating_sub(day)
}

/// Whether a last check-in `days` ago is older than a check-in every `every` days allows.
fn is_overdue(days: u64, every: u32) -> bool {
    days > u64::from(every)
}

/// Whether the last commits are needed: some work has no `[checkin].date` recent enough to
/// settle it alone (a later commit could only make its last check-in more recent).
pub fn needs_history(tracked: &[Tracked], as_of: u64, every: u32) -> bool {
    tracked.iter().any(|t| {
        t.checkin
            .is_none_or(|day| is_overdue(days_since(as_of, day), every))
    })
}

/// One piece of work whose check-in is due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    pub file: String,
    /// `None` for a theme.
    pub status: Option<Status>,
    /// The health at the last check-in, when it gave one.
    pub health: Option<Health>,
    /// `[checkin].date` (`YYYY-MM-DD`), when the file has one.
    pub checkin: Option<String>,
    /// The day (UTC) of the last commit that changed the file, when it was committed.
    pub last_commit: Option<String>,
    /// The later of the two: the last check-in.
    pub last: String,
    pub days_since: u64,
    /// Whole check-in intervals since the last check-in: `days_since / checkin_days`.
    pub missed: u64,
}

/// The work of one owner whose check-ins are due, the longest overdue first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Owner {
    /// `None` for themes without an owner.
    pub owner: Option<String>,
    pub items: Vec<Item>,
}

/// Every check-in that is due on a day, by owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Due {
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub checkin_days: u32,
    /// How many items are due, over all owners.
    pub count: usize,
    /// By owner name; themes without an owner last.
    pub owners: Vec<Owner>,
}

/// The check-ins due on `as_of` with one every `every` days. `last_commits` gives the day of
/// the last commit of each file (repo-relative path); it may leave out every file that
/// [`needs_history`] would not ask about. Work with neither a check-in date nor a commit (a
/// file not committed yet) is new, and not due.
pub fn due(
    tracked: Vec<Tracked>,
    last_commits: &BTreeMap<String, u64>,
    as_of: u64,
    every: u32,
) -> Due {
    let mut by_owner: BTreeMap<(bool, String), Vec<Item>> = BTreeMap::new();
    let mut count = 0;
    for work in tracked {
        let commit = last_commits.get(&work.file).copied();
        let Some(last) = work.checkin.max(commit) else {
            continue;
        };
        let days = days_since(as_of, last);
        if !is_overdue(days, every) {
            continue;
        }
        count += 1;
        // Themes without an owner sort after every named owner.
        let key = match &work.owner {
            Some(owner) => (false, owner.clone()),
            None => (true, String::new()),
        };
        by_owner.entry(key).or_default().push(Item {
            kind: work.kind,
            id: work.id,
            title: work.title,
            file: work.file,
            status: work.status,
            health: work.health,
            checkin: work.checkin.map(format_date),
            last_commit: commit.map(format_date),
            last: format_date(last),
            days_since: days,
            missed: days / u64::from(every),
        });
    }
    let owners = by_owner
        .into_iter()
        .map(|((none, owner), mut items)| {
            items.sort_by(|a, b| {
                b.days_since
                    .cmp(&a.days_since)
                    .then(a.kind.cmp(&b.kind))
                    .then_with(|| a.id.cmp(&b.id))
                    .then_with(|| a.file.cmp(&b.file))
            });
            Owner {
                owner: (!none).then_some(owner),
                items,
            }
        })
        .collect();
    Due {
        as_of: format_date(as_of),
        checkin_days: every,
        count,
        owners,
    }
}

/// Where the last check-in's date came from, in words: the check-in itself or a commit.
fn last_cell(item: &Item) -> String {
    if item.checkin.as_deref() == Some(item.last.as_str()) {
        format!("{} (check-in)", item.last)
    } else {
        format!("{} (commit)", item.last)
    }
}

fn health_word(item: &Item) -> &'static str {
    item.health.map_or("-", Health::as_str)
}

/// The summary line above the tables.
fn summary(due: &Due) -> String {
    format!(
        "{} due as of {}: owners check in every {} days (`[rules].checkin_days`).",
        crate::text::count(due.count, "check-in"),
        due.as_of,
        due.checkin_days
    )
}

/// For a terminal: the summary, then one aligned table with the owner first.
pub fn table(due: &Due) -> String {
    if due.count == 0 {
        return format!(
            "{NOTHING_DUE} Every accepted and active initiative, and every theme, checked in within {} days of {}.\n",
            due.checkin_days, due.as_of
        );
    }
    let mut rows = Vec::new();
    for owner in &due.owners {
        for item in &owner.items {
            rows.push(vec![
                owner
                    .owner
                    .clone()
                    .unwrap_or_else(|| "(no owner)".to_owned()),
                item.id.clone(),
                item.kind.with_status(item.status),
                health_word(item).to_owned(),
                last_cell(item),
                item.days_since.to_string(),
                item.missed.to_string(),
            ]);
        }
    }
    let text = crate::table::layout(
        &[
            "owner",
            "id",
            "kind",
            "health",
            "last check-in",
            "days",
            "missed",
        ],
        &[false, false, false, false, false, true, true],
        &rows,
    );
    format!("{}\n\n{text}", summary(due).replace('`', ""))
}

/// The body of the GitHub issue: the marker, a heading, then a section for each owner with a
/// table of their work; `mention` (`[team].github`) mentions each owner, so GitHub notifies
/// them.
pub fn markdown(due: &Due, mention: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "## Check-ins due");
    if due.count == 0 {
        let _ = writeln!(out, "\n{NOTHING_DUE}\n");
        let _ = writeln!(
            out,
            "Every accepted and active initiative, and every theme, checked in within {} days of {}.",
            due.checkin_days, due.as_of
        );
        return out;
    }
    let _ = writeln!(out, "\n{}", summary(due));
    let _ = writeln!(
        out,
        "\nThe last check-in is the later of `[checkin].date` and the file's last commit; \
         `okr checkin ID` records one."
    );
    for owner in &due.owners {
        let name = match &owner.owner {
            Some(name) => person(name, mention),
            None => "No owner".to_owned(),
        };
        let _ = writeln!(out, "\n### {name}\n");
        let _ = writeln!(
            out,
            "| Work | Kind | Health | Last check-in | Days since | Missed |"
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | ---: | ---: |");
        for item in &owner.items {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                work_cell(&item.title, &item.id),
                item.kind.with_status(item.status),
                health_word(item),
                last_cell(item),
                item.days_since,
                item.missed
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> u64 {
        parse_date(text).unwrap()
    }

    fn work(id: &str, owner: Option<&str>, checkin: Option<&str>) -> Tracked {
        Tracked {
            kind: Kind::Initiative,
            id: id.to_owned(),
            title: format!("Title of {id}"),
            file: format!("initiatives/{id}.toml"),
            owner: owner.map(str::to_owned),
            status: Some(Status::Active),
            health: None,
            checkin: checkin.map(day),
        }
    }

    fn commits(pairs: &[(&str, &str)]) -> BTreeMap<String, u64> {
        pairs
            .iter()
            .map(|(id, date)| (format!("initiatives/{id}.toml"), day(date)))
            .collect()
    }

    #[test]
    fn only_accepted_and_active_initiatives_and_every_theme_are_tracked() {
        let mut initiatives = Vec::new();
        for status in Status::ALL {
            let mut i = Initiative::example();
            i.id = status.as_str().to_owned();
            i.status = status;
            initiatives.push(i);
        }
        let theme = Theme::example("t");
        let tracked = tracked(&initiatives, [&theme]);
        let ids: Vec<(&str, Kind)> = tracked.iter().map(|t| (t.id.as_str(), t.kind)).collect();
        assert_eq!(
            ids,
            [
                ("accepted", Kind::Initiative),
                ("active", Kind::Initiative),
                ("t", Kind::Theme)
            ]
        );
        // The example's check-in: 2026-02-02, at risk.
        assert_eq!(tracked[0].checkin, Some(day("2026-02-02")));
        assert_eq!(tracked[0].health, Some(Health::AtRisk));
        assert_eq!(tracked[2].checkin, None);
    }

    #[test]
    fn due_is_strictly_older_than_the_interval_and_missed_counts_whole_intervals() {
        let as_of = day("2026-03-01");
        let cases = [
            ("2026-02-15", None),    // 14 days: due today, not yet overdue
            ("2026-02-14", Some(1)), // 15 days
            ("2026-02-01", Some(2)), // 28 days
            ("2026-01-31", Some(2)), // 29 days
            ("2026-01-18", Some(3)), // 42 days
            ("2026-03-05", None),    // after the day asked about
        ];
        for (date, missed) in cases {
            let due = due(
                vec![work("a", Some("alice"), Some(date))],
                &BTreeMap::new(),
                as_of,
                14,
            );
            let got = due.owners.first().map(|o| o.items[0].missed);
            assert_eq!(got, missed, "check-in on {date}");
            if let Some(owner) = due.owners.first() {
                assert_eq!(
                    owner.items[0].days_since,
                    as_of - day(date),
                    "check-in on {date}"
                );
            }
        }
    }

    #[test]
    fn the_later_of_the_checkin_date_and_the_last_commit_counts() {
        let as_of = day("2026-03-01");
        let tracked = vec![
            // An old check-in, but a commit last week: checked in.
            work("committed", Some("alice"), Some("2026-01-01")),
            // A recent check-in, an old commit: checked in.
            work("checked", Some("alice"), Some("2026-02-25")),
            // Both old: the later one counts.
            work("both-old", Some("alice"), Some("2026-01-01")),
            // Never checked in: the commit alone counts.
            work("never", Some("bob"), None),
            // Neither: a new file, not committed yet.
            work("new", Some("bob"), None),
        ];
        let last = commits(&[
            ("committed", "2026-02-24"),
            ("checked", "2025-12-01"),
            ("both-old", "2026-01-20"),
            ("never", "2026-02-10"),
        ]);
        assert!(needs_history(&tracked, as_of, 14));
        let due = due(tracked, &last, as_of, 14);
        assert_eq!(due.count, 2);
        let alice = &due.owners[0].items;
        assert_eq!(alice.len(), 1);
        assert_eq!(alice[0].id, "both-old");
        assert_eq!(alice[0].last, "2026-01-20");
        assert_eq!(alice[0].checkin.as_deref(), Some("2026-01-01"));
        assert_eq!(alice[0].last_commit.as_deref(), Some("2026-01-20"));
        assert_eq!(alice[0].days_since, 40);
        assert_eq!(alice[0].missed, 2);
        assert_eq!(last_cell(&alice[0]), "2026-01-20 (commit)");
        let bob = &due.owners[1].items;
        assert_eq!(bob[0].id, "never");
        assert_eq!(bob[0].days_since, 19);
        assert_eq!(bob[0].missed, 1);
    }

    #[test]
    fn work_is_grouped_by_owner_longest_overdue_first_and_no_owner_last() {
        let as_of = day("2026-03-01");
        let mut theme = work("objective", None, Some("2026-01-01"));
        theme.kind = Kind::Theme;
        theme.status = None;
        let tracked = vec![
            theme,
            work("b", Some("carol"), Some("2026-02-01")),
            work("a", Some("carol"), Some("2026-02-01")),
            work("c", Some("carol"), Some("2026-01-01")),
            work("d", Some("alice"), Some("2026-02-01")),
        ];
        let due = due(tracked, &BTreeMap::new(), as_of, 14);
        let groups: Vec<(Option<&str>, Vec<&str>)> = due
            .owners
            .iter()
            .map(|o| {
                (
                    o.owner.as_deref(),
                    o.items.iter().map(|i| i.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            [
                (Some("alice"), vec!["d"]),
                (Some("carol"), vec!["c", "a", "b"]),
                (None, vec!["objective"]),
            ]
        );
        assert_eq!(due.count, 5);
    }

    #[test]
    fn history_is_needed_only_when_a_checkin_date_cannot_settle_it() {
        let as_of = day("2026-03-01");
        let recent = work("a", Some("alice"), Some("2026-02-20"));
        assert!(!needs_history(std::slice::from_ref(&recent), as_of, 14));
        assert!(needs_history(
            &[recent.clone(), work("b", Some("alice"), None)],
            as_of,
            14
        ));
        assert!(needs_history(
            &[recent, work("c", Some("alice"), Some("2026-02-01"))],
            as_of,
            14
        ));
        assert!(!needs_history(&[], as_of, 14));
    }

    #[test]
    fn the_issue_body_escapes_titles_and_mentions_only_logins() {
        let as_of = day("2026-03-01");
        let mut odd = work("odd", Some("Data team"), Some("2026-01-01"));
        odd.title = "Pipes | and <b>tags</b> @here".into();
        let tracked = vec![odd, work("a", Some("alice"), Some("2026-01-01"))];
        let due = due(tracked, &BTreeMap::new(), as_of, 14);
        let body = markdown(&due, true);
        assert!(
            body.starts_with("<!-- okr-due -->\n## Check-ins due\n"),
            "{body}"
        );
        assert!(body.contains("\n### @alice\n"), "{body}");
        assert!(body.contains("\n### Data team\n"), "{body}");
        assert!(
            body.contains("| Pipes \\| and \\<b\\>tags\\</b\\> @\u{200B}here (`odd`) |"),
            "{body}"
        );
        assert!(!markdown(&due, false).contains("@alice"));
        let nothing = super::due(vec![], &BTreeMap::new(), as_of, 14);
        assert!(markdown(&nothing, true).lines().any(|l| l == NOTHING_DUE));
        assert!(!body.lines().any(|l| l == NOTHING_DUE));
    }
}
