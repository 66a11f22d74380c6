//! Where a repository's files come from: the working tree, or a git tree (`--rev`, see `git`).
//!
//! Both faces give the same thing, repo-relative paths and bytes, so loading and checking never
//! fork on where the files came from.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::finding::{Finding, Rule};

/// Files larger than this are reported, not parsed.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// A file's bytes, or why they were not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    TooLarge(u64),
    /// A symlink whose target (as written) resolves outside the repository.
    SymlinkOutside(String),
    /// A symlink whose target (as written) resolves into `.git` (at any depth: a submodule's
    /// too). git's own files are not the repository's: `.git/config` may hold a CI token.
    SymlinkIntoGit(String),
    /// Not a regular file, or a link to something that is not: never opened, since a FIFO or
    /// a device would block a read or never end it.
    NotAFile(Special),
    /// A file whose name, or a folder's on its path, starts with `.`: listed only to say that
    /// okr does not read it.
    Hidden,
}

/// What a path is when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Folder,
    Other,
}

impl Special {
    /// What `file_type` is, unless it is a regular file. A symlink's type is what it leads to:
    /// give this a type that followed it.
    pub fn of(file_type: fs::FileType) -> Option<Special> {
        if file_type.is_file() {
            return None;
        }
        if file_type.is_dir() {
            return Some(Special::Folder);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return Some(Special::Fifo);
            }
            if file_type.is_socket() {
                return Some(Special::Socket);
            }
            if file_type.is_char_device() {
                return Some(Special::CharDevice);
            }
            if file_type.is_block_device() {
                return Some(Special::BlockDevice);
            }
        }
        Some(Special::Other)
    }

    /// What it is, for a message: "a FIFO (named pipe)".
    pub fn describe(self) -> &'static str {
        match self {
            Special::Fifo => "a FIFO (named pipe)",
            Special::Socket => "a socket",
            Special::CharDevice => "a character device",
            Special::BlockDevice => "a block device",
            Special::Folder => "a folder",
            Special::Other => "an unknown kind of file",
        }
    }
}

/// Whether a name is git's own folder or file, `.git`, in any case (case-insensitive file
/// systems see `.GIT` as the same folder).
pub fn is_git_name(name: &str) -> bool {
    name.eq_ignore_ascii_case(".git")
}

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

/// Opens a file for reading, to be checked with `File::metadata` before a byte is read.
///
/// With `O_NONBLOCK`, a FIFO that took the place of a regular file after okr looked at it
/// opens at once instead of waiting for a writer, and with `O_NOCTTY` a terminal never becomes
/// okr's controlling one; neither flag changes how a regular file reads.
fn open_for_reading(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Reads the regular file at `path`, following links, and at most one byte past the limit.
/// Anything else is reported, never opened; `listed_regular` when a folder listing already
/// said that the path is a regular file (not a link), which saves a `stat`.
fn read_regular(path: &Path, listed_regular: bool) -> Result<Content> {
    use std::io::Read;
    let fail = |e| Error::io("read", path, e);
    if !listed_regular {
        let metadata = fs::metadata(path).map_err(fail)?;
        if let Some(special) = Special::of(metadata.file_type()) {
            return Ok(Content::NotAFile(special));
        }
    }
    let file = open_for_reading(path).map_err(fail)?;
    // The path may have changed since it was looked at: what was opened is what counts.
    let opened = file.metadata().map_err(fail)?;
    if let Some(special) = Special::of(opened.file_type()) {
        return Ok(Content::NotAFile(special));
    }
    if opened.len() > MAX_FILE_SIZE {
        return Ok(Content::TooLarge(opened.len()));
    }
    // Read through `take` into a buffer kept per thread: reading at most one byte past the
    // limit tells a large file even when it grows meanwhile. The copy out is exactly the
    // file's size.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let read = BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        file.take(MAX_FILE_SIZE + 1)
            .read_to_end(buffer)
            .map(|_| (buffer.len() as u64 <= MAX_FILE_SIZE).then(|| buffer.clone()))
    });
    Ok(match read.map_err(fail)? {
        Some(bytes) => Content::Bytes(bytes),
        None => Content::TooLarge(MAX_FILE_SIZE + 1),
    })
}

