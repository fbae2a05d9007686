//! The names of a plan for an editor: where each event kind, field, define,
//! problem, indicator, claim and setting is declared, every place it is
//! used, the blocks an editor can fold, and what may be typed at a place.
//!
//! The index is built from the syntax tree, so a plan that parses has one
//! even while the checker refuses it; a name the checker cannot resolve (an
//! unknown event kind) simply has no symbol. Completion reads the text as
//! typed, which seldom parses, with the names of the last index that did.
//!
//! ```
//! use tfop::symbols::{SymbolIndex, SymbolKind};
//!
//! let source = "define recent = count offence within 6 months\n\
//!               eligible when problem crime\n\
//!               problem crime \"Crime\" { indicator o \"Offending\" { recent > 2 } }\n";
//! let index = SymbolIndex::of(source).unwrap();
//! let at = source.rfind("recent").unwrap();
//! let occurrence = index.at(at).unwrap();
//! let define = index.symbol(occurrence.symbol).unwrap();
//! assert_eq!(define.kind, SymbolKind::Define);
//! assert_eq!(define.declaration.map(|span| span.start), Some(7));
//! assert_eq!(index.occurrences_of(occurrence.symbol).count(), 2);
//! ```

use crate::check::ValueShape;
use crate::diagnostic::Diagnostics;
use crate::headline::Headline;
use crate::plan::Framework;
use crate::span::Span;
use crate::syntax::ast;
use std::collections::BTreeMap;

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SymbolKind {
    /// An event kind, national or the plan's own.
    EventKind,
    /// A field of an event kind.
    Field,
    /// A name given by `define`.
    Define,
    /// A problem.
    Problem,
    /// An indicator of a problem.
    Indicator,
    /// A claim type.
    Claim,
    /// A setting of the settings block.
    Setting,
    /// An attribute a member record may carry (`member attribute …`).
    MemberAttribute,
}

/// The place of a symbol in its [`SymbolIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SymbolId(usize);

/// One declared name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// What it names.
    pub kind: SymbolKind,
    /// The name as written.
    pub name: String,
    /// The event kind a field is of, or the problem an indicator is of.
    pub container: Option<String>,
    /// Where the name is declared in the plan: `None` for the national
    /// vocabulary's kinds and fields, and for settings, which the language
    /// itself declares.
    pub declaration: Option<Span>,
    /// The title of a problem, indicator or claim.
    pub title: Option<String>,
    /// The declaration in canonical form: `event exclusion on member at date
    /// { type: one of fixed, permanent }`, `type: one of fixed, permanent`,
    /// `define recent = …`, `problem crime "…"`, or a setting and its words.
    pub signature: String,
}

/// A place where a symbol's name is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// Where the name stands.
    pub span: Span,
    /// Which symbol it names.
    pub symbol: SymbolId,
    /// Whether the name is declared here (rather than used).
    pub declaration: bool,
}

/// Something that may be typed at a place, from [`SymbolIndex::completions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion<'a> {
    /// A symbol's name.
    Symbol(SymbolId),
    /// A word the setting takes as its value.
    Word {
        /// The setting.
        setting: SymbolId,
        /// The word.
        word: &'static str,
    },
    /// A value a field or member attribute is compared with: a word of its
    /// `one of` or `ordered` list (a benefit, an exclusion's type), or
    /// `true` and `false` for a flag.
    Value {
        /// The field or member attribute.
        field: SymbolId,
        /// The value as it is written.
        word: &'a str,
    },
    /// A keyword of the language that may follow here, as the grammar
    /// says: the items at a line's start, `indicator`, `significant` and
    /// `sustained` in a problem, `has`, `count`, `any` … in a condition,
    /// `within`, `where` … after an event kind, `then` after a compared
    /// value, `code` and `source` after an indicator's title.
    Keyword(&'static str),
    /// A framework's word, after `framework` in the plan's header.
    Framework {
        /// The word (`phase2`).
        word: &'static str,
        /// Its years and what it asks ([`Framework::about`]).
        about: &'static str,
    },
    /// A headline outcome's id, after `headline` in a need's head.
    Headline {
        /// Its id, as written in the plan.
        id: &'static str,
        /// Its national name.
        name: &'static str,
    },
}

/// Every name of a plan with its declaration and uses; see the
/// [module documentation](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolIndex {
    symbols: Vec<Symbol>,
    /// Sorted by where they start.
    occurrences: Vec<Occurrence>,
    blocks: Vec<Span>,
    /// How each setting's value is written, with its words.
    setting_shapes: Vec<(SymbolId, ValueShape)>,
    /// The values of each field and member attribute that has a fixed set.
    values: Vec<(SymbolId, Vec<String>)>,
}

impl SymbolIndex {
    /// The index of plan text that parses, or its syntax diagnostics.
    pub fn of(source: &str) -> Result<SymbolIndex, Diagnostics> {
        let file = crate::syntax::parse(source)?;
        let mut builder = Builder::national();
        if supporting_families(&file) {
            builder.vocabulary(crate::check::SUPPORTING_FAMILIES_VOCABULARY);
        }
        builder.declarations(&file, source);
        builder.uses(&file);
        Ok(builder.finish())
    }

    /// The index of a plan with nothing in it: the national event kinds and
    /// their fields, and the settings. What completion knows before a plan
    /// has parsed once.
    pub fn national() -> SymbolIndex {
        Builder::national().finish()
    }

