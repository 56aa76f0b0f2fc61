//! Quick in-process throughput figure: state transitions per second for a 10-state
//! Pass/Choice workflow (no peer is run here; the side-by-side comparison with moto belongs to
//! the API-level benchmark). Run with `cargo bench -p localcloud-stepfunctions`.

use futures::future::BoxFuture;
use localcloud_stepfunctions::{
    execute, parse_definition, ExecutionOptions, TaskContext, TaskError, TaskExecutor, TokioClock,
};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

struct NoTasks;

impl TaskExecutor for NoTasks {
    fn execute<'a>(
        &'a self,
        _: &'a str,
        input: Value,
        _: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move { Ok(input) })
    }
}

const DEFINITION: &str = r#"{
  "StartAt": "P1",
  "States": {
    "P1": {"Type": "Pass", "Parameters": {"n.$": "$.n", "id.$": "$$.Execution.Name"}, "Next": "C1"},
    "C1": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "P2"}], "Default": "P3"},
    "P2": {"Type": "Pass", "Result": "big", "ResultPath": "$.size", "Next": "P4"},
    "P3": {"Type": "Pass", "Result": "small", "ResultPath": "$.size", "Next": "P4"},
    "P4": {"Type": "Pass", "InputPath": "$", "Next": "C2"},
    "C2": {"Type": "Choice", "Choices": [{"Variable": "$.size", "StringEquals": "big", "Next": "P5"}], "Default": "P6"},
    "P5": {"Type": "Pass", "Parameters": {"size.$": "$.size", "n.$": "$.n"}, "Next": "P7"},
    "P6": {"Type": "Pass", "Next": "P7"},
    "P7": {"Type": "Pass", "ResultPath": "$.copy", "Next": "P8"},
    "P8": {"Type": "Pass", "OutputPath": "$.copy", "Next": "P9"},
    "P9": {"Type": "Pass", "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}"#;

fn main() {
    let machine = Arc::new(parse_definition(DEFINITION).expect("valid"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("runtime");
    let executions: usize = std::env::var("SFN_BENCH_EXECUTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let in_flight = 16;
    let transitions_per_execution = 10;
    runtime.block_on(async {
        let clock = Arc::new(TokioClock::new());
        let executor: Arc<dyn TaskExecutor> = Arc::new(NoTasks);
        let start = Instant::now();
        let mut handles = Vec::new();
        for w in 0..in_flight {
            let (machine, clock, executor) = (machine.clone(), clock.clone(), executor.clone());
            handles.push(tokio::spawn(async move {
                let opts = ExecutionOptions::default();
                for i in (w..executions).step_by(in_flight) {
                    let out = execute(&machine, json!({"n": i % 10}), &opts, executor.clone(), clock.clone()).await;
                    assert_eq!(out.status.as_str(), "SUCCEEDED");
                }
            }));
        }
        for h in handles {
            h.await.expect("worker");
        }
        let secs = start.elapsed().as_secs_f64();
        let eps = executions as f64 / secs;
        println!(
            "in-process, {in_flight} in flight: {executions} executions in {secs:.2} s = {eps:.0} executions/s, {:.0} state transitions/s ({:.1} us of worker time per state on 2 threads)",
            eps * transitions_per_execution as f64,
            secs * 1e6 * 2.0 / (executions * transitions_per_execution) as f64
        );
    });
}
