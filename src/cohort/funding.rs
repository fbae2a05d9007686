//! The funding report: a plan's envelope (`crate::plan::envelope`) with
//! the plan it comes from, and what a cohort has earned of it.

use super::TargetUse;
use crate::eval::PlanRef;
use crate::num::Pence;
use crate::plan::{
    Deadweight, Envelope, EnvelopeError, Figure, Plan, RecordedClaim, ResultsYearAmounts,
    YearEnvelope,
};
use chrono::NaiveDate;
use serde::Serialize;

impl Envelope {
    /// The envelope with the plan it comes from, as `tfop funding --format
    /// json` prints it.
    pub fn report<'a>(&'a self, plan: &Plan) -> FundingReport<'a> {
        FundingReport {
            plan: PlanRef::of(plan),
            nominated: self.nominated,
            deadweight: plan.funding().and_then(|funding| funding.deadweight),
            funded: self.funded,
            per_family: self.per_family,
            years: &self.years,
            totals: FundingTotals {
                families: self.total_families,
                attachment: self.total_attachment,
                results: self.total_results,
                lump_sum: self
                    .years
                    .iter()
                    .any(|year| year.lump_sum.is_some())
                    .then_some(self.total_lump_sum),
                total: self.total,
            },
            at_risk: self.at_risk(),
            claim_windows: &self.claim_windows,
            target: self.target,
            results_years: results_years(plan, &self.years),
            notes: &self.notes,
            earned: None,
        }
    }
}

/// A funding envelope with the plan it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingReport<'a> {
    /// The plan whose funding block this is.
    pub plan: PlanRef,
    /// Families nominated.
    pub nominated: Option<u32>,
    /// The deadweight taken off the nominated families.
    pub deadweight: Option<Deadweight>,
    /// Families funded.
    pub funded: Option<u32>,
    /// The amount per funded family.
    pub per_family: Option<Pence>,
    /// Each year, in the plan's order.
    pub years: &'a [YearEnvelope],
    /// Every year added up.
    pub totals: FundingTotals,
    /// The results payments, paid only on results.
    pub at_risk: Pence,
    /// The days claim windows open.
    pub claim_windows: &'a [NaiveDate],
    /// Families the authority aims to turn around.
    pub target: Option<u32>,
    /// What the claims pay a family by the funding year of its attachment
    /// (the results block's years), with the funding year beside each.
    pub results_years: Vec<ResultsYearFunding>,
    /// Figures that could not be computed, or do not agree, in words.
    pub notes: &'a [String],
    /// With families and a day: what each year with a target has earned,
    /// can claim now and still has at risk. [`Envelope::report`] leaves it
    /// out, since it needs the families decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earned: Option<Earned>,
}

/// What a cohort has earned of a funding year's target on a day: each year
/// with a target begun by then (`tfop funding PLAN FAMILIES --as-of DAY`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Earned {
    /// The day the families were decided as of.
    #[serde(serialize_with = "crate::date::serialize")]
    pub as_of: NaiveDate,
    /// The plan's outcome claim: what a claim earns when its record states
    /// no `paid`, and what each claim possible now is worth; `None` on
    /// earned autonomy, where the families counted against each target are
    /// those with a successful family outcome and nothing is on results.
    pub outcome_payment: Option<Pence>,
    /// Each year, in the plan's order.
    pub years: Vec<YearEarnings>,
}

/// A year's target as the cohort uses it, in money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearEarnings {
    /// The families claimed, claimable now within the target, what is left
    /// and the families outside it, as `tfop claims` counts them.
    #[serde(flatten)]
    pub used: TargetUse,
    /// The claims recorded in the year that fit its target (by the day
    /// recorded, then family id), each at the `paid` its record states or
    /// else the outcome payment; a claim past the target earns nothing.
    pub earned: Pence,
    /// Of those within the target, the claims whose record states `paid`.
    pub paid_as_recorded: u64,
    /// Of those within the target, the claims taken at the outcome payment
    /// because the record states no `paid`.
    pub paid_assumed: u64,
    /// Claims recorded in the year past its target: they earn nothing.
    pub past_target: u64,
    /// The claims possible now that fit what is left × the payment.
    pub claimable: Pence,
    /// What is left of the target after both × the payment: money the
    /// year can still earn, or lose.
    pub at_risk: Pence,
}

