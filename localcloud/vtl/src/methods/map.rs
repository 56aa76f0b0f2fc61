//! `java.util.Map` methods (a `LinkedHashMap`: iteration in insertion order).

use std::rc::Rc;

use super::CallResult;
use crate::value::{HostObject, MapRef, Value};

fn key(v: &Value) -> String {
    v.to_java_string()
}

pub(super) fn call(map: &MapRef, name: &str, args: &[Value]) -> CallResult {
    Ok(Some(match (name, args) {
        ("size", []) => Value::Int(map.borrow().len() as i64),
        ("isEmpty", []) => Value::Bool(map.borrow().is_empty()),
        ("get", [k]) => map.borrow().get(&key(k)).cloned().unwrap_or(Value::Null),
        ("getOrDefault", [k, d]) => map.borrow().get(&key(k)).cloned().unwrap_or(d.clone()),
        ("containsKey", [k]) => Value::Bool(map.borrow().contains_key(&key(k))),
        ("containsValue", [v]) => Value::Bool(map.borrow().values().any(|x| x.java_equals(v))),
        ("put", [k, v]) => map
            .borrow_mut()
            .insert(key(k), v.clone())
            .unwrap_or(Value::Null),
        ("putAll", [Value::Map(other)]) => {
            let entries: Vec<_> = other
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            map.borrow_mut().extend(entries);
            Value::Null
        }
        ("remove", [k]) => map
            .borrow_mut()
            .shift_remove(&key(k))
            .unwrap_or(Value::Null),
        ("clear", []) => {
            map.borrow_mut().clear();
            Value::Null
        }
        ("keySet", []) => Value::list(map.borrow().keys().map(|k| Value::str(k.clone())).collect()),
        ("values", []) => Value::list(map.borrow().values().cloned().collect()),
        ("entrySet", []) => Value::list(
            map.borrow()
                .iter()
                .map(|(k, v)| {
                    Value::Host(Rc::new(Entry {
                        key: k.clone(),
                        value: v.clone(),
                    }))
                })
                .collect(),
        ),
        _ => return Ok(None),
    }))
}

/// A `Map.Entry` from `entrySet()`: `$e.key`, `$e.value`, `$e.getKey()`, `$e.getValue()`.
struct Entry {
    key: String,
    value: Value,
}

impl HostObject for Entry {
    fn type_name(&self) -> &'static str {
        "Map.Entry"
    }

    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "key" => Some(Value::str(self.key.clone())),
            "value" => Some(self.value.clone()),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> CallResult {
        Ok(match (name, args) {
            ("getKey", []) => Some(Value::str(self.key.clone())),
            ("getValue", []) => Some(self.value.clone()),
            _ => None,
        })
    }

    fn display(&self) -> Option<String> {
        Some(format!("{}={}", self.key, self.value.to_java_string()))
    }
}
