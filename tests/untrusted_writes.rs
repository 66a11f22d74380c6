//! What a repository's own files cannot make okr's writes do: read a FIFO, a device or a link
//! in the output folder, write through a link or into `.git`, delete or overwrite a file okr did
//! not write, leave half a set of documents, leave temporaries behind for ever, or widen or
//! narrow a file's permissions.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{
    TeamRepo, assert_exit, commit, git_repo, no_panic, okr_sh, run_within, snapshot_tree, stderr,
};

/// Runs okr in `dir` with a deadline and a memory ceiling, so a defect that hangs or reads
/// without end fails the test instead of stalling the suite. stdin stays an open pipe that is
/// never written, so a read of `/dev/stdin` blocks as it would in CI.
#[cfg(unix)]
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let mut command = okr_sh(dir, "ulimit -v 2000000");
    command.args(args).stdin(Stdio::piped());
    run_within(command, Duration::from_secs(30))
}

/// Makes `repo` a git repository with everything committed.
fn git_init(repo: &TeamRepo) -> git2::Repository {
    let git = git_repo(repo.path());
    commit(&git, "Ada", 1_700_000_000, "team files");
    git
}

fn render(repo: &TeamRepo) -> Output {
    let output = repo.okr().arg("render").output().unwrap();
    no_panic(&output);
    output
}

#[cfg(unix)]
#[test]
fn render_never_opens_a_fifo_where_a_document_goes() {
    // Opening a FIFO to compare its bytes would block for ever.
    let repo = TeamRepo::example();
    std::fs::create_dir(repo.file("okrs")).unwrap();
    let status = Command::new("mkfifo")
        .arg(repo.file("okrs/README.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let output = run_bounded(repo.path(), &["render"]);
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("okrs/README.md"),
        "{}",
        stderr(&output)
    );
    assert!(!repo.file("okrs/boring-deploys.md").exists());
}

#[cfg(unix)]
#[test]
fn render_never_reads_through_a_link_to_a_device() {
    // `/dev/zero` never ends: reading it to compare would take all memory.
    let repo = TeamRepo::example();
    std::fs::create_dir(repo.file("okrs")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.file("okrs/README.md")).unwrap();
    let output = run_bounded(repo.path(), &["render"]);
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("okrs/README.md"),
        "{}",
        stderr(&output)
    );
    assert!(
        std::fs::symlink_metadata(repo.file("okrs/README.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn render_never_reads_a_manifest_in_the_output_folder() {
    // okr's record of what it wrote is not in the repository's files, so a link to stdin there
    // is never opened, with git or without.
    for git in [false, true] {
        let repo = TeamRepo::example();
        std::fs::create_dir(repo.file("okrs")).unwrap();
        std::os::unix::fs::symlink("/dev/stdin", repo.file("okrs/.okr-rendered")).unwrap();
        if git {
            git_init(&repo);
        }
        let output = run_bounded(repo.path(), &["render"]);
        no_panic(&output);
        assert_exit(&output, 0);
        assert!(repo.file("okrs/README.md").is_file());
    }
}

#[cfg(unix)]
#[test]
fn no_write_lands_in_git_or_passes_through_a_link() {
    // A committed link into `.git` on the way to the output folder.
    let repo = TeamRepo::example();
    let config = repo.read("okr.toml");
    repo.write(
        "okr.toml",
        format!("{config}\n[paths]\noutput = \"docs/okrs\"\n"),
    );
    let git = git_init(&repo);
    let refs_before = snapshot_tree(&repo.file(".git/refs"));
    std::os::unix::fs::symlink(".git/refs/heads", repo.file("docs")).unwrap();
    let output = render(&repo);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("`docs`"), "{}", stderr(&output));
    assert!(!repo.file(".git/refs/heads/okrs").exists());
    assert!(
        snapshot_tree(&repo.file(".git/refs")) == refs_before,
        "refs changed"
    );
    drop(git);

    // The output folder itself is a link to `.git`, or to a folder inside the repository:
    // okr writes through no link at all.
    for target in [".git", "elsewhere"] {
        let repo = TeamRepo::example();
        git_init(&repo);
        std::fs::create_dir_all(repo.file("elsewhere")).unwrap();
        std::os::unix::fs::symlink(target, repo.file("okrs")).unwrap();
        let output = render(&repo);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{target}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("`okrs`"), "{}", stderr(&output));
        assert!(!repo.file(".git/README.md").exists());
        assert!(!repo.file("elsewhere/README.md").exists());
    }

    // `fmt` formats nothing that its path reaches through a link into `.git`.
    let repo = TeamRepo::example();
    git_init(&repo);
    std::fs::create_dir_all(repo.file(".git/ideas")).unwrap();
    let messy = "title   =   \"Messy\"\n";
    std::fs::write(repo.file(".git/ideas/messy.toml"), messy).unwrap();
    std::fs::rename(repo.file("initiatives"), repo.file("real-initiatives")).unwrap();
    std::os::unix::fs::symlink(".git/ideas", repo.file("initiatives")).unwrap();
    let output = repo.okr().arg("fmt").output().unwrap();
    no_panic(&output);
    assert_eq!(
        std::fs::read_to_string(repo.file(".git/ideas/messy.toml")).unwrap(),
        messy
    );
}

#[cfg(unix)]
#[test]
fn new_and_init_refuse_a_link_that_leaves_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    let repo = TeamRepo::example();
    std::fs::rename(repo.file("initiatives"), repo.file("real-initiatives")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.file("initiatives")).unwrap();
    let output = repo
        .okr()
        .args([
            "new",
            "Escape the repository",
            "--owner",
            "ada",
            "--tag",
            "x",
        ])
        .output()
        .unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("`initiatives`"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("passes"), "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);

    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join(".github")).unwrap();
    let output = common::okr(dir.path())
        .args(["init", ".", "--team", "Platform"])
        .output()
        .unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("`.github`"), "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // Nothing was written before the refusal.
    assert!(!dir.path().join("okr.toml").exists());
}

