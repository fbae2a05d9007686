//! The fast path of reading one family from JSON text: the text is
//! deserialized straight into borrowed records (strings are slices of the
//! text unless they hold an escape; keys are matched, no map is built),
//! then typed against the vocabulary into a [`Family`].
//!
//! It only ever accepts. At the first thing it does not take for certain
//! (any problem, a key given twice, an unknown key, a `null` but a field's,
//! anything that is not JSON) it gives up, and the careful reader
//! ([`super::family::family_from_value`], after the search for repeated
//! keys) reads the record again, so that a refusal still lists every
//! problem of the record with its field. Whatever it accepts the careful
//! reader accepts as the same family: it applies the same rules, through the
//! same functions where a rule takes more than a comparison (fields and
//! attributes through [`read_field`], school terms through
//! [`overlapping_terms`]), and the tests of `family.rs` compare the two.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use chrono::NaiveDate;
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

pub(in crate::io) use super::family::Scalar;
use super::family::read_field;
use crate::family::{Event, Family, FieldValue, Member, Role, is_usable_id, overlapping_terms};
use crate::vocab::{FieldType, Shape, Subject, Vocabulary, is_same_name};

/// The family the careful reader would read from `text`, or `None` where
/// the careful reader must decide (it may still accept).
pub(super) fn family(text: &str, vocab: &Vocabulary) -> Option<Family> {
    let raw: RawFamily<'_> = serde_json::from_str(text).ok()?;
    raw.typed(vocab)
}

/// Why the fast path gave up; never shown, the careful reader says why.
const GIVE_UP: &str = "not for the fast path";

fn give_up<E: de::Error>() -> E {
    E::custom(GIVE_UP)
}

/// A JSON string, a slice of the text unless it holds an escape (or a
/// CSV cell, borrowed).
pub(in crate::io) struct Text<'a>(pub(in crate::io) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'de>, D::Error> {
        struct Strings;
        impl<'de> Visitor<'de> for Strings {
            type Value = Text<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(Strings)
    }
}

/// A value of an attribute or a field as given: its JSON text, read when
/// its type is known, or a CSV cell as the JSON scalar it stands for. The
/// CSV reader fills these records from its cells directly, so both formats
/// are typed by the same rules.
pub(in crate::io) enum Given<'a> {
    Json(&'a RawValue),
    Cell(Scalar<'a>),
}

impl Given<'_> {
    fn is_null(&self) -> bool {
        matches!(self, Given::Json(raw) if raw.get() == "null")
    }

    /// The value as a field reads it; `None` for `null`, an array or an
    /// object.
    fn read(&self) -> Option<Json<'_>> {
        match self {
            Given::Json(raw) => json(raw),
            Given::Cell(scalar) => Some(Json::Borrowed(*scalar)),
        }
    }
}

/// The keys and values of an object whose keys the vocabulary gives
/// (attributes, an event's fields).
pub(in crate::io) type Entries<'a> = Vec<(Text<'a>, Given<'a>)>;

/// The entries of an object, in order.
pub(in crate::io) struct Object<'a>(pub(in crate::io) Entries<'a>);

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object<'de>, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Object<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Object<'de>, M::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry()? {
                    entries.push((key, Given::Json(value)));
                }
                Ok(Object(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// Sets a key's value, giving up on a key given twice.
fn once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    match slot.replace(value) {
        None => Ok(()),
        Some(_) => Err(give_up()),
    }
}

/// Deserializes `$record` from an object, starting from its `Default` and
/// running `$body` for each key (`$key`, decoded) with the map at the value.
macro_rules! record_visitor {
    ($name:ident, $record:ident, $expecting:literal, |$map:ident, $key:ident, $fields:ident| $body:block) => {
        impl<'de> Deserialize<'de> for $record<'de> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$record<'de>, D::Error> {
                struct $name;
                impl<'de> Visitor<'de> for $name {
                    type Value = $record<'de>;
                    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                        formatter.write_str($expecting)
                    }
                    fn visit_map<M: MapAccess<'de>>(
                        self,
                        mut $map: M,
                    ) -> Result<$record<'de>, M::Error> {
                        let mut $fields = $record::default();
                        while let Some(Text($key)) = $map.next_key::<Text<'de>>()? $body
                        Ok($fields)
                    }
                }
                deserializer.deserialize_map($name)
            }
        }
    };
}

