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

mod common;
use common::strategies::{self, base, date, decide_on, draws, frozen, point};

fn plan() -> Plan {
    Plan::parse(include_str!("../examples/plans/national-phase2.tfop")).unwrap()
}

/// A plan of windows and sustain periods anchored at the national spells,
/// so that the properties below hold for them too: anchors that start,
/// end, stay open and follow one another.
const ANCHORED_PLAN: &str = r#"plan "Anchored" { framework phase2 version "t" }

problem crime "Crime" {
  indicator during_plan "An offence during a child protection plan" {
    any child has offence during child_protection_plan
  }
  indicator after_plan "Anti-social behaviour within 3 months of a plan ending" {
    any child has asb_incident within 3 months after end of child_protection_plan
  }
  significant "No offence in the first 6 months of the lead professional" {
    no offence in family within 6 months after start of lead_professional
  }
  sustained for 2 months after end of child_in_need
}

problem school "School" {
  indicator excluded "Excluded while in need" { any child has exclusion during child_in_need }
  significant "No exclusion since" { (no exclusion in family now) sustained for 3 months after end of child_in_need }
}

eligible when at least 1 problems

attach requires family_assessment and family_plan and lead_professional

claim progress "Progress" pays £800 { every identified problem has progressed }
"#;

/// The national plan and the anchored one: every property is of both.
fn plans() -> [Plan; 2] {
    [plan(), Plan::parse(ANCHORED_PLAN).unwrap()]
}

/// One random event about member 0 (an adult), 1 or 2 (children), or the family.
fn event() -> impl Strategy<Value = Value> {
    let spell = |kind: &'static str, members: &'static [&'static str]| {
        strategies::spell(kind, members, 0.9, 1i64..300)
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_order_of_events_never_changes_a_decision(family in family(), seed in any::<u64>(), as_of in 200i64..1600) {
        let as_of = base() + Duration::days(as_of);
        for plan in plans() {
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
        let original = serde_json::to_string(&decide_on(&plan, &family, as_of)).unwrap();
        let reordered = serde_json::to_string(&decide_on(&plan, &shuffled, as_of)).unwrap();
        prop_assert_eq!(original, reordered);
        }
    }

    #[test]
    fn events_after_the_day_never_change_a_decision(family in family(), later in event(), as_of in 200i64..1600) {
        let as_of = base() + Duration::days(as_of);
        for plan in plans() {
        let start = later.get("date").or(later.get("start")).unwrap().as_str().unwrap().to_string();
        prop_assume!(start > as_of.format("%Y-%m-%d").to_string());
        // Not a term the child already has: overlapping terms are refused.
        prop_assume!(later["kind"] != "school_term" || !family["events"].as_array().unwrap().iter().any(
            |event| event["kind"] == "school_term" && event["member"] == later["member"] && event["start"] == later["start"]
        ));
        let mut extended = family.clone();
        let mut later = later.clone();
        later["id"] = json!("later");
        extended["events"].as_array_mut().unwrap().push(later);
        let before = serde_json::to_value(decide_on(&plan, &family, as_of)).unwrap();
        let after = serde_json::to_value(decide_on(&plan, &extended, as_of)).unwrap();
        prop_assert_eq!(before, after);
        }
    }

    #[test]
    fn the_projection_agrees_with_deciding_on_the_projected_day(family in family(), as_of in 200i64..1600) {
        // The claims must often be possible for this to test anything: see
        // `random_families_reach_every_claim_status`.
        let as_of = base() + Duration::days(as_of);
        for plan in plans() {
        let decision = decide_on(&plan, &family, as_of);
        let known = frozen(&family, as_of);
        for claim in &decision.claims {
            let status_on = |day: NaiveDate| {
                decide_on(&plan, &known, day)
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
                    // A family attached again may have been claimable the
                    // day before under its earlier attachment: the first day
                    // is that of the attachment this decision uses.
                    let before = decide_on(&plan, &known, day_before);
                    if before.attachment.date == decision.attachment.date {
                        prop_assert_ne!(status_on(day_before), ClaimStatus::Claimable);
                    }
                }
                (ClaimStatus::Claimable, None) => prop_assert!(false, "a claimable claim has a first day"),
                _ => {}
            }
        }
        }
    }
}

