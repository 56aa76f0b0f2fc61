//! The API Gateway `COGNITO_USER_POOLS` authorizer's token check.
//!
//! Rules (AWS knowledge center, "troubleshoot 401 Unauthorized ... Cognito user pool"): with no
//! `authorizationScopes` on the method the token must be a valid **ID token** of a configured
//! pool; with scopes it must be an **access token** whose `scope` holds at least one of them.
//! Missing, malformed, badly signed, foreign, wrong-use and tampered tokens get 401
//! `{"message":"Unauthorized"}`; expired ones 401 `{"message":"The incoming token has expired"}`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::service::UserPool;

/// Claims as API Gateway exposes them in `$context.authorizer.claims`: every value a string.
pub type Claims = BTreeMap<String, String>;

/// What the method's authorizer expects.
#[derive(Debug, Clone, Default)]
pub struct AuthorizerConfig {
    /// Accepted issuers (`<issuer_base>/<poolId>`), one per `providerARNs` entry.
    pub issuers: Vec<String>,
    /// Accepted app client ids (`aud` of ID tokens, `client_id` of access tokens); `None` = any.
    pub audiences: Option<Vec<String>>,
    /// The method's `authorizationScopes`; `Some` requires an access token.
    pub scopes: Option<Vec<String>>,
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No token in the identity source.
    #[error("Unauthorized")]
    MissingToken,
    /// Malformed, badly signed, unknown key, foreign issuer, wrong `token_use` or audience.
    #[error("Unauthorized")]
    InvalidToken(String),
    /// `exp` is in the past.
    #[error("The incoming token has expired")]
    Expired,
    /// A valid access token without any of the method's scopes.
    #[error("Unauthorized")]
    InsufficientScope,
}

impl AuthError {
    /// The HTTP status API Gateway answers with (the UNAUTHORIZED / EXPIRED_TOKEN gateway
    /// responses as a Cognito authorizer triggers them).
    pub fn status(&self) -> u16 {
        401
    }

    /// The gateway response type this maps to.
    pub fn gateway_response_type(&self) -> &'static str {
        match self {
            Self::Expired => "EXPIRED_TOKEN",
            _ => "UNAUTHORIZED",
        }
    }

    /// The default body, `{"message": ...}`.
    pub fn body(&self) -> Value {
        serde_json::json!({"message": self.to_string()})
    }
}

/// The trusted keys of the configured pools, and the tokens whose signature they verified.
#[derive(Clone, Default)]
pub struct Verifier {
    keys: Vec<(String, String, DecodingKey)>,
    verified: Arc<RwLock<HashMap<String, Arc<Verified>>>>,
}

/// A token whose signature checked out: what the per-request checks read.
struct Verified {
    iss: String,
    claims: serde_json::Map<String, Value>,
    rendered: Claims,
}

/// How many verified tokens are remembered before the memory is cleared.
const VERIFIED_CAPACITY: usize = 10_000;

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<_> = self.keys.iter().map(|(i, k, _)| (i, k)).collect();
        f.debug_struct("Verifier").field("keys", &kids).finish()
    }
}

