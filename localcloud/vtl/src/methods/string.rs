//! `java.lang.String` methods. Indexes count chars (Java counts UTF-16 units; the two differ
//! only outside the Basic Multilingual Plane).

use regex_lite::Regex;

use super::{int_arg, str_arg, CallResult};
use crate::value::Value;

pub(super) fn call(s: &str, name: &str, args: &[Value]) -> CallResult {
    let chars = || s.chars().collect::<Vec<char>>();
    Ok(Some(match (name, args) {
        ("length", []) => Value::Int(s.chars().count() as i64),
        ("isEmpty", []) => Value::Bool(s.is_empty()),
        ("toLowerCase", []) => Value::str(s.to_lowercase()),
        ("toUpperCase", []) => Value::str(s.to_uppercase()),
        // Java's trim removes every char <= ' '.
        ("trim", []) => Value::str(s.trim_matches(|c: char| c <= ' ')),
        ("charAt", [i]) => {
            let Some(i) = int_arg(i) else { return Ok(None) };
            let c = chars();
            match usize::try_from(i).ok().and_then(|i| c.get(i)) {
                Some(ch) => Value::str(ch.to_string()),
                None => return Err(format!("String index out of range: {i}")),
            }
        }
        ("substring", [a]) => {
            let Some(a) = int_arg(a) else { return Ok(None) };
            substring(&chars(), a, None)?
        }
        ("substring", [a, b]) => {
            let (Some(a), Some(b)) = (int_arg(a), int_arg(b)) else {
                return Ok(None);
            };
            substring(&chars(), a, Some(b))?
        }
        ("indexOf", [x]) => {
            let Some(x) = str_arg(x) else { return Ok(None) };
            Value::Int(char_index(s, s.find(x)))
        }
        ("indexOf", [x, from]) => {
            let (Some(x), Some(from)) = (str_arg(x), int_arg(from)) else {
                return Ok(None);
            };
            let from = byte_offset(s, from.max(0) as usize);
            Value::Int(char_index(s, s[from..].find(x).map(|i| i + from)))
        }
        ("lastIndexOf", [x]) => {
            let Some(x) = str_arg(x) else { return Ok(None) };
            Value::Int(char_index(s, s.rfind(x)))
        }
        ("contains", [x]) => Value::Bool(s.contains(x.to_java_string().as_str())),
        ("startsWith", [x]) => {
            let Some(x) = str_arg(x) else { return Ok(None) };
            Value::Bool(s.starts_with(x))
        }
        ("endsWith", [x]) => {
            let Some(x) = str_arg(x) else { return Ok(None) };
            Value::Bool(s.ends_with(x))
        }
        ("equalsIgnoreCase", [x]) => {
            Value::Bool(str_arg(x).is_some_and(|x| x.to_lowercase() == s.to_lowercase()))
        }
        ("concat", [x]) => {
            let Some(x) = str_arg(x) else { return Ok(None) };
            Value::str(format!("{s}{x}"))
        }
        ("compareTo", [x]) => {
            let Some(x) = str_arg(x) else { return Ok(None) };
            Value::Int(compare_to(s, x))
        }
        ("replace", [a, b]) => {
            let (a, b) = (a.to_java_string(), b.to_java_string());
            if a.is_empty() {
                // Java inserts the replacement between every char and at both ends.
                let mut out = b.clone();
                for c in s.chars() {
                    out.push(c);
                    out.push_str(&b);
                }
                Value::str(out)
            } else {
                Value::str(s.replace(&a, &b))
            }
        }
        ("replaceAll", [re, rep]) => {
            let (Some(re), Some(rep)) = (str_arg(re), str_arg(rep)) else {
                return Ok(None);
            };
            Value::str(regex(re)?.replace_all(s, java_replacement(rep)?.as_str()))
        }
        ("replaceFirst", [re, rep]) => {
            let (Some(re), Some(rep)) = (str_arg(re), str_arg(rep)) else {
                return Ok(None);
            };
            Value::str(regex(re)?.replace(s, java_replacement(rep)?.as_str()))
        }
        ("matches", [re]) => {
            let Some(re) = str_arg(re) else {
                return Ok(None);
            };
            Value::Bool(regex(&format!("^(?:{re})$"))?.is_match(s))
        }
        ("split", [re]) => {
            let Some(re) = str_arg(re) else {
                return Ok(None);
            };
            Value::list(split(s, re)?.into_iter().map(Value::str).collect())
        }
        _ => return Ok(None),
    }))
}

fn substring(c: &[char], a: i64, b: Option<i64>) -> Result<Value, String> {
    let len = c.len() as i64;
    let b = b.unwrap_or(len);
    if a < 0 || b > len || a > b {
        return Err(format!("begin {a}, end {b}, length {len}"));
    }
    Ok(Value::str(
        c[a as usize..b as usize].iter().collect::<String>(),
    ))
}

fn char_index(s: &str, byte: Option<usize>) -> i64 {
    byte.map_or(-1, |b| s[..b].chars().count() as i64)
}

fn byte_offset(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(b, _)| b)
}

fn compare_to(a: &str, b: &str) -> i64 {
    for (x, y) in a.encode_utf16().zip(b.encode_utf16()) {
        if x != y {
            return i64::from(x) - i64::from(y);
        }
    }
    a.encode_utf16().count() as i64 - b.encode_utf16().count() as i64
}

/// Compiles a Java regex. The common syntax is shared; what differs fails with a message.
pub(crate) fn regex(re: &str) -> Result<Regex, String> {
    Regex::new(re).map_err(|e| format!("PatternSyntaxException: {e}"))
}

/// Java replacement strings (`$1`, `\$`) in Rust's syntax (`${1}`, `$$`).
fn java_replacement(rep: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut it = rep.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some('$') => out.push_str("$$"),
                Some(o) => out.push(o),
                None => return Err("character to be escaped is missing".into()),
            },
            '$' => {
                let mut digits = String::new();
                while let Some(d) = it.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    it.next();
                }
                if digits.is_empty() {
                    return Err("Illegal group reference".into());
                }
                out.push_str(&format!("${{{digits}}}"));
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Java's `String.split(regex)`: trailing empty strings are dropped, and a zero-width match
/// at the start yields no leading empty string.
fn split(s: &str, re: &str) -> Result<Vec<String>, String> {
    let re = regex(re)?;
    let mut parts = Vec::new();
    let mut last = 0;
    for m in re.find_iter(s) {
        if m.end() == 0 {
            continue;
        }
        if m.start() == m.end() && m.start() >= s.len() {
            break;
        }
        parts.push(s[last..m.start()].to_string());
        last = m.end();
    }
    parts.push(s[last..].to_string());
    if s.is_empty() {
        return Ok(vec![String::new()]);
    }
    while parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_drops_trailing_empties_like_java() {
        assert_eq!(split("a,b,,", ",").ok(), Some(vec!["a".into(), "b".into()]));
        assert_eq!(split(",a", ",").ok(), Some(vec![String::new(), "a".into()]));
    }

    #[test]
    fn replacement_groups_translate() {
        assert_eq!(java_replacement("<$1>").ok().as_deref(), Some("<${1}>"));
        assert_eq!(java_replacement("\\$").ok().as_deref(), Some("$$"));
    }
}
