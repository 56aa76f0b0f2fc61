//! Choice (<https://states-language.net/spec.html#choice-state>): the first rule that matches
//! picks `Next`; else `Default`; else `States.NoChoiceMatched`. Comparisons of mismatched types
//! are false; a `Variable` that names nothing is `States.Runtime` (except for `IsPresent`).

use crate::context::Ctx;
use crate::error::{names, StatesError};
use crate::fields::{Cx, Obj};
use crate::path::Path;
use crate::state::wait::parse_timestamp;
use serde_json::Value;
use std::cmp::Ordering;

/// A comparison operator family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `String*`.
    String,
    /// `Numeric*`.
    Numeric,
    /// `Boolean*`.
    Boolean,
    /// `Timestamp*`.
    Timestamp,
}

/// One operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<Family><Relation>`, with the accepted orderings.
    Compare(Family, &'static [Ordering]),
    /// `StringMatches`.
    Matches,
    /// `IsNull`.
    IsNull,
    /// `IsPresent`.
    IsPresent,
    /// `IsString`.
    IsString,
    /// `IsNumeric`.
    IsNumeric,
    /// `IsBoolean`.
    IsBoolean,
    /// `IsTimestamp`.
    IsTimestamp,
}

const EQ: &[Ordering] = &[Ordering::Equal];
const LT: &[Ordering] = &[Ordering::Less];
const GT: &[Ordering] = &[Ordering::Greater];
const LE: &[Ordering] = &[Ordering::Less, Ordering::Equal];
const GE: &[Ordering] = &[Ordering::Greater, Ordering::Equal];

fn operator(name: &str) -> Option<Op> {
    let fams = [
        ("String", Family::String),
        ("Numeric", Family::Numeric),
        ("Boolean", Family::Boolean),
        ("Timestamp", Family::Timestamp),
    ];
    let rels = [
        ("Equals", EQ),
        ("LessThan", LT),
        ("GreaterThan", GT),
        ("LessThanEquals", LE),
        ("GreaterThanEquals", GE),
    ];
    for (fname, fam) in fams {
        if let Some(rest) = name.strip_prefix(fname) {
            for (rname, rel) in rels {
                if rest == rname && (fam != Family::Boolean || rname == "Equals") {
                    return Some(Op::Compare(fam, rel));
                }
            }
        }
    }
    Some(match name {
        "StringMatches" => Op::Matches,
        "IsNull" => Op::IsNull,
        "IsPresent" => Op::IsPresent,
        "IsString" => Op::IsString,
        "IsNumeric" => Op::IsNumeric,
        "IsBoolean" => Op::IsBoolean,
        "IsTimestamp" => Op::IsTimestamp,
        _ => return None,
    })
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone)]
pub enum Operand {
    /// A literal.
    Value(Value),
    /// A `...Path` operator's path.
    Path(Path),
}

/// A Boolean expression.
#[derive(Debug, Clone)]
pub enum Rule {
    /// `And`.
    And(Vec<Rule>),
    /// `Or`.
    Or(Vec<Rule>),
    /// `Not`.
    Not(Box<Rule>),
    /// `Condition` of a JSONata rule.
    Condition(crate::jsonata::Template),
    /// `Variable` + operator.
    Compare {
        /// `Variable`.
        variable: Path,
        /// The operator.
        op: Op,
        /// Its operand.
        operand: Operand,
    },
}

/// A Choice state.
#[derive(Debug, Clone)]
pub struct Choice {
    /// `Choices`: rule and its `Next`.
    pub choices: Vec<(Rule, String)>,
    /// `Default`.
    pub default: Option<String>,
    /// Per rule (same order as `choices`): its own `Assign` and `Output` (JSONata).
    pub rule_fields: Vec<(
        Option<crate::field::assign::Assign>,
        Option<crate::jsonata::Template>,
    )>,
}

fn parse_condition(v: &Value, cx: &mut Cx, loc: &str) -> Option<(Rule, String, RuleFields)> {
    let Value::Object(map) = v else {
        cx.schema("A choice rule must be an object", loc);
        return None;
    };
    let o = Obj { map, loc };
    o.allow(cx, &["Condition", "Next", "Assign", "Output"]);
    let next = o.req_str(cx, "Next").unwrap_or_default();
    let cond = match o.get("Condition") {
        None => {
            cx.schema("These fields are required: [Condition]", loc);
            return None;
        }
        Some(Value::Bool(b)) => crate::jsonata::Template::Literal(Value::Bool(*b)),
        Some(Value::String(s)) if crate::jsonata::expression(s).is_some() => {
            crate::jsonata::Template::compile(&Value::String(s.clone()), cx, &o.at("Condition"))
        }
        Some(_) => {
            cx.schema(
                "The value of the field 'Condition' must be a boolean or a JSONata expression",
                &o.at("Condition"),
            );
            return None;
        }
    };
    let assign = crate::field::assign::Assign::parse(o, cx, true);
    let output = o
        .get("Output")
        .map(|v| crate::jsonata::Template::compile(v, cx, &o.at("Output")));
    Some((Rule::Condition(cond), next, (assign, output)))
}

