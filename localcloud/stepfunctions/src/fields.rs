//! Reading definition JSON into the typed model while collecting diagnostics with locations.

use crate::error::{code, Diagnostic};
use crate::path::Path;
use serde_json::{Map, Value};

/// Collects diagnostics while a definition is parsed.
#[derive(Default)]
pub struct Cx {
    /// Findings so far.
    pub diags: Vec<Diagnostic>,
    /// The machine's top-level `QueryLanguage` is JSONata (states inherit it).
    pub default_jsonata: bool,
    /// The state being read uses JSONata.
    pub jsonata: bool,
}

impl Cx {
    /// Records a finding.
    pub fn report(&mut self, code: &'static str, message: impl Into<String>, location: &str) {
        self.diags.push(Diagnostic {
            code,
            message: message.into(),
            location: location.to_string(),
        });
    }
    /// Records a `SCHEMA_VALIDATION_FAILED` finding.
    pub fn schema(&mut self, message: impl Into<String>, location: &str) {
        self.report(code::SCHEMA_VALIDATION_FAILED, message, location);
    }
}

/// Fields only JSONPath states may carry.
pub const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "OutputPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "ErrorPath",
    "CausePath",
    "Result",
    "Variable",
];

/// Fields only JSONata states may carry.
pub const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items", "Condition"];

/// A JSON object of the definition at a location.
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    /// The fields.
    pub map: &'a Map<String, Value>,
    /// Where it is, e.g. `/States/A`.
    pub loc: &'a str,
}

impl<'a> Obj<'a> {
    /// Location of a field.
    pub fn at(&self, field: &str) -> String {
        format!("{}/{}", self.loc, field)
    }
    /// Raw field.
    pub fn get(&self, k: &str) -> Option<&'a Value> {
        self.map.get(k)
    }
    /// Reports fields outside `allowed`; names the ones JSONata mode or the local cloud lack.
    pub fn allow(&self, cx: &mut Cx, allowed: &[&str]) {
        for k in self.map.keys() {
            if matches!(k.as_str(), "Type" | "Comment") || allowed.contains(&k.as_str()) {
                continue;
            }
            if JSONPATH_ONLY.contains(&k.as_str()) && cx.jsonata {
                cx.schema(
                    format!("The field \"{k}\" is not supported for QueryLanguage JSONata"),
                    &self.at(k),
                );
            } else if JSONATA_ONLY.contains(&k.as_str()) && !cx.jsonata {
                cx.schema(
                    format!("The field \"{k}\" is not supported for QueryLanguage JSONPath"),
                    &self.at(k),
                );
            } else {
                cx.schema(
                    format!("The field \"{k}\" is not supported by Step Functions"),
                    &self.at(k),
                );
            }
        }
    }
    /// Optional string field.
    pub fn str(&self, cx: &mut Cx, k: &str) -> Option<String> {
        match self.map.get(k)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                cx.schema(
                    format!("The value of the field '{k}' must be a string"),
                    &self.at(k),
                );
                None
            }
        }
    }
    /// Required string field.
    pub fn req_str(&self, cx: &mut Cx, k: &str) -> Option<String> {
        if !self.map.contains_key(k) {
            cx.schema(
                format!("These fields are required: [{k}]"),
                if self.loc.is_empty() { "/" } else { self.loc },
            );
            return None;
        }
        self.str(cx, k)
    }
    /// Optional non-negative integer field.
    pub fn uint(&self, cx: &mut Cx, k: &str) -> Option<u64> {
        let v = self.map.get(k)?;
        match v.as_u64() {
            Some(n) => Some(n),
            None => {
                cx.schema(
                    format!("The value of the field '{k}' must be a non-negative integer"),
                    &self.at(k),
                );
                None
            }
        }
    }
    /// Optional non-negative number field.
    pub fn num(&self, cx: &mut Cx, k: &str) -> Option<f64> {
        let v = self.map.get(k)?;
        match v.as_f64().filter(|f| *f >= 0.0) {
            Some(n) => Some(n),
            None => {
                cx.schema(
                    format!("The value of the field '{k}' must be a non-negative number"),
                    &self.at(k),
                );
                None
            }
        }
    }
    /// Optional path field (`InputPath`-like, string only).
    pub fn path(&self, cx: &mut Cx, k: &str) -> Option<Path> {
        let s = self.str(cx, k)?;
        match Path::parse(&s) {
            Ok(p) => Some(p),
            Err(e) => {
                cx.schema(e, &self.at(k));
                None
            }
        }
    }
    /// Optional reference-path field.
    pub fn ref_path(&self, cx: &mut Cx, k: &str) -> Option<Path> {
        let s = self.str(cx, k)?;
        match Path::parse_reference(&s) {
            Ok(p) => Some(p),
            Err(e) => {
                cx.schema(e, &self.at(k));
                None
            }
        }
    }
    /// A nested object field.
    pub fn obj(&self, cx: &mut Cx, k: &str) -> Option<&'a Map<String, Value>> {
        match self.map.get(k)? {
            Value::Object(m) => Some(m),
            _ => {
                cx.schema(
                    format!("The value of the field '{k}' must be an object"),
                    &self.at(k),
                );
                None
            }
        }
    }
    /// A nested array field.
    pub fn arr(&self, cx: &mut Cx, k: &str) -> Option<&'a Vec<Value>> {
        match self.map.get(k)? {
            Value::Array(a) => Some(a),
            _ => {
                cx.schema(
                    format!("The value of the field '{k}' must be an array"),
                    &self.at(k),
                );
                None
            }
        }
    }
}
