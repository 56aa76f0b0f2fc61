//! Cognito: `AWS::Cognito::UserPool`, `UserPoolClient`, `UserPoolDomain`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpool.html>).
//! Lambda triggers (`LambdaConfig`) and custom domains change behaviour and are errors.

use serde_json::Value;

use super::props::Props;
use super::BuildCtx;
use crate::error::Result;

/// A user pool.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPool {
    /// Logical id.
    pub logical_id: String,
    /// Pool id (`us-east-1_...`).
    pub pool_id: String,
    /// Pool ARN.
    pub arn: String,
    /// `ProviderURL`: the token issuer.
    pub provider_url: String,
    /// `UserPoolName`.
    pub name: Option<String>,
    /// `UsernameAttributes` (`email`, `phone_number`).
    pub username_attributes: Vec<String>,
    /// `AliasAttributes`.
    pub alias_attributes: Vec<String>,
    /// `AutoVerifiedAttributes`.
    pub auto_verified_attributes: Vec<String>,
    /// `Schema`, as written.
    pub schema: Vec<Value>,
    /// `Policies.PasswordPolicy`, as written.
    pub password_policy: Option<Value>,
    /// `AdminCreateUserConfig.AllowAdminCreateUserOnly`.
    pub admin_create_user_only: bool,
    /// `MfaConfiguration` (`OFF` by default).
    pub mfa: String,
    /// `UsernameConfiguration.CaseSensitive` (default false).
    pub username_case_sensitive: bool,
}

/// A user pool app client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPoolClient {
    /// Logical id.
    pub logical_id: String,
    /// Client id.
    pub client_id: String,
    /// `UserPoolId`, resolved.
    pub user_pool_id: String,
    /// `ClientName`.
    pub name: Option<String>,
    /// `GenerateSecret`.
    pub generate_secret: bool,
    /// `ExplicitAuthFlows`.
    pub explicit_auth_flows: Vec<String>,
    /// `AllowedOAuthFlows`.
    pub allowed_oauth_flows: Vec<String>,
    /// `AllowedOAuthScopes`.
    pub allowed_oauth_scopes: Vec<String>,
    /// `AllowedOAuthFlowsUserPoolClient`.
    pub allowed_oauth_flows_user_pool_client: bool,
    /// `CallbackURLs`.
    pub callback_urls: Vec<String>,
    /// `LogoutURLs`.
    pub logout_urls: Vec<String>,
    /// `SupportedIdentityProviders`.
    pub supported_identity_providers: Vec<String>,
    /// `AccessTokenValidity`, in `TokenValidityUnits.AccessToken` (default hours).
    pub access_token_validity: Option<(u64, String)>,
    /// `IdTokenValidity`, in `TokenValidityUnits.IdToken`.
    pub id_token_validity: Option<(u64, String)>,
    /// `RefreshTokenValidity`, in `TokenValidityUnits.RefreshToken` (default days).
    pub refresh_token_validity: Option<(u64, String)>,
    /// `PreventUserExistenceErrors` is `ENABLED`.
    pub prevent_user_existence_errors: bool,
}

/// A hosted-UI domain prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPoolDomain {
    /// Logical id.
    pub logical_id: String,
    /// `Domain` (the prefix).
    pub domain: String,
    /// `UserPoolId`, resolved.
    pub user_pool_id: String,
}

