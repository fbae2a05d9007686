//! Days, lengths of time, windows, sets of days and step functions of the
//! day: the exact time semantics every decision rests on.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar day, as the number of days since the common era.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// Before every real day: the beginning of time.
    pub const MIN: Day = Day(-(1 << 28));
    /// After every real day: the end of time (an open spell ends here).
    pub const MAX: Day = Day(1 << 28);

    /// The day of a date.
    pub fn from_date(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce())
    }

    /// The date of a day; `None` for the sentinels.
    pub fn to_date(self) -> Option<NaiveDate> {
        if self <= Day::MIN || self >= Day::MAX {
            return None;
        }
        NaiveDate::from_num_days_from_ce_opt(self.0)
    }

    /// The next day (saturating at the end of time).
    pub fn succ(self) -> Day {
        self.add_days(1)
    }

    /// The day before (saturating at the beginning of time).
    pub fn pred(self) -> Day {
        self.add_days(-1)
    }

    /// `days` days later, saturating at the sentinels.
    pub fn add_days(self, days: i64) -> Day {
        let value = (i64::from(self.0) + days).clamp(i64::from(Day::MIN.0), i64::from(Day::MAX.0));
        Day(value as i32)
    }

    /// Completed years of age on `on` of someone born on `born`. Someone born
    /// on 29 February turns a year older on 1 March in other years, as the
    /// law of England has it.
    pub fn age_on(born: Day, on: Day) -> Option<u32> {
        let (born, on) = (born.to_date()?, on.to_date()?);
        if on < born {
            return Some(0);
        }
        let mut years = on.year() - born.year();
        if (on.month(), on.day()) < (born.month(), born.day()) {
            years -= 1;
        }
        u32::try_from(years).ok()
    }

    /// The day `length` before this one; months clamp to the end of a
    /// shorter month (31 August less 6 months is the end of February).
    pub fn minus(self, length: Length) -> Day {
        self.shift(length, -1)
    }

    /// The day `length` after this one, months clamped likewise.
    pub fn plus(self, length: Length) -> Day {
        self.shift(length, 1)
    }

    fn shift(self, length: Length, sign: i64) -> Day {
        if self <= Day::MIN || self >= Day::MAX {
            return self;
        }
        match length.unit {
            Unit::Days => self.add_days(sign * i64::from(length.count)),
            Unit::Weeks => self.add_days(sign * 7 * i64::from(length.count)),
            Unit::Months => {
                let Some(date) = self.to_date() else {
                    return self;
                };
                let months = Months::new(length.count);
                let shifted = if sign < 0 {
                    date.checked_sub_months(months)
                } else {
                    date.checked_add_months(months)
                };
                match shifted {
                    Some(date) => Day::from_date(date),
                    None if sign < 0 => Day::MIN,
                    None => Day::MAX,
                }
            }
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_date() {
            Some(date) => f.write_str(&crate::date::write(date)),
            None if *self <= Day::MIN => f.write_str("-inf"),
            None => f.write_str("+inf"),
        }
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A unit of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Days.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months.
    Months,
}

/// A length of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Length {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: Unit,
}

/// The exclusive start of the window of `length` as of `as_of`: the window
/// holds the days s with `start < s <= as_of`.
pub fn window_start_exclusive(as_of: Day, length: Length) -> Day {
    as_of.minus(length)
}

/// The last as-of day D on which `day` is inside the window of `length`,
/// i.e. the largest D with `D − length < day`. Since `D − length` never
/// decreases as D grows, the days on which `day` is in the window are
/// exactly `day ..= last_day_covering(day, length)`.
pub fn last_day_covering(day: Day, length: Length) -> Day {
    if day <= Day::MIN || day >= Day::MAX {
        return day;
    }
    let mut candidate = day.plus(length);
    // Clamping makes `plus` and `minus` not quite inverse: step to the exact answer.
    while candidate > day && candidate.minus(length) >= day {
        candidate = candidate.pred();
    }
    while candidate.succ().minus(length) < day && candidate < Day::MAX {
        candidate = candidate.succ();
    }
    candidate
}

