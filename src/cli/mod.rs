//! The commands of the `tfop` binary, one module each.

pub(crate) mod audit;
pub(crate) mod claims;
pub(crate) mod diff;
pub(crate) mod eval;
pub(crate) mod files;
pub(crate) mod funding;
pub(crate) mod generate;
pub(crate) mod lsp;
pub(crate) mod near;
pub(crate) mod output;
pub(crate) mod plans;
pub(crate) mod progress;
pub(crate) mod render;
pub(crate) mod report;
pub(crate) mod tables;
pub(crate) mod test;

use clap::ValueEnum;
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DiagnosticFormat {
    Text,
    Json,
}

/// The exit codes of the command-line contract.
#[derive(Clone, Copy)]
pub(crate) enum Exit {
    Success = 0,
    Failure = 1,
    SomeRefused = 3,
    /// `tfop diff` found a family whose decision differs.
    Differences = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}
