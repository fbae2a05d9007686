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

#[cfg(feature = "csv")]
mod csv;
mod json;
mod lines;

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
use std::collections::HashMap;
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
/// appears twice rather than count it twice. Memory grows by an id and a
/// line number per family, nothing more.
#[derive(Default)]
pub struct SeenFamilies(HashMap<String, u64>);

impl SeenFamilies {
    /// `Err` with the refusal when the record's family, `id` as read from it
    /// (the decision's or the refusal's family), was read before; the first
    /// record of a family is admitted and remembered.
    pub fn admit(&mut self, record: &Record, id: Option<&str>) -> Result<(), Refusal> {
        let Some(id) = id.filter(|id| !id.is_empty() && record.is_listed()) else {
            return Ok(());
        };
        match self.0.get(id) {
            Some(first_line) => Err(record.repeated(id.to_owned(), *first_line)),
            None => {
                self.0.insert(id.to_owned(), record.line);
                Ok(())
            }
        }
    }
}
