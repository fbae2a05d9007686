//! `tfop eval` and `tfop explain`.

use super::Exit;
use super::files::{blocks, input_failed, load_plans, records};
use super::output::{Destination, Outputs};
use super::progress::Progress;
use super::render::{Format, json_document, print, problem_text};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use tfop::io::{Blocks, InputError, Record, SeenFamilies};
use tfop::{Decision, PlanSet, Refusal, VersionsBy};

/// What became of one family's record: its decision with its attributes,
/// or its refusal.
pub(crate) enum Outcome {
    Decided(Box<Decision>, BTreeMap<String, String>),
    Refused(Refusal),
}

/// Decides one record under the version that decides it; a record that
/// cannot be read is refused, never lost.
pub(crate) fn decide(plans: &PlanSet, record: &Record, as_of: NaiveDate) -> Outcome {
    match plans.choose(|vocab| record.read(vocab), as_of) {
        Ok((plan, family)) => {
            let decision = plans.evaluate(plan, &family, as_of);
            Outcome::Decided(Box::new(decision), family.attributes)
        }
        Err(refusal) => Outcome::Refused(refusal),
    }
}

/// What the reading thread hands on, numbered in input order.
enum Batch<T> {
    /// A block's records and what `work` made of each.
    Done(Vec<Record>, Vec<T>),
    /// The input failed after the blocks before this one.
    Failed(InputError),
}

/// Runs `work` on every record and hands the results to `sink` in input
/// order. A pipeline: one thread reads the input in blocks (for JSON Lines
/// only its bytes, cut at line breaks), rayon's pool splits each block
/// into its records and runs `work` on them, and this thread puts them
/// back in order for `sink`, so reading, working and writing overlap. At
/// most `2 × threads + 2` blocks are in flight, so memory stays flat
/// however large the cohort. A record whose family id (as `family_of`
/// finds it in the result, so the record is read once) an earlier record
/// had reaches `sink` as its refusal instead. A fault of the input reaches
/// `sink` after every record before it.
pub(crate) fn work_all<T: Send>(
    families: &Path,
    blocks: Blocks,
    work: impl Fn(&Record) -> T + Sync,
    family_of: impl Fn(&T) -> Option<&str>,
    mut sink: impl FnMut(&Record, Result<T, Refusal>) -> Result<(), Exit>,
) -> Result<(), Exit> {
    let in_flight = 2 * rayon::current_num_threads() + 2;
    // A credit per block that may be in flight: the reader takes one before
    // reading a block, this thread gives it back once the block is written.
    let (give_credit, take_credit) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = give_credit.send(());
    }
    let (send_batch, batches) = mpsc::channel::<(u64, Batch<T>)>();
    let work = &work;
    // The senders and receivers move in, so that when `sink` fails they are
    // dropped at once and the reader stops instead of waiting for a credit.
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            rayon::in_place_scope(|pool| read_blocks(blocks, &take_credit, &send_batch, pool, work))
        });
        let mut seen = SeenFamilies::default();
        let mut waiting = BTreeMap::new();
        let mut next = 0u64;
        // Ends when the reader and every worker are done with their senders.
        for (number, batch) in batches.iter() {
            waiting.insert(number, batch);
            while let Some(batch) = waiting.remove(&next) {
                match batch {
                    Batch::Done(records, results) => {
                        for (record, result) in records.iter().zip(results) {
                            let admitted = seen.admit(record, family_of(&result));
                            sink(record, admitted.map(|()| result))?;
                        }
                    }
                    Batch::Failed(error) => return Err(input_failed(families, &error)),
                }
                let _ = give_credit.send(());
                next += 1;
            }
        }
        Ok(())
    })
}

