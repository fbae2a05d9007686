//! Parsing and checking a plan. The plan must check: a bench of a plan
//! that fails would time the first error, not the work.

#![allow(missing_docs, clippy::indexing_slicing)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    let text = include_str!("../examples/plans/national-phase2.tfop");
    assert!(
        tfop::Plan::parse(text).is_ok(),
        "the shipped plan national-phase2 does not check"
    );
    assert!(
        tfop::fmt::format_source(text).is_ok(),
        "the shipped plan national-phase2 does not format"
    );
    c.bench_function("parse and check national-phase2", |b| {
        b.iter(|| tfop::Plan::parse(black_box(text)))
    });
    c.bench_function("format national-phase2", |b| {
        b.iter(|| tfop::fmt::format_source(black_box(text)))
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
