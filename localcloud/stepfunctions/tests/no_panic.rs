//! The engine never panics, whatever the definition or input: random JSON as a definition,
//! random text as paths and intrinsic calls, and mutated conformance definitions executed on
//! random inputs with random task results.

use futures::future::BoxFuture;
use localcloud_stepfunctions::intrinsic::parser;
use localcloud_stepfunctions::path::Path;
use localcloud_stepfunctions::{
    execute, parse_definition, ExecutionOptions, TaskContext, TaskError, TaskExecutor, TokioClock,
};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        "[a-zA-Z$.\\[\\]'*@?()0-9 {}\\\\,-]{0,16}".prop_map(Value::String),
        prop::sample::select(vec![
            "$",
            "$.a",
            "$$.Execution.Id",
            "States.Format('{}', $.a)",
            "Pass",
            "Task",
            "Choice",
            "Map",
            "Parallel",
            "Wait",
            "Fail",
            "Succeed",
            "S",
            "T"
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "Type",
                        "Next",
                        "End",
                        "StartAt",
                        "States",
                        "a",
                        "a.$",
                        "Result",
                        "ResultPath",
                        "InputPath",
                        "OutputPath",
                        "Parameters",
                        "Choices",
                        "Variable",
                        "StringEquals",
                        "Default",
                        "Seconds",
                        "Branches",
                        "ItemProcessor",
                        "ItemsPath",
                        "Error",
                        "Cause",
                        "Retry",
                        "Catch",
                        "ErrorEquals",
                        "Resource",
                        "MaxConcurrency",
                        "MaxConcurrencyPath",
                        "ToleratedFailureCountPath",
                        "ToleratedFailurePercentage",
                        "TimeoutSeconds",
                    ]),
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

struct Random(Vec<Value>);

impl TaskExecutor for Random {
    fn execute<'a>(
        &'a self,
        _r: &'a str,
        input: Value,
        ctx: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move {
            match self.0.get(ctx.retry_count as usize % self.0.len().max(1)) {
                Some(Value::String(s)) if s.starts_with('S') => Err(TaskError {
                    error: s.clone(),
                    cause: String::new(),
                }),
                Some(v) => Ok(v.clone()),
                None => Ok(input),
            }
        })
    }
}

fn corpus() -> Vec<Value> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/conformance/stepfunctions"
    );
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("cases").flatten() {
        if let Ok(text) = std::fs::read_to_string(entry.path().join("definition.asl.json")) {
            if let Ok(v) = serde_json::from_str(&text) {
                out.push(v);
            }
        }
    }
    out.sort_by_key(|v: &Value| v.to_string());
    out
}

/// Replaces the `n`th node (pre-order) of `v` with `with`.
fn mutate(v: &mut Value, n: &mut usize, with: &Value) {
    if *n == 0 {
        *v = with.clone();
        *n = usize::MAX;
        return;
    }
    *n -= 1;
    match v {
        Value::Object(m) => m.values_mut().for_each(|c| {
            if *n != usize::MAX {
                mutate(c, n, with)
            }
        }),
        Value::Array(a) => a.iter_mut().for_each(|c| {
            if *n != usize::MAX {
                mutate(c, n, with)
            }
        }),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_definitions_never_panic(def in arb_json()) {
        let _ = parse_definition(&def.to_string());
    }

    #[test]
    fn random_paths_and_calls_never_panic(s in "[$a-zA-Z.\\[\\]'*@?():0-9 ,{}\\\\-]{0,40}") {
        let _ = Path::parse(&s);
        let _ = parser::parse(&format!("States.{s}"));
        let _ = parser::parse(&s);
    }

    #[test]
    fn mutated_definitions_run_without_panicking(pick in any::<prop::sample::Index>(), node in 0usize..200, with in arb_json(), input in arb_json(), results in prop::collection::vec(arb_json(), 0..4)) {
        let corpus = corpus();
        let mut def = corpus[pick.index(corpus.len())].clone();
        let mut n = node;
        mutate(&mut def, &mut n, &with);
        if let Ok(machine) = parse_definition(&def.to_string()) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().expect("runtime");
            rt.block_on(async {
                let _ = execute(&machine, input, &ExecutionOptions::default(), Arc::new(Random(results)), Arc::new(TokioClock::new())).await;
            });
        }
    }
}
