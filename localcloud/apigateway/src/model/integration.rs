//! `x-amazon-apigateway-integration`: type, uri, request parameters and templates,
//! passthrough behavior and the integration responses.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html>

use localcloud_vtl::Template;
use serde_json::{Map, Value};

pub use super::integration_response::IntegrationResponse;
use super::integration_response::{check_mapping, invalid, responses, templates, unsupported};
use super::{obj, opt_str, str_map};
use crate::error::{child, ApiGatewayError, Result};

/// An AWS service reachable through an action-style URI, with its JSON protocol target prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsService {
    /// `dynamodb`: `DynamoDB_20120810.<Action>`.
    DynamoDb,
    /// `states`: `AWSStepFunctions.<Action>`.
    StepFunctions,
}

impl AwsService {
    /// The `X-Amz-Target` prefix.
    pub fn target_prefix(self) -> &'static str {
        match self {
            AwsService::DynamoDb => "DynamoDB_20120810",
            AwsService::StepFunctions => "AWSStepFunctions",
        }
    }

    /// The SigV4 signing name.
    pub fn signing_name(self) -> &'static str {
        match self {
            AwsService::DynamoDb => "dynamodb",
            AwsService::StepFunctions => "states",
        }
    }

    /// The content type of the service's JSON protocol.
    pub fn content_type(self) -> &'static str {
        "application/x-amz-json-1.0"
    }
}

/// The integration type and what it targets.
#[derive(Debug, Clone, PartialEq)]
pub enum IntegrationKind {
    /// `MOCK`: the request template's `statusCode` picks the response.
    Mock,
    /// `AWS` with `arn:aws:apigateway:{region}:{service}:action/{Action}`.
    Aws {
        /// The service.
        service: AwsService,
        /// The action (`GetItem`, `StartExecution`).
        action: String,
    },
    /// `AWS` (non-proxy) to a Lambda function: `selectionPattern` matches the `errorMessage`
    /// of a failed invocation; a successful one takes the `default` response.
    AwsLambda {
        /// The function ARN inside the invocation URI.
        function_arn: String,
    },
    /// `AWS_PROXY` to a Lambda function.
    AwsProxy {
        /// The function ARN inside the invocation URI.
        function_arn: String,
    },
    /// `HTTP` (mapped) to a local URL.
    Http {
        /// The URL, possibly with `{param}` placeholders.
        url: String,
        /// The integration's HTTP method.
        method: String,
    },
    /// `HTTP_PROXY` to a local URL.
    HttpProxy {
        /// The URL, possibly with `{param}` placeholders.
        url: String,
        /// The integration's HTTP method (`ANY` keeps the request's).
        method: String,
    },
}

/// `passthroughBehavior`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passthrough {
    /// `WHEN_NO_MATCH` (the default): unmapped content types pass through unchanged.
    WhenNoMatch,
    /// `WHEN_NO_TEMPLATES`: pass through only when no template is defined at all.
    WhenNoTemplates,
    /// `NEVER`: unmapped content types get 415.
    Never,
}

/// A method's integration.
#[derive(Debug, Clone)]
pub struct Integration {
    /// Type and target.
    pub kind: IntegrationKind,
    /// `requestParameters`: `integration.request.{header|querystring|path}.X` -> source.
    pub request_parameters: Vec<(String, String)>,
    /// `requestTemplates` by content type.
    pub request_templates: Vec<(String, Template)>,
    /// `passthroughBehavior`.
    pub passthrough: Passthrough,
    /// `responses`, in document order (`default` is the fallback wherever it appears).
    pub responses: Vec<IntegrationResponse>,
    /// `timeoutInMillis` (default 29,000).
    pub timeout_ms: u64,
}

const KNOWN: &[&str] = &[
    "type",
    "uri",
    "httpMethod",
    "credentials",
    "requestParameters",
    "requestTemplates",
    "passthroughBehavior",
    "responses",
    "timeoutInMillis",
    "cacheKeyParameters",
    "cacheNamespace",
    "connectionType",
    "contentHandling",
    "description",
];

fn is_local_url(url: &str) -> bool {
    let rest = match url.strip_prefix("http://") {
        Some(r) => r,
        None => return false,
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "127.0.0.1" | "localhost")
}

/// The function ARN of a Lambda invocation URI.
fn lambda_function(uri: &str) -> Option<String> {
    uri.split_once(":lambda:path/2015-03-31/functions/")
        .and_then(|(_, rest)| rest.strip_suffix("/invocations"))
        .map(str::to_string)
}

