//! The service endpoint: one HTTP server on `127.0.0.1:<port>` for every emulated AWS API.
//!
//! Requests are told apart the way the SDKs address them: JSON protocols by `X-Amz-Target`,
//! Lambda by its date-versioned REST paths, S3 by `localcloud_s3::is_s3_request`. Adding a
//! service is one [`Route`] variant and one match arm in [`Endpoint::dispatch`].

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::future::BoxFuture;
use localcloud_apigateway::integration::{read_response, within};
use localcloud_apigateway::model::AwsService;
use localcloud_apigateway::{BackendResponse, CallError, HttpServiceCaller, ServiceCaller};
use localcloud_cognito::CognitoApi;
use localcloud_dynamodb::DynamoService;
use localcloud_lambda::LambdaService;
use localcloud_stepfunctions::api::StepFunctionsService;
use localcloud_stepfunctions::integration::dynamodb::{self, DynamoApiError, DynamoCaller};
use localcloud_wire::error::EndpointError;
use std::sync::Arc;
use tower::ServiceExt;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `X-Amz-Target: DynamoDB_20120810.*` or `DynamoDBStreams_20120810.*`.
    DynamoDb,
    /// `X-Amz-Target: AWSStepFunctions.*`.
    StepFunctions,
    /// `X-Amz-Target: AWSCognitoIdentityProviderService.*`.
    Cognito,
    /// `/2015-03-31/...`, `/2017-10-31/...`, `/2019-09-30/...`.
    Lambda,
    /// Path-style S3.
    S3,
    /// A JSON-protocol target no service here answers.
    UnknownTarget(String),
    /// Nothing matches.
    NotFound,
}

/// Lambda's REST API version prefixes.
const LAMBDA_PREFIXES: &[&str] = &["/2015-03-31/", "/2017-10-31/", "/2019-09-30/"];

/// Picks the service for a request.
pub fn route(headers: &HeaderMap, path: &str, query: Option<&str>) -> Route {
    if let Some(target) = headers.get("x-amz-target") {
        let target = target.to_str().unwrap_or_default();
        if localcloud_dynamodb::is_dynamodb_request(headers) {
            return Route::DynamoDb;
        }
        if localcloud_stepfunctions::api::is_stepfunctions_request(headers) {
            return Route::StepFunctions;
        }
        if target.starts_with(localcloud_cognito::api::TARGET_PREFIX) {
            return Route::Cognito;
        }
        return Route::UnknownTarget(target.to_owned());
    }
    if LAMBDA_PREFIXES.iter().any(|p| path.starts_with(p)) || path == "/2015-03-31/functions" {
        return Route::Lambda;
    }
    if localcloud_s3::is_s3_request(headers, path, query) {
        return Route::S3;
    }
    Route::NotFound
}

struct Services {
    dynamo: DynamoService,
    sfn: StepFunctionsService,
    cognito: CognitoApi,
    lambda: Router,
    s3: Router,
}

/// The endpoint's services; cheap to clone.
#[derive(Clone)]
pub struct Endpoint {
    services: Arc<Services>,
}

impl Endpoint {
    /// Puts the services together.
    pub fn new(
        dynamo: DynamoService,
        lambda: &LambdaService,
        s3: localcloud_s3::Store,
        sfn: StepFunctionsService,
        cognito: CognitoApi,
    ) -> Self {
        Self {
            services: Arc::new(Services {
                dynamo,
                sfn,
                cognito,
                lambda: lambda.router(),
                s3: localcloud_s3::router(s3),
            }),
        }
    }

    /// The axum router answering every request through [`Self::dispatch`].
    pub fn router(&self) -> Router {
        let endpoint = self.clone();
        Router::new().fallback(move |req: Request<Body>| {
            let endpoint = endpoint.clone();
            async move { endpoint.dispatch(req).await }
        })
    }

