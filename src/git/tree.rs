//! Raw tree objects: read through the object database, parsed here, and compared entry by
//! entry, for the history walk and for what differs from HEAD.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use git2::{ErrorCode, ObjectType, Oid};

use super::repo::git_error;
use crate::error::Result;
use crate::source::git_order;

/// Tree objects for a history walk, read through libgit2's object database and parsed here.
/// Hash verification is off for the process
/// ([`trust_objects`](super::repo::trust_objects)): git verified each object when it wrote it,
/// and re-hashing every tree read doubled the cost of a walk.
///
/// The folders read last are kept parsed: a commit's parent holds the version of a folder that
/// the walk read as the commit's own, so each version is read and parsed once. Entries are
/// found in the object's own bytes, which are never copied.
pub(super) struct Trees<'o> {
    odb: &'o git2::Odb<'o>,
    recent: RefCell<VecDeque<(Oid, Rc<Tree<'o>>)>>,
    /// The entry list of the tree last dropped, whose memory is used again.
    spare: RefCell<Vec<Entry>>,
}

/// A parsed tree: its object, and where each entry lies in the object's bytes.
#[derive(Default)]
pub(super) struct Tree<'o> {
    object: Option<git2::OdbObject<'o>>,
    entries: Vec<Entry>,
}

/// One tree entry: where its name and object id lie in the tree's bytes, and its mode.
#[derive(Clone, Copy)]
struct Entry {
    name: (u32, u32),
    oid: u32,
    mode: u32,
}

/// A `.toml` file that differs between two trees: its path in the work tree, and its blob on
/// each side (`None` on the side where it is missing).
#[derive(Debug)]
pub(super) struct FileChange {
    pub(super) path: String,
    pub(super) old: Option<Oid>,
    pub(super) new: Option<Oid>,
}

/// The length of a (SHA-1) object id in a tree's bytes.
const OID_LEN: usize = 20;

impl Entry {
    fn is_tree(&self) -> bool {
        self.mode & 0o170_000 == 0o040_000
    }

    /// A file (executable or not) or a symlink; not a folder and not a submodule.
    fn is_blob_or_symlink(&self) -> bool {
        matches!(self.mode & 0o170_000, 0o100_000 | 0o120_000)
    }

    /// The entry's name in `bytes`, the bytes of the tree it was parsed from.
    fn name<'b>(&self, bytes: &'b [u8]) -> &'b [u8] {
        &bytes[self.name.0 as usize..self.name.1 as usize]
    }

    /// The entry's object id in `bytes`, as the 20 bytes the tree holds.
    fn oid<'b>(&self, bytes: &'b [u8]) -> &'b [u8] {
        let at = self.oid as usize;
        &bytes[at..at + OID_LEN]
    }
}

/// Finds the entries of a tree object, `<octal mode> <name>\0<20-byte id>` each, into `entries`.
fn parse_tree(bytes: &[u8], entries: &mut Vec<Entry>) -> Result<()> {
    let malformed = || git_error("cannot parse a tree: the object is malformed");
    if u32::try_from(bytes.len()).is_err() {
        return Err(git_error("cannot parse a tree over 4 GiB"));
    }
    entries.clear();
    let mut at = 0;
    while at < bytes.len() {
        let mut mode = 0_u32;
        let space = at
            + bytes[at..]
                .iter()
                .position(|&b| b == b' ')
                .ok_or_else(malformed)?;
        if space == at || space - at > 7 {
            return Err(malformed());
        }
        for &digit in &bytes[at..space] {
            if !(b'0'..=b'7').contains(&digit) {
                return Err(malformed());
            }
            mode = mode * 8 + u32::from(digit - b'0');
        }
        let name = space + 1;
        let nul = name
            + bytes[name..]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(malformed)?;
        if nul == name || nul + 1 + OID_LEN > bytes.len() {
            return Err(malformed());
        }
        // Every offset is below the length, which fits in a u32.
        entries.push(Entry {
            name: (name as u32, nul as u32),
            oid: (nul + 1) as u32,
            mode,
        });
        at = nul + 1 + OID_LEN;
    }
    Ok(())
}

impl Tree<'_> {
    fn bytes(&self) -> &[u8] {
        self.object.as_ref().map_or(&[], |o| o.data())
    }

    fn name(&self, entry: &Entry) -> &[u8] {
        entry.name(self.bytes())
    }

    /// The entry's object id, as the 20 bytes the tree holds.
    fn oid(&self, entry: &Entry) -> &[u8] {
        entry.oid(self.bytes())
    }

    fn id(&self, entry: &Entry) -> Oid {
        Oid::from_bytes(self.oid(entry)).unwrap_or(Oid::ZERO_SHA1)
    }

    /// The blob (or symlink) named `name`, found by its place in git's order.
    pub(super) fn blob(&self, name: &[u8]) -> Option<Oid> {
        let at = self
            .entries
            .binary_search_by(|e| git_order((self.name(e), e.is_tree()), (name, false)))
            .ok()?;
        let entry = &self.entries[at];
        entry.is_blob_or_symlink().then(|| self.id(entry))
    }
}