/// Guards the projection property against testing nothing: the generator
/// must produce families whose claims reach every status.
#[test]
fn random_families_reach_every_claim_status() {
    let plan = plan();
    let (mut claimable, mut later, mut never) = (0, 0, 0);
    for family in draws(family(), 300) {
        let decision = decide_on(&plan, &family, base() + Duration::days(1000));
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

// ───────────── ties the input's order must not break ─────────────

/// A plan beside the shipped ones whose measures add a field up across
/// members and hold for a number of terms, where ties between records of
/// different members could show.
const TIES_PLAN: &str = r#"plan "Ties" { framework phase2 version "t" }

problem work "Work" {
  indicator few_hours "Few hours worked" { sum hours of employment in family within 6 months < 100 }
  significant "Hours worked" { sum hours of employment in family within 6 months >= 100 }
  sustained for 2 terms
}

problem school "School" {
  indicator absence "Absence" {
    any child meets (rate unauthorised per sessions of school_term over the last 2 terms >= 10%)
  }
  indicator exclusions "Exclusions" { any child meets (count exclusion over the last 2 terms >= 2) }
  significant "Attending" {
    every child with school_term meets (rate unauthorised per sessions of school_term over the last 2 terms < 10%)
  }
  sustained for 1 term
}

eligible when at least 1 problems

attach requires family_assessment and lead_professional

claim progress "Progress" pays £800 { every identified problem has progressed }
"#;

fn tie_plans() -> Vec<Plan> {
    [
        include_str!("../examples/plans/national-phase2.tfop"),
        include_str!("../examples/plans/lancashire-2013.tfop"),
        TIES_PLAN,
    ]
    .into_iter()
    .map(|text| Plan::parse(text).unwrap())
    .collect()
}

/// The family with each claim record naming a claim of `plan` (a reader
/// refuses a claim of a type the plan does not have): the generated
/// `progress` and `employment` become the plan's first and last claims.
fn with_plan_claims(plan: &Plan, family: &Value) -> Value {
    let ids: Vec<&str> = plan.claim_types().map(|(id, _)| id).collect();
    let mut family = family.clone();
    for event in family["events"].as_array_mut().unwrap() {
        if event["kind"] == "claim" {
            let id = if event["type"] == "progress" {
                ids.first()
            } else {
                ids.last()
            };
            event["type"] = json!(id.unwrap());
        }
    }
    family
}

/// A record that is not a school term (those come from `term_records`, so
/// that no child has two overlapping terms, which a reader may refuse), on
/// one of few days so that many records share a day.
fn tie_event() -> impl Strategy<Value = Value> {
    let point = |kind: &'static str, members: &'static [&'static str]| {
        (0i64..40, 0usize..members.len()).prop_map(move |(day, member)| {
            json!({ "kind": kind, "member": (members[member]), "date": date(day * 30) })
        })
    };
    let spell = |kind: &'static str, members: &'static [&'static str]| {
        (
            0i64..40,
            prop::option::weighted(0.8, 1i64..12),
            0usize..members.len(),
        )
            .prop_map(move |(start, length, member)| {
                let mut spell =
                    json!({ "kind": kind, "member": (members[member]), "start": date(start * 30) });
                if let Some(length) = length {
                    spell["end"] = json!(date(start * 30 + length * 30 - 1));
                }
                spell
            })
    };
    let family = |kind: &'static str| {
        (0i64..40).prop_map(move |day| json!({ "kind": kind, "date": date(day * 30) }))
    };
    prop_oneof![
        point("offence", &["A", "B", "C1", "C2"]),
        point("asb_incident", &["A", "B", "C1", "C2"]),
        (point("exclusion", &["C1", "C2"]), any::<bool>()).prop_map(|(mut event, fixed)| {
            event["type"] = json!(if fixed { "fixed" } else { "permanent" });
            event
        }),
        family("domestic_abuse_incident"),
        spell("child_protection_plan", &["C1", "C2"]),
        spell("child_in_need", &["C1", "C2"]),
        (
            spell("employment", &["A", "B"]),
            prop_oneof![
                Just(None),
                (0u64..80).prop_map(Some),
                Just(Some(1u64 << 62)),
                Just(Some(u64::MAX)),
            ]
        )
            .prop_map(|(mut spell, hours)| {
                if let Some(hours) = hours {
                    spell["hours"] = json!(hours);
                }
                spell
            }),
        (spell("out_of_work_benefit", &["A", "B"]), 0usize..6).prop_map(|(mut spell, benefit)| {
            spell["benefit"] = json!((["jsa", "esa", "is", "ib", "uc", "other"][benefit]));
            spell
        }),
        family("family_assessment"),
        family("family_plan"),
        (0i64..40, prop::option::of(1i64..12)).prop_map(|(start, length)| {
            let mut spell = json!({ "kind": "lead_professional", "start": date(start * 30) });
            if let Some(length) = length {
                spell["end"] = json!(date(start * 30 + length * 30));
            }
            spell
        }),
        family("attachment"),
        (0i64..40, 0usize..2).prop_map(|(day, claim)| json!({
            "kind": "claim", "date": date(day * 30), "type": (["progress", "employment"][claim])
        })),
    ]
}

/// Each child's terms: distinct slots of one calendar, so siblings often
/// share a term's dates but no child has two terms that overlap.
fn term_records() -> impl Strategy<Value = Vec<Value>> {
    let child = |child: &'static str| {
        proptest::collection::btree_map(0i64..12, (40u64..100, 0u64..30), 0..6).prop_map(
            move |terms| {
                terms
                    .into_iter()
                    .map(|(slot, (sessions, unauthorised))| {
                        json!({
                            "kind": "school_term", "member": child,
                            "start": date(slot * 120), "end": date(slot * 120 + 80),
                            "sessions": sessions, "unauthorised": unauthorised
                        })
                    })
                    .collect::<Vec<_>>()
            },
        )
    };
    (child("C1"), child("C2")).prop_map(|(mut c1, c2)| {
        c1.extend(c2);
        c1
    })
}

