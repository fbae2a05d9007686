//! The funding envelope a plan's funding block implies: what the checker
//! proves exact and the funding report prints.

use super::{FundingDef, Plan, Share, funded_families};
use crate::num::{Fixed, Pence, pounds};
use chrono::NaiveDate;
use serde::Serialize;

/// The most claim windows a funding block may open: past this the block
/// is refused (E0214), so the envelope lists every window.
pub const MAX_CLAIM_WINDOWS: usize = 1_000;

/// One year of the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearEnvelope {
    /// The year's label, e.g. `2012/13`.
    pub label: String,
    /// Families funded in the year, when the plan states them.
    pub families: Option<u32>,
    /// The attachment fee per family, rounded to the penny (half up).
    pub attachment_per_family: Option<Pence>,
    /// The results payment per family, rounded likewise.
    pub results_per_family: Option<Pence>,
    /// The year's attachment fees: families × share, rounded once.
    pub attachment: Option<Pence>,
    /// The year's results payments.
    pub results: Option<Pence>,
    /// The year's attachment and results together (and its lump sum), when
    /// any is known.
    pub total: Option<Pence>,
    /// The sum paid up front for the year, when the plan states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lump_sum: Option<Pence>,
    /// The year's target of claimable families, when the plan states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<u32>,
}

/// What a funding block adds up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Families nominated.
    pub nominated: Option<u32>,
    /// Nominated less the deadweight, rounded as the plan says; the
    /// nominated families when there is no deadweight.
    pub funded: Option<u32>,
    /// The amount per funded family.
    pub per_family: Option<Pence>,
    /// Each year, in the plan's order.
    pub years: Vec<YearEnvelope>,
    /// The families of every year that states them.
    pub total_families: u64,
    /// The attachment fees of every year.
    pub total_attachment: Pence,
    /// The results payments of every year: the amount at risk.
    pub total_results: Pence,
    /// The lump sums of every year, paid up front.
    pub total_lump_sum: Pence,
    /// Attachment, results and lump sums together.
    pub total: Pence,
    /// The days claim windows open, from the first to the last on or before
    /// the `until` day; at most [`MAX_CLAIM_WINDOWS`].
    pub claim_windows: Vec<NaiveDate>,
    /// Families the authority aims to turn around.
    pub target: Option<u32>,
    /// Figures that could not be computed, or do not agree, in words.
    pub notes: Vec<String>,
}

impl Envelope {
    /// The amount at risk: the results payments, paid only on results.
    pub fn at_risk(&self) -> Pence {
        self.total_results
    }
}

/// Which figure of a funding block is too large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Figure {
    /// Attachment fees.
    Attachment,
    /// Results payments.
    Results,
    /// Attachment and results together.
    Total,
    /// Families.
    Families,
    /// Lump sums paid up front.
    LumpSums,
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Figure::Attachment => "attachment fees",
            Figure::Results => "results payments",
            Figure::Total => "attachment fees and results payments",
            Figure::Families => "families",
            Figure::LumpSums => "lump sums",
        })
    }
}

/// Why a funding block has no envelope: a figure that cannot be held
/// exactly is refused, never saturated or wrapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// A year's amount is past [`Pence::MAX`].
    #[error(
        "the {figure} of year `{year}` come to more than {max}, the largest amount held exactly; check the year's families and amounts",
        max = Pence::MAX_POUNDS
    )]
    YearTooLarge {
        /// The year's label.
        year: String,
        /// Which of its figures.
        figure: Figure,
    },
    /// The years' amounts together are past [`Pence::MAX`].
    #[error(
        "the {figure} of all the years add up to more than {max}, the largest amount held exactly; check the years' families and amounts",
        max = Pence::MAX_POUNDS
    )]
    TotalTooLarge {
        /// Which figure.
        figure: Figure,
    },
    /// More than [`MAX_CLAIM_WINDOWS`] claim windows.
    #[error(
        "the claim windows open more than {MAX_CLAIM_WINDOWS} times; make `every` longer or `until` earlier"
    )]
    TooManyClaimWindows,
    /// A deadweight that is not a fraction from 0 to 1.
    #[error(
        "the deadweight {numerator}/{denominator} is not a fraction between 0 and 1; write it as `deadweight 1/6 rounded up`"
    )]
    Deadweight {
        /// The fraction's top.
        numerator: u32,
        /// The fraction's bottom.
        denominator: u32,
    },
}

