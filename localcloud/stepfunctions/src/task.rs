//! The seam between the engine and the services a Task calls. The engine owns ASL semantics
//! (paths, retries, timeouts, history); a [`TaskExecutor`] owns what a `Resource` does. The
//! local cloud implements it with its Lambda and DynamoDB services; tests use small tables of
//! canned results.
//!
//! Contract for implementations: the `error` of a [`TaskError`] is the exact name `Retry`/`Catch`
//! match on: a Lambda function's `errorType` (e.g. `OrderInvalid`), `Lambda.*` for service
//! errors (`Lambda.TooManyRequestsException`), `DynamoDB.*` for DynamoDB exceptions
//! (`DynamoDB.ConditionalCheckFailedException`), `States.TaskFailed` when nothing better exists.
//! Timeouts and heartbeats are enforced by the engine, not by executors.

use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::Notify;

/// What the executor learns about the call besides resource and input.
#[derive(Debug, Clone)]
pub struct TaskContext {
    /// The Task state's name.
    pub state_name: String,
    /// The execution's ARN.
    pub execution_arn: String,
    /// `$$.Task.Token` for `.waitForTaskToken` resources.
    pub task_token: Option<String>,
    /// Effective `TimeoutSeconds` (the engine enforces it; executors may pass it on).
    pub timeout_seconds: Option<u64>,
    /// Effective `HeartbeatSeconds`; an executor that tracks heartbeats reports
    /// `States.HeartbeatTimeout` itself.
    pub heartbeat_seconds: Option<u64>,
    /// `$$.State.RetryCount`.
    pub retry_count: u32,
    /// Report liveness (what `SendTaskHeartbeat` does) to restart the `HeartbeatSeconds` timer.
    pub heartbeat: Heartbeat,
}

/// A task's liveness signal: [`Heartbeat::beat`] restarts the `HeartbeatSeconds` timer.
#[derive(Debug, Clone, Default)]
pub struct Heartbeat(Arc<Notify>);

impl Heartbeat {
    /// Records a heartbeat.
    pub fn beat(&self) {
        self.0.notify_one();
    }
    /// Completes at the next heartbeat (engine side).
    pub(crate) async fn received(&self) {
        self.0.notified().await;
    }
}

/// A failed task: the error name Retry/Catch match on, and its cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    /// e.g. `Lambda.TooManyRequestsException`, a function's `errorType`, `States.TaskFailed`.
    pub error: String,
    /// Cause text.
    pub cause: String,
}

/// Executes Task resources.
pub trait TaskExecutor: Send + Sync {
    /// Runs `resource` with the effective input; returns the raw result.
    fn execute<'a>(
        &'a self,
        resource: &'a str,
        input: Value,
        ctx: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>>;
}
