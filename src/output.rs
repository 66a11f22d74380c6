//! Writing files safely: a temporary file in the same folder, then a rename, so a reader never
//! sees half a file and a failure leaves the old one in place.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
