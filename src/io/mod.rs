//! Reading a cohort: families one record at a time from JSON Lines, a JSON
//! array or (feature `csv`) a CSV folder, so that memory holds the records
//! being decided, never the cohort; and writing one, a family at a time, as
//! JSON Lines ([`JsonLinesWriter`]) or a CSV folder ([`CsvFolderWriter`]).
//! One family alone is read and written as JSON by [`family_from_json`] and
//! [`family_to_value`].
//!
//! Each reader yields `Result<`[`Record`]`, `[`InputError`]`>`: a record is one
//! family's input and where it starts; [`Record::read`] types and validates
//! it against a plan's vocabulary, giving the [`Family`] or the [`Refusal`]
//! naming the file, line and field of each problem (never a value). An
//! [`InputError`] is a fault of the input as a whole (it cannot be read, or
//! cannot be split into records with certainty): reading stops there, and no
//! record after it is given.
//!
//! ```
//! use tfop::io::{JsonLines, SeenFamilies};
//! # let plan = tfop::Plan::parse(r#"
//! # plan "Example" { framework phase2 version "1" }
//! # problem crime "Crime" {
//! #   indicator asb "ASB" { any member has asb_incident within 12 months }
//! #   significant "No ASB" { no asb_incident in family within 1 month }
//! # }
//! # eligible when at least 1 problems
//! # claim progress "Progress" pays £800 { every identified problem has progressed }
//! # "#).unwrap();
//! let input = "{\"id\": \"F1\", \"members\": [], \"events\": []}\n{\"id\": 3}\n";
//! let mut seen = SeenFamilies::default();
//! for record in JsonLines::new(input.as_bytes()) {
//!     let record = record?; // a fault of the input as a whole: stop
//!     let read = record.read(plan.vocabulary());
//!     // A family that appears twice is decided once.
//!     let id = read.as_ref().map(|family| family.id.as_str()).ok();
//!     match seen.admit(&record, id).and(read) {
//!         Ok(family) => assert_eq!(family.id, "F1"),
//!         Err(refusal) => assert_eq!(refusal.line, Some(2)),
//!     }
//! }
//! # Ok::<(), tfop::io::InputError>(())
//! ```
//!
//! Every record is bounded: a JSON line, a JSON array's item and a CSV row
//! may take at most [`MAX_RECORD_BYTES`] (and a family's rows of
//! `members.csv` and `events.csv` together as much), or the record is refused without more than that being held in
//! memory. Each reader takes a smaller or larger limit with
//! `max_record_bytes`.

mod blocks;
#[cfg(feature = "csv")]
mod csv;
mod json;
mod lines;

pub(crate) use json::repeated_keys;

pub use blocks::{Block, Blocks, batches, json_lines_blocks, open_blocks};
#[cfg(feature = "csv")]
pub use csv::{
    CsvColumns, CsvFolder, CsvFolderWriter, CsvWriteError, EVENT_COLUMNS as CSV_EVENT_COLUMNS,
};
pub use json::{
    JsonArray, JsonLines, JsonLinesWriter, family_from_json, family_from_value, family_to_value,
};

use crate::family::{Family, RecordPosition};
use crate::vocab::Vocabulary;
use crate::{ProblemKind, ProblemRecord, RecordProblem, Refusal};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::path::Path;

