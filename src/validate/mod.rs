//! The rules: from parsed documents to findings and the checked [`Model`]. The rules on one
//! file ([`file`](mod@file)) run as [`load`](crate::load) reads each file, on the core that
//! parsed it; the ids ([`ids`]) and the dependency graph (`graph`) are checked here, across
//! files, with orphans, on the [`Workspace`] that load gives; the `stale` rule, which asks
//! git, lives in [`stale`]. Nothing here reads files: load sits above, and calls in.

mod checkin;
mod closed;
pub mod file;
pub(crate) mod graph;
pub mod ids;
mod period;
pub mod stale;
mod theme;
mod word;

use std::collections::BTreeSet;

use crate::config::Config;
use crate::document::Document;
use crate::finding::{Finding, Rule, Texts};
use crate::in_place;
use crate::model::{Initiative, Model, Theme, ThemeFile};

pub use file::{Built, Facts, MAX_TITLE, Outline, OutlineRef, Outlined, build};
pub use ids::{check_id, cross_team, is_kebab, slug};

use file::Spans;
use graph::dependencies;
use ids::Ids;
pub use theme::objective;
use theme::theme;

/// What the rules found, and everything that could be built.
/// `I` is what was kept of each initiative: see [`Outlined`].
#[derive(Debug, Clone)]
pub struct Checked<I = Initiative> {
    /// Every finding, with `[rules]` levels applied and in a stable order.
    pub findings: Vec<Finding>,
    /// Each file's initiative, when it could be built, in the order of the files: the rules
    /// that run on them report in that order, so that their findings come sorted.
    /// [`Checked::into_model`] sorts them by id.
    initiatives: Vec<Option<I>>,
    /// Beside each, its file's facts: the rules that run once its document is gone point
    /// where it wrote its `status` and `tags`. Kept where they were loaded, not copied.
    facts: Vec<Option<Facts>>,
    /// Sorted by id.
    themes: Vec<Theme>,
}

/// Everything read from a repository, before the rules that span files run.
/// `I` is what it keeps of each initiative: see [`Outlined`].
#[derive(Debug, Clone)]
pub struct Workspace<I = Initiative> {
    pub config: Config,
    /// The initiatives, each built as its file was read, by the rules that need only the file:
    /// whole, or their [`Outline`]s for `okr check`.
    pub initiatives: Built<I>,
    pub themes: Vec<Document<ThemeFile>>,
    /// The text of every file read that findings may quote ([`Keep`](crate::load::Keep)), those that did not
    /// parse included.
    pub texts: Texts,
    /// Problems found in single files: reading, parsing, and each initiative's own rules.
    pub findings: Vec<Finding>,
    /// How many files were read in each folder, parsed or not.
    pub initiative_files: usize,
    pub theme_files: usize,
}

/// Runs every rule that spans files over a loaded workspace but `stale`, which needs git and
/// runs beside it: see [`Checked::add_stale`]. Each file's own rules ran as it was loaded.
///
/// The initiatives move into what it gives: `workspace.initiatives` is empty after.
pub fn check<I: Outlined>(workspace: &mut Workspace<I>) -> Checked<I> {
    let built = std::mem::take(&mut workspace.initiatives);
    let config = &workspace.config;
    let mut findings = workspace.findings.clone();

    // Each id is numbered by the first file that has it: a second one is a duplicate, and
    // dependencies are looked up here.
    let mut ids = Ids::with_capacity(built.initiatives.len());
    // Each file's id as a number, and whether the file is the first to have it.
    let numbers: Vec<Option<(usize, bool)>> = built
        .files()
        .map(|file| {
            let file = file?;
            Some(ids.number(file.id, file.file, "initiative", &mut findings))
        })
        .collect();
    dependencies(&built, &numbers, &ids, &mut findings);
    drop(ids);

    let Built {
        mut initiatives,
        facts,
    } = built;
    for (initiative, number) in initiatives.iter_mut().zip(numbers) {
        if number.is_some_and(|(_, first)| !first) {
            *initiative = None;
        }
    }

    let mut theme_ids = Ids::with_capacity(workspace.themes.len());
    let mut themes = Vec::new();
    for document in &workspace.themes {
        let first = theme_ids.add(&document.id, &document.file, "theme", &mut findings);
        if let Some(theme) = theme(document, config, &mut findings)
            && first
        {
            themes.push(theme);
        }
    }
    themes.sort_by(|a, b| a.id.cmp(&b.id));

    let checked = Checked {
        findings: Vec::new(),
        // The initiatives are large: they stay in the list they were built into.
        initiatives,
        facts,
        themes,
    };
    // Every theme file's tags, the themes that could not be built included: a theme with a
    // wrong value has one finding for it, not one more for each initiative that joins it.
    let theme_tags: BTreeSet<&str> = workspace
        .themes
        .iter()
        .filter_map(|document| document.parsed.doc.tags.as_ref())
        .flat_map(|tags| tags.get_ref().iter())
        .map(|tag| config.canonical_tag(tag.get_ref()))
        .collect();
    checked.orphans(&theme_tags, &mut findings);
    Checked {
        findings: config.rules.apply(findings),
        ..checked
    }
}

