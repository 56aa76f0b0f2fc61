//! A local Amazon Cognito user pool, built from the template model's typed `AWS::Cognito::*`
//! resources (localcloud-template), with the ids the template's `Ref`s resolved to.
//!
//! # Layout
//!
//! - [`pool`]: [`PoolConfig::from_model`], the pool and client configuration from the typed
//!   `UserPool`, `UserPoolClient` and `UserPoolDomain`; the password policy; closed enums for
//!   auth flows, OAuth flows and username/verified attributes. Mapping tests in `pool/tests.rs`.
//! - [`attributes`]: user attributes against the pool's schema (who may write what).
//! - [`store`]: users, codes, refresh tokens and the key in one atomically rewritten JSON file.
//! - [`keys`]: the RS256 key pair (aws-lc-rs), generated once per state directory; JWKS.
//! - [`password`]: password hashing.
//! - [`tokens`]: ID/access token minting with Cognito's claim sets; refresh tokens.
//! - [`service`]: [`UserPool`], the running pool (state, clock, code sink) and shared operations;
//!   [`UserPool::from_config`] serves a [`PoolConfig`].
//! - [`api`]: the `cognito-idp` JSON 1.1 API (`X-Amz-Target`), one file per group of operations.
//! - [`hosted_ui`]: the hosted UI (`/login`, `/signup`, `/confirm`) and OAuth 2.0 endpoints.
//! - [`wellknown`]: `/{poolId}/.well-known/jwks.json` and `openid-configuration`.
//! - [`authorizer`]: the API Gateway `COGNITO_USER_POOLS` verifier.
//! - [`error`]: [`CognitoError`], one variant per AWS error code.

pub mod api;
pub mod attributes;
pub mod authorizer;
pub mod error;
pub mod hosted_ui;
pub mod keys;
pub mod password;
pub mod pool;
pub mod service;
pub mod store;
pub mod tokens;
pub mod wellknown;

pub use api::CognitoApi;
pub use authorizer::{AuthError, AuthorizerConfig, Claims, Verifier};
pub use error::CognitoError;
pub use pool::{AuthFlow, ClientConfig, ContactAttribute, OAuthFlow, PoolConfig};
pub use service::{Clock, CodeDelivery, CodeSink, PoolOptions, UserPool};
