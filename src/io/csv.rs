//! A cohort as a CSV folder (`interchange.md`, "A cohort as CSV"):
//! `families.csv`, `members.csv` and `events.csv`, read in step.
//!
//! The three files are read together in the order of `families.csv`, so
//! memory holds the families being decided, never the cohort. That needs
//! `members.csv` and `events.csv` to keep each family's rows together, the
//! families in the order of `families.csv` (a family may have no rows), the
//! shape of an export that orders all three by the same key. A first pass
//! over those two files' `family_id` column checks that order against
//! `families.csv` and finds every group of rows out of place: rows of a
//! family `families.csv` does not hold (refused as a record of their own),
//! and rows apart from the rest of their family (that family is refused, so
//! that nothing is decided without some of its rows).
//!
//! A row is one line, or several when a quoted cell holds line breaks
//! (RFC 4180): a quote open at the end of a line goes on over the next
//! until it closes, and the row is taken when it then has as many cells as
//! the header and took in no line that reads as a row of its own. Any
//! other row whose quote opens and does not close so is a quote left open:
//! the row is refused with its family, and reading goes on at the line
//! after it only when that line reads as a row of its own; otherwise (or
//! when the row's family cannot be read) reading stops with
//! [`InputError::Unsynchronised`], since the rows that follow could belong
//! to any family.
//!
//! Cells are text; a family is assembled as the interchange format's JSON
//! (cells typed by the plan's vocabulary) and validated like any other, and
//! each problem is traced back to its file and line.
//!
//! [`CsvFolderWriter`] writes families in that shape, each family's rows
//! together, refusing a family whose values would not read back the same.

use super::json::typed::{
    EventList, Given, Object as Entries, RawEvent, RawFamily, RawMember, Scalar, Text,
};
use super::lines::{LineStart, Lines};
use super::{Input, InputError, MAX_RECORD_BYTES, Record, SeenFamilies};
use crate::family::{Event, Member, RecordErrorKind, RecordPosition};
use crate::vocab::{
    EventKind, FieldType, RESERVED_EVENT_KEYS, RESERVED_MEMBER_COLUMNS, RESERVED_MEMBER_KEYS,
    Shape, Vocabulary,
};
use crate::{Family, ProblemKind, ProblemRecord, RecordProblem, Refusal};
use chrono::NaiveDate;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Seek};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The three files of a CSV folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Part {
    Families,
    Members,
    Events,
}

impl Part {
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Part::Families => "families.csv",
            Part::Members => "members.csv",
            Part::Events => "events.csv",
        }
    }

    /// A row of this file, as the record of a problem.
    fn row(self) -> ProblemRecord {
        match self {
            Part::Families => ProblemRecord::FamilyRow,
            Part::Members => ProblemRecord::MemberRow,
            Part::Events => ProblemRecord::EventRow,
        }
    }

    /// The columns a file must have.
    fn required(self) -> &'static [&'static str] {
        match self {
            Part::Families => &["family_id"],
            Part::Members => &["family_id", "member_id", "role"],
            Part::Events => &["family_id", "kind"],
        }
    }
}

pub use crate::vocab::RESERVED_EVENT_COLUMNS as EVENT_COLUMNS;

/// The columns of `events.csv` that name a key of the interchange format's
/// event otherwise, as (column, key).
const EVENT_RENAMES: [(&str, &str); 2] = [("event_id", "id"), ("member_id", "member")];

/// Whether `name` is an event key that `events.csv` names otherwise, so a
/// column may not take it.
fn renamed_event_key(name: &str) -> bool {
    EVENT_RENAMES.iter().any(|(_, key)| *key == name)
}
/// The columns of `members.csv` read into a member, besides one per member
/// attribute the plan declares (its name, read into the member's
/// `attributes`); others are ignored, as unknown keys of a member are in
/// JSON.
const MEMBER_COLUMNS: [(&str, &str); 5] = [
    ("member_id", "id"),
    ("role", "role"),
    ("born", "born"),
    ("joined", "joined"),
    ("left", "left"),
];

/// How many groups of rows out of place a file may hold before it is taken
/// as not ordered at all: each costs a scan of `families.csv`.
const MOST_OUT_OF_PLACE: usize = 100;

/// A file's header: its column names, in order.
struct Columns {
    names: Vec<String>,
}

impl Columns {
    fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|column| column == name)
    }
}

/// One problem found while reading rows (the family's own validation
/// finds the rest).
#[derive(Debug, Clone)]
struct RowProblem {
    part: Part,
    line: u64,
    field: Option<String>,
    kind: ProblemKind,
}

/// A row of `members.csv` or `events.csv` kept for its family (whole,
/// its cells lined up with the header): its line, and where its cells are
/// in the family's [`Cells`].
struct Row {
    line: u64,
    /// Where its first cell starts in the family's text.
    start: usize,
    /// Its cells' ends, as indexes of the family's ends.
    ends: Range<usize>,
}

/// The cells of a family's rows, read once into one string: each row's
/// cells one after the other, and where each ends from the start of its row
/// (a cell that could not be read is left empty, as an empty cell is
/// absent).
#[derive(Default)]
struct Cells {
    text: String,
    ends: Vec<usize>,
}

impl Cells {
    /// The cells of one of the family's rows.
    fn of(&self, row: &Row) -> RowCells<'_> {
        let ends = self.ends.get(row.ends.clone()).unwrap_or_default();
        let end = row.start + ends.last().copied().unwrap_or_default();
        RowCells {
            text: self.text.get(row.start..end).unwrap_or_default(),
            ends,
        }
    }

    /// Appends a row's cells, each given as its text or `None` where it is
    /// not UTF-8 (reported by `not_utf8` with its column, and left empty):
    /// the row.
    fn push<'b>(
        &mut self,
        line: u64,
        cells: impl Iterator<Item = Option<&'b str>>,
        mut not_utf8: impl FnMut(usize),
    ) -> Row {
        let (start, first) = (self.text.len(), self.ends.len());
        for (index, cell) in cells.enumerate() {
            match cell {
                Some(cell) => self.text.push_str(cell),
                None => not_utf8(index),
            }
            self.ends.push(self.text.len() - start);
        }
        Row {
            line,
            start,
            ends: first..self.ends.len(),
        }
    }
}

/// One row's cells, borrowed from its family's [`Cells`].
#[derive(Clone, Copy)]
struct RowCells<'a> {
    /// The cells, one after the other.
    text: &'a str,
    /// Where each cell ends in `text`.
    ends: &'a [usize],
}

impl<'a> RowCells<'a> {
    /// The cell in `column`, `None` if empty.
    fn cell(self, column: Option<usize>) -> Option<&'a str> {
        let column = column?;
        let start = match column.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text
            .get(start..*self.ends.get(column)?)
            .filter(|cell| !cell.is_empty())
    }

    /// Every cell, in the order of the header.
    fn cells(self) -> impl Iterator<Item = Option<&'a str>> {
        (0..self.ends.len()).map(move |column| self.cell(Some(column)))
    }
}

/// Splits a row into cells, as the `csv` crate would (RFC 4180 quotes,
/// `""` for a quote within a quoted cell, line breaks within a quoted
/// cell), fed one line at a time: a row goes on over the next line while a
/// quoted cell is open at the end of one.
struct Splitter {
    reader: csv_core::Reader,
    output: Vec<u8>,
    /// How many bytes of `output` the row has filled.
    written: usize,
    /// Where each cell ends in `output`.
    ends: Vec<usize>,
    /// How many of `ends` the row has filled.
    cells: usize,
    /// How many bytes of the row the reader did not write (the `\r` of
    /// line breaks within a cell), which its ends do not count.
    added: usize,
}

impl Splitter {
    fn new() -> Splitter {
        Splitter {
            // The line break is found by the line reader and fed as `\n`;
            // a `\r` within a line is a byte of its cell.
            reader: csv_core::ReaderBuilder::new()
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            output: Vec::new(),
            written: 0,
            ends: Vec::new(),
            cells: 0,
            added: 0,
        }
    }

    /// Starts a row.
    fn start(&mut self) {
        self.reader.reset();
        self.written = 0;
        self.cells = 0;
        self.added = 0;
    }

    /// Feeds the row's next line (without its line break); true if the row
    /// ends with it, false if a quoted cell is open at its end: the line
    /// break (`\r\n` if `crlf`) is then a part of that cell, and the row
    /// goes on with the next line, or [`Splitter::end_open`].
    fn feed(&mut self, line: &[u8], crlf: bool) -> bool {
        // Unquoting only shortens a cell, and a comma ends at most one.
        let room = self.written + line.len() + 2;
        if self.output.len() < room {
            self.output.resize(room, 0);
        }
        let cells = self.cells + line.iter().filter(|&&byte| byte == b',').count() + 2;
        if self.ends.len() < cells {
            self.ends.resize(cells, 0);
        }
        // An empty slice would tell the reader the input has ended.
        let ended = (!line.is_empty() && self.read(line)) || self.read(b"\n");
        if !ended && crlf {
            // The open cell took the `\n`; the file's line break was `\r\n`.
            if let Some(last) = self.written.checked_sub(1) {
                if let Some(slot) = self.output.get_mut(last) {
                    *slot = b'\r';
                }
                self.push(b'\n');
                self.added += 1;
            }
        }
        ended
    }

    /// Ends a row whose quoted cell is still open at the end of the input
    /// (or where reading it stopped): that cell is the last.
    fn end_open(&mut self) {
        self.read(b"");
    }

