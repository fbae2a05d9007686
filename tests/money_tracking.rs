//! Supporting Families money and outcome tracking without payment: yearly
//! lump sums and targets in the funding block, claim files capped at the
//! year's target, and a plan that pays nothing saying so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{scratch, text, tfop, write};
use serde_json::Value;

const COHORT: &str = "examples/cohort/families.jsonl";
const OUTCOMES_PLAN: &str = "examples/plans/outcomes-only-2025.tfop";
const OUTCOMES_FAMILIES: &str = "examples/families/outcomes-only-2025.jsonl";

/// Lancashire's 2016 plan with a funding year 2016/17 of `target` families,
/// which the claim window of 31 March 2017 counts against.
fn capped_plan(name: &str, target: u32) -> String {
    let folder = scratch(name);
    let plan = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/plans/lancashire-2016.tfop"),
    )
    .unwrap();
    write(
        &folder,
        "capped.tfop",
        &format!(
            "{plan}\nfunding {{\n  year \"2016/17\" {{ lump sum £250000 target {target} families }}\n}}\n"
        ),
    )
}

fn claims(plan: &str) -> (Vec<String>, String) {
    let output = tfop(&[
        "claims",
        plan,
        COHORT,
        "--window",
        "2017-03-31",
        "--format",
        "jsonl",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let families = text(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["family"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    (families, text(&output.stderr))
}

#[test]
fn a_claim_file_holds_only_the_families_that_fit_what_is_left_of_the_years_target() {
    // Without a target: 25 families claimable; 11 families already have a
    // claim recorded in 2016/17.
    let (all, _) = claims("examples/plans/lancashire-2016.tfop");
    assert_eq!(all.len(), 25);
    // 36 places: 11 taken, all 25 fit, nothing left.
    let (fit, stderr) = claims(&capped_plan("target_36", 36));
    assert_eq!(fit, all);
    assert!(
        stderr.contains(
            "year 2016/17 target 36 families: 11 claimed before, 25 in this file, 0 left"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("outside the year's target"), "{stderr}");
    // One place fewer: one family is outside, named on standard error.
    let (one_short, stderr) = claims(&capped_plan("target_35", 35));
    assert_eq!(one_short.len(), 24);
    assert!(stderr.contains("24 in this file, 0 left"), "{stderr}");
    let outside: Vec<&str> = stderr
        .lines()
        .find_map(|line| line.split_once("then family id): "))
        .map(|(_, ids)| ids.split(' ').collect())
        .unwrap();
    assert_eq!(outside.len(), 1);
    assert!(!one_short.iter().any(|family| family == outside[0]));
    // As many places as claims already made: none left for this window.
    let (none, stderr) = claims(&capped_plan("target_11", 11));
    assert!(none.is_empty());
    assert!(
        stderr.contains("11 claimed before, 0 in this file, 0 left"),
        "{stderr}"
    );
}

#[test]
fn places_go_to_the_claims_possible_soonest_then_by_family_id() {
    let (kept, stderr) = claims(&capped_plan("target_order", 25));
    assert_eq!(kept.len(), 14);
    let (all, _) = claims("examples/plans/lancashire-2016.tfop");
    let output = tfop(&[
        "claims",
        "examples/plans/lancashire-2016.tfop",
        COHORT,
        "--window",
        "2017-03-31",
        "--format",
        "jsonl",
    ]);
    let earliest: std::collections::BTreeMap<String, String> = text(&output.stdout)
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            (
                row["family"].as_str().unwrap().to_string(),
                row["earliest"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let outside: Vec<String> = stderr
        .lines()
        .find_map(|line| line.split_once("then family id): "))
        .map(|(_, ids)| ids.split(' ').map(str::to_string).collect())
        .unwrap();
    assert_eq!(kept.len() + outside.len(), all.len());
    let key = |family: &String| (earliest[family].clone(), family.clone());
    let last_kept = kept.iter().map(key).max().unwrap();
    let first_outside = outside.iter().map(key).min().unwrap();
    assert!(last_kept < first_outside, "{last_kept:?} {first_outside:?}");
    // The outside families are listed in the order places are given.
    let mut sorted = outside.clone();
    sorted.sort_by_key(key);
    assert_eq!(outside, sorted);
}

#[test]
fn funding_shows_each_years_lump_sum_and_target_in_pence_exactly() {
    let folder = scratch("funding_lump_sums");
    let plan = write(
        &folder,
        "sf.tfop",
        "plan \"SF\" { framework phase2 }\n\
         problem crime \"Crime\" {\n  indicator asb \"ASB\" { any member has asb_incident within 12 months }\n  \
         significant \"S\" { no asb_incident in family within 6 months }\n}\n\
         eligible when at least 1 problems\n\
         claim progress \"Progress\" pays £800 { every identified problem has progressed }\n\
         funding {\n  year \"2022/23\" { lump sum £250000.50 target 120 families }\n  \
         year \"2023/24\" { lump sum £300000 target 140 families }\n}\n",
    );
    let output = tfop(&["funding", &plan]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    let row = |words: &[&str]| {
        out.lines()
            .any(|line| line.split_whitespace().eq(words.iter().copied()))
    };
    assert!(
        row(&[
            "year",
            "families",
            "attachment/family",
            "results/family",
            "attachment",
            "results",
            "lump",
            "sum",
            "target",
            "total"
        ]),
        "{out}"
    );
    assert!(
        // 120 outcomes × £800 can be earned on results, beside the lump sum.
        row(&[
            "2022/23",
            "—",
            "—",
            "£800.00",
            "—",
            "£96,000.00",
            "£250,000.50",
            "120",
            "£346,000.50"
        ]),
        "{out}"
    );
    assert!(
        row(&[
            "total",
            "0",
            "£0.00",
            "£208,000.00",
            "£550,000.50",
            "260",
            "£758,000.50"
        ]),
        "{out}"
    );
    assert!(
        out.contains("amount at risk (the results payments): £208,000.00"),
        "{out}"
    );
    // A note says how the results column is made, and no other note appears.
    let notes: Vec<&str> = out.lines().filter(|line| line.contains("note:")).collect();
    assert_eq!(notes.len(), 2, "{out}");
    assert!(
        notes[1].contains("year `2023/24` can earn £800.00 a successful family outcome up to its target of 140 families"),
        "{out}"
    );
    let json: Value =
        serde_json::from_str(&text(&tfop(&["funding", &plan, "--format", "json"]).stdout)).unwrap();
    assert_eq!(json["years"][1]["target"], 140);
    assert_eq!(json["years"][0]["lump_sum"], "250000.50");
    assert_eq!(json["totals"]["lump_sum"], "550000.50");
    assert_eq!(json["years"][1]["results"], "112000.00");
    assert_eq!(json["at_risk"], "208000.00");
    assert!(json.get("earned").is_none(), "{json}");
}

#[test]
fn funding_with_families_shows_what_each_year_has_earned_can_claim_and_still_risks() {
    // 2016/17's target of 25: 11 families claimed before 31 March 2017 (11 ×
    // £800 earned), 14 of the 25 claimable fit (£11,200), nothing left.
    let plan = capped_plan("funding_earned", 25);
    let funding = |as_of: &str| -> Value {
        let output = tfop(&[
            "funding", &plan, COHORT, "--as-of", as_of, "--format", "json",
        ]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        serde_json::from_str(&text(&output.stdout)).unwrap()
    };
    let json = funding("2017-03-31");
    let year = &json["earned"]["years"][0];
    assert_eq!(year["year"], "2016/17");
    assert_eq!(
        (&year["claimed_before"], &year["in_file"], &year["left"]),
        (&Value::from(11), &Value::from(14), &Value::from(0)),
        "{json}"
    );
    assert_eq!(
        (&year["earned"], &year["claimable"], &year["at_risk"]),
        (
            &Value::from("8800.00"),
            &Value::from("11200.00"),
            &Value::from("0.00")
        )
    );
    // The day before the year begins, no year has: nothing to count.
    let before = funding("2016-03-31");
    assert_eq!(
        before["earned"]["years"],
        Value::Array(Vec::new()),
        "{before}"
    );
    // On its first day, claims possible count against it.
    let first = funding("2016-04-01");
    assert_eq!(first["earned"]["years"][0]["year"], "2016/17");
    // Families without --as-of are a usage error (exit 1, as every one).
    let output = tfop(&["funding", &plan, COHORT]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("--as-of"));
}

#[test]
fn a_plan_that_pays_nothing_has_nothing_to_claim_and_says_so() {
    let output = tfop(&["funding", OUTCOMES_PLAN]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("nothing to claim: the plan states no claim"));
    let json: Value = serde_json::from_str(&text(
        &tfop(&["funding", OUTCOMES_PLAN, "--format", "json"]).stdout,
    ))
    .unwrap();
    assert!(
        json["nothing_to_claim"]
            .as_str()
            .unwrap()
            .starts_with("nothing to claim")
    );
    let output = tfop(&[
        "claims",
        OUTCOMES_PLAN,
        OUTCOMES_FAMILIES,
        "--window",
        "2026-02-15",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr)
            .contains("claim window 2026-02-15: nothing to claim: the plan states no claim")
    );
    // A plan that pays and has no funding block is still an error.
    let output = tfop(&["funding", "examples/plans/lancashire-2016.tfop"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn report_counts_families_with_successful_outcomes_by_problem_against_the_target() {
    let report = |as_of: &str| -> Value {
        let output = tfop(&[
            "report",
            OUTCOMES_PLAN,
            OUTCOMES_FAMILIES,
            "--as-of",
            as_of,
            "--target",
            "4",
            "--format",
            "json",
        ]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        serde_json::from_str(&text(&output.stdout)).unwrap()
    };
    // The day before FF-crime-da's domestic abuse is sustained: no family
    // has every problem sustained.
    let before = report("2026-02-14");
    assert_eq!(before["outcomes"]["tracked"], 3);
    assert_eq!(before["outcomes"]["successful"], 0);
    let on = report("2026-02-15");
    assert_eq!(on["outcomes"]["successful"], 1);
    assert_eq!(on["outcomes"]["target"]["left"], 3);
    assert_eq!(on["outcomes"]["target"]["percent"], "25.0");
    let domestic_abuse = on["outcomes"]["by_problem"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["problem"] == "domestic_abuse")
        .unwrap()
        .clone();
    assert_eq!(domestic_abuse["tracked"], 2);
    assert_eq!(domestic_abuse["sustained"], 1);
    // Nothing is claimed or payable.
    assert_eq!(on["payable"]["total"], "0.00");
}

#[test]
fn earned_autonomy_counts_successful_outcomes_while_its_claims_are_not_applicable() {
    let output = tfop(&[
        "report",
        "examples/plans/leicestershire-2017-earned-autonomy.tfop",
        COHORT,
        "--as-of",
        "2017-03-31",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&text(&output.stdout)).unwrap();
    assert_eq!(json["totals"]["claimable"], 0);
    assert_eq!(json["totals"]["claimed"], 0);
    // The plan without earned autonomy decides the same outcomes.
    let paying = tfop(&[
        "report",
        "examples/plans/leicestershire-2017.tfop",
        COHORT,
        "--as-of",
        "2017-03-31",
        "--format",
        "json",
    ]);
    let paying: Value = serde_json::from_str(&text(&paying.stdout)).unwrap();
    assert_eq!(json["outcomes"], paying["outcomes"]);
    assert!(json["outcomes"]["successful"].as_u64().unwrap() > 0);
    assert_eq!(json["outcomes"]["target"]["target"], 2770);
}

#[test]
fn the_outcomes_only_plan_names_its_framework_and_each_needs_headline_and_claims_nothing() {
    let output = tfop(&[
        "eval",
        OUTCOMES_PLAN,
        OUTCOMES_FAMILIES,
        "--as-of",
        "2026-02-15",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let decisions: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(!decisions.is_empty());
    for decision in &decisions {
        assert_eq!(decision["plan"]["framework"], "sf2022", "{decision}");
        assert_eq!(decision["claims"], Value::Array(Vec::new()));
        assert_eq!(decision["payable"], "0.00");
        for problem in decision["problems"].as_array().unwrap() {
            assert_eq!(problem["headline"], problem["id"], "{decision}");
        }
    }
}
