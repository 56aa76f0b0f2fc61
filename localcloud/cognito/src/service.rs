//! The running user pool: configuration, signing key, state, clock and the code sink, plus the
//! operations the API files share (lookup, sign-in, refresh, access-token checks).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use crate::error::CognitoError;
use crate::keys::SigningKey;
use crate::pool::{ClientConfig, PoolConfig};
use crate::store::{RefreshRecord, State, Store, User, UserStatus};
use crate::tokens::{new_refresh_token, Mint, TokenSet};

/// Epoch seconds; injectable so tests can expire tokens and codes without sleeping.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// A confirmation code that AWS would mail; the CLI prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDelivery {
    /// The pool.
    pub pool_id: String,
    /// The user.
    pub username: String,
    /// Where AWS would have sent it (the email attribute).
    pub destination: String,
    /// The code.
    pub code: String,
}

/// Receives every confirmation code.
pub type CodeSink = Arc<dyn Fn(&CodeDelivery) + Send + Sync>;

/// How to build a pool.
#[derive(Clone)]
pub struct PoolOptions {
    /// State directory (`.localcloud/cognito`); `None` = ephemeral.
    pub state_dir: Option<PathBuf>,
    /// Issuer base: `iss` is `<issuer_base>/<poolId>` (e.g. `http://127.0.0.1:4566`).
    pub issuer_base: String,
    /// The clock.
    pub clock: Clock,
    /// Where confirmation codes go besides the log.
    pub code_sink: Option<CodeSink>,
}

impl PoolOptions {
    /// Ephemeral pool with the system clock.
    pub fn new(issuer_base: impl Into<String>) -> Self {
        Self {
            state_dir: None,
            issuer_base: issuer_base.into(),
            clock: Arc::new(system_now),
            code_sink: None,
        }
    }
}

/// The system clock in epoch seconds.
pub fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A user pool in service.
pub struct UserPool {
    /// Configuration from the template.
    pub config: PoolConfig,
    /// The ID token signing key.
    pub key: SigningKey,
    /// The access token signing key (a different `kid`, as in Cognito).
    pub access_key: SigningKey,
    issuer: String,
    state: Mutex<State>,
    store: Store,
    pub(crate) clock: Clock,
    code_sink: Option<CodeSink>,
}

impl std::fmt::Debug for UserPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserPool")
            .field("pool_id", &self.config.pool_id)
            .finish()
    }
}

impl UserPool {
    /// Serves the pool `config` describes, loading its state (users, tokens, keys) from the
    /// state directory, or creating it with new keys.
    pub fn from_config(config: PoolConfig, opts: PoolOptions) -> Result<Self, CognitoError> {
        let (store, state) = Self::load(&config.logical_id, &opts)?;
        Self::serve(config, store, state, opts)
    }

    /// Loads (or creates, with new keys, and saves) the state of the pool
    /// `logical_id`.
    fn load(logical_id: &str, opts: &PoolOptions) -> Result<(Store, State), CognitoError> {
        let store = Store::new(opts.state_dir.clone(), &format!("{logical_id}.json"));
        let (mut state, mut fresh) = match store.load()? {
            Some(s) => (s, false),
            None => {
                let key = SigningKey::generate()?;
                let state = State {
                    key_pem: key.pem,
                    ..State::default()
                };
                (state, true)
            }
        };
        if state.access_key_pem.is_empty() {
            state.access_key_pem = SigningKey::generate()?.pem;
            fresh = true;
        }
        if fresh {
            store.save(&state)?;
        }
        Ok((store, state))
    }

    fn serve(
        config: PoolConfig,
        store: Store,
        state: State,
        opts: PoolOptions,
    ) -> Result<Self, CognitoError> {
        let key = SigningKey::from_pem(&state.key_pem)?;
        let access_key = SigningKey::from_pem(&state.access_key_pem)?;
        let issuer = format!(
            "{}/{}",
            opts.issuer_base.trim_end_matches('/'),
            config.pool_id
        );
        Ok(Self {
            config,
            key,
            access_key,
            issuer,
            state: Mutex::new(state),
            store,
            clock: opts.clock,
            code_sink: opts.code_sink,
        })
    }

