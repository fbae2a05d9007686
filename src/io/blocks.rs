//! A cohort in blocks of records, for a pipeline: one thread reads blocks
//! (the cheap part), other threads turn each into its records
//! ([`Block::into_records`]) and decide them. JSON Lines is read in blocks
//! of whole lines, split into records by the thread that decides them; a
//! CSV folder in blocks of families whose rows are cut apart, split into
//! cells by that thread; a JSON array record by record, a batch of records
//! a block.

use super::lines::BOM;
use super::{Input, InputError, MAX_RECORD_BYTES, Record, Records};
use std::io::Read;
use std::path::Path;

/// The blocks of a cohort, in input order; a fault of the input ends them.
pub type Blocks = Box<dyn Iterator<Item = Result<Block, InputError>> + Send>;

/// Some records of a cohort, in input order, not yet split apart.
pub struct Block(Content);

enum Content {
    /// Whole lines of JSON Lines.
    Lines(Lines),
    /// Records read one by one.
    Records(Vec<Record>),
    /// Families of a CSV folder, their rows not yet split into cells.
    #[cfg(feature = "csv")]
    Csv(super::csv::CsvBlock),
}

/// Whole lines of JSON Lines, each with its `\n` (but perhaps the input's
/// last), or one line longer than the limit, not kept.
struct Lines {
    bytes: Vec<u8>,
    /// The number of the first line, from 1.
    first_line: u64,
    /// The most bytes a line may take.
    max: usize,
    too_long: bool,
}

/// How many bytes of JSON Lines (or of a CSV folder's rows) a block holds,
/// about: enough that handing a block between threads costs nothing next
/// to deciding it, few enough that the blocks in flight stay a few
/// megabytes.
const BLOCK_BYTES: usize = 256 * 1024;
/// How many records read one by one a block holds at most.
const BATCH: usize = 128;
/// The input bytes such a block holds at most (a block holds at least one
/// record): records may each be as large as [`MAX_RECORD_BYTES`].
const BATCH_BYTES: usize = 8 * 1024 * 1024;
/// How many bytes are asked of the reader at a time.
const READ_BYTES: usize = 128 * 1024;

impl Block {
    /// The block's records, in input order: for JSON Lines the very records
    /// [`super::JsonLines`] gives, with their lines.
    pub fn into_records(self) -> Vec<Record> {
        match self.0 {
            Content::Records(records) => records,
            Content::Lines(lines) => lines.records(),
            #[cfg(feature = "csv")]
            Content::Csv(families) => families.into_records(),
        }
    }
}

impl Lines {
    fn records(self) -> Vec<Record> {
        if self.too_long {
            return vec![Record {
                line: self.first_line,
                input: Input::TooLarge { limit: self.max },
            }];
        }
        let mut records = Vec::new();
        let mut rest = self.bytes.as_slice();
        let mut line = self.first_line;
        while !rest.is_empty() {
            let (mut text, after) = match memchr::memchr(b'\n', rest) {
                Some(at) => (rest.get(..at), rest.get(at + 1..)),
                None => (Some(rest), None),
            };
            rest = after.unwrap_or_default();
            if line == 1 {
                text = text.map(|text| text.strip_prefix(BOM).unwrap_or(text));
            }
            let text = text.unwrap_or_default();
            let input = if text.len() > self.max {
                Some(Input::TooLarge { limit: self.max })
            } else {
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                Input::of_json_line(text.to_vec())
            };
            if let Some(input) = input {
                records.push(Record { line, input });
            }
            line += 1;
        }
        records
    }
}

/// JSON Lines read a block of whole lines at a time. Memory holds a block
/// and at most one line past it, and a line longer than the limit is
/// passed over to its end, never held whole.
struct LineBlocks<R> {
    reader: R,
    max: usize,
    block: usize,
    /// The bytes read past the last block: the start of a line, or lines.
    carry: Vec<u8>,
    /// Where the last `\n` in `carry` is, if one.
    last_break: Option<usize>,
    next_line: u64,
    /// Within a line found too long: its bytes up to its `\n` are dropped.
    skipping: bool,
    done: bool,
}

