//! `tfop claims`: the claim file of a claim window, checked against rows
//! worked by hand, and against `tfop report` for the same cohort and day.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{read, scratch, text, tfop, write};
use serde_json::Value;

const COHORT: &str = "examples/cohort/families.jsonl";
const LANCASHIRE_2016: &str = "examples/plans/lancashire-2016.tfop";
const DIGEST: &str = "sha256:b765e1f8cf3b3b9e67c8bdac779b3c5796157b9b34ee39b86ef0388aaa486608";

/// The shipped example cohort under the Lancashire 2016 plan, which states
/// no claim windows (so any day is one), on 31 March 2017: 25 families
/// claimable and not yet claimed, one claim each, £800 each.
///
/// Worked by hand for the employment rows (income support, incapacity
/// benefit and ESA need 13 weeks, 91 days, of work within 15 weeks; JSA
/// and universal credit 26 weeks, 182 days, within 30), each job still
/// open: F-000005's P1 was on ESA (e14) from 21 August 2014 to 1 September
/// 2016, so at the attachment of 18 September 2015 (e63), and in work from
/// 28 September 2016 (e79): the 91st day is 27 December 2016. F-000006's
/// P1 was on income support (e38) from 20 April 2015 to 25 January 2016,
/// so at the attachment of 14 September 2015 (e50), and in work from 8
/// February 2016 (e56): the 91st day is 8 May 2016. F-000009's P1 was on
/// income support (e1) from 30 March 2013 to 18 September 2015, so at the
/// attachment of 6 June 2015 (e23), and in work from 1 October 2015 (e27):
/// the 91st day is 30 December 2015. F-000020's P2 was on incapacity
/// benefit (e2) from 12 March 2014 to 28 December 2015, so at the
/// attachment of 27 July 2015 (e15), and in work from 22 January 2016
/// (e23): the 91st day is 21 April 2016; P1, on JSA from 4 May 2013 (e1)
/// and still, never worked, and is cited as an adult the claim is of.
/// F-000031's P2 was on JSA (e1) from 7 October 2012 to 11 February 2016,
/// so at the attachment of 31 May 2015 (e29), and in work from 16 February
/// 2016 (e40): the 182nd day is 15 August 2016; P1, on income support at
/// attachment (e15), never worked. None of the five is claimable by
/// `progress` on the day: F-000009's (21 July 2017), F-000031's (17
/// September 2017), F-000005's (2022) and F-000006's (2029) progress claim
/// is still to come, and F-000020 has none without a change (P1's JSA is
/// open), so employment is the route. F-000004 is claimable by both routes
/// at £800: its P2 on incapacity benefit (e1) at the attachment of 19
/// December 2014 (e10) and in work from 10 March 2015 (e13) gives
/// employment from 8 June 2015, and its work problem (P1's universal
/// credit, e2, ending 15 April 2015, sustained for 6 months, after its
/// children in need, ending 10 April 2015) gives progress from 15 October
/// 2015: equal amounts, so the route is the first in plan order,
/// `progress`, as it is for F-000011, F-000025, F-000027, F-000042 and
/// F-000050. F-000017, attached on 18 October 2014 (e10) with work (P1's
/// benefit, e1, ending 2 February 2015) and domestic abuse (an incident on
/// 25 June 2014), has progressed on both, sustained for 6 months, from 2
/// August 2015. The other progress rows' days and evidence are left to the
/// decision's own tests.
#[test]
fn the_claim_file_of_the_example_cohort_matches_the_rows_worked_by_hand() {
    let output = tfop(&["claims", LANCASHIRE_2016, COHORT, "--window", "2017-03-31"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "family,route,claim,amount,earliest,window,plan_version,plan_digest,evidence,discretionary,approved_by,approved_on,district,lp_agency"
        )
    );
    // family, route and claim, amount, earliest, evidence (employment only), district, agency
    let expected = [
        (
            "F-000001",
            "progress",
            "2016-04-01",
            None,
            "Burnley",
            "WPEHS-CC",
        ),
        (
            "F-000002",
            "progress",
            "2016-06-08",
            None,
            "Wyre",
            "WPEHS-YPS",
        ),
        (
            "F-000003",
            "progress",
            "2016-02-07",
            None,
            "Lancaster",
            "WPEHS-YPS",
        ),
        (
            "F-000004",
            "progress",
            "2015-10-15",
            None,
            "Lancaster",
            "WPEHS-YPS",
        ),
        (
            "F-000005",
            "employment",
            "2016-12-27",
            Some("e14 e58 e61 e62 e63 e79"),
            "Lancaster",
            "WPEHS-YPS",
        ),
        (
            "F-000006",
            "employment",
            "2016-05-08",
            Some("e38 e43 e48 e49 e50 e56"),
            "Burnley",
            "WPEHS-CC",
        ),
        (
            "F-000007",
            "progress",
            "2016-07-27",
            None,
            "Burnley",
            "WPEHS-CC",
        ),
        (
            "F-000009",
            "employment",
            "2015-12-30",
            Some("e1 e20 e21 e22 e23 e27"),
            "Burnley",
            "CSC",
        ),
        (
            "F-000010",
            "progress",
            "2016-12-29",
            None,
            "Chorley",
            "WPEHS-YPS",
        ),
        (
            "F-000011",
            "progress",
            "2016-10-03",
            None,
            "Lancaster",
            "WPEHS-YPS",
        ),
        (
            "F-000017",
            "progress",
            "2015-08-02",
            None,
            "Burnley",
            "WPEHS-YPS",
        ),
        ("F-000019", "progress", "2015-11-07", None, "Preston", "CSC"),
        (
            "F-000020",
            "employment",
            "2016-04-21",
            Some("e1 e2 e12 e13 e14 e15 e23"),
            "Burnley",
            "WPEHS-CC",
        ),
        (
            "F-000023",
            "progress",
            "2015-11-10",
            None,
            "Burnley",
            "WPEHS-CC",
        ),
        (
            "F-000025",
            "progress",
            "2016-11-15",
            None,
            "Blackpool",
            "WPEHS-YPS",
        ),
        (
            "F-000027",
            "progress",
            "2015-09-16",
            None,
            "Blackpool",
            "CSC",
        ),
        (
            "F-000029",
            "progress",
            "2016-03-02",
            None,
            "Blackpool",
            "WPEHS-CC",
        ),
        ("F-000030", "progress", "2016-09-27", None, "Chorley", "CSC"),
        (
            "F-000031",
            "employment",
            "2016-08-15",
            Some("e1 e15 e25 e27 e28 e29 e40"),
            "Burnley",
            "CSC",
        ),
        ("F-000037", "progress", "2017-01-13", None, "Chorley", "CSC"),
        (
            "F-000038",
            "progress",
            "2016-07-26",
            None,
            "Preston",
            "WPEHS-CC",
        ),
        (
            "F-000039",
            "progress",
            "2016-02-08",
            None,
            "Preston",
            "WPEHS-CC",
        ),
        (
            "F-000041",
            "progress",
            "2016-08-23",
            None,
            "Lancaster",
            "CSC",
        ),
        ("F-000042", "progress", "2016-07-11", None, "Wyre", "CSC"),
        (
            "F-000050",
            "progress",
            "2016-09-29",
            None,
            "Preston",
            "WPEHS-CC",
        ),
    ];
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    assert_eq!(rows.len(), expected.len(), "{stdout}");
    for (row, (family, route, earliest, evidence, district, agency)) in rows.iter().zip(expected) {
        let fixed = [family, route, route, "800.00", earliest, "", "2016", DIGEST];
        assert_eq!(&row[..8], &fixed, "{stdout}");
        if let Some(evidence) = evidence {
            assert_eq!(row[8], evidence, "{stdout}");
        }
        assert_eq!(&row[9..], &["false", "", "", district, agency], "{stdout}");
    }
    assert_eq!(
        text(&output.stderr),
        "claim window 2017-03-31: 25 families, 25 claims, £20,000.00\n  employment: 5 families, 5 claims, £4,000.00\n  progress: 20 families, 20 claims, £16,000.00\n"
    );
}

