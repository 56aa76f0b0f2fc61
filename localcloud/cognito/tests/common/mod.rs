//! Shared test helpers: the template's pool, an in-process server on port 0, raw HTTP calls.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use localcloud_cognito::{CodeDelivery, CognitoApi, PoolOptions, PoolTemplate, UserPool};
use serde_json::{json, Value};

/// The resolved properties of template.yaml's UserPool / UserPoolClient / UserPoolDomain.
pub fn template() -> PoolTemplate {
    PoolTemplate {
        logical_id: "UserPool".into(),
        properties: json!({
            "UserPoolName": "orders-users",
            "UsernameConfiguration": {"CaseSensitive": false},
            "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}],
            "Policies": {"PasswordPolicy": {
                "MinimumLength": 12, "RequireLowercase": true, "RequireUppercase": true,
                "RequireNumbers": true, "RequireSymbols": false, "TemporaryPasswordValidityDays": 7
            }},
        }),
        clients: vec![(
            "UserPoolClient".into(),
            json!({
                "ClientName": "orders-web",
                "GenerateSecret": false,
                "AllowedOAuthFlowsUserPoolClient": true,
                "AllowedOAuthFlows": ["code"],
                "AllowedOAuthScopes": ["openid", "email", "profile"],
                "CallbackURLs": ["http://localhost:8080/callback"],
                "LogoutURLs": ["http://localhost:8080/callback"],
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": true
            }),
        )],
        domain: Some(json!({"Domain": "orders-123"})),
        ids: Default::default(),
    }
}

/// A running pool with its server.
pub struct Harness {
    pub addr: SocketAddr,
    pub pool: Arc<UserPool>,
    pub codes: Arc<Mutex<Vec<CodeDelivery>>>,
    pub now: Arc<AtomicU64>,
    pub client_id: String,
    pub pool_id: String,
}

impl Harness {
    pub async fn start(state_dir: Option<PathBuf>) -> Self {
        Self::start_with(template(), state_dir).await
    }

    pub async fn start_with(t: PoolTemplate, state_dir: Option<PathBuf>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let codes = Arc::new(Mutex::new(Vec::new()));
        let sink_codes = codes.clone();
        let now = Arc::new(AtomicU64::new(1_800_000_000));
        let clock_now = now.clone();
        let mut opts = PoolOptions::new(format!("http://{addr}"));
        opts.state_dir = state_dir;
        opts.clock = Arc::new(move || clock_now.load(Ordering::SeqCst));
        opts.code_sink = Some(Arc::new(move |d: &CodeDelivery| {
            sink_codes.lock().unwrap().push(d.clone())
        }));
        let pool = Arc::new(UserPool::open(&t, opts).unwrap());
        let api = CognitoApi::new(vec![pool.clone()]);
        let app = api
            .router()
            .merge(localcloud_cognito::wellknown::router(vec![pool.clone()]))
            .merge(localcloud_cognito::hosted_ui::router(pool.clone()));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            addr,
            client_id: pool.config.clients[0].client_id.clone(),
            pool_id: pool.config.pool_id.clone(),
            pool,
            codes,
            now,
        }
    }

    pub fn advance(&self, secs: u64) {
        self.now.fetch_add(secs, Ordering::SeqCst);
    }

    pub fn last_code(&self) -> String {
        self.codes.lock().unwrap().last().unwrap().code.clone()
    }

    pub async fn call(&self, op: &str, body: Value) -> (u16, Value) {
        let req = hyper::Request::post(format!("http://{}/", self.addr))
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        send(req).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let req = hyper::Request::get(format!("http://{}{path}", self.addr))
            .body(Full::new(Bytes::new()))
            .unwrap();
        send(req).await
    }

    /// SignUp + ConfirmSignUp with the delivered code; returns the user's sub.
    pub async fn sign_up_confirmed(&self, user: &str, password: &str) -> String {
        let (s, v) = self
            .call(
                "SignUp",
                json!({"ClientId": self.client_id, "Username": user, "Password": password,
                       "UserAttributes": [{"Name": "email", "Value": format!("{user}@example.com")}]}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let code = self.last_code();
        let (s, v2) = self
            .call(
                "ConfirmSignUp",
                json!({"ClientId": self.client_id, "Username": user, "ConfirmationCode": code}),
            )
            .await;
        assert_eq!(s, 200, "{v2}");
        v["UserSub"].as_str().unwrap().to_string()
    }

    pub async fn sign_in(&self, user: &str, password: &str) -> (u16, Value) {
        self.call(
            "InitiateAuth",
            json!({"ClientId": self.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": user, "PASSWORD": password}}),
        )
        .await
    }
}

/// A raw request returning status, Location header and body text.
pub async fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    form: Option<&str>,
    bearer: Option<&str>,
) -> (u16, Option<String>, String) {
    let mut b = hyper::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"));
    if form.is_some() {
        b = b.header("content-type", "application/x-www-form-urlencoded");
    }
    if let Some(t) = bearer {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let req = b
        .body(Full::new(Bytes::from(form.unwrap_or("").to_string())))
        .unwrap();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let resp = client.request(req).await.unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        location,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

pub async fn send(req: hyper::Request<Full<Bytes>>) -> (u16, Value) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let resp = client.request(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, v)
}
