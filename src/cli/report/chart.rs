//! The projection chart of the HTML report: inline SVG, drawn with integer
//! arithmetic in whole pixels.
//!
//! Months run along the x axis, each with a bar of the families becoming
//! claimable in it (stacked by the `--by` attributes when they are given:
//! by each combination of their values), claim windows marked where they
//! fall; the left axis counts those
//! families, the right one the cumulative claims (already claimed or
//! claimable now, then each month's added) against the target. The
//! families never claimable without a change are left off, so they do not
//! set the scale; the page states them apart.

use super::{HORIZON_MONTHS, Report, bucket_name, value_name};
use crate::cli::render::escape_html;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::fmt::Write;
use tfop::cohort::{Month, ProjectionBucket, thousands};

/// How many values (combinations of values) of the `--by` attributes get a
/// colour of their own; the rest are stacked as one "other".
const SERIES: usize = 6;
/// The colours of the series (distinct for colour-blind readers: the
/// Okabe–Ito palette), and of "other".
const COLOURS: [&str; SERIES + 1] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#8c8c8c",
];
const OTHER: &str = "#8c8c8c";

/// The fewest months the x axis shows, so a cohort with little ahead still
/// reads as a year.
const MIN_MONTHS: usize = 12;

const LEFT: u64 = 78;
const RIGHT: u64 = 78;
const TOP: u64 = 56;
const PLOT: u64 = 260;
const BOTTOM: u64 = 92;
const PLOT_WIDTH: u64 = 760;

/// What the chart shows, before it is drawn.
pub(super) struct Chart {
    /// Each bucket's label and its families per series.
    buckets: Vec<(String, Vec<u64>)>,
    /// The series' names: the attributes' values (`Preston / CSC`), or one
    /// "families".
    series: Vec<String>,
    /// Claim windows on the axis: the bucket, the day's place in its month
    /// (day − 1 of the month's days) and the day.
    windows: Vec<(usize, (u64, u64), NaiveDate)>,
    /// Claims already made or possible now, where the cumulative line starts.
    start: u64,
    /// The families becoming claimable past the horizon, and its first
    /// month.
    later: Option<(Month, u64)>,
    target: Option<u64>,
    /// The attributes the bars are stacked by: `district and lp_agency`.
    by: Option<String>,
}

