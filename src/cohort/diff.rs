//! What changes for a family between two plan versions.

use super::{CohortOverflow, count_one};
use crate::eval::{ClaimDecision, Decision, PlanRef, Refusal};
use crate::plan::Plan;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// A kind of difference between two decisions for one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// One plan refused the record and the other decided it.
    Refused,
    /// Eligible under one plan and not the other.
    Eligibility,
    /// The problems identified differ.
    Problems,
    /// The attachment status, or the principles missing, differ.
    Attachment,
    /// A claim's status differs (or the claim exists under one plan only).
    ClaimStatus,
    /// A claim's amount differs.
    ClaimAmount,
    /// A claim's earliest day differs.
    ClaimEarliest,
    /// The claim window a claim is made in differs.
    ClaimWindow,
    /// What may be claimed as of the day differs.
    Payable,
    /// The claims `payable` pays differ.
    Route,
}

impl ChangeKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [ChangeKind; 10] = [
        ChangeKind::Refused,
        ChangeKind::Eligibility,
        ChangeKind::Problems,
        ChangeKind::Attachment,
        ChangeKind::ClaimStatus,
        ChangeKind::ClaimAmount,
        ChangeKind::ClaimEarliest,
        ChangeKind::ClaimWindow,
        ChangeKind::Payable,
        ChangeKind::Route,
    ];

    /// The kind's stable name: `refused`, `eligibility`, `problems`,
    /// `attachment`, `claim_status`, `claim_amount`, `claim_earliest`,
    /// `claim_window`, `payable`, `route`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Refused => "refused",
            ChangeKind::Eligibility => "eligibility",
            ChangeKind::Problems => "problems",
            ChangeKind::Attachment => "attachment",
            ChangeKind::ClaimStatus => "claim_status",
            ChangeKind::ClaimAmount => "claim_amount",
            ChangeKind::ClaimEarliest => "claim_earliest",
            ChangeKind::ClaimWindow => "claim_window",
            ChangeKind::Payable => "payable",
            ChangeKind::Route => "route",
        }
    }
}

impl Serialize for ChangeKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One difference: what it is about and both values, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What differs.
    pub kind: ChangeKind,
    /// The claim, for the claim kinds.
    pub claim: Option<String>,
    /// The value under the old plan (`decided`/`refused`, `eligible`/`not
    /// eligible`, problem ids, a status, an amount `800.00`, a day or
    /// `never`, a claim window's day or `none`, the claims paid joined by
    /// ` + ` or `none`, `absent` for a claim the plan does not have).
    pub old: String,
    /// The value under the new plan, in the same words.
    pub new: String,
}

fn earliest_name(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| "never".to_string(), |day| day.to_string())
}

fn problems_of(decision: &Decision) -> String {
    decision.problem_list().unwrap_or_else(|| "none".into())
}

fn attachment_of(decision: &Decision) -> String {
    let status = decision.attachment.status.as_str();
    if decision.attachment.missing.is_empty() {
        status.to_string()
    } else {
        format!(
            "{status} (missing {})",
            decision.attachment.missing.join(", ")
        )
    }
}

