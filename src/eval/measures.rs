//! The values behind a measure on one day, for explanations: each count,
//! sum, rate and reduction with the dates of its window, so an auditor can
//! redo the arithmetic by hand.

use super::sets::Sets;
use crate::days::Day;
use crate::plan::{Aggregate, Anchor, Cond, DefineIdx, Measure, Ratio, SubjectScope, Window};
use crate::vocab::FieldType;
use std::collections::BTreeSet;
use std::fmt::Write as _;

impl Sets<'_, '_> {
    /// Appends a line per measure of `cond` as of `day`, for the member in
    /// scope (or the family), recursing through logic and into each member
    /// a quantifier picks on that day.
    pub(crate) fn describe_measures(
        &self,
        cond: &Cond,
        member: Option<u32>,
        day: Day,
        indent: usize,
        out: &mut String,
    ) {
        self.describe_measures_once(cond, member, day, indent, out, &mut BTreeSet::new());
    }

    /// [`Sets::describe_measures`], describing each define once per member:
    /// its measures read the same wherever it is used.
    fn describe_measures_once(
        &self,
        cond: &Cond,
        member: Option<u32>,
        day: Day,
        indent: usize,
        out: &mut String,
        seen: &mut BTreeSet<(DefineIdx, Option<u32>)>,
    ) {
        let pad = " ".repeat(indent);
        match cond {
            Cond::And(parts) | Cond::Or(parts) => {
                for part in parts {
                    self.describe_measures_once(part, member, day, indent, out, seen);
                }
            }
            Cond::Not(inner) | Cond::Sustained(inner, _) => {
                self.describe_measures_once(inner, member, day, indent, out, seen);
            }
            Cond::Compare(left, op, right) => {
                let unit = self.unit_of(left);
                let _ = writeln!(
                    out,
                    "{pad}- {} = {}; needs {} {}",
                    self.describe_measure(left, member, day),
                    self.value_text(left, member, day, unit),
                    op.symbol(),
                    self.value_text(right, member, day, unit),
                );
            }
            Cond::Exists(aggregate) | Cond::NotExists(aggregate) => {
                let wanted = if matches!(cond, Cond::Exists(_)) {
                    "at least 1"
                } else {
                    "none"
                };
                let (count, _) = self.sum(aggregate, None, member);
                let count = count.value_at(day).copied().unwrap_or(0);
                let _ = writeln!(
                    out,
                    "{pad}- {} = {count}; needs {wanted}",
                    self.describe_aggregate(aggregate, "", member, day),
                );
            }
            Cond::Reduction {
                events,
                percent,
                over,
            } => {
                let (now, before) = self.reduction_windows(events, *over);
                let count = |aggregate: &Aggregate| {
                    let (count, _) = self.sum(aggregate, None, member);
                    count.value_at(day).copied().unwrap_or(0)
                };
                let (now_count, before_count) = (count(&now), count(&before));
                let _ = writeln!(
                    out,
                    "{pad}- {}: {now_count} {} against {before_count} {}; needs a fall of at least {percent}%{}",
                    self.aggregate_kind(events),
                    self.window_text(&now.window, member, day),
                    self.window_text(&before.window, member, day),
                    if before_count == 0 {
                        " (a zero baseline is met only by zero now)"
                    } else {
                        ""
                    },
                );
            }
            Cond::Quantified { selector, body, .. } => {
                // By member id, so that the input's order of members never shows.
                let mut members: Vec<_> = self.timeline.family.members.iter().enumerate().collect();
                members.sort_by(|(_, a), (_, b)| a.id.cmp(&b.id));
                for (index, person) in members {
                    let Ok(index) = u32::try_from(index) else {
                        continue;
                    };
                    if !self.selected(selector, index).contains(day) {
                        continue;
                    }
                    let mut lines = String::new();
                    self.describe_measures_once(
                        body,
                        Some(index),
                        day,
                        indent + 2,
                        &mut lines,
                        seen,
                    );
                    if !lines.is_empty() {
                        let _ = writeln!(out, "{pad}member {}:", person.id);
                        out.push_str(&lines);
                    }
                }
            }
            Cond::Define(index) => {
                if seen.insert((*index, member)) {
                    if let Some(body) = self.plan.define_cond(*index) {
                        self.describe_measures_once(body, member, day, indent, out, seen);
                    }
                }
            }
            Cond::Covered { .. }
            | Cond::ContinuousEmployment
            | Cond::AllProblemsProgressed
            | Cond::ProblemProgressed(_) => {}
        }
    }

