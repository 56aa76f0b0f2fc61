//! Running one execution: the context object, `ExecutionStarted`...`ExecutionSucceeded`/
//! `Failed`/`TimedOut` history, the machine-level `TimeoutSeconds`, and the 256 KiB input limit.

use crate::clock::{iso, Clock};
use crate::error::{names, StatesError};
use crate::history::{History, HistoryEvent};
use crate::interpreter::{Runner, MAX_PAYLOAD_BYTES};
use crate::state::StateMachine;
use crate::task::TaskExecutor;
use futures::future::{pending, BoxFuture};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Identity of an execution, as the context object and history show it.
#[derive(Debug, Clone)]
pub struct ExecutionOptions {
    /// `$$.Execution.Id`.
    pub execution_arn: String,
    /// `$$.Execution.Name`.
    pub name: String,
    /// `$$.StateMachine.Id`.
    pub state_machine_arn: String,
    /// `$$.StateMachine.Name`.
    pub state_machine_name: String,
    /// `$$.Execution.RoleArn`.
    pub role_arn: String,
    /// Region printed in task events.
    pub region: String,
}

impl Default for ExecutionOptions {
    fn default() -> Self {
        ExecutionOptions {
            execution_arn: "arn:aws:states:us-east-1:000000000000:execution:machine:execution"
                .into(),
            name: "execution".into(),
            state_machine_arn: "arn:aws:states:us-east-1:000000000000:stateMachine:machine".into(),
            state_machine_name: "machine".into(),
            role_arn: "arn:aws:iam::000000000000:role/localcloud".into(),
            region: "us-east-1".into(),
        }
    }
}

/// Final status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionStatus {
    /// `SUCCEEDED`.
    Succeeded,
    /// `FAILED`.
    Failed,
    /// `TIMED_OUT`.
    TimedOut,
    /// `ABORTED` (stopped).
    Aborted,
}

#[derive(PartialEq, Eq)]
enum Ended {
    Normally,
    TimedOut,
    Aborted,
}

impl ExecutionStatus {
    /// AWS spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
        }
    }
}

/// What an execution ended with.
#[derive(Debug, Clone)]
pub struct ExecutionOutcome {
    /// Status.
    pub status: ExecutionStatus,
    /// Output when it succeeded.
    pub output: Option<Value>,
    /// Error name when it failed.
    pub error: Option<String>,
    /// Cause when it failed.
    pub cause: Option<String>,
    /// Every event.
    pub history: Vec<HistoryEvent>,
}

/// Runs `machine` on `input` to completion.
pub async fn execute(
    machine: &StateMachine,
    input: Value,
    opts: &ExecutionOptions,
    executor: Arc<dyn TaskExecutor>,
    clock: Arc<dyn Clock>,
) -> ExecutionOutcome {
    let history = History::new(clock.clone());
    execute_with(machine, input, opts, executor, clock, history, pending()).await
}

/// A request to stop a running execution (what `StopExecution` carries).
#[derive(Debug, Clone, Default)]
pub struct StopRequest {
    /// Error recorded on the aborted execution.
    pub error: String,
    /// Cause recorded on the aborted execution.
    pub cause: String,
}

/// Runs `machine` on `input`, appending to `history` (keep a clone to watch a running
/// execution), until it ends or `stop` completes (status `ABORTED`, `ExecutionAborted`).
pub async fn execute_with(
    machine: &StateMachine,
    input: Value,
    opts: &ExecutionOptions,
    executor: Arc<dyn TaskExecutor>,
    clock: Arc<dyn Clock>,
    history: History,
    stop: impl Future<Output = StopRequest> + Send,
) -> ExecutionOutcome {
    let start = iso(clock.now());
    let base = json!({
        "Execution": {"Id": opts.execution_arn, "Input": input, "Name": opts.name, "RoleArn": opts.role_arn, "StartTime": start, "RedriveCount": 0},
        "StateMachine": {"Id": opts.state_machine_arn, "Name": opts.state_machine_name},
    });
    let started = history.push(
        0,
        "ExecutionStarted",
        "executionStartedEventDetails",
        json!({"input": input.to_string(), "roleArn": opts.role_arn}),
    );
    let runner = Runner {
        executor,
        clock: clock.clone(),
        history: history.clone(),
        base_ctx: Arc::new(base),
        execution_arn: opts.execution_arn.clone(),
        region: opts.region.clone(),
    };
    let too_big = serde_json::to_vec(&input).map(|b| b.len()).unwrap_or(0) > MAX_PAYLOAD_BYTES;
    let mut ended = Ended::Normally;
    let result: Result<Value, StatesError> = if too_big {
        Err(StatesError::new(
            names::DATA_LIMIT_EXCEEDED,
            "The execution input exceeds the maximum number of bytes service limit.",
        ))
    } else {
        let run = runner.run_machine(machine, input, started, Default::default());
        let limit: BoxFuture<'static, ()> = match machine.timeout_seconds {
            Some(t) => clock.sleep(Duration::from_secs(t)),
            None => Box::pin(pending()),
        };
        tokio::select! {
            biased;
            r = run => r,
            () = limit => {
                ended = Ended::TimedOut;
                Err(StatesError::new(names::TIMEOUT, ""))
            }
            req = stop => {
                ended = Ended::Aborted;
                Err(StatesError::new(req.error, req.cause))
            }
        }
    };
    let last = history.events().last().map_or(0, |e| e.id);
    let (status, output, error, cause) = match result {
        Ok(out) => {
            history.push(
                last,
                "ExecutionSucceeded",
                "executionSucceededEventDetails",
                json!({"output": out.to_string()}),
            );
            (ExecutionStatus::Succeeded, Some(out), None, None)
        }
        Err(e) if ended == Ended::Aborted => {
            history.push(
                last,
                "ExecutionAborted",
                "executionAbortedEventDetails",
                json!({"error": e.error, "cause": e.cause}),
            );
            (ExecutionStatus::Aborted, None, Some(e.error), Some(e.cause))
        }
        Err(e) if ended == Ended::TimedOut => {
            history.push(
                last,
                "ExecutionTimedOut",
                "executionTimedOutEventDetails",
                json!({"error": e.error, "cause": e.cause}),
            );
            (
                ExecutionStatus::TimedOut,
                None,
                Some(e.error),
                Some(e.cause),
            )
        }
        Err(e) => {
            history.push(
                last,
                "ExecutionFailed",
                "executionFailedEventDetails",
                json!({"error": e.error, "cause": e.cause}),
            );
            (ExecutionStatus::Failed, None, Some(e.error), Some(e.cause))
        }
    };
    ExecutionOutcome {
        status,
        output,
        error,
        cause,
        history: history.events(),
    }
}