/// An amount past [`Pence::MAX`].
#[derive(Debug, PartialEq, Eq)]
struct TooLarge;

/// `families` × a share of `per_family`, in pence, rounded half up to the
/// penny; `Ok(None)` when the share is a percentage and there is no amount
/// per family.
fn share_for(
    families: u32,
    share: Share,
    per_family: Option<Pence>,
) -> Result<Option<Pence>, TooLarge> {
    // A count of families times an amount fits 128 bits, but times an
    // amount and a percentage need not: every step is checked.
    let families = i128::from(families);
    let exact = match share {
        Share::Money(amount) => families.checked_mul(i128::from(amount.0)),
        Share::Percent(percent) => {
            let Some(per_family) = per_family else {
                return Ok(None);
            };
            // pence × millionths of a percent ÷ (100 × 1,000,000), rounded
            // half up: ⌊(2 × exact + denominator) ÷ (2 × denominator)⌋.
            const DENOMINATOR: i128 = 100 * Fixed::SCALE as i128;
            families
                .checked_mul(i128::from(per_family.0))
                .and_then(|pence| pence.checked_mul(i128::from(percent.0)))
                .and_then(|exact| exact.checked_mul(2))
                .and_then(|twice| twice.checked_add(DENOMINATOR))
                .and_then(|twice| twice.checked_div(2 * DENOMINATOR))
        }
    }
    .ok_or(TooLarge)?;
    Pence::from_i128(exact).map(Some).ok_or(TooLarge)
}

/// `Some(a + b)` of the amounts known; `None` when neither is.
fn sum_known(a: Option<Pence>, b: Option<Pence>) -> Result<Option<Pence>, TooLarge> {
    match (a, b) {
        (None, None) => Ok(None),
        (a, b) => a
            .unwrap_or_default()
            .checked_add(b.unwrap_or_default())
            .map(Some)
            .ok_or(TooLarge),
    }
}

/// The envelope of a funding block: funded families, each year's attachment
/// and results amounts, totals and claim windows, with exact integer
/// arithmetic. A figure past [`Pence::MAX`], more than
/// [`MAX_CLAIM_WINDOWS`] windows or a deadweight that is no fraction is an
/// error; a checked plan has none of them.
///
/// A year with a target and no results share pays nothing on results
/// here, since what an outcome pays is the plan's claim, not the block's:
/// [`plan_envelope`] counts it.
pub fn envelope(funding: &FundingDef) -> Result<Envelope, EnvelopeError> {
    envelope_paying(funding, None)
}

/// The envelope of a plan's funding block, `None` when it has none. A
/// Supporting Families year (a target, no results share) can earn the
/// plan's outcome payment ([`outcome_payment`]) a family up to its target,
/// on results: its `results_per_family`, `results` (target × payment),
/// total and the amount at risk count it.
pub fn plan_envelope(plan: &Plan) -> Option<Result<Envelope, EnvelopeError>> {
    plan.funding().map(|funding| {
        let mut envelope = envelope_paying(funding, outcome_payment(plan))?;
        if plan.settings().earned_autonomy {
            // Nothing of a target year is on results: say why its results
            // are blank and what its target still counts.
            for year in funding.years.iter().filter(|year| year.target.is_some()) {
                envelope.notes.push(format!(
                    "year `{}`: on earned autonomy its funding is paid up front and nothing is earned on results; families with a successful family outcome count against its target (give the families and --as-of)",
                    year.label
                ));
            }
        }
        Ok(envelope)
    })
}