/// Every difference between the decisions two plans take for one record,
/// in the order of [`ChangeKind::ALL`], claims in the old plan's order and
/// then the new plan's own. Two refusals are no difference.
pub fn compare(old: Result<&Decision, &Refusal>, new: Result<&Decision, &Refusal>) -> Vec<Change> {
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(_), Err(_)) => return Vec::new(),
        (old, new) => {
            let name = |side: Result<&Decision, &Refusal>| {
                if side.is_ok() { "decided" } else { "refused" }.to_string()
            };
            return vec![Change {
                kind: ChangeKind::Refused,
                claim: None,
                old: name(old),
                new: name(new),
            }];
        }
    };
    let mut changes = Vec::new();
    let mut differ = |kind, claim: Option<&str>, old: String, new: String| {
        if old != new {
            changes.push(Change {
                kind,
                claim: claim.map(str::to_owned),
                old,
                new,
            });
        }
    };
    let eligible = |decision: &Decision| {
        if decision.eligible {
            "eligible"
        } else {
            "not eligible"
        }
        .to_string()
    };
    differ(ChangeKind::Eligibility, None, eligible(old), eligible(new));
    differ(
        ChangeKind::Problems,
        None,
        problems_of(old),
        problems_of(new),
    );
    differ(
        ChangeKind::Attachment,
        None,
        attachment_of(old),
        attachment_of(new),
    );
    let claim_ids = old
        .claims
        .iter()
        .map(|claim| claim.claim_type.as_str())
        .chain(
            new.claims
                .iter()
                .map(|claim| claim.claim_type.as_str())
                .filter(|id| !old.claims.iter().any(|claim| claim.claim_type == *id)),
        );
    let find = |decision: &'_ Decision, id: &str| -> Option<ClaimDecision> {
        decision
            .claims
            .iter()
            .find(|claim| claim.claim_type == id)
            .cloned()
    };
    let mut claim_changes = Vec::new();
    for id in claim_ids {
        match (find(old, id), find(new, id)) {
            (Some(before), Some(after)) => {
                claim_changes.push((
                    ChangeKind::ClaimStatus,
                    id,
                    before.status.as_str().to_string(),
                    after.status.as_str().to_string(),
                ));
                claim_changes.push((
                    ChangeKind::ClaimAmount,
                    id,
                    before.amount.to_decimal_string(),
                    after.amount.to_decimal_string(),
                ));
                claim_changes.push((
                    ChangeKind::ClaimEarliest,
                    id,
                    earliest_name(before.earliest),
                    earliest_name(after.earliest),
                ));
                claim_changes.push((
                    ChangeKind::ClaimWindow,
                    id,
                    window_name(before.window),
                    window_name(after.window),
                ));
            }
            (before, after) => {
                let status = |claim: Option<ClaimDecision>| {
                    claim.map_or("absent", |claim| claim.status.as_str())
                };
                claim_changes.push((
                    ChangeKind::ClaimStatus,
                    id,
                    status(before).to_string(),
                    status(after).to_string(),
                ));
            }
        }
    }
    // Listed kind by kind, so that the order of changes is the order of kinds.
    claim_changes.sort_by_key(|(kind, ..)| *kind);
    for (kind, id, before, after) in claim_changes {
        differ(kind, Some(id), before, after);
    }
    differ(
        ChangeKind::Payable,
        None,
        old.payable.to_decimal_string(),
        new.payable.to_decimal_string(),
    );
    differ(ChangeKind::Route, None, route_of(old), route_of(new));
    changes
}

/// A claim window in words: its day, or `none`.
fn window_name(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| "none".to_string(), |day| day.to_string())
}

/// The claims a decision pays, joined by ` + `, or `none`.
fn route_of(decision: &Decision) -> String {
    if decision.route.is_empty() {
        "none".to_string()
    } else {
        decision.route.join(" + ")
    }
}

/// The counts of a diff over a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiffTally {
    /// Records compared.
    pub compared: u64,
    /// Families with at least one difference.
    pub differing: u64,
    /// Records both plans refused (no difference, but not compared either).
    pub refused_by_both: u64,
    /// Families with at least one difference of each kind.
    pub by_kind: BTreeMap<ChangeKind, u64>,
}

impl DiffTally {
    /// Counts one record's changes; `both_refused` when neither plan could
    /// decide it. `Err`, with nothing counted, past `u64::MAX` records.
    pub fn add(&mut self, changes: &[Change], both_refused: bool) -> Result<(), CohortOverflow> {
        // Every other count is of some of the records compared, so once
        // that fits they all do.
        let compared = count_one(self.compared, 1)?;
        self.refused_by_both = count_one(self.refused_by_both, u64::from(both_refused))?;
        self.compared = compared;
        if changes.is_empty() {
            return Ok(());
        }
        self.differing = count_one(self.differing, 1)?;
        for kind in ChangeKind::ALL {
            if changes.iter().any(|change| change.kind == kind) {
                let families = self.by_kind.entry(kind).or_insert(0);
                *families = count_one(*families, 1)?;
            }
        }
        Ok(())
    }
}

impl DiffTally {
    /// The counts as `tfop diff --format json` ends with them: every kind
    /// named, a kind no family differs by as 0.
    pub fn counts(&self) -> DiffCounts {
        DiffCounts {
            compared: self.compared,
            differing: self.differing,
            refused_by_both: self.refused_by_both,
            changes: ChangeKind::ALL
                .iter()
                .map(|kind| (*kind, self.by_kind.get(kind).copied().unwrap_or(0)))
                .collect(),
        }
    }
}

/// The counts of a diff, in the shape `tfop diff --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffCounts {
    /// Records compared.
    pub compared: u64,
    /// Families with at least one difference.
    pub differing: u64,
    /// Records both plans refused.
    pub refused_by_both: u64,
    /// Families with at least one difference of each kind, every kind named.
    pub changes: BTreeMap<ChangeKind, u64>,
}

/// What a diff compares: the day and both plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffHead {
    /// The day both plans decide as of.
    #[serde(serialize_with = "crate::date::serialize")]
    pub as_of: NaiveDate,
    /// The plan compared from.
    pub old: PlanRef,
    /// The plan compared to.
    pub new: PlanRef,
}

impl DiffHead {
    /// The head of a diff of `old` and `new` as of a day.
    pub fn new(old: &Plan, new: &Plan, as_of: NaiveDate) -> DiffHead {
        DiffHead {
            as_of,
            old: PlanRef::of(old),
            new: PlanRef::of(new),
        }
    }
}

