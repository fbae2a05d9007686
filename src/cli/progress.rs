//! Progress of a long run on standard error: families read, decided and
//! refused, and the rate, drawn only when standard error is a terminal (a
//! pipe, a file or a CI log gets nothing but the closing summary).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;
use tfop::cohort::thousands;

/// How many records pass between updates of the counts shown: the bar
/// redraws a few times a second whatever is asked, and a message is built
/// for each update.
const EVERY: u64 = 64;

pub(crate) struct Progress {
    bar: ProgressBar,
    decided: u64,
    refused: u64,
}

impl Progress {
    /// A spinner on standard error if it is a terminal, else nothing; nothing
    /// either for a command `streaming` its result to standard output while
    /// it runs when that is a terminal too, where the result's own lines
    /// show the progress and the spinner would be drawn over them.
    pub(crate) fn start(streaming: bool) -> Progress {
        let terminal =
            std::io::stderr().is_terminal() && !(streaming && std::io::stdout().is_terminal());
        let target = if terminal {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {elapsed} read {human_pos} families, {msg}")
        {
            bar.set_style(style);
        }
        let progress = Progress {
            bar,
            decided: 0,
            refused: 0,
        };
        progress.show(0);
        if terminal {
            // Redrawn on a clock too, so a slow family does not freeze it.
            progress.bar.enable_steady_tick(Duration::from_millis(200));
        }
        progress
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

    /// Runs `say` (a refusal, a warning) with the spinner lifted off its
    /// line, so what it writes to standard error stands on a line of its own.
    pub(crate) fn aside<R>(&self, say: impl FnOnce() -> R) -> R {
        self.bar.suspend(say)
    }

    fn show(&self, read: u64) {
        // Whole families a second, in integers: the counts are exact, the
        // rate needs no decimals.
        let millis = self.bar.elapsed().as_millis().max(1);
        let rate = u64::try_from(u128::from(read) * 1000 / millis).unwrap_or(u64::MAX);
        self.bar.set_message(format!(
            "decided {}, refused {} ({} families/s)",
            thousands(self.decided),
            thousands(self.refused),
            thousands(rate)
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
