//! The decision for one family, in the shape `interchange.md` fixes.
#![deny(clippy::arithmetic_side_effects)]

use super::explanation::Requirement;
use crate::family::{FamilyError, RecordErrorKind, RecordPosition};
use crate::headline::Headline;
use crate::num::Pence;
use crate::plan::{Framework, Plan};
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
    #[serde(serialize_with = "crate::date::serialize")]
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
    /// The claims `payable` pays, to be submitted together, in plan order:
    /// of the routes claimable now, the one the plan's `claim_route` picks
    /// (by default the one paying the most, then the first in plan order);
    /// empty when nothing is payable.
    pub route: Vec<String>,
    /// Problems with the family's record; empty when it was read cleanly.
    pub errors: Vec<RecordProblem>,
}

impl Decision {
    /// The ids of the problems identified, in plan order, as `crime, health`;
    /// `None` when there are none. Diffs write a decision's problems so.
    pub fn problem_list(&self) -> Option<String> {
        (!self.problems.is_empty()).then(|| {
            let ids: Vec<&str> = self
                .problems
                .iter()
                .map(|problem| problem.id.as_str())
                .collect();
            ids.join(", ")
        })
    }
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
    /// With several versions of the plan, the rule of the run that chose
    /// this one; absent when one plan decides every family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions_by: Option<VersionsBy>,
    /// The framework the plan works under, so a reader can tell which
    /// decided each family: named by every `sf2022` plan, and by every
    /// version of a run with several (where a transition can put families
    /// of one cohort under different frameworks); absent otherwise, so a
    /// single phase 1 or phase 2 plan's decisions keep their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<Framework>,
}

impl PlanRef {
    /// The reference to `plan`.
    pub fn of(plan: &Plan) -> PlanRef {
        let framework = plan.header.framework;
        PlanRef {
            name: plan.header.name.clone(),
            version: plan.header.version.clone(),
            digest: plan.digest.clone(),
            versions_by: None,
            framework: (framework == Framework::Sf2022).then_some(framework),
        }
    }

    /// States that `plan` was chosen from several versions by `rule` (none
    /// with one version): the rule, and the version's framework beside it.
    pub(crate) fn chosen_by(&mut self, plan: &Plan, rule: Option<VersionsBy>) {
        self.versions_by = rule;
        if rule.is_some() {
            self.framework = Some(plan.header.framework);
        }
    }
}

/// Which of several versions of a plan decides an attached family: a
/// stated choice of the cohort run, since a council may read a transition
/// (phase 2 to Supporting Families on 3 October 2022) either way. A family
/// not attached is decided under the version in force on the day decided
/// by both rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionsBy {
    /// The version in force on the day of the attachment the decision uses:
    /// a family attached before a new version takes effect stays under the
    /// old one.
    #[default]
    Attachment,
    /// The version in force on the day decided, whenever the family was
    /// attached: every family moves to the new version once it takes effect.
    DecisionDay,
}

impl VersionsBy {
    /// The rule as a run states it (`attachment`, `decision-day`).
    pub fn word(self) -> &'static str {
        match self {
            VersionsBy::Attachment => "attachment",
            VersionsBy::DecisionDay => "decision-day",
        }
    }
}

/// One identified problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemFinding {
    /// The problem's id.
    pub id: String,
    /// In an `sf2022` plan, the headline outcome the need sits under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<Headline>,
    /// The indicators that fired.
    pub indicators: Vec<IndicatorFinding>,
}

/// One indicator that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorFinding {
    /// The indicator's id.
    pub id: String,
    /// Its `code` in the plan, when it states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its data `source` in the plan, when it states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The events that made it fire: ids, or `#N` for the N-th event.
    pub evidence: Vec<String>,
}

/// The family's attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Attached, attached but not eligible, attachable, not eligible or
    /// principles missing.
    pub status: AttachmentStatus,
    /// The attachment day, when the authority recorded one.
    #[serde(serialize_with = "crate::date::serialize")]
    pub date: Option<NaiveDate>,
    /// The principles not in place (on the attachment day, or as of the day).
    pub missing: Vec<String>,
    /// Why a recorded attachment is not valid, in words, when the status
    /// does not say it all (`attached_not_eligible`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `attachment.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentStatus {
    /// Attached, eligible and with every principle in place on the day: a
    /// valid attachment, which earns the attachment fee.
    Attached,
    /// Attached with every principle in place, but not eligible on the
    /// attachment day: no fee is earned and no claim can follow.
    AttachedNotEligible,
    /// Eligible with every principle in place, not yet attached.
    Attachable,
    /// Not eligible.
    NotEligible,
    /// Eligible (or attached) but some principle is not in place.
    PrinciplesMissing,
}

