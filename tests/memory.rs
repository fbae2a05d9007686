//! Peak heap of the streaming readers, measured by `dhat` in this test
//! binary alone: reading and deciding a cohort (JSON Lines, a `.json`
//! array, a CSV folder) holds a family at a time, so the peak does not grow
//! with the number of families; and a record over the limit is refused
//! without being held whole.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufReader, Read, Write};
use std::sync::{Mutex, PoisonError};
use tfop::Plan;
use tfop::io::{
    CsvFolder, InputError, JsonArray, JsonLines, MAX_RECORD_BYTES, Record, SeenFamilies,
};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// The heap is one count for the whole binary, and one profiler may run at
/// a time: each test measures holding this.
static MEASURING: Mutex<()> = Mutex::new(());

/// JSON Lines (or, `array`, one JSON array) made as it is read, never held:
/// `count` families cycled from the example cohort's (generated) ones, each
/// under an id of its own.
struct Cohort {
    /// Each template family's line, split around its id.
    templates: Vec<(String, String)>,
    count: usize,
    next: usize,
    line: Vec<u8>,
    at: usize,
    array: bool,
}

impl Cohort {
    fn lines(count: usize) -> Cohort {
        Cohort::new(count, false)
    }

    fn array(count: usize) -> Cohort {
        Cohort::new(count, true)
    }

    fn new(count: usize, array: bool) -> Cohort {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/cohort/families.jsonl"
        ))
        .unwrap();
        let templates = text
            .lines()
            .map(|line| {
                let mut family: serde_json::Value = serde_json::from_str(line).unwrap();
                family["id"] = "{ID}".into();
                family["events"].as_array_mut().unwrap().truncate(8);
                let line = family.to_string();
                let (before, after) = line.split_once("\"{ID}\"").unwrap();
                (before.to_owned(), after.to_owned())
            })
            .collect();
        Cohort {
            templates,
            count,
            next: 0,
            line: Vec::new(),
            at: 0,
            array,
        }
    }
}

