//! `tfop claims`: the claim file of a claim window, as CSV or JSON Lines,
//! with its totals by route on standard error.

use super::Exit;
use super::eval::{report_refusal, work_all};
use super::files::{blocks, load_plans};
use super::output::Outputs;
use super::progress::Progress;
use super::render::emit;
use chrono::NaiveDate;
use clap::ValueEnum;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tfop::cohort::{
    ClaimLine, ClaimTotals, EnvelopeError, TargetUse, YearEarnings, check_window, claim_lines,
    pounds, successful_since, within_target,
};
use tfop::num::Pence;
use tfop::{Decision, Family, Plan, PlanSet, RecordedClaim, YearTarget};

/// How the claim file is written.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ClaimsFormat {
    /// A header, then one row a claim, the family's attributes as columns.
    Csv,
    /// One JSON object a claim, the family's attributes under `attributes`.
    Jsonl,
}

/// What `tfop claims` was asked for.
pub(crate) struct ClaimsRequest<'a> {
    /// The plan's versions (one, or several by their `effective` days, as
    /// `eval --plan`).
    pub(crate) plans: &'a [PathBuf],
    /// Which version decides an attached family.
    pub(crate) versions_by: tfop::VersionsBy,
    pub(crate) families: &'a Path,
    pub(crate) window: NaiveDate,
    pub(crate) format: ClaimsFormat,
    pub(crate) output: Option<&'a Path>,
    pub(crate) outputs: &'a Outputs,
}

/// What `claims` and `funding` say of a plan that pays nothing.
pub(crate) const NOTHING_TO_CLAIM: &str = "nothing to claim: the plan states no claim (`pays`) and no attachment fee, so it tracks outcomes without payment";

/// What `claims` says of a plan on earned autonomy, under its totals.
const EARNED_AUTONOMY: &str = "earned autonomy: the funding is paid up front and every claim is not_applicable, so the file holds none; `tfop report` and `tfop funding` count the successful family outcomes against each year's target";

/// A family's claim lines with its attributes.
type Claimed = (BTreeMap<String, String>, Vec<ClaimLine>);

/// The columns every row has, before the family's attributes.
const COLUMNS: [&str; 12] = [
    "family",
    "route",
    "claim",
    "amount",
    "earliest",
    "window",
    "plan_version",
    "plan_digest",
    "evidence",
    "discretionary",
    "approved_by",
    "approved_on",
];

pub(crate) fn optional_day(day: Option<NaiveDate>) -> String {
    day.map(|day| day.to_string()).unwrap_or_default()
}

fn csv(families: &[Claimed]) -> Result<Vec<u8>, Exit> {
    let rows: Vec<_> = families
        .iter()
        .flat_map(|(attributes, lines)| lines.iter().map(move |line| (attributes, line)))
        .collect();
    csv_with_attributes(&COLUMNS, &rows, "the claim file", |line| {
        vec![
            line.family.clone(),
            line.route.clone(),
            line.claim.clone(),
            line.amount.to_decimal_string(),
            optional_day(line.earliest),
            optional_day(line.window),
            line.plan_version.clone().unwrap_or_default(),
            line.plan_digest.clone(),
            line.evidence.join(" "),
            line.discretionary.to_string(),
            line.approval
                .as_ref()
                .map(|approval| approval.by.clone())
                .unwrap_or_default(),
            optional_day(line.approval.as_ref().map(|approval| approval.date)),
        ]
    })
}

fn jsonl(families: &[Claimed]) -> Result<Vec<u8>, Exit> {
    let rows: Vec<_> = families
        .iter()
        .flat_map(|(attributes, lines)| lines.iter().map(move |line| (attributes, line)))
        .collect();
    jsonl_with_attributes(&rows, "the claim file")
}

/// A worklist row (a claim, a near miss) with the attributes of its family.
pub(crate) type WithAttributes<'a, T> = (&'a BTreeMap<String, String>, &'a T);

