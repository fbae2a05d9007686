//! The define graph, before anything is lowered: each define's name, the
//! defines it uses, cycles, and how deep conditions nest through defines.

use super::Checker;
use crate::code::Code;
use crate::limits::MAX_DEFINE_DEPTH;
use crate::span::Span;
use crate::syntax::ast::{self, ExprKind};
use std::collections::BTreeMap;

impl Checker {
    pub(super) fn collect_defines(&mut self, file: &ast::File) {
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
    pub(super) fn analyse_defines(&mut self) {
        let count = self.define_bodies.len();
        let mut refs: Vec<Vec<(usize, usize, Span)>> = Vec::with_capacity(count);
        let mut local: Vec<Option<usize>> = Vec::with_capacity(count);
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
            let edges_of = |node: usize| refs.get(node).map_or(&[][..], Vec::as_slice);
            // Each define on the path with the edges it has still to follow.
            let mut stack = vec![(root, edges_of(root).iter())];
            if let Some(slot) = state.get_mut(root) {
                *slot = 1;
            }
            while let Some((node, unvisited)) = stack.last_mut() {
                let node = *node;
                if let Some(&(target, _, span)) = unvisited.next() {
                    match state.get(target) {
                        Some(0) => {
                            if let Some(slot) = state.get_mut(target) {
                                *slot = 1;
                            }
                            stack.push((target, edges_of(target).iter()));
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
                let edges = edges_of(node);
                let mut deepest = local.get(node).copied().flatten();
                let mut fine = !cyclic.get(node).copied().unwrap_or(true);
                for &(target, at, _) in edges {
                    fine &= ok.get(target).copied().unwrap_or(false);
                    // Each define a use goes through is a level of recursion too.
                    let through = depth.get(target).copied().unwrap_or(0);
                    deepest = deepest.zip(at.checked_add(through)).map(|(a, b)| a.max(b));
                }
                if fine && deepest.is_none_or(|deepest| deepest > MAX_DEFINE_DEPTH) {
                    let name = names.get(node).cloned().unwrap_or_default();
                    let span = self.defines.get(&name).map_or(Span::default(), |d| d.1);
                    self.report(
                        Code::TooDeepThroughDefines,
                        span,
                        format!(
                            "`{name}` nests {} counting the defines it uses, more than {MAX_DEFINE_DEPTH}",
                            depth_text(deepest)
                        ),
                        "write the define with fewer levels of defines in between",
                    );
                    fine = false;
                }
                // A define too deep to count is not `fine`: its depth is never read.
                if let Some(slot) = depth.get_mut(node) {
                    *slot = deepest.unwrap_or_default();
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
    pub(super) fn roots(file: &ast::File) -> Vec<&ast::Expr> {
        let mut roots = Vec::new();
        for item in &file.items {
            match item {
                ast::Item::Problem(problem) => {
                    roots.extend(problem.indicators.iter().map(|i| &i.condition));
                    roots.extend(
                        problem
                            .indicators
                            .iter()
                            .filter_map(|i| i.progress.as_ref())
                            .map(|progress| &progress.significant.condition),
                    );
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
    pub(super) fn root_depths(&mut self, file: &ast::File) {
        for expr in Checker::roots(file) {
            let mut found = Vec::new();
            let mut deepest = expr_refs(expr, 1, &self.defines, &mut found);
            let mut fine = true;
            for (target, at, _) in found {
                fine &= self.define_ok.get(target).copied().unwrap_or(false);
                let through = self.define_depth.get(target).copied().unwrap_or(0);
                deepest = deepest.zip(at.checked_add(through)).map(|(a, b)| a.max(b));
            }
            if fine && deepest.is_none_or(|deepest| deepest > MAX_DEFINE_DEPTH) {
                self.report(
                    Code::TooDeepThroughDefines,
                    expr.span,
                    format!(
                        "this condition nests {} counting the defines it uses, more than {MAX_DEFINE_DEPTH}",
                        depth_text(deepest)
                    ),
                    "write it with fewer levels of defines in between",
                );
                self.too_deep.insert((expr.span.start, expr.span.end));
            }
        }
    }
}

/// How deep a condition nests, in words: `None` is past what a `usize`
/// counts.
fn depth_text(depth: Option<usize>) -> String {
    depth.map_or_else(
        || "too deep to count".to_owned(),
        |depth| format!("{depth} deep"),
    )
}

/// The depth of an expression, and every define it names with the depth it
/// stands at; `None` when the depth is past what a `usize` counts (deeper
/// than any limit). The recursion is bounded by the parser's nesting limit.
pub(super) fn expr_refs(
    expr: &ast::Expr,
    at: usize,
    defines: &BTreeMap<String, (usize, Span)>,
    out: &mut Vec<(usize, usize, Span)>,
) -> Option<usize> {
    let below = |inner: &ast::Expr, out: &mut Vec<(usize, usize, Span)>| {
        expr_refs(inner, at.checked_add(1)?, defines, out)?.checked_add(1)
    };
    match &expr.kind {
        ExprKind::Or(parts) | ExprKind::And(parts) => parts
            .iter()
            .try_fold(1, |deepest, part| Some(deepest.max(below(part, out)?))),
        ExprKind::Not(inner)
        | ExprKind::Sustained(inner, _)
        | ExprKind::Scaled(_, inner)
        | ExprKind::Quantified { body: inner, .. } => below(inner, out),
        ExprKind::Compare(left, _, right) | ExprKind::Arithmetic(left, _, right) => {
            Some(below(left, out)?.max(below(right, out)?))
        }
        ExprKind::Name(name) => {
            if let Some((index, _)) = defines.get(&name.name) {
                out.push((*index, at, name.span));
            }
            Some(1)
        }
        _ => Some(1),
    }
}
