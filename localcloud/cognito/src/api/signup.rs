//! Self-service sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{attributes, str_field};
use crate::error::CognitoError;
use crate::service::UserPool;
use crate::store::{PendingCode, User, UserStatus};

/// AWS sign-up codes live 24 hours.
const CODE_LIFETIME: u64 = 24 * 3600;

pub(crate) fn new_code() -> String {
    format!("{:06}", uuid::Uuid::new_v4().as_u128() % 1_000_000)
}

fn delivery(user: &User) -> Value {
    let email = user.attributes.get("email").cloned().unwrap_or_default();
    json!({
        "AttributeName": "email",
        "DeliveryMedium": "EMAIL",
        "Destination": mask(&email),
    })
}

/// `j***@e***` as AWS masks destinations.
fn mask(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!(
            "{}***@{}***",
            local.chars().next().unwrap_or('*'),
            domain.chars().next().unwrap_or('*')
        ),
        None => "***".into(),
    }
}

pub(crate) fn sign_up(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    pool.config.client(str_field(input, "ClientId")?)?;
    let username = str_field(input, "Username")?.to_string();
    let password = str_field(input, "Password")?;
    let written = attributes(input, "UserAttributes");
    crate::attributes::check(
        &pool.config.custom_attributes,
        &written,
        crate::attributes::Writer::Client,
    )?;
    let mut attrs: BTreeMap<String, String> = written.into_iter().collect();
    if pool.config.email_is_username() {
        if !username.contains('@') {
            return Err(CognitoError::param("Username should be an email."));
        }
        attrs
            .entry("email".into())
            .or_insert_with(|| username.clone());
    }
    for required in &pool.config.required_attributes {
        if !attrs.contains_key(required) {
            return Err(CognitoError::param(format!(
                "Attributes did not conform to the schema: {required}: The attribute {required} is required"
            )));
        }
    }
    pool.config.password_policy.check(password)?;
    let now = pool.now();
    let code = new_code();
    let user = pool.write(|state| {
        let key = pool.config.user_key(&username);
        if pool.find_key(state, &username).is_some() {
            return Err(CognitoError::UsernameExistsException(
                "User already exists".into(),
            ));
        }
        let (salt, hash) = crate::password::hash_new(password);
        let user = User {
            username: username.clone(),
            sub: uuid::Uuid::new_v4().to_string(),
            attributes: attrs,
            password_hash: hash,
            salt,
            status: UserStatus::UNCONFIRMED,
            enabled: true,
            created: now,
            modified: now,
            code: Some(PendingCode {
                code: code.clone(),
                expires: now + CODE_LIFETIME,
            }),
        };
        state.users.insert(key, user.clone());
        Ok(user)
    })?;
    pool.deliver_code(&user, &code);
    Ok(json!({
        "UserConfirmed": false,
        "UserSub": user.sub,
        "CodeDeliveryDetails": delivery(&user),
    }))
}

pub(crate) fn confirm_sign_up(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    let client = pool.config.client(str_field(input, "ClientId")?)?;
    let username = str_field(input, "Username")?;
    let code = str_field(input, "ConfirmationCode")?;
    let now = pool.now();
    let hide = client.prevent_user_existence_errors;
    pool.write(|state| {
        let key = pool.find_key(state, username).ok_or_else(|| {
            if hide {
                CognitoError::CodeMismatchException(
                    "Invalid verification code provided, please try again.".into(),
                )
            } else {
                CognitoError::UserNotFoundException(
                    "Username/client id combination not found.".into(),
                )
            }
        })?;
        let auto_verify = pool.config.auto_verified.clone();
        let user = state
            .users
            .get_mut(&key)
            .ok_or_else(|| CognitoError::UserNotFoundException("User does not exist.".into()))?;
        if user.status == UserStatus::CONFIRMED {
            return Err(CognitoError::NotAuthorizedException(
                "User cannot be confirmed. Current status is CONFIRMED".into(),
            ));
        }
        let pending = user.code.clone().ok_or_else(|| {
            CognitoError::ExpiredCodeException(
                "Invalid code provided, please request a code again.".into(),
            )
        })?;
        if pending.code != code {
            return Err(CognitoError::CodeMismatchException(
                "Invalid verification code provided, please try again.".into(),
            ));
        }
        if pending.expires <= now {
            return Err(CognitoError::ExpiredCodeException(
                "Invalid code provided, please request a code again.".into(),
            ));
        }
        user.status = UserStatus::CONFIRMED;
        user.code = None;
        user.modified = now;
        for attr in auto_verify {
            let name = attr.name();
            if user.attributes.contains_key(name) {
                user.attributes
                    .insert(format!("{name}_verified"), "true".into());
            }
        }
        Ok(json!({}))
    })
}

pub(crate) fn resend_code(pool: &UserPool, input: &Value) -> Result<Value, CognitoError> {
    pool.config.client(str_field(input, "ClientId")?)?;
    let username = str_field(input, "Username")?;
    let now = pool.now();
    let code = new_code();
    let user = pool.write(|state| {
        let key = pool.find_key(state, username).ok_or_else(|| {
            CognitoError::UserNotFoundException("Username/client id combination not found.".into())
        })?;
        let user = state
            .users
            .get_mut(&key)
            .ok_or_else(|| CognitoError::UserNotFoundException("User does not exist.".into()))?;
        if user.status == UserStatus::CONFIRMED {
            return Err(CognitoError::InvalidParameterException(
                "User is already confirmed.".into(),
            ));
        }
        user.code = Some(PendingCode {
            code: code.clone(),
            expires: now + CODE_LIFETIME,
        });
        Ok(user.clone())
    })?;
    pool.deliver_code(&user, &code);
    Ok(json!({"CodeDeliveryDetails": delivery(&user)}))
}