    /// Every symbol, national ones first, then in the order declared.
    pub fn symbols(&self) -> impl Iterator<Item = (SymbolId, &Symbol)> {
        self.symbols
            .iter()
            .enumerate()
            .map(|(index, symbol)| (SymbolId(index), symbol))
    }

    /// The symbol with this id.
    pub fn symbol(&self, id: SymbolId) -> Option<&Symbol> {
        self.symbols.get(id.0)
    }

    /// The name at a byte offset of the text: one that covers it, or ends
    /// at it (the cursor just after a name).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let offset = u32::try_from(offset).ok()?;
        let after = self
            .occurrences
            .partition_point(|occurrence| occurrence.span.start <= offset);
        self.occurrences
            .get(..after)?
            .iter()
            .rev()
            .find(|occurrence| occurrence.span.end >= offset)
    }

    /// Every place the symbol's name is written, declarations included, in
    /// the order of the text.
    pub fn occurrences_of(&self, id: SymbolId) -> impl Iterator<Item = &Occurrence> {
        self.occurrences
            .iter()
            .filter(move |occurrence| occurrence.symbol == id)
    }

    /// Every item and every block within one (an indicator, a funding
    /// year), by span: what an editor can fold.
    pub fn blocks(&self) -> &[Span] {
        &self.blocks
    }

    /// What may be typed at a byte offset of `source`, which may be newer
    /// than the index and need not parse: the event kinds and defines where
    /// a condition or measure goes on, the fields of the kind after `where`,
    /// problem ids after `problem` and in `eligible`, claim ids after
    /// `combine`, setting names in the settings block and a setting's words
    /// after its `:`; member attributes after `any adult where` (and in
    /// `each … counts towards one problem only`); a field's or attribute's
    /// values after `=`, `!=`, `<`, `>` or inside `in (…)`; `then` after a
    /// compared number or a window's or sustain period's length, and `from`
    /// after its new value; `code` and `source` after an indicator's title;
    /// headline ids after `headline`; benefits at the start of a line of
    /// the continuous employment table; and, but
    /// where a value is compared, the keywords the grammar takes there
    /// ([`Completion::Keyword`]). Nothing inside a comment or a string.
    /// The editor narrows the list by the word being typed.
    pub fn completions(&self, source: &str, offset: usize) -> Vec<Completion<'_>> {
        let Some(before) = source.get(..offset) else {
            return Vec::new();
        };
        let typed = before
            .bytes()
            .rev()
            .take_while(|byte| byte.is_ascii_alphanumeric() || *byte == b'_')
            .count();
        let Some(text) = before.get(..before.len() - typed) else {
            return Vec::new();
        };
        let line = text.rsplit('\n').next().unwrap_or("").trim();
        let Some(located) = tokens(text) else {
            return Vec::new();
        };
        let tokens: Vec<Token<'_>> = located.iter().map(|(_, token)| *token).collect();
        let place = place(&tokens, DECLARING.contains(&line));
        let keywords = match place {
            // A value or a setting's word goes here, from a closed list.
            Expected::ValueOf { .. }
            | Expected::SettingWord(_)
            | Expected::SettingAcross(_)
            | Expected::Framework => Vec::new(),
            // Items follow each other, so the grammar need read only what
            // follows the last block closed outside any other.
            _ => {
                let item = item_start(&located);
                let tail = text.get(item..).unwrap_or(text);
                crate::syntax::next_keywords(tail, line.is_empty())
            }
        };
        let mut out = self.at_place(place, line);
        out.extend(keywords.into_iter().map(Completion::Keyword));
        out
    }

    /// The names, words and values that may be typed at a place.
    fn at_place<'s>(&'s self, place: Expected<'_>, line: &str) -> Vec<Completion<'s>> {
        match place {
            Expected::Nothing => Vec::new(),
            Expected::SettingName => self.all(SymbolKind::Setting),
            Expected::SettingWord(name) => self.setting_words(name, |shape| match shape {
                ValueShape::Word(words) => Some(words),
                _ => None,
            }),
            Expected::SettingAcross(name) => self.setting_words(name, |shape| match shape {
                ValueShape::CountAcross(words) => Some(words),
                _ => None,
            }),
            Expected::Framework => Framework::WORDS
                .iter()
                .map(|(word, framework)| Completion::Framework {
                    word,
                    about: framework.about(),
                })
                .collect(),
            Expected::Problem => self.all(SymbolKind::Problem),
            Expected::Claim => self.all(SymbolKind::Claim),
            Expected::EventKind => self.all(SymbolKind::EventKind),
            Expected::FieldOf(kind) => self
                .symbols()
                .filter(|(_, symbol)| {
                    symbol.kind == SymbolKind::Field && symbol.container.as_deref() == Some(kind)
                })
                .map(|(id, _)| Completion::Symbol(id))
                .collect(),
            Expected::AnyField => {
                let mut seen = std::collections::BTreeSet::new();
                self.symbols()
                    .filter(|(_, symbol)| {
                        symbol.kind == SymbolKind::Field && seen.insert(symbol.name.as_str())
                    })
                    .map(|(id, _)| Completion::Symbol(id))
                    .collect()
            }
            Expected::Expression => {
                let mut out = self.all(SymbolKind::EventKind);
                out.extend(self.all(SymbolKind::Define));
                out
            }
            Expected::MemberAttribute => self.all(SymbolKind::MemberAttribute),
            Expected::ValueOf { subject, field } => {
                let named = if MEMBERS.contains(&subject) {
                    (SymbolKind::MemberAttribute, None)
                } else {
                    (SymbolKind::Field, Some(subject))
                };
                let declared = self.symbols().find(|(_, symbol)| {
                    (symbol.kind, symbol.container.as_deref()) == named && symbol.name == field
                });
                let Some((id, _)) = declared else {
                    return Vec::new();
                };
                self.values
                    .iter()
                    .filter(|(of, _)| *of == id)
                    .flat_map(|(_, words)| words.iter())
                    .map(|word| Completion::Value { field: id, word })
                    .collect()
            }
            Expected::Headline => Headline::ALL
                .iter()
                .map(|(_, id, name)| Completion::Headline { id, name })
                .collect(),
            // Each line of the table starts with its benefits.
            Expected::Benefit if line.is_empty() || line.ends_with(',') => self.at_place(
                Expected::ValueOf {
                    subject: BENEFIT.0,
                    field: BENEFIT.1,
                },
                line,
            ),
            Expected::Benefit => Vec::new(),
        }
    }

    /// The words of the setting `name` that its shape takes at a place.
    fn setting_words(
        &self,
        name: &str,
        taken: impl Fn(&ValueShape) -> Option<&Vec<&'static str>>,
    ) -> Vec<Completion<'_>> {
        self.setting_shapes
            .iter()
            .filter(|(id, _)| self.symbol(*id).is_some_and(|s| s.name == name))
            .flat_map(|(id, shape)| {
                taken(shape)
                    .into_iter()
                    .flatten()
                    .map(|word| Completion::Word { setting: *id, word })
            })
            .collect()
    }

    fn all(&self, kind: SymbolKind) -> Vec<Completion<'_>> {
        self.symbols()
            .filter(|(_, symbol)| symbol.kind == kind)
            .map(|(id, _)| Completion::Symbol(id))
            .collect()
    }
}

