//! The `cognito-idp` errors: one variant per AWS error code, rendered in the AWS JSON 1.1 shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use localcloud_wire::error::{JsonProtocol, ServiceError};

/// An error of the `cognito-idp` API; the variant name is the AWS `__type`.
#[derive(Debug, thiserror::Error)]
pub enum CognitoError {
    /// The password breaks the pool's password policy.
    #[error("{0}")]
    InvalidPasswordException(String),
    /// SignUp or AdminCreateUser with a taken username.
    #[error("{0}")]
    UsernameExistsException(String),
    /// A wrong confirmation code.
    #[error("{0}")]
    CodeMismatchException(String),
    /// A confirmation code past its lifetime.
    #[error("{0}")]
    ExpiredCodeException(String),
    /// Wrong credentials, revoked or invalid tokens, disabled flows.
    #[error("{0}")]
    NotAuthorizedException(String),
    /// Sign-in of a user that has not confirmed the sign-up.
    #[error("{0}")]
    UserNotConfirmedException(String),
    /// The user does not exist (only where the pool reveals it).
    #[error("{0}")]
    UserNotFoundException(String),
    /// A missing or malformed parameter.
    #[error("{0}")]
    InvalidParameterException(String),
    /// An unknown user pool or client.
    #[error("{0}")]
    ResourceNotFoundException(String),
    /// An `X-Amz-Target` this emulator does not implement.
    #[error("{0}")]
    UnknownOperationException(String),
    /// The state directory could not be written; the change was not acknowledged.
    #[error("{0}")]
    InternalErrorException(String),
}

impl CognitoError {
    /// The AWS error code (`__type`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidPasswordException(_) => "InvalidPasswordException",
            Self::UsernameExistsException(_) => "UsernameExistsException",
            Self::CodeMismatchException(_) => "CodeMismatchException",
            Self::ExpiredCodeException(_) => "ExpiredCodeException",
            Self::NotAuthorizedException(_) => "NotAuthorizedException",
            Self::UserNotConfirmedException(_) => "UserNotConfirmedException",
            Self::UserNotFoundException(_) => "UserNotFoundException",
            Self::InvalidParameterException(_) => "InvalidParameterException",
            Self::ResourceNotFoundException(_) => "ResourceNotFoundException",
            Self::UnknownOperationException(_) => "UnknownOperationException",
            Self::InternalErrorException(_) => "InternalErrorException",
        }
    }

    /// `{"__type": ..., "message": ...}`.
    pub fn body(&self) -> serde_json::Value {
        localcloud_wire::error::body(self)
    }

    pub(crate) fn param(msg: impl Into<String>) -> Self {
        Self::InvalidParameterException(msg.into())
    }

    pub(crate) fn bad_credentials() -> Self {
        Self::NotAuthorizedException("Incorrect username or password.".into())
    }
}

impl ServiceError for CognitoError {
    fn code(&self) -> &'static str {
        CognitoError::code(self)
    }
    /// 400 for client errors, 500 for internal ones.
    fn status(&self) -> StatusCode {
        match self {
            Self::InternalErrorException(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
    fn protocol(&self) -> JsonProtocol {
        JsonProtocol::V1_1
    }
}

impl IntoResponse for CognitoError {
    fn into_response(self) -> Response {
        localcloud_wire::error::respond(&self)
    }
}
