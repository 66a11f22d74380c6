//! Writing files safely: a temporary file in the same folder, then a rename, so a reader never
//! sees half a file and a failure leaves the old one in place. And text for a terminal, where
//! a file's contents must not act.
//!
//! What is already at a destination is looked at without following a link or opening anything
//! but a regular file, and read only up to a size okr expects: a FIFO, a device or a link there
//! is reported, never opened.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};

/// okr's temporary files: this prefix and [`TEMP_RANDOM`] random letters and digits, a name
/// that no document and no file okr keeps can have.
const TEMP_PREFIX: &str = ".okr-tmp-";
const TEMP_RANDOM: usize = 6;
/// A temporary older than this is left by a run that was killed: no run of okr holds one for
/// more than the time it takes to write and rename it.
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// What is at a path where okr is about to write, seen without following a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Absent,
    /// A regular file of this many bytes, with these permission bits.
    File {
        len: u64,
        mode: u32,
    },
    /// Anything else: okr never opens, follows or replaces it.
    Other(&'static str),
}

/// What is at `path`, from `lstat` alone: nothing is opened.
pub fn existing(path: &Path) -> Result<Existing> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(e) => return Err(Error::io("open", path, e)),
    };
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(Existing::File {
            len: meta.len(),
            mode: mode_of(&meta),
        });
    }
    Ok(Existing::Other(describe(kind)))
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    // The permission bits only: a document is never made set-user-id by okr.
    meta.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode_of(_: &fs::Metadata) -> u32 {
    0
}

/// Says what a file that is not a regular file is, for a message.
pub fn describe(kind: fs::FileType) -> &'static str {
    if kind.is_symlink() {
        return "a symlink";
    }
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Opens `path` for reading only if it is a regular file, without following a link and
/// without blocking on a FIFO (the type is checked again on the open file, so a swap between
/// looking and opening is caught).
fn open_regular(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// The bytes of the regular file at `path` if it holds exactly `len` bytes; `None` when there
/// is none, it is something else, or its size differs. At most `len` bytes are read.
pub fn read_exactly(path: &Path, len: u64) -> Option<Vec<u8>> {
    match existing(path) {
        Ok(Existing::File { len: found, .. }) if found == len => {}
        _ => return None,
    }
    let file = open_regular(path).ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).ok()?);
    file.take(len + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 == len).then_some(bytes)
}

/// The bytes of the regular file at `path`, if it is one of at most `limit` bytes.
pub fn read_at_most(path: &Path, limit: u64) -> Option<Vec<u8>> {
    match existing(path) {
        Ok(Existing::File { len, .. }) if len <= limit => read_exactly(path, len),
        _ => None,
    }
}

/// Whether `path` is a regular file holding exactly `bytes`.
pub fn holds(path: &Path, bytes: &[u8]) -> bool {
    read_exactly(path, bytes.len() as u64).is_some_and(|old| old == bytes)
}

/// A temporary file in a destination's folder, filled and synced, that becomes the file at
/// the destination when committed; dropped, it is removed.
pub struct Staged {
    temp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

/// Writes `bytes` to a temporary file beside `path`. The file gets `mode` (the mode of the file
/// it replaces), or else the mode the umask gives a new file: it is created asking for 0666,
/// and the kernel applies the umask, so okr never has to read or change the umask.
pub fn stage(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<Staged> {
    let mut staged = stage_empty(path, mode)?;
    staged.fill(bytes)?;
    Ok(staged)
}

/// [`stage`] without the bytes: the temporary exists, empty, with its mode, so that its name
/// can be recorded before anything is written to it.
pub fn stage_empty(path: &Path, mode: Option<u32>) -> Result<Staged> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).rand_bytes(TEMP_RANDOM);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temp = builder
        .tempfile_in(dir)
        .map_err(|e| Error::io("write in", dir, e))?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        // Before any byte is written, so a private file's contents are never readable.
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("write", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(Staged {
        temp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// The temporary's file name.
    pub fn temporary_name(&self) -> String {
        self.temp
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Writes `bytes` to the temporary and syncs it.
    pub fn fill(&mut self, bytes: &[u8]) -> Result<()> {
        self.temp
            .write_all(bytes)
            .and_then(|()| self.temp.as_file().sync_all())
            .map_err(|e| Error::io("write", &self.path, e))
    }

    /// Renames the temporary over the destination.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.temp
            .persist(&path)
            .map_err(|e| Error::io("write", &path, e.error))?;
        Ok(())
    }

    /// Moves the temporary to the destination unless something is there; `Ok(false)` then.
    pub fn commit_new(self) -> Result<bool> {
        let path = self.path;
        match self.temp.persist_noclobber(&path) {
            Ok(_) => Ok(true),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(Error::io("write", &path, e.error)),
        }
    }
}

/// Replaces `path` with `bytes` atomically, keeping its mode; unchanged files are not touched.
/// For okr's own files and for files the caller has checked: anything at `path` but a regular
/// file is refused, never followed or read.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mode = match existing(path)? {
        Existing::Absent => {
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(dir).map_err(|e| Error::io("create folder", dir, e))?;
            }
            None
        }
        Existing::File { .. } if holds(path, bytes) => return Ok(()),
        // Replacing the file would get past its permissions: a rename needs only the folder's.
        Existing::File { .. } if is_read_only(path) => return Err(read_only(path)),
        Existing::File { mode, .. } => Some(mode),
        Existing::Other(what) => return Err(not_a_file(path, what)),
    };
    stage(path, bytes, mode)?.commit()
}

