//! `okr org`: an org repository that fetches each team's branch into its own refs and reads
//! the teams from git objects. Team repositories are bare repositories in a temp folder,
//! reached by path and over `file://`: no network.

mod common;

use common::org::{Org, TEAM_OKR, file_url, short};
use std::path::Path;

use common::{assert_exit, assert_stderr_has, git_repo, no_panic, okr, stderr, stdout};

#[test]
fn teams_sync_by_path_and_over_file_urls_and_say_what_moved() {
    let org = Org::new("");
    let a1 = org.commit("a", "main", &[("okr.toml", TEAM_OKR)]);
    let b1 = org.commit("b", "okrs", &[("okr.toml", TEAM_OKR)]);
    org.write(
        "okr-org.toml",
        &format!(
            "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"a\"\nurl = \"../teams/a.git\"\n\n\
             [[teams]]\nname = \"b\"\nurl = \"{}\"\nref = \"okrs\"\n",
            file_url(&org.team_dir("b"))
        ),
    );

    let first = org.run(&["org", "sync"]);
    assert_exit(&first, 0);
    assert_eq!(
        stdout(&first),
        format!("a: new {}\nb: new {}\n", short(&a1), short(&b1))
    );
    // The team refs, and nothing else: no remote-tracking branch, no tag, no FETCH_HEAD.
    assert_eq!(
        org.refs(),
        [
            ("refs/okr/teams/a".to_owned(), a1.clone()),
            ("refs/okr/teams/b".to_owned(), b1.clone()),
        ]
    );
    assert!(!org.root().join(".git/FETCH_HEAD").exists());

    let again = org.run(&["org", "sync"]);
    assert_exit(&again, 0);
    assert_eq!(stdout(&again), "a: unchanged\nb: unchanged\n");

    let a2 = org.commit(
        "a",
        "main",
        &[("themes/t.toml", "title = \"T\"\ntags = [\"x\"]\n")],
    );
    let moved = org.run(&["org", "sync"]);
    assert_exit(&moved, 0);
    assert_eq!(
        stdout(&moved),
        format!("a: updated {}..{}\nb: unchanged\n", short(&a1), short(&a2))
    );
    assert_eq!(org.refs()[0], ("refs/okr/teams/a".to_owned(), a2));

    // A branch rewritten to history that does not contain the old tip is followed too.
    let rewritten = org.commit("b", "rewrite", &[("okr.toml", TEAM_OKR), ("x.txt", "x")]);
    let git = git2::Repository::open_bare(org.team_dir("b")).unwrap();
    git.reference(
        "refs/heads/okrs",
        git2::Oid::from_str(&rewritten).unwrap(),
        true,
        "rewrite",
    )
    .unwrap();
    let forced = org.run(&["org", "sync", "b"]);
    assert_exit(&forced, 0);
    assert_eq!(
        stdout(&forced),
        format!("b: updated {}..{}\n", short(&b1), short(&rewritten))
    );
    assert_eq!(org.refs()[1], ("refs/okr/teams/b".to_owned(), rewritten));
    assert!(!org.root().join(".git/FETCH_HEAD").exists());
}

#[test]
fn named_teams_sync_alone_and_an_unknown_name_is_a_usage_error() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"payments\"\nurl = \"../teams/payments.git\"\n\n\
         [[teams]]\nname = \"web\"\nurl = \"../teams/web.git\"\n",
    );
    let p = org.commit("payments", "main", &[("okr.toml", TEAM_OKR)]);
    org.commit("web", "main", &[("okr.toml", TEAM_OKR)]);

    let one = org.run(&["org", "sync", "payments"]);
    assert_exit(&one, 0);
    assert_eq!(stdout(&one), format!("payments: new {}\n", short(&p)));
    assert_eq!(org.refs(), [("refs/okr/teams/payments".to_owned(), p)]);

    let unknown = org.run(&["org", "sync", "paymets"]);
    assert_exit(&unknown, 2);
    assert_stderr_has(&unknown, "no team `paymets` in okr-org.toml");
    assert_stderr_has(&unknown, "did you mean `payments`?");
    assert_eq!(org.refs().len(), 1);
}

#[test]
fn an_unreachable_team_or_a_missing_branch_fails_after_the_others_sync() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"gone\"\nurl = \"../teams/gone.git\"\n\n\
         [[teams]]\nname = \"ok\"\nurl = \"../teams/ok.git\"\n\n\
         [[teams]]\nname = \"nobranch\"\nurl = \"../teams/nobranch.git\"\nref = \"okrs\"\n",
    );
    let ok = org.commit("ok", "main", &[("okr.toml", TEAM_OKR)]);
    org.commit("nobranch", "main", &[("okr.toml", TEAM_OKR)]);

    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 1);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    let gone = org.root().join("../teams/gone.git");
    assert_eq!(
        lines[0],
        format!("gone: unreachable: no repository at `{}`", gone.display())
    );
    assert_eq!(lines[1], format!("ok: new {}", short(&ok)));
    assert_eq!(
        lines[2],
        "nobranch: unreachable: branch `okrs` not found (it has `main`); set `ref` in okr-org.toml"
    );
    assert_stderr_has(&output, "2 of 3 teams could not be synced");
    assert_eq!(org.refs(), [("refs/okr/teams/ok".to_owned(), ok)]);
}

