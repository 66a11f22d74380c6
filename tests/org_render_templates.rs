//! An org repository's own `templates/` folder replaces the built-in templates of the org's
//! documents by file name, for `okr org render` and `okr org publish`, read as a team's are.

mod common;

use std::fs;

use common::org::Org;
use common::{assert_exit, assert_stderr_has, stderr, stdout};

/// An org repository without teams, with one objective.
fn org_repo() -> Org {
    let org = Org::new("[org]\nname = \"Acme\"\nperiod = \"2026-Q1\"\n");
    org.write(
        "objectives/reliability.toml",
        "title = \"Customers never notice an outage\"\nowner = \"dana\"\n",
    );
    org
}

const INDEX: &str = "\
# {{ org.name | md }}, our way

{% for o in objectives %}
- {{ o.title | md }} ({{ o.owner | md }})
{% endfor %}
";

const INDEX_RENDERED: &str = "\
# Acme, our way

- Customers never notice an outage (dana)
";

#[test]
fn an_orgs_template_replaces_the_built_in_one_in_render_and_publish() {
    let repo = org_repo();
    // The built-in first, to tell the two apart.
    assert_exit(&repo.run(&["org", "render"]), 0);
    let built_in = repo.read("okrs/README.md");
    assert_ne!(built_in, INDEX_RENDERED);
    let objective = repo.read("okrs/reliability.md");

    repo.write("templates/index.md.j2", INDEX);
    let output = repo.run(&["org", "render"]);
    assert_exit(&output, 0);
    assert_eq!(
        stderr(&output).matches("note:").count(),
        0,
        "{}",
        stderr(&output)
    );
    assert_eq!(repo.read("okrs/README.md"), INDEX_RENDERED);
    // The other document is still the built-in's.
    assert_eq!(repo.read("okrs/reliability.md"), objective);

    // publish commits the same documents, read from the same folder.
    let output = repo.run(&["org", "publish", "--branch", "okr-docs"]);
    assert_exit(&output, 0);
    assert!(!stdout(&output).trim().is_empty());
    assert_eq!(repo.published("okr-docs", "README.md"), INDEX_RENDERED);
    assert_eq!(repo.published("okr-docs", "reliability.md"), objective);

    // The objective's template too.
    repo.write(
        "templates/objective.md.j2",
        "# {{ objective.title | md }}, one of {{ objectives_count }}\n",
    );
    assert_exit(&repo.run(&["org", "publish", "--branch", "okr-docs"]), 0);
    assert_eq!(
        repo.published("okr-docs", "reliability.md"),
        "# Customers never notice an outage, one of 1\n"
    );
}

#[test]
fn a_template_with_a_syntax_error_names_the_file_and_writes_nothing() {
    let repo = org_repo();
    repo.write(
        "templates/objective.md.j2",
        "# {{ objective.title }}\n\n{% if objective.owner %}\n",
    );
    let output = repo.run(&["org", "render"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("error: template `templates/objective.md.j2`: line 3 of `objective.md.j2`"),
        "{err}"
    );
    assert!(!repo.file("okrs").exists());

    let output = repo.run(&["org", "publish", "--branch", "okr-docs"]);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "objective.md.j2");
    let git = git2::Repository::open(repo.path()).unwrap();
    assert!(git.refname_to_id("refs/heads/okr-docs").is_err());

    // A value the org's documents do not have (a team template's `team`) names the line too.
    repo.write("templates/objective.md.j2", "# {{ objective.title }}\n");
    repo.write("templates/index.md.j2", "# {{ team.name }}\n");
    let output = repo.run(&["org", "render"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("template `templates/index.md.j2`: line 1 of `index.md.j2`: undefined value"),
        "{err}"
    );
}

#[test]
fn a_template_name_the_org_does_not_have_is_reported() {
    let repo = org_repo();
    // A team's kind of name, and a piece the overview includes.
    repo.write("templates/initiative.md.j2", "# {{ initiative.title }}\n");
    repo.write("templates/header.j2", "Made by {{ org.name | md }}.\n");
    repo.write("templates/index.md.j2", "{% include \"header.j2\" %}");
    let output = repo.run(&["org", "render"]);
    assert_exit(&output, 0);
    let err = stderr(&output);
    for name in ["initiative.md.j2", "header.j2"] {
        assert!(
            err.contains(&format!(
                "note: `templates/{name}` replaces none of the org's templates (index.md.j2, \
                 objective.md.j2); okr uses it only where one of them includes it"
            )),
            "{err}"
        );
    }
    assert!(!err.contains("templates/index.md.j2"), "{err}");
    assert_eq!(repo.read("okrs/README.md"), "Made by Acme.\n");
    // `-q` keeps it quiet, as every note.
    let quiet = repo.run(&["-q", "org", "render"]);
    assert_exit(&quiet, 0);
    assert_eq!(stderr(&quiet), "");
}

#[cfg(unix)]
#[test]
fn a_templates_folder_or_template_leading_out_of_the_repository_is_not_read() {
    let repo = org_repo();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("index.md.j2"), "secret\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.file("templates")).unwrap();
    let output = repo.run(&["org", "render"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("`templates` leads outside"), "{err}");
    assert!(!repo.file("okrs").exists());

    fs::remove_file(repo.file("templates")).unwrap();
    fs::create_dir(repo.file("templates")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("index.md.j2"),
        repo.file("templates/index.md.j2"),
    )
    .unwrap();
    let output = repo.run(&["org", "render"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("templates/index.md.j2"), "{err}");
    assert!(!err.contains("secret"), "{err}");
    assert!(!repo.file("okrs").exists());
}

#[test]
fn a_template_that_never_ends_is_stopped() {
    let repo = org_repo();
    repo.write(
        "templates/index.md.j2",
        "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}",
    );
    let output = repo.run(&["org", "render"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("template `templates/index.md.j2`") && err.contains("too much work"),
        "{err}"
    );
}

/// A folder that is a team repository too: the team's documents and templates would be the
/// org's, so the org's documents are neither rendered there nor published from there.
#[test]
fn a_folder_that_is_also_a_team_repository_renders_no_org_documents() {
    let repo = org_repo();
    repo.write("okr.toml", "[team]\nname = \"Team\"\n");
    repo.write("okrs/README.md", "the team's own documents\n");
    for args in [
        &["org", "render"][..],
        &["org", "render", "--out", "elsewhere"],
        &["org", "publish", "--branch", "okr-docs"],
    ] {
        let output = repo.run(args);
        assert_exit(&output, 2);
        assert_stderr_has(
            &output,
            "holds okr.toml as well as okr-org.toml: the org's documents and templates would \
             share `okrs/` and `templates/` with the team's",
        );
        assert_stderr_has(
            &output,
            "help: keep the org repository in a folder of its own",
        );
    }
    assert_eq!(repo.read("okrs/README.md"), "the team's own documents\n");
    assert!(!repo.file("elsewhere").exists());
    let git = git2::Repository::open(repo.path()).unwrap();
    assert!(
        git.find_branch("okr-docs", git2::BranchType::Local)
            .is_err()
    );
}
