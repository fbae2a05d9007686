//! Windows of school terms in every form: the child's own records or the
//! plan's calendar (`over the last 3 school terms`), as of the day decided
//! or of the attachment day (`over the 3 terms before attachment`).
//!
//! Each form comes down to the [`TermWindow`]s of `sets`: which records
//! count, from which first day, on which days decided. A calendar term that
//! has no record for a child of school age on its first day leaves every
//! window holding it not measurable, rather than being skipped.
#![deny(clippy::arithmetic_side_effects)]

use std::rc::Rc;

use super::sets::{Evaluated, TermWindow, age_days};
use crate::days::{Day, DaySet};
use crate::family::Role;
use crate::plan::{SchoolLeavers, SchoolTerm, TermBasis, Terms};

/// What a window of terms holds on one day decided.
pub(crate) enum TermsOn<'p> {
    /// The terms it counts.
    Measured(TermWindow),
    /// Fewer terms ended by the anchor day than it asks for: how many did.
    TooFew(u32),
    /// Calendar terms without a record for a child then of school age.
    NotRecorded(Vec<&'p SchoolTerm>),
}

impl<'p> Evaluated<'p, '_> {
    /// Every window of the form, over the days each holds; the days of
    /// none are the days the measure is not measurable.
    pub(crate) fn windows_of_terms(&self, member: Option<u32>, terms: Terms) -> Rc<[TermWindow]> {
        if terms.before_attachment {
            // The window as of A, from the day its latest term ended on:
            // a term not ended by A, straddling it, is not before it.
            let anchor = self.attachment_anchor;
            return match self.terms_on(member, terms, anchor) {
                TermsOn::Measured(window) => vec![TermWindow {
                    days: (window.days.0, Day::MAX),
                    until: anchor,
                    ..window
                }]
                .into(),
                TermsOn::TooFew(_) | TermsOn::NotRecorded(_) => Rc::from([]),
            };
        }
        match terms.basis {
            TermBasis::Records => self.term_windows(member, terms.count),
            TermBasis::Calendar => {
                let Some(size) = usize::try_from(terms.count).ok().filter(|size| *size > 0) else {
                    return Rc::from([]);
                };
                let calendar = &self.plan.school_terms;
                (size..=calendar.len())
                    .filter_map(|end| {
                        let window = self.calendar_window(member, end, size).ok()?;
                        // Until the day before the next term ends, or for ever
                        // after the calendar's last.
                        let next_end = calendar.get(end).map_or(Day::MAX, |next| next.last.pred());
                        Some(TermWindow {
                            days: (window.days.0, next_end),
                            ..window
                        })
                    })
                    .collect()
            }
        }
    }

    /// The calendar's last `count` terms ended by each day, from the first
    /// day of the earliest, whatever records a member has: what `sustained
    /// for N school terms` counts in. The window moves on on a term's last
    /// day and, after the calendar's last term, stays on its last terms.
    pub(crate) fn calendar_spans(&self, count: u32) -> Rc<[TermWindow]> {
        let calendar = &self.plan.school_terms;
        let Some(size) = usize::try_from(count).ok().filter(|size| *size > 0) else {
            return Rc::from([]);
        };
        (size..=calendar.len())
            .filter_map(|end| {
                let first = calendar.get(end.checked_sub(size)?)?;
                let last = calendar.get(end.checked_sub(1)?)?;
                let next_end = calendar.get(end).map_or(Day::MAX, |next| next.last.pred());
                Some(TermWindow {
                    days: (last.last, next_end),
                    start: first.first,
                    until: Day::MAX,
                    records: Vec::new(),
                })
            })
            .collect()
    }

    /// The calendar's last `count` terms ended by `day`, earliest first
    /// (none when fewer have ended), and how many of its terms have ended.
    pub(crate) fn calendar_terms_on(&self, count: u32, day: Day) -> (&'p [SchoolTerm], u32) {
        let calendar: &'p [SchoolTerm] = &self.plan.school_terms;
        let ended = calendar.partition_point(|term| term.last <= day);
        let chosen = usize::try_from(count)
            .ok()
            .filter(|size| *size > 0)
            .and_then(|size| calendar.get(ended.checked_sub(size)?..ended))
            .unwrap_or_default();
        (chosen, u32::try_from(ended).unwrap_or(u32::MAX))
    }

    /// The window of the form on `day`, or why there is none.
    pub(crate) fn terms_on(&self, member: Option<u32>, terms: Terms, day: Day) -> TermsOn<'p> {
        let anchor = if terms.before_attachment {
            self.attachment_anchor
        } else {
            day
        };
        let on = match terms.basis {
            TermBasis::Records => match self.last_terms(member, terms.count, anchor) {
                Some(window) => TermsOn::Measured(window),
                None => {
                    let ended = self
                        .terms(member)
                        .iter()
                        .filter(|(_, end, _)| *end <= anchor)
                        .count();
                    TermsOn::TooFew(u32::try_from(ended).unwrap_or(u32::MAX))
                }
            },
            TermBasis::Calendar => {
                let calendar = &self.plan.school_terms;
                let ended = calendar.partition_point(|term| term.last <= anchor);
                let size = usize::try_from(terms.count).unwrap_or(usize::MAX);
                if ended < size || size == 0 {
                    return TermsOn::TooFew(u32::try_from(ended).unwrap_or(u32::MAX));
                }
                match self.calendar_window(member, ended, size) {
                    Ok(window) => TermsOn::Measured(window),
                    Err(missing) => TermsOn::NotRecorded(missing),
                }
            }
        };
        match on {
            // Before attachment, events count up to A, not the day decided.
            TermsOn::Measured(window) if terms.before_attachment => TermsOn::Measured(TermWindow {
                until: anchor,
                ..window
            }),
            on => on,
        }
    }

    /// The `size` calendar terms ending with the one before `end` (by
    /// place in the calendar), with the member's records of them: a record
    /// is of the term its last day falls in. The terms with no record for
    /// a child of school age on their first day, if any.
    fn calendar_window(
        &self,
        member: Option<u32>,
        end: usize,
        size: usize,
    ) -> Result<TermWindow, Vec<&'p SchoolTerm>> {
        let calendar: &'p [SchoolTerm] = &self.plan.school_terms;
        let chosen = end
            .checked_sub(size)
            .and_then(|start| calendar.get(start..end))
            .unwrap_or_default();
        let (Some(first), Some(last)) = (chosen.first(), chosen.last()) else {
            return Err(Vec::new());
        };
        let recorded = self.terms(member);
        let mut records = Vec::new();
        let mut missing = Vec::new();
        for term in chosen {
            let of_term = recorded
                .iter()
                .filter(|(_, record_end, _)| term.first <= *record_end && *record_end <= term.last);
            let before = records.len();
            for (_, _, indexes) in of_term {
                records.extend_from_slice(indexes);
            }
            if records.len() == before && self.needs_a_record(member, term.first) {
                missing.push(term);
            }
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(TermWindow {
            days: (last.last, last.last),
            start: first.first,
            until: Day::MAX,
            records,
        })
    }

    /// Whether a term starting on `first` must have a record of the member:
    /// a child of school age that day (a child without a date of birth is
    /// taken to be), and a member then.
    fn needs_a_record(&self, member: Option<u32>, first: Day) -> bool {
        let Some(person) = member.and_then(|member| self.facts.person(member)) else {
            return false;
        };
        if person.role != Role::Child || !person.present.contains(first) {
            return false;
        }
        person.born.is_none() || self.school_age_days(person.born).contains(first)
    }

    /// The days someone born on `born` is of school age under the plan's
    /// `school_age`, and with `school_leavers: stay_in_measure`, every day
    /// from the attachment day on if they were of school age on it: one
    /// test for `of school age` and for the terms a calendar window needs.
    pub(crate) fn school_age_days(&self, born: Option<Day>) -> DaySet {
        let (youngest, oldest) = self.plan.settings.school_age;
        let school = age_days(born, youngest, Some(oldest));
        if self.plan.settings.school_leavers == SchoolLeavers::StayInMeasure
            && school.contains(self.attachment_anchor)
        {
            return school.union(&DaySet::interval(self.attachment_anchor, Day::MAX));
        }
        school
    }
}
