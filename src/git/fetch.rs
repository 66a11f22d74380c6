//! Fetching one branch of another repository into one ref of this one, for `okr org sync`:
//! an anonymous remote and an explicit refspec, so nothing but that ref is written (no
//! remote-tracking branch, no tag, no `FETCH_HEAD`); credentials from git's own helpers.

use std::cell::Cell;
use std::path::Path;

use git2::{
    AutotagOption, Cred, CredentialType, Direction, ErrorClass, FetchOptions, ProxyOptions,
    RemoteCallbacks, RemoteUpdateFlags, Repository,
};

/// What a fetch did to the local ref, with full commit ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The ref did not exist; now it points at this commit.
    New(String),
    Updated {
        old: String,
        new: String,
    },
    Unchanged(String),
}

/// Fetches `branch` of the repository at `url` into `local_ref` of the git repository whose
/// `.git` folder is `git_dir`, through the calling thread's own handle on it (git2's are not
/// `Sync`; each thread opens one, once). The error is the reason, for a reader, naming no
/// credentials.
pub fn fetch_branch(
    git_dir: &Path,
    url: &str,
    branch: &str,
    local_ref: &str,
) -> Result<Fetched, String> {
    super::repo::trust_objects();
    // This thread's own handle: each opening of the org repository lists every pack it holds,
    // and a synced org holds one for each team.
    super::blobs::with_thread_repo(git_dir, |repo| Ok(fetch_with(repo, url, branch, local_ref)))
        .unwrap_or_else(|e| Err(format!("cannot open the org's git repository: {e}")))
}

fn fetch_with(
    repo: &Repository,
    url: &str,
    branch: &str,
    local_ref: &str,
) -> Result<Fetched, String> {
    let old = repo.refname_to_id(local_ref).ok();
    let config = repo
        .config()
        .map_err(|e| format!("cannot read git's configuration: {}", e.message()))?;
    let mut remote = repo.remote_anonymous(url).map_err(|e| reason(url, &e))?;
    let remote_ref = format!("refs/heads/{branch}");

    // Ask for the branch first: a fetch of a branch the remote lacks succeeds, fetching nothing.
    {
        let tried = Cell::new(false);
        let connection = remote
            .connect_auth(
                Direction::Fetch,
                Some(callbacks(&config, &tried)),
                Some(proxy()),
            )
            .map_err(|e| reason(url, &e))?;
        let heads = connection.list().map_err(|e| reason(url, &e))?;
        if !heads.iter().any(|head| head.name() == remote_ref) {
            let mut branches: Vec<&str> = heads
                .iter()
                .filter_map(|head| head.name().strip_prefix("refs/heads/"))
                .collect();
            branches.sort_unstable();
            branches.truncate(10);
            return Err(if branches.is_empty() {
                format!("branch `{branch}` not found: the repository has no branches")
            } else {
                format!(
                    "branch `{branch}` not found (it has `{}`); set `ref` in okr-org.toml",
                    branches.join("`, `")
                )
            });
        }
    }

    let tried = Cell::new(false);
    let mut options = FetchOptions::new();
    options
        .remote_callbacks(callbacks(&config, &tried))
        .download_tags(AutotagOption::None)
        .proxy_options(proxy())
        .update_fetchhead(false);
    let refspec = format!("+{remote_ref}:{local_ref}");
    // Download, then update the one ref: `Remote::fetch` writes `FETCH_HEAD` whatever the
    // options say, and that file is a ref to git.
    past_shallow_lock(
        || {
            // A try that met the lock left its connection open.
            remote.disconnect().ok();
            remote.download(&[refspec.as_str()], Some(&mut options))
        },
        |attempt| std::thread::sleep(std::time::Duration::from_millis(5 * attempt)),
    )
    .map_err(|e| reason(url, &e))?;
    remote
        .update_tips(
            None,
            RemoteUpdateFlags::empty(),
            AutotagOption::None,
            Some("okr org sync"),
        )
        .map_err(|e| reason(url, &e))?;
    remote.disconnect().ok();
    let new = repo
        .refname_to_id(local_ref)
        .map_err(|_| format!("the fetch of `{branch}` wrote no `{local_ref}`"))?;
    Ok(match old {
        None => Fetched::New(new.to_string()),
        Some(old) if old == new => Fetched::Unchanged(new.to_string()),
        Some(old) => Fetched::Updated {
            old: old.to_string(),
            new: new.to_string(),
        },
    })
}

