//! The extensions the application's API does not use, on small documents: AWS_PROXY (the proxy
//! event 1.0), HTTP and HTTP_PROXY to 127.0.0.1, MOCK status selection, parameter validation,
//! AWS's default gateway responses, Swagger 2, backend failures, and load errors with paths.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use common::*;
use futures::future::BoxFuture;
use localcloud_apigateway::{
    router, ApiDefinition, AuthFailure, Authorizer, ClaimsMap, HttpServiceCaller, StageConfig,
};
use localcloud_wire::invoke::{Invocation, InvocationType, Invoke, InvokeError};
use serde_json::{json, Value};

/// The events a [`Lambda`] received, with the ARN each was sent to.
type Events = Arc<Mutex<Vec<(String, Value)>>>;

/// Records the event and answers with a canned payload.
struct Lambda {
    events: Events,
    answer: Vec<u8>,
    error: Option<String>,
}

impl Invoke for Lambda {
    fn invoke<'a>(
        &'a self,
        arn: &'a str,
        _qualifier: Option<&'a str>,
        payload: bytes::Bytes,
        _kind: InvocationType,
    ) -> BoxFuture<'a, Result<Invocation, InvokeError>> {
        let v: Value = serde_json::from_slice(&payload).unwrap_or(Value::Null);
        self.events.lock().expect("lock").push((arn.to_string(), v));
        let out = Invocation {
            status: 200,
            payload: self.answer.clone().into(),
            function_error: self.error.clone(),
            error_type: None,
            executed_version: "$LATEST".into(),
            log_tail: String::new(),
            request_id: localcloud_wire::request_id::new(),
            cold_start: false,
        };
        Box::pin(async move { Ok(out) })
    }
}

struct ScopeCheck;

impl Authorizer for ScopeCheck {
    fn authorize(&self, token: Option<&str>, scopes: &[String]) -> Result<ClaimsMap, AuthFailure> {
        match token {
            None => Err(AuthFailure::Unauthorized),
            Some("admin") => Ok(ClaimsMap::from([("sub".to_string(), "u1".to_string())])),
            Some(_) if !scopes.is_empty() => Err(AuthFailure::Forbidden),
            Some(_) => Ok(ClaimsMap::from([("sub".to_string(), "u2".to_string())])),
        }
    }
}

/// Echoes the request it got as JSON; `/status/NNN` answers with that status.
async fn echo_server() -> String {
    let app = axum::Router::new().fallback(|req: Request<Body>| async move {
        let method = req.method().to_string();
        let uri = req.uri().to_string();
        let status = uri
            .strip_prefix("/status/")
            .and_then(|s| s.get(..3))
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or(200);
        let header = req.headers().get("x-mapped").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
        let out = json!({"method": method, "uri": uri, "body": String::from_utf8_lossy(&body), "mapped": header});
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("x-backend", "echo")
            .body(Body::from(out.to_string()))
            .expect("response")
    });
    serve(app).await
}

