//! Serving: DynamoDB and DynamoDB Streams requests go to dynoxide's own axum router, called
//! in-process as a `tower::Service` on the engine's thread ([`crate::engine`]; no socket, no
//! second HTTP parse), so every answer is the one dynoxide's server gives: validation, error
//! shapes, headers, CRC32. dynoxide 3.2.0 keeps that router private; `vendor/dynoxide-rs`
//! makes it public (see `vendor/README.md`). The operations dynoxide lacks
//! ([`LOCAL_OPERATIONS`]) are answered by this crate, on tokio's blocking pool.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use localcloud_wire::body::BodyError;

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

/// Answers one DynamoDB request: by this crate for [`LOCAL_OPERATIONS`], by dynoxide otherwise.
pub async fn handle(service: DynamoService, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let body = match localcloud_wire::body::read(body, MAX_BODY).await {
        Ok(b) => b,
        // DynamoDB has no JSON error for an oversized request: the plain 413 its front end sends.
        Err(BodyError::TooLarge { .. }) => {
            let mut resp =
                (StatusCode::PAYLOAD_TOO_LARGE, "Request entity too large").into_response();
            add_request_id(&mut resp);
            return resp;
        }
        // The client's connection failed mid-body: whatever it still reads is a client error.
        Err(e @ BodyError::Read(_)) => {
            return DynamoError::SerializationException(e.to_string()).into_response()
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
        let req = Request::from_parts(parts, Body::from(body));
        return match service.inner.engine.answer(req).await {
            Some(resp) => resp,
            None => DynamoError::InternalServerError(
                "The DynamoDB engine stopped before answering".into(),
            )
            .into_response(),
        };
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
