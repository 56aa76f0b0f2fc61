//! Persistence: the whole pool state as one JSON file under the state directory, rewritten
//! atomically (temp file, fsync, rename, fsync of the directory) before a change is
//! acknowledged, so `kill -9` loses nothing that a client saw succeed. `None` = ephemeral.
//! Production Cognito is a distributed store; a pool of a few hundred local users fits a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::CognitoError;

/// Cognito's `UserStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum UserStatus {
    /// Signed up, code not yet confirmed.
    UNCONFIRMED,
    /// Can sign in.
    CONFIRMED,
    /// Created by an admin with a temporary password.
    FORCE_CHANGE_PASSWORD,
}

impl UserStatus {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::UNCONFIRMED => "UNCONFIRMED",
            Self::CONFIRMED => "CONFIRMED",
            Self::FORCE_CHANGE_PASSWORD => "FORCE_CHANGE_PASSWORD",
        }
    }
}

/// A pending confirmation code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingCode {
    /// Six digits.
    pub code: String,
    /// Epoch seconds after which the code is expired (AWS: 24 hours).
    pub expires: u64,
}

/// A user of the pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// The username as given (case preserved).
    pub username: String,
    /// The immutable `sub` (UUID).
    pub sub: String,
    /// User attributes other than `sub`.
    pub attributes: BTreeMap<String, String>,
    /// Salted SHA-256 of the password: a local stand-in for Cognito's SRP verifier.
    pub password_hash: String,
    /// Salt for [`User::password_hash`].
    pub salt: String,
    /// Confirmation state.
    pub status: UserStatus,
    /// AdminDisableUser state (always true for now).
    pub enabled: bool,
    /// Epoch seconds.
    pub created: u64,
    /// Epoch seconds.
    pub modified: u64,
    /// The outstanding sign-up code.
    pub code: Option<PendingCode>,
}

/// An issued refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRecord {
    /// The user's storage key.
    pub user_key: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The `origin_jti` shared by the tokens of this authentication.
    pub origin_jti: String,
    /// `auth_time` of the original authentication.
    pub auth_time: u64,
    /// Scopes of the original grant.
    pub scope: String,
    /// Epoch seconds.
    pub expires: u64,
}

/// The complete persisted state of one pool.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// PKCS#8 PEM of the ID token signing key.
    pub key_pem: String,
    /// PKCS#8 PEM of the access token signing key (Cognito signs the two with different keys).
    #[serde(default)]
    pub access_key_pem: String,
    /// Users by storage key (lowercased when the pool is case-insensitive).
    pub users: BTreeMap<String, User>,
    /// Live refresh tokens.
    pub refresh_tokens: BTreeMap<String, RefreshRecord>,
    /// `origin_jti`s revoked by GlobalSignOut/RevokeToken: their access tokens stop working.
    pub revoked_origins: BTreeSet<String>,
    /// Outstanding hosted-UI authorization codes.
    #[serde(default)]
    pub auth_codes: BTreeMap<String, AuthCode>,
}

/// An authorization code of the hosted UI's code flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthCode {
    /// The user's storage key.
    pub user_key: String,
    /// The client the code was issued to.
    pub client_id: String,
    /// The `redirect_uri` of the authorize request (must match at the token endpoint).
    pub redirect_uri: String,
    /// Granted scopes, space separated.
    pub scope: String,
    /// PKCE S256 challenge, if any.
    pub code_challenge: Option<String>,
    /// Sign-in time.
    pub auth_time: u64,
    /// Epoch seconds (AWS: 5 minutes).
    pub expires: u64,
}

/// Where the state lives.
#[derive(Debug, Clone)]
pub struct Store {
    path: Option<PathBuf>,
}

impl Store {
    /// A store persisted at `<dir>/<file>`; `None` keeps everything in memory.
    pub fn new(dir: Option<PathBuf>, file: &str) -> Self {
        Self {
            path: dir.map(|d| d.join(file)),
        }
    }

    /// Reads the state, or `None` when nothing was saved yet.
    pub fn load(&self) -> Result<Option<State>, CognitoError> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                CognitoError::InternalErrorException(format!("{}: {e}", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(path, e)),
        }
    }

    /// Writes the state durably (no-op when ephemeral).
    pub fn save(&self, state: &State) -> Result<(), CognitoError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let bytes = serde_json::to_vec(state)
            .map_err(|e| CognitoError::InternalErrorException(e.to_string()))?;
        localcloud_wire::fs::write_durable(path, &bytes).map_err(|e| io_err(path, e))?;
        Ok(())
    }
}

fn io_err(path: &std::path::Path, e: std::io::Error) -> CognitoError {
    CognitoError::InternalErrorException(format!("{}: {e}", path.display()))
}