    /// Feeds `input` whole to the reader; true once the row has ended.
    fn read(&mut self, mut input: &[u8]) -> bool {
        loop {
            let output = self.output.get_mut(self.written..).unwrap_or_default();
            let ends = self.ends.get_mut(self.cells..).unwrap_or_default();
            let (result, read, wrote, ended) = self.reader.read_record(input, output, ends);
            input = input.get(read..).unwrap_or_default();
            self.written += wrote;
            for end in self.ends.iter_mut().skip(self.cells).take(ended) {
                *end += self.added;
            }
            self.cells += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty => return false,
                csv_core::ReadRecordResult::OutputFull => {
                    self.output.resize(self.output.len() * 2 + 1, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    self.ends.resize(self.ends.len() * 2 + 1, 0);
                }
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => {
                    return true;
                }
            }
        }
    }

    /// Appends a byte to the cell being read.
    fn push(&mut self, byte: u8) {
        if self.output.len() <= self.written {
            self.output.resize(self.written + 1, 0);
        }
        if let Some(slot) = self.output.get_mut(self.written) {
            *slot = byte;
            self.written += 1;
        }
    }

    fn len(&self) -> usize {
        self.cells
    }

    fn cell(&self, index: usize) -> Option<&[u8]> {
        if index >= self.cells {
            return None;
        }
        let start = match index.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.output.get(start..*self.ends.get(index)?)
    }
}

/// One line read alone, following the same rules as [`Splitter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scan {
    cells: usize,
    /// The column (in bytes, from 1) of the quote opening a cell left open
    /// at the end of the line, if one.
    open: Option<u64>,
    /// Whether a quote stands where no export writes one: within a cell not
    /// quoted, or after a quoted cell's closing quote (`a"b`, `"a"b`).
    stray: bool,
}

fn scan(line: &[u8]) -> Scan {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::Start;
    let (mut cells, mut opened, mut stray) = (1, 0, false);
    for (at, &byte) in line.iter().enumerate() {
        state = match (state, byte) {
            (State::Start, b'"') => {
                opened = at;
                State::Quoted
            }
            (State::Start | State::Unquoted | State::QuoteInQuoted, b',') => {
                cells += 1;
                State::Start
            }
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) | (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::Start, _) => State::Unquoted,
            (State::Unquoted | State::QuoteInQuoted, _) => {
                stray |= byte == b'"' || state == State::QuoteInQuoted;
                State::Unquoted
            }
        };
    }
    Scan {
        cells,
        open: (state == State::Quoted).then_some(opened as u64 + 1),
        stray,
    }
}

/// Why a row could not be read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Broken {
    OpenQuote { column: u64 },
    TooLong,
}

/// A row read from a file: where it is, how long, and whether broken; its
/// cells are in the file ([`CsvFile::cut`]) until the next row is read.
#[derive(Clone, Copy, Debug)]
struct Parsed {
    start: LineStart,
    size: usize,
    broken: Option<Broken>,
}

/// How a file holds the row it read last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
    /// One line with no quote, as read: its cells are between its commas,
    /// and nothing was split (most rows of an export).
    Line,
    /// Split into cells by the file's [`Splitter`].
    Split,
}

/// Where the three files are read from: a folder, or their bytes. Each
/// pass over a file opens it afresh, so one reader serves both.
enum Source {
    Folder(PathBuf),
    Bytes {
        families: Arc<[u8]>,
        members: Arc<[u8]>,
        events: Arc<[u8]>,
    },
}

/// A file of the folder being read.
trait Reader: BufRead + Seek + Send {}

impl<R: BufRead + Seek + Send> Reader for R {}

impl Source {
    fn open(&self, part: Part) -> std::io::Result<Box<dyn Reader>> {
        match self {
            Source::Folder(folder) => {
                let file = File::open(folder.join(part.file_name()))?;
                Ok(Box::new(BufReader::new(file)))
            }
            Source::Bytes {
                families,
                members,
                events,
            } => {
                let bytes = match part {
                    Part::Families => families,
                    Part::Members => members,
                    Part::Events => events,
                };
                Ok(Box::new(Cursor::new(Arc::clone(bytes))))
            }
        }
    }
}

/// One file of the folder, line by line: each row is one line, or more
/// for a quoted cell holding line breaks.
struct CsvFile {
    part: Part,
    lines: Lines<Box<dyn Reader>>,
    /// The line read last.
    bytes: Vec<u8>,
    splitter: Splitter,
    /// Whether the row read last is in `bytes` or in `splitter`.
    held: Held,
    columns: Columns,
    family_column: usize,
    max: usize,
    /// The line of the row before, if its quote was left open: the row after
    /// it must read as a row of its own.
    after_open_quote: Option<u64>,
}

impl CsvFile {
    /// Opens a file of the folder and reads its header.
    fn open(source: &Source, part: Part, max: usize) -> Result<CsvFile, InputError> {
        let io = |source| InputError::Io {
            file: Some(part.file_name().to_owned()),
            source,
        };
        let reader = source.open(part).map_err(io)?;
        let mut file = CsvFile {
            part,
            lines: Lines::new(reader, max),
            bytes: Vec::new(),
            splitter: Splitter::new(),
            held: Held::Split,
            columns: Columns { names: Vec::new() },
            family_column: 0,
            max,
            after_open_quote: None,
        };
        let header = |problem: &str| InputError::Header {
            file: part.file_name().to_owned(),
            problem: problem.to_owned(),
        };
        let line = file.lines.read(&mut file.bytes).map_err(io)?;
        if line.is_some_and(|line| line.too_long) {
            return Err(header(&format!(
                "the header is longer than {max} bytes; the first line must name the columns"
            )));
        }
        file.splitter.start();
        if !file.bytes.is_empty() && !file.splitter.feed(&file.bytes, false) {
            return Err(header(
                "a quoted column name does not close on the header's line; close the quote",
            ));
        }
        let names = if file.bytes.is_empty() {
            Vec::new()
        } else {
            (0..file.splitter.len())
                .filter_map(|index| file.splitter.cell(index))
                .map(<[u8]>::to_vec)
                .collect()
        };
        file.columns = read_columns(names, part).map_err(|problem| header(&problem))?;
        file.family_column = file.columns.index("family_id").unwrap_or(0);
        Ok(file)
    }

    fn io(&self, source: std::io::Error) -> InputError {
        InputError::Io {
            file: Some(self.part.file_name().to_owned()),
            source,
        }
    }

    fn unsynchronised(&self, start: LineStart, column: Option<u64>, problem: String) -> InputError {
        InputError::Unsynchronised {
            file: self.part.file_name().to_owned(),
            line: start.line,
            column,
            problem,
        }
    }

    /// Where the next row starts.
    fn next_start(&self) -> LineStart {
        self.lines.next_start()
    }

    fn seek(&mut self, start: LineStart) -> Result<(), InputError> {
        self.after_open_quote = None;
        self.lines.seek(start).map_err(|error| self.io(error))
    }

    /// Whether the line just read ended with `\r\n`: [`Lines`] drops the
    /// `\r`, which a quoted cell going on over the line break keeps.
    fn ended_crlf(&self, start: LineStart) -> bool {
        let taken = self.lines.next_start().offset - start.offset;
        // A line opening the file may have lost a byte-order mark as well,
        // but that line is the header, which never goes on.
        start.offset > 0 && taken == self.bytes.len() as u64 + 2
    }

    /// Reads the next row (empty lines are passed over), its cells into the
    /// splitter; stops with an error when the rows cannot be told apart.
    ///
    /// A quoted cell open at the end of a line goes on over the next, until
    /// it closes: a row of several lines is taken when it then has as many
    /// cells as the header. One that does not, whose quote does not close
    /// within the limit or before the end of the file, or that would take
    /// in a line reading as a row of its own (one line, quotes closed, as
    /// many cells as the header), is broken at the quote: its cells before
    /// the quote are read from its first line, and reading goes on at the
    /// line after that one, which must read as a row of its own with no
    /// stray quote ([`Scan::stray`]), or the rows cannot be told apart.
    fn next_row(&mut self) -> Result<Option<Parsed>, InputError> {
        let line = loop {
            match self.lines.read(&mut self.bytes) {
                Ok(Some(line)) if self.bytes.is_empty() && !line.too_long => continue,
                Ok(Some(line)) => break line,
                Ok(None) => return Ok(None),
                Err(error) => return Err(self.io(error)),
            }
        };
        // A line with no quote is a row of its own, its cells between its
        // commas, as the splitter would find them: it is not split here.
        if !line.too_long
            && self.after_open_quote.is_none()
            && memchr::memchr(b'"', &self.bytes).is_none()
        {
            self.held = Held::Line;
            return Ok(Some(Parsed {
                start: line.start,
                size: self.bytes.len(),
                broken: None,
            }));
        }
        self.held = Held::Split;
        let crlf = self.ended_crlf(line.start);
        self.splitter.start();
        let closed = self.splitter.feed(&self.bytes, crlf);
        // The line after a quote left open is read only as a row an export
        // writes: whole on its line, and no quote where it writes none.
        if let Some(open_at) = self.after_open_quote.take() {
            if line.too_long
                || !closed
                || self.splitter.len() != self.columns.names.len()
                || scan(&self.bytes).stray
            {
                return Err(self.unsynchronised(
                    line.start,
                    None,
                    format!(
                        "the row does not read as a row of its own after the quoted cell left open at line {open_at}, \
                         so the cell may run on over several lines and the rows cannot be told apart; \
                         close the quote where the cell ends"
                    ),
                ));
            }
        }
        let mut size = self.bytes.len();
        let broken = if line.too_long {
            if !closed {
                self.splitter.end_open();
            }
            size = self.max.saturating_add(1);
            Some(Broken::TooLong)
        } else if closed {
            None
        } else {
            let column = scan(&self.bytes).open.unwrap_or(1);
            match self.go_on(size, crlf)? {
                Some(whole) if self.splitter.len() == self.columns.names.len() => {
                    size = whole;
                    None
                }
                _ => {
                    self.break_at_quote(line.start)?;
                    Some(Broken::OpenQuote { column })
                }
            }
        };
        // The last cell of a broken row is not whole; the cells before it are.
        if let Some(broken) = broken {
            if self.family_column + 1 >= self.splitter.len() {
                let (column, what) = match broken {
                    Broken::OpenQuote { column } => (
                        Some(column),
                        "a quoted cell opening here does not close where its row can end"
                            .to_owned(),
                    ),
                    Broken::TooLong => (None, format!("the row is longer than {} bytes", self.max)),
                };
                return Err(self.unsynchronised(
                    line.start,
                    column,
                    format!(
                        "{what}, and the row's family_id cannot be read past it, so the rows cannot be told apart \
                         by family; close the quote where the cell ends"
                    ),
                ));
            }
        }
        if let Some(Broken::OpenQuote { .. }) = broken {
            self.after_open_quote = Some(line.start.line);
        }
        Ok(Some(Parsed {
            start: line.start,
            size,
            broken,
        }))
    }

