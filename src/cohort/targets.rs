//! A funding year's target of claimable families (Supporting Families):
//! results claims counted against a year past its target are not paid, so
//! a claim file holds only the claims that fit what is left of it.

use crate::plan::YearTarget;
use chrono::NaiveDate;
use serde::Serialize;

/// How a claim window uses its year's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetUse {
    /// The year's label, e.g. `2023/24`.
    pub year: String,
    /// The year's target of claimable families.
    pub target: u32,
    /// Families with a claim already recorded in the year, up to and on the
    /// window's day: they take their places first.
    pub claimed_before: u64,
    /// Families of this window's claims that fit what is left.
    pub in_file: u64,
    /// What is left of the target after them (zero once it is met).
    pub left: u64,
    /// The families claimable in the window that do not fit, in the order
    /// places are given: the day their claim became possible, then family id.
    pub outside: Vec<String>,
}

/// Which of a window's claimable families fit the year's target once the
/// `claimed_before` families have their places: places go in the order of
/// the day each family's claim became possible (`earliest`; a family
/// without one last), then by family id, so the same cohort always gives
/// the same cut. Each candidate is a family once, however many claim rows
/// it has.
pub fn within_target(
    year: &YearTarget,
    claimed_before: u64,
    mut candidates: Vec<(Option<NaiveDate>, String)>,
) -> TargetUse {
    candidates.sort_by(|(day, id), (other_day, other_id)| {
        // `None` (no day) after every day.
        (day.is_none(), day, id).cmp(&(other_day.is_none(), other_day, other_id))
    });
    // Claims already made past the target leave no place: zero by meaning,
    // not an overflow hidden.
    let places = u64::from(year.target).saturating_sub(claimed_before);
    let fit = usize::try_from(places)
        .unwrap_or(usize::MAX)
        .min(candidates.len());
    let outside: Vec<String> = candidates
        .split_off(fit)
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let in_file = u64::try_from(candidates.len()).unwrap_or(u64::MAX);
    TargetUse {
        year: year.label.clone(),
        target: year.target,
        claimed_before,
        in_file,
        // `in_file` is at most `places`.
        left: places.saturating_sub(in_file),
        outside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(target: u32) -> YearTarget {
        YearTarget {
            label: "2023/24".into(),
            from: NaiveDate::from_ymd_opt(2023, 4, 1).unwrap_or_default(),
            until: NaiveDate::from_ymd_opt(2024, 3, 31).unwrap_or_default(),
            target,
        }
    }

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2023, 10, d)
    }

    #[test]
    fn places_go_by_claim_day_then_family_id_and_the_rest_are_outside() {
        let candidates = vec![
            (day(5), "F-3".to_string()),
            (day(1), "F-9".to_string()),
            (None, "F-0".to_string()),
            (day(5), "F-2".to_string()),
        ];
        // 10 places, 7 taken: F-9 (1 October), then F-2 and F-3 (5 October,
        // by id); F-0, with no day, is outside.
        let used = within_target(&year(10), 7, candidates);
        assert_eq!(used.in_file, 3);
        assert_eq!(used.left, 0);
        assert_eq!(used.outside, ["F-0"]);
        assert_eq!(used.claimed_before, 7);
    }

    #[test]
    fn the_target_exactly_met_leaves_nothing_and_one_more_is_outside() {
        let two = vec![(day(1), "A".to_string()), (day(2), "B".to_string())];
        let used = within_target(&year(2), 0, two.clone());
        assert_eq!((used.in_file, used.left), (2, 0));
        assert!(used.outside.is_empty());
        let used = within_target(&year(1), 0, two.clone());
        assert_eq!(used.outside, ["B"]);
        // Claims already made past the target leave no place at all.
        let used = within_target(&year(1), 3, two);
        assert_eq!((used.in_file, used.left), (0, 0));
        assert_eq!(used.outside, ["A", "B"]);
    }
}
