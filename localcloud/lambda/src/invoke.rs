//! One invocation from admission to result: payload checks, concurrency, a warm or cold
//! environment, the START/END/REPORT lines, and the AWS wording of timeouts and crashes.
//! `Event` invocations are queued and retried twice on failure, as Lambda's async queue does.

use crate::config::FunctionConfig;
use crate::environment::{Environment, InitFailure, RunOutcome};
use crate::error::LambdaError;
use crate::logs::{self, Report};
use crate::service::Inner;
use axum::body::Bytes;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The largest synchronous payload (6 MB).
pub const SYNC_PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;
/// The largest asynchronous (`Event`) payload.
pub const EVENT_PAYLOAD_LIMIT: usize = 256 * 1024;

/// The errorType of an invocation killed at its timeout.
pub const TIMEOUT_ERROR_TYPE: &str = "Sandbox.Timedout";
/// How long START waits to be written with the invocation's other lines.
const START_LINE_DELAY: Duration = Duration::from_millis(20);

/// The errorType of a response over the 6 MB limit.
pub const RESPONSE_TOO_LARGE_ERROR_TYPE: &str = "Function.ResponseSizeTooLarge";
/// The errorType of a runtime process that exited during an invocation.
pub const EXIT_ERROR_TYPE: &str = "Runtime.ExitError";

pub use localcloud_wire::invoke::{Invocation as InvokeOutcome, InvocationType};

/// Checks the payload size and that it is JSON; an empty payload is `{}`, as Lambda passes it.
pub(crate) fn check_payload(payload: &Bytes, kind: InvocationType) -> Result<(), LambdaError> {
    let (limit, operation) = match kind {
        InvocationType::Event => (EVENT_PAYLOAD_LIMIT, "InvokeAsync"),
        _ => (SYNC_PAYLOAD_LIMIT, "InvokeFunction"),
    };
    if payload.len() > limit {
        return Err(LambdaError::RequestTooLarge { limit, operation });
    }
    if !payload.is_empty() {
        serde_json::from_slice::<serde::de::IgnoredAny>(payload)
            .map_err(|e| LambdaError::InvalidRequestContent(e.to_string()))?;
    }
    Ok(())
}

/// An error document as the Invoke API returns it for a platform-reported failure.
fn error_document(error_type: &str, message: &str) -> Bytes {
    Bytes::from(json!({"errorType": error_type, "errorMessage": message}).to_string())
}

fn init_failure_document(failure: InitFailure, request_id: &str) -> (String, Bytes) {
    match failure {
        InitFailure::Spawn(message) => {
            let message = format!("RequestId: {request_id} Error: {message}");
            let kind = "Runtime.InvalidEntrypoint";
            (kind.to_owned(), error_document(kind, &message))
        }
        InitFailure::Exited(exit) => {
            let message =
                format!("RequestId: {request_id} Error: Runtime exited with error: {exit}");
            let kind = EXIT_ERROR_TYPE;
            (kind.to_owned(), error_document(kind, &message))
        }
        InitFailure::Reported { error_type, body } => (error_type, body),
        InitFailure::TimedOut(elapsed) => {
            let message = format!(
                "RequestId: {request_id} Error: Init timed out after {:.2} seconds",
                elapsed.as_secs_f64()
            );
            let kind = TIMEOUT_ERROR_TYPE;
            (kind.to_owned(), error_document(kind, &message))
        }
    }
}

