//! Finding a team repository's root: the folder that holds okr.toml.

use std::fs;
use std::path::{Path, PathBuf};

use super::content::{Content, Special};
use super::listing::SourceFile;
use crate::error::{Error, Result};

/// The folder that holds okr.toml: `start` or the nearest folder above it, up to the top of
/// the git repository `start` is in (the first folder holding `.git`).
///
/// Any entry named okr.toml ends the search: one that is not a regular file, nor a link to
/// one, is an error, never passed over for an okr.toml further up. And the search stops at the
/// top of a git repository: a checkout without okr.toml is no team repository, and the folders
/// above it are none of its business.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    find_root_of(start, crate::config::FILE)
}

/// The folder that holds the file `name` (okr.toml, or an org's okr-org.toml), found as
/// [`find_root`] finds okr.toml.
pub fn find_root_of(start: &Path, name: &str) -> Result<PathBuf> {
    let start = start
        .canonicalize()
        .map_err(|e| Error::io("open", start, e))?;
    for dir in start.ancestors() {
        let config = dir.join(name);
        match fs::symlink_metadata(&config) {
            Ok(entry) => {
                return match fs::metadata(&config) {
                    Ok(target) => match Special::of(target.file_type()) {
                        None => Ok(dir.to_path_buf()),
                        Some(special) => Err(not_a_file(name, special)),
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
    if name == crate::config::FILE {
        Err(Error::NoRepository(start))
    } else {
        Err(Error::usage(format!(
            "not an org repository: no {name} in `{}` or any folder above it (the search stops \
             at the top of a git repository)",
            start.display()
        )))
    }
}

/// The error for an okr.toml that is `special`: the finding a team file gets.
fn not_a_file(name: &str, special: Special) -> Error {
    let file = SourceFile {
        path: name.to_owned(),
        content: Content::NotAFile(special),
    };
    Error::Config {
        findings: file.content.unread(&file.path).into_iter().collect(),
        texts: crate::finding::Texts::new(),
    }
}