    /// Answers one request.
    pub async fn dispatch(&self, req: Request<Body>) -> Response {
        let s = &self.services;
        let r = route(req.headers(), req.uri().path(), req.uri().query());
        let routed = match r {
            Route::DynamoDb => return s.dynamo.handle(req).await,
            Route::StepFunctions => return s.sfn.handle(req).await,
            Route::Cognito => return cognito(&s.cognito, req).await,
            Route::Lambda => s.lambda.clone().oneshot(req).await,
            Route::S3 => s.s3.clone().oneshot(req).await,
            Route::UnknownTarget(target) => {
                return EndpointError::UnknownOperation(target).into_response()
            }
            Route::NotFound => {
                return EndpointError::NotFound(req.uri().path().to_owned()).into_response()
            }
        };
        match routed {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }
}

/// The API stage's AWS integrations, calling the endpoint's services in-process: the request is
/// the one [`HttpServiceCaller`] would send (JSON protocol, `X-Amz-Target`, SigV4), dispatched
/// through [`Endpoint::dispatch`] without a socket between the gateway and the endpoint.
pub struct InProcessCaller {
    endpoint: Endpoint,
    signer: HttpServiceCaller,
}

impl InProcessCaller {
    /// Calls `endpoint`'s services, signed as requests to `endpoint_url` in `region`.
    pub fn new(endpoint: Endpoint, endpoint_url: &str, region: &str) -> Self {
        Self {
            endpoint,
            signer: HttpServiceCaller::new(endpoint_url).with_region(region),
        }
    }
}

impl ServiceCaller for InProcessCaller {
    fn call(
        &self,
        service: AwsService,
        action: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> BoxFuture<'static, Result<BackendResponse, CallError>> {
        let headers = self.signer.signed_headers(service, action, headers, &body);
        let timeout = self.signer.timeout();
        let endpoint = self.endpoint.clone();
        Box::pin(async move {
            let mut req = Request::builder().method("POST").uri("/");
            for (k, v) in &headers {
                req = req.header(k.as_str(), v.as_str());
            }
            let req = req
                .body(Body::from(body))
                .map_err(|e| CallError::Failed(e.to_string()))?;
            within(timeout, async {
                read_response(endpoint.dispatch(req).await).await
            })
            .await
        })
    }
}

/// The Step Functions DynamoDB integrations, answered by the local DynamoDB in-process with
/// the same JSON 1.0 requests [`localcloud_stepfunctions::integration::HttpDynamo`] posts.
pub struct InProcessDynamo(pub DynamoService);

impl DynamoCaller for InProcessDynamo {
    fn call<'a>(
        &'a self,
        operation: &'a str,
        request: serde_json::Value,
    ) -> BoxFuture<'a, Result<serde_json::Value, DynamoApiError>> {
        Box::pin(async move {
            let req = dynamodb::request("/", operation, &request)?.map(Body::from);
            let resp = self.0.handle(req).await;
            let status = resp.status().as_u16();
            match axum::body::to_bytes(resp.into_body(), MAX_SERVICE_RESPONSE).await {
                Ok(body) => dynamodb::answer(status, &body),
                Err(e) => Err(dynamodb::transport(e.to_string())),
            }
        })
    }
}

/// The largest DynamoDB answer a Step Functions task reads.
const MAX_SERVICE_RESPONSE: usize = 10 * 1024 * 1024;

/// The largest `cognito-idp` request read.
const MAX_COGNITO_REQUEST: usize = 16 * 1024 * 1024;

async fn cognito(api: &CognitoApi, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    match localcloud_wire::body::read(body, MAX_COGNITO_REQUEST).await {
        Ok(bytes) => api.respond(&parts.headers, &bytes).await,
        Err(e) => localcloud_cognito::CognitoError::InvalidParameterException(e.to_string())
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn target(t: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-amz-target", HeaderValue::from_str(t).expect("header"));
        h
    }

    #[test]
    fn routes_by_target_and_path() {
        assert_eq!(
            route(&target("DynamoDB_20120810.GetItem"), "/", None),
            Route::DynamoDb
        );
        assert_eq!(
            route(&target("DynamoDBStreams_20120810.GetRecords"), "/", None),
            Route::DynamoDb
        );
        assert_eq!(
            route(&target("AWSStepFunctions.StartExecution"), "/", None),
            Route::StepFunctions
        );
        assert_eq!(
            route(
                &target("AWSCognitoIdentityProviderService.SignUp"),
                "/",
                None
            ),
            Route::Cognito
        );
        assert_eq!(
            route(&target("AmazonSQS.SendMessage"), "/", None),
            Route::UnknownTarget("AmazonSQS.SendMessage".into())
        );
        let none = HeaderMap::new();
        assert_eq!(
            route(&none, "/2015-03-31/functions/f/invocations", None),
            Route::Lambda
        );
        assert_eq!(
            route(&none, "/2017-10-31/functions/f/concurrency", None),
            Route::Lambda
        );
        assert_eq!(route(&none, "/bucket/key", None), Route::S3);
        assert_eq!(route(&none, "/2018-06-01/runtime", None), Route::NotFound);
    }
}
