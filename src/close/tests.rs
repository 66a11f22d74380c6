use super::*;

fn numeric(baseline: f64, target: f64, current: f64) -> KeyResult {
    KeyResult::numeric(baseline, target, current)
}

fn milestone(done: bool) -> KeyResult {
    KeyResult::milestone(done)
}

fn initiative(status: Status, key_results: Vec<KeyResult>) -> Initiative {
    Initiative {
        status,
        key_results,
        closed: Vec::new(),
        ..Initiative::example()
    }
}

#[test]
fn key_results_grade_by_their_progress_to_one_decimal() {
    // 30 of 70 ms below the baseline: 0.43 rounds to 0.4.
    assert_eq!(key_result_grade(&numeric(120.0, 50.0, 90.0)), 0.4);
    assert_eq!(key_result_grade(&numeric(0.0, 100.0, 65.0)), 0.7);
    assert_eq!(key_result_grade(&numeric(0.0, 100.0, 64.0)), 0.6);
    assert_eq!(key_result_grade(&numeric(0.0, 10.0, 12.0)), 1.0);
    assert_eq!(key_result_grade(&numeric(0.0, 10.0, -2.0)), 0.0);
    assert_eq!(key_result_grade(&milestone(true)), 1.0);
    assert_eq!(key_result_grade(&milestone(false)), 0.0);
}

#[test]
fn an_initiative_grades_by_its_key_results_or_its_status() {
    // The mean of the grades (0.4 and 1.0), not of the progress.
    let both = vec![numeric(120.0, 50.0, 90.0), milestone(true)];
    assert_eq!(
        initiative_grade(&initiative(Status::Active, both)),
        Some(0.7)
    );
    assert_eq!(
        initiative_grade(&initiative(Status::Done, vec![])),
        Some(1.0)
    );
    for open in [Status::Proposed, Status::Accepted, Status::Active] {
        assert_eq!(initiative_grade(&initiative(open, vec![])), Some(0.0));
    }
    let measured = vec![numeric(0.0, 10.0, 5.0)];
    assert_eq!(
        initiative_grade(&initiative(Status::Dropped, measured)),
        None
    );
    // Done with key results still grades by them.
    let half = vec![numeric(0.0, 10.0, 5.0)];
    assert_eq!(initiative_grade(&initiative(Status::Done, half)), Some(0.5));
}

#[test]
fn outcomes_follow_what_the_commitment_expects() {
    let committed = Commitment::Committed.success();
    let aspirational = Commitment::Aspirational.success();
    assert_eq!(outcome(Some(1.0), committed), Outcome::Achieved);
    assert_eq!(outcome(Some(0.9), committed), Outcome::Partial);
    assert_eq!(outcome(Some(0.7), aspirational), Outcome::Achieved);
    assert_eq!(outcome(Some(0.6), aspirational), Outcome::Partial);
    assert_eq!(outcome(Some(0.4), committed), Outcome::Partial);
    assert_eq!(outcome(Some(0.3), committed), Outcome::Missed);
    assert_eq!(outcome(Some(0.0), aspirational), Outcome::Missed);
    assert_eq!(outcome(None, committed), Outcome::Dropped);
    // 0.1 * 7 is 0.7000000000000001 and 0.1 * 3 * 10 / 10 may land below 0.3: rounding noise
    // never changes an outcome.
    assert_eq!(
        outcome(Some(round(0.1 * 7.0)), aspirational),
        Outcome::Achieved
    );
    assert_eq!(
        outcome(Some(round(0.4 - 1e-12)), committed),
        Outcome::Partial
    );
}

#[test]
fn short_objectives_are_those_below_their_commitment() {
    let graded = |commitment: Option<Commitment>, grade: Option<f64>| Graded {
        kind: Kind::Theme,
        id: "t".into(),
        title: "T".into(),
        file: "themes/t.toml".into(),
        owner: None,
        commitment,
        grade,
        outcome: Outcome::Partial,
        recorded: true,
        next: None,
    };
    assert!(graded(Some(Commitment::Committed), Some(0.9)).short());
    assert!(!graded(Some(Commitment::Committed), Some(1.0)).short());
    assert!(graded(Some(Commitment::Aspirational), Some(0.6)).short());
    assert!(!graded(Some(Commitment::Aspirational), Some(0.7)).short());
    // Initiatives are not objectives.
    assert!(!graded(None, Some(0.0)).short());
    assert!(!graded(Some(Commitment::Committed), None).short());
}

#[test]
fn periods_lie_within_others_and_follow_each_other() {
    let p = |text: &str| Period::parse(text).unwrap();
    assert!(p("2026-Q1").within(p("2026-Q1")));
    assert!(p("2026-Q2").within(p("2026-H1")));
    assert!(p("2026-Q3").within(p("2026")));
    assert!(!p("2026-Q3").within(p("2026-H1")));
    assert!(!p("2026").within(p("2026-Q1")));
    assert!(!p("2026-H2").within(p("2026-Q4")));
    assert_eq!(p("2026-Q1").following(), p("2026-Q2"));
    assert_eq!(p("2026-Q4").following(), p("2027-Q1"));
    assert_eq!(p("2026-H1").following(), p("2026-H2"));
    assert_eq!(p("2026-H2").following(), p("2027-H1"));
    assert_eq!(p("2026").following(), p("2027"));
}

