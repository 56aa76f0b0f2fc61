//! Time, injected: the engine reads the time and sleeps (Wait, retry intervals, timeouts) only
//! through [`Clock`]. [`TokioClock`] follows tokio's clock, so tests run under
//! `tokio::time::pause()` finish Wait and retry delays instantly while the recorded
//! timestamps still advance.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::future::BoxFuture;
use std::time::Duration;

/// The engine's source of time.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// A future that completes after `d`.
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()>;
}

/// Wall-clock start plus tokio's elapsed time (virtual under a paused runtime).
pub struct TokioClock {
    wall: DateTime<Utc>,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// Starts at the current wall-clock time.
    pub fn new() -> TokioClock {
        TokioClock::starting_at(Utc::now())
    }
    /// Starts at a fixed time (tests, for reproducible timestamps).
    pub fn starting_at(wall: DateTime<Utc>) -> TokioClock {
        TokioClock {
            wall,
            start: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        TokioClock::new()
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now().duration_since(self.start);
        let elapsed = chrono::Duration::from_std(elapsed).unwrap_or_default();
        self.wall
            .checked_add_signed(elapsed)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// The timestamp format of the context object and history (`2026-11-28T12:00:00.000Z`).
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
