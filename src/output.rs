//! Writing files safely: a temporary file in the same folder, then a rename, so a reader never
//! sees half a file and a failure leaves the old one in place. And text for a terminal, where
//! a file's contents must not act.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

fn temp_in(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io("create folder", dir, e))?;
    tempfile::Builder::new()
        .prefix(".okr-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("write in", dir, e))
}

fn filled(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let mut temp = temp_in(path)?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io("write", path, e))?;
    Ok(temp)
}

/// Replaces `path` with `bytes` atomically; unchanged files are not touched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    filled(path, bytes)?
        .persist(path)
        .map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

/// Writes a new file; `Ok(false)` (and nothing written) when `path` already exists.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    match filled(path, bytes)?.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io("write", path, e.error)),
    }
}

/// Fails unless `path` stays inside the folder `root` (canonical) once every symlink on the way
/// is followed: okr.toml names the output folder, and the repository's files must not send
/// okr's writes elsewhere. The part of `path` that does not exist yet is taken as written.
pub fn ensure_inside(root: &Path, path: &Path) -> Result<()> {
    let existing = path
        .ancestors()
        .find(|p| fs::symlink_metadata(p).is_ok())
        .unwrap_or(path);
    let real = existing
        .canonicalize()
        .map_err(|e| Error::io("open", existing, e))?;
    if real.starts_with(root) {
        return Ok(());
    }
    Err(Error::usage(format!(
        "output folder `{}` leads outside the repository, to `{}`; okr writes outside it only \
         to a folder given with `--out`",
        path.display(),
        real.display()
    )))
}

/// Whether a terminal would act on `c` rather than show it: a control character (C0, DEL,
/// C1; a newline and a tab only lay text out) or a bidirectional formatting character, which
/// reorders what follows it (the "Trojan Source" characters).
fn acts_on_a_terminal(c: char) -> bool {
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
        let path = dir.path().join("a/b.txt");
        assert!(create_new(&path, b"one").unwrap());
        assert!(!create_new(&path, b"two").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"three").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path().join("a")).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn paths_through_a_symlink_out_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("okrs")).unwrap();
        assert!(ensure_inside(&root, &root.join("docs/okrs")).is_ok());
        let error = ensure_inside(&root, &root.join("okrs/new")).unwrap_err();
        assert!(error.to_string().contains("leads outside the repository"));
        // A dangling link that points out is refused too, before anything creates its target.
        std::os::unix::fs::symlink("/nonexistent-okr-target", root.join("dangling")).unwrap();
        assert!(ensure_inside(&root, &root.join("dangling")).is_err());
    }
}
