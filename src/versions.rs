//! Versions of one plan by date: a council revises its outcomes plan (a
//! 2015 version, a 2018 one, a 2020 one) and each family is decided under
//! the version in force on its attachment day.
//!
//! A [`PlanSet`] holds the versions in the order of their `effective` days.
//! Which version decides a family:
//!
//! - a family attached, by the run's rule ([`VersionsBy`], by default
//!   [`VersionsBy::Attachment`]): the version in force on the day of the attachment
//!   its decision uses (the latest version whose `effective` day is on or
//!   before it). That attachment is the one the version in force on the
//!   as-of day picks, by its `reattachment` setting; the family is then
//!   decided under the version in force on that day. Under
//!   [`VersionsBy::DecisionDay`] it is the version in force on the as-of
//!   day instead, as for a family not attached;
//! - a family not attached: the version in force on the as-of day;
//! - a family attached before the earliest version takes effect, by
//!   attachment: none, and the family is refused ([`ProblemKind::AttachedBeforeVersions`]).
//!
//! A set of one plan decides every family under it, whatever its
//! `effective` day says, as `tfop eval PLAN` always has.
#![deny(clippy::arithmetic_side_effects)]

use crate::eval::{ProblemKind, ProblemRecord, RecordProblem};
use crate::family::{Family, RecordPosition};
use crate::plan::Plan;
use crate::vocab::Vocabulary;
use crate::{Decision, Explanation, Refusal, VersionsBy};
use chrono::NaiveDate;

/// Versions of one plan, ordered by the day each takes effect.
#[derive(Debug, Clone)]
pub struct PlanSet {
    /// Oldest first; when there are several, each has an `effective` day and
    /// no two share one.
    versions: Vec<Plan>,
    /// Which version decides an attached family.
    versions_by: VersionsBy,
}

/// Why plans cannot make a [`PlanSet`]. `name` is the plan's name as its
/// header gives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanSetError {
    /// No plan was given.
    #[error("no plan was given; give at least one plan file")]
    Empty,
    /// A version of several states no `effective` day, so it has no place
    /// in their order.
    #[error(
        "plan \"{name}\" states no `effective` day, so it cannot be ordered among the versions given; \
         add `effective YYYY-MM-DD` to its header"
    )]
    NoEffective {
        /// The plan's name.
        name: String,
    },
    /// A version of several states no `version`, so its decisions could
    /// not say which version decided them.
    #[error(
        "plan \"{name}\" states no `version`, so its decisions could not say which version decided them; \
         add `version \"…\"` to its header"
    )]
    NoVersion {
        /// The plan's name.
        name: String,
    },
    /// Two versions take effect on the same day: neither is in force alone.
    #[error(
        "versions \"{first}\" and \"{second}\" both take effect on {day}, so neither is in force alone; \
         give one version per effective day"
    )]
    SameEffective {
        /// The day both state.
        day: NaiveDate,
        /// The first version's `version`.
        first: String,
        /// The second's.
        second: String,
    },
    /// The day decided comes before every version.
    #[error(
        "{as_of} is before {earliest}, the day the earliest version given takes effect, so no version \
         decides any family; decide as of a later day or give the version in force then"
    )]
    BeforeVersions {
        /// The day decided.
        as_of: NaiveDate,
        /// The earliest version's `effective` day.
        earliest: NaiveDate,
    },
}

impl PlanSet {
    /// The versions, in any order: each must state `effective` and
    /// `version` when there are several, and no two the same `effective`.
    pub fn new(plans: Vec<Plan>) -> Result<PlanSet, PlanSetError> {
        if plans.is_empty() {
            return Err(PlanSetError::Empty);
        }
        if plans.len() == 1 {
            return Ok(PlanSet {
                versions: plans,
                versions_by: VersionsBy::default(),
            });
        }
        let mut dated = Vec::with_capacity(plans.len());
        for plan in plans {
            let header = plan.header();
            let name = header.name.clone();
            let Some(effective) = header.effective else {
                return Err(PlanSetError::NoEffective { name });
            };
            if header.version.is_none() {
                return Err(PlanSetError::NoVersion { name });
            }
            dated.push((effective, plan));
        }
        dated.sort_by_key(|(effective, _)| *effective);
        for pair in dated.windows(2) {
            if let [(day, first), (next, second)] = pair {
                if day == next {
                    return Err(PlanSetError::SameEffective {
                        day: *day,
                        first: version_name(first),
                        second: version_name(second),
                    });
                }
            }
        }
        Ok(PlanSet {
            versions: dated.into_iter().map(|(_, plan)| plan).collect(),
            versions_by: VersionsBy::default(),
        })
    }

    /// The set with `rule` choosing the version of an attached family.
    pub fn with_versions_by(self, rule: VersionsBy) -> PlanSet {
        PlanSet {
            versions_by: rule,
            ..self
        }
    }

