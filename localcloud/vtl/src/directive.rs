//! The parser's block directives: `#if`/`#elseif`/`#else`, `#macro` definitions and calls,
//! and the `#end` that closes `#foreach`, `#define` and `#macro`.

use std::sync::Arc;

use crate::ast::{Expr, MacroDef, Node};
use crate::error::VtlError;
use crate::lexer::Tok;
use crate::parser::{Parser, Terminator};

impl Parser<'_> {
    pub(crate) fn body_until_end(
        &mut self,
        start: usize,
        what: &str,
    ) -> Result<Vec<Node>, VtlError> {
        let (body, term, at) = self.block()?;
        match term {
            Terminator::End => Ok(body),
            Terminator::Eof => Err(self.error_at(start, format!("{what} without #end"))),
            Terminator::Else | Terminator::ElseIf(_) => {
                Err(self.error_at(at, format!("#else inside {what}")))
            }
        }
    }

    pub(crate) fn if_chain(&mut self, start: usize) -> Result<Node, VtlError> {
        self.open_paren("if")?;
        let mut cond = self.expr()?;
        self.close_paren("if")?;
        let mut branches = Vec::new();
        loop {
            let (body, term, at) = self.block()?;
            branches.push((cond, body));
            match term {
                Terminator::End => {
                    return Ok(Node::If {
                        branches,
                        otherwise: None,
                    })
                }
                Terminator::ElseIf(next) => cond = next,
                Terminator::Else => {
                    let otherwise = self.body_until_end(at, "#else")?;
                    return Ok(Node::If {
                        branches,
                        otherwise: Some(otherwise),
                    });
                }
                Terminator::Eof => return Err(self.error_at(start, "#if without #end")),
            }
        }
    }

    pub(crate) fn macro_def(&mut self, start: usize) -> Result<(), VtlError> {
        self.open_paren("macro")?;
        self.cur.skip_ws();
        let Some(name) = self.cur.directive_name() else {
            return Err(self.error("expected a macro name"));
        };
        let mut params = Vec::new();
        loop {
            self.cur.skip_ws();
            if self.cur.eat(',') {
                continue;
            }
            if self.cur.eat(')') {
                self.cur.gobble_line_end();
                break;
            }
            let r = self.expect_reference()?;
            params.push(r.name);
        }
        let body = self.body_until_end(start, "#macro")?;
        self.macros.insert(
            name,
            Arc::new(MacroDef {
                params,
                body: Arc::new(body),
            }),
        );
        Ok(())
    }

    /// Macro call arguments: separated by whitespace or commas, up to `)`.
    pub(crate) fn call_args(&mut self) -> Result<Vec<Expr>, VtlError> {
        let mut args = Vec::new();
        loop {
            match self.cur.peek_token() {
                Tok::RParen => {
                    self.cur.next_token();
                    return Ok(args);
                }
                Tok::Comma => {
                    self.cur.next_token();
                }
                Tok::Eof => return Err(self.error("unterminated macro call")),
                _ => args.push(self.expr()?),
            }
        }
    }
}