fn doc(backend: &str) -> Value {
    json!({
        "openapi": "3.0.1",
        "info": {"title": "ext"},
        "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
        "paths": {
            "/items/{id}": {"get": {
                "security": [{"Pool": []}],
                "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:items/invocations"}}},
            "/admin": {"get": {
                "security": [{"Pool": ["admin/write"]}],
                "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
                    "responses": {"default": {"statusCode": "200"}}}}},
            "/files/{proxy+}": {"x-amazon-apigateway-any-method": {
                "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "ANY", "uri": format!("{backend}/files/{{proxy}}")}}},
            "/legacy/{code}": {"post": {
                "x-amazon-apigateway-integration": {"type": "http", "httpMethod": "POST", "uri": format!("{backend}/status/{{code}}"),
                    "requestParameters": {"integration.request.path.code": "method.request.path.code",
                                          "integration.request.header.x-mapped": "method.request.querystring.tag"},
                    "requestTemplates": {"application/json": "{\"wrapped\": $input.json('$')}"},
                    "responses": {
                        "4\\d{2}": {"statusCode": "400", "responseTemplates": {"application/json": "{\"error\": $input.json('$.uri')}"}},
                        "default": {"statusCode": "201",
                            "responseParameters": {"method.response.header.X-From": "integration.response.header.x-backend"},
                            "responseTemplates": {"application/json": "$input.body"}}}}}},
            "/mock": {"get": {
                "parameters": [{"name": "code", "in": "query", "required": true}, {"name": "X-Trace", "in": "header", "required": true}],
                "x-amazon-apigateway-request-validator": "all",
                "x-amazon-apigateway-integration": {"type": "mock",
                    "requestTemplates": {"application/json": "{\"statusCode\": $input.params('code')}"},
                    "responses": {
                        "2\\d{2}": {"statusCode": "200", "responseTemplates": {"application/json": "{\"trace\": \"$input.params('X-Trace')\"}"}},
                        "default": {"statusCode": "418", "responseTemplates": {"application/json": "{\"teapot\": true}"}}}}}},
            "/calc": {"post": {
                "x-amazon-apigateway-integration": {"type": "aws", "httpMethod": "POST",
                    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:calc/invocations",
                    "requestTemplates": {"application/json": "{\"x\": $input.json('$.x'), \"stage\": \"$stageVariables.env\"}"},
                    "responses": {
                        "default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"r\": $input.json('$.result')}"}},
                        "Invalid.*": {"statusCode": "400", "responseTemplates": {"application/json": "{\"error\": \"$input.path('$.errorMessage')\"}"}}}}}},
            "/table": {"post": {
                "x-amazon-apigateway-integration": {"type": "aws", "httpMethod": "POST",
                    "uri": "arn:aws:apigateway:us-east-1:dynamodb:action/GetItem",
                    "responses": {"default": {"statusCode": "200"}}}}}
        },
        "components": {"securitySchemes": {"Pool": {"type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/p"]}}}}
    })
}

async fn stage(doc: &Value, lambda: Lambda) -> String {
    let api = ApiDefinition::load(doc).expect("loads");
    // Nothing listens on port 9 of 127.0.0.1: service calls fail to connect.
    let mut config = StageConfig::new(
        api,
        "v1",
        Arc::new(HttpServiceCaller::new("http://127.0.0.1:9")),
    );
    config.authorizer = Some(Arc::new(ScopeCheck));
    config.lambda_invoker = Some(Arc::new(lambda));
    config.stage_variables = vec![("env".into(), "test".into())];
    serve(router(config)).await
}

fn lambda(answer: &str, error: Option<&str>) -> (Lambda, Events) {
    let events = Arc::new(Mutex::new(Vec::new()));
    (
        Lambda {
            events: events.clone(),
            answer: answer.as_bytes().to_vec(),
            error: error.map(str::to_string),
        },
        events,
    )
}

#[tokio::test]
async fn aws_proxy_sends_the_rest_proxy_event_and_maps_the_answer() {
    let (l, events) = lambda(
        r#"{"statusCode": 201, "headers": {"x-a": "1"}, "multiValueHeaders": {"x-b": ["2", "3"]}, "body": "made"}"#,
        None,
    );
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let r = send(
        &url,
        "GET",
        "/v1/items/a%20b?x=1&x=2&y=",
        &[("authorization", "tok"), ("X-Custom", "c")],
        "",
    )
    .await;
    assert_eq!((r.status, r.text.as_str()), (201, "made"));
    assert_eq!(r.header("x-a"), Some("1"));
    let (arn, e) = events.lock().expect("lock")[0].clone();
    assert_eq!(arn, "arn:aws:lambda:us-east-1:000000000000:function:items");
    assert_eq!(e["resource"], "/items/{id}");
    assert_eq!(e["path"], "/items/a%20b");
    assert_eq!(e["httpMethod"], "GET");
    assert_eq!(e["pathParameters"], json!({"id": "a b"}));
    assert_eq!(e["queryStringParameters"], json!({"x": "2", "y": ""}));
    assert_eq!(
        e["multiValueQueryStringParameters"],
        json!({"x": ["1", "2"], "y": [""]})
    );
    assert_eq!(e["headers"]["x-custom"], "c");
    assert_eq!(e["stageVariables"], json!({"env": "test"}));
    assert_eq!(e["body"], Value::Null);
    assert_eq!(e["isBase64Encoded"], false);
    let rc = &e["requestContext"];
    assert_eq!(
        (
            rc["stage"].as_str(),
            rc["path"].as_str(),
            rc["resourcePath"].as_str()
        ),
        (Some("v1"), Some("/v1/items/a%20b"), Some("/items/{id}"))
    );
    assert_eq!(rc["authorizer"]["claims"]["sub"], "u2");
    assert_eq!(rc["identity"]["sourceIp"], "127.0.0.1");
    assert!(rc["requestId"].as_str().is_some_and(|s| s.len() == 36));
}

