//! The `Parameters` section: declared types, defaults, constraints and overrides
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>).
//!
//! `Ref` to a `Number` parameter gives a string, as on AWS; `CommaDelimitedList` and `List<...>`
//! give a list of strings.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{malformed, Result, TemplateError};

/// The value a parameter resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterValue {
    /// `String`, `Number` and AWS-specific scalar types.
    String(String),
    /// `CommaDelimitedList` and `List<...>` types.
    List(Vec<String>),
}

impl ParameterValue {
    /// As a template value (`Ref` result).
    pub fn to_value(&self) -> Value {
        match self {
            Self::String(s) => Value::String(s.clone()),
            Self::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Number,
    List,
    NumberList,
}

fn kind(name: &str, ty: &str) -> Result<Kind> {
    Ok(match ty {
        "String" => Kind::String,
        "Number" => Kind::Number,
        "CommaDelimitedList" => Kind::List,
        "List<Number>" => Kind::NumberList,
        t if t.starts_with("AWS::SSM::") => {
            return Err(TemplateError::UnsupportedParameterType {
                name: name.to_string(),
                ty: ty.to_string(),
            })
        }
        t if t.starts_with("List<AWS::") => Kind::List,
        t if t.starts_with("AWS::") => Kind::String,
        _ => {
            return Err(TemplateError::UnsupportedParameterType {
                name: name.to_string(),
                ty: ty.to_string(),
            })
        }
    })
}

/// A scalar written in the template (`Default: 128`) as the string CloudFormation sees.
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Resolves every declared parameter from `overrides` (last one wins) or its `Default`.
pub(crate) fn resolve(
    section: Option<&Value>,
    overrides: &[(String, String)],
) -> Result<BTreeMap<String, ParameterValue>> {
    let empty = serde_json::Map::new();
    let declared = match section {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err(malformed("Parameters", "must be a mapping")),
    };
    let mut given: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, v) in overrides {
        if !declared.contains_key(k) {
            return Err(TemplateError::UnknownParameter {
                name: k.clone(),
                declared: declared.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
        given.insert(k, v);
    }
    let mut out = BTreeMap::new();
    for (name, decl) in declared {
        let at = format!("Parameters.{name}");
        let decl = decl
            .as_object()
            .ok_or_else(|| malformed(&at, "must be a mapping"))?;
        let ty = decl
            .get("Type")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(&format!("{at}.Type"), "is required"))?;
        let kind = kind(name, ty)?;
        let raw = match given.get(name.as_str()) {
            Some(v) => (*v).to_string(),
            None => match decl.get("Default") {
                Some(Value::Array(items)) => items
                    .iter()
                    .map(scalar_string)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| malformed(&format!("{at}.Default"), "must be scalars"))?
                    .join(","),
                Some(v) => scalar_string(v)
                    .ok_or_else(|| malformed(&format!("{at}.Default"), "must be a scalar"))?,
                None => return Err(TemplateError::MissingParameter { name: name.clone() }),
            },
        };
        out.insert(name.clone(), check(name, kind, decl, raw)?);
    }
    Ok(out)
}

fn check(
    name: &str,
    kind: Kind,
    decl: &serde_json::Map<String, Value>,
    raw: String,
) -> Result<ParameterValue> {
    let invalid = |message: String| TemplateError::InvalidParameterValue {
        name: name.to_string(),
        message,
    };
    let items: Vec<String> = match kind {
        Kind::String | Kind::Number => vec![raw.clone()],
        Kind::List | Kind::NumberList => raw.split(',').map(|s| s.trim().to_string()).collect(),
    };
    if let Some(Value::Array(allowed)) = decl.get("AllowedValues") {
        let allowed: Vec<String> = allowed.iter().filter_map(scalar_string).collect();
        for item in &items {
            if !allowed.contains(item) {
                return Err(TemplateError::DisallowedValue {
                    name: name.to_string(),
                    value: item.clone(),
                    allowed: allowed.join(", "),
                });
            }
        }
    }
    for item in &items {
        if matches!(kind, Kind::Number | Kind::NumberList) {
            let n: f64 = item
                .parse()
                .map_err(|_| invalid(format!("`{item}` is not a number")))?;
            let bound = |key: &str| {
                decl.get(key)
                    .and_then(scalar_string)
                    .and_then(|s| s.parse::<f64>().ok())
            };
            if let Some(min) = bound("MinValue") {
                if n < min {
                    return Err(invalid(format!("{item} is below MinValue {min}")));
                }
            }
            if let Some(max) = bound("MaxValue") {
                if n > max {
                    return Err(invalid(format!("{item} is above MaxValue {max}")));
                }
            }
        } else {
            let len = item.chars().count() as u64;
            if let Some(min) = decl.get("MinLength").and_then(Value::as_u64) {
                if len < min {
                    return Err(invalid(format!("`{item}` is shorter than MinLength {min}")));
                }
            }
            if let Some(max) = decl.get("MaxLength").and_then(Value::as_u64) {
                if len > max {
                    return Err(invalid(format!("`{item}` is longer than MaxLength {max}")));
                }
            }
            if let Some(pattern) = decl.get("AllowedPattern").and_then(Value::as_str) {
                if !full_match(pattern, item).map_err(invalid)? {
                    let description = decl
                        .get("ConstraintDescription")
                        .and_then(Value::as_str)
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default();
                    return Err(invalid(format!(
                        "`{item}` does not match AllowedPattern `{pattern}`{description}"
                    )));
                }
            }
        }
    }
    Ok(match kind {
        Kind::String | Kind::Number => ParameterValue::String(raw),
        Kind::List | Kind::NumberList => ParameterValue::List(items),
    })
}

/// `AllowedPattern` must match the whole value (CloudFormation uses Java regular expressions;
/// the common subset is the same in the `regex` crate).
fn full_match(pattern: &str, value: &str) -> std::result::Result<bool, String> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
        .map(|re| re.is_match(value))
        .map_err(|e| format!("AllowedPattern `{pattern}` is not a valid regular expression: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overrides::parse_overrides;
    use serde_json::json;

    fn section() -> Value {
        json!({
            "Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
            "Ttl": {"Type": "Number", "Default": 86400, "MinValue": 60},
            "Zones": {"Type": "CommaDelimitedList", "Default": "a, b"},
            "Name": {"Type": "String", "Default": "abc", "AllowedPattern": "[a-z]+"},
            "Key": {"Type": "AWS::EC2::KeyPair::KeyName", "Default": "k"}
        })
    }

    #[test]
    fn defaults_types_and_overrides() {
        let p = resolve(
            Some(&section()),
            &parse_overrides("Stage=prod Ttl=120").expect("ok"),
        )
        .expect("resolves");
        assert_eq!(p["Stage"], ParameterValue::String("prod".into()));
        assert_eq!(p["Ttl"], ParameterValue::String("120".into()));
        assert_eq!(
            p["Zones"],
            ParameterValue::List(vec!["a".into(), "b".into()])
        );
        assert_eq!(p["Key"], ParameterValue::String("k".into()));
    }

    #[test]
    fn errors_name_the_parameter() {
        let s = section();
        let err = resolve(Some(&s), &[("Nope".into(), "x".into())]).expect_err("unknown");
        assert!(matches!(err, TemplateError::UnknownParameter { ref name, .. } if name == "Nope"));
        let err = resolve(Some(&s), &[("Stage".into(), "qa".into())]).expect_err("disallowed");
        assert!(matches!(err, TemplateError::DisallowedValue { ref value, .. } if value == "qa"));
        let err = resolve(Some(&s), &[("Ttl".into(), "ten".into())]).expect_err("nan");
        assert!(matches!(err, TemplateError::InvalidParameterValue { .. }));
        let err = resolve(Some(&s), &[("Ttl".into(), "5".into())]).expect_err("min");
        assert!(err.to_string().contains("MinValue"));
        let err = resolve(Some(&s), &[("Name".into(), "AB1".into())]).expect_err("pattern");
        assert!(err.to_string().contains("AllowedPattern"));
        let err = resolve(Some(&json!({"X": {"Type": "String"}})), &[]).expect_err("missing");
        assert!(matches!(err, TemplateError::MissingParameter { .. }));
        let err = resolve(
            Some(&json!({"X": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/a"}})),
            &[],
        )
        .expect_err("ssm");
        assert!(matches!(
            err,
            TemplateError::UnsupportedParameterType { .. }
        ));
    }
}
