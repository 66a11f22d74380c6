//! The command line: clap's description of every command and option.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::{report, schema};

/// The heading of the options every command takes, listed after the command's own.
const GLOBAL: &str = "Global options";

/// OKRs as code: initiatives proposed in pull requests, checked, ranked and rendered.
#[derive(Debug, Parser)]
#[command(name = "okr", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Run as if okr was started in DIR.
    #[arg(
        short = 'C',
        id = "change_dir",
        value_name = "DIR",
        global = true,
        help_heading = GLOBAL
    )]
    pub dir: Option<PathBuf>,

    /// When to use colour (`NO_COLOR` is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, help_heading = GLOBAL)]
    pub color: ColorChoice,

    /// Print only findings and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,

    /// Say more about what okr is doing.
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a team repository: okr.toml, an example initiative and theme, the CI workflow.
    Init(InitArgs),
    /// Write a new initiative, `initiatives/<slug>.toml`.
    New(NewArgs),
    /// Validate every file; report every finding.
    Check(CheckArgs),
    /// Record a check-in on an initiative or theme: a key result's value, the health, a note.
    Checkin(CheckinArgs),
    /// Initiatives with their score: open work by rank, then done and dropped work.
    List(ListArgs),
    /// Themes with their members, score, load and progress.
    Themes(ThemesArgs),
    /// Render the Markdown objective documents.
    Render(RenderArgs),
    /// The semantic diff of two revisions, for review.
    Diff(DiffArgs),
    /// When and by whom each initiative was created and changed; key results over time.
    History(HistoryArgs),
    /// Who owes a check-in: open work whose last check-in is older than `[rules].checkin_days`.
    Due(DueArgs),
    /// What happened between two days: work added, started, delivered, dropped; health, key
    /// results, check-in notes; open work nobody updated.
    Report(ReportArgs),
    /// Close a period: grade each objective and initiative, record it in each file, carry open
    /// work over.
    Close(CloseArgs),
    /// Commit the rendered documents to a branch, without touching the working tree.
    Publish(PublishArgs),
    /// The org roll-up across team repositories: run in an org repository (okr-org.toml).
    Org(OrgArgs),
    /// Rewrite every TOML file in the canonical layout and key order, comments kept.
    Fmt(FmtArgs),
    /// Print the JSON Schema of a file format, for editors and checkers.
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the repository in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Team name for okr.toml (default: the folder's name).
    #[arg(long)]
    pub team: Option<String>,
    /// Create an org repository instead: okr-org.toml, an example objective, and the
    /// workflow that syncs and checks the teams daily.
    #[arg(long, conflicts_with = "team")]
    pub org: bool,
}

#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    /// The initiative's title; its slug becomes the id and file name.
    pub title: String,
    /// A tag (repeat for more).
    #[arg(long = "tag", short = 't', value_name = "TAG")]
    pub tags: Vec<String>,
    /// Impact level, from `[scales].impact`.
    #[arg(long)]
    pub impact: Option<String>,
    /// Cost level, from `[scales].cost`.
    #[arg(long)]
    pub cost: Option<String>,
    /// Confidence level, from `[scales].confidence`.
    #[arg(long)]
    pub confidence: Option<String>,
    /// Owner (default: git's `user.name`).
    #[arg(long)]
    pub owner: Option<String>,
    /// The problem it solves, and why now.
    #[arg(long)]
    pub problem: Option<String>,
    /// What is true once it is done.
    #[arg(long)]
    pub outcome: Option<String>,
    /// An engineer who backs it (repeat for more).
    #[arg(long = "supporter", value_name = "NAME")]
    pub supporters: Vec<String>,
    /// The id of an initiative it depends on (repeat for more).
    #[arg(long = "depends-on", value_name = "ID")]
    pub depends_on: Vec<String>,
    /// Planning period (default: `[team].period`).
    #[arg(long)]
    pub period: Option<String>,
    /// Status: proposed, accepted, active, done or dropped [default: proposed].
    #[arg(long)]
    pub status: Option<String>,
    /// Never ask for missing fields, even on a terminal.
    #[arg(long)]
    pub no_input: bool,
}