/// An org of three teams: `web` over https to a port where nothing listens, `ok` and `api` by
/// path; gives the commits of `ok` and `api`.
fn org_with_an_https_team() -> (Org, String, String) {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"ok\"\nurl = \"../teams/ok.git\"\n\n\
         [[teams]]\nname = \"web\"\nurl = \"https://127.0.0.1:9/acme/web.git\"\n\n\
         [[teams]]\nname = \"api\"\nurl = \"../teams/api.git\"\n",
    );
    let ok = org.commit("ok", "main", &[("okr.toml", TEAM_OKR)]);
    let api = org.commit("api", "main", &[("okr.toml", TEAM_OKR)]);
    (org, ok, api)
}

#[cfg(feature = "https")]
#[test]
fn an_https_team_is_fetched_and_one_that_cannot_be_reached_says_why() {
    let (org, ok, api) = org_with_an_https_team();
    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 1);
    assert_eq!(
        stdout(&output),
        format!(
            "ok: new {}\nweb: unreachable: failed to connect to 127.0.0.1: Connection refused\n\
             api: new {}\n",
            short(&ok),
            short(&api)
        )
    );
    assert_stderr_has(&output, "1 of 3 teams could not be synced");
    assert_eq!(
        org.refs(),
        [
            ("refs/okr/teams/api".to_owned(), api),
            ("refs/okr/teams/ok".to_owned(), ok)
        ]
    );
}

#[cfg(not(feature = "https"))]
#[test]
fn a_transport_this_build_lacks_says_to_use_a_mirror() {
    let (org, ok, api) = org_with_an_https_team();
    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 1);
    assert_eq!(
        stdout(&output),
        format!(
            "ok: new {}\nweb: unreachable: this okr was built without https; use a local mirror \
             or path (`git clone --mirror`, then `url = \"path/to/mirror\"`)\napi: new {}\n",
            short(&ok),
            short(&api)
        )
    );
}

/// A credential helper in the org repository's git config that answers with the password
/// `SECRET` for every URL.
fn give_secret_through_a_credential_helper(org: &Org) {
    git2::Repository::open(org.root())
        .unwrap()
        .config()
        .unwrap()
        .open_level(git2::ConfigLevel::Local)
        .unwrap()
        .set_str(
            "credential.helper",
            "!f() { echo username=x; echo password=SECRET; }; f",
        )
        .unwrap();
}

/// With a credential helper set up, an https team that cannot be reached prints no credential.
/// The connection fails before any authentication, so the helper is never asked: the test
/// below, over http, is the one that reaches it.
#[test]
fn an_unreachable_https_team_prints_no_credential_from_the_helpers() {
    let (org, _, _) = org_with_an_https_team();
    give_secret_through_a_credential_helper(&org);
    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 1);
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(all.contains("web: unreachable: "), "{all}");
    assert!(!all.contains("SECRET"), "{all}");
}

/// A server on 127.0.0.1 that answers every request with `401 Unauthorized` and a Basic
/// challenge, and keeps the `Authorization` header of each request. It stops when told to, or
/// after 60 seconds.
#[cfg(feature = "https")]
struct Refuser {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Vec<String>>,
}

#[cfg(feature = "https")]
impl Refuser {
    fn start() -> Refuser {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::atomic::Ordering;
        use std::time::{Duration, Instant};

        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut lines = Vec::new();
            while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    lines.push(line.trim_end().to_owned());
                    line.clear();
                }
                let _ = (&stream).write_all(
                    b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"okr\"\r\n\
                      Content-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
            lines
        });
        Refuser { port, stop, thread }
    }

    /// Stops the server; gives every line of the requests it was sent, headers included.
    fn lines(self) -> Vec<String> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.join().unwrap()
    }

    /// Stops the server; gives the `Authorization` headers it was sent.
    fn authorizations(self) -> Vec<String> {
        self.lines()
            .iter()
            .filter_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("authorization")
                    .then(|| value.trim().to_owned())
            })
            .collect()
    }
}

/// libgit2's http transport, the one https uses, asks git's credential helper when the server
/// wants credentials, sends what it gives, and the reason printed when the server refuses them
/// names no credential.
#[cfg(feature = "https")]
#[test]
fn credentials_come_from_gits_helpers_and_a_refusal_prints_none() {
    let server = Refuser::start();
    let org = Org::new(&format!(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"http://127.0.0.1:{}/acme/web.git\"\n",
        server.port
    ));
    give_secret_through_a_credential_helper(&org);
    let output = org.run(&["org", "sync"]);
    let authorizations = server.authorizations();
    assert_exit(&output, 1);
    // `x:SECRET`, from the helper, in Basic authentication.
    assert!(
        authorizations.iter().any(|a| a == "Basic eDpTRUNSRVQ="),
        "{authorizations:?}"
    );
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert_eq!(
        stdout(&output),
        "web: unreachable: the credentials from git's credential helpers were refused\n"
    );
    assert!(
        !all.contains("SECRET") && !all.contains("eDpTRUNSRVQ"),
        "{all}"
    );
    assert!(org.refs().is_empty());
}

