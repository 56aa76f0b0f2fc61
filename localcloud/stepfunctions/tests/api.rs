//! The Step Functions API over the JSON 1.0 protocol, in-process: state machines, executions
//! (Standard idempotency, Express sync with billing, the Express limit), history paging,
//! StopExecution, SendTask*, nested executions and error shapes (persistence across restarts is
//! `tests/persistence.rs`).

use localcloud_stepfunctions::api::template::TemplateMachine;
use localcloud_stepfunctions::api::{MachineType, StepFunctionsService};
use serde_json::{json, Value};
use std::time::Duration;

#[path = "support/api.rs"]
mod api_support;
use api_support::{create, http, service, wait_done, DEADLINE, PASS, ROLE, WAIT};

/// The first task token an execution waits on.
async fn wait_token(s: &StepFunctionsService) -> String {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        if let Some(t) = s.integrations().tokens().waiting().first() {
            return t.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no task token was registered within {DEADLINE:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn state_machine_lifecycle_and_errors() {
    let s = service(None);
    let (status, body) = http(
        &s,
        "CreateStateMachine",
        json!({"name": "bad", "roleArn": ROLE, "definition": r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#InvalidDefinition"
    );
    let msg = body["message"].as_str().expect("message");
    assert!(
        msg.contains("MISSING_TRANSITION_TARGET") && msg.contains("/States/A/Next"),
        "{msg}"
    );

    let arn = create(&s, "m", PASS, "STANDARD").await;
    assert_eq!(arn, "arn:aws:states:us-east-1:000000000000:stateMachine:m");
    // identical again: idempotent; different: StateMachineAlreadyExists
    assert_eq!(create(&s, "m", PASS, "STANDARD").await, arn);
    let (status, body) = http(
        &s,
        "CreateStateMachine",
        json!({"name": "m", "roleArn": ROLE, "definition": WAIT}),
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (
            400,
            Some("com.amazonaws.swf.service.v2.model#StateMachineAlreadyExists")
        )
    );

    let d = s
        .call("DescribeStateMachine", json!({"stateMachineArn": arn}))
        .await
        .expect("describe");
    assert_eq!(
        (
            d["name"].as_str(),
            d["type"].as_str(),
            d["definition"].as_str()
        ),
        (Some("m"), Some("STANDARD"), Some(PASS))
    );
    create(&s, "n", PASS, "EXPRESS").await;
    let l = s
        .call("ListStateMachines", json!({"maxResults": 1}))
        .await
        .expect("list");
    assert_eq!(l["stateMachines"].as_array().map(Vec::len), Some(1));
    let l2 = s
        .call("ListStateMachines", json!({"nextToken": l["nextToken"]}))
        .await
        .expect("list");
    assert_eq!(l2["stateMachines"][0]["name"], "n");
    assert!(l2.get("nextToken").is_none());

    s.call(
        "UpdateStateMachine",
        json!({"stateMachineArn": arn, "definition": WAIT}),
    )
    .await
    .expect("update");
    let d = s
        .call("DescribeStateMachine", json!({"stateMachineArn": arn}))
        .await
        .expect("describe");
    assert_eq!(d["definition"], WAIT);
    s.call("DeleteStateMachine", json!({"stateMachineArn": arn}))
        .await
        .expect("delete");
    let (status, body) = http(&s, "DescribeStateMachine", json!({"stateMachineArn": arn})).await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (
            400,
            Some("com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist")
        )
    );
    let (_, body) = http(&s, "DescribeExecution", json!({"executionArn": "nope"})).await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#InvalidArn"
    );

    let v = s
        .call("ValidateStateMachineDefinition", json!({"definition": "{"}))
        .await
        .expect("validate");
    assert_eq!(v["result"], "FAIL");
    assert_eq!(v["diagnostics"][0]["code"], "INVALID_JSON_DESCRIPTION");
    let v = s
        .call(
            "ValidateStateMachineDefinition",
            json!({"definition": PASS}),
        )
        .await
        .expect("validate");
    assert_eq!(v["result"], "OK");
    let (status, body) = http(&s, "Nope", json!({})).await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (
            400,
            Some("com.amazonaws.swf.service.v2.model#UnknownOperationException")
        )
    );
}

#[tokio::test]
async fn standard_start_is_idempotent_by_name_and_history_pages() {
    let s = service(None);
    let waiting = create(&s, "w", WAIT, "STANDARD").await;
    let a = s
        .call(
            "StartExecution",
            json!({"stateMachineArn": waiting, "name": "e1", "input": "{\"a\":1}"}),
        )
        .await
        .expect("start");
    let b = s
        .call(
            "StartExecution",
            json!({"stateMachineArn": waiting, "name": "e1", "input": "{\"a\":1}"}),
        )
        .await
        .expect("same start");
    assert_eq!(a, b);
    let (status, body) = http(
        &s,
        "StartExecution",
        json!({"stateMachineArn": waiting, "name": "e1", "input": "{\"a\":2}"}),
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (
            400,
            Some("com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists")
        )
    );
    let (_, body) = http(
        &s,
        "StartExecution",
        json!({"stateMachineArn": waiting, "input": "{"}),
    )
    .await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#InvalidExecutionInput"
    );

    let arn = a["executionArn"].as_str().expect("arn");
    assert_eq!(arn, "arn:aws:states:us-east-1:000000000000:execution:w:e1");
    let running = s
        .call(
            "ListExecutions",
            json!({"stateMachineArn": waiting, "statusFilter": "RUNNING"}),
        )
        .await
        .expect("list");
    assert_eq!(running["executions"].as_array().map(Vec::len), Some(1));
    s.call(
        "StopExecution",
        json!({"executionArn": arn, "error": "E", "cause": "C"}),
    )
    .await
    .expect("stop");
    let d = wait_done(&s, arn).await;
    assert_eq!(
        (
            d["status"].as_str(),
            d["error"].as_str(),
            d["cause"].as_str()
        ),
        (Some("ABORTED"), Some("E"), Some("C"))
    );
    // closed now: the same name is refused even with the same input
    let (_, body) = http(
        &s,
        "StartExecution",
        json!({"stateMachineArn": waiting, "name": "e1", "input": "{\"a\":1}"}),
    )
    .await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists"
    );
    let running = s
        .call(
            "ListExecutions",
            json!({"stateMachineArn": waiting, "statusFilter": "RUNNING"}),
        )
        .await
        .expect("list");
    assert_eq!(running["executions"].as_array().map(Vec::len), Some(0));

    let h = s
        .call(
            "GetExecutionHistory",
            json!({"executionArn": arn, "maxResults": 2}),
        )
        .await
        .expect("history");
    let types: Vec<&str> = h["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert_eq!(types, ["ExecutionStarted", "WaitStateEntered"]);
    assert!(h["events"][0]["timestamp"].is_f64());
    let rest = s
        .call(
            "GetExecutionHistory",
            json!({"executionArn": arn, "nextToken": h["nextToken"]}),
        )
        .await
        .expect("history");
    assert_eq!(rest["events"][0]["type"], "ExecutionAborted");
    let rev = s
        .call(
            "GetExecutionHistory",
            json!({"executionArn": arn, "reverseOrder": true, "includeExecutionData": false}),
        )
        .await
        .expect("history");
    assert_eq!(rev["events"][0]["type"], "ExecutionAborted");
    assert!(rev["events"][2]["executionStartedEventDetails"]
        .get("input")
        .is_none());
}

#[tokio::test]
async fn express_sync_execution_reports_billing_and_standard_is_refused() {
    let s = service(None);
    let express = create(&s, "x", PASS, "EXPRESS").await;
    let out = s
        .call(
            "StartSyncExecution",
            json!({"stateMachineArn": express, "input": "{\"k\":1}"}),
        )
        .await
        .expect("sync");
    assert_eq!(out["status"], "SUCCEEDED");
    assert_eq!(out["output"], "{\"k\":1,\"r\":{\"done\":true}}");
    assert_eq!(out["billingDetails"]["billedMemoryUsedInMB"], 64);
    assert_eq!(
        out["billingDetails"]["billedDurationInMilliseconds"]
            .as_u64()
            .map(|b| b % 100),
        Some(0)
    );
    assert!(out["executionArn"]
        .as_str()
        .is_some_and(|a| a.contains(":express:x:")));
    // kept locally for inspection
    let h = s
        .call(
            "GetExecutionHistory",
            json!({"executionArn": out["executionArn"]}),
        )
        .await
        .expect("history");
    assert_eq!(h["events"].as_array().map(Vec::len), Some(4));
    let standard = create(&s, "s", PASS, "STANDARD").await;
    let (_, body) = http(
        &s,
        "StartSyncExecution",
        json!({"stateMachineArn": standard}),
    )
    .await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#StateMachineTypeNotSupported"
    );
    // Express start is not idempotent by name: two executions.
    let a = s
        .call(
            "StartExecution",
            json!({"stateMachineArn": express, "name": "same"}),
        )
        .await
        .expect("a");
    let b = s
        .call(
            "StartExecution",
            json!({"stateMachineArn": express, "name": "same"}),
        )
        .await
        .expect("b");
    assert_ne!(a["executionArn"], b["executionArn"]);
}

