//! Time, injected: every service reads the time and sleeps only through [`Clock`], so tests
//! never sleep. [`TokioClock`] follows tokio's clock: under `tokio::time::pause()` Wait states,
//! retry delays, token buckets and retention ages advance instantly while timestamps still move.
//! [`ManualClock`] is moved by hand, for synchronous tests.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::future::BoxFuture;
use std::sync::Mutex;
use std::time::Duration;

/// The source of time.
pub trait Clock: Send + Sync {
    /// The current wall-clock time (timestamps on the wire).
    fn now(&self) -> DateTime<Utc>;
    /// Monotonic time since the clock's origin (rates, deadlines, ages).
    fn elapsed(&self) -> Duration;
    /// A future that completes after `d`.
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()>;
}

/// Wall-clock start plus tokio's elapsed time (virtual under a paused runtime).
#[derive(Debug)]
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
        add(self.wall, self.elapsed())
    }
    fn elapsed(&self) -> Duration {
        tokio::time::Instant::now().duration_since(self.start)
    }
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    wall: DateTime<Utc>,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    /// Stopped at `wall`.
    pub fn starting_at(wall: DateTime<Utc>) -> ManualClock {
        ManualClock {
            wall,
            elapsed: Mutex::new(Duration::ZERO),
        }
    }
    /// Moves the clock forward.
    pub fn advance(&self, d: Duration) {
        *self.elapsed.lock().unwrap_or_else(|e| e.into_inner()) += d;
    }
}

impl Default for ManualClock {
    /// Stopped at the Unix epoch.
    fn default() -> Self {
        ManualClock::starting_at(DateTime::<Utc>::UNIX_EPOCH)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        add(self.wall, self.elapsed())
    }
    fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Completes at once: a manual clock's sleeps are the test's to account for.
    fn sleep(&self, _d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

fn add(wall: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    let d = chrono::Duration::from_std(d).unwrap_or_default();
    wall.checked_add_signed(d)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The timestamp format of AWS's JSON documents (`2026-11-28T12:00:00.000Z`).
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tokio_clock_follows_paused_time() {
        let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let clock = TokioClock::starting_at(start);
        clock.sleep(Duration::from_secs(90)).await;
        assert_eq!(clock.elapsed(), Duration::from_secs(90));
        assert_eq!(iso(clock.now()), "2026-01-01T00:01:30.000Z");
    }

    #[test]
    fn manual_clock_moves_when_told() {
        let clock = ManualClock::starting_at(DateTime::<Utc>::UNIX_EPOCH);
        assert_eq!(clock.elapsed(), Duration::ZERO);
        clock.advance(Duration::from_millis(1500));
        assert_eq!(clock.elapsed(), Duration::from_millis(1500));
        assert_eq!(iso(clock.now()), "1970-01-01T00:00:01.500Z");
    }
}