/// git's `http.proxy` is honoured: an https fetch asks the proxy it names (here a server that
/// refuses everything) to connect, rather than going straight to a host this machine cannot
/// even resolve. (libgit2 sends plain http past a proxy; https is what teams use.)
#[cfg(feature = "https")]
#[test]
fn a_fetch_goes_through_the_proxy_git_is_configured_with() {
    let proxy = Refuser::start();
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"https://okr-proxy-test.invalid/acme/web.git\"\n",
    );
    git2::Repository::open(org.root())
        .unwrap()
        .config()
        .unwrap()
        .set_str("http.proxy", &format!("http://127.0.0.1:{}", proxy.port))
        .unwrap();
    let output = org.run(&["org", "sync"]);
    let lines = proxy.lines();
    assert_exit(&output, 1);
    assert!(
        lines
            .iter()
            .any(|l| l == "CONNECT okr-proxy-test.invalid:443 HTTP/1.1"),
        "{lines:?}"
    );
    assert!(
        stdout(&output).starts_with("web: unreachable: "),
        "{}",
        stdout(&output)
    );
    assert!(org.refs().is_empty());
}

/// okr is built without ssh: both of git's ways of writing an ssh URL say so and what to do,
/// where libgit2 says only "unsupported URL protocol".
#[test]
fn an_ssh_team_says_this_okr_has_no_ssh_and_what_to_do() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"ssh://git@127.0.0.1:9/acme/web.git\"\n\n\
         [[teams]]\nname = \"api\"\nurl = \"git@127.0.0.1:acme/api.git\"\n",
    );
    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 1);
    let why = "unreachable: this okr was built without ssh; use a local mirror or path (`git \
               clone --mirror`, then `url = \"path/to/mirror\"`)";
    assert_eq!(stdout(&output), format!("web: {why}\napi: {why}\n"));
    assert!(org.refs().is_empty());
}

#[test]
fn a_url_with_credentials_is_refused_before_any_fetch_and_never_printed() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"https://bob:ghp_SECRET123@github.com/acme/web\"\n",
    );
    for args in [
        &["org", "sync"][..],
        &["org", "check"],
        &["org", "check", "--format", "json"],
        &["org", "check", "--format", "github"],
    ] {
        let output = org.run(args);
        assert_exit(&output, 2);
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(all.contains("a URL with credentials"), "{args:?}: {all}");
        assert!(
            all.contains("okr-org.toml:6:7")
                || all.contains("\"line\": 6")
                || all.contains("line=6,col=7"),
            "{args:?}: {all}"
        );
        assert!(
            !all.contains("SECRET") && !all.contains("bob"),
            "{args:?}: {all}"
        );
    }
    assert!(org.refs().is_empty());
}

#[test]
fn bad_team_names_are_configuration_errors_and_outside_an_org_is_one_too() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"Web Team\"\nurl = \"a\"\n\n\
         [[teams]]\nname = \"x\"\nurl = \"b\"\n\n[[teams]]\nname = \"x\"\nurl = \"c\"\n",
    );
    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 2);
    assert_stderr_has(
        &output,
        "team name `Web Team` is not lowercase letters, digits and `-`",
    );
    assert_stderr_has(&output, "`web-team`");
    assert_stderr_has(&output, "team `x` is listed twice");
    assert_stderr_has(&output, "okr-org.toml has 2 problems");

    let elsewhere = tempfile::tempdir().unwrap();
    git_repo(elsewhere.path());
    let output = okr(elsewhere.path())
        .args(["org", "sync"])
        .output()
        .unwrap();
    no_panic(&output);
    assert_exit(&output, 2);
    assert_stderr_has(&output, "not an org repository: no okr-org.toml");
}

fn initiative(extra: &str) -> String {
    format!(
        "title = \"t\"\nproblem = \"p\"\nowner = \"o\"\ntags = [\"x\"]\nimpact = \"high\"\ncost = \"m\"\n{extra}"
    )
}

fn theme(parent: &str) -> String {
    format!("title = \"T\"\ntags = [\"x\"]\nparent = \"{parent}\"\n")
}

/// Three synced teams and one not synced: payments has an error of its own and a dependency on
/// web, web a misspelt parent, a dependency back on payments (a cycle across the two), one on a
/// missing initiative and one on a team the org does not have.
fn org_of_teams() -> Org {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n\
         [[teams]]\nname = \"payments\"\nurl = \"../teams/payments.git\"\n\n\
         [[teams]]\nname = \"web\"\nurl = \"../teams/web.git\"\n\n\
         [[teams]]\nname = \"search\"\nurl = \"../teams/search.git\"\n\n\
         [[teams]]\nname = \"mobile\"\nurl = \"../teams/mobile.git\"\n",
    );
    org.write(
        "objectives/reliability.toml",
        "title = \"Nothing pages twice\"\nowner = \"dana\"\n",
    );
    org.commit(
        "payments",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            ("themes/db.toml", &theme("reliability")),
            (
                "initiatives/upgrade-pg.toml",
                &initiative("depends_on = [\"web:cdn\"]\n"),
            ),
            (
                "initiatives/ledger.toml",
                &initiative("").replace("\"high\"", "\"hgh\""),
            ),
        ],
    );
    org.commit(
        "web",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            ("themes/edge.toml", &theme("reliablity")),
            (
                "initiatives/cdn.toml",
                &initiative("depends_on = [\"payments:upgrade-pg\"]\n"),
            ),
            (
                "initiatives/x.toml",
                &initiative("depends_on = [\"payments:upgrade-pgg\", \"ads:y\"]\n"),
            ),
        ],
    );
    org.commit(
        "search",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            ("themes/find.toml", &theme("reliability")),
            ("initiatives/index.toml", &initiative("")),
        ],
    );
    let synced = org.run(&["org", "sync", "payments", "web", "search"]);
    assert_exit(&synced, 0);
    org
}

