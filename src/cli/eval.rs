//! `tfop eval` and `tfop explain`.

use super::Exit;
use super::files::{input_failed, load_plan, records};
use super::output::{OutputFile, Outputs};
use super::render::{Format, json_document, print};
use chrono::NaiveDate;
use std::io::{BufWriter, Write};
use std::path::Path;
use tfop::io::{InputError, Record, SeenFamilies};
use tfop::{Decision, Plan, Refusal};

/// What became of one family's record.
pub(crate) enum Outcome {
    Decided(Box<Decision>),
    Refused(Refusal),
}

/// Decides one record; a record that cannot be read is refused, never lost.
pub(crate) fn decide(plan: &Plan, record: &Record, as_of: NaiveDate) -> Outcome {
    match record.read(plan.vocabulary()) {
        Ok(family) => Outcome::Decided(Box::new(plan.evaluate(&family, as_of))),
        Err(refusal) => Outcome::Refused(refusal),
    }
}

/// How many records are decided at once: enough to keep every core busy,
/// few enough that memory stays flat however large the cohort.
const BATCH: usize = 512;
/// The input bytes a batch holds at most (a batch holds at least one
/// record): records may each be as large as `tfop::io::MAX_RECORD_BYTES`,
/// and 512 of those would not fit in memory.
const BATCH_BYTES: usize = 64 * 1024 * 1024;

/// Decides every record, in parallel batches, handing the outcomes to `sink`
/// in input order, so the output is the same whatever the number of threads.
pub(crate) fn decide_all(
    families: &Path,
    plan: &Plan,
    records: impl Iterator<Item = Result<Record, InputError>>,
    as_of: NaiveDate,
    mut sink: impl FnMut(&Record, Outcome) -> Result<(), Exit>,
) -> Result<(), Exit> {
    work_all(
        families,
        records,
        |record| decide(plan, record, as_of),
        Outcome::family,
        |record, outcome| sink(record, outcome.unwrap_or_else(Outcome::Refused)),
    )
}

impl Outcome {
    /// The family id the record gave, if it could be read.
    fn family(&self) -> Option<&str> {
        match self {
            Outcome::Decided(decision) => Some(&decision.family),
            Outcome::Refused(refusal) => refusal.family.as_deref(),
        }
    }
}

/// Runs `work` on every record in parallel batches and hands the results to
/// `sink` in input order; memory holds one batch at a time. A record whose
/// family id (as `family_of` finds it in the result, so the record is read
/// once) an earlier record had reaches `sink` as its refusal instead.
pub(crate) fn work_all<T: Send>(
    families: &Path,
    records: impl Iterator<Item = Result<Record, InputError>>,
    work: impl Fn(&Record) -> T + Sync,
    family_of: impl Fn(&T) -> Option<&str>,
    mut sink: impl FnMut(&Record, Result<T, Refusal>) -> Result<(), Exit>,
) -> Result<(), Exit> {
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
    let mut seen = SeenFamilies::default();
    let mut records = records.peekable();
    while records.peek().is_some() {
        batch.clear();
        let mut bytes = 0;
        while batch.len() < BATCH && bytes < BATCH_BYTES {
            let Some(record) = records.next() else {
                break;
            };
            // The records before the fault are decided first, in order.
            let record = match record {
                Ok(record) => record,
                Err(error) => {
                    decide_batch(&batch, &work, &family_of, &mut seen, &mut sink)?;
                    return Err(input_failed(families, &error));
                }
            };
            bytes += record.size();
            batch.push(record);
        }
        decide_batch(&batch, &work, &family_of, &mut seen, &mut sink)?;
    }
    Ok(())
}