    /// Reads on over the lines after one ending in an open quoted cell
    /// (`size` bytes so far, its line break `\r\n` if `crlf`) until the
    /// cell closes: the bytes of the whole row, or `None` when the quote is
    /// still open at the end of the file or past the limit, or a line it
    /// would take in reads as a row of its own.
    fn go_on(&mut self, mut size: usize, mut crlf: bool) -> Result<Option<usize>, InputError> {
        let whole = loop {
            size = size.saturating_add(1 + usize::from(crlf));
            let Some(left) = self.max.checked_sub(size) else {
                break None;
            };
            // A line past what the row may still take is not held whole.
            self.lines.set_max(left);
            let line = match self.lines.read(&mut self.bytes) {
                Ok(Some(line)) if !line.too_long => line,
                Ok(_) => break None,
                Err(error) => {
                    self.lines.set_max(self.max);
                    return Err(self.io(error));
                }
            };
            // A line that is a row of its own is not taken into a cell: the
            // quote is more likely left open than closing past a row.
            let alone = scan(&self.bytes);
            if alone.cells == self.columns.names.len() && alone.open.is_none() {
                break None;
            }
            size += self.bytes.len();
            crlf = self.ended_crlf(line.start);
            if self.splitter.feed(&self.bytes, crlf) {
                break Some(size);
            }
        };
        self.lines.set_max(self.max);
        Ok(whole)
    }

    /// Makes the row starting at `start` broken at its open quote: its cells
    /// are those of its first line alone, the quoted cell the last, and
    /// reading goes on at the line after it.
    fn break_at_quote(&mut self, start: LineStart) -> Result<(), InputError> {
        self.lines.seek(start).map_err(|error| self.io(error))?;
        match self.lines.read(&mut self.bytes) {
            Ok(_) => {}
            Err(error) => return Err(self.io(error)),
        }
        self.splitter.start();
        if !self.splitter.feed(&self.bytes, false) {
            self.splitter.end_open();
        }
        Ok(())
    }

    /// The family id of the row read last.
    fn family(&self) -> &[u8] {
        match self.held {
            Held::Line => self
                .bytes
                .split(|&byte| byte == b',')
                .nth(self.family_column)
                .unwrap_or_default(),
            Held::Split => self.splitter.cell(self.family_column).unwrap_or_default(),
        }
    }

    /// Appends the cells of the row read last, `parsed`, to `block`, not
    /// yet split (for a line with no quote) or as split; none for a row not
    /// read whole.
    fn cut(&self, parsed: &Parsed, block: &mut CsvBlock) {
        let start = block.bytes.len();
        let cells = match (parsed.broken, self.held) {
            (Some(broken), _) => CutCells::Broken(broken),
            (None, Held::Line) => {
                block.bytes.extend_from_slice(&self.bytes);
                CutCells::Line(start..block.bytes.len())
            }
            (None, Held::Split) => {
                let splitter = &self.splitter;
                let first = block.ends.len();
                block
                    .bytes
                    .extend_from_slice(splitter.output.get(..splitter.written).unwrap_or_default());
                block
                    .ends
                    .extend_from_slice(splitter.ends.get(..splitter.cells).unwrap_or_default());
                CutCells::Split {
                    bytes: start..block.bytes.len(),
                    ends: first..block.ends.len(),
                }
            }
        };
        block.rows.push(CutRow {
            line: parsed.start.line,
            cells,
        });
    }
}

/// One file of the folder, read row by row with one row of look-ahead
/// (whose cells the file holds until the next row is read).
struct Rows {
    file: CsvFile,
    columns: Arc<Columns>,
    /// The row read ahead, not yet taken.
    next: Option<Parsed>,
    /// Groups of rows out of place, by their first line (from the first pass).
    out_of_place: BTreeMap<u64, Misplacement>,
}

/// Why a group of rows is out of place.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Misplacement {
    /// Its family is not in `families.csv`.
    UnknownFamily,
    /// Its family (named), or the family's other rows, come earlier.
    Apart(String),
}

/// The columns of a header, checked.
fn read_columns(header: Vec<Vec<u8>>, part: Part) -> Result<Columns, String> {
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for cell in header {
        let name = String::from_utf8(cell)
            .map_err(|_| "the header is not UTF-8 text; export the file as UTF-8".to_owned())?
            .trim()
            .to_owned();
        if names.contains(&name) {
            return Err(format!(
                "the header names column `{name}` twice; give each column once"
            ));
        }
        names.push(name);
    }
    for required in part.required() {
        if !names.iter().any(|name| name == required) {
            return Err(format!(
                "the header has no `{required}` column; the first line must name the columns"
            ));
        }
    }
    if part == Part::Events {
        if let Some(name) = names.iter().find(|name| renamed_event_key(name)) {
            return Err(format!(
                "column `{name}` is reserved; name the event's id `event_id` and its member `member_id`"
            ));
        }
    }
    Ok(Columns { names })
}

impl Rows {
    fn open(source: &Source, part: Part, max: usize) -> Result<Rows, InputError> {
        let file = CsvFile::open(source, part, max)?;
        let columns = Arc::new(Columns {
            names: file.columns.names.clone(),
        });
        Ok(Rows {
            file,
            columns,
            next: None,
            out_of_place: BTreeMap::new(),
        })
    }

    fn part(&self) -> Part {
        self.file.part
    }

    /// The next row, without taking it; its family is `self.file.family()`.
    fn peek(&mut self) -> Result<Option<Parsed>, InputError> {
        if self.next.is_none() {
            self.next = self.file.next_row()?;
        }
        Ok(self.next)
    }

    /// Takes the next row; its cells stay in the file until the next is
    /// read.
    fn take(&mut self) -> Result<Option<Parsed>, InputError> {
        match self.next.take() {
            Some(row) => Ok(Some(row)),
            None => self.file.next_row(),
        }
    }

    /// Takes the rows of the family `family` that come next into `block`
    /// (the range of `block.rows` they take), and every group out of place
    /// met on the way: those of unknown families become records of their
    /// own in `orphans`. Rows past the family's budget of bytes are passed
    /// over, and the first of them reported.
    fn take_family(
        &mut self,
        family: &[u8],
        orphans: &mut Vec<Record>,
        budget: &mut Budget,
        block: &mut CsvBlock,
    ) -> Result<Range<usize>, InputError> {
        let first = block.rows.len();
        while let Some(next) = self.peek()? {
            if let Some(misplacement) = self.out_of_place.get(&next.start.line) {
                let unknown = *misplacement == Misplacement::UnknownFamily;
                let group = self.take_group()?;
                if unknown {
                    orphans.extend(self.orphan(group));
                }
                continue;
            }
            if !same_family(self.file.family(), family) {
                break;
            }
            self.next = None;
            if budget.spend(next.size) {
                self.file.cut(&next, block);
            } else if budget.over.is_none() {
                budget.over = Some((self.part(), next.start.line));
            }
        }
        Ok(first..block.rows.len())
    }

    /// Takes the next run of rows of one family: its id and the rows' lines.
    fn take_group(&mut self) -> Result<(String, Vec<u64>), InputError> {
        let Some(first) = self.take()? else {
            return Ok((String::new(), Vec::new()));
        };
        let family = self.file.family().to_vec();
        let mut lines = vec![first.start.line];
        while self.peek()?.is_some() && same_family(self.file.family(), &family) {
            lines.extend(self.take()?.map(|row| row.start.line));
        }
        Ok((String::from_utf8_lossy(&family).into_owned(), lines))
    }

    /// Takes every row left once `families.csv` is done: none belongs to a
    /// family still to come.
    fn take_rest(&mut self, orphans: &mut Vec<Record>) -> Result<(), InputError> {
        while let Some(row) = self.peek()? {
            let apart = matches!(
                self.out_of_place.get(&row.start.line),
                Some(Misplacement::Apart(_))
            );
            let group = self.take_group()?;
            if !apart {
                orphans.extend(self.orphan(group));
            }
        }
        Ok(())
    }

