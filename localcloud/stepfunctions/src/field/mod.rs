//! Input and output processing fields (<https://states-language.net/spec.html#filters>):
//! `InputPath` -> `Parameters` -> (the state's work) -> `ResultSelector` -> `ResultPath` -> `OutputPath`.

pub mod assign;
pub mod input_output;
pub mod jsonata_io;
pub mod parameters;
pub mod result_path;

use crate::fields::{Cx, Obj};
use input_output::NullablePath;
use parameters::Template;
use result_path::ResultPath;

/// The processing fields a state carries; absent ones are the identity.
#[derive(Debug, Clone, Default)]
pub struct Io {
    /// `InputPath` (default `$`, `null` gives `{}`).
    pub input_path: NullablePath,
    /// `Parameters` / `ItemSelector` payload template.
    pub parameters: Option<Template>,
    /// `ResultSelector` payload template.
    pub result_selector: Option<Template>,
    /// `ResultPath`.
    pub result_path: ResultPath,
    /// `OutputPath`.
    pub output_path: NullablePath,
}

impl Io {
    /// Reads the fields present in `o` (the caller has already limited which are allowed).
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Io {
        Io {
            input_path: NullablePath::parse(o, cx, "InputPath"),
            parameters: Template::parse_field(o, cx, "Parameters"),
            result_selector: Template::parse_field(o, cx, "ResultSelector"),
            result_path: ResultPath::parse(o, cx, "ResultPath"),
            output_path: NullablePath::parse(o, cx, "OutputPath"),
        }
    }
}