/// The most bytes one record may take, unless a reader is given another
/// limit: a line of JSON Lines (not counting its `\n`), an item of a JSON
/// array, a CSV row, and a family's rows of a CSV folder's `members.csv`
/// and `events.csv` together. A longer
/// record is refused; 16 MiB is hundreds of times the largest family of a
/// real cohort.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// A fault of the input as a whole: reading stops, no record follows it.
/// Messages name the file (within a CSV folder) and the line, never a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input could not be read.
    #[error("{}cannot be read: {source}", at(file.as_deref(), None, None))]
    Io {
        /// The file within a CSV folder, if one.
        file: Option<String>,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A `.json` file that is not an array of families, or not a whole one.
    #[error("{}{problem}", at(None, Some(*line), Some(*column)))]
    NotAnArray {
        /// The line of the fault, from 1.
        line: u64,
        /// The column of the fault, in bytes from 1.
        column: u64,
        /// What is wrong and what to do.
        problem: String,
    },
    /// A CSV file's header (its first line) cannot be used.
    #[error("{}{problem}", at(Some(file), Some(1), None))]
    Header {
        /// The file within the folder.
        file: String,
        /// What is wrong and what to do.
        problem: String,
    },
    /// A CSV file's rows are not grouped in the order of `families.csv`.
    #[error(
        "{}more than {most} groups of rows are not in the order of families.csv; \
         keep each family's rows together, families in the order of families.csv (sort by it)",
        at(Some(file), None, None)
    )]
    Unordered {
        /// The file within the folder.
        file: String,
        /// How many groups out of place are tolerated.
        most: usize,
    },
    /// A CSV row that cannot be told apart from the rows around it, so no
    /// family could be decided knowing it has all its rows.
    #[error("{}{problem}", at(Some(file), Some(*line), *column))]
    Unsynchronised {
        /// The file within the folder.
        file: String,
        /// The row's line, from 1.
        line: u64,
        /// The column of the fault, in bytes from 1, if one.
        column: Option<u64>,
        /// What is wrong and what to do.
        problem: String,
    },
    /// A CSV folder given to a build without feature `csv`.
    #[error("reading a CSV folder needs the library's feature `csv`")]
    CsvNotBuilt,
}

/// `file:line:column: ` for a message, as much of it as is known.
fn at(file: Option<&str>, line: Option<u64>, column: Option<u64>) -> String {
    let mut place = String::new();
    if let Some(file) = file {
        place.push_str(file);
        place.push(':');
    }
    if let Some(line) = line {
        place.push_str(&format!("{line}:"));
        if let Some(column) = column {
            place.push_str(&format!("{column}:"));
        }
    }
    if !place.is_empty() {
        place.push(' ');
    }
    place
}

impl InputError {
    /// The file within a CSV folder the fault is in, if one.
    pub fn file(&self) -> Option<&str> {
        match self {
            InputError::Io { file, .. } => file.as_deref(),
            InputError::Header { file, .. }
            | InputError::Unordered { file, .. }
            | InputError::Unsynchronised { file, .. } => Some(file),
            InputError::NotAnArray { .. } | InputError::CsvNotBuilt => None,
        }
    }
}

/// The records of a cohort, in input order.
pub type Records = Box<dyn Iterator<Item = Result<Record, InputError>> + Send>;

/// Opens a cohort by path, as the `tfop` binary does: a folder as a CSV
/// cohort ([`CsvFolder`]), a `.json` file as one array of families
/// ([`JsonArray`]), any other file as JSON Lines ([`JsonLines`]).
pub fn open(path: &Path) -> Result<Records, InputError> {
    if path.is_dir() {
        #[cfg(feature = "csv")]
        return Ok(Box::new(CsvFolder::open(path)?));
        #[cfg(not(feature = "csv"))]
        return Err(InputError::CsvNotBuilt);
    }
    let file = std::fs::File::open(path).map_err(|source| InputError::Io { file: None, source })?;
    let reader = std::io::BufReader::new(file);
    if path.extension().is_some_and(|ext| ext == "json") {
        Ok(Box::new(JsonArray::new(reader)))
    } else {
        Ok(Box::new(JsonLines::new(reader)))
    }
}

/// One family's input and the line it starts on: in the file read, or for a
/// CSV folder in the file [`Record::file`] names.
pub struct Record {
    line: u64,
    input: Input,
}

/// What one family was read from.
enum Input {
    /// The family as JSON text: a line of JSON Lines, an item of a JSON
    /// array.
    Json(String),
    /// A record longer than the limit, not kept.
    TooLarge { limit: usize },
    /// The family's rows from a CSV folder.
    #[cfg(feature = "csv")]
    Csv(Box<csv::CsvFamily>),
}

impl Input {
    /// What a line of JSON Lines holds: nothing when it is blank, else its
    /// text (a line not in UTF-8 is refused as not JSON, without its bytes).
    fn of_json_line(bytes: Vec<u8>) -> Option<Input> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(Input::Json(
            String::from_utf8(bytes).unwrap_or_else(|_| "\u{FFFD}".to_string()),
        ))
    }
}

