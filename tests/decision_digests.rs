//! The shipped example families decided under every shipped plan keep the
//! exact bytes they had when `decision_digests.txt` was written: the
//! decisions (as JSON Lines and as CSV), every refusal on standard error and
//! the exit code. An optimisation that changes one byte of any of them fails
//! here; a change meant to move decisions writes the new table (printed on
//! failure) into that file in the same commit, saying why.
//! (That any number of threads writes the same bytes is `tests/cli.rs`'s
//! and `tests/cohort_io.rs`'s, over cohorts of several batches.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::scratch;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The day every case is decided as of: within the examples' history, with
/// claims of every status.
const AS_OF: &str = "2016-11-30";

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// The inputs, copied into `folder` under the names the table uses (so no
/// path of this machine reaches standard error), and two made from them:
/// `F-0001.json` wrapped as the one family of a JSON array, and the cohort
/// listed twice, whose second listing of every family is refused as a
/// repeat with the line of the first.
fn inputs(folder: &Path) -> Vec<&'static str> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let copy = |from: &str, to: &str| std::fs::copy(root.join(from), folder.join(to)).unwrap();
    copy("families/national-phase2.jsonl", "national-phase2.jsonl");
    copy("cohort/families.jsonl", "cohort.jsonl");
    std::fs::create_dir_all(folder.join("cohort-csv")).unwrap();
    for file in ["families.csv", "members.csv", "events.csv"] {
        copy(&format!("cohort/csv/{file}"), &format!("cohort-csv/{file}"));
    }
    let family = std::fs::read_to_string(root.join("families/F-0001.json")).unwrap();
    std::fs::write(folder.join("F-0001-array.json"), format!("[{family}]")).unwrap();
    let cohort = std::fs::read_to_string(root.join("cohort/families.jsonl")).unwrap();
    std::fs::write(folder.join("cohort-twice.jsonl"), cohort.repeat(2)).unwrap();
    vec![
        "national-phase2.jsonl",
        "F-0001-array.json",
        "cohort.jsonl",
        "cohort-csv",
        "cohort-twice.jsonl",
    ]
}

/// Every shipped plan, by file stem, in name order.
fn plans() -> Vec<(String, std::path::PathBuf)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plans");
    let mut plans: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tfop"))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            (stem, path)
        })
        .collect();
    plans.sort();
    plans
}

/// One line of the table: the case, its exit code and the digests of what
/// it wrote to standard output and standard error.
fn run(folder: &Path, plan: &Path, input: &str, format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tfop"))
        .args(["eval".as_ref(), plan.as_os_str()])
        .args([input, "--as-of", AS_OF, "--format", format])
        .current_dir(folder)
        .output()
        .unwrap();
    let code = output
        .status
        .code()
        .map_or("signal".into(), |c| c.to_string());
    format!(
        "{code} {} {}",
        sha256(&output.stdout),
        sha256(&output.stderr)
    )
}

#[test]
fn decisions_of_the_examples_keep_their_bytes() {
    let folder = scratch("decision_digests");
    let inputs = inputs(&folder);
    let mut table = String::new();
    for (name, plan) in plans() {
        for input in &inputs {
            for format in ["jsonl", "csv"] {
                let digests = run(&folder, &plan, input, format);
                writeln!(table, "{name} {input} {format} {digests}").unwrap();
            }
        }
    }
    // Not equal by accident: all fourteen shipped plans are in it, and the
    // repeats are refused (exit 3).
    assert_eq!(table.lines().count(), 14 * inputs.len() * 2, "{table}");
    assert!(table.contains("cohort-twice.jsonl jsonl 3 "), "{table}");
    let expected = include_str!("decision_digests.txt");
    let expected: String = expected
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    if table != expected {
        let changed: Vec<&str> = table
            .lines()
            .filter(|line| !expected.lines().any(|old| old == *line))
            .collect();
        panic!(
            "decisions changed for:\n{}\n\nthe whole table now (plan, input, format, exit code, \
             SHA-256 of stdout and of stderr):\n{table}",
            changed.join("\n")
        );
    }
}
