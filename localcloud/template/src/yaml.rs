//! Reading a template file (YAML or JSON) into a `serde_json::Value`, with every short-form tag
//! (`!Ref X`, `!Sub ...`, `!GetAtt A.B`) rewritten to its long form (`{"Ref": "X"}`,
//! `{"Fn::Sub": ...}`, `{"Fn::GetAtt": ["A", "B"]}`), so the rest of the crate sees one shape.
//!
//! Short forms: <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>
//! (`!GetAtt logicalNameOfResource.attributeName` splits at the first dot, see
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html>).

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Result, TemplateError};

/// The short-form tags CloudFormation accepts, and the long-form key each stands for.
fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "Sub" => "Fn::Sub",
        "GetAtt" => "Fn::GetAtt",
        "Join" => "Fn::Join",
        "If" => "Fn::If",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "FindInMap" => "Fn::FindInMap",
        "GetAZs" => "Fn::GetAZs",
        "Base64" => "Fn::Base64",
        "ImportValue" => "Fn::ImportValue",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "Transform" => "Fn::Transform",
        "Cidr" => "Fn::Cidr",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        _ => return None,
    })
}

/// Reads `path` and converts it. JSON is a subset of YAML, so one parser reads both.
pub(crate) fn read_file(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|source| TemplateError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_str(&text, path)
}

/// Parses YAML (or JSON) text; `path` is only used in errors.
pub(crate) fn parse_str(text: &str, path: &Path) -> Result<Value> {
    let yaml: yaml_serde::Value = yaml_serde::from_str(text).map_err(|e| TemplateError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    convert(yaml, path)
}

fn convert(yaml: yaml_serde::Value, path: &Path) -> Result<Value> {
    use yaml_serde::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => number(&n),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|v| convert(v, path))
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut out = Map::new();
            for (k, v) in mapping {
                out.insert(key_string(k, path)?, convert(v, path)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let key = long_form(name).ok_or_else(|| TemplateError::UnknownTag {
                path: path.to_path_buf(),
                tag: tag.clone(),
            })?;
            let inner = convert(tagged.value, path)?;
            let inner = match (key, inner) {
                ("Fn::GetAtt", Value::String(s)) => get_att_string(&s),
                (_, v) => v,
            };
            let mut out = Map::new();
            out.insert(key.to_string(), inner);
            Value::Object(out)
        }
    })
}

/// `!GetAtt A.B.C` is `["A", "B.C"]`: the logical id has no dots, the attribute may.
fn get_att_string(s: &str) -> Value {
    match s.split_once('.') {
        Some((id, attr)) => Value::Array(vec![Value::from(id), Value::from(attr)]),
        None => Value::String(s.to_string()),
    }
}

fn number(n: &yaml_serde::Number) -> Value {
    if let Some(u) = n.as_u64() {
        Value::from(u)
    } else if let Some(i) = n.as_i64() {
        Value::from(i)
    } else {
        n.as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(n.to_string()), Value::Number)
    }
}

fn key_string(key: yaml_serde::Value, path: &Path) -> Result<String> {
    use yaml_serde::Value as Y;
    Ok(match key {
        Y::String(s) => s,
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        Y::Null => "null".to_string(),
        other => {
            return Err(TemplateError::Parse {
                path: path.to_path_buf(),
                message: format!("mapping key must be a scalar, found {other:?}"),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Value {
        parse_str(text, Path::new("t.yaml")).expect("parses")
    }

    #[test]
    fn short_tags_become_long_forms() {
        let v = parse("a: !Ref P\nb: !Sub '${AWS::Region}-x'\nc: !GetAtt T.StreamArn\nd: !GetAtt [F, Arn]\ne: !GetAtt C.FunctionMetadata.FunctionARN\nf: !Join [',', [a, !Ref P]]\n");
        assert_eq!(v["a"], json!({"Ref": "P"}));
        assert_eq!(v["b"], json!({"Fn::Sub": "${AWS::Region}-x"}));
        assert_eq!(v["c"], json!({"Fn::GetAtt": ["T", "StreamArn"]}));
        assert_eq!(v["d"], json!({"Fn::GetAtt": ["F", "Arn"]}));
        assert_eq!(
            v["e"],
            json!({"Fn::GetAtt": ["C", "FunctionMetadata.FunctionARN"]})
        );
        assert_eq!(v["f"], json!({"Fn::Join": [",", ["a", {"Ref": "P"}]]}));
    }

    #[test]
    fn long_forms_are_kept_and_json_parses() {
        let v = parse(r#"{"a": {"Fn::Sub": "x"}, "n": 1.5, "i": 3}"#);
        assert_eq!(v, json!({"a": {"Fn::Sub": "x"}, "n": 1.5, "i": 3}));
    }

    #[test]
    fn unknown_tag_is_an_error() {
        let err = parse_str("a: !Bogus x\n", Path::new("t.yaml")).expect_err("unknown tag");
        assert!(matches!(err, TemplateError::UnknownTag { ref tag, .. } if tag == "!Bogus"));
    }
}
