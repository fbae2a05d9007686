//! The command-line contract end to end: outputs and exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{scratch, text, tfop};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[test]
fn check_accepts_the_worked_plans() {
    let output = tfop(&["check", "examples/plans/national-phase2.tfop"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn check_reports_every_error_with_its_place_and_exits_1() {
    let folder = scratch("check_errors");
    let plan = folder.join("bad.tfop");
    std::fs::write(
        &plan,
        "plan \"Bad\" { framework phase2 }\nproblem crime \"Crime\" {\n  indicator a \"A\" { any member has asb_incidnet within 12 months }\n  significant \"S\" { no ofence in family within 6 months }\n}\neligible when at least 3 problems\n",
    )
    .unwrap();
    let output = tfop(&["check", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("bad.tfop:3:36: error[E0102]: unknown event kind `asb_incidnet`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `asb_incident`?"), "{stderr}");
    assert!(
        stderr.contains("bad.tfop:4:24: error[E0102]: unknown event kind `ofence`"),
        "{stderr}"
    );
    assert!(stderr.contains("bad.tfop:6:24: error[E0205]"), "{stderr}");
    assert!(stderr.contains("^^^^^^^^^^^^"), "{stderr}");
}

#[test]
fn check_writes_json_diagnostics_when_asked() {
    let folder = scratch("check_json");
    let plan = folder.join("bad.tfop");
    std::fs::write(
        &plan,
        "plan \"Bad\" { framework phase9 }\neligible when at least 1 problems\n",
    )
    .unwrap();
    let output = tfop(&["check", "--format", "json", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["diagnostic"]["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E0109"), "{json}");
    assert_eq!(json[0]["line"], 1);
}

#[test]
fn fmt_check_passes_on_canonical_plans_and_fails_on_others() {
    let output = tfop(&["fmt", "--check", "examples/plans/national-phase2.tfop"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let folder = scratch("fmt");
    let plan = folder.join("messy.tfop");
    let messy = "plan \"M\" {framework phase2}\n\n\n// keep me\neligible   when at least 1 problems\nproblem p \"P\" { indicator i \"I\" { has offence in family within 12 months } significant \"S\" { no offence in family ever } }\n";
    std::fs::write(&plan, messy).unwrap();
    let output = tfop(&["fmt", "--check", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&plan).unwrap(),
        messy,
        "--check must not write"
    );
    let output = tfop(&["fmt", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let formatted = std::fs::read_to_string(&plan).unwrap();
    assert!(formatted.contains("// keep me"));
    let output = tfop(&["fmt", "--check", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "formatting is idempotent");
}

#[test]
fn eval_decides_every_family_and_refuses_the_malformed_one_with_exit_3() {
    let output = tfop(&[
        "eval",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        "--as-of",
        "2016-11-30",
    ]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["family"], "F-0001");
    assert_eq!(lines[5]["family"], "F-0006");
    assert!(!lines[5]["errors"].as_array().unwrap().is_empty());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("read 6, decided 5, refused 1"), "{stderr}");
    // The refusal names the record and field, never the value.
    assert!(!stderr.contains("2016-02-30"), "{stderr}");
    assert!(!stdout.contains("2016-02-30"), "{stdout}");
}

#[test]
fn eval_writes_its_output_file_whole() {
    let folder = scratch("eval_output");
    let out = folder.join("decisions.jsonl");
    let output = tfop(&[
        "eval",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        "--as-of",
        "2016-11-30",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(output.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 6);
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        1,
        "no temporary file is left behind"
    );
}

#[test]
fn eval_refuses_a_plan_with_errors_with_exit_1() {
    let folder = scratch("eval_bad_plan");
    let plan = folder.join("bad.tfop");
    std::fs::write(&plan, "plan \"Bad\" { framework phase2 }\n").unwrap();
    let output = tfop(&[
        "eval",
        plan.to_str().unwrap(),
        "examples/families/national-phase2.jsonl",
        "--as-of",
        "2016-11-30",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
}

#[test]
fn explain_tells_one_familys_decision_in_words() {
    let output = tfop(&[
        "explain",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        "--family",
        "F-0003",
        "--as-of",
        "2016-11-30",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("Problem `children_in_need`"), "{stdout}");
    assert!(
        stdout.contains("child_protection_plan from 2015-08-01, still open, member P2 (cp1)"),
        "{stdout}"
    );
    assert!(stdout.contains("not possible without a change"), "{stdout}");
    let missing = tfop(&[
        "explain",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        "--family",
        "F-9999",
        "--as-of",
        "2016-11-30",
    ]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn explain_shows_each_measure_with_its_window_dates_and_counts() {
    let output = tfop(&[
        "explain",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        "--family",
        "F-0001",
        "--as-of",
        "2016-11-30",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    // Six months as of 30 November opens after 30 May; the baseline is the
    // six months up to the attachment day, 1 June 2015.
    assert!(
        stdout.contains(
            "asb_incident: 0 from 2016-05-31 to 2016-11-30 against 2 from 2014-12-02 to 2015-06-01 (before attachment); needs a fall of at least 60%"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "rate unauthorised per sessions of school_term, over the last 3 terms, from 2015-09-02 to 2016-11-30 (9 of 384) = 2.34%; needs < 10%"
        ),
        "{stdout}"
    );
}

#[test]
fn explain_writes_the_same_explanation_as_json_when_asked() {
    let explain = |format: Option<&str>| {
        let mut args = vec![
            "explain",
            "examples/plans/national-phase2.tfop",
            "examples/families/national-phase2.jsonl",
            "--family",
            "F-0001",
            "--as-of",
            "2016-11-30",
        ];
        if let Some(format) = format {
            args.extend(["--format", format]);
        }
        let output = tfop(&args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    // Text is the default.
    assert_eq!(explain(Some("text")), explain(None));
    let json: serde_json::Value = serde_json::from_str(&explain(Some("json"))).unwrap();
    assert_eq!(json["family"], "F-0001");
    assert_eq!(json["identified_on"], "2015-06-01");
    let asb = &json["problems"][0]["indicators"][0]["evidence"][0];
    assert_eq!(asb["citation"], "asb1");
    assert_eq!(asb["date"], "2015-01-20");
    assert_eq!(asb["member"], "P2");
    let education = &json["progress"][1];
    assert_eq!(education["problem"], "education");
    assert_eq!(education["since"], "2015-12-18");
    assert_eq!(education["sustained_on"], "2016-12-17");
    let rate = &education["measured"][0]["measured"][0];
    assert_eq!(education["measured"][0]["member"], "P2");
    assert_eq!(rate["type"], "compare");
    assert_eq!(rate["op"], "<");
    assert_eq!(rate["unit"], "rate");
    assert_eq!(rate["left"]["value"], "0.0234375");
    assert_eq!(rate["right"]["value"], "0.1");
    assert_eq!(rate["left"]["measure"]["top_sum"], 9);
    assert_eq!(rate["left"]["measure"]["bottom_sum"], 384);
    let window = &rate["left"]["measure"]["events"]["window"];
    assert_eq!(window["type"], "last_terms");
    assert_eq!(
        (&window["from"], &window["to"]),
        (&"2015-09-02".into(), &"2016-11-30".into())
    );
    let reduction = &json["progress"][0]["measured"][0];
    assert_eq!(reduction["type"], "reduction");
    assert_eq!(reduction["baseline"]["count"], 2);
    assert_eq!(reduction["baseline"]["window"]["from"], "2014-12-02");
    assert_eq!(reduction["now"]["count"], 0);
    assert_eq!(json["claims"][0]["type"], "progress");
    assert_eq!(json["claims"][0]["status"], "not_yet");
    assert_eq!(json["claims"][0]["earliest"], "2016-12-17");
    assert_eq!(json["payable"], "0.00");
}

#[test]
fn test_runs_the_cases_and_closes_with_the_counts() {
    let suite: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("examples/plans/national-phase2.tests.json").unwrap(),
    )
    .unwrap();
    let cases = suite["cases"].as_array().unwrap().len();
    let output = tfop(&["test", "examples/plans/national-phase2.tfop"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with(&format!("{cases} passed, 0 failed")),
        "{stdout}"
    );
    // The worked national plan's cases exercise every problem, indicator and claim.
    assert!(!stdout.contains("coverage:"), "{stdout}");
}

/// A scratch folder holding the national phase 2 plan and one case beside
/// it: family F-0001 as of `as_of`, expected to have its progress claimable.
fn suite_of_one_case(folder: &str, name: &str, as_of: &str) -> PathBuf {
    let case = serde_json::json!({
        "name": name,
        "as_of": as_of,
        "expect": { "claims": { "progress": { "status": "claimable" } } }
    });
    suite_of(folder, &[case])
}

/// [`suite_of`] one case, as of 30 November 2016, expecting `expect`.
fn suite_expecting(folder: &str, name: &str, expect: serde_json::Value) -> PathBuf {
    let case = serde_json::json!({ "name": name, "as_of": "2016-11-30", "expect": expect });
    suite_of(folder, &[case])
}

/// A scratch folder holding the national phase 2 plan and these cases of
/// family F-0001, in a suite written as `serde_json` pretty-prints.
fn suite_of(folder: &str, cases: &[serde_json::Value]) -> PathBuf {
    let folder = scratch(folder);
    std::fs::copy(
        "examples/plans/national-phase2.tfop",
        folder.join("plan.tfop"),
    )
    .unwrap();
    let family: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("examples/families/F-0001.json").unwrap())
            .unwrap();
    let cases: Vec<serde_json::Value> = cases
        .iter()
        .map(|case| {
            let mut case = case.clone();
            case["family"] = family.clone();
            case
        })
        .collect();
    let suite = serde_json::json!({ "plan": "plan.tfop", "cases": cases });
    std::fs::write(
        folder.join("plan.tests.json"),
        serde_json::to_string_pretty(&suite).unwrap() + "\n",
    )
    .unwrap();
    folder
}

/// A family file that is not there fails its case with the path as the
/// suite gives it and why, once, in the failure itself (and in JUnit).
#[test]
fn test_of_a_missing_family_file_names_it_in_the_failure() {
    let folder = suite_expecting(
        "test_missing_family_file",
        "mistyped path",
        serde_json::json!({ "eligible": true }),
    );
    let suite = folder.join("plan.tests.json");
    let written = std::fs::read_to_string(&suite).unwrap();
    let mut cases: serde_json::Value = serde_json::from_str(&written).unwrap();
    let case = &mut cases["cases"][0];
    case.as_object_mut().unwrap().remove("family");
    case["family_file"] = "families/F-0001.json".into();
    std::fs::write(&suite, cases.to_string()).unwrap();
    let said = "its family file `families/F-0001.json` cannot be read (No such file or directory (os error 2)); `family_file` is a path from the suite's folder";
    let output = tfop(&["test", suite.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.contains(&format!("  {said}\n")), "{stdout}");
    assert!(text(&output.stderr).is_empty(), "{}", text(&output.stderr));
    let junit = tfop(&["test", suite.to_str().unwrap(), "--format", "junit"]);
    let xml = text(&junit.stdout);
    assert!(
        xml.contains(&format!(
            "<error message=\"{}\"/>",
            said.replace('\'', "&apos;")
        )),
        "{xml}"
    );
}

#[test]
fn test_reports_coverage_and_asks_no_claims_of_a_plan_on_earned_autonomy() {
    let folder = suite_of_one_case(
        "test_coverage",
        "progress claimable, no one in work",
        "2016-12-31",
    );
    let output = tfop(&["test", folder.join("plan.tfop").to_str().unwrap()]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("no case exercised claims employment"),
        "{stdout}"
    );
    let output = tfop(&[
        "test",
        "examples/plans/leicestershire-2017-earned-autonomy.tfop",
    ]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("claims"), "{stdout}");
}

#[test]
fn test_prints_a_failing_case_with_its_differences_and_explains_it_when_verbose() {
    let folder = suite_of_one_case("test_failing", "wrongly expects a claim", "2016-11-30");
    let output = tfop(&["test", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("FAIL ") && lines[0].ends_with(" :: wrongly expects a claim"));
    assert_eq!(
        lines[1],
        "  claims.progress.status: expected \"claimable\", got \"not_yet\""
    );
    assert!(!stdout.contains("| Problem `crime`"), "{stdout}");
    assert!(
        stdout.contains("run with --verbose to see each failing decision explained"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{stdout}"
    );
    let output = tfop(&["test", "--verbose", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[2], "  the decision, explained:");
    assert!(stdout.contains("| Problem `crime`"), "{stdout}");
    assert!(!stdout.contains("--verbose"), "{stdout}");
}

#[test]
fn test_refuses_a_misspelled_expectation_key_naming_the_valid_ones() {
    let folder = suite_expecting(
        "test_misspelled",
        "eligible, misspelled",
        serde_json::json!({ "eligable": true }),
    );
    let output = tfop(&["test", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("  `expect` has no key `eligable` (did you mean `eligible`?); its keys are `eligible`, `problems`, `indicators`, `evidence`, `attachment`, `attachment_date`, `missing`, `claims`, `progress`, `payable`, `route` and `version`\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("absent"), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn test_refuses_a_case_that_expects_nothing() {
    let folder = suite_of(
        "test_empty_expect",
        &[serde_json::json!({ "name": "pins nothing", "as_of": "2016-11-30", "expect": {} })],
    );
    let output = tfop(&["test", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(
            "  the case expects nothing, so it could never fail; pin at least one of `eligible`,"
        ),
        "{stdout}"
    );
}

#[test]
fn test_of_a_folder_without_test_files_exits_1_saying_so() {
    let folder = scratch("test_no_suites");
    std::fs::copy(
        "examples/plans/national-phase2.tfop",
        folder.join("plan.tfop"),
    )
    .unwrap();
    let output = tfop(&["test", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "error: no test files in {}: a plan's cases go beside it, in PLAN.tests.json",
            folder.display()
        )),
        "{stderr}"
    );
}

#[test]
fn test_filter_runs_only_the_cases_whose_name_contains_it() {
    let output = tfop(&[
        "test",
        "--filter",
        "a month later",
        "examples/plans/national-phase2.tfop",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    let stdout = text(&output.stdout);
    let suite: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("examples/plans/national-phase2.tests.json").unwrap(),
    )
    .unwrap();
    let cases = suite["cases"].as_array().unwrap();
    let matching = cases
        .iter()
        .filter(|case| case["name"].as_str().unwrap().contains("a month later"))
        .count();
    assert!(matching >= 1);
    assert_eq!(
        stdout.trim_end(),
        format!(
            "{matching} passed, 0 failed, {} filtered out",
            cases.len() - matching
        )
    );
    // A part of the cases says nothing of coverage.
    assert!(!stdout.contains("coverage:"), "{stdout}");
}

#[test]
fn test_bless_rewrites_only_the_failing_values_and_the_cases_then_pass() {
    let folder = suite_of(
        "test_bless",
        &[
            serde_json::json!({
                "name": "progress not yet in November",
                "as_of": "2016-11-30",
                "expect": {
                    "eligible": true,
                    "claims": { "progress": { "status": "claimable", "earliest": "2016-11-01" } },
                    "payable": "800.00"
                }
            }),
            serde_json::json!({
                "name": "passes as it is",
                "as_of": "2016-11-30",
                "expect": { "eligible": true }
            }),
        ],
    );
    let suite = folder.join("plan.tests.json");
    let before = std::fs::read_to_string(&suite).unwrap();
    let output = tfop(&["test", "--bless", folder.to_str().unwrap()]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("BLESS ") && stdout.contains(" :: progress not yet in November\n"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("1 passed, 0 failed, 1 blessed"),
        "{stdout}"
    );
    let after = std::fs::read_to_string(&suite).unwrap();
    // The three failing values change; every other byte stays.
    let expected = before
        .replacen(
            "\"earliest\": \"2016-11-01\"",
            "\"earliest\": \"2016-12-17\"",
            1,
        )
        .replacen("\"status\": \"claimable\"", "\"status\": \"not_yet\"", 1)
        .replacen("\"payable\": \"800.00\"", "\"payable\": \"0.00\"", 1);
    assert_ne!(before, expected);
    assert_eq!(after, expected);
    let output = tfop(&["test", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert!(
        text(&output.stdout)
            .trim_end()
            .ends_with("2 passed, 0 failed")
    );
}

#[test]
fn test_format_junit_writes_a_report_ci_systems_read() {
    let folder = suite_of(
        "test_junit",
        &[
            serde_json::json!({
                "name": "claims <progress> & more",
                "as_of": "2016-11-30",
                "expect": { "claims": { "progress": { "status": "claimable" } } }
            }),
            serde_json::json!({ "name": "eligible", "as_of": "2016-11-30", "expect": { "eligible": true } }),
            serde_json::json!({ "name": "misspelled", "as_of": "2016-11-30", "expect": { "eligable": true } }),
        ],
    );
    let output = tfop(&["test", "--format", "junit", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let xml = text(&output.stdout);
    assert!(
        xml.contains("name=\"claims &lt;progress&gt; &amp; more\""),
        "{xml}"
    );
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!((report.tests, report.failures, report.errors), (3, 1, 1));
    let cases = &report.test_suites[0].test_cases;
    assert!(matches!(
        cases[1].status,
        quick_junit::TestCaseStatus::Success { .. }
    ));
    let quick_junit::TestCaseStatus::NonSuccess {
        message,
        description,
        ..
    } = &cases[0].status
    else {
        panic!("{xml}")
    };
    assert_eq!(message.as_ref().unwrap().as_str(), "1 difference");
    assert_eq!(
        description.as_ref().unwrap().as_str().trim_end(),
        "claims.progress.status: expected \"claimable\", got \"not_yet\""
    );
    // The text report goes to standard error, closing line and all.
    let stderr = text(&output.stderr);
    assert!(
        stderr.trim_end().ends_with("1 passed, 2 failed"),
        "{stderr}"
    );
}

#[test]
fn test_refuses_an_inline_family_with_a_key_given_twice_naming_the_key() {
    let folder = suite_of_one_case("test_repeated_key", "events given twice", "2016-11-30");
    // The suite's text with the family's `events` given again, empty: a
    // reader that keeps the last would decide a family without events.
    let suite = std::fs::read_to_string(folder.join("plan.tests.json")).unwrap();
    let repeated = suite.replacen("\"events\": [", "\"events\": [], \"events\": [", 1);
    assert_ne!(repeated, suite);
    std::fs::write(folder.join("plan.tests.json"), repeated).unwrap();
    let output = tfop(&["test", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("family: field `events` is given more than once in the same object"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn test_refuses_an_expectation_with_a_key_given_twice_naming_the_key_and_case() {
    let folder = suite_of_one_case(
        "test_repeated_expectation",
        "status given twice",
        "2016-11-30",
    );
    // The expectation's `status` given again: a reader that keeps the last
    // would check only the second, so the case could pass whatever the first says.
    let suite = std::fs::read_to_string(folder.join("plan.tests.json")).unwrap();
    let repeated = suite.replacen(
        "\"status\": \"claimable\"",
        "\"status\": \"not_yet\", \"status\": \"claimable\"",
        1,
    );
    assert_ne!(repeated, suite);
    std::fs::write(folder.join("plan.tests.json"), repeated).unwrap();
    let output = tfop(&["test", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(":: status given twice\n  `expect.claims.progress.status` is given twice"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn eval_writes_a_flat_csv_row_per_family() {
    let output = tfop(&[
        "eval",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        "--as-of",
        "2016-11-30",
        "--format",
        "csv",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let stdout = text(&output.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "family,district,lp_agency,eligible,problems,attachment,attachment_date,principles_missing,\
             progress_status,progress_window,progress_earliest,progress_reason,\
             employment_status,employment_window,employment_earliest,employment_reason,\
             route,payable,errors,error_messages"
        )
    );
    // The attributes, the attachment day, each claim's status, window,
    // earliest day and reason.
    assert_eq!(
        lines.next(),
        Some(
            "F-0001,Preston,CSC,true,crime;education,attached,2015-06-01,,\
             not_yet,,2016-12-17,problem `education` has met its significant-progress measure since 2015-12-18 but is not sustained until 2016-12-17,\
             not_yet,,,\"no adult had `out_of_work_benefit` when the claim's `with` looks, so no one's employment can count; this will not change unless something new happens\",\
             ,0.00,0,"
        )
    );
    // A paid claim names its route.
    assert!(
        lines.next().unwrap().ends_with(",progress,800.00,0,"),
        "{stdout}"
    );
    // A refused record carries its problems in words, never a value.
    let refused = stdout
        .lines()
        .find(|line| line.starts_with("F-0006"))
        .unwrap();
    assert_eq!(
        refused,
        "F-0006,,,,,refused,,,,,,,,,,,,,2,\
         event #0 field `member`: names no member of this family; use the `id` of one of its `members`; \
         event #0 field `date`: is not a valid date; write a real calendar day as `YYYY-MM-DD`"
    );
    assert_eq!(stdout.lines().count(), 7);
}

#[test]
fn eval_output_is_the_same_on_one_thread_or_many() {
    let folder = scratch("threads");
    // Enough families for several batches.
    let line = std::fs::read_to_string("examples/families/national-phase2.jsonl").unwrap();
    let mut many = String::new();
    for copy in 0..400 {
        for family in line.lines() {
            many.push_str(&family.replacen("\"id\":\"F-", &format!("\"id\":\"C{copy}-"), 1));
            many.push('\n');
        }
    }
    let input = folder.join("many.jsonl");
    std::fs::write(&input, many).unwrap();
    let run = |threads: &str| {
        tfop(&[
            "eval",
            "examples/plans/national-phase2.tfop",
            input.to_str().unwrap(),
            "--as-of",
            "2016-11-30",
            "--threads",
            threads,
        ])
    };
    let one = run("1");
    let four = run("4");
    assert_eq!(one.status.code(), Some(3));
    assert_eq!(text(&one.stdout).lines().count(), 2_400);
    assert_eq!(one.stdout, four.stdout);
    assert!(text(&four.stderr).contains("read 2400, decided 2000, refused 400"));
}

#[test]
fn a_line_that_is_not_utf8_is_refused_and_the_run_goes_on() {
    let folder = scratch("utf8");
    let input = folder.join("bad.jsonl");
    let good = std::fs::read_to_string("examples/families/national-phase2.jsonl").unwrap();
    let mut bytes = good.lines().next().unwrap().as_bytes().to_vec();
    bytes.extend_from_slice(b"\n{\"id\": \"\xff\xfe\"}\n");
    bytes.extend_from_slice(good.lines().nth(1).unwrap().as_bytes());
    bytes.push(b'\n');
    std::fs::write(&input, bytes).unwrap();
    let output = tfop(&[
        "eval",
        "examples/plans/national-phase2.tfop",
        input.to_str().unwrap(),
        "--as-of",
        "2016-11-30",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        text(&output.stderr).contains("read 3, decided 2, refused 1"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stderr).contains("bad.jsonl:2:"),
        "{}",
        text(&output.stderr)
    );
}

// ───────────── writing output files ─────────────

/// `eval` of the worked example (six lines, exit 3) with `-o PATH`.
fn eval_to(path: &Path) -> Output {
    tfop(&[
        "eval",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        "--as-of",
        "2016-11-30",
        "-o",
        path.to_str().unwrap(),
    ])
}

/// The names in a folder, sorted.
fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn eval_to_dev_null_writes_into_the_device_and_never_replaces_it() {
    use std::os::unix::fs::FileTypeExt;
    let null = Path::new("/dev/null");
    if !std::fs::metadata(null).is_ok_and(|m| m.file_type().is_char_device()) {
        eprintln!("skipped: no /dev/null device here");
        return;
    }
    // Run as root this once renamed a regular file over /dev/null.
    let output = eval_to(null);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let metadata = std::fs::symlink_metadata(null).unwrap();
    assert!(metadata.file_type().is_char_device(), "{metadata:?}");
    assert!(
        !names_in(Path::new("/dev"))
            .iter()
            .any(|name| name.contains("tfop")),
        "no temporary is left in /dev"
    );
}

#[cfg(unix)]
#[test]
fn eval_to_a_fifo_writes_into_the_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let folder = scratch("eval_fifo");
    let fifo = folder.join("decisions.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let output = eval_to(&fifo);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert_eq!(reader.join().unwrap().lines().count(), 6);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(names_in(&folder), ["decisions.fifo"]);
}

#[cfg(unix)]
#[test]
fn eval_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let folder = scratch("eval_symlink");
    let target = folder.join("real.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    let link = folder.join("link.jsonl");
    std::os::unix::fs::symlink("real.jsonl", &link).unwrap();
    let output = eval_to(&link);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real.jsonl"));
    assert_eq!(std::fs::read_to_string(&target).unwrap().lines().count(), 6);
    assert_eq!(names_in(&folder), ["link.jsonl", "real.jsonl"]);

    // A link to nothing yet: its target is made.
    let dangling = folder.join("dangling.jsonl");
    std::os::unix::fs::symlink("later.jsonl", &dangling).unwrap();
    let output = eval_to(&dangling);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("later.jsonl"))
            .unwrap()
            .lines()
            .count(),
        6
    );
}

#[cfg(unix)]
#[test]
fn eval_keeps_the_permissions_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let folder = scratch("eval_permissions");
    let out = folder.join("decisions.jsonl");
    std::fs::write(&out, "old\n").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    let output = eval_to(&out);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 6);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o640);
}

/// The id of a process that has ended.
fn pid_of_an_ended_process() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_stale_temporary_of_an_ended_run_is_removed_and_a_running_ones_kept() {
    let folder = scratch("eval_stale");
    let out = folder.join("decisions.jsonl");
    let ended = format!(".decisions.jsonl.tfop-tmp-{}", pid_of_an_ended_process());
    // This test's own process is running: its temporary is not stale.
    let running = format!(".decisions.jsonl.tfop-tmp-{}", std::process::id());
    // Another target's temporary is not this run's business.
    let other = format!(".other.jsonl.tfop-tmp-{}", pid_of_an_ended_process());
    for name in [&ended, &running, &other] {
        std::fs::write(folder.join(name), "half").unwrap();
    }
    let output = eval_to(&out);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let mut expected = vec![running, other, "decisions.jsonl".to_owned()];
    expected.sort();
    assert_eq!(names_in(&folder), expected);
}

/// Starts `eval -o out` reading families from a pipe left open, and waits
/// until its temporary file is there.
#[cfg(unix)]
fn eval_waiting_on_input(folder: &Path, out: &Path) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_tfop"))
        .args([
            "eval",
            "examples/plans/national-phase2.tfop",
            "-",
            "--as-of",
            "2016-11-30",
            "-o",
            out.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let temporary = format!(".decisions.jsonl.tfop-tmp-{}", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !folder.join(&temporary).exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "no temporary appeared: {:?}",
            names_in(folder)
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child
}

#[cfg(unix)]
fn send(signal: &str, child: &std::process::Child) {
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[cfg(unix)]
#[test]
fn an_interrupted_eval_removes_its_temporary_and_leaves_the_old_file() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("-INT", 2), ("-TERM", 15)] {
        let folder = scratch(&format!("eval_signal{signal}"));
        let out = folder.join("decisions.jsonl");
        std::fs::write(&out, "old\n").unwrap();
        let mut child = eval_waiting_on_input(&folder, &out);
        // Held open until the child has ended (`wait` would close it, and
        // the child could then finish its work before the signal lands).
        let input = child.stdin.take();
        // The signal watch is set before any file is made.
        send(signal, &child);
        let status = child.wait().unwrap();
        drop(input);
        assert!(
            status.signal() == Some(number) || status.code() == Some(128 + number),
            "{signal}: {status:?}"
        );
        assert_eq!(names_in(&folder), ["decisions.jsonl"], "{signal}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n");
    }
}

#[cfg(unix)]
#[test]
fn a_temporary_left_by_a_killed_run_is_removed_by_the_next() {
    let folder = scratch("eval_killed");
    let out = folder.join("decisions.jsonl");
    let mut child = eval_waiting_on_input(&folder, &out);
    let input = child.stdin.take();
    send("-KILL", &child);
    child.wait().unwrap();
    drop(input);
    assert_eq!(names_in(&folder).len(), 1, "kill -9 leaves the temporary");
    let output = eval_to(&out);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert_eq!(names_in(&folder), ["decisions.jsonl"]);
}

#[cfg(unix)]
#[test]
fn fmt_through_a_symlink_formats_the_target_and_keeps_link_and_mode() {
    use std::os::unix::fs::PermissionsExt;
    let folder = scratch("fmt_symlink");
    let target = folder.join("plan.tfop");
    std::fs::write(
        &target,
        "plan \"M\" {framework phase2}\neligible   when at least 1 problems\n",
    )
    .unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = folder.join("link.tfop");
    std::os::unix::fs::symlink("plan.tfop", &link).unwrap();
    let output = tfop(&["fmt", link.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "plan \"M\" {\n  framework phase2\n}\n\neligible when at least 1 problems\n"
    );
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o600);
    assert_eq!(names_in(&folder), ["link.tfop", "plan.tfop"]);
}

#[test]
fn fmt_check_accepts_a_comment_with_trailing_blanks_and_fmt_drops_them() {
    let folder = scratch("fmt_comment_blanks");
    let plan = folder.join("plan.tfop");
    std::fs::write(&plan, "// x \t\n").unwrap();
    // Once: "formatting would change the plan's meaning … this is a bug".
    let output = tfop(&["fmt", "--check", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("not in canonical form"),
        "{}",
        text(&output.stderr)
    );
    let output = tfop(&["fmt", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), "// x\n");
}

// ───────────── days and usage errors at the command line ─────────────

fn eval_as_of(day: &str) -> Output {
    tfop(&[
        "eval",
        "examples/plans/national-phase2.tfop",
        "examples/families/national-phase2.jsonl",
        // `=` so that a day starting with `-` is a value, not an option.
        &format!("--as-of={day}"),
    ])
}

#[test]
fn as_of_takes_the_first_and_last_day_of_years_0001_to_9999() {
    for day in ["0001-01-01", "9999-12-31"] {
        let output = eval_as_of(day);
        assert_eq!(
            output.status.code(),
            Some(3),
            "{day}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn as_of_outside_years_0001_to_9999_is_refused_with_exit_1() {
    // Once accepted (`0000-12-31`, `+10000-01-01`) and written back in a
    // form the readers refuse.
    for day in ["0000-12-31", "+10000-01-01", "10000-01-01", "-0001-01-01"] {
        let output = eval_as_of(day);
        assert_eq!(output.status.code(), Some(1), "{day}");
        assert!(output.stdout.is_empty(), "{day}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("outside the years 0001 to 9999")
                && stderr.contains("give a day from 0001-01-01 to 9999-12-31"),
            "{day}: {stderr}"
        );
    }
}

#[test]
fn a_bad_as_of_exits_1_as_the_readme_says_not_clap_usage_2() {
    for (day, says) in [
        ("2016-02-30", "is not a calendar day"),
        ("2016-1-1", "is not a day; write YYYY-MM-DD"),
        ("tomorrow", "is not a day; write YYYY-MM-DD"),
    ] {
        let output = eval_as_of(day);
        assert_eq!(output.status.code(), Some(1), "{day}");
        assert!(
            text(&output.stderr).contains(says),
            "{day}: {}",
            text(&output.stderr)
        );
    }
    let output = tfop(&["eval", "--no-such-option"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let output = tfop(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let output = tfop(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn generate_start_must_leave_the_whole_history_in_years_0001_to_9999() {
    let folder = scratch("generate_start");
    let plan = "examples/plans/national-phase2.tfop";
    for start in ["0100-01-01", "9989-12-31"] {
        let cohort = folder.join(format!("{start}.jsonl"));
        let output = tfop(&[
            "generate",
            "--families",
            "300",
            "--seed",
            "7",
            "--start",
            start,
            "-o",
            cohort.to_str().unwrap(),
        ]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{start}: {}",
            text(&output.stderr)
        );
        // Every day written can be read back.
        let output = tfop(&["eval", plan, cohort.to_str().unwrap(), "--as-of", start]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{start}: {}",
            text(&output.stderr)
        );
        assert!(text(&output.stderr).contains("refused 0"));
    }
    for start in ["0099-12-31", "9990-01-01", "0000-01-01", "+10000-01-01"] {
        let cohort = folder.join("refused.jsonl");
        let output = tfop(&[
            "generate",
            "--families",
            "1",
            "--seed",
            "7",
            &format!("--start={start}"),
            "-o",
            cohort.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(1), "{start}");
        assert!(!cohort.exists(), "{start}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains("0001 to 9999"), "{start}: {stderr}");
    }
}

// ───────────── money that does not fit ─────────────

#[test]
fn funding_past_the_largest_amount_is_refused_not_saturated() {
    let folder = scratch("funding_overflow");
    let plan = folder.join("plan.tfop");
    let head = "plan \"X\" { framework phase2 version \"1\" }\nproblem crime \"Crime\" {\n  indicator asb \"ASB\" { any member has asb_incident within 12 months }\n  significant \"No ASB\" { no asb_incident in family within 1 month }\n  sustained for 6 months\n}\neligible when at least 1 problems\n";
    // At the limit: 153,092,023 × £602,472,412.09 is exactly the largest
    // amount held.
    std::fs::write(
        &plan,
        format!("{head}funding {{\n  year \"a\" {{ families 153092023 attachment £602472412.09 }}\n  claim windows from 2013-01-01 every 1 days until 2015-09-27\n}}\n"),
    )
    .unwrap();
    let output = tfop(&["funding", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("£92,233,720,368,547,758.07"), "{stdout}");
    assert!(
        stdout.contains("claim windows (1000): 2013-01-01,"),
        "{stdout}"
    );
    // One family and one window more: two errors, nothing printed.
    std::fs::write(
        &plan,
        format!("{head}funding {{\n  year \"a\" {{ families 153092024 attachment £602472412.09 }}\n  claim windows from 2013-01-01 every 1 days until 2015-09-28\n}}\n"),
    )
    .unwrap();
    let output = tfop(&["funding", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("plan.tfop:9:3: error[E0213]: the attachment fees of year `a` are too large to add up exactly"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("plan.tfop:10:3: error[E0214]: the claim windows open more than 1000 times"),
        "{stderr}"
    );
    // The shared reproducer: refused the same way, not 43 MB of windows.
    let output = tfop(&["funding", "tests/fixtures/check/funding_overflow.tfop"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("error[E0213]") && stderr.contains("error[E0214]"),
        "{stderr}"
    );
    assert!(stderr.len() < 10_000, "{} bytes", stderr.len());
}

#[test]
fn a_repeated_key_refuses_its_family_in_a_json_array_and_in_json_lines() {
    let folder = scratch("repeated_key");
    let good = r#"{"id": "F-A", "members": [{"id": "P1", "role": "adult"}], "events": []}"#;
    let repeated = r#"{"id": "F-B", "members": [{"id": "P1", "role": "adult"}], "events": [{"kind": "offence", "member": "P1", "date": "2016-01-01"}], "events": []}"#;
    let array = folder.join("families.json");
    std::fs::write(&array, format!("[{good},\n{repeated}]")).unwrap();
    let lines = folder.join("families.jsonl");
    std::fs::write(&lines, format!("{good}\n{repeated}\n")).unwrap();
    for path in [array, lines] {
        let output = tfop(&[
            "eval",
            "examples/plans/national-phase2.tfop",
            path.to_str().unwrap(),
            "--as-of",
            "2016-11-30",
        ]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert!(
            stderr
                .contains(":2: refused family F-B: family field `events`: is given more than once"),
            "{stderr}"
        );
        assert!(stderr.contains("read 2, decided 1, refused 1"), "{stderr}");
    }
}

// ───────────── check, fmt and explain-code ─────────────

/// A plan that checks with one warning: a define nothing uses.
const PLAN_WITH_A_WARNING: &str = "plan \"W\" { framework phase2 }\nproblem crime \"Crime\" {\n  indicator asb \"ASB\" { any member has asb_incident within 12 months }\n  significant \"No ASB\" { no asb_incident in family within 6 months }\n}\neligible when at least 1 problems\ndefine unused = has offence ever\n";

#[test]
fn check_closes_with_a_summary_and_denies_warnings_when_asked() {
    let folder = scratch("check_summary");
    let warned = common::write(&folder, "warned.tfop", PLAN_WITH_A_WARNING);
    let bad = common::write(&folder, "bad.tfop", "plan \"Bad\" { framework phase9 }\n");
    let output = tfop(&["check", &warned, "examples/plans/national-phase2.tfop"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("warning[W0001]"), "{stderr}");
    assert!(
        stderr.ends_with("0 errors, 1 warning in 2 plans\n"),
        "{stderr}"
    );
    let output = tfop(&["check", "--deny-warnings", &warned]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let output = tfop(&[
        "check",
        "--deny-warnings",
        "examples/plans/national-phase2.tfop",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stderr).ends_with("0 errors, 0 warnings in 1 plan\n"));
    let output = tfop(&["check", &bad, &warned]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).ends_with("2 errors, 1 warning in 2 plans\n"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn check_json_gives_both_ends_of_each_span_and_the_unclosed_bracket() {
    let output = tfop(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/parse/unclosed_block.tfop",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostic = &json[0];
    // `indicator` on line 5, columns 3 to 11, ends before column 12.
    assert_eq!(
        [
            &diagnostic["line"],
            &diagnostic["column"],
            &diagnostic["end_line"],
            &diagnostic["end_column"]
        ],
        [5, 3, 5, 12]
    );
    assert_eq!(diagnostic["labels"][0]["message"], "unclosed `{`");
    assert_eq!(
        [
            &diagnostic["labels"][0]["line"],
            &diagnostic["labels"][0]["column"],
            &diagnostic["labels"][0]["end_column"]
        ],
        [4, 25, 26]
    );
    let output = tfop(&["check", "tests/fixtures/parse/unclosed_block.tfop"]);
    assert!(
        text(&output.stderr)
            .contains("  = note: unclosed `{` at tests/fixtures/parse/unclosed_block.tfop:4:25\n"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn explain_code_prints_the_long_explanation_of_a_code() {
    let output = tfop(&["explain-code", "E0102"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("E0102 (error): unknown event kind\n\nAn event kind neither the national vocabulary nor the plan declares.\n\n"),
        "{stdout}"
    );
    assert!(stdout.contains("asb_incidnet"), "{stdout}");
    let output = tfop(&["explain-code", "w0001"]);
    assert!(text(&output.stdout).starts_with("W0001 (warning): a define never used\n"));
    let output = tfop(&["explain-code", "E0999"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).contains("`E0999` is not a tfop code"));
}

#[test]
fn eval_report_and_diff_print_a_plans_warnings_once_on_stderr() {
    let folder = scratch("warnings_once");
    let plan = common::write(&folder, "warned.tfop", PLAN_WITH_A_WARNING);
    let families = "examples/families/national-phase2.jsonl";
    for args in [
        vec!["eval", &plan, families, "--as-of", "2016-11-30"],
        vec!["report", &plan, families, "--as-of", "2016-11-30"],
        vec![
            "diff",
            &plan,
            "examples/plans/national-phase2.tfop",
            families,
            "--as-of",
            "2016-11-30",
        ],
    ] {
        let output = tfop(&args);
        let stderr = text(&output.stderr);
        assert_eq!(
            stderr
                .matches("warning[W0001]: `unused` is defined but never used")
                .count(),
            1,
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("warned.tfop:7:8: warning[W0001]"),
            "{stderr}"
        );
    }
}

#[test]
fn fmt_dash_reads_standard_input_and_writes_standard_output() {
    use std::io::Write as _;
    let messy = "plan \"M\" {framework phase2}\neligible   when at least 1 problems\n";
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tfop"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(messy.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let output = run(&["fmt", "-"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let formatted = text(&output.stdout);
    assert_eq!(
        formatted,
        "plan \"M\" {\n  framework phase2\n}\n\neligible when at least 1 problems\n"
    );
    let output = run(&["fmt", "--check", "-"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).contains("<stdin>: not in canonical form"));
    let output = run(&["fmt", "--diff", "-"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).starts_with(
        "--- <stdin>\n+++ <stdin> (formatted)\n@@ -1,2 +1,5 @@\n-plan \"M\" {framework phase2}\n"
    ));
    let output = run(&["fmt", "-", "examples/plans/national-phase2.tfop"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("give it alone"));
}

#[test]
fn fmt_diff_shows_what_would_change_and_writes_nothing() {
    let folder = scratch("fmt_diff");
    let messy = "plan \"M\" { framework phase2 }\n\neligible   when at least 1 problems\n";
    let plan = common::write(&folder, "messy.tfop", messy);
    let output = tfop(&["fmt", "--diff", &plan]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stdout),
        format!(
            "--- {plan}\n+++ {plan} (formatted)\n@@ -1,3 +1,5 @@\n-plan \"M\" {{ framework phase2 }}\n+plan \"M\" {{\n+  framework phase2\n+}}\n \n-eligible   when at least 1 problems\n+eligible when at least 1 problems\n"
        )
    );
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), messy);
    let output = tfop(&["fmt", "--diff", "examples/plans/national-phase2.tfop"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
}

// ───────────── exit codes ─────────────

/// The README's command table: each command's row and its exit column.
fn readme_exit_codes() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table = readme.split("## Command line").nth(1).unwrap();
    table
        .lines()
        .skip_while(|line| !line.starts_with("| command"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split(" | ").collect();
            let command = cells[0].trim().trim_matches('`');
            let name = command.split_whitespace().nth(1).unwrap().to_string();
            (name, cells.last().unwrap().trim().replace("\\|", "|"))
        })
        .collect()
}

#[test]
fn every_commands_help_lists_the_exit_codes_the_readme_gives() {
    let rows = readme_exit_codes();
    let names: Vec<&str> = rows.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "check",
            "fmt",
            "explain-code",
            "eval",
            "explain",
            "test",
            "report",
            "claims",
            "funding",
            "diff",
            "generate",
            "lsp"
        ]
    );
    for (command, exits) in &rows {
        let output = tfop(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0));
        let help = text(&output.stdout);
        assert!(
            help.contains(&format!("Exit status: {exits}\n")),
            "{command}: README says {exits:?}; --help says\n{help}"
        );
    }
    let help = text(&tfop(&["--help"]).stdout);
    assert!(help.contains("a usage error (an unknown option, a missing argument, a value that does not parse) exits 1"), "{help}");
}

#[test]
fn every_exit_code_of_every_command() {
    let folder = scratch("exit_codes");
    let clean = common::write(
        &folder,
        "clean.jsonl",
        &(std::fs::read_to_string("examples/families/national-phase2.jsonl")
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
            + "\n"),
    );
    let refused = "examples/families/national-phase2.jsonl";
    let plan = "examples/plans/national-phase2.tfop";
    let bad_plan = common::write(&folder, "bad.tfop", "plan \"Bad\" { framework phase9 }\n");
    let stricter = common::write(
        &folder,
        "stricter.tfop",
        &std::fs::read_to_string(plan).unwrap().replace(
            "eligible when at least 2 problems",
            "eligible when at least 3 problems",
        ),
    );
    let messy = common::write(
        &folder,
        "messy.tfop",
        "plan \"M\" {framework phase2}\neligible when at least 1 problems\n",
    );
    let cohort = folder.join("cohort.jsonl");
    let cohort = cohort.to_str().unwrap();
    let day = ["--as-of", "2016-11-30"];
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["check", plan], 0),
        (vec!["check", &bad_plan], 1),
        (vec!["fmt", "--check", plan], 0),
        (vec!["fmt", "--check", &messy], 1),
        (vec!["fmt", "--diff", &messy], 1),
        (vec!["explain-code", "E0001"], 0),
        (vec!["explain-code", "X1"], 1),
        ([vec!["eval", plan, &clean], day.to_vec()].concat(), 0),
        ([vec!["eval", plan, refused], day.to_vec()].concat(), 3),
        ([vec!["eval", &bad_plan, &clean], day.to_vec()].concat(), 1),
        (
            [
                vec!["explain", plan, refused, "--family", "F-0001"],
                day.to_vec(),
            ]
            .concat(),
            0,
        ),
        (
            [
                vec!["explain", plan, refused, "--family", "F-9999"],
                day.to_vec(),
            ]
            .concat(),
            1,
        ),
        (vec!["test", "examples/plans/national-phase2.tfop"], 0),
        (vec!["test", folder.to_str().unwrap()], 1),
        ([vec!["report", plan, &clean], day.to_vec()].concat(), 0),
        ([vec!["report", plan, refused], day.to_vec()].concat(), 3),
        (
            [vec!["report", &bad_plan, refused], day.to_vec()].concat(),
            1,
        ),
        (vec!["funding", "examples/plans/barnet-2012.tfop"], 0),
        (vec!["funding", plan], 1),
        ([vec!["diff", plan, plan, &clean], day.to_vec()].concat(), 0),
        (
            [vec!["diff", plan, &stricter, refused], day.to_vec()].concat(),
            4,
        ),
        (
            [vec!["diff", plan, plan, refused], day.to_vec()].concat(),
            3,
        ),
        (
            [vec!["diff", plan, &bad_plan, refused], day.to_vec()].concat(),
            1,
        ),
        (
            vec!["generate", "--families", "2", "--seed", "1", "-o", cohort],
            0,
        ),
        (
            vec![
                "generate",
                "--families",
                "2",
                "--seed",
                "1",
                "-o",
                "/nonexistent/folder/x.jsonl",
            ],
            1,
        ),
    ];
    for (args, code) in &cases {
        let output = tfop(args);
        assert_eq!(
            output.status.code(),
            Some(*code),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
    // A usage error exits 1 on every command, as the README says; help exits 0.
    for (command, _) in readme_exit_codes() {
        let output = tfop(&[&command, "--no-such-option"]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{command}: {}",
            text(&output.stderr)
        );
        assert!(text(&output.stderr).contains("unexpected argument '--no-such-option'"));
    }
    assert_eq!(tfop(&[]).status.code(), Some(1));
    assert_eq!(tfop(&["no-such-command"]).status.code(), Some(1));
    assert_eq!(tfop(&["--version"]).status.code(), Some(0));
}

// ───────────── `-o -`: standard output ─────────────

/// Runs `tfop` in `folder` (the repository's files named by absolute
/// path), so a file wrongly named `-` would land there to be seen.
fn tfop_in(folder: &Path, args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = args
        .iter()
        .map(|arg| match arg.strip_prefix("examples/") {
            Some(_) => root.join(arg).to_string_lossy().into_owned(),
            None => (*arg).to_owned(),
        })
        .collect();
    Command::new(env!("CARGO_BIN_EXE_tfop"))
        .args(&args)
        .current_dir(folder)
        .output()
        .unwrap()
}

/// Each command run with `-o -` writes to standard output what it writes
/// without `-o`, and makes no file.
#[test]
fn dash_o_dash_writes_standard_output_for_every_command_that_takes_o() {
    let cohort = "examples/cohort/families.jsonl";
    let phase2 = "examples/plans/national-phase2.tfop";
    let lancashire = "examples/plans/lancashire-2016.tfop";
    let runs: [&[&str]; 9] = [
        &["eval", phase2, cohort, "--as-of", "2016-11-30"],
        &[
            "eval",
            phase2,
            cohort,
            "--as-of",
            "2016-11-30",
            "--format",
            "csv",
        ],
        &[
            "explain",
            phase2,
            "examples/families/national-phase2.jsonl",
            "--family",
            "F-0001",
            "--as-of",
            "2016-11-30",
            "--format",
            "html",
        ],
        &[
            "report",
            phase2,
            cohort,
            "--as-of",
            "2016-11-30",
            "--format",
            "json",
        ],
        &["claims", lancashire, cohort, "--window", "2017-03-31"],
        &[
            "claims",
            lancashire,
            cohort,
            "--window",
            "2017-03-31",
            "--near",
        ],
        &[
            "funding",
            "examples/plans/barnet-2012.tfop",
            "--format",
            "json",
        ],
        &[
            "diff",
            lancashire,
            phase2,
            cohort,
            "--as-of",
            "2016-11-30",
            "--format",
            "json",
        ],
        &["generate", "--families", "3", "--seed", "7", "-o", "-"],
    ];
    for args in runs {
        let folder = scratch("dash_o_dash");
        let (plain, dashed) = if args[0] == "generate" {
            let file = folder.join("cohort.jsonl");
            let mut to_file = args.to_vec();
            let last = to_file.len() - 1;
            let file_arg = file.to_string_lossy().into_owned();
            to_file[last] = &file_arg;
            let written = tfop_in(&folder, &to_file);
            assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
            let bytes = std::fs::read(&file).unwrap();
            std::fs::remove_file(&file).unwrap();
            (bytes, tfop_in(&folder, args))
        } else {
            let plain = tfop_in(&folder, args);
            let mut dashed = args.to_vec();
            dashed.extend(["-o", "-"]);
            (plain.stdout, tfop_in(&folder, &dashed))
        };
        assert!(
            matches!(dashed.status.code(), Some(0 | 3 | 4)),
            "{args:?}: {}",
            text(&dashed.stderr)
        );
        assert!(!plain.is_empty(), "{args:?} writes something");
        assert_eq!(text(&dashed.stdout), text(&plain), "{args:?}");
        assert_eq!(
            names_in(&folder),
            Vec::<String>::new(),
            "{args:?} makes no file"
        );
    }
}

#[test]
fn a_file_named_dash_is_still_written_as_dot_slash_dash() {
    let folder = scratch("dot_slash_dash");
    let output = tfop_in(
        &folder,
        &[
            "eval",
            "examples/plans/national-phase2.tfop",
            "examples/families/national-phase2.jsonl",
            "--as-of",
            "2016-11-30",
            "-o",
            "./-",
        ],
    );
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    assert_eq!(names_in(&folder), ["-"]);
    assert_eq!(
        std::fs::read_to_string(folder.join("-"))
            .unwrap()
            .lines()
            .count(),
        6
    );
}

/// A CSV folder cannot be standard output: `report`, `diff` and `generate`
/// refuse `-o -` with `--format csv`, saying why, and write nothing.
#[test]
fn dash_o_dash_is_refused_where_csv_writes_a_folder() {
    let cohort = "examples/cohort/families.jsonl";
    let phase2 = "examples/plans/national-phase2.tfop";
    let runs: [&[&str]; 3] = [
        &[
            "report",
            phase2,
            cohort,
            "--as-of",
            "2016-11-30",
            "--format",
            "csv",
            "-o",
            "-",
        ],
        &[
            "diff",
            phase2,
            phase2,
            cohort,
            "--as-of",
            "2016-11-30",
            "--format",
            "csv",
            "-o",
            "-",
        ],
        &[
            "generate",
            "--families",
            "3",
            "--seed",
            "7",
            "--format",
            "csv",
            "-o",
            "-",
        ],
    ];
    for args in runs {
        let folder = scratch("dash_o_dash_folder");
        let output = tfop_in(&folder, args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains(
                "error: -o - is standard output, but --format csv writes a folder of files; name the folder with -o DIR"
            ),
            "{args:?}: {stderr}"
        );
        assert_eq!(names_in(&folder), Vec::<String>::new(), "{args:?}");
    }
}

/// `--html -` and `--xlsx -` write standard output, as `-o -` does: the
/// page and the workbook are the bytes `--html FILE` and `--xlsx FILE`
/// write, and no file named `-` is made.
#[test]
fn html_and_xlsx_dash_write_standard_output_and_no_file_named_dash() {
    let folder = scratch("html_xlsx_dash");
    let phase2 = "examples/plans/national-phase2.tfop";
    let cohort = "examples/cohort/families.jsonl";
    let report = ["report", phase2, cohort, "--as-of", "2016-11-30"];
    let run = |more: &[&str]| {
        let mut args = report.to_vec();
        args.extend_from_slice(more);
        let output = tfop_in(&folder, &args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        output.stdout
    };
    let page_file = folder.join("page.html");
    run(&["--html", page_file.to_str().unwrap(), "-o", "/dev/null"]);
    let page = run(&["--html", "-", "-o", "/dev/null"]);
    assert!(page.starts_with(b"<!DOCTYPE html>"));
    assert_eq!(page, std::fs::read(&page_file).unwrap());
    std::fs::remove_file(&page_file).unwrap();

    let workbook = run(&["--xlsx", "-", "-o", "/dev/null"]);
    let diffed = tfop_in(
        &folder,
        &[
            "diff",
            phase2,
            "examples/plans/lancashire-2016.tfop",
            cohort,
            "--as-of",
            "2016-11-30",
            "--xlsx",
            "-",
            "-o",
            "/dev/null",
        ],
    );
    assert_eq!(diffed.status.code(), Some(4), "{}", text(&diffed.stderr));
    for (bytes, first_sheet) in [(workbook, "families"), (diffed.stdout, "changes")] {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sheets = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/workbook.xml").unwrap(),
            &mut sheets,
        )
        .unwrap();
        assert!(
            sheets.contains(&format!("<sheet name=\"{first_sheet}\"")),
            "{sheets}"
        );
    }
    assert_eq!(names_in(&folder), Vec::<String>::new());
}

/// Two results on standard output would run together: `report` and `diff`
/// refuse them before deciding anything, naming each as it was asked for.
#[test]
fn results_that_would_share_standard_output_are_refused() {
    let phase2 = "examples/plans/national-phase2.tfop";
    let cohort = "examples/cohort/families.jsonl";
    let report = ["report", phase2, cohort, "--as-of", "2016-11-30"];
    let runs: [(Vec<&str>, &str); 4] = [
        (
            [&report[..], &["--html", "-"]].concat(),
            "error: the report (no -o, or -o -) and --html - both write standard output",
        ),
        (
            [&report[..], &["-o", "-", "--xlsx", "-"]].concat(),
            "error: the report (no -o, or -o -) and --xlsx - both write standard output",
        ),
        (
            [
                &report[..],
                &["--format", "json", "--html", "-", "--xlsx", "-"],
            ]
            .concat(),
            "error: the report (no -o, or -o -), --html - and --xlsx - all write standard output, where they would run together; name a file for all but one",
        ),
        (
            vec![
                "diff",
                phase2,
                phase2,
                cohort,
                "--as-of",
                "2016-11-30",
                "--xlsx",
                "-",
            ],
            "error: the diff (no -o, or -o -) and --xlsx - both write standard output",
        ),
    ];
    for (args, said) in runs {
        let output = tfop(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with(said), "{args:?}: {stderr}");
        assert!(!stderr.contains("read "), "nothing decided: {stderr}");
    }
}

/// A workbook is binary: `--xlsx -` to a terminal is refused, saying how to
/// redirect it, while the same run into a pipe writes it.
#[test]
fn xlsx_dash_is_refused_on_a_terminal_and_written_to_a_pipe() {
    let phase2 = "examples/plans/national-phase2.tfop";
    let cohort = "examples/cohort/families.jsonl";
    for command in [
        vec!["report", phase2, cohort, "--as-of", "2016-11-30"],
        vec!["diff", phase2, phase2, cohort, "--as-of", "2016-11-30"],
    ] {
        let args = [&command[..], &["--xlsx", "-", "-o", "/dev/null"]].concat();
        let on_terminal = common::tfop_on_terminal(&args, "");
        let drawn = text(&on_terminal.stdout);
        assert_eq!(on_terminal.status.code(), Some(1), "{drawn}");
        assert_eq!(
            drawn,
            "error: --xlsx - writes a binary workbook to standard output, which is a terminal; redirect it (`> report.xlsx`, `| …`) or name the file (--xlsx FILE)\r\n"
        );
        let piped = common::tfop_on_terminal(&args, "2>/dev/null | head -c 4");
        assert_eq!(text(&piped.stdout), "PK\u{3}\u{4}", "{args:?}");
    }
}