    /// The refused record for rows of a family `families.csv` does not hold.
    fn orphan(&self, (id, lines): (String, Vec<u64>)) -> Option<Record> {
        let line = *lines.first()?;
        let part = self.part();
        let problems = lines
            .iter()
            .map(|&line| RowProblem {
                part,
                line,
                field: Some("family_id".into()),
                kind: ProblemKind::UnknownFamily,
            })
            .collect();
        Some(Record {
            line,
            input: Input::Csv(Box::new(CsvFamily {
                id,
                home: (part, line),
                attributes: Vec::new(),
                cells: Cells::default(),
                members: Vec::new(),
                events: Vec::new(),
                problems,
                // No rows: the columns are never looked at.
                member_columns: Arc::clone(&self.columns),
                event_columns: Arc::clone(&self.columns),
                size: 0,
            })),
        })
    }
}

/// Whether two rows' family ids name one family. Ids are pseudonymous
/// keys, so an id that is not UTF-8 still groups its rows: it is read with
/// the bad bytes replaced, as it is only ever shown.
fn same_family(one: &[u8], other: &[u8]) -> bool {
    one == other
        || ((std::str::from_utf8(one).is_err() || std::str::from_utf8(other).is_err())
            && String::from_utf8_lossy(one) == String::from_utf8_lossy(other))
}

/// The bytes a family's rows may still take.
struct Budget {
    left: usize,
    /// The first row past the budget.
    over: Option<(Part, u64)>,
}

impl Budget {
    /// Whether a row of `size` bytes fits, taking it from the budget if so;
    /// once one row does not fit, none does.
    fn spend(&mut self, size: usize) -> bool {
        if self.over.is_some() || size > self.left {
            return false;
        }
        self.left -= size;
        true
    }
}

/// Finds the groups of rows of `part` out of place: a cursor walks
/// `families.csv` forward to each group's family; a family not found
/// forward is looked for before the cursor (its rows are apart) or is not in
/// the file at all. Reads the whole of the file, so a file whose rows cannot
/// be told apart stops the run before any family is decided.
fn out_of_place(
    source: &Source,
    part: Part,
    max: usize,
) -> Result<BTreeMap<u64, Misplacement>, InputError> {
    let mut families = CsvFile::open(source, Part::Families, max)?;
    let mut rows = CsvFile::open(source, part, max)?;
    let mut found = BTreeMap::new();
    let mut current: Option<Vec<u8>> = None;
    while let Some(row) = rows.next_row()? {
        let id = rows.family();
        if current.as_deref() == Some(id) {
            continue;
        }
        current = Some(id.to_vec());
        let cursor = families.next_start();
        let mut forward = false;
        while families.next_row()?.is_some() {
            if families.family() == id {
                forward = true;
                break;
            }
        }
        if forward {
            continue;
        }
        families.seek(cursor)?;
        let mut before = CsvFile::open(source, Part::Families, max)?;
        let mut earlier = false;
        while before.next_start().offset < cursor.offset && before.next_row()?.is_some() {
            if before.family() == id {
                earlier = true;
                break;
            }
        }
        let misplacement = if earlier {
            Misplacement::Apart(String::from_utf8_lossy(id).into_owned())
        } else {
            Misplacement::UnknownFamily
        };
        found.insert(row.start.line, misplacement);
        if found.len() > MOST_OUT_OF_PLACE {
            return Err(InputError::Unordered {
                file: part.file_name().to_owned(),
                most: MOST_OUT_OF_PLACE,
            });
        }
    }
    Ok(found)
}

/// The families `families.csv` lists more than once, with every line that
/// lists each. Every id is held only for this pass, and as compactly as
/// `eval` holds them ([`SeenFamilies`]); lines are kept only for repeats.
fn listed_twice(source: &Source, max: usize) -> Result<BTreeMap<String, Vec<u64>>, InputError> {
    let mut families = CsvFile::open(source, Part::Families, max)?;
    let mut seen = SeenFamilies::default();
    let mut repeated: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    while let Some(row) = families.next_row()? {
        let line = row.start.line;
        if let Some(first_line) = seen.see(families.family(), line) {
            repeated
                .entry(String::from_utf8_lossy(families.family()).into_owned())
                .or_insert_with(|| vec![first_line])
                .push(line);
        }
    }
    Ok(repeated)
}

/// The families of a CSV folder, one record each, in the order of
/// `families.csv`; rows of families it does not hold follow as refused
/// records of their own.
///
/// Each row is one line (or several, for a quoted cell holding line
/// breaks), at most [`MAX_RECORD_BYTES`] long (or the limit
/// given to [`CsvFolder::open_with_max_record_bytes`]), and a family's rows
/// of `members.csv` and `events.csv` together as much; a byte-order mark opening a file is dropped. A family
/// whose rows cannot all be read is refused, naming each file and line; when
/// rows cannot be told apart (see [`InputError::Unsynchronised`]), or the
/// files are not in the order of `families.csv`, reading stops with an
/// error and no record follows.
///
/// Read as blocks ([`super::open_blocks`]), the rows of a block's families
/// are only cut apart on the reading thread; the threads that decide them
/// split them into cells.
pub struct CsvFolder {
    families: Rows,
    members: Rows,
    events: Rows,
    /// Families with rows apart from the rest, and where those rows start.
    apart: BTreeMap<String, Vec<(Part, u64)>>,
    /// Families `families.csv` lists more than once, with the lines.
    listed_twice: BTreeMap<String, Vec<u64>>,
    max: usize,
    /// The id of the family being read.
    family: Vec<u8>,
    /// Records for rows of unknown families met while reading a family,
    /// which follow it.
    orphans: Vec<Record>,
    /// Records of the last block, for the iterator.
    ready: VecDeque<Record>,
    /// The fault met after the families of the last block.
    fault: Option<InputError>,
    done: bool,
}

impl CsvFolder {
    /// Opens the folder's three files, reads their headers and makes the
    /// first pass over `members.csv` and `events.csv`, with the limit of
    /// [`MAX_RECORD_BYTES`].
    pub fn open(folder: &Path) -> Result<CsvFolder, InputError> {
        CsvFolder::open_with_max_record_bytes(folder, MAX_RECORD_BYTES)
    }

    /// As [`CsvFolder::open`], with `max` bytes the most a row, and a
    /// family's rows of `members.csv` and `events.csv` together, may take.
    pub fn open_with_max_record_bytes(folder: &Path, max: usize) -> Result<CsvFolder, InputError> {
        CsvFolder::read(Source::Folder(folder.to_path_buf()), max)
    }

    /// Reads the three files from memory, exactly as [`CsvFolder::open`]
    /// reads them from a folder: for a service that receives the export as
    /// uploads, or a fuzzer. The bytes are held once and shared by the
    /// passes over them; errors and refusals name the files as in a folder.
    pub fn from_bytes(
        families: impl Into<Arc<[u8]>>,
        members: impl Into<Arc<[u8]>>,
        events: impl Into<Arc<[u8]>>,
    ) -> Result<CsvFolder, InputError> {
        CsvFolder::from_bytes_with_max_record_bytes(families, members, events, MAX_RECORD_BYTES)
    }

    /// As [`CsvFolder::from_bytes`], with the limit of
    /// [`CsvFolder::open_with_max_record_bytes`].
    pub fn from_bytes_with_max_record_bytes(
        families: impl Into<Arc<[u8]>>,
        members: impl Into<Arc<[u8]>>,
        events: impl Into<Arc<[u8]>>,
        max: usize,
    ) -> Result<CsvFolder, InputError> {
        let source = Source::Bytes {
            families: families.into(),
            members: members.into(),
            events: events.into(),
        };
        CsvFolder::read(source, max)
    }

    fn read(source: Source, max: usize) -> Result<CsvFolder, InputError> {
        let mut members = Rows::open(&source, Part::Members, max)?;
        let mut events = Rows::open(&source, Part::Events, max)?;
        members.out_of_place = out_of_place(&source, Part::Members, max)?;
        events.out_of_place = out_of_place(&source, Part::Events, max)?;
        let mut apart: BTreeMap<String, Vec<(Part, u64)>> = BTreeMap::new();
        for rows in [&members, &events] {
            for (&line, misplacement) in &rows.out_of_place {
                if let Misplacement::Apart(family) = misplacement {
                    apart
                        .entry(family.clone())
                        .or_default()
                        .push((rows.part(), line));
                }
            }
        }
        Ok(CsvFolder {
            families: Rows::open(&source, Part::Families, max)?,
            members,
            events,
            apart,
            listed_twice: listed_twice(&source, max)?,
            max,
            family: Vec::new(),
            orphans: Vec::new(),
            ready: VecDeque::new(),
            fault: None,
            done: false,
        })
    }
}

