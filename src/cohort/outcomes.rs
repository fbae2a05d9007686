//! Families with successful outcomes, whether or not the plan pays for
//! them: an outcomes-only plan (no `pays`) tracks them instead of claiming,
//! and an earned-autonomy authority counts them against its target while
//! its claims are `not_applicable`.

use super::{CohortOverflow, Percentage, count_one};
use crate::eval::{AttachmentStatus, Decision};
use serde::Serialize;
use std::collections::BTreeMap;

/// The outcome figures of a set of decided families.
///
/// A family's outcome is tracked when it is validly attached and its
/// decision follows the progress of at least one problem (`progress`, the
/// problems identified at attachment); it is successful when every one of
/// those problems has sustained progress on the day. An employment route
/// is a claim, not an outcome, and is not counted here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcomes {
    /// Families whose outcome is tracked.
    pub tracked: u64,
    /// Of those, the families with a successful outcome.
    pub successful: u64,
    /// Per problem id, in name order: families tracking it, and those whose
    /// progress on it is significant and sustained.
    pub by_problem: BTreeMap<String, ProblemOutcomes>,
}

/// One problem's outcome figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ProblemOutcomes {
    /// Tracked families with the problem identified.
    pub tracked: u64,
    /// Of those, the families whose significant-progress measure holds on the day.
    pub significant: u64,
    /// Of those, the families whose progress is also sustained.
    pub sustained: u64,
}

impl Outcomes {
    /// Adds one decision; `Err` past `u64::MAX` families (a cohort's
    /// counts fail first, since each figure here is at most its families).
    pub(super) fn add(&mut self, decision: &Decision) -> Result<(), CohortOverflow> {
        if decision.attachment.status != AttachmentStatus::Attached || decision.progress.is_empty()
        {
            return Ok(());
        }
        let successful = decision.progress.iter().all(|progress| progress.sustained);
        let tracked = count_one(self.tracked, 1)?;
        let successful = count_one(self.successful, u64::from(successful))?;
        for progress in &decision.progress {
            let problem = self.by_problem.entry(progress.problem.clone()).or_default();
            *problem = ProblemOutcomes {
                tracked: count_one(problem.tracked, 1)?,
                significant: count_one(problem.significant, u64::from(progress.significant))?,
                sustained: count_one(problem.sustained, u64::from(progress.sustained))?,
            };
        }
        self.tracked = tracked;
        self.successful = successful;
        Ok(())
    }

    /// The figures as a report prints them, against the target if there is
    /// one.
    pub fn summary(&self, target: Option<u64>) -> OutcomesSummary {
        OutcomesSummary {
            tracked: self.tracked,
            successful: self.successful,
            target: target.and_then(|target| {
                Some(OutcomesTarget {
                    target,
                    // A target met or passed has nothing left of it: zero
                    // by meaning, not an overflow hidden.
                    left: target.saturating_sub(self.successful),
                    percent: Percentage::of(self.successful, target)?,
                })
            }),
            by_problem: self
                .by_problem
                .iter()
                .map(|(problem, outcomes)| ProblemRow {
                    problem: problem.clone(),
                    outcomes: *outcomes,
                })
                .collect(),
        }
    }
}

/// [`Outcomes`] in the shape `tfop report --format json` prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomesSummary {
    /// Families whose outcome is tracked.
    pub tracked: u64,
    /// Families with a successful outcome.
    pub successful: u64,
    /// Successful outcomes against the target, when there is one.
    pub target: Option<OutcomesTarget>,
    /// Each problem's figures, in name order.
    pub by_problem: Vec<ProblemRow>,
}

/// Successful outcomes against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutcomesTarget {
    /// The families the authority aims to turn around.
    pub target: u64,
    /// The target less the successful outcomes; zero once it is met (a
    /// count, never negative).
    pub left: u64,
    /// Successful ÷ target, to one decimal place, rounded half up.
    #[serde(serialize_with = "super::report::serde_display")]
    pub percent: Percentage,
}

/// One problem's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemRow {
    /// The problem's id.
    pub problem: String,
    /// Its figures.
    #[serde(flatten)]
    pub outcomes: ProblemOutcomes,
}
