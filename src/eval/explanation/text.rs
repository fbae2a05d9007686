//! An [`Explanation`] in plain English, for an auditor or a key worker: each
//! problem and the records behind it, each progress measure with its window
//! and dates, and why each claim is or is not possible, and from when. Written
//! from the explanation alone, so the text and the data never disagree.

use super::words;
use super::{
    AttachmentWindow, CitedRecord, ClaimEvidence, Events, Explanation, Measure, Needs, Number,
    Period, ProgressEvidence, Quantity, RecordDays, Requirement, Scope, SpellEdge, Sustain, Window,
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
                if let Some(reattached) = &self.reattachment {
                    writeln!(
                        out,
                        "  The family was attached {} times by {}; the decision uses {} (setting `reattachment`).",
                        reattached.attachments,
                        day(self.as_of),
                        reattached.rule.rule()
                    )?;
                }
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
            match problem.headline {
                Some(headline) => writeln!(
                    out,
                    "Need `{}`: {} (headline `{}`: {})",
                    problem.id,
                    problem.title,
                    headline.id(),
                    headline.name()
                )?,
                None => writeln!(out, "Problem `{}`: {}", problem.id, problem.title)?,
            }
            for indicator in &problem.indicators {
                let code = indicator
                    .code
                    .as_ref()
                    .map(|code| format!(" [{code}]"))
                    .unwrap_or_default();
                let source = indicator
                    .source
                    .as_ref()
                    .map(|source| format!(" (data: {source})"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  indicator `{}`{code}: {}{source}",
                    indicator.id, indicator.title
                )?;
                for record in &indicator.evidence {
                    writeln!(out, "    - {record}")?;
                }
            }
        }
        for capped in &self.capped_members {
            writeln!(out, "{}", capped.sentence())?;
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
        if progress.indicators.is_empty() {
            writeln!(
                out,
                "Progress against `{}`: {}",
                progress.problem, progress.title
            )?;
            return self.write_measure(progress, "  ", out);
        }
        writeln!(
            out,
            "Progress against `{}`: by each indicator that held at attachment, on its own measure",
            progress.problem
        )?;
        for indicator in &progress.indicators {
            writeln!(
                out,
                "  Indicator `{}`: {}",
                indicator.indicator.as_deref().unwrap_or(""),
                indicator.title
            )?;
            self.write_measure(indicator, "    ", out)?;
        }
        write_sustained(progress, "  ", out)
    }

    /// A measure's state, requirements and sustain period, each line after `pad`.
    fn write_measure(
        &self,
        progress: &ProgressEvidence,
        pad: &str,
        out: &mut Formatter<'_>,
    ) -> fmt::Result {
        let as_of = day(self.as_of);
        match (progress.significant, progress.since) {
            (true, Some(since)) => writeln!(
                out,
                "{pad}The measure holds, and has held since {}.",
                day(since)
            )?,
            (true, None) => writeln!(out, "{pad}The measure holds, and always has.")?,
            (false, _) => {
                writeln!(out, "{pad}The measure does not hold on {as_of}.")?;
                for record in progress.evidence.iter().take(PROGRESS_CITED) {
                    writeln!(out, "{pad}  - {record}")?;
                }
            }
        }
        if !progress.measured.is_empty() {
            writeln!(out, "{pad}Measured on {as_of}:")?;
            for requirement in &progress.measured {
                write_requirement(requirement, &format!("{pad}  "), out)?;
            }
        }
        if let Some(sustain) = &progress.sustain {
            writeln!(out, "{pad}It must be sustained for {sustain}.")?;
        }
        write_sustained(progress, pad, out)
    }
}

