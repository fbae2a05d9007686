//! Reading plans and families.

use super::Exit;
use chrono::NaiveDate;
use std::io::BufReader;
use std::path::Path;
use std::path::PathBuf;
use tfop::io::Record;
use tfop::io::{Blocks, InputError, JsonLines, Records};
use tfop::{Plan, PlanSet, VersionsBy};

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

/// The plan's files: the one named first, then its other versions.
pub(crate) fn versions(first: &Path, more: &[PathBuf]) -> Vec<PathBuf> {
    std::iter::once(first.to_path_buf())
        .chain(more.iter().cloned())
        .collect()
}

/// `--versions-by`: which of several versions decides an attached family.
#[derive(Clone, Copy, Default, clap::ValueEnum)]
pub(crate) enum VersionsByArg {
    /// The version in force on the attachment day the decision uses.
    #[default]
    Attachment,
    /// The version in force on the day decided, whenever the family was attached.
    DecisionDay,
}

impl From<VersionsByArg> for VersionsBy {
    fn from(arg: VersionsByArg) -> VersionsBy {
        match arg {
            VersionsByArg::Attachment => VersionsBy::Attachment,
            VersionsByArg::DecisionDay => VersionsBy::DecisionDay,
        }
    }
}

/// Reads and checks the versions of a plan as one [`PlanSet`], which must
/// have a version in force on the day decided; an attached family's
/// version is chosen by `versions_by`.
pub(crate) fn load_plans(
    paths: &[PathBuf],
    as_of: NaiveDate,
    versions_by: VersionsBy,
) -> Result<PlanSet, Exit> {
    let mut plans = Vec::with_capacity(paths.len());
    for path in paths {
        plans.push(load_plan(path)?);
    }
    let set = PlanSet::new(plans)
        .map_err(|error| {
            eprintln!("error: {error}");
            Exit::Failure
        })?
        .with_versions_by(versions_by);
    if let Err(error) = set.for_as_of(as_of) {
        eprintln!("error: {error}");
        return Err(Exit::Failure);
    }
    Ok(set)
}

/// Decides one record under the version of `plans` that decides it.
pub(crate) fn decide(
    plans: &PlanSet,
    record: &Record,
    as_of: NaiveDate,
) -> Result<tfop::Decision, tfop::Refusal> {
    plans.decide(|vocab| record.read(vocab), as_of)
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

/// Reads families in blocks (`tfop::io::open_blocks`), for a pipeline that
/// splits them into records on the threads that decide them: the same
/// inputs as [`records`].
pub(crate) fn blocks(path: &Path) -> Result<Blocks, Exit> {
    if path.as_os_str() == "-" {
        return Ok(tfop::io::json_lines_blocks(std::io::stdin()));
    }
    tfop::io::open_blocks(path).map_err(|error| input_failed(path, &error))
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
