//! One file committed on HEAD by itself, as `okr checkin --commit` does: the commit's tree is
//! HEAD's with only that file's blob replaced, so whatever else is staged or changed in the
//! working tree stays as it was, staged or not.

use std::path::Path;

use git2::{FileMode, ObjectType, Oid};

use super::repo::{Repo, git_error};
use crate::error::Result;

impl Repo {
    /// Refuses, before anything is written, a commit of `path` (team-repository relative)
    /// holding `bytes` that would sweep up something else: the file staged, or changed in the
    /// work tree, with changes that are neither HEAD's nor `bytes`, or in a merge conflict. Also refuses when git does not
    /// know who the author is.
    pub fn can_commit_file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.signature()?;
        let full = self.full(path);
        let index = self
            .repo
            .index()
            .map_err(|e| git_error(format!("cannot read git's index: {}", e.message())))?;
        if (1..=3).any(|stage| index.get_path(Path::new(&full), stage).is_some()) {
            return Err(git_error(format!(
                "`{full}` has a merge conflict; resolve it before checking in with `--commit`"
            )));
        }
        let staged = index.get_path(Path::new(&full), 0).map(|entry| entry.id);
        let head = self.head_entry(&full)?.map(|(id, _)| id);
        let new = Oid::hash_object(ObjectType::Blob, bytes).map_err(|e| git_error(e.message()))?;
        if staged != head && staged != Some(new) {
            return Err(git_error(format!(
                "`{full}` has staged changes of its own, and `--commit` commits the file alone; \
                 commit them or unstage them (`git restore --staged {full}`) first, or check in \
                 without `--commit`"
            )));
        }
        // The commit takes the work tree's file with the check-in written in: edits of the
        // file not yet committed would go into it unseen, under the check-in's message.
        let on_disk = self
            .repo
            .workdir()
            .map(|dir| dir.join(&full))
            .and_then(|file| Oid::hash_file(ObjectType::Blob, file).ok());
        if on_disk.is_some() && on_disk != head && on_disk != Some(new) {
            let what = if head.is_some() {
                "has changes that are not committed"
            } else {
                "is not committed yet"
            };
            return Err(git_error(format!(
                "`{full}` {what}, and `--commit` would commit them with the check-in\nhelp: \
                 commit the file (or `git stash` its changes) first, or check in without \
                 `--commit`"
            )));
        }
        Ok(())
    }

    /// Commits `path` holding `bytes` (already written to the working tree) on HEAD, with
    /// `message`, authored and committed by git's configured user; then stages that file alone.
    /// The commit's id, or `None` when HEAD already holds those bytes (nothing is committed).
    pub fn commit_file(&self, path: &str, bytes: &[u8], message: &str) -> Result<Option<String>> {
        self.can_commit_file(path, bytes)?;
        let signature = self.signature()?;
        let full = self.full(path);
        let parent = match self.repo.head() {
            Ok(head) => Some(head.peel_to_commit().map_err(|e| {
                git_error(format!("HEAD does not point at a commit: {}", e.message()))
            })?),
            Err(_) => None,
        };
        let base = match &parent {
            Some(commit) => commit.tree(),
            None => self
                .repo
                .treebuilder(None)
                .and_then(|builder| builder.write())
                .and_then(|id| self.repo.find_tree(id)),
        }
        .map_err(|e| git_error(e.message()))?;
        let blob = self.repo.blob(bytes).map_err(|e| git_error(e.message()))?;
        // An executable file stays one.
        let mode = match self.head_entry(&full)? {
            Some((_, mode)) if mode == i32::from(FileMode::BlobExecutable) => {
                FileMode::BlobExecutable
            }
            _ => FileMode::Blob,
        };
        let tree_id = git2::build::TreeUpdateBuilder::new()
            .upsert(full.as_str(), blob, mode)
            .create_updated(&self.repo, &base)
            .map_err(|e| git_error(format!("cannot build the commit's tree: {}", e.message())))?;
        if tree_id == base.id() && parent.is_some() {
            return Ok(None);
        }
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(|e| git_error(e.message()))?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        // The commit moves HEAD only if it still points at `parent`: libgit2 refuses otherwise.
        let commit = self
            .repo
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                message,
                &tree,
                &parents,
            )
            .map_err(|e| git_error(format!("cannot commit: {}", e.message())))?;
        let mut index = self
            .repo
            .index()
            .map_err(|e| git_error(format!("cannot read git's index: {}", e.message())))?;
        index
            .add_path(Path::new(&full))
            .and_then(|()| index.write())
            .map_err(|e| {
                git_error(format!(
                    "committed {commit}, but cannot stage `{full}` in git's index: {}",
                    e.message()
                ))
            })?;
        Ok(Some(commit.to_string()))
    }

    /// The author and committer from git's config.
    fn signature(&self) -> Result<git2::Signature<'static>> {
        self.repo.signature().map_err(|_| {
            git_error(
                "git does not know who you are, and a check-in is committed as you; set \
                 `git config user.name` and `git config user.email`",
            )
        })
    }

    /// The blob and mode at `full` (a work-tree path) in HEAD's tree; `None` when HEAD has no
    /// such file or there is no HEAD.
    fn head_entry(&self, full: &str) -> Result<Option<(Oid, i32)>> {
        let Ok(head) = self.repo.head() else {
            return Ok(None);
        };
        let tree = head
            .peel_to_tree()
            .map_err(|e| git_error(format!("cannot read HEAD's tree: {}", e.message())))?;
        Ok(tree
            .get_path(Path::new(full))
            .ok()
            .filter(|entry| entry.kind() == Some(ObjectType::Blob))
            .map(|entry| (entry.id(), entry.filemode())))
    }
}

