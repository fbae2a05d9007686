//! The programme figures of a cohort as of a day: counts, money, the claim
//! rate, a month-by-month projection and breakdowns by family attributes.

use super::{Month, Outcomes, OutcomesSummary, Percentage, YearEarnings, count_one, in_plan_order};
use crate::eval::{AttachmentStatus, ClaimStatus, Decision, PlanRef};
use crate::num::Pence;
use crate::plan::Plan;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The key figures of a set of decided families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Families decided (read and not refused).
    pub families: u64,
    /// Families with at least one problem identified.
    pub identified: u64,
    /// Families eligible on their identification day.
    pub eligible: u64,
    /// Eligible with every principle in place, not yet attached.
    pub attachable: u64,
    /// Eligible or attached, but some principle not in place.
    pub principles_missing: u64,
    /// Attached, eligible and with every principle in place on the
    /// attachment day: valid attachments, each earning the attachment fee.
    pub attached: u64,
    /// Attached with every principle in place, but not eligible on the
    /// attachment day: no fee is earned and no claim can follow.
    pub attached_not_eligible: u64,
    /// Families with an attachment recorded that is not valid (attached but
    /// not eligible, or without every principle in place on the day): their
    /// attachment fees are at risk.
    pub attachments_at_risk: u64,
    /// Families with at least one claim claimable as of the day.
    pub claimable: u64,
    /// Families with at least one claim already made (a `claim` event).
    pub claimed: u64,
    /// Eligible families whose attachment status is anything but attached.
    pub eligible_not_attached: u64,
    /// The sum of the families' results payable as of the day.
    pub results_payable: Pence,
}

/// A cohort's money past the largest amount held exactly ([`Pence::MAX`]):
/// an error, never a saturated or wrapped figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CohortOverflow {
    /// The families' results payable.
    #[error(
        "the results payable of the families add up to more than {max}, the largest amount held exactly; report on part of the cohort at a time",
        max = Pence::MAX_POUNDS
    )]
    ResultsPayable,
    /// Attached families × the attachment fee.
    #[error(
        "the attachment fees of the attached families come to more than {max}, the largest amount held exactly; report on part of the cohort at a time",
        max = Pence::MAX_POUNDS
    )]
    AttachmentFees,
    /// Attachments not valid × the attachment fee.
    #[error(
        "the attachment fees at risk come to more than {max}, the largest amount held exactly; report on part of the cohort at a time",
        max = Pence::MAX_POUNDS
    )]
    FeesAtRisk,
    /// Attachment fees and results payable together.
    #[error(
        "the attachment fees and results payable together come to more than {max}, the largest amount held exactly; report on part of the cohort at a time",
        max = Pence::MAX_POUNDS
    )]
    Payable,
    /// More records than a count holds.
    #[error(
        "the cohort has more than {max} records, the most a count holds; give it in parts",
        max = u64::MAX
    )]
    Records,
}

impl Counts {
    /// Adds one decision; `Err`, with nothing counted, when the results
    /// payable would pass [`Pence::MAX`] or a count `u64::MAX`.
    fn add(&mut self, decision: &Decision) -> Result<(), CohortOverflow> {
        let status = decision.attachment.status;
        let has_claim = |wanted: ClaimStatus| decision.claims.iter().any(|c| c.status == wanted);
        let count = |total: u64, this: bool| count_one(total, u64::from(this));
        *self = Counts {
            families: count(self.families, true)?,
            identified: count(self.identified, !decision.problems.is_empty())?,
            eligible: count(self.eligible, decision.eligible)?,
            attachable: count(self.attachable, status == AttachmentStatus::Attachable)?,
            principles_missing: count(
                self.principles_missing,
                status == AttachmentStatus::PrinciplesMissing,
            )?,
            attached: count(self.attached, status == AttachmentStatus::Attached)?,
            attached_not_eligible: count(
                self.attached_not_eligible,
                status == AttachmentStatus::AttachedNotEligible,
            )?,
            attachments_at_risk: count(
                self.attachments_at_risk,
                decision.attachment.date.is_some() && status != AttachmentStatus::Attached,
            )?,
            claimable: count(self.claimable, has_claim(ClaimStatus::Claimable))?,
            claimed: count(self.claimed, has_claim(ClaimStatus::Claimed))?,
            eligible_not_attached: count(
                self.eligible_not_attached,
                decision.eligible && status != AttachmentStatus::Attached,
            )?,
            results_payable: self
                .results_payable
                .checked_add(decision.payable)
                .ok_or(CohortOverflow::ResultsPayable)?,
        };
        Ok(())
    }
}

