//! The Mermaid charts in the documents: the quadrant chart of impact against cost, and each key
//! result's values over time (`xychart-beta`).

use minijinja::value::Value;
use serde::Serialize;

use crate::markdown::mermaid_label;
use crate::text::number;

/// Charts show the highest-ranked open initiatives only, so they stay readable at any scale.
pub(super) const CHART_LIMIT: usize = 30;

/// Charts show at most this many points, the most recent.
pub(super) const CHART_POINTS: usize = 30;

/// One value of a key result's history, as templates and the chart read it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PointView {
    pub(super) date: String,
    pub(super) value: f64,
}

/// The line colours of a key result's chart, the value's then the target's: a mid blue and a
/// mid orange, each at least 3:1 against both GitHub's light (`#ffffff`) and dark (`#0d1117`)
/// page, where Mermaid's own default line (`#ECECFF`) all but vanishes on white.
pub(super) const LINE_COLOURS: [&str; 2] = ["#2f81f7", "#d9730d"];

/// The history one point per day: a day's last value stands for the day, so several updates
/// on one day do not squeeze the line into a sliver. Points come oldest first.
pub(super) fn per_day(points: Vec<PointView>) -> Vec<PointView> {
    let mut days: Vec<PointView> = Vec::with_capacity(points.len());
    for point in points {
        match days.last_mut() {
            Some(last) if last.date == point.date => *last = point,
            _ => days.push(point),
        }
    }
    days
}