#[tokio::test(start_paused = true)]
async fn express_executions_time_out_after_five_minutes() {
    let s = service(None);
    let express = create(&s, "slow", WAIT, "EXPRESS").await;
    let out = s
        .call("StartSyncExecution", json!({"stateMachineArn": express}))
        .await
        .expect("sync");
    assert_eq!(out["status"], "TIMED_OUT");
    assert_eq!(out["error"], "States.Timeout");
    assert_eq!(
        out["billingDetails"]["billedDurationInMilliseconds"],
        300_000
    );
}

#[tokio::test]
async fn task_tokens_and_nested_executions() {
    let s = service(None);
    let child = create(&s, "child", r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.waitForTaskToken","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:leaf","Input":{"token.$":"$$.Task.Token"}},"End":true}}}"#, "STANDARD").await;
    create(&s, "leaf", PASS, "STANDARD").await;
    let parent = create(&s, "parent", r#"{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:child","Input":{"x":1}},"End":true}}}"#, "STANDARD").await;
    let p = s
        .call("StartExecution", json!({"stateMachineArn": parent}))
        .await
        .expect("start");
    // The leaf ran with the token as input; complete the child's task through the API.
    let token = wait_token(&s).await;
    let (_, body) = http(
        &s,
        "SendTaskSuccess",
        json!({"taskToken": "unknown", "output": "{}"}),
    )
    .await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#TaskDoesNotExist"
    );
    let (_, body) = http(
        &s,
        "SendTaskSuccess",
        json!({"taskToken": token, "output": "{"}),
    )
    .await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#InvalidOutput"
    );
    s.call("SendTaskHeartbeat", json!({"taskToken": token}))
        .await
        .expect("heartbeat");
    s.call(
        "SendTaskSuccess",
        json!({"taskToken": token, "output": "{\"child\":\"done\"}"}),
    )
    .await
    .expect("success");
    let d = wait_done(&s, p["executionArn"].as_str().expect("arn")).await;
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    let out: Value = serde_json::from_str(d["output"].as_str().expect("output")).expect("json");
    assert_eq!(out["Status"], "SUCCEEDED");
    assert_eq!(out["Output"], json!({"child": "done"}));
    let kids = s
        .call("ListExecutions", json!({"stateMachineArn": child}))
        .await
        .expect("list");
    assert_eq!(kids["executions"][0]["status"], "SUCCEEDED");
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_callback_task_answers_task_timed_out() {
    let s = service(None);
    let m = create(&s, "cb", r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.waitForTaskToken","TimeoutSeconds":2,"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:leaf","Input":{"t.$":"$$.Task.Token"}},"End":true}}}"#, "STANDARD").await;
    create(&s, "leaf", PASS, "STANDARD").await;
    let e = s
        .call("StartExecution", json!({"stateMachineArn": m}))
        .await
        .expect("start");
    let token = wait_token(&s).await;
    let d = wait_done(&s, e["executionArn"].as_str().expect("arn")).await;
    assert_eq!(
        (d["status"].as_str(), d["error"].as_str()),
        (Some("FAILED"), Some("States.Timeout"))
    );
    let (_, body) = http(
        &s,
        "SendTaskSuccess",
        json!({"taskToken": token, "output": "{}"}),
    )
    .await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#TaskTimedOut"
    );
    let (_, body) = http(&s, "SendTaskHeartbeat", json!({"taskToken": token})).await;
    assert_eq!(
        body["__type"],
        "com.amazonaws.swf.service.v2.model#TaskTimedOut"
    );
}

#[tokio::test]
async fn template_machines_are_created_then_updated() {
    let s = service(None);
    let m = TemplateMachine {
        name: "PlaceOrder".into(),
        machine_type: MachineType::Express,
        definition: PASS.into(),
        role_arn: ROLE.into(),
    };
    let arns = s
        .create_from_template(std::slice::from_ref(&m))
        .expect("create");
    let again = s
        .create_from_template(&[TemplateMachine {
            definition: WAIT.into(),
            ..m.clone()
        }])
        .expect("update");
    assert_eq!(arns, again);
    let d = s
        .call("DescribeStateMachine", json!({"stateMachineArn": arns[0]}))
        .await
        .expect("describe");
    assert_eq!(
        (d["type"].as_str(), d["definition"].as_str()),
        (Some("EXPRESS"), Some(WAIT))
    );
    let e = s
        .create_from_template(&[TemplateMachine {
            definition: "{}".into(),
            ..m
        }])
        .expect_err("invalid");
    assert!(
        e.to_string()
            .starts_with("state machine PlaceOrder: Invalid State Machine Definition"),
        "{e}"
    );
}
