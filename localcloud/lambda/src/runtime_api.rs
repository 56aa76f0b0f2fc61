//! The Lambda Runtime API (`/2018-06-01/runtime/...`), one listener per execution
//! environment on `127.0.0.1:0`, so `AWS_LAMBDA_RUNTIME_API` is a plain `host:port` and the
//! stock runtime clients (`lambda_runtime`, the Java RIC) work unmodified.
//!
//! - `GET invocation/next`: the first call marks the environment initialised; each call then
//!   waits for the next invocation and returns its payload with the `Lambda-Runtime-*` headers.
//! - `POST invocation/{id}/response` and `invocation/{id}/error`: complete an invocation.
//! - `POST init/error`: the runtime could not initialise.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// The largest response a function may return (6 MB, as on AWS).
pub const RESPONSE_LIMIT: usize = 6 * 1024 * 1024;

/// One invocation handed to the runtime.
pub(crate) struct Invocation {
    pub request_id: String,
    pub payload: Bytes,
    pub deadline_ms: i64,
    pub function_arn: String,
    pub trace_id: String,
    pub reply: oneshot::Sender<RuntimeResult>,
}

/// What the runtime answered.
#[derive(Debug)]
pub(crate) enum RuntimeResult {
    /// `/response`: the function's result.
    Response(Bytes),
    /// `/error`: the function failed; `body` is the runtime's `{errorType, errorMessage}`.
    Error { error_type: String, body: Bytes },
}

/// What initialisation ended with: the first `/next`, or `/init/error`.
#[derive(Debug)]
pub(crate) enum InitSignal {
    Ready,
    Failed { error_type: String, body: Bytes },
}

struct RuntimeState {
    next: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    init: Mutex<Option<oneshot::Sender<InitSignal>>>,
    pending: Mutex<HashMap<String, oneshot::Sender<RuntimeResult>>>,
}

impl RuntimeState {
    fn signal_init(&self, signal: InitSignal) {
        if let Some(tx) = self.init.lock().ok().and_then(|mut init| init.take()) {
            // The environment stops listening only once it gave up on initialisation.
            let _ = tx.send(signal);
        }
    }

    fn complete(&self, request_id: &str, result: RuntimeResult) -> Response {
        let waiter = self
            .pending
            .lock()
            .ok()
            .and_then(|mut pending| pending.remove(request_id));
        match waiter {
            Some(tx) => {
                // The invoker may have timed out meanwhile; the answer is then dropped, as on AWS.
                let _ = tx.send(result);
                (StatusCode::ACCEPTED, json!({"status": "OK"}).to_string()).into_response()
            }
            None => runtime_error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestID",
                &format!("Invalid request ID: {request_id}"),
            ),
        }
    }
}

fn runtime_error(status: StatusCode, error_type: &str, message: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"errorType": error_type, "errorMessage": message}).to_string(),
    )
        .into_response()
}

/// The router of one environment's Runtime API.
pub(crate) fn router(
    next: mpsc::Receiver<Invocation>,
    init: oneshot::Sender<InitSignal>,
) -> Router {
    let state = Arc::new(RuntimeState {
        next: tokio::sync::Mutex::new(next),
        init: Mutex::new(Some(init)),
        pending: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(invocation_response),
        )
        .route(
            "/2018-06-01/runtime/invocation/{id}/error",
            post(invocation_error),
        )
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .layer(axum::extract::DefaultBodyLimit::max(RESPONSE_LIMIT))
        .with_state(state)
}

async fn next_invocation(State(state): State<Arc<RuntimeState>>) -> Response {
    state.signal_init(InitSignal::Ready);
    let invocation = state.next.lock().await.recv().await;
    let Some(invocation) = invocation else {
        // The environment is being shut down: the process is about to be killed.
        return runtime_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceException",
            "environment stopped",
        );
    };
    if let Ok(mut pending) = state.pending.lock() {
        pending.insert(invocation.request_id.clone(), invocation.reply);
    }
    let headers = [
        ("content-type", "application/json".to_owned()),
        ("Lambda-Runtime-Aws-Request-Id", invocation.request_id),
        (
            "Lambda-Runtime-Deadline-Ms",
            invocation.deadline_ms.to_string(),
        ),
        (
            "Lambda-Runtime-Invoked-Function-Arn",
            invocation.function_arn,
        ),
        ("Lambda-Runtime-Trace-Id", invocation.trace_id),
    ];
    (StatusCode::OK, headers, invocation.payload).into_response()
}

