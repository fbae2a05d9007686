//! Windows and sustain periods anchored at an event kind's spells (`during
//! KIND`, `within N … after start of` / `after end of KIND`, `sustained for
//! N … after end of KIND`), and the days on which an event's day-dependent
//! parts are known (`at end` fields, `within N … after now` date tests).
//!
//! The anchor is a *stretch*: a kind's spells in scope with overlapping or
//! adjoining ones merged, so a case reopened the day after it closed is one
//! case. On a day D the anchor is the latest stretch started on or before
//! D; `after end of` needs it to have ended on or before D (a stretch still
//! open, or reopened, is not measurable until it ends), and on a day with
//! no such stretch the window is not measurable, so `has` and `no` are both
//! false. Each event is placed against the few stretches it can touch, by
//! binary search, so the cost follows the events, never the windows'
//! lengths.

use super::Fact;
use super::sets::Evaluated;
use crate::days::{Day, DaySet, first_day_clear_of, last_day_covering};
use crate::family::FieldValue;
use crate::plan::{Aggregate, DatedLength, FieldTestKind, NowSide, SpellEdge, Window};
use crate::vocab::KindId;

/// One stretch as an anchor: its days in the window are `from ..= to`,
/// and it is the anchor on the evaluation days `from ..= last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AnchorSpan {
    /// The anchor day X: the stretch's start, or its end for `after end of`.
    pub(crate) from: Day,
    /// The last day the window reaches while this stretch anchors it: the
    /// stretch's end for `during`, the last day t with t − length < X for
    /// `within … after`, never after `last`. Capped so, it grows from one
    /// anchor to the next even when a dated length shortens.
    pub(crate) to: Day,
    /// The last evaluation day it anchors: the day before the next stretch
    /// starts.
    pub(crate) last: Day,
}

/// The anchors of an aggregate's window, in day order; `None` for a window
/// that is not anchored at a spell.
pub(crate) type Anchors = Option<Vec<AnchorSpan>>;

impl Evaluated<'_, '_> {
    /// The stretches of a kind's spells for the member in scope (their own
    /// and the family's) or, without one, the whole family's: overlapping
    /// or adjoining spells as one, in order.
    pub(crate) fn stretches(&self, kind: KindId, member: Option<u32>) -> Vec<(Day, Day)> {
        let spells = self
            .facts
            .kind_positions(kind)
            .iter()
            .filter_map(|position| self.facts.get(*position))
            .filter(|fact| member.is_none() || fact.member.is_none() || fact.member == member)
            .map(|fact| (fact.start, fact.end));
        DaySet::from_intervals(spells).intervals().to_vec()
    }

    /// The anchors of a window for the member in scope.
    pub(crate) fn anchors(&self, window: &Window, member: Option<u32>) -> Anchors {
        let (kind, after) = match window {
            Window::During(kind) => (*kind, None),
            Window::WithinAfter(lengths, edge, kind) => (*kind, Some((lengths, *edge))),
            Window::Within(_)
            | Window::WithinDated(_)
            | Window::WithinBefore(..)
            | Window::WithinSinceAttachment(_)
            | Window::SinceAttachment
            | Window::Terms(_)
            | Window::AtAttachment
            | Window::Ever
            | Window::Now => return None,
        };
        let stretches = self.stretches(kind, member);
        let mut anchors = Vec::with_capacity(stretches.len());
        for ((start, end), next) in stretches.iter().zip(followers(&stretches)) {
            let last = next.map_or(Day::MAX, |(next, _)| next.pred());
            // The window counts from its anchor day, so that day's length
            // is the one in force for it.
            let reach = match after {
                None => Some((*start, *end)),
                Some((lengths, SpellEdge::Start)) => {
                    Some((*start, last_day_covering(*start, lengths.on(*start))))
                }
                // An open stretch has not ended: it anchors nothing yet.
                Some((lengths, SpellEdge::End)) => {
                    (*end < Day::MAX).then(|| (*end, last_day_covering(*end, lengths.on(*end))))
                }
            };
            if let Some((from, to)) = reach {
                let to = to.min(last);
                anchors.push(AnchorSpan { from, to, last });
            }
        }
        Some(anchors)
    }

