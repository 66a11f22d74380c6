//! A file's contents, or why they were not read: the size limit, symlinks that lead out of
//! the repository or into `.git`, files that are not regular, hidden files, each with the
//! finding it gives. Reading a file from disk opens only a regular file, and never reads more
//! than one byte past the limit.

use std::fs;
use std::path::Path;

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
pub(super) fn read_regular(path: &Path, listed_regular: bool) -> Result<Content> {
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
