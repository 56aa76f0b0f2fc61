//! HTTP and HTTP_PROXY integrations, restricted to 127.0.0.1/localhost, and the pooled HTTP/1
//! client every backend call goes through (with the integration timeout).

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::BackendResponse;
use crate::error::CallError;

/// Responses larger than this are refused (API Gateway's payload limit is 10 MB).
const MAX_RESPONSE: usize = 10 * 1024 * 1024;

/// A pooled HTTP/1 client for 127.0.0.1 targets.
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new()
    }
}

/// `true` when `url` is `http://127.0.0.1[:port]/...` or `http://localhost[:port]/...`.
pub fn is_local(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.contains('@') {
        return false;
    }
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "127.0.0.1" | "localhost")
}

impl HttpClient {
    /// A new client.
    pub fn new() -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    /// Sends one request to a local URL within `timeout`.
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<BackendResponse, CallError> {
        if !is_local(url) {
            return Err(CallError::Failed(format!(
                "refusing a non-local target {url}"
            )));
        }
        let mut req = Request::builder().method(method).uri(url);
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| CallError::Failed(e.to_string()))?;
        let exchange = async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| CallError::Failed(e.to_string()))?;
            read_response(resp).await
        };
        within(timeout, exchange).await
    }
}

/// A backend's answer as [`BackendResponse`]: status, headers, and the body read whole (up to
/// API Gateway's 10 MB payload limit).
pub async fn read_response<B>(resp: hyper::Response<B>) -> Result<BackendResponse, CallError>
where
    B: hyper::body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = http_body_util::Limited::new(resp.into_body(), MAX_RESPONSE)
        .collect()
        .await
        .map_err(|e| CallError::Failed(e.to_string()))?
        .to_bytes()
        .to_vec();
    Ok(BackendResponse {
        status,
        headers,
        body,
    })
}

/// `exchange` within the integration's `timeout` ([`CallError::Timeout`] after it).
pub async fn within(
    timeout: Duration,
    exchange: impl std::future::Future<Output = Result<BackendResponse, CallError>>,
) -> Result<BackendResponse, CallError> {
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| CallError::Timeout(timeout.as_millis() as u64))?
}

/// Substitutes `${stageVariables.name}` in an integration URL (the host stays checked:
/// [`HttpClient::send`] refuses anything but 127.0.0.1/localhost).
pub fn with_stage_variables(url: &str, vars: &[(String, String)]) -> String {
    let mut out = url.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("${{stageVariables.{k}}}"), v);
    }
    out
}

/// Substitutes `{name}` / `{name+}` placeholders in an integration URL.
pub fn fill_url(url: &str, path: &[(String, String)]) -> String {
    let mut out = url.to_string();
    for (k, v) in path {
        let enc = percent_encoding::utf8_percent_encode(v, PATH_SET).to_string();
        out = out
            .replace(&format!("{{{k}+}}"), &enc)
            .replace(&format!("{{{k}}}"), &enc);
    }
    out
}

const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Appends query parameters to `url`.
pub fn with_query(url: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return url.to_string();
    }
    let q: Vec<String> = query
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC),
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", q.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets() {
        assert!(is_local("http://127.0.0.1:8080/x"));
        assert!(is_local("http://localhost/x"));
        assert!(!is_local("http://example.com/x"));
        assert!(!is_local("http://127.0.0.1@evil.com/x"));
        assert!(!is_local("https://127.0.0.1/x"));
    }

    #[test]
    fn url_placeholders() {
        let p = vec![("proxy".to_string(), "a/b c".to_string())];
        assert_eq!(
            fill_url("http://127.0.0.1/f/{proxy}", &p),
            "http://127.0.0.1/f/a/b%20c"
        );
        assert_eq!(
            with_query("http://x/y", &[("a".into(), "1 2".into())]),
            "http://x/y?a=1%202"
        );
    }

    #[test]
    fn stage_variables_in_urls() {
        let v = vec![("port".to_string(), "8081".to_string())];
        assert_eq!(
            with_stage_variables("http://127.0.0.1:${stageVariables.port}/x", &v),
            "http://127.0.0.1:8081/x"
        );
    }

    #[tokio::test]
    async fn remote_targets_are_refused_at_send() {
        let e = HttpClient::new()
            .send(
                "GET",
                "http://10.0.0.1/",
                &[],
                Vec::new(),
                Duration::from_secs(1),
            )
            .await;
        assert!(matches!(e, Err(CallError::Failed(m)) if m.contains("non-local")));
    }
}