/// Rows as CSV: `columns` then one column per attribute any family has
/// (empty where a family has none), so every worklist reads the same way
/// in a spreadsheet.
pub(crate) fn csv_with_attributes<T>(
    columns: &[&str],
    rows: &[WithAttributes<'_, T>],
    what: &str,
    cells: impl Fn(&T) -> Vec<String>,
) -> Result<Vec<u8>, Exit> {
    let attributes: BTreeSet<&str> = rows
        .iter()
        .flat_map(|(attributes, _)| attributes.keys().map(String::as_str))
        .collect();
    let fail = |error: csv::Error| {
        eprintln!("error: cannot write {what}: {error}");
        Exit::Failure
    };
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let header = columns.iter().copied().chain(attributes.iter().copied());
    writer.write_record(header).map_err(fail)?;
    for (values, row) in rows {
        let mut record = cells(row);
        record.extend(
            attributes
                .iter()
                .map(|name| values.get(*name).cloned().unwrap_or_default()),
        );
        writer.write_record(&record).map_err(fail)?;
    }
    writer.into_inner().map_err(|error| {
        eprintln!("error: cannot write {what}: {error}");
        Exit::Failure
    })
}

/// A JSON Lines row: the row's own keys in order, then the attributes.
#[derive(serde::Serialize)]
struct JsonRow<'a, T> {
    #[serde(flatten)]
    row: &'a T,
    attributes: &'a BTreeMap<String, String>,
}

