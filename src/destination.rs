//! Where okr may write in a repository: only into real folders inside it. A link on the way is
//! never followed, wherever it leads (outside the repository, into `.git`, or to another folder
//! of the repository), and no folder named `.git` is ever written into, at any depth: a
//! repository's own files must not be able to send okr's writes anywhere.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::output;

/// Checks every folder from `root` down to `root/relative` and, with `create`, makes the
/// missing ones (one at a time, never following a link); returns `root/relative`. Without
/// `create`, a missing folder ends the check: okr will make everything below it.
///
/// `relative` is a folder named by the repository's files (okr.toml's paths) or by okr itself;
/// `root` is trusted (found by walking up from where okr runs, or given on the command line).
pub fn folder(root: &Path, relative: &Path, create: bool) -> Result<PathBuf> {
    let mut at = root.to_path_buf();
    let mut shown = PathBuf::new();
    for component in relative.components() {
        let Component::Normal(name) = component else {
            if component == Component::CurDir {
                continue;
            }
            return Err(Error::usage(format!(
                "`{}` is not a plain relative path inside the repository",
                relative.display()
            )));
        };
        at.push(name);
        shown.push(name);
        if name.eq_ignore_ascii_case(".git") {
            return Err(Error::usage(format!(
                "cannot write into `{}`: `{}` is git's own folder, and okr never writes into \
                 `.git`",
                relative.display(),
                shown.display()
            )));
        }
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => return Err(not_a_folder(relative, &shown, &at, meta.file_type())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    return Ok(root.join(relative));
                }
                match fs::create_dir(&at) {
                    Ok(()) => {}
                    // Made at the same time by another run: check what it is.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let meta = fs::symlink_metadata(&at)
                            .map_err(|e| Error::io("create folder", &at, e))?;
                        if !meta.is_dir() {
                            return Err(not_a_folder(relative, &shown, &at, meta.file_type()));
                        }
                    }
                    Err(e) => return Err(Error::io("create folder", &at, e)),
                }
            }
            Err(e) => return Err(Error::io("open", &at, e)),
        }
    }
    Ok(at)
}

/// The folder that holds the file `relative` (`/`-separated), checked as [`folder`] does.
pub fn parent_folder(root: &Path, relative: &str, create: bool) -> Result<PathBuf> {
    let parent = Path::new(relative).parent().unwrap_or(Path::new(""));
    folder(root, parent, create)
}

fn not_a_folder(relative: &Path, shown: &Path, at: &Path, kind: fs::FileType) -> Error {
    if kind.is_symlink() {
        let target = fs::read_link(at)
            .map(|t| format!(" (to `{}`)", t.display()))
            .unwrap_or_default();
        return Error::usage(format!(
            "cannot write into `{}`: `{}` is a symlink{target}; okr writes only into real \
             folders of the repository, never through a link, which could lead outside the \
             repository or into `.git`\nhelp: replace the link with a folder",
            relative.display(),
            shown.display(),
        ));
    }
    Error::usage(format!(
        "cannot write into `{}`: `{}` is {}, not a folder",
        relative.display(),
        shown.display(),
        output::describe(kind)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn no_folder_on_the_way_may_be_a_link_or_git() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("inside")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink("inside", root.join("in")).unwrap();
        std::os::unix::fs::symlink("/nonexistent-okr-target", root.join("dangling")).unwrap();
        assert_eq!(
            folder(root, Path::new("docs/okrs"), true).unwrap(),
            root.join("docs/okrs")
        );
        assert!(root.join("docs/okrs").is_dir());
        for (relative, named) in [
            ("out/okrs", "`out`"),
            ("in/okrs", "`in`"),
            ("dangling", "`dangling`"),
            ("docs/.git/x", "`docs/.git`"),
            ("docs/.GIT", "`docs/.GIT`"),
            ("../x", "plain"),
        ] {
            let error = folder(root, Path::new(relative), true).unwrap_err();
            assert!(error.to_string().contains(named), "{relative}: {error}");
        }
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
        assert!(!root.join("docs/.git").exists());
        // Checking only creates nothing.
        assert!(folder(root, Path::new("new/folder"), false).is_ok());
        assert!(!root.join("new").exists());
        assert!(folder(root, Path::new("out/x"), false).is_err());
    }
}
