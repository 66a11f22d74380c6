//! Which files of the working tree differ from HEAD, found by hashing the bytes already read
//! and looking each up in HEAD's trees.

use std::collections::HashMap;
use std::rc::Rc;

use git2::{ObjectType, Oid};
use rayon::prelude::*;

use super::repo::Repo;
use super::tree::{Tree, Trees};

impl Repo {
    /// Which of `files` (path, contents as read from the working tree) differ from HEAD, or are
    /// not in it. Hashing the bytes okr has already read is far cheaper than a status scan.
    pub fn differs_from_head(&self, files: &[(&str, &[u8])]) -> std::collections::BTreeSet<String> {
        let current: Vec<Option<Oid>> = files
            .par_iter()
            .map(|(_, bytes)| Oid::hash_object(ObjectType::Blob, bytes).ok())
            .collect();
        let head = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_tree().ok())
            .map(|tree| tree.id());
        // Each folder's tree is read and parsed once, as a walk reads them, and each file found
        // in it by name.
        let odb = self.repo.odb().ok();
        let trees = odb.as_ref().map(Trees::new);
        let mut folders: HashMap<&str, Option<Rc<Tree>>> = HashMap::new();
        files
            .iter()
            .zip(current)
            .filter(|((path, _), current)| {
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
                let folder = folders.entry(dir).or_insert_with(|| {
                    let (trees, head) = (trees.as_ref()?, head?);
                    trees.subtree(head, &self.full(dir)).ok().flatten()
                });
                let committed = folder.as_ref().and_then(|tree| tree.blob(name.as_bytes()));
                committed != *current
            })
            .map(|((path, _), _)| (*path).to_owned())
            .collect()
    }
}
