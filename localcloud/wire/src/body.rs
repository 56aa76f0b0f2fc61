//! Reading a body whole, with a limit: every service reads its request this way, so an
//! oversized or broken body is told apart from a parse error and answered with the service's
//! own error shape.

use axum::body::{Body, Bytes};

/// Why a body could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the limit (the caller answers 413 in its service's shape).
    #[error("the body is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The connection failed while reading.
    #[error("reading the body failed: {0}")]
    Read(String),
}

/// Reads all of `body`, at most `limit` bytes.
pub async fn read(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        // axum reports an exceeded limit as a `LengthLimitError` source.
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            BodyError::TooLarge { limit }
        } else {
            BodyError::Read(e.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn within_the_limit_is_read_whole() {
        assert_eq!(read(Body::from("abc"), 3).await.expect("read"), "abc");
    }

    #[tokio::test]
    async fn over_the_limit_is_too_large() {
        assert_eq!(
            read(Body::from("abcd"), 3).await,
            Err(BodyError::TooLarge { limit: 3 })
        );
    }
}