    fn describe_measure(&self, measure: &Measure, member: Option<u32>, day: Day) -> String {
        match measure {
            Measure::Count(aggregate) => {
                format!(
                    "count {}",
                    self.describe_aggregate(aggregate, "", member, day)
                )
            }
            Measure::Sum(field, aggregate) => format!(
                "sum {}",
                self.describe_aggregate(
                    aggregate,
                    &self.field_name(aggregate, *field),
                    member,
                    day
                )
            ),
            Measure::Rate(top, bottom, aggregate) => {
                let fields = format!(
                    "{} per {}",
                    self.field_name(aggregate, *top),
                    self.field_name(aggregate, *bottom)
                );
                let (top_sum, _) = self.sum(aggregate, Some(*top), member);
                let (bottom_sum, _) = self.sum(aggregate, Some(*bottom), member);
                format!(
                    "rate {} ({} of {})",
                    self.describe_aggregate(aggregate, &fields, member, day),
                    top_sum.value_at(day).copied().unwrap_or(0),
                    bottom_sum.value_at(day).copied().unwrap_or(0)
                )
            }
            Measure::Scaled(percent, inner) => format!(
                "{}% of {}",
                percent,
                self.describe_measure(inner, member, day)
            ),
            Measure::Constant(_) => "the constant".to_string(),
            Measure::Define(index) => self
                .plan
                .define_measure(*index)
                .map_or_else(String::new, |body| self.describe_measure(body, member, day)),
        }
    }

    /// `asb_incident in family, from 2016-06-01 to 2016-11-30`.
    fn describe_aggregate(
        &self,
        aggregate: &Aggregate,
        fields: &str,
        member: Option<u32>,
        day: Day,
    ) -> String {
        let whose = match (&aggregate.subject, member) {
            (SubjectScope::ThisMember, Some(_)) => "",
            (SubjectScope::Members(_), _) => " of the members picked",
            _ => " in family",
        };
        let of = if fields.is_empty() {
            String::new()
        } else {
            format!("{fields} of ")
        };
        format!(
            "{of}{}{whose}, {}",
            self.aggregate_kind(aggregate),
            self.window_text(&aggregate.window, member, day)
        )
    }

    fn value_text(&self, measure: &Measure, member: Option<u32>, day: Day, unit: Unit) -> String {
        let value = match measure {
            Measure::Constant(value) => Some(*value),
            Measure::Count(_)
            | Measure::Sum(..)
            | Measure::Rate(..)
            | Measure::Scaled(..)
            | Measure::Define(_) => self
                .measure(measure, member)
                .value_at(day)
                .copied()
                .flatten(),
        };
        let Some(value) = value else {
            return "not measurable".to_string();
        };
        match unit {
            Unit::Percent => format!(
                "{}%",
                decimal_text(Ratio {
                    numerator: value.numerator.saturating_mul(100),
                    denominator: value.denominator,
                })
            ),
            Unit::Pounds => format!(
                "£{}",
                decimal_text(Ratio {
                    numerator: value.numerator,
                    denominator: value.denominator.saturating_mul(100),
                })
            ),
            Unit::Plain => decimal_text(value),
        }
    }

    /// How a comparison's values read: a rate as a percentage, a sum of
    /// money (held in pence) in pounds.
    fn unit_of(&self, measure: &Measure) -> Unit {
        match measure {
            Measure::Rate(..) => Unit::Percent,
            Measure::Sum(field, aggregate)
                if self.field_type(aggregate, *field) == Some(FieldType::Money) =>
            {
                Unit::Pounds
            }
            Measure::Scaled(_, inner) => self.unit_of(inner),
            Measure::Define(index) => self
                .plan
                .define_measure(*index)
                .map_or(Unit::Plain, |body| self.unit_of(body)),
            Measure::Sum(..) | Measure::Count(_) | Measure::Constant(_) => Unit::Plain,
        }
    }

