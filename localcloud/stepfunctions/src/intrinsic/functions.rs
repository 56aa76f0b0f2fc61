//! Evaluation of every intrinsic function of the spec and the AWS guide
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html>).
//! Bad arguments fail with `States.IntrinsicFailure`; a path argument that names nothing fails
//! with `States.Runtime`, as a payload-template path does.

use super::parser::{Arg, Call};
use crate::context::Ctx;
use crate::error::StatesError;
use base64::Engine;
use serde_json::{Map, Number, Value};
use sha2::Digest;

/// The functions AWS implements, with their (min, max) argument counts.
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("States.Format", 1, usize::MAX),
    ("States.StringToJson", 1, 1),
    ("States.JsonToString", 1, 1),
    ("States.Array", 0, usize::MAX),
    ("States.ArrayPartition", 2, 2),
    ("States.ArrayContains", 2, 2),
    ("States.ArrayRange", 3, 3),
    ("States.ArrayGetItem", 2, 2),
    ("States.ArrayLength", 1, 1),
    ("States.ArrayUnique", 1, 1),
    ("States.Base64Encode", 1, 1),
    ("States.Base64Decode", 1, 1),
    ("States.Hash", 2, 2),
    ("States.JsonMerge", 3, 3),
    ("States.MathRandom", 2, 3),
    ("States.MathAdd", 2, 2),
    ("States.StringSplit", 2, 2),
    ("States.UUID", 0, 0),
];

/// Checks names and argument counts of a call tree (definition-time validation).
pub fn check(call: &Call) -> Result<(), String> {
    let Some((_, min, max)) = FUNCTIONS.iter().find(|(n, _, _)| *n == call.name) else {
        return Err(format!("The function '{}' is not supported", call.name));
    };
    if call.args.len() < *min || call.args.len() > *max {
        return Err(format!(
            "The function '{}' was given {} arguments",
            call.name,
            call.args.len()
        ));
    }
    for a in &call.args {
        if let Arg::Call(c) = a {
            check(c)?;
        }
    }
    Ok(())
}

