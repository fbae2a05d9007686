//! Syntax tree to [`Plan`]: name resolution, types and lints. Every pass
//! collects all of its diagnostics; the plan is built only when none is an
//! error.

use crate::code::Code;
use crate::days::{Length, Unit};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::limits::{
    MAX_DEFINE_DEPTH, MAX_LENGTH_DAYS, MAX_LENGTH_MONTHS, MAX_LENGTH_WEEKS, MAX_TERMS,
};
use crate::num::{Fixed, Pence};
use crate::plan::*;
use crate::suggest::help_for;
use crate::syntax::Span;
use crate::syntax::ast::{self, CmpOp, ExprKind};
use crate::vocab::{
    EventKind, FieldDecl, FieldType, KindId, RESERVED_EVENT_KEYS, Shape, Vocabulary,
};
use std::collections::{BTreeMap, BTreeSet};

/// The national vocabulary, as plan text.
const NATIONAL_VOCABULARY: &str = include_str!("../grammar/national.tfop");

/// Checks a syntax tree and builds the plan, or returns every error. Warnings
/// come back either way.
pub(crate) fn check(file: &ast::File, digest: String) -> Result<(Plan, Diagnostics), Diagnostics> {
    let mut checker = Checker::default();
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

/// Where an expression stands, for the constructs allowed only in some places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Indicator,
    Significant,
    Claim,
    Define,
}

/// The type of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Count,
    Decimal,
    Money,
    Percentage,
    Date,
}

impl Ty {
    fn describe(self) -> &'static str {
        match self {
            Ty::Count => "a count",
            Ty::Decimal => "a decimal number",
            Ty::Money => "an amount of money",
            Ty::Percentage => "a percentage",
            Ty::Date => "a date",
        }
    }

    fn comparable(self, other: Ty) -> bool {
        let numeric = |ty| matches!(ty, Ty::Count | Ty::Decimal);
        self == other || (numeric(self) && numeric(other))
    }
}

/// What an expression lowered to.
#[derive(Clone)]
enum Lowered {
    Cond(Cond),
    Measure(Measure, Ty),
    /// `days of …`: only comparable with a constant duration.
    Coverage(Aggregate),
    /// A constant duration, in days, or `None` for months (not a fixed number of days).
    Duration(Option<u32>, ast::Duration),
}

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
    /// most [`MAX_DEFINE_DEPTH`] deep. The reason was reported once.
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
    problems: BTreeMap<String, ProblemIdx>,
    problem_count: usize,
    settings: Settings,
    has_employment_table: bool,
    ages_asked: AgesAsked,
}

/// Where a define uses a construct allowed only in some places; a define is
/// lowered once, so its uses are checked against the place of each use.
#[derive(Debug, Clone, Copy, Default)]
struct Uses {
    /// Progress against problems: only in claims.
    progress: Option<Span>,
    /// A window before identification: not in indicators.
    identification: Option<Span>,
}

impl Uses {
    fn merge(&mut self, other: Uses) {
        self.progress = self.progress.or(other.progress);
        self.identification = self.identification.or(other.identification);
    }
}

/// What the lints know of a lowered define, so that they need not walk it again.
#[derive(Debug, Clone, Copy)]
struct DefineFacts {
    never_met: bool,
    bounds: Option<(Bound, Bound)>,
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