impl AttachmentStatus {
    /// The status's stable word: `attached`, `attached_not_eligible`,
    /// `attachable`, `not_eligible`, `principles_missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentStatus::Attached => "attached",
            AttachmentStatus::AttachedNotEligible => "attached_not_eligible",
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
    #[serde(serialize_with = "crate::date::serialize")]
    pub since: Option<NaiveDate>,
    /// When sustained, the first day of the current unbroken run of
    /// sustained progress (as a claim's `earliest`); otherwise the first day
    /// after the as-of day on which it will be if nothing more happens, or
    /// `null` for never without a change.
    #[serde(serialize_with = "crate::date::serialize")]
    pub sustained_on: Option<NaiveDate>,
    /// For a problem whose indicators carry their own progress measures,
    /// the progress of each indicator that held at attachment, in the
    /// plan's order: the problem has progressed when each has. Absent for a
    /// problem measured as a whole.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorProgress>,
}

/// Progress against one indicator, by its own measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorProgress {
    /// The indicator's id.
    pub indicator: String,
    /// Whether its significant-progress measure holds on the day.
    pub significant: bool,
    /// Whether it has held for the indicator's sustain period.
    pub sustained: bool,
    /// As the problem's `since`, for this indicator's measure.
    #[serde(serialize_with = "crate::date::serialize")]
    pub since: Option<NaiveDate>,
    /// As the problem's `sustained_on`, for this indicator's measure.
    #[serde(serialize_with = "crate::date::serialize")]
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
    #[serde(serialize_with = "crate::date::serialize")]
    pub earliest: Option<NaiveDate>,
    /// The claim window it is made in: the first on or after the as-of day
    /// when claimable, or on or after `earliest` when not yet; `null` when
    /// the plan states no claim windows or the claim has no day. A claim
    /// that would become possible only after the last window is not
    /// possible at all: `earliest` is then `null` and `reason` says so.
    #[serde(serialize_with = "crate::date::serialize")]
    pub window: Option<NaiveDate>,
    /// Why it is not claimable, in words.
    pub reason: Option<String>,
    /// The records behind the status, in day order: for a claimable claim,
    /// every record its `basis` cites; for a claimed one, the claim records.
    /// Never empty for either.
    pub evidence: Vec<String>,
    /// For a claimable claim, what an auditor checks it against from the
    /// output alone; `null` for any other status.
    pub basis: Option<ClaimBasis>,
    /// Whether the claim needs a named officer's approval (flagged for audit).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub discretionary: bool,
    /// For a discretionary claim, its first approval, for audit; absent
    /// while none is recorded, and for any other claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
}

/// Who approved a discretionary claim, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    /// Who approved it, as the `approval` record's `approver` gives it.
    pub by: String,
    /// The day it was approved.
    #[serde(serialize_with = "crate::date::serialize")]
    pub date: NaiveDate,
    /// The approval records of that day and approver.
    pub records: Vec<String>,
}

/// What a claimable claim rests on: the attachment it follows, each problem
/// whose progress it counts, and what its own condition measured on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimBasis {
    /// The attachment.
    pub attached: AttachmentBasis,
    /// Each problem whose progress the claim counts, in plan order.
    pub problems: Vec<ProblemBasis>,
    /// What the claim's own condition needs on the day beyond progress (the
    /// employment route's continuous period, say), each with its value,
    /// window and the records counted.
    pub measured: Vec<Requirement>,
}

/// The attachment a claim follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentBasis {
    /// The attachment day.
    #[serde(serialize_with = "crate::date::serialize")]
    pub date: NaiveDate,
    /// The attachment records of that day (all of them, when the input
    /// repeats one).
    pub records: Vec<String>,
    /// The records putting each principle in place on that day.
    pub principles: Vec<String>,
}

/// One problem whose progress a claim counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemBasis {
    /// The problem's id.
    pub problem: String,
    /// The day it was identified on: the attachment day, or (under
    /// `claim_problems: at_or_after_attachment`) the later day it first
    /// was; `null` when it never was.
    #[serde(serialize_with = "crate::date::serialize")]
    pub identified_on: Option<NaiveDate>,
    /// The indicators that fired on that day, with the records that made
    /// each fire.
    pub indicators: Vec<IndicatorFinding>,
    /// The first day of the current unbroken run of its significant-progress
    /// measure (as `progress[].since`).
    #[serde(serialize_with = "crate::date::serialize")]
    pub significant_since: Option<NaiveDate>,
    /// The first day of the current unbroken run of sustained progress.
    #[serde(serialize_with = "crate::date::serialize")]
    pub sustained_since: Option<NaiveDate>,
    /// What the measure needs on the day decided, each with its value, the
    /// dates of its window and the records counted (none, for an absence).
    pub measured: Vec<Requirement>,
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
///
/// Serializes to the interchange format's `{"record", "field", "message"}`
/// (with `file` and `line` for a CSV folder): `record` and `message` are
/// the text of [`ProblemRecord`] and [`ProblemKind`], which a service can
/// match on instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordProblem {
    /// Which record: `family`, `member #N (id)`, `event #N (id)`, or a row
    /// of a CSV folder.
    #[serde(serialize_with = "as_text")]
    pub record: ProblemRecord,
    /// Which field, if one.
    pub field: Option<String>,
    /// What is wrong; its text says what to do.
    #[serde(rename = "message", serialize_with = "as_text")]
    pub kind: ProblemKind,
    /// The file the record is in, when the family was read from several
    /// (a CSV folder's `members.csv`, `events.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The record's line in `file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// Serializes a value as its text.