/// Reads blocks and spawns their splitting and `work` on each, numbering
/// them in input order; stops at a fault of the input, or when the writing
/// side has stopped (no credit comes).
fn read_blocks<'scope, T: Send + 'scope>(
    blocks: Blocks,
    take_credit: &mpsc::Receiver<()>,
    send_batch: &mpsc::Sender<(u64, Batch<T>)>,
    pool: &rayon::Scope<'scope>,
    work: &'scope (impl Fn(&Record) -> T + Sync),
) {
    for (number, block) in (0u64..).zip(blocks) {
        if take_credit.recv().is_err() {
            return;
        }
        let block = match block {
            Ok(block) => block,
            Err(error) => {
                let _ = send_batch.send((number, Batch::Failed(error)));
                return;
            }
        };
        let sender = send_batch.clone();
        pool.spawn(move |_| {
            let records = block.into_records();
            let results = records.iter().map(work).collect();
            let _ = sender.send((number, Batch::Done(records, results)));
        });
    }
}

/// The output formats of `tfop eval`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum EvalFormat {
    /// One decision per line, as JSON.
    Jsonl,
    /// One flat row per family.
    Csv,
}

/// How an outcome is written: a JSON line or a CSV row, each rendered on
/// its own (by the worker that decided it) and written in input order.
enum Render {
    Jsonl,
    Csv(CsvColumns),
}

/// One record's outcome as it will be written.
pub(crate) struct Rendered {
    /// The family id the record gave, to refuse a repeat.
    family: Option<String>,
    /// The refusal, if it was refused, to report on standard error.
    refusal: Option<Refusal>,
    /// The line or row, with its line break; `None` if it could not be made.
    bytes: Option<Vec<u8>>,
}

/// The columns of `eval --format csv` that vary with the plan and cohort.
struct CsvColumns {
    /// The families' attribute names, a column each, in order.
    attributes: Vec<String>,
    /// The plan's claim types (of every version, in order of first use),
    /// four columns each.
    claims: Vec<String>,
    /// With several versions, the version, digest and framework that
    /// decided each row close it.
    versioned: bool,
}

/// The fixed columns before the claims' and after the attributes'.
const DECISION_COLUMNS: [&str; 5] = [
    "eligible",
    "problems",
    "attachment",
    "attachment_date",
    "principles_missing",
];
/// The columns of each claim, after its id and `_`.
const CLAIM_COLUMNS: [&str; 4] = ["status", "window", "earliest", "reason"];
/// The columns after the claims'.
const CLOSING_COLUMNS: [&str; 4] = ["route", "payable", "errors", "error_messages"];
/// The columns after those, with several versions of the plan: the
/// decision's `plan` (a transition can put one cohort's families under
/// different frameworks). One plan's rows go without, keeping their bytes.
const VERSION_COLUMNS: [&str; 4] = ["plan_version", "plan_digest", "versions_by", "framework"];

/// What joins the items of a list within one cell.
const LIST: &str = "; ";

impl Render {
    fn new(format: EvalFormat, plans: &PlanSet, attributes: Vec<String>) -> Render {
        match format {
            EvalFormat::Jsonl => Render::Jsonl,
            EvalFormat::Csv => {
                let mut claims: Vec<String> = Vec::new();
                for plan in plans.versions() {
                    for (id, _) in plan.claim_types() {
                        if !claims.iter().any(|known| known == id) {
                            claims.push(id.to_string());
                        }
                    }
                }
                Render::Csv(CsvColumns {
                    attributes,
                    claims,
                    versioned: plans.is_versioned(),
                })
            }
        }
    }

    /// What is written before the first outcome: the CSV header row, nothing
    /// for JSON Lines; `None` if it cannot be made.
    fn header(&self) -> Option<Vec<u8>> {
        let Render::Csv(columns) = self else {
            return Some(Vec::new());
        };
        let mut decision_columns: Vec<String> = DECISION_COLUMNS.map(String::from).to_vec();
        for claim in &columns.claims {
            decision_columns.extend(CLAIM_COLUMNS.map(|column| format!("{claim}_{column}")));
        }
        decision_columns.extend(CLOSING_COLUMNS.map(String::from));
        if columns.versioned {
            decision_columns.extend(VERSION_COLUMNS.map(String::from));
        }
        let mut header = vec!["family".to_string()];
        // An attribute named as another column is told apart by a prefix.
        header.extend(columns.attributes.iter().map(|name| {
            if name == "family" || decision_columns.contains(name) {
                format!("attribute_{name}")
            } else {
                name.clone()
            }
        }));
        header.extend(decision_columns);
        csv_bytes(&header)
    }