#[derive(Default)]
pub(in crate::io) struct RawFamily<'a> {
    pub(in crate::io) id: Option<Text<'a>>,
    pub(in crate::io) attributes: Option<Object<'a>>,
    pub(in crate::io) members: Option<Vec<RawMember<'a>>>,
    pub(in crate::io) events: Option<EventList<'a>>,
}

record_visitor!(Families, RawFamily, "a family", |map, key, family| {
    match &*key {
        "id" => once(&mut family.id, map.next_value()?)?,
        "attributes" => once(&mut family.attributes, map.next_value()?)?,
        "members" => once(&mut family.members, map.next_value()?)?,
        "events" => once(&mut family.events, map.next_value()?)?,
        // Ignored by the careful reader, but it must see that it holds
        // no repeated key.
        _ => return Err(give_up()),
    }
});

/// A family's events, in order, and their fields. A JSON array does not
/// say how long it is, so the list starts with room for the events most
/// families have rather than growing (and copying every event so far) five
/// times on the way.
pub(in crate::io) struct EventList<'a> {
    pub(in crate::io) events: Vec<RawEvent<'a>>,
    /// The fields of every event, each event's a run of them: one list a
    /// family, where a list an event cost an allocation for each event
    /// with a field.
    pub(in crate::io) fields: Entries<'a>,
}

/// Room for this many events before the list must grow.
const USUAL_EVENTS: usize = 64;

/// Room for this many fields of events before their list must grow: a
/// family of the generator's has 61 at the median and 116 at the 90th
/// percentile (school terms have three each).
const USUAL_FIELDS: usize = 128;

impl<'de> Deserialize<'de> for EventList<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EventList<'de>, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = EventList<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a list of events")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<EventList<'de>, S::Error> {
                let mut events = Vec::with_capacity(USUAL_EVENTS);
                let mut fields = Vec::with_capacity(USUAL_FIELDS);
                while let Some(event) = seq.next_element_seed(EventFields(&mut fields))? {
                    events.push(event);
                }
                Ok(EventList { events, fields })
            }
        }
        deserializer.deserialize_seq(List)
    }
}

#[derive(Default)]
pub(in crate::io) struct RawMember<'a> {
    pub(in crate::io) id: Option<Text<'a>>,
    pub(in crate::io) role: Option<Text<'a>>,
    pub(in crate::io) born: Option<Text<'a>>,
    pub(in crate::io) joined: Option<Text<'a>>,
    pub(in crate::io) left: Option<Text<'a>>,
    pub(in crate::io) attributes: Option<Object<'a>>,
}

record_visitor!(Members, RawMember, "a member", |map, key, member| {
    match &*key {
        "id" => once(&mut member.id, map.next_value()?)?,
        "role" => once(&mut member.role, map.next_value()?)?,
        "born" => once(&mut member.born, map.next_value()?)?,
        "joined" => once(&mut member.joined, map.next_value()?)?,
        "left" => once(&mut member.left, map.next_value()?)?,
        "attributes" => once(&mut member.attributes, map.next_value()?)?,
        _ => return Err(give_up()),
    }
});

#[derive(Default)]
pub(in crate::io) struct RawEvent<'a> {
    pub(in crate::io) id: Option<Text<'a>>,
    pub(in crate::io) kind: Option<Text<'a>>,
    pub(in crate::io) member: Option<Text<'a>>,
    pub(in crate::io) date: Option<Text<'a>>,
    pub(in crate::io) start: Option<Text<'a>>,
    pub(in crate::io) end: Option<Text<'a>>,
    /// Every other key: a field of the kind, checked once the kind is
    /// known. The run of the family's [`EventList::fields`] they are.
    pub(in crate::io) fields: Range<usize>,
}

/// Deserializes an event, its fields added to the family's list.
struct EventFields<'l, 'a>(&'l mut Entries<'a>);

impl<'de> DeserializeSeed<'de> for EventFields<'_, 'de> {
    type Value = RawEvent<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawEvent<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventFields<'_, 'de> {
    type Value = RawEvent<'de>;
    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an event")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawEvent<'de>, M::Error> {
        let fields = self.0;
        let mut event = RawEvent::default();
        let first = fields.len();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "id" => once(&mut event.id, map.next_value()?)?,
                "kind" => once(&mut event.kind, map.next_value()?)?,
                "member" => once(&mut event.member, map.next_value()?)?,
                "date" => once(&mut event.date, map.next_value()?)?,
                "start" => once(&mut event.start, map.next_value()?)?,
                "end" => once(&mut event.end, map.next_value()?)?,
                _ => fields.push((Text(key), Given::Json(map.next_value()?))),
            }
        }
        event.fields = first..fields.len();
        Ok(event)
    }
}

