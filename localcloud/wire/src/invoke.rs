//! Calling a function, one way for every caller: API Gateway's Lambda integrations, Step
//! Functions' tasks and the event sources hold an `Arc<dyn Invoke>`; the Lambda service
//! implements it. A refused call keeps its kind ([`InvokeErrorKind`]), so a throttle reaches a
//! workflow as `Lambda.TooManyRequestsException` and a poller can back off, instead of every
//! failure looking alike.

use axum::body::Bytes;
use axum::http::StatusCode;
use futures::future::BoxFuture;

/// Lambda's `X-Amz-Invocation-Type`.
/// <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvocationType {
    /// Wait for the result (200).
    RequestResponse,
    /// Queue it and answer 202 at once.
    Event,
    /// Only check that the call would be accepted (204).
    DryRun,
}

impl InvocationType {
    /// Parses the header value; absent is `RequestResponse`, an unknown one is `None` (the
    /// caller answers 400 `InvalidParameterValueException`, as AWS does).
    pub fn parse(value: Option<&str>) -> Option<Self> {
        match value {
            None | Some("RequestResponse") => Some(Self::RequestResponse),
            Some("Event") => Some(Self::Event),
            Some("DryRun") => Some(Self::DryRun),
            Some(_) => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestResponse => "RequestResponse",
            Self::Event => "Event",
            Self::DryRun => "DryRun",
        }
    }
}

/// The result of an accepted call (a function error is an accepted call too).
#[derive(Debug, Clone)]
pub struct Invocation {
    /// 200, 202 (Event) or 204 (DryRun).
    pub status: u16,
    /// The function's response, or its error document.
    pub payload: Bytes,
    /// `Some("Unhandled")` when the function failed (`X-Amz-Function-Error`).
    pub function_error: Option<String>,
    /// The errorType of a failed invocation (`Runtime.ExitError`, the function's own type...).
    pub error_type: Option<String>,
    /// `X-Amz-Executed-Version`.
    pub executed_version: String,
    /// The invocation's log lines, last 4 KB (`X-Amz-Log-Result` once base64-encoded).
    pub log_tail: String,
    /// The request id (`x-amzn-RequestId`).
    pub request_id: String,
    /// Whether this invocation started a new environment.
    pub cold_start: bool,
}

/// Why Lambda refused a call, one kind per error code of the Invoke API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvokeErrorKind {
    /// 404 `ResourceNotFoundException`.
    ResourceNotFound,
    /// 400 `InvalidRequestContentException`.
    InvalidRequestContent,
    /// 413 `RequestEntityTooLargeException`.
    RequestTooLarge,
    /// 429 `TooManyRequestsException`: no concurrency left.
    TooManyRequests,
    /// 400 `InvalidParameterValueException`.
    InvalidParameterValue,
    /// 500 `ServiceException`.
    Service,
}

impl InvokeErrorKind {
    /// The AWS error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::InvalidRequestContent => "InvalidRequestContentException",
            Self::RequestTooLarge => "RequestEntityTooLargeException",
            Self::TooManyRequests => "TooManyRequestsException",
            Self::InvalidParameterValue => "InvalidParameterValueException",
            Self::Service => "ServiceException",
        }
    }

    /// The HTTP status AWS answers with.
    pub fn status(self) -> StatusCode {
        match self {
            Self::ResourceNotFound => StatusCode::NOT_FOUND,
            Self::InvalidRequestContent | Self::InvalidParameterValue => StatusCode::BAD_REQUEST,
            Self::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Service => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A refused call: the function did not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", kind.code())]
pub struct InvokeError {
    /// Which refusal.
    pub kind: InvokeErrorKind,
    /// AWS's message.
    pub message: String,
}

/// Invokes functions by name or ARN (possibly qualified).
pub trait Invoke: Send + Sync {
    /// Invokes `function` (`qualifier`: a version or alias) with `payload`.
    fn invoke<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        payload: Bytes,
        kind: InvocationType,
    ) -> BoxFuture<'a, Result<Invocation, InvokeError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_types_round_trip_and_unknown_ones_are_refused() {
        for t in [
            InvocationType::RequestResponse,
            InvocationType::Event,
            InvocationType::DryRun,
        ] {
            assert_eq!(InvocationType::parse(Some(t.as_str())), Some(t));
        }
        assert_eq!(
            InvocationType::parse(None),
            Some(InvocationType::RequestResponse)
        );
        assert_eq!(InvocationType::parse(Some("event")), None);
    }

    #[test]
    fn a_throttle_keeps_its_code_and_status() {
        let e = InvokeError {
            kind: InvokeErrorKind::TooManyRequests,
            message: "Rate Exceeded.".into(),
        };
        assert_eq!(e.to_string(), "TooManyRequestsException: Rate Exceeded.");
        assert_eq!(e.kind.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
