//! The working tree: the files on disk below the repository root, walked in git's order,
//! following no symlink out of the repository or into `.git`.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::content::{Content, Special, read_regular};
use super::listing::{How, Listed, Listing, Source, SourceFile, git_order, is_git_name};
use crate::error::{Error, Result};

/// Whether a path relative to the repository passes through `.git`.
fn through_git(relative: &Path) -> bool {
    relative.components().any(|part| match part {
        std::path::Component::Normal(name) => name.eq_ignore_ascii_case(".git"),
        _ => false,
    })
}

/// Why a path that resolves through symlinks is not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    Outside,
    IntoGit,
}

impl Escape {
    /// The content of a link that escapes so, `target` as the link gives it.
    fn content(self, target: String) -> Content {
        match self {
            Escape::Outside => Content::SymlinkOutside(target),
            Escape::IntoGit => Content::SymlinkIntoGit(target),
        }
    }
}

/// The files on disk below the repository root.
#[derive(Debug, Clone)]
pub struct WorkTree {
    root: PathBuf,
}

impl WorkTree {
    pub fn new(root: &Path) -> Result<WorkTree> {
        let root = root
            .canonicalize()
            .map_err(|e| Error::io("open", root, e))?;
        Ok(WorkTree { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn absolute(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    /// Whether `real` (a canonical path) is outside the repository or in `.git`.
    fn escape(&self, real: &Path) -> Option<Escape> {
        match real.strip_prefix(&self.root) {
            Err(_) => Some(Escape::Outside),
            Ok(relative) if through_git(relative) => Some(Escape::IntoGit),
            Ok(_) => None,
        }
    }

    /// Where `path` leads, and why it is not followed, when it exists and resolves outside the
    /// repository or into `.git` (through a symlink anywhere along it); `None` when it stays
    /// inside or does not exist.
    fn leads_out(&self, path: &Path) -> Option<(Escape, PathBuf)> {
        let target = path.canonicalize().ok()?;
        self.escape(&target).map(|escape| (escape, target))
    }

    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Reads one file, applying the size and symlink limits; only a regular file is opened.
    fn load(&self, path: &Path) -> Result<Content> {
        let link = fs::symlink_metadata(path).map_err(|e| Error::io("read", path, e))?;
        if link.file_type().is_symlink() {
            return self.load_known(path, Listing::Symlink);
        }
        match Special::of(link.file_type()) {
            Some(special) => Ok(Content::NotAFile(special)),
            None => self.load_known(path, Listing::Regular),
        }
    }

    /// [`WorkTree::load`] when a folder listing already said what `path` is: a regular file
    /// costs one open, one `fstat` and its reads.
    fn load_known(&self, path: &Path, listing: Listing) -> Result<Content> {
        if listing == Listing::Regular {
            return read_regular(path, true);
        }
        // A dangling link, or a loop, leads nowhere inside the repository either.
        let escape = match path.canonicalize() {
            Ok(target) => self.escape(&target),
            Err(_) => Some(Escape::Outside),
        };
        if let Some(escape) = escape {
            let target = fs::read_link(path).map_err(|e| Error::io("read", path, e))?;
            return Ok(escape.content(target.display().to_string()));
        }
        read_regular(path, false)
    }

    /// Lists the files below `dir` (`rel` from the root; `lossy` when a name on the way is not
    /// UTF-8) in path order: each folder's entries are sorted by name, a folder's as if it ended
    /// in `/`, so that walking them in turn gives the order of whole paths with no sort of them.
    ///
    /// Below a hidden folder (`hidden`), every `*.toml` file is listed as hidden.
    fn walk(
        &self,
        (dir, rel, lossy, hidden): (&Path, &str, bool, bool),
        seen: &mut HashSet<PathBuf>,
        out: &mut Vec<Listed>,
    ) -> Result<()> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("read folder", dir, e)),
        };
        enum Item {
            /// A folder to walk, where it leads, and whether it is hidden.
            Folder(PathBuf, bool),
            File(Listing),
            /// Known without reading: hidden, or not a regular file.
            Known(Content),
        }
        // Each entry: its name, its real path when the name is not UTF-8, and what it is.
        let mut items: Vec<(String, Option<PathBuf>, Item)> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("read folder", dir, e))?;
            let (name, real) = match entry.file_name().into_string() {
                Ok(name) => (name, None),
                Err(name) => (name.to_string_lossy().into_owned(), Some(entry.path())),
            };
            // git's own files are outside the repository: not even reported.
            if is_git_name(&name) {
                continue;
            }
            let file_type = entry
                .file_type()
                .map_err(|e| Error::io("read", entry.path(), e))?;
            let toml = name.ends_with(".toml");
            let item = if hidden || name.starts_with('.') {
                // Hidden: reported, never read. A link is not followed, even to a folder.
                if file_type.is_dir() {
                    match entry.path().canonicalize() {
                        Ok(real) => Item::Folder(real, true),
                        Err(_) => continue,
                    }
                } else if toml {
                    Item::Known(Content::Hidden)
                } else {
                    continue;
                }
            } else if file_type.is_symlink() {
                // A link to a folder inside the repository is followed once; one that leaves it
                // (or leads into `.git`) is reported by `load` like any other such link, and a
                // link inside it to something that is not TOML is not ours to read.
                match entry.path().canonicalize() {
                    Ok(target) if self.escape(&target).is_none() && target.is_dir() => {
                        Item::Folder(target, false)
                    }
                    Ok(target) if self.escape(&target).is_none() && !toml => continue,
                    _ => Item::File(Listing::Symlink),
                }
            } else if file_type.is_dir() {
                match entry.path().canonicalize() {
                    Ok(real) => Item::Folder(real, false),
                    Err(_) => continue,
                }
            } else if toml {
                match Special::of(file_type) {
                    None => Item::File(Listing::Regular),
                    Some(special) => Item::Known(Content::NotAFile(special)),
                }
            } else {
                continue;
            };
            items.push((name, real, item));
        }
        // git's order of entries, a folder's name as if it ended in `/`.
        let is_folder = |item: &Item| matches!(item, Item::Folder(..));
        items.sort_unstable_by(|a, b| {
            git_order(
                (a.0.as_bytes(), is_folder(&a.2)),
                (b.0.as_bytes(), is_folder(&b.2)),
            )
        });
        for (name, real, item) in items {
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            // Below a name that is not UTF-8, the listed path is not the real one.
            let lossy = lossy || real.is_some();
            let at = || real.clone().unwrap_or_else(|| dir.join(&name));
            match item {
                Item::Folder(target, hidden) => {
                    if seen.insert(target) {
                        self.walk((&at(), &path, lossy, hidden), seen, out)?;
                    }
                }
                Item::File(listing) => {
                    let how = if lossy {
                        How::DiskAt { at: at(), listing }
                    } else {
                        How::Disk(listing)
                    };
                    out.push(Listed { path, how });
                }
                Item::Known(content) => out.push(Listed {
                    path,
                    how: How::Known(content),
                }),
            }
        }
        Ok(())
    }
}

