//! `tfop diff`: the families whose decision changes between two plans.

use super::Exit;
use super::eval::{report_refusal, work_all};
use super::files::{blocks, load_plans};
use super::output::{Destination, Outputs, Target};
use super::progress::Progress;
use super::render::problem_text;
use super::tables::{Cell, Table, write_csv_folder, write_xlsx};
use chrono::NaiveDate;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tfop::cohort::{Change, ChangeKind, DiffHead, DiffTally, FamilyDiff, compare};
use tfop::io::Record;
use tfop::{ClaimStatus, Decision, Plan, PlanSet, Refusal};

/// What `tfop diff` was asked for.
pub(crate) struct DiffRequest<'a> {
    /// The old plan's versions.
    pub(crate) old: &'a [PathBuf],
    /// The new plan's versions.
    pub(crate) new: &'a [PathBuf],
    /// Which version decides an attached family, in both.
    pub(crate) versions_by: tfop::VersionsBy,
    pub(crate) families: &'a Path,
    pub(crate) as_of: NaiveDate,
    pub(crate) format: DiffFormat,
    /// Where the format's output goes (a folder for CSV); standard output
    /// when `None`.
    pub(crate) output: Option<&'a Path>,
    pub(crate) xlsx: Option<&'a Target>,
    pub(crate) outputs: &'a Outputs,
}

/// The output formats of `tfop diff`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// Each differing family in a few lines, then the counts.
    Text,
    /// One JSON document.
    Json,
    /// `families.csv`, `changes.csv` and `counts.csv`, into the folder `-o` names.
    Csv,
}

type Side = Result<Decision, Refusal>;

fn decide(plans: &PlanSet, record: &Record, as_of: NaiveDate) -> Side {
    super::files::decide(plans, record, as_of)
}

/// The family id a side gave, if it could be read.
fn family_of(side: &Side) -> Option<&str> {
    match side {
        Ok(decision) => Some(&decision.family),
        Err(refusal) => refusal.family.as_deref(),
    }
}

/// One decision in a few lines: eligibility, problems, attachment, payable,
/// then each claim with its status, earliest day and reason.
fn side_text(name: &str, side: &Side) -> String {
    let decision = match side {
        Ok(decision) => decision,
        Err(refusal) => {
            let errors: Vec<String> = refusal.errors.iter().map(problem_text).collect();
            return format!("  {name}: refused: {}\n", errors.join("; "));
        }
    };
    let problems = decision.problem_list().map_or_else(
        || "no problems".to_string(),
        |list| format!("problems {list}"),
    );
    let missing = if decision.attachment.missing.is_empty() {
        String::new()
    } else {
        format!(" (missing {})", decision.attachment.missing.join(", "))
    };
    let mut out = format!(
        "  {name}: {}; {problems}; {}{missing}; payable {}\n",
        if decision.eligible {
            "eligible"
        } else {
            "not eligible"
        },
        decision.attachment.status.as_str(),
        decision.payable.to_decimal_string()
    );
    for claim in &decision.claims {
        let when = match (claim.status, claim.earliest) {
            (ClaimStatus::Claimable, Some(day)) => format!(" since {day}"),
            (ClaimStatus::NotYet, Some(day)) => format!(" from {day}"),
            (ClaimStatus::NotYet, None) => " (never without a change)".to_string(),
            _ => String::new(),
        };
        let reason = claim
            .reason
            .as_ref()
            .map(|reason| format!(": {reason}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "    claim {} {} {}{when}{reason}\n",
            claim.claim_type,
            claim.status.as_str(),
            claim.amount.to_decimal_string()
        ));
    }
    out
}

fn change_text(change: &Change) -> String {
    let subject = match (&change.claim, change.kind) {
        (Some(claim), ChangeKind::ClaimStatus) => format!("claim {claim} status"),
        (Some(claim), ChangeKind::ClaimAmount) => format!("claim {claim} amount"),
        (Some(claim), ChangeKind::ClaimEarliest) => format!("claim {claim} earliest"),
        (Some(claim), ChangeKind::ClaimWindow) => format!("claim {claim} window"),
        (_, kind) => kind.as_str().to_string(),
    };
    format!("  {subject}: {} → {}\n", change.old, change.new)
}

/// Streams the differing families to standard output as text or as one JSON
/// document, so memory stays flat however large the cohort.
struct Output<W: Write> {
    out: W,
    format: DiffFormat,
    first: bool,
    /// The tables, when CSV files or a workbook are written.
    tables: Option<DiffTables>,
}

/// A row per differing family and a row per change, for CSV and a workbook.
struct DiffTables {
    families: Table,
    changes: Table,
}