/// Builds an index: the declarations first, so that a name used before it
/// is declared (a define used above its `define`) still resolves.
struct Builder {
    symbols: Vec<Symbol>,
    occurrences: Vec<Occurrence>,
    blocks: Vec<Span>,
    setting_shapes: Vec<(SymbolId, ValueShape)>,
    values: Vec<(SymbolId, Vec<String>)>,
    /// By kind and name; a field's or indicator's name is `container.name`.
    names: BTreeMap<(SymbolKind, String), SymbolId>,
}

impl Builder {
    /// The national vocabulary and the settings, which every plan has.
    fn national() -> Builder {
        let mut builder = Builder {
            symbols: Vec::new(),
            occurrences: Vec::new(),
            blocks: Vec::new(),
            setting_shapes: Vec::new(),
            values: Vec::new(),
            names: BTreeMap::new(),
        };
        builder.vocabulary(crate::check::NATIONAL_VOCABULARY);
        for (name, shape) in crate::check::setting_shapes() {
            let id = builder.declare(SymbolKind::Setting, name.to_string(), None, None, None);
            if let Some(symbol) = builder.symbols.get_mut(id.0) {
                symbol.signature = format!("{name}: {}", shape.signature());
            }
            builder.setting_shapes.push((id, shape));
        }
        builder
    }

    /// The kinds and attributes of a vocabulary that ships with tfop.
    fn vocabulary(&mut self, text: &str) {
        if let Ok(file) = crate::syntax::parse(text) {
            for item in &file.items {
                match item {
                    ast::Item::Event(decl) => self.event(decl, item, text, false),
                    ast::Item::MemberAttribute(attribute) => {
                        self.member_attribute(attribute, item, false);
                    }
                    _ => {}
                }
            }
        }
    }

    fn finish(mut self) -> SymbolIndex {
        self.occurrences
            .sort_by_key(|occurrence| (occurrence.span.start, occurrence.span.end));
        SymbolIndex {
            symbols: self.symbols,
            occurrences: self.occurrences,
            blocks: self.blocks,
            setting_shapes: self.setting_shapes,
            values: self.values,
        }
    }

    /// A symbol's id, declared here: a new symbol, or, for a name declared
    /// before (which the checker reports), that symbol with one more
    /// declaring occurrence.
    fn declare(
        &mut self,
        kind: SymbolKind,
        name: String,
        container: Option<&str>,
        declaration: Option<Span>,
        title: Option<&str>,
    ) -> SymbolId {
        let key = (kind, qualified(container, &name));
        let id = match self.names.get(&key) {
            Some(id) => *id,
            None => {
                let id = SymbolId(self.symbols.len());
                self.symbols.push(Symbol {
                    kind,
                    name,
                    container: container.map(str::to_string),
                    declaration,
                    title: title.map(str::to_string),
                    signature: String::new(),
                });
                self.names.insert(key, id);
                id
            }
        };
        if let Some(span) = declaration {
            self.occurrences.push(Occurrence {
                span,
                symbol: id,
                declaration: true,
            });
        }
        id
    }

    /// Sets the signature of a symbol just declared, unless a first
    /// declaration gave it one.
    fn sign(&mut self, id: SymbolId, signature: String) {
        if let Some(symbol) = self
            .symbols
            .get_mut(id.0)
            .filter(|s| s.signature.is_empty())
        {
            symbol.signature = signature;
        }
    }

    /// Records a use of a name, if it names a symbol.
    fn use_name(&mut self, kind: SymbolKind, container: Option<&str>, name: &ast::Ident) {
        if let Some(id) = self.names.get(&(kind, qualified(container, &name.name))) {
            self.occurrences.push(Occurrence {
                span: name.span,
                symbol: *id,
                declaration: false,
            });
        }
    }