/// Runs one synchronous invocation of an admitted call.
pub(crate) async fn execute(
    inner: &Arc<Inner>,
    function: &Arc<FunctionConfig>,
    version: &str,
    invoked_arn: String,
    payload: Bytes,
) -> Result<InvokeOutcome, LambdaError> {
    let lease = inner.pool.acquire(&function.name, version)?;
    let request_id = localcloud_wire::request_id::new();
    let payload = if payload.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        payload
    };
    let (env, cold_start) = match lease.warm.clone() {
        Some(env) => (env, false),
        None => match Environment::start(function, version, &inner.settings, false).await {
            Ok(env) => {
                let env = Arc::new(env);
                if let Err(closed) = inner.pool.register(&env) {
                    env.kill().await;
                    return Err(closed);
                }
                (env, true)
            }
            Err(failure) => return Ok(init_failed(inner, function, version, &request_id, failure)),
        },
    };
    let log = env.log.clone();
    log.begin();
    // START and the output are held for a moment: a quick invocation writes START, its output,
    // END and REPORT in one write per sink; a longer one shows them live after that moment.
    log.hold(&format!("START RequestId: {request_id} Version: {version}"));
    let started = Instant::now();
    let outcome = {
        let run = env.run(&request_id, invoked_arn, payload, function.timeout);
        tokio::pin!(run);
        tokio::select! {
            biased;
            outcome = &mut run => outcome,
            _ = tokio::time::sleep(START_LINE_DELAY) => {
                log.go_live();
                run.await
            }
        }
    };
    let duration = started.elapsed();
    env.flush(true);
    let init = env.take_cold().then_some(env.init_duration);
    // Platform failures (timeout, crash) also get `Status`/`Error Type` on the REPORT line.
    let (result, error_type, platform) = match outcome {
        RunOutcome::Response(body) => (body, None, None),
        RunOutcome::FunctionError { error_type, body } => (body, Some(error_type), None),
        RunOutcome::TimedOut(elapsed) => {
            let message = format!(
                "{} {request_id} Task timed out after {:.2} seconds",
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                elapsed.as_secs_f64()
            );
            log.hold(&message);
            (
                error_document(TIMEOUT_ERROR_TYPE, &message),
                Some(TIMEOUT_ERROR_TYPE.to_owned()),
                Some(("timeout", TIMEOUT_ERROR_TYPE)),
            )
        }
        RunOutcome::Crashed(exit) => {
            let message =
                format!("RequestId: {request_id} Error: Runtime exited with error: {exit}");
            log.hold(&message);
            log.hold(EXIT_ERROR_TYPE);
            (
                error_document(EXIT_ERROR_TYPE, &message),
                Some(EXIT_ERROR_TYPE.to_owned()),
                Some(("error", EXIT_ERROR_TYPE)),
            )
        }
    };
    log.hold(&format!("END RequestId: {request_id}"));
    let report = Report {
        request_id: &request_id,
        duration,
        memory_mb: function.memory_mb,
        max_memory_mb: env.max_memory_mb(),
        init,
        status: platform.map(|(status, _)| status),
        error_type: platform.map(|(_, kind)| kind),
    };
    log.emit(&report.line());
    let lines = log.finish();
    // A runtime whose answer was refused as too large is not trusted with another invocation
    // (the Rust runtime client exits on the 413); the next call gets a fresh environment.
    let reusable = env.alive() && error_type.as_deref() != Some(RESPONSE_TOO_LARGE_ERROR_TYPE);
    if reusable {
        inner.pool.release(&function.name, env);
    } else {
        env.kill().await;
        if env.provisioned {
            inner.replace_provisioned(function.clone(), env.version.clone());
        }
    }
    drop(lease);
    Ok(InvokeOutcome {
        status: 200,
        payload: result,
        function_error: error_type.is_some().then(|| "Unhandled".to_owned()),
        error_type,
        executed_version: version.to_owned(),
        log_tail: logs::tail(&lines),
        request_id,
        cold_start,
    })
}

/// An invocation whose environment never started: reported as a function error, with the
/// START/END/REPORT lines AWS writes for it.
fn init_failed(
    inner: &Inner,
    function: &FunctionConfig,
    version: &str,
    request_id: &str,
    failure: InitFailure,
) -> InvokeOutcome {
    let (error_type, body) = init_failure_document(failure, request_id);
    let mut lines = vec![
        format!("START RequestId: {request_id} Version: {version}"),
        String::from_utf8_lossy(&body).into_owned(),
        format!("END RequestId: {request_id}"),
    ];
    lines.push(
        Report {
            request_id,
            duration: Duration::ZERO,
            memory_mb: function.memory_mb,
            max_memory_mb: 0,
            init: None,
            status: Some("error"),
            error_type: Some(&error_type),
        }
        .line(),
    );
    for line in &lines {
        inner.settings.sink.line(&function.name, line);
    }
    InvokeOutcome {
        status: 200,
        payload: body,
        function_error: Some("Unhandled".to_owned()),
        error_type: Some(error_type),
        executed_version: version.to_owned(),
        log_tail: logs::tail(&lines),
        request_id: request_id.to_owned(),
        cold_start: true,
    }
}

/// Queues an `Event` invocation: tried once, then retried after each configured delay while it
/// fails (function error, timeout, crash or throttle), as Lambda's async queue does.
pub(crate) fn enqueue(
    inner: Arc<Inner>,
    function: Arc<FunctionConfig>,
    version: String,
    invoked_arn: String,
    payload: Bytes,
    request_id: String,
) {
    tokio::spawn(async move {
        let delays = inner.settings.event_retry_delays.clone();
        let attempts = delays.len() + 1;
        for attempt in 0..attempts {
            let result = execute(
                &inner,
                &function,
                &version,
                invoked_arn.clone(),
                payload.clone(),
            )
            .await;
            let failure = match &result {
                Ok(outcome) if outcome.function_error.is_none() => None,
                Ok(outcome) => outcome.error_type.clone(),
                Err(error) => Some(error.code().to_owned()),
            };
            match (failure, delays.get(attempt)) {
                (None, _) => return,
                (Some(_), Some(delay)) => tokio::time::sleep(*delay).await,
                (Some(failure), None) => {
                    tracing::warn!(
                        function = %function.name,
                        %request_id,
                        %failure,
                        attempts,
                        "asynchronous invocation failed after its retries; dropped (no DLQ or destination locally)"
                    );
                }
            }
        }
    });
}
