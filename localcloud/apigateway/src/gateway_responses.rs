//! Gateway responses: what API Gateway answers when it rejects a request itself. Each type has
//! AWS's default status and message; `x-amazon-apigateway-gateway-responses` customizes a type
//! or the `DEFAULT_4XX`/`DEFAULT_5XX` families. Templates here are NOT Velocity: AWS only
//! substitutes `$context.*` and `$stageVariables.*` references.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html>

use std::collections::BTreeMap;

use regex_lite::Regex;
use serde_json::Value;

use crate::error::{child, ApiGatewayError, Result};
use crate::model::{obj, opt_str, str_map};

/// The response types, each with AWS's default status, message and `x-amzn-ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum ResponseType {
    AccessDenied,
    ApiConfigurationError,
    AuthorizerConfigurationError,
    AuthorizerFailure,
    BadRequestParameters,
    BadRequestBody,
    ExpiredToken,
    IntegrationFailure,
    IntegrationTimeout,
    InvalidApiKey,
    InvalidSignature,
    MissingAuthenticationToken,
    QuotaExceeded,
    RequestTooLarge,
    ResourceNotFound,
    Throttled,
    Unauthorized,
    UnsupportedMediaType,
    WafFiltered,
}

use ResponseType::*;

const ALL: &[(ResponseType, &str, u16, &str, &str)] = &[
    (
        AccessDenied,
        "ACCESS_DENIED",
        403,
        "User is not authorized to access this resource",
        "AccessDeniedException",
    ),
    (
        ApiConfigurationError,
        "API_CONFIGURATION_ERROR",
        500,
        "Internal server error",
        "InternalServerErrorException",
    ),
    (
        AuthorizerConfigurationError,
        "AUTHORIZER_CONFIGURATION_ERROR",
        500,
        "Internal server error",
        "AuthorizerConfigurationException",
    ),
    (
        AuthorizerFailure,
        "AUTHORIZER_FAILURE",
        500,
        "Internal server error",
        "AuthorizerFailureException",
    ),
    (
        BadRequestParameters,
        "BAD_REQUEST_PARAMETERS",
        400,
        "Bad request parameters",
        "BadRequestException",
    ),
    (
        BadRequestBody,
        "BAD_REQUEST_BODY",
        400,
        "Invalid request body",
        "BadRequestException",
    ),
    (
        ExpiredToken,
        "EXPIRED_TOKEN",
        403,
        "The security token included in the request is expired",
        "ExpiredTokenException",
    ),
    (
        IntegrationFailure,
        "INTEGRATION_FAILURE",
        504,
        "Internal server error",
        "InternalServerErrorException",
    ),
    (
        IntegrationTimeout,
        "INTEGRATION_TIMEOUT",
        504,
        "Endpoint request timed out",
        "InternalServerErrorException",
    ),
    (
        InvalidApiKey,
        "INVALID_API_KEY",
        403,
        "Forbidden",
        "ForbiddenException",
    ),
    (
        InvalidSignature,
        "INVALID_SIGNATURE",
        403,
        "The request signature we calculated does not match the signature you provided",
        "InvalidSignatureException",
    ),
    (
        MissingAuthenticationToken,
        "MISSING_AUTHENTICATION_TOKEN",
        403,
        "Missing Authentication Token",
        "MissingAuthenticationTokenException",
    ),
    (
        QuotaExceeded,
        "QUOTA_EXCEEDED",
        429,
        "Limit Exceeded",
        "LimitExceededException",
    ),
    (
        RequestTooLarge,
        "REQUEST_TOO_LARGE",
        413,
        "Request Too Long",
        "RequestTooLargeException",
    ),
    (
        ResourceNotFound,
        "RESOURCE_NOT_FOUND",
        404,
        "Not Found",
        "NotFoundException",
    ),
    (
        Throttled,
        "THROTTLED",
        429,
        "Too Many Requests",
        "TooManyRequestsException",
    ),
    (
        Unauthorized,
        "UNAUTHORIZED",
        401,
        "Unauthorized",
        "UnauthorizedException",
    ),
    (
        UnsupportedMediaType,
        "UNSUPPORTED_MEDIA_TYPE",
        415,
        "Unsupported Media Type",
        "UnsupportedMediaTypeException",
    ),
    (
        WafFiltered,
        "WAF_FILTERED",
        403,
        "Forbidden",
        "WAFFilteredException",
    ),
];

impl ResponseType {
    fn row(self) -> (ResponseType, &'static str, u16, &'static str, &'static str) {
        ALL.iter().copied().find(|r| r.0 == self).unwrap_or((
            self,
            "DEFAULT_5XX",
            500,
            "Internal server error",
            "InternalServerErrorException",
        ))
    }
    /// AWS's name (`MISSING_AUTHENTICATION_TOKEN`).
    pub fn name(self) -> &'static str {
        self.row().1
    }
    /// The default status code.
    pub fn default_status(self) -> u16 {
        self.row().2
    }
    /// The default `$context.error.message`.
    pub fn default_message(self) -> &'static str {
        self.row().3
    }
    /// The `x-amzn-ErrorType` header value.
    pub fn error_type(self) -> &'static str {
        self.row().4
    }
}

