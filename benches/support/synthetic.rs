//! A generator of realistic synthetic team repositories with history, shared by the
//! `generate` example and the benchmarks. Initiatives are spread over period folders, with tags
//! that join themes, dependencies and key results; the commits add initiatives and edit
//! key-result values and statuses, six hours apart ([`Shape::Edits`]); or, in
//! [`Shape::Checkins`], initiatives with several key results whose commits each add initiatives
//! and move every key result of others, about 7 files a commit. The history is written with
//! `git fast-import` and then repacked by git, so even 100,000 initiatives take seconds. The
//! same arguments give the same commits and files, byte for byte.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "cache", "deploy", "latency", "database", "queue", "pipeline", "alerting", "storage", "search",
    "billing", "auth", "network", "cluster", "build", "release", "tracing", "backup", "gateway",
];
const STATUSES: &[&str] = &[
    "proposed", "proposed", "accepted", "active", "done", "dropped",
];
const IMPACT: &[&str] = &["low", "medium", "high", "huge"];
const COST: &[&str] = &["xs", "s", "m", "l", "xl"];
const CONFIDENCE: &[&str] = &["low", "medium", "high"];
const OWNERS: &[&str] = &[
    "alice", "bob", "carol", "dana", "erin", "frank", "grace", "heidi",
];

/// What the commits of a generated repository change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One key result per initiative; each commit adds initiatives and edits three others' key
    /// result or status. The shape the README's benchmark tables are measured on.
    Edits,
    /// One to four key results per initiative, and an outcome; each commit adds initiatives
    /// and checks in two others (every key result moves), and every tenth commit also moves a
    /// theme's key result: about 7 files a commit, and larger files to read and parse.
    Checkins,
}

impl Shape {
    pub fn parse(name: &str) -> Option<Shape> {
        match name {
            "edits" => Some(Shape::Edits),
            "checkins" => Some(Shape::Checkins),
            _ => None,
        }
    }
}

const KEY_RESULTS: &[(&str, &str, u64, u64)] = &[
    ("p99 latency", "ms", 400, 100),
    ("Pages a week", "pages", 30, 2),
    ("Builds under ten minutes", "%", 20, 95),
    ("Error budget left", "%", 10, 60),
];

struct Initiative {
    path: String,
    id: String,
    title: String,
    tags: Vec<String>,
    impact: &'static str,
    cost: &'static str,
    confidence: &'static str,
    owner: &'static str,
    status: &'static str,
    depends_on: Vec<String>,
    current: u64,
    /// In [`Shape::Checkins`]: the `current` of every key result after the first.
    more: Vec<u64>,
    outcome: bool,
}

impl Initiative {
    fn text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "title = \"{}\"", self.title);
        let _ = writeln!(
            text,
            "problem = \"The {} is slow and pages someone every week.\"",
            self.tags[0]
        );
        if self.outcome {
            let _ = writeln!(
                text,
                "outcome = \"The {} on-call rotation sleeps through the night, and every team ships on its own schedule.\"",
                self.tags[0]
            );
        }
        let _ = writeln!(text, "owner = \"{}\"", self.owner);
        let _ = writeln!(
            text,
            "supporters = [\"{}\"]",
            OWNERS[self.id.len() % OWNERS.len()]
        );
        let tags: Vec<String> = self.tags.iter().map(|t| format!("\"{t}\"")).collect();
        let _ = writeln!(text, "tags = [{}]", tags.join(", "));
        let _ = writeln!(
            text,
            "impact = \"{}\"\ncost = \"{}\"\nconfidence = \"{}\"",
            self.impact, self.cost, self.confidence
        );
        let _ = writeln!(text, "status = \"{}\"", self.status);
        if !self.depends_on.is_empty() {
            let targets: Vec<String> = self.depends_on.iter().map(|t| format!("\"{t}\"")).collect();
            let _ = writeln!(text, "depends_on = [{}]", targets.join(", "));
        }
        let _ = writeln!(
            text,
            "\n[[key_results]]\ntitle = \"p99 latency\"\nunit = \"ms\"\nbaseline = 400\ntarget = 100\ncurrent = {}",
            self.current
        );
        for (index, current) in self.more.iter().enumerate() {
            let (title, unit, baseline, target) = KEY_RESULTS[1 + index % (KEY_RESULTS.len() - 1)];
            let _ = writeln!(
                text,
                "\n[[key_results]]\ntitle = \"{title}\"\nunit = \"{unit}\"\nbaseline = {baseline}\ntarget = {target}\ncurrent = {current}"
            );
        }
        text
    }

    /// A check-in: every key result moves toward its target.
    fn check_in(&mut self, rng: &mut Rng) {
        self.current = self
            .current
            .saturating_sub(5 + rng.below(20) as u64)
            .max(100);
        for (index, current) in self.more.iter_mut().enumerate() {
            let (_, _, baseline, target) = KEY_RESULTS[1 + index % (KEY_RESULTS.len() - 1)];
            let step = 1 + rng.below(3) as u64;
            *current = if target > baseline {
                (*current + step).min(target)
            } else {
                current.saturating_sub(step).max(target)
            };
        }
    }
}

