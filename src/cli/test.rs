//! `tfop test`: plans' test cases, with coverage.

use super::Exit;
use super::files::{load_plan, read_text};
use std::path::{Path, PathBuf};

/// Finds the suites a path names: a suite file, a plan's sibling suite, or
/// every suite under a folder.
fn suites_under(path: &Path, found: &mut Vec<PathBuf>) {
    let name = path.to_string_lossy();
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            eprintln!("error: cannot read {}", path.display());
            return;
        };
        let mut entries: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.to_string_lossy().ends_with(".tests.json") {
                suites_under(&entry, found);
            }
        }
    } else if name.ends_with(".tfop") {
        found.push(PathBuf::from(format!(
            "{}.tests.json",
            name.trim_end_matches(".tfop")
        )));
    } else {
        found.push(path.to_path_buf());
    }
}

pub(crate) fn run_tests(paths: &[PathBuf]) -> Exit {
    let mut suites = Vec::new();
    for path in paths {
        suites_under(path, &mut suites);
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for suite_path in &suites {
        let base = suite_path.parent().unwrap_or(Path::new("."));
        let suite = match read_text(suite_path).map(|text| tfop::cases::Suite::from_json(&text)) {
            Ok(Ok(suite)) => suite,
            Ok(Err(error)) => {
                eprintln!("error: {}: {error}", suite_path.display());
                failed += 1;
                continue;
            }
            Err(_) => {
                failed += 1;
                continue;
            }
        };
        let plan = match load_plan(&base.join(&suite.plan)) {
            Ok(plan) => plan,
            Err(_) => {
                failed += suite.cases.len().max(1);
                continue;
            }
        };
        let mut coverage = tfop::cases::Coverage::default();
        for case in &suite.cases {
            let family_text = match (&case.family, &case.family_file) {
                (Some(family), None) => Ok(family.get().to_owned()),
                (None, Some(file)) => read_text(&base.join(file))
                    .map_err(|_| "its family file cannot be read".to_string()),
                _ => Err("a case needs exactly one of `family` and `family_file`".to_string()),
            };
            let family = family_text
                .and_then(|text| plan.read_family(&text).map_err(|error| error.to_string()));
            let family = match family {
                Ok(family) => family,
                Err(problem) => {
                    println!(
                        "FAIL {} :: {}\n  {problem}",
                        suite_path.display(),
                        case.name
                    );
                    failed += 1;
                    continue;
                }
            };
            let decision = plan.evaluate(&family, case.as_of);
            coverage.record(&decision);
            let mismatches = tfop::cases::check(&decision, &case.expect);
            if mismatches.is_empty() {
                passed += 1;
                continue;
            }
            failed += 1;
            println!("FAIL {} :: {}", suite_path.display(), case.name);
            for mismatch in &mismatches {
                println!(
                    "  {}: expected {}, got {}",
                    mismatch.path, mismatch.expected, mismatch.actual
                );
            }
            println!("  the decision, explained:");
            for line in plan.explain(&family, case.as_of).lines() {
                println!("  | {line}");
            }
        }
        let missing = coverage.missing(&plan);
        if !missing.is_empty() {
            let parts: Vec<String> = missing
                .iter()
                .map(|(kind, ids)| format!("{kind} {}", ids.join(", ")))
                .collect();
            println!(
                "coverage: {}: no case exercised {}",
                suite_path.display(),
                parts.join("; ")
            );
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Exit::Success
    } else {
        Exit::Failure
    }
}