/// A customized response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Custom {
    /// `statusCode`.
    pub status: Option<u16>,
    /// `responseParameters` (`gatewayresponse.header.X` -> source).
    pub response_parameters: Vec<(String, String)>,
    /// `responseTemplates` by content type.
    pub response_templates: Vec<(String, String)>,
}

/// The API's gateway responses.
#[derive(Debug, Clone, Default)]
pub struct GatewayResponses {
    custom: BTreeMap<String, Custom>,
}

/// A rendered gateway response.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayReply {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

const DEFAULT_TEMPLATE: &str = "{\"message\":$context.error.messageString}";

fn reference_regex() -> Option<Regex> {
    Regex::new(r"\$(context|stageVariables)((?:\.[A-Za-z0-9_]+)+)").ok()
}

impl GatewayResponses {
    /// Reads `x-amazon-apigateway-gateway-responses`.
    pub(crate) fn load(v: Option<&Value>) -> Result<Self> {
        let path = "$.x-amazon-apigateway-gateway-responses";
        let mut custom = BTreeMap::new();
        let Some(v) = v else {
            return Ok(Self { custom });
        };
        for (name, r) in obj(v, path)? {
            let p = child(path, name);
            if name != "DEFAULT_4XX"
                && name != "DEFAULT_5XX"
                && !ALL.iter().any(|row| row.1 == name)
            {
                return Err(ApiGatewayError::Invalid {
                    path: p,
                    message: "unknown gateway response type".into(),
                });
            }
            let m = obj(r, &p)?;
            for k in m.keys() {
                if !["statusCode", "responseParameters", "responseTemplates"].contains(&k.as_str())
                {
                    return Err(ApiGatewayError::Unsupported {
                        path: child(&p, k),
                        message: "unknown gateway response field".into(),
                    });
                }
            }
            let status = match opt_str(m.get("statusCode"), &child(&p, "statusCode"))? {
                None => None,
                Some(s) => Some(
                    s.parse::<u16>()
                        .ok()
                        .filter(|s| (100..600).contains(s))
                        .ok_or_else(|| ApiGatewayError::Invalid {
                            path: child(&p, "statusCode"),
                            message: format!("not an HTTP status: {s}"),
                        })?,
                ),
            };
            custom.insert(
                name.clone(),
                Custom {
                    status,
                    response_parameters: str_map(
                        m.get("responseParameters"),
                        &child(&p, "responseParameters"),
                    )?,
                    response_templates: str_map(
                        m.get("responseTemplates"),
                        &child(&p, "responseTemplates"),
                    )?,
                },
            );
        }
        Ok(Self { custom })
    }

    /// Renders `kind`: `context` is the request's `$context` (with `error.*` filled in),
    /// `request_headers` feed `method.request.header.*` parameters.
    pub fn render(
        &self,
        kind: ResponseType,
        context: &Value,
        stage_variables: &[(String, String)],
        request_headers: &[(String, String)],
    ) -> GatewayReply {
        let status_default = kind.default_status();
        let family = if status_default >= 500 {
            "DEFAULT_5XX"
        } else {
            "DEFAULT_4XX"
        };
        let own = self.custom.get(kind.name());
        let fam = self.custom.get(family);
        let status = own.and_then(|c| c.status).unwrap_or(status_default);
        let template = own
            .filter(|c| !c.response_templates.is_empty())
            .or(fam.filter(|c| !c.response_templates.is_empty()))
            .and_then(|c| pick(&c.response_templates))
            .unwrap_or(DEFAULT_TEMPLATE);
        let body = substitute(template, context, stage_variables);
        let mut headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            (
                "x-amzn-errortype".to_string(),
                kind.error_type().to_string(),
            ),
        ];
        let mut params: Vec<(String, String)> = fam
            .map(|c| c.response_parameters.clone())
            .unwrap_or_default();
        for (k, v) in own
            .map(|c| c.response_parameters.clone())
            .unwrap_or_default()
        {
            params.retain(|(pk, _)| *pk != k);
            params.push((k, v));
        }
        for (target, source) in params {
            let Some(name) = target.strip_prefix("gatewayresponse.header.") else {
                continue;
            };
            let value =
                if let Some(lit) = source.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                    Some(lit.to_string())
                } else if let Some(h) = source.strip_prefix("method.request.header.") {
                    request_headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(h))
                        .map(|(_, v)| v.clone())
                } else if let Some(s) = source.strip_prefix("stageVariables.") {
                    stage_variables
                        .iter()
                        .find(|(k, _)| k == s)
                        .map(|(_, v)| v.clone())
                } else {
                    None
                };
            if let Some(v) = value {
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
                headers.push((name.to_ascii_lowercase(), v));
            }
        }
        GatewayReply {
            status,
            headers,
            body,
        }
    }
}