fn theme_text_at(index: usize, current: u64, parent: Option<&str>) -> String {
    let parent = parent.map_or_else(String::new, |parent| format!("parent = \"{parent}\"\n"));
    format!(
        "title = \"Every {word} problem is solved ({index})\"\nwhy = \"Teams lose days to {word} every quarter.\"\nowner = \"{owner}\"\ntags = [\"{word}-{index}\"]\n{parent}\n[[key_results]]\ntitle = \"Incidents caused by {word}\"\nbaseline = 40\ntarget = 5\ncurrent = {current}\n",
        word = WORDS[index % WORDS.len()],
        owner = OWNERS[index % OWNERS.len()],
    )
}

/// Feeds `stream` to `git fast-import` in the repository at `dir`.
fn fast_import(dir: &Path, stream: &[u8]) {
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("run git fast-import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream)
        .expect("write the stream");
    assert!(child.wait().expect("git fast-import").success());
}

fn data(out: &mut Vec<u8>, path: &str, text: &str) {
    let _ = write!(out, "M 100644 inline {path}\ndata {}\n{text}\n", text.len());
}

pub fn generate(dir: &Path, count: usize, themes: usize, commits: usize) {
    generate_shape(dir, count, themes, commits, Shape::Edits);
}

pub fn generate_shape(dir: &Path, count: usize, themes: usize, commits: usize, shape: Shape) {
    let team = TeamPlan::new("Synthetic", 0x9E37_79B9_7F4A_7C15, count, themes, shape);
    team.write(dir, commits, false);
}

/// One team repository planned before it is written: its initiatives and themes, so that an
/// org can point themes at its objectives and initiatives at other teams' before any is written.
pub struct TeamPlan {
    name: String,
    rng: Rng,
    initiatives: Vec<Initiative>,
    /// Each theme's `parent`, where it has one.
    parents: Vec<Option<String>>,
    shape: Shape,
}

impl TeamPlan {
    /// The initiatives of a team named `name` (its okr.toml's `[team].name`); the same `seed`
    /// gives the same team.
    pub fn new(name: &str, seed: u64, count: usize, themes: usize, shape: Shape) -> TeamPlan {
        let mut rng = Rng(seed);
        let initiatives = initiatives(&mut rng, count, themes, shape);
        TeamPlan {
            name: name.to_owned(),
            rng,
            initiatives,
            parents: vec![None; themes],
            shape,
        }
    }

    /// The id of every initiative, in the order they are added.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.initiatives.iter().map(|i| i.id.as_str())
    }

    /// Makes theme `theme` serve the org objective `parent`.
    pub fn set_parent(&mut self, theme: usize, parent: &str) {
        self.parents[theme] = Some(parent.to_owned());
    }

    /// Makes initiative `index` depend on `target` (`team:id` for another team's) as well.
    pub fn add_dependency(&mut self, index: usize, target: String) {
        self.initiatives[index].depends_on.push(target);
    }

    /// Writes the repository into `dir` (a bare one when `bare`), `commits` commits on `main`.
    pub fn write(self, dir: &Path, commits: usize, bare: bool) {
        let TeamPlan {
            name,
            mut rng,
            mut initiatives,
            parents,
            shape,
        } = self;
        write_repo(
            dir,
            &name,
            &mut rng,
            &mut initiatives,
            &parents,
            commits,
            shape,
            bare,
        );
    }
}