    /// The evaluation days on which an event is inside an anchored window:
    /// for the anchor X on day D, the window is `X ..= min(to, D)`. The
    /// anchors an event can touch are one run of them, since both ends
    /// only grow from one to the next.
    pub(crate) fn anchored_presence(anchors: &[AnchorSpan], fact: &Fact<'_>) -> DaySet {
        let first = anchors.partition_point(|anchor| anchor.to < fact.start);
        let after = anchors.partition_point(|anchor| anchor.from <= fact.end);
        DaySet::from_intervals(
            anchors
                .get(first..after.max(first))
                .unwrap_or_default()
                .iter()
                .map(|anchor| (anchor.from.max(fact.start), anchor.last)),
        )
    }

    /// The days on which an anchored window can be measured: those with an
    /// anchor.
    pub(crate) fn anchored_days(anchors: &[AnchorSpan]) -> DaySet {
        DaySet::from_intervals(anchors.iter().map(|anchor| (anchor.from, anchor.last)))
    }

    /// `sustained for N after end of KIND`: on day D, the latest stretch of
    /// the kind started on or before D ended on a day E with D − N ≥ E, and
    /// the condition held on every day after E up to D; N is the length in
    /// force on E, as for a window counted from E. A stretch still open (or
    /// reopened) on D restarts the count when it ends.
    pub(crate) fn sustained_after_end(
        &self,
        set: &DaySet,
        lengths: &DatedLength,
        kind: KindId,
        member: Option<u32>,
    ) -> DaySet {
        let stretches = self.stretches(kind, member);
        let mut out = Vec::new();
        for ((_, end), next) in stretches.iter().zip(followers(&stretches)) {
            if *end >= Day::MAX {
                continue;
            }
            let last = next.map_or(Day::MAX, |(next, _)| next.pred());
            let first = first_day_clear_of(*end, lengths.on(*end));
            if let Some(held_until) = set.run_end(end.succ()) {
                let until = held_until.min(last);
                if first <= until {
                    out.push((first, until));
                }
            }
        }
        DaySet::from_intervals(out)
    }

    /// The evaluation days on which an event's day-dependent parts let the
    /// aggregate see it: from its recorded end on, when it tests (or, with
    /// `field`, sums) a field recorded `at end`; and the days each
    /// `within N … now` test holds. `None` (every day) for an aggregate
    /// with neither, which is every aggregate of a plan without them, so no
    /// set of every day is built for each event to be intersected with.
    pub(crate) fn visibility(
        &self,
        aggregate: &Aggregate,
        field: Option<usize>,
        fact: &Fact<'_>,
    ) -> Option<DaySet> {
        let at_end = |index: usize| {
            self.plan
                .vocab
                .get(aggregate.kind)
                .and_then(|kind| kind.fields.get(index))
                .is_some_and(|field| field.at_end)
        };
        let mut days = None;
        if aggregate.tests.iter().any(|test| at_end(test.field)) || field.is_some_and(at_end) {
            let ended = self
                .facts
                .family
                .events
                .get(fact.index)
                .and_then(|event| event.end)
                .map(Day::from_date)
                .filter(|end| *end <= self.facts.as_of);
            days = Some(ended.map_or_else(DaySet::empty, |end| DaySet::interval(end, Day::MAX)));
        }
        for test in &aggregate.tests {
            let FieldTestKind::NearNow(length, side) = test.test else {
                continue;
            };
            let Some(FieldValue::Date(date)) = fact.field(test.field) else {
                return Some(DaySet::empty());
            };
            let day = Day::from_date(*date);
            let near = match side {
                // D − length < R ≤ … read the other way: R is within the
                // length after D when D is in (R − length, R].
                NowSide::After => DaySet::interval(day.minus(length).succ(), day),
                // R in (D − length, D], the window rule itself.
                NowSide::Before => DaySet::interval(day, last_day_covering(day, length)),
            };
            days = Some(match days {
                Some(days) => days.intersect(&near),
                None => near,
            });
        }
        days
    }
}

/// Each stretch's successor, `None` after the last: a stretch anchors the
/// days up to the day before the next one starts.
fn followers(stretches: &[(Day, Day)]) -> impl Iterator<Item = Option<&(Day, Day)>> {
    stretches
        .iter()
        .skip(1)
        .map(Some)
        .chain(std::iter::once(None))
}
