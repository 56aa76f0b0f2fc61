//! Administrator operations: AdminCreateUser, AdminSetUserPassword, AdminConfirmSignUp,
//! AdminGetUser, ListUsers.

use serde_json::{json, Value};

use super::{attribute_list, attributes, str_field};
use crate::error::CognitoError;
use crate::service::UserPool;
use crate::store::{User, UserStatus};

fn not_found() -> CognitoError {
    CognitoError::UserNotFoundException("User does not exist.".into())
}

fn user_type(user: &User) -> Value {
    json!({
        "Username": user.username,
        "Attributes": attribute_list(user),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    })
}

pub(crate) fn create_user(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let username = str_field(input, "Username")?.to_string();
    let temporary = match input.get("TemporaryPassword").and_then(Value::as_str) {
        Some(p) => {
            pool.config.password_policy.check(p)?;
            p.to_string()
        }
        // Meets any policy: upper, lower, digits, symbol, length 32+.
        None => format!("Tmp#{}9a", uuid::Uuid::new_v4().simple()),
    };
    let written = attributes(input, "UserAttributes");
    crate::attributes::check(
        &pool.config.custom_attributes,
        &written,
        crate::attributes::Writer::Admin,
    )?;
    let attrs = written.into_iter().collect();
    let now = pool.now();
    let user = pool.write(|state| {
        if pool.find_key(state, &username).is_some() {
            return Err(CognitoError::UsernameExistsException(
                "User account already exists".into(),
            ));
        }
        let (salt, hash) = crate::password::hash_new(&temporary);
        let user = User {
            username: username.clone(),
            sub: uuid::Uuid::new_v4().to_string(),
            attributes: attrs,
            password_hash: hash,
            salt,
            status: UserStatus::FORCE_CHANGE_PASSWORD,
            enabled: true,
            created: now,
            modified: now,
            code: None,
        };
        state
            .users
            .insert(pool.config.user_key(&username), user.clone());
        Ok(user)
    })?;
    if input.get("MessageAction").and_then(Value::as_str) != Some("SUPPRESS") {
        tracing::info!(pool_id = %pool.config.pool_id, username = %user.username,
            temporary_password = %temporary, "Cognito invitation (not mailed locally)");
    }
    Ok(json!({"User": user_type(&user)}))
}

pub(crate) fn set_password(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let username = str_field(input, "Username")?;
    let password = str_field(input, "Password")?;
    let permanent = input
        .get("Permanent")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    pool.config.password_policy.check(password)?;
    let now = pool.now();
    pool.write(|state| {
        let key = pool.find_key(state, username).ok_or_else(not_found)?;
        let user = state.users.get_mut(&key).ok_or_else(not_found)?;
        let (salt, hash) = crate::password::hash_new(password);
        user.salt = salt;
        user.password_hash = hash;
        user.status = if permanent {
            UserStatus::CONFIRMED
        } else {
            UserStatus::FORCE_CHANGE_PASSWORD
        };
        user.modified = now;
        Ok(json!({}))
    })
}

pub(crate) fn confirm(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let username = str_field(input, "Username")?;
    let now = pool.now();
    pool.write(|state| {
        let key = pool.find_key(state, username).ok_or_else(not_found)?;
        let user = state.users.get_mut(&key).ok_or_else(not_found)?;
        if user.status == UserStatus::CONFIRMED {
            return Err(CognitoError::NotAuthorizedException(
                "User cannot be confirmed. Current status is CONFIRMED".into(),
            ));
        }
        user.status = UserStatus::CONFIRMED;
        user.code = None;
        user.modified = now;
        Ok(json!({}))
    })
}

pub(crate) fn get_user(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let username = str_field(input, "Username")?;
    pool.read(|state| {
        let key = pool.find_key(state, username).ok_or_else(not_found)?;
        let user = state.users.get(&key).ok_or_else(not_found)?;
        Ok(json!({
            "Username": user.username,
            "UserAttributes": attribute_list(user),
            "UserCreateDate": user.created,
            "UserLastModifiedDate": user.modified,
            "Enabled": user.enabled,
            "UserStatus": user.status.as_str(),
        }))
    })
}

/// `attr = "v"` or `attr ^= "v"` (the forms ListUsers accepts).
fn parse_filter(filter: &str) -> Result<(String, bool, String), CognitoError> {
    let bad = || CognitoError::param(format!("Error while parsing filter: {filter}"));
    let (name, prefix, rest) = if let Some((n, r)) = filter.split_once("^=") {
        (n, true, r)
    } else if let Some((n, r)) = filter.split_once('=') {
        (n, false, r)
    } else {
        return Err(bad());
    };
    let value = rest
        .trim()
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .ok_or_else(bad)?;
    Ok((name.trim().to_string(), prefix, value.to_string()))
}

pub(crate) fn list_users(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let filter = match input.get("Filter").and_then(Value::as_str) {
        Some(f) if !f.trim().is_empty() => Some(parse_filter(f)?),
        _ => None,
    };
    let limit = input.get("Limit").and_then(Value::as_u64).unwrap_or(60);
    if !(1..=60).contains(&limit) {
        return Err(CognitoError::param(
            "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
        ));
    }
    let after = input.get("PaginationToken").and_then(Value::as_str);
    pool.read(|state| {
        let mut out = Vec::new();
        let mut next = None;
        for (key, user) in &state.users {
            if after.is_some_and(|a| key.as_str() <= a) {
                continue;
            }
            if let Some((name, prefix, value)) = &filter {
                let actual = match name.as_str() {
                    "username" => Some(user.username.as_str()),
                    "sub" => Some(user.sub.as_str()),
                    "status" | "cognito:user_status" => Some(user.status.as_str()),
                    other => user.attributes.get(other).map(String::as_str),
                };
                let ok = actual.is_some_and(|a| {
                    if *prefix {
                        a.starts_with(value.as_str())
                    } else {
                        a == value
                    }
                });
                if !ok {
                    continue;
                }
            }
            if out.len() as u64 == limit {
                next = out.last().map(|(k, _): &(String, Value)| k.clone());
                break;
            }
            out.push((key.clone(), user_type(user)));
        }
        let mut resp = json!({"Users": out.into_iter().map(|(_, u)| u).collect::<Vec<_>>()});
        if let (Some(n), Some(o)) = (next, resp.as_object_mut()) {
            o.insert("PaginationToken".into(), json!(n));
        }
        Ok(resp)
    })
}
