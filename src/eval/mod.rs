//! Evaluation: a checked plan and a validated family, as of a day, give a
//! [`Decision`].
//!
//! Every condition is computed as the set of days on which it holds, from the
//! facts known at the end of the as-of day (later events are ignored; spells
//! still open then are taken to stay open). Windows only look back, so the
//! same set answers "since when has this held" for days up to as-of and
//! "from which day will it hold if nothing changes" for the days after.
#![deny(clippy::arithmetic_side_effects)]

mod anchored;
mod approval;
mod basis;
mod calendar;
mod decision;
mod explain;
pub mod explanation;
mod measures;
mod reattachment;
mod sets;

pub use decision::*;

use crate::days::{Day, DaySet};
use crate::family::{Family, FieldValue, RecordPosition, Role};
use crate::num::Pence;
use crate::plan::{ClaimRoute, MemberEvents, Plan, Principle};
use crate::vocab::{FieldType, KindId, Shape};
use chrono::NaiveDate;
use sets::Evaluated;
use std::collections::BTreeSet;

/// One event as the evaluator sees it: days as numbers, a spell that is open
/// (or ends after the as-of day) ending at [`Day::MAX`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fact<'f> {
    /// The event's position in the family's list.
    pub(crate) index: usize,
    pub(crate) kind: KindId,
    pub(crate) member: Option<u32>,
    pub(crate) start: Day,
    pub(crate) end: Day,
    pub(crate) fields: &'f [Option<FieldValue>],
}

impl<'f> Fact<'f> {
    /// The value of one of its fields, if it has one: every read of an
    /// event's field goes through here, so the work tests count it.
    pub(crate) fn field(&self, field: usize) -> Option<&'f FieldValue> {
        #[cfg(test)]
        crate::days::tests::count_fact_lookup();
        self.fields.get(field).and_then(Option::as_ref)
    }
}

/// A member as the evaluator sees them.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub(crate) role: Role,
    pub(crate) born: Option<Day>,
    /// The days on which they count as a member.
    pub(crate) present: DaySet,
}

/// Everything known about one family as of one day, indexed for evaluation:
/// its events as facts, its members as people.
pub(crate) struct Facts<'f> {
    pub(crate) as_of: Day,
    /// The last day the sets of days of this family are exact on, and that
    /// answers are read from ([`crate::days::horizon`]): later days of a
    /// set are left out, not walked.
    pub(crate) horizon: Day,
    /// Every fact, by kind and then day; a fact's position is its index here.
    in_order: Vec<Fact<'f>>,
    /// Every fact's index, `0..`: as the facts are sorted by kind first,
    /// each kind's facts are one run of it, in day order.
    positions: Vec<usize>,
    /// Each kind's run of `positions` (by kind id), `start..end`.
    by_kind: Vec<(usize, usize)>,
    /// The indexes of the facts that name a member, by member, then kind,
    /// then day order (a fact's index is its place in day order within its
    /// kind): each member's facts of a kind are one run of it.
    by_kind_member: Vec<usize>,
    /// Each kind and member's run of `by_kind_member`, `(kind, member,
    /// start, end)`, in that order: a member's lookup is a binary search of
    /// these few runs, so it costs their own facts, not the family's.
    member_runs: Vec<(KindId, u32, usize, usize)>,
    pub(crate) people: Vec<Person>,
    pub(crate) family: &'f Family,
}

