//! What an execution did, state by state: its history events folded into one [`Visit`] per
//! state entered (times, input and output, the last error, retries, the outcome). `localcloud
//! executions show` prints them and colours the graph with them; the console reads the same.

use crate::graph::Outcome;
use serde_json::Value;

/// One state's visit, from the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// State name.
    pub name: String,
    /// State type (from the event type).
    pub kind: String,
    /// Entered at (epoch seconds).
    pub entered: Option<f64>,
    /// Exited at.
    pub exited: Option<f64>,
    /// Input.
    pub input: Option<String>,
    /// Output.
    pub output: Option<String>,
    /// The last error seen in the state, with its cause.
    pub error: Option<(String, String)>,
    /// Retries (a task scheduled again after a failure).
    pub retries: u32,
    /// What happened.
    pub outcome: Outcome,
}

/// The visits of an execution's history (events in order); `failed` is whether the execution
/// ended FAILED/TIMED_OUT/ABORTED.
pub fn visits(events: &[Value], failed: bool) -> Vec<Visit> {
    let mut out: Vec<Visit> = Vec::new();
    let open = |out: &mut Vec<Visit>| out.iter().rposition(|v| v.exited.is_none());
    for e in events {
        let ty = e["type"].as_str().unwrap_or_default();
        let ts = e["timestamp"].as_f64();
        if let Some(kind) = ty.strip_suffix("StateEntered") {
            let d = &e["stateEnteredEventDetails"];
            out.push(Visit {
                name: d["name"].as_str().unwrap_or_default().to_owned(),
                kind: kind.to_owned(),
                entered: ts,
                exited: None,
                input: d["input"].as_str().map(str::to_owned),
                output: None,
                error: None,
                retries: 0,
                outcome: Outcome::Running,
            });
        } else if ty.ends_with("StateExited") {
            let d = &e["stateExitedEventDetails"];
            let name = d["name"].as_str().unwrap_or_default();
            if let Some(i) = out
                .iter()
                .rposition(|v| v.exited.is_none() && v.name == name)
            {
                let v = &mut out[i];
                v.exited = ts;
                v.output = d["output"].as_str().map(str::to_owned);
                v.outcome = if v.error.is_some() {
                    Outcome::Caught
                } else {
                    Outcome::Succeeded
                };
            }
        } else if ty.ends_with("Failed") || ty.ends_with("TimedOut") || ty.ends_with("Aborted") {
            let details = e
                .as_object()
                .and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")))
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null);
            if let Some(i) = open(&mut out) {
                out[i].error = Some((
                    details["error"].as_str().unwrap_or(ty).to_owned(),
                    details["cause"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        } else if ty.ends_with("Scheduled") {
            if let Some(i) = open(&mut out) {
                if out[i].error.take().is_some() {
                    out[i].retries += 1;
                }
            }
        }
    }
    for v in &mut out {
        if v.exited.is_none() && (failed || v.kind == "Fail") {
            v.outcome = Outcome::Failed;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_follow_the_history() {
        let ev = |ty: &str, key: &str, d: Value, ts: f64| {
            let mut e = json!({"type": ty, "timestamp": ts});
            if !key.is_empty() {
                e[key] = d;
            }
            e
        };
        let events = vec![
            ev("ExecutionStarted", "", Value::Null, 1.0),
            ev(
                "TaskStateEntered",
                "stateEnteredEventDetails",
                json!({"name": "Charge", "input": "{}"}),
                1.0,
            ),
            ev("LambdaFunctionScheduled", "", Value::Null, 1.0),
            ev(
                "LambdaFunctionFailed",
                "lambdaFunctionFailedEventDetails",
                json!({"error": "PaymentProviderUnavailable", "cause": "down"}),
                1.1,
            ),
            ev("LambdaFunctionScheduled", "", Value::Null, 1.2),
            ev(
                "LambdaFunctionFailed",
                "lambdaFunctionFailedEventDetails",
                json!({"error": "PaymentDeclined", "cause": "no"}),
                1.3,
            ),
            ev(
                "TaskStateExited",
                "stateExitedEventDetails",
                json!({"name": "Charge", "output": "{\"e\":1}"}),
                1.3,
            ),
            ev(
                "FailStateEntered",
                "stateEnteredEventDetails",
                json!({"name": "Failed", "input": "{}"}),
                1.4,
            ),
            ev(
                "ExecutionFailed",
                "executionFailedEventDetails",
                json!({"error": "PaymentDeclined", "cause": "no"}),
                1.4,
            ),
        ];
        let v = visits(&events, true);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].outcome, Outcome::Caught);
        assert_eq!(v[0].retries, 1);
        assert_eq!(
            v[0].error.as_ref().map(|e| e.0.as_str()),
            Some("PaymentDeclined")
        );
        assert_eq!(v[1].outcome, Outcome::Failed);
        assert_eq!((v[0].entered, v[0].exited), (Some(1.0), Some(1.3)));
    }
}
