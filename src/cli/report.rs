//! `tfop report`: a cohort's programme figures as text, JSON or an HTML page.

use super::Exit;
use super::eval::{report_refusal, work_all};
use super::files::{load_plans, records};
use super::output::Outputs;
use super::render::{Format, escape_html, html_table, json_document, print, table};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tfop::cohort::{Cohort, Counts, Month, ProjectionBucket, pounds};
use tfop::{Decision, Plan};

/// What `tfop report` was asked for.
pub(crate) struct ReportRequest<'a> {
    /// The plan's versions (one file, or several by `effective` day).
    pub(crate) plans: &'a [PathBuf],
    pub(crate) families: &'a Path,
    pub(crate) as_of: NaiveDate,
    pub(crate) by: Vec<String>,
    pub(crate) target: Option<u64>,
    pub(crate) format: Format,
    pub(crate) html: Option<&'a Path>,
    /// Writes the HTML page.
    pub(crate) outputs: &'a Outputs,
}

/// How many months the projection lists one by one before summing the rest.
const HORIZON_MONTHS: usize = 36;

/// The figures of a report, with what it was computed against.
struct Report<'a> {
    plan: &'a Plan,
    as_of: NaiveDate,
    cohort: Cohort,
    target: Option<u64>,
    /// The figures as the library reports them, money added up exactly.
    figures: tfop::cohort::Report,
}

