//! Conditions to sets of days, measures to step functions of the day.
#![deny(clippy::arithmetic_side_effects)]

use super::calendar::TermsOn;
use super::{Fact, Facts};
use crate::days::{Day, DaySet, Length, Steps, days_covered_at_least, last_day_covering};
use crate::family::{FieldValue, Role};
use crate::num::{Fixed, compare_products};
use crate::plan::*;
use crate::unit::TimeUnit;
use crate::vocab::{FieldType, KindId};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU64;
use std::ops::Range;
use std::rc::Rc;

/// A measure's value on a day; `None` when it cannot be measured (a rate
/// over no sessions, fewer school terms than asked for).
type Value = Option<Ratio>;

/// What an event adds to a sum, and the days it is known on (`None`: all).
type Part = (i128, Option<DaySet>);

/// A define with the member it is evaluated for (`None` for the family).
type InScope = (DefineIdx, Option<u32>);

/// The last N school terms of a member (`None`: the family), by member and N.
type TermsMemo = RefCell<BTreeMap<(Option<u32>, u32), Rc<[TermWindow]>>>;

/// A family evaluated under a plan as of a day: every set of days the
/// decision and its explanation are read from, computed once, over the
/// family's [`Facts`].
pub(crate) struct Evaluated<'p, 'f> {
    pub(crate) plan: &'p Plan,
    pub(crate) facts: &'p Facts<'f>,
    /// The attachment day and the principles not in place on it.
    pub(crate) attachment: Option<(Day, Vec<&'p Principle>)>,
    /// The day `before attachment` windows are anchored at: the attachment
    /// day, or the as-of day for a family not attached yet.
    pub(crate) attachment_anchor: Day,
    /// The day the family was identified.
    pub(crate) identification: Day,
    pub(crate) indicator_sets: Vec<Vec<DaySet>>,
    pub(crate) eligibility: DaySet,
    pub(crate) significant: Vec<DaySet>,
    pub(crate) progress: Vec<DaySet>,
    /// Per problem, the indicators that held at attachment (by their place
    /// in the problem's list): on the attachment day, or for a problem
    /// identified later, on the first day it was.
    pub(crate) held: Vec<Vec<usize>>,
    /// Per problem measured by its indicators, each held indicator's
    /// significant-progress and sustained-progress days, as `held` lists them.
    pub(crate) indicator_progress: Vec<Vec<(DaySet, DaySet)>>,
    /// The days on which each problem counts towards a results claim.
    pub(crate) counted: Vec<DaySet>,
    pub(crate) claim_sets: Vec<DaySet>,
    /// Under a member cap, each capped member (by index, in the order of
    /// their ids) and, per problem, the days their part went to it.
    pub(crate) member_caps: Vec<(u32, Vec<DaySet>)>,
    /// The days each define holds, per member in scope (`None` for the
    /// family): a define used many times is computed once per evaluation.
    define_sets: RefCell<BTreeMap<InScope, DaySet>>,
    /// The values of each define that is a measure, likewise.
    define_values: RefCell<BTreeMap<InScope, Steps<Value>>>,
    /// The last N school terms of each member (or the family) over the
    /// days, by member and N: every measure over the last terms of one
    /// member reads the same windows, so they are found once.
    term_windows: TermsMemo,
    /// The lists [`Evaluated::sums`] gathers contributions in, one a sum,
    /// kept between sums so that each does not grow lists of its own from
    /// nothing.
    contribution_buffers: RefCell<Vec<Vec<(Day, Day, i128)>>>,
}

impl<'p, 'f> Evaluated<'p, 'f> {
    /// The family evaluated as attached on `attached_on` (one of its
    /// attachment days, as `eval::reattachment` picks it), or not attached.
    pub(crate) fn new(
        plan: &'p Plan,
        facts: &'p Facts<'f>,
        attached_on: Option<Day>,
    ) -> Evaluated<'p, 'f> {
        let mut evaluated = Evaluated::bare(plan, facts, attached_on);
        let identification_point = evaluated.attachment_anchor;

        evaluated.indicator_sets = evaluated.indicator_sets_of_facts();
        if let Some(cap) = &plan.member_cap {
            (evaluated.indicator_sets, evaluated.member_caps) = evaluated.capped(cap);
        }
        evaluated.rest(identification_point);
        evaluated
    }

    /// The attachment, and nothing else yet decided.
    fn bare(plan: &'p Plan, facts: &'p Facts<'f>, attached_on: Option<Day>) -> Evaluated<'p, 'f> {
        let as_of = facts.as_of;
        let mut evaluated = Evaluated {
            plan,
            facts,
            attachment: None,
            attachment_anchor: attached_on.unwrap_or(as_of),
            identification: as_of,
            indicator_sets: Vec::new(),
            eligibility: DaySet::empty(),
            significant: Vec::new(),
            progress: Vec::new(),
            held: Vec::new(),
            indicator_progress: Vec::new(),
            counted: Vec::new(),
            claim_sets: Vec::new(),
            member_caps: Vec::new(),
            define_sets: RefCell::default(),
            define_values: RefCell::default(),
            term_windows: RefCell::default(),
            contribution_buffers: RefCell::default(),
        };
        if let Some(day) = attached_on {
            let missing = evaluated.missing_principles(day);
            evaluated.attachment = Some((day, missing));
        }
        evaluated
    }

    /// The days each indicator holds, problem by problem, on these facts.
    fn indicator_sets_of_facts(&self) -> Vec<Vec<DaySet>> {
        self.plan
            .problems
            .iter()
            .map(|problem| {
                problem
                    .indicators
                    .iter()
                    .map(|indicator| self.cond(&indicator.condition, None))
                    .collect()
            })
            .collect()
    }

    /// The members a cap picks, in the order of their ids (so that the
    /// input's order of members never decides).
    pub(crate) fn capped_members(&self, cap: &MemberSelector) -> Vec<u32> {
        let mut members: Vec<(u32, &str)> = (0..self.facts.people.len() as u32)
            .filter(|index| !self.selected(cap, *index).is_empty())
            .filter_map(|index| Some((index, self.facts.family.member(index)?.id.as_str())))
            .collect();
        members.sort_by_key(|(_, id)| *id);
        members.into_iter().map(|(index, _)| index).collect()
    }

    /// The indicator sets under a member cap. What the rest of the family
    /// shows stands; each capped member in turn (by id) then adds, on each
    /// day, to the first problem in plan order that they would identify
    /// that day and that is not identified yet (by the rest of the family
    /// or a capped member before them), and to no other. Two capped members
    /// who only together make an indicator hold add nothing.
    /// Returns the sets and, for each capped member, the days their part
    /// went to each problem.
    #[allow(clippy::type_complexity)]
    fn capped(&self, cap: &MemberSelector) -> (Vec<Vec<DaySet>>, Vec<(u32, Vec<DaySet>)>) {
        let capped = self.capped_members(cap);
        if capped.is_empty() {
            return (self.indicator_sets.clone(), Vec::new());
        }
        let without = |left_out: &dyn Fn(u32) -> bool| {
            let facts = Facts::without(self.plan, self.facts.family, self.facts.as_of, &|index| {
                u32::try_from(index).is_ok_and(left_out)
            });
            Evaluated::bare(
                self.plan,
                &facts,
                self.attachment.as_ref().map(|(day, _)| *day),
            )
            .indicator_sets_of_facts()
        };
        let mut sets = without(&|index| capped.contains(&index));
        let mut given = Vec::new();
        for member in &capped {
            let with = if capped.len() == 1 {
                self.indicator_sets.clone()
            } else {
                without(&|index| index != *member && capped.contains(&index))
            };
            let mut taken = DaySet::empty();
            let mut to_problems = Vec::new();
            for (with_sets, sets) in with.iter().zip(&mut sets) {
                let union =
                    |sets: &[DaySet]| sets.iter().fold(DaySet::empty(), |all, set| all.union(set));
                let adds = union(with_sets).difference(&union(sets)).difference(&taken);
                for (set, with_set) in sets.iter_mut().zip(with_sets) {
                    *set = set.union(&with_set.intersect(&adds));
                }
                taken = taken.union(&adds);
                to_problems.push(adds);
            }
            given.push((*member, to_problems));
        }
        (sets, given)
    }

    /// Eligibility, identification, progress and claims, once the
    /// indicator sets are known.
    fn rest(&mut self, identification_point: Day) {
        let plan = self.plan;
        let evaluated = self;
        let identified: Vec<DaySet> = evaluated
            .indicator_sets
            .iter()
            .map(|indicators| {
                indicators
                    .iter()
                    .fold(DaySet::empty(), |all, set| all.union(set))
            })
            .collect();
        evaluated.eligibility = match &plan.eligibility {
            Some(rule) => problem_rule(rule, &identified, &|cond| evaluated.cond(cond, None)),
            None => DaySet::empty(),
        };
        evaluated.identification = if evaluated.eligibility.contains(identification_point) {
            evaluated
                .eligibility
                .run_start(identification_point)
                .unwrap_or(identification_point)
        } else {
            evaluated
                .eligibility
                .intervals()
                .iter()
                .rev()
                .find(|(start, _)| *start < identification_point)
                .map_or(identification_point, |(start, _)| *start)
        };

        let later = plan.settings.claim_problems == ClaimProblems::AtOrAfterAttachment
            && evaluated.attachment.is_some();
        evaluated.held = identified
            .iter()
            .zip(&evaluated.indicator_sets)
            .map(|(problem, indicators)| {
                let day = if problem.contains(identification_point) {
                    Some(identification_point)
                } else if later {
                    evaluated
                        .facts
                        .first_held(problem, identification_point.succ())
                } else {
                    None
                };
                let Some(day) = day else {
                    return Vec::new();
                };
                (0..indicators.len())
                    .filter(|index| indicators.get(*index).is_some_and(|set| set.contains(day)))
                    .collect()
            })
            .collect();
        evaluated.counted = identified
            .iter()
            .map(|set| {
                if set.contains(identification_point) {
                    DaySet::all()
                } else if later {
                    evaluated
                        .facts
                        .first_held(set, identification_point.succ())
                        .map_or_else(DaySet::empty, |first| DaySet::interval(first, Day::MAX))
                } else {
                    DaySet::empty()
                }
            })
            .collect();
        // A problem's progress is read where it counts, or where a claim
        // (or a define) names it; the rest is never read, so not computed.
        let problems = plan.problems.len();
        evaluated.significant.reserve_exact(problems);
        evaluated.progress.reserve_exact(problems);
        evaluated.indicator_progress.reserve_exact(problems);
        for (index, problem) in plan.problems.iter().enumerate() {
            let read = plan.progress_named.get(index).is_some_and(|named| *named)
                || evaluated
                    .counted
                    .get(index)
                    .is_some_and(|counted| !counted.is_empty());
            let (significant, progress, by_indicator) = match &problem.measure {
                _ if !read => (DaySet::empty(), DaySet::empty(), Vec::new()),
                Some(measure) => {
                    let (significant, progress) = evaluated.measured(measure);
                    (significant, progress, Vec::new())
                }
                // Progressed when every indicator that held has, by its own
                // measure; with none held, it has not.
                None => {
                    let held = evaluated.held.get(index).cloned().unwrap_or_default();
                    let by_indicator: Vec<(DaySet, DaySet)> = held
                        .iter()
                        .filter_map(|held| problem.indicators.get(*held)?.measure.as_ref())
                        .map(|measure| evaluated.measured(measure))
                        .collect();
                    let all = |pick: fn(&(DaySet, DaySet)) -> &DaySet| {
                        if by_indicator.is_empty() {
                            return DaySet::empty();
                        }
                        by_indicator
                            .iter()
                            .fold(DaySet::all(), |all, sets| all.intersect(pick(sets)))
                    };
                    (all(|sets| &sets.0), all(|sets| &sets.1), by_indicator)
                }
            };
            evaluated.significant.push(significant);
            evaluated.progress.push(progress);
            evaluated.indicator_progress.push(by_indicator);
        }

        let claim_window = match &evaluated.attachment {
            Some((day, missing)) if missing.is_empty() && evaluated.eligibility.contains(*day) => {
                DaySet::interval(*day, Day::MAX)
            }
            _ => DaySet::empty(),
        };
        evaluated.claim_sets = plan
            .claims
            .iter()
            .enumerate()
            .map(|(index, claim)| {
                if claim_window.is_empty() {
                    return DaySet::empty();
                }
                let mut days = claim_window.clone();
                if claim.discretionary {
                    // Decided only once someone is recorded approving it.
                    let approved = evaluated.approved_from(index);
                    days = approved.map_or_else(DaySet::empty, |day| {
                        days.intersect(&DaySet::interval(day, Day::MAX))
                    });
                }
                evaluated.cond(&claim.condition, None).intersect(&days)
            })
            .collect();
    }