/// The first as-of day D whose whole window of `length` lies on or after
/// `start`: the smallest D with `D − length >= start − 1`.
pub fn first_day_window_within(start: Day, length: Length) -> Day {
    if start <= Day::MIN || start >= Day::MAX {
        return start;
    }
    let boundary = start.pred();
    let mut candidate = boundary.plus(length);
    while candidate.minus(length) < boundary && candidate < Day::MAX {
        candidate = candidate.succ();
    }
    while candidate.pred().minus(length) >= boundary && candidate > start {
        candidate = candidate.pred();
    }
    candidate
}

/// A set of days: sorted, disjoint, non-adjacent inclusive intervals, so
/// that equal sets are equal values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaySet {
    intervals: Vec<(Day, Day)>,
}

impl DaySet {
    /// No day.
    pub fn empty() -> DaySet {
        DaySet::default()
    }

    /// Every day.
    pub fn all() -> DaySet {
        DaySet::interval(Day::MIN, Day::MAX)
    }

    /// The days `start ..= end`; empty when `start > end`.
    pub fn interval(start: Day, end: Day) -> DaySet {
        if start > end {
            DaySet::empty()
        } else {
            DaySet {
                intervals: vec![(start, end)],
            }
        }
    }

    /// The union of any intervals, in any order.
    pub fn from_intervals(intervals: impl IntoIterator<Item = (Day, Day)>) -> DaySet {
        let mut sorted: Vec<(Day, Day)> = intervals
            .into_iter()
            .filter(|(start, end)| start <= end)
            .collect();
        sorted.sort_unstable();
        let mut merged: Vec<(Day, Day)> = Vec::with_capacity(sorted.len());
        for (start, end) in sorted {
            match merged.last_mut() {
                Some(last) if start <= last.1.succ() => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        DaySet { intervals: merged }
    }

    /// Whether it holds no day.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The intervals, in order.
    pub fn intervals(&self) -> &[(Day, Day)] {
        &self.intervals
    }

    /// Whether `day` is in the set.
    pub fn contains(&self, day: Day) -> bool {
        self.interval_of(day).is_some()
    }

    fn interval_of(&self, day: Day) -> Option<(Day, Day)> {
        let index = self.intervals.partition_point(|(_, end)| *end < day);
        self.intervals
            .get(index)
            .copied()
            .filter(|(start, _)| *start <= day)
    }

    /// Days in either set.
    pub fn union(&self, other: &DaySet) -> DaySet {
        DaySet::from_intervals(self.intervals.iter().chain(&other.intervals).copied())
    }

    /// Days in both sets.
    pub fn intersect(&self, other: &DaySet) -> DaySet {
        let mut out = Vec::new();
        let (mut left, mut right) = (
            self.intervals.iter().peekable(),
            other.intervals.iter().peekable(),
        );
        while let (Some(&&(a_start, a_end)), Some(&&(b_start, b_end))) = (left.peek(), right.peek())
        {
            let start = a_start.max(b_start);
            let end = a_end.min(b_end);
            if start <= end {
                out.push((start, end));
            }
            if a_end < b_end {
                left.next();
            } else {
                right.next();
            }
        }
        DaySet::from_intervals(out)
    }

    /// Days not in the set (between the beginning and the end of time).
    pub fn complement(&self) -> DaySet {
        let mut out = Vec::with_capacity(self.intervals.len() + 1);
        let mut next = Day::MIN;
        for (start, end) in &self.intervals {
            if *start > next {
                out.push((next, start.pred()));
            }
            next = end.succ();
            if *end >= Day::MAX {
                return DaySet { intervals: out };
            }
        }
        out.push((next, Day::MAX));
        DaySet::from_intervals(out)
    }

    /// Days in this set and not the other.
    pub fn difference(&self, other: &DaySet) -> DaySet {
        self.intersect(&other.complement())
    }

    /// The first day of the set on or after `day`.
    pub fn first_at_or_after(&self, day: Day) -> Option<Day> {
        let index = self.intervals.partition_point(|(_, end)| *end < day);
        self.intervals
            .get(index)
            .map(|(start, _)| (*start).max(day))
    }

    /// When `day` is in the set, the first day of the unbroken run holding it.
    pub fn run_start(&self, day: Day) -> Option<Day> {
        self.interval_of(day).map(|(start, _)| start)
    }

    /// How many days of the set lie in `first ..= last`.
    pub fn count_days_between(&self, first: Day, last: Day) -> u64 {
        self.intervals
            .iter()
            .map(|(start, end)| {
                let (start, end) = ((*start).max(first), (*end).min(last));
                if start > end {
                    0
                } else {
                    u64::try_from(i64::from(end.0) - i64::from(start.0) + 1).unwrap_or(0)
                }
            })
            .sum()
    }

    /// The days D on which every day of the window of `length` as of D is in
    /// the set.
    pub fn sustained(&self, length: Length) -> DaySet {
        DaySet::from_intervals(self.intervals.iter().map(|(start, end)| {
            let first = if *start <= Day::MIN {
                Day::MIN
            } else {
                first_day_window_within(*start, length)
            };
            (first, *end)
        }))
    }
}

/// A function from days to values that changes at finitely many days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Steps<V> {
    /// `(day, value)`: the value holds from the day until the next
    /// breakpoint. The first breakpoint is [`Day::MIN`].
    breakpoints: Vec<(Day, V)>,
}

impl<V: Clone + PartialEq> Steps<V> {
    /// The same value on every day.
    pub fn constant(value: V) -> Steps<V> {
        Steps {
            breakpoints: vec![(Day::MIN, value)],
        }
    }