/// The proxy as git finds it: `http.proxy` in git's configuration, else the `https_proxy`,
/// `http_proxy` and `no_proxy` variables, else none.
fn proxy() -> ProxyOptions<'static> {
    let mut proxy = ProxyOptions::new();
    proxy.auto();
    proxy
}

/// How many times a download that met another's lock on `.git/shallow` is tried again.
const SHALLOW_RETRIES: u64 = 20;

/// `download`, tried again up to [`SHALLOW_RETRIES`] times while it fails on the lock of
/// `.git/shallow`, with `wait(attempt)` before each new try. Every download rewrites that file
/// under a lock libgit2 never waits for: two teams fetched at once can meet there. The pack is
/// in by then; the download is tried again once the other has let go.
fn past_shallow_lock(
    mut download: impl FnMut() -> Result<(), git2::Error>,
    mut wait: impl FnMut(u64),
) -> Result<(), git2::Error> {
    let mut attempt = 0;
    loop {
        match download() {
            Err(error) if is_shallow_lock(&error) && attempt < SHALLOW_RETRIES => {
                attempt += 1;
                wait(attempt);
            }
            done => return done,
        }
    }
}

/// Whether libgit2 failed for want of the lock on `.git/shallow`, which another fetch into the
/// same repository holds.
fn is_shallow_lock(error: &git2::Error) -> bool {
    error.code() == git2::ErrorCode::Locked || error.message().contains("shallow.lock")
}

/// Credentials from git's credential helpers (`credential.helper`, as git uses them, so a
/// `GITHUB_TOKEN` set up for git serves okr too), asked once: libgit2 asks again after a
/// refusal, and the same answer would loop. Only a transport over the network asks; without
/// the `https` feature there is none.
fn callbacks<'a>(config: &'a git2::Config, tried: &'a Cell<bool>) -> RemoteCallbacks<'a> {
    let mut callbacks = RemoteCallbacks::new();
    callbacks.credentials(move |url, username, allowed| {
        if tried.replace(true) {
            return Err(git2::Error::from_str(
                "the credentials from git's credential helpers were refused",
            ));
        }
        credentials(config, url, username, allowed)
    });
    callbacks
}

#[cfg(feature = "https")]
fn credentials(
    config: &git2::Config,
    url: &str,
    username: Option<&str>,
    allowed: CredentialType,
) -> Result<Cred, git2::Error> {
    if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
        Cred::credential_helper(config, url, username)
    } else if allowed.contains(CredentialType::DEFAULT) {
        Cred::default()
    } else {
        Err(git2::Error::from_str(
            "no credentials: git's credential helpers give none for this kind of URL",
        ))
    }
}

#[cfg(not(feature = "https"))]
fn credentials(
    _: &git2::Config,
    _: &str,
    _: Option<&str>,
    allowed: CredentialType,
) -> Result<Cred, git2::Error> {
    if allowed.contains(CredentialType::DEFAULT) {
        return Cred::default();
    }
    Err(git2::Error::from_str(
        "this okr was built without https, so without git's credential helpers",
    ))
}

/// Whether git reads `url`, which has no `://`, as ssh's short form, `[user@]host:path`: a `:`
/// before any `/`. A colon second (`C:/okr`) is a Windows drive.
pub fn is_scp_like(url: &str) -> bool {
    url.find(':')
        .is_some_and(|colon| !url[..colon].contains('/') && colon > 1)
}

/// Why a fetch failed, for a reader; a transport this build lacks says what to do instead.
fn reason(url: &str, error: &git2::Error) -> String {
    let scheme = match url.split_once("://") {
        Some((scheme, _)) => Some(scheme.to_ascii_lowercase()),
        None if is_scp_like(url) => Some("ssh".to_owned()),
        None => None,
    };
    let message = error.message();
    let unsupported = message.contains("unsupported URL protocol")
        || message.contains("no TLS stream available")
        || (error.class() == ErrorClass::Net && message.contains("unsupported"));
    match scheme.as_deref() {
        Some(scheme @ ("https" | "http" | "ssh" | "git+ssh")) if unsupported => format!(
            "this okr was built without {scheme}; use a local mirror or path (`git clone \
             --mirror`, then `url = \"path/to/mirror\"`)"
        ),
        _ => error.message().trim_end_matches('.').to_owned(),
    }
}

