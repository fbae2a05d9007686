//! `tfop diff`: the families whose decision changes between two plans.

use super::Exit;
use super::eval::{report_refusal, work_all};
use super::files::{load_plan, records};
use super::render::Format;
use chrono::NaiveDate;
use std::io::{BufWriter, Write};
use std::path::Path;
use tfop::cohort::{Change, ChangeKind, DiffHead, DiffTally, FamilyDiff, compare};
use tfop::io::Record;
use tfop::{ClaimStatus, Decision, Plan, Refusal};

/// What `tfop diff` was asked for.
pub(crate) struct DiffRequest<'a> {
    pub(crate) old: &'a Path,
    pub(crate) new: &'a Path,
    pub(crate) families: &'a Path,
    pub(crate) as_of: NaiveDate,
    pub(crate) format: Format,
}

type Side = Result<Decision, Refusal>;

fn decide(plan: &Plan, record: &Record, as_of: NaiveDate) -> Side {
    record
        .read(plan.vocabulary())
        .map(|family| plan.evaluate(&family, as_of))
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
            let errors: Vec<String> = refusal
                .errors
                .iter()
                .map(|problem| match &problem.field {
                    Some(field) => {
                        format!("{} field `{field}`: {}", problem.record, problem.kind)
                    }
                    None => format!("{}: {}", problem.record, problem.kind),
                })
                .collect();
            return format!("  {name}: refused: {}\n", errors.join("; "));
        }
    };
    let problems = if decision.problems.is_empty() {
        "no problems".to_string()
    } else {
        format!(
            "problems {}",
            decision
                .problems
                .iter()
                .map(|problem| problem.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
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
    format: Format,
    first: bool,
}

impl<W: Write> Output<W> {
    fn start(&mut self, old: &Plan, new: &Plan, as_of: NaiveDate) -> std::io::Result<()> {
        if self.format == Format::Json {
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
        match self.format {
            Format::Text => {
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
            Format::Json => {
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

    fn finish(mut self, tally: &DiffTally, as_of: NaiveDate) -> std::io::Result<()> {
        match self.format {
            Format::Text => {
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
            Format::Json => {
                let counts = serde_json::to_value(tally.counts())?;
                write!(self.out, "\n],\"counts\":{counts}}}\n")?;
            }
        }
        self.out.flush()
    }
}

pub(crate) fn diff(request: &DiffRequest) -> Exit {
    let old = match load_plan(request.old) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let new = match load_plan(request.new) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let records = match records(request.families) {
        Ok(records) => records,
        Err(exit) => return exit,
    };
    let as_of = request.as_of;
    let mut output = Output {
        out: BufWriter::new(std::io::stdout().lock()),
        format: request.format,
        first: true,
    };
    let write_failed = |error: std::io::Error| {
        eprintln!("error: cannot write the differences: {error}");
        Exit::Failure
    };
    if let Err(error) = output.start(&old, &new, as_of) {
        return write_failed(error);
    }
    let mut tally = DiffTally::default();
    let too_many = |error: tfop::cohort::CohortOverflow| {
        eprintln!("error: {error}");
        Exit::Failure
    };
    let compared = work_all(
        request.families,
        records,
        |record| {
            let (before, after) = (decide(&old, record, as_of), decide(&new, record, as_of));
            let changes = compare(before.as_ref(), after.as_ref());
            (before, after, changes)
        },
        |(before, after, _)| family_of(before).or_else(|| family_of(after)),
        |record, compared| {
            let (before, after, changes) = match compared {
                Ok(compared) => compared,
                Err(repeated) => {
                    report_refusal(request.families, record, &repeated);
                    return tally.add(&[], true).map_err(too_many);
                }
            };
            if let Some(refusal) = before.as_ref().err().or(after.as_ref().err()) {
                report_refusal(request.families, record, refusal);
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
    if let Err(exit) = compared {
        return exit;
    }
    if let Err(error) = output.finish(&tally, as_of) {
        return write_failed(error);
    }
    if tally.differing > 0 {
        Exit::Differences
    } else if tally.refused_by_both > 0 {
        Exit::SomeRefused
    } else {
        Exit::Success
    }
}
