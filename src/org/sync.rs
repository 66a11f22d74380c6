//! `okr org sync`: each team's branch fetched into `refs/okr/teams/<name>` of the org
//! repository, all teams at once, each one's outcome reported; one unreachable team never
//! stops the others.

use std::path::Path;

use rayon::prelude::*;

use super::config::{OrgConfig, Team, redact};
use super::lock::Lock;
use crate::git::{self, Fetched, Repo};

/// The ref of the org repository that holds a team's synced branch.
pub fn team_ref(name: &str) -> String {
    format!("refs/okr/teams/{name}")
}

/// What syncing one team did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    pub team: String,
    /// What the fetch did, or why it failed (credentials masked).
    pub outcome: Result<Fetched, String>,
}

impl Synced {
    /// One line for a reader: `payments: updated 1a2b3c4..5d6e7f8`.
    pub fn line(&self) -> String {
        let what = match &self.outcome {
            Ok(Fetched::New(id)) => format!("new {}", git::short_id(id)),
            Ok(Fetched::Updated { old, new }) => {
                format!("updated {}..{}", git::short_id(old), git::short_id(new))
            }
            Ok(Fetched::Unchanged(_)) => "unchanged".to_owned(),
            Err(reason) => format!("unreachable: {reason}"),
        };
        format!("{}: {what}", self.team)
    }
}

/// Fetches each team's `ref` from its `url` into [`team_ref`] of the git repository at
/// `git_dir`, in parallel, and gives the outcomes in the order of `teams`. A relative path is
/// taken from `root`, the folder of okr-org.toml.
pub fn sync(root: &Path, git_dir: &Path, teams: &[&Team]) -> Vec<Synced> {
    let _git_files = git::GitFilesGuard::new(git_dir);
    teams
        .par_iter()
        .map(|team| {
            let outcome = match location(root, &team.url) {
                Location::Path(path) if !Path::new(&path).exists() => {
                    Err(format!("no repository at `{path}`"))
                }
                Location::Path(url) | Location::Url(url) => {
                    git::fetch_branch(git_dir, &url, &team.reference, &team_ref(&team.name))
                }
            }
            .map_err(|reason| redact(&reason));
            Synced {
                team: team.name.clone(),
                outcome,
            }
        })
        .collect()
}

/// The lock of what `repo` holds now: the synced commit of every team of `config`; a team
/// without a synced ref (one that could not be reached in a fresh clone) keeps its commit in
/// `previous`, the lock as it was.
pub fn lock(repo: &Repo, config: &OrgConfig, previous: Option<&Lock>) -> Lock {
    Lock {
        teams: config
            .teams
            .iter()
            .filter_map(|t| {
                let commit = repo
                    .reference_id(&team_ref(&t.name))
                    .or_else(|| previous?.teams.get(&t.name).cloned())?;
                Some((t.name.clone(), commit))
            })
            .collect(),
    }
}

/// Where git finds a team's repository.
#[derive(Debug, PartialEq, Eq)]
enum Location {
    Url(String),
    /// A folder on this machine (libgit2 calls one that does not exist an unsupported URL).
    Path(String),
}

/// A URL as it is, a path taken from `root`. As git reads it, a URL has `://`, or a `:`
/// before any `/` (`git@host:path`).
fn location(root: &Path, url: &str) -> Location {
    if url.contains("://") || git::is_scp_like(url) {
        return Location::Url(url.to_owned());
    }
    Location::Path(root.join(url).to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_taken_from_the_org_root_and_urls_kept() {
        let root = Path::new("/srv/org");
        let path = |p: &str| Location::Path(p.to_owned());
        let url = |u: &str| Location::Url(u.to_owned());
        assert_eq!(location(root, "../payments"), path("/srv/org/../payments"));
        assert_eq!(
            location(root, "teams/web.git"),
            path("/srv/org/teams/web.git")
        );
        assert_eq!(location(root, "/abs/x"), path("/abs/x"));
        assert_eq!(location(root, "file:///srv/x"), url("file:///srv/x"));
        assert_eq!(
            location(root, "git@github.com:acme/x"),
            url("git@github.com:acme/x")
        );
        assert_eq!(
            location(root, "https://github.com/acme/x"),
            url("https://github.com/acme/x")
        );
    }

    #[test]
    fn lines_say_what_happened() {
        let line = |outcome| {
            Synced {
                team: "web".into(),
                outcome,
            }
            .line()
        };
        let (a, b) = ("a".repeat(40), "b".repeat(40));
        assert_eq!(line(Ok(Fetched::New(a.clone()))), "web: new aaaaaaa");
        assert_eq!(
            line(Ok(Fetched::Updated {
                old: a.clone(),
                new: b
            })),
            "web: updated aaaaaaa..bbbbbbb"
        );
        assert_eq!(line(Ok(Fetched::Unchanged(a))), "web: unchanged");
        assert_eq!(line(Err("gone".into())), "web: unreachable: gone");
    }
}