    /// The days a window covers on `day`, in words with its dates.
    fn window_text(&self, window: &Window, member: Option<u32>, day: Day) -> String {
        let attachment = self.attachment.as_ref().map(|(day, _)| *day);
        match window {
            Window::Within(length) => {
                format!("from {} to {day}", day.minus(*length).succ())
            }
            Window::WithinBefore(length, anchor) => {
                let (anchor, name) = match anchor {
                    Anchor::Attachment => (self.attachment_anchor, "attachment"),
                    Anchor::Identification => (self.identification, "identification"),
                };
                format!(
                    "from {} to {anchor} (before {name})",
                    anchor.minus(*length).succ()
                )
            }
            Window::WithinSinceAttachment(length) => {
                let start = day.minus(*length).succ();
                let start = attachment.map_or(start, |attached| start.max(attached.succ()));
                format!("from {start} to {day}")
            }
            Window::SinceAttachment => match attachment {
                Some(attached) => format!("from {} to {day}", attached.succ()),
                None => "since attachment (not attached)".to_string(),
            },
            Window::LastTerms(count) => {
                let terms = self.terms(member);
                let last: Vec<_> = terms.iter().rev().take(*count as usize).collect();
                match (last.len() == *count as usize, last.last(), last.first()) {
                    (true, Some(first), Some(latest)) => format!(
                        "over the last {count} terms, from {} to {}",
                        first.0, latest.1
                    ),
                    _ => format!(
                        "over the last {count} terms (only {} recorded: not measurable)",
                        last.len()
                    ),
                }
            }
            Window::AtAttachment => match attachment {
                Some(attached) => format!("on {attached} (attachment)"),
                None => "at attachment (not attached)".to_string(),
            },
            Window::Ever => format!("up to {day}"),
            Window::Now => format!("on {day}"),
        }
    }

    fn aggregate_kind(&self, aggregate: &Aggregate) -> &str {
        self.plan
            .vocab
            .get(aggregate.kind)
            .map_or("event", |kind| kind.name.as_str())
    }

    fn field_name(&self, aggregate: &Aggregate, field: usize) -> String {
        self.plan
            .vocab
            .get(aggregate.kind)
            .and_then(|kind| kind.fields.get(field))
            .map_or_else(|| "field".to_string(), |field| field.name.clone())
    }

    fn field_type(&self, aggregate: &Aggregate, field: usize) -> Option<FieldType> {
        self.plan
            .vocab
            .get(aggregate.kind)
            .and_then(|kind| kind.fields.get(field))
            .map(|field| field.ty.clone())
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Plain,
    Percent,
    Pounds,
}

/// An exact fraction as a decimal with up to two places, rounded half away
/// from zero: for reading only, never for deciding.
fn decimal_text(value: Ratio) -> String {
    if value.denominator != 0 && value.numerator % value.denominator == 0 {
        return (value.numerator / value.denominator).to_string();
    }
    let hundredths = value.numerator.saturating_mul(200) / value.denominator.max(1);
    let hundredths = (hundredths + hundredths.signum()) / 2;
    let sign = if hundredths < 0 { "-" } else { "" };
    let hundredths = hundredths.abs();
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_read_as_decimals_rounded_to_two_places() {
        let text = |numerator, denominator| {
            decimal_text(Ratio {
                numerator,
                denominator,
            })
        };
        assert_eq!(text(38, 1), "38");
        assert_eq!(text(1, 3), "0.33");
        assert_eq!(text(2, 3), "0.67");
        assert_eq!(text(1, 200), "0.01");
        assert_eq!(text(-1, 3), "-0.33");
        assert_eq!(text(1500, 100), "15");
    }
}
