//! TestState: runs one state in isolation, with its Task result (or error) mocked or from the
//! real local integrations, and answers AWS's shape: `status` (`SUCCEEDED`, `FAILED`,
//! `RETRIABLE`, `CAUGHT_ERROR`), `output`, `error`/`cause`, `nextState` and, at
//! `inspectionLevel` DEBUG or TRACE, `inspectionData`
//! (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html>).
//!
//! The state runs on the engine inside a one-state machine: every transition target (`Next`,
//! each Choice rule, `Default`, each `Catch`) becomes a pass-through end state, so the state's
//! own output and the target it chose are observed. Retriers are evaluated, not waited: a
//! failure that a `Retry` matches answers `RETRIABLE`, as AWS does. A Wait state does not wait.

use super::machines::str_field;
use super::{Inner, SfnError};
use crate::execution::{execute, ExecutionOptions, ExecutionStatus};
use crate::task::{TaskContext, TaskError, TaskExecutor};
use crate::validate::parse_definition;
use futures::future::BoxFuture;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// What a mocked Task answers.
enum Mock {
    Result(Value),
    Error(TaskError),
}

struct Mocked(Mock);

impl TaskExecutor for Mocked {
    fn execute<'a>(
        &'a self,
        _resource: &'a str,
        _input: Value,
        _ctx: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>> {
        let out = match &self.0 {
            Mock::Result(v) => Ok(v.clone()),
            Mock::Error(e) => Err(e.clone()),
        };
        Box::pin(async move { out })
    }
}

/// TestState's `status`, a vocabulary of its own (AWS's `TestExecutionStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestStatus {
    Succeeded,
    Failed,
    Retriable,
    CaughtError,
}

impl TestStatus {
    fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

const SENTINEL: &str = "__localcloud_next_";

fn parse_json(text: &str, what: &str) -> Result<Value, SfnError> {
    serde_json::from_str(text)
        .map_err(|e| SfnError::InvalidDefinition(format!("{what} is not valid JSON: {e}")))
}

/// The state under test and its name.
fn the_state(req: &Value) -> Result<(String, Map<String, Value>), SfnError> {
    let definition = parse_json(str_field(req, "definition")?, "definition")?;
    let name = req.get("stateName").and_then(Value::as_str);
    let (name, state) = match name {
        Some(n) => {
            let state = definition
                .get("States")
                .and_then(|s| s.get(n))
                .ok_or_else(|| {
                    SfnError::InvalidDefinition(format!(
                        "stateName {n} is not a state of the definition's top-level States"
                    ))
                })?;
            (n.to_owned(), state.clone())
        }
        None if definition.get("Type").is_some() => ("TestState".to_owned(), definition),
        None => {
            return Err(SfnError::InvalidDefinition(
                "the definition is not a state (no Type): pass stateName to test a state of a state machine".into(),
            ))
        }
    };
    match state {
        Value::Object(m) => Ok((name, m)),
        _ => Err(SfnError::InvalidDefinition(format!(
            "state {name} is not an object"
        ))),
    }
}

/// Rewrites the transitions of `state` to sentinels; returns the one-state machine and the
/// sentinel names with their original targets and whether each is a Catch.
fn isolate(name: &str, mut state: Map<String, Value>) -> (Value, Vec<(String, String, bool)>) {
    let mut targets: Vec<(String, String, bool)> = Vec::new();
    let mut sentinel = |target: &str, catch: bool| -> String {
        let s = format!("{SENTINEL}{}", targets.len());
        targets.push((s.clone(), target.to_owned(), catch));
        s
    };
    if let Some(Value::String(n)) = state.get("Next").cloned() {
        state.insert("Next".into(), json!(sentinel(&n, false)));
    }
    if let Some(Value::String(d)) = state.get("Default").cloned() {
        state.insert("Default".into(), json!(sentinel(&d, false)));
    }
    if let Some(Value::Array(rules)) = state.get_mut("Choices") {
        for r in rules.iter_mut() {
            if let Some(Value::String(n)) = r.get("Next").cloned() {
                r["Next"] = json!(sentinel(&n, false));
            }
        }
    }
    if let Some(Value::Array(catchers)) = state.get_mut("Catch") {
        for c in catchers.iter_mut() {
            if let Some(Value::String(n)) = c.get("Next").cloned() {
                c["Next"] = json!(sentinel(&n, true));
            }
        }
    }
    state.remove("Retry");
    if state.get("Type").and_then(Value::as_str) == Some("Wait") {
        for k in ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"] {
            state.remove(k);
        }
        state.insert("Seconds".into(), json!(0));
    }
    let mut states = Map::new();
    states.insert(name.to_owned(), Value::Object(state));
    for (s, _, _) in &targets {
        states.insert(s.clone(), json!({"Type": "Pass", "End": true}));
    }
    (json!({"StartAt": name, "States": states}), targets)
}

