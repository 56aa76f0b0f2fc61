//! `AWS::Serverless::StateMachine`
//! (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-statemachine.html>):
//! the ASL from `DefinitionUri` (a local file, JSON or YAML, not processed for intrinsics, as on
//! AWS) or an inline `Definition` (resolved like any property), then every `${key}` of
//! `DefinitionSubstitutions` replaced in every string of the definition
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/sample-project-transform.html>;
//! CloudFormation's `AWS::StepFunctions::StateMachine` `DefinitionSubstitutions`). A `${name}`
//! with no substitution is an error here, so nothing unresolved reaches the engine.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use super::props::Props;
use super::BuildCtx;
use crate::error::{Result, TemplateError};
use crate::intrinsic::sub::{parse, render};

/// `STANDARD` or `EXPRESS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateMachineType {
    /// Standard workflows.
    Standard,
    /// Express workflows.
    Express,
}

/// A state machine.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachine {
    /// Logical id.
    pub logical_id: String,
    /// State machine ARN (what `Ref` gives).
    pub arn: String,
    /// Name.
    pub name: String,
    /// `Type`.
    pub machine_type: StateMachineType,
    /// The ASL definition with substitutions applied.
    pub definition: Value,
    /// The file it came from, when `DefinitionUri` was used.
    pub definition_path: Option<PathBuf>,
    /// `DefinitionSubstitutions`, resolved.
    pub substitutions: BTreeMap<String, String>,
    /// `Logging`, as written (levels and destinations; not emulated beyond the level).
    pub logging: Option<Value>,
}

pub(super) fn build(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<StateMachine> {
    p.ignore(&[
        "Role",
        "Policies",
        "RolePath",
        "PermissionsBoundary",
        "Tags",
        "PropagateTags",
        "Tracing",
        "Name",
        "AutoPublishAlias",
        "DeploymentPreference",
        "UseAliasAsEventTarget",
    ]);
    let machine_type = match p.one_of("Type", &["STANDARD", "EXPRESS"])?.as_deref() {
        Some("EXPRESS") => StateMachineType::Express,
        _ => StateMachineType::Standard,
    };
    let (definition, definition_path) = match (p.get("Definition"), p.string("DefinitionUri")?) {
        (Some(d), None) => (d.clone(), None),
        (None, Some(uri)) if !uri.contains("://") => {
            let path = ctx.dir.join(&uri);
            (crate::yaml::read_file(&path)?, Some(path))
        }
        (None, Some(_)) => {
            return Err(TemplateError::InvalidProperty {
                path: p.path("DefinitionUri"),
                message: "only a local path can be loaded locally".into(),
            })
        }
        _ => {
            return Err(TemplateError::InvalidProperty {
                path: p.path("Definition"),
                message: "exactly one of Definition and DefinitionUri is required".into(),
            })
        }
    };
    if let Some(Value::Object(events)) = p.get("Events") {
        if let Some(name) = events.keys().next() {
            return Err(TemplateError::UnsupportedProperty {
                path: format!("{}.{name}", p.path("Events")),
            });
        }
    }
    let substitutions = p.string_map("DefinitionSubstitutions")?;
    let at = p.path("DefinitionSubstitutions");
    let definition = substitute(definition, &substitutions, &at)?;
    let arn = ctx.reference()?;
    Ok(StateMachine {
        logical_id: ctx.logical_id.to_string(),
        name: ctx.attribute("Name")?,
        arn,
        machine_type,
        definition,
        definition_path,
        substitutions,
        logging: p.get("Logging").cloned(),
    })
}

/// Replaces `${key}` in every string (and object key) of `v`.
pub(crate) fn substitute(v: Value, subs: &BTreeMap<String, String>, at: &str) -> Result<Value> {
    let text = |s: &str| -> Result<String> {
        if !s.contains("${") {
            return Ok(s.to_string());
        }
        render(&parse(s), |name| {
            subs.get(name)
                .cloned()
                .ok_or_else(|| TemplateError::InvalidProperty {
                    path: at.to_string(),
                    message: format!(
                        "the definition uses `${{{name}}}`, which has no substitution"
                    ),
                })
        })
    };
    Ok(match v {
        Value::String(s) => Value::String(text(&s)?),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| substitute(i, subs, at))
                .collect::<Result<_>>()?,
        ),
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(text(&k)?, substitute(v, subs, at)?);
            }
            Value::Object(out)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn substitutes_in_strings_and_reports_missing_keys() {
        let subs: BTreeMap<String, String> = [("T".to_string(), "app-orders".to_string())]
            .into_iter()
            .collect();
        let v = json!({"States": {"A": {"Parameters": {"TableName": "${T}", "Ttl.$": "x-${T}-y"}, "Next": "B"}}});
        let out = substitute(v, &subs, "P").expect("substitutes");
        assert_eq!(
            out["States"]["A"]["Parameters"]["TableName"],
            json!("app-orders")
        );
        assert_eq!(
            out["States"]["A"]["Parameters"]["Ttl.$"],
            json!("x-app-orders-y")
        );
        let err = substitute(json!("${Nope}"), &subs, "P").expect_err("missing");
        assert!(err.to_string().contains("${Nope}"));
    }
}