/// Rows as JSON Lines, each family's attributes under `attributes`.
pub(crate) fn jsonl_with_attributes<T: serde::Serialize>(
    rows: &[WithAttributes<'_, T>],
    what: &str,
) -> Result<Vec<u8>, Exit> {
    let mut out = Vec::new();
    for (attributes, row) in rows {
        serde_json::to_writer(
            &mut out,
            &JsonRow {
                row: *row,
                attributes,
            },
        )
        .map_err(|error| {
            eprintln!("error: cannot write {what}: {error}");
            Exit::Failure
        })?;
        out.push(b'\n');
    }
    Ok(out)
}

/// How a year's target is used by the families with a claim recorded in
/// the year (`in_year`, who keep their places) and the families claimable
/// now (each its claim lines) that are not among them: what `claims` cuts
/// its file by and `report` shows for the year holding its day.
pub(crate) fn year_use(
    year: &YearTarget,
    in_year: (usize, impl Fn(&str) -> bool),
    claimable: impl Iterator<Item = Candidate>,
) -> TargetUse {
    let (claimed, in_year) = in_year;
    let candidates = claimable.filter(|(_, family)| !in_year(family)).collect();
    let claimed_before = u64::try_from(claimed).unwrap_or(u64::MAX);
    within_target(year, claimed_before, candidates)
}

/// A family that can take a place in a year's target now: the day its
/// claim became possible (the earliest of its claim lines), and its id.
type Candidate = (Option<NaiveDate>, String);

/// The candidate a family's claim lines make; `None` without any.
fn candidate(lines: &[ClaimLine]) -> Option<Candidate> {
    let first = lines.first()?;
    let earliest = lines.iter().filter_map(|line| line.earliest).min();
    Some((earliest, first.family.clone()))
}

/// The funding years with a target begun by a day (`report`, `funding`
/// with families): what a family decided on the day adds to each.
pub(crate) struct YearClaims {
    as_of: NaiveDate,
    years: Vec<YearTarget>,
}

/// What one family adds to [`YearTally`]: its id, its first claim
/// recorded in each year (up to the day), and whether it can take a place
/// now (its claims possible; on earned autonomy, its successful outcome).
pub(crate) struct FamilyYears {
    family: String,
    in_years: Vec<Option<RecordedClaim>>,
    now: Option<Candidate>,
}

/// The families of a cohort claimed in each year (each with its first claim
/// there) and claimable now.
#[derive(Default)]
pub(crate) struct YearTally {
    claimed_in: Vec<BTreeMap<String, RecordedClaim>>,
    claimable: Vec<Candidate>,
}

impl YearClaims {
    pub(crate) fn new(plan: &Plan, as_of: NaiveDate) -> YearClaims {
        YearClaims {
            as_of,
            years: plan
                .year_targets()
                .into_iter()
                .filter(|year| year.from <= as_of)
                .collect(),
        }
    }

    /// What `family`, decided under `version` on the day, adds; nothing to
    /// work out when no year has a target.
    pub(crate) fn of(&self, version: &Plan, family: &Family, decision: &Decision) -> FamilyYears {
        let in_years = self
            .years
            .iter()
            .map(|year| {
                version.claim_recorded_between(family, year.from, year.until.min(self.as_of))
            })
            .collect();
        let now = if self.years.is_empty() {
            None
        } else if version.settings().earned_autonomy {
            // Claims are `not_applicable`: the successful outcome itself
            // counts against the target.
            successful_since(decision).map(|day| (day, decision.family.clone()))
        } else {
            candidate(&claim_lines(decision))
        };
        FamilyYears {
            family: decision.family.clone(),
            in_years,
            now,
        }
    }

    /// Each year's use of its target: families claimed in it keep their
    /// places, and the claims possible now count against the year holding
    /// the day only (a year past has been claimed as it stands).
    fn uses<'a>(&self, tally: &'a YearTally) -> Vec<(TargetUse, Vec<(&'a str, RecordedClaim)>)> {
        self.years
            .iter()
            .enumerate()
            .map(|(index, year)| {
                let now = (self.as_of <= year.until).then_some(tally.claimable.as_slice());
                let now = now.unwrap_or_default().iter().cloned();
                let claimed = tally.claimed_in.get(index);
                let used = year_use(
                    year,
                    (claimed.map_or(0, BTreeMap::len), |family: &str| {
                        claimed.is_some_and(|claimed| claimed.contains_key(family))
                    }),
                    now,
                );
                let recorded = claimed
                    .into_iter()
                    .flatten()
                    .map(|(family, claim)| (family.as_str(), *claim))
                    .collect();
                (used, recorded)
            })
            .collect()
    }

    /// Each year's use of its target in money at `pays` an outcome (none
    /// on earned autonomy): what the claims recorded earned (their `paid`,
    /// else `pays`; nothing past the target), what the claims possible now
    /// can and what is at risk.
    pub(crate) fn earnings(
        &self,
        tally: &YearTally,
        pays: Option<Pence>,
    ) -> Result<Vec<YearEarnings>, EnvelopeError> {
        self.uses(tally)
            .into_iter()
            .map(|(used, recorded)| YearEarnings::of(used, pays, recorded))
            .collect()
    }
}

impl FamilyYears {
    /// The family's id.
    pub(crate) fn family(&self) -> &str {
        &self.family
    }
}

impl YearTally {
    pub(crate) fn add(&mut self, family: FamilyYears) {
        if self.claimed_in.len() < family.in_years.len() {
            self.claimed_in
                .resize_with(family.in_years.len(), BTreeMap::new);
        }
        for (families, claimed) in self.claimed_in.iter_mut().zip(family.in_years) {
            if let Some(claim) = claimed {
                families.insert(family.family.clone(), claim);
            }
        }
        self.claimable.extend(family.now);
    }
}

/// The year's target on standard error, after the totals: what the claims
/// already made took, what this file takes, what is left, and which
/// families do not fit (by claim day, then family id).
fn target_summary(used: &TargetUse) -> String {
    let mut out = format!(
        "  year {} target {} families: {} claimed before, {} in this file, {} left\n",
        used.year, used.target, used.claimed_before, used.in_file, used.left
    );
    if !used.outside.is_empty() {
        out.push_str(&format!(
            "  outside the year's target, not in this file ({}, by the day the claim became possible, then family id): {}\n",
            used.outside.len(),
            used.outside.join(" ")
        ));
    }
    out
}

/// The totals on standard error, so the file holds claims only.
fn summary(window: NaiveDate, totals: &ClaimTotals) -> String {
    let families = |count: u64| match count {
        1 => "1 family".to_string(),
        _ => format!("{count} families"),
    };
    let claims = |count: u64| match count {
        1 => "1 claim".to_string(),
        _ => format!("{count} claims"),
    };
    let mut out = format!(
        "claim window {window}: {}, {}, {}\n",
        families(totals.total.families),
        claims(totals.total.claims),
        pounds(totals.total.amount)
    );
    for (route, count) in &totals.by_route {
        out.push_str(&format!(
            "  {route}: {}, {}, {}\n",
            families(count.families),
            claims(count.claims),
            pounds(count.amount)
        ));
    }
    out
}

/// Writes a file `tfop claims` made to `-o`, or else to standard output.
pub(crate) fn deliver(request: &ClaimsRequest, bytes: &[u8]) -> Result<(), Exit> {
    emit(request.outputs, request.output, bytes)
}

/// The plan's versions and the families of a run over one claim window
/// (`claims`, `claims --near`): a day that is not one of the windows of the
/// version in force on it is a usage error.
pub(crate) fn window_run(request: &ClaimsRequest) -> Result<(PlanSet, tfop::io::Blocks), Exit> {
    let plans = load_plans(request.plans, request.window, request.versions_by)?;
    // load_plans has made sure a version is in force on the day.
    let plan = plans.for_as_of(request.window).map_err(|_| Exit::Failure)?;
    if plan.pays_nothing() {
        // Not a failure: an outcomes-only plan has no claim file to write,
        // and says so rather than writing an empty one.
        eprintln!("claim window {}: {NOTHING_TO_CLAIM}", request.window);
        return Err(Exit::Success);
    }
    if let Err(error) = check_window(plan, request.window) {
        eprintln!("error: --window {error}; give a window's day");
        return Err(Exit::Failure);
    }
    Ok((plans, blocks(request.families)?))
}

/// Decides every family of a run over one claim window on the window's day,
/// each by the version that decides it: `keep` takes the family's id and what
/// `decide` makes of its decision, in input order. Each refused record is
/// reported; how many there were is the result.
pub(crate) fn decide_on_window<T: Send>(
    request: &ClaimsRequest,
    plans: &PlanSet,
    blocks: tfop::io::Blocks,
    decide: impl Fn(&Plan, Family, &Decision) -> T + Sync,
    mut keep: impl FnMut(String, T),
) -> Result<u64, Exit> {
    let window = request.window;
    let mut refused = 0u64;
    let mut progress = Progress::start(false);
    let decided = work_all(
        request.families,
        blocks,
        |record| -> Result<(String, T), tfop::Refusal> {
            let (plan, family) = plans.choose(|vocab| record.read(vocab), window)?;
            let decision = plan.evaluate(&family, window);
            let made = decide(plan, family, &decision);
            Ok((decision.family, made))
        },
        |decided| match decided {
            Ok((family, _)) => Some(family.as_str()),
            Err(refusal) => refusal.family.as_deref(),
        },
        |record, outcome| {
            let outcome = outcome.and_then(|decided| decided);
            progress.record(outcome.is_err());
            match outcome {
                Ok((family, made)) => keep(family, made),
                Err(refusal) => {
                    refused += 1;
                    progress.aside(|| report_refusal(request.families, record, &refusal));
                }
            }
            Ok(())
        },
    );
    drop(progress);
    decided?;
    Ok(refused)
}

pub(crate) fn claims(request: &ClaimsRequest) -> Exit {
    let (plans, blocks) = match window_run(request) {
        Ok(run) => run,
        Err(exit) => return exit,
    };
    let window = request.window;
    // The year a claim made on the window's day counts against, by the
    // version in force on it.
    let year = plans
        .for_as_of(window)
        .ok()
        .and_then(|plan| plan.year_target_on(window));
    let mut claimed: Vec<Claimed> = Vec::new();
    // Families with a claim already recorded in the year: they hold their
    // place, so a top-up of theirs in this window takes no other.
    let mut in_year_families: BTreeSet<String> = BTreeSet::new();
    let refused = match decide_on_window(
        request,
        &plans,
        blocks,
        |plan, family, decision| {
            let in_year = year.as_ref().is_some_and(|year| {
                plan.claim_recorded_between(&family, year.from, window)
                    .is_some()
            });
            (family.attributes, claim_lines(decision), in_year)
        },
        |family, (attributes, lines, in_year)| {
            if in_year {
                in_year_families.insert(family);
            }
            if !lines.is_empty() {
                claimed.push((attributes, lines));
            }
        },
    ) {
        Ok(refused) => refused,
        Err(exit) => return exit,
    };
    let used = year.map(|year| {
        let used = year_use(
            &year,
            (in_year_families.len(), |family: &str| {
                in_year_families.contains(family)
            }),
            claimed.iter().filter_map(|(_, lines)| candidate(lines)),
        );
        let outside: BTreeSet<&str> = used.outside.iter().map(String::as_str).collect();
        claimed.retain(|(_, lines)| {
            lines
                .first()
                .is_none_or(|line| !outside.contains(line.family.as_str()))
        });
        used
    });
    let mut totals = ClaimTotals::default();
    for (_, lines) in &claimed {
        if let Err(error) = totals.add(lines) {
            eprintln!("error: {error}");
            return Exit::Failure;
        }
    }
    let bytes = match request.format {
        ClaimsFormat::Csv => csv(&claimed),
        ClaimsFormat::Jsonl => jsonl(&claimed),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(exit) => return exit,
    };
    if let Err(exit) = deliver(request, &bytes) {
        return exit;
    }
    eprint!("{}", summary(window, &totals));
    if let Some(used) = &used {
        eprint!("{}", target_summary(used));
    }
    if plans
        .for_as_of(window)
        .is_ok_and(|plan| plan.settings().earned_autonomy)
    {
        eprintln!("  {EARNED_AUTONOMY}");
    }
    if refused > 0 {
        Exit::SomeRefused
    } else {
        Exit::Success
    }
}
