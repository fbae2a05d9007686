//! Which attachment a decision uses when a family was attached more than
//! once (closed, then attached again): the plan's `reattachment` setting.

use super::Facts;
use super::sets::Evaluated;
use crate::days::Day;
use crate::family::Family;
use crate::plan::{Plan, Reattachment};
use chrono::NaiveDate;

impl<'p, 'f> Evaluated<'p, 'f> {
    /// The family evaluated with the attachment its decision uses: of the
    /// attachment days on or before the as-of day, the first, or the latest
    /// valid one (the latest when none is valid), as the plan says.
    /// Validity depends on the attachment day (`before attachment` windows
    /// are anchored at it), so each candidate is evaluated in turn, latest
    /// first; a family attached once is evaluated once.
    pub(crate) fn with_attachment(plan: &'p Plan, facts: &'p Facts<'f>) -> Evaluated<'p, 'f> {
        let days = attachment_days(plan, facts);
        match plan.settings.reattachment {
            Reattachment::First => Evaluated::new(plan, facts, days.first().copied()),
            Reattachment::LatestValid => {
                let Some((latest, earlier)) = days.split_last() else {
                    return Evaluated::new(plan, facts, None);
                };
                let newest = Evaluated::new(plan, facts, Some(*latest));
                if newest.attachment_valid() {
                    return newest;
                }
                earlier
                    .iter()
                    .rev()
                    .map(|day| Evaluated::new(plan, facts, Some(*day)))
                    .find(Evaluated::attachment_valid)
                    .unwrap_or(newest)
            }
        }
    }

    /// Whether the attachment used is valid: eligible, with every principle
    /// in place, on its day.
    pub(crate) fn attachment_valid(&self) -> bool {
        self.attachment
            .as_ref()
            .is_some_and(|(day, missing)| missing.is_empty() && self.eligibility.contains(*day))
    }

    /// How many attachments on or before the as-of day the family has; the
    /// explanation says which one was used when there are several.
    pub(crate) fn attachment_count(&self) -> usize {
        attachment_days(self.plan, self.facts).len()
    }
}

/// The family's attachment days on or before the as-of day, in order, each
/// once.
fn attachment_days(plan: &Plan, facts: &Facts<'_>) -> Vec<Day> {
    let mut days: Vec<Day> = facts
        .of_kind(plan.known.attachment)
        .map(|fact| fact.start)
        .collect();
    days.dedup();
    days
}

impl Plan {
    /// The attachment day a decision as of `as_of` uses (see the
    /// `reattachment` setting), or `None` for a family not attached by then.
    pub fn attachment_used(&self, family: &Family, as_of: NaiveDate) -> Option<NaiveDate> {
        let facts = Facts::new(self, family, Day::from_date(as_of));
        let evaluated = Evaluated::with_attachment(self, &facts);
        evaluated
            .attachment
            .as_ref()
            .and_then(|(day, _)| day.to_date())
    }
}
