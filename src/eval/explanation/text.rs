//! An [`Explanation`] in plain English, for an auditor or a key worker: each
//! problem and the records behind it, each progress measure with its window
//! and dates, and why each claim is or is not possible, and from when. Written
//! from the explanation alone, so the text and the data never disagree.

use super::{
    Anchor, AttachmentWindow, ClaimEvidence, Events, Explanation, Measure, Needs, Number, Period,
    PeriodUnit, ProgressEvidence, Quantity, Record, RecordDays, Requirement, Scope, Sustain,
    Window,
};
use crate::eval::{AttachmentStatus, ClaimStatus};
use chrono::NaiveDate;
use std::fmt::{self, Display, Formatter};

/// How many records the text cites under a progress measure that fails.
const PROGRESS_CITED: usize = 10;
/// How many records the text cites under a claim before counting the rest.
const CLAIM_CITED: usize = 12;

impl Display for Explanation {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        let version = self
            .plan
            .version
            .as_ref()
            .map(|v| format!(" version {v}"))
            .unwrap_or_default();
        writeln!(
            out,
            "Family {} as of {}, under \"{}\"{version} ({})",
            self.family,
            day(self.as_of),
            self.plan.name,
            self.plan.digest
        )?;
        writeln!(out)?;

        match self.attachment.date {
            Some(date) => {
                writeln!(out, "Attached on {}.", day(date))?;
                if !self.attachment.missing.is_empty() {
                    writeln!(
                        out,
                        "  But on that day these principles were not in place: {}. No results claim can be made on this attachment.",
                        self.attachment.missing.join(", ")
                    )?;
                }
                writeln!(out, "Problems are identified on the attachment day.")?;
            }
            None => writeln!(
                out,
                "Not attached. Problems are identified on {}.",
                day(self.identified_on)
            )?,
        }
        writeln!(out)?;

        if self.problems.is_empty() {
            writeln!(out, "No problem is identified.")?;
        }
        for problem in &self.problems {
            writeln!(out, "Problem `{}`: {}", problem.id, problem.title)?;
            for indicator in &problem.indicators {
                writeln!(out, "  indicator `{}`: {}", indicator.id, indicator.title)?;
                for record in &indicator.evidence {
                    writeln!(out, "    - {record}")?;
                }
            }
        }
        writeln!(out)?;
        writeln!(
            out,
            "Eligible: {}.",
            if self.eligible {
                "yes"
            } else {
                "no, the plan's eligibility rule is not met"
            }
        )?;
        let status = match self.attachment.status {
            AttachmentStatus::Attached => "attached".to_string(),
            AttachmentStatus::AttachedNotEligible => format!(
                "attached, not eligible: {}",
                self.attachment.reason.as_deref().unwrap_or_default()
            ),
            AttachmentStatus::Attachable => {
                "attachable: eligible, with every principle in place".to_string()
            }
            AttachmentStatus::NotEligible => "not eligible".to_string(),
            AttachmentStatus::PrinciplesMissing => {
                format!("principles missing: {}", self.attachment.missing.join(", "))
            }
        };
        writeln!(out, "Attachment: {status}.")?;
        writeln!(out)?;

        for progress in &self.progress {
            self.write_progress(progress, out)?;
        }
        if !self.progress.is_empty() {
            writeln!(out)?;
        }
        for claim in &self.claims {
            write_claim(claim, out)?;
        }
        writeln!(out)?;
        writeln!(out, "Payable now: £{}.", self.payable.to_decimal_string())?;
        if !self.route.is_empty() {
            let claims: Vec<String> = self.route.iter().map(|id| format!("`{id}`")).collect();
            let rule = self.route_rule.rule();
            writeln!(out, "Route: {}, by {rule}.", claims.join(" + "))?;
        }
        Ok(())
    }
}