impl<'f> Facts<'f> {
    fn new(plan: &Plan, family: &'f Family, as_of: Day) -> Facts<'f> {
        Facts::without(plan, family, as_of, &|_| false)
    }

    /// The facts with the members `left_out` picks (by index) never
    /// present, so neither they nor their events count: what the rest of
    /// the family shows, for a member cap.
    pub(crate) fn without(
        plan: &Plan,
        family: &'f Family,
        as_of: Day,
        left_out: &dyn Fn(usize) -> bool,
    ) -> Facts<'f> {
        let while_member = plan.settings.member_events == MemberEvents::WhileMember;
        let people: Vec<Person> = family
            .members
            .iter()
            .enumerate()
            .map(|(index, member)| {
                // A membership is read like a spell: one starting after the
                // as-of day does not exist yet, and one ending after it is
                // still open, so a recorded future leaving never moves a
                // projection.
                let joined = member.joined.map_or(Day::MIN, Day::from_date);
                let left = member
                    .left
                    .map(Day::from_date)
                    .filter(|left| *left <= as_of)
                    .unwrap_or(Day::MAX);
                Person {
                    role: member.role,
                    born: member.born.map(Day::from_date),
                    present: if left_out(index) {
                        DaySet::empty()
                    } else if !while_member {
                        DaySet::all()
                    } else if joined > as_of {
                        DaySet::empty()
                    } else {
                        DaySet::interval(joined, left)
                    },
                }
            })
            .collect();
        let mut facts = Vec::with_capacity(family.events.len());
        for (index, event) in family.events.iter().enumerate() {
            let start = Day::from_date(event.start);
            if start > as_of {
                continue;
            }
            let end = match event.end {
                Some(end) if Day::from_date(end) <= as_of => Day::from_date(end),
                _ => Day::MAX,
            };
            let (mut start, mut end) = (start, end);
            if let Some(member) = event.member.and_then(|m| people.get(m as usize)) {
                // A member's events count only while they are a member.
                let Some(&(first, last)) = member.present.intervals().first() else {
                    continue;
                };
                start = start.max(first);
                end = end.min(last);
                if start > end {
                    continue;
                }
            }
            facts.push(Fact {
                index,
                kind: event.kind,
                member: event.member,
                start,
                end,
                fields: &event.fields,
            });
        }
        // The key ends in the event's position, so no two facts tie and the
        // unstable sort (which allocates nothing) gives the one order.
        facts.sort_unstable_by_key(|fact| {
            (fact.kind, fact.start, fact.end, fact.member, fact.index)
        });
        let mut by_kind = vec![(0, 0); plan.vocab.len()];
        let mut run_start = 0;
        for (position, fact) in facts.iter().enumerate() {
            let run_ends = facts
                .get(position.saturating_add(1))
                .is_none_or(|next| next.kind != fact.kind);
            if run_ends {
                let end = position.saturating_add(1);
                if let Some(run) = by_kind.get_mut(fact.kind.0 as usize) {
                    *run = (run_start, end);
                }
                run_start = end;
            }
        }
        let positions = (0..facts.len()).collect();
        // Positions are distinct, so no two keys tie.
        let mut keyed: Vec<(KindId, u32, usize)> = facts
            .iter()
            .enumerate()
            .filter_map(|(position, fact)| Some((fact.kind, fact.member?, position)))
            .collect();
        keyed.sort_unstable();
        let by_kind_member = keyed.iter().map(|(_, _, position)| *position).collect();
        let mut member_runs: Vec<(KindId, u32, usize, usize)> = Vec::new();
        for (at, (kind, member, _)) in keyed.iter().enumerate() {
            let next = at.saturating_add(1);
            match member_runs.last_mut() {
                Some((run_kind, run_member, _, end))
                    if (*run_kind, *run_member) == (*kind, *member) =>
                {
                    *end = next;
                }
                _ => member_runs.push((*kind, *member, at, next)),
            }
        }
        // The family's days after the as-of day: births, and dates in
        // events' fields, which windows are placed around (`within 6 months
        // before now`).
        let dates_in_fields = family
            .events
            .iter()
            .flat_map(|event| event.fields.iter())
            .filter_map(|field| match field {
                Some(FieldValue::Date(date)) => Some(Day::from_date(*date)),
                _ => None,
            });
        let latest = people
            .iter()
            .filter_map(|person| person.born)
            .chain(dates_in_fields)
            .fold(as_of.max(plan.reach.latest_written), Day::max);
        Facts {
            as_of,
            horizon: crate::days::horizon(latest, plan.reach.ahead_days),
            in_order: facts,
            positions,
            by_kind,
            by_kind_member,
            member_runs,
            people,
            family,
        }
    }

    /// The first day on or after `day` that `set` holds, for a set of this
    /// family: none when it is past the horizon, as a set holding any day
    /// after the horizon holds one before it (see [`crate::days::horizon`]).
    pub(crate) fn first_held(&self, set: &DaySet, day: Day) -> Option<Day> {
        set.first_at_or_after(day)
            .filter(|first| *first <= self.horizon)
    }

