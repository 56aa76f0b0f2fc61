//! `InputPath` and `OutputPath` (<https://states-language.net/spec.html#filters>): select part
//! of a document; `null` selects nothing and yields `{}`; a path naming nothing is `States.Runtime`.

use crate::context::Ctx;
use crate::error::StatesError;
use crate::fields::{Cx, Obj};
use crate::path::Path;
use serde_json::{json, Value};

/// A path field that may be absent (`$`), `null` (`{}`) or a path.
#[derive(Debug, Clone, Default)]
pub enum NullablePath {
    /// Absent: the whole document.
    #[default]
    Identity,
    /// `null`: an empty object.
    Null,
    /// A path.
    Path(Path),
}

impl NullablePath {
    /// Reads field `k`.
    pub fn parse(o: Obj<'_>, cx: &mut Cx, k: &str) -> NullablePath {
        match o.get(k) {
            None => NullablePath::Identity,
            Some(Value::Null) => NullablePath::Null,
            Some(_) => o.path(cx, k).map(NullablePath::Path).unwrap_or_default(),
        }
    }

    /// Applies the path to `doc`.
    pub fn apply(&self, doc: Value, ctx: &Ctx) -> Result<Value, StatesError> {
        match self {
            NullablePath::Identity => Ok(doc),
            NullablePath::Null => Ok(json!({})),
            NullablePath::Path(p) => p.read(&doc, ctx).ok_or_else(|| {
                StatesError::runtime(format!(
                    "Invalid path '{}' : No results for path: {}",
                    p.text,
                    bracketed(p)
                ))
            }),
        }
    }
}

/// The normalized form AWS prints in path errors: `$['a']['b'][0]`.
pub fn bracketed(p: &Path) -> String {
    match p.segments() {
        Some(segs) => {
            let mut s = String::from("$");
            for seg in segs {
                match seg {
                    crate::path::Segment::Field(f) => s.push_str(&format!("['{f}']")),
                    crate::path::Segment::Index(i) => s.push_str(&format!("[{i}]")),
                }
            }
            s
        }
        None => p.text.clone(),
    }
}
