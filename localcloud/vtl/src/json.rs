//! JSON in and out of the value model, keeping object key order (as API Gateway's
//! `LinkedHashMap`s do) without turning on `serde_json`'s workspace-wide `preserve_order`.

use std::fmt::Write as _;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::value::{Map, Value};

/// Parses JSON text into a `Value`: integers become `Int`, other numbers `Double`, arrays
/// `List` (`ArrayList`).
pub fn parse(text: &str) -> Result<Value, String> {
    parse_with(text, false)
}

/// Parses JSON as API Gateway's json-smart does: objects become ordered maps and arrays
/// `JsonArray`s, whose text form is JSON.
pub fn parse_json_smart(text: &str) -> Result<Value, String> {
    parse_with(text, true)
}

fn parse_with(text: &str, json_arrays: bool) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = (&mut de)
        .deserialize_any(ValueVisitor { json_arrays })
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v)
}

#[derive(Clone, Copy)]
struct ValueVisitor {
    json_arrays: bool,
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        Ok(i64::try_from(u).map_or(Value::Double(u as f64), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, d: f64) -> Result<Value, E> {
        Ok(Value::Double(d))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::str(s))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed(self))? {
            items.push(v);
        }
        Ok(if self.json_arrays {
            Value::JsonArray(std::rc::Rc::new(std::cell::RefCell::new(items)))
        } else {
            Value::list(items)
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut m = Map::new();
        while let Some(k) = access.next_key::<String>()? {
            let v = access.next_value_seed(Seed(self))?;
            m.insert(k, v);
        }
        Ok(Value::map(m))
    }
}

struct Seed(ValueVisitor);

impl<'de> de::DeserializeSeed<'de> for Seed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self.0)
    }
}

/// Writes a value as compact JSON (strings quoted and escaped, doubles as Java prints them).
pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out, 0);
    out
}

fn write(v: &Value, out: &mut String, depth: usize) {
    if depth > 64 {
        out.push_str("null");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(_) | Value::Int(_) => out.push_str(&v.to_java_string()),
        Value::Double(d) if d.is_finite() => {
            out.push_str(&crate::value::java_double(*d));
        }
        Value::Double(_) => out.push_str("null"),
        Value::String(s) => quote(s, out),
        Value::List(l) | Value::JsonArray(l) => {
            out.push('[');
            for (i, item) in l.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, item)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                write(item, out, depth + 1);
            }
            out.push('}');
        }
        Value::Block(_) | Value::Host(_) => quote(&v.to_java_string(), out),
    }
}

/// Appends `s` as a JSON string literal.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_survives_a_round_trip() {
        let v = parse(r#"{"z":1,"a":[true,null,2.5],"m":"x\"y"}"#).expect("valid");
        assert_eq!(to_json(&v), r#"{"z":1,"a":[true,null,2.5],"m":"x\"y"}"#);
    }
}
