//! The parser, expression mode: references, literals and operators with Velocity's
//! precedence (`||` < `&&` < `==` `!=` < `<` `<=` `>` `>=` < `+` `-` < `*` `/` `%` < unary).

use std::rc::Rc;

use crate::ast::{Accessor, BinOp, Expr, Reference};
use crate::error::VtlError;
use crate::lexer::{Cursor, Tok};
use crate::parser::{Parser, Terminator};

impl Parser<'_> {
    /// Reads a reference at `$`. `Ok(None)` (cursor unmoved) when the `$` starts no reference,
    /// in which case it is literal text.
    pub(crate) fn reference(&mut self) -> Result<Option<Reference>, VtlError> {
        let start = self.cur.pos;
        self.cur.pos += 1;
        let quiet = self.cur.eat('!');
        let braced = self.cur.eat('{');
        let Some(name) = self.cur.identifier() else {
            self.cur.pos = start;
            return Ok(None);
        };
        self.enter()?;
        let mut parts = Vec::new();
        loop {
            let next = self.cur.peek_at(1);
            if self.cur.peek() == Some('.')
                && next.is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            {
                self.cur.pos += 1;
                let Some(prop) = self.cur.identifier() else {
                    break;
                };
                if self.cur.eat('(') {
                    let args = self.args(Tok::RParen)?;
                    parts.push(Accessor::Method(prop, args));
                } else {
                    parts.push(Accessor::Property(prop));
                }
            } else if self.cur.peek() == Some('[') {
                let save = self.cur.pos;
                self.cur.pos += 1;
                let index = self.expr();
                match (index, self.cur.next_token().0) {
                    (Ok(e), Tok::RBracket) => parts.push(Accessor::Index(e)),
                    _ => {
                        self.cur.pos = save;
                        break;
                    }
                }
            } else {
                break;
            }
        }
        self.depth -= 1;
        if braced && !self.cur.eat('}') {
            self.cur.pos = start;
            return Ok(None);
        }
        Ok(Some(Reference {
            name,
            quiet,
            parts,
            literal: self.cur.slice(start, self.cur.pos),
            pos: self.base + start,
        }))
    }

    /// Comma-separated expressions up to `close`.
    fn args(&mut self, close: Tok) -> Result<Vec<Expr>, VtlError> {
        let mut args = Vec::new();
        if self.cur.peek_token() == close {
            self.cur.next_token();
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            match self.cur.next_token() {
                (Tok::Comma, _) => continue,
                (t, _) if t == close => return Ok(args),
                (_, at) => {
                    return Err(self.error_at(self.base + at, "expected ',' or a closing bracket"))
                }
            }
        }
    }

    /// A full expression.
    pub(crate) fn expr(&mut self) -> Result<Expr, VtlError> {
        self.enter()?;
        let e = self.or();
        self.depth -= 1;
        e
    }

    fn binary_level(
        &mut self,
        next: fn(&mut Self) -> Result<Expr, VtlError>,
        ops: &[(&str, BinOp)],
    ) -> Result<Expr, VtlError> {
        let mut left = next(self)?;
        loop {
            let save = self.cur.pos;
            let (tok, at) = self.cur.next_token();
            let sym = match &tok {
                Tok::Op(s) => Some(*s),
                Tok::Word(w) => Some(w.as_str())
                    .and_then(|w| ops.iter().find(|(s, _)| *s == w).map(|(s, _)| *s)),
                _ => None,
            };
            let Some(op) = sym.and_then(|s| ops.iter().find(|(o, _)| *o == s).map(|(_, op)| *op))
            else {
                self.cur.pos = save;
                return Ok(left);
            };
            let right = next(self)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right), self.base + at);
        }
    }

    fn or(&mut self) -> Result<Expr, VtlError> {
        self.binary_level(Self::and, &[("||", BinOp::Or), ("or", BinOp::Or)])
    }

    fn and(&mut self) -> Result<Expr, VtlError> {
        self.binary_level(Self::equality, &[("&&", BinOp::And), ("and", BinOp::And)])
    }

    fn equality(&mut self) -> Result<Expr, VtlError> {
        self.binary_level(
            Self::relational,
            &[
                ("==", BinOp::Eq),
                ("eq", BinOp::Eq),
                ("!=", BinOp::Ne),
                ("ne", BinOp::Ne),
            ],
        )
    }

    fn relational(&mut self) -> Result<Expr, VtlError> {
        self.binary_level(
            Self::additive,
            &[
                ("<", BinOp::Lt),
                ("lt", BinOp::Lt),
                ("<=", BinOp::Le),
                ("le", BinOp::Le),
                (">", BinOp::Gt),
                ("gt", BinOp::Gt),
                (">=", BinOp::Ge),
                ("ge", BinOp::Ge),
            ],
        )
    }

    fn additive(&mut self) -> Result<Expr, VtlError> {
        self.binary_level(
            Self::multiplicative,
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
        )
    }

    fn multiplicative(&mut self) -> Result<Expr, VtlError> {
        self.binary_level(
            Self::unary,
            &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Mod)],
        )
    }

    fn unary(&mut self) -> Result<Expr, VtlError> {
        let save = self.cur.pos;
        let (tok, at) = self.cur.next_token();
        match tok {
            Tok::Op("!") => Ok(Expr::Not(Box::new(self.nested_unary()?))),
            Tok::Word(w) if w == "not" => Ok(Expr::Not(Box::new(self.nested_unary()?))),
            Tok::Op("-") => match self.cur.peek_token() {
                Tok::Int(_) | Tok::Double(_) => match self.cur.next_token().0 {
                    Tok::Int(i) => Ok(Expr::Int(-i)),
                    Tok::Double(d) => Ok(Expr::Double(-d)),
                    _ => Err(self.error("expected a number")),
                },
                _ => Ok(Expr::Neg(Box::new(self.nested_unary()?), self.base + at)),
            },
            _ => {
                self.cur.pos = save;
                self.primary()
            }
        }
    }

    fn nested_unary(&mut self) -> Result<Expr, VtlError> {
        self.enter()?;
        let e = self.unary();
        self.depth -= 1;
        e
    }

    fn primary(&mut self) -> Result<Expr, VtlError> {
        let (tok, at) = self.cur.next_token();
        match tok {
            Tok::Int(i) => Ok(Expr::Int(i)),
            Tok::Double(d) => Ok(Expr::Double(d)),
            Tok::Str(raw, double) => self.string(raw, double, at),
            Tok::Word(w) if w == "true" => Ok(Expr::Bool(true)),
            Tok::Word(w) if w == "false" => Ok(Expr::Bool(false)),
            Tok::Word(w) if w == "null" => Ok(Expr::Null),
            Tok::Dollar => match self.reference()? {
                Some(r) => Ok(Expr::Ref(r)),
                None => Err(self.error_at(self.base + at, "expected a reference after '$'")),
            },
            Tok::LParen => {
                let e = self.expr()?;
                match self.cur.next_token() {
                    (Tok::RParen, _) => Ok(e),
                    (_, at) => Err(self.error_at(self.base + at, "expected ')'")),
                }
            }
            Tok::LBracket => self.list_or_range(at),
            Tok::LBrace => self.map_literal(),
            Tok::Eof => Err(self.error_at(
                self.base + at,
                "unexpected end of template in an expression",
            )),
            other => Err(self.error_at(
                self.base + at,
                format!("unexpected {other:?} in an expression"),
            )),
        }
    }

    fn list_or_range(&mut self, at: usize) -> Result<Expr, VtlError> {
        if self.cur.peek_token() == Tok::RBracket {
            self.cur.next_token();
            return Ok(Expr::List(Vec::new()));
        }
        let first = self.expr()?;
        if self.cur.peek_token() == Tok::DotDot {
            self.cur.next_token();
            let last = self.expr()?;
            return match self.cur.next_token() {
                (Tok::RBracket, _) => {
                    Ok(Expr::Range(Box::new(first), Box::new(last), self.base + at))
                }
                (_, at) => Err(self.error_at(self.base + at, "expected ']' to close a range")),
            };
        }
        let mut items = vec![first];
        loop {
            match self.cur.next_token() {
                (Tok::Comma, _) => items.push(self.expr()?),
                (Tok::RBracket, _) => return Ok(Expr::List(items)),
                (_, at) => {
                    return Err(self.error_at(self.base + at, "expected ',' or ']' in a list"))
                }
            }
        }
    }

    fn map_literal(&mut self) -> Result<Expr, VtlError> {
        let mut entries = Vec::new();
        if self.cur.peek_token() == Tok::RBrace {
            self.cur.next_token();
            return Ok(Expr::Map(entries));
        }
        loop {
            let key = self.expr()?;
            match self.cur.next_token() {
                (Tok::Colon, _) => {}
                (_, at) => return Err(self.error_at(self.base + at, "expected ':' in a map")),
            }
            let value = self.expr()?;
            entries.push((key, value));
            match self.cur.next_token() {
                (Tok::Comma, _) => continue,
                (Tok::RBrace, _) => return Ok(Expr::Map(entries)),
                (_, at) => {
                    return Err(self.error_at(self.base + at, "expected ',' or '}' in a map"))
                }
            }
        }
    }

    /// A string literal: double-quoted strings with `$` or `#` are templates themselves.
    fn string(&mut self, raw: String, double: bool, at: usize) -> Result<Expr, VtlError> {
        if !double || !(raw.contains('$') || raw.contains('#')) {
            return Ok(Expr::Str(raw));
        }
        let mut inner = Parser {
            cur: Cursor::new(&raw),
            name: self.name,
            positions: self.positions.clone(),
            base: self.base + at + 1,
            macro_names: Rc::clone(&self.macro_names),
            macros: std::collections::HashMap::new(),
            depth: self.depth,
        };
        let (nodes, term, end) = inner.block()?;
        match term {
            Terminator::Eof => {
                self.macros.extend(inner.macros);
                Ok(Expr::Interp(nodes))
            }
            _ => Err(self.error_at(end, "#end/#else without a matching directive in a string")),
        }
    }
}
