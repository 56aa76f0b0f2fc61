//! How long ended Express executions stay answerable locally. AWS keeps no Express history in
//! the service at all (DescribeExecution, ListExecutions and GetExecutionHistory answer only
//! for Standard executions; Express history goes to CloudWatch Logs). Locally they stay in
//! memory so a developer can inspect a run, but bounded in number and age: a load test of a
//! synchronous endpoint runs an Express execution per request, and neither memory nor the
//! service's work may grow with every execution ever run.
//!
//! [`Ended`] queues the ARNs in the order the executions ended; every launch pops from its
//! front what is over [`ExpressRetention::max_executions`] or ended longer than
//! [`ExpressRetention::max_age`] ago, measured on the service's injected clock. Each ARN is
//! pushed and popped once, so enforcing costs O(1) amortised per launch. A running execution
//! is not in the queue until it ends, so it is never evicted.

use std::collections::VecDeque;
use std::time::Duration;

/// The bounds on ended Express executions kept in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpressRetention {
    /// At most this many ended Express executions are kept (running ones are not counted).
    pub max_executions: usize,
    /// An ended Express execution is dropped this long after it ended.
    pub max_age: Duration,
}

impl Default for ExpressRetention {
    /// 1,000 executions and one hour: enough to look at the recent runs of a development
    /// session (a sync endpoint's last thousand requests, or the last hour of them), a few
    /// megabytes of histories at most, while a load test's executions are dropped as it goes.
    fn default() -> Self {
        ExpressRetention {
            max_executions: 1000,
            max_age: Duration::from_secs(3600),
        }
    }
}

/// Ended Express executions, earliest end first, each with the clock's monotonic time at its
/// end.
#[derive(Debug, Default)]
pub(crate) struct Ended {
    queue: VecDeque<(String, Duration)>,
}

impl Ended {
    /// Records that `arn` ended at `at` (the clock's `elapsed()`).
    pub fn push(&mut self, arn: String, at: Duration) {
        self.queue.push_back((arn, at));
    }

    /// Removes and returns the ARNs `bounds` evict at `now`.
    pub fn evict(&mut self, now: Duration, bounds: &ExpressRetention) -> Vec<String> {
        let mut gone = Vec::new();
        while let Some((_, at)) = self.queue.front() {
            let too_many = self.queue.len() > bounds.max_executions;
            let too_old = now.saturating_sub(*at) > bounds.max_age;
            if !(too_many || too_old) {
                break;
            }
            if let Some((arn, _)) = self.queue.pop_front() {
                gone.push(arn);
            }
        }
        gone
    }

    /// How many are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Settings, StepFunctionsService};
    use crate::clock::{Clock, ManualClock};
    use crate::integration::Integrations;
    use futures::future::BoxFuture;
    use serde_json::{json, Value};
    use std::sync::Arc;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn the_count_bound_drops_the_earliest_ended() {
        let bounds = ExpressRetention {
            max_executions: 2,
            max_age: HOUR,
        };
        let mut ended = Ended::default();
        for (i, arn) in ["a", "b", "c"].into_iter().enumerate() {
            ended.push(arn.into(), Duration::from_secs(i as u64));
        }
        assert_eq!(ended.evict(Duration::from_secs(3), &bounds), ["a"]);
        assert_eq!(ended.len(), 2);
        assert!(ended.evict(Duration::from_secs(3), &bounds).is_empty());
    }

    #[test]
    fn the_age_bound_drops_what_ended_too_long_ago() {
        let bounds = ExpressRetention::default();
        let clock = ManualClock::default();
        let mut ended = Ended::default();
        ended.push("old".into(), clock.elapsed());
        clock.advance(HOUR / 2);
        ended.push("new".into(), clock.elapsed());
        clock.advance(HOUR / 2);
        assert!(
            ended.evict(clock.elapsed(), &bounds).is_empty(),
            "exactly max_age is kept"
        );
        clock.advance(Duration::from_millis(1));
        assert_eq!(ended.evict(clock.elapsed(), &bounds), ["old"]);
        clock.advance(HOUR);
        assert_eq!(ended.evict(clock.elapsed(), &bounds), ["new"]);
        assert_eq!(ended.len(), 0);
    }

    /// A manual clock whose sleeps never complete: Wait states and the Express limit hold, so a
    /// running execution stays running while the test moves time by hand.
    struct Held(ManualClock);

    impl Clock for Held {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            self.0.now()
        }
        fn elapsed(&self) -> Duration {
            self.0.elapsed()
        }
        fn sleep(&self, _d: Duration) -> BoxFuture<'static, ()> {
            Box::pin(futures::future::pending())
        }
    }

    const PASS: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#;
    const WAIT: &str = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}"#;

    async fn machine(s: &StepFunctionsService, name: &str, def: &str) -> Value {
        let req = json!({"name": name, "definition": def, "roleArn": "r", "type": "EXPRESS"});
        s.call("CreateStateMachine", req).await.expect("create")["stateMachineArn"].clone()
    }

    async fn run(s: &StepFunctionsService, machine: &Value) -> Value {
        let out = s
            .call("StartSyncExecution", json!({"stateMachineArn": machine}))
            .await
            .expect("sync");
        assert_eq!(out["status"], "SUCCEEDED", "{out}");
        out["executionArn"].clone()
    }

    async fn status(s: &StepFunctionsService, arn: &Value) -> Option<String> {
        match s
            .call("DescribeExecution", json!({"executionArn": arn}))
            .await
        {
            Ok(d) => d["status"].as_str().map(str::to_owned),
            Err(crate::api::SfnError::ExecutionDoesNotExist(_)) => None,
            Err(e) => panic!("describe {arn}: {e}"),
        }
    }

    #[tokio::test]
    async fn launches_evict_ended_express_executions_and_keep_running_ones() {
        let clock = Arc::new(Held(ManualClock::default()));
        let settings = Settings {
            clock: clock.clone(),
            express_retention: ExpressRetention {
                max_executions: 2,
                max_age: HOUR,
            },
            ..Settings::default()
        };
        let s = StepFunctionsService::new(settings, Integrations::new()).expect("service");
        let pass = machine(&s, "pass", PASS).await;
        let wait = machine(&s, "wait", WAIT).await;
        let (a, b, c) = (
            run(&s, &pass).await,
            run(&s, &pass).await,
            run(&s, &pass).await,
        );
        // The next launch enforces the count: three ended, two kept, the earliest goes.
        let running = s
            .call("StartExecution", json!({"stateMachineArn": wait}))
            .await
            .expect("start")["executionArn"]
            .clone();
        assert_eq!(status(&s, &a).await, None);
        assert_eq!(status(&s, &b).await.as_deref(), Some("SUCCEEDED"));
        assert_eq!(status(&s, &c).await.as_deref(), Some("SUCCEEDED"));
        // Past the age bound: the ended ones go; the running one stays however long it runs.
        clock.0.advance(HOUR * 2);
        let d = run(&s, &pass).await;
        assert_eq!(status(&s, &b).await, None);
        assert_eq!(status(&s, &c).await, None);
        assert_eq!(status(&s, &running).await.as_deref(), Some("RUNNING"));
        assert_eq!(status(&s, &d).await.as_deref(), Some("SUCCEEDED"));
    }
}
