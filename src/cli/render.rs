//! Plain-text tables and HTML escaping shared by the cohort commands, the
//! one-document JSON they and `explain` write, and the words of a record's
//! problem.

/// The output formats of `report`, `funding`, `diff` and `explain`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Aligned text tables, for people.
    Text,
    /// One JSON document, for programs.
    Json,
}

/// A library report as one pretty JSON document, or the exit for a failure
/// already reported. It goes through a `Value`, whose keys are sorted, so
/// the key order is the one the interchange format has always printed.
pub(crate) fn json_document(report: impl serde::Serialize) -> Result<String, super::Exit> {
    match serde_json::to_value(report) {
        Ok(value) => Ok(format!("{value:#}\n")),
        Err(error) => {
            eprintln!("error: cannot write the report as JSON: {error}");
            Err(super::Exit::Failure)
        }
    }
}

/// A text table: the first column left-aligned, the others right-aligned,
/// two spaces between columns, each line indented by `indent`.
pub(crate) fn table(indent: &str, header: &[String], rows: &[Vec<String>]) -> String {
    aligned_table(indent, header, rows, |index| index == 0)
}

/// [`table`], with the columns for which `left` holds aligned to the left
/// (text), the others to the right (numbers).
pub(crate) fn aligned_table(
    indent: &str,
    header: &[String],
    rows: &[Vec<String>],
    left: impl Fn(usize) -> bool,
) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|cell| cell.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    // A header of empty cells is no header: the table is label/value pairs.
    let header = Some(header).filter(|header| header.iter().any(|cell| !cell.is_empty()));
    for row in header.into_iter().chain(rows.iter().map(Vec::as_slice)) {
        let mut line = indent.to_string();
        for (index, (cell, width)) in row.iter().zip(&widths).take(columns).enumerate() {
            let gap = if index == 0 { "" } else { "  " };
            if left(index) {
                line.push_str(&format!("{gap}{cell:<width$}"));
            } else {
                line.push_str(&format!("{gap}{cell:>width$}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub(crate) use tfop::explanation::escape_html;

/// Writes text to standard output; a closed pipe or full disk is an error,
/// not a panic.
pub(crate) fn print(bytes: &[u8]) -> Result<(), super::Exit> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|error| {
            eprintln!("error: cannot write the output: {error}");
            super::Exit::Failure
        })
}

/// Writes a command's whole result to `output` (as [`write_file`]) or,
/// without one, to standard output.
pub(crate) fn emit(
    outputs: &super::output::Outputs,
    output: Option<&std::path::Path>,
    bytes: &[u8],
) -> Result<(), super::Exit> {
    match output {
        Some(path) => write_file(outputs, path, bytes),
        None => print(bytes),
    }
}

/// Writes a whole result to `path` atomically ([`super::output`]); an error
/// names the target, never the temporary.
pub(crate) fn write_file(
    outputs: &super::output::Outputs,
    path: &std::path::Path,
    bytes: &[u8],
) -> Result<(), super::Exit> {
    outputs.write(path, bytes).map_err(|error| {
        eprintln!("error: cannot write {}: {error}", path.display());
        super::Exit::Failure
    })
}

/// A problem with a family's record in words: where it is and what is
/// wrong, never a value (`member #1 (`P1`) field `born`: is not a valid date…`).
pub(crate) fn problem_text(problem: &tfop::RecordProblem) -> String {
    match &problem.field {
        Some(field) => format!("{} field `{field}`: {}", problem.record, problem.kind),
        None => format!("{}: {}", problem.record, problem.kind),
    }
}
