//! The near-miss worklist of a claim window: validly attached families not
//! claimable on the window's day whose claim becomes possible on a later day
//! if nothing changes. A key worker reads it soonest day first: each row
//! names what still blocks the claim and the money it would bring.

use super::CohortOverflow;
use crate::eval::{AttachmentStatus, ClaimStatus, Decision};
use crate::num::Pence;
use chrono::NaiveDate;
use serde::Serialize;
use std::cmp::Ordering;

/// One family one condition away from a claim: the claim that becomes
/// possible soonest if nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NearMiss {
    /// The family's id.
    pub family: String,
    /// The claim that would become possible.
    pub claim: String,
    /// The problems whose progress is not yet sustained and will be by
    /// `earliest`, in plan order; empty when what blocks is not a problem's
    /// progress (the claim's `reason` then says what it is).
    pub blocking: Vec<String>,
    /// Why the claim is not possible on the window's day, as the decision
    /// words it.
    pub reason: Option<String>,
    /// The day the claim becomes possible if nothing changes.
    pub earliest: NaiveDate,
    /// The claim window it would be made in; `null` when the plan states none.
    pub window: Option<NaiveDate>,
    /// The money at stake: what the claim pays.
    pub amount: Pence,
    /// The plan's version, if it states one.
    pub plan_version: Option<String>,
    /// The digest of the plan's canonical text.
    pub plan_digest: String,
}

impl NearMiss {
    /// The worklist's order: the day the claim clears, then the family's id.
    pub fn clears_first(&self, other: &NearMiss) -> Ordering {
        (self.earliest, &self.family).cmp(&(other.earliest, &other.family))
    }
}

/// The near miss of one decision, or `None` when the family is not on the
/// worklist: not validly attached, claimable now (it is in the claim file),
/// already claimed (any top-up is left to the claim file), or with no claim
/// possible without a change.
pub fn near_miss(decision: &Decision) -> Option<NearMiss> {
    if decision.attachment.status != AttachmentStatus::Attached {
        return None;
    }
    let settled = |status| matches!(status, ClaimStatus::Claimable | ClaimStatus::Claimed);
    if decision.claims.iter().any(|claim| settled(claim.status)) {
        return None;
    }
    // The soonest possible claim; of claims clearing the same day, the first in plan order.
    let (claim, earliest) = decision
        .claims
        .iter()
        .filter(|claim| claim.status == ClaimStatus::NotYet)
        .filter_map(|claim| claim.earliest.map(|earliest| (claim, earliest)))
        .min_by_key(|(_, earliest)| *earliest)?;
    let blocking = decision
        .progress
        .iter()
        .filter(|progress| !progress.sustained)
        .filter(|progress| progress.sustained_on.is_some_and(|day| day <= earliest))
        .map(|progress| progress.problem.clone())
        .collect();
    Some(NearMiss {
        family: decision.family.clone(),
        claim: claim.claim_type.clone(),
        blocking,
        reason: claim.reason.clone(),
        earliest,
        window: claim.window,
        amount: claim.amount,
        plan_version: decision.plan.version.clone(),
        plan_digest: decision.plan.digest.clone(),
    })
}

/// The worklist of `decisions`, soonest day first.
pub fn near_misses<'a>(decisions: impl IntoIterator<Item = &'a Decision>) -> Vec<NearMiss> {
    let mut rows: Vec<NearMiss> = decisions.into_iter().filter_map(near_miss).collect();
    rows.sort_by(NearMiss::clears_first);
    rows
}