    /// The days a progress measure holds, and the days it has been sustained.
    fn measured(&self, measure: &ProgressMeasure) -> (DaySet, DaySet) {
        let significant = self.cond(&measure.significant, None);
        let progress = match &measure.sustain {
            Some(length) => self.sustained(&significant, length, None),
            None => significant.clone(),
        };
        (significant, progress)
    }

    /// The significant-progress conditions a problem's progress is judged
    /// by: its own, or those of its indicators that held at attachment.
    pub(crate) fn progress_conds(&self, problem: usize) -> Vec<&'p Cond> {
        let Some(found) = self.plan.problems.get(problem) else {
            return Vec::new();
        };
        match &found.measure {
            Some(measure) => vec![&measure.significant],
            None => self
                .held
                .get(problem)
                .into_iter()
                .flatten()
                .filter_map(|held| found.indicators.get(*held)?.measure.as_ref())
                .map(|measure| &measure.significant)
                .collect(),
        }
    }

    /// The days on which at least `share` of the problems a claim counts
    /// have progressed: so many of them, or more than half.
    fn problems_progressed(&self, share: ProgressShare) -> DaySet {
        let counting = |sets: Vec<DaySet>| {
            let contributions = sets
                .iter()
                .flat_map(|set| {
                    set.intervals()
                        .iter()
                        .map(|(start, end)| (*start, *end, 1i128))
                })
                .collect::<Vec<_>>();
            Steps::sum_of_intervals(contributions).unwrap_or_else(|| Steps::constant(0))
        };
        let counted = counting(self.counted.clone());
        let progressed = counting(
            self.counted
                .iter()
                .zip(&self.progress)
                .map(|(counted, progress)| counted.intersect(progress))
                .collect(),
        );
        counted.zip_where(&progressed, |counted, progressed| match share {
            ProgressShare::AtLeast(needed) => *progressed >= i128::from(needed),
            ProgressShare::Most => progressed.saturating_mul(2) > *counted,
        })
    }

    // ───────────── conditions ─────────────

    pub(crate) fn cond(&self, cond: &Cond, member: Option<u32>) -> DaySet {
        match cond {
            // The first part's days are taken as they are, not copied out
            // of an intersection with every day; once no day is left (or,
            // for `or`, every day is in) the other parts cannot change it.
            Cond::And(parts) => {
                let mut parts = parts.iter();
                let mut all = parts
                    .next()
                    .map_or_else(DaySet::all, |first| self.cond(first, member));
                for part in parts {
                    if all.is_empty() {
                        break;
                    }
                    all = all.intersect(&self.cond(part, member));
                }
                all
            }
            Cond::Or(parts) => {
                let mut parts = parts.iter();
                let mut any = parts
                    .next()
                    .map_or_else(DaySet::empty, |first| self.cond(first, member));
                for part in parts {
                    if any.intervals() == [(Day::MIN, Day::MAX)] {
                        break;
                    }
                    any = any.union(&self.cond(part, member));
                }
                any
            }
            Cond::Not(inner) => self.cond(inner, member).complement(),
            Cond::Compare(left, op, right) => {
                let left = self.measure(left, member);
                let right = self.measure(right, member);
                left.zip_where(&right, |a, b| compare(*a, *op, *b))
            }
            Cond::Covered { events, op, days } => self.covered(events, *op, *days, member),
            Cond::Exists(aggregate) => {
                let (some, defined) = self.occurrences(aggregate, member);
                some.intersect(&defined)
            }
            Cond::NotExists(aggregate) => {
                let (some, defined) = self.occurrences(aggregate, member);
                some.complement().intersect(&defined)
            }
            Cond::Sustained(inner, length) => {
                let inner = self.cond(inner, member);
                self.sustained(&inner, length, member)
            }
            Cond::Quantified {
                quantifier,
                selector,
                body,
            } => {
                // The days each member is picked and the body holds (or, for
                // `every`, fails) are gathered and merged once: folding a
                // union per member would copy the growing set each time.
                // `every` holds where no picked member fails the body.
                let mut days = Vec::new();
                for index in 0..self.facts.people.len() as u32 {
                    let selected = self.selected(selector, index);
                    if selected.is_empty() {
                        continue;
                    }
                    let holds = self.cond(body, Some(index));
                    let counted = match quantifier {
                        Quantifier::Any | Quantifier::No => selected.intersect(&holds),
                        Quantifier::Every => selected.difference(&holds),
                    };
                    days.extend_from_slice(counted.intervals());
                }
                let days = DaySet::from_intervals(days);
                match quantifier {
                    Quantifier::Any => days,
                    Quantifier::Every | Quantifier::No => days.complement(),
                }
            }
            Cond::ContinuousEmployment => {
                member.map_or_else(DaySet::empty, |m| self.continuous_employment(m))
            }
            Cond::AllProblemsProgressed => {
                let mut some_counted = DaySet::empty();
                let mut all_progressed = DaySet::all();
                for (counted, progress) in self.counted.iter().zip(&self.progress) {
                    some_counted = some_counted.union(counted);
                    all_progressed =
                        all_progressed.intersect(&counted.complement().union(progress));
                }
                some_counted.intersect(&all_progressed)
            }
            Cond::ProblemProgressed(problem) => self
                .progress
                .get(problem.0 as usize)
                .cloned()
                .unwrap_or_else(DaySet::empty),
            Cond::ProblemsProgressed(share) => self.problems_progressed(*share),
            Cond::IndicatorHeld(problem, indicator) => {
                let held = self
                    .indicator_sets
                    .get(problem.0 as usize)
                    .and_then(|sets| sets.get(*indicator))
                    .is_some_and(|set| set.contains(self.attachment_anchor));
                if held { DaySet::all() } else { DaySet::empty() }
            }
            Cond::Reduction {
                events,
                percent,
                over,
            } => self.reduction(events, *percent, *over, member),
            Cond::Define(index) => memoised(&self.define_sets, (*index, member), || {
                self.plan
                    .define_cond(*index)
                    .map_or_else(DaySet::empty, |body| self.cond(body, member))
            }),
        }
    }

    pub(crate) fn sustained(
        &self,
        set: &DaySet,
        length: &SustainLen,
        member: Option<u32>,
    ) -> DaySet {
        match length {
            SustainLen::Time(length) => set.sustained(*length),
            SustainLen::Dated(lengths) => lengths.piecewise(|length| set.sustained(length)),
            SustainLen::AfterEnd(lengths, kind) => {
                self.sustained_after_end(set, lengths, *kind, member)
            }
            SustainLen::Terms(count, basis) => {
                let runs = set.intervals();
                let mut out = Vec::new();
                let windows = match basis {
                    TermBasis::Records => self.term_windows(member, *count),
                    TermBasis::Calendar => self.calendar_spans(*count),
                };
                for window in windows.iter() {
                    // The run holding the window's first day, if any: runs
                    // are in order, so a binary search finds it.
                    let run = runs
                        .get(runs.partition_point(|(_, end)| *end < window.start))
                        .filter(|(start, _)| *start <= window.start);
                    if let Some((_, run_end)) = run {
                        out.push((window.days.0, window.days.1.min(*run_end)));
                    }
                }
                DaySet::from_intervals(out)
            }
        }
    }

    /// The school terms of a member, or of the whole family, that have ended
    /// by the as-of day, in order of their end: each distinct pair of dates
    /// once, with the positions of every record of it. Two records of the
    /// same dates (siblings at one school, or a repeated export row) are one
    /// term that both count in, so that which one the input lists first
    /// never matters.
    pub(crate) fn terms(&self, member: Option<u32>) -> RecordedTerms {
        let kind = self.plan.known.school_term;
        let positions = match member {
            Some(member) => self.facts.member_positions(kind, member),
            None => self.facts.kind_positions(kind),
        };
        let mut sorted: Vec<(Day, Day, usize)> = positions
            .iter()
            .filter_map(|position| self.facts.get(*position))
            .filter(|fact| fact.end != Day::MAX)
            .map(|fact| (fact.end, fact.start, fact.index))
            .collect();
        sorted.sort_unstable();
        let mut terms: Vec<(Day, Day, Range<usize>)> = Vec::new();
        for (place, (end, start, _)) in sorted.iter().enumerate() {
            let next = place.saturating_add(1);
            match terms.last_mut() {
                Some((last_start, last_end, records))
                    if (*last_start, *last_end) == (*start, *end) =>
                {
                    records.end = next;
                }
                _ => terms.push((*start, *end, place..next)),
            }
        }
        RecordedTerms {
            terms,
            records: sorted.into_iter().map(|(_, _, index)| index).collect(),
        }
    }