    fn event(&mut self, decl: &ast::EventDecl, item: &ast::Item, source: &str, in_plan: bool) {
        let at = |span: Span| in_plan.then_some(span);
        let kind = self.declare(
            SymbolKind::EventKind,
            decl.name.name.clone(),
            None,
            at(decl.name.span),
            None,
        );
        self.sign(kind, canonical(item));
        for field in &decl.fields {
            let id = self.declare(
                SymbolKind::Field,
                field.name.name.clone(),
                Some(&decl.name.name),
                at(field.name.span),
                None,
            );
            // A field's declaration has no string in it, so its words can be
            // joined by single spaces as the formatter prints them.
            let written = source
                .get(field.span.start as usize..field.span.end as usize)
                .unwrap_or(&field.name.name);
            self.sign(id, written.split_whitespace().collect::<Vec<_>>().join(" "));
            self.values_of(id, &field.ty);
        }
    }

    /// Keeps the values a field or member attribute of this type may be
    /// compared with, for completion; a name declared twice keeps its first.
    fn values_of(&mut self, id: SymbolId, ty: &ast::FieldTypeSyntax) {
        let words = match ty {
            ast::FieldTypeSyntax::OneOf(words) | ast::FieldTypeSyntax::Ordered(words) => {
                words.iter().map(|word| word.name.clone()).collect()
            }
            ast::FieldTypeSyntax::Flag => vec!["true".to_string(), "false".to_string()],
            _ => return,
        };
        if !self.values.iter().any(|(of, _)| *of == id) {
            self.values.push((id, words));
        }
    }

    fn member_attribute(
        &mut self,
        attribute: &ast::MemberAttributeDecl,
        item: &ast::Item,
        in_plan: bool,
    ) {
        let name = &attribute.decl.name;
        let id = self.declare(
            SymbolKind::MemberAttribute,
            name.name.clone(),
            None,
            in_plan.then_some(name.span),
            None,
        );
        self.sign(id, canonical(item));
        self.values_of(id, &attribute.decl.ty);
    }

    fn declarations(&mut self, file: &ast::File, source: &str) {
        for item in &file.items {
            self.blocks.push(item.span());
            match item {
                ast::Item::Event(decl) => self.event(decl, item, source, true),
                ast::Item::MemberAttribute(attribute) => {
                    self.member_attribute(attribute, item, true)
                }
                ast::Item::Define(define) => {
                    let id = self.declare(
                        SymbolKind::Define,
                        define.name.name.clone(),
                        None,
                        Some(define.name.span),
                        None,
                    );
                    self.sign(id, canonical(item));
                }
                ast::Item::Problem(problem) => self.problem(problem, item),
                ast::Item::Claim(claim) => {
                    let id = self.declare(
                        SymbolKind::Claim,
                        claim.id.name.clone(),
                        None,
                        Some(claim.id.span),
                        Some(&claim.title.value),
                    );
                    self.sign(id, head(&canonical(item)));
                }
                ast::Item::Funding(funding) => {
                    for entry in &funding.entries {
                        if let ast::FundingEntry::Year(year) = entry {
                            self.blocks.push(year.span);
                        }
                    }
                }
                ast::Item::Header(_)
                | ast::Item::SchoolCalendar(_)
                | ast::Item::Settings(_)
                | ast::Item::MemberCap(_)
                | ast::Item::Eligible(_)
                | ast::Item::Attach(_)
                | ast::Item::Fee(_)
                | ast::Item::Results(_)
                | ast::Item::Employment(_) => {}
            }
        }
    }

    fn problem(&mut self, problem: &ast::Problem, item: &ast::Item) {
        let printed = canonical(item);
        let id = self.declare(
            SymbolKind::Problem,
            problem.id.name.clone(),
            None,
            Some(problem.id.span),
            Some(&problem.title.value),
        );
        self.sign(id, head(&printed));
        for indicator in &problem.indicators {
            self.blocks.push(indicator.span);
            let id = self.declare(
                SymbolKind::Indicator,
                indicator.id.name.clone(),
                Some(&problem.id.name),
                Some(indicator.id.span),
                Some(&indicator.title.value),
            );
            // The formatter prints each indicator's head on a line of its own.
            let line = format!("indicator {} ", indicator.id.name);
            let signature = printed
                .lines()
                .map(str::trim)
                .find(|printed| printed.starts_with(&line))
                .map_or_else(|| line.trim_end().to_string(), head);
            self.sign(id, signature);
        }
        for significant in &problem.significant {
            self.blocks.push(significant.span);
        }
        for progress in problem
            .indicators
            .iter()
            .filter_map(|i| i.progress.as_ref())
        {
            self.blocks.push(progress.significant.span);
        }
    }