impl Record {
    /// The line the record starts on, from 1.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The file [`Record::line`] is in, for a record of a CSV folder
    /// (`families.csv`, or another file for rows of a family it does not
    /// hold); `None` for a single file.
    pub fn file(&self) -> Option<&str> {
        match &self.input {
            Input::Json(_) | Input::TooLarge { .. } => None,
            #[cfg(feature = "csv")]
            Input::Csv(family) => Some(family.home_file()),
        }
    }

    /// About how many bytes the record holds, to bound a batch of records.
    pub fn size(&self) -> usize {
        match &self.input {
            Input::Json(text) => text.len(),
            Input::TooLarge { .. } => 0,
            #[cfg(feature = "csv")]
            Input::Csv(family) => family.size(),
        }
    }

    /// Reads and validates the family against a plan's vocabulary
    /// ([`crate::Plan::vocabulary`]); a refusal says where each problem is.
    pub fn read(&self, vocab: &Vocabulary) -> Result<Family, Refusal> {
        match &self.input {
            Input::Json(text) => family_from_json(text, vocab).map_err(|error| {
                let mut refusal = Refusal::from_error(&error);
                refusal.line = Some(self.line);
                refusal
            }),
            Input::TooLarge { limit } => Err(Refusal {
                family: None,
                line: Some(self.line),
                file: None,
                errors: vec![RecordProblem {
                    record: ProblemRecord::Record(RecordPosition::Family),
                    field: None,
                    kind: ProblemKind::RecordTooLarge { limit: *limit },
                    file: None,
                    line: None,
                }],
            }),
            #[cfg(feature = "csv")]
            Input::Csv(family) => family.read(vocab),
        }
    }

    /// The family's id, found without validating the family (to pick one
    /// family out of a cohort).
    pub fn family_id(&self) -> Option<String> {
        /// Only the id: the rest of the family is skipped, not built.
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: String,
        }
        match &self.input {
            Input::Json(text) => serde_json::from_str::<IdOnly>(text)
                .ok()
                .map(|family| family.id),
            Input::TooLarge { .. } => None,
            #[cfg(feature = "csv")]
            Input::Csv(family) => Some(family.id().to_owned()),
        }
    }

    /// The names of the family's attributes, found without validating the
    /// family (for the attribute columns of `tfop eval --format csv`);
    /// empty for a record that cannot be read that far.
    pub fn attribute_names(&self) -> Vec<String> {
        /// Only the attributes' names: their values and the rest of the
        /// family are skipped, not built.
        #[derive(serde::Deserialize)]
        struct AttributesOnly {
            #[serde(default)]
            attributes: BTreeMap<String, serde::de::IgnoredAny>,
        }
        match &self.input {
            Input::Json(text) => serde_json::from_str::<AttributesOnly>(text)
                .map(|family| family.attributes.into_keys().collect())
                .unwrap_or_default(),
            Input::TooLarge { .. } => Vec::new(),
            #[cfg(feature = "csv")]
            Input::Csv(family) => family.attribute_names(),
        }
    }

    /// False for rows of a CSV folder found out of place: they are refused
    /// for that already, and claim no place in the cohort.
    fn is_listed(&self) -> bool {
        match &self.input {
            Input::Json(_) | Input::TooLarge { .. } => true,
            #[cfg(feature = "csv")]
            Input::Csv(family) => family.is_listed(),
        }
    }

    /// The refusal of a record whose family id an earlier record had.
    fn repeated(&self, id: String, first_line: u64) -> Refusal {
        let file = self.file().map(str::to_owned);
        let field = if file.is_some() { "family_id" } else { "id" };
        Refusal {
            family: Some(id),
            line: Some(self.line),
            file: file.clone(),
            errors: vec![RecordProblem {
                record: ProblemRecord::Record(RecordPosition::Family),
                field: Some(field.into()),
                kind: ProblemKind::RepeatedFamily { first_line },
                line: file.as_ref().map(|_| self.line),
                file,
            }],
        }
    }
}

