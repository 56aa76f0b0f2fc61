//! The little S3 the local cloud needs: the template's buckets as folders under
//! `.localcloud/s3/`, served over S3's REST-XML protocol with path-style addressing, so
//! `aws s3 ls/cp/rm --endpoint-url http://127.0.0.1:4566` and the SDKs (with path-style
//! forced) work against it.
//!
//! # Layout
//!
//! - [`store`]: buckets as folders, objects as files with a JSON metadata sidecar; the Rust API
//!   other crates use (the DynamoDB export writes through it).
//! - [`list`]: ListObjectsV2 paging: prefix, delimiter/CommonPrefixes, max-keys, tokens.
//! - [`xml`]: the XML documents S3 answers with.
//! - [`error`]: one variant per S3 error code, rendered as S3's `<Error>` document.
//! - [`mod@router`]: the axum router (ListBuckets, Create/Head/DeleteBucket, Put/Get/Head/
//!   DeleteObject with `Range`, ListObjects V1/V2, GetBucketLocation).
//!
//! # Telling S3 requests apart on the shared endpoint
//!
//! The service endpoint serves every AWS API on one port. [`is_s3_request`] is the rule:
//!
//! 1. A request carrying `X-Amz-Target` is a JSON-protocol call (DynamoDB, Step Functions,
//!    Cognito...): never S3.
//! 2. A SigV4-signed request names its service in the credential scope
//!    (`Credential=AKID/20261128/us-east-1/s3/aws4_request`, or `X-Amz-Credential` in a
//!    presigned URL): it is S3 exactly when that service is `s3`. This is what separates a
//!    signed Lambda call `/2015-03-31/functions/...` from a bucket.
//! 3. An unsigned request (curl) is S3 unless its first path segment is a REST API version
//!    date (`/2015-03-31/...`, `/2018-06-01/...`, any `YYYY-MM-DD`): such names are valid bucket
//!    names on AWS but are reserved for the date-versioned REST APIs here.
//!
//! # Not emulated
//!
//! Multipart uploads, CopyObject, versioning, ACLs, policies, tagging and virtual-hosted
//! addressing answer `NotImplemented` (501) or are not routed; a key that is also a folder
//! prefix of another key (`a` and `a/b`), or ends in `/`, cannot be stored in a folder tree
//! and is refused with `InvalidArgument`.

#![warn(missing_docs)]

pub mod error;
pub mod list;
pub mod router;
pub mod store;
pub mod xml;

pub use error::S3Error;
pub use router::router;
pub use store::{BucketInfo, ObjectMeta, PutOptions, Store};

use axum::http::HeaderMap;

/// Whether a request on the shared service endpoint belongs to S3 (see the crate docs for
/// the rule and why).
pub fn is_s3_request(headers: &HeaderMap, path: &str, query: Option<&str>) -> bool {
    if headers.contains_key("x-amz-target") {
        return false;
    }
    let scope_service = |credential: &str| -> Option<String> {
        // AKID/date/region/service/aws4_request
        credential.split('/').nth(3).map(str::to_string)
    };
    if let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        if let Some(cred) = auth.split("Credential=").nth(1) {
            let cred = cred.split([',', ' ']).next().unwrap_or("");
            return scope_service(cred).as_deref() == Some("s3");
        }
    }
    if let Some(q) = query {
        for pair in q.split('&') {
            if let Some(v) = pair.strip_prefix("X-Amz-Credential=") {
                let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                return scope_service(&v).as_deref() == Some("s3");
            }
        }
    }
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    !is_api_version_segment(first)
}

/// `YYYY-MM-DD`: the version prefix of the date-versioned REST APIs (Lambda's `2015-03-31`).
fn is_api_version_segment(seg: &str) -> bool {
    let b = seg.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header"));
        }
        h
    }

    #[test]
    fn dispatch_rule() {
        let s3_auth = "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x";
        let lambda_auth = "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x";
        assert!(is_s3_request(
            &headers(&[("authorization", s3_auth)]),
            "/bucket/key",
            None
        ));
        assert!(!is_s3_request(
            &headers(&[("authorization", lambda_auth)]),
            "/2015-03-31/functions/f/invocations",
            None
        ));
        assert!(!is_s3_request(
            &headers(&[("x-amz-target", "DynamoDB_20120810.GetItem")]),
            "/",
            None
        ));
        assert!(is_s3_request(&HeaderMap::new(), "/my-bucket/a.txt", None));
        assert!(!is_s3_request(
            &HeaderMap::new(),
            "/2015-03-31/functions",
            None
        ));
        assert!(is_s3_request(
            &HeaderMap::new(),
            "/b/k",
            Some("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261128%2Fus-east-1%2Fs3%2Faws4_request")
        ));
    }
}