/// A family with many records on few days, some of them repeated exactly or
/// with other details (another end, another type), and with or without ids.
fn tie_family(with_ids: bool) -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(tie_event(), 0..40),
        term_records(),
        proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3), 0..12),
        prop::option::weighted(0.7, 3i64..36),
        proptest::collection::vec(any::<bool>(), 4),
        proptest::collection::vec(any::<bool>(), 80),
    )
        .prop_map(move |(mut events, terms, repeats, attached, born, ids)| {
            if let Some(slot) = attached {
                let day = slot * 30;
                events.push(json!({ "kind": "family_assessment", "date": date(day - 30) }));
                events.push(json!({ "kind": "family_plan", "date": date(day - 30) }));
                events.push(json!({ "kind": "lead_professional", "start": date(day - 30) }));
                events.push(json!({ "kind": "attachment", "date": date(day) }));
                events.push(json!({ "kind": "attachment", "date": date(day) }));
            }
            for (index, change) in repeats {
                if events.is_empty() {
                    break;
                }
                let mut copy = events[index.index(events.len())].clone();
                match change {
                    // Exactly the same record again.
                    0 => {}
                    // The same start with another end (or none).
                    1 => match copy.get("end").cloned() {
                        Some(_) => {
                            copy.as_object_mut().unwrap().remove("end");
                        }
                        None if copy.get("start").is_some() => {
                            let start = copy["start"].as_str().unwrap().to_string();
                            copy["end"] = json!(start);
                        }
                        None => {}
                    },
                    // The same days with other details.
                    _ => {
                        let object = copy.as_object_mut().unwrap();
                        if let Some(kind) = object.get_mut("type") {
                            let other = match kind.as_str() {
                                Some("fixed") => "permanent",
                                Some("permanent") => "fixed",
                                Some("progress") => "employment",
                                _ => "progress",
                            };
                            *kind = json!(other);
                        } else if let Some(benefit) = object.get_mut("benefit") {
                            *benefit = json!(if benefit == "jsa" { "esa" } else { "jsa" });
                        } else if object.get("kind").is_some_and(|kind| kind == "employment") {
                            object.insert("hours".into(), json!(7));
                        }
                    }
                }
                events.push(copy);
            }
            events.extend(terms);
            let events: Vec<Value> = events
                .into_iter()
                .enumerate()
                .map(|(index, mut event)| {
                    if with_ids || ids[index % ids.len()] {
                        event["id"] = json!(format!("e{index}"));
                    }
                    event
                })
                .collect();
            let member = |id: &str, role: &str, born: &str, known: bool| {
                let mut member = json!({ "id": id, "role": role });
                if known {
                    member["born"] = json!(born);
                }
                member
            };
            json!({
                "id": "F",
                "members": [
                    member("A", "adult", "1980-05-05", born[0]),
                    member("B", "adult", "1979-12-31", born[1]),
                    member("C1", "child", "2004-02-29", born[2]),
                    member("C2", "child", "2009-09-01", born[3]),
                ],
                "events": events
            })
        })
}