fn edited(text: &str, change: impl FnOnce(&mut Edited)) -> String {
    let mut edited = Edited::new("a.toml", &mut |_: &str| Some(text.to_owned())).unwrap();
    change(&mut edited);
    let mut edits = BTreeMap::new();
    edited.finish(&mut edits);
    edits.remove("a.toml").unwrap_or_else(|| text.to_owned())
}

#[test]
fn a_record_is_appended_with_comments_and_earlier_records_kept() {
    let text = "\u{feff}title = \"T\" # the title\nperiod = \"2026-Q1\"\n\n[[key_results]]\n\
                title = \"k\"\ndone = false\n\n[[closed]]\nperiod = \"2025-Q4\"\ngrade = 0.5\n\
                outcome = \"partial\"\nlearned = \"Smaller steps.\" # kept\n\n# the end\n";
    let after = edited(text, |e| {
        e.append("2026-Q1", Some(0.0), Outcome::Missed);
        e.set("period", Value::from("2026-Q2"));
    });
    assert_eq!(
        after,
        "\u{feff}title = \"T\" # the title\nperiod = \"2026-Q2\"\n\n[[key_results]]\n\
         title = \"k\"\ndone = false\n\n[[closed]]\nperiod = \"2025-Q4\"\ngrade = 0.5\n\
         outcome = \"partial\"\nlearned = \"Smaller steps.\" # kept\n\n# the end\n\n\
         [[closed]]\nperiod = \"2026-Q1\"\ngrade = 0.0\noutcome = \"missed\"\nlearned = \"\"\n"
    );
}

#[test]
fn dropped_work_is_recorded_without_a_grade_and_a_new_status_goes_in_its_place() {
    let text = "title = \"T\"\nowner = \"o\"\ntags = [\"x\"]\nperiod = \"2026-Q1\"\n";
    let after = edited(text, |e| {
        e.append("2026-Q1", None, Outcome::Dropped);
        e.set("status", Value::from("dropped"));
    });
    assert_eq!(
        after,
        "title = \"T\"\nowner = \"o\"\ntags = [\"x\"]\nstatus = \"dropped\"\nperiod = \"2026-Q1\"\n\n\
         [[closed]]\nperiod = \"2026-Q1\"\noutcome = \"dropped\"\nlearned = \"\"\n"
    );
}

#[test]
fn the_team_period_moves_once() {
    let text =
        "# team\n[team]\nname = \"P\" # us\nperiod = \"2026-Q1\"\n\n[rules]\nstale = \"off\"\n";
    let next = Period::parse("2026-Q2").unwrap();
    let after = set_team_period(text, next).unwrap().unwrap();
    assert_eq!(after, text.replace("2026-Q1", "2026-Q2"));
    assert_eq!(set_team_period(&after, next).unwrap(), None);
    let without = "[team]\nname = \"P\"\n\n[rules]\n";
    assert_eq!(
        set_team_period(without, next).unwrap().unwrap(),
        "[team]\nname = \"P\"\nperiod = \"2026-Q2\"\n\n[rules]\n"
    );
    let inline = "team = { name = \"P\", period = \"2026-Q1\" } # us\n";
    assert_eq!(
        set_team_period(inline, next).unwrap().unwrap(),
        "team = { name = \"P\", period = \"2026-Q2\" } # us\n"
    );
    assert!(matches!(
        set_team_period("name = 1\n", next),
        Err(CloseError::Unreadable { .. })
    ));
}

#[test]
fn the_work_of_a_period_lies_in_it_and_was_not_closed_before() {
    let q1 = Period::parse("2026-Q1").unwrap();
    let with = |period: Option<&str>, status: Status, closed: &[&str]| Initiative {
        period: period.map(Into::into),
        status,
        closed: closed
            .iter()
            .map(|p| Closed {
                period: (*p).into(),
                grade: Some(1.0),
                outcome: Outcome::Achieved,
                learned: String::new(),
            })
            .collect(),
        ..Initiative::example()
    };
    assert!(of_period(&with(Some("2026-Q1"), Status::Active, &[]), q1));
    assert!(of_period(
        &with(Some("2026-Q1"), Status::Done, &["2025-Q4"]),
        q1
    ));
    assert!(!of_period(&with(Some("2026"), Status::Active, &[]), q1));
    assert!(!of_period(&with(Some("2025-Q4"), Status::Active, &[]), q1));
    // Without a period, work belongs to every period until it is closed.
    assert!(of_period(&with(None, Status::Active, &["2025-Q4"]), q1));
    assert!(of_period(&with(None, Status::Done, &[]), q1));
    assert!(of_period(&with(None, Status::Done, &["2026-Q1"]), q1));
    assert!(!of_period(&with(None, Status::Done, &["2025-Q4"]), q1));
    assert!(!of_period(&with(None, Status::Dropped, &["2025-Q4"]), q1));
}

