//! Lengths of time, terms and percentages as a plan writes them, checked
//! against their limits the same way wherever they stand.

use super::Checker;
use crate::code::Code;
use crate::days::{Day, Length};
use crate::limits::{MAX_LENGTH_DAYS, MAX_LENGTH_MONTHS, MAX_LENGTH_WEEKS, MAX_TERMS};
use crate::num::Fixed;
use crate::plan::{DatedLength, SustainLen, TermBasis};
use crate::span::Span;
use crate::syntax::ast;

impl Checker {
    /// A length that changes on days, of a sustain period or a window: each
    /// length in its limits, each change after the one before.
    pub(super) fn dated_length(
        &mut self,
        first: &ast::Duration,
        changes: &[ast::LengthChange],
    ) -> Option<DatedLength> {
        let first = self.length(first);
        let mut steps = Vec::with_capacity(changes.len());
        let mut ok = true;
        let mut previous = None;
        for change in changes {
            ok &= self.change_after(previous, &change.from);
            previous = Some(&change.from);
            match self.length(&change.length) {
                Some(length) => steps.push((Day::from_date(change.from.value), length)),
                None => ok = false,
            }
        }
        let lengths = DatedLength {
            first: first?,
            changes: steps,
        };
        ok.then_some(lengths)
    }

    pub(super) fn sustain_length(&mut self, length: &ast::SustainLength) -> Option<SustainLen> {
        match length {
            ast::SustainLength::Time(duration) => self.length(duration).map(SustainLen::Time),
            ast::SustainLength::Dated(first, changes) => {
                self.dated_length(first, changes).map(SustainLen::Dated)
            }
            ast::SustainLength::AfterEnd(first, changes, kind) => {
                let lengths = self.dated_length(first, changes);
                let kind = self.anchor_kind(kind, "after end of")?;
                Some(SustainLen::AfterEnd(lengths?, kind))
            }
            ast::SustainLength::Terms(count, basis) => {
                if count.value == 0 {
                    self.report(
                        Code::EmptyRange,
                        count.span,
                        "a sustain period of zero terms",
                        "sustain for at least 1 term",
                    );
                    return None;
                }
                if !self.terms_in_range(count) {
                    return None;
                }
                let basis = match basis {
                    ast::TermBasis::Records => TermBasis::Records,
                    // Counted in the calendar's terms, so it needs the
                    // calendar and no more terms than it declares.
                    ast::TermBasis::Calendar => {
                        if !self.calendar_holds(count, count.span) {
                            return None;
                        }
                        TermBasis::Calendar
                    }
                };
                Some(SustainLen::Terms(count.value, basis))
            }
        }
    }

    /// Whether a written length of time is at most [`MAX_LENGTH_MONTHS`]
    /// months, [`MAX_LENGTH_WEEKS`] weeks or [`MAX_LENGTH_DAYS`] days; reports it if not.
    pub(super) fn length_in_range(&mut self, duration: &ast::Duration) -> bool {
        let (most, unit) = match duration.unit {
            ast::TimeUnit::Days => (MAX_LENGTH_DAYS, "days"),
            ast::TimeUnit::Weeks => (MAX_LENGTH_WEEKS, "weeks"),
            ast::TimeUnit::Months => (MAX_LENGTH_MONTHS, "months"),
        };
        if duration.count.value <= most {
            return true;
        }
        self.report(
            Code::TooLong,
            duration.span,
            format!(
                "{} {unit} is longer than the 100 years a window or period may be",
                duration.count.value
            ),
            format!("write at most {most} {unit}; `ever` looks at every day"),
        );
        false
    }

    pub(super) fn length(&mut self, duration: &ast::Duration) -> Option<Length> {
        if !self.length_in_range(duration) {
            return None;
        }
        if duration.count.value == 0 {
            self.report(
                Code::EmptyRange,
                duration.span,
                "a length of time of zero",
                "a window or period must be at least 1 day long",
            );
            return None;
        }
        let length = Length {
            count: duration.count.value,
            unit: duration.unit,
        };
        self.reach.add_length(&length);
        Some(length)
    }

    /// Whether a number of school terms is at most [`MAX_TERMS`]; reports it if not.
    pub(super) fn terms_in_range(&mut self, count: &ast::IntLit) -> bool {
        if count.value <= MAX_TERMS {
            return true;
        }
        self.report(
            Code::TooLong,
            count.span,
            format!(
                "{} terms is longer than the 100 years a window or period may be",
                count.value
            ),
            format!("write at most {MAX_TERMS} terms"),
        );
        false
    }

    /// Reports a percentage outside 0% to 100%, wherever the plan writes one.
    pub(super) fn percent_in_range(&mut self, percent: Fixed, span: Span) {
        if i128::from(percent.0) > Fixed::HUNDRED_PERCENT {
            self.report(
                Code::PercentageOutOfRange,
                span,
                format!("{percent}% is outside 0% to 100%"),
                "a percentage must be between 0% and 100%",
            );
        } else {
            self.percent_not_negative(percent, span);
        }
    }

    /// Reports a percentage below 0%, which no measure or share can be.
    pub(super) fn percent_not_negative(&mut self, percent: Fixed, span: Span) {
        if percent.0 < 0 {
            self.report(
                Code::PercentageOutOfRange,
                span,
                format!("{percent}% is outside 0% to 100%"),
                "a percentage must be between 0% and 100%",
            );
        }
    }
}