#[test]
fn a_committed_manifest_cannot_make_render_delete_or_overwrite() {
    let repo = TeamRepo::example();
    let mine = "my own notes\n";
    repo.write("okrs/notes.md", mine);
    let id = git2::Oid::hash_object(git2::ObjectType::Blob, mine.as_bytes()).unwrap();
    let manifest = format!("{id} notes.md\n{id} {} notes.md\n", mine.len());
    repo.write("okrs/.okr-rendered", &manifest);
    git_init(&repo);
    let output = render(&repo);
    assert_exit(&output, 0);
    assert_eq!(repo.read("okrs/notes.md"), mine);
    // A later theme of that name does not make it okr's either.
    repo.write(
        "themes/notes.toml",
        "title = \"Notes\"\ntags = [\"observability\"]\n",
    );
    let output = render(&repo);
    assert_exit(&output, 2);
    assert_eq!(repo.read("okrs/notes.md"), mine);
    // What okr wrote in this working tree it may still remove when its theme goes.
    std::fs::remove_file(repo.file("themes/notes.toml")).unwrap();
    std::fs::remove_file(repo.file("themes/see-it-first.toml")).unwrap();
    let output = render(&repo);
    assert_exit(&output, 0);
    assert!(stderr(&output).contains("removed see-it-first.md"));
    assert!(!repo.file("okrs/see-it-first.md").exists());
    assert_eq!(repo.read("okrs/notes.md"), mine);
}

#[test]
fn render_never_overwrites_a_file_it_did_not_write() {
    for git in [false, true] {
        let repo = TeamRepo::example();
        if git {
            git_init(&repo);
        }
        let output = render(&repo);
        assert_exit(&output, 0);
        repo.write("okrs/notes.md", "mine\n");
        repo.write(
            "themes/notes.toml",
            "title = \"Notes\"\ntags = [\"observability\"]\n",
        );
        let before = snapshot_tree(&repo.file("okrs"));
        let output = render(&repo);
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("okrs/notes.md"),
            "{}",
            stderr(&output)
        );
        // Nothing at all was written: the overview is not updated either.
        assert!(
            snapshot_tree(&repo.file("okrs")) == before,
            "the output folder changed"
        );

        // A hand-written overview in a folder okr never rendered into.
        let repo = TeamRepo::example();
        repo.write("okrs/README.md", "# Our own overview\n");
        let output = render(&repo);
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("okrs/README.md"),
            "{}",
            stderr(&output)
        );
        assert_eq!(repo.read("okrs/README.md"), "# Our own overview\n");
        assert!(!repo.file("okrs/boring-deploys.md").exists());
    }
    // What okr wrote it replaces when the input changes.
    let repo = TeamRepo::example();
    assert_exit(&render(&repo), 0);
    let config = repo.read("okr.toml").replace("Platform", "Platform Two");
    repo.write("okr.toml", config);
    let output = render(&repo);
    assert_exit(&output, 0);
    assert!(repo.read("okrs/README.md").contains("Platform Two"));
}

