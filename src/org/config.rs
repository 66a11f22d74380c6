//! `okr-org.toml`: the org's name and period, and its teams: where each team's repository is
//! and which branch holds its OKRs.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::document;
use crate::finding::{Finding, Rule, suggestion};
use crate::period::Period;
use crate::validate::{is_kebab, slug};

pub const FILE: &str = "okr-org.toml";
/// The branch a team's OKRs are read from when `ref` is absent.
pub const DEFAULT_REF: &str = "main";

/// `okr-org.toml`, as written.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "okr org settings (okr-org.toml)")]
pub struct OrgFile {
    #[schemars(required)]
    pub org: Option<OrgSection>,
    /// The team repositories the org reads.
    #[serde(default)]
    #[schemars(with = "Vec<TeamFile>")]
    pub teams: Vec<Spanned<TeamFile>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgSection {
    #[schemars(with = "String", required, length(min = 1))]
    pub name: Option<Spanned<String>>,
    /// The current planning period: `2026`, `2026-H2` or `2026-Q1`.
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}(-[QH][1-4])?$"))]
    pub period: Option<Spanned<String>>,
}

/// `[[teams]]`: one team repository.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamFile {
    /// Lowercase letters, digits and `-`: it names the team in findings, in `team:id`
    /// dependencies and in the ref `refs/okr/teams/<name>`.
    #[schemars(
        with = "String",
        required,
        regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")
    )]
    pub name: Option<Spanned<String>>,
    /// Any git URL, or a path (relative to the org repository). Never with credentials in it:
    /// git's credential helpers give them.
    #[schemars(with = "String", required, length(min = 1))]
    pub url: Option<Spanned<String>>,
    /// The branch that holds the team's OKRs; `main` when absent.
    #[serde(rename = "ref")]
    #[schemars(with = "Option<String>")]
    pub reference: Option<Spanned<String>>,
    /// The URL of the team's published documents, for links from the org's.
    #[schemars(with = "Option<String>")]
    pub docs: Option<Spanned<String>>,
}

/// The org's settings, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgConfig {
    pub name: String,
    pub period: Option<String>,
    /// In the order of the file.
    pub teams: Vec<Team>,
}

/// A team of the org, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub name: String,
    pub url: String,
    /// The branch, `main` by default.
    pub reference: String,
    pub docs: Option<String>,
    /// Where okr-org.toml names the team: findings about the team as a whole point here.
    pub span: Range<usize>,
}

impl OrgConfig {
    /// Parses `okr-org.toml`; on any problem, every finding (each is a configuration error).
    pub fn parse(text: &str) -> Result<OrgConfig, Vec<Finding>> {
        let (parsed, mut findings) = document::parse::<OrgFile>(FILE, text);
        let Some(parsed) = parsed else {
            return Err(findings);
        };
        let file = parsed.doc;
        let mut config = OrgConfig {
            name: String::new(),
            period: None,
            teams: Vec::new(),
        };
        match file.org.as_ref().and_then(|o| o.name.as_ref()) {
            Some(name) if !name.get_ref().trim().is_empty() => {
                config.name = name.get_ref().trim().to_owned();
            }
            Some(name) => findings.push(Finding::new(
                Rule::MissingField,
                FILE,
                Some(name.span()),
                "`org.name` is empty".into(),
            )),
            None if parsed.removed.contains("org.name") || parsed.removed.contains("org") => {}
            None => findings.push(
                Finding::new(
                    Rule::MissingField,
                    FILE,
                    None,
                    "missing `[org].name`".into(),
                )
                .with_help("add `[org]` with `name = \"Your org\"`".to_owned()),
            ),
        }
        if let Some(period) = file.org.as_ref().and_then(|o| o.period.as_ref()) {
            match Period::parse(period.get_ref()) {
                Some(_) => config.period = Some(period.get_ref().clone()),
                None => findings.push(Period::finding(FILE, period)),
            }
        }
        // Each name, with the line of its first team, for duplicates.
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, table) in file.teams.iter().enumerate() {
            let removed = |key: &str| parsed.removed.contains(&format!("teams.{index}.{key}"));
            if let Some(team) = team(table, &mut seen, &removed, text, &mut findings) {
                config.teams.push(team);
            }
        }
        if findings.is_empty() {
            Ok(config)
        } else {
            Err(findings)
        }
    }

    /// The team named `name`.
    pub fn team(&self, name: &str) -> Option<&Team> {
        self.teams.iter().find(|team| team.name == name)
    }

    /// The error for a team name that okr-org.toml does not list, with a suggestion.
    pub fn unknown_team(&self, name: &str) -> String {
        let help = suggestion(name, self.teams.iter().map(|t| t.name.as_str()))
            .map_or_else(String::new, |help| format!("; {help}"));
        format!("no team `{name}` in {FILE}{help}")
    }
}