fn pick(templates: &[(String, String)]) -> Option<&str> {
    templates
        .iter()
        .find(|(ct, _)| ct.eq_ignore_ascii_case("application/json"))
        .or_else(|| templates.first())
        .map(|(_, t)| t.as_str())
}

fn json_escape_inner(s: &str) -> String {
    let q = Value::String(s.to_string()).to_string();
    q[1..q.len() - 1].to_string()
}

/// The simple substitution AWS applies to gateway response templates.
fn substitute(template: &str, context: &Value, stage_variables: &[(String, String)]) -> String {
    let Some(re) = reference_regex() else {
        return template.to_string();
    };
    re.replace_all(template, |caps: &regex_lite::Captures<'_>| {
        let root = &caps[1];
        let rest = caps[2].trim_start_matches('.');
        if root == "stageVariables" {
            return stage_variables
                .iter()
                .find(|(k, _)| k == rest)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
        }
        if rest == "error.messageString" {
            let msg = context
                .pointer("/error/message")
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Value::String(msg.to_string()).to_string();
        }
        let pointer = format!("/{}", rest.replace('.', "/"));
        match context.pointer(&pointer) {
            Some(Value::String(s)) => json_escape_inner(s),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_response_type_of_the_api_reference_is_known() {
        // GatewayResponse.responseType's valid values (API reference), minus the two families.
        let names = "ACCESS_DENIED API_CONFIGURATION_ERROR AUTHORIZER_FAILURE AUTHORIZER_CONFIGURATION_ERROR \
            BAD_REQUEST_PARAMETERS BAD_REQUEST_BODY EXPIRED_TOKEN INTEGRATION_FAILURE INTEGRATION_TIMEOUT \
            INVALID_API_KEY INVALID_SIGNATURE MISSING_AUTHENTICATION_TOKEN QUOTA_EXCEEDED REQUEST_TOO_LARGE \
            RESOURCE_NOT_FOUND THROTTLED UNAUTHORIZED UNSUPPORTED_MEDIA_TYPE WAF_FILTERED";
        let mut ours: Vec<&str> = ALL.iter().map(|r| r.1).collect();
        let mut theirs: Vec<&str> = names.split_whitespace().collect();
        ours.sort_unstable();
        theirs.sort_unstable();
        assert_eq!(ours, theirs);
        for (kind, name, ..) in ALL {
            assert_eq!(kind.name(), *name);
        }
    }

    #[test]
    fn defaults_are_awss() {
        let g = GatewayResponses::default();
        let ctx = json!({"error": {"message": "Missing Authentication Token"}});
        let r = g.render(MissingAuthenticationToken, &ctx, &[], &[]);
        assert_eq!(r.status, 403);
        assert_eq!(r.body, r#"{"message":"Missing Authentication Token"}"#);
        assert!(r.headers.contains(&(
            "x-amzn-errortype".into(),
            "MissingAuthenticationTokenException".into()
        )));
        assert_eq!(Throttled.default_status(), 429);
        assert_eq!(Unauthorized.default_message(), "Unauthorized");
    }

    #[test]
    fn custom_status_template_and_family_fallback() {
        let g = GatewayResponses::load(Some(&json!({
            "BAD_REQUEST_BODY": {"statusCode": "400", "responseTemplates": {"application/json":
                "{\"message\": $context.error.messageString, \"validationErrors\": \"$context.error.validationErrorString\"}"}},
            "DEFAULT_4XX": {"responseTemplates": {"application/json": "{\"m\": $context.error.messageString, \"s\": \"$stageVariables.v\"}"},
                            "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}}
        })))
        .expect("loads");
        let ctx = json!({"error": {"message": "Invalid request body", "validationErrorString": "[object has missing required properties ([\"items\"])]"}});
        let r = g.render(BadRequestBody, &ctx, &[], &[]);
        let v: Value = serde_json::from_str(&r.body).expect("valid JSON");
        assert_eq!(
            v["validationErrors"],
            "[object has missing required properties ([\"items\"])]"
        );
        let r = g.render(
            UnsupportedMediaType,
            &json!({"error": {"message": "Unsupported Media Type"}}),
            &[("v".into(), "x".into())],
            &[],
        );
        assert_eq!(
            (r.status, r.body.as_str()),
            (415, r#"{"m": "Unsupported Media Type", "s": "x"}"#)
        );
        assert!(r
            .headers
            .contains(&("access-control-allow-origin".into(), "*".into())));
        assert!(GatewayResponses::load(Some(&json!({"NOPE": {}}))).is_err());
    }
}
