//! Approvals of discretionary claims: a plan's `discretionary` claim is
//! decided only with an `approval` record naming it, who approved it and
//! when, and every decision of it carries that approval for audit.

use super::sets::Evaluated;
use super::{Approval, Fact};
use crate::days::Day;
use crate::family::FieldValue;

impl Evaluated<'_, '_> {
    /// The `approval` records naming the claim at `index` of the plan, as
    /// known on the as-of day.
    fn approvals_of(&self, index: usize) -> impl Iterator<Item = &Fact<'_>> {
        let known = self.plan.known;
        self.facts.of_kind(known.approval).filter(move |fact| {
            self.claim_named_by(fact, known.approval, known.approval_claim_field) == Some(index)
        })
    }

    /// The first day the claim at `index` is approved on, if it is.
    pub(crate) fn approved_from(&self, index: usize) -> Option<Day> {
        self.approvals_of(index).map(|fact| fact.start).min()
    }

    /// The first approval of the claim at `index`: its day, who approved
    /// it (the first name in order, when several approved it that day),
    /// and every record of that approval.
    pub(crate) fn approval(&self, index: usize) -> Option<Approval> {
        let by_field = self.plan.known.approval_by_field;
        let by = |fact: &Fact<'_>| match fact.field(by_field) {
            Some(FieldValue::Text(name)) => name.clone(),
            _ => String::new(),
        };
        let (day, name) = self
            .approvals_of(index)
            .map(|fact| (fact.start, by(fact)))
            .min()?;
        let records = self.cite_in_order(
            self.approvals_of(index)
                .filter(|fact| fact.start == day && by(fact) == name)
                .map(|fact| fact.index),
        );
        Some(Approval {
            by: name,
            date: day.to_date()?,
            records,
        })
    }
}
