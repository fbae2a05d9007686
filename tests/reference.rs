//! A slow, obviously-correct, day-by-day reference for the shipped plan
//! `examples/plans/national-phase2.tfop`, written straight from the README's
//! "Semantics of time" over the family's JSON, and the properties that hold
//! `Plan::evaluate` to it.
//!
//! The reference shares nothing with `src/eval`: no day sets, no step
//! functions, no plan. Every question is "does this hold on this one day?",
//! answered by scanning the events; "sustained for N" looks at every single
//! day of its window. The plan's rules are spelled out by hand below, one
//! function per indicator and per significant-progress measure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{Datelike, Duration, Months, NaiveDate};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::HashMap;
use tfop::{AttachmentStatus, ClaimStatus, Decision, Plan};

mod common;
use common::strategies::{self, MEMBERS, Tally, base, date, decide_on, draws, frozen, point};

// ───────────── the reference ─────────────

/// The plan's problems in its order, with their sustain periods in months
/// (`None`: the measure holds its own periods, and progress is the measure).
const PROBLEMS: [(&str, Option<u32>); 6] = [
    ("crime", Some(6)),
    ("education", Some(12)),
    ("children_in_need", None),
    ("work", Some(6)),
    ("domestic_abuse", Some(6)),
    ("health", Some(6)),
];

/// The plan's claims in its order.
const CLAIMS: [&str; 2] = ["progress", "employment"];

fn parse_day(value: &Value) -> Option<NaiveDate> {
    value
        .as_str()
        .map(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
}

/// The day `months` calendar months before `day`, clamped to the end of a
/// shorter month (chrono's `checked_sub_months` clamps).
fn months_before(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(months)).unwrap()
}

/// "Sustained for `months`" as of `day`: `holds` on every day of the window
/// (day − months, day], one day at a time.
fn held_every_day(day: NaiveDate, months: u32, holds: impl Fn(NaiveDate) -> bool) -> bool {
    let opens_after = months_before(day, months);
    let mut each = day;
    while each > opens_after {
        if !holds(each) {
            return false;
        }
        each = each.pred_opt().unwrap();
    }
    true
}

/// Dated lengths drawn into the national plan: from `from` on, its
/// indicators' 12-month windows are `window` months and every sustain
/// period (6 or 12 months, of a problem or a condition) is `sustain`
/// months, each day judged by the length in force on it.
/// [`Dating::NONE`] is the shipped plan.
#[derive(Debug, Clone, Copy)]
struct Dating {
    from: NaiveDate,
    window: u32,
    sustain: u32,
}

impl Dating {
    const NONE: Dating = Dating {
        from: NaiveDate::MAX,
        window: 12,
        sustain: 6,
    };

    /// The months of an indicator's window on `day`.
    fn window(&self, day: NaiveDate) -> u32 {
        if day >= self.from { self.window } else { 12 }
    }

    /// The months of a sustain period of `months` on `day`.
    fn sustain(&self, months: u32, day: NaiveDate) -> u32 {
        if day >= self.from {
            self.sustain
        } else {
            months
        }
    }

    /// The shipped plan with these changes written in.
    fn plan(&self) -> Plan {
        let text = include_str!("../examples/plans/national-phase2.tfop");
        if self.from == NaiveDate::MAX {
            return Plan::parse(text).unwrap();
        }
        let change = |months: u32| format!(" then {months} months from {}", self.from);
        let mut dated = text.replace(
            "within 12 months",
            &format!("within 12 months{}", change(self.window)),
        );
        for period in ["sustained for 6 months", "sustained for 12 months"] {
            dated = dated.replace(period, &format!("{period}{}", change(self.sustain)));
        }
        Plan::parse(&dated).unwrap()
    }
}

/// A day for dated lengths to change on among the random families' days,
/// and the lengths from it.
fn dated_lengths() -> impl Strategy<Value = Dating> {
    (0i64..1800, 1u32..=18, 1u32..=18).prop_map(|(from, window, sustain)| Dating {
        from: base() + Duration::days(from),
        window,
        sustain,
    })
}

/// [`dated_lengths`], or the shipped plan half the time.
fn dating() -> impl Strategy<Value = Dating> {
    prop_oneof![Just(Dating::NONE), dated_lengths()]
}

/// A member as known at the end of the as-of day.
struct Member {
    child: bool,
    born: Option<NaiveDate>,
    joined: Option<NaiveDate>,
    /// `None` also when the member leaves after the as-of day: like a spell
    /// ending after D, the membership is still open on D.
    left: Option<NaiveDate>,
    /// False for a member who joins after the as-of day: like a spell
    /// starting after D, that membership does not exist yet.
    exists: bool,
}

impl Member {
    fn present(&self, day: NaiveDate) -> bool {
        self.exists
            && self.joined.is_none_or(|joined| joined <= day)
            && self.left.is_none_or(|left| day <= left)
    }

    /// Completed years on `day`; someone born on 29 February is a year older
    /// on 1 March in other years.
    fn age(&self, day: NaiveDate) -> Option<i32> {
        let born = self.born?;
        let mut years = day.year() - born.year();
        if (day.month(), day.day()) < (born.month(), born.day()) {
            years -= 1;
        }
        Some(years)
    }

    fn of_school_age(&self, day: NaiveDate) -> bool {
        self.age(day).is_some_and(|age| (5..=15).contains(&age))
    }
}

/// An event as known at the end of the as-of day, cut to the days its
/// member was a member (`member_events: while_member`).
struct Event {
    position: usize,
    kind: String,
    member: Option<usize>,
    first: NaiveDate,
    /// The last day; a point event's is its day; `None` is a spell still
    /// open at the end of the as-of day.
    last: Option<NaiveDate>,
    record: Value,
}

impl Event {
    fn on(&self, day: NaiveDate) -> bool {
        self.first <= day && self.last.is_none_or(|last| day <= last)
    }

    /// Whether any of its days lies in (opens_after, closes].
    fn in_window(&self, opens_after: NaiveDate, closes: NaiveDate) -> bool {
        self.first <= closes && self.last.is_none_or(|last| last > opens_after)
    }

    fn within_months(&self, day: NaiveDate, months: u32) -> bool {
        self.in_window(months_before(day, months), day)
    }

    fn text(&self, field: &str) -> &str {
        self.record[field].as_str().unwrap()
    }

    fn count(&self, field: &str) -> u64 {
        self.record[field].as_u64().unwrap()
    }
}

/// A member's last three school terms as of a day, and what happened in them.
struct Terms {
    sessions: u64,
    unauthorised: u64,
    fixed_exclusions: usize,
    permanent_exclusions: usize,
}

/// The national phase 2 plan, decided for one family as of the end of one
/// day, from the facts known then.
struct Reference {
    as_of: NaiveDate,
    members: Vec<Member>,
    events: Vec<Event>,
    attached: Option<NaiveDate>,
    /// The day problems are identified: the attachment day, else the as-of day.
    identification_day: NaiveDate,
    identified: Vec<usize>,
    significant_memo: RefCell<HashMap<(usize, NaiveDate), bool>>,
    /// The plan's dated lengths, if any.
    dating: Dating,
}

impl Reference {
    /// The family as known at the end of `as_of`: events after it do not
    /// exist, spells ending after it are open. Of several attachments, the
    /// latest valid one is used, or the latest when none is valid (the
    /// plan's default `reattachment: latest_valid`).
    fn new(family: &Value, as_of: NaiveDate) -> Reference {
        Reference::dated(family, as_of, Dating::NONE)
    }

    /// The same under the plan with these dated lengths.
    fn dated(family: &Value, as_of: NaiveDate, dating: Dating) -> Reference {
        let first = Reference::attached_on(family, as_of, None, dating);
        let mut days: Vec<NaiveDate> = first
            .events
            .iter()
            .filter(|event| event.kind == "attachment")
            .map(|event| event.first)
            .collect();
        days.sort();
        days.dedup();
        let Some(latest) = days.last().copied() else {
            return first;
        };
        days.iter()
            .rev()
            .map(|day| Reference::attached_on(family, as_of, Some(*day), dating))
            .find(|reference| reference.attachment_status() == AttachmentStatus::Attached)
            .unwrap_or_else(|| Reference::attached_on(family, as_of, Some(latest), dating))
    }

    /// The family attached on `attachment` (one of its attachment days), or
    /// on its first attachment day when `None`.
    fn attached_on(
        family: &Value,
        as_of: NaiveDate,
        attachment: Option<NaiveDate>,
        dating: Dating,
    ) -> Reference {
        let member_records = family["members"].as_array().unwrap();
        let members: Vec<Member> = member_records
            .iter()
            .map(|record| {
                let joined = parse_day(&record["joined"]);
                Member {
                    child: record["role"] == "child",
                    born: parse_day(&record["born"]),
                    joined,
                    left: parse_day(&record["left"]).filter(|left| *left <= as_of),
                    exists: joined.is_none_or(|joined| joined <= as_of),
                }
            })
            .collect();
        let mut events = Vec::new();
        for (position, record) in family["events"].as_array().unwrap().iter().enumerate() {
            let (mut first, mut last) = match parse_day(&record["date"]) {
                Some(day) => (day, Some(day)),
                None => (
                    parse_day(&record["start"]).unwrap(),
                    parse_day(&record["end"]),
                ),
            };
            if first > as_of {
                continue;
            }
            last = last.filter(|last| *last <= as_of);
            let member = record["member"].as_str().map(|id| {
                member_records
                    .iter()
                    .position(|member| member["id"] == id)
                    .unwrap()
            });
            if let Some(index) = member {
                let member = &members[index];
                if !member.exists {
                    continue;
                }
                if let Some(joined) = member.joined {
                    first = first.max(joined);
                }
                if let Some(left) = member.left {
                    last = Some(last.map_or(left, |last| last.min(left)));
                }
                if last.is_some_and(|last| last < first) {
                    continue;
                }
            }
            events.push(Event {
                position,
                kind: record["kind"].as_str().unwrap().to_string(),
                member,
                first,
                last,
                record: record.clone(),
            });
        }
        let attached = attachment.or_else(|| {
            events
                .iter()
                .filter(|event| event.kind == "attachment")
                .map(|event| event.first)
                .min()
        });
        let mut reference = Reference {
            as_of,
            members,
            events,
            attached,
            identification_day: attached.unwrap_or(as_of),
            identified: Vec::new(),
            significant_memo: RefCell::new(HashMap::new()),
            dating,
        };
        reference.identified = (0..PROBLEMS.len())
            .filter(|problem| {
                !reference
                    .indicators(*problem, reference.identification_day)
                    .is_empty()
            })
            .collect();
        reference
    }

    fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
        self.events.iter().filter(move |event| event.kind == kind)
    }

    fn of_member<'a>(
        &'a self,
        kind: &'a str,
        member: usize,
    ) -> impl Iterator<Item = &'a Event> + 'a {
        self.of_kind(kind)
            .filter(move |event| event.member == Some(member))
    }

    /// `any child` / `any adult` / `any member` on a day: the members present
    /// then with the role.
    fn any_member(
        &self,
        day: NaiveDate,
        child: Option<bool>,
        test: impl Fn(usize) -> bool,
    ) -> bool {
        self.members.iter().enumerate().any(|(index, member)| {
            member.present(day) && child.is_none_or(|child| member.child == child) && test(index)
        })
    }

    /// The member's three latest school terms that ended on or before `day`,
    /// with the sessions in them and the exclusions from the first day of the
    /// earliest of them up to `day`; `None` with fewer than three (not
    /// measurable). Terms ending on the same day are taken in the order of
    /// their start, then of the input (the README does not say; this is the
    /// evaluator's order).
    fn last_three_terms(&self, member: usize, day: NaiveDate) -> Option<Terms> {
        let mut ended: Vec<&Event> = self
            .of_member("school_term", member)
            .filter(|term| term.last.is_some_and(|last| last <= day))
            .collect();
        ended.sort_by_key(|term| (term.last, term.first, term.position));
        let last_three = ended.get(ended.len().checked_sub(3)?..)?;
        let from = last_three.iter().map(|term| term.first).min()?;
        let exclusions: Vec<&Event> = self
            .of_member("exclusion", member)
            .filter(|exclusion| from <= exclusion.first && exclusion.first <= day)
            .collect();
        Some(Terms {
            sessions: last_three.iter().map(|term| term.count("sessions")).sum(),
            unauthorised: last_three
                .iter()
                .map(|term| term.count("unauthorised"))
                .sum(),
            fixed_exclusions: exclusions
                .iter()
                .filter(|e| e.text("type") == "fixed")
                .count(),
            permanent_exclusions: exclusions
                .iter()
                .filter(|e| e.text("type") == "permanent")
                .count(),
        })
    }

    /// The indicators of a problem that hold on `day`.
    fn indicators(&self, problem: usize, day: NaiveDate) -> Vec<&'static str> {
        let member_has = |member: usize, kind: &str, test: &dyn Fn(&Event) -> bool| {
            self.of_member(kind, member).any(test)
        };
        let candidates: Vec<(&'static str, bool)> = match problem {
            0 => vec![
                (
                    "child_offence",
                    self.any_member(day, Some(true), |m| {
                        member_has(m, "offence", &|e| {
                            e.within_months(day, self.dating.window(day))
                        })
                    }),
                ),
                (
                    "asb",
                    self.any_member(day, None, |m| {
                        member_has(m, "asb_incident", &|e| {
                            e.within_months(day, self.dating.window(day))
                        })
                    }),
                ),
            ],
            1 => vec![
                (
                    "persistent_absence",
                    self.any_member(day, Some(true), |m| {
                        self.members[m].of_school_age(day)
                            && self.last_three_terms(m, day).is_some_and(|terms| {
                                terms.sessions > 0
                                    && terms.unauthorised * 100 >= 10 * terms.sessions
                            })
                    }),
                ),
                (
                    "fixed_exclusions",
                    self.any_member(day, Some(true), |m| {
                        self.last_three_terms(m, day)
                            .is_some_and(|terms| terms.fixed_exclusions >= 3)
                    }),
                ),
                (
                    "permanent_exclusion",
                    self.any_member(day, Some(true), |m| {
                        self.last_three_terms(m, day)
                            .is_some_and(|terms| terms.permanent_exclusions >= 1)
                    }),
                ),
            ],
            2 => vec![
                (
                    "child_in_need",
                    self.any_member(day, Some(true), |m| {
                        member_has(m, "child_in_need", &|e| e.on(day))
                    }),
                ),
                (
                    "child_protection",
                    self.any_member(day, Some(true), |m| {
                        member_has(m, "child_protection_plan", &|e| e.on(day))
                    }),
                ),
            ],
            3 => vec![(
                "out_of_work",
                self.any_member(day, Some(false), |m| {
                    member_has(m, "out_of_work_benefit", &|e| e.on(day))
                }),
            )],
            4 => vec![(
                "incident",
                self.of_kind("domestic_abuse_incident")
                    .any(|e| e.within_months(day, self.dating.window(day))),
            )],
            _ => vec![(
                "health_problem",
                self.any_member(day, None, |m| {
                    member_has(m, "health_problem", &|e| e.on(day))
                }),
            )],
        };
        candidates
            .into_iter()
            .filter(|(_, holds)| *holds)
            .map(|(id, _)| id)
            .collect()
    }

    /// Whether a problem's significant-progress measure holds on `day`.
    fn significant(&self, problem: usize, day: NaiveDate) -> bool {
        if let Some(known) = self.significant_memo.borrow().get(&(problem, day)) {
            return *known;
        }
        let holds = match problem {
            0 => {
                // Down by at least 60%: now × 100 ≤ 40 × before, before being
                // the 6 months up to the attachment day (the as-of day for a
                // family not attached).
                let baseline_day = self.identification_day;
                let now = self
                    .of_kind("asb_incident")
                    .filter(|e| e.within_months(day, 6))
                    .count();
                let before = self
                    .of_kind("asb_incident")
                    .filter(|e| e.within_months(baseline_day, 6))
                    .count();
                now * 100 <= 40 * before && !self.of_kind("offence").any(|e| e.on(day))
            }
            1 => self.members.iter().enumerate().all(|(m, member)| {
                let measured = member.child
                    && member.present(day)
                    && member.of_school_age(day)
                    && self
                        .of_member("school_term", m)
                        .any(|term| term.first <= day);
                !measured
                    || self.last_three_terms(m, day).is_some_and(|terms| {
                        terms.sessions > 0
                            && terms.unauthorised * 100 < 10 * terms.sessions
                            && terms.fixed_exclusions + terms.permanent_exclusions == 0
                    })
            }),
            // No child in need for 6 months, no child protection plan for 12.
            2 => {
                held_every_day(day, self.dating.sustain(6, day), |each| {
                    !self.of_kind("child_in_need").any(|e| e.on(each))
                }) && held_every_day(day, self.dating.sustain(12, day), |each| {
                    !self.of_kind("child_protection_plan").any(|e| e.on(each))
                })
            }
            3 => !self.any_member(day, Some(false), |m| {
                self.of_member("out_of_work_benefit", m).any(|e| e.on(day))
            }),
            4 => !self.of_kind("domestic_abuse_incident").any(|e| e.on(day)),
            _ => !self.of_kind("health_problem").any(|e| e.on(day)),
        };
        self.significant_memo
            .borrow_mut()
            .insert((problem, day), holds);
        holds
    }

    /// Significant progress sustained: held on every day of the window of
    /// the problem's sustain period up to `day`.
    fn progressed(&self, problem: usize, day: NaiveDate) -> bool {
        match PROBLEMS[problem].1 {
            Some(months) => held_every_day(day, self.dating.sustain(months, day), |each| {
                self.significant(problem, each)
            }),
            None => self.significant(problem, day),
        }
    }

    fn eligible(&self) -> bool {
        self.identified.len() >= 2
    }

    /// The principles not in place on `day`.
    fn missing(&self, day: NaiveDate) -> Vec<&'static str> {
        let mut missing = Vec::new();
        for point in ["family_assessment", "family_plan"] {
            if !self.of_kind(point).any(|e| e.first <= day) {
                missing.push(point);
            }
        }
        if !self.of_kind("lead_professional").any(|e| e.on(day)) {
            missing.push("lead_professional");
        }
        missing
    }

    fn attachment_status(&self) -> AttachmentStatus {
        match self.attached {
            Some(day) if !self.missing(day).is_empty() => AttachmentStatus::PrinciplesMissing,
            Some(_) if !self.eligible() => AttachmentStatus::AttachedNotEligible,
            Some(_) => AttachmentStatus::Attached,
            None if !self.eligible() => AttachmentStatus::NotEligible,
            None if self.missing(self.as_of).is_empty() => AttachmentStatus::Attachable,
            None => AttachmentStatus::PrinciplesMissing,
        }
    }

    /// Whether `day` (any day, before or after the as-of day, judged from
    /// the facts known at the end of the as-of day) is one on which the claim
    /// could be made: a valid attachment of a family eligible then, on or
    /// after the attachment day, and the claim's condition.
    fn possible(&self, claim: &str, day: NaiveDate) -> bool {
        let Some(attached) = self.attached else {
            return false;
        };
        if !self.missing(attached).is_empty() || !self.eligible() || day < attached {
            return false;
        }
        match claim {
            "progress" => {
                !self.identified.is_empty()
                    && self
                        .identified
                        .iter()
                        .all(|problem| self.progressed(*problem, day))
            }
            "employment" => self.any_member(day, Some(false), |m| {
                self.continuously_employed(m, attached, day)
            }),
            other => panic!("the plan has no claim `{other}`"),
        }
    }

    /// An adult on an out-of-work benefit on the attachment day with enough
    /// days of employment after it in the window that benefit's line asks.
    fn continuously_employed(&self, member: usize, attached: NaiveDate, day: NaiveDate) -> bool {
        self.of_member("out_of_work_benefit", member)
            .filter(|benefit| benefit.on(attached))
            .any(|benefit| {
                let (needed, within) = match benefit.text("benefit") {
                    "jsa" | "uc" => (26 * 7, 30 * 7),
                    _ => (13 * 7, 15 * 7),
                };
                let employed_days = (0..within)
                    .map(|back| day - Duration::days(back))
                    .filter(|each| *each > attached)
                    .filter(|each| {
                        self.of_member("employment", member)
                            .any(|job| job.on(*each))
                    })
                    .count();
                employed_days >= needed
            })
    }

    fn claimed(&self) -> bool {
        // Each claim of the plan is its own route and top-ups are not
        // allowed: a claim of either type already made closes both.
        self.of_kind("claim")
            .any(|claim| CLAIMS.contains(&claim.text("type")))
    }

    /// A claim's status as of the day.
    fn status(&self, claim: &str) -> ClaimStatus {
        if self.claimed() {
            ClaimStatus::Claimed
        } else if self.possible(claim, self.as_of) {
            ClaimStatus::Claimable
        } else {
            ClaimStatus::NotYet
        }
    }

    /// The first day of the unbroken run of possible days up to the as-of day.
    fn claimable_since(&self, claim: &str) -> NaiveDate {
        let mut first = self.as_of;
        while self.possible(claim, first.pred_opt().unwrap()) {
            first = first.pred_opt().unwrap();
        }
        first
    }
}

// ───────────── the evaluator, for comparison ─────────────

fn plan() -> Plan {
    Dating::NONE.plan()
}

/// Everything the reference decides, checked against the evaluator's
/// decision.
fn assert_agrees(decision: &Decision, reference: &Reference) -> Result<(), TestCaseError> {
    prop_assert_eq!(decision.eligible, reference.eligible(), "eligible");
    let problems: Vec<(&str, Vec<&str>)> = decision
        .problems
        .iter()
        .map(|problem| {
            (
                problem.id.as_str(),
                problem.indicators.iter().map(|i| i.id.as_str()).collect(),
            )
        })
        .collect();
    let expected: Vec<(&str, Vec<&str>)> = reference
        .identified
        .iter()
        .map(|p| {
            (
                PROBLEMS[*p].0,
                reference.indicators(*p, reference.identification_day),
            )
        })
        .collect();
    prop_assert_eq!(problems, expected, "problems and indicators");
    prop_assert_eq!(
        decision.attachment.status,
        reference.attachment_status(),
        "attachment"
    );
    let progress: Vec<(&str, bool, bool)> = decision
        .progress
        .iter()
        .map(|p| (p.problem.as_str(), p.significant, p.sustained))
        .collect();
    let expected: Vec<(&str, bool, bool)> = reference
        .identified
        .iter()
        .map(|p| {
            (
                PROBLEMS[*p].0,
                reference.significant(*p, reference.as_of),
                reference.progressed(*p, reference.as_of),
            )
        })
        .collect();
    prop_assert_eq!(progress, expected, "progress");
    for (claim, id) in decision.claims.iter().zip(CLAIMS) {
        prop_assert_eq!(claim.claim_type.as_str(), id);
        let status = reference.status(id);
        prop_assert_eq!(claim.status, status, "status of claim {}", id);
        if status == ClaimStatus::Claimable {
            prop_assert_eq!(
                claim.earliest,
                Some(reference.claimable_since(id)),
                "earliest of claim {}",
                id
            );
        }
    }
    Ok(())
}

