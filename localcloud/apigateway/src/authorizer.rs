//! The authorizer seam: a `cognito_user_pools` authorizer checks the token and returns the
//! claims, which land in `$context.authorizer.claims` (every value a string, as on AWS). The
//! Cognito crate implements [`Authorizer`] against its user pool's JWKS.

use std::collections::BTreeMap;

/// Claims by name, all values strings.
pub type ClaimsMap = BTreeMap<String, String>;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    /// 401 UNAUTHORIZED: missing, malformed or badly signed token.
    #[error("{}", self.message())]
    Unauthorized,
    /// 401 UNAUTHORIZED with the message AWS gives a token past its `exp`:
    /// `{"message":"The incoming token has expired"}`.
    #[error("{}", self.message())]
    Expired,
    /// 403 ACCESS_DENIED: a valid token that may not call this method.
    #[error("{}", self.message())]
    Forbidden,
}

impl AuthFailure {
    /// The gateway response's `$context.error.message`.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Unauthorized => "Unauthorized",
            Self::Expired => "The incoming token has expired",
            Self::Forbidden => "Forbidden",
        }
    }
}

/// A `cognito_user_pools` authorizer.
pub trait Authorizer: Send + Sync {
    /// Checks `token` (the identity header's value, `None` when absent) for a method with
    /// `scopes` (`authorizationScopes`; empty means an ID token is expected).
    fn authorize(&self, token: Option<&str>, scopes: &[String]) -> Result<ClaimsMap, AuthFailure>;
}