fn team<'a>(
    table: &'a Spanned<TeamFile>,
    seen: &mut BTreeMap<&'a str, usize>,
    removed: &dyn Fn(&str) -> bool,
    text: &str,
    findings: &mut Vec<Finding>,
) -> Option<Team> {
    let span = table.span();
    let team = table.get_ref();
    let before = findings.len();
    let name = match &team.name {
        Some(name) => {
            let value = name.get_ref();
            if !is_kebab(value) {
                let fixed = slug(value);
                let help = if fixed.is_empty() {
                    "use lowercase letters, digits and `-`".to_owned()
                } else {
                    format!("use lowercase letters, digits and `-`: `{fixed}`")
                };
                findings.push(
                    Finding::new(
                        Rule::BadTeam,
                        FILE,
                        Some(name.span()),
                        format!("team name `{value}` is not lowercase letters, digits and `-`"),
                    )
                    .with_help(format!(
                        "{help}; it names the team in findings, in `team:id` dependencies and \
                         in the ref `refs/okr/teams/<name>`"
                    )),
                );
            } else if let Some(&first) = seen.get(value.as_str()) {
                let line = crate::finding::position(text, first).line;
                findings.push(
                    Finding::new(
                        Rule::BadTeam,
                        FILE,
                        Some(name.span()),
                        format!("team `{value}` is listed twice"),
                    )
                    .with_help(format!(
                        "the first is on line {line}; give each team one `[[teams]]`"
                    )),
                );
            } else {
                seen.insert(value, name.span().start);
            }
            Some(name)
        }
        None => {
            if !removed("name") {
                findings.push(Finding::new(
                    Rule::MissingField,
                    FILE,
                    Some(span.clone()),
                    "a team has no `name`".into(),
                ));
            }
            None
        }
    };
    let label = name.map_or_else(
        || "a team".to_owned(),
        |n| format!("team `{}`", n.get_ref()),
    );
    let url = match &team.url {
        Some(url) if url.get_ref().trim().is_empty() => {
            findings.push(Finding::new(
                Rule::MissingField,
                FILE,
                Some(url.span()),
                format!("the `url` of {label} is empty"),
            ));
            None
        }
        Some(url) => {
            credentials(url, "url", &label, findings);
            Some(url)
        }
        None => {
            if !removed("url") {
                findings.push(
                    Finding::new(
                        Rule::MissingField,
                        FILE,
                        Some(name.map_or(span.clone(), Spanned::span)),
                        format!("{label} has no `url`"),
                    )
                    .with_help(
                        "add `url = \"...\"`: a git URL, or a path to the team's repository"
                            .to_owned(),
                    ),
                );
            }
            None
        }
    };
    if let Some(docs) = &team.docs {
        credentials(docs, "docs", &label, findings);
    }
    let reference = match &team.reference {
        Some(reference) if !is_branch(reference.get_ref()) => {
            findings.push(
                Finding::new(
                    Rule::BadTeam,
                    FILE,
                    Some(reference.span()),
                    format!(
                        "the `ref` of {label}, `{}`, is not a branch name",
                        reference.get_ref()
                    ),
                )
                .with_help("name the branch that holds the team's OKRs, e.g. `main`".to_owned()),
            );
            None
        }
        Some(reference) => Some(reference.get_ref().clone()),
        None => Some(DEFAULT_REF.to_owned()),
    };
    if findings.len() > before {
        return None;
    }
    Some(Team {
        name: name?.get_ref().clone(),
        url: url?.get_ref().clone(),
        reference: reference?,
        docs: team.docs.as_ref().map(|d| d.get_ref().clone()),
        span: name?.span(),
    })
}

/// A finding when the URL at `key` holds credentials; it never quotes the URL.
fn credentials(url: &Spanned<String>, key: &str, label: &str, findings: &mut Vec<Finding>) {
    if userinfo(url.get_ref()).is_some() {
        findings.push(
            Finding::new(
                Rule::UrlCredentials,
                FILE,
                Some(url.span()),
                format!("the `{key}` of {label} is a URL with credentials in it"),
            )
            .with_help(
                "remove the `user:token@` part, and revoke the token: it is in the repository's \
                 history. `okr org sync` gets credentials from git's credential helpers, as git \
                 does"
                    .to_owned(),
            ),
        );
    }
}

/// The byte range of the credentials in a URL (`user:token` in `https://user:token@host/`):
/// any user info of a URL other than ssh's, where a user name alone (`ssh://git@host`) is no
/// secret but a password is.
pub fn userinfo(url: &str) -> Option<Range<usize>> {
    let (scheme, rest) = url.split_once("://")?;
    let start = scheme.len() + 3;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let at = authority.rfind('@')?;
    let info = &authority[..at];
    let ssh = scheme.eq_ignore_ascii_case("ssh") || scheme.eq_ignore_ascii_case("git+ssh");
    if info.is_empty() || (ssh && !info.contains(':')) {
        return None;
    }
    Some(start..start + at)
}