impl Report<'_> {
    fn title(&self) -> String {
        let header = self.plan.header();
        let version = header
            .version
            .as_ref()
            .map(|version| format!(" (version {version})"))
            .unwrap_or_default();
        format!("{}{version}, as of {}", header.name, self.as_of)
    }

    /// The rows of the totals: label, count.
    fn total_rows(&self) -> Vec<Vec<String>> {
        let totals = &self.cohort.totals;
        [
            ("read", self.cohort.read),
            ("refused", self.cohort.refused),
            ("decided", totals.families),
            ("identified (at least one problem)", totals.identified),
            ("eligible", totals.eligible),
            ("attachable", totals.attachable),
            ("principles missing", totals.principles_missing),
            ("attached", totals.attached),
            ("attached, not eligible", totals.attached_not_eligible),
            ("claimable now", totals.claimable),
            ("already claimed", totals.claimed),
            ("eligible, not attached", totals.eligible_not_attached),
        ]
        .into_iter()
        .map(|(label, count)| vec![label.to_string(), count.to_string()])
        .collect()
    }

    fn payable_rows(&self) -> Vec<Vec<String>> {
        let totals = &self.cohort.totals;
        let fees = self.figures.payable.attachment_fees;
        let fee_label = match self.plan.attachment_fee() {
            Some(fee) => format!(
                "attachment fees ({} attached × {})",
                totals.attached,
                pounds(fee)
            ),
            None => "attachment fees (the plan states no fee)".to_string(),
        };
        let at_risk = totals.attachments_at_risk;
        let attachments = if at_risk == 1 {
            "1 attachment".to_string()
        } else {
            format!("{at_risk} attachments")
        };
        let at_risk_label = match self.plan.attachment_fee() {
            Some(fee) => format!(
                "fees at risk, not in the total ({attachments} not valid × {})",
                pounds(fee)
            ),
            None => format!("fees at risk ({attachments} not valid; the plan states no fee)"),
        };
        vec![
            vec![fee_label, pounds(fees)],
            vec![
                "results payable now".to_string(),
                pounds(totals.results_payable),
            ],
            vec!["total".to_string(), pounds(self.figures.payable.total)],
            vec![at_risk_label, pounds(self.figures.payable.fees_at_risk)],
        ]
    }

    fn claim_rate_line(&self) -> String {
        let claimed = self.cohort.totals.claimed;
        match self
            .target
            .and_then(|target| Some((target, self.cohort.claim_rate(target)?)))
        {
            Some((target, rate)) => format!(
                "{} claimed of a target of {target}: {rate}% (rounded half up to one decimal place)",
                families(claimed)
            ),
            None => format!(
                "{} claimed; no claim rate without a target: give --target N or state `target` in the plan's funding block",
                families(claimed)
            ),
        }
    }

    fn projection_rows(&self) -> Vec<Vec<String>> {
        let projection = &self.cohort.projection;
        let mut rows: Vec<Vec<String>> = projection
            .timeline(Month::of(self.as_of), HORIZON_MONTHS)
            .into_iter()
            .map(|(bucket, count)| vec![bucket_name(bucket), count.to_string()])
            .collect();
        rows.push(vec![
            "never without a change".to_string(),
            projection.never.to_string(),
        ]);
        rows
    }

    /// The projection by claim window: every window of the plan from the
    /// as-of day on, empty ones too, then the families never claimable;
    /// `None` when the plan states no claim windows.
    fn window_rows(&self) -> Option<Vec<Vec<String>>> {
        let windows = self.plan.claim_window_days();
        if windows.is_empty() {
            return None;
        }
        let projection = &self.cohort.projection;
        let mut rows: Vec<Vec<String>> = windows
            .iter()
            .filter(|window| **window >= self.as_of)
            .map(|window| {
                let count = projection.by_window.get(window).copied().unwrap_or(0);
                vec![window.to_string(), count.to_string()]
            })
            .collect();
        rows.push(vec![
            "never without a change".to_string(),
            projection.never.to_string(),
        ]);
        Some(rows)
    }

    /// The line above the projection by claim window.
    fn window_title(&self) -> String {
        let last = self
            .plan
            .claim_window_days()
            .last()
            .map(|last| format!("; the last window is on {last}, and a claim possible only after it is never made"))
            .unwrap_or_default();
        format!("The same families by the claim window their first claim is made in{last}")
    }

    /// One text or HTML table per breakdown: by one attribute, a row per
    /// value; by two, a cross table per figure; by more, a row per
    /// combination.
    fn breakdowns(&self) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
        let by = &self.cohort.by;
        let groups = &self.cohort.groups;
        match by.as_slice() {
            [] => Vec::new(),
            [first, second] => {
                let rows = self.cohort.values_of(0);
                let columns = self.cohort.values_of(1);
                CROSS_FIGURES
                    .iter()
                    .map(|(name, figure)| {
                        let mut header = vec![format!("{first} \\ {second}")];
                        header.extend(columns.iter().map(value_name));
                        header.push("total".to_string());
                        let cell = |row: &Option<String>, column: &Option<String>| {
                            groups
                                .get(&vec![row.clone(), column.clone()])
                                .map_or(0, figure)
                        };
                        let mut table_rows: Vec<Vec<String>> = rows
                            .iter()
                            .map(|row| {
                                let mut cells = vec![value_name(row)];
                                cells.extend(
                                    columns.iter().map(|column| cell(row, column).to_string()),
                                );
                                let total: u64 =
                                    columns.iter().map(|column| cell(row, column)).sum();
                                cells.push(total.to_string());
                                cells
                            })
                            .collect();
                        let mut totals = vec!["total".to_string()];
                        totals.extend(columns.iter().map(|column| {
                            rows.iter()
                                .map(|row| cell(row, column))
                                .sum::<u64>()
                                .to_string()
                        }));
                        totals.push(figure(&self.cohort.totals).to_string());
                        table_rows.push(totals);
                        (
                            format!("{name} by {first} and {second}"),
                            header,
                            table_rows,
                        )
                    })
                    .collect()
            }
            _ => {
                let mut header: Vec<String> = by.clone();
                header.extend(ROW_FIGURES.iter().map(|name| name.to_string()));
                let mut rows: Vec<Vec<String>> = groups
                    .iter()
                    .map(|(key, counts)| {
                        let mut row: Vec<String> = key.iter().map(value_name).collect();
                        row.extend(self.figures(counts));
                        row
                    })
                    .collect();
                let mut total: Vec<String> = vec!["total".to_string()];
                total.extend(by.iter().skip(1).map(|_| String::new()));
                total.extend(self.figures(&self.cohort.totals));
                rows.push(total);
                vec![(format!("By {}", by.join(", ")), header, rows)]
            }
        }
    }

    /// The figures of a breakdown row, in [`ROW_FIGURES`] order.
    fn figures(&self, counts: &Counts) -> Vec<String> {
        vec![
            counts.families.to_string(),
            counts.identified.to_string(),
            counts.eligible.to_string(),
            counts.attached.to_string(),
            counts.attached_not_eligible.to_string(),
            counts.claimable.to_string(),
            counts.claimed.to_string(),
            counts.eligible_not_attached.to_string(),
            pounds(counts.results_payable),
        ]
    }

    fn text(&self) -> String {
        let mut out = format!("Cohort report: {}\n\nFamilies\n", self.title());
        out.push_str(&table(
            "  ",
            &["figure".into(), "families".into()],
            &self.total_rows(),
        ));
        out.push_str("\nPayable\n");
        out.push_str(&table(
            "  ",
            &["".into(), "amount".into()],
            &self.payable_rows(),
        ));
        out.push_str(&format!("\nClaim rate\n  {}\n", self.claim_rate_line()));
        out.push_str(&format!(
            "\nProjection: {} attached, neither claimable nor claimed, by the month they become claimable if their progress holds\n",
            families(self.figures.projection.tracked)
        ));
        out.push_str(&table(
            "  ",
            &["month".into(), "families".into()],
            &self.projection_rows(),
        ));
        if let Some(rows) = self.window_rows() {
            out.push_str(&format!("\n{}\n", self.window_title()));
            out.push_str(&table(
                "  ",
                &["claim window".into(), "families".into()],
                &rows,
            ));
        }
        for (title, header, rows) in self.breakdowns() {
            out.push_str(&format!("\n{title}\n"));
            out.push_str(&table("  ", &header, &rows));
        }
        if self.cohort.refused > 0 {
            let records = if self.cohort.refused == 1 {
                "record is"
            } else {
                "records are"
            };
            out.push_str(&format!(
                "\n{} refused {records} in no figure but `read` and `refused`.\n",
                self.cohort.refused
            ));
        }
        out
    }

    fn html(&self) -> String {
        let mut body = format!(
            "<h1>Cohort report</h1>\n<p class=\"sub\">{}</p>\n",
            escape_html(&self.title())
        );
        body.push_str("<h2>Families</h2>\n");
        body.push_str(&html_table(
            &["figure".into(), "families".into()],
            &self.total_rows(),
        ));
        body.push_str("<h2>Payable</h2>\n");
        body.push_str(&html_table(
            &["".into(), "amount".into()],
            &self.payable_rows(),
        ));
        body.push_str(&format!(
            "<h2>Claim rate</h2>\n<p>{}</p>\n",
            escape_html(&self.claim_rate_line())
        ));
        body.push_str(&format!(
            "<h2>Projection</h2>\n<p>{} attached, neither claimable nor claimed, by the month they become claimable if their progress holds.</p>\n",
            families(self.figures.projection.tracked)
        ));
        body.push_str(&self.projection_chart());
        body.push_str(&html_table(
            &["month".into(), "families".into()],
            &self.projection_rows(),
        ));
        if let Some(rows) = self.window_rows() {
            body.push_str(&format!("<p>{}.</p>\n", escape_html(&self.window_title())));
            body.push_str(&html_table(
                &["claim window".into(), "families".into()],
                &rows,
            ));
        }
        for (title, header, rows) in self.breakdowns() {
            body.push_str(&format!("<h2>{}</h2>\n", escape_html(&title)));
            body.push_str(&html_table(&header, &rows));
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
            escape_html(&format!("Cohort report: {}", self.title()))
        )
    }

    /// A bar per month of the projection (and one for "never"), heights in
    /// whole pixels by integer arithmetic.
    fn projection_chart(&self) -> String {
        let projection = &self.cohort.projection;
        let mut bars: Vec<(String, u64, &str)> = projection
            .timeline(Month::of(self.as_of), HORIZON_MONTHS)
            .into_iter()
            .map(|(bucket, count)| (bucket_name(bucket), count, "bar"))
            .collect();
        bars.push(("never".to_string(), projection.never, "never"));
        let tallest = bars
            .iter()
            .map(|(_, count, _)| *count)
            .max()
            .unwrap_or(0)
            .max(1);
        const BAR: u64 = 28;
        const GAP: u64 = 8;
        const PLOT: u64 = 160;
        const TOP: u64 = 20;
        const LABELS: u64 = 100;
        // Room on the left for the first label, which slants down to the left.
        const LEFT: u64 = 50;
        let width = LEFT + (BAR + GAP) * bars.len() as u64;
        let height = TOP + PLOT + LABELS;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Families becoming claimable per month\">\n<line x1=\"0\" y1=\"{base}\" x2=\"{width}\" y2=\"{base}\" class=\"axis\"/>\n",
            base = TOP + PLOT
        );
        for (index, (label, count, class)) in bars.iter().enumerate() {
            let x = LEFT + (BAR + GAP) * index as u64;
            let bar_height = u128::from(*count) * u128::from(PLOT) / u128::from(tallest);
            let bar_height = u64::try_from(bar_height).unwrap_or(PLOT);
            let y = TOP + PLOT - bar_height;
            let middle = x + BAR / 2;
            let label_y = TOP + PLOT + 10;
            svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{BAR}\" height=\"{bar_height}\" class=\"{class}\"><title>{label}: {count}</title></rect>\n<text x=\"{middle}\" y=\"{count_y}\" class=\"count\">{count}</text>\n<text x=\"{middle}\" y=\"{label_y}\" class=\"label\" transform=\"rotate(-60 {middle} {label_y})\">{label}</text>\n",
                count_y = y.saturating_sub(4),
                label = escape_html(label),
            ));
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// Reads one figure of a set of counts.
type Figure = fn(&Counts) -> u64;

