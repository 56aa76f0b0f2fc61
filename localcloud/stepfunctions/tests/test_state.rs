//! TestState over the service API: one state in isolation with mocked Task results
//! (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html> and
//! "Using TestState API to test a state", Step Functions developer guide: statuses SUCCEEDED,
//! FAILED, RETRIABLE, CAUGHT_ERROR; `nextState`; `inspectionData` at DEBUG).

use futures::future::BoxFuture;
use localcloud_stepfunctions::api::{Settings, StepFunctionsService};
use localcloud_stepfunctions::clock::{Clock, ManualClock};
use localcloud_stepfunctions::integration::Integrations;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A manual clock that records every sleep it is asked for (and completes it at once).
#[derive(Default)]
struct Sleeps {
    clock: ManualClock,
    asked: Mutex<Vec<Duration>>,
}

impl Clock for Sleeps {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
    fn elapsed(&self) -> Duration {
        self.clock.elapsed()
    }
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.asked.lock().expect("sleeps").push(d);
        self.clock.sleep(d)
    }
}

fn service() -> StepFunctionsService {
    StepFunctionsService::new(Settings::default(), Integrations::new()).expect("service")
}

async fn test_state(req: Value) -> Value {
    service().call("TestState", req).await.expect("TestState")
}

const TASK: &str = r#"{
  "Type": "Task",
  "Resource": "arn:aws:states:::lambda:invoke",
  "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
  "ResultSelector": {"charged.$": "$.Payload.status"},
  "ResultPath": "$.payment",
  "Retry": [{"ErrorEquals": ["PaymentProviderUnavailable"], "MaxAttempts": 2}],
  "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.error", "Next": "Refund"}],
  "Next": "Confirm"
}"#;

#[tokio::test]
async fn a_mocked_result_goes_through_the_state_and_names_the_next_one() {
    let out = test_state(json!({
        "definition": TASK,
        "input": "{\"orderId\":\"o-1\"}",
        "inspectionLevel": "DEBUG",
        "mock": {"result": "{\"Payload\":{\"status\":\"CHARGED\"},\"StatusCode\":200}"},
    }))
    .await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(out["nextState"], "Confirm");
    let output: Value =
        serde_json::from_str(out["output"].as_str().expect("output")).expect("JSON");
    assert_eq!(
        output,
        json!({"orderId": "o-1", "payment": {"charged": "CHARGED"}})
    );
    assert_eq!(out["inspectionData"]["input"], "{\"orderId\":\"o-1\"}");
    assert!(out["inspectionData"]["result"]
        .as_str()
        .expect("result")
        .contains("CHARGED"));
    assert!(out.get("error").is_none());
}

#[tokio::test]
async fn a_mocked_error_is_caught_retriable_or_failed() {
    let caught = test_state(json!({
        "definition": TASK,
        "input": "{\"orderId\":\"o-1\"}",
        "mock": {"errorOutput": {"error": "PaymentDeclined", "cause": "card declined"}},
    }))
    .await;
    assert_eq!(caught["status"], "CAUGHT_ERROR", "{caught}");
    assert_eq!(caught["nextState"], "Refund");
    assert_eq!(caught["error"], "PaymentDeclined");
    let output: Value =
        serde_json::from_str(caught["output"].as_str().expect("output")).expect("JSON");
    assert_eq!(
        output["error"],
        json!({"Error": "PaymentDeclined", "Cause": "card declined"})
    );
    assert!(
        caught.get("inspectionData").is_none(),
        "INFO level has no inspection data"
    );

    let retriable = test_state(json!({
        "definition": TASK,
        "mock": {"errorOutput": {"error": "PaymentProviderUnavailable", "cause": "down"}},
    }))
    .await;
    assert_eq!(retriable["status"], "RETRIABLE", "{retriable}");
    assert_eq!(retriable["error"], "PaymentProviderUnavailable");
    assert!(retriable.get("nextState").is_none());

    let failed = test_state(json!({
        "definition": TASK,
        "mock": {"errorOutput": {"error": "Boom", "cause": "unexpected"}},
    }))
    .await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert_eq!(
        (failed["error"].as_str(), failed["cause"].as_str()),
        (Some("Boom"), Some("unexpected"))
    );
    assert!(failed.get("output").is_none());
}

