//! The template's Cognito user pools as running `localcloud_cognito` pools (with the ids the
//! template's `Ref`s resolved to, so the OpenAPI's `providerARNs` and the outputs match), and
//! the API Gateway `cognito_user_pools` authorizer over them.

use anyhow::{anyhow, Result};
use localcloud_apigateway::{AuthFailure, Authorizer, ClaimsMap};
use localcloud_cognito::{
    AuthError, AuthorizerConfig, CodeDelivery, PoolConfig, PoolOptions, UserPool, Verifier,
};
use localcloud_template::{Model, Resource};
use std::path::PathBuf;
use std::sync::Arc;

/// Each pool of the template with the app clients and the domain whose `UserPoolId` is its
/// id, as the cognito crate configures them.
pub fn pool_configs(model: &Model) -> Vec<PoolConfig> {
    model
        .resources
        .iter()
        .filter_map(|r| match r {
            Resource::UserPool(p) => Some(p),
            _ => None,
        })
        .map(|p| {
            let clients: Vec<_> = model
                .resources
                .iter()
                .filter_map(|r| match r {
                    Resource::UserPoolClient(c) if c.user_pool_id == p.pool_id => Some(c),
                    _ => None,
                })
                .collect();
            let domain = model.resources.iter().find_map(|r| match r {
                Resource::UserPoolDomain(d) if d.user_pool_id == p.pool_id => Some(d),
                _ => None,
            });
            PoolConfig::from_model(p, &clients, domain)
        })
        .collect()
}

/// Opens every pool of the template; tokens are issued by `issuer_base/<poolId>`.
pub fn open_pools(
    model: &Model,
    state_dir: Option<PathBuf>,
    issuer_base: &str,
) -> Result<Vec<Arc<UserPool>>> {
    pool_configs(model)
        .into_iter()
        .map(|config| {
            let mut opts = PoolOptions::new(issuer_base);
            opts.state_dir = state_dir.clone();
            opts.code_sink = Some(Arc::new(|d: &CodeDelivery| {
                println!(
                    "[Cognito] confirmation code for {} in {} (AWS would mail it to {}): {}",
                    d.username, d.pool_id, d.destination, d.code
                );
            }));
            let logical_id = config.logical_id.clone();
            UserPool::from_config(config, opts)
                .map(Arc::new)
                .map_err(|e| anyhow!("user pool {logical_id}: {e}"))
        })
        .collect()
}

/// The `cognito_user_pools` authorizer: tokens of any local pool are accepted (the
/// application's API names one pool in `providerARNs`).
pub struct PoolAuthorizer {
    verifier: Verifier,
    /// What a method without `authorizationScopes` expects (an ID token of a local pool),
    /// built once rather than per request.
    id_token: AuthorizerConfig,
    pools: Vec<Arc<UserPool>>,
}

impl PoolAuthorizer {
    /// Trusts the keys of `pools`.
    pub fn new(pools: &[Arc<UserPool>]) -> Self {
        let mut verifier = Verifier::new();
        for p in pools {
            verifier.add_pool(p);
        }
        Self {
            verifier,
            id_token: AuthorizerConfig {
                issuers: pools.iter().map(|p| p.issuer().to_owned()).collect(),
                audiences: None,
                scopes: None,
            },
            pools: pools.to_vec(),
        }
    }
}

