//! What the property tests share: random families' days and events,
//! deciding a family and freezing it on a day, and the guards that show a
//! generator reaches every outcome it is meant to.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::ops::Range;
use tfop::{Decision, Plan};

/// The day random families' days are counted from.
pub fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2014, 1, 1).unwrap()
}

/// The day `offset` days after [`base`], as records write it.
pub fn date(offset: i64) -> String {
    (base() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// The members random events are about: an adult and two children.
pub const MEMBERS: [&str; 3] = ["A", "C1", "C2"];

/// An event of `kind` about one of [`MEMBERS`] on one of the first 1,400
/// days.
pub fn point(kind: &'static str) -> impl Strategy<Value = Value> {
    (0i64..1400, 0usize..3).prop_map(
        move |(day, member)| json!({ "kind": kind, "member": MEMBERS[member], "date": date(day) }),
    )
}

/// A spell of `kind` about one of `members`, starting on one of the first
/// 1,400 days; with probability `ended` it ends a length from `lengths`
/// later, otherwise it is still open.
pub fn spell(
    kind: &'static str,
    members: &'static [&'static str],
    ended: f64,
    lengths: Range<i64>,
) -> impl Strategy<Value = Value> {
    (
        0i64..1400,
        prop::option::weighted(ended, lengths),
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
}

/// Up to three days within `below` days of a start, as offsets.
pub fn offsets(below: i64) -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(0..below, 0..4)
}

/// Offences of member A on the days `offsets` after `start`: the days, and
/// the events.
pub fn offences(start: NaiveDate, offsets: &[i64]) -> (Vec<NaiveDate>, Value) {
    let days: Vec<NaiveDate> = offsets
        .iter()
        .map(|offset| start + Duration::days(*offset))
        .collect();
    let events: Vec<Value> = days
        .iter()
        .map(|day| json!({ "kind": "offence", "member": "A", "date": day.to_string() }))
        .collect();
    (days, Value::Array(events))
}

/// The plan's decision of a family record it must read.
pub fn decide_on(plan: &Plan, family: &Value, as_of: NaiveDate) -> Decision {
    let family = plan.read_family(&family.to_string()).unwrap();
    plan.evaluate(&family, as_of)
}

/// The family as known at the end of `as_of`: members who joined later
/// gone with their events, later events gone, and a leaving or an end of a
/// spell later than the day not yet known.
pub fn frozen(family: &Value, as_of: NaiveDate) -> Value {
    let limit = as_of.format("%Y-%m-%d").to_string();
    let limit = limit.as_str();
    let mut family = family.clone();
    let later = |value: &Value| value.as_str().is_some_and(|day| day > limit);
    let mut gone = Vec::new();
    let mut members = Vec::new();
    for mut member in family["members"].as_array().unwrap().iter().cloned() {
        if later(&member["joined"]) {
            gone.push(member["id"].clone());
            continue;
        }
        if later(&member["left"]) {
            member.as_object_mut().unwrap().remove("left");
        }
        members.push(member);
    }
    let events: Vec<Value> = family["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| !gone.contains(&event["member"]))
        .filter(|event| !later(event.get("date").or(event.get("start")).unwrap()))
        .cloned()
        .map(|mut event| {
            if later(&event["end"]) {
                event.as_object_mut().unwrap().remove("end");
            }
            event
        })
        .collect();
    family["members"] = Value::Array(members);
    family["events"] = Value::Array(events);
    family
}

/// `rounds` values of a strategy, drawn as a deterministic runner draws
/// them, so a guard sees the same values on every run.
pub fn draws<S: Strategy>(strategy: S, rounds: usize) -> impl Iterator<Item = S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..rounds).map(move |_| strategy.new_tree(&mut runner).unwrap().current())
}

/// How often each outcome was seen over a generator's values: the guard
/// against a property test that tests nothing.
#[derive(Default)]
pub struct Tally(BTreeMap<String, u32>);

impl Tally {
    /// Counts one sighting of `outcome`.
    pub fn note(&mut self, outcome: impl Into<String>) {
        *self.0.entry(outcome.into()).or_default() += 1;
    }

    /// Fails unless each of `outcomes` was seen at least `at_least` times,
    /// naming those seen less often and everything seen.
    pub fn assert_each_seen<'a>(&self, outcomes: impl IntoIterator<Item = &'a str>, at_least: u32) {
        let rare: Vec<&str> = outcomes
            .into_iter()
            .filter(|outcome| self.0.get(*outcome).copied().unwrap_or(0) < at_least)
            .collect();
        assert!(
            rare.is_empty(),
            "seen fewer than {at_least} times: {rare:?}\nseen: {:?}",
            self.0
        );
    }
}
