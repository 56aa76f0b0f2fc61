//! Parser for intrinsic function calls
//! (<https://states-language.net/spec.html#appendix-b>): `States.Name(arg, ...)` where an
//! argument is a string literal in single quotes (escapes `\'`, `\{`, `\}`, `\\`), a number,
//! `true`/`false`/`null`, a path (`$.x`, `$$.Execution.Id`) or a nested call.

use crate::path::Path;
use serde_json::Number;

/// One character of a string literal, remembering whether it was escaped
/// (`States.Format` treats only unescaped `{}` as a placeholder).
#[derive(Debug, Clone, PartialEq)]
pub struct LitChar {
    /// The character.
    pub ch: char,
    /// Whether it was written with a backslash.
    pub escaped: bool,
}

/// An argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `'text'`.
    Str(Vec<LitChar>),
    /// `42`, `-1.5`.
    Num(Number),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `$.a.b` or `$$.Execution.Id`.
    Path(Path),
    /// `States.X(...)`.
    Call(Call),
}

/// A call `States.Name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Function name including `States.`.
    pub name: String,
    /// Arguments in order.
    pub args: Vec<Arg>,
}

const MAX_DEPTH: usize = 32;

/// Parses a whole intrinsic call; trailing text is an error.
pub fn parse(text: &str) -> Result<Call, String> {
    let mut p = Parser {
        s: text.trim().chars().collect(),
        i: 0,
    };
    let call = p.call(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!(
            "unexpected text after the call at position {}",
            p.i
        ));
    }
    Ok(call)
}

/// Whether a `.$` value looks like an intrinsic call rather than a path.
pub fn looks_like_call(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

struct Parser {
    s: Vec<char>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }
    fn call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_DEPTH {
            return Err("intrinsic functions are nested too deeply".into());
        }
        self.ws();
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            self.i += 1;
        }
        let name: String = self.s[start..self.i].iter().collect();
        if !name.starts_with("States.") || name.len() == 7 {
            return Err(format!("'{name}' is not an intrinsic function name"));
        }
        self.ws();
        if self.peek() != Some('(') {
            return Err(format!("expected '(' after {name}"));
        }
        self.i += 1;
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some(')') {
            self.i += 1;
            return Ok(Call { name, args });
        }
        loop {
            args.push(self.arg(depth)?);
            self.ws();
            match self.peek() {
                Some(',') => self.i += 1,
                Some(')') => {
                    self.i += 1;
                    return Ok(Call { name, args });
                }
                _ => return Err(format!("expected ',' or ')' in the arguments of {name}")),
            }
        }
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, String> {
        self.ws();
        match self.peek() {
            Some('\'') => self.string(),
            Some('$') => self.path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some('S') => Ok(Arg::Call(self.call(depth + 1)?)),
            Some(_) => {
                for (word, arg) in [
                    ("true", Arg::Bool(true)),
                    ("false", Arg::Bool(false)),
                    ("null", Arg::Null),
                ] {
                    let w: Vec<char> = word.chars().collect();
                    if self.s[self.i..].starts_with(&w) {
                        self.i += w.len();
                        return Ok(arg);
                    }
                }
                Err(format!("invalid argument at position {}", self.i))
            }
            None => Err("unexpected end of the intrinsic function".into()),
        }
    }

    fn string(&mut self) -> Result<Arg, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unterminated string literal".into()),
                Some('\'') => {
                    self.i += 1;
                    return Ok(Arg::Str(out));
                }
                Some('\\') => {
                    let c = self
                        .s
                        .get(self.i + 1)
                        .copied()
                        .ok_or("unterminated string literal")?;
                    out.push(LitChar {
                        ch: c,
                        escaped: true,
                    });
                    self.i += 2;
                }
                Some(c) => {
                    out.push(LitChar {
                        ch: c,
                        escaped: false,
                    });
                    self.i += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Result<Arg, String> {
        let start = self.i;
        self.i += 1;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        {
            self.i += 1;
        }
        let text: String = self.s[start..self.i].iter().collect();
        let n: Number =
            serde_json::from_str(&text).map_err(|_| format!("invalid number '{text}'"))?;
        Ok(Arg::Num(n))
    }

    fn path(&mut self) -> Result<Arg, String> {
        let start = self.i;
        let mut depth = 0i32;
        let mut quote = false;
        while let Some(c) = self.peek() {
            if quote {
                if c == '\'' {
                    quote = false;
                }
            } else {
                match c {
                    '\'' => quote = true,
                    '[' | '(' => depth += 1,
                    ']' | ')' if depth > 0 => depth -= 1,
                    ',' | ')' if depth == 0 => break,
                    _ => {}
                }
            }
            self.i += 1;
        }
        let text: String = self.s[start..self.i].iter().collect();
        Path::parse(text.trim()).map(Arg::Path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_calls_and_literals() {
        let c = parse(
            "States.Format('a\\{{}\\'', States.MathAdd($.x, -2), true, null, $$.Execution.Id)",
        )
        .unwrap();
        assert_eq!(c.name, "States.Format");
        assert_eq!(c.args.len(), 5);
        assert!(matches!(&c.args[1], Arg::Call(inner) if inner.name == "States.MathAdd"));
        assert!(parse("States.Format('x'").is_err());
        assert!(parse("States.Array() x").is_err());
        assert!(parse("Foo.Bar()").is_err());
        assert_eq!(parse("States.Array( )").unwrap().args.len(), 0);
    }
}
