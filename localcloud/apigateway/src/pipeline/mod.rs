//! One request through the stage, in API Gateway's order: stage and route match
//! (MISSING_AUTHENTICATION_TOKEN) -> throttling (THROTTLED) -> authorizer (UNAUTHORIZED /
//! ACCESS_DENIED) -> request validation (BAD_REQUEST_PARAMETERS, then BAD_REQUEST_BODY) ->
//! integration request (template selection, passthrough, UNSUPPORTED_MEDIA_TYPE) ->
//! integration -> integration response selection -> response mapping. Every rejection is a
//! gateway response; nothing here panics or answers a 5xx AWS would not.
//!
//! - `mapped`: the MOCK/AWS/HTTP path: templates, request parameters, response mapping.
//! - `proxied`: the AWS_PROXY and HTTP_PROXY paths.

mod mapped;
mod proxied;

use std::sync::Arc;

use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

use crate::authorizer::{AuthFailure, Authorizer};
use crate::gateway_responses::ResponseType;
use crate::integration::{self, HttpClient, ServiceCaller};
use crate::model::{ApiDefinition, Authorization, IntegrationKind, Method, ParamLocation};
use crate::response::MethodResponse;
use crate::route::{match_route, Matched};
use crate::throttle::Throttler;
use crate::validate;
use localcloud_wire::invoke::Invoke;

/// Name/value pairs in order (headers, query string, path parameters).
type Pairs = Vec<(String, String)>;

/// The method request as the client sent it (below the stage).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MethodRequest {
    /// Upper-case verb.
    pub verb: String,
    /// The path below the stage (`/orders/1`), as sent.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// A stage: the API, its variables and its backends.
pub struct Gateway {
    pub(crate) api: ApiDefinition,
    pub(crate) stage: String,
    pub(crate) stage_variables: Vec<(String, String)>,
    pub(crate) authorizer: Option<Arc<dyn Authorizer>>,
    pub(crate) services: Arc<dyn ServiceCaller>,
    pub(crate) lambda: Option<Arc<dyn Invoke>>,
    pub(crate) throttler: Throttler,
    pub(crate) http: HttpClient,
    pub(crate) api_id: String,
    pub(crate) account_id: String,
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Parses a raw query string (`a=1&b=x%20y`).
pub fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    let dec = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (dec(k), dec(v)),
            None => (dec(p), String::new()),
        })
        .collect()
}

fn resource_id(path: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:06x}", h & 0xff_ffff)
}

pub(crate) enum Outcome {
    Reply(MethodResponse),
    /// A gateway response, with `$context.error.validationErrorString`.
    Fail(ResponseType, Option<String>),
    /// A gateway response whose `$context.error.message` is not the type's default.
    FailWith(ResponseType, &'static str),
}

impl Gateway {
    fn base_context(&self, req: &MethodRequest, source_ip: &str) -> Value {
        let now = chrono::Utc::now();
        let request_id = uuid::Uuid::new_v4().to_string();
        let host = header(&req.headers, "host")
            .unwrap_or("127.0.0.1")
            .to_string();
        json!({
            "requestId": request_id,
            "extendedRequestId": format!("{}=", &request_id.replace('-', "")[..14]),
            "requestTime": now.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
            "requestTimeEpoch": now.timestamp_millis(),
            "httpMethod": req.verb,
            "path": format!("/{}{}", self.stage, req.path),
            "stage": self.stage,
            "apiId": self.api_id,
            "accountId": self.account_id,
            "domainName": host,
            "domainPrefix": host.split('.').next().unwrap_or_default(),
            "protocol": "HTTP/1.1",
            "identity": {
                "sourceIp": source_ip,
                "userAgent": header(&req.headers, "user-agent").unwrap_or_default(),
            },
        })
    }

    /// Runs `req` (its `path` is the full request path, stage included) through the stage.
    pub async fn handle(&self, mut req: MethodRequest, source_ip: &str) -> MethodResponse {
        let stage_prefix = format!("/{}", self.stage);
        let below = match req.path.strip_prefix(&stage_prefix) {
            Some("") => Some("/".to_string()),
            Some(rest) if rest.starts_with('/') => Some(rest.to_string()),
            _ => None,
        };
        req.path = below.clone().unwrap_or_else(|| req.path.clone());
        let mut ctx = self.base_context(&req, source_ip);
        if below.is_none() {
            ctx["path"] = json!(req.path);
            return self.gateway_response(
                ResponseType::MissingAuthenticationToken,
                None,
                None,
                &mut ctx,
                &req,
            );
        }
        let outcome = match match_route(&self.api, &req.verb, &req.path) {
            None => Outcome::Fail(ResponseType::MissingAuthenticationToken, None),
            Some(m) => self.run(&m, &req, &mut ctx).await,
        };
        match outcome {
            Outcome::Reply(mut r) => {
                let id = ctx["requestId"].as_str().unwrap_or_default().to_string();
                r.headers.push(("x-amzn-requestid".into(), id));
                r
            }
            Outcome::Fail(kind, validation) => {
                // A parameter failure's detail is also its message, as AWS words it.
                let message = match kind {
                    ResponseType::BadRequestParameters => validation.clone(),
                    _ => None,
                };
                self.gateway_response(kind, message.as_deref(), validation, &mut ctx, &req)
            }
            Outcome::FailWith(kind, message) => {
                self.gateway_response(kind, Some(message), None, &mut ctx, &req)
            }
        }
    }

