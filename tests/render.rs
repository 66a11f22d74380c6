//! `okr render`: the objective documents, deterministic, safe against any text, never deleting
//! what it did not write.

mod common;

use common::{TeamRepo, assert_exit, no_panic, snapshot_tree, stderr};

fn rendered(repo: &TeamRepo, out: &str) -> Vec<(String, String)> {
    // Pinned, so the pace (the share of the period elapsed) is the same on every day.
    let output = repo
        .okr()
        .args(["render", "--as-of", "2026-02-14", "--out", out])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let mut files: Vec<(String, String)> = std::fs::read_dir(repo.file(out))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_example_renders_an_overview_and_one_document_per_objective() {
    let repo = TeamRepo::example();
    let files = rendered(&repo, "okrs");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "README.md",
            "boring-deploys.md",
            "data-we-trust.md",
            "see-it-first.md"
        ]
    );
    for (name, text) in &files {
        if name.ends_with(".md") {
            insta::assert_snapshot!(name.clone(), text);
        }
    }
    let readme = &files[0].1;
    assert!(
        readme.contains("| 1 | [Every deploy is boring](boring-deploys.md) | 3.02 |"),
        "{readme}"
    );
    assert!(
        readme.contains("rotate-secrets") || readme.contains("Rotate every service credential")
    );
    assert!(readme.contains("```mermaid\nquadrantChart"));
}

#[test]
fn output_is_deterministic() {
    let repo = TeamRepo::example();
    let first = rendered(&repo, "a");
    let second = rendered(&repo, "b");
    assert_eq!(first, second);
    // Rendering again over the same folder changes nothing.
    let before = snapshot_tree(&repo.file("a"));
    rendered(&repo, "a");
    assert_eq!(before, snapshot_tree(&repo.file("a")));
}

#[test]
fn render_removes_only_documents_it_wrote() {
    let repo = TeamRepo::example();
    rendered(&repo, "okrs");
    repo.write("okrs/notes.md", "mine\n");
    std::fs::remove_file(repo.file("themes/see-it-first.toml")).unwrap();
    repo.write(
        "themes/see-it-first-again.toml",
        "title = \"We see problems first\"\ntags = [\"observability\"]\n",
    );
    let output = repo.okr().arg("render").output().unwrap();
    assert_exit(&output, 0);
    assert!(stderr(&output).contains("removed see-it-first.md"));
    assert!(!repo.file("okrs/see-it-first.md").exists());
    assert!(repo.file("okrs/see-it-first-again.md").exists());
    assert_eq!(repo.read("okrs/notes.md"), "mine\n");
}

#[test]
fn a_team_template_replaces_the_built_in_one() {
    let repo = TeamRepo::example();
    repo.write(
        "templates/index.md.j2",
        "# {{ team.name }}\n\n{% for o in objectives %}- {{ o.title | md }}: {{ o.progress | bar }}\n{% endfor %}",
    );
    let files = rendered(&repo, "okrs");
    let readme = &files.iter().find(|(n, _)| n == "README.md").unwrap().1;
    assert!(
        readme.starts_with("# Platform\n\n- Every deploy is boring: ▓▓▓▓▓░░░░░\u{a0}53%\n"),
        "{readme}"
    );
    // The other template is still the built-in one.
    assert!(
        files
            .iter()
            .find(|(n, _)| n == "boring-deploys.md")
            .unwrap()
            .1
            .contains("## Key results")
    );
}

#[test]
fn the_count_filter_says_a_count_in_words() {
    let repo = TeamRepo::example();
    repo.write(
        "templates/index.md.j2",
        "{{ objectives | length | count(\"objective\") }}, {{ 1 | count(\"theme\") }}\n",
    );
    let files = rendered(&repo, "okrs");
    let readme = &files.iter().find(|(n, _)| n == "README.md").unwrap().1;
    assert_eq!(readme, "3 objectives, 1 theme\n");
}

