//! The plan's term calendar (`school terms { … }`), and the windows that
//! count in it: each term in order, and a window of no more terms than the
//! calendar holds.

use super::Checker;
use crate::code::Code;
use crate::days::Day;
use crate::plan::SchoolTerm;
use crate::syntax::ast;

impl Checker {
    /// Reads the calendar, reporting a term backwards, out of order or
    /// overlapping the one before, and a name given twice.
    pub(super) fn school_calendar(&mut self, file: &ast::File) {
        let Some(calendar) = file.items.iter().find_map(|item| match item {
            ast::Item::SchoolCalendar(calendar) => Some(calendar),
            _ => None,
        }) else {
            return;
        };
        self.calendar_declared = true;
        let mut terms: Vec<SchoolTerm> = Vec::new();
        for term in &calendar.terms {
            let (first, last) = (
                Day::from_date(term.first.value),
                Day::from_date(term.last.value),
            );
            if last < first {
                self.report(
                    Code::SchoolTermDates,
                    term.span,
                    format!("term {:?} ends before it starts", term.name.value),
                    "write its first day, then `to` and its last day",
                );
                continue;
            }
            if let Some(before) = terms.last().filter(|before| first <= before.last) {
                let message = format!(
                    "term {:?} starts on or before the last day of {:?}",
                    term.name.value, before.name
                );
                self.report(
                    Code::SchoolTermDates,
                    term.span,
                    message,
                    "list the terms in order, each starting after the one before ends",
                );
                continue;
            }
            if terms.iter().any(|other| other.name == term.name.value) {
                self.report(
                    Code::DeclaredTwice,
                    term.name.span,
                    format!("term {:?} is declared twice", term.name.value),
                    "give each term its own name, such as \"Autumn 2016\"",
                );
                continue;
            }
            terms.push(SchoolTerm {
                name: term.name.value.clone(),
                first,
                last,
            });
        }
        self.school_terms = terms;
    }

    /// Whether a window of `count` calendar terms can be measured under the
    /// plan's calendar; if not, reports why.
    pub(super) fn calendar_holds(
        &mut self,
        count: &ast::IntLit,
        window: crate::syntax::Span,
    ) -> bool {
        if !self.calendar_declared {
            self.report(
                Code::NoSchoolCalendar,
                window,
                "`school terms` count in the plan's term calendar, and the plan declares none",
                "declare it: `school terms { \"Autumn 2015\" 2015-09-01 to 2015-12-18 … }`, or write `terms` to count each child's own records",
            );
            return false;
        }
        let declared = self.school_terms.len();
        if u32::try_from(declared).is_ok_and(|declared| count.value > declared) {
            self.report(
                Code::TooFewSchoolTerms,
                count.span,
                format!(
                    "the calendar declares {declared} term{}, so {} school terms are never measurable",
                    if declared == 1 { "" } else { "s" },
                    count.value
                ),
                "declare the terms the plan decides over, or look at fewer",
            );
            return false;
        }
        true
    }
}