impl<R: Read> LineBlocks<R> {
    fn new(reader: R, max: usize, block: usize) -> LineBlocks<R> {
        LineBlocks {
            reader,
            max,
            block,
            carry: Vec::new(),
            last_break: None,
            next_line: 1,
            skipping: false,
            done: false,
        }
    }

    /// Takes the carried bytes up to `end`, a line start, as a block.
    fn take(&mut self, end: usize) -> Block {
        let rest = self.carry.split_off(end);
        let bytes = std::mem::replace(&mut self.carry, rest);
        self.last_break = None;
        let first_line = self.next_line;
        self.next_line += memchr::memchr_iter(b'\n', &bytes).count() as u64;
        Block(Content::Lines(Lines {
            bytes,
            first_line,
            max: self.max,
            too_long: false,
        }))
    }

    fn next_block(&mut self) -> Result<Option<Block>, InputError> {
        loop {
            let start = self.carry.len();
            // Room for the whole block at once: growing by doubling would
            // leave each block in flight holding up to twice its bytes.
            if self.carry.capacity() - start < READ_BYTES {
                self.carry
                    .reserve_exact(self.block.max(start) + READ_BYTES - start);
            }
            let read = (&mut self.reader)
                .take(READ_BYTES as u64)
                .read_to_end(&mut self.carry)
                .map_err(|source| InputError::Io { file: None, source })?;
            if read == 0 {
                self.done = true;
                let end = self.carry.len();
                return Ok((end > 0).then(|| self.take(end)));
            }
            let mut searched = start;
            if self.skipping {
                let Some(at) = memchr::memchr(b'\n', &self.carry) else {
                    self.carry.clear();
                    continue;
                };
                self.carry.drain(..=at);
                self.skipping = false;
                self.next_line += 1;
                searched = 0;
            }
            if let Some(at) = self
                .carry
                .get(searched..)
                .and_then(|fresh| memchr::memrchr(b'\n', fresh))
            {
                self.last_break = Some(searched + at);
            }
            // The line after the last break, or a line with no break yet,
            // past the limit (and a mark to drop) is too long whatever
            // follows: the lines before it are handed on, it is passed over.
            let past_limit = |from: usize| self.carry.len() - from > self.max + BOM.len();
            match self.last_break {
                Some(at) if self.carry.len() >= self.block || past_limit(at + 1) => {
                    return Ok(Some(self.take(at + 1)));
                }
                None if past_limit(0) => {
                    self.carry.clear();
                    self.skipping = true;
                    return Ok(Some(Block(Content::Lines(Lines {
                        bytes: Vec::new(),
                        first_line: self.next_line,
                        max: self.max,
                        too_long: true,
                    }))));
                }
                _ => {}
            }
        }
    }
}

impl<R: Read> Iterator for LineBlocks<R> {
    type Item = Result<Block, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let block = self.next_block();
        if block.is_err() {
            self.done = true;
        }
        block.transpose()
    }
}

/// Batches of records read one by one; a fault comes after the records
/// before it.
struct Batches {
    records: Records,
    fault: Option<InputError>,
}

impl Iterator for Batches {
    type Item = Result<Block, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(fault) = self.fault.take() {
            return Some(Err(fault));
        }
        let mut batch = Vec::with_capacity(BATCH);
        let mut bytes = 0;
        while batch.len() < BATCH && bytes < BATCH_BYTES {
            match self.records.next() {
                Some(Ok(record)) => {
                    bytes += record.size();
                    batch.push(record);
                }
                Some(Err(fault)) if batch.is_empty() => return Some(Err(fault)),
                Some(Err(fault)) => {
                    self.fault = Some(fault);
                    break;
                }
                None => break,
            }
        }
        (!batch.is_empty()).then_some(Ok(Block(Content::Records(batch))))
    }
}

/// The blocks of records read one by one.
pub fn batches(records: Records) -> Blocks {
    Box::new(Batches {
        records,
        fault: None,
    })
}

