//! `tfop`: Troubled Families Outcomes Plans as versioned text.
#![deny(missing_docs)]

pub mod diagnostic;
pub mod num;
mod suggest;
pub mod syntax;
pub mod timeline;
pub mod vocab;
