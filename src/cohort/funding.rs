//! The funding envelope a plan's funding block implies.

use crate::check::funded_families;
use crate::days::{Day, Length};
use crate::eval::PlanRef;
use crate::num::{Fixed, Pence};
use crate::plan::{Deadweight, FundingDef, Plan, Share};
use chrono::NaiveDate;
use serde::Serialize;

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
    /// Attachment and results together.
    pub total: Pence,
    /// The days claim windows open, from the first to the last on or before
    /// the `until` day.
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

    /// The envelope with the plan it comes from, as `tfop funding --format
    /// json` prints it.
    pub fn report<'a>(&'a self, plan: &Plan) -> FundingReport<'a> {
        FundingReport {
            plan: PlanRef::of(plan),
            nominated: self.nominated,
            deadweight: plan.funding().and_then(|funding| funding.deadweight),
            funded: self.funded,
            per_family: self.per_family,
            years: &self.years,
            totals: FundingTotals {
                families: self.total_families,
                attachment: self.total_attachment,
                results: self.total_results,
                total: self.total,
            },
            at_risk: self.at_risk(),
            claim_windows: &self.claim_windows,
            target: self.target,
            notes: &self.notes,
        }
    }
}

/// A funding envelope with the plan it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingReport<'a> {
    /// The plan whose funding block this is.
    pub plan: PlanRef,
    /// Families nominated.
    pub nominated: Option<u32>,
    /// The deadweight taken off the nominated families.
    pub deadweight: Option<Deadweight>,
    /// Families funded.
    pub funded: Option<u32>,
    /// The amount per funded family.
    pub per_family: Option<Pence>,
    /// Each year, in the plan's order.
    pub years: &'a [YearEnvelope],
    /// Every year added up.
    pub totals: FundingTotals,
    /// The results payments, paid only on results.
    pub at_risk: Pence,
    /// The days claim windows open.
    pub claim_windows: &'a [NaiveDate],
    /// Families the authority aims to turn around.
    pub target: Option<u32>,
    /// Figures that could not be computed, or do not agree, in words.
    pub notes: &'a [String],
}

/// The years of an envelope added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FundingTotals {
    /// The families of every year that states them.
    pub families: u64,
    /// The attachment fees of every year.
    pub attachment: Pence,
    /// The results payments of every year.
    pub results: Pence,
    /// Attachment and results together.
    pub total: Pence,
}

/// `families` × a share of `per_family`, in pence, rounded half up to the
/// penny; `None` when the share is a percentage and there is no amount per
/// family.
fn share_for(families: u32, share: Share, per_family: Option<Pence>) -> Option<Pence> {
    let exact_millionths_of_a_percent = match share {
        Share::Money(amount) => return Some(saturate(i128::from(families) * i128::from(amount.0))),
        Share::Percent(percent) => {
            i128::from(families) * i128::from(per_family?.0) * i128::from(percent.0)
        }
    };
    // pence × millionths of a percent ÷ (100 × 1,000,000), rounded half up.
    let denominator = 100 * i128::from(Fixed::SCALE);
    Some(saturate(
        (2 * exact_millionths_of_a_percent + denominator) / (2 * denominator),
    ))
}

fn saturate(pence: i128) -> Pence {
    Pence(i64::try_from(pence).unwrap_or(if pence < 0 { i64::MIN } else { i64::MAX }))
}

/// The days claim windows open: `from`, then every `every`, up to `until`.
fn window_days(from: NaiveDate, every: Length, until: NaiveDate) -> Vec<NaiveDate> {
    let (start, last) = (Day::from_date(from), Day::from_date(until));
    let mut days = vec![from];
    if every.count == 0 {
        return days;
    }
    // Each window counts from the first, so months never drift (31 January
    // + 1 month is 29 February, + 2 months is 31 March).
    for step in 1u32.. {
        let Some(count) = every.count.checked_mul(step) else {
            break;
        };
        let day = start.plus(Length {
            count,
            unit: every.unit,
        });
        let Some(date) = day.to_date().filter(|_| day <= last) else {
            break;
        };
        days.push(date);
    }
    days
}

/// The envelope of a funding block: funded families, each year's attachment
/// and results amounts, totals and claim windows, with exact integer
/// arithmetic.
pub fn envelope(funding: &FundingDef) -> Envelope {
    let funded = funding
        .nominated
        .map(|nominated| funded_families(nominated, funding.deadweight));
    let mut notes = Vec::new();
    let mut years = Vec::new();
    let (mut total_families, mut total_attachment, mut total_results) = (0u64, Pence(0), Pence(0));
    for year in &funding.years {
        let per_family =
            |share: Option<Share>| share.and_then(|s| share_for(1, s, funding.per_family));
        let amount = |share: Option<Share>| {
            share.and_then(|s| share_for(year.families?, s, funding.per_family))
        };
        let entry = YearEnvelope {
            label: year.label.clone(),
            families: year.families,
            attachment_per_family: per_family(year.attachment),
            results_per_family: per_family(year.results),
            attachment: amount(year.attachment),
            results: amount(year.results),
        };
        if year.families.is_none() {
            notes.push(format!(
                "year `{}` states no families, so its amounts are left out of the totals",
                year.label
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
        total_families += u64::from(year.families.unwrap_or(0));
        total_attachment = total_attachment.saturating_add(entry.attachment.unwrap_or_default());
        total_results = total_results.saturating_add(entry.results.unwrap_or_default());
        years.push(entry);
    }
    if let Some(funded) = funded {
        if !years.is_empty() && total_families != u64::from(funded) {
            notes.push(format!(
                "the years fund {total_families} families, but {funded} are funded"
            ));
        }
    }
    let claim_windows = funding
        .claim_windows
        .map(|windows| window_days(windows.from, windows.every, windows.until))
        .unwrap_or_default();
    Envelope {
        nominated: funding.nominated,
        funded,
        per_family: funding.per_family,
        years,
        total_families,
        total_attachment,
        total_results,
        total: total_attachment.saturating_add(total_results),
        claim_windows,
        target: funding.target,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Plan;

    fn funding(block: &str) -> Envelope {
        let text = format!(
            "plan \"T\" {{ framework phase1 }}\neligible when at least 1 problems\nproblem p \"P\" {{ indicator i \"I\" {{ any member has offence }} significant \"S\" {{ no offence in family within 1 month }} }}\nfunding {{\n{block}\n}}"
        );
        let plan = match Plan::parse(&text) {
            Ok(plan) => plan,
            Err(diagnostics) => panic!("{}", diagnostics.render("t.tfop", &text)),
        };
        envelope(plan.funding().unwrap())
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
            Some(Pence(1))
        );
        assert_eq!(
            share_for(1, Share::Percent(Fixed(49_000_000)), Some(Pence(1))),
            Some(Pence(0))
        );
        assert_eq!(
            share_for(3, Share::Percent(Fixed(33_333_333)), Some(Pence(100))),
            Some(Pence(100))
        );
        assert_eq!(share_for(3, Share::Percent(Fixed(50_000_000)), None), None);
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
            unit: crate::days::Unit::Months,
        };
        assert_eq!(
            window_days(day(2016, 1, 31), every_month, day(2016, 3, 31)),
            [day(2016, 1, 31), day(2016, 2, 29), day(2016, 3, 31)]
        );
        assert_eq!(
            window_days(day(2016, 1, 31), every_month, day(2016, 3, 30)),
            [day(2016, 1, 31), day(2016, 2, 29)]
        );
    }
}
