//! The mapped integrations (MOCK, AWS, HTTP): request template selection and passthrough,
//! `requestParameters` and `$context.requestOverride`, the call, integration response
//! selection and mapping.

use std::time::Duration;

use localcloud_vtl::apigw::{render_mapping_template, Overrides, RequestContext};
use serde_json::Value;

use super::{header, Gateway, MethodRequest, Outcome, Pairs};
use crate::error::CallError;
use crate::gateway_responses::ResponseType;
use crate::integration::{self, mock, BackendResponse, RequestBody};
use crate::model::IntegrationKind;
use crate::response;
use crate::route::Matched;
use localcloud_wire::invoke::InvocationType;

impl Gateway {
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

    pub(super) async fn mapped(
        &self,
        m: &Matched<'_>,
        req: &MethodRequest,
        ctx: &mut Value,
    ) -> Outcome {
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
        let mut lambda_error: Option<String> = None;
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
            IntegrationKind::AwsLambda { function_arn } => {
                let Some(lambda) = &self.lambda else {
                    tracing::error!("AWS Lambda integration without a Lambda invoker");
                    return Outcome::Fail(ResponseType::ApiConfigurationError, None);
                };
                let call = lambda.invoke(
                    function_arn,
                    None,
                    body.into(),
                    InvocationType::RequestResponse,
                );
                match tokio::time::timeout(timeout, call).await {
                    Err(_) => Err(CallError::Timeout(integ.timeout_ms)),
                    Ok(Err(e)) => Err(CallError::Failed(e.to_string())),
                    Ok(Ok(out)) => {
                        lambda_error = out.function_error.is_some().then(|| {
                            serde_json::from_slice::<Value>(&out.payload)
                                .ok()
                                .and_then(|v| {
                                    v.get("errorMessage")
                                        .and_then(Value::as_str)
                                        .map(str::to_string)
                                })
                                .unwrap_or_default()
                        });
                        Ok(BackendResponse {
                            status: 200,
                            headers: Vec::new(),
                            body: out.payload.to_vec(),
                        })
                    }
                }
            }
            IntegrationKind::Http { url, method } => {
                let url = integration::http::with_query(
                    &integration::http::fill_url(
                        &integration::http::with_stage_variables(url, &self.stage_variables),
                        &path,
                    ),
                    &query,
                );
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
        let selected = match (&integ.kind, &lambda_error) {
            (IntegrationKind::AwsLambda { .. }, Some(message)) => {
                response::select(&integ.responses, message)
            }
            (IntegrationKind::AwsLambda { .. }, None) => response::select_default(&integ.responses),
            _ => response::select(&integ.responses, &backend.status.to_string()),
        };
        let Some(ir) = selected else {
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
}