fn as_text<T: std::fmt::Display, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// The record a [`RecordProblem`] is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemRecord {
    /// The family, a member or an event of the family as read.
    Record(RecordPosition),
    /// A row of a CSV folder's `families.csv`, found faulty while the
    /// family's rows were read.
    FamilyRow,
    /// A row of `members.csv`, likewise.
    MemberRow,
    /// A row of `events.csv`, likewise.
    EventRow,
}

impl std::fmt::Display for ProblemRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemRecord::Record(record) => write!(f, "{record}"),
            ProblemRecord::FamilyRow => f.write_str("family row"),
            ProblemRecord::MemberRow => f.write_str("member row"),
            ProblemRecord::EventRow => f.write_str("event row"),
        }
    }
}

/// What is wrong with a record: what validating the family found
/// ([`RecordErrorKind`]), or what reading its input found. Messages are
/// predicates completed by the record and field, and never hold values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A problem validating the family found.
    #[error(transparent)]
    Record(#[from] RecordErrorKind),
    /// A record longer than the reader's limit, so not read.
    #[error(
        "is longer than {limit} bytes, the most a record may take, so it was not read; \
         check that the record is one family and not several run together"
    )]
    RecordTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A member of a CSV folder's family with the id of an earlier row of
    /// the family in `members.csv` (in JSON, [`RecordErrorKind::DuplicateMemberId`]
    /// names the first by its position in the family's line).
    #[error("repeats the id of the member at line {first_line}; give each member its own id")]
    RepeatedMemberRow {
        /// The line of `members.csv` the id was first given at.
        first_line: u64,
    },
    /// An event of a CSV folder's family with the id of an earlier row of
    /// the family in `events.csv` (in JSON, [`RecordErrorKind::DuplicateEventId`]
    /// names the first by its position in the family's line).
    #[error(
        "repeats the id of the event at line {first_line}; give each event its own id, or none"
    )]
    RepeatedEventRow {
        /// The line of `events.csv` the id was first given at.
        first_line: u64,
    },
    /// A family whose id an earlier record of the cohort had: the first is
    /// decided, this one refused.
    #[error(
        "the family id was already read at line {first_line}: each family must appear once in a cohort, \
         so the first is decided and this one refused; merge the two records"
    )]
    RepeatedFamily {
        /// The line the id was first read at.
        first_line: u64,
    },
    /// A member whose age the plan asks but whose date of birth is
    /// missing: decided without it.
    #[error(
        "is missing, and the plan asks this member's age: measures limited by age leave them out; \
         add the date of birth"
    )]
    BirthMissing,
    /// A family attached before the earliest of the plan versions given
    /// takes effect: no version decides it.
    #[error(
        "is attached before the earliest version of the plan given takes effect, so no version decides it; \
         give the version in force on its attachment day too"
    )]
    AttachedBeforeVersions,
    /// A CSV row with more or fewer cells than its header.
    #[error("has {found} cells where the header has {header}; check the row's commas and quotes")]
    RowWidth {
        /// The header's cells.
        header: usize,
        /// The row's.
        found: usize,
    },
    /// A CSV cell that is not UTF-8.
    #[error("is not UTF-8 text; export the file as UTF-8")]
    NotUtf8,
    /// CSV rows of a family `families.csv` does not hold.
    #[error(
        "names a family that families.csv does not hold; add the family there or remove the row"
    )]
    UnknownFamily,
    /// A family `families.csv` lists more than once.
    #[error(
        "lists a family that families.csv lists on lines {}: its rows cannot be told apart, \
         so none is decided; list each family once",
        lines.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    )]
    ListedTwice {
        /// The lines of `families.csv` listing it.
        lines: Vec<u64>,
    },
    /// CSV rows apart from the other rows of their family.
    #[error(
        "is apart from the other rows of its family; keep each family's rows together, \
         families in the order of families.csv"
    )]
    RowApart,
    /// A quoted CSV cell that does not close on the row's line.
    #[error(
        "has a quoted cell opening at column {column} that does not close where its row can end; \
         close the quote where the cell ends"
    )]
    OpenQuote {
        /// The column of the opening quote, in bytes from 1.
        column: u64,
    },
    /// A CSV row longer than the reader's limit.
    #[error(
        "is longer than {limit} bytes, the most a row may take, so it was not read; \
         check the row's line breaks"
    )]
    RowTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A family's CSV rows together longer than the reader's limit.
    #[error(
        "takes the family's rows past {limit} bytes, the most a family may take, so they were not read; \
         check that the rows of this family id are one family"
    )]
    FamilyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
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
                    record: ProblemRecord::Record(problem.record.clone()),
                    field: problem.field.clone(),
                    kind: ProblemKind::Record(problem.kind.clone()),
                    file: None,
                    line: None,
                })
                .collect(),
        }
    }
}
