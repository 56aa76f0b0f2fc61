//! Runs every case under `tests/conformance/stepfunctions/<case>/`:
//! `definition.asl.json`, optional `input.json`, optional `tasks.json` (canned results per
//! resource, consumed in order, the last one repeating), `expected.json` and `source`.
//!
//! `expected.json` holds either `{"invalidDefinition": [{"code", "location", "message"?}]}` or
//! `{"status", "output"?, "error"?, "cause"?, "historyTypes"?, "calls"?, "elapsedSeconds"?,
//! "maxElapsedSeconds"?}`. Time is tokio's paused clock, so Wait and retry delays cost nothing.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use localcloud_stepfunctions::{
    execute, parse_definition, Clock, ExecutionOptions, TaskContext, TaskError, TaskExecutor,
    TokioClock,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Canned results by resource, and a record of the calls.
struct Canned {
    table: HashMap<String, Vec<Value>>,
    used: Mutex<HashMap<String, usize>>,
    calls: Mutex<Vec<Value>>,
}

impl TaskExecutor for Canned {
    fn execute<'a>(
        &'a self,
        resource: &'a str,
        input: Value,
        ctx: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move {
            self.calls
                .lock()
                .expect("test invariant")
                .push(json!({"resource": resource, "input": input, "retryCount": ctx.retry_count}));
            let Some(list) = self.table.get(resource) else {
                return Err(TaskError {
                    error: "Test.UnknownResource".into(),
                    cause: resource.to_string(),
                });
            };
            let n = {
                let mut used = self.used.lock().expect("test invariant");
                let n = used.entry(resource.to_string()).or_insert(0);
                let cur = *n;
                *n += 1;
                cur.min(list.len() - 1)
            };
            let entry = &list[n];
            if let Some(d) = entry.get("delaySeconds").and_then(Value::as_u64) {
                match entry.get("heartbeatEverySeconds").and_then(Value::as_u64) {
                    Some(every) if every > 0 => {
                        let mut left = d;
                        while left > 0 {
                            let step = every.min(left);
                            tokio::time::sleep(Duration::from_secs(step)).await;
                            ctx.heartbeat.beat();
                            left -= step;
                        }
                    }
                    _ => tokio::time::sleep(Duration::from_secs(d)).await,
                }
            }
            if let Some(e) = entry.get("error").and_then(Value::as_str) {
                let cause = entry
                    .get("cause")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                return Err(TaskError {
                    error: e.into(),
                    cause: cause.into(),
                });
            }
            if entry.get("echo") == Some(&Value::Bool(true)) {
                return Ok(input);
            }
            if entry.get("echoToken") == Some(&Value::Bool(true)) {
                return Ok(json!({"token": ctx.task_token}));
            }
            Ok(entry.get("result").cloned().unwrap_or(Value::Null))
        })
    }
}

fn read(dir: &Path, name: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(name)).ok()
}