/// A response over 6 MB fails the invocation with `Function.ResponseSizeTooLarge` (what the
/// caller sees on AWS) and is refused to the runtime with 413.
async fn invocation_response(
    State(state): State<Arc<RuntimeState>>,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    match axum::body::to_bytes(body, RESPONSE_LIMIT).await {
        Ok(body) => state.complete(&id, RuntimeResult::Response(body)),
        Err(_) => {
            let error_type = crate::invoke::RESPONSE_TOO_LARGE_ERROR_TYPE;
            let body = json!({
                "errorType": error_type,
                "errorMessage": format!(
                    "Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes)."
                ),
            });
            let error_type = error_type.to_owned();
            let body = Bytes::from(body.to_string());
            state.complete(&id, RuntimeResult::Error { error_type, body });
            runtime_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                "response payload over 6 MB",
            )
        }
    }
}

/// The error type comes from `Lambda-Runtime-Function-Error-Type`, else the body's `errorType`.
fn error_type(headers: &HeaderMap, body: &Bytes) -> String {
    headers
        .get("Lambda-Runtime-Function-Error-Type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            serde_json::from_slice::<serde_json::Value>(body)
                .ok()?
                .get("errorType")?
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Unhandled".to_owned())
}

async fn invocation_error(
    State(state): State<Arc<RuntimeState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error_type = error_type(&headers, &body);
    state.complete(&id, RuntimeResult::Error { error_type, body })
}

async fn init_error(
    State(state): State<Arc<RuntimeState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error_type = error_type(&headers, &body);
    state.signal_init(InitSignal::Failed { error_type, body });
    (StatusCode::ACCEPTED, json!({"status": "OK"}).to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn post(app: &Router, uri: &str, body: &'static str) -> (StatusCode, serde_json::Value) {
        let response = app
            .clone()
            .oneshot(Request::post(uri).body(Body::from(body)).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("json"))
    }

    #[tokio::test]
    async fn next_hands_out_the_invocation_and_response_completes_it() {
        let (tx, rx) = mpsc::channel(1);
        let (init_tx, init_rx) = oneshot::channel();
        let app = router(rx, init_tx);
        let (reply, answer) = oneshot::channel();
        tx.send(Invocation {
            request_id: "req-1".to_owned(),
            payload: Bytes::from_static(b"{\"n\":1}"),
            deadline_ms: 42,
            function_arn: "arn:aws:lambda:us-east-1:000000000000:function:f".to_owned(),
            trace_id: "Root=1-0-0".to_owned(),
            reply,
        })
        .await
        .expect("send");
        let next = app
            .clone()
            .oneshot(
                Request::get("/2018-06-01/runtime/invocation/next")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        assert!(matches!(init_rx.await, Ok(InitSignal::Ready)));
        let header = |name: &str| {
            next.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("Lambda-Runtime-Aws-Request-Id").as_deref(),
            Some("req-1")
        );
        assert_eq!(header("Lambda-Runtime-Deadline-Ms").as_deref(), Some("42"));
        assert!(header("Lambda-Runtime-Invoked-Function-Arn").is_some());
        assert!(header("Lambda-Runtime-Trace-Id").is_some());

        let (status, _) = post(
            &app,
            "/2018-06-01/runtime/invocation/req-1/response",
            "\"done\"",
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert!(matches!(answer.await, Ok(RuntimeResult::Response(body)) if body == "\"done\""));

        let (status, body) =
            post(&app, "/2018-06-01/runtime/invocation/req-1/response", "{}").await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a request id completes once"
        );
        assert_eq!(body["errorType"], "InvalidRequestID");
    }

    #[tokio::test]
    async fn init_error_reports_the_error_type() {
        let (_tx, rx) = mpsc::channel(1);
        let (init_tx, init_rx) = oneshot::channel();
        let app = router(rx, init_tx);
        let (status, _) = post(
            &app,
            "/2018-06-01/runtime/init/error",
            r#"{"errorType":"Runtime.ImportModuleError","errorMessage":"no"}"#,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert!(matches!(
            init_rx.await,
            Ok(InitSignal::Failed { error_type, .. }) if error_type == "Runtime.ImportModuleError"
        ));
    }
}
