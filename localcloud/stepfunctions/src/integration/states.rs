//! `arn:aws:states:::states:startExecution` (start and move on) and
//! `arn:aws:states:::states:startExecution.sync:2` (wait; the result is DescribeExecution's
//! answer with `Output` parsed as JSON), through [`ExecutionStarter`], which the service
//! implements (<https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html>).

use crate::task::TaskError;
use futures::future::BoxFuture;
use serde_json::Value;

/// Starts executions of other state machines (the Step Functions service of this crate).
pub trait ExecutionStarter: Send + Sync {
    /// StartExecution with the task's Parameters (`StateMachineArn`, `Input`, `Name`);
    /// returns `{ExecutionArn, StartDate}`.
    fn start<'a>(&'a self, params: Value) -> BoxFuture<'a, Result<Value, TaskError>>;
    /// Waits for `execution_arn` to end; returns DescribeExecution's answer.
    fn wait<'a>(&'a self, execution_arn: &'a str) -> BoxFuture<'a, Result<Value, TaskError>>;
}

/// Runs the integration; `sync` for `.sync:2`.
pub async fn start_execution(
    starter: &dyn ExecutionStarter,
    params: Value,
    sync: bool,
) -> Result<Value, TaskError> {
    let started = starter.start(params).await?;
    if !sync {
        return Ok(started);
    }
    let arn = started
        .get("ExecutionArn")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut described = starter.wait(&arn).await?;
    let status = described
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // `.sync:2` answers with the SDK's PascalCase member names and parsed Output.
    let mut out = serde_json::Map::new();
    if let Value::Object(m) = &mut described {
        for (k, v) in std::mem::take(m) {
            let key = crate::integration::states::pascal(&k);
            let v = match (k.as_str(), v) {
                ("output", Value::String(s)) => {
                    serde_json::from_str(&s).unwrap_or(Value::String(s))
                }
                (_, v) => v,
            };
            out.insert(key, v);
        }
    }
    let out = Value::Object(out);
    match status.as_str() {
        "SUCCEEDED" => Ok(out),
        "FAILED" => Err(TaskError {
            error: crate::error::names::TASK_FAILED.into(),
            cause: out.to_string(),
        }),
        "TIMED_OUT" => Err(TaskError {
            error: crate::error::names::TIMEOUT.into(),
            cause: out.to_string(),
        }),
        _ => Err(TaskError {
            error: crate::error::names::TASK_FAILED.into(),
            cause: out.to_string(),
        }),
    }
}

/// `executionArn` -> `ExecutionArn`.
pub fn pascal(s: &str) -> String {
    crate::integration::dynamodb::operation_name(s)
}