#[test]
fn a_typo_in_a_team_template_names_the_template_and_line() {
    let repo = TeamRepo::example();
    repo.write(
        "templates/objective.md.j2",
        "# {{ objective.title }}\n\n{{ objective.titel }}\n",
    );
    let output = repo.okr().arg("render").output().unwrap();
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("objective.md.j2"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    no_panic(&output);
    // Nothing was written when a document failed.
    assert!(!repo.file("okrs").exists());
}

#[test]
fn a_template_that_never_ends_is_stopped() {
    let repo = TeamRepo::example();
    repo.write(
        "templates/index.md.j2",
        "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}",
    );
    let output = repo.okr().arg("render").output().unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("index.md.j2"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn text_from_files_cannot_break_the_documents() {
    let repo = TeamRepo::empty();
    repo.write(
        "themes/evil.toml",
        "title = \"Pipes | and <b>html</b> and [links](x)\"\nwhy = \"\"\"\nline one\n# not a heading\n| not | a table |\n```\n\"\"\"\nowner = \"a|b\"\ntags = [\"t\"]\n",
    )
    .write(
        "initiatives/evil.toml",
        "title = 'Quotes \" and ] brackets [ and : colons %% and `ticks`'\nproblem = \"p\"\nowner = \"<script>alert(1)</script>\"\ntags = [\"t\"]\nimpact = \"low\"\ncost = \"xs\"\n",
    );
    let files = rendered(&repo, "okrs");
    let doc = &files.iter().find(|(n, _)| n == "evil.md").unwrap().1;
    assert!(
        doc.starts_with("# Pipes \\| and \\<b\\>html\\</b\\> and \\[links\\](x)\n"),
        "{doc}"
    );
    assert!(!doc.contains("<script>"), "{doc}");
    assert!(
        doc.contains("line one \\# not a heading \\| not \\| a table \\| \\`\\`\\`"),
        "{doc}"
    );
    // Every table row keeps its column count.
    for line in doc.lines().filter(|l| l.starts_with("| ")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 6 || cells == 7, "{line}");
    }
    // The chart labels a point by its rank alone: the title, quotes and all, stays out of it.
    let chart_line = doc.lines().find(|l| l.contains(": [")).unwrap();
    assert_eq!(chart_line, "    \"1\": [0.163, 0.230]");
}

/// Appends a `[checkin]` table to a file of the example.
fn check_in(repo: &TeamRepo, file: &str, table: &str) {
    let text = repo.read(file);
    repo.write(file, format!("{text}\n[checkin]\n{table}\n"));
}

#[test]
fn documents_show_each_health_and_last_checkin() {
    let repo = TeamRepo::example();
    check_in(
        &repo,
        "themes/boring-deploys.toml",
        "date = 2026-02-10\nhealth = \"at-risk\"\nnote = \"Canary | <b>blocked</b>\"",
    );
    check_in(
        &repo,
        "initiatives/merge-queue.toml",
        "date = 2026-02-11\nhealth = \"on-track\"",
    );
    check_in(
        &repo,
        "initiatives/canary-deploys.toml",
        "date = 2026-02-09\nnote = \"  \"",
    );
    check_in(
        &repo,
        "initiatives/slo-alerts.toml",
        "date = 2026-01-30\nhealth = \"off-track\"\nnote = \"Shipped late\"",
    );
    let files: std::collections::BTreeMap<String, String> =
        rendered(&repo, "okrs").into_iter().collect();
    let nbsp = |text: &str| text.replace(' ', "\u{a0}");
    let readme = &files["README.md"];
    let row = |id: &str| {
        readme
            .lines()
            .find(|l| l.contains(&format!("({id}.md)")) && l.starts_with("| "))
            .unwrap()
            .to_owned()
    };
    assert!(
        row("boring-deploys").contains(&format!("% | {} | dana |", nbsp("▲ at risk"))),
        "{readme}"
    );
    assert!(row("data-we-trust").contains("% | - | alice |"), "{readme}");

    let boring = &files["boring-deploys.md"];
    assert!(
        boring.contains(&format!(
            "- **Health:** {}, last check-in 2026-02-10: Canary \\| \\<b\\>blocked\\</b\\>\n",
            nbsp("▲ at risk")
        )),
        "{boring}"
    );
    let section = |doc: &str, title: &str| {
        let start = doc.find(&format!("</a>{title}\n")).unwrap();
        let end = doc[start..].find("\n### ").map_or(doc.len(), |e| start + e);
        doc[start..end].to_owned()
    };
    let merge = section(boring, "Adopt a merge queue for the monorepo");
    assert!(
        merge.contains(&format!(
            "- **Health:** {}, last check-in 2026-02-11\n",
            nbsp("● on track")
        )),
        "{merge}"
    );
    let canary = section(boring, "Canary every deploy to 5% of traffic first");
    assert!(
        canary.contains("- **Health:** not given, last check-in 2026-02-09\n"),
        "{canary}"
    );
    let hermetic = section(boring, "Hermetic, cached builds with remote execution");
    assert!(
        hermetic.contains("- **Health:** no check-in yet\n"),
        "{hermetic}"
    );
    // Delivered work shows a check-in it has, and says nothing when it has none.
    let see = &files["see-it-first.md"];
    assert!(
        see.contains(&format!(
            "- **Health:** {}, last check-in 2026-01-30: Shipped late\n",
            nbsp("■ off track")
        )),
        "{see}"
    );
    let data = &files["data-we-trust.md"];
    assert!(data.contains("- **Health:** no check-in yet\n"), "{data}");
    let dropped = section(boring, "Ship behind feature flags by default");
    assert!(!dropped.contains("**Health:**"), "{dropped}");
}

#[test]
fn documents_show_the_commitment_and_the_grades_of_past_periods() {
    let repo = TeamRepo::empty();
    let no_records = rendered(&repo, "before");
    assert!(
        !no_records[0].1.contains("Last period"),
        "{}",
        no_records[0].1
    );
    repo.write(
        "themes/fast.toml",
        "title = \"Fast\"\ncommitment = \"aspirational\"\ntags = [\"t\"]\n\n\
         [[closed]]\nperiod = \"2025-Q4\"\ngrade = 0.5\noutcome = \"partial\"\n\
         learned = \"\"\"\nPipes | break <b>tables</b>\nand lines\"\"\"\n\n\
         [[closed]]\nperiod = \"2026-Q1\"\ngrade = 0.7\noutcome = \"achieved\"\nlearned = \"Keep it\"\n",
    )
    .write(
        "themes/safe.toml",
        "title = \"Safe\"\ntags = [\"u\"]\n\n\
         [[closed]]\nperiod = \"2025\"\ngrade = 0.3\noutcome = \"missed\"\nlearned = \" \"\n",
    )
    .write(
        "initiatives/work.toml",
        "title = \"Work\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"t\"]\nimpact = \"low\"\ncost = \"xs\"\n\n\
         [[closed]]\nperiod = \"2025-Q4\"\noutcome = \"dropped\"\nlearned = \"\"\n",
    );
    let files = rendered(&repo, "okrs");
    let doc = |name: &str| files.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let (readme, fast, safe) = (doc("README.md"), doc("fast.md"), doc("safe.md"));
    // The period that ends last, with the grade of each objective that has a record of it.
    assert!(
        readme.contains("\n\nLast period, 2026-Q1: [Fast](fast.md) 0.7 (achieved).\n\n"),
        "{readme}"
    );
    assert!(
        fast.contains("- **Commitment:** aspirational, a success at 0.7\n"),
        "{fast}"
    );
    assert!(
        safe.contains("- **Commitment:** committed, expected to reach 1.0\n"),
        "{safe}"
    );
    assert!(
        fast.contains(
            "| Period | Grade | Outcome | Learned |\n| --- | ---: | --- | --- |\n\
             | 2025-Q4 | 0.5 | partial | Pipes \\| break \\<b\\>tables\\</b\\> and lines |\n\
             | 2026-Q1 | 0.7 | achieved | Keep it |\n\n## Open initiatives"
        ),
        "{fast}"
    );
    assert!(
        safe.contains("| 2025 | 0.3 | missed | no lesson written yet |\n"),
        "{safe}"
    );
    // The initiative's own records, in its section; dropped work has no grade.
    assert!(
        fast.contains(
            "\n\nPast periods of this initiative:\n\n| Period | Grade | Outcome | Learned |\n\
             | --- | ---: | --- | --- |\n| 2025-Q4 | - | dropped | no lesson written yet |\n"
        ),
        "{fast}"
    );
    assert!(!safe.contains("Past periods of this initiative"), "{safe}");
    assert!(!fast.contains("\n\n\n"), "{fast}");
}
