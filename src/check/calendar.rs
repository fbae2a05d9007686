//! The plan's term calendar (`school terms { … }`), and the windows that
//! count in it: each term in order, and a window of no more terms than the
//! calendar holds.

use super::Checker;
use crate::code::Code;
use crate::days::Day;
use crate::plan::{FundingDef, ResultsRules, SchoolTerm};
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
        window: crate::span::Span,
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

    /// Warns when the calendar's last term ends before the last day the
    /// plan's claim windows, funding years or results years reach: decided
    /// after it, a school-terms window stays on the calendar's last terms
    /// and a child's later terms are never counted. Warned here, where the
    /// author can declare the missing terms, rather than family by family
    /// at evaluation, where no one reading the decisions can.
    pub(super) fn calendar_outlived(
        &mut self,
        file: &ast::File,
        funding: Option<&FundingDef>,
        results: &ResultsRules,
    ) {
        let Some(last) = self.school_terms.last() else {
            return;
        };
        let Some(span) = file.items.iter().find_map(|item| match item {
            ast::Item::SchoolCalendar(calendar) => Some(calendar.span),
            _ => None,
        }) else {
            return;
        };
        let windows = funding
            .and_then(|funding| funding.claim_windows)
            .map(|windows| (windows.until, "the claim windows run".to_string()));
        let funding_years = funding.into_iter().flat_map(|funding| &funding.years);
        let funding_years = funding_years.filter_map(|year| {
            let (_, until) = year.days?;
            Some((until, format!("funding year {:?} runs", year.label)))
        });
        let results_years = results
            .years
            .iter()
            .map(|year| (year.until, format!("results year {:?} runs", year.label)));
        let Some((until, what)) = windows
            .into_iter()
            .chain(funding_years)
            .chain(results_years)
            .max_by_key(|(until, _)| *until)
        else {
            return;
        };
        let (ends, until_day) = (last.last, Day::from_date(until));
        if until_day <= ends {
            return;
        }
        let (Some(ends), name) = (ends.to_date(), &last.name) else {
            return;
        };
        let (ends, until) = (crate::date::write(ends), crate::date::write(until));
        self.report(
            Code::CalendarEndsEarly,
            span,
            format!(
                "the calendar's last term, {name:?}, ends on {ends}, but {what} until {until}: decided after {ends}, `school terms` stay on the calendar's last terms"
            ),
            format!("declare the school terms up to {until}"),
        );
    }
}
