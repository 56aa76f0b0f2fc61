//! One operation: parameters, body models, the request validator, security and integration.

use std::collections::BTreeMap;

use serde_json::Value;

use super::security::{method_authorization, Authorization, CognitoAuthorizer};
use super::{integration, obj, opt_str, resolve_ref, Integration, Validator};
use crate::error::{child, ApiGatewayError, Result};

/// Where a request parameter lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// `in: path`.
    Path,
    /// `in: query`.
    Query,
    /// `in: header`.
    Header,
}

/// A declared request parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Location.
    pub location: ParamLocation,
    /// Name.
    pub name: String,
    /// `required`.
    pub required: bool,
}

/// A method of a resource.
#[derive(Debug, Clone)]
pub struct Method {
    /// `GET`, `POST`... or `ANY`.
    pub verb: String,
    /// JSON path of the operation (for logs).
    pub json_path: String,
    /// `operationId`.
    pub operation_id: Option<String>,
    /// Authorization.
    pub authorization: Authorization,
    /// The effective request validator (both flags off when none applies).
    pub validator: Validator,
    /// Body models by content type (lower case), the schemas as written (`$ref`s resolve
    /// against the document).
    pub body_models: Vec<(String, Value)>,
    /// `requestBody.required` (OpenAPI 3) or a required body parameter (Swagger 2).
    pub body_required: bool,
    /// Declared parameters.
    pub params: Vec<Param>,
    /// The integration.
    pub integration: Integration,
}

pub(crate) struct MethodCtx<'a> {
    pub doc: &'a Value,
    pub validators: &'a BTreeMap<String, Validator>,
    pub default_validator: Option<&'a str>,
    pub schemes: &'a BTreeMap<String, CognitoAuthorizer>,
    pub default_security: Option<&'a Value>,
    pub shared_params: Option<&'a Value>,
}

const KNOWN: &[&str] = &[
    "operationId",
    "summary",
    "description",
    "tags",
    "parameters",
    "requestBody",
    "responses",
    "security",
    "deprecated",
    "consumes",
    "produces",
    "externalDocs",
    "servers",
    "x-amazon-apigateway-integration",
    "x-amazon-apigateway-request-validator",
];

fn deref<'a>(doc: &'a Value, v: &'a Value, path: &str) -> Result<&'a Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve_ref(doc, r, path),
        None => Ok(v),
    }
}

fn schema_checked(doc: &Value, schema: &Value, path: &str) -> Result<Value> {
    crate::validate::check_refs(doc, schema, path)?;
    Ok(schema.clone())
}

pub(crate) fn parse(ctx: &MethodCtx<'_>, verb: &str, op: &Value, path: &str) -> Result<Method> {
    let m = obj(op, path)?;
    for k in m.keys() {
        if !KNOWN.contains(&k.as_str()) && !super::foreign_extension(k) {
            return Err(ApiGatewayError::Unsupported {
                path: child(path, k),
                message: "unknown operation field".into(),
            });
        }
    }
    let integration_v =
        m.get("x-amazon-apigateway-integration")
            .ok_or_else(|| ApiGatewayError::Invalid {
                path: path.to_string(),
                message:
                    "no x-amazon-apigateway-integration (API Gateway refuses methods without one)"
                        .into(),
            })?;
    let integration = integration::parse(
        integration_v,
        &child(path, "x-amazon-apigateway-integration"),
    )?;
    let vpath = child(path, "x-amazon-apigateway-request-validator");
    let validator_name = opt_str(m.get("x-amazon-apigateway-request-validator"), &vpath)?;
    let validator = match validator_name.as_deref().or(ctx.default_validator) {
        None => Validator::default(),
        Some(name) => *ctx
            .validators
            .get(name)
            .ok_or_else(|| ApiGatewayError::Invalid {
                path: vpath.clone(),
                message: format!("no request validator named {name}"),
            })?,
    };
    let security = m.get("security").or(ctx.default_security);
    let authorization = method_authorization(security, ctx.schemes, &child(path, "security"))?;

    let mut params = Vec::new();
    let mut body_models = Vec::new();
    let mut body_required = false;
    let consumes: Vec<String> = m
        .get("consumes")
        .or_else(|| ctx.doc.get("consumes"))
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|s| s.as_str().map(str::to_ascii_lowercase))
                .collect()
        })
        .unwrap_or_else(|| vec!["application/json".to_string()]);
    let lists = [
        (ctx.shared_params, "parameters".to_string()),
        (m.get("parameters"), child(path, "parameters")),
    ];
    for (list, lpath) in lists {
        let Some(list) = list else { continue };
        let list = list.as_array().ok_or_else(|| ApiGatewayError::Invalid {
            path: lpath.clone(),
            message: "expected a list".into(),
        })?;
        for (i, p) in list.iter().enumerate() {
            let pp = child(&lpath, &i.to_string());
            let p = obj(deref(ctx.doc, p, &pp)?, &pp)?;
            let name = opt_str(p.get("name"), &child(&pp, "name"))?.unwrap_or_default();
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => ParamLocation::Path,
                Some("query") => ParamLocation::Query,
                Some("header") => ParamLocation::Header,
                Some("body") => {
                    if let Some(schema) = p.get("schema") {
                        let s = schema_checked(ctx.doc, schema, &child(&pp, "schema"))?;
                        for ct in &consumes {
                            body_models.push((ct.clone(), s.clone()));
                        }
                    }
                    body_required = required;
                    continue;
                }
                other => {
                    return Err(ApiGatewayError::Unsupported {
                        path: child(&pp, "in"),
                        message: format!("parameter location {}", other.unwrap_or("(none)")),
                    })
                }
            };
            params.retain(|q: &Param| !(q.location == location && q.name == name));
            params.push(Param {
                location,
                name,
                required,
            });
        }
    }
    if let Some(rb) = m.get("requestBody") {
        let rp = child(path, "requestBody");
        let rb = obj(deref(ctx.doc, rb, &rp)?, &rp)?;
        body_required = rb.get("required").and_then(Value::as_bool).unwrap_or(false);
        if let Some(content) = rb.get("content") {
            let cp = child(&rp, "content");
            for (ct, media) in obj(content, &cp)? {
                if let Some(schema) = media.get("schema") {
                    let s = schema_checked(ctx.doc, schema, &child(&child(&cp, ct), "schema"))?;
                    body_models.push((ct.to_ascii_lowercase(), s));
                }
            }
        }
    }
    Ok(Method {
        verb: verb.to_string(),
        json_path: path.to_string(),
        operation_id: opt_str(m.get("operationId"), &child(path, "operationId"))?,
        authorization,
        validator,
        body_models,
        body_required,
        params,
        integration,
    })
}
