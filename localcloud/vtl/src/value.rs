//! The value model: what a reference evaluates to.
//!
//! Velocity runs on Java objects; API Gateway hands templates `String`s, boxed numbers,
//! `LinkedHashMap`s and `ArrayList`s (from JSON), plus its own host objects (`$input`, `$util`).
//! Lists and maps are shared and mutable (`Rc<RefCell<..>>`) because Java passes them by
//! reference: `#set($b = $a)` then `$b.add(1)` changes `$a` too.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::ast::Node;

/// An insertion-ordered map, like Java's `LinkedHashMap`.
pub type Map = IndexMap<String, Value>;

/// A shared, mutable list (`java.util.ArrayList`).
pub type ListRef = Rc<RefCell<Vec<Value>>>;

/// A shared, mutable map (`java.util.LinkedHashMap`).
pub type MapRef = Rc<RefCell<Map>>;

/// The longest text `to_java_string` builds (64 MiB).
const MAX_TEXT: usize = 64 * 1024 * 1024;

/// An object supplied by the host (API Gateway's `$input`, `$util`).
pub trait HostObject {
    /// The Java-ish class name, used in error messages.
    fn type_name(&self) -> &'static str;
    /// `$obj.name`: a property. `None` when there is no such property.
    fn property(&self, name: &str) -> Option<Value>;
    /// `$obj.name(args)`. `Ok(None)` when there is no such method (the reference stays
    /// unresolved); `Err` when the method throws.
    fn call(&self, name: &str, args: &[Value]) -> Result<Option<Value>, String>;
    /// Its `toString()`, when it has a meaningful one.
    fn display(&self) -> Option<String> {
        None
    }
}

/// A value in a template.
#[derive(Clone)]
pub enum Value {
    /// Java `null`: an unresolved reference or a method that returned nothing.
    Null,
    /// `java.lang.Boolean`.
    Bool(bool),
    /// `java.lang.Integer` / `java.lang.Long`.
    Int(i64),
    /// `java.lang.Double`.
    Double(f64),
    /// `java.lang.String`.
    String(String),
    /// `java.util.List` (an `ArrayList`).
    List(ListRef),
    /// A list parsed from JSON by API Gateway (json-smart's `JSONArray`): a `List` in every
    /// way except that its `toString()` is compact JSON, so `$input.path('$.a')` of
    /// `[{"c":5}]` renders `[{"c":5}]`, not `[{c=5}]`.
    JsonArray(ListRef),
    /// `java.util.Map`.
    Map(MapRef),
    /// A `#define` block: rendered lazily, each time it is referenced.
    Block(Arc<Vec<Node>>),
    /// A host object.
    Host(Rc<dyn HostObject>),
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Block(_) => f.write_str("Block"),
            Value::Host(h) => write!(f, "Host({})", h.type_name()),
            other => write!(f, "{}", other.to_java_string()),
        }
    }
}

impl Value {
    /// Builds a list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    /// Builds a map value.
    pub fn map(entries: Map) -> Value {
        Value::Map(Rc::new(RefCell::new(entries)))
    }