impl Iterator for CsvFolder {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(record) = self.ready.pop_front() {
                return Some(Ok(record));
            }
            // One family at a time, and the rows out of place met with it.
            match self.next_block(0)? {
                Ok(block) => self.ready.extend(block.into_records()),
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

impl CsvFolder {
    /// The next families, in order, with their rows cut apart: as many as
    /// hold at least `bytes` bytes of rows, or one. A fault of the input
    /// comes after the families read before it.
    pub(crate) fn next_block(&mut self, bytes: usize) -> Option<Result<CsvBlock, InputError>> {
        if let Some(fault) = self.fault.take() {
            return Some(Err(fault));
        }
        let mut block = CsvBlock {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::new(),
            rows: Vec::new(),
            records: Vec::new(),
            family_columns: Arc::clone(&self.families.columns),
            member_columns: Arc::clone(&self.members.columns),
            event_columns: Arc::clone(&self.events.columns),
            max: self.max,
        };
        while !self.done && (block.records.is_empty() || block.bytes.len() < bytes) {
            let kept = block.mark();
            match self.next_family(&mut block) {
                Ok(more) => self.done = !more,
                Err(fault) => {
                    // The family being read, and the rows met with it, are
                    // dropped: nothing after a fault is given.
                    self.done = true;
                    self.orphans.clear();
                    block.truncate(kept);
                    if block.records.is_empty() {
                        return Some(Err(fault));
                    }
                    self.fault = Some(fault);
                }
            }
        }
        (!block.records.is_empty()).then_some(Ok(block))
    }

    /// Reads the next family of `families.csv` with its rows into `block`,
    /// then the rows out of place met on the way; at the end (false), the
    /// rows left over.
    fn next_family(&mut self, block: &mut CsvBlock) -> Result<bool, InputError> {
        let Some(home) = self.families.take()? else {
            self.members.take_rest(&mut self.orphans)?;
            self.events.take_rest(&mut self.orphans)?;
            block
                .records
                .extend(self.orphans.drain(..).map(Cut::Orphan));
            return Ok(false);
        };
        self.family.clear();
        self.family.extend_from_slice(self.families.file.family());
        let row = block.rows.len();
        self.families.file.cut(&home, block);
        let id = block.bytes.len()..block.bytes.len() + self.family.len();
        block.bytes.extend_from_slice(&self.family);
        // The family's own row is bounded as a row; its rows of the other
        // files together as much.
        let mut budget = Budget {
            left: self.max,
            over: None,
        };
        let members =
            self.members
                .take_family(&self.family, &mut self.orphans, &mut budget, block)?;
        let events =
            self.events
                .take_family(&self.family, &mut self.orphans, &mut budget, block)?;
        let mut problems = Vec::new();
        if !self.listed_twice.is_empty() || !self.apart.is_empty() {
            let family = String::from_utf8_lossy(&self.family);
            if let Some(lines) = self.listed_twice.get(family.as_ref()) {
                problems.push(RowProblem {
                    part: Part::Families,
                    line: home.start.line,
                    field: Some("family_id".into()),
                    kind: ProblemKind::ListedTwice {
                        lines: lines.clone(),
                    },
                });
            }
            for &(part, line) in self.apart.get(family.as_ref()).into_iter().flatten() {
                problems.push(RowProblem {
                    part,
                    line,
                    field: Some("family_id".into()),
                    kind: ProblemKind::RowApart,
                });
            }
        }
        if let Some((part, line)) = budget.over {
            problems.push(RowProblem {
                part,
                line,
                field: None,
                kind: ProblemKind::FamilyTooLarge { limit: self.max },
            });
        }
        block.records.push(Cut::Family(CutFamily {
            id,
            row,
            members,
            events,
            problems,
            size: home.size + self.max.saturating_sub(budget.left),
        }));
        block
            .records
            .extend(self.orphans.drain(..).map(Cut::Orphan));
        Ok(true)
    }
}

/// Families of a CSV folder in input order, their rows cut apart but not
/// split into cells: what the reading thread hands on.
/// [`CsvBlock::into_records`] splits them, on the thread that decides them.
pub(crate) struct CsvBlock {
    /// The rows' bytes, one after the other: a line with no quote as it is,
    /// the cells of a row split already one after the other; and each
    /// family's id.
    bytes: Vec<u8>,
    /// Where each cell of a row split already ends, from the row's start.
    ends: Vec<usize>,
    rows: Vec<CutRow>,
    records: Vec<Cut>,
    family_columns: Arc<Columns>,
    member_columns: Arc<Columns>,
    event_columns: Arc<Columns>,
    max: usize,
}

/// A row as the reading thread cut it.
struct CutRow {
    line: u64,
    cells: CutCells,
}

/// The cells of a [`CutRow`].
enum CutCells {
    /// A line with no quote, in the block's bytes: its cells are between
    /// its commas.
    Line(Range<usize>),
    /// Cells split already: their bytes, and where each ends.
    Split {
        bytes: Range<usize>,
        ends: Range<usize>,
    },
    /// A row not read whole, which keeps no cells.
    Broken(Broken),
}

/// One record of a [`CsvBlock`].
enum Cut {
    /// A family of `families.csv` and its rows.
    Family(CutFamily),
    /// Rows of a family `families.csv` does not hold, refused already.
    Orphan(Record),
}

/// A family of a [`CsvBlock`]: where its id and rows are.
struct CutFamily {
    /// Its id, in the block's bytes.
    id: Range<usize>,
    /// Its row of `families.csv`, and its rows of the other files, in the
    /// block's rows.
    row: usize,
    members: Range<usize>,
    events: Range<usize>,
    /// What reading its rows in order found: listed twice, rows apart from
    /// it, rows past the limit.
    problems: Vec<RowProblem>,
    /// The bytes of its rows.
    size: usize,
}

/// How far a [`CsvBlock`] was filled, to go back to.
struct Mark {
    bytes: usize,
    ends: usize,
    rows: usize,
    records: usize,
}

impl CsvBlock {
    fn mark(&self) -> Mark {
        Mark {
            bytes: self.bytes.len(),
            ends: self.ends.len(),
            rows: self.rows.len(),
            records: self.records.len(),
        }
    }

    fn truncate(&mut self, mark: Mark) {
        self.bytes.truncate(mark.bytes);
        self.ends.truncate(mark.ends);
        self.rows.truncate(mark.rows);
        self.records.truncate(mark.records);
    }

    /// The block's records, in input order, each family's rows split into
    /// cells.
    pub(crate) fn into_records(mut self) -> Vec<Record> {
        let cuts = std::mem::take(&mut self.records);
        cuts.into_iter()
            .map(|cut| match cut {
                Cut::Family(family) => self.family(family),
                Cut::Orphan(record) => record,
            })
            .collect()
    }

    fn family(&self, cut: CutFamily) -> Record {
        let mut problems = Vec::new();
        let mut cells = Cells::default();
        let line = self.rows.get(cut.row).map_or(0, |row| row.line);
        let attributes = match self.split(cut.row, Part::Families, &mut cells, &mut problems) {
            Some(row) => self
                .family_columns
                .names
                .iter()
                .zip(cells.of(&row).cells())
                .filter(|(name, _)| *name != "family_id")
                .filter_map(|(name, cell)| Some((name.clone(), cell?.to_owned())))
                .collect(),
            None => Vec::new(),
        };
        let mut rows = |range: Range<usize>, part| -> Vec<Row> {
            range
                .filter_map(|index| self.split(index, part, &mut cells, &mut problems))
                .collect()
        };
        let members = rows(cut.members, Part::Members);
        let events = rows(cut.events, Part::Events);
        problems.extend(cut.problems);
        let id = self.bytes.get(cut.id).unwrap_or_default();
        Record {
            line,
            input: Input::Csv(Box::new(CsvFamily {
                id: String::from_utf8_lossy(id).into_owned(),
                home: (Part::Families, line),
                attributes,
                cells,
                members,
                events,
                problems,
                member_columns: Arc::clone(&self.member_columns),
                event_columns: Arc::clone(&self.event_columns),
                size: cut.size,
            })),
        }
    }

    /// Splits the cut row at `index`, of `part`, into `cells`: the row, if
    /// it was read whole and lines up with the header (a row that does not
    /// is reported in `problems` and left out).
    fn split(
        &self,
        index: usize,
        part: Part,
        cells: &mut Cells,
        problems: &mut Vec<RowProblem>,
    ) -> Option<Row> {
        let row = self.rows.get(index)?;
        let line = row.line;
        let names = &match part {
            Part::Families => &self.family_columns,
            Part::Members => &self.member_columns,
            Part::Events => &self.event_columns,
        }
        .names;
        let header = names.len();
        let mut problem = |field: Option<String>, kind| {
            problems.push(RowProblem {
                part,
                line,
                field,
                kind,
            });
        };
        let (bytes, ends) = match &row.cells {
            CutCells::Broken(Broken::OpenQuote { column }) => {
                problem(None, ProblemKind::OpenQuote { column: *column });
                return None;
            }
            CutCells::Broken(Broken::TooLong) => {
                problem(None, ProblemKind::RowTooLong { limit: self.max });
                return None;
            }
            CutCells::Line(bytes) => (self.bytes.get(bytes.clone())?, None),
            CutCells::Split { bytes, ends } => (
                self.bytes.get(bytes.clone())?,
                Some(self.ends.get(ends.clone())?),
            ),
        };
        let found = match ends {
            Some(ends) => ends.len(),
            None => memchr::memchr_iter(b',', bytes).count() + 1,
        };
        if found != header {
            problem(None, ProblemKind::RowWidth { header, found });
            return None;
        }
        let not_utf8 = |column: usize| problem(names.get(column).cloned(), ProblemKind::NotUtf8);
        Some(match ends {
            // A comma is one byte in UTF-8 and in no other character, so the
            // cells of a line in UTF-8 are too: the line is checked once, and
            // only a line that is not is checked cell by cell.
            None => match std::str::from_utf8(bytes) {
                Ok(text) => cells.push(line, commas(text).map(Some), not_utf8),
                Err(_) => cells.push(line, bytes.split(|&byte| byte == b',').map(utf8), not_utf8),
            },
            Some(ends) => {
                let cell = |(column, &end): (usize, &usize)| {
                    let start = column
                        .checked_sub(1)
                        .and_then(|before| ends.get(before))
                        .copied()
                        .unwrap_or_default();
                    bytes.get(start..end).unwrap_or_default()
                };
                cells.push(line, ends.iter().enumerate().map(cell).map(utf8), not_utf8)
            }
        })
    }
}

/// The cells of a line in UTF-8, split at its commas byte by byte (as
/// `str::split` would, without its search for a character).
fn commas(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let line = rest?;
        match line.bytes().position(|byte| byte == b',') {
            Some(at) => {
                rest = line.get(at + 1..);
                line.get(..at)
            }
            None => {
                rest = None;
                Some(line)
            }
        }
    })
}

