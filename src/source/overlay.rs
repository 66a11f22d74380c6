//! A repository with one file's text replaced, to check an edit before it is written.

use super::content::{Content, MAX_FILE_SIZE};
use super::listing::{How, Listed, Source, SourceFile};
use crate::error::Result;

/// `base` as it would be with the file at `path` holding `bytes`: what `okr checkin` checks
/// before it writes, so that the rules run on the edited file among all the others.
pub struct Overlay<'a> {
    base: &'a dyn Source,
    path: String,
    bytes: Vec<u8>,
}

impl<'a> Overlay<'a> {
    /// `base` with the file at `path` (repo-relative, `/`-separated) replaced by `bytes`. The
    /// file must be one `base` has: the overlay replaces, it does not add.
    pub fn new(base: &'a dyn Source, path: &str, bytes: impl Into<Vec<u8>>) -> Overlay<'a> {
        Overlay {
            base,
            path: path.to_owned(),
            bytes: bytes.into(),
        }
    }

    fn content(&self) -> Content {
        let size = self.bytes.len() as u64;
        if size > MAX_FILE_SIZE {
            Content::TooLarge(size)
        } else {
            Content::Bytes(self.bytes.clone())
        }
    }
}

impl Source for Overlay<'_> {
    fn read(&self, path: &str) -> Result<Option<SourceFile>> {
        if path == self.path {
            return Ok(Some(SourceFile {
                path: path.to_owned(),
                content: self.content(),
            }));
        }
        self.base.read(path)
    }

    fn list_toml(&self, dir: &str) -> Result<Vec<Listed>> {
        let mut listed = self.base.list_toml(dir)?;
        for file in &mut listed {
            if file.path == self.path {
                file.how = How::Known(self.content());
            }
        }
        Ok(listed)
    }

    fn read_listed(&self, file: &Listed) -> Result<Option<SourceFile>> {
        match &file.how {
            How::Known(content) if file.path == self.path => Ok(Some(SourceFile {
                path: file.path.clone(),
                content: content.clone(),
            })),
            _ => self.base.read_listed(file),
        }
    }

    fn file_names(&self, dir: &str) -> Result<Vec<String>> {
        self.base.file_names(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryTree;

    #[test]
    fn the_replaced_file_is_read_and_listed_with_its_new_text() {
        let mut tree = MemoryTree::new();
        tree.insert("initiatives/a.toml", "old a")
            .insert("initiatives/b.toml", "b");
        let overlay = Overlay::new(&tree, "initiatives/a.toml", "new a");
        let files = overlay.toml_files("initiatives").unwrap();
        let texts: Vec<_> = files
            .iter()
            .map(|f| (f.path.as_str(), f.content.clone()))
            .collect();
        assert_eq!(
            texts,
            [
                ("initiatives/a.toml", Content::Bytes(b"new a".to_vec())),
                ("initiatives/b.toml", Content::Bytes(b"b".to_vec())),
            ]
        );
        let read = overlay.read("initiatives/a.toml").unwrap().unwrap();
        assert_eq!(read.content, Content::Bytes(b"new a".to_vec()));
        let other = overlay.read("initiatives/b.toml").unwrap().unwrap();
        assert_eq!(other.content, Content::Bytes(b"b".to_vec()));
    }
}
