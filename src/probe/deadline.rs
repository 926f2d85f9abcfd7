//! The `--timeout` of one attempt as a deadline every step is bounded by, so that when it
//! runs out the step that was waiting says so ("connected, waiting for the response head")
//! and what the earlier steps learnt (phases, address, certificate) stays in the result.
//! One `tokio::time::timeout` around the whole attempt would throw all of that away.

use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub at: Instant,
    /// The whole `--timeout`, for messages.
    pub budget: Duration,
}

/// A step that ran out of time, with what it was doing.
#[derive(Debug, Clone)]
pub struct TimedOut(pub String);

impl Deadline {
    pub fn after(budget: Duration) -> Deadline {
        Deadline {
            at: Instant::now() + budget,
            budget,
        }
    }

    /// Time left, zero when past.
    pub fn left(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// "timed out after 1000ms (--timeout): DOING".
    pub fn message(&self, doing: &str) -> String {
        format!(
            "timed out after {}ms (--timeout): {doing}",
            self.budget.as_millis()
        )
    }

    /// `f`, or `TimedOut` naming `doing` if the deadline comes first.
    pub async fn bound<F: Future>(&self, doing: &str, f: F) -> Result<F::Output, TimedOut> {
        tokio::time::timeout_at(self.at, f)
            .await
            .map_err(|_| TimedOut(self.message(doing)))
    }
}
