//! Request validation: required parameters and JSON Schema draft 4 body models, with messages
//! worded as API Gateway's validator (java-json-tools' json-schema-validator) words them, for
//! `$context.error.validationErrorString`.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html>
//!
//! Keywords: `$ref` (local), `type`, `enum`, `properties`, `required`,
//! `additionalProperties` (bool or schema), `minProperties`, `maxProperties`, `items` (schema
//! or list), `minItems`, `maxItems`, `uniqueItems`, `minLength`, `maxLength`, `pattern`,
//! `minimum`/`maximum` with boolean `exclusiveMinimum`/`exclusiveMaximum`, `multipleOf` (exact
//! decimal arithmetic for every JSON number, `number.rs`), `allOf`, `anyOf`, `oneOf`, `not`. Annotations (`title`, `description`,
//! `format`, `default`, `example`) are ignored as the validator ignores them; any other keyword
//! fails at load.

use regex_lite::Regex;
use serde_json::Value;

use crate::error::{child, ApiGatewayError, Result};

mod number;
use number::number;

const KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "title",
    "description",
    "format",
    "default",
    "example",
    "$schema",
    "id",
    "definitions",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// Checks at load that every keyword is known, every `$ref` resolves and every pattern compiles.
pub(crate) fn check_refs(doc: &Value, schema: &Value, path: &str) -> Result<()> {
    check(doc, schema, path, 0)
}

fn check(doc: &Value, schema: &Value, path: &str, depth: usize) -> Result<()> {
    let Some(m) = schema.as_object() else {
        return if schema.is_boolean() {
            Ok(())
        } else {
            Err(ApiGatewayError::Invalid {
                path: path.into(),
                message: "a schema must be an object".into(),
            })
        };
    };
    if depth > 64 {
        return Ok(());
    }
    for (k, v) in m {
        let p = child(path, k);
        match k.as_str() {
            "$ref" => {
                let r = v.as_str().unwrap_or_default();
                let target = crate::model::resolve_ref(doc, r, &p)?;
                check(doc, target, r, depth + 1)?;
            }
            "properties" | "definitions" => {
                for (name, s) in v.as_object().into_iter().flatten() {
                    check(doc, s, &child(&p, name), depth + 1)?;
                }
            }
            "items" | "additionalProperties" | "not" => match v {
                Value::Array(l) => {
                    for (i, s) in l.iter().enumerate() {
                        check(doc, s, &child(&p, &i.to_string()), depth + 1)?;
                    }
                }
                other => check(doc, other, &p, depth + 1)?,
            },
            "allOf" | "anyOf" | "oneOf" => {
                for (i, s) in v.as_array().into_iter().flatten().enumerate() {
                    check(doc, s, &child(&p, &i.to_string()), depth + 1)?;
                }
            }
            "pattern" => {
                Regex::new(v.as_str().unwrap_or_default()).map_err(|e| {
                    ApiGatewayError::Invalid {
                        path: p.clone(),
                        message: e.to_string(),
                    }
                })?;
            }
            k if KEYWORDS.contains(&k) || k.starts_with("x-") => {}
            _ => {
                return Err(ApiGatewayError::Unsupported {
                    path: p,
                    message: "JSON Schema keyword not supported by the local validator".into(),
                })
            }
        }
    }
    Ok(())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) => {
            if n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                "integer"
            } else {
                "number"
            }
        }
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    let actual = type_name(v);
    actual == t || (t == "number" && actual == "integer")
}

fn quoted_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    format!("[{}]", inner.join(","))
}

/// Validates `instance` against `schema`, returning the validator's messages (empty: valid).
pub fn validate(doc: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    run(doc, schema, instance, &mut errors, 0);
    errors
}

