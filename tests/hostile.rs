//! The hostile reproducers of the robustness issue, kept as they were filed
//! under `tests/fixtures/hostile/` (its README says what each did once) and
//! run exactly as that table runs them. The tests elsewhere cover each
//! defect's class; these pin that the filed inputs themselves stay fixed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{text, tfop_exits};

const PLAN2: &str = "examples/plans/national-phase2.tfop";
const FAMILIES6: &str = "examples/families/national-phase2.jsonl";

fn hostile(name: &str) -> String {
    format!("tests/fixtures/hostile/{name}")
}

/// Standard output and error of a run that must end with `code`.
fn run(args: &[&str], code: i32) -> (String, String) {
    let output = tfop_exits(args, code);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(!stderr.contains("a bug in tfop"), "{stderr}");
    (stdout, stderr)
}

/// What `eval --format csv` of the phase 2 plan prints for this reproducer,
/// which refuses some families (exit 3).
fn eval_csv(name: &str) -> (String, String) {
    run(
        &[
            "eval",
            PLAN2,
            &hostile(name),
            "--as-of",
            "2016-11-30",
            "--format",
            "csv",
        ],
        3,
    )
}

/// The CSV rows of `eval --format csv`, keyed by family id.
fn rows(csv: &str) -> Vec<(String, String)> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let (id, rest) = line.split_once(',').unwrap();
            (id.to_string(), rest.to_string())
        })
        .collect()
}

#[test]
fn every_reproducer_is_run_by_a_test_here() {
    let filed: std::collections::BTreeSet<String> = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile"
    ))
    .unwrap()
    .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
    .filter(|name| name != "README.md")
    .collect();
    let source = include_str!("hostile.rs");
    let untested: Vec<&String> = filed
        .iter()
        .filter(|name| !source.contains(&format!("\"{name}")))
        .collect();
    assert!(untested.is_empty(), "no test runs {untested:?}");
}

#[test]
fn nesting_chains_are_refused_by_every_command_instead_of_aborting() {
    for name in [
        "plan-not-chain-stack-overflow.tfop",
        "plan-scaled-chain-stack-overflow.tfop",
    ] {
        let plan = hostile(name);
        let (_, stderr) = run(&["check", &plan], 1);
        assert_eq!(stderr.matches("error[E0002]").count(), 1, "{stderr}");
        run(&["fmt", "--check", &plan], 1);
        let (_, stderr) = run(&["eval", &plan, FAMILIES6, "--as-of", "2016-11-30"], 1);
        assert!(stderr.contains("error[E0002]"), "{stderr}");
    }
}

#[test]
fn windows_of_millions_of_months_are_refused_before_any_family_is_read() {
    for name in [
        "plan-huge-months-slow-eval.tfop",
        "plan-nested-sustained-huge-months-hang.tfop",
    ] {
        let plan = hostile(name);
        let (stdout, stderr) = run(&["eval", &plan, FAMILIES6, "--as-of", "2016-11-30"], 1);
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains("error[E0215]"), "{stderr}");
        assert!(stderr.contains("write at most 1200 months"), "{stderr}");
    }
}

#[test]
fn an_unterminated_quote_refuses_its_family_and_the_next_keeps_its_rows() {
    let (stdout, stderr) = eval_csv("csv-unterminated-quote");
    let rows = rows(&stdout);
    assert_eq!(rows.len(), 2, "{stdout}");
    assert_eq!(rows[0].0, "F-1");
    assert!(rows[0].1.contains(",refused,"), "{stdout}");
    assert!(rows[0].1.contains("opening at column 5"), "{stdout}");
    // Once decided `not_eligible` with both its events missing.
    assert_eq!(rows[1].0, "F-2");
    assert!(
        rows[1].1.starts_with("B,true,work;domestic_abuse,"),
        "{stdout}"
    );
    assert!(
        stderr.contains("events.csv:2: refused family F-1"),
        "{stderr}"
    );
    assert!(stderr.contains("read 2, decided 1, refused 1"), "{stderr}");
}

#[test]
fn overlapping_terms_are_refused_in_either_order_naming_both_records() {
    let (stdout, stderr) = eval_csv("order-dependence/families.jsonl");
    let rows = rows(&stdout);
    assert_eq!(
        rows.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        ["F-ORDER", "F-ORDER-REV"]
    );
    for (_, row) in &rows {
        assert!(row.contains(",refused,"), "{stdout}");
        assert!(row.contains("(`ta`)") && row.contains("(`tb`)"), "{stdout}");
    }
    assert!(stderr.contains("read 2, decided 0, refused 2"), "{stderr}");
}

#[test]
fn a_repeated_key_refuses_its_family_and_names_the_key() {
    let (stdout, stderr) = eval_csv("json-duplicate-keys/families.jsonl");
    let rows = rows(&stdout);
    assert!(
        rows[0].1.starts_with("true,work;domestic_abuse,"),
        "{stdout}"
    );
    // F-B's second, empty `events` once won, and it was decided not eligible.
    assert!(
        rows[1]
            .1
            .contains("family field `events`: is given more than once")
    );
    // F-C names itself twice, the second time as F-A: never decided, and
    // refused for its repeated key, not as a repeat of the F-A before it.
    assert_eq!(rows[2].0, "", "{stdout}");
    assert!(rows[2].1.contains(",refused,"), "{stdout}");
    assert!(
        rows[2]
            .1
            .contains("family field `id`: is given more than once"),
        "{stdout}"
    );
    assert!(!rows[2].1.contains("already read"), "{stdout}");
    assert!(rows[3].1.contains("field `start`: is given more than once"));
    assert!(stderr.contains("read 4, decided 1, refused 3"), "{stderr}");
}

