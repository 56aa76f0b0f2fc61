//! Token minting with Cognito's claim sets: RS256 ID and access tokens signed with the pool key,
//! opaque refresh tokens recorded in the state.

use jsonwebtoken::{Algorithm, Header};
use serde_json::{json, Map, Value};

use crate::error::CognitoError;
use crate::keys::SigningKey;
use crate::pool::ClientConfig;
use crate::store::User;

/// Scope of access tokens from the API's password flows.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// One authentication's token set, as `AuthenticationResult` returns it.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// The ID token.
    pub id_token: String,
    /// The access token.
    pub access_token: String,
    /// Opaque refresh token (absent on REFRESH_TOKEN_AUTH, as in AWS).
    pub refresh_token: Option<String>,
    /// Access token lifetime in seconds.
    pub expires_in: u64,
}

impl TokenSet {
    /// The `AuthenticationResult` object.
    pub fn authentication_result(&self) -> Value {
        let mut v = json!({
            "AccessToken": self.access_token,
            "ExpiresIn": self.expires_in,
            "IdToken": self.id_token,
            "TokenType": "Bearer",
        });
        if let (Some(r), Some(o)) = (&self.refresh_token, v.as_object_mut()) {
            o.insert("RefreshToken".into(), json!(r));
        }
        v
    }
}

/// Inputs of one minting.
pub struct Mint<'a> {
    /// ID token signing key.
    pub key: &'a SigningKey,
    /// Access token signing key.
    pub access_key: &'a SigningKey,
    /// `iss`.
    pub issuer: &'a str,
    /// The app client.
    pub client: &'a ClientConfig,
    /// The user.
    pub user: &'a User,
    /// Now (epoch seconds).
    pub now: u64,
    /// `auth_time` (original sign-in).
    pub auth_time: u64,
    /// `origin_jti`: constant across refreshes of one sign-in.
    pub origin_jti: &'a str,
    /// Access token `scope`, space separated.
    pub scope: &'a str,
}

fn sign(key: &SigningKey, claims: &Value) -> Result<String, CognitoError> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.encoding)
        .map_err(|e| CognitoError::InternalErrorException(format!("signing: {e}")))
}

impl Mint<'_> {
    /// Mints the ID and access tokens.
    pub fn tokens(&self, refresh_token: Option<String>) -> Result<TokenSet, CognitoError> {
        let event_id = uuid::Uuid::new_v4().to_string();
        let mut id = Map::new();
        // The stored attributes first, then the claims Cognito owns over them: a stored `sub`
        // or `cognito:*` (from a state file written before attributes were checked) must never
        // stand in for the user's own.
        for (k, v) in &self.user.attributes {
            match k.as_str() {
                "sub" => {}
                _ if k.starts_with("cognito:") => {}
                "email_verified" | "phone_number_verified" => {
                    id.insert(k.clone(), json!(v == "true"));
                }
                _ => {
                    id.insert(k.clone(), json!(v));
                }
            }
        }
        let common = [
            ("iss", json!(self.issuer)),
            ("origin_jti", json!(self.origin_jti)),
            ("event_id", json!(event_id)),
            ("auth_time", json!(self.auth_time)),
            ("iat", json!(self.now)),
        ];
        id.insert("sub".into(), json!(self.user.sub));
        id.insert("cognito:username".into(), json!(self.user.username));
        id.insert("aud".into(), json!(self.client.client_id));
        id.insert("token_use".into(), json!("id"));
        id.insert("exp".into(), json!(self.now + self.client.id_validity));
        id.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
        let mut access = Map::new();
        access.insert("sub".into(), json!(self.user.sub));
        access.insert("client_id".into(), json!(self.client.client_id));
        access.insert("token_use".into(), json!("access"));
        access.insert("scope".into(), json!(self.scope));
        access.insert("username".into(), json!(self.user.username));
        access.insert("version".into(), json!(2));
        access.insert("exp".into(), json!(self.now + self.client.access_validity));
        access.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
        for (k, v) in common {
            id.insert(k.into(), v.clone());
            access.insert(k.into(), v);
        }
        Ok(TokenSet {
            id_token: sign(self.key, &Value::Object(id))?,
            access_token: sign(self.access_key, &Value::Object(access))?,
            refresh_token,
            expires_in: self.client.access_validity,
        })
    }
}

/// A new opaque refresh token (Cognito's are JWE blobs; here a random string of similar use).
pub fn new_refresh_token() -> String {
    format!(
        "{}.{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}