/// `text` with the credentials of every URL in it masked, byte for byte, so that spans into
/// it still hold: what okr prints of okr-org.toml, and of any message that may quote a URL.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        // The URL's scheme: the letters before `://`.
        let scheme_start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |i| i + 1);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .map_or(rest.len(), |i| at + i);
        let url = &rest[scheme_start..end];
        out.push_str(&rest[..scheme_start]);
        match userinfo(url) {
            Some(info) => {
                out.push_str(&url[..info.start]);
                out.extend(std::iter::repeat_n('*', info.len()));
                out.push_str(&url[info.end..]);
            }
            None => out.push_str(url),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Whether `name` can follow `refs/heads/` in a refspec: git's rules for a branch name.
fn is_branch(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['-', '/'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && name != "@"
        && !name.split('/').any(|part| part.starts_with('.'))
        && !name
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<Finding> {
        OrgConfig::parse(text).unwrap_err()
    }

    #[test]
    fn teams_take_their_defaults() {
        let text = "[org]\nname = \"Acme\"\nperiod = \"2026-Q1\"\n\n[[teams]]\nname = \"payments\"\nurl = \"../payments\"\n\n[[teams]]\nname = \"web-2\"\nurl = \"https://example.com/web.git\"\nref = \"okrs\"\ndocs = \"https://example.com/web/okrs\"\n";
        let config = OrgConfig::parse(text).unwrap();
        assert_eq!(config.name, "Acme");
        assert_eq!(config.period.as_deref(), Some("2026-Q1"));
        let names: Vec<&str> = config.teams.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["payments", "web-2"]);
        assert_eq!(config.teams[0].reference, "main");
        assert_eq!(config.teams[0].docs, None);
        assert_eq!(config.teams[1].reference, "okrs");
        assert_eq!(&text[config.teams[0].span.clone()], "\"payments\"");
        assert!(
            config
                .unknown_team("paymnts")
                .contains("did you mean `payments`?")
        );
    }

    #[test]
    fn bad_names_and_duplicates_are_found_where_they_are() {
        let text = "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"Payments\"\nurl = \"a\"\n\n[[teams]]\nname = \"web\"\nurl = \"b\"\n\n[[teams]]\nname = \"web\"\nurl = \"c\"\n\n[[teams]]\nname = \"x:y\"\nurl = \"d\"\nref = \"a..b\"\n";
        let found = findings(text);
        let at: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f.rule.code(), &text[f.span.clone().unwrap()]))
            .collect();
        assert_eq!(
            at,
            [
                ("bad-team", "\"Payments\""),
                ("bad-team", "\"web\""),
                ("bad-team", "\"x:y\""),
                ("bad-team", "\"a..b\""),
            ]
        );
        assert!(found[0].help.as_deref().unwrap().contains("`payments`"));
        // The second `web`, on line 13, says where the first is.
        assert_eq!(
            crate::finding::position(text, found[1].span.clone().unwrap().start).line,
            13
        );
        assert!(
            found[1].help.as_deref().unwrap().contains("line 9"),
            "{found:?}"
        );
    }

    #[test]
    fn a_url_with_credentials_is_refused_and_never_quoted() {
        let text = "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"https://bob:ghp_SECRET@github.com/acme/web\"\ndocs = \"https://ghp_OTHER@acme.github.io/web\"\n";
        let found = findings(text);
        assert_eq!(found.len(), 2, "{found:?}");
        for finding in &found {
            assert_eq!(finding.rule, Rule::UrlCredentials);
            let said = format!("{} {}", finding.message, finding.help.as_deref().unwrap());
            assert!(said.contains("a URL with credentials"), "{said}");
            assert!(
                !said.contains("SECRET") && !said.contains("OTHER"),
                "{said}"
            );
        }
        assert_eq!(
            &text[found[0].span.clone().unwrap()],
            "\"https://bob:ghp_SECRET@github.com/acme/web\""
        );
        let redacted = redact(text);
        assert_eq!(redacted.len(), text.len());
        assert!(!redacted.contains("SECRET") && !redacted.contains("OTHER"));
        assert!(redacted.contains("https://**************@github.com/acme/web"));
        assert!(redacted.contains("https://*********@acme.github.io/web"));
    }

    #[test]
    fn which_urls_hold_credentials() {
        for url in [
            "https://user:token@host/x",
            "https://token@host/x",
            "http://u:p@host",
            "ssh://git:pw@host/x",
        ] {
            assert!(userinfo(url).is_some(), "{url}");
        }
        for url in [
            "https://host/x",
            "ssh://git@host/x",
            "git@github.com:acme/x.git",
            "../team",
            "file:///srv/git/x",
            "https://host/a@b",
        ] {
            assert!(userinfo(url).is_none(), "{url}");
        }
        assert_eq!(
            redact("at https://a:b@h/x, then"),
            "at https://***@h/x, then"
        );
    }

    #[test]
    fn a_missing_org_and_url_are_reported() {
        let found = findings("[[teams]]\nname = \"web\"\n");
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            ["missing `[org].name`", "team `web` has no `url`"]
        );
    }

    #[test]
    fn branch_names() {
        for name in ["main", "okrs/2026", "release-1.2"] {
            assert!(is_branch(name), "{name}");
        }
        for name in [
            "", "a..b", "-x", "a b", "x.lock", "a:b", ".hidden", "a/", "a~1",
        ] {
            assert!(!is_branch(name), "{name}");
        }
    }
}