fn initiatives(rng: &mut Rng, count: usize, themes: usize, shape: Shape) -> Vec<Initiative> {
    let periods = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"];
    let mut initiatives: Vec<Initiative> = (0..count)
        .map(|index| {
            let word = rng.pick(WORDS);
            let theme = rng.below(themes.max(1));
            let mut tags = vec![format!("{}-{theme}", WORDS[theme % WORDS.len()])];
            if rng.below(3) == 0 {
                tags.push(word.to_owned());
            }
            let id = format!(
                "{word}-{}-{index}",
                rng.pick(&["upgrade", "adopt", "retire", "speed-up", "automate"])
            );
            Initiative {
                path: format!("initiatives/{}/{id}.toml", periods[index % periods.len()]),
                title: format!(
                    "{} the {word} service, part {index}",
                    rng.pick(&["Upgrade", "Adopt", "Retire", "Speed up", "Automate"])
                ),
                id,
                tags,
                impact: IMPACT[rng.below(IMPACT.len())],
                cost: COST[rng.below(COST.len())],
                confidence: CONFIDENCE[rng.below(CONFIDENCE.len())],
                owner: OWNERS[rng.below(OWNERS.len())],
                status: STATUSES[rng.below(STATUSES.len())],
                depends_on: Vec::new(),
                current: 400,
                more: Vec::new(),
                outcome: false,
            }
        })
        .collect();
    for index in 1..count {
        if rng.below(5) == 0 {
            // Depend on an earlier one only, so there are no cycles.
            let target = rng.below(index);
            let target = initiatives[target].id.clone();
            initiatives[index].depends_on.push(target);
        }
    }

    if shape == Shape::Checkins {
        // A second generator, so that the shared fields stay those of the default shape.
        let mut extra = Rng(0xD1B5_4A32_D192_ED03);
        for initiative in &mut initiatives {
            initiative.outcome = true;
            initiative.more = (0..extra.below(KEY_RESULTS.len()))
                .map(|index| KEY_RESULTS[1 + index % (KEY_RESULTS.len() - 1)].2)
                .collect();
        }
    }
    initiatives
}

#[allow(clippy::too_many_arguments)]
fn write_repo(
    dir: &Path,
    name: &str,
    rng: &mut Rng,
    initiatives: &mut [Initiative],
    parents: &[Option<String>],
    commits: usize,
    shape: Shape,
    bare: bool,
) {
    let (count, themes) = (initiatives.len(), parents.len());
    let commits = commits.max(1);
    std::fs::create_dir_all(dir).expect("create the folder");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?}");
    };
    if bare {
        git(&["init", "-q", "--bare", "-b", "main"]);
    } else {
        git(&["init", "-q", "-b", "main"]);
    }

    let mut theme_current = vec![22_u64; themes];

    let mut stream = Vec::new();
    let start: i64 = 1_735_689_600; // 2025-01-01
    let per_commit = count.div_ceil(commits);
    let mut added = 0;
    for commit in 0..commits {
        let time = start + commit as i64 * 86_400 / 4;
        let _ = write!(
            stream,
            "commit refs/heads/main\nmark :{}\nauthor {owner} <{owner}@example.com> {time} +0000\ncommitter {owner} <{owner}@example.com> {time} +0000\n",
            commit + 1,
            owner = OWNERS[commit % OWNERS.len()]
        );
        let message = format!("Change {commit}");
        let _ = write!(stream, "data {}\n{message}\n", message.len());
        if commit > 0 {
            let _ = writeln!(stream, "from :{commit}");
        } else {
            data(
                &mut stream,
                "okr.toml",
                &format!(
                    "[team]\nname = \"{name}\"\nperiod = \"2026-Q1\"\n\n[rules]\norphan = \"off\"\n"
                ),
            );
            for (theme, parent) in parents.iter().enumerate() {
                data(
                    &mut stream,
                    &format!("themes/theme-{theme}.toml"),
                    &theme_text_at(theme, 22, parent.as_deref()),
                );
            }
        }
        let end = (added + per_commit).min(count);
        for initiative in &initiatives[added..end] {
            data(&mut stream, &initiative.path, &initiative.text());
        }
        added = end;
        if shape == Shape::Checkins {
            // Check in two initiatives added earlier: every key result moves.
            for _ in 0..2.min(added) {
                let index = rng.below(added);
                initiatives[index].check_in(rng);
                let (path, text) = (initiatives[index].path.clone(), initiatives[index].text());
                data(&mut stream, &path, &text);
            }
            if commit % 10 == 9 && themes > 0 {
                let theme = rng.below(themes);
                theme_current[theme] = theme_current[theme].saturating_sub(1).max(5);
                data(
                    &mut stream,
                    &format!("themes/theme-{theme}.toml"),
                    &theme_text_at(theme, theme_current[theme], parents[theme].as_deref()),
                );
            }
        } else if added > 0 {
            // Edit a few existing initiatives: key-result values and statuses move.
            for _ in 0..3 {
                let index = rng.below(added);
                let initiative = &mut initiatives[index];
                initiative.current = initiative
                    .current
                    .saturating_sub(5 + rng.below(20) as u64)
                    .max(100);
                if rng.below(4) == 0 {
                    initiative.status = STATUSES[rng.below(STATUSES.len())];
                }
                let (path, text) = (initiative.path.clone(), initiative.text());
                data(&mut stream, &path, &text);
            }
        }
        stream.push(b'\n');
    }
    fast_import(dir, &stream);
    // fast-import stores each blob as a delta of the one written before it, in chains 50 deep
    // across unrelated files. Let git choose the deltas again, as `git gc --aggressive` and
    // hosting servers' repacks do, so objects are laid out as in a team's clone.
    git(&["repack", "-a", "-d", "-f", "-q"]);
    if !bare {
        git(&["checkout", "-q", "-f", "main"]);
    }
}

