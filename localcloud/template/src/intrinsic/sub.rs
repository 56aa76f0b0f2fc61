//! `Fn::Sub` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html>):
//! a string with `${Name}` (parameter, pseudo parameter or resource `Ref`), `${Res.Attr}`
//! (`Fn::GetAtt`) and `${!Literal}` (written out as `${Literal}`); or `[string, {Var: value}]`
//! whose variables win over the template's names.
//!
//! [`parse`] is also what the state machine's `DefinitionSubstitutions` use.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result};

/// A piece of a `Fn::Sub` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text copied as is (may contain an unterminated `${`).
    Text(String),
    /// `${!`: written out as `${`.
    Escape,
    /// `${Name}`: the name as written between the braces.
    Var(String),
}

/// Splits a `Fn::Sub` string into its parts.
pub fn parse(s: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = s;
    let mut text = String::new();
    while let Some(start) = rest.find("${") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            flush(&mut parts, &mut text);
            parts.push(Part::Escape);
            rest = literal;
        } else if let Some(end) = after.find('}') {
            flush(&mut parts, &mut text);
            parts.push(Part::Var(after[..end].to_string()));
            rest = &after[end + 1..];
        } else {
            text.push_str("${");
            rest = after;
        }
    }
    text.push_str(rest);
    flush(&mut parts, &mut text);
    parts
}

fn flush(parts: &mut Vec<Part>, text: &mut String) {
    if !text.is_empty() {
        parts.push(Part::Text(std::mem::take(text)));
    }
}

/// The source form of `parts` (inverse of [`parse`]).
pub fn source(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.clone(),
            Part::Escape => "${!".to_string(),
            Part::Var(v) => format!("${{{v}}}"),
        })
        .collect()
}

/// Renders `parts`, asking `var` for the value of each `${Name}`.
pub fn render(parts: &[Part], mut var: impl FnMut(&str) -> Result<String>) -> Result<String> {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Escape => out.push_str("${"),
            Part::Var(v) => out.push_str(&var(v.trim())?),
        }
    }
    Ok(out)
}

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<String> {
    let (template, vars) = match arg {
        Value::String(s) => (s.as_str(), BTreeMap::new()),
        Value::Array(items) if items.len() == 2 => {
            let template = items[0]
                .as_str()
                .ok_or_else(|| malformed(at, "Sub's first element must be a literal string"))?;
            let map = items[1]
                .as_object()
                .ok_or_else(|| malformed(at, "Sub's second element must be a map of variables"))?;
            let mut vars = BTreeMap::new();
            for (k, v) in map {
                vars.insert(k.clone(), r.resolve_string(v, &format!("{at}[1].{k}"))?);
            }
            (template, vars)
        }
        _ => return Err(malformed(at, "Sub takes a string or [string, {variables}]")),
    };
    render(&parse(template), |name| {
        if let Some(v) = vars.get(name) {
            return Ok(v.clone());
        }
        let value = match name.split_once('.') {
            // SAM's `${Function.Alias}` is a Ref, not an attribute.
            Some((_, "Alias")) => super::reference::lookup(r, name, at)?
                .ok_or_else(|| malformed(at, format!("`${{{name}}}` is AWS::NoValue")))?,
            Some((id, attr)) if !name.starts_with("AWS::") => {
                super::get_att::attribute(r, id, attr, at)?
            }
            _ => super::reference::lookup(r, name, at)?
                .ok_or_else(|| malformed(at, format!("`${{{name}}}` is AWS::NoValue")))?,
        };
        match value {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(malformed(
                at,
                format!("`${{{name}}}` is not a string (found {other}); Sub needs strings"),
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn string_form() {
        let f = Fixture::new();
        assert_eq!(
            f.ok("!Sub '${AWS::StackName}-${Stage}-${OrdersTable}'"),
            json!("app-dev-app-orders")
        );
        assert_eq!(
            f.ok("!Sub 'arn=${OrdersTable.Arn}'"),
            json!("arn=arn:aws:dynamodb:us-east-1:000000000000:table/app-orders")
        );
        assert_eq!(
            f.ok("Fn::Sub: 'keep ${!Literal} and ${!AWS::Region}'"),
            json!("keep ${Literal} and ${AWS::Region}")
        );
        assert_eq!(
            f.ok("!Sub 'no vars, open ${ brace'"),
            json!("no vars, open ${ brace")
        );
    }

    #[test]
    fn sam_alias_in_sub() {
        let f = Fixture::new();
        assert_eq!(
            f.ok("!Sub '${Fn.Alias}'"),
            json!("arn:aws:lambda:us-east-1:000000000000:function:app-Fn:live")
        );
    }

    #[test]
    fn list_form_variables_win() {
        let f = Fixture::new();
        assert_eq!(
            f.ok("!Sub ['${Stage}/${Name}/${Arn}', {Name: !Ref Stage, Stage: override, Arn: !GetAtt Fn.Arn}]"),
            json!("override/dev/arn:aws:lambda:us-east-1:000000000000:function:app-Fn")
        );
    }

    #[test]
    fn list_values_and_unknown_names_are_errors() {
        let f = Fixture::new();
        assert!(f.eval("!Sub '${Zones}'").is_err());
        assert!(f.eval("!Sub '${Nope}'").is_err());
        assert!(f.eval("!Sub [1, {}]").is_err());
    }

    #[test]
    fn parse_examples() {
        assert_eq!(
            parse("a${B}c${!D}"),
            vec![
                Part::Text("a".into()),
                Part::Var("B".into()),
                Part::Text("c".into()),
                Part::Escape,
                Part::Text("D}".into())
            ]
        );
    }

    proptest! {
        #[test]
        fn parse_round_trips(s in "[a-z$!{}. ]{0,40}") {
            prop_assert_eq!(source(&parse(&s)), s);
        }

        #[test]
        fn text_without_markers_renders_unchanged(s in "[a-z {}!.]{0,40}") {
            let rendered = render(&parse(&s), |_| Ok("X".to_string())).expect("no vars");
            prop_assert_eq!(rendered, s);
        }
    }
}
