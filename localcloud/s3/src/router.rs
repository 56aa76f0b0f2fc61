//! The REST-XML data plane with path-style addressing (`/<bucket>/<key>`), as an axum
//! [`Router`] the service endpoint mounts for requests [`crate::is_s3_request`] claims.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use percent_encoding::percent_decode_str;

use crate::error::S3Error;
use crate::list::{list_objects, ListRequest};
use crate::store::{ObjectMeta, PutOptions, Store};
use crate::xml;

/// Largest single PUT accepted (S3's single-part limit is 5 GiB; a local store keeps it modest
/// because the body is buffered in memory).
pub const MAX_PUT_BYTES: usize = 512 * 1024 * 1024;

/// Builds the S3 router over `store`. Every path is handled (it is a fallback router), so
/// mount it last.
pub fn router(store: Store) -> Router {
    Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(MAX_PUT_BYTES))
        .with_state(store)
}

/// An S3-style request id.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_ascii_uppercase()
}

async fn handle(
    State(store): State<Store>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let m = method.clone();
    let result = tokio::task::spawn_blocking(move || {
        dispatch(&store, &method, &uri, &query, &headers, body)
    })
    .await
    .unwrap_or_else(|e| Err(S3Error::InternalError(e.to_string())));
    match result {
        Ok(resp) => resp,
        Err(e) => e.into_response_for(&m),
    }
}

fn decode(s: &str) -> Result<String, S3Error> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| S3Error::InvalidArgument("The path is not valid UTF-8".into()))
}

fn dispatch(
    store: &Store,
    method: &Method,
    uri: &Uri,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, S3Error> {
    let path = uri.path().trim_start_matches('/');
    let (bucket, key) = match path.split_once('/') {
        Some((b, k)) => (decode(b)?, decode(k)?),
        None => (decode(path)?, String::new()),
    };
    if bucket.is_empty() {
        return match *method {
            Method::GET => Ok(xml_response(xml::list_buckets(&store.list_buckets()?))),
            _ => Err(S3Error::MethodNotAllowed),
        };
    }
    if key.is_empty() {
        return bucket_op(store, method, &bucket, query);
    }
    for sub in [
        "uploads",
        "uploadId",
        "tagging",
        "acl",
        "retention",
        "legal-hold",
        "attributes",
    ] {
        if query.contains_key(sub) {
            return Err(S3Error::NotImplemented(format!(
                "The object sub-resource ?{sub}"
            )));
        }
    }
    match *method {
        Method::PUT => {
            if headers.contains_key("x-amz-copy-source") {
                return Err(S3Error::NotImplemented("CopyObject".into()));
            }
            let bytes = decode_body(headers, body)?;
            let meta = store.put_object(&bucket, &key, &bytes, put_options(headers))?;
            let mut resp = StatusCode::OK.into_response();
            insert(&mut resp, "etag", &meta.etag);
            insert(&mut resp, "x-amz-request-id", &request_id());
            Ok(resp)
        }
        Method::GET => {
            let (meta, bytes) = store.get_object(&bucket, &key)?;
            let range = headers.get("range").and_then(|v| v.to_str().ok());
            match range {
                Some(r) => {
                    let (start, end) = parse_range(r, bytes.len() as u64)?;
                    let slice = bytes
                        .get(start as usize..=end as usize)
                        .map(<[u8]>::to_vec)
                        .ok_or(S3Error::InvalidRange)?;
                    let mut resp = (StatusCode::PARTIAL_CONTENT, slice).into_response();
                    object_headers(&mut resp, &meta, end - start + 1);
                    insert(
                        &mut resp,
                        "content-range",
                        &format!("bytes {start}-{end}/{}", meta.size),
                    );
                    Ok(resp)
                }
                None => {
                    let mut resp = (StatusCode::OK, bytes).into_response();
                    object_headers(&mut resp, &meta, meta.size);
                    Ok(resp)
                }
            }
        }
        Method::HEAD => {
            let meta = store.head_object(&bucket, &key)?;
            let mut resp = StatusCode::OK.into_response();
            object_headers(&mut resp, &meta, meta.size);
            Ok(resp)
        }
        Method::DELETE => {
            store.delete_object(&bucket, &key)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        _ => Err(S3Error::MethodNotAllowed),
    }
}

fn bucket_op(
    store: &Store,
    method: &Method,
    bucket: &str,
    query: &HashMap<String, String>,
) -> Result<Response, S3Error> {
    if query.contains_key("location") && *method == Method::GET {
        if !store.bucket_exists(bucket) {
            return Err(S3Error::NoSuchBucket {
                bucket: bucket.into(),
            });
        }
        return Ok(xml_response(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>".into(),
        ));
    }
    let known = [
        "list-type",
        "prefix",
        "delimiter",
        "max-keys",
        "continuation-token",
        "start-after",
        "encoding-type",
        "marker",
        "fetch-owner",
        "x-id",
    ];
    if let Some(sub) = query.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(S3Error::NotImplemented(format!(
            "The bucket sub-resource ?{sub}"
        )));
    }
    match *method {
        Method::PUT => {
            store.create_bucket(bucket)?;
            let mut resp = StatusCode::OK.into_response();
            insert(&mut resp, "location", &format!("/{bucket}"));
            Ok(resp)
        }
        Method::HEAD => {
            if store.bucket_exists(bucket) {
                let mut resp = StatusCode::OK.into_response();
                insert(&mut resp, "x-amz-bucket-region", "us-east-1");
                Ok(resp)
            } else {
                Err(S3Error::NoSuchBucket {
                    bucket: bucket.into(),
                })
            }
        }
        Method::DELETE => {
            store.delete_bucket(bucket)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Method::GET => {
            let v2 = query.get("list-type").map(String::as_str) == Some("2");
            let max_keys = match query.get("max-keys") {
                Some(v) => Some(v.parse::<usize>().map_err(|_| {
                    S3Error::InvalidArgument(
                        "Provided max-keys not an integer or within integer range".into(),
                    )
                })?),
                None => None,
            };
            let req = ListRequest {
                prefix: query.get("prefix").cloned().unwrap_or_default(),
                delimiter: query.get("delimiter").cloned(),
                max_keys,
                start_after: if v2 {
                    query.get("start-after").cloned()
                } else {
                    query.get("marker").cloned()
                },
                continuation_token: if v2 {
                    query.get("continuation-token").cloned()
                } else {
                    None
                },
                url_encoding: query.get("encoding-type").map(String::as_str) == Some("url"),
            };
            let page = list_objects(store, bucket, req)?;
            Ok(xml_response(xml::list_objects(&page, v2)))
        }
        _ => Err(S3Error::MethodNotAllowed),
    }
}

fn put_options(headers: &HeaderMap) -> PutOptions {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut user_metadata = BTreeMap::new();
    for (name, value) in headers {
        if let Some(n) = name.as_str().strip_prefix("x-amz-meta-") {
            if let Ok(v) = value.to_str() {
                user_metadata.insert(n.to_string(), v.to_string());
            }
        }
    }
    PutOptions {
        content_type,
        user_metadata,
    }
}

/// Undoes `Content-Encoding: aws-chunked` (streaming SigV4 or unsigned-with-trailer uploads the
/// newer SDKs send): `<hex size>[;chunk-signature=..]\r\n<bytes>\r\n` ... `0\r\n<trailers>\r\n`.
fn decode_body(headers: &HeaderMap, body: Bytes) -> Result<Vec<u8>, S3Error> {
    let sha = headers
        .get("x-amz-content-sha256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let chunked_encoding = headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("aws-chunked"));
    if !sha.starts_with("STREAMING-") && !chunked_encoding {
        return Ok(body.to_vec());
    }
    let bad = || S3Error::InvalidArgument("Malformed aws-chunked request body".into());
    let mut out = Vec::with_capacity(body.len());
    let mut rest = &body[..];
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
        let header = std::str::from_utf8(&rest[..line_end]).map_err(|_| bad())?;
        let size_hex = header.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| bad())?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            break;
        }
        let chunk = rest.get(..size).ok_or_else(bad)?;
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).ok_or_else(bad)?;
    }
    if let Some(expected) = headers
        .get("x-amz-decoded-content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        if expected != out.len() {
            return Err(S3Error::InvalidArgument(format!(
                "x-amz-decoded-content-length says {expected} bytes but the chunks hold {}",
                out.len()
            )));
        }
    }
    Ok(out)
}