fn write_sustained(progress: &ProgressEvidence, pad: &str, out: &mut Formatter<'_>) -> fmt::Result {
    match (progress.sustained, progress.sustained_on) {
        (true, _) => writeln!(out, "{pad}Sustained: yes."),
        (false, Some(on)) => writeln!(
            out,
            "{pad}Sustained: not yet; on {} if nothing changes.",
            day(on)
        ),
        (false, None) => writeln!(out, "{pad}Sustained: not without a change."),
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
    if let Some(more) = claim
        .evidence
        .len()
        .checked_sub(CLAIM_CITED)
        .filter(|more| *more > 0)
    {
        writeln!(out, "    … and {more} more")?;
    }
    Ok(())
}

/// A line per requirement after `pad`, a member's under their id and
/// indented two more.
fn write_requirement(requirement: &Requirement, pad: &str, out: &mut Formatter<'_>) -> fmt::Result {
    match requirement {
        Requirement::Compare {
            left,
            op,
            right,
            negated,
            unit,
        } => writeln!(
            out,
            "{pad}- {} = {}{}; needs {}{op} {}",
            MeasureText(&left.measure),
            value(left.value, *unit),
            words::unmeasurable_because(left),
            if *negated { "not " } else { "" },
            value(right.value, *unit),
        ),
        // Over a window not measurable on the day, no count is true and
        // neither `has` nor `no` holds, whatever it needs.
        Requirement::Events {
            events,
            count: None,
            ..
        } => writeln!(
            out,
            "{pad}- {}: neither `has` nor `no` holds",
            EventsText(events, "")
        ),
        Requirement::Events {
            events,
            count: Some(count),
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
            words::fall(*negated),
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
            words::cited(records)
        ),
        Requirement::NoMemberPicked => writeln!(out, "{pad}- no member is picked on the day"),
        Requirement::Member {
            member,
            picked_for,
            measured,
        } => {
            if picked_for.is_empty() {
                writeln!(out, "{pad}member {member}:")?;
            } else {
                writeln!(out, "{pad}member {member} ({}):", picked_for.join(", "))?;
            }
            for requirement in measured {
                write_requirement(requirement, &format!("{pad}  "), out)?;
            }
            Ok(())
        }
        Requirement::OneOf { alternatives } => {
            writeln!(out, "{pad}- one of:")?;
            for alternative in alternatives {
                write_requirement(alternative, &format!("{pad}  "), out)?;
            }
            Ok(())
        }
        Requirement::AllOf { measured } => {
            writeln!(out, "{pad}- all of:")?;
            for requirement in measured {
                write_requirement(requirement, &format!("{pad}  "), out)?;
            }
            Ok(())
        }
        Requirement::Held {
            problem,
            indicator,
            held,
            negated,
        } => {
            let (held, needs) = words::held(*held, *negated);
            writeln!(
                out,
                "{pad}- indicator `{indicator}` of `{problem}` at attachment: {held}; needs {needs}",
            )
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
            Measure::Latest { field, events } => {
                write!(out, "latest {}", EventsText(events, field))
            }
            Measure::AtAttachment { field, events } => write!(
                out,
                "{} (the latest at attachment)",
                EventsText(events, field)
            ),
            Measure::Arithmetic { left, op, right } => write!(
                out,
                "({} = {}) {op} ({} = {})",
                MeasureText(&left.measure),
                value(left.value, Quantity::Number),
                MeasureText(&right.measure),
                value(right.value, Quantity::Number),
            ),
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
            Scope::Member => String::new(),
            Scope::MembersPicked if events.picked.is_empty() => {
                " of the members picked (none on the day)".to_string()
            }
            Scope::MembersPicked => format!(" of members {}", events.picked.join(", ")),
            Scope::Family => " in family".to_string(),
        };
        write!(out, "{}{whose}, {}", events.event, events.window)?;
        for compared in &events.at_attachment {
            match &compared.value {
                Some(value) => write!(
                    out,
                    ", {} compared with {value} at attachment",
                    compared.field
                )?,
                None => write!(
                    out,
                    ", {} compared with its value at attachment (none recorded: not measurable)",
                    compared.field
                )?,
            }
        }
        Ok(())
    }
}

impl Display for Window {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Window::Days { from, to } => write!(out, "from {} to {}", start(*from), end(*to)),
            Window::Dated {
                from,
                to,
                length,
                unit,
                then,
            } => write!(
                out,
                "from {} to {} (within {})",
                start(*from),
                end(*to),
                words::length_then(*length, *unit, then)
            ),
            Window::Before {
                from,
                to,
                anchor,
                dated,
            } => write!(
                out,
                "from {} to {} ({})",
                start(*from),
                end(*to),
                words::before(*anchor, dated.as_ref(), &end(*to))
            ),
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
            Window::Terms {
                form,
                terms,
                names,
                from,
                to,
            } => {
                write!(out, "{}", form.phrase(*terms))?;
                if let (Some(first), Some(last)) = (names.first(), names.last()) {
                    write!(out, " ({first} to {last})")?;
                }
                write!(out, ", from {} to {}", start(*from), end(*to))
            }
            Window::TooFewTermsOf { form, terms, ended } => write!(
                out,
                "{} (only {ended} ended: not measurable)",
                form.phrase(*terms)
            ),
            Window::TermsNotRecorded {
                form,
                terms,
                missing,
            } => write!(
                out,
                "{} (no record of {}: not measurable)",
                form.phrase(*terms),
                missing.join(", ")
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
            Window::Spell {
                kind,
                edge,
                from,
                to,
                dated,
            } => {
                let chosen = words::after_spell(*edge, dated.as_ref(), &start(*from));
                let edge = match edge {
                    SpellEdge::During => "during",
                    SpellEdge::AfterStart => "after the start of",
                    SpellEdge::AfterEnd => "after the end of",
                };
                write!(
                    out,
                    "{edge} `{kind}`, from {} to {}{chosen}",
                    start(*from),
                    end(*to)
                )
            }
            Window::NoSpell { kind, edge } => match edge {
                SpellEdge::During | SpellEdge::AfterStart => {
                    write!(out, "at `{kind}` (none has started: not measurable)")
                }
                SpellEdge::AfterEnd => write!(
                    out,
                    "after the end of `{kind}` (none has ended, or one is still open: not measurable)"
                ),
            },
        }
    }
}

