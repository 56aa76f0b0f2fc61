//! The hosted UI of the pool's domain: server-rendered pages ([`pages`]: `/login`, `/signup`,
//! `/confirm`) and the OAuth 2.0 endpoints ([`oauth`]: `/oauth2/authorize`, `/oauth2/token`,
//! `/oauth2/userInfo`, `/logout`). No JavaScript. AWS keeps a session cookie so a second
//! authorize skips the form; locally every authorize shows the login form.

mod oauth;
mod pages;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

use crate::service::UserPool;

/// The router of the hosted UI for `pool`.
pub fn router(pool: Arc<UserPool>) -> axum::Router {
    axum::Router::new()
        .route("/oauth2/authorize", get(oauth::authorize))
        .route("/oauth2/token", axum::routing::post(oauth::token))
        .route("/oauth2/userInfo", get(oauth::user_info))
        .route("/logout", get(oauth::logout))
        .route("/login", get(pages::login_form).post(pages::login_post))
        .route("/signup", get(pages::signup_form).post(pages::signup_post))
        .route(
            "/confirm",
            get(pages::confirm_form).post(pages::confirm_post),
        )
        .with_state(pool)
}

/// The authorize parameters carried from `/oauth2/authorize` through the pages.
pub(crate) const FLOW_PARAMS: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
];

/// `application/x-www-form-urlencoded` → map (also used for query strings).
pub(crate) fn parse_form(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let dec = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (dec(k), dec(v))
        })
        .collect()
}

/// Percent-encodes a query value.
pub(crate) fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// The flow parameters of `params` as a query string.
pub(crate) fn flow_query(params: &BTreeMap<String, String>) -> String {
    FLOW_PARAMS
        .iter()
        .filter_map(|k| params.get(*k).map(|v| format!("{k}={}", enc(v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// HTML-escapes text.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><h1>{t}</h1>{body}</body></html>",
        t = esc(title)
    );
    let mut r = (status, page).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

pub(crate) fn redirect(location: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

pub(crate) fn json(status: StatusCode, v: &serde_json::Value) -> Response {
    let mut r = (status, v.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    r
}