    /// The last `count` school terms of a member (or the family) over each
    /// stretch of days on which they stay the same, in day order; found the
    /// first time they are asked for in this evaluation.
    pub(crate) fn term_windows(&self, member: Option<u32>, count: u32) -> Rc<[TermWindow]> {
        let key = (member, count);
        if let Some(known) = self
            .term_windows
            .try_borrow()
            .ok()
            .and_then(|memo| memo.get(&key).cloned())
        {
            return known;
        }
        let windows: Rc<[TermWindow]> = self.find_term_windows(member, count).into();
        if let Ok(mut memo) = self.term_windows.try_borrow_mut() {
            memo.insert(key, Rc::clone(&windows));
        }
        windows
    }

    fn find_term_windows(&self, member: Option<u32>, count: u32) -> Vec<TermWindow> {
        let recorded = self.terms(member);
        let terms = &recorded.terms;
        let Some(size) = usize::try_from(count).ok().filter(|size| *size > 0) else {
            return Vec::new();
        };
        // Each run of `count` terms in a row, with the term after it if any.
        let followers = terms
            .iter()
            .skip(size)
            .map(Some)
            .chain(std::iter::once(None));
        terms
            .windows(size)
            .zip(followers)
            .filter_map(|(chosen, next)| {
                let (first, last) = (chosen.first()?, chosen.last()?);
                let end = last.1;
                let next_end = next.map(|(_, next_end, _)| *next_end);
                (next_end != Some(end)).then(|| TermWindow {
                    days: (end, next_end.map_or(Day::MAX, Day::pred)),
                    start: chosen
                        .iter()
                        .map(|(start, _, _)| *start)
                        .min()
                        .unwrap_or(end),
                    until: Day::MAX,
                    // Terms in a row hold records in a row.
                    records: recorded
                        .records
                        .get(first.2.start..last.2.end)
                        .unwrap_or_default()
                        .to_vec(),
                })
            })
            .collect()
    }

    /// The last `count` school terms of a member (or the family) ended by
    /// `day`; `None` when fewer have ended.
    pub(crate) fn last_terms(
        &self,
        member: Option<u32>,
        count: u32,
        day: Day,
    ) -> Option<TermWindow> {
        self.term_windows(member, count)
            .iter()
            .find(|window| window.days.0 <= day && day <= window.days.1)
            .cloned()
    }

    fn continuous_employment(&self, member: u32) -> DaySet {
        let (Some(table), Some(employed)) = (&self.plan.employment, self.employed(member)) else {
            return DaySet::empty();
        };
        let mut out = DaySet::empty();
        for (_, benefit) in self.benefits_at_attachment(member) {
            for rule in table
                .rules
                .iter()
                .filter(|rule| rule.benefits.contains(&benefit))
            {
                out = out.union(&days_covered_at_least(
                    &employed,
                    rule.within,
                    u64::from(rule.needed_days),
                    self.facts.horizon,
                ));
            }
        }
        out
    }

    /// The days a member's employment counts towards continuous employment:
    /// after the attachment day, and off out-of-work benefits when the
    /// plan's table says so; `None` without a table or an attachment.
    pub(crate) fn employed(&self, member: u32) -> Option<DaySet> {
        let (Some(table), Some((attached, _))) = (&self.plan.employment, &self.attachment) else {
            return None;
        };
        let known = self.plan.known;
        let mut employed = DaySet::from_intervals(
            self.facts
                .of_kind_member(known.employment, member)
                .map(|fact| (fact.start, fact.end)),
        );
        if table.off_benefits {
            let on_benefit = DaySet::from_intervals(
                self.facts
                    .of_kind_member(known.out_of_work_benefit, member)
                    .map(|fact| (fact.start, fact.end)),
            );
            employed = employed.difference(&on_benefit);
        }
        Some(employed.intersect(&DaySet::interval(attached.succ(), Day::MAX)))
    }

    /// A member's out-of-work benefit records open on the attachment day,
    /// each with its benefit (the index of its word).
    pub(crate) fn benefits_at_attachment(&self, member: u32) -> Vec<(&Fact<'f>, u32)> {
        let Some((attached, _)) = &self.attachment else {
            return Vec::new();
        };
        let known = self.plan.known;
        self.facts
            .of_kind_member(known.out_of_work_benefit, member)
            .filter(|fact| fact.start <= *attached && *attached <= fact.end)
            .filter_map(|fact| match fact.field(known.benefit_field) {
                Some(FieldValue::Word(benefit)) => Some((fact, *benefit)),
                _ => None,
            })
            .collect()
    }

    fn reduction(
        &self,
        events: &Aggregate,
        percent: Fixed,
        over: Length,
        member: Option<u32>,
    ) -> DaySet {
        let (now, before) = self.reduction_windows(events, over);
        let (now, _) = self.event_count(&now, member);
        let (before, _) = self.event_count(&before, member);
        // Met when now / before ≤ (100% − percent) / 100%, cross-multiplied
        // in 256 bits: sums are exact i128 values, so `now × 100%` may not fit.
        let hundred = Fixed::HUNDRED_PERCENT;
        let Some(kept) = hundred.checked_sub(i128::from(percent.0)) else {
            return DaySet::empty();
        };
        now.zip_where(&before, |now, before| {
            compare_products(*now, hundred, kept, *before)
                .is_some_and(|order| order != std::cmp::Ordering::Greater)
        })
    }

    /// The two windows a reduction compares: the last `over` as of the day,
    /// and the `over` before the plan's baseline day.
    pub(crate) fn reduction_windows(
        &self,
        events: &Aggregate,
        over: Length,
    ) -> (Aggregate, Aggregate) {
        let now = Aggregate {
            window: Window::Within(over),
            ..events.clone()
        };
        let anchor = match self.plan.settings.reduction_baseline {
            Baseline::Attachment => Anchor::Attachment,
            Baseline::Identification => Anchor::Identification,
        };
        let before = Aggregate {
            window: Window::WithinBefore(DatedLength::fixed(over), anchor),
            ..events.clone()
        };
        (now, before)
    }

    fn covered(
        &self,
        events: &Aggregate,
        op: Comparison,
        days: u32,
        member: Option<u32>,
    ) -> DaySet {
        let mut allowed = Vec::new();
        for fact in self.matching(events, member) {
            let days = DaySet::interval(fact.start, fact.end)
                .within(self.subject_limit(events, &fact).as_ref())
                .within(self.visibility(events, None, &fact).as_ref());
            allowed.extend_from_slice(days.intervals());
        }
        let spells = DaySet::from_intervals(allowed);
        let since = |set: &DaySet| match &self.attachment {
            Some((attached, _)) => set.intersect(&DaySet::interval(attached.succ(), Day::MAX)),
            None => DaySet::empty(),
        };
        // No family covers more than u64::MAX days, so `None` (one more than
        // that) is met on no day.
        let at_least = |needed: Option<u64>| -> DaySet {
            let Some(needed) = needed else {
                return DaySet::empty();
            };
            let Some(needed_days) = NonZeroU64::new(needed) else {
                return DaySet::all();
            };
            match events.window {
                Window::Within(length) => {
                    days_covered_at_least(&spells, length, needed, self.facts.horizon)
                }
                Window::WithinDated(ref lengths) => lengths.piecewise(|length| {
                    days_covered_at_least(&spells, length, needed, self.facts.horizon)
                }),
                Window::WithinSinceAttachment(ref lengths) => {
                    let since = since(&spells);
                    lengths.piecewise(|length| {
                        days_covered_at_least(&since, length, needed, self.facts.horizon)
                    })
                }
                Window::SinceAttachment => cumulative_at_least(&since(&spells), needed_days),
                Window::Now => {
                    if needed == 1 {
                        spells.clone()
                    } else {
                        DaySet::empty()
                    }
                }
                Window::Ever
                | Window::WithinBefore(..)
                | Window::AtAttachment
                | Window::Terms(_) => cumulative_at_least(&spells, needed_days),
                // The checker refuses `days of …` in a window at a spell.
                Window::During(_) | Window::WithinAfter(..) => DaySet::empty(),
            }
        };
        let (days, more) = (Some(u64::from(days)), u64::from(days).checked_add(1));
        match op {
            Comparison::AtLeast => at_least(days),
            Comparison::Greater => at_least(more),
            Comparison::Less => at_least(days).complement(),
            Comparison::AtMost => at_least(more).complement(),
            Comparison::Equal => at_least(days).difference(&at_least(more)),
            Comparison::NotEqual => at_least(days).difference(&at_least(more)).complement(),
        }
    }

    // ───────────── members ─────────────

    /// The days on which a member is one of those the selector picks.
    pub(crate) fn selected(&self, selector: &MemberSelector, member: u32) -> DaySet {
        let Some(person) = self.facts.person(member) else {
            return DaySet::empty();
        };
        let role_matches = match selector.role {
            RoleFilter::Anyone => true,
            RoleFilter::Adult => person.role == Role::Adult,
            RoleFilter::Child => person.role == Role::Child,
        };
        if !role_matches {
            return DaySet::empty();
        }
        let attributes = self
            .facts
            .family
            .member(member)
            .map(|m| m.attributes.as_slice());
        let attribute = |index: usize| attributes?.get(index)?.as_ref();
        if !selector
            .attributes
            .iter()
            .all(|test| test_passes(test, attribute(test.field)))
        {
            return DaySet::empty();
        }
        // Each step only takes days away: once none are left, the rest
        // (ages, school age, `with` aggregates) need not be worked out.
        let mut days = person.present.clone();
        for range in &selector.ages {
            if days.is_empty() {
                return days;
            }
            days = days.intersect(&age_days(person.born, range.min, range.max));
        }
        if selector.of_school_age {
            days = days.intersect(&self.school_age_days(person.born));
        }
        for aggregate in &selector.with {
            if days.is_empty() {
                return days;
            }
            let (some, defined) = self.occurrences(aggregate, Some(member));
            days = days.intersect(&some.intersect(&defined));
        }
        days
    }

    // ───────────── measures ─────────────