#[test]
fn the_org_check_reports_each_teams_findings_and_the_rules_across_teams() {
    let org = org_of_teams();
    let output = org.run(&["org", "check", "--format", "json"]);
    assert_exit(&output, 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String, String, usize, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["team"].as_str().unwrap_or("").to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap() as usize,
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        (
            "",
            "okr-org.toml",
            "unsynced-team",
            17,
            "team `mobile` has not been synced: the org repository has no `refs/okr/teams/mobile`",
        ),
        (
            "payments",
            "initiatives/ledger.toml",
            "unknown-level",
            5,
            "unknown impact level `hgh`",
        ),
        (
            "payments",
            "initiatives/upgrade-pg.toml",
            "dependency-cycle",
            7,
            "dependency cycle across teams: `payments:upgrade-pg` → `web:cdn` → `payments:upgrade-pg`",
        ),
        (
            "web",
            "initiatives/x.toml",
            "unknown-dependency",
            7,
            "`x` depends on `payments:upgrade-pgg`, which does not exist",
        ),
        (
            "web",
            "initiatives/x.toml",
            "unknown-dependency",
            7,
            "`x` depends on `ads:y`, but the org has no team `ads`",
        ),
        (
            "web",
            "themes/edge.toml",
            "unknown-parent",
            3,
            "`parent` `reliablity` is no objective of the org",
        ),
    ];
    let expected: Vec<(String, String, String, usize, String)> = expected
        .iter()
        .map(|(t, f, r, l, m)| ((*t).into(), (*f).into(), (*r).into(), *l, (*m).into()))
        .collect();
    assert_eq!(found, expected);
    let helps: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["help"].as_str())
        .collect();
    assert!(helps.contains(&"run `okr org sync mobile`"), "{helps:?}");
    assert!(helps.contains(&"did you mean `reliability`?"), "{helps:?}");
    assert!(
        helps.contains(&"in team `payments`: did you mean `upgrade-pg`?"),
        "{helps:?}"
    );
    assert_eq!(report["errors"], 6);

    let human = org.run(&["org", "check"]);
    assert_exit(&human, 1);
    let out = stdout(&human);
    assert!(
        out.contains("payments: initiatives/ledger.toml:5:10"),
        "{out}"
    );
    assert!(out.contains("web: themes/edge.toml:3:10"), "{out}");
    assert!(out.contains("parent = \"reliablity\""), "{out}");
    assert!(
        out.contains("checked 3 teams of 4 and 1 objective: 6 errors, 0 warnings"),
        "{out}"
    );

    let github = org.run(&["org", "check", "--format", "github"]);
    assert_exit(&github, 1);
    let out = stdout(&github);
    assert!(
        out.contains(
            "::error title=okr unknown-parent in web::web: themes/edge.toml:3:10: `parent`"
        ),
        "{out}"
    );
    assert!(
        out.contains("::error file=okr-org.toml,line=17,col=8,"),
        "{out}"
    );
    for line in out
        .lines()
        .filter(|l| l.contains(" in payments::") || l.contains(" in web::"))
    {
        assert!(!line.contains("file="), "{line}");
    }
}

#[test]
fn a_team_with_a_broken_okr_toml_is_reported_and_the_rest_checked() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"a\"\nurl = \"../teams/a.git\"\n\n\
         [[teams]]\nname = \"b\"\nurl = \"../teams/b.git\"\n",
    );
    org.write("objectives/reliability.toml", "title = \"R\"\n");
    org.commit("a", "main", &[("okr.toml", "[team]\nnme = \"A\"\n")]);
    org.commit(
        "b",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            ("themes/t.toml", &theme("reliability")),
            (
                "initiatives/i.toml",
                &initiative("depends_on = [\"a:z\"]\n"),
            ),
        ],
    );
    assert_exit(&org.run(&["org", "sync"]), 0);
    let output = org.run(&["org", "check", "--format", "json"]);
    assert_exit(&output, 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["team"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
            )
        })
        .collect();
    // Team a's okr.toml is its finding; b's dependency on a cannot be checked without it.
    assert_eq!(
        found,
        [
            ("a", "okr.toml", "missing-field"),
            ("a", "okr.toml", "unknown-field"),
        ]
    );

    // Fixed and synced again: the check is clean.
    org.commit(
        "a",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            ("initiatives/z.toml", &initiative("")),
        ],
    );
    org.commit("a", "main", &[("themes/t.toml", &theme("reliability"))]);
    assert_exit(&org.run(&["org", "sync"]), 0);
    let clean = org.run(&["org", "check"]);
    assert_exit(&clean, 0);
    assert!(stdout(&clean).contains("checked 2 teams of 2 and 1 objective: 0 errors, 0 warnings"));
}

