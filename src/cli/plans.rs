//! `tfop check` and `tfop fmt`.

use super::files::read_text;
use super::output::Outputs;
use super::{DiagnosticFormat, Exit};
use std::path::PathBuf;
use tfop::Plan;

pub(crate) fn check(paths: &[PathBuf], format: DiagnosticFormat) -> Exit {
    let mut exit = Exit::Success;
    let mut json = Vec::new();
    for path in paths {
        let Ok(text) = read_text(path) else {
            exit = Exit::Failure;
            continue;
        };
        let name = path.display().to_string();
        let diagnostics = match Plan::parse_with_warnings(&text) {
            Ok((_, warnings)) => warnings,
            Err(diagnostics) => {
                exit = Exit::Failure;
                diagnostics
            }
        };
        match format {
            DiagnosticFormat::Text => {
                eprint!("{}", diagnostics.render(&name, &text));
                if diagnostics.error_count() == 0 {
                    eprintln!("{name}: ok");
                }
            }
            DiagnosticFormat::Json => {
                for diagnostic in &diagnostics.0 {
                    match serde_json::to_value(diagnostic.located(&name, &text)) {
                        Ok(value) => json.push(value),
                        Err(error) => {
                            eprintln!("error: cannot write a diagnostic as JSON: {error}");
                            exit = Exit::Failure;
                        }
                    }
                }
            }
        }
    }
    if let DiagnosticFormat::Json = format {
        println!("{}", serde_json::Value::Array(json));
    }
    exit
}

pub(crate) fn fmt(paths: &[PathBuf], check_only: bool, outputs: &Outputs) -> Exit {
    let mut exit = Exit::Success;
    for path in paths {
        let Ok(text) = read_text(path) else {
            exit = Exit::Failure;
            continue;
        };
        let name = path.display().to_string();
        let formatted = match tfop::fmt::format_source(&text) {
            Ok(formatted) => formatted,
            Err(tfop::fmt::FormatError::Syntax(diagnostics)) => {
                eprint!("{}", diagnostics.render(&name, &text));
                exit = Exit::Failure;
                continue;
            }
            Err(error) => {
                eprintln!("error: {name}: {error}");
                exit = Exit::Failure;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check_only {
            eprintln!("{name}: not in canonical form; run `tfop fmt {name}`");
            exit = Exit::Failure;
        } else if let Err(error) = outputs.write(path, formatted.as_bytes()) {
            eprintln!("error: cannot write {name}: {error}");
            exit = Exit::Failure;
        } else {
            eprintln!("{name}: formatted");
        }
    }
    exit
}
