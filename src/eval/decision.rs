//! The decision for one family, in the shape `interchange.md` fixes.
#![deny(clippy::arithmetic_side_effects)]

use crate::num::Pence;
use crate::plan::Plan;
use crate::timeline::FamilyError;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

/// What a plan decides for one family as of one day, with its evidence.
///
/// Serializes to the decision object of the interchange format; field names
/// are stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The family's id.
    pub family: String,
    /// The day decided, at its end.
    pub as_of: NaiveDate,
    /// Which plan decided.
    pub plan: PlanRef,
    /// Whether the family meets the plan's eligibility rule on its
    /// identification day (the attachment day, or the as-of day when not
    /// attached).
    pub eligible: bool,
    /// The problems identified, with the indicators that fired.
    pub problems: Vec<ProblemFinding>,
    /// Whether and when the family is attached.
    pub attachment: Attachment,
    /// Progress against each problem the claim counts.
    pub progress: Vec<Progress>,
    /// Each claim type's status.
    pub claims: Vec<ClaimDecision>,
    /// What may be claimed as of the day, after combination rules and claims
    /// already made.
    pub payable: Pence,
    /// Problems with the family's record; empty when it was read cleanly.
    pub errors: Vec<RecordProblem>,
}

/// The plan a decision came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRef {
    /// The plan's name.
    pub name: String,
    /// The plan's version, if it states one.
    pub version: Option<String>,
    /// The digest of the plan's canonical text.
    pub digest: String,
}

impl PlanRef {
    /// The reference to `plan`.
    pub(crate) fn of(plan: &Plan) -> PlanRef {
        PlanRef {
            name: plan.header.name.clone(),
            version: plan.header.version.clone(),
            digest: plan.digest.clone(),
        }
    }
}

/// One identified problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemFinding {
    /// The problem's id.
    pub id: String,
    /// The indicators that fired.
    pub indicators: Vec<IndicatorFinding>,
}

/// One indicator that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorFinding {
    /// The indicator's id.
    pub id: String,
    /// The events that made it fire: ids, or `#N` for the N-th event.
    pub evidence: Vec<String>,
}

/// The family's attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Attached, attachable, not eligible or principles missing.
    pub status: AttachmentStatus,
    /// The attachment day, when the authority recorded one.
    pub date: Option<NaiveDate>,
    /// The principles not in place (on the attachment day, or as of the day).
    pub missing: Vec<String>,
}

/// `attachment.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentStatus {
    /// Attached, with every principle in place on the day.
    Attached,
    /// Eligible with every principle in place, not yet attached.
    Attachable,
    /// Not eligible.
    NotEligible,
    /// Eligible (or attached) but some principle is not in place.
    PrinciplesMissing,
}

impl AttachmentStatus {
    /// The status's stable word: `attached`, `attachable`, `not_eligible`,
    /// `principles_missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentStatus::Attached => "attached",
            AttachmentStatus::Attachable => "attachable",
            AttachmentStatus::NotEligible => "not_eligible",
            AttachmentStatus::PrinciplesMissing => "principles_missing",
        }
    }
}

impl Serialize for AttachmentStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Progress against one problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The problem's id.
    pub problem: String,
    /// Whether its significant-progress measure holds on the day.
    pub significant: bool,
    /// Whether it has held for the sustain period.
    pub sustained: bool,
    /// The first day of the current unbroken run of significant progress.
    pub since: Option<NaiveDate>,
    /// When sustained, the first day of the current unbroken run of
    /// sustained progress (as a claim's `earliest`); otherwise the first day
    /// after the as-of day on which it will be if nothing more happens, or
    /// `null` for never without a change.
    pub sustained_on: Option<NaiveDate>,
}

/// One claim type's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimDecision {
    /// The claim's id.
    #[serde(rename = "type")]
    pub claim_type: String,
    /// Claimable, not yet, claimed or not applicable.
    pub status: ClaimStatus,
    /// What the claim pays (a top-up pays the difference).
    pub amount: Pence,
    /// Claimable: the first day of the unbroken run up to the as-of day.
    /// Not yet: the first day after it on which the claim becomes possible if
    /// nothing more happens, or `null` for never without a change.
    pub earliest: Option<NaiveDate>,
    /// Why it is not claimable, in words.
    pub reason: Option<String>,
    /// The events behind the status.
    pub evidence: Vec<String>,
    /// Whether the claim needs a named officer's approval (flagged for audit).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub discretionary: bool,
}

/// `claims[].status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    /// Its condition holds on the day.
    Claimable,
    /// Not on the day.
    NotYet,
    /// Already claimed (or excluded by a claim already made).
    Claimed,
    /// The plan makes no such claims (earned autonomy).
    NotApplicable,
}

impl ClaimStatus {
    /// The status's stable word: `claimable`, `not_yet`, `claimed`,
    /// `not_applicable`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Claimable => "claimable",
            ClaimStatus::NotYet => "not_yet",
            ClaimStatus::Claimed => "claimed",
            ClaimStatus::NotApplicable => "not_applicable",
        }
    }
}

impl Serialize for ClaimStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem with a family's record, without any of its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordProblem {
    /// Which record: `family`, `member #N (id)` or `event #N (id)`.
    pub record: String,
    /// Which field, if one.
    pub field: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
    /// The file the record is in, when the family was read from several
    /// (a CSV folder's `members.csv`, `events.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The record's line in `file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// The decision for a family that could not be read: only its id (when
/// known) and its errors; the other keys are absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The family's id, if it could be read.
    pub family: Option<String>,
    /// Which line of the input it came from, when read from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The file `line` is in, when the input is several files (a CSV
    /// folder's `families.csv`); absent for a single file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Every problem found.
    pub errors: Vec<RecordProblem>,
}

impl Refusal {
    /// The refusal for a family that failed validation.
    pub fn from_error(error: &FamilyError) -> Refusal {
        Refusal {
            family: error.family.clone(),
            line: None,
            file: None,
            errors: error
                .problems
                .iter()
                .map(|problem| RecordProblem {
                    record: problem.record.to_string(),
                    field: problem.field.clone(),
                    message: problem.kind.to_string(),
                    file: None,
                    line: None,
                })
                .collect(),
        }
    }
}