/// When attached families that are neither claimable nor claimed become
/// claimable if their progress holds: each family counted once, in the
/// month of its earliest claim and in that claim's claim window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Projection {
    /// Families per month of their first `earliest` day.
    pub by_month: BTreeMap<Month, u64>,
    /// Families per claim window of their first claim (empty when the plan
    /// states no claim windows).
    pub by_window: BTreeMap<NaiveDate, u64>,
    /// Families no claim of which becomes possible without a change (a
    /// claim possible only after the last claim window is not possible).
    pub never: u64,
    /// Of those, the families per problem whose progress will not be
    /// sustained without a change (an open spell that stays open, a measure
    /// that cannot be met as the record stands); a family counts under each
    /// such problem.
    pub never_by_problem: BTreeMap<String, u64>,
    /// Of those, the families with no such problem: what blocks each claim
    /// is not a problem's progress (the employment route's job, say), or the
    /// claim would be possible only after the last claim window.
    pub never_otherwise: u64,
}

/// A row of [`Projection::timeline`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectionBucket {
    /// One calendar month.
    Month(Month),
    /// This month and every later one, beyond the horizon.
    Later(Month),
}

impl Projection {
    /// The first day a tracked family becomes claimable, with the claim
    /// window of that day: `None` when the family is not tracked (not
    /// attached, already claimable or claimed, or with no claim that could
    /// become possible), `Some(None)` when no claim becomes possible without
    /// a change.
    fn earliest(decision: &Decision) -> Option<Option<(NaiveDate, Option<NaiveDate>)>> {
        let tracked = decision.attachment.status == AttachmentStatus::Attached
            && !decision
                .claims
                .iter()
                .any(|claim| matches!(claim.status, ClaimStatus::Claimable | ClaimStatus::Claimed))
            && decision
                .claims
                .iter()
                .any(|claim| claim.status == ClaimStatus::NotYet);
        tracked.then(|| {
            decision
                .claims
                .iter()
                .filter(|claim| claim.status == ClaimStatus::NotYet)
                .filter_map(|claim| Some((claim.earliest?, claim.window)))
                .min()
        })
    }

    fn add(&mut self, decision: &Decision) -> Result<(), CohortOverflow> {
        match Projection::earliest(decision) {
            Some(Some((day, window))) => {
                let families = self.by_month.entry(Month::of(day)).or_insert(0);
                *families = count_one(*families, 1)?;
                if let Some(window) = window {
                    let families = self.by_window.entry(window).or_insert(0);
                    *families = count_one(*families, 1)?;
                }
            }
            Some(None) => {
                self.never = count_one(self.never, 1)?;
                let mut blocked = false;
                for progress in decision
                    .progress
                    .iter()
                    .filter(|progress| !progress.sustained && progress.sustained_on.is_none())
                {
                    blocked = true;
                    let families = self
                        .never_by_problem
                        .entry(progress.problem.clone())
                        .or_insert(0);
                    *families = count_one(*families, 1)?;
                }
                if !blocked {
                    self.never_otherwise = count_one(self.never_otherwise, 1)?;
                }
            }
            None => {}
        }
        Ok(())
    }

    /// Families tracked: those with a month and those never claimable
    /// without a change.
    pub fn tracked(&self) -> Result<u64, CohortOverflow> {
        self.by_month
            .values()
            .try_fold(self.never, |sum, families| count_one(sum, *families))
    }

    /// Every month from `from` (or the first month with a family, if
    /// earlier) to the last month with a family, months without one
    /// included; after `horizon` months the rest are summed into one
    /// [`ProjectionBucket::Later`] row.
    pub fn timeline(&self, from: Month, horizon: usize) -> Vec<(ProjectionBucket, u64)> {
        let (Some((&first, _)), Some((&last, _))) = (
            self.by_month.first_key_value(),
            self.by_month.last_key_value(),
        ) else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        let mut month = from.min(first);
        while month <= last {
            if rows.len() == horizon {
                let rest = self.by_month.range(month..).map(|(_, count)| count).sum();
                rows.push((ProjectionBucket::Later(month), rest));
                break;
            }
            let count = self.by_month.get(&month).copied().unwrap_or(0);
            rows.push((ProjectionBucket::Month(month), count));
            month = month.next();
        }
        rows
    }
}