/// The money at stake on a worklist; `Err` past [`Pence::MAX`].
pub fn at_stake<'a>(rows: impl IntoIterator<Item = &'a NearMiss>) -> Result<Pence, CohortOverflow> {
    rows.into_iter().try_fold(Pence(0), |total, row| {
        total
            .checked_add(row.amount)
            .ok_or(CohortOverflow::ResultsPayable)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Attachment, ClaimDecision, PlanRef, Progress};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn claim(id: &str, status: ClaimStatus, earliest: Option<&str>) -> ClaimDecision {
        ClaimDecision {
            claim_type: id.into(),
            status,
            amount: Pence(80_000),
            earliest: earliest.map(day),
            window: earliest.map(|_| day("2017-10-01")),
            reason: Some("not yet".into()),
            evidence: Vec::new(),
            basis: None,
            discretionary: false,
            approval: None,
        }
    }

    fn progress(problem: &str, sustained: bool, sustained_on: Option<&str>) -> Progress {
        Progress {
            problem: problem.into(),
            significant: sustained_on.is_some(),
            sustained,
            since: None,
            sustained_on: sustained_on.map(day),
            indicators: Vec::new(),
        }
    }

    fn decision(
        family: &str,
        status: AttachmentStatus,
        claims: Vec<ClaimDecision>,
        progress: Vec<Progress>,
    ) -> Decision {
        Decision {
            family: family.into(),
            as_of: day("2017-03-31"),
            plan: PlanRef {
                name: "plan".into(),
                version: None,
                digest: "sha256:0".into(),
                versions_by: None,
            },
            eligible: true,
            problems: Vec::new(),
            attachment: Attachment {
                status,
                date: Some(day("2016-01-01")),
                missing: Vec::new(),
                reason: None,
            },
            progress,
            claims,
            payable: Pence(0),
            route: Vec::new(),
            errors: Vec::new(),
        }
    }

    #[test]
    fn the_worklist_holds_attached_families_whose_claim_clears_by_itself_soonest_first() {
        use AttachmentStatus::{Attached, AttachedNotEligible};
        use ClaimStatus::{Claimable, Claimed, NotYet};
        let later = decision(
            "A",
            Attached,
            vec![claim("progress", NotYet, Some("2017-09-18"))],
            vec![
                progress("crime", false, Some("2017-09-18")),
                progress("health", true, Some("2016-05-01")),
                // Clears a day after the claim's day: not what blocks it.
                progress("work", false, Some("2017-09-19")),
            ],
        );
        // Two claims clear: the sooner is the one at stake.
        let sooner = decision(
            "B",
            Attached,
            vec![
                claim("progress", NotYet, Some("2017-09-16")),
                claim("employment", NotYet, Some("2017-09-15")),
            ],
            vec![progress("crime", false, Some("2017-09-16"))],
        );
        let never = decision("C", Attached, vec![claim("progress", NotYet, None)], vec![]);
        let claimable_now = decision(
            "D",
            Attached,
            vec![
                claim("progress", NotYet, Some("2017-08-01")),
                claim("employment", Claimable, Some("2016-01-01")),
            ],
            vec![],
        );
        let claimed = decision(
            "E",
            Attached,
            vec![
                claim("progress", Claimed, None),
                claim("employment", NotYet, Some("2017-08-01")),
            ],
            vec![],
        );
        let not_valid = decision(
            "F",
            AttachedNotEligible,
            vec![claim("progress", NotYet, Some("2017-08-01"))],
            vec![],
        );
        let decisions = [later, never, claimable_now, claimed, not_valid, sooner];
        let rows = near_misses(&decisions);
        let seen: Vec<(&str, &str, NaiveDate)> = rows
            .iter()
            .map(|row| (row.family.as_str(), row.claim.as_str(), row.earliest))
            .collect();
        assert_eq!(
            seen,
            [
                ("B", "employment", day("2017-09-15")),
                ("A", "progress", day("2017-09-18")),
            ]
        );
        // Only the problem clearing by the claim's day blocks it; the
        // employment claim is blocked by no problem's progress.
        assert_eq!(rows[1].blocking, ["crime"]);
        assert!(rows[0].blocking.is_empty());
        assert_eq!(rows[1].window, Some(day("2017-10-01")));
        assert_eq!(at_stake(&rows), Ok(Pence(160_000)));
    }

    #[test]
    fn money_at_stake_past_the_maximum_is_an_error() {
        let mut row = near_misses(&[decision(
            "A",
            AttachmentStatus::Attached,
            vec![claim("progress", ClaimStatus::NotYet, Some("2017-09-18"))],
            vec![],
        )])
        .remove(0);
        row.amount = Pence::MAX;
        assert_eq!(at_stake([&row, &row]), Err(CohortOverflow::ResultsPayable));
    }
}
