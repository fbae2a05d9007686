//! A decision with the evidence behind each part, as data: what `tfop
//! explain` prints, for a program to read.
//!
//! [`Plan::explanation`](crate::Plan::explanation) builds an [`Explanation`]
//! beside the decision, from the same evaluation; its text
//! ([`Explanation`]'s `Display`, which is [`Plan::explain`](crate::Plan::explain))
//! is written from this data alone. Every value a measure was compared on is
//! here with the dates of its window, so an auditor can redo the arithmetic.

mod html;
mod text;

pub use html::{escape_html, html_document};

use super::sets::lowest_terms;
use super::{Attachment, ClaimStatus, PlanRef};
use crate::days::Day;
use crate::headline::Headline;
use crate::num::{Fixed, Pence};
use crate::plan::{ClaimRoute, DatedLength, Reattachment};
use crate::unit::TimeUnit;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

/// One family's decision as of a day, with the records, windows and values
/// behind each part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The family's id.
    pub family: String,
    /// The day decided, at its end.
    #[serde(serialize_with = "crate::date::serialize")]
    pub as_of: NaiveDate,
    /// Which plan decided.
    pub plan: PlanRef,
    /// Whether and when the family is attached (as in the decision).
    pub attachment: Attachment,
    /// The day problems are identified on: the attachment day, or the day
    /// decided for a family not attached.
    #[serde(serialize_with = "crate::date::serialize")]
    pub identified_on: NaiveDate,
    /// Each problem identified, with the indicators that fired.
    pub problems: Vec<ProblemEvidence>,
    /// Whether the family meets the plan's eligibility rule.
    pub eligible: bool,
    /// Progress against each problem the claims count.
    pub progress: Vec<ProgressEvidence>,
    /// Each claim type's status and why.
    pub claims: Vec<ClaimEvidence>,
    /// What may be claimed as of the day.
    pub payable: Pence,
    /// The claims `payable` pays (as the decision's `route`).
    pub route: Vec<String>,
    /// The plan's rule for choosing the route.
    pub route_rule: ClaimRoute,
    /// When the family was attached more than once by the day decided:
    /// how many times, and the plan's rule that chose the attachment used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reattachment: Option<Reattached>,
    /// Under the plan's member cap (`each adult where … counts towards one
    /// problem only`), each member it picks and the problem their part
    /// went to on the identification day.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capped_members: Vec<CappedMember>,
}

/// A family attached more than once: which attachment the decision uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reattached {
    /// The attachments on or before the day decided.
    pub attachments: usize,
    /// The plan's `reattachment` setting, which chose the one used.
    pub rule: Reattachment,
}

impl CappedMember {
    /// Where the member counted, in a sentence, as `explain` prints it.
    pub fn sentence(&self) -> String {
        let why = if self.picked_for.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.picked_for.join(", "))
        };
        match &self.counts_towards {
            Some(problem) => format!(
                "Member {}{why} counts towards one problem only: `{problem}`, the first in the plan's order that they show and no one before them does.",
                self.member
            ),
            None => format!(
                "Member {}{why} counts towards one problem only, and shows none that no one before them does.",
                self.member
            ),
        }
    }
}

/// A member whose part in identifying problems goes to one problem only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CappedMember {
    /// The member's id.
    pub member: String,
    /// Why the cap picks them: each attribute it tests, with their value.
    pub picked_for: Vec<String>,
    /// The problem their part went to: the first, in plan order, that they
    /// show and no one before them does (the rest of the family, then the
    /// capped members whose ids come first); `None` when there is none.
    pub counts_towards: Option<String>,
}

/// An identified problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemEvidence {
    /// The problem's id.
    pub id: String,
    /// Its title in the plan.
    pub title: String,
    /// In an `sf2022` plan, the headline outcome the need sits under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<Headline>,
    /// The indicators that fired on the identification day.
    pub indicators: Vec<IndicatorEvidence>,
}

/// An indicator that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorEvidence {
    /// The indicator's id.
    pub id: String,
    /// Its title in the plan.
    pub title: String,
    /// Its `code` in the plan, when it states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its data `source` in the plan, when it states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The records that made it fire, in day order.
    pub evidence: Vec<CitedRecord>,
}

