//! Security schemes with `x-amazon-apigateway-authorizer` and the per-method `security`
//! requirement. Only `cognito_user_pools` authorizers exist locally; Lambda (`token`,
//! `request`) authorizers, API keys and IAM auth fail at load.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html>

use std::collections::BTreeMap;

use serde_json::Value;

use super::{obj, opt_str};
use crate::error::{child, ApiGatewayError, Result};

/// A `cognito_user_pools` authorizer.
#[derive(Debug, Clone, PartialEq)]
pub struct CognitoAuthorizer {
    /// The security scheme's name.
    pub name: String,
    /// `providerARNs`.
    pub provider_arns: Vec<String>,
    /// The header holding the token (from `identitySource`, default `Authorization`).
    pub header: String,
}

/// How a method is authorized.
#[derive(Debug, Clone, PartialEq)]
pub enum Authorization {
    /// Open (`NONE`).
    None,
    /// A Cognito user pool authorizer with the method's `authorizationScopes`.
    Cognito {
        /// The authorizer.
        authorizer: CognitoAuthorizer,
        /// The scopes (empty: an ID token is accepted).
        scopes: Vec<String>,
    },
}

/// The authorizers declared by the document, by scheme name.
pub(crate) fn schemes(doc: &Value) -> Result<BTreeMap<String, CognitoAuthorizer>> {
    let (path, v) = match (
        doc.pointer("/components/securitySchemes"),
        doc.get("securityDefinitions"),
    ) {
        (Some(v), _) => ("$.components.securitySchemes", v),
        (None, Some(v)) => ("$.securityDefinitions", v),
        (None, None) => return Ok(BTreeMap::new()),
    };
    let mut out = BTreeMap::new();
    for (name, s) in obj(v, path)? {
        let p = child(path, name);
        let s = obj(s, &p)?;
        let Some(auth) = s.get("x-amazon-apigateway-authorizer") else {
            return Err(ApiGatewayError::Unsupported {
                path: p,
                message: "a security scheme without x-amazon-apigateway-authorizer (API keys, IAM) is not emulated".into(),
            });
        };
        let ap = child(&p, "x-amazon-apigateway-authorizer");
        let a = obj(auth, &ap)?;
        let kind = opt_str(a.get("type"), &child(&ap, "type"))?.unwrap_or_default();
        if !kind.eq_ignore_ascii_case("cognito_user_pools") {
            return Err(ApiGatewayError::Unsupported {
                path: child(&ap, "type"),
                message: format!("authorizer type `{kind}` (only cognito_user_pools is emulated)"),
            });
        }
        for k in a.keys() {
            if ![
                "type",
                "providerARNs",
                "identitySource",
                "authorizerResultTtlInSeconds",
                "identityValidationExpression",
            ]
            .contains(&k.as_str())
            {
                return Err(ApiGatewayError::Unsupported {
                    path: child(&ap, k),
                    message: "unknown authorizer field".into(),
                });
            }
        }
        if a.contains_key("identityValidationExpression") {
            return Err(ApiGatewayError::Unsupported {
                path: child(&ap, "identityValidationExpression"),
                message: "not emulated".into(),
            });
        }
        let provider_arns = a
            .get("providerARNs")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .filter(|l| !l.is_empty())
            .ok_or_else(|| ApiGatewayError::Invalid {
                path: child(&ap, "providerARNs"),
                message: "a non-empty list of user pool ARNs is required".into(),
            })?;
        let header = match opt_str(a.get("identitySource"), &child(&ap, "identitySource"))? {
            None => s
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("Authorization")
                .to_string(),
            Some(src) => src
                .strip_prefix("method.request.header.")
                .map(str::to_string)
                .ok_or_else(|| ApiGatewayError::Unsupported {
                    path: child(&ap, "identitySource"),
                    message: format!("identity source {src} (only method.request.header.*)"),
                })?,
        };
        out.insert(
            name.clone(),
            CognitoAuthorizer {
                name: name.clone(),
                provider_arns,
                header,
            },
        );
    }
    Ok(out)
}

/// The method's authorization from its `security` (or the document's default).
pub(crate) fn method_authorization(
    security: Option<&Value>,
    schemes: &BTreeMap<String, CognitoAuthorizer>,
    path: &str,
) -> Result<Authorization> {
    let Some(sec) = security else {
        return Ok(Authorization::None);
    };
    let list = sec.as_array().ok_or_else(|| ApiGatewayError::Invalid {
        path: path.to_string(),
        message: "expected a list".into(),
    })?;
    match list.as_slice() {
        [] => Ok(Authorization::None),
        [one] => {
            let p = child(path, "0");
            let m = obj(one, &p)?;
            if m.len() != 1 {
                return Err(ApiGatewayError::Unsupported {
                    path: p,
                    message: "exactly one authorizer per method".into(),
                });
            }
            let (name, scopes) = m.iter().next().ok_or_else(|| ApiGatewayError::Invalid {
                path: p.clone(),
                message: "empty".into(),
            })?;
            let authorizer =
                schemes
                    .get(name)
                    .cloned()
                    .ok_or_else(|| ApiGatewayError::Invalid {
                        path: child(&p, name),
                        message: format!("no security scheme named {name}"),
                    })?;
            let scopes = scopes
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            Ok(Authorization::Cognito { authorizer, scopes })
        }
        _ => Err(ApiGatewayError::Unsupported {
            path: path.to_string(),
            message: "alternative security requirements".into(),
        }),
    }
}