/// Teams fetched at once all write the org repository's `.git/shallow` under a lock: many at
/// once must all get through.
#[test]
fn many_teams_sync_at_once() {
    let mut config = String::from("[org]\nname = \"Acme\"\n");
    let org = Org::new("");
    let mut expected = String::new();
    for n in 0..24 {
        let name = format!("team-{n:02}");
        config.push_str(&format!(
            "\n[[teams]]\nname = \"{name}\"\nurl = \"../teams/{name}.git\"\n"
        ));
        let id = org.commit(&name, "main", &[("okr.toml", TEAM_OKR), ("n.txt", &name)]);
        expected.push_str(&format!("{name}: new {}\n", short(&id)));
    }
    org.write("okr-org.toml", &config);
    let output = org.run(&["org", "sync"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), expected);
    assert_eq!(org.refs().len(), 24);
}

/// A theme with tags `tags`, `extra` lines (parent, weight, check-in) and one key result at
/// `current` of 10.
fn rolled_theme(tags: &str, extra: &str, current: u32) -> String {
    format!(
        "title = \"Theme {tags}\"\ntags = [\"{tags}\"]\n{extra}\n\
         [[key_results]]\ntitle = \"k\"\nbaseline = 0\ntarget = 10\ncurrent = {current}\n"
    )
}

/// Four teams: payments and web read (payments with published documents), search with an
/// error finding, mobile never synced; two org objectives, `reliability` served by a theme of
/// payments (weight 2, half way, at risk) and one of web (done, on track), with a key result of
/// its own at 0.2; `growth` served by none. web has a theme whose parent is misspelt and
/// payments one with none; payments' `upgrade-pg` depends on web's `cdn`.
fn rolled_org() -> Org {
    let org = Org::new(
        "[org]\nname = \"Acme Engineering\"\nperiod = \"2026-Q1\"\n\n\
         [[teams]]\nname = \"payments\"\nurl = \"../teams/payments.git\"\n\
         docs = \"https://acme.example/payments/okrs/\"\n\n\
         [[teams]]\nname = \"web\"\nurl = \"../teams/web.git\"\n\n\
         [[teams]]\nname = \"search\"\nurl = \"../teams/search.git\"\n\n\
         [[teams]]\nname = \"mobile\"\nurl = \"../teams/mobile.git\"\n",
    );
    org.write(
        "objectives/reliability.toml",
        "title = \"Nothing pages twice\"\nwhy = \"Pages wake people | twice\"\nowner = \"dana\"\n\n\
         [[key_results]]\ntitle = \"Pages a week\"\nbaseline = 0\ntarget = 10\ncurrent = 2\n",
    );
    org.write(
        "objectives/growth.toml",
        "title = \"More teams pay\"\nowner = \"lee\"\ncommitment = \"aspirational\"\n\n\
         [checkin]\ndate = 2026-01-05\nhealth = \"on-track\"\nnote = \"Two teams | signed\"\n",
    );
    org.commit(
        "payments",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            (
                "themes/db.toml",
                &rolled_theme(
                    "x",
                    "parent = \"reliability\"\nweight = 2\n\n[checkin]\ndate = 2026-01-10\nhealth = \"at-risk\"\n",
                    5,
                ),
            ),
            ("themes/billing.toml", &rolled_theme("bill", "", 3)),
            (
                "initiatives/upgrade-pg.toml",
                &initiative("status = \"active\"\ndepends_on = [\"web:cdn\"]\n"),
            ),
            ("initiatives/ledger.toml", &initiative("cost = \"l\"\n").replace("cost = \"m\"\n", "")),
        ],
    );
    org.commit(
        "web",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            (
                "themes/edge.toml",
                &rolled_theme(
                    "x",
                    "parent = \"reliability\"\n\n[checkin]\ndate = 2026-01-12\nhealth = \"on-track\"\n",
                    10,
                ),
            ),
            (
                "themes/fast.toml",
                &rolled_theme("fast", "parent = \"reliablity\"\n", 0),
            ),
            (
                "initiatives/cdn.toml",
                &initiative("status = \"accepted\"\n"),
            ),
        ],
    );
    org.commit(
        "search",
        "main",
        &[
            ("okr.toml", TEAM_OKR),
            (
                "themes/find.toml",
                &rolled_theme("x", "parent = \"reliability\"\n", 9),
            ),
            (
                "initiatives/index.toml",
                &initiative("").replace("\"high\"", "\"hgh\""),
            ),
        ],
    );
    assert_exit(&org.run(&["org", "sync", "payments", "web", "search"]), 0);
    org
}

