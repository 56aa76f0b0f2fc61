//! Execution environments and concurrency through the in-process API: reuse, reaping,
//! provisioning, throttling, timeouts, crashes and init failures.

mod common;

use axum::body::Bytes;
use common::{function, service, settings, wait_line};
use localcloud_lambda::{
    InvocationType, InvokeOutcome, LambdaError, LambdaService, ThrottleReason,
};
use serde_json::{json, Value};
use std::time::Duration;

async fn run(
    svc: &LambdaService,
    name: &str,
    payload: Value,
) -> Result<InvokeOutcome, LambdaError> {
    svc.invoke(
        name,
        None,
        Bytes::from(payload.to_string()),
        InvocationType::RequestResponse,
    )
    .await
}

fn body(outcome: &InvokeOutcome) -> Value {
    serde_json::from_slice(&outcome.payload).expect("JSON payload")
}

fn report(outcome: &InvokeOutcome) -> String {
    outcome
        .log_tail
        .lines()
        .find(|l| l.starts_with("REPORT RequestId: "))
        .expect("REPORT line")
        .to_owned()
}

fn process_exists(pid: u64) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .contains("State:\tZ")
}

#[tokio::test]
async fn a_warm_environment_is_reused_without_init_duration() {
    let (svc, _logs) = service(vec![function("warm")]);
    let first = run(&svc, "warm", json!({})).await.expect("first");
    assert!(first.cold_start);
    assert!(
        report(&first).contains("\tInit Duration: "),
        "{}",
        report(&first)
    );
    let second = run(&svc, "warm", json!({})).await.expect("second");
    assert!(!second.cold_start);
    assert!(
        !report(&second).contains("Init Duration"),
        "{}",
        report(&second)
    );
    assert_eq!(body(&first)["pid"], body(&second)["pid"], "same process");
    assert_eq!(svc.idle_environments("warm"), 1);
    svc.shutdown().await;
}

#[tokio::test]
async fn log_lines_reach_the_sink_in_aws_order() {
    let (svc, mut logs) = service(vec![function("ordered")]);
    let outcome = run(&svc, "ordered", json!({"log": ["one", "two"]}))
        .await
        .expect("invoke");
    let seen = wait_line(&mut logs, |l| l.starts_with("REPORT RequestId: ")).await;
    let id = &outcome.request_id;
    let expected = [
        format!("START RequestId: {id} Version: $LATEST"),
        "one".to_owned(),
        "two".to_owned(),
        format!("END RequestId: {id}"),
    ];
    assert_eq!(&seen[seen.len() - 5..seen.len() - 1], &expected);
    svc.shutdown().await;
}

#[tokio::test]
async fn idle_environments_are_reaped() {
    let (mut settings, _logs) = settings();
    settings.idle_reap_after = Duration::ZERO;
    let svc = LambdaService::new(vec![function("reaped")], settings).expect("service");
    let first = run(&svc, "reaped", json!({})).await.expect("first");
    let pid = body(&first)["pid"].as_u64().expect("pid");
    assert_eq!(svc.reap_idle().await, 1);
    assert!(!process_exists(pid), "reaped process {pid} still runs");
    let second = run(&svc, "reaped", json!({})).await.expect("second");
    assert!(second.cold_start);
    assert_ne!(body(&second)["pid"], json!(pid));
    svc.shutdown().await;
}

#[tokio::test]
async fn provisioned_environments_are_warm_before_the_first_call() {
    let mut f = function("provisioned");
    f.provisioned_concurrency = 2;
    f.versions = vec!["1".to_owned()];
    f.aliases.insert("live".to_owned(), "1".to_owned());
    f.provisioned_qualifier = "live".to_owned();
    let (svc, _logs) = service(vec![f]);
    svc.start().await.expect("start");
    assert_eq!(svc.idle_environments("provisioned"), 2);
    let outcome = svc
        .invoke(
            "provisioned",
            Some("live"),
            Bytes::from_static(b"{\"env\":[\"AWS_LAMBDA_INITIALIZATION_TYPE\"]}"),
            InvocationType::RequestResponse,
        )
        .await
        .expect("invoke");
    assert!(!outcome.cold_start);
    assert!(
        !report(&outcome).contains("Init Duration"),
        "{}",
        report(&outcome)
    );
    assert_eq!(
        body(&outcome)["env"]["AWS_LAMBDA_INITIALIZATION_TYPE"],
        "provisioned-concurrency"
    );
    assert_eq!(body(&outcome)["version"], "1");
    // Provisioned environments survive reaping.
    assert_eq!(svc.reap_idle().await, 0);
    svc.shutdown().await;
    assert_eq!(svc.idle_environments("provisioned"), 0);
}

