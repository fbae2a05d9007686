//! Peak heap of the streaming readers, measured by `dhat` in this test
//! binary alone: reading and deciding a cohort holds a family at a time, so
//! the peak does not grow with the number of families; and a record over
//! the limit is refused without being held whole.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufReader, Read};
use tfop::Plan;
use tfop::io::{JsonLines, MAX_RECORD_BYTES, SeenFamilies};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// JSON Lines made as they are read, never held: `count` families cycled
/// from the example cohort's (generated) ones, each under an id of its own.
struct Cohort {
    /// Each template family's line, split around its id.
    templates: Vec<(String, String)>,
    count: usize,
    next: usize,
    line: Vec<u8>,
    at: usize,
}

impl Cohort {
    fn new(count: usize) -> Cohort {
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
        }
    }
}

impl Read for Cohort {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.line.len() {
            if self.next == self.count {
                return Ok(0);
            }
            let (before, after) = &self.templates[self.next % self.templates.len()];
            self.line.clear();
            self.line.extend_from_slice(before.as_bytes());
            self.line
                .extend_from_slice(format!("\"G{:07}\"", self.next).as_bytes());
            self.line.extend_from_slice(after.as_bytes());
            self.line.push(b'\n');
            self.at = 0;
            self.next += 1;
        }
        let n = out.len().min(self.line.len() - self.at);
        out[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn decide_all(plan: &Plan, count: usize) -> usize {
    let as_of = chrono::NaiveDate::from_ymd_opt(2016, 11, 30).unwrap();
    let mut seen = SeenFamilies::default();
    let mut decided = 0;
    for record in JsonLines::new(BufReader::new(Cohort::new(count))) {
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

#[test]
fn peak_heap_is_flat_in_the_families_decided_and_a_long_line_is_never_held() {
    let _profiler = dhat::Profiler::builder()
        .testing()
        // One frame a block is enough for its size, and keeps the test fast.
        .trim_backtraces(Some(1))
        .build();
    let plan = Plan::parse(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/plans/national-phase2.tfop"
        ))
        .unwrap(),
    )
    .unwrap();

    // Ten times the families: only the set of ids read grows, by the id
    // and 15 to 25 bytes a family (README, Memory), and by one of its
    // 64 KiB chunks at a time. Holding the families read, or their lines,
    // would take kilobytes a family.
    let (few, many) = (250, 2_500);
    assert_eq!(decide_all(&plan, few), few);
    let after_few = peak();
    assert_eq!(decide_all(&plan, many), many);
    let after_many = peak();
    let id_set = (many - few) * (8 + 25) + 64 * 1024;
    assert!(
        after_many <= after_few + id_set,
        "peak heap {after_few} bytes for {few} families, {after_many} for {many}: \
         more than the {id_set} bytes the ids read may take"
    );

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
