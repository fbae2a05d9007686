//! Syntax tree to [`Plan`]: name resolution, types and lints. Every pass
//! collects all of its diagnostics; the plan is built only when none is an
//! error.
//!
//! Each pass is an `impl Checker` in a file of its own: `vocab` (event
//! kinds and fields), `settings` (header and settings), `defines` (the
//! define graph: cycles and depth), `items` (problems, eligibility,
//! attachment, claims, the employment table), `funding`, `calendar` (the
//! term calendar); conditions and
//! measures lower through `expr` and `aggregate`, with `literals` for the
//! lengths and percentages every pass checks alike; `lints` warns.
#![deny(clippy::arithmetic_side_effects)]

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::plan::{
    AgesAsked, DefineBody, Framework, Plan, ProblemIdx, Reach, SchoolTerm, Settings,
};
use crate::span::Span;
use crate::syntax::ast;
use crate::vocab::Vocabulary;
use std::collections::{BTreeMap, BTreeSet};

mod aggregate;
mod calendar;
mod defines;
mod expr;
mod funding;
mod items;
mod lints;
mod literals;
mod settings;
mod vocab;

use expr::{Lowered, Uses};
use lints::DefineFacts;
/// Read by the symbol index (`crate::symbols`), which knows the names the
/// checker resolves.
pub(crate) use settings::{ValueShape, setting_shapes};
pub(crate) use vocab::{NATIONAL_VOCABULARY, SUPPORTING_FAMILIES_VOCABULARY};

/// Checks a syntax tree and builds the plan, or returns every error. Warnings
/// come back either way.
pub(crate) fn check(
    file: &ast::File,
    digest: String,
    latest_written: Option<chrono::NaiveDate>,
) -> Result<(Plan, Diagnostics), Diagnostics> {
    let mut checker = Checker {
        framework: settings::stated_framework(file),
        ..Checker::default()
    };
    checker.reach.latest_written =
        latest_written.map_or(crate::days::Day::MIN, crate::days::Day::from_date);
    checker.vocabulary(file);
    let plan = checker.plan(file, digest);
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup();
    let diagnostics = Diagnostics(diagnostics);
    match plan {
        Some(plan) if diagnostics.error_count() == 0 => Ok((plan, diagnostics)),
        _ => Err(diagnostics),
    }
}

/// Which member, if any, unqualified aggregates are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Family,
    Member,
}

/// The block an expression stands in: some constructs are allowed only in
/// some blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Indicator,
    Significant,
    Claim,
    Define,
}

/// What the passes share: the diagnostics so far, and what the earlier
/// passes resolved for the later ones.
#[derive(Default)]
struct Checker {
    diagnostics: Vec<Diagnostic>,
    vocab: Vocabulary,
    kind_spans: BTreeMap<String, Option<Span>>,
    defines: BTreeMap<String, (usize, Span)>,
    define_bodies: Vec<ast::Expr>,
    /// The defines each define uses, by their place in `define_bodies`.
    define_refs: Vec<Vec<usize>>,
    /// Whether each define can be lowered: it is in no cycle and nests at
    /// most [`MAX_DEFINE_DEPTH`](crate::limits::MAX_DEFINE_DEPTH) deep. The
    /// reason was reported once.
    define_ok: Vec<bool>,
    /// How deep each define nests, counting the defines it uses.
    define_depth: Vec<usize>,
    /// The problem and claim conditions that nest too deep through defines,
    /// by span: reported, and not lowered.
    too_deep: BTreeSet<(u32, u32)>,
    /// Each define lowered for a scope, memoised: a define is checked once
    /// per scope however often it is used.
    lowered_defines: BTreeMap<(usize, Scope), Option<(Lowered, Uses)>>,
    /// The lowered defines of the plan, and what the lints know of each.
    plan_defines: Vec<DefineBody>,
    define_facts: Vec<DefineFacts>,
    /// The constructs allowed only in some places that the define being
    /// lowered uses, so that each use can be checked against its place.
    uses: Uses,
    /// The plan's claim ids, each once, in declaration order (a claim
    /// declared twice is reported by the items pass).
    declared_claims: Vec<String>,
    problems: BTreeMap<String, ProblemIdx>,
    /// Each indicator id with the problems that declare it (their id and
    /// index) and its place among the problem's indicators, for
    /// `indicator X held at attachment`.
    indicator_places: BTreeMap<String, Vec<(String, ProblemIdx, usize)>>,
    problem_count: usize,
    /// Each problem's headline outcome, by index, as far as it names one.
    need_headlines: Vec<Option<crate::headline::Headline>>,
    settings: Settings,
    /// The framework the header names (phase 2 when it names none), read
    /// first: the vocabulary and the items depend on it.
    framework: Framework,
    has_employment_table: bool,
    ages_asked: AgesAsked,
    /// How far past the days it is given the plan looks: every length and
    /// age written, added up as it is lowered.
    reach: Reach,
    /// Whether the plan has a `school terms { … }` block, and its terms
    /// that are in order (`calendar`).
    calendar_declared: bool,
    school_terms: Vec<SchoolTerm>,
}

impl Checker {
    fn report(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(code, span, message).with_help(help));
    }

    /// Whether an entry of a block is given for the first time, by its
    /// name; if not, reports it.
    fn given_once<'a>(&mut self, seen: &mut BTreeSet<&'a str>, name: &'a str, span: Span) -> bool {
        if seen.insert(name) {
            return true;
        }
        self.report(
            Code::GivenTwice,
            span,
            format!("`{name}` is given twice"),
            "keep one",
        );
        false
    }

    fn duplicate(&mut self, span: Span, first: Span, message: String, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::DeclaredTwice, span, message)
                .with_help(help)
                .with_label(first, "first declared"),
        );
    }
}