#[tokio::test]
async fn choice_pass_fail_and_wait_states() {
    let machine = json!({
        "StartAt": "Route",
        "States": {
            "Route": {"Type": "Choice", "Choices": [
                {"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Big"}
            ], "Default": "Small"},
            "Big": {"Type": "Pass", "Parameters": {"size": "big", "amount.$": "$.amount"}, "End": true},
            "Small": {"Type": "Wait", "Seconds": 3600, "Next": "Big"},
            "Nope": {"Type": "Fail", "Error": "Order.Bad", "Cause": "bad order"}
        }
    })
    .to_string();
    let route = |input: &str, state: &str| json!({"definition": machine, "stateName": state, "input": input});
    let big = test_state(route("{\"amount\":150}", "Route")).await;
    assert_eq!(
        (big["status"].as_str(), big["nextState"].as_str()),
        (Some("SUCCEEDED"), Some("Big"))
    );
    let small = test_state(route("{\"amount\":5}", "Route")).await;
    assert_eq!(small["nextState"], "Small");
    let pass = test_state(route("{\"amount\":5}", "Big")).await;
    // Compared as JSON: key order follows the template once serde_json keeps order
    // (jsonata-core enables `preserve_order`), as AWS keeps it.
    let shown: serde_json::Value =
        serde_json::from_str(pass["output"].as_str().expect("output text")).expect("JSON");
    assert_eq!(shown, json!({"amount": 5, "size": "big"}));
    assert!(
        pass.get("nextState").is_none(),
        "an End state has no next state"
    );
    // A Wait state does not wait in TestState: checked on the mechanism (the engine asks its
    // clock for no delay), not on wall-clock time, which a loaded machine stretches.
    let clock = Arc::new(Sleeps::default());
    let settings = Settings {
        clock: clock.clone(),
        ..Settings::default()
    };
    let wait = StepFunctionsService::new(settings, Integrations::new())
        .expect("service")
        .call("TestState", route("{}", "Small"))
        .await
        .expect("TestState");
    assert_eq!(
        (wait["status"].as_str(), wait["nextState"].as_str()),
        (Some("SUCCEEDED"), Some("Big"))
    );
    let asked = clock.asked.lock().expect("sleeps").clone();
    assert!(
        asked.iter().all(Duration::is_zero),
        "the Wait state slept: {asked:?}"
    );
    let fail = test_state(route("{}", "Nope")).await;
    assert_eq!(fail["status"], "FAILED");
    assert_eq!(
        (fail["error"].as_str(), fail["cause"].as_str()),
        (Some("Order.Bad"), Some("bad order"))
    );
}

#[tokio::test]
async fn bad_requests_get_aws_errors() {
    let s = service();
    let err = |r: Result<Value, _>| match r {
        Err(e) => localcloud_stepfunctions::api::ServiceError::code(&e).to_owned(),
        Ok(v) => panic!("expected an error, got {v}"),
    };
    assert_eq!(
        err(s
            .call("TestState", json!({"definition": "{not json"}))
            .await),
        "InvalidDefinition"
    );
    assert_eq!(
        err(s
            .call(
                "TestState",
                json!({"definition": "{\"StartAt\":\"A\",\"States\":{}}"})
            )
            .await),
        "InvalidDefinition"
    );
    assert_eq!(
        err(s
            .call(
                "TestState",
                json!({"definition": "{\"Type\":\"Pass\",\"Next\":\"X\",\"Bogus\":1}"})
            )
            .await),
        "InvalidDefinition"
    );
    assert_eq!(
        err(s
            .call(
                "TestState",
                json!({"definition": "{\"Type\":\"Pass\",\"End\":true}", "input": "{"})
            )
            .await),
        "InvalidExecutionInput"
    );
    assert_eq!(
        err(s.call("TestState", json!({})).await),
        "ValidationException"
    );
}