impl Explanation {
    fn write_progress(&self, progress: &ProgressEvidence, out: &mut Formatter<'_>) -> fmt::Result {
        let as_of = day(self.as_of);
        writeln!(
            out,
            "Progress against `{}`: {}",
            progress.problem, progress.title
        )?;
        match (progress.significant, progress.since) {
            (true, Some(since)) => writeln!(
                out,
                "  The measure holds, and has held since {}.",
                day(since)
            )?,
            (true, None) => writeln!(out, "  The measure holds, and always has.")?,
            (false, _) => {
                writeln!(out, "  The measure does not hold on {as_of}.")?;
                for record in progress.evidence.iter().take(PROGRESS_CITED) {
                    writeln!(out, "    - {record}")?;
                }
            }
        }
        if !progress.measured.is_empty() {
            writeln!(out, "  Measured on {as_of}:")?;
            for requirement in &progress.measured {
                write_requirement(requirement, 4, out)?;
            }
        }
        if let Some(sustain) = &progress.sustain {
            writeln!(out, "  It must be sustained for {sustain}.")?;
        }
        match (progress.sustained, progress.sustained_on) {
            (true, _) => writeln!(out, "  Sustained: yes."),
            (false, Some(on)) => writeln!(
                out,
                "  Sustained: not yet; on {} if nothing changes.",
                day(on)
            ),
            (false, None) => writeln!(out, "  Sustained: not without a change."),
        }
    }
}

fn write_claim(claim: &ClaimEvidence, out: &mut Formatter<'_>) -> fmt::Result {
    write!(
        out,
        "Claim `{}` ({}, {}): ",
        claim.claim_type, claim.title, claim.amount
    )?;
    match (claim.status, claim.earliest) {
        (ClaimStatus::Claimable, Some(since)) => writeln!(out, "claimable, since {}.", day(since)),
        (ClaimStatus::Claimable, None) => writeln!(out, "claimable."),
        (ClaimStatus::NotYet, Some(on)) => writeln!(
            out,
            "not yet; possible from {} if nothing changes.",
            day(on)
        ),
        (ClaimStatus::NotYet, None) => writeln!(out, "not possible without a change."),
        (ClaimStatus::Claimed, _) => writeln!(out, "already claimed."),
        (ClaimStatus::NotApplicable, _) => writeln!(out, "not applicable."),
    }?;
    if let Some(window) = claim.window {
        let when = match claim.status {
            ClaimStatus::Claimable => "to be claimed in",
            _ => "would be claimed in",
        };
        writeln!(out, "  Claim window: {when} the window of {}.", day(window))?;
    }
    if let Some(reason) = &claim.reason {
        writeln!(out, "  Why: {reason}.")?;
    }
    match (&claim.approval, claim.discretionary) {
        (Some(approval), _) => writeln!(
            out,
            "  Discretionary: approved by {} on {} ({}), flagged for audit.",
            approval.by,
            day(approval.date),
            approval.records.join(", ")
        )?,
        (None, true) => writeln!(
            out,
            "  Discretionary: needs a named officer's approval (an `approval` record), flagged for audit."
        )?,
        (None, false) => {}
    }
    for record in claim.evidence.iter().take(CLAIM_CITED) {
        writeln!(out, "    - {record}")?;
    }
    if claim.evidence.len() > CLAIM_CITED {
        writeln!(out, "    … and {} more", claim.evidence.len() - CLAIM_CITED)?;
    }
    Ok(())
}

