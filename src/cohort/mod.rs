//! Cohort figures: what an authority reports about all its families at once.
//!
//! The last stage of the pipeline (syntax → check → plan → eval → cohort).
//! Everything here is pure arithmetic over decisions and the plan's funding
//! block: counts, money in pence, rates by integer arithmetic. Nothing reads
//! files or keeps more than a count per figure, so a cohort of any size is
//! tallied in constant memory (apart from the ids of eligible families not
//! yet attached, which a report lists).
#![deny(clippy::arithmetic_side_effects)]

mod claims;
mod diff;
mod funding;
mod near;
mod outcomes;
mod report;
mod targets;

pub use crate::num::{pounds, thousands};
pub use crate::plan::{
    Envelope, EnvelopeError, Figure, MAX_CLAIM_WINDOWS, YearEnvelope, envelope, outcome_payment,
    plan_envelope,
};
pub use claims::{ClaimCount, ClaimLine, ClaimTotals, NotAWindow, check_window, claim_lines};
pub use diff::{Change, ChangeKind, DiffCounts, DiffHead, DiffTally, FamilyDiff, Outcome, compare};
pub use funding::{Earned, FundingReport, FundingTotals, ResultsYearFunding, YearEarnings};
pub use near::{NearKind, NearMiss, at_stake, near_miss};
pub use outcomes::{
    HeadlineOutcomes, HeadlineRow, Outcomes, OutcomesSummary, OutcomesTarget, ProblemOutcomes,
    ProblemRow, successful_since,
};
pub use report::{
    ClaimRate, Cohort, CohortOverflow, Counts, Group, IndicatorGroup, MonthCount, Payable,
    ProblemCount, Projection, ProjectionBucket, ProjectionSummary, Report, Totals, WindowCount,
};
pub use targets::{TargetUse, within_target};

use crate::plan::Plan;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::fmt;

/// `total + this`, for a count of records; `Err` past `u64::MAX`, never a
/// saturated or wrapped count.
fn count_one(total: u64, this: u64) -> Result<u64, CohortOverflow> {
    total.checked_add(this).ok_or(CohortOverflow::Records)
}

/// Per-problem figures in the order the plan states its problems, the
/// order its author and a manager read them in (as the indicator breakdown
/// is); a problem the plan does not state, from decisions under another
/// plan, comes last, in name order.
fn in_plan_order<'a, V>(
    plan: &Plan,
    by_problem: &'a BTreeMap<String, V>,
) -> Vec<(&'a String, &'a V)> {
    let mut rows: Vec<_> = by_problem.iter().collect();
    rows.sort_by_key(|(id, _)| {
        plan.problems
            .iter()
            .position(|problem| problem.id == **id)
            .unwrap_or(usize::MAX)
    });
    rows
}

/// A part of a whole as a percentage to one decimal place, computed exactly
/// with integers and rounded half up (14.95% is 15.0%, 14.94% is 14.9%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percentage {
    /// The percentage in tenths: 149 is 14.9%. A part many times its whole
    /// is past 64 bits in tenths, so they are held in 128.
    pub tenths: u128,
}

impl Percentage {
    /// `part` of `whole` as a percentage; `None` when the whole is zero.
    pub fn of(part: u64, whole: u64) -> Option<Percentage> {
        // tenths = part × 1000 ÷ whole, rounded half up: ⌊(2 × part × 1000 +
        // whole) ÷ (2 × whole)⌋, under 2^76 for 64-bit counts, so the checks
        // fail only for a zero whole.
        let (part, whole) = (u128::from(part), u128::from(whole));
        let tenths = part
            .checked_mul(2000)?
            .checked_add(whole)?
            .checked_div(whole.checked_mul(2)?)?;
        Some(Percentage { tenths })
    }
}

/// Prints `15.0` (without the `%` sign, so JSON can carry it as a string).
impl fmt::Display for Percentage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.tenths / 10, self.tenths % 10)
    }
}

/// A calendar month, ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The month after this one.
    pub fn next(self) -> Month {
        match self.month.checked_add(1).filter(|month| *month <= 12) {
            Some(month) => Month {
                year: self.year,
                month,
            },
            None => Month {
                year: self.year.saturating_add(1),
                month: 1,
            },
        }
    }
}

/// Prints `2016-12`.
impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_rounds_half_up_at_the_second_decimal() {
        // 299 of 2000 is exactly 14.95%; 747 of 5000 is exactly 14.94%.
        assert_eq!(Percentage::of(299, 2000).unwrap().to_string(), "15.0");
        assert_eq!(Percentage::of(747, 5000).unwrap().to_string(), "14.9");
        // Just under the half stays down: 14.9499…%.
        assert_eq!(Percentage::of(2_990, 20_001).unwrap().to_string(), "14.9");
        assert_eq!(Percentage::of(0, 588).unwrap().to_string(), "0.0");
        assert_eq!(Percentage::of(588, 588).unwrap().to_string(), "100.0");
        assert_eq!(Percentage::of(1, 3).unwrap().to_string(), "33.3");
        assert_eq!(Percentage::of(2, 3).unwrap().to_string(), "66.7");
    }

    #[test]
    fn a_rate_against_no_target_is_none() {
        assert_eq!(Percentage::of(5, 0), None);
    }

    #[test]
    fn a_rate_of_huge_counts_does_not_overflow() {
        assert_eq!(
            Percentage::of(u64::MAX, u64::MAX).unwrap().to_string(),
            "100.0"
        );
        // Past 64 bits in tenths: once saturated to 1844674407370955161.5.
        assert_eq!(
            Percentage::of(u64::MAX, 1).unwrap().to_string(),
            "1844674407370955161500.0"
        );
    }

    #[test]
    fn a_day_falls_in_its_own_month_at_month_ends() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Month::of(day(2016, 12, 31)).to_string(), "2016-12");
        assert_eq!(Month::of(day(2017, 1, 1)).to_string(), "2017-01");
        assert_eq!(Month::of(day(2016, 2, 29)).to_string(), "2016-02");
        assert_eq!(Month::of(day(2016, 12, 31)).next().to_string(), "2017-01");
    }
}
