//! Wait (<https://states-language.net/spec.html#wait-state>): delays for `Seconds`, until a
//! `Timestamp`, or for/until a value read with `SecondsPath`/`TimestampPath`. Sleeping goes
//! through the injected [`Clock`](crate::clock::Clock).

use crate::context::Ctx;
use crate::error::StatesError;
use crate::fields::{Cx, Obj};
use crate::path::Path;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::time::Duration;

/// Fields a Wait state may carry besides the common ones.
pub const FIELDS: &[&str] = &["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];

/// How long to wait.
#[derive(Debug, Clone)]
pub enum Wait {
    /// `Seconds`.
    Seconds(u64),
    /// `Timestamp`.
    Timestamp(DateTime<Utc>),
    /// `SecondsPath`.
    SecondsPath(Path),
    /// `TimestampPath`.
    TimestampPath(Path),
    /// `Seconds` as a JSONata expression.
    SecondsExpr(String),
    /// `Timestamp` as a JSONata expression.
    TimestampExpr(String),
}

fn expr_field(o: Obj<'_>, cx: &mut Cx, k: &str) -> Option<String> {
    let text = o.get(k)?.as_str()?;
    let e = crate::jsonata::expression(text)?;
    if let Err(msg) = crate::jsonata::check(e) {
        cx.schema(
            format!("The value '{text}' is not a valid JSONata expression: {msg}"),
            &o.at(k),
        );
    }
    Some(e.to_string())
}

/// Parses an RFC 3339 timestamp as the spec requires (an uppercase `T` and a zone).
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    if !s.contains('T') {
        return None;
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

impl Wait {
    /// Reads exactly one of the four fields.
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Wait {
        let present: Vec<&&str> = FIELDS.iter().filter(|f| o.get(f).is_some()).collect();
        if present.len() != 1 {
            cx.schema("A Wait state must have exactly one of Seconds, Timestamp, SecondsPath, TimestampPath", o.loc);
            return Wait::Seconds(0);
        }
        if cx.jsonata {
            match *present[0] {
                "Seconds" => {
                    if let Some(e) = expr_field(o, cx, "Seconds") {
                        return Wait::SecondsExpr(e);
                    }
                }
                "Timestamp" => {
                    if let Some(e) = expr_field(o, cx, "Timestamp") {
                        return Wait::TimestampExpr(e);
                    }
                }
                _ => {}
            }
        }
        match *present[0] {
            "Seconds" => Wait::Seconds(o.uint(cx, "Seconds").unwrap_or(0)),
            "Timestamp" => match o.str(cx, "Timestamp").as_deref().map(parse_timestamp) {
                Some(Some(t)) => Wait::Timestamp(t),
                Some(None) => {
                    cx.schema(
                        "The value of the field 'Timestamp' must be an RFC3339 timestamp",
                        &o.at("Timestamp"),
                    );
                    Wait::Seconds(0)
                }
                None => Wait::Seconds(0),
            },
            "SecondsPath" => o
                .ref_path(cx, "SecondsPath")
                .map(Wait::SecondsPath)
                .unwrap_or(Wait::Seconds(0)),
            _ => o
                .ref_path(cx, "TimestampPath")
                .map(Wait::TimestampPath)
                .unwrap_or(Wait::Seconds(0)),
        }
    }

    /// How long to sleep from `now`, given the effective input.
    pub fn duration(
        &self,
        input: &Value,
        ctx: &Ctx,
        now: DateTime<Utc>,
    ) -> Result<Duration, StatesError> {
        let until = |t: DateTime<Utc>| (t - now).to_std().unwrap_or(Duration::ZERO);
        match self {
            Wait::Seconds(s) => Ok(Duration::from_secs(*s)),
            Wait::Timestamp(t) => Ok(until(*t)),
            Wait::SecondsPath(p) => match p.read(input, ctx) {
                Some(Value::Number(n)) if n.as_u64().is_some() => Ok(Duration::from_secs(n.as_u64().unwrap_or(0))),
                Some(v) => Err(StatesError::runtime(format!(
                    "The SecondsPath parameter does not reference a valid integer value: {v}"
                ))),
                None => Err(StatesError::runtime(format!("Invalid path '{}': The SecondsPath path references an invalid value.", p.text))),
            },
            Wait::SecondsExpr(e) => {
                match crate::jsonata::eval(e, &ctx.jsonata_env(), "Seconds")? {
                    Value::Number(n) if n.as_u64().is_some() => Ok(Duration::from_secs(n.as_u64().unwrap_or(0))),
                    v => Err(StatesError::query(
                        "Seconds",
                        format!("The JSONata expression '{e}' specified for the field 'Seconds' returned {v}, which is not a non-negative integer."),
                    )),
                }
            }
            Wait::TimestampExpr(e) => {
                match crate::jsonata::eval(e, &ctx.jsonata_env(), "Timestamp")? {
                    Value::String(s) if parse_timestamp(&s).is_some() => Ok(parse_timestamp(&s).map(until).unwrap_or(Duration::ZERO)),
                    v => Err(StatesError::query(
                        "Timestamp",
                        format!("The JSONata expression '{e}' specified for the field 'Timestamp' returned {v}, which is not an RFC3339 timestamp."),
                    )),
                }
            }
            Wait::TimestampPath(p) => match p.read(input, ctx) {
                Some(Value::String(s)) => parse_timestamp(&s).map(until).ok_or_else(|| {
                    StatesError::runtime(format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {s}"))
                }),
                Some(v) => Err(StatesError::runtime(format!(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {v}"
                ))),
                None => Err(StatesError::runtime(format!("Invalid path '{}': The TimestampPath path references an invalid value.", p.text))),
            },
        }
    }
}
