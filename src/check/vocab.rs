//! The vocabulary: the national event kinds, the plan's own, their fields
//! and one-of words, and resolving a kind's name.

use super::Checker;
use crate::code::Code;
use crate::plan::{Framework, KnownKinds};
use crate::span::Span;
use crate::suggest::help_for;
use crate::syntax::ast;
use crate::vocab::{
    EventKind, FieldDecl, FieldType, KindId, RESERVED_EVENT_COLUMNS, RESERVED_EVENT_KEYS,
    RESERVED_MEMBER_COLUMNS, RESERVED_MEMBER_KEYS,
};
use std::collections::BTreeMap;

/// The national vocabulary, as plan text.
pub(crate) const NATIONAL_VOCABULARY: &str = include_str!("../../grammar/national.tfop");

/// What the Supporting Families framework adds to it, for `sf2022` plans.
pub(crate) const SUPPORTING_FAMILIES_VOCABULARY: &str = include_str!("../../grammar/sf2022.tfop");

/// The national kind whose records are results claims already made, and
/// its field naming which claim.
const CLAIM_KIND: &str = "claim";
const CLAIM_TYPE_FIELD: &str = "type";
const CLAIM_PAID_FIELD: &str = "paid";

/// The national kind whose records approve a discretionary claim, its
/// field naming which claim, and its field naming who approved it.
const APPROVAL_KIND: &str = "approval";
const APPROVAL_CLAIM_FIELD: &str = "type";
const APPROVAL_BY_FIELD: &str = "approver";

impl Checker {
    pub(super) fn vocabulary(&mut self, file: &ast::File) {
        // Where each member attribute was declared: `None` for a national one.
        let mut attribute_spans: BTreeMap<String, Option<Span>> = BTreeMap::new();
        let framework_vocabulary = match self.framework {
            Framework::Sf2022 => Some(SUPPORTING_FAMILIES_VOCABULARY),
            Framework::Phase1 | Framework::Phase2 => None,
        };
        for text in std::iter::once(NATIONAL_VOCABULARY).chain(framework_vocabulary) {
            self.national_vocabulary(text, &mut attribute_spans);
        }
        self.local_vocabulary(file, &mut attribute_spans);
    }

