//! Time, injected: the engine reads the time and sleeps (Wait, retry intervals, timeouts) only
//! through [`Clock`], the one clock of `localcloud-wire`. [`TokioClock`] follows tokio's clock,
//! so tests run under `tokio::time::pause()` finish Wait and retry delays instantly while the
//! recorded timestamps still advance.

pub use localcloud_wire::clock::{iso, Clock, ManualClock, TokioClock};
