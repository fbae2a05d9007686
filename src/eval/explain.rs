//! A decision in plain English, for an auditor or a key worker: each problem
//! and the events behind it, each progress measure with its window and
//! dates, and why each claim is or is not possible, and from when.

use super::sets::Sets;
use super::{ClaimStatus, Decision};
use crate::days::{Day, Unit};
use crate::family::Family;
use crate::plan::{Plan, SustainLen};
use chrono::NaiveDate;
use std::fmt::Write as _;

impl Plan {
    /// The decision for a family as of a day, explained in words.
    pub fn explain(&self, family: &Family, as_of: NaiveDate) -> String {
        let day = Day::from_date(as_of);
        let timeline = super::Timeline::new(self, family, day);
        let sets = Sets::new(self, &timeline);
        let decision = sets.decide(as_of);
        sets.explain(&decision)
    }
}

impl Sets<'_, '_> {
    fn explain(&self, decision: &Decision) -> String {
        let mut out = String::new();
        let plan = self.plan;
        let _ = writeln!(
            out,
            "Family {} as of {}, under \"{}\"{} ({})",
            decision.family,
            decision.as_of,
            plan.header.name,
            plan.header
                .version
                .as_ref()
                .map(|v| format!(" version {v}"))
                .unwrap_or_default(),
            plan.digest
        );
        let _ = writeln!(out);

        match decision.attachment.date {
            Some(date) => {
                let _ = writeln!(out, "Attached on {date}.");
                if !decision.attachment.missing.is_empty() {
                    let _ = writeln!(
                        out,
                        "  But on that day these principles were not in place: {}. No results claim can be made on this attachment.",
                        decision.attachment.missing.join(", ")
                    );
                }
                let _ = writeln!(out, "Problems are identified on the attachment day.");
            }
            None => {
                let _ = writeln!(
                    out,
                    "Not attached. Problems are identified on {}.",
                    decision.as_of
                );
            }
        }
        let _ = writeln!(out);

        if decision.problems.is_empty() {
            let _ = writeln!(out, "No problem is identified.");
        }
        for finding in &decision.problems {
            let Some(problem) = plan.problems.iter().find(|p| p.id == finding.id) else {
                continue;
            };
            let _ = writeln!(out, "Problem `{}`: {}", problem.id, problem.title);
            for indicator in &finding.indicators {
                let title = problem
                    .indicators
                    .iter()
                    .find(|i| i.id == indicator.id)
                    .map_or("", |i| i.title.as_str());
                let _ = writeln!(out, "  indicator `{}`: {}", indicator.id, title);
                for citation in &indicator.evidence {
                    let _ = writeln!(out, "    - {}", self.describe_event(citation));
                }
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Eligible: {}.",
            if decision.eligible {
                "yes"
            } else {
                "no, the plan's eligibility rule is not met"
            }
        );
        let status = match decision.attachment.status {
            super::AttachmentStatus::Attached => "attached".to_string(),
            super::AttachmentStatus::Attachable => {
                "attachable: eligible, with every principle in place".to_string()
            }
            super::AttachmentStatus::NotEligible => "not eligible".to_string(),
            super::AttachmentStatus::PrinciplesMissing => {
                format!(
                    "principles missing: {}",
                    decision.attachment.missing.join(", ")
                )
            }
        };
        let _ = writeln!(out, "Attachment: {status}.");
        let _ = writeln!(out);

        for progress in &decision.progress {
            let Some(index) = plan.problems.iter().position(|p| p.id == progress.problem) else {
                continue;
            };
            let Some(problem) = plan.problems.get(index) else {
                continue;
            };
            let _ = writeln!(
                out,
                "Progress against `{}`: {}",
                problem.id, problem.significant_title
            );
            match progress.since {
                Some(since) => {
                    let _ = writeln!(out, "  The measure holds, and has held since {since}.");
                }
                None => {
                    let _ = writeln!(out, "  The measure does not hold on {}.", decision.as_of);
                    let evidence = self.evidence(&problem.significant, self.timeline.as_of);
                    for citation in evidence.iter().take(10) {
                        let _ = writeln!(out, "    - {}", self.describe_event(citation));
                    }
                }
            }
            let mut measures = String::new();
            self.describe_measures(
                &problem.significant,
                None,
                self.timeline.as_of,
                4,
                &mut measures,
            );
            if !measures.is_empty() {
                let _ = writeln!(out, "  Measured on {}:", decision.as_of);
                out.push_str(&measures);
            }
            if let Some(length) = problem.sustain {
                let window = describe_sustain(length, self.timeline.as_of);
                let _ = writeln!(out, "  It must be sustained for {window}.");
            }
            match (progress.sustained, progress.sustained_on) {
                (true, _) => {
                    let _ = writeln!(out, "  Sustained: yes.");
                }
                (false, Some(day)) => {
                    let _ = writeln!(out, "  Sustained: not yet; on {day} if nothing changes.");
                }
                (false, None) => {
                    let _ = writeln!(out, "  Sustained: not without a change.");
                }
            }
        }
        if !decision.progress.is_empty() {
            let _ = writeln!(out);
        }

        for claim in &decision.claims {
            let title = plan
                .claims
                .iter()
                .find(|c| c.id == claim.claim_type)
                .map_or("", |c| c.title.as_str());
            let _ = write!(
                out,
                "Claim `{}` ({title}, {}): ",
                claim.claim_type, claim.amount
            );
            let _ = match (claim.status, claim.earliest) {
                (ClaimStatus::Claimable, Some(since)) => writeln!(out, "claimable, since {since}."),
                (ClaimStatus::Claimable, None) => writeln!(out, "claimable."),
                (ClaimStatus::NotYet, Some(day)) => {
                    writeln!(out, "not yet; possible from {day} if nothing changes.")
                }
                (ClaimStatus::NotYet, None) => writeln!(out, "not possible without a change."),
                (ClaimStatus::Claimed, _) => writeln!(out, "already claimed."),
                (ClaimStatus::NotApplicable, _) => writeln!(out, "not applicable."),
            };
            if let Some(reason) = &claim.reason {
                let _ = writeln!(out, "  Why: {reason}.");
            }
            if claim.discretionary {
                let _ = writeln!(
                    out,
                    "  Discretionary: needs a named officer's approval, flagged for audit."
                );
            }
            for citation in claim.evidence.iter().take(12) {
                let _ = writeln!(out, "    - {}", self.describe_event(citation));
            }
            if claim.evidence.len() > 12 {
                let _ = writeln!(out, "    … and {} more", claim.evidence.len() - 12);
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Payable now: £{}.",
            decision.payable.to_decimal_string()
        );
        out
    }

    /// `asb_incident on 2015-03-01, member P2 (e1)`.
    fn describe_event(&self, citation: &str) -> String {
        let family = self.timeline.family;
        let event = family
            .events
            .iter()
            .find(|event| event.citation() == citation);
        let Some(event) = event else {
            return citation.to_string();
        };
        let kind = self
            .plan
            .vocab
            .get(event.kind)
            .map_or("event", |kind| kind.name.as_str());
        let when = match (event.end, self.plan.vocab.get(event.kind).map(|k| k.shape)) {
            (_, Some(crate::vocab::Shape::Point)) => format!("on {}", event.start),
            (Some(end), _) => format!("from {} to {end}", event.start),
            (None, _) => format!("from {}, still open", event.start),
        };
        let who = event
            .member
            .and_then(|member| family.members.get(member as usize))
            .map(|member| format!(", member {}", member.id))
            .unwrap_or_default();
        format!("{kind} {when}{who} ({citation})")
    }
}

fn describe_sustain(length: SustainLen, as_of: Day) -> String {
    match length {
        SustainLen::Terms(terms) => format!("the last {terms} school terms"),
        SustainLen::Time(length) => {
            let unit = match (length.unit, length.count) {
                (Unit::Days, 1) => "day",
                (Unit::Days, _) => "days",
                (Unit::Weeks, 1) => "week",
                (Unit::Weeks, _) => "weeks",
                (Unit::Months, 1) => "month",
                (Unit::Months, _) => "months",
            };
            let start = as_of.minus(length).succ();
            format!(
                "{} {unit} (as of today, every day from {start} to {as_of})",
                length.count
            )
        }
    }
}
