//! `tfop report`, `tfop funding` and `tfop diff` end to end, on small
//! hand-written cohorts whose every figure is worked out below.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{scratch, text, tfop, write};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Output;

/// Two problems; a family is eligible with one. `threshold` is the number of
/// ASB incidents in 12 months that identifies `crime`.
fn plan(threshold: u32, funding: &str) -> String {
    format!(
        r#"plan "Cohort test" {{ framework phase2 version "1" }}
problem crime "Crime" {{
  indicator asb "ASB in the last 12 months" {{ count asb_incident in family within 12 months >= {threshold} }}
  significant "No ASB for 3 months" {{ no asb_incident in family within 3 months }}
}}
problem work "Work" {{
  indicator out_of_work "An adult on an out-of-work benefit" {{ any adult has out_of_work_benefit now }}
  significant "No adult on an out-of-work benefit" {{ no adult has out_of_work_benefit now }}
}}
eligible when at least 1 problems
attach requires family_assessment
claim progress "Progress" pays £800 {{ every identified problem has progressed }}
attachment fee £1000
{funding}
"#
    )
}

const TARGET_6: &str = "funding { target 6 families }";

fn family(id: &str, attributes: Value, events: Value) -> String {
    json!({
        "id": id,
        "attributes": attributes,
        "members": [{ "id": "P1", "role": "adult", "born": "1980-01-01" }],
        "events": events
    })
    .to_string()
}

/// Assessed on 5 January 2016, attached on 10 January, after ASB on 1 January.
fn attached(more: Value) -> Value {
    let mut events = vec![
        json!({ "kind": "asb_incident", "member": "P1", "date": "2016-01-01" }),
        json!({ "kind": "family_assessment", "date": "2016-01-05" }),
        json!({ "kind": "attachment", "date": "2016-01-10" }),
    ];
    events.extend(more.as_array().unwrap().iter().cloned());
    Value::Array(events)
}

/// As of 2016-06-30:
/// - A: attached, no ASB since 1 January: claimable since 1 April.
/// - B: like A, and already claimed in May.
/// - C: attached, ASB again on the as-of day: claimable from 30 September.
/// - D: attached, an adult still on a benefit: never claimable without a change.
/// - E: eligible (ASB in June), assessed, not attached: attachable.
/// - G: no problems.
fn cohort() -> Vec<String> {
    vec![
        family(
            "A",
            json!({ "district": "Preston", "lp_agency": "CSC" }),
            attached(json!([])),
        ),
        family(
            "B",
            json!({ "district": "Preston", "lp_agency": "WP" }),
            attached(json!([{ "kind": "claim", "date": "2016-05-01", "type": "progress" }])),
        ),
        family(
            "C",
            json!({ "district": "Fylde & Wyre <b>", "lp_agency": "CSC" }),
            attached(json!([{ "kind": "asb_incident", "member": "P1", "date": "2016-06-30" }])),
        ),
        family(
            "D",
            json!({}),
            attached(
                json!([{ "kind": "out_of_work_benefit", "member": "P1", "start": "2015-01-01", "benefit": "jsa" }]),
            ),
        ),
        family(
            "E",
            json!({ "district": "Preston" }),
            json!([
                { "kind": "asb_incident", "member": "P1", "date": "2016-06-01" },
                { "kind": "family_assessment", "date": "2016-06-02" }
            ]),
        ),
        family("G", json!({ "district": "Preston" }), json!([])),
    ]
}

/// The cohort and, on line 7, a record that is not JSON.
fn cohort_with_refusal() -> String {
    let mut lines = cohort();
    lines.push("{not json".to_string());
    lines.join("\n") + "\n"
}

