//! `tfop check`, `tfop fmt` and `tfop explain-code`.

use super::files::read_text;
use super::output::Outputs;
use super::{DiagnosticFormat, Exit};
use std::io::{Read, Write};
use std::path::PathBuf;
use tfop::Code;
use tfop::Plan;

/// What `tfop check` was asked.
pub(crate) struct CheckRequest<'a> {
    pub(crate) paths: &'a [PathBuf],
    pub(crate) format: DiagnosticFormat,
    /// Exit 1 when any plan has a warning, as when it has an error.
    pub(crate) deny_warnings: bool,
}

pub(crate) fn check(request: &CheckRequest) -> Exit {
    let mut exit = Exit::Success;
    let mut json = Vec::new();
    let (mut errors, mut warnings) = (0usize, 0usize);
    for path in request.paths {
        let Ok(text) = read_text(path) else {
            errors += 1;
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
        let plan_errors = diagnostics.error_count();
        errors += plan_errors;
        warnings += diagnostics.0.len() - plan_errors;
        match request.format {
            DiagnosticFormat::Text => {
                eprint!("{}", diagnostics.render(&name, &text));
                if plan_errors == 0 {
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
    if let DiagnosticFormat::Json = request.format {
        println!("{}", serde_json::Value::Array(json));
    }
    eprintln!(
        "{}, {} in {}",
        counted(errors, "error"),
        counted(warnings, "warning"),
        counted(request.paths.len(), "plan")
    );
    if request.deny_warnings && warnings > 0 {
        exit = Exit::Failure;
    }
    exit
}

/// `1 error`, `2 errors`, `0 errors`.
fn counted(count: usize, what: &str) -> String {
    match count {
        1 => format!("1 {what}"),
        _ => format!("{count} {what}s"),
    }
}

/// What `tfop fmt` was asked.
pub(crate) struct FmtRequest<'a> {
    /// Plan files, or `-` alone for standard input to standard output.
    pub(crate) paths: &'a [PathBuf],
    /// Only report the plans not in canonical form.
    pub(crate) check: bool,
    /// Print a unified diff of what formatting would change; write nothing.
    pub(crate) diff: bool,
    pub(crate) outputs: &'a Outputs,
}

/// The name standard input goes by in messages and diffs.
const STDIN_NAME: &str = "<stdin>";

pub(crate) fn fmt(request: &FmtRequest) -> Exit {
    if request.paths.iter().any(|path| path.as_os_str() == "-") {
        return fmt_stdin(request);
    }
    let mut exit = Exit::Success;
    for path in request.paths {
        let Ok(text) = read_text(path) else {
            exit = Exit::Failure;
            continue;
        };
        let name = path.display().to_string();
        let Some(formatted) = formatted(&name, &text) else {
            exit = Exit::Failure;
            continue;
        };
        if formatted == text {
            continue;
        }
        if request.diff {
            print!("{}", unified_diff(&name, &text, &formatted));
            exit = Exit::Failure;
        } else if request.check {
            eprintln!("{name}: not in canonical form; run `tfop fmt {name}`");
            exit = Exit::Failure;
        } else if let Err(error) = request.outputs.write(path, formatted.as_bytes()) {
            eprintln!("error: cannot write {name}: {error}");
            exit = Exit::Failure;
        } else {
            eprintln!("{name}: formatted");
        }
    }
    exit
}

/// `tfop fmt -`: the plan on standard input, in canonical form on standard
/// output (or, with `--check` or `--diff`, only what differs).
fn fmt_stdin(request: &FmtRequest) -> Exit {
    if request.paths.len() > 1 {
        eprintln!("error: `-` reads one plan from standard input; give it alone, without files");
        return Exit::Failure;
    }
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {error}");
        return Exit::Failure;
    }
    let Some(formatted) = formatted(STDIN_NAME, &text) else {
        return Exit::Failure;
    };
    let differs = formatted != text;
    let written = if request.diff {
        if differs {
            print!("{}", unified_diff(STDIN_NAME, &text, &formatted));
        }
        Ok(())
    } else if request.check {
        if differs {
            eprintln!("{STDIN_NAME}: not in canonical form; run `tfop fmt -`");
        }
        Ok(())
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(formatted.as_bytes())
            .and_then(|()| stdout.flush())
    };
    if let Err(error) = written {
        eprintln!("error: cannot write standard output: {error}");
        return Exit::Failure;
    }
    if differs && (request.check || request.diff) {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// The plan in canonical form, or `None` after saying why it has none.
fn formatted(name: &str, text: &str) -> Option<String> {
    match tfop::fmt::format_source(text) {
        Ok(formatted) => Some(formatted),
        Err(tfop::fmt::FormatError::Syntax(diagnostics)) => {
            eprint!("{}", diagnostics.render(name, text));
            None
        }
        Err(error) => {
            eprintln!("error: {name}: {error}");
            None
        }
    }
}

/// What formatting changes, as `diff -u` and git show it: `--- NAME`,
/// `+++ NAME (formatted)`, hunks with three lines of context.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

/// `tfop explain-code CODE`: the long explanation of a diagnostic code.
pub(crate) fn explain_code(code: &str) -> Exit {
    let Some(found) = Code::from_code(code) else {
        let first = Code::ALL.first().map_or("", |code| code.as_str());
        let last = Code::ALL.last().map_or("", |code| code.as_str());
        eprintln!(
            "error: `{code}` is not a tfop code; codes run from {first} to {last}, and `tfop check` prints each diagnostic's"
        );
        return Exit::Failure;
    };
    let severity = match found.severity() {
        tfop::diagnostic::Severity::Error => "error",
        tfop::diagnostic::Severity::Warning => "warning",
    };
    println!("{found} ({severity}): {}\n", found.summary());
    print!("{}", found.explanation());
    Exit::Success
}