    pub(crate) fn measure(&self, measure: &Measure, member: Option<u32>) -> Steps<Value> {
        match measure {
            Measure::Define(index) => memoised(&self.define_values, (*index, member), || {
                self.plan
                    .define_measure(*index)
                    .map_or_else(|| Steps::constant(None), |body| self.measure(body, member))
            }),
            Measure::Constant(value) => Steps::constant(Some(*value)),
            Measure::Dated(first, changes) => Steps::changing(
                Some(*first),
                changes.iter().map(|(day, value)| (*day, Some(*value))),
            ),
            Measure::Count(aggregate) => {
                let (count, defined) = self.event_count(aggregate, member);
                defined_values(count.map(|n| Some(ratio(*n, 1))), &defined)
            }
            Measure::Sum(field, aggregate) => {
                let ([sum], defined) = self.field_sums([field], aggregate, member);
                defined_values(sum, &defined)
            }
            Measure::Rate(top, bottom, aggregate) => {
                // Both fields from one pass over the events.
                let ([top, bottom], defined) = self.field_sums([top, bottom], aggregate, member);
                // A rate per nothing (or per less than nothing, from
                // inconsistent records) is not measurable, never 0.
                let rate = top.zip_with(&bottom, |top, bottom| {
                    let (top, bottom) = ((*top)?, (*bottom)?);
                    (bottom.numerator > 0).then_some(())?;
                    exact(
                        top.numerator.checked_mul(bottom.denominator)?,
                        top.denominator.checked_mul(bottom.numerator)?,
                    )
                });
                defined_values(rate, &defined)
            }
            Measure::Latest(field, aggregate) => self.latest(*field, aggregate, member),
            Measure::AtAttachment(field, aggregate) => {
                Steps::constant(self.value_at_attachment(*field, aggregate, member))
            }
            Measure::Add(left, right) | Measure::Subtract(left, right) => {
                let adding = matches!(measure, Measure::Add(..));
                let left = self.measure(left, member);
                let right = self.measure(right, member);
                left.zip_with(&right, |left, right| {
                    sum_or_difference((*left)?, (*right)?, adding)
                })
            }
            Measure::Scaled(percent, inner) => {
                let scale = Fixed::HUNDRED_PERCENT;
                // In lowest terms, so nested percentages stay small; a value
                // past what i128 holds exactly cannot be measured, rather
                // than clamped to a wrong value.
                let (by, over) = lowest_terms(i128::from(percent.0), scale);
                self.measure(inner, member).map(|value| {
                    value.and_then(|value| {
                        let (numerator, denominator) = lowest_terms(
                            value.numerator.checked_mul(by)?,
                            value.denominator.checked_mul(over)?,
                        );
                        Some(ratio(numerator, denominator))
                    })
                })
            }
        }
    }

    /// The sums over an aggregate's events of numbers worked out from each
    /// event's fields, in the fields' unit, and the days they can be
    /// measured on (none where a sum left i128). Each field they read is
    /// summed once however often it is read. The arithmetic is linear, so
    /// it is taken on the sums: a constant adds itself once per event.
    /// Exact throughout; a value past i128 is not measurable, never
    /// wrapped. The days are the caller's to apply, once, rather than each
    /// field's.
    pub(crate) fn field_sums<const N: usize>(
        &self,
        fields: [&FieldExpr; N],
        aggregate: &Aggregate,
        member: Option<u32>,
    ) -> ([Steps<Value>; N], DaySet) {
        let mut summed = Vec::new();
        for field in fields {
            summed_fields(field, &mut summed);
        }
        // A rate of one field per another (the usual) finds its events, and
        // places them in the window, once for both; arithmetic on more
        // fields takes a pass over the events for each.
        let (sums, defined) = match *summed.as_slice() {
            [first, second] => {
                let (sums, defined) = self.sums([first, second], aggregate, member);
                (Vec::from(sums), defined)
            }
            _ => summed.iter().fold(
                (Vec::with_capacity(summed.len()), DaySet::all()),
                |(mut sums, defined), field| {
                    let ([sum], field_defined) = self.sums([*field], aggregate, member);
                    sums.push(sum);
                    (sums, defined.intersect(&field_defined))
                },
            ),
        };
        let values = fields.map(|field| self.field_values(field, aggregate, &summed, &sums));
        (values, defined)
    }

    /// A field expression worked out from the sums of the fields it reads,
    /// `sums` holding the sum of each of `summed` in turn.
    fn field_values(
        &self,
        field: &FieldExpr,
        aggregate: &Aggregate,
        summed: &[Option<usize>],
        sums: &[Steps<i128>],
    ) -> Steps<Value> {
        let sum_of = |read: Option<usize>| {
            summed
                .iter()
                .position(|field| *field == read)
                .and_then(|place| sums.get(place))
        };
        match field {
            FieldExpr::Field(index) => {
                let scale = self.field_scale(aggregate.kind, *index);
                sum_of(Some(*index)).map_or_else(
                    || Steps::constant(None),
                    |sum| sum.map(|n| exact(*n, scale)),
                )
            }
            FieldExpr::Constant(each) => sum_of(None).map_or_else(
                || Steps::constant(None),
                |count| count.map(|n| exact(each.numerator.checked_mul(*n)?, each.denominator)),
            ),
            FieldExpr::Add(left, right) | FieldExpr::Subtract(left, right) => {
                let adding = matches!(field, FieldExpr::Add(..));
                let left = self.field_values(left, aggregate, summed, sums);
                let right = self.field_values(right, aggregate, summed, sums);
                left.zip_with(&right, |left, right| {
                    sum_or_difference((*left)?, (*right)?, adding)
                })
            }
            FieldExpr::Times(inner, by) => {
                self.field_values(inner, aggregate, summed, sums)
                    .map(|value| {
                        let value = (*value)?;
                        exact(
                            value.numerator.checked_mul(by.numerator)?,
                            value.denominator.checked_mul(by.denominator)?,
                        )
                    })
            }
        }
    }

    /// The field on the latest matching event in the window, on each day:
    /// of the events the window holds that day, the one with the latest
    /// start, and of several on that day the highest value. Not measurable
    /// while the window holds none, or none with the field recorded.
    fn latest(&self, field: usize, aggregate: &Aggregate, member: Option<u32>) -> Steps<Value> {
        let scale = self.field_scale(aggregate.kind, field);
        let anchors = self.anchors(&aggregate.window, member);
        let events: Vec<(DaySet, Day, Ratio)> = self
            .matching(aggregate, member)
            .filter_map(|fact| {
                let value = field_ratio(&fact, field, scale)?;
                let days = self
                    .presence(aggregate, &fact, &anchors)
                    .within(self.visibility(aggregate, Some(field), &fact).as_ref());
                Some((days, fact.start, value))
            })
            .collect();
        let mut days: Vec<Day> = events
            .iter()
            .flat_map(|(presence, ..)| {
                presence
                    .intervals()
                    .iter()
                    .flat_map(|(start, end)| [*start, end.succ()])
            })
            .collect();
        days.sort_unstable();
        days.dedup();
        let breakpoints: Vec<(Day, Option<Ratio>)> = days
            .into_iter()
            .map(|day| {
                let best = events
                    .iter()
                    .filter(|(presence, ..)| presence.contains(day))
                    .map(|(_, start, value)| (*start, *value))
                    .reduce(later_or_higher);
                (day, best.map(|(_, value)| value))
            })
            .collect();
        Steps::changing(None, breakpoints)
    }

    /// The field on the latest event the aggregate takes (by its kind, its
    /// subject and its tests other than those against the attachment day)
    /// whose day is on or before the attachment day; of several on that
    /// day, the highest. `None` when there is none with the field recorded.
    pub(crate) fn value_at_attachment(
        &self,
        field: usize,
        aggregate: &Aggregate,
        member: Option<u32>,
    ) -> Value {
        let scale = self.field_scale(aggregate.kind, field);
        let anchor = self.attachment_anchor;
        self.candidates(aggregate, member)
            .filter(|fact| fact.start <= anchor)
            .filter(|fact| {
                self.subject_limit(aggregate, fact)
                    .is_none_or(|days| days.contains(fact.start))
            })
            .filter(|fact| {
                aggregate
                    .tests
                    .iter()
                    .filter(|test| !matches!(test.test, FieldTestKind::AtAttachment(_)))
                    .all(|test| passes(test, fact))
            })
            .filter_map(|fact| Some((fact.start, field_ratio(fact, field, scale)?)))
            .reduce(later_or_higher)
            .map(|(_, value)| value)
    }

    /// The values an aggregate's tests against the attachment day compare
    /// with, by field; `None` when one of them has nothing to compare with,
    /// so that the aggregate cannot be measured at all.
    fn baselines(&self, aggregate: &Aggregate, member: Option<u32>) -> Option<Vec<(usize, Ratio)>> {
        aggregate
            .tests
            .iter()
            .filter(|test| matches!(test.test, FieldTestKind::AtAttachment(_)))
            .map(|test| {
                Some((
                    test.field,
                    self.value_at_attachment(test.field, aggregate, member)?,
                ))
            })
            .collect()
    }

    pub(super) fn field_scale(&self, kind: KindId, field: usize) -> i128 {
        let ty = self
            .plan
            .vocab
            .get(kind)
            .and_then(|kind| kind.fields.get(field))
            .map(|field| &field.ty);
        match ty {
            Some(FieldType::Decimal | FieldType::Percentage) => i128::from(Fixed::SCALE),
            _ => 1,
        }
    }

    /// The number of matching events on each day, and the days on which
    /// the window can be measured at all.
    pub(crate) fn event_count(
        &self,
        aggregate: &Aggregate,
        member: Option<u32>,
    ) -> (Steps<i128>, DaySet) {
        let ([count], defined) = self.sums([None], aggregate, member);
        (count, defined)
    }

    /// The sum over the matching events of each of `fields` (`None`: one
    /// for each event, a count) on each day, from one pass over the events,
    /// and the days on which the window can be measured at all.
    ///
    /// The sums are exact in i128: counts up to `u64::MAX` are added as they
    /// are, never clamped to i64. A sum that left i128 (it cannot, see
    /// [`Steps::sum_of_intervals`]) would leave them measurable on no day.
    fn sums<const N: usize>(
        &self,
        fields: [Option<usize>; N],
        aggregate: &Aggregate,
        member: Option<u32>,
    ) -> ([Steps<i128>; N], DaySet) {
        let mut lists = self.contribution_lists();
        let sums = self
            .contributions(aggregate, fields, member, &mut lists)
            .and_then(|defined| {
                let mut overflowed = false;
                let sums = lists.each_mut().map(|contributions| {
                    Steps::sum_of_intervals(contributions.drain(..)).unwrap_or_else(|| {
                        overflowed = true;
                        Steps::constant(0)
                    })
                });
                (!overflowed).then_some((sums, defined))
            });
        self.return_contribution_lists(lists);
        sums.unwrap_or_else(|| (std::array::from_fn(|_| Steps::constant(0)), DaySet::empty()))
    }

