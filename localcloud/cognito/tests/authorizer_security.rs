//! The API Gateway verifier against hostile tokens: each case must be refused with the right
//! status and never yield claims.
#![allow(clippy::unwrap_used)]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::Harness;
use localcloud_cognito::{AuthError, AuthorizerConfig, Verifier};
use serde_json::{json, Value};

const PW: &str = "Correct-Horse9battery";

struct Setup {
    h: Harness,
    verifier: Verifier,
    cfg: AuthorizerConfig,
    id: String,
    access: String,
}

async fn setup() -> Setup {
    let h = Harness::start(None).await;
    h.sign_up_confirmed("alice", PW).await;
    let (_, v) = h.sign_in("alice", PW).await;
    let r = &v["AuthenticationResult"];
    let mut verifier = Verifier::new();
    verifier.add_pool(&h.pool);
    let cfg = AuthorizerConfig {
        issuers: vec![h.pool.issuer().to_string()],
        audiences: Some(vec![h.client_id.clone()]),
        scopes: None,
    };
    Setup {
        id: r["IdToken"].as_str().unwrap().into(),
        access: r["AccessToken"].as_str().unwrap().into(),
        h,
        verifier,
        cfg,
    }
}

fn parts(token: &str) -> (Value, Value, String) {
    let p: Vec<&str> = token.split('.').collect();
    let dec = |s: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(s).unwrap()).unwrap();
    (dec(p[0]), dec(p[1]), p[2].to_string())
}

fn assemble(header: &Value, payload: &Value, sig: &str) -> String {
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{sig}", enc(header), enc(payload))
}

#[tokio::test]
async fn valid_id_token_passes_with_and_without_bearer() {
    let s = setup().await;
    let now = s.h.pool.now();
    let c = s.verifier.verify(Some(&s.id), &s.cfg, now).unwrap();
    assert_eq!(c["cognito:username"], "alice");
    let bearer = format!("Bearer {}", s.id);
    assert!(s.verifier.verify(Some(&bearer), &s.cfg, now).is_ok());
}

#[tokio::test]
async fn missing_and_garbage_tokens() {
    let s = setup().await;
    let now = s.h.pool.now();
    let e = s.verifier.verify(None, &s.cfg, now).unwrap_err();
    assert_eq!(e, AuthError::MissingToken);
    assert_eq!(
        (e.status(), e.body()),
        (401, json!({"message": "Unauthorized"}))
    );
    assert_eq!(
        s.verifier.verify(Some("  "), &s.cfg, now).unwrap_err(),
        AuthError::MissingToken
    );
    for junk in [
        "abc",
        "a.b.c",
        "Bearer",
        "....",
        "eyJhbGciOiJSUzI1NiJ9.e30.",
    ] {
        let e = s.verifier.verify(Some(junk), &s.cfg, now).unwrap_err();
        assert!(matches!(e, AuthError::InvalidToken(_)), "{junk}: {e:?}");
        assert_eq!(e.status(), 401);
    }
}

#[tokio::test]
async fn expired_token() {
    let s = setup().await;
    let later = s.h.pool.now() + 3600;
    let e = s.verifier.verify(Some(&s.id), &s.cfg, later).unwrap_err();
    assert_eq!(e, AuthError::Expired);
    assert_eq!(e.status(), 401);
    assert_eq!(
        e.body(),
        json!({"message": "The incoming token has expired"})
    );
    assert!(s.verifier.verify(Some(&s.id), &s.cfg, later - 1).is_ok());
}

