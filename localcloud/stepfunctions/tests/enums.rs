//! The API's closed vocabularies on the wire: a state machine's `type` and ListExecutions'
//! `statusFilter` accept exactly AWS's values, and anything else is a 400
//! `ValidationException` in AWS's message shape.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

#[path = "support/api.rs"]
mod api_support;
use api_support::{http, PASS, ROLE};

#[tokio::test]
async fn an_unknown_machine_type_is_a_validation_error() {
    let s = api_support::service(None);
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
    let s = api_support::service(None);
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
    let s = api_support::service(None);
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