fn run(doc: &Value, schema: &Value, v: &Value, errs: &mut Vec<String>, depth: usize) {
    let Some(s) = schema.as_object() else { return };
    if depth > 64 {
        return;
    }
    if let Some(target) = s
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| doc.pointer(p))
    {
        run(doc, target, v, errs, depth + 1);
        return;
    }
    if let Some(t) = s.get("type") {
        let allowed: Vec<String> = match t {
            Value::String(x) => vec![x.clone()],
            Value::Array(l) => l
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        if !allowed.is_empty() && !allowed.iter().any(|a| type_ok(a, v)) {
            errs.push(format!(
                "instance type ({}) does not match any allowed primitive type (allowed: {})",
                type_name(v),
                quoted_list(&allowed)
            ));
            return;
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.contains(v) {
            errs.push(format!(
                "instance value ({v}) not found in enum (possible values: {})",
                Value::Array(options.clone())
            ));
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(subs)) = s.get(key) {
            let passing = subs
                .iter()
                .filter(|sub| validate(doc, sub, v).is_empty())
                .count();
            let ok = match key {
                "allOf" => passing == subs.len(),
                "anyOf" => passing > 0,
                _ => passing == 1,
            };
            if !ok {
                errs.push(format!(
                    "instance failed to match {key} of the schemas ({passing} of {} matched)",
                    subs.len()
                ));
            }
        }
    }
    if let Some(not) = s.get("not") {
        if validate(doc, not, v).is_empty() {
            errs.push("instance matched a schema which it should not have".into());
        }
    }
    match v {
        Value::Object(m) => object(doc, s, m, errs, depth),
        Value::Array(items) => array(doc, s, items, errs, depth),
        Value::String(text) => string(s, text, errs),
        Value::Number(_) => number(s, v, errs),
        _ => {}
    }
}

fn object(
    doc: &Value,
    s: &serde_json::Map<String, Value>,
    m: &serde_json::Map<String, Value>,
    errs: &mut Vec<String>,
    depth: usize,
) {
    if let Some(Value::Array(req)) = s.get("required") {
        let mut missing: Vec<String> = req
            .iter()
            .filter_map(Value::as_str)
            .filter(|k| !m.contains_key(*k))
            .map(str::to_string)
            .collect();
        if !missing.is_empty() {
            missing.sort();
            errs.push(format!(
                "object has missing required properties ({})",
                quoted_list(&missing)
            ));
        }
    }
    let props = s.get("properties").and_then(Value::as_object);
    if let Some(n) = s.get("minProperties").and_then(Value::as_u64) {
        if (m.len() as u64) < n {
            errs.push(format!(
                "object has too few properties (found {} but schema requires at least {n})",
                m.len()
            ));
        }
    }
    if let Some(n) = s.get("maxProperties").and_then(Value::as_u64) {
        if (m.len() as u64) > n {
            errs.push(format!(
                "object has too many properties (found {} but schema requires at most {n})",
                m.len()
            ));
        }
    }
    let mut extra = Vec::new();
    for (k, val) in m {
        match props.and_then(|p| p.get(k)) {
            Some(sub) => run(doc, sub, val, errs, depth + 1),
            None => match s.get("additionalProperties") {
                Some(Value::Bool(false)) => extra.push(k.clone()),
                Some(sub @ Value::Object(_)) => run(doc, sub, val, errs, depth + 1),
                _ => {}
            },
        }
    }
    if !extra.is_empty() {
        extra.sort();
        errs.push(format!(
            "object instance has properties which are not allowed by the schema: {}",
            quoted_list(&extra)
        ));
    }
}

fn array(
    doc: &Value,
    s: &serde_json::Map<String, Value>,
    items: &[Value],
    errs: &mut Vec<String>,
    depth: usize,
) {
    let n = items.len();
    if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
        if (n as u64) < min {
            errs.push(format!("array is too short: must have at least {min} elements but instance has {n} elements"));
        }
    }
    if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
        if (n as u64) > max {
            errs.push(format!(
                "array is too long: must have at most {max} elements but instance has {n} elements"
            ));
        }
    }
    if s.get("uniqueItems") == Some(&Value::Bool(true)) {
        let dup = items
            .iter()
            .enumerate()
            .any(|(i, a)| items[..i].contains(a));
        if dup {
            errs.push("array must not contain duplicate elements".into());
        }
    }
    match s.get("items") {
        Some(sub @ Value::Object(_)) => {
            for it in items {
                run(doc, sub, it, errs, depth + 1);
            }
        }
        Some(Value::Array(subs)) => {
            for (it, sub) in items.iter().zip(subs) {
                run(doc, sub, it, errs, depth + 1);
            }
        }
        _ => {}
    }
}

