//! The near-miss worklist of a claim window: families not claimable on the
//! window's day whose money a key worker can still win. Three kinds of row,
//! one a family:
//!
//! - `lost`: claimable in an earlier claim window, never claimed, and no
//!   longer claimable: a result achieved and then lost. These come first.
//! - `near`: validly attached, nothing claimed yet, and a claim becomes
//!   possible on a later day if nothing changes.
//! - `top_up`: already claimed, and a later result would top the claim up.
//!
//! Each row names what blocks the claim (or, for a lost one, which
//! problems' progress was lost) and the money at stake.

use super::CohortOverflow;
use crate::eval::{AttachmentStatus, ClaimStatus, Decision};
use crate::family::Family;
use crate::num::Pence;
use crate::plan::Plan;
use chrono::NaiveDate;
use serde::Serialize;
use std::cmp::Ordering;

/// What kind of money a worklist row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NearKind {
    /// Claimable in an earlier window, never claimed, and lost since.
    Lost,
    /// Nothing claimed yet; a claim becomes possible later by itself.
    Near,
    /// Already claimed; a later result would top the claim up.
    TopUp,
}

impl NearKind {
    /// The kind's stable word: `lost`, `near`, `top_up`.
    pub fn as_str(self) -> &'static str {
        match self {
            NearKind::Lost => "lost",
            NearKind::Near => "near",
            NearKind::TopUp => "top_up",
        }
    }
}

/// One family on the worklist: a claim lost, or the claim that becomes
/// possible soonest if nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NearMiss {
    /// The family's id.
    pub family: String,
    /// Which kind of row this is.
    pub kind: NearKind,
    /// The claim at stake; for a lost row, the route that was claimable,
    /// its claims joined by `+` in plan order.
    pub claim: String,
    /// For `near` and `top_up`: the problems whose progress is not yet
    /// sustained and will be by `earliest`, in plan order. For `lost`: the
    /// problems whose progress the route counted in the window it was
    /// claimable in and that are not sustained now (what changed; see
    /// [`lost_progress`]). Empty when what blocks is not a problem's
    /// progress (`reason` then says what it is).
    pub blocking: Vec<String>,
    /// Why the claim is not possible on the window's day, as the decision
    /// words it.
    pub reason: Option<String>,
    /// The day the claim becomes possible (again) if nothing changes;
    /// `null` for a lost claim that needs something new to happen.
    #[serde(serialize_with = "crate::date::serialize")]
    pub earliest: Option<NaiveDate>,
    /// The claim window it would be made in; `null` when the plan states
    /// none or `earliest` is null.
    #[serde(serialize_with = "crate::date::serialize")]
    pub window: Option<NaiveDate>,
    /// For `lost`: the latest earlier claim window the route was claimable
    /// in; `null` for the other kinds.
    #[serde(serialize_with = "crate::date::serialize")]
    pub claimable_in: Option<NaiveDate>,
    /// The money at stake: what the claim pays (a top-up, the difference;
    /// a lost route, what it would have paid in `claimable_in`).
    pub amount: Pence,
    /// The plan's version, if it states one.
    pub plan_version: Option<String>,
    /// The digest of the plan's canonical text.
    pub plan_digest: String,
}

impl NearMiss {
    /// The worklist's order: lost claims first, the most recently lost
    /// first (the likeliest to be won back); then the other rows by the day
    /// the claim clears; then by family id.
    pub fn clears_first(&self, other: &NearMiss) -> Ordering {
        let key = |row: &NearMiss| {
            (
                row.kind != NearKind::Lost,
                std::cmp::Reverse(row.claimable_in),
                row.earliest,
                row.family.clone(),
            )
        };
        key(self).cmp(&key(other))
    }
}

/// The worklist row of one family decided on a claim window's day under
/// `plan`, or `None` when it has none: something is claimable now (it is
/// in the claim file), or there is no money to win without a change. A
/// family with nothing claimable is decided again on each earlier claim
/// window since its attachment, latest first, to find a claim it has lost.
pub fn near_miss(plan: &Plan, family: &Family, decision: &Decision) -> Option<NearMiss> {
    if decision
        .claims
        .iter()
        .any(|claim| claim.status == ClaimStatus::Claimable)
    {
        return None;
    }
    lost(plan, family, decision).or_else(|| {
        let claimed = decision
            .claims
            .iter()
            .any(|claim| claim.status == ClaimStatus::Claimed);
        if claimed {
            top_up(plan, family, decision)
        } else {
            soonest(decision)
        }
    })
}

/// The route claimable in the latest earlier claim window whose claims are
/// none of them claimed now, decided as of that window's day.
fn lost(plan: &Plan, family: &Family, decision: &Decision) -> Option<NearMiss> {
    let attached = decision.attachment.date?;
    let earlier = plan
        .claim_window_days
        .iter()
        .rev()
        .filter(|window| **window < decision.as_of && **window >= attached);
    for window in earlier {
        let then = plan.evaluate(family, *window);
        if then.payable == Pence(0) {
            continue;
        }
        let now = |id: &String| decision.claims.iter().find(|claim| claim.claim_type == *id);
        let never_claimed = then
            .route
            .iter()
            .all(|id| now(id).is_some_and(|claim| claim.status == ClaimStatus::NotYet));
        if !never_claimed {
            // Claimed since (or excluded by a claim made since): not lost.
            return None;
        }
        let first = then.route.first().and_then(now)?;
        return Some(NearMiss {
            family: decision.family.clone(),
            kind: NearKind::Lost,
            claim: then.route.join("+"),
            blocking: lost_progress(plan, &then, decision),
            reason: first.reason.clone(),
            earliest: first.earliest,
            window: first.window,
            claimable_in: Some(*window),
            amount: then.payable,
            plan_version: decision.plan.version.clone(),
            plan_digest: decision.plan.digest.clone(),
        });
    }
    None
}