#[test]
fn a_family_id_given_twice_is_refused_for_its_key_and_claims_neither_id() {
    let folder = common::scratch("hostile-id-given-twice");
    let family = |ids: &str| {
        format!(
            r#"{{"id":{ids},"members":[{{"id":"P1","role":"adult","born":"1980-01-01"}}],"events":[]}}"#
        )
    };
    // The record naming itself twice comes after a family of its last id,
    // then before one of each of its ids: it is refused on its own line for
    // the key, and every other family is decided.
    let lines = [
        family(r#""F-2""#),
        family(r#""F-1","id":"F-2""#),
        family(r#""F-1""#),
        family(r#""F-3","id":"F-3""#),
        family(r#""F-3""#),
    ];
    let path = folder.join("families.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (stdout, stderr) = run(
        &[
            "eval",
            PLAN2,
            path.to_str().unwrap(),
            "--as-of",
            "2016-11-30",
            "--format",
            "csv",
        ],
        3,
    );
    let rows = rows(&stdout);
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["F-2", "", "F-1", "", "F-3"], "{stdout}");
    for refused in [&rows[1].1, &rows[3].1] {
        assert!(refused.contains(",refused,"), "{stdout}");
        assert!(
            refused.contains("family field `id`: is given more than once"),
            "{stdout}"
        );
    }
    assert!(!stdout.contains("already read"), "{stdout}");
    for line in [2, 4] {
        assert!(
            stderr.contains(&format!(
                "families.jsonl:{line}: refused family (no id): family field `id`: is given more than once"
            )),
            "{stderr}"
        );
    }
    assert!(stderr.contains("read 5, decided 3, refused 2"), "{stderr}");
}

#[test]
fn check_prints_the_first_100_diagnostics_of_a_plan_then_counts_the_rest() {
    let folder = common::scratch("hostile-many-diagnostics");
    for (errors, rest) in [
        (100, None),
        (101, Some("and 1 more error not shown")),
        (1_000, Some("and 900 more errors not shown")),
    ] {
        // An unknown kind in each indicator, each an error on its own line.
        let indicators: String = (0..errors)
            .map(|i| format!("  indicator i{i} \"I\" {{ any member has no_such_kind_{i} ever }}\n"))
            .collect();
        let plan = format!(
            "plan \"Many\" {{ framework phase2 version \"t\" }}\nproblem p \"P\" {{\n{indicators}  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems\n"
        );
        let path = folder.join(format!("many-{errors}.tfop"));
        std::fs::write(&path, plan).unwrap();
        let path = path.to_str().unwrap();
        let (stdout, stderr) = run(&["check", path], 1);
        assert!(stdout.is_empty(), "{stdout}");
        assert_eq!(
            stderr.matches(": error[E0102]").count(),
            100,
            "{errors} errors"
        );
        // The first hundred, in order of position.
        assert!(stderr.contains("`no_such_kind_99`"), "{stderr}");
        assert!(!stderr.contains("`no_such_kind_100`"), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        let summary = format!("{errors} errors, 0 warnings in 1 plan");
        match rest {
            None => {
                assert!(!stderr.contains("not shown"), "{stderr}");
                assert_eq!(lines.last(), Some(&summary.as_str()));
            }
            Some(rest) => assert_eq!(
                lines[lines.len() - 2..],
                [format!("{path}: {rest}").as_str(), summary.as_str()],
                "{errors} errors"
            ),
        }
    }
}

#[test]
fn numbers_past_f64_precision_are_read_exactly_as_numbers_and_as_strings() {
    let folder = hostile("json-number-f64");
    let explain = |family: &str| {
        run(
            &[
                "explain",
                &format!("{folder}/plan.tfop"),
                &format!("{folder}/families.jsonl"),
                "--family",
                family,
                "--as-of",
                "2016-11-30",
            ],
            0,
        )
        .0
    };
    let measured = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| line.contains("sum "))
            .map(str::to_string)
            .collect()
    };
    let (numbers, strings) = (explain("F-1"), explain("F-2"));
    assert!(numbers.contains("= 9007199254740993;"), "{numbers}");
    assert!(numbers.contains("= £123456789012345.67;"), "{numbers}");
    assert_eq!(measured(&numbers), measured(&strings));
}

#[test]
fn a_comment_with_trailing_blanks_is_not_canonical_and_not_a_bug() {
    let (_, stderr) = run(
        &[
            "fmt",
            "--check",
            &hostile("fmt-comment-trailing-space.tfop"),
        ],
        1,
    );
    assert!(stderr.contains("not in canonical form"), "{stderr}");
}

#[test]
fn funding_that_overflows_is_refused_and_prints_no_saturated_amount() {
    let (stdout, stderr) = run(&["funding", &hostile("funding-saturation.tfop")], 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("error[E0213]"), "{stderr}");
    assert!(stderr.contains("error[E0214]"), "{stderr}");
}
