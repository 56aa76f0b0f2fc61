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
use localcloud_wire::sigv4::{sign, Credentials};

/// [`ServiceCaller`] over HTTP to a service endpoint on 127.0.0.1.
#[derive(Debug, Clone)]
pub struct HttpServiceCaller {
    endpoint: String,
    host: String,
    region: String,
    credentials: Credentials,
    client: HttpClient,
    timeout: Duration,
}

impl HttpServiceCaller {
    /// Calls go to `endpoint` (`http://127.0.0.1:4566`), signed for `us-east-1`.
    pub fn new(endpoint: &str) -> Self {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        let host = endpoint
            .strip_prefix("http://")
            .unwrap_or(&endpoint)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        Self {
            endpoint,
            host,
            region: "us-east-1".into(),
            credentials: Credentials::default(),
            client: HttpClient::new(),
            timeout: Duration::from_secs(29),
        }
    }

    /// Signs for `region` instead.
    pub fn with_region(mut self, region: &str) -> Self {
        self.region = region.to_string();
        self
    }
    /// The integration's timeout (29 s, API Gateway's default).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The headers of an action call as API Gateway sends it: content type, host, target, the
    /// SigV4 signature, then the integration's own headers (the reserved ones excepted).
    pub fn signed_headers(
        &self,
        service: AwsService,
        action: &str,
        headers: Vec<(String, String)>,
        body: &[u8],
    ) -> Vec<(String, String)> {
        let mut all = vec![
            (
                "content-type".to_string(),
                service.content_type().to_string(),
            ),
            ("host".to_string(), self.host.clone()),
            (
                "x-amz-target".to_string(),
                format!("{}.{action}", service.target_prefix()),
            ),
        ];
        let auth = sign(
            &self.credentials,
            &self.region,
            service.signing_name(),
            &all,
            body,
            chrono::Utc::now(),
        );
        all.extend(auth);
        for (k, v) in headers {
            let reserved = [
                "content-type",
                "x-amz-target",
                "host",
                "authorization",
                "x-amz-date",
            ];
            if !reserved.iter().any(|r| k.eq_ignore_ascii_case(r)) {
                all.push((k, v));
            }
        }
        all
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
        let all = self.signed_headers(service, action, headers, &body);
        let url = format!("{}/", self.endpoint);
        let client = self.client.clone();
        let timeout = self.timeout;
        Box::pin(async move { client.send("POST", &url, &all, body, timeout).await })
    }
}
