//! `java.lang.Integer` / `java.lang.Double` methods.

use super::CallResult;
use crate::value::Value;

pub(super) fn call(v: &Value, name: &str, args: &[Value]) -> CallResult {
    let f = v.as_f64().unwrap_or(0.0);
    Ok(match (name, args) {
        ("intValue" | "longValue", []) => Some(match v {
            Value::Int(i) => Value::Int(*i),
            _ => Value::Int(f as i64),
        }),
        ("doubleValue" | "floatValue", []) => Some(Value::Double(f)),
        ("compareTo", [other]) => other
            .as_f64()
            .and_then(|o| f.partial_cmp(&o))
            .map(|o| Value::Int(o as i64)),
        _ => None,
    })
}