    fn uses(&mut self, file: &ast::File) {
        for item in &file.items {
            match item {
                ast::Item::Settings(settings) => {
                    for setting in &settings.entries {
                        self.use_name(SymbolKind::Setting, None, &setting.name);
                    }
                }
                ast::Item::Define(define) => self.expr(&define.value),
                ast::Item::Problem(problem) => {
                    for indicator in &problem.indicators {
                        self.expr(&indicator.condition);
                        if let Some(progress) = &indicator.progress {
                            self.expr(&progress.significant.condition);
                        }
                    }
                    for significant in &problem.significant {
                        self.expr(&significant.condition);
                    }
                    for sustain in &problem.sustain {
                        self.sustain_length(&sustain.length);
                    }
                }
                ast::Item::Eligible(eligible) => self.problem_cond(&eligible.rule),
                ast::Item::Attach(attach) => {
                    for principle in &attach.principles {
                        for kind in &principle.kinds {
                            self.use_name(SymbolKind::EventKind, None, kind);
                        }
                    }
                }
                ast::Item::Claim(claim) => self.expr(&claim.condition),
                ast::Item::MemberCap(cap) => {
                    for test in &cap.tests {
                        self.use_name(SymbolKind::MemberAttribute, None, &test.field);
                    }
                }
                ast::Item::Results(results) => {
                    for entry in &results.entries {
                        match entry {
                            ast::ResultsEntry::Combine(claims, _) => {
                                for claim in claims {
                                    self.use_name(SymbolKind::Claim, None, claim);
                                }
                            }
                            ast::ResultsEntry::Year(year) => {
                                for line in &year.amounts {
                                    self.use_name(SymbolKind::Claim, None, &line.claim);
                                }
                            }
                            ast::ResultsEntry::Cap(..) | ast::ResultsEntry::TopUp(..) => {}
                        }
                    }
                }
                ast::Item::Header(_)
                | ast::Item::Event(_)
                | ast::Item::MemberAttribute(_)
                | ast::Item::Fee(_)
                | ast::Item::Employment(_)
                | ast::Item::Funding(_)
                | ast::Item::SchoolCalendar(_) => {}
            }
        }
    }

    fn problem_cond(&mut self, cond: &ast::ProblemCond) {
        match &cond.kind {
            ast::ProblemCondKind::Or(parts) | ast::ProblemCondKind::And(parts) => {
                for part in parts {
                    self.problem_cond(part);
                }
            }
            ast::ProblemCondKind::AtLeast(_) | ast::ProblemCondKind::EnoughNeeds => {}
            ast::ProblemCondKind::AtLeastOf(_, problems)
            | ast::ProblemCondKind::AllOf(problems) => {
                for problem in problems {
                    self.use_name(SymbolKind::Problem, None, problem);
                }
            }
            ast::ProblemCondKind::Problem(problem) => {
                self.use_name(SymbolKind::Problem, None, problem);
            }
            ast::ProblemCondKind::Composition(members) => self.expr(members),
        }
    }

    /// Walks an expression; its depth is bounded by the parser's nesting limit.
    fn expr(&mut self, expr: &ast::Expr) {
        match &expr.kind {
            ast::ExprKind::Or(parts) | ast::ExprKind::And(parts) => {
                for part in parts {
                    self.expr(part);
                }
            }
            ast::ExprKind::Not(inner) | ast::ExprKind::Scaled(_, inner) => self.expr(inner),
            ast::ExprKind::Sustained(inner, length) => {
                self.expr(inner);
                self.sustain_length(length);
            }
            ast::ExprKind::Compare(left, _, right) | ast::ExprKind::Arithmetic(left, _, right) => {
                self.expr(left);
                self.expr(right);
            }
            ast::ExprKind::Latest(field, aggregate)
            | ast::ExprKind::AtAttachment(field, aggregate) => {
                self.pattern(&aggregate.pattern);
                self.use_name(SymbolKind::Field, Some(&aggregate.pattern.kind.name), field);
            }
            ast::ExprKind::IndicatorHeld { indicator, problem } => {
                let container = match problem {
                    Some(problem) => {
                        self.use_name(SymbolKind::Problem, None, problem);
                        Some(problem.name.clone())
                    }
                    // Without `of`, the one problem that has the indicator.
                    None => {
                        let suffix = format!(".{}", indicator.name);
                        let mut owners = self
                            .names
                            .keys()
                            .filter(|(kind, name)| {
                                *kind == SymbolKind::Indicator && name.ends_with(&suffix)
                            })
                            .filter_map(|(_, name)| name.strip_suffix(&suffix));
                        match (owners.next(), owners.next()) {
                            (Some(owner), None) => Some(owner.to_string()),
                            _ => None,
                        }
                    }
                };
                if let Some(container) = container {
                    self.use_name(SymbolKind::Indicator, Some(&container), indicator);
                }
            }
            ast::ExprKind::Quantified { filters, body, .. } => {
                self.member_filters(filters);
                self.expr(body);
            }
            ast::ExprKind::MembersPresent { filters, .. } => self.member_filters(filters),
            ast::ExprKind::ProblemProgressed(problem) => {
                self.use_name(SymbolKind::Problem, None, problem);
            }
            ast::ExprKind::Has(ast::HasTarget::Events(aggregate))
            | ast::ExprKind::No(aggregate)
            | ast::ExprKind::Count(aggregate)
            | ast::ExprKind::DaysOf(aggregate) => self.aggregate(aggregate),
            ast::ExprKind::Sum(field, aggregate) => {
                self.aggregate(aggregate);
                for field in field.fields() {
                    self.use_name(SymbolKind::Field, Some(&aggregate.pattern.kind.name), field);
                }
            }
            ast::ExprKind::Rate(numerator, denominator, aggregate) => {
                self.aggregate(aggregate);
                let kind = Some(aggregate.pattern.kind.name.as_str());
                for field in numerator.fields().into_iter().chain(denominator.fields()) {
                    self.use_name(SymbolKind::Field, kind, field);
                }
            }
            ast::ExprKind::Reduction { pattern, .. } => self.pattern(pattern),
            ast::ExprKind::Name(name) => self.use_name(SymbolKind::Define, None, name),
            ast::ExprKind::Has(ast::HasTarget::ContinuousEmployment(_))
            | ast::ExprKind::AllProblemsProgressed
            | ast::ExprKind::ProblemsProgressed(_)
            | ast::ExprKind::Money(_)
            | ast::ExprKind::Percent(_)
            | ast::ExprKind::Date(_)
            | ast::ExprKind::Duration(_)
            | ast::ExprKind::Decimal(_)
            | ast::ExprKind::Integer(_)
            | ast::ExprKind::Dated(..) => {}
        }
    }

