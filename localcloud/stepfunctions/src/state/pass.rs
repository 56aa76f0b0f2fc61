//! Pass (<https://states-language.net/spec.html#pass-state>): passes its input, or `Result`,
//! or its `Parameters`, to its output through `ResultPath`.

use crate::fields::{Cx, Obj};
use serde_json::Value;

/// A Pass state's own fields (`Parameters`/`ResultPath` live in `Io`).
#[derive(Debug, Clone)]
pub struct Pass {
    /// `Result`, when present, is the state's result.
    pub result: Option<Value>,
}

impl Pass {
    /// Reads `Result`.
    pub fn parse(o: Obj<'_>, _cx: &mut Cx) -> Pass {
        Pass {
            result: o.get("Result").cloned(),
        }
    }
}
