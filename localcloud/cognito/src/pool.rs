//! The user pool's configuration, from the template model's typed `AWS::Cognito::UserPool`,
//! `UserPoolClient` and `UserPoolDomain` resources, with the ids their `Ref`s resolved to (so
//! the API's `providerARNs` and the stack's outputs name the pool that runs).

use localcloud_template::resource::cognito as model;
use serde_json::Value;

use crate::error::CognitoError;

/// `Policies.PasswordPolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// `MinimumLength` (default 8).
    pub minimum_length: usize,
    /// `RequireLowercase`.
    pub require_lowercase: bool,
    /// `RequireUppercase`.
    pub require_uppercase: bool,
    /// `RequireNumbers`.
    pub require_numbers: bool,
    /// `RequireSymbols`.
    pub require_symbols: bool,
}

impl PasswordPolicy {
    /// Reads `Policies.PasswordPolicy`: the template model keeps it as written, so its values
    /// are JSON here (numbers may arrive as strings after `!Ref` of a parameter).
    fn from_template(v: Option<&Value>) -> Self {
        let b = |k: &str| v.and_then(|p| p.get(k)).and_then(Value::as_bool);
        Self {
            minimum_length: v
                .and_then(|p| p.get("MinimumLength"))
                .and_then(as_u64)
                .map_or(8, |n| n as usize),
            require_lowercase: b("RequireLowercase").unwrap_or(true),
            require_uppercase: b("RequireUppercase").unwrap_or(true),
            require_numbers: b("RequireNumbers").unwrap_or(true),
            require_symbols: b("RequireSymbols").unwrap_or(true),
        }
    }

    /// Checks a password, answering with AWS's `InvalidPasswordException` messages.
    pub fn check(&self, password: &str) -> Result<(), CognitoError> {
        let fail = |why: &str| {
            Err(CognitoError::InvalidPasswordException(format!(
                "Password did not conform with policy: {why}"
            )))
        };
        if password.chars().count() < self.minimum_length {
            return fail("Password not long enough");
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
            return fail("Password must have lowercase characters");
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
            return fail("Password must have uppercase characters");
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return fail("Password must have numeric characters");
        }
        if self.require_symbols
            && !password
                .chars()
                .any(|c| c.is_ascii_punctuation() || c == ' ')
        {
            return fail("Password must have symbol characters");
        }
        Ok(())
    }
}

/// The `Name`s of the `Schema` entries with `Required: true` (the template model keeps the
/// schema as written).
fn required_attributes(schema: &[Value]) -> Vec<String> {
    schema
        .iter()
        .filter(|s| s.get("Required").and_then(Value::as_bool) == Some(true))
        .filter_map(|s| s.get("Name").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// An `ExplicitAuthFlows` entry. The legacy names (`ADMIN_NO_SRP_AUTH`, `USER_PASSWORD_AUTH`,
/// `CUSTOM_AUTH_FLOW_ONLY`) enable what their `ALLOW_` successors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuthFlow {
    /// `ALLOW_ADMIN_USER_PASSWORD_AUTH`.
    AdminUserPassword,
    /// `ALLOW_CUSTOM_AUTH`.
    Custom,
    /// `ALLOW_REFRESH_TOKEN_AUTH`.
    RefreshToken,
    /// `ALLOW_USER_AUTH`.
    UserAuth,
    /// `ALLOW_USER_PASSWORD_AUTH`.
    UserPassword,
    /// `ALLOW_USER_SRP_AUTH`.
    UserSrp,
}

impl AuthFlow {
    /// What a client enables when the template lists no `ExplicitAuthFlows` (AWS's default).
    pub const DEFAULTS: [Self; 3] = [Self::RefreshToken, Self::UserSrp, Self::Custom];

    /// Parses an `ExplicitAuthFlows` value.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "ALLOW_ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => Self::AdminUserPassword,
            "ALLOW_CUSTOM_AUTH" | "CUSTOM_AUTH_FLOW_ONLY" => Self::Custom,
            "ALLOW_REFRESH_TOKEN_AUTH" => Self::RefreshToken,
            "ALLOW_USER_AUTH" => Self::UserAuth,
            "ALLOW_USER_PASSWORD_AUTH" | "USER_PASSWORD_AUTH" => Self::UserPassword,
            "ALLOW_USER_SRP_AUTH" => Self::UserSrp,
            _ => return None,
        })
    }
}

