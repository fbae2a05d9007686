//! Deciding families by stage, through the library's public API: reading
//! one family, evaluating one (by the number of events in its timeline),
//! and a cohort of 10,000 families end to end beside the floor of only
//! reading it. Every plan and family is checked to read before it is
//! timed, so that no bench measures a refusal or nothing at all.

#![allow(
    missing_docs,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use chrono::{Duration, NaiveDate};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;
use tfop::Plan;
use tfop::io::{JsonLines, SeenFamilies};

const NATIONAL_PHASE2: &str = include_str!("../examples/plans/national-phase2.tfop");

/// A shipped plan, which must check.
fn plan(name: &str, text: &str) -> Plan {
    Plan::parse(text).unwrap_or_else(|_| panic!("the shipped plan {name} does not check"))
}

/// A synthetic family: two adults and three children, `events` events spread
/// over four years, attached with every principle in place. The children
/// take turns at school terms, each term 40 days after the last, so one
/// child's terms (120 days apart, 80 long) never overlap: the largest
/// families' terms run on past the as-of day.
fn family(events: usize) -> Value {
    let base = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap();
    let day = |offset: usize| {
        (base + Duration::days(offset as i64))
            .format("%Y-%m-%d")
            .to_string()
    };
    let members = ["A1", "A2", "C1", "C2", "C3"];
    let mut list = vec![
        json!({ "kind": "family_assessment", "date": day(500) }),
        json!({ "kind": "family_plan", "date": day(505) }),
        json!({ "kind": "lead_professional", "start": day(505) }),
        json!({ "kind": "attachment", "date": day(510) }),
        json!({ "kind": "out_of_work_benefit", "member": "A1", "start": day(0), "end": day(600), "benefit": "jsa" }),
        json!({ "kind": "employment", "member": "A1", "start": day(620) }),
    ];
    for index in 0..events.saturating_sub(list.len()) {
        let member = members[index % members.len()];
        let offset = (index * 37) % 1400;
        list.push(match index % 5 {
            0 => json!({ "kind": "asb_incident", "member": member, "date": day(offset) }),
            1 => json!({ "kind": "offence", "member": member, "date": day(offset) }),
            2 => json!({ "kind": "school_term", "member": members[2 + index % 3], "start": day((index / 5) * 40), "end": day((index / 5) * 40 + 80), "sessions": 120, "unauthorised": index % 20 }),
            3 => json!({ "kind": "domestic_abuse_incident", "date": day(offset) }),
            _ => json!({ "kind": "child_in_need", "member": members[2 + index % 3], "start": day(offset), "end": day(offset + 90) }),
        });
    }
    json!({
        "id": "F",
        "members": [
            { "id": "A1", "role": "adult", "born": "1980-01-01" },
            { "id": "A2", "role": "adult", "born": "1982-06-15" },
            { "id": "C1", "role": "child", "born": "2004-03-01" },
            { "id": "C2", "role": "child", "born": "2007-09-09" },
            { "id": "C3", "role": "child", "born": "2010-12-24" }
        ],
        "events": list
    })
}

fn evaluate(c: &mut Criterion) {
    let plan = plan("national-phase2", NATIONAL_PHASE2);
    let as_of = NaiveDate::from_ymd_opt(2017, 6, 30).unwrap();
    let text = family(35).to_string();
    plan.read_family(&text)
        .expect("the family of 35 events reads");
    c.bench_function("read one family of 35 events", |b| {
        b.iter(|| plan.read_family(black_box(&text)))
    });
    let mut group = c.benchmark_group("evaluate one family");
    for events in [10usize, 35, 100, 500] {
        let family = plan
            .read_family(&family(events).to_string())
            .unwrap_or_else(|error| panic!("the family of {events} events does not read: {error}"));
        group.throughput(Throughput::Elements(events as u64));
        group.bench_with_input(BenchmarkId::from_parameter(events), &family, |b, family| {
            b.iter(|| plan.evaluate(black_box(family), as_of))
        });
    }
    group.finish();
    c.bench_function("read and evaluate one family of 100 events", |b| {
        let text = family(100).to_string();
        b.iter(|| {
            plan.read_family(black_box(&text))
                .map(|family| plan.evaluate(&family, as_of))
        })
    });
}

/// The 50 families of `examples/cohort` (made by `tfop generate --seed
/// 2015`, about 36 events each) copied `copies` times under new ids.
fn generated_cohort(copies: usize) -> Vec<u8> {
    let families = include_str!("../examples/cohort/families.jsonl");
    let mut cohort = String::with_capacity(families.len() * copies);
    for copy in 0..copies {
        // Only a family's own id starts `F-`; members are `P…`, events `e…`.
        cohort.push_str(&families.replace("\"id\":\"F-", &format!("\"id\":\"F{copy}-")));
    }
    cohort.into_bytes()
}

/// What `tfop eval` does to each record, on one thread: read it, refuse a
/// repeat, decide it and write the decision as a JSON line. The number of
/// decisions; every family must be decided.
fn decide_cohort(plan: &Plan, cohort: &[u8], as_of: NaiveDate, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut seen = SeenFamilies::default();
    let mut decided = 0;
    for record in JsonLines::new(cohort) {
        let record = record.expect("the cohort splits into records");
        let family = record
            .read(plan.vocabulary())
            .unwrap_or_else(|_| panic!("family at line {} refused", record.line()));
        let decision = plan.evaluate(&family, as_of);
        if seen.admit(&record, Some(&decision.family)).is_err() {
            panic!("family at line {} repeated", record.line());
        }
        serde_json::to_writer(&mut *out, &decision).expect("a decision serialises");
        out.push(b'\n');
        decided += 1;
    }
    decided
}