/// A record cited as evidence, with what an auditor needs to find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitedRecord {
    /// How decisions cite it: its id, or `#N` for the N-th event of the input.
    pub citation: String,
    /// Its event kind.
    pub kind: String,
    /// The id of the member it is about; `None` for the family's own.
    pub member: Option<String>,
    /// Its days.
    #[serde(flatten)]
    pub days: RecordDays,
}

/// The days of a cited record, keyed as the family format keys them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RecordDays {
    /// A point event: `date`.
    Point {
        /// The day it happened.
        #[serde(serialize_with = "crate::date::serialize")]
        date: NaiveDate,
    },
    /// A spell: `start` and `end`.
    Spell {
        /// Its first day.
        #[serde(serialize_with = "crate::date::serialize")]
        start: NaiveDate,
        /// Its last day, included; `None` while it is still open at the end
        /// of the day decided (a recorded end after that day is not known
        /// yet on it).
        #[serde(serialize_with = "crate::date::serialize")]
        end: Option<NaiveDate>,
    },
}

/// Progress against one problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEvidence {
    /// The problem's id.
    pub problem: String,
    /// For the progress of one indicator of a problem measured by its
    /// indicators, the indicator's id; absent for a problem's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The title of its significant-progress measure.
    pub title: String,
    /// Whether the measure holds on the day.
    pub significant: bool,
    /// When it holds, the first day of its current unbroken run (as in the
    /// decision); `None` when it has held on every day before.
    #[serde(serialize_with = "crate::date::serialize")]
    pub since: Option<NaiveDate>,
    /// When the measure does not hold: the records behind its failing, in
    /// day order. Only the parts and members that fail it are cited, and a
    /// member with fewer school terms than a window asks for is cited by the
    /// terms they have.
    pub evidence: Vec<CitedRecord>,
    /// What the measure needs on the day, each with its value: all of them,
    /// with `not` and `no` already applied (a `no … now` needs none).
    pub measured: Vec<Requirement>,
    /// How long it must hold, if the problem says.
    pub sustain: Option<Sustain>,
    /// Whether it has held for that long.
    pub sustained: bool,
    /// As the decision's `sustained_on`.
    #[serde(serialize_with = "crate::date::serialize")]
    pub sustained_on: Option<NaiveDate>,
    /// For a problem measured by its indicators, the progress of each that
    /// held at attachment, in the plan's order (the problem's own `title`,
    /// `evidence`, `measured` and `sustain` are then empty): the problem
    /// has progressed when each of them has. Absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<ProgressEvidence>,
}

/// How long a measure must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "over", rename_all = "snake_case")]
pub enum Sustain {
    /// Over the member's last school terms.
    Terms {
        /// How many terms.
        terms: u32,
    },
    /// Over the calendar's last terms ended by the day decided
    /// (`sustained for 3 school terms`): every day from the first day of
    /// the earliest up to the day decided.
    SchoolTerms {
        /// How many terms.
        terms: u32,
        /// Their names, earliest first; empty when fewer have ended.
        names: Vec<String>,
        /// The first day of the earliest; `None` when fewer have ended
        /// (not measurable).
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The day decided.
        #[serde(serialize_with = "crate::date::serialize")]
        to: NaiveDate,
        /// How many of the calendar's terms have ended by the day decided.
        ended: u32,
    },
    /// For a length of time up to the day decided.
    Period {
        /// How many units: for a length that changes on days, the length
        /// in force on the day decided.
        length: u32,
        /// Days, weeks or months.
        unit: TimeUnit,
        /// The first day it must have held on, as of the day decided.
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The day decided.
        #[serde(serialize_with = "crate::date::serialize")]
        to: NaiveDate,
        /// The changes of a dated length still to come after the day
        /// decided, in order; absent when none is.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        then: Vec<LengthChange>,
    },
    /// For a length of time after the latest stretch of a kind's spells
    /// ended, and every day since (`sustained for 6 months after end of case`).
    AfterEnd {
        /// How many units: for a length that changes on days, the length in
        /// force on the day the stretch ended, or the first length while
        /// none has ended.
        length: u32,
        /// Days, weeks or months.
        unit: TimeUnit,
        /// The event kind.
        kind: String,
        /// The day the stretch ended; `None` when none has ended by the day
        /// decided, or one is still open (not measurable).
        #[serde(serialize_with = "crate::date::serialize")]
        ended: Option<NaiveDate>,
        /// The first day the period is complete.
        #[serde(serialize_with = "crate::date::serialize")]
        complete: Option<NaiveDate>,
        /// Every change of a length that changes on days (`6 months then 12
        /// months from 2018-04-01 after end of case`), in order; absent for
        /// one length.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        changes: Vec<LengthChange>,
    },
}

