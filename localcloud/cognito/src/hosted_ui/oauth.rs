//! OAuth 2.0 endpoints: authorize (code flow, PKCE S256 required for clients without a
//! secret), token (authorization_code, refresh_token), userInfo, logout.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{enc, flow_query, html, json as json_resp, parse_form, redirect};
use crate::error::CognitoError;
use crate::pool::{ClientConfig, OAuthFlow};
use crate::service::UserPool;
use crate::store::AuthCode;

/// Authorization codes live 5 minutes (as in Cognito).
const CODE_LIFETIME: u64 = 300;

fn oauth_error(status: StatusCode, error: &str) -> Response {
    json_resp(status, &json!({"error": error}))
}

/// Validates an authorize request; the error text is shown on the error page.
pub(crate) fn check_authorize(
    pool: &UserPool,
    p: &BTreeMap<String, String>,
) -> Result<ClientConfig, String> {
    let client_id = p.get("client_id").ok_or("client_id is required")?;
    let client = pool
        .config
        .client(client_id)
        .map_err(|_| "invalid client_id".to_string())?
        .clone();
    let redirect_uri = p.get("redirect_uri").ok_or("redirect_uri is required")?;
    if !client.callback_urls.iter().any(|u| u == redirect_uri) {
        return Err("redirect_mismatch".into());
    }
    if p.get("response_type").map(String::as_str) != Some("code")
        || !client.oauth_flows.contains(&OAuthFlow::Code)
    {
        return Err("unauthorized_client".into());
    }
    for scope in p.get("scope").map(String::as_str).unwrap_or("").split(' ') {
        if !scope.is_empty() && !client.oauth_scopes.iter().any(|s| s == scope) {
            return Err("invalid_scope".into());
        }
    }
    // PKCE is optional, as in Cognito ("Using PKCE in authorization code grants",
    // https://docs.aws.amazon.com/cognito/latest/developerguide/using-pkce-in-authorization-code.html):
    // a code_challenge binds the code to its verifier at /oauth2/token, and S256 is the only
    // method Cognito supports.
    match (
        p.get("code_challenge").filter(|c| !c.is_empty()),
        p.get("code_challenge_method").map(String::as_str),
    ) {
        (None, None) | (Some(_), Some("S256")) => Ok(client),
        _ => Err(
            "invalid_request: code_challenge_method must be S256 and comes with a code_challenge"
                .into(),
        ),
    }
}

pub(crate) async fn authorize(
    State(pool): State<Arc<UserPool>>,
    RawQuery(q): RawQuery,
) -> Response {
    let p = parse_form(q.as_deref().unwrap_or(""));
    match check_authorize(&pool, &p) {
        Ok(_) => redirect(&format!("/login?{}", flow_query(&p))),
        Err(e) => html(
            StatusCode::BAD_REQUEST,
            "Error",
            &format!("<p>{}</p>", super::esc(&e)),
        ),
    }
}

/// After a successful sign-in on the login page: records a code and builds the redirect.
pub(crate) fn issue_code(
    pool: &UserPool,
    p: &BTreeMap<String, String>,
    user_key: &str,
) -> Result<String, CognitoError> {
    let client = check_authorize(pool, p).map_err(CognitoError::param)?;
    let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
    let scope = p
        .get("scope")
        .cloned()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| client.oauth_scopes.join(" "));
    let code = uuid::Uuid::new_v4().to_string();
    let now = pool.now();
    pool.write(|state| {
        state.auth_codes.retain(|_, c| c.expires > now);
        state.auth_codes.insert(
            code.clone(),
            AuthCode {
                user_key: user_key.to_string(),
                client_id: client.client_id.clone(),
                redirect_uri: redirect_uri.clone(),
                scope,
                code_challenge: p.get("code_challenge").cloned(),
                auth_time: now,
                expires: now + CODE_LIFETIME,
            },
        );
        Ok(())
    })?;
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let mut location = format!("{redirect_uri}{sep}code={}", enc(&code));
    if let Some(st) = p.get("state") {
        location.push_str(&format!("&state={}", enc(st)));
    }
    Ok(location)
}

