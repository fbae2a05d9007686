//! Properties of evaluation over random families: the order of events never
//! matters, facts after the day never matter, and the projection agrees with
//! evaluating on the projected day.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use serde_json::{Value, json};
use tfop::{ClaimStatus, Plan};

fn plan() -> Plan {
    Plan::parse(include_str!("../examples/plans/national-phase2.tfop")).unwrap()
}

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2014, 1, 1).unwrap()
}

fn date(offset: i64) -> String {
    (base() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// One random event about member 0 (an adult), 1 or 2 (children), or the family.
fn event() -> impl Strategy<Value = Value> {
    let point = |kind: &'static str| {
        (0i64..1400, 0usize..3).prop_map(move |(day, member)| {
            json!({ "kind": kind, "member": (["A", "C1", "C2"][member]), "date": date(day) })
        })
    };
    let spell = |kind: &'static str, members: &'static [&'static str]| {
        (
            0i64..1400,
            prop::option::weighted(0.9, 1i64..300),
            0usize..members.len(),
        )
            .prop_map(move |(start, length, member)| {
                let mut spell =
                    json!({ "kind": kind, "member": (members[member]), "start": date(start) });
                if let Some(length) = length {
                    spell["end"] = json!(date(start + length));
                }
                spell
            })
    };
    prop_oneof![
        point("offence"),
        point("asb_incident"),
        (0i64..1400, 0usize..3).prop_map(|(day, member)| json!({
            "kind": "exclusion", "member": (["A", "C1", "C2"][member]), "date": date(day),
            "type": if day % 3 == 0 { "permanent" } else { "fixed" }
        })),
        (0i64..1400)
            .prop_map(|day| json!({ "kind": "domestic_abuse_incident", "date": date(day) })),
        (0i64..12, 0usize..2, 0u64..60, 0u64..40).prop_map(
            |(term, child, sessions, unauthorised)| json!({
                "kind": "school_term", "member": (["C1", "C2"][child]),
                "start": date(term * 120), "end": date(term * 120 + 80),
                "sessions": sessions + 40, "unauthorised": unauthorised
            })
        ),
        spell("child_protection_plan", &["C1", "C2"]),
        spell("child_in_need", &["C1", "C2"]),
        spell("employment", &["A"]),
        (spell("out_of_work_benefit", &["A"]), 0usize..6).prop_map(|(mut spell, benefit)| {
            spell["benefit"] = json!((["jsa", "esa", "is", "ib", "uc", "other"][benefit]));
            spell
        }),
        (0i64..1400).prop_map(|day| json!({ "kind": "family_assessment", "date": date(day) })),
        (0i64..1400).prop_map(|day| json!({ "kind": "family_plan", "date": date(day) })),
        (0i64..1400).prop_map(|day| json!({ "kind": "lead_professional", "start": date(day) })),
        (0i64..1400).prop_map(|day| json!({ "kind": "attachment", "date": date(day) })),
    ]
}

/// Families, two in three of them attached with every principle in place,
/// so that claims are often possible.
fn family() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(event(), 0..20),
        prop::option::weighted(0.67, 100i64..900),
    )
        .prop_map(|(mut events, attached)| {
            if let Some(day) = attached {
                events.push(json!({ "kind": "family_assessment", "date": date(day - 10) }));
                events.push(json!({ "kind": "family_plan", "date": date(day - 5) }));
                events.push(json!({ "kind": "lead_professional", "start": date(day - 5) }));
                events.push(json!({ "kind": "attachment", "date": date(day) }));
            }
            // A child's terms do not overlap (reading refuses them): the
            // same term drawn twice for a child is kept once.
            let mut terms = std::collections::BTreeSet::new();
            events.retain(|event| {
                event["kind"] != "school_term"
                    || terms.insert((event["member"].to_string(), event["start"].to_string()))
            });
            let events: Vec<Value> = events
                .into_iter()
                .enumerate()
                .map(|(index, mut event)| {
                    event["id"] = json!(format!("e{index}"));
                    event
                })
                .collect();
            json!({
                "id": "F",
                "members": [
                    { "id": "A", "role": "adult", "born": "1980-05-05" },
                    { "id": "C1", "role": "child", "born": "2004-02-29" },
                    { "id": "C2", "role": "child", "born": "2009-09-01" }
                ],
                "events": events
            })
        })
}

fn decide(plan: &Plan, family: &Value, as_of: NaiveDate) -> tfop::Decision {
    let family = plan.read_family(&family.to_string()).unwrap();
    plan.evaluate(&family, as_of)
}

