//! The typed API: an OpenAPI 3 or Swagger 2 document with `x-amazon-apigateway-*` extensions,
//! read once at start. Anything the local data plane cannot honour fails here, naming the JSON
//! path of the element.
//!
//! - `integration`: `x-amazon-apigateway-integration`.
//! - `integration_response`: its `responses`, and the parameter mapping checks.
//! - `method`: operations, their parameters, body models, validator and security.
//! - `security`: `cognito_user_pools` authorizers from the security schemes.

pub mod integration;
pub mod integration_response;
pub mod method;
pub mod security;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::{child, ApiGatewayError, Result};
use crate::gateway_responses::GatewayResponses;
use crate::route::Segment;
pub use integration::{AwsService, Integration, IntegrationKind, IntegrationResponse, Passthrough};
pub use method::{Method, ParamLocation};
pub use security::{Authorization, CognitoAuthorizer};

/// `x-amazon-apigateway-request-validators` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validator {
    /// `validateRequestBody`.
    pub body: bool,
    /// `validateRequestParameters`.
    pub parameters: bool,
}

/// A resource path and its methods.
#[derive(Debug, Clone)]
pub struct Resource {
    /// As written in `paths` (`/orders/{id}`).
    pub path: String,
    /// The path split into segments.
    pub segments: Vec<Segment>,
    /// Methods by upper-case verb; `ANY` for `x-amazon-apigateway-any-method`.
    pub methods: BTreeMap<String, Method>,
}

/// A loaded REST API definition.
#[derive(Debug, Clone)]
pub struct ApiDefinition {
    /// `info.title`.
    pub title: String,
    /// Every resource.
    pub resources: Vec<Resource>,
    /// Gateway responses, customized over AWS's defaults.
    pub gateway_responses: GatewayResponses,
    /// `x-amazon-apigateway-binary-media-types`.
    pub binary_media_types: Vec<String>,
    /// The document, for `$ref` resolution in models.
    pub document: Arc<Value>,
}

const ROOT_KEYS: &[&str] = &[
    "openapi",
    "swagger",
    "info",
    "paths",
    "components",
    "definitions",
    "parameters",
    "responses",
    "securityDefinitions",
    "security",
    "servers",
    "tags",
    "basePath",
    "host",
    "schemes",
    "consumes",
    "produces",
    "externalDocs",
    "x-amazon-apigateway-request-validators",
    "x-amazon-apigateway-request-validator",
    "x-amazon-apigateway-gateway-responses",
    "x-amazon-apigateway-binary-media-types",
];

const OPERATIONS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("patch", "PATCH"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
    ("x-amazon-apigateway-any-method", "ANY"),
];

/// A vendor extension that is not API Gateway's (ignored, as API Gateway ignores it).
pub(crate) fn foreign_extension(k: &str) -> bool {
    k.starts_with("x-") && !k.starts_with("x-amazon-apigateway")
}

pub(crate) fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| ApiGatewayError::Invalid {
        path: path.to_string(),
        message: "expected an object".into(),
    })
}

pub(crate) fn opt_str(v: Option<&Value>, path: &str) -> Result<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(ApiGatewayError::Invalid {
            path: path.to_string(),
            message: "expected a string".into(),
        }),
    }
}

/// A string-to-string map, in document order.
pub(crate) fn str_map(v: Option<&Value>, path: &str) -> Result<Vec<(String, String)>> {
    let Some(v) = v else { return Ok(Vec::new()) };
    obj(v, path)?
        .iter()
        .map(|(k, v)| {
            let s = opt_str(Some(v), &child(path, k))?.unwrap_or_default();
            Ok((k.clone(), s))
        })
        .collect()
}

/// Resolves a local `$ref` (`#/components/schemas/X`).
pub(crate) fn resolve_ref<'a>(doc: &'a Value, r: &str, path: &str) -> Result<&'a Value> {
    r.strip_prefix('#')
        .and_then(|p| doc.pointer(p))
        .ok_or_else(|| ApiGatewayError::Invalid {
            path: path.to_string(),
            message: format!("$ref {r} does not resolve in this document"),
        })
}

