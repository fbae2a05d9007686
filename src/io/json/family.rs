//! One family read from the interchange format's JSON (`interchange.md`,
//! "A family (input)") and validated against a plan's [`Vocabulary`], and
//! one family written back in that format.
//!
//! [`family_from_json`] and [`family_from_value`] either return a [`Family`]
//! whose every event has a declared kind, the right shape, a known member
//! and well-typed fields, or a [`FamilyError`] listing *every* problem of the
//! record, each naming the record (member or event, by position and id) and
//! the field, never a value from the data (see [`crate::family`]).
//!
//! Reading rules beyond `interchange.md`:
//!
//! - `null` counts as absent wherever a key is optional, and as missing where
//!   it is required.
//! - Unknown keys of the family object and of a member are ignored (forward
//!   compatibility); an event's keys are all checked, since every key that is
//!   not `id`, `kind`, `member`, `date`, `start` or `end` must be a field its
//!   kind declares.
//! - A member may carry `joined` and `left` dates (an extension of the
//!   format); `left` must not be before `joined`.
//! - A member's `attributes` object holds the plan's declared member
//!   attributes (`member attribute resident: optional flag`), each typed
//!   like an event field; a key the plan does not declare is refused (with
//!   "did you mean"), as is a required attribute left out. A member without
//!   the key reads as one with an empty object.
//! - Attribute values are text; numbers and `true`/`false` are accepted and
//!   kept as their JSON text; `null` attributes are left out.
//! - Counts, decimals, money and percentages may be JSON numbers or strings
//!   holding a number (`"12.50"`); they are read from the number's text, never
//!   through binary floating point. A percentage is in percent (`15` is 15%).
//!   Money must not have fractions of a penny; decimals and percentages keep
//!   at most six decimal places. Trailing zeros beyond those places are
//!   accepted (`"12.500"` is £12.50).
//! - A count is a whole number in digits (`12`, `"12"`, or `12.0` with a
//!   zero fraction), at most `u64::MAX`: `1.2e1` and `12.5` are refused
//!   ([`RecordErrorKind::NotWholeNumber`]), since a count with an exponent
//!   has been through floating point and may no longer be exact.
//! - A key given twice in one object, at any depth, is refused
//!   ([`RecordErrorKind::RepeatedKey`]; only [`family_from_json`] can see
//!   one, since a `Value` has already kept one of the two).
//! - The rules of [`crate::family`] that hold whatever the format: ids that
//!   name nothing, a member's school terms that overlap.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::repeats;
use crate::family::{
    Event, Family, FamilyError, FieldValue, Member, RecordError, RecordErrorKind, RecordPosition,
    Role, is_usable_id, overlapping_terms,
};
use crate::num::{Fixed, Pence};
use crate::vocab::{EventKind, FieldType, RESERVED_EVENT_KEYS, Shape, Subject, Vocabulary};

/// Collects the problems of one record.
struct Sink<'p> {
    problems: &'p mut Vec<RecordError>,
    record: RecordPosition,
}

impl Sink<'_> {
    fn report(&mut self, field: Option<&str>, kind: RecordErrorKind) {
        self.problems.push(RecordError {
            record: self.record.clone(),
            field: field.map(str::to_owned),
            kind,
        });
    }

    /// Reports a key whose value has the wrong JSON type: `expected` says
    /// what it must be, in words.
    fn wrong_type(&mut self, key: &str, expected: &'static str) {
        self.report(Some(key), RecordErrorKind::WrongType { expected });
    }
}

/// The value of `key`, treating `null` as absent.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !value.is_null())
}

/// An optional string key; reports a wrong type.
fn optional_string(object: &Map<String, Value>, key: &str, sink: &mut Sink<'_>) -> Option<String> {
    match present(object, key)? {
        Value::String(text) => Some(text.clone()),
        _ => {
            sink.wrong_type(key, "a string");
            None
        }
    }
}

/// A date held by `value`; reports what is wrong with it.
fn date_value(value: &Value, key: &str, sink: &mut Sink<'_>) -> Option<NaiveDate> {
    let Value::String(text) = value else {
        sink.wrong_type(key, "a date written `YYYY-MM-DD`, as a string");
        return None;
    };
    let day = crate::date::parse(text);
    if day.is_none() {
        sink.report(Some(key), RecordErrorKind::BadDate);
    }
    day
}

/// An optional date key; reports what is wrong with it.
fn optional_date(object: &Map<String, Value>, key: &str, sink: &mut Sink<'_>) -> Option<NaiveDate> {
    date_value(present(object, key)?, key, sink)
}

/// Reads and validates one family written as JSON text.
pub fn family_from_json(text: &str, vocab: &Vocabulary) -> Result<Family, FamilyError> {
    // Most records are well formed: read straight into typed records, and
    // only a record that path gives up on is read carefully.
    match super::typed::family(text, vocab) {
        Some(family) => Ok(family),
        None => careful_family_from_json(text, vocab),
    }
}

/// Reads the family as [`family_from_json`] does, without the fast path:
/// every problem of the record is found and reported.
fn careful_family_from_json(text: &str, vocab: &Vocabulary) -> Result<Family, FamilyError> {
    // `Value` keeps the last of a repeated key and says nothing, so the
    // text is first read for repeated keys alone (building nothing but
    // each object's key set), then as a `Value`.
    let read = repeats::find(text)
        .and_then(|repeated| Ok((repeated, serde_json::from_str::<Value>(text)?)));
    let (repeated, value) = match read {
        Ok(read) => read,
        Err(error) => {
            return Err(FamilyError {
                family: None,
                problems: vec![RecordError {
                    record: RecordPosition::Family,
                    field: None,
                    kind: RecordErrorKind::NotJson {
                        line: error.line(),
                        column: error.column(),
                    },
                }],
            });
        }
    };
    let family = family_from_value(&value, vocab);
    if repeated.is_empty() {
        return family;
    }
    let (family, mut problems) = match family {
        Ok(family) => (Some(family.id), Vec::new()),
        Err(error) => (error.family, error.problems),
    };
    // Given twice, the id is neither value for certain: the record is
    // refused by its line for the repeated key, and claims no family's id
    // (a family of either id elsewhere in the cohort is not a repeat of it).
    let id_repeated = repeated.iter().any(|problem| {
        problem.record == RecordPosition::Family && problem.field.as_deref() == Some("id")
    });
    let family = family.filter(|_| !id_repeated);
    problems.splice(0..0, repeated);
    problems.sort_by_key(|problem| problem.record.order());
    Err(FamilyError { family, problems })
}

/// Reads and validates one family held as a JSON value.
///
/// A `Value` has already settled a repeated key by keeping one of its
/// values; read the family's text with [`family_from_json`] to have a
/// repeated key refused.
pub fn family_from_value(value: &Value, vocab: &Vocabulary) -> Result<Family, FamilyError> {
    let mut problems = Vec::new();
    let mut sink = Sink {
        problems: &mut problems,
        record: RecordPosition::Family,
    };
    let Some(object) = value.as_object() else {
        sink.report(None, RecordErrorKind::NotAnObject);
        return Err(FamilyError {
            family: None,
            problems,
        });
    };

    let id = match present(object, "id") {
        None => {
            sink.report(Some("id"), RecordErrorKind::MissingField);
            None
        }
        Some(_) => optional_string(object, "id", &mut sink),
    };
    let id = id.filter(|id| {
        let usable = is_usable_id(id);
        if !usable {
            sink.report(Some("id"), RecordErrorKind::EmptyId);
        }
        usable
    });
    let attributes = read_attributes(object, &mut sink);
    let members_value = array_key(object, "members", &mut sink);
    let events_value = array_key(object, "events", &mut sink);

    let mut members = Vec::new();
    let member_ids = read_list(
        members_value.unwrap_or_default(),
        List::Members,
        &mut problems,
        |_, object, id, sink| members.extend(read_member(object, id, vocab, sink)),
    );
    let mut events = Vec::new();
    read_list(
        events_value.unwrap_or_default(),
        List::Events,
        &mut problems,
        |position, object, id, sink| {
            events.extend(read_event(object, position, id, &member_ids, vocab, sink));
        },
    );
    overlapping_terms(&events, vocab.term_kind(), &mut problems);
    // In input order: the family, then each member and each event.
    problems.sort_by_key(|problem| problem.record.order());

    match id {
        Some(id) if problems.is_empty() => Ok(Family {
            id,
            attributes,
            members,
            events,
        }),
        family => Err(FamilyError { family, problems }),
    }
}

/// Writes the family back in the interchange format, with `vocab` (the
/// vocabulary it was read with) giving kind and field names.
///
/// Values are written in canonical form: counts and flags as JSON
/// numbers and booleans; decimals, percentages and money as strings
/// (`"12.5"`, `"12.50"`) so that they stay exact; attributes as strings.
/// Reading the result with the same vocabulary gives an equal family. An
/// event whose kind or field is missing from `vocab` is written with a
/// `null` kind or without that field.
pub fn family_to_value(family: &Family, vocab: &Vocabulary) -> Value {
    let mut object = Map::new();
    object.insert("id".to_owned(), Value::String(family.id.clone()));
    if !family.attributes.is_empty() {
        let attributes = family
            .attributes
            .iter()
            .map(|(key, value)| (key.clone(), Value::String(value.clone())))
            .collect();
        object.insert("attributes".to_owned(), Value::Object(attributes));
    }
    let members = family
        .members
        .iter()
        .map(|member| member_to_json(member, vocab))
        .collect();
    object.insert("members".to_owned(), Value::Array(members));
    let events = family
        .events
        .iter()
        .map(|event| event_to_json(family, event, vocab))
        .collect();
    object.insert("events".to_owned(), Value::Array(events));
    Value::Object(object)
}

fn event_to_json(family: &Family, event: &Event, vocab: &Vocabulary) -> Value {
    let kind = vocab.get(event.kind);
    let mut record = Map::new();
    if let Some(id) = &event.id {
        record.insert("id".to_owned(), Value::String(id.clone()));
    }
    let name = kind.map_or(Value::Null, |kind| Value::String(kind.name.clone()));
    record.insert("kind".to_owned(), name);
    if let Some(member) = event.member.and_then(|index| family.member(index)) {
        record.insert("member".to_owned(), Value::String(member.id.clone()));
    }
    let start = Value::String(crate::date::write(event.start));
    if kind.is_some_and(|kind| kind.shape == Shape::Point) {
        record.insert("date".to_owned(), start);
    } else {
        record.insert("start".to_owned(), start);
        if let Some(end) = event.end {
            record.insert("end".to_owned(), Value::String(crate::date::write(end)));
        }
    }
    if let Some(kind) = kind {
        for (decl, value) in kind.fields.iter().zip(&event.fields) {
            if let Some(value) = value.as_ref().and_then(|v| field_to_json(v, &decl.ty)) {
                record.insert(decl.name.clone(), value);
            }
        }
    }
    Value::Object(record)
}

