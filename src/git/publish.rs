//! Publishing: commits a rendered tree on a branch, never rewriting its history and never
//! moving a branch that a worktree has checked out.

use std::path::Path;

use git2::{ErrorCode, Oid};

use super::repo::{Repo, git_error};
use crate::error::Result;

impl Repo {
    /// Commits `files` (a `/`-separated path, contents) as the whole tree of a commit on `branch`, with the
    /// branch's tip as parent. The branch moves only if it still points where it did when okr
    /// read it. `Ok((id, false))` when the tree is the same as the tip's: no commit is made.
    pub fn commit_files(
        &self,
        branch: &str,
        files: &[(String, String)],
        message: &str,
    ) -> Result<(String, bool)> {
        let refname = branch_ref(branch)?;
        self.refuse_checked_out(branch, &refname)?;
        let tip = match self.repo.find_reference(&refname) {
            Ok(reference) if reference.kind() != Some(git2::ReferenceType::Direct) => {
                return Err(git_error(format!(
                    "branch `{branch}` is a symbolic ref; okr publishes only to a plain branch"
                )));
            }
            Ok(reference) => Some(reference.peel_to_commit().map_err(|e| {
                git_error(format!(
                    "branch `{branch}` does not point at a commit: {}",
                    e.message()
                ))
            })?),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(git_error(e.message())),
        };
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        let tree_id = self.write_tree(&files)?;
        if let Some(tip) = &tip
            && tip.tree_id() == tree_id
        {
            return Ok((tip.id().to_string(), false));
        }
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(|e| git_error(e.message()))?;
        let signature = self
            .repo
            .signature()
            .or_else(|_| git2::Signature::now("okr", "okr@localhost"))
            .map_err(|e| git_error(e.message()))?;
        let parents: Vec<&git2::Commit<'_>> = tip.iter().collect();
        let commit = self
            .repo
            .commit(None, &signature, &signature, message, &tree, &parents)
            .map_err(|e| git_error(e.message()))?;
        let log = format!("okr publish: {message}");
        self.move_branch(branch, commit, tip.as_ref().map(git2::Commit::id), &log)?;
        Ok((commit.to_string(), true))
    }

    /// Writes `files` (a `/`-separated path, contents) as a tree, each folder a tree of its
    /// own, and gives its id.
    fn write_tree(&self, files: &[(&str, &str)]) -> Result<Oid> {
        let mut builder = self
            .repo
            .treebuilder(None)
            .map_err(|e| git_error(e.message()))?;
        // The files of each folder, by the folder's name, in order.
        let mut folders: std::collections::BTreeMap<&str, Vec<(&str, &str)>> =
            std::collections::BTreeMap::new();
        for &(name, text) in files {
            if let Some((folder, rest)) = name.split_once('/') {
                folders.entry(folder).or_default().push((rest, text));
                continue;
            }
            let blob = self
                .repo
                .blob(text.as_bytes())
                .map_err(|e| git_error(e.message()))?;
            builder
                .insert(name, blob, 0o100_644)
                .map_err(|e| git_error(format!("cannot add `{name}`: {}", e.message())))?;
        }
        for (folder, inside) in folders {
            let tree = self.write_tree(&inside)?;
            builder
                .insert(folder, tree, 0o040_000)
                .map_err(|e| git_error(format!("cannot add `{folder}/`: {}", e.message())))?;
        }
        builder.write().map_err(|e| git_error(e.message()))
    }

    /// The names of the tags under `okr/` (`okr/2026-Q1`), each the archive of a closed
    /// period, sorted; whether each names a period is the caller's to judge.
    pub fn archive_tags(&self) -> Result<Vec<String>> {
        let names = self
            .repo
            .tag_names(Some("okr/*"))
            .map_err(|e| git_error(e.message()))?;
        let mut names: Vec<String> = names
            .iter()
            .filter_map(|name| name.ok().flatten().map(str::to_owned))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Fails when a worktree of the repository (the main one or a linked one) has `refname`
    /// checked out: moving it would leave that worktree's files and index describing another
    /// commit, as `git branch -f` refuses to.
    fn refuse_checked_out(&self, branch: &str, refname: &str) -> Result<()> {
        let common = self.repo.commondir();
        // Git lists linked worktrees by their folders under `worktrees/`, names in any encoding.
        let mut heads = vec![(common.join("HEAD"), "the main worktree".to_owned())];
        if let Ok(linked) = std::fs::read_dir(common.join("worktrees")) {
            heads.extend(linked.flatten().map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                (entry.path().join("HEAD"), format!("the worktree `{name}`"))
            }));
        }
        for (head, worktree) in heads {
            let Some(git_dir) = head.parent() else {
                continue;
            };
            if self.checked_out(git_dir).iter().any(|name| name == refname) {
                return Err(git_error(format!(
                    "branch `{branch}` is checked out in {worktree}; publish to a branch of its \
                     own, e.g. `--branch okr-docs`"
                )));
            }
        }
        Ok(())
    }

    /// The refs that the worktree whose git folder is `git_dir` has checked out: what its HEAD
    /// names (a `ref:` line, or a link as `core.preferSymlinkRefs` writes it) and every ref on
    /// the chain of symbolic refs from there, and the branch that a rebase or bisect in
    /// progress will return to, as git itself counts them.
    fn checked_out(&self, git_dir: &Path) -> Vec<String> {
        let mut names = Vec::new();
        let head = git_dir.join("HEAD");
        let named = match std::fs::symlink_metadata(&head) {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::read_link(&head)
                .ok()
                .map(|target| target.to_string_lossy().replace('\\', "/")),
            Ok(_) => std::fs::read_to_string(&head)
                .ok()
                .and_then(|text| Some(text.trim_end().strip_prefix("ref:")?.trim().to_owned())),
            Err(_) => None,
        };
        names.extend(named);
        for state in ["rebase-merge/head-name", "rebase-apply/head-name"] {
            if let Ok(text) = std::fs::read_to_string(git_dir.join(state)) {
                names.push(text.trim().to_owned());
            }
        }
        // `git bisect start` records the branch it started from, without `refs/heads/`.
        if let Ok(text) = std::fs::read_to_string(git_dir.join("BISECT_START")) {
            names.push(format!("refs/heads/{}", text.trim()));
        }
        // A symbolic ref on the way moves whatever it points at: follow each chain to its end.
        let mut chained = Vec::new();
        for name in &names {
            let mut current = name.clone();
            for _ in 0..10 {
                let Some(target) = self
                    .repo
                    .find_reference(&current)
                    .ok()
                    .and_then(|r| r.symbolic_target().ok().flatten().map(str::to_owned))
                else {
                    break;
                };
                chained.push(target.clone());
                current = target;
            }
        }
        names.extend(chained);
        names
    }

    /// Points `branch` at `commit` only if it still points at `expected` (`None`: only if it
    /// does not exist yet), as one compare-and-swap on the ref; otherwise nothing changes.
    fn move_branch(
        &self,
        branch: &str,
        commit: Oid,
        expected: Option<Oid>,
        log: &str,
    ) -> Result<()> {
        let refname = format!("refs/heads/{branch}");
        let updated = match expected {
            Some(old) => self
                .repo
                .reference_matching(&refname, commit, true, old, log),
            None => self.repo.reference(&refname, commit, false, log),
        };
        updated.map(drop).map_err(|e| {
            git_error(format!(
                "branch `{branch}` moved while okr was publishing ({}); run okr publish again",
                e.message()
            ))
        })
    }
}

