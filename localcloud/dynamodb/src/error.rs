//! DynamoDB's error codes for the operations this crate answers itself, each rendered in the
//! JSON 1.0 shape (`{"__type": "<namespace>#<Code>", "message": ...}`) with DynamoDB's status,
//! plus the startup errors (bad template properties, a stored table that no longer matches).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use localcloud_wire::error::{JsonProtocol, ServiceError};
use std::borrow::Cow;

const DYNAMODB: &str = "com.amazonaws.dynamodb.v20120810";
const CORAL_VALIDATE: &str = "com.amazon.coral.validate";
const CORAL_SERVICE: &str = "com.amazon.coral.service";

/// Wire errors, one variant per AWS error code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DynamoError {
    /// A table (or other resource) that does not exist.
    #[error("{0}")]
    ResourceNotFoundException(String),
    /// The backups/PITR/export APIs' name for a missing table.
    #[error("{0}")]
    TableNotFoundException(String),
    /// Export requested on a table without point-in-time recovery.
    #[error("{0}")]
    PointInTimeRecoveryUnavailableException(String),
    /// `ExportTime` outside the table's recovery window.
    #[error("{0}")]
    InvalidExportTimeException(String),
    /// `DescribeExport` of an unknown export ARN.
    #[error("{0}")]
    ExportNotFoundException(String),
    /// A `ClientToken` reused with different parameters.
    #[error("{0}")]
    ExportConflictException(String),
    /// A request that fails DynamoDB's validation.
    #[error("{0}")]
    ValidationException(String),
    /// A body that is not the JSON the operation expects.
    #[error("{0}")]
    SerializationException(String),
    /// A target this endpoint does not know.
    #[error("{0}")]
    UnknownOperationException(String),
    /// A local failure (storage, the engine).
    #[error("{0}")]
    InternalServerError(String),
}

impl DynamoError {
    /// The wire code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ResourceNotFoundException(_) => "ResourceNotFoundException",
            Self::TableNotFoundException(_) => "TableNotFoundException",
            Self::PointInTimeRecoveryUnavailableException(_) => {
                "PointInTimeRecoveryUnavailableException"
            }
            Self::InvalidExportTimeException(_) => "InvalidExportTimeException",
            Self::ExportNotFoundException(_) => "ExportNotFoundException",
            Self::ExportConflictException(_) => "ExportConflictException",
            Self::ValidationException(_) => "ValidationException",
            Self::SerializationException(_) => "SerializationException",
            Self::UnknownOperationException(_) => "UnknownOperationException",
            Self::InternalServerError(_) => "InternalServerError",
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> serde_json::Value {
        localcloud_wire::error::body(self)
    }
}

impl ServiceError for DynamoError {
    fn code(&self) -> &'static str {
        DynamoError::code(self)
    }
    /// The code qualified by the namespace DynamoDB uses for it.
    fn wire_type(&self) -> Cow<'static, str> {
        let ns = match self {
            Self::ValidationException(_) => CORAL_VALIDATE,
            Self::SerializationException(_) | Self::UnknownOperationException(_) => CORAL_SERVICE,
            _ => DYNAMODB,
        };
        Cow::Owned(format!("{ns}#{}", self.code()))
    }
    /// DynamoDB answers client errors with 400 and its own failures with 500.
    fn status(&self) -> StatusCode {
        match self {
            Self::InternalServerError(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
    fn protocol(&self) -> JsonProtocol {
        JsonProtocol::V1_0
    }
}

impl IntoResponse for DynamoError {
    fn into_response(self) -> Response {
        let mut resp = localcloud_wire::error::respond(&self);
        // DynamoDB's own 52-character request id in place of the envelope's UUID.
        crate::serve::add_request_id(&mut resp);
        resp
    }
}

/// Failures while building the service from settings and the template.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A template property this crate cannot honour or does not understand.
    #[error("{logical_id}: property {path}: {message}")]
    InvalidTemplate {
        /// The resource's logical id.
        logical_id: String,
        /// The property path, e.g. `Properties.KeySchema[0].KeyType`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A table kept from an earlier run has a different key schema than the template.
    #[error(
        "table {table} in {state} was created with {found}, but the template now declares {expected}; \
         DynamoDB cannot change a table's keys in place: delete the state file (or run with --ephemeral) to recreate it"
    )]
    SchemaMismatch {
        /// The table name.
        table: String,
        /// The state file holding it.
        state: String,
        /// The template's keys and indexes.
        expected: String,
        /// The stored keys and indexes.
        found: String,
    },
    /// dynoxide refused an operation during setup.
    #[error("{context}: {message}")]
    Engine {
        /// What was being done.
        context: String,
        /// dynoxide's error.
        message: String,
    },
    /// Reading or writing the state directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A seed file that is not `BatchWriteItem`-shaped JSON.
    #[error("seed file {path}: {message}")]
    InvalidSeed {
        /// The seed file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// `SetupError::Engine` for a failure while doing `context` (any error: dynoxide's, serde's, a
/// join or I/O error), for `map_err`.
pub(crate) fn engine_error<E: std::fmt::Display>(
    context: impl Into<String>,
) -> impl FnOnce(E) -> SetupError {
    let context = context.into();
    move |e| SetupError::Engine {
        context,
        message: e.to_string(),
    }
}