/// A cell's text, `None` if it is not UTF-8.
fn utf8(cell: &[u8]) -> Option<&str> {
    std::str::from_utf8(cell).ok()
}

/// One family's rows from a CSV folder, not yet typed: typing needs the
/// plan's vocabulary, so it happens when the family is decided.
pub(crate) struct CsvFamily {
    id: String,
    /// The file and line the record starts on.
    home: (Part, u64),
    attributes: Vec<(String, String)>,
    /// The cells of its rows of `members.csv` and `events.csv`.
    cells: Cells,
    members: Vec<Row>,
    events: Vec<Row>,
    /// Problems found while reading the rows.
    problems: Vec<RowProblem>,
    member_columns: Arc<Columns>,
    event_columns: Arc<Columns>,
    /// The bytes of the rows read.
    size: usize,
}

impl CsvFamily {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn attribute_names(&self) -> Vec<String> {
        self.attributes
            .iter()
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The file the record starts in.
    pub(crate) fn home_file(&self) -> &'static str {
        self.home.0.file_name()
    }

    /// The bytes of the rows read.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// True for a family of `families.csv`; false for rows of the other
    /// files whose family is not there in order (refused for that already).
    pub(crate) fn is_listed(&self) -> bool {
        self.home.0 == Part::Families
    }

    /// The family as the JSON fast path's records, borrowing the cells,
    /// each field's typed as the plan declares it: what it would read from
    /// [`CsvFamily::as_json`]'s text.
    fn raw<'a>(&'a self, vocab: &'a Vocabulary) -> RawFamily<'a> {
        let attributes = self
            .attributes
            .iter()
            .map(|(name, value)| (text(name), Given::Cell(Scalar::String(value))))
            .collect();
        let mut fields = Vec::new();
        let events = self
            .events
            .iter()
            .map(|row| self.raw_event(vocab, row, &mut fields))
            .collect();
        RawFamily {
            id: Some(&self.id)
                .filter(|id| !id.is_empty())
                .map(|id| text(id)),
            attributes: Some(Entries(attributes)),
            members: Some(
                self.members
                    .iter()
                    .map(|row| self.raw_member(vocab, row))
                    .collect(),
            ),
            events: Some(EventList { events, fields }),
        }
    }

    fn raw_member<'a>(&'a self, vocab: &'a Vocabulary, row: &'a Row) -> RawMember<'a> {
        let columns = &self.member_columns;
        let row = self.cells.of(row);
        let cell = |column: &str| row.cell(columns.index(column)).map(text);
        let attributes: Vec<_> = member_attributes(columns, vocab, row)
            .map(|(name, cell)| (text(name), Given::Cell(cell.scalar())))
            .collect();
        RawMember {
            id: cell("member_id"),
            role: cell("role"),
            born: cell("born"),
            joined: cell("joined"),
            left: cell("left"),
            attributes: Some(Entries(attributes)),
        }
    }

    /// An event's row, its fields' cells added to the family's list.
    fn raw_event<'a>(
        &'a self,
        vocab: &'a Vocabulary,
        row: &'a Row,
        event_fields: &mut Vec<(Text<'a>, Given<'a>)>,
    ) -> RawEvent<'a> {
        let columns = &self.event_columns;
        let row = self.cells.of(row);
        let cell = |column: &str| row.cell(columns.index(column)).map(text);
        let kind = event_kind(columns, vocab, row);
        let first = event_fields.len();
        event_fields.extend(
            columns
                .names
                .iter()
                .zip(row.cells())
                .filter(|(name, _)| !EVENT_COLUMNS.contains(&name.as_str()))
                .filter_map(|(name, cell)| {
                    let cell = event_cell(kind, name, cell?);
                    Some((text(name), Given::Cell(cell.scalar())))
                }),
        );
        RawEvent {
            id: cell("event_id"),
            kind: cell("kind"),
            member: cell("member_id"),
            date: cell("date"),
            start: cell("start"),
            end: cell("end"),
            fields: first..event_fields.len(),
        }
    }

    /// The family as the interchange format's JSON, with each field's cell
    /// typed as the plan declares it.
    fn as_json<'a>(&'a self, vocab: &'a Vocabulary) -> AsJson<'a> {
        AsJson {
            family: self,
            vocab,
        }
    }

    /// Reads and validates the family; a refusal names the file and line of
    /// every problem.
    pub(crate) fn read(&self, vocab: &Vocabulary) -> Result<Family, Refusal> {
        // Rows past the limit were not kept: what is left is not the family,
        // and is not validated.
        let whole = !self
            .problems
            .iter()
            .any(|problem| matches!(problem.kind, ProblemKind::FamilyTooLarge { .. }));
        let validated = if whole {
            // Most families read: the JSON reader's fast path types them
            // from the borrowed cells, and only a family it does not accept
            // is built as a `Value` for the careful reader, whose problems
            // are traced back to rows.
            let fast = if self.problems.is_empty() {
                self.raw(vocab).typed(vocab)
            } else {
                None
            };
            match fast {
                Some(family) => return Ok(family),
                None => serde_json::to_value(self.as_json(vocab))
                    .map_err(|_| crate::FamilyError {
                        family: None,
                        problems: Vec::new(),
                    })
                    .and_then(|value| super::family_from_value(&value, vocab)),
            }
        } else {
            Err(crate::FamilyError {
                family: None,
                problems: Vec::new(),
            })
        };
        let mut errors: Vec<(Part, u64, RecordProblem)> = self
            .problems
            .iter()
            .map(|problem| {
                let at = (problem.part, problem.line);
                let record = problem.part.row();
                let kind = problem.kind.clone();
                (
                    at.0,
                    at.1,
                    self.problem(at, record, problem.field.clone(), kind),
                )
            })
            .collect();
        match validated {
            Ok(family) if errors.is_empty() => return Ok(family),
            Ok(_) => {}
            Err(error) => {
                for problem in &error.problems {
                    let at = self.row_of(&problem.record);
                    let field = problem
                        .field
                        .as_deref()
                        .map(|key| column(&problem.record, key));
                    // A cell that could not be read is reported once, not
                    // again as missing.
                    let read_already = self.problems.iter().any(|known| {
                        (known.part, known.line) == at
                            && known.field.is_some()
                            && known.field == field
                    });
                    if read_already {
                        continue;
                    }
                    let record = ProblemRecord::Record(problem.record.clone());
                    // The first row of a repeated member or event id is
                    // named by its line, as the repeat is, not by its place
                    // in the family.
                    let kind = match problem.kind {
                        RecordErrorKind::DuplicateMemberId { first } => self
                            .members
                            .get(first as usize)
                            .map(|row| ProblemKind::RepeatedMemberRow {
                                first_line: row.line,
                            }),
                        RecordErrorKind::DuplicateEventId { first } => self
                            .events
                            .get(first as usize)
                            .map(|row| ProblemKind::RepeatedEventRow {
                                first_line: row.line,
                            }),
                        _ => None,
                    }
                    .unwrap_or_else(|| ProblemKind::Record(problem.kind.clone()));
                    errors.push((at.0, at.1, self.problem(at, record, field, kind)));
                }
            }
        }
        errors.sort_by_key(|(part, line, _)| (*part, *line));
        Err(Refusal {
            family: Some(self.id.clone()).filter(|id| !id.is_empty()),
            line: Some(self.home.1),
            file: Some(self.home.0.file_name().to_owned()),
            errors: errors.into_iter().map(|(_, _, problem)| problem).collect(),
        })
    }

    fn problem(
        &self,
        (part, line): (Part, u64),
        record: ProblemRecord,
        field: Option<String>,
        kind: ProblemKind,
    ) -> RecordProblem {
        RecordProblem {
            record,
            field,
            kind,
            file: Some(part.file_name().to_owned()),
            line: Some(line),
        }
    }

    /// The file and line of a record of the assembled family.
    fn row_of(&self, record: &RecordPosition) -> (Part, u64) {
        let row = match record {
            RecordPosition::Family => None,
            RecordPosition::Member { position, .. } => self.members.get(*position as usize),
            RecordPosition::Event { position, .. } => self.events.get(*position as usize),
        };
        match (record, row) {
            (RecordPosition::Member { .. }, Some(row)) => (Part::Members, row.line),
            (RecordPosition::Event { .. }, Some(row)) => (Part::Events, row.line),
            _ => self.home,
        }
    }
}

/// A family's rows as the interchange format's JSON ([`CsvFamily::as_json`]).
struct AsJson<'a> {
    family: &'a CsvFamily,
    vocab: &'a Vocabulary,
}

/// A cell as the JSON value a field or attribute of this type is read
/// from: cells are text, and only a flag is not read from text in JSON.
enum Cell<'a> {
    Text(&'a str),
    Flag(bool),
}

fn typed_cell<'a>(ty: &FieldType, cell: &'a str) -> Cell<'a> {
    match (ty, cell) {
        (FieldType::Flag, "true") => Cell::Flag(true),
        (FieldType::Flag, "false") => Cell::Flag(false),
        _ => Cell::Text(cell),
    }
}

