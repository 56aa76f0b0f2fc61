//! The parser, text mode: literal text, references, directives and comments, with
//! Velocity 1.7's whitespace gobbling (see `gobble_line_end` and `strip_set_indent`).
//!
//! Expressions (directive arguments, literals, operators) are parsed in `expr.rs`.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use crate::ast::{Expr, MacroDef, Node, Reference};
use crate::error::{Positions, VtlError};
use crate::lexer::{Cursor, Tok};

/// Deepest nesting of blocks and expressions accepted, so no input can overflow the stack.
const MAX_DEPTH: usize = 100;

/// How a block ended.
pub(crate) enum Terminator {
    Eof,
    End,
    Else,
    ElseIf(Expr),
}

/// The parser state.
pub(crate) struct Parser<'a> {
    pub(crate) cur: Cursor,
    pub(crate) name: &'a str,
    pub(crate) positions: Rc<Positions>,
    /// Offset of this cursor's source within the template (non-zero inside string literals).
    pub(crate) base: usize,
    pub(crate) macro_names: Rc<HashSet<String>>,
    pub(crate) macros: HashMap<String, Arc<MacroDef>>,
    pub(crate) depth: usize,
}

/// The result of parsing a whole template.
pub(crate) struct Parsed {
    pub(crate) nodes: Vec<Node>,
    pub(crate) macros: HashMap<String, Arc<MacroDef>>,
    pub(crate) positions: Rc<Positions>,
}

/// Parses a template.
pub(crate) fn parse(name: &str, src: &str) -> Result<Parsed, VtlError> {
    let cur = Cursor::new(src);
    let positions = Rc::new(Positions::new(&cur.src));
    let macro_names = Rc::new(scan_macro_names(&cur));
    let mut p = Parser {
        cur,
        name,
        positions: positions.clone(),
        base: 0,
        macro_names,
        macros: HashMap::new(),
        depth: 0,
    };
    let (nodes, term, at) = p.block()?;
    match term {
        Terminator::Eof => Ok(Parsed {
            nodes,
            macros: p.macros,
            positions,
        }),
        Terminator::End => Err(p.error_at(at, "#end without a matching directive")),
        Terminator::Else | Terminator::ElseIf(_) => {
            Err(p.error_at(at, "#else/#elseif without a matching #if"))
        }
    }
}

/// Finds the names of every `#macro` in the template, so calls before the definition parse.
fn scan_macro_names(cur: &Cursor) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut c = cur.clone();
    while c.pos < c.src.len() {
        if c.eat_str("#macro") || c.eat_str("#{macro}") {
            c.skip_ws();
            if c.eat('(') {
                c.skip_ws();
                if let Some(n) = c.directive_name() {
                    names.insert(n);
                }
            }
        } else {
            c.pos += 1;
        }
    }
    names
}