type RuleFields = (
    Option<crate::field::assign::Assign>,
    Option<crate::jsonata::Template>,
);

impl Choice {
    /// Reads `Choices` and `Default`.
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Choice {
        let mut choices = Vec::new();
        let mut rule_fields = Vec::new();
        match o.arr(cx, "Choices") {
            Some(a) if !a.is_empty() => {
                for (i, v) in a.iter().enumerate() {
                    let loc = format!("{}/Choices[{i}]", o.loc);
                    if cx.jsonata {
                        if let Some((rule, next, fields)) = parse_condition(v, cx, &loc) {
                            choices.push((rule, next));
                            rule_fields.push(fields);
                        }
                        continue;
                    }
                    rule_fields.push((None, None));
                    if let Some(rule) = parse_rule(v, cx, &loc, true) {
                        let next = v
                            .get("Next")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string();
                        choices.push((rule, next));
                    }
                }
            }
            Some(_) => cx.schema("Choices must not be empty", &o.at("Choices")),
            None => cx.schema("These fields are required: [Choices]", o.loc),
        }
        Choice {
            choices,
            default: o.str(cx, "Default"),
            rule_fields,
        }
    }

    /// The name of the next state for this effective input.
    pub fn choose(&self, input: &Value, ctx: &Ctx) -> Result<String, StatesError> {
        self.choose_rule(input, ctx).map(|(next, _)| next)
    }

    /// The next state and the index of the matching rule (`None`: `Default`).
    pub fn choose_rule(
        &self,
        input: &Value,
        ctx: &Ctx,
    ) -> Result<(String, Option<usize>), StatesError> {
        for (i, (rule, next)) in self.choices.iter().enumerate() {
            if eval(rule, input, ctx)? {
                return Ok((next.clone(), Some(i)));
            }
        }
        let d = self.default.clone();
        d.map(|d| (d, None))
            .ok_or_else(|| StatesError::new(names::NO_CHOICE_MATCHED, "No Matches!"))
    }
}

fn parse_rule(v: &Value, cx: &mut Cx, loc: &str, top: bool) -> Option<Rule> {
    let Value::Object(map) = v else {
        cx.schema("A choice rule must be an object", loc);
        return None;
    };
    let o = Obj { map, loc };
    match (top, map.contains_key("Next")) {
        (true, false) => cx.schema("These fields are required: [Next]", loc),
        (false, true) => cx.schema(
            "The field \"Next\" is not supported by Step Functions",
            &o.at("Next"),
        ),
        _ => {}
    }
    let mut ops: Vec<(&String, &Value)> = map
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "Next" | "Variable" | "Comment"))
        .collect();
    if ops.len() != 1 {
        cx.schema(
            "A choice rule must have exactly one operator (or And, Or, Not)",
            loc,
        );
        return None;
    }
    let (name, operand) = ops.remove(0);
    let sub = |cx: &mut Cx, key: &str| -> Option<Vec<Rule>> {
        match operand {
            Value::Array(a) if !a.is_empty() => a
                .iter()
                .enumerate()
                .map(|(i, r)| parse_rule(r, cx, &format!("{loc}/{key}[{i}]"), false))
                .collect(),
            _ => {
                cx.schema(
                    format!("{key} must be a non-empty array of rules"),
                    &o.at(key),
                );
                None
            }
        }
    };
    match name.as_str() {
        "And" => return sub(cx, "And").map(Rule::And),
        "Or" => return sub(cx, "Or").map(Rule::Or),
        "Not" => {
            return parse_rule(operand, cx, &o.at("Not"), false).map(|r| Rule::Not(Box::new(r)))
        }
        _ => {}
    }
    let variable = match o.str(cx, "Variable") {
        Some(s) => match Path::parse(&s) {
            Ok(p) => p,
            Err(e) => {
                cx.schema(e, &o.at("Variable"));
                return None;
            }
        },
        None => {
            cx.schema("These fields are required: [Variable]", loc);
            return None;
        }
    };
    let (base, is_path) = match name.strip_suffix("Path") {
        Some(b)
            if operator(b).is_some_and(|op| {
                matches!(op, Op::Compare(..) | Op::Matches) && b != "StringMatches"
            }) =>
        {
            (b, true)
        }
        _ => (name.as_str(), false),
    };
    let Some(op) = operator(base) else {
        cx.schema(
            format!("The field \"{name}\" is not supported by Step Functions"),
            &o.at(name),
        );
        return None;
    };
    let operand = if is_path {
        match operand.as_str().map(Path::parse) {
            Some(Ok(p)) => Operand::Path(p),
            _ => {
                cx.schema(
                    format!("The value of {name} must be a valid JSONPath"),
                    &o.at(name),
                );
                return None;
            }
        }
    } else {
        let ok = match op {
            Op::Compare(Family::String, _) | Op::Matches => operand.is_string(),
            Op::Compare(Family::Numeric, _) => operand.is_number(),
            Op::Compare(Family::Timestamp, _) => {
                operand.as_str().and_then(parse_timestamp).is_some()
            }
            _ => operand.is_boolean(),
        };
        if !ok {
            cx.schema(
                format!("The value of {name} has the wrong type"),
                &o.at(name),
            );
            return None;
        }
        Operand::Value(operand.clone())
    };
    Some(Rule::Compare {
        variable,
        op,
        operand,
    })
}

