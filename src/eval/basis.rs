//! What a claimable claim rests on, for an auditor to check it from the
//! output alone: the attachment and its principles, each problem the claim
//! counts with the records that identified it and its measure's windows,
//! counts and records, and what the claim's own condition measured.

use super::sets::Evaluated;
use super::{AttachmentBasis, ClaimBasis, IndicatorFinding, ProblemBasis, ProblemFinding};
use crate::days::Day;
use crate::plan::{ClaimDef, Cond, DefineIdx};
use crate::vocab::Shape;
use std::collections::BTreeSet;

impl Evaluated<'_, '_> {
    /// The basis of a claim claimable on the as-of day; `None` for a family
    /// not attached (no claim is claimable then). `findings` are the
    /// decision's: the problems' indicators that held at attachment.
    pub(crate) fn claim_basis(
        &self,
        claim: &ClaimDef,
        findings: &[ProblemFinding],
    ) -> Option<ClaimBasis> {
        let day = self.facts.as_of;
        let (attached, _) = self.attachment.as_ref()?;
        let attached = *attached;
        let records = self.cite_in_order(
            self.facts
                .of_kind(self.plan.known.attachment)
                .filter(|fact| fact.start == attached)
                .map(|fact| fact.index),
        );
        let mut progressed = BTreeSet::new();
        self.progressed_problems(&claim.condition, day, &mut progressed, &mut BTreeSet::new());
        let problems = progressed
            .into_iter()
            .filter_map(|index| self.problem_basis(index, day, findings))
            .collect();
        Some(ClaimBasis {
            attached: AttachmentBasis {
                date: attached.to_date()?,
                records,
                principles: self.principle_records(attached),
            },
            problems,
            measured: self.requirements(&claim.condition, day),
        })
    }

    /// Every record a basis cites, in day order: a claimable claim's
    /// evidence.
    pub(crate) fn basis_citations(&self, basis: &ClaimBasis) -> Vec<String> {
        let mut cited: BTreeSet<&str> = BTreeSet::new();
        cited.extend(basis.attached.records.iter().map(String::as_str));
        cited.extend(basis.attached.principles.iter().map(String::as_str));
        for problem in &basis.problems {
            for indicator in &problem.indicators {
                cited.extend(indicator.evidence.iter().map(String::as_str));
            }
            let mut records = Vec::new();
            for requirement in &problem.measured {
                requirement.records(&mut records);
            }
            cited.extend(records);
        }
        let mut records = Vec::new();
        for requirement in &basis.measured {
            requirement.records(&mut records);
        }
        cited.extend(records);
        self.recite(&cited)
    }

    /// The family's records among `cited`, once each, in day order (as
    /// `cite_in_order` gives them): how citations gathered from several
    /// places become one evidence list.
    pub(crate) fn recite(&self, cited: &BTreeSet<&str>) -> Vec<String> {
        // An event is cited by its id, or without one by `#` and its
        // position: the positions cited that way are read back once, so
        // no event's citation has to be written out to be compared.
        let cited_positions: BTreeSet<u32> = cited
            .iter()
            .filter_map(|text| cited_position(text))
            .collect();
        let positions = self
            .facts
            .family
            .events
            .iter()
            .enumerate()
            .filter(|(_, event)| match &event.id {
                Some(id) => cited.contains(id.as_str()),
                None => cited_positions.contains(&event.position),
            })
            .map(|(index, _)| index);
        self.cite_in_order(positions)
    }

    /// The problems whose progress a condition asks for on `day`, by index:
    /// each problem counted for `every identified problem`, and each named.
    fn progressed_problems(
        &self,
        cond: &Cond,
        day: Day,
        out: &mut BTreeSet<usize>,
        seen: &mut BTreeSet<DefineIdx>,
    ) {
        match cond {
            Cond::AllProblemsProgressed | Cond::ProblemsProgressed(_) => {
                for index in 0..self.plan.problems.len() {
                    if self.counted.get(index).is_some_and(|set| set.contains(day)) {
                        out.insert(index);
                    }
                }
            }
            Cond::ProblemProgressed(problem) => {
                out.insert(problem.0 as usize);
            }
            Cond::And(parts) | Cond::Or(parts) => {
                for part in parts {
                    self.progressed_problems(part, day, out, seen);
                }
            }
            Cond::Not(inner) | Cond::Sustained(inner, _) => {
                self.progressed_problems(inner, day, out, seen);
            }
            Cond::Quantified { body, .. } => self.progressed_problems(body, day, out, seen),
            Cond::Define(index) => {
                if seen.insert(*index) {
                    if let Some(body) = self.plan.define_cond(*index) {
                        self.progressed_problems(body, day, out, seen);
                    }
                }
            }
            Cond::Compare(..)
            | Cond::Covered { .. }
            | Cond::Exists(_)
            | Cond::NotExists(_)
            | Cond::Reduction { .. }
            | Cond::IndicatorHeld(..)
            | Cond::ContinuousEmployment => {}
        }
    }

