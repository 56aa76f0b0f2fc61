//! The integrations executor: resource dispatch, AWS's result shapes and error names, and
//! `.waitForTaskToken` completed through the token table.

use futures::future::BoxFuture;
use localcloud_stepfunctions::integration::{
    DynamoApiError, DynamoCaller, Integrations, Invocation, InvocationType, Invoke, InvokeError,
};
use localcloud_stepfunctions::{
    execute, parse_definition, ExecutionOptions, ExecutionStatus, TaskContext, TaskExecutor,
    TokioClock,
};
use localcloud_wire::invoke::InvokeErrorKind;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

struct FakeLambda;

impl Invoke for FakeLambda {
    fn invoke<'a>(
        &'a self,
        function: &'a str,
        _: Option<&'a str>,
        payload: bytes::Bytes,
        _: InvocationType,
    ) -> BoxFuture<'a, Result<Invocation, InvokeError>> {
        Box::pin(async move {
            let ok = |p: bytes::Bytes, fe: Option<&str>, et: Option<&str>| Invocation {
                status: 200,
                payload: p,
                function_error: fe.map(str::to_string),
                error_type: et.map(str::to_string),
                executed_version: "$LATEST".into(),
                log_tail: String::new(),
                request_id: "req-1".into(),
                cold_start: false,
            };
            match function.rsplit(':').next().unwrap_or(function) {
                "echo" => Ok(ok(payload, None, None)),
                "fails" => Ok(ok(
                    bytes::Bytes::from_static(
                        br#"{"errorType":"OutOfStock","errorMessage":"LOW-1"}"#,
                    ),
                    Some("Unhandled"),
                    Some("unhandled"),
                )),
                "busy" => Err(InvokeError {
                    kind: InvokeErrorKind::TooManyRequests,
                    message: "Rate Exceeded.".into(),
                }),
                _ => Err(InvokeError {
                    kind: InvokeErrorKind::ResourceNotFound,
                    message: "Function not found".into(),
                }),
            }
        })
    }
}

#[derive(Default)]
struct FakeDynamo {
    calls: Mutex<Vec<(String, Value)>>,
}

impl DynamoCaller for FakeDynamo {
    fn call<'a>(
        &'a self,
        operation: &'a str,
        request: Value,
    ) -> BoxFuture<'a, Result<Value, DynamoApiError>> {
        Box::pin(async move {
            self.calls
                .lock()
                .expect("lock")
                .push((operation.to_string(), request.clone()));
            if request.get("ConditionExpression").is_some() {
                return Err(DynamoApiError {
                    code: "ConditionalCheckFailedException".into(),
                    message: "The conditional request failed".into(),
                    status: 400,
                });
            }
            Ok(json!({"Echo": request}))
        })
    }
}

fn ctx() -> TaskContext {
    TaskContext {
        state_name: "S".into(),
        execution_arn: "arn".into(),
        task_token: None,
        timeout_seconds: None,
        heartbeat_seconds: None,
        retry_count: 0,
        heartbeat: Default::default(),
    }
}

fn integrations() -> (Integrations, Arc<FakeDynamo>) {
    let dynamo = Arc::new(FakeDynamo::default());
    let i = Integrations::new()
        .with_lambda(Arc::new(FakeLambda))
        .with_dynamo(dynamo.clone());
    (i, dynamo)
}

#[tokio::test]
async fn lambda_invoke_returns_the_sdk_shaped_result() {
    let (i, _) = integrations();
    let out = i
        .execute(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:echo", "Payload": {"a": 1}}),
            ctx(),
        )
        .await
        .expect("ok");
    assert_eq!(out["Payload"], json!({"a": 1}));
    assert_eq!(out["StatusCode"], 200);
    assert_eq!(out["ExecutedVersion"], "$LATEST");
    assert_eq!(out["SdkResponseMetadata"]["RequestId"], "req-1");
    assert_eq!(out["SdkHttpMetadata"]["HttpStatusCode"], 200);
    assert_eq!(
        out["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Executed-Version"],
        "$LATEST"
    );
    assert_eq!(
        out["SdkHttpMetadata"]["AllHttpHeaders"]["x-amzn-RequestId"],
        json!(["req-1"])
    );
    let keys: Vec<&String> = out.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "ExecutedVersion",
            "Payload",
            "SdkHttpMetadata",
            "SdkResponseMetadata",
            "StatusCode"
        ]
    );
}

#[tokio::test]
async fn bare_function_arn_returns_the_payload() {
    let (i, _) = integrations();
    let out = i
        .execute(
            "arn:aws:lambda:us-east-1:000000000000:function:echo",
            json!({"x": [1, 2]}),
            ctx(),
        )
        .await
        .expect("ok");
    assert_eq!(out, json!({"x": [1, 2]}));
}

#[tokio::test]
async fn lambda_errors_carry_aws_names() {
    let (i, _) = integrations();
    let call = |f: &str| {
        i.execute(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": f, "Payload": {}}),
            ctx(),
        )
    };
    let e = call("fails").await.expect_err("function error");
    assert_eq!(e.error, "OutOfStock");
    assert_eq!(
        e.cause,
        r#"{"errorType":"OutOfStock","errorMessage":"LOW-1"}"#
    );
    let e = call("busy").await.expect_err("throttle");
    assert_eq!(e.error, "Lambda.TooManyRequestsException");
    let e = call("nope").await.expect_err("missing");
    assert_eq!(e.error, "Lambda.ResourceNotFoundException");
}

