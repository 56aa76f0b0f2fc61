//! Fail (<https://states-language.net/spec.html#fail-state>): stops the execution with an
//! `Error` and `Cause`, static or from `ErrorPath`/`CausePath` (a reference path or an
//! intrinsic function).

use crate::context::Ctx;
use crate::error::StatesError;
use crate::fields::{Cx, Obj};
use crate::intrinsic::{functions, parser};
use crate::path::Path;
use serde_json::Value;

/// Where the error or cause comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Absent.
    None,
    /// `Error` / `Cause`.
    Literal(String),
    /// `ErrorPath` / `CausePath` as a path.
    Path(Path),
    /// `ErrorPath` / `CausePath` as an intrinsic call.
    Call(parser::Call),
    /// `Error` / `Cause` as a JSONata expression (JSONata states).
    Expr(String),
}

/// A Fail state.
#[derive(Debug, Clone)]
pub struct Fail {
    /// The error name.
    pub error: Source,
    /// The cause.
    pub cause: Source,
}

fn source(o: Obj<'_>, cx: &mut Cx, lit: &str, path: &str) -> Source {
    match (o.get(lit), o.get(path)) {
        (Some(_), Some(_)) => {
            cx.schema(
                format!("Only one of '{lit}' or '{path}' may be present"),
                o.loc,
            );
            Source::None
        }
        (Some(_), None) => match o.str(cx, lit) {
            Some(s) if cx.jsonata && crate::jsonata::expression(&s).is_some() => {
                let e = crate::jsonata::expression(&s)
                    .unwrap_or_default()
                    .to_string();
                if let Err(msg) = crate::jsonata::check(&e) {
                    cx.schema(
                        format!("The value '{s}' is not a valid JSONata expression: {msg}"),
                        &o.at(lit),
                    );
                }
                Source::Expr(e)
            }
            Some(s) => Source::Literal(s),
            None => Source::None,
        },
        (None, Some(_)) => match o.str(cx, path) {
            Some(s) if parser::looks_like_call(&s) => {
                match parser::parse(&s).and_then(|c| functions::check(&c).map(|()| c)) {
                    Ok(c) => Source::Call(c),
                    Err(e) => {
                        cx.schema(e, &o.at(path));
                        Source::None
                    }
                }
            }
            Some(_) => o
                .ref_path(cx, path)
                .map(Source::Path)
                .unwrap_or(Source::None),
            None => Source::None,
        },
        (None, None) => Source::None,
    }
}

impl Fail {
    /// Reads the fields.
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Fail {
        Fail {
            error: source(o, cx, "Error", "ErrorPath"),
            cause: source(o, cx, "Cause", "CausePath"),
        }
    }

    /// The execution's error and cause. A path naming no string is `States.Runtime`.
    pub fn resolve(
        &self,
        input: &Value,
        ctx: &Ctx,
    ) -> Result<(Option<String>, Option<String>), StatesError> {
        let get = |s: &Source, field: &str| -> Result<Option<String>, StatesError> {
            let v = match s {
                Source::None => return Ok(None),
                Source::Literal(l) => return Ok(Some(l.clone())),
                Source::Path(p) => p.read(input, ctx),
                Source::Call(c) => Some(functions::eval(c, input, ctx, field)?),
                Source::Expr(e) => {
                    let lit = field.trim_end_matches("Path");
                    return match crate::jsonata::eval(e, &ctx.jsonata_env(), lit)? {
                        Value::String(s) => Ok(Some(s)),
                        v => Err(StatesError::query(
                            lit,
                            format!("The JSONata expression '{e}' specified for the field '{lit}' returned {v}, which is not a string."),
                        )),
                    };
                }
            };
            match v {
                Some(Value::String(s)) => Ok(Some(s)),
                _ => Err(StatesError::runtime(format!(
                    "The {field} field's value '{}' could not be resolved to a string from the input '{input}'",
                    match s {
                        Source::Path(p) => p.text.clone(),
                        _ => String::from("intrinsic function"),
                    }
                ))),
            }
        };
        Ok((
            get(&self.error, "ErrorPath")?,
            get(&self.cause, "CausePath")?,
        ))
    }
}
