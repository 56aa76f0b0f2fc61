//! The hosted UI's pages: sign-in, sign-up and confirmation forms (plain HTML forms).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{esc, flow_query, html, parse_form, redirect, FLOW_PARAMS};
use crate::error::CognitoError;
use crate::service::UserPool;

fn hidden(p: &BTreeMap<String, String>) -> String {
    FLOW_PARAMS
        .iter()
        .filter_map(|k| {
            p.get(*k)
                .map(|v| format!("<input type=\"hidden\" name=\"{k}\" value=\"{}\">", esc(v)))
        })
        .collect()
}

fn error_line(e: Option<&str>) -> String {
    e.map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default()
}

fn login_page(p: &BTreeMap<String, String>, error: Option<&str>, status: StatusCode) -> Response {
    let body = format!(
        "{err}<form method=\"post\" action=\"/login\">{h}\
         <label>Username <input name=\"username\" autocomplete=\"username\"></label>\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
         <button type=\"submit\">Sign in</button></form>\
         <p>Need an account? <a href=\"/signup?{q}\">Sign up</a></p>",
        err = error_line(error),
        h = hidden(p),
        q = esc(&flow_query(p)),
    );
    html(status, "Sign in", &body)
}

pub(crate) async fn login_form(RawQuery(q): RawQuery) -> Response {
    login_page(
        &parse_form(q.as_deref().unwrap_or("")),
        None,
        StatusCode::OK,
    )
}

pub(crate) async fn login_post(State(pool): State<Arc<UserPool>>, body: Bytes) -> Response {
    let p = parse_form(&String::from_utf8_lossy(&body));
    let user = p.get("username").map(String::as_str).unwrap_or("");
    let pass = p.get("password").map(String::as_str).unwrap_or("");
    let authed = pool.read(|s| pool.authenticate(s, user, pass));
    match authed.and_then(|(key, _)| super::oauth::issue_code(&pool, &p, &key)) {
        Ok(location) => redirect(&location),
        Err(e) => login_page(&p, Some(&e.to_string()), StatusCode::BAD_REQUEST),
    }
}

fn signup_page(p: &BTreeMap<String, String>, error: Option<&str>, status: StatusCode) -> Response {
    let body = format!(
        "{err}<form method=\"post\" action=\"/signup\">{h}\
         <label>Username <input name=\"username\"></label>\
         <label>Email <input name=\"email\" type=\"email\"></label>\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"new-password\"></label>\
         <button type=\"submit\">Sign up</button></form>\
         <p>Already have an account? <a href=\"/login?{q}\">Sign in</a></p>",
        err = error_line(error),
        h = hidden(p),
        q = esc(&flow_query(p)),
    );
    html(status, "Sign up", &body)
}

pub(crate) async fn signup_form(RawQuery(q): RawQuery) -> Response {
    signup_page(
        &parse_form(q.as_deref().unwrap_or("")),
        None,
        StatusCode::OK,
    )
}

pub(crate) async fn signup_post(State(pool): State<Arc<UserPool>>, body: Bytes) -> Response {
    let p = parse_form(&String::from_utf8_lossy(&body));
    let username = p.get("username").cloned().unwrap_or_default();
    let result = (|| -> Result<(), CognitoError> {
        let client_id = p
            .get("client_id")
            .ok_or_else(|| CognitoError::param("client_id is required"))?;
        let input = json!({
            "ClientId": client_id,
            "Username": username,
            "Password": p.get("password").cloned().unwrap_or_default(),
            "UserAttributes": [{"Name": "email", "Value": p.get("email").cloned().unwrap_or_default()}],
        });
        crate::api::signup::sign_up(&pool, &input).map(|_| ())
    })();
    match result {
        Ok(()) => redirect(&format!(
            "/confirm?username={}&{}",
            super::enc(&username),
            flow_query(&p)
        )),
        Err(e) => signup_page(&p, Some(&e.to_string()), StatusCode::BAD_REQUEST),
    }
}

fn confirm_page(p: &BTreeMap<String, String>, error: Option<&str>, status: StatusCode) -> Response {
    let body = format!(
        "{err}<p>We logged a confirmation code (codes are not mailed locally).</p>\
         <form method=\"post\" action=\"/confirm\">{h}\
         <label>Username <input name=\"username\" value=\"{u}\"></label>\
         <label>Code <input name=\"code\" autocomplete=\"one-time-code\"></label>\
         <button type=\"submit\">Confirm</button></form>",
        err = error_line(error),
        h = hidden(p),
        u = esc(p.get("username").map(String::as_str).unwrap_or("")),
    );
    html(status, "Confirm your account", &body)
}

pub(crate) async fn confirm_form(RawQuery(q): RawQuery) -> Response {
    confirm_page(
        &parse_form(q.as_deref().unwrap_or("")),
        None,
        StatusCode::OK,
    )
}

pub(crate) async fn confirm_post(State(pool): State<Arc<UserPool>>, body: Bytes) -> Response {
    let p = parse_form(&String::from_utf8_lossy(&body));
    let input = json!({
        "ClientId": p.get("client_id").cloned().unwrap_or_default(),
        "Username": p.get("username").cloned().unwrap_or_default(),
        "ConfirmationCode": p.get("code").cloned().unwrap_or_default(),
    });
    match crate::api::signup::confirm_sign_up(&pool, &input) {
        Ok(_) => redirect(&format!("/login?{}", flow_query(&p))),
        Err(e) => confirm_page(&p, Some(&e.to_string()), StatusCode::BAD_REQUEST),
    }
}
