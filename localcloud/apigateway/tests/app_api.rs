//! The application's real API (`template.yaml` + `apigw/openapi.yaml`, intrinsics resolved by
//! the template model) served in-process in front of an in-process DynamoDB.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn health_is_a_public_mock() {
    let app = start(None).await;
    let r = call(&app, "GET", "/dev/health", None, "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"ok": true, "service": "serverless-api"}));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("x-amzn-requestid").is_some());
    assert_eq!(app.calls.load(Ordering::SeqCst), 0, "MOCK calls no backend");
}

#[tokio::test]
async fn profile_upsert_then_owner_only_read() {
    let app = start(None).await;
    let r = call(
        &app,
        "POST",
        "/dev/profiles",
        Some(ALICE),
        r#"{"name": "Alice O'Brien"}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let p = r.json();
    assert_eq!(p["userId"], "alice-sub");
    assert_eq!(p["name"], "Alice O'Brien");
    assert_eq!(
        p["email"], "alice@example.com",
        "email comes from the token, not the body"
    );
    let created = p["createdAt"].as_str().expect("createdAt").to_string();
    assert_eq!(created.len(), "2026-11-28T12:00:00.000Z".len(), "{created}");
    assert!(
        created.ends_with('Z') && created.as_bytes()[10] == b'T',
        "{created}"
    );

    let r = call(&app, "GET", "/dev/profiles/alice-sub", Some(ALICE), "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["name"], "Alice O'Brien");
    assert_eq!(r.json()["createdAt"], created.as_str());

    let r = call(&app, "GET", "/dev/profiles/alice-sub", Some(BOB), "").await;
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(r.json(), json!({"message": "Not Found"}));
    let r = call(&app, "GET", "/dev/profiles/nobody", Some(ALICE), "").await;
    assert_eq!((r.status, r.json()), (404, json!({"message": "Not Found"})));

    let stored = dynamo(&app, "GetItem", json!({"TableName": stage_var(&app, "profilesTable"), "Key": {"userId": {"S": "alice-sub"}}})).await;
    assert_eq!(stored["Item"]["email"]["S"], "alice@example.com");
}

#[tokio::test]
async fn seeded_order_is_visible_to_its_owner_only() {
    let app = start(None).await;
    let table = stage_var(&app, "ordersTable");
    dynamo(
        &app,
        "PutItem",
        json!({"TableName": table, "Item": {
            "orderId": {"S": "o-1"}, "userId": {"S": "alice-sub"}, "status": {"S": "CONFIRMED"},
            "amount": {"N": "42.5"}, "items": {"S": "[{\"sku\":\"A-1\",\"qty\":2}]"},
            "createdAt": {"S": "2026-11-28T12:00:00.000Z"}, "confirmedAt": {"S": "2026-11-28T12:00:01.000Z"}}}),
    )
    .await;
    let r = call(&app, "GET", "/dev/orders/o-1", Some(ALICE), "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let o = r.json();
    assert_eq!(o["status"], "CONFIRMED");
    assert_eq!(o["amount"], json!(42.5));
    assert_eq!(o["items"], json!([{"sku": "A-1", "qty": 2}]));
    assert_eq!(o["confirmedAt"], "2026-11-28T12:00:01.000Z");
    assert!(
        o.get("failedAt").is_none(),
        "absent attributes are left out: {o}"
    );
    let r = call(&app, "GET", "/dev/orders/o-1", Some(BOB), "").await;
    assert_eq!((r.status, r.json()), (404, json!({"message": "Not Found"})));
}

#[tokio::test]
async fn invalid_order_bodies_get_the_validators_message() {
    let app = start(None).await;
    let cases = [
        (
            r#"{"amount": 10}"#,
            "object has missing required properties ([\"items\"])",
        ),
        (
            r#"{"amount": -1, "items": [{"sku": "A-1", "qty": 1}]}"#,
            "numeric instance is not strictly greater than the required minimum 0",
        ),
        (
            r#"{"amount": 1, "items": [{"sku": "a 1", "qty": 1}]}"#,
            "ECMA 262 regex",
        ),
        (
            r#"{"amount": 1, "items": [{"sku": "A-1", "qty": 101}]}"#,
            "numeric instance is greater than the required maximum (maximum: 100, found: 101)",
        ),
        (
            r#"{"amount": 1, "items": [], "x": true}"#,
            "array is too short",
        ),
        ("not json", "Invalid JSON"),
        // Beyond 28 decimal digits the bounds used to be skipped (and the workflow wrote a
        // PENDING order for -1e29): the review's reproduction.
        (
            r#"{"amount": -1e29, "items": [{"sku": "A-1", "qty": 1e300}]}"#,
            "numeric instance is not strictly greater than the required minimum 0",
        ),
        (
            r#"{"amount": 1, "items": [{"sku": "A-1", "qty": 1e300}]}"#,
            "numeric instance is greater than the required maximum (maximum: 100",
        ),
    ];
    for (body, expected) in cases {
        let r = call(&app, "POST", "/dev/orders", Some(ALICE), body).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        let v = r.json();
        assert_eq!(v["message"], "Invalid request body", "{body}");
        let detail = v["validationErrors"].as_str().expect("validationErrors");
        assert!(detail.contains(expected), "{body}: {detail}");
    }
    assert_eq!(
        app.calls.load(Ordering::SeqCst),
        0,
        "invalid bodies never reach Step Functions"
    );
    let r = call(
        &app,
        "POST",
        "/dev/profiles",
        Some(ALICE),
        r#"{"name": ""}"#,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
}

#[tokio::test]
async fn place_order_starts_the_execution_with_the_contracts_input() {
    let app = start(None).await;
    let r = call(
        &app,
        "POST",
        "/dev/orders",
        Some(ALICE),
        r#"{"amount": 42.50, "items": [{"sku": "A-1", "qty": 2}]}"#,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let accepted = r.json();
    assert_eq!(accepted["status"], "PENDING");
    let order_id = accepted["orderId"].as_str().expect("orderId").to_string();
    let calls = app.sfn_calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 1);
    let (target, req) = &calls[0];
    assert_eq!(target, "AWSStepFunctions.StartExecution");
    assert_eq!(
        req["stateMachineArn"],
        stage_var(&app, "placeOrderStateMachineArn").as_str()
    );
    assert_eq!(req["name"], order_id.as_str());
    let input: Value =
        serde_json::from_str(req["input"].as_str().expect("input string")).expect("input is JSON");
    assert_eq!(input["orderId"], order_id.as_str());
    assert_eq!(input["userId"], "alice-sub");
    assert_eq!(input["amount"], json!(42.5));
    assert_eq!(input["items"], json!([{"sku": "A-1", "qty": 2}]));
    assert!(
        input["createdEpoch"]
            .as_i64()
            .is_some_and(|e| e > 1_700_000_000),
        "{input}"
    );
}

#[tokio::test]
async fn unknown_routes_wrong_stage_and_methods_use_the_customized_missing_token_response() {
    let app = start(None).await;
    for (method, path) in [
        ("GET", "/dev/nope"),
        ("DELETE", "/dev/health"),
        ("GET", "/prod/health"),
        ("GET", "/"),
        ("GET", "/dev"),
    ] {
        let r = call(&app, method, path, Some(ALICE), "").await;
        // openapi.yaml customizes MISSING_AUTHENTICATION_TOKEN to 404 {"message": "Not Found"}.
        assert_eq!(
            (r.status, r.json()),
            (404, json!({"message": "Not Found"})),
            "{method} {path}"
        );
        assert_eq!(
            r.header("x-amzn-errortype"),
            Some("MissingAuthenticationTokenException")
        );
    }
}

#[tokio::test]
async fn missing_or_bad_tokens_are_401_and_never_reach_the_integration() {
    let app = start(None).await;
    for token in [None, Some("garbage"), Some("Bearer nope")] {
        for (method, path, body) in [
            ("GET", "/dev/profiles/alice-sub", ""),
            ("POST", "/dev/orders", "{}"),
            ("POST", "/dev/profiles", r#"{"name":"x"}"#),
        ] {
            let r = call(&app, method, path, token, body).await;
            assert_eq!(
                (r.status, r.json()),
                (401, json!({"message": "Unauthorized"})),
                "{token:?} {method} {path}"
            );
        }
    }
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
    // AWS words an expired token's 401 differently (UNAUTHORIZED gateway response, message
    // "The incoming token has expired"), as clients such as Amplify see it:
    // https://github.com/aws-amplify/amplify-js/issues/6060
    let r = call(
        &app,
        "GET",
        "/dev/profiles/alice-sub",
        Some(common::EXPIRED),
        "",
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"message": "The incoming token has expired"}))
    );
    assert_eq!(r.header("x-amzn-errortype"), Some("UnauthorizedException"));
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
    let r = call(
        &app,
        "GET",
        "/dev/profiles/x",
        Some("Bearer token-alice"),
        "",
    )
    .await;
    assert_eq!(
        r.status, 404,
        "Bearer prefix is accepted by the test authorizer: {}",
        r.text
    );
}

#[tokio::test]
async fn non_json_bodies_get_415_under_passthrough_never() {
    let app = start(None).await;
    let r = send(
        &app.url,
        "POST",
        "/dev/profiles",
        &[("authorization", ALICE), ("content-type", "text/plain")],
        "name=x",
    )
    .await;
    // Validation only applies to the content type with a model; NEVER refuses the unmapped type.
    assert_eq!(
        (r.status, r.json()),
        (415, json!({"message": "Unsupported Media Type"})),
        "{}",
        r.text
    );
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn throttling_follows_the_templates_method_settings() {
    // template.yaml: ThrottlingRateLimit 50, ThrottlingBurstLimit 100 for /* *.
    let app = start(None).await;
    let mut ok = 0;
    let mut throttled = 0;
    for _ in 0..150 {
        let r = call(&app, "GET", "/dev/health", None, "").await;
        match r.status {
            200 => ok += 1,
            429 => {
                throttled += 1;
                assert_eq!(r.json(), json!({"message": "Too Many Requests"}));
            }
            s => panic!("unexpected {s}: {}", r.text),
        }
    }
    assert_eq!((ok, throttled), (100, 50), "the burst");
    // Ten simulated seconds at 200 attempts per second: the rate (50/s) gets through.
    let mut admitted = 0;
    for _ in 0..2000 {
        app.clock.advance(Duration::from_millis(5));
        let r = call(&app, "GET", "/dev/health", None, "").await;
        assert!(r.status == 200 || r.status == 429, "{}", r.status);
        admitted += usize::from(r.status == 200);
    }
    assert!(
        (450..=550).contains(&admitted),
        "expected ~500 admitted at 50 rps, got {admitted}"
    );
    let r = call(&app, "GET", "/dev/profiles/x", Some(ALICE), "").await;
    assert_eq!(r.status, 404, "another method has its own bucket");
}