impl DiffTables {
    fn new() -> DiffTables {
        DiffTables {
            families: Table::new(
                "families",
                "Families whose decision differs",
                &[
                    "family",
                    "line",
                    "changes",
                    "old attachment",
                    "new attachment",
                    "old payable",
                    "new payable",
                ],
            ),
            changes: Table::new(
                "changes",
                "Each difference",
                &["family", "line", "change", "claim", "old", "new"],
            ),
        }
    }

    fn add(&mut self, family: Option<&str>, line: u64, old: &Side, new: &Side, changes: &[Change]) {
        let family = Cell::from(family.unwrap_or("(no id)"));
        let attachment = |side: &Side| match side {
            Ok(decision) => Cell::from(decision.attachment.status.as_str()),
            Err(_) => Cell::from("refused"),
        };
        let payable = |side: &Side| match side {
            Ok(decision) => Cell::Money(decision.payable),
            Err(_) => Cell::Empty,
        };
        self.families.rows.push(vec![
            family.clone(),
            Cell::Line(line),
            Cell::Count(changes.len() as u64),
            attachment(old),
            attachment(new),
            payable(old),
            payable(new),
        ]);
        for change in changes {
            self.changes.rows.push(vec![
                family.clone(),
                Cell::Line(line),
                Cell::from(change.kind.as_str()),
                change.claim.clone().map_or(Cell::Empty, Cell::Text),
                Cell::from(change.old.as_str()),
                Cell::from(change.new.as_str()),
            ]);
        }
    }

    /// Every table, the counts last.
    fn finish(self, tally: &DiffTally) -> Vec<Table> {
        let mut counts = Table::new(
            "counts",
            "Families compared and differences by kind",
            &["figure", "count"],
        );
        counts.rows = vec![
            vec!["compared".into(), Cell::Count(tally.compared)],
            vec!["differ".into(), Cell::Count(tally.differing)],
            vec![
                "refused by both plans".into(),
                Cell::Count(tally.refused_by_both),
            ],
        ];
        for kind in ChangeKind::ALL {
            let count = tally.by_kind.get(&kind).copied().unwrap_or(0);
            counts
                .rows
                .push(vec![kind.as_str().into(), Cell::Count(count)]);
        }
        vec![self.families, self.changes, counts]
    }
}

impl<W: Write> Output<W> {
    fn start(&mut self, old: &Plan, new: &Plan, as_of: NaiveDate) -> std::io::Result<()> {
        if self.format == DiffFormat::Json {
            let head = serde_json::to_value(DiffHead::new(old, new, as_of))?.to_string();
            // The object is left open for the families that follow.
            let open = head.strip_suffix('}').unwrap_or(&head);
            write!(self.out, "{open},\"families\":[")?;
        }
        Ok(())
    }

    fn family(
        &mut self,
        record: &Record,
        old: &Side,
        new: &Side,
        changes: &[Change],
    ) -> std::io::Result<()> {
        let family = match (old, new) {
            (Ok(decision), _) | (_, Ok(decision)) => Some(decision.family.clone()),
            (Err(refusal), _) => refusal.family.clone(),
        };
        if let Some(tables) = &mut self.tables {
            tables.add(family.as_deref(), record.line(), old, new, changes);
        }
        match self.format {
            DiffFormat::Csv => Ok(()),
            DiffFormat::Text => {
                let mut text = format!(
                    "{} (line {})\n",
                    family.as_deref().unwrap_or("(no id)"),
                    record.line()
                );
                for change in changes {
                    text.push_str(&change_text(change));
                }
                text.push_str(&side_text("old", old));
                text.push_str(&side_text("new", new));
                text.push('\n');
                self.out.write_all(text.as_bytes())
            }
            DiffFormat::Json => {
                let entry = serde_json::to_value(FamilyDiff {
                    family: family.as_deref(),
                    line: record.line(),
                    changes,
                    old: old.as_ref().into(),
                    new: new.as_ref().into(),
                })?;
                if !self.first {
                    self.out.write_all(b",")?;
                }
                self.first = false;
                write!(self.out, "\n{entry}")
            }
        }
    }

    /// Writes the closing counts; returns the writer and the tables.
    fn finish(
        mut self,
        tally: &DiffTally,
        as_of: NaiveDate,
    ) -> std::io::Result<(W, Option<Vec<Table>>)> {
        match self.format {
            DiffFormat::Csv => {}
            DiffFormat::Text => {
                let mut text = format!(
                    "Compared {} families as of {as_of}: {} differ, {} refused by both plans\n",
                    tally.compared, tally.differing, tally.refused_by_both
                );
                for kind in ChangeKind::ALL {
                    if let Some(count) = tally.by_kind.get(&kind) {
                        text.push_str(&format!("  {:<15} {count}\n", kind.as_str()));
                    }
                }
                self.out.write_all(text.as_bytes())?;
            }
            DiffFormat::Json => {
                let counts = serde_json::to_value(tally.counts())?;
                write!(self.out, "\n],\"counts\":{counts}}}\n")?;
            }
        }
        self.out.flush()?;
        let tables = self.tables.map(|tables| tables.finish(tally));
        Ok((self.out, tables))
    }
}

