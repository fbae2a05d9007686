//! The funding block: families, deadweight, years and their shares, claim
//! windows, and whether every figure of the envelope is exact.

use super::Checker;
use crate::code::Code;
use crate::num::{Fixed, Pence};
use crate::plan::{
    ClaimWindows, Deadweight, FundingDef, FundingYear, Rounding, Share, funded_families,
};
use crate::span::Span;
use crate::syntax::ast;
use chrono::NaiveDate;
use std::collections::BTreeSet;

impl Checker {
    pub(super) fn funding(&mut self, block: &ast::Funding) -> Option<FundingDef> {
        let mut funding = nothing_given();
        let mut seen: BTreeSet<&'static str> = BTreeSet::new();
        for entry in &block.entries {
            let (name, span) = match entry {
                ast::FundingEntry::Nominated(_, span) => ("nominated", *span),
                ast::FundingEntry::Deadweight { span, .. } => ("deadweight", *span),
                ast::FundingEntry::PerFamily(_, span) => ("per family", *span),
                ast::FundingEntry::Year(year) => ("", year.span),
                ast::FundingEntry::ClaimWindows { span, .. } => ("claim windows", *span),
                ast::FundingEntry::Target(_, span) => ("target", *span),
            };
            // Years are told apart by their labels, below.
            if !name.is_empty() && !self.given_once(&mut seen, name, span) {
                continue;
            }
            match entry {
                ast::FundingEntry::Nominated(count, _) => funding.nominated = Some(count.value),
                ast::FundingEntry::Target(count, _) => funding.target = Some(count.value),
                ast::FundingEntry::PerFamily(amount, _) => funding.per_family = Some(amount.value),
                ast::FundingEntry::Deadweight {
                    numerator,
                    denominator,
                    rounding,
                    span,
                } => {
                    if denominator.value == 0 || numerator.value > denominator.value {
                        self.report(
                            Code::Funding,
                            *span,
                            "the deadweight must be a fraction between 0 and 1",
                            "write it as `deadweight 1/6 rounded up`",
                        );
                    } else {
                        funding.deadweight = Some(Deadweight {
                            numerator: numerator.value,
                            denominator: denominator.value,
                            rounding: match rounding {
                                ast::Rounding::Up => Rounding::Up,
                                ast::Rounding::Down => Rounding::Down,
                                ast::Rounding::Nearest => Rounding::Nearest,
                            },
                        });
                    }
                }
                ast::FundingEntry::Year(year) => {
                    if funding
                        .years
                        .iter()
                        .any(|existing| existing.label == year.label.value)
                    {
                        self.report(
                            Code::GivenTwice,
                            year.label.span,
                            format!("year `{}` is given twice", year.label.value),
                            "merge the two years",
                        );
                        continue;
                    }
                    let share =
                        |checker: &mut Checker, share: &Option<ast::Share>| -> Option<Share> {
                            match share {
                                Some(ast::Share::Percent(percent)) => {
                                    checker.percent_in_range(percent.value, percent.span);
                                    Some(Share::Percent(percent.value))
                                }
                                Some(ast::Share::Money(amount)) => Some(Share::Money(amount.value)),
                                None => None,
                            }
                        };
                    let attachment = share(self, &year.attachment);
                    let results = share(self, &year.results);
                    if let (Some(Share::Percent(a)), Some(Share::Percent(r))) =
                        (attachment, results)
                    {
                        // A sum too large to hold comes of a percentage
                        // outside 0–100%, refused as E0203 already.
                        if let Some(sum) =
                            a.0.checked_add(r.0)
                                .filter(|sum| *sum != 100 * Fixed::SCALE)
                        {
                            self.report(
                                Code::SharesNotWhole,
                                year.span,
                                format!("the attachment and results shares of `{}` add up to {}%, not 100%", year.label.value, Fixed(sum)),
                                "check the split the authority reported",
                            );
                        }
                    }
                    funding.years.push(FundingYear {
                        label: year.label.value.clone(),
                        families: year.families.map(|count| count.value),
                        attachment,
                        results,
                        lump_sum: year.lump_sum.map(|amount| amount.value),
                        target: year.target.map(|count| count.value),
                        days: self.target_year_days(year),
                    });
                }
                ast::FundingEntry::ClaimWindows {
                    from,
                    every,
                    until,
                    span,
                } => {
                    let Some(every_length) = self.length(every) else {
                        continue;
                    };
                    if from.value > until.value {
                        self.report(
                            Code::Funding,
                            *span,
                            "the claim windows end before they start",
                            "the `from` day must be on or before the `until` day",
                        );
                        continue;
                    }
                    funding.claim_windows = Some(ClaimWindows {
                        from: from.value,
                        every: every_length,
                        until: until.value,
                    });
                }
            }
        }
        if let Some(nominated) = funding.nominated {
            let families: u64 = funding
                .years
                .iter()
                .filter_map(|year| year.families)
                .map(u64::from)
                .sum();
            let funded = funded_families(nominated, funding.deadweight);
            if let Some(funded) = funded.filter(|funded| {
                !funding.years.is_empty()
                    && funding.years.iter().all(|year| year.families.is_some())
                    && families != u64::from(*funded)
            }) {
                self.report(
                    Code::FamiliesNotFunded,
                    block.span,
                    format!("the years fund {families} families, but {funded} are funded"),
                    "the families per year should add up to the funded families",
                );
            }
        }
        self.envelope_fits(block, &funding);
        Some(funding)
    }