/// A cohort's figures, tallied one decision at a time.
///
/// Memory grows with the number of distinct breakdown keys and the eligible
/// families not yet attached (whose ids a report lists), never with the
/// number of families otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// The attributes to break the figures down by, in order.
    pub by: Vec<String>,
    /// Records read.
    pub read: u64,
    /// Records refused (unreadable or invalid families).
    pub refused: u64,
    /// The figures of every decided family.
    pub totals: Counts,
    /// The figures per combination of the `by` attributes' values, a
    /// missing attribute as `None`. Refused records have no attributes and
    /// are in no group.
    pub groups: BTreeMap<Vec<Option<String>>, Counts>,
    /// The month-by-month projection of attached families.
    pub projection: Projection,
    /// The same projection per combination of the `by` attributes' values,
    /// with the keys of `groups`.
    pub projections: BTreeMap<Vec<Option<String>>, Projection>,
    /// Every attribute name some decided family has, so a `by` attribute
    /// that none has is found ([`Cohort::unknown_by`]).
    pub attribute_names: BTreeSet<String>,
    /// The ids of eligible families not attached, in input order.
    pub eligible_not_attached: Vec<String>,
    /// The figures of the families each indicator identified a problem of,
    /// by problem id and then indicator id.
    pub by_indicator: BTreeMap<String, BTreeMap<String, Counts>>,
    /// Families with successful outcomes, paid for or not.
    pub outcomes: Outcomes,
}

impl Cohort {
    /// An empty tally, breaking figures down by these attributes.
    pub fn new(by: Vec<String>) -> Cohort {
        Cohort {
            by,
            read: 0,
            refused: 0,
            totals: Counts::default(),
            groups: BTreeMap::new(),
            projection: Projection::default(),
            projections: BTreeMap::new(),
            attribute_names: BTreeSet::new(),
            eligible_not_attached: Vec::new(),
            by_indicator: BTreeMap::new(),
            outcomes: Outcomes::default(),
        }
    }

    /// Adds one decided family, with its attributes; `Err`, with nothing
    /// counted, when the cohort's results payable would pass
    /// [`Pence::MAX`].
    pub fn add(
        &mut self,
        attributes: &BTreeMap<String, String>,
        decision: &Decision,
    ) -> Result<(), CohortOverflow> {
        // A group's figures are part of the total's, and the projection
        // counts a family at most once, so once the total fits every one of
        // them does.
        let read = count_one(self.read, 1)?;
        self.totals.add(decision)?;
        self.read = read;
        let key: Option<Vec<Option<String>>> = (!self.by.is_empty()).then(|| {
            self.by
                .iter()
                .map(|attribute| attributes.get(attribute).cloned())
                .collect()
        });
        if let Some(key) = &key {
            self.groups.entry(key.clone()).or_default().add(decision)?;
        }
        self.projection.add(decision)?;
        self.outcomes.add(decision)?;
        if let Some(key) = key {
            self.projections.entry(key).or_default().add(decision)?;
        }
        self.add_indicators(decision)?;
        for name in attributes.keys() {
            if !self.attribute_names.contains(name) {
                self.attribute_names.insert(name.clone());
            }
        }
        if decision.eligible && decision.attachment.status != AttachmentStatus::Attached {
            self.eligible_not_attached.push(decision.family.clone());
        }
        Ok(())
    }

    /// Counts one refused record; `Err`, with nothing counted, past
    /// `u64::MAX` records.
    pub fn add_refused(&mut self) -> Result<(), CohortOverflow> {
        // Refused records are some of those read.
        let read = count_one(self.read, 1)?;
        self.refused = count_one(self.refused, 1)?;
        self.read = read;
        Ok(())
    }

    /// The attachment fees of the validly attached families: attached × the
    /// fee.
    pub fn attachment_fees(counts: &Counts, fee: Option<Pence>) -> Result<Pence, CohortOverflow> {
        fees(counts.attached, fee).ok_or(CohortOverflow::AttachmentFees)
    }

    /// The attachment fees of attachments that are not valid, which an
    /// authority that charged them may have to repay: attachments at risk ×
    /// the fee. Never part of what is payable.
    pub fn fees_at_risk(counts: &Counts, fee: Option<Pence>) -> Result<Pence, CohortOverflow> {
        fees(counts.attachments_at_risk, fee).ok_or(CohortOverflow::FeesAtRisk)
    }

    /// All that is payable: the attachment fees and the results payable.
    pub fn payable(counts: &Counts, fee: Option<Pence>) -> Result<Pence, CohortOverflow> {
        Cohort::attachment_fees(counts, fee)?
            .checked_add(counts.results_payable)
            .ok_or(CohortOverflow::Payable)
    }

    /// The claim rate: families claimed ÷ the target, as a percentage to one
    /// decimal place rounded half up; `None` for a target of zero.
    pub fn claim_rate(&self, target: u64) -> Option<Percentage> {
        Percentage::of(self.totals.claimed, target)
    }