#[tokio::test]
async fn wrong_signature_and_tampered_claim() {
    let s = setup().await;
    let now = s.h.pool.now();
    let (h, p, sig) = parts(&s.id);
    // Signature of the access token pasted onto the ID token's header and payload.
    let (_, _, other_sig) = parts(&s.access);
    let forged = assemble(&h, &p, &other_sig);
    assert!(matches!(
        s.verifier.verify(Some(&forged), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));
    // A tampered claim under the original signature.
    let mut p2 = p.clone();
    p2["cognito:username"] = json!("mallory");
    let tampered = assemble(&h, &p2, &sig);
    assert!(matches!(
        s.verifier.verify(Some(&tampered), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));
    let mut p3 = p;
    p3["exp"] = json!(now + 1_000_000);
    let tampered = assemble(&h, &p3, &sig);
    assert!(matches!(
        s.verifier.verify(Some(&tampered), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));
}

#[tokio::test]
async fn alg_none_hs256_and_unknown_kid() {
    let s = setup().await;
    let now = s.h.pool.now();
    let (h, p, _) = parts(&s.id);
    let none = assemble(
        &json!({"alg": "none", "typ": "JWT", "kid": h["kid"]}),
        &p,
        "",
    );
    assert!(matches!(
        s.verifier.verify(Some(&none), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));

    // HS256 signed with the public modulus as the HMAC secret (the classic key confusion).
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = h["kid"].as_str().map(str::to_string);
    let secret = jsonwebtoken::EncodingKey::from_secret(s.h.pool.key.n.as_bytes());
    let hs = jsonwebtoken::encode(&header, &p, &secret).unwrap();
    assert!(matches!(
        s.verifier.verify(Some(&hs), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));

    let (_, _, sig) = parts(&s.id);
    let unknown = assemble(&json!({"alg": "RS256", "kid": "not-our-key"}), &p, &sig);
    assert!(matches!(
        s.verifier.verify(Some(&unknown), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));
}

#[tokio::test]
async fn token_from_another_pool() {
    let s = setup().await;
    let other = Harness::start(None).await;
    other.sign_up_confirmed("alice", PW).await;
    let (_, v) = other.sign_in("alice", PW).await;
    let foreign = v["AuthenticationResult"]["IdToken"].as_str().unwrap();
    let now = s.h.pool.now();
    assert!(matches!(
        s.verifier.verify(Some(foreign), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));

    // Even when the foreign token claims our issuer, its key is not ours.
    let (h, mut p, sig) = parts(foreign);
    p["iss"] = json!(s.h.pool.issuer());
    let relabeled = assemble(&h, &p, &sig);
    assert!(matches!(
        s.verifier.verify(Some(&relabeled), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));

    // Trusting the other pool too makes its token pass (issuers are a list).
    let mut both = s.verifier.clone();
    both.add_pool(&other.pool);
    let cfg = AuthorizerConfig {
        issuers: vec![s.h.pool.issuer().into(), other.pool.issuer().into()],
        audiences: None,
        scopes: None,
    };
    assert!(both.verify(Some(foreign), &cfg, now).is_ok());
}

#[tokio::test]
async fn token_use_audience_and_scopes() {
    let s = setup().await;
    let now = s.h.pool.now();
    // No scopes configured: an access token is refused, the ID token accepted.
    assert!(matches!(
        s.verifier.verify(Some(&s.access), &s.cfg, now),
        Err(AuthError::InvalidToken(_))
    ));
    // Scopes configured: the ID token is refused; the access token passes only with a match.
    let scoped = |scopes: &[&str]| AuthorizerConfig {
        scopes: Some(scopes.iter().map(|s| s.to_string()).collect()),
        ..s.cfg.clone()
    };
    let cfg = scoped(&["aws.cognito.signin.user.admin"]);
    assert!(matches!(
        s.verifier.verify(Some(&s.id), &cfg, now),
        Err(AuthError::InvalidToken(_))
    ));
    assert!(s.verifier.verify(Some(&s.access), &cfg, now).is_ok());
    let e = s
        .verifier
        .verify(Some(&s.access), &scoped(&["orders/write"]), now)
        .unwrap_err();
    assert_eq!(e, AuthError::InsufficientScope);
    assert_eq!(e.status(), 401);
    // Audience restriction.
    let cfg = AuthorizerConfig {
        audiences: Some(vec!["someotherclient".into()]),
        ..s.cfg.clone()
    };
    assert!(matches!(
        s.verifier.verify(Some(&s.id), &cfg, now),
        Err(AuthError::InvalidToken(_))
    ));
}

#[tokio::test]
async fn a_token_verified_once_is_still_checked_on_every_call() {
    let s = setup().await;
    let now = s.h.pool.now();
    // The first call verifies the signature and remembers the token.
    assert!(s.verifier.verify(Some(&s.id), &s.cfg, now).is_ok());
    // Later calls with the same token still check time, issuer, audience and token use.
    assert_eq!(
        s.verifier.verify(Some(&s.id), &s.cfg, now + 3600),
        Err(AuthError::Expired)
    );
    let foreign_issuer = AuthorizerConfig {
        issuers: vec!["http://127.0.0.1:1/us-east-1_other".into()],
        ..s.cfg.clone()
    };
    assert!(matches!(
        s.verifier.verify(Some(&s.id), &foreign_issuer, now),
        Err(AuthError::InvalidToken(_))
    ));
    let other_client = AuthorizerConfig {
        audiences: Some(vec!["another-client".into()]),
        ..s.cfg.clone()
    };
    assert!(matches!(
        s.verifier.verify(Some(&s.id), &other_client, now),
        Err(AuthError::InvalidToken(_))
    ));
    let with_scopes = AuthorizerConfig {
        scopes: Some(vec!["openid".into()]),
        ..s.cfg.clone()
    };
    assert!(matches!(
        s.verifier.verify(Some(&s.id), &with_scopes, now),
        Err(AuthError::InvalidToken(_))
    ));
    // And a verifier that does not trust the pool refuses it, even after another verified it.
    let stranger = Verifier::new();
    assert!(stranger.verify(Some(&s.id), &s.cfg, now).is_err());
    assert!(s.verifier.verify(Some(&s.id), &s.cfg, now).is_ok());
}