    fn render(&self, outcome: Outcome) -> Rendered {
        let bytes = match self {
            Render::Jsonl => {
                let mut bytes = Vec::with_capacity(1024);
                let written = match &outcome {
                    Outcome::Decided(decision, _) => serde_json::to_writer(&mut bytes, decision),
                    Outcome::Refused(refusal) => serde_json::to_writer(&mut bytes, refusal),
                };
                written.ok().map(|()| {
                    bytes.push(b'\n');
                    bytes
                })
            }
            Render::Csv(columns) => csv_bytes(&match &outcome {
                Outcome::Decided(decision, attributes) => csv_row(decision, attributes, columns),
                Outcome::Refused(refusal) => refused_row(refusal, columns),
            }),
        };
        match outcome {
            Outcome::Decided(decision, _) => Rendered {
                family: Some(decision.family),
                refusal: None,
                bytes,
            },
            Outcome::Refused(refusal) => Rendered {
                family: refusal.family.clone(),
                refusal: Some(refusal),
                bytes,
            },
        }
    }
}

/// One CSV row with its line break, quoted as the `csv` crate quotes.
fn csv_bytes(row: &[String]) -> Option<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(256)
        .from_writer(Vec::with_capacity(256));
    writer.write_record(row).ok()?;
    writer.into_inner().ok()
}

/// A decided family's row: its attributes, then the decision's columns.
fn csv_row(
    decision: &Decision,
    attributes: &BTreeMap<String, String>,
    columns: &CsvColumns,
) -> Vec<String> {
    let mut row = vec![decision.family.clone()];
    row.extend(
        columns
            .attributes
            .iter()
            .map(|name| attributes.get(name).cloned().unwrap_or_default()),
    );
    let attachment = &decision.attachment;
    row.extend([
        decision.eligible.to_string(),
        decision
            .problems
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        attachment.status.as_str().to_string(),
        day(attachment.date),
        attachment.missing.join(LIST),
    ]);
    for claim in &columns.claims {
        match decision.claims.iter().find(|c| c.claim_type == *claim) {
            Some(found) => row.extend([
                serde_name(&found.status),
                day(found.window),
                day(found.earliest),
                found.reason.clone().unwrap_or_default(),
            ]),
            None => row.extend(CLAIM_COLUMNS.map(|_| String::new())),
        }
    }
    row.extend([
        decision.route.join(LIST),
        decision.payable.to_decimal_string(),
        decision.errors.len().to_string(),
        messages(&decision.errors),
    ]);
    if columns.versioned {
        row.extend([
            decision.plan.version.clone().unwrap_or_default(),
            decision.plan.digest.clone(),
            decision
                .plan
                .versions_by
                .map_or("", VersionsBy::word)
                .to_string(),
            decision
                .plan
                .framework
                .as_ref()
                .map(serde_name)
                .unwrap_or_default(),
        ]);
    }
    row
}

/// A refused record's row: its family id if it gave one, `refused` for its
/// attachment, and its problems; no attribute, since none was read.
fn refused_row(refusal: &Refusal, columns: &CsvColumns) -> Vec<String> {
    let mut row = vec![refusal.family.clone().unwrap_or_default()];
    row.extend(columns.attributes.iter().map(|_| String::new()));
    row.extend(DECISION_COLUMNS.map(|column| match column {
        "attachment" => "refused".to_string(),
        _ => String::new(),
    }));
    row.extend(
        columns
            .claims
            .iter()
            .flat_map(|_| CLAIM_COLUMNS.map(|_| String::new())),
    );
    row.extend([
        String::new(),
        String::new(),
        refusal.errors.len().to_string(),
        messages(&refusal.errors),
    ]);
    if columns.versioned {
        row.extend(VERSION_COLUMNS.map(|_| String::new()));
    }
    row
}

/// Each problem of a record in words, never a value.
fn messages(problems: &[tfop::RecordProblem]) -> String {
    problems
        .iter()
        .map(problem_text)
        .collect::<Vec<_>>()
        .join(LIST)
}

