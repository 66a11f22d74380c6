//! `okr fmt` in an org repository: okr-org.toml and every `objectives/*.toml` take the
//! canonical layout, as a team's files do.

mod common;

use std::fs;

use common::org::Org;
use common::{assert_exit, git_repo, no_panic, okr, snapshot_tree, stderr, stdout};

/// The org repository with [`ORG`] and [`OBJECTIVE`], out of their canonical layout.
fn org_repo() -> Org {
    let org = Org::new(ORG);
    org.write("objectives/reliable.toml", OBJECTIVE);
    org
}

/// okr-org.toml with its tables and keys out of order, indented, with comments.
const ORG: &str = "\
# The org's teams.

[[teams]]
url = \"../payments\"   # a path from here
  # the team's name
name = \"payments\"


[org]
period = \"2026-Q1\"
name = \"Acme\"
";

const ORG_FORMATTED: &str = "\
# The org's teams.

[org]
name = \"Acme\"
period = \"2026-Q1\"

[[teams]]
# the team's name
name = \"payments\"
url = \"../payments\"   # a path from here
";

/// An objective with its keys and tables out of order and comments on keys.
const OBJECTIVE: &str = "\
owner = \"dana\"   # who answers for it
why = \"Customers leave when we are down.\"
# the future we want
title = \"Reliable\"

[[key_results]]
target = 99.9
# measured monthly
title = \"Uptime\"
baseline = 99.0

[checkin]
note = \"fine\"
date = 2026-01-10
";

const OBJECTIVE_FORMATTED: &str = "\
# the future we want
title = \"Reliable\"
why = \"Customers leave when we are down.\"
owner = \"dana\"   # who answers for it

[checkin]
date = 2026-01-10
note = \"fine\"

[[key_results]]
# measured monthly
title = \"Uptime\"
baseline = 99.0
target = 99.9
";

#[test]
fn fmt_check_lists_the_org_files_then_fmt_formats_them_keeping_comments() {
    let repo = org_repo();
    let before = snapshot_tree(repo.path());
    let check = repo.run(&["fmt", "--check"]);
    assert_exit(&check, 1);
    assert_eq!(
        stdout(&check),
        "okr-org.toml\nobjectives/reliable.toml\n",
        "{}",
        stderr(&check)
    );
    assert!(stderr(&check).contains("2 files are not formatted; run `okr fmt`"));
    assert_eq!(snapshot_tree(repo.path()), before, "--check wrote a file");

    let fmt = repo.run(&["fmt"]);
    assert_exit(&fmt, 0);
    assert_eq!(
        stderr(&fmt),
        "formatted okr-org.toml\nformatted objectives/reliable.toml\n"
    );
    assert_eq!(repo.read("okr-org.toml"), ORG_FORMATTED);
    assert_eq!(repo.read("objectives/reliable.toml"), OBJECTIVE_FORMATTED);
    // The org still reads both (its one error: the team is not synced).
    let check = stdout(&repo.run(&["org", "check"]));
    assert!(
        check.contains("unsynced-team") && check.contains("1 objective: 1 error"),
        "{check}"
    );

    // The formatted files are what the org reads, and a second run changes nothing.
    let after = snapshot_tree(repo.path());
    let again = repo.run(&["fmt"]);
    assert_exit(&again, 0);
    assert_eq!(stderr(&again), "");
    assert_eq!(snapshot_tree(repo.path()), after);
    let check = repo.run(&["fmt", "--check"]);
    assert_exit(&check, 0);
    assert_eq!(stdout(&check), "");
}