    /// The `by` attributes no decided family has, each with the name of
    /// one that some family has and is near it, if any ("did you mean").
    pub fn unknown_by(&self) -> Vec<(&str, Option<&str>)> {
        self.by
            .iter()
            .filter(|name| !self.attribute_names.contains(*name))
            .map(|name| {
                let near =
                    crate::did_you_mean(name, self.attribute_names.iter().map(String::as_str));
                (name.as_str(), near)
            })
            .collect()
    }

    /// The distinct values of the `index`-th `by` attribute, in order.
    pub fn values_of(&self, index: usize) -> Vec<Option<String>> {
        let mut values: Vec<Option<String>> = self
            .groups
            .keys()
            .filter_map(|key| key.get(index).cloned())
            .collect();
        values.sort();
        values.dedup();
        values
    }
}

/// `families` × the fee, exactly; `None` past [`Pence::MAX`].
fn fees(families: u64, fee: Option<Pence>) -> Option<Pence> {
    let fee = i128::from(fee.map_or(0, |fee| fee.0));
    i128::from(families)
        .checked_mul(fee)
        .and_then(Pence::from_i128)
}

/// A cohort report: the figures with what they were computed against, in
/// the shape `tfop report --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The day decided.
    #[serde(serialize_with = "crate::date::serialize")]
    pub as_of: NaiveDate,
    /// The plan that decided.
    pub plan: PlanRef,
    /// The figures of every decided family, with the records read and refused.
    pub totals: Totals,
    /// The money the figures add up to.
    pub payable: Payable,
    /// Families claimed against the target, when there is one.
    pub claim_rate: Option<ClaimRate>,
    /// When attached families become claimable, month by month.
    pub projection: ProjectionSummary,
    /// The attributes the breakdown is by, in order.
    pub by: Vec<String>,
    /// The figures per combination of the `by` attributes' values.
    pub breakdown: Vec<Group>,
    /// The ids of eligible families not attached, in input order.
    pub eligible_not_attached: Vec<String>,
    /// Every indicator of the plan with the figures of the families it
    /// identified ([`Cohort::indicator_breakdown`]).
    pub by_indicator: Vec<IndicatorGroup>,
    /// Families with successful outcomes, against the target.
    pub outcomes: OutcomesSummary,
    /// Each funding year with a target that has begun by the day decided:
    /// the families claimed in it, those claimable now that fit what is
    /// left (the year holding the day only) and what is left. Empty for a
    /// plan whose funding years state no target; [`Cohort::report`] leaves
    /// it empty, since claims recorded are on the families' records, not
    /// their decisions: `tfop report` fills it as `tfop claims` counts,
    /// in money as `tfop funding` does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub year_targets: Vec<YearEarnings>,
}

/// [`Counts`] of every decided family, with the records read and refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Records read.
    pub read: u64,
    /// Records refused.
    pub refused: u64,
    /// The figures of the decided families.
    #[serde(flatten)]
    pub counts: Counts,
}

/// What the attached and claimable families are worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Payable {
    /// The plan's attachment fee per family, if it states one.
    pub attachment_fee: Option<Pence>,
    /// Validly attached families × the fee.
    pub attachment_fees: Pence,
    /// The results payable as of the day.
    pub results: Pence,
    /// Attachment fees and results together.
    pub total: Pence,
    /// Attachments not valid × the fee: not in `total`.
    pub fees_at_risk: Pence,
}

/// Families claimed as a share of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimRate {
    /// Families with a claim made.
    pub claimed: u64,
    /// The families the authority aims to turn around.
    pub target: u64,
    /// Claimed ÷ target, to one decimal place.
    #[serde(serialize_with = "serde_display")]
    pub percent: Percentage,
}

/// The projection's months and claim windows, and the families never
/// claimable without a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectionSummary {
    /// Families tracked by the projection.
    pub tracked: u64,
    /// Families per month of their earliest claim day, months in order.
    pub months: Vec<MonthCount>,
    /// Families per claim window of their earliest claim, windows in order;
    /// empty when the plan states no claim windows.
    pub windows: Vec<WindowCount>,
    /// Families no claim of which becomes possible without a change.
    pub never: u64,
    /// Of those, the families per problem whose progress will not be
    /// sustained without a change, problems in plan order (a family counts
    /// under each).
    pub never_by_problem: Vec<ProblemCount>,
    /// Of those, the families no problem's progress blocks: another
    /// condition of each claim, or a claim possible only after the last
    /// claim window.
    pub never_otherwise: u64,
}

/// Families never claimable without a change that a problem's progress
/// blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemCount {
    /// The problem's id.
    pub problem: String,
    /// Families it blocks.
    pub families: u64,
}

/// Families whose earliest claim is made in a claim window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WindowCount {
    /// The day the window opens.
    #[serde(serialize_with = "crate::date::serialize")]
    pub window: NaiveDate,
    /// Families in it.
    pub families: u64,
}

