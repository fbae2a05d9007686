//! `tfop funding`: the envelope a plan's funding block implies.

use super::Exit;
use super::claims::NOTHING_TO_CLAIM;
use super::files::load_plan;
use super::render::{Format, emit, json_document, table};
use std::path::Path;
use tfop::cohort::{Envelope, ResultsYearFunding, envelope, pounds};
use tfop::num::Pence;
use tfop::{Plan, Rounding};

fn optional_pounds(amount: Option<Pence>) -> String {
    amount.map_or_else(|| "—".to_string(), pounds)
}

fn optional_count(count: Option<u32>) -> String {
    count.map_or_else(|| "—".to_string(), |count| count.to_string())
}

fn text(plan: &Plan, envelope: &Envelope) -> String {
    let header = plan.header();
    let version = header
        .version
        .as_ref()
        .map(|version| format!(" (version {version})"))
        .unwrap_or_default();
    let mut out = format!("Funding envelope: {}{version}\n\n", header.name);
    let deadweight = plan
        .funding()
        .and_then(|funding| funding.deadweight)
        .map_or_else(
            || "none".to_string(),
            |deadweight| {
                let rounding = match deadweight.rounding {
                    Rounding::Up => "up",
                    Rounding::Down => "down",
                    Rounding::Nearest => "to nearest",
                };
                format!(
                    "{}/{}, rounded {rounding}",
                    deadweight.numerator, deadweight.denominator
                )
            },
        );
    let summary = vec![
        vec![
            "nominated families".to_string(),
            optional_count(envelope.nominated),
        ],
        vec!["deadweight".to_string(), deadweight],
        vec![
            "funded families".to_string(),
            optional_count(envelope.funded),
        ],
        vec![
            "per family".to_string(),
            optional_pounds(envelope.per_family),
        ],
        vec![
            "target (families to turn around)".to_string(),
            optional_count(envelope.target),
        ],
    ];
    out.push_str(&table("  ", &["".into(), "".into()], &summary));
    if !envelope.years.is_empty() {
        // A Supporting Families block states lump sums and targets; an
        // older block none, and keeps the columns it always had.
        let up_front = envelope
            .years
            .iter()
            .any(|year| year.lump_sum.is_some() || year.target.is_some());
        let mut header: Vec<String> = [
            "year",
            "families",
            "attachment/family",
            "results/family",
            "attachment",
            "results",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        if up_front {
            header.extend(["lump sum".to_string(), "target".to_string()]);
        }
        header.push("total".to_string());
        let mut rows: Vec<Vec<String>> = envelope
            .years
            .iter()
            .map(|year| {
                let mut row = vec![
                    year.label.clone(),
                    optional_count(year.families),
                    optional_pounds(year.attachment_per_family),
                    optional_pounds(year.results_per_family),
                    optional_pounds(year.attachment),
                    optional_pounds(year.results),
                ];
                if up_front {
                    row.extend([optional_pounds(year.lump_sum), optional_count(year.target)]);
                }
                row.push(optional_pounds(year.total));
                row
            })
            .collect();
        let mut total = vec![
            "total".to_string(),
            envelope.total_families.to_string(),
            String::new(),
            String::new(),
            pounds(envelope.total_attachment),
            pounds(envelope.total_results),
        ];
        if up_front {
            let targets: u64 = envelope
                .years
                .iter()
                .filter_map(|year| year.target)
                .map(u64::from)
                .sum();
            total.extend([pounds(envelope.total_lump_sum), targets.to_string()]);
        }
        total.push(pounds(envelope.total));
        rows.push(total);
        out.push('\n');
        out.push_str(&table("  ", &header, &rows));
    }
    out.push_str(&results_years(&envelope.report(plan).results_years));
    out.push_str(&format!(
        "\n  amount at risk (the results payments): {}\n",
        pounds(envelope.at_risk())
    ));
    if !envelope.claim_windows.is_empty() {
        let days: Vec<String> = envelope
            .claim_windows
            .iter()
            .map(|day| day.to_string())
            .collect();
        out.push_str(&format!(
            "  claim windows ({}): {}\n",
            days.len(),
            days.join(", ")
        ));
    }
    for note in &envelope.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}

/// The results block's years: what each claim pays a family by the funding
/// year of its attachment, and whether the cap is the year's results share.
fn results_years(years: &[ResultsYearFunding]) -> String {
    let Some(first) = years.first() else {
        return String::new();
    };
    let mut header = vec!["attached in".to_string(), "cap".to_string()];
    header.extend(first.year.amounts.iter().map(|line| line.claim.clone()));
    let rows: Vec<Vec<String>> = years
        .iter()
        .map(|year| {
            let mut row = vec![year.year.label.clone(), optional_pounds(year.year.cap)];
            row.extend(year.year.amounts.iter().map(|line| pounds(line.amount)));
            row
        })
        .collect();
    let mut out = String::from("\n  results a family, by the funding year of its attachment:\n");
    out.push_str(&table("  ", &header, &rows));
    for year in years {
        if let (Some(false), Some(cap), Some(funded)) = (
            year.cap_matches_funding,
            year.year.cap,
            year.funded_results_per_family,
        ) {
            out.push_str(&format!(
                "  note: a family attached in `{}` is capped at {} of results, but the funding block pays {} a family that year\n",
                year.year.label,
                pounds(cap),
                pounds(funded)
            ));
        }
    }
    out
}

/// The envelope of a plan that pays nothing: a plain statement, exit 0.
fn nothing_to_claim(
    plan: &Plan,
    format: Format,
    output: Option<&Path>,
    outputs: &super::output::Outputs,
) -> Exit {
    #[derive(serde::Serialize)]
    struct NothingToClaim<'a> {
        plan: tfop::PlanRef,
        nothing_to_claim: &'a str,
    }
    let header = plan.header();
    let printed = match format {
        Format::Text => {
            let version = header
                .version
                .as_ref()
                .map(|version| format!(" (version {version})"))
                .unwrap_or_default();
            format!(
                "Funding envelope: {}{version}\n\n  {NOTHING_TO_CLAIM}; it has no funding block\n",
                header.name
            )
        }
        Format::Json => match json_document(NothingToClaim {
            plan: tfop::PlanRef {
                name: header.name.clone(),
                version: header.version.clone(),
                digest: plan.digest().to_string(),
                versions_by: None,
            },
            nothing_to_claim: NOTHING_TO_CLAIM,
        }) {
            Ok(json) => json,
            Err(exit) => return exit,
        },
    };
    match emit(outputs, output, &printed) {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}

pub(crate) fn funding(
    path: &Path,
    format: Format,
    output: Option<&Path>,
    outputs: &super::output::Outputs,
) -> Exit {
    let plan = match load_plan(path) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let Some(funding) = plan.funding() else {
        if plan.pays_nothing() {
            return nothing_to_claim(&plan, format, output, outputs);
        }
        eprintln!(
            "error: {} has no funding block; add one, e.g. `funding {{ nominated 705 families deadweight 1/6 rounded up per family £4000 … }}` (see the README's Funding section)",
            path.display()
        );
        return Exit::Failure;
    };
    let envelope = match envelope(funding) {
        Ok(envelope) => envelope,
        Err(error) => {
            eprintln!("error: {}: {error}", path.display());
            return Exit::Failure;
        }
    };
    let printed = match format {
        Format::Text => text(&plan, &envelope),
        Format::Json => match json_document(envelope.report(&plan)) {
            Ok(json) => json,
            Err(exit) => return exit,
        },
    };
    match emit(outputs, output, &printed) {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}
