//! `tfop report`: a cohort's programme figures as text, JSON or an HTML page.

use super::Exit;
use super::claims::{FamilyYears, YearClaims, YearTally};
use super::eval::{report_refusal, work_all};
use super::files::{blocks, load_plans};
use super::output::{Outputs, Target};
use super::progress::Progress;
use super::render::{emit, escape_html, json_document};
use super::tables::{Cell, Table, write_csv_folder, write_xlsx};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tfop::cohort::{Cohort, Counts, Month, ProjectionBucket, pounds, thousands};
use tfop::{Decision, Framework, Plan};

/// A family decided for the report: its attributes, its decision and what
/// it adds to the funding years' claims.
type Decided = (BTreeMap<String, String>, Decision, FamilyYears);

mod chart;

/// The output formats of `tfop report`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ReportFormat {
    /// Aligned text tables, for people.
    Text,
    /// One JSON document, for programs.
    Json,
    /// A CSV file per table, into the folder `-o` names.
    Csv,
    /// One self-contained HTML page with a chart.
    Html,
}

/// What `tfop report` was asked for.
pub(crate) struct ReportRequest<'a> {
    /// The plan's versions (one file, or several by `effective` day).
    pub(crate) plans: &'a [PathBuf],
    /// Which version decides an attached family.
    pub(crate) versions_by: tfop::VersionsBy,
    pub(crate) families: &'a Path,
    pub(crate) as_of: NaiveDate,
    pub(crate) by: Vec<String>,
    pub(crate) target: Option<u64>,
    pub(crate) format: ReportFormat,
    /// Where the format's output goes (a folder for CSV); standard output
    /// when `None`.
    pub(crate) output: Option<&'a Path>,
    /// `--html`, `--xlsx`: a page and a workbook written besides.
    pub(crate) html: Option<&'a Target>,
    pub(crate) xlsx: Option<&'a Target>,
    /// Writes the output files.
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

    /// The totals: label, count.
    fn totals_table(&self) -> Table {
        let totals = &self.cohort.totals;
        let mut table = Table::new(
            "families",
            "Families by what their decision says",
            &["figure", "families"],
        );
        table.rows = [
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
        .map(|(label, count)| vec![label.into(), Cell::Count(count)])
        .collect();
        table
    }

    fn payable_table(&self) -> Table {
        let totals = &self.cohort.totals;
        let fees = self.figures.payable.attachment_fees;
        let fee_label = match self.plan.attachment_fee() {
            Some(fee) => format!(
                "attachment fees ({} attached × {})",
                thousands(totals.attached),
                pounds(fee)
            ),
            None => "attachment fees (the plan states no fee)".to_string(),
        };
        let at_risk = totals.attachments_at_risk;
        let attachments = if at_risk == 1 {
            "1 attachment".to_string()
        } else {
            format!("{} attachments", thousands(at_risk))
        };
        let at_risk_label = match self.plan.attachment_fee() {
            Some(fee) => format!(
                "fees at risk, not in the total ({attachments} not valid × {})",
                pounds(fee)
            ),
            None => format!("fees at risk ({attachments} not valid; the plan states no fee)"),
        };
        let mut table = Table::new("payable", "What is payable now", &["", "amount"]);
        table.rows = vec![
            vec![fee_label.into(), Cell::Money(fees)],
            vec![
                "results payable now".into(),
                Cell::Money(totals.results_payable),
            ],
            vec!["total".into(), Cell::Money(self.figures.payable.total)],
            vec![
                at_risk_label.into(),
                Cell::Money(self.figures.payable.fees_at_risk),
            ],
        ];
        table
    }

    /// The claim rate as a one-row table, for a spreadsheet.
    fn claim_rate_table(&self) -> Table {
        let mut table = Table::new(
            "claim_rate",
            "Families claimed against the target",
            &["claimed", "target", "claim rate"],
        );
        let claimed = self.cohort.totals.claimed;
        let rate = self
            .target
            .and_then(|target| self.cohort.claim_rate(target))
            .map_or(Cell::Empty, Cell::Percent);
        let target = self.target.map_or(Cell::Empty, Cell::Count);
        table.rows = vec![vec![Cell::Count(claimed), target, rate]];
        table
    }

    fn claim_rate_line(&self) -> String {
        let claimed = self.cohort.totals.claimed;
        match self
            .target
            .and_then(|target| Some((target, self.cohort.claim_rate(target)?)))
        {
            Some((target, rate)) => format!(
                "{} claimed of a target of {}: {rate}% (rounded half up to one decimal place)",
                families(claimed),
                thousands(target)
            ),
            None => format!(
                "{} claimed; no claim rate without a target: give --target N or state `target` in the plan's funding block{}",
                families(claimed),
                self.year_targets_pointer()
            ),
        }
    }

    /// Where a plan with yearly targets (Supporting Families) shows them,
    /// after a line asking for the one `target` of the whole programme.
    fn year_targets_pointer(&self) -> &'static str {
        if self.figures.year_targets.is_empty() {
            ""
        } else {
            " (each funding year's own target is under \"Claims against each funding year's target\")"
        }
    }

    /// Under the payable table: families claimable now that do not fit the
    /// target of the year holding the day, whose results are counted above
    /// but would earn nothing.
    fn payable_note(&self) -> Option<String> {
        let year = self
            .figures
            .year_targets
            .iter()
            .find(|year| !year.used.outside.is_empty())?;
        Some(format!(
            "note: year {} has a target of {} families: {} claimable now outside it would earn nothing; results payable now counts them, the year can claim {} (\"Claims against each funding year's target\")",
            year.used.year,
            year.used.target,
            families(u64::try_from(year.used.outside.len()).unwrap_or(u64::MAX)),
            pounds(year.claimable)
        ))
    }

    /// Each tracked problem's outcomes, then the families with every
    /// problem sustained: what an outcomes-only or earned-autonomy plan
    /// reports instead of claims.
    fn outcomes_table(&self) -> Table {
        let outcomes = &self.figures.outcomes;
        let mut table = Table::new(
            "outcomes",
            "Attached families' outcomes by problem",
            &["problem", "tracked", "significant", "sustained"],
        );
        table.rows = outcomes
            .by_problem
            .iter()
            .map(|row| {
                vec![
                    Cell::Text(row.problem.clone()),
                    Cell::Count(row.outcomes.tracked),
                    Cell::Count(row.outcomes.significant),
                    Cell::Count(row.outcomes.sustained),
                ]
            })
            .collect();
        table.rows.push(vec![
            SUCCESSFUL.into(),
            Cell::Count(outcomes.tracked),
            Cell::Empty,
            Cell::Count(outcomes.successful),
        ]);
        table
    }

    /// Supporting Families: the outcomes by headline, a family once under
    /// each headline of its tracked needs; `None` for a plan of another
    /// framework, whose problems sit under no headline.
    fn headline_table(&self) -> Option<Table> {
        if self.plan.header().framework != Framework::Sf2022 {
            return None;
        }
        let mut table = Table::new(
            "outcomes_by_headline",
            "Attached families' outcomes by headline (a family counts under each headline of its needs)",
            &[
                "headline",
                "name",
                "tracked",
                "every need sustained",
                "successful outcome",
            ],
        );
        table.rows = self
            .figures
            .outcomes
            .by_headline
            .iter()
            .map(|row| {
                vec![
                    Cell::Text(row.headline.id().to_string()),
                    Cell::Text(row.name.to_string()),
                    Cell::Count(row.outcomes.tracked),
                    Cell::Count(row.outcomes.sustained),
                    Cell::Count(row.outcomes.successful),
                ]
            })
            .collect();
        Some(table)
    }

    /// Supporting Families: each funding year's claims against its target;
    /// `None` when no year with a target has begun by the day decided.
    fn year_target_table(&self) -> Option<Table> {
        if self.figures.year_targets.is_empty() {
            return None;
        }
        let mut table = Table::new(
            "year_targets",
            "Claims against each funding year's target",
            &[
                "year",
                "target",
                "claimed",
                "claimable now within it",
                "left",
                "claimable now outside it",
                "earned",
                "claimable",
                "at risk",
            ],
        );
        table.rows = self
            .figures
            .year_targets
            .iter()
            .map(|year| {
                let used = &year.used;
                vec![
                    Cell::Text(used.year.clone()),
                    Cell::Count(u64::from(used.target)),
                    Cell::Count(used.claimed_before),
                    Cell::Count(used.in_file),
                    Cell::Count(used.left),
                    Cell::Count(u64::try_from(used.outside.len()).unwrap_or(u64::MAX)),
                    Cell::Money(year.earned),
                    Cell::Money(year.claimable),
                    Cell::Money(year.at_risk),
                ]
            })
            .collect();
        Some(table)
    }

    /// What the funding years' `earned` assumes (see `tfop funding`).
    fn earned_basis(&self) -> String {
        super::funding::earned_basis(
            super::funding::year_payment(self.plan),
            &self.figures.year_targets,
        )
    }

    /// The line under the outcomes: successful outcomes against the target
    /// and what is left of it.
    fn outcomes_line(&self) -> String {
        let successful = self.cohort.outcomes.successful;
        match self.figures.outcomes.target {
            Some(target) => format!(
                "{} with a successful outcome of a target of {}: {}% (rounded half up to one decimal place), {} left",
                families(successful),
                thousands(target.target),
                target.percent,
                thousands(target.left)
            ),
            None => format!(
                "{} with a successful outcome; give --target N or state `target` in the plan's funding block to count them against it{}",
                families(successful),
                self.year_targets_pointer()
            ),
        }
    }

    fn projection_table(&self) -> Table {
        let projection = &self.cohort.projection;
        let mut table = Table::new(
            "projection",
            "Attached families by the month they become claimable",
            &["month", "families"],
        );
        table.rows = projection
            .timeline(Month::of(self.as_of), HORIZON_MONTHS)
            .into_iter()
            .map(|(bucket, count)| vec![bucket_name(bucket).into(), Cell::Count(count)])
            .collect();
        table
            .rows
            .push(vec![NEVER.into(), Cell::Count(projection.never)]);
        table
    }

    /// The projection by claim window: every window of the plan from the
    /// as-of day on, empty ones too, then the families never claimable;
    /// `None` when the plan states no claim windows.
    fn window_table(&self) -> Option<Table> {
        let windows = self.plan.claim_window_days();
        if windows.is_empty() {
            return None;
        }
        let projection = &self.cohort.projection;
        let mut table = Table::new(
            "claim_windows",
            "Attached families by the claim window of their first claim",
            &["claim window", "families"],
        );
        table.rows = windows
            .iter()
            .filter(|window| **window >= self.as_of)
            .map(|window| {
                let count = projection.by_window.get(window).copied().unwrap_or(0);
                vec![Cell::Day(*window), Cell::Count(count)]
            })
            .collect();
        table
            .rows
            .push(vec![NEVER.into(), Cell::Count(projection.never)]);
        Some(table)
    }

    /// The families never claimable without a change, by the problem whose
    /// progress holds each back (a family under each), then those held back
    /// by something else; `None` when there are none.
    fn never_table(&self) -> Option<Table> {
        let projection = &self.figures.projection;
        if projection.never == 0 {
            return None;
        }
        let mut table = Table::new(
            "never",
            format!("Attached families never claimable without a change, {NEVER_BY}"),
            &["held back by", "families"],
        );
        table.rows = projection
            .never_by_problem
            .iter()
            .map(|row| {
                vec![
                    Cell::Text(format!("problem {}", row.problem)),
                    Cell::Count(row.families),
                ]
            })
            .collect();
        table.rows.push(vec![
            NEVER_OTHERWISE.into(),
            Cell::Count(projection.never_otherwise),
        ]);
        Some(table)
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

    /// One table per breakdown: by one attribute, a row per value; by two,
    /// a cross table per figure; by more, a row per combination.
    fn breakdown_tables(&self) -> Vec<Table> {
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
                        let title = format!("{name} by {first} and {second}");
                        let mut table = Table::new(&title, title.clone(), &[]);
                        table.header = vec![format!("{first} \\ {second}")];
                        table.header.extend(columns.iter().map(value_name));
                        table.header.push("total".to_string());
                        let cell = |row: &Option<String>, column: &Option<String>| {
                            groups
                                .get(&vec![row.clone(), column.clone()])
                                .map_or(0, figure)
                        };
                        table.rows = rows
                            .iter()
                            .map(|row| {
                                let mut cells = vec![Cell::Text(value_name(row))];
                                cells.extend(
                                    columns.iter().map(|column| Cell::Count(cell(row, column))),
                                );
                                let total: u64 =
                                    columns.iter().map(|column| cell(row, column)).sum();
                                cells.push(Cell::Count(total));
                                cells
                            })
                            .collect();
                        let mut totals = vec![Cell::from("total")];
                        totals.extend(columns.iter().map(|column| {
                            Cell::Count(rows.iter().map(|row| cell(row, column)).sum())
                        }));
                        totals.push(Cell::Count(figure(&self.cohort.totals)));
                        table.rows.push(totals);
                        table
                    })
                    .collect()
            }
            _ => {
                let title = format!("By {}", by.join(", "));
                let mut table = Table::new(&title, title.clone(), &[]);
                table.header = by.clone();
                table
                    .header
                    .extend(ROW_FIGURES.iter().map(|name| name.to_string()));
                table.rows = groups
                    .iter()
                    .map(|(key, counts)| {
                        let mut row: Vec<Cell> = key
                            .iter()
                            .map(|value| Cell::Text(value_name(value)))
                            .collect();
                        row.extend(figures(counts));
                        row
                    })
                    .collect();
                let mut total = vec![Cell::from("total")];
                total.extend(by.iter().skip(1).map(|_| Cell::Empty));
                total.extend(figures(&self.cohort.totals));
                table.rows.push(total);
                vec![table]
            }
        }
    }

    /// The families each indicator of the plan identified, in plan order,
    /// with the indicator's code and data source: a family counts under
    /// every indicator that fired for it, so the rows add up to more than
    /// the families identified.
    fn indicator_table(&self) -> Table {
        // Every family an indicator counts is identified: that column
        // would repeat `families`.
        let shown = |column: &&str| *column != "identified";
        let mut header = vec!["indicator", "code", "title", "source"];
        header.extend(ROW_FIGURES.iter().copied().filter(shown));
        let mut table = Table::new(
            "by_indicator",
            "By indicator: the families each indicator identified (a family counts under every indicator that fired)",
            &header,
        );
        let text = |value: &Option<String>| value.clone().map_or(Cell::Empty, Cell::Text);
        table.rows = self
            .figures
            .by_indicator
            .iter()
            .map(|group| {
                let mut row = vec![
                    Cell::Text(format!("{}.{}", group.problem, group.indicator)),
                    text(&group.code),
                    Cell::Text(group.title.clone()),
                    text(&group.source),
                ];
                row.extend(
                    ROW_FIGURES
                        .iter()
                        .zip(figures(&group.counts))
                        .filter(|(column, _)| shown(column))
                        .map(|(_, cell)| cell),
                );
                row
            })
            .collect();
        table
    }

    /// Every table of the report, in the order the text prints them: what
    /// `--format csv` and `--xlsx` write.
    fn tables(&self) -> Vec<Table> {
        let mut tables = vec![
            self.totals_table(),
            self.payable_table(),
            self.claim_rate_table(),
            self.outcomes_table(),
        ];
        tables.extend(self.headline_table());
        tables.extend(self.year_target_table());
        tables.push(self.projection_table());
        tables.extend(self.window_table());
        tables.extend(self.never_table());
        tables.extend(self.breakdown_tables());
        tables.push(self.indicator_table());
        tables
    }

    fn text(&self) -> String {
        let mut out = format!("Cohort report: {}\n\nFamilies\n", self.title());
        out.push_str(&self.totals_table().text("  "));
        out.push_str("\nPayable\n");
        out.push_str(&self.payable_table().text("  "));
        if let Some(note) = self.payable_note() {
            out.push_str(&format!("  {note}\n"));
        }
        out.push_str(&format!("\nClaim rate\n  {}\n", self.claim_rate_line()));
        out.push_str(&format!(
            "\nOutcomes: {} attached with problems tracked, each problem by whether its progress holds and is sustained\n",
            families(self.cohort.outcomes.tracked)
        ));
        out.push_str(&self.outcomes_table().text("  "));
        out.push_str(&format!("  {}\n", self.outcomes_line()));
        if let Some(table) = self.headline_table() {
            out.push_str(&format!("\n{}\n", table.caption));
            out.push_str(&table.text("  "));
        }
        if let Some(table) = self.year_target_table() {
            out.push_str(&format!("\n{YEAR_TARGETS}\n"));
            out.push_str(&table.text("  "));
            out.push_str(&self.earned_basis());
        }
        out.push_str(&format!(
            "\nProjection: {} attached, neither claimable nor claimed, by the month they become claimable if their progress holds\n",
            families(self.figures.projection.tracked)
        ));
        out.push_str(&self.projection_table().text("  "));
        if let Some(table) = self.window_table() {
            out.push_str(&format!("\n{}\n", self.window_title()));
            out.push_str(&table.text("  "));
        }
        if let Some(table) = self.never_table() {
            out.push_str(&format!(
                "\nNever without a change: {}, {NEVER_BY}\n",
                families(self.figures.projection.never)
            ));
            out.push_str(&table.text("  "));
        }
        for table in self.breakdown_tables() {
            out.push_str(&format!("\n{}\n", table.caption));
            out.push_str(&table.text("  "));
        }
        let indicators = self.indicator_table();
        out.push_str(&format!("\n{}\n", indicators.caption));
        out.push_str(&indicators.text("  "));
        if self.cohort.refused > 0 {
            let records = if self.cohort.refused == 1 {
                "record is"
            } else {
                "records are"
            };
            out.push_str(&format!(
                "\n{} refused {records} in no figure but `read` and `refused`.\n",
                thousands(self.cohort.refused)
            ));
        }
        out
    }

    /// The page: what it is of (plan, version, digest, the as-of and the
    /// generation day), a glossary, the chart and every table.
    fn html(&self, generated: NaiveDate) -> String {
        let header = self.plan.header();
        let version = header
            .version
            .as_ref()
            .map(|version| format!(", version {}", escape_html(version)))
            .unwrap_or_default();
        let mut body = format!(
            "<header>\n<h1>Cohort report: {name}</h1>\n<p class=\"sub\">Plan <strong>{name}</strong>{version}; digest <code>{digest}</code>.<br>Decided as of <strong>{as_of}</strong>; generated on {generated}.</p>\n</header>\n",
            name = escape_html(&header.name),
            digest = escape_html(self.plan.digest()),
            as_of = self.as_of,
        );
        body.push_str(GLOSSARY);
        body.push_str("<section>\n<h2>Families</h2>\n");
        body.push_str(&self.totals_table().html());
        body.push_str("</section>\n<section>\n<h2>Payable</h2>\n");
        body.push_str(&self.payable_table().html());
        if let Some(note) = self.payable_note() {
            body.push_str(&format!("<p>{}</p>\n", escape_html(&note)));
        }
        body.push_str(&format!(
            "</section>\n<section>\n<h2>Claim rate</h2>\n<p>{}</p>\n</section>\n",
            escape_html(&self.claim_rate_line())
        ));
        body.push_str(&format!(
            "<section>\n<h2>Outcomes</h2>\n<p>{}.</p>\n",
            escape_html(&self.outcomes_line())
        ));
        body.push_str(&self.outcomes_table().html());
        if let Some(table) = self.headline_table() {
            body.push_str(&table.html());
        }
        body.push_str("</section>\n");
        if let Some(table) = self.year_target_table() {
            body.push_str(&format!(
                "<section>\n<h2>Funding years</h2>\n<p>{}.</p>\n",
                escape_html(YEAR_TARGETS)
            ));
            body.push_str(&table.html());
            for line in self.earned_basis().lines() {
                body.push_str(&format!("<p>{}</p>\n", escape_html(line.trim())));
            }
            body.push_str("</section>\n");
        }
        body.push_str(&format!(
            "<section>\n<h2>Projection</h2>\n<p>{} attached, neither claimable nor claimed, by the month they become claimable if their progress holds.</p>\n",
            escape_html(&families(self.figures.projection.tracked))
        ));
        body.push_str(&chart::Chart::of(self).svg());
        let never = self.cohort.projection.never;
        body.push_str(&format!(
            "<p class=\"never\"><strong>{}</strong> never {} claimable without a change: shown apart, not on the chart.</p>\n",
            escape_html(&families(never)),
            if never == 1 { "becomes" } else { "become" }
        ));
        body.push_str(&self.projection_table().html());
        if let Some(table) = self.window_table() {
            body.push_str(&format!("<p>{}.</p>\n", escape_html(&self.window_title())));
            body.push_str(&table.html());
        }
        if let Some(table) = self.never_table() {
            body.push_str(&table.html());
        }
        body.push_str("</section>\n");
        for table in self.breakdown_tables() {
            body.push_str(&format!(
                "<section>\n<h2>{}</h2>\n",
                escape_html(&table.caption)
            ));
            body.push_str(&table.html());
            body.push_str("</section>\n");
        }
        body.push_str("<section>\n<h2>By indicator</h2>\n");
        body.push_str(&self.indicator_table().html());
        body.push_str("</section>\n");
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
            escape_html(&format!("Cohort report: {}", self.title()))
        )
    }
}

