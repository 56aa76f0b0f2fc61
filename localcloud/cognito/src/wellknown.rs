//! Discovery documents on the service endpoint: `/{poolId}/.well-known/jwks.json` and
//! `/{poolId}/.well-known/openid-configuration`, as `cognito-idp.<region>.amazonaws.com` serves.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::service::UserPool;

type Pools = Arc<Vec<Arc<UserPool>>>;

/// The router for the discovery documents of `pools`.
pub fn router(pools: Vec<Arc<UserPool>>) -> axum::Router {
    axum::Router::new()
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route("/{pool_id}/.well-known/openid-configuration", get(openid))
        .with_state(Arc::new(pools))
}

fn find(pools: &Pools, id: &str) -> Option<Arc<UserPool>> {
    pools.iter().find(|p| p.config.pool_id == id).cloned()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        json!({"message": "User pool not found"}).to_string(),
    )
        .into_response()
}

async fn jwks(State(pools): State<Pools>, Path(id): Path<String>) -> Response {
    match find(&pools, &id) {
        Some(p) => json_response(&p.jwks()),
        None => not_found(),
    }
}

/// The OpenID configuration document; endpoints point at the hosted-UI base, which locally is
/// the issuer base (AWS: the pool's domain).
pub fn openid_configuration(pool: &UserPool, hosted_ui_base: &str) -> serde_json::Value {
    let iss = pool.issuer();
    json!({
        "issuer": iss,
        "jwks_uri": format!("{iss}/.well-known/jwks.json"),
        "authorization_endpoint": format!("{hosted_ui_base}/oauth2/authorize"),
        "token_endpoint": format!("{hosted_ui_base}/oauth2/token"),
        "userinfo_endpoint": format!("{hosted_ui_base}/oauth2/userInfo"),
        "end_session_endpoint": format!("{hosted_ui_base}/logout"),
        "revocation_endpoint": format!("{hosted_ui_base}/oauth2/revoke"),
        "response_types_supported": ["code"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    })
}

async fn openid(State(pools): State<Pools>, Path(id): Path<String>) -> Response {
    match find(&pools, &id) {
        Some(p) => {
            let base = p
                .issuer()
                .strip_suffix(&format!("/{}", p.config.pool_id))
                .unwrap_or(p.issuer())
                .to_string();
            json_response(&openid_configuration(&p, &base))
        }
        None => not_found(),
    }
}

fn json_response(v: &serde_json::Value) -> Response {
    let mut r = v.to_string().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