    /// The JWKS document with both signing keys.
    pub fn jwks(&self) -> Value {
        let mut keys = self.key.jwk_list();
        keys.extend(self.access_key.jwk_list());
        serde_json::json!({"keys": keys})
    }

    /// `iss` of this pool's tokens.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Now, from the injected clock.
    pub fn now(&self) -> u64 {
        (self.clock)()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the state; on success the new state is saved before the result is returned.
    /// On failure (of `f` or of the save) the state is left unchanged.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, CognitoError>,
    ) -> Result<T, CognitoError> {
        let mut guard = self.lock();
        let mut next = guard.clone();
        let out = f(&mut next)?;
        self.store.save(&next)?;
        *guard = next;
        Ok(out)
    }

    /// Reads the state.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.lock())
    }

    /// Sends a confirmation code to the log and the sink.
    pub(crate) fn deliver_code(&self, user: &User, code: &str) {
        let destination = user.attributes.get("email").cloned().unwrap_or_default();
        tracing::info!(
            pool_id = %self.config.pool_id,
            username = %user.username,
            destination = %destination,
            code = %code,
            "Cognito confirmation code (not mailed locally)"
        );
        if let Some(sink) = &self.code_sink {
            sink(&CodeDelivery {
                pool_id: self.config.pool_id.clone(),
                username: user.username.clone(),
                destination,
                code: code.to_string(),
            });
        }
    }

    /// The storage key of the user signing in as `name` (username, or email alias when the
    /// pool signs in with email).
    pub(crate) fn find_key(&self, state: &State, name: &str) -> Option<String> {
        let key = self.config.user_key(name);
        if state.users.contains_key(&key) {
            return Some(key);
        }
        if self.config.email_is_username() {
            let lower = name.to_lowercase();
            return state
                .users
                .iter()
                .find(|(_, u)| {
                    u.attributes
                        .get("email")
                        .is_some_and(|e| e.to_lowercase() == lower)
                })
                .map(|(k, _)| k.clone());
        }
        None
    }

    /// USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH: checks the password and mints tokens, or
    /// answers with the NEW_PASSWORD_REQUIRED challenge for admin-created users.
    pub(crate) fn password_auth(
        &self,
        client: &ClientConfig,
        username: &str,
        password: &str,
    ) -> Result<Value, CognitoError> {
        let now = self.now();
        self.write(|state| {
            let (key, user) = self.authenticate(state, username, password)?;
            if user.status == UserStatus::FORCE_CHANGE_PASSWORD {
                return Ok(serde_json::json!({
                    "ChallengeName": "NEW_PASSWORD_REQUIRED",
                    "ChallengeParameters": {
                        "USER_ID_FOR_SRP": user.username,
                        "requiredAttributes": "[]",
                        "userAttributes": serde_json::to_string(&user.attributes)
                            .unwrap_or_default(),
                    },
                    "Session": format!("session-{}", user.sub),
                }));
            }
            let tokens = self.issue(
                state,
                client,
                &key,
                &user,
                now,
                now,
                None,
                crate::tokens::ADMIN_SCOPE,
            )?;
            Ok(serde_json::json!({
                "AuthenticationResult": tokens.authentication_result(),
                "ChallengeParameters": {},
            }))
        })
    }

    /// Checks a password: unknown users and wrong passwords answer alike; unconfirmed users get
    /// `UserNotConfirmedException`. Returns the storage key and the user.
    pub(crate) fn authenticate(
        &self,
        state: &State,
        username: &str,
        password: &str,
    ) -> Result<(String, User), CognitoError> {
        let key = self
            .find_key(state, username)
            .ok_or_else(CognitoError::bad_credentials)?;
        let user = state
            .users
            .get(&key)
            .ok_or_else(CognitoError::bad_credentials)?;
        if !crate::password::verify(user, password) {
            return Err(CognitoError::bad_credentials());
        }
        if user.status == UserStatus::UNCONFIRMED {
            return Err(CognitoError::UserNotConfirmedException(
                "User is not confirmed.".into(),
            ));
        }
        Ok((key, user.clone()))
    }

    /// Mints tokens; a refresh token is created and recorded unless `refresh_of` names the
    /// origin being refreshed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn issue(
        &self,
        state: &mut State,
        client: &ClientConfig,
        user_key: &str,
        user: &User,
        now: u64,
        auth_time: u64,
        refresh_of: Option<&str>,
        scope: &str,
    ) -> Result<TokenSet, CognitoError> {
        let origin_jti =
            refresh_of.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string);
        let refresh = if refresh_of.is_none() {
            let token = new_refresh_token();
            state.refresh_tokens.insert(
                token.clone(),
                RefreshRecord {
                    user_key: user_key.to_string(),
                    client_id: client.client_id.clone(),
                    origin_jti: origin_jti.clone(),
                    auth_time,
                    scope: scope.to_string(),
                    expires: now + client.refresh_validity,
                },
            );
            Some(token)
        } else {
            None
        };
        Mint {
            key: &self.key,
            access_key: &self.access_key,
            issuer: &self.issuer,
            client,
            user,
            now,
            auth_time,
            origin_jti: &origin_jti,
            scope,
        }
        .tokens(refresh)
    }

    /// REFRESH_TOKEN_AUTH.
    pub(crate) fn refresh_auth(
        &self,
        client: &ClientConfig,
        refresh_token: &str,
    ) -> Result<TokenSet, CognitoError> {
        let now = self.now();
        let invalid = || CognitoError::NotAuthorizedException("Invalid Refresh Token".into());
        self.write(|state| {
            let rec = state
                .refresh_tokens
                .get(refresh_token)
                .cloned()
                .ok_or_else(invalid)?;
            if rec.client_id != client.client_id
                || rec.expires <= now
                || state.revoked_origins.contains(&rec.origin_jti)
            {
                return Err(invalid());
            }
            let user = state
                .users
                .get(&rec.user_key)
                .cloned()
                .ok_or_else(invalid)?;
            self.issue(
                state,
                client,
                &rec.user_key,
                &user,
                now,
                rec.auth_time,
                Some(&rec.origin_jti),
                &rec.scope,
            )
        })
    }

    /// Validates an access token of this pool (signature, expiry, use, revocation) and returns
    /// the user's storage key and the token's claims.
    pub(crate) fn check_access_token(
        &self,
        token: &str,
    ) -> Result<(String, serde_json::Map<String, Value>), CognitoError> {
        let invalid = || CognitoError::NotAuthorizedException("Invalid Access Token".into());
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        v.validate_exp = false;
        v.validate_aud = false;
        v.required_spec_claims.clear();
        v.set_issuer(&[&self.issuer]);
        let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(
            token,
            &self.access_key.decoding,
            &v,
        )
        .map_err(|_| invalid())?;
        let c = data.claims;
        let exp = c.get("exp").and_then(Value::as_u64).unwrap_or(0);
        if exp <= self.now() {
            return Err(CognitoError::NotAuthorizedException(
                "Access Token has expired".into(),
            ));
        }
        if c.get("token_use").and_then(Value::as_str) != Some("access") {
            return Err(invalid());
        }
        let origin = c.get("origin_jti").and_then(Value::as_str).unwrap_or("");
        let username = c.get("username").and_then(Value::as_str).unwrap_or("");
        self.read(|s| {
            if s.revoked_origins.contains(origin) {
                return Err(CognitoError::NotAuthorizedException(
                    "Access Token has been revoked".into(),
                ));
            }
            let key = self.config.user_key(username);
            if !s.users.contains_key(&key) {
                return Err(CognitoError::UserNotFoundException(
                    "User does not exist.".into(),
                ));
            }
            Ok(key)
        })
        .map(|k| (k, c))
    }
}
