//! `Assign` (<https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>):
//! the workflow variables a state sets, in either query language. In JSONPath states a field
//! named `x.$` takes a path (`$` the state's result, `$$` the context object, `$name` a variable)
//! or an intrinsic call; in JSONata states `{% %}` strings are expressions. Every expression of a
//! state reads the variables as they were at state entry; the new values are visible from the
//! next state on, in the state's own scope only.

use crate::context::{Ctx, Vars};
use crate::error::StatesError;
use crate::field::parameters;
use crate::fields::{Cx, Obj};
use crate::jsonata;
use serde_json::Value;

/// A compiled `Assign`.
#[derive(Debug, Clone)]
pub enum Assign {
    /// In a JSONPath state: a payload template.
    Path(parameters::Template),
    /// In a JSONata state.
    Jsonata(jsonata::Template),
}

/// Whether `name` may name a variable: a letter or `_` first, then letters, digits or `_`, and
/// not the reserved `states`.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "states"
}

impl Assign {
    /// Reads `Assign` of `o` for a state in the given query language.
    pub fn parse(o: Obj<'_>, cx: &mut Cx, jsonata_mode: bool) -> Option<Assign> {
        let v = o.get("Assign")?;
        let loc = o.at("Assign");
        let Value::Object(m) = v else {
            cx.schema("The value of the field 'Assign' must be an object", &loc);
            return None;
        };
        for k in m.keys() {
            let name = if jsonata_mode {
                k.as_str()
            } else {
                k.strip_suffix(".$").unwrap_or(k)
            };
            if !valid_name(name) {
                cx.schema(
                    format!("The variable name '{name}' is not valid (it must start with a letter or '_', hold only letters, digits and '_', and not be 'states')"),
                    &format!("{loc}/{k}"),
                );
            }
        }
        Some(if jsonata_mode {
            Assign::Jsonata(jsonata::Template::compile(v, cx, &loc))
        } else {
            Assign::Path(parameters::Template::compile(v, cx, &loc))
        })
    }

    /// Evaluates the assignments: `doc` is `$` of a JSONPath state, `states` the `$states` of
    /// a JSONata one.
    pub fn eval(&self, doc: &Value, states: &Value, ctx: &Ctx) -> Result<Vars, StatesError> {
        let v = match self {
            Assign::Path(t) => t.eval(doc, ctx)?,
            Assign::Jsonata(t) => t.eval(
                &jsonata::Env {
                    states: states.clone(),
                    vars: &ctx.vars,
                },
                "Assign",
            )?,
        };
        Ok(match v {
            Value::Object(m) => m,
            _ => Vars::new(),
        })
    }
}
