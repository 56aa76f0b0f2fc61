//! Parsing `--parameter-overrides` the way the SAM CLI accepts it
//! (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-deploy.html>):
//! `Key=Value Key2=Value2`, the CloudFormation form `ParameterKey=K,ParameterValue=V`, and
//! values quoted with `"` or `'` when they contain spaces.

use crate::error::{Result, TemplateError};

/// Parses one overrides string into `(key, value)` pairs, in order.
pub fn parse_overrides(input: &str) -> Result<Vec<(String, String)>> {
    let bad = |message: &str| TemplateError::BadOverrides {
        input: input.to_string(),
        message: message.to_string(),
    };
    let mut pairs = Vec::new();
    for token in tokens(input).map_err(|m| bad(&m))? {
        if let Some(rest) = token.strip_prefix("ParameterKey=") {
            let (key, value) = rest
                .split_once(",ParameterValue=")
                .ok_or_else(|| bad("`ParameterKey=K` must be followed by `,ParameterValue=V`"))?;
            pairs.push((key.to_string(), value.to_string()));
        } else {
            let (key, value) = token
                .split_once('=')
                .ok_or_else(|| bad(&format!("`{token}` is not Key=Value")))?;
            if key.is_empty() {
                return Err(bad(&format!("`{token}` has an empty key")));
            }
            pairs.push((key.to_string(), value.to_string()));
        }
    }
    Ok(pairs)
}

/// Parses overrides given as separate command-line arguments (`--parameter-overrides A=1 "B=x y"`
/// after the shell removed the quotes): each argument is one `Key=Value` or
/// `ParameterKey=K,ParameterValue=V`, spaces included.
pub fn parse_override_args<S: AsRef<str>>(args: &[S]) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for arg in args {
        let arg = arg.as_ref();
        let quoted = format!("'{}'", arg.replace('\'', ""));
        if arg.contains(char::is_whitespace) && !arg.contains('\'') {
            pairs.extend(parse_overrides(&quoted)?);
        } else {
            pairs.extend(parse_overrides(arg)?);
        }
    }
    Ok(pairs)
}

/// Splits on unquoted whitespace and removes the quotes (a quote may open anywhere in a token:
/// `Key="a b"` and `"Key=a b"` both give `Key=a b`).
fn tokens(input: &str) -> std::result::Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_token = false;
    let mut quote: Option<char> = None;
    for c in input.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_token = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_token {
                    out.push(std::mem::take(&mut current));
                    in_token = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_token = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(format!("unterminated {q} quote"));
    }
    if in_token {
        out.push(current);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn sam_and_cloudformation_forms() {
        assert_eq!(
            parse_overrides("Stage=dev  Ttl=60 ParameterKey=Mode,ParameterValue=fast").expect("ok"),
            pairs(&[("Stage", "dev"), ("Ttl", "60"), ("Mode", "fast")])
        );
    }

    #[test]
    fn quoted_values_keep_spaces_and_equals() {
        assert_eq!(
            parse_overrides(r#"Greeting="hello world" 'Expr=a=b' List=a,b"#).expect("ok"),
            pairs(&[
                ("Greeting", "hello world"),
                ("Expr", "a=b"),
                ("List", "a,b")
            ])
        );
        assert_eq!(
            parse_overrides("Empty=\"\"").expect("ok"),
            pairs(&[("Empty", "")])
        );
    }

    #[test]
    fn separate_arguments_keep_their_spaces() {
        assert_eq!(
            parse_override_args(&["A=1", "B=x y", "ParameterKey=C,ParameterValue=z"]).expect("ok"),
            pairs(&[("A", "1"), ("B", "x y"), ("C", "z")])
        );
    }

    #[test]
    fn malformed_overrides_are_errors() {
        assert!(parse_overrides("NoEquals").is_err());
        assert!(parse_overrides("A=\"open").is_err());
        assert!(parse_overrides("ParameterKey=A").is_err());
        assert!(parse_overrides("=x").is_err());
    }
}
