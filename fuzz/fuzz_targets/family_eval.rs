//! A shipped plan, a day and a fuzzed family → `Plan::evaluate`.
//!
//! Input: byte 0 picks the plan (`tfop_fuzz::SHIPPED_PLANS`), bytes 1–2 (big
//! endian) the as-of day, 2013-01-01 plus 0–2921 days (to 2020-12-31); the
//! rest is one family as JSON.
//!
//! Asserts, for a family that reads:
//! - `order`: the decision (as JSON) is the same when the family's `events`
//!   array is reversed. Events without an `id` are cited by position (`#N`),
//!   which reversing changes by design, so before reading, each such event is
//!   given the id `#N` of its position in the input, in both orders.
//! - `known`: the decision depends only on what is known at the end of the
//!   as-of day: the family cut at that day (events starting later dropped,
//!   spells and memberships ending later left open) is decided the same.
//! - `projection`: a claim that is `not_yet` with an `earliest` day P is
//!   claimable on P, with `earliest` P, when the cut family (nothing more
//!   happening) is decided as of P; and, for a family attached by the as-of
//!   day, a problem whose progress is not yet sustained, with a
//!   `sustained_on` day P, is sustained as of P if it still counts then.
//!
//! A family with a member joining after the as-of day is not cut (the cut
//! cannot be written: such a member does not exist yet on the day, but would
//! on P), so `known` and `projection` skip it.
#![no_main]

use chrono::{Days, NaiveDate};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tfop::{ClaimStatus, Decision, Family, Plan};

/// The as-of days run over 2013-01-01 to 2020-12-31.
const DAYS: u16 = 2922;

fn give_positional_ids(value: &mut Value) {
    let Some(events) = value.get_mut("events").and_then(Value::as_array_mut) else {
        return;
    };
    for (position, event) in events.iter_mut().enumerate() {
        if let Some(object) = event.as_object_mut() {
            if object.get("id").is_none_or(Value::is_null) {
                object.insert("id".to_owned(), Value::String(format!("#{position}")));
            }
        }
    }
}

fn reversed(value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(events) = value.get_mut("events").and_then(Value::as_array_mut) {
        events.reverse();
    }
    value
}

fn json(decision: &Decision) -> String {
    serde_json::to_string(decision).expect("a decision serializes")
}

/// The family as known at the end of `as_of`, or `None` when a member joins
/// after it.
fn cut(family: &Family, as_of: NaiveDate) -> Option<Family> {
    if family
        .members
        .iter()
        .any(|member| member.joined.is_some_and(|joined| joined > as_of))
    {
        return None;
    }
    let mut family = family.clone();
    for member in &mut family.members {
        if member.left.is_some_and(|left| left > as_of) {
            member.left = None;
        }
    }
    family.events.retain(|event| event.start <= as_of);
    for event in &mut family.events {
        if event.end.is_some_and(|end| end > as_of) {
            event.end = None;
        }
    }
    Some(family)
}

fn check_projection(plan: &Plan, known: &Family, decision: &Decision) {
    let as_of = decision.as_of;
    for claim in &decision.claims {
        let (ClaimStatus::NotYet, Some(day)) = (claim.status, claim.earliest) else {
            continue;
        };
        assert!(
            day > as_of,
            "a not-yet claim's earliest day {day} is not after {as_of}"
        );
        let later = plan.evaluate(known, day);
        let found = later
            .claims
            .iter()
            .find(|c| c.claim_type == claim.claim_type)
            .expect("the same plan decides the same claims");
        assert!(
            found.status == ClaimStatus::Claimable && found.earliest == Some(day),
            "claim `{}` not yet as of {as_of}, projected for {day}, but as of {day} it is {:?} with earliest {:?}",
            claim.claim_type,
            found.status,
            found.earliest,
        );
    }
    // An unattached family's reductions are measured from the as-of day (its
    // identification point), which moves with the day decided, so only an
    // attached family's progress projection can be checked this way.
    if decision.attachment.date.is_none() {
        return;
    }
    for progress in &decision.progress {
        let (false, Some(day)) = (progress.sustained, progress.sustained_on) else {
            continue;
        };
        assert!(
            day > as_of,
            "a progress's sustained_on {day} is not after {as_of}"
        );
        let later = plan.evaluate(known, day);
        // A problem may stop counting by then (a child leaving school age).
        let Some(found) = later
            .progress
            .iter()
            .find(|p| p.problem == progress.problem)
        else {
            continue;
        };
        assert!(
            found.sustained,
            "problem `{}` projected sustained on {day} as of {as_of}, but as of {day}: {found:?}",
            progress.problem,
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let [which, high, low, rest @ ..] = data else {
        return;
    };
    let plans = tfop_fuzz::shipped_plans();
    let (_, plan) = &plans[usize::from(*which) % plans.len()];
    let offset = u16::from_be_bytes([*high, *low]) % DAYS;
    let as_of = NaiveDate::from_ymd_opt(2013, 1, 1).expect("a day") + Days::new(offset.into());

    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    give_positional_ids(&mut value);
    let vocab = plan.vocabulary();
    let forward = tfop::io::family_from_value(&value, vocab);
    let backward = tfop::io::family_from_value(&reversed(&value), vocab);
    let (family, backward) = match (forward, backward) {
        (Ok(family), Ok(backward)) => (family, backward),
        (Err(_), Err(_)) => return,
        (forward, backward) => panic!(
            "the family reads in one order only: forward {:?}, reversed {:?}",
            forward.err(),
            backward.err()
        ),
    };

    let decision = plan.evaluate(&family, as_of);
    if !tfop_fuzz::skipped("order") {
        let reversed_decision = plan.evaluate(&backward, as_of);
        assert_eq!(
            json(&decision),
            json(&reversed_decision),
            "the decision depends on the order of the events"
        );
    }

    let Some(known) = cut(&family, as_of) else {
        return;
    };
    if !tfop_fuzz::skipped("known") {
        assert_eq!(
            json(&decision),
            json(&plan.evaluate(&known, as_of)),
            "the decision depends on something after the as-of day"
        );
    }
    if !tfop_fuzz::skipped("projection") {
        check_projection(plan, &known, &decision);
    }
});
