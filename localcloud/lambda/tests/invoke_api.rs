//! The Invoke API and the function APIs through the router, against the real test function.

mod common;

use axum::http::{Method, StatusCode};
use base64::Engine;
use common::{call, function, invoke, service, wait_line};
use serde_json::json;

#[tokio::test]
async fn sync_invoke_echoes_the_payload_with_the_executed_version() {
    let (svc, _logs) = service(vec![function("echo")]);
    let answer = invoke(&svc, "echo", r#"{"hello":"world"}"#).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("X-Amz-Executed-Version"), Some("$LATEST"));
    assert_eq!(answer.header("X-Amz-Function-Error"), None);
    assert!(answer.header("x-amzn-RequestId").is_some());
    let body = answer.json();
    assert_eq!(body["echo"], json!({"hello": "world"}));
    assert_eq!(body["version"], "$LATEST");
    svc.shutdown().await;
}

#[tokio::test]
async fn the_function_gets_the_lambda_environment() {
    let (mut f, _) = (function("envcheck"), ());
    f.environment
        .insert("TABLE_NAME".to_owned(), "orders".to_owned());
    f.memory_mb = 256;
    let (svc, _logs) = service(vec![f]);
    let names = [
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "_HANDLER",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "LAMBDA_TASK_ROOT",
        "TABLE_NAME",
        "HOME",
    ];
    let answer = invoke(&svc, "envcheck", &json!({ "env": names }).to_string()).await;
    let env = &answer.json()["env"];
    assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "envcheck");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
    assert!(env["AWS_LAMBDA_RUNTIME_API"]
        .as_str()
        .is_some_and(|api| api.starts_with("127.0.0.1:")));
    assert_eq!(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/envcheck");
    assert!(env["AWS_LAMBDA_LOG_STREAM_NAME"]
        .as_str()
        .is_some_and(|s| s.contains("/[$LATEST]")));
    assert_eq!(env["_HANDLER"], "bootstrap");
    assert_eq!(env["AWS_REGION"], "us-east-1");
    assert_eq!(env["AWS_DEFAULT_REGION"], "us-east-1");
    assert!(env["AWS_ACCESS_KEY_ID"].is_string());
    assert!(env["AWS_SECRET_ACCESS_KEY"].is_string());
    assert!(env["AWS_SESSION_TOKEN"].is_string());
    assert_eq!(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:4566");
    assert!(env["LAMBDA_TASK_ROOT"].is_string());
    assert_eq!(env["TABLE_NAME"], "orders");
    assert_eq!(
        env["HOME"],
        json!(null),
        "the caller's environment must not leak"
    );
    svc.shutdown().await;
}

#[tokio::test]
async fn event_invocations_are_accepted_at_once_and_run_in_the_background() {
    let (svc, mut logs) = service(vec![function("async")]);
    let answer = call(
        &svc,
        Method::POST,
        "/2015-03-31/functions/async/invocations",
        &[("X-Amz-Invocation-Type", "Event")],
        r#"{"log":["event ran"]}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    assert!(answer.body.is_empty());
    let seen = wait_line(&mut logs, |l| l.starts_with("END RequestId:")).await;
    assert!(seen.iter().any(|l| l == "event ran"), "{seen:#?}");
    svc.shutdown().await;
}

#[tokio::test]
async fn failed_event_invocations_are_retried_twice() {
    let (svc, mut logs) = service(vec![function("async-fail")]);
    let answer = call(
        &svc,
        Method::POST,
        "/2015-03-31/functions/async-fail/invocations",
        &[("X-Amz-Invocation-Type", "Event")],
        r#"{"error":{"type":"Boom","message":"always"}}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    for _ in 0..3 {
        wait_line(&mut logs, |l| l.starts_with("END RequestId:")).await;
    }
    svc.shutdown().await;
}

#[tokio::test]
async fn dry_run_answers_204_without_running_anything() {
    let (svc, _logs) = service(vec![function("dry")]);
    let answer = call(
        &svc,
        Method::POST,
        "/2015-03-31/functions/dry/invocations",
        &[("X-Amz-Invocation-Type", "DryRun")],
        "{}",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(svc.idle_environments("dry"), 0);
}

#[tokio::test]
async fn tail_returns_the_invocation_log_in_base64() {
    let (svc, _logs) = service(vec![function("tail")]);
    let answer = call(
        &svc,
        Method::POST,
        "/2015-03-31/functions/tail/invocations",
        &[("X-Amz-Log-Type", "Tail")],
        r#"{"log":["hello from the function"],"stderr":["and from stderr"]}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let tail = base64::engine::general_purpose::STANDARD
        .decode(answer.header("X-Amz-Log-Result").expect("log result"))
        .expect("base64");
    let tail = String::from_utf8(tail).expect("utf-8");
    let lines: Vec<&str> = tail.lines().collect();
    assert!(lines[0].starts_with("START RequestId: ") && lines[0].ends_with(" Version: $LATEST"));
    assert!(lines.contains(&"hello from the function"), "{tail}");
    assert!(lines.contains(&"and from stderr"), "{tail}");
    let end = lines
        .iter()
        .position(|l| l.starts_with("END RequestId: "))
        .expect("END");
    assert!(lines[end + 1].starts_with("REPORT RequestId: "), "{tail}");
    for field in [
        "\tDuration: ",
        "\tBilled Duration: ",
        "\tMemory Size: 128 MB",
        "\tMax Memory Used: ",
        "\tInit Duration: ",
    ] {
        assert!(
            lines[end + 1].contains(field),
            "{field} missing in {}",
            lines[end + 1]
        );
    }
    svc.shutdown().await;
}

#[tokio::test]
async fn a_function_error_comes_back_unhandled_with_its_error_type() {
    let (svc, _logs) = service(vec![function("fails")]);
    let answer = invoke(
        &svc,
        "fails",
        r#"{"error":{"type":"OrderInvalid","message":"no items"}}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("X-Amz-Function-Error"), Some("Unhandled"));
    let body = answer.json();
    assert_eq!(body["errorType"], "OrderInvalid");
    assert_eq!(body["errorMessage"], "no items");
    svc.shutdown().await;
}

#[tokio::test]
async fn an_unknown_function_is_resource_not_found() {
    let (svc, _logs) = service(vec![function("known")]);
    let answer = invoke(&svc, "nope", "{}").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(
        answer.header("x-amzn-ErrorType"),
        Some("ResourceNotFoundException")
    );
    assert_eq!(
        answer.json(),
        json!({"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"})
    );
}

#[tokio::test]
async fn qualifiers_resolve_versions_and_aliases_and_reject_unknown_ones() {
    let mut f = function("versioned");
    f.versions = vec!["1".to_owned()];
    f.aliases.insert("live".to_owned(), "1".to_owned());
    let (svc, _logs) = service(vec![f]);
    let uri = "/2015-03-31/functions/versioned/invocations";
    let by_alias = call(
        &svc,
        Method::POST,
        &format!("{uri}?Qualifier=live"),
        &[],
        "{}",
    )
    .await;
    assert_eq!(by_alias.status, StatusCode::OK);
    assert_eq!(by_alias.header("X-Amz-Executed-Version"), Some("1"));
    assert_eq!(by_alias.json()["version"], "1");
    let by_arn = call(
        &svc,
        Method::POST,
        "/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:versioned:1/invocations",
        &[],
        "{}",
    )
    .await;
    assert_eq!(by_arn.header("X-Amz-Executed-Version"), Some("1"));
    let wrong = call(&svc, Method::POST, &format!("{uri}?Qualifier=7"), &[], "{}").await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert_eq!(
        wrong.header("x-amzn-ErrorType"),
        Some("ResourceNotFoundException")
    );
    assert!(wrong.json()["Message"]
        .as_str()
        .is_some_and(|m| m.ends_with(":function:versioned:7")));
    svc.shutdown().await;
}

#[tokio::test]
async fn malformed_json_is_invalid_request_content() {
    let (svc, _logs) = service(vec![function("strict")]);
    let answer = invoke(&svc, "strict", "{not json").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.header("x-amzn-ErrorType"),
        Some("InvalidRequestContentException")
    );
    let body = answer.json();
    assert_eq!(body["Type"], "User");
    assert!(body["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("Could not parse request body into json")));
    assert_eq!(svc.idle_environments("strict"), 0, "nothing ran");
}

#[tokio::test]
async fn oversized_payloads_are_request_too_large() {
    let (svc, _logs) = service(vec![function("big")]);
    let big = format!("\"{}\"", "x".repeat(6 * 1024 * 1024));
    let answer = invoke(&svc, "big", &big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        answer.header("x-amzn-ErrorType"),
        Some("RequestEntityTooLargeException")
    );
    assert_eq!(
        answer.json()["message"],
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    );
    let async_big = format!("\"{}\"", "x".repeat(256 * 1024));
    let answer = call(
        &svc,
        Method::POST,
        "/2015-03-31/functions/big/invocations",
        &[("X-Amz-Invocation-Type", "Event")],
        async_big,
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn reserved_concurrency_zero_throttles_then_delete_restores() {
    let (svc, _logs) = service(vec![function("limited")]);
    let put = call(
        &svc,
        Method::PUT,
        "/2017-10-31/functions/limited/concurrency",
        &[],
        r#"{"ReservedConcurrentExecutions":0}"#,
    )
    .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(put.json(), json!({"ReservedConcurrentExecutions": 0}));
    let get = call(
        &svc,
        Method::GET,
        "/2019-09-30/functions/limited/concurrency",
        &[],
        "",
    )
    .await;
    assert_eq!(get.json(), json!({"ReservedConcurrentExecutions": 0}));

    let throttled = invoke(&svc, "limited", "{}").await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        throttled.header("x-amzn-ErrorType"),
        Some("TooManyRequestsException")
    );
    assert!(throttled.header("Retry-After").is_some());
    let body = throttled.json();
    assert_eq!(
        body["Reason"],
        "ReservedFunctionConcurrentInvocationLimitExceeded"
    );
    assert_eq!(body["Type"], "User");
    assert_eq!(body["message"], "Rate Exceeded.");
    assert!(body["retryAfterSeconds"].is_string());

    let delete = call(
        &svc,
        Method::DELETE,
        "/2017-10-31/functions/limited/concurrency",
        &[],
        "",
    )
    .await;
    assert_eq!(delete.status, StatusCode::NO_CONTENT);
    let get = call(
        &svc,
        Method::GET,
        "/2019-09-30/functions/limited/concurrency",
        &[],
        "",
    )
    .await;
    assert_eq!(get.json(), json!({}));
    assert_eq!(invoke(&svc, "limited", "{}").await.status, StatusCode::OK);
    svc.shutdown().await;
}

#[tokio::test]
async fn reservations_keep_the_unreserved_minimum() {
    let (svc, _logs) = service(vec![function("greedy")]);
    let put = call(
        &svc,
        Method::PUT,
        "/2017-10-31/functions/greedy/concurrency",
        &[],
        r#"{"ReservedConcurrentExecutions":950}"#,
    )
    .await;
    assert_eq!(put.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        put.header("x-amzn-ErrorType"),
        Some("InvalidParameterValueException")
    );
}

#[tokio::test]
async fn get_function_and_list_functions_describe_the_configuration() {
    let mut f = function("described");
    f.reserved_concurrency = Some(5);
    let (svc, _logs) = service(vec![f, function("other")]);
    let get = call(
        &svc,
        Method::GET,
        "/2015-03-31/functions/described",
        &[],
        "",
    )
    .await;
    assert_eq!(get.status, StatusCode::OK);
    let body = get.json();
    assert_eq!(body["Configuration"]["FunctionName"], "described");
    assert_eq!(
        body["Configuration"]["FunctionArn"],
        "arn:aws:lambda:us-east-1:000000000000:function:described"
    );
    assert_eq!(body["Configuration"]["MemorySize"], 128);
    assert_eq!(body["Concurrency"]["ReservedConcurrentExecutions"], 5);
    let list = call(&svc, Method::GET, "/2015-03-31/functions/", &[], "").await;
    let names: Vec<_> = list.json()["Functions"]
        .as_array()
        .expect("Functions")
        .iter()
        .map(|f| f["FunctionName"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, ["described", "other"]);
    let missing = call(&svc, Method::GET, "/2015-03-31/functions/ghost", &[], "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn n_plus_one_http_calls_against_reserved_n_give_429s_and_no_5xx() {
    const N: usize = 2;
    let mut f = function("http-capped");
    f.reserved_concurrency = Some(2);
    let (svc, mut logs) = service(vec![f]);
    let busy: Vec<_> = (0..N)
        .map(|_| {
            let svc = svc.clone();
            tokio::spawn(async move { invoke(&svc, "http-capped", r#"{"sleep_ms":4000}"#).await })
        })
        .collect();
    // Each call holds one of the N units once its START line is logged: all N are running.
    for _ in 0..N {
        wait_line(&mut logs, |l| l.starts_with("START RequestId: ")).await;
    }
    let over = invoke(&svc, "http-capped", "{}").await;
    assert_eq!(
        over.status,
        StatusCode::TOO_MANY_REQUESTS,
        "call N+1 while N run"
    );
    assert_eq!(
        over.json()["Reason"],
        "ReservedFunctionConcurrentInvocationLimitExceeded"
    );
    for call in busy {
        let answer = call.await.expect("task");
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        assert!(answer.header("X-Amz-Function-Error").is_none());
    }
    svc.shutdown().await;
}