#[tokio::test]
async fn n_plus_one_calls_against_reserved_n_throttle_and_never_fail_otherwise() {
    const N: usize = 3;
    let mut f = function("capped");
    f.reserved_concurrency = Some(u32::try_from(N).expect("small"));
    let (svc, mut logs) = service(vec![f]);
    let busy: Vec<_> = (0..N)
        .map(|_| {
            let svc = svc.clone();
            tokio::spawn(async move { run(&svc, "capped", json!({"sleep_ms": 4000})).await })
        })
        .collect();
    // Each call holds one of the N units once its START line is logged: all N are running.
    for _ in 0..N {
        wait_line(&mut logs, |l| l.starts_with("START RequestId: ")).await;
    }
    match run(&svc, "capped", json!({})).await {
        Err(LambdaError::TooManyRequests { reason, .. }) => assert_eq!(
            reason,
            ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded
        ),
        other => panic!("call N+1 while N run: expected a throttle, got {other:?}"),
    }
    for call in busy {
        let outcome = call.await.expect("task").expect("the N calls run");
        assert!(outcome.function_error.is_none(), "{outcome:?}");
    }
    assert!(svc.idle_environments("capped") <= N);
    svc.shutdown().await;
}

#[tokio::test]
async fn an_exhausted_account_throttles_unreserved_functions() {
    let (mut settings, logs) = settings();
    settings.account_concurrency = 1;
    settings.unreserved_minimum = 0;
    let mut logs = logs;
    let svc = LambdaService::new(vec![function("a"), function("b")], settings).expect("service");
    let busy = {
        let svc = svc.clone();
        tokio::spawn(async move { run(&svc, "a", json!({"sleep_ms": 3000})).await })
    };
    // The first call holds the only unit of concurrency once its START line is logged.
    wait_line(&mut logs, |l| l.starts_with("START RequestId: ")).await;
    let second = run(&svc, "b", json!({})).await;
    match second {
        Err(LambdaError::TooManyRequests { reason, .. }) => {
            assert_eq!(reason, ThrottleReason::ConcurrentInvocationLimitExceeded)
        }
        other => panic!("expected a throttle, got {other:?}"),
    }
    assert!(busy.await.expect("task").is_ok());
    svc.shutdown().await;
}

#[tokio::test]
async fn a_timeout_kills_the_environment_and_is_reported_as_aws_does() {
    let mut f = function("slow");
    f.timeout = Duration::from_millis(300);
    let (svc, _logs) = service(vec![f]);
    let warm = run(&svc, "slow", json!({})).await.expect("warm-up");
    let pid = body(&warm)["pid"].as_u64().expect("pid");
    let outcome = run(&svc, "slow", json!({"sleep_ms": 10_000}))
        .await
        .expect("invoke");
    assert_eq!(outcome.function_error.as_deref(), Some("Unhandled"));
    let error = body(&outcome);
    assert_eq!(error["errorType"], "Sandbox.Timedout");
    let message = error["errorMessage"].as_str().expect("message");
    let expected = format!(" {} Task timed out after ", outcome.request_id);
    let seconds = message
        .split_once(&expected)
        .and_then(|(_, rest)| rest.strip_suffix(" seconds"))
        .filter(|n| n.split_once('.').map(|(_, d)| d.len()) == Some(2))
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("not AWS's timeout message: {message}"));
    // Stopped at the timeout: not before it, and not when the 10 s sleep would have ended.
    assert!((0.3..10.0).contains(&seconds), "{message}");
    assert!(
        chrono::DateTime::parse_from_rfc3339(message.split(' ').next().unwrap_or_default()).is_ok(),
        "{message}"
    );
    assert!(
        report(&outcome).contains("Status: timeout"),
        "{}",
        report(&outcome)
    );
    assert!(!process_exists(pid), "timed-out process {pid} still runs");
    let next = run(&svc, "slow", json!({})).await.expect("after timeout");
    assert!(next.cold_start, "a new environment replaces the killed one");
    svc.shutdown().await;
}