/// Families whose earliest claim day falls in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    /// The month, as `2016-12`.
    #[serde(serialize_with = "serde_display")]
    pub month: Month,
    /// Families in it.
    pub families: u64,
}

/// The figures of the families one indicator identified a problem of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorGroup {
    /// The problem's id.
    pub problem: String,
    /// The indicator's id.
    pub indicator: String,
    /// Its title.
    pub title: String,
    /// Its `code` in the authority's data framework, when the plan states one.
    pub code: Option<String>,
    /// Where its data comes from, when the plan states it.
    pub source: Option<String>,
    /// The figures of the families it identified.
    #[serde(flatten)]
    pub counts: Counts,
}

impl Cohort {
    /// Counts a decision under each indicator that fired for one of its
    /// problems; a family several indicators identified counts under each.
    /// Called after the totals have taken the decision, so every count fits.
    fn add_indicators(&mut self, decision: &Decision) -> Result<(), CohortOverflow> {
        for problem in &decision.problems {
            // Looked up by `&str` first: a key is allocated once per
            // indicator, not once per family.
            if !self.by_indicator.contains_key(problem.id.as_str()) {
                self.by_indicator
                    .insert(problem.id.clone(), BTreeMap::new());
            }
            let Some(indicators) = self.by_indicator.get_mut(problem.id.as_str()) else {
                continue;
            };
            for indicator in &problem.indicators {
                if !indicators.contains_key(indicator.id.as_str()) {
                    indicators.insert(indicator.id.clone(), Counts::default());
                }
                if let Some(counts) = indicators.get_mut(indicator.id.as_str()) {
                    counts.add(decision)?;
                }
            }
        }
        Ok(())
    }

    /// Every indicator of the plan, in plan order, with its code, source
    /// and the figures of the families it identified (all zero for one that
    /// identified none).
    pub fn indicator_breakdown(&self, plan: &Plan) -> Vec<IndicatorGroup> {
        plan.problems
            .iter()
            .flat_map(|problem| {
                problem
                    .indicators
                    .iter()
                    .map(move |indicator| IndicatorGroup {
                        problem: problem.id.clone(),
                        indicator: indicator.id.clone(),
                        title: indicator.title.clone(),
                        code: indicator.code.clone(),
                        source: indicator.source.clone(),
                        counts: self
                            .by_indicator
                            .get(problem.id.as_str())
                            .and_then(|indicators| indicators.get(indicator.id.as_str()))
                            .copied()
                            .unwrap_or_default(),
                    })
            })
            .collect()
    }
}

/// The figures of one combination of breakdown values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Each `by` attribute's value; `None` where a family lacks it.
    pub key: BTreeMap<String, Option<String>>,
    /// The group's figures.
    #[serde(flatten)]
    pub counts: Counts,
}

