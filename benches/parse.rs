//! Parsing and checking a plan.

#![allow(missing_docs, clippy::indexing_slicing)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    let text = include_str!("../examples/plans/national-phase2.tfop");
    c.bench_function("parse and check national-phase2", |b| {
        b.iter(|| tfop::Plan::parse(black_box(text)))
    });
    c.bench_function("format national-phase2", |b| {
        b.iter(|| tfop::fmt::format_source(black_box(text)))
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