/// A change of a dated length (`6 months then 12 months from 2018-04-01`)
/// still to come after the day decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LengthChange {
    /// How many units from its day on.
    pub length: u32,
    /// Days, weeks or months.
    pub unit: TimeUnit,
    /// The day it comes into force.
    #[serde(serialize_with = "crate::date::serialize")]
    pub from: NaiveDate,
}

/// A dated length's changes after a day, in order.
pub(crate) fn changes_after(lengths: &DatedLength, day: Day) -> Vec<LengthChange> {
    lengths
        .after(day)
        .filter_map(|(from, length)| {
            Some(LengthChange {
                length: length.count,
                unit: length.unit,
                from: from.to_date()?,
            })
        })
        .collect()
}

/// A length of time: `30 weeks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// How many units.
    pub length: u32,
    /// Days, weeks or months.
    pub unit: TimeUnit,
}

/// One thing a measure asks on the day, with the value it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Requirement {
    /// Two measures compared: `rate … < 10%`.
    Compare {
        /// The measure on the left, with its value.
        left: Box<Operand>,
        /// The operator as a plan writes it: `<`, `<=`, `>`, `>=`, `=`, `!=`.
        op: String,
        /// What it is compared with (a constant, or another measure).
        right: Box<Operand>,
        /// Whether the comparison must fail rather than hold (under `not`
        /// or `no`): `needs not < 10%`, which a value that cannot be measured
        /// meets.
        negated: bool,
        /// How both values read.
        unit: Quantity,
    },
    /// Whether any such event is in the window: `has …`, `no …`.
    Events {
        /// The events looked at.
        events: Events,
        /// How many are in the window; `None` when the window is not
        /// measurable on the day, and then neither `has` nor `no` holds.
        count: Option<i128>,
        /// How many it needs.
        needs: Needs,
    },
    /// A fall against a baseline: `… down by at least 60% over 6 months`.
    Reduction {
        /// The event kind counted.
        event: String,
        /// The count over the recent window.
        now: Counted,
        /// The count over the baseline window.
        baseline: Counted,
        /// The fall, in percent, it needs at least of; or, `negated` (under
        /// `not` or `no`), less than.
        percent: Fixed,
        /// Whether the fall must be less than `percent`.
        negated: bool,
    },
    /// Continuous employment since attachment, for the member a
    /// quantifier picked: the days employed in the window of the
    /// employment table's line for the out-of-work benefit they were on at
    /// attachment.
    Employment {
        /// The benefit they were on at attachment (a word of `benefit`).
        benefit: String,
        /// The records of that benefit open on the attachment day.
        benefit_records: Vec<String>,
        /// Days of employment the line asks for…
        needs_days: u32,
        /// …within how long.
        within: Period,
        /// The window of that length ending on the day decided.
        window: Window,
        /// Days employed in it: after the attachment day, and off
        /// out-of-work benefits when the table says so.
        employed_days: u64,
        /// The employment records counted, in day order.
        records: Vec<String>,
    },
    /// A quantifier that picks no member on the day: `every` and `no` then
    /// hold with nothing to measure, `any` fails.
    NoMemberPicked,
    /// What a quantifier asks of one member it picks on the day: all of
    /// these.
    Member {
        /// The member's id.
        member: String,
        /// Why the quantifier picks them, beyond role and age: each member
        /// attribute it tests, with the member's value (`resident = false`).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        picked_for: Vec<String>,
        /// The member's requirements.
        measured: Vec<Requirement>,
    },
    /// Alternatives, of which one is enough: the parts of an `or`, or the
    /// members of an `any`, when there are two or more.
    OneOf {
        /// The alternatives.
        alternatives: Vec<Requirement>,
    },
    /// An alternative that needs several things at once.
    AllOf {
        /// All of these.
        measured: Vec<Requirement>,
    },
    /// `indicator X held at attachment`.
    Held {
        /// The indicator's problem.
        problem: String,
        /// The indicator's id.
        indicator: String,
        /// Whether it held on the attachment day (the day decided, for a
        /// family not attached).
        held: bool,
        /// Whether it must not have held (under `not`).
        negated: bool,
    },
}

