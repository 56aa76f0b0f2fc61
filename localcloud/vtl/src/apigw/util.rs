//! `$util`: API Gateway's helper functions.

use std::fmt::Write as _;

use base64::Engine as _;

use crate::json;
use crate::value::{HostObject, Value};

/// The `$util` variable.
pub struct Util;

impl HostObject for Util {
    fn type_name(&self) -> &'static str {
        "Util"
    }

    fn property(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Result<Option<Value>, String> {
        let [arg] = args else {
            return Ok(None);
        };
        if arg.is_null() {
            return Ok(Some(Value::Null));
        }
        let s = arg.to_java_string();
        Ok(Some(match name {
            "escapeJavaScript" => Value::String(escape_javascript(&s)),
            "parseJson" => json::parse_json_smart(&s).map_err(|e| format!("Invalid JSON: {e}"))?,
            "urlEncode" => Value::String(url_encode(&s)),
            "urlDecode" => Value::String(url_decode(&s)?),
            "base64Encode" => {
                Value::String(base64::engine::general_purpose::STANDARD.encode(s.as_bytes()))
            }
            "base64Decode" => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(s.trim().as_bytes())
                    .map_err(|e| format!("Illegal base64 character: {e}"))?;
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            }
            _ => return Ok(None),
        }))
    }
}

/// Commons Lang's `StringEscapeUtils.escapeJavaScript`, which API Gateway uses: `'` `"` `\`
/// and `/` get a backslash, control chars their short or `\uXXXX` form, and every char
/// outside printable ASCII becomes `\uXXXX` (UTF-16 units, upper-case hex).
pub fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{:04X}", u);
                }
            }
        }
    }
    out
}

/// Java's `URLEncoder.encode(s, "UTF-8")`: space as `+`, `.-*_` and alphanumerics kept.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Java's `URLDecoder.decode(s, "UTF-8")`: `+` as space, `%XX` as bytes.
pub fn url_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        "URLDecoder: Illegal hex characters in escape (%) pattern".to_string()
                    })?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_commons_lang() {
        assert_eq!(
            escape_javascript("it's \"x\"\n/é"),
            "it\\'s \\\"x\\\"\\n\\/\\u00E9"
        );
    }

    #[test]
    fn url_round_trip() {
        assert_eq!(url_encode("a b&c/ü"), "a+b%26c%2F%C3%BC");
        assert_eq!(
            url_decode("a+b%26c%2F%C3%BC").ok().as_deref(),
            Some("a b&c/ü")
        );
    }
}