#[test]
fn org_themes_rolls_each_objective_up_from_the_themes_that_serve_it() {
    let org = rolled_org();
    let output = org.run(&["org", "themes", "--format", "json"]);
    assert_exit(&output, 0);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["name"], "Acme Engineering");
    assert_eq!(json["period"], "2026-Q1");
    let objectives = json["objectives"].as_array().unwrap();
    let ids: Vec<&str> = objectives
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["growth", "reliability"]);
    assert!(objectives[0]["progress"].is_null());
    // growth: no child and no key results, so no progress; its own check-in is its health.
    assert_eq!(objectives[0]["health"], "on-track");
    let reliability = &objectives[1];
    // (0.5 × 2 + 1.0 × 1 + its own 0.2 × 1) / 4; search, with an error, is left out.
    let progress = reliability["progress"].as_f64().unwrap();
    assert!((progress - 0.55).abs() < 1e-9, "{progress}");
    assert_eq!(reliability["health"], "at-risk");
    assert_eq!(reliability["teams"], serde_json::json!(["payments", "web"]));
    let children: Vec<(&str, &str, f64, &str)> = reliability["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["team"].as_str().unwrap(),
                c["theme"].as_str().unwrap(),
                c["weight"].as_f64().unwrap(),
                c["url"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        children,
        [
            (
                "payments",
                "db",
                2.0,
                "https://acme.example/payments/okrs/db.md"
            ),
            ("web", "edge", 1.0, "-"),
        ]
    );
    let unaligned: Vec<(&str, &str)> = json["unaligned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["team"].as_str().unwrap(), u["theme"].as_str().unwrap()))
        .collect();
    assert_eq!(unaligned, [("payments", "billing"), ("web", "fast")]);
    assert_eq!(
        json["dependencies"],
        serde_json::json!([{
            "from_team": "payments", "from": "upgrade-pg", "from_status": "active",
            "to_team": "web", "to": "cdn", "to_status": "accepted",
        }])
    );
    let read: Vec<(&str, bool)> = json["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["read"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        read,
        [
            ("payments", true),
            ("web", true),
            ("search", false),
            ("mobile", false)
        ]
    );

    let table = org.run(&["org", "themes"]);
    assert_exit(&table, 0);
    let out = stdout(&table);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "id           title                owner  progress  health      themes  teams",
            "growth       More teams pay       lee           -  ● on track       0  -",
            "reliability  Nothing pages twice  dana        55%  ▲ at risk        2  payments, web",
        ],
        "{out}"
    );
    assert!(out.contains("\nteam themes serving no org objective:\n  payments:billing\n  web:fast (unknown parent `reliablity`)\n"), "{out}");
    assert!(out.contains("\nteams not read:\n  search: 1 error finding in its files (see `okr org check`)\n  mobile: not synced: no `refs/okr/teams/mobile` (run `okr org sync mobile`)\n"), "{out}");
}

#[test]
fn org_list_shows_each_teams_ranked_initiatives_with_the_team() {
    let org = rolled_org();
    let table = org.run(&["org", "list"]);
    assert_exit(&table, 0);
    let out = stdout(&table);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    let first = |row: &Vec<&str>| row[..3].join(" ");
    assert_eq!(
        rows.iter().map(first).collect::<Vec<_>>(),
        [
            "team rank id",
            "payments 1 upgrade-pg",
            "payments 2 ledger",
            "web 1 cdn",
        ],
        "{out}"
    );
    assert!(out.contains("teams not read:\n  search:"), "{out}");

    let json = org.run(&["org", "list", "--format", "json"]);
    assert_exit(&json, 0);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let found: Vec<(&str, &str, u64, &str)> = json["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["team"].as_str().unwrap(),
                i["id"].as_str().unwrap(),
                i["rank"].as_u64().unwrap(),
                i["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("payments", "upgrade-pg", 1, "active"),
            ("payments", "ledger", 2, "proposed"),
            ("web", "cdn", 1, "accepted"),
        ]
    );
    assert_eq!(json["teams"][3]["name"], "mobile");
    assert_eq!(json["teams"][3]["read"], false);
}