fn member_to_json(member: &Member, vocab: &Vocabulary) -> Value {
    let mut record = Map::new();
    record.insert("id".to_owned(), Value::String(member.id.clone()));
    record.insert(
        "role".to_owned(),
        Value::String(member.role.as_str().to_owned()),
    );
    for (key, day) in [
        ("born", member.born),
        ("joined", member.joined),
        ("left", member.left),
    ] {
        if let Some(day) = day {
            record.insert(key.to_owned(), Value::String(crate::date::write(day)));
        }
    }
    let attributes: Map<String, Value> = vocab
        .member_attributes()
        .iter()
        .zip(&member.attributes)
        .filter_map(|(decl, value)| {
            let value = field_to_json(value.as_ref()?, &decl.ty)?;
            Some((decl.name.clone(), value))
        })
        .collect();
    if !attributes.is_empty() {
        record.insert("attributes".to_owned(), Value::Object(attributes));
    }
    Value::Object(record)
}

/// A field's value as JSON: counts and flags as numbers and booleans, the
/// rest as their text, so that decimals and money stay exact.
fn field_to_json(value: &FieldValue, ty: &FieldType) -> Option<Value> {
    Some(match value {
        FieldValue::Count(count) => Value::from(*count),
        FieldValue::Flag(flag) => Value::Bool(*flag),
        _ => Value::String(value.to_text(ty)?),
    })
}

/// A required array key of the family.
fn array_key<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    sink: &mut Sink<'_>,
) -> Option<&'a [Value]> {
    match present(object, key) {
        None => {
            sink.report(Some(key), RecordErrorKind::MissingField);
            None
        }
        Some(Value::Array(items)) => Some(items.as_slice()),
        Some(_) => {
            sink.wrong_type(key, "an array");
            None
        }
    }
}

fn read_attributes(object: &Map<String, Value>, sink: &mut Sink<'_>) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    let Some(value) = present(object, "attributes") else {
        return attributes;
    };
    let Value::Object(entries) = value else {
        sink.wrong_type("attributes", "an object");
        return attributes;
    };
    for (key, value) in entries {
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Array(_) | Value::Object(_) => {
                sink.wrong_type(
                    &format!("attributes.{key}"),
                    "text, a number or `true`/`false`",
                );
                continue;
            }
        };
        attributes.insert(key.clone(), text);
    }
    attributes
}

/// The family's two lists of records.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Members,
    Events,
}

impl List {
    /// The family's key that holds the list.
    fn key(self) -> &'static str {
        match self {
            List::Members => "members",
            List::Events => "events",
        }
    }

    /// The record at this position of the list.
    fn record(self, position: u32, id: Option<&str>) -> RecordPosition {
        let id = id.map(str::to_owned);
        match self {
            List::Members => RecordPosition::Member { position, id },
            List::Events => RecordPosition::Event { position, id },
        }
    }

    /// What is wrong with a record whose id the record at `first` has.
    fn repeated_id(self, first: u32) -> RecordErrorKind {
        match self {
            List::Members => RecordErrorKind::DuplicateMemberId { first },
            List::Events => RecordErrorKind::DuplicateEventId { first },
        }
    }
}

/// Reads each record of a list as far as its id, which a member must have
/// and an event may: given, it must name the record (not be empty) and be
/// the only one of its list. `rest` reads the rest of each record that is
/// an object, given its position and usable id, with a sink that names the
/// record. Returns each id's first position.
fn read_list<'a>(
    items: &'a [Value],
    list: List,
    problems: &mut Vec<RecordError>,
    mut rest: impl FnMut(u32, &'a Map<String, Value>, Option<&'a str>, &mut Sink<'_>),
) -> BTreeMap<&'a str, u32> {
    let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        let Ok(position) = u32::try_from(index) else {
            problems.push(RecordError {
                record: RecordPosition::Family,
                field: Some(list.key().to_owned()),
                kind: RecordErrorKind::TooMany { what: list.key() },
            });
            break;
        };
        let mut sink = Sink {
            problems,
            record: list.record(position, None),
        };
        let Some(object) = item.as_object() else {
            sink.report(None, RecordErrorKind::NotAnObject);
            continue;
        };
        let id = match present(object, "id") {
            Some(Value::String(id)) if is_usable_id(id) => Some(id.as_str()),
            _ => None,
        };
        sink.record = list.record(position, id);
        match (present(object, "id"), id) {
            (None, _) if list == List::Members => {
                sink.report(Some("id"), RecordErrorKind::MissingField)
            }
            (Some(Value::String(_)), None) => sink.report(Some("id"), RecordErrorKind::EmptyId),
            (Some(_), None) => sink.wrong_type("id", "a string"),
            (None, _) | (Some(_), Some(_)) => {}
        }
        if let Some(id) = id {
            match ids.get(id) {
                Some(&first) => sink.report(Some("id"), list.repeated_id(first)),
                None => {
                    ids.insert(id, position);
                }
            }
        }
        rest(position, object, id, &mut sink);
    }
    ids
}

/// Reads the parts of one member after its id; `None` if it has no usable
/// id or role.
fn read_member(
    object: &Map<String, Value>,
    id: Option<&str>,
    vocab: &Vocabulary,
    sink: &mut Sink<'_>,
) -> Option<Member> {
    let role = match present(object, "role") {
        None => {
            sink.report(Some("role"), RecordErrorKind::MissingField);
            None
        }
        Some(Value::String(word)) => {
            let role = Role::from_word(word);
            if role.is_none() {
                sink.report(Some("role"), RecordErrorKind::BadRole);
            }
            role
        }
        Some(_) => {
            sink.wrong_type("role", "`adult` or `child`, as a string");
            None
        }
    };
    let born = optional_date(object, "born", sink);
    let joined = optional_date(object, "joined", sink);
    let left = optional_date(object, "left", sink);
    if let (Some(joined), Some(left)) = (joined, left) {
        if left < joined {
            sink.report(Some("left"), RecordErrorKind::LeftBeforeJoined);
        }
    }
    let attributes = read_member_attributes(object, vocab, sink);
    Some(Member {
        id: id?.to_owned(),
        role: role?,
        born,
        joined,
        left,
        attributes,
    })
}

/// The member's `attributes` object, each value typed as the plan declares
/// the attribute; problems are reported at `attributes.NAME`.
fn read_member_attributes(
    object: &Map<String, Value>,
    vocab: &Vocabulary,
    sink: &mut Sink<'_>,
) -> Vec<Option<FieldValue>> {
    let declared = vocab.member_attributes();
    for decl in declared {
        // Other member keys are ignored for older exports' sake, but one
        // named as a declared attribute is that attribute misplaced.
        if object.contains_key(&decl.name) {
            sink.report(
                Some(&decl.name),
                RecordErrorKind::AttributeOutsideAttributes,
            );
        }
    }
    let mut values: Vec<Option<FieldValue>> = vec![None; declared.len()];
    let given = match present(object, "attributes") {
        None => None,
        Some(Value::Object(given)) => Some(given),
        Some(_) => {
            sink.wrong_type("attributes", "an object of the plan's member attributes");
            return values;
        }
    };
    for (key, value) in given.into_iter().flatten() {
        let at = format!("attributes.{key}");
        let Some(index) = vocab.member_attribute_index(key) else {
            let names = declared.iter().map(|decl| decl.name.as_str());
            let suggestion = crate::suggest::did_you_mean(key, names).map(str::to_owned);
            sink.report(Some(&at), RecordErrorKind::UnknownAttribute { suggestion });
            continue;
        };
        if value.is_null() {
            continue;
        }
        let (Some(decl), Some(slot)) = (declared.get(index), values.get_mut(index)) else {
            continue;
        };
        match read_field(Scalar::of(value), &decl.ty) {
            Ok(field) => *slot = Some(field),
            Err(problem) => sink.report(Some(&at), problem),
        }
    }
    for decl in declared {
        let absent = given.is_none_or(|given| given.get(&decl.name).is_none_or(Value::is_null));
        if !decl.optional && absent {
            sink.report(
                Some(&format!("attributes.{}", decl.name)),
                RecordErrorKind::MissingField,
            );
        }
    }
    values
}

/// Reads the parts of one event after its id; `None` if anything is wrong.
fn read_event(
    object: &Map<String, Value>,
    position: u32,
    id: Option<&str>,
    member_ids: &BTreeMap<&str, u32>,
    vocab: &Vocabulary,
    sink: &mut Sink<'_>,
) -> Option<Event> {
    let before = sink.problems.len();

    let kind = match present(object, "kind") {
        None => {
            sink.report(Some("kind"), RecordErrorKind::MissingField);
            None
        }
        Some(Value::String(name)) => {
            let found = vocab.lookup(name).and_then(|id| Some((id, vocab.get(id)?)));
            if found.is_none() {
                let names = vocab.iter().map(|(_, kind)| kind.name.as_str());
                let suggestion = crate::suggest::did_you_mean(name, names).map(str::to_owned);
                sink.report(Some("kind"), RecordErrorKind::UnknownKind { suggestion });
            }
            found
        }
        Some(_) => {
            sink.wrong_type("kind", "the name of a kind of event, as a string");
            None
        }
    };

    let member = read_member_ref(object, kind.map(|(_, kind)| kind), member_ids, sink);
    let (start, end) = read_days(object, kind.map(|(_, kind)| kind), sink);
    let fields = match kind {
        Some((_, kind)) => read_fields(object, kind, sink),
        None => Vec::new(),
    };

    if sink.problems.len() != before {
        return None;
    }
    Some(Event {
        id: id.map(str::to_owned),
        position,
        kind: kind?.0,
        member,
        start: start?,
        end,
        fields,
    })
}

/// The `member` key: the member's index, checked against the kind's subject.
fn read_member_ref(
    object: &Map<String, Value>,
    kind: Option<&EventKind>,
    member_ids: &BTreeMap<&str, u32>,
    sink: &mut Sink<'_>,
) -> Option<u32> {
    let subject = kind.map(|kind| kind.subject);
    let name = || kind.map(|kind| kind.name.clone()).unwrap_or_default();
    let Some(value) = present(object, "member") else {
        if subject == Some(Subject::Member) {
            let kind = name();
            sink.report(Some("member"), RecordErrorKind::MemberRequired { kind });
        }
        return None;
    };
    if subject == Some(Subject::Family) {
        let kind = name();
        sink.report(Some("member"), RecordErrorKind::MemberNotAllowed { kind });
        return None;
    }
    let Value::String(member) = value else {
        sink.wrong_type("member", "a member's `id`, as a string");
        return None;
    };
    let index = member_ids.get(member.as_str()).copied();
    if index.is_none() {
        sink.report(Some("member"), RecordErrorKind::UnknownMember);
    }
    index
}

/// The `date`, or `start` and `end`: the first and last day.
fn read_days(
    object: &Map<String, Value>,
    kind: Option<&EventKind>,
    sink: &mut Sink<'_>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let date = present(object, "date");
    let start = present(object, "start");
    let end = present(object, "end");
    let shape = kind.map(|kind| kind.shape);
    let name = || kind.map(|kind| kind.name.clone()).unwrap_or_default();
    match (date, start, end) {
        (Some(_), None, None) => {
            if shape == Some(Shape::Spell) {
                let kind = name();
                sink.report(None, RecordErrorKind::SpellKindGivenDate { kind });
            }
            let day = date.and_then(|value| date_value(value, "date", sink));
            (day, day)
        }
        (Some(_), _, _) => {
            sink.report(None, RecordErrorKind::DateAndSpell);
            (None, None)
        }
        (None, Some(start), end) => {
            if shape == Some(Shape::Point) {
                let kind = name();
                sink.report(None, RecordErrorKind::PointKindGivenSpell { kind });
            }
            let first = date_value(start, "start", sink);
            let last = end.and_then(|value| date_value(value, "end", sink));
            if let (Some(first), Some(last)) = (first, last) {
                if last < first {
                    sink.report(Some("end"), RecordErrorKind::EndBeforeStart);
                }
            }
            (first, last)
        }
        (None, None, _) => {
            sink.report(None, RecordErrorKind::NoDate);
            (None, None)
        }
    }
}

