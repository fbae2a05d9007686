//! Families with successful outcomes, whether or not the plan pays for
//! them: an outcomes-only plan (no `pays`) tracks them instead of claiming,
//! and an earned-autonomy authority counts them against its target while
//! its claims are `not_applicable`.

use super::{CohortOverflow, Percentage, count_one, in_plan_order};
use crate::Headline;
use crate::eval::{AttachmentStatus, Decision};
use crate::plan::Plan;
use chrono::NaiveDate;
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
    /// Per problem id: families tracking it, and those whose progress on it
    /// is significant and sustained.
    pub by_problem: BTreeMap<String, ProblemOutcomes>,
    /// Per headline (Supporting Families), in the guidance's order: empty
    /// when no tracked need sits under a headline.
    pub by_headline: BTreeMap<Headline, HeadlineOutcomes>,
}

/// One headline's outcome figures: a family counts once under each
/// headline of its tracked needs, however many needs sit under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct HeadlineOutcomes {
    /// Tracked families with a need under the headline.
    pub tracked: u64,
    /// Of those, the families whose every need under it is sustained.
    pub sustained: u64,
    /// Of those, the families with a successful family outcome (every
    /// need sustained, under any headline).
    pub successful: u64,
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

/// Whether a decision's outcome is tracked: validly attached, following
/// the progress of at least one problem.
fn tracked(decision: &Decision) -> bool {
    decision.attachment.status == AttachmentStatus::Attached && !decision.progress.is_empty()
}

/// Whether a decision's outcome is tracked and every problem it follows
/// has sustained progress on the day.
fn successful(decision: &Decision) -> bool {
    tracked(decision) && decision.progress.iter().all(|progress| progress.sustained)
}

/// The day a decision's successful family outcome first held (the last of
/// its problems' `sustained_on`), or `None` when it is not successful on
/// the day decided: what an earned-autonomy authority counts against a
/// year's target in place of a claim.
pub fn successful_since(decision: &Decision) -> Option<Option<NaiveDate>> {
    successful(decision).then(|| {
        decision
            .progress
            .iter()
            .map(|progress| progress.sustained_on)
            .max()
            .flatten()
    })
}

impl Outcomes {
    /// Adds one decision; `Err` past `u64::MAX` families (a cohort's
    /// counts fail first, since each figure here is at most its families).
    pub(super) fn add(&mut self, decision: &Decision) -> Result<(), CohortOverflow> {
        if !tracked(decision) {
            return Ok(());
        }
        let family_successful = successful(decision);
        let tracked = count_one(self.tracked, 1)?;
        let successful = count_one(self.successful, u64::from(family_successful))?;
        // Each headline of the family's tracked needs, with whether every
        // need under it is sustained.
        let mut headlines: BTreeMap<Headline, bool> = BTreeMap::new();
        for progress in &decision.progress {
            let headline = decision
                .problems
                .iter()
                .find(|problem| problem.id == progress.problem)
                .and_then(|problem| problem.headline);
            if let Some(headline) = headline {
                let all = headlines.entry(headline).or_insert(true);
                *all = *all && progress.sustained;
            }
        }
        for (headline, sustained) in headlines {
            let figures = self.by_headline.entry(headline).or_default();
            *figures = HeadlineOutcomes {
                tracked: count_one(figures.tracked, 1)?,
                sustained: count_one(figures.sustained, u64::from(sustained))?,
                successful: count_one(figures.successful, u64::from(family_successful))?,
            };
        }
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

    /// The figures as a report of `plan` prints them, against the target if
    /// there is one.
    pub fn summary(&self, plan: &Plan, target: Option<u64>) -> OutcomesSummary {
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
            by_problem: in_plan_order(plan, &self.by_problem)
                .into_iter()
                .map(|(problem, outcomes)| ProblemRow {
                    problem: problem.clone(),
                    outcomes: *outcomes,
                })
                .collect(),
            by_headline: self
                .by_headline
                .iter()
                .map(|(headline, outcomes)| HeadlineRow {
                    headline: *headline,
                    name: headline.name(),
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
    /// Each tracked problem's figures, problems in plan order.
    pub by_problem: Vec<ProblemRow>,
    /// Each headline's figures, in the guidance's order; absent when no
    /// need sits under a headline (every plan but Supporting Families).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_headline: Vec<HeadlineRow>,
}

/// One headline's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadlineRow {
    /// The headline's stable id.
    pub headline: Headline,
    /// Its national name.
    pub name: &'static str,
    /// Its figures.
    #[serde(flatten)]
    pub outcomes: HeadlineOutcomes,
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