/// Each line's words, one space apart.
fn squeeze(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn report_json(folder: &Path, extra: &[&str]) -> (Value, Output) {
    let plan = write(folder, "plan.tfop", &plan(1, TARGET_6));
    let families = write(folder, "families.jsonl", &cohort_with_refusal());
    let mut args = vec![
        "report",
        &plan,
        &families,
        "--as-of",
        "2016-06-30",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let output = tfop(&args);
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", text(&output.stderr)));
    (json, output)
}

mod report {
    use super::*;

    #[test]
    fn a_service_gets_the_same_document_from_the_library_as_the_cli_prints() {
        let folder = scratch("report_library");
        let (printed, _) = report_json(&folder, &["--by", "district"]);
        let plan = tfop::Plan::parse(&plan(1, TARGET_6)).unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2016, 6, 30).unwrap();
        let mut cohort = tfop::cohort::Cohort::new(vec!["district".to_string()]);
        for line in cohort_with_refusal().lines() {
            match plan.read_family(line) {
                Ok(family) => cohort
                    .add(&family.attributes, &plan.evaluate(&family, as_of))
                    .unwrap(),
                Err(_) => cohort.add_refused().unwrap(),
            }
        }
        let report = cohort.report(&plan, as_of, Some(6)).unwrap();
        assert_eq!(serde_json::to_value(&report).unwrap(), printed);
        assert_eq!(report.totals.refused, 1);
    }

    #[test]
    fn counts_every_figure_of_the_cohort_and_exits_3_for_a_refused_record() {
        let (json, output) = report_json(&scratch("report_counts"), &[]);
        assert_eq!(output.status.code(), Some(3));
        assert!(
            text(&output.stderr).contains("read 7, decided 6, refused 1"),
            "{}",
            text(&output.stderr)
        );
        assert_eq!(
            json["totals"],
            json!({
                "read": 7, "refused": 1, "families": 6, "identified": 5, "eligible": 5,
                "attachable": 1, "principles_missing": 0, "attached": 4,
                "attached_not_eligible": 0, "attachments_at_risk": 0, "claimable": 1,
                "claimed": 1, "eligible_not_attached": 1, "results_payable": "800.00"
            })
        );
        assert_eq!(
            json["payable"],
            json!({
                "attachment_fee": "1000.00", "attachment_fees": "4000.00",
                "results": "800.00", "total": "4800.00", "fees_at_risk": "0.00"
            })
        );
        assert_eq!(json["eligible_not_attached"], json!(["E"]));
    }

    #[test]
    fn the_claim_rate_uses_the_plans_target_unless_given_one() {
        // 1 claimed of 6 is 16.666…%.
        let (json, _) = report_json(&scratch("report_rate_plan"), &[]);
        assert_eq!(
            json["claim_rate"],
            json!({ "claimed": 1, "target": 6, "percent": "16.7" })
        );
        // 1 of 8 is exactly 12.5%.
        let (json, _) = report_json(&scratch("report_rate_given"), &["--target", "8"]);
        assert_eq!(json["claim_rate"]["percent"], "12.5");
        // 1 of 20 is exactly 5%.
        let (json, _) = report_json(&scratch("report_rate_20"), &["--target", "20"]);
        assert_eq!(json["claim_rate"]["percent"], "5.0");
    }

    #[test]
    fn projects_attached_families_by_the_month_they_become_claimable() {
        let (json, _) = report_json(&scratch("report_projection"), &[]);
        // C on 30 September (the as-of day's ASB + 3 months); D never; A is
        // claimable and B claimed, so neither is tracked. The plan states no
        // claim windows.
        assert_eq!(
            json["projection"],
            json!({
                "tracked": 2, "months": [{ "month": "2016-09", "families": 1 }],
                "windows": [], "never": 1,
                // D's benefit is still open: work's progress holds it back.
                "never_by_problem": [{ "problem": "work", "families": 1 }],
                "never_otherwise": 0
            })
        );
    }

    #[test]
    fn breaks_down_by_two_attributes_with_missing_ones_as_null() {
        let (json, _) = report_json(
            &scratch("report_breakdown"),
            &["--by", "district,lp_agency"],
        );
        assert_eq!(json["by"], json!(["district", "lp_agency"]));
        let groups = json["breakdown"].as_array().unwrap();
        let group = |district: Value, agency: Value| {
            groups
                .iter()
                .find(|group| group["key"] == json!({ "district": district, "lp_agency": agency }))
                .unwrap_or_else(|| panic!("no group {district} {agency}: {groups:?}"))
        };
        let preston_csc = group(json!("Preston"), json!("CSC"));
        assert_eq!(preston_csc["families"], 1);
        assert_eq!(preston_csc["claimable"], 1);
        assert_eq!(preston_csc["results_payable"], "800.00");
        assert_eq!(group(json!("Preston"), json!("WP"))["claimed"], 1);
        // E and G: Preston, no agency.
        let preston_none = group(json!("Preston"), Value::Null);
        assert_eq!(preston_none["families"], 2);
        assert_eq!(preston_none["eligible_not_attached"], 1);
        assert_eq!(group(Value::Null, Value::Null)["attached"], 1);
        // The refused record has no attributes: 6 families in 5 groups.
        let families: u64 = groups.iter().map(|g| g["families"].as_u64().unwrap()).sum();
        assert_eq!((groups.len(), families), (5, 6));
    }

    #[test]
    fn prints_tables_with_pounds_and_the_rounded_rate() {
        let folder = scratch("report_text");
        let plan = write(&folder, "plan.tfop", &plan(1, TARGET_6));
        let families = write(&folder, "families.jsonl", &(cohort().join("\n") + "\n"));
        let output = tfop(&[
            "report",
            &plan,
            &families,
            "--as-of",
            "2016-06-30",
            "--by",
            "district",
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        // Columns are aligned with runs of spaces; compare words.
        let stdout = squeeze(&text(&output.stdout));
        for expected in [
            "\nclaimable now 1\n",
            "\nalready claimed 1\n",
            "\neligible, not attached 1\n",
            "\nattachment fees (4 attached × £1,000.00) £4,000.00\nresults payable now £800.00\ntotal £4,800.00\n",
            "1 family claimed of a target of 6: 16.7% (rounded half up to one decimal place)",
            // Every month from the as-of month to the last, empty ones too.
            "\n2016-06 0\n2016-07 0\n2016-08 0\n2016-09 1\nnever without a change 1\n",
            "\ndistrict families identified eligible attached attached not eligible claimable claimed not attached payable\n(none) 1 1 1 1 0 0 0 0 £0.00\n",
            "\nPreston 4 3 3 2 0 1 1 1 £800.00\ntotal 6 5 5 4 0 1 1 1 £800.00\n",
        ] {
            assert!(
                stdout.contains(expected),
                "missing {expected:?} in\n{stdout}"
            );
        }
    }

    #[test]
    fn writes_a_self_contained_html_page_with_the_projection_chart() {
        let folder = scratch("report_html");
        let plan = write(&folder, "plan.tfop", &plan(1, TARGET_6));
        let families = write(&folder, "families.jsonl", &(cohort().join("\n") + "\n"));
        let page = folder.join("report.html");
        let output = tfop(&[
            "report",
            &plan,
            &families,
            "--as-of",
            "2016-06-30",
            "--by",
            "district",
            "--html",
            page.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<style>"));
        assert!(html.contains("<svg"));
        assert!(html.contains("<title>2016-09: 1</title>"), "{html}");
        assert!(!html.contains("<script"));
        // Nothing is fetched: the only address is the SVG namespace.
        assert!(
            !html
                .replace("http://www.w3.org/2000/svg", "")
                .contains("http")
        );
        // Attribute values are data: escaped, never markup.
        assert!(html.contains("Fylde &amp; Wyre &lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"));
        // Written through a temporary file that is gone.
        let leftovers: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert_eq!(leftovers, Vec::<String>::new());
    }

    /// `work` before `crime`: the plan's order is not its names' order.
    const WORK_THEN_CRIME: &str = r#"plan "Plan order" { framework phase2 }
problem work "Work" {
  indicator out_of_work "An adult on an out-of-work benefit" { any adult has out_of_work_benefit now }
  significant "No adult on an out-of-work benefit" { no adult has out_of_work_benefit now }
}
problem crime "Crime" {
  indicator asb "ASB in the last 12 months" { count asb_incident in family within 12 months >= 1 }
  significant "Never any ASB" { no asb_incident in family ever }
}
eligible when at least 1 problems
attach requires family_assessment
claim progress "Progress" pays £800 { every identified problem has progressed }
"#;

    #[test]
    fn lists_problems_in_plan_order_in_every_format() {
        let folder = scratch("report_plan_order");
        let plan = write(&folder, "plan.tfop", WORK_THEN_CRIME);
        // Both problems identified and neither's progress can come as the
        // record stands: the benefit stays open, the ASB stays on record.
        let open = json!([{ "kind": "out_of_work_benefit", "member": "P1", "start": "2015-01-01", "benefit": "jsa" }]);
        let families = write(
            &folder,
            "families.jsonl",
            &(family("D", json!({}), attached(open)) + "\n"),
        );
        let args = ["report", &plan, &families, "--as-of", "2016-06-30"];
        let output = tfop(&[&args[..], &["--format", "json"]].concat());
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            json["projection"]["never_by_problem"],
            json!([
                { "problem": "work", "families": 1 },
                { "problem": "crime", "families": 1 }
            ])
        );
        let outcomes: Vec<&Value> = json["outcomes"]["by_problem"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| &row["problem"])
            .collect();
        assert_eq!(outcomes, [&json!("work"), &json!("crime")]);

        let output = tfop(&args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let stdout = squeeze(&text(&output.stdout));
        for expected in [
            "\nproblem tracked significant sustained\nwork 1 0 0\ncrime 1 0 0\n",
            "\nheld back by families\nproblem work 1\nproblem crime 1\n",
        ] {
            assert!(
                stdout.contains(expected),
                "missing {expected:?} in\n{stdout}"
            );
        }

        // The CSV, HTML and xlsx tables are the text's rows.
        let csv = folder.join("csv");
        let output = tfop(&[&args[..], &["--format", "csv", "-o", csv.to_str().unwrap()]].concat());
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let column = |file: &str| -> Vec<String> {
            std::fs::read_to_string(csv.join(file))
                .unwrap()
                .lines()
                .skip(1)
                .map(|line| line.split(',').next().unwrap().to_owned())
                .collect()
        };
        assert_eq!(column("never.csv")[..2], ["problem work", "problem crime"]);
        assert_eq!(column("outcomes.csv")[..2], ["work", "crime"]);
    }

    #[test]
    fn a_plan_that_does_not_check_exits_1() {
        let folder = scratch("report_bad_plan");
        let plan = write(&folder, "plan.tfop", "plan \"Bad\" { framework phase9 }\n");
        let families = write(&folder, "families.jsonl", &cohort_with_refusal());
        let output = tfop(&["report", &plan, &families, "--as-of", "2016-06-30"]);
        assert_eq!(output.status.code(), Some(1));
    }
}

mod funding {
    use super::*;

    fn funding_json(name: &str, block: &str) -> Value {
        let folder = scratch(name);
        let plan = write(&folder, "plan.tfop", &plan(1, block));
        let output = tfop(&["funding", &plan, "--format", "json"]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    }

    #[test]
    fn lancashire_funds_2192_families_and_risks_the_results_shares() {
        let json = funding_json(
            "funding_lancashire",
            r#"funding {
  nominated 2630 families
  deadweight 1/6 rounded up
  per family £4000
  year "2012/13" { families 731 attachment 80% results 20% }
  year "2013/14" { families 731 attachment 60% results 40% }
  year "2014/15" { families 730 attachment 40% results 60% }
  target 2192 families
}"#,
        );
        assert_eq!(json["funded"], 2192);
        assert_eq!(json["years"][0]["attachment"], "2339200.00");
        assert_eq!(json["years"][0]["results"], "584800.00");
        assert_eq!(json["years"][2]["attachment_per_family"], "1600.00");
        assert_eq!(json["years"][2]["results"], "1752000.00");
        assert_eq!(
            json["totals"],
            json!({ "families": 2192, "attachment": "5261600.00", "results": "3506400.00", "total": "8768000.00" })
        );
        assert_eq!(json["at_risk"], "3506400.00");
        assert_eq!(json["target"], 2192);
        assert_eq!(json["notes"], json!([]));
    }

    #[test]
    fn barnet_funds_588_families_over_two_years_with_five_claim_windows() {
        let folder = scratch("funding_barnet");
        let plan = write(
            &folder,
            "plan.tfop",
            &plan(
                1,
                r#"funding {
  nominated 705 families
  deadweight 1/6 rounded up
  per family £4000
  year "2012/13" { families 294 attachment 80% results 20% }
  year "2013/14" { families 294 attachment 60% results 40% }
  claim windows from 2013-01-01 every 6 months until 2015-05-31
  target 588 families
}"#,
            ),
        );
        let output = tfop(&["funding", &plan]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let stdout = squeeze(&text(&output.stdout));
        for expected in [
            "\nnominated families 705\ndeadweight 1/6, rounded up\nfunded families 588\nper family £4,000.00\n",
            "\n2012/13 294 £3,200.00 £800.00 £940,800.00 £235,200.00 £1,176,000.00\n",
            "\n2013/14 294 £2,400.00 £1,600.00 £705,600.00 £470,400.00 £1,176,000.00\n",
            "\ntotal 588 £1,646,400.00 £705,600.00 £2,352,000.00\n",
            "\namount at risk (the results payments): £705,600.00\n",
            "\nclaim windows (5): 2013-01-01, 2013-07-01, 2014-01-01, 2014-07-01, 2015-01-01\n",
        ] {
            assert!(
                stdout.contains(expected),
                "missing {expected:?} in\n{stdout}"
            );
        }
    }

    #[test]
    fn a_plan_without_a_funding_block_is_an_error() {
        let folder = scratch("funding_none");
        let plan = write(&folder, "plan.tfop", &plan(1, ""));
        let output = tfop(&["funding", &plan]);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            text(&output.stderr).contains("has no funding block"),
            "{}",
            text(&output.stderr)
        );
        assert!(output.stdout.is_empty());
    }
}

mod diff {
    use super::*;

    fn diff(folder: &Path, old: &str, new: &str, families: &str, format: &str) -> Output {
        let old = write(folder, "old.tfop", old);
        let new = write(folder, "new.tfop", new);
        let families = write(folder, "families.jsonl", families);
        tfop(&[
            "diff",
            &old,
            &new,
            &families,
            "--as-of",
            "2016-06-30",
            "--format",
            format,
        ])
    }

    #[test]
    fn identical_plans_differ_in_nothing_and_exit_0() {
        let folder = scratch("diff_same");
        let output = diff(
            &folder,
            &plan(1, ""),
            &plan(1, ""),
            &(cohort().join("\n") + "\n"),
            "text",
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert_eq!(
            text(&output.stdout),
            "Compared 6 families as of 2016-06-30: 0 differ, 0 refused by both plans\n"
        );
    }

    #[test]
    fn identical_plans_with_a_record_both_refuse_exit_3() {
        let folder = scratch("diff_same_refused");
        let output = diff(
            &folder,
            &plan(1, ""),
            &plan(1, ""),
            &cohort_with_refusal(),
            "text",
        );
        assert_eq!(output.status.code(), Some(3));
        assert!(
            text(&output.stdout).contains("0 differ, 1 refused by both plans"),
            "{}",
            text(&output.stdout)
        );
    }

    #[test]
    fn a_raised_threshold_lists_every_family_it_moves_and_exits_4() {
        let folder = scratch("diff_threshold");
        // Two ASB incidents in 12 months now identify crime: every family
        // had one by its identification day, so crime goes from all of them.
        let output = diff(
            &folder,
            &plan(1, ""),
            &plan(2, ""),
            &cohort_with_refusal(),
            "json",
        );
        assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        let families: Vec<&str> = json["families"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["family"].as_str().unwrap())
            .collect();
        assert_eq!(families, ["A", "B", "C", "D", "E"]);
        let a = &json["families"][0];
        assert_eq!(a["line"], 1);
        assert_eq!(
            a["changes"],
            json!([
                { "kind": "eligibility", "claim": null, "old": "eligible", "new": "not eligible" },
                { "kind": "problems", "claim": null, "old": "crime", "new": "none" },
                // Attached on a day it is no longer eligible: its fee is at risk.
                { "kind": "attachment", "claim": null, "old": "attached", "new": "attached_not_eligible" },
                { "kind": "claim_status", "claim": "progress", "old": "claimable", "new": "not_yet" },
                { "kind": "claim_earliest", "claim": "progress", "old": "2016-04-01", "new": "never" },
                { "kind": "payable", "claim": null, "old": "800.00", "new": "0.00" },
                { "kind": "route", "claim": null, "old": "progress", "new": "none" }
            ])
        );
        // Both decisions in full, with the new claim's reason.
        assert_eq!(a["old"]["claims"][0]["status"], "claimable");
        assert!(a["new"]["claims"][0]["reason"].is_string());
        // D keeps its work problem, so it stays eligible.
        assert_eq!(
            json["families"][3]["changes"],
            json!([{ "kind": "problems", "claim": null, "old": "crime, work", "new": "work" }])
        );
        assert_eq!(
            json["counts"],
            json!({
                "compared": 7, "differing": 5, "refused_by_both": 1,
                "changes": {
                    "refused": 0, "eligibility": 4, "problems": 5, "attachment": 4,
                    "claim_status": 1, "claim_amount": 0, "claim_earliest": 2, "claim_window": 0,
                    "payable": 1, "route": 1
                }
            })
        );
    }

    #[test]
    fn the_text_diff_gives_both_decisions_and_their_reasons() {
        let folder = scratch("diff_text");
        let output = diff(
            &folder,
            &plan(1, ""),
            &plan(2, ""),
            &(cohort().join("\n") + "\n"),
            "text",
        );
        assert_eq!(output.status.code(), Some(4));
        let stdout = text(&output.stdout);
        for expected in [
            "A (line 1)\n  eligibility: eligible → not eligible\n",
            "  claim progress status: claimable → not_yet\n",
            "  old: eligible; problems crime; attached; payable 800.00\n    claim progress claimable 800.00 since 2016-04-01\n",
            "  new: not eligible; no problems; attached_not_eligible; payable 0.00\n    claim progress not_yet 800.00 (never without a change): ",
            "Compared 6 families as of 2016-06-30: 5 differ, 0 refused by both plans\n",
            "  problems        5\n",
        ] {
            assert!(
                stdout.contains(expected),
                "missing {expected:?} in\n{stdout}"
            );
        }
    }

    #[test]
    fn a_record_only_one_plan_refuses_is_a_difference() {
        let folder = scratch("diff_refused_by_one");
        // The new plan declares a kind the old one does not know.
        let new = plan(1, "event rent_arrears on family at date");
        let arrears = family(
            "R",
            json!({}),
            json!([{ "kind": "rent_arrears", "date": "2016-03-01" }]),
        );
        let output = diff(&folder, &plan(1, ""), &new, &(arrears + "\n"), "json");
        assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            json["families"][0]["changes"],
            json!([{ "kind": "refused", "claim": null, "old": "refused", "new": "decided" }])
        );
        assert!(json["families"][0]["old"]["errors"][0]["message"].is_string());
        // The refusal names the line, never a value.
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("families.jsonl:1: refused family R"),
            "{stderr}"
        );
    }
}
