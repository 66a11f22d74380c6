//! What a team's own files may make okr do: templates read only the templates folder, cannot
//! reach the environment or the file system, and stop when they loop; okr.toml's paths stay in
//! the repository; writes are atomic, all-or-nothing and safe to run at once.

mod common;

use common::{TeamRepo, assert_exit, no_panic, snapshot_tree, stderr};

/// Renders with a team `objective.md.j2`; returns the exit code and stderr.
fn render_with_template(template: &str) -> (Option<i32>, String, TeamRepo) {
    let repo = TeamRepo::example();
    repo.write("templates/objective.md.j2", template);
    let output = repo.okr().arg("render").output().unwrap();
    no_panic(&output);
    (output.status.code(), stderr(&output), repo)
}

#[test]
fn templates_cannot_include_files_outside_their_folder() {
    for include in [
        "../okr.toml",
        "/etc/passwd",
        "../../../../etc/passwd",
        "sub/../../okr.toml",
        "..\\\\okr.toml",
        ".okr-rendered",
    ] {
        let (code, err, repo) = render_with_template(&format!("{{% include \"{include}\" %}}"));
        assert_eq!(code, Some(2), "{include}: {err}");
        assert!(err.contains("objective.md.j2"), "{include}: {err}");
        assert!(
            err.contains("not found") || err.contains("template"),
            "{include}: {err}"
        );
        assert!(!err.contains("root:"), "{include}: {err}");
        // Nothing is written when a document fails.
        assert!(!repo.file("okrs").exists(), "{include}");
    }
}

#[test]
fn templates_see_no_environment_and_no_files() {
    for probe in [
        "{{ env.HOME }}",
        "{{ environ }}",
        "{{ os.environ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ lookup('file', '/etc/passwd') }}",
        "{{ range(10) | map('open') | list }}",
        "{% import '/etc/passwd' as x %}",
        "{% extends '../okr.toml' %}",
    ] {
        let (code, err, _) = render_with_template(probe);
        assert_eq!(code, Some(2), "{probe}: {err}");
        assert!(err.contains("objective.md.j2"), "{probe}: {err}");
    }
}

#[test]
fn a_template_that_loops_or_recurses_stops_with_an_error() {
    for template in [
        "{% for a in range(10000) %}{% for b in range(10000) %}{{ a }}{% endfor %}{% endfor %}",
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "{% include \"objective.md.j2\" %}",
        "{{ 'x' * 1000000000 }}",
    ] {
        let started = std::time::Instant::now();
        let (code, err, _) = render_with_template(template);
        assert_eq!(code, Some(2), "{template}: {err}");
        assert!(err.contains("objective.md.j2"), "{template}: {err}");
        assert!(started.elapsed().as_secs() < 30, "{template}");
    }
}

#[cfg(unix)]
#[test]
fn a_template_that_is_a_symlink_out_is_refused_by_name() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.j2"), "secret").unwrap();
    let repo = TeamRepo::example();
    std::fs::create_dir_all(repo.file("templates")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.j2"),
        repo.file("templates/objective.md.j2"),
    )
    .unwrap();
    let output = repo.okr().arg("render").output().unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("templates/objective.md.j2"), "{err}");
    assert!(err.contains("outside the repository"), "{err}");
    assert!(!repo.file("okrs").exists());
}

#[cfg(unix)]
#[test]
fn okr_toml_paths_through_symlinks_out_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.toml"), "title = \"secret\"").unwrap();
    // The output folder is a symlink out: render refuses (it writes through no link), and
    // writes nothing there.
    let repo = TeamRepo::example();
    std::os::unix::fs::symlink(outside.path(), repo.file("okrs")).unwrap();
    let output = repo.okr().arg("render").output().unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("`okrs` is a symlink"));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    // `--out` is the user's own choice, and is honoured.
    let output = repo
        .okr()
        .args(["render", "--out"])
        .arg(outside.path())
        .output()
        .unwrap();
    assert_exit(&output, 0);
    // The initiatives folder is a symlink out: a finding naming it, nothing read from it.
    let repo = TeamRepo::example();
    let config = repo
        .read("okr.toml")
        .replace("[scales]", "[paths]\ninitiatives = \"ideas\"\n\n[scales]");
    repo.write("okr.toml", config);
    std::os::unix::fs::symlink(outside.path(), repo.file("ideas")).unwrap();
    let output = repo
        .okr()
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let out = common::stdout(&output);
    assert!(
        out.contains("file=ideas,") && out.contains("symlink-outside"),
        "{out}"
    );
    assert!(!out.contains("secret"), "{out}");
}

#[test]
fn nothing_is_written_when_any_document_fails() {
    let repo = TeamRepo::example();
    // Fails only for one objective, after others rendered fine.
    repo.write(
        "templates/objective.md.j2",
        "{% if objective.id == 'see-it-first' %}{{ missing.value }}{% endif %}ok\n",
    );
    let output = repo.okr().arg("render").output().unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("objective.md.j2"));
    assert!(!repo.file("okrs").exists());
}