impl Parser<'_> {
    /// The absolute offset of the cursor.
    pub(crate) fn at(&self) -> usize {
        self.base + self.cur.pos
    }

    pub(crate) fn error_at(&self, pos: usize, message: impl Into<String>) -> VtlError {
        let (line, column) = self.positions.locate(pos);
        VtlError::Parse {
            template: self.name.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> VtlError {
        self.error_at(self.at(), message)
    }

    pub(crate) fn enter(&mut self) -> Result<(), VtlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        Ok(())
    }

    /// Parses nodes until `#end`, `#else`, `#elseif` or the end of input.
    pub(crate) fn block(&mut self) -> Result<(Vec<Node>, Terminator, usize), VtlError> {
        self.enter()?;
        let mut nodes = Vec::new();
        let mut text = String::new();
        let result = loop {
            let Some(c) = self.cur.peek() else {
                break (Terminator::Eof, self.at());
            };
            match c {
                '#' => {
                    let start = self.at();
                    if let Some(term) = self.hash(&mut nodes, &mut text)? {
                        break (term, start);
                    }
                }
                '$' => match self.reference()? {
                    Some(r) => {
                        flush(&mut nodes, &mut text);
                        nodes.push(Node::Ref(r));
                    }
                    None => {
                        text.push('$');
                        self.cur.pos += 1;
                    }
                },
                '\\' => self.backslashes(&mut nodes, &mut text)?,
                other => {
                    text.push(other);
                    self.cur.pos += 1;
                }
            }
        };
        flush(&mut nodes, &mut text);
        self.depth -= 1;
        Ok((nodes, result.0, result.1))
    }

    /// Handles a `#`: comment, unparsed block, directive, macro call or literal `#`.
    fn hash(
        &mut self,
        nodes: &mut Vec<Node>,
        text: &mut String,
    ) -> Result<Option<Terminator>, VtlError> {
        let start = self.cur.pos;
        if self.cur.eat_str("##") {
            while let Some(c) = self.cur.peek() {
                self.cur.pos += 1;
                if c == '\n' {
                    break;
                }
            }
            return Ok(None);
        }
        if self.cur.eat_str("#*") {
            return self
                .skip_until("*#", start, "unterminated #* comment")
                .map(|_| None);
        }
        if self.cur.eat_str("#[[") {
            let from = self.cur.pos;
            self.skip_until("]]#", start, "unterminated #[[ block")?;
            text.push_str(&self.cur.slice(from, self.cur.pos - 3));
            return Ok(None);
        }
        self.cur.pos += 1;
        let braced = self.cur.eat('{');
        let name = self.cur.directive_name();
        let name = match name {
            Some(n) if !braced || self.cur.eat('}') => n,
            _ => {
                self.cur.pos = start + 1;
                text.push('#');
                return Ok(None);
            }
        };
        let dpos = self.base + start;
        match name.as_str() {
            "set" => {
                strip_set_indent(text, nodes.is_empty());
                flush(nodes, text);
                self.open_paren(&name)?;
                self.cur.skip_ws();
                let target = self.expect_reference()?;
                if self.cur.next_token().0 != Tok::Assign {
                    return Err(self.error("expected '=' in #set"));
                }
                let value = self.expr()?;
                self.close_paren(&name)?;
                nodes.push(Node::Set {
                    target,
                    value,
                    pos: dpos,
                });
            }
            "if" => {
                flush(nodes, text);
                let node = self.if_chain(dpos)?;
                nodes.push(node);
            }
            "elseif" => {
                flush(nodes, text);
                self.open_paren(&name)?;
                let cond = self.expr()?;
                self.close_paren(&name)?;
                return Ok(Some(Terminator::ElseIf(cond)));
            }
            "else" => {
                flush(nodes, text);
                self.cur.gobble_line_end();
                return Ok(Some(Terminator::Else));
            }
            "end" => {
                flush(nodes, text);
                self.cur.gobble_line_end();
                return Ok(Some(Terminator::End));
            }
            "foreach" => {
                flush(nodes, text);
                self.open_paren(&name)?;
                self.cur.skip_ws();
                let var = self.expect_reference()?;
                if !var.parts.is_empty() {
                    return Err(self.error_at(var.pos, "#foreach needs a plain variable"));
                }
                match self.cur.next_token().0 {
                    Tok::Word(w) if w == "in" => {}
                    _ => return Err(self.error("expected 'in' in #foreach")),
                }
                let iterable = self.expr()?;
                self.close_paren(&name)?;
                let body = self.body_until_end(dpos, "#foreach")?;
                nodes.push(Node::Foreach {
                    var: var.name,
                    iterable,
                    body,
                    pos: dpos,
                });
            }
            "break" => {
                flush(nodes, text);
                nodes.push(Node::Break);
            }
            "stop" => {
                flush(nodes, text);
                nodes.push(Node::Stop);
            }
            "define" => {
                flush(nodes, text);
                self.open_paren(&name)?;
                self.cur.skip_ws();
                let var = self.expect_reference()?;
                self.close_paren(&name)?;
                let body = self.body_until_end(dpos, "#define")?;
                nodes.push(Node::Define {
                    name: var.name,
                    body: Arc::new(body),
                });
            }
            "macro" => {
                flush(nodes, text);
                self.macro_def(dpos)?;
            }
            "evaluate" | "parse" | "include" => {
                let (line, column) = self.positions.locate(dpos);
                return Err(VtlError::Unsupported {
                    template: self.name.to_string(),
                    line,
                    column,
                    directive: name,
                });
            }
            _ if self.macro_names.contains(&name) => {
                flush(nodes, text);
                let save = self.cur.pos;
                while matches!(self.cur.peek(), Some(' ' | '\t')) {
                    self.cur.pos += 1;
                }
                let args = if self.cur.eat('(') {
                    let args = self.call_args()?;
                    self.cur.gobble_line_end();
                    args
                } else {
                    self.cur.pos = save;
                    Vec::new()
                };
                nodes.push(Node::MacroCall {
                    name,
                    args,
                    pos: dpos,
                });
            }
            _ => text.push_str(&self.cur.slice(start, self.cur.pos)),
        }
        Ok(None)
    }

    fn skip_until(&mut self, end: &str, start: usize, message: &str) -> Result<(), VtlError> {
        loop {
            if self.cur.eat_str(end) {
                return Ok(());
            }
            if self.cur.at_end() {
                return Err(self.error_at(self.base + start, message));
            }
            self.cur.pos += 1;
        }
    }

    pub(crate) fn open_paren(&mut self, directive: &str) -> Result<(), VtlError> {
        self.cur.skip_ws();
        if self.cur.eat('(') {
            Ok(())
        } else {
            Err(self.error(format!("expected '(' after #{directive}")))
        }
    }

    /// Reads the closing `)` of a directive and gobbles the rest of its line.
    pub(crate) fn close_paren(&mut self, directive: &str) -> Result<(), VtlError> {
        match self.cur.next_token() {
            (Tok::RParen, _) => {
                self.cur.gobble_line_end();
                Ok(())
            }
            (_, at) => Err(self.error_at(
                self.base + at,
                format!("expected ')' to close #{directive}"),
            )),
        }
    }

    pub(crate) fn expect_reference(&mut self) -> Result<Reference, VtlError> {
        if self.cur.peek() != Some('$') {
            return Err(self.error("expected a reference"));
        }
        match self.reference()? {
            Some(r) => Ok(r),
            None => Err(self.error("expected a reference")),
        }
    }
}

pub(crate) fn flush(nodes: &mut Vec<Node>, text: &mut String) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text)));
    }
}

/// Velocity 1.7's `#set` token swallows the spaces and tabs before it when they start a line
/// (or follow another token), so an indented `#set` leaves no indentation behind.
fn strip_set_indent(text: &mut String, _block_start: bool) {
    let trimmed = text.trim_end_matches([' ', '\t']);
    if trimmed.is_empty() || trimmed.ends_with('\n') || trimmed.ends_with('\r') {
        let keep = trimmed.len();
        text.truncate(keep);
    }
}
