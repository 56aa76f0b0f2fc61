//! The `Conditions` section (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html>):
//! `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and `Condition: Name` references, evaluated once
//! at load time against the parameters.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{malformed, Result, TemplateError};
use crate::intrinsic::Resolver;

/// Evaluates every condition. `r` resolves `Ref`/`FindInMap` inside `Fn::Equals` (it has no
/// conditions itself: `Fn::If` is not allowed in conditions).
pub(crate) fn evaluate(
    section: Option<&Value>,
    r: &Resolver<'_>,
) -> Result<BTreeMap<String, bool>> {
    let empty = serde_json::Map::new();
    let declared = match section {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err(malformed("Conditions", "must be a mapping")),
    };
    let mut eval = Eval {
        declared,
        r,
        done: BTreeMap::new(),
        stack: Vec::new(),
    };
    for name in declared.keys() {
        eval.named(name, "Conditions")?;
    }
    Ok(eval.done)
}

struct Eval<'a, 'r> {
    declared: &'a serde_json::Map<String, Value>,
    r: &'a Resolver<'r>,
    done: BTreeMap<String, bool>,
    stack: Vec<String>,
}

impl Eval<'_, '_> {
    fn named(&mut self, name: &str, at: &str) -> Result<bool> {
        if let Some(v) = self.done.get(name) {
            return Ok(*v);
        }
        let body = self
            .declared
            .get(name)
            .ok_or_else(|| TemplateError::UnknownCondition {
                at: at.to_string(),
                name: name.to_string(),
            })?;
        if self.stack.iter().any(|n| n == name) {
            let mut chain = self.stack.clone();
            chain.push(name.to_string());
            return Err(TemplateError::Cycle {
                at: format!("Conditions.{name}"),
                chain: chain.join(" -> "),
            });
        }
        self.stack.push(name.to_string());
        let value = self.expr(body, &format!("Conditions.{name}"));
        self.stack.pop();
        let value = value?;
        self.done.insert(name.to_string(), value);
        Ok(value)
    }

    fn expr(&mut self, v: &Value, at: &str) -> Result<bool> {
        let map = v.as_object().filter(|m| m.len() == 1).ok_or_else(|| {
            malformed(
                at,
                "a condition is one of Fn::Equals/And/Or/Not or Condition",
            )
        })?;
        let Some((key, arg)) = map.iter().next() else {
            return Err(malformed(at, "empty condition"));
        };
        let at = format!("{at}.{key}");
        match key.as_str() {
            "Condition" => {
                let name = arg
                    .as_str()
                    .ok_or_else(|| malformed(&at, "Condition takes a condition name"))?;
                self.named(name, &at)
            }
            "Fn::Equals" => {
                let Some([a, b]) = arg.as_array().map(Vec::as_slice) else {
                    return Err(malformed(&at, "Equals takes two values"));
                };
                let a = self.r.resolve_value(a, &format!("{at}[0]"))?;
                let b = self.r.resolve_value(b, &format!("{at}[1]"))?;
                Ok(scalar(&a) == scalar(&b))
            }
            "Fn::Not" => {
                let Some([inner]) = arg.as_array().map(Vec::as_slice) else {
                    return Err(malformed(&at, "Not takes a list of one condition"));
                };
                Ok(!self.expr(inner, &format!("{at}[0]"))?)
            }
            "Fn::And" | "Fn::Or" => {
                let items = arg
                    .as_array()
                    .filter(|a| (2..=10).contains(&a.len()))
                    .ok_or_else(|| malformed(&at, "And/Or take 2 to 10 conditions"))?;
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    values.push(self.expr(item, &format!("{at}[{i}]"))?);
                }
                Ok(if key == "Fn::And" {
                    values.iter().all(|v| *v)
                } else {
                    values.iter().any(|v| *v)
                })
            }
            _ => Err(malformed(
                &at,
                format!("`{key}` is not a condition function"),
            )),
        }
    }
}

/// CloudFormation compares strings: `Fn::Equals [!Ref Count, 1]` is true for `"1"`.
fn scalar(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intrinsic::testing::Fixture;
    use crate::physical::CloudFormationNames;

    fn eval(yaml: &str) -> Result<BTreeMap<String, bool>> {
        let f = Fixture::new();
        let none = BTreeMap::new();
        let r = Resolver::new(
            &f.stack,
            &f.params,
            &none,
            Some(&f.mappings),
            &f.resources,
            &CloudFormationNames,
        );
        let v = crate::yaml::parse_str(yaml, std::path::Path::new("t.yaml"))?;
        evaluate(Some(&v), &r)
    }

    #[test]
    fn equals_and_or_not_and_references() {
        let c = eval(
            "IsDev: !Equals [!Ref Stage, dev]\n\
             IsProd: !Equals [prod, !Ref Stage]\n\
             NotProd: !Not [!Condition IsProd]\n\
             Both: !And [!Condition IsDev, {Condition: NotProd}]\n\
             Either: !Or [!Condition IsProd, !Equals [1, '1']]\n\
             FromMap: !Equals [!FindInMap [Sizes, dev, Memory], 128]\n",
        )
        .expect("evaluates");
        assert!(
            c["IsDev"] && !c["IsProd"] && c["NotProd"] && c["Both"] && c["Either"] && c["FromMap"]
        );
    }

    #[test]
    fn cycles_and_unknown_names_are_errors() {
        assert!(matches!(
            eval("A: !Condition B\nB: !Not [!Condition A]\n"),
            Err(TemplateError::Cycle { .. })
        ));
        assert!(matches!(
            eval("A: !Not [!Condition Missing]\n"),
            Err(TemplateError::UnknownCondition { .. })
        ));
        assert!(eval("A: !And [!Condition A]\n").is_err());
    }
}
