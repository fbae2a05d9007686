//! The [`Explanation`] of a decision, built beside it from the same sets:
//! each problem with the records behind it, each progress measure with its
//! windows and values, and each claim with why and from when.
#![deny(clippy::arithmetic_side_effects)]

use super::explanation::{
    CappedMember, CitedRecord, ClaimEvidence, Explanation, IndicatorEvidence, LengthChange,
    ProblemEvidence, ProgressEvidence, RecordDays, Sustain, changes_after,
};
use super::sets::Evaluated;
use super::{Decision, Facts};
use crate::days::{Day, Length, first_day_clear_of};
use crate::eval::explanation::Reattached;
use crate::family::Family;
use crate::plan::{Plan, ProgressMeasure, SustainLen, TermBasis};
use crate::vocab::Shape;
use chrono::NaiveDate;
use std::collections::HashMap;

impl Plan {
    /// The decision for a family as of a day, with the evidence behind each
    /// part, as data; [`Plan::explain`] is its text.
    pub fn explanation(&self, family: &Family, as_of: NaiveDate) -> Explanation {
        let day = Day::from_date(as_of);
        let facts = Facts::new(self, family, day);
        let evaluated = Evaluated::with_attachment(self, &facts);
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
                        code: indicator.code.clone(),
                        source: indicator.source.clone(),
                        evidence: records.cite(&indicator.evidence),
                    })
                    .collect();
                Some(ProblemEvidence {
                    id: problem.id.clone(),
                    title: problem.title.clone(),
                    headline: problem.headline,
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
                let evidence_of = |measure: &ProgressMeasure, significant: bool| ProgressEvidence {
                    problem: problem.id.clone(),
                    indicator: None,
                    title: measure.title.clone(),
                    significant,
                    since: None,
                    evidence: if significant {
                        Vec::new()
                    } else {
                        records.cite(&self.evidence_of_failure(&measure.significant, day))
                    },
                    measured: self.requirements(&measure.significant, day),
                    sustain: measure
                        .sustain
                        .as_ref()
                        .map(|length| self.sustain(length, decision.as_of)),
                    sustained: false,
                    sustained_on: None,
                    indicators: Vec::new(),
                };
                let indicators = progress
                    .indicators
                    .iter()
                    .filter_map(|found| {
                        let indicator = problem
                            .indicators
                            .iter()
                            .find(|i| i.id == found.indicator)?;
                        Some(ProgressEvidence {
                            indicator: Some(indicator.id.clone()),
                            since: found.since,
                            sustained: found.sustained,
                            sustained_on: found.sustained_on,
                            ..evidence_of(indicator.measure.as_ref()?, found.significant)
                        })
                    })
                    .collect();
                let own = match &problem.measure {
                    Some(measure) => evidence_of(measure, progress.significant),
                    None => ProgressEvidence {
                        problem: problem.id.clone(),
                        indicator: None,
                        title: String::new(),
                        significant: progress.significant,
                        since: None,
                        evidence: Vec::new(),
                        measured: Vec::new(),
                        sustain: None,
                        sustained: false,
                        sustained_on: None,
                        indicators: Vec::new(),
                    },
                };
                Some(ProgressEvidence {
                    since: progress.since,
                    sustained: progress.sustained,
                    sustained_on: progress.sustained_on,
                    indicators,
                    ..own
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
            reattachment: (self.attachment_count() > 1).then(|| Reattached {
                attachments: self.attachment_count(),
                rule: plan.settings.reattachment,
            }),
            capped_members: self.capped_explained(),
        }
    }
}

impl Evaluated<'_, '_> {
    /// Each capped member and the problem their part went to on the
    /// identification day.
    fn capped_explained(&self) -> Vec<CappedMember> {
        let (Some(cap), day) = (&self.plan.member_cap, self.attachment_anchor) else {
            return Vec::new();
        };
        self.member_caps
            .iter()
            .filter_map(|(index, to_problems)| {
                let member = self.facts.family.member(*index)?;
                let counts_towards = to_problems
                    .iter()
                    .zip(&self.plan.problems)
                    .find(|(days, _)| days.contains(day))
                    .map(|(_, problem)| problem.id.clone());
                Some(CappedMember {
                    member: member.id.clone(),
                    picked_for: self.picked_for(cap, member),
                    counts_towards,
                })
            })
            .collect()
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
    fn cite(&self, citations: &[String]) -> Vec<CitedRecord> {
        citations
            .iter()
            .filter_map(|citation| self.record(citation))
            .collect()
    }

    fn record(&self, citation: &str) -> Option<CitedRecord> {
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
        Some(CitedRecord {
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

impl Evaluated<'_, '_> {
    /// How long a measure must hold, with the days it covers as of `as_of`.
    fn sustain(&self, length: &SustainLen, as_of: NaiveDate) -> Sustain {
        let day = Day::from_date(as_of);
        match *length {
            SustainLen::AfterEnd(ref lengths, kind) => {
                // The stretch that anchors the day decided: the latest
                // started on or before it, if it has ended by then.
                let ended = self
                    .stretches(kind, None)
                    .into_iter()
                    .rev()
                    .find(|(start, _)| *start <= day)
                    .map(|(_, end)| end)
                    .filter(|end| *end <= day);
                // The day it ended chooses the length, as in the evaluator;
                // until one has, the first length leads the changes.
                let length = ended.map_or(lengths.first, |end| lengths.on(end));
                Sustain::AfterEnd {
                    length: length.count,
                    unit: length.unit,
                    kind: self
                        .plan
                        .vocab
                        .get(kind)
                        .map_or_else(String::new, |kind| kind.name.clone()),
                    ended: ended.and_then(Day::to_date),
                    complete: ended
                        .map(|end| first_day_clear_of(end, length))
                        .and_then(Day::to_date),
                    changes: changes_after(lengths, Day::MIN),
                }
            }
            SustainLen::Terms(terms, TermBasis::Records) => Sustain::Terms { terms },
            SustainLen::Terms(terms, TermBasis::Calendar) => {
                let (chosen, ended) = self.calendar_terms_on(terms, day);
                Sustain::SchoolTerms {
                    terms,
                    names: chosen.iter().map(|term| term.name.clone()).collect(),
                    from: chosen.first().and_then(|term| term.first.to_date()),
                    to: as_of,
                    ended,
                }
            }
            SustainLen::Time(length) => period(length, Vec::new(), day, as_of),
            // A dated length reads as the length in force on the day
            // decided, and the changes still to come.
            SustainLen::Dated(ref lengths) => {
                period(lengths.on(day), changes_after(lengths, day), day, as_of)
            }
        }
    }
}

/// A sustain period of a length of time, as of the day decided.
fn period(length: Length, then: Vec<LengthChange>, day: Day, as_of: NaiveDate) -> Sustain {
    Sustain::Period {
        length: length.count,
        unit: length.unit,
        from: day.minus(length).succ().to_date(),
        to: as_of,
        then,
    }
}