impl<I: Outlined> Checked<I> {
    /// Adds the `stale` findings once git has said which files changed recently; the rest of
    /// [`check`] need not wait for git.
    pub fn add_stale(&mut self, workspace: &Workspace<I>, recent: &BTreeSet<String>) {
        let findings = stale::findings(self.with_spans(), workspace.config.stale_days, recent);
        let mut all = std::mem::take(&mut self.findings);
        all.extend(workspace.config.rules.apply(findings));
        crate::finding::sort(&mut all);
        self.findings = all;
    }
}

impl<I> Checked<I> {
    /// The initiatives that could be built, in the order of their files, and the themes,
    /// sorted by id.
    pub fn into_parts(self) -> (Vec<I>, Vec<Theme>) {
        (in_place::keep_present(self.initiatives), self.themes)
    }
}

impl Checked<Initiative> {
    /// The model: the initiatives sorted by id in place, since they are large.
    pub fn into_model(self) -> Model {
        let (mut initiatives, themes) = self.into_parts();
        if !initiatives.is_sorted_by(|a, b| a.id <= b.id) {
            let order = in_place::sorted_order(&initiatives, |i| i.id.as_str());
            in_place::permute(&mut initiatives, &order);
        }
        Model {
            initiatives,
            themes,
        }
    }
}

impl<I: Outlined> Checked<I> {
    /// The initiatives, in the order of their files, each with where its file wrote what.
    fn with_spans(&self) -> impl Iterator<Item = (OutlineRef<'_>, &Spans)> {
        // A built initiative always has its facts; without them it is still checked.
        const NOWHERE: &Spans = &Spans {
            status: None,
            tags: None,
        };
        self.initiatives
            .iter()
            .zip(&self.facts)
            .filter_map(|(initiative, facts)| {
                let spans = facts.as_ref().map_or(NOWHERE, |facts| &facts.spans);
                Some((initiative.as_ref()?.outline(), spans))
            })
    }