/// The ids of a cohort's families read so far, to refuse a family that
/// appears twice rather than count it twice. Exact: a family is refused as
/// a repeat only if an earlier record gave the very same id, never because
/// two ids hash alike, and never missed however far apart the two are.
///
/// Compact: no allocation per id. Each first id is appended to fixed chunks
/// of bytes (its line and length as variable-length integers, then its
/// bytes; chunks never move, so growing copies nothing). A table of open
/// addressing holds, for each id, only where its entry starts (4 bytes) and
/// 8 bits of its 64-bit hash (keyed afresh for every run); a lookup walks
/// the slots from the one the hash picks, reads the entry of each slot
/// whose 8 bits match, and confirms the id byte for byte, so ids whose
/// hashes collide are told apart by their bytes. An id longer than a chunk,
/// and every id once the chunks hold 4 GiB, is kept whole in a second map;
/// a lookup looks there too. So memory grows by the id and 9 to 18 bytes a
/// family (a slot of 5 bytes at a load of 37 to 75%, the line, the length).
pub struct SeenFamilies {
    /// Where each kept id's entry starts in `chunks`, or `FREE`; a power of
    /// two long, and never more than three quarters taken.
    slots: Vec<u32>,
    /// Beside each slot, the top 8 bits of its id's hash, so a lookup reads
    /// the entry of few slots that hold other ids.
    tags: Vec<u8>,
    /// How many slots are taken.
    taken: usize,
    /// The entries (line, id length, id bytes), `CHUNK` bytes a chunk.
    chunks: Vec<Vec<u8>>,
    /// The ids not in `chunks`, with their lines.
    whole: HashMap<Vec<u8>, u64>,
    key: RandomState,
    /// The bits of the hash kept: all, but for tests that make ids collide.
    hash_bits: u64,
    /// How many bytes the chunks may span: their offsets are 32 bits wide,
    /// `FREE` excluded.
    most_bytes: usize,
}

/// The bytes of one chunk of [`SeenFamilies`]' entries.
const CHUNK: usize = 1 << 16;

/// A slot of [`SeenFamilies`] that holds no id.
const FREE: u32 = u32::MAX;

/// The slots of [`SeenFamilies`]' table when it first holds an id.
const FIRST_SLOTS: usize = 1 << 10;

impl Default for SeenFamilies {
    fn default() -> SeenFamilies {
        SeenFamilies {
            slots: Vec::new(),
            tags: Vec::new(),
            taken: 0,
            chunks: Vec::new(),
            whole: HashMap::new(),
            key: RandomState::new(),
            hash_bits: u64::MAX,
            most_bytes: FREE as usize,
        }
    }
}

impl SeenFamilies {
    /// `Err` with the refusal when the record's family, `id` as read from it
    /// (the decision's or the refusal's family), was read before; the first
    /// record of a family is admitted and remembered.
    pub fn admit(&mut self, record: &Record, id: Option<&str>) -> Result<(), Refusal> {
        let Some(id) = id.filter(|id| !id.is_empty() && record.is_listed()) else {
            return Ok(());
        };
        match self.see(id.as_bytes(), record.line) {
            Some(first_line) => Err(record.repeated(id.to_owned(), first_line)),
            None => Ok(()),
        }
    }

    /// The line an id was first seen at, if it was seen before; else it is
    /// remembered as first seen at `line`.
    pub(crate) fn see(&mut self, id: &[u8], line: u64) -> Option<u64> {
        let hash = self.hash(id);
        let first_line = self.first_line(id, hash);
        if first_line.is_none() {
            self.remember(id, hash, line);
        }
        first_line
    }

    /// The id's hash: the slot it starts from in its low bits, its tag in
    /// its top 8.
    fn hash(&self, id: &[u8]) -> u64 {
        self.key.hash_one(id) & self.hash_bits
    }

    /// The line and bytes of the entry starting at `start`.
    fn entry(&self, start: u32) -> Option<(u64, &[u8])> {
        let start = start as usize;
        entry(self.chunks.get(start / CHUNK)?, start % CHUNK)
    }

