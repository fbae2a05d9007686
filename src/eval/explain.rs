//! The [`Explanation`] of a decision, built beside it from the same sets:
//! each problem with the records behind it, each progress measure with its
//! windows and values, and each claim with why and from when.

use super::explanation::{
    ClaimEvidence, Explanation, IndicatorEvidence, PeriodUnit, ProblemEvidence, ProgressEvidence,
    Record, RecordDays, Sustain,
};
use super::sets::Evaluated;
use super::{Decision, Facts};
use crate::days::{Day, Unit};
use crate::family::Family;
use crate::plan::{Plan, SustainLen};
use crate::vocab::Shape;
use chrono::NaiveDate;
use std::collections::HashMap;

impl Plan {
    /// The decision for a family as of a day, with the evidence behind each
    /// part, as data; [`Plan::explain`] is its text.
    pub fn explanation(&self, family: &Family, as_of: NaiveDate) -> Explanation {
        let day = Day::from_date(as_of);
        let facts = Facts::new(self, family, day);
        let evaluated = Evaluated::new(self, &facts);
        let decision = evaluated.decide(as_of);
        evaluated.explanation(&decision)
    }

    /// The decision for a family as of a day, explained in words: the text of
    /// [`Plan::explanation`].
    pub fn explain(&self, family: &Family, as_of: NaiveDate) -> String {
        self.explanation(family, as_of).to_string()
    }
}

impl Evaluated<'_, '_> {
    fn explanation(&self, decision: &Decision) -> Explanation {
        let plan = self.plan;
        let records = Records::new(self, decision.as_of);
        let problems = decision
            .problems
            .iter()
            .filter_map(|finding| {
                let problem = plan.problems.iter().find(|p| p.id == finding.id)?;
                let indicators = finding
                    .indicators
                    .iter()
                    .map(|indicator| IndicatorEvidence {
                        id: indicator.id.clone(),
                        title: problem
                            .indicators
                            .iter()
                            .find(|i| i.id == indicator.id)
                            .map_or_else(String::new, |i| i.title.clone()),
                        evidence: records.cite(&indicator.evidence),
                    })
                    .collect();
                Some(ProblemEvidence {
                    id: problem.id.clone(),
                    title: problem.title.clone(),
                    indicators,
                })
            })
            .collect();

        let day = self.facts.as_of;
        let progress = decision
            .progress
            .iter()
            .filter_map(|progress| {
                let problem = plan.problems.iter().find(|p| p.id == progress.problem)?;
                let evidence = if progress.significant {
                    Vec::new()
                } else {
                    records.cite(&self.evidence_of_failure(&problem.significant, day))
                };
                Some(ProgressEvidence {
                    problem: problem.id.clone(),
                    title: problem.significant_title.clone(),
                    significant: progress.significant,
                    since: progress.since,
                    evidence,
                    measured: self.requirements(&problem.significant, day),
                    sustain: problem
                        .sustain
                        .map(|length| sustain(length, decision.as_of)),
                    sustained: progress.sustained,
                    sustained_on: progress.sustained_on,
                })
            })
            .collect();

        let claims = decision
            .claims
            .iter()
            .map(|claim| ClaimEvidence {
                claim_type: claim.claim_type.clone(),
                title: plan
                    .claims
                    .iter()
                    .find(|c| c.id == claim.claim_type)
                    .map_or_else(String::new, |c| c.title.clone()),
                amount: claim.amount,
                status: claim.status,
                earliest: claim.earliest,
                window: claim.window,
                reason: claim.reason.clone(),
                discretionary: claim.discretionary,
                approval: claim.approval.clone(),
                evidence: records.cite(&claim.evidence),
            })
            .collect();

        Explanation {
            family: decision.family.clone(),
            as_of: decision.as_of,
            plan: decision.plan.clone(),
            attachment: decision.attachment.clone(),
            identified_on: decision.attachment.date.unwrap_or(decision.as_of),
            problems,
            eligible: decision.eligible,
            progress,
            claims,
            payable: decision.payable,
            route: decision.route.clone(),
            route_rule: plan.settings.claim_route,
        }
    }
}

/// The family's records by citation, to cite them with their kind, member
/// and days as known at the end of the day decided.
struct Records<'s> {
    evaluated: &'s Evaluated<'s, 's>,
    as_of: NaiveDate,
    by_citation: HashMap<String, usize>,
}

impl<'s> Records<'s> {
    fn new(evaluated: &'s Evaluated<'s, 's>, as_of: NaiveDate) -> Records<'s> {
        let mut by_citation = HashMap::new();
        for (index, event) in evaluated.facts.family.events.iter().enumerate() {
            by_citation.entry(event.citation()).or_insert(index);
        }
        Records {
            evaluated,
            as_of,
            by_citation,
        }
    }

    /// The records of citations, in their order.
    fn cite(&self, citations: &[String]) -> Vec<Record> {
        citations
            .iter()
            .filter_map(|citation| self.record(citation))
            .collect()
    }

    fn record(&self, citation: &str) -> Option<Record> {
        let family = self.evaluated.facts.family;
        let event = family.events.get(*self.by_citation.get(citation)?)?;
        let kind = self.evaluated.plan.vocab.get(event.kind);
        let days = match kind.map(|kind| kind.shape) {
            Some(Shape::Point) => RecordDays::Point { date: event.start },
            // A recorded end after the day decided is not known on that day:
            // the evaluation takes the spell as still open, and so does this.
            _ => RecordDays::Spell {
                start: event.start,
                end: event.end.filter(|end| *end <= self.as_of),
            },
        };
        Some(Record {
            citation: citation.to_string(),
            kind: kind.map_or_else(|| "event".to_string(), |kind| kind.name.clone()),
            member: event
                .member
                .and_then(|member| family.members.get(member as usize))
                .map(|member| member.id.clone()),
            days,
        })
    }
}

/// How long a measure must hold, with the days it covers as of `as_of`.
fn sustain(length: SustainLen, as_of: NaiveDate) -> Sustain {
    match length {
        SustainLen::Terms(terms) => Sustain::Terms { terms },
        SustainLen::Time(length) => Sustain::Period {
            length: length.count,
            unit: match length.unit {
                Unit::Days => PeriodUnit::Days,
                Unit::Weeks => PeriodUnit::Weeks,
                Unit::Months => PeriodUnit::Months,
            },
            from: Day::from_date(as_of).minus(length).succ().to_date(),
            to: as_of,
        },
    }
}
