//! JSONata mode (<https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>):
//! `{% expr %}` strings evaluated by `jsonata-core` with `$states` (`input`, `result`,
//! `errorOutput`, `context`) and the workflow variables bound, plus the functions Step Functions
//! adds (`$partition`, `$range`, `$hash`, `$random` with an optional seed, `$uuid`, `$parse`);
//! `$eval` is not available, as in AWS.
//!
//! The evaluator holds its host functions in `Rc`, so it is not `Send`: every evaluation
//! builds one, uses it synchronously and drops it before returning (never across an `.await`).
//! Definitions keep the expression text (checked for syntax at create time) for the same reason.

use crate::error::StatesError;
use crate::fields::Cx;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError};
use jsonata_core::value::JValue;
use serde_json::{Map, Number, Value};
use sha2::Digest;

/// The expression inside `{% ... %}`, when `s` is one.
pub fn expression(s: &str) -> Option<&str> {
    s.strip_prefix("{%")?.strip_suffix("%}").map(str::trim)
}

/// Checks an expression's syntax at create time.
pub fn check(expr: &str) -> Result<(), String> {
    if expr.is_empty() {
        return Err("the expression is empty".into());
    }
    jsonata_core::parser::parse(expr)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A field of a JSONata state that takes a number or a `{% %}` expression, given as the string
/// `text`: the expression's text (reported when its syntax is wrong), or `None` with a report
/// when the string is not an expression (`expected` names the literal the field also takes).
pub(crate) fn expression_field(
    cx: &mut Cx,
    o: crate::fields::Obj<'_>,
    k: &str,
    text: &str,
    expected: &str,
) -> Option<String> {
    match expression(text) {
        Some(e) => {
            if let Err(msg) = check(e) {
                cx.schema(
                    format!("The value '{text}' is not a valid JSONata expression: {msg}"),
                    &o.at(k),
                );
            }
            Some(e.to_string())
        }
        None => {
            cx.schema(
                format!("The value of the field '{k}' must be {expected} or a JSONata expression"),
                &o.at(k),
            );
            None
        }
    }
}

/// What an expression sees: `$states` and the workflow variables visible in the state.
pub struct Env<'a> {
    /// The `$states` object.
    pub states: Value,
    /// The variables at state entry.
    pub vars: &'a Map<String, Value>,
}

/// A field value in a JSONata state: JSON whose `{% %}` strings are expressions.
#[derive(Debug, Clone)]
pub enum Template {
    /// A value without expressions.
    Literal(Value),
    /// A `{% %}` string.
    Expr(String),
    /// An object whose fields are templates.
    Object(Vec<(String, Template)>),
    /// An array whose elements are templates.
    Array(Vec<Template>),
}