fn token_json(t: &crate::tokens::TokenSet) -> Value {
    let mut v = json!({
        "access_token": t.access_token,
        "id_token": t.id_token,
        "token_type": "Bearer",
        "expires_in": t.expires_in,
    });
    if let (Some(r), Some(o)) = (&t.refresh_token, v.as_object_mut()) {
        o.insert("refresh_token".into(), json!(r));
    }
    v
}

pub(crate) async fn token(State(pool): State<Arc<UserPool>>, body: Bytes) -> Response {
    let p = parse_form(&String::from_utf8_lossy(&body));
    let Some(client) = p.get("client_id").and_then(|c| pool.config.client(c).ok()) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client");
    };
    let client = client.clone();
    match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => code_grant(&pool, &client, &p),
        Some("refresh_token") => {
            let Some(rt) = p.get("refresh_token") else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
            };
            match pool.refresh_auth(&client, rt) {
                Ok(t) => json_resp(StatusCode::OK, &token_json(&t)),
                Err(_) => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"),
            }
        }
        Some(_) => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
        None => oauth_error(StatusCode::BAD_REQUEST, "invalid_request"),
    }
}

fn code_grant(pool: &UserPool, client: &ClientConfig, p: &BTreeMap<String, String>) -> Response {
    let (Some(code), Some(redirect_uri)) = (p.get("code"), p.get("redirect_uri")) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let now = pool.now();
    let result = pool.write(|state| {
        // A code is single use: removed whether or not the exchange succeeds.
        let rec = state.auth_codes.remove(code);
        let ok = rec.filter(|r| {
            r.client_id == client.client_id && &r.redirect_uri == redirect_uri && r.expires > now
        });
        let Some(rec) = ok else {
            return Ok(Err("invalid_grant"));
        };
        if let Some(challenge) = &rec.code_challenge {
            let Some(verifier) = p.get("code_verifier") else {
                return Ok(Err("invalid_grant"));
            };
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != *challenge {
                return Ok(Err("invalid_grant"));
            }
        }
        let Some(user) = state.users.get(&rec.user_key).cloned() else {
            return Ok(Err("invalid_grant"));
        };
        pool.issue(
            state,
            client,
            &rec.user_key,
            &user,
            now,
            rec.auth_time,
            None,
            &rec.scope,
        )
        .map(Ok)
    });
    match result {
        Ok(Ok(t)) => json_resp(StatusCode::OK, &token_json(&t)),
        Ok(Err(e)) => oauth_error(StatusCode::BAD_REQUEST, e),
        Err(_) => oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
    }
}

pub(crate) async fn user_info(State(pool): State<Arc<UserPool>>, headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let unauthorized = || {
        json_resp(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_token", "error_description": "Access token is expired, disabled, or deleted, or the user has globally signed out."}),
        )
    };
    let Ok((key, _)) = pool.check_access_token(token) else {
        return unauthorized();
    };
    let user = pool.read(|s| s.users.get(&key).cloned());
    let Some(user) = user else {
        return unauthorized();
    };
    let mut v = serde_json::Map::new();
    v.insert("sub".into(), json!(user.sub));
    for (k, val) in &user.attributes {
        v.insert(k.clone(), json!(val));
    }
    v.insert("username".into(), json!(user.username));
    json_resp(StatusCode::OK, &Value::Object(v))
}

pub(crate) async fn logout(State(pool): State<Arc<UserPool>>, RawQuery(q): RawQuery) -> Response {
    let p = parse_form(q.as_deref().unwrap_or(""));
    let client = p.get("client_id").and_then(|c| pool.config.client(c).ok());
    match (client, p.get("logout_uri")) {
        (Some(c), Some(uri)) if c.logout_urls.iter().any(|u| u == uri) => redirect(uri),
        _ => html(
            StatusCode::BAD_REQUEST,
            "Error",
            "<p>Invalid logout_uri or client_id</p>",
        ),
    }
}