    /// The days on which at least one matching event is in the window (a
    /// count above 0: every event counts one, so these are the union of
    /// their days, with no running total), and the days on which the window
    /// can be measured at all.
    fn occurrences(&self, aggregate: &Aggregate, member: Option<u32>) -> (DaySet, DaySet) {
        let mut lists = self.contribution_lists();
        let days = match self.contributions(aggregate, [None], member, &mut lists) {
            Some(defined) => {
                let [contributions] = &mut lists;
                (
                    DaySet::from_intervals(
                        contributions.drain(..).map(|(start, end, _)| (start, end)),
                    ),
                    defined,
                )
            }
            None => (DaySet::empty(), DaySet::empty()),
        };
        self.return_contribution_lists(lists);
        days
    }

    /// Empty lists for a sum's contributions, kept from earlier sums where
    /// there are any. A sum inside this one (a member's `with`) takes lists
    /// of its own.
    fn contribution_lists<const N: usize>(&self) -> [Vec<(Day, Day, i128)>; N] {
        let mut kept = self.contribution_buffers.try_borrow_mut().ok();
        std::array::from_fn(|_| {
            kept.as_mut()
                .and_then(|kept| kept.pop())
                .unwrap_or_default()
        })
    }

    /// The lists back, emptied by the sum, for the next.
    fn return_contribution_lists<const N: usize>(&self, lists: [Vec<(Day, Day, i128)>; N]) {
        if let Ok(mut kept) = self.contribution_buffers.try_borrow_mut() {
            kept.extend(lists);
        }
    }

    /// What each matching event adds to each sum of [`Evaluated::sums`], as
    /// `(first day, last day, weight)`, into the list of `out` in the same
    /// place as its field in `fields`; the days on which the window can be
    /// measured, or `None` when it cannot be on any (a test against the
    /// attachment day with nothing to compare with). The events are found,
    /// and placed in the window, once for all the fields.
    fn contributions<const N: usize>(
        &self,
        aggregate: &Aggregate,
        fields: [Option<usize>; N],
        member: Option<u32>,
        out: &mut [Vec<(Day, Day, i128)>; N],
    ) -> Option<DaySet> {
        for contributions in out.iter_mut() {
            contributions.clear();
        }
        // Compared with nothing, a test against the attachment day leaves
        // the aggregate not measurable: neither `has` nor `no` holds.
        self.baselines(aggregate, member)?;
        if let Window::Terms(terms) = aggregate.window {
            return Some(self.contributions_over_terms(aggregate, terms, fields, member, out));
        }
        let anchors = self.anchors(&aggregate.window, member);
        for fact in self.matching(aggregate, member) {
            let days = self.presence(aggregate, &fact, &anchors);
            if days.is_empty() {
                continue;
            }
            for (field, contributions) in fields.iter().zip(out.iter_mut()) {
                let weight = weight(&fact, *field);
                // A count sees the event on the days it is present; a
                // field, on those of them it is known on.
                let visible = field.and_then(|_| self.visibility(aggregate, *field, &fact));
                match visible {
                    Some(visible) => push_days(contributions, &days.intersect(&visible), weight),
                    None => push_days(contributions, &days, weight),
                }
            }
        }
        Some(
            anchors
                .as_deref()
                .map_or_else(DaySet::all, Evaluated::anchored_days),
        )
    }

    fn contributions_over_terms<const N: usize>(
        &self,
        aggregate: &Aggregate,
        terms: Terms,
        fields: [Option<usize>; N],
        member: Option<u32>,
        out: &mut [Vec<(Day, Day, i128)>; N],
    ) -> DaySet {
        let mut defined = Vec::new();
        let is_term_kind = aggregate.kind == self.plan.known.school_term;
        // Each event with what it adds to each sum and the days it is known
        // on, found once for all the windows it counts in.
        let facts: Vec<(Fact<'_>, [Part; N])> = self
            .matching(aggregate, member)
            .map(|fact| {
                let parts = fields.map(|field| {
                    (
                        weight(&fact, field),
                        self.visibility(aggregate, field, &fact),
                    )
                });
                (fact, parts)
            })
            .collect();
        for window in self.windows_of_terms(member, terms).iter() {
            let (from, to) = window.days;
            defined.push((from, to));
            // What the events counted from the window's first day add (a
            // term's records all are), as one contribution to each sum.
            let mut from_first = [0i128; N];
            for (fact, parts) in &facts {
                let counts = if is_term_kind {
                    window.records.contains(&fact.index)
                } else {
                    fact.end >= window.start && fact.start <= window.until
                };
                if !counts {
                    continue;
                }
                let first = if is_term_kind {
                    from
                } else {
                    from.max(fact.start)
                };
                if first > to {
                    continue;
                }
                for (((weight, visible), contributions), total) in
                    parts.iter().zip(out.iter_mut()).zip(&mut from_first)
                {
                    match visible {
                        Some(visible) => push_days(
                            contributions,
                            &DaySet::interval(first, to).intersect(visible),
                            *weight,
                        ),
                        // Every day visible: the term's days as they are.
                        None if first == from => match total.checked_add(*weight) {
                            Some(sum) => *total = sum,
                            // Past i128, the total so far goes as it is.
                            None => {
                                contributions.push((from, to, *total));
                                *total = *weight;
                            }
                        },
                        None => contributions.push((first, to, *weight)),
                    }
                }
            }
            for (total, contributions) in from_first.iter().zip(out.iter_mut()) {
                if *total != 0 {
                    contributions.push((from, to, *total));
                }
            }
        }
        DaySet::from_intervals(defined)
    }

    /// The events an aggregate takes, before its window; under `start of`,
    /// each spell as if it lasted only its first day.
    pub(crate) fn matching<'a>(
        &'a self,
        aggregate: &'a Aggregate,
        member: Option<u32>,
    ) -> impl Iterator<Item = Fact<'f>> + 'a {
        let baselines = self.baselines(aggregate, member);
        self.candidates(aggregate, member)
            .filter(move |fact| {
                let Some(baselines) = &baselines else {
                    return false;
                };
                aggregate.tests.iter().all(|test| match test.test {
                    FieldTestKind::AtAttachment(op) => {
                        let scale = self.field_scale(aggregate.kind, test.field);
                        let baseline = baselines
                            .iter()
                            .find(|(field, _)| *field == test.field)
                            .map(|(_, value)| *value);
                        compare(field_ratio(fact, test.field, scale), op, baseline)
                    }
                    _ => passes(test, fact),
                })
            })
            .map(|fact| Fact {
                end: if aggregate.from_start {
                    fact.start
                } else {
                    fact.end
                },
                ..*fact
            })
    }