impl Source for WorkTree {
    fn read(&self, path: &str) -> Result<Option<SourceFile>> {
        let absolute = self.absolute(path);
        if fs::symlink_metadata(&absolute).is_err() {
            return Ok(None);
        }
        // A folder on the way that is a symlink out of the repository, or into `.git`, is not
        // followed.
        if let Some((escape, target)) = absolute.parent().and_then(|p| self.leads_out(p)) {
            return Ok(Some(SourceFile {
                path: path.to_owned(),
                content: escape.content(target.display().to_string()),
            }));
        }
        Ok(Some(SourceFile {
            path: path.to_owned(),
            content: self.load(&absolute)?,
        }))
    }

    fn list_toml(&self, dir: &str) -> Result<Vec<Listed>> {
        let start = self.absolute(dir);
        if let Some((escape, target)) = self.leads_out(&start) {
            // The folder itself (okr.toml's `paths`) leads out: one finding, nothing read.
            return Ok(vec![Listed {
                path: dir.to_owned(),
                how: How::Known(escape.content(target.display().to_string())),
            }]);
        }
        let mut seen = HashSet::new();
        if let Ok(real) = start.canonicalize() {
            seen.insert(real);
        }
        let rel = self.relative(&start);
        let mut files = Vec::new();
        self.walk((&start, &rel, false, false), &mut seen, &mut files)?;
        Ok(files)
    }

    fn read_listed(&self, file: &Listed) -> Result<Option<SourceFile>> {
        let content = match &file.how {
            How::Disk(listing) => self.load_known(&self.absolute(&file.path), *listing)?,
            How::DiskAt { at, listing } => self.load_known(at, *listing)?,
            How::Known(content) => content.clone(),
            How::Entry(_) => unreachable!("a working tree lists no other source's entries"),
        };
        Ok(Some(SourceFile {
            path: file.path.clone(),
            content,
        }))
    }