    /// The days of a year with a target, whose claims it caps: its label
    /// must be an April–March funding year (E0250).
    fn target_year_days(&mut self, year: &ast::FundingYear) -> Option<(NaiveDate, NaiveDate)> {
        year.target?;
        let days = super::items::funding_year_days(&year.label.value);
        if days.is_none() {
            self.report(
                Code::TargetYear,
                year.label.span,
                format!(
                    "`{}` has a target but is not an April–March funding year",
                    year.label.value
                ),
                "write the year it starts and the last two digits of the next, e.g. `2023/24`",
            );
        }
        days
    }

    /// Every figure of the funding envelope must be exact: an amount past
    /// the largest held (E0213) or too many claim windows (E0214) is an
    /// error at the year or line that causes it, never a saturated figure.
    fn envelope_fits(&mut self, block: &ast::Funding, funding: &FundingDef) {
        use crate::plan::envelope;
        // The amounts and the claim windows are checked apart, so that a
        // block wrong in both is told of both.
        let amounts = FundingDef {
            claim_windows: None,
            ..funding.clone()
        };
        let windows = FundingDef {
            claim_windows: funding.claim_windows,
            ..nothing_given()
        };
        for checked in [amounts, windows] {
            if let Err(error) = envelope(&checked) {
                self.envelope_error(block, &error);
            }
        }
    }

    fn envelope_error(&mut self, block: &ast::Funding, error: &crate::plan::EnvelopeError) {
        use crate::plan::{EnvelopeError, MAX_CLAIM_WINDOWS};
        let entry_span = |wanted: &dyn Fn(&ast::FundingEntry) -> Option<Span>| {
            block.entries.iter().find_map(wanted).unwrap_or(block.span)
        };
        let (code, span, help) = match error {
            EnvelopeError::YearTooLarge { year, .. } => (
                Code::FundingTooLarge,
                entry_span(&|entry| match entry {
                    ast::FundingEntry::Year(entry) if entry.label.value == *year => {
                        Some(entry.span)
                    }
                    _ => None,
                }),
                format!(
                    "amounts are exact in pence up to {}: check the year's families and amounts",
                    Pence::MAX_POUNDS
                ),
            ),
            EnvelopeError::TooManyClaimWindows => (
                Code::TooManyClaimWindows,
                entry_span(&|entry| match entry {
                    ast::FundingEntry::ClaimWindows { span, .. } => Some(*span),
                    _ => None,
                }),
                format!(
                    "a funding block opens at most {MAX_CLAIM_WINDOWS} claim windows: make `every` longer or `until` earlier"
                ),
            ),
            // A bad deadweight is refused as E0211 already and never kept.
            EnvelopeError::Deadweight { .. } => return,
            _ => (
                Code::FundingTooLarge,
                block.span,
                format!(
                    "amounts are exact in pence up to {}: check the years' families and amounts",
                    Pence::MAX_POUNDS
                ),
            ),
        };
        let message = match error {
            EnvelopeError::TooManyClaimWindows => {
                format!("the claim windows open more than {MAX_CLAIM_WINDOWS} times")
            }
            EnvelopeError::YearTooLarge { year, figure } => {
                format!("the {figure} of year `{year}` are too large to add up exactly")
            }
            EnvelopeError::TotalTooLarge { figure } => {
                format!("the {figure} of all the years are too large to add up exactly")
            }
            other => other.to_string(),
        };
        self.report(code, span, message, help);
    }
}

/// A funding block that gives none of its figures.
fn nothing_given() -> FundingDef {
    FundingDef {
        nominated: None,
        deadweight: None,
        per_family: None,
        years: Vec::new(),
        claim_windows: None,
        target: None,
    }
}