    /// The facts of an aggregate's kind and subject, before its tests.
    fn candidates<'a>(
        &'a self,
        aggregate: &'a Aggregate,
        member: Option<u32>,
    ) -> impl Iterator<Item = &'a Fact<'f>> + 'a {
        // A member's own events are looked up in their run of the index,
        // so that a quantifier over many members does not scan every
        // member's events for each; the order is the same day order.
        let positions = match (&aggregate.subject, member) {
            (SubjectScope::ThisMember, Some(member)) => {
                self.facts.member_positions(aggregate.kind, member)
            }
            (SubjectScope::ThisMember, None) => &[],
            _ => self.facts.kind_positions(aggregate.kind),
        };
        positions
            .iter()
            .filter_map(|position| self.facts.get(*position))
            .filter(move |fact| match &aggregate.subject {
                SubjectScope::ThisMember => fact.member.is_some() && fact.member == member,
                SubjectScope::Family => true,
                SubjectScope::Members(_) => fact.member.is_some(),
            })
    }

    /// The days on which an event's subject is one the aggregate takes;
    /// `None` for every day, since only a selector of members limits them.
    fn subject_limit(&self, aggregate: &Aggregate, fact: &Fact<'_>) -> Option<DaySet> {
        match (&aggregate.subject, fact.member) {
            (SubjectScope::Members(selector), Some(member)) => {
                Some(self.selected(selector, member))
            }
            _ => None,
        }
    }

    /// The evaluation days on which an event is inside the aggregate's window.
    pub(crate) fn presence(
        &self,
        aggregate: &Aggregate,
        fact: &Fact<'_>,
        anchors: &super::anchored::Anchors,
    ) -> DaySet {
        let attached = self.attachment.as_ref().map(|(day, _)| *day);
        let anchor_of = |anchor: Anchor| match anchor {
            Anchor::Attachment => self.attachment_anchor,
            Anchor::Identification => self.identification,
        };
        let (start, end) = (fact.start, fact.end);
        let after_attachment = |first: Day, last: Day| match attached {
            Some(attached) if end > attached => DaySet::interval(first.max(attached.succ()), last),
            _ => DaySet::empty(),
        };
        let days =
            match aggregate.window {
                Window::Ever => DaySet::interval(start, Day::MAX),
                Window::Now => DaySet::interval(start, end),
                Window::Within(length) => DaySet::interval(start, last_day_covering(end, length)),
                Window::WithinDated(ref lengths) => lengths
                    .piecewise(|length| DaySet::interval(start, last_day_covering(end, length))),
                Window::SinceAttachment => after_attachment(start, Day::MAX),
                Window::WithinSinceAttachment(ref lengths) => lengths
                    .piecewise(|length| after_attachment(start, last_day_covering(end, length))),
                Window::WithinBefore(ref lengths, anchor) => {
                    let anchor = anchor_of(anchor);
                    if start <= anchor && end > anchor.minus(lengths.on(anchor)) {
                        DaySet::interval(start, Day::MAX)
                    } else {
                        DaySet::empty()
                    }
                }
                Window::AtAttachment => {
                    let anchor = self.attachment_anchor;
                    if start <= anchor && anchor <= end {
                        DaySet::interval(start, Day::MAX)
                    } else {
                        DaySet::empty()
                    }
                }
                // Handled by `contributions_over_terms`.
                Window::Terms(_) => DaySet::empty(),
                Window::During(_) | Window::WithinAfter(..) => {
                    Evaluated::anchored_presence(anchors.as_deref().unwrap_or_default(), fact)
                }
            };
        // An event outside the window on every day needs no subject's days.
        if days.is_empty() {
            return days;
        }
        let days = days.within(self.subject_limit(aggregate, fact).as_ref());
        if days.is_empty() {
            return days;
        }
        days.within(self.visibility(aggregate, None, fact).as_ref())
    }

    // ───────────── evidence and reasons ─────────────

    /// The events behind a condition's value on a day: those inside the
    /// windows it looks at, for the members it ranges over.
    pub(crate) fn evidence(&self, cond: &Cond, day: Day) -> Vec<String> {
        self.cite_in_order(self.facts_behind(cond, day))
    }

    /// The positions of the events [`Evaluated::evidence`] cites.
    fn facts_behind(&self, cond: &Cond, day: Day) -> Vec<usize> {
        let mut facts = Vec::new();
        self.collect(
            cond,
            None,
            day,
            Focus::Everything,
            &mut facts,
            &mut BTreeSet::new(),
        );
        facts
    }

    /// The events behind an indicator of a problem on a day: as
    /// [`Evaluated::evidence`], without the events of a capped member whose
    /// part did not go to this problem that day.
    pub(crate) fn indicator_evidence(&self, problem: usize, cond: &Cond, day: Day) -> Vec<String> {
        let mut facts = self.facts_behind(cond, day);
        let elsewhere = |member: u32| {
            self.member_caps.iter().any(|(capped, to_problems)| {
                *capped == member
                    && !to_problems
                        .get(problem)
                        .is_some_and(|days| days.contains(day))
            })
        };
        facts.retain(|index| {
            let member = self
                .facts
                .family
                .events
                .get(*index)
                .and_then(|event| event.member);
            !member.is_some_and(elsewhere)
        });
        self.cite_in_order(facts)
    }

    /// The events behind a condition's failing on a day: only those of the
    /// parts and members that make it fail (the sibling who cannot be
    /// measured, not the child whose terms pass), and for a member with
    /// fewer school terms than a window asks, the terms they have.
    pub(crate) fn evidence_of_failure(&self, cond: &Cond, day: Day) -> Vec<String> {
        let mut facts = Vec::new();
        self.collect(
            cond,
            None,
            day,
            Focus::Outcome(false),
            &mut facts,
            &mut BTreeSet::new(),
        );
        self.cite_in_order(facts)
    }

    /// Citations in the order of the events' days, so that the order the
    /// input listed them in never shows; each event once, however often
    /// its position is given (a condition's walk gathers an event for every
    /// part that looks at it).
    pub(crate) fn cite_in_order(&self, positions: impl IntoIterator<Item = usize>) -> Vec<String> {
        let mut cited: Vec<(chrono::NaiveDate, String)> = positions
            .into_iter()
            .filter_map(|index| self.facts.family.events.get(index))
            .map(|event| (event.start, event.citation()))
            .collect();
        cited.sort();
        cited.dedup();
        cited.into_iter().map(|(_, citation)| citation).collect()
    }

    /// The records an aggregate takes inside its window on `day`, for the
    /// member in scope, as decisions cite them, in day order.
    pub(crate) fn records_in_window(
        &self,
        aggregate: &Aggregate,
        member: Option<u32>,
        day: Day,
    ) -> Vec<String> {
        let mut facts = Vec::new();
        self.window_facts(aggregate, member, day, false, &mut facts);
        self.cite_in_order(facts)
    }

    /// The positions of the events an aggregate takes inside its window on
    /// `day`; with `terms_when_unmeasurable`, a window of more school terms
    /// than have ended takes the terms there are, which say why.
    fn window_facts(
        &self,
        aggregate: &Aggregate,
        member: Option<u32>,
        day: Day,
        terms_when_unmeasurable: bool,
        out: &mut Vec<usize>,
    ) {
        if let Window::Terms(terms) = aggregate.window {
            let is_term_kind = aggregate.kind == self.plan.known.school_term;
            match self.terms_on(member, terms, day) {
                TermsOn::Measured(window) => {
                    for fact in self.matching(aggregate, member) {
                        let counts = if is_term_kind {
                            window.records.contains(&fact.index)
                        } else {
                            fact.end >= window.start && fact.start <= day.min(window.until)
                        };
                        if counts {
                            out.push(fact.index);
                        }
                    }
                }
                TermsOn::TooFew(_) | TermsOn::NotRecorded(_) if terms_when_unmeasurable => {
                    for (_, end, records) in self.terms(member).iter() {
                        if end <= day {
                            out.extend_from_slice(records);
                        }
                    }
                }
                TermsOn::TooFew(_) | TermsOn::NotRecorded(_) => {}
            }
            return;
        }
        let anchors = self.anchors(&aggregate.window, member);
        for fact in self.matching(aggregate, member) {
            if self.presence(aggregate, &fact, &anchors).contains(day) {
                out.push(fact.index);
            }
        }
    }

    /// Walks the condition without a depth cut, and needs none: within one
    /// expression the checker bounds nesting through defines at
    /// `MAX_DEFINE_DEPTH` (each define once per member and focus, by
    /// `seen`), and the only step out of an expression, to a problem's
    /// progress measure, is taken from a claim only, as a progress measure
    /// cannot ask for progress again. So the walk is at most twice
    /// `MAX_DEFINE_DEPTH` deep, and all evidence is cited.
    fn collect(
        &self,
        cond: &Cond,
        member: Option<u32>,
        day: Day,
        focus: Focus,
        out: &mut Vec<usize>,
        seen: &mut BTreeSet<(DefineIdx, Option<u32>, Focus)>,
    ) {
        let aggregate_facts = |aggregate: &Aggregate, out: &mut Vec<usize>| {
            self.window_facts(aggregate, member, day, focus != Focus::Everything, out)
        };
        match cond {
            Cond::And(parts) | Cond::Or(parts) => {
                for part in parts {
                    // A part decides an `and` that fails by failing, an `or`
                    // that holds by holding; every part decides the others.
                    let decides = match focus {
                        Focus::Everything => true,
                        Focus::Outcome(holds) => {
                            let part_holds = self.cond(part, member).contains(day);
                            match cond {
                                Cond::And(_) => holds || !part_holds,
                                _ => !holds || part_holds,
                            }
                        }
                    };
                    if decides {
                        self.collect(part, member, day, focus, out, seen);
                    }
                }
            }
            Cond::Not(inner) => {
                let focus = match focus {
                    Focus::Everything => Focus::Everything,
                    Focus::Outcome(holds) => Focus::Outcome(!holds),
                };
                self.collect(inner, member, day, focus, out, seen);
            }
            // Sustained or not, on the day it is the inner condition's
            // events that count, whether or not it holds on that day.
            Cond::Sustained(inner, _) => {
                self.collect(inner, member, day, Focus::Everything, out, seen)
            }
            Cond::Compare(left, _, right) => {
                for measure in [left, right] {
                    for aggregate in measure_aggregates(self.plan, measure) {
                        aggregate_facts(aggregate, out);
                    }
                }
            }
            Cond::Covered { events, .. } | Cond::Exists(events) | Cond::NotExists(events) => {
                aggregate_facts(events, out)
            }
            // Both windows' records: the fall is counted against the baseline.
            Cond::Reduction { events, over, .. } => {
                let (now, baseline) = self.reduction_windows(events, *over);
                aggregate_facts(&now, out);
                aggregate_facts(&baseline, out);
            }
            Cond::Quantified {
                quantifier,
                selector,
                body,
            } => {
                for index in 0..self.facts.people.len() as u32 {
                    if !self.selected(selector, index).contains(day) {
                        continue;
                    }
                    // The members that decide it: for `any` that holds, those
                    // for whom the body holds; for `every` that fails, those
                    // for whom it fails; for `no` that fails, those for whom
                    // it holds; otherwise every member picked.
                    let focus = match focus {
                        Focus::Everything => Focus::Everything,
                        Focus::Outcome(holds) => {
                            let body_holds = self.cond(body, Some(index)).contains(day);
                            let decides = match quantifier {
                                Quantifier::Any => !holds || body_holds,
                                Quantifier::Every => holds || !body_holds,
                                Quantifier::No => holds || body_holds,
                            };
                            if !decides {
                                continue;
                            }
                            Focus::Outcome(body_holds)
                        }
                    };
                    self.collect(body, Some(index), day, focus, out, seen);
                }
            }
            Cond::ContinuousEmployment => {
                let known = self.plan.known;
                let positions = |kind| match member {
                    Some(member) => self.facts.member_positions(kind, member),
                    None => self.facts.kind_positions(kind),
                };
                for fact in positions(known.employment)
                    .iter()
                    .chain(positions(known.out_of_work_benefit))
                    .filter_map(|position| self.facts.get(*position))
                {
                    if fact.member == member && fact.start <= day {
                        out.push(fact.index);
                    }
                }
            }
            Cond::AllProblemsProgressed | Cond::ProblemsProgressed(_) => {
                for index in 0..self.plan.problems.len() {
                    let counted = self.counted.get(index).is_some_and(|set| set.contains(day));
                    if counted {
                        for significant in self.progress_conds(index) {
                            self.collect(significant, None, day, Focus::Everything, out, seen);
                        }
                    }
                }
            }
            Cond::ProblemProgressed(problem) => {
                for significant in self.progress_conds(problem.0 as usize) {
                    self.collect(significant, None, day, Focus::Everything, out, seen);
                }
            }
            // What held on the attachment day is what the indicator saw then.
            Cond::IndicatorHeld(problem, indicator) => {
                let condition = self
                    .plan
                    .held_indicator(*problem, *indicator)
                    .map(|(_, indicator)| &indicator.condition);
                if let Some(condition) = condition {
                    let anchor = self.attachment_anchor;
                    self.collect(condition, None, anchor, Focus::Everything, out, seen);
                }
            }
            // A define's events are the same wherever it is used.
            Cond::Define(index) => {
                if seen.insert((*index, member, focus)) {
                    if let Some(body) = self.plan.define_cond(*index) {
                        self.collect(body, member, day, focus, out, seen);
                    }
                }
            }
        }
    }

    /// Why a claim's condition does not hold on the as-of day, in words.
    pub(crate) fn blocking_reason(&self, cond: &Cond, will_hold: bool) -> String {
        let day = self.facts.as_of;
        let mut reasons = Vec::new();
        self.reasons(cond, day, &mut reasons, &mut BTreeSet::new());
        let mut reason = if reasons.is_empty() {
            "the claim's condition does not hold on the day".to_string()
        } else {
            reasons.join("; ")
        };
        if !will_hold {
            reason.push_str("; this will not change unless something new happens");
        }
        reason
    }

    /// Each define is explained once: a define used twice fails for the same reason.
    fn reasons(
        &self,
        cond: &Cond,
        day: Day,
        out: &mut Vec<String>,
        seen: &mut BTreeSet<DefineIdx>,
    ) {
        match cond {
            Cond::And(parts) => {
                for part in parts {
                    if !self.cond(part, None).contains(day) {
                        self.reasons(part, day, out, seen);
                    }
                }
            }
            Cond::Or(parts) => {
                let mut alternatives = Vec::new();
                for part in parts {
                    self.reasons(part, day, &mut alternatives, seen);
                }
                if !alternatives.is_empty() {
                    out.push(format!("no route holds: {}", alternatives.join(", nor ")));
                }
            }
            Cond::AllProblemsProgressed => {
                let mut any_counted = false;
                for (index, problem) in self.plan.problems.iter().enumerate() {
                    if !self.counted.get(index).is_some_and(|set| set.contains(day)) {
                        continue;
                    }
                    any_counted = true;
                    out.extend(self.problem_reason(index, &problem.id, day));
                }
                if !any_counted {
                    out.push("no problem was identified to show progress against".into());
                }
            }
            Cond::ProblemProgressed(problem) => {
                if let Some(found) = self.plan.problems.get(problem.0 as usize) {
                    out.extend(self.problem_reason(problem.0 as usize, &found.id, day));
                }
            }
            Cond::ProblemsProgressed(share) => {
                // Each counted problem's reason it has not progressed, if any.
                let reasons: Vec<Option<String>> = self
                    .plan
                    .problems
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| {
                        self.counted
                            .get(*index)
                            .is_some_and(|set| set.contains(day))
                    })
                    .map(|(index, problem)| self.problem_reason(index, &problem.id, day))
                    .collect();
                let counted = reasons.len();
                let progressed = reasons.iter().filter(|reason| reason.is_none()).count();
                let behind: Vec<String> = reasons.into_iter().flatten().collect();
                let needs = match share {
                    ProgressShare::AtLeast(needed) => format!("at least {needed}"),
                    ProgressShare::Most => format!("more than half of {counted}"),
                };
                out.push(format!(
                    "{progressed} of the {counted} identified problems have progressed, and the claim needs {needs}"
                ));
                out.extend(behind);
            }
            Cond::IndicatorHeld(problem, indicator) => {
                let named = self
                    .plan
                    .held_indicator(*problem, *indicator)
                    .map(|(problem, indicator)| (problem.id.as_str(), indicator.id.as_str()));
                if let Some((problem, indicator)) = named {
                    out.push(format!(
                        "indicator `{indicator}` of problem `{problem}` did not hold at attachment"
                    ));
                }
            }
            Cond::Define(index) => {
                if seen.insert(*index) {
                    if let Some(body) = self.plan.define_cond(*index) {
                        self.reasons(body, day, out, seen);
                    }
                }
            }
            Cond::Quantified { selector, body, .. }
                if contains_employment(self.plan, body, &mut BTreeSet::new()) =>
            {
                let members = self.facts.people.len() as u32;
                let anyone =
                    (0..members).any(|member| self.selected(selector, member).contains(day));
                if anyone || selector.with.is_empty() {
                    out.push("no adult is in continuous employment since attachment".into());
                } else {
                    let kinds: Vec<String> = selector
                        .with
                        .iter()
                        .filter_map(|aggregate| self.plan.vocab.get(aggregate.kind))
                        .map(|kind| format!("`{}`", kind.name))
                        .collect();
                    let who = match selector.role {
                        RoleFilter::Adult => "adult",
                        RoleFilter::Child => "child",
                        RoleFilter::Anyone => "member",
                    };
                    out.push(format!(
                        "no {who} had {} when the claim's `with` looks, so no one's employment can count",
                        kinds.join(" and ")
                    ));
                }
            }
            _ => out.push("the claim's condition does not hold".into()),
        }
    }

    /// Why a problem has not progressed on the day, or `None` when it has;
    /// for a problem measured by its indicators, each held indicator that
    /// has not.
    fn problem_reason(&self, index: usize, id: &str, day: Day) -> Option<String> {
        let progress = self.progress.get(index)?;
        if progress.contains(day) {
            return None;
        }
        let problem = self.plan.problems.get(index)?;
        if problem.measure.is_some() {
            let significant = self.significant.get(index)?;
            return Some(measure_reason(
                self.facts,
                &format!("problem `{id}`"),
                significant,
                progress,
                day,
            ));
        }
        let held = self.held.get(index)?;
        if held.is_empty() {
            return Some(format!(
                "problem `{id}` is measured by its indicators, and none of them held at attachment"
            ));
        }
        let reasons: Vec<String> = held
            .iter()
            .zip(self.indicator_progress.get(index)?)
            .filter(|(_, (_, progress))| !progress.contains(day))
            .filter_map(|(held, (significant, progress))| {
                let indicator = problem.indicators.get(*held)?;
                let who = format!("indicator `{}` of problem `{id}`", indicator.id);
                Some(measure_reason(self.facts, &who, significant, progress, day))
            })
            .collect();
        Some(reasons.join("; "))
    }
}