impl<'a> Cell<'a> {
    /// The cell as the JSON fast path reads the value it is written as.
    fn scalar(&self) -> Scalar<'a> {
        match *self {
            Cell::Text(text) => Scalar::String(text),
            Cell::Flag(flag) => Scalar::Bool(flag),
        }
    }
}

/// A cell as the JSON fast path reads the string it is written as.
fn text(cell: &str) -> Text<'_> {
    Text(Cow::Borrowed(cell))
}

/// The member attributes the plan declares that a row of `members.csv`
/// gives, by name, each cell typed.
fn member_attributes<'a>(
    columns: &'a Columns,
    vocab: &'a Vocabulary,
    row: RowCells<'a>,
) -> impl Iterator<Item = (&'a str, Cell<'a>)> {
    vocab.member_attributes().iter().filter_map(move |decl| {
        let cell = row.cell(columns.index(&decl.name))?;
        Some((decl.name.as_str(), typed_cell(&decl.ty, cell)))
    })
}

/// The kind a row of `events.csv` names, if the plan declares it.
fn event_kind<'a>(
    columns: &Columns,
    vocab: &'a Vocabulary,
    row: RowCells<'_>,
) -> Option<&'a EventKind> {
    let name = row.cell(columns.index("kind"))?;
    vocab.get(vocab.lookup(name)?)
}

/// A cell of `events.csv` in column `name`, typed as the field of that
/// name of the row's kind (a column of [`EVENT_COLUMNS`] is not a field).
fn event_cell<'a>(kind: Option<&EventKind>, name: &str, cell: &'a str) -> Cell<'a> {
    let field = kind
        .filter(|_| !EVENT_COLUMNS.contains(&name))
        .and_then(|kind| kind.fields.get(kind.field_index(name)?));
    match field {
        Some(field) => typed_cell(&field.ty, cell),
        None => Cell::Text(cell),
    }
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Flag(flag) => serializer.serialize_bool(*flag),
        }
    }
}

/// Serializes the entries given as a JSON object.
struct Object<I>(std::cell::Cell<Option<I>>);

impl<I> Object<I> {
    fn new(entries: I) -> Object<I> {
        Object(std::cell::Cell::new(Some(entries)))
    }
}

impl<'a, I: Iterator<Item = (&'a str, Cell<'a>)>> Serialize for Object<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.0.take().into_iter().flatten() {
            map.serialize_entry(key, &value)?;
        }
        map.end()
    }
}

/// Serializes the items given as a JSON array.
struct Array<I>(std::cell::Cell<Option<I>>);

impl<T: Serialize, I: Iterator<Item = T>> Serialize for Array<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for item in self.0.take().into_iter().flatten() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

impl Serialize for AsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (family, vocab) = (self.family, self.vocab);
        let mut map = serializer.serialize_map(None)?;
        if !family.id.is_empty() {
            map.serialize_entry("id", &family.id)?;
        }
        let attributes = family
            .attributes
            .iter()
            .map(|(name, value)| (name.as_str(), Cell::Text(value)));
        map.serialize_entry("attributes", &Object::new(attributes))?;
        let members = family
            .members
            .iter()
            .map(|row| MemberRow { family, vocab, row });
        map.serialize_entry("members", &Array(std::cell::Cell::new(Some(members))))?;
        let events = family
            .events
            .iter()
            .map(|row| EventRow { family, vocab, row });
        map.serialize_entry("events", &Array(std::cell::Cell::new(Some(events))))?;
        map.end()
    }
}

/// A row of `members.csv` as a member of the interchange format's JSON.
struct MemberRow<'a> {
    family: &'a CsvFamily,
    vocab: &'a Vocabulary,
    row: &'a Row,
}

impl Serialize for MemberRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let columns = &self.family.member_columns;
        let row = self.family.cells.of(self.row);
        let mut map = serializer.serialize_map(None)?;
        for (column, key) in MEMBER_COLUMNS {
            if let Some(cell) = row.cell(columns.index(column)) {
                map.serialize_entry(key, cell)?;
            }
        }
        let attributes = || member_attributes(columns, self.vocab, row);
        if attributes().next().is_some() {
            map.serialize_entry("attributes", &Object::new(attributes()))?;
        }
        map.end()
    }
}

/// A row of `events.csv` as an event of the interchange format's JSON.
struct EventRow<'a> {
    family: &'a CsvFamily,
    vocab: &'a Vocabulary,
    row: &'a Row,
}

impl Serialize for EventRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (columns, vocab) = (&self.family.event_columns, self.vocab);
        let row = self.family.cells.of(self.row);
        let kind = event_kind(columns, vocab, row);
        let entries = columns
            .names
            .iter()
            .zip(row.cells())
            .filter_map(|(name, cell)| {
                let cell = cell?;
                if name == "family_id" {
                    return None;
                }
                let key = EVENT_RENAMES
                    .iter()
                    .find(|(column, _)| column == name)
                    .map_or(name.as_str(), |(_, key)| key);
                Some((key, event_cell(kind, name, cell)))
            });
        Object::new(entries).serialize(serializer)
    }
}

/// The CSV column of a key of the interchange format's JSON.
fn column(record: &RecordPosition, key: &str) -> String {
    let renamed = match (record, key) {
        (RecordPosition::Family, "id") => "family_id",
        (RecordPosition::Member { .. }, "id") => "member_id",
        (RecordPosition::Family | RecordPosition::Member { .. }, key) => {
            key.strip_prefix("attributes.").unwrap_or(key)
        }
        (RecordPosition::Event { .. }, key) => EVENT_RENAMES
            .iter()
            .find(|(_, renamed)| *renamed == key)
            .map_or(key, |(column, _)| column),
    };
    renamed.to_owned()
}

// ---------------------------------------------------------------------------
// Writing.

/// The columns a [`CsvFolderWriter`] writes beyond those every folder has:
/// `family_id` in each file, `member_id`, `role` and `born` in
/// `members.csv`, and [`EVENT_COLUMNS`] in `events.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvColumns {
    /// The attributes, a column each of `families.csv`, in this order.
    pub attributes: Vec<String>,
    /// Whether `members.csv` has `joined` and `left` columns (an extension
    /// of the format) after `born`.
    pub membership: bool,
    /// The member attributes, a column each of `members.csv` after those,
    /// in this order.
    pub member_attributes: Vec<String>,
    /// The fields, a column each of `events.csv`, in this order; a field
    /// of any kind with the column's name is written in it.
    pub fields: Vec<String>,
}

/// A family the writer cannot write so that [`CsvFolder`] reads it back
/// the same, or a file it cannot write. A family refused is not written in
/// part. Messages name the family and column, never a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsvWriteError {
    /// A column named twice, or with a name the format gives another column.
    #[error(
        "`{column}` cannot be a column of {file}: the file has a column of that name already, \
         or the format keeps the name; give each column once, under a name of its own"
    )]
    Column {
        /// The file, `families.csv` or `events.csv`.
        file: &'static str,
        /// The column's name.
        column: String,
    },
    /// A value of the family that no column holds.
    #[error(
        "{file}: family `{family}` has a value for `{column}`, which is not a column of the file; \
         add it to the writer's columns"
    )]
    NoColumn {
        /// The file.
        file: &'static str,
        /// The family's id.
        family: String,
        /// The attribute, field or member date without a column.
        column: String,
    },
    /// Text a cell cannot hold: empty (read back as absent), or with a line
    /// break (this writer keeps each row to one line, so a file it writes can
    /// be split by lines).
    #[error(
        "{file}: family `{family}` has text in `{column}` that a cell cannot hold: it is empty, \
         which reads back as absent, or holds a line break, which this writer keeps out of its rows"
    )]
    Cell {
        /// The file.
        file: &'static str,
        /// The family's id.
        family: String,
        /// The column.
        column: String,
    },
    /// An event whose kind, or a word of whose fields, the writer's
    /// vocabulary does not have.
    #[error(
        "events.csv: event #{position} of family `{family}` has a kind or word the vocabulary \
         does not have; write families with the vocabulary they were read with"
    )]
    NotInVocabulary {
        /// The family's id.
        family: String,
        /// The event's position among the family's events.
        position: u32,
    },
    /// A member one of whose attributes holds a word the writer's
    /// vocabulary does not have.
    #[error(
        "members.csv: member `{member}` of family `{family}` has a word the vocabulary does not \
         have; write families with the vocabulary they were read with"
    )]
    AttributeNotInVocabulary {
        /// The family's id.
        family: String,
        /// The member's id.
        member: String,
    },
    /// A file could not be written.
    #[error("cannot write {file}: {source}")]
    Io {
        /// The file.
        file: &'static str,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Writes families as a CSV folder's three files, each family's rows
/// together and the families in the order written: what [`CsvFolder`]
/// reads back, with the same vocabulary, to equal families. Cells are
/// quoted only where they must be, rows end with `\n`.
pub struct CsvFolderWriter<'v, W> {
    /// `families.csv`, `members.csv` and `events.csv`.
    files: [W; 3],
    columns: CsvColumns,
    vocab: &'v Vocabulary,
    cells: csv_core::Writer,
    /// One family's rows of each file, written once all are made.
    rows: [Vec<u8>; 3],
}