/// The problems whose progress the route claimable `then` counted and that
/// are not sustained `now`, in plan order: what changed. A problem the
/// family was never identified with (phase 1's `problem education has
/// progressed` of a family identified with crime only) has no progress of
/// its own in a decision, so nothing shows it holds now: it is named too,
/// for the key worker to check. Empty when the route counts no problem's
/// progress (an employment result): the row's reason says what blocks it.
fn lost_progress(plan: &Plan, then: &Decision, now: &Decision) -> Vec<String> {
    let counted = |problem: &str| {
        then.claims
            .iter()
            .filter(|claim| then.route.contains(&claim.claim_type))
            .filter_map(|claim| claim.basis.as_ref())
            .any(|basis| basis.problems.iter().any(|was| was.problem == problem))
    };
    let sustained_now = |problem: &str| {
        now.progress
            .iter()
            .any(|is| is.problem == problem && is.sustained)
    };
    plan.problems
        .iter()
        .map(|problem| problem.id.as_str())
        .filter(|problem| counted(problem) && !sustained_now(problem))
        .map(str::to_owned)
        .collect()
}

/// A claimed family's top-up: its claim to come soonest, paying what the
/// decision on that day would pay (the difference under the cap); `None`
/// when that is nothing.
fn top_up(plan: &Plan, family: &Family, decision: &Decision) -> Option<NearMiss> {
    let mut row = soonest_claim(decision)?;
    let earliest = row.earliest?;
    row.amount = plan.evaluate(family, earliest).payable;
    if row.amount == Pence(0) {
        return None;
    }
    row.kind = NearKind::TopUp;
    Some(row)
}

/// The near miss of a validly attached family with nothing claimed.
fn soonest(decision: &Decision) -> Option<NearMiss> {
    if decision.attachment.status != AttachmentStatus::Attached {
        return None;
    }
    soonest_claim(decision)
}

/// The claim not yet possible that becomes possible soonest; of claims
/// clearing the same day, the first in plan order.
fn soonest_claim(decision: &Decision) -> Option<NearMiss> {
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
        kind: NearKind::Near,
        claim: claim.claim_type.clone(),
        blocking,
        reason: claim.reason.clone(),
        earliest: Some(earliest),
        window: claim.window,
        claimable_in: None,
        amount: claim.amount,
        plan_version: decision.plan.version.clone(),
        plan_digest: decision.plan.digest.clone(),
    })
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
                framework: None,
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

    /// `soonest` over decisions, in the worklist's order.
    fn worklist(decisions: &[Decision]) -> Vec<NearMiss> {
        let mut rows: Vec<NearMiss> = decisions.iter().filter_map(soonest).collect();
        rows.sort_by(NearMiss::clears_first);
        rows
    }

    #[test]
    fn a_near_miss_is_the_claim_of_an_attached_family_that_clears_by_itself_soonest() {
        use AttachmentStatus::{Attached, AttachedNotEligible};
        use ClaimStatus::NotYet;
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
        let not_valid = decision(
            "F",
            AttachedNotEligible,
            vec![claim("progress", NotYet, Some("2017-08-01"))],
            vec![],
        );
        let rows = worklist(&[later, never, not_valid, sooner]);
        let seen: Vec<(&str, &str, Option<NaiveDate>)> = rows
            .iter()
            .map(|row| (row.family.as_str(), row.claim.as_str(), row.earliest))
            .collect();
        assert_eq!(
            seen,
            [
                ("B", "employment", Some(day("2017-09-15"))),
                ("A", "progress", Some(day("2017-09-18"))),
            ]
        );
        // Only the problem clearing by the claim's day blocks it; the
        // employment claim is blocked by no problem's progress.
        assert_eq!(rows[1].blocking, ["crime"]);
        assert!(rows[0].blocking.is_empty());
        assert_eq!(rows[1].window, Some(day("2017-10-01")));
        assert_eq!(rows[1].kind, NearKind::Near);
        assert_eq!(at_stake(&rows), Ok(Pence(160_000)));
    }

    #[test]
    fn lost_claims_come_first_the_latest_lost_first_then_the_rest_by_day() {
        let row = |family: &str, kind, claimable_in: Option<&str>, earliest: Option<&str>| {
            let mut row = soonest(&decision(
                family,
                AttachmentStatus::Attached,
                vec![claim("progress", ClaimStatus::NotYet, Some("2017-09-18"))],
                vec![],
            ))
            .unwrap();
            row.kind = kind;
            row.claimable_in = claimable_in.map(day);
            row.earliest = earliest.map(day);
            row
        };
        let mut rows = [
            row("A", NearKind::Near, None, Some("2017-05-01")),
            row("B", NearKind::TopUp, None, Some("2017-04-01")),
            row("C", NearKind::Lost, Some("2016-07-01"), None),
            row("D", NearKind::Lost, Some("2017-01-01"), Some("2018-01-01")),
        ];
        rows.sort_by(NearMiss::clears_first);
        let order: Vec<&str> = rows.iter().map(|row| row.family.as_str()).collect();
        assert_eq!(order, ["D", "C", "B", "A"]);
    }

    #[test]
    fn money_at_stake_past_the_maximum_is_an_error() {
        let mut row = soonest(&decision(
            "A",
            AttachmentStatus::Attached,
            vec![claim("progress", ClaimStatus::NotYet, Some("2017-09-18"))],
            vec![],
        ))
        .unwrap();
        row.amount = Pence::MAX;
        assert_eq!(at_stake([&row, &row]), Err(CohortOverflow::ResultsPayable));
    }
}
