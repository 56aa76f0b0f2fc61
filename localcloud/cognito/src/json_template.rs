//! [`PoolTemplate`]: a pool given as CloudFormation `Properties` JSON instead of the template
//! model's typed resources.
//!
//! The stack builds its pools with [`PoolConfig::from_model`]; this type is kept only because
//! the integration tests' fixture (`tests/common/mod.rs`) still writes its pool this way, and it
//! goes when that fixture moves to the typed resources. So that no CloudFormation property is
//! parsed twice, the JSON is read by localcloud-template itself, as one more template.

use std::collections::BTreeMap;
use std::path::Path;

use localcloud_template::{LoadOptions, Model, Resource, StackContext};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::error::CognitoError;
use crate::pool::PoolConfig;

/// A pool as CloudFormation `Properties` of the three resource types.
#[derive(Debug, Clone)]
pub struct PoolTemplate {
    /// Logical id of the `AWS::Cognito::UserPool`.
    pub logical_id: String,
    /// Its `Properties`.
    pub properties: Value,
    /// `(logical id, Properties)` of each `AWS::Cognito::UserPoolClient` of the pool (without
    /// `UserPoolId`: they belong to this pool).
    pub clients: Vec<(String, Value)>,
    /// `Properties` of the pool's `AWS::Cognito::UserPoolDomain` (without `UserPoolId`).
    pub domain: Option<Value>,
    /// Physical ids by logical id (the pool's and its clients'); an id not given derives from
    /// the state's seed, so pools of different state directories differ.
    pub ids: BTreeMap<String, String>,
}

impl PoolTemplate {
    /// The configuration: the properties go through the template model, then the ids are
    /// replaced by those of [`Self::ids`] or derived from `seed`.
    pub(crate) fn config(&self, region: &str, seed: &str) -> Result<PoolConfig, CognitoError> {
        let invalid = |why: String| {
            CognitoError::InternalErrorException(format!(
                "pool template {}: {why}",
                self.logical_id
            ))
        };
        let of_pool = |props: &Value, kind: &str| -> Result<Value, CognitoError> {
            let mut props = props.clone();
            props
                .as_object_mut()
                .ok_or_else(|| invalid(format!("{kind} properties are not an object")))?
                .insert("UserPoolId".into(), json!({"Ref": self.logical_id}));
            Ok(json!({"Type": kind, "Properties": props}))
        };
        let mut resources = Map::new();
        resources.insert(
            self.logical_id.clone(),
            json!({"Type": "AWS::Cognito::UserPool", "Properties": self.properties}),
        );
        for (id, props) in &self.clients {
            resources.insert(id.clone(), of_pool(props, "AWS::Cognito::UserPoolClient")?);
        }
        // A logical id no client of this template can have: theirs are alphanumeric.
        let domain_id = format!("{}-domain", self.logical_id);
        if let Some(d) = &self.domain {
            resources.insert(
                domain_id.clone(),
                of_pool(d, "AWS::Cognito::UserPoolDomain")?,
            );
        }
        let options = LoadOptions {
            stack: StackContext::new("localcloud", region),
            parameter_overrides: Vec::new(),
        };
        let text = json!({ "Resources": resources }).to_string();
        let model =
            Model::from_str(&text, Path::new("."), &options).map_err(|e| invalid(e.to_string()))?;

        let Some(Resource::UserPool(pool)) = model.get(&self.logical_id) else {
            return Err(invalid("no user pool in the model".into()));
        };
        let mut pool = pool.clone();
        pool.pool_id = self.id(&pool.logical_id, || {
            format!(
                "{region}_{}",
                alnum(&derive(seed, &pool.logical_id), MIXED, 9)
            )
        });
        let mut clients = Vec::new();
        for (id, _) in &self.clients {
            let Some(Resource::UserPoolClient(c)) = model.get(id) else {
                return Err(invalid(format!("no client {id} in the model")));
            };
            let mut c = c.clone();
            c.client_id = self.id(id, || alnum(&derive(seed, id), LOWER, 26));
            c.user_pool_id = pool.pool_id.clone();
            clients.push(c);
        }
        let domain = match model.get(&domain_id) {
            Some(Resource::UserPoolDomain(d)) => Some(d),
            _ => None,
        };
        let clients: Vec<_> = clients.iter().collect();
        Ok(PoolConfig::from_model(&pool, &clients, domain))
    }

    fn id(&self, logical_id: &str, derived: impl FnOnce() -> String) -> String {
        self.ids.get(logical_id).cloned().unwrap_or_else(derived)
    }
}

const MIXED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

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

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> PoolTemplate {
        PoolTemplate {
            logical_id: "Users".into(),
            properties: json!({"UserPoolName": "users", "AutoVerifiedAttributes": ["email"]}),
            clients: vec![(
                "Web".into(),
                json!({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
            )],
            domain: Some(json!({"Domain": "users-1"})),
            ids: BTreeMap::from([("Web".to_string(), "webclientid".to_string())]),
        }
    }

    #[test]
    fn given_ids_are_kept_and_the_others_derive_from_the_seed() {
        let a = template().config("eu-west-1", "seed-a").expect("config");
        let b = template().config("eu-west-1", "seed-b").expect("config");
        assert_eq!(a.clients[0].client_id, "webclientid");
        assert!(a.pool_id.starts_with("eu-west-1_") && a.pool_id.len() == "eu-west-1_".len() + 9);
        assert_ne!(a.pool_id, b.pool_id);
        assert_eq!(a.name, "users");
        assert!(a.clients[0].allows(crate::AuthFlow::UserPassword));
        assert_eq!(a.domain.as_deref(), Some("users-1"));
    }

    #[test]
    fn properties_the_template_model_refuses_are_an_error() {
        let mut t = template();
        t.properties = json!({"UserPoolName": "users", "LambdaConfig": {"PreSignUp": "arn"}});
        assert!(t.config("us-east-1", "seed").is_err());
        t.properties = json!(["not", "an", "object"]);
        assert!(t.config("us-east-1", "seed").is_err());
    }
}