#[test]
fn three_renders_at_once_leave_the_bytes_of_one() {
    let single = TeamRepo::example();
    let output = single.okr().arg("render").output().unwrap();
    assert_exit(&output, 0);
    let expected: Vec<_> = snapshot_tree(&single.file("okrs"))
        .into_iter()
        .map(|(path, bytes)| (path.strip_prefix(single.path()).unwrap().to_owned(), bytes))
        .collect();
    for _ in 0..3 {
        let repo = TeamRepo::example();
        let children: Vec<_> = (0..3)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("okr"))
                    .current_dir(repo.path())
                    .env_remove("RUST_BACKTRACE")
                    .arg("render")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert_exit(&output, 0);
        }
        let actual: Vec<_> = snapshot_tree(&repo.file("okrs"))
            .into_iter()
            .map(|(path, bytes)| (path.strip_prefix(repo.path()).unwrap().to_owned(), bytes))
            .collect();
        assert_eq!(actual, expected);
        let leftovers: Vec<_> = std::fs::read_dir(repo.file("okrs"))
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                (name.starts_with(".okr-") && name != ".okr-rendered").then_some(name)
            })
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[cfg(unix)]
fn running_as_root() -> bool {
    // Root ignores permission bits, so a read-only folder proves nothing there.
    let probe = tempfile::tempdir().unwrap();
    let dir = probe.path().join("ro");
    std::fs::create_dir(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = std::fs::write(dir.join("x"), "x").is_ok();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    writable
}

#[test]
fn an_unwritable_destination_is_exit_2_naming_the_path() {
    // A destination whose parent is a regular file fails for every user, root included.
    let repo = TeamRepo::example();
    repo.write("blocker", "a file, not a folder\n");
    let output = repo
        .okr()
        .args(["render", "--out", "blocker/okrs"])
        .output()
        .unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("blocker"), "{}", stderr(&output));
    assert_eq!(repo.read("blocker"), "a file, not a folder\n");
    // A document name taken by a folder: that document's write fails, naming it.
    let repo = TeamRepo::example();
    std::fs::create_dir_all(repo.file("okrs/README.md")).unwrap();
    let output = repo.okr().arg("render").output().unwrap();
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("README.md"), "{}", stderr(&output));

    #[cfg(unix)]
    if !running_as_root() {
        use std::os::unix::fs::PermissionsExt;
        let repo = TeamRepo::example();
        std::fs::create_dir(repo.file("okrs")).unwrap();
        std::fs::set_permissions(repo.file("okrs"), std::fs::Permissions::from_mode(0o555))
            .unwrap();
        let output = repo.okr().arg("render").output().unwrap();
        std::fs::set_permissions(repo.file("okrs"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        assert_exit(&output, 2);
        assert!(stderr(&output).contains("okrs"), "{}", stderr(&output));
    }
}

#[test]
fn a_committed_manifest_cannot_make_render_delete_files() {
    let repo = TeamRepo::example();
    repo.write("okrs/notes.md", "mine\n");
    repo.write("okrs/.okr-rendered", "notes.md\n0000 notes.md\n");
    let output = repo.okr().arg("render").output().unwrap();
    assert_exit(&output, 0);
    assert_eq!(repo.read("okrs/notes.md"), "mine\n");
    // A rendered document edited by hand is kept when its theme goes.
    repo.write("okrs/see-it-first.md", "edited\n");
    std::fs::remove_file(repo.file("themes/see-it-first.toml")).unwrap();
    let output = repo.okr().arg("render").output().unwrap();
    assert_exit(&output, 0);
    assert_eq!(repo.read("okrs/see-it-first.md"), "edited\n");
}

/// `fmt` never writes through a link, and says so whenever it skips one (not only with `-v`).
/// `fmt --check` cannot check a file it will not format: it says so, and its exit code stays
/// what the files it checked make it.
#[cfg(unix)]
#[test]
fn fmt_says_when_it_skips_a_symlink() {
    let repo = TeamRepo::example();
    let messy = repo
        .read("initiatives/slo-alerts.toml")
        .replacen(" = ", "   =   ", 1);
    repo.write("elsewhere.toml", &messy);
    std::fs::remove_file(repo.file("initiatives/slo-alerts.toml")).unwrap();
    std::os::unix::fs::symlink(
        "../elsewhere.toml",
        repo.file("initiatives/slo-alerts.toml"),
    )
    .unwrap();

    let output = repo.okr().arg("fmt").output().unwrap();
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("skipped `initiatives/slo-alerts.toml`: it is a symlink"),
        "{err}"
    );
    assert_eq!(repo.read("elsewhere.toml"), messy);

    let output = repo.okr().args(["fmt", "--check"]).output().unwrap();
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("skipped `initiatives/slo-alerts.toml`: it is a symlink")
            && err.contains("not checked"),
        "{err}"
    );

    let output = repo.okr().args(["-q", "fmt", "--check"]).output().unwrap();
    assert_exit(&output, 0);
    assert_eq!(stderr(&output), "");
}