/// The first `len` hex digits of a commit id, as git abbreviates it.
pub fn short_id(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

/// libgit2 truncates `FETCH_HEAD` on every fetch, even one asked to leave it alone: an empty
/// file that names nothing, or one git wrote emptied. And every download rewrites
/// `.git/shallow` with the shallow roots that download received, none for a whole branch: in a
/// shallow clone of the org repository (actions/checkout's default) the file was removed, and
/// git then took the clone for a whole history whose oldest commit's parents are missing (`git
/// log` fails). Held over a sync, this puts both files back as they were (removed when there
/// was none), so the repository is left as it was but for the refs fetched into.
pub struct GitFilesGuard {
    kept: [Kept; 2],
}

impl GitFilesGuard {
    pub fn new(git_dir: &Path) -> GitFilesGuard {
        GitFilesGuard {
            kept: [
                Kept::new(git_dir.join("FETCH_HEAD")),
                Kept::new(git_dir.join("shallow")),
            ],
        }
    }
}

impl Drop for GitFilesGuard {
    fn drop(&mut self) {
        for kept in &self.kept {
            kept.restore();
        }
    }
}

/// A file of `.git` and its bytes before a sync; `None` when there was none.
struct Kept {
    path: std::path::PathBuf,
    was: Option<Vec<u8>>,
}

impl Kept {
    fn new(path: std::path::PathBuf) -> Kept {
        let was = std::fs::read(&path).ok();
        Kept { path, was }
    }

    /// Puts the file back as it was, when the sync changed it.
    fn restore(&self) {
        if std::fs::read(&self.path).ok() == self.was {
            return;
        }
        match &self.was {
            Some(bytes) => {
                let _ = crate::output::stage(&self.path, bytes, None)
                    .and_then(crate::output::Staged::commit);
            }
            None => {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{ErrorClass, ErrorCode};

    fn locked() -> git2::Error {
        git2::Error::new(ErrorCode::Locked, ErrorClass::Os, "failed to lock file")
    }

    fn shallow_lock_message() -> git2::Error {
        git2::Error::new(
            ErrorCode::GenericError,
            ErrorClass::Os,
            "failed to create locked file '/x/.git/shallow.lock': File exists",
        )
    }

    fn other() -> git2::Error {
        git2::Error::new(
            ErrorCode::GenericError,
            ErrorClass::Net,
            "connection refused",
        )
    }

    #[test]
    fn ssh_short_forms_are_known_and_drives_and_paths_are_not() {
        for url in ["git@github.com:acme/x", "host:x", "git@h:"] {
            assert!(is_scp_like(url), "{url}");
        }
        for url in ["C:/okr/x", "C:x", "../x:y", "dir/x:y", "x", ":x"] {
            assert!(!is_scp_like(url), "{url}");
        }
    }

    #[test]
    fn the_lock_of_git_shallow_is_known_by_code_or_by_name() {
        assert!(is_shallow_lock(&locked()));
        assert!(is_shallow_lock(&shallow_lock_message()));
        assert!(!is_shallow_lock(&other()));
    }

    /// Tries `download` failing `failures` times with `error` and then succeeding; gives the
    /// outcome and the waits, in order.
    fn run(failures: u64, error: fn() -> git2::Error) -> (Result<(), git2::Error>, Vec<u64>) {
        let (mut tries, mut waits) = (0, Vec::new());
        let outcome = past_shallow_lock(
            || {
                tries += 1;
                if tries <= failures {
                    Err(error())
                } else {
                    Ok(())
                }
            },
            |attempt| waits.push(attempt),
        );
        (outcome, waits)
    }

    #[test]
    fn a_download_that_meets_the_lock_is_tried_again_up_to_the_limit() {
        let (outcome, waits) = run(3, locked);
        assert!(outcome.is_ok());
        assert_eq!(waits, [1, 2, 3]);

        let (outcome, waits) = run(SHALLOW_RETRIES, shallow_lock_message);
        assert!(outcome.is_ok());
        assert_eq!(waits.len() as u64, SHALLOW_RETRIES);

        let (outcome, waits) = run(SHALLOW_RETRIES + 1, locked);
        assert_eq!(outcome.unwrap_err().code(), ErrorCode::Locked);
        assert_eq!(waits.len() as u64, SHALLOW_RETRIES);
    }

    #[test]
    fn any_other_failure_is_not_tried_again() {
        let (outcome, waits) = run(1, other);
        assert_eq!(outcome.unwrap_err().message(), "connection refused");
        assert!(waits.is_empty());
        assert!(run(0, other).0.is_ok());
    }
}