/// Every non-reserved key, as a field of `kind`.
fn read_fields(
    object: &Map<String, Value>,
    kind: &EventKind,
    sink: &mut Sink<'_>,
) -> Vec<Option<FieldValue>> {
    let mut fields: Vec<Option<FieldValue>> = vec![None; kind.fields.len()];
    for (key, value) in object {
        if RESERVED_EVENT_KEYS.contains(&key.as_str()) {
            continue;
        }
        let Some(index) = kind.field_index(key) else {
            let candidates = RESERVED_EVENT_KEYS
                .iter()
                .copied()
                .chain(kind.fields.iter().map(|decl| decl.name.as_str()));
            let suggestion = crate::suggest::did_you_mean(key, candidates).map(str::to_owned);
            sink.report(
                Some(key),
                RecordErrorKind::UnknownField {
                    kind: kind.name.clone(),
                    suggestion,
                },
            );
            continue;
        };
        if value.is_null() {
            continue;
        }
        let (Some(decl), Some(slot)) = (kind.fields.get(index), fields.get_mut(index)) else {
            continue;
        };
        match read_field(Scalar::of(value), &decl.ty) {
            Ok(field) => *slot = Some(field),
            Err(problem) => sink.report(Some(key), problem),
        }
    }
    for decl in &kind.fields {
        if !decl.optional && present(object, &decl.name).is_none() {
            sink.report(Some(&decl.name), RecordErrorKind::MissingField);
        }
    }
    fields
}

