//! The execution API the service layer builds on: watching a running execution's history and
//! stopping it (StopExecution -> `ABORTED` with `ExecutionAborted`).

use futures::future::BoxFuture;
use localcloud_stepfunctions::{
    execute_with, parse_definition, Clock, ExecutionOptions, ExecutionStatus, History, StopRequest,
    TaskContext, TaskError, TaskExecutor, TokioClock,
};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

struct Nothing;

impl TaskExecutor for Nothing {
    fn execute<'a>(
        &'a self,
        _: &'a str,
        input: Value,
        _: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move { Ok(input) })
    }
}

#[tokio::test(start_paused = true)]
async fn a_running_execution_can_be_watched_and_stopped() {
    let machine = parse_definition(
        r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}"#,
    )
    .expect("valid");
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::new());
    let history = History::new(clock.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<StopRequest>();
    let watcher = history.clone();
    let observer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let seen: Vec<String> = watcher
            .events()
            .iter()
            .map(|e| e.event_type.clone())
            .collect();
        tx.send(StopRequest {
            error: "UserStop".into(),
            cause: "stopped by test".into(),
        })
        .expect("send");
        seen
    });
    let stop = async move { rx.await.unwrap_or_default() };
    let started = clock.now();
    let out = execute_with(
        &machine,
        json!({}),
        &ExecutionOptions::default(),
        Arc::new(Nothing),
        clock.clone(),
        history,
        stop,
    )
    .await;
    let seen = observer.await.expect("observer");
    assert_eq!(seen, ["ExecutionStarted", "WaitStateEntered"]);
    assert_eq!(out.status, ExecutionStatus::Aborted);
    assert_eq!(out.error.as_deref(), Some("UserStop"));
    assert_eq!((clock.now() - started).num_seconds(), 10);
    let last = out.history.last().expect("events");
    assert_eq!(last.event_type, "ExecutionAborted");
    assert_eq!(
        last.details["executionAbortedEventDetails"]["cause"],
        "stopped by test"
    );
}
