//! Progress of a long run on standard error: families read, decided and
//! refused, and the rate, drawn only when standard error is a terminal (a
//! pipe, a file or a CI log gets nothing but the closing summary).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How many records pass between updates of the counts shown: the bar
/// redraws a few times a second whatever is asked, and a message is built
/// for each update.
const EVERY: u64 = 512;

pub(crate) struct Progress {
    bar: ProgressBar,
    decided: u64,
    refused: u64,
}

impl Progress {
    /// A spinner on standard error if it is a terminal, else nothing.
    pub(crate) fn start() -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let target = if terminal {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {elapsed} read {human_pos} families, {msg} ({per_sec})",
        ) {
            bar.set_style(style);
        }
        if terminal {
            // Redrawn on a clock too, so a slow family does not freeze it.
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress {
            bar,
            decided: 0,
            refused: 0,
        }
    }

    /// Counts one record, decided or refused.
    pub(crate) fn record(&mut self, refused: bool) {
        if refused {
            self.refused += 1;
        } else {
            self.decided += 1;
        }
        let read = self.decided + self.refused;
        if read % EVERY == 0 {
            self.show(read);
        }
    }

    fn show(&self, read: u64) {
        self.bar.set_message(format!(
            "decided {}, refused {}",
            self.decided, self.refused
        ));
        self.bar.set_position(read);
    }
}

impl Drop for Progress {
    /// The spinner is cleared, so the summary that follows stands alone.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
