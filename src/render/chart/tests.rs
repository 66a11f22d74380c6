use super::*;

fn item(rank: i64, impact: f64, cost: f64, status: &str) -> Value {
    minijinja::context! {
        rank => rank,
        title => "quadrant-1 x-axis --> \"y\" and a long title",
        impact_value => impact,
        cost_value => cost,
        status => status,
    }
}

/// The points of a quadrant chart as it is written: each label and its coordinates.
fn points(chart: &str) -> Vec<(String, f64, f64)> {
    chart
        .lines()
        .skip(7)
        .map(|line| {
            let line = line.trim();
            assert!(line.starts_with('"'), "{line}");
            let (label, at) = line[1..].split_once("\": [").expect(line);
            let (x, y) = at.trim_end_matches(']').split_once(", ").expect(line);
            let (x, y): (f64, f64) = (x.parse().expect(line), y.parse().expect(line));
            assert!((0.0..1.0).contains(&x) && (0.0..1.0).contains(&y), "{line}");
            (label.to_owned(), x, y)
        })
        .collect()
}

/// Each label's box as mermaid 11 draws it at its default size, from its own numbers, not the
/// chart's: a 500 by 500 chart with the y-axis labels on the left and the x-axis labels at the
/// bottom (5 px padding twice and 16 px text each) leaves a 464 px square plot at (31, 5); a
/// label hangs 5 px (`pointTextPadding`) below its point's centre, centred on it, 12 px text
/// (`pointLabelFontSize`) that is 14 px high and at most 8 px a digit. 1 px of margin round
/// each box covers the written coordinates' rounding (a thousandth is 0.46 px).
fn label_boxes(chart: &str) -> Vec<(String, [f64; 4], (f64, f64))> {
    points(chart)
        .into_iter()
        .map(|(label, x, y)| {
            let (px, py) = (31.0 + 464.0 * x, 5.0 + 464.0 * (1.0 - y));
            let half = label.chars().count() as f64 * 8.0 / 2.0 + 1.0;
            let top = py + 5.0 - 1.0;
            (
                label,
                [px - half, top, px + half, top + 14.0 + 2.0],
                (px, py),
            )
        })
        .collect()
}

/// No two labels overlap, none covers another point's dot (radius 5, `pointRadius`), and
/// every label lies inside the plot.
fn assert_legible(chart: &str) {
    let boxes = label_boxes(chart);
    for (n, (label, b, _)) in boxes.iter().enumerate() {
        assert!(
            b[0] >= 31.0 && b[1] >= 5.0 && b[2] <= 495.0 && b[3] <= 469.0,
            "label {label} at {b:?} leaves the plot:\n{chart}"
        );
        for (other, c, _) in &boxes[n + 1..] {
            let apart = b[2] <= c[0] || c[2] <= b[0] || b[3] <= c[1] || c[3] <= b[1];
            assert!(
                apart,
                "labels {label} {b:?} and {other} {c:?} overlap:\n{chart}"
            );
        }
        for (m, (other, _, (px, py))) in boxes.iter().enumerate() {
            let near_x = px.clamp(b[0], b[2]);
            let near_y = py.clamp(b[1], b[3]);
            let inside = (near_x - px).powi(2) + (near_y - py).powi(2) < 25.0;
            assert!(
                m == n || !inside,
                "label {label} {b:?} covers point {other}:\n{chart}"
            );
        }
    }
}

/// The default scales' levels: impact low, medium, high, huge; cost xs, s, m, l, xl.
const IMPACTS: [f64; 4] = [1.0, 2.0, 3.0, 5.0];
const COSTS: [f64; 5] = [1.0, 2.0, 3.0, 5.0, 8.0];

fn pairs() -> Vec<(f64, f64)> {
    IMPACTS
        .iter()
        .flat_map(|&i| COSTS.iter().map(move |&c| (i, c)))
        .collect()
}

#[test]
fn thirty_points_on_one_pair_of_levels_are_legible() {
    for (impact, cost) in pairs() {
        for first in [1, 95, 990] {
            let items: Vec<Value> = (first..first + 30)
                .map(|rank| item(rank, impact, cost, "active"))
                .collect();
            let chart = quadrant_chart(&items, 5.0, 8.0);
            assert_eq!(points(&chart).len(), 30);
            assert_legible(&chart);
        }
    }
}

#[test]
fn thirty_points_over_all_pairs_of_levels_are_legible() {
    let all = pairs();
    // Round the pairs in both orders, then as a fixed pseudo-random draw does.
    let mut layouts: Vec<Vec<(f64, f64)>> = vec![
        (0..30).map(|n| all[n % all.len()]).collect(),
        (0..30)
            .map(|n| all[all.len() - 1 - n % all.len()])
            .collect(),
    ];
    let mut seed: u64 = 17;
    for _ in 0..200 {
        layouts.push(
            (0..30)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    all[(seed >> 33) as usize % all.len()]
                })
                .collect(),
        );
    }
    for layout in layouts {
        let items: Vec<Value> = layout
            .iter()
            .enumerate()
            .map(|(n, &(impact, cost))| item(n as i64 + 1, impact, cost, "proposed"))
            .collect();
        let chart = quadrant_chart(&items, 5.0, 8.0);
        assert_eq!(points(&chart).len(), 30);
        assert_legible(&chart);
    }
}

