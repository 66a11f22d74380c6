//! The `stale` rule: an accepted or active initiative whose file has not changed in git for
//! `[rules].stale_days` days.
//!
//! Unlike the other rules it needs git, so it runs in three steps around them: before the rules,
//! the [`candidates`] (the files of accepted and active initiatives, with their texts); beside
//! the rules, asking git which of them changed within the window ([`recently_changed`]); after,
//! the findings for the rest ([`Checked::add_stale`](super::Checked::add_stale)).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use super::file::{Built, OutlineRef, Outlined, Spans};
use crate::config::Config;
use crate::finding::{Finding, Rule, RuleLevel, Texts};
use crate::git::{self, ChangeKind, Repo};
use crate::model::Status;

/// Whether the rule is on in `[rules]`.
pub(crate) fn is_on(config: &Config) -> bool {
    config.rules.level(Rule::Stale) != RuleLevel::Off
}

/// Whether an initiative in `status` can be stale: only work that was agreed on, or is under
/// way, is expected to move.
pub(crate) fn applies_to(status: Status) -> bool {
    matches!(status, Status::Accepted | Status::Active)
}

/// One file the rule asks git about, with its text as read (to tell a change in the working
/// tree from `HEAD`).
pub type Candidate = (String, Arc<str>);

/// The files of accepted or active initiatives, with their text: what the rule asks git about.
/// None when the rule is off. Taken before the rules run, which consume the initiatives.
pub fn candidates<I: Outlined>(
    config: &Config,
    initiatives: &Built<I>,
    texts: &Texts,
) -> Vec<Candidate> {
    if !is_on(config) {
        return Vec::new();
    }
    initiatives
        .initiatives()
        .map(Outlined::outline)
        .filter(|i| applies_to(i.status))
        .filter_map(|i| {
            texts
                .get(i.file)
                .map(|t| (i.file.to_owned(), Arc::clone(t)))
        })
        .collect()
}

/// What git said of the candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recent {
    /// The candidates that changed within the window.
    Changed(BTreeSet<String>),
    /// No candidates: nothing to ask, and nothing to say.
    NothingToAsk,
    /// Why there is no history to ask: a note, not an error, and no findings.
    Skipped(String),
}

/// Which of `candidates` changed in the last `stale_days` days, in the repository at `root` at
/// `rev` (the working tree's `HEAD` when `None`, where files changed in the working tree count
/// as changed). The walk stops at the window's start, so its cost does not grow with the age
/// of the repository.
pub fn recently_changed(
    root: &Path,
    rev: Option<&str>,
    config: &Config,
    candidates: &[Candidate],
) -> Recent {
    let files: Vec<(&str, &[u8])> = candidates
        .iter()
        .map(|(file, text)| (file.as_str(), text.as_bytes()))
        .collect();
    if files.is_empty() {
        return Recent::NothingToAsk;
    }
    let Ok(repo) = Repo::open(root) else {
        return Recent::Skipped("not a git repository, so there is no history".to_owned());
    };
    let head = repo.head();
    if rev.is_none() && head.is_none() {
        return Recent::Skipped("the repository has no commits yet".to_owned());
    }
    match walk(&repo, rev, head, config, &files) {
        Ok(recent) => Recent::Changed(recent),
        Err(why) => Recent::Skipped(why),
    }
}

/// [`recently_changed`] once the repository is open and has a commit to start from (`head`,
/// when `rev` is `None`); `Err` carries why there is no history to ask.
fn walk(
    repo: &Repo,
    rev: Option<&str>,
    head: Option<String>,
    config: &Config,
    files: &[(&str, &[u8])],
) -> std::result::Result<BTreeSet<String>, String> {
    if repo.is_shallow() {
        return Err(crate::git::shallow_message());
    }
    let from = match (rev, head) {
        (Some(rev), _) => repo.resolve_id(rev).map_err(|e| e.to_string())?,
        (None, Some(head)) => head,
        (None, None) => unreachable!("a working tree without commits is not walked"),
    };
    // `--as-of` first, else the revision's own time, else now: the end of that day.
    let now = match (crate::period::as_of(), rev) {
        (Some(day), _) => (i64::try_from(day).unwrap_or(i64::MAX / 86_400) + 1) * 86_400,
        (None, Some(_)) => repo.commit_info(&from).map_err(|e| e.to_string())?.time,
        (None, None) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
    };
    let since = now - i64::from(config.stale_days) * 86_400;
    let dirs = [config.paths.initiatives.as_str()];
    let walked = repo
        .walk(
            &from,
            &git::Walk {
                dirs: &dirs,
                hide: None,
                since: Some(since),
            },
        )
        .map_err(|e| e.to_string())?;
    let mut recent = BTreeSet::new();
    // Follow renames back in time: an older change under the old name is a change of the file.
    let mut alias: HashMap<String, String> = if walked.is_empty() {
        HashMap::new()
    } else {
        files
            .iter()
            .map(|(f, _)| ((*f).to_owned(), (*f).to_owned()))
            .collect()
    };
    for commit in &walked {
        for change in &commit.changes {
            let Some(file) = alias.get(&change.path).cloned() else {
                continue;
            };
            if let ChangeKind::Renamed(from) = &change.kind {
                alias.insert(from.clone(), file.clone());
            }
            recent.insert(file);
        }
    }
    if rev.is_none() {
        let unsure: Vec<(&str, &[u8])> = files
            .iter()
            .filter(|(f, _)| !recent.contains(*f))
            .copied()
            .collect();
        recent.extend(repo.differs_from_head(&unsure));
    }
    Ok(recent)
}

/// The findings for the accepted and active initiatives of `initiatives` (each with where its
/// file wrote what) that are not in `recent`; `limit` is `stale_days`.
pub(super) fn findings<'a>(
    initiatives: impl Iterator<Item = (OutlineRef<'a>, &'a Spans)>,
    limit: u32,
    recent: &BTreeSet<String>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (initiative, spans) in initiatives {
        if !applies_to(initiative.status) || recent.contains(initiative.file) {
            continue;
        }
        let span = spans.status.clone();
        findings.push(
            Finding::new(
                Rule::Stale,
                initiative.file,
                span,
                format!(
                    "`{}` is {} but has not changed in the last {limit} days",
                    initiative.id, initiative.status
                ),
            )
            .with_help(
                "update its key results or status, or drop it; the limit is `[rules].stale_days`"
                    .to_owned(),
            ),
        );
    }
    findings
}
