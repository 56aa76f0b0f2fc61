//! `ApiGatewayError`: why a definition cannot be served (load time) or a service cannot be
//! reached (run time). Request-time failures that clients see are gateway responses
//! (`gateway_responses`), never these.

/// One variant per failure kind; load errors carry the JSON path of the element.
#[derive(Debug, thiserror::Error)]
pub enum ApiGatewayError {
    /// An element the local data plane does not implement (named, never ignored).
    #[error("{path}: not supported locally: {message}")]
    Unsupported {
        /// JSON path of the element, `$.paths['/orders'].post...`.
        path: String,
        /// What is not supported.
        message: String,
    },
    /// An element with the wrong shape or value.
    #[error("{path}: invalid: {message}")]
    Invalid {
        /// JSON path of the element.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A VTL mapping template that does not parse.
    /// (The VTL error names the template by its JSON path, with line and column.)
    #[error("{source}")]
    Template {
        /// JSON path of the template.
        path: String,
        /// The VTL error (with line and column).
        source: localcloud_vtl::VtlError,
    },
    /// An HTTP integration whose target is not on 127.0.0.1.
    #[error("{path}: HTTP integrations may only call 127.0.0.1 or localhost locally, not {uri}")]
    NonLocalHttpTarget {
        /// JSON path of the `uri`.
        path: String,
        /// The refused URI.
        uri: String,
    },
}

/// A failed call to a backend (service endpoint, Lambda, HTTP target).
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// The connection failed or the exchange broke off.
    #[error("integration call failed: {0}")]
    Failed(String),
    /// No answer within the integration's timeout.
    #[error("integration timed out after {0} ms")]
    Timeout(u64),
}

/// `Result` with [`ApiGatewayError`].
pub type Result<T, E = ApiGatewayError> = std::result::Result<T, E>;

/// `$.a.b['/x']`-style JSON path building.
pub(crate) fn child(path: &str, key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.is_empty()
    {
        format!("{path}.{key}")
    } else {
        format!("{path}['{key}']")
    }
}
