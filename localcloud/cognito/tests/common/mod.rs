//! Shared test helpers: the template's pool, an in-process server on port 0, raw HTTP calls.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use localcloud_cognito::{CodeDelivery, CognitoApi, PoolConfig, PoolOptions, UserPool};
use localcloud_template::resource::cognito as model;
use serde_json::{json, Value};

/// template.yaml's UserPool / UserPoolClient / UserPoolDomain, as the template model types them.
pub fn template() -> PoolConfig {
    let pool = model::UserPool {
        logical_id: "UserPool".into(),
        pool_id: "us-east-1_Te5tPo0lA".into(),
        arn: "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Te5tPo0lA".into(),
        provider_url: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Te5tPo0lA".into(),
        name: Some("orders-users".into()),
        username_attributes: Vec::new(),
        alias_attributes: Vec::new(),
        auto_verified_attributes: vec!["email".into()],
        schema: vec![
            json!({"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}),
        ],
        password_policy: Some(json!({
            "MinimumLength": 12, "RequireLowercase": true, "RequireUppercase": true,
            "RequireNumbers": true, "RequireSymbols": false, "TemporaryPasswordValidityDays": 7
        })),
        admin_create_user_only: false,
        mfa: "OFF".into(),
        username_case_sensitive: false,
    };
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let client = model::UserPoolClient {
        logical_id: "UserPoolClient".into(),
        client_id: "te5tc1ient0000000000000000".into(),
        user_pool_id: pool.pool_id.clone(),
        name: Some("orders-web".into()),
        generate_secret: false,
        explicit_auth_flows: strings(&[
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ]),
        allowed_oauth_flows: strings(&["code"]),
        allowed_oauth_scopes: strings(&["openid", "email", "profile"]),
        allowed_oauth_flows_user_pool_client: true,
        callback_urls: strings(&["http://localhost:8080/callback"]),
        logout_urls: strings(&["http://localhost:8080/callback"]),
        supported_identity_providers: strings(&["COGNITO"]),
        access_token_validity: None,
        id_token_validity: None,
        refresh_token_validity: None,
        prevent_user_existence_errors: true,
    };
    let domain = model::UserPoolDomain {
        logical_id: "UserPoolDomain".into(),
        domain: "orders-123".into(),
        user_pool_id: pool.pool_id.clone(),
    };
    PoolConfig::from_model(&pool, &[&client], Some(&domain))
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

    pub async fn start_with(config: PoolConfig, state_dir: Option<PathBuf>) -> Self {
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
        let pool = Arc::new(UserPool::from_config(config, opts).unwrap());
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
