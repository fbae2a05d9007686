//! The floor under `tfop eval`: a cohort only opened, split into records
//! and read into the engine's own input type ([`tfop::Family`]) on one
//! thread, deciding and writing nothing. Its time over `tfop eval -o FILE`'s
//! on the same input is E (parse-only ÷ end to end).
//!
//! `cargo bench --bench read -- COHORT [PLAN]` reads a cohort file or CSV
//! folder as `tfop eval` opens it, against PLAN's vocabulary (national phase
//! 2 if none), and prints the time, families and events a second. Without
//! a cohort it reads the 50 families of `examples/cohort` copied 2,000
//! times, as JSON Lines and as a CSV folder (read from memory). Every
//! record must read: a bench of refusals would time the careful reader, not
//! the floor.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Instant;
use tfop::Plan;
use tfop::io::{CsvFolder, JsonLines, Records};

const NATIONAL_PHASE2: &str = include_str!("../examples/plans/national-phase2.tfop");

/// Families and events read; panics at a refused record.
fn read_all(plan: &Plan, records: Records) -> (u64, u64) {
    let (mut families, mut events) = (0u64, 0u64);
    for record in records {
        let record = record.expect("the cohort splits into records");
        let family = record
            .read(plan.vocabulary())
            .unwrap_or_else(|_| panic!("the family at line {} is refused", record.line()));
        families += 1;
        events += family.events.len() as u64;
    }
    (families, events)
}

fn main() {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let plan_text = match args.get(1) {
        Some(path) => std::fs::read_to_string(path).expect("the plan can be read"),
        None => NATIONAL_PHASE2.to_owned(),
    };
    let plan = Plan::parse(&plan_text).unwrap_or_else(|_| panic!("the plan does not check"));
    let started = Instant::now();
    let (families, events) = match args.first() {
        Some(cohort) => {
            let records = tfop::io::open(Path::new(cohort)).expect("the cohort opens");
            read_all(&plan, records)
        }
        None => {
            let example = include_str!("../examples/cohort/families.jsonl");
            let cohort: String = (0..COPIES)
                .map(|copy| example.replace("\"id\":\"F-", &format!("\"id\":\"F{copy}-")))
                .collect();
            let started = Instant::now();
            let counts = read_all(
                &plan,
                Box::new(JsonLines::new(std::io::Cursor::new(cohort.into_bytes()))),
            );
            report("JSON Lines", started, counts);
            let [families, members, events] = [
                include_str!("../examples/cohort/csv/families.csv"),
                include_str!("../examples/cohort/csv/members.csv"),
                include_str!("../examples/cohort/csv/events.csv"),
            ]
            .map(copies);
            let started = Instant::now();
            let folder =
                CsvFolder::from_bytes(families, members, events).expect("the folder opens");
            let counts = read_all(&plan, Box::new(folder));
            report("CSV folder", started, counts);
            return;
        }
    };
    report("parse only", started, (families, events));
}

/// How many times the example cohort is read.
const COPIES: usize = 2_000;

/// A file of the example CSV folder with its rows copied [`COPIES`] times,
/// each copy's family ids its own (every data row opens with its id).
fn copies(file: &str) -> Vec<u8> {
    let (header, rows) = file.split_once('\n').expect("a header");
    let mut out = format!("{header}\n");
    for copy in 0..COPIES {
        for row in rows.lines() {
            out.push_str(&row.replacen("F-", &format!("F{copy}-"), 1));
            out.push('\n');
        }
    }
    out.into_bytes()
}

fn report(what: &str, started: Instant, (families, events): (u64, u64)) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{what}: {families} families, {events} events in {seconds:.3} s: \
         {:.0} families/s, {:.0} events/s",
        families as f64 / seconds,
        events as f64 / seconds
    );
}