/// The floor under [`decide_cohort`]: the same records only split and read
/// into the engine's own input type (`Family`), deciding nothing.
fn read_cohort(plan: &Plan, cohort: &[u8]) -> usize {
    JsonLines::new(cohort)
        .map(|record| {
            let record = record.expect("the cohort splits into records");
            record
                .read(plan.vocabulary())
                .unwrap_or_else(|_| panic!("family at line {} refused", record.line()))
        })
        .count()
}

/// 10,000 families end to end against national phase 2 on one thread, and
/// the parse-only floor over the same bytes: E = floor ÷ end to end.
fn cohort_end_to_end(c: &mut Criterion) {
    let plan = plan("national-phase2", NATIONAL_PHASE2);
    let as_of = NaiveDate::from_ymd_opt(2016, 11, 30).unwrap();
    let cohort = generated_cohort(200);
    let mut out = Vec::new();
    assert_eq!(decide_cohort(&plan, &cohort, as_of, &mut out), 10_000);
    assert_eq!(read_cohort(&plan, &cohort), 10_000);
    let mut group = c.benchmark_group("cohort of 10k families");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("end to end", |b| {
        b.iter(|| decide_cohort(&plan, black_box(&cohort), as_of, &mut out))
    });
    group.bench_function("parse only", |b| {
        b.iter(|| read_cohort(&plan, black_box(&cohort)))
    });
    group.finish();
}

/// The shipped synthetic cohort (50 generated families) under each worked
/// phase 2 plan: what a cohort run costs per family, plan by plan.
fn cohort(c: &mut Criterion) {
    let cohort = include_str!("../examples/cohort/families.jsonl");
    let as_of = NaiveDate::from_ymd_opt(2017, 3, 31).unwrap();
    let plans = [
        ("national-phase2", NATIONAL_PHASE2),
        (
            "lancashire-2016",
            include_str!("../examples/plans/lancashire-2016.tfop"),
        ),
        (
            "wolverhampton-2018",
            include_str!("../examples/plans/wolverhampton-2018.tfop"),
        ),
    ];
    let mut group = c.benchmark_group("decide the 50 families of examples/cohort");
    for (name, text) in plans {
        let plan = plan(name, text);
        let families: Vec<_> = cohort
            .lines()
            .map(|line| plan.read_family(line).expect("every example family reads"))
            .collect();
        group.bench_function(name, |b| {
            b.iter(|| {
                for family in &families {
                    black_box(plan.evaluate(black_box(family), as_of));
                }
            })
        });
    }
    group.finish();
}

/// A wide synthetic family: `size` members (every other one a child) and
/// `size` events spread over them (anti-social behaviour, offences, school
/// terms, out-of-work benefits, jobs), attached with every principle in
/// place. The work should grow with members and events, not their product.
fn wide_family(size: usize) -> Value {
    let base = NaiveDate::from_ymd_opt(2013, 1, 1).unwrap();
    let day = |offset: i64| {
        (base + Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };
    let id = |index: usize| {
        if index % 2 == 0 {
            format!("C{index}")
        } else {
            format!("A{index}")
        }
    };
    let members: Vec<Value> = (0..size)
        .map(|index| {
            let spread = index as i64;
            if index % 2 == 0 {
                json!({ "id": id(index), "role": "child", "born": day(-365 * 5 - (spread * 7) % 3650) })
            } else {
                json!({ "id": id(index), "role": "adult", "born": day(-365 * 30 - (spread * 11) % 7300) })
            }
        })
        .collect();
    let mut events = vec![
        json!({ "kind": "family_assessment", "date": day(800) }),
        json!({ "kind": "family_plan", "date": day(805) }),
        json!({ "kind": "lead_professional", "start": day(805) }),
        json!({ "kind": "attachment", "date": day(810) }),
    ];
    let mut index = 0usize;
    while events.len() < size {
        let member = (index * 7919) % size.max(1);
        let child = member - member % 2;
        let adult = if (member | 1) < size {
            member | 1
        } else {
            member
        };
        let offset = ((index * 37) % 1400) as i64;
        let term = ((index / 4) * 120 % 1300) as i64;
        let benefit = ["jsa", "esa", "uc"][index % 3];
        events.push(match index % 4 {
            0 => json!({ "kind": "asb_incident", "member": id((member + index / 4) % size), "date": day(offset) }),
            1 => json!({ "kind": "offence", "member": id(child), "date": day(offset) }),
            2 => json!({ "kind": "school_term", "member": id(child), "start": day(term), "end": day(term + 80), "sessions": 120, "unauthorised": index % 25 }),
            _ => json!({ "kind": "out_of_work_benefit", "member": id(adult), "start": day(offset), "end": day(offset + 300), "benefit": benefit }),
        });
        if index % 8 == 3 && events.len() < size {
            events.push(
                json!({ "kind": "employment", "member": id(adult), "start": day(offset + 320) }),
            );
        }
        index += 1;
    }
    json!({ "id": "W", "members": members, "events": events })
}

fn wide(c: &mut Criterion) {
    let plan = plan("national-phase2", NATIONAL_PHASE2);
    let as_of = NaiveDate::from_ymd_opt(2016, 11, 30).unwrap();
    let mut group = c.benchmark_group("evaluate one wide family (members = events)");
    group.sample_size(10);
    for size in [1_000usize, 10_000] {
        let family = plan
            .read_family(&wide_family(size).to_string())
            .unwrap_or_else(|_| panic!("the wide family of {size} does not read"));
        group.bench_with_input(BenchmarkId::from_parameter(size), &family, |b, family| {
            b.iter(|| plan.evaluate(black_box(family), as_of))
        });
    }
    group.finish();
}

criterion_group!(benches, evaluate, cohort, cohort_end_to_end, wide);
criterion_main!(benches);