pub(super) fn serde_display<T: std::fmt::Display, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl Cohort {
    /// The report of this cohort under `plan` as of a day, against the
    /// target if there is one; an error when its money does not add up
    /// exactly.
    pub fn report(
        &self,
        plan: &Plan,
        as_of: NaiveDate,
        target: Option<u64>,
    ) -> Result<Report, CohortOverflow> {
        let fee = plan.attachment_fee();
        Ok(Report {
            as_of,
            plan: PlanRef::of(plan),
            totals: Totals {
                read: self.read,
                refused: self.refused,
                counts: self.totals,
            },
            payable: Payable {
                attachment_fee: fee,
                attachment_fees: Cohort::attachment_fees(&self.totals, fee)?,
                results: self.totals.results_payable,
                total: Cohort::payable(&self.totals, fee)?,
                fees_at_risk: Cohort::fees_at_risk(&self.totals, fee)?,
            },
            claim_rate: target.and_then(|target| {
                Some(ClaimRate {
                    claimed: self.totals.claimed,
                    target,
                    percent: self.claim_rate(target)?,
                })
            }),
            projection: ProjectionSummary {
                tracked: self.projection.tracked()?,
                months: self
                    .projection
                    .by_month
                    .iter()
                    .map(|(&month, &families)| MonthCount { month, families })
                    .collect(),
                windows: self
                    .projection
                    .by_window
                    .iter()
                    .map(|(&window, &families)| WindowCount { window, families })
                    .collect(),
                never: self.projection.never,
                never_by_problem: in_plan_order(plan, &self.projection.never_by_problem)
                    .into_iter()
                    .map(|(problem, &families)| ProblemCount {
                        problem: problem.clone(),
                        families,
                    })
                    .collect(),
                never_otherwise: self.projection.never_otherwise,
            },
            by: self.by.clone(),
            breakdown: self
                .groups
                .iter()
                .map(|(key, counts)| Group {
                    key: self.by.iter().cloned().zip(key.iter().cloned()).collect(),
                    counts: *counts,
                })
                .collect(),
            eligible_not_attached: self.eligible_not_attached.clone(),
            by_indicator: self.indicator_breakdown(plan),
            outcomes: self.outcomes.summary(plan, target),
            year_targets: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Plan;

    fn day(text: &str) -> NaiveDate {
        crate::date::parse(text).unwrap()
    }

    /// One problem (any ASB), a progress claim after 1 month without ASB and
    /// a 2-month one, so a family has two earliest days.
    fn plan() -> Plan {
        Plan::parse(
            r#"plan "T" { framework phase2 }
problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "No ASB" { no asb_incident in family within 1 month }
}
eligible when at least 1 problems
attach requires family_assessment
claim soon "Soon" pays £800 { no asb_incident in family within 1 month }
claim late "Late" pays £800 { no asb_incident in family within 2 months }
attachment fee £1000
"#,
        )
        .unwrap()
    }

    fn decide(plan: &Plan, id: &str, events: &str, as_of: &str) -> Decision {
        let family = plan
            .read_family(&format!(
                r#"{{"id":"{id}","members":[{{"id":"A","role":"adult"}}],"events":[{events}]}}"#
            ))
            .unwrap();
        plan.evaluate(&family, day(as_of))
    }

    #[test]
    fn a_count_past_u64_is_an_error_and_nothing_is_counted() {
        let plan = plan();
        let decision = decide(&plan, "F1", ATTACHED, "2016-02-01");
        let mut cohort = Cohort::new(vec!["district".into()]);
        cohort.totals.attached = u64::MAX;
        let before = cohort.clone();
        assert_eq!(
            cohort.add(&BTreeMap::new(), &decision),
            Err(CohortOverflow::Records)
        );
        assert_eq!(cohort, before);
        cohort.read = u64::MAX;
        let before = cohort.clone();
        assert_eq!(cohort.add_refused(), Err(CohortOverflow::Records));
        assert_eq!(cohort, before);
        let projection = Projection {
            by_month: BTreeMap::from([(Month::of(day("2016-01-01")), u64::MAX)]),
            by_window: BTreeMap::new(),
            never: 1,
            ..Projection::default()
        };
        assert_eq!(projection.tracked(), Err(CohortOverflow::Records));
    }

    /// Families never claimable without a change are broken down by the
    /// problem whose progress holds them back, a family under each; one
    /// held back by the claim's other condition only is counted apart.
    #[test]
    fn the_families_never_claimable_are_counted_by_the_problem_that_blocks_them() {
        let plan = Plan::parse(
            r#"plan "T" { framework phase2 }
problem health "Health" {
  indicator open "Open" { any member has health_problem now }
  significant "None open" { no health_problem in family now }
  sustained for 1 months
}
problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "No ASB" { no asb_incident in family within 1 month }
}
eligible when at least 1 problems
attach requires family_assessment
claim progress "Progress" pays £800 {
  every identified problem has progressed and any adult has work_programme now
}
"#,
        )
        .unwrap();
        let attached = r#"{"kind":"family_assessment","date":"2016-01-01"},{"kind":"attachment","date":"2016-01-02"}"#;
        let health = |end: &str| {
            format!(
                r#"{attached},{{"kind":"health_problem","type":"disability","member":"A","start":"2015-06-01"{end}}}"#
            )
        };
        let open = decide(&plan, "OPEN", &health(""), "2016-06-01");
        let both = decide(
            &plan,
            "BOTH",
            &format!(
                r#"{},{{"kind":"asb_incident","member":"A","date":"2015-12-01"}},{{"kind":"asb_incident","member":"A","date":"2016-05-20"}}"#,
                health("")
            ),
            "2016-06-01",
        );
        let closed = decide(
            &plan,
            "CLOSED",
            &health(r#","end":"2016-02-01""#),
            "2016-06-01",
        );
        let mut cohort = Cohort::new(Vec::new());
        for decision in [&open, &both, &closed] {
            cohort.add(&BTreeMap::new(), decision).unwrap();
        }
        assert_eq!(cohort.projection.never, 3);
        // BOTH's ASB ages out if nothing changes: only its health blocks it.
        assert_eq!(
            cohort.projection.never_by_problem,
            BTreeMap::from([("health".to_owned(), 2)])
        );
        // CLOSED's health is sustained: no work programme is what blocks it.
        assert_eq!(cohort.projection.never_otherwise, 1);
    }

    /// Eligible on the attachment day by an ASB incident a month before.
    const ATTACHED: &str = r#"{"kind":"asb_incident","member":"A","date":"2015-12-01"},{"kind":"family_assessment","date":"2016-01-01"},{"kind":"attachment","date":"2016-01-02"}"#;

    /// A family attached as [`ATTACHED`] says, with a later ASB incident
    /// on `incident`, decided as of `as_of`.
    fn decide_after_asb(plan: &Plan, id: &str, incident: &str, as_of: &str) -> Decision {
        let events =
            format!(r#"{ATTACHED},{{"kind":"asb_incident","member":"A","date":"{incident}"}}"#);
        decide(plan, id, &events, as_of)
    }

    #[test]
    fn a_family_is_projected_once_in_the_month_of_its_first_earliest_day() {
        let plan = plan();
        // ASB on 31 December: `soon` possible from 31 January (a month end),
        // `late` from 1 March (28 February less 2 months is 28 December).
        let decision = decide_after_asb(&plan, "F1", "2016-12-31", "2017-01-15");
        let earliest: Vec<_> = decision.claims.iter().map(|c| c.earliest).collect();
        assert_eq!(earliest, [Some(day("2017-01-31")), Some(day("2017-03-01"))]);
        let mut cohort = Cohort::new(Vec::new());
        cohort.add(&BTreeMap::new(), &decision).unwrap();
        assert_eq!(
            cohort.projection.by_month,
            BTreeMap::from([(Month::of(day("2017-01-31")), 1)])
        );
        assert_eq!(cohort.projection.tracked(), Ok(1));
    }

    #[test]
    fn a_first_earliest_day_on_the_first_of_a_month_falls_in_that_month() {
        let plan = plan();
        // ASB on 1 December: `soon` possible from 1 January.
        let decision = decide_after_asb(&plan, "F1", "2016-12-01", "2016-12-15");
        assert_eq!(decision.claims[0].earliest, Some(day("2017-01-01")));
        let mut cohort = Cohort::new(Vec::new());
        cohort.add(&BTreeMap::new(), &decision).unwrap();
        assert_eq!(
            cohort.projection.by_month.keys().collect::<Vec<_>>(),
            [&Month {
                year: 2017,
                month: 1
            }]
        );
    }

    #[test]
    fn claimable_families_and_families_not_attached_are_not_projected() {
        let plan = plan();
        let claimable = decide_after_asb(&plan, "F1", "2016-06-01", "2016-12-15");
        let unattached = decide(
            &plan,
            "F2",
            r#"{"kind":"asb_incident","member":"A","date":"2016-12-01"}"#,
            "2016-12-15",
        );
        let mut cohort = Cohort::new(Vec::new());
        cohort.add(&BTreeMap::new(), &claimable).unwrap();
        cohort.add(&BTreeMap::new(), &unattached).unwrap();
        assert_eq!(cohort.projection, Projection::default());
        assert_eq!(cohort.totals.claimable, 1);
        assert_eq!(cohort.totals.attached, 1);
        assert_eq!(cohort.totals.eligible, 2);
        assert_eq!(cohort.totals.eligible_not_attached, 1);
        assert_eq!(cohort.eligible_not_attached, ["F2"]);
        // The two claims exclude each other: the family pays one.
        assert_eq!(cohort.totals.results_payable, Pence(80_000));
        assert_eq!(
            Cohort::attachment_fees(&cohort.totals, plan.attachment_fee()),
            Ok(Pence(100_000))
        );
    }

    #[test]
    fn money_past_the_largest_amount_is_an_error_and_nothing_is_counted() {
        let plan = plan();
        let mut decision = decide_after_asb(&plan, "F1", "2016-06-01", "2016-12-15");
        decision.payable = Pence(i64::MAX - 1);
        let mut cohort = Cohort::new(vec!["district".into()]);
        cohort.add(&BTreeMap::new(), &decision).unwrap();
        decision.payable = Pence(1);
        cohort.add(&BTreeMap::new(), &decision).unwrap();
        assert_eq!(cohort.totals.results_payable, Pence::MAX);
        // Once saturated at £92,233,720,368,547,758.07 and counted.
        assert_eq!(
            cohort.add(&BTreeMap::new(), &decision),
            Err(CohortOverflow::ResultsPayable)
        );
        assert_eq!((cohort.read, cohort.totals.families), (2, 2));
        assert_eq!(cohort.totals.results_payable, Pence::MAX);
        assert_eq!(
            Cohort::payable(&cohort.totals, None),
            Ok(Pence::MAX),
            "no fee: the total is the results payable"
        );
        assert_eq!(
            Cohort::payable(&cohort.totals, Some(Pence(1))),
            Err(CohortOverflow::Payable)
        );
        let attached = Counts {
            attached: 9_223_372_036_854_775_807 / 7,
            ..Counts::default()
        };
        assert_eq!(
            Cohort::attachment_fees(&attached, Some(Pence(7))),
            Ok(Pence(9_223_372_036_854_775_807 / 7 * 7))
        );
        assert_eq!(
            Cohort::attachment_fees(&attached, Some(Pence(8))),
            Err(CohortOverflow::AttachmentFees)
        );
    }

    #[test]
    fn families_break_down_by_attributes_with_missing_ones_as_none() {
        let plan = plan();
        let decision = decide(&plan, "F1", ATTACHED, "2016-12-15");
        let mut cohort = Cohort::new(vec!["district".into(), "lp_agency".into()]);
        let preston = BTreeMap::from([("district".to_string(), "Preston".to_string())]);
        cohort.add(&preston, &decision).unwrap();
        cohort.add(&preston, &decision).unwrap();
        cohort.add(&BTreeMap::new(), &decision).unwrap();
        cohort.add_refused().unwrap();
        assert_eq!(cohort.read, 4);
        assert_eq!(cohort.refused, 1);
        assert_eq!(cohort.totals.families, 3);
        assert_eq!(
            cohort.groups[&vec![Some("Preston".to_string()), None]].families,
            2
        );
        assert_eq!(cohort.groups[&vec![None, None]].families, 1);
        assert_eq!(cohort.values_of(0), [None, Some("Preston".to_string())]);
        assert_eq!(cohort.values_of(1), [None]);
    }

    #[test]
    fn each_indicator_counts_the_families_it_identified_with_its_code_in_plan_order() {
        let plan = Plan::parse(
            r#"plan "T" { framework phase2 }
problem crime "Crime" {
  indicator asb "ASB" code "FE 4.3" source "police ASB data" { any member has asb_incident within 12 months }
  indicator offending "Offending" code "FE 4.1" { any member has offence within 12 months }
  significant "No ASB" { no asb_incident in family within 1 month }
}
eligible when at least 1 problems
attach requires family_assessment
claim soon "Soon" pays £800 { no asb_incident in family within 1 month }
"#,
        )
        .unwrap();
        let attached = decide(&plan, "F1", ATTACHED, "2016-02-01");
        let offence = r#"{"kind":"offence","member":"A","date":"2015-12-01"}"#;
        let both = decide(&plan, "F2", &format!("{ATTACHED},{offence}"), "2016-02-01");
        let neither = decide(&plan, "F3", "", "2016-02-01");
        let mut cohort = Cohort::new(Vec::new());
        for decision in [&attached, &both, &neither] {
            cohort.add(&BTreeMap::new(), decision).unwrap();
        }
        let groups = cohort.indicator_breakdown(&plan);
        let rows: Vec<_> = groups
            .iter()
            .map(|group| {
                (
                    group.indicator.as_str(),
                    group.code.as_deref(),
                    group.source.as_deref(),
                    group.counts.families,
                    group.counts.attached,
                )
            })
            .collect();
        // F2 counts under both indicators; F3 under none.
        assert_eq!(
            rows,
            [
                ("asb", Some("FE 4.3"), Some("police ASB data"), 2, 2),
                ("offending", Some("FE 4.1"), None, 1, 1),
            ]
        );
        assert_eq!(cohort.totals.families, 3);
        let empty = Cohort::new(Vec::new()).indicator_breakdown(&plan);
        assert_eq!(
            empty.len(),
            2,
            "an indicator that identified none has a row"
        );
        assert_eq!(empty[1].counts, Counts::default());
    }

    #[test]
    fn the_timeline_fills_empty_months_and_sums_beyond_the_horizon() {
        let month = |year, month| Month { year, month };
        let projection = Projection {
            by_month: BTreeMap::from([
                (month(2016, 12), 2),
                (month(2017, 2), 1),
                (month(2018, 6), 4),
            ]),
            by_window: BTreeMap::new(),
            never: 3,
            ..Projection::default()
        };
        let rows = projection.timeline(month(2016, 11), 4);
        assert_eq!(
            rows,
            [
                (ProjectionBucket::Month(month(2016, 11)), 0),
                (ProjectionBucket::Month(month(2016, 12)), 2),
                (ProjectionBucket::Month(month(2017, 1)), 0),
                (ProjectionBucket::Month(month(2017, 2)), 1),
                (ProjectionBucket::Later(month(2017, 3)), 4),
            ]
        );
        assert_eq!(projection.tracked(), Ok(10));
        assert_eq!(Projection::default().timeline(month(2016, 11), 4), []);
    }
}
