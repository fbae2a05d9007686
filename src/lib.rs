//! `tfop`: Troubled Families Outcomes Plans as versioned text.
#![deny(missing_docs)]

pub mod timeline;
pub mod vocab;