pub(super) fn build_pool(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<UserPool> {
    p.ignore(&[
        "UserPoolTags",
        "AccountRecoverySetting",
        "EmailConfiguration",
        "SmsConfiguration",
        "VerificationMessageTemplate",
        "EmailVerificationMessage",
        "EmailVerificationSubject",
        "SmsVerificationMessage",
        "SmsAuthenticationMessage",
        "DeletionProtection",
        "UserPoolAddOns",
        "DeviceConfiguration",
        "UserAttributeUpdateSettings",
        "UserPoolTier",
    ]);
    let password_policy = match p.child("Policies")? {
        None => None,
        Some(pol) => {
            pol.ignore(&["SignInPolicy"]);
            let v = pol.get("PasswordPolicy").cloned();
            pol.finish()?;
            v
        }
    };
    let admin_create_user_only = match p.child("AdminCreateUserConfig")? {
        None => false,
        Some(a) => {
            a.ignore(&["InviteMessageTemplate", "UnusedAccountValidityDays"]);
            let v = a.bool("AllowAdminCreateUserOnly")?.unwrap_or(false);
            a.finish()?;
            v
        }
    };
    let username_case_sensitive = match p.child("UsernameConfiguration")? {
        None => false,
        Some(u) => {
            let v = u.bool("CaseSensitive")?.unwrap_or(false);
            u.finish()?;
            v
        }
    };
    let schema = match p.get("Schema") {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    Ok(UserPool {
        logical_id: ctx.logical_id.to_string(),
        pool_id: ctx.reference()?,
        arn: ctx.attribute("Arn")?,
        provider_url: ctx.attribute("ProviderURL")?,
        name: p.string("UserPoolName")?,
        username_attributes: p.strings("UsernameAttributes")?,
        alias_attributes: p.strings("AliasAttributes")?,
        auto_verified_attributes: p.strings("AutoVerifiedAttributes")?,
        schema,
        password_policy,
        admin_create_user_only,
        mfa: p
            .one_of("MfaConfiguration", &["OFF", "ON", "OPTIONAL"])?
            .unwrap_or_else(|| "OFF".to_string()),
        username_case_sensitive,
    })
}

pub(super) fn build_client(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<UserPoolClient> {
    p.ignore(&[
        "EnableTokenRevocation",
        "AuthSessionValidity",
        "ReadAttributes",
        "WriteAttributes",
        "AnalyticsConfiguration",
        "EnablePropagateAdditionalUserContextData",
        "DefaultRedirectURI",
    ]);
    let units = match p.child("TokenValidityUnits")? {
        None => (None, None, None),
        Some(u) => {
            let units = ["seconds", "minutes", "hours", "days"];
            let v = (
                u.one_of("AccessToken", &units)?,
                u.one_of("IdToken", &units)?,
                u.one_of("RefreshToken", &units)?,
            );
            u.finish()?;
            v
        }
    };
    let validity =
        |key: &str, unit: Option<String>, default: &str| -> Result<Option<(u64, String)>> {
            Ok(p.u64(key)?
                .map(|n| (n, unit.unwrap_or_else(|| default.to_string()))))
        };
    Ok(UserPoolClient {
        logical_id: ctx.logical_id.to_string(),
        client_id: ctx.reference()?,
        user_pool_id: p.req_string("UserPoolId")?,
        name: p.string("ClientName")?,
        generate_secret: p.bool("GenerateSecret")?.unwrap_or(false),
        explicit_auth_flows: p.strings("ExplicitAuthFlows")?,
        allowed_oauth_flows: p.strings("AllowedOAuthFlows")?,
        allowed_oauth_scopes: p.strings("AllowedOAuthScopes")?,
        allowed_oauth_flows_user_pool_client: p
            .bool("AllowedOAuthFlowsUserPoolClient")?
            .unwrap_or(false),
        callback_urls: p.strings("CallbackURLs")?,
        logout_urls: p.strings("LogoutURLs")?,
        supported_identity_providers: p.strings("SupportedIdentityProviders")?,
        access_token_validity: validity("AccessTokenValidity", units.0, "hours")?,
        id_token_validity: validity("IdTokenValidity", units.1, "hours")?,
        refresh_token_validity: validity("RefreshTokenValidity", units.2, "days")?,
        prevent_user_existence_errors: p
            .one_of("PreventUserExistenceErrors", &["ENABLED", "LEGACY"])?
            .as_deref()
            == Some("ENABLED"),
    })
}

pub(super) fn build_domain(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<UserPoolDomain> {
    p.ignore(&["ManagedLoginVersion"]);
    Ok(UserPoolDomain {
        logical_id: ctx.logical_id.to_string(),
        domain: p.req_string("Domain")?,
        user_pool_id: p.req_string("UserPoolId")?,
    })
}
