//! The user pool's configuration, read from the template's resolved `AWS::Cognito::UserPool`,
//! `UserPoolClient` and `UserPoolDomain` properties, and the ids derived from the state seed.

use serde_json::Value;
use sha2::{Digest, Sha256};

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
    fn from_props(v: Option<&Value>) -> Self {
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

/// One `AWS::Cognito::UserPoolClient`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The template's logical id.
    pub logical_id: String,
    /// The derived `ClientId`.
    pub client_id: String,
    /// `ClientName`.
    pub name: String,
    /// `ExplicitAuthFlows` (empty = AWS's defaults: SRP and refresh, plus custom).
    pub explicit_auth_flows: Vec<String>,
    /// `AllowedOAuthFlows`.
    pub oauth_flows: Vec<String>,
    /// `AllowedOAuthScopes`.
    pub oauth_scopes: Vec<String>,
    /// `CallbackURLs`.
    pub callback_urls: Vec<String>,
    /// `LogoutURLs`.
    pub logout_urls: Vec<String>,
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
    /// Whether `flow` (e.g. `ALLOW_USER_PASSWORD_AUTH`) is enabled.
    pub fn allows(&self, flow: &str) -> bool {
        if self.explicit_auth_flows.is_empty() {
            return matches!(flow, "ALLOW_REFRESH_TOKEN_AUTH" | "ALLOW_USER_SRP_AUTH");
        }
        self.explicit_auth_flows.iter().any(|f| f == flow)
            || (flow == "ALLOW_ADMIN_USER_PASSWORD_AUTH"
                && self
                    .explicit_auth_flows
                    .iter()
                    .any(|f| f == "ADMIN_NO_SRP_AUTH"))
            || (flow == "ALLOW_USER_PASSWORD_AUTH"
                && self
                    .explicit_auth_flows
                    .iter()
                    .any(|f| f == "USER_PASSWORD_AUTH"))
    }
}

/// The whole pool as configured.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The template's logical id of the pool.
    pub logical_id: String,
    /// `us-east-1_XXXXXXXXX`.
    pub pool_id: String,
    /// `UserPoolName`.
    pub name: String,
    /// `UsernameConfiguration.CaseSensitive` (CloudFormation default: true).
    pub case_sensitive: bool,
    /// `UsernameAttributes` (`email`, `phone_number`).
    pub username_attributes: Vec<String>,
    /// `AutoVerifiedAttributes`.
    pub auto_verified: Vec<String>,
    /// `Schema` attributes marked `Required`.
    pub required_attributes: Vec<String>,
    /// The password policy.
    pub password_policy: PasswordPolicy,
    /// `UserPoolDomain.Domain`, if any.
    pub domain: Option<String>,
    /// App clients.
    pub clients: Vec<ClientConfig>,
}

/// Template input: the resolved properties of the three resource types.
#[derive(Debug, Clone)]
pub struct PoolTemplate {
    /// Logical id of the `AWS::Cognito::UserPool`.
    pub logical_id: String,
    /// Its resolved `Properties`.
    pub properties: Value,
    /// `(logical id, resolved Properties)` of each `AWS::Cognito::UserPoolClient` of the pool.
    pub clients: Vec<(String, Value)>,
    /// Resolved `Properties` of the pool's `AWS::Cognito::UserPoolDomain`.
    pub domain: Option<Value>,
    /// Physical ids by logical id (the pool's and its clients'), so that the ids match those
    /// the template's `Ref`s resolved to; an id not given derives from the state's seed.
    pub ids: std::collections::BTreeMap<String, String>,
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn derive(seed: &str, what: &str) -> [u8; 32] {
    Sha256::digest(format!("{seed}/{what}").as_bytes()).into()
}

fn alnum(bytes: &[u8], alphabet: &[u8], len: usize) -> String {
    bytes
        .iter()
        .cycle()
        .take(len)
        .enumerate()
        .map(|(i, b)| alphabet[(usize::from(*b) + i * 7) % alphabet.len()] as char)
        .collect()
}

/// Seconds of a token validity given in `TokenValidityUnits` (`seconds|minutes|hours|days`).
fn validity(props: &Value, key: &str, unit_key: &str, default_unit: &str, default: u64) -> u64 {
    let Some(n) = props.get(key).and_then(as_u64) else {
        return default;
    };
    let unit = props
        .get("TokenValidityUnits")
        .and_then(|u| u.get(unit_key))
        .and_then(Value::as_str)
        .unwrap_or(default_unit);
    n * match unit {
        "seconds" => 1,
        "minutes" => 60,
        "days" => 86_400,
        _ => 3_600,
    }
}

impl PoolConfig {
    /// Builds the configuration; ids derive from `seed` (persisted per state directory).
    pub fn from_template(t: &PoolTemplate, region: &str, seed: &str) -> Self {
        let p = &t.properties;
        let upper = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let lower = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let pool_id = t.ids.get(&t.logical_id).cloned().unwrap_or_else(|| {
            format!("{region}_{}", alnum(&derive(seed, &t.logical_id), upper, 9))
        });
        let clients = t
            .clients
            .iter()
            .map(|(id, c)| ClientConfig {
                logical_id: id.clone(),
                client_id: t
                    .ids
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| alnum(&derive(seed, id), lower, 26)),
                name: c
                    .get("ClientName")
                    .and_then(Value::as_str)
                    .unwrap_or(id)
                    .to_string(),
                explicit_auth_flows: strings(c.get("ExplicitAuthFlows")),
                oauth_flows: strings(c.get("AllowedOAuthFlows")),
                oauth_scopes: strings(c.get("AllowedOAuthScopes")),
                callback_urls: strings(c.get("CallbackURLs")),
                logout_urls: strings(c.get("LogoutURLs")),
                prevent_user_existence_errors: c
                    .get("PreventUserExistenceErrors")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s == "ENABLED"),
                access_validity: validity(c, "AccessTokenValidity", "AccessToken", "hours", 3_600),
                id_validity: validity(c, "IdTokenValidity", "IdToken", "hours", 3_600),
                refresh_validity: validity(
                    c,
                    "RefreshTokenValidity",
                    "RefreshToken",
                    "days",
                    30 * 86_400,
                ),
            })
            .collect();
        Self {
            logical_id: t.logical_id.clone(),
            pool_id,
            name: p
                .get("UserPoolName")
                .and_then(Value::as_str)
                .unwrap_or(&t.logical_id)
                .to_string(),
            case_sensitive: p
                .get("UsernameConfiguration")
                .and_then(|u| u.get("CaseSensitive"))
                .and_then(Value::as_bool)
                .unwrap_or(true),
            username_attributes: strings(p.get("UsernameAttributes")),
            auto_verified: strings(p.get("AutoVerifiedAttributes")),
            required_attributes: p
                .get("Schema")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter(|s| s.get("Required").and_then(Value::as_bool) == Some(true))
                        .filter_map(|s| s.get("Name").and_then(Value::as_str))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            password_policy: PasswordPolicy::from_props(
                p.get("Policies").and_then(|x| x.get("PasswordPolicy")),
            ),
            domain: t
                .domain
                .as_ref()
                .and_then(|d| d.get("Domain"))
                .and_then(Value::as_str)
                .map(str::to_string),
            clients,
        }
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