/// The figures a two-attribute breakdown gives a cross table each.
const CROSS_FIGURES: [(&str, Figure); 6] = [
    ("Families", |counts| counts.families),
    ("Eligible", |counts| counts.eligible),
    ("Attached", |counts| counts.attached),
    ("Attached, not eligible", |counts| {
        counts.attached_not_eligible
    }),
    ("Claimable now", |counts| counts.claimable),
    ("Already claimed", |counts| counts.claimed),
];

/// The columns of a one-attribute (or many-attribute) breakdown.
const ROW_FIGURES: [&str; 9] = [
    "families",
    "identified",
    "eligible",
    "attached",
    "attached not eligible",
    "claimable",
    "claimed",
    "not attached",
    "payable",
];

const STYLE: &str = "body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1b1b1b; }
h1 { margin-bottom: 0; }
.sub { color: #555; margin-top: 0.25rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { padding: 0.2rem 0.7rem; border-bottom: 1px solid #e5e5e5; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
svg { display: block; margin: 0.5rem 0; }
svg .bar { fill: #2b6cb0; }
svg .never { fill: #a0a0a0; }
svg .axis { stroke: #444; }
svg .count { font-size: 11px; text-anchor: middle; }
svg .label { font-size: 11px; text-anchor: end; }
";

/// `1 family`, `2 families`.
fn families(count: u64) -> String {
    if count == 1 {
        "1 family".to_string()
    } else {
        format!("{count} families")
    }
}

fn bucket_name(bucket: ProjectionBucket) -> String {
    match bucket {
        ProjectionBucket::Month(month) => month.to_string(),
        ProjectionBucket::Later(month) => format!("{month} or later"),
    }
}

fn value_name(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "(none)".to_string())
}

pub(crate) fn report(request: &ReportRequest) -> Exit {
    let plans = match load_plans(request.plans, request.as_of) {
        Ok(plans) => plans,
        Err(exit) => return exit,
    };
    // The cohort's plan-wide figures (fee, claim windows, funding) are the
    // version's in force on the day decided; each family's decision is its
    // own version's.
    let Ok(plan) = plans.for_as_of(request.as_of) else {
        return Exit::Failure;
    };
    let records = match records(request.families) {
        Ok(records) => records,
        Err(exit) => return exit,
    };
    let mut cohort = Cohort::new(request.by.clone());
    let as_of = request.as_of;
    let decided = work_all(
        request.families,
        records,
        |record| -> Result<(BTreeMap<String, String>, Decision), tfop::Refusal> {
            let (version, family) = plans.choose(|vocab| record.read(vocab), as_of)?;
            let decision = version.evaluate(&family, as_of);
            Ok((family.attributes, decision))
        },
        |decided| match decided {
            Ok((_, decision)) => Some(decision.family.as_str()),
            Err(refusal) => refusal.family.as_deref(),
        },
        |record, outcome| {
            match outcome.and_then(|decided| decided) {
                Ok((attributes, decision)) => cohort.add(&attributes, &decision),
                Err(refusal) => {
                    report_refusal(request.families, record, &refusal);
                    cohort.add_refused()
                }
            }
            .map_err(|error| {
                eprintln!("error: {error}");
                Exit::Failure
            })
        },
    );
    if let Err(exit) = decided {
        return exit;
    }
    let target = request.target.or_else(|| {
        plan.funding()
            .and_then(|funding| funding.target)
            .map(u64::from)
    });
    let figures = match cohort.report(plan, as_of, target) {
        Ok(figures) => figures,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::Failure;
        }
    };
    let report = Report {
        plan,
        as_of,
        cohort,
        target,
        figures,
    };
    if let Some(path) = request.html {
        if let Err(error) = request.outputs.write(path, report.html().as_bytes()) {
            eprintln!("error: cannot write {}: {error}", path.display());
            return Exit::Failure;
        }
    }
    let printed = match request.format {
        Format::Text => report.text(),
        Format::Json => match json_document(&report.figures) {
            Ok(json) => json,
            Err(exit) => return exit,
        },
    };
    if let Err(exit) = print(&printed) {
        return exit;
    }
    let cohort = &report.cohort;
    eprintln!(
        "read {}, decided {}, refused {}",
        cohort.read, cohort.totals.families, cohort.refused
    );
    if cohort.refused > 0 {
        Exit::SomeRefused
    } else {
        Exit::Success
    }
}
