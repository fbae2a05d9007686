//! Reading plans and families.

use super::Exit;
use std::io::BufReader;
use std::path::Path;
use tfop::Plan;
use tfop::io::{InputError, JsonLines, Records};

pub(crate) fn read_text(path: &Path) -> Result<String, Exit> {
    std::fs::read_to_string(path).map_err(|error| {
        eprintln!("error: cannot read {}: {error}", path.display());
        Exit::Failure
    })
}

/// Reads and checks a plan. Its warnings are printed on standard error,
/// once, as `tfop check` prints them; its errors refuse it.
pub(crate) fn load_plan(path: &Path) -> Result<Plan, Exit> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    match Plan::parse_with_warnings(&text) {
        Ok((plan, warnings)) => {
            eprint!("{}", warnings.render(&name, &text));
            Ok(plan)
        }
        Err(diagnostics) => {
            eprint!("{}", diagnostics.render(&name, &text));
            Err(Exit::Failure)
        }
    }
}

/// Reads families one by one (`tfop::io`): a folder as a CSV cohort, a
/// `.json` file as one array, `-` as JSON Lines from standard input, any
/// other file as JSON Lines.
pub(crate) fn records(path: &Path) -> Result<Records, Exit> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(JsonLines::new(BufReader::new(std::io::stdin()))));
    }
    tfop::io::open(path).map_err(|error| input_failed(path, &error))
}

/// Reports a fault of the input as a whole: the file (within a CSV folder)
/// and line, never a value.
pub(crate) fn input_failed(path: &Path, error: &InputError) -> Exit {
    match error.file() {
        Some(_) => eprintln!(
            "error: {}{}{error}",
            path.display(),
            std::path::MAIN_SEPARATOR
        ),
        // `path:line:column: what`, or `path: what`.
        None => {
            let message = error.to_string();
            let gap = if message.starts_with(|c: char| c.is_ascii_digit()) {
                ""
            } else {
                " "
            };
            eprintln!("error: {}:{gap}{message}", path.display());
        }
    }
    Exit::Failure
}
