//! Request ids: every AWS answer carries one (`x-amzn-RequestId`), and the SDKs print it in
//! their errors, so every local answer does too.

/// The header AWS's JSON and REST-JSON services send the id in.
pub const HEADER: &str = "x-amzn-requestid";

/// A fresh id in AWS's shape (a hyphenated version 4 UUID), from a fast non-cryptographic
/// generator: ids must be unique, not unpredictable, and the system's entropy call costs a
/// syscall per id on the hot path of every invocation.
pub fn new() -> String {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Sets [`HEADER`] on `response` unless the service already set one.
pub fn ensure(response: &mut axum::response::Response) {
    if !response.headers().contains_key(HEADER) {
        if let Ok(v) = axum::http::HeaderValue::from_str(&new()) {
            response.headers_mut().insert(HEADER, v);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_uuids_and_differ() {
        let (a, b) = (super::new(), super::new());
        assert_ne!(a, b);
        assert!(uuid::Uuid::parse_str(&a).is_ok());
    }

    #[test]
    fn ensure_keeps_an_existing_id() {
        let mut r = axum::response::Response::new(axum::body::Body::empty());
        r.headers_mut()
            .insert(super::HEADER, axum::http::HeaderValue::from_static("mine"));
        super::ensure(&mut r);
        assert_eq!(r.headers()[super::HEADER], "mine");
        let mut r = axum::response::Response::new(axum::body::Body::empty());
        super::ensure(&mut r);
        assert!(r.headers().contains_key(super::HEADER));
    }
}