/// The figures of a breakdown row, in [`ROW_FIGURES`] order.
fn figures(counts: &Counts) -> Vec<Cell> {
    let mut cells: Vec<Cell> = [
        counts.families,
        counts.identified,
        counts.eligible,
        counts.attached,
        counts.attached_not_eligible,
        counts.claimable,
        counts.claimed,
        counts.eligible_not_attached,
    ]
    .into_iter()
    .map(Cell::Count)
    .collect();
    cells.push(Cell::Money(counts.results_payable));
    cells
}

/// What the funding years' table shows, in words.
const YEAR_TARGETS: &str = "Claims against each funding year's target: families with a claim recorded in the year up to the day decided keep their places, then the families claimable now fit what is left of the year holding the day, by the day their claim became possible, then family id (as `tfop claims` cuts its file)";

/// The label of the families no claim of which becomes possible.
const NEVER: &str = "never without a change";
/// What the table of those families shows.
const NEVER_BY: &str = "by the problem whose progress will not be sustained without a change (an open spell staying open, a measure that cannot be met as the record stands; a family counts under each)";
/// The row of those families no problem's progress holds back.
const NEVER_OTHERWISE: &str = "no problem: another condition, or only after the last window";
/// The outcomes row of the families with every problem sustained.
const SUCCESSFUL: &str = "every problem sustained (successful outcome)";

