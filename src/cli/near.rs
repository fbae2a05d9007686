//! `tfop claims --near`: the near-miss worklist of a claim window, as CSV or
//! JSON Lines, soonest day first, with the money at stake on standard error.

use super::Exit;
use super::claims::{
    ClaimsFormat, ClaimsRequest, csv_with_attributes, decide_on_window, deliver,
    jsonl_with_attributes, optional_day, window_run,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use tfop::cohort::{NearKind, NearMiss, at_stake, near_miss, pounds};
use tfop::num::Pence;

/// A family on the worklist with its attributes.
type Near = (BTreeMap<String, String>, NearMiss);

/// The columns every row has, before the family's attributes.
const COLUMNS: [&str; 11] = [
    "family",
    "kind",
    "claim",
    "blocking",
    "earliest",
    "window",
    "claimable_in",
    "amount",
    "reason",
    "plan_version",
    "plan_digest",
];

const WORKLIST: &str = "the near-miss worklist";

fn csv(rows: &[Near]) -> Result<Vec<u8>, Exit> {
    let rows: Vec<_> = rows
        .iter()
        .map(|(attributes, row)| (attributes, row))
        .collect();
    csv_with_attributes(&COLUMNS, &rows, WORKLIST, |row| {
        vec![
            row.family.clone(),
            row.kind.as_str().to_string(),
            row.claim.clone(),
            row.blocking.join(" "),
            optional_day(row.earliest),
            optional_day(row.window),
            optional_day(row.claimable_in),
            row.amount.to_decimal_string(),
            row.reason.clone().unwrap_or_default(),
            row.plan_version.clone().unwrap_or_default(),
            row.plan_digest.clone(),
        ]
    })
}

fn jsonl(rows: &[Near]) -> Result<Vec<u8>, Exit> {
    let rows: Vec<_> = rows
        .iter()
        .map(|(attributes, row)| (attributes, row))
        .collect();
    jsonl_with_attributes(&rows, WORKLIST)
}

/// The worklist's count and money on standard error, with how many rows
/// are lost claims and top-ups when there are any.
fn summary(window: NaiveDate, rows: &[Near], stake: Pence) -> String {
    let families = match rows.len() {
        1 => "1 family".to_string(),
        count => format!("{count} families"),
    };
    let of_kind = |kind| rows.iter().filter(|(_, row)| row.kind == kind).count();
    let mut kinds = Vec::new();
    match of_kind(NearKind::Lost) {
        0 => {}
        lost => kinds.push(format!("{lost} lost since an earlier window")),
    }
    match of_kind(NearKind::TopUp) {
        0 => {}
        1 => kinds.push("1 a top-up".to_string()),
        top_ups => kinds.push(format!("{top_ups} top-ups")),
    }
    let kinds = if kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", kinds.join(", "))
    };
    format!(
        "near misses at claim window {window}: {families} one condition away{kinds}, {} at stake",
        pounds(stake)
    )
}

pub(crate) fn near(request: &ClaimsRequest) -> Exit {
    let (plans, blocks) = match window_run(request) {
        Ok(run) => run,
        Err(exit) => return exit,
    };
    let window = request.window;
    let mut rows: Vec<Near> = Vec::new();
    let refused = match decide_on_window(
        request,
        &plans,
        blocks,
        |plan, family, decision| {
            near_miss(plan, &family, decision).map(|row| (family.attributes, row))
        },
        |_, row| rows.extend(row),
    ) {
        Ok(refused) => refused,
        Err(exit) => return exit,
    };
    rows.sort_by(|(_, a), (_, b)| a.clears_first(b));
    let stake = match at_stake(rows.iter().map(|(_, row)| row)) {
        Ok(stake) => stake,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::Failure;
        }
    };
    let bytes = match request.format {
        ClaimsFormat::Csv => csv(&rows),
        ClaimsFormat::Jsonl => jsonl(&rows),
    };
    if let Err(exit) = bytes.and_then(|bytes| deliver(request, &bytes)) {
        return exit;
    }
    eprintln!("{}", summary(window, &rows, stake));
    if refused > 0 {
        Exit::SomeRefused
    } else {
        Exit::Success
    }
}