#[test]
fn org_render_writes_the_overview_and_one_document_per_objective() {
    let org = rolled_org();
    let output = org.run(&["org", "render"]);
    assert_exit(&output, 0);
    assert_stderr_has(&output, "rendered 3 documents into");
    assert_stderr_has(
        &output,
        "note: 2 teams could not be read and are marked in README.md",
    );
    let dir = org.root().join("okrs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["README.md", "growth.md", "reliability.md"]);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (readme, reliability) = (read("README.md"), read("reliability.md"));
    insta::assert_snapshot!("org_readme", readme);
    insta::assert_snapshot!("org_reliability", reliability);
    insta::assert_snapshot!("org_growth", read("growth.md"));

    // The same teams render the same bytes, and nothing needs writing again.
    let again = org.run(&["org", "render"]);
    assert_exit(&again, 0);
    assert_eq!(read("README.md"), readme);
    assert_eq!(read("reliability.md"), reliability);

    // An objective that is gone takes its document with it; --out writes elsewhere.
    std::fs::remove_file(org.root().join("objectives/growth.toml")).unwrap();
    let gone = org.run(&["org", "render"]);
    assert_exit(&gone, 0);
    assert_stderr_has(&gone, "removed growth.md: its objective is gone");
    assert!(!dir.join("growth.md").exists());
    let out = org.dir.path().join("site");
    let elsewhere = org.run(&["org", "render", "--out", out.to_str().unwrap()]);
    assert_exit(&elsewhere, 0);
    assert!(out.join("reliability.md").exists());
}

/// `okr org publish` commits what `okr org render` writes to a branch, from git objects alone:
/// no folder of documents appears, HEAD and the index stay as they are, and publishing the same
/// documents again makes no commit.
#[test]
fn org_publish_commits_the_rendered_documents_to_a_branch_and_nothing_else() {
    let org = rolled_org();
    // The org's own files committed on its main branch, so HEAD and the index have something
    // to keep.
    let git = git2::Repository::open(org.root()).unwrap();
    let head = common::commit(&git, "Test", common::START, "org files");
    let head_name = git.head().unwrap().name().unwrap().to_owned();
    let status = |git: &git2::Repository| -> Vec<(String, git2::Status)> {
        let mut options = git2::StatusOptions::new();
        options.include_untracked(true);
        git.statuses(Some(&mut options))
            .unwrap()
            .iter()
            .map(|e| (e.path().unwrap().to_owned(), e.status()))
            .collect()
    };
    assert_eq!(status(&git), []);
    let index = std::fs::read(org.root().join(".git/index")).unwrap();

    let output = org.run(&["org", "publish", "--branch", "okr-docs", "-m", "Docs"]);
    assert_exit(&output, 0);
    assert_stderr_has(&output, "published 3 documents to `okr-docs`");
    let published = stdout(&output).trim().to_owned();
    let tip = git.refname_to_id("refs/heads/okr-docs").unwrap();
    assert_eq!(published, tip.to_string());
    let commit = git.find_commit(tip).unwrap();
    assert_eq!(commit.message().unwrap(), "Docs");
    assert_eq!(commit.parent_count(), 0);

    // The branch holds exactly what `okr org render` writes, byte for byte.
    let out = org.dir.path().join("rendered");
    assert_exit(
        &org.run(&["org", "render", "--out", out.to_str().unwrap()]),
        0,
    );
    let tree = commit.tree().unwrap();
    let mut names: Vec<String> = tree.iter().map(|e| e.name().unwrap().to_owned()).collect();
    names.sort();
    assert_eq!(names, ["README.md", "growth.md", "reliability.md"]);
    for name in &names {
        assert_eq!(
            org.published("okr-docs", name).as_bytes(),
            std::fs::read(out.join(name)).unwrap(),
            "{name}"
        );
    }

    // Nothing else moved: HEAD, its branch, the index, the working tree (no `okrs/`).
    assert_eq!(git.head().unwrap().name().unwrap(), head_name);
    assert_eq!(git.head().unwrap().target(), Some(head));
    assert_eq!(std::fs::read(org.root().join(".git/index")).unwrap(), index);
    assert!(!org.root().join("okrs").exists());
    assert_eq!(status(&git), []);

    // The same documents again: no commit.
    let again = org.run(&["org", "publish", "--branch", "okr-docs"]);
    assert_exit(&again, 0);
    assert_stderr_has(
        &again,
        "`okr-docs` already has these documents; no commit made",
    );
    assert_eq!(stdout(&again).trim(), published);
    assert_eq!(git.refname_to_id("refs/heads/okr-docs").unwrap(), tip);

    // A change to the org's objectives is a new commit on top of the last.
    std::fs::remove_file(org.root().join("objectives/growth.toml")).unwrap();
    let changed = org.run(&["org", "publish", "--branch", "okr-docs"]);
    assert_exit(&changed, 0);
    assert_stderr_has(&changed, "published 2 documents to `okr-docs`");
    let next = git.refname_to_id("refs/heads/okr-docs").unwrap();
    let next = git.find_commit(next).unwrap();
    assert_eq!(next.parent_ids().collect::<Vec<_>>(), [tip]);
    assert!(next.tree().unwrap().get_name("growth.md").is_none());
    assert_eq!(git.head().unwrap().target(), Some(head));

    // The branch HEAD has checked out is refused, as for a team.
    let branch = git.head().unwrap().shorthand().unwrap().to_owned();
    let refused = org.run(&["org", "publish", "--branch", &branch]);
    assert_exit(&refused, 2);
    assert_stderr_has(&refused, "is checked out in the main worktree");
    assert_eq!(git.head().unwrap().target(), Some(head));
}

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

/// The benchmarks' org generator writes an org whose teams sync and check clean, whose themes
/// name its objectives and whose initiatives depend on other teams' that exist; the same
/// arguments give the same repositories.
#[test]
fn a_generated_org_syncs_and_checks_clean_and_is_the_same_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    synthetic::generate_org(&a, 4, 40, 3);
    synthetic::generate_org(&b, 4, 40, 3);
    let head = |repo: &Path| {
        let repo = git2::Repository::open(repo).unwrap();
        repo.refname_to_id("refs/heads/main").unwrap()
    };
    assert_eq!(head(&a.join("org")), head(&b.join("org")));
    for t in 0..4 {
        let team = format!("teams/{}.git", synthetic::team_name(t));
        assert_eq!(head(&a.join(&team)), head(&b.join(&team)), "{team}");
    }
    let org = a.join("org");
    assert_exit(&okr(&org).args(["org", "sync"]).output().unwrap(), 0);
    let output = okr(&org).args(["org", "check"]).output().unwrap();
    assert_exit(&output, 0);
    assert!(stdout(&output).contains("checked 4 teams of 4 and 3 objectives: 0 errors"));

    // Without team-0000 and one objective, what pointed at them is found.
    let config = std::fs::read_to_string(org.join("okr-org.toml")).unwrap();
    let first = "\n[[teams]]\nname = \"team-0000\"\nurl = \"../teams/team-0000.git\"\n";
    assert!(config.contains(first));
    std::fs::write(org.join("okr-org.toml"), config.replace(first, "")).unwrap();
    std::fs::remove_file(org.join("objectives/objective-1.toml")).unwrap();
    let output = okr(&org)
        .args(["org", "check", "--format", "json"])
        .output()
        .unwrap();
    assert_exit(&output, 1);
    let out = stdout(&output);
    assert!(out.matches("\"unknown-dependency\"").count() >= 2, "{out}");
    assert!(out.contains("\"unknown-parent\""), "{out}");
}