    fn aggregate(&mut self, aggregate: &ast::Aggregate) {
        self.pattern(&aggregate.pattern);
        if let Some(ast::Subject::By(_, _, tests, _)) = &aggregate.subject {
            for test in tests {
                self.use_name(SymbolKind::MemberAttribute, None, &test.field);
            }
        }
        self.window(aggregate.window.as_ref());
    }

    /// The event kind a window at a spell names.
    fn window(&mut self, window: Option<&ast::Window>) {
        match window {
            Some(ast::Window::During(kind, _)) => self.use_name(SymbolKind::EventKind, None, kind),
            Some(ast::Window::WithinAfter(after, _)) => {
                self.use_name(SymbolKind::EventKind, None, &after.kind);
            }
            Some(
                ast::Window::Within(..)
                | ast::Window::WithinDated(..)
                | ast::Window::WithinBefore(..)
                | ast::Window::WithinSinceAttachment(..)
                | ast::Window::SinceAttachment(_)
                | ast::Window::LastTerms(..)
                | ast::Window::TermsBefore(..)
                | ast::Window::AtAttachment(_)
                | ast::Window::Ever(_)
                | ast::Window::Now(_),
            )
            | None => {}
        }
    }

    fn sustain_length(&mut self, length: &ast::SustainLength) {
        if let ast::SustainLength::AfterEnd(_, _, kind) = length {
            self.use_name(SymbolKind::EventKind, None, kind);
        }
    }

    fn member_filters(&mut self, filters: &[ast::MemberFilter]) {
        for filter in filters {
            match filter {
                ast::MemberFilter::With(pattern, _, _) => self.pattern(pattern),
                ast::MemberFilter::Where(tests, _) => {
                    for test in tests {
                        self.use_name(SymbolKind::MemberAttribute, None, &test.field);
                    }
                }
                ast::MemberFilter::Aged(_) | ast::MemberFilter::OfSchoolAge(_) => {}
            }
        }
    }

    fn pattern(&mut self, pattern: &ast::Pattern) {
        self.use_name(SymbolKind::EventKind, None, &pattern.kind);
        for test in &pattern.tests {
            self.use_name(SymbolKind::Field, Some(&pattern.kind.name), &test.field);
        }
    }
}

/// Whether the plan's header says `framework sf2022`, whose vocabulary adds
/// kinds (the `case` spell) to the national one.
fn supporting_families(file: &ast::File) -> bool {
    file.items.iter().any(|item| match item {
        ast::Item::Header(header) => header.fields.iter().any(|field| {
            matches!(field, ast::HeaderField::Framework(name) if Framework::WORDS
                .iter()
                .any(|(word, framework)| *framework == Framework::Sf2022 && *word == name.name))
        }),
        _ => false,
    })
}

/// A name within its container: `exclusion.type`.
fn qualified(container: Option<&str>, name: &str) -> String {
    match container {
        Some(container) => format!("{container}.{name}"),
        None => name.to_string(),
    }
}

/// An item as the formatter prints it, without its final line end.
fn canonical(item: &ast::Item) -> String {
    let file = ast::File {
        items: vec![item.clone()],
        comments: Vec::new(),
    };
    crate::fmt::format_file(&file).trim_end().to_string()
}

/// The first line of a printed block, without its opening brace:
/// `problem crime "Crime"`.
fn head(printed: &str) -> String {
    let line = printed.lines().next().unwrap_or("").trim();
    line.strip_suffix('{')
        .unwrap_or(line)
        .trim_end()
        .to_string()
}

/// A token of text that may not parse, as far as completion needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    /// A string, number, money or date.
    Literal,
    Punct(char),
}

/// The tokens of text, each with the byte offset it starts at, or `None`
/// when it ends inside a comment or a string.
fn tokens(text: &str) -> Option<Vec<(usize, Token<'_>)>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c == '/' && chars.peek().is_some_and(|(_, next)| *next == '/') {
            chars.find(|(_, c)| *c == '\n')?;
            continue;
        }
        if c == '"' {
            let mut escaped = false;
            let closed = chars.by_ref().any(|(_, c)| {
                let end = !escaped && (c == '"' || c == '\n');
                escaped = !escaped && c == '\\';
                end
            });
            if !closed {
                return None;
            }
            out.push((start, Token::Literal));
            continue;
        }
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if c.is_ascii_alphabetic() || c.is_ascii_digit() || c == '£' {
            let mut end = start + c.len_utf8();
            while let Some((next_start, next)) = chars.peek().copied() {
                let continues = word(next) || (!c.is_ascii_alphabetic() && ".%/-".contains(next));
                if !continues {
                    break;
                }
                end = next_start + next.len_utf8();
                chars.next();
            }
            out.push((
                start,
                match text.get(start..end) {
                    Some(name) if c.is_ascii_alphabetic() => Token::Word(name),
                    _ => Token::Literal,
                },
            ));
            continue;
        }
        out.push((start, Token::Punct(c)));
    }
    Some(out)
}