#[tokio::test]
async fn dynamodb_forms_map_operations_and_errors() {
    let (i, dynamo) = integrations();
    let out = i
        .execute(
            "arn:aws:states:::dynamodb:getItem",
            json!({"TableName": "t", "Key": {"k": {"S": "1"}}}),
            ctx(),
        )
        .await
        .expect("ok");
    assert_eq!(out["Echo"]["TableName"], "t");
    i.execute(
        "arn:aws:states:::aws-sdk:dynamodb:transactWriteItems",
        json!({"TransactItems": []}),
        ctx(),
    )
    .await
    .expect("ok");
    let e = i
        .execute(
            "arn:aws:states:::dynamodb:putItem",
            json!({"TableName": "t", "Item": {}, "ConditionExpression": "x"}),
            ctx(),
        )
        .await
        .expect_err("condition");
    assert_eq!(e.error, "DynamoDB.ConditionalCheckFailedException");
    let e = i
        .execute(
            "arn:aws:states:::aws-sdk:dynamodb:putItem",
            json!({"TableName": "t", "Item": {}, "ConditionExpression": "x"}),
            ctx(),
        )
        .await
        .expect_err("condition");
    assert_eq!(e.error, "DynamoDb.ConditionalCheckFailedException");
    let ops: Vec<String> = dynamo
        .calls
        .lock()
        .expect("lock")
        .iter()
        .map(|c| c.0.clone())
        .collect();
    assert_eq!(ops, ["GetItem", "TransactWriteItems", "PutItem", "PutItem"]);
    let e = i
        .execute("arn:aws:states:::dynamodb:scan", json!({}), ctx())
        .await
        .expect_err("unsupported");
    assert_eq!(e.error, "States.Runtime");
}

#[tokio::test]
async fn wait_for_task_token_completes_on_send_task_success_and_failure() {
    let (i, _) = integrations();
    let i = Arc::new(i);
    let def = r#"{"StartAt":"W","States":{"W":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"echo","Payload":{"token.$":"$$.Task.Token"}},"End":true}}}"#;
    let machine = parse_definition(def).expect("valid");
    for fail in [false, true] {
        let run = {
            let i = i.clone();
            let machine = machine.clone();
            tokio::spawn(async move {
                execute(
                    &machine,
                    json!({}),
                    &ExecutionOptions::default(),
                    i,
                    Arc::new(TokioClock::new()),
                )
                .await
            })
        };
        let token = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            loop {
                if let Some(t) = i.tokens().waiting().first() {
                    return t.clone();
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("a task token is registered");
        assert!(i.tokens().heartbeat("not-a-token").is_err());
        assert!(i.tokens().heartbeat(&token).is_ok());
        if fail {
            i.tokens()
                .failure(&token, "Rejected", "by test")
                .expect("known token");
        } else {
            i.tokens()
                .success(&token, json!({"ok": true}))
                .expect("known token");
        }
        assert!(
            i.tokens().success(&token, json!({})).is_err(),
            "a token completes once"
        );
        let out = run.await.expect("join");
        assert!(i.tokens().is_empty());
        if fail {
            assert_eq!(out.status, ExecutionStatus::Failed);
            assert_eq!(out.error.as_deref(), Some("Rejected"));
        } else {
            assert_eq!(out.status, ExecutionStatus::Succeeded);
            assert_eq!(out.output, Some(json!({"ok": true})));
        }
    }
}

#[tokio::test]
async fn the_lambda_service_adapter_maps_throttles_and_unknown_functions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = localcloud_lambda::FileSink::new(dir.path()).expect("sink");
    let settings = localcloud_lambda::ServiceSettings::new(Arc::new(sink));
    // Reserved concurrency 0 throttles every call before a process would start.
    let mut capped = localcloud_lambda::FunctionConfig::new("capped", vec!["/bin/false".into()]);
    capped.reserved_concurrency = Some(0);
    let lambda = localcloud_lambda::LambdaService::new(vec![capped], settings).expect("lambda");
    let i = Integrations::new().with_lambda(Arc::new(lambda));
    let call = |f: &'static str| {
        i.execute(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": f, "Payload": {}}),
            ctx(),
        )
    };
    let e = call("capped").await.expect_err("throttled");
    assert_eq!(e.error, "Lambda.TooManyRequestsException");
    assert!(e.cause.contains("Status Code: 429"), "{}", e.cause);
    let e = call("arn:aws:lambda:us-east-1:000000000000:function:missing")
        .await
        .expect_err("unknown");
    assert_eq!(e.error, "Lambda.ResourceNotFoundException");
    let e = i
        .execute(
            "arn:aws:lambda:us-east-1:000000000000:function:capped",
            json!({}),
            ctx(),
        )
        .await
        .expect_err("throttled bare ARN");
    assert_eq!(e.error, "Lambda.TooManyRequestsException");
}
