//! Resource path templates (`/orders/{id}`, greedy `/{proxy+}`) and matching a request path
//! against them: literal segments win over variables, variables over a greedy variable, as
//! API Gateway resolves overlapping resources.

use std::collections::HashMap;

use percent_encoding::percent_decode_str;

use crate::error::{ApiGatewayError, Result};
use crate::model::{ApiDefinition, Method, Resource};

/// One segment of a resource path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text that must match exactly.
    Literal(String),
    /// `{name}`: one segment.
    Var(String),
    /// `{name+}`: the rest of the path (one or more segments), last only.
    Greedy(String),
}

/// Splits a resource path from `paths`.
pub(crate) fn parse_path(path: &str, json_path: &str) -> Result<Vec<Segment>> {
    let bad = |m: &str| ApiGatewayError::Invalid {
        path: json_path.to_string(),
        message: m.to_string(),
    };
    if !path.starts_with('/') {
        return Err(bad("resource paths start with /"));
    }
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let parts: Vec<&str> = trimmed.split('/').collect();
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() {
            return Err(bad("empty path segment"));
        }
        if let Some(inner) = p.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            if let Some(name) = inner.strip_suffix('+') {
                if i + 1 != parts.len() {
                    return Err(bad("a greedy {name+} variable must be the last segment"));
                }
                out.push(Segment::Greedy(name.to_string()));
            } else {
                out.push(Segment::Var(inner.to_string()));
            }
        } else if p.contains(['{', '}']) {
            return Err(bad("a path variable must be a whole segment"));
        } else {
            out.push(Segment::Literal((*p).to_string()));
        }
    }
    Ok(out)
}

/// Two resources with the same shape (`/a/{x}` and `/a/{y}`) are refused, as AWS does.
pub(crate) fn check_unique(resources: &[Resource]) -> Result<()> {
    let mut seen: HashMap<Vec<String>, &str> = HashMap::new();
    for r in resources {
        let shape: Vec<String> = r
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => l.clone(),
                Segment::Var(_) => "{}".into(),
                Segment::Greedy(_) => "{+}".into(),
            })
            .collect();
        if let Some(other) = seen.insert(shape, &r.path) {
            return Err(ApiGatewayError::Invalid {
                path: crate::error::child("$.paths", &r.path),
                message: format!("overlaps resource {other}"),
            });
        }
    }
    Ok(())
}

/// A matched route.
#[derive(Debug)]
pub struct Matched<'a> {
    /// The resource.
    pub resource: &'a Resource,
    /// The method (the verb's own, or `ANY`).
    pub method: &'a Method,
    /// Path parameters, decoded.
    pub path_params: Vec<(String, String)>,
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Scores a match: higher is more specific; `None` when it does not match.
type Params = Vec<(String, String)>;

/// Per-segment specificity, compared lexicographically.
type Score = Vec<u32>;

fn try_match(segments: &[Segment], parts: &[&str]) -> Option<(Score, Params)> {
    let mut score = Vec::new();
    let mut params = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        match seg {
            Segment::Literal(l) => {
                if parts.get(i) != Some(&l.as_str()) {
                    return None;
                }
                score.push(3);
            }
            Segment::Var(n) => {
                let p = parts.get(i).filter(|p| !p.is_empty())?;
                params.push((n.clone(), decode(p)));
                score.push(2);
            }
            Segment::Greedy(n) => {
                let rest = parts
                    .get(i..)
                    .filter(|r| !r.is_empty() && !r[0].is_empty())?;
                params.push((n.clone(), decode(&rest.join("/"))));
                score.push(1);
                return Some((score, params));
            }
        }
    }
    (parts.len() == segments.len()).then_some((score, params))
}

/// Finds the resource and method for `path` (below the stage, starting with `/`) and `verb`.
/// `None` is API Gateway's MISSING_AUTHENTICATION_TOKEN: no resource, or no such method.
pub fn match_route<'a>(api: &'a ApiDefinition, verb: &str, path: &str) -> Option<Matched<'a>> {
    let trimmed = path.trim_start_matches('/');
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    let parts: Vec<&str> = if trimmed.is_empty() {
        Vec::new()
    } else {
        trimmed.split('/').collect()
    };
    let mut best: Option<(Score, &Resource, Params)> = None;
    for r in &api.resources {
        if let Some((score, params)) = try_match(&r.segments, &parts) {
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, r, params));
            }
        }
    }
    let (_, resource, path_params) = best?;
    let method = resource
        .methods
        .get(verb)
        .or_else(|| resource.methods.get("ANY"))?;
    Some(Matched {
        resource,
        method,
        path_params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api() -> ApiDefinition {
        let mock = json!({"x-amazon-apigateway-integration": {"type": "mock"}});
        ApiDefinition::load(&json!({
            "openapi": "3.0.1",
            "paths": {
                "/orders/{id}": {"get": mock},
                "/orders/latest": {"get": mock},
                "/files/{proxy+}": {"x-amazon-apigateway-any-method": mock},
                "/": {"get": mock}
            }
        }))
        .expect("loads")
    }

    #[test]
    fn literal_beats_variable_and_greedy_takes_the_rest() {
        let a = api();
        assert_eq!(
            match_route(&a, "GET", "/orders/latest")
                .expect("m")
                .resource
                .path,
            "/orders/latest"
        );
        let m = match_route(&a, "GET", "/orders/o%2F1").expect("m");
        assert_eq!(m.path_params, vec![("id".to_string(), "o/1".to_string())]);
        let m = match_route(&a, "DELETE", "/files/a/b/c.txt").expect("m");
        assert_eq!(
            m.path_params,
            vec![("proxy".to_string(), "a/b/c.txt".to_string())]
        );
        assert!(
            match_route(&a, "GET", "/files").is_none(),
            "greedy needs one segment"
        );
        assert!(
            match_route(&a, "POST", "/orders/1").is_none(),
            "no such method"
        );
        assert!(match_route(&a, "GET", "/orders/1/x").is_none());
        assert_eq!(
            match_route(&a, "GET", "/").expect("root").resource.path,
            "/"
        );
    }

    #[test]
    fn bad_templates_and_overlaps_are_named() {
        let mock = json!({"x-amazon-apigateway-integration": {"type": "mock"}});
        let e =
            ApiDefinition::load(&json!({"openapi": "3.0.1", "paths": {"/{a+}/b": {"get": mock}}}))
                .expect_err("bad");
        assert!(e.to_string().contains("$.paths['/{a+}/b']"), "{e}");
        let e = ApiDefinition::load(&json!({"openapi": "3.0.1", "paths": {"/x/{a}": {"get": mock}, "/x/{b}": {"get": mock}}})).expect_err("bad");
        assert!(e.to_string().contains("overlaps"), "{e}");
    }
}
