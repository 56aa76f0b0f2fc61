//! The stage server: an axum `Router` answering `/<stage>/...` (the CLI binds it on
//! 127.0.0.1:3000), built from the API, the stage's variables and method settings, and the
//! backends.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use axum::response::Response;
use axum::Router;

use crate::authorizer::Authorizer;
use crate::gateway_responses::ResponseType;
use crate::integration::{HttpClient, ServiceCaller};
use crate::model::ApiDefinition;
use crate::pipeline::{parse_query, Gateway, MethodRequest};
use crate::response::MethodResponse;
use crate::throttle::{MethodThrottle, ThrottleSettings, Throttler};
use localcloud_wire::clock::{Clock, TokioClock};
use localcloud_wire::invoke::Invoke;

/// API Gateway's payload limit.
pub const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

/// Everything a stage is built from.
pub struct StageConfig {
    /// The API.
    pub api: ApiDefinition,
    /// The stage name (`dev`).
    pub stage_name: String,
    /// Stage variables.
    pub stage_variables: Vec<(String, String)>,
    /// The `cognito_user_pools` authorizer (required if any method uses one).
    pub authorizer: Option<Arc<dyn Authorizer>>,
    /// AWS service calls (DynamoDB, Step Functions).
    pub service_caller: Arc<dyn ServiceCaller>,
    /// Lambda invocations for AWS_PROXY.
    pub lambda_invoker: Option<Arc<dyn Invoke>>,
    /// Account and method throttling.
    pub throttle: ThrottleSettings,
    /// The throttling clock.
    pub clock: Arc<dyn Clock>,
    /// `$context.apiId`.
    pub api_id: String,
    /// `$context.accountId`.
    pub account_id: String,
}

impl StageConfig {
    /// A config with no authorizer or Lambda, AWS's default account throttle, the system clock
    /// and the local account.
    pub fn new(
        api: ApiDefinition,
        stage_name: &str,
        service_caller: Arc<dyn ServiceCaller>,
    ) -> Self {
        Self {
            api,
            stage_name: stage_name.to_string(),
            stage_variables: Vec::new(),
            authorizer: None,
            service_caller,
            lambda_invoker: None,
            throttle: ThrottleSettings::default(),
            clock: Arc::new(TokioClock::new()),
            api_id: "localapi01".into(),
            account_id: "000000000000".into(),
        }
    }
}

impl StageConfig {
    /// The stage of a template `AWS::Serverless::Api`: its resolved definition, stage name,
    /// variables and `MethodSettings` throttling (over AWS's default account limit).
    pub fn from_template(
        api: &localcloud_template::resource::api::Api,
        service_caller: Arc<dyn ServiceCaller>,
    ) -> Result<Self, crate::ApiGatewayError> {
        let definition = ApiDefinition::load(&api.definition)?;
        let mut config = Self::new(definition, &api.stage_name, service_caller);
        config.stage_variables = api.variables.clone().into_iter().collect();
        config.throttle.methods = method_throttles(&api.method_settings);
        config.api_id = api.rest_api_id.clone();
        Ok(config)
    }
}

/// The template's `MethodSettings` throttling entries.
pub fn method_throttles(
    settings: &[localcloud_template::resource::api::MethodSetting],
) -> Vec<MethodThrottle> {
    settings
        .iter()
        .map(|s| MethodThrottle {
            resource_path: s.resource_path.clone(),
            http_method: s.http_method.clone(),
            rate: s.throttling_rate_limit,
            burst: s.throttling_burst_limit,
        })
        .collect()
}

/// Builds the gateway behind the router (for callers that drive it without HTTP).
pub fn gateway(config: StageConfig) -> Arc<Gateway> {
    Arc::new(Gateway {
        throttler: Throttler::new(config.throttle, config.clock),
        api: config.api,
        stage: config.stage_name,
        stage_variables: config.stage_variables,
        authorizer: config.authorizer,
        services: config.service_caller,
        lambda: config.lambda_invoker,
        http: HttpClient::new(),
        api_id: config.api_id,
        account_id: config.account_id,
    })
}

/// The stage's router.
pub fn router(config: StageConfig) -> Router {
    Router::new().fallback(serve).with_state(gateway(config))
}

fn to_response(r: MethodResponse) -> Response {
    let mut resp = Response::new(Body::from(r.body));
    *resp.status_mut() =
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    for (k, v) in r.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            h.append(k, v);
        }
    }
    resp
}

async fn serve(State(gw): State<Arc<Gateway>>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let source_ip = headers
        .iter()
        .find(|(k, _)| k == "x-forwarded-for")
        .and_then(|(_, v)| v.split(',').next())
        .map_or_else(|| "127.0.0.1".to_string(), |s| s.trim().to_string());
    let mut mreq = MethodRequest {
        verb: parts.method.as_str().to_ascii_uppercase(),
        path: parts.uri.path().to_string(),
        query: parse_query(parts.uri.query()),
        headers,
        body: Vec::new(),
    };
    // A broken body gets the same answer as an oversized one, as it always has: API Gateway
    // has no gateway response of its own for it.
    match localcloud_wire::body::read(body, MAX_PAYLOAD).await {
        Ok(b) => mreq.body = b.to_vec(),
        Err(_) => return to_response(gw.reject(ResponseType::RequestTooLarge, &mreq)),
    }
    to_response(gw.handle(mreq, &source_ip).await)
}
