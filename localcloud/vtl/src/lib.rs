//! Apache Velocity 1.7, as Amazon API Gateway runs it in mapping templates.
//!
//! ```
//! use localcloud_vtl::{Context, Template, Value};
//! let t = Template::parse("greeting.vm", "#set($n = 2)Hello $who x$n").unwrap();
//! let mut ctx = Context::new();
//! ctx.insert("who", Value::str("World"));
//! assert_eq!(t.render(&mut ctx).unwrap(), "Hello World x2");
//! ```
//!
//! # Layout
//!
//! - `lexer`: the cursor and expression tokens (Velocity's lexical modes).
//! - `parser`: text mode: text, references, directives, comments, whitespace gobbling.
//! - `directive`: the block directives (`#if` chains, `#macro` definitions and calls).
//! - `escape`: `\$ref` and `\#directive` escapes.
//! - `expr`: expression mode: references, literals, operators.
//! - `ast`: the closed enums the parser produces.
//! - `render`: walks the tree against a `Context`.
//! - `arith`: Velocity's arithmetic, equality and ordering rules.
//! - `value`: the value model (Java's `String`, `Integer`, `Double`, `List`, `Map`...).
//! - `methods`: the Java methods templates call on strings, lists, maps and numbers.
//! - `json`: JSON in and out, keeping key order.
//! - `error`: `VtlError`, always with template, line and column.
//! - `apigw`: API Gateway's `$input`, `$util`, `$context` and `$stageVariables`, and
//!   `render_mapping_template`, the entry point the API Gateway emulator uses.
#![warn(missing_docs)]

pub mod apigw;
mod arith;
pub mod ast;
mod directive;
mod error;
mod escape;
mod expr;
pub mod json;
mod lexer;
pub(crate) mod methods;
mod parser;
mod render;
mod value;

use std::collections::HashMap;
use std::sync::Arc;

pub use error::VtlError;
pub use render::Context;
pub use value::{java_double, HostObject, ListRef, Map, MapRef, Value};

use ast::{MacroDef, Node};
use error::Positions;

/// A parsed template: parse once, render many times (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct Template {
    name: String,
    nodes: Vec<Node>,
    macros: HashMap<String, Arc<MacroDef>>,
    positions: Positions,
}

impl Template {
    /// Parses `src`; `name` appears in every error.
    pub fn parse(name: &str, src: &str) -> Result<Template, VtlError> {
        let parsed = parser::parse(name, src)?;
        let positions = (*parsed.positions).clone();
        Ok(Template {
            name: name.to_string(),
            nodes: parsed.nodes,
            macros: parsed.macros,
            positions,
        })
    }

    /// The template's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The tree, for tools that inspect templates.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Renders against `ctx`; `#set`s stay visible in `ctx` afterwards.
    pub fn render(&self, ctx: &mut Context) -> Result<String, VtlError> {
        let mut r = render::Renderer::new(&self.name, &self.positions, &self.macros, ctx);
        r.render_top(&self.nodes)?;
        Ok(r.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str) -> String {
        let t = Template::parse("t", src).expect("parses");
        t.render(&mut Context::new()).expect("renders")
    }

    #[test]
    fn template_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Template>();
    }

    #[test]
    fn unresolved_references_render_as_written() {
        assert_eq!(
            render("$foo ${bar.baz} $!quiet $!{q}."),
            "$foo ${bar.baz}  ."
        );
    }

    #[test]
    fn directives_gobble_their_newline() {
        assert_eq!(
            render("#set($a = 1)\n#if($a == 1)\nyes\n#else\nno\n#end\n"),
            "yes\n"
        );
    }

    #[test]
    fn errors_carry_line_and_column() {
        let err = Template::parse("x.vm", "ok\n  #if($a").err();
        assert!(
            matches!(err, Some(VtlError::Parse { line: 2, .. })),
            "{err:?}"
        );
    }
}
