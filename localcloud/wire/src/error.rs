//! The AWS JSON-protocol error envelope, one way for every service: status, `content-type`
//! (`application/x-amz-json-1.0` or `1.1`), `x-amzn-ErrorType`, `x-amzn-RequestId`, and the
//! body `{"__type": ..., "message": ...}`. The SDKs read the code from `__type` (after the last
//! `#`) or from the header, so both carry it.
//! <https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#operation-error-serialization>

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;

/// The JSON protocol version a service speaks (its `content-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonProtocol {
    /// `application/x-amz-json-1.0` (DynamoDB, Step Functions).
    V1_0,
    /// `application/x-amz-json-1.1` (Cognito, CloudWatch Logs, EventBridge).
    V1_1,
}

impl JsonProtocol {
    /// The `content-type` value.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::V1_0 => "application/x-amz-json-1.0",
            Self::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// A service's error enum: its code, the qualified `__type`, and the status AWS answers with.
pub trait ServiceError: std::fmt::Display {
    /// The bare error code (`ValidationException`), sent as `x-amzn-ErrorType`.
    fn code(&self) -> &'static str;
    /// The `__type` value; services that qualify it with a namespace override this.
    fn wire_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.code())
    }
    /// The HTTP status.
    fn status(&self) -> StatusCode;
    /// The protocol the service speaks.
    fn protocol(&self) -> JsonProtocol;
}

/// The body `{"__type", "message"}`.
pub fn body(error: &dyn ServiceError) -> serde_json::Value {
    serde_json::json!({"__type": error.wire_type(), "message": error.to_string()})
}

/// The whole answer for `error`.
pub fn respond(error: &dyn ServiceError) -> Response {
    let mut response = (error.status(), body(error).to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_static(error.protocol().content_type()),
    );
    headers.insert("x-amzn-errortype", HeaderValue::from_static(error.code()));
    crate::request_id::ensure(&mut response);
    response
}

/// An error no service owns: an `X-Amz-Target` or path nothing on the endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// A JSON-protocol target no service here knows (AWS: 400 `UnknownOperationException`).
    #[error("The operation {0} is not supported by localcloud")]
    UnknownOperation(String),
    /// A request no service recognises at all.
    #[error("No service of localcloud answers {0}")]
    NotFound(String),
    /// A browser request a local port refuses (a rebound `Host`, a cross-site `Origin`).
    #[error("{0}")]
    Forbidden(String),
}

impl ServiceError for EndpointError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownOperation(_) | Self::NotFound(_) => "UnknownOperationException",
            Self::Forbidden(_) => "AccessDeniedException",
        }
    }
    fn wire_type(&self) -> Cow<'static, str> {
        match self {
            Self::UnknownOperation(_) => {
                Cow::Borrowed("com.amazon.coral.service#UnknownOperationException")
            }
            Self::NotFound(_) | Self::Forbidden(_) => Cow::Borrowed(self.code()),
        }
    }
    fn status(&self) -> StatusCode {
        match self {
            Self::UnknownOperation(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
        }
    }
    fn protocol(&self) -> JsonProtocol {
        JsonProtocol::V1_0
    }
}

impl IntoResponse for EndpointError {
    fn into_response(self) -> Response {
        respond(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_envelope_carries_code_type_status_and_request_id() {
        let r = EndpointError::UnknownOperation("Foo_1.Bar".into()).into_response();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["content-type"], "application/x-amz-json-1.0");
        assert_eq!(r.headers()["x-amzn-errortype"], "UnknownOperationException");
        assert!(r.headers().contains_key(crate::request_id::HEADER));
        let body = axum::body::to_bytes(r.into_body(), 1024)
            .await
            .expect("body");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "__type": "com.amazon.coral.service#UnknownOperationException",
                "message": "The operation Foo_1.Bar is not supported by localcloud"
            })
        );
    }
}
