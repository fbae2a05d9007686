//! Days, lengths of time, windows, sets of days and step functions of the
//! day: the exact time semantics every decision rests on.
//!
//! Every operation is arithmetic on intervals and breakpoints, so its cost
//! follows how many intervals it is given (a family's events), never the
//! length of a window or the span of the days: no loop steps day by day.
//! The one loop over the calendar is in [`days_covered_at_least`], which
//! steps month by month only where the answer itself changes with the
//! lengths of the months, through at most one 400-year cycle of them, and
//! copies that cycle's answer along the rest, up to the [`horizon`] the
//! evaluator reads answers to (see there).
//!
//! Arithmetic is checked (`clippy::arithmetic_side_effects`) and never
//! saturates: a day is an i32, so a difference of two days, or a sum of
//! such differences over disjoint stretches, is exact in i64, and the few
//! functions that rely on that say so where they allow the plain operator.
//! Where a length of time carries a day past the calendar it stops at
//! [`Day::MIN`] or [`Day::MAX`], which stand for all the time before and
//! after it: that is the exact answer, not a clamped one.
#![deny(clippy::arithmetic_side_effects)]

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar day, as the number of days since the common era (1 January
/// of the year 1 is day 1), between [`Day::MIN`] and [`Day::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The beginning of time: the day before 0001-01-01, the first day a
    /// date can be written (`crate::date`). A set that holds it holds every
    /// day before the calendar.
    pub const MIN: Day = Day(0);
    /// The end of time: the day after 9999-12-31, the last day a date can be
    /// written. An open spell ends here. Every day strictly between the two
    /// is a date that can be written, so no day the library reasons about,
    /// or reports, is one its readers would refuse.
    pub const MAX: Day = Day(3_652_060);

    /// The day of a date; a date before or after the years 0001 to 9999 is
    /// the beginning or the end of time.
    pub fn from_date(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce()).clamp(Day::MIN, Day::MAX)
    }

    /// Whether the day is a date of the calendar, not a sentinel.
    fn is_date(self) -> bool {
        Day::MIN < self && self < Day::MAX
    }

    /// The date of a day; `None` for the sentinels.
    pub fn to_date(self) -> Option<NaiveDate> {
        if !self.is_date() {
            return None;
        }
        NaiveDate::from_num_days_from_ce_opt(self.0)
    }

    /// The next day (the end of time is its own next day).
    pub fn succ(self) -> Day {
        self.add_days(1)
    }

    /// The day before (the beginning of time is its own day before).
    pub fn pred(self) -> Day {
        self.add_days(-1)
    }

    /// `days` days later (earlier when negative), stopping at the
    /// sentinels: past the calendar is the end (or beginning) of time. A sum
    /// past i64 is past the calendar too, on the side `days` points to.
    pub fn add_days(self, days: i64) -> Day {
        let beyond = if days < 0 { Day::MIN } else { Day::MAX };
        i64::from(self.0).checked_add(days).map_or(beyond, |day| {
            let day = day.clamp(i64::from(Day::MIN.0), i64::from(Day::MAX.0));
            i32::try_from(day).map_or(beyond, Day)
        })
    }

    /// Completed years of age on `on` of someone born on `born`. Someone born
    /// on 29 February turns a year older on 1 March in other years, as the
    /// law of England has it.
    pub fn age_on(born: Day, on: Day) -> Option<u32> {
        if !born.is_date() || !on.is_date() {
            return None;
        }
        if on < born {
            return Some(0);
        }
        // By the calendar's own arithmetic (the same dates as chrono's, see
        // the test): an age is looked up for every member a selector of
        // ages or school age is asked about.
        let ((born_year, born_month, born_day), (year, month, day)) = (civil(born), civil(on));
        let mut years = year.checked_sub(born_year)?;
        if (month, day) < (born_month, born_day) {
            years = years.checked_sub(1)?;
        }
        u32::try_from(years).ok()
    }

    /// The day `length` before this one; months clamp to the end of a
    /// shorter month (31 August less 6 months is the end of February).
    pub fn minus(self, length: Length) -> Day {
        self.shift(length, false)
    }

    /// The day `length` after this one, months clamped likewise.
    pub fn plus(self, length: Length) -> Day {
        self.shift(length, true)
    }

    /// Both directions are monotone: a later day never shifts to an earlier
    /// one. The interval arithmetic below rests on that.
    fn shift(self, length: Length, forwards: bool) -> Day {
        self.shift_noting_cut(length, forwards).0
    }

    /// The shifted day, and whether its day of the month was cut to the end
    /// of a shorter month (only months do that, and only inside the
    /// calendar): a day shifted and not cut comes back to itself when
    /// shifted the other way.
    fn shift_noting_cut(self, length: Length, forwards: bool) -> (Day, bool) {
        #[cfg(test)]
        tests::count_shift();
        if !self.is_date() {
            return (self, false);
        }
        let days_per_unit = match length.unit {
            TimeUnit::Days => 1,
            TimeUnit::Weeks => 7,
            TimeUnit::Months => return self.shift_months(length.count, forwards),
        };
        // At most 7 × (2^32 − 1) days: far inside i64, so neither the product
        // nor its negation fails, and a length that long carries the day
        // past the calendar, to the sentinel on its side, as `None` would.
        let days = i64::from(length.count)
            .checked_mul(days_per_unit)
            .and_then(|days| {
                if forwards {
                    Some(days)
                } else {
                    days.checked_neg()
                }
            });
        let shifted = match days {
            Some(days) => self.add_days(days),
            None if forwards => Day::MAX,
            None => Day::MIN,
        };
        (shifted, false)
    }

    /// Months are shifted on the day's year, month and day of the month,
    /// worked out from its number (chrono's month arithmetic went through
    /// its own date types and took a twentieth of an evaluation); the same
    /// days as chrono's `checked_add_months` / `checked_sub_months` (see the
    /// test), a shorter month clamping the day to its end.
    #[allow(clippy::arithmetic_side_effects)]
    fn shift_months(self, count: u32, forwards: bool) -> (Day, bool) {
        if !self.is_date() {
            return (self, false);
        }
        let (year, month, day) = civil(self);
        let count = i64::from(count);
        // Months since the start of the year 0: a year is at most 9999 and
        // `count` under 2^32, so this is far inside i64.
        let months = i64::from(year) * 12 + i64::from(month) - 1;
        let shifted = if forwards {
            months + count
        } else {
            months - count
        };
        let (year, month) = (shifted.div_euclid(12), shifted.rem_euclid(12));
        // Before the year 1 is before the calendar; after 9999, after it.
        match (i32::try_from(year), u32::try_from(month)) {
            (Ok(year @ 1..=9999), Ok(month)) => {
                let month = month.saturating_add(1);
                let last = days_in_month(year, month);
                (from_civil(year, month, day.min(last)), day > last)
            }
            _ if forwards => (Day::MAX, false),
            _ => (Day::MIN, false),
        }
    }
}

/// The year, month (1 to 12) and day of the month of a day strictly between
/// the sentinels: Neri and Schneider's `civil_from_days` ("Euclidean affine
/// functions and their application to calendar algorithms", 2022), on days
/// counted from 1 March of the year 0 (day −305). Every day of the calendar
/// is after it, so the arithmetic is unsigned, and two of its divisions are
/// a product's halves: a window of months shifts a day this way for every
/// event it looks at.
#[allow(clippy::arithmetic_side_effects)]
fn civil(day: Day) -> (i32, u32, u32) {
    // Days since 1 March 0000, at least 306 and at most 3,652,365: every
    // product below is far inside its type.
    let since_march = day.0.unsigned_abs() + 305;
    let quarter_days = 4 * since_march + 3;
    let century = quarter_days / 146_097;
    let day_of_century = quarter_days % 146_097 / 4;
    // The high half of the product is the year of the century; the low
    // half, scaled back, the day of that year.
    let year_part = 2_939_745 * u64::from(4 * day_of_century + 3);
    let year_of_century = (year_part >> 32) as u32;
    let day_of_year = (year_part as u32) / 2_939_745 / 4;
    let month_part = 2141 * day_of_year + 197_913;
    let month_from_march = month_part >> 16;
    let day_of_month = (month_part & 0xFFFF) / 2141 + 1;
    let january_or_february = day_of_year >= 306;
    let year = 100 * century + year_of_century + u32::from(january_or_february);
    let month = if january_or_february {
        month_from_march - 12
    } else {
        month_from_march
    };
    (year as i32, month, day_of_month)
}

/// The day of a date of the years 1 to 9999 (month 1 to 12, a day its
/// month has): the inverse of [`civil`], Neri and Schneider's
/// `days_from_civil`.
#[allow(clippy::arithmetic_side_effects)]
fn from_civil(year: i32, month: u32, day: u32) -> Day {
    let january_or_february = month <= 2;
    // The year from March, at least 0.
    let year = year.unsigned_abs() - u32::from(january_or_february);
    let month = if january_or_february {
        month + 12
    } else {
        month
    };
    let century = year / 100;
    let days_before_year = 1461 * year / 4 - century + century / 4;
    let days_before_month = (979 * month - 2919) / 32;
    Day((days_before_year + days_before_month + day - 1) as i32 - 305)
}

