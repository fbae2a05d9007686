//! Lines of bounded length from a reader: a line longer than the limit is
//! passed over to its end, never held whole.

use std::io::{BufRead, Seek, SeekFrom};

/// The UTF-8 byte-order mark some tools write at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a line starts: its byte offset and its number, from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineStart {
    pub(crate) offset: u64,
    pub(crate) line: u64,
}

/// One line read: where it starts, and whether it was longer than the
/// limit (its first bytes up to the limit are kept, the rest passed over).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub(crate) start: LineStart,
    pub(crate) too_long: bool,
}

pub(crate) struct Lines<R> {
    reader: R,
    max: usize,
    next: LineStart,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, max: usize) -> Lines<R> {
        Lines {
            reader,
            max,
            next: LineStart { offset: 0, line: 1 },
        }
    }

    /// Changes the limit for the lines still to read.
    pub(crate) fn set_max(&mut self, max: usize) {
        self.max = max;
    }

    /// Where the next line starts.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn next_start(&self) -> LineStart {
        self.next
    }

    /// Reads the next line into `bytes` (emptied first) without its `\n`
    /// and, for a line not too long, without a `\r` before it; a byte-order
    /// mark opening the input is dropped. `None` at the end.
    pub(crate) fn read(&mut self, bytes: &mut Vec<u8>) -> std::io::Result<Option<Line>> {
        bytes.clear();
        let start = self.next;
        let mut length: u64 = 0;
        let mut ended = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let (taken, newline) = match memchr::memchr(b'\n', available) {
                Some(at) => (at, true),
                None => (available.len(), false),
            };
            // Room for a mark to drop and one byte past the limit.
            let most = self.max + 1 + BOM.len();
            let kept = available
                .get(..taken.min(most.saturating_sub(bytes.len())))
                .unwrap_or_default();
            // Grown by doubling, as a Vec grows, but never past the most a
            // line keeps: doubling on from half of it would hold twice the
            // limit for a line too long.
            if bytes.capacity() - bytes.len() < kept.len() {
                let wanted = (bytes.capacity() * 2)
                    .max(bytes.len() + kept.len())
                    .min(most);
                bytes.reserve_exact(wanted - bytes.len());
            }
            bytes.extend_from_slice(kept);
            length += taken as u64;
            let consumed = taken + usize::from(newline);
            self.reader.consume(consumed);
            self.next.offset += consumed as u64;
            if newline {
                ended = true;
                break;
            }
        }
        if !ended && length == 0 {
            return Ok(None);
        }
        self.next.line += 1;
        if start.offset == 0 && bytes.starts_with(BOM) {
            bytes.drain(..BOM.len());
            length -= BOM.len() as u64;
        }
        let too_long = length > self.max as u64;
        if too_long {
            bytes.truncate(self.max);
        } else if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        Ok(Some(Line { start, too_long }))
    }
}

impl<R: BufRead + Seek> Lines<R> {
    /// Goes back (or on) to a line start given by [`Lines::next_start`].
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    pub(crate) fn seek(&mut self, start: LineStart) -> std::io::Result<()> {
        self.reader.seek(SeekFrom::Start(start.offset))?;
        self.next = start;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn all(input: &[u8], max: usize) -> Vec<(u64, u64, bool, Vec<u8>)> {
        // A tiny buffer, so lines cross buffer edges.
        let mut lines = Lines::new(std::io::BufReader::with_capacity(3, input), max);
        let mut bytes = Vec::new();
        let mut found = Vec::new();
        while let Some(line) = lines.read(&mut bytes).unwrap() {
            found.push((
                line.start.line,
                line.start.offset,
                line.too_long,
                bytes.clone(),
            ));
        }
        found
    }

    #[test]
    fn lines_are_cut_at_the_limit_and_counted_whole() {
        let found = all(b"abcd\nabcde\r\n\nab", 4);
        assert_eq!(
            found,
            vec![
                (1, 0, false, b"abcd".to_vec()),
                (2, 5, true, b"abcd".to_vec()),
                (3, 12, false, Vec::new()),
                (4, 13, false, b"ab".to_vec()),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_opening_the_input_is_dropped_and_not_counted() {
        let found = all(b"\xEF\xBB\xBFabcd\n\xEF\xBB\xBFx", 4);
        assert_eq!(found[0], (1, 0, false, b"abcd".to_vec()));
        // Only at the start of the input.
        assert_eq!(found[1].3, b"\xEF\xBB\xBFx".to_vec());
    }
}
