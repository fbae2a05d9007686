#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod api;
pub mod cases;
mod check;
mod code;
pub mod cohort;
pub mod date;
mod days;
pub mod diagnostic;
mod eval;
pub mod family;
pub mod fmt;
mod headline;
pub mod io;
pub mod limits;
pub mod num;
mod plan;
mod span;
mod suggest;
pub mod symbols;
mod syntax;
mod unit;
pub mod versions;
pub mod vocab;

/// The calendar day every date in the API is, re-exported so a service
/// needs no direct dependency on chrono.
pub use chrono::NaiveDate;
pub use code::Code;
pub use diagnostic::{Diagnostic, Diagnostics, Label, Located, Severity};
pub use eval::explanation;
pub use eval::explanation::Explanation;
pub use eval::{
    Attachment, AttachmentStatus, ClaimDecision, ClaimStatus, Decision, IndicatorFinding, PlanRef,
    ProblemFinding, ProblemKind, ProblemRecord, Progress, RecordProblem, Refusal, VersionsBy,
};
pub use family::{Family, FamilyError};
pub use headline::Headline;
pub use plan::{
    Baseline, ClaimAmount, ClaimProblems, ClaimRoute, ClaimWindows, Deadweight, Framework,
    FundingDef, FundingYear, Header, MemberEvents, MinNeeds, NeedsAcross, Plan, Reattachment,
    RecordedClaim, ResultsYearAmounts, Rounding, SchoolLeavers, Settings, Share, YearTarget,
};
/// A byte range of plan text, as diagnostics and the symbol index give it.
pub use span::Span;
pub use suggest::did_you_mean;
pub use unit::TimeUnit;
pub use versions::{PlanSet, PlanSetError};