fn run_case(dir: &Path) -> Result<(), String> {
    let definition = read(dir, "definition.asl.json").ok_or("missing definition.asl.json")?;
    let expected: Value =
        serde_json::from_str(&read(dir, "expected.json").ok_or("missing expected.json")?)
            .map_err(|e| e.to_string())?;
    let source = read(dir, "source").ok_or("missing source")?;
    if !source.contains("https://") {
        return Err("source cites no URL".into());
    }
    let input: Value = match read(dir, "input.json") {
        Some(s) => serde_json::from_str(&s).map_err(|e| format!("input.json: {e}"))?,
        None => json!({}),
    };
    let tasks: HashMap<String, Vec<Value>> = match read(dir, "tasks.json") {
        Some(s) => serde_json::from_str(&s).map_err(|e| format!("tasks.json: {e}"))?,
        None => HashMap::new(),
    };
    let parsed = parse_definition(&definition);
    if let Some(want) = expected.get("invalidDefinition") {
        let err = match parsed {
            Ok(_) => return Err("definition was accepted, expected InvalidDefinition".into()),
            Err(e) => e,
        };
        let want = want
            .as_array()
            .ok_or("invalidDefinition must be an array")?;
        for w in want {
            let found = err.diagnostics.iter().any(|d| {
                Some(d.code) == w["code"].as_str()
                    && w.get("location")
                        .is_none_or(|l| l.as_str() == Some(d.location.as_str()))
                    && w.get("message")
                        .is_none_or(|m| m.as_str() == Some(d.message.as_str()))
            });
            if !found {
                return Err(format!("expected diagnostic {w} not in: {err}"));
            }
        }
        if let Some(m) = expected.get("messageContains").and_then(Value::as_str) {
            if !err.to_string().contains(m) {
                return Err(format!("message {err} lacks {m}"));
            }
        }
        return Ok(());
    }
    let machine = parsed.map_err(|e| format!("definition rejected: {e}"))?;
    let executor = Arc::new(Canned {
        table: tasks,
        used: Mutex::new(HashMap::new()),
        calls: Mutex::new(Vec::new()),
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .map_err(|e| e.to_string())?;
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().map_err(|e| format!("{e}"))?;
    let (outcome, elapsed) = rt.block_on(async {
        let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(start));
        let opts = ExecutionOptions {
            name: "conformance".into(),
            ..ExecutionOptions::default()
        };
        let out = execute(&machine, input, &opts, executor.clone(), clock.clone()).await;
        (
            out,
            (clock.now() - start).num_milliseconds() as f64 / 1000.0,
        )
    });
    let status = expected["status"]
        .as_str()
        .ok_or("expected.json needs status or invalidDefinition")?;
    let mut problems = Vec::new();
    if outcome.status.as_str() != status {
        problems.push(format!(
            "status {} (error {:?}, cause {:?}), expected {status}",
            outcome.status.as_str(),
            outcome.error,
            outcome.cause
        ));
    }
    if let Some(want) = expected.get("output") {
        if outcome.output.as_ref() != Some(want) {
            problems.push(format!("output {:?}, expected {want}", outcome.output));
        }
    }
    for (k, got) in [("error", &outcome.error), ("cause", &outcome.cause)] {
        if let Some(want) = expected.get(k) {
            if got.as_deref() != want.as_str() {
                problems.push(format!("{k} {got:?}, expected {want}"));
            }
        }
    }
    if let Some(want) = expected.get("causeContains").and_then(Value::as_str) {
        if !outcome.cause.as_deref().unwrap_or_default().contains(want) {
            problems.push(format!("cause {:?} lacks {want}", outcome.cause));
        }
    }
    if let Some(want) = expected.get("historyTypes") {
        let got: Vec<&str> = outcome
            .history
            .iter()
            .map(|e| e.event_type.as_str())
            .collect();
        if json!(got) != *want {
            problems.push(format!("history {got:?}, expected {want}"));
        }
    }
    if let Some(want) = expected.get("history") {
        let got = serde_json::to_value(&outcome.history).map_err(|e| e.to_string())?;
        for (i, w) in want
            .as_array()
            .ok_or("history must be an array")?
            .iter()
            .enumerate()
        {
            let g = &got[i];
            for (k, v) in w.as_object().ok_or("history entries are objects")? {
                if &g[k] != v {
                    problems.push(format!("history[{i}].{k} = {}, expected {v}", g[k]));
                }
            }
        }
    }
    if let Some(want) = expected.get("calls") {
        let calls = executor.calls.lock().expect("test invariant").clone();
        if json!(calls) != *want {
            problems.push(format!("calls {}, expected {want}", json!(calls)));
        }
    }
    if let Some(want) = expected.get("elapsedSeconds").and_then(Value::as_f64) {
        if (elapsed - want).abs() > 0.001 {
            problems.push(format!("elapsed {elapsed}s, expected {want}s"));
        }
    }
    if let Some(max) = expected.get("maxElapsedSeconds").and_then(Value::as_f64) {
        if elapsed > max {
            problems.push(format!("elapsed {elapsed}s, expected at most {max}s"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/stepfunctions")
}

#[test]
fn conformance_cases() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("conformance directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let filter = std::env::var("SFN_CASE").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for dir in &dirs {
        let name = dir
            .file_name()
            .expect("test invariant")
            .to_string_lossy()
            .to_string();
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        if let Err(e) = run_case(dir) {
            failures.push(format!("{name}: {e}"));
        }
    }
    println!(
        "conformance: {} of {ran} cases passed",
        ran - failures.len()
    );
    assert!(ran > 0, "no conformance cases found");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
