//! The hosted UI's code flow with PKCE over raw HTTP: authorize → login form → redirect with
//! code → token exchange (right and wrong verifier), userInfo, refresh, logout, sign-up pages.
#![allow(clippy::unwrap_used)]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{raw, Harness};
use localcloud_cognito::{AuthorizerConfig, Verifier};
use serde_json::Value;
use sha2::{Digest, Sha256};

const PW: &str = "Correct-Horse9battery";
const CALLBACK: &str = "http://localhost:8080/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-plus-some-length";

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

fn authorize_query(h: &Harness, redirect: &str, pkce: bool) -> String {
    let mut q = format!(
        "response_type=code&client_id={}&redirect_uri={}&state=xyz%20123&scope={}",
        h.client_id,
        enc(redirect),
        enc("openid email")
    );
    if pkce {
        q.push_str(&format!(
            "&code_challenge={}&code_challenge_method=S256",
            challenge()
        ));
    }
    q
}

/// Runs authorize → login and returns the code.
async fn get_code(h: &Harness, user: &str, password: &str) -> String {
    let (s, loc, _) = raw(
        h.addr,
        "GET",
        &format!("/oauth2/authorize?{}", authorize_query(h, CALLBACK, true)),
        None,
        None,
    )
    .await;
    assert_eq!(s, 302);
    let login = loc.unwrap();
    assert!(login.starts_with("/login?"), "{login}");
    let (s, _, page) = raw(h.addr, "GET", &login, None, None).await;
    assert_eq!(s, 200);
    assert!(page.contains("<form method=\"post\" action=\"/login\">"));
    assert!(page.contains("href=\"/signup?"));
    let form = format!(
        "{}&username={}&password={}",
        login.trim_start_matches("/login?"),
        enc(user),
        enc(password)
    );
    let (s, loc, body) = raw(h.addr, "POST", "/login", Some(&form), None).await;
    assert_eq!(s, 302, "{body}");
    let loc = loc.unwrap();
    assert!(loc.starts_with(&format!("{CALLBACK}?code=")), "{loc}");
    assert!(loc.ends_with("&state=xyz%20123"), "{loc}");
    let code = loc
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    percent_encoding::percent_decode_str(&code)
        .decode_utf8_lossy()
        .into_owned()
}

async fn exchange(h: &Harness, code: &str, verifier: &str) -> (u16, Value) {
    let form = format!(
        "grant_type=authorization_code&client_id={}&code={}&redirect_uri={}&code_verifier={}",
        h.client_id,
        enc(code),
        enc(CALLBACK),
        enc(verifier)
    );
    let (s, _, body) = raw(h.addr, "POST", "/oauth2/token", Some(&form), None).await;
    (s, serde_json::from_str(&body).unwrap())
}