/// How many days a month (1 to 12) of a year has, by the Gregorian rule.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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

pub use crate::unit::TimeUnit;

/// A length of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Length {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: TimeUnit,
}

/// How many days lie in `(after, up_to]`, when `after <= up_to`. Exact:
/// both are i32, so the difference is under 2^32 in size in an i64.
#[allow(clippy::arithmetic_side_effects)]
fn days_after(after: Day, up_to: Day) -> i64 {
    i64::from(up_to.0) - i64::from(after.0)
}

/// How many days lie in `first ..= last`, when `first <= last`. Exact, as
/// [`days_after`] is: at most 2^32 in an i64.
#[allow(clippy::arithmetic_side_effects)]
fn days_in(first: Day, last: Day) -> i64 {
    days_after(first, last) + 1
}

/// The first as-of day D whose window of `length` opens on or after `day`:
/// the smallest D with `day <= D − length`.
///
/// `D − length` never decreases as D grows, so one candidate settles it.
/// `day + length` is the answer unless adding months clamped it to the end
/// of a shorter month (31 January + 1 month is 28 February, whose window
/// opens after 28 January); then no day of that month is late enough, and
/// the first day of the next month is (its window opens after the 1st of
/// the month after `day`'s, or, from the end of time, at it). Shifting
/// `day + length` back lands on `day` itself unless the day of the month
/// was cut, so one shift, noting the cut, says which.
fn first_day_window_opens_from(day: Day, length: Length) -> Day {
    match day.shift_noting_cut(length, true) {
        (candidate, false) => candidate,
        (candidate, true) => candidate.succ(),
    }
}

/// The last as-of day D on which `day` is inside the window of `length`,
/// i.e. the largest D with `D − length < day`. Since `D − length` never
/// decreases as D grows, the days on which `day` is in the window are
/// exactly `day ..= last_day_covering(day, length)`. A sentinel covers
/// itself: an open spell is in every window from its start on.
pub fn last_day_covering(day: Day, length: Length) -> Day {
    if !day.is_date() {
        return day;
    }
    first_day_window_opens_from(day, length).pred()
}

/// The first as-of day D whose whole window of `length` lies after `day`:
/// the smallest D with `D − length >= day`. It is the first clear day after
/// a last sign on `day`, and the first day a sustain period after a spell
/// that ended on `day` is complete. The ends of time are their own.
pub fn first_day_clear_of(day: Day, length: Length) -> Day {
    if !day.is_date() {
        return day;
    }
    first_day_window_opens_from(day, length)
}

/// The first as-of day D whose whole window of `length` lies on or after
/// `start`: the smallest D with `D − length >= start − 1`, and never before
/// `start` itself (the window holds D; near the beginning of time a window
/// is cut short at it).
fn first_day_window_within(start: Day, length: Length) -> Day {
    if !start.is_date() {
        return start;
    }
    first_day_window_opens_from(start.pred(), length).max(start)
}

/// A set of days: sorted, disjoint, non-adjacent inclusive intervals, so
/// that equal sets are equal values.
///
/// Most sets an evaluation builds are one interval (every day, a spell, the
/// days an event is in a window), so one is held inline: building, copying
/// and intersecting those costs no allocation. Every operation merges its
/// operands' sorted intervals in one pass and never sorts what is sorted.
#[derive(Clone)]
pub struct DaySet {
    runs: Runs,
}

#[derive(Clone)]
enum Runs {
    /// Exactly one interval.
    One([(Day, Day); 1]),
    /// Any number; never one after [`DaySet::from_normalised`].
    Many(Vec<(Day, Day)>),
}

impl Default for DaySet {
    fn default() -> DaySet {
        DaySet {
            runs: Runs::Many(Vec::new()),
        }
    }
}

impl PartialEq for DaySet {
    fn eq(&self, other: &DaySet) -> bool {
        self.intervals() == other.intervals()
    }
}

impl Eq for DaySet {}

impl fmt::Debug for DaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DaySet")
            .field("intervals", &self.intervals())
            .finish()
    }
}