// ───────────── crime measured per indicator ─────────────

/// The shipped plan with its crime problem measured per indicator (no
/// proven offence on the day, sustained for 6 months; anti-social behaviour
/// down 60%, sustained for 6 months), and progress claimed on most of the
/// identified problems.
fn per_indicator_plan() -> Plan {
    let text = include_str!("../examples/plans/national-phase2.tfop");
    let whole = r#"    any child has offence within 12 months
  }
  indicator asb "A family member with an anti-social behaviour intervention in the last 12 months" {
    any member has asb_incident within 12 months
  }
  significant "Anti-social behaviour across the family down 60% over 6 months, and no proven offence" {
    asb_incident in family down by at least 60% over 6 months and no offence in family now
  }
  sustained for 6 months
"#;
    let by_indicator = r#"    any child has offence within 12 months
    significant "No proven offence" { no offence in family now }
    sustained for 6 months
  }
  indicator asb "A family member with an anti-social behaviour intervention in the last 12 months" {
    any member has asb_incident within 12 months
    significant "Down 60%" { asb_incident in family down by at least 60% over 6 months }
    sustained for 6 months
  }
"#;
    assert!(text.contains(whole));
    let text = text.replace(whole, by_indicator).replace(
        "  every identified problem has progressed\n",
        "  most identified problems have progressed\n",
    );
    Plan::parse(&text).unwrap()
}

impl Reference {
    /// An indicator of the crime problem's own measure, on `day`.
    fn crime_indicator_significant(&self, indicator: &str, day: NaiveDate) -> bool {
        match indicator {
            "child_offence" => !self.of_kind("offence").any(|e| e.on(day)),
            _ => {
                let count = |on: NaiveDate| {
                    self.of_kind("asb_incident")
                        .filter(|e| e.within_months(on, 6))
                        .count()
                };
                count(day) * 100 <= 40 * count(self.identification_day)
            }
        }
    }

    fn crime_indicator_progressed(&self, indicator: &str, day: NaiveDate) -> bool {
        held_every_day(day, 6, |each| {
            self.crime_indicator_significant(indicator, each)
        })
    }

    /// Progress with crime measured per indicator: each indicator that held
    /// on the identification day has progressed, and there is one.
    fn progressed_per_indicator(&self, problem: usize, day: NaiveDate) -> bool {
        if problem != 0 {
            return self.progressed(problem, day);
        }
        let held = self.indicators(0, self.identification_day);
        !held.is_empty()
            && held
                .iter()
                .all(|indicator| self.crime_indicator_progressed(indicator, day))
    }

    /// `most identified problems have progressed`: more than half.
    fn most_progressed(&self, day: NaiveDate) -> bool {
        let progressed = self
            .identified
            .iter()
            .filter(|problem| self.progressed_per_indicator(**problem, day))
            .count();
        2 * progressed > self.identified.len()
    }
}