/// The blocks of JSON Lines, with the limit of [`MAX_RECORD_BYTES`] a line:
/// the same records as [`super::JsonLines`].
pub fn json_lines_blocks(reader: impl Read + Send + 'static) -> Blocks {
    Box::new(LineBlocks::new(reader, MAX_RECORD_BYTES, BLOCK_BYTES))
}

/// The blocks of a CSV folder, of about [`BLOCK_BYTES`] of rows each.
#[cfg(feature = "csv")]
fn csv_folder_blocks(mut folder: super::CsvFolder) -> Blocks {
    Box::new(std::iter::from_fn(move || {
        let block = folder.next_block(BLOCK_BYTES)?;
        Some(block.map(|families| Block(Content::Csv(families))))
    }))
}

/// Opens a cohort by path in blocks, as [`super::open`] opens it: JSON
/// Lines in blocks of lines, a folder in blocks of families, a `.json`
/// array in batches.
pub fn open_blocks(path: &Path) -> Result<Blocks, InputError> {
    #[cfg(feature = "csv")]
    if path.is_dir() {
        return super::CsvFolder::open(path).map(csv_folder_blocks);
    }
    if path.is_dir() || path.extension().is_some_and(|ext| ext == "json") {
        return super::open(path).map(batches);
    }
    let file = std::fs::File::open(path).map_err(|source| InputError::Io { file: None, source })?;
    Ok(json_lines_blocks(file))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::io::JsonLines;
    use proptest::prelude::*;

    /// A record as far as it can be told apart: its line, and its text or
    /// the limit it went past.
    fn seen(record: &Record) -> (u64, Result<String, usize>) {
        let input = match &record.input {
            Input::Json(text) => Ok(text.clone()),
            Input::TooLarge { limit } => Err(*limit),
            #[cfg(feature = "csv")]
            Input::Csv(_) => unreachable!("JSON Lines only"),
        };
        (record.line, input)
    }

    /// A reader that gives a few bytes at a time, so lines cross reads.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let take = self.1.min(self.0.len()).min(buffer.len());
            let (now, rest) = self.0.split_at(take);
            buffer.get_mut(..take).unwrap().copy_from_slice(now);
            self.0 = rest;
            Ok(take)
        }
    }

    fn line() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"{\"id\":\"F1\"}".to_vec()),
            Just(b"  ".to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\xEF\xBB\xBF{}".to_vec()),
            Just(b"\xFF\xFE".to_vec()),
            proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'\r'), Just(b' ')], 0..30),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Whatever the lines, the limit, the block size and how the reader
        /// cuts its bytes, the blocks hold the records `JsonLines` reads,
        /// with the same lines.
        #[test]
        fn blocks_give_the_records_json_lines_gives(
            lines in proptest::collection::vec(line(), 0..40),
            last_break in any::<bool>(),
            max in 0usize..24,
            block in 1usize..64,
            trickle in 1usize..20,
        ) {
            let mut input = lines.join(&b'\n');
            if last_break {
                input.push(b'\n');
            }
            let expected: Vec<_> = JsonLines::new(input.as_slice())
                .max_record_bytes(max)
                .map(|record| seen(&record.unwrap()))
                .collect();
            let found: Vec<_> = LineBlocks::new(Trickle(&input, trickle), max, block)
                .flat_map(|block| block.unwrap().into_records())
                .map(|record| seen(&record))
                .collect();
            prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn a_line_past_the_limit_is_never_held_whole() {
        let mut input = b"{}\n".to_vec();
        input.extend(std::iter::repeat_n(b'a', 10_000));
        input.extend(b"\n{}");
        let mut blocks = LineBlocks::new(Trickle(&input, 7), 100, 1 << 20);
        let mut most = 0;
        let mut records = Vec::new();
        while let Some(block) = blocks.next() {
            most = most.max(blocks.carry.capacity());
            records.extend(block.unwrap().into_records().iter().map(seen));
        }
        assert!(most < 400, "held {most} bytes");
        assert_eq!(
            records,
            vec![(1, Ok("{}".into())), (2, Err(100)), (3, Ok("{}".into()))]
        );
    }
}