impl<'o> Trees<'o> {
    /// How many parsed trees are kept: a commit's and its parent's, of each folder a commit
    /// may change (the top, the folders walked and the period folders in them).
    const RECENT: usize = 32;

    pub(super) fn new(odb: &'o git2::Odb<'o>) -> Trees<'o> {
        Trees {
            odb,
            recent: RefCell::new(VecDeque::with_capacity(Trees::RECENT)),
            spare: RefCell::new(Vec::new()),
        }
    }

    /// The tree `id`, parsed.
    fn read(&self, id: Oid) -> Result<Rc<Tree<'o>>> {
        if let Some((_, tree)) = self.recent.borrow().iter().find(|(key, _)| *key == id) {
            return Ok(Rc::clone(tree));
        }
        let object = self.odb.read(id).map_err(|e| {
            if e.code() == ErrorCode::NotFound {
                git_error(format!(
                    "tree `{id}` is missing from the repository; the clone may be partial"
                ))
            } else {
                git_error(format!("cannot read tree `{id}`: {}", e.message()))
            }
        })?;
        if object.kind() != ObjectType::Tree {
            return Err(git_error(format!("object `{id}` is not a tree")));
        }
        let mut entries = self.spare.take();
        parse_tree(object.data(), &mut entries)?;
        let tree = Rc::new(Tree {
            object: Some(object),
            entries,
        });
        let mut recent = self.recent.borrow_mut();
        if recent.len() == Trees::RECENT
            && let Some((_, dropped)) = recent.pop_back()
            && let Ok(dropped) = Rc::try_unwrap(dropped)
        {
            self.spare.replace(dropped.entries);
        }
        recent.push_front((id, Rc::clone(&tree)));
        Ok(tree)
    }

    /// The folder `dir` (`/`-separated, empty for the top) in the tree `root`; `None` when
    /// there is no such folder.
    pub(super) fn subtree(&self, root: Oid, dir: &str) -> Result<Option<Rc<Tree<'o>>>> {
        let mut tree = self.read(root)?;
        for part in dir.split('/').filter(|p| !p.is_empty()) {
            let Some(entry) = tree
                .entries
                .iter()
                .find(|e| e.is_tree() && tree.name(e) == part.as_bytes())
            else {
                return Ok(None);
            };
            let id = tree.id(entry);
            tree = self.read(id)?;
        }
        Ok(Some(tree))
    }

    /// Compares two trees entry by entry, descending only into subtrees whose ids differ.
    /// Pushes a [`FileChange`] for every `.toml` file that differs. Entries are
    /// compared in place, without copying names: this loop runs for every entry of every
    /// changed folder of every commit.
    pub(super) fn diff(
        &self,
        old: Option<&Tree<'o>>,
        new: Option<&Tree<'o>>,
        path: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        let empty = Tree::default();
        let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
        // Each tree's bytes are asked of libgit2 once, not at every entry.
        let (old_bytes, new_bytes) = (old.bytes(), new.bytes());
        let (mut i, mut j) = (0, 0);
        while i < old.entries.len() || j < new.entries.len() {
            let (left, right) = match (old.entries.get(i), new.entries.get(j)) {
                (Some(x), Some(y)) => match git_order(
                    (x.name(old_bytes), x.is_tree()),
                    (y.name(new_bytes), y.is_tree()),
                ) {
                    std::cmp::Ordering::Less => (Some(x), None),
                    std::cmp::Ordering::Greater => (None, Some(y)),
                    std::cmp::Ordering::Equal => (Some(x), Some(y)),
                },
                (x, y) => (x, y),
            };
            i += usize::from(left.is_some());
            j += usize::from(right.is_some());
            if let (Some(l), Some(r)) = (left, right)
                && l.oid(old_bytes) == r.oid(new_bytes)
            {
                continue;
            }
            let name = match (left, right) {
                (Some(l), _) => String::from_utf8_lossy(l.name(old_bytes)),
                (None, Some(r)) => String::from_utf8_lossy(r.name(new_bytes)),
                (None, None) => break,
            };
            if name.starts_with('.') {
                continue;
            }
            let child = format!("{path}/{name}");
            let tree_of = |tree: &Tree<'o>, e: Option<&Entry>| -> Result<Option<Rc<Tree<'o>>>> {
                match e {
                    Some(e) if e.is_tree() => self.read(tree.id(e)).map(Some),
                    _ => Ok(None),
                }
            };
            if left.is_some_and(Entry::is_tree) || right.is_some_and(Entry::is_tree) {
                let (old_tree, new_tree) = (tree_of(old, left)?, tree_of(new, right)?);
                self.diff(old_tree.as_deref(), new_tree.as_deref(), &child, out)?;
            }
            let blob_of = |tree: &Tree<'o>, e: Option<&Entry>| {
                e.filter(|e| e.is_blob_or_symlink()).map(|e| tree.id(e))
            };
            let (old_blob, new_blob) = (blob_of(old, left), blob_of(new, right));
            if (old_blob.is_some() || new_blob.is_some()) && name.ends_with(".toml") {
                out.push(FileChange {
                    path: child,
                    old: old_blob,
                    new: new_blob,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use git2::Oid;

    use super::*;
    use crate::git::repo::tests::repo;

    #[test]
    fn trees_parse_as_libgit2_reads_them() {
        let (_dir, repo) = repo();
        let git = &repo.repo;
        let blob = git.blob(b"x = 1\n").unwrap();
        let mut inner = git.treebuilder(None).unwrap();
        inner.insert("a.toml", blob, 0o100_644).unwrap();
        let inner = inner.write().unwrap();
        let mut top = git.treebuilder(None).unwrap();
        for (name, id, mode) in [
            ("b.toml", blob, 0o100_644),
            ("b", inner, 0o040_000),
            ("run.sh", blob, 0o100_755),
            ("link.toml", blob, 0o120_000),
            ("b-c.toml", blob, 0o100_644),
        ] {
            top.insert(name, id, mode).unwrap();
        }
        let top = top.write().unwrap();
        let odb = git.odb().unwrap();
        let trees = Trees::new(&odb);
        let tree = trees.read(top).unwrap();
        let theirs: Vec<(Vec<u8>, Oid, i32)> = git
            .find_tree(top)
            .unwrap()
            .iter()
            .map(|e| (e.name_bytes().to_vec(), e.id(), e.filemode()))
            .collect();
        let ours: Vec<(Vec<u8>, Oid, i32)> = tree
            .entries
            .iter()
            .map(|e| (tree.name(e).to_vec(), tree.id(e), e.mode as i32))
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(tree.blob(b"b.toml"), Some(blob));
        assert_eq!(tree.blob(b"link.toml"), Some(blob));
        assert_eq!(tree.blob(b"b"), None);
        assert_eq!(
            trees.subtree(top, "b").unwrap().unwrap().blob(b"a.toml"),
            Some(blob)
        );
        assert!(trees.subtree(top, "nothing").unwrap().is_none());
        let not_a_tree = trees.read(blob).err().unwrap().to_string();
        assert!(not_a_tree.contains("is not a tree"), "{not_a_tree}");

        // A tree that a partial clone lacks says so.
        let hex = inner.to_string();
        let loose = git.path().join("objects").join(&hex[..2]).join(&hex[2..]);
        std::fs::remove_file(loose).unwrap();
        let fresh = git2::Repository::open(git.path()).unwrap();
        let odb = fresh.odb().unwrap();
        let missing = Trees::new(&odb).read(inner).err().unwrap().to_string();
        assert!(
            missing.contains("is missing from the repository"),
            "{missing}"
        );
    }

    #[test]
    fn malformed_trees_are_errors() {
        let id = [7_u8; 20];
        let entry = |head: &[u8]| [head, &id[..]].concat();
        for bytes in [
            entry(b"100644 a.toml\0")[..30].to_vec(),
            entry(b"100644 a.toml\0")[..33].to_vec(),
            entry(b"100644a.toml\0"),
            entry(b"100648 a.toml\0"),
            entry(b" a.toml\0"),
            entry(b"100644 \0"),
            entry(b"10000644 a.toml\0"),
            b"100644 a.toml".to_vec(),
        ] {
            assert!(parse_tree(&bytes, &mut Vec::new()).is_err(), "{bytes:?}");
        }
        let mut entries = Vec::new();
        parse_tree(&entry(b"40000 q1\0"), &mut entries).unwrap();
        assert!(entries[0].is_tree() && !entries[0].is_blob_or_symlink());
        // Seven octal digits are the most a mode may have; they still parse.
        parse_tree(&entry(b"1000644 a.toml\0"), &mut entries).unwrap();
        assert_eq!(entries[0].mode, 0o1_000_644);
    }
}