    fn file_names(&self, dir: &str) -> Result<Vec<String>> {
        let path = self.absolute(dir);
        if let Some((escape, target)) = self.leads_out(&path) {
            let target = target.display();
            return Err(Error::usage(match escape {
                Escape::Outside => format!(
                    "folder `{dir}` leads outside the repository, to `{target}`; okr does not follow it"
                ),
                Escape::IntoGit => format!(
                    "folder `{dir}` leads into `.git`, to `{target}`; okr does not read git's own files"
                ),
            }));
        }
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("read folder", &path, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("read folder", &path, e))?;
            // Anything but a folder is a template to read, or to report when it is not a
            // regular file: a FIFO in its place must not leave the built-in silently in use.
            if entry.file_type().is_ok_and(|t| !t.is_dir()) {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MAX_FILE_SIZE;

    #[test]
    fn walks_nested_toml_files_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("initiatives/2026-Q1")).unwrap();
        fs::create_dir_all(root.join("initiatives/.hidden")).unwrap();
        fs::write(root.join("initiatives/b.toml"), "b").unwrap();
        fs::write(root.join("initiatives/2026-Q1/a.toml"), "a").unwrap();
        fs::write(root.join("initiatives/README.md"), "no").unwrap();
        fs::write(root.join("initiatives/.hidden/c.toml"), "no").unwrap();
        let tree = WorkTree::new(root).unwrap();
        let files = tree.toml_files("initiatives").unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["initiatives/2026-Q1/a.toml", "initiatives/b.toml"]);
        assert_eq!(files[0].content, Content::Bytes(b"a".to_vec()));
        assert!(tree.toml_files("missing").unwrap().is_empty());
    }

    #[test]
    fn files_are_listed_in_the_order_of_their_whole_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["initiatives/a", "initiatives/a-b"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        for file in [
            "initiatives/a/z.toml",
            "initiatives/a-b/y.toml",
            "initiatives/a.toml",
            "initiatives/a0.toml",
        ] {
            fs::write(root.join(file), file).unwrap();
        }
        let tree = WorkTree::new(root).unwrap();
        let paths: Vec<String> = tree
            .list_toml("initiatives")
            .unwrap()
            .into_iter()
            .map(|f| f.path)
            .collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        assert_eq!(paths.len(), 4);
    }

    // Linux takes any bytes in a name; some other systems' file systems refuse these.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_name_that_is_not_utf8_is_still_read() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let folder = root.join(std::ffi::OsStr::from_bytes(b"initiatives/caf\xe9"));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("a.toml"), "a").unwrap();
        let files = WorkTree::new(root)
            .unwrap()
            .toml_files("initiatives")
            .unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "initiatives/caf\u{FFFD}/a.toml");
        assert_eq!(files[0].content, Content::Bytes(b"a".to_vec()));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_repository_are_not_read() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.toml"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("initiatives")).unwrap();
        fs::write(root.join("real.toml"), "real").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.toml"),
            root.join("initiatives/out.toml"),
        )
        .unwrap();
        std::os::unix::fs::symlink(root.join("real.toml"), root.join("initiatives/in.toml"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("initiatives/dir")).unwrap();
        let files = WorkTree::new(root)
            .unwrap()
            .toml_files("initiatives")
            .unwrap();
        let summary: Vec<_> = files
            .iter()
            .map(|f| {
                (
                    f.path.as_str(),
                    matches!(f.content, Content::SymlinkOutside(_)),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("initiatives/dir", true),
                ("initiatives/in.toml", false),
                ("initiatives/out.toml", true)
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn folders_that_lead_out_of_the_repository_are_not_read() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.toml"), "secret").unwrap();
        fs::write(outside.path().join("index.md.j2"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // okr.toml's `paths` may name a folder that is, or passes through, a symlink out.
        std::os::unix::fs::symlink(outside.path(), root.join("initiatives")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("templates")).unwrap();
        fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("real/link")).unwrap();
        let tree = WorkTree::new(root).unwrap();
        for dir in ["initiatives", "real/link"] {
            let files = tree.toml_files(dir).unwrap();
            assert_eq!(files.len(), 1, "{dir}");
            assert_eq!(files[0].path, dir);
            assert!(matches!(files[0].content, Content::SymlinkOutside(_)));
        }
        let file = tree.read("templates/index.md.j2").unwrap().unwrap();
        assert!(matches!(file.content, Content::SymlinkOutside(_)));
        let error = tree.file_names("templates").unwrap_err().to_string();
        assert!(error.contains("`templates` leads outside"), "{error}");
    }

    #[test]
    fn large_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("big.toml"),
            vec![b'#'; MAX_FILE_SIZE as usize + 1],
        )
        .unwrap();
        let file = WorkTree::new(dir.path())
            .unwrap()
            .read("big.toml")
            .unwrap()
            .unwrap();
        assert_eq!(file.content, Content::TooLarge(MAX_FILE_SIZE + 1));
    }
}