    fn from_breakpoints(breakpoints: Vec<(Day, V)>) -> Steps<V> {
        let mut merged: Vec<(Day, V)> = Vec::with_capacity(breakpoints.len());
        for (day, value) in breakpoints {
            match merged.last_mut() {
                Some(last) if last.0 == day => last.1 = value,
                Some(last) if last.1 == value => {}
                _ => merged.push((day, value)),
            }
        }
        // A later breakpoint may now repeat the value before it.
        merged.dedup_by(|later, earlier| later.1 == earlier.1);
        Steps {
            breakpoints: merged,
        }
    }

    /// The value on `day`.
    pub fn value_at(&self, day: Day) -> Option<&V> {
        let index = self.breakpoints.partition_point(|(start, _)| *start <= day);
        index
            .checked_sub(1)
            .and_then(|index| self.breakpoints.get(index))
            .map(|(_, value)| value)
    }

    /// The function `f ∘ self`.
    pub fn map<W: Clone + PartialEq>(&self, f: impl Fn(&V) -> W) -> Steps<W> {
        Steps::from_breakpoints(
            self.breakpoints
                .iter()
                .map(|(day, value)| (*day, f(value)))
                .collect(),
        )
    }

    /// The function `day ↦ f(self(day), other(day))`.
    pub fn zip_with<W: Clone + PartialEq, X: Clone + PartialEq>(
        &self,
        other: &Steps<W>,
        f: impl Fn(&V, &W) -> X,
    ) -> Steps<X> {
        let mut days: Vec<Day> = self
            .breakpoints
            .iter()
            .map(|(day, _)| *day)
            .chain(other.breakpoints.iter().map(|(day, _)| *day))
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut out = Vec::with_capacity(days.len());
        let (mut left, mut right) = (0usize, 0usize);
        for day in days {
            while self
                .breakpoints
                .get(left + 1)
                .is_some_and(|(start, _)| *start <= day)
            {
                left += 1;
            }
            while other
                .breakpoints
                .get(right + 1)
                .is_some_and(|(start, _)| *start <= day)
            {
                right += 1;
            }
            if let (Some((_, a)), Some((_, b))) =
                (self.breakpoints.get(left), other.breakpoints.get(right))
            {
                out.push((day, f(a, b)));
            }
        }
        Steps::from_breakpoints(out)
    }