    fn orphans(&self, theme_tags: &BTreeSet<&str>, findings: &mut Vec<Finding>) {
        for (initiative, spans) in self.with_spans() {
            if initiative.status.is_open()
                && !initiative
                    .tags
                    .iter()
                    .any(|t| theme_tags.contains(t.as_str()))
            {
                let span = spans.tags.clone();
                findings.push(
                    Finding::new(
                        Rule::Orphan,
                        initiative.file,
                        span,
                        format!(
                            "`{}` joins no theme: no theme has any of its tags",
                            initiative.id
                        ),
                    )
                    .with_help(
                        "add a tag that a theme lists, or propose a theme (`okr themes --suggest`)"
                            .to_owned(),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::graph::{Graph, cycles};
    use super::ids::is_kebab;
    use super::*;

    #[test]
    fn kebab_ids() {
        for id in ["a", "upgrade-pg-16", "2026"] {
            assert!(is_kebab(id), "{id}");
        }
        for id in ["", "Upgrade", "a--b", "-a", "a-", "a_b", "a b", "é"] {
            assert!(!is_kebab(id), "{id}");
        }
    }

    fn checked(files: &[(&str, &str)]) -> (Vec<Finding>, Vec<Theme>, String) {
        let mut tree = crate::source::MemoryTree::new();
        tree.insert("okr.toml", "[team]\nname = \"T\"\n");
        for (path, text) in files {
            tree.insert(*path, *text);
        }
        let mut workspace = crate::load::load_keeping::<Initiative>(
            &tree,
            crate::load::Keep::Quoted { stale: false },
        )
        .unwrap();
        let checked = check(&mut workspace);
        let findings = checked.findings.clone();
        let (_, themes) = checked.into_parts();
        let text = files.last().map_or(String::new(), |(_, t)| (*t).to_owned());
        (findings, themes, text)
    }

    const INITIATIVE: &str = "title = \"t\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"x\"]\nimpact = \"high\"\ncost = \"m\"\n";

    #[test]
    fn a_theme_names_its_parent_and_weight() {
        let (findings, themes, _) = checked(&[
            (
                "themes/a.toml",
                "title = \"A\"\ntags = [\"x\"]\nparent = \"reliability\"\nweight = 2\n",
            ),
            ("themes/b.toml", "title = \"B\"\ntags = [\"x\"]\n"),
        ]);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(themes[0].parent.as_deref(), Some("reliability"));
        assert_eq!(themes[0].weight, 2.0);
        assert_eq!(themes[1].parent, None);
        assert_eq!(themes[1].weight, 1.0);
    }

    #[test]
    fn a_bad_parent_or_weight_is_found_where_it_is() {
        let (findings, themes, text) = checked(&[(
            "themes/a.toml",
            "title = \"A\"\ntags = [\"x\"]\nparent = \"Reliability\"\nweight = 0\n",
        )]);
        assert!(themes.is_empty());
        let found: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| (f.rule.code(), &text[f.span.clone().unwrap()]))
            .collect();
        assert_eq!(
            found,
            [("unknown-parent", "\"Reliability\""), ("bad-weight", "0")]
        );
        assert!(
            findings[0]
                .help
                .as_deref()
                .unwrap()
                .contains("`reliability`")
        );
        for weight in ["-1", "nan", "inf"] {
            let theme = format!("title = \"A\"\ntags = [\"x\"]\nweight = {weight}\n");
            let (findings, _, _) = checked(&[("themes/a.toml", &theme)]);
            assert_eq!(findings.len(), 1, "{weight}: {findings:?}");
            assert_eq!(findings[0].rule, Rule::BadWeight);
        }
    }

    #[test]
    fn a_dependency_on_another_teams_initiative_is_left_to_the_org() {
        let theme = ("themes/t.toml", "title = \"T\"\ntags = [\"x\"]\n");
        let good = format!("{INITIATIVE}depends_on = [\"payments:upgrade-postgres\"]\n");
        let (findings, _, _) = checked(&[theme, ("initiatives/a.toml", &good)]);
        assert!(findings.is_empty(), "{findings:?}");
        // Not the `team:id` form: unknown, as before.
        for target in ["Payments:x", "payments:", ":x", "a:b:c"] {
            let bad = format!("{INITIATIVE}depends_on = [\"{target}\"]\n");
            let (findings, _, _) = checked(&[theme, ("initiatives/a.toml", &bad)]);
            let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
            assert_eq!(rules, [Rule::UnknownDependency], "{target}");
        }
        assert_eq!(
            cross_team("payments:upgrade-pg"),
            Some(("payments", "upgrade-pg"))
        );
        assert_eq!(cross_team("upgrade-pg"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Upgrade to PostgreSQL 16!"),
            "upgrade-to-postgresql-16"
        );
        assert_eq!(slug("  --Ünïcode  "), "unicode");
        assert_eq!(slug("Ünïcode café rollout"), "unicode-cafe-rollout");
        assert_eq!(slug("Straße für Größe"), "strasse-fur-grosse");
        assert_eq!(slug("???"), "");
    }

    #[test]
    fn a_graph_keeps_each_nodes_edges_in_the_order_given() {
        let graph = Graph::new(3, &[(2, 0), (0, 1), (2, 1), (2, 0)]);
        assert_eq!(graph.targets(0), [1]);
        assert!(graph.targets(1).is_empty());
        assert_eq!(graph.targets(2), [0, 1, 0]);
        assert_eq!(graph.last_edge(2, 0), Some(3));
        assert_eq!(graph.last_edge(0, 1), Some(1));
        assert_eq!(graph.last_edge(1, 0), None);
    }

    #[test]
    fn cycles_are_found_once_from_their_smallest_id() {
        // The graph as names, numbered in an order of its own.
        fn named_cycles(graph: &[(&str, &[&str])]) -> Vec<Vec<String>> {
            let names: Vec<&str> = graph.iter().map(|(name, _)| *name).collect();
            let number = |name: &str| names.iter().position(|n| *n == name).unwrap();
            let edges: Vec<(usize, usize)> = graph
                .iter()
                .enumerate()
                .flat_map(|(from, (_, targets))| targets.iter().map(move |t| (from, number(t))))
                .collect();
            cycles(&Graph::new(names.len(), &edges), |node| names[node])
                .into_iter()
                .map(|cycle| cycle.iter().map(|&n| names[n].to_owned()).collect())
                .collect()
        }
        let graph: &[(&str, &[&str])] = &[
            ("e", &["e"]),
            ("c", &["a"]),
            ("a", &["b"]),
            ("b", &["c", "d"]),
            ("d", &[]),
        ];
        assert_eq!(
            named_cycles(graph),
            [vec!["a", "b", "c", "a"], vec!["e", "e"]]
        );
        assert!(named_cycles(&[("a", &["b"]), ("b", &[])]).is_empty());
    }
}