    fn problem_basis(
        &self,
        index: usize,
        day: Day,
        findings: &[ProblemFinding],
    ) -> Option<ProblemBasis> {
        let problem = self.plan.problems.get(index)?;
        let counted = self.counted.get(index)?;
        let identified_on = if counted.contains(self.attachment_anchor) {
            Some(self.attachment_anchor)
        } else {
            counted.intervals().first().map(|(first, _)| *first)
        };
        let indicators = match identified_on {
            // Identified at attachment: what the decision found then.
            Some(on) if on == self.attachment_anchor => findings
                .iter()
                .find(|found| found.id == problem.id)
                .map(|found| found.indicators.clone())
                .unwrap_or_default(),
            Some(on) => self.indicator_findings(index, on),
            None => Vec::new(),
        };
        let significant = self.significant.get(index)?;
        let progress = self.progress.get(index)?;
        Some(ProblemBasis {
            problem: problem.id.clone(),
            identified_on: identified_on.and_then(Day::to_date),
            indicators,
            significant_since: significant.run_start(day).and_then(Day::to_date),
            sustained_since: progress.run_start(day).and_then(Day::to_date),
            // The problem's own measure, or each of its indicators' own.
            measured: match &problem.measure {
                Some(measure) => self.requirements(&measure.significant, day),
                None => problem
                    .indicators
                    .iter()
                    .filter_map(|indicator| indicator.measure.as_ref())
                    .flat_map(|measure| self.requirements(&measure.significant, day))
                    .collect(),
            },
        })
    }

    /// The indicators of a problem that held on `day`, with the records
    /// behind each.
    pub(crate) fn indicator_findings(&self, index: usize, on: Day) -> Vec<IndicatorFinding> {
        let Some(problem) = self.plan.problems.get(index) else {
            return Vec::new();
        };
        problem
            .indicators
            .iter()
            .enumerate()
            .filter(|(position, _)| {
                self.indicator_sets
                    .get(index)
                    .and_then(|sets| sets.get(*position))
                    .is_some_and(|set| set.contains(on))
            })
            .map(|(_, indicator)| IndicatorFinding {
                id: indicator.id.clone(),
                code: indicator.code.clone(),
                source: indicator.source.clone(),
                evidence: self.indicator_evidence(index, &indicator.condition, on),
            })
            .collect()
    }

    /// The records putting each attachment principle in place on `day`: a
    /// point event on or before it, or a spell covering it.
    fn principle_records(&self, day: Day) -> Vec<String> {
        let positions = self.plan.principles.iter().flat_map(|principle| {
            principle.kinds.iter().flat_map(move |kind| {
                let shape = self.plan.vocab.get(*kind).map(|k| k.shape);
                self.facts
                    .of_kind(*kind)
                    .filter(move |fact| match shape {
                        Some(Shape::Spell) => fact.start <= day && day <= fact.end,
                        _ => fact.start <= day,
                    })
                    .map(|fact| fact.index)
            })
        });
        self.cite_in_order(positions)
    }
}

/// The position a citation `#N` names, written as [`crate::family::Event::citation`]
/// writes it (decimal digits, no sign, no leading zero); `None` for any
/// other text, which only an event's id can match.
fn cited_position(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('#')?;
    let canonical = digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::cited_position;

    #[test]
    fn a_position_is_read_back_only_as_a_citation_writes_it() {
        assert_eq!(cited_position("#0"), Some(0));
        assert_eq!(cited_position("#12"), Some(12));
        assert_eq!(cited_position("#4294967295"), Some(u32::MAX));
        // Another text can only be an event's id.
        for text in ["#012", "#+1", "#-1", "#", "12", "#1a", "#4294967296"] {
            assert_eq!(cited_position(text), None, "{text}");
        }
    }
}