impl YearEarnings {
    /// `used` at `pays` an outcome, with the year's `recorded` claims (each
    /// family's first in the year: its id and what its record states); an
    /// error past [`Pence::MAX`]. On earned autonomy (`pays` `None`)
    /// nothing is on results: only a `paid` recorded counts.
    pub fn of(
        used: TargetUse,
        pays: Option<Pence>,
        mut recorded: Vec<(&str, RecordedClaim)>,
    ) -> Result<YearEarnings, EnvelopeError> {
        let pays = pays.unwrap_or_default();
        let too_large = || EnvelopeError::YearTooLarge {
            year: used.year.clone(),
            figure: Figure::Results,
        };
        let money = |families: u64| {
            i128::from(families)
                .checked_mul(i128::from(pays.0))
                .and_then(Pence::from_i128)
                .ok_or_else(too_large)
        };
        // Places go as the claims were made: by day, then family id.
        recorded.sort_by_key(|(family, claim)| (claim.day, *family));
        let places = usize::try_from(used.target).unwrap_or(usize::MAX);
        let within = recorded
            .get(..places.min(recorded.len()))
            .unwrap_or_default();
        let mut earned = Pence(0);
        for (_, claim) in within {
            earned = earned
                .checked_add(claim.paid.unwrap_or(pays))
                .ok_or_else(too_large)?;
        }
        let count = |claims: usize| u64::try_from(claims).unwrap_or(u64::MAX);
        let recorded_paid = within
            .iter()
            .filter(|(_, claim)| claim.paid.is_some())
            .count();
        let paid_as_recorded = count(recorded_paid);
        let paid_assumed = count(within.len().saturating_sub(recorded_paid));
        let past_target = count(recorded.len().saturating_sub(within.len()));
        Ok(YearEarnings {
            earned,
            paid_as_recorded,
            paid_assumed,
            past_target,
            claimable: money(used.in_file)?,
            at_risk: money(used.left)?,
            used,
        })
    }
}

/// A results year beside the funding year of the same label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultsYearFunding {
    /// What the claims pay a family attached in the year.
    #[serde(flatten)]
    pub year: ResultsYearAmounts,
    /// The funding block's results payment a family for the year, when the
    /// block states the year and it can be computed.
    pub funded_results_per_family: Option<Pence>,
    /// Whether the year's cap is the results payment the funding block
    /// gives a family that year; `None` when either is not stated.
    pub cap_matches_funding: Option<bool>,
}

/// The plan's results years, each beside its funding year.
fn results_years(plan: &Plan, years: &[YearEnvelope]) -> Vec<ResultsYearFunding> {
    plan.results_years()
        .into_iter()
        .map(|year| {
            let funded = years
                .iter()
                .find(|funding| funding.label == year.label)
                .and_then(|funding| funding.results_per_family);
            let cap_matches_funding = year.cap.zip(funded).map(|(cap, funded)| cap == funded);
            ResultsYearFunding {
                year,
                funded_results_per_family: funded,
                cap_matches_funding,
            }
        })
        .collect()
}

/// The years of an envelope added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FundingTotals {
    /// The families of every year that states them.
    pub families: u64,
    /// The attachment fees of every year.
    pub attachment: Pence,
    /// The results payments of every year.
    pub results: Pence,
    /// The lump sums of every year, when some year states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lump_sum: Option<Pence>,
    /// Attachment, results and lump sums together.
    pub total: Pence,
}
