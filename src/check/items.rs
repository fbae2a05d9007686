//! The plan's items: problems and their indicators, eligibility,
//! attachment, claims and how they combine, and the employment table.

use super::lints::never_met;
use super::{Block, Checker};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::headline::Headline;
use crate::num::Pence;
use crate::plan::{
    BenefitRule, ClaimDef, ClaimIdx, EmploymentTable, Framework, IndicatorDef, NeedsAcross, Plan,
    Principle, ProblemDef, ProblemIdx, ProblemRule, ProgressMeasure, ResultsRules, ResultsYear,
};
use crate::span::Span;
use crate::suggest::help_for;
use crate::syntax::ast;
use crate::unit::TimeUnit;
use crate::vocab::{FieldType, KindId};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

impl Checker {
    pub(super) fn plan(&mut self, file: &ast::File, digest: String) -> Option<Plan> {
        let header = self.header(file);
        self.settings(file);
        self.school_calendar(file);
        self.indicator_metadata(file);
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
        let mut member_cap = None;
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
                ast::Item::MemberCap(_) => Some("a member cap"),
                ast::Item::SchoolCalendar(_) => Some("a school calendar"),
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
                                    Code::ListedTwice,
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
                ast::Item::Fee(fee) if self.framework == Framework::Sf2022 => self.report(
                    Code::NoAttachmentFee,
                    fee.span,
                    "the Supporting Families framework pays no attachment fee",
                    "remove `attachment fee …`: the yearly lump sum is paid up front",
                ),
                ast::Item::Fee(fee) => attachment_fee = Some(fee.amount.value),
                ast::Item::Employment(rule) if self.framework == Framework::Sf2022 => self.report(
                    Code::NoEmploymentRoute,
                    rule.span,
                    "the Supporting Families framework has no continuous-employment route",
                    "remove the table; measure work as a need under `financial_stability`",
                ),
                ast::Item::Results(results) => results_items.push(results),
                ast::Item::Employment(rule) => employment = self.employment(rule),
                ast::Item::Funding(block) => funding = self.funding(block),
                ast::Item::Header(_)
                | ast::Item::Settings(_)
                | ast::Item::Event(_)
                | ast::Item::MemberAttribute(_)
                | ast::Item::SchoolCalendar(_)
                | ast::Item::Define(_) => {}
                ast::Item::MemberCap(cap) => {
                    let filters = [ast::MemberFilter::Where(cap.tests.clone(), cap.span)];
                    member_cap = self.selector(cap.who, None, &filters);
                }
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
        let declared = self.declared_claims.clone();
        let results = self.results(results_items.first().copied(), &declared);
        self.calendar_outlived(file, funding.as_ref(), &results);
        self.unused_defines(file);
        let known = self.known_kinds();
        let header = header?;
        let known = known?;
        let defines = std::mem::take(&mut self.plan_defines);
        let progress_named = crate::plan::progress_named(
            problems.len(),
            claims
                .iter()
                .map(|claim| &claim.condition)
                .chain(defines.iter().filter_map(|define| match define {
                    crate::plan::DefineBody::Cond(cond) => Some(cond),
                    _ => None,
                })),
        );
        let mut reach = self.reach;
        let (youngest, oldest) = self.settings.school_age;
        reach.add_age(youngest);
        reach.add_age(oldest);
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
            // More windows than a block may open were refused as E0214.
            claim_window_days: funding
                .as_ref()
                .and_then(|funding| funding.claim_windows)
                .and_then(|windows| windows.opening_days(crate::plan::MAX_CLAIM_WINDOWS))
                .unwrap_or_default(),
            funding,
            ages_asked: self.ages_asked,
            member_cap,
            defines,
            school_terms: std::mem::take(&mut self.school_terms),
            progress_named,
            reach,
        })
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
            // In the order the indicators are built: each id once, the first.
            let mut seen = BTreeSet::new();
            for indicator in &problem.indicators {
                let position = seen.len();
                if seen.insert(indicator.id.name.as_str()) {
                    let place = (problem.id.name.clone(), index, position);
                    self.indicator_places
                        .entry(indicator.id.name.clone())
                        .or_default()
                        .push(place);
                }
            }
            // What the need's `headline` names, by index; the problem pass
            // reports one that names nothing it knows.
            self.need_headlines.push(
                problem
                    .headline
                    .as_ref()
                    .and_then(|headline| Headline::from_id(&headline.name)),
            );
            self.problem_count = self.problems.len();
        }
    }

    pub(super) fn problem_ref(&mut self, ident: &ast::Ident) -> Option<ProblemIdx> {
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

    /// Indicator metadata: a `code` or `source` must say something, and a
    /// code names one indicator of the plan (a report or an auditor finds
    /// the indicator by it).
    pub(super) fn indicator_metadata(&mut self, file: &ast::File) {
        let mut codes: BTreeMap<&str, Span> = BTreeMap::new();
        let indicators = file.items.iter().flat_map(|item| match item {
            ast::Item::Problem(problem) => problem.indicators.as_slice(),
            _ => &[],
        });
        for indicator in indicators {
            for (what, text) in [("code", &indicator.code), ("source", &indicator.source)] {
                if let Some(text) = text.as_ref().filter(|text| text.value.trim().is_empty()) {
                    self.report(
                        Code::IndicatorMetadata,
                        text.span,
                        format!("the {what} of indicator `{}` is empty", indicator.id.name),
                        format!("write its {what} between the quotes, or leave `{what} \"\"` out"),
                    );
                }
            }
            let Some(code) = indicator
                .code
                .as_ref()
                .filter(|code| !code.value.trim().is_empty())
            else {
                continue;
            };
            if let Some(first) = codes.get(code.value.as_str()) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::IndicatorMetadata,
                        code.span,
                        format!(
                            "indicator `{}` has the code of another indicator",
                            indicator.id.name
                        ),
                    )
                    .with_help("give each indicator its own code, as the data framework does")
                    .with_label(*first, "first given here"),
                );
            } else {
                codes.insert(&code.value, code.span);
            }
        }
    }

    fn problem(&mut self, problem: &ast::Problem) -> Option<ProblemDef> {
        let headline = self.need_headline(problem);
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
            let condition = self.condition(&indicator.condition, Block::Indicator);
            let measure = match &indicator.progress {
                Some(progress) => match self.indicator_measure(progress) {
                    Some(measure) => Some(measure),
                    None => continue,
                },
                None => None,
            };
            if let Some(condition) = condition {
                indicators.push(IndicatorDef {
                    id: indicator.id.name.clone(),
                    title: indicator.title.value.clone(),
                    code: indicator.code.as_ref().map(|code| code.value.clone()),
                    source: indicator.source.as_ref().map(|source| source.value.clone()),
                    condition,
                    measure,
                });
            }
        }
        let measured: Vec<&ast::Indicator> = problem
            .indicators
            .iter()
            .filter(|indicator| indicator.progress.is_some())
            .collect();
        if let Some(first) = measured.first() {
            let built = self.measured_by_indicators(problem, first, indicators)?;
            return Some(ProblemDef {
                headline: headline?,
                ..built
            });
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
                self.condition(&first.condition, Block::Significant)
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
        let (title, significant) = significant?;
        Some(ProblemDef {
            id: problem.id.name.clone(),
            title: problem.title.value.clone(),
            headline: headline?,
            indicators,
            measure: Some(ProgressMeasure {
                title,
                significant,
                sustain,
            }),
        })
    }

    /// An indicator's own `significant` measure and `sustained for`.
    fn indicator_measure(&mut self, progress: &ast::IndicatorProgress) -> Option<ProgressMeasure> {
        let significant = self.condition(&progress.significant.condition, Block::Significant);
        let sustain = match &progress.sustain {
            Some(sustain) => Some(self.sustain_length(&sustain.length)?),
            None => None,
        };
        Some(ProgressMeasure {
            title: progress.significant.title.value.clone(),
            significant: significant?,
            sustain,
        })
    }

    /// A problem whose progress its indicators measure: every indicator
    /// carries a measure and the problem none, since a mix could be read
    /// two ways (E0230).
    fn measured_by_indicators(
        &mut self,
        problem: &ast::Problem,
        first: &ast::Indicator,
        indicators: Vec<IndicatorDef>,
    ) -> Option<ProblemDef> {
        let mut mixed = false;
        let problem_level = problem
            .significant
            .iter()
            .map(|significant| significant.span)
            .chain(problem.sustain.iter().map(|sustain| sustain.span));
        for span in problem_level {
            mixed = true;
            self.report(
                Code::MixedProgressMeasures,
                span,
                format!(
                    "problem `{}` has a progress measure of its own, and indicator `{}` has one too",
                    problem.id.name, first.id.name
                ),
                "measure progress either per indicator (a measure in every indicator) or for the problem (one `significant` beside the indicators), not both",
            );
        }
        for indicator in problem
            .indicators
            .iter()
            .filter(|indicator| indicator.progress.is_none())
        {
            mixed = true;
            self.report(
                Code::MixedProgressMeasures,
                indicator.id.span,
                format!(
                    "indicator `{}` has no progress measure, while `{}` of the same problem has one",
                    indicator.id.name, first.id.name
                ),
                format!(
                    "give `{}` its own `significant \"…\" {{ … }}` after its condition",
                    indicator.id.name
                ),
            );
        }
        if mixed {
            return None;
        }
        Some(ProblemDef {
            id: problem.id.name.clone(),
            title: problem.title.value.clone(),
            headline: None,
            indicators,
            measure: None,
        })
    }

    /// The headline a need sits under: every problem of an `sf2022` plan
    /// names one of the ten, and no problem of another framework names any.
    /// `None` when that is refused; `Some(None)` for a problem with none.
    fn need_headline(&mut self, problem: &ast::Problem) -> Option<Option<Headline>> {
        let sf2022 = self.framework == Framework::Sf2022;
        let Some(written) = &problem.headline else {
            if sf2022 {
                self.report(
                    Code::HeadlineFramework,
                    problem.id.span,
                    format!("need `{}` names no headline outcome", problem.id.name),
                    format!(
                        "write the headline it sits under after its title: `problem {} \"…\" headline education {{ … }}`",
                        problem.id.name
                    ),
                );
                return None;
            }
            return Some(None);
        };
        if !sf2022 {
            self.report(
                Code::HeadlineFramework,
                written.span,
                "headline outcomes belong to the Supporting Families framework",
                "remove `headline …`, or make the plan `framework sf2022`",
            );
            return None;
        }
        match Headline::from_id(&written.name) {
            Some(headline) => Some(Some(headline)),
            None => {
                let ids = Headline::ALL.iter().map(|(_, id, _)| *id);
                let help = help_for(&written.name, ids, || {
                    let ids: Vec<String> = Headline::ALL
                        .iter()
                        .map(|(_, id, _)| format!("`{id}`"))
                        .collect();
                    format!("the headlines are {}", ids.join(", "))
                });
                self.report(
                    Code::UnknownHeadline,
                    written.span,
                    format!("unknown headline outcome `{}`", written.name),
                    help,
                );
                None
            }
        }
    }

    /// `enough needs`: at least `min_needs` of the needs, or of the
    /// headlines they sit under, identified on the day.
    fn enough_needs(&mut self, span: Span) -> Option<ProblemRule> {
        if self.framework != Framework::Sf2022 {
            self.report(
                Code::HeadlineFramework,
                span,
                "`enough needs` counts the needs of a Supporting Families plan",
                "write `at least N problems`, or make the plan `framework sf2022`",
            );
            return None;
        }
        let min = self.settings.min_needs;
        let (what, available, rule) = match min.across {
            NeedsAcross::Needs => {
                let all = (0..self.problem_count as u32).map(ProblemIdx).collect();
                (
                    "needs",
                    self.problem_count,
                    ProblemRule::AtLeast(min.count, all),
                )
            }
            NeedsAcross::Headlines => {
                let groups: Vec<Vec<ProblemIdx>> = Headline::ALL
                    .iter()
                    .map(|(headline, _, _)| {
                        self.need_headlines
                            .iter()
                            .enumerate()
                            .filter(|(_, of)| *of == &Some(*headline))
                            .map(|(index, _)| ProblemIdx(index as u32))
                            .collect::<Vec<_>>()
                    })
                    .filter(|group| !group.is_empty())
                    .collect();
                (
                    "headlines",
                    groups.len(),
                    ProblemRule::AtLeastGroups(min.count, groups),
                )
            }
        };
        if min.count as usize > available {
            self.report(
                Code::ThresholdAboveProblems,
                span,
                format!(
                    "`min_needs` asks for {} {what} but the plan's needs have {available}",
                    min.count
                ),
                "lower `min_needs` or declare needs under more headlines",
            );
        }
        Some(rule)
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
                if !usize::try_from(count.value).is_ok_and(|wanted| wanted <= self.problem_count) {
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
                ProblemRule::AtLeast(count.value, all)
            }
            ast::ProblemCondKind::AtLeastOf(count, ids) => {
                let list = self.problem_list(ids)?;
                if !usize::try_from(count.value).is_ok_and(|wanted| wanted <= list.len()) {
                    self.report(
                        Code::ThresholdAboveProblems,
                        count.span,
                        format!("at least {} of a list of {}", count.value, list.len()),
                        "the threshold cannot be more than the problems listed",
                    );
                }
                ProblemRule::AtLeast(count.value, list)
            }
            ast::ProblemCondKind::AllOf(ids) => ProblemRule::All(self.problem_list(ids)?),
            ast::ProblemCondKind::Problem(id) => ProblemRule::All(vec![self.problem_ref(id)?]),
            ast::ProblemCondKind::EnoughNeeds => self.enough_needs(rule.span)?,
            ast::ProblemCondKind::Composition(members) => {
                ProblemRule::Composition(Box::new(self.condition(members, Block::Indicator)?))
            }
        })
    }

    fn problem_list(&mut self, ids: &[ast::Ident]) -> Option<Vec<ProblemIdx>> {
        let mut list = Vec::new();
        let mut ok = true;
        for id in ids {
            match self.problem_ref(id) {
                Some(index) if list.contains(&index) => self.report(
                    Code::ListedTwice,
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
        let condition = self.condition(&claim.condition, Block::Claim)?;
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
                                    Code::ListedTwice,
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
                    ast::ResultsEntry::Year(year) => {
                        if let Some(year) = self.results_year(year, claims, &rules.years) {
                            rules.years.push(year);
                        }
                    }
                }
            }
        }
        // A year without its own cap takes the block's, wherever it stands.
        for year in &mut rules.years {
            year.cap = year.cap.or(rules.cap);
        }
        for index in 0..claims.len() as u32 {
            if !grouped.contains(&ClaimIdx(index)) {
                rules.groups.push(vec![ClaimIdx(index)]);
            }
        }
        rules.groups.retain(|group| !group.is_empty());
        rules
    }

    /// One `year "2013/14" { … }` of the results block: its April–March
    /// days and an amount for every claim; `None` (reported) when the label
    /// is not a funding year, overlaps `earlier`, or leaves a claim without
    /// an amount.
    fn results_year(
        &mut self,
        year: &ast::ResultsYear,
        claims: &[String],
        earlier: &[ResultsYear],
    ) -> Option<ResultsYear> {
        let label = &year.label.value;
        let Some((from, until)) = funding_year_days(label) else {
            self.report(
                Code::ResultsYear,
                year.label.span,
                format!("`{label}` is not an April–March funding year"),
                "write the year it starts and the last two digits of the next, e.g. `2013/14`",
            );
            return None;
        };
        if earlier
            .iter()
            .any(|other| other.from <= until && from <= other.until)
        {
            self.report(
                Code::ResultsYear,
                year.label.span,
                format!("results year `{label}` overlaps a year given before it"),
                "a family's attachment falls in one year: keep one entry for the year",
            );
            return None;
        }
        if let [_, again, ..] = year.caps.as_slice() {
            self.report(
                Code::GivenTwice,
                again.span,
                format!("results year `{label}` has two caps"),
                "keep one `cap`",
            );
        }
        let mut amounts: Vec<Option<Pence>> = vec![None; claims.len()];
        for line in &year.amounts {
            match claims.iter().position(|claim| *claim == line.claim.name) {
                Some(index) => {
                    let slot = amounts.get_mut(index)?;
                    if slot.replace(line.amount.value).is_some() {
                        self.report(
                            Code::GivenTwice,
                            line.span,
                            format!(
                                "results year `{label}` gives `{}` two amounts",
                                line.claim.name
                            ),
                            "keep one `pays` line for the claim",
                        );
                    }
                }
                None => {
                    let names: Vec<&str> = claims.iter().map(String::as_str).collect();
                    let help = help_for(&line.claim.name, names, || {
                        "declare it with `claim id \"title\" pays £… { … }`".to_string()
                    });
                    self.report(
                        Code::UnknownClaim,
                        line.claim.span,
                        format!("unknown claim `{}`", line.claim.name),
                        help,
                    );
                }
            }
        }
        let mut complete = Vec::with_capacity(claims.len());
        for (claim, amount) in claims.iter().zip(&amounts) {
            match amount {
                Some(amount) => complete.push(*amount),
                None => self.report(
                    Code::ResultsYearAmount,
                    year.label.span,
                    format!("results year `{label}` states no amount for claim `{claim}`"),
                    format!(
                        "add `{claim} pays £…`: a family attached in `{label}` is paid what its year states"
                    ),
                ),
            }
        }
        (complete.len() == claims.len()).then(|| ResultsYear {
            label: label.clone(),
            from,
            until,
            cap: year.caps.first().map(|cap| cap.value),
            amounts: complete,
        })
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
                ast::TimeUnit::Weeks => line.needed.count.value.checked_mul(7),
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
                TimeUnit::Days => u64::from(within.count),
                TimeUnit::Weeks => u64::from(within.count) * 7,
                TimeUnit::Months => u64::from(within.count) * 31,
            };
            if u64::from(needed_days) > window_days {
                self.report(
                    Code::NeverMet,
                    line.span,
                    "more employment is needed than the window holds, so this rule can never be met",
                    "make the window at least as long as the employment needed",
                );
                continue;
            }
            self.months_window_varies(within, needed_days, line.span);
            table.rules.push(BenefitRule {
                benefits,
                needed_days,
                within,
            });
        }
        Some(table)
    }
}

/// The first and last day of the April–March funding year written
/// `2013/14`: the year it starts, a slash, the last two digits of the next.
pub(super) fn funding_year_days(label: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (start, end) = label.split_once('/')?;
    let all_digits = |text: &str| text.bytes().all(|byte| byte.is_ascii_digit());
    if start.len() != 4 || end.len() != 2 || !all_digits(start) || !all_digits(end) {
        return None;
    }
    let start: i32 = start.parse().ok()?;
    let end: i32 = end.parse().ok()?;
    let next = start.checked_add(1)?;
    if next % 100 != end {
        return None;
    }
    let from = NaiveDate::from_ymd_opt(start, 4, 1)?;
    let until = NaiveDate::from_ymd_opt(next, 3, 31)?;
    Some((from, until))
}