/// The generator's `--advance` moves every team of a generated org by one commit that changes
/// the initiatives it names, the same way every time; after a sync the org still checks clean
/// and `okr org diff HEAD` shows each team moved with those initiatives changed.
#[test]
fn a_generated_org_advances_every_team_the_same_way_and_org_diff_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    synthetic::generate_org(&a, 3, 40, 2);
    synthetic::generate_org(&b, 3, 40, 2);
    let org = a.join("org");
    assert_exit(&okr(&org).args(["org", "sync"]).output().unwrap(), 0);
    let git = git2::Repository::open(&org).unwrap();
    common::commit(&git, "Test", common::START, "Record the first sync");
    let head = |repo: &Path| {
        let repo = git2::Repository::open(repo).unwrap();
        repo.refname_to_id("refs/heads/main").unwrap()
    };
    let teams: Vec<String> = (0..3)
        .map(|t| format!("teams/{}.git", synthetic::team_name(t)))
        .collect();
    let before: Vec<git2::Oid> = teams.iter().map(|team| head(&a.join(team))).collect();

    let moved = synthetic::advance_org(&a, 3);
    assert_eq!(moved, synthetic::advance_org(&b, 3));
    assert_eq!(moved.len(), 3);
    for (t, team) in teams.iter().enumerate() {
        let after = head(&a.join(team));
        assert_eq!(after, head(&b.join(team)), "{team}");
        let repo = git2::Repository::open(a.join(team)).unwrap();
        assert_eq!(
            repo.find_commit(after).unwrap().parent_id(0).unwrap(),
            before[t]
        );
        assert_eq!(moved[t].0, synthetic::team_name(t));
        assert_eq!(moved[t].1.len(), 3, "{:?}", moved[t]);
    }

    assert_exit(&okr(&org).args(["org", "sync"]).output().unwrap(), 0);
    let check = okr(&org).args(["org", "check"]).output().unwrap();
    assert_exit(&check, 0);
    let output = okr(&org)
        .args(["org", "diff", "HEAD", "--format", "json"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let changes = json["teams"].as_array().unwrap();
    assert_eq!(changes.len(), 3, "{json}");
    for ((name, ids), change) in moved.iter().zip(changes) {
        assert_eq!(change["team"], name.as_str());
        let changed: Vec<&str> = change["diff"]["changed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        for id in ids {
            assert!(
                changed.contains(&id.as_str()),
                "{name}: {id} in {changed:?}"
            );
        }
    }

    // Moved again, other initiatives change.
    let again = synthetic::advance_org(&a, 3);
    assert_ne!(again, moved);
}

/// A shallow clone of the org repository (actions/checkout's default) stays one after a sync:
/// libgit2 rewrites `.git/shallow` on every download, and without it git takes the clone for a
/// whole history whose first commit's parents are missing (`git log` fails).
#[test]
fn a_sync_in_a_shallow_clone_leaves_it_shallow() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"../../teams/web.git\"\n",
    );
    org.commit("web", "main", &[("okr.toml", TEAM_OKR)]);
    let git = git_repo(&org.root());
    common::commit(&git, "Test", common::START, "Start the org");
    org.write("objectives/o.toml", "title = \"O\"\n");
    common::commit(&git, "Test", common::START + 60, "Add an objective");
    let clones = org.dir.path().join("clones");
    std::fs::create_dir_all(&clones).unwrap();
    let url = file_url(&org.root());
    common::git_cli(&clones, &["clone", "-q", "--depth", "1", &url, "org"]);
    let clone = clones.join("org");
    let shallow = std::fs::read(clone.join(".git/shallow")).unwrap();

    let output = okr(&clone).args(["org", "sync"]).output().unwrap();
    no_panic(&output);
    assert_exit(&output, 0);
    assert_eq!(std::fs::read(clone.join(".git/shallow")).unwrap(), shallow);
    // git still reads the history: one commit, its parent beyond the clone's depth.
    assert_eq!(
        common::git_cli(&clone, &["log", "--format=%s"]),
        "Add an objective"
    );
}

/// A `FETCH_HEAD` that git wrote before the sync is left as it was: libgit2 empties it on every
/// fetch, and `okr org sync` writes only the teams' refs.
#[test]
fn a_sync_leaves_git_s_fetch_head_as_it_was() {
    let org = Org::new(
        "[org]\nname = \"Acme\"\n\n[[teams]]\nname = \"web\"\nurl = \"../teams/web.git\"\n",
    );
    org.commit("web", "main", &[("okr.toml", TEAM_OKR)]);
    let fetch_head = org.root().join(".git/FETCH_HEAD");
    let text = format!("{}\t\tbranch 'main' of ../elsewhere\n", "a".repeat(40));
    std::fs::write(&fetch_head, &text).unwrap();
    assert_exit(&org.run(&["org", "sync"]), 0);
    assert_eq!(std::fs::read_to_string(&fetch_head).unwrap(), text);
}
