//! One request through the stage, in API Gateway's order: stage and route match
//! (MISSING_AUTHENTICATION_TOKEN) -> throttling (THROTTLED) -> authorizer (UNAUTHORIZED /
//! ACCESS_DENIED) -> request validation (BAD_REQUEST_PARAMETERS, then BAD_REQUEST_BODY) ->
//! integration request (template selection, passthrough, UNSUPPORTED_MEDIA_TYPE) ->
//! integration -> integration response selection -> response mapping. Every rejection is a
//! gateway response; nothing here panics or answers a 5xx AWS would not.

use std::sync::Arc;
use std::time::Duration;

use localcloud_vtl::apigw::{render_mapping_template, Overrides, RequestContext};
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

use crate::authorizer::{AuthFailure, Authorizer};
use crate::error::CallError;
use crate::gateway_responses::ResponseType;
use crate::integration::{
    self, mock, proxy, BackendResponse, HttpClient, LambdaInvoker, RequestBody, ServiceCaller,
};
use crate::model::{ApiDefinition, Authorization, IntegrationKind, Method, ParamLocation};
use crate::response::{self, MethodResponse};
use crate::route::{match_route, Matched};
use crate::throttle::Throttler;
use crate::validate;

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
    pub(crate) lambda: Option<Arc<dyn LambdaInvoker>>,
    pub(crate) throttler: Throttler,
    pub(crate) http: HttpClient,
    pub(crate) api_id: String,
    pub(crate) account_id: String,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
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

enum Outcome {
    Reply(MethodResponse),
    /// A gateway response, with `$context.error.validationErrorString`.
    Fail(ResponseType, Option<String>),
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

    fn request_context(&self, m: &Matched<'_>, req: &MethodRequest, ctx: &Value) -> RequestContext {
        RequestContext {
            body: String::from_utf8_lossy(&req.body).into_owned(),
            path: m.path_params.clone(),
            querystring: req.query.clone(),
            headers: req.headers.clone(),
            context: ctx.clone(),
            stage_variables: self.stage_variables.clone(),
        }
    }

