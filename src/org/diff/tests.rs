use super::*;

fn empty() -> OrgDiff {
    OrgDiff {
        base: "a".into(),
        head: "b".into(),
        objectives_added: Vec::new(),
        objectives_removed: Vec::new(),
        objectives_changed: Vec::new(),
        unaligned_added: Vec::new(),
        unaligned_removed: Vec::new(),
        dependencies_added: Vec::new(),
        dependencies_removed: Vec::new(),
        dependencies_changed: Vec::new(),
        teams: Vec::new(),
    }
}

#[test]
fn any_one_change_is_a_change_and_the_summary_counts_it() {
    let entry = ObjectiveEntry {
        id: "o".into(),
        title: "O".into(),
        progress: None,
        health: None,
        teams: Vec::new(),
    };
    let unaligned = Unaligned {
        team: "web".into(),
        theme: "t".into(),
        title: "T".into(),
        parent: None,
        url: None,
    };
    let dependency = Dependency {
        from_team: "web".into(),
        from: "a".into(),
        from_status: Status::Active,
        to_team: "api".into(),
        to: "b".into(),
        to_status: None,
    };
    let team = TeamChange {
        team: "web".into(),
        listed: Move {
            before: false,
            after: true,
        },
        commit: Move {
            before: None,
            after: None,
        },
        problem: Move {
            before: None,
            after: None,
        },
        diff: None,
    };
    let change = ObjectiveChange {
        id: "o".into(),
        title: "O".into(),
        changes: Vec::new(),
        progress: Move {
            before: None,
            after: Some(0.5),
        },
        health: Move {
            before: None,
            after: None,
        },
        joined: Vec::new(),
        left: Vec::new(),
    };
    let moved = DependencyChange {
        from_team: "web".into(),
        from: "a".into(),
        to_team: "api".into(),
        to: "b".into(),
        from_status: Move {
            before: Status::Active,
            after: Status::Done,
        },
        to_status: Move {
            before: None,
            after: None,
        },
    };
    type Make = Box<dyn Fn(&mut OrgDiff)>;
    let cases: Vec<(Make, &str)> = vec![
        (
            Box::new(|_| {}),
            "no change to the org's objectives or teams",
        ),
        (
            Box::new(move |d| d.objectives_added.push(entry.clone())),
            "1 objective added",
        ),
        (
            Box::new(|d| {
                d.objectives_removed.push(ObjectiveEntry {
                    id: "gone".into(),
                    title: "Gone".into(),
                    progress: None,
                    health: None,
                    teams: Vec::new(),
                })
            }),
            "1 objective removed",
        ),
        (
            Box::new(move |d| d.objectives_changed.push(change.clone())),
            "1 objective changed",
        ),
        (
            Box::new({
                let unaligned = unaligned.clone();
                move |d| d.unaligned_added.push(unaligned.clone())
            }),
            "1 team theme newly unaligned",
        ),
        (
            Box::new(move |d| d.unaligned_removed.push(unaligned.clone())),
            "1 team theme no longer unaligned",
        ),
        (
            Box::new({
                let dependency = dependency.clone();
                move |d| d.dependencies_added.push(dependency.clone())
            }),
            "1 dependency change",
        ),
        (
            Box::new(move |d| d.dependencies_removed.push(dependency.clone())),
            "1 dependency change",
        ),
        (
            Box::new(move |d| d.dependencies_changed.push(moved.clone())),
            "1 dependency change",
        ),
        (
            Box::new(move |d| d.teams.push(team.clone())),
            "1 team changed",
        ),
    ];
    for (index, (make, summary)) in cases.into_iter().enumerate() {
        let mut diff = empty();
        make(&mut diff);
        assert_eq!(diff.is_empty(), index == 0, "{summary}");
        assert_eq!(diff.summary(), summary);
    }
}

/// An org of one objective `o` (title `O`, half way, on track, served by none), as `edit`
/// leaves it.
fn rollup(edit: impl FnOnce(&mut ObjectiveRollup)) -> Rollup {
    let mut objective = ObjectiveRollup {
        objective: crate::model::Objective {
            id: "o".into(),
            file: "objectives/o.toml".into(),
            title: "O".into(),
            why: None,
            owner: None,
            commitment: crate::model::Commitment::Committed,
            checkin: None,
            key_results: Vec::new(),
        },
        own_progress: None,
        progress: Some(0.5),
        health: Some(Health::OnTrack),
        children: Vec::new(),
    };
    edit(&mut objective);
    Rollup {
        name: "Acme".into(),
        period: None,
        teams: Vec::new(),
        objectives: vec![objective],
        unaligned: Vec::new(),
        dependencies: Vec::new(),
    }
}

fn child(team: &str) -> rollup::Child {
    rollup::Child {
        team: team.into(),
        theme: "t".into(),
        title: "T".into(),
        owner: None,
        weight: 1.0,
        rank: 1,
        progress: None,
        health: None,
        url: None,
    }
}

#[test]
fn an_objective_changed_in_any_one_way_alone_is_changed() {
    let base = rollup(|_| {});
    let counted = |_: &str| true;
    let changed = |head: Rollup| objectives(&base, &head, &counted).2;
    assert!(changed(rollup(|_| {})).is_empty());
    // Less than half a percent is no move a reader sees.
    assert!(changed(rollup(|o| o.progress = Some(0.504))).is_empty());
    assert_eq!(changed(rollup(|o| o.progress = Some(0.51))).len(), 1);
    assert_eq!(changed(rollup(|o| o.health = None)).len(), 1);
    let retitled = changed(rollup(|o| o.objective.title = "P".into()));
    assert_eq!(retitled[0].changes[0].field, "title");
    let joined = changed(rollup(|o| o.children.push(child("web"))));
    assert_eq!(joined[0].joined[0].team, "web");
    assert!(joined[0].left.is_empty());
    let base = rollup(|o| o.children.push(child("web")));
    let left = objectives(&base, &rollup(|_| {}), &counted).2;
    assert_eq!(left[0].left[0].team, "web");
    // A team read on one side only joins or leaves nothing.
    let skipped = objectives(&base, &rollup(|_| {}), &|team: &str| team != "web").2;
    assert!(skipped.is_empty());
}
