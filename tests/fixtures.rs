//! Fixture corpus: plans under `tests/fixtures/{parse,check}` carry their
//! expected diagnostics inline, as a comment `//~ CODE` on the line where the
//! diagnostic starts (`//~ CODE CODE` for two). A fixture with no `//~` must
//! check with no error. Every failing fixture is reported, not just the first.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

fn expectations(source: &str) -> Vec<(usize, String)> {
    let mut expected = Vec::new();
    for (index, line) in source.lines().enumerate() {
        if let Some((_, codes)) = line.split_once("//~") {
            for code in codes.split_whitespace() {
                expected.push((index + 1, code.to_string()));
            }
        }
    }
    expected.sort();
    expected
}

fn run_folder(folder: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let mut entries: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tfop"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no fixtures in {}", root.display());
    let mut failures = Vec::new();
    for path in &entries {
        let source = std::fs::read_to_string(path).unwrap();
        let expected = expectations(&source);
        let diagnostics = match tfop::Plan::parse_with_warnings(&source) {
            Ok((_, warnings)) => warnings,
            Err(diagnostics) => diagnostics,
        };
        let mut actual: Vec<(usize, String)> = diagnostics
            .0
            .iter()
            .map(|d| (d.line_column(&source).0, d.code.to_string()))
            .collect();
        actual.sort();
        if actual != expected {
            let name = path.file_name().unwrap().to_string_lossy();
            failures.push(format!(
                "{name}: expected {expected:?}, got {actual:?}\n{}",
                diagnostics.render(&name, &source)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn parse_fixtures() {
    run_folder("parse");
}

#[test]
fn check_fixtures() {
    run_folder("check");
}

/// Every code expected by some fixture, parse and check alike.
fn codes_with_a_fixture() -> std::collections::BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut codes = std::collections::BTreeSet::new();
    for folder in ["parse", "check"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            codes.extend(expectations(&source).into_iter().map(|(_, code)| code));
        }
    }
    codes
}

#[test]
fn every_code_has_a_fixture_that_produces_it() {
    // E0000 is a fault of tfop, never of a plan; E0003 needs a plan of over
    // 1 MiB, so tests/limits.rs builds it instead of shipping one.
    let exempt = [tfop::Code::Internal, tfop::Code::TooLarge];
    let covered = codes_with_a_fixture();
    let missing: Vec<&str> = tfop::Code::ALL
        .iter()
        .filter(|code| !exempt.contains(code))
        .map(|code| code.as_str())
        .filter(|code| !covered.contains(*code))
        .collect();
    assert!(missing.is_empty(), "no fixture produces {missing:?}");
}

#[test]
fn the_readme_explains_every_code_as_the_code_does() {
    let readme = include_str!("../README.md");
    let listed: Vec<String> = readme
        .lines()
        .skip_while(|line| *line != "| code | meaning |")
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = tfop::Code::ALL
        .iter()
        .map(|code| format!("| {} | {} |", code.as_str(), code.summary()))
        .collect();
    assert_eq!(listed, expected);
}
