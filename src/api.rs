//! The entry points a service starts from: text to a checked [`Plan`], and
//! a family's JSON to a [`Family`] read against it. They run the pipeline's
//! phases in order (syntax, check) so that no phase refers back to another.

use crate::diagnostic::Diagnostics;
use crate::family::{Family, FamilyError};
use crate::plan::Plan;

impl Plan {
    /// Parses and checks plan text: the plan, or every diagnostic (a syntax
    /// error, or all resolution, type and lint errors). Warnings are dropped;
    /// see [`Plan::parse_with_warnings`].
    pub fn parse(text: &str) -> Result<Plan, Diagnostics> {
        Plan::parse_with_warnings(text).map(|(plan, _)| plan)
    }

    /// Like [`Plan::parse`], and also returns the warnings of a plan that
    /// checks. On failure the diagnostics hold the warnings too.
    pub fn parse_with_warnings(text: &str) -> Result<(Plan, Diagnostics), Diagnostics> {
        let file = crate::syntax::parse(text)?;
        let formatted = crate::fmt::format_file(&file);
        let digest = crate::fmt::digest(&formatted);
        crate::check::check(&file, digest, crate::date::latest_written(&formatted))
    }

    /// Reads a family from its JSON against this plan's vocabulary.
    pub fn read_family(&self, json: &str) -> Result<Family, FamilyError> {
        crate::io::family_from_json(json, &self.vocab)
    }
}