impl Read for Cohort {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.line.len() {
            // A line a family, and for an array its `]` after them.
            let end = self.count + usize::from(self.array);
            if self.next == end {
                return Ok(0);
            }
            self.line.clear();
            if self.next == self.count {
                self.line.extend_from_slice(b"]\n");
            } else {
                if self.array {
                    self.line.push(if self.next == 0 { b'[' } else { b',' });
                }
                let (before, after) = &self.templates[self.next % self.templates.len()];
                self.line.extend_from_slice(before.as_bytes());
                self.line
                    .extend_from_slice(format!("\"G{:07}\"", self.next).as_bytes());
                self.line.extend_from_slice(after.as_bytes());
                self.line.push(b'\n');
            }
            self.at = 0;
            self.next += 1;
        }
        let n = out.len().min(self.line.len() - self.at);
        out[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A CSV folder of `count` families written to a folder of its own under
/// the temporary directory (on disk, not the heap): the example cohort's
/// CSV families cycled, each with its first 8 events, under an id of its
/// own. Removed when dropped.
struct CsvCohort {
    folder: std::path::PathBuf,
}

impl CsvCohort {
    fn new(count: usize) -> CsvCohort {
        let folder =
            std::env::temp_dir().join(format!("tfop-memory-{}-{count}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        for (file, rows_a_family) in [
            ("families.csv", usize::MAX),
            ("members.csv", usize::MAX),
            ("events.csv", 8),
        ] {
            let text = std::fs::read_to_string(
                std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/cohort/csv"))
                    .join(file),
            )
            .unwrap();
            let mut lines = text.lines();
            let header = lines.next().unwrap();
            // Each template family's rows, without the id opening each.
            let mut templates: Vec<(&str, Vec<&str>)> = Vec::new();
            for line in lines {
                let (id, rest) = line.split_once(',').unwrap();
                match templates.last_mut() {
                    Some((last, rows)) if *last == id => rows.push(rest),
                    _ => templates.push((id, vec![rest])),
                }
            }
            let mut out =
                std::io::BufWriter::new(std::fs::File::create(folder.join(file)).unwrap());
            writeln!(out, "{header}").unwrap();
            for next in 0..count {
                let (_, rows) = &templates[next % templates.len()];
                for row in rows.iter().take(rows_a_family) {
                    writeln!(out, "G{next:07},{row}").unwrap();
                }
            }
            out.flush().unwrap();
        }
        CsvCohort { folder }
    }
}

impl Drop for CsvCohort {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// Reads and decides every record, refusing a family read twice as `tfop
/// eval` does; the count decided.
fn decide_all(plan: &Plan, records: impl Iterator<Item = Result<Record, InputError>>) -> usize {
    let as_of = chrono::NaiveDate::from_ymd_opt(2016, 11, 30).unwrap();
    let mut seen = SeenFamilies::default();
    let mut decided = 0;
    for record in records {
        let record = record.unwrap();
        let read = record.read(plan.vocabulary());
        let id = read.as_ref().map(|family| family.id.as_str()).ok();
        let family = seen.admit(&record, id).and(read).unwrap();
        let decision = plan.evaluate(&family, as_of);
        assert_eq!(decision.family, family.id);
        decided += 1;
    }
    decided
}

/// One line of JSON Lines far over the limit (a family padded to four
/// times [`MAX_RECORD_BYTES`]), then a family: made as it is read.
struct LongLine {
    left: usize,
    tail: &'static [u8],
}

impl Read for LongLine {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.left > 0 {
            let n = out.len().min(self.left);
            out[..n].fill(b' ');
            self.left -= n;
            return Ok(n);
        }
        let n = out.len().min(self.tail.len());
        out[..n].copy_from_slice(&self.tail[..n]);
        self.tail = &self.tail[n..];
        Ok(n)
    }
}

fn peak() -> usize {
    dhat::HeapStats::get().max_bytes
}

/// A profiler counting the heap from now until it is dropped.
fn profiler() -> dhat::Profiler {
    dhat::Profiler::builder()
        .testing()
        // One frame a block is enough for its size, and keeps the test fast.
        .trim_backtraces(Some(1))
        .build()
}

fn national_plan() -> Plan {
    Plan::parse(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/plans/national-phase2.tfop"
        ))
        .unwrap(),
    )
    .unwrap()
}

/// The families of each cohort's two sizes: ten times as many.
const FEW: usize = 250;
const MANY: usize = 2_500;

/// The bytes a family the set of ids read grows by: the id (8 bytes here)
/// and 15 to 25 bytes (README, Memory).
const ID_SET: usize = 8 + 25;

/// Reads and decides [`FEW`] families of `input`, then [`MANY`], and fails
/// unless the peak heap after the many is within `a_family` bytes a family
/// more of the peak after the few, and one 64 KiB chunk of the set of ids
/// read. Holding the families read, or their lines, would take kilobytes a
/// family. The peak after the many.
fn assert_flat<I: Iterator<Item = Result<Record, InputError>>>(
    name: &str,
    a_family: usize,
    plan: &Plan,
    input: impl Fn(usize) -> I,
) -> usize {
    assert_eq!(decide_all(plan, input(FEW)), FEW);
    let after_few = peak();
    assert_eq!(decide_all(plan, input(MANY)), MANY);
    let after_many = peak();
    let ids = (MANY - FEW) * a_family + 64 * 1024;
    assert!(
        after_many <= after_few + ids,
        "{name}: peak heap {after_few} bytes for {FEW} families, {after_many} for {MANY}: \
         more than the {ids} bytes the ids read may take"
    );
    after_many
}

#[test]
fn peak_heap_is_flat_in_the_families_decided_and_a_long_line_is_never_held() {
    let _measuring = MEASURING.lock().unwrap_or_else(PoisonError::into_inner);
    let _profiler = profiler();
    let plan = national_plan();

    let after_many = assert_flat("JSON Lines", ID_SET, &plan, |count| {
        JsonLines::new(BufReader::new(Cohort::lines(count)))
    });

    // A line four times the limit is refused by its line number, and the
    // next is read; at most the limit's bytes of it were held.
    let line = 4 * MAX_RECORD_BYTES;
    let mut records = JsonLines::new(BufReader::new(LongLine {
        left: line,
        tail: b"\n{\"id\": \"F2\", \"members\": [], \"events\": []}\n",
    }));
    let refused = records.next().unwrap().unwrap();
    assert_eq!(refused.line(), 1);
    assert!(refused.read(plan.vocabulary()).is_err());
    let next = records.next().unwrap().unwrap();
    assert_eq!(next.read(plan.vocabulary()).unwrap().id, "F2");
    assert!(records.next().is_none());
    let after_line = peak();
    assert!(
        after_line <= after_many + MAX_RECORD_BYTES + 64 * 1024,
        "peak heap {after_line} bytes reading a line of {line} bytes over a limit of \
         {MAX_RECORD_BYTES}: more than the limit held (before it, {after_many})"
    );
}

#[test]
fn a_json_array_is_read_a_family_at_a_time() {
    let _measuring = MEASURING.lock().unwrap_or_else(PoisonError::into_inner);
    let _profiler = profiler();
    let plan = national_plan();

    assert_flat("a JSON array", ID_SET, &plan, |count| {
        JsonArray::new(BufReader::new(Cohort::array(count)))
    });
}

#[test]
fn a_csv_folder_is_read_a_family_at_a_time() {
    let _measuring = MEASURING.lock().unwrap_or_else(PoisonError::into_inner);
    // Written before the count starts: the files are the input, not its heap.
    let (few, many) = (CsvCohort::new(FEW), CsvCohort::new(MANY));
    let _profiler = profiler();
    let plan = national_plan();

    // Opening the folder reads every id once, to find a family families.csv
    // lists twice before the first is decided: in a set as compact as the
    // one `eval` keeps (measured 8,690 bytes more for 2,250 more; a map of
    // ids with their lines took 286,170).
    assert_flat("a CSV folder", ID_SET, &plan, |count| {
        CsvFolder::open(if count == FEW {
            &few.folder
        } else {
            &many.folder
        })
        .unwrap()
    });
}
