//! A family's timeline as the evaluator reads it: its members and dated
//! events, each event of a kind of the plan's vocabulary, and the
//! problems a family record can have ([`FamilyError`]).
//!
//! Families are read from the interchange format's JSON
//! ([`crate::io::family_from_json`], or [`crate::Plan::read_family`]) or from
//! a CSV folder ([`crate::io`]); a family read has every event of a declared
//! kind, the right shape, a known member and well-typed fields. The rules
//! that hold whatever the format are here:
//!
//! - A family, member or event id that is empty or only white space is
//!   refused ([`RecordErrorKind::EmptyId`]).
//! - Two terms of the vocabulary's term kind ([`term_kind`](crate::vocab::Vocabulary::term_kind),
//!   `school_term`) of one member that share a day are refused
//!   ([`RecordErrorKind::OverlappingTerms`]): the evaluator counts a member's
//!   terms in order.
//!
//! Messages never repeat a value from the data: family data is sensitive
//! personal data. Only pseudonymous keys (the family, member and event ids),
//! key names and the plan's own vocabulary appear in them.
#![deny(clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::num::{Fixed, Pence};
use crate::vocab::{FieldType, KindId};

// ---------------------------------------------------------------------------
// The family.

/// One family: its pseudonymous id, free-text attributes, members and events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The family's id, a pseudonymous key.
    pub id: String,
    /// Free-text key/values carried to reports (`--by district`).
    pub attributes: BTreeMap<String, String>,
    /// The members, in input order; events refer to them by index.
    pub members: Vec<Member>,
    /// The events, in input order (`Event::position` is the index here).
    pub events: Vec<Event>,
}

impl Family {
    /// The member with this index.
    pub fn member(&self, index: u32) -> Option<&Member> {
        self.members.get(usize::try_from(index).ok()?)
    }
}

/// Whether a member is an adult or a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// `adult`.
    Adult,
    /// `child`.
    Child,
}

impl Role {
    /// The word the interchange format uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Adult => "adult",
            Role::Child => "child",
        }
    }

    /// The role a word of the interchange format names.
    pub(crate) fn from_word(word: &str) -> Option<Role> {
        match word {
            "adult" => Some(Role::Adult),
            "child" => Some(Role::Child),
            _ => None,
        }
    }
}

/// One member of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The member's id, a pseudonymous key unique within the family.
    pub id: String,
    /// Adult or child.
    pub role: Role,
    /// Date of birth, needed wherever a plan asks for an age.
    pub born: Option<NaiveDate>,
    /// The day the member joined the family, if recorded (an extension of the
    /// format): where a plan says so, their events count only while they are
    /// a member.
    pub joined: Option<NaiveDate>,
    /// The day the member left the family, if recorded; on or after `joined`.
    pub left: Option<NaiveDate>,
    /// The values of the vocabulary's
    /// [`member_attributes`](crate::vocab::Vocabulary::member_attributes),
    /// indexed like them; `None` where the record leaves one out. A value
    /// holds for the member on every day: the record has no dates for it.
    pub attributes: Vec<Option<FieldValue>>,
}

/// One dated event of a family's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event's id, if the record has one; decisions cite it.
    pub id: Option<String>,
    /// The event's 0-based position in the input's `events` array.
    pub position: u32,
    /// Its kind, in the vocabulary it was read with.
    pub kind: KindId,
    /// The member it is about (an index into [`Family::members`]), or `None`
    /// when it is about the family.
    pub member: Option<u32>,
    /// The first day: the `date` of a point event, the `start` of a spell.
    pub start: NaiveDate,
    /// The last day, included: `Some(start)` for a point event; for a spell,
    /// its `end`, or `None` while it is still open.
    pub end: Option<NaiveDate>,
    /// The field values, indexed like the kind's
    /// [`fields`](crate::vocab::EventKind::fields);
    /// `None` where an optional field is absent.
    pub fields: Vec<Option<FieldValue>>,
}

impl Event {
    /// How decisions cite this event: its id, or `#N` from its position.
    pub fn citation(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => format!("#{}", self.position),
        }
    }

    /// The value of the field with this index in the kind's declaration.
    pub fn field(&self, index: usize) -> Option<&FieldValue> {
        self.fields.get(index).and_then(Option::as_ref)
    }
}

