//! `tfop funding`: the envelope a plan's funding block implies.

use super::Exit;
use super::claims::{FamilyYears, NOTHING_TO_CLAIM, YearClaims, YearTally};
use super::eval::{report_refusal, work_all};
use super::files::{blocks, load_plan, load_plans};
use super::progress::Progress;
use super::render::{Format, emit, json_document, table};
use chrono::NaiveDate;
use std::path::Path;
use tfop::cohort::{
    Earned, Envelope, ResultsYearFunding, YearEarnings, outcome_payment, plan_envelope, pounds,
};
use tfop::num::Pence;
use tfop::{Plan, Rounding, VersionsBy};

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
            plan: tfop::PlanRef::of(plan),
            nothing_to_claim: NOTHING_TO_CLAIM,
        }) {
            Ok(json) => json,
            Err(exit) => return exit,
        },
    };
    match emit(outputs, output, printed.as_bytes()) {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}

/// What `tfop funding` was asked for.
pub(crate) struct FundingRequest<'a> {
    pub(crate) plan: &'a Path,
    /// Families and the day to decide them as of: what each year with a
    /// target has earned, can claim and still has at risk.
    pub(crate) cohort: Option<(&'a Path, NaiveDate)>,
    pub(crate) format: Format,
    pub(crate) output: Option<&'a Path>,
}

/// Decides the families as of the day and counts them against each funding
/// year with a target, as `tfop report` does; `Ok(None)` when the plan pays
/// no outcome claim (on earned autonomy the successful outcomes are
/// counted, at no money). Refusals are reported and counted.
fn earned(
    request: &FundingRequest,
    plan: &Plan,
    (families, as_of): (&Path, NaiveDate),
    refused: &mut u64,
) -> Result<Option<Earned>, Exit> {
    let pays = outcome_payment(plan);
    if pays.is_none() && !plan.settings().earned_autonomy {
        return Ok(None);
    }
    let plans = load_plans(&[request.plan.to_path_buf()], as_of, VersionsBy::default())?;
    let years = YearClaims::new(plan, as_of);
    let mut tally = YearTally::default();
    let mut progress = Progress::start(false);
    let decided = work_all(
        families,
        blocks(families)?,
        |record| {
            let (version, family) = plans.choose(|vocab| record.read(vocab), as_of)?;
            let decision = plans.evaluate(version, &family, as_of);
            Ok(years.of(version, &family, &decision))
        },
        |decided: &Result<FamilyYears, tfop::Refusal>| match decided {
            Ok(family) => Some(family.family()),
            Err(refusal) => refusal.family.as_deref(),
        },
        |record, outcome| {
            let outcome = outcome.and_then(|decided| decided);
            progress.record(outcome.is_err());
            match outcome {
                Ok(family) => tally.add(family),
                Err(refusal) => {
                    *refused += 1;
                    progress.aside(|| report_refusal(families, record, &refusal));
                }
            }
            Ok(())
        },
    );
    drop(progress);
    decided?;
    let years = years.earnings(&tally, pays).map_err(|error| {
        eprintln!("error: {}: {error}", request.plan.display());
        Exit::Failure
    })?;
    Ok(Some(Earned {
        as_of,
        outcome_payment: pays,
        years,
    }))
}

/// The years' targets as a cohort uses them, in money.
fn earned_text(earned: &Earned) -> String {
    if earned.years.is_empty() {
        return format!(
            "\n  as of {}: no funding year with a target has begun\n",
            earned.as_of
        );
    }
    let header: Vec<String> = [
        "year",
        "target",
        "claimed",
        "claimable now",
        "left",
        "earned",
        "claimable",
        "at risk",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    let rows: Vec<Vec<String>> = earned
        .years
        .iter()
        .map(|year| {
            vec![
                year.used.year.clone(),
                year.used.target.to_string(),
                year.used.claimed_before.to_string(),
                year.used.in_file.to_string(),
                year.used.left.to_string(),
                pounds(year.earned),
                pounds(year.claimable),
                pounds(year.at_risk),
            ]
        })
        .collect();
    let mut out = format!(
        "\n  as of {}, each year's target: families with a claim recorded in the year keep their places, then the claims possible now fit what is left (as `tfop claims` cuts its file):\n",
        earned.as_of
    );
    out.push_str(&table("  ", &header, &rows));
    out.push_str(&earned_basis(earned.outcome_payment, &earned.years));
    out
}

/// What a claim recorded in a target year earns when its record states no
/// `paid`: the outcome claim, nothing for a plan that pays none, and `None`
/// on earned autonomy, where nothing is on results.
pub(crate) fn year_payment(plan: &Plan) -> Option<Pence> {
    match outcome_payment(plan) {
        None if !plan.settings().earned_autonomy => Some(Pence(0)),
        pays => pays,
    }
}

/// What the `earned` column assumes, year by year: which claims were taken
/// at their record's `paid`, which at the outcome claim (`pays`; `None` on
/// earned autonomy), and which earn nothing past the target.
pub(crate) fn earned_basis(pays: Option<Pence>, years: &[YearEarnings]) -> String {
    let claims = |count: u64| match count {
        1 => "1 claim".to_string(),
        _ => format!("{count} claims"),
    };
    let Some(pays) = pays else {
        return "  earned autonomy: the funding is paid up front, so nothing is earned, claimable or at risk on results; `claimable now` counts the families with a successful family outcome against the target, and claims are not_applicable\n".to_string();
    };
    let mut out = format!(
        "  earned: each claim recorded in the year, by its day then family id, up to the target, at the `paid` its record states, else at the outcome claim's {}; a claim past the target earns nothing\n",
        pounds(pays)
    );
    for year in years {
        if year.used.claimed_before == 0 {
            continue;
        }
        out.push_str(&format!(
            "  {}: {} at the `paid` recorded, {} at {} (no `paid` recorded), {} past the target\n",
            year.used.year,
            claims(year.paid_as_recorded),
            claims(year.paid_assumed),
            pounds(pays),
            claims(year.past_target)
        ));
    }
    out
}

pub(crate) fn funding(request: &FundingRequest, outputs: &super::output::Outputs) -> Exit {
    let (path, format, output) = (request.plan, request.format, request.output);
    let plan = match load_plan(path) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let Some(envelope) = plan_envelope(&plan) else {
        if plan.pays_nothing() {
            return nothing_to_claim(&plan, format, output, outputs);
        }
        eprintln!(
            "error: {} has no funding block; add one, e.g. `funding {{ nominated 705 families deadweight 1/6 rounded up per family £4000 … }}` (see the README's Funding section)",
            path.display()
        );
        return Exit::Failure;
    };
    let envelope = match envelope {
        Ok(envelope) => envelope,
        Err(error) => {
            eprintln!("error: {}: {error}", path.display());
            return Exit::Failure;
        }
    };
    let mut refused = 0u64;
    let earned = match request.cohort {
        Some(cohort) => match earned(request, &plan, cohort, &mut refused) {
            Ok(earned) => earned,
            Err(exit) => return exit,
        },
        None => None,
    };
    let printed = match format {
        Format::Text => {
            let mut out = text(&plan, &envelope);
            if let Some(earned) = &earned {
                out.push_str(&earned_text(earned));
            }
            out
        }
        Format::Json => {
            let mut report = envelope.report(&plan);
            report.earned = earned;
            match json_document(report) {
                Ok(json) => json,
                Err(exit) => return exit,
            }
        }
    };
    match emit(outputs, output, printed.as_bytes()) {
        Ok(()) if refused > 0 => Exit::SomeRefused,
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}