impl Requirement {
    /// Every record it cites, as decisions cite them, with repeats.
    pub fn records<'r>(&'r self, out: &mut Vec<&'r str>) {
        match self {
            Requirement::Compare { left, right, .. } => {
                left.measure.records(out);
                right.measure.records(out);
            }
            Requirement::Events { events, .. } => {
                out.extend(events.records.iter().map(String::as_str));
            }
            Requirement::Reduction { now, baseline, .. } => {
                out.extend(now.records.iter().map(String::as_str));
                out.extend(baseline.records.iter().map(String::as_str));
            }
            Requirement::Employment {
                benefit_records,
                records,
                ..
            } => {
                out.extend(benefit_records.iter().map(String::as_str));
                out.extend(records.iter().map(String::as_str));
            }
            Requirement::Member { measured, .. } | Requirement::AllOf { measured } => {
                for requirement in measured {
                    requirement.records(out);
                }
            }
            Requirement::OneOf { alternatives } => {
                for requirement in alternatives {
                    requirement.records(out);
                }
            }
            Requirement::NoMemberPicked | Requirement::Held { .. } => {}
        }
    }
}

/// The words both renderers give a requirement's outcome and need, so the
/// text and the audit page say the same; each renders them its own way.
mod words {
    /// Whether an indicator held at attachment, then what is needed.
    pub(super) fn held(held: bool, negated: bool) -> (&'static str, &'static str) {
        (
            if held { "held" } else { "did not hold" },
            if negated { "not held" } else { "held" },
        )
    }

