//! The bounds every plan is checked against before anything recurses or
//! loops over its size; the README's table of limits lists them with the
//! diagnostic each gives.

/// The largest plan text accepted, in bytes. Real plans are a few kilobytes;
/// the limit bounds the parser's work on hostile input.
pub const MAX_PLAN_BYTES: usize = 1 << 20;

/// The deepest nesting accepted. Each bracket and each prefix operator that
/// applies to an expression (`not`, `N% of`) is a level: each level is a few
/// frames of recursion in the parser, the lowering, the checker, the
/// formatter and the evaluator, so bounding it before pest runs keeps every
/// one of them far from the end of the stack.
pub const MAX_NESTING: usize = 48;

/// The longest window or period a plan may write, in each unit: 100 years.
/// Real plans look back a few years; the bound keeps day arithmetic far from
/// the ends of the calendar, where months stop shifting and windows clamp.
pub const MAX_LENGTH_MONTHS: u32 = 1200;
/// 100 years in whole weeks, rounded up.
pub const MAX_LENGTH_WEEKS: u32 = 5218;
/// 100 years in days.
pub const MAX_LENGTH_DAYS: u32 = 36525;
/// The most school terms a window or sustain period may count: 100 years of
/// six half-terms.
pub const MAX_TERMS: u32 = 600;

/// How deep an expression may nest once each define it uses is counted
/// as the expression it stands for. Checking and evaluating a define recurse
/// into the defines it uses, so this bounds their stack as the syntax's
/// nesting limit bounds the parser's.
pub const MAX_DEFINE_DEPTH: usize = 64;

// The checker numbers a plan's problems, claims, kinds and words with
// `u32`, casting their positions with `as`: each takes at least a byte of
// the plan, so their count is below `MAX_PLAN_BYTES`, which fits. Indexes
// are `u32` widened to `usize` with `as`, exact on every target with
// pointers of 32 bits or more. The two assertions keep both casts exact.
const _: () = assert!(MAX_PLAN_BYTES <= u32::MAX as usize);
const _: () = assert!(usize::BITS >= u32::BITS);