#[test]
fn inline_records_get_one_more_inline_and_line_endings_are_kept() {
    let text =
        "title = \"T\"\r\nclosed = [{ period = \"2025-Q4\", outcome = \"dropped\" }]\r\n# end\r\n";
    let after = edited(text, |e| e.append("2026-Q1", Some(0.5), Outcome::Partial));
    assert_eq!(
        after,
        "title = \"T\"\r\nclosed = [{ period = \"2025-Q4\", outcome = \"dropped\" }, { period = \
         \"2026-Q1\", grade = 0.5, outcome = \"partial\", learned = \"\" }]\r\n# end\r\n"
    );
    let text = "title = \"T\"\r\n\r\n# end\r\n";
    let after = edited(text, |e| e.append("2026-Q1", None, Outcome::Dropped));
    assert_eq!(
        after,
        "title = \"T\"\r\n\r\n# end\r\n\r\n[[closed]]\r\nperiod = \"2026-Q1\"\r\n\
         outcome = \"dropped\"\r\nlearned = \"\"\r\n"
    );
}

/// A portfolio of `initiatives` and `themes`, and the text every file has for the plan.
fn plan_of(
    initiatives: Vec<Initiative>,
    themes: Vec<Theme>,
    current: Option<&str>,
    period: &str,
) -> Result<Plan, CloseError> {
    let portfolio = Portfolio::of(
        &crate::config::Config::default(),
        initiatives
            .into_iter()
            .map(crate::portfolio::Ranked::from)
            .collect(),
        themes,
    )
    .unwrap();
    let request = Request {
        period: Period::parse(period).unwrap(),
        next: None,
        carry: &[],
    };
    plan(
        &portfolio,
        current.and_then(Period::parse),
        &request,
        |_: &str| Some("title = \"T\"\n".to_owned()),
    )
}

#[test]
fn a_period_is_known_by_the_team_by_planned_work_or_by_a_record() {
    let timeless = Initiative {
        period: None,
        closed: Vec::new(),
        ..Initiative::example()
    };
    // The team's period, with only work that has no period.
    assert!(plan_of(vec![timeless.clone()], vec![], Some("2026-Q1"), "2026-Q1").is_ok());
    assert!(matches!(
        plan_of(vec![timeless.clone()], vec![], Some("2026-Q2"), "2026-Q1"),
        Err(CloseError::UnknownPeriod { .. })
    ));
    // Work planned in it, whatever the team's period.
    let planned = Initiative {
        closed: Vec::new(),
        ..Initiative::example()
    };
    assert!(plan_of(vec![planned], vec![], None, "2026-Q1").is_ok());
    // A theme's record of it, with nothing planned.
    let theme = Theme {
        closed: vec![Closed {
            period: "2026-Q1".into(),
            grade: Some(0.5),
            outcome: Outcome::Partial,
            learned: String::new(),
        }],
        ..Theme::example("t")
    };
    let plan = plan_of(vec![timeless], vec![theme], None, "2026-Q1").unwrap();
    // Its record is there already: shown, not written again.
    assert_eq!(plan.graded[0].id, "t");
    assert!(!plan.graded[0].recorded);
    assert!(!plan.edits.contains_key("themes/t.toml"));
}

#[test]
fn a_theme_without_key_results_grades_as_its_graded_members() {
    let theme = Theme::example("t");
    let members = [
        "a".to_owned(),
        "b".to_owned(),
        "c".to_owned(),
        "d".to_owned(),
    ];
    let grades = BTreeMap::from([
        ("a", Some(1.0)),
        ("b", Some(0.0)),
        ("c", Some(0.0)),
        ("d", None),
    ]);
    // Dropped work (no grade) does not count: (1.0 + 0 + 0) / 3 rounds to 0.3.
    assert_eq!(theme_grade(&theme, &members, &grades), Some(0.3));
    assert_eq!(theme_grade(&theme, &members[3..], &grades), None);
    // Its own key results come first.
    let measured = Theme {
        key_results: vec![milestone(true)],
        ..Theme::example("t")
    };
    assert_eq!(theme_grade(&measured, &members, &grades), Some(1.0));
}

#[test]
fn a_carry_of_work_closed_since_the_close_carried_it_is_no_error() {
    let record = Closed {
        period: "2026-Q1".into(),
        grade: Some(0.5),
        outcome: Outcome::Partial,
        learned: String::new(),
    };
    let done_since = Initiative {
        status: Status::Done,
        closed: vec![record],
        ..Initiative::example()
    };
    let done_before = Initiative {
        status: Status::Done,
        closed: Vec::new(),
        ..Initiative::example()
    };
    let carry = ["a".to_owned()];
    let request = Request {
        period: Period::parse("2026-Q1").unwrap(),
        next: Period::parse("2026-Q2"),
        carry: &carry,
    };
    assert_eq!(check_carry(&[&done_since], &request), Ok(()));
    assert!(matches!(
        check_carry(&[&done_before], &request),
        Err(CloseError::Carry { .. })
    ));
}
