//! The Step Functions API's errors, one variant per AWS error code, rendered in the AWS JSON
//! 1.0 shape the SDKs parse: status 400 and
//! `{"__type": "com.amazonaws.swf.service.v2.model#<Code>", "message": "..."}` (the SDKs keep
//! what follows `#`). The envelope itself (headers, request id) is `localcloud-wire`'s, shared
//! by every service; this file only names the codes and statuses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use localcloud_wire::error::{JsonProtocol, ServiceError};
use std::borrow::Cow;

/// One error per AWS code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SfnError {
    /// A malformed ARN.
    #[error("{0}")]
    InvalidArn(String),
    /// The definition was rejected (the engine's diagnostics).
    #[error("{0}")]
    InvalidDefinition(String),
    /// A bad name.
    #[error("{0}")]
    InvalidName(String),
    /// Execution input is not JSON.
    #[error("{0}")]
    InvalidExecutionInput(String),
    /// SendTaskSuccess output is not JSON.
    #[error("{0}")]
    InvalidOutput(String),
    /// A malformed task token.
    #[error("{0}")]
    InvalidToken(String),
    /// A state machine of that name exists with another definition.
    #[error("{0}")]
    StateMachineAlreadyExists(String),
    /// No such state machine.
    #[error("{0}")]
    StateMachineDoesNotExist(String),
    /// The operation does not apply to this type (StartSyncExecution on Standard).
    #[error("{0}")]
    StateMachineTypeNotSupported(String),
    /// A Standard execution of that name exists (closed, or other input).
    #[error("{0}")]
    ExecutionAlreadyExists(String),
    /// No such execution.
    #[error("{0}")]
    ExecutionDoesNotExist(String),
    /// No task waits for the token.
    #[error("{0}")]
    TaskDoesNotExist(String),
    /// The token of a task that already timed out.
    #[error("{0}")]
    TaskTimedOut(String),
    /// A missing or malformed parameter.
    #[error("{0}")]
    ValidationException(String),
    /// Unknown `X-Amz-Target`.
    #[error("{0}")]
    UnknownOperationException(String),
    /// Body is not JSON.
    #[error("{0}")]
    SerializationException(String),
    /// Persisting failed.
    #[error("{0}")]
    InternalFailure(String),
}

impl ServiceError for SfnError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidArn(_) => "InvalidArn",
            Self::InvalidDefinition(_) => "InvalidDefinition",
            Self::InvalidName(_) => "InvalidName",
            Self::InvalidExecutionInput(_) => "InvalidExecutionInput",
            Self::InvalidOutput(_) => "InvalidOutput",
            Self::InvalidToken(_) => "InvalidToken",
            Self::StateMachineAlreadyExists(_) => "StateMachineAlreadyExists",
            Self::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            Self::StateMachineTypeNotSupported(_) => "StateMachineTypeNotSupported",
            Self::ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
            Self::ExecutionDoesNotExist(_) => "ExecutionDoesNotExist",
            Self::TaskDoesNotExist(_) => "TaskDoesNotExist",
            Self::TaskTimedOut(_) => "TaskTimedOut",
            Self::ValidationException(_) => "ValidationException",
            Self::UnknownOperationException(_) => "UnknownOperationException",
            Self::SerializationException(_) => "SerializationException",
            Self::InternalFailure(_) => "InternalFailure",
        }
    }

    /// Step Functions qualifies every code with its model's namespace.
    fn wire_type(&self) -> Cow<'static, str> {
        Cow::Owned(format!(
            "com.amazonaws.swf.service.v2.model#{}",
            self.code()
        ))
    }

    /// 400 for client errors, 500 for ours.
    fn status(&self) -> StatusCode {
        match self {
            Self::InternalFailure(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn protocol(&self) -> JsonProtocol {
        JsonProtocol::V1_0
    }
}

impl IntoResponse for SfnError {
    fn into_response(self) -> Response {
        localcloud_wire::error::respond(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn errors_answer_in_the_shared_json_1_0_envelope() {
        let r = SfnError::InvalidArn("Invalid Arn: 'x'".into()).into_response();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["content-type"], "application/x-amz-json-1.0");
        assert_eq!(r.headers()["x-amzn-errortype"], "InvalidArn");
        assert!(r
            .headers()
            .contains_key(localcloud_wire::request_id::HEADER));
        let body = axum::body::to_bytes(r.into_body(), 1024)
            .await
            .expect("body");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "__type": "com.amazonaws.swf.service.v2.model#InvalidArn",
                "message": "Invalid Arn: 'x'"
            })
        );
        assert_eq!(SfnError::InternalFailure("disk".into()).status(), 500);
    }
}