/// Decides one batch in parallel and hands the results to `sink` in order.
fn decide_batch<T: Send>(
    batch: &[Record],
    work: &(impl Fn(&Record) -> T + Sync),
    family_of: &impl Fn(&T) -> Option<&str>,
    seen: &mut SeenFamilies,
    sink: &mut impl FnMut(&Record, Result<T, Refusal>) -> Result<(), Exit>,
) -> Result<(), Exit> {
    use rayon::prelude::*;
    let outcomes: Vec<T> = batch.par_iter().map(work).collect();
    for (record, outcome) in batch.iter().zip(outcomes) {
        let admitted = seen.admit(record, family_of(&outcome));
        sink(record, admitted.map(|()| outcome))?;
    }
    Ok(())
}

/// The output formats of `tfop eval`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum EvalFormat {
    /// One decision per line, as JSON.
    Jsonl,
    /// One flat row per family.
    Csv,
}

/// Writes decisions as JSON Lines or CSV rows.
enum Writer<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>, Vec<String>),
}

impl<W: Write> Writer<W> {
    fn new(format: EvalFormat, out: W, plan: &Plan) -> Result<Writer<W>, Exit> {
        match format {
            EvalFormat::Jsonl => Ok(Writer::Jsonl(out)),
            EvalFormat::Csv => {
                let claims: Vec<String> =
                    plan.claim_types().map(|(id, _)| id.to_string()).collect();
                let mut writer = csv::Writer::from_writer(out);
                let mut header = vec![
                    "family".to_string(),
                    "eligible".into(),
                    "problems".into(),
                    "attachment".into(),
                ];
                for claim in &claims {
                    header.push(format!("{claim}_status"));
                    header.push(format!("{claim}_earliest"));
                }
                header.push("payable".into());
                header.push("errors".into());
                writer.write_record(&header).map_err(|_| write_failed())?;
                Ok(Writer::Csv(Box::new(writer), claims))
            }
        }
    }

    fn write(&mut self, outcome: &Outcome) -> Result<(), Exit> {
        match self {
            Writer::Jsonl(out) => {
                let written = match outcome {
                    Outcome::Decided(decision) => serde_json::to_writer(&mut *out, decision),
                    Outcome::Refused(refusal) => serde_json::to_writer(&mut *out, refusal),
                };
                written.map_err(|_| write_failed())?;
                out.write_all(b"\n").map_err(|_| write_failed())
            }
            Writer::Csv(writer, claims) => {
                let row = match outcome {
                    Outcome::Decided(decision) => csv_row(decision, claims),
                    Outcome::Refused(refusal) => {
                        let mut row = vec![
                            refusal.family.clone().unwrap_or_default(),
                            String::new(),
                            String::new(),
                            "refused".into(),
                        ];
                        row.extend(claims.iter().flat_map(|_| [String::new(), String::new()]));
                        row.push(String::new());
                        row.push(refusal.errors.len().to_string());
                        row
                    }
                };
                writer.write_record(&row).map_err(|_| write_failed())
            }
        }
    }

    /// Flushes and hands back what was written to.
    fn finish(self) -> Result<W, Exit> {
        match self {
            Writer::Jsonl(mut out) => out.flush().map(|()| out).map_err(|_| write_failed()),
            Writer::Csv(writer, _) => writer.into_inner().map_err(|_| write_failed()),
        }
    }
}

/// Where decisions go: standard output, or a file put in place at the end.
enum Out {
    File(OutputFile),
    Stdout(BufWriter<std::io::StdoutLock<'static>>),
}

impl Write for Out {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Out::File(file) => file.write(bytes),
            Out::Stdout(out) => out.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Out::File(file) => file.flush(),
            Out::Stdout(out) => out.flush(),
        }
    }
}

fn csv_row(decision: &Decision, claims: &[String]) -> Vec<String> {
    let mut row = vec![
        decision.family.clone(),
        decision.eligible.to_string(),
        decision
            .problems
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        serde_name(&decision.attachment.status),
    ];
    for claim in claims {
        match decision.claims.iter().find(|c| c.claim_type == *claim) {
            Some(found) => {
                row.push(serde_name(&found.status));
                row.push(
                    found
                        .earliest
                        .map(|day| day.to_string())
                        .unwrap_or_default(),
                );
            }
            None => row.extend([String::new(), String::new()]),
        }
    }
    row.push(decision.payable.to_decimal_string());
    row.push(decision.errors.len().to_string());
    row
}

