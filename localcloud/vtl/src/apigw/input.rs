//! `$input`: the request (or integration response) body and the method request parameters.

use std::cell::OnceCell;

use super::jsonpath;
use crate::json;
use crate::value::{HostObject, Map, Value};

/// The `$input` variable.
pub struct Input {
    body: String,
    parsed: OnceCell<Result<Value, String>>,
    path: Vec<(String, String)>,
    querystring: Vec<(String, String)>,
    header: Vec<(String, String)>,
}

impl Input {
    /// `$input` over a body and the path, query string and header parameters, in order.
    pub fn new(
        body: String,
        path: Vec<(String, String)>,
        querystring: Vec<(String, String)>,
        header: Vec<(String, String)>,
    ) -> Input {
        Input {
            body,
            parsed: OnceCell::new(),
            path,
            querystring,
            header,
        }
    }

    /// The body as JSON. API Gateway reads an empty body as `{}`.
    fn root(&self) -> Result<Value, String> {
        self.parsed
            .get_or_init(|| {
                if self.body.trim().is_empty() {
                    Ok(Value::map(Map::new()))
                } else {
                    json::parse_json_smart(&self.body)
                        .map_err(|e| format!("Unable to parse the body as JSON: {e}"))
                }
            })
            .clone()
    }

    fn select(&self, path: &Value) -> Result<Option<Value>, String> {
        let root = self.root()?;
        jsonpath::select(&root, &path.to_java_string())
    }

    fn params(&self) -> Value {
        let group = |pairs: &[(String, String)]| {
            Value::map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::str(v.clone())))
                    .collect(),
            )
        };
        let mut m = Map::new();
        m.insert("path".into(), group(&self.path));
        m.insert("querystring".into(), group(&self.querystring));
        m.insert("header".into(), group(&self.header));
        Value::map(m)
    }

    /// `$input.params(name)`: path, then query string, then header (headers match in any case);
    /// `""` when there is none.
    fn param(&self, name: &str) -> Value {
        let exact = |pairs: &[(String, String)]| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        exact(&self.path)
            .or_else(|| exact(&self.querystring))
            .or_else(|| exact(&self.header))
            .or_else(|| {
                self.header
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            })
            // A missing parameter is "" (not null), so `#if($input.params('x') != "")` works.
            .map_or_else(|| Value::str(""), Value::String)
    }
}

impl HostObject for Input {
    fn type_name(&self) -> &'static str {
        "Input"
    }

    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "body" => Some(Value::str(self.body.clone())),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Result<Option<Value>, String> {
        Ok(match (name, args) {
            ("getBody", []) => Some(Value::str(self.body.clone())),
            ("json", [path]) => Some(Value::String(
                self.select(path)?
                    .map_or_else(String::new, |v| json::to_json(&v)),
            )),
            ("path", [path]) => Some(self.select(path)?.unwrap_or(Value::Null)),
            ("params", []) => Some(self.params()),
            ("params", [name]) => Some(self.param(&name.to_java_string())),
            _ => None,
        })
    }
}
