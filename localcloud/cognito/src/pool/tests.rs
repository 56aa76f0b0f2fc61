//! The mapping from the template model's typed resources to [`PoolConfig`], one test per group
//! of fields.

use localcloud_template::resource::cognito as model;
use serde_json::json;

use super::*;

fn pool() -> model::UserPool {
    model::UserPool {
        logical_id: "Users".into(),
        pool_id: "us-east-1_AbCdEfGhI".into(),
        arn: "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbCdEfGhI".into(),
        provider_url: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI".into(),
        name: None,
        username_attributes: Vec::new(),
        alias_attributes: Vec::new(),
        auto_verified_attributes: Vec::new(),
        schema: Vec::new(),
        password_policy: None,
        admin_create_user_only: false,
        mfa: "OFF".into(),
        username_case_sensitive: false,
    }
}

fn client() -> model::UserPoolClient {
    model::UserPoolClient {
        logical_id: "Web".into(),
        client_id: "abcdefghijklmnopqrstuvwxyz".into(),
        user_pool_id: "us-east-1_AbCdEfGhI".into(),
        name: None,
        generate_secret: false,
        explicit_auth_flows: Vec::new(),
        allowed_oauth_flows: Vec::new(),
        allowed_oauth_scopes: Vec::new(),
        allowed_oauth_flows_user_pool_client: false,
        callback_urls: Vec::new(),
        logout_urls: Vec::new(),
        supported_identity_providers: Vec::new(),
        access_token_validity: None,
        id_token_validity: None,
        refresh_token_validity: None,
        prevent_user_existence_errors: false,
    }
}

fn config(p: &model::UserPool) -> PoolConfig {
    PoolConfig::from_model(p, &[], None)
}