fn parse_uri(
    kind: &str,
    uri: Option<String>,
    method: Option<String>,
    path: &str,
) -> Result<IntegrationKind> {
    let uri_path = child(path, "uri");
    let need_uri = || {
        uri.clone()
            .ok_or_else(|| invalid(&uri_path, "required for this type"))
    };
    match kind {
        "mock" => Ok(IntegrationKind::Mock),
        "aws" => {
            let uri = need_uri()?;
            if let Some(function_arn) = lambda_function(&uri) {
                return Ok(IntegrationKind::AwsLambda { function_arn });
            }
            let parts: Vec<&str> = uri.splitn(6, ':').collect();
            if parts.len() != 6 || parts[0] != "arn" || parts[2] != "apigateway" {
                return Err(invalid(
                    &uri_path,
                    format!("not an API Gateway integration ARN: {uri}"),
                ));
            }
            let Some(action) = parts[5].strip_prefix("action/") else {
                return Err(unsupported(
                    &uri_path,
                    format!("only action-style AWS URIs are supported, not {uri}"),
                ));
            };
            let service = match parts[4] {
                "dynamodb" => AwsService::DynamoDb,
                "states" => AwsService::StepFunctions,
                other => {
                    return Err(unsupported(
                        &uri_path,
                        format!("AWS service `{other}` (supported: dynamodb, states)"),
                    ))
                }
            };
            if method.as_deref().map(str::to_ascii_uppercase).as_deref() != Some("POST") {
                return Err(invalid(
                    &child(path, "httpMethod"),
                    "AWS action integrations use POST",
                ));
            }
            Ok(IntegrationKind::Aws {
                service,
                action: action.to_string(),
            })
        }
        "aws_proxy" => {
            let uri = need_uri()?;
            let function_arn = uri
                .split_once(":lambda:path/2015-03-31/functions/")
                .and_then(|(_, rest)| rest.strip_suffix("/invocations"))
                .ok_or_else(|| {
                    unsupported(
                        &uri_path,
                        format!(
                            "AWS_PROXY is supported for Lambda invocation URIs only, not {uri}"
                        ),
                    )
                })?;
            Ok(IntegrationKind::AwsProxy {
                function_arn: function_arn.to_string(),
            })
        }
        "http" | "http_proxy" => {
            let url = need_uri()?;
            if !is_local_url(&url) {
                return Err(ApiGatewayError::NonLocalHttpTarget {
                    path: uri_path,
                    uri: url,
                });
            }
            let method = method.map(|m| m.to_ascii_uppercase()).ok_or_else(|| {
                invalid(&child(path, "httpMethod"), "required for HTTP integrations")
            })?;
            Ok(if kind == "http" {
                IntegrationKind::Http { url, method }
            } else {
                IntegrationKind::HttpProxy { url, method }
            })
        }
        other => Err(unsupported(
            &child(path, "type"),
            format!("integration type `{other}`"),
        )),
    }
}