#[tokio::test]
async fn pkce_code_flow() {
    let h = Harness::start(None).await;
    h.sign_up_confirmed("alice", PW).await;

    // Wrong verifier: invalid_grant, and the code is spent.
    let code = get_code(&h, "alice", PW).await;
    let (s, v) = exchange(&h, &code, "not-the-verifier").await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
    let (s, v) = exchange(&h, &code, VERIFIER).await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));

    // Right verifier.
    let code = get_code(&h, "alice", PW).await;
    let (s, v) = exchange(&h, &code, VERIFIER).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["token_type"], "Bearer");
    let access = v["access_token"].as_str().unwrap();
    let mut verifier = Verifier::new();
    verifier.add_pool(&h.pool);
    let cfg = AuthorizerConfig {
        issuers: vec![h.pool.issuer().into()],
        audiences: Some(vec![h.client_id.clone()]),
        scopes: Some(vec!["email".into()]),
    };
    let claims = verifier.verify(Some(access), &cfg, h.pool.now()).unwrap();
    assert_eq!(claims["scope"], "openid email");
    let id_cfg = AuthorizerConfig {
        scopes: None,
        ..cfg
    };
    let id = v["id_token"].as_str().unwrap();
    assert_eq!(
        verifier.verify(Some(id), &id_cfg, h.pool.now()).unwrap()["cognito:username"],
        "alice"
    );
    // Replaying the code fails.
    let (s, _) = exchange(&h, &code, VERIFIER).await;
    assert_eq!(s, 400);

    let (s, _, body) = raw(h.addr, "GET", "/oauth2/userInfo", None, Some(access)).await;
    assert_eq!(s, 200);
    let info: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(info["username"], "alice");
    assert_eq!(info["email"], "alice@example.com");
    let (s, _, _) = raw(h.addr, "GET", "/oauth2/userInfo", None, Some("bogus")).await;
    assert_eq!(s, 401);

    let form = format!(
        "grant_type=refresh_token&client_id={}&refresh_token={}",
        h.client_id,
        enc(v["refresh_token"].as_str().unwrap())
    );
    let (s, _, body) = raw(h.addr, "POST", "/oauth2/token", Some(&form), None).await;
    assert_eq!(s, 200, "{body}");
    let (s, _, body) = raw(
        h.addr,
        "POST",
        "/oauth2/token",
        Some("grant_type=password&client_id=x"),
        None,
    )
    .await;
    assert_eq!((s, body.as_str()), (400, "{\"error\":\"invalid_client\"}"));
    let form = format!("grant_type=password&client_id={}", h.client_id);
    let (s, _, body) = raw(h.addr, "POST", "/oauth2/token", Some(&form), None).await;
    assert_eq!(
        (s, body.as_str()),
        (400, "{\"error\":\"unsupported_grant_type\"}")
    );

    let (s, loc, _) = raw(
        h.addr,
        "GET",
        &format!(
            "/logout?client_id={}&logout_uri={}",
            h.client_id,
            enc(CALLBACK)
        ),
        None,
        None,
    )
    .await;
    assert_eq!((s, loc.as_deref()), (302, Some(CALLBACK)));
    let (s, _, _) = raw(
        h.addr,
        "GET",
        &format!(
            "/logout?client_id={}&logout_uri={}",
            h.client_id,
            enc("http://evil.example/")
        ),
        None,
        None,
    )
    .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn authorize_rejects_bad_requests_and_bad_passwords() {
    let h = Harness::start(None).await;
    h.sign_up_confirmed("alice", PW).await;
    for q in [
        authorize_query(&h, "http://evil.example/cb", true),
        // Cognito supports S256 only; a method without a challenge is malformed.
        authorize_query(&h, CALLBACK, true)
            .replace("code_challenge_method=S256", "code_challenge_method=plain"),
        authorize_query(&h, CALLBACK, false) + "&code_challenge_method=S256",
        authorize_query(&h, CALLBACK, true).replace(&h.client_id, "nosuchclient"),
        authorize_query(&h, CALLBACK, true).replace("response_type=code", "response_type=token"),
    ] {
        let (s, loc, _) = raw(h.addr, "GET", &format!("/oauth2/authorize?{q}"), None, None).await;
        assert_eq!((s, loc), (400, None), "{q}");
    }
    // PKCE is optional (as in Cognito): without a challenge authorize shows the login page.
    let q = authorize_query(&h, CALLBACK, false);
    let (s, loc, _) = raw(h.addr, "GET", &format!("/oauth2/authorize?{q}"), None, None).await;
    assert_eq!(s, 302, "{q}");
    assert!(loc.is_some_and(|l| l.starts_with("/login?")));
    let form = format!(
        "{}&username=alice&password=wrongPassword1",
        authorize_query(&h, CALLBACK, true)
    );
    let (s, loc, page) = raw(h.addr, "POST", "/login", Some(&form), None).await;
    assert_eq!((s, loc), (400, None));
    assert!(page.contains("Incorrect username or password."));
    // A login post that skips authorize's checks still cannot get a code for a foreign redirect.
    let form = format!(
        "{}&username=alice&password={}",
        authorize_query(&h, "http://evil.example/cb", true),
        enc(PW)
    );
    let (s, loc, _) = raw(h.addr, "POST", "/login", Some(&form), None).await;
    assert_eq!((s, loc), (400, None));
}

#[tokio::test]
async fn sign_up_and_confirm_pages_lead_to_a_code() {
    let h = Harness::start(None).await;
    let flow = authorize_query(&h, CALLBACK, true);
    let form = format!(
        "{flow}&username=bob&email=bob%40example.com&password={}",
        enc(PW)
    );
    let (s, loc, body) = raw(h.addr, "POST", "/signup", Some(&form), None).await;
    assert_eq!(s, 302, "{body}");
    let confirm = loc.unwrap();
    assert!(confirm.starts_with("/confirm?username=bob&"), "{confirm}");
    let (s, _, page) = raw(h.addr, "GET", &confirm, None, None).await;
    assert_eq!(s, 200);
    assert!(page.contains("value=\"bob\""));
    let form = format!("{flow}&username=bob&code=999999x");
    let (s, _, page) = raw(h.addr, "POST", "/confirm", Some(&form), None).await;
    assert_eq!(s, 400);
    assert!(page.contains("Invalid verification code"));
    let form = format!("{flow}&username=bob&code={}", h.last_code());
    let (s, loc, _) = raw(h.addr, "POST", "/confirm", Some(&form), None).await;
    assert_eq!(s, 302);
    assert!(loc.unwrap().starts_with("/login?"));
    let code = get_code(&h, "bob", PW).await;
    let (s, _) = exchange(&h, &code, VERIFIER).await;
    assert_eq!(s, 200);

    // A weak password re-renders the form with AWS's message.
    let form = format!("{flow}&username=carol&email=c%40example.com&password=short");
    let (s, _, page) = raw(h.addr, "POST", "/signup", Some(&form), None).await;
    assert_eq!(s, 400);
    assert!(page.contains("Password did not conform with policy: Password not long enough"));
}
