//! Payload templates (<https://states-language.net/spec.html#payload-template>): `Parameters`,
//! `ResultSelector`, `ItemSelector`. A field named `x.$` takes its value from a path (`$` input,
//! `$$` context object) or an intrinsic function call and is renamed `x`.

use crate::context::Ctx;
use crate::error::StatesError;
use crate::fields::{Cx, Obj};
use crate::intrinsic::{functions, parser};
use crate::path::Path;
use serde_json::{Map, Value};

/// A compiled payload template.
#[derive(Debug, Clone)]
pub enum Template {
    /// A value copied as is.
    Literal(Value),
    /// An object whose fields are templates.
    Object(Vec<(String, Template)>),
    /// An array whose elements are templates.
    Array(Vec<Template>),
    /// `x.$: "$.path"`.
    Path {
        /// The field name as written (`x.$`).
        field: String,
        /// The path.
        path: Path,
    },
    /// `x.$: "States.F(...)"`.
    Call {
        /// The field name as written.
        field: String,
        /// The call.
        call: parser::Call,
    },
}

impl Template {
    /// Reads the template in field `k`, reporting bad paths and calls at their location.
    pub fn parse_field(o: Obj<'_>, cx: &mut Cx, k: &str) -> Option<Template> {
        let v = o.get(k)?;
        Some(Template::compile(v, cx, &o.at(k)))
    }

    /// Compiles a template value found at `loc`.
    pub fn compile(v: &Value, cx: &mut Cx, loc: &str) -> Template {
        match v {
            Value::Object(m) => {
                let mut out = Vec::with_capacity(m.len());
                for (k, v) in m {
                    let here = format!("{loc}/{k}");
                    match k.strip_suffix(".$") {
                        Some(name) => match v.as_str().map(|s| dynamic(k, s)) {
                            Some(Ok(t)) => out.push((name.to_string(), t)),
                            Some(Err(e)) => cx.schema(
                                format!("The value for the field '{k}' must be a valid JSONPath or a valid intrinsic function call ({e})"),
                                &here,
                            ),
                            None => cx.schema(
                                format!("The value for the field '{k}' must be a STRING that contains a JSONPath but was an {}", kind(v)),
                                &here,
                            ),
                        },
                        None => out.push((k.clone(), Template::compile(v, cx, &here))),
                    }
                }
                Template::Object(out)
            }
            Value::Array(a) => {
                let items = a
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Template::compile(v, cx, &format!("{loc}[{i}]")))
                    .collect();
                Template::Array(items)
            }
            other => Template::Literal(other.clone()),
        }
    }

    /// Evaluates the template against the effective input and the context object.
    pub fn eval(&self, input: &Value, ctx: &Ctx) -> Result<Value, StatesError> {
        Ok(match self {
            Template::Literal(v) => v.clone(),
            Template::Object(fields) => {
                let mut m = Map::new();
                for (k, t) in fields {
                    m.insert(k.clone(), t.eval(input, ctx)?);
                }
                Value::Object(m)
            }
            Template::Array(items) => Value::Array(items.iter().map(|t| t.eval(input, ctx)).collect::<Result<_, _>>()?),
            Template::Path { field, path } => path.read(input, ctx).ok_or_else(|| {
                let doc = match path.root {
                    crate::path::Root::Input => input,
                    crate::path::Root::Context => ctx.doc(),
                };
                StatesError::runtime(format!(
                    "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{doc}'",
                    path.text
                ))
            })?,
            Template::Call { field, call } => functions::eval(call, input, ctx, field)?,
        })
    }
}

fn dynamic(field: &str, s: &str) -> Result<Template, String> {
    if parser::looks_like_call(s) {
        let call = parser::parse(s)?;
        functions::check(&call)?;
        Ok(Template::Call {
            field: field.to_string(),
            call,
        })
    } else {
        Ok(Template::Path {
            field: field.to_string(),
            path: Path::parse(s)?,
        })
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Bool(_) => "BOOLEAN",
        Value::Number(_) => "NUMBER",
        Value::String(_) => "STRING",
        Value::Array(_) => "ARRAY",
        Value::Object(_) => "OBJECT",
    }
}
