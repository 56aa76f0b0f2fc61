//! AWS_PROXY to Lambda: the REST API proxy event (format 1.0) built as API Gateway builds it,
//! and the function's `{statusCode, headers, multiValueHeaders, body, isBase64Encoded}`
//! answer turned into the response. A malformed answer or a function error is 502.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format>

use base64::Engine;
use serde_json::{json, Map, Value};

use super::BackendResponse;
use crate::pipeline::MethodRequest;

fn single(pairs: &[(String, String)]) -> Value {
    if pairs.is_empty() {
        return Value::Null;
    }
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.clone(), Value::String(v.clone()));
    }
    Value::Object(m)
}

fn multi(pairs: &[(String, String)]) -> Value {
    if pairs.is_empty() {
        return Value::Null;
    }
    let mut m = Map::new();
    for (k, v) in pairs {
        if let Value::Array(a) = m
            .entry(k.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            a.push(Value::String(v.clone()));
        }
    }
    Value::Object(m)
}

/// The proxy event. `context` is the request's `$context` map (its fields are the
/// `requestContext`); `binary` says the body is base64-encoded (a binary media type).
pub fn event(
    req: &MethodRequest,
    resource_path: &str,
    path_params: &[(String, String)],
    stage_variables: &[(String, String)],
    context: &Value,
    binary: bool,
) -> Value {
    let c = |k: &str| context.get(k).cloned().unwrap_or(Value::Null);
    let identity = context.get("identity");
    let id = |k: &str| {
        identity
            .and_then(|i| i.get(k))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let mut request_context = json!({
        "resourceId": c("resourceId"),
        "resourcePath": resource_path,
        "httpMethod": req.verb,
        "extendedRequestId": c("extendedRequestId"),
        "requestTime": c("requestTime"),
        "path": c("path"),
        "accountId": c("accountId"),
        "protocol": c("protocol"),
        "stage": c("stage"),
        "domainPrefix": c("domainPrefix"),
        "requestTimeEpoch": c("requestTimeEpoch"),
        "requestId": c("requestId"),
        "identity": {
            "cognitoIdentityPoolId": null, "accountId": null, "cognitoIdentityId": null,
            "caller": null, "sourceIp": id("sourceIp"), "principalOrgId": null, "accessKey": null,
            "cognitoAuthenticationType": null, "cognitoAuthenticationProvider": null,
            "userArn": null, "userAgent": id("userAgent"), "user": null
        },
        "domainName": c("domainName"),
        "apiId": c("apiId")
    });
    if let Some(claims) = context.pointer("/authorizer/claims") {
        request_context["authorizer"] = json!({"claims": claims});
    }
    let body = if req.body.is_empty() {
        Value::Null
    } else if binary {
        Value::String(base64::engine::general_purpose::STANDARD.encode(&req.body))
    } else {
        Value::String(String::from_utf8_lossy(&req.body).into_owned())
    };
    json!({
        "resource": resource_path,
        "path": req.path,
        "httpMethod": req.verb,
        "headers": single(&req.headers),
        "multiValueHeaders": multi(&req.headers),
        "queryStringParameters": single(&req.query),
        "multiValueQueryStringParameters": multi(&req.query),
        "pathParameters": single(path_params),
        "stageVariables": single(stage_variables),
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": binary
    })
}

/// Reads the function's proxy answer; `None` is a malformed Lambda proxy response (502).
pub fn response(payload: &[u8]) -> Option<BackendResponse> {
    let v: Value = serde_json::from_slice(payload).ok()?;
    let o = v.as_object()?;
    let allowed = [
        "statusCode",
        "headers",
        "multiValueHeaders",
        "body",
        "isBase64Encoded",
        "cookies",
    ];
    if o.keys().any(|k| !allowed.contains(&k.as_str())) {
        return None;
    }
    let status = match o.get("statusCode") {
        Some(Value::Number(n)) => u16::try_from(n.as_u64()?).ok()?,
        Some(Value::String(s)) => s.parse().ok()?,
        None => 200,
        _ => return None,
    };
    if !(100..600).contains(&status) {
        return None;
    }
    let mut headers = Vec::new();
    match o.get("headers") {
        Some(Value::Object(h)) => {
            for (k, v) in h {
                let v = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(_) | Value::Bool(_) => v.to_string(),
                    Value::Null => continue,
                    _ => return None,
                };
                headers.push((k.clone(), v));
            }
        }
        None | Some(Value::Null) => {}
        _ => return None,
    }
    match o.get("multiValueHeaders") {
        Some(Value::Object(h)) => {
            for (k, vs) in h {
                for v in vs.as_array()? {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    headers.push((k.clone(), v));
                }
            }
        }
        None | Some(Value::Null) => {}
        _ => return None,
    }
    let b64 = matches!(o.get("isBase64Encoded"), Some(Value::Bool(true)));
    let body = match o.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if b64 => {
            base64::engine::general_purpose::STANDARD.decode(s).ok()?
        }
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(_) => return None,
    };
    Some(BackendResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_has_awss_shape() {
        let req = MethodRequest {
            verb: "GET".into(),
            path: "/orders/1".into(),
            query: vec![("a".into(), "1".into()), ("a".into(), "2".into())],
            headers: vec![("Accept".into(), "*/*".into())],
            body: Vec::new(),
        };
        let ctx = json!({"requestId": "r", "stage": "dev", "path": "/dev/orders/1", "identity": {"sourceIp": "127.0.0.1"},
                         "authorizer": {"claims": {"sub": "u"}}});
        let e = event(
            &req,
            "/orders/{id}",
            &[("id".into(), "1".into())],
            &[],
            &ctx,
            false,
        );
        assert_eq!(e["resource"], "/orders/{id}");
        assert_eq!(e["queryStringParameters"], json!({"a": "2"}));
        assert_eq!(
            e["multiValueQueryStringParameters"],
            json!({"a": ["1", "2"]})
        );
        assert_eq!(e["stageVariables"], Value::Null);
        assert_eq!(e["body"], Value::Null);
        assert_eq!(e["requestContext"]["path"], "/dev/orders/1");
        assert_eq!(e["requestContext"]["authorizer"]["claims"]["sub"], "u");
        assert_eq!(e["requestContext"]["identity"]["sourceIp"], "127.0.0.1");
        assert_eq!(e["isBase64Encoded"], false);
    }

    #[test]
    fn proxy_answers() {
        let r = response(br#"{"statusCode": 201, "headers": {"x": "1"}, "body": "hi"}"#)
            .expect("valid");
        assert_eq!((r.status, r.body.as_slice()), (201, b"hi".as_slice()));
        let r = response(br#"{"statusCode": 200, "body": "aGk=", "isBase64Encoded": true}"#)
            .expect("valid");
        assert_eq!(r.body, b"hi");
        assert!(response(b"not json").is_none());
        assert!(response(br#"{"statusCode": 200, "body": {"a": 1}}"#).is_none());
        assert!(response(br#"{"statusCode": 200, "extra": 1}"#).is_none());
    }
}