    /// The fact at a position of the indexes: every read of a fact goes
    /// through here, so the work tests count it.
    pub(crate) fn get(&self, position: usize) -> Option<&Fact<'f>> {
        #[cfg(test)]
        crate::days::tests::count_fact_lookup();
        self.in_order.get(position)
    }

    /// The member at an index, counted likewise.
    pub(crate) fn person(&self, member: u32) -> Option<&Person> {
        #[cfg(test)]
        crate::days::tests::count_fact_lookup();
        self.people.get(usize::try_from(member).ok()?)
    }

    pub(crate) fn of_kind(&self, kind: KindId) -> impl Iterator<Item = &Fact<'f>> {
        self.kind_positions(kind)
            .iter()
            .filter_map(|index| self.get(*index))
    }

    /// The indexes of the facts of a kind, in day order.
    pub(crate) fn kind_positions(&self, kind: KindId) -> &[usize] {
        self.by_kind
            .get(kind.0 as usize)
            .and_then(|(start, end)| self.positions.get(*start..*end))
            .unwrap_or(&[])
    }

    /// The indexes of one member's facts of a kind, in day order: the same
    /// facts, in the same order, as [`Facts::of_kind`] filtered by member.
    pub(crate) fn member_positions(&self, kind: KindId, member: u32) -> &[usize] {
        let wanted = (kind, member);
        let at = self
            .member_runs
            .partition_point(|(kind, member, ..)| (*kind, *member) < wanted);
        match self.member_runs.get(at) {
            Some((kind, member, start, end)) if (*kind, *member) == wanted => {
                self.by_kind_member.get(*start..*end).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// One member's facts of a kind, in day order.
    pub(crate) fn of_kind_member(
        &self,
        kind: KindId,
        member: u32,
    ) -> impl Iterator<Item = &Fact<'f>> {
        self.member_positions(kind, member)
            .iter()
            .filter_map(|index| self.get(*index))
    }
}

impl Plan {
    /// Decides a family as of the end of `as_of`.
    ///
    /// Pure: no I/O, no clock, no global state; the same inputs give the same
    /// decision whatever the order of the family's events and members. Ties
    /// are broken by content, never by position: records of the same days
    /// all count, and evidence is cited in order of day, then citation. The
    /// only positions a decision shows are those that locate a record in the
    /// input: `#N` citing an event that has no id, and `member #N`.
    pub fn evaluate(&self, family: &Family, as_of: NaiveDate) -> Decision {
        let day = Day::from_date(as_of);
        let facts = Facts::new(self, family, day);
        let evaluated = Evaluated::with_attachment(self, &facts);
        let mut decision = evaluated.decide(as_of);
        decision.errors = self.missing_births(family);
        decision
    }

    /// Members whose age the plan asks but whose date of birth is missing:
    /// they are decided without it (age-limited measures leave them out), and
    /// the decision says so, member by member in the order of their ids (the
    /// order the input lists them in never shows; `#N` still locates the
    /// record in the input).
    fn missing_births(&self, family: &Family) -> Vec<RecordProblem> {
        // A family read has fewer members than a position counts.
        let mut members: Vec<(u32, &crate::family::Member)> = (0..).zip(&family.members).collect();
        members.sort_by(|(_, a), (_, b)| a.id.cmp(&b.id));
        members
            .into_iter()
            .filter(|(_, member)| member.born.is_none())
            .filter(|(_, member)| match member.role {
                Role::Adult => self.ages_asked.adults,
                Role::Child => self.ages_asked.children,
            })
            .map(|(position, member)| RecordProblem {
                record: ProblemRecord::Record(RecordPosition::Member {
                    position,
                    id: Some(member.id.clone()),
                }),
                field: Some("born".into()),
                kind: ProblemKind::BirthMissing,
                file: None,
                line: None,
            })
            .collect()
    }
}

impl<'p> Evaluated<'p, '_> {
    fn decide(&self, as_of: NaiveDate) -> Decision {
        let plan = self.plan;
        let facts = self.facts;
        let identification_point = self.attachment_anchor;

        let mut problems = Vec::new();
        for (index, problem) in plan.problems.iter().enumerate() {
            let indicators = self.indicator_findings(index, identification_point);
            if !indicators.is_empty() {
                problems.push(ProblemFinding {
                    id: problem.id.clone(),
                    headline: problem.headline,
                    indicators,
                });
            }
        }
        let eligible = self.eligibility.contains(identification_point);

        let attachment = self.attachment_decision(eligible);
        let progress = self.progress_decisions();
        // A claim's basis cites, for a problem identified at the
        // identification point, what these findings already hold.
        let (claims, payable, route) = self.claim_decisions(eligible, as_of, &problems);

        Decision {
            family: facts.family.id.clone(),
            as_of,
            plan: PlanRef::of(plan),
            eligible,
            problems,
            attachment,
            progress,
            claims,
            payable,
            route,
            errors: Vec::new(),
        }
    }

    fn attachment_decision(&self, eligible: bool) -> Attachment {
        let day = self.facts.as_of;
        match &self.attachment {
            Some((attached, missing)) => {
                let status = if !missing.is_empty() {
                    AttachmentStatus::PrinciplesMissing
                } else if !eligible {
                    AttachmentStatus::AttachedNotEligible
                } else {
                    AttachmentStatus::Attached
                };
                Attachment {
                    status,
                    date: attached.to_date(),
                    missing: missing.iter().map(|p| self.principle_name(p, "")).collect(),
                    reason: (status == AttachmentStatus::AttachedNotEligible)
                        .then(|| NOT_ELIGIBLE_WHEN_ATTACHED.to_string()),
                }
            }
            None => {
                let missing = self.missing_principles(day);
                let status = if !eligible {
                    AttachmentStatus::NotEligible
                } else if missing.is_empty() {
                    AttachmentStatus::Attachable
                } else {
                    AttachmentStatus::PrinciplesMissing
                };
                Attachment {
                    status,
                    date: None,
                    missing: missing.iter().map(|p| self.principle_name(p, "")).collect(),
                    reason: None,
                }
            }
        }
    }

    fn progress_decisions(&self) -> Vec<Progress> {
        let day = self.facts.as_of;
        let mut out = Vec::new();
        for (index, problem) in self.plan.problems.iter().enumerate() {
            let counted = self.counted.get(index).is_some_and(|set| set.contains(day));
            if !counted {
                continue;
            }
            let (Some(significant), Some(progress)) =
                (self.significant.get(index), self.progress.get(index))
            else {
                continue;
            };
            let (significant, sustained, since, sustained_on) =
                progress_on(self.facts, significant, progress, day);
            let indicators = self
                .held
                .get(index)
                .into_iter()
                .flatten()
                .zip(self.indicator_progress.get(index).into_iter().flatten())
                .filter_map(|(held, (significant, progress))| {
                    let (significant, sustained, since, sustained_on) =
                        progress_on(self.facts, significant, progress, day);
                    Some(IndicatorProgress {
                        indicator: problem.indicators.get(*held)?.id.clone(),
                        significant,
                        sustained,
                        since,
                        sustained_on,
                    })
                })
                .collect();
            out.push(Progress {
                problem: problem.id.clone(),
                significant,
                sustained,
                since,
                sustained_on,
                indicators,
            });
        }
        out
    }

    fn claim_decisions(
        &self,
        eligible: bool,
        as_of: NaiveDate,
        findings: &[ProblemFinding],
    ) -> (Vec<ClaimDecision>, Pence, Vec<String>) {
        let plan = self.plan;
        let day = self.facts.as_of;
        let claimed = self.claims_made();
        let claimed_group = plan.results.groups.iter().position(|group| {
            group
                .iter()
                .any(|claim| claimed.contains(&(claim.0 as usize)))
        });
        // Sums of claim amounts are taken in 128 bits, where no plan's can
        // overflow (each amount fits 64), and brought back under the cap.
        // What each claim pays follows the funding year of the attachment.
        let payments = plan.payments(
            self.attachment
                .as_ref()
                .and_then(|(attached, _)| attached.to_date()),
        );
        let amount_of = |index: usize| payments.amounts.get(index).copied().unwrap_or_default();
        let paid: i128 = claimed
            .iter()
            .map(|index| i128::from(amount_of(*index).0))
            .sum();
        let cap = payments.cap.map_or(i64::MAX, |cap| cap.0);
        let paid = under_cap(paid, cap);

        let mut decisions = Vec::new();
        let mut claimable = Vec::new();
        for (index, claim) in plan.claims.iter().enumerate() {
            let amount = amount_of(index);
            let group = plan
                .results
                .groups
                .iter()
                .position(|group| group.iter().any(|c| c.0 as usize == index));
            let set = self
                .claim_sets
                .get(index)
                .cloned()
                .unwrap_or_else(DaySet::empty);
            let mut decision = ClaimDecision {
                claim_type: claim.id.clone(),
                status: ClaimStatus::NotYet,
                amount,
                earliest: None,
                window: None,
                reason: None,
                evidence: Vec::new(),
                basis: None,
                discretionary: claim.discretionary,
                approval: if claim.discretionary {
                    self.approval(index)
                } else {
                    None
                },
            };
            let other_group_claimed = claimed_group.is_some() && claimed_group != group;
            if plan.settings.earned_autonomy {
                decision.status = ClaimStatus::NotApplicable;
                decision.reason =
                    Some("the authority is on earned autonomy and makes no results claims".into());
            } else if claimed.contains(&index) {
                decision.status = ClaimStatus::Claimed;
                decision.reason = Some(format!(
                    "`{}` has already been claimed for this family",
                    claim.id
                ));
                decision.evidence = self.claim_evidence(Some(index));
            } else if other_group_claimed && !plan.results.top_up {
                decision.status = ClaimStatus::Claimed;
                decision.reason =
                    Some("the family has already been claimed by another route".into());
                decision.evidence = self.claim_evidence(None);
            } else if other_group_claimed && amount.0.min(cap) <= paid {
                // A top-up pays only the difference; with nothing left to pay,
                // calling it claimable would count the family twice in reports.
                decision.status = ClaimStatus::Claimed;
                decision.amount = Pence(0);
                decision.reason = Some(format!(
                    "the claims already made paid {}, as much as `{}` could bring: a top-up would pay nothing",
                    Pence(paid),
                    claim.id
                ));
                decision.evidence = self.claim_evidence(None);
            } else if let Some(reason) = self.attachment_blocker(eligible) {
                decision.reason = Some(reason);
            } else if set.contains(day) {
                match self.claim_window(as_of) {
                    Ok(window) => {
                        // A claimable claim cites what its basis rests on;
                        // its condition's evidence only when it has none.
                        decision.basis = self.claim_basis(claim, findings);
                        decision.evidence = match &decision.basis {
                            Some(basis) => self.basis_citations(basis),
                            None => self.evidence(&claim.condition, day),
                        };
                        decision.status = ClaimStatus::Claimable;
                        decision.earliest = set.run_start(day).and_then(Day::to_date);
                        decision.window = window;
                        if other_group_claimed {
                            // A top-up pays the difference up to this claim's own amount.
                            decision.amount = Pence(top_up(amount.0.min(cap), paid));
                        }
                        claimable.push((group, index, amount.0));
                    }
                    Err(closed) => {
                        decision.evidence = self.evidence(&claim.condition, day);
                        decision.reason = Some(closed);
                    }
                }
            } else {
                decision.evidence = self.evidence(&claim.condition, day);
                let earliest = self
                    .facts
                    .first_held(&set, day.succ())
                    .and_then(Day::to_date);
                match earliest.map(|earliest| self.claim_window(earliest)) {
                    Some(Err(closed)) => decision.reason = Some(closed),
                    possible => {
                        decision.earliest = earliest;
                        decision.window = possible.and_then(Result::ok).flatten();
                        decision.reason =
                            Some(if claim.discretionary && decision.approval.is_none() {
                                self.unapproved_reason(claim)
                            } else {
                                self.blocking_reason(&claim.condition, earliest.is_some())
                            });
                    }
                }
            }
            if let Some(approval) = &decision.approval {
                // The approval is a record the claim rests on: an auditor
                // checks it with the rest, in the claim file and audit page.
                let mut cited: BTreeSet<&str> =
                    decision.evidence.iter().map(String::as_str).collect();
                cited.extend(approval.records.iter().map(String::as_str));
                decision.evidence = self.recite(&cited);
            }
            decisions.push(decision);
        }

        let (payable, route) = self.route(&claimable, claimed_group, paid, cap);
        let route = route
            .iter()
            .filter_map(|index| plan.claims.get(*index))
            .map(|claim| claim.id.clone())
            .collect();
        (decisions, payable, route)
    }

    /// What may be paid now and which claims pay it: of the groups of
    /// claimable claims (`(group, claim, amount)`, in plan order), the one
    /// the plan's `claim_route` picks, within the cap, less what earlier
    /// claims already took of it. A group's claims are taken in plan order
    /// until its total reaches the cap; a claim past that would add nothing.
    fn route(
        &self,
        claimable: &[(Option<usize>, usize, i64)],
        claimed_group: Option<usize>,
        paid: i64,
        cap: i64,
    ) -> (Pence, Vec<usize>) {
        let plan = self.plan;
        // Each group that would pay something: what it pays, and its claims.
        let mut routes: Vec<(i64, Vec<usize>)> = Vec::new();
        for group_index in 0..plan.results.groups.len() {
            let already = if claimed_group == Some(group_index) {
                paid
            } else {
                0
            };
            let mut total = i128::from(already);
            let mut claims = Vec::new();
            for (_, index, amount) in claimable
                .iter()
                .filter(|(group, ..)| *group == Some(group_index))
            {
                if under_cap(total, cap) < cap {
                    claims.push(*index);
                    // i128 holds the sum of any plan's i64 amounts.
                    let Some(sum) = total.checked_add(i128::from(*amount)) else {
                        continue;
                    };
                    total = sum;
                }
            }
            let pays = top_up(under_cap(total, cap), paid);
            if pays > 0 {
                routes.push((pays, claims));
            }
        }
        // Routes in the order of their first claim in the plan.
        routes.sort_by_key(|(_, claims)| claims.first().copied());
        let chosen = match plan.settings.claim_route {
            ClaimRoute::LargerAmount => routes.into_iter().rev().max_by_key(|(pays, _)| *pays),
            ClaimRoute::PlanOrder => routes.into_iter().next(),
        };
        chosen.map_or((Pence(0), Vec::new()), |(pays, claims)| {
            (Pence(pays), claims)
        })
    }

    /// The claim window in which a claim that becomes possible on `day` is
    /// made: the first on or after it, or `None` when the plan states no
    /// windows; `Err` with the reason when the last window is before it.
    fn claim_window(&self, day: NaiveDate) -> Result<Option<NaiveDate>, String> {
        let windows = &self.plan.claim_window_days;
        let Some(last) = windows.last() else {
            return Ok(None);
        };
        let next = windows.partition_point(|window| *window < day);
        match windows.get(next) {
            Some(window) => Ok(Some(*window)),
            None => Err(format!(
                "not possible: the programme's last claim window closed on {last}"
            )),
        }
    }

    fn attachment_blocker(&self, eligible: bool) -> Option<String> {
        match &self.attachment {
            None => Some("the family is not attached".into()),
            Some((_, missing)) if !missing.is_empty() => Some(format!(
                "the attachment lacks {}",
                missing
                    .iter()
                    .map(|p| self.principle_name(p, "`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(_) if !eligible => Some(NOT_ELIGIBLE_WHEN_ATTACHED.to_string()),
            Some(_) => None,
        }
    }

    fn kind_name(&self, kind: KindId) -> String {
        self.plan
            .vocab
            .get(kind)
            .map_or_else(String::new, |kind| kind.name.clone())
    }

    /// A principle as a decision names it: its kinds joined by `or`, each
    /// between `quote`s.
    fn principle_name(&self, principle: &Principle, quote: &str) -> String {
        principle
            .kinds
            .iter()
            .map(|kind| format!("{quote}{}{quote}", self.kind_name(*kind)))
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// Principles not in place on `day`: none of its kinds has a point event
    /// on or before it, or a spell covering it.
    pub(crate) fn missing_principles(&self, day: Day) -> Vec<&'p Principle> {
        self.plan
            .principles
            .iter()
            .filter(|principle| {
                !principle.kinds.iter().any(|kind| {
                    let shape = self.plan.vocab.get(*kind).map(|k| k.shape);
                    self.facts.of_kind(*kind).any(|fact| match shape {
                        Some(Shape::Spell) => fact.start <= day && day <= fact.end,
                        _ => fact.start <= day,
                    })
                })
            })
            .collect()
    }

    /// The positions of the claim types already claimed for the family.
    fn claims_made(&self) -> Vec<usize> {
        let mut made: Vec<usize> = self
            .facts
            .of_kind(self.plan.known.claim)
            .filter_map(|fact| self.claim_named(fact))
            .collect();
        made.sort_unstable();
        made.dedup();
        made
    }

    /// The claim a `claim` record names, by its position in the plan. The
    /// reader has checked its `type` is one of the plan's claim ids.
    fn claim_named(&self, fact: &Fact<'_>) -> Option<usize> {
        let known = self.plan.known;
        self.claim_named_by(fact, known.claim, known.claim_type_field)
    }

    /// Why a discretionary claim without an approval is not claimable: the
    /// approval it needs, and what else its condition lacks.
    fn unapproved_reason(&self, claim: &crate::plan::ClaimDef) -> String {
        let needed = format!(
            "`{}` is discretionary: it needs an `approval` record naming it, who approved it and when, and none is recorded",
            claim.id
        );
        if self.cond(&claim.condition, None).contains(self.facts.as_of) {
            needed
        } else {
            format!("{needed}; {}", self.blocking_reason(&claim.condition, true))
        }
    }

    /// The claim a record of `kind` names in its one-of `field`, by its
    /// position in the plan.
    pub(crate) fn claim_named_by(
        &self,
        fact: &Fact<'_>,
        kind: KindId,
        field: usize,
    ) -> Option<usize> {
        let Some(FieldValue::Word(word)) = fact.field(field) else {
            return None;
        };
        let field = self.plan.vocab.get(kind)?.fields.get(field)?;
        let FieldType::OneOf(words) = &field.ty else {
            return None;
        };
        let id = words.get(usize::try_from(*word).ok()?)?;
        self.plan.claims.iter().position(|claim| claim.id == *id)
    }

    /// The `claim` records of one claim type, or of any.
    fn claim_evidence(&self, claim: Option<usize>) -> Vec<String> {
        let positions = self
            .facts
            .of_kind(self.plan.known.claim)
            .filter(|fact| claim.is_none() || self.claim_named(fact) == claim)
            .map(|fact| fact.index);
        self.cite_in_order(positions)
    }
}

/// Why an attachment with every principle in place is not valid: the
/// family did not meet the eligibility rule on the day, so the attachment
/// earns no fee and no claim can follow it.
const NOT_ELIGIBLE_WHEN_ATTACHED: &str = "the family was not eligible on the day it was attached";

/// A measure's state on a day: whether it holds and is sustained, since
/// when it holds, and when it is (or will be) sustained.
fn progress_on(
    facts: &Facts<'_>,
    significant: &DaySet,
    progress: &DaySet,
    day: Day,
) -> (bool, bool, Option<NaiveDate>, Option<NaiveDate>) {
    let sustained_on = if progress.contains(day) {
        progress.run_start(day)
    } else {
        facts.first_held(progress, day)
    };
    (
        significant.contains(day),
        progress.contains(day),
        significant.run_start(day).and_then(Day::to_date),
        sustained_on.and_then(Day::to_date),
    )
}

/// An exact sum of claim amounts, held to the cap (itself an `i64`, so the
/// result always fits).
/// What is left to pay of `limit` once `paid` is: none when `paid` already
/// reaches it. A plan writes no negative money, so both are between 0 and
/// the cap and the difference fits; were it not to, nothing is paid rather
/// than a wrapped amount.
fn top_up(limit: i64, paid: i64) -> i64 {
    limit.checked_sub(paid).map_or(0, |left| left.max(0))
}

fn under_cap(sum: i128, cap: i64) -> i64 {
    i64::try_from(sum.min(i128::from(cap))).unwrap_or(cap)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
    use super::*;
    use crate::days::tests::walk_and_set_work_during;
    use proptest::prelude::*;

    /// Windows of months over unbroken work, where the count follows the
    /// lengths of the months, then sustained, negated and asked when.
    const MONTHS_PLAN: &str = r#"plan "Horizon" { framework phase2 version "t" }
problem work "Work" {
  indicator out "Short of work" { any adult meets (days of employment within 6 months < 182 days) }
  significant "Back" { any adult meets (days of employment within 6 months >= 182 days) }
  sustained for 12 months
}
problem steady "Steady" {
  indicator month "A full month" { any adult meets (days of employment within 1 months >= 30 days) }
  significant "Not a full 13 months" { not (any adult meets (days of employment within 13 months >= 396 days)) }
  sustained for 6 months
}
eligible when at least 1 problems
claim progress "Progress" pays £800 { every identified problem has progressed }
"#;

    /// The plan, and the same plan reaching past the end of time, so
    /// that its families' sets are walked to the end of the calendar: the
    /// answer without a horizon.
    fn plans() -> (Plan, Plan) {
        let plan = Plan::parse(MONTHS_PLAN).unwrap();
        let mut unbounded = plan.clone();
        unbounded.reach.ahead_days = i64::MAX;
        (plan, unbounded)
    }

    fn family(plan: &Plan, attached: &str, spells: &[(String, Option<String>)]) -> Family {
        let attachment = format!(r#"{{"kind":"attachment","date":"{attached}"}}"#);
        let events: Vec<String> = std::iter::once(attachment)
            .chain(spells.iter().map(|(start, end)| match end {
                Some(end) => format!(
                    r#"{{"kind":"employment","member":"A","start":"{start}","end":"{end}"}}"#
                ),
                None => format!(r#"{{"kind":"employment","member":"A","start":"{start}"}}"#),
            }))
            .collect();
        let text = format!(
            r#"{{"id":"F","members":[{{"id":"A","role":"adult","born":"0001-01-01"}}],"events":[{}]}}"#,
            events.join(",")
        );
        plan.read_family(&text).unwrap()
    }

    #[test]
    fn an_open_spell_is_walked_to_the_horizon_not_to_the_end_of_time() {
        // Open since 1910, decided in 2016: the months were walked, and
        // their runs copied, to 9999; now to 400 years past the plan's
        // reach, and the decision is the same.
        let (plan, unbounded) = plans();
        let as_of = crate::date::parse("2016-11-30").unwrap();
        let work = |plan: &Plan, start: &str| {
            let family = family(plan, "2016-01-01", &[(start.to_owned(), None)]);
            walk_and_set_work_during(|| plan.evaluate(&family, as_of))
        };
        let (_, [_, recent]) = work(&plan, "2015-01-15");
        for (start, years) in [
            ("1910-01-15", 105),
            ("1610-01-15", 405),
            ("0001-01-15", 2014),
        ] {
            let (decision, [months, intervals]) = work(&plan, start);
            let (reference, [_, unbounded]) = work(&unbounded, start);
            assert_eq!(decision, reference, "{start}");
            assert!(months <= 5 * 4801, "{start}: {months} months walked");
            // Each year of the spell before the as-of day adds the runs of
            // its answer, about 54 intervals (eight runs of a months
            // window's answer, and the sets built from it), so a spell
            // from the first year of the calendar costs at most some six
            // times one from last year: a bound on every event, whatever
            // the windows' lengths.
            assert!(
                intervals <= recent + 60 * years,
                "{start}: {intervals} intervals, {recent} for a spell from 2015"
            );
            // Walked to the end of the calendar, even a spell from the
            // year 1 cost four times as much.
            assert!(
                4 * intervals <= unbounded,
                "{start}: {intervals} of {unbounded}"
            );
        }
        let (_, [_, earliest]) = work(&plan, "0001-01-01");
        assert!(
            earliest <= 6 * recent,
            "{earliest} intervals, {recent} for 2015"
        );
    }

    /// Spells of work before the as-of day `day`, the family attached on
    /// `attached`: each open, or closed after a few days to a few years,
    /// and starting in the year before the attachment (so that the family
    /// is identified by too few days of work), up to 10 years before the
    /// day, or on any day from the year 1.
    fn spells(day: i32, attached: i32) -> impl Strategy<Value = Vec<(i32, Option<i32>)>> {
        let first = Day::from_date(crate::date::parse("0001-03-01").unwrap()).0;
        let start = prop_oneof![attached - 400..attached, day - 3650..day, first..day];
        proptest::collection::vec((start, proptest::option::of(0i32..2000)), 1..4).prop_map(
            |spells| {
                spells
                    .into_iter()
                    .map(|(start, length)| (start, length.map(|length| start + length)))
                    .collect()
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn decisions_up_to_the_horizon_are_those_walked_to_the_end_of_time(
            (day, attached, spells) in (0i32..12_000, 0i32..800).prop_flat_map(|(offset, before)| {
                let day = Day::from_date(crate::date::parse("2000-01-01").unwrap()).0 + offset;
                let attached = day - before;
                (Just(day), Just(attached), spells(day, attached))
            }),
        ) {
            let (plan, unbounded) = plans();
            let spells: Vec<(String, Option<String>)> = spells
                .iter()
                .map(|(start, end)| (Day(*start).to_string(), end.map(|end| Day(end).to_string())))
                .collect();
            let family = family(&plan, &Day(attached).to_string(), &spells);
            let as_of = Day(day).to_date().unwrap();
            prop_assert_eq!(plan.evaluate(&family, as_of), unbounded.evaluate(&family, as_of));
        }
    }
}
