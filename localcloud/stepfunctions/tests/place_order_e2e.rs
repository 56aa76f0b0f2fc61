//! The application's workflow end to end, in-process: the real `workflows/place-order.asl.json`
//! created from `template.yaml`, run through StartSyncExecution over HTTP against DynamoDB
//! (tables from the template, inventory from `data/inventory.json`) and the real function
//! binaries on the local Lambda service. Asserts the order's final status and the inventory and
//! payment records, for the success path and each business error with its compensation.

mod common;
#[path = "support/sdk.rs"]
mod sdk;

use common::Stack;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

async fn start_sync(stack: &Stack, input: Value) -> Value {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
    let body = json!({"stateMachineArn": stack.machine_arn(), "input": input.to_string()});
    let req = hyper::Request::builder()
        .method("POST")
        .uri(format!("{}/", stack.sfn_url))
        .header("x-amz-target", "AWSStepFunctions.StartSyncExecution")
        .header("content-type", "application/x-amz-json-1.0")
        .body(Full::new(bytes::Bytes::from(body.to_string())))
        .expect("request");
    let resp = client.request(req).await.expect("StartSyncExecution");
    assert_eq!(resp.status(), 200);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    serde_json::from_slice(&bytes).expect("json")
}

fn order(id: &str, amount: f64, items: Value) -> Value {
    json!({"orderId": id, "userId": "user-1", "amount": amount, "items": items, "createdEpoch": 1764331200})
}

fn s(item: &Value, attr: &str) -> String {
    item[attr]["S"]
        .as_str()
        .or(item[attr]["N"].as_str())
        .unwrap_or_default()
        .to_string()
}

async fn stock(stack: &Stack, sku: &str) -> (String, String) {
    let item = stack
        .get("InventoryTable", "sku", sku)
        .await
        .expect("inventory item");
    (s(&item, "available"), s(&item, "reserved"))
}

async fn order_status(stack: &Stack, id: &str) -> String {
    let item = stack
        .get("OrdersTable", "orderId", id)
        .await
        .expect("order item");
    s(&item, "status")
}