/// What one plan made of a record: its decision or its refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Outcome<'a> {
    /// The record was decided.
    Decided(&'a Decision),
    /// The record was refused.
    Refused(&'a Refusal),
}

impl<'a> From<Result<&'a Decision, &'a Refusal>> for Outcome<'a> {
    fn from(side: Result<&'a Decision, &'a Refusal>) -> Outcome<'a> {
        match side {
            Ok(decision) => Outcome::Decided(decision),
            Err(refusal) => Outcome::Refused(refusal),
        }
    }
}

/// One differing family, as `tfop diff --format json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyDiff<'a> {
    /// The family's id, when either plan could read it.
    pub family: Option<&'a str>,
    /// The record's line in the input.
    pub line: u64,
    /// Every difference, in the order of [`ChangeKind::ALL`].
    pub changes: &'a [Change],
    /// The old plan's outcome.
    pub old: Outcome<'a>,
    /// The new plan's outcome.
    pub new: Outcome<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Plan;

    fn plan(threshold: u32) -> Plan {
        Plan::parse(&format!(
            r#"plan "T" {{ framework phase2 }}
problem crime "Crime" {{
  indicator asb "ASB" {{ count asb_incident in family within 12 months >= {threshold} }}
  significant "No ASB" {{ no asb_incident in family within 1 month }}
}}
eligible when at least 1 problems
claim progress "Progress" pays £800 {{ every identified problem has progressed }}
"#
        ))
        .unwrap()
    }

    fn decide(plan: &Plan) -> Result<Decision, Refusal> {
        let text = r#"{"id":"F1","members":[{"id":"A","role":"adult"}],"events":[
            {"kind":"asb_incident","member":"A","date":"2016-01-10"},
            {"kind":"attachment","date":"2016-02-01"}]}"#;
        plan.read_family(text)
            .map(|family| plan.evaluate(&family, NaiveDate::from_ymd_opt(2016, 6, 1).unwrap()))
            .map_err(|error| Refusal::from_error(&error))
    }

    #[test]
    fn identical_plans_differ_in_nothing() {
        let decision = decide(&plan(1)).unwrap();
        assert_eq!(compare(Ok(&decision), Ok(&decision)), []);
    }

    #[test]
    fn a_raised_threshold_changes_eligibility_problems_and_the_claim() {
        let (old, new) = (decide(&plan(1)).unwrap(), decide(&plan(2)).unwrap());
        let changes = compare(Ok(&old), Ok(&new));
        let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ChangeKind::Eligibility,
                ChangeKind::Problems,
                ChangeKind::Attachment,
                ChangeKind::ClaimStatus,
                ChangeKind::ClaimEarliest,
                ChangeKind::Payable,
                // Paying nothing now, it pays by no route.
                ChangeKind::Route,
            ],
            "{changes:?}"
        );
        assert_eq!(changes[0].old, "eligible");
        assert_eq!(changes[0].new, "not eligible");
        assert_eq!(changes[1].old, "crime");
        assert_eq!(changes[1].new, "none");
        // Attached on a day it is not eligible: the attachment is not valid…
        assert_eq!(
            (changes[2].old.as_str(), changes[2].new.as_str()),
            ("attached", "attached_not_eligible")
        );
        // …and the claim is blocked for good.
        assert_eq!(
            (changes[3].old.as_str(), changes[3].new.as_str()),
            ("claimable", "not_yet")
        );
        assert_eq!(
            (changes[4].old.as_str(), changes[4].new.as_str()),
            ("2016-02-10", "never")
        );
        assert_eq!(changes[5].claim, None);
        let mut tally = DiffTally::default();
        tally.add(&changes, false).unwrap();
        tally.add(&[], false).unwrap();
        assert_eq!(tally.compared, 2);
        assert_eq!(tally.differing, 1);
        assert_eq!(tally.by_kind[&ChangeKind::Problems], 1);
    }

    #[test]
    fn a_count_past_u64_is_an_error_and_nothing_is_counted() {
        let mut tally = DiffTally {
            compared: u64::MAX,
            ..DiffTally::default()
        };
        assert_eq!(tally.add(&[], true), Err(CohortOverflow::Records));
        assert_eq!((tally.compared, tally.refused_by_both), (u64::MAX, 0));
    }

    #[test]
    fn refused_by_one_plan_only_is_a_difference_and_by_both_is_not() {
        let decision = decide(&plan(1)).unwrap();
        let refusal = Refusal {
            family: Some("F1".into()),
            file: None,
            line: Some(1),
            errors: Vec::new(),
        };
        let changes = compare(Err(&refusal), Ok(&decision));
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (
                changes[0].kind,
                changes[0].old.as_str(),
                changes[0].new.as_str()
            ),
            (ChangeKind::Refused, "refused", "decided")
        );
        assert_eq!(compare(Err(&refusal), Err(&refusal)), []);
    }
}