/// `30 weeks`.
impl Display for Period {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        write!(out, "{} {}", self.length, self.unit.word(self.length))
    }
}

impl Display for Sustain {
    fn fmt(&self, out: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Sustain::AfterEnd {
                length,
                unit,
                kind,
                ended,
                complete,
                changes,
            } => match ended {
                Some(ended) => write!(
                    out,
                    "{length} {} after the end of `{kind}` on {}{} (every day from the day after; complete on {})",
                    unit.word(*length),
                    day(*ended),
                    words::in_force_on_end(changes),
                    start(*complete)
                ),
                None => write!(
                    out,
                    "{} after the end of `{kind}` (none has ended, or one is still open: not measurable)",
                    words::length_at_end(*length, *unit, changes)
                ),
            },
            Sustain::Terms { terms } => write!(out, "{}", words::recorded_terms(*terms)),
            Sustain::SchoolTerms {
                terms,
                names,
                from,
                to,
                ended,
            } => {
                let unit = if *terms == 1 {
                    "school term"
                } else {
                    "school terms"
                };
                match (names.first(), names.last(), from) {
                    (Some(first), Some(last), Some(from)) => write!(
                        out,
                        "{terms} {unit} of the plan's calendar ({first} to {last}: as of today, every day from {} to {})",
                        day(*from),
                        day(*to)
                    ),
                    _ => write!(
                        out,
                        "{terms} {unit} of the plan's calendar (only {ended} of its terms ended by today: not measurable)"
                    ),
                }
            }
            Sustain::Period {
                length,
                unit,
                from,
                to,
                then,
            } => write!(
                out,
                "{} (as of today, every day from {} to {})",
                words::length_then(*length, *unit, then),
                start(*from),
                day(*to)
            ),
        }
    }
}

/// `asb_incident on 2015-03-01, member P2 (e1)`.
impl Display for CitedRecord {
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
    let (numerator, denominator) = (number.numerator, number.denominator);
    // A value whose decimal passes i128 reads as its exact fraction.
    let exact = || number.exact_text();
    match unit {
        Quantity::Rate => numerator
            .checked_mul(100)
            .and_then(|percent| decimal_text(percent, denominator))
            .map_or_else(|| format!("{} × 100%", exact()), |text| format!("{text}%")),
        Quantity::Pence => denominator
            .checked_mul(100)
            .and_then(|pounds| decimal_text(numerator, pounds))
            .map_or_else(|| format!("{} pence", exact()), |text| format!("£{text}")),
        Quantity::Number => decimal_text(numerator, denominator).unwrap_or_else(exact),
    }
}

/// An exact fraction with a positive denominator as a decimal with up to
/// two places, rounded half away from zero: for reading only, never for
/// deciding. `None` when the digits pass i128.
fn decimal_text(numerator: i128, denominator: i128) -> Option<String> {
    if numerator.checked_rem(denominator)? == 0 {
        return Some(numerator.checked_div(denominator)?.to_string());
    }
    let hundredths = numerator.checked_mul(200)?.checked_div(denominator)?;
    let hundredths = hundredths
        .checked_add(hundredths.signum())?
        .checked_div(2)?;
    let sign = if hundredths < 0 { "-" } else { "" };
    let hundredths = hundredths.checked_abs()?;
    Some(format!(
        "{sign}{}.{:02}",
        hundredths.checked_div(100)?,
        hundredths.checked_rem(100)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_read_as_decimals_rounded_to_two_places() {
        assert_eq!(decimal_text(38, 1).as_deref(), Some("38"));
        assert_eq!(decimal_text(1, 3).as_deref(), Some("0.33"));
        assert_eq!(decimal_text(2, 3).as_deref(), Some("0.67"));
        assert_eq!(decimal_text(1, 200).as_deref(), Some("0.01"));
        assert_eq!(decimal_text(-1, 3).as_deref(), Some("-0.33"));
        assert_eq!(decimal_text(1500, 100).as_deref(), Some("15"));
    }

    #[test]
    fn values_past_i128_read_as_their_exact_fraction_not_a_saturated_one() {
        // A rate of i128::MAX / 7 was written as the saturated i128::MAX × 2 / 7.
        let number = Number {
            numerator: i128::MAX,
            denominator: 7,
        };
        let fraction = format!("{}/7", i128::MAX);
        assert_eq!(
            value(Some(number), Quantity::Rate),
            format!("{fraction} × 100%")
        );
        assert_eq!(value(Some(number), Quantity::Number), fraction);
        let pence = Number {
            numerator: 1,
            denominator: i128::MAX,
        };
        let fraction = format!("1/{}", i128::MAX);
        assert_eq!(
            value(Some(pence), Quantity::Pence),
            format!("{fraction} pence")
        );
    }
}