/// The family as known at the end of `as_of`: later events gone, spells
/// ending later left open.
fn frozen(family: &Value, as_of: NaiveDate) -> Value {
    let limit = as_of.format("%Y-%m-%d").to_string();
    let mut family = family.clone();
    let events: Vec<Value> = family["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| {
            event
                .get("date")
                .or(event.get("start"))
                .unwrap()
                .as_str()
                .unwrap()
                <= limit.as_str()
        })
        .cloned()
        .map(|mut event| {
            if event
                .get("end")
                .is_some_and(|end| end.as_str().unwrap() > limit.as_str())
            {
                event.as_object_mut().unwrap().remove("end");
            }
            event
        })
        .collect();
    family["events"] = Value::Array(events);
    family
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_order_of_events_never_changes_a_decision(family in family(), seed in any::<u64>(), as_of in 200i64..1600) {
        let plan = plan();
        let as_of = base() + Duration::days(as_of);
        let mut shuffled = family.clone();
        let events = shuffled["events"].as_array_mut().unwrap();
        // A deterministic shuffle driven by the seed.
        let mut state = seed | 1;
        for index in (1..events.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            events.swap(index, (state % (index as u64 + 1)) as usize);
        }
        let original = serde_json::to_string(&decide(&plan, &family, as_of)).unwrap();
        let reordered = serde_json::to_string(&decide(&plan, &shuffled, as_of)).unwrap();
        prop_assert_eq!(original, reordered);
    }

    #[test]
    fn events_after_the_day_never_change_a_decision(family in family(), later in event(), as_of in 200i64..1600) {
        let plan = plan();
        let as_of = base() + Duration::days(as_of);
        let start = later.get("date").or(later.get("start")).unwrap().as_str().unwrap().to_string();
        prop_assume!(start > as_of.format("%Y-%m-%d").to_string());
        // Not a term the child already has: overlapping terms are refused.
        prop_assume!(later["kind"] != "school_term" || !family["events"].as_array().unwrap().iter().any(
            |event| event["kind"] == "school_term" && event["member"] == later["member"] && event["start"] == later["start"]
        ));
        let mut extended = family.clone();
        let mut later = later;
        later["id"] = json!("later");
        extended["events"].as_array_mut().unwrap().push(later);
        let before = serde_json::to_value(decide(&plan, &family, as_of)).unwrap();
        let after = serde_json::to_value(decide(&plan, &extended, as_of)).unwrap();
        prop_assert_eq!(before, after);
    }

    #[test]
    fn the_projection_agrees_with_deciding_on_the_projected_day(family in family(), as_of in 200i64..1600) {
        // The claims must often be possible for this to test anything: see
        // `random_families_reach_every_claim_status`.
        let plan = plan();
        let as_of = base() + Duration::days(as_of);
        let decision = decide(&plan, &family, as_of);
        let known = frozen(&family, as_of);
        for claim in &decision.claims {
            let status_on = |day: NaiveDate| {
                decide(&plan, &known, day)
                    .claims
                    .into_iter()
                    .find(|c| c.claim_type == claim.claim_type)
                    .unwrap()
                    .status
            };
            match (claim.status, claim.earliest) {
                (ClaimStatus::NotYet, Some(first)) => {
                    prop_assert!(first > as_of);
                    prop_assert_eq!(status_on(first), ClaimStatus::Claimable);
                    let day_before = first.pred_opt().unwrap();
                    if day_before > as_of {
                        prop_assert_eq!(status_on(day_before), ClaimStatus::NotYet);
                    }
                }
                (ClaimStatus::NotYet, None) => {
                    for years in [1, 3] {
                        prop_assert_eq!(status_on(as_of + Duration::days(365 * years)), ClaimStatus::NotYet);
                    }
                }
                (ClaimStatus::Claimable, Some(first)) => {
                    prop_assert!(first <= as_of);
                    prop_assert_eq!(status_on(first), ClaimStatus::Claimable);
                    let day_before = first.pred_opt().unwrap();
                    prop_assert_ne!(status_on(day_before), ClaimStatus::Claimable);
                }
                (ClaimStatus::Claimable, None) => prop_assert!(false, "a claimable claim has a first day"),
                _ => {}
            }
        }
    }
}

/// Guards the projection property against testing nothing: the generator
/// must produce families whose claims reach every status.
#[test]
fn random_families_reach_every_claim_status() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let plan = plan();
    let mut runner = TestRunner::deterministic();
    let (mut claimable, mut later, mut never) = (0, 0, 0);
    for _ in 0..300 {
        let family = family().new_tree(&mut runner).unwrap().current();
        let decision = decide(&plan, &family, base() + Duration::days(1000));
        for claim in &decision.claims {
            match (claim.status, claim.earliest) {
                (ClaimStatus::Claimable, _) => claimable += 1,
                (ClaimStatus::NotYet, Some(_)) => later += 1,
                (ClaimStatus::NotYet, None) => never += 1,
                _ => {}
            }
        }
    }
    assert!(
        claimable >= 10 && later >= 10 && never >= 10,
        "claimable {claimable}, later {later}, never {never}"
    );
}