#[tokio::test]
async fn lambda_errors_and_malformed_answers_are_502() {
    for (answer, error) in [
        (r#"{"errorMessage": "boom"}"#, Some("Unhandled")),
        ("{\"body\": 5}", None),
        ("nope", None),
    ] {
        let (l, _) = lambda(answer, error);
        let url = stage(&doc("http://127.0.0.1:9"), l).await;
        let r = send(&url, "GET", "/v1/items/1", &[("authorization", "tok")], "").await;
        assert_eq!(
            (r.status, r.json()),
            (502, json!({"message": "Internal server error"})),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn authorizer_outcomes_and_default_gateway_responses() {
    let (l, events) = lambda("{}", None);
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let r = send(&url, "GET", "/v1/items/1", &[], "").await;
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"message": "Unauthorized"}))
    );
    let r = send(&url, "GET", "/v1/admin", &[("authorization", "user")], "").await;
    assert_eq!(
        (r.status, r.json()),
        (
            403,
            json!({"message": "User is not authorized to access this resource"})
        )
    );
    assert_eq!(r.header("x-amzn-errortype"), Some("AccessDeniedException"));
    let r = send(&url, "GET", "/v1/admin", &[("authorization", "admin")], "").await;
    assert_eq!(r.status, 200);
    let r = send(&url, "GET", "/v1/nothing", &[], "").await;
    assert_eq!(
        (r.status, r.json()),
        (403, json!({"message": "Missing Authentication Token"}))
    );
    assert!(events.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn http_proxy_forwards_method_path_query_and_body() {
    let backend = echo_server().await;
    let (l, _) = lambda("{}", None);
    let url = stage(&doc(&backend), l).await;
    let r = send(
        &url,
        "PUT",
        "/v1/files/a/b.txt?q=1",
        &[("content-type", "text/plain")],
        "data",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"method": "PUT", "uri": "/files/a/b.txt?q=1", "body": "data", "mapped": ""})
    );
    assert_eq!(r.header("x-backend"), Some("echo"));
}

#[tokio::test]
async fn http_mapped_templates_parameters_and_selection() {
    let backend = echo_server().await;
    let (l, _) = lambda("{}", None);
    let url = stage(&doc(&backend), l).await;
    let r = send(
        &url,
        "POST",
        "/v1/legacy/200?tag=t1",
        &[("content-type", "application/json")],
        r#"{"a": 1}"#,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(v["body"], r#"{"wrapped": {"a":1}}"#);
    assert_eq!(v["mapped"], "t1");
    assert_eq!(r.header("x-from"), Some("echo"));
    let r = send(
        &url,
        "POST",
        "/v1/legacy/404",
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!((r.status, r.json()), (400, json!({"error": "/status/404"})));
}

#[tokio::test]
async fn mock_status_selection_and_parameter_validation() {
    let (l, _) = lambda("{}", None);
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let r = send(&url, "GET", "/v1/mock?code=204", &[("x-trace", "t-9")], "").await;
    assert_eq!((r.status, r.json()), (200, json!({"trace": "t-9"})));
    let r = send(&url, "GET", "/v1/mock?code=500", &[("x-trace", "t")], "").await;
    assert_eq!((r.status, r.json()), (418, json!({"teapot": true})));
    let r = send(&url, "GET", "/v1/mock", &[], "").await;
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            json!({"message": "Missing required request parameters: [code, X-Trace]"})
        )
    );
}