async fn history_types(stack: &Stack, arn: &Value) -> Vec<Value> {
    let h = stack
        .sfn
        .call(
            "GetExecutionHistory",
            json!({"executionArn": arn, "maxResults": 1000}),
        )
        .await
        .expect("history");
    h["events"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn place_order_workflow_end_to_end() {
    let stack = Stack::start().await;

    // Success: CONFIRMED, stock taken, payment CHARGED.
    let out = start_sync(
        &stack,
        order("o-ok", 42.5, json!([{"sku": "A-1", "qty": 2}])),
    )
    .await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(order_status(&stack, "o-ok").await, "CONFIRMED");
    assert_eq!(stock(&stack, "A-1").await.0, "998");
    let payment = stack
        .get("PaymentsTable", "orderId", "o-ok")
        .await
        .expect("payment");
    assert_eq!(s(&payment, "status"), "CHARGED");
    assert_eq!(s(&payment, "amount"), "42.5", "DynamoDB normalizes numbers");

    // OrderInvalid: FAILED, nothing reserved, no payment.
    let out = start_sync(
        &stack,
        order("o-invalid", 10.0, json!([{"sku": "B-2", "qty": 0}])),
    )
    .await;
    assert_eq!(out["status"], "FAILED", "{out}");
    assert_eq!(order_status(&stack, "o-invalid").await, "FAILED");
    let failed = stack
        .get("OrdersTable", "orderId", "o-invalid")
        .await
        .expect("order");
    assert_eq!(s(&failed, "failureError"), "OrderInvalid");
    assert_eq!(stock(&stack, "B-2").await, ("250".into(), "0".into()));
    assert!(stack
        .get("PaymentsTable", "orderId", "o-invalid")
        .await
        .is_none());

    // OutOfStock: LOW-1 has one left; two are asked for.
    let out = start_sync(
        &stack,
        order("o-oos", 30.0, json!([{"sku": "LOW-1", "qty": 2}])),
    )
    .await;
    assert_eq!(out["status"], "FAILED", "{out}");
    let failed = stack
        .get("OrdersTable", "orderId", "o-oos")
        .await
        .expect("order");
    assert_eq!(
        (s(&failed, "status"), s(&failed, "failureError")),
        ("FAILED".into(), "OutOfStock".into())
    );
    assert_eq!(stock(&stack, "LOW-1").await, ("1".into(), "0".into()));
    assert!(stack
        .get("PaymentsTable", "orderId", "o-oos")
        .await
        .is_none());

    // PaymentDeclined (.13): reserved, then released; payment DECLINED.
    let out = start_sync(
        &stack,
        order("o-declined", 10.13, json!([{"sku": "C-3", "qty": 3}])),
    )
    .await;
    assert_eq!(out["status"], "FAILED", "{out}");
    let failed = stack
        .get("OrdersTable", "orderId", "o-declined")
        .await
        .expect("order");
    assert_eq!(
        (s(&failed, "status"), s(&failed, "failureError")),
        ("FAILED".into(), "PaymentDeclined".into())
    );
    assert_eq!(stock(&stack, "C-3").await, ("500".into(), "0".into()));
    let payment = stack
        .get("PaymentsTable", "orderId", "o-declined")
        .await
        .expect("payment");
    assert_eq!(s(&payment, "status"), "DECLINED");
    let events = history_types(&stack, &out["executionArn"]).await;
    assert!(
        events.iter().any(|e| e["type"] == "MapStateEntered"),
        "compensation ran"
    );

    // PaymentProviderUnavailable (.66): retried, then compensated.
    let out = start_sync(
        &stack,
        order("o-unavailable", 20.66, json!([{"sku": "D-4", "qty": 1}])),
    )
    .await;
    assert_eq!(out["status"], "FAILED", "{out}");
    let failed = stack
        .get("OrdersTable", "orderId", "o-unavailable")
        .await
        .expect("order");
    assert_eq!(
        (s(&failed, "status"), s(&failed, "failureError")),
        ("FAILED".into(), "PaymentProviderUnavailable".into())
    );
    assert_eq!(stock(&stack, "D-4").await, ("40".into(), "0".into()));
    let events = history_types(&stack, &out["executionArn"]).await;
    let attempts = events
        .iter()
        .filter(|e| {
            e["type"] == "TaskFailed"
                && e["taskFailedEventDetails"]["error"] == "PaymentProviderUnavailable"
        })
        .count();
    assert_eq!(attempts, 4, "one call and three retries");

    // The same workflow through the Rust SDK's StartSyncExecution (the `sync-` host prefix
    // removed by the interceptor).
    let config = aws_sdk_sfn::Config::builder()
        .behavior_version(aws_sdk_sfn::config::BehaviorVersion::latest())
        .region(aws_sdk_sfn::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sfn::config::Credentials::new(
            "local", "local", None, None, "test",
        ))
        .endpoint_url(&stack.sfn_url)
        .interceptor(sdk::StripSyncPrefix)
        .build();
    let sdk = aws_sdk_sfn::Client::from_conf(config);
    let out = sdk
        .start_sync_execution()
        .state_machine_arn(stack.machine_arn())
        .input(order("o-sdk", 9.99, json!([{"sku": "E-5", "qty": 1}])).to_string())
        .send()
        .await
        .expect("StartSyncExecution via the SDK");
    assert_eq!(
        out.status(),
        &aws_sdk_sfn::types::SyncExecutionStatus::Succeeded,
        "{out:?}"
    );
    assert_eq!(order_status(&stack, "o-sdk").await, "CONFIRMED");
    assert_eq!(stock(&stack, "E-5").await.0, "74");

    stack.shutdown().await;
}