/// What one successful family outcome pays: the largest claim of the plan
/// (a Supporting Families plan has one, the outcome: there is no
/// employment route); `None` when the plan pays no claim, or is on earned
/// autonomy (its funding all up front, its claims `not_applicable`).
pub fn outcome_payment(plan: &Plan) -> Option<Pence> {
    if plan.settings().earned_autonomy {
        return None;
    }
    plan.claim_types().map(|(_, amount)| amount).max()
}

fn envelope_paying(
    funding: &FundingDef,
    per_outcome: Option<Pence>,
) -> Result<Envelope, EnvelopeError> {
    let funded = match funding.nominated {
        Some(nominated) => Some(funded_families(nominated, funding.deadweight).ok_or(
            EnvelopeError::Deadweight {
                numerator: funding.deadweight.map_or(0, |d| d.numerator),
                denominator: funding.deadweight.map_or(0, |d| d.denominator),
            },
        )?),
        None => None,
    };
    let mut notes = Vec::new();
    let mut years = Vec::new();
    let (mut total_families, mut total_attachment, mut total_results) = (0u64, Pence(0), Pence(0));
    let mut total_lump_sum = Pence(0);
    for year in &funding.years {
        let too_large = |figure: Figure| {
            move |TooLarge| EnvelopeError::YearTooLarge {
                year: year.label.clone(),
                figure,
            }
        };
        let per_family = |share: Option<Share>, figure: Figure| match share {
            Some(share) => share_for(1, share, funding.per_family).map_err(too_large(figure)),
            None => Ok(None),
        };
        let amount = |share: Option<Share>, figure: Figure| match (share, year.families) {
            (Some(share), Some(families)) => {
                share_for(families, share, funding.per_family).map_err(too_large(figure))
            }
            _ => Ok(None),
        };
        let attachment = amount(year.attachment, Figure::Attachment)?;
        // A year with a target and no results share pays the outcome claim
        // a family up to the target.
        let by_outcome = match (year.target, year.results, per_outcome) {
            (Some(target), None, Some(pays)) => Some((target, pays)),
            _ => None,
        };
        let (results_per_family, results) = match by_outcome {
            Some((target, pays)) => (
                Some(pays),
                share_for(target, Share::Money(pays), None).map_err(too_large(Figure::Results))?,
            ),
            None => (
                per_family(year.results, Figure::Results)?,
                amount(year.results, Figure::Results)?,
            ),
        };
        let entry = YearEnvelope {
            label: year.label.clone(),
            families: year.families,
            attachment_per_family: per_family(year.attachment, Figure::Attachment)?,
            results_per_family,
            attachment,
            results,
            total: sum_known(attachment, results)
                .and_then(|total| sum_known(total, year.lump_sum))
                .map_err(too_large(Figure::Total))?,
            lump_sum: year.lump_sum,
            target: year.target,
        };
        // A Supporting Families year states a lump sum and a target, not
        // families and shares, so it leaves nothing out.
        if year.families.is_none() && year.lump_sum.is_none() && year.target.is_none() {
            notes.push(format!(
                "year `{}` states no families, so its amounts are left out of the totals",
                year.label
            ));
        }
        // Supporting Families pays per successful outcome, up to the target:
        // say how the results column is made, and where what is earned shows.
        if let Some((target, pays)) = by_outcome {
            notes.push(format!(
                "year `{}` can earn {} a successful family outcome up to its target of {target} families, on results (in the results column and at risk until claimed); give the families and --as-of to see what is earned and claimable",
                year.label,
                pounds(pays)
            ));
        }
        let percent_without_amount = [year.attachment, year.results]
            .iter()
            .any(|share| matches!(share, Some(Share::Percent(_))))
            && funding.per_family.is_none();
        if percent_without_amount {
            notes.push(format!(
                "year `{}` gives shares as percentages but the block states no `per family` amount",
                year.label
            ));
        }
        let total_too_large = |figure| EnvelopeError::TotalTooLarge { figure };
        total_families = total_families
            .checked_add(u64::from(year.families.unwrap_or(0)))
            .ok_or(total_too_large(Figure::Families))?;
        total_attachment = total_attachment
            .checked_add(entry.attachment.unwrap_or_default())
            .ok_or(total_too_large(Figure::Attachment))?;
        total_results = total_results
            .checked_add(entry.results.unwrap_or_default())
            .ok_or(total_too_large(Figure::Results))?;
        total_lump_sum = total_lump_sum
            .checked_add(entry.lump_sum.unwrap_or_default())
            .ok_or(total_too_large(Figure::LumpSums))?;
        years.push(entry);
    }
    if let Some(funded) = funded {
        if !years.is_empty() && total_families != u64::from(funded) {
            notes.push(format!(
                "the years fund {total_families} families, but {funded} are funded"
            ));
        }
    }
    let claim_windows = match funding.claim_windows {
        Some(windows) => windows
            .opening_days(MAX_CLAIM_WINDOWS)
            .ok_or(EnvelopeError::TooManyClaimWindows)?,
        None => Vec::new(),
    };
    Ok(Envelope {
        nominated: funding.nominated,
        funded,
        per_family: funding.per_family,
        years,
        total_families,
        total_attachment,
        total_results,
        total_lump_sum,
        total: total_attachment
            .checked_add(total_results)
            .and_then(|total| total.checked_add(total_lump_sum))
            .ok_or(EnvelopeError::TotalTooLarge {
                figure: Figure::Total,
            })?,
        claim_windows,
        target: funding.target,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::days::Length;
    use crate::{Code, Plan};

    #[test]
    fn a_share_past_128_bits_is_too_large_not_wrapped() {
        // A checked plan's percentages are at most 100%, which keeps the
        // product under 2^122; past that it once overflowed i128.
        let most = Share::Percent(Fixed(i64::MAX));
        assert_eq!(share_for(u32::MAX, most, Some(Pence::MAX)), Err(TooLarge));
        let all = Share::Percent(Fixed(100 * Fixed::SCALE));
        assert_eq!(share_for(2, all, Some(Pence(150))), Ok(Some(Pence(300))));
        // Half a penny rounds up: 1 family × £0.01 × 50%.
        let half = Share::Percent(Fixed(50 * Fixed::SCALE));
        assert_eq!(share_for(1, half, Some(Pence(1))), Ok(Some(Pence(1))));
        assert_eq!(
            share_for(u32::MAX, Share::Money(Pence::MAX), None),
            Err(TooLarge)
        );
    }

    #[test]
    fn lump_sums_and_targets_are_added_up_exactly_and_an_overflow_is_an_error() {
        let envelope = funding(
            "year \"2022/23\" { lump sum £250000.50 target 120 families }\n\
             year \"2023/24\" { lump sum £300000 target 140 families }",
        );
        assert_eq!(envelope.years[0].lump_sum, Some(Pence(25_000_050)));
        assert_eq!(envelope.years[1].target, Some(140));
        assert_eq!(envelope.total_lump_sum, Pence(55_000_050));
        assert_eq!(envelope.total, Pence(55_000_050));
        // Every year's lump sum held, but not their total.
        let most = |label: &str| crate::plan::FundingYear {
            label: label.into(),
            families: None,
            attachment: None,
            results: None,
            lump_sum: Some(Pence::MAX),
            target: None,
            days: None,
        };
        let block = FundingDef {
            nominated: None,
            deadweight: None,
            per_family: None,
            years: vec![most("2022/23"), most("2023/24")],
            claim_windows: None,
            target: None,
        };
        assert_eq!(
            super::envelope(&block),
            Err(EnvelopeError::TotalTooLarge {
                figure: Figure::LumpSums
            })
        );
    }

    fn funding(block: &str) -> Envelope {
        let text = format!(
            "plan \"T\" {{ framework phase1 }}\neligible when at least 1 problems\nproblem p \"P\" {{ indicator i \"I\" {{ any member has offence }} significant \"S\" {{ no offence in family within 1 month }} }}\nfunding {{\n{block}\n}}"
        );
        let plan = match Plan::parse(&text) {
            Ok(plan) => plan,
            Err(diagnostics) => panic!("{}", diagnostics.render("t.tfop", &text)),
        };
        envelope(plan.funding().unwrap()).unwrap()
    }

    #[test]
    fn lancashire_funds_2192_of_2630_families_rounding_2191_67_up() {
        let envelope = funding(
            r#"nominated 2630 families
deadweight 1/6 rounded up
per family £4000
year "2012/13" { families 731 attachment 80% results 20% }
year "2013/14" { families 731 attachment 60% results 40% }
year "2014/15" { families 730 attachment 40% results 60% }
target 2192 families"#,
        );
        assert_eq!(envelope.funded, Some(2192));
        let amounts: Vec<_> = envelope
            .years
            .iter()
            .map(|year| (year.attachment.unwrap().0, year.results.unwrap().0))
            .collect();
        assert_eq!(
            amounts,
            [
                (233_920_000, 58_480_000),
                (175_440_000, 116_960_000),
                (116_800_000, 175_200_000)
            ]
        );
        assert_eq!(
            envelope.years[0].attachment_per_family,
            Some(Pence(320_000))
        );
        assert_eq!(envelope.total_attachment, Pence(526_160_000));
        assert_eq!(envelope.at_risk(), Pence(350_640_000));
        // 2,192 families × £4,000.
        assert_eq!(envelope.total, Pence(876_800_000));
        assert!(envelope.notes.is_empty(), "{:?}", envelope.notes);
    }

    #[test]
    fn barnet_funds_588_of_705_families_rounding_587_5_up() {
        let envelope = funding(
            r#"nominated 705 families
deadweight 1/6 rounded up
per family £4000
year "2012/13" { families 294 attachment 80% results 20% }
year "2013/14" { families 294 attachment 60% results 40% }
claim windows from 2013-01-01 every 6 months until 2015-05-31"#,
        );
        assert_eq!(envelope.funded, Some(588));
        assert_eq!(envelope.total_attachment, Pence(164_640_000));
        assert_eq!(envelope.total_results, Pence(70_560_000));
        assert_eq!(envelope.total, Pence(235_200_000));
        let windows: Vec<String> = envelope
            .claim_windows
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            windows,
            [
                "2013-01-01",
                "2013-07-01",
                "2014-01-01",
                "2014-07-01",
                "2015-01-01"
            ]
        );
    }

    #[test]
    fn rounding_down_and_to_nearest_follow_the_plan() {
        let down = funding("nominated 2630 families\ndeadweight 1/6 rounded down");
        assert_eq!(down.funded, Some(2191));
        let nearest = funding("nominated 705 families\ndeadweight 1/6 rounded to nearest");
        // 587.5: halves go up.
        assert_eq!(nearest.funded, Some(588));
        let no_deadweight = funding("nominated 705 families");
        assert_eq!(no_deadweight.funded, Some(705));
    }

    #[test]
    fn a_share_in_pounds_is_an_amount_per_family() {
        let envelope = funding(
            r#"nominated 12 families
year "2015/16" { families 12 attachment £1000 results £800 }"#,
        );
        assert_eq!(envelope.years[0].attachment, Some(Pence(1_200_000)));
        assert_eq!(envelope.years[0].results_per_family, Some(Pence(80_000)));
        assert_eq!(envelope.total, Pence(2_160_000));
    }

    #[test]
    fn a_percentage_of_a_penny_rounds_half_up_once_per_year() {
        // 1 family × £0.01 × 50% = half a penny → 1p; 3 families × 1/3 of £1 = exactly £1.
        assert_eq!(
            share_for(1, Share::Percent(Fixed(50_000_000)), Some(Pence(1))),
            Ok(Some(Pence(1)))
        );
        assert_eq!(
            share_for(1, Share::Percent(Fixed(49_000_000)), Some(Pence(1))),
            Ok(Some(Pence(0)))
        );
        assert_eq!(
            share_for(3, Share::Percent(Fixed(33_333_333)), Some(Pence(100))),
            Ok(Some(Pence(100)))
        );
        assert_eq!(
            share_for(3, Share::Percent(Fixed(50_000_000)), None),
            Ok(None)
        );
    }

    #[test]
    fn missing_figures_are_noted_not_guessed() {
        let envelope = funding(
            r#"nominated 705 families
deadweight 1/6 rounded up
year "2012/13" { attachment 80% results 20% }"#,
        );
        assert_eq!(envelope.years[0].attachment, None);
        assert_eq!(envelope.years[0].attachment_per_family, None);
        assert_eq!(envelope.total, Pence(0));
        assert_eq!(envelope.notes.len(), 3, "{:?}", envelope.notes);
    }

    #[test]
    fn monthly_windows_count_from_the_first_so_month_ends_do_not_drift() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let every_month = Length {
            count: 1,
            unit: crate::unit::TimeUnit::Months,
        };
        let windows = |until| crate::plan::ClaimWindows {
            from: day(2016, 1, 31),
            every: every_month,
            until,
        };
        assert_eq!(
            windows(day(2016, 3, 31))
                .opening_days(MAX_CLAIM_WINDOWS)
                .unwrap(),
            [day(2016, 1, 31), day(2016, 2, 29), day(2016, 3, 31)]
        );
        assert_eq!(
            windows(day(2016, 3, 30))
                .opening_days(MAX_CLAIM_WINDOWS)
                .unwrap(),
            [day(2016, 1, 31), day(2016, 2, 29)]
        );
    }

    /// The codes of a plan's errors with this funding block.
    fn funding_errors(block: &str) -> Vec<(Code, String)> {
        let text = format!(
            "plan \"T\" {{ framework phase1 }}\neligible when at least 1 problems\nproblem p \"P\" {{ indicator i \"I\" {{ any member has offence }} significant \"S\" {{ no offence in family within 1 month }} }}\nfunding {{\n{block}\n}}"
        );
        match Plan::parse(&text) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics
                .0
                .iter()
                .map(|d| {
                    let (line, _) = d.line_column(&text);
                    (d.code, format!("{line}: {}", d.message))
                })
                .collect(),
        }
    }

    // 153,092,023 families × £602,472,412.09 is exactly the largest amount
    // held, 9,223,372,036,854,775,807 pence.
    const AT_THE_LIMIT: &str = r#"year "a" { families 153092023 attachment £602472412.09 }"#;

    #[test]
    fn amounts_add_up_exactly_to_the_largest_held() {
        let envelope = funding(AT_THE_LIMIT);
        assert_eq!(envelope.years[0].attachment, Some(Pence::MAX));
        assert_eq!(envelope.years[0].total, Some(Pence::MAX));
        assert_eq!(envelope.total, Pence::MAX);
    }

    #[test]
    fn a_year_one_family_past_the_largest_amount_is_refused_not_saturated() {
        // Once £92,233,720,368,547,758.07, whatever the real amount.
        let errors = funding_errors(r#"year "a" { families 153092024 attachment £602472412.09 }"#);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, Code::FundingTooLarge);
        assert_eq!(
            errors[0].1,
            "5: the attachment fees of year `a` are too large to add up exactly"
        );
        // Results alone fit; with the attachment the year's total does not.
        let errors = funding_errors(
            r#"year "a" { families 153092023 attachment £0.01 results £602472412.09 }"#,
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].1,
            "5: the attachment fees and results payments of year `a` are too large to add up exactly"
        );
    }

    #[test]
    fn years_adding_up_past_the_largest_amount_are_refused_at_the_block() {
        let errors = funding_errors(&format!(
            "{AT_THE_LIMIT}\nyear \"b\" {{ families 1 attachment £0.01 }}"
        ));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, Code::FundingTooLarge);
        assert_eq!(
            errors[0].1,
            "4: the attachment fees of all the years are too large to add up exactly"
        );
        // Attachment and results each fit; together they do not.
        let errors = funding_errors(&format!(
            "{AT_THE_LIMIT}\nyear \"b\" {{ families 1 results £0.01 }}"
        ));
        assert_eq!(
            errors.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
            [
                "4: the attachment fees and results payments of all the years are too large to add up exactly"
            ]
        );
    }

    #[test]
    fn the_reproducer_is_refused_with_both_errors() {
        let errors = funding_errors(
            r#"nominated 4294967295 families
deadweight 1/4294967295 rounded up
per family £4294967295
year "a" { families 4294967295 attachment 100% results 100% }
year "b" { families 4294967295 attachment £4294967295 results £4294967295 }
claim windows from 0001-01-01 every 1 days until 9999-12-31
target 4294967295 families"#,
        );
        let codes: Vec<Code> = errors.iter().map(|e| e.0).collect();
        assert!(codes.contains(&Code::FundingTooLarge), "{errors:?}");
        assert!(codes.contains(&Code::TooManyClaimWindows), "{errors:?}");
    }

    #[test]
    fn a_thousand_claim_windows_are_listed_and_one_more_is_refused() {
        // 2013-01-01 + 999 days is 2015-09-27.
        let envelope = funding("claim windows from 2013-01-01 every 1 days until 2015-09-27");
        assert_eq!(envelope.claim_windows.len(), MAX_CLAIM_WINDOWS);
        assert_eq!(
            envelope.claim_windows.last().map(ToString::to_string),
            Some("2015-09-27".to_owned())
        );
        let errors = funding_errors("claim windows from 2013-01-01 every 1 days until 2015-09-28");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, Code::TooManyClaimWindows);
        assert_eq!(
            errors[0].1,
            "5: the claim windows open more than 1000 times"
        );
    }

    #[test]
    fn the_envelope_of_an_unchecked_block_is_an_error_not_a_panic() {
        use crate::plan::{ClaimWindows, Deadweight, FundingYear, Rounding};
        let block = FundingDef {
            nominated: Some(10),
            deadweight: Some(Deadweight {
                numerator: 1,
                denominator: 0,
                rounding: Rounding::Up,
            }),
            per_family: None,
            years: Vec::new(),
            claim_windows: None,
            target: None,
        };
        assert_eq!(
            envelope(&block),
            Err(EnvelopeError::Deadweight {
                numerator: 1,
                denominator: 0
            })
        );
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let block = FundingDef {
            nominated: None,
            deadweight: None,
            years: vec![FundingYear {
                label: "a".into(),
                families: Some(u32::MAX),
                attachment: Some(Share::Money(Pence(i64::MAX))),
                results: None,
                lump_sum: None,
                target: None,
                days: None,
            }],
            claim_windows: Some(ClaimWindows {
                from: day(1, 1, 1),
                every: Length {
                    count: 1,
                    unit: crate::unit::TimeUnit::Days,
                },
                until: day(9999, 12, 31),
            }),
            ..block
        };
        assert_eq!(
            envelope(&block),
            Err(EnvelopeError::YearTooLarge {
                year: "a".into(),
                figure: Figure::Attachment
            })
        );
    }

    #[test]
    fn funded_families_round_to_nearest_at_the_largest_counts() {
        // 2 × 4294967295² once overflowed 64 bits.
        let all =
            funding("nominated 4294967295 families\ndeadweight 0/4294967295 rounded to nearest");
        assert_eq!(all.funded, Some(u32::MAX));
        let most =
            funding("nominated 4294967295 families\ndeadweight 1/4294967295 rounded to nearest");
        assert_eq!(most.funded, Some(u32::MAX - 1));
    }
}