/// Whether the file at `path` is marked read-only (no one may write it).
fn is_read_only(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.permissions().readonly())
}

/// The error for a file that okr would change but that is marked read-only.
fn read_only(path: &Path) -> Error {
    Error::usage(format!(
        "`{}` is read-only, and okr does not replace a file someone made read-only\nhelp: make \
         it writable (`chmod u+w`), then run okr again",
        path.display()
    ))
}

/// Replaces several files, all of them or none: every file is checked and its new text staged
/// beside it before the first is replaced, so a read-only file, a folder that cannot be
/// written or a full disk leaves every file as it was. Should a replacement itself fail, those
/// already replaced get their old bytes back.
pub fn write_all_or_none(files: &[(PathBuf, &[u8])]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let (mode, old) = match existing(path)? {
            Existing::File { .. } if is_read_only(path) => return Err(read_only(path)),
            Existing::File { mode, .. } => {
                let old = fs::read(path).map_err(|e| Error::io("read", path, e))?;
                (Some(mode), Some(old))
            }
            Existing::Absent => (None, None),
            Existing::Other(what) => return Err(not_a_file(path, what)),
        };
        staged.push((path, old, stage(path, bytes, mode)?));
    }
    let mut replaced: Vec<(&PathBuf, Option<Vec<u8>>)> = Vec::with_capacity(staged.len());
    for (path, old, file) in staged {
        if let Err(error) = file.commit() {
            for (path, old) in replaced.into_iter().rev() {
                let _ = match old {
                    Some(old) => write_atomic(path, &old),
                    None => fs::remove_file(path).map_err(|e| Error::io("remove", path, e)),
                };
            }
            return Err(error);
        }
        replaced.push((path, old));
    }
    Ok(())
}

/// Writes a new file in an existing folder; `Ok(false)` (and nothing written) when anything,
/// a dangling link included, is already at `path`.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    if existing(path)? != Existing::Absent {
        return Ok(false);
    }
    stage(path, bytes, None)?.commit_new()
}

/// The error for a destination that is not a regular file.
pub fn not_a_file(path: &Path, what: &str) -> Error {
    Error::usage(format!(
        "`{}` is {what}; okr writes only regular files and never follows or replaces anything \
         else\nhelp: move it away, then run okr again",
        path.display()
    ))
}

/// A plain file name, no folders, not hidden: a name that stays in the folder it is joined to.
/// Templates okr serves and documents it writes have such names.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && name != ".."
}

/// Whether `name` has the naming of okr's temporary files.
pub fn is_temporary(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX).is_some_and(|rest| {
        rest.len() == TEMP_RANDOM && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Whether the temporary `name` in `dir` is one that a killed run of okr left: a regular file,
/// untouched for [`STALE_AFTER`]. A run in progress holds its temporaries for far less, so
/// renders running at once never remove each other's. Only names that okr recorded before
/// creating them are asked about: a name alone proves nothing.
pub fn is_stale_temporary(dir: &Path, name: &str) -> bool {
    if !is_temporary(name) {
        return false;
    }
    let now = SystemTime::now();
    fs::symlink_metadata(dir.join(name)).is_ok_and(|meta| {
        meta.is_file()
            && meta
                .modified()
                .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age > STALE_AFTER))
    })
}

/// Whether a terminal would act on `c` rather than show it: a control character (C0, DEL,
/// C1; a newline and a tab only lay text out) or a bidirectional formatting character, which
/// reorders what follows it (the "Trojan Source" characters).
pub(crate) fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text from a repository as a terminal should get it: each character a terminal would act
/// on (an escape sequence's ESC, a carriage return, a bidi override) written as its Rust escape,
/// `\u{1b}`, so a file cannot retitle the window, recolour, rewrite or reorder what okr prints.
/// Every human-format output goes through it; JSON escapes for itself.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_a_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_a_terminal(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminals_get_control_characters_as_escapes() {
        assert!(matches!(terminal_safe("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("\u{1b}]0;x\u{7} \r\u{7f}\u{9b}\u{202e}é"),
            "\\u{1b}]0;x\\u{7} \\u{d}\\u{7f}\\u{9b}\\u{202e}é"
        );
    }

    #[test]
    fn new_files_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.txt");
        assert!(create_new(&path, b"one").unwrap());
        assert!(!create_new(&path, b"two").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"three").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporaries_are_named_unambiguously() {
        for name in [".okr-tmp-a1B2c3", ".okr-tmp-Zx9y8W"] {
            assert!(is_temporary(name), "{name}");
        }
        for name in [
            ".okr-rendered",
            ".okr-tmp-abc",
            ".okr-tmp-abcdefg",
            ".okr-tmp-ab.def",
            ".okr-notes",
            ".okr-Zx9y8W",
            ".okr-backup",
            "okr-tmp-abcdef",
            "README.md",
        ] {
            assert!(!is_temporary(name), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn nothing_but_a_regular_file_is_read_or_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert_eq!(existing(&link).unwrap(), Existing::Other("a symlink"));
        assert!(read_exactly(&link, 4).is_none());
        assert!(!holds(&link, &[0; 4]));
        assert!(write_atomic(&link, b"x").is_err());
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(read_at_most(Path::new("/dev/null"), 10).is_none());
    }
}