fn client_config(c: model::UserPoolClient) -> ClientConfig {
    PoolConfig::from_model(&pool(), &[&c], None)
        .clients
        .remove(0)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn ids_and_names_are_the_templates() {
    let c = config(&pool());
    assert_eq!(c.logical_id, "Users");
    assert_eq!(c.pool_id, "us-east-1_AbCdEfGhI");
    // Without UserPoolName / ClientName the logical ids name them.
    assert_eq!(c.name, "Users");
    let web = client_config(client());
    assert_eq!((web.logical_id.as_str(), web.name.as_str()), ("Web", "Web"));
    assert_eq!(web.client_id, "abcdefghijklmnopqrstuvwxyz");

    let named = config(&model::UserPool {
        name: Some("orders-users".into()),
        ..pool()
    });
    assert_eq!(named.name, "orders-users");
    let web = client_config(model::UserPoolClient {
        name: Some("orders-web".into()),
        ..client()
    });
    assert_eq!(web.name, "orders-web");
}

#[test]
fn username_configuration_and_attributes() {
    let insensitive = config(&pool());
    assert!(!insensitive.case_sensitive);
    assert_eq!(insensitive.user_key("Bob"), "bob");
    assert!(!insensitive.email_is_username());

    let c = config(&model::UserPool {
        username_case_sensitive: true,
        username_attributes: strings(&["email", "phone_number", "nickname"]),
        ..pool()
    });
    assert_eq!(c.user_key("Bob"), "Bob");
    // `nickname` cannot be a username attribute; it is left out.
    assert_eq!(
        c.username_attributes,
        [ContactAttribute::Email, ContactAttribute::PhoneNumber]
    );
    assert!(c.email_is_username());

    let phone = config(&model::UserPool {
        username_attributes: strings(&["phone_number"]),
        ..pool()
    });
    assert!(!phone.email_is_username());
}

#[test]
fn auto_verified_attributes() {
    assert!(config(&pool()).auto_verified.is_empty());
    let c = config(&model::UserPool {
        auto_verified_attributes: strings(&["email", "phone_number"]),
        ..pool()
    });
    assert_eq!(
        c.auto_verified,
        [ContactAttribute::Email, ContactAttribute::PhoneNumber]
    );
    assert_eq!(c.auto_verified[1].name(), "phone_number");
}

#[test]
fn schema_required_attributes() {
    let c = config(&model::UserPool {
        schema: vec![
            json!({"Name": "email", "AttributeDataType": "String", "Required": true}),
            json!({"Name": "name", "AttributeDataType": "String", "Required": false}),
            json!({"Name": "custom:tier", "AttributeDataType": "String"}),
            json!({"Name": "phone_number", "Required": true, "Mutable": true}),
        ],
        ..pool()
    });
    assert_eq!(c.required_attributes, ["email", "phone_number"]);
}

#[test]
fn password_policy_defaults_and_values() {
    // No policy: Cognito's default (8 characters, every class).
    let d = config(&pool()).password_policy;
    assert_eq!(
        d,
        PasswordPolicy {
            minimum_length: 8,
            require_lowercase: true,
            require_uppercase: true,
            require_numbers: true,
            require_symbols: true,
        }
    );
    let c = config(&model::UserPool {
        password_policy: Some(json!({
            "MinimumLength": 12, "RequireLowercase": true, "RequireUppercase": false,
            "RequireNumbers": true, "RequireSymbols": false, "TemporaryPasswordValidityDays": 7
        })),
        ..pool()
    });
    let p = &c.password_policy;
    assert_eq!(p.minimum_length, 12);
    assert!(p.require_lowercase && !p.require_uppercase && p.require_numbers);
    assert!(!p.require_symbols);
    assert!(p.check("lowercase-only-1").is_ok());
    let e = p.check("short1").expect_err("too short");
    assert!(matches!(
        e,
        CognitoError::InvalidPasswordException(m)
            if m == "Password did not conform with policy: Password not long enough"
    ));
    assert!(p.check("no-digits-at-all").is_err());

    // A `!Ref` of a parameter gives the length as a string.
    let from_parameter = config(&model::UserPool {
        password_policy: Some(json!({"MinimumLength": "10"})),
        ..pool()
    });
    assert_eq!(from_parameter.password_policy.minimum_length, 10);
    assert!(from_parameter.password_policy.require_symbols);
}

#[test]
fn client_auth_flows() {
    // None listed: AWS's defaults, which do not include the password flows.
    let d = client_config(client());
    assert!(d.allows(AuthFlow::UserSrp) && d.allows(AuthFlow::RefreshToken));
    assert!(!d.allows(AuthFlow::UserPassword) && !d.allows(AuthFlow::AdminUserPassword));

    let c = client_config(model::UserPoolClient {
        explicit_auth_flows: strings(&["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
        ..client()
    });
    assert!(c.allows(AuthFlow::UserPassword) && c.allows(AuthFlow::RefreshToken));
    assert!(!c.allows(AuthFlow::UserSrp) && !c.allows(AuthFlow::AdminUserPassword));

    // The legacy names enable their successors.
    let legacy = client_config(model::UserPoolClient {
        explicit_auth_flows: strings(&["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"]),
        ..client()
    });
    assert_eq!(
        legacy.auth_flows,
        [AuthFlow::AdminUserPassword, AuthFlow::UserPassword]
    );

    // A list of only unknown names is not an empty list: nothing is enabled.
    let unknown = client_config(model::UserPoolClient {
        explicit_auth_flows: strings(&["ALLOW_EVERYTHING"]),
        ..client()
    });
    assert!(unknown.auth_flows.is_empty());
}

#[test]
fn client_oauth_flows_scopes_and_urls() {
    let c = client_config(model::UserPoolClient {
        allowed_oauth_flows: strings(&["code", "implicit", "client_credentials", "password"]),
        allowed_oauth_scopes: strings(&["openid", "email", "orders/read"]),
        callback_urls: strings(&["http://localhost:8080/callback"]),
        logout_urls: strings(&["http://localhost:8080/", "http://localhost:8080/bye"]),
        ..client()
    });
    assert_eq!(
        c.oauth_flows,
        [
            OAuthFlow::Code,
            OAuthFlow::Implicit,
            OAuthFlow::ClientCredentials
        ]
    );
    assert_eq!(c.oauth_scopes, ["openid", "email", "orders/read"]);
    assert_eq!(c.callback_urls, ["http://localhost:8080/callback"]);
    assert_eq!(
        c.logout_urls,
        ["http://localhost:8080/", "http://localhost:8080/bye"]
    );
    assert!(client_config(client()).oauth_flows.is_empty());
}

#[test]
fn client_token_validity_in_its_units() {
    // Cognito's defaults: an hour for access and ID tokens, 30 days for refresh tokens.
    let d = client_config(client());
    assert_eq!(
        (d.access_validity, d.id_validity, d.refresh_validity),
        (3_600, 3_600, 30 * 86_400)
    );
    let c = client_config(model::UserPoolClient {
        access_token_validity: Some((30, "minutes".into())),
        id_token_validity: Some((2, "hours".into())),
        refresh_token_validity: Some((7, "days".into())),
        ..client()
    });
    assert_eq!(
        (c.access_validity, c.id_validity, c.refresh_validity),
        (1_800, 7_200, 7 * 86_400)
    );
    let seconds = client_config(model::UserPoolClient {
        access_token_validity: Some((900, "seconds".into())),
        ..client()
    });
    assert_eq!(seconds.access_validity, 900);
    assert_eq!(seconds.id_validity, 3_600);
}

#[test]
fn client_secret_and_user_existence_errors() {
    let d = client_config(client());
    assert!(!d.generate_secret && !d.prevent_user_existence_errors);
    let c = client_config(model::UserPoolClient {
        generate_secret: true,
        prevent_user_existence_errors: true,
        ..client()
    });
    assert!(c.generate_secret && c.prevent_user_existence_errors);
}

#[test]
fn domain_and_clients_of_the_pool() {
    assert_eq!(config(&pool()).domain, None);
    let domain = model::UserPoolDomain {
        logical_id: "Domain".into(),
        domain: "orders-123".into(),
        user_pool_id: "us-east-1_AbCdEfGhI".into(),
    };
    let mobile = model::UserPoolClient {
        logical_id: "Mobile".into(),
        client_id: "zyxwvutsrqponmlkjihgfedcba".into(),
        ..client()
    };
    let c = PoolConfig::from_model(&pool(), &[&client(), &mobile], Some(&domain));
    assert_eq!(c.domain.as_deref(), Some("orders-123"));
    assert_eq!(c.clients.len(), 2);
    assert_eq!(
        c.client("zyxwvutsrqponmlkjihgfedcba")
            .map(|m| m.logical_id.as_str())
            .ok(),
        Some("Mobile")
    );
    assert!(c.client("unknown").is_err());
}