/// A value's JSON text as [`read_field`] reads it.
enum Json<'a> {
    /// A number, a boolean, or a string without escapes, borrowed.
    Borrowed(Scalar<'a>),
    /// A string that held an escape, decoded.
    Decoded(String),
}

impl Json<'_> {
    fn scalar(&self) -> Scalar<'_> {
        match self {
            Json::Borrowed(scalar) => *scalar,
            Json::Decoded(text) => Scalar::String(text),
        }
    }
}

/// The value as a field reads it; `None` for `null`, an array or an
/// object.
fn json(raw: &RawValue) -> Option<Json<'_>> {
    let text = raw.get();
    Some(Json::Borrowed(match text.as_bytes().first()? {
        b'"' => match text.get(1..text.len() - 1) {
            Some(inner) if !inner.contains('\\') => Scalar::String(inner),
            _ => return serde_json::from_str(text).ok().map(Json::Decoded),
        },
        b'-' | b'0'..=b'9' => Scalar::Number(text),
        b't' => Scalar::Bool(true),
        b'f' => Scalar::Bool(false),
        _ => return None,
    }))
}

/// Reads the fields of a record (an event's, a member's attributes) into
/// `values`, indexed as `index` finds each key among the declared `types`:
/// `None` at an unknown key, a key given twice, or a value the careful
/// reader refuses. A `null` leaves the field absent, as the careful reader
/// takes it, but still counts as given, so a repeat behind it is not missed.
fn read_fields<'t>(
    entries: &[(Text<'_>, Given<'_>)],
    index: impl Fn(&str) -> Option<usize>,
    types: impl Fn(usize) -> Option<&'t FieldType>,
    values: &mut [Option<FieldValue>],
) -> Option<()> {
    // Which fields were given, a bit each: records have a few fields, and
    // a kind of more than 64 is left to the careful reader.
    let mut given = 0u64;
    for (Text(key), raw) in entries {
        let index = index(key)?;
        let bit = 1u64.checked_shl(u32::try_from(index).ok()?)?;
        if given & bit != 0 {
            return None;
        }
        given |= bit;
        if raw.is_null() {
            continue;
        }
        let value = read_field(raw.read()?.scalar(), types(index)?).ok()?;
        *values.get_mut(index)? = Some(value);
    }
    Some(())
}

fn date(text: &Text<'_>) -> Option<NaiveDate> {
    crate::date::parse(&text.0)
}

fn optional_date(text: Option<&Text<'_>>) -> Option<Option<NaiveDate>> {
    match text {
        None => Some(None),
        Some(text) => date(text).map(Some),
    }
}

/// The most members a family may have for the fast path: it finds a
/// member by a scan of their ids, cheaper than a map for the few members
/// families have, and leaves a family of more to the careful reader.
const MOST_MEMBERS: usize = 64;

/// The position of the member called `id`.
fn position_of(member_ids: &[&str], id: &str) -> Option<u32> {
    let position = member_ids
        .iter()
        .position(|member| is_same_name(member, id))?;
    u32::try_from(position).ok()
}

fn usable(text: Text<'_>) -> Option<String> {
    is_usable_id(&text.0).then(|| text.0.into_owned())
}

