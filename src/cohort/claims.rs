//! The claim file of a claim window: every family claimable in it and not
//! yet claimed, one line a claim of the route its decision pays, and the
//! totals by route. This is what an authority submits after internal audit.

use super::{CohortOverflow, count_one};
use crate::eval::{Approval, ClaimStatus, Decision};
use crate::num::Pence;
use crate::plan::Plan;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// A day given as a claim window that is not one of the plan's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{day} is not one of the plan's claim windows; {nearest}")]
pub struct NotAWindow {
    /// The day given.
    pub day: NaiveDate,
    /// The windows around it, in words.
    pub nearest: String,
}

/// Whether `day` is a claim window of the plan: any day is when the plan
/// states no claim windows (claims are then made on any day).
pub fn check_window(plan: &Plan, day: NaiveDate) -> Result<(), NotAWindow> {
    let windows = &plan.claim_window_days;
    if windows.is_empty() || windows.binary_search(&day).is_ok() {
        return Ok(());
    }
    let before = windows.iter().rev().find(|window| **window < day);
    let after = windows.iter().find(|window| **window > day);
    let nearest = match (before, after) {
        (Some(before), Some(after)) => {
            format!("the windows around it open on {before} and {after}")
        }
        (Some(before), None) => format!("the last window opened on {before}"),
        (None, Some(after)) => format!("the first window opens on {after}"),
        (None, None) => "the plan opens no window".to_string(),
    };
    Err(NotAWindow { day, nearest })
}

/// One claim to submit: a claim of the route a family's decision pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimLine {
    /// The family's id.
    pub family: String,
    /// The route the family is claimed by: its claims joined by `+`, in
    /// plan order (`crime_education+progress_to_work`).
    pub route: String,
    /// This line's claim.
    pub claim: String,
    /// What this line claims: the claim's amount, less what the route's
    /// cap leaves for it after the claims before it in the route, so a
    /// family's lines add up to its `payable`.
    pub amount: Pence,
    /// The day the claim became possible (the first of its unbroken run).
    #[serde(serialize_with = "crate::date::serialize")]
    pub earliest: Option<NaiveDate>,
    /// The claim window it is made in; `null` when the plan states none.
    #[serde(serialize_with = "crate::date::serialize")]
    pub window: Option<NaiveDate>,
    /// The plan's version, if it states one.
    pub plan_version: Option<String>,
    /// The digest of the plan's canonical text.
    pub plan_digest: String,
    /// The records behind the claim, as the decision cites them.
    pub evidence: Vec<String>,
    /// Whether the claim needs a named officer's approval (flagged for audit).
    pub discretionary: bool,
    /// For a discretionary claim, who approved it and when, for the
    /// auditor; absent for any other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
}

/// The lines of one family's claim in the window its decision was made on:
/// one a claim of its route, none when nothing is payable.
pub fn claim_lines(decision: &Decision) -> Vec<ClaimLine> {
    let route = decision.route.join("+");
    let mut left = decision.payable;
    let mut lines = Vec::new();
    for id in &decision.route {
        let Some(claim) = decision
            .claims
            .iter()
            .find(|claim| claim.claim_type == *id && claim.status == ClaimStatus::Claimable)
        else {
            continue;
        };
        // Never more than is left of what the family is paid.
        let amount = Pence(claim.amount.0.min(left.0));
        left = Pence(left.0.checked_sub(amount.0).unwrap_or(0));
        lines.push(ClaimLine {
            family: decision.family.clone(),
            route: route.clone(),
            claim: claim.claim_type.clone(),
            amount,
            earliest: claim.earliest,
            window: claim.window,
            plan_version: decision.plan.version.clone(),
            plan_digest: decision.plan.digest.clone(),
            evidence: claim.evidence.clone(),
            discretionary: claim.discretionary,
            approval: claim.approval.clone(),
        });
    }
    lines
}

/// The families, lines and money of one route, or of the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ClaimCount {
    /// Families claimed.
    pub families: u64,
    /// Lines (claims) submitted.
    pub claims: u64,
    /// The money claimed.
    pub amount: Pence,
}

impl ClaimCount {
    fn add(&mut self, lines: &[ClaimLine]) -> Result<(), CohortOverflow> {
        let mut amount = self.amount;
        for line in lines {
            amount = amount
                .checked_add(line.amount)
                .ok_or(CohortOverflow::ResultsPayable)?;
        }
        let claims = u64::try_from(lines.len()).map_err(|_| CohortOverflow::Records)?;
        *self = ClaimCount {
            families: count_one(self.families, 1)?,
            claims: self
                .claims
                .checked_add(claims)
                .ok_or(CohortOverflow::Records)?,
            amount,
        };
        Ok(())
    }
}

/// A claim file's totals: by route (in the order of the routes' names) and
/// in all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ClaimTotals {
    /// Each route's families, claims and money.
    pub by_route: BTreeMap<String, ClaimCount>,
    /// The whole file.
    pub total: ClaimCount,
}

impl ClaimTotals {
    /// Adds one family's lines; `Err`, with nothing counted, when the money
    /// would pass [`Pence::MAX`] or a count `u64::MAX`. A family without
    /// lines is not counted.
    pub fn add(&mut self, lines: &[ClaimLine]) -> Result<(), CohortOverflow> {
        let Some(first) = lines.first() else {
            return Ok(());
        };
        let mut route = self.by_route.get(&first.route).copied().unwrap_or_default();
        let mut total = self.total;
        route.add(lines)?;
        total.add(lines)?;
        self.by_route.insert(first.route.clone(), route);
        self.total = total;
        Ok(())
    }
}