/// What a folder listing says of an entry that okr reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    Regular,
    Symlink,
}

impl Content {
    /// The finding for a file that was not read (too large, a link out of the repository or
    /// into `.git`, not a regular file, hidden); `None` for bytes that were read.
    pub fn unread(&self, path: &str) -> Option<Finding> {
        match self {
            Content::Bytes(_) => None,
            Content::TooLarge(size) => {
                Some(
                    Finding::new(
                        Rule::FileTooLarge,
                        path,
                        None,
                        format!("file is {size} bytes; okr reads files of at most 1 MiB"),
                    )
                    .with_help(
                        "keep one initiative or theme per file, and long text in linked documents"
                            .to_owned(),
                    ),
                )
            }
            Content::SymlinkOutside(target) => {
                Some(
                    Finding::new(
                        Rule::SymlinkOutside,
                        path,
                        None,
                        format!("symlink leads outside the repository, to `{target}`"),
                    )
                    .with_help("replace the link with the file itself".to_owned()),
                )
            }
            // The same rule as any link that leaves the repository: git's own files are not the
            // repository's, and a team that turns one off means both.
            Content::SymlinkIntoGit(target) => {
                Some(
                    Finding::new(
                        Rule::SymlinkOutside,
                        path,
                        None,
                        format!(
                            "symlink leads into `.git`, to `{target}`; okr does not read git's own files"
                        ),
                    )
                    .with_help("replace the link with the file itself".to_owned()),
                )
            }
            Content::NotAFile(special) => {
                Some(
                    Finding::new(
                        Rule::NotAFile,
                        path,
                        None,
                        format!(
                            "file is {}, not a regular file; okr does not open it",
                            special.describe()
                        ),
                    )
                    .with_help(
                        "replace it with a regular file, or move it out of the folder".to_owned(),
                    ),
                )
            }
            Content::Hidden => {
                Some(
                    Finding::new(
                        Rule::HiddenFile,
                        path,
                        None,
                        "hidden file: its name or a folder's on its path starts with `.`, so okr does not read it".to_owned(),
                    )
                    .with_help("rename it without the leading `.` to have it checked, or move it out of the folder".to_owned()),
                )
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Repo-relative, `/`-separated.
    pub path: String,
    pub content: Content,
}

/// A file that [`Source::list_toml`] found, not yet read.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Repo-relative, `/`-separated.
    pub path: String,
    how: How,
}

/// How a [`Listed`] file is read; each source knows its own.
#[derive(Debug, Clone)]
enum How {
    /// A file on disk at its path, and what the walk saw there.
    Disk(Listing),
    /// A file on disk whose path is not UTF-8, so that its listed path is not quite its own.
    DiskAt { at: PathBuf, listing: Listing },
    /// An entry of another source, in that source's own terms (a git tree's blob): only the
    /// source that listed it reads it.
    Entry(Entry),
    /// Known when listed: a memory tree's bytes, or a folder that leads out of the repository.
    Known(Content),
}

/// A [`Listed`] file of a source that this module does not know (a git tree's blob), held as
/// that source gave it, so that sources depend on this module and never the other way.
#[derive(Clone)]
struct Entry(std::sync::Arc<dyn std::any::Any + Send + Sync>);

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Entry(..)")
    }
}

impl Listed {
    /// A file another source lists at `path`, with what that source needs to read it.
    pub(crate) fn entry<E: std::any::Any + Send + Sync>(path: String, entry: E) -> Listed {
        Listed {
            path,
            how: How::Entry(Entry(std::sync::Arc::new(entry))),
        }
    }

    /// What the source that listed this file gave with it, if it is an `E`.
    pub(crate) fn entry_of<E: std::any::Any>(&self) -> Option<&E> {
        match &self.how {
            How::Entry(Entry(entry)) => entry.downcast_ref(),
            _ => None,
        }
    }
}

