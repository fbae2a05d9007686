//! Reading plans and families, and writing output whole.

use super::Exit;
use super::csv_folder::CsvFamily;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use tfop::{Family, Plan, RecordProblem, Refusal};

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

/// One family's input and the line it starts on: in the file read, or for a
/// CSV folder in the file its input names.
pub(crate) struct Record {
    pub(crate) line: u64,
    pub(crate) input: Input,
}

/// What one family was read from.
pub(crate) enum Input {
    /// The family as JSON text: a line of JSON Lines, an item of a `.json`
    /// array.
    Json(String),
    /// The family's rows from a CSV folder.
    Csv(Box<CsvFamily>),
}

impl Record {
    /// Reads and validates the family against the plan's vocabulary; a
    /// refusal says where each problem is.
    pub(crate) fn read(&self, plan: &Plan) -> Result<Family, Refusal> {
        match &self.input {
            Input::Json(text) => plan.read_family(text).map_err(|error| {
                let mut refusal = Refusal::from_error(&error);
                refusal.line = Some(self.line);
                refusal
            }),
            Input::Csv(family) => family.read(plan.vocabulary()),
        }
    }

    /// The family's id, found without validating the family (to pick one
    /// family out of a cohort).
    pub(crate) fn family_id(&self) -> Option<String> {
        /// Only the id: the rest of the family is skipped, not built.
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: String,
        }
        match &self.input {
            Input::Json(text) => serde_json::from_str::<IdOnly>(text)
                .ok()
                .map(|family| family.id),
            Input::Csv(family) => Some(family.id().to_owned()),
        }
    }

    /// False for rows of a CSV folder found out of place: they are refused
    /// for that already, and claim no place in the cohort.
    fn is_listed(&self) -> bool {
        match &self.input {
            Input::Json(_) => true,
            Input::Csv(family) => family.is_listed(),
        }
    }

    /// The refusal of a record whose family id an earlier record had.
    fn repeated(&self, id: String, first_line: u64) -> Refusal {
        let (file, field) = match &self.input {
            Input::Json(_) => (None, "id"),
            Input::Csv(_) => (Some("families.csv".to_owned()), "family_id"),
        };
        Refusal {
            family: Some(id),
            line: Some(self.line),
            file: file.clone(),
            errors: vec![RecordProblem {
                record: "family".into(),
                field: Some(field.into()),
                message: format!(
                    "the family id was already read at line {first_line}: each family must appear once in a cohort, \
                     so the first is decided and this one refused; merge the two records"
                ),
                line: file.as_ref().map(|_| self.line),
                file,
            }],
        }
    }
}

/// The ids of a cohort's families read so far, to refuse a family that
/// appears twice rather than count it twice. Memory grows by an id and a
/// line number per family, nothing more.
#[derive(Default)]
pub(crate) struct SeenFamilies(HashMap<String, u64>);

impl SeenFamilies {
    /// `Err` with the refusal when the record's family was read before.
    pub(crate) fn admit(&mut self, record: &Record, id: Option<&str>) -> Result<(), Refusal> {
        let Some(id) = id.filter(|id| !id.is_empty() && record.is_listed()) else {
            return Ok(());
        };
        match self.0.get(id) {
            Some(first_line) => Err(record.repeated(id.to_owned(), *first_line)),
            None => {
                self.0.insert(id.to_owned(), record.line);
                Ok(())
            }
        }
    }
}

/// Reads families one by one: JSON Lines line by line; a `.json` file as
/// one array; a folder as a CSV cohort (`families.csv`, `members.csv`,
/// `events.csv`).
pub(crate) fn records(
    path: &Path,
) -> Result<Box<dyn Iterator<Item = std::io::Result<Record>>>, Exit> {
    if path.is_dir() {
        return super::csv_folder::records(path);
    }
    let open = |path: &Path| -> Result<Box<dyn Read>, Exit> {
        if path.as_os_str() == "-" {
            Ok(Box::new(std::io::stdin()))
        } else {
            std::fs::File::open(path)
                .map(|file| Box::new(file) as Box<dyn Read>)
                .map_err(|error| {
                    eprintln!("error: cannot read {}: {error}", path.display());
                    Exit::Failure
                })
        }
    };
    let reader = open(path)?;
    if path.extension().is_some_and(|ext| ext == "json") {
        // Each family as its own text, not a `Value`: reading the text
        // refuses what a `Value` would hide, such as a repeated key.
        let families: Vec<Box<serde_json::value::RawValue>> =
            serde_json::from_reader(BufReader::new(reader)).map_err(|error| {
                eprintln!(
                    "error: {}: not a JSON array of families (line {}, column {})",
                    path.display(),
                    error.line(),
                    error.column()
                );
                Exit::Failure
            })?;
        return Ok(Box::new(families.into_iter().enumerate().map(
            |(index, family)| {
                Ok(Record {
                    line: index as u64 + 1,
                    input: Input::Json(family.get().to_owned()),
                })
            },
        )));
    }
    // Lines are read as bytes: a line that is not UTF-8 is one bad record
    // (refused as not JSON), not the end of the run.
    let lines = BufReader::new(reader).split(b'\n').enumerate();
    Ok(Box::new(
        lines
            .map(|(index, line)| {
                line.map(|bytes| Record {
                    line: index as u64 + 1,
                    input: Input::Json(
                        String::from_utf8(bytes).unwrap_or_else(|_| "\u{FFFD}".to_string()),
                    ),
                })
            })
            .filter(|record| {
                !matches!(record, Ok(Record { input: Input::Json(text), .. }) if text.trim().is_empty())
            }),
    ))
}