/// A key result's unit as the y-axis title: the plain text of [`mermaid_label`] plus the
/// symbols units are written with (`%`, `°`, currencies), which a quoted title shows as they
/// are; "value" when there is no unit.
fn axis_title(unit: Option<&str>) -> String {
    let kept: String = unit
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_alphanumeric()
                || matches!(c, ' ' | '-' | '.' | '/' | '+' | '%' | '°' | '$' | '€' | '£')
            {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    // `%%` starts a Mermaid comment or directive: one `%` in a row is all a unit needs.
    let mut title = String::with_capacity(words.len());
    for c in words.chars().take(crate::markdown::LABEL_LIMIT) {
        if !(c == '%' && title.ends_with('%')) {
            title.push(c);
        }
    }
    if title.is_empty() {
        "value".to_owned()
    } else {
        title
    }
}

/// The Mermaid `xychart-beta` of a key result's values over time: one point per day (see
/// [`per_day`]), the target as a second, flat line, the unit as the y-axis title, and line
/// colours that show on light and dark pages, set in an `%%{init}%%` block.
pub(super) fn xychart(
    title: &str,
    unit: Option<&str>,
    points: &[PointView],
    baseline: Option<f64>,
    target: Option<f64>,
) -> String {
    let values: Vec<f64> = points
        .iter()
        .map(|p| p.value)
        .chain(baseline)
        .chain(target)
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
    let mut chart = format!(
        "%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{}\"}}}}}}}}%%\n\
         xychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis \"{}\" {} --> {}\n    line [{}]",
        LINE_COLOURS.join(", "),
        mermaid_label(title),
        dates.join(", "),
        axis_title(unit),
        number(low),
        number(high),
        line.join(", ")
    );
    if let Some(target) = target {
        let flat = vec![number(target); points.len()];
        chart.push_str(&format!("\n    line [{}]", flat.join(", ")));
    }
    chart
}

/// Whether the quadrant chart shows an initiative: open work only, as the ranked table beside
/// it. A template's own item without a status counts as open.
pub(super) fn is_open(item: &Value) -> bool {
    let status = item.get_attr("status").ok();
    !matches!(
        status.as_ref().and_then(Value::as_str),
        Some("done" | "dropped")
    )
}

/// Mermaid 11's quadrant chart at its fixed default size, as okr's chart draws it (axis labels
/// on the left and, since there are points, at the bottom; no title). Numbers from mermaid's
/// `quadrantBuilder.ts` and `quadrantRenderer.ts`.
mod plot {
    /// `chartWidth` and `chartHeight`.
    const CHART: f64 = 500.0;
    /// `quadrantPadding`, round the plot.
    const PADDING: f64 = 5.0;
    /// An axis label's band: `xAxisLabelPadding` (and `yAxisLabelPadding`) twice, plus
    /// `xAxisLabelFontSize` (and `yAxisLabelFontSize`).
    const AXIS_BAND: f64 = 5.0 * 2.0 + 16.0;
    /// The plot's left edge, past the y-axis band.
    pub(crate) const LEFT: f64 = PADDING + AXIS_BAND;
    /// The plot's top edge: no title, and the x-axis labels sit at the bottom.
    pub(crate) const TOP: f64 = PADDING;
    /// The plot's width and height.
    pub(crate) const WIDTH: f64 = CHART - 2.0 * PADDING - AXIS_BAND;
    pub(crate) const HEIGHT: f64 = CHART - 2.0 * PADDING - AXIS_BAND;
    /// `pointRadius`.
    pub(crate) const RADIUS: f64 = 5.0;
    /// `pointTextPadding`: a label hangs this far below its point's centre, centred on it
    /// (`dominant-baseline: hanging`, `text-anchor: middle`).
    pub(crate) const TEXT_GAP: f64 = 5.0;
    /// A label's height at `pointLabelFontSize` 12: the font's ascent and descent, as a
    /// browser's `getBBox()` measures a line of 12 px text.
    pub(crate) const TEXT_HEIGHT: f64 = 14.0;
    /// A character's width at 12 px: a digit is 6.3 px in Trebuchet MS (mermaid's first font),
    /// 7.6 px in Verdana and DejaVu Sans (where it falls back); rounded up.
    pub(crate) const CHAR_WIDTH: f64 = 8.0;
    /// Clear space kept round every point and label.
    pub(crate) const MARGIN: f64 = 2.0;

    /// A point's pixel position from its chart coordinates (0 to 1; y grows upwards).
    pub(crate) fn pixel(x: f64, y: f64) -> (f64, f64) {
        (LEFT + WIDTH * x, TOP + HEIGHT * (1.0 - y))
    }

    /// Chart coordinates from a pixel position.
    pub(crate) fn coordinates(px: f64, py: f64) -> (f64, f64) {
        ((px - LEFT) / WIDTH, 1.0 - (py - TOP) / HEIGHT)
    }

    /// An axis-aligned box: left, top, right, bottom, in pixels.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(crate) struct Box {
        pub(crate) left: f64,
        pub(crate) top: f64,
        pub(crate) right: f64,
        pub(crate) bottom: f64,
    }

    impl Box {
        pub(crate) fn overlaps(&self, other: &Box) -> bool {
            self.left < other.right
                && other.left < self.right
                && self.top < other.bottom
                && other.top < self.bottom
        }

        pub(crate) fn inside_plot(&self) -> bool {
            self.left >= LEFT
                && self.right <= LEFT + WIDTH
                && self.top >= TOP
                && self.bottom <= TOP + HEIGHT
        }
    }

    /// The box a label of `chars` characters takes below its point at `(px, py)`, margin
    /// included.
    pub(crate) fn label_box(px: f64, py: f64, chars: usize) -> Box {
        let half = chars as f64 * CHAR_WIDTH / 2.0 + MARGIN;
        Box {
            left: px - half,
            top: py + TEXT_GAP - MARGIN,
            right: px + half,
            bottom: py + TEXT_GAP + TEXT_HEIGHT + MARGIN,
        }
    }

    /// The box a point and its label take together: the dot, and the label under it.
    pub(crate) fn mark_box(px: f64, py: f64, chars: usize) -> Box {
        let label = label_box(px, py, chars);
        let half = (label.right - px).max(RADIUS + MARGIN);
        Box {
            left: px - half,
            top: py - RADIUS - MARGIN,
            right: px + half,
            bottom: label.bottom,
        }
    }
}

