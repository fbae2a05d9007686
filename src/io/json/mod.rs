//! Families as JSON: one family read and written ([`family`]), JSON Lines,
//! one family a line, read and written, and a JSON array read item by item.

mod family;
mod repeats;
pub(in crate::io) mod typed;

pub use family::{family_from_json, family_from_value, family_to_value};
pub(crate) use repeats::repeated_keys;

use super::lines::{BOM, Lines};
use super::{Input, InputError, MAX_RECORD_BYTES, Record};
use crate::family::Family;
use crate::vocab::Vocabulary;
use std::io::{BufRead, Write};

/// The families of JSON Lines, one a line; blank lines are passed over, a
/// byte-order mark opening the input is dropped. A line that is not JSON, or
/// not UTF-8, is one refused record, not the end of the reading.
pub struct JsonLines<R> {
    lines: Lines<R>,
    bytes: Vec<u8>,
    max: usize,
}

impl<R: BufRead> JsonLines<R> {
    /// Reads `reader` with the limit of [`MAX_RECORD_BYTES`] a line.
    pub fn new(reader: R) -> JsonLines<R> {
        JsonLines {
            lines: Lines::new(reader, MAX_RECORD_BYTES),
            bytes: Vec::new(),
            max: MAX_RECORD_BYTES,
        }
    }

    /// The most bytes a line may take (not counting its `\n`); a longer
    /// line is refused without being held in memory.
    pub fn max_record_bytes(mut self, max: usize) -> JsonLines<R> {
        self.lines.set_max(max);
        self.max = max;
        self
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = match self.lines.read(&mut self.bytes) {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(source) => return Some(Err(InputError::Io { file: None, source })),
            };
            let input = if line.too_long {
                Input::TooLarge { limit: self.max }
            } else {
                match Input::of_json_line(std::mem::take(&mut self.bytes)) {
                    Some(input) => input,
                    None => continue,
                }
            };
            return Some(Ok(Record {
                line: line.start.line,
                input,
            }));
        }
    }
}

/// Writes families as JSON Lines, one a line, each as [`family_to_value`]
/// gives it: what [`JsonLines`] reads back, with the same vocabulary, to
/// equal families.
pub struct JsonLinesWriter<'v, W> {
    out: W,
    vocab: &'v Vocabulary,
}

impl<'v, W: Write> JsonLinesWriter<'v, W> {
    /// Writes to `out` families read with (or made for) `vocab`, which
    /// names their kinds and words. `out` is written a line at a time: give
    /// a buffered writer.
    pub fn new(out: W, vocab: &'v Vocabulary) -> JsonLinesWriter<'v, W> {
        JsonLinesWriter { out, vocab }
    }

    /// Writes one family and its line break.
    pub fn write(&mut self, family: &Family) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, &family_to_value(family, self.vocab))?;
        self.out.write_all(b"\n")
    }

    /// The writer given to [`JsonLinesWriter::new`], to flush or finish.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Where the reading of an array is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the `[`.
    Start,
    /// After the `[`: an item or `]`.
    First,
    /// After a `,`: an item.
    Item,
    /// After the `]`, or after a fault.
    Done,
}

/// The families of a `.json` file holding one array of them, read item by
/// item: memory holds one family, never the file. The array's items are
/// found by their brackets and quotes, then each is read as a family on
/// its own, so a family that is not valid JSON is one refused record. A
/// file that is not one whole array stops the reading with
/// [`InputError::NotAnArray`] where the fault is.
pub struct JsonArray<R> {
    reader: R,
    max: usize,
    state: State,
    line: u64,
    column: u64,
    /// Whether the first bytes were looked at for a byte-order mark.
    started: bool,
}

impl<R: BufRead> JsonArray<R> {
    /// Reads `reader` with the limit of [`MAX_RECORD_BYTES`] an item.
    pub fn new(reader: R) -> JsonArray<R> {
        JsonArray {
            reader,
            max: MAX_RECORD_BYTES,
            state: State::Start,
            line: 1,
            column: 1,
            started: false,
        }
    }

    /// The most bytes an item may take, from its first byte to the `,` or
    /// `]` after it; a larger item is refused without being held in memory.
    pub fn max_record_bytes(self, max: usize) -> JsonArray<R> {
        JsonArray { max, ..self }
    }

    fn fault(&mut self, problem: &str) -> InputError {
        self.state = State::Done;
        InputError::NotAnArray {
            line: self.line,
            column: self.column,
            problem: problem.to_owned(),
        }
    }

