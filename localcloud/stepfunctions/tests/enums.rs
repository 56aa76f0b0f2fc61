//! The API's closed vocabularies on the wire: a state machine's `type` and ListExecutions'
//! `statusFilter` accept exactly AWS's values, and anything else is a 400
//! `ValidationException` in AWS's message shape.

use axum::body::Body;
use axum::http::Request;
use localcloud_stepfunctions::api::{Settings, StepFunctionsService};
use localcloud_stepfunctions::integration::Integrations;
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::000000000000:role/r";
const PASS: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#;

async fn http(s: &StepFunctionsService, op: &str, body: Value) -> (u16, Value) {
    let req = Request::builder()
        .method("POST")
        .uri("/")
        .header("x-amz-target", format!("AWSStepFunctions.{op}"))
        .header("content-type", "application/x-amz-json-1.0")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = s.handle(req).await;
    let status = resp.status().as_u16();
    assert!(resp.headers().contains_key("x-amzn-requestid"));
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, serde_json::from_slice(&bytes).expect("json"))
}

fn service() -> StepFunctionsService {
    StepFunctionsService::new(Settings::default(), Integrations::new()).expect("service")
}

#[tokio::test]
async fn an_unknown_machine_type_is_a_validation_error() {
    let s = service();
    let (status, body) = http(
        &s,
        "CreateStateMachine",
        json!({"name": "m", "definition": PASS, "roleArn": ROLE, "type": "express"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({
            "__type": "com.amazonaws.swf.service.v2.model#ValidationException",
            "message": "1 validation error detected: Value 'express' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]",
        })
    );
    let (status, body) = http(
        &s,
        "CreateStateMachine",
        json!({"name": "m", "definition": PASS, "roleArn": ROLE, "type": "EXPRESS"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_unknown_status_filter_is_a_validation_error() {
    let s = service();
    let (_, created) = http(
        &s,
        "CreateStateMachine",
        json!({"name": "m", "definition": PASS, "roleArn": ROLE}),
    )
    .await;
    let machine = created["stateMachineArn"].clone();
    let (status, body) = http(
        &s,
        "ListExecutions",
        json!({"stateMachineArn": machine, "statusFilter": "DONE"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({
            "__type": "com.amazonaws.swf.service.v2.model#ValidationException",
            "message": "1 validation error detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]",
        })
    );
    // Every value of AWS's set is accepted; PENDING_REDRIVE (redrive is not emulated) matches
    // nothing.
    for f in [
        "RUNNING",
        "SUCCEEDED",
        "FAILED",
        "TIMED_OUT",
        "ABORTED",
        "PENDING_REDRIVE",
    ] {
        let (status, body) = http(
            &s,
            "ListExecutions",
            json!({"stateMachineArn": machine, "statusFilter": f}),
        )
        .await;
        assert_eq!(
            (status, body["executions"].clone()),
            (200, json!([])),
            "{f}"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_parsed() {
    let s = service();
    let huge = "x".repeat(4 * 1024 * 1024 + 1);
    let req = Request::builder()
        .method("POST")
        .uri("/")
        .header("x-amz-target", "AWSStepFunctions.ListStateMachines")
        .body(Body::from(huge))
        .expect("request");
    let resp = s.handle(req).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.headers()["x-amzn-errortype"], "ValidationException");
}