    /// The slot holding the id's entry and its line, or else the free slot
    /// where it would go; `None` only for an empty table.
    fn probe(&self, id: &[u8], hash: u64) -> Option<(usize, Option<u64>)> {
        let mask = self.slots.len().checked_sub(1)?;
        let tag = (hash >> 56) as u8;
        let mut at = hash as usize & mask;
        // The table is never full, so a free slot ends the walk within one
        // turn round it.
        for _ in 0..self.slots.len() {
            let start = *self.slots.get(at)?;
            if start == FREE {
                return Some((at, None));
            }
            if self.tags.get(at) == Some(&tag) {
                if let Some((line, _)) = self.entry(start).filter(|(_, kept)| *kept == id) {
                    return Some((at, Some(line)));
                }
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// The line of the first record with this id (of this hash), if one
    /// was read.
    fn first_line(&self, id: &[u8], hash: u64) -> Option<u64> {
        match self.probe(id, hash) {
            Some((_, Some(line))) => Some(line),
            _ => self.whole.get(id).copied(),
        }
    }

    /// Remembers an id (of this hash) not read before.
    fn remember(&mut self, id: &[u8], hash: u64, line: u64) {
        let length = number_length(line) + number_length(id.len() as u64) + id.len();
        let last = self.chunks.last().map_or(CHUNK, Vec::len);
        let room = last + length <= CHUNK;
        let start = if room {
            self.chunks.len().saturating_sub(1) * CHUNK + last
        } else {
            self.chunks.len() * CHUNK
        };
        let fits = length <= CHUNK && start.saturating_add(length) <= self.most_bytes;
        let slot = match u32::try_from(start) {
            Ok(start) if fits && self.make_room() => self
                .probe(id, hash)
                .map(|(at, _)| (at, start, (hash >> 56) as u8)),
            _ => None,
        };
        let Some((at, start, tag)) = slot else {
            self.whole.insert(id.to_owned(), line);
            return;
        };
        if !room {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            push_number(chunk, line);
            push_number(chunk, id.len() as u64);
            chunk.extend_from_slice(id);
        }
        if let (Some(slot), Some(kept)) = (self.slots.get_mut(at), self.tags.get_mut(at)) {
            *slot = start;
            *kept = tag;
            self.taken += 1;
        }
    }

    /// Doubles the table, if one more id would take more than three
    /// quarters of it, placing each id again by its hash; false if it cannot
    /// grow further.
    fn make_room(&mut self) -> bool {
        let wanted = self.taken.saturating_add(1).saturating_mul(4);
        if wanted <= self.slots.len().saturating_mul(3) {
            return true;
        }
        let Some(size) = self
            .slots
            .len()
            .checked_mul(2)
            .map(|size| size.max(FIRST_SLOTS))
        else {
            return false;
        };
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        self.tags = vec![0; size];
        let mask = size - 1;
        for start in old.into_iter().filter(|&start| start != FREE) {
            let Some(hash) = self.entry(start).map(|(_, id)| self.hash(id)) else {
                continue;
            };
            let mut at = hash as usize & mask;
            while self.slots.get(at).is_some_and(|&slot| slot != FREE) {
                at = (at + 1) & mask;
            }
            if let (Some(slot), Some(tag)) = (self.slots.get_mut(at), self.tags.get_mut(at)) {
                *slot = start;
                *tag = (hash >> 56) as u8;
            }
        }
        true
    }
}

/// How many bytes [`push_number`] takes for a number.
fn number_length(number: u64) -> usize {
    (64 - number.leading_zeros() as usize).max(1).div_ceil(7)
}

/// Appends a number as LEB128: seven bits a byte, the high bit set on every
/// byte but the last.
fn push_number(bytes: &mut Vec<u8>, mut number: u64) {
    while number >= 0x80 {
        bytes.push((number as u8) | 0x80);
        number >>= 7;
    }
    bytes.push(number as u8);
}

/// Reads a LEB128 number at `at`: the number and where the next byte is.
fn read_number(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut number = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(at)?;
        at += 1;
        number |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((number, at));
        }
    }
    None
}

/// The line and id bytes of the entry starting at `start`.
fn entry(bytes: &[u8], start: usize) -> Option<(u64, &[u8])> {
    let (line, at) = read_number(bytes, start)?;
    let (length, at) = read_number(bytes, at)?;
    let end = at.checked_add(usize::try_from(length).ok()?)?;
    Some((line, bytes.get(at..end)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The line each id was first read at, if before, as `admit` and the
    /// CSV folder's first pass find it.
    fn admit_all(seen: &mut SeenFamilies, ids: &[String]) -> Vec<Option<u64>> {
        ids.iter()
            .enumerate()
            .map(|(index, id)| seen.see(id.as_bytes(), index as u64 + 1))
            .collect()
    }

    /// The same, kept the plain way.
    fn expected(ids: &[String]) -> Vec<Option<u64>> {
        let mut first = HashMap::new();
        ids.iter()
            .enumerate()
            .map(|(index, id)| {
                let line = index as u64 + 1;
                match first.get(id) {
                    Some(&earlier) => Some(earlier),
                    None => {
                        first.insert(id.clone(), line);
                        None
                    }
                }
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// However the hashes fall (all alike, a few values, all bits) and
        /// wherever the chunks fill up, a family is refused exactly
        /// when its id was read before, with the line it was first read at.
        #[test]
        fn repeats_are_found_exactly(
            ids in proptest::collection::vec("[a-c]{0,3}|F-[0-9]{1,4}", 0..200),
            hash_bits in prop_oneof![Just(0u64), Just(3), Just(u64::MAX)],
            most_bytes in prop_oneof![Just(0usize), Just(40), Just(CHUNK + 30), Just(FREE as usize)],
        ) {
            let mut seen = SeenFamilies { hash_bits, most_bytes, ..SeenFamilies::default() };
            prop_assert_eq!(admit_all(&mut seen, &ids), expected(&ids));
        }
    }

    #[test]
    fn ids_past_one_chunk_are_found_in_the_next() {
        let ids: Vec<String> = (0..300).map(|n| format!("{n:01000}")).collect();
        let mut seen = SeenFamilies::default();
        let twice: Vec<String> = ids.iter().chain(&ids).cloned().collect();
        let found = admit_all(&mut seen, &twice);
        assert!(seen.chunks.len() > 4 && seen.whole.is_empty());
        assert_eq!(found, expected(&twice));
        assert_eq!(found[300], Some(1));
        assert_eq!(found[599], Some(300));
    }

    /// With every id hashed alike, distinct ids all share the table (none
    /// pushed out to the map of whole ids) and none is taken for another.
    #[test]
    fn ids_whose_hashes_collide_are_told_apart_by_their_bytes() {
        let mut ids: Vec<String> = (0..500).map(|n| format!("F-{n}")).collect();
        ids.extend(["F-0".to_string(), "F-499".to_string(), "F-5000".to_string()]);
        let mut seen = SeenFamilies {
            hash_bits: 0,
            ..SeenFamilies::default()
        };
        let found = admit_all(&mut seen, &ids);
        assert!(found[..500].iter().all(Option::is_none));
        assert_eq!(found[500..], [Some(1), Some(500), None]);
        assert!(seen.whole.is_empty() && seen.taken == 501);
    }

    /// A repeat is found however many families came between, across every
    /// doubling of the table.
    #[test]
    fn a_repeat_far_apart_is_still_refused() {
        let mut seen = SeenFamilies::default();
        let ids: Vec<String> = (0..300_000).map(|n| format!("F-{n:06}")).collect();
        let found = admit_all(&mut seen, &ids);
        assert!(found.iter().all(Option::is_none));
        let line = |id: &str| seen.first_line(id.as_bytes(), seen.hash(id.as_bytes()));
        assert_eq!(line("F-000000"), Some(1));
        assert_eq!(line("F-123456"), Some(123_457));
        assert_eq!(line("F-299999"), Some(300_000));
        assert_eq!(line("F-300000"), None);
        assert!(seen.whole.is_empty() && seen.slots.len() == 1 << 19);
    }

    #[test]
    fn numbers_read_back_as_written() {
        for number in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut bytes = vec![7];
            push_number(&mut bytes, number);
            assert_eq!(bytes.len(), 1 + number_length(number));
            assert_eq!(read_number(&bytes, 1), Some((number, bytes.len())));
        }
        assert_eq!(read_number(&[0x80, 0x80], 0), None);
    }
}
