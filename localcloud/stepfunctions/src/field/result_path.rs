//! `ResultPath` (<https://states-language.net/spec.html#filters>): where a state's result goes
//! in its raw input. `$` (the default) replaces the input, `null` discards the result, and a
//! reference path writes the result there, creating missing objects. A path that crosses a
//! non-object fails with `States.ResultPathMatchFailure`.

use crate::error::{names, StatesError};
use crate::fields::{Cx, Obj};
use crate::path::{self, Path};
use serde_json::Value;

/// The `ResultPath` of a state or catcher.
#[derive(Debug, Clone, Default)]
pub enum ResultPath {
    /// Absent or `$`: the result is the output.
    #[default]
    Replace,
    /// `null`: the input is the output.
    Discard,
    /// A reference path into the input.
    At(Path),
}

impl ResultPath {
    /// Reads field `k`.
    pub fn parse(o: Obj<'_>, cx: &mut Cx, k: &str) -> ResultPath {
        match o.get(k) {
            None => ResultPath::Replace,
            Some(Value::Null) => ResultPath::Discard,
            Some(_) => match o.ref_path(cx, k) {
                Some(p) if p.root == path::Root::Context || p.variable.is_some() => {
                    cx.schema("ResultPath cannot write to the context object", &o.at(k));
                    ResultPath::Replace
                }
                Some(p) if p.segments().is_some_and(<[_]>::is_empty) => ResultPath::Replace,
                Some(p) => ResultPath::At(p),
                None => ResultPath::Replace,
            },
        }
    }

    /// Combines the raw input and the result.
    pub fn apply(&self, input: Value, result: Value) -> Result<Value, StatesError> {
        match self {
            ResultPath::Replace => Ok(result),
            ResultPath::Discard => Ok(input),
            ResultPath::At(p) => {
                let segs = p.segments().unwrap_or(&[]);
                let shown = input.to_string();
                path::set(input, segs, result).map_err(|_| {
                    StatesError::new(
                        names::RESULT_PATH_MATCH_FAILURE,
                        format!(
                            "Unable to apply ReferencePath {} to input {}",
                            p.text, shown
                        ),
                    )
                })
            }
        }
    }
}