fn day(day: Option<NaiveDate>) -> String {
    day.map(|day| day.to_string()).unwrap_or_default()
}

/// The snake_case name serde gives a status.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Every attribute name the families have, in order, found in a first pass
/// over the input (which reads only the names); none for standard input,
/// which cannot be read twice.
fn attribute_names(families: &Path) -> Result<Vec<String>, Exit> {
    if families.as_os_str() == "-" {
        return Ok(Vec::new());
    }
    let mut names = std::collections::BTreeSet::new();
    for record in records(families)? {
        // A fault of the input is reported by the pass that decides.
        let Ok(record) = record else { break };
        names.extend(record.attribute_names());
    }
    Ok(names.into_iter().collect())
}

fn write_failed() -> Exit {
    eprintln!("error: cannot write the decisions");
    Exit::Failure
}

pub(crate) fn eval(
    plan_paths: &[PathBuf],
    versions_by: VersionsBy,
    families: &Path,
    as_of: NaiveDate,
    output: Option<&Path>,
    format: EvalFormat,
    outputs: &Outputs,
) -> Exit {
    let plan = match load_plans(plan_paths, as_of, versions_by) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let blocks = match blocks(families) {
        Ok(blocks) => blocks,
        Err(exit) => return exit,
    };
    let out = match Destination::open(outputs, output) {
        Ok(out) => out,
        Err(error) => {
            let target = output.map_or("standard output".into(), |path| path.display().to_string());
            eprintln!("error: cannot write {target}: {error}");
            return Exit::Failure;
        }
    };
    let attributes = match format {
        EvalFormat::Csv => match attribute_names(families) {
            Ok(names) => names,
            Err(exit) => return exit,
        },
        EvalFormat::Jsonl => Vec::new(),
    };
    let render = Render::new(format, &plan, attributes);
    // Decisions arrive a few bytes each: one large buffer makes few writes.
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let header = render.header().ok_or_else(write_failed);
    if let Err(exit) = header.and_then(|header| out.write_all(&header).map_err(|_| write_failed()))
    {
        return exit;
    }
    let (mut read, mut decided, mut refused) = (0u64, 0u64, 0u64);
    let mut progress = Progress::start(output.is_none());
    let result = work_all(
        families,
        blocks,
        |record| render.render(decide(&plan, record, as_of)),
        |rendered| rendered.family.as_deref(),
        |record, rendered| {
            read += 1;
            let rendered =
                rendered.unwrap_or_else(|repeated| render.render(Outcome::Refused(repeated)));
            progress.record(rendered.refusal.is_some());
            match &rendered.refusal {
                None => decided += 1,
                Some(refusal) => {
                    refused += 1;
                    progress.aside(|| report_refusal(families, record, refusal));
                }
            }
            let bytes = rendered.bytes.ok_or_else(write_failed)?;
            out.write_all(&bytes).map_err(|_| write_failed())
        },
    )
    .and_then(|()| {
        let mut out = out.into_inner().map_err(|_| write_failed())?;
        out.flush().map_err(|_| write_failed())?;
        Ok(out)
    });
    drop(progress);
    // An error drops the output file unfinished: the target is left as it was.
    let out = match result {
        Ok(out) => out,
        Err(exit) => return exit,
    };
    if let Err(error) = out.commit() {
        let target = output.map_or("standard output".into(), |path| path.display().to_string());
        eprintln!("error: cannot write {target}: {error}");
        return Exit::Failure;
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
    plan_paths: &[PathBuf],
    versions_by: VersionsBy,
    families: &Path,
    wanted: &str,
    as_of: NaiveDate,
    format: Format,
) -> Exit {
    let plans = match load_plans(plan_paths, as_of, versions_by) {
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
        return match plans.explanation(|vocab| record.read(vocab), as_of) {
            Ok(explanation) => {
                let written = match format {
                    Format::Text => print(explanation.to_string().as_bytes()),
                    Format::Json => {
                        json_document(&explanation).and_then(|json| print(json.as_bytes()))
                    }
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