impl Chart {
    pub(super) fn of(report: &Report) -> Chart {
        let cohort = &report.cohort;
        let by_month = &cohort.projection.by_month;
        let windows: Vec<NaiveDate> = report
            .plan
            .claim_window_days()
            .iter()
            .copied()
            .filter(|day| *day >= report.as_of)
            .collect();
        let months = axis(
            Month::of(report.as_of),
            by_month.keys().next().copied(),
            by_month
                .keys()
                .next_back()
                .copied()
                .max(windows.last().copied().map(Month::of)),
        );
        let by = match cohort.by.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            [first @ .., last] => Some(format!("{} and {last}", first.join(", "))),
        };
        // Families per month, per combination of the `by` attributes' values.
        let mut per_value: BTreeMap<&[Option<String>], BTreeMap<Month, u64>> = BTreeMap::new();
        if by.is_some() {
            for (key, projection) in &cohort.projections {
                let months = per_value.entry(key.as_slice()).or_default();
                for (month, count) in &projection.by_month {
                    let sum = months.entry(*month).or_insert(0);
                    *sum = sum.saturating_add(*count);
                }
            }
        }
        let mut values: Vec<(&[Option<String>], u64)> = per_value
            .iter()
            .map(|(value, months)| (*value, months.values().sum()))
            .collect();
        // The largest first; ties in the values' order.
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let shown: Vec<&[Option<String>]> = values
            .iter()
            .take(if values.len() > SERIES + 1 {
                SERIES
            } else {
                SERIES + 1
            })
            .map(|(value, _)| *value)
            .collect();
        let mut series: Vec<String> = shown
            .iter()
            .map(|values| {
                let names: Vec<String> = values.iter().map(value_name).collect();
                names.join(" / ")
            })
            .collect();
        if shown.len() < values.len() {
            series.push("other".to_string());
        }
        if by.is_none() {
            series = vec!["families".to_string()];
        }
        let later = months.last().map(|last| last.next()).and_then(|after| {
            let families: u64 = by_month.range(after..).map(|(_, count)| count).sum();
            (families > 0).then_some((after, families))
        });
        let buckets = months
            .iter()
            .map(|month| {
                let total = by_month.get(month).copied().unwrap_or(0);
                let counts = if by.is_none() {
                    vec![total]
                } else {
                    let mut counts: Vec<u64> = shown
                        .iter()
                        .map(|value| {
                            per_value
                                .get(value)
                                .and_then(|months| months.get(month))
                                .copied()
                                .unwrap_or(0)
                        })
                        .collect();
                    if series.len() > shown.len() {
                        let listed: u64 = counts.iter().sum();
                        counts.push(total.saturating_sub(listed));
                    }
                    counts
                };
                (bucket_name(ProjectionBucket::Month(*month)), counts)
            })
            .collect();
        let windows = windows
            .iter()
            .filter_map(|day| {
                let index = months.iter().position(|month| *month == Month::of(*day))?;
                Some((index, (u64::from(day.day0()), days_in_month(*day)), *day))
            })
            .collect();
        let totals = &cohort.totals;
        Chart {
            buckets,
            series,
            windows,
            start: totals.claimed.saturating_add(totals.claimable),
            later,
            target: report.target,
            by,
        }
    }

    pub(super) fn svg(&self) -> String {
        let count = self.buckets.len().max(1) as u64;
        let slot = (PLOT_WIDTH / count).clamp(14, 44);
        let plot_width = slot * count;
        let width = LEFT + plot_width + RIGHT;
        let height = TOP + PLOT + BOTTOM;
        let base = TOP + PLOT;
        let tallest = self
            .buckets
            .iter()
            .map(|(_, counts)| counts.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        let (step, top) = scale(tallest);
        let y = |value: u64, top: u64| base - scaled(value, top, PLOT);
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-title\">\n<title id=\"chart-title\">Families becoming claimable per month, with cumulative claims against the target</title>\n"
        );
        // The left axis: gridlines, ticks and their counts.
        for tick in (0..=top).step_by(usize::try_from(step).unwrap_or(1)) {
            let at = y(tick, top);
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" y1=\"{at}\" x2=\"{right}\" y2=\"{at}\" class=\"grid\"/>\n<text x=\"{tx}\" y=\"{ty}\" class=\"tick left\">{label}</text>\n",
                right = LEFT + plot_width,
                tx = LEFT - 6,
                ty = at + 4,
                label = thousands(tick),
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"18\" y=\"{mid}\" class=\"axis-title\" transform=\"rotate(-90 18 {mid})\">families becoming claimable in the month</text>",
            mid = TOP + PLOT / 2
        );
        // Claim windows, behind the bars.
        for (index, (day0, days), day) in &self.windows {
            let x = LEFT + slot * *index as u64 + slot * day0 / days.max(&1);
            let _ = write!(
                svg,
                "<line x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{base}\" class=\"window\"><title>claim window {day}</title></line>\n<text x=\"{x}\" y=\"{ty}\" class=\"window-label\">{short}</text>\n",
                ty = TOP - 4,
                short = day.format("%-d %b %y"),
            );
        }
        // The bars, stacked by series.
        for (index, (label, counts)) in self.buckets.iter().enumerate() {
            let x = LEFT + slot * index as u64 + 2;
            let total: u64 = counts.iter().sum();
            let _ = writeln!(svg, "<g><title>{}: {total}</title>", escape_html(label));
            let mut below = 0u64;
            for (series, count) in counts.iter().enumerate() {
                if *count == 0 {
                    continue;
                }
                let bottom = y(below, top);
                below += count;
                let upper = y(below, top);
                let colour = COLOURS.get(series).copied().unwrap_or(OTHER);
                let name = self.series.get(series).map_or("", String::as_str);
                let _ = writeln!(
                    svg,
                    "<rect x=\"{x}\" y=\"{upper}\" width=\"{w}\" height=\"{h}\" fill=\"{colour}\"><title>{label}, {name}: {count}</title></rect>",
                    w = slot - 4,
                    h = bottom - upper,
                    label = escape_html(label),
                    name = escape_html(name),
                );
            }
            if total > 0 && slot >= 20 {
                let _ = writeln!(
                    svg,
                    "<text x=\"{cx}\" y=\"{ty}\" class=\"count\">{}</text>",
                    thousands(total),
                    cx = x + (slot - 4) / 2,
                    ty = y(total, top) - 3,
                );
            }
            svg.push_str("</g>\n");
            // Every month labelled when they fit, else every third.
            let every = if slot >= 24 { 1 } else { 3 };
            if index % every == 0 || index + 1 == self.buckets.len() {
                let cx = x + (slot - 4) / 2;
                let ly = base + 12;
                let _ = writeln!(
                    svg,
                    "<text x=\"{cx}\" y=\"{ly}\" class=\"month\" transform=\"rotate(-50 {cx} {ly})\">{}</text>",
                    escape_html(label)
                );
            }
        }
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" class=\"axis\"/>\n<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{base}\" class=\"axis\"/>\n<text x=\"{mid}\" y=\"{ty}\" class=\"axis-title\">month the family becomes claimable, if its progress holds</text>\n",
            right = LEFT + plot_width,
            mid = LEFT + plot_width / 2,
            ty = height - 6,
        );
        self.cumulative(&mut svg, slot, plot_width);
        self.legend(&mut svg, width);
        svg.push_str(
            "</svg>\n<figcaption>Bars: attached families by the month they become claimable",
        );
        if let Some(by) = &self.by {
            let _ = write!(svg, ", by {}", escape_html(by));
        }
        if !self.windows.is_empty() {
            svg.push_str("; dashed verticals: claim windows");
        }
        svg.push_str("; line (right axis): claims made or possible by the end of each month");
        if self.target.is_some() {
            svg.push_str(", against the target");
        }
        if let Some((month, families)) = self.later {
            let _ = write!(
                svg,
                ". Not on the chart: {} becoming claimable in {month} or later",
                super::families(families)
            );
        }
        svg.push_str(".</figcaption>\n</figure>\n");
        svg
    }

    /// The cumulative claims and the target, on the right axis.
    fn cumulative(&self, svg: &mut String, slot: u64, plot_width: u64) {
        let base = TOP + PLOT;
        let mut running = self.start;
        let mut points = vec![(LEFT, running)];
        for (index, (_, counts)) in self.buckets.iter().enumerate() {
            running = running.saturating_add(counts.iter().sum());
            points.push((LEFT + slot * (index as u64 + 1), running));
        }
        let (step, top) = scale(running.max(self.target.unwrap_or(0)));
        let y = |value: u64| base - scaled(value, top, PLOT);
        let right = LEFT + plot_width;
        for tick in (0..=top).step_by(usize::try_from(step).unwrap_or(1)) {
            let _ = write!(
                svg,
                "<line x1=\"{right}\" y1=\"{at}\" x2=\"{x2}\" y2=\"{at}\" class=\"axis\"/>\n<text x=\"{tx}\" y=\"{ty}\" class=\"tick\">{label}</text>\n",
                at = y(tick),
                x2 = right + 4,
                tx = right + 7,
                ty = y(tick) + 4,
                label = thousands(tick),
            );
        }
        let _ = write!(
            svg,
            "<line x1=\"{right}\" y1=\"{TOP}\" x2=\"{right}\" y2=\"{base}\" class=\"axis\"/>\n<text x=\"{tx}\" y=\"{mid}\" class=\"axis-title\" transform=\"rotate(90 {tx} {mid})\">claims, cumulative</text>\n",
            tx = right + RIGHT - 16,
            mid = TOP + PLOT / 2,
        );
        if let Some(target) = self.target {
            let at = y(target);
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" y1=\"{at}\" x2=\"{right}\" y2=\"{at}\" class=\"target\"/>\n<text x=\"{tx}\" y=\"{ty}\" class=\"target-label\">target {}</text>\n",
                thousands(target),
                tx = right - 4,
                ty = at - 4,
            );
        }
        let path: Vec<String> = points
            .iter()
            .map(|(x, value)| format!("{x},{}", y(*value)))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" class=\"cumulative\"><title>claims by the end of the last month: {}</title></polyline>",
            path.join(" "),
            thousands(running)
        );
    }

    /// The legend above the plot, in rows of at most `width` pixels: three
    /// rows fit above it, enough for the six series, "other" and the lines
    /// at any length of name (each counted at 20 characters at most).
    fn legend(&self, svg: &mut String, width: u64) {
        let mut x = LEFT;
        let mut y = 12;
        let mut place = |item: u64| {
            if x > LEFT && x + item > width {
                x = LEFT;
                y += 16;
            }
            let at = (x, y);
            x += item;
            at
        };
        for (index, name) in self.series.iter().enumerate() {
            let colour = COLOURS.get(index).copied().unwrap_or(OTHER);
            let (x, y) = place(24 + 7 * name.chars().count().min(20) as u64);
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{ry}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\n<text x=\"{tx}\" y=\"{y}\" class=\"legend\">{}</text>\n",
                escape_html(name),
                ry = y - 10,
                tx = x + 16,
            );
        }
        let mut line = |width: u64, class: &str, label: &str| {
            let (x, y) = place(width);
            let _ = write!(
                svg,
                "<line x1=\"{x}\" y1=\"{ly}\" x2=\"{x2}\" y2=\"{ly}\" class=\"{class}\"/>\n<text x=\"{tx}\" y=\"{y}\" class=\"legend\">{label}</text>\n",
                ly = y - 4,
                x2 = x + 18,
                tx = x + 22,
            );
        };
        line(150, "cumulative", "claims, cumulative");
        if self.target.is_some() {
            line(80, "target", "target");
        }
        if !self.windows.is_empty() {
            let (x, y) = place(110);
            let _ = write!(
                svg,
                "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x1}\" y2=\"{y2}\" class=\"window\"/>\n<text x=\"{tx}\" y=\"{y}\" class=\"legend\">claim window</text>\n",
                x1 = x + 6,
                y1 = y - 12,
                y2 = y + 2,
                tx = x + 14,
            );
        }
    }
}

