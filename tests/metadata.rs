//! An indicator's `code` and data `source`: carried into the decision and
//! the explanation of the family it identifies, and absent when not given.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::{day, plan};
use serde_json::json;

fn plan_with(metadata: &str) -> tfop::Plan {
    plan(&format!(
        "problem crime \"Crime\" {{\n  indicator fe_4_3 \"ASB\"{metadata} {{ any member has asb_incident within 12 months }}\n  \
         significant \"S\" {{ no asb_incident in family within 6 months }}\n}}\neligible when at least 1 problems"
    ))
}

fn family() -> tfop::Family {
    let json = json!({
        "id": "F1",
        "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
        "events": [{ "id": "asb1", "kind": "asb_incident", "member": "A", "date": "2016-01-10" }]
    });
    plan_with("").read_family(&json.to_string()).unwrap()
}

#[test]
fn a_decision_and_its_explanation_carry_the_indicators_code_and_source() {
    let plan = plan_with(" code \"FE 4.3\" source \"police ASB data\"");
    let decision = plan.evaluate(&family(), day("2016-01-10"));
    let value = serde_json::to_value(&decision).unwrap();
    assert_eq!(
        value["problems"][0]["indicators"][0],
        json!({ "id": "fe_4_3", "code": "FE 4.3", "source": "police ASB data", "evidence": ["asb1"] })
    );
    let words = plan.explain(&family(), day("2016-01-10"));
    assert!(
        words.contains("indicator `fe_4_3` [FE 4.3]: ASB (data: police ASB data)"),
        "{words}"
    );
    let explanation = serde_json::to_value(plan.explanation(&family(), day("2016-01-10"))).unwrap();
    assert_eq!(
        explanation["problems"][0]["indicators"][0]["code"],
        "FE 4.3"
    );
}

#[test]
fn an_indicator_without_metadata_writes_the_decision_it_always_did() {
    let decision = plan_with("").evaluate(&family(), day("2016-01-10"));
    let value = serde_json::to_value(&decision).unwrap();
    assert_eq!(
        value["problems"][0]["indicators"][0],
        json!({ "id": "fe_4_3", "evidence": ["asb1"] })
    );
    let words = plan_with("").explain(&family(), day("2016-01-10"));
    assert!(words.contains("indicator `fe_4_3`: ASB\n"), "{words}");
}

#[test]
fn a_source_alone_is_carried_and_the_formatter_keeps_code_before_source() {
    let plan = plan_with(" source \"school census\"");
    let decision = plan.evaluate(&family(), day("2016-01-10"));
    assert_eq!(decision.problems[0].indicators[0].code, None);
    assert_eq!(
        decision.problems[0].indicators[0].source.as_deref(),
        Some("school census")
    );
    let text = "plan \"T\" { framework phase2 }\nproblem p \"P\" {\n  indicator i \"I\"   code \"A 1\"\n source \"s\" { any member has offence ever }\n  significant \"S\" { no offence in family within 6 months }\n}\neligible when at least 1 problems\n";
    let formatted = tfop::fmt::format_source(text).unwrap();
    assert!(
        formatted.contains("indicator i \"I\" code \"A 1\" source \"s\" {"),
        "{formatted}"
    );
    // `source` before `code` is not the language's order.
    assert!(
        tfop::Plan::parse(
            &text.replace("code \"A 1\"\n source \"s\"", "source \"s\" code \"A 1\"")
        )
        .is_err()
    );
}
