//! `tfop explain --format html`: the audit pack, a printable page per
//! family (one, several, or every claimable family of a claim window),
//! rendered by the library from the structured explanation.

use super::Exit;
use super::eval::report_refusal;
use super::files::{input_failed, load_plans, records};
use super::output::Outputs;
use super::render::{Format, emit};
use chrono::NaiveDate;
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use tfop::cohort::{check_window, claim_lines};
use tfop::explanation::html_document;
use tfop::{Explanation, PlanSet};

/// How `tfop explain` writes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainFormat {
    /// Words.
    Text,
    /// The same explanation as data.
    Json,
    /// A self-contained, printable page per family: the audit pack.
    Html,
}

/// What `tfop explain` was asked for.
pub(crate) struct ExplainRequest<'a> {
    /// The plan's versions (one, or several by their `effective` days).
    pub(crate) plans: &'a [PathBuf],
    /// Which version decides an attached family.
    pub(crate) versions_by: tfop::VersionsBy,
    pub(crate) families: &'a Path,
    /// The families asked for by id, in the order given.
    pub(crate) wanted: &'a [String],
    pub(crate) as_of: Option<NaiveDate>,
    /// Every claimable family of this claim window instead.
    pub(crate) window: Option<NaiveDate>,
    pub(crate) format: ExplainFormat,
    pub(crate) output: Option<&'a Path>,
    pub(crate) outputs: &'a Outputs,
}

fn usage(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::Failure
}

pub(crate) fn explain(request: &ExplainRequest) -> Exit {
    let day = match (request.as_of, request.window) {
        (Some(day), None) | (None, Some(day)) => day,
        _ => {
            return usage(
                "give the day as --as-of DAY, or --window DAY for every claimable family of a claim window",
            );
        }
    };
    if request.window.is_none() && request.wanted.is_empty() {
        return usage("name a family with --family ID, or give --window DAY");
    }
    if request.format != ExplainFormat::Html {
        let single = match (request.wanted, request.window) {
            ([family], None) => family,
            _ => {
                return usage(
                    "text and json explain one family: give --format html for several or for a --window",
                );
            }
        };
        if request.output.is_some() {
            return usage("-o writes the html audit pack: give --format html");
        }
        let format = match request.format {
            ExplainFormat::Json => Format::Json,
            ExplainFormat::Text | ExplainFormat::Html => Format::Text,
        };
        return super::eval::explain(
            request.plans,
            request.versions_by,
            request.families,
            single,
            day,
            format,
        );
    }
    let plans = match load_plans(request.plans, day, request.versions_by) {
        Ok(plans) => plans,
        Err(exit) => return exit,
    };
    // load_plans has made sure a version is in force on the day.
    let Ok(plan) = plans.for_as_of(day) else {
        return Exit::Failure;
    };
    if let Some(window) = request.window {
        if let Err(error) = check_window(plan, window) {
            return usage(&format!("--window {error}; give a window's day"));
        }
    }
    let (explanations, refused) = match explanations(&plans, request, day) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let title = match request.window {
        Some(window) => format!(
            "Audit pack: the claimable families of the claim window {window}, under {}",
            plan.header().name
        ),
        None => format!("Audit pack as of {day}, under {}", plan.header().name),
    };
    let page = html_document(&title, &explanations);
    let written = emit(request.outputs, request.output, page.as_bytes());
    match written {
        Err(exit) => exit,
        Ok(()) if refused => Exit::SomeRefused,
        Ok(()) => Exit::Success,
    }
}

/// The explanations asked for, in the order asked (by id) or of the input
/// (a window's claimable families), and whether a record was refused. A
/// family asked for by id that is missing or refused is an error.
fn explanations(
    plans: &PlanSet,
    request: &ExplainRequest,
    day: NaiveDate,
) -> Result<(Vec<Explanation>, bool), Exit> {
    let records = records(request.families)?;
    let mut found: Vec<(String, Explanation)> = Vec::new();
    let mut refused = false;
    for record in records {
        let record = record.map_err(|error| input_failed(request.families, &error))?;
        let by_id = request.window.is_none();
        let id = record.family_id();
        // Asked by id: only the families asked for are read.
        if by_id && !id.as_ref().is_some_and(|id| request.wanted.contains(id)) {
            continue;
        }
        let (plan, family) = match plans.choose(|vocab| record.read(vocab), day) {
            Ok(chosen) => chosen,
            Err(refusal) => {
                report_refusal(request.families, &record, &refusal);
                if by_id {
                    return Err(Exit::Failure);
                }
                refused = true;
                continue;
            }
        };
        if !by_id && claim_lines(&plan.evaluate(&family, day)).is_empty() {
            continue;
        }
        found.push((family.id.clone(), plans.explain(plan, &family, day)));
    }
    if request.window.is_some() {
        return Ok((
            found
                .into_iter()
                .map(|(_, explanation)| explanation)
                .collect(),
            refused,
        ));
    }
    let mut ordered = Vec::with_capacity(request.wanted.len());
    for wanted in request.wanted {
        match found.iter().find(|(id, _)| id == wanted) {
            Some((_, explanation)) => ordered.push(explanation.clone()),
            None => {
                eprintln!(
                    "error: no family `{wanted}` in {}",
                    request.families.display()
                );
                return Err(Exit::Failure);
            }
        }
    }
    Ok((ordered, refused))
}
