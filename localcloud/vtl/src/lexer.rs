//! The lexer: a cursor over the template's chars with the two modes Velocity has.
//!
//! Text mode (`scan_text_*`) splits literal text from `$` references and `#` directives;
//! expression mode (`next_token`) reads the tokens inside directive parentheses, method
//! arguments and list/map literals. The parser switches modes as it goes, which is how
//! Velocity's own JavaCC lexer works (its lexical states).

/// A token inside an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `..`
    DotDot,
    /// `=`
    Assign,
    /// `$`: the start of a reference; the parser reads the reference itself.
    Dollar,
    /// An operator symbol: `==`, `!=`, `<=`, `>=`, `<`, `>`, `&&`, `||`, `!`, `+`, `-`, `*`, `/`, `%`.
    Op(&'static str),
    /// An integer literal.
    Int(i64),
    /// A decimal literal.
    Double(f64),
    /// A string literal's raw contents and whether it was double-quoted.
    Str(String, bool),
    /// A bare word: `in`, `true`, `false`, `null`, `and`, `or`, `not`, `eq`...
    Word(String),
    /// End of input.
    Eof,
    /// A char that starts no token.
    Bad(char),
}

/// A cursor over the template source.
#[derive(Debug, Clone)]
pub struct Cursor {
    /// The source as chars.
    pub src: Vec<char>,
    /// The current offset.
    pub pos: usize,
}

impl Cursor {
    /// A cursor at the start of `src`.
    pub fn new(src: &str) -> Cursor {
        Cursor {
            src: src.chars().collect(),
            pos: 0,
        }
    }

    /// The char at the cursor.
    pub fn peek(&self) -> Option<char> {
        self.src.get(self.pos).copied()
    }

    /// The char `n` places ahead.
    pub fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.pos + n).copied()
    }

    /// True when the source continues with `s`.
    pub fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.src.get(self.pos + i) == Some(&c))
    }

    /// Consumes `s` if the source continues with it.
    pub fn eat_str(&mut self, s: &str) -> bool {
        if self.starts_with(s) {
            self.pos += s.chars().count();
            true
        } else {
            false
        }
    }

    /// Consumes `c` if it is next.
    pub fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// True at the end of input.
    pub fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    /// The source between two offsets.
    pub fn slice(&self, from: usize, to: usize) -> String {
        self.src
            .get(from..to.min(self.src.len()))
            .unwrap_or(&[])
            .iter()
            .collect()
    }

    /// Skips spaces, tabs and newlines (allowed anywhere inside an expression).
    pub fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    /// Velocity's newline gobbling after a directive: `[ \t]*` then one line end, or nothing.
    pub fn gobble_line_end(&mut self) {
        let save = self.pos;
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        if self.eat_str("\r\n") || self.eat('\n') || self.eat('\r') {
            return;
        }
        self.pos = save;
    }

    /// Reads an identifier (`[a-zA-Z_][a-zA-Z0-9_-]*`, hyphens included as in Velocity 1.7).
    pub fn identifier(&mut self) -> Option<String> {
        let first = self.peek()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            self.pos += 1;
        }
        Some(self.slice(start, self.pos))
    }

    /// Reads a directive or macro name (`[a-zA-Z][a-zA-Z0-9_]*`).
    pub fn directive_name(&mut self) -> Option<String> {
        let first = self.peek()?;
        if !first.is_ascii_alphabetic() {
            return None;
        }
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        Some(self.slice(start, self.pos))
    }

    /// Reads the next expression token after skipping whitespace. Returns the token and the
    /// offset it starts at.
    pub fn next_token(&mut self) -> (Tok, usize) {
        self.skip_ws();
        let start = self.pos;
        let Some(c) = self.peek() else {
            return (Tok::Eof, start);
        };
        self.pos += 1;
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            '{' => Tok::LBrace,
            '}' => Tok::RBrace,
            ',' => Tok::Comma,
            ':' => Tok::Colon,
            '$' => {
                self.pos = start;
                Tok::Dollar
            }
            '.' if self.eat('.') => Tok::DotDot,
            '=' if self.eat('=') => Tok::Op("=="),
            '=' => Tok::Assign,
            '!' if self.eat('=') => Tok::Op("!="),
            '!' => Tok::Op("!"),
            '<' if self.eat('=') => Tok::Op("<="),
            '<' => Tok::Op("<"),
            '>' if self.eat('=') => Tok::Op(">="),
            '>' => Tok::Op(">"),
            '&' if self.eat('&') => Tok::Op("&&"),
            '|' if self.eat('|') => Tok::Op("||"),
            '+' => Tok::Op("+"),
            '-' => Tok::Op("-"),
            '*' => Tok::Op("*"),
            '/' => Tok::Op("/"),
            '%' => Tok::Op("%"),
            '"' | '\'' => return (self.string_literal(c), start),
            d if d.is_ascii_digit() => {
                self.pos = start;
                self.number()
            }
            a if a.is_ascii_alphabetic() || a == '_' => {
                self.pos = start;
                let mut word = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        word.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Tok::Word(word)
            }
            other => Tok::Bad(other),
        };
        (tok, start)
    }

    /// Peeks the next token without consuming it.
    pub fn peek_token(&mut self) -> Tok {
        let save = self.pos;
        let (tok, _) = self.next_token();
        self.pos = save;
        tok
    }

    fn number(&mut self) -> Tok {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            self.pos += 1;
        }
        // `1..3` is a range, not a decimal.
        let decimal =
            self.peek() == Some('.') && matches!(self.peek_at(1), Some(c) if c.is_ascii_digit());
        if decimal {
            self.pos += 1;
            while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        let text = self.slice(start, self.pos);
        if decimal {
            Tok::Double(text.parse().unwrap_or(f64::NAN))
        } else {
            match text.parse::<i64>() {
                Ok(i) => Tok::Int(i),
                Err(_) => Tok::Double(text.parse().unwrap_or(f64::INFINITY)),
            }
        }
    }

    /// Reads a string literal after its opening quote. A doubled quote stands for one quote.
    fn string_literal(&mut self, quote: char) -> Tok {
        let mut raw = String::new();
        loop {
            match self.peek() {
                None => return Tok::Bad(quote),
                Some(c) if c == quote => {
                    self.pos += 1;
                    if self.peek() == Some(quote) {
                        raw.push(quote);
                        self.pos += 1;
                    } else {
                        return Tok::Str(raw, quote == '"');
                    }
                }
                Some(c) => {
                    raw.push(c);
                    self.pos += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_tokens() {
        let mut c = Cursor::new(" 1..3 >= 'a''b' \"x\" 2.5 and ");
        assert_eq!(c.next_token().0, Tok::Int(1));
        assert_eq!(c.next_token().0, Tok::DotDot);
        assert_eq!(c.next_token().0, Tok::Int(3));
        assert_eq!(c.next_token().0, Tok::Op(">="));
        assert_eq!(c.next_token().0, Tok::Str("a'b".into(), false));
        assert_eq!(c.next_token().0, Tok::Str("x".into(), true));
        assert_eq!(c.next_token().0, Tok::Double(2.5));
        assert_eq!(c.next_token().0, Tok::Word("and".into()));
        assert_eq!(c.next_token().0, Tok::Eof);
    }
}
