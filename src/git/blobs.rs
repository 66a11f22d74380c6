//! Blobs: reading a file's bytes by its id, on any thread, without inflating one over the size
//! limit; and the id git gives a blob of some bytes.

use std::path::Path;

use git2::{ObjectType, Oid, Repository};

use super::repo::{Repo, git_error};
use crate::error::Result;
use crate::source::MAX_FILE_SIZE;

impl Repo {
    /// A reader of blobs that any thread may use, each through its own repository handle.
    pub fn blobs(&self) -> Blobs {
        Blobs {
            git_dir: self.repo.path().to_path_buf(),
        }
    }
}

/// Reads blobs on any thread: see [`Repo::blobs`].
#[derive(Debug, Clone)]
pub struct Blobs {
    git_dir: std::path::PathBuf,
}

impl Blobs {
    /// The bytes of a blob named by [`Change::blob`](super::walk::Change::blob); `None` for one
    /// over [`MAX_FILE_SIZE`], which is not read. Each thread reads through its own handle.
    pub fn read(&self, id: &str) -> Result<Option<Vec<u8>>> {
        with_thread_repo(&self.git_dir, |repo| read_blob(repo, id))
    }
}

/// The bytes of the blob `id` (hex); `None` for one over [`MAX_FILE_SIZE`], which is not read.
pub(super) fn read_blob(repo: &Repository, id: &str) -> Result<Option<Vec<u8>>> {
    let oid = Oid::from_str(id).map_err(|e| git_error(e.message()))?;
    let fail = |e: git2::Error| {
        git_error(format!(
            "cannot read blob `{id}`: {}; the clone may be partial",
            e.message()
        ))
    };
    if blob_size(repo, oid).map_err(fail)? > MAX_FILE_SIZE {
        return Ok(None);
    }
    repo.find_blob(oid)
        .map(|b| Some(b.content().to_vec()))
        .map_err(fail)
}

/// Runs `f` with this thread's own handle on the repository at `git_dir`, opened once per
/// thread: a handle keeps its pack indexes and caches, so reusing it is what makes parallel
/// reads cheap.
pub(super) fn with_thread_repo<T>(
    git_dir: &Path,
    f: impl FnOnce(&Repository) -> Result<T>,
) -> Result<T> {
    thread_local! {
        static REPOSITORIES: std::cell::RefCell<Vec<(std::path::PathBuf, Repository)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    REPOSITORIES.with_borrow_mut(|repositories| {
        let index = match repositories.iter().position(|(dir, _)| dir == git_dir) {
            Some(index) => index,
            None => {
                let repo = Repository::open(git_dir).map_err(|e| git_error(e.message()))?;
                repositories.push((git_dir.to_path_buf(), repo));
                repositories.len() - 1
            }
        };
        f(&repositories[index].1)
    })
}

/// The size of the object `id`, from its header: a blob is read only when it is small enough,
/// since reading one inflates all of it into memory.
pub(super) fn blob_size(repo: &Repository, id: Oid) -> std::result::Result<u64, git2::Error> {
    let (size, _) = repo.odb()?.read_header(id)?;
    Ok(size as u64)
}

/// The id git gives a blob of these bytes: a content hash for the render manifest.
pub fn blob_id(bytes: &[u8]) -> String {
    Oid::hash_object(ObjectType::Blob, bytes).map_or_else(|_| String::new(), |id| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::repo::tests::repo;

    #[test]
    fn a_blob_over_the_size_limit_is_not_read() {
        let (dir, repo) = repo();
        let git = Repository::open(dir.path()).unwrap();
        let limit = usize::try_from(MAX_FILE_SIZE).unwrap();
        let at = git.blob(&vec![b'a'; limit]).unwrap().to_string();
        let over = git.blob(&vec![b'a'; limit + 1]).unwrap().to_string();
        let blobs = repo.blobs();
        assert_eq!(blobs.read(&at).unwrap().map(|b| b.len()), Some(limit));
        assert_eq!(blobs.read(&over).unwrap(), None);
        assert!(blobs.read("0123").is_err());
    }

    #[test]
    fn each_repository_is_read_through_its_own_handle() {
        let (first_dir, first) = repo();
        let (second_dir, second) = repo();
        let write = |dir: &Path, bytes: &[u8]| {
            let git = Repository::open(dir).unwrap();
            git.blob(bytes).unwrap().to_string()
        };
        let one = write(first_dir.path(), b"one = 1\n");
        let two = write(second_dir.path(), b"two = 2\n");
        let (first, second) = (first.blobs(), second.blobs());
        for _ in 0..2 {
            assert_eq!(first.read(&one).unwrap().unwrap(), b"one = 1\n");
            assert_eq!(second.read(&two).unwrap().unwrap(), b"two = 2\n");
            assert!(first.read(&two).is_err(), "a blob of the other repository");
        }
    }
}