/// Where the text after the last top-level block starts: just after that
/// block's `}`, or at the start.
fn item_start(tokens: &[(usize, Token<'_>)]) -> usize {
    let mut depth = 0usize;
    let mut start = 0;
    for (at, token) in tokens {
        match token {
            Token::Punct('{') => depth = depth.saturating_add(1),
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    start = at.saturating_add(1);
                }
            }
            _ => {}
        }
    }
    start
}

/// What kind of name may be typed next.
#[derive(Debug, PartialEq, Eq)]
enum Expected<'a> {
    Nothing,
    SettingName,
    /// A setting's value, right after its `:`.
    SettingWord(&'a str),
    /// The word after a count and `across` (`min_needs: 3 across needs`).
    SettingAcross(&'a str),
    /// The word after `framework` in the header.
    Framework,
    Problem,
    Claim,
    EventKind,
    FieldOf(&'a str),
    AnyField,
    Expression,
    MemberAttribute,
    /// The values of a field of an event kind, or of a member attribute
    /// when the subject is a word of [`MEMBERS`].
    ValueOf {
        subject: &'a str,
        field: &'a str,
    },
    /// A headline outcome's id.
    Headline,
    /// A line of the continuous employment table: its benefits first.
    Benefit,
}

/// The kind and field whose values a continuous employment table's lines
/// name (as the checker reads them).
const BENEFIT: (&str, &str) = ("out_of_work_benefit", "benefit");

/// The words naming members before `where` (`any adult where …`): the
/// tests that follow are on member attributes.
const MEMBERS: [&str; 6] = ["member", "members", "adult", "adults", "child", "children"];

/// The words a line starts with to declare the name that follows.
const DECLARING: [&str; 5] = ["problem", "indicator", "claim", "define", "event"];

/// The blocks an item opens with `{`, by their keyword.
const BLOCKS: [&str; 10] = [
    "plan",
    "settings",
    "problem",
    "indicator",
    "significant",
    "claim",
    "results",
    "employment",
    "funding",
    "year",
];

/// The words that start an item outside any block and never stand in a
/// condition (`problem`, `claim` and `attachment` do).
const ITEMS: [&str; 4] = ["event", "define", "eligible", "attach"];

/// What may be typed after these tokens; `declaring` when their line is
/// only a word that declares a name (`problem`), which a condition's line
/// never is outside a block.
fn place<'a>(tokens: &[Token<'a>], declaring: bool) -> Expected<'a> {
    // The keyword of each open block, innermost last.
    let mut open: Vec<Option<&str>> = Vec::new();
    let mut statement = 0;
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct('{') => {
                // The block's keyword is the last one before its brace; an
                // event kind may be called `claim`, so the word after `event`
                // is the kind's name.
                let head = tokens.get(statement..index).unwrap_or(&[]);
                let keyword = head.iter().enumerate().rev().find_map(|(at, token)| {
                    let after_event = at
                        .checked_sub(1)
                        .is_some_and(|before| head.get(before) == Some(&Token::Word("event")));
                    match token {
                        _ if after_event => Some("event"),
                        Token::Word(word) if *word == "event" || BLOCKS.contains(word) => {
                            Some(*word)
                        }
                        _ => None,
                    }
                });
                open.push(keyword);
                statement = index + 1;
            }
            Token::Punct('}') => {
                open.pop();
                statement = index + 1;
            }
            _ => {}
        }
    }
    let here = tokens.get(statement..).unwrap_or(&[]);
    let last = here.last().copied();
    match open.last() {
        // A name being declared is new: nothing to offer for it.
        None | Some(Some("problem")) if declaring => Expected::Nothing,
        Some(Some("settings")) => setting_place(here),
        Some(Some("plan")) if last == Some(Token::Word("framework")) => Expected::Framework,
        Some(Some("results")) => match here.iter().rev().find(|t| matches!(t, Token::Word(_))) {
            Some(Token::Word("combine")) => Expected::Claim,
            _ => match last {
                Some(Token::Punct(',')) => Expected::Claim,
                _ => Expected::Nothing,
            },
        },
        Some(Some("indicator" | "significant" | "claim")) => expression(here),
        Some(Some("employment")) => Expected::Benefit,
        // `sustained for 6 months after end of case`: a spell's kind.
        Some(Some("problem")) if last == Some(Token::Word("of")) => Expected::EventKind,
        Some(_) => Expected::Nothing,
        None => {
            // Outside any block: the item is the last item keyword written at
            // the start of a statement.
            let item = here.iter().rposition(|token| match token {
                Token::Word(word) => ITEMS.contains(word),
                _ => false,
            });
            match item.and_then(|at| here.get(at).map(|token| (at, *token))) {
                _ if here.first() == Some(&Token::Word("each")) => expression(here),
                _ if last == Some(Token::Word("headline")) => Expected::Headline,
                Some((_, Token::Word("eligible"))) => Expected::Problem,
                Some((_, Token::Word("attach"))) => Expected::EventKind,
                Some((at, Token::Word("define"))) => {
                    let after = here.get(at + 1..).unwrap_or(&[]);
                    if after.contains(&Token::Punct('=')) {
                        expression(after)
                    } else {
                        Expected::Nothing
                    }
                }
                _ => Expected::Nothing,
            }
        }
    }
}