fn validators(root: &Map<String, Value>) -> Result<BTreeMap<String, Validator>> {
    let path = "$.x-amazon-apigateway-request-validators";
    let Some(v) = root.get("x-amazon-apigateway-request-validators") else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for (name, v) in obj(v, path)? {
        let p = child(path, name);
        let m = obj(v, &p)?;
        let flag = |k: &str| -> Result<bool> {
            match m.get(k) {
                None => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(ApiGatewayError::Invalid {
                    path: child(&p, k),
                    message: "expected a boolean".into(),
                }),
            }
        };
        for k in m.keys() {
            if k != "validateRequestBody" && k != "validateRequestParameters" {
                return Err(ApiGatewayError::Unsupported {
                    path: child(&p, k),
                    message: "unknown validator field".into(),
                });
            }
        }
        out.insert(
            name.clone(),
            Validator {
                body: flag("validateRequestBody")?,
                parameters: flag("validateRequestParameters")?,
            },
        );
    }
    Ok(out)
}

impl ApiDefinition {
    /// Loads a resolved OpenAPI 3 / Swagger 2 document (intrinsics already resolved, as the
    /// template model gives it).
    pub fn load(document: &Value) -> Result<ApiDefinition> {
        let root = obj(document, "$")?;
        if !root.contains_key("openapi") && !root.contains_key("swagger") {
            return Err(ApiGatewayError::Invalid {
                path: "$".into(),
                message: "neither `openapi` nor `swagger` is set".into(),
            });
        }
        for k in root.keys() {
            if !ROOT_KEYS.contains(&k.as_str()) && !foreign_extension(k) {
                return Err(ApiGatewayError::Unsupported {
                    path: child("$", k),
                    message: "unknown top-level field".into(),
                });
            }
        }
        let doc = Arc::new(document.clone());
        let validators = validators(root)?;
        let default_validator = opt_str(
            root.get("x-amazon-apigateway-request-validator"),
            "$.x-amazon-apigateway-request-validator",
        )?;
        let schemes = security::schemes(&doc)?;
        let default_security = root.get("security");
        let gateway_responses =
            GatewayResponses::load(root.get("x-amazon-apigateway-gateway-responses"))?;
        let binary_media_types = match root.get("x-amazon-apigateway-binary-media-types") {
            None => Vec::new(),
            Some(v) => v
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .ok_or_else(|| ApiGatewayError::Invalid {
                    path: "$.x-amazon-apigateway-binary-media-types".into(),
                    message: "expected a list".into(),
                })?,
        };
        let mut resources = Vec::new();
        let paths = root.get("paths").map(|p| obj(p, "$.paths")).transpose()?;
        for (rpath, item) in paths.into_iter().flatten() {
            let p = child("$.paths", rpath);
            let segments = crate::route::parse_path(rpath, &p)?;
            let item = obj(item, &p)?;
            let shared_params = item.get("parameters");
            let mut methods = BTreeMap::new();
            for (k, op) in item {
                let Some((_, verb)) = OPERATIONS.iter().find(|(name, _)| name == k) else {
                    if ["parameters", "summary", "description", "servers", "$ref"]
                        .contains(&k.as_str())
                        || foreign_extension(k)
                    {
                        if k == "$ref" {
                            return Err(ApiGatewayError::Unsupported {
                                path: child(&p, k),
                                message: "path item $ref".into(),
                            });
                        }
                        continue;
                    }
                    if k == "trace" {
                        return Err(ApiGatewayError::Unsupported {
                            path: child(&p, k),
                            message: "API Gateway has no TRACE method".into(),
                        });
                    }
                    return Err(ApiGatewayError::Unsupported {
                        path: child(&p, k),
                        message: "unknown path item field".into(),
                    });
                };
                let ctx = method::MethodCtx {
                    doc: &doc,
                    validators: &validators,
                    default_validator: default_validator.as_deref(),
                    schemes: &schemes,
                    default_security,
                    shared_params,
                };
                let m = method::parse(&ctx, verb, op, &child(&p, k))?;
                methods.insert(verb.to_string(), m);
            }
            resources.push(Resource {
                path: rpath.clone(),
                segments,
                methods,
            });
        }
        crate::route::check_unique(&resources)?;
        Ok(ApiDefinition {
            title: root
                .get("info")
                .and_then(|i| i.get("title"))
                .and_then(Value::as_str)
                .unwrap_or("api")
                .to_string(),
            resources,
            gateway_responses,
            binary_media_types,
            document: doc,
        })
    }
}