#[test]
fn render_replaces_every_document_or_none() {
    let repo = TeamRepo::example();
    assert_exit(&render(&repo), 0);
    let config = repo.read("okr.toml").replace("Platform", "Platform Two");
    repo.write("okr.toml", config);
    // The last document's place is taken by a folder.
    std::fs::remove_file(repo.file("okrs/see-it-first.md")).unwrap();
    std::fs::create_dir(repo.file("okrs/see-it-first.md")).unwrap();
    let before = snapshot_tree(&repo.file("okrs"));
    let output = render(&repo);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("okrs/see-it-first.md"),
        "{}",
        stderr(&output)
    );
    assert!(
        snapshot_tree(&repo.file("okrs")) == before,
        "the output folder changed"
    );
    assert!(!repo.read("okrs/README.md").contains("Platform Two"));
    let leftovers: Vec<_> = std::fs::read_dir(repo.file("okrs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".okr-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The one proof file okr keeps for the example repository (no git there: under `$HOME`,
/// which the test helpers set to the repository).
fn proof_file(repo: &TeamRepo) -> std::path::PathBuf {
    let folder = repo.file(".local/state/okr/rendered");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.pop().unwrap()
}

#[cfg(unix)]
#[test]
fn render_removes_only_the_stale_temporaries_it_recorded() {
    let repo = TeamRepo::example();
    assert_exit(&render(&repo), 0);
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    let age = |name: &str| {
        let file = std::fs::File::options()
            .write(true)
            .open(repo.file(&format!("okrs/{name}")))
            .unwrap();
        file.set_modified(old).unwrap();
    };
    // Left by renders that were killed after recording them: old, and in the proof.
    let proof = proof_file(&repo);
    let mut text = std::fs::read_to_string(&proof).unwrap();
    for name in [".okr-tmp-a1B2c3", ".okr-tmp-Zx9y8W"] {
        repo.write(&format!("okrs/{name}"), "half a docu");
        age(name);
        text.push_str(&format!("tmp {name}\n"));
    }
    // Recorded but fresh (a render running now), or recorded but a link: kept.
    text.push_str("tmp .okr-tmp-fresh1\ntmp .okr-tmp-link12\n");
    std::fs::write(&proof, text).unwrap();
    repo.write("okrs/.okr-tmp-fresh1", "keep");
    std::os::unix::fs::symlink("README.md", repo.file("okrs/.okr-tmp-link12")).unwrap();
    // Named like okr's temporaries, old, but never recorded: a user's files, kept.
    for name in [
        ".okr-tmp-config",
        ".okr-backup",
        ".okr-Zx9y8W",
        ".okr-notes",
        ".okr-tmp-toolong1",
        "okr-tmp-abcdef",
    ] {
        repo.write(&format!("okrs/{name}"), "keep");
        age(name);
    }
    let output = render(&repo);
    assert_exit(&output, 0);
    let mut names: Vec<String> = std::fs::read_dir(repo.file("okrs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("okr-"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".okr-Zx9y8W",
            ".okr-backup",
            ".okr-notes",
            ".okr-tmp-config",
            ".okr-tmp-fresh1",
            ".okr-tmp-link12",
            ".okr-tmp-toolong1",
            "okr-tmp-abcdef"
        ]
    );
    // The removed ones are forgotten; the ones still there stay recorded.
    let text = std::fs::read_to_string(proof_file(&repo)).unwrap();
    assert!(
        !text.contains("a1B2c3") && !text.contains("Zx9y8W"),
        "{text}"
    );
    assert!(text.contains("tmp .okr-tmp-fresh1"), "{text}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs okr under `umask`; it must succeed.
#[cfg(unix)]
fn okr_with_umask(dir: &Path, umask: &str, args: &[&str]) -> Output {
    let output = okr_sh(dir, &format!("umask {umask}"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    no_panic(&output);
    assert_exit(&output, 0);
    output
}

#[cfg(unix)]
#[test]
fn files_get_the_umask_mode_and_keep_their_own() {
    use std::os::unix::fs::PermissionsExt;
    for (umask, expected) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let dir = tempfile::tempdir().unwrap();
        okr_with_umask(dir.path(), umask, &["init", "team", "--team", "Platform"]);
        let team = dir.path().join("team");
        for file in ["okr.toml", ".github/workflows/okr.yml"] {
            assert_eq!(mode(&team.join(file)), expected, "init {umask} {file}");
        }
        // A complete initiative: okr new exits 1 while a field is left to fill in.
        okr_with_umask(
            &team,
            umask,
            &[
                "new",
                "Faster builds",
                "--tag",
                "x",
                "--problem",
                "Slow.",
                "--impact",
                "low",
                "--cost",
                "s",
                "--owner",
                "zoe",
            ],
        );
        assert_eq!(
            mode(&team.join("initiatives/faster-builds.toml")),
            expected,
            "new {umask}"
        );
        okr_with_umask(&team, umask, &["render"]);
        assert_eq!(
            mode(&team.join("okrs/README.md")),
            expected,
            "render {umask}"
        );
    }
    // Replacing a file keeps its mode, whatever the umask.
    let repo = TeamRepo::example();
    let file = repo.file("initiatives/rotate-secrets.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen(" = ", "   =   ", 1)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    okr_with_umask(repo.path(), "077", &["fmt"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_eq!(mode(&file), 0o640);
    okr_with_umask(repo.path(), "022", &["render"]);
    std::fs::set_permissions(
        repo.file("okrs/README.md"),
        std::fs::Permissions::from_mode(0o604),
    )
    .unwrap();
    let config = repo.read("okr.toml").replace("Platform", "Platform Two");
    repo.write("okr.toml", config);
    okr_with_umask(repo.path(), "077", &["render"]);
    assert!(repo.read("okrs/README.md").contains("Platform Two"));
    assert_eq!(mode(&repo.file("okrs/README.md")), 0o604);
}

/// A user's file that happens to hold the bytes okr would write is left alone, and it never
/// becomes okr's: a later render neither replaces it nor removes it when its theme goes.
#[test]
fn a_file_holding_what_okr_would_write_never_becomes_okrs() {
    let repo = TeamRepo::example();
    let theme = repo.read("themes/see-it-first.toml");
    repo.write("themes/notes.toml", &theme);
    // The bytes okr writes for the theme, rendered elsewhere.
    let elsewhere = repo
        .okr()
        .args(["render", "--out", "elsewhere"])
        .output()
        .unwrap();
    assert_exit(&elsewhere, 0);
    let bytes = std::fs::read(repo.file("elsewhere/notes.md")).unwrap();
    // The user's own `okrs/notes.md`, byte for byte the same.
    repo.write("okrs/notes.md", &bytes);
    let output = render(&repo);
    assert_exit(&output, 0);
    // The theme changes: okr did not write the file, so it is not replaced.
    repo.write(
        "themes/notes.toml",
        theme.replacen("title = \"", "title = \"Now: ", 1),
    );
    let output = render(&repo);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("notes.md"), "{}", stderr(&output));
    assert_eq!(std::fs::read(repo.file("okrs/notes.md")).unwrap(), bytes);
    // The theme goes: the file is not removed.
    std::fs::remove_file(repo.file("themes/notes.toml")).unwrap();
    let output = render(&repo);
    assert_exit(&output, 0);
    assert_eq!(std::fs::read(repo.file("okrs/notes.md")).unwrap(), bytes);
}

/// okr.toml's output path cannot hold a line break or a control character, nor name `.git` in
/// any letter case.
#[test]
fn output_paths_with_control_characters_or_git_are_bad_config() {
    for output in ["okrs\\nx", "docs/.GIT/okrs", "okrs\\u001b[31m"] {
        let repo = TeamRepo::example();
        let config = repo.read("okr.toml");
        repo.write(
            "okr.toml",
            format!("{config}\n[paths]\noutput = \"{output}\"\n"),
        );
        let output_ = render(&repo);
        assert_eq!(output_.status.code(), Some(2), "{output}");
        assert!(
            stderr(&output_).contains("bad-config"),
            "{}",
            stderr(&output_)
        );
        assert!(!stderr(&output_).contains('\u{1b}'), "{}", stderr(&output_));
    }
}

/// A document edited by hand to the same length is no longer okr's: its bytes, not its size,
/// are the proof. And once a theme's document is removed, the proof forgets it.
#[test]
fn only_the_recorded_bytes_prove_a_document_and_removed_ones_are_forgotten() {
    let repo = TeamRepo::example();
    assert_exit(&render(&repo), 0);
    // One letter changed: the same size, other bytes.
    let edited = repo.read("okrs/data-we-trust.md").replacen('a', "b", 1);
    repo.write("okrs/data-we-trust.md", &edited);
    let theme = repo.read("themes/data-we-trust.toml");
    repo.write(
        "themes/data-we-trust.toml",
        theme.replacen("title = \"", "title = \"Now: ", 1),
    );
    let output = render(&repo);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("data-we-trust.md"),
        "{}",
        stderr(&output)
    );
    assert_eq!(repo.read("okrs/data-we-trust.md"), edited);
    // Its theme goes: the edited file stays.
    std::fs::remove_file(repo.file("themes/data-we-trust.toml")).unwrap();
    assert_exit(&render(&repo), 0);
    assert_eq!(repo.read("okrs/data-we-trust.md"), edited);
    // A document okr wrote, whose theme goes, is removed and forgotten.
    std::fs::remove_file(repo.file("themes/see-it-first.toml")).unwrap();
    assert_exit(&render(&repo), 0);
    assert!(!repo.file("okrs/see-it-first.md").exists());
    let proof = std::fs::read_to_string(proof_file(&repo)).unwrap();
    assert!(!proof.contains("see-it-first.md"), "{proof}");
    assert!(!proof.contains("data-we-trust.md"), "{proof}");
    assert!(proof.contains(" README.md"), "{proof}");
}
