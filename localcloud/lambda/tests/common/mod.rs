//! Shared by the integration tests: the payload-driven test function (built once, into its own
//! target directory so the build never waits on the lock of the `cargo test` that runs us),
//! a service logging into a channel, and a one-shot HTTP call into a router.

#![allow(dead_code)]

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use localcloud_lambda::{ChannelSink, FunctionConfig, LambdaService, LogRecord, ServiceSettings};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use tower::ServiceExt;

/// The path of the `payload-driven` binary, building it on first use.
pub fn test_function() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("test executable path");
            // <target>/debug/deps/<test binary>: the same target folder and profile, so the
            // binary `cargo test --workspace` already built is reused (a folder of its own
            // compiled every dependency of the function a second time).
            let target = exe
                .ancestors()
                .nth(3)
                .expect("target directory")
                .to_path_buf();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let status = std::process::Command::new(cargo)
                .args(["build", "--quiet", "-p", "localcloud-test-functions"])
                .env("CARGO_TARGET_DIR", &target)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("run cargo build for the test function");
            assert!(
                status.success(),
                "building localcloud-test-functions failed"
            );
            target.join("debug").join("payload-driven")
        })
        .clone()
}

/// A function running the test binary.
pub fn function(name: &str) -> FunctionConfig {
    let mut f = FunctionConfig::new(name, vec![test_function().to_string_lossy().into_owned()]);
    f.timeout = Duration::from_secs(10);
    f
}

/// Settings with short retry delays, logging into a channel.
pub fn settings() -> (ServiceSettings, mpsc::UnboundedReceiver<LogRecord>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut settings = ServiceSettings::new(Arc::new(ChannelSink(tx)));
    settings.event_retry_delays = vec![Duration::from_millis(10), Duration::from_millis(10)];
    settings.endpoint_url = Some("http://127.0.0.1:4566".to_owned());
    (settings, rx)
}

pub fn service(
    functions: Vec<FunctionConfig>,
) -> (LambdaService, mpsc::UnboundedReceiver<LogRecord>) {
    let (settings, rx) = settings();
    (
        LambdaService::new(functions, settings).expect("service"),
        rx,
    )
}

/// How long [`wait_line`] waits in all, however many other lines arrive meanwhile.
pub const LINE_DEADLINE: Duration = Duration::from_secs(60);

/// Waits (bounded, so a missing line fails instead of hanging) for a log line matching `pred`;
/// returns the lines seen, the matching one last.
pub async fn wait_line(
    rx: &mut mpsc::UnboundedReceiver<LogRecord>,
    pred: impl Fn(&str) -> bool,
) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + LINE_DEADLINE;
    let mut seen = Vec::new();
    loop {
        let record = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| {
                panic!("no matching log line within {LINE_DEADLINE:?}; saw {seen:#?}")
            })
            .expect("log channel open");
        seen.push(record.line.clone());
        if pred(&record.line) {
            return seen;
        }
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn call(
    service: &LambdaService,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = service
        .router()
        .oneshot(request.body(body.into()).expect("request"))
        .await
        .expect("router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn invoke(service: &LambdaService, name: &str, payload: &str) -> Answer {
    call(
        service,
        Method::POST,
        &format!("/2015-03-31/functions/{name}/invocations"),
        &[],
        payload.to_owned(),
    )
    .await
}
