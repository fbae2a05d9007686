//! What the fuzz targets share: the process setup the `tfop` binary does, the
//! shipped plans, and the switches that let a run get past a finding that is
//! already known.

use std::sync::{Once, OnceLock};

use tfop::Plan;

/// A tripwire, not a guard: the library and the binary set no call limit,
/// since size and nesting bounded before pest runs keep its work linear
/// (`tests/parser_work.rs` holds it to 48 calls a byte). A plan costing more
/// than this, about what a 1 MiB plan may, breaks that argument and fails
/// the run instead of passing slowly.
pub const PARSER_CALL_LIMIT: usize = 50_000_000;

/// Sets the process-wide parser limit once.
pub fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| pest::set_call_limit(std::num::NonZeroUsize::new(PARSER_CALL_LIMIT)));
}

/// The shipped example plans, by file name.
pub const SHIPPED_PLANS: [(&str, &str); 8] = [
    (
        "barnet-2012",
        include_str!("../../examples/plans/barnet-2012.tfop"),
    ),
    (
        "lancashire-2013",
        include_str!("../../examples/plans/lancashire-2013.tfop"),
    ),
    (
        "lancashire-2016",
        include_str!("../../examples/plans/lancashire-2016.tfop"),
    ),
    (
        "leicestershire-2017-earned-autonomy",
        include_str!("../../examples/plans/leicestershire-2017-earned-autonomy.tfop"),
    ),
    (
        "leicestershire-2017",
        include_str!("../../examples/plans/leicestershire-2017.tfop"),
    ),
    (
        "national-phase1",
        include_str!("../../examples/plans/national-phase1.tfop"),
    ),
    (
        "national-phase2",
        include_str!("../../examples/plans/national-phase2.tfop"),
    ),
    (
        "wolverhampton-2018",
        include_str!("../../examples/plans/wolverhampton-2018.tfop"),
    ),
];

/// The shipped plans, checked once per process.
pub fn shipped_plans() -> &'static [(&'static str, Plan)] {
    static PLANS: OnceLock<Vec<(&'static str, Plan)>> = OnceLock::new();
    PLANS.get_or_init(|| {
        init();
        SHIPPED_PLANS
            .iter()
            .map(|(name, text)| match Plan::parse(text) {
                Ok(plan) => (*name, plan),
                Err(diagnostics) => panic!(
                    "shipped plan {name} does not check:\n{}",
                    diagnostics.render(name, text)
                ),
            })
            .collect()
    })
}

/// The national phase 2 plan (examples/plans/national-phase2.tfop).
pub fn national_phase2() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        init();
        let text = include_str!("../../examples/plans/national-phase2.tfop");
        match Plan::parse(text) {
            Ok(plan) => plan,
            Err(diagnostics) => panic!(
                "national-phase2.tfop does not check:\n{}",
                diagnostics.render("national-phase2.tfop", text)
            ),
        }
    })
}

/// Whether the check named `name` is switched off for this run.
///
/// `TFOP_FUZZ_SKIP` holds a comma-separated list of check names. It exists so
/// that a run can look past a finding that is known and being fixed (for
/// instance `TFOP_FUZZ_SKIP=order` while event-order independence is fixed on
/// another branch); every check is on by default.
pub fn skipped(name: &str) -> bool {
    static SKIP: OnceLock<Vec<String>> = OnceLock::new();
    SKIP.get_or_init(|| {
        std::env::var("TFOP_FUZZ_SKIP")
            .unwrap_or_default()
            .split(',')
            .map(|item| item.trim().to_owned())
            .filter(|item| !item.is_empty())
            .collect()
    })
    .iter()
    .any(|item| item == name)
}
