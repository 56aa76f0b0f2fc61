//! API Gateway's mapping template variables and the entry point the gateway calls.
//!
//! - `input`: `$input.body`, `$input.json()`, `$input.path()`, `$input.params()`.
//! - `util`: `$util.escapeJavaScript()`, `parseJson()`, `urlEncode()`, `urlDecode()`,
//!   `base64Encode()`, `base64Decode()`.
//! - `jsonpath`: the JSONPath subset behind `$input.json`/`$input.path`.
//! - `claims`: `$context.authorizer.claims`, readable claim by claim, rendering as nothing.
//!
//! `$context` is a nested map the caller builds (requestId, identity, authorizer.claims...);
//! `$context.responseOverride` and `$context.requestOverride` are writable and come back in
//! [`Overrides`]. `$stageVariables` is a map. Null references render as nothing, as on AWS.

mod claims;
pub mod input;
pub mod jsonpath;
pub mod util;

use std::rc::Rc;

use crate::render::Context;
use crate::value::{Map, Value};
use crate::{Template, VtlError};

/// Everything a mapping template can see about one request.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The body (`$input.body`): the method request's, or the integration response's.
    pub body: String,
    /// Path parameters, in order.
    pub path: Vec<(String, String)>,
    /// Query string parameters, in order.
    pub querystring: Vec<(String, String)>,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// `$context`: requestId, httpMethod, identity.*, authorizer.claims.*, error.*...
    pub context: serde_json::Value,
    /// `$stageVariables`.
    pub stage_variables: Vec<(String, String)>,
}

/// What the template wrote into `$context.responseOverride` / `$context.requestOverride`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// `$context.responseOverride.status`.
    pub status: Option<u16>,
    /// `$context.responseOverride.header.<name>`.
    pub response_headers: Vec<(String, String)>,
    /// `$context.requestOverride.header.<name>`.
    pub request_headers: Vec<(String, String)>,
    /// `$context.requestOverride.querystring.<name>`.
    pub request_querystring: Vec<(String, String)>,
    /// `$context.requestOverride.path.<name>`.
    pub request_path: Vec<(String, String)>,
}

/// A rendered mapping template.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The output body.
    pub body: String,
    /// Overrides set by the template.
    pub overrides: Overrides,
}

fn pairs_map(pairs: &[(String, String)]) -> Value {
    Value::map(
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), Value::str(v.clone())))
            .collect(),
    )
}

fn ensure_map(parent: &Value, key: &str) -> Value {
    let Value::Map(m) = parent else {
        return Value::Null;
    };
    let existing = m.borrow().get(key).cloned();
    match existing {
        Some(v @ Value::Map(_)) => v,
        _ => {
            let fresh = Value::map(Map::new());
            m.borrow_mut().insert(key.to_string(), fresh.clone());
            fresh
        }
    }
}

fn read_pairs(parent: &Value, key: &str) -> Vec<(String, String)> {
    match parent {
        Value::Map(m) => match m.borrow().get(key) {
            Some(Value::Map(h)) => h
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.to_java_string()))
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Replaces `authorizer.claims` with the host object that renders as nothing.
fn wrap_claims(context: &Value) {
    let Value::Map(c) = context else { return };
    let authorizer = c.borrow().get("authorizer").cloned();
    let Some(Value::Map(a)) = authorizer else {
        return;
    };
    let claims = a.borrow().get("claims").cloned();
    if let Some(Value::Map(m)) = claims {
        a.borrow_mut()
            .insert("claims".into(), Value::Host(Rc::new(claims::Claims(m))));
    }
}

/// Builds the variables API Gateway gives a template for `req`.
pub fn context_for(req: &RequestContext) -> Context {
    let mut ctx = Context::new();
    ctx.null_as_empty = true;
    ctx.insert(
        "input",
        Value::Host(Rc::new(input::Input::new(
            req.body.clone(),
            req.path.clone(),
            req.querystring.clone(),
            req.headers.clone(),
        ))),
    );
    ctx.insert("util", Value::Host(Rc::new(util::Util)));
    let context = match Value::from_json(&req.context) {
        v @ Value::Map(_) => v,
        _ => Value::map(Map::new()),
    };
    wrap_claims(&context);
    let response = ensure_map(&context, "responseOverride");
    ensure_map(&response, "header");
    let request = ensure_map(&context, "requestOverride");
    for k in ["header", "querystring", "path"] {
        ensure_map(&request, k);
    }
    ctx.insert("context", context);
    ctx.insert("stageVariables", pairs_map(&req.stage_variables));
    ctx
}

/// Renders `template` for `req` as API Gateway does, returning the body and the overrides.
pub fn render_mapping_template(
    template: &Template,
    req: &RequestContext,
) -> Result<Rendered, VtlError> {
    let mut ctx = context_for(req);
    let body = template.render(&mut ctx)?;
    let context = ctx.get("context").cloned().unwrap_or(Value::Null);
    let response = match &context {
        Value::Map(m) => m.borrow().get("responseOverride").cloned(),
        _ => None,
    }
    .unwrap_or(Value::Null);
    let request = match &context {
        Value::Map(m) => m.borrow().get("requestOverride").cloned(),
        _ => None,
    }
    .unwrap_or(Value::Null);
    let status = match &response {
        Value::Map(m) => m.borrow().get("status").and_then(|s| match s {
            Value::Int(i) => u16::try_from(*i).ok(),
            other => other.to_java_string().trim().parse().ok(),
        }),
        _ => None,
    };
    Ok(Rendered {
        body,
        overrides: Overrides {
            status,
            response_headers: read_pairs(&response, "header"),
            request_headers: read_pairs(&request, "header"),
            request_querystring: read_pairs(&request, "querystring"),
            request_path: read_pairs(&request, "path"),
        },
    })
}
