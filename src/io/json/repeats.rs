//! Keys given twice in one JSON object, at any depth of a family's text:
//! a `serde_json::Value` keeps one of the two and says nothing, so the text
//! is read for them first, building nothing but each object's key set.

use crate::family::{RecordError, RecordErrorKind, RecordPosition, is_usable_id};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Every key repeated within an object of the family written in `text`,
/// each named by its record and its path in the record
/// (`attributes.district`, `start`); a repeated key is reported once per
/// object. `Err` when `text` is not one JSON value.
pub(crate) fn find(text: &str) -> Result<Vec<RecordError>, serde_json::Error> {
    let mut found = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Check {
        found: &mut found,
        record: RecordPosition::Family,
        level: Level::Family,
        path: None,
        capture: false,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(found)
}

/// Every key repeated within an object anywhere in the JSON value written
/// in `text`, each by its path from the value (`claims.progress.status`),
/// once per object, in order. `Err` when `text` is not one JSON value.
pub(crate) fn repeated_keys(text: &str) -> Result<Vec<String>, serde_json::Error> {
    let mut found = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Check {
        found: &mut found,
        record: RecordPosition::Family,
        level: Level::Inside,
        path: None,
        capture: false,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(found
        .into_iter()
        .filter_map(|problem| problem.field)
        .collect())
}

/// Where in the family a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// The family object itself.
    Family,
    /// The `members` (`true`) or `events` (`false`) array.
    List { members: bool },
    /// A member or event record.
    RecordPosition,
    /// Anywhere inside a record, or inside the family's other keys.
    Inside,
}

/// One step of the path from a record to a value.
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// The path from a record to a value, innermost step first; written out
/// only when a repeat is found.
struct Path<'p> {
    step: Step<'p>,
    parent: Option<&'p Path<'p>>,
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}")?;
        }
        match (&self.step, self.parent) {
            (Step::Key(key), None) => write!(f, "{key}"),
            (Step::Key(key), Some(_)) => write!(f, ".{key}"),
            (Step::Index(index), _) => write!(f, "[{index}]"),
        }
    }
}

/// Checks one value; returns its text when `capture` is set and the
/// value is a string (a record's `id`).
struct Check<'f, 'p> {
    found: &'f mut Vec<RecordError>,
    record: RecordPosition,
    level: Level,
    path: Option<&'p Path<'p>>,
    capture: bool,
}

impl<'de> DeserializeSeed<'de> for Check<'_, '_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Check<'_, '_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(self.capture.then(|| text.to_owned()))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let mut index = 0usize;
        loop {
            let (record, level) = match self.level {
                Level::List { members } => {
                    let position = u32::try_from(index).unwrap_or(u32::MAX);
                    let record = if members {
                        RecordPosition::Member { position, id: None }
                    } else {
                        RecordPosition::Event { position, id: None }
                    };
                    (record, Level::RecordPosition)
                }
                _ => (self.record.clone(), Level::Inside),
            };
            let path = Path {
                step: Step::Index(index),
                parent: self.path,
            };
            let item = Check {
                found: &mut *self.found,
                record,
                level,
                path: (level == Level::Inside).then_some(&path),
                capture: false,
            };
            if items.next_element_seed(item)?.is_none() {
                return Ok(None);
            }
            index = index.saturating_add(1);
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let first = self.found.len();
        let mut keys: Vec<Cow<'de, str>> = Vec::new();
        let mut id = None;
        while let Some(key) = entries.next_key_seed(Key)? {
            let path = Path {
                step: Step::Key(&key),
                parent: self.path,
            };
            let level = match (self.level, key.as_ref()) {
                (Level::Family, "members") => Level::List { members: true },
                (Level::Family, "events") => Level::List { members: false },
                _ => Level::Inside,
            };
            let capture = self.level == Level::RecordPosition && key == "id";
            let value = entries.next_value_seed(Check {
                found: &mut *self.found,
                record: self.record.clone(),
                level,
                path: (level == Level::Inside).then_some(&path),
                capture,
            })?;
            if capture {
                // The last `id` is the one `Value` keeps, so the one
                // the record's other problems name it by.
                id = value.filter(|id| is_usable_id(id));
            }
            keys.push(key);
        }
        // Each repeated key once, in the order of its first repeat: the
        // keys sorted (stably, so each group keeps input order), each
        // group's second entry.
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|a, b| keys.get(*a).cmp(&keys.get(*b)));
        let mut repeats: Vec<usize> = order
            .windows(2)
            .enumerate()
            .filter_map(|(at, pair)| match pair {
                [before, second] if keys.get(*before) == keys.get(*second) => {
                    let first_repeat = at == 0
                        || order.get(at - 1).map(|index| keys.get(*index))
                            != Some(keys.get(*before));
                    first_repeat.then_some(*second)
                }
                _ => None,
            })
            .collect();
        repeats.sort_unstable();
        for index in repeats {
            let Some(key) = keys.get(index) else { continue };
            let path = Path {
                step: Step::Key(key),
                parent: self.path,
            };
            self.found.push(RecordError {
                record: self.record.clone(),
                field: Some(path.to_string()),
                kind: RecordErrorKind::RepeatedKey,
            });
        }
        if self.level == Level::RecordPosition {
            for problem in self.found.iter_mut().skip(first) {
                if let RecordPosition::Member { id: slot, .. }
                | RecordPosition::Event { id: slot, .. } = &mut problem.record
                {
                    slot.clone_from(&id);
                }
            }
        }
        Ok(None)
    }
}

/// An object's key, borrowed from the text unless it has escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}
