//! SAM's `Globals` section
//! (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>),
//! merged into each resource of the matching type before anything is resolved. The documented
//! rules ("Overridable" on that page):
//!
//! - primitives (strings, numbers, booleans) and intrinsic functions: the resource's value wins;
//! - maps: merged key by key, recursively; the resource wins on a clash;
//! - lists: concatenated, the global entries first.
//!
//! (SAM has an open proposal to replace `Architectures` instead of appending: not applied here,
//! so a function that sets `Architectures` under a global one fails with two architectures,
//! which is what `sam deploy` would do too.)

use serde_json::{Map, Value};

use crate::error::{malformed, Result};
use crate::intrinsic::as_intrinsic;

/// The resource type each `Globals` section applies to.
fn section_type(section: &str) -> Option<&'static str> {
    Some(match section {
        "Function" => "AWS::Serverless::Function",
        "Api" => "AWS::Serverless::Api",
        "HttpApi" => "AWS::Serverless::HttpApi",
        "SimpleTable" => "AWS::Serverless::SimpleTable",
        "StateMachine" => "AWS::Serverless::StateMachine",
        _ => return None,
    })
}

/// Merges `globals` into the `Properties` of every matching resource in `resources`.
pub(crate) fn apply(globals: &Value, resources: &mut Map<String, Value>) -> Result<()> {
    let sections = globals
        .as_object()
        .ok_or_else(|| malformed("Globals", "must be a mapping"))?;
    for (section, props) in sections {
        let at = format!("Globals.{section}");
        let ty = section_type(section).ok_or_else(|| {
            malformed(&at, "unknown Globals section (SAM has Function, Api, HttpApi, SimpleTable, StateMachine)")
        })?;
        if !props.is_object() {
            return Err(malformed(&at, "must be a mapping"));
        }
        for resource in resources.values_mut() {
            if resource.get("Type").and_then(Value::as_str) != Some(ty) {
                continue;
            }
            let Some(obj) = resource.as_object_mut() else {
                continue;
            };
            let local = obj
                .remove("Properties")
                .unwrap_or(Value::Object(Map::new()));
            obj.insert("Properties".to_string(), merge(props, local));
        }
    }
    Ok(())
}

/// `global` merged under `local` by SAM's rules.
fn merge(global: &Value, local: Value) -> Value {
    let is_map = |v: &Value| v.is_object() && as_intrinsic(v).is_none();
    match (global, local) {
        (Value::Array(g), Value::Array(l)) => Value::Array(g.iter().cloned().chain(l).collect()),
        (g, Value::Object(l)) if is_map(g) && as_intrinsic(&Value::Object(l.clone())).is_none() => {
            let mut out = g.as_object().cloned().unwrap_or_default();
            for (k, v) in l {
                let merged = match out.remove(&k) {
                    Some(gv) => merge(&gv, v),
                    None => v,
                };
                out.insert(k, merged);
            }
            Value::Object(out)
        }
        (_, local) => local,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sam_documented_merge_rules() {
        let globals = json!({"Function": {
            "Runtime": "provided.al2023", "Timeout": 10,
            "Environment": {"Variables": {"TABLE": "t", "MODE": "g"}},
            "Layers": ["l1"]
        }});
        let mut resources = json!({
            "F": {"Type": "AWS::Serverless::Function", "Properties": {
                "Timeout": 30, "Environment": {"Variables": {"MODE": "local"}}, "Layers": ["l2"]}},
            "G": {"Type": "AWS::Serverless::Function"},
            "T": {"Type": "AWS::DynamoDB::Table", "Properties": {}}
        });
        apply(&globals, resources.as_object_mut().expect("map")).expect("applies");
        assert_eq!(
            resources["F"]["Properties"],
            json!({"Runtime": "provided.al2023", "Timeout": 30,
                   "Environment": {"Variables": {"TABLE": "t", "MODE": "local"}},
                   "Layers": ["l1", "l2"]})
        );
        assert_eq!(resources["G"]["Properties"]["Timeout"], json!(10));
        assert_eq!(resources["T"]["Properties"], json!({}));
    }

    #[test]
    fn intrinsics_are_primitives() {
        let merged = merge(&json!({"A": 1}), json!({"Ref": "X"}));
        assert_eq!(merged, json!({"Ref": "X"}));
        let merged = merge(&json!({"Fn::If": ["C", 1, 2]}), json!({"B": 1}));
        assert_eq!(merged, json!({"B": 1}));
    }

    #[test]
    fn unknown_section_is_an_error() {
        let mut r = Map::new();
        assert!(apply(&json!({"Table": {}}), &mut r).is_err());
    }
}