    /// How large a reduction must be: `at least`, or under `not`, `less than`.
    pub(super) fn fall(negated: bool) -> &'static str {
        if negated { "less than" } else { "at least" }
    }

    /// Why a side of a comparison with no value is not measurable, after
    /// `not measurable`, when its window does not already say: a rate whose
    /// denominator sums to zero. Nothing for a side with a value.
    pub(super) fn unmeasurable_because(operand: &super::Operand) -> String {
        match &operand.measure {
            super::Measure::Rate {
                bottom,
                bottom_sum: 0,
                ..
            } if operand.value.is_none() => format!(" ({bottom} sum to 0, so there is no rate)"),
            // Listed, not `_`: a new kind of measure must say here whether
            // it can lack a value for a reason its window does not give.
            super::Measure::Rate { .. }
            | super::Measure::Count { .. }
            | super::Measure::Sum { .. }
            | super::Measure::Percent { .. }
            | super::Measure::Constant
            | super::Measure::Latest { .. }
            | super::Measure::AtAttachment { .. }
            | super::Measure::Arithmetic { .. } => String::new(),
        }
    }

    /// `6 months`, or with changes to come, `6 months until 2018-03-31, then
    /// 12 months from 2018-04-01`: the words text and HTML both give a length
    /// in force and what follows it.
    pub(super) fn length_then(
        length: u32,
        unit: crate::unit::TimeUnit,
        then: &[super::LengthChange],
    ) -> String {
        let mut text = format!("{length} {}", unit.word(length));
        for change in then {
            if let Some(until) = change.from.pred_opt() {
                text.push_str(&format!(" until {}", crate::date::write(until)));
            }
            text.push_str(&format!(
                ", then {} {} from {}",
                change.length,
                change.unit.word(change.length),
                crate::date::write(change.from)
            ));
        }
        text
    }

    /// What a `before` window says of its anchor: `before attachment`, or
    /// for a dated length, `12 months before attachment, the length in
    /// force on the attachment day, 2018-05-03`.
    pub(super) fn before(anchor: super::Anchor, dated: Option<&super::Period>, on: &str) -> String {
        let anchor = match anchor {
            super::Anchor::Attachment => "attachment",
            super::Anchor::Identification => "identification",
        };
        match dated {
            None => format!("before {anchor}"),
            Some(period) => format!(
                "{} {} before {anchor}, the length in force on the {anchor} day, {on}",
                period.length,
                period.unit.word(period.length)
            ),
        }
    }

    /// What a `within … after` window with a dated length adds: ` (12
    /// months after it, the length in force on the day it ended,
    /// 2018-05-03)`; nothing for one length.
    pub(super) fn after_spell(
        edge: super::SpellEdge,
        dated: Option<&super::Period>,
        on: &str,
    ) -> String {
        let Some(period) = dated else {
            return String::new();
        };
        let happened = match edge {
            super::SpellEdge::AfterEnd => "ended",
            super::SpellEdge::During | super::SpellEdge::AfterStart => "started",
        };
        format!(
            " ({} {} after it, the length in force on the day it {happened}, {on})",
            period.length,
            period.unit.word(period.length)
        )
    }

    /// What a sustain period after a spell says of its length once the
    /// stretch has ended: for a length that changes on days, that the day
    /// it ended chose it; nothing for one length.
    pub(super) fn in_force_on_end(changes: &[super::LengthChange]) -> &'static str {
        if changes.is_empty() {
            ""
        } else {
            ", the length in force on that day"
        }
    }

    /// A sustain period after a spell's length while none has ended: `6
    /// months`, or for a length that changes on days, `the length in force
    /// on the day it ends (6 months until 2018-03-31, then 12 months from
    /// 2018-04-01)`.
    pub(super) fn length_at_end(
        length: u32,
        unit: crate::unit::TimeUnit,
        changes: &[super::LengthChange],
    ) -> String {
        let lengths = length_then(length, unit, changes);
        if changes.is_empty() {
            lengths
        } else {
            format!("the length in force on the day it ends ({lengths})")
        }
    }

    /// A sustain period of the family's own term records, as both say it.
    pub(super) fn recorded_terms(terms: u32) -> String {
        let unit = if terms == 1 { "term" } else { "terms" };
        format!(
            "the family's last {terms} recorded {unit} (its own school_term records, not the school calendar)"
        )
    }

    /// The records counted, in brackets after a space, or nothing.
    pub(super) fn cited(records: &[String]) -> String {
        if records.is_empty() {
            String::new()
        } else {
            format!(" ({})", records.join(", "))
        }
    }
}

impl Measure {
    /// Every record its events take, as decisions cite them.
    fn records<'r>(&'r self, out: &mut Vec<&'r str>) {
        match self {
            Measure::Count { events }
            | Measure::Sum { events, .. }
            | Measure::Rate { events, .. } => {
                out.extend(events.records.iter().map(String::as_str));
            }
            Measure::Latest { events, .. } | Measure::AtAttachment { events, .. } => {
                out.extend(events.records.iter().map(String::as_str));
            }
            Measure::Percent { of, .. } => of.records(out),
            Measure::Arithmetic { left, right, .. } => {
                left.measure.records(out);
                right.measure.records(out);
            }
            Measure::Constant => {}
        }
    }
}

/// A count over a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    /// How many events.
    pub count: i128,
    /// Over which days.
    pub window: Window,
    /// The records counted, as decisions cite them, in day order; empty
    /// when there were none in the window.
    pub records: Vec<String>,
}

/// How many events an [`Requirement::Events`] needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Needs {
    /// At least one.
    AtLeastOne,
    /// None.
    None,
}

/// A side of a comparison: the measure and its value on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operand {
    /// What is measured.
    pub measure: Measure,
    /// Its value; `None` when it cannot be measured (a rate over no
    /// sessions, fewer terms than asked for).
    pub value: Option<Number>,
}