#[tokio::test]
async fn lambda_integration_selects_on_the_error_message() {
    let (l, events) = lambda(r#"{"result": 7}"#, None);
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let r = send(
        &url,
        "POST",
        "/v1/calc",
        &[("content-type", "application/json")],
        r#"{"x": 3}"#,
    )
    .await;
    assert_eq!((r.status, r.json()), (200, json!({"r": 7})));
    let (arn, payload) = events.lock().expect("lock")[0].clone();
    assert_eq!(arn, "arn:aws:lambda:us-east-1:000000000000:function:calc");
    assert_eq!(
        payload,
        json!({"x": 3, "stage": "test"}),
        "the mapped request, not a proxy event"
    );

    let (l, _) = lambda(
        r#"{"errorMessage": "Invalid input: x", "errorType": "Oops"}"#,
        Some("Unhandled"),
    );
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let r = send(
        &url,
        "POST",
        "/v1/calc",
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "Invalid input: x"}))
    );

    // An error no pattern matches falls to the default response, as on AWS.
    let (l, _) = lambda(r#"{"errorMessage": "boom"}"#, Some("Unhandled"));
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let r = send(
        &url,
        "POST",
        "/v1/calc",
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn bodies_over_10_mb_are_413() {
    let (l, events) = lambda("{}", None);
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let big = "x".repeat(10 * 1024 * 1024 + 1);
    let r = send(
        &url,
        "POST",
        "/v1/calc",
        &[("content-type", "application/json")],
        &big,
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (413, json!({"message": "Request Too Long"}))
    );
    assert!(events.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn unreachable_service_is_an_integration_failure_not_a_hang() {
    let (l, _) = lambda("{}", None);
    let url = stage(&doc("http://127.0.0.1:9"), l).await;
    let r = send(
        &url,
        "POST",
        "/v1/table",
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(
        (r.status, r.json()),
        (504, json!({"message": "Internal server error"}))
    );
}

#[test]
fn swagger_2_documents_load_with_body_models() {
    let api = ApiDefinition::load(&json!({
        "swagger": "2.0",
        "definitions": {"In": {"type": "object", "required": ["a"]}},
        "x-amazon-apigateway-request-validator": "v",
        "x-amazon-apigateway-request-validators": {"v": {"validateRequestBody": true}},
        "paths": {"/x": {"post": {
            "consumes": ["application/json"],
            "parameters": [{"in": "body", "name": "b", "required": true, "schema": {"$ref": "#/definitions/In"}}],
            "x-amazon-apigateway-integration": {"type": "mock"}}}}
    }))
    .expect("swagger 2 loads");
    let m = &api.resources[0].methods["POST"];
    assert!(m.validator.body && m.body_required);
    assert_eq!(m.body_models[0].0, "application/json");
}

#[test]
fn unsupported_elements_fail_at_load_with_their_path() {
    let mut d = doc("http://127.0.0.1:9");
    d["components"]["securitySchemes"]["Pool"]["x-amazon-apigateway-authorizer"]["type"] =
        json!("token");
    let e = ApiDefinition::load(&d)
        .expect_err("lambda authorizers are refused")
        .to_string();
    assert!(
        e.starts_with("$.components.securitySchemes.Pool.x-amazon-apigateway-authorizer.type"),
        "{e}"
    );

    let mut d = doc("http://127.0.0.1:9");
    d["x-amazon-apigateway-api-key-source"] = json!("HEADER");
    let e = ApiDefinition::load(&d).expect_err("refused").to_string();
    assert!(e.starts_with("$.x-amazon-apigateway-api-key-source"), "{e}");

    let mut d = doc("http://127.0.0.1:9");
    d["paths"]["/files/{proxy+}"]["x-amazon-apigateway-any-method"]
        ["x-amazon-apigateway-integration"]["uri"] = json!("http://example.com/{proxy}");
    let e = ApiDefinition::load(&d).expect_err("refused").to_string();
    assert!(e.contains("$.paths['/files/{proxy+}'].x-amazon-apigateway-any-method.x-amazon-apigateway-integration.uri") && e.contains("127.0.0.1"), "{e}");

    let mut d = doc("http://127.0.0.1:9");
    d["paths"]["/mock"]["get"]["x-amazon-apigateway-integration"]["requestTemplates"]
        ["application/json"] = json!("#if($x");
    let e = ApiDefinition::load(&d).expect_err("refused").to_string();
    assert!(e.starts_with("$.paths['/mock'].get.x-amazon-apigateway-integration.requestTemplates['application/json']:1:7"), "{e}");

    let mut d = doc("http://127.0.0.1:9");
    d["paths"]["/table"]["post"]["x-amazon-apigateway-integration"]["uri"] =
        json!("arn:aws:apigateway:us-east-1:sqs:action/SendMessage");
    assert!(ApiDefinition::load(&d).is_err());
}

#[test]
fn the_real_openapi_loads_with_every_method() {
    let model = load_model();
    let api = model.apis().next().expect("api");
    let def = ApiDefinition::load(&api.definition).expect("loads");
    let mut routes: Vec<String> = def
        .resources
        .iter()
        .flat_map(|r| r.methods.keys().map(move |m| format!("{m} {}", r.path)))
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        [
            "GET /health",
            "GET /orders/{id}",
            "GET /profiles/{id}",
            "POST /orders",
            "POST /profiles"
        ]
    );
}