/// The order every source lists files in, git's order of tree entries (name, whether a
/// folder): by name, a folder's name as if it ended in `/`. Walking each folder's entries in
/// this order gives whole paths in sorted order, with no sort of the paths.
pub(crate) fn git_order(
    (x, x_tree): (&[u8], bool),
    (y, y_tree): (&[u8], bool),
) -> std::cmp::Ordering {
    let common = x.len().min(y.len());
    let next = |name: &[u8], tree: bool| name.get(common).copied().or(tree.then_some(b'/'));
    x[..common]
        .cmp(&y[..common])
        .then_with(|| next(x, x_tree).cmp(&next(y, y_tree)))
}

/// A read-only view of a team repository.
pub trait Source: Sync {
    /// One file; `None` when it does not exist.
    fn read(&self, path: &str) -> Result<Option<SourceFile>>;

    /// Every `*.toml` file below the folder `dir`, at any depth, sorted by path, listed without
    /// reading it; none when the folder does not exist. A hidden one (its name or a folder's on
    /// the way starts with `.`) is listed to be reported, never read; `.git` is not looked into.
    ///
    /// A large folder is read by listing it and then reading each file where it is used, on
    /// all cores, so that its files never have to be in memory all at once.
    fn list_toml(&self, dir: &str) -> Result<Vec<Listed>>;

    /// Reads a file that [`Source::list_toml`] gave; `None` for a symlink to something okr does
    /// not read.
    fn read_listed(&self, file: &Listed) -> Result<Option<SourceFile>>;

    /// [`Source::list_toml`], every file read; hidden ones, which are not read, left out.
    fn toml_files(&self, dir: &str) -> Result<Vec<SourceFile>> {
        let listed = self.list_toml(dir)?;
        let files = listed
            .par_iter()
            .map(|file| self.read_listed(file))
            .collect::<Result<Vec<_>>>()?;
        Ok(files
            .into_iter()
            .flatten()
            .filter(|file| file.content != Content::Hidden)
            .collect())
    }

    /// The names of the files directly in `dir` (for templates), sorted.
    fn file_names(&self, dir: &str) -> Result<Vec<String>>;
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

/// A repository held in memory: repo-relative paths to bytes. For tests, fuzzing and tools
/// that build a repository without touching the disk; it applies the same size limit and the
/// same walking rules (`*.toml` only, hidden ones reported, `.git` never) as [`WorkTree`].
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

/// The folder that holds okr.toml: `start` or the nearest folder above it, up to the top of
/// the git repository `start` is in (the first folder holding `.git`).
///
/// Any entry named okr.toml ends the search: one that is not a regular file, nor a link to
/// one, is an error, never passed over for an okr.toml further up. And the search stops at the
/// top of a git repository: a checkout without okr.toml is no team repository, and the folders
/// above it are none of its business.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = start
        .canonicalize()
        .map_err(|e| Error::io("open", start, e))?;
    for dir in start.ancestors() {
        let config = dir.join(crate::config::FILE);
        match fs::symlink_metadata(&config) {
            Ok(entry) => {
                return match fs::metadata(&config) {
                    Ok(target) => match Special::of(target.file_type()) {
                        None => Ok(dir.to_path_buf()),
                        Some(special) => Err(not_a_file(special)),
                    },
                    // A link to nothing: the loader says where it leads.
                    Err(_) if entry.file_type().is_symlink() => Ok(dir.to_path_buf()),
                    Err(e) => Err(Error::io("read", config, e)),
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("read", config, e)),
        }
        if fs::symlink_metadata(dir.join(".git")).is_ok() {
            break;
        }
    }
    Err(Error::NoRepository(start))
}

/// The error for an okr.toml that is `special`: the finding a team file gets.
fn not_a_file(special: Special) -> Error {
    let file = SourceFile {
        path: crate::config::FILE.to_owned(),
        content: Content::NotAFile(special),
    };
    Error::Config {
        findings: file.content.unread(&file.path).into_iter().collect(),
        texts: crate::finding::Texts::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
