//! Reading plans and families, and writing output whole.

use super::Exit;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use tfop::Plan;
use tfop::io::{InputError, JsonLines, Records};

pub(crate) fn read_text(path: &Path) -> Result<String, Exit> {
    std::fs::read_to_string(path).map_err(|error| {
        eprintln!("error: cannot read {}: {error}", path.display());
        Exit::Failure
    })
}

/// A temporary file in the target's folder, so that renaming it into place
/// is atomic.
pub(crate) fn temporary_beside(path: &Path) -> PathBuf {
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    directory.join(format!(".{name}.tfop-{}.tmp", std::process::id()))
}

/// Writes through a temporary file beside the target and renames it into
/// place, so a crash never leaves half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = temporary_beside(path);
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

pub(crate) fn load_plan(path: &Path) -> Result<Plan, Exit> {
    let text = read_text(path)?;
    Plan::parse(&text).map_err(|diagnostics| {
        eprint!("{}", diagnostics.render(&path.display().to_string(), &text));
        Exit::Failure
    })
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