impl Verifier {
    /// An empty verifier (rejects everything).
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts the keys of `jwks` for tokens whose `iss` is `issuer`.
    pub fn add_jwks(&mut self, issuer: &str, jwks: &JwkSet) -> &mut Self {
        for jwk in &jwks.keys {
            if let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) {
                self.keys.push((issuer.to_string(), kid, key));
            }
        }
        self.forget_verified();
        self
    }

    /// Trusts a local pool.
    pub fn add_pool(&mut self, pool: &UserPool) -> &mut Self {
        for key in [&pool.key, &pool.access_key] {
            self.keys.push((
                pool.issuer().to_string(),
                key.kid.clone(),
                key.decoding.clone(),
            ));
        }
        self.forget_verified();
        self
    }

    fn forget_verified(&self) {
        if let Ok(mut v) = self.verified.write() {
            v.clear();
        }
    }

    /// Verifies `token` (the raw identity-source value; a `Bearer ` prefix is accepted) at
    /// time `now` (epoch seconds) and returns its claims in API Gateway's rendering.
    ///
    /// A token's signature is checked once: the payload of a token that passed is remembered
    /// (the keys never change while the verifier lives), and every call still checks the issuer,
    /// `exp`, `token_use`, the audience and the scopes against `expected` and `now`.
    pub fn verify(
        &self,
        token: Option<&str>,
        expected: &AuthorizerConfig,
        now: u64,
    ) -> Result<Claims, AuthError> {
        let token = token.map(str::trim).filter(|t| !t.is_empty());
        let token = token.ok_or(AuthError::MissingToken)?;
        let token = token
            .strip_prefix("Bearer ")
            .or_else(|| token.strip_prefix("bearer "))
            .unwrap_or(token)
            .trim();
        let known = self
            .verified
            .read()
            .ok()
            .and_then(|v| v.get(token).cloned());
        let verified = match known {
            Some(v) => v,
            None => {
                let v = Arc::new(self.verify_signature(token, expected)?);
                if let Ok(mut all) = self.verified.write() {
                    if all.len() >= VERIFIED_CAPACITY {
                        all.clear();
                    }
                    all.insert(token.to_owned(), v.clone());
                }
                v
            }
        };
        check_claims(&verified, expected, now)?;
        Ok(verified.rendered.clone())
    }

    /// The checks that depend on the token alone: form, algorithm, a trusted key, signature.
    fn verify_signature(
        &self,
        token: &str,
        expected: &AuthorizerConfig,
    ) -> Result<Verified, AuthError> {
        let invalid = |why: &str| AuthError::InvalidToken(why.to_string());
        // decode_header fails on `alg: none` and any algorithm jsonwebtoken does not know.
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed"))?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid("algorithm"));
        }
        let kid = header.kid.ok_or_else(|| invalid("no kid"))?;
        let iss = unverified_claim(token, "iss").ok_or_else(|| invalid("no iss"))?;
        // A foreign issuer is refused before any key is looked for.
        if !expected.issuers.contains(&iss) {
            return Err(invalid("issuer"));
        }
        let (_, _, key) = self
            .keys
            .iter()
            .find(|(i, k, _)| *i == iss && *k == kid)
            .ok_or_else(|| invalid("unknown kid"))?;
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_exp = false;
        v.validate_aud = false;
        v.required_spec_claims.clear();
        v.set_issuer(&[iss.as_str()]);
        let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, key, &v)
            .map_err(|_| invalid("signature"))?;
        let claims = data.claims;
        Ok(Verified {
            rendered: render_claims(&claims),
            iss,
            claims,
        })
    }
}

/// The checks of a signed token against the method and the time.
fn check_claims(v: &Verified, expected: &AuthorizerConfig, now: u64) -> Result<(), AuthError> {
    let invalid = |why: &str| AuthError::InvalidToken(why.to_string());
    if !expected.issuers.contains(&v.iss) {
        return Err(invalid("issuer"));
    }
    let c = &v.claims;
    let exp = c
        .get("exp")
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid("no exp"))?;
    if exp <= now {
        return Err(AuthError::Expired);
    }
    let token_use = c.get("token_use").and_then(Value::as_str);
    let client = match &expected.scopes {
        None => {
            if token_use != Some("id") {
                return Err(invalid("not an id token"));
            }
            c.get("aud").and_then(Value::as_str)
        }
        Some(scopes) => {
            if token_use != Some("access") {
                return Err(invalid("not an access token"));
            }
            let granted = c.get("scope").and_then(Value::as_str).unwrap_or("");
            if !granted.split(' ').any(|g| scopes.iter().any(|s| s == g)) {
                return Err(AuthError::InsufficientScope);
            }
            c.get("client_id").and_then(Value::as_str)
        }
    };
    if let Some(auds) = &expected.audiences {
        if !client.is_some_and(|c| auds.iter().any(|a| a == c)) {
            return Err(invalid("audience"));
        }
    }
    Ok(())
}

/// API Gateway's rendering: strings verbatim, numbers in decimal, booleans `true`/`false`,
/// `exp` and `iat` as Java's `Date.toString()` (`Sat Nov 28 13:40:53 UTC 2026`), arrays
/// joined by commas.
pub fn render_claims(c: &serde_json::Map<String, Value>) -> Claims {
    c.iter()
        .map(|(k, v)| {
            let s = match (k.as_str(), v) {
                ("exp" | "iat", Value::Number(n)) => n
                    .as_i64()
                    .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
                    .map(|d| d.format("%a %b %d %H:%M:%S UTC %Y").to_string())
                    .unwrap_or_else(|| n.to_string()),
                (_, Value::String(s)) => s.clone(),
                (_, Value::Array(a)) => a
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                (_, other) => other.to_string(),
            };
            (k.clone(), s)
        })
        .collect()
}

/// A claim read from the payload **without** verification (only to pick the pool/key).
pub fn unverified_claim(token: &str, name: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get(name)?.as_str().map(str::to_string)
}
