//! User attributes against the pool's schema, checked where attributes are written (SignUp and
//! AdminCreateUser) as Cognito checks them.
//!
//! Every pool's schema holds the standard (OpenID Connect) attributes; a pool adds custom ones,
//! which users address as `custom:<name>`. Anything else is refused with
//! `InvalidParameterException: Attributes did not conform to the schema: <name>: Attribute does
//! not exist in the schema.` (one line per attribute). A client (SignUp, with only a client id)
//! may not write `sub` or the `*_verified` flags: `NotAuthorizedException: A client attempted to
//! write unauthorized attribute`. Were it allowed, signing up with a victim's `sub` would mint a
//! correctly signed token that the API takes for the victim. An administrator may mark an
//! address verified but never choose a `sub`: Cognito assigns it.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html>

use crate::error::CognitoError;

/// The standard attributes every user pool's schema contains.
pub const STANDARD: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "sub",
    "updated_at",
    "website",
    "zoneinfo",
];

/// Who writes the attributes: the permissions differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// An app client, unauthenticated or as the user (SignUp).
    Client,
    /// An administrator with IAM credentials (AdminCreateUser).
    Admin,
}

/// What an app client may never write: Cognito owns `sub`, and only verification (or an
/// administrator) sets the `*_verified` flags.
const NOT_CLIENT_WRITABLE: &[&str] = &["sub", "email_verified", "phone_number_verified"];

/// Checks `attrs` against the schema (`custom`: the pool's custom attribute names, without the
/// `custom:` prefix) for `writer`.
pub fn check(
    custom: &[String],
    attrs: &[(String, String)],
    writer: Writer,
) -> Result<(), CognitoError> {
    let names = || attrs.iter().map(|(name, _)| name.as_str());
    match writer {
        Writer::Client if names().any(|n| NOT_CLIENT_WRITABLE.contains(&n)) => {
            return Err(CognitoError::NotAuthorizedException(
                "A client attempted to write unauthorized attribute".into(),
            ));
        }
        Writer::Admin if names().any(|n| n == "sub") => {
            return Err(CognitoError::param(
                "Cannot modify the non-mutable attribute sub",
            ));
        }
        _ => {}
    }
    let unknown: String = names()
        .filter(|n| !in_schema(custom, n))
        .map(|n| format!("{n}: Attribute does not exist in the schema.\n"))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(CognitoError::param(format!(
            "Attributes did not conform to the schema: {unknown}"
        )))
    }
}

fn in_schema(custom: &[String], name: &str) -> bool {
    match name.strip_prefix("custom:") {
        Some(c) => custom.iter().any(|d| d == c),
        None => STANDARD.contains(&name),
    }
}

/// The custom attributes a template `Schema` declares: its entries whose name is not standard.
pub fn custom_names(schema: &[serde_json::Value]) -> Vec<String> {
    schema
        .iter()
        .filter_map(|s| s.get("Name").and_then(serde_json::Value::as_str))
        .map(|n| n.strip_prefix("custom:").unwrap_or(n))
        .filter(|n| !STANDARD.contains(n))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(names: &[&str]) -> Vec<(String, String)> {
        names.iter().map(|n| (n.to_string(), "v".into())).collect()
    }

    #[test]
    fn a_schema_entry_for_a_standard_attribute_is_not_custom() {
        let schema = [
            serde_json::json!({"Name": "email", "Required": true}),
            serde_json::json!({"Name": "tier", "AttributeDataType": "String"}),
        ];
        assert_eq!(custom_names(&schema), ["tier"]);
    }

    #[test]
    fn the_writer_decides_what_is_authorized() {
        let custom = vec!["tier".to_string()];
        assert!(check(&custom, &pairs(&["email", "custom:tier"]), Writer::Client).is_ok());
        assert!(check(&custom, &pairs(&["email_verified"]), Writer::Admin).is_ok());
        assert!(matches!(
            check(&custom, &pairs(&["email_verified"]), Writer::Client),
            Err(CognitoError::NotAuthorizedException(_))
        ));
        assert!(matches!(
            check(&custom, &pairs(&["sub"]), Writer::Admin),
            Err(CognitoError::InvalidParameterException(_))
        ));
        assert!(matches!(
            check(&custom, &pairs(&["tier"]), Writer::Admin),
            Err(CognitoError::InvalidParameterException(_))
        ));
    }
}