impl RawFamily<'_> {
    /// The family the careful reader would read from these records, or
    /// `None` where the careful reader must decide (it may still accept).
    pub(in crate::io) fn typed(self, vocab: &Vocabulary) -> Option<Family> {
        let id = usable(self.id?)?;
        let mut attributes = BTreeMap::new();
        for (Text(key), raw) in self.attributes.map(|object| object.0).unwrap_or_default() {
            let text = match raw.read()? {
                Json::Decoded(text) => text,
                Json::Borrowed(Scalar::String(text) | Scalar::Number(text)) => text.to_owned(),
                Json::Borrowed(Scalar::Bool(flag)) => flag.to_string(),
                Json::Borrowed(Scalar::Other) => return None,
            };
            if attributes.insert(key.into_owned(), text).is_some() {
                return None;
            }
        }
        let raw_members = self.members?;
        if raw_members.len() > MOST_MEMBERS {
            return None;
        }
        let mut member_ids: Vec<&str> = Vec::with_capacity(raw_members.len());
        for member in &raw_members {
            let id = &member.id.as_ref()?.0;
            if !is_usable_id(id) || position_of(&member_ids, id).is_some() {
                return None;
            }
            member_ids.push(id);
        }
        let EventList {
            events: raw_events,
            fields: event_fields,
        } = self.events?;
        let mut events = Vec::with_capacity(raw_events.len());
        for (position, event) in raw_events.into_iter().enumerate() {
            let position = u32::try_from(position).ok()?;
            events.push(event.typed(position, &member_ids, &event_fields, vocab)?);
        }
        // Each event id names one event. Ordered by length first, the ids
        // records usually have (`e1`, `e2`, … `e10`) are already in order,
        // which the sort sees at once; any order finds the repeats.
        let mut event_ids: Vec<&str> = events.iter().filter_map(|e| e.id.as_deref()).collect();
        event_ids.sort_unstable_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        if event_ids.windows(2).any(|pair| pair.first() == pair.last()) {
            return None;
        }
        let mut problems = Vec::new();
        overlapping_terms(&events, vocab.term_kind(), &mut problems);
        if !problems.is_empty() {
            return None;
        }
        let members = raw_members
            .into_iter()
            .map(|member| member.typed(vocab))
            .collect::<Option<Vec<Member>>>()?;
        Some(Family {
            id,
            attributes,
            members,
            events,
        })
    }
}

impl RawMember<'_> {
    fn typed(self, vocab: &Vocabulary) -> Option<Member> {
        let role = Role::from_word(&self.role?.0)?;
        let born = optional_date(self.born.as_ref())?;
        let joined = optional_date(self.joined.as_ref())?;
        let left = optional_date(self.left.as_ref())?;
        if let (Some(joined), Some(left)) = (joined, left) {
            if left < joined {
                return None;
            }
        }
        let declared = vocab.member_attributes();
        let mut values: Vec<Option<FieldValue>> = vec![None; declared.len()];
        read_fields(
            &self.attributes.map(|object| object.0).unwrap_or_default(),
            |key| vocab.member_attribute_index(key),
            |index| Some(&declared.get(index)?.ty),
            &mut values,
        )?;
        let complete = declared
            .iter()
            .zip(&values)
            .all(|(decl, value)| decl.optional || value.is_some());
        Some(Member {
            id: self.id?.0.into_owned(),
            role,
            born,
            joined,
            left,
            attributes: complete.then_some(values)?,
        })
    }
}

impl RawEvent<'_> {
    fn typed(
        self,
        position: u32,
        member_ids: &[&str],
        event_fields: &[(Text<'_>, Given<'_>)],
        vocab: &Vocabulary,
    ) -> Option<Event> {
        let kind_id = vocab.lookup(&self.kind?.0)?;
        let kind = vocab.get(kind_id)?;
        let member = match (kind.subject, self.member) {
            (Subject::Family, Some(_)) | (Subject::Member, None) => return None,
            (_, None) => None,
            (_, Some(member)) => Some(position_of(member_ids, &member.0)?),
        };
        let (start, end) = match (self.date, self.start, self.end) {
            (Some(day), None, None) if kind.shape != Shape::Spell => {
                let day = date(&day)?;
                (day, Some(day))
            }
            (None, Some(start), end) if kind.shape != Shape::Point => {
                let first = date(&start)?;
                let last = optional_date(end.as_ref())?;
                if last.is_some_and(|last| last < first) {
                    return None;
                }
                (first, last)
            }
            _ => return None,
        };
        let mut fields: Vec<Option<FieldValue>> = vec![None; kind.fields.len()];
        read_fields(
            event_fields.get(self.fields)?,
            |key| kind.field_index(key),
            |index| Some(&kind.fields.get(index)?.ty),
            &mut fields,
        )?;
        let complete = kind
            .fields
            .iter()
            .zip(&fields)
            .all(|(decl, value)| decl.optional || value.is_some());
        let id = match self.id {
            Some(id) => Some(usable(id)?),
            None => None,
        };
        complete.then_some(Event {
            id,
            position,
            kind: kind_id,
            member,
            start,
            end,
            fields,
        })
    }
}