/// What may be typed next in a settings block: a setting's name, or the
/// part of its value that is a word. Settings follow each other without a
/// separator, so the value is read from the last `:`.
fn setting_place<'a>(tokens: &[Token<'a>]) -> Expected<'a> {
    let Some(colon) = tokens.iter().rposition(|token| *token == Token::Punct(':')) else {
        return Expected::SettingName;
    };
    let Some(Token::Word(name)) = colon.checked_sub(1).and_then(|at| tokens.get(at)) else {
        return Expected::Nothing;
    };
    match tokens.get(colon + 1..).unwrap_or(&[]) {
        [] => Expected::SettingWord(name),
        [Token::Literal, Token::Word("across")] => Expected::SettingAcross(name),
        // A count or age written, `to` or `across` (or the other age) next.
        [Token::Literal] | [Token::Literal, Token::Word("to")] => Expected::Nothing,
        _ => Expected::SettingName,
    }
}

/// What may be typed next in a condition or measure.
fn expression<'a>(tokens: &[Token<'a>]) -> Expected<'a> {
    let last = tokens.last().copied();
    let before = |n: usize| {
        tokens
            .len()
            .checked_sub(n)
            .and_then(|i| tokens.get(i))
            .copied()
    };
    let fields_of = |subject: &'a str| {
        if MEMBERS.contains(&subject) {
            Expected::MemberAttribute
        } else {
            Expected::FieldOf(subject)
        }
    };
    match last {
        Some(Token::Word("problem")) => Expected::Problem,
        Some(Token::Word("where")) => match before(2) {
            Some(Token::Word(subject)) => fields_of(subject),
            _ => Expected::AnyField,
        },
        Some(Token::Word("sum" | "rate" | "per")) => Expected::AnyField,
        // A dated value's next value or day is the author's to write.
        Some(Token::Word("then" | "from")) => Expected::Nothing,
        Some(Token::Word("and")) => match field_tests_of(tokens) {
            Some(subject) => fields_of(subject),
            None => Expected::Expression,
        },
        // What follows a value (`then`, a unit) is the grammar's to say.
        Some(Token::Literal) => Expected::Nothing,
        _ => match tested_field(tokens) {
            Some((subject, field)) => Expected::ValueOf { subject, field },
            None => Expected::Expression,
        },
    }
}

/// The subject (event kind or member word) and field whose value comes
/// next: after `field =`, `field in (` or `field in (a, `.
fn tested_field<'a>(tokens: &[Token<'a>]) -> Option<(&'a str, &'a str)> {
    let last = tokens.len().checked_sub(1)?;
    let field = match tokens.get(last)? {
        token if is_operator(Some(token)) => {
            let mut at = last;
            while is_operator(tokens.get(at)) {
                at = at.checked_sub(1)?;
            }
            at
        }
        Token::Punct('(' | ',') => {
            let open = tokens
                .get(..=last)?
                .iter()
                .rposition(|token| *token == Token::Punct('('))?;
            // Empty when the cursor follows the `(` itself.
            let inside = tokens.get(open + 1..last).unwrap_or_default();
            if inside
                .iter()
                .any(|token| matches!(token, Token::Punct(')' | '(')))
            {
                return None;
            }
            let keyword = open.checked_sub(1)?;
            if tokens.get(keyword) != Some(&Token::Word("in")) {
                return None;
            }
            keyword.checked_sub(1)?
        }
        _ => return None,
    };
    let Some(Token::Word(name)) = tokens.get(field) else {
        return None;
    };
    Some((test_subject(tokens, field.checked_sub(1)?)?, name))
}

/// The subject of the field test whose joiner (`where`, or `and` between
/// tests) stands at `joiner`.
fn test_subject<'a>(tokens: &[Token<'a>], joiner: usize) -> Option<&'a str> {
    match tokens.get(joiner)? {
        Token::Word("where") => match tokens.get(joiner.checked_sub(1)?)? {
            Token::Word(subject) => Some(subject),
            _ => None,
        },
        Token::Word("and") => field_tests_of(tokens.get(..=joiner)?),
        _ => None,
    }
}

/// The kind whose field tests an `and` at the end of these tokens
/// continues: `exclusion where type = fixed and`.
fn field_tests_of<'a>(tokens: &[Token<'a>]) -> Option<&'a str> {
    // Walk back over whole tests (`field op value`, `field in (values)`),
    // each after an `and`, to the `where` that starts them.
    let mut and = tokens.len().checked_sub(1)?;
    loop {
        let value = and.checked_sub(1)?;
        let field = if tokens.get(value) == Some(&Token::Punct(')')) {
            let open = tokens
                .get(..value)?
                .iter()
                .rposition(|token| *token == Token::Punct('('))?;
            let keyword = open.checked_sub(1)?;
            if tokens.get(keyword) != Some(&Token::Word("in")) {
                return None;
            }
            keyword.checked_sub(1)?
        } else {
            let mut operator = value.checked_sub(1)?;
            if !is_operator(tokens.get(operator)) {
                return None;
            }
            while is_operator(tokens.get(operator)) {
                operator = operator.checked_sub(1)?;
            }
            operator
        };
        if !matches!(tokens.get(field), Some(Token::Word(_))) {
            return None;
        }
        let joiner = field.checked_sub(1)?;
        match tokens.get(joiner) {
            Some(Token::Word("where")) => {
                return match tokens.get(joiner.checked_sub(1)?) {
                    Some(Token::Word(kind)) => Some(kind),
                    _ => None,
                };
            }
            Some(Token::Word("and")) => and = joiner,
            _ => return None,
        }
    }
}

/// Whether a token is part of a comparison operator (`<=`, `!=`, `=` …).
fn is_operator(token: Option<&Token<'_>>) -> bool {
    matches!(token, Some(Token::Punct('=' | '<' | '>' | '!')))
}

#[cfg(test)]
mod tests;