/// Why a measure (of a problem or an indicator, `who`) has not progressed.
fn measure_reason(
    facts: &Facts<'_>,
    who: &str,
    significant: &DaySet,
    progress: &DaySet,
    day: Day,
) -> String {
    match (
        significant.run_start(day).and_then(Day::to_date),
        facts.first_held(progress, day),
    ) {
        (Some(since), Some(sustained)) => format!(
            "{who} has met its significant-progress measure since {since} but is not sustained until {sustained}"
        ),
        (Some(since), None) => format!(
            "{who} has met its significant-progress measure since {since} but is not yet sustained"
        ),
        (None, _) => format!("{who} has not met its significant-progress measure"),
    }
}

/// Whether a condition asks for continuous employment; each define is
/// looked into once, since a second look gives the first answer.
fn contains_employment(plan: &Plan, cond: &Cond, seen: &mut BTreeSet<DefineIdx>) -> bool {
    match cond {
        Cond::ContinuousEmployment => true,
        Cond::And(parts) | Cond::Or(parts) => parts
            .iter()
            .any(|part| contains_employment(plan, part, seen)),
        Cond::Not(inner) | Cond::Sustained(inner, _) => contains_employment(plan, inner, seen),
        Cond::Quantified { body, .. } => contains_employment(plan, body, seen),
        Cond::Define(index) => {
            seen.insert(*index)
                && plan
                    .define_cond(*index)
                    .is_some_and(|body| contains_employment(plan, body, seen))
        }
        _ => false,
    }
}

/// The aggregates a measure is made of. The checker bounds how deep
/// defines nest, so following them is bounded too.
fn measure_aggregates<'p>(plan: &'p Plan, measure: &'p Measure) -> Vec<&'p Aggregate> {
    match measure {
        Measure::Count(aggregate)
        | Measure::Sum(_, aggregate)
        | Measure::Rate(_, _, aggregate)
        | Measure::Latest(_, aggregate)
        | Measure::AtAttachment(_, aggregate) => {
            vec![aggregate]
        }
        Measure::Add(left, right) | Measure::Subtract(left, right) => {
            let mut aggregates = measure_aggregates(plan, left);
            aggregates.extend(measure_aggregates(plan, right));
            aggregates
        }
        Measure::Scaled(_, inner) => measure_aggregates(plan, inner),
        Measure::Define(index) => plan
            .define_measure(*index)
            .map_or_else(Vec::new, |body| measure_aggregates(plan, body)),
        Measure::Constant(_) | Measure::Dated(..) => Vec::new(),
    }
}

/// Which of a condition's events to cite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Focus {
    /// Every event it looks at on the day: a decision's evidence.
    Everything,
    /// Only those behind its having this value on the day.
    Outcome(bool),
}

/// A member's (or the family's) school-term records, by term, in the order
/// the terms end (a term's first and last day name it); each term's
/// records are a run of one list rather than a list each.
pub(crate) struct RecordedTerms {
    /// Each term's first and last day, and where its records are in `records`.
    terms: Vec<(Day, Day, Range<usize>)>,
    /// The records' event positions, term after term.
    records: Vec<usize>,
}

impl RecordedTerms {
    /// Each term's first and last day, and its records' event positions.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Day, Day, &[usize])> {
        self.terms.iter().map(|(start, end, records)| {
            (
                *start,
                *end,
                self.records.get(records.clone()).unwrap_or_default(),
            )
        })
    }
}

/// A member's (or the family's) last school terms over a stretch of days on
/// which they stay the same: the one "last N terms" every window, sum,
/// sustain period, citation and explanation reads.
#[derive(Clone)]
pub(crate) struct TermWindow {
    /// The days on which these are the last terms: from the day the latest
    /// of them ends until the day before a later term ends.
    pub(crate) days: (Day, Day),
    /// The first day of the earliest of them.
    pub(crate) start: Day,
    /// The last day an event counts on: the attachment day for terms
    /// before attachment, else `Day::MAX` (events count up to the day
    /// decided).
    pub(crate) until: Day,
    /// The records of those terms, by event position.
    pub(crate) records: Vec<usize>,
}

/// The days a rule over problems holds, given the days each problem is
/// identified and how to evaluate a composition condition.
fn problem_rule(
    rule: &ProblemRule,
    identified: &[DaySet],
    composition: &dyn Fn(&Cond) -> DaySet,
) -> DaySet {
    match rule {
        ProblemRule::Or(parts) => parts.iter().fold(DaySet::empty(), |any, part| {
            any.union(&problem_rule(part, identified, composition))
        }),
        ProblemRule::And(parts) => parts.iter().fold(DaySet::all(), |all, part| {
            all.intersect(&problem_rule(part, identified, composition))
        }),
        ProblemRule::Composition(cond) => composition(cond),
        ProblemRule::All(list) => list.iter().fold(DaySet::all(), |all, problem| {
            all.intersect(
                identified
                    .get(problem.0 as usize)
                    .unwrap_or(&DaySet::empty()),
            )
        }),
        ProblemRule::AtLeast(count, list) => at_least(
            *count,
            list.iter()
                .filter_map(|problem| identified.get(problem.0 as usize)),
        ),
        ProblemRule::AtLeastGroups(count, groups) => {
            let days: Vec<DaySet> = groups
                .iter()
                .map(|group| {
                    group.iter().fold(DaySet::empty(), |any, problem| {
                        any.union(
                            identified
                                .get(problem.0 as usize)
                                .unwrap_or(&DaySet::empty()),
                        )
                    })
                })
                .collect();
            at_least(*count, days.iter())
        }
    }
}