fn eval(rule: &Rule, input: &Value, ctx: &Ctx) -> Result<bool, StatesError> {
    match rule {
        Rule::Condition(t) => match t.eval(&ctx.jsonata_env(), "Condition")? {
            Value::Bool(b) => Ok(b),
            v => Err(StatesError::query(
                "Condition",
                format!(
                    "The Condition '{}' returned {v}, which is not a boolean.",
                    match t {
                        crate::jsonata::Template::Expr(e) => e.as_str(),
                        _ => "",
                    }
                ),
            )),
        },
        Rule::And(rs) => {
            for r in rs {
                if !eval(r, input, ctx)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Rule::Or(rs) => {
            for r in rs {
                if eval(r, input, ctx)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Rule::Not(r) => Ok(!eval(r, input, ctx)?),
        Rule::Compare {
            variable,
            op,
            operand,
        } => {
            let value = variable.read(input, ctx);
            if *op == Op::IsPresent {
                return Ok(value.is_some() == (operand_bool(operand)));
            }
            let invalid = |p: &Path| {
                StatesError::runtime(format!("Invalid path '{}': The choice state's condition path references an invalid value.", p.text))
            };
            let value = value.ok_or_else(|| invalid(variable))?;
            let rhs = match operand {
                Operand::Value(v) => v.clone(),
                Operand::Path(p) => p.read(input, ctx).ok_or_else(|| invalid(p))?,
            };
            Ok(compare(*op, &value, &rhs))
        }
    }
}

fn operand_bool(o: &Operand) -> bool {
    matches!(o, Operand::Value(Value::Bool(true)))
}

fn compare(op: Op, v: &Value, rhs: &Value) -> bool {
    let want = rhs.as_bool() == Some(true);
    match op {
        Op::Compare(fam, rel) => {
            let ord = match (fam, v, rhs) {
                (Family::String, Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                (Family::Numeric, Value::Number(a), Value::Number(b)) => {
                    match (a.as_i64(), b.as_i64()) {
                        (Some(x), Some(y)) => Some(x.cmp(&y)),
                        _ => a
                            .as_f64()
                            .zip(b.as_f64())
                            .and_then(|(x, y)| x.partial_cmp(&y)),
                    }
                }
                (Family::Boolean, Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
                (Family::Timestamp, Value::String(a), Value::String(b)) => parse_timestamp(a)
                    .zip(parse_timestamp(b))
                    .map(|(x, y)| x.cmp(&y)),
                _ => None,
            };
            ord.is_some_and(|o| rel.contains(&o))
        }
        Op::Matches => match (v, rhs) {
            (Value::String(s), Value::String(p)) => wildcard(s, p),
            _ => false,
        },
        Op::IsNull => v.is_null() == want,
        Op::IsString => v.is_string() == want,
        Op::IsNumeric => v.is_number() == want,
        Op::IsBoolean => v.is_boolean() == want,
        Op::IsTimestamp => v.as_str().and_then(parse_timestamp).is_some() == want,
        Op::IsPresent => want,
    }
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literals.
pub fn wildcard(s: &str, pattern: &str) -> bool {
    enum Tok {
        Star,
        Ch(char),
    }
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => toks.push(Tok::Ch(it.next().unwrap_or('\\'))),
            '*' => toks.push(Tok::Star),
            c => toks.push(Tok::Ch(c)),
        }
    }
    let s: Vec<char> = s.chars().collect();
    // Iterative glob match with backtracking to the last star.
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match toks.get(j) {
            Some(Tok::Ch(c)) if *c == s[i] => {
                i += 1;
                j += 1;
            }
            Some(Tok::Star) => {
                star = Some((j, i));
                j += 1;
            }
            _ => match star {
                Some((sj, si)) => {
                    j = sj + 1;
                    i = si + 1;
                    star = Some((sj, si + 1));
                }
                None => return false,
            },
        }
    }
    toks[j..].iter().all(|t| matches!(t, Tok::Star))
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn string_matches_wildcards_and_escapes() {
        assert!(wildcard("log-2024.txt", "log-*.txt"));
        assert!(wildcard("a*b", "a\\*b"));
        assert!(!wildcard("axb", "a\\*b"));
        assert!(wildcard("", "*"));
        assert!(!wildcard("abc", "*d"));
        assert!(wildcard("abcabd", "*ab?d".replace('?', "").as_str()));
    }
}
