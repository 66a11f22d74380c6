//! Work bounded by the input: a file of up to 1 MiB, however it is built, must not make any
//! command take time that grows faster than the file, nor a template take memory without end.
//!
//! Each input is sized so that a quadratic step takes seconds in a debug build and a linear one
//! milliseconds; every run is also stopped after a timeout, so a regression fails rather than
//! hangs.

mod common;

use std::time::Duration;

use common::{TeamRepo, assert_exit, findings_in, json, of_rule, stderr, stdout};

/// Generous: a linear run of these inputs takes well under a second of CPU even in a debug
/// build, and the quadratic ones took ten and more.
const LIMIT: Duration = Duration::from_secs(3);

/// The tags the example team's files use.
const EXAMPLE_TAGS: &str = r#""database", "reliability", "ci", "deploy", "release", "observability", "developer-experience", "security", "cost", "perf", "dx""#;

fn initiative(extra: &str) -> String {
    format!(
        "title = \"Big\"\nproblem = \"It is big.\"\nowner = \"dana\"\nimpact = \"high\"\ncost = \"s\"\nconfidence = \"high\"\nstatus = \"proposed\"\n{extra}"
    )
}

/// Runs `okr args` in `repo`, asserting it used less than [`LIMIT`] of CPU. CPU time, not the
/// clock: the suite runs tests side by side on a shared machine, which stretches the clock but
/// hardly the CPU a process uses.
fn timed(repo: &TeamRepo, args: &[&str]) -> std::process::Output {
    let mut command = common::okr_std(repo.path());
    command.args(args);
    let common::Measured { output, cpu, .. } = common::measured(command, 30);
    assert!(
        cpu < LIMIT,
        "`okr {}` used {cpu:?} of CPU\n{}",
        args.join(" "),
        stderr(&output)
    );
    output
}

#[test]
fn thousands_of_toml_syntax_errors_are_reported_in_linear_time() {
    let repo = TeamRepo::example();
    repo.write(
        "initiatives/broken.toml",
        format!("x = [\n{}", "1 1,\n".repeat(20_000)),
    );
    let output = timed(&repo, &["check", "--format", "github"]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    let syntax: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("title=okr toml-syntax"))
        .collect();
    assert_eq!(syntax.len(), 101, "{text}");
    assert!(
        syntax[0].contains("file=initiatives/broken.toml,line=2,"),
        "{}",
        syntax[0]
    );
    assert!(
        syntax[100].contains("more `toml-syntax` findings in this file"),
        "{}",
        syntax[100]
    );
}

#[test]
fn thousands_of_unknown_fields_are_reported_in_linear_time() {
    let repo = TeamRepo::example();
    let fields: String = (0..10_000).map(|i| format!("field{i} = {i}\n")).collect();
    repo.write("initiatives/fields.toml", initiative(&fields));
    let output = timed(&repo, &["check", "--format", "json"]);
    assert_exit(&output, 1);
    let report = json(&output);
    let unknown = of_rule(
        findings_in(&report),
        "unknown-field",
        "initiatives/fields.toml",
    );
    assert_eq!(unknown.len(), 101);
    assert_eq!(unknown[0]["message"], "unknown field `field0`");
    assert_eq!(unknown[0]["line"], 8);
    assert_eq!(
        unknown[100]["message"],
        "and 9900 more `unknown-field` findings in this file"
    );
    // The counts are of every finding, those summed up in the last one included (and the
    // missing `tags`).
    assert_eq!(report["errors"], 10_001);
}

#[test]
fn values_of_the_wrong_type_are_reported_in_linear_time() {
    let repo = TeamRepo::example();
    let results: String = (0..2_000)
        .map(|_| "[[key_results]]\ntitle = 1\nmilestone = \"yes\"\n")
        .collect();
    repo.write("initiatives/types.toml", initiative(&results));
    let output = timed(&repo, &["check", "--format", "json"]);
    assert_exit(&output, 1);
    let report = json(&output);
    // Each problem of a type costs a new pass over the document: okr stops after a bound, says
    // so first, and reports what it found until then.
    let wrong = of_rule(findings_in(&report), "wrong-type", "initiatives/types.toml");
    assert_eq!(wrong.len(), 101);
    assert_eq!(
        wrong[0]["message"],
        "okr stopped reading this file after 200 problems; fix those first"
    );
    assert_eq!(
        wrong[1]["message"],
        "wrong type for `key_results.0.title`: integer `1`, expected a string"
    );
    assert!(
        report["errors"].as_u64().unwrap() >= 200,
        "{}",
        report["errors"]
    );
}