/// Read the repository as it was at a git revision, from git objects.
#[derive(Debug, Args)]
pub struct RevArgs {
    /// A git revision (commit, branch, tag) to read instead of the working tree.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long, value_enum, default_value_t = report::Format::Human)]
    pub format: report::Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// The day to check as of (`YYYY-MM-DD`), for the rules that compare with today
    /// (`future-checkin`, `unlearned`, `stale`) [default: today, UTC].
    #[arg(long, value_name = "DATE", value_parser = as_of_date)]
    pub as_of: Option<u64>,
    #[command(flatten)]
    pub rev: RevArgs,
}

#[derive(Debug, Args)]
pub struct OrgArgs {
    #[command(subcommand)]
    pub command: OrgCommand,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Fetch each team's branch into `refs/okr/teams/<name>` of the org repository, and
    /// record the commits in okr-org.lock.
    Sync(OrgSyncArgs),
    /// Check the org's files and every synced team, each read at its ref with its own
    /// okr.toml; findings name their team.
    Check(OrgCheckArgs),
    /// Every synced team's initiatives as the team ranks them, with a team column.
    List(OrgViewArgs),
    /// The org's objectives: progress and health rolled up from the team themes that serve
    /// them, and the teams serving each; then the team themes serving none.
    Themes(OrgViewArgs),
    /// Write the org's documents: an overview and one document per org objective.
    Render(OrgRenderArgs),
    /// Commit the org's documents, as `okr org render` writes them, to a branch; the working
    /// tree, the index and HEAD are left as they are.
    Publish(OrgPublishArgs),
    /// What changed in the org between two revisions of the org repository, each read at the
    /// team commits its okr-org.lock records: objectives, alignment, dependencies across
    /// teams, and each team's own diff.
    Diff(OrgDiffArgs),
}

#[derive(Debug, Args)]
pub struct OrgDiffArgs {
    /// The revision of the org repository to compare from (e.g. `HEAD`: the last recorded sync).
    pub base: String,
    /// The revision to compare to [default: the working tree, with the teams as synced now].
    pub head: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Debug, Args)]
pub struct OrgPublishArgs {
    /// The branch to commit the documents to (created when missing).
    #[arg(long)]
    pub branch: String,
    /// The commit message.
    #[arg(long, short)]
    pub message: Option<String>,
}