fn assert_agrees_per_indicator(
    decision: &Decision,
    reference: &Reference,
) -> Result<(), TestCaseError> {
    for progress in &decision.progress {
        let index = PROBLEMS
            .iter()
            .position(|(id, _)| *id == progress.problem)
            .unwrap();
        prop_assert_eq!(
            progress.sustained,
            reference.progressed_per_indicator(index, reference.as_of),
            "progress of {}",
            progress.problem
        );
        let indicators: Vec<(&str, bool, bool)> = progress
            .indicators
            .iter()
            .map(|i| (i.indicator.as_str(), i.significant, i.sustained))
            .collect();
        let expected: Vec<(&str, bool, bool)> = if index == 0 {
            reference
                .indicators(0, reference.identification_day)
                .into_iter()
                .map(|indicator| {
                    (
                        indicator,
                        reference.crime_indicator_significant(indicator, reference.as_of),
                        reference.crime_indicator_progressed(indicator, reference.as_of),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        prop_assert_eq!(indicators, expected, "indicators of {}", progress.problem);
    }
    let progress_claim = &decision.claims[0];
    let expected = if reference.claimed() {
        ClaimStatus::Claimed
    } else {
        let valid = reference.attached.is_some_and(|attached| {
            reference.missing(attached).is_empty()
                && reference.eligible()
                && reference.as_of >= attached
        });
        if valid && reference.most_progressed(reference.as_of) {
            ClaimStatus::Claimable
        } else {
            ClaimStatus::NotYet
        }
    };
    prop_assert_eq!(progress_claim.status, expected, "most identified problems");
    Ok(())
}

// ───────────── random families ─────────────

/// One random event about member A (an adult), C1 or C2 (children), or the
/// family; as in tests/properties.rs, with health problems, claims and
/// domestic abuse by members besides.
fn event() -> impl Strategy<Value = Value> {
    let spell = |kind: &'static str, members: &'static [&'static str]| {
        strategies::spell(kind, members, 0.8, 0i64..300)
    };
    prop_oneof![
        point("offence"),
        point("asb_incident"),
        point("asb_incident"),
        (0i64..1400, 0usize..3, any::<bool>()).prop_map(|(day, member, permanent)| json!({
            "kind": "exclusion", "member": MEMBERS[member], "date": date(day),
            "type": if permanent && day % 2 == 0 { "permanent" } else { "fixed" }
        })),
        (0i64..1400)
            .prop_map(|day| json!({ "kind": "domestic_abuse_incident", "date": date(day) })),
        point("domestic_abuse_incident"),
        (0i64..1400, 0usize..2, any::<bool>()).prop_map(|(day, child, permanent)| {
            // A run of exclusions, enough for an indicator when they fall
            // in the last three terms.
            let child = ["C1", "C2"][child];
            json!([
                { "kind": "exclusion", "member": child, "date": date(day), "type": "fixed" },
                { "kind": "exclusion", "member": child, "date": date(day + 20), "type": "fixed" },
                {
                    "kind": "exclusion", "member": child, "date": date(day + 40),
                    "type": if permanent { "permanent" } else { "fixed" }
                }
            ])
        }),
        (0i64..1400, 1usize..7, 3i64..40, 0usize..3).prop_map(|(day, count, spacing, member)| {
            // A run of anti-social behaviour, so that reductions against the
            // baseline are sometimes partial.
            let incidents: Vec<Value> = (0..count)
                .map(|index| {
                    json!({
                        "kind": "asb_incident", "member": MEMBERS[(member + index) % 3],
                        "date": date(day + spacing * index as i64)
                    })
                })
                .collect();
            Value::Array(incidents)
        }),
        spell("child_protection_plan", &["C1", "C2"]),
        spell("child_in_need", &["C1", "C2", "A"]),
        spell("health_problem", &["A", "C1", "C2"]).prop_map(|mut spell| {
            spell["type"] = json!("mental health");
            spell
        }),
        spell("health_problem", &["A", "C1", "C2"]).prop_map(|mut spell| {
            spell["type"] = json!("mental health");
            spell
        }),
        spell("employment", &["A", "A", "C1"]),
        spell("employment", &["A"]),
        (spell("out_of_work_benefit", &["A", "A", "C1"]), 0usize..6).prop_map(
            |(mut spell, benefit)| {
                spell["benefit"] = json!((["jsa", "esa", "is", "ib", "uc", "other"][benefit]));
                spell
            }
        ),
        (0i64..1400).prop_map(|day| json!({ "kind": "family_assessment", "date": date(day) })),
        (0i64..1400).prop_map(|day| json!({ "kind": "family_plan", "date": date(day) })),
        (0i64..1400, prop::option::of(0i64..400)).prop_map(|(day, length)| {
            let mut spell = json!({ "kind": "lead_professional", "start": date(day) });
            if let Some(length) = length {
                spell["end"] = json!(date(day + length));
            }
            spell
        }),
        (0i64..1400).prop_map(|day| json!({ "kind": "attachment", "date": date(day) })),
    ]
}

/// A child's date of birth: often one that leaves school age (turns 16)
/// during the years the events cover, sometimes 29 February, sometimes none.
fn child_born() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        6 => (-6500i64..-2000).prop_map(|offset| Some(date(offset))),
        1 => Just(Some("1999-02-28".to_string())),
        1 => Just(Some("2000-02-29".to_string())),
        1 => Just(Some("2004-02-29".to_string())),
        1 => Just(None),
    ]
}

/// A child's school terms: a run of consecutive terms (about a third of a
/// year each, with gaps for holidays), rates of absence around 10%, exactly
/// 10% now and then.
fn school_terms(child: &'static str) -> impl Strategy<Value = Vec<Value>> {
    (
        0i64..10,
        proptest::collection::vec(
            (
                prop::option::of(40u64..100),
                0u64..13,
                60i64..100,
                prop::option::of(0u64..20),
            ),
            0..9,
        ),
    )
        .prop_map(move |(first, terms)| {
            terms
                .into_iter()
                .enumerate()
                .map(|(index, (sessions, unauthorised, length, authorised))| {
                    let start = (first + index as i64) * 120;
                    // Authorised absence, when recorded, moves none of the
                    // national plan's measures.
                    let mut term = json!({
                        "kind": "school_term", "member": child,
                        "start": date(start), "end": date(start + length),
                        "sessions": sessions.unwrap_or(100), "unauthorised": unauthorised
                    });
                    if let Some(authorised) = authorised {
                        term["authorised"] = json!(authorised);
                    }
                    term
                })
                .collect()
        })
}

/// Membership: usually always a member; sometimes joining or leaving.
fn membership() -> impl Strategy<Value = (Option<i64>, Option<i64>)> {
    prop_oneof![
        6 => Just((None, None)),
        1 => (0i64..1400).prop_map(|joined| (Some(joined), None)),
        1 => (0i64..1400).prop_map(|left| (None, Some(left))),
        1 => (0i64..1000, 0i64..400).prop_map(|(joined, stay)| (Some(joined), Some(joined + stay))),
    ]
}

/// Families, two in three of them attached with every principle in place
/// (and an adult on a benefit at attachment), so that claims are often
/// possible; some with every principle in place and not attached yet.
fn family() -> impl Strategy<Value = Value> {
    (
        (
            proptest::collection::vec(event(), 0..30),
            school_terms("C1"),
            school_terms("C2"),
        )
            .prop_map(|(mut events, c1, c2)| {
                events.extend(c1);
                events.extend(c2);
                events
            }),
        prop::option::weighted(
            0.8,
            (
                100i64..900,
                prop::option::of((0usize..6, 0i64..200)),
                prop::bool::weighted(0.85),
            ),
        ),
        child_born(),
        child_born(),
        proptest::collection::vec(membership(), 3),
        prop::option::weighted(0.1, (0i64..1600, any::<bool>())),
    )
        .prop_map(
            |(mut events, attached, c1_born, c2_born, memberships, claim)| {
                if let Some((day, benefit, attach)) = attached {
                    events.push(json!({ "kind": "family_assessment", "date": date(day - 10) }));
                    events.push(json!({ "kind": "family_plan", "date": date(day - 5) }));
                    events.push(json!({ "kind": "lead_professional", "start": date(day - 5) }));
                    if attach {
                        events.push(json!({ "kind": "attachment", "date": date(day) }));
                    }
                    if let Some((benefit, before)) = benefit {
                        events.push(json!({
                            "kind": "out_of_work_benefit", "member": "A",
                            "start": date(day - before), "end": date(day + before / 2),
                            "benefit": (["jsa", "esa", "is", "ib", "uc", "other"][benefit])
                        }));
                        events.push(json!({
                            "kind": "employment", "member": "A", "start": date(day + before / 2 + 1)
                        }));
                    }
                }
                if let Some((day, progress)) = claim {
                    events.push(json!({
                        "kind": "claim", "date": date(day),
                        "type": if progress { "progress" } else { "employment" }
                    }));
                }
                let events: Vec<Value> = events
                    .into_iter()
                    .flat_map(|event| match event {
                        Value::Array(run) => run,
                        one => vec![one],
                    })
                    .enumerate()
                    .map(|(index, mut event)| {
                        event["id"] = json!(format!("e{index}"));
                        event
                    })
                    .collect();
                let mut members = vec![
                    json!({ "id": "A", "role": "adult", "born": "1980-05-05" }),
                    json!({ "id": "C1", "role": "child" }),
                    json!({ "id": "C2", "role": "child" }),
                ];
                if let Some(born) = c1_born {
                    members[1]["born"] = json!(born);
                }
                if let Some(born) = c2_born {
                    members[2]["born"] = json!(born);
                }
                for (member, (joined, left)) in members.iter_mut().zip(memberships) {
                    if let Some(joined) = joined {
                        member["joined"] = json!(date(joined));
                    }
                    if let Some(left) = left {
                        member["left"] = json!(date(left));
                    }
                }
                json!({ "id": "F", "members": members, "events": events })
            },
        )
}

/// A family and a day to decide it as of: any day of the years the events
/// cover, or, half the time, one in the months after the attachment, when
/// claims start to become possible; now and then the day of an offence or a
/// domestic abuse incident, the one day a "none on the day" measure fails.
fn case() -> impl Strategy<Value = (Value, NaiveDate)> {
    (
        family(),
        100i64..1700,
        any::<bool>(),
        0i64..400,
        prop::option::weighted(0.15, any::<prop::sample::Index>()),
    )
        .prop_map(|(family, any_day, near, after, sign)| {
            let events = family["events"].as_array().unwrap();
            let attached = events
                .iter()
                .filter(|event| event["kind"] == "attachment")
                .filter_map(|event| parse_day(&event["date"]))
                .min();
            let sign_days: Vec<NaiveDate> = events
                .iter()
                .filter(|event| {
                    event["kind"] == "offence" || event["kind"] == "domestic_abuse_incident"
                })
                .filter_map(|event| parse_day(&event["date"]))
                .collect();
            let as_of = match (attached, sign) {
                (_, Some(index)) if !sign_days.is_empty() => *index.get(&sign_days),
                (Some(attached), _) if near => attached + Duration::days(after),
                _ => base() + Duration::days(any_day),
            };
            (family, as_of)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_evaluator_agrees_with_the_day_by_day_reference((family, as_of) in case(), dating in dating()) {
        let decision = decide_on(&dating.plan(), &family, as_of);
        let reference = Reference::dated(&family, as_of, dating);
        assert_agrees(&decision, &reference)?;
    }

    #[test]
    fn progress_per_indicator_and_on_most_problems_agrees_with_the_reference((family, as_of) in case()) {
        let decision = decide_on(&per_indicator_plan(), &family, as_of);
        let reference = Reference::new(&family, as_of);
        assert_agrees_per_indicator(&decision, &reference)?;
    }

    #[test]
    fn a_projection_is_the_first_day_the_reference_finds_possible((family, as_of) in case(), dating in dating()) {
        // The projection reads the family as known at the end of the as-of
        // day (README, "Projection"): the reference built as of that day
        // holds exactly those facts, and answers for any later day.
        let decision = decide_on(&dating.plan(), &family, as_of);
        let reference = Reference::dated(&family, as_of, dating);
        for (claim, id) in decision.claims.iter().zip(CLAIMS) {
            match (claim.status, claim.earliest) {
                (ClaimStatus::NotYet, Some(first)) => {
                    prop_assert!(first > as_of);
                    let mut day = as_of.succ_opt().unwrap();
                    while day < first {
                        prop_assert!(!reference.possible(id, day), "{} possible on {}, before {}", id, day, first);
                        day = day.succ_opt().unwrap();
                    }
                    prop_assert!(reference.possible(id, first), "{} not possible on {}", id, first);
                }
                (ClaimStatus::NotYet, None) => {
                    for days in 1..=3 * 365 {
                        let day = as_of + Duration::days(days);
                        prop_assert!(!reference.possible(id, day), "{} possible on {}", id, day);
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn a_projection_is_what_deciding_on_that_day_would_say((family, as_of) in case()) {
        // The same, through the front door: the reference decides the frozen
        // family as of the projected day and the day before.
        let decision = decide_on(&plan(), &family, as_of);
        let known = frozen(&family, as_of);
        for (claim, id) in decision.claims.iter().zip(CLAIMS) {
            if let (ClaimStatus::NotYet, Some(first)) = (claim.status, claim.earliest) {
                prop_assert_eq!(Reference::new(&known, first).status(id), ClaimStatus::Claimable);
                let day_before = first.pred_opt().unwrap();
                if day_before > as_of {
                    prop_assert_eq!(Reference::new(&known, day_before).status(id), ClaimStatus::NotYet);
                }
            }
        }
    }

    #[test]
    fn claimable_since_is_the_start_of_the_run_of_days_deciding_would_say_claimable((family, as_of) in case()) {
        // `earliest` of a claimable claim is "the first day of the unbroken
        // run of days up to as-of on which it has been possible"
        // (interchange.md). We read "possible on day d" as "a decision as of
        // d, from the facts known at the end of d, says claimable": windows
        // only look back, so this is the same as judging d from the facts
        // known at the end of as-of, which is how the evaluator computes it
        // (one set of days) and which `assert_agrees` checks day by day.
        let decision = decide_on(&plan(), &family, as_of);
        for (claim, id) in decision.claims.iter().zip(CLAIMS) {
            if claim.status != ClaimStatus::Claimable {
                continue;
            }
            let first = claim.earliest.unwrap();
            prop_assert!(first <= as_of);
            let mut day = first;
            while day <= as_of {
                prop_assert_eq!(Reference::new(&family, day).status(id), ClaimStatus::Claimable, "as of {}", day);
                day += Duration::days(7);
            }
            prop_assert_eq!(Reference::new(&family, as_of).status(id), ClaimStatus::Claimable);
            let day_before = first.pred_opt().unwrap();
            prop_assert_ne!(Reference::new(&family, day_before).status(id), ClaimStatus::Claimable, "as of {}", day_before);
        }
    }
}

/// Guards the dated draws against testing nothing: their plans decide
/// some families otherwise than the shipped plan, decided after the
/// change, in what is identified and in progress.
#[test]
fn random_dated_lengths_change_decisions() {
    let shipped = plan();
    let mut seen = Tally::default();
    for ((family, as_of), dating) in draws((case(), dated_lengths()), 300) {
        let dated = decide_on(&dating.plan(), &family, as_of);
        let undated = decide_on(&shipped, &family, as_of);
        let side = if as_of >= dating.from {
            "after"
        } else {
            "before"
        };
        let ids = |decision: &Decision| -> Vec<String> {
            decision.problems.iter().map(|p| p.id.clone()).collect()
        };
        if ids(&dated) != ids(&undated) {
            seen.note(format!("identified otherwise {side}"));
        }
        let sustained = |decision: &Decision| -> Vec<bool> {
            decision.progress.iter().map(|p| p.sustained).collect()
        };
        if ids(&dated) == ids(&undated) && sustained(&dated) != sustained(&undated) {
            seen.note(format!("progress otherwise {side}"));
        }
    }
    seen.assert_each_seen(
        ["identified otherwise after", "progress otherwise after"],
        5,
    );
}

/// Guards the properties against testing nothing: over the generator's
/// families, every problem is identified, progress is both met and not, and
/// each claim reaches every status.
#[test]
fn random_families_reach_every_outcome() {
    let plan = plan();
    let mut seen = Tally::default();
    for (family, as_of) in draws(case(), 1000) {
        let decision = decide_on(&plan, &family, as_of);
        let mut note = |what: String| seen.note(what);
        note(format!("eligible {}", decision.eligible));
        note(format!("{:?}", decision.attachment.status));
        for problem in &decision.problems {
            for indicator in &problem.indicators {
                note(format!("indicator {}", indicator.id));
            }
        }
        for progress in &decision.progress {
            note(format!(
                "{} significant {} sustained {}",
                progress.problem, progress.significant, progress.sustained
            ));
        }
        for claim in &decision.claims {
            note(format!(
                "{} {:?} {}",
                claim.claim_type,
                claim.status,
                claim.earliest.is_some()
            ));
        }
    }
    let mut expected = vec![
        "eligible true".to_string(),
        "eligible false".to_string(),
        "Attached".to_string(),
        "Attachable".to_string(),
        "NotEligible".to_string(),
        "PrinciplesMissing".to_string(),
    ];
    for indicator in [
        "child_offence",
        "asb",
        "persistent_absence",
        "fixed_exclusions",
        "permanent_exclusion",
        "child_in_need",
        "child_protection",
        "out_of_work",
        "incident",
        "health_problem",
    ] {
        expected.push(format!("indicator {indicator}"));
    }
    for (problem, sustain) in PROBLEMS {
        expected.push(format!("{problem} significant false sustained false"));
        expected.push(format!("{problem} significant true sustained true"));
        // Without a sustain period of its own, progress is the measure.
        if sustain.is_some() {
            expected.push(format!("{problem} significant true sustained false"));
        }
    }
    for claim in CLAIMS {
        for status in [
            "Claimable true",
            "NotYet true",
            "NotYet false",
            "Claimed false",
        ] {
            expected.push(format!("{claim} {status}"));
        }
    }
    seen.assert_each_seen(expected.iter().map(String::as_str), 3);
}

/// Hand-written families at the exact boundaries of the README, where the
/// evaluator and the reference must agree with each other and with the
/// day the README names.
mod boundaries {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// An adult and a child born on `born`, with the events.
    fn family_with(born: &str, events: Value) -> Value {
        json!({
            "id": "F",
            "members": [
                { "id": "A", "role": "adult", "born": "1980-01-01" },
                { "id": "C", "role": "child", "born": born }
            ],
            "events": events
        })
    }

    /// Every principle in place, and the attachment, on `attached`.
    fn attachment(attached: &str) -> Vec<Value> {
        vec![
            json!({ "kind": "family_assessment", "date": attached }),
            json!({ "kind": "family_plan", "date": attached }),
            json!({ "kind": "lead_professional", "start": attached }),
            json!({ "kind": "attachment", "date": attached }),
        ]
    }

    /// The evaluator's decision, once the reference agrees with it.
    fn agreed(family: &Value, as_of: &str) -> Decision {
        let decision = decide_on(&plan(), family, day(as_of));
        let reference = Reference::new(family, day(as_of));
        if let Err(disagreement) = assert_agrees(&decision, &reference) {
            panic!("as of {as_of}: {disagreement}");
        }
        decision
    }

    fn significant(decision: &Decision, problem: &str) -> bool {
        decision
            .progress
            .iter()
            .find(|p| p.problem == problem)
            .unwrap()
            .significant
    }

    fn progress_claim(decision: &Decision) -> (ClaimStatus, Option<NaiveDate>) {
        let claim = &decision.claims[0];
        (claim.status, claim.earliest)
    }

    /// Whether the problem has progressed, and the day it is (or will be)
    /// sustained from.
    fn sustained(decision: &Decision, problem: &str) -> (bool, Option<NaiveDate>) {
        let progress = decision
            .progress
            .iter()
            .find(|p| p.problem == problem)
            .unwrap();
        (progress.sustained, progress.sustained_on)
    }

    #[test]
    fn six_months_before_31_august_is_the_end_of_february() {
        // Domestic abuse is identified (an incident in the last 12 months);
        // its progress is no incident on the day, sustained for 6 months, so
        // progress as of 31 August asks for none in the window after the end
        // of February.
        for (as_of, out, within) in [
            ("2024-08-31", "2024-02-29", "2024-03-01"),
            ("2023-08-31", "2023-02-28", "2023-03-01"),
        ] {
            let incident = |on: &str| {
                family_with(
                    "2008-01-01",
                    json!([{ "kind": "domestic_abuse_incident", "date": on }]),
                )
            };
            assert!(sustained(&agreed(&incident(out), as_of), "domestic_abuse").0);
            assert!(!sustained(&agreed(&incident(within), as_of), "domestic_abuse").0);
        }
    }

    /// The README's rule for a problem whose last sign is on day E: kept
    /// clear for N months, it first holds on the first day D with
    /// D − N ≥ E. That is E + N months unless E's day of the month does not
    /// exist N months later (E + N clamps to the month's end, whose window
    /// still holds E); then it is the first of the next month.
    #[test]
    fn the_first_clear_day_is_the_first_day_whose_window_opens_on_or_after_the_last_sign() {
        let point = |kind: &str, on: &str| json!({ "kind": kind, "member": "C", "date": on });
        let protection_plan_to = |end: &str| {
            json!({
                "kind": "child_protection_plan", "member": "C",
                "start": "2019-06-01", "end": end
            })
        };
        // (the last sign, the attachment day, the problem, the day before
        // the first clear day, the first clear day)
        let cases = [
            // 31 August + 6 months clamps to 28 February, which still blocks.
            (
                point("domestic_abuse_incident", "2018-08-31"),
                "2018-08-31",
                "domestic_abuse",
                "2019-02-28",
                "2019-03-01",
            ),
            // In a leap year the clamped day is 29 February, and it blocks.
            (
                point("offence", "2019-08-31"),
                "2019-08-31",
                "crime",
                "2020-02-29",
                "2020-03-01",
            ),
            // 31 October + 6 months clamps to 30 April.
            (
                point("domestic_abuse_incident", "2018-10-31"),
                "2018-10-31",
                "domestic_abuse",
                "2019-04-30",
                "2019-05-01",
            ),
            // 29 February + 6 months is 29 August: nothing clamps.
            (
                point("domestic_abuse_incident", "2020-02-29"),
                "2020-02-29",
                "domestic_abuse",
                "2020-08-28",
                "2020-08-29",
            ),
            // 29 February + 12 months clamps to 28 February.
            (
                protection_plan_to("2020-02-29"),
                "2019-06-01",
                "children_in_need",
                "2021-02-28",
                "2021-03-01",
            ),
        ];
        for (sign, attached, problem, blocked, clear) in cases {
            let mut events = attachment(attached);
            events.push(sign);
            let family = family_with("2008-01-01", Value::Array(events));
            assert_eq!(
                sustained(&agreed(&family, blocked), problem),
                (false, Some(day(clear))),
                "{problem} as of {blocked}"
            );
            assert_eq!(
                sustained(&agreed(&family, clear), problem),
                (true, Some(day(clear))),
                "{problem} as of {clear}"
            );
        }
    }

    #[test]
    fn a_spell_counts_now_through_its_last_day_and_stays_open_past_the_day() {
        let plan_until = |end: Option<&str>| {
            let mut spell =
                json!({ "kind": "child_protection_plan", "member": "C", "start": "2015-01-01" });
            if let Some(end) = end {
                spell["end"] = json!(end);
            }
            family_with("2008-01-01", json!([spell]))
        };
        let identified = |decision: &Decision| -> Vec<String> {
            decision.problems.iter().map(|p| p.id.clone()).collect()
        };
        let as_of = "2016-03-01";
        assert!(identified(&agreed(&plan_until(Some("2016-02-29")), as_of)).is_empty());
        assert_eq!(
            identified(&agreed(&plan_until(Some("2016-03-01")), as_of)),
            ["children_in_need"]
        );
        assert_eq!(
            identified(&agreed(&plan_until(Some("2016-03-02")), as_of)),
            ["children_in_need"]
        );
        assert_eq!(
            identified(&agreed(&plan_until(None), as_of)),
            ["children_in_need"]
        );
    }

    /// Attached on 1 June 2015 for anti-social behaviour (one incident in the
    /// baseline) and a child protection plan that ended on 31 August 2015.
    fn protection_plan_ended_31_august() -> Value {
        let mut events = attachment("2015-06-01");
        events.push(json!({ "kind": "asb_incident", "member": "C", "date": "2015-05-01" }));
        events.push(json!({
            "kind": "child_protection_plan", "member": "C",
            "start": "2015-01-01", "end": "2015-08-31"
        }));
        family_with("2008-01-01", Value::Array(events))
    }

    #[test]
    fn progress_sustained_for_12_months_holds_on_the_last_day_plus_12_months() {
        let family = protection_plan_ended_31_august();
        assert_eq!(
            progress_claim(&agreed(&family, "2016-08-30")),
            (ClaimStatus::NotYet, Some(day("2016-08-31")))
        );
        assert_eq!(
            progress_claim(&agreed(&family, "2016-08-31")),
            (ClaimStatus::Claimable, Some(day("2016-08-31")))
        );
        // Known only on 1 March 2016, when the plan has ended: the projection
        // from then is the same day.
        assert_eq!(
            progress_claim(&agreed(&family, "2016-03-01")),
            (ClaimStatus::NotYet, Some(day("2016-08-31")))
        );
    }

    #[test]
    fn an_open_protection_plan_blocks_progress_without_a_change() {
        // As of 31 July 2015 the plan ending in August is not known to end.
        let family = protection_plan_ended_31_august();
        assert_eq!(
            progress_claim(&agreed(&family, "2015-07-31")),
            (ClaimStatus::NotYet, None)
        );
    }

    /// Three terms of 100 sessions for the child, the last ending on
    /// 20 July 2016, with `unauthorised` sessions missed in each.
    fn three_terms(unauthorised: [u64; 3]) -> Vec<Value> {
        [
            ("2015-09-01", "2015-12-18"),
            ("2016-01-04", "2016-03-24"),
            ("2016-04-11", "2016-07-20"),
        ]
        .iter()
        .zip(unauthorised)
        .map(|((start, end), unauthorised)| {
            json!({
                "kind": "school_term", "member": "C", "start": start, "end": end,
                "sessions": 100, "unauthorised": unauthorised
            })
        })
        .collect()
    }

    fn indicators(decision: &Decision) -> Vec<String> {
        decision
            .problems
            .iter()
            .flat_map(|p| p.indicators.iter().map(|i| i.id.clone()))
            .collect()
    }

    #[test]
    fn absence_of_exactly_10_percent_is_persistent() {
        let family = family_with("2008-01-01", Value::Array(three_terms([10, 10, 10])));
        assert_eq!(
            indicators(&agreed(&family, "2016-07-20")),
            ["persistent_absence"]
        );
        let family = family_with("2008-01-01", Value::Array(three_terms([10, 10, 9])));
        assert!(indicators(&agreed(&family, "2016-07-20")).is_empty());
    }

    #[test]
    fn the_third_term_counts_from_its_last_day() {
        let family = family_with("2008-01-01", Value::Array(three_terms([20, 20, 20])));
        assert!(indicators(&agreed(&family, "2016-07-19")).is_empty());
        assert_eq!(
            indicators(&agreed(&family, "2016-07-20")),
            ["persistent_absence"]
        );
    }

    /// Three terms of 100 sessions with 20 missed, 51 days each, ending on
    /// the days given.
    fn terms_ending(ends: [&str; 3]) -> Value {
        ends.iter()
            .map(|end| {
                // 50 days, so that terms ending eight weeks apart do not
                // overlap (reading refuses overlapping terms).
                let start = day(end) - Duration::days(50);
                json!({
                    "kind": "school_term", "member": "C", "start": start, "end": end,
                    "sessions": 100, "unauthorised": 20
                })
            })
            .collect()
    }

    #[test]
    fn a_child_born_on_29_february_turns_five_on_1_march() {
        let family = family_with(
            "2012-02-29",
            terms_ending(["2016-07-20", "2016-12-16", "2017-02-10"]),
        );
        assert!(indicators(&agreed(&family, "2017-02-28")).is_empty());
        assert_eq!(
            indicators(&agreed(&family, "2017-03-01")),
            ["persistent_absence"]
        );
    }

    #[test]
    fn a_child_leaves_school_age_on_the_sixteenth_birthday() {
        let family = family_with(
            "2000-02-29",
            terms_ending(["2015-07-20", "2015-12-18", "2016-02-12"]),
        );
        assert_eq!(
            indicators(&agreed(&family, "2016-02-28")),
            ["persistent_absence"]
        );
        assert!(indicators(&agreed(&family, "2016-02-29")).is_empty());
    }

    #[test]
    fn asb_down_exactly_60_percent_is_enough() {
        // Five incidents in the 6 months up to attachment on 1 June 2015;
        // two, then three, in the 6 months up to 1 January 2016.
        let mut events = attachment("2015-06-01");
        for on in [
            "2015-01-10",
            "2015-02-10",
            "2015-03-10",
            "2015-04-10",
            "2015-05-10",
        ] {
            events.push(json!({ "kind": "asb_incident", "member": "A", "date": on }));
        }
        events.push(json!({ "kind": "domestic_abuse_incident", "date": "2015-05-20" }));
        for on in ["2015-09-01", "2015-10-01"] {
            events.push(json!({ "kind": "asb_incident", "member": "A", "date": on }));
        }
        let two = family_with("2008-01-01", Value::Array(events.clone()));
        assert!(significant(&agreed(&two, "2016-01-01"), "crime"));
        events.push(json!({ "kind": "asb_incident", "member": "A", "date": "2015-11-01" }));
        let three = family_with("2008-01-01", Value::Array(events));
        assert!(!significant(&agreed(&three, "2016-01-01"), "crime"));
    }

    #[test]
    fn twenty_six_weeks_of_work_within_thirty_counts_from_the_day_after_attachment() {
        // On JSA at attachment on 1 June 2015, in work from the same day:
        // the 182nd day of work after attachment is 30 November 2015.
        let mut events = attachment("2015-06-01");
        events.push(json!({
            "kind": "out_of_work_benefit", "member": "A", "benefit": "jsa",
            "start": "2015-01-01", "end": "2015-06-01"
        }));
        events.push(json!({ "kind": "employment", "member": "A", "start": "2015-06-01" }));
        events.push(json!({ "kind": "asb_incident", "member": "C", "date": "2015-05-01" }));
        let family = family_with("2008-01-01", Value::Array(events));
        let employment = |decision: &Decision| {
            let claim = &decision.claims[1];
            (claim.status, claim.earliest)
        };
        assert_eq!(
            employment(&agreed(&family, "2015-11-29")),
            (ClaimStatus::NotYet, Some(day("2015-11-30")))
        );
        assert_eq!(
            employment(&agreed(&family, "2015-11-30")),
            (ClaimStatus::Claimable, Some(day("2015-11-30")))
        );
    }
}

// ───────────── attendance of possible sessions ─────────────

/// Attendance as a council measures it, by hand: over the child's last three
/// terms, sessions attended (sessions less authorised and unauthorised
/// absence) of possible sessions (sessions less authorised absence), against
/// 90% by cross-multiplying; `None` (not measurable) with no possible session.
fn attends_of_possible(terms: &[(u64, u64, u64)]) -> Option<bool> {
    let last_three = terms.get(terms.len().checked_sub(3)?..)?;
    let possible: i128 = last_three
        .iter()
        .map(|(sessions, authorised, _)| i128::from(*sessions) - i128::from(*authorised))
        .sum();
    let attended: i128 = last_three
        .iter()
        .map(|(sessions, authorised, unauthorised)| {
            i128::from(*sessions) - i128::from(*authorised) - i128::from(*unauthorised)
        })
        .sum();
    (possible > 0).then_some(attended * 10 >= possible * 9)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn attendance_of_possible_sessions_agrees_with_the_hand_computation(
        terms in proptest::collection::vec((0u64..30, 0u64..30, 0u64..6), 2..6)
    ) {
        let rate = "rate (sessions - authorised - unauthorised) per (sessions - authorised) of school_term over the last 3 terms";
        let decided = |comparison: &str| {
            let text = format!(
                "plan \"A\" {{ framework phase2 }}\nproblem p \"P\" {{\n  indicator i \"I\" {{ any child meets ({rate} {comparison}) }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
            );
            let plan = Plan::parse(&text).unwrap();
            let events: Vec<Value> = terms
                .iter()
                .enumerate()
                .map(|(index, (sessions, authorised, unauthorised))| {
                    let start = index as i64 * 120;
                    json!({
                        "kind": "school_term", "member": "C",
                        "start": date(start), "end": date(start + 80),
                        "sessions": sessions, "authorised": authorised, "unauthorised": unauthorised
                    })
                })
                .collect();
            let family = json!({
                "id": "F",
                "members": [{ "id": "C", "role": "child", "born": "2005-01-01" }],
                "events": events
            });
            !decide_on(&plan, &family, base() + Duration::days(1000)).problems.is_empty()
        };
        let expected = attends_of_possible(&terms);
        prop_assert_eq!(decided(">= 90%"), expected == Some(true));
        prop_assert_eq!(decided("< 90%"), expected == Some(false));
    }
}

// ───────────── windows anchored at a spell ─────────────

/// A day-by-day reference for windows and sustain periods anchored at a
/// kind's spells, for a plan of its own: every stretch is found by walking
/// the days one at a time, every window by the README's rules read
/// literally (t − N < X ≤ t after X; X ..= min(E, D) during).
mod anchored {
    use super::*;

    const PLAN: &str = r#"plan "Anchored reference" { framework phase2 version "t" }

event case on family spell { outcome: optional one of closed, escalated at end }
event case_reopened on family at date
event custody on member spell { release: date }

problem reopened "Reopened" {
  indicator soon "Reopened within 3 months of closure" {
    has case_reopened in family within 3 months after end of case
  }
  indicator during "An offence during a case" { has offence in family during case }
  indicator escalated "A case escalated" { has case where outcome = escalated in family ever }
  indicator release "Within 2 months of release" {
    any member has custody where release within 2 months after now now
  }
  significant "Not reopened in the first 2 months of a case" {
    no case_reopened in family within 2 months after start of case
  }
  sustained for 2 months after end of case
}

eligible when at least 1 problems
"#;

    /// A record as known at the end of the day decided.
    struct Known {
        kind: String,
        first: NaiveDate,
        /// `None`: open, or ending after the day decided.
        last: Option<NaiveDate>,
        record: Value,
    }

    struct Anchored {
        as_of: NaiveDate,
        events: Vec<Known>,
    }

    impl Anchored {
        fn new(family: &Value, as_of: NaiveDate) -> Anchored {
            let events = family["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|record| {
                    let (first, last) = match parse_day(&record["date"]) {
                        Some(day) => (day, Some(day)),
                        None => (
                            parse_day(&record["start"]).unwrap(),
                            parse_day(&record["end"]),
                        ),
                    };
                    (first <= as_of).then(|| Known {
                        kind: record["kind"].as_str().unwrap().to_string(),
                        first,
                        last: last.filter(|last| *last <= as_of),
                        record: record.clone(),
                    })
                })
                .collect();
            Anchored { as_of, events }
        }

        fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Known> + 'a {
            self.events.iter().filter(move |event| event.kind == kind)
        }

        fn in_case(&self, day: NaiveDate) -> bool {
            self.of_kind("case")
                .any(|case| case.first <= day && case.last.is_none_or(|last| day <= last))
        }

        /// The latest stretch of cases started on or before `day`: its
        /// first day, and its last (`None` while open), walking day by day.
        fn stretch(&self, day: NaiveDate) -> Option<(NaiveDate, Option<NaiveDate>)> {
            let earliest = self.of_kind("case").map(|case| case.first).min()?;
            if earliest > day {
                return None;
            }
            let mut covered = day;
            while !self.in_case(covered) {
                covered = covered.pred_opt().unwrap();
            }
            let mut start = covered;
            while self.in_case(start.pred_opt().unwrap()) {
                start = start.pred_opt().unwrap();
            }
            let mut end = start;
            while self.in_case(end.succ_opt().unwrap()) {
                end = end.succ_opt().unwrap();
                if end > self.as_of {
                    return Some((start, None));
                }
            }
            Some((start, Some(end)))
        }

        /// The end of the stretch anchoring `day`, if it has ended by then.
        fn ended(&self, day: NaiveDate) -> Option<NaiveDate> {
            self.stretch(day)
                .and_then(|(_, end)| end)
                .filter(|end| *end <= day)
        }

        fn indicators(&self, day: NaiveDate) -> Vec<&'static str> {
            let mut held = Vec::new();
            let soon = self.ended(day).is_some_and(|end| {
                self.of_kind("case_reopened").any(|reopened| {
                    let t = reopened.first;
                    end <= t && t <= day && months_before(t, 3) < end
                })
            });
            if soon {
                held.push("soon");
            }
            let during = self.stretch(day).is_some_and(|(start, end)| {
                let until = end.map_or(day, |end| end.min(day));
                self.of_kind("offence")
                    .any(|offence| start <= offence.first && offence.first <= until)
            });
            if during {
                held.push("during");
            }
            let escalated = self.of_kind("case").any(|case| {
                case.record["outcome"] == "escalated" && case.last.is_some_and(|end| end <= day)
            });
            if escalated {
                held.push("escalated");
            }
            let release = self.of_kind("custody").any(|custody| {
                let release = parse_day(&custody.record["release"]).unwrap();
                let now = custody.first <= day && custody.last.is_none_or(|last| day <= last);
                now && months_before(release, 2) < day && day <= release
            });
            if release {
                held.push("release");
            }
            held
        }

        fn significant(&self, day: NaiveDate) -> bool {
            self.stretch(day).is_some_and(|(start, _)| {
                !self.of_kind("case_reopened").any(|reopened| {
                    let t = reopened.first;
                    start <= t && t <= day && months_before(t, 2) < start
                })
            })
        }

        fn progressed(&self, day: NaiveDate) -> bool {
            let Some(end) = self.ended(day) else {
                return false;
            };
            if months_before(day, 2) < end {
                return false;
            }
            let mut each = end.succ_opt().unwrap();
            while each <= day {
                if !self.significant(each) {
                    return false;
                }
                each = each.succ_opt().unwrap();
            }
            true
        }
    }

    /// Cases, reopenings near their edges (on the closure day, the day
    /// before, three months on), offences, and custody with a release day.
    fn family() -> impl Strategy<Value = Value> {
        let case = (
            0i64..600,
            prop::option::weighted(0.85, 0i64..200),
            prop::option::of(prop_oneof![Just("closed"), Just("escalated")]),
        );
        let reopened = (
            0usize..4,
            prop_oneof![-2i64..3, 85i64..95, 55i64..65, 0i64..300],
        );
        let offence = 0i64..800;
        let custody = (0i64..600, prop::option::weighted(0.7, 0i64..300), 0i64..400);
        (
            prop::collection::vec(case, 0..4),
            prop::collection::vec(reopened, 0..4),
            prop::collection::vec(offence, 0..3),
            prop::collection::vec(custody, 0..2),
        )
            .prop_map(|(cases, reopened, offences, custody)| {
                let mut events = Vec::new();
                for (start, length, outcome) in &cases {
                    let mut case = json!({ "kind": "case", "start": date(*start) });
                    if let Some(length) = length {
                        case["end"] = json!(date(start + length));
                    }
                    if let Some(outcome) = outcome {
                        case["outcome"] = json!(outcome);
                    }
                    events.push(case);
                }
                for (which, offset) in reopened {
                    // Near a case's end (or its start, for an open one).
                    let from = cases
                        .get(which)
                        .map_or(300, |(start, length, _)| start + length.unwrap_or(0));
                    events.push(json!({ "kind": "case_reopened", "date": date(from + offset) }));
                }
                for day in offences {
                    events.push(json!({ "kind": "offence", "member": "A", "date": date(day) }));
                }
                for (start, length, release) in custody {
                    let mut spell = json!({
                        "kind": "custody", "member": "A", "start": date(start),
                        "release": date(start + release)
                    });
                    if let Some(length) = length {
                        spell["end"] = json!(date(start + length));
                    }
                    events.push(spell);
                }
                json!({
                    "id": "F",
                    "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
                    "events": events
                })
            })
    }

    fn agrees(family: &Value, as_of: NaiveDate) -> Result<(), TestCaseError> {
        let plan = Plan::parse(PLAN).unwrap();
        let decision = decide_on(&plan, family, as_of);
        let reference = Anchored::new(family, as_of);
        let indicators = reference.indicators(as_of);
        let problems: Vec<Vec<&str>> = decision
            .problems
            .iter()
            .map(|problem| problem.indicators.iter().map(|i| i.id.as_str()).collect())
            .collect();
        let expected: Vec<Vec<&str>> = if indicators.is_empty() {
            Vec::new()
        } else {
            vec![indicators]
        };
        prop_assert_eq!(problems, expected, "indicators");
        if let Some(progress) = decision.progress.first() {
            prop_assert_eq!(
                progress.significant,
                reference.significant(as_of),
                "significant"
            );
            prop_assert_eq!(progress.sustained, reference.progressed(as_of), "sustained");
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn anchored_windows_agree_with_the_day_by_day_reference(family in family(), as_of in 0i64..900) {
            agrees(&family, base() + Duration::days(as_of))?;
        }
    }

    /// Guards the comparison against testing nothing: random families
    /// reach every indicator, and progress both ways.
    #[test]
    fn random_families_reach_every_anchored_outcome() {
        let mut seen = Tally::default();
        for (round, family) in (0i64..).zip(draws(family(), 400)) {
            let as_of = base() + Duration::days(200 + round % 600);
            let reference = Anchored::new(&family, as_of);
            for indicator in reference.indicators(as_of) {
                seen.note(indicator);
            }
            seen.note(if reference.progressed(as_of) {
                "progressed"
            } else {
                "not progressed"
            });
        }
        seen.assert_each_seen(
            [
                "soon",
                "during",
                "escalated",
                "release",
                "progressed",
                "not progressed",
            ],
            5,
        );
    }
}

// ───────────── windows of the school calendar ─────────────

/// A day-by-day reference for the plan's calendar (`over the last N school
/// terms`, `sustained for N school terms`), for a plan of its own: every
/// window is the last N declared terms ended by the day, every record is of
/// the term its last day falls in, and every sustain walks its days one at
/// a time.
mod calendar {
    use super::*;

    const PLAN: &str = r#"plan "Calendar reference" { framework phase2 version "t" }

school terms {
  "T1" 2014-01-06 to 2014-03-28
  "T2" 2014-04-22 to 2014-07-18
  "T3" 2014-09-01 to 2014-12-19
  "T4" 2015-01-05 to 2015-03-27
  "T5" 2015-04-13 to 2015-07-22
  "T6" 2015-09-01 to 2015-12-18
}

problem education "Education" {
  indicator absent "Absent" {
    any child of school age meets (rate unauthorised per sessions of school_term over the last 2 school terms >= 10%)
  }
  indicator excluded "Excluded" {
    any child meets (count exclusion over the last 3 school terms >= 2)
  }
  significant "Attending" {
    every child of school age with school_term meets (
      rate unauthorised per sessions of school_term over the last 1 school term < 10%
      and no exclusion over the last 2 school terms
    )
  }
  sustained for 2 school terms
}

problem quiet "Quiet" {
  indicator offended "Offended" { any member has offence ever }
  significant "No offence for a school term" {
    (no offence in family now) sustained for 1 school term
  }
}

eligible when at least 1 problems
"#;

    /// The calendar's terms, first and last day, as the plan declares them.
    const TERMS: [(&str, &str); 6] = [
        ("2014-01-06", "2014-03-28"),
        ("2014-04-22", "2014-07-18"),
        ("2014-09-01", "2014-12-19"),
        ("2015-01-05", "2015-03-27"),
        ("2015-04-13", "2015-07-22"),
        ("2015-09-01", "2015-12-18"),
    ];

    fn term(place: usize) -> (NaiveDate, NaiveDate) {
        let (first, last) = TERMS[place];
        (
            NaiveDate::parse_from_str(first, "%Y-%m-%d").unwrap(),
            NaiveDate::parse_from_str(last, "%Y-%m-%d").unwrap(),
        )
    }

    /// A record as known at the end of the day decided.
    struct Known {
        kind: String,
        member: String,
        first: NaiveDate,
        /// `None`: ending after the day decided, so still open.
        last: Option<NaiveDate>,
        record: Value,
    }

    struct Calendar {
        children: Vec<(String, Member)>,
        events: Vec<Known>,
    }

    impl Calendar {
        fn new(family: &Value, as_of: NaiveDate) -> Calendar {
            let children = family["members"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|member| member["role"] == "child")
                .map(|member| {
                    let child = Member {
                        child: true,
                        born: parse_day(&member["born"]),
                        joined: None,
                        left: None,
                        exists: true,
                    };
                    (member["id"].as_str().unwrap().to_string(), child)
                })
                .collect();
            let events = family["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|record| {
                    let (first, last) = match parse_day(&record["date"]) {
                        Some(day) => (day, Some(day)),
                        None => (
                            parse_day(&record["start"]).unwrap(),
                            parse_day(&record["end"]),
                        ),
                    };
                    (first <= as_of).then(|| Known {
                        kind: record["kind"].as_str().unwrap().to_string(),
                        member: record["member"].as_str().unwrap_or("").to_string(),
                        first,
                        last: last.filter(|last| *last <= as_of),
                        record: record.clone(),
                    })
                })
                .collect();
            Calendar { children, events }
        }

        fn of<'a>(
            &'a self,
            kind: &'a str,
            member: &'a str,
        ) -> impl Iterator<Item = &'a Known> + 'a {
            self.events
                .iter()
                .filter(move |event| event.kind == kind && event.member == member)
        }

        /// The last `count` calendar terms ended by `day`, by place.
        fn window(count: usize, day: NaiveDate) -> Option<Vec<usize>> {
            let ended = (0..TERMS.len())
                .filter(|place| term(*place).1 <= day)
                .count();
            let start = ended.checked_sub(count)?;
            Some((start..ended).collect())
        }

        /// The child's records of the window's terms, or `None` when a term
        /// has none while the child was of school age on its first day.
        fn records<'a>(
            &'a self,
            child: &'a (String, Member),
            window: &[usize],
        ) -> Option<Vec<&'a Known>> {
            let mut records = Vec::new();
            for place in window {
                let (first, last) = term(*place);
                let of_term: Vec<&Known> = self
                    .of("school_term", &child.0)
                    .filter(|record| record.last.is_some_and(|end| first <= end && end <= last))
                    .collect();
                if of_term.is_empty() && child.1.of_school_age(first) {
                    return None;
                }
                records.extend(of_term);
            }
            Some(records)
        }

        /// Whether the rate of unauthorised sessions over the child's last
        /// `count` calendar terms compares with 10% as `meets` says; false
        /// when it is not measurable (a term missing, or no sessions).
        fn rate(
            &self,
            child: &(String, Member),
            count: usize,
            day: NaiveDate,
            meets: fn(u64, u64) -> bool,
        ) -> bool {
            let Some(records) =
                Calendar::window(count, day).and_then(|window| self.records(child, &window))
            else {
                return false;
            };
            let sessions: u64 = records
                .iter()
                .map(|r| r.record["sessions"].as_u64().unwrap())
                .sum();
            let unauthorised: u64 = records
                .iter()
                .map(|r| r.record["unauthorised"].as_u64().unwrap())
                .sum();
            sessions > 0 && meets(unauthorised * 100, 10 * sessions)
        }

        /// The child's exclusions from the first day of the window's earliest
        /// term up to the day; `None` when the window is not measurable.
        fn exclusions(
            &self,
            child: &(String, Member),
            count: usize,
            day: NaiveDate,
        ) -> Option<usize> {
            let window = Calendar::window(count, day)?;
            self.records(child, &window)?;
            let from = term(*window.first()?).0;
            Some(
                self.of("exclusion", &child.0)
                    .filter(|e| from <= e.first && e.first <= day)
                    .count(),
            )
        }

        fn indicators(&self, day: NaiveDate) -> Vec<Vec<&'static str>> {
            let absent = self.children.iter().any(|child| {
                child.1.of_school_age(day) && self.rate(child, 2, day, |top, bottom| top >= bottom)
            });
            let excluded = self
                .children
                .iter()
                .any(|child| self.exclusions(child, 3, day).is_some_and(|n| n >= 2));
            let education: Vec<&str> = [("absent", absent), ("excluded", excluded)]
                .into_iter()
                .filter_map(|(id, held)| held.then_some(id))
                .collect();
            let offended = self
                .events
                .iter()
                .any(|e| e.kind == "offence" && e.first <= day);
            let mut problems = Vec::new();
            if !education.is_empty() {
                problems.push(education);
            }
            if offended {
                problems.push(vec!["offended"]);
            }
            problems
        }

        fn attending(&self, day: NaiveDate) -> bool {
            self.children.iter().all(|child| {
                let picked = child.1.of_school_age(day)
                    && self
                        .of("school_term", &child.0)
                        .any(|record| record.first <= day);
                !picked
                    || (self.rate(child, 1, day, |top, bottom| top < bottom)
                        && self.exclusions(child, 2, day) == Some(0))
            })
        }

        /// `P sustained for N school terms` on `day`: P on every day from
        /// the first day of the earliest of the last N calendar terms ended
        /// by it, walked one day at a time.
        fn sustained(count: usize, day: NaiveDate, holds: impl Fn(NaiveDate) -> bool) -> bool {
            let Some(window) = Calendar::window(count, day) else {
                return false;
            };
            let mut each = term(window[0]).0;
            while each <= day {
                if !holds(each) {
                    return false;
                }
                each = each.succ_opt().unwrap();
            }
            true
        }

        fn quiet(&self, day: NaiveDate) -> bool {
            Calendar::sustained(1, day, |each| {
                !self
                    .events
                    .iter()
                    .any(|e| e.kind == "offence" && e.first == each)
            })
        }
    }

    /// Two children (one turning 5, or 16, somewhere in the calendar), each
    /// with a record of most terms (some missing, some ending in the
    /// holiday after a term, so of no term), exclusions and offences.
    fn family() -> impl Strategy<Value = Value> {
        let born = prop_oneof![
            (2008i64 * 365..2010 * 365).prop_map(|d| d - 2014 * 365),
            (1998i64 * 365..2000 * 365).prop_map(|d| d - 2014 * 365),
        ];
        // Mostly low absence, so that some children attend for two terms.
        let unauthorised = prop_oneof![4 => Just(0u64), 2 => 0u64..4, 1 => 0u64..15];
        let sessions = prop_oneof![1 => 0u64..20, 4 => 20u64..60];
        let record =
            prop::option::weighted(0.95, (prop::bool::weighted(0.05), sessions, unauthorised));
        // Half the children never excluded, the rest a few times close
        // together, so that two fall in three terms now and then.
        let exclusions = prop_oneof![
            2 => Just(Vec::new()),
            1 => (0i64..760, prop::collection::vec(0i64..120, 1..4))
                .prop_map(|(from, offsets)| offsets.into_iter().map(|o| from + o).collect()),
        ];
        let child = (born, prop::collection::vec(record, TERMS.len()), exclusions);
        (
            child.clone(),
            child,
            prop::collection::vec(0i64..760, 0..3),
        )
            .prop_map(|(first, second, offences)| {
                let mut members = vec![json!({ "id": "A", "role": "adult", "born": "1980-01-01" })];
                let mut events = Vec::new();
                for (id, (born, records, exclusions)) in [("C1", first), ("C2", second)] {
                    members.push(json!({ "id": id, "role": "child", "born": date(born) }));
                    for (place, record) in records.into_iter().enumerate() {
                        let Some((in_holiday, sessions, unauthorised)) = record else {
                            continue;
                        };
                        let (start, mut end) = term(place);
                        if in_holiday {
                            end += Duration::days(3);
                        }
                        events.push(json!({
                            "kind": "school_term", "member": id,
                            "start": start.format("%Y-%m-%d").to_string(),
                            "end": end.format("%Y-%m-%d").to_string(),
                            "sessions": sessions, "unauthorised": unauthorised.min(sessions)
                        }));
                    }
                    for day in exclusions {
                        events.push(json!({ "kind": "exclusion", "member": id, "date": date(day), "type": "fixed" }));
                    }
                }
                for day in offences {
                    events.push(json!({ "kind": "offence", "member": "A", "date": date(day) }));
                }
                json!({ "id": "F", "members": members, "events": events })
            })
    }

    fn agrees(family: &Value, as_of: NaiveDate) -> Result<(), TestCaseError> {
        let plan = Plan::parse(PLAN).unwrap();
        let decision = decide_on(&plan, family, as_of);
        let reference = Calendar::new(family, as_of);
        let problems: Vec<Vec<&str>> = decision
            .problems
            .iter()
            .map(|problem| problem.indicators.iter().map(|i| i.id.as_str()).collect())
            .collect();
        prop_assert_eq!(problems, reference.indicators(as_of), "indicators");
        for progress in &decision.progress {
            let (significant, sustained) = match progress.problem.as_str() {
                "education" => (
                    reference.attending(as_of),
                    Calendar::sustained(2, as_of, |day| reference.attending(day)),
                ),
                _ => (reference.quiet(as_of), reference.quiet(as_of)),
            };
            prop_assert_eq!(
                progress.significant,
                significant,
                "significant {}",
                progress.problem
            );
            prop_assert_eq!(
                progress.sustained,
                sustained,
                "sustained {}",
                progress.problem
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn calendar_windows_agree_with_the_day_by_day_reference(family in family(), as_of in 0i64..760) {
            agrees(&family, base() + Duration::days(as_of))?;
        }
    }

    /// Guards the comparison against testing nothing: random families reach
    /// both indicators, and both problems' progress both ways.
    #[test]
    fn random_families_reach_every_calendar_outcome() {
        let mut seen = Tally::default();
        for (round, family) in (0i64..).zip(draws(family(), 300)) {
            let as_of = base() + Duration::days(100 + round % 660);
            let reference = Calendar::new(&family, as_of);
            for indicator in reference.indicators(as_of).concat() {
                seen.note(indicator);
            }
            let attending = Calendar::sustained(2, as_of, |day| reference.attending(day));
            seen.note(if attending {
                "attending"
            } else {
                "not attending"
            });
            if reference.attending(as_of) {
                seen.note("attending today");
            }
            seen.note(if reference.quiet(as_of) {
                "quiet"
            } else {
                "not quiet"
            });
        }
        seen.assert_each_seen(
            [
                "absent",
                "excluded",
                "attending today",
                "attending",
                "not attending",
                "quiet",
                "not quiet",
            ],
            5,
        );
    }
}

/// A day-by-day reference for lengths that change on a day, in a window and
/// in a sustain period at once: on each day t of the sustain period in force
/// on the day decided D, no offence in the window in force on t itself. The
/// README's rule read literally: each day is judged by the length in force
/// on it, never the attachment day's.
mod dated_lengths {
    use super::*;

    const PLAN: &str = r#"plan "Dated lengths reference" { framework phase2 version "t" }

problem crime "Crime" {
  indicator offending "Offending" { any member has offence within 12 months }
  significant "No offence in the window in force" {
    no offence in family within 30 days then 90 days from 2018-04-01 then 10 days from 2018-10-01
  }
  sustained for 2 months then 20 days from 2018-06-01
}

eligible when at least 1 problems
attach requires family_assessment
claim progress "Progress" pays £800 { every identified problem has progressed }
"#;

    pub(super) fn window_days(on: NaiveDate) -> i64 {
        if on >= day("2018-10-01") {
            10
        } else if on >= day("2018-04-01") {
            90
        } else {
            30
        }
    }

    /// No offence in (t − W(t), t].
    fn clear(offences: &[NaiveDate], t: NaiveDate) -> bool {
        let opens_after = t - Duration::days(window_days(t));
        !offences.iter().any(|o| *o > opens_after && *o <= t)
    }

    /// Every day of (D − S(D), D] clear, S(D) the sustain length on D.
    fn sustained(offences: &[NaiveDate], d: NaiveDate) -> bool {
        let opens_after = if d >= day("2018-06-01") {
            d - Duration::days(20)
        } else {
            months_before(d, 2)
        };
        let mut t = d;
        while t > opens_after {
            if !clear(offences, t) {
                return false;
            }
            t = t.pred_opt().unwrap();
        }
        true
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Decided on D with the offences known by then, progress is the
        /// reference's; when it is not yet sustained, the projected day is
        /// the reference's first sustained day from D on, with nothing new.
        #[test]
        fn the_evaluator_agrees_with_judging_each_day_by_the_lengths_in_force_on_it(
            offsets in prop::collection::vec(0i64..600, 0..5),
            as_of in 0i64..700,
        ) {
            let attached = day("2017-06-01");
            let as_of = attached + Duration::days(as_of);
            let mut offences: Vec<NaiveDate> = offsets.iter().map(|n| attached + Duration::days(*n + 1)).collect();
            offences.push(day("2017-03-01"));
            let mut events: Vec<Value> = offences
                .iter()
                .map(|o| json!({ "kind": "offence", "member": "A", "date": o.to_string() }))
                .collect();
            events.push(json!({ "kind": "family_assessment", "date": "2017-05-20" }));
            events.push(json!({ "kind": "attachment", "date": attached.to_string() }));
            let family = json!({
                "id": "F1",
                "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
                "events": events
            });
            let plan = Plan::parse(PLAN).unwrap();
            let family = plan.read_family(&family.to_string()).unwrap();
            let progress = plan.evaluate(&family, as_of).progress[0].clone();
            let known: Vec<NaiveDate> = offences.iter().copied().filter(|o| *o <= as_of).collect();
            prop_assert_eq!(progress.sustained, sustained(&known, as_of));
            if !progress.sustained {
                let first = (0..800)
                    .map(|n| as_of + Duration::days(n))
                    .find(|d| sustained(&known, *d));
                prop_assert_eq!(progress.sustained_on, first);
            }
        }
    }
}

/// The same day-by-day reading for windows anchored at a day, each of the
/// dated length above: the length is the one in force on the day the window
/// counts from (the attachment day A, the identification day I, a
/// stretch's start or end X), or on the day judged for `since attachment`;
/// and so a sustain period `after end of case`, of the length in force on
/// the day the stretch ended. One problem a form, each measured by `no
/// asb_incident` in its window (today, for the sustain period), so each is
/// decided alone; on the day decided and in the projection, with the open
/// cases staying open.
mod dated_anchored_windows {
    use super::*;

    const LENGTHS: &str = "30 days then 90 days from 2018-04-01 then 10 days from 2018-10-01";

    /// The problems in the plan's order, with the window each measures.
    const FORMS: [(&str, &str); 5] = [
        ("before_attachment", "before attachment"),
        ("before_identification", "before identification"),
        ("since_attachment", "since attachment"),
        ("after_start", "after start of case"),
        ("after_end", "after end of case"),
    ];

    /// The problem whose measure is sustained after a case's end, for the
    /// length in force on the day it ended.
    const SUSTAINED: &str = "sustained_after_end";

    fn plan() -> Plan {
        let mut text = String::from(
            "plan \"Dated anchored windows reference\" { framework phase2 version \"t\" }\n\nevent case on family spell\n",
        );
        for (id, window) in FORMS {
            text.push_str(&format!(
                "\nproblem {id} \"{id}\" {{\n  indicator offending_{id} \"Offending\" {{ any member has offence within 12 months }}\n  significant \"None in the window\" {{ no asb_incident in family within {LENGTHS} {window} }}\n}}\n"
            ));
        }
        text.push_str(&format!(
            "\nproblem {SUSTAINED} \"{SUSTAINED}\" {{\n  indicator offending_{SUSTAINED} \"Offending\" {{ any member has offence within 12 months }}\n  significant \"None today\" {{ no asb_incident in family now }}\n  sustained for {LENGTHS} after end of case\n}}\n"
        ));
        text.push_str("\neligible when at least 1 problems\nattach requires family_assessment\n");
        Plan::parse(&text).unwrap()
    }

    /// What the family is known to have as of the day decided: events after
    /// it do not exist, and a case ending after it is open.
    struct Known {
        identified: NaiveDate,
        attached: NaiveDate,
        asb: Vec<NaiveDate>,
        /// The cases as stretches, overlapping or adjoining ones merged, in
        /// order; an open one ends on `NaiveDate::MAX`.
        stretches: Vec<(NaiveDate, NaiveDate)>,
    }

    impl Known {
        fn new(
            identified: NaiveDate,
            attached: NaiveDate,
            asb: &[NaiveDate],
            cases: &[(NaiveDate, NaiveDate)],
            as_of: NaiveDate,
        ) -> Known {
            let mut spells: Vec<(NaiveDate, NaiveDate)> = cases
                .iter()
                .filter(|(start, _)| *start <= as_of)
                .map(|(start, end)| (*start, if *end > as_of { NaiveDate::MAX } else { *end }))
                .collect();
            spells.sort();
            let mut stretches: Vec<(NaiveDate, NaiveDate)> = Vec::new();
            for (start, end) in spells {
                match stretches.last_mut() {
                    Some(last)
                        if last.1 == NaiveDate::MAX || start <= last.1.succ_opt().unwrap() =>
                    {
                        last.1 = last.1.max(end);
                    }
                    _ => stretches.push((start, end)),
                }
            }
            Known {
                identified,
                attached,
                asb: asb.iter().copied().filter(|day| *day <= as_of).collect(),
                stretches,
            }
        }

        /// No anti-social behaviour from `first` to `last`, both included.
        fn clear(&self, first: NaiveDate, last: NaiveDate) -> bool {
            !self.asb.iter().any(|day| *day >= first && *day <= last)
        }

        /// No anti-social behaviour in the N days up to and including `anchor`.
        fn clear_before(&self, anchor: NaiveDate) -> bool {
            let length = super::dated_lengths::window_days(anchor);
            self.clear(anchor - Duration::days(length - 1), anchor)
        }

        /// Whether the form's measure holds on day `t`; not measurable is false.
        fn holds(&self, form: &str, t: NaiveDate) -> bool {
            match form {
                "before_attachment" => self.clear_before(self.attached),
                "before_identification" => self.clear_before(self.identified),
                "since_attachment" => {
                    let length = super::dated_lengths::window_days(t);
                    let first =
                        (t - Duration::days(length - 1)).max(self.attached.succ_opt().unwrap());
                    self.clear(first, t)
                }
                "after_start" | "after_end" => {
                    let Some((start, end)) =
                        self.stretches.iter().rev().find(|(start, _)| *start <= t)
                    else {
                        return false;
                    };
                    let anchor = if form == "after_start" { *start } else { *end };
                    if anchor > t {
                        return false;
                    }
                    let length = super::dated_lengths::window_days(anchor);
                    self.clear(anchor, t.min(anchor + Duration::days(length - 1)))
                }
                // The latest stretch started by t ended on E with t − N ≥ E,
                // N in force on E, and none on any day after E up to t.
                SUSTAINED => {
                    let Some((_, end)) = self.stretches.iter().rev().find(|(start, _)| *start <= t)
                    else {
                        return false;
                    };
                    if *end == NaiveDate::MAX {
                        return false;
                    }
                    let length = super::dated_lengths::window_days(*end);
                    t >= *end + Duration::days(length) && self.clear(end.succ_opt().unwrap(), t)
                }
                _ => unreachable!("{form}"),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Decided on D, each form's progress is the reference's; when it
        /// does not hold, its projected day is the reference's first day
        /// from D on, with nothing new.
        #[test]
        fn the_evaluator_agrees_with_the_length_in_force_on_the_day_each_window_counts_from(
            identified in 0i64..420,
            attached_after in 0i64..300,
            asb in prop::collection::vec(-120i64..800, 0..10),
            cases in prop::collection::vec((-60i64..800, 0i64..80), 0..4),
            decided_after in 0i64..500,
        ) {
            let base = NaiveDate::from_ymd_opt(2017, 10, 1).unwrap();
            let identified = base + Duration::days(identified);
            let attached = identified + Duration::days(attached_after);
            let as_of = attached + Duration::days(decided_after);
            let asb: Vec<NaiveDate> = asb.iter().map(|n| identified + Duration::days(*n)).collect();
            let cases: Vec<(NaiveDate, NaiveDate)> = cases
                .iter()
                .map(|(start, length)| {
                    let start = identified + Duration::days(*start);
                    (start, start + Duration::days(*length))
                })
                .collect();
            let mut events = vec![
                json!({ "kind": "offence", "member": "A", "date": identified.to_string() }),
                json!({ "kind": "family_assessment", "date": identified.to_string() }),
                json!({ "kind": "attachment", "date": attached.to_string() }),
            ];
            events.extend(asb.iter().map(|day| json!({ "kind": "asb_incident", "member": "A", "date": day.to_string() })));
            events.extend(cases.iter().map(|(start, end)| json!({ "kind": "case", "start": start.to_string(), "end": end.to_string() })));
            let family = json!({
                "id": "F1",
                "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
                "events": events
            });
            let plan = plan();
            let family = plan.read_family(&family.to_string()).unwrap();
            let decision = plan.evaluate(&family, as_of);
            let known = Known::new(identified, attached, &asb, &cases, as_of);
            for form in FORMS.iter().map(|(form, _)| *form).chain([SUSTAINED]) {
                let progress = decision.progress.iter().find(|p| p.problem == form).unwrap();
                prop_assert_eq!(progress.sustained, known.holds(form, as_of), "{} on {}", form, as_of);
                if !progress.sustained {
                    let first = (0..800)
                        .map(|n| as_of + Duration::days(n))
                        .find(|t| known.holds(form, *t));
                    prop_assert_eq!(progress.sustained_on, first, "{} projected from {}", form, as_of);
                }
            }
        }
    }
}