/// An `AllowedOAuthFlows` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OAuthFlow {
    /// `code`: the authorization code grant (the one the hosted UI serves).
    Code,
    /// `implicit`.
    Implicit,
    /// `client_credentials`.
    ClientCredentials,
}

impl OAuthFlow {
    /// Parses an `AllowedOAuthFlows` value.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "code" => Self::Code,
            "implicit" => Self::Implicit,
            "client_credentials" => Self::ClientCredentials,
            _ => return None,
        })
    }
}

/// A `UsernameAttributes` / `AutoVerifiedAttributes` entry: the attributes Cognito can sign in
/// with and verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContactAttribute {
    /// `email`.
    Email,
    /// `phone_number`.
    PhoneNumber,
}

impl ContactAttribute {
    /// Parses the attribute name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "email" => Self::Email,
            "phone_number" => Self::PhoneNumber,
            _ => return None,
        })
    }

    /// The user attribute's name (`email`); `<name>_verified` is its verification flag.
    pub fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
        }
    }
}

/// A `TokenValidityUnits` unit; the template model already filled in the default unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValidityUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl ValidityUnit {
    /// The template model accepts only these four; anything else counts in hours, as before.
    fn parse(name: &str) -> Self {
        match name {
            "seconds" => Self::Seconds,
            "minutes" => Self::Minutes,
            "days" => Self::Days,
            _ => Self::Hours,
        }
    }

    fn seconds(self) -> u64 {
        match self {
            Self::Seconds => 1,
            Self::Minutes => 60,
            Self::Hours => 3_600,
            Self::Days => 86_400,
        }
    }
}

/// Seconds of a `(value, unit)` validity, or `default` when the template gives none.
fn validity(v: &Option<(u64, String)>, default: u64) -> u64 {
    v.as_ref()
        .map_or(default, |(n, unit)| n * ValidityUnit::parse(unit).seconds())
}

/// Parses each entry of a template list with `parse`; an entry the pool does not know is
/// logged and left out rather than failing the stack (the template crate does not check these
/// lists' values).
fn known<T>(what: &str, names: &[String], parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    names
        .iter()
        .filter_map(|n| {
            let v = parse(n);
            if v.is_none() {
                tracing::warn!(value = %n, "{what}: unknown value ignored");
            }
            v
        })
        .collect()
}

/// One `AWS::Cognito::UserPoolClient`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The template's logical id.
    pub logical_id: String,
    /// The `ClientId` the template's `Ref` resolved to.
    pub client_id: String,
    /// `ClientName` (the logical id when absent).
    pub name: String,
    /// The auth flows enabled: `ExplicitAuthFlows`, or [`AuthFlow::DEFAULTS`] when the
    /// template lists none.
    pub auth_flows: Vec<AuthFlow>,
    /// `AllowedOAuthFlows`.
    pub oauth_flows: Vec<OAuthFlow>,
    /// `AllowedOAuthScopes` (free-form: resource servers define their own).
    pub oauth_scopes: Vec<String>,
    /// `CallbackURLs`.
    pub callback_urls: Vec<String>,
    /// `LogoutURLs`.
    pub logout_urls: Vec<String>,
    /// `GenerateSecret`. Recorded only: the local pool issues no secret and checks no
    /// `SECRET_HASH`, so such a client signs in as one without a secret.
    pub generate_secret: bool,
    /// `PreventUserExistenceErrors: ENABLED`.
    pub prevent_user_existence_errors: bool,
    /// Access token lifetime in seconds.
    pub access_validity: u64,
    /// ID token lifetime in seconds.
    pub id_validity: u64,
    /// Refresh token lifetime in seconds.
    pub refresh_validity: u64,
}