    /// Builds a string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// True for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Velocity 1.7 truthiness: everything but `null` and `false` is true (even `""`).
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(false))
    }

    /// The Java class name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Double(_) => "Double",
            Value::String(_) => "String",
            Value::List(_) => "ArrayList",
            Value::JsonArray(_) => "JSONArray",
            Value::Map(_) => "LinkedHashMap",
            Value::Block(_) => "Block",
            Value::Host(h) => h.type_name(),
        }
    }

    /// Java's `toString()`: maps as `{a=1, b=2}`, lists as `[1, 2]`, doubles as `1.0`.
    /// A `#define` block has no text without a renderer and yields `""` here.
    pub fn to_java_string(&self) -> String {
        let mut out = String::new();
        self.write_java(&mut out, &mut Vec::new());
        out
    }

    fn write_java(&self, out: &mut String, open: &mut Vec<*const ()>) {
        // Shared sub-lists can make the text exponentially long; stop at the budget (the
        // renderer then fails on its output limit) instead of exhausting memory.
        if out.len() > MAX_TEXT {
            return;
        }
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Double(d) => out.push_str(&java_double(*d)),
            Value::String(s) => out.push_str(s),
            Value::List(l) => {
                let id = Rc::as_ptr(l) as *const ();
                if open.contains(&id) {
                    // What Java prints for a collection that contains itself.
                    out.push_str("(this Collection)");
                    return;
                }
                open.push(id);
                out.push('[');
                for (i, v) in l.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_java(out, open);
                }
                out.push(']');
                open.pop();
            }
            Value::JsonArray(_) => out.push_str(&crate::json::to_json(self)),
            Value::Map(m) => {
                let id = Rc::as_ptr(m) as *const ();
                if open.contains(&id) {
                    out.push_str("(this Map)");
                    return;
                }
                open.push(id);
                out.push('{');
                for (i, (k, v)) in m.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push('=');
                    v.write_java(out, open);
                }
                out.push('}');
                open.pop();
            }
            Value::Block(_) => {}
            Value::Host(h) => match h.display() {
                Some(text) => out.push_str(&text),
                None => {
                    let _ = write!(out, "{}@localcloud", h.type_name());
                }
            },
        }
    }

    /// Java `equals`, with Velocity's numeric widening (`1 == 1.0`).
    pub fn java_equals(&self, other: &Value) -> bool {
        self.equals_at(other, 0)
    }

    fn equals_at(&self, other: &Value, depth: usize) -> bool {
        // Two distinct self-containing collections would recurse forever (Java overflows its
        // stack); give up as unequal instead.
        if depth > 64 {
            return false;
        }
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Int(_) | Value::Double(_), Value::Int(_) | Value::Double(_)) => {
                self.as_f64() == other.as_f64()
            }
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a) | Value::JsonArray(a), Value::List(b) | Value::JsonArray(b)) => {
                if Rc::ptr_eq(a, b) {
                    return true;
                }
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|(x, y)| x.equals_at(y, depth + 1))
            }
            (Value::Map(a), Value::Map(b)) => {
                if Rc::ptr_eq(a, b) {
                    return true;
                }
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.equals_at(w, depth + 1)))
            }
            _ => false,
        }
    }

    /// The list behind a `List` or `JsonArray`.
    pub fn as_list(&self) -> Option<&ListRef> {
        match self {
            Value::List(l) | Value::JsonArray(l) => Some(l),
            _ => None,
        }
    }

    /// The number as `f64`, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Double(d) => Some(*d),
            _ => None,
        }
    }

    /// The number as an index/int argument (Java would unbox an `Integer`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Converts from JSON, keeping numbers as numbers (integers as `Int`, others as `Double`).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Double(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// Java's `Double.toString`: `1.0`, `0.5`, `1.0E10`, `1.0E-5`, `NaN`, `Infinity`.
pub fn java_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{d}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        // Shortest round-trip digits, then Java's d.dddE±n layout.
        let s = format!("{:e}", d);
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_java() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(2.5), "2.5");
        assert_eq!(java_double(1e10), "1.0E10");
        assert_eq!(java_double(1.5e-5), "1.5E-5");
        assert_eq!(java_double(-3.0), "-3.0");
    }

    #[test]
    fn maps_and_lists_print_like_java_collections() {
        let mut m = Map::new();
        m.insert("a".into(), Value::Int(1));
        m.insert(
            "b".into(),
            Value::list(vec![Value::str("x"), Value::Bool(true)]),
        );
        assert_eq!(Value::map(m).to_java_string(), "{a=1, b=[x, true]}");
    }

    #[test]
    fn a_list_containing_itself_prints_like_java() {
        let l = Value::list(vec![Value::Int(1)]);
        if let Value::List(inner) = &l {
            inner.borrow_mut().push(l.clone());
        }
        assert_eq!(l.to_java_string(), "[1, (this Collection)]");
        assert!(l.java_equals(&l));
    }
}
