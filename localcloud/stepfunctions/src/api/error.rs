//! The Step Functions API's errors, one variant per AWS error code, rendered in the AWS JSON
//! 1.0 shape the SDKs parse: status 400 and
//! `{"__type": "com.amazonaws.swf.service.v2.model#<Code>", "message": "..."}` (the SDKs keep
//! what follows `#`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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

impl SfnError {
    /// The AWS error code.
    pub fn code(&self) -> &'static str {
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

    /// 400 for client errors, 500 for ours.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InternalFailure(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The wire body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "__type": format!("com.amazonaws.swf.service.v2.model#{}", self.code()),
            "message": self.to_string(),
        })
    }
}

impl IntoResponse for SfnError {
    fn into_response(self) -> Response {
        let mut r = (self.status(), self.body().to_string()).into_response();
        r.headers_mut().insert(
            "content-type",
            axum::http::HeaderValue::from_static("application/x-amz-json-1.0"),
        );
        r
    }
}
