//! Shared harness: the real template's API on 127.0.0.1:0 in front of an in-process
//! localcloud-dynamodb, a recording Step Functions stand-in, a fixed-token authorizer and a
//! manual throttling clock.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use localcloud_apigateway::model::AwsService;
use localcloud_apigateway::{
    router, AuthFailure, Authorizer, BackendResponse, CallError, ClaimsMap, HttpServiceCaller,
    ServiceCaller, StageConfig, ThrottleSettings,
};
use localcloud_dynamodb::{DynamoService, Settings, TableSpec};
use localcloud_template::{parse_overrides, LoadOptions, Model, StackContext};
use serde_json::{json, Value};

pub const ALICE: &str = "token-alice";
pub const BOB: &str = "token-bob";
/// A token the test authorizer treats as past its `exp`.
pub const EXPIRED: &str = "token-expired";

/// Accepts two fixed tokens (raw or `Bearer `); the real JWT checks come with the Cognito crate.
pub struct FixedTokens;

impl Authorizer for FixedTokens {
    fn authorize(&self, token: Option<&str>, _scopes: &[String]) -> Result<ClaimsMap, AuthFailure> {
        let token = token.ok_or(AuthFailure::Unauthorized)?;
        let token = token.strip_prefix("Bearer ").unwrap_or(token);
        let (sub, email) = match token {
            ALICE => ("alice-sub", "alice@example.com"),
            BOB => ("bob-sub", "bob@example.com"),
            EXPIRED => return Err(AuthFailure::Expired),
            _ => return Err(AuthFailure::Unauthorized),
        };
        Ok(ClaimsMap::from([
            ("sub".to_string(), sub.to_string()),
            ("email".to_string(), email.to_string()),
            ("token_use".to_string(), "id".to_string()),
        ]))
    }
}

pub use localcloud_wire::clock::ManualClock;

/// DynamoDB calls go to the real local service; Step Functions calls to a stand-in responder.
/// Every call is counted.
pub struct Routing {
    pub dynamo: HttpServiceCaller,
    pub states: HttpServiceCaller,
    pub calls: Arc<AtomicUsize>,
}

impl ServiceCaller for Routing {
    fn call(
        &self,
        service: AwsService,
        action: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> BoxFuture<'static, Result<BackendResponse, CallError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match service {
            AwsService::DynamoDb => self.dynamo.call(service, action, headers, body),
            AwsService::StepFunctions => self.states.call(service, action, headers, body),
        }
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn load_model() -> Model {
    let options = LoadOptions {
        stack: StackContext::new("orders", "us-east-1"),
        parameter_overrides: parse_overrides("").expect("no overrides"),
    };
    Model::load(&repo().join("template.yaml"), &options).expect("template.yaml loads")
}

pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// The Step Functions stand-in: records request bodies and targets, answers StartExecution.
pub async fn states_stub() -> (String, Arc<Mutex<Vec<(String, Value)>>>) {
    let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let rec = seen.clone();
    let app = axum::Router::new().fallback(move |req: Request<Body>| {
        let rec = rec.clone();
        async move {
            let target = req.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let name = v["name"].as_str().unwrap_or_default().to_string();
            rec.lock().expect("lock").push((target, v));
            let out = json!({"executionArn": format!("arn:aws:states:us-east-1:000000000000:express:x:{name}"), "startDate": 1.7e9});
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/x-amz-json-1.0")
                .body(Body::from(out.to_string()))
                .expect("response")
        }
    });
    (serve(app).await, seen)
}

pub struct App {
    pub url: String,
    pub dynamo_endpoint: String,
    pub dynamo: DynamoService,
    pub sfn_calls: Arc<Mutex<Vec<(String, Value)>>>,
    pub calls: Arc<AtomicUsize>,
    pub clock: Arc<ManualClock>,
    pub stage_variables: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

/// The application's API as the template declares it, with `throttle` overriding the
/// template's settings when given.
pub async fn start(throttle: Option<ThrottleSettings>) -> App {
    let model = load_model();
    let api = model
        .apis()
        .next()
        .expect("the template has an API")
        .clone();
    let specs: Vec<TableSpec> = model.tables().map(TableSpec::from_table).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let s3 = localcloud_s3::Store::open(dir.path()).expect("s3 store");
    let settings = Settings {
        ttl_sweep_interval: None,
        ..Settings::default()
    };
    let dynamo = DynamoService::start(settings, &specs, s3)
        .await
        .expect("dynamodb starts");
    let dynamo_endpoint = serve(dynamo.router()).await;
    let (states_url, sfn_calls) = states_stub().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = Arc::new(ManualClock::default());
    let mut config = StageConfig::from_template(
        &api,
        Arc::new(Routing {
            dynamo: HttpServiceCaller::new(&dynamo_endpoint),
            states: HttpServiceCaller::new(&states_url),
            calls: calls.clone(),
        }),
    )
    .expect("the real openapi.yaml loads");
    let stage_variables = config.stage_variables.clone();
    config.authorizer = Some(Arc::new(FixedTokens));
    config.clock = clock.clone();
    if let Some(t) = throttle {
        config.throttle = t;
    }
    let url = serve(router(config)).await;
    App {
        url,
        dynamo_endpoint,
        dynamo,
        sfn_calls,
        calls,
        clock,
        stage_variables,
        _dir: dir,
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build(HttpConnector::new())
}

pub async fn send(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("{url}{path}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request");
    let resp = client().request(req).await.expect("the server answers");
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn call(app: &App, method: &str, path: &str, token: Option<&str>, body: &str) -> Reply {
    let mut headers = vec![("content-type", "application/json")];
    let auth;
    if let Some(t) = token {
        auth = t.to_string();
        headers.push(("authorization", auth.as_str()));
    }
    send(&app.url, method, path, &headers, body).await
}

/// Sends a DynamoDB action straight to the service endpoint.
pub async fn dynamo(app: &App, action: &str, body: Value) -> Value {
    let r = send(
        &app.dynamo_endpoint,
        "POST",
        "/",
        &[
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", &format!("DynamoDB_20120810.{action}")),
            ("x-amz-date", "20261128T120000Z"),
            ("authorization", "AWS4-HMAC-SHA256 Credential=test/20261128/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00"),
        ],
        &body.to_string(),
    )
    .await;
    assert_eq!(r.status, 200, "{action}: {}", r.text);
    r.json()
}

pub fn stage_var(app: &App, name: &str) -> String {
    app.stage_variables
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .expect("stage variable")
}