/// The snake_case name serde gives a status.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn write_failed() -> Exit {
    eprintln!("error: cannot write the decisions");
    Exit::Failure
}

pub(crate) fn eval(
    plan_path: &Path,
    families: &Path,
    as_of: NaiveDate,
    output: Option<&Path>,
    format: EvalFormat,
    outputs: &Outputs,
) -> Exit {
    let plan = match load_plan(plan_path) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let records = match records(families) {
        Ok(records) => records,
        Err(exit) => return exit,
    };
    let out = match output.map(|path| (path, outputs.create(path))) {
        Some((_, Ok(file))) => Out::File(file),
        Some((path, Err(error))) => {
            eprintln!("error: cannot write {}: {error}", path.display());
            return Exit::Failure;
        }
        None => Out::Stdout(BufWriter::new(std::io::stdout().lock())),
    };
    let mut writer = match Writer::new(format, out, &plan) {
        Ok(writer) => writer,
        Err(exit) => return exit,
    };
    let (mut read, mut decided, mut refused) = (0u64, 0u64, 0u64);
    let result = decide_all(families, &plan, records, as_of, |record, outcome| {
        read += 1;
        match &outcome {
            Outcome::Decided(_) => decided += 1,
            Outcome::Refused(refusal) => {
                refused += 1;
                report_refusal(families, record, refusal);
            }
        }
        writer.write(&outcome)
    })
    .and_then(|()| writer.finish());
    // An error drops the output file unfinished: the target is left as it was.
    let out = match result {
        Ok(out) => out,
        Err(exit) => return exit,
    };
    if let (Out::File(file), Some(path)) = (out, output) {
        if let Err(error) = file.commit() {
            eprintln!("error: cannot write {}: {error}", path.display());
            return Exit::Failure;
        }
    }
    eprintln!("read {read}, decided {decided}, refused {refused}");
    if refused > 0 {
        Exit::SomeRefused
    } else {
        Exit::Success
    }
}

/// One line on standard error per problem: the file, line, record and field,
/// never a value.
pub(crate) fn report_refusal(families: &Path, record: &Record, refusal: &Refusal) {
    for problem in &refusal.errors {
        let field = problem
            .field
            .as_ref()
            .map(|field| format!(" field `{field}`"))
            .unwrap_or_default();
        // A family read from a CSV folder names the file of each problem.
        let (file, line) = match (&problem.file, problem.line) {
            (Some(file), Some(line)) => (families.join(file), line),
            _ => (families.to_path_buf(), record.line()),
        };
        eprintln!(
            "{}:{line}: refused family {}: {}{field}: {}",
            file.display(),
            refusal.family.as_deref().unwrap_or("(no id)"),
            problem.record,
            problem.kind
        );
    }
}

pub(crate) fn explain(
    plan_path: &Path,
    families: &Path,
    wanted: &str,
    as_of: NaiveDate,
    format: Format,
) -> Exit {
    let plan = match load_plan(plan_path) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let records = match records(families) {
        Ok(records) => records,
        Err(exit) => return exit,
    };
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => return input_failed(families, &error),
        };
        // Only the family asked for is validated.
        if record.family_id().as_deref() != Some(wanted) {
            continue;
        }
        return match record.read(plan.vocabulary()) {
            Ok(family) => {
                let explanation = plan.explanation(&family, as_of);
                let written = match format {
                    Format::Text => print(&explanation.to_string()),
                    Format::Json => json_document(&explanation).and_then(|json| print(&json)),
                };
                written.map_or_else(|exit| exit, |()| Exit::Success)
            }
            Err(refusal) => {
                report_refusal(families, &record, &refusal);
                Exit::Failure
            }
        };
    }
    eprintln!("error: no family `{wanted}` in {}", families.display());
    Exit::Failure
}