/// Appends `(start, end)` to sorted, normalised `out`, merging it with the
/// last interval when they overlap or adjoin; `start` is never before the
/// last interval's start.
fn push_merged(out: &mut Vec<(Day, Day)>, start: Day, end: Day) {
    match out.last_mut() {
        Some(last) if start <= last.1.succ() => last.1 = last.1.max(end),
        _ => out.push((start, end)),
    }
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
                runs: Runs::One([(start, end)]),
            }
        }
    }

    /// Intervals already sorted, disjoint and non-adjacent.
    fn from_normalised(intervals: Vec<(Day, Day)>) -> DaySet {
        match intervals.as_slice() {
            [(start, end)] => DaySet::interval(*start, *end),
            _ => DaySet {
                runs: Runs::Many(intervals),
            },
        }
    }

    /// The union of any intervals, in any order: sorted only when they are
    /// not already, and merged in place. None or one (an event's days, most
    /// often) is held without a list; more go in one list sized for them
    /// all, not grown as they come.
    pub fn from_intervals(intervals: impl IntoIterator<Item = (Day, Day)>) -> DaySet {
        let intervals = intervals.into_iter();
        let expected = intervals.size_hint().0;
        let mut kept = intervals.filter(|(start, end)| start <= end);
        let Some(first) = kept.next() else {
            return DaySet::empty();
        };
        let Some(second) = kept.next() else {
            #[cfg(test)]
            tests::count_intervals(1);
            return DaySet::interval(first.0, first.1);
        };
        let mut intervals = Vec::with_capacity(expected.max(2));
        intervals.push(first);
        intervals.push(second);
        intervals.extend(kept);
        #[cfg(test)]
        tests::count_intervals(intervals.len());
        if !intervals.is_sorted() {
            intervals.sort_unstable();
        }
        intervals.dedup_by(|later, earlier| {
            let merges = later.0 <= earlier.1.succ();
            if merges {
                earlier.1 = earlier.1.max(later.1);
            }
            merges
        });
        DaySet::from_normalised(intervals)
    }

    /// Whether it holds no day.
    pub fn is_empty(&self) -> bool {
        self.intervals().is_empty()
    }

    /// Whether it holds every day: one interval, from the beginning of time
    /// to its end (asked before most operations, so read off the runs).
    fn is_all(&self) -> bool {
        matches!(self.runs, Runs::One([(Day::MIN, Day::MAX)]))
    }

    /// The intervals, in order.
    pub fn intervals(&self) -> &[(Day, Day)] {
        match &self.runs {
            Runs::One(one) => one.as_slice(),
            Runs::Many(many) => many.as_slice(),
        }
    }

    /// Whether `day` is in the set.
    pub fn contains(&self, day: Day) -> bool {
        self.interval_of(day).is_some()
    }

    fn interval_of(&self, day: Day) -> Option<(Day, Day)> {
        let intervals = self.intervals();
        let index = intervals.partition_point(|(_, end)| *end < day);
        intervals
            .get(index)
            .copied()
            .filter(|(start, _)| *start <= day)
    }

    /// Days in either set: one merge of the two sorted lists.
    pub fn union(&self, other: &DaySet) -> DaySet {
        #[cfg(test)]
        self.count_read_with(other);
        if self.is_empty() || other.is_all() {
            return other.clone();
        }
        if other.is_empty() || self.is_all() {
            return self.clone();
        }
        let (left, right) = (self.intervals(), other.intervals());
        let mut out = Vec::with_capacity(left.len().max(right.len()));
        let (mut left, mut right) = (left.iter().peekable(), right.iter().peekable());
        loop {
            let next = match (left.peek(), right.peek()) {
                (Some(a), Some(b)) if a <= b => left.next(),
                (Some(_), Some(_)) => right.next(),
                (Some(_), None) => left.next(),
                (None, _) => right.next(),
            };
            let Some(&(start, end)) = next else { break };
            push_merged(&mut out, start, end);
        }
        DaySet::from_normalised(out)
    }

    /// Counts, in tests, the intervals an operation on two sets reads.
    #[cfg(test)]
    fn count_read_with(&self, other: &DaySet) {
        tests::count_intervals(self.intervals().len());
        tests::count_intervals(other.intervals().len());
    }

    /// The days of this set inside `limit`; all of them with no limit, which
    /// is how an evaluation says "every day" without building that set.
    pub(crate) fn within(self, limit: Option<&DaySet>) -> DaySet {
        match limit {
            Some(limit) => self.intersect(limit),
            None => self,
        }
    }

    /// Days in both sets. The pieces come out sorted and disjoint, and no
    /// two adjoin: two days in a row in both sets lie in one interval of
    /// each, so in one piece.
    pub fn intersect(&self, other: &DaySet) -> DaySet {
        #[cfg(test)]
        self.count_read_with(other);
        if self.is_empty() || other.is_all() {
            return self.clone();
        }
        if other.is_empty() || self.is_all() {
            return other.clone();
        }
        if let ([(a_start, a_end)], [(b_start, b_end)]) = (self.intervals(), other.intervals()) {
            return DaySet::interval(*a_start.max(b_start), *a_end.min(b_end));
        }
        // Each piece ends where an interval of one of the sets does.
        let mut out = Vec::with_capacity(
            self.intervals()
                .len()
                .saturating_add(other.intervals().len()),
        );
        let (mut left, mut right) = (
            self.intervals().iter().peekable(),
            other.intervals().iter().peekable(),
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
        DaySet::from_normalised(out)
    }

    /// Days not in the set (between the beginning and the end of time): the
    /// gaps, which are sorted and apart by construction.
    pub fn complement(&self) -> DaySet {
        #[cfg(test)]
        tests::count_intervals(self.intervals().len());
        let mut out = Vec::with_capacity(self.intervals().len().saturating_add(1));
        let mut next = Day::MIN;
        for (start, end) in self.intervals() {
            if *start > next {
                out.push((next, start.pred()));
            }
            if *end >= Day::MAX {
                return DaySet::from_normalised(out);
            }
            next = end.succ();
        }
        out.push((next, Day::MAX));
        DaySet::from_normalised(out)
    }

    /// Days in this set and not the other: each interval of this one less
    /// the intervals of the other it meets, in one pass over both.
    pub fn difference(&self, other: &DaySet) -> DaySet {
        #[cfg(test)]
        self.count_read_with(other);
        if self.is_empty() || other.is_empty() {
            return self.clone();
        }
        if other.is_all() {
            return DaySet::empty();
        }
        let mut out = Vec::with_capacity(self.intervals().len());
        let mut taken = other.intervals().iter().peekable();
        for &(start, end) in self.intervals() {
            while taken.next_if(|(_, taken_end)| *taken_end < start).is_some() {}
            let mut from = start;
            loop {
                match taken.peek() {
                    Some(&&(taken_start, taken_end)) if taken_start <= end => {
                        if taken_start > from {
                            out.push((from, taken_start.pred()));
                        }
                        if taken_end >= end {
                            // It may take from the next interval too.
                            break;
                        }
                        from = taken_end.succ();
                        taken.next();
                    }
                    _ => {
                        out.push((from, end));
                        break;
                    }
                }
            }
        }
        DaySet::from_normalised(out)
    }

    /// The first day of the set on or after `day`.
    pub fn first_at_or_after(&self, day: Day) -> Option<Day> {
        let intervals = self.intervals();
        let index = intervals.partition_point(|(_, end)| *end < day);
        intervals.get(index).map(|(start, _)| (*start).max(day))
    }

    /// When `day` is in the set, the first day of the unbroken run holding it.
    pub fn run_start(&self, day: Day) -> Option<Day> {
        self.interval_of(day).map(|(start, _)| start)
    }

    /// When `day` is in the set, the last day of the unbroken run holding it.
    pub fn run_end(&self, day: Day) -> Option<Day> {
        self.interval_of(day).map(|(_, end)| end)
    }

    /// How many days of the set lie in `first ..= last`.
    pub fn count_days_between(&self, first: Day, last: Day) -> u64 {
        self.intervals()
            .iter()
            .filter_map(|(start, end)| {
                let (start, end) = ((*start).max(first), (*end).min(last));
                (start <= end).then(|| days_in(start, end))
            })
            // Exact: the stretches are disjoint days of an i32, so their
            // lengths add up to at most 2^32, far inside i64; never negative.
            .sum::<i64>()
            .unsigned_abs()
    }

    /// The days D on which every day of the window of `length` as of D is in
    /// the set. Each interval keeps its end and its start moves later, by an
    /// amount that never shrinks as the start grows, so the intervals stay
    /// sorted and apart.
    pub fn sustained(&self, length: Length) -> DaySet {
        #[cfg(test)]
        tests::count_intervals(self.intervals().len());
        DaySet::from_normalised(
            self.intervals()
                .iter()
                .map(|(start, end)| (first_day_window_within(*start, length), *end))
                .filter(|(start, end)| start <= end)
                .collect(),
        )
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

    /// `first` until the first change's day, then each change's value from
    /// its day on; the changes' days increase.
    pub(crate) fn changing(first: V, changes: impl IntoIterator<Item = (Day, V)>) -> Steps<V> {
        Steps::from_breakpoints(std::iter::once((Day::MIN, first)).chain(changes).collect())
    }

    /// Breakpoints in day order, in place: of several on one day the last
    /// value holds, and a breakpoint that repeats the value before it goes.
    fn from_breakpoints(mut breakpoints: Vec<(Day, V)>) -> Steps<V> {
        #[cfg(test)]
        tests::count_intervals(breakpoints.len());
        breakpoints.dedup_by(|later, earlier| {
            let same_day = later.0 == earlier.0;
            if same_day {
                std::mem::swap(&mut earlier.1, &mut later.1);
            }
            same_day
        });
        breakpoints.dedup_by(|later, earlier| later.1 == earlier.1);
        Steps { breakpoints }
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

    /// The function `day ↦ f(self(day), other(day))`: one pass over both
    /// lists of breakpoints, as a merge.
    pub fn zip_with<W: Clone + PartialEq, X: Clone + PartialEq>(
        &self,
        other: &Steps<W>,
        f: impl Fn(&V, &W) -> X,
    ) -> Steps<X> {
        let mut out = Vec::with_capacity(
            self.breakpoints
                .len()
                .saturating_add(other.breakpoints.len()),
        );
        self.merge_with(other, |day, a, b| out.push((day, f(a, b))));
        Steps::from_breakpoints(out)
    }

    /// The days on which `holds` of both functions' values, as
    /// `zip_with(other, holds).where_true(…)` gives them, without the
    /// function of truth values between: a comparison's days, in one pass.
    pub fn zip_where<W: Clone + PartialEq>(
        &self,
        other: &Steps<W>,
        holds: impl Fn(&V, &W) -> bool,
    ) -> DaySet {
        let mut intervals = Vec::new();
        let mut holding_since = None;
        self.merge_with(other, |day, a, b| match (holding_since, holds(a, b)) {
            (None, true) => holding_since = Some(day),
            (Some(start), false) => {
                push_merged(&mut intervals, start, day.pred());
                holding_since = None;
            }
            _ => {}
        });
        if let Some(start) = holding_since {
            push_merged(&mut intervals, start, Day::MAX);
        }
        DaySet::from_normalised(intervals)
    }

    /// Calls `visit` with each day either function changes on, in order,
    /// and both functions' values from that day.
    fn merge_with<W>(&self, other: &Steps<W>, mut visit: impl FnMut(Day, &V, &W)) {
        let (mut left, mut right) = (
            self.breakpoints.iter().peekable(),
            other.breakpoints.iter().peekable(),
        );
        let (mut a, mut b) = (None, None);
        loop {
            let day = match (left.peek(), right.peek()) {
                (None, None) => break,
                (Some((day, _)), None) | (None, Some((day, _))) => *day,
                (Some((l, _)), Some((r, _))) => (*l).min(*r),
            };
            if let Some((_, value)) = left.next_if(|(start, _)| *start == day) {
                a = Some(value);
            }
            if let Some((_, value)) = right.next_if(|(start, _)| *start == day) {
                b = Some(value);
            }
            if let (Some(a), Some(b)) = (a, b) {
                visit(day, a, b);
            }
        }
    }

    /// The days on which `predicate` holds of the value: the breakpoints
    /// are in order, so the intervals are merged as they come.
    pub fn where_true(&self, predicate: impl Fn(&V) -> bool) -> DaySet {
        #[cfg(test)]
        tests::count_intervals(self.breakpoints.len());
        let mut intervals = Vec::new();
        let mut breakpoints = self.breakpoints.iter().peekable();
        while let Some((start, value)) = breakpoints.next() {
            if predicate(value) {
                let end = breakpoints.peek().map_or(Day::MAX, |(next, _)| next.pred());
                push_merged(&mut intervals, *start, end);
            }
        }
        DaySet::from_normalised(intervals)
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
        // One list, in place: the changes, sorted, then their running
        // totals; a change of 0 on the first day starts the function there.
        let contributions = contributions.into_iter();
        // Each contribution starts and ends: two changes, after the first.
        let mut steps: Vec<(Day, i128)> = Vec::with_capacity(
            contributions
                .size_hint()
                .0
                .saturating_mul(2)
                .saturating_add(1),
        );
        steps.push((Day::MIN, 0));
        for (start, end, weight) in contributions {
            if start > end || weight == 0 {
                continue;
            }
            steps.push((start, weight));
            if end < Day::MAX {
                steps.push((end.succ(), weight.checked_neg()?));
            }
        }
        #[cfg(test)]
        tests::count_intervals(steps.len());
        // By day only: the total after a day's changes is the same in
        // whatever order they are added, and only that total is kept.
        steps.sort_unstable_by_key(|(day, _)| *day);
        let mut total = 0i128;
        for (_, change) in &mut steps {
            total = total.checked_add(*change)?;
            *change = total;
        }
        Some(Steps::from_breakpoints(steps))
    }
}

/// How many days of a set lie in a stretch, in time logarithmic in its
/// intervals: each interval with the days of the set before it.
struct Tally {
    runs: Vec<(Day, Day, i64)>,
}

// Exact: a tally's numbers count days of disjoint stretches of an i32,
// so every sum and difference here is at most 2^33 in size, inside i64.
#[allow(clippy::arithmetic_side_effects)]
impl Tally {
    fn new(set: &DaySet) -> Tally {
        let mut total = 0i64;
        let runs = set
            .intervals()
            .iter()
            .map(|(start, end)| {
                let before = total;
                total += days_in(*start, *end);
                (*start, *end, before)
            })
            .collect();
        Tally { runs }
    }

    /// The days of the set on or before `day`.
    fn up_to(&self, day: Day) -> i64 {
        let holding = self.runs.partition_point(|(start, _, _)| *start <= day);
        holding
            .checked_sub(1)
            .and_then(|last| self.runs.get(last))
            .map_or(0, |(start, end, before)| {
                before + days_in(*start, (*end).min(day))
            })
    }

    /// The days of the set in `(after, up_to]`.
    fn between(&self, after: Day, up_to: Day) -> i64 {
        self.up_to(up_to) - self.up_to(after)
    }
}

/// The fewest and the most days a window of `months` calendar months can
/// hold, or `None` when the bounds are past i64 (no window that long fits
/// the calendar). A window as of D holds the whole months before D's month
/// back to the one `months` earlier, 12 of them 365 or 366 days, the rest
/// at least and at most these sums of consecutive months, plus up to 3 days
/// when D is later in its month than the month the window opens in is long.
pub(crate) fn month_window_bounds(months: u32) -> Option<(i64, i64)> {
    const FEWEST: [i64; 12] = [0, 28, 59, 89, 120, 150, 181, 212, 242, 273, 303, 334];
    const MOST: [i64; 12] = [0, 31, 62, 92, 123, 153, 184, 215, 245, 276, 306, 337];
    let years = i64::from(months.checked_div(12)?);
    let rest = usize::try_from(months.checked_rem(12)?).ok()?;
    let fewest = years.checked_mul(365)?.checked_add(*FEWEST.get(rest)?)?;
    let most = years
        .checked_mul(366)?
        .checked_add(*MOST.get(rest)?)?
        .checked_add(3)?;
    Some((fewest, most))
}

/// The days D on which at least `needed` days of `spells` lie in the window
/// of `length` as of D. ("26 weeks of employment within the last 30 weeks".)
///
/// The count on D is `C(D) − C(D − length)`, where `C(x)` counts the days
/// of `spells` up to x. Between the days where D, or the window's start
/// `D − length`, enters or leaves a spell, each of the two terms is either
/// constant or rises by a day a day: a stretch where only D is in a spell
/// rises, where only the start is it falls, and the answer is a threshold
/// found by arithmetic. Where both are, the count follows the window's own
/// length in days, `D − (D − length)`: constant for days and weeks, but
/// for months it changes with the lengths of the months, so a window of 6
/// months holds 181 to 184 days, and "182 days within 6 months" of
/// unbroken employment is not met on most days of March, May and July, nor
/// on 1 to 28 August, after a February of 28 days. Unless the days needed are beyond that range one
/// way or the other, that stretch is settled month by month, which is
/// also how often the answer can change there, for one 400-year cycle of
/// the calendar at most: the months' lengths repeat with it, and so does
/// the answer, which is copied along the rest of the stretch. An open
/// spell thus costs at most 4,801 months whenever it began, and the rest
/// of the work follows the answer's own runs (about eight a year).
///
/// The end of time is covered when the day before it is: it stands for the
/// days after the calendar, whose windows are those of its last days.
///
/// Only the days up to `exact_until` are answered (the rest are left out):
/// the evaluator passes its [`horizon`], past which nothing is read, so an
/// open spell costs the months up to it, not to the end of the calendar.
pub fn days_covered_at_least(
    spells: &DaySet,
    length: Length,
    needed: u64,
    exact_until: Day,
) -> DaySet {
    if needed == 0 {
        return DaySet::all();
    }
    let Ok(needed) = i64::try_from(needed) else {
        return DaySet::empty();
    };
    let opens_from = |day| first_day_window_opens_from(day, length);
    // Where D, or the window's start, crosses a spell's edge, and where the
    // start leaves the beginning of time (until then it is cut short there).
    let mut edges = vec![Day::MIN, opens_from(Day::MIN.succ()), Day::MAX];
    for (start, end) in spells.intervals() {
        edges.extend([
            *start,
            end.succ(),
            opens_from(*start),
            opens_from(end.succ()),
        ]);
    }
    edges.sort_unstable();
    edges.dedup();
    let tally = Tally::new(spells);
    let mut out = Vec::new();
    for stretch in edges.windows(2) {
        let [first, next] = stretch else { continue };
        let (first, last) = (*first, next.pred().min(exact_until));
        if first > exact_until {
            break;
        }
        let opens = first.minus(length);
        let count = tally.between(opens, first);
        let day_rises = spells.contains(first);
        let start_rises = opens > Day::MIN && spells.contains(opens);
        match (day_rises, start_rises) {
            (false, false) => {
                if count >= needed {
                    out.push((first, last));
                }
            }
            (true, false) => {
                // The days still needed, one a day; more than i64 holds
                // (it cannot be, as `count` is not negative) would be none.
                let from = needed
                    .checked_sub(count)
                    .map_or(Day::MAX, |more| first.add_days(more.max(0)));
                out.push((from, last));
            }
            (false, true) => {
                // Covered while the window's start is at most `opens + count − needed`.
                // `needed <= count`, a tally under 2^33: neither step fails.
                let past_spare = count
                    .checked_sub(needed)
                    .filter(|spare| *spare >= 0)
                    .and_then(|spare| spare.checked_add(1));
                if let Some(past_spare) = past_spare {
                    let until = opens_from(opens.add_days(past_spare)).pred();
                    out.push((first, until.min(last)));
                }
            }
            (true, true) => {
                if let Some(target) = days_after(opens, first)
                    .checked_add(needed)
                    .and_then(|target| target.checked_sub(count))
                {
                    window_at_least(first, last, length, target, &mut out);
                }
            }
        }
    }
    if let Some(last) = out.last_mut() {
        if last.1 == Day::MAX.pred() {
            last.1 = Day::MAX;
        }
    }
    DaySet::from_intervals(out)
}

/// Adds to `out` the days D of `first ..= last` whose window of `length`
/// holds at least `target` days, `(D − length, D]`, where the window's
/// start is a day of the calendar (not cut short at the beginning of time).
///
/// Exact: months are stepped (at most one [`CYCLE_DAYS`] of them, then
/// the cycle's runs copied) only while they start on a day of the
/// calendar (day numbers under 2^22, lengths at most 31), and only for a
/// `target` at most the [`month_window_bounds`] of a `u32` of months, which
/// is under 2^41; every sum below is inside i64.
#[allow(clippy::arithmetic_side_effects)]
fn window_at_least(first: Day, last: Day, length: Length, target: i64, out: &mut Vec<(Day, Day)>) {
    if length.unit != TimeUnit::Months {
        // Days and weeks: every such window is the same number of days.
        if days_after(first.minus(length), first) >= target {
            out.push((first, last));
        }
        return;
    }
    // Always there: a u32 of months is at most 2^32 × 31 days.
    let Some((fewest, most)) = month_window_bounds(length.count) else {
        return;
    };
    if target <= fewest {
        out.push((first, last));
        return;
    }
    if target > most {
        return;
    }
    // As of a day d of a month M, the window opens on day d of the month
    // `length` earlier, or at that month's end if it is shorter than d: it
    // holds the whole months between, then the days of M from the 1st to
    // d, less the days past the opening month's end. So a month's days
    // that hold enough are its last ones, from a day found by arithmetic
    // on the lengths of the two months, with no day of either looked at.
    let (Some(mut month), Some(mut opening)) = (Month::of(first), Month::of(first.minus(length)))
    else {
        return;
    };
    let (first, last) = (i64::from(first.0), i64::from(last.0));
    // The answer on a day depends only on the lengths of the months, and
    // the calendar repeats them every 400 years: from the first whole
    // month on, one cycle is walked and the rest copied from it.
    let cycle_from = if month.start == first {
        first
    } else {
        month.start + month.length()
    };
    let walked_to = last.min(cycle_from + CYCLE_DAYS - 1);
    let mark = out.len();
    while month.start <= walked_to {
        #[cfg(test)]
        tests::count_month_step();
        let between = month.start - opening.start;
        let from = if between >= target {
            month.start
        } else {
            month.start + (target - between) + opening.length() - 1
        };
        let to = month.start + month.length() - 1;
        push_day_numbers(out, from.max(first), to.min(walked_to));
        (month, opening) = (month.next(), opening.next());
    }
    if walked_to == last {
        return;
    }
    // The cycle's days, cut from what was just added (its first run may
    // have joined one added before, which starts before the cycle).
    let cycle: Vec<(i64, i64)> = out
        .get(mark.saturating_sub(1)..)
        .unwrap_or_default()
        .iter()
        .map(|(from, to)| (i64::from(from.0).max(cycle_from), i64::from(to.0)))
        .filter(|(from, to)| from <= to && *from <= walked_to)
        .collect();
    if cycle.is_empty() {
        return;
    }
    let mut shift = CYCLE_DAYS;
    loop {
        for (from, to) in &cycle {
            if from + shift > last {
                return;
            }
            push_day_numbers(out, from + shift, (to + shift).min(last));
        }
        shift += CYCLE_DAYS;
    }
}

/// How many days 400 years of the Gregorian calendar have: a date and the
/// same date 400 years later are this many days apart, and every month
/// between has the length of the month 400 years before it.
const CYCLE_DAYS: i64 = 146_097;

/// The last day a family's sets of days must be exact on, when every day
/// the sets are built from (the family's, the plan's) is at most `latest`
/// and the windows, periods and ages applied to them reach `ahead_days`
/// further at most.
///
/// Past `latest + ahead_days` no set changes but with the lengths of the
/// months, so every set repeats the 400 years before, [`CYCLE_DAYS`] (a
/// whole number of weeks too); then a set holding any later day holds one
/// within a cycle of that, so the first day a set holds on or after the
/// as-of day is on or before the horizon, or is none. Windows only look
/// back, so the sets' days up to it do not depend on the days after it,
/// which [`days_covered_at_least`] need not walk. (A month of 31 days more
/// for the days a month's end moves a window by.)
pub fn horizon(latest: Day, ahead_days: i64) -> Day {
    latest
        .add_days(ahead_days)
        .add_days(CYCLE_DAYS)
        .add_days(31)
}

/// [`push_merged`] for day numbers: nothing when `from > to`, nor for a
/// number past i32, which no day of the calendar is.
fn push_day_numbers(out: &mut Vec<(Day, Day)>, from: i64, to: i64) {
    if let (Ok(from), Ok(to)) = (i32::try_from(from), i32::try_from(to)) {
        if from <= to {
            push_merged(out, Day(from), Day(to));
        }
    }
}

/// A month of the calendar, with the number of its first day; day numbers
/// are under 2^22 and years under 10,001, so stepping through the calendar
/// is exact.
#[derive(Clone, Copy)]
struct Month {
    year: i32,
    month: u32,
    start: i64,
}

impl Month {
    /// The month `day` is in; `None` for the sentinels.
    fn of(day: Day) -> Option<Month> {
        let date = day.to_date()?;
        let start = date.with_day(1)?.num_days_from_ce();
        Some(Month {
            year: date.year(),
            month: date.month(),
            start: i64::from(start),
        })
    }

    /// How many days it has (Gregorian: a year divisible by 4 is a leap
    /// year unless it is a century not divisible by 400).
    fn length(self) -> i64 {
        let leap = self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0);
        match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    #[allow(clippy::arithmetic_side_effects)]
    fn next(self) -> Month {
        let start = self.start + self.length();
        match self.month.checked_add(1).filter(|month| *month <= 12) {
            Some(month) => Month {
                month,
                start,
                ..self
            },
            None => Month {
                year: self.year + 1,
                month: 1,
                start,
            },
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;
    use chrono::{Datelike, Months};
    use proptest::prelude::*;
    use std::cell::Cell;
    use std::collections::BTreeSet;

    thread_local! {
        static SHIFTS: Cell<u64> = const { Cell::new(0) };
        static MONTH_STEPS: Cell<u64> = const { Cell::new(0) };
        static INTERVALS: Cell<u64> = const { Cell::new(0) };
        static FACT_LOOKUPS: Cell<u64> = const { Cell::new(0) };
    }

    /// Counts a read of an event, a member or an event's field by the
    /// evaluator: what deciding a family costs besides the set algebra.
    pub(crate) fn count_fact_lookup() {
        FACT_LOOKUPS.with(|lookups| lookups.set(lookups.get() + 1));
    }

    /// Counts the intervals (or breakpoints) a set operation reads or
    /// builds, each a step of its one pass: the unit of work of the set
    /// algebra, as a shift is of windows.
    pub(super) fn count_intervals(intervals: usize) {
        INTERVALS.with(|counted| counted.set(counted.get() + intervals as u64));
    }

    /// Counts a month the walk over an unbroken stretch looks at.
    pub(super) fn count_month_step() {
        MONTH_STEPS.with(|steps| steps.set(steps.get() + 1));
    }

    /// Months shifted on the day's number land where chrono's month
    /// arithmetic does: across leap days, month ends, centuries, the
    /// calendar's two ends and counts up to the largest.
    #[test]
    fn months_shift_as_chrono_does() {
        let chrono_shift = |day: Day, count: u32, forwards: bool| {
            let date = day.to_date().expect("a day inside the calendar");
            let months = Months::new(count);
            let shifted = if forwards {
                date.checked_add_months(months)
            } else {
                date.checked_sub_months(months)
            };
            match shifted {
                Some(date) => Day::from_date(date),
                None if forwards => Day::MAX,
                None => Day::MIN,
            }
        };
        let mut days: Vec<Day> = (1..Day::MAX.0).step_by(97).map(Day).collect();
        for year in [1, 4, 100, 1600, 1900, 2000, 2023, 2024, 9996, 9999] {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a date");
            days.extend((0..366).map(|offset| Day::from_date(first).add_days(offset)));
        }
        days.push(Day(Day::MAX.0 - 1));
        let counts = [
            0,
            1,
            2,
            3,
            6,
            11,
            12,
            13,
            14,
            25,
            48,
            1199,
            1200,
            119_987,
            119_988,
            119_999,
            u32::MAX,
        ];
        for day in days.into_iter().filter(|day| day.to_date().is_some()) {
            for count in counts {
                for forwards in [true, false] {
                    assert_eq!(
                        day.shift_months(count, forwards).0,
                        chrono_shift(day, count, forwards),
                        "{day:?} shifted by {count} months, forwards: {forwards}"
                    );
                }
            }
        }
    }

    /// Every day of the calendar has chrono's year, month and day, and
    /// comes back to itself from them.
    #[test]
    fn every_day_has_chronos_date_and_comes_back_from_it() {
        for number in 1..Day::MAX.0 {
            let day = Day(number);
            let date = day.to_date().expect("a day inside the calendar");
            let (year, month, day_of_month) = civil(day);
            assert_eq!(
                (year, month, day_of_month),
                (date.year(), date.month(), date.day()),
                "{day:?}"
            );
            assert_eq!(from_civil(year, month, day_of_month), day, "{day:?}");
        }
    }

    /// Counts a shift of a day by a length, the unit of work every window
    /// costs: the tests below bound how many an operation makes.
    pub(super) fn count_shift() {
        SHIFTS.with(|shifts| shifts.set(shifts.get() + 1));
    }

    /// What `work` returns, and how far it moved `counter`.
    fn counted_during<T>(
        counter: &'static std::thread::LocalKey<Cell<u64>>,
        work: impl FnOnce() -> T,
    ) -> (T, u64) {
        let before = counter.with(Cell::get);
        let out = work();
        (out, counter.with(Cell::get) - before)
    }

    /// What `work` returns, with the months it walked and the intervals
    /// the set algebra read or built: the evaluator's tests count with it.
    pub(crate) fn walk_and_set_work_during<T>(work: impl FnOnce() -> T) -> (T, [u64; 2]) {
        let ((out, months), intervals) =
            counted_during(&INTERVALS, || counted_during(&MONTH_STEPS, work));
        (out, [months, intervals])
    }

    fn shifts_during<T>(work: impl FnOnce() -> T) -> (T, u64) {
        counted_during(&SHIFTS, work)
    }

    fn day(text: &str) -> Day {
        Day::from_date(crate::date::parse(text).unwrap())
    }

    fn length(count: u32, unit: TimeUnit) -> Length {
        Length { count, unit }
    }

    const MONTHS_6: Length = Length {
        count: 6,
        unit: TimeUnit::Months,
    };

    #[test]
    fn the_calendar_is_the_days_a_date_can_be_written() {
        assert_eq!(Day::MIN.succ(), day("0001-01-01"));
        assert_eq!(Day::MAX.pred(), day("9999-12-31"));
        assert_eq!((Day::MIN.to_date(), Day::MAX.to_date()), (None, None));
        assert_eq!(Day::from_date(NaiveDate::MIN), Day::MIN);
        assert_eq!(Day::from_date(NaiveDate::MAX), Day::MAX);
        assert_eq!(
            day("9999-06-01").plus(length(12, TimeUnit::Months)),
            Day::MAX
        );
        assert_eq!(day("0001-03-01").minus(MONTHS_6), Day::MIN);
        assert_eq!(day("9999-12-25").plus(length(1, TimeUnit::Weeks)), Day::MAX);
        assert_eq!(
            day("2016-01-01").plus(length(u32::MAX, TimeUnit::Months)),
            Day::MAX
        );
    }

    #[test]
    fn day_arithmetic_past_i64_reaches_the_ends_of_time_and_counts_stay_exact() {
        // A sum past i64 is past the calendar, on the side it points to.
        let new_year = day("2016-01-01");
        assert_eq!(new_year.add_days(i64::MAX), Day::MAX);
        assert_eq!(new_year.add_days(i64::MIN), Day::MIN);
        assert_eq!(Day(i32::MAX).add_days(i64::MAX), Day::MAX);
        assert_eq!(Day(i32::MIN).add_days(i64::MIN), Day::MIN);
        assert_eq!(new_year.add_days(-1), day("2015-12-31"));
        // 7 × u32::MAX days each way, the longest a length can be.
        let longest = length(u32::MAX, TimeUnit::Weeks);
        assert_eq!(new_year.minus(longest), Day::MIN);
        assert_eq!(new_year.plus(longest), Day::MAX);
        // The widest stretches an i32 numbers are counted exactly.
        assert_eq!(days_in(Day(i32::MIN), Day(i32::MAX)), 1 << 32);
        let widest = DaySet::interval(Day(i32::MIN), Day(i32::MAX));
        assert_eq!(
            widest.count_days_between(Day(i32::MIN), Day(i32::MAX)),
            1 << 32
        );
        let halves = DaySet::from_intervals([(Day(i32::MIN), Day(-1)), (Day(1), Day(i32::MAX))]);
        let tally = Tally::new(&halves);
        assert_eq!(tally.up_to(Day(i32::MAX)), (1 << 32) - 1);
        assert_eq!(tally.between(Day(i32::MIN), Day(i32::MAX)), (1 << 32) - 2);
    }

    #[test]
    fn months_clamp_to_the_end_of_a_shorter_month() {
        assert_eq!(day("2024-08-31").minus(MONTHS_6), day("2024-02-29"));
        assert_eq!(day("2023-08-31").minus(MONTHS_6), day("2023-02-28"));
        assert_eq!(
            day("2016-03-31").plus(length(1, TimeUnit::Months)),
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
            last_day_covering(day("2016-03-01"), length(10, TimeUnit::Days)),
            day("2016-03-10")
        );
        // 31 January is in the month's window up to 28 February; 1 March's opens after 1 February.
        assert_eq!(
            last_day_covering(day("2015-01-31"), length(1, TimeUnit::Months)),
            day("2015-02-28")
        );
    }

    #[test]
    fn age_on_a_leap_birthday() {
        let born = day("2008-02-29");
        assert_eq!(Day::age_on(born, day("2009-02-28")), Some(0));
        assert_eq!(Day::age_on(born, day("2009-03-01")), Some(1));
        assert_eq!(Day::age_on(born, day("2012-02-29")), Some(4));
    }

    #[test]
    fn a_window_of_any_length_is_placed_in_two_shifts_not_day_by_day() {
        // The search this replaced stepped a day at a time from `day +
        // length` to the answer: for u32::MAX months, past every day left
        // in the calendar (over 10^8 steps when the calendar ran to 2^28).
        let event = day("2016-01-31");
        for unit in [TimeUnit::Days, TimeUnit::Weeks, TimeUnit::Months] {
            for count in [1, 6, 1200, 36525, u32::MAX] {
                let length = length(count, unit);
                let (last, shifts) = shifts_during(|| last_day_covering(event, length));
                assert!(shifts <= 2, "{count} {unit:?}: {shifts} shifts");
                assert!(last.minus(length) < event, "{count} {unit:?}");
                assert!(last.succ().minus(length) >= event, "{count} {unit:?}");
                let (first, shifts) = shifts_during(|| first_day_window_within(event, length));
                assert!(shifts <= 2, "{count} {unit:?}: {shifts} shifts");
                assert!(first.minus(length) >= event.pred(), "{count} {unit:?}");
                assert!(
                    first == event || first.pred().minus(length) < event.pred(),
                    "{count} {unit:?}"
                );
            }
        }
    }

    #[test]
    fn a_window_opens_on_the_first_day_whose_shift_back_reaches_the_day() {
        // One shift noting the cut in place of the round trip: the same day,
        // by the definition, for every day of four years (two leap days,
        // every month's end) and lengths that cut and that do not, and at
        // the calendar's ends.
        let lengths = [
            length(1, TimeUnit::Days),
            length(3, TimeUnit::Weeks),
            length(1, TimeUnit::Months),
            length(6, TimeUnit::Months),
            length(12, TimeUnit::Months),
            length(u32::MAX, TimeUnit::Months),
        ];
        let start = day("2015-01-01").0;
        let days = (start..start + 4 * 366).map(Day).chain([
            Day::MIN,
            Day(1),
            day("9999-12-31"),
            Day::MAX,
        ]);
        for event in days {
            for length in lengths {
                let candidate = event.plus(length);
                let by_definition = if candidate.minus(length) >= event {
                    candidate
                } else {
                    candidate.succ()
                };
                assert_eq!(
                    first_day_window_opens_from(event, length),
                    by_definition,
                    "{event:?} {length:?}"
                );
            }
        }
    }

    #[test]
    fn coverage_costs_a_few_shifts_a_spell_whatever_the_window() {
        // 50,000 spells of 3 days every 10 days. The search this replaced
        // counted the days of every window it tried spell by spell, so its
        // work grew with the square of the spells: over 10^11 steps here.
        let first = day("0100-01-01").0;
        let spells = DaySet::from_intervals(
            (0..50_000).map(|i| (Day(first + 10 * i), Day(first + 10 * i + 2))),
        );
        for (window, needed) in [
            (length(30, TimeUnit::Weeks), 60),
            (length(36525, TimeUnit::Days), 30_000),
            (MONTHS_6, 50),
            (length(1200, TimeUnit::Months), 10_000),
        ] {
            let (covered, shifts) =
                shifts_during(|| days_covered_at_least(&spells, window, needed, Day::MAX));
            assert!(shifts <= 16 * 50_000 + 8, "{window:?}: {shifts} shifts");
            for d in (first..first + 500_000).step_by(9973).map(Day) {
                let held = spells.count_days_between(naive_minus(d, window).succ(), d);
                assert_eq!(covered.contains(d), held >= needed, "{window:?} on {d}");
            }
        }
    }

    #[test]
    fn months_of_different_lengths_are_counted_exactly_in_an_unbroken_spell() {
        // 26 weeks are 182 days; 6 months hold 181 to 184.
        let spells = DaySet::interval(day("2016-01-01"), day("2020-12-31"));
        let covered = days_covered_at_least(&spells, MONTHS_6, 182, Day::MAX);
        // (2016-01-01, 2016-07-01] holds 182 days, February having 29.
        assert!(covered.contains(day("2016-07-01")));
        // (2016-12-30, 2017-06-30] holds 182; (2017-01-01, 2017-07-01] 181.
        assert!(covered.contains(day("2017-06-30")));
        assert!(!covered.contains(day("2017-07-01")));
        // (2017-02-28, 2017-08-28] holds 181; the window as of the 29th
        // opens on the same day and holds 182.
        assert!(!covered.contains(day("2017-08-28")));
        assert!(covered.contains(day("2017-08-29")));
        let mut differences = 0;
        for d in day("2015-06-01").0..day("2021-12-31").0 {
            let d = Day(d);
            let held = spells.count_days_between(naive_minus(d, MONTHS_6).succ(), d);
            differences += usize::from(covered.contains(d) != (held >= 182));
        }
        assert_eq!(differences, 0);
    }

    #[test]
    fn months_are_stepped_only_where_their_lengths_decide_and_by_their_lengths_alone() {
        let whole = DaySet::interval(day("0001-01-01"), Day::MAX);
        // Far from 181 to 184 days: settled without a look at any month.
        let (covered, shifts) =
            shifts_during(|| days_covered_at_least(&whole, MONTHS_6, 100, Day::MAX));
        assert_eq!(covered, DaySet::interval(day("0001-04-10"), Day::MAX));
        assert!(shifts <= 32, "{shifts} shifts");
        // 182 days: after a February of 28 days, out on most days of March,
        // May and July and on 1 to 28 August, as the count says on every day
        // of some of the years.
        let (covered, shifts) =
            shifts_during(|| days_covered_at_least(&whole, MONTHS_6, 182, Day::MAX));
        // Stepping month by month shifts no day: the months' lengths say it.
        assert!(shifts <= 32, "{shifts} shifts");
        let leap = |year: i32| NaiveDate::from_ymd_opt(year, 2, 29).is_some();
        assert_eq!(
            covered.intervals().len(),
            3 * (1..=9999).filter(|year| !leap(*year)).count() - 2
        );
        for year in [1, 2, 1900, 2016, 2017, 2100, 9999] {
            let from = Day::from_date(NaiveDate::from_ymd_opt(year, 1, 1).unwrap());
            for d in (from.0..from.0 + 366).map(Day).filter(|d| *d < Day::MAX) {
                let held = whole.count_days_between(naive_minus(d, MONTHS_6).succ(), d);
                assert_eq!(covered.contains(d), held >= 182, "{d}");
            }
        }
        assert!(covered.contains(Day::MAX));
    }

    /// The walk as it was before the calendar's cycle was used: every month
    /// of the stretch, the reference the cycle must agree with.
    fn window_at_least_month_by_month(
        first: Day,
        last: Day,
        length: Length,
        target: i64,
    ) -> Vec<(Day, Day)> {
        let mut out = Vec::new();
        let (Some(mut month), Some(mut opening)) =
            (Month::of(first), Month::of(first.minus(length)))
        else {
            return out;
        };
        let (first, last) = (i64::from(first.0), i64::from(last.0));
        while month.start <= last {
            let between = month.start - opening.start;
            let from = if between >= target {
                month.start
            } else {
                month.start + (target - between) + opening.length() - 1
            };
            let to = month.start + month.length() - 1;
            push_day_numbers(&mut out, from.max(first), to.min(last));
            (month, opening) = (month.next(), opening.next());
        }
        out
    }

    #[test]
    fn a_spell_open_since_1910_walks_one_cycle_of_months_not_the_calendar() {
        // 8,090 years of the calendar to the end of time are 97,080 months;
        // 400 years of them repeat, so at most 4,800 and the first, partial
        // one are looked at, whatever the window and the days needed.
        let open = DaySet::interval(day("1910-01-15"), Day::MAX);
        for (window, needed) in [
            (MONTHS_6, 182),
            (length(1, TimeUnit::Months), 30),
            (length(1200, TimeUnit::Months), 36525),
        ] {
            let (covered, steps) = counted_during(&MONTH_STEPS, || {
                days_covered_at_least(&open, window, needed, Day::MAX)
            });
            assert!(steps <= 4801, "{window:?}: {steps} months walked");
            assert!(steps >= 4800, "{window:?}: the walk was skipped");
            for d in (day("1910-01-15").0..Day::MAX.0).step_by(997).map(Day) {
                let held = open.count_days_between(naive_minus(d, window).succ(), d);
                assert_eq!(covered.contains(d), held >= needed, "{window:?} on {d}");
            }
        }
    }

    /// The work of deciding, under the national phase 2 plan, a family of
    /// `size` members (alternately adults and children) and `size` events,
    /// one each, on days spread over two years: the shifts, the months
    /// walked, the intervals the set algebra reads or builds, and the
    /// events, members and fields the evaluator reads.
    fn work_of_deciding_a_family_of(size: u32) -> [u64; 4] {
        let plan =
            crate::Plan::parse(include_str!("../examples/plans/national-phase2.tfop")).unwrap();
        let mut members = Vec::new();
        let mut events = vec![
            r#"{"kind":"family_assessment","date":"2015-05-15"}"#.to_owned(),
            r#"{"kind":"family_plan","date":"2015-05-28"}"#.to_owned(),
            r#"{"kind":"lead_professional","start":"2015-05-28","agency":"CSC"}"#.to_owned(),
            r#"{"kind":"attachment","date":"2015-06-01"}"#.to_owned(),
        ];
        for i in 0..size {
            let (role, born) = if i % 2 == 0 {
                ("adult", "1980-01-01")
            } else {
                ("child", "2006-01-01")
            };
            members.push(format!(
                r#"{{"id":"P{i}","role":"{role}","born":"{born}"}}"#
            ));
            let on = Day(day("2015-01-01").0 + i32::try_from(i % 730).unwrap());
            let event = match (i % 2 == 0, i / 2 % 3) {
                (true, 0) => format!(r#""kind":"asb_incident","date":"{on}""#),
                (true, 1) => {
                    format!(r#""kind":"out_of_work_benefit","start":"{on}","benefit":"jsa""#)
                }
                (true, _) => format!(r#""kind":"employment","start":"{on}","hours":30"#),
                (false, 0) => format!(r#""kind":"offence","date":"{on}""#),
                (false, 1) => format!(r#""kind":"child_protection_plan","start":"{on}""#),
                (false, _) => {
                    format!(r#""kind":"health_problem","start":"{on}","type":"mental health""#)
                }
            };
            events.push(format!(r#"{{"id":"e{i}","member":"P{i}",{event}}}"#));
        }
        let text = format!(
            r#"{{"id":"BIG","members":[{}],"events":[{}]}}"#,
            members.join(","),
            events.join(",")
        );
        let family = plan.read_family(&text).unwrap();
        let as_of = crate::date::parse("2016-11-30").unwrap();
        let counters = [&SHIFTS, &MONTH_STEPS, &INTERVALS, &FACT_LOOKUPS];
        let before = counters.map(|counter| counter.with(Cell::get));
        let decision = plan.evaluate(&family, as_of);
        assert!(decision.eligible, "{size}");
        let after = counters.map(|counter| counter.with(Cell::get));
        [0, 1, 2, 3].map(|at| after[at] - before[at])
    }

    #[test]
    fn a_family_of_100000_members_and_events_costs_work_in_proportion_to_them() {
        // The largest family a record can hold is about this one (12.9 MB
        // of a 16 MiB record). Deciding it once scanned every event of a
        // kind for each member: 10^10 steps. Now each unit of work grows
        // with the family, a hundred times for a hundred times the family.
        let small = work_of_deciding_a_family_of(1_000);
        let large = work_of_deciding_a_family_of(100_000);
        for (what, (small, large)) in ["shifts", "months walked", "intervals", "fact lookups"]
            .iter()
            .zip(small.iter().zip(large))
        {
            assert!(
                large <= 110 * small.max(&1),
                "{what}: {small} for 1,000, {large} for 100,000"
            );
        }
        // About 2 shifts, 21 intervals and 23 reads of an event, a member or
        // a field a member and event today. (Each member's facts of a kind
        // were found by binary search over the whole family's: 230 reads
        // a record for 100,000, 150 for 1,000.)
        let records = 2 * 100_000;
        assert!(large[0] <= 8 * records, "{large:?}");
        assert!(large[2] <= 40 * records, "{large:?}");
        assert!(large[3] <= 40 * records, "{large:?}");
    }

    #[test]
    fn the_bounds_on_a_window_of_months_hold_over_four_centuries() {
        for months in [1, 2, 3, 5, 6, 11, 12, 13, 18, 24, 48, 100] {
            let Some((fewest, most)) = month_window_bounds(months) else {
                panic!("{months}");
            };
            let length = length(months, TimeUnit::Months);
            let (mut least, mut greatest) = (i64::MAX, i64::MIN);
            for d in day("2100-01-01").0..day("2500-01-01").0 {
                let d = Day(d);
                let held = days_after(d.minus(length), d);
                (least, greatest) = (least.min(held), greatest.max(held));
            }
            assert!(
                fewest <= least && greatest <= most,
                "{months}: {least}..{greatest}"
            );
            if months < 12 {
                assert_eq!(fewest, least, "{months}");
            }
        }
    }

    #[test]
    fn a_sum_does_not_depend_on_which_interval_comes_first_when_a_weight_is_huge() {
        // On day 3 one interval ends and a huge one starts: adding the huge
        // weight first used to saturate before the small one was taken off.
        let small = (Day(10), Day(12), 5);
        let huge = (Day(13), Day(15), i128::from(i64::MAX));
        let forwards = Steps::sum_of_intervals([small, huge]);
        assert_eq!(forwards, Steps::sum_of_intervals([huge, small]));
        let forwards = forwards.unwrap_or_else(|| Steps::constant(-1));
        assert_eq!(forwards.value_at(Day(12)), Some(&5));
        assert_eq!(forwards.value_at(Day(13)), Some(&i128::from(i64::MAX)));
        assert_eq!(forwards.value_at(Day(16)), Some(&0));
    }

    #[test]
    fn a_sum_one_past_i64_is_kept_exactly_not_clamped() {
        // i64::MAX and one more on day 11: the total used to be stored as
        // i64::MAX, as if the one were not there.
        let max = i128::from(i64::MAX);
        let steps = Steps::sum_of_intervals([(Day(10), Day(12), max), (Day(11), Day(11), 1)])
            .unwrap_or_else(|| Steps::constant(-1));
        assert_eq!(steps.value_at(Day(10)), Some(&max));
        assert_eq!(steps.value_at(Day(11)), Some(&(max + 1)));
        assert_eq!(steps.value_at(Day(12)), Some(&max));
        // Two counts of u64::MAX: 2^65 - 2, well past i64.
        let count = i128::from(u64::MAX);
        let steps = Steps::sum_of_intervals([(Day(10), Day(10), count), (Day(10), Day(10), count)])
            .unwrap_or_else(|| Steps::constant(-1));
        assert_eq!(steps.value_at(Day(10)), Some(&(2 * count)));
    }

    #[test]
    fn a_sum_past_i128_is_none_not_wrapped() {
        let steps = Steps::sum_of_intervals([(Day(10), Day(10), i128::MAX), (Day(10), Day(10), 1)]);
        assert_eq!(steps, None);
    }

    // ───────────── against a day-by-day model ─────────────

    /// 1 January 2016: the sets below lie within a few years of it, so the
    /// windows of every length tried stay inside the calendar.
    fn base() -> i32 {
        day("2016-01-01").0
    }

    /// The day `length` before `d`, from chrono alone.
    fn naive_minus(d: Day, length: Length) -> Day {
        let date = d.to_date().unwrap();
        let count = u64::from(length.count);
        Day::from_date(match length.unit {
            TimeUnit::Days => date - chrono::Days::new(count),
            TimeUnit::Weeks => date - chrono::Days::new(7 * count),
            TimeUnit::Months => date.checked_sub_months(Months::new(length.count)).unwrap(),
        })
    }

    /// The days of a set in `first ..= last`, one by one.
    struct Model {
        first: i32,
        held: Vec<bool>,
        /// `up_to[i]`: how many of the days before `first + i` are held.
        up_to: Vec<i64>,
    }

    impl Model {
        fn of(set: &DaySet, first: i32, last: i32) -> Model {
            let held: Vec<bool> = (first..=last).map(|d| set.contains(Day(d))).collect();
            let mut up_to = vec![0];
            for h in &held {
                up_to.push(up_to.last().unwrap() + i64::from(*h));
            }
            Model { first, held, up_to }
        }

        fn holds(&self, d: i32) -> bool {
            self.held[(d - self.first) as usize]
        }

        fn days(&self) -> BTreeSet<i32> {
            (0..self.held.len() as i32)
                .filter(|i| self.held[*i as usize])
                .map(|i| i + self.first)
                .collect()
        }

        /// Held days in `(after, up_to]`.
        fn between(&self, after: i32, up_to: i32) -> i64 {
            let at = |d: i32| self.up_to[(d + 1 - self.first) as usize];
            at(up_to) - at(after)
        }
    }

    fn sets(spread: i32, longest: i32, most: usize) -> impl Strategy<Value = DaySet> {
        proptest::collection::vec((0..spread, 0..longest), 0..most).prop_map(|spans| {
            DaySet::from_intervals(
                spans
                    .into_iter()
                    .map(|(s, l)| (Day(base() + s), Day(base() + s + l))),
            )
        })
    }

    fn lengths() -> impl Strategy<Value = Length> {
        (
            1u32..=14,
            prop_oneof![
                Just(TimeUnit::Days),
                Just(TimeUnit::Weeks),
                Just(TimeUnit::Months)
            ],
        )
            .prop_map(|(count, unit)| Length { count, unit })
    }

    /// The days a window of `length` usually holds, to aim `needed` at the
    /// counts where months of different lengths decide.
    fn usual_days(length: Length) -> i64 {
        let count = i64::from(length.count);
        match length.unit {
            TimeUnit::Days => count,
            TimeUnit::Weeks => 7 * count,
            TimeUnit::Months => count * 61 / 2,
        }
    }

    fn days() -> impl Strategy<Value = Day> {
        (day("2010-01-01").0..day("2030-12-31").0).prop_map(Day)
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
        fn set_operations_match_a_model(a in sets(60, 10, 6), b in sets(60, 10, 6), probe in -5i32..80) {
            let (first, last) = (base() - 10, base() + 110);
            let (ma, mb) = (Model::of(&a, first, last), Model::of(&b, first, last));
            let (da, db) = (ma.days(), mb.days());
            let model = |set: &DaySet| Model::of(set, first, last).days();
            prop_assert_eq!(model(&a.union(&b)), da.union(&db).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(model(&a.intersect(&b)), da.intersection(&db).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(model(&a.difference(&b)), da.difference(&db).copied().collect::<BTreeSet<_>>());
            let complement = a.complement();
            for d in first..=last {
                prop_assert_eq!(complement.contains(Day(d)), !ma.holds(d));
            }
            prop_assert_eq!(complement.complement(), a.clone());
            let probe = base() + probe;
            prop_assert_eq!(a.first_at_or_after(Day(probe)), da.range(probe..).next().map(|d| Day(*d)));
            let run_start = ma.holds(probe).then(|| {
                (first..=probe).rev().take_while(|d| ma.holds(*d)).last().map(Day)
            }).flatten();
            prop_assert_eq!(a.run_start(Day(probe)), run_start);
            let counted = u64::try_from(ma.between(probe - 1, probe + 20)).unwrap();
            prop_assert_eq!(a.count_days_between(Day(probe), Day(probe + 20)), counted);
        }

        #[test]
        fn windows_match_a_model(event in 0i32..400, length in lengths()) {
            // The last day covering an event and the first whole window after
            // a start, found by trying every day.
            let event = Day(base() + event);
            let covering = (event.0..event.0 + 500).rev().map(Day).find(|d| naive_minus(*d, length) < event);
            prop_assert_eq!(Some(last_day_covering(event, length)), covering);
            let within = (event.0..event.0 + 500).map(Day).find(|d| naive_minus(*d, length) >= event.pred());
            prop_assert_eq!(Some(first_day_window_within(event, length)), within);
        }

        #[test]
        fn sustained_and_coverage_match_a_model(
            spells in sets(1500, 400, 5),
            length in lengths(),
            aim in prop_oneof![(1i64..500).prop_map(|n| (false, n)), (-6i64..6).prop_map(|n| (true, n))],
        ) {
            let needed = match aim {
                (false, n) => n,
                (true, offset) => (usual_days(length) + offset).max(1),
            };
            let (first, last) = (base() - 500, base() + 2500);
            let model = Model::of(&spells, first, last);
            let sustained = spells.sustained(length);
            let covered = days_covered_at_least(&spells, length, u64::try_from(needed).unwrap(), Day::MAX);
            for d in base() - 20..=base() + 2000 {
                let opens = naive_minus(Day(d), length).0;
                let held = model.between(opens, d);
                prop_assert_eq!(sustained.contains(Day(d)), held == i64::from(d - opens), "sustained on {}", Day(d));
                prop_assert_eq!(covered.contains(Day(d)), held >= needed, "covered on {}", Day(d));
            }
        }

        #[test]
        fn a_cycle_of_months_copied_agrees_with_walking_every_month(
            start in day("0200-01-01").0..day("9990-01-01").0,
            span in 0i32..3 * 146_097 + 400,
            months in prop_oneof![1u32..=13, 14u32..=1200],
            aim in -2i64..=2,
            joined in any::<bool>(),
        ) {
            let window = length(months, TimeUnit::Months);
            let (fewest, most) = month_window_bounds(months).unwrap();
            // Aimed where the walk decides: inside, and just outside, the
            // days a window of these months can hold.
            let target = if aim < 0 { fewest + 1 + aim } else if aim > 0 { most + aim - 1 } else { (fewest + most) / 2 };
            let first = Day(start);
            let last = Day(start.saturating_add(span)).min(Day::MAX.pred());
            // A run added before the stretch, next to it or not, that the
            // stretch's first days may join.
            let before = if joined { first.pred() } else { first.add_days(-2) };
            let mut out = vec![(before.add_days(-5), before)];
            window_at_least(first, last, window, target, &mut out);
            let mut expected = vec![(before.add_days(-5), before)];
            if target > most {
            } else if target <= fewest {
                push_merged(&mut expected, first, last);
            } else {
                for (from, to) in window_at_least_month_by_month(first, last, window, target) {
                    push_merged(&mut expected, from, to);
                }
            }
            prop_assert_eq!(DaySet::from_intervals(out), DaySet::from_intervals(expected));
        }

        #[test]
        fn step_functions_match_a_model(
            a in proptest::collection::vec((0i32..50, 0i32..10, -3i64..4), 0..8),
            b in proptest::collection::vec((0i32..50, 0i32..10, -3i64..4), 0..8),
        ) {
            let steps = |spans: &[(i32, i32, i64)]| {
                Steps::sum_of_intervals(spans.iter().map(|(s, l, w)| (Day(base() + s), Day(base() + s + l), i128::from(*w)))).unwrap()
            };
            let value = |spans: &[(i32, i32, i64)], d: i32| -> i128 {
                spans.iter().filter(|(s, l, _)| *s <= d && d <= s + l).map(|(_, _, w)| i128::from(*w)).sum()
            };
            let (sa, sb) = (steps(&a), steps(&b));
            let sum = sa.zip_with(&sb, |x, y| x + y);
            let positive = sa.where_true(|x| *x > 0);
            let doubled = sb.map(|x| 2 * x);
            let larger = sa.zip_where(&sb, |x, y| x > y);
            prop_assert_eq!(&larger, &sa.zip_with(&sb, |x, y| x > y).where_true(|holds| *holds));
            for d in -2..70 {
                let day = Day(base() + d);
                prop_assert_eq!(sa.value_at(day).copied(), Some(value(&a, d)));
                prop_assert_eq!(sum.value_at(day).copied(), Some(value(&a, d) + value(&b, d)));
                prop_assert_eq!(positive.contains(day), value(&a, d) > 0);
                prop_assert_eq!(doubled.value_at(day).copied(), Some(2 * value(&b, d)));
                prop_assert_eq!(larger.contains(day), value(&a, d) > value(&b, d));
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
                Steps::sum_of_intervals(spans.iter().map(|(s, l, w)| (Day(base() + s), Day(base() + s + l), i128::from(*w))))
            };
            let steps = sum(&spans);
            prop_assert_eq!(&steps, &sum(&reordered));
            let steps = steps.unwrap_or_else(|| Steps::constant(i128::MIN));
            for d in -2..40 {
                let exact: i128 = spans.iter().filter(|(s, l, _)| *s <= d && d <= s + l).map(|(_, _, w)| i128::from(*w)).sum();
                prop_assert_eq!(steps.value_at(Day(base() + d)).copied(), Some(exact), "day {}", d);
            }
        }
    }
}
