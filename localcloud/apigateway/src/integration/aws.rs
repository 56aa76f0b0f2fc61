//! AWS integrations with action-style URIs (`arn:aws:apigateway:{region}:dynamodb:action/GetItem`):
//! the rendered body is POSTed to the local service endpoint over the service's JSON protocol
//! (`X-Amz-Target: DynamoDB_20120810.GetItem`, `application/x-amz-json-1.0`), as API Gateway
//! calls the regional endpoint. The integration `credentials` role is not assumed (IAM is not
//! enforced locally).

use std::time::Duration;

use futures::future::BoxFuture;

use super::{BackendResponse, HttpClient, ServiceCaller};
use crate::error::CallError;
use crate::model::AwsService;

/// [`ServiceCaller`] over HTTP to a service endpoint on 127.0.0.1.
#[derive(Debug, Clone)]
pub struct HttpServiceCaller {
    endpoint: String,
    client: HttpClient,
    timeout: Duration,
}

impl HttpServiceCaller {
    /// Calls go to `endpoint` (`http://127.0.0.1:4566`).
    pub fn new(endpoint: &str) -> Self {
        Self {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            client: HttpClient::new(),
            timeout: Duration::from_secs(29),
        }
    }
}

impl ServiceCaller for HttpServiceCaller {
    fn call(
        &self,
        service: AwsService,
        action: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> BoxFuture<'static, Result<BackendResponse, CallError>> {
        let mut all = vec![
            (
                "content-type".to_string(),
                service.content_type().to_string(),
            ),
            (
                "x-amz-target".to_string(),
                format!("{}.{action}", service.target_prefix()),
            ),
        ];
        for (k, v) in headers {
            if !k.eq_ignore_ascii_case("content-type") && !k.eq_ignore_ascii_case("x-amz-target") {
                all.push((k, v));
            }
        }
        let url = format!("{}/", self.endpoint);
        let client = self.client.clone();
        let timeout = self.timeout;
        Box::pin(async move { client.send("POST", &url, &all, body, timeout).await })
    }
}