const GLOSSARY: &str = "<section class=\"glossary\">\n<h2>Words used here</h2>\n<dl>\n<dt>attachable</dt><dd>Eligible, with every principle of working in place, but not yet attached: the family could be attached today.</dd>\n<dt>principles missing</dt><dd>Eligible (or attached) but some principle of working (a lead worker, a whole-family assessment, a plan) is not in place, so the attachment is not valid.</dd>\n<dt>claimable</dt><dd>Attached, and a claim for results could be made now: every condition of the claim holds as of the day.</dd>\n<dt>never without a change</dt><dd>Attached families no claim of which becomes possible on their record as it stands (or only after the last claim window).</dd>\n</dl>\n</section>\n";

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

const STYLE: &str = "body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; color: #1b1b1b; line-height: 1.4; }
h1 { margin-bottom: 0; font-size: 1.6rem; }
.sub { color: #444; margin-top: 0.25rem; }
code { font-size: 0.85em; word-break: break-all; }
h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; font-size: 1.25rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; color: #333; }
th, td { padding: 0.2rem 0.7rem; border-bottom: 1px solid #e5e5e5; text-align: left; }
thead th { background: #f3f3f3; }
tbody th { font-weight: normal; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.never { background: #f6f6f6; border-left: 4px solid #8c8c8c; padding: 0.4rem 0.8rem; }
figure { margin: 0.5rem 0; overflow-x: auto; }
figcaption { color: #444; font-size: 0.9rem; }
svg { display: block; font-family: system-ui, sans-serif; }
svg .axis { stroke: #444; }
svg .grid { stroke: #e3e3e3; }
svg .tick { font-size: 11px; }
svg .tick.left { text-anchor: end; }
svg .axis-title { font-size: 12px; text-anchor: middle; fill: #333; }
svg .count { font-size: 10px; text-anchor: middle; fill: #333; }
svg .month { font-size: 11px; text-anchor: end; }
svg .legend { font-size: 12px; }
svg .window { stroke: #b00020; stroke-dasharray: 4 3; }
svg .window-label { font-size: 10px; text-anchor: middle; fill: #b00020; }
svg .cumulative { fill: none; stroke: #1b1b1b; stroke-width: 2; }
svg .target { stroke: #b00020; stroke-width: 1.5; stroke-dasharray: 8 4; }
svg .target-label { font-size: 11px; text-anchor: end; fill: #b00020; }
@media print {
  body { margin: 0; max-width: none; }
  h2, caption { break-after: avoid; page-break-after: avoid; }
  section, table, figure, tr { break-inside: avoid; page-break-inside: avoid; }
}
";

/// `1 family`, `12,800 families`: the sentences of the text and the page
/// group thousands as their tables' readers do.
fn families(count: u64) -> String {
    if count == 1 {
        "1 family".to_string()
    } else {
        format!("{} families", thousands(count))
    }
}

fn bucket_name(bucket: ProjectionBucket) -> String {
    match bucket {
        ProjectionBucket::Month(month) => month.to_string(),
        ProjectionBucket::Later(month) => format!("{month} or later"),
    }
}

/// `a`, `b` and `c` in backquotes, or "none" for no names.
fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|name| format!("`{name}`")).collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// The day the page is generated on: `SOURCE_DATE_EPOCH` when set (for a
/// page that is the same on every run), else today (UTC).
fn generation_day() -> NaiveDate {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|epoch| epoch.trim().parse::<u64>().ok())
        .or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|since| since.as_secs())
        })
        .unwrap_or(0);
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::try_days(days)?))
        .unwrap_or_default()
}

fn value_name(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "(none)".to_string())
}

pub(crate) fn report(request: &ReportRequest) -> Exit {
    let plans = match load_plans(request.plans, request.as_of, request.versions_by) {
        Ok(plans) => plans,
        Err(exit) => return exit,
    };
    // The cohort's plan-wide figures (fee, claim windows, funding) are the
    // version's in force on the day decided; each family's decision is its
    // own version's.
    let Ok(plan) = plans.for_as_of(request.as_of) else {
        return Exit::Failure;
    };
    let blocks = match blocks(request.families) {
        Ok(blocks) => blocks,
        Err(exit) => return exit,
    };
    let mut cohort = Cohort::new(request.by.clone());
    let as_of = request.as_of;
    let years = YearClaims::new(plan, as_of);
    let mut tally = YearTally::default();
    let mut progress = Progress::start(false);
    let decided = work_all(
        request.families,
        blocks,
        |record| -> Result<Decided, tfop::Refusal> {
            let (version, family) = plans.choose(|vocab| record.read(vocab), as_of)?;
            let decision = plans.evaluate(version, &family, as_of);
            let claims = years.of(version, &family, &decision);
            Ok((family.attributes, decision, claims))
        },
        |decided| match decided {
            Ok((_, decision, _)) => Some(decision.family.as_str()),
            Err(refusal) => refusal.family.as_deref(),
        },
        |record, outcome| {
            let outcome = outcome.and_then(|decided| decided);
            progress.record(outcome.is_err());
            match outcome {
                Ok((attributes, decision, claims)) => {
                    tally.add(claims);
                    cohort.add(&attributes, &decision)
                }
                Err(refusal) => {
                    progress.aside(|| report_refusal(request.families, record, &refusal));
                    cohort.add_refused()
                }
            }
            .map_err(|error| {
                eprintln!("error: {error}");
                Exit::Failure
            })
        },
    );
    drop(progress);
    if let Err(exit) = decided {
        return exit;
    }
    let unknown = cohort.unknown_by();
    if !unknown.is_empty() && cohort.totals.families > 0 {
        for (name, near) in unknown {
            let advice = match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "the families' attributes are {}",
                    list(cohort.attribute_names.iter().map(String::as_str))
                ),
            };
            eprintln!("error: --by `{name}`: no family has this attribute; {advice}");
        }
        return Exit::Failure;
    }
    let target = request.target.or_else(|| {
        plan.funding()
            .and_then(|funding| funding.target)
            .map(u64::from)
    });
    let mut figures = match cohort.report(plan, as_of, target) {
        Ok(figures) => figures,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::Failure;
        }
    };
    figures.year_targets = match years.earnings(&tally, super::funding::year_payment(plan)) {
        Ok(years) => years,
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
    if let Some(target) = request.html {
        let page = report.html(generation_day());
        if let Err(exit) = emit(request.outputs, target.file(), page.as_bytes()) {
            return exit;
        }
    }
    if let Some(target) = request.xlsx {
        if let Err(exit) = write_xlsx(target, &report.tables(), request.outputs) {
            return exit;
        }
    }
    let printed = match request.format {
        ReportFormat::Text => report.text(),
        ReportFormat::Html => report.html(generation_day()),
        ReportFormat::Json => match json_document(&report.figures) {
            Ok(json) => json,
            Err(exit) => return exit,
        },
        ReportFormat::Csv => {
            let Some(folder) = request.output else {
                eprintln!(
                    "error: --format csv writes a file per table; name their folder with -o DIR"
                );
                return Exit::Failure;
            };
            if let Err(exit) = write_csv_folder(folder, &report.tables(), request.outputs) {
                return exit;
            }
            String::new()
        }
    };
    let written = match (request.format, request.output) {
        (ReportFormat::Csv, _) => Ok(()),
        (_, output) => emit(request.outputs, output, printed.as_bytes()),
    };
    if let Err(exit) = written {
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