    /// `integration.request.*` parameters from their sources.
    fn request_parameters(
        &self,
        m: &Matched<'_>,
        req: &MethodRequest,
        ctx: &Value,
        overrides: &Overrides,
    ) -> (Pairs, Pairs, Pairs) {
        let (mut headers, mut query, mut path) = (Vec::new(), Vec::new(), m.path_params.clone());
        for (target, src) in &m.method.integration.request_parameters {
            let value = if let Some(l) = src.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                Some(l.to_string())
            } else if let Some(p) = src.strip_prefix("method.request.path.") {
                m.path_params
                    .iter()
                    .find(|(k, _)| k == p)
                    .map(|(_, v)| v.clone())
            } else if let Some(q) = src.strip_prefix("method.request.querystring.") {
                req.query
                    .iter()
                    .rev()
                    .find(|(k, _)| k == q)
                    .map(|(_, v)| v.clone())
            } else if let Some(h) = src.strip_prefix("method.request.header.") {
                header(&req.headers, h).map(str::to_string)
            } else if let Some(s) = src.strip_prefix("stageVariables.") {
                self.stage_variables
                    .iter()
                    .find(|(k, _)| k == s)
                    .map(|(_, v)| v.clone())
            } else if let Some(c) = src.strip_prefix("context.") {
                ctx.pointer(&format!("/{}", c.replace('.', "/")))
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            } else {
                None
            };
            let Some(value) = value else { continue };
            if let Some(h) = target.strip_prefix("integration.request.header.") {
                headers.push((h.to_string(), value));
            } else if let Some(q) = target.strip_prefix("integration.request.querystring.") {
                query.push((q.to_string(), value));
            } else if let Some(p) = target.strip_prefix("integration.request.path.") {
                path.retain(|(k, _)| k != p);
                path.push((p.to_string(), value));
            }
        }
        headers.extend(overrides.request_headers.iter().cloned());
        query.extend(overrides.request_querystring.iter().cloned());
        for (k, v) in &overrides.request_path {
            path.retain(|(pk, _)| pk != k);
            path.push((k.clone(), v.clone()));
        }
        (headers, query, path)
    }

    async fn mapped(&self, m: &Matched<'_>, req: &MethodRequest, ctx: &mut Value) -> Outcome {
        let integ = &m.method.integration;
        let media = integration::media_type(header(&req.headers, "content-type"));
        let mut rc = self.request_context(m, req, ctx);
        let (body, overrides) =
            match integration::request_body(&integ.request_templates, integ.passthrough, &media) {
                RequestBody::Unsupported => {
                    return Outcome::Fail(ResponseType::UnsupportedMediaType, None)
                }
                RequestBody::Passthrough => (req.body.clone(), Overrides::default()),
                RequestBody::Template(t) => match render_mapping_template(t, &rc) {
                    Ok(r) => (r.body.into_bytes(), r.overrides),
                    Err(e) => {
                        tracing::error!(error = %e, "request mapping template failed");
                        return Outcome::Fail(ResponseType::ApiConfigurationError, None);
                    }
                },
            };
        let (headers, query, path) = self.request_parameters(m, req, ctx, &overrides);
        let timeout = Duration::from_millis(integ.timeout_ms);
        let backend: Result<BackendResponse, CallError> = match &integ.kind {
            IntegrationKind::Mock => Ok(BackendResponse {
                status: mock::status(&String::from_utf8_lossy(&body)),
                headers: Vec::new(),
                body: Vec::new(),
            }),
            IntegrationKind::Aws { service, action } => {
                match tokio::time::timeout(
                    timeout,
                    self.services.call(*service, action, headers, body),
                )
                .await
                {
                    Ok(r) => r,
                    Err(_) => Err(CallError::Timeout(integ.timeout_ms)),
                }
            }
            IntegrationKind::Http { url, method } => {
                let url =
                    integration::http::with_query(&integration::http::fill_url(url, &path), &query);
                let mut headers = headers;
                if header(&headers, "content-type").is_none() {
                    headers.push(("content-type".into(), media.clone()));
                }
                self.http.send(method, &url, &headers, body, timeout).await
            }
            IntegrationKind::AwsProxy { .. } | IntegrationKind::HttpProxy { .. } => Err(
                CallError::Failed("proxy integration in the mapped path".into()),
            ),
        };
        let backend = match backend {
            Ok(b) => b,
            Err(CallError::Timeout(_)) => {
                return Outcome::Fail(ResponseType::IntegrationTimeout, None)
            }
            Err(e) => {
                tracing::error!(error = %e, "integration call failed");
                return Outcome::Fail(ResponseType::IntegrationFailure, None);
            }
        };
        let Some(ir) = response::select(&integ.responses, &backend.status.to_string()) else {
            tracing::error!(status = backend.status, "no integration response matches");
            return Outcome::Fail(ResponseType::ApiConfigurationError, None);
        };
        rc.body = String::from_utf8_lossy(&backend.body).into_owned();
        match response::map(ir, &backend, &rc, header(&req.headers, "accept")) {
            Ok(r) => Outcome::Reply(r),
            Err(e) => {
                tracing::error!(error = %e, "response mapping template failed");
                Outcome::Fail(ResponseType::ApiConfigurationError, None)
            }
        }
    }

    fn bad_gateway() -> Outcome {
        Outcome::Reply(MethodResponse {
            status: 502,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                (
                    "x-amzn-errortype".into(),
                    "InternalServerErrorException".into(),
                ),
            ],
            body: br#"{"message": "Internal server error"}"#.to_vec(),
        })
    }

    async fn lambda_proxy(
        &self,
        function_arn: &str,
        m: &Matched<'_>,
        req: &MethodRequest,
        ctx: &Value,
    ) -> Outcome {
        let Some(lambda) = &self.lambda else {
            tracing::error!("AWS_PROXY integration without a Lambda invoker");
            return Outcome::Fail(ResponseType::ApiConfigurationError, None);
        };
        let media = integration::media_type(header(&req.headers, "content-type"));
        let binary = self
            .api
            .binary_media_types
            .iter()
            .any(|b| b.eq_ignore_ascii_case(&media) || b == "*/*");
        let event = proxy::event(
            req,
            &m.resource.path,
            &m.path_params,
            &self.stage_variables,
            ctx,
            binary,
        );
        let payload = event.to_string().into_bytes();
        let timeout = Duration::from_millis(m.method.integration.timeout_ms);
        let out = match tokio::time::timeout(timeout, lambda.invoke(function_arn, payload)).await {
            Err(_) | Ok(Err(CallError::Timeout(_))) => {
                return Outcome::Fail(ResponseType::IntegrationTimeout, None)
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "Lambda invoke failed");
                return Outcome::Fail(ResponseType::IntegrationFailure, None);
            }
            Ok(Ok(o)) => o,
        };
        if out.function_error.is_some() {
            return Self::bad_gateway();
        }
        match proxy::response(&out.payload) {
            Some(b) => Outcome::Reply(MethodResponse {
                status: b.status,
                headers: b.headers,
                body: b.body,
            }),
            None => {
                tracing::error!(
                    "Execution failed due to configuration error: Malformed Lambda proxy response"
                );
                Self::bad_gateway()
            }
        }
    }

    async fn http_proxy(
        &self,
        url: &str,
        verb: &str,
        m: &Matched<'_>,
        req: &MethodRequest,
    ) -> Outcome {
        let method = if verb == "ANY" {
            req.verb.as_str()
        } else {
            verb
        };
        let url = integration::http::with_query(
            &integration::http::fill_url(url, &m.path_params),
            &req.query,
        );
        let hop = ["host", "content-length", "transfer-encoding", "connection"];
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .filter(|(k, _)| !hop.contains(&k.to_ascii_lowercase().as_str()))
            .cloned()
            .collect();
        match self
            .http
            .send(
                method,
                &url,
                &headers,
                req.body.clone(),
                Duration::from_millis(m.method.integration.timeout_ms),
            )
            .await
        {
            Ok(b) => Outcome::Reply(MethodResponse {
                status: b.status,
                headers: b
                    .headers
                    .into_iter()
                    .filter(|(k, _)| !hop.contains(&k.to_ascii_lowercase().as_str()))
                    .collect(),
                body: b.body,
            }),
            Err(CallError::Timeout(_)) => Outcome::Fail(ResponseType::IntegrationTimeout, None),
            Err(e) => {
                tracing::error!(error = %e, "HTTP_PROXY call failed");
                Outcome::Fail(ResponseType::IntegrationFailure, None)
            }
        }
    }
}

impl Gateway {
    /// A gateway response for a request rejected before routing (e.g. REQUEST_TOO_LARGE).
    pub fn reject(&self, kind: ResponseType, req: &MethodRequest) -> MethodResponse {
        let mut ctx = self.base_context(req, "127.0.0.1");
        self.gateway_response(kind, None, None, &mut ctx, req)
    }
}