fn string(s: &serde_json::Map<String, Value>, text: &str, errs: &mut Vec<String>) {
    let len = text.chars().count() as u64;
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
        if len > max {
            errs.push(format!(
                "string \"{text}\" is too long (length: {len}, maximum allowed: {max})"
            ));
        }
    }
    if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
        if len < min {
            errs.push(format!(
                "string \"{text}\" is too short (length: {len}, required minimum: {min})"
            ));
        }
    }
    if let Some(p) = s.get("pattern").and_then(Value::as_str) {
        if let Ok(re) = Regex::new(p) {
            if !re.is_match(text) {
                errs.push(format!(
                    "ECMA 262 regex \"{p}\" does not match input string \"{text}\""
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn order_schema() -> Value {
        json!({"type": "object", "required": ["amount", "items"], "additionalProperties": false,
               "properties": {
                 "amount": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1000000, "multipleOf": 0.01},
                 "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/defs/Line"}}}})
    }

    fn doc() -> Value {
        json!({"defs": {"Line": {"type": "object", "required": ["sku", "qty"],
              "properties": {"sku": {"type": "string", "pattern": "^[A-Z0-9]+(-[A-Z0-9]+)*$", "maxLength": 32},
                             "qty": {"type": "integer", "minimum": 1, "maximum": 100}}}}})
    }

    #[test]
    fn valid_order_passes_with_exact_decimals() {
        let v = json!({"amount": 42.3, "items": [{"sku": "A-1", "qty": 2}]});
        assert_eq!(validate(&doc(), &order_schema(), &v), Vec::<String>::new());
        let v = json!({"amount": 0.07, "items": [{"sku": "A-1", "qty": 100}]});
        assert!(validate(&doc(), &order_schema(), &v).is_empty());
    }

    #[test]
    fn each_violation_is_reported_in_the_validators_words() {
        let v = json!({"amount": 0, "items": [{"sku": "a_1", "qty": 1.5}], "x": 1});
        let e = validate(&doc(), &order_schema(), &v);
        assert!(
            e.contains(
                &"numeric instance is not strictly greater than the required minimum 0".to_string()
            ),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m.starts_with("ECMA 262 regex")), "{e:?}");
        assert!(
            e.iter().any(|m| m.contains("allowed: [\"integer\"]")),
            "{e:?}"
        );
        assert!(
            e.contains(
                &"object instance has properties which are not allowed by the schema: [\"x\"]"
                    .to_string()
            ),
            "{e:?}"
        );
        let e = validate(&doc(), &order_schema(), &json!({"amount": 1.001}));
        assert!(
            e.contains(&"object has missing required properties ([\"items\"])".to_string()),
            "{e:?}"
        );
        assert!(
            e.iter().any(|m| m.starts_with("remainder of division")),
            "{e:?}"
        );
        assert_eq!(validate(&doc(), &order_schema(), &json!([1])).len(), 1);
    }

    #[test]
    fn unknown_keywords_and_dangling_refs_fail_at_load() {
        assert!(check_refs(&doc(), &json!({"type": "string", "const": "x"}), "$.s").is_err());
        let e = check_refs(&doc(), &json!({"$ref": "#/defs/Nope"}), "$.s").expect_err("dangling");
        assert!(e.to_string().contains("$.s['$ref']"), "{e}");
    }
}
