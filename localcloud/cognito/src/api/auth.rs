//! Sign-in and sessions: InitiateAuth, AdminInitiateAuth (USER_PASSWORD_AUTH,
//! ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH), GetUser, GlobalSignOut, RevokeToken.

use serde_json::{json, Value};

use super::{attribute_list, str_field};
use crate::error::CognitoError;
use crate::pool::AuthFlow;
use crate::service::UserPool;

fn param<'a>(input: &'a Value, name: &str) -> Result<&'a str, CognitoError> {
    input
        .get("AuthParameters")
        .and_then(|p| p.get(name))
        .and_then(Value::as_str)
        .ok_or_else(|| CognitoError::param(format!("Missing required parameter {name}")))
}

pub(crate) fn initiate_auth(
    pool: &UserPool,
    input: &Value,
    admin: bool,
) -> Result<Value, CognitoError> {
    let client = pool.config.client(str_field(input, "ClientId")?)?;
    let flow = str_field(input, "AuthFlow")?;
    let disabled = || {
        CognitoError::InvalidParameterException(format!("{flow} flow not enabled for this client"))
    };
    match flow {
        "USER_PASSWORD_AUTH" if !admin => {
            if !client.allows(AuthFlow::UserPassword) {
                return Err(disabled());
            }
            pool.password_auth(client, param(input, "USERNAME")?, param(input, "PASSWORD")?)
        }
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" if admin => {
            if !client.allows(AuthFlow::AdminUserPassword) {
                return Err(disabled());
            }
            pool.password_auth(client, param(input, "USERNAME")?, param(input, "PASSWORD")?)
        }
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            if !client.allows(AuthFlow::RefreshToken) {
                return Err(disabled());
            }
            let tokens = pool.refresh_auth(client, param(input, "REFRESH_TOKEN")?)?;
            Ok(json!({
                "AuthenticationResult": tokens.authentication_result(),
                "ChallengeParameters": {},
            }))
        }
        "USER_SRP_AUTH" | "CUSTOM_AUTH" | "USER_AUTH" => Err(CognitoError::InvalidParameterException(
            format!("{flow} is not emulated locally; use USER_PASSWORD_AUTH"),
        )),
        other => Err(CognitoError::param(format!(
            "1 validation error detected: Value '{other}' at 'authFlow' failed to satisfy constraint"
        ))),
    }
}

pub(crate) fn get_user(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let (key, _) = pool.check_access_token(str_field(input, "AccessToken")?)?;
    pool.read(|state| {
        let user = state
            .users
            .get(&key)
            .ok_or_else(|| CognitoError::UserNotFoundException("User does not exist.".into()))?;
        Ok(json!({
            "Username": user.username,
            "UserAttributes": attribute_list(user),
        }))
    })
}

pub(crate) fn global_sign_out(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let (key, _) = pool.check_access_token(str_field(input, "AccessToken")?)?;
    pool.write(|state| {
        let origins: Vec<String> = state
            .refresh_tokens
            .values()
            .filter(|r| r.user_key == key)
            .map(|r| r.origin_jti.clone())
            .collect();
        state.refresh_tokens.retain(|_, r| r.user_key != key);
        state.revoked_origins.extend(origins);
        Ok(json!({}))
    })
}

pub(crate) fn revoke_token(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let client_id = str_field(input, "ClientId")?;
    let token = str_field(input, "Token")?;
    pool.write(|state| {
        match state.refresh_tokens.get(token) {
            Some(r) if r.client_id == client_id => {
                let origin = r.origin_jti.clone();
                state.refresh_tokens.remove(token);
                state.revoked_origins.insert(origin);
                Ok(json!({}))
            }
            Some(_) => Err(CognitoError::NotAuthorizedException(
                "Invalid client id".into(),
            )),
            // AWS answers success for unknown tokens (RFC 7009).
            None => Ok(json!({})),
        }
    })
}