/// Parses a single `bytes=` range into inclusive offsets, as S3 does (multiple ranges unsupported).
fn parse_range(header: &str, size: u64) -> Result<(u64, u64), S3Error> {
    let spec = header.strip_prefix("bytes=").ok_or(S3Error::InvalidRange)?;
    let (a, b) = spec.split_once('-').ok_or(S3Error::InvalidRange)?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| S3Error::InvalidRange)?;
            if n == 0 || size == 0 {
                return Err(S3Error::InvalidRange);
            }
            (size.saturating_sub(n), size - 1)
        }
        (s, "") => (
            s.parse().map_err(|_| S3Error::InvalidRange)?,
            size.saturating_sub(1),
        ),
        (s, e) => {
            let s: u64 = s.parse().map_err(|_| S3Error::InvalidRange)?;
            let e: u64 = e.parse().map_err(|_| S3Error::InvalidRange)?;
            (s, e.min(size.saturating_sub(1)))
        }
    };
    if start >= size || end < start {
        return Err(S3Error::InvalidRange);
    }
    Ok((start, end))
}

fn insert(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

fn object_headers(resp: &mut Response, meta: &ObjectMeta, len: u64) {
    insert(resp, "content-type", &meta.content_type);
    insert(resp, "content-length", &len.to_string());
    insert(resp, "etag", &meta.etag);
    insert(
        resp,
        "last-modified",
        &meta
            .last_modified
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string(),
    );
    insert(resp, "accept-ranges", "bytes");
    insert(resp, "x-amz-request-id", &request_id());
    for (k, v) in &meta.user_metadata {
        if let Ok(name) = axum::http::HeaderName::from_bytes(format!("x-amz-meta-{k}").as_bytes()) {
            if let Ok(v) = HeaderValue::from_str(v) {
                resp.headers_mut().insert(name, v);
            }
        }
    }
}

fn xml_response(body: String) -> Response {
    let mut resp = (StatusCode::OK, body).into_response();
    insert(&mut resp, "content-type", "application/xml");
    insert(&mut resp, "x-amz-request-id", &request_id());
    resp
}
