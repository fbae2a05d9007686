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