/// Whether `text` is one or more ASCII digits.
fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// A JSON value as a field is read from it: the text of a string or of a
/// number (its own digits, never through `f64`), a boolean, or anything
/// else. Both readers of a family ([`family_from_value`] and the typed
/// fast path) read fields through it, so they cannot disagree.
#[derive(Clone, Copy)]
pub(in crate::io) enum Scalar<'a> {
    String(&'a str),
    Number(&'a str),
    Bool(bool),
    /// `null`, an array or an object.
    Other,
}

impl<'a> Scalar<'a> {
    fn of(value: &'a Value) -> Scalar<'a> {
        match value {
            Value::String(text) => Scalar::String(text),
            // A number's own text (serde_json's `arbitrary_precision`).
            Value::Number(number) => Scalar::Number(number.as_str()),
            Value::Bool(flag) => Scalar::Bool(*flag),
            Value::Null | Value::Array(_) | Value::Object(_) => Scalar::Other,
        }
    }
}

/// One field's value, by its declared type.
pub(super) fn read_field(value: Scalar<'_>, ty: &FieldType) -> Result<FieldValue, RecordErrorKind> {
    use RecordErrorKind::{
        BadDate, NegativeCount, NotInList, NotWholeNumber, TooLarge, TooPrecise, WrongType,
    };
    let text = || match value {
        Scalar::String(text) | Scalar::Number(text) => Some(text),
        Scalar::Bool(_) | Scalar::Other => None,
    };
    let string = |expected| match value {
        Scalar::String(text) => Ok(text),
        _ => Err(WrongType { expected }),
    };
    match ty {
        FieldType::Count => {
            const EXPECTED: &str = "a whole number";
            let Some(text) = text() else {
                return Err(WrongType { expected: EXPECTED });
            };
            let (negative, digits) = match text.strip_prefix('-') {
                Some(digits) => (true, digits),
                None => (false, text),
            };
            // A whole number with a zero fraction (`16.0`, as exports that
            // pass columns through floating point write small counts) is
            // exactly that whole number. Most counts are digits alone, which
            // need no search for a fraction.
            let digits = if is_digits(digits) {
                digits
            } else {
                match digits.split_once('.') {
                    Some((whole, fraction))
                        if !whole.is_empty()
                            && !fraction.is_empty()
                            && fraction.bytes().all(|byte| byte == b'0') =>
                    {
                        whole
                    }
                    _ => digits,
                }
            };
            if !is_digits(digits) {
                // Well-formed but not a whole number in digits (`1e3`,
                // `2.5`): an exponent is how floating point writes a count
                // too large for it to hold exactly.
                return Err(match crate::num::decimal::parse(text, Fixed::PLACES) {
                    Err(crate::num::decimal::Error::Malformed) => WrongType { expected: EXPECTED },
                    _ => NotWholeNumber,
                });
            }
            if negative && digits.bytes().any(|byte| byte != b'0') {
                return Err(NegativeCount);
            }
            // Only digits are left, so the number is theirs unless too large.
            match crate::num::whole_number(digits.as_bytes()) {
                Some(count) => Ok(FieldValue::Count(count)),
                None => Err(TooLarge),
            }
        }
        FieldType::Decimal | FieldType::Percentage | FieldType::Money => {
            let (places, expected) = match ty {
                FieldType::Money => (2, "an amount of money such as `12.50`"),
                _ => (Fixed::PLACES, "a number such as `12.5`"),
            };
            let Some(text) = text() else {
                return Err(WrongType { expected });
            };
            let scaled = crate::num::decimal::parse(text, places).map_err(|error| match error {
                crate::num::decimal::Error::Malformed => WrongType { expected },
                crate::num::decimal::Error::TooPrecise => TooPrecise { places },
                crate::num::decimal::Error::TooLarge => TooLarge,
            })?;
            let scaled = i64::try_from(scaled).map_err(|_| TooLarge)?;
            Ok(match ty {
                FieldType::Money => FieldValue::Money(Pence(scaled)),
                FieldType::Percentage => FieldValue::Percentage(Fixed(scaled)),
                _ => FieldValue::Decimal(Fixed(scaled)),
            })
        }
        FieldType::Date => {
            let text = string("a date written `YYYY-MM-DD`, as a string")?;
            match crate::date::parse(text) {
                Some(date) => Ok(FieldValue::Date(date)),
                None => Err(BadDate),
            }
        }
        FieldType::Text => Ok(FieldValue::Text(string("a string")?.to_owned())),
        FieldType::Flag => match value {
            Scalar::Bool(flag) => Ok(FieldValue::Flag(flag)),
            _ => Err(WrongType {
                expected: "`true` or `false`",
            }),
        },
        FieldType::OneOf(words) => {
            let word = string("one of the allowed words, as a string")?;
            words
                .iter()
                .position(|allowed| allowed == word)
                .and_then(|index| u32::try_from(index).ok())
                .map(FieldValue::Word)
                .ok_or_else(|| NotInList {
                    allowed: words.clone(),
                    suggestion: crate::suggest::did_you_mean(
                        word,
                        words.iter().map(String::as_str),
                    )
                    .map(str::to_owned),
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::FieldDecl;
    use proptest::prelude::*;
    use serde_json::json;

    fn field(name: &str, ty: FieldType, optional: bool) -> FieldDecl {
        FieldDecl {
            at_end: false,
            ordered: false,
            name: name.to_owned(),
            ty,
            optional,
        }
    }

    fn one_of(words: &[&str]) -> FieldType {
        FieldType::OneOf(words.iter().map(|word| (*word).to_owned()).collect())
    }

    /// The national vocabulary of `interchange.md` (the kinds these tests
    /// use), plus a local `payment` kind with the remaining field types.
    fn vocab() -> Vocabulary {
        let mut vocab = Vocabulary::default();
        let mut kind = |name: &str, shape, subject, fields| {
            vocab.push(EventKind {
                name: name.to_owned(),
                shape,
                subject,
                fields,
            });
        };
        use Shape::{Point, Spell};
        use Subject::{Family, Member, MemberOrFamily};
        kind("offence", Point, Member, vec![]);
        kind("asb_incident", Point, Member, vec![]);
        kind(
            "school_term",
            Spell,
            Member,
            vec![
                field("sessions", FieldType::Count, false),
                field("unauthorised", FieldType::Count, false),
            ],
        );
        kind(
            "exclusion",
            Point,
            Member,
            vec![field("type", one_of(&["fixed", "permanent"]), false)],
        );
        kind(
            "out_of_work_benefit",
            Spell,
            Member,
            vec![field(
                "benefit",
                one_of(&["jsa", "esa", "is", "ib", "uc", "other"]),
                false,
            )],
        );
        kind(
            "employment",
            Spell,
            Member,
            vec![field("hours", FieldType::Count, true)],
        );
        kind("domestic_abuse_incident", Point, MemberOrFamily, vec![]);
        kind("attachment", Point, Family, vec![]);
        kind(
            "claim",
            Point,
            Family,
            vec![field("type", FieldType::Text, false)],
        );
        kind(
            "payment",
            Point,
            Family,
            vec![
                field("amount", FieldType::Money, false),
                field("rate", FieldType::Percentage, true),
                field("score", FieldType::Decimal, true),
                field("due", FieldType::Date, true),
                field("verified", FieldType::Flag, true),
            ],
        );
        vocab
    }

    const EXAMPLE: &str = r#"{
      "id": "F-0001",
      "attributes": { "district": "Preston", "lp_agency": "CSC" },
      "members": [
        { "id": "P1", "role": "adult", "born": "1984-02-10" },
        { "id": "P2", "role": "child", "born": "2007-09-30" }
      ],
      "events": [
        { "id": "e1", "kind": "asb_incident", "member": "P2", "date": "2015-03-01" },
        { "kind": "school_term", "member": "P2", "start": "2015-01-05", "end": "2015-03-27",
          "sessions": 114, "unauthorised": 20 },
        { "kind": "out_of_work_benefit", "member": "P1", "start": "2013-01-01", "benefit": "jsa" },
        { "kind": "attachment", "date": "2015-06-01" }
      ]
    }"#;

    fn day(text: &str) -> NaiveDate {
        crate::date::parse(text).unwrap()
    }

    fn example() -> Value {
        serde_json::from_str(EXAMPLE).unwrap()
    }

    /// The example family with these events instead.
    fn with_events(events: Value) -> Value {
        let mut family = example();
        family["events"] = events;
        family
    }

    fn problems(family: &Value) -> Vec<RecordError> {
        family_from_value(family, &vocab()).unwrap_err().problems
    }

    /// The single problem of a family with this one event.
    fn event_problem(event: Value) -> RecordError {
        let found = problems(&with_events(json!([event])));
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    fn at(record: RecordPosition, field: Option<&str>, kind: RecordErrorKind) -> RecordError {
        RecordError {
            record,
            field: field.map(str::to_owned),
            kind,
        }
    }

    /// The problem of the record at `position` of `list`.
    fn at_record(
        list: List,
        position: u32,
        id: Option<&str>,
        field: Option<&str>,
        kind: RecordErrorKind,
    ) -> RecordError {
        at(list.record(position, id), field, kind)
    }

    fn at_family(field: Option<&str>, kind: RecordErrorKind) -> RecordError {
        at(RecordPosition::Family, field, kind)
    }

    #[test]
    fn the_interchange_example_loads() {
        let vocab = vocab();
        let family = family_from_json(EXAMPLE, &vocab).unwrap();
        assert_eq!(family.id, "F-0001");
        assert_eq!(
            family.attributes.get("district").map(String::as_str),
            Some("Preston")
        );
        assert_eq!(family.attributes.len(), 2);
        assert_eq!(
            family.members,
            vec![
                Member {
                    id: "P1".into(),
                    role: Role::Adult,
                    born: Some(day("1984-02-10")),
                    joined: None,
                    left: None,
                    attributes: Vec::new(),
                },
                Member {
                    id: "P2".into(),
                    role: Role::Child,
                    born: Some(day("2007-09-30")),
                    joined: None,
                    left: None,
                    attributes: Vec::new(),
                },
            ]
        );
        let kinds: Vec<&str> = family
            .events
            .iter()
            .map(|event| vocab.get(event.kind).unwrap().name.as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "asb_incident",
                "school_term",
                "out_of_work_benefit",
                "attachment"
            ]
        );
        let positions: Vec<u32> = family.events.iter().map(|event| event.position).collect();
        assert_eq!(positions, [0, 1, 2, 3]);
        let citations: Vec<String> = family.events.iter().map(Event::citation).collect();
        assert_eq!(citations, ["e1", "#1", "#2", "#3"]);

        let [asb, term, benefit, attachment] = family.events.as_slice() else {
            panic!("four events expected");
        };
        assert_eq!(asb.member, Some(1));
        assert_eq!(
            (asb.start, asb.end),
            (day("2015-03-01"), Some(day("2015-03-01")))
        );
        assert!(asb.fields.is_empty());
        assert_eq!(term.end, Some(day("2015-03-27")));
        assert_eq!(
            term.fields,
            vec![Some(FieldValue::Count(114)), Some(FieldValue::Count(20))]
        );
        assert_eq!(benefit.member, Some(0));
        assert_eq!(benefit.start, day("2013-01-01"));
        assert_eq!(benefit.end, None, "an open spell");
        assert_eq!(benefit.fields, vec![Some(FieldValue::Word(0))]);
        assert_eq!(attachment.member, None);
        assert_eq!(attachment.end, Some(attachment.start));
    }

    #[test]
    fn field_types_are_read_exactly() {
        let vocab = vocab();
        let read = |event: Value| {
            let family = family_from_value(&with_events(json!([event])), &vocab).unwrap();
            family.events.into_iter().next().unwrap().fields
        };
        let fields = read(json!({
            "kind": "payment", "date": "2016-01-01",
            "amount": 12.5, "rate": "15", "score": 0.1, "due": "2016-02-29", "verified": true
        }));
        assert_eq!(
            fields,
            vec![
                Some(FieldValue::Money(Pence(1250))),
                Some(FieldValue::Percentage(Fixed(15_000_000))),
                Some(FieldValue::Decimal(Fixed(100_000))),
                Some(FieldValue::Date(day("2016-02-29"))),
                Some(FieldValue::Flag(true)),
            ]
        );
        let fields = read(json!({
            "kind": "payment", "date": "2016-01-01",
            "amount": "-12.50", "rate": null, "score": 2.5e-5
        }));
        assert_eq!(
            fields,
            vec![
                Some(FieldValue::Money(Pence(-1250))),
                None,
                Some(FieldValue::Decimal(Fixed(25))),
                None,
                None,
            ]
        );
        let fields = read(
            json!({"kind": "payment", "date": "2016-01-01", "amount": "1e3", "score": "123456789.123456"}),
        );
        assert_eq!(
            fields.first(),
            Some(&Some(FieldValue::Money(Pence(100_000))))
        );
        assert_eq!(
            fields.get(2),
            Some(&Some(FieldValue::Decimal(Fixed(123_456_789_123_456))))
        );
        let fields =
            read(json!({"kind": "employment", "member": "P1", "start": "2016-01-01", "hours": 16}));
        assert_eq!(fields, vec![Some(FieldValue::Count(16))]);
        let fields = read(json!({"kind": "employment", "member": "P1", "start": "2016-01-01"}));
        assert_eq!(fields, vec![None]);
    }

    /// The fields of the one event of a family read from JSON text (never
    /// through `json!`, whose numbers are `f64`), or its problems.
    fn fields_from_text(event: &str) -> Result<Vec<Option<FieldValue>>, Vec<RecordError>> {
        let text = format!(
            r#"{{"id": "F", "members": [{{"id": "P1", "role": "adult"}}], "events": [{event}]}}"#
        );
        match family_from_json(&text, &vocab()) {
            Ok(family) => Ok(family.events.into_iter().next().unwrap().fields),
            Err(error) => Err(error.problems),
        }
    }

    /// The value of the first field of a `payment` (`amount`) or
    /// `employment` (`hours`) written with this JSON text.
    fn first_field(kind: &str, value: &str) -> Result<FieldValue, RecordErrorKind> {
        let event = match kind {
            "payment" => {
                format!(r#"{{"kind": "payment", "date": "2016-01-01", "amount": {value}}}"#)
            }
            _ => format!(
                r#"{{"kind": "employment", "member": "P1", "start": "2016-01-01", "hours": {value}}}"#
            ),
        };
        match fields_from_text(&event) {
            Ok(fields) => Ok(fields.into_iter().next().flatten().unwrap()),
            Err(mut problems) => {
                assert_eq!(problems.len(), 1, "{value}: {problems:#?}");
                Err(problems.pop().unwrap().kind)
            }
        }
    }

    #[test]
    fn json_numbers_are_read_from_their_text_not_through_f64() {
        use RecordErrorKind as K;
        // 2^53 + 1, the first integer f64 cannot hold, and u64's bounds.
        assert_eq!(
            first_field("employment", "9007199254740993"),
            Ok(FieldValue::Count(9_007_199_254_740_993))
        );
        assert_eq!(
            first_field("employment", "18446744073709551615"),
            Ok(FieldValue::Count(u64::MAX))
        );
        assert_eq!(
            first_field("employment", "18446744073709551616"),
            Err(K::TooLarge)
        );
        assert_eq!(first_field("employment", "0"), Ok(FieldValue::Count(0)));
        assert_eq!(first_field("employment", "-0"), Ok(FieldValue::Count(0)));
        assert_eq!(first_field("employment", "-1"), Err(K::NegativeCount));
        assert_eq!(
            first_field("employment", "\"-9007199254740993\""),
            Err(K::NegativeCount)
        );
        // Money: 2^53 + 1 pence, i64's bounds in pence, one past each.
        assert_eq!(
            first_field("payment", "123456789012345.67"),
            Ok(FieldValue::Money(Pence(12_345_678_901_234_567)))
        );
        assert_eq!(
            first_field("payment", "90071992547409.93"),
            Ok(FieldValue::Money(Pence(9_007_199_254_740_993)))
        );
        assert_eq!(
            first_field("payment", "92233720368547758.07"),
            Ok(FieldValue::Money(Pence(i64::MAX)))
        );
        assert_eq!(
            first_field("payment", "92233720368547758.08"),
            Err(K::TooLarge)
        );
        assert_eq!(
            first_field("payment", "-92233720368547758.08"),
            Ok(FieldValue::Money(Pence(i64::MIN)))
        );
        assert_eq!(
            first_field("payment", "-92233720368547758.09"),
            Err(K::TooLarge)
        );
        assert_eq!(
            first_field("payment", "0.1"),
            Ok(FieldValue::Money(Pence(10)))
        );
        assert_eq!(
            first_field("payment", "12.345"),
            Err(K::TooPrecise { places: 2 })
        );
        // Decimals: i64's bound in millionths, and one past it.
        let score = |value: &str| {
            fields_from_text(&format!(
                r#"{{"kind": "payment", "date": "2016-01-01", "amount": 1, "score": {value}}}"#
            ))
            .map(|fields| fields.get(2).cloned().flatten())
            .map_err(|problems| problems.into_iter().map(|p| p.kind).collect::<Vec<_>>())
        };
        assert_eq!(
            score("9223372036854.775807"),
            Ok(Some(FieldValue::Decimal(Fixed(i64::MAX))))
        );
        assert_eq!(score("9223372036854.775808"), Err(vec![K::TooLarge]));
        assert_eq!(
            score("12345678901.123456"),
            Ok(Some(FieldValue::Decimal(Fixed(12_345_678_901_123_456))))
        );
    }

    #[test]
    fn a_count_is_a_whole_number_in_digits() {
        use RecordErrorKind as K;
        for (whole, count) in [
            ("3.0", 3),
            ("\"3.0\"", 3),
            ("16.00", 16),
            ("9007199254740993.0", 9_007_199_254_740_993),
            ("-0.0", 0),
        ] {
            assert_eq!(
                first_field("employment", whole),
                Ok(FieldValue::Count(count)),
                "{whole}"
            );
        }
        for refused in [
            "3.01", "1e3", "1E3", "\"1e3\"", "1.5", "3e-1", "1e400", "-1.5",
        ] {
            assert_eq!(
                first_field("employment", refused),
                Err(K::NotWholeNumber),
                "{refused}"
            );
        }
        for not_a_number in [
            "\"\"",
            "\"-\"",
            "\"+3\"",
            "\" 3\"",
            "\"3 \"",
            "\"three\"",
            "true",
            "[3]",
        ] {
            assert_eq!(
                first_field("employment", not_a_number),
                Err(K::WrongType {
                    expected: "a whole number"
                }),
                "{not_a_number}"
            );
        }
        assert_eq!(
            first_field("employment", "\"007\""),
            Ok(FieldValue::Count(7))
        );
        let text = K::NotWholeNumber.to_string();
        assert!(text.contains("digits only"), "{text}");
    }

    /// Number texts, escapes, booleans as text and `null`s: whichever path
    /// reads a record, the family is the careful reader's.
    #[test]
    fn the_fast_path_reads_numbers_and_escapes_as_the_careful_reader() {
        let vocab = vocab();
        let events = [
            r#"{"kind": "employment", "member": "P1", "start": "2016-01-01", "hours": 16.0}"#,
            r#"{"kind": "employment", "member": "P1", "start": "2016-01-01", "hours": "12"}"#,
            r#"{"kind": "employment", "member": "P1", "start": "2016-01-01", "hours": -0}"#,
            r#"{"kind": "employment", "member": "P1", "start": "2016-01-01", "hours": 1e3}"#,
            r#"{"kind": "payment", "date": "2016-01-01", "amount": 12.50, "score": -1.5E1}"#,
            r#"{"kind": "payment", "date": "2016-01-01", "amount": "1.005"}"#,
            r#"{"kind": "out_of_work_benefit", "member": "P\u0031", "start": "2016-01-01", "benefit": "j\u0073a"}"#,
            r#"{"kind": "employment", "member": "P1", "start": "2016-01-01", "hours": null}"#,
            r#"{"kind": "offence", "member": "P1", "date": "2016-01-01", "id": "\t"}"#,
        ];
        for event in events {
            for attributes in [r#"{"n": 12.50, "f": true, "t": "a\"b"}"#, r#"{"n": null}"#] {
                let text = format!(
                    r#"{{"id": "F", "attributes": {attributes}, "members": [{{"id": "P1", "role": "adult"}}], "events": [{event}]}}"#
                );
                let careful = careful_family_from_json(&text, &vocab);
                assert_eq!(family_from_json(&text, &vocab), careful, "{text}");
                let fast = super::super::typed::family(&text, &vocab);
                // Without a `null` attribute, it gives up only on a refusal.
                let expected =
                    (!attributes.contains("null") && careful.is_ok()).then(|| careful.clone());
                assert_eq!(fast.map(Ok), expected, "{text}");
            }
        }
    }

    /// The fast path finds members by a scan of their ids and leaves a
    /// family of more than it scans to the careful reader.
    #[test]
    fn members_are_found_by_id_whichever_path_reads_the_family() {
        let vocab = vocab();
        let family = |ids: &[String], named: &str| {
            let members: Vec<String> = ids
                .iter()
                .map(|id| format!(r#"{{"id": "{id}", "role": "adult"}}"#))
                .collect();
            format!(
                r#"{{"id": "F", "attributes": {{}}, "members": [{}], "events": [{{"kind": "offence", "member": "{named}", "date": "2016-01-01"}}]}}"#,
                members.join(", ")
            )
        };
        for count in [1, 64, 65] {
            let ids: Vec<String> = (1..=count).map(|n| format!("P{n}x")).collect();
            for named in ["P1x", &format!("P{count}x")] {
                let text = family(&ids, named);
                let careful = careful_family_from_json(&text, &vocab);
                assert!(careful.is_ok(), "{text}");
                assert_eq!(family_from_json(&text, &vocab), careful);
                let fast = super::super::typed::family(&text, &vocab);
                assert_eq!(fast.is_some(), count <= 64, "{count}");
                assert!(fast.is_none_or(|fast| Ok(fast) == careful));
            }
        }
        // Ids of one length and the same first and last bytes.
        let ids = ["PaZ", "PbZ", "PaZ"].map(str::to_owned);
        for (members, named) in [(&ids[..2], "PbZ"), (&ids[..2], "PcZ"), (&ids[..], "PaZ")] {
            let text = family(members, named);
            let careful = careful_family_from_json(&text, &vocab);
            assert_eq!(family_from_json(&text, &vocab), careful);
            let fast = super::super::typed::family(&text, &vocab);
            assert_eq!(
                fast.map(Ok),
                careful.is_ok().then(|| careful.clone()),
                "{text}"
            );
        }
    }

    #[test]
    fn number_attributes_keep_their_json_text() {
        let text = r#"{"id": "F", "attributes": {"ward": 123456789012345678901234, "n": 1.50},
                       "members": [], "events": []}"#;
        let family = family_from_json(text, &vocab()).unwrap();
        assert_eq!(
            family.attributes.get("ward").map(String::as_str),
            Some("123456789012345678901234")
        );
        assert_eq!(family.attributes.get("n").map(String::as_str), Some("1.50"));
    }

    const MEMBER: &str = r#"{"id": "P1", "role": "adult", "born": "1980-01-01"}"#;
    const BENEFIT: &str = r#"{"id": "b1", "kind": "out_of_work_benefit", "member": "P1", "start": "2016-01-01", "benefit": "jsa"}"#;

    fn problems_of_text(text: &str) -> (Option<String>, Vec<RecordError>) {
        let error = family_from_json(text, &vocab()).unwrap_err();
        (error.family, error.problems)
    }

    #[test]
    fn a_repeated_key_is_refused_at_every_level() {
        use RecordErrorKind::RepeatedKey;
        // The reproducers: a second, empty `events`; a second `id`; a
        // second `start`.
        let text = format!(
            r#"{{"id": "F-B", "members": [{MEMBER}], "events": [{BENEFIT}], "events": []}}"#
        );
        assert_eq!(
            problems_of_text(&text),
            (
                Some("F-B".to_owned()),
                vec![at_family(Some("events"), RepeatedKey)]
            )
        );
        // A family whose id is given twice is known by neither: the fast
        // path gives up on it, and the careful reader names only the key.
        for ids in [r#""F-C", "id": "F-A""#, r#""F-A", "id": "F-A""#] {
            let text = format!(r#"{{"id": {ids}, "members": [{MEMBER}], "events": [{BENEFIT}]}}"#);
            assert!(super::super::typed::family(&text, &vocab()).is_none());
            assert_eq!(
                problems_of_text(&text),
                (None, vec![at_family(Some("id"), RepeatedKey)])
            );
        }
        let text = format!(
            r#"{{"id": "F-D", "members": [{MEMBER}], "events": [{BENEFIT},
                {{"id": "b2", "kind": "out_of_work_benefit", "member": "P1", "start": "2016-01-01",
                  "start": "2030-01-01", "benefit": "jsa"}}]}}"#
        );
        assert_eq!(
            problems_of_text(&text).1,
            vec![at_record(
                List::Events,
                1,
                Some("b2"),
                Some("start"),
                RepeatedKey
            )]
        );
        // A member; a nested object; an object in an array in an event; a
        // key given three times, once; a key spelt with an escape.
        let text = r#"{"id": "F", "attributes": {"district": "A", "district": "B"},
            "members": [{"id": "P1", "role": "adult", "role": "child"}],
            "events": [
              {"kind": "claim", "date": "2016-01-01", "type": {"a": 1, "a": 2}},
              {"id": "e1", "kind": "attachment", "date": "2016-01-01", "x": [{"b": 1}, {"b": 1, "b": 2, "b": 3}]},
              {"kind": "attachment", "date": "2016-01-01", "d\u0061te": "2016-01-02"}
            ]}"#;
        let (family, found) = problems_of_text(text);
        assert_eq!(family.as_deref(), Some("F"));
        assert_eq!(
            found,
            vec![
                at_family(Some("attributes.district"), RepeatedKey),
                at_record(List::Members, 0, Some("P1"), Some("role"), RepeatedKey),
                at_record(List::Events, 0, None, Some("type.a"), RepeatedKey),
                at_record(
                    List::Events,
                    0,
                    None,
                    Some("type"),
                    RecordErrorKind::WrongType {
                        expected: "a string"
                    }
                ),
                at_record(List::Events, 1, Some("e1"), Some("x[1].b"), RepeatedKey),
                at_record(
                    List::Events,
                    1,
                    Some("e1"),
                    Some("x"),
                    RecordErrorKind::UnknownField {
                        kind: "attachment".into(),
                        suggestion: None
                    }
                ),
                at_record(List::Events, 2, None, Some("date"), RepeatedKey),
            ]
        );
        // An event known by the last of two ids, as its other problems name it.
        let text = r#"{"id": "F", "members": [], "events": [
            {"id": "a", "id": "b", "kind": "attachment", "date": "2016-02-30"}]}"#;
        assert_eq!(
            problems_of_text(text).1,
            vec![
                at_record(List::Events, 0, Some("b"), Some("id"), RepeatedKey),
                at_record(
                    List::Events,
                    0,
                    Some("b"),
                    Some("date"),
                    RecordErrorKind::BadDate
                ),
            ]
        );
        let text = RepeatedKey.to_string();
        assert!(text.contains("more than once"), "{text}");
    }

    #[test]
    fn a_repeat_among_many_keys_is_found_once() {
        let keys: Vec<String> = (0..50_000).map(|n| format!("\"k{n}\": {n}")).collect();
        let text = format!(
            r#"{{"id": "F", "members": [], "events": [], "note": {{{}, "k7": 1, "k7": 2}}}}"#,
            keys.join(", ")
        );
        assert_eq!(
            problems_of_text(&text).1,
            vec![at_family(Some("note.k7"), RecordErrorKind::RepeatedKey)]
        );
    }

    #[test]
    fn the_same_key_in_different_objects_is_not_a_repeat() {
        let text = format!(
            r#"{{"id": "F", "attributes": {{"id": "x"}}, "members": [{MEMBER}, {{"id": "P2", "role": "child"}}],
                "events": [{BENEFIT}, {{"id": "b2", "kind": "offence", "member": "P1", "date": "2016-01-01"}}],
                "extra": [{{"id": 1}}, {{"id": 1}}]}}"#
        );
        let family = family_from_json(&text, &vocab()).unwrap();
        assert_eq!(family.events.len(), 2);
    }

    #[test]
    fn repeated_keys_are_reported_without_their_values() {
        const SECRET: &str = "SECRET-VALUE-123";
        let text = format!(
            r#"{{"id": "F", "members": [{{"id": "P1", "role": "adult", "born": "{SECRET}", "born": "{SECRET}"}}],
                "events": [], "note": {{"{SECRET}": 1, "{SECRET}": 2}}}}"#
        );
        let error = family_from_json(&text, &vocab()).unwrap_err();
        assert_eq!(error.problems.len(), 3, "{error:#?}");
        // Keys are the plan's vocabulary or the family's own names, and a
        // repeated key is named; its values never are.
        let values_left_out = format!("{error}").replace(&format!("note.{SECRET}"), "");
        assert!(!values_left_out.contains(SECRET), "{error}");
    }

    #[test]
    fn decimal_text_is_exact() {
        use crate::num::decimal::{Error, parse};
        assert_eq!(parse("0", 6), Ok(0));
        assert_eq!(parse("-0.0", 6), Ok(0));
        assert_eq!(parse("12.5", 2), Ok(1250));
        assert_eq!(parse("12.500", 2), Ok(1250));
        assert_eq!(parse("0.000001", 6), Ok(1));
        assert_eq!(parse("0.0000001", 6), Err(Error::TooPrecise));
        assert_eq!(parse("1.5e-7", 6), Err(Error::TooPrecise));
        assert_eq!(parse("1e300", 6), Err(Error::TooLarge));
        assert_eq!(
            parse("1e-99999999999999999999999", 6),
            Err(Error::TooPrecise)
        );
        assert_eq!(parse("0e99999999999999999999999", 6), Ok(0));
        assert_eq!(parse("12.", 2), Err(Error::Malformed));
        assert_eq!(parse(".5", 2), Err(Error::Malformed));
        assert_eq!(parse("+5", 2), Err(Error::Malformed));
        assert_eq!(parse("5e", 2), Err(Error::Malformed));
        assert_eq!(parse("", 2), Err(Error::Malformed));
        assert_eq!(parse("-", 2), Err(Error::Malformed));
        assert_eq!(parse(" 5", 2), Err(Error::Malformed));
        assert_eq!(parse("1E+2", 0), Ok(100));
        assert_eq!(
            parse("9223372036854.775807", 6).map(i64::try_from),
            Ok(Ok(i64::MAX))
        );
    }

    #[test]
    fn money_and_fixed_print_exactly() {
        assert_eq!(Pence(80000).to_decimal_string(), "800.00");
        assert_eq!(Pence(-5).to_decimal_string(), "-0.05");
        assert_eq!(Pence(i64::MIN).to_decimal_string(), "-92233720368547758.08");
        assert_eq!(Fixed(12_500_000).to_string(), "12.5");
        assert_eq!(Fixed(-1).to_string(), "-0.000001");
        assert_eq!(Fixed(3_000_000).to_string(), "3");
        assert_eq!(Fixed(i64::MIN).to_string(), "-9223372036854.775808");
    }

    #[test]
    fn family_level_errors() {
        let vocab = vocab();
        let error = family_from_json("{\"id\": \"F\",\n  nope}", &vocab).unwrap_err();
        assert_eq!(error.family, None);
        assert!(matches!(
            error.problems.as_slice(),
            [RecordError {
                record: RecordPosition::Family,
                field: None,
                kind: RecordErrorKind::NotJson { line: 2, .. }
            }]
        ));
        assert_eq!(
            problems(&json!([1])),
            vec![at_family(None, RecordErrorKind::NotAnObject)]
        );
        assert_eq!(
            problems(&json!({"members": [], "events": []})),
            vec![at_family(Some("id"), RecordErrorKind::MissingField)]
        );
        let error = family_from_value(&json!({"id": "F-9"}), &vocab).unwrap_err();
        assert_eq!(error.family.as_deref(), Some("F-9"));
        assert_eq!(
            error.problems,
            vec![
                at_family(Some("members"), RecordErrorKind::MissingField),
                at_family(Some("events"), RecordErrorKind::MissingField),
            ]
        );
        assert_eq!(
            problems(&json!({"id": 7, "members": {}, "events": "x", "attributes": []})),
            vec![
                at_family(
                    Some("id"),
                    RecordErrorKind::WrongType {
                        expected: "a string"
                    }
                ),
                at_family(
                    Some("attributes"),
                    RecordErrorKind::WrongType {
                        expected: "an object"
                    }
                ),
                at_family(
                    Some("members"),
                    RecordErrorKind::WrongType {
                        expected: "an array"
                    }
                ),
                at_family(
                    Some("events"),
                    RecordErrorKind::WrongType {
                        expected: "an array"
                    }
                ),
            ]
        );
        let mut family = example();
        family["attributes"] = json!({"n": 3, "flag": false, "gone": null, "bad": [1]});
        assert_eq!(
            problems(&family),
            vec![at_family(
                Some("attributes.bad"),
                RecordErrorKind::WrongType {
                    expected: "text, a number or `true`/`false`"
                }
            )]
        );
        family["attributes"] = json!({"n": 3, "flag": false, "gone": null, "x": 1.50});
        let read = family_from_value(&family, &vocab).unwrap();
        let attributes: Vec<(&str, &str)> = read
            .attributes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(attributes, [("flag", "false"), ("n", "3"), ("x", "1.5")]);
    }

    #[test]
    fn blank_ids_are_refused() {
        use RecordErrorKind::EmptyId;
        for blank in ["", " ", "\t\n", "\u{3000}"] {
            let mut family = example();
            family["id"] = json!(blank);
            let error = family_from_value(&family, &vocab()).unwrap_err();
            assert_eq!(error.family, None, "{blank:?}");
            assert_eq!(error.problems, vec![at_family(Some("id"), EmptyId)]);

            let mut family = example();
            family["members"][0]["id"] = json!(blank);
            family["events"] = json!([]);
            assert_eq!(
                problems(&family),
                vec![at_record(List::Members, 0, None, Some("id"), EmptyId)],
                "{blank:?}"
            );

            let found = problems(&with_events(json!([
                {"id": blank, "kind": "attachment", "date": "2015-01-01"},
                {"id": blank, "kind": "attachment", "date": "2015-01-02"},
            ])));
            assert_eq!(
                found,
                vec![
                    at_record(List::Events, 0, None, Some("id"), EmptyId),
                    at_record(List::Events, 1, None, Some("id"), EmptyId),
                ],
                "{blank:?}"
            );
        }
        // Not blank: kept as written.
        let mut family = example();
        family["id"] = json!(" F ");
        family["members"][0]["id"] = json!("-");
        family["events"] = json!([{"id": ".", "kind": "attachment", "date": "2015-01-01"}]);
        let read = family_from_value(&family, &vocab()).unwrap();
        assert_eq!(read.id, " F ");
        assert_eq!(read.events.first().and_then(|e| e.id.as_deref()), Some("."));
        // The second of two blank-id families is refused too, not decided.
        let text = r#"{"id": "", "members": [], "events": []}"#;
        for _ in 0..2 {
            let error = family_from_json(text, &vocab()).unwrap_err();
            assert_eq!(error.problems, vec![at_family(Some("id"), EmptyId)]);
        }
    }

    /// A school term of `member` from `start` to `end` (open when `None`).
    fn term(id: &str, member: &str, start: &str, end: Option<&str>) -> Value {
        let mut term = json!({"kind": "school_term", "member": member, "start": start,
                              "sessions": 100, "unauthorised": 0});
        if !id.is_empty() {
            term["id"] = json!(id);
        }
        if let Some(end) = end {
            term["end"] = json!(end);
        }
        term
    }

    fn overlap(position: u32, id: Option<&str>, other: u32, other_id: Option<&str>) -> RecordError {
        at_record(
            List::Events,
            position,
            id,
            None,
            RecordErrorKind::OverlappingTerms {
                other,
                other_id: other_id.map(str::to_owned),
            },
        )
    }

    #[test]
    fn a_members_overlapping_school_terms_are_refused_in_either_order() {
        // The reproducer: the same term twice with different counts.
        let mut ta = term("ta", "P2", "2015-09-01", Some("2015-12-18"));
        ta["unauthorised"] = json!(50);
        let tb = term("tb", "P2", "2015-09-01", Some("2015-12-18"));
        let t2 = term("t2", "P2", "2016-01-04", Some("2016-03-24"));
        let offence = json!({"id": "o1", "kind": "offence", "member": "P2", "date": "2016-06-01"});
        let found = problems(&with_events(json!([ta, tb, t2, offence])));
        assert_eq!(found, vec![overlap(1, Some("tb"), 0, Some("ta"))]);
        let found = problems(&with_events(json!([offence, t2, tb, ta])));
        assert_eq!(found, vec![overlap(3, Some("ta"), 2, Some("tb"))]);
        let text = found.first().unwrap().to_string();
        assert_eq!(
            text,
            "event #3 (`ta`): shares days with event #2 (`tb`) of the same member, and a \
             member's school terms cannot overlap; remove the repeated record or correct the dates"
        );
        assert!(!text.contains("2015"), "{text}");
    }

    #[test]
    fn school_terms_overlap_from_a_shared_day() {
        let first = term("a", "P2", "2015-09-01", Some("2015-12-18"));
        // Sharing the last day overlaps; starting the day after does not.
        let found = problems(&with_events(json!([
            first,
            term("b", "P2", "2015-12-18", Some("2016-03-24"))
        ])));
        assert_eq!(found, vec![overlap(1, Some("b"), 0, Some("a"))]);
        let apart = with_events(json!([
            first,
            term("b", "P2", "2015-12-19", Some("2016-03-24"))
        ]));
        assert!(family_from_value(&apart, &vocab()).is_ok());
        // The same days for another member, or for another kind of spell.
        let others = with_events(json!([
            first,
            term("b", "P1", "2015-09-01", Some("2015-12-18")),
            {"kind": "employment", "member": "P2", "start": "2015-09-01", "end": "2015-12-18"},
            {"kind": "employment", "member": "P2", "start": "2015-09-01", "end": "2015-12-18"},
        ]));
        assert!(family_from_value(&others, &vocab()).is_ok());
        // An open term runs on; records without ids are named by position.
        let found = problems(&with_events(json!([
            term("", "P2", "2015-09-01", None),
            term("", "P2", "2017-01-04", Some("2017-03-24")),
        ])));
        assert_eq!(found, vec![overlap(1, None, 0, None)]);
        // A term inside another, and a third that overlaps only the first:
        // each is reported against the term reaching furthest.
        let found = problems(&with_events(json!([
            term("c", "P2", "2015-10-01", Some("2015-10-10")),
            first,
            term("b", "P2", "2015-09-10", Some("2015-09-20")),
        ])));
        assert_eq!(
            found,
            vec![
                overlap(1, Some("a"), 0, Some("c")),
                overlap(2, Some("b"), 1, Some("a")),
            ]
        );
        // A term whose record has other problems is not compared.
        let mut broken = term("b", "P2", "2015-09-01", Some("2015-12-18"));
        broken["sessions"] = json!(-1);
        let found = problems(&with_events(json!([first, broken])));
        assert_eq!(
            found,
            vec![at_record(
                List::Events,
                1,
                Some("b"),
                Some("sessions"),
                RecordErrorKind::NegativeCount
            )]
        );
    }

    #[test]
    fn unknown_family_and_member_keys_are_ignored() {
        let mut family = example();
        family["schema"] = json!(2);
        family["members"][0]["nickname"] = json!("x");
        assert!(family_from_value(&family, &vocab()).is_ok());
    }

    #[test]
    fn member_errors() {
        let member_problems = |members: Value| {
            let mut family = example();
            family["members"] = members;
            family["events"] = json!([]);
            problems(&family)
        };
        assert_eq!(
            member_problems(json!(["P1"])),
            vec![at_record(
                List::Members,
                0,
                None,
                None,
                RecordErrorKind::NotAnObject
            )]
        );
        assert_eq!(
            member_problems(json!([{"role": "adult"}])),
            vec![at_record(
                List::Members,
                0,
                None,
                Some("id"),
                RecordErrorKind::MissingField
            )]
        );
        assert_eq!(
            member_problems(json!([{"id": 1, "role": "adult"}])),
            vec![at_record(
                List::Members,
                0,
                None,
                Some("id"),
                RecordErrorKind::WrongType {
                    expected: "a string"
                }
            )]
        );
        assert_eq!(
            member_problems(json!([{"id": "A"}])),
            vec![at_record(
                List::Members,
                0,
                Some("A"),
                Some("role"),
                RecordErrorKind::MissingField
            )]
        );
        assert_eq!(
            member_problems(json!([{"id": "A", "role": "parent"}])),
            vec![at_record(
                List::Members,
                0,
                Some("A"),
                Some("role"),
                RecordErrorKind::BadRole
            )]
        );
        assert_eq!(
            member_problems(json!([{"id": "A", "role": "adult"}, {"id": "A", "role": "child"}])),
            vec![at_record(
                List::Members,
                1,
                Some("A"),
                Some("id"),
                RecordErrorKind::DuplicateMemberId { first: 0 }
            )]
        );
        assert_eq!(
            member_problems(json!([{"id": "A", "role": "adult", "born": "1984-02-30"}])),
            vec![at_record(
                List::Members,
                0,
                Some("A"),
                Some("born"),
                RecordErrorKind::BadDate
            )]
        );
        assert_eq!(
            member_problems(json!([{"id": "A", "role": "adult", "joined": 2015}])),
            vec![at_record(
                List::Members,
                0,
                Some("A"),
                Some("joined"),
                RecordErrorKind::WrongType {
                    expected: "a date written `YYYY-MM-DD`, as a string"
                }
            )]
        );
        assert_eq!(
            member_problems(
                json!([{"id": "A", "role": "adult", "joined": "2015-01-02", "left": "2015-01-01"}])
            ),
            vec![at_record(
                List::Members,
                0,
                Some("A"),
                Some("left"),
                RecordErrorKind::LeftBeforeJoined
            )]
        );
        let mut family = example();
        family["members"][0]["joined"] = json!("2015-01-01");
        family["members"][0]["left"] = json!("2015-01-01");
        let read = family_from_value(&family, &vocab()).unwrap();
        assert_eq!(
            read.members.first().and_then(|m| m.left),
            Some(day("2015-01-01"))
        );
    }

    #[test]
    fn event_errors() {
        use RecordErrorKind as K;
        let words = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect();
        let date_type = "a date written `YYYY-MM-DD`, as a string";
        // Each event record gets `"id": "x"` added when it is an object.
        #[rustfmt::skip]
        let cases: Vec<(&str, Option<&str>, RecordErrorKind)> = vec![
            (r#"3"#, None, K::NotAnObject),
            (r#"{"member": "P1", "date": "2015-01-01"}"#, Some("kind"), K::MissingField),
            (r#"{"kind": 1, "member": "P1", "date": "2015-01-01"}"#, Some("kind"),
                K::WrongType { expected: "the name of a kind of event, as a string" }),
            (r#"{"kind": "ofence", "member": "P1", "date": "2015-01-01"}"#, Some("kind"),
                K::UnknownKind { suggestion: Some("offence".into()) }),
            (r#"{"kind": "Offence", "member": "P1", "date": "2015-01-01"}"#, Some("kind"),
                K::UnknownKind { suggestion: Some("offence".into()) }),
            (r#"{"kind": "burglary", "member": "P1", "date": "2015-01-01"}"#, Some("kind"),
                K::UnknownKind { suggestion: None }),
            (r#"{"kind": "offence", "member": "P1", "date": "2015-13-01"}"#, Some("date"), K::BadDate),
            (r#"{"kind": "offence", "member": "P1", "date": 20150101}"#, Some("date"),
                K::WrongType { expected: date_type }),
            (r#"{"kind": "employment", "member": "P1", "start": "2015-02-01", "end": "2015-01-31"}"#,
                Some("end"), K::EndBeforeStart),
            (r#"{"kind": "employment", "member": "P1", "start": "2015-02-01", "end": "2015-02-31"}"#,
                Some("end"), K::BadDate),
            (r#"{"kind": "offence", "member": "P1", "date": "2015-01-01", "start": "2015-01-01"}"#,
                None, K::DateAndSpell),
            (r#"{"kind": "offence", "member": "P1", "date": "2015-01-01", "end": "2015-01-01"}"#,
                None, K::DateAndSpell),
            (r#"{"kind": "offence", "member": "P1"}"#, None, K::NoDate),
            (r#"{"kind": "employment", "member": "P1", "end": "2015-01-01"}"#, None, K::NoDate),
            (r#"{"kind": "employment", "member": "P1", "date": null, "start": null}"#, None, K::NoDate),
            (r#"{"kind": "offence", "member": "P1", "start": "2015-01-01"}"#, None,
                K::PointKindGivenSpell { kind: "offence".into() }),
            (r#"{"kind": "employment", "member": "P1", "date": "2015-01-01"}"#, None,
                K::SpellKindGivenDate { kind: "employment".into() }),
            (r#"{"kind": "employment", "member": "P1", "start": "2015-01-05", "hour": 16}"#,
                Some("hour"), K::UnknownField { kind: "employment".into(), suggestion: Some("hours".into()) }),
            (r#"{"kind": "employment", "member": "P1", "start": "2015-01-05", "colour": "red"}"#,
                Some("colour"), K::UnknownField { kind: "employment".into(), suggestion: None }),
            (r#"{"kind": "offence", "member": "P1", "dat": "2015-01-01", "date": "2015-01-01"}"#,
                Some("dat"), K::UnknownField { kind: "offence".into(), suggestion: Some("date".into()) }),
            (r#"{"kind": "offence", "member": "P9", "date": "2015-01-01"}"#, Some("member"), K::UnknownMember),
            (r#"{"kind": "offence", "member": ["P1"], "date": "2015-01-01"}"#, Some("member"),
                K::WrongType { expected: "a member's `id`, as a string" }),
            (r#"{"kind": "offence", "date": "2015-01-01"}"#, Some("member"),
                K::MemberRequired { kind: "offence".into() }),
            (r#"{"kind": "offence", "member": null, "date": "2015-01-01"}"#, Some("member"),
                K::MemberRequired { kind: "offence".into() }),
            (r#"{"kind": "attachment", "member": "P1", "date": "2015-01-01"}"#, Some("member"),
                K::MemberNotAllowed { kind: "attachment".into() }),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": 10}"#,
                Some("unauthorised"), K::MissingField),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": 10, "unauthorised": null}"#,
                Some("unauthorised"), K::MissingField),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": -1, "unauthorised": 0}"#,
                Some("sessions"), K::NegativeCount),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": "-3", "unauthorised": 0}"#,
                Some("sessions"), K::NegativeCount),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": 1.5, "unauthorised": 0}"#,
                Some("sessions"), K::NotWholeNumber),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": true, "unauthorised": 0}"#,
                Some("sessions"), K::WrongType { expected: "a whole number" }),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": 1e30, "unauthorised": 0}"#,
                Some("sessions"), K::NotWholeNumber),
            (r#"{"kind": "school_term", "member": "P2", "start": "2015-01-05", "sessions": 18446744073709551616, "unauthorised": 0}"#,
                Some("sessions"), K::TooLarge),
            (r#"{"kind": "exclusion", "member": "P2", "date": "2015-01-05", "type": "temporary"}"#,
                Some("type"), K::NotInList { allowed: words(&["fixed", "permanent"]), suggestion: None }),
            (r#"{"kind": "exclusion", "member": "P2", "date": "2015-01-05", "type": 1}"#,
                Some("type"), K::WrongType { expected: "one of the allowed words, as a string" }),
            (r#"{"kind": "claim", "date": "2015-01-05", "type": 1}"#,
                Some("type"), K::WrongType { expected: "a string" }),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": "12.345"}"#,
                Some("amount"), K::TooPrecise { places: 2 }),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": 0.001}"#,
                Some("amount"), K::TooPrecise { places: 2 }),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": "£12"}"#,
                Some("amount"), K::WrongType { expected: "an amount of money such as `12.50`" }),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": 1, "score": "0.1234567"}"#,
                Some("score"), K::TooPrecise { places: 6 }),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": 1, "rate": 1e13}"#,
                Some("rate"), K::TooLarge),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": 1, "due": "2015-02-29"}"#,
                Some("due"), K::BadDate),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": 1, "due": 1}"#,
                Some("due"), K::WrongType { expected: date_type }),
            (r#"{"kind": "payment", "date": "2015-01-05", "amount": 1, "verified": "yes"}"#,
                Some("verified"), K::WrongType { expected: "`true` or `false`" }),
        ];
        for (text, field, kind) in cases {
            let mut event: Value = serde_json::from_str(text).unwrap();
            let id = match &mut event {
                Value::Object(entries) => {
                    entries.insert("id".into(), json!("x"));
                    Some("x")
                }
                _ => None,
            };
            let expected = at_record(List::Events, 0, id, field, kind);
            assert_eq!(event_problem(event), expected, "{text}");
        }
    }

    #[test]
    fn event_ids_and_positions() {
        let found = problems(&with_events(json!([
            {"id": "a", "kind": "attachment", "date": "2015-01-01"},
            {"kind": "attachment", "date": "2015-01-01"},
            {"id": "a", "kind": "attachment", "date": "2015-01-01"},
            {"id": 5, "kind": "attachment", "date": "2015-01-01"},
            {"id": null, "kind": "attachment", "date": "2015-01-41"},
        ])));
        assert_eq!(
            found,
            vec![
                at_record(
                    List::Events,
                    2,
                    Some("a"),
                    Some("id"),
                    RecordErrorKind::DuplicateEventId { first: 0 }
                ),
                at_record(
                    List::Events,
                    3,
                    None,
                    Some("id"),
                    RecordErrorKind::WrongType {
                        expected: "a string"
                    }
                ),
                at_record(
                    List::Events,
                    4,
                    None,
                    Some("date"),
                    RecordErrorKind::BadDate
                ),
            ]
        );
    }

    #[test]
    fn member_or_family_kinds_take_either() {
        let family = family_from_value(
            &with_events(json!([
                {"kind": "domestic_abuse_incident", "date": "2015-01-01"},
                {"kind": "domestic_abuse_incident", "member": "P1", "date": "2015-01-01"},
            ])),
            &vocab(),
        )
        .unwrap();
        let members: Vec<Option<u32>> = family.events.iter().map(|event| event.member).collect();
        assert_eq!(members, [None, Some(0)]);
    }

    #[test]
    fn every_problem_is_reported() {
        let mut family = with_events(json!([
            {"id": "e1", "kind": "asb_incidnet", "member": "P2", "date": "2015-03-01"},
            {"kind": "school_term", "member": "P2", "start": "2015-03-27", "end": "2015-01-05",
             "sessions": 114, "unauthorised": 20},
        ]));
        family["members"][0]["role"] = json!("grown-up");
        let error = family_from_value(&family, &vocab()).unwrap_err();
        assert_eq!(error.family.as_deref(), Some("F-0001"));
        assert_eq!(
            error.problems,
            vec![
                at_record(
                    List::Members,
                    0,
                    Some("P1"),
                    Some("role"),
                    RecordErrorKind::BadRole
                ),
                at_record(
                    List::Events,
                    0,
                    Some("e1"),
                    Some("kind"),
                    RecordErrorKind::UnknownKind {
                        suggestion: Some("asb_incident".into())
                    }
                ),
                at_record(
                    List::Events,
                    1,
                    None,
                    Some("end"),
                    RecordErrorKind::EndBeforeStart
                ),
            ]
        );
        let text = error.to_string();
        assert!(
            text.starts_with("family `F-0001` is not valid (3 problems)"),
            "{text}"
        );
        assert!(text.contains(
            "event #1: field `end` is before `start`; a spell must end on or after the day it starts"
        ));
        assert!(text.contains(
            "event #0 (`e1`): field `kind` names a kind of event the plan does not declare; did you mean `asb_incident`?"
        ));
    }

    #[test]
    fn an_event_with_an_unknown_kind_still_has_its_member_and_dates_checked() {
        let found = problems(&with_events(json!([
            {"kind": "nothing", "member": "P7", "start": "2015-02-01", "end": "2015-01-01", "x": 1},
        ])));
        let kinds: Vec<&RecordErrorKind> = found.iter().map(|problem| &problem.kind).collect();
        assert_eq!(
            kinds,
            [
                &RecordErrorKind::UnknownKind { suggestion: None },
                &RecordErrorKind::UnknownMember,
                &RecordErrorKind::EndBeforeStart,
            ]
        );
    }

    #[test]
    fn messages_never_hold_values() {
        const SECRET: &str = "SECRET-VALUE-123";
        let mut family = with_events(json!([
            {"id": "e1", "kind": SECRET, "member": "P2", "date": "2015-03-01"},
            {"kind": "offence", "member": SECRET, "date": "1999-99-99"},
            {"kind": "exclusion", "member": "P2", "date": "2015-01-01", "type": SECRET},
            {"kind": "school_term", "member": "P2", "start": "1999-99-99", "end": SECRET,
             "sessions": SECRET, "unauthorised": -123456789},
            {"kind": "payment", "date": "2015-01-01", "amount": "12.34567", "score": SECRET,
             "rate": 98765432109876543210.5, "due": SECRET, "verified": SECRET, "colour": SECRET},
            {"kind": "claim", "date": SECRET, "type": [SECRET]},
            {"kind": "employment", "member": "P1", "start": "2015-01-01", "end": "1999-99-99"},
        ]));
        family["members"][0]["role"] = json!(SECRET);
        family["members"][1]["born"] = json!(SECRET);
        family["attributes"]["district"] = json!([SECRET]);
        let error = family_from_value(&family, &vocab()).unwrap_err();
        assert!(error.problems.len() >= 15, "{error:#?}");
        let text = format!("{error}\n{error:?}");
        for value in [
            SECRET,
            "1999-99-99",
            "12.34567",
            "123456789",
            "98765432109876543210",
        ] {
            assert!(!text.contains(value), "{value} leaked:\n{text}");
        }
        let broken = format!("{{\"id\": \"F\", \"x\": {SECRET}}}");
        let error = family_from_json(&broken, &vocab()).unwrap_err();
        assert!(!format!("{error}\n{error:?}").contains(SECRET));
    }

    #[test]
    fn deep_nesting_is_refused_without_panic() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = family_from_json(&deep, &vocab()).unwrap_err();
        assert!(matches!(
            error.problems.as_slice(),
            [RecordError {
                kind: RecordErrorKind::NotJson { .. },
                ..
            }]
        ));
    }

    #[test]
    fn the_example_round_trips() {
        let vocab = vocab();
        let family = family_from_json(EXAMPLE, &vocab).unwrap();
        let written = family_to_value(&family, &vocab);
        assert_eq!(family_from_value(&written, &vocab).unwrap(), family);
        assert_eq!(written["events"][2]["benefit"], json!("jsa"));
        assert_eq!(written["events"][0]["date"], json!("2015-03-01"));
        assert_eq!(written["events"][2].get("end"), None);
    }

    #[test]
    fn suggestions() {
        use crate::suggest::did_you_mean;
        let kinds = ["offence", "asb_incident", "school_term", "exclusion"];
        assert_eq!(did_you_mean("offense", kinds), Some("offence"));
        assert_eq!(did_you_mean("asb_incdient", kinds), Some("asb_incident"));
        assert_eq!(did_you_mean("SCHOOL_TERM", kinds), Some("school_term"));
        assert_eq!(did_you_mean("burglary", kinds), None);
        assert_eq!(did_you_mean("", kinds), None);
        assert_eq!(did_you_mean("ab", ["ba", "xyz"]), Some("ba"));
        assert_eq!(did_you_mean(&"x".repeat(100_000), kinds), None);
    }

    // --- properties ---------------------------------------------------------

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            prop::sample::select(vec![
                "P1",
                "P2",
                "e1",
                "2015-03-01",
                "2015-02-29",
                "1999-99-99",
                "adult",
                "child",
                "offence",
                "school_term",
                "attachment",
                "jsa",
                "12.50",
                "-1",
                "1e400",
                "",
            ])
            .prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "id", "kind", "member", "date", "start", "end", "role", "born",
                            "sessions", "benefit", "type", "events", "members", "x",
                        ]),
                        inner
                    ),
                    0..4
                )
                .prop_map(|entries| Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect()
                )),
            ]
        })
    }

    /// Every place in `value` that a mutation may replace, as paths.
    fn paths(value: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
        out.push(here.clone());
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    here.push(PathStep::Index(index));
                    paths(item, here, out);
                    here.pop();
                }
            }
            Value::Object(entries) => {
                for (key, item) in entries {
                    here.push(PathStep::Key(key.clone()));
                    paths(item, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }

    #[derive(Debug, Clone)]
    enum PathStep {
        Index(usize),
        Key(String),
    }

    fn at_path<'a>(value: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
        path.iter().fold(value, |value, step| match step {
            PathStep::Index(index) => &mut value[*index],
            PathStep::Key(key) => &mut value[key.as_str()],
        })
    }

    #[derive(Debug, Clone)]
    enum Mutation {
        Replace(Value),
        Remove,
        AddKey(String, Value),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            arbitrary_json().prop_map(Mutation::Replace),
            Just(Mutation::Remove),
            ("[a-z_]{1,8}", arbitrary_json()).prop_map(|(k, v)| Mutation::AddKey(k, v)),
        ]
    }

    fn mutate(family: &mut Value, choice: prop::sample::Index, change: Mutation) {
        let mut all = Vec::new();
        paths(family, &mut Vec::new(), &mut all);
        let path = choice.get(&all).clone();
        match change {
            Mutation::Replace(value) => *at_path(family, &path) = value,
            Mutation::AddKey(key, value) => {
                if let Value::Object(entries) = at_path(family, &path) {
                    entries.insert(key, value);
                }
            }
            Mutation::Remove => {
                if let Some((last, parent)) = path.split_last() {
                    match (at_path(family, parent), last) {
                        (Value::Object(entries), PathStep::Key(key)) => {
                            entries.remove(key);
                        }
                        (Value::Array(items), PathStep::Index(index)) => {
                            items.remove(*index);
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// A valid family: members and events of the test vocabulary.
    fn valid_family() -> impl Strategy<Value = Value> {
        let date = (1990i32..2030, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| crate::date::write(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        let event = (
            0usize..7,
            date.clone(),
            0u32..400,
            prop::option::of(0u64..1000),
            any::<i64>(),
            any::<bool>(),
            prop::option::of("[a-z0-9]{1,3}"),
        )
            .prop_map(|(which, start, length, count, number, flag, id)| {
                let start_day = day(&start);
                let end = crate::date::write(start_day + chrono::Days::new(u64::from(length)));
                let benefit = ["jsa", "uc", "other"][(length % 3) as usize];
                let mut event = match which {
                    0 => json!({"kind": "offence", "member": "A", "date": start}),
                    1 => json!({"kind": "school_term", "member": "C", "start": start, "end": end,
                                "sessions": count.unwrap_or(0), "unauthorised": 3}),
                    2 => json!({"kind": "out_of_work_benefit", "member": "A", "start": start,
                                "benefit": benefit}),
                    3 => {
                        json!({"kind": "employment", "member": "A", "start": start, "hours": count})
                    }
                    4 => json!({"kind": "domestic_abuse_incident", "date": start}),
                    5 => json!({"kind": "claim", "date": start, "type": "progress"}),
                    _ => json!({"kind": "payment", "date": start,
                                "amount": Pence(number).to_decimal_string(),
                                "score": Fixed(number).to_string(),
                                "rate": Fixed(number / 7).to_string(),
                                "due": end, "verified": flag}),
                };
                if let Some(id) = id {
                    event["id"] = json!(id);
                }
                event
            });
        (prop::collection::vec(event, 0..12), date).prop_map(|(events, born)| {
            // Keep ids unique: the first use wins, later ones are dropped.
            // Keep school terms apart: a term that shares a day with an
            // earlier one is dropped.
            let mut seen = std::collections::BTreeSet::new();
            let mut terms: Vec<(String, String)> = Vec::new();
            let events: Vec<Value> = events
                .into_iter()
                .filter(|event| {
                    if event["kind"] != "school_term" {
                        return true;
                    }
                    let days = |key: &str| event[key].as_str().unwrap_or_default().to_owned();
                    let (start, end) = (days("start"), days("end"));
                    let apart = terms.iter().all(|(s, e)| *e < start || end < *s);
                    if apart {
                        terms.push((start, end));
                    }
                    apart
                })
                .map(|mut event| {
                    if let Some(id) = event.get("id").and_then(Value::as_str).map(str::to_owned) {
                        if !seen.insert(id) {
                            event.as_object_mut().unwrap().remove("id");
                        }
                    }
                    event
                })
                .collect();
            json!({
                "id": "F",
                "attributes": {"district": "Preston"},
                "members": [
                    {"id": "A", "role": "adult", "born": born, "joined": born},
                    {"id": "C", "role": "child"},
                ],
                "events": events,
            })
        })
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in ".{0,200}") {
            let _ = family_from_json(&text, &vocab());
        }

        #[test]
        fn json_like_text_never_panics(text in r#"[\[\]{}":,0-9a-z\-. ]{0,200}"#) {
            let _ = family_from_json(&text, &vocab());
        }

        #[test]
        fn arbitrary_json_never_panics(value in arbitrary_json()) {
            let _ = family_from_value(&value, &vocab());
        }

        #[test]
        fn mutated_example_never_panics(
            changes in prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4)
        ) {
            let vocab = vocab();
            let mut family = example();
            for (choice, change) in changes {
                mutate(&mut family, choice, change);
            }
            match family_from_value(&family, &vocab) {
                Ok(read) => {
                    let written = family_to_value(&read, &vocab);
                    prop_assert_eq!(family_from_value(&written, &vocab).ok(), Some(read));
                }
                Err(error) => prop_assert!(!error.problems.is_empty()),
            }
            let _ = family_from_json(&family.to_string(), &vocab);
        }

        #[test]
        fn a_family_given_a_second_key_is_refused(value in valid_family(), key in 0usize..4) {
            let key = ["id", "members", "events", "attributes"][key];
            let text = value.to_string();
            prop_assert!(family_from_json(&text, &vocab()).is_ok());
            let repeated = text.replacen('{', &format!("{{\"{key}\": null, "), 1);
            let error = family_from_json(&repeated, &vocab()).unwrap_err();
            prop_assert_eq!(
                error.problems.first(),
                Some(&at_family(Some(key), RecordErrorKind::RepeatedKey))
            );
        }

        /// The fast path takes every valid family, as the careful reader
        /// reads it: a fast path that always gave up would pass every other
        /// test while making nothing faster.
        #[test]
        fn the_fast_path_reads_valid_families_as_the_careful_reader(value in valid_family()) {
            let vocab = vocab();
            let text = value.to_string();
            let fast = super::super::typed::family(&text, &vocab);
            prop_assert!(fast.is_some(), "the fast path gave up on {}", text);
            prop_assert_eq!(fast, careful_family_from_json(&text, &vocab).ok());
        }

        /// Whatever the fast path accepts, the careful reader accepts as
        /// the same family; what it gives up on is read carefully.
        #[test]
        fn the_fast_path_accepts_nothing_the_careful_reader_refuses(
            changes in prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4)
        ) {
            let vocab = vocab();
            let mut family = example();
            for (choice, change) in changes {
                mutate(&mut family, choice, change);
            }
            let text = family.to_string();
            if let Some(fast) = super::super::typed::family(&text, &vocab) {
                prop_assert_eq!(careful_family_from_json(&text, &vocab).ok(), Some(fast));
            }
        }

        #[test]
        fn valid_families_round_trip(value in valid_family()) {
            let vocab = vocab();
            let family = family_from_value(&value, &vocab);
            prop_assert!(family.is_ok(), "{:?}", family);
            let family = family.unwrap();
            let written = family_to_value(&family, &vocab);
            prop_assert_eq!(family_from_value(&written, &vocab).unwrap(), family);
        }
    }
}