/// A line per requirement, a member's under their id and indented.
fn write_requirement(
    requirement: &Requirement,
    indent: usize,
    out: &mut Formatter<'_>,
) -> fmt::Result {
    let pad = " ".repeat(indent);
    match requirement {
        Requirement::Compare {
            left,
            op,
            right,
            negated,
            unit,
        } => writeln!(
            out,
            "{pad}- {} = {}; needs {}{op} {}",
            MeasureText(&left.measure),
            value(left.value, *unit),
            if *negated { "not " } else { "" },
            value(right.value, *unit),
        ),
        Requirement::Events {
            events,
            count,
            needs,
        } => {
            let needs = match needs {
                Needs::AtLeastOne => "at least 1",
                Needs::None => "none",
            };
            writeln!(
                out,
                "{pad}- {} = {count}; needs {needs}",
                EventsText(events, "")
            )
        }
        Requirement::Reduction {
            event,
            now,
            baseline,
            percent,
            negated,
        } => writeln!(
            out,
            "{pad}- {event}: {} {} against {} {}; needs a fall of {} {percent}%{}",
            now.count,
            now.window,
            baseline.count,
            baseline.window,
            if *negated { "less than" } else { "at least" },
            if baseline.count == 0 {
                " (a zero baseline is met only by zero now)"
            } else {
                ""
            },
        ),
        Requirement::Employment {
            benefit,
            benefit_records,
            needs_days,
            within,
            window,
            employed_days,
            records,
        } => writeln!(
            out,
            "{pad}- employed {employed_days} days {window}, on `{benefit}` at attachment ({}); needs {needs_days} days within {within}{}",
            benefit_records.join(", "),
            if records.is_empty() {
                String::new()
            } else {
                format!(" ({})", records.join(", "))
            }
        ),
        Requirement::NoMemberPicked => writeln!(out, "{pad}- no member is picked on the day"),
        Requirement::Member { member, measured } => {
            writeln!(out, "{pad}member {member}:")?;
            for requirement in measured {
                write_requirement(requirement, indent + 2, out)?;
            }
            Ok(())
        }
        Requirement::OneOf { alternatives } => {
            writeln!(out, "{pad}- one of:")?;
            for alternative in alternatives {
                write_requirement(alternative, indent + 2, out)?;
            }
            Ok(())
        }
        Requirement::AllOf { measured } => {
            writeln!(out, "{pad}- all of:")?;
            for requirement in measured {
                write_requirement(requirement, indent + 2, out)?;
            }
            Ok(())
        }
    }
}

/// `count asb_incident in family, from 2016-06-01 to 2016-11-30`.
struct MeasureText<'a>(&'a Measure);

impl Display for MeasureText<'_> {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Measure::Count { events } => write!(out, "count {}", EventsText(events, "")),
            Measure::Sum { field, events } => write!(out, "sum {}", EventsText(events, field)),
            Measure::Rate {
                top,
                bottom,
                events,
                top_sum,
                bottom_sum,
            } => write!(
                out,
                "rate {} ({top_sum} of {bottom_sum})",
                EventsText(events, &format!("{top} per {bottom}"))
            ),
            Measure::Percent { percent, of } => write!(out, "{percent}% of {}", MeasureText(of)),
            Measure::Constant => write!(out, "the constant"),
        }
    }
}

/// `unauthorised per sessions of school_term, over the last 3 terms, …`.
struct EventsText<'a>(&'a Events, &'a str);

impl Display for EventsText<'_> {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        let EventsText(events, fields) = self;
        if !fields.is_empty() {
            write!(out, "{fields} of ")?;
        }
        let whose = match events.scope {
            Scope::Member => "",
            Scope::MembersPicked => " of the members picked",
            Scope::Family => " in family",
        };
        write!(out, "{}{whose}, {}", events.event, events.window)
    }
}

impl Display for Window {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Window::Days { from, to } => write!(out, "from {} to {}", start(*from), end(*to)),
            Window::Before { from, to, anchor } => {
                let name = match anchor {
                    Anchor::Attachment => "attachment",
                    Anchor::Identification => "identification",
                };
                write!(out, "from {} to {} (before {name})", start(*from), end(*to))
            }
            Window::LastTerms { terms, from, to } => write!(
                out,
                "over the last {terms} terms, from {} to {}",
                start(*from),
                end(*to)
            ),
            Window::TooFewTerms { terms, recorded } => write!(
                out,
                "over the last {terms} terms (only {recorded} recorded: not measurable)"
            ),
            Window::AtAttachment { day } => write!(out, "on {} (attachment)", end(*day)),
            Window::NotAttached {
                window: AttachmentWindow::Since,
            } => write!(out, "since attachment (not attached)"),
            Window::NotAttached {
                window: AttachmentWindow::At,
            } => write!(out, "at attachment (not attached)"),
            Window::UpTo { day } => write!(out, "up to {}", end(*day)),
            Window::On { day } => write!(out, "on {}", end(*day)),
        }
    }
}

