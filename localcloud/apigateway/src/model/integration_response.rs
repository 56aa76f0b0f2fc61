//! `x-amazon-apigateway-integration.responses` (selection patterns, status codes, response
//! parameters and templates) and the mapping checks and template parsing shared with the
//! integration request.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration-response.html>

use localcloud_vtl::Template;
use regex_lite::Regex;
use serde_json::Value;

use super::{obj, opt_str, str_map};
use crate::error::{child, ApiGatewayError, Result};

/// One entry of `responses`.
#[derive(Debug, Clone)]
pub struct IntegrationResponse {
    /// The key as written (`default`, `4\d{2}`).
    pub selection_pattern: String,
    /// The pattern anchored at both ends; `None` for `default`.
    pub regex: Option<Regex>,
    /// The method response status.
    pub status: u16,
    /// `responseParameters`: `method.response.header.X` -> source expression.
    pub response_parameters: Vec<(String, String)>,
    /// `responseTemplates` by content type.
    pub response_templates: Vec<(String, Template)>,
}

pub(crate) fn unsupported(path: &str, message: impl Into<String>) -> ApiGatewayError {
    ApiGatewayError::Unsupported {
        path: path.to_string(),
        message: message.into(),
    }
}

pub(crate) fn invalid(path: &str, message: impl Into<String>) -> ApiGatewayError {
    ApiGatewayError::Invalid {
        path: path.to_string(),
        message: message.into(),
    }
}

pub(crate) fn check_mapping(
    pairs: &[(String, String)],
    path: &str,
    targets: &[&str],
    sources: &[&str],
) -> Result<()> {
    for (target, source) in pairs {
        let p = child(path, target);
        let ok_target = targets
            .iter()
            .any(|t| target.strip_prefix(t).is_some_and(|rest| !rest.is_empty()));
        if !ok_target {
            return Err(unsupported(
                &p,
                format!(
                    "mapping target {target} (supported: {})",
                    targets.join("*, ") + "*"
                ),
            ));
        }
        let literal = source.len() >= 2 && source.starts_with('\'') && source.ends_with('\'');
        let ok_source = literal
            || sources.iter().any(|s| {
                source == s.trim_end_matches('.')
                    || source.strip_prefix(s).is_some_and(|rest| !rest.is_empty())
            });
        if !ok_source {
            return Err(unsupported(&p, format!("mapping source {source}")));
        }
    }
    Ok(())
}

/// Parses the VTL templates of a `requestTemplates`/`responseTemplates` object.
pub(crate) fn templates(v: Option<&Value>, path: &str) -> Result<Vec<(String, Template)>> {
    str_map(v, path)?
        .into_iter()
        .map(|(ct, src)| {
            let p = child(path, &ct);
            Template::parse(&p, &src)
                .map(|t| (ct.to_ascii_lowercase(), t))
                .map_err(|source| ApiGatewayError::Template { path: p, source })
        })
        .collect()
}

pub(crate) fn responses(v: Option<&Value>, path: &str) -> Result<Vec<IntegrationResponse>> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let m = obj(v, path)?;
    let mut out = Vec::new();
    for (key, r) in m {
        let p = child(path, key);
        let r = obj(r, &p)?;
        for k in r.keys() {
            if ![
                "statusCode",
                "responseParameters",
                "responseTemplates",
                "contentHandling",
            ]
            .contains(&k.as_str())
            {
                return Err(unsupported(
                    &child(&p, k),
                    "unknown integration response field",
                ));
            }
        }
        if r.contains_key("contentHandling") {
            return Err(unsupported(
                &child(&p, "contentHandling"),
                "binary content handling",
            ));
        }
        let status = opt_str(r.get("statusCode"), &child(&p, "statusCode"))?
            .ok_or_else(|| invalid(&p, "statusCode is required"))?;
        let status: u16 = status
            .parse()
            .ok()
            .filter(|s| (100..600).contains(s))
            .ok_or_else(|| {
                invalid(
                    &child(&p, "statusCode"),
                    format!("not an HTTP status: {status}"),
                )
            })?;
        let regex = if key == "default" {
            None
        } else {
            Some(
                Regex::new(&format!("^(?:{key})$"))
                    .map_err(|e| invalid(&p, format!("selectionPattern: {e}")))?,
            )
        };
        out.push(IntegrationResponse {
            selection_pattern: key.clone(),
            regex,
            status,
            response_parameters: {
                let rp = child(&p, "responseParameters");
                let pairs = str_map(r.get("responseParameters"), &rp)?;
                check_mapping(
                    &pairs,
                    &rp,
                    &["method.response.header."],
                    &[
                        "integration.response.header.",
                        "integration.response.body.",
                        "integration.response.body",
                        "context.",
                        "stageVariables.",
                    ],
                )?;
                pairs
            },
            response_templates: templates(
                r.get("responseTemplates"),
                &child(&p, "responseTemplates"),
            )?,
        });
    }
    Ok(out)
}