/// Where a point goes: at its levels' spot when that is free, else at the nearest free spot of
/// a lattice round it, one mark (dot and label) apart, so that no mark touches another and
/// all stay in the plot. Deterministic: the same items in the same order give the same
/// places, the highest-ranked first and closest to its spot.
///
/// A free spot always exists for [`CHART_LIMIT`] marks: the lattice's steps are the largest
/// mark's size, so a mark already placed blocks at most 4 of its spots, while the plot holds
/// some 20 by 16 of them.
fn place(spots: &[(f64, f64)], chars: &[usize]) -> Vec<(f64, f64)> {
    let widest = chars.iter().copied().max().unwrap_or(1);
    let sample = plot::mark_box(0.0, 0.0, widest);
    let (step_x, step_y) = (sample.right - sample.left, sample.bottom - sample.top);
    let reach_x = (plot::WIDTH / step_x).ceil() as i64;
    let reach_y = (plot::HEIGHT / step_y).ceil() as i64;
    let mut offsets: Vec<(i64, i64)> = (-reach_y..=reach_y)
        .flat_map(|j| (-reach_x..=reach_x).map(move |i| (i, j)))
        .collect();
    // Nearest first; among equals, a fixed order (upper rows, then left to right).
    offsets.sort_by(|a, b| {
        let distance = |(i, j): (i64, i64)| {
            let (dx, dy) = (i as f64 * step_x, j as f64 * step_y);
            dx * dx + dy * dy
        };
        distance(*a)
            .total_cmp(&distance(*b))
            .then(a.1.cmp(&b.1))
            .then(a.0.cmp(&b.0))
    });
    let mut taken: Vec<plot::Box> = Vec::with_capacity(spots.len());
    let mut places = Vec::with_capacity(spots.len());
    for (&(x, y), &chars) in spots.iter().zip(chars) {
        let (px, py) = plot::pixel(x, y);
        let free = offsets.iter().find_map(|&(i, j)| {
            let (qx, qy) = (px + i as f64 * step_x, py + j as f64 * step_y);
            let mark = plot::mark_box(qx, qy, chars);
            (mark.inside_plot() && !taken.iter().any(|t| t.overlaps(&mark)))
                .then_some((qx, qy, mark))
        });
        // Only a label far longer than a rank finds no room; it then stays on its spot.
        let (qx, qy, mark) = free.unwrap_or((px, py, plot::mark_box(px, py, chars)));
        taken.push(mark);
        places.push(plot::coordinates(qx, qy));
    }
    places
}

/// The Mermaid `quadrantChart` of impact against cost for the given initiatives: the open ones
/// (see [`is_open`]), the first [`CHART_LIMIT`] of them, each labelled by its rank alone (the
/// ranked table beside the chart is the legend) and spread apart by [`place`].
pub(super) fn quadrant_chart(initiatives: &[Value], max_impact: f64, max_cost: f64) -> String {
    let mut out = String::from(
        "quadrantChart\n    x-axis Low cost --> High cost\n    y-axis Low impact --> High impact\n    \
         quadrant-1 Big bets\n    quadrant-2 Quick wins\n    quadrant-3 Fill-ins\n    quadrant-4 Money pits\n",
    );
    let shown: Vec<&Value> = initiatives
        .iter()
        .filter(|item| is_open(item))
        .take(CHART_LIMIT)
        .collect();
    let mut labels = Vec::with_capacity(shown.len());
    let mut spots = Vec::with_capacity(shown.len());
    for item in &shown {
        let get = |key: &str| {
            item.get_attr(key)
                .ok()
                .and_then(|v| f64::try_from(v).ok())
                .unwrap_or(0.0)
        };
        // A scalar's text; a list or a map (a template's own items) has no label.
        let rank = {
            use minijinja::value::ValueKind;
            item.get_attr("rank").map_or_else(
                |_| String::new(),
                |v| match v.kind() {
                    ValueKind::String | ValueKind::Number | ValueKind::Bool => v.to_string(),
                    _ => String::new(),
                },
            )
        };
        labels.push(mermaid_label(&rank));
        let x = 0.05 + 0.9 * (get("cost_value") / max_cost.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
        let y =
            0.05 + 0.9 * (get("impact_value") / max_impact.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
        spots.push((x, y));
    }
    let chars: Vec<usize> = labels.iter().map(|l| l.chars().count()).collect();
    for (label, (x, y)) in labels.iter().zip(place(&spots, &chars)) {
        // Mermaid reads a coordinate as `1` or `0.ddd`: `1.000` does not parse.
        let (x, y) = (x.clamp(0.0, 0.999), y.clamp(0.0, 0.999));
        // Quoted, so a label that contains a keyword (`quadrant-1`, `x-axis`, `-->`) stays text.
        out.push_str(&format!("    \"{label}\": [{x:.3}, {y:.3}]\n"));
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests;