/// `30 weeks`.
impl Display for Period {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        write!(out, "{} {}", self.length, unit_name(self.unit, self.length))
    }
}

/// A unit's name for a count of it.
fn unit_name(unit: PeriodUnit, length: u32) -> &'static str {
    match (unit, length) {
        (PeriodUnit::Days, 1) => "day",
        (PeriodUnit::Days, _) => "days",
        (PeriodUnit::Weeks, 1) => "week",
        (PeriodUnit::Weeks, _) => "weeks",
        (PeriodUnit::Months, 1) => "month",
        (PeriodUnit::Months, _) => "months",
    }
}

impl Display for Sustain {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        match *self {
            Sustain::Terms { terms } => write!(out, "the last {terms} school terms"),
            Sustain::Period {
                length,
                unit,
                from,
                to,
            } => {
                let unit = unit_name(unit, length);
                write!(
                    out,
                    "{length} {unit} (as of today, every day from {} to {})",
                    start(from),
                    day(to)
                )
            }
        }
    }
}

/// `asb_incident on 2015-03-01, member P2 (e1)`.
impl Display for Record {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        write!(out, "{} ", self.kind)?;
        match self.days {
            RecordDays::Point { date } => write!(out, "on {}", day(date))?,
            RecordDays::Spell {
                start,
                end: Some(end),
            } => write!(out, "from {} to {}", day(start), day(end))?,
            RecordDays::Spell { start, end: None } => {
                write!(out, "from {}, still open", day(start))?;
            }
        }
        if let Some(member) = &self.member {
            write!(out, ", member {member}")?;
        }
        write!(out, " ({})", self.citation)
    }
}

fn day(date: NaiveDate) -> String {
    crate::date::write(date)
}

/// A window's first day; `None` lies before every date.
fn start(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "-inf".to_string(), day)
}

/// A window's other days; `None` lies after every date.
fn end(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "+inf".to_string(), day)
}

/// A compared value as it reads: a rate as a percentage, money in pounds.
fn value(number: Option<Number>, unit: Quantity) -> String {
    let Some(number) = number else {
        return "not measurable".to_string();
    };
    match unit {
        Quantity::Rate => format!(
            "{}%",
            decimal_text(number.numerator.saturating_mul(100), number.denominator)
        ),
        Quantity::Pence => format!(
            "£{}",
            decimal_text(number.numerator, number.denominator.saturating_mul(100))
        ),
        Quantity::Number => decimal_text(number.numerator, number.denominator),
    }
}

/// An exact fraction as a decimal with up to two places, rounded half away
/// from zero: for reading only, never for deciding.
fn decimal_text(numerator: i128, denominator: i128) -> String {
    if denominator != 0 && numerator % denominator == 0 {
        return (numerator / denominator).to_string();
    }
    let hundredths = numerator.saturating_mul(200) / denominator.max(1);
    let hundredths = (hundredths + hundredths.signum()) / 2;
    let sign = if hundredths < 0 { "-" } else { "" };
    let hundredths = hundredths.abs();
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_read_as_decimals_rounded_to_two_places() {
        assert_eq!(decimal_text(38, 1), "38");
        assert_eq!(decimal_text(1, 3), "0.33");
        assert_eq!(decimal_text(2, 3), "0.67");
        assert_eq!(decimal_text(1, 200), "0.01");
        assert_eq!(decimal_text(-1, 3), "-0.33");
        assert_eq!(decimal_text(1500, 100), "15");
    }
}