/// The ref of the branch `branch`, for a name that `git check-ref-format --branch` accepts:
/// a valid ref name under `refs/heads/`, but never `HEAD` (`refs/heads/HEAD` would read as HEAD
/// itself) and never one that starts with `-` (it would read as an option).
pub fn branch_ref(branch: &str) -> Result<String> {
    let refname = format!("refs/heads/{branch}");
    if branch == "HEAD" || branch.starts_with('-') || !git2::Reference::is_valid_name(&refname) {
        return Err(git_error(format!(
            "`{branch}` is not a valid branch name; see `git check-ref-format --branch`"
        )));
    }
    Ok(refname)
}

#[cfg(test)]
mod tests {
    use git2::Oid;

    use crate::git::repo::Repo;
    use crate::git::repo::tests::repo;

    fn files(text: &str) -> Vec<(String, String)> {
        vec![("README.md".to_owned(), text.to_owned())]
    }

    fn tip(repo: &Repo, branch: &str) -> Oid {
        repo.repo
            .refname_to_id(&format!("refs/heads/{branch}"))
            .unwrap()
    }

    #[test]
    fn publishing_adds_commits_and_never_rewrites_history() {
        let (_dir, repo) = repo();
        let (first, created) = repo.commit_files("okrs", &files("one"), "first").unwrap();
        assert!(created);
        let (same, created) = repo.commit_files("okrs", &files("one"), "again").unwrap();
        assert!(!created, "no commit when nothing changed");
        assert_eq!(same, first);
        let (second, created) = repo.commit_files("okrs", &files("two"), "second").unwrap();
        assert!(created);
        let first = Oid::from_str(&first).unwrap();
        let second = Oid::from_str(&second).unwrap();
        assert_eq!(tip(&repo, "okrs"), second);
        let commit = repo.repo.find_commit(second).unwrap();
        assert_eq!(commit.parent_ids().collect::<Vec<_>>(), [first]);
        assert!(repo.repo.graph_descendant_of(second, first).unwrap());
    }

    #[test]
    fn a_branch_that_moved_meanwhile_is_not_overwritten() {
        let (_dir, repo) = repo();
        let (read, _) = repo.commit_files("okrs", &files("one"), "first").unwrap();
        let read = Oid::from_str(&read).unwrap();
        // Someone else publishes after okr read the tip `read` and before it moves the branch.
        let (theirs, _) = repo
            .commit_files("okrs", &files("theirs"), "theirs")
            .unwrap();
        let theirs = Oid::from_str(&theirs).unwrap();
        let (ours, _) = repo
            .commit_files("scratch", &files("ours"), "ours")
            .unwrap();
        let ours = Oid::from_str(&ours).unwrap();
        // The same swap with the right old value succeeds: the failure below is the compare.
        repo.move_branch("scratch", ours, Some(ours), "noop")
            .unwrap();
        let error = repo
            .move_branch("okrs", ours, Some(read), "okr publish: ours")
            .unwrap_err()
            .to_string();
        assert!(error.contains("moved while okr was publishing"), "{error}");
        assert_eq!(tip(&repo, "okrs"), theirs, "their commit stays");
        // A branch created meanwhile is not overwritten either.
        let error = repo
            .move_branch("okrs", ours, None, "okr publish: ours")
            .unwrap_err()
            .to_string();
        assert!(error.contains("moved while okr was publishing"), "{error}");
        assert_eq!(tip(&repo, "okrs"), theirs);
    }

    #[test]
    fn branch_names_are_checked() {
        let (_dir, repo) = repo();
        for name in ["../HEAD", "a..b", "-x/..", "a b", ""] {
            assert!(repo.commit_files(name, &files("x"), "m").is_err(), "{name}");
        }
    }
}
