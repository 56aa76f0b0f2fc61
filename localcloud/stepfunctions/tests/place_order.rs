//! Runs the application's real workflow (`workflows/place-order.asl.json`) through the engine
//! with in-test task results standing in for Lambda and DynamoDB, and checks the path taken:
//! the success path, and a declined payment with its compensation (refund, release, FAILED).

use futures::future::BoxFuture;
use localcloud_stepfunctions::{
    execute, parse_definition, ExecutionOptions, ExecutionStatus, TaskContext, TaskError,
    TaskExecutor, TokioClock,
};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

struct Services {
    decline: bool,
    calls: Mutex<Vec<(String, Value)>>,
}

impl TaskExecutor for Services {
    fn execute<'a>(
        &'a self,
        _resource: &'a str,
        input: Value,
        ctx: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move {
            self.calls
                .lock()
                .expect("lock")
                .push((ctx.state_name.clone(), input.clone()));
            let payload = |p: Value| {
                Ok(json!({"Payload": p, "StatusCode": 200, "ExecutedVersion": "$LATEST"}))
            };
            match ctx.state_name.as_str() {
                "Validate" => payload(
                    json!({"orderId": "o-1", "amount": "42.50", "items": [{"sku": "A-1", "qty": 2}], "lineCount": 1, "totalQty": 2}),
                ),
                "Reserve" => payload(
                    json!({"orderId": "o-1", "reserved": [{"sku": "A-1", "qty": 2}], "alreadyReserved": false}),
                ),
                "Charge" if self.decline => Err(TaskError {
                    error: "PaymentDeclined".into(),
                    cause: "{\"errorMessage\":\"card declined\"}".into(),
                }),
                "Charge" => payload(
                    json!({"paymentId": "p-1", "amount": "42.50", "status": "CHARGED", "replayed": false}),
                ),
                "Confirm" => {
                    payload(json!({"status": "CONFIRMED", "confirmedAt": "2026-01-01T00:00:00Z"}))
                }
                "Refund" => Err(TaskError {
                    error: "DynamoDB.ConditionalCheckFailedException".into(),
                    cause: "no charged payment".into(),
                }),
                "ClaimRelease" => Ok(
                    json!({"Attributes": {"reservedItems": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}}}]}}}),
                ),
                _ => Ok(json!({})),
            }
        })
    }
}

fn workflow() -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../workflows/place-order.asl.json"
    ))
    .expect("workflow file");
    [
        ("${OrdersTable}", "orders"),
        ("${PaymentsTable}", "payments"),
        ("${InventoryTable}", "inventory"),
        ("${OrderTtlSeconds}", "86400"),
        (
            "${ValidateOrderFunctionArn}",
            "arn:aws:lambda:us-east-1:000000000000:function:validate-order",
        ),
        (
            "${ReserveInventoryFunctionArn}",
            "arn:aws:lambda:us-east-1:000000000000:function:reserve-inventory",
        ),
        (
            "${ChargePaymentFunctionArn}",
            "arn:aws:lambda:us-east-1:000000000000:function:charge-payment",
        ),
        (
            "${ConfirmOrderFunctionArn}",
            "arn:aws:lambda:us-east-1:000000000000:function:confirm-order",
        ),
    ]
    .iter()
    .fold(text, |t, (k, v)| t.replace(k, v))
}

async fn run(
    decline: bool,
) -> (
    localcloud_stepfunctions::ExecutionOutcome,
    Vec<(String, Value)>,
) {
    let machine = parse_definition(&workflow()).expect("the real workflow validates");
    let services = Arc::new(Services {
        decline,
        calls: Mutex::new(Vec::new()),
    });
    let input = json!({"orderId": "o-1", "userId": "u-1", "amount": 42.5, "items": [{"sku": "A-1", "qty": 2}], "createdEpoch": 1764331200});
    let out = execute(
        &machine,
        input,
        &ExecutionOptions::default(),
        services.clone(),
        Arc::new(TokioClock::new()),
    )
    .await;
    let calls = services.calls.lock().expect("lock").clone();
    (out, calls)
}

#[tokio::test(start_paused = true)]
async fn success_path_confirms() {
    let (out, calls) = run(false).await;
    assert_eq!(
        out.status,
        ExecutionStatus::Succeeded,
        "{:?} {:?}",
        out.error,
        out.cause
    );
    let path: Vec<&str> = calls.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        path,
        [
            "RecordPending",
            "Validate",
            "MarkValidated",
            "Reserve",
            "MarkReserved",
            "Charge",
            "MarkCharged",
            "Confirm"
        ]
    );
    let put = &calls[0].1;
    assert_eq!(put["Item"]["amount"]["N"], "42.5");
    assert_eq!(put["Item"]["ttlEpoch"]["N"], "1764417600");
    let items: Value =
        serde_json::from_str(put["Item"]["items"]["S"].as_str().expect("string")).expect("JSON");
    assert_eq!(items, json!([{"sku": "A-1", "qty": 2}]));
    let output = out.output.expect("output");
    assert_eq!(output["confirmation"]["status"], "CONFIRMED");
    assert_eq!(output["payment"]["paymentId"], "p-1");
}

#[tokio::test(start_paused = true)]
async fn declined_payment_compensates_and_fails_with_the_business_error() {
    let (out, calls) = run(true).await;
    assert_eq!(out.status, ExecutionStatus::Failed);
    assert_eq!(out.error.as_deref(), Some("PaymentDeclined"));
    let path: Vec<&str> = calls.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        path,
        [
            "RecordPending",
            "Validate",
            "MarkValidated",
            "Reserve",
            "MarkReserved",
            "Charge",
            "Refund",
            "ClaimRelease",
            "ReleaseLine",
            "MarkFailed"
        ]
    );
    let release = &calls[8].1;
    assert_eq!(release["Key"]["sku"]["S"], "A-1");
    assert_eq!(release["ExpressionAttributeValues"][":q"]["N"], "2");
    let mark_failed = &calls[9].1;
    assert_eq!(
        mark_failed["ExpressionAttributeValues"][":error"]["S"],
        "PaymentDeclined"
    );
}