/// The name of team `index` of a generated org.
pub fn team_name(index: usize) -> String {
    format!("team-{index:04}")
}

/// An org of `teams` teams with `per_team` initiatives each, and `objectives` org objectives:
/// `dir/org` (okr-org.toml, `objectives/`, a git repository with one commit) and
/// `dir/teams/<name>.git`, bare team repositories with history, which okr-org.toml names by a
/// path from the org. Most themes serve an objective (`parent`); two initiatives of every team
/// but the first depend on an earlier team's (`team:id`), so the dependencies across teams have
/// no cycle. The same arguments give the same repositories, byte for byte.
pub fn generate_org(dir: &Path, teams: usize, per_team: usize, objectives: usize) {
    use rayon::prelude::*;

    let themes = (per_team / 40).max(1);
    let commits = (per_team / 4).max(1);
    let objective_ids: Vec<String> = (0..objectives.max(1))
        .map(|k| format!("objective-{k}"))
        .collect();
    let mut plans: Vec<TeamPlan> = (0..teams)
        .into_par_iter()
        .map(|t| {
            let seed = 0x9E37_79B9_7F4A_7C15 ^ ((t as u64 + 1).wrapping_mul(0x1000_0000_01B3));
            let mut plan = TeamPlan::new(&team_name(t), seed, per_team, themes, Shape::Edits);
            for theme in 0..themes {
                // One theme in five serves no objective: the org's unaligned work.
                if (t + theme) % 5 != 4 {
                    plan.set_parent(theme, &objective_ids[(t + theme) % objective_ids.len()]);
                }
            }
            plan
        })
        .collect();
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    if per_team > 0 {
        for t in 1..teams {
            for _ in 0..2 {
                let other = rng.below(t);
                let id = plans[other].initiatives[rng.below(per_team)].id.clone();
                let index = rng.below(per_team);
                plans[t].add_dependency(index, format!("{}:{id}", team_name(other)));
            }
        }
    }
    let teams_dir = dir.join("teams");
    plans.into_par_iter().enumerate().for_each(|(t, plan)| {
        plan.write(
            &teams_dir.join(format!("{}.git", team_name(t))),
            commits,
            true,
        );
    });

    let org = dir.join("org");
    std::fs::create_dir_all(&org).expect("create the org's folder");
    let mut config = String::from("[org]\nname = \"Synthetic org\"\nperiod = \"2026-Q1\"\n");
    for t in 0..teams {
        let name = team_name(t);
        let _ = write!(
            config,
            "\n[[teams]]\nname = \"{name}\"\nurl = \"../teams/{name}.git\"\n"
        );
    }
    let time = 1_735_689_600; // 2025-01-01
    let mut stream = Vec::new();
    let message = "Plan the org";
    let _ = write!(
        stream,
        "commit refs/heads/main\nauthor alice <alice@example.com> {time} +0000\ncommitter alice <alice@example.com> {time} +0000\ndata {}\n{message}\n",
        message.len()
    );
    data(&mut stream, "okr-org.toml", &config);
    for (k, id) in objective_ids.iter().enumerate() {
        let word = WORDS[k % WORDS.len()];
        let text = format!(
            "title = \"Every {word} service runs itself ({k})\"\nwhy = \"Teams lose weeks to {word} every quarter.\"\nowner = \"{owner}\"\n\n[[key_results]]\ntitle = \"Hours lost to {word} a quarter\"\nbaseline = 400\ntarget = 50\ncurrent = 250\n",
            owner = OWNERS[k % OWNERS.len()],
        );
        data(&mut stream, &format!("objectives/{id}.toml"), &text);
    }
    stream.push(b'\n');
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(&org)
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    fast_import(&org, &stream);
    git(&["checkout", "-q", "-f", "main"]);
}