/// What a measure counts or sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Measure {
    /// `count …`.
    Count {
        /// The events counted.
        events: Events,
    },
    /// `sum FIELD of …`.
    Sum {
        /// The field summed.
        field: String,
        /// The events summed over.
        events: Events,
    },
    /// `rate TOP per BOTTOM of …`, with both sums.
    Rate {
        /// The field on top.
        top: String,
        /// The field below.
        bottom: String,
        /// The events summed over.
        events: Events,
        /// The sum of `top`, as held (a decimal field in millionths).
        top_sum: i128,
        /// The sum of `bottom`, likewise.
        bottom_sum: i128,
    },
    /// `N% of …`.
    Percent {
        /// The percentage.
        percent: Fixed,
        /// Of what.
        of: Box<Measure>,
    },
    /// A constant the plan writes.
    Constant,
    /// `latest FIELD of …`: the field on the latest event in the window.
    Latest {
        /// The field read.
        field: String,
        /// The events looked at.
        events: Events,
    },
    /// `FIELD of … at attachment`: the field on the latest event on or
    /// before the attachment day (the events' window ends on that day).
    AtAttachment {
        /// The field read.
        field: String,
        /// The events looked at.
        events: Events,
    },
    /// `a - b` or `a + b`, with the value of each side.
    Arithmetic {
        /// The left side.
        left: Box<Operand>,
        /// `+` or `-`.
        op: String,
        /// The right side.
        right: Box<Operand>,
    },
}

/// The events a measure looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Events {
    /// The event kind.
    pub event: String,
    /// Whose events.
    pub scope: Scope,
    /// For [`Scope::MembersPicked`], the members picked on the day, by id,
    /// each with the attribute values that picked them; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub picked: Vec<String>,
    /// Over which days.
    pub window: Window,
    /// The fields its tests compare with their value at attachment, with
    /// that value; absent when it has no such test.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at_attachment: Vec<AttachmentValue>,
    /// The records inside the window on the day, for the members in scope,
    /// as decisions cite them, in day order; empty for an absence (none in
    /// the window).
    pub records: Vec<String>,
}

/// A field's value on the latest matching event on or before the
/// attachment day, which a test such as `level > level at attachment`
/// compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentValue {
    /// The field.
    pub field: String,
    /// Its value as a plan writes it (a word of an ordered field, or a
    /// number); `None` when no such event is recorded, so the events cannot
    /// be measured.
    pub value: Option<String>,
}

/// Whose events a measure takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The family's, and every member's.
    Family,
    /// The member a quantifier picked.
    Member,
    /// Those of the members a selector picks.
    MembersPicked,
}