impl ClientConfig {
    /// The client as the template declares it.
    pub fn from_model(c: &model::UserPoolClient) -> Self {
        let auth_flows = if c.explicit_auth_flows.is_empty() {
            AuthFlow::DEFAULTS.to_vec()
        } else {
            // A list of only unknown names enables nothing, as in AWS (which would refuse it).
            known("ExplicitAuthFlows", &c.explicit_auth_flows, AuthFlow::parse)
        };
        Self {
            logical_id: c.logical_id.clone(),
            client_id: c.client_id.clone(),
            name: c.name.clone().unwrap_or_else(|| c.logical_id.clone()),
            auth_flows,
            oauth_flows: known(
                "AllowedOAuthFlows",
                &c.allowed_oauth_flows,
                OAuthFlow::parse,
            ),
            oauth_scopes: c.allowed_oauth_scopes.clone(),
            callback_urls: c.callback_urls.clone(),
            logout_urls: c.logout_urls.clone(),
            generate_secret: c.generate_secret,
            prevent_user_existence_errors: c.prevent_user_existence_errors,
            // Cognito's defaults: one hour for access and ID tokens, 30 days for refresh.
            access_validity: validity(&c.access_token_validity, 3_600),
            id_validity: validity(&c.id_token_validity, 3_600),
            refresh_validity: validity(&c.refresh_token_validity, 30 * 86_400),
        }
    }

    /// Whether `flow` is enabled.
    pub fn allows(&self, flow: AuthFlow) -> bool {
        self.auth_flows.contains(&flow)
    }
}

/// The whole pool as configured.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The template's logical id of the pool (also the name of its state file).
    pub logical_id: String,
    /// The `UserPoolId` the template's `Ref` resolved to (`us-east-1_XXXXXXXXX`).
    pub pool_id: String,
    /// `UserPoolName` (the logical id when absent).
    pub name: String,
    /// `UsernameConfiguration.CaseSensitive` (the template model's default: false).
    pub case_sensitive: bool,
    /// `UsernameAttributes`.
    pub username_attributes: Vec<ContactAttribute>,
    /// `AutoVerifiedAttributes`.
    pub auto_verified: Vec<ContactAttribute>,
    /// `Schema` attributes marked `Required`.
    pub required_attributes: Vec<String>,
    /// The custom attributes the schema declares (`custom:<name>` on the wire), without the
    /// prefix; see [`crate::attributes`].
    pub custom_attributes: Vec<String>,
    /// The password policy.
    pub password_policy: PasswordPolicy,
    /// `UserPoolDomain.Domain`, if any.
    pub domain: Option<String>,
    /// App clients.
    pub clients: Vec<ClientConfig>,
}

impl PoolConfig {
    /// The pool `pool` declares, with its app clients and hosted-UI domain (the caller picks
    /// those whose `UserPoolId` is the pool's).
    pub fn from_model(
        pool: &model::UserPool,
        clients: &[&model::UserPoolClient],
        domain: Option<&model::UserPoolDomain>,
    ) -> Self {
        Self {
            logical_id: pool.logical_id.clone(),
            pool_id: pool.pool_id.clone(),
            name: pool.name.clone().unwrap_or_else(|| pool.logical_id.clone()),
            case_sensitive: pool.username_case_sensitive,
            username_attributes: known(
                "UsernameAttributes",
                &pool.username_attributes,
                ContactAttribute::parse,
            ),
            auto_verified: known(
                "AutoVerifiedAttributes",
                &pool.auto_verified_attributes,
                ContactAttribute::parse,
            ),
            required_attributes: required_attributes(&pool.schema),
            custom_attributes: crate::attributes::custom_names(&pool.schema),
            password_policy: PasswordPolicy::from_template(pool.password_policy.as_ref()),
            domain: domain.map(|d| d.domain.clone()),
            clients: clients
                .iter()
                .map(|c| ClientConfig::from_model(c))
                .collect(),
        }
    }

    /// Whether users sign in with their email address as the username.
    pub fn email_is_username(&self) -> bool {
        self.username_attributes.contains(&ContactAttribute::Email)
    }

    /// The storage key of a username (lowercased when usernames are case-insensitive).
    pub fn user_key(&self, username: &str) -> String {
        if self.case_sensitive {
            username.to_string()
        } else {
            username.to_lowercase()
        }
    }

    /// The client with this id.
    pub fn client(&self, client_id: &str) -> Result<&ClientConfig, CognitoError> {
        self.clients
            .iter()
            .find(|c| c.client_id == client_id)
            .ok_or_else(|| {
                CognitoError::ResourceNotFoundException(format!(
                    "User pool client {client_id} does not exist."
                ))
            })
    }
}

#[cfg(test)]
mod tests;