#[test]
fn a_lone_point_sits_on_its_levels() {
    let chart = quadrant_chart(&[item(3, 5.0, 8.0, "accepted")], 5.0, 8.0);
    assert_eq!(chart.lines().nth(7), Some("    \"3\": [0.950, 0.950]"));
    let same = quadrant_chart(&[item(3, 5.0, 8.0, "accepted")], 5.0, 8.0);
    assert_eq!(chart, same);
}

#[test]
fn only_open_initiatives_show_and_at_most_thirty() {
    let statuses = ["proposed", "done", "accepted", "dropped", "active"];
    let items: Vec<Value> = (1..=80)
        .map(|rank| item(rank, 2.0, 3.0, statuses[rank as usize % statuses.len()]))
        .collect();
    let shown = points(&quadrant_chart(&items, 5.0, 8.0));
    assert_eq!(shown.len(), CHART_LIMIT);
    let open: Vec<String> = (1..=80_usize)
        .filter(|rank| !matches!(statuses[rank % statuses.len()], "done" | "dropped"))
        .take(CHART_LIMIT)
        .map(|rank| rank.to_string())
        .collect();
    let labels: Vec<String> = shown.into_iter().map(|(label, _, _)| label).collect();
    assert_eq!(labels, open);
}

#[test]
fn chart_labels_are_quoted_and_coordinates_parse() {
    let items: Vec<Value> = (1..=8)
        .map(|_| {
            minijinja::context! {
                rank => "quadrant-1 x-axis --> \"y\"",
                impact_value => 5.0,
                cost_value => 8.0,
            }
        })
        .collect();
    let chart = quadrant_chart(&items, 5.0, 8.0);
    let points: Vec<&str> = chart.lines().skip(7).collect();
    assert_eq!(points.len(), 8);
    for point in points {
        assert!(
            point.starts_with("    \"quadrant-1 x-axis -- y\": [0."),
            "{point}"
        );
        assert!(!point.contains("1.000"), "{point}");
    }
}

fn point(date: &str, value: f64) -> PointView {
    PointView {
        date: date.to_owned(),
        value,
    }
}

#[test]
fn a_day_keeps_its_last_value() {
    let days = per_day(vec![
        point("2026-01-01", 1.0),
        point("2026-01-01", 2.0),
        point("2026-01-02", 3.0),
        point("2026-01-03", 4.0),
        point("2026-01-03", 5.0),
        point("now", 6.0),
    ]);
    let days: Vec<(&str, f64)> = days.iter().map(|p| (p.date.as_str(), p.value)).collect();
    assert_eq!(
        days,
        [
            ("2026-01-01", 2.0),
            ("2026-01-02", 3.0),
            ("2026-01-03", 5.0),
            ("now", 6.0)
        ]
    );
}

#[test]
fn the_unit_titles_the_y_axis() {
    assert_eq!(axis_title(Some("%")), "%");
    assert_eq!(axis_title(Some("ms")), "ms");
    assert_eq!(axis_title(Some("°C")), "°C");
    assert_eq!(axis_title(Some("\"x\" %%{init}")), "x % init");
    assert_eq!(axis_title(Some("  ")), "value");
    assert_eq!(axis_title(None), "value");
}

#[test]
fn the_target_is_a_second_line_in_colours_set_up_front() {
    let points = [point("2026-01-01", 10.0), point("2026-01-08", 40.0)];
    let chart = xychart("Coverage", Some("%"), &points, Some(0.0), Some(80.0));
    assert_eq!(
        chart,
        "%%{init: {\"themeVariables\": {\"xyChart\": {\"plotColorPalette\": \"#2f81f7, #d9730d\"}}}}%%\n\
         xychart-beta\n    title \"Coverage\"\n    x-axis [\"2026-01-01\", \"2026-01-08\"]\n    \
         y-axis \"%\" 0 --> 88\n    line [10, 40]\n    line [80, 80]"
    );
    let untargeted = xychart("Coverage", None, &points, None, None);
    assert!(untargeted.contains("y-axis \"value\" "), "{untargeted}");
    assert_eq!(untargeted.matches("line [").count(), 1, "{untargeted}");
}

/// WCAG's relative luminance of a `#rrggbb` colour.
fn luminance(colour: &str) -> f64 {
    let channel = |at: usize| {
        let c = f64::from(u8::from_str_radix(&colour[at..at + 2], 16).expect(colour)) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

#[test]
fn line_colours_show_on_light_and_dark_pages() {
    for colour in LINE_COLOURS {
        for page in ["#ffffff", "#0d1117"] {
            let (a, b) = (luminance(colour), luminance(page));
            let contrast = (a.max(b) + 0.05) / (a.min(b) + 0.05);
            assert!(contrast >= 3.0, "{colour} on {page}: {contrast:.2}");
        }
    }
}