    fn duplicate(&mut self, span: Span, first: Span, message: String, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::DeclaredTwice, span, message)
                .with_help(help)
                .with_label(first, "first declared"),
        );
    }

    // ───────────── vocabulary ─────────────

    fn vocabulary(&mut self, file: &ast::File) {
        match crate::syntax::parse(NATIONAL_VOCABULARY) {
            Ok(national) => {
                for item in &national.items {
                    if let ast::Item::Event(decl) = item {
                        let kind = self.event_kind(decl);
                        self.kind_spans.insert(kind.name.clone(), None);
                        self.vocab.push(kind);
                    }
                }
            }
            Err(_) => self.report(
                Code::Internal,
                Span::default(),
                "internal error: the national vocabulary does not parse",
                "this is a bug in tfop; please report it",
            ),
        }
        for item in &file.items {
            let ast::Item::Event(decl) = item else {
                continue;
            };
            match self.kind_spans.get(&decl.name.name) {
                Some(None) => self.report(
                    Code::RedeclaredNationalKind,
                    decl.name.span,
                    format!(
                        "`{}` is already declared by the national vocabulary",
                        decl.name.name
                    ),
                    "use the national kind as it is, or give the local kind another name",
                ),
                Some(Some(first)) => {
                    let first = *first;
                    self.duplicate(
                        decl.name.span,
                        first,
                        format!("event kind `{}` is declared twice", decl.name.name),
                        "remove one of the declarations or rename one kind",
                    )
                }
                None => {
                    let kind = self.event_kind(decl);
                    self.kind_spans
                        .insert(kind.name.clone(), Some(decl.name.span));
                    self.vocab.push(kind);
                }
            }
        }
    }

    fn event_kind(&mut self, decl: &ast::EventDecl) -> EventKind {
        let mut fields: Vec<FieldDecl> = Vec::new();
        for field in &decl.fields {
            if RESERVED_EVENT_KEYS.contains(&field.name.name.as_str()) {
                self.report(
                    Code::ReservedKey,
                    field.name.span,
                    format!(
                        "`{}` is a key every event record has; a field cannot take its name",
                        field.name.name
                    ),
                    "give the field another name",
                );
                continue;
            }
            if fields
                .iter()
                .any(|existing| existing.name == field.name.name)
            {
                self.report(
                    Code::DeclaredTwice,
                    field.name.span,
                    format!("field `{}` is declared twice", field.name.name),
                    "remove one of them",
                );
                continue;
            }
            let ty = match &field.ty {
                ast::FieldTypeSyntax::Count => FieldType::Count,
                ast::FieldTypeSyntax::Decimal => FieldType::Decimal,
                ast::FieldTypeSyntax::Money => FieldType::Money,
                ast::FieldTypeSyntax::Percentage => FieldType::Percentage,
                ast::FieldTypeSyntax::Date => FieldType::Date,
                ast::FieldTypeSyntax::Text => FieldType::Text,
                ast::FieldTypeSyntax::Flag => FieldType::Flag,
                ast::FieldTypeSyntax::OneOf(words) => {
                    let mut values: Vec<String> = Vec::new();
                    for word in words {
                        if values.contains(&word.name) {
                            self.report(
                                Code::DeclaredTwice,
                                word.span,
                                format!("`{}` is listed twice", word.name),
                                "list each word once",
                            );
                        } else {
                            values.push(word.name.clone());
                        }
                    }
                    FieldType::OneOf(values)
                }
            };
            fields.push(FieldDecl {
                name: field.name.name.clone(),
                ty,
                optional: field.optional,
            });
        }
        EventKind {
            name: decl.name.name.clone(),
            shape: decl.shape,
            subject: decl.subject,
            fields,
        }
    }

    fn kind(&mut self, name: &ast::Ident) -> Option<KindId> {
        if let Some(id) = self.vocab.lookup(&name.name) {
            return Some(id);
        }
        let names: Vec<&str> = self
            .vocab
            .iter()
            .map(|(_, kind)| kind.name.as_str())
            .collect();
        let help = help_for(&name.name, names, || {
            format!("declare it: `event {} on member at date`", name.name)
        });
        self.report(
            Code::UnknownKind,
            name.span,
            format!("unknown event kind `{}`", name.name),
            help,
        );
        None
    }

    fn known_kinds(&mut self) -> Option<KnownKinds> {
        let kind = |name: &str| self.vocab.lookup(name);
        let field = |kind: Option<KindId>, name: &str| {
            kind.and_then(|id| self.vocab.get(id))
                .and_then(|kind| kind.field_index(name))
        };
        let attachment = kind("attachment");
        let claim = kind("claim");
        let school_term = kind("school_term");
        let out_of_work_benefit = kind("out_of_work_benefit");
        let employment = kind("employment");
        Some(KnownKinds {
            attachment: attachment?,
            claim: claim?,
            claim_type_field: field(claim, "type")?,
            school_term: school_term?,
            out_of_work_benefit: out_of_work_benefit?,
            benefit_field: field(out_of_work_benefit, "benefit")?,
            employment: employment?,
        })
    }

    // ───────────── the plan ─────────────

    fn plan(&mut self, file: &ast::File, digest: String) -> Option<Plan> {
        let header = self.header(file);
        self.settings(file);
        self.collect_defines(file);
        self.analyse_defines();
        self.root_depths(file);
        self.collect_problems(file);
        self.has_employment_table = file
            .items
            .iter()
            .any(|item| matches!(item, ast::Item::Employment(_)));

        let mut problems = Vec::new();
        let mut built_problems: BTreeSet<&str> = BTreeSet::new();
        let mut eligibility = None;
        let mut principles = Vec::new();
        let mut claims: Vec<ClaimDef> = Vec::new();
        let mut claim_ids: BTreeSet<String> = BTreeSet::new();
        let mut attachment_fee = None;
        let mut results_items = Vec::new();
        let mut employment = None;
        let mut funding = None;
        let mut seen: BTreeMap<&'static str, Span> = BTreeMap::new();

        for item in &file.items {
            let once = match item {
                ast::Item::Eligible(_) => Some("an eligibility rule"),
                ast::Item::Attach(_) => Some("attachment principles"),
                ast::Item::Fee(_) => Some("an attachment fee"),
                ast::Item::Results(_) => Some("a results block"),
                ast::Item::Employment(_) => Some("a continuous-employment table"),
                ast::Item::Funding(_) => Some("a funding block"),
                ast::Item::Settings(_) => Some("a settings block"),
                _ => None,
            };
            if let Some(what) = once {
                if seen.insert(what, item.span()).is_some() {
                    self.report(
                        Code::GivenTwice,
                        item.span(),
                        format!("the plan has {what} twice"),
                        "merge them into one",
                    );
                    continue;
                }
            }
            match item {
                ast::Item::Problem(problem) => {
                    // A duplicate was reported when collecting; only the first is built.
                    if built_problems.insert(problem.id.name.as_str()) {
                        problems.extend(self.problem(problem));
                    }
                }
                ast::Item::Eligible(rule) => eligibility = self.eligibility(&rule.rule),
                ast::Item::Attach(attach) => {
                    // A kind named twice, as a principle or an alternative,
                    // says nothing more the second time (`a and (a or b)`
                    // is `a`), so it is refused wherever it stands.
                    let mut listed: Vec<KindId> = Vec::new();
                    for principle in &attach.principles {
                        let mut kinds = Vec::new();
                        for name in &principle.kinds {
                            let Some(kind) = self.kind(name) else {
                                continue;
                            };
                            if listed.contains(&kind) {
                                self.report(
                                    Code::DeclaredTwice,
                                    name.span,
                                    format!("principle `{}` is listed twice", name.name),
                                    "list each event kind once, alone or as one of a principle's alternatives",
                                );
                            } else {
                                listed.push(kind);
                                kinds.push(kind);
                            }
                        }
                        if !kinds.is_empty() {
                            principles.push(Principle { kinds });
                        }
                    }
                }
                ast::Item::Claim(claim) => {
                    if !claim_ids.insert(claim.id.name.clone()) {
                        self.report(
                            Code::DeclaredTwice,
                            claim.id.span,
                            format!("claim `{}` is declared twice", claim.id.name),
                            "give each claim type its own id",
                        );
                        continue;
                    }
                    if let Some(checked) = self.claim(claim) {
                        claims.push(checked);
                    }
                }
                ast::Item::Fee(fee) => attachment_fee = Some(fee.amount.value),
                ast::Item::Results(results) => results_items.push(results),
                ast::Item::Employment(rule) => employment = self.employment(rule),
                ast::Item::Funding(block) => funding = self.funding(block),
                ast::Item::Header(_)
                | ast::Item::Settings(_)
                | ast::Item::Event(_)
                | ast::Item::Define(_) => {}
            }
        }

        if eligibility.is_none() && !seen.contains_key("an eligibility rule") {
            self.report(
                Code::MissingPart,
                Span::default(),
                "the plan has no eligibility rule",
                "add one, e.g. `eligible when at least 2 problems`",
            );
        }
        let declared: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Claim(claim) => Some(claim.id.name.clone()),
                _ => None,
            })
            .fold(Vec::new(), |mut unique, id| {
                if !unique.contains(&id) {
                    unique.push(id);
                }
                unique
            });
        let results = self.results(results_items.first().copied(), &declared);
        self.unused_defines(file);
        let known = self.known_kinds();
        let header = header?;
        let known = known?;
        Some(Plan {
            header,
            digest,
            vocab: std::mem::take(&mut self.vocab),
            known,
            settings: self.settings,
            problems,
            eligibility,
            principles,
            claims,
            attachment_fee,
            results,
            employment,
            funding,
            ages_asked: self.ages_asked,
            defines: std::mem::take(&mut self.plan_defines),
        })
    }

    fn header(&mut self, file: &ast::File) -> Option<Header> {
        let headers: Vec<&ast::Header> = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Header(header) => Some(header),
                _ => None,
            })
            .collect();
        let Some(header) = headers.first() else {
            self.report(
                Code::MissingPart,
                Span::default(),
                "the plan has no header",
                "start the plan with `plan \"Name\" { authority \"…\" framework phase2 version \"…\" effective YYYY-MM-DD }`",
            );
            return None;
        };
        for extra in headers.iter().skip(1) {
            self.report(
                Code::GivenTwice,
                extra.span,
                "the plan has two headers",
                "keep one `plan` block",
            );
        }
        let mut out = Header {
            name: header.name.value.clone(),
            authority: None,
            framework: Framework::Phase2,
            version: None,
            effective: None,
        };
        let mut framework_seen = false;
        let mut seen: BTreeSet<&'static str> = BTreeSet::new();
        for field in &header.fields {
            let (name, span) = match field {
                ast::HeaderField::Authority(text) => ("authority", text.span),
                ast::HeaderField::Framework(ident) => ("framework", ident.span),
                ast::HeaderField::Version(text) => ("version", text.span),
                ast::HeaderField::Effective(date) => ("effective", date.span),
            };
            if !seen.insert(name) {
                self.report(
                    Code::GivenTwice,
                    span,
                    format!("`{name}` is given twice"),
                    "keep one",
                );
                continue;
            }
            match field {
                ast::HeaderField::Authority(text) => out.authority = Some(text.value.clone()),
                ast::HeaderField::Version(text) => out.version = Some(text.value.clone()),
                ast::HeaderField::Effective(date) => out.effective = Some(date.value),
                ast::HeaderField::Framework(ident) => {
                    framework_seen = true;
                    match ident.name.as_str() {
                        "phase1" => out.framework = Framework::Phase1,
                        "phase2" => out.framework = Framework::Phase2,
                        other => {
                            let help = help_for(other, ["phase1", "phase2"], || {
                                "write `phase1` or `phase2`".to_string()
                            });
                            self.report(
                                Code::UnknownFramework,
                                ident.span,
                                format!("unknown framework `{other}`"),
                                help,
                            );
                        }
                    }
                }
            }
        }
        if !framework_seen {
            self.report(
                Code::MissingPart,
                header.span,
                "the header does not say which framework the plan is for",
                "add `framework phase1` or `framework phase2`",
            );
        }
        Some(out)
    }

    fn settings(&mut self, file: &ast::File) {
        let Some(block) = file.items.iter().find_map(|item| match item {
            ast::Item::Settings(settings) => Some(settings),
            _ => None,
        }) else {
            return;
        };
        let names = SETTINGS.map(|(name, _)| name);
        let mut seen = BTreeSet::new();
        for setting in &block.entries {
            let name = setting.name.name.as_str();
            let Some((_, read)) = SETTINGS.iter().find(|(known, _)| *known == name) else {
                let help = help_for(name, names, || {
                    format!(
                        "the settings are {}",
                        names.map(|n| format!("`{n}`")).join(", ")
                    )
                });
                self.report(
                    Code::BadSetting,
                    setting.name.span,
                    format!("unknown setting `{name}`"),
                    help,
                );
                continue;
            };
            if !seen.insert(name) {
                self.report(
                    Code::GivenTwice,
                    setting.name.span,
                    format!("setting `{name}` is given twice"),
                    "keep one",
                );
                continue;
            }
            if let Err((message, help)) = read(&mut self.settings, name, &setting.value) {
                self.report(Code::BadSetting, setting.value.span(), message, help);
            }
        }
    }

    fn collect_defines(&mut self, file: &ast::File) {
        for item in &file.items {
            let ast::Item::Define(define) = item else {
                continue;
            };
            if let Some((_, first)) = self.defines.get(&define.name.name).copied() {
                self.duplicate(
                    define.name.span,
                    first,
                    format!("`{}` is defined twice", define.name.name),
                    "remove one definition or rename it",
                );
                continue;
            }
            self.defines.insert(
                define.name.name.clone(),
                (self.define_bodies.len(), define.name.span),
            );
            self.define_bodies.push(define.value.clone());
        }
    }

    /// Finds the defines each define uses, reports cycles and defines
    /// nested too deep, and marks which can be lowered. The define graph is
    /// walked with an explicit stack: a chain of defines may be as long as
    /// the plan, far deeper than the call stack.
    fn analyse_defines(&mut self) {
        let count = self.define_bodies.len();
        let mut refs: Vec<Vec<(usize, usize, Span)>> = Vec::with_capacity(count);
        let mut local: Vec<usize> = Vec::with_capacity(count);
        for body in &self.define_bodies {
            let mut found = Vec::new();
            local.push(expr_refs(body, 1, &self.defines, &mut found));
            refs.push(found);
        }
        let names: Vec<String> = {
            let mut names = vec![String::new(); count];
            for (name, (index, _)) in &self.defines {
                if let Some(slot) = names.get_mut(*index) {
                    slot.clone_from(name);
                }
            }
            names
        };
        // 0: not reached yet, 1: on the stack, 2: done.
        let mut state = vec![0u8; count];
        let mut depth = vec![0usize; count];
        let mut ok = vec![false; count];
        let mut cyclic = vec![false; count];
        for root in 0..count {
            if state.get(root) != Some(&0) {
                continue;
            }
            let mut stack = vec![(root, 0usize)];
            if let Some(slot) = state.get_mut(root) {
                *slot = 1;
            }
            while let Some((node, next)) = stack.last_mut() {
                let node = *node;
                let edges = refs.get(node).map_or(&[][..], Vec::as_slice);
                if let Some(&(target, _, span)) = edges.get(*next) {
                    *next += 1;
                    match state.get(target) {
                        Some(0) => {
                            if let Some(slot) = state.get_mut(target) {
                                *slot = 1;
                            }
                            stack.push((target, 0));
                        }
                        Some(1) => {
                            let name = names.get(target).cloned().unwrap_or_default();
                            self.report(
                                Code::DefineCycle,
                                span,
                                format!("`{name}` is defined in terms of itself"),
                                "break the cycle: a define may use only other defines",
                            );
                            if let Some(slot) = cyclic.get_mut(node) {
                                *slot = true;
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                stack.pop();
                if let Some(slot) = state.get_mut(node) {
                    *slot = 2;
                }
                let mut deepest = local.get(node).copied().unwrap_or(0);
                let mut fine = !cyclic.get(node).copied().unwrap_or(true);
                for &(target, at, _) in edges {
                    fine &= ok.get(target).copied().unwrap_or(false);
                    // Each define a use goes through is a level of recursion too.
                    deepest = deepest.max(at + depth.get(target).copied().unwrap_or(0));
                }
                if fine && deepest > MAX_DEFINE_DEPTH {
                    let name = names.get(node).cloned().unwrap_or_default();
                    let span = self.defines.get(&name).map_or(Span::default(), |d| d.1);
                    self.report(
                        Code::TooDeepThroughDefines,
                        span,
                        format!(
                            "`{name}` nests {deepest} deep counting the defines it uses, more than {MAX_DEFINE_DEPTH}"
                        ),
                        "write the define with fewer levels of defines in between",
                    );
                    fine = false;
                }
                if let Some(slot) = depth.get_mut(node) {
                    *slot = deepest;
                }
                if let Some(slot) = ok.get_mut(node) {
                    *slot = fine;
                }
            }
        }
        self.define_ok = ok;
        self.define_depth = depth;
        self.define_refs = refs
            .into_iter()
            .map(|edges| edges.into_iter().map(|(target, _, _)| target).collect())
            .collect();
    }

    /// The problem and claim conditions of a file.
    fn roots(file: &ast::File) -> Vec<&ast::Expr> {
        let mut roots = Vec::new();
        for item in &file.items {
            match item {
                ast::Item::Problem(problem) => {
                    roots.extend(problem.indicators.iter().map(|i| &i.condition));
                    roots.extend(problem.significant.iter().map(|s| &s.condition));
                }
                ast::Item::Claim(claim) => roots.push(&claim.condition),
                _ => {}
            }
        }
        roots
    }

    /// Reports each problem or claim condition that nests more than
    /// [`MAX_DEFINE_DEPTH`] deep through the defines it uses, before any is
    /// lowered, so that lowering it cannot recurse too deep.
    fn root_depths(&mut self, file: &ast::File) {
        for expr in Checker::roots(file) {
            let mut found = Vec::new();
            let mut deepest = expr_refs(expr, 1, &self.defines, &mut found);
            let mut fine = true;
            for (target, at, _) in found {
                fine &= self.define_ok.get(target).copied().unwrap_or(false);
                deepest = deepest.max(at + self.define_depth.get(target).copied().unwrap_or(0));
            }
            if fine && deepest > MAX_DEFINE_DEPTH {
                self.report(
                    Code::TooDeepThroughDefines,
                    expr.span,
                    format!(
                        "this condition nests {deepest} deep counting the defines it uses, more than {MAX_DEFINE_DEPTH}"
                    ),
                    "write it with fewer levels of defines in between",
                );
                self.too_deep.insert((expr.span.start, expr.span.end));
            }
        }
    }

    /// Warns of every define that no problem or claim uses, directly or
    /// through other defines, and checks its body anyway so that its errors
    /// are not hidden by being unused.
    fn unused_defines(&mut self, file: &ast::File) {
        let mut roots = Vec::new();
        for expr in Checker::roots(file) {
            expr_refs(expr, 1, &self.defines, &mut roots);
        }
        let mut used = vec![false; self.define_bodies.len()];
        let mut work: Vec<usize> = roots.into_iter().map(|(target, _, _)| target).collect();
        while let Some(index) = work.pop() {
            match used.get_mut(index) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            work.extend(self.define_refs.get(index).into_iter().flatten().copied());
        }
        for item in &file.items {
            let ast::Item::Define(define) = item else {
                continue;
            };
            let Some((index, span)) = self.defines.get(&define.name.name).copied() else {
                continue;
            };
            // A define given twice: only the first is known by its name.
            if span != define.name.span || used.get(index).copied().unwrap_or(true) {
                continue;
            }
            let _ = self.lowered_define(index, Scope::Family);
            self.report(
                Code::UnusedDefine,
                define.name.span,
                format!("`{}` is defined but never used", define.name.name),
                "use it, or remove the definition",
            );
        }
    }

    fn collect_problems(&mut self, file: &ast::File) {
        for item in &file.items {
            let ast::Item::Problem(problem) = item else {
                continue;
            };
            if let Some(first) = file.items.iter().find_map(|item| match item {
                ast::Item::Problem(earlier) if earlier.id.name == problem.id.name => {
                    Some(earlier.id.span)
                }
                _ => None,
            }) {
                if self.problems.contains_key(&problem.id.name) {
                    self.duplicate(
                        problem.id.span,
                        first,
                        format!("problem `{}` is declared twice", problem.id.name),
                        "give each problem its own id",
                    );
                    continue;
                }
            }
            let index = ProblemIdx(self.problem_count as u32);
            self.problems.insert(problem.id.name.clone(), index);
            self.problem_count += 1;
        }
    }

    fn problem_ref(&mut self, ident: &ast::Ident) -> Option<ProblemIdx> {
        if let Some(index) = self.problems.get(&ident.name) {
            return Some(*index);
        }
        let names: Vec<&str> = self.problems.keys().map(String::as_str).collect();
        let help = help_for(&ident.name, names, || {
            "declare the problem with `problem id \"title\" { … }`".to_string()
        });
        self.report(
            Code::UnknownProblem,
            ident.span,
            format!("unknown problem `{}`", ident.name),
            help,
        );
        None
    }

    fn problem(&mut self, problem: &ast::Problem) -> Option<ProblemDef> {
        let mut indicator_ids = BTreeSet::new();
        let mut indicators = Vec::new();
        if problem.indicators.is_empty() {
            self.report(
                Code::ProblemWithoutIndicator,
                problem.id.span,
                format!(
                    "problem `{}` has no indicator, so no family can ever have it",
                    problem.id.name
                ),
                "add an `indicator id \"title\" { … }`",
            );
        }
        for indicator in &problem.indicators {
            if !indicator_ids.insert(indicator.id.name.clone()) {
                self.report(
                    Code::DeclaredTwice,
                    indicator.id.span,
                    format!(
                        "indicator `{}` is declared twice in problem `{}`",
                        indicator.id.name, problem.id.name
                    ),
                    "give each indicator its own id",
                );
                continue;
            }
            if let Some(condition) = self.condition(&indicator.condition, Place::Indicator) {
                indicators.push(IndicatorDef {
                    id: indicator.id.name.clone(),
                    title: indicator.title.value.clone(),
                    condition,
                });
            }
        }
        let significant = match problem.significant.as_slice() {
            [] => {
                self.report(
                    Code::SignificantCount,
                    problem.id.span,
                    format!(
                        "problem `{}` has no significant-progress measure",
                        problem.id.name
                    ),
                    "add `significant \"what counts as progress\" { … }`",
                );
                None
            }
            [first, rest @ ..] => {
                for extra in rest {
                    self.report(
                        Code::SignificantCount,
                        extra.span,
                        format!(
                            "problem `{}` has more than one significant-progress measure",
                            problem.id.name
                        ),
                        "combine them with `and` into one measure",
                    );
                }
                self.condition(&first.condition, Place::Significant)
                    .map(|condition| (first.title.value.clone(), condition))
            }
        };
        let sustain = match problem.sustain.as_slice() {
            [] => None,
            [first, rest @ ..] => {
                for extra in rest {
                    self.report(
                        Code::GivenTwice,
                        extra.span,
                        format!(
                            "problem `{}` has more than one sustain period",
                            problem.id.name
                        ),
                        "keep one `sustained for`",
                    );
                }
                self.sustain_length(&first.length)
            }
        };
        let (significant_title, significant) = significant?;
        Some(ProblemDef {
            id: problem.id.name.clone(),
            title: problem.title.value.clone(),
            indicators,
            significant_title,
            significant,
            sustain,
        })
    }

    fn sustain_length(&mut self, length: &ast::SustainLength) -> Option<SustainLen> {
        match length {
            ast::SustainLength::Time(duration) => self.length(duration).map(SustainLen::Time),
            ast::SustainLength::Terms(count) => {
                if count.value == 0 {
                    self.report(
                        Code::EmptyRange,
                        count.span,
                        "a sustain period of zero terms",
                        "sustain for at least 1 term",
                    );
                    None
                } else if !self.terms_in_range(count) {
                    None
                } else {
                    Some(SustainLen::Terms(count.value as u32))
                }
            }
        }
    }

    /// Whether a written length of time is at most [`MAX_LENGTH_MONTHS`]
    /// months, [`MAX_LENGTH_WEEKS`] weeks or [`MAX_LENGTH_DAYS`] days; reports it if not.
    fn length_in_range(&mut self, duration: &ast::Duration) -> bool {
        let (most, unit) = match duration.unit {
            ast::TimeUnit::Days => (MAX_LENGTH_DAYS, "days"),
            ast::TimeUnit::Weeks => (MAX_LENGTH_WEEKS, "weeks"),
            ast::TimeUnit::Months => (MAX_LENGTH_MONTHS, "months"),
        };
        if duration.count.value <= u64::from(most) {
            return true;
        }
        self.report(
            Code::TooLong,
            duration.span,
            format!(
                "{} {unit} is longer than the 100 years a window or period may be",
                duration.count.value
            ),
            format!("write at most {most} {unit}; `ever` looks at every day"),
        );
        false
    }

    fn length(&mut self, duration: &ast::Duration) -> Option<Length> {
        if !self.length_in_range(duration) {
            return None;
        }
        if duration.count.value == 0 {
            self.report(
                Code::EmptyRange,
                duration.span,
                "a length of time of zero",
                "a window or period must be at least 1 day long",
            );
            return None;
        }
        let unit = match duration.unit {
            ast::TimeUnit::Days => Unit::Days,
            ast::TimeUnit::Weeks => Unit::Weeks,
            ast::TimeUnit::Months => Unit::Months,
        };
        Some(Length {
            count: duration.count.value as u32,
            unit,
        })
    }

    /// Whether a number of school terms is at most [`MAX_TERMS`]; reports it if not.
    fn terms_in_range(&mut self, count: &ast::IntLit) -> bool {
        if count.value <= u64::from(MAX_TERMS) {
            return true;
        }
        self.report(
            Code::TooLong,
            count.span,
            format!(
                "{} terms is longer than the 100 years a window or period may be",
                count.value
            ),
            format!("write at most {MAX_TERMS} terms"),
        );
        false
    }

    fn eligibility(&mut self, rule: &ast::ProblemCond) -> Option<ProblemRule> {
        Some(match &rule.kind {
            ast::ProblemCondKind::Or(parts) | ast::ProblemCondKind::And(parts) => {
                let mut lowered = Vec::new();
                for part in parts {
                    lowered.push(self.eligibility(part));
                }
                let lowered: Option<Vec<ProblemRule>> = lowered.into_iter().collect();
                let lowered = lowered?;
                if matches!(rule.kind, ast::ProblemCondKind::Or(_)) {
                    ProblemRule::Or(lowered)
                } else {
                    ProblemRule::And(lowered)
                }
            }
            ast::ProblemCondKind::AtLeast(count) => {
                if count.value as usize > self.problem_count {
                    self.report(
                        Code::ThresholdAboveProblems,
                        count.span,
                        format!(
                            "the plan asks for at least {} problems but declares {}",
                            count.value, self.problem_count
                        ),
                        "lower the threshold or declare the missing problems",
                    );
                }
                let all = (0..self.problem_count as u32).map(ProblemIdx).collect();
                ProblemRule::AtLeast(count.value as u32, all)
            }
            ast::ProblemCondKind::AtLeastOf(count, ids) => {
                let list = self.problem_list(ids)?;
                if count.value as usize > list.len() {
                    self.report(
                        Code::ThresholdAboveProblems,
                        count.span,
                        format!("at least {} of a list of {}", count.value, list.len()),
                        "the threshold cannot be more than the problems listed",
                    );
                }
                ProblemRule::AtLeast(count.value as u32, list)
            }
            ast::ProblemCondKind::AllOf(ids) => ProblemRule::All(self.problem_list(ids)?),
            ast::ProblemCondKind::Problem(id) => ProblemRule::All(vec![self.problem_ref(id)?]),
        })
    }

    fn problem_list(&mut self, ids: &[ast::Ident]) -> Option<Vec<ProblemIdx>> {
        let mut list = Vec::new();
        let mut ok = true;
        for id in ids {
            match self.problem_ref(id) {
                Some(index) if list.contains(&index) => self.report(
                    Code::DeclaredTwice,
                    id.span,
                    format!("problem `{}` is listed twice", id.name),
                    "list each problem once",
                ),
                Some(index) => list.push(index),
                None => ok = false,
            }
        }
        ok.then_some(list)
    }

    fn claim(&mut self, claim: &ast::Claim) -> Option<ClaimDef> {
        let condition = self.condition(&claim.condition, Place::Claim)?;
        if never_met(&condition, self.problem_count, &self.define_facts) {
            self.report(
                Code::NeverMet,
                claim.condition.span,
                format!("claim `{}` can never be met", claim.id.name),
                "its condition is false on every day whatever the family's timeline; check the comparison",
            );
        }
        Some(ClaimDef {
            id: claim.id.name.clone(),
            title: claim.title.value.clone(),
            amount: claim.amount.value,
            discretionary: claim.discretionary,
            condition,
        })
    }

    /// The combination rules, resolved against the claim ids in declaration
    /// order (so that a claim with an error of its own does not also show up
    /// as unknown here).
    fn results(&mut self, block: Option<&ast::Results>, claims: &[String]) -> ResultsRules {
        let index_of = |name: &str| {
            claims
                .iter()
                .position(|claim| claim == name)
                .map(|index| ClaimIdx(index as u32))
        };
        let mut rules = ResultsRules::default();
        let mut grouped: BTreeSet<ClaimIdx> = BTreeSet::new();
        if let Some(block) = block {
            let mut cap_seen = false;
            let mut top_up_seen = false;
            for entry in &block.entries {
                match entry {
                    ast::ResultsEntry::Cap(amount, span) => {
                        if std::mem::replace(&mut cap_seen, true) {
                            self.report(
                                Code::GivenTwice,
                                *span,
                                "the results block has two caps",
                                "keep one `cap`",
                            );
                        }
                        rules.cap = Some(amount.value);
                    }
                    ast::ResultsEntry::TopUp(allowed, span) => {
                        if std::mem::replace(&mut top_up_seen, true) {
                            self.report(
                                Code::GivenTwice,
                                *span,
                                "the top-up rule is given twice",
                                "keep one `top up` line",
                            );
                        }
                        rules.top_up = *allowed;
                    }
                    ast::ResultsEntry::Combine(ids, _) => {
                        let mut group = Vec::new();
                        for id in ids {
                            match index_of(&id.name) {
                                Some(index) if !grouped.insert(index) => self.report(
                                    Code::DeclaredTwice,
                                    id.span,
                                    format!("claim `{}` is in more than one `combine`", id.name),
                                    "a claim combines with one group of claims",
                                ),
                                Some(index) => group.push(index),
                                None => {
                                    let names: Vec<&str> =
                                        claims.iter().map(String::as_str).collect();
                                    let help = help_for(&id.name, names, || {
                                        "declare it with `claim id \"title\" pays £… { … }`"
                                            .to_string()
                                    });
                                    self.report(
                                        Code::UnknownClaim,
                                        id.span,
                                        format!("unknown claim `{}`", id.name),
                                        help,
                                    );
                                }
                            }
                        }
                        rules.groups.push(group);
                    }
                }
            }
        }
        for index in 0..claims.len() as u32 {
            if !grouped.contains(&ClaimIdx(index)) {
                rules.groups.push(vec![ClaimIdx(index)]);
            }
        }
        rules.groups.retain(|group| !group.is_empty());
        rules
    }

    fn employment(&mut self, rule: &ast::EmploymentRule) -> Option<EmploymentTable> {
        let benefit_words: Vec<String> = self
            .vocab
            .lookup("out_of_work_benefit")
            .and_then(|id| self.vocab.get(id))
            .and_then(|kind| kind.fields.iter().find(|field| field.name == "benefit"))
            .and_then(|field| match &field.ty {
                FieldType::OneOf(values) => Some(values.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let mut table = EmploymentTable {
            rules: Vec::new(),
            off_benefits: rule.off_benefits,
        };
        let mut covered: BTreeSet<u32> = BTreeSet::new();
        for line in &rule.rules {
            let mut benefits = Vec::new();
            for benefit in &line.benefits {
                match benefit_words.iter().position(|word| *word == benefit.name) {
                    Some(index) if !covered.insert(index as u32) => self.report(
                        Code::EmploymentTable,
                        benefit.span,
                        format!("benefit `{}` has more than one rule", benefit.name),
                        "give each benefit one line",
                    ),
                    Some(index) => benefits.push(index as u32),
                    None => {
                        let help = help_for(
                            &benefit.name,
                            benefit_words.iter().map(String::as_str),
                            || format!("the benefits are {}", benefit_words.join(", ")),
                        );
                        self.report(
                            Code::EmploymentTable,
                            benefit.span,
                            format!("unknown benefit `{}`", benefit.name),
                            help,
                        );
                    }
                }
            }
            let needed_days = match line.needed.unit {
                ast::TimeUnit::Months => {
                    self.report(
                        Code::EmploymentTable,
                        line.needed.span,
                        "employment needed must be in days or weeks",
                        "a month is not a fixed number of days; write weeks, e.g. `26 weeks`",
                    );
                    None
                }
                _ if !self.length_in_range(&line.needed) => None,
                ast::TimeUnit::Weeks => Some(line.needed.count.value.saturating_mul(7)),
                ast::TimeUnit::Days => Some(line.needed.count.value),
            };
            let within = self.length(&line.within);
            if line.needed.count.value == 0 {
                self.report(
                    Code::EmptyRange,
                    line.needed.span,
                    "employment needed is zero",
                    "need at least 1 day",
                );
                continue;
            }
            let (Some(needed_days), Some(within)) = (needed_days, within) else {
                continue;
            };
            let window_days = match within.unit {
                Unit::Days => u64::from(within.count),
                Unit::Weeks => u64::from(within.count) * 7,
                Unit::Months => u64::from(within.count) * 31,
            };
            if needed_days > window_days {
                self.report(
                    Code::NeverMet,
                    line.span,
                    "more employment is needed than the window holds, so this rule can never be met",
                    "make the window at least as long as the employment needed",
                );
                continue;
            }
            table.rules.push(BenefitRule {
                benefits,
                needed_days: u32::try_from(needed_days).unwrap_or(u32::MAX),
                within,
            });
        }
        Some(table)
    }

    fn funding(&mut self, block: &ast::Funding) -> Option<FundingDef> {
        let mut funding = FundingDef {
            nominated: None,
            deadweight: None,
            per_family: None,
            years: Vec::new(),
            claim_windows: None,
            target: None,
        };
        let mut seen: BTreeSet<&'static str> = BTreeSet::new();
        for entry in &block.entries {
            let (name, span) = match entry {
                ast::FundingEntry::Nominated(_, span) => ("nominated", *span),
                ast::FundingEntry::Deadweight { span, .. } => ("deadweight", *span),
                ast::FundingEntry::PerFamily(_, span) => ("per family", *span),
                ast::FundingEntry::Year(year) => ("", year.span),
                ast::FundingEntry::ClaimWindows { span, .. } => ("claim windows", *span),
                ast::FundingEntry::Target(_, span) => ("target", *span),
            };
            if !name.is_empty() && !seen.insert(name) {
                self.report(
                    Code::GivenTwice,
                    span,
                    format!("`{name}` is given twice"),
                    "keep one",
                );
                continue;
            }
            match entry {
                ast::FundingEntry::Nominated(count, _) => {
                    funding.nominated = Some(count.value as u32)
                }
                ast::FundingEntry::Target(count, _) => funding.target = Some(count.value as u32),
                ast::FundingEntry::PerFamily(amount, _) => funding.per_family = Some(amount.value),
                ast::FundingEntry::Deadweight {
                    numerator,
                    denominator,
                    rounding,
                    span,
                } => {
                    if denominator.value == 0 || numerator.value > denominator.value {
                        self.report(
                            Code::Funding,
                            *span,
                            "the deadweight must be a fraction between 0 and 1",
                            "write it as `deadweight 1/6 rounded up`",
                        );
                    } else {
                        funding.deadweight = Some(Deadweight {
                            numerator: numerator.value as u32,
                            denominator: denominator.value as u32,
                            rounding: match rounding {
                                ast::Rounding::Up => Rounding::Up,
                                ast::Rounding::Down => Rounding::Down,
                                ast::Rounding::Nearest => Rounding::Nearest,
                            },
                        });
                    }
                }
                ast::FundingEntry::Year(year) => {
                    if funding
                        .years
                        .iter()
                        .any(|existing| existing.label == year.label.value)
                    {
                        self.report(
                            Code::GivenTwice,
                            year.label.span,
                            format!("year `{}` is given twice", year.label.value),
                            "merge the two years",
                        );
                        continue;
                    }
                    let share =
                        |checker: &mut Checker, share: &Option<ast::Share>| -> Option<Share> {
                            match share {
                                Some(ast::Share::Percent(percent)) => {
                                    checker.percent_in_range(percent);
                                    Some(Share::Percent(percent.value))
                                }
                                Some(ast::Share::Money(amount)) => Some(Share::Money(amount.value)),
                                None => None,
                            }
                        };
                    let attachment = share(self, &year.attachment);
                    let results = share(self, &year.results);
                    if let (Some(Share::Percent(a)), Some(Share::Percent(r))) =
                        (attachment, results)
                    {
                        // A sum too large to hold comes of a percentage
                        // outside 0–100%, refused as E0203 already.
                        if let Some(sum) =
                            a.0.checked_add(r.0)
                                .filter(|sum| *sum != 100 * Fixed::SCALE)
                        {
                            self.report(
                                Code::SharesNotWhole,
                                year.span,
                                format!("the attachment and results shares of `{}` add up to {}%, not 100%", year.label.value, Fixed(sum)),
                                "check the split the authority reported",
                            );
                        }
                    }
                    funding.years.push(FundingYear {
                        label: year.label.value.clone(),
                        families: year.families.map(|count| count.value as u32),
                        attachment,
                        results,
                    });
                }
                ast::FundingEntry::ClaimWindows {
                    from,
                    every,
                    until,
                    span,
                } => {
                    let Some(every_length) = self.length(every) else {
                        continue;
                    };
                    if from.value > until.value {
                        self.report(
                            Code::Funding,
                            *span,
                            "the claim windows end before they start",
                            "the `from` day must be on or before the `until` day",
                        );
                        continue;
                    }
                    funding.claim_windows = Some(ClaimWindows {
                        from: from.value,
                        every: every_length,
                        until: until.value,
                    });
                }
            }
        }
        if let Some(nominated) = funding.nominated {
            let families: u64 = funding
                .years
                .iter()
                .filter_map(|year| year.families)
                .map(u64::from)
                .sum();
            let funded = funded_families(nominated, funding.deadweight);
            if let Some(funded) = funded.filter(|funded| {
                !funding.years.is_empty()
                    && funding.years.iter().all(|year| year.families.is_some())
                    && families != u64::from(*funded)
            }) {
                self.report(
                    Code::FamiliesNotFunded,
                    block.span,
                    format!("the years fund {families} families, but {funded} are funded"),
                    "the families per year should add up to the funded families",
                );
            }
        }
        self.envelope_fits(block, &funding);
        Some(funding)
    }

    /// Every figure of the funding envelope must be exact: an amount past
    /// the largest held (E0213) or too many claim windows (E0214) is an
    /// error at the year or line that causes it, never a saturated figure.
    fn envelope_fits(&mut self, block: &ast::Funding, funding: &FundingDef) {
        use crate::cohort::envelope;
        // The amounts and the claim windows are checked apart, so that a
        // block wrong in both is told of both.
        let amounts = FundingDef {
            claim_windows: None,
            ..funding.clone()
        };
        let windows = FundingDef {
            nominated: None,
            deadweight: None,
            per_family: None,
            years: Vec::new(),
            claim_windows: funding.claim_windows,
            target: None,
        };
        for checked in [amounts, windows] {
            if let Err(error) = envelope(&checked) {
                self.envelope_error(block, &error);
            }
        }
    }

    fn envelope_error(&mut self, block: &ast::Funding, error: &crate::cohort::EnvelopeError) {
        use crate::cohort::{EnvelopeError, MAX_CLAIM_WINDOWS};
        let entry_span = |wanted: &dyn Fn(&ast::FundingEntry) -> Option<Span>| {
            block.entries.iter().find_map(wanted).unwrap_or(block.span)
        };
        let (code, span, help) = match error {
            EnvelopeError::YearTooLarge { year, .. } => (
                Code::FundingTooLarge,
                entry_span(&|entry| match entry {
                    ast::FundingEntry::Year(entry) if entry.label.value == *year => {
                        Some(entry.span)
                    }
                    _ => None,
                }),
                format!(
                    "amounts are exact in pence up to {}: check the year's families and amounts",
                    Pence::MAX_POUNDS
                ),
            ),
            EnvelopeError::TooManyClaimWindows => (
                Code::TooManyClaimWindows,
                entry_span(&|entry| match entry {
                    ast::FundingEntry::ClaimWindows { span, .. } => Some(*span),
                    _ => None,
                }),
                format!(
                    "a funding block opens at most {MAX_CLAIM_WINDOWS} claim windows: make `every` longer or `until` earlier"
                ),
            ),
            // A bad deadweight is refused as E0211 already and never kept.
            EnvelopeError::Deadweight { .. } => return,
            _ => (
                Code::FundingTooLarge,
                block.span,
                format!(
                    "amounts are exact in pence up to {}: check the years' families and amounts",
                    Pence::MAX_POUNDS
                ),
            ),
        };
        let message = match error {
            EnvelopeError::TooManyClaimWindows => {
                format!("the claim windows open more than {MAX_CLAIM_WINDOWS} times")
            }
            EnvelopeError::YearTooLarge { year, figure } => {
                format!("the {figure} of year `{year}` are too large to add up exactly")
            }
            EnvelopeError::TotalTooLarge { figure } => {
                format!("the {figure} of all the years are too large to add up exactly")
            }
            other => other.to_string(),
        };
        self.report(code, span, message, help);
    }

    fn percent_in_range(&mut self, percent: &ast::PercentLit) {
        if percent.value.0 < 0 || percent.value.0 > 100 * Fixed::SCALE {
            self.report(
                Code::PercentageOutOfRange,
                percent.span,
                format!("{}% is outside 0% to 100%", percent.value),
                "a percentage must be between 0% and 100%",
            );
        }
    }

    // ───────────── expressions ─────────────

    fn condition(&mut self, expr: &ast::Expr, place: Place) -> Option<Cond> {
        if self.too_deep.contains(&(expr.span.start, expr.span.end)) {
            return None;
        }
        let lowered = self.expr(expr, Scope::Family, place)?;
        self.as_cond(lowered, expr.span)
    }

    fn as_cond(&mut self, lowered: Lowered, span: Span) -> Option<Cond> {
        match lowered {
            Lowered::Cond(cond) => Some(cond),
            Lowered::Measure(_, ty) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    format!("expected a condition, found {}", ty.describe()),
                    "compare it with something, e.g. `count offence within 6 months >= 1`",
                );
                None
            }
            Lowered::Coverage(_) | Lowered::Duration(..) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    "expected a condition, found a duration",
                    "compare it with something, e.g. `days of employment within 30 weeks >= 26 weeks`",
                );
                None
            }
        }
    }

    fn as_measure(&mut self, lowered: Lowered, span: Span) -> Option<(Measure, Ty)> {
        match lowered {
            Lowered::Measure(measure, ty) => Some((measure, ty)),
            Lowered::Cond(_) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    "expected a number, found a condition",
                    "a condition is true or false; count, sum or rate events to get a number",
                );
                None
            }
            Lowered::Coverage(_) | Lowered::Duration(..) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    "a duration can only be compared with `days of …`",
                    "compare `days of …` with a number of days or weeks",
                );
                None
            }
        }
    }

    fn expr(&mut self, expr: &ast::Expr, scope: Scope, place: Place) -> Option<Lowered> {
        // The parser bounds nesting within an expression, and
        // `analyse_defines` bounds it through defines, so this recursion is bounded.
        self.expr_inner(expr, scope, place)
    }

    fn expr_inner(&mut self, expr: &ast::Expr, scope: Scope, place: Place) -> Option<Lowered> {
        let span = expr.span;
        Some(match &expr.kind {
            ExprKind::Or(parts) | ExprKind::And(parts) => {
                let mut lowered = Vec::new();
                let mut ok = true;
                for part in parts {
                    match self
                        .expr(part, scope, place)
                        .and_then(|l| self.as_cond(l, part.span))
                    {
                        Some(cond) => lowered.push(cond),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Lowered::Cond(if matches!(expr.kind, ExprKind::Or(_)) {
                    Cond::Or(lowered)
                } else {
                    Cond::And(lowered)
                })
            }
            ExprKind::Not(inner) => {
                let inner = self.expr(inner, scope, place)?;
                let inner = self.as_cond(inner, span)?;
                Lowered::Cond(Cond::Not(Box::new(inner)))
            }
            ExprKind::Compare(left, op, right) => {
                let left_lowered = self.expr(left, scope, place);
                let right_lowered = self.expr(right, scope, place);
                let (left_lowered, right_lowered) = (left_lowered?, right_lowered?);
                return self.compare(left_lowered, comparison(*op), right_lowered, span);
            }
            ExprKind::Sustained(inner, length) => {
                let inner = self.expr(inner, scope, place)?;
                let inner = self.as_cond(inner, span)?;
                let length = self.sustain_length(length)?;
                Lowered::Cond(Cond::Sustained(Box::new(inner), length))
            }
            ExprKind::Quantified {
                quantifier,
                who,
                filters,
                body,
            } => {
                let selector = self.selector(*who, None, filters);
                let body_lowered = self.expr(body, Scope::Member, place);
                let body = self.as_cond(body_lowered?, body.span)?;
                let quantifier = match quantifier {
                    ast::Quantifier::Any => Quantifier::Any,
                    ast::Quantifier::Every => Quantifier::Every,
                    ast::Quantifier::No => Quantifier::No,
                };
                Lowered::Cond(Cond::Quantified {
                    quantifier,
                    selector: selector?,
                    body: Box::new(body),
                })
            }
            ExprKind::AllProblemsProgressed | ExprKind::ProblemProgressed(_) => {
                if !matches!(place, Place::Claim | Place::Define) {
                    self.progress_outside_claim(span);
                    return None;
                }
                if place == Place::Define {
                    self.uses.progress.get_or_insert(span);
                }
                match &expr.kind {
                    ExprKind::ProblemProgressed(id) => {
                        Lowered::Cond(Cond::ProblemProgressed(self.problem_ref(id)?))
                    }
                    _ => Lowered::Cond(Cond::AllProblemsProgressed),
                }
            }
            ExprKind::Has(ast::HasTarget::ContinuousEmployment(target_span)) => {
                if scope != Scope::Member {
                    self.report(
                        Code::NotAllowedHere,
                        *target_span,
                        "continuous employment is about one member",
                        "say whose: `any adult has continuous employment`",
                    );
                    return None;
                }
                if !self.has_employment_table {
                    self.report(
                        Code::EmploymentTable,
                        *target_span,
                        "the plan has no continuous-employment table",
                        "add `continuous employment { jsa, uc: 26 weeks within 30 weeks … }`",
                    );
                    return None;
                }
                Lowered::Cond(Cond::ContinuousEmployment)
            }
            ExprKind::Has(ast::HasTarget::Events(aggregate)) => {
                Lowered::Cond(Cond::Exists(self.aggregate(aggregate, scope, place)?))
            }
            ExprKind::No(aggregate) => {
                Lowered::Cond(Cond::NotExists(self.aggregate(aggregate, scope, place)?))
            }
            ExprKind::Count(aggregate) => Lowered::Measure(
                Measure::Count(self.aggregate(aggregate, scope, place)?),
                Ty::Count,
            ),
            ExprKind::Sum(field, aggregate) => {
                let lowered = self.aggregate(aggregate, scope, place)?;
                let (index, ty) = self.numeric_field(lowered.kind, field)?;
                Lowered::Measure(Measure::Sum(index, lowered), ty)
            }
            ExprKind::Rate(numerator, denominator, aggregate) => {
                let lowered = self.aggregate(aggregate, scope, place)?;
                let top = self.numeric_field(lowered.kind, numerator);
                let bottom = self.numeric_field(lowered.kind, denominator);
                let ((top, top_ty), (bottom, bottom_ty)) = (top?, bottom?);
                if !top_ty.comparable(bottom_ty) {
                    self.report(
                        Code::TypeMismatch,
                        span,
                        format!(
                            "a rate of {} per {}",
                            top_ty.describe(),
                            bottom_ty.describe()
                        ),
                        "a rate divides two fields of the same type",
                    );
                    return None;
                }
                Lowered::Measure(Measure::Rate(top, bottom, lowered), Ty::Percentage)
            }
            ExprKind::DaysOf(aggregate) => {
                let lowered = self.aggregate(aggregate, scope, place)?;
                if lowered.from_start {
                    self.report(
                        Code::WrongFieldKind,
                        aggregate.pattern.span,
                        "a spell's start is a single day, so `days of start of …` counts starts",
                        "count starts with `count start of …`",
                    );
                    return None;
                }
                if self.vocab.get(lowered.kind).map(|kind| kind.shape) == Some(Shape::Point) {
                    self.report(
                        Code::WrongFieldKind,
                        aggregate.pattern.kind.span,
                        format!(
                            "`{}` happens on a day; only spells cover days",
                            aggregate.pattern.kind.name
                        ),
                        "count point events with `count …`",
                    );
                    return None;
                }
                if matches!(
                    lowered.window,
                    Window::LastTerms(_) | Window::WithinBefore(..) | Window::AtAttachment
                ) {
                    self.report(
                        Code::NotAllowedHere,
                        span,
                        "`days of …` needs a window that ends on the day of evaluation",
                        "use `within …`, `since attachment`, `within … since attachment` or `ever`",
                    );
                    return None;
                }
                Lowered::Coverage(lowered)
            }
            ExprKind::Scaled(percent, inner) => {
                self.percent_in_range(percent);
                let inner_lowered = self.expr(inner, scope, place)?;
                let (measure, ty) = self.as_measure(inner_lowered, inner.span)?;
                Lowered::Measure(Measure::Scaled(percent.value, Box::new(measure)), ty)
            }
            ExprKind::Reduction {
                pattern,
                subject,
                percent,
                over,
            } => {
                self.percent_in_range(percent);
                let aggregate = ast::Aggregate {
                    pattern: pattern.clone(),
                    subject: *subject,
                    window: None,
                };
                let events = self.aggregate(&aggregate, scope, place);
                let over = self.length(over);
                Lowered::Cond(Cond::Reduction {
                    events: events?,
                    percent: percent.value,
                    over: over?,
                })
            }
            ExprKind::Money(amount) => {
                Lowered::Measure(Measure::Constant(ratio(i128::from(amount.0), 1)), Ty::Money)
            }
            ExprKind::Percent(percent) => {
                if percent.0 < 0 || percent.0 > 100 * Fixed::SCALE {
                    self.report(
                        Code::PercentageOutOfRange,
                        span,
                        format!("{percent}% is outside 0% to 100%"),
                        "a percentage must be between 0% and 100%",
                    );
                }
                Lowered::Measure(
                    Measure::Constant(ratio(i128::from(percent.0), 100 * i128::from(Fixed::SCALE))),
                    Ty::Percentage,
                )
            }
            ExprKind::Decimal(value) => Lowered::Measure(
                Measure::Constant(ratio(i128::from(value.0), i128::from(Fixed::SCALE))),
                Ty::Decimal,
            ),
            ExprKind::Integer(value) => {
                Lowered::Measure(Measure::Constant(ratio(i128::from(*value), 1)), Ty::Count)
            }
            ExprKind::Date(date) => Lowered::Measure(
                Measure::Constant(ratio(i128::from(crate::days::Day::from_date(*date).0), 1)),
                Ty::Date,
            ),
            ExprKind::Duration(duration) => {
                if !self.length_in_range(duration) {
                    return None;
                }
                let days = match duration.unit {
                    ast::TimeUnit::Days => Some(duration.count.value as u32),
                    ast::TimeUnit::Weeks => Some((duration.count.value as u32).saturating_mul(7)),
                    ast::TimeUnit::Months => None,
                };
                Lowered::Duration(days, *duration)
            }
            ExprKind::Name(name) => return self.define_use(name, scope, place),
        })
    }

    fn define_use(&mut self, name: &ast::Ident, scope: Scope, place: Place) -> Option<Lowered> {
        let Some((index, _)) = self.defines.get(&name.name).copied() else {
            let names: Vec<&str> = self.defines.keys().map(String::as_str).collect();
            let help = help_for(&name.name, names, || {
                format!("define it: `define {} = …`", name.name)
            });
            self.report(
                Code::UnknownName,
                name.span,
                format!("unknown name `{}`", name.name),
                help,
            );
            return None;
        };
        let (lowered, uses) = self.lowered_define(index, scope)?;
        self.uses.merge(uses);
        if place != Place::Define {
            if let Some(span) = uses.progress.filter(|_| place != Place::Claim) {
                self.progress_outside_claim(span);
                return None;
            }
            if let Some(span) = uses.identification.filter(|_| place == Place::Indicator) {
                self.identification_in_indicator(span);
                return None;
            }
        }
        Some(lowered)
    }

    /// A define lowered for a scope, lowering it the first time it is
    /// asked for. A condition or measure is kept in the plan and referred
    /// to by index; a coverage or duration is a single leaf, kept as it is.
    fn lowered_define(&mut self, index: usize, scope: Scope) -> Option<(Lowered, Uses)> {
        if !self.define_ok.get(index).copied().unwrap_or(false) {
            return None;
        }
        if let Some(memo) = self.lowered_defines.get(&(index, scope)) {
            return memo.clone();
        }
        let body = self.define_bodies.get(index)?.clone();
        let outer = std::mem::take(&mut self.uses);
        let lowered = self.expr(&body, scope, Place::Define);
        let uses = std::mem::replace(&mut self.uses, outer);
        let memo = lowered.and_then(|lowered| {
            let next = DefineIdx(u32::try_from(self.plan_defines.len()).ok()?);
            let (lowered, body, facts) = match lowered {
                Lowered::Cond(cond) => {
                    let facts = DefineFacts {
                        never_met: never_met(&cond, self.problem_count, &self.define_facts),
                        bounds: None,
                    };
                    (
                        Lowered::Cond(Cond::Define(next)),
                        DefineBody::Cond(cond),
                        facts,
                    )
                }
                Lowered::Measure(measure, ty) => {
                    let facts = DefineFacts {
                        never_met: false,
                        bounds: bounds(&measure, &self.define_facts),
                    };
                    let lowered = Lowered::Measure(Measure::Define(next), ty);
                    (lowered, DefineBody::Measure(measure), facts)
                }
                leaf @ (Lowered::Coverage(_) | Lowered::Duration(..)) => return Some((leaf, uses)),
            };
            self.plan_defines.push(body);
            self.define_facts.push(facts);
            Some((lowered, uses))
        });
        self.lowered_defines.insert((index, scope), memo.clone());
        memo
    }

    fn progress_outside_claim(&mut self, span: Span) {
        self.report(
            Code::NotAllowedHere,
            span,
            "progress against problems can only be asked in a claim",
            "move this into a `claim … { … }`",
        );
    }

    fn identification_in_indicator(&mut self, span: Span) {
        self.report(
            Code::NotAllowedHere,
            span,
            "an indicator cannot look before identification: it decides identification",
            "use `within … before attachment` or `within …`",
        );
    }

    fn compare(
        &mut self,
        left: Lowered,
        op: Comparison,
        right: Lowered,
        span: Span,
    ) -> Option<Lowered> {
        let describe = |lowered: &Lowered| match lowered {
            Lowered::Cond(_) => "a condition",
            Lowered::Measure(_, ty) => ty.describe(),
            Lowered::Coverage(_) | Lowered::Duration(..) => "a duration",
        };
        match (left, right) {
            (Lowered::Coverage(events), Lowered::Duration(days, duration)) => {
                self.coverage(events, op, days, &duration)
            }
            (Lowered::Duration(days, duration), Lowered::Coverage(events)) => {
                self.coverage(events, op.flipped(), days, &duration)
            }
            (Lowered::Measure(left, left_ty), Lowered::Measure(right, right_ty)) => {
                if !left_ty.comparable(right_ty) {
                    self.report(
                        Code::TypeMismatch,
                        span,
                        format!(
                            "cannot compare {} with {}",
                            left_ty.describe(),
                            right_ty.describe()
                        ),
                        "both sides of a comparison must be of the same kind",
                    );
                    return None;
                }
                Some(Lowered::Cond(Cond::Compare(left, op, right)))
            }
            (left, right) => {
                self.report(
                    Code::TypeMismatch,
                    span,
                    format!(
                        "cannot compare {} with {}",
                        describe(&left),
                        describe(&right)
                    ),
                    "compare two numbers of the same kind, or `days of …` with a duration",
                );
                None
            }
        }
    }

    fn coverage(
        &mut self,
        events: Aggregate,
        op: Comparison,
        days: Option<u32>,
        duration: &ast::Duration,
    ) -> Option<Lowered> {
        let Some(days) = days else {
            self.report(
                Code::TypeMismatch,
                duration.span,
                "`days of …` is compared with months",
                "a month is not a fixed number of days; write days or weeks",
            );
            return None;
        };
        Some(Lowered::Cond(Cond::Covered { events, op, days }))
    }

    fn numeric_field(&mut self, kind: KindId, field: &ast::Ident) -> Option<(usize, Ty)> {
        let (index, ty) = self.field(kind, field)?;
        let ty = match ty {
            FieldType::Count => Ty::Count,
            FieldType::Decimal => Ty::Decimal,
            FieldType::Money => Ty::Money,
            other => {
                self.report(
                    Code::WrongFieldKind,
                    field.span,
                    format!(
                        "field `{}` is {}, not a number that adds up",
                        field.name,
                        describe_field(&other)
                    ),
                    "sum and rate take count, decimal or money fields",
                );
                return None;
            }
        };
        Some((index, ty))
    }

    fn field(&mut self, kind: KindId, field: &ast::Ident) -> Option<(usize, FieldType)> {
        let event = self.vocab.get(kind)?;
        if let Some(index) = event.field_index(&field.name) {
            let ty = event.fields.get(index)?.ty.clone();
            return Some((index, ty));
        }
        let kind_name = event.name.clone();
        let names: Vec<String> = event.fields.iter().map(|f| f.name.clone()).collect();
        let help = help_for(&field.name, names.iter().map(String::as_str), || {
            if names.is_empty() {
                format!("`{kind_name}` has no fields")
            } else {
                format!(
                    "the fields of `{kind_name}` are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        });
        self.report(
            Code::UnknownField,
            field.span,
            format!("`{kind_name}` has no field `{}`", field.name),
            help,
        );
        None
    }

    fn selector(
        &mut self,
        who: ast::Who,
        aged: Option<&ast::Aged>,
        filters: &[ast::MemberFilter],
    ) -> Option<MemberSelector> {
        let mut selector = MemberSelector {
            role: match who {
                ast::Who::Member => RoleFilter::Anyone,
                ast::Who::Adult => RoleFilter::Adult,
                ast::Who::Child => RoleFilter::Child,
            },
            ages: Vec::new(),
            of_school_age: false,
            with: Vec::new(),
        };
        if let Some(aged) = aged {
            selector.ages.push(self.age_range(aged)?);
        }
        let mut ok = true;
        for filter in filters {
            match filter {
                ast::MemberFilter::Aged(aged) => match self.age_range(aged) {
                    Some(range) => selector.ages.push(range),
                    None => ok = false,
                },
                ast::MemberFilter::OfSchoolAge(_) => selector.of_school_age = true,
                ast::MemberFilter::With(pattern, window, _) => {
                    let aggregate = ast::Aggregate {
                        pattern: pattern.clone(),
                        subject: None,
                        window: *window,
                    };
                    match self.aggregate(&aggregate, Scope::Member, Place::Define) {
                        Some(aggregate) => selector.with.push(aggregate),
                        None => ok = false,
                    }
                }
            }
        }
        if !selector.ages.is_empty() || selector.of_school_age {
            let (adults, children) = match selector.role {
                RoleFilter::Anyone => (true, true),
                RoleFilter::Adult => (true, false),
                RoleFilter::Child => (false, true),
            };
            self.ages_asked.adults |= adults;
            self.ages_asked.children |= children;
        }
        ok.then_some(selector)
    }

    fn age_range(&mut self, aged: &ast::Aged) -> Option<AgeRange> {
        match aged {
            ast::Aged::Range(low, high, span) => {
                if low.value > high.value {
                    self.report(
                        Code::EmptyRange,
                        *span,
                        "the age range ends before it starts",
                        "write the younger age first: `aged 5 to 15`",
                    );
                    return None;
                }
                Some(AgeRange {
                    min: low.value as u32,
                    max: Some(high.value as u32),
                })
            }
            ast::Aged::OrOver(low, _) => Some(AgeRange {
                min: low.value as u32,
                max: None,
            }),
            ast::Aged::Under(high, span) => {
                if high.value == 0 {
                    self.report(
                        Code::EmptyRange,
                        *span,
                        "no one is aged under 0",
                        "write a positive age",
                    );
                    return None;
                }
                Some(AgeRange {
                    min: 0,
                    max: Some(high.value as u32 - 1),
                })
            }
        }
    }

    fn aggregate(
        &mut self,
        aggregate: &ast::Aggregate,
        scope: Scope,
        place: Place,
    ) -> Option<Aggregate> {
        let kind = self.kind(&aggregate.pattern.kind);
        let subject = match &aggregate.subject {
            None if scope == Scope::Member => Some(SubjectScope::ThisMember),
            None | Some(ast::Subject::Family(_)) => Some(SubjectScope::Family),
            Some(ast::Subject::By(who, aged, _)) => self
                .selector(*who, aged.as_ref(), &[])
                .map(SubjectScope::Members),
        };
        let window = self.window(aggregate.window.as_ref(), scope, &aggregate.subject, place);
        let kind = kind?;
        let mut tests = Vec::new();
        let mut ok = true;
        for test in &aggregate.pattern.tests {
            match self.field_test(kind, test) {
                Some(test) => tests.push(test),
                None => ok = false,
            }
        }
        let (subject, window) = (subject?, window?);
        if !ok {
            return None;
        }
        if let Some(event) = self.vocab.get(kind) {
            if aggregate.pattern.from_start && event.shape == Shape::Point {
                self.report(
                    Code::WrongFieldKind,
                    aggregate.pattern.kind.span,
                    format!(
                        "`{}` happens on a day; only spells have a start",
                        event.name
                    ),
                    format!("drop `start of`: each `{}` counts on its day", event.name),
                );
                return None;
            }
            if event.subject == crate::vocab::Subject::Family && subject == SubjectScope::ThisMember
            {
                self.report(
                    Code::NotAllowedHere,
                    aggregate.pattern.kind.span,
                    format!(
                        "`{}` is an event of the family, not of a member",
                        event.name
                    ),
                    format!("write `{} in family`", event.name),
                );
                return None;
            }
        }
        Some(Aggregate {
            kind,
            from_start: aggregate.pattern.from_start,
            tests,
            subject,
            window,
        })
    }

    fn window(
        &mut self,
        window: Option<&ast::Window>,
        scope: Scope,
        subject: &Option<ast::Subject>,
        place: Place,
    ) -> Option<Window> {
        let Some(window) = window else {
            return Some(Window::Ever);
        };
        Some(match window {
            ast::Window::Within(duration, _) => Window::Within(self.length(duration)?),
            ast::Window::WithinBefore(duration, anchor, span) => {
                let length = self.length(duration)?;
                let anchor = match anchor {
                    ast::Anchor::Attachment => Anchor::Attachment,
                    ast::Anchor::Identification => {
                        if place == Place::Indicator {
                            self.identification_in_indicator(*span);
                            return None;
                        }
                        if place == Place::Define {
                            self.uses.identification.get_or_insert(*span);
                        }
                        Anchor::Identification
                    }
                };
                Window::WithinBefore(length, anchor)
            }
            ast::Window::WithinSinceAttachment(duration, _) => {
                Window::WithinSinceAttachment(self.length(duration)?)
            }
            ast::Window::SinceAttachment(_) => Window::SinceAttachment,
            ast::Window::LastTerms(count, span) => {
                if count.value == 0 {
                    self.report(
                        Code::EmptyRange,
                        count.span,
                        "the last 0 terms hold nothing",
                        "look at 1 term or more",
                    );
                    return None;
                }
                if !self.terms_in_range(count) {
                    return None;
                }
                if scope != Scope::Member || subject.is_some() {
                    self.report(
                        Code::NotAllowedHere,
                        *span,
                        "school terms are a child's own, so `over the last N terms` needs one child",
                        "put it inside a quantifier: `every child meets (… over the last 3 terms …)`",
                    );
                    return None;
                }
                Window::LastTerms(count.value as u32)
            }
            ast::Window::AtAttachment(_) => Window::AtAttachment,
            ast::Window::Ever(_) => Window::Ever,
            ast::Window::Now(_) => Window::Now,
        })
    }

    fn field_test(&mut self, kind: KindId, test: &ast::FieldTest) -> Option<FieldTest> {
        let (index, ty) = self.field(kind, &test.field)?;
        let mismatch = |checker: &mut Checker, span: Span, wanted: &str| {
            checker.report(
                Code::BadFieldTest,
                span,
                format!(
                    "field `{}` is {}; this test needs {wanted}",
                    test.field.name,
                    describe_field(&ty)
                ),
                "compare the field with a value of its own type",
            );
        };
        let lowered = match (&ty, &test.test) {
            (
                FieldType::OneOf(words),
                ast::FieldTestKind::Compare(op @ (CmpOp::Eq | CmpOp::Ne), value),
            ) => {
                let index = self.word_index(words, value)?;
                let chosen: Vec<u32> = if *op == CmpOp::Eq {
                    vec![index]
                } else {
                    (0..words.len() as u32).filter(|i| *i != index).collect()
                };
                FieldTestKind::OneOf(chosen)
            }
            (FieldType::OneOf(words), ast::FieldTestKind::In(values)) => {
                let mut chosen = Vec::new();
                for value in values {
                    chosen.push(self.word_index(words, value)?);
                }
                chosen.sort_unstable();
                chosen.dedup();
                FieldTestKind::OneOf(chosen)
            }
            (
                FieldType::Text,
                ast::FieldTestKind::Compare(op @ (CmpOp::Eq | CmpOp::Ne), ast::Value::Text(text)),
            ) => FieldTestKind::Text {
                value: text.value.clone(),
                negated: *op == CmpOp::Ne,
            },
            (
                FieldType::Flag,
                ast::FieldTestKind::Compare(CmpOp::Eq, ast::Value::Flag(flag, _)),
            ) => FieldTestKind::Flag(*flag),
            (
                FieldType::Flag,
                ast::FieldTestKind::Compare(CmpOp::Ne, ast::Value::Flag(flag, _)),
            ) => FieldTestKind::Flag(!flag),
            (_, ast::FieldTestKind::Compare(op, value)) => {
                let constant = match (&ty, value) {
                    (FieldType::Count, ast::Value::Integer(int)) => {
                        Some(ratio(i128::from(int.value), 1))
                    }
                    (FieldType::Decimal, ast::Value::Integer(int)) => {
                        Some(ratio(i128::from(int.value), 1))
                    }
                    (FieldType::Decimal, ast::Value::Decimal(value, _)) => {
                        Some(ratio(i128::from(value.0), i128::from(Fixed::SCALE)))
                    }
                    (FieldType::Money, ast::Value::Money(money)) => {
                        Some(ratio(i128::from(money.value.0), 1))
                    }
                    (FieldType::Percentage, ast::Value::Percent(percent)) => {
                        self.percent_in_range(percent);
                        Some(ratio(i128::from(percent.value.0), i128::from(Fixed::SCALE)))
                    }
                    (FieldType::Date, ast::Value::Date(date)) => Some(ratio(
                        i128::from(crate::days::Day::from_date(date.value).0),
                        1,
                    )),
                    _ => None,
                };
                match constant {
                    Some(constant) => FieldTestKind::Compare(comparison(*op), constant),
                    None => {
                        mismatch(self, test.span, example_value(&ty));
                        return None;
                    }
                }
            }
            (_, ast::FieldTestKind::In(_)) => {
                mismatch(self, test.span, "`=`, `!=` or a comparison, not `in (…)`");
                return None;
            }
        };
        Some(FieldTest {
            field: index,
            test: lowered,
        })
    }

    fn word_index(&mut self, words: &[String], value: &ast::Value) -> Option<u32> {
        let ast::Value::Word(word) = value else {
            self.report(
                Code::BadFieldTest,
                value_span(value),
                "expected one of the field's words",
                format!("write one of {}", words.join(", ")),
            );
            return None;
        };
        if let Some(index) = words.iter().position(|w| *w == word.name) {
            return Some(index as u32);
        }
        let help = help_for(&word.name, words.iter().map(String::as_str), || {
            format!("the field is one of {}", words.join(", "))
        });
        self.report(
            Code::BadFieldTest,
            word.span,
            format!("`{}` is not one of the field's words", word.name),
            help,
        );
        None
    }
}

fn ratio(numerator: i128, denominator: i128) -> Ratio {
    Ratio {
        numerator,
        denominator,
    }
}

fn describe_field(ty: &FieldType) -> String {
    match ty {
        FieldType::Count => "a count".into(),
        FieldType::Decimal => "a decimal number".into(),
        FieldType::Money => "money".into(),
        FieldType::Percentage => "a percentage".into(),
        FieldType::Date => "a date".into(),
        FieldType::Text => "text".into(),
        FieldType::Flag => "a flag".into(),
        FieldType::OneOf(words) => format!("one of {}", words.join(", ")),
    }
}

/// The kind of value a test on a field of this type compares with.
fn example_value(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Count => "a whole number such as `3`",
        FieldType::Decimal => "a number such as `2.5`",
        FieldType::Money => "an amount such as `£500`",
        FieldType::Percentage => "a percentage such as `15%`",
        FieldType::Date => "a date such as `2016-04-01`",
        FieldType::Text => "a quoted text with `=` or `!=`",
        FieldType::Flag => "`true` or `false` with `=` or `!=`",
        FieldType::OneOf(_) => "one of its words with `=`, `!=` or `in (…)`",
    }
}

fn value_span(value: &ast::Value) -> Span {
    match value {
        ast::Value::Money(money) => money.span,
        ast::Value::Percent(percent) => percent.span,
        ast::Value::Date(date) => date.span,
        ast::Value::Decimal(_, span) | ast::Value::Flag(_, span) => *span,
        ast::Value::Integer(int) => int.span,
        ast::Value::Text(text) => text.span,
        ast::Value::Word(word) => word.span,
    }
}

/// How a setting reads its value into [`Settings`], or the message and help
/// for a value it does not take.
type ReadSetting = fn(&mut Settings, &str, &ast::SettingValue) -> Result<(), (String, String)>;

/// Every setting a plan may give: its name, and how its value is read. A
/// new setting is one line here, with its enum and words in `plan`.
const SETTINGS: [(&str, ReadSetting); 6] = [
    ("claim_problems", |settings, name, value| {
        settings.claim_problems = word(name, value, ClaimProblems::WORDS)?;
        Ok(())
    }),
    ("reduction_baseline", |settings, name, value| {
        settings.reduction_baseline = word(name, value, Baseline::WORDS)?;
        Ok(())
    }),
    ("member_events", |settings, name, value| {
        settings.member_events = word(name, value, MemberEvents::WORDS)?;
        Ok(())
    }),
    ("school_age", |settings, name, value| {
        settings.school_age = age_range(name, value)?;
        Ok(())
    }),
    ("school_leavers", |settings, name, value| {
        settings.school_leavers = word(name, value, SchoolLeavers::WORDS)?;
        Ok(())
    }),
    ("earned_autonomy", |settings, name, value| {
        settings.earned_autonomy = word(name, value, &[("yes", true), ("no", false)])?;
        Ok(())
    }),
];

/// The value of a setting written as one of its words.
fn word<T: Copy>(
    name: &str,
    value: &ast::SettingValue,
    words: &[(&str, T)],
) -> Result<T, (String, String)> {
    let found = match value {
        ast::SettingValue::Word(word) => words
            .iter()
            .find(|(known, _)| *known == word.name)
            .map(|(_, value)| *value),
        ast::SettingValue::Number(_) | ast::SettingValue::Range(..) => None,
    };
    found.ok_or_else(|| {
        let choices: Vec<String> = words.iter().map(|(word, _)| format!("`{word}`")).collect();
        let choices = match choices.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => choices.join(""),
        };
        bad_setting(name, &choices)
    })
}

/// `school_age: 5 to 15`, both ages included.
fn age_range(name: &str, value: &ast::SettingValue) -> Result<(u32, u32), (String, String)> {
    let ast::SettingValue::Range(low, high) = value else {
        return Err(bad_setting(name, "an age range such as `5 to 15`"));
    };
    if low.value > high.value {
        return Err((
            "the school age range ends before it starts".to_string(),
            "write the younger age first: `school_age: 5 to 15`".to_string(),
        ));
    }
    match (u32::try_from(low.value), u32::try_from(high.value)) {
        (Ok(low), Ok(high)) => Ok((low, high)),
        _ => Err(bad_setting(name, "an age range such as `5 to 15`")),
    }
}

fn bad_setting(name: &str, choices: &str) -> (String, String) {
    (
        format!("`{name}` must be {choices}"),
        format!("write `{name}: ` and one of {choices}"),
    )
}

/// The plan's comparison for the one a plan wrote.
fn comparison(op: ast::CmpOp) -> Comparison {
    match op {
        ast::CmpOp::Lt => Comparison::Less,
        ast::CmpOp::Le => Comparison::AtMost,
        ast::CmpOp::Gt => Comparison::Greater,
        ast::CmpOp::Ge => Comparison::AtLeast,
        ast::CmpOp::Eq => Comparison::Equal,
        ast::CmpOp::Ne => Comparison::NotEqual,
    }
}

/// The depth of an expression, and every define it names with the depth it
/// stands at. The recursion is bounded by the parser's nesting limit.
fn expr_refs(
    expr: &ast::Expr,
    at: usize,
    defines: &BTreeMap<String, (usize, Span)>,
    out: &mut Vec<(usize, usize, Span)>,
) -> usize {
    let below = |inner: &ast::Expr, out: &mut Vec<(usize, usize, Span)>| {
        1 + expr_refs(inner, at + 1, defines, out)
    };
    match &expr.kind {
        ExprKind::Or(parts) | ExprKind::And(parts) => {
            parts.iter().map(|part| below(part, out)).max().unwrap_or(1)
        }
        ExprKind::Not(inner)
        | ExprKind::Sustained(inner, _)
        | ExprKind::Scaled(_, inner)
        | ExprKind::Quantified { body: inner, .. } => below(inner, out),
        ExprKind::Compare(left, _, right) => below(left, out).max(below(right, out)),
        ExprKind::Name(name) => {
            if let Some((index, _)) = defines.get(&name.name) {
                out.push((*index, at, name.span));
            }
            1
        }
        _ => 1,
    }
}

/// Whether a condition can never hold; a define's answer was found when it
/// was lowered, so a define used many times is not walked again.
fn never_met(cond: &Cond, problem_count: usize, defines: &[DefineFacts]) -> bool {
    match cond {
        Cond::And(parts) => parts
            .iter()
            .any(|part| never_met(part, problem_count, defines)),
        Cond::Or(parts) => parts
            .iter()
            .all(|part| never_met(part, problem_count, defines)),
        Cond::Sustained(inner, _) => never_met(inner, problem_count, defines),
        Cond::Quantified {
            quantifier: Quantifier::Any,
            body,
            ..
        } => never_met(body, problem_count, defines),
        Cond::AllProblemsProgressed => problem_count == 0,
        Cond::Define(index) => defines
            .get(index.0 as usize)
            .is_some_and(|facts| facts.never_met),
        Cond::Compare(left, op, right) => match (bounds(left, defines), bounds(right, defines)) {
            (Some((left_low, left_high)), Some((right_low, right_high))) => match op {
                Comparison::Less => !less(left_low, right_high),
                Comparison::AtMost => less(right_high, left_low),
                Comparison::Greater => !less(right_low, left_high),
                Comparison::AtLeast => less(left_high, right_low),
                Comparison::Equal => less(left_high, right_low) || less(right_high, left_low),
                Comparison::NotEqual => false,
            },
            _ => false,
        },
        Cond::Covered { op, days, .. } => matches!(op, Comparison::Less) && *days == 0,
        _ => false,
    }
}

/// Known lower and upper bounds of a measure, when there are any worth knowing.
type Bound = Option<Ratio>;

fn bounds(measure: &Measure, defines: &[DefineFacts]) -> Option<(Bound, Bound)> {
    match measure {
        Measure::Define(index) => defines.get(index.0 as usize)?.bounds,
        Measure::Constant(value) => Some((Some(*value), Some(*value))),
        Measure::Count(_) => Some((Some(ratio(0, 1)), None)),
        Measure::Rate(..) => Some((Some(ratio(0, 1)), Some(ratio(1, 1)))),
        Measure::Scaled(_, inner) => match bounds(inner, defines)? {
            (Some(low), _) if low.numerator >= 0 => Some((Some(ratio(0, 1)), None)),
            _ => None,
        },
        Measure::Sum(..) => None,
    }
}

/// `a < b`, false when either bound is unknown.
fn less(a: Bound, b: Bound) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.numerator * b.denominator < b.numerator * a.denominator,
        _ => false,
    }
}
