//! Warnings: defines no problem or claim uses, and conditions that can
//! never hold, found from what is known of each measure's bounds.

use super::defines::expr_refs;
use super::expr::ratio;
use super::{Checker, Scope};
use crate::code::Code;
use crate::days::{Length, month_window_bounds};
use crate::num::compare_products;
use crate::plan::{Comparison, Cond, FieldExpr, Measure, Quantifier, Ratio};
use crate::span::Span;
use crate::syntax::ast;
use crate::unit::TimeUnit;

impl Checker {
    /// Warns when `needed` days within a window of months lie in the range
    /// of days such a window holds, so that whether they are met turns on
    /// the lengths of the months in it (and is worked out month by month).
    /// Whether it warned.
    pub(super) fn months_window_varies(&mut self, within: Length, needed: u32, span: Span) -> bool {
        if within.unit != TimeUnit::Months {
            return false;
        }
        let Some((fewest, most)) = month_window_bounds(within.count) else {
            return false;
        };
        if !(fewest < i64::from(needed) && i64::from(needed) <= most) {
            return false;
        }
        let months = within.count;
        self.report(
            Code::MonthsWindowVaries,
            span,
            format!(
                "a window of {months} months holds {fewest} days or more, depending on its months, so whether {needed} days fall within it changes from month to month and is worked out month by month"
            ),
            "if the policy means a fixed number of days, write the window in weeks or days, such as `within 26 weeks`",
        );
        true
    }
}

/// What the lints know of a lowered define, so that they need not walk it again.
#[derive(Debug, Clone, Copy)]
pub(super) struct DefineFacts {
    never_met: bool,
    bounds: Option<(Bound, Bound)>,
}

impl DefineFacts {
    /// What is known of a define that is a condition.
    pub(super) fn of_cond(cond: &Cond, problem_count: usize, defines: &[DefineFacts]) -> Self {
        DefineFacts {
            never_met: never_met(cond, problem_count, defines),
            bounds: None,
        }
    }

    /// What is known of a define that is a measure.
    pub(super) fn of_measure(measure: &Measure, defines: &[DefineFacts]) -> Self {
        DefineFacts {
            never_met: false,
            bounds: bounds(measure, defines),
        }
    }
}

impl Checker {
    /// Warns of every define that no problem or claim uses, directly or
    /// through other defines, and checks its body anyway so that its errors
    /// are not hidden by being unused.
    pub(super) fn unused_defines(&mut self, file: &ast::File) {
        let mut roots = Vec::new();
        for expr in Checker::roots(file) {
            expr_refs(expr, 1, &self.defines, &mut roots);
        }
        let mut used = vec![false; self.define_bodies.len()];
        let mut work: Vec<usize> = roots.into_iter().map(|(target, _, _)| target).collect();
        while let Some(index) = work.pop() {
            match used.get_mut(index) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            work.extend(self.define_refs.get(index).into_iter().flatten().copied());
        }
        for item in &file.items {
            let ast::Item::Define(define) = item else {
                continue;
            };
            let Some((index, span)) = self.defines.get(&define.name.name).copied() else {
                continue;
            };
            // A define given twice: only the first is known by its name.
            if span != define.name.span || used.get(index).copied().unwrap_or(true) {
                continue;
            }
            let _ = self.lowered_define(index, Scope::Family);
            self.report(
                Code::UnusedDefine,
                define.name.span,
                format!("`{}` is defined but never used", define.name.name),
                "use it, or remove the definition",
            );
        }
    }
}

/// Whether a condition can never hold; a define's answer was found when it
/// was lowered, so a define used many times is not walked again.
pub(super) fn never_met(cond: &Cond, problem_count: usize, defines: &[DefineFacts]) -> bool {
    match cond {
        Cond::And(parts) => parts
            .iter()
            .any(|part| never_met(part, problem_count, defines)),
        Cond::Or(parts) => parts
            .iter()
            .all(|part| never_met(part, problem_count, defines)),
        Cond::Sustained(inner, _) => never_met(inner, problem_count, defines),
        Cond::Quantified {
            quantifier: Quantifier::Any,
            body,
            ..
        } => never_met(body, problem_count, defines),
        Cond::AllProblemsProgressed => problem_count == 0,
        Cond::Define(index) => defines
            .get(index.0 as usize)
            .is_some_and(|facts| facts.never_met),
        Cond::Compare(left, op, right) => match (bounds(left, defines), bounds(right, defines)) {
            (Some((left_low, left_high)), Some((right_low, right_high))) => match op {
                Comparison::Less => !less(left_low, right_high),
                Comparison::AtMost => less(right_high, left_low),
                Comparison::Greater => !less(right_low, left_high),
                Comparison::AtLeast => less(left_high, right_low),
                Comparison::Equal => less(left_high, right_low) || less(right_high, left_low),
                Comparison::NotEqual => false,
            },
            _ => false,
        },
        Cond::Covered { op, days, .. } => matches!(op, Comparison::Less) && *days == 0,
        _ => false,
    }
}

/// Known lower and upper bounds of a measure, when there are any worth knowing.
type Bound = Option<Ratio>;

fn bounds(measure: &Measure, defines: &[DefineFacts]) -> Option<(Bound, Bound)> {
    match measure {
        Measure::Define(index) => defines.get(index.0 as usize)?.bounds,
        Measure::Constant(value) => Some((Some(*value), Some(*value))),
        Measure::Dated(first, changes) => {
            let (mut low, mut high) = (*first, *first);
            for (_, value) in changes {
                if less(Some(*value), Some(low)) {
                    low = *value;
                }
                if less(Some(high), Some(*value)) {
                    high = *value;
                }
            }
            Some((Some(low), Some(high)))
        }
        Measure::Count(_) => Some((Some(ratio(0, 1)), None)),
        // A field over a field is from 0 to 1; arithmetic can take a rate
        // past either end (`rate sessions per (sessions - authorised)`).
        Measure::Rate(top, bottom, _)
            if matches!(
                (top.as_ref(), bottom.as_ref()),
                (FieldExpr::Field(_), FieldExpr::Field(_))
            ) =>
        {
            Some((Some(ratio(0, 1)), Some(ratio(1, 1))))
        }
        Measure::Rate(..) => None,
        Measure::Scaled(_, inner) => match bounds(inner, defines)? {
            (Some(low), _) if low.numerator >= 0 => Some((Some(ratio(0, 1)), None)),
            _ => None,
        },
        Measure::Sum(..)
        | Measure::Latest(..)
        | Measure::AtAttachment(..)
        | Measure::Add(..)
        | Measure::Subtract(..) => None,
    }
}

/// The largest value a measure can take, when it is known: a rate of one
/// field per another is at most 1 (100%), a scaled or summed one unbounded.
pub(super) fn upper_bound(measure: &Measure, defines: &[DefineFacts]) -> Bound {
    bounds(measure, defines)?.1
}

/// `a < b`, false when either bound is unknown.
fn less(a: Bound, b: Bound) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            compare_products(a.numerator, b.denominator, b.numerator, a.denominator)
                == Some(std::cmp::Ordering::Less)
        }
        _ => false,
    }
}