#[derive(Debug, Args)]
pub struct OrgRenderArgs {
    /// Folder to write into [default: `okrs/` in the org repository].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OrgViewArgs {
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct OrgCheckArgs {
    #[arg(long, value_enum, default_value_t = report::Format::Human)]
    pub format: report::Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct OrgSyncArgs {
    /// Sync only these teams (names from okr-org.toml) [default: every team].
    #[arg(value_name = "TEAM")]
    pub teams: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The period to close: `2026-Q1`, `2026-H1` or `2026`.
    #[arg(value_name = "PERIOD")]
    pub period: String,
    /// Carry the open initiatives into this period, and make it the team's period.
    #[arg(long, value_name = "NEXT")]
    pub to: Option<String>,
    /// Carry only this open initiative (repeat for more); the others are dropped.
    #[arg(long, value_name = "ID", requires = "to")]
    pub carry: Vec<String>,
    /// Print the grades and what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("progress").args(["current", "done"])))]
pub struct CheckinArgs {
    /// The initiative's or theme's id: its file name without `.toml`.
    pub id: String,
    /// The key result to update: its title, or its position (1 for the first).
    #[arg(long, value_name = "KR", requires = "progress")]
    pub kr: Option<String>,
    /// The key result's new value.
    #[arg(long, value_name = "V", requires = "kr", allow_negative_numbers = true)]
    pub current: Option<String>,
    /// Mark the key result (a milestone) done.
    #[arg(long, requires = "kr")]
    pub done: bool,
    /// How the work stands [default: the health of the last check-in].
    #[arg(long, value_name = "H", value_parser = ["on-track", "at-risk", "off-track"])]
    pub health: Option<String>,
    /// Why, in a sentence or two (asked for on a terminal when missing).
    #[arg(
        short = 'm',
        long = "note",
        visible_alias = "message",
        value_name = "NOTE"
    )]
    pub note: Option<String>,
    /// The day of the check-in (`YYYY-MM-DD`, not in the future) [default: today, UTC].
    #[arg(long, value_name = "D")]
    pub date: Option<String>,
    /// Commit the file alone, as you, with the message `checkin(ID): NOTE`.
    #[arg(long)]
    pub commit: bool,
    /// Never ask for the note, even on a terminal.
    #[arg(long)]
    pub no_input: bool,
}

/// Which period's initiatives a view shows.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Only initiatives whose period overlaps P (`2026`, `2026-H2`, `2026-Q1`; one without a
    /// period is in every period), or `all` [default: `[team].period`, else all].
    #[arg(long, value_name = "P")]
    pub period: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only initiatives with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only members of this theme.
    #[arg(long)]
    pub theme: Option<String>,
    /// Only initiatives with this status.
    #[arg(long)]
    pub status: Option<String>,
    /// Only initiatives of this owner.
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub rev: RevArgs,
}

#[derive(Debug, Args)]
pub struct ThemesArgs {
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// Propose themes for orphan initiatives from the tags they share.
    #[arg(long)]
    pub suggest: bool,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub rev: RevArgs,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Output folder (default: `[paths].output`, relative to the repository root).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The day the documents describe (`YYYY-MM-DD`): key results are held to the share of the
    /// period elapsed on it [default: today].
    #[arg(long, value_name = "DATE", value_parser = as_of_date)]
    pub as_of: Option<u64>,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub rev: RevArgs,
}

/// A `--as-of` date, as days since 1970-01-01.
fn as_of_date(text: &str) -> Result<u64, String> {
    crate::period::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a date; write `YYYY-MM-DD`, e.g. `2026-02-14`"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a pull-request comment.
    Markdown,
    Json,
    /// For a terminal.
    Human,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The revision to compare from (e.g. the pull request's base).
    pub base: String,
    /// The revision to compare to (default: the working tree).
    pub head: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only this initiative or theme.
    pub id: Option<String>,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    #[command(flatten)]
    pub rev: RevArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DueFormat {
    /// For a terminal.
    Table,
    /// For a GitHub issue: a marker line, a heading, a table for each owner.
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// The day to count from (`YYYY-MM-DD`) [default: today, UTC].
    #[arg(long, value_name = "DATE", value_parser = as_of_date)]
    pub as_of: Option<u64>,
    #[arg(long, value_enum, default_value_t = DueFormat::Table)]
    pub format: DueFormat,
    #[command(flatten)]
    pub rev: RevArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// To paste into a document, an issue or a message: a heading per section.
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The first day of the window (`YYYY-MM-DD`, UTC; included).
    #[arg(long, value_name = "DATE", value_parser = as_of_date)]
    pub since: u64,
    /// The last day of the window (`YYYY-MM-DD`, UTC; included) [default: today, UTC].
    #[arg(long, value_name = "DATE", value_parser = as_of_date)]
    pub until: Option<u64>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub rev: RevArgs,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The branch to commit the documents to (created when missing).
    #[arg(long)]
    pub branch: String,
    /// The commit message.
    #[arg(long, short)]
    pub message: Option<String>,
    /// Render the repository as it is at this revision (default: HEAD).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Change nothing; list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file format.
    #[arg(value_enum, default_value_t = schema::Kind::Initiative)]
    pub kind: schema::Kind,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