/// The days a window covers on the day decided. A date that is `None` lies
/// outside the calendar: before every date for a first day, after every date
/// for any other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Window {
    /// The days from one to another, both included (`within`, `since
    /// attachment`).
    Days {
        /// The first day.
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The last day.
        #[serde(serialize_with = "crate::date::serialize")]
        to: Option<NaiveDate>,
    },
    /// The days up to an anchor (`within 6 months before attachment`).
    Before {
        /// The first day.
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The anchor's day, the last.
        #[serde(serialize_with = "crate::date::serialize")]
        to: Option<NaiveDate>,
        /// Which anchor.
        anchor: Anchor,
        /// For a length that changes on days, the one in force on the
        /// anchor's day, which chose it (as `length` and `unit`); absent for
        /// one length.
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        dated: Option<Period>,
    },
    /// The days of a window whose length changes on days (`within 6
    /// months then 12 months from 2018-04-01`), by the length in force on
    /// the day decided.
    Dated {
        /// The first day.
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The last day, the day decided.
        #[serde(serialize_with = "crate::date::serialize")]
        to: Option<NaiveDate>,
        /// The length in force on the day decided.
        length: u32,
        /// Days, weeks or months.
        unit: TimeUnit,
        /// The changes still to come after the day decided, in order.
        then: Vec<LengthChange>,
    },
    /// A member's last school terms ended by the day decided.
    LastTerms {
        /// How many terms.
        terms: u32,
        /// The first day of the earliest.
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The day decided: events after the latest term count up to it.
        #[serde(serialize_with = "crate::date::serialize")]
        to: Option<NaiveDate>,
    },
    /// Fewer terms recorded than the window asks for: not measurable.
    TooFewTerms {
        /// How many terms it asks for.
        terms: u32,
        /// How many have ended by the day.
        recorded: u32,
    },
    /// The plan's calendar terms, or the terms before attachment.
    Terms {
        /// Which form of terms window.
        form: TermsForm,
        /// How many terms.
        terms: u32,
        /// The calendar terms' names, earliest first; empty for records.
        names: Vec<String>,
        /// The first day of the earliest.
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The last day events count on: the day decided, or the
        /// attachment day for terms before attachment.
        #[serde(serialize_with = "crate::date::serialize")]
        to: Option<NaiveDate>,
    },
    /// Fewer terms ended by the day decided (or the attachment day) than
    /// the window asks for: not measurable.
    TooFewTermsOf {
        /// Which form of terms window.
        form: TermsForm,
        /// How many terms it asks for.
        terms: u32,
        /// How many have ended: records, or calendar terms.
        ended: u32,
    },
    /// Calendar terms with no record for a child of school age on their
    /// first day: not measurable, the terms are not skipped.
    TermsNotRecorded {
        /// Which form of terms window.
        form: TermsForm,
        /// How many terms it asks for.
        terms: u32,
        /// The names of the terms without a record.
        missing: Vec<String>,
    },
    /// The attachment day.
    AtAttachment {
        /// The day.
        #[serde(serialize_with = "crate::date::serialize")]
        day: Option<NaiveDate>,
    },
    /// A window from attachment, for a family not attached: no days.
    NotAttached {
        /// `since` or `at` attachment.
        window: AttachmentWindow,
    },
    /// Every day up to the day decided (`ever`).
    UpTo {
        /// The day decided.
        #[serde(serialize_with = "crate::date::serialize")]
        day: Option<NaiveDate>,
    },
    /// The day decided itself (`now`).
    On {
        /// The day decided.
        #[serde(serialize_with = "crate::date::serialize")]
        day: Option<NaiveDate>,
    },
    /// A window at the latest stretch of a kind's spells (`during order`,
    /// `within 6 months after end of case`), as of the day decided.
    Spell {
        /// The event kind it is anchored at.
        kind: String,
        /// During it, or after its start or end.
        edge: SpellEdge,
        /// The first day.
        #[serde(serialize_with = "crate::date::serialize")]
        from: Option<NaiveDate>,
        /// The last day, never after the day decided.
        #[serde(serialize_with = "crate::date::serialize")]
        to: Option<NaiveDate>,
        /// For `within … after` a length that changes on days, the one in
        /// force on the stretch's start or end day (`from`), which chose it
        /// (as `length` and `unit`); absent for one length and `during`.
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        dated: Option<Period>,
    },
    /// A window at a kind's spells with no stretch to anchor it on the day
    /// decided (none started, or for `after end of`, none ended or one
    /// still open): not measurable.
    NoSpell {
        /// The event kind it is anchored at.
        kind: String,
        /// During it, or after its start or end.
        edge: SpellEdge,
    },
}

/// Where a [`Window::Spell`] stands against its stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpellEdge {
    /// `during KIND`.
    During,
    /// `within … after start of KIND`.
    AfterStart,
    /// `within … after end of KIND`.
    AfterEnd,
}

/// Which window of terms a [`Window::Terms`] is (the member's last
/// records as of the day decided are [`Window::LastTerms`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermsForm {
    /// `over the last N school terms`: the plan's calendar.
    LastSchoolTerms,
    /// `over the N terms before attachment`: the member's records.
    TermsBefore,
    /// `over the N school terms before attachment`: the calendar.
    SchoolTermsBefore,
}

impl TermsForm {
    /// The window as the plan writes it: `over the last 3 school terms`.
    pub fn phrase(self, terms: u32) -> String {
        let unit = match (self, terms) {
            (TermsForm::TermsBefore, 1) => "term",
            (TermsForm::TermsBefore, _) => "terms",
            (_, 1) => "school term",
            (_, _) => "school terms",
        };
        match self {
            TermsForm::LastSchoolTerms => format!("over the last {terms} {unit}"),
            TermsForm::TermsBefore | TermsForm::SchoolTermsBefore => {
                format!("over the {terms} {unit} before attachment")
            }
        }
    }
}

/// The anchor of a [`Window::Before`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The attachment day (or the day decided, not attached).
    Attachment,
    /// The identification day.
    Identification,
}

/// Which window of a [`Window::NotAttached`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentWindow {
    /// `since attachment`.
    Since,
    /// `at attachment`.
    At,
}