/// The value of one field of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A whole number, zero or more.
    Count(u64),
    /// An exact decimal.
    Decimal(Fixed),
    /// An amount of money.
    Money(Pence),
    /// A percentage, in percent (15% is `Fixed(15_000_000)`).
    Percentage(Fixed),
    /// A calendar day.
    Date(NaiveDate),
    /// Free text.
    Text(String),
    /// True or false.
    Flag(bool),
    /// One of a fixed list of words: its index in the field's
    /// [`FieldType::OneOf`] list.
    Word(u32),
}

impl FieldValue {
    /// The value as text, in canonical form: a count in digits, a decimal or
    /// percentage as its exact decimal (`12.5`), money with two places
    /// (`12.50`), a day as `YYYY-MM-DD`, a flag as `true` or `false`, a word
    /// as itself. `ty` is the field's type, whose list names a word; `None`
    /// for a word the list does not have.
    pub fn to_text(&self, ty: &FieldType) -> Option<String> {
        Some(match self {
            FieldValue::Count(count) => count.to_string(),
            FieldValue::Decimal(fixed) | FieldValue::Percentage(fixed) => fixed.to_string(),
            FieldValue::Money(pence) => pence.to_decimal_string(),
            FieldValue::Date(day) => crate::date::write(*day),
            FieldValue::Text(text) => text.clone(),
            FieldValue::Flag(flag) => flag.to_string(),
            FieldValue::Word(index) => match ty {
                FieldType::OneOf(words) => words.get(usize::try_from(*index).ok()?)?.clone(),
                _ => return None,
            },
        })
    }
}

/// Whether an id is one a record can be known by: not empty, not only
/// white space.
pub(crate) fn is_usable_id(id: &str) -> bool {
    !id.trim().is_empty()
}

// ---------------------------------------------------------------------------
// Errors.

/// A family that could not be read or validated, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyError {
    /// The family's id, when it could be read.
    pub family: Option<String>,
    /// Every problem, in input order: the family's own keys, then members,
    /// then events.
    pub problems: Vec<RecordError>,
}

impl fmt::Display for FamilyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.family {
            Some(id) => write!(f, "family `{id}` is not valid")?,
            None => write!(f, "a family is not valid")?,
        }
        let count = self.problems.len();
        write!(f, " ({count} problem{})", if count == 1 { "" } else { "s" })?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FamilyError {}

/// Where in a family a problem is: the family object, or a member or an
/// event by its position in the input (and its id, when it has one that
/// could be read). Not to be confused with [`crate::io::Record`], one
/// family's input as a reader gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordPosition {
    /// The family object itself (its `id`, `attributes`, `members` or
    /// `events` keys), or the text it was read from.
    Family,
    /// One member.
    Member {
        /// The 0-based position in the `members` array.
        position: u32,
        /// The member's id, when it could be read.
        id: Option<String>,
    },
    /// One event.
    Event {
        /// The 0-based position in the `events` array.
        position: u32,
        /// The event's id, when it has one that could be read.
        id: Option<String>,
    },
}

impl RecordPosition {
    /// Where the record comes in a family: the family, then the members,
    /// then the events, each in input order.
    pub(crate) fn order(&self) -> (u8, u32) {
        match self {
            RecordPosition::Family => (0, 0),
            RecordPosition::Member { position, .. } => (1, *position),
            RecordPosition::Event { position, .. } => (2, *position),
        }
    }
}

impl fmt::Display for RecordPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, position, id) = match self {
            RecordPosition::Family => return write!(f, "family"),
            RecordPosition::Member { position, id } => ("member", position, id),
            RecordPosition::Event { position, id } => ("event", position, id),
        };
        write!(f, "{what} #{position}")?;
        if let Some(id) = id {
            write!(f, " (`{id}`)")?;
        }
        Ok(())
    }
}

/// One problem of a family record: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The record.
    pub record: RecordPosition,
    /// The key of the record the problem is about, if it is about one.
    pub field: Option<String>,
    /// What is wrong.
    pub kind: RecordErrorKind,
}