    /// Declares the kinds and attributes of a vocabulary that ships with tfop.
    fn national_vocabulary(
        &mut self,
        text: &str,
        attribute_spans: &mut BTreeMap<String, Option<Span>>,
    ) {
        match crate::syntax::parse(text) {
            Ok(national) => {
                for item in &national.items {
                    match item {
                        ast::Item::Event(decl) => {
                            let kind = self.event_kind(decl);
                            self.kind_spans.insert(kind.name.clone(), None);
                            self.vocab.push(kind);
                        }
                        ast::Item::MemberAttribute(attribute) => {
                            self.member_attribute(attribute, None, attribute_spans);
                        }
                        _ => {}
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
    }

    /// Declares the plan's own kinds and attributes.
    fn local_vocabulary(
        &mut self,
        file: &ast::File,
        attribute_spans: &mut BTreeMap<String, Option<Span>>,
    ) {
        for item in &file.items {
            if let ast::Item::MemberAttribute(attribute) = item {
                let span = attribute.decl.name.span;
                self.member_attribute(attribute, Some(span), attribute_spans);
            }
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
        self.claim_types(file);
    }

    /// A `claim` record says which of the plan's claims was made, so its
    /// `type` is one of the plan's claim ids: the record reader refuses any
    /// other word (with "did you mean"), where the evaluator would ignore
    /// the record and decide the family as never claimed, claimable twice.
    /// A plan that declares no claims keeps `type` as text: nothing it
    /// decides depends on a claim record (no claim status, nothing
    /// payable), so refusing the record would only lose the family.
    fn claim_types(&mut self, file: &ast::File) {
        for item in &file.items {
            if let ast::Item::Claim(claim) = item {
                if !self.declared_claims.contains(&claim.id.name) {
                    self.declared_claims.push(claim.id.name.clone());
                }
            }
        }
        if self.declared_claims.is_empty() {
            return;
        }
        // An approval names its claim as strictly, for the same reason.
        for (kind, name) in [
            (CLAIM_KIND, CLAIM_TYPE_FIELD),
            (APPROVAL_KIND, APPROVAL_CLAIM_FIELD),
        ] {
            let field = self
                .vocab
                .lookup(kind)
                .and_then(|id| self.vocab.get_mut(id))
                .and_then(|kind| kind.fields.iter_mut().find(|field| field.name == name));
            if let Some(field) = field {
                field.ty = FieldType::OneOf(self.declared_claims.clone());
            }
        }
    }

    /// Declares a member attribute, unless its name is taken: by a key of
    /// the member record, or by an attribute declared before (nationally or
    /// in the plan).
    fn member_attribute(
        &mut self,
        attribute: &ast::MemberAttributeDecl,
        span: Option<Span>,
        spans: &mut BTreeMap<String, Option<Span>>,
    ) {
        let name = &attribute.decl.name;
        if RESERVED_MEMBER_KEYS.contains(&name.name.as_str()) {
            self.report(
                Code::ReservedKey,
                name.span,
                format!(
                    "`{}` is a key of every member record; an attribute cannot take its name",
                    name.name
                ),
                "give the attribute another name",
            );
            return;
        }
        if RESERVED_MEMBER_COLUMNS.contains(&name.name.as_str()) {
            self.report(
                Code::ReservedColumn,
                name.span,
                format!(
                    "`{}` is reserved for a column of every row of members.csv; an attribute cannot take its name",
                    name.name
                ),
                "give the attribute another name, so that a CSV folder can hold it",
            );
            return;
        }
        match spans.get(&name.name) {
            Some(None) => {
                self.report(
                    Code::DeclaredTwice,
                    name.span,
                    format!(
                        "member attribute `{}` is already declared by the national vocabulary",
                        name.name
                    ),
                    "use the national attribute as it is, or give this one another name",
                );
                return;
            }
            Some(Some(first)) => {
                let first = *first;
                self.duplicate(
                    name.span,
                    first,
                    format!("member attribute `{}` is declared twice", name.name),
                    "remove one of the declarations or rename one attribute",
                );
                return;
            }
            None => {}
        }
        let ty = self.field_type(&attribute.decl.ty);
        if attribute.decl.at_end {
            self.report(
                Code::AtEndOnPoint,
                attribute.decl.span,
                format!(
                    "member attribute `{}` holds on every day, so it cannot be recorded at an end",
                    name.name
                ),
                "drop `at end`, or record the value as a spell's field",
            );
        }
        spans.insert(name.name.clone(), span);
        self.vocab.push_member_attribute(FieldDecl {
            name: name.name.clone(),
            ty,
            optional: attribute.decl.optional,
            at_end: false,
            ordered: matches!(attribute.decl.ty, ast::FieldTypeSyntax::Ordered(_)),
        });
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
            // Checked after the keys, which some columns share: those are
            // reported as keys.
            if RESERVED_EVENT_COLUMNS.contains(&field.name.name.as_str()) {
                self.report(
                    Code::ReservedColumn,
                    field.name.span,
                    format!(
                        "`{}` is reserved for a column of every row of events.csv; a field cannot take its name",
                        field.name.name
                    ),
                    "give the field another name, so that a CSV folder can hold it",
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
            let ty = self.field_type(&field.ty);
            if field.at_end && decl.shape == crate::vocab::Shape::Point {
                self.report(
                    Code::AtEndOnPoint,
                    field.span,
                    format!(
                        "`{}` happens on a day, so its field `{}` cannot be recorded at an end",
                        decl.name.name, field.name.name
                    ),
                    format!("drop `at end`, or declare `{}` a spell", decl.name.name),
                );
            }
            fields.push(FieldDecl {
                name: field.name.name.clone(),
                ty,
                optional: field.optional,
                at_end: field.at_end,
                ordered: matches!(field.ty, ast::FieldTypeSyntax::Ordered(_)),
            });
        }
        EventKind {
            name: decl.name.name.clone(),
            shape: decl.shape,
            subject: decl.subject,
            fields,
        }
    }

    /// The type of an event field or member attribute, each one-of word once.
    fn field_type(&mut self, ty: &ast::FieldTypeSyntax) -> FieldType {
        match ty {
            ast::FieldTypeSyntax::Count => FieldType::Count,
            ast::FieldTypeSyntax::Decimal => FieldType::Decimal,
            ast::FieldTypeSyntax::Money => FieldType::Money,
            ast::FieldTypeSyntax::Percentage => FieldType::Percentage,
            ast::FieldTypeSyntax::Date => FieldType::Date,
            ast::FieldTypeSyntax::Text => FieldType::Text,
            ast::FieldTypeSyntax::Flag => FieldType::Flag,
            ast::FieldTypeSyntax::OneOf(words) | ast::FieldTypeSyntax::Ordered(words) => {
                let mut values: Vec<String> = Vec::new();
                for word in words {
                    if values.contains(&word.name) {
                        self.report(
                            Code::ListedTwice,
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
        }
    }

    pub(super) fn kind(&mut self, name: &ast::Ident) -> Option<KindId> {
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

    pub(super) fn known_kinds(&mut self) -> Option<KnownKinds> {
        let kind = |name: &str| self.vocab.lookup(name);
        let field = |kind: Option<KindId>, name: &str| {
            kind.and_then(|id| self.vocab.get(id))
                .and_then(|kind| kind.field_index(name))
        };
        let attachment = kind("attachment");
        let claim = kind(CLAIM_KIND);
        let school_term = kind("school_term");
        let out_of_work_benefit = kind("out_of_work_benefit");
        let employment = kind("employment");
        let approval = kind(APPROVAL_KIND);
        Some(KnownKinds {
            attachment: attachment?,
            claim: claim?,
            claim_type_field: field(claim, CLAIM_TYPE_FIELD)?,
            claim_paid_field: field(claim, CLAIM_PAID_FIELD)?,
            school_term: school_term?,
            out_of_work_benefit: out_of_work_benefit?,
            benefit_field: field(out_of_work_benefit, "benefit")?,
            employment: employment?,
            approval: approval?,
            approval_claim_field: field(approval, APPROVAL_CLAIM_FIELD)?,
            approval_by_field: field(approval, APPROVAL_BY_FIELD)?,
        })
    }
}