/// Parses `x-amazon-apigateway-integration` at `path`.
pub(crate) fn parse(v: &Value, path: &str) -> Result<Integration> {
    let m: &Map<String, Value> = obj(v, path)?;
    for k in m.keys() {
        if !KNOWN.contains(&k.as_str()) {
            return Err(unsupported(&child(path, k), "unknown integration field"));
        }
    }
    if let Some(ct) = m.get("connectionType") {
        if ct.as_str().map(str::to_ascii_uppercase).as_deref() != Some("INTERNET") {
            return Err(unsupported(&child(path, "connectionType"), "VPC links"));
        }
    }
    if m.contains_key("contentHandling") {
        return Err(unsupported(
            &child(path, "contentHandling"),
            "binary content handling",
        ));
    }
    let kind = opt_str(m.get("type"), &child(path, "type"))?
        .ok_or_else(|| invalid(path, "type is required"))?
        .to_ascii_lowercase();
    let uri = opt_str(m.get("uri"), &child(path, "uri"))?;
    let method = opt_str(m.get("httpMethod"), &child(path, "httpMethod"))?;
    let kind = parse_uri(&kind, uri, method, path)?;
    let passthrough = match opt_str(
        m.get("passthroughBehavior"),
        &child(path, "passthroughBehavior"),
    )?
    .map(|s| s.to_ascii_uppercase())
    .as_deref()
    {
        None | Some("WHEN_NO_MATCH") => Passthrough::WhenNoMatch,
        Some("WHEN_NO_TEMPLATES") => Passthrough::WhenNoTemplates,
        Some("NEVER") => Passthrough::Never,
        Some(other) => {
            return Err(invalid(
                &child(path, "passthroughBehavior"),
                format!("unknown value {other}"),
            ))
        }
    };
    let timeout_ms = match m.get("timeoutInMillis") {
        None => 29_000,
        Some(t) => t
            .as_u64()
            .or_else(|| t.as_str().and_then(|s| s.parse().ok()))
            .filter(|t| (50..=29_000).contains(t))
            .ok_or_else(|| invalid(&child(path, "timeoutInMillis"), "50..=29000"))?,
    };
    Ok(Integration {
        kind,
        request_parameters: {
            let rp = child(path, "requestParameters");
            let pairs = str_map(m.get("requestParameters"), &rp)?;
            check_mapping(
                &pairs,
                &rp,
                &[
                    "integration.request.header.",
                    "integration.request.querystring.",
                    "integration.request.path.",
                ],
                &[
                    "method.request.path.",
                    "method.request.querystring.",
                    "method.request.header.",
                    "context.",
                    "stageVariables.",
                ],
            )?;
            pairs
        },
        request_templates: templates(m.get("requestTemplates"), &child(path, "requestTemplates"))?,
        passthrough,
        responses: responses(m.get("responses"), &child(path, "responses"))?,
        timeout_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn action_uri_names_service_and_action() {
        let i = parse(
            &json!({"type": "aws", "httpMethod": "POST",
                    "uri": "arn:aws:apigateway:us-east-1:states:action/StartExecution"}),
            "$",
        )
        .expect("parses");
        assert_eq!(
            i.kind,
            IntegrationKind::Aws {
                service: AwsService::StepFunctions,
                action: "StartExecution".into()
            }
        );
        assert_eq!(i.passthrough, Passthrough::WhenNoMatch);
    }

    #[test]
    fn remote_http_and_unknown_services_are_refused_with_their_path() {
        let e = parse(
            &json!({"type": "http", "httpMethod": "GET", "uri": "http://example.com/x"}),
            "$.m",
        )
        .expect_err("refused");
        assert!(
            matches!(e, ApiGatewayError::NonLocalHttpTarget { ref path, .. } if path == "$.m.uri"),
            "{e}"
        );
        let e = parse(
            &json!({"type": "aws", "httpMethod": "POST",
                               "uri": "arn:aws:apigateway:us-east-1:sqs:action/SendMessage"}),
            "$.m",
        )
        .expect_err("refused");
        assert!(
            e.to_string().contains("$.m.uri") && e.to_string().contains("sqs"),
            "{e}"
        );
        let e = parse(
            &json!({"type": "mock", "cacheNamespace": "x", "foo": 1}),
            "$.m",
        )
        .expect_err("refused");
        assert!(e.to_string().starts_with("$.m.foo"), "{e}");
    }

    #[test]
    fn parameter_mappings_are_checked_at_load() {
        let ok = json!({"type": "mock",
            "requestParameters": {"integration.request.header.x": "method.request.header.y", "integration.request.path.id": "'lit'"},
            "responses": {"default": {"statusCode": "200", "responseParameters": {
                "method.response.header.A": "integration.response.body", "method.response.header.B": "integration.response.body.id"}}}});
        assert!(parse(&ok, "$").is_ok());
        let bad = json!({"type": "mock", "requestParameters": {"integration.request.header.x": "method.request.multivalueheader.y"}});
        let e = parse(&bad, "$.m").expect_err("refused").to_string();
        assert!(
            e.starts_with("$.m.requestParameters['integration.request.header.x']"),
            "{e}"
        );
        let bad = json!({"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {"method.response.body": "'x'"}}}});
        assert!(parse(&bad, "$").is_err());
    }

    #[test]
    fn selection_patterns_are_anchored() {
        let i = parse(&json!({"type": "mock", "responses": {"4\\d{2}": {"statusCode": "400"}, "default": {"statusCode": "200"}}}), "$")
            .expect("parses");
        let r = i.responses[0].regex.as_ref().expect("regex");
        assert!(r.is_match("404") && !r.is_match("4044") && !r.is_match("200"));
        assert!(i.responses[1].regex.is_none());
    }
}