impl fmt::Display for RecordError {
    /// `event #3 (`e7`): field `end` is before `start`; …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.record)?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}` ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for RecordError {}

/// What is wrong with a record. Messages are predicates completed by the
/// record and field ([`RecordError`]'s display) and never hold data values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// The text is not JSON.
    #[error(
        "is not valid JSON (line {line}, column {column}); write each family as one JSON object"
    )]
    NotJson {
        /// The 1-based line of the fault.
        line: usize,
        /// The 1-based column of the fault.
        column: usize,
    },
    /// The family, a member or an event is not a JSON object.
    #[error("is not a JSON object; write it as `{{ ... }}` with named keys")]
    NotAnObject,
    /// A required key is absent or `null`.
    #[error("is missing; this record needs it")]
    MissingField,
    /// A value has the wrong JSON type.
    #[error("has the wrong type; it must be {expected}")]
    WrongType {
        /// What it must be, in words.
        expected: &'static str,
    },
    /// A date is not a real day written `YYYY-MM-DD`.
    #[error("is not a valid date; write a real calendar day as `YYYY-MM-DD`")]
    BadDate,
    /// A spell's `end` is before its `start`.
    #[error("is before `start`; a spell must end on or after the day it starts")]
    EndBeforeStart,
    /// A member's `left` is before their `joined`.
    #[error("is before `joined`; a member must leave on or after the day they joined")]
    LeftBeforeJoined,
    /// An event has both `date` and `start` or `end`.
    #[error(
        "has both `date` and `start` or `end`; give `date` for a one-day event, \
         or `start` (and `end` once it has ended) for a spell"
    )]
    DateAndSpell,
    /// An event has neither `date` nor `start`.
    #[error(
        "has neither `date` nor `start`; give `date` for a one-day event, \
         or `start` (and `end` once it has ended) for a spell"
    )]
    NoDate,
    /// A point kind given `start`/`end`.
    #[error("has `start`, but kind `{kind}` happens on one day; give `date` instead")]
    PointKindGivenSpell {
        /// The kind's name, as the plan declares it.
        kind: String,
    },
    /// A spell kind given `date`.
    #[error(
        "has `date`, but kind `{kind}` is a spell; give `start` (and `end` once it has ended) instead"
    )]
    SpellKindGivenDate {
        /// The kind's name, as the plan declares it.
        kind: String,
    },
    /// `kind` names no kind the plan declares.
    #[error("names a kind of event the plan does not declare; {}", crate::suggest::advice(suggestion.as_deref(), || "use a kind the plan declares, or declare it".into()))]
    UnknownKind {
        /// A declared kind with a similar name.
        suggestion: Option<String>,
    },
    /// A key that is neither reserved nor a field of the event's kind.
    #[error("is not a field of kind `{kind}`; {}", crate::suggest::advice(suggestion.as_deref(), || "remove it, or declare it in the plan".into()))]
    UnknownField {
        /// The event's kind, as the plan declares it.
        kind: String,
        /// A field of the kind (or a reserved key) with a similar name.
        suggestion: Option<String>,
    },
    /// A key of a member's `attributes` (or a `members.csv` column read as
    /// one) that the plan declares no member attribute for.
    #[error("is not a member attribute the plan declares; {}", crate::suggest::advice(suggestion.as_deref(), || "remove it, or declare it in the plan: `member attribute NAME: optional flag`".into()))]
    UnknownAttribute {
        /// A declared attribute with a similar name.
        suggestion: Option<String>,
    },
    /// A member attribute the plan declares, written as a key of the member
    /// itself rather than inside its `attributes`, where it would be lost.
    #[error(
        "is a member attribute the plan declares, written on the member itself; \
         move it into the member's `attributes` object"
    )]
    AttributeOutsideAttributes,
    /// `member` names no member of the family.
    #[error("names no member of this family; use the `id` of one of its `members`")]
    UnknownMember,
    /// The kind is about a member, but the record names none.
    #[error("is missing; kind `{kind}` is about a member, so name one")]
    MemberRequired {
        /// The kind's name, as the plan declares it.
        kind: String,
    },
    /// The kind is about the family, but the record names a member.
    #[error("is given, but kind `{kind}` is about the whole family; remove it")]
    MemberNotAllowed {
        /// The kind's name, as the plan declares it.
        kind: String,
    },
    /// An id (of the family, a member or an event) that is empty or only
    /// white space, so names nothing.
    #[error(
        "is empty or only white space; give an id that names the record \
         (an event may leave `id` out)"
    )]
    EmptyId,
    /// Two members share an id.
    #[error("repeats the id of member #{first}; give each member its own id")]
    DuplicateMemberId {
        /// The position of the first member with this id.
        first: u32,
    },
    /// Two events share an id.
    #[error("repeats the id of event #{first}; give each event its own id, or none")]
    DuplicateEventId {
        /// The position of the first event with this id.
        first: u32,
    },
    /// A key given more than once in the same JSON object (the family, a
    /// member, an event, or an object inside one), which a JSON reader
    /// would resolve silently by keeping one of the values.
    #[error(
        "is given more than once in the same object; give each key once, \
         keeping the value that is right"
    )]
    RepeatedKey,
    /// A school term that shares a day with another term of the same
    /// member (overlapping dates, or the same term recorded twice).
    #[error(
        "shares days with event #{other}{} of the same member, and a member's school \
         terms cannot overlap; remove the repeated record or correct the dates",
        other_id.as_deref().map(|id| format!(" (`{id}`)")).unwrap_or_default()
    )]
    OverlappingTerms {
        /// The position of the other term in the `events` array.
        other: u32,
        /// The other term's id, if it has one.
        other_id: Option<String>,
    },
    /// A count below zero.
    #[error("is negative; a count must be zero or more")]
    NegativeCount,
    /// A count with a fraction or an exponent (`2.5`, `1e3`): a count is a
    /// whole number in digits, since one written with an exponent has been
    /// through floating point and may no longer be exact.
    #[error(
        "is not a whole number written in digits; write a count as digits only, \
         such as `12`, without a fraction or exponent"
    )]
    NotWholeNumber,
    /// A one-of field holds a word outside its list.
    #[error("is not one of the allowed words; {}", crate::suggest::advice(suggestion.as_deref(), || format!("use one of {}", backticked(allowed))))]
    NotInList {
        /// The words the plan allows.
        allowed: Vec<String>,
        /// An allowed word near the one given.
        suggestion: Option<String>,
    },
    /// A member's role is neither `adult` nor `child`.
    #[error("is not a role; use `adult` or `child`")]
    BadRole,
    /// A number with more decimal places than its type keeps.
    #[error("has too many decimal places; use at most {places}")]
    TooPrecise {
        /// How many places the type keeps (2 for money, 6 otherwise).
        places: u32,
    },
    /// A number too large to hold exactly.
    #[error("is too large to hold exactly; check the value")]
    TooLarge,
    /// More members or events than positions can count.
    #[error("has more {what} than can be counted ({max} at most)", max = u32::MAX)]
    TooMany {
        /// `members` or `events`.
        what: &'static str,
    },
}