/// Moves the `main` of every team repository in `dir/teams` (an org [`generate_org`] wrote)
/// by one commit that changes `changes` initiatives: the first key result's `current` of each
/// moves by 10, and the first one's status moves on too. The initiatives are picked from the
/// team's commit, so the same repositories move the same way, and moving them again changes
/// others. Returns, per team in name order, the ids of the initiatives it changed.
pub fn advance_org(dir: &Path, changes: usize) -> Vec<(String, Vec<String>)> {
    use rayon::prelude::*;

    let mut teams: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(dir.join("teams"))
        .expect("read the org's teams folder")
        .map(|entry| entry.expect("a teams entry").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.strip_suffix(".git")?.to_owned();
            Some((name, path))
        })
        .collect();
    teams.sort();
    teams
        .into_par_iter()
        .map(|(name, repo)| {
            let ids = advance_team(&repo, changes);
            (name, ids)
        })
        .collect()
}

fn advance_team(repo: &Path, changes: usize) -> Vec<String> {
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .args(args)
            .current_dir(repo)
            .output()
            .expect("run git");
        assert!(
            output.status.success(),
            "git {args:?} in {}",
            repo.display()
        );
        String::from_utf8(output.stdout).expect("git's output is UTF-8")
    };
    let head = git(&["rev-parse", "refs/heads/main"]).trim().to_owned();
    let time: i64 = git(&["cat-file", "commit", &head])
        .lines()
        .find_map(|line| line.strip_prefix("committer "))
        .and_then(|line| line.rsplit(' ').nth(1)?.parse().ok())
        .expect("the head commit's time");
    let listing = git(&["ls-tree", "-r", &head, "--", "initiatives"]);
    // `<mode> blob <oid>\t<path>`, in path order.
    let files: Vec<(&str, &str)> = listing
        .lines()
        .filter_map(|line| {
            let (meta, path) = line.split_once('\t')?;
            Some((meta.rsplit(' ').next()?, path))
        })
        .collect();
    let mut rng = Rng(u64::from_str_radix(&head[..16], 16).expect("a hex commit id") | 1);
    // A partial Fisher-Yates shuffle: `changes` distinct files.
    let mut order: Vec<usize> = (0..files.len()).collect();
    let picked = changes.min(files.len());
    for k in 0..picked {
        let other = k + rng.below(order.len() - k);
        order.swap(k, other);
    }
    let mut picked: Vec<usize> = order[..picked].to_vec();
    picked.sort_unstable();

    let time = time + 86_400 / 4;
    let owner = OWNERS[rng.below(OWNERS.len())];
    let message = format!("Check in {} initiatives", picked.len());
    let mut stream = Vec::new();
    let _ = write!(
        stream,
        "commit refs/heads/main\nauthor {owner} <{owner}@example.com> {time} +0000\ncommitter {owner} <{owner}@example.com> {time} +0000\ndata {}\n{message}\nfrom {head}\n",
        message.len()
    );
    let mut ids = Vec::new();
    for (n, &index) in picked.iter().enumerate() {
        let (oid, path) = files[index];
        let text = git(&["cat-file", "blob", oid]);
        let mut current_moved = false;
        let mut lines: Vec<String> = Vec::new();
        for line in text.lines() {
            if let Some(value) = line.strip_prefix("current = ")
                && !current_moved
            {
                let value: u64 = value.parse().expect("a whole current");
                let moved = if value >= 110 { value - 10 } else { value + 10 };
                lines.push(format!("current = {moved}"));
                current_moved = true;
            } else if let Some(status) = line.strip_prefix("status = ")
                && n == 0
            {
                let next = match status.trim_matches('"') {
                    "proposed" => "accepted",
                    "accepted" => "active",
                    "active" => "done",
                    _ => "active",
                };
                lines.push(format!("status = \"{next}\""));
            } else {
                lines.push(line.to_owned());
            }
        }
        assert!(current_moved, "{path} has no key result to move");
        let mut text = lines.join("\n");
        text.push('\n');
        data(&mut stream, path, &text);
        let id = path
            .rsplit('/')
            .next()
            .and_then(|file| file.strip_suffix(".toml"));
        ids.push(id.expect("an initiative file").to_owned());
    }
    stream.push(b'\n');
    fast_import(repo, &stream);
    ids
}
