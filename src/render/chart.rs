//! The Mermaid charts in the documents: the quadrant chart of impact against cost, and each key
//! result's values over time (`xychart-beta`).

use std::collections::BTreeMap;

use minijinja::value::Value;
use serde::Serialize;

use crate::markdown::mermaid_label;
use crate::text::number;

/// Charts show the highest-ranked initiatives only, so they stay readable at any scale.
pub(super) const CHART_LIMIT: usize = 30;

/// Charts show at most this many points, the most recent.
pub(super) const CHART_POINTS: usize = 30;

/// One value of a key result's history, as templates and the chart read it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PointView {
    pub(super) date: String,
    pub(super) value: f64,
}

/// The Mermaid `xychart-beta` of a key result's values over time.
pub(super) fn xychart(
    title: &str,
    unit: Option<&str>,
    points: &[PointView],
    bounds: &[f64],
) -> String {
    let values: Vec<f64> = points
        .iter()
        .map(|p| p.value)
        .chain(bounds.iter().copied())
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((high - low) * 0.1).max(1.0);
    let low = if low >= 0.0 && low - pad < 0.0 {
        0.0
    } else {
        (low - pad).floor()
    };
    let high = (high + pad).ceil();
    let dates: Vec<String> = points
        .iter()
        .map(|p| format!("\"{}\"", mermaid_label(&p.date)))
        .collect();
    let line: Vec<String> = points.iter().map(|p| number(p.value)).collect();
    let axis = unit.map_or_else(String::new, |u| format!("\"{}\" ", mermaid_label(u)));
    format!(
        "xychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis {axis}{} --> {}\n    line [{}]",
        mermaid_label(title),
        dates.join(", "),
        number(low),
        number(high),
        line.join(", ")
    )
}

/// The Mermaid `quadrantChart` of impact against cost for the highest-ranked initiatives.
pub(super) fn quadrant_chart(initiatives: &[Value], max_impact: f64, max_cost: f64) -> String {
    let mut out = String::from(
        "quadrantChart\n    x-axis Low cost --> High cost\n    y-axis Low impact --> High impact\n    \
         quadrant-1 Big bets\n    quadrant-2 Quick wins\n    quadrant-3 Fill-ins\n    quadrant-4 Money pits\n",
    );
    let mut taken: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    for item in initiatives.iter().take(CHART_LIMIT) {
        let get = |key: &str| {
            item.get_attr(key)
                .ok()
                .and_then(|v| f64::try_from(v).ok())
                .unwrap_or(0.0)
        };
        // A scalar's text; a list or a map (a template's own items) has no label.
        let scalar = |key: &str| {
            use minijinja::value::ValueKind;
            item.get_attr(key).map_or_else(
                |_| String::new(),
                |v| match v.kind() {
                    ValueKind::String | ValueKind::Number | ValueKind::Bool => v.to_string(),
                    _ => String::new(),
                },
            )
        };
        let (rank, title) = (scalar("rank"), scalar("title"));
        // Points share a spot when levels are equal; spread them a little so each stays legible.
        let x = 0.05 + 0.9 * (get("cost_value") / max_cost.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
        let y =
            0.05 + 0.9 * (get("impact_value") / max_impact.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
        let spot = ((x * 1000.0) as i64, (y * 1000.0) as i64);
        let count = taken.entry(spot).or_default();
        let angle = *count as f64 * 2.399_963;
        let radius = if *count == 0 {
            0.0
        } else {
            0.03 * (*count as f64).sqrt()
        };
        *count += 1;
        // Mermaid reads a coordinate as `1` or `0.ddd`: `1.000` does not parse.
        let x = (x + radius * angle.cos()).clamp(0.0, 0.999);
        let y = (y + radius * angle.sin()).clamp(0.0, 0.999);
        // Quoted, so a label that contains a keyword (`quadrant-1`, `x-axis`, `-->`) stays text.
        out.push_str(&format!(
            "    \"{}\": [{x:.3}, {y:.3}]\n",
            mermaid_label(&format!("{rank} {title}"))
        ));
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_labels_are_quoted_and_coordinates_parse() {
        let items: Vec<Value> = (1..=8)
            .map(|rank| {
                minijinja::context! {
                    rank => rank,
                    title => "quadrant-1 x-axis --> \"y\"",
                    impact_value => 5.0,
                    cost_value => 8.0,
                }
            })
            .collect();
        let chart = quadrant_chart(&items, 5.0, 8.0);
        let points: Vec<&str> = chart.lines().skip(7).collect();
        assert_eq!(points.len(), 8);
        for point in points {
            assert!(point.starts_with("    \""), "{point}");
            assert!(!point.contains("1.000"), "{point}");
        }
        assert!(chart.contains("\"1 quadrant-1 x-axis -- y\": [0.950, 0.950]"));
    }
}
