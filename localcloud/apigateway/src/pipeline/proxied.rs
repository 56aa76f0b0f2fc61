//! The proxy integrations: AWS_PROXY (the Lambda proxy event and answer) and HTTP_PROXY.

use std::time::Duration;

use serde_json::Value;

use super::{header, Gateway, MethodRequest, Outcome};
use crate::error::CallError;
use crate::gateway_responses::ResponseType;
use crate::integration::{self, proxy};
use crate::response::MethodResponse;
use crate::route::Matched;
use localcloud_wire::invoke::InvocationType;

impl Gateway {
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

    pub(super) async fn lambda_proxy(
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
        let payload = event.to_string().into();
        let timeout = Duration::from_millis(m.method.integration.timeout_ms);
        let call = lambda.invoke(function_arn, None, payload, InvocationType::RequestResponse);
        let out = match tokio::time::timeout(timeout, call).await {
            Err(_) => return Outcome::Fail(ResponseType::IntegrationTimeout, None),
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

    pub(super) async fn http_proxy(
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
            &integration::http::fill_url(
                &integration::http::with_stage_variables(url, &self.stage_variables),
                &m.path_params,
            ),
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