/// The months on the x axis: from the as-of month (or the first month with
/// a family, if earlier) through `last` (the last month with a family or a
/// claim window), at least [`MIN_MONTHS`] and at most [`HORIZON_MONTHS`].
fn axis(from: Month, first: Option<Month>, last: Option<Month>) -> Vec<Month> {
    let mut month = first.map_or(from, |first| first.min(from));
    let mut months = Vec::new();
    while months.len() < HORIZON_MONTHS {
        months.push(month);
        if months.len() >= MIN_MONTHS && last.is_none_or(|last| month >= last) {
            break;
        }
        month = month.next();
    }
    months
}

/// A step of 1, 2 or 5 × 10^k giving at most five steps to `tallest`, and
/// the axis's top: the first step at or above it (one step for nothing).
fn scale(tallest: u64) -> (u64, u64) {
    let mut step = 1u64;
    'search: loop {
        for factor in [1u64, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if candidate.saturating_mul(5) >= tallest || candidate == u64::MAX {
                step = candidate;
                break 'search;
            }
        }
        step = step.saturating_mul(10);
    }
    let steps = tallest.div_ceil(step).max(1);
    (step, step.saturating_mul(steps))
}

/// `value` of `top` as a share of `pixels`, rounded down.
fn scaled(value: u64, top: u64, pixels: u64) -> u64 {
    let share = u128::from(value.min(top)) * u128::from(pixels) / u128::from(top.max(1));
    u64::try_from(share).unwrap_or(pixels)
}

