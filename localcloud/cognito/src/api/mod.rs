//! The `cognito-idp` AWS JSON 1.1 API: `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`,
//! dispatched by a closed enum to the files of this module.

mod admin;
mod auth;
pub(crate) mod signup;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::CognitoError;
use crate::service::UserPool;

/// The operations this emulator implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// SignUp.
    SignUp,
    /// ConfirmSignUp.
    ConfirmSignUp,
    /// ResendConfirmationCode.
    ResendConfirmationCode,
    /// AdminCreateUser.
    AdminCreateUser,
    /// AdminSetUserPassword.
    AdminSetUserPassword,
    /// AdminConfirmSignUp.
    AdminConfirmSignUp,
    /// AdminGetUser.
    AdminGetUser,
    /// ListUsers.
    ListUsers,
    /// InitiateAuth.
    InitiateAuth,
    /// AdminInitiateAuth.
    AdminInitiateAuth,
    /// GetUser.
    GetUser,
    /// GlobalSignOut.
    GlobalSignOut,
    /// RevokeToken.
    RevokeToken,
}

impl Operation {
    /// Parses the part of `X-Amz-Target` after the dot.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "SignUp" => Self::SignUp,
            "ConfirmSignUp" => Self::ConfirmSignUp,
            "ResendConfirmationCode" => Self::ResendConfirmationCode,
            "AdminCreateUser" => Self::AdminCreateUser,
            "AdminSetUserPassword" => Self::AdminSetUserPassword,
            "AdminConfirmSignUp" => Self::AdminConfirmSignUp,
            "AdminGetUser" => Self::AdminGetUser,
            "ListUsers" => Self::ListUsers,
            "InitiateAuth" => Self::InitiateAuth,
            "AdminInitiateAuth" => Self::AdminInitiateAuth,
            "GetUser" => Self::GetUser,
            "GlobalSignOut" => Self::GlobalSignOut,
            "RevokeToken" => Self::RevokeToken,
            _ => return None,
        })
    }
}

/// The `cognito-idp` service over all pools of the template.
#[derive(Debug, Clone)]
pub struct CognitoApi {
    pools: Arc<Vec<Arc<UserPool>>>,
}

/// The `X-Amz-Target` prefix of this service.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

impl CognitoApi {
    /// The API over `pools`.
    pub fn new(pools: Vec<Arc<UserPool>>) -> Self {
        Self {
            pools: Arc::new(pools),
        }
    }

    /// The pools served.
    pub fn pools(&self) -> &[Arc<UserPool>] {
        &self.pools
    }

    /// Handles one request: `target` is the full `X-Amz-Target` value, `body` the JSON body.
    pub fn handle(&self, target: &str, body: &[u8]) -> Result<Value, CognitoError> {
        let name = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
        let op = Operation::parse(name).ok_or_else(|| {
            CognitoError::UnknownOperationException(format!("Unknown operation {name}"))
        })?;
        let input: Value = if body.is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_slice(body)
                .map_err(|e| CognitoError::param(format!("Malformed request body: {e}")))?
        };
        match op {
            Operation::SignUp => signup::sign_up(self.by_client(&input)?, &input),
            Operation::ConfirmSignUp => signup::confirm_sign_up(self.by_client(&input)?, &input),
            Operation::ResendConfirmationCode => {
                signup::resend_code(self.by_client(&input)?, &input)
            }
            Operation::AdminCreateUser => admin::create_user(self.by_pool(&input)?, &input),
            Operation::AdminSetUserPassword => admin::set_password(self.by_pool(&input)?, &input),
            Operation::AdminConfirmSignUp => admin::confirm(self.by_pool(&input)?, &input),
            Operation::AdminGetUser => admin::get_user(self.by_pool(&input)?, &input),
            Operation::ListUsers => admin::list_users(self.by_pool(&input)?, &input),
            Operation::InitiateAuth => auth::initiate_auth(self.by_client(&input)?, &input, false),
            Operation::AdminInitiateAuth => {
                let pool = self.by_pool(&input)?;
                auth::initiate_auth(pool, &input, true)
            }
            Operation::GetUser => auth::get_user(self.by_access_token(&input)?, &input),
            Operation::GlobalSignOut => {
                auth::global_sign_out(self.by_access_token(&input)?, &input)
            }
            Operation::RevokeToken => auth::revoke_token(self.by_client(&input)?, &input),
        }
    }

    /// An axum handler for `POST /` with `X-Amz-Target`.
    pub async fn respond(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let target = headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        match self.handle(target, body) {
            Ok(v) => {
                let mut r = v.to_string().into_response();
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/x-amz-json-1.1"),
                );
                r
            }
            Err(e) => e.into_response(),
        }
    }

    /// A router answering the API on `POST /`.
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
            .route("/", axum::routing::post(post))
            .with_state(self.clone())
    }

    fn by_pool(&self, input: &Value) -> Result<&UserPool, CognitoError> {
        let id = str_field(input, "UserPoolId")?;
        self.pools
            .iter()
            .find(|p| p.config.pool_id == id)
            .map(|p| p.as_ref())
            .ok_or_else(|| {
                CognitoError::ResourceNotFoundException(format!("User pool {id} does not exist."))
            })
    }

    fn by_client(&self, input: &Value) -> Result<&UserPool, CognitoError> {
        let id = str_field(input, "ClientId")?;
        self.pools
            .iter()
            .find(|p| p.config.client(id).is_ok())
            .map(|p| p.as_ref())
            .ok_or_else(|| {
                CognitoError::ResourceNotFoundException(format!(
                    "User pool client {id} does not exist."
                ))
            })
    }

    fn by_access_token(&self, input: &Value) -> Result<&UserPool, CognitoError> {
        let token = str_field(input, "AccessToken")?;
        let iss = crate::authorizer::unverified_claim(token, "iss").unwrap_or_default();
        self.pools
            .iter()
            .find(|p| p.issuer() == iss)
            .map(|p| p.as_ref())
            .ok_or_else(|| CognitoError::NotAuthorizedException("Invalid Access Token".into()))
    }
}

async fn post(State(api): State<CognitoApi>, headers: HeaderMap, body: Bytes) -> Response {
    api.respond(&headers, &body).await
}

/// A required string member.
pub(crate) fn str_field<'a>(input: &'a Value, name: &str) -> Result<&'a str, CognitoError> {
    input.get(name).and_then(Value::as_str).ok_or_else(|| {
        CognitoError::param(format!(
            "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must not be null",
            lower_first(name)
        ))
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// `[{"Name":..,"Value":..}]` → pairs.
pub(crate) fn attributes(input: &Value, name: &str) -> Vec<(String, String)> {
    input
        .get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    Some((
                        x.get("Name")?.as_str()?.to_string(),
                        x.get("Value")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A user's attributes in the wire shape, `sub` first.
pub(crate) fn attribute_list(user: &crate::store::User) -> Value {
    let mut list = vec![serde_json::json!({"Name": "sub", "Value": user.sub})];
    list.extend(
        user.attributes
            .iter()
            .map(|(k, v)| serde_json::json!({"Name": k, "Value": v})),
    );
    Value::Array(list)
}