    /// The days on which `predicate` holds of the value.
    pub fn where_true(&self, predicate: impl Fn(&V) -> bool) -> DaySet {
        let mut intervals = Vec::new();
        for (index, (start, value)) in self.breakpoints.iter().enumerate() {
            if predicate(value) {
                let end = self
                    .breakpoints
                    .get(index + 1)
                    .map_or(Day::MAX, |(next, _)| next.pred());
                intervals.push((*start, end));
            }
        }
        DaySet::from_intervals(intervals)
    }
}

impl Steps<i128> {
    /// The function whose value on D is the sum of `weight` over the
    /// contributions `(start, end, weight)` with `start <= D <= end`, exactly;
    /// `None` if a running total would leave the range of i128.
    ///
    /// Every caller's weights are a count of one or a field's value (a `u64`
    /// count or an `i64` fixed-point number), each under 2^64 in size, and a
    /// `Vec` holds fewer than 2^58 contributions: the totals stay under 2^122,
    /// so `None` is never seen in practice. The total is never clamped, so a
    /// sum past i64 (several counts near `u64::MAX`) is kept as it is.
    pub fn sum_of_intervals(
        contributions: impl IntoIterator<Item = (Day, Day, i128)>,
    ) -> Option<Steps<i128>> {
        // The running total is exact, so the order in which the
        // contributions come (and same-day changes are added) cannot matter.
        let mut changes: Vec<(Day, i128)> = Vec::new();
        for (start, end, weight) in contributions {
            if start > end || weight == 0 {
                continue;
            }
            changes.push((start, weight));
            if end < Day::MAX {
                changes.push((end.succ(), weight.checked_neg()?));
            }
        }
        changes.sort_unstable();
        let mut breakpoints = vec![(Day::MIN, 0i128)];
        let mut total = 0i128;
        for (day, change) in changes {
            total = total.checked_add(change)?;
            breakpoints.push((day, total));
        }
        Some(Steps::from_breakpoints(breakpoints))
    }
}

/// The days D on which at least `needed` days of `spells` lie in the window
/// of `length` as of D. ("26 weeks of employment within the last 30 weeks".)
pub fn days_covered_at_least(spells: &DaySet, length: Length, needed: u64) -> DaySet {
    if needed == 0 {
        return DaySet::all();
    }
    // The count on D is |spells ∩ (D − length, D]|. It changes only where D
    // enters or leaves a spell, or where the window's start does; between
    // such days it moves by at most one a day, so each stretch is scanned
    // by jumping to the crossing rather than day by day.
    let mut candidates: Vec<Day> = Vec::new();
    for (start, end) in spells.intervals() {
        candidates.push(*start);
        candidates.push(end.succ());
        candidates.push(last_day_covering(*start, length).succ());
        candidates.push(last_day_covering(*end, length).succ());
    }
    candidates.sort_unstable();
    candidates.dedup();
    let count_on = |day: Day| -> u64 {
        let first = window_start_exclusive(day, length).succ();
        spells.count_days_between(first, day)
    };
    let mut out = Vec::new();
    for (index, segment_start) in candidates.iter().enumerate() {
        let segment_end = candidates
            .get(index + 1)
            .map_or(Day::MAX, |next| next.pred());
        if *segment_start >= Day::MAX {
            continue;
        }
        // Within a segment the count is monotone (it rises, falls or stays),
        // so a binary search finds where it crosses `needed`.
        let (low, high) = (*segment_start, segment_end.min(Day::MAX.pred()));
        let at_low = count_on(low);
        let at_high = count_on(high);
        match (at_low >= needed, at_high >= needed) {
            (true, true) => out.push((low, segment_end)),
            (false, false) => {}
            (false, true) => {
                let first = search(low, high, |day| count_on(day) >= needed);
                out.push((first, segment_end));
            }
            (true, false) => {
                let first_below = search(low, high, |day| count_on(day) < needed);
                out.push((low, first_below.pred()));
            }
        }
    }
    DaySet::from_intervals(out)
}

/// The first day in `low ..= high` at which a predicate that is false at
/// `low` and true at `high` becomes (and stays) true.
fn search(mut low: Day, mut high: Day, holds: impl Fn(Day) -> bool) -> Day {
    while low < high {
        let middle = Day(low.0 + (high.0 - low.0) / 2);
        if holds(middle) {
            high = middle;
        } else {
            low = middle.succ();
        }
    }
    high
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn day(text: &str) -> Day {
        Day::from_date(crate::date::parse(text).unwrap())
    }

    const MONTHS_6: Length = Length {
        count: 6,
        unit: Unit::Months,
    };

    #[test]
    fn months_clamp_to_the_end_of_a_shorter_month() {
        assert_eq!(day("2024-08-31").minus(MONTHS_6), day("2024-02-29"));
        assert_eq!(day("2023-08-31").minus(MONTHS_6), day("2023-02-28"));
        assert_eq!(
            day("2016-03-31").plus(Length {
                count: 1,
                unit: Unit::Months
            }),
            day("2016-04-30")
        );
    }

    #[test]
    fn an_event_stays_in_a_window_until_the_last_day_covering_it() {
        assert_eq!(
            last_day_covering(day("2024-02-29"), MONTHS_6),
            day("2024-08-28")
        );
        assert_eq!(
            last_day_covering(day("2024-08-31"), MONTHS_6),
            day("2025-02-28")
        );
        assert_eq!(
            last_day_covering(
                day("2016-03-01"),
                Length {
                    count: 10,
                    unit: Unit::Days
                }
            ),
            day("2016-03-10")
        );
    }

    #[test]
    fn age_on_a_leap_birthday() {
        let born = day("2008-02-29");
        assert_eq!(Day::age_on(born, day("2009-02-28")), Some(0));
        assert_eq!(Day::age_on(born, day("2009-03-01")), Some(1));
        assert_eq!(Day::age_on(born, day("2012-02-29")), Some(4));
    }

    fn lengths() -> impl Strategy<Value = Length> {
        (
            1u32..=36,
            prop_oneof![Just(Unit::Days), Just(Unit::Weeks), Just(Unit::Months)],
        )
            .prop_map(|(count, unit)| Length { count, unit })
    }

    fn days() -> impl Strategy<Value = Day> {
        (day("2010-01-01").0..day("2030-12-31").0).prop_map(Day)
    }

    fn model(set: &DaySet, range: (i32, i32)) -> BTreeSet<i32> {
        (range.0..=range.1)
            .filter(|d| set.contains(Day(*d)))
            .collect()
    }

    fn small_sets() -> impl Strategy<Value = DaySet> {
        proptest::collection::vec((0i32..60, 0i32..10), 0..6).prop_map(|spans| {
            DaySet::from_intervals(spans.into_iter().map(|(s, l)| (Day(s), Day(s + l))))
        })
    }

    #[test]
    fn a_sum_does_not_depend_on_which_interval_comes_first_when_a_weight_is_huge() {
        // On day 3 one interval ends and a huge one starts: adding the huge
        // weight first used to saturate before the small one was taken off.
        let small = (Day(0), Day(2), 5);
        let huge = (Day(3), Day(5), i128::from(i64::MAX));
        let forwards = Steps::sum_of_intervals([small, huge]);
        assert_eq!(forwards, Steps::sum_of_intervals([huge, small]));
        let forwards = forwards.unwrap_or_else(|| Steps::constant(-1));
        assert_eq!(forwards.value_at(Day(2)), Some(&5));
        assert_eq!(forwards.value_at(Day(3)), Some(&i128::from(i64::MAX)));
        assert_eq!(forwards.value_at(Day(6)), Some(&0));
    }

    #[test]
    fn a_sum_one_past_i64_is_kept_exactly_not_clamped() {
        // i64::MAX and one more on day 1: the total used to be stored as
        // i64::MAX, as if the one were not there.
        let max = i128::from(i64::MAX);
        let steps = Steps::sum_of_intervals([(Day(0), Day(2), max), (Day(1), Day(1), 1)])
            .unwrap_or_else(|| Steps::constant(-1));
        assert_eq!(steps.value_at(Day(0)), Some(&max));
        assert_eq!(steps.value_at(Day(1)), Some(&(max + 1)));
        assert_eq!(steps.value_at(Day(2)), Some(&max));
        // Two counts of u64::MAX: 2^65 - 2, well past i64.
        let count = i128::from(u64::MAX);
        let steps = Steps::sum_of_intervals([(Day(0), Day(0), count), (Day(0), Day(0), count)])
            .unwrap_or_else(|| Steps::constant(-1));
        assert_eq!(steps.value_at(Day(0)), Some(&(2 * count)));
    }

    #[test]
    fn a_sum_past_i128_is_none_not_wrapped() {
        let steps = Steps::sum_of_intervals([(Day(0), Day(0), i128::MAX), (Day(0), Day(0), 1)]);
        assert_eq!(steps, None);
    }

    proptest! {
        #[test]
        fn last_day_covering_matches_the_definition(event in days(), length in lengths()) {
            let last = last_day_covering(event, length);
            prop_assert!(last.minus(length) < event);
            prop_assert!(last.succ().minus(length) >= event);
        }

        #[test]
        fn first_day_window_within_matches_the_definition(start in days(), length in lengths()) {
            let first = first_day_window_within(start, length);
            prop_assert!(first.minus(length) >= start.pred());
            prop_assert!(first.pred().minus(length) < start.pred());
        }

        #[test]
        fn set_algebra_matches_a_model(a in small_sets(), b in small_sets()) {
            let range = (-5, 80);
            let (ma, mb) = (model(&a, range), model(&b, range));
            prop_assert_eq!(model(&a.union(&b), range), ma.union(&mb).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(model(&a.intersect(&b), range), ma.intersection(&mb).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(model(&a.difference(&b), range), ma.difference(&mb).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(a.complement().complement(), a);
        }

        #[test]
        fn sustained_matches_a_model(a in small_sets(), count in 1u32..8) {
            let length = Length { count, unit: Unit::Days };
            let sustained = a.sustained(length);
            for d in 0..80 {
                let held = (d - count as i32 + 1..=d).all(|s| a.contains(Day(s)));
                prop_assert_eq!(sustained.contains(Day(d)), held, "day {}", d);
            }
        }

        #[test]
        fn coverage_matches_a_model(a in small_sets(), count in 1u32..20, needed in 1u64..12) {
            let length = Length { count, unit: Unit::Days };
            let covered = days_covered_at_least(&a, length, needed);
            for d in -5..100 {
                let n = (d - count as i32 + 1..=d).filter(|s| a.contains(Day(*s))).count() as u64;
                prop_assert_eq!(covered.contains(Day(d)), n >= needed, "day {}", d);
            }
        }

        #[test]
        fn sums_of_huge_weights_are_exact_whatever_the_order(
            spans in proptest::collection::vec(
                (0i32..30, 0i32..6, prop_oneof![-3i64..4, Just(i64::MAX), Just(i64::MIN), any::<i64>()]),
                0..8,
            ),
            rotation in 0usize..8,
        ) {
            let mut reordered = spans.clone();
            reordered.reverse();
            let rotation = rotation % reordered.len().max(1);
            reordered.rotate_left(rotation);
            let sum = |spans: &[(i32, i32, i64)]| {
                Steps::sum_of_intervals(spans.iter().map(|(s, l, w)| (Day(*s), Day(s + l), i128::from(*w))))
            };
            let steps = sum(&spans);
            prop_assert_eq!(&steps, &sum(&reordered));
            let steps = steps.unwrap_or_else(|| Steps::constant(i128::MIN));
            for d in -2..40 {
                let exact: i128 = spans.iter().filter(|(s, l, _)| *s <= d && d <= s + l).map(|(_, _, w)| i128::from(*w)).sum();
                prop_assert_eq!(steps.value_at(Day(d)).copied(), Some(exact), "day {}", d);
            }
        }

        #[test]
        fn sums_of_intervals_match_a_model(spans in proptest::collection::vec((0i32..50, 0i32..10, -3i64..4), 0..8)) {
            let steps = Steps::sum_of_intervals(spans.iter().map(|(s, l, w)| (Day(*s), Day(s + l), i128::from(*w))))
                .unwrap_or_else(|| Steps::constant(i128::MIN));
            for d in -2..70 {
                let expected: i128 = spans.iter().filter(|(s, l, _)| *s <= d && d <= s + l).map(|(_, _, w)| i128::from(*w)).sum();
                prop_assert_eq!(steps.value_at(Day(d)).copied(), Some(expected));
            }
        }
    }
}
