//! Java methods and properties on template values, dispatched on the value's class.
//!
//! Velocity resolves `$x.foo` as `getFoo()`, then `get("foo")` on maps, then `isFoo()`;
//! `$x.foo(args)` as a public method. A method that does not exist (or whose arguments do not
//! fit) leaves the reference unresolved (`Ok(None)`); one that throws is an error (`Err`).

mod list;
mod map;
mod number;
mod string;

use crate::value::Value;

/// The result of a method call: `Ok(None)` when no such method exists.
pub type CallResult = Result<Option<Value>, String>;

/// `$v.name(args)`.
pub fn call(v: &Value, name: &str, args: &[Value]) -> CallResult {
    match (name, args) {
        ("toString", []) => return Ok(Some(Value::String(v.to_java_string()))),
        ("equals", [other]) => return Ok(Some(Value::Bool(v.java_equals(other)))),
        _ => {}
    }
    match v {
        Value::String(s) => string::call(s, name, args),
        Value::List(l) | Value::JsonArray(l) => list::call(l, name, args),
        Value::Map(m) => map::call(m, name, args),
        Value::Int(_) | Value::Double(_) => number::call(v, name, args),
        Value::Bool(b) => Ok(match (name, args) {
            ("booleanValue", []) => Some(Value::Bool(*b)),
            _ => None,
        }),
        Value::Host(h) => h.call(name, args),
        Value::Null | Value::Block(_) => Ok(None),
    }
}

/// `$v.name`.
pub fn property(v: &Value, name: &str) -> Value {
    match v {
        Value::Map(m) => m.borrow().get(name).cloned().unwrap_or(Value::Null),
        Value::Host(h) => h.property(name).unwrap_or(Value::Null),
        _ => {
            let mut cap = String::new();
            let mut chars = name.chars();
            if let Some(first) = chars.next() {
                cap.extend(first.to_uppercase());
                cap.push_str(chars.as_str());
            }
            for getter in [format!("get{cap}"), format!("is{cap}")] {
                if let Ok(Some(found)) = call(v, &getter, &[]) {
                    return found;
                }
            }
            Value::Null
        }
    }
}

/// `$v[key]`: a list element, a map entry, or (as Velocity 1.7 does) `get(key)`.
pub fn index(v: &Value, key: &Value) -> Result<Value, String> {
    match (v, key) {
        (Value::List(l) | Value::JsonArray(l), Value::Int(i)) => {
            let l = l.borrow();
            let len = l.len() as i64;
            // Velocity 1.7 counts negative indexes from the end.
            let i = if *i < 0 { len + i } else { *i };
            usize::try_from(i)
                .ok()
                .and_then(|i| l.get(i).cloned())
                .ok_or_else(|| format!("index {i} out of bounds for length {len}"))
        }
        (Value::Map(m), k) => Ok(m
            .borrow()
            .get(&k.to_java_string())
            .cloned()
            .unwrap_or(Value::Null)),
        _ => Ok(call(v, "get", std::slice::from_ref(key))?.unwrap_or(Value::Null)),
    }
}

/// The argument as a Java `int`.
pub(crate) fn int_arg(v: &Value) -> Option<i64> {
    v.as_i64()
}

/// The argument as a Java `String` (only strings convert, as Java's overloads would).
pub(crate) fn str_arg(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}