/// Whether a retrier of `state` matches `error` (States.ALL matches everything but
/// States.Runtime, as in the States Language spec).
fn retriable(state: &Map<String, Value>, error: &str) -> bool {
    state
        .get("Retry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|r| {
            let max = r.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3);
            max > 0
                && r.get("ErrorEquals")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .any(|e| e == error || (e == "States.ALL" && error != "States.Runtime"))
        })
}

impl Inner {
    pub(crate) async fn test_state(&self, req: &Value) -> Result<Value, SfnError> {
        let (name, state) = the_state(req)?;
        let input = match req.get("input").and_then(Value::as_str) {
            None => json!({}),
            Some(t) => serde_json::from_str(t).map_err(|e| {
                SfnError::InvalidExecutionInput(format!(
                    "Invalid State Machine Execution Input: '{e}'"
                ))
            })?,
        };
        let mock = match req.get("mock") {
            None | Some(Value::Null) => None,
            Some(m) => Some(match (m.get("result"), m.get("errorOutput")) {
                (Some(Value::String(r)), None) => Mock::Result(parse_json(r, "mock.result")?),
                (None, Some(e)) => Mock::Error(TaskError {
                    error: e
                        .get("error")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    cause: e
                        .get("cause")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                }),
                _ => {
                    return Err(SfnError::ValidationException(
                        "mock takes exactly one of result (a JSON string) and errorOutput".into(),
                    ))
                }
            }),
        };
        let (machine_json, targets) = isolate(&name, state.clone());
        let machine = parse_definition(&machine_json.to_string())
            .map_err(|e| SfnError::InvalidDefinition(e.to_string()))?;
        let executor: Arc<dyn TaskExecutor> = match mock {
            Some(m) => Arc::new(Mocked(m)),
            None => self.integrations.clone(),
        };
        let opts = ExecutionOptions {
            region: self.settings.region.clone(),
            ..ExecutionOptions::default()
        };
        let outcome = execute(
            &machine,
            input.clone(),
            &opts,
            executor,
            self.settings.clock.clone(),
        )
        .await;

        // The first failure recorded, whether or not a Catch took it.
        let failure = outcome.history.iter().find_map(|e| {
            e.details.values().find_map(|d| {
                let error = d.get("error").and_then(Value::as_str)?;
                Some((
                    error.to_owned(),
                    d.get("cause")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                ))
            })
        });
        let chosen = outcome.history.iter().rev().find_map(|e| {
            let entered = e.details.get("stateEnteredEventDetails")?;
            let n = entered.get("name").and_then(Value::as_str)?;
            targets.iter().find(|(s, _, _)| s == n).cloned()
        });
        let task_result = outcome.history.iter().find_map(|e| {
            e.details
                .iter()
                .find(|(k, _)| {
                    k.ends_with("SucceededEventDetails")
                        && k.as_str() != "executionSucceededEventDetails"
                })
                .and_then(|(_, d)| d.get("output").cloned())
        });
        let mut out = serde_json::Map::new();
        let status = match (&failure, &chosen, outcome.status) {
            (Some((error, _)), _, _) if retriable(&state, error) => TestStatus::Retriable,
            (Some(_), Some((_, _, true)), ExecutionStatus::Succeeded) => TestStatus::CaughtError,
            (_, _, ExecutionStatus::Succeeded) => TestStatus::Succeeded,
            _ => TestStatus::Failed,
        };
        out.insert("status".into(), json!(status.as_str()));
        if let Some((_, target, _)) = chosen.filter(|_| status != TestStatus::Retriable) {
            out.insert("nextState".into(), json!(target));
        }
        if matches!(status, TestStatus::Succeeded | TestStatus::CaughtError) {
            if let Some(o) = &outcome.output {
                out.insert("output".into(), json!(o.to_string()));
            }
        }
        if status != TestStatus::Succeeded {
            let (error, cause) = failure.clone().unwrap_or_else(|| {
                (
                    outcome.error.clone().unwrap_or_default(),
                    outcome.cause.clone().unwrap_or_default(),
                )
            });
            out.insert("error".into(), json!(error));
            out.insert("cause".into(), json!(cause));
        }
        let level = req
            .get("inspectionLevel")
            .and_then(Value::as_str)
            .unwrap_or("INFO");
        if matches!(level, "DEBUG" | "TRACE") {
            let mut data = serde_json::Map::new();
            data.insert("input".into(), json!(input.to_string()));
            if let Some(r) = task_result {
                data.insert(
                    "result".into(),
                    json!(r.as_str().map_or_else(|| r.to_string(), str::to_owned)),
                );
            }
            if let (true, Some(o)) = (status == TestStatus::Succeeded, &outcome.output) {
                data.insert("afterResultPath".into(), json!(o.to_string()));
            }
            out.insert("inspectionData".into(), Value::Object(data));
        }
        Ok(Value::Object(out))
    }
}