fn backticked(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("`{word}`")).collect();
    quoted.join(", ")
}

/// Reports each school term (of `term`, the vocabulary's term kind) that
/// shares a day with another term of the same member, naming the other.
///
/// The evaluator takes a member's terms as a sequence (`over the last N
/// terms`, `sustained for N terms`): terms that overlap, or the same term
/// twice from a repeated export row, would make the decision depend on the
/// order of the records. Both ends are days of the term, and an open term
/// runs on. The problem is reported on the later of the two records in the
/// input; a term that overlaps several is reported against each it meets
/// while the terms are swept in order of their start.
pub(crate) fn overlapping_terms(
    events: &[Event],
    term: Option<KindId>,
    problems: &mut Vec<RecordError>,
) {
    let Some(term) = term else {
        return;
    };
    let mut terms: Vec<&Event> = events
        .iter()
        .filter(|event| event.kind == term && event.member.is_some())
        .collect();
    terms.sort_by_key(|event| (event.member, event.start, event.position));
    let last_day = |event: &Event| event.end.unwrap_or(NaiveDate::MAX);
    // The term of this member reaching furthest among those swept so far.
    let mut reach: Option<&Event> = None;
    let mut found = Vec::new();
    for event in terms {
        match reach {
            Some(earlier) if earlier.member == event.member && last_day(earlier) >= event.start => {
                let (later, other) = if event.position > earlier.position {
                    (event, earlier)
                } else {
                    (earlier, event)
                };
                found.push(RecordError {
                    record: RecordPosition::Event {
                        position: later.position,
                        id: later.id.clone(),
                    },
                    field: None,
                    kind: RecordErrorKind::OverlappingTerms {
                        other: other.position,
                        other_id: other.id.clone(),
                    },
                });
                if last_day(event) > last_day(earlier) {
                    reach = Some(event);
                }
            }
            _ => reach = Some(event),
        }
    }
    found.sort_by_key(|problem| problem.record.order());
    problems.append(&mut found);
}