    fn io(&mut self, source: std::io::Error) -> InputError {
        self.state = State::Done;
        InputError::Io { file: None, source }
    }

    /// The next byte, not taken; `None` at the end.
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if !self.started {
            self.started = true;
            let available = self.reader.fill_buf()?;
            if available.starts_with(BOM) {
                self.reader.consume(BOM.len());
            } else if BOM.starts_with(available) && !available.is_empty() {
                // A mark cut by the buffer's edge: read it byte by byte.
                let mut head = [0u8; 3];
                let mut kept = 0;
                while kept < BOM.len() {
                    let available = self.reader.fill_buf()?;
                    let Some(&byte) = available.first() else {
                        break;
                    };
                    if BOM.get(kept) != Some(&byte) {
                        break;
                    }
                    if let Some(slot) = head.get_mut(kept) {
                        *slot = byte;
                    }
                    kept += 1;
                    self.reader.consume(1);
                }
                if kept != BOM.len() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the file starts with bytes that are not JSON",
                    ));
                }
            }
        }
        Ok(self.reader.fill_buf()?.first().copied())
    }

    fn advance(&mut self, byte: u8) {
        self.reader.consume(1);
        if byte == b'\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
    }

    /// Passes over whitespace; the byte after it, not taken.
    fn skip_whitespace(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(byte) if byte.is_ascii_whitespace() => self.advance(byte),
                other => return Ok(other),
            }
        }
    }

    /// Reads one item, up to the `,` or `]` after it (taken); `Ok(None)` for
    /// an item longer than the limit. Brackets and quotes are followed only
    /// to find the item's end; the item is checked as JSON when it is read
    /// as a family.
    fn item(&mut self) -> Result<(Option<String>, bool), InputError> {
        let mut bytes = Vec::new();
        let mut length = 0usize;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(error) => return Err(self.io(error)),
            };
            if available.is_empty() {
                return Err(self.fault(
                    "the file ends inside the array; a .json file must hold one whole array of families",
                ));
            }
            // Scans what is buffered, stopping after the item's end.
            let mut end = None;
            let mut lines = 0u64;
            let mut column = self.column;
            let mut scanned = 0;
            for &byte in available {
                scanned += 1;
                if byte == b'\n' {
                    lines += 1;
                    column = 1;
                } else {
                    column += 1;
                }
                if in_string {
                    match (escaped, byte) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match byte {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' | b']' if depth == 0 => {
                        end = Some(byte == b']');
                        break;
                    }
                    _ => {}
                }
            }
            let content = scanned - usize::from(end.is_some());
            if length <= self.max {
                let room = (self.max + 1).saturating_sub(bytes.len());
                bytes.extend(available.iter().take(content.min(room)));
            }
            length = length.saturating_add(content);
            self.reader.consume(scanned);
            self.line += lines;
            self.column = column;
            if let Some(last) = end {
                if length > self.max {
                    return Ok((None, last));
                }
                let text = String::from_utf8(bytes).unwrap_or_else(|_| "\u{FFFD}".to_string());
                return Ok((Some(text), last));
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonArray<R> {
    type Item = Result<Record, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let next = match self.skip_whitespace() {
                Ok(next) => next,
                Err(error) => return Some(Err(self.io(error))),
            };
            match (self.state, next) {
                (State::Done, None) => return None,
                (State::Done, Some(_)) => {
                    return Some(Err(self.fault(
                        "there is more after the array; a .json file holds one array",
                    )));
                }
                (State::Start, Some(b'[')) => {
                    self.advance(b'[');
                    self.state = State::First;
                }
                (State::Start, _) => {
                    return Some(Err(self.fault(
                        "a .json file must hold an array of families: `[` first, then the families",
                    )));
                }
                (State::First, Some(b']')) => {
                    self.advance(b']');
                    self.state = State::Done;
                }
                (State::First | State::Item, None) => {
                    return Some(Err(self.fault(
                        "the file ends inside the array; a .json file must hold one whole array of families",
                    )));
                }
                (State::First | State::Item, Some(b',' | b']')) => {
                    return Some(Err(self.fault(
                        "a family is missing here: families are separated by single commas, with none after the last",
                    )));
                }
                (State::First | State::Item, Some(_)) => {
                    let line = self.line;
                    return Some(match self.item() {
                        Ok((text, last)) => {
                            self.state = if last { State::Done } else { State::Item };
                            let input = match text {
                                Some(text) => Input::Json(text),
                                None => Input::TooLarge { limit: self.max },
                            };
                            Ok(Record { line, input })
                        }
                        Err(error) => Err(error),
                    });
                }
            }
        }
    }
}