/// The same claims as JSON Lines, the attributes under `attributes`, and
/// written atomically to `-o FILE` with nothing on standard output.
#[test]
fn the_claim_file_as_json_lines_to_a_file() {
    let folder = scratch("claim_file_jsonl");
    let path = folder.join("claims.jsonl");
    let output = tfop(&[
        "claims",
        LANCASHIRE_2016,
        COHORT,
        "--window",
        "2017-03-31",
        "--format",
        "jsonl",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<Value> = written
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 25);
    assert_eq!(
        rows[12],
        serde_json::json!({
            "family": "F-000020", "route": "employment", "claim": "employment",
            "amount": "800.00", "earliest": "2016-04-21", "window": null,
            "plan_version": "2016", "plan_digest": DIGEST, "evidence": ["e1", "e2", "e12", "e13", "e14", "e15", "e23"],
            "discretionary": false,
            "attributes": {"district": "Burnley", "lp_agency": "WPEHS-CC"},
        })
    );
}

/// A day that is not one of the plan's claim windows is refused, naming
/// the windows around it; the window's own day is accepted.
#[test]
fn a_day_that_is_not_a_claim_window_is_refused() {
    let plan = "examples/plans/lancashire-2013.tfop";
    let output = tfop(&["claims", plan, COHORT, "--window", "2014-01-02"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        text(&output.stderr),
        "error: --window 2014-01-02 is not one of the plan's claim windows; the windows around it open on 2014-01-01 and 2014-07-01; give a window's day\n"
    );
    let output = tfop(&["claims", plan, COHORT, "--window", "2014-01-01"]);
    assert_ne!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("claim window 2014-01-01: "));
}

/// `report` and `claims` count the same families and the same money for
/// the same cohort and day, under every shipped plan.
#[test]
fn report_claims_and_diff_agree_on_every_count() {
    let plans = [
        ("lancashire-2016", "2017-03-31"),
        ("lancashire-2016", "2018-06-30"),
        ("national-phase2", "2017-03-31"),
        ("leicestershire-2017", "2018-03-31"),
        ("wolverhampton-2018", "2019-03-31"),
        ("lancashire-2013", "2014-07-01"),
        ("barnet-2012", "2015-01-01"),
        ("national-phase1", "2015-01-01"),
    ];
    for (plan, day) in plans {
        let path = format!("examples/plans/{plan}.tfop");
        let report = tfop(&["report", &path, COHORT, "--as-of", day, "--format", "json"]);
        let report: Value = serde_json::from_slice(&report.stdout).unwrap();
        let claims = tfop(&[
            "claims", &path, COHORT, "--window", day, "--format", "jsonl",
        ]);
        assert_eq!(
            report["totals"]["refused"].as_u64() == Some(0),
            claims.status.code() == Some(0),
            "{plan}: {}",
            text(&claims.stderr)
        );
        let rows: Vec<Value> = text(&claims.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let mut families: Vec<&str> = rows
            .iter()
            .map(|row| row["family"].as_str().unwrap())
            .collect();
        families.dedup();
        let pence: i64 = rows
            .iter()
            .map(|row| {
                row["amount"]
                    .as_str()
                    .unwrap()
                    .replace('.', "")
                    .parse::<i64>()
                    .unwrap()
            })
            .sum();
        let payable: i64 = report["totals"]["results_payable"]
            .as_str()
            .unwrap()
            .replace('.', "")
            .parse()
            .unwrap();
        assert_eq!(
            families.len() as u64,
            report["totals"]["claimable"].as_u64().unwrap(),
            "{plan} on {day}: claimable families"
        );
        assert_eq!(pence, payable, "{plan} on {day}: money");
        let summary = text(&claims.stderr);
        assert!(
            summary.contains(&format!("claim window {day}: {} famil", families.len())),
            "{plan}: {summary}"
        );
        // diff of the plan against itself compares every record report read,
        // refuses the same ones and finds no decision differing.
        let diff = tfop(&[
            "diff", &path, &path, COHORT, "--as-of", day, "--format", "json",
        ]);
        let diff: Value = serde_json::from_slice(&diff.stdout).unwrap();
        assert_eq!(
            diff["counts"]["compared"], report["totals"]["read"],
            "{plan} on {day}: records"
        );
        assert_eq!(
            diff["counts"]["refused_by_both"], report["totals"]["refused"],
            "{plan} on {day}: refused"
        );
        assert_eq!(diff["counts"]["differing"], 0, "{plan} on {day}");
    }
}

/// The near-miss worklist of the same cohort and day: the attached families
/// not claimable on 31 March 2017 with a claim that becomes possible later
/// if nothing changes, soonest first. F-000005, F-000006, F-000009 and
/// F-000031 also have a progress claim to come but are claimable by
/// `employment` now, so they are in the claim file instead; F-000026 and
/// F-000048 are never claimable without a change (an out-of-work benefit,
/// e1, open since 2011, and a child in need, e42, open on the day).
#[test]
fn the_near_miss_worklist_is_sorted_by_day_and_apart_from_the_claim_file() {
    let near = tfop(&[
        "claims",
        LANCASHIRE_2016,
        COHORT,
        "--window",
        "2017-03-31",
        "--near",
        "--format",
        "jsonl",
    ]);
    assert_eq!(near.status.code(), Some(0), "{}", text(&near.stderr));
    assert_eq!(
        text(&near.stderr),
        "near misses at claim window 2017-03-31: 5 families one condition away, £4,000.00 at stake\n"
    );
    let rows: Vec<Value> = text(&near.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let seen: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row["family"].as_str().unwrap(),
                row["claim"].as_str().unwrap(),
                row["earliest"].as_str().unwrap(),
                row["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("F-000036", "progress", "2017-06-20", "800.00"),
            ("F-000008", "progress", "2017-07-21", "800.00"),
            ("F-000032", "progress", "2017-07-21", "800.00"),
            ("F-000045", "progress", "2017-07-21", "800.00"),
            ("F-000016", "progress", "2017-12-18", "800.00"),
        ]
    );
    let days: Vec<&str> = seen.iter().map(|row| row.2).collect();
    assert!(days.is_sorted(), "{days:?}");
    // F-000036's last anti-social behaviour incident (e41) was on 20
    // December 2016, so crime, sustained for 6 months, blocks its progress
    // claim until 20 June 2017; the plan states no windows.
    assert_eq!(rows[0]["blocking"], serde_json::json!(["crime"]));
    assert_eq!(rows[0]["window"], Value::Null);
    assert_eq!(rows[0]["plan_digest"], DIGEST);
    assert_eq!(rows[0]["attributes"]["district"], "Chorley");

    let claims = tfop(&["claims", LANCASHIRE_2016, COHORT, "--window", "2017-03-31"]);
    assert_eq!(claims.status.code(), Some(0), "{}", text(&claims.stderr));
    let claimed: Vec<String> = text(&claims.stdout)
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(claimed.len(), 25);
    for (family, ..) in &seen {
        assert!(
            !claimed.iter().any(|claimed| claimed == family),
            "{family} is both claimed and a near miss"
        );
    }
}

#[test]
fn the_near_miss_worklist_as_csv_has_a_row_a_family() {
    let near = tfop(&[
        "claims",
        LANCASHIRE_2016,
        COHORT,
        "--window",
        "2017-03-31",
        "--near",
    ]);
    assert_eq!(near.status.code(), Some(0), "{}", text(&near.stderr));
    let stdout = text(&near.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "family,kind,claim,blocking,earliest,window,claimable_in,amount,reason,plan_version,plan_digest,district,lp_agency"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "F-000036,near,progress,crime,2017-06-20,,,800.00,problem `crime` has met its significant-progress measure since 2016-12-21 but is not sustained until 2017-06-20,2016,sha256:b765e1f8cf3b3b9e67c8bdac779b3c5796157b9b34ee39b86ef0388aaa486608,Chorley,WPEHS-CC"
        )
    );
    assert_eq!(lines.count(), 4);
}

const PHASE1: &str = "examples/plans/national-phase1.tfop";
/// Three families under the national phase 1 plan (claim windows every 6
/// months from 1 January 2013), attached on 2 July 2012:
/// - LOST meets the crime and education result on 15 November 2012 (£700),
///   so is claimable in the window of 1 January 2013, is never claimed, and
///   a third fixed-term exclusion on 20 February 2013 loses the result;
/// - CLAIMED is LOST with the claim made on 1 February 2013: not lost;
/// - TOPUP was claimed for the crime result on 15 December 2012 and has
///   been in work since 1 November 2012: 13 weeks on 30 January 2013, when
///   continuous employment tops the £700 up by £100 to the £800 cap.
const LOST_AND_TOP_UP: &str = "examples/families/phase1-lost-and-top-up.jsonl";

fn near_rows(window: &str) -> (String, Vec<Value>) {
    let near = tfop(&[
        "claims",
        PHASE1,
        LOST_AND_TOP_UP,
        "--window",
        window,
        "--near",
        "--format",
        "jsonl",
    ]);
    assert_eq!(near.status.code(), Some(0), "{}", text(&near.stderr));
    let rows = text(&near.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (text(&near.stderr), rows)
}

#[test]
fn a_claim_that_would_top_up_an_earlier_one_is_a_near_miss_at_the_difference() {
    let (summary, rows) = near_rows("2013-01-01");
    assert_eq!(
        summary,
        "near misses at claim window 2013-01-01: 1 family one condition away (1 a top-up), £100.00 at stake\n"
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["family"], "TOPUP");
    assert_eq!(row["kind"], "top_up");
    assert_eq!(row["claim"], "employment");
    assert_eq!(row["earliest"], "2013-01-30");
    assert_eq!(row["window"], "2013-07-01");
    assert_eq!(row["claimable_in"], Value::Null);
    // The £800 cap less the £700 already claimed, not employment's £800.
    assert_eq!(row["amount"], "100.00");
}

#[test]
fn a_family_claimable_in_an_earlier_window_and_lost_since_comes_first() {
    // LOST is in the first window's claim file, and CLAIMED with it.
    let claims = tfop(&["claims", PHASE1, LOST_AND_TOP_UP, "--window", "2013-01-01"]);
    let stdout = text(&claims.stdout);
    assert!(
        stdout.contains("\nLOST,crime_education,crime_education,700.00,2012-11-15,2013-01-01,")
    );
    assert!(stdout.contains("\nCLAIMED,crime_education,"));

    let (summary, rows) = near_rows("2013-07-01");
    assert_eq!(
        summary,
        "near misses at claim window 2013-07-01: 1 family one condition away (1 lost since an earlier window), £700.00 at stake\n"
    );
    // CLAIMED was claimed in time and TOPUP is claimable now (claim file).
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["family"], "LOST");
    assert_eq!(row["kind"], "lost");
    assert_eq!(row["claim"], "crime_education");
    assert_eq!(row["claimable_in"], "2013-01-01");
    assert_eq!(row["amount"], "700.00");
    // The exclusion lost the education result: LOST was never identified
    // with education, so its decision has no progress of that problem to
    // show, but crime's, still sustained, is not what changed.
    assert_eq!(row["blocking"], serde_json::json!(["education"]));
    // Nothing before the programme ends wins the result back.
    assert_eq!(row["earliest"], Value::Null);
    assert_eq!(
        row["reason"],
        "not possible: the programme's last claim window closed on 2015-01-01"
    );
}

/// A lost claim needs a claim window that closed with the claim unmade: a
/// plan without windows lets a claim be made on any day, so the result
/// LOST achieved and lost is not `lost` but `near`, possible again on the
/// day it clears if nothing changes (the programme's end, which made it
/// lost for good under the windows, being stated by the windows too).
#[test]
fn without_claim_windows_a_result_achieved_and_lost_is_a_near_miss_not_a_lost_claim() {
    let dir = scratch("claims-no-windows");
    let base = std::fs::read_to_string(PHASE1).unwrap();
    let windowless: String = base
        .lines()
        .filter(|line| !line.contains("claim windows from"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(windowless, base, "the phase 1 plan states claim windows");
    let plan = dir.join("phase1-no-windows.tfop");
    std::fs::write(&plan, windowless).unwrap();
    let near = tfop(&[
        "claims",
        plan.to_str().unwrap(),
        LOST_AND_TOP_UP,
        "--window",
        "2013-07-01",
        "--near",
        "--format",
        "jsonl",
    ]);
    assert_eq!(near.status.code(), Some(0), "{}", text(&near.stderr));
    let rows: Vec<Value> = text(&near.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["family"], "LOST");
    assert_eq!(rows[0]["kind"], "near");
    assert_eq!(rows[0]["claimable_in"], Value::Null);
    assert_eq!(rows[0]["earliest"], "2016-01-10");
    assert_eq!(
        text(&near.stderr),
        "near misses at claim window 2013-07-01: 1 family one condition away, £700.00 at stake\n"
    );
}

/// `claims` takes the plan's other versions as `eval --plan` does: each
/// family is claimed under the version in force on its attachment day, and
/// its rows name that version.
#[test]
fn the_claim_file_takes_the_plans_versions() {
    let dir = scratch("claims-versions");
    let base = std::fs::read_to_string(LANCASHIRE_2016).unwrap();
    let version = |name: &str, effective: &str| {
        let text = base
            .replacen("version \"2016\"", &format!("version \"{name}\""), 1)
            .replacen("effective 2016-04-01", &format!("effective {effective}"), 1);
        assert_ne!(
            text, base,
            "the example states its version and effective day"
        );
        let path = dir.join(format!("lancashire-{name}.tfop"));
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let first = version("2014", "2014-01-01");
    let second = version("2015", "2015-06-01");
    let output = tfop(&[
        "claims",
        &first,
        "--plan",
        &second,
        COHORT,
        "--window",
        "2017-03-31",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let by_version: Vec<(String, String)> = text(&output.stdout)
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[0].to_string(), cells[6].to_string())
        })
        .collect();
    let later: Vec<&str> = by_version
        .iter()
        .filter(|(_, version)| version == "2015")
        .map(|(family, _)| family.as_str())
        .collect();
    // Attached on or after 1 June 2015: from 6 June 2015 (F-000009) to 18
    // November 2015 (F-000050); the other twelve before it, from 23
    // September 2014 (F-000027) to 31 May 2015 (F-000031).
    assert_eq!(
        later,
        [
            "F-000002", "F-000005", "F-000006", "F-000009", "F-000011", "F-000020", "F-000025",
            "F-000029", "F-000030", "F-000038", "F-000041", "F-000042", "F-000050"
        ]
    );
    assert_eq!(by_version.len(), 25);
    assert!(
        by_version
            .iter()
            .all(|(_, version)| version == "2014" || version == "2015")
    );
}

const DISCRETIONARY: &str = "examples/plans/national-phase2-discretionary.tfop";
const DISCRETIONARY_DIGEST: &str =
    "sha256:737af107dbd5a823ce3120da931aa9ca70977101114c65af60a13bab88adbd1c";
/// Seven families under the worked plan with a discretionary claim, all
/// attached on 1 October 2015 with work (JSA to 15 December 2015), domestic
/// abuse (an incident on 15 September 2015) and a health problem, open
/// unless said. Work is sustained on 15 June 2016 and domestic abuse on 15
/// March, so from 15 June most problems (2 of 3) have progressed, the
/// `equivalent` claim's condition:
/// - UNAPPROVED has no approval: not in the file;
/// - APPROVED-EARLY was approved on 1 March 2016 by A. Patel, before the
///   condition held: possible from 15 June;
/// - APPROVED-LATE was approved on 1 August 2016 by R. Jones, after it:
///   possible from the approval day;
/// - APPROVED-ON-WINDOW was approved on the window's day, 30 September
///   2016, which counts (a family is decided at the day's end);
/// - APPROVED-AFTER-WINDOW was approved the day after: not in the file;
/// - EVERY-PROBLEM, approved on 1 March by R. Jones, closed its health
///   problem on 10 December 2015, so every problem has progressed from 15
///   June: `progress` and `equivalent` pay the same £800 and exclude each
///   other, so `progress`, first in the plan, is the route, and the row is
///   not discretionary;
/// - CLAIMED-EMPLOYMENT was claimed by continuous employment on 1 July
///   2016, before its approval of 1 August: not in the file.
const APPROVALS: &str = "examples/families/national-phase2-discretionary.jsonl";

#[test]
fn the_claim_file_names_who_approved_each_discretionary_claim_and_when() {
    let output = tfop(&["claims", DISCRETIONARY, APPROVALS, "--window", "2016-09-30"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // A discretionary row cites its approval (`ok1`) with the records the
    // condition rests on; the progress row needs none.
    let row = |family: &str, claim: &str, earliest: &str, approval: &str| {
        let evidence = match claim {
            "equivalent" => "ben1 hp1 da1 fa1 fp1 lp1 att1 ok1",
            _ => "ben1 hp1 da1 fa1 fp1 lp1 att1",
        };
        format!(
            "{family},{claim},{claim},800.00,{earliest},,2015-04-discretionary,{DISCRETIONARY_DIGEST},{evidence},{approval}"
        )
    };
    let expected = [
        "family,route,claim,amount,earliest,window,plan_version,plan_digest,evidence,discretionary,approved_by,approved_on".to_string(),
        row("APPROVED-EARLY", "equivalent", "2016-06-15", "true,\"A. Patel, Head of Early Help\",2016-03-01"),
        row("APPROVED-LATE", "equivalent", "2016-08-01", "true,\"R. Jones, Troubled Families Coordinator\",2016-08-01"),
        row("APPROVED-ON-WINDOW", "equivalent", "2016-09-30", "true,\"A. Patel, Head of Early Help\",2016-09-30"),
        row("EVERY-PROBLEM", "progress", "2016-06-15", "false,,"),
    ];
    assert_eq!(
        text(&output.stdout).lines().collect::<Vec<_>>(),
        expected,
        "{}",
        text(&output.stdout)
    );
    assert_eq!(
        text(&output.stderr),
        "claim window 2016-09-30: 4 families, 4 claims, £3,200.00\n  equivalent: 3 families, 3 claims, £2,400.00\n  progress: 1 family, 1 claim, £800.00\n"
    );
}

/// As JSON Lines a discretionary row carries its decision's `approval`
/// (who, when, and the approval's records) in place of the two columns;
/// any other row has none.
#[test]
fn the_claim_file_as_json_lines_carries_each_approval() {
    let output = tfop(&[
        "claims",
        DISCRETIONARY,
        APPROVALS,
        "--window",
        "2016-09-30",
        "--format",
        "jsonl",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let rows: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[1],
        serde_json::json!({
            "family": "APPROVED-LATE", "route": "equivalent", "claim": "equivalent",
            "amount": "800.00", "earliest": "2016-08-01", "window": null,
            "plan_version": "2015-04-discretionary", "plan_digest": DISCRETIONARY_DIGEST,
            "evidence": ["ben1", "hp1", "da1", "fa1", "fp1", "lp1", "att1", "ok1"],
            "discretionary": true,
            "approval": {"by": "R. Jones, Troubled Families Coordinator", "date": "2016-08-01", "records": ["ok1"]},
            "attributes": {},
        })
    );
    let approvals: Vec<(&str, &Value)> = rows
        .iter()
        .map(|row| (row["family"].as_str().unwrap(), &row["approval"]))
        .collect();
    assert_eq!(approvals[0].1["by"], "A. Patel, Head of Early Help");
    assert_eq!(approvals[0].1["date"], "2016-03-01");
    assert_eq!(approvals[2].1["date"], "2016-09-30");
    assert_eq!(approvals[3], ("EVERY-PROBLEM", &Value::Null));
    assert!(rows[3].get("approval").is_none(), "{}", rows[3]);
    assert_eq!(rows[3]["discretionary"], false);
}

/// An approval whose `type` names no claim of the plan is refused with the
/// nearest claim, never read as no approval: the family is not decided,
/// the run exits 3, and the other families' claims are written as before.
#[test]
fn an_approval_naming_no_claim_of_the_plan_is_refused_with_did_you_mean() {
    let families = read(APPROVALS);
    let approved = families
        .lines()
        .find(|line| line.contains("\"APPROVED-EARLY\""))
        .unwrap();
    let typo = approved
        .replace("\"APPROVED-EARLY\"", "\"TYPO\"")
        .replace("\"type\":\"equivalent\"", "\"type\":\"equivalnet\"");
    assert_ne!(typo.replace("TYPO", "APPROVED-EARLY"), approved);
    let folder = scratch("claim_file_approval_typo");
    let path = write(&folder, "families.jsonl", &format!("{families}{typo}\n"));
    let output = tfop(&["claims", DISCRETIONARY, &path, "--window", "2016-09-30"]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            ":8: refused family TYPO: event #7 (`ok1`) field `type`: is not one of the allowed words; did you mean `equivalent`?\n"
        ),
        "{stderr}"
    );
    let stdout = text(&output.stdout);
    assert!(!stdout.contains("TYPO"), "{stdout}");
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
}
