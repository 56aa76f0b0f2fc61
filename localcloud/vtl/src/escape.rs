//! Velocity's escapes in text: `\$ref` and `\#directive`.
//!
//! An odd number of backslashes before a reference or directive makes it literal text (half
//! the backslashes are output); an even number outputs half of them and keeps the reference
//! or directive live. A backslash before anything else is plain text.

use crate::ast::Node;
use crate::error::VtlError;
use crate::parser::{flush, Parser};

impl Parser<'_> {
    /// `\$ref` and `\#directive`: Velocity's escapes.
    pub(crate) fn backslashes(
        &mut self,
        nodes: &mut Vec<Node>,
        text: &mut String,
    ) -> Result<(), VtlError> {
        let start = self.cur.pos;
        while self.cur.peek() == Some('\\') {
            self.cur.pos += 1;
        }
        let count = self.cur.pos - start;
        match self.cur.peek() {
            Some('$') => {
                let at = self.cur.pos;
                match self.reference()? {
                    Some(reference) => {
                        flush(nodes, text);
                        nodes.push(Node::EscapedRef {
                            backslashes: count,
                            reference,
                        });
                    }
                    None => {
                        self.cur.pos = at;
                        text.push_str(&"\\".repeat(count));
                    }
                }
            }
            Some('#') => {
                let save = self.cur.pos;
                self.cur.pos += 1;
                let braced = self.cur.eat('{');
                let name = self.cur.directive_name();
                let closed = !braced || self.cur.eat('}');
                self.cur.pos = save;
                let known = name.as_deref().is_some_and(|n| {
                    matches!(
                        n,
                        "set"
                            | "if"
                            | "elseif"
                            | "else"
                            | "end"
                            | "foreach"
                            | "break"
                            | "stop"
                            | "define"
                            | "macro"
                            | "evaluate"
                            | "parse"
                            | "include"
                    ) || self.macro_names.contains(n)
                });
                if known && closed {
                    text.push_str(&"\\".repeat(count / 2));
                    if count % 2 == 1 {
                        // The directive is escaped: its name is text.
                        self.cur.pos += 1;
                        let from = self.cur.pos - 1;
                        if braced {
                            self.cur.pos += 1;
                        }
                        let _ = self.cur.directive_name();
                        if braced {
                            self.cur.pos += 1;
                        }
                        text.push_str(&self.cur.slice(from, self.cur.pos));
                    }
                } else {
                    text.push_str(&"\\".repeat(count));
                }
            }
            _ => text.push_str(&"\\".repeat(count)),
        }
        Ok(())
    }
}
