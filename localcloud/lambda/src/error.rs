//! The Lambda API's errors: one variant per AWS error code, each rendered in Lambda's
//! REST-JSON shape (`x-amzn-ErrorType` header, `{"Type": "User", "message": ...}` body) with
//! the status AWS uses. Function failures are not errors here: they are successful Invoke calls
//! with `X-Amz-Function-Error` (see [`crate::InvokeOutcome`]).

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use localcloud_wire::invoke::{InvokeError, InvokeErrorKind};
use serde_json::json;

/// Why a call was throttled, as AWS names it in `Reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleReason {
    /// The function's `ReservedConcurrentExecutions` are all busy (or it is 0).
    ReservedFunctionConcurrentInvocationLimitExceeded,
    /// The account's unreserved concurrency is exhausted.
    ConcurrentInvocationLimitExceeded,
}

impl ThrottleReason {
    /// The exact AWS string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReservedFunctionConcurrentInvocationLimitExceeded => {
                "ReservedFunctionConcurrentInvocationLimitExceeded"
            }
            Self::ConcurrentInvocationLimitExceeded => "ConcurrentInvocationLimitExceeded",
        }
    }
}

/// An error of the Lambda API.
#[derive(Debug, thiserror::Error)]
pub enum LambdaError {
    /// 404: unknown function, version or alias.
    #[error("Function not found: {arn}")]
    ResourceNotFound {
        /// The ARN that was asked for, with its qualifier.
        arn: String,
    },
    /// 400: the payload is not JSON.
    #[error("Could not parse request body into json: {0}")]
    InvalidRequestContent(String),
    /// 413: the payload is over the invocation type's limit. The API model calls this
    /// `RequestTooLargeException`, but Lambda answers `RequestEntityTooLargeException` (recorded
    /// in <https://zaccharles.medium.com/deep-dive-lambdas-request-payload-size-limit-2-2-6350c1ae5577>),
    /// so that is the code sent.
    #[error("Request must be smaller than {limit} bytes for the {operation} operation")]
    RequestTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// `InvokeFunction` or `InvokeAsync`, as AWS words it.
        operation: &'static str,
    },
    /// 429: no concurrency left.
    #[error("Rate Exceeded.")]
    TooManyRequests {
        /// Which limit was hit.
        reason: ThrottleReason,
        /// The `Retry-After` hint.
        retry_after_seconds: u64,
    },
    /// 400: a parameter is out of range or malformed.
    #[error("{0}")]
    InvalidParameterValue(String),
    /// 500: the service itself failed (never expected; logged).
    #[error("{0}")]
    Service(String),
}

impl LambdaError {
    /// The AWS error code, sent as `x-amzn-ErrorType`.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The HTTP status AWS answers with.
    pub fn status(&self) -> StatusCode {
        self.kind().status()
    }

    /// The JSON body. AWS spells the message key `Message` for ResourceNotFoundException and
    /// `message` for the others; the SDKs accept both.
    pub fn body(&self) -> serde_json::Value {
        let message = self.to_string();
        match self {
            Self::ResourceNotFound { .. } => json!({"Type": "User", "Message": message}),
            Self::TooManyRequests {
                reason,
                retry_after_seconds,
            } => json!({
                "Reason": reason.as_str(),
                "Type": "User",
                "message": message,
                "retryAfterSeconds": retry_after_seconds.to_string(),
            }),
            Self::Service(_) => json!({"Type": "Service", "message": message}),
            _ => json!({"Type": "User", "message": message}),
        }
    }

    /// The refusal's kind, for callers through [`localcloud_wire::invoke::Invoke`].
    pub fn kind(&self) -> InvokeErrorKind {
        match self {
            Self::ResourceNotFound { .. } => InvokeErrorKind::ResourceNotFound,
            Self::InvalidRequestContent(_) => InvokeErrorKind::InvalidRequestContent,
            Self::RequestTooLarge { .. } => InvokeErrorKind::RequestTooLarge,
            Self::TooManyRequests { .. } => InvokeErrorKind::TooManyRequests,
            Self::InvalidParameterValue(_) => InvokeErrorKind::InvalidParameterValue,
            Self::Service(_) => InvokeErrorKind::Service,
        }
    }
}

impl From<LambdaError> for InvokeError {
    fn from(e: LambdaError) -> Self {
        InvokeError {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

impl IntoResponse for LambdaError {
    fn into_response(self) -> Response {
        if let Self::Service(message) = &self {
            tracing::error!(%message, "lambda service error");
        }
        let mut response = (
            self.status(),
            [("content-type", "application/json")],
            self.body().to_string(),
        )
            .into_response();
        response
            .headers_mut()
            .insert("x-amzn-ErrorType", HeaderValue::from_static(self.code()));
        if let Self::TooManyRequests {
            retry_after_seconds,
            ..
        } = &self
        {
            response
                .headers_mut()
                .insert("Retry-After", HeaderValue::from(*retry_after_seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(error: LambdaError) -> (StatusCode, String, serde_json::Value) {
        let body = error.body();
        let response = error.into_response();
        let code = response
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (response.status(), code, body)
    }

    #[test]
    fn every_variant_has_its_aws_code_status_and_shape() {
        let cases = [
            (
                LambdaError::ResourceNotFound {
                    arn: "arn:aws:lambda:us-east-1:000000000000:function:f".to_owned(),
                },
                404,
                "ResourceNotFoundException",
                json!({"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"}),
            ),
            (
                LambdaError::InvalidRequestContent("expected value at line 1 column 1".to_owned()),
                400,
                "InvalidRequestContentException",
                json!({"Type": "User", "message": "Could not parse request body into json: expected value at line 1 column 1"}),
            ),
            (
                LambdaError::RequestTooLarge {
                    limit: 6_291_456,
                    operation: "InvokeFunction",
                },
                413,
                "RequestEntityTooLargeException",
                json!({"Type": "User", "message": "Request must be smaller than 6291456 bytes for the InvokeFunction operation"}),
            ),
            (
                LambdaError::TooManyRequests {
                    reason: ThrottleReason::ConcurrentInvocationLimitExceeded,
                    retry_after_seconds: 1,
                },
                429,
                "TooManyRequestsException",
                json!({"Reason": "ConcurrentInvocationLimitExceeded", "Type": "User", "message": "Rate Exceeded.", "retryAfterSeconds": "1"}),
            ),
            (
                LambdaError::InvalidParameterValue("bad".to_owned()),
                400,
                "InvalidParameterValueException",
                json!({"Type": "User", "message": "bad"}),
            ),
            (
                LambdaError::Service("broken".to_owned()),
                500,
                "ServiceException",
                json!({"Type": "Service", "message": "broken"}),
            ),
        ];
        for (error, status, code, body) in cases {
            assert_eq!(
                rendered(error),
                (
                    StatusCode::from_u16(status).expect("status"),
                    code.to_owned(),
                    body
                )
            );
        }
    }
}
