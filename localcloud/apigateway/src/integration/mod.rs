//! Integrations: the backends a method calls, and the request side shared by the mapped ones.
//!
//! - `mock`: MOCK, the request template's `statusCode` picks the response.
//! - `aws`: AWS action calls over the services' JSON protocol ([`ServiceCaller`],
//!   [`HttpServiceCaller`]).
//! - `proxy`: AWS_PROXY to Lambda (`localcloud_wire::invoke::Invoke`) with the REST proxy
//!   event 1.0.
//! - `http`: HTTP and HTTP_PROXY to 127.0.0.1, and the HTTP client the others share.

pub mod aws;
pub mod http;
pub mod mock;
pub mod proxy;

use futures::future::BoxFuture;
use localcloud_vtl::Template;

pub use aws::HttpServiceCaller;
pub use http::{read_response, within, HttpClient};

use crate::error::CallError;
use crate::model::{AwsService, Passthrough};

/// A backend's answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackendResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// Calls an AWS service action on the local service endpoint.
pub trait ServiceCaller: Send + Sync {
    /// Sends `body` as `service`'s `action` (e.g. `DynamoDB_20120810.GetItem`) with `headers`.
    fn call(
        &self,
        service: AwsService,
        action: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> BoxFuture<'static, Result<BackendResponse, CallError>>;
}

/// What to send to a mapped integration.
#[derive(Debug)]
pub enum RequestBody<'a> {
    /// Render this template.
    Template(&'a Template),
    /// Send the method request's body unchanged.
    Passthrough,
    /// 415 UNSUPPORTED_MEDIA_TYPE.
    Unsupported,
}

/// The content type API Gateway maps on: the header's media type, `application/json` if absent.
pub fn media_type(content_type: Option<&str>) -> String {
    content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "application/json".to_string())
}

/// Picks the request template for `content_type` under `passthrough`.
pub fn request_body<'a>(
    templates: &'a [(String, Template)],
    passthrough: Passthrough,
    content_type: &str,
) -> RequestBody<'a> {
    if let Some((_, t)) = templates.iter().find(|(ct, _)| ct == content_type) {
        return RequestBody::Template(t);
    }
    match passthrough {
        Passthrough::WhenNoMatch => RequestBody::Passthrough,
        Passthrough::WhenNoTemplates if templates.is_empty() => RequestBody::Passthrough,
        Passthrough::WhenNoTemplates | Passthrough::Never => RequestBody::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passthrough_behaviors() {
        let t = Template::parse("t", "x").expect("parses");
        let ts = vec![("application/json".to_string(), t)];
        assert!(matches!(
            request_body(&ts, Passthrough::Never, "application/json"),
            RequestBody::Template(_)
        ));
        assert!(matches!(
            request_body(&ts, Passthrough::Never, "text/plain"),
            RequestBody::Unsupported
        ));
        assert!(matches!(
            request_body(&ts, Passthrough::WhenNoMatch, "text/plain"),
            RequestBody::Passthrough
        ));
        assert!(matches!(
            request_body(&ts, Passthrough::WhenNoTemplates, "text/plain"),
            RequestBody::Unsupported
        ));
        assert!(matches!(
            request_body(&[], Passthrough::WhenNoTemplates, "text/plain"),
            RequestBody::Passthrough
        ));
        assert!(matches!(
            request_body(&[], Passthrough::Never, "text/plain"),
            RequestBody::Unsupported
        ));
        assert_eq!(
            media_type(Some("Application/JSON; charset=utf-8")),
            "application/json"
        );
        assert_eq!(media_type(None), "application/json");
    }
}