#[test]
fn a_broken_objective_is_reported_and_left_as_it_is_and_the_rest_formatted() {
    let repo = org_repo();
    let broken = "title = \"Broken\"\nkey_results = [\n";
    repo.write("objectives/broken.toml", broken);
    let output = repo.run(&["fmt"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("objectives/broken.toml:2:"), "{err}");
    assert!(
        err.contains("error: 1 file could not be formatted; they were left as they are"),
        "{err}"
    );
    assert_eq!(repo.read("objectives/broken.toml"), broken);
    assert_eq!(repo.read("okr-org.toml"), ORG_FORMATTED);
    assert_eq!(repo.read("objectives/reliable.toml"), OBJECTIVE_FORMATTED);
    // `--check` cannot say the broken file is formatted: still an error.
    let check = repo.run(&["fmt", "--check"]);
    assert_exit(&check, 2);
    assert_eq!(stdout(&check), "");
    assert_eq!(repo.read("objectives/broken.toml"), broken);
}

#[test]
fn a_broken_okr_org_toml_is_reported_without_its_credentials() {
    let repo = org_repo();
    let broken = "[[teams]]\nname = \"a\"\nurl = \"https://bob:s3cret@example.com/a.git\" x\n";
    repo.write("okr-org.toml", broken);
    let output = repo.run(&["fmt"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("okr-org.toml:3:"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    assert_eq!(repo.read("okr-org.toml"), broken);
    // The objective is still formatted.
    assert_eq!(repo.read("objectives/reliable.toml"), OBJECTIVE_FORMATTED);
}

#[cfg(unix)]
#[test]
fn a_linked_objective_is_skipped_and_said() {
    let repo = org_repo();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.toml");
    fs::write(&target, OBJECTIVE).unwrap();
    std::os::unix::fs::symlink(&target, repo.file("objectives/linked.toml")).unwrap();
    let output = repo.run(&["fmt"]);
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("note: skipped `objectives/linked.toml`: it is a symlink"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), OBJECTIVE);
    assert_eq!(repo.read("objectives/reliable.toml"), OBJECTIVE_FORMATTED);
}

/// A team initiative with `owner` before `title`.
const INITIATIVE: &str = "owner = \"dana\"\ntitle = \"Canary\"\n";

#[test]
fn the_nearest_folder_with_either_file_decides_and_one_with_both_is_both() {
    let repo = org_repo();
    // From a folder below the org's root, the org is found.
    let output = repo.run_in(&repo.file("objectives"), &["fmt", "--check"]);
    assert_exit(&output, 1);
    assert_eq!(stdout(&output), "okr-org.toml\nobjectives/reliable.toml\n");

    // A team repository in a folder of the org's: from inside it, only the team's files.
    repo.write("team/okr.toml", "[team]\nname = \"T\"\n");
    repo.write("team/initiatives/canary.toml", INITIATIVE);
    let output = repo.run_in(&repo.file("team/initiatives"), &["fmt", "--check"]);
    assert_exit(&output, 1);
    assert_eq!(stdout(&output), "initiatives/canary.toml\n");

    // A folder holding both okr.toml and okr-org.toml is both: every file of each is formatted.
    repo.write("okr.toml", "[team]\nname = \"T\"\n");
    repo.write("initiatives/canary.toml", INITIATIVE);
    let output = repo.run(&["fmt", "--check"]);
    assert_exit(&output, 1);
    assert_eq!(
        stdout(&output),
        "okr-org.toml\ninitiatives/canary.toml\nobjectives/reliable.toml\n"
    );
    let output = repo.run(&["fmt"]);
    assert_exit(&output, 0);
    assert_eq!(repo.read("okr-org.toml"), ORG_FORMATTED);
    assert_eq!(repo.read("objectives/reliable.toml"), OBJECTIVE_FORMATTED);
    assert_eq!(
        repo.read("initiatives/canary.toml"),
        "title = \"Canary\"\nowner = \"dana\"\n"
    );
}

#[test]
fn outside_any_repository_the_error_names_both_files() {
    let dir = tempfile::tempdir().unwrap();
    git_repo(dir.path());
    let output = okr(dir.path()).arg("fmt").output().unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("not an okr repository: no okr.toml or okr-org.toml in"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn an_okr_org_toml_that_is_a_folder_is_an_error_not_passed_over() {
    let repo = org_repo();
    // A folder named okr-org.toml below the org's root ends the search there, as for
    // every command: it is never passed over for the okr-org.toml above.
    fs::create_dir_all(repo.file("sub/okr-org.toml")).unwrap();
    let output = repo.run_in(&repo.file("sub"), &["fmt", "--check"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("okr-org.toml"),
        "{}",
        stderr(&output)
    );
    assert_eq!(repo.read("okr-org.toml"), ORG);
}
