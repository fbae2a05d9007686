//! A percentage written above 100%: accepted where the measure compared
//! with it may exceed 100% (a scaled measure, a rate worked out by
//! arithmetic), refused (E0203) where it cannot (a rate of one field per
//! another), and decided exactly at the boundary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::day;
use serde_json::json;
use tfop::Plan;

fn plan_text(measure: &str) -> String {
    format!(
        "plan \"Percentages\" {{ framework phase2 version \"t\" }}\n\
         problem education \"Education\" {{\n  indicator i \"I\" {{ any child meets ({measure}) }}\n  \
         significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems\n"
    )
}

fn codes(measure: &str) -> Vec<&'static str> {
    match Plan::parse(&plan_text(measure)) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0.iter().map(|d| d.code.as_str()).collect(),
    }
}

const RATE: &str = "rate unauthorised per sessions of school_term within 12 months";

#[test]
fn a_scaled_rate_may_be_compared_with_more_than_100_percent() {
    assert!(codes(&format!("150% of {RATE} >= 120%")).is_empty());
    assert!(codes(&format!("120% <= 150% of {RATE}")).is_empty());
    // Arithmetic below the line can take a rate past 100% too.
    assert!(
        codes(
            "rate sessions per (sessions - unauthorised) of school_term within 12 months >= 125%"
        )
        .is_empty()
    );
}

#[test]
fn a_rate_of_one_field_per_another_is_still_refused_above_100_percent() {
    assert_eq!(codes(&format!("{RATE} >= 120%")), ["E0203"]);
    assert_eq!(codes(&format!("120% <= {RATE}")), ["E0203"]);
    assert_eq!(codes(&format!("{RATE} >= 100.000001%")), ["E0203"]);
    assert!(codes(&format!("{RATE} >= 100%")).is_empty());
}

#[test]
fn a_scaled_rate_above_100_percent_is_decided_exactly_at_the_boundary() {
    let plan = Plan::parse(&plan_text(&format!("150% of {RATE} >= 120%"))).unwrap();
    // 150% of 80/100 is exactly 120%; of 79/100, 118.5%.
    for (unauthorised, eligible) in [(80, true), (79, false)] {
        let family = json!({
            "id": "F1",
            "members": [{ "id": "C", "role": "child", "born": "2006-01-01" }],
            "events": [{
                "kind": "school_term", "member": "C", "start": "2016-04-11", "end": "2016-07-21",
                "sessions": 100, "unauthorised": unauthorised
            }]
        });
        let family = plan.read_family(&family.to_string()).unwrap();
        let decision = plan.evaluate(&family, day("2016-11-30"));
        assert_eq!(decision.eligible, eligible, "{unauthorised} of 100");
    }
}
