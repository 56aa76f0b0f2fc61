//! S3's error codes, one variant each, rendered in S3's REST-XML `<Error>` shape.

use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::xml::escape;

/// Every S3 error this emulator can answer with. The variant name is the wire `Code`.
#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    /// The bucket does not exist (404).
    #[error("The specified bucket does not exist")]
    NoSuchBucket {
        /// The bucket that was asked for.
        bucket: String,
    },
    /// The key does not exist in the bucket (404).
    #[error("The specified key does not exist.")]
    NoSuchKey {
        /// The key that was asked for.
        key: String,
    },
    /// CreateBucket on a bucket this account already owns (409).
    #[error("Your previous request to create the named bucket succeeded and you already own it.")]
    BucketAlreadyOwnedByYou {
        /// The bucket name.
        bucket: String,
    },
    /// DeleteBucket on a bucket that still holds objects (409).
    #[error("The bucket you tried to delete is not empty")]
    BucketNotEmpty {
        /// The bucket name.
        bucket: String,
    },
    /// A bucket name that breaks S3's naming rules (400).
    #[error("The specified bucket is not valid.")]
    InvalidBucketName {
        /// The rejected name.
        bucket: String,
    },
    /// A request argument S3 would refuse, or a key this folder-backed store cannot hold (400).
    #[error("{0}")]
    InvalidArgument(String),
    /// A `Range` header that does not overlap the object (416).
    #[error("The requested range is not satisfiable")]
    InvalidRange,
    /// A method the addressed resource does not support (405).
    #[error("The specified method is not allowed against this resource.")]
    MethodNotAllowed,
    /// An S3 operation this emulator does not implement (501).
    #[error("{0} is not implemented by the local S3")]
    NotImplemented(String),
    /// A local I/O failure (500).
    #[error("We encountered an internal error. Please try again. ({0})")]
    InternalError(String),
}

impl S3Error {
    /// The S3 error code, exactly as AWS spells it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoSuchBucket { .. } => "NoSuchBucket",
            Self::NoSuchKey { .. } => "NoSuchKey",
            Self::BucketAlreadyOwnedByYou { .. } => "BucketAlreadyOwnedByYou",
            Self::BucketNotEmpty { .. } => "BucketNotEmpty",
            Self::InvalidBucketName { .. } => "InvalidBucketName",
            Self::InvalidArgument(_) => "InvalidArgument",
            Self::InvalidRange => "InvalidRange",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::NotImplemented(_) => "NotImplemented",
            Self::InternalError(_) => "InternalError",
        }
    }

    /// The HTTP status S3 answers this error with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NoSuchBucket { .. } | Self::NoSuchKey { .. } => StatusCode::NOT_FOUND,
            Self::BucketAlreadyOwnedByYou { .. } | Self::BucketNotEmpty { .. } => {
                StatusCode::CONFLICT
            }
            Self::InvalidBucketName { .. } | Self::InvalidArgument(_) => StatusCode::BAD_REQUEST,
            Self::InvalidRange => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            Self::InternalError(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `<Error>` document S3 sends in the body.
    pub fn to_xml(&self, request_id: &str) -> String {
        let extra = match self {
            Self::NoSuchBucket { bucket }
            | Self::BucketAlreadyOwnedByYou { bucket }
            | Self::BucketNotEmpty { bucket }
            | Self::InvalidBucketName { bucket } => {
                format!("<BucketName>{}</BucketName>", escape(bucket))
            }
            Self::NoSuchKey { key } => format!("<Key>{}</Key>", escape(key)),
            _ => String::new(),
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>{extra}<RequestId>{}</RequestId></Error>",
            self.code(),
            escape(&self.to_string()),
            escape(request_id)
        )
    }

    /// Render as a response; HEAD requests get the status and headers only, as on S3.
    pub fn into_response_for(self, method: &Method) -> Response {
        let request_id = crate::router::request_id();
        let status = self.status();
        let body = if method == Method::HEAD {
            String::new()
        } else {
            self.to_xml(&request_id)
        };
        let mut resp = (status, body).into_response();
        let headers = resp.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/xml"));
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            headers.insert("x-amz-request-id", v);
        }
        resp
    }
}

impl From<std::io::Error> for S3Error {
    fn from(e: std::io::Error) -> Self {
        Self::InternalError(e.to_string())
    }
}