#[tokio::test]
async fn a_crash_is_a_runtime_exit_error() {
    let (svc, _logs) = service(vec![function("crashes")]);
    let outcome = run(&svc, "crashes", json!({"exit": 3}))
        .await
        .expect("invoke");
    assert_eq!(outcome.function_error.as_deref(), Some("Unhandled"));
    let error = body(&outcome);
    assert_eq!(error["errorType"], "Runtime.ExitError");
    assert_eq!(
        error["errorMessage"],
        format!(
            "RequestId: {} Error: Runtime exited with error: exit status 3",
            outcome.request_id
        )
    );
    assert!(report(&outcome).contains("Status: error\tError Type: Runtime.ExitError"));
    assert_eq!(svc.idle_environments("crashes"), 0);
    assert!(
        run(&svc, "crashes", json!({}))
            .await
            .expect("again")
            .cold_start
    );
    svc.shutdown().await;
}

#[tokio::test]
async fn an_init_error_is_returned_with_its_error_type() {
    let mut f = function("badinit");
    f.environment
        .insert("TEST_INIT_ERROR".to_owned(), "1".to_owned());
    let (svc, _logs) = service(vec![f]);
    let outcome = run(&svc, "badinit", json!({})).await.expect("invoke");
    assert_eq!(outcome.function_error.as_deref(), Some("Unhandled"));
    let error = body(&outcome);
    assert_eq!(error["errorType"], "Runtime.HandlerNotFound");
    assert_eq!(error["errorMessage"], "init failed on purpose");
}

#[tokio::test]
async fn a_missing_bootstrap_is_an_invalid_entrypoint() {
    let f =
        localcloud_lambda::FunctionConfig::new("ghost", vec!["/nonexistent/bootstrap".to_owned()]);
    let (svc, _logs) = service(vec![f]);
    let outcome = run(&svc, "ghost", json!({})).await.expect("invoke");
    assert_eq!(body(&outcome)["errorType"], "Runtime.InvalidEntrypoint");
}

#[tokio::test]
async fn shutdown_leaves_no_process_behind() {
    let (svc, mut logs) = service(vec![function("stops")]);
    let busy = {
        let svc = svc.clone();
        tokio::spawn(async move { run(&svc, "stops", json!({"sleep_ms": 10_000})).await })
    };
    wait_line(&mut logs, |l| l.starts_with("START RequestId: ")).await;
    let idle = run(&svc, "stops", json!({})).await.expect("idle one");
    let idle_pid = body(&idle)["pid"].as_u64().expect("pid");
    svc.shutdown().await;
    assert!(!process_exists(idle_pid));
    let interrupted = busy.await.expect("task").expect("outcome");
    assert_eq!(body(&interrupted)["errorType"], "Runtime.ExitError");
    assert!(
        matches!(
            run(&svc, "stops", json!({})).await,
            Err(LambdaError::Service(_))
        ),
        "nothing starts after shutdown"
    );
}

#[tokio::test]
async fn a_response_over_6_mb_is_response_size_too_large() {
    let (svc, _logs) = service(vec![function("talkative")]);
    let outcome = run(&svc, "talkative", json!({"repeat": 7 * 1024 * 1024}))
        .await
        .expect("invoke");
    assert_eq!(outcome.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(body(&outcome)["errorType"], "Function.ResponseSizeTooLarge");
    let fine = run(&svc, "talkative", json!({"repeat": 1024}))
        .await
        .expect("invoke");
    assert_eq!(body(&fine), json!("x".repeat(1024)));
    svc.shutdown().await;
}