    fn gateway_response(
        &self,
        kind: ResponseType,
        message: Option<&str>,
        validation: Option<String>,
        ctx: &mut Value,
        req: &MethodRequest,
    ) -> MethodResponse {
        ctx["error"] = json!({
            "message": message.unwrap_or(kind.default_message()),
            "responseType": kind.name(),
            "validationErrorString": validation,
        });
        let r = self
            .api
            .gateway_responses
            .render(kind, ctx, &self.stage_variables, &req.headers);
        let mut headers = r.headers;
        headers.push((
            "x-amzn-requestid".into(),
            ctx["requestId"].as_str().unwrap_or_default().to_string(),
        ));
        MethodResponse {
            status: r.status,
            headers,
            body: r.body.into_bytes(),
        }
    }

    async fn run(&self, m: &Matched<'_>, req: &MethodRequest, ctx: &mut Value) -> Outcome {
        let method = m.method;
        ctx["resourcePath"] = json!(m.resource.path);
        ctx["resourceId"] = json!(resource_id(&m.resource.path));
        if !self.throttler.admit(&m.resource.path, &req.verb) {
            return Outcome::Fail(ResponseType::Throttled, None);
        }
        if let Authorization::Cognito { authorizer, scopes } = &method.authorization {
            let Some(a) = &self.authorizer else {
                tracing::error!(method = %method.json_path, "no authorizer configured for a cognito_user_pools method");
                return Outcome::Fail(ResponseType::AuthorizerConfigurationError, None);
            };
            match a.authorize(header(&req.headers, &authorizer.header), scopes) {
                Ok(claims) => ctx["authorizer"] = json!({"claims": claims}),
                Err(AuthFailure::Unauthorized) => {
                    return Outcome::Fail(ResponseType::Unauthorized, None)
                }
                Err(e @ AuthFailure::Expired) => {
                    return Outcome::FailWith(ResponseType::Unauthorized, e.message())
                }
                Err(AuthFailure::Forbidden) => {
                    return Outcome::Fail(ResponseType::AccessDenied, None)
                }
            }
        }
        if let Some(fail) = self.validate(method, req) {
            return fail;
        }
        match &method.integration.kind {
            IntegrationKind::AwsProxy { function_arn } => {
                self.lambda_proxy(function_arn, m, req, ctx).await
            }
            IntegrationKind::HttpProxy { url, method: verb } => {
                self.http_proxy(url, verb, m, req).await
            }
            _ => self.mapped(m, req, ctx).await,
        }
    }

    fn validate(&self, method: &Method, req: &MethodRequest) -> Option<Outcome> {
        if method.validator.parameters {
            let missing: Vec<&str> = method
                .params
                .iter()
                .filter(|p| p.required)
                .filter(|p| match p.location {
                    ParamLocation::Path => false,
                    ParamLocation::Query => !req.query.iter().any(|(k, _)| *k == p.name),
                    ParamLocation::Header => header(&req.headers, &p.name).is_none(),
                })
                .map(|p| p.name.as_str())
                .collect();
            if !missing.is_empty() {
                return Some(Outcome::Fail(
                    ResponseType::BadRequestParameters,
                    Some(format!(
                        "Missing required request parameters: [{}]",
                        missing.join(", ")
                    )),
                ));
            }
        }
        if method.validator.body && !method.body_models.is_empty() {
            let media = integration::media_type(header(&req.headers, "content-type"));
            let schema = method
                .body_models
                .iter()
                .find(|(ct, _)| *ct == media)
                .or_else(|| method.body_models.iter().find(|(ct, _)| ct == "$default"));
            if let Some((_, schema)) = schema {
                let instance: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
                    Value::Null
                } else {
                    match serde_json::from_slice(&req.body) {
                        Ok(v) => v,
                        Err(e) => {
                            return Some(Outcome::Fail(
                                ResponseType::BadRequestBody,
                                Some(format!("[Invalid JSON: {e}]")),
                            ))
                        }
                    }
                };
                let errors = validate::validate(&self.api.document, schema, &instance);
                if !errors.is_empty() {
                    return Some(Outcome::Fail(
                        ResponseType::BadRequestBody,
                        Some(format!("[{}]", errors.join(", "))),
                    ));
                }
            }
        }
        None
    }
}

impl Gateway {
    /// A gateway response for a request rejected before routing (e.g. REQUEST_TOO_LARGE).
    pub fn reject(&self, kind: ResponseType, req: &MethodRequest) -> MethodResponse {
        let mut ctx = self.base_context(req, "127.0.0.1");
        self.gateway_response(kind, None, None, &mut ctx, req)
    }
}