impl Template {
    /// Compiles the value at `loc`, reporting bad expressions there.
    pub fn compile(v: &Value, cx: &mut Cx, loc: &str) -> Template {
        match v {
            Value::String(s) => match expression(s) {
                Some(e) => {
                    if let Err(msg) = check(e) {
                        cx.schema(
                            format!("The value '{s}' is not a valid JSONata expression: {msg}"),
                            loc,
                        );
                    }
                    Template::Expr(e.to_string())
                }
                None => Template::Literal(v.clone()),
            },
            Value::Object(m) => Template::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), Template::compile(v, cx, &format!("{loc}/{k}"))))
                    .collect(),
            ),
            Value::Array(a) => Template::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Template::compile(v, cx, &format!("{loc}[{i}]")))
                    .collect(),
            ),
            other => Template::Literal(other.clone()),
        }
    }

    /// Evaluates the template; `field` names it in error causes (e.g. `Output`).
    pub fn eval(&self, env: &Env<'_>, field: &str) -> Result<Value, StatesError> {
        Ok(match self {
            Template::Literal(v) => v.clone(),
            Template::Expr(e) => eval(e, env, field)?,
            Template::Object(fields) => {
                let mut m = Map::new();
                for (k, t) in fields {
                    m.insert(k.clone(), t.eval(env, field)?);
                }
                Value::Object(m)
            }
            Template::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|t| t.eval(env, field))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// Evaluates one expression. A failure or an undefined result is `States.QueryEvaluationError`.
pub fn eval(expr: &str, env: &Env<'_>, field: &str) -> Result<Value, StatesError> {
    let query = |cause: String| StatesError::query(field, cause);
    let ast = jsonata_core::parser::parse(expr).map_err(|e| {
        query(format!(
            "The JSONata expression '{expr}' specified for the field '{field}' is not valid: {e}"
        ))
    })?;
    let mut context = Context::new();
    context.bind("states".into(), JValue::from(env.states.clone()));
    for (k, v) in env.vars {
        context.bind(k.clone(), JValue::from(v.clone()));
    }
    let mut ev = Evaluator::with_context(context);
    register(&mut ev);
    match ev.evaluate(&ast, &JValue::Undefined) {
        Ok(JValue::Undefined) => Err(query(format!(
            "The JSONata expression '{expr}' specified for the field '{field}' returned nothing (undefined)."
        ))),
        Ok(v) => Ok(to_json(&v)),
        Err(e) => Err(query(format!(
            "An error occurred while evaluating the JSONata expression '{expr}' specified for the field '{field}': {}",
            e.message()
        ))),
    }
}

/// A JSONata value as JSON; whole numbers become integers, as AWS prints them.
pub fn to_json(v: &JValue) -> Value {
    match v {
        JValue::Number(n) => number(*n),
        JValue::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        JValue::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        other => Value::from(other),
    }
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

fn fail(name: &str, msg: impl std::fmt::Display) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("${name}: {msg}"))
}

fn arg(args: &[JValue], i: usize) -> Value {
    args.get(i).map(to_json).unwrap_or(Value::Null)
}

fn int_arg(name: &str, args: &[JValue], i: usize, what: &str) -> Result<i64, EvaluatorError> {
    match args.get(i) {
        Some(JValue::Number(n)) if n.fract() == 0.0 => Ok(*n as i64),
        _ => Err(fail(name, format!("the {what} must be an integer"))),
    }
}

/// A function added to the evaluator.
type HostFn = fn(&[JValue]) -> Result<JValue, EvaluatorError>;

/// Registers the functions Step Functions adds to JSONata, and removes `$eval`.
fn register(ev: &mut Evaluator) {
    let fns: [(&str, HostFn); 7] = [
        ("partition", partition),
        ("range", range),
        ("hash", hash),
        ("random", random),
        ("uuid", uuid_fn),
        ("parse", parse),
        ("eval", no_eval),
    ];
    for (name, f) in fns {
        if ev.register_fn(name, f).is_err() {
            // A built-in of that name ($random, $eval): replace it as AWS does.
            let _ = ev.register_fn_override(name, f);
        }
    }
}

fn partition(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let Value::Array(items) = arg(args, 0) else {
        return Err(fail("partition", "the first argument must be an array"));
    };
    let size = int_arg("partition", args, 1, "chunk size")?;
    if size <= 0 {
        return Err(fail(
            "partition",
            "the chunk size must be a positive integer",
        ));
    }
    let chunks: Vec<Value> = items
        .chunks(usize::try_from(size).unwrap_or(usize::MAX))
        .map(|c| Value::Array(c.to_vec()))
        .collect();
    Ok(JValue::from(Value::Array(chunks)))
}

fn range(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let start = int_arg("range", args, 0, "start")?;
    let end = int_arg("range", args, 1, "end")?;
    let step = int_arg("range", args, 2, "step")?;
    if step == 0 {
        return Err(fail("range", "the step must not be 0"));
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i <= end) || (step < 0 && i >= end) {
        if out.len() >= 1000 {
            return Err(fail("range", "the result may hold at most 1000 items"));
        }
        out.push(Value::from(i));
        i += step;
    }
    Ok(JValue::from(Value::Array(out)))
}

fn hash(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let (Value::String(data), Value::String(alg)) = (arg(args, 0), arg(args, 1)) else {
        return Err(fail("hash", "the data and the algorithm must be strings"));
    };
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let out = match alg.as_str() {
        "MD5" => format!("{:x}", md5::compute(data.as_bytes())),
        "SHA-1" => sha1_smol::Sha1::from(data.as_bytes()).digest().to_string(),
        "SHA-256" => hex(&sha2::Sha256::digest(data.as_bytes())),
        "SHA-384" => hex(&sha2::Sha384::digest(data.as_bytes())),
        "SHA-512" => hex(&sha2::Sha512::digest(data.as_bytes())),
        other => {
            return Err(fail(
                "hash",
                format!(
                    "the algorithm '{other}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
                ),
            ))
        }
    };
    Ok(JValue::from(out))
}

fn random(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let x = match args.first() {
        None | Some(JValue::Undefined) => fastrand::f64(),
        Some(JValue::Number(n)) if n.fract() == 0.0 => {
            fastrand::Rng::with_seed(*n as i64 as u64).f64()
        }
        Some(_) => return Err(fail("random", "the seed must be an integer")),
    };
    Ok(JValue::Number(x))
}

fn uuid_fn(_args: &[JValue]) -> Result<JValue, EvaluatorError> {
    Ok(JValue::from(uuid::Uuid::new_v4().to_string()))
}

fn parse(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let Value::String(s) = arg(args, 0) else {
        return Err(fail("parse", "the argument must be a string"));
    };
    serde_json::from_str::<Value>(&s)
        .map(JValue::from)
        .map_err(|e| fail("parse", format!("the string is not valid JSON: {e}")))
}

fn no_eval(_args: &[JValue]) -> Result<JValue, EvaluatorError> {
    Err(fail("eval", "not available in Step Functions; use $parse"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use serde_json::json;

    fn run(expr: &str) -> Result<Value, StatesError> {
        let vars = Map::new();
        eval(
            expr,
            &Env {
                states: json!({"input": {"a": [1, 2, 3]}}),
                vars: &vars,
            },
            "Output",
        )
    }

    #[test]
    fn functions_and_bindings() {
        assert_eq!(run("$sum($states.input.a)").unwrap(), json!(6));
        assert_eq!(
            run("$partition([1,2,3,4,5], 2)").unwrap(),
            json!([[1, 2], [3, 4], [5]])
        );
        assert_eq!(run("$range(0, 10, 5)").unwrap(), json!([0, 5, 10]));
        assert_eq!(run("$parse('{\"x\": 1}')").unwrap(), json!({"x": 1}));
        assert_eq!(run("$random(7) = $random(7)").unwrap(), json!(true));
        assert_eq!(run("$length($uuid())").unwrap(), json!(36));
        assert_eq!(
            run("$states.input.missing").unwrap_err().error,
            names::QUERY_EVALUATION_ERROR
        );
        assert!(run("$eval('1')").is_err());
    }
}
