//! Integration responses: selecting one by `selectionPattern` (against the backend's status
//! for AWS/HTTP/MOCK, against `errorMessage` for Lambda errors), then the method response:
//! `responseParameters`, the response template (picked by `Accept`, then `application/json`),
//! and `$context.responseOverride`, which is final.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-integration-settings-integration-response.html>

use localcloud_vtl::apigw::{render_mapping_template, RequestContext};
use localcloud_vtl::VtlError;
use serde_json::Value;

use crate::integration::BackendResponse;
use crate::model::IntegrationResponse;

/// The method response sent to the client.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodResponse {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// The first non-default response whose pattern matches `key`, else `default`.
pub fn select<'a>(
    responses: &'a [IntegrationResponse],
    key: &str,
) -> Option<&'a IntegrationResponse> {
    responses
        .iter()
        .find(|r| r.regex.as_ref().is_some_and(|re| re.is_match(key)))
        .or_else(|| responses.iter().find(|r| r.regex.is_none()))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The `default` response (a Lambda integration's success).
pub fn select_default(responses: &[IntegrationResponse]) -> Option<&IntegrationResponse> {
    responses.iter().find(|r| r.regex.is_none())
}

/// Evaluates a `responseParameters` source expression.
fn source_value(src: &str, backend: &BackendResponse, rc: &RequestContext) -> Option<String> {
    if let Some(lit) = src.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(lit.to_string());
    }
    if let Some(h) = src.strip_prefix("integration.response.header.") {
        return header(&backend.headers, h).map(str::to_string);
    }
    if src == "integration.response.body" {
        return Some(String::from_utf8_lossy(&backend.body).into_owned());
    }
    if let Some(p) = src.strip_prefix("integration.response.body.") {
        let v: Value = serde_json::from_slice(&backend.body).ok()?;
        let pointer = format!("/{}", p.trim_start_matches("$.").replace('.', "/"));
        return v
            .pointer(&pointer)
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string));
    }
    if let Some(s) = src.strip_prefix("stageVariables.") {
        return rc
            .stage_variables
            .iter()
            .find(|(k, _)| k == s)
            .map(|(_, v)| v.clone());
    }
    if let Some(c) = src.strip_prefix("context.") {
        let pointer = format!("/{}", c.replace('.', "/"));
        return rc
            .context
            .pointer(&pointer)
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string));
    }
    None
}

/// Maps the backend's answer through `ir`. `rc` is the method request's context with
/// `body` replaced by the integration response body.
pub fn map(
    ir: &IntegrationResponse,
    backend: &BackendResponse,
    rc: &RequestContext,
    accept: Option<&str>,
) -> Result<MethodResponse, VtlError> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for (target, src) in &ir.response_parameters {
        if let Some(name) = target.strip_prefix("method.response.header.") {
            if let Some(v) = source_value(src, backend, rc) {
                headers.push((name.to_string(), v));
            }
        }
    }
    let chosen = accept
        .and_then(|a| {
            a.split(',')
                .map(|m| {
                    m.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                })
                .find_map(|m| ir.response_templates.iter().find(|(ct, _)| *ct == m))
        })
        .or_else(|| {
            ir.response_templates
                .iter()
                .find(|(ct, _)| ct == "application/json")
        })
        .or_else(|| ir.response_templates.first());
    let mut status = ir.status;
    let (content_type, body) = match chosen {
        Some((ct, template)) => {
            let rendered = render_mapping_template(template, rc)?;
            if let Some(s) = rendered.overrides.status.filter(|s| (100..600).contains(s)) {
                status = s;
            }
            for (k, v) in rendered.overrides.response_headers {
                headers.retain(|(h, _)| !h.eq_ignore_ascii_case(&k));
                headers.push((k, v));
            }
            (ct.clone(), rendered.body.into_bytes())
        }
        None => (
            header(&backend.headers, "content-type")
                .unwrap_or("application/json")
                .to_string(),
            backend.body.clone(),
        ),
    };
    if header(&headers, "content-type").is_none() {
        headers.push(("content-type".to_string(), content_type));
    }
    Ok(MethodResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::integration;
    use serde_json::json;

    #[test]
    fn selection_parameters_templates_and_override() {
        let i = integration::parse(
            &json!({"type": "mock", "responses": {
                "default": {"statusCode": "200",
                    "responseParameters": {"method.response.header.X-Id": "integration.response.body.id",
                                           "method.response.header.X-Static": "'s'"},
                    "responseTemplates": {"application/json": "#set($context.responseOverride.status = 418)\n{\"got\": $input.json('$.id')}",
                                          "text/plain": "id=$input.path('$.id')"}},
                "4\\d{2}": {"statusCode": "400"}}}),
            "$",
        )
        .expect("parses");
        assert_eq!(select(&i.responses, "404").map(|r| r.status), Some(400));
        let ir = select(&i.responses, "200").expect("default");
        let backend = BackendResponse {
            status: 200,
            headers: vec![],
            body: br#"{"id": "a"}"#.to_vec(),
        };
        let rc = RequestContext {
            body: r#"{"id": "a"}"#.into(),
            ..Default::default()
        };
        let r = map(ir, &backend, &rc, None).expect("maps");
        assert_eq!(
            (r.status, String::from_utf8_lossy(&r.body).as_ref()),
            (418, "{\"got\": \"a\"}")
        );
        assert!(
            r.headers.contains(&("X-Id".into(), "a".into()))
                && r.headers.contains(&("X-Static".into(), "s".into()))
        );
        let r = map(ir, &backend, &rc, Some("text/plain, */*")).expect("maps");
        assert_eq!((r.status, r.body.as_slice()), (200, b"id=a".as_slice()));
        assert!(r
            .headers
            .contains(&("content-type".into(), "text/plain".into())));
    }
}
