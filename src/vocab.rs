//! The event vocabulary: which kinds of event a family's timeline may hold,
//! their shape, who they are about and which fields they carry.
//!
//! The national vocabulary of `interchange.md` ships with the crate as plan
//! text (`grammar/national.tfop`); a plan may declare more kinds.

use serde::Serialize;

/// The keys every event record has, which no field of a kind may take.
pub const RESERVED_EVENT_KEYS: [&str; 6] = ["id", "kind", "member", "date", "start", "end"];

/// The columns of `events.csv` that are not fields: a field column may not
/// take one of these names, nor [`RESERVED_EVENT_KEYS`].
pub const RESERVED_EVENT_COLUMNS: [&str; 7] = [
    "family_id",
    "event_id",
    "kind",
    "member_id",
    "date",
    "start",
    "end",
];

/// The keys of a member record, which no member attribute may take.
pub const RESERVED_MEMBER_KEYS: [&str; 6] = ["id", "role", "born", "joined", "left", "attributes"];

/// The columns of `members.csv` that are not keys of a member record (the
/// family's id and the member's, named for the file), which no member
/// attribute may take either: an attribute is a column of its own there.
pub const RESERVED_MEMBER_COLUMNS: [&str; 2] = ["family_id", "member_id"];

/// Whether an event happens on one day or covers a run of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// One day: the record has `date`.
    Point,
    /// A run of days: the record has `start` and an optional `end`; both ends count.
    Spell,
}

/// Who an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A member: the record must name one.
    Member,
    /// The family as a whole: the record must not name a member.
    Family,
    /// Either: a record may name a member or not.
    MemberOrFamily,
}

/// The type of an event field's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "values")]
pub enum FieldType {
    /// A whole number, zero or more.
    Count,
    /// An exact decimal number.
    Decimal,
    /// An amount of money, in pounds and pence.
    Money,
    /// A percentage.
    Percentage,
    /// A calendar day.
    Date,
    /// Free text.
    Text,
    /// True or false.
    Flag,
    /// One of a fixed list of words.
    OneOf(Vec<String>),
}

/// One field an event kind declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDecl {
    /// The field's name, as it appears as a key of the event record.
    pub name: String,
    /// The type its value must have.
    pub ty: FieldType,
    /// Whether a record may leave it out.
    pub optional: bool,
    /// Recorded when the spell ends (`at end`): unknown before its end day.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub at_end: bool,
    /// Whether a one-of field's words are in order, lowest first
    /// (`ordered low, medium, high`), so that `<` and `>` compare them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ordered: bool,
}

/// One declared kind of event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventKind {
    /// The kind's name, the `kind` of an event record.
    pub name: String,
    /// Point or spell.
    pub shape: Shape,
    /// Member, family, or either.
    pub subject: Subject,
    /// The fields a record of this kind carries.
    pub fields: Vec<FieldDecl>,
}

impl EventKind {
    /// The index of the field called `name`, if the kind declares it.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|field| is_same_name(&field.name, name))
    }
}

/// Whether two names (of kinds, fields, members) are the same: like `==`,
/// but looking first at the length and the first and last bytes, where the
/// names of a vocabulary or the ids of a family mostly differ, so that a
/// name looked up for every event of every record is rarely compared by a
/// call to `memcmp`.
pub(crate) fn is_same_name(name: &str, other: &str) -> bool {
    let (name, other) = (name.as_bytes(), other.as_bytes());
    name.len() == other.len()
        && name.first() == other.first()
        && name.last() == other.last()
        && name == other
}

/// The name of the national kind whose records are school terms.
pub const TERM_KIND: &str = "school_term";

/// Every kind of event a plan knows, national and local, in declaration order.
///
/// Kinds are referred to by their index (`KindId`) once a plan is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Vocabulary {
    kinds: Vec<EventKind>,
    /// The attributes a member record may carry (`member attribute …`), in
    /// declaration order, national first.
    member_attributes: Vec<FieldDecl>,
}

/// The index of an event kind in its [`Vocabulary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct KindId(pub u32);

impl Vocabulary {
    /// Adds a kind and returns its id; the caller has checked the name is new.
    pub fn push(&mut self, kind: EventKind) -> KindId {
        let id = KindId(u32::try_from(self.kinds.len()).unwrap_or(u32::MAX));
        self.kinds.push(kind);
        id
    }

    /// The id of the kind called `name`.
    pub fn lookup(&self, name: &str) -> Option<KindId> {
        self.kinds
            .iter()
            .position(|kind| is_same_name(&kind.name, name))
            .and_then(|index| u32::try_from(index).ok())
            .map(KindId)
    }

    /// The kind with this id.
    pub fn get(&self, id: KindId) -> Option<&EventKind> {
        self.kinds.get(id.0 as usize)
    }

    /// The kind with this id, to narrow a field's type once the plan's own
    /// names are known (the checker gives `claim.type` the plan's claim ids).
    pub(crate) fn get_mut(&mut self, id: KindId) -> Option<&mut EventKind> {
        self.kinds.get_mut(id.0 as usize)
    }

    /// All kinds with their ids, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (KindId, &EventKind)> {
        self.kinds
            .iter()
            .enumerate()
            .map(|(index, kind)| (KindId(index as u32), kind))
    }

    /// The kind whose records are a member's school terms, `school_term`,
    /// if the vocabulary has it. The evaluator reads that kind's records as
    /// the member's terms (`over the last N terms`), so reading a family
    /// refuses terms of one member that overlap.
    pub fn term_kind(&self) -> Option<KindId> {
        self.lookup(TERM_KIND)
    }

    /// Adds a member attribute; the caller has checked the name is new.
    pub(crate) fn push_member_attribute(&mut self, attribute: FieldDecl) {
        self.member_attributes.push(attribute);
    }

    /// The attributes a member record may carry, in declaration order; a
    /// member's values are indexed like this list.
    pub fn member_attributes(&self) -> &[FieldDecl] {
        &self.member_attributes
    }

    /// The index of the member attribute called `name`, if declared.
    pub fn member_attribute_index(&self, name: &str) -> Option<usize> {
        self.member_attributes
            .iter()
            .position(|attribute| is_same_name(&attribute.name, name))
    }

    /// How many kinds there are.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}