/// How a compared value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// A plain number.
    Number,
    /// A rate, as a fraction of one (written as a percentage).
    Rate,
    /// Money, in pence (written in pounds).
    Pence,
}

/// An exact number, as the evaluator compared it. Serializes as a string:
/// the exact decimal when it has one (`"38"`, `"0.0234375"`), else the
/// fraction in lowest terms (`"1/3"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    /// The numerator.
    pub numerator: i128,
    /// The denominator, positive.
    pub denominator: i128,
}

impl Number {
    /// The exact text: a decimal when the fraction has one that fits, else
    /// `numerator/denominator`, both in lowest terms.
    pub fn exact_text(self) -> String {
        let (numerator, denominator) = lowest_terms(self.numerator, self.denominator);
        if denominator <= 0 {
            // Not a value the evaluator makes; written as it is, never looped on.
            return format!("{numerator}/{denominator}");
        }
        if denominator == 1 {
            return numerator.to_string();
        }
        exact_decimal(numerator, denominator)
            .unwrap_or_else(|| format!("{numerator}/{denominator}"))
    }
}

/// A fraction in lowest terms with a positive denominator as an exact
/// decimal; `None` when it has none (a third) or its digits pass i128.
///
/// It has one when its denominator is 2^twos × 5^fives: with k the larger,
/// the value is numerator × 2^(k − twos) × 5^(k − fives) in k decimal places.
fn exact_decimal(numerator: i128, denominator: i128) -> Option<String> {
    let twos = denominator.trailing_zeros();
    let mut rest = denominator.checked_shr(twos)?;
    let mut fives = 0u32;
    while rest.checked_rem(5) == Some(0) {
        rest = rest.checked_div(5)?;
        fives = fives.checked_add(1)?;
    }
    if rest != 1 {
        return None;
    }
    let places = twos.max(fives);
    let scale = 2i128
        .checked_pow(places.checked_sub(twos)?)?
        .checked_mul(5i128.checked_pow(places.checked_sub(fives)?)?)?;
    let scaled = numerator.checked_mul(scale)?;
    let places = usize::try_from(places).ok()?;
    let digits = format!(
        "{:0>width$}",
        scaled.unsigned_abs(),
        width = places.checked_add(1)?
    );
    let (whole, fraction) = digits.split_at(digits.len().checked_sub(places)?);
    let sign = if numerator < 0 { "-" } else { "" };
    Some(format!("{sign}{whole}.{fraction}"))
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.exact_text())
    }
}

/// One claim type's status and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimEvidence {
    /// The claim's id.
    #[serde(rename = "type")]
    pub claim_type: String,
    /// Its title in the plan.
    pub title: String,
    /// What it pays (a top-up pays the difference).
    pub amount: Pence,
    /// Claimable, not yet, claimed or not applicable.
    pub status: ClaimStatus,
    /// As the decision's `earliest`.
    #[serde(serialize_with = "crate::date::serialize")]
    pub earliest: Option<NaiveDate>,
    /// As the decision's `window`: the claim window it is made in.
    #[serde(serialize_with = "crate::date::serialize")]
    pub window: Option<NaiveDate>,
    /// Why it is not claimable, in words.
    pub reason: Option<String>,
    /// Whether it needs a named officer's approval.
    pub discretionary: bool,
    /// Its approval, when discretionary and approved (as the decision's).
    pub approval: Option<super::Approval>,
    /// The records behind the status (as the decision cites them).
    pub evidence: Vec<CitedRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_exactly_as_decimals_or_fractions() {
        let text = |numerator, denominator| {
            Number {
                numerator,
                denominator,
            }
            .exact_text()
        };
        assert_eq!(text(38, 1), "38");
        assert_eq!(text(76, 2), "38");
        assert_eq!(text(9, 384), "0.0234375");
        assert_eq!(text(-1, 8), "-0.125");
        assert_eq!(text(1, 10), "0.1");
        assert_eq!(text(1, 3), "1/3");
        assert_eq!(text(-2, 6), "-1/3");
        assert_eq!(text(1250, 100), "12.5");
        // 10^40 does not fit: the fraction stays a fraction, never rounded.
        assert_eq!(text(1, 1 << 126), format!("1/{}", 1i128 << 126));
    }
}