/// Evaluates a call against the effective input and the context object. `field` names the
/// payload-template field, for causes.
pub fn eval(call: &Call, input: &Value, ctx: &Ctx, field: &str) -> Result<Value, StatesError> {
    let mut args = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(match a {
            Arg::Str(chars) => Value::String(chars.iter().map(|c| c.ch).collect()),
            Arg::Num(n) => Value::Number(n.clone()),
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Null => Value::Null,
            Arg::Path(p) => p.read(input, ctx).ok_or_else(|| {
                StatesError::runtime(format!(
                    "The JsonPath argument for the field '{field}' could not be found in the input '{input}'"
                ))
            })?,
            Arg::Call(c) => eval(c, input, ctx, field)?,
        });
    }
    let fail = |detail: String| {
        StatesError::intrinsic(format!("Invalid arguments in {}: {detail}", call.name))
    };
    match call.name.as_str() {
        "States.Format" => format(call, &args).map_err(fail),
        "States.StringToJson" => {
            let s = string(&args[0]).map_err(fail)?;
            serde_json::from_str(s).map_err(|e| fail(format!("the string is not JSON ({e})")))
        }
        "States.JsonToString" => Ok(Value::String(args[0].to_string())),
        "States.Array" => Ok(Value::Array(args)),
        "States.ArrayPartition" => {
            let arr = array(&args[0]).map_err(fail)?;
            let size = int(&args[1]).map_err(fail)?;
            if size <= 0 {
                return Err(fail("the chunk size must be greater than 0".into()));
            }
            let chunks = arr.chunks(usize::try_from(size).unwrap_or(usize::MAX));
            Ok(Value::Array(
                chunks.map(|c| Value::Array(c.to_vec())).collect(),
            ))
        }
        "States.ArrayContains" => Ok(Value::Bool(
            array(&args[0]).map_err(fail)?.contains(&args[1]),
        )),
        "States.ArrayRange" => {
            let (start, end, step) = (
                int(&args[0]).map_err(fail)?,
                int(&args[1]).map_err(fail)?,
                int(&args[2]).map_err(fail)?,
            );
            if step == 0 {
                return Err(fail("the step must not be 0".into()));
            }
            let mut out = Vec::new();
            let mut v = start;
            while (step > 0 && v <= end) || (step < 0 && v >= end) {
                if out.len() == 1000 {
                    return Err(fail("the range would have more than 1000 elements".into()));
                }
                out.push(Value::from(v));
                v = v.saturating_add(step);
                if v == i64::MAX || v == i64::MIN {
                    break;
                }
            }
            Ok(Value::Array(out))
        }
        "States.ArrayGetItem" => {
            let arr = array(&args[0]).map_err(fail)?;
            let idx = int(&args[1]).map_err(fail)?;
            usize::try_from(idx)
                .ok()
                .and_then(|i| arr.get(i))
                .cloned()
                .ok_or_else(|| fail(format!("the index {idx} is out of bounds")))
        }
        "States.ArrayLength" => Ok(Value::from(array(&args[0]).map_err(fail)?.len())),
        "States.ArrayUnique" => {
            let mut out: Vec<Value> = Vec::new();
            for v in array(&args[0]).map_err(fail)? {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Ok(Value::Array(out))
        }
        "States.Base64Encode" => {
            let s = string(&args[0]).map_err(fail)?;
            if s.chars().count() > 10_000 {
                return Err(fail("the input is longer than 10000 characters".into()));
            }
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(s),
            ))
        }
        "States.Base64Decode" => {
            let s = string(&args[0]).map_err(fail)?;
            if s.chars().count() > 10_000 {
                return Err(fail("the input is longer than 10000 characters".into()));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|e| fail(format!("the input is not base64 ({e})")))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| fail("the decoded bytes are not UTF-8".into()))
        }
        "States.Hash" => {
            let data = match &args[0] {
                Value::String(s) => s.clone(),
                Value::Null => return Err(fail("the data must not be null".into())),
                other => other.to_string(),
            };
            let algo = string(&args[1]).map_err(fail)?;
            let hex = match algo {
                "MD5" => format!("{:x}", md5::compute(data.as_bytes())),
                "SHA-1" => sha1_smol::Sha1::from(data.as_bytes()).digest().to_string(),
                "SHA-256" => hex(&sha2::Sha256::digest(data.as_bytes())),
                "SHA-384" => hex(&sha2::Sha384::digest(data.as_bytes())),
                "SHA-512" => hex(&sha2::Sha512::digest(data.as_bytes())),
                other => return Err(fail(format!("the hash algorithm '{other}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"))),
            };
            Ok(Value::String(hex))
        }
        "States.JsonMerge" => {
            let (Value::Object(a), Value::Object(b)) = (&args[0], &args[1]) else {
                return Err(fail("both values must be JSON objects".into()));
            };
            if args[2] != Value::Bool(false) {
                return Err(fail(
                    "deep merge is not supported; the third argument must be false".into(),
                ));
            }
            let mut out: Map<String, Value> = a.clone();
            for (k, v) in b {
                out.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(out))
        }
        "States.MathRandom" => {
            let (start, end) = (int(&args[0]).map_err(fail)?, int(&args[1]).map_err(fail)?);
            if start >= end {
                return Err(fail("the start must be less than the end".into()));
            }
            let mut rng = match args.get(2) {
                Some(seed) => fastrand::Rng::with_seed(int(seed).map_err(fail)? as u64),
                None => fastrand::Rng::new(),
            };
            Ok(Value::from(rng.i64(start..end)))
        }
        "States.MathAdd" => {
            let (a, b) = (int(&args[0]).map_err(fail)?, int(&args[1]).map_err(fail)?);
            a.checked_add(b)
                .map(Value::from)
                .ok_or_else(|| fail("the sum overflows".into()))
        }
        "States.StringSplit" => {
            let s = string(&args[0]).map_err(fail)?;
            let delims: Vec<char> = string(&args[1]).map_err(fail)?.chars().collect();
            Ok(Value::Array(
                s.split(|c| delims.contains(&c))
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.to_string()))
                    .collect(),
            ))
        }
        "States.UUID" => Ok(Value::String(uuid::Uuid::new_v4().to_string())),
        other => Err(StatesError::intrinsic(format!(
            "The function '{other}' is not supported"
        ))),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn string(v: &Value) -> Result<&str, String> {
    v.as_str()
        .ok_or_else(|| format!("expected a string but got {v}"))
}

fn array(v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected an array but got {v}"))
}

fn int(v: &Value) -> Result<i64, String> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .ok_or_else(|| format!("expected an integer but got {n}")),
        other => Err(format!("expected an integer but got {other}")),
    }
}

fn format(call: &Call, args: &[Value]) -> Result<Value, String> {
    let Some(Arg::Str(template)) = call.args.first() else {
        return Err("the first argument must be a string literal".into());
    };
    let mut out = String::new();
    let mut next = 1;
    let mut i = 0;
    while i < template.len() {
        let c = &template[i];
        let closes = template
            .get(i + 1)
            .is_some_and(|n| n.ch == '}' && !n.escaped);
        if c.ch == '{' && !c.escaped && closes {
            let v = args.get(next).ok_or("more placeholders than arguments")?;
            match v {
                Value::String(s) => out.push_str(s),
                Value::Number(n) => out.push_str(&number_text(n)),
                Value::Bool(_) | Value::Null => out.push_str(&v.to_string()),
                _ => {
                    return Err(
                        "only string, number, boolean and null values can be formatted".into(),
                    )
                }
            }
            next += 1;
            i += 2;
        } else {
            out.push(c.ch);
            i += 1;
        }
    }
    if next != args.len() {
        return Err("the number of arguments does not match the number of placeholders".into());
    }
    Ok(Value::String(out))
}

fn number_text(n: &Number) -> String {
    n.to_string()
}