#[cfg(test)]
mod tests {
    use super::super::repo::tests::repo;
    use super::*;

    fn write(dir: &Path, path: &str, text: &str) {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    fn stage(repo: &Repo, path: &str) {
        let mut index = repo.repo.index().unwrap();
        index.add_path(Path::new(path)).unwrap();
        index.write().unwrap();
    }

    fn blob_at(repo: &Repo, rev: &str, path: &str) -> String {
        let tree = repo
            .repo
            .revparse_single(rev)
            .unwrap()
            .peel_to_tree()
            .unwrap();
        let entry = tree.get_path(Path::new(path)).unwrap();
        let blob = repo.repo.find_blob(entry.id()).unwrap();
        String::from_utf8(blob.content().to_vec()).unwrap()
    }

    #[test]
    fn the_file_is_committed_alone_and_the_rest_of_the_index_stays() {
        let (dir, repo) = repo();
        write(dir.path(), "initiatives/a.toml", "a1");
        write(dir.path(), "initiatives/b.toml", "b1");
        stage(&repo, "initiatives/a.toml");
        stage(&repo, "initiatives/b.toml");
        assert!(
            repo.commit_file("initiatives/a.toml", b"a1", "first")
                .unwrap()
                .is_some()
        );
        // b was staged, not committed: the commit holds a alone.
        let tree = repo.repo.head().unwrap().peel_to_tree().unwrap();
        assert!(tree.get_path(Path::new("initiatives/b.toml")).is_err());
        // Another file staged, the checked-in file changed in the working tree.
        write(dir.path(), "initiatives/b.toml", "b2");
        stage(&repo, "initiatives/b.toml");
        write(dir.path(), "initiatives/a.toml", "a2");
        let id = repo
            .commit_file("initiatives/a.toml", b"a2", "checkin(a)")
            .unwrap()
            .unwrap();
        assert_eq!(blob_at(&repo, &id, "initiatives/a.toml"), "a2");
        assert!(
            repo.repo
                .find_commit(Oid::from_str(&id).unwrap())
                .unwrap()
                .tree()
                .unwrap()
                .get_path(Path::new("initiatives/b.toml"))
                .is_err()
        );
        let index = repo.repo.index().unwrap();
        let staged = |path: &str| index.get_path(Path::new(path), 0).unwrap().id;
        assert_eq!(
            staged("initiatives/b.toml"),
            Oid::hash_object(ObjectType::Blob, b"b2").unwrap()
        );
        assert_eq!(
            staged("initiatives/a.toml"),
            Oid::hash_object(ObjectType::Blob, b"a2").unwrap()
        );
        // The same bytes again: nothing to commit.
        assert_eq!(
            repo.commit_file("initiatives/a.toml", b"a2", "again")
                .unwrap(),
            None
        );
    }

    #[test]
    fn a_file_staged_with_other_changes_is_refused() {
        let (dir, repo) = repo();
        write(dir.path(), "a.toml", "a1");
        stage(&repo, "a.toml");
        repo.commit_file("a.toml", b"a1", "first").unwrap();
        write(dir.path(), "a.toml", "staged");
        stage(&repo, "a.toml");
        let error = repo.can_commit_file("a.toml", b"new").unwrap_err();
        assert!(error.to_string().contains("staged changes"), "{error}");
        // Staged with exactly what okr writes, or with HEAD's own bytes: fine.
        repo.can_commit_file("a.toml", b"staged").unwrap();
        write(dir.path(), "a.toml", "a1");
        stage(&repo, "a.toml");
        repo.can_commit_file("a.toml", b"new").unwrap();
    }

    #[test]
    fn a_file_with_edits_not_committed_is_refused() {
        let (dir, repo) = repo();
        write(dir.path(), "a.toml", "a1");
        repo.commit_file("a.toml", b"a1", "first").unwrap();
        // Edited in the work tree, not staged: the check-in would carry the edit along.
        write(dir.path(), "a.toml", "a1 and an edit");
        let error = repo
            .can_commit_file("a.toml", b"a1 checked in")
            .unwrap_err();
        assert!(error.to_string().contains("not committed"), "{error}");
        // Once the check-in is written, the work tree holds what the commit takes.
        write(dir.path(), "a.toml", "a1 checked in");
        repo.can_commit_file("a.toml", b"a1 checked in").unwrap();
        // A file git has never seen.
        write(dir.path(), "b.toml", "b1");
        let error = repo.can_commit_file("b.toml", b"b2").unwrap_err();
        assert!(error.to_string().contains("not committed yet"), "{error}");
    }
}
