//! The worked plans under `examples/plans`: each checks clean, and every
//! case of its `.tests.json` passes. Every failing case is reported.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use tfop::Plan;
use tfop::cases::{Suite, check};

fn plans_folder() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plans")
}

#[test]
fn every_worked_plan_checks_without_errors_or_warnings() {
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(plans_folder()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "tfop") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match Plan::parse_with_warnings(&text) {
            Ok((_, warnings)) if warnings.0.is_empty() => {}
            Ok((_, diagnostics)) | Err(diagnostics) => {
                failures.push(diagnostics.render(&name, &text))
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_worked_plan_is_in_canonical_form() {
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(plans_folder()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "tfop") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if tfop::fmt::format_source(&text).unwrap() != text {
            failures.push(format!("{}: run `tfop fmt` on it", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_case_of_every_worked_plan_passes() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for entry in std::fs::read_dir(plans_folder()).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".tests.json") {
            continue;
        }
        let suite = Suite::from_json(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let base = path.parent().unwrap();
        // A suite naming several versions decides each case under the
        // version its `versions_by` rule chooses, as `tfop test` does.
        let plans = suite
            .plan
            .files()
            .iter()
            .map(|file| Plan::parse(&std::fs::read_to_string(base.join(file)).unwrap()).unwrap())
            .collect();
        let plans = tfop::PlanSet::new(plans)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
            .with_versions_by(suite.versions_by);
        for case in &suite.cases {
            cases += 1;
            let family = match (&case.family, &case.family_file) {
                (Some(family), None) => family.get().to_owned(),
                (None, Some(file)) => std::fs::read_to_string(base.join(file)).unwrap(),
                _ => panic!(
                    "{}: case `{}` needs one of family and family_file",
                    path.display(),
                    case.name
                ),
            };
            let (plan, family) = plans
                .choose(
                    |vocab| {
                        tfop::io::family_from_json(&family, vocab)
                            .map_err(|error| tfop::Refusal::from_error(&error))
                    },
                    case.as_of,
                )
                .unwrap_or_else(|refusal| {
                    panic!("{}: case `{}`: {refusal:?}", path.display(), case.name)
                });
            tfop::cases::validate(&case.expect, plan).unwrap_or_else(|error| {
                panic!("{}: case `{}`: {error}", path.display(), case.name)
            });
            let decision = plans.evaluate(plan, &family, case.as_of);
            let mismatches = check(&decision, &case.expect);
            if !mismatches.is_empty() {
                let lines: Vec<String> = mismatches.iter().map(|m| format!("    {m}")).collect();
                failures.push(format!(
                    "{} :: {}\n{}\n{}",
                    path.file_name().unwrap().to_string_lossy(),
                    case.name,
                    lines.join("\n"),
                    plans.explain(plan, &family, case.as_of)
                ));
            }
        }
    }
    assert!(cases > 0, "no cases found");
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Local plans are copies of the national plan of their framework, adapted
/// locally; this keeps the copies in step with it on what outside tests and
/// cohort reports rely on: the national problem and claim ids. A Supporting
/// Families plan names the needs it uses, so there only the claim ids.
#[test]
fn every_local_plan_keeps_the_national_problem_and_claim_ids_of_its_framework() {
    let national = |framework: tfop::Framework| {
        let file = match framework {
            tfop::Framework::Phase1 => "national-phase1.tfop",
            tfop::Framework::Phase2 => "national-phase2.tfop",
            tfop::Framework::Sf2022 => "national-supporting-families-2022.tfop",
        };
        let text = std::fs::read_to_string(plans_folder().join(file))
            .unwrap_or_else(|error| panic!("{file}: {error}"));
        Plan::parse(&text).unwrap()
    };
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(plans_folder()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.extension().is_none_or(|ext| ext != "tfop") || name.starts_with("national-") {
            continue;
        }
        let plan = Plan::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        // A plan that pays nothing tracks outcomes of its own choosing; it
        // is no local copy of the national plan its framework pays by.
        if plan.pays_nothing() {
            continue;
        }
        let reference = national(plan.header().framework);
        let problems: Vec<&str> = plan.problem_ids().collect();
        let claims: Vec<&str> = plan.claim_types().map(|(id, _)| id).collect();
        let own_needs = plan.header().framework == tfop::Framework::Sf2022;
        for id in reference.problem_ids().filter(|_| !own_needs) {
            if !problems.contains(&id) {
                failures.push(format!("{name}: no national problem `{id}`"));
            }
        }
        for (id, _) in reference.claim_types() {
            if !claims.contains(&id) {
                failures.push(format!("{name}: no national claim `{id}`"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An earned-autonomy variant must stay the same plan with one switch
/// turned: any other difference would make its tests say nothing about the
/// plan the council would actually run.
fn differs_only_in_the_switch_and_version(results: &str, autonomy: &str, version: &str) {
    let read = |name: &str| std::fs::read_to_string(plans_folder().join(name)).unwrap();
    let (results, autonomy) = (read(results), read(autonomy));
    let (results, autonomy): (Vec<&str>, Vec<&str>) =
        (results.lines().collect(), autonomy.lines().collect());
    assert_eq!(
        results.len(),
        autonomy.len(),
        "the two files differ in length"
    );
    let differing: Vec<(&str, &str)> = results
        .iter()
        .zip(&autonomy)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.trim(), b.trim()))
        .collect();
    let versions = (
        format!("version \"{version}\""),
        format!("version \"{version}-earned-autonomy\""),
    );
    assert_eq!(
        differing,
        vec![
            (versions.0.as_str(), versions.1.as_str()),
            ("earned_autonomy: no", "earned_autonomy: yes"),
        ]
    );
}

#[test]
fn leicestershire_earned_autonomy_differs_only_in_the_switch_and_version() {
    differs_only_in_the_switch_and_version(
        "leicestershire-2017.tfop",
        "leicestershire-2017-earned-autonomy.tfop",
        "2017",
    );
}

#[test]
fn the_national_supporting_families_earned_autonomy_plan_differs_only_in_the_switch_and_version() {
    differs_only_in_the_switch_and_version(
        "national-supporting-families-2022.tfop",
        "national-supporting-families-2022-earned-autonomy.tfop",
        "2022-10",
    );
}

/// The funding blocks as the authorities reported them: a worked plan's
/// funding is read by `tfop funding`, which no case of a `.tests.json` can pin.
#[test]
fn the_phase1_plans_state_the_funding_their_authorities_reported() {
    let funding = |name: &str| {
        let text = std::fs::read_to_string(plans_folder().join(name)).unwrap();
        serde_json::to_value(Plan::parse(&text).unwrap().funding().unwrap()).unwrap()
    };
    let windows = serde_json::json!({ "from": "2013-01-01", "until": "2015-05-31" });
    let deadweight = serde_json::json!({ "numerator": 1, "denominator": 6, "rounding": "up" });
    let year = |label: &str, families: Option<u32>, attachment: &str, results: &str| {
        serde_json::json!({
            "label": label,
            "families": families,
            "attachment": { "percent": attachment },
            "results": { "percent": results },
        })
    };
    // 705 × 5/6 = 587.5, funded for 588 families over two fast-tracked years.
    assert_eq!(
        funding("barnet-2012.tfop"),
        serde_json::json!({
            "nominated": 705,
            "deadweight": deadweight,
            "per_family": "4000.00",
            "years": [
                year("2012/13", Some(294), "80", "20"),
                year("2013/14", Some(294), "60", "40"),
            ],
            "claim_windows": windows,
            "target": 705,
        })
    );
    // 2,630 × 5/6 = 2,191.67, funded for 2,192, phased 730, 731 and 731.
    assert_eq!(
        funding("lancashire-2013.tfop"),
        serde_json::json!({
            "nominated": 2630,
            "deadweight": deadweight,
            "per_family": "4000.00",
            "years": [
                year("2012/13", Some(730), "80", "20"),
                year("2013/14", Some(731), "60", "40"),
                year("2014/15", Some(731), "40", "60"),
            ],
            "claim_windows": windows,
            "target": 2630,
        })
    );
    assert_eq!(
        funding("national-phase1.tfop"),
        serde_json::json!({
            "nominated": 120000,
            "deadweight": deadweight,
            "per_family": "4000.00",
            "years": [
                year("2012/13", Some(33334), "80", "20"),
                year("2013/14", Some(33333), "60", "40"),
                year("2014/15", Some(33333), "40", "60"),
            ],
            "claim_windows": windows,
            "target": 120000,
        })
    );
}