    /// The rule choosing the version of an attached family.
    pub fn versions_by(&self) -> VersionsBy {
        self.versions_by
    }

    /// The rule as a decision states it: `None` for a set of one plan,
    /// where there is no choice to state.
    fn stated_rule(&self) -> Option<VersionsBy> {
        self.is_versioned().then_some(self.versions_by)
    }

    /// The versions, oldest first.
    pub fn versions(&self) -> &[Plan] {
        &self.versions
    }

    /// Whether the set has more than one version (its decisions then differ
    /// in which version decided them).
    pub fn is_versioned(&self) -> bool {
        self.versions.len() > 1
    }

    /// The version in force on `day`: the latest whose `effective` day is on
    /// or before it; `None` before the earliest. A set of one plan has it in
    /// force on every day.
    pub fn in_force(&self, day: NaiveDate) -> Option<&Plan> {
        if let [only] = self.versions.as_slice() {
            return Some(only);
        }
        self.versions.iter().rev().find(|plan| {
            plan.header()
                .effective
                .is_some_and(|effective| effective <= day)
        })
    }

    /// The version that decides families not attached as of `as_of`, or why
    /// there is none.
    pub fn for_as_of(&self, as_of: NaiveDate) -> Result<&Plan, PlanSetError> {
        self.in_force(as_of)
            .ok_or_else(|| PlanSetError::BeforeVersions {
                as_of,
                earliest: self.earliest().unwrap_or(as_of),
            })
    }

    fn earliest(&self) -> Option<NaiveDate> {
        self.versions
            .first()
            .and_then(|plan| plan.header().effective)
    }

    /// The version that decides a family as of `as_of`, with the family as
    /// read against that version's vocabulary. `read` reads the family's
    /// record against a vocabulary. The record is read against the version
    /// in force on the as-of day first (a record that version cannot read is
    /// refused as it says), then against the version that decides, when that
    /// is another.
    pub fn choose(
        &self,
        read: impl Fn(&Vocabulary) -> Result<Family, Refusal>,
        as_of: NaiveDate,
    ) -> Result<(&Plan, Family), Refusal> {
        let current = self.for_as_of(as_of).map_err(|_| before_versions(None))?;
        let family = read(current.vocabulary())?;
        if !self.is_versioned() || self.versions_by == VersionsBy::DecisionDay {
            return Ok((current, family));
        }
        let Some(attached) = current.attachment_used(&family, as_of) else {
            return Ok((current, family));
        };
        let Some(deciding) = self.in_force(attached) else {
            return Err(before_versions(Some(family.id.clone())));
        };
        if std::ptr::eq(deciding, current) {
            return Ok((current, family));
        }
        let family = read(deciding.vocabulary())?;
        Ok((deciding, family))
    }

    /// The decision of `family` under `plan`, the version
    /// [`PlanSet::choose`] gave for it, its `plan` stating the rule that
    /// chose that version.
    pub fn evaluate(&self, plan: &Plan, family: &Family, as_of: NaiveDate) -> Decision {
        let mut decision = plan.evaluate(family, as_of);
        decision.plan.chosen_by(plan, self.stated_rule());
        decision
    }

    /// The explanation of `family` under `plan`, as [`PlanSet::evaluate`]
    /// decides it.
    pub fn explain(&self, plan: &Plan, family: &Family, as_of: NaiveDate) -> Explanation {
        let mut explanation = plan.explanation(family, as_of);
        explanation.plan.chosen_by(plan, self.stated_rule());
        explanation
    }

    /// The decision for a family as of `as_of`, under the version that
    /// decides it (the decision's `plan` names it, with its digest).
    pub fn decide(
        &self,
        read: impl Fn(&Vocabulary) -> Result<Family, Refusal>,
        as_of: NaiveDate,
    ) -> Result<Decision, Refusal> {
        let (plan, family) = self.choose(read, as_of)?;
        Ok(self.evaluate(plan, &family, as_of))
    }

    /// The explanation of a family's decision, as [`PlanSet::decide`] decides it.
    pub fn explanation(
        &self,
        read: impl Fn(&Vocabulary) -> Result<Family, Refusal>,
        as_of: NaiveDate,
    ) -> Result<Explanation, Refusal> {
        let (plan, family) = self.choose(read, as_of)?;
        Ok(self.explain(plan, &family, as_of))
    }
}

/// A version's `version`, or its name when it states none.
fn version_name(plan: &Plan) -> String {
    let header = plan.header();
    header
        .version
        .clone()
        .unwrap_or_else(|| header.name.clone())
}

/// The refusal of a family that no version decides.
fn before_versions(family: Option<String>) -> Refusal {
    Refusal {
        family,
        line: None,
        file: None,
        errors: vec![RecordProblem {
            record: ProblemRecord::Record(RecordPosition::Family),
            field: None,
            kind: ProblemKind::AttachedBeforeVersions,
            file: None,
            line: None,
        }],
    }
}
