//! A repository held in memory, for tests, fuzzing and tools that build one without a disk.

use super::content::{Content, MAX_FILE_SIZE};
use super::listing::{How, Listed, Source, SourceFile, is_git_name};
use crate::error::Result;

/// A repository held in memory: repo-relative paths to bytes. For tests, fuzzing and tools
/// that build a repository without touching the disk; it applies the same size limit and the
/// same walking rules (`*.toml` only, hidden ones reported, `.git` never) as [`WorkTree`](super::WorkTree).
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    files: std::collections::BTreeMap<String, Vec<u8>>,
}

impl MemoryTree {
    pub fn new() -> MemoryTree {
        MemoryTree::default()
    }

    /// Adds or replaces the file at `path` (`/`-separated, relative to the repository root).
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(path.into(), bytes.into());
        self
    }

    fn file(path: &str, bytes: &[u8]) -> SourceFile {
        let size = bytes.len() as u64;
        SourceFile {
            path: path.to_owned(),
            content: if size > MAX_FILE_SIZE {
                Content::TooLarge(size)
            } else {
                Content::Bytes(bytes.to_vec())
            },
        }
    }

    /// The paths below `dir` with the rest of the path after it, skipping hidden parts (for
    /// template names).
    fn below<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a String, &'a str, &'a [u8])> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{}/", dir.trim_end_matches('/'))
        };
        self.files.iter().filter_map(move |(path, bytes)| {
            let rest = path.strip_prefix(prefix.as_str())?;
            (!rest.is_empty() && !rest.split('/').any(|p| p.is_empty() || p.starts_with('.')))
                .then_some((path, rest, bytes.as_slice()))
        })
    }
}

impl Source for MemoryTree {
    fn read(&self, path: &str) -> Result<Option<SourceFile>> {
        Ok(self
            .files
            .get(path)
            .map(|bytes| MemoryTree::file(path, bytes)))
    }

    fn list_toml(&self, dir: &str) -> Result<Vec<Listed>> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{}/", dir.trim_end_matches('/'))
        };
        Ok(self
            .files
            .iter()
            .filter_map(|(path, bytes)| {
                let rest = path.strip_prefix(prefix.as_str())?;
                let parts = || rest.split('/');
                if !path.ends_with(".toml") || parts().any(|p| p.is_empty() || is_git_name(p)) {
                    return None;
                }
                let content = if parts().any(|p| p.starts_with('.')) {
                    Content::Hidden
                } else {
                    MemoryTree::file(path, bytes).content
                };
                Some(Listed {
                    path: path.clone(),
                    how: How::Known(content),
                })
            })
            .collect())
    }

    fn read_listed(&self, file: &Listed) -> Result<Option<SourceFile>> {
        let How::Known(content) = &file.how else {
            unreachable!("a memory tree lists only what it holds")
        };
        Ok(Some(SourceFile {
            path: file.path.clone(),
            content: content.clone(),
        }))
    }

    fn file_names(&self, dir: &str) -> Result<Vec<String>> {
        Ok(self
            .below(dir)
            .filter(|(_, rest, _)| !rest.contains('/'))
            .map(|(_, rest, _)| rest.to_owned())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memory_tree_walks_like_the_working_tree() {
        let mut tree = MemoryTree::new();
        tree.insert("okr.toml", "[team]")
            .insert("initiatives/b.toml", "b")
            .insert("initiatives/2026-Q1/a.toml", "a")
            .insert("initiatives/README.md", "no")
            .insert("initiatives/.hidden/c.toml", "no")
            .insert("initiatives-old/d.toml", "no")
            .insert("templates/index.md.j2", "x")
            .insert("templates/sub/objective.md.j2", "no")
            .insert("big.toml", vec![b'#'; MAX_FILE_SIZE as usize + 1]);
        let files = tree.toml_files("initiatives").unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["initiatives/2026-Q1/a.toml", "initiatives/b.toml"]);
        assert_eq!(tree.file_names("templates").unwrap(), ["index.md.j2"]);
        assert!(tree.read("missing.toml").unwrap().is_none());
        assert_eq!(
            tree.read("big.toml").unwrap().unwrap().content,
            Content::TooLarge(MAX_FILE_SIZE + 1)
        );
    }
}