/// The days on which at least `count` of these sets hold.
fn at_least<'a>(count: u32, sets: impl Iterator<Item = &'a DaySet>) -> DaySet {
    let contributions = sets
        .flat_map(|set| {
            set.intervals()
                .iter()
                .map(|(start, end)| (*start, *end, 1i128))
        })
        .collect::<Vec<_>>();
    Steps::sum_of_intervals(contributions)
        .map_or_else(DaySet::empty, |n| n.where_true(|n| *n >= i128::from(count)))
}

/// The days on which a member is aged between `min` and `max` (both
/// included); none when the birth date is unknown.
pub(super) fn age_days(born: Option<Day>, min: u32, max: Option<u32>) -> DaySet {
    let Some(born) = born else {
        return DaySet::empty();
    };
    let first = birthday(born, min);
    let last = max.map_or(Day::MAX, |max| birthday(born, max.saturating_add(1)).pred());
    DaySet::interval(first, last)
}

/// The first day on which someone born on `born` is `age` years old.
fn birthday(born: Day, age: u32) -> Day {
    // An age whose months pass u32 is reached after the end of the calendar.
    let Some(months) = age.checked_mul(12) else {
        return Day::MAX;
    };
    let mut day = born.plus(Length {
        count: months,
        unit: TimeUnit::Months,
    });
    // Month arithmetic clamps 29 February to the 28th; the law says the 1st of March.
    for _ in 0..3 {
        match Day::age_on(born, day) {
            Some(reached) if reached >= age => break,
            _ => day = day.succ(),
        }
    }
    day
}

/// The days on which at least `needed` days of the set lie on or before the day.
fn cumulative_at_least(set: &DaySet, needed: NonZeroU64) -> DaySet {
    // How many of the set's days come before the one that makes `needed`:
    // exact, as `needed` is at least 1.
    let mut before = needed.get().saturating_sub(1);
    for (start, end) in set.intervals() {
        let length = set.count_days_between(*start, *end);
        match before.checked_sub(length) {
            Some(rest) => before = rest,
            // Fewer than `length` days, so within the calendar.
            None => {
                return i64::try_from(before).map_or_else(
                    |_| DaySet::empty(),
                    |offset| DaySet::interval(start.add_days(offset), Day::MAX),
                );
            }
        }
    }
    DaySet::empty()
}

fn defined_values(values: Steps<Value>, defined: &DaySet) -> Steps<Value> {
    // Measurable on every day (most windows are): nothing to take away.
    if defined.intervals() == [(Day::MIN, Day::MAX)] {
        return values;
    }
    let defined_steps = Steps::sum_of_intervals(
        defined
            .intervals()
            .iter()
            .map(|(start, end)| (*start, *end, 1i128)),
    )
    .unwrap_or_else(|| Steps::constant(0));
    values.zip_with(
        &defined_steps,
        |value, defined| if *defined > 0 { *value } else { None },
    )
}

/// The fields a field expression sums (`None` for a constant, which a
/// count of the events carries), each once, added to `out`.
fn summed_fields(field: &FieldExpr, out: &mut Vec<Option<usize>>) {
    let mut add = |read: Option<usize>| {
        if !out.contains(&read) {
            out.push(read);
        }
    };
    match field {
        FieldExpr::Field(index) => add(Some(*index)),
        FieldExpr::Constant(_) => add(None),
        FieldExpr::Add(left, right) | FieldExpr::Subtract(left, right) => {
            summed_fields(left, out);
            summed_fields(right, out);
        }
        FieldExpr::Times(inner, _) => summed_fields(inner, out),
    }
}

/// What an event adds to the sum of a field (`None`: to a count, one);
/// nothing for a field it does not record.
fn weight(fact: &Fact<'_>, field: Option<usize>) -> i128 {
    match field {
        None => 1,
        Some(field) => match fact.field(field) {
            Some(FieldValue::Count(n)) => i128::from(*n),
            Some(FieldValue::Decimal(value) | FieldValue::Percentage(value)) => i128::from(value.0),
            Some(FieldValue::Money(value)) => i128::from(value.0),
            _ => 0,
        },
    }
}

/// An event's days as contributions of `weight` each.
fn push_days(contributions: &mut Vec<(Day, Day, i128)>, days: &DaySet, weight: i128) {
    contributions.extend(
        days.intervals()
            .iter()
            .map(|(start, end)| (*start, *end, weight)),
    );
}

/// A define's days or values in a scope, computed the first time they are
/// asked for in this evaluation. The memo is not borrowed while computing,
/// so a define that uses another is memoised too.
fn memoised<V: Clone>(
    memo: &RefCell<BTreeMap<InScope, V>>,
    key: InScope,
    compute: impl FnOnce() -> V,
) -> V {
    if let Some(known) = memo
        .try_borrow()
        .ok()
        .and_then(|memo| memo.get(&key).cloned())
    {
        return known;
    }
    let value = compute();
    if let Ok(mut memo) = memo.try_borrow_mut() {
        memo.insert(key, value.clone());
    }
    value
}

/// A fraction divided through by its greatest common divisor.
pub(super) fn lowest_terms(numerator: i128, denominator: i128) -> (i128, i128) {
    let (mut a, mut b) = (numerator.unsigned_abs(), denominator.unsigned_abs());
    // Euclid's algorithm; the remainder is taken until the divisor is 0.
    while let Some(rest) = a.checked_rem(b) {
        (a, b) = (b, rest);
    }
    let divided = i128::try_from(a)
        .ok()
        .filter(|divisor| *divisor > 1)
        .and_then(|divisor| {
            Some((
                numerator.checked_div(divisor)?,
                denominator.checked_div(divisor)?,
            ))
        });
    // A divisor past i128 (only 2^127, of i128::MIN) leaves the fraction as
    // it is: the same value, not in lowest terms.
    divided.unwrap_or((numerator, denominator))
}

/// A fraction in lowest terms; none when its denominator is not positive.
/// `left + right`, or `left - right` when not `adding`, exactly; not
/// measurable past i128.
fn sum_or_difference(left: Ratio, right: Ratio, adding: bool) -> Value {
    let moved = right.numerator.checked_mul(left.denominator)?;
    let moved = if adding { moved } else { moved.checked_neg()? };
    exact(
        left.numerator
            .checked_mul(right.denominator)?
            .checked_add(moved)?,
        left.denominator.checked_mul(right.denominator)?,
    )
}

fn exact(numerator: i128, denominator: i128) -> Value {
    (denominator > 0).then(|| {
        let (numerator, denominator) = lowest_terms(numerator, denominator);
        ratio(numerator, denominator)
    })
}

fn ratio(numerator: i128, denominator: i128) -> Ratio {
    Ratio {
        numerator,
        denominator,
    }
}

/// An exact comparison by cross-multiplication; false when a side cannot be
/// measured. Sums are exact i128 values, so a product of two may not fit
/// i128: [`compare_products`] takes them in 256 bits.
fn compare(left: Value, op: Comparison, right: Value) -> bool {
    let (Some(left), Some(right)) = (left, right) else {
        return false;
    };
    compare_products(
        left.numerator,
        right.denominator,
        right.numerator,
        left.denominator,
    )
    .is_some_and(|order| op.holds(order))
}

/// A numeric, date or word field of an event as a number in its own unit
/// (a word of a one-of by its place in the list, lowest first).
fn field_ratio(fact: &Fact<'_>, field: usize, scale: i128) -> Value {
    match fact.field(field)? {
        FieldValue::Count(n) => Some(ratio(i128::from(*n), 1)),
        FieldValue::Decimal(fixed) | FieldValue::Percentage(fixed) => {
            exact(i128::from(fixed.0), scale)
        }
        FieldValue::Money(pence) => Some(ratio(i128::from(pence.0), 1)),
        FieldValue::Date(date) => Some(ratio(i128::from(Day::from_date(*date).0), 1)),
        FieldValue::Word(word) => Some(ratio(i128::from(*word), 1)),
        _ => None,
    }
}

/// Of two events' `(day, value)`, the later, and of two on one day the
/// higher: so the input's order of records never matters.
fn later_or_higher(best: (Day, Ratio), next: (Day, Ratio)) -> (Day, Ratio) {
    let higher = compare(Some(next.1), Comparison::Greater, Some(best.1));
    if next.0 > best.0 || (next.0 == best.0 && higher) {
        next
    } else {
        best
    }
}

fn passes(test: &FieldTest, fact: &Fact<'_>) -> bool {
    test_passes(test, fact.field(test.field))
}

/// Whether a value passes a field test; an absent value passes none.
fn test_passes(test: &FieldTest, value: Option<&FieldValue>) -> bool {
    let Some(value) = value else {
        return false;
    };
    match (&test.test, value) {
        (FieldTestKind::OneOf(words), FieldValue::Word(word)) => words.contains(word),
        (
            FieldTestKind::Text {
                value: wanted,
                negated,
            },
            FieldValue::Text(text),
        ) => (text == wanted) != *negated,
        (FieldTestKind::Flag(wanted), FieldValue::Flag(flag)) => flag == wanted,
        // On which days it holds is `Evaluated::visible`'s to say.
        (FieldTestKind::NearNow(..), FieldValue::Date(_)) => true,
        // Compared in `matching`, which knows the value at attachment.
        (FieldTestKind::AtAttachment(_), _) => false,
        (FieldTestKind::Compare(op, constant), value) => {
            let actual = match value {
                FieldValue::Count(n) => ratio(i128::from(*n), 1),
                FieldValue::Decimal(fixed) | FieldValue::Percentage(fixed) => {
                    ratio(i128::from(fixed.0), i128::from(Fixed::SCALE))
                }
                FieldValue::Money(pence) => ratio(i128::from(pence.0), 1),
                FieldValue::Date(date) => ratio(i128::from(Day::from_date(*date).0), 1),
                _ => return false,
            };
            compare(Some(actual), *op, Some(*constant))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_of_huge_ratios_do_not_saturate() {
        // (2^100 + 1) / 2^100 > 2^100 / 2^100: the products are past i128,
        // where a saturating product made them equal.
        let huge = 1i128 << 100;
        let just_over = Some(ratio(huge + 1, huge));
        let one = Some(ratio(huge, huge));
        assert!(compare(just_over, Comparison::Greater, one));
        assert!(compare(one, Comparison::Less, just_over));
        assert!(!compare(just_over, Comparison::Equal, one));
        assert!(compare(
            Some(ratio(-huge - 1, huge)),
            Comparison::Less,
            Some(ratio(-huge, huge))
        ));
    }
}