impl<'v, W: std::io::Write> CsvFolderWriter<'v, W> {
    /// Writes the headers of `families.csv`, `members.csv` and `events.csv`
    /// (in that order in `files`) for families read with (or made for)
    /// `vocab`, which names their kinds and words. The files are written a
    /// family at a time: give buffered writers.
    pub fn new(
        files: [W; 3],
        columns: CsvColumns,
        vocab: &'v Vocabulary,
    ) -> Result<CsvFolderWriter<'v, W>, CsvWriteError> {
        let reserved_events = EVENT_COLUMNS.iter().chain(&RESERVED_EVENT_KEYS);
        let reserved_members = RESERVED_MEMBER_COLUMNS.iter().chain(&RESERVED_MEMBER_KEYS);
        for (part, names, reserved) in [
            (Part::Families, &columns.attributes, vec![&"family_id"]),
            (
                Part::Members,
                &columns.member_attributes,
                reserved_members.collect(),
            ),
            (Part::Events, &columns.fields, reserved_events.collect()),
        ] {
            for (index, name) in names.iter().enumerate() {
                let taken = reserved.iter().any(|reserved| **reserved == name.as_str())
                    || names.iter().take(index).any(|before| before == name);
                if taken || name.trim() != name.as_str() || name.is_empty() {
                    return Err(CsvWriteError::Column {
                        file: part.file_name(),
                        column: name.clone(),
                    });
                }
            }
        }
        let mut writer = CsvFolderWriter {
            files,
            columns,
            vocab,
            cells: csv_core::Writer::new(),
            rows: Default::default(),
        };
        let columns = &writer.columns;
        let families =
            std::iter::once("family_id").chain(columns.attributes.iter().map(String::as_str));
        let members = MEMBER_COLUMNS
            .iter()
            .take(if columns.membership { 5 } else { 3 })
            .map(|(column, _)| *column)
            .chain(columns.member_attributes.iter().map(String::as_str));
        let events = EVENT_COLUMNS
            .iter()
            .copied()
            .chain(columns.fields.iter().map(String::as_str));
        let [families_row, members_row, events_row] = &mut writer.rows;
        push_row(&mut writer.cells, families, families_row);
        push_row(
            &mut writer.cells,
            std::iter::once("family_id").chain(members),
            members_row,
        );
        push_row(&mut writer.cells, events, events_row);
        writer.flush_rows()?;
        Ok(writer)
    }

    /// Writes one family's rows; a family that cannot be written whole is
    /// refused, and nothing of it written.
    pub fn write(&mut self, family: &Family) -> Result<(), CsvWriteError> {
        let families = self.family_row(family)?;
        let mut members = Vec::with_capacity(family.members.len());
        for member in &family.members {
            members.push(self.member_row(family, member)?);
        }
        let mut events = Vec::with_capacity(family.events.len());
        for event in &family.events {
            events.push(self.event_row(family, event)?);
        }
        let [families_rows, members_rows, events_rows] = &mut self.rows;
        push_row(
            &mut self.cells,
            families.iter().map(AsRef::as_ref),
            families_rows,
        );
        for row in &members {
            push_row(&mut self.cells, row.iter().map(AsRef::as_ref), members_rows);
        }
        for row in &events {
            push_row(&mut self.cells, row.iter().map(AsRef::as_ref), events_rows);
        }
        self.flush_rows()
    }

    /// The files given to [`CsvFolderWriter::new`], to flush or finish.
    pub fn into_inner(self) -> [W; 3] {
        self.files
    }

    /// Writes the rows made, each file's to its file.
    fn flush_rows(&mut self) -> Result<(), CsvWriteError> {
        let parts = [Part::Families, Part::Members, Part::Events];
        for ((file, rows), part) in self.files.iter_mut().zip(&mut self.rows).zip(parts) {
            file.write_all(rows).map_err(|source| CsvWriteError::Io {
                file: part.file_name(),
                source,
            })?;
            rows.clear();
        }
        Ok(())
    }

    fn family_row<'f>(&self, family: &'f Family) -> Result<Vec<Cow<'f, str>>, CsvWriteError> {
        let part = Part::Families;
        if let Some(key) = family
            .attributes
            .keys()
            .find(|key| !self.columns.attributes.contains(key))
        {
            return Err(no_column(part, family, key));
        }
        let mut row = vec![cell(part, family, "family_id", &family.id)?];
        for column in &self.columns.attributes {
            row.push(match family.attributes.get(column) {
                Some(value) => cell(part, family, column, value)?,
                None => Cow::Borrowed(""),
            });
        }
        Ok(row)
    }

    fn member_row<'f>(
        &self,
        family: &'f Family,
        member: &'f Member,
    ) -> Result<Vec<Cow<'f, str>>, CsvWriteError> {
        let part = Part::Members;
        let mut row = vec![
            Cow::Borrowed(family.id.as_str()),
            cell(part, family, "member_id", &member.id)?,
            Cow::Borrowed(member.role.as_str()),
            day_cell(member.born),
        ];
        if self.columns.membership {
            row.extend([day_cell(member.joined), day_cell(member.left)]);
        } else if member.joined.is_some() || member.left.is_some() {
            let column = if member.joined.is_some() {
                "joined"
            } else {
                "left"
            };
            return Err(no_column(part, family, column));
        }
        let declared = self.vocab.member_attributes();
        let mut values = vec![Cow::Borrowed(""); self.columns.member_attributes.len()];
        for (decl, value) in declared.iter().zip(&member.attributes) {
            let Some(value) = value else { continue };
            let Some(slot) = self
                .columns
                .member_attributes
                .iter()
                .position(|name| *name == decl.name)
                .and_then(|index| values.get_mut(index))
            else {
                return Err(no_column(part, family, &decl.name));
            };
            let text =
                value
                    .to_text(&decl.ty)
                    .ok_or_else(|| CsvWriteError::AttributeNotInVocabulary {
                        family: family.id.clone(),
                        member: member.id.clone(),
                    })?;
            cell(part, family, &decl.name, &text)?;
            *slot = Cow::Owned(text);
        }
        row.extend(values);
        Ok(row)
    }

    fn event_row<'f>(
        &self,
        family: &'f Family,
        event: &'f Event,
    ) -> Result<Vec<Cow<'f, str>>, CsvWriteError>
    where
        'v: 'f,
    {
        let part = Part::Events;
        let unknown = || CsvWriteError::NotInVocabulary {
            family: family.id.clone(),
            position: event.position,
        };
        let vocab: &'v Vocabulary = self.vocab;
        let kind = vocab.get(event.kind).ok_or_else(unknown)?;
        let (date, start, end) = match kind.shape {
            Shape::Point => (Some(event.start), None, None),
            Shape::Spell => (None, Some(event.start), event.end),
        };
        let member = event.member.and_then(|index| family.member(index));
        let mut row = vec![
            Cow::Borrowed(family.id.as_str()),
            match &event.id {
                Some(id) => cell(part, family, "event_id", id)?,
                None => Cow::Borrowed(""),
            },
            Cow::Borrowed(kind.name.as_str()),
            Cow::Borrowed(member.map_or("", |member| member.id.as_str())),
            day_cell(date),
            day_cell(start),
            day_cell(end),
        ];
        row.resize(
            EVENT_COLUMNS.len() + self.columns.fields.len(),
            Cow::Borrowed(""),
        );
        for (decl, value) in kind.fields.iter().zip(&event.fields) {
            let Some(value) = value else { continue };
            let Some(index) = self
                .columns
                .fields
                .iter()
                .position(|name| *name == decl.name)
            else {
                return Err(no_column(part, family, &decl.name));
            };
            let text = value.to_text(&decl.ty).ok_or_else(unknown)?;
            cell(part, family, &decl.name, &text)?;
            if let Some(slot) = row.get_mut(EVENT_COLUMNS.len() + index) {
                *slot = Cow::Owned(text);
            }
        }
        Ok(row)
    }
}

/// A day's cell: `YYYY-MM-DD`, or empty for none.
fn day_cell(day: Option<NaiveDate>) -> Cow<'static, str> {
    day.map_or(Cow::Borrowed(""), |day| Cow::Owned(crate::date::write(day)))
}

fn no_column(part: Part, family: &Family, column: &str) -> CsvWriteError {
    CsvWriteError::NoColumn {
        file: part.file_name(),
        family: family.id.clone(),
        column: column.to_owned(),
    }
}

/// Text for a cell, if a cell can hold it so that it reads back the same.
fn cell<'t>(
    part: Part,
    family: &Family,
    column: &str,
    text: &'t str,
) -> Result<Cow<'t, str>, CsvWriteError> {
    if text.is_empty() || text.contains(['\n', '\r']) {
        return Err(CsvWriteError::Cell {
            file: part.file_name(),
            family: family.id.clone(),
            column: column.to_owned(),
        });
    }
    Ok(Cow::Borrowed(text))
}

/// Appends one row of cells to `out`, quoted as the reader's own parser
/// (`csv-core`) reads them back: only where a cell must be, a quote within
/// as `""`, and a row of one empty cell as `""`.
fn push_row<'c>(
    writer: &mut csv_core::Writer,
    cells: impl IntoIterator<Item = &'c str>,
    out: &mut Vec<u8>,
) {
    // The room each call is given is the most `csv-core` documents it
    // writes, so each call writes all it is given.
    for (index, text) in cells.into_iter().enumerate() {
        if index > 0 {
            step(out, 2, |room| writer.delimiter(room).1);
        }
        step(out, 2 * text.len() + 2, |room| {
            writer.field(text.as_bytes(), room).2
        });
    }
    step(out, 5, |room| writer.terminator(room).1);
}

/// One call of a `csv_core::Writer`, given `most` bytes of room at the end
/// of `out`; `write` says how many it wrote.
fn step(out: &mut Vec<u8>, most: usize, write: impl FnOnce(&mut [u8]) -> usize) {
    let start = out.len();
    out.resize(start + most, 0);
    let wrote = write(out.get_mut(start..).unwrap_or_default());
    out.truncate(start + wrote);
}