pub(crate) fn diff(request: &DiffRequest) -> Exit {
    let old = match load_plans(request.old, request.as_of, request.versions_by) {
        Ok(plans) => plans,
        Err(exit) => return exit,
    };
    let new = match load_plans(request.new, request.as_of, request.versions_by) {
        Ok(plans) => plans,
        Err(exit) => return exit,
    };
    // The heading names the versions in force on the day decided.
    let (Ok(old_now), Ok(new_now)) = (old.for_as_of(request.as_of), new.for_as_of(request.as_of))
    else {
        return Exit::Failure;
    };
    let blocks = match blocks(request.families) {
        Ok(blocks) => blocks,
        Err(exit) => return exit,
    };
    let as_of = request.as_of;
    if request.format == DiffFormat::Csv && request.output.is_none() {
        eprintln!("error: --format csv writes a file per table; name their folder with -o DIR");
        return Exit::Failure;
    }
    // CSV goes to files of its own: nothing is streamed.
    let streamed = request.output.filter(|_| request.format != DiffFormat::Csv);
    let target = streamed.map_or("standard output".into(), |path| path.display().to_string());
    let out = match Destination::open(request.outputs, streamed) {
        Ok(out) => out,
        Err(error) => {
            eprintln!("error: cannot write {target}: {error}");
            return Exit::Failure;
        }
    };
    let wants_tables = request.format == DiffFormat::Csv || request.xlsx.is_some();
    let mut output = Output {
        out: BufWriter::new(out),
        format: request.format,
        first: true,
        tables: wants_tables.then(DiffTables::new),
    };
    let write_failed = |error: std::io::Error| {
        eprintln!("error: cannot write {target}: {error}");
        Exit::Failure
    };
    if let Err(error) = output.start(old_now, new_now, as_of) {
        return write_failed(error);
    }
    let mut tally = DiffTally::default();
    let too_many = |error: tfop::cohort::CohortOverflow| {
        eprintln!("error: {error}");
        Exit::Failure
    };
    let mut progress = Progress::start(request.output.is_none());
    let compared = work_all(
        request.families,
        blocks,
        |record| {
            let (before, after) = (decide(&old, record, as_of), decide(&new, record, as_of));
            let changes = compare(before.as_ref(), after.as_ref());
            (before, after, changes)
        },
        |(before, after, _)| family_of(before).or_else(|| family_of(after)),
        |record, compared| {
            let (before, after, changes) = match compared {
                Ok(compared) => {
                    progress.record(compared.0.is_err() && compared.1.is_err());
                    compared
                }
                Err(repeated) => {
                    progress.record(true);
                    progress.aside(|| report_refusal(request.families, record, &repeated));
                    return tally.add(&[], true).map_err(too_many);
                }
            };
            if let Some(refusal) = before.as_ref().err().or(after.as_ref().err()) {
                progress.aside(|| report_refusal(request.families, record, refusal));
            }
            tally
                .add(&changes, before.is_err() && after.is_err())
                .map_err(too_many)?;
            if changes.is_empty() {
                return Ok(());
            }
            output
                .family(record, &before, &after, &changes)
                .map_err(write_failed)
        },
    );
    drop(progress);
    if let Err(exit) = compared {
        return exit;
    }
    let tables = match output.finish(&tally, as_of) {
        Ok((out, tables)) => match out.into_inner().map_err(|error| error.into_error()) {
            Ok(out) => match out.commit() {
                Ok(()) => tables,
                Err(error) => return write_failed(error),
            },
            Err(error) => return write_failed(error),
        },
        Err(error) => return write_failed(error),
    };
    let tables = tables.unwrap_or_default();
    if let (DiffFormat::Csv, Some(folder)) = (request.format, request.output) {
        if let Err(exit) = write_csv_folder(folder, &tables, request.outputs) {
            return exit;
        }
    }
    if let Some(target) = request.xlsx {
        if let Err(exit) = write_xlsx(target, &tables, request.outputs) {
            return exit;
        }
    }
    if tally.differing > 0 {
        Exit::Differences
    } else if tally.refused_by_both > 0 {
        Exit::SomeRefused
    } else {
        Exit::Success
    }
}
