//! Intrinsic functions: `parser` turns `States.X(...)` text into a call tree, `functions`
//! evaluates it.

pub mod functions;
pub mod parser;
