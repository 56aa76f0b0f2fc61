//! `AWS::Serverless::Api` (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html>):
//! a REST API from an OpenAPI `DefinitionBody` (typically an `AWS::Include` of
//! `apigw/openapi.yaml`, already expanded and resolved here) or a local `DefinitionUri`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::props::Props;
use super::BuildCtx;
use crate::error::{Result, TemplateError};

/// A stage's `MethodSettings` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodSetting {
    /// `ResourcePath` (`/*` for all).
    pub resource_path: String,
    /// `HttpMethod` (`*` for all).
    pub http_method: String,
    /// `ThrottlingBurstLimit`.
    pub throttling_burst_limit: Option<u64>,
    /// `ThrottlingRateLimit`.
    pub throttling_rate_limit: Option<f64>,
    /// `LoggingLevel`.
    pub logging_level: Option<String>,
    /// `DataTraceEnabled`.
    pub data_trace_enabled: bool,
    /// `MetricsEnabled`.
    pub metrics_enabled: bool,
}

/// A REST API and its one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Logical id.
    pub logical_id: String,
    /// REST API id (what `Ref` gives).
    pub rest_api_id: String,
    /// `Name`.
    pub name: Option<String>,
    /// `StageName`.
    pub stage_name: String,
    /// The OpenAPI document, resolved.
    pub definition: Value,
    /// Stage `Variables`.
    pub variables: BTreeMap<String, String>,
    /// `MethodSettings`.
    pub method_settings: Vec<MethodSetting>,
    /// `Auth`, as written (authorizers SAM adds to the definition).
    pub auth: Option<Value>,
    /// `Cors`, as written.
    pub cors: Option<Value>,
    /// `GatewayResponses`, as written.
    pub gateway_responses: Option<Value>,
    /// `BinaryMediaTypes`.
    pub binary_media_types: Vec<String>,
}

pub(super) fn build(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<Api> {
    p.ignore(&[
        "Description",
        "Tags",
        "PropagateTags",
        "TracingEnabled",
        "AccessLogSetting",
        "EndpointConfiguration",
        "OpenApiVersion",
        "CacheClusterEnabled",
        "CacheClusterSize",
        "MinimumCompressionSize",
        "AlwaysDeploy",
        "DisableExecuteApiEndpoint",
        "Mode",
        "FailOnWarnings",
    ]);
    let definition = match (p.get("DefinitionBody"), p.string("DefinitionUri")?) {
        (Some(body), None) => body.clone(),
        (None, Some(uri)) if !uri.contains("://") => crate::yaml::read_file(&ctx.dir.join(uri))?,
        (None, Some(_)) => {
            return Err(TemplateError::InvalidProperty {
                path: p.path("DefinitionUri"),
                message: "only a local path can be loaded locally".into(),
            })
        }
        (Some(_), Some(_)) => {
            return Err(TemplateError::InvalidProperty {
                path: p.path("DefinitionUri"),
                message: "DefinitionBody and DefinitionUri are exclusive".into(),
            })
        }
        (None, None) => {
            return Err(TemplateError::InvalidProperty {
                path: p.path("DefinitionBody"),
                message: "a DefinitionBody (or local DefinitionUri) is required locally".into(),
            })
        }
    };
    let method_settings = p
        .list("MethodSettings")?
        .into_iter()
        .map(|m| {
            m.ignore(&["CachingEnabled", "CacheTtlInSeconds", "CacheDataEncrypted"]);
            let rate = match m.get("ThrottlingRateLimit") {
                None => None,
                Some(v) => Some(
                    crate::parameters::scalar_string(v)
                        .and_then(|s| s.parse::<f64>().ok())
                        .ok_or_else(|| TemplateError::InvalidProperty {
                            path: m.path("ThrottlingRateLimit"),
                            message: format!("expected a number, found {v}"),
                        })?,
                ),
            };
            let s = MethodSetting {
                resource_path: m.string("ResourcePath")?.unwrap_or_else(|| "/*".into()),
                http_method: m.string("HttpMethod")?.unwrap_or_else(|| "*".into()),
                throttling_burst_limit: m.u64("ThrottlingBurstLimit")?,
                throttling_rate_limit: rate,
                logging_level: m.one_of("LoggingLevel", &["OFF", "ERROR", "INFO"])?,
                data_trace_enabled: m.bool("DataTraceEnabled")?.unwrap_or(false),
                metrics_enabled: m.bool("MetricsEnabled")?.unwrap_or(false),
            };
            m.finish()?;
            Ok(s)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Api {
        logical_id: ctx.logical_id.to_string(),
        rest_api_id: ctx.reference()?,
        name: p.string("Name")?,
        stage_name: p.req_string("StageName")?,
        definition,
        variables: p.string_map("Variables")?,
        method_settings,
        auth: p.get("Auth").cloned(),
        cors: p.get("Cors").cloned(),
        gateway_responses: p.get("GatewayResponses").cloned(),
        binary_media_types: p.strings("BinaryMediaTypes")?,
    })
}