impl Authorizer for PoolAuthorizer {
    fn authorize(&self, token: Option<&str>, scopes: &[String]) -> Result<ClaimsMap, AuthFailure> {
        let with_scopes;
        let expected = if scopes.is_empty() {
            &self.id_token
        } else {
            with_scopes = AuthorizerConfig {
                scopes: Some(scopes.to_vec()),
                ..self.id_token.clone()
            };
            &with_scopes
        };
        let now = self
            .pools
            .first()
            .map_or_else(localcloud_cognito::service::system_now, |p| p.now());
        self.verifier
            .verify(token, expected, now)
            .map_err(|e| match e {
                // AWS answers every one of these with the UNAUTHORIZED gateway response (401);
                // an expired token's message says so.
                AuthError::Expired => AuthFailure::Expired,
                AuthError::MissingToken
                | AuthError::InvalidToken(_)
                | AuthError::InsufficientScope => AuthFailure::Unauthorized,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use localcloud_cognito::AuthFlow;
    use serde_json::{json, Value};

    fn model() -> Model {
        crate::repository_model()
    }

    #[test]
    fn the_pool_keeps_the_template_ids_and_policy() {
        let model = model();
        let pools = open_pools(&model, None, "http://127.0.0.1:9229").expect("pools");
        assert_eq!(pools.len(), 1);
        let pool = &pools[0];
        let Some(Resource::UserPool(t)) = model.get("UserPool") else {
            panic!("UserPool in the template");
        };
        assert_eq!(pool.config.pool_id, t.pool_id);
        assert_eq!(
            pool.issuer(),
            format!("http://127.0.0.1:9229/{}", t.pool_id)
        );
        let Some(Resource::UserPoolClient(c)) = model.get("UserPoolClient") else {
            panic!("UserPoolClient in the template");
        };
        assert_eq!(pool.config.clients[0].client_id, c.client_id);
        assert!(pool.config.clients[0].allows(AuthFlow::UserPassword));
        assert!(pool.config.password_policy.check("short").is_err());
        assert!(!pool.config.case_sensitive);
        let Some(Resource::UserPoolDomain(d)) = model.get("UserPoolDomain") else {
            panic!("UserPoolDomain in the template");
        };
        assert_eq!(pool.config.domain.as_deref(), Some(d.domain.as_str()));
    }

    #[test]
    fn the_authorizer_refuses_what_is_not_a_pool_token() {
        let model = model();
        let pools = open_pools(&model, None, "http://127.0.0.1:9229").expect("pools");
        let a = PoolAuthorizer::new(&pools);
        assert_eq!(a.authorize(None, &[]), Err(AuthFailure::Unauthorized));
        assert_eq!(
            a.authorize(Some("Bearer not.a.jwt"), &[]),
            Err(AuthFailure::Unauthorized)
        );
    }

    #[test]
    fn an_expired_pool_token_is_refused_with_aws_message() {
        use std::sync::atomic::{AtomicU64, Ordering};
        let model = model();
        let now = Arc::new(AtomicU64::new(1_800_000_000));
        let clock = now.clone();
        let mut opts = PoolOptions::new("http://127.0.0.1:9229");
        opts.clock = Arc::new(move || clock.load(Ordering::SeqCst));
        let config = pool_configs(&model).remove(0);
        let pool = Arc::new(UserPool::from_config(config, opts).expect("pool"));
        let api = localcloud_cognito::CognitoApi::new(vec![pool.clone()]);
        let call = |op: &str, body: Value| {
            api.handle(
                &format!("AWSCognitoIdentityProviderService.{op}"),
                body.to_string().as_bytes(),
            )
            .unwrap_or_else(|e| panic!("{op}: {e:?}"))
        };
        let client_id = pool.config.clients[0].client_id.clone();
        let password = "Correct-Horse9battery";
        call(
            "SignUp",
            json!({"ClientId": client_id, "Username": "carol", "Password": password,
            "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]}),
        );
        call(
            "AdminConfirmSignUp",
            json!({"UserPoolId": pool.config.pool_id, "Username": "carol"}),
        );
        let auth = call(
            "InitiateAuth",
            json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": password}}),
        );
        let id_token = auth["AuthenticationResult"]["IdToken"]
            .as_str()
            .expect("IdToken")
            .to_owned();
        let a = PoolAuthorizer::new(std::slice::from_ref(&pool));
        let claims = a
            .authorize(Some(&id_token), &[])
            .expect("a fresh token passes");
        assert_eq!(claims["cognito:username"], "carol");
        // The template's client keeps Cognito's default validity of one hour.
        now.fetch_add(3600 + 1, Ordering::SeqCst);
        let e = a.authorize(Some(&id_token), &[]).expect_err("expired");
        assert_eq!(e, AuthFailure::Expired);
        assert_eq!(e.message(), "The incoming token has expired");
    }
}
