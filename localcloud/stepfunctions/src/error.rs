//! Errors: definition diagnostics (`InvalidDefinition`) and the runtime `States.*` errors.
//!
//! Definition errors use the codes of `ValidateStateMachineDefinitionDiagnostic`
//! (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html>)
//! and the message shape CreateStateMachine returns:
//! `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next'`.

use std::fmt;

/// One finding of definition validation, shaped like AWS's diagnostic element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The AWS diagnostic code, e.g. `SCHEMA_VALIDATION_FAILED`.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// JSON-pointer-like location, e.g. `/States/A/Next`; empty when none applies.
    pub location: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.code, self.message)
        } else {
            write!(f, "{}: {} at {}", self.code, self.message, self.location)
        }
    }
}

/// Diagnostic codes, spelled as AWS spells them.
pub mod code {
    /// The definition is not JSON.
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    /// Schema errors: unknown fields, wrong types, bad paths.
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    /// A `Next`/`Default`/`StartAt` names no state, or a state is unreachable.
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    /// No terminal state.
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    /// The same state name twice (across nested scopes).
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    /// Resource of a Task is not an ARN.
    pub const INVALID_RESOURCE: &str = "INVALID_RESOURCE";
    /// Not emulated by the local cloud (our own code, named so it is never mistaken for AWS's).
    pub const NOT_EMULATED: &str = "LOCALCLOUD_NOT_EMULATED";
}

/// `InvalidDefinition`: the definition was rejected; carries every diagnostic found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidDefinition {
    /// All findings, in discovery order.
    pub diagnostics: Vec<Diagnostic>,
}

impl InvalidDefinition {
    /// The AWS error code of this failure.
    pub const CODE: &'static str = "InvalidDefinition";
}

impl fmt::Display for InvalidDefinition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.diagnostics.iter().map(|d| d.to_string()).collect();
        write!(
            f,
            "Invalid State Machine Definition: '{}'",
            parts.join(", ")
        )
    }
}

/// The `States.*` error names of the spec (<https://states-language.net/spec.html#appendix-a>).
pub mod names {
    /// Wildcard matching any error name except Runtime and DataLimitExceeded.
    pub const ALL: &str = "States.ALL";
    /// Data limit exceeded (256 KiB).
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// Map tolerated-failure threshold exceeded.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// A heartbeat was not received in time.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// An intrinsic function failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// ItemReader failed.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Choice state found no match and had no Default.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// A Parameters path could not be applied.
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    /// ResultPath could not be applied.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// An unrecoverable runtime error (never retried or caught).
    pub const RUNTIME: &str = "States.Runtime";
    /// Task failed (wildcard for task errors except Timeout).
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// A Task ran longer than TimeoutSeconds.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A JSONata expression failed or returned nothing.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    /// Branch of a Parallel or Map failed.
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
}

/// A runtime failure: the `Error` and `Cause` that Retry/Catch see and executions report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}: {cause}")]
pub struct StatesError {
    /// Error name, e.g. `States.Runtime` or a Lambda `errorType`.
    pub error: String,
    /// Cause text.
    pub cause: String,
    /// For a `States.QueryEvaluationError`: the field whose JSONata expression failed, until the
    /// interpreter records the failure as an `EvaluationFailed` history event; then `None`, so
    /// an enclosing Parallel or Map state that fails with the same error does not record it again.
    pub unrecorded_location: Option<String>,
}

impl StatesError {
    /// Any error name and cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            cause: cause.into(),
            unrecorded_location: None,
        }
    }
    /// `States.QueryEvaluationError`: the JSONata expression of `field` failed or returned a
    /// value the field cannot take.
    pub fn query(field: &str, cause: impl Into<String>) -> Self {
        Self {
            unrecorded_location: Some(field.to_string()),
            ..Self::new(names::QUERY_EVALUATION_ERROR, cause)
        }
    }
    /// `States.Runtime`.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }
    /// `States.IntrinsicFailure`.
    pub fn intrinsic(cause: impl Into<String>) -> Self {
        Self::new(names::INTRINSIC_FAILURE, cause)
    }
    /// The `{"Error", "Cause"}` object that Catch writes at its ResultPath.
    pub fn to_output(&self) -> serde_json::Value {
        serde_json::json!({"Error": self.error, "Cause": self.cause})
    }
}