#[test]
fn a_long_line_of_findings_is_drawn_in_linear_time() {
    let repo = TeamRepo::example();
    let ids: Vec<String> = (0..16_000).map(|i| format!("\"missing-{i}\"")).collect();
    repo.write(
        "initiatives/deps.toml",
        initiative(&format!("depends_on = [{}]\n", ids.join(", "))),
    );
    let output = timed(&repo, &["check"]);
    assert_exit(&output, 1);
    let text = stdout(&output);
    assert!(
        text.contains("`deps` depends on `missing-0`, which does not exist"),
        "{text}"
    );
    // The place is the whole line's, though only a window of the line is drawn.
    assert!(text.contains("initiatives/deps.toml:8:15"), "{text}");
    let column = 15 + ids[..99].iter().map(|id| id.len() + 2).sum::<usize>();
    assert!(
        text.contains(&format!("initiatives/deps.toml:8:{column}")),
        "{text}"
    );
    assert!(
        text.contains("and 15900 more `unknown-dependency` findings"),
        "{text}"
    );
    assert!(
        text.lines().all(|line| line.len() < 1_000),
        "a line of the output is long"
    );
}

#[test]
fn many_tags_are_deduplicated_in_linear_time() {
    let repo = TeamRepo::example();
    repo.write(
        "okr.toml",
        "[team]\nname = \"Platform\"\nperiod = \"2026-Q1\"\n[rules]\norphan = \"off\"\n",
    );
    let mut tags: Vec<String> = (0..60_000).map(|i| format!("\"t{i}\"")).collect();
    tags.push("\"t7\"".to_owned());
    repo.write(
        "initiatives/tags.toml",
        initiative(&format!("tags = [{}]\n", tags.join(","))),
    );
    let output = timed(&repo, &["list", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let list = json(&output);
    let big = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "tags")
        .unwrap();
    let tags = big["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 60_000);
    assert_eq!((&tags[0], &tags[59_999]), (&"t0".into(), &"t59999".into()));
}

#[test]
fn suggestions_for_many_unknown_tags_are_bounded() {
    let repo = TeamRepo::example();
    let known: Vec<String> = (0..20_000).map(|i| format!("\"known-{i}\"")).collect();
    repo.write(
        "okr.toml",
        format!(
            "[team]\nname = \"Platform\"\n[tags]\nknown = [{EXAMPLE_TAGS}, {}]\n",
            known.join(",")
        ),
    );
    let unknown: Vec<String> = (0..20_000).map(|i| format!("\"other-{i}\"")).collect();
    repo.write(
        "initiatives/tags.toml",
        initiative(&format!(
            "tags = [\"relyability\", {}]\n",
            unknown.join(",")
        )),
    );
    let output = timed(&repo, &["check", "--format", "json"]);
    assert_exit(&output, 1);
    let report = json(&output);
    let tags = of_rule(findings_in(&report), "unknown-tag", "initiatives/tags.toml");
    assert_eq!(tags.len(), 101);
    assert_eq!(tags[0]["message"], "unknown tag `relyability`");
    assert_eq!(tags[0]["help"], "did you mean `reliability`?");
    assert_eq!(report["errors"], 20_001);
}

#[test]
fn findings_of_one_rule_are_capped_per_file_in_every_format() {
    let repo = TeamRepo::example();
    let tags: Vec<String> = (0..250).map(|i| format!("\"stranger-{i}\"")).collect();
    repo.write(
        "initiatives/tags.toml",
        initiative(&format!("tags = [{}]\n", tags.join(", "))),
    );
    let rules = repo
        .read("okr.toml")
        .replace("orphan = \"warn\"", "orphan = \"off\"");
    repo.write(
        "okr.toml",
        rules.replace("\n[rules]", "\n[rules]\nunknown-tag = \"warn\""),
    );

    let output = timed(&repo, &["check", "--format", "json"]);
    assert_exit(&output, 0);
    let report = json(&output);
    let tags = of_rule(findings_in(&report), "unknown-tag", "initiatives/tags.toml");
    assert_eq!(tags.len(), 101);
    let last = tags[100];
    assert_eq!(
        last["message"],
        "and 150 more `unknown-tag` findings in this file"
    );
    assert_eq!(last["severity"], "warning");
    assert_eq!(last["file"], "initiatives/tags.toml");
    assert_eq!(
        (&report["errors"], &report["warnings"]),
        (&0.into(), &250.into())
    );

    let output = timed(&repo, &["check", "--format", "github"]);
    let text = stdout(&output);
    assert_eq!(text.matches("title=okr unknown-tag").count(), 101, "{text}");
    assert!(text.contains(
        "::warning file=initiatives/tags.toml,line=1,col=1,endLine=1,endColumn=1,title=okr unknown-tag::and 150 more `unknown-tag` findings in this file"
    ), "{text}");

    let output = timed(&repo, &["check"]);
    let text = stdout(&output);
    assert_eq!(text.matches("warning[unknown-tag]").count(), 101, "{text}");
    assert!(
        text.contains("and 150 more `unknown-tag` findings in this file"),
        "{text}"
    );

    // A view that stops on errors shows the capped list too.
    let rules = repo
        .read("okr.toml")
        .replace("unknown-tag = \"warn\"", "unknown-tag = \"error\"");
    repo.write("okr.toml", rules);
    let output = timed(&repo, &["list"]);
    assert_exit(&output, 1);
    let text = stderr(&output);
    assert_eq!(text.matches("error[unknown-tag]").count(), 101, "{text}");
    assert!(
        text.contains("and 150 more `unknown-tag` findings in this file"),
        "{text}"
    );
}

/// Runs `okr render`, giving the output and the peak RSS in KiB.
fn render_measured(repo: &TeamRepo) -> (std::process::Output, u64) {
    let mut command = common::okr_std(repo.path());
    command.args(["render", "--out", "okrs"]);
    let measured = common::measured(command, 60);
    (measured.output, measured.peak_kib)
}

#[test]
fn a_template_that_grows_values_stops_within_a_memory_budget() {
    let doubling_list = format!(
        "{{% set x = [1, 2, 3, 4, 5, 6, 7, 8] %}}{}{{{{ x }}}}",
        "{% set x = [x, x, x, x, x, x, x, x] %}".repeat(9)
    );
    let doubling_string = format!(
        "{{% set x = \"aaaaaaaa\" %}}{}{{{{ x | length }}}}",
        "{% set x = x ~ x %}".repeat(40)
    );
    let concat_nested = format!(
        "{{% set x = [1, 2, 3, 4, 5, 6, 7, 8] %}}{}{{{{ (x ~ \"\") | length }}}}",
        "{% set x = [x, x, x, x, x, x, x, x] %}".repeat(9)
    );
    let list_plus = format!(
        "{{% set x = [\"aaaaaaaaaaaaaaaa\"] %}}{}{{{{ (x ~ \"\") | length }}}}",
        "{% set x = x + x %}".repeat(40)
    );
    let repeat = "{% set y = [\"aaaaaaaaaa\"] * 100000000 %}{{ (y ~ \"\") | length }}".to_owned();
    let string_repeat = "{% set y = \"aaaaaaaaaa\" * 100000000 %}{{ y | length }}".to_owned();
    let joined = format!(
        "{{% set x = [1, 2, 3, 4, 5, 6, 7, 8] %}}{}{{{{ x | join(\",\") | length }}}}",
        "{% set x = [x, x, x, x, x, x, x, x] %}".repeat(9)
    );
    let filtered = format!(
        "{{% set x = [1, 2, 3, 4, 5, 6, 7, 8] %}}{}{{{{ x | md | length }}}}",
        "{% set x = [x, x, x, x, x, x, x, x] %}".repeat(9)
    );
    for template in [
        doubling_list,
        doubling_string,
        concat_nested,
        list_plus,
        repeat,
        string_repeat,
        joined,
        filtered,
    ] {
        let repo = TeamRepo::example();
        repo.write("templates/objective.md.j2", &template);
        let (output, peak) = render_measured(&repo);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{template}\n{text}");
        assert!(text.contains("objective.md.j2"), "{template}\n{text}");
        assert!(!text.contains("panicked"), "{template}\n{text}");
        assert!(peak < 200 * 1024, "{template}: peak RSS {peak} KiB\n{text}");
        assert!(!repo.file("okrs/README.md").exists(), "{template}");
    }
}

/// One long word of `-1-1-1…`: each `-` before a digit asks whether `GH` comes before it (a
/// reference GitHub would link), which must look at two bytes, not the whole word so far.
#[test]
fn a_long_word_is_escaped_for_markdown_in_linear_time() {
    let word = "-1".repeat(200_000);
    let repo = TeamRepo::example();
    let git = common::git_repo(repo.path());
    repo.write(
        "themes/dash.toml",
        format!("title = \"Dash\"\nwhy = \"{word}\"\nowner = \"o\"\ntags = [\"ci\"]\n"),
    );
    common::commit(&git, "Ann", common::START, "base");

    let output = timed(&repo, &["render", "--out", "okrs"]);
    assert_exit(&output, 0);
    let document = repo.read("okrs/dash.md");
    assert!(
        document.contains(&format!("\n\\{word}\n")),
        "the `why` is missing"
    );

    // A title that long is a finding, but the comment still shows it.
    let canary = repo.read("initiatives/canary-deploys.toml");
    let title = canary.lines().find(|l| l.starts_with("title = ")).unwrap();
    repo.write(
        "initiatives/canary-deploys.toml",
        canary.replace(title, &format!("title = \"gh{word}\"")),
    );
    common::commit(&git, "Ann", common::START + common::DAY, "dash");
    let output = timed(&repo, &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    assert!(
        output.status.code().is_some_and(|c| c < 2),
        "{}",
        stderr(&output)
    );
    let comment = stdout(&output);
    // Only the `-` right after `gh` is broken from its number.
    assert!(
        comment.contains(&format!("gh\u{200B}-1{}", &word[2..])),
        "the title is missing"
    );
}

/// The template named when all documents together pass the limit is the one that wrote the
/// most, not whichever document happened to cross it: here the index, while the objective
/// documents render beside it.
#[test]
fn the_template_that_wrote_most_is_named() {
    let repo = TeamRepo::example();
    repo.write(
        "templates/index.md.j2",
        "{% set s = \"x\" * 1000000 %}{% for i in range(40) %}{{ s }}{% endfor %}\n",
    );
    let (output, _) = render_measured(&repo);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("index.md.j2") && !text.contains("objective.md.j2"),
        "{text}"
    );
}

/// Each document is under the output limit, but together they are not: the budget is of all
/// documents together, so finished documents cannot pile up in memory or on disk.
#[test]
fn documents_are_bounded_in_output_together() {
    let repo = TeamRepo::example();
    repo.write(
        "templates/objective.md.j2",
        "{% set s = \"x\" * 1000000 %}{% for i in range(15) %}{{ s }}{% endfor %}\n",
    );
    for i in 0..12 {
        repo.write(
            &format!("themes/t{i}.toml"),
            format!("title = \"Theme {i}\"\nwhy = \"w\"\nowner = \"o\"\ntags = [\"ci\"]\n"),
        );
    }
    let (output, peak) = render_measured(&repo);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("objective.md.j2") && text.contains("MiB together"),
        "{text}"
    );
    assert!(peak < 200 * 1024, "peak RSS {peak} KiB\n{text}");
    assert!(!repo.file("okrs").exists());

    // One such document alone is fine.
    for i in 1..12 {
        std::fs::remove_file(repo.file(&format!("themes/t{i}.toml"))).unwrap();
    }
    for theme in ["boring-deploys", "data-we-trust", "see-it-first"] {
        std::fs::remove_file(repo.file(&format!("themes/{theme}.toml"))).unwrap();
    }
    let rules = repo
        .read("okr.toml")
        .replace("orphan = \"warn\"", "orphan = \"off\"");
    repo.write("okr.toml", rules);
    let (output, _) = render_measured(&repo);
    assert_exit(&output, 0);
    assert_eq!(repo.read("okrs/t0.md").len(), 15_000_000);
}

/// A repository whose `canary-deploys` has a `problem` of about `size` bytes, and whose
/// `index.md.j2` is `body` with `p` set to that initiative.
fn big_problem_repo(size: usize, body: &str) -> TeamRepo {
    let repo = TeamRepo::example();
    let canary = repo.read("initiatives/canary-deploys.toml");
    let problem = canary
        .lines()
        .find(|l| l.starts_with("problem = "))
        .unwrap();
    repo.write(
        "initiatives/canary-deploys.toml",
        canary.replace(
            problem,
            &format!("problem = \"{}\"", "<&*".repeat(size / 3)),
        ),
    );
    repo.write(
        "templates/index.md.j2",
        format!(
            "{{% set p = initiatives|selectattr(\"id\", \"eq\", \"canary-deploys\")|first %}}{body}"
        ),
    );
    repo
}

/// Every filter okr adds is charged fuel for the work it does, a value that is not a string
/// included (turned into text, a list repeated lazily is as long as it says), so no template
/// can make one filter call do unbounded work for a step's fuel.
#[test]
fn okr_filters_are_charged_for_their_work() {
    for filter in [
        "md",
        "cell",
        "code",
        "mermaid_label",
        "num",
        "bar",
        "percent",
        "score",
        "quadrant_chart",
    ] {
        let repo = big_problem_repo(
            300_000,
            &format!(
                "{{% for i in range(2000) %}}{{% set _ = ([p.problem] * 10) | {filter} %}}{{% endfor %}}ok\n"
            ),
        );
        // Fed a string, the filter is charged for it: 20,000 calls on 300 kB is 6 GB of text.
        let strings = big_problem_repo(
            300_000,
            &format!(
                "{{% for i in range(20000) %}}{{% set _ = p.problem | {filter} %}}{{% endfor %}}ok\n"
            ),
        );
        let output = timed(&strings, &["render", "--out", "okrs"]);
        assert!(
            output.status.code().is_some_and(|c| c == 0 || c == 2),
            "{filter}"
        );
        let output = timed(&repo, &["render", "--out", "okrs"]);
        let text = stderr(&output);
        match output.status.code() {
            Some(0) => assert!(repo.read("okrs/README.md").starts_with("ok"), "{filter}"),
            Some(2) => assert!(
                text.contains("index.md.j2")
                    && (text.contains("does too much work") || text.contains("takes text")),
                "{filter}: {text}"
            ),
            _ => panic!("{filter}: {text}"),
        }
    }
}

/// Reading a field of an initiative does not copy it: a template may read a large field as
/// often as its fuel allows.
#[test]
fn reading_a_field_does_not_copy_it() {
    let repo = big_problem_repo(
        900_000,
        "{% for i in range(100000) %}{% set _ = [p.problem, p.problem, p.problem, p.key_results] %}{% endfor %}{{ p.problem | length }}\n",
    );
    let output = timed(&repo, &["render", "--out", "okrs"]);
    assert_exit(&output, 0);
    assert_eq!(repo.read("okrs/README.md"), "900000\n");
}

/// A chart reads only the items it shows: a list repeated lazily is not made whole.
#[test]
fn a_chart_reads_only_what_it_shows() {
    let repo = big_problem_repo(30, "{{ ([p] * 100000000) | quadrant_chart }}\n");
    let output = timed(&repo, &["render", "--out", "okrs"]);
    assert_exit(&output, 0);
    let chart = repo.read("okrs/README.md");
    assert_eq!(chart.matches(": [").count(), 30, "{chart}");
}

#[test]
fn suggestions_for_long_values_are_bounded() {
    let repo = TeamRepo::example();
    // A known tag and an unknown one, both long and nearly alike: a comparison of the two
    // grows with the product of their lengths.
    let long = "a".repeat(10_000);
    let config = repo.read("okr.toml").replace(
        "known = [\"database\"",
        &format!("known = [\"{long}\", \"database\""),
    );
    repo.write("okr.toml", config);
    let mut other = "a".repeat(9_999);
    other.push('b');
    // Many of them, each of a new length, in a file of less than 1 MiB.
    let others: Vec<String> = (0..90).map(|i| format!("\"{}\"", &other[i..])).collect();
    repo.write(
        "initiatives/long.toml",
        initiative(&format!(
            "tags = [\"relyability\", {}]\n",
            others.join(", ")
        )),
    );
    let output = timed(&repo, &["check", "--format", "json"]);
    assert_exit(&output, 1);
    let report = json(&output);
    let tags = of_rule(findings_in(&report), "unknown-tag", "initiatives/long.toml");
    assert_eq!(tags.len(), 91);
    assert_eq!(tags[0]["message"], "unknown tag `relyability`");
    assert_eq!(tags[0]["help"], "did you mean `reliability`?");
    assert_eq!(
        tags[90]["help"],
        "add it to `[tags].known` in okr.toml, or use a known tag"
    );
}

#[test]
fn theme_suggestions_for_orphans_with_many_tags_take_linear_time() {
    let repo = TeamRepo::example();
    // No known tags, so none of the many is a finding of its own.
    let config = repo.read("okr.toml");
    let config: String = config
        .lines()
        .filter(|l| !l.starts_with("known = ") && !l.starts_with("aliases = "))
        .map(|l| format!("{l}\n"))
        .collect();
    repo.write("okr.toml", config);
    // Orphans whose tags share nothing: each makes a theme of its own, and every orphan's
    // tags were looked for in every other theme's list.
    for orphan in 0..4 {
        let tags: Vec<String> = (0..12_000)
            .map(|i| format!("\"t{orphan}-{i:05}\""))
            .collect();
        repo.write(
            &format!("initiatives/orphan{orphan}.toml"),
            initiative(&format!("tags = [{}]\n", tags.join(", "))),
        );
    }
    let output = timed(&repo, &["themes", "--suggest", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let suggestions = json(&output);
    let suggestions = suggestions.as_array().unwrap();
    let orphans: Vec<(&str, &str, usize)> = suggestions
        .iter()
        .filter(|s| s["initiatives"][0].as_str().unwrap().starts_with("orphan"))
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                s["initiatives"][0].as_str().unwrap(),
                s["tags"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        orphans,
        [
            ("t0-00000", "orphan0", 12_000),
            ("t1-00000", "orphan1", 12_000),
            ("t2-00000", "orphan2", 12_000),
            ("t3-00000", "orphan3", 12_000)
        ]
    );
    assert!(
        suggestions
            .iter()
            .all(|s| s["initiatives"].as_array().unwrap().len() == 1),
        "{suggestions:?}"
    );
}

/// `count` key results, the one at `changed` set to `value` and the others to 0: each only a
/// title and a value, as short as history reads them.
fn key_results(count: usize, changed: usize, value: usize) -> String {
    let results: Vec<String> = (0..count)
        .map(|k| {
            let current = if k == changed { value } else { 0 };
            format!("{{title=\"k{k}\",current={current}}}")
        })
        .collect();
    format!("key_results = [\n{}\n]\n", results.join(",\n"))
}

#[test]
fn key_result_history_takes_linear_time_in_key_results() {
    let repo = TeamRepo::example();
    let git = common::git_repo(repo.path());
    common::commit(&git, "ana", 1_767_000_000, "start");
    // Every commit changes one key result of many: each point was matched with its series by
    // a scan of every series, and every point was kept until the end.
    let (count, commits) = (10_000, 20);
    for c in 0..commits {
        let results = key_results(count, c, c + 1);
        repo.write(
            "initiatives/many.toml",
            initiative(&format!("tags = [\"ci\"]\n{results}")),
        );
        common::commit(&git, "ana", 1_767_100_000 + 86_400 * c as i64, "step");
    }
    let output = timed(&repo, &["history", "many", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = json(&output);
    let series = rows[0]["key_results"].as_array().unwrap();
    assert_eq!(series.len(), count);
    // In the file's order.
    assert_eq!(
        (&series[0]["title"], &series[1]["title"]),
        (&"k0".into(), &"k1".into())
    );
    let values = |at: usize| -> Vec<(f64, &str)> {
        let values = series[at]["values"].as_array().unwrap();
        values
            .iter()
            .map(|p| (p["value"].as_f64().unwrap(), p["date"].as_str().unwrap()))
            .collect()
    };
    // A point for each change of value, and none for the commits that kept it.
    assert_eq!(values(0), [(1.0, "2025-12-30"), (0.0, "2025-12-31")]);
    assert_eq!(
        values(1),
        [
            (0.0, "2025-12-30"),
            (2.0, "2025-12-31"),
            (0.0, "2026-01-01")
        ]
    );
    assert_eq!(values(19), [(0.0, "2025-12-30"), (20.0, "2026-01-18")]);
    assert_eq!(values(count - 1), [(0.0, "2025-12-30")]);
}

#[test]
fn a_chain_of_symlinks_in_a_commit_is_read_in_linear_time() {
    let repo = TeamRepo::example();
    let git = common::git_repo(repo.path());
    let base = common::commit(&git, "ana", 1_767_000_000, "start");
    // `l1.toml` links to merge-queue.toml, `l2.toml` to `l1.toml`, and so on: each link is
    // followed for a few hops, and each hop looked the target up in the whole folder again.
    let links = 3_000;
    let root = git.find_commit(base).unwrap().tree().unwrap();
    let folder = root
        .get_name("initiatives")
        .unwrap()
        .to_object(&git)
        .unwrap();
    let mut builder = git.treebuilder(Some(folder.as_tree().unwrap())).unwrap();
    let mut previous = "merge-queue.toml".to_owned();
    for link in 1..=links {
        let target = git.blob(previous.as_bytes()).unwrap();
        previous = format!("l{link}.toml");
        builder.insert(&previous, target, 0o120_000).unwrap();
    }
    let folder = builder.write().unwrap();
    let mut builder = git.treebuilder(Some(&root)).unwrap();
    builder.insert("initiatives", folder, 0o040_000).unwrap();
    let tree = builder.write().unwrap();
    let chain = common::commit_tree(&git, tree, &[base]);

    let output = timed(&repo, &["check", "--rev", &chain, "--format", "json"]);
    let report = json(&output);
    let found = findings_in(&report);
    // Eight hops reach merge-queue.toml; a link further away leads nowhere okr follows.
    let near = of_rule(found, "duplicate-id", "initiatives/l8.toml");
    let far = of_rule(found, "symlink-outside", "initiatives/l9.toml");
    assert_eq!((near.len(), far.len()), (0, 1), "{report}");
    let outside: Vec<_> = found
        .iter()
        .filter(|f| f["rule"] == "symlink-outside")
        .collect();
    assert_eq!(outside.len(), links - 8, "{report}");
}

/// okr.toml's own findings, which no `[rules]` level applies to, are capped as well.
#[test]
fn findings_in_okr_toml_are_capped_too() {
    let repo = TeamRepo::example();
    let config = repo.read("okr.toml");
    let unknown: String = (0..150).map(|i| format!("k{i} = 1\n")).collect();
    repo.write("okr.toml", format!("{unknown}{config}"));
    for command in ["check", "list"] {
        let output = timed(&repo, &[command]);
        assert_exit(&output, 2);
        let text = stderr(&output);
        assert_eq!(text.matches("error[unknown-field]").count(), 101, "{text}");
        assert!(
            text.contains("and 50 more `unknown-field` findings in this file"),
            "{text}"
        );
    }
}
