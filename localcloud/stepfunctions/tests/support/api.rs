//! What the API tests share: a service in memory or on a state folder, CreateStateMachine, a
//! call over the HTTP handler, and a bounded wait for an execution to end. Included with
//! `#[path = "support/api.rs"] mod api_support;` by the test binaries that need it.

#![allow(dead_code)] // each test binary uses its own subset

use axum::body::Body;
use axum::http::Request;
use localcloud_stepfunctions::api::{Settings, StepFunctionsService};
use localcloud_stepfunctions::integration::Integrations;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

pub const ROLE: &str = "arn:aws:iam::000000000000:role/r";
pub const PASS: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"done":true},"ResultPath":"$.r","End":true}}}"#;
pub const WAIT: &str =
    r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1000,"End":true}}}"#;

/// How long a test waits for something another task does, in real time (tokio's clock may be
/// paused): generous, because a loaded CI machine is slow, but bounded, so a hang fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// The service, persisting under `dir` when given.
pub fn service(dir: Option<&Path>) -> StepFunctionsService {
    let settings = Settings {
        state_dir: dir.map(Path::to_path_buf),
        ..Settings::default()
    };
    StepFunctionsService::new(settings, Integrations::new()).expect("service")
}

/// CreateStateMachine; the new machine's ARN.
pub async fn create(s: &StepFunctionsService, name: &str, def: &str, kind: &str) -> String {
    s.call(
        "CreateStateMachine",
        json!({"name": name, "definition": def, "roleArn": ROLE, "type": kind}),
    )
    .await
    .expect("create")["stateMachineArn"]
        .as_str()
        .expect("arn")
        .to_string()
}

/// One operation through the HTTP handler: the status and the JSON body. Every answer, error or
/// not, carries a request id.
pub async fn http(s: &StepFunctionsService, op: &str, body: Value) -> (u16, Value) {
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

/// DescribeExecution once the execution is no longer RUNNING, within [`DEADLINE`].
pub async fn wait_done(s: &StepFunctionsService, arn: &str) -> Value {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        let d = s
            .call("DescribeExecution", json!({"executionArn": arn}))
            .await
            .expect("describe");
        if d["status"] != "RUNNING" {
            return d;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "execution {arn} did not end within {DEADLINE:?}: {d}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