fn days_in_month(day: NaiveDate) -> u64 {
    let month = Month::of(day).next();
    NaiveDate::from_ymd_opt(month.year, month.month, 1)
        .and_then(|first| first.pred_opt())
        .map_or(30, |last| u64::from(last.day()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_runs_a_year_at_least_to_the_last_family_or_window_within_the_horizon() {
        let month = |year, month| Month { year, month };
        let from = month(2016, 11);
        assert_eq!(axis(from, None, None).len(), MIN_MONTHS);
        let to_window = axis(from, Some(month(2016, 12)), Some(month(2018, 3)));
        assert_eq!(to_window.first(), Some(&from));
        assert_eq!(to_window.last(), Some(&month(2018, 3)));
        let far = axis(from, None, Some(month(2030, 1)));
        assert_eq!(far.len(), HORIZON_MONTHS);
    }

    #[test]
    fn the_scale_steps_by_one_two_or_five_and_covers_the_tallest() {
        assert_eq!(scale(0), (1, 1));
        assert_eq!(scale(1), (1, 1));
        assert_eq!(scale(5), (1, 5));
        assert_eq!(scale(6), (2, 6));
        assert_eq!(scale(11), (5, 15));
        assert_eq!(scale(1234), (500, 1500));
        assert_eq!(scale(u64::MAX).1, u64::MAX);
    }
}
