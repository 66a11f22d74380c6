//! `okr-org.lock`: the commit of each team that a sync left in `refs/okr/teams/<name>`,
//! written by `okr org sync` beside okr-org.toml. Committed with the org's files, it makes every
//! revision of the org repository a record of what the org read then, which `okr org diff`
//! compares.
//!
//! ```toml
//! [teams]
//! payments = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
//! ```

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::source::Source;

/// The file's name, beside okr-org.toml.
pub const LOCK: &str = "okr-org.lock";

const HEADER: &str = "# Written by `okr org sync`: the commit of each team the org read.\n\
# Commit it with the org's files: `okr org diff` compares two revisions by it.\n";

/// Each team's synced commit (a full id), by team name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    pub teams: BTreeMap<String, String>,
}

impl Lock {
    /// The file's text: the teams in `order` (okr-org.toml's), then any others by name.
    pub fn text(&self, order: &[&str]) -> String {
        let mut out = format!("{HEADER}\n[teams]\n");
        let known = order
            .iter()
            .copied()
            .filter(|n| self.teams.contains_key(*n));
        let others = self
            .teams
            .keys()
            .map(String::as_str)
            .filter(|n| !order.contains(n));
        for name in known.chain(others) {
            out.push_str(&format!("{name} = \"{}\"\n", self.teams[name]));
        }
        out
    }

    /// Reads the lock of `source` (`where_` names the revision for a reader); `None` when it
    /// has none. A file okr did not write is a usage error naming it.
    pub fn read(source: &dyn Source, where_: &str) -> Result<Option<Lock>> {
        let Some(file) = source.read(LOCK)? else {
            return Ok(None);
        };
        let problem = |why: String| {
            Error::usage(format!(
                "{LOCK} in {where_} is not one `okr org sync` writes: {why}\nhelp: run `okr org \
                 sync` to write it again"
            ))
        };
        let text = crate::load::decode(&file).map_err(|findings| {
            problem(
                findings
                    .first()
                    .map_or_else(String::new, |f| f.message.clone()),
            )
        })?;
        Lock::parse(&text).map_err(problem).map(Some)
    }

    fn parse(text: &str) -> std::result::Result<Lock, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            teams: BTreeMap<String, String>,
        }
        let file: File = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        if let Some((name, id)) = file.teams.iter().find(|(_, id)| !is_commit_id(id)) {
            return Err(format!(
                "team `{name}` has `{}`, not a commit id",
                crate::text::cut(id, 50)
            ));
        }
        Ok(Lock { teams: file.teams })
    }
}

/// A full commit id: 40 lowercase hexadecimal digits.
fn is_commit_id(id: &str) -> bool {
    id.len() == 40 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryTree;

    fn lock(teams: &[(&str, char)]) -> Lock {
        Lock {
            teams: teams
                .iter()
                .map(|(n, c)| ((*n).to_owned(), c.to_string().repeat(40)))
                .collect(),
        }
    }

    #[test]
    fn the_text_lists_teams_in_the_org_order_and_reads_back() {
        let lock = lock(&[("web", 'a'), ("payments", 'b'), ("gone", 'c')]);
        let text = lock.text(&["payments", "search", "web"]);
        let lines: Vec<&str> = text.lines().skip_while(|l| *l != "[teams]").collect();
        assert_eq!(
            lines,
            [
                "[teams]",
                &format!("payments = \"{}\"", "b".repeat(40)),
                &format!("web = \"{}\"", "a".repeat(40)),
                &format!("gone = \"{}\"", "c".repeat(40)),
            ]
        );
        let mut tree = MemoryTree::new();
        tree.insert(LOCK, text.as_str());
        assert_eq!(Lock::read(&tree, "HEAD").unwrap(), Some(lock));
    }

    #[test]
    fn no_lock_is_none_and_a_foreign_one_is_an_error_that_says_where() {
        assert_eq!(Lock::read(&MemoryTree::new(), "HEAD").unwrap(), None);
        for (text, why) in [
            (
                "[teams]\nweb = \"main\"\n",
                "team `web` has `main`, not a commit id",
            ),
            (
                &format!("[teams]\nweb = \"{}\"\n", "A".repeat(40)),
                "not a commit id",
            ),
            ("[team]\nweb = 1\n", "unknown field"),
            ("teams = [", "unclosed array"),
        ] {
            let mut tree = MemoryTree::new();
            tree.insert(LOCK, text);
            let error = Lock::read(&tree, "`v1`").unwrap_err().to_string();
            assert!(error.contains("okr-org.lock in `v1` is not one"), "{error}");
            assert!(error.contains(why), "{text}: {error}");
        }
    }
}