/// A seeded permutation of `0..len`.
fn permutation(len: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut state = seed | 1;
    for index in (1..len).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(index, (state % (index as u64 + 1)) as usize);
    }
    order
}

/// The family with its events and members listed in the order `events`
/// and `members` give (new position → old position).
fn reordered(family: &Value, events: &[usize], members: &[usize]) -> Value {
    let mut out = family.clone();
    let pick = |list: &Value, order: &[usize]| {
        Value::Array(order.iter().map(|old| list[*old].clone()).collect())
    };
    out["events"] = pick(&family["events"], events);
    out["members"] = pick(&family["members"], members);
    out
}

/// A decision with every input position in it (`#N` citing an event
/// without an id, `member #N` locating a record) put back to the position
/// in the original input, and each evidence list in sorted order: what is
/// left is the decision's content.
fn with_original_positions(
    decision: &tfop::Decision,
    events: &[usize],
    members: &[usize],
) -> Value {
    let mut value = serde_json::to_value(decision).unwrap();
    fn walk(value: &mut Value, events: &[usize]) {
        match value {
            Value::Object(object) => {
                for (key, inner) in object.iter_mut() {
                    if key == "evidence" {
                        let list = inner.as_array_mut().unwrap();
                        for citation in list.iter_mut() {
                            if let Some(position) = citation.as_str().unwrap().strip_prefix('#') {
                                let position: usize = position.parse().unwrap();
                                *citation = json!(format!("#{}", events[position]));
                            }
                        }
                        list.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    } else {
                        walk(inner, events);
                    }
                }
            }
            // Any other list of citations (a claim's basis cites records
            // under several keys) is compared the same way.
            Value::Array(list)
                if list
                    .iter()
                    .any(|item| item.as_str().is_some_and(|text| text.starts_with('#'))) =>
            {
                for citation in list.iter_mut() {
                    if let Some(position) =
                        citation.as_str().and_then(|text| text.strip_prefix('#'))
                    {
                        let position: usize = position.parse().unwrap();
                        *citation = json!(format!("#{}", events[position]));
                    }
                }
                list.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            Value::Array(list) => list.iter_mut().for_each(|inner| walk(inner, events)),
            _ => {}
        }
    }
    walk(&mut value, events);
    for error in value["errors"].as_array_mut().unwrap() {
        let record = error["record"].as_str().unwrap();
        let (position, rest) = record
            .strip_prefix("member #")
            .unwrap()
            .split_once(' ')
            .unwrap();
        let position: usize = position.parse().unwrap();
        error["record"] = json!(format!("member #{} {rest}", members[position]));
    }
    value
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// With an id on every event, a decision is byte for byte the same
    /// whatever the order of events and members, but for the positions
    /// that locate a member's record in the input.
    #[test]
    fn ties_between_records_never_depend_on_their_order(
        family in tie_family(true),
        seed in any::<u64>(),
        member_seed in any::<u64>(),
        as_of in 300i64..1400,
    ) {
        let as_of = base() + Duration::days(as_of);
        let count = family["events"].as_array().unwrap().len();
        let identity: Vec<usize> = (0..count).collect();
        let backwards: Vec<usize> = (0..count).rev().collect();
        let shuffled = permutation(count, seed);
        let members = permutation(4, member_seed);
        for plan in tie_plans() {
            let family = with_plan_claims(&plan, &family);
            let original = decide_on(&plan, &family, as_of);
            let expected = serde_json::to_string(&original).unwrap();
            let reversed = decide_on(&plan, &reordered(&family, &backwards, &[0, 1, 2, 3]), as_of);
            prop_assert_eq!(&serde_json::to_string(&reversed).unwrap(), &expected);
            let moved = decide_on(&plan, &reordered(&family, &shuffled, &members), as_of);
            prop_assert_eq!(
                with_original_positions(&moved, &shuffled, &members),
                with_original_positions(&original, &identity, &[0, 1, 2, 3])
            );
            let explained = |family: &Value| {
                plan.explain(&plan.read_family(&family.to_string()).unwrap(), as_of)
            };
            prop_assert_eq!(
                explained(&reordered(&family, &shuffled, &members)),
                explained(&family)
            );
        }
    }

    /// Without ids, an event is cited by its input position: once those are
    /// put back, the decision is the same whatever the order.
    #[test]
    fn ties_between_records_without_ids_never_depend_on_their_order(
        family in tie_family(false),
        seed in any::<u64>(),
        member_seed in any::<u64>(),
        as_of in 300i64..1400,
    ) {
        let as_of = base() + Duration::days(as_of);
        let count = family["events"].as_array().unwrap().len();
        let identity: Vec<usize> = (0..count).collect();
        let shuffled = permutation(count, seed);
        let members = permutation(4, member_seed);
        for plan in tie_plans() {
            let family = with_plan_claims(&plan, &family);
            let original = decide_on(&plan, &family, as_of);
            let moved = decide_on(&plan, &reordered(&family, &shuffled, &members), as_of);
            prop_assert_eq!(
                with_original_positions(&moved, &shuffled, &members),
                with_original_positions(&original, &identity, &[0, 1, 2, 3])
            );
        }
    }
}

/// `tie_family` with each member cloned up to `clones` times: each clone
/// (same role and birth day) gets copies of some of its original's records,
/// school terms included, so that many members hold records that look the
/// same but no member has two terms that overlap.
fn crowd_family() -> impl Strategy<Value = Value> {
    (
        tie_family(true),
        1usize..5,
        proptest::collection::vec(any::<bool>(), 64),
    )
        .prop_map(|(mut family, clones, copied)| {
            let members = family["members"].as_array().unwrap().clone();
            let events = family["events"].as_array().unwrap().clone();
            let mut all_members = members.clone();
            let mut all_events = events.clone();
            for clone in 1..=clones {
                for member in &members {
                    let id = member["id"].as_str().unwrap();
                    let mut twin = member.clone();
                    twin["id"] = json!(format!("{id}x{clone}"));
                    all_members.push(twin);
                }
                for (index, event) in events.iter().enumerate() {
                    let Some(member) = event.get("member").and_then(Value::as_str) else {
                        continue;
                    };
                    if copied[(index + clone) % copied.len()] {
                        let mut copy = event.clone();
                        copy["member"] = json!(format!("{member}x{clone}"));
                        copy["id"] = json!(format!("e{index}x{clone}"));
                        all_events.push(copy);
                    }
                }
            }
            family["members"] = Value::Array(all_members);
            family["events"] = Value::Array(all_events);
            family
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Families of many members and events, many of them alike, are decided
    /// the same whatever the order of events and members: reversed, or
    /// shuffled, once the positions that locate a member's record are put
    /// back.
    #[test]
    fn crowded_families_never_depend_on_the_order_of_events_or_members(
        family in crowd_family(),
        seed in any::<u64>(),
        member_seed in any::<u64>(),
        as_of in 300i64..1400,
    ) {
        let as_of = base() + Duration::days(as_of);
        let count = family["events"].as_array().unwrap().len();
        let people = family["members"].as_array().unwrap().len();
        let identity: (Vec<usize>, Vec<usize>) = ((0..count).collect(), (0..people).collect());
        let backwards: (Vec<usize>, Vec<usize>) = ((0..count).rev().collect(), (0..people).rev().collect());
        let shuffled = (permutation(count, seed), permutation(people, member_seed));
        for plan in tie_plans() {
            let family = with_plan_claims(&plan, &family);
            let original = decide_on(&plan, &family, as_of);
            let expected = with_original_positions(&original, &identity.0, &identity.1);
            for (events, members) in [&backwards, &shuffled] {
                let moved = decide_on(&plan, &reordered(&family, events, members), as_of);
                prop_assert_eq!(with_original_positions(&moved, events, members), expected.clone());
            }
        }
    }
}

// ───────────── members with attributes ─────────────

/// A plan that tests member attributes everywhere they may stand: in
/// indicators and measures, in eligibility, and in a member cap.
const MEMBERS_PLAN: &str = r#"plan "Members" { framework phase2 version "t" }

each adult where resident = false counts towards one problem only

problem crime "Crime" {
  indicator offending "An offence" { any member has offence within 12 months }
  significant "None at home" { every member where resident = true meets (no offence now) }
  sustained for 3 months
}

problem asb "ASB" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "None" { no asb_incident in family now }
}

problem work "Work" {
  indicator benefit "A parent on benefit" {
    any adult where parental_responsibility = true has out_of_work_benefit now
  }
  significant "In work" { any adult has employment now }
}

eligible when at least 2 problems and (any child or any adult where expectant = true)

attach requires family_assessment
"#;

/// Members A, B (adults) and C (a child), each with random attributes
/// (some left out), and events of theirs, in a random member order.
fn members_family() -> impl Strategy<Value = Value> {
    let flag = || prop::option::of(any::<bool>());
    let attributes = (flag(), flag(), flag()).prop_map(|(resident, parental, expectant)| {
        let mut attributes = serde_json::Map::new();
        for (name, value) in [
            ("resident", resident),
            ("parental_responsibility", parental),
            ("expectant", expectant),
        ] {
            if let Some(value) = value {
                attributes.insert(name.into(), json!(value));
            }
        }
        Value::Object(attributes)
    });
    let event = (
        prop::sample::select(vec!["offence", "asb_incident", "out_of_work_benefit", "employment"]),
        0usize..3,
        0i64..40,
    )
        .prop_map(|(kind, member, day)| {
            let member = ["A", "B", "C"][member];
            match kind {
                "out_of_work_benefit" => {
                    json!({ "kind": kind, "member": member, "start": date(day * 30), "benefit": "jsa" })
                }
                "employment" => json!({ "kind": kind, "member": member, "start": date(day * 30) }),
                _ => json!({ "kind": kind, "member": member, "date": date(day * 30) }),
            }
        });
    (
        attributes.clone(),
        attributes.clone(),
        attributes,
        proptest::collection::vec(event, 0..12),
        0i64..40,
        any::<bool>(),
    )
        .prop_map(|(a, b, c, mut events, attached, child_first)| {
            events.push(json!({ "kind": "family_assessment", "date": date(attached * 30) }));
            events.push(json!({ "kind": "attachment", "date": date(attached * 30) }));
            let mut members = vec![
                json!({ "id": "A", "role": "adult", "born": "1980-05-05", "attributes": a }),
                json!({ "id": "B", "role": "adult", "born": "1985-05-05", "attributes": b }),
                json!({ "id": "C", "role": "child", "born": "2009-09-01", "attributes": c }),
            ];
            if child_first {
                members.reverse();
            }
            json!({ "id": "F", "members": members, "events": events })
        })
}

// ───────────── levels and scores on the same day ─────────────

/// A plan whose measures take one record's value out of several: the level
/// at attachment, the latest score, each indicator's own progress.
const LEVELS_PLAN: &str = r#"plan "Levels" { framework phase2 version "t" }

event asb_report on member at date { level: ordered low, medium, high }
event outcome_star on family at date { score: count }

problem asb "ASB" {
  indicator reported "A report" {
    any member has asb_report within 12 months
    significant "No escalation" { no asb_report where level > level at attachment since attachment }
    sustained for 3 months
  }
  indicator star "A low star" {
    latest score of outcome_star in family ever < 5
    significant "Star up by 2" {
      latest score of outcome_star in family ever - score of outcome_star in family at attachment >= 2
    }
  }
}

eligible when at least 1 problems

claim most "Most" pays £800 { most identified problems have progressed }
"#;

/// Reports and stars on few days, so that many share a day, and an attachment.
fn levels_family() -> impl Strategy<Value = Value> {
    let report = (0i64..20, 0usize..2, 0usize..3).prop_map(|(day, member, level)| {
        json!({
            "kind": "asb_report", "member": (["A", "B"][member]), "date": date(day * 30),
            "level": (["low", "medium", "high"][level])
        })
    });
    let star = (0i64..20, 0u64..10).prop_map(
        |(day, score)| json!({ "kind": "outcome_star", "date": date(day * 30), "score": score }),
    );
    (
        proptest::collection::vec(prop_oneof![report, star], 0..30),
        prop::option::weighted(0.8, 2i64..18),
    )
        .prop_map(|(mut events, attached)| {
            if let Some(slot) = attached {
                events.push(json!({ "kind": "attachment", "date": date(slot * 30) }));
            }
            json!({
                "id": "L",
                "members": [
                    { "id": "A", "role": "adult", "born": "1980-01-01" },
                    { "id": "B", "role": "adult", "born": "1982-01-01" }
                ],
                "events": events
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_order_of_members_never_changes_a_decision_under_a_member_cap(family in members_family(), as_of in 0i64..1400) {
        let plan = Plan::parse(MEMBERS_PLAN).unwrap();
        let as_of = base() + Duration::days(as_of);
        let mut reordered = family.clone();
        reordered["members"].as_array_mut().unwrap().rotate_left(1);
        let decided = serde_json::to_value(decide_on(&plan, &family, as_of)).unwrap();
        prop_assert_eq!(&decided, &serde_json::to_value(decide_on(&plan, &reordered, as_of)).unwrap());
        // The canonical text decides the same.
        let canonical = Plan::parse(&tfop::fmt::format_source(MEMBERS_PLAN).unwrap()).unwrap();
        prop_assert_eq!(decided, serde_json::to_value(decide_on(&canonical, &family, as_of)).unwrap());
    }

    #[test]
    fn a_member_cap_only_takes_problems_away(family in members_family(), as_of in 0i64..1400) {
        let plan = Plan::parse(MEMBERS_PLAN).unwrap();
        let as_of = base() + Duration::days(as_of);
        let capped = decide_on(&plan, &family, as_of);
        let uncapped_text = MEMBERS_PLAN.replace(
            "each adult where resident = false counts towards one problem only\n",
            "",
        );
        let uncapped = decide_on(&Plan::parse(&uncapped_text).unwrap(), &family, as_of);
        let ids = |decision: &tfop::Decision| -> Vec<String> {
            decision.problems.iter().map(|p| p.id.clone()).collect()
        };
        let (capped_ids, uncapped_ids) = (ids(&capped), ids(&uncapped));
        // The cap only takes problems away, and with no one capped it
        // changes nothing.
        prop_assert!(capped_ids.iter().all(|id| uncapped_ids.contains(id)));
        let apart = family["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "adult" && m["attributes"]["resident"] == json!(false))
            .count();
        if apart == 0 {
            prop_assert_eq!(capped_ids, uncapped_ids);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Of several reports or stars on one day, the one a measure takes is
    /// chosen by value, never by the input's order.
    #[test]
    fn levels_and_scores_on_one_day_never_depend_on_their_order(
        family in levels_family(),
        seed in any::<u64>(),
        as_of in 30i64..700,
    ) {
        let plan = Plan::parse(LEVELS_PLAN).unwrap();
        let as_of = base() + Duration::days(as_of);
        let count = family["events"].as_array().unwrap().len();
        let identity: Vec<usize> = (0..count).collect();
        let shuffled = permutation(count, seed);
        let original = decide_on(&plan, &family, as_of);
        let moved = decide_on(&plan, &reordered(&family, &shuffled, &[0, 1]), as_of);
        prop_assert_eq!(
            with_original_positions(&moved, &shuffled, &[0, 1]),
            with_original_positions(&original, &identity, &[0, 1])
        );
    }
}
