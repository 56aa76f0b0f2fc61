//! Serving: dynoxide's JSON dispatch is private (its only public entry is
//! `dynoxide::server::serve_with_shutdown(listener, db, shutdown)`), so the service runs that
//! server on an internal `127.0.0.1:0` listener and forwards DynamoDB and DynamoDB Streams
//! requests to it over a pooled keep-alive hyper client, except the operations dynoxide lacks
//! ([`LOCAL_OPERATIONS`]), which this crate answers in-process.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use dynoxide::Database;
use http_body_util::Full;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::error::DynamoError;
use crate::DynamoService;

/// DynamoDB's `X-Amz-Target` prefix.
pub const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// DynamoDB Streams' `X-Amz-Target` prefix.
pub const STREAMS_TARGET_PREFIX: &str = "DynamoDBStreams_20120810.";

/// The operations answered here rather than by dynoxide.
pub const LOCAL_OPERATIONS: &[&str] = &[
    "UpdateContinuousBackups",
    "DescribeContinuousBackups",
    "ExportTableToPointInTime",
    "DescribeExport",
    "ListExports",
];

/// DynamoDB's request body limit.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Whether a request on the shared endpoint is for DynamoDB or DynamoDB Streams.
pub fn is_dynamodb_request(headers: &HeaderMap) -> bool {
    headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with(TARGET_PREFIX) || t.starts_with(STREAMS_TARGET_PREFIX))
}

/// Adds an `x-amzn-requestid` like DynamoDB's.
pub fn add_request_id(resp: &mut Response) {
    let id = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
    .to_ascii_uppercase();
    if let Ok(v) = HeaderValue::from_str(&id[..52]) {
        resp.headers_mut().insert("x-amzn-requestid", v);
    }
}

/// The embedded dynoxide server and the client that talks to it.
pub(crate) struct Forwarder {
    client: Client<HttpConnector, Full<Bytes>>,
    addr: SocketAddr,
    shutdown: std::sync::Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    server: tokio::sync::Mutex<Option<tokio::task::JoinHandle<Result<(), String>>>>,
}

impl Forwarder {
    pub(crate) async fn start(db: Database) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(dynoxide::server::serve_with_shutdown(listener, db, async {
            let _ = rx.await;
        }));
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(std::time::Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .build(connector);
        Ok(Self {
            client,
            addr,
            shutdown: std::sync::Mutex::new(Some(tx)),
            server: tokio::sync::Mutex::new(Some(server)),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the embedded server and waits for it to finish its requests.
    pub(crate) async fn stop(&self) {
        self.signal_stop();
        if let Some(handle) = self.server.lock().await.take() {
            let _ = handle.await;
        }
    }

    pub(crate) fn signal_stop(&self) {
        if let Ok(mut guard) = self.shutdown.lock() {
            if let Some(tx) = guard.take() {
                let _ = tx.send(());
            }
        }
    }

    async fn forward(&self, parts: axum::http::request::Parts, body: Bytes) -> Response {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let mut builder = Request::builder()
            .method(parts.method)
            .uri(format!("http://{}{path}", self.addr));
        // Hop-by-hop and framing headers are the client connection's business; hyper frames
        // the buffered body itself (a copied `transfer-encoding: chunked` would contradict it).
        const SKIP: &[&str] = &[
            "host",
            "connection",
            "keep-alive",
            "transfer-encoding",
            "content-length",
            "te",
            "trailer",
            "upgrade",
            "expect",
            "proxy-connection",
        ];
        for (name, value) in &parts.headers {
            if !SKIP.contains(&name.as_str()) {
                builder = builder.header(name, value);
            }
        }
        let req = match builder.body(Full::new(body)) {
            Ok(r) => r,
            Err(e) => return DynamoError::InternalServerError(e.to_string()).into_response(),
        };
        match self.client.request(req).await {
            // The answer is read whole, so that it goes out with its headers in one write.
            Ok(resp) => {
                let (parts, body) = resp.into_parts();
                match http_body_util::BodyExt::collect(body).await {
                    Ok(body) => Response::from_parts(parts, Body::from(body.to_bytes())),
                    Err(e) => DynamoError::InternalServerError(format!(
                        "embedded DynamoDB answer broke off: {e}"
                    ))
                    .into_response(),
                }
            }
            Err(e) => {
                DynamoError::InternalServerError(format!("embedded DynamoDB unreachable: {e}"))
                    .into_response()
            }
        }
    }
}

/// Answers one DynamoDB request: in-process for [`LOCAL_OPERATIONS`], forwarded otherwise.
pub async fn handle(service: DynamoService, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "Request entity too large").into_response()
        }
    };
    let operation = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
        .filter(|op| LOCAL_OPERATIONS.contains(op))
        .map(str::to_string);
    let Some(operation) = operation else {
        return service.inner.forward.forward(parts, body).await;
    };
    let request: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v @ serde_json::Value::Object(_)) => v,
        _ => {
            return DynamoError::SerializationException(
                "Start of structure or map found where not expected".into(),
            )
            .into_response()
        }
    };
    match service.local_operation(&operation, &request).await {
        Ok(json) => {
            let mut resp = (StatusCode::OK, json.to_string()).into_response();
            resp.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("application/x-amz-json-1.0"),
            );
            add_request_id(&mut resp);
            resp
        }
        Err(e) => e.into_response(),
    }
}
