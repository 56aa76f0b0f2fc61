//! Error handling (<https://states-language.net/spec.html#errors>): `Retry` and `Catch`.
//! Retriers are scanned in order and only the first whose `ErrorEquals` matches applies; when it
//! is exhausted, catchers are scanned in order. `States.ALL` must stand alone and last, and
//! matches every error except `States.Runtime` and `States.DataLimitExceeded`; in a Task,
//! `States.TaskFailed` matches every error except `States.Timeout` (and those two).

use crate::error::names;
use crate::field::assign::Assign;
use crate::field::result_path::ResultPath;
use crate::fields::{Cx, Obj};
use crate::jsonata;
use serde_json::Value;
use std::time::Duration;

/// One element of `Retry`.
#[derive(Debug, Clone)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: f64,
    /// `MaxAttempts` (default 3; 0 means never retry).
    pub max_attempts: u64,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`.
    pub max_delay_seconds: Option<f64>,
    /// `JitterStrategy: FULL`.
    pub full_jitter: bool,
}

/// One element of `Catch`.
#[derive(Debug, Clone)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `ResultPath` for the error output (default `$`).
    pub result_path: ResultPath,
    /// `Next`.
    pub next: String,
    /// `Assign`.
    pub assign: Option<Assign>,
    /// `Output` (JSONata; default `$states.errorOutput`).
    pub output: Option<jsonata::Template>,
}

/// Whether `error` matches a list of `ErrorEquals`.
pub fn matches(error_equals: &[String], error: &str) -> bool {
    let terminal = error == names::RUNTIME || error == names::DATA_LIMIT_EXCEEDED;
    error_equals.iter().any(|e| {
        e == error
            || (e == names::ALL && !terminal)
            || (e == names::TASK_FAILED
                && !terminal
                && error != names::TIMEOUT
                && error != names::HEARTBEAT_TIMEOUT)
    })
}

impl Retrier {
    /// Delay before retry number `attempt` (0-based): interval x rate^attempt, capped, jittered.
    pub fn delay(&self, attempt: u64) -> Duration {
        let exp = i32::try_from(attempt).unwrap_or(i32::MAX);
        let mut secs = self.interval_seconds * self.backoff_rate.powi(exp);
        if let Some(max) = self.max_delay_seconds {
            secs = secs.min(max);
        }
        // Clamp before jitter: an infinite interval times a zero draw would be NaN.
        secs = if secs.is_nan() {
            0.0
        } else {
            secs.clamp(0.0, 1.0e9)
        };
        if self.full_jitter {
            secs *= fastrand::f64();
        }
        Duration::from_secs_f64(secs)
    }
}

fn error_equals(o: Obj<'_>, cx: &mut Cx, last_of: bool) -> Vec<String> {
    let list: Vec<String> = match o.arr(cx, "ErrorEquals") {
        Some(a) if !a.is_empty() => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            cx.schema("ErrorEquals must not be empty", &o.at("ErrorEquals"));
            vec![]
        }
        None => {
            cx.schema("These fields are required: [ErrorEquals]", o.loc);
            vec![]
        }
    };
    if list.iter().any(|e| e == names::ALL) && (list.len() != 1 || !last_of) {
        cx.schema(
            "States.ALL must appear alone in the last element of the array",
            &o.at("ErrorEquals"),
        );
    }
    list
}

/// Reads `Retry` and `Catch` of a state.
pub fn parse(o: Obj<'_>, cx: &mut Cx) -> (Vec<Retrier>, Vec<Catcher>) {
    let mut retriers = Vec::new();
    let retry = o.arr(cx, "Retry").cloned().unwrap_or_default();
    for (i, v) in retry.iter().enumerate() {
        let loc = format!("{}/Retry[{i}]", o.loc);
        let Value::Object(map) = v else {
            cx.schema("A retrier must be an object", &loc);
            continue;
        };
        let r = Obj { map, loc: &loc };
        r.allow(
            cx,
            &[
                "ErrorEquals",
                "IntervalSeconds",
                "MaxAttempts",
                "BackoffRate",
                "MaxDelaySeconds",
                "JitterStrategy",
            ],
        );
        let backoff_rate = r.num(cx, "BackoffRate").unwrap_or(2.0);
        if backoff_rate < 1.0 {
            cx.schema(
                "BackoffRate must be greater than or equal to 1.0",
                &r.at("BackoffRate"),
            );
        }
        let interval_seconds = r.uint(cx, "IntervalSeconds").unwrap_or(1) as f64;
        if map.contains_key("IntervalSeconds") && interval_seconds < 1.0 {
            cx.schema(
                "IntervalSeconds must be a positive integer",
                &r.at("IntervalSeconds"),
            );
        }
        let full_jitter = match r.str(cx, "JitterStrategy").as_deref() {
            None | Some("NONE") => false,
            Some("FULL") => true,
            Some(other) => {
                cx.schema(
                    format!("JitterStrategy '{other}' is not FULL or NONE"),
                    &r.at("JitterStrategy"),
                );
                false
            }
        };
        retriers.push(Retrier {
            error_equals: error_equals(r, cx, i + 1 == retry.len()),
            interval_seconds,
            max_attempts: r.uint(cx, "MaxAttempts").unwrap_or(3),
            backoff_rate,
            max_delay_seconds: r.uint(cx, "MaxDelaySeconds").map(|n| n as f64),
            full_jitter,
        });
    }
    let mut catchers = Vec::new();
    let catch = o.arr(cx, "Catch").cloned().unwrap_or_default();
    for (i, v) in catch.iter().enumerate() {
        let loc = format!("{}/Catch[{i}]", o.loc);
        let Value::Object(map) = v else {
            cx.schema("A catcher must be an object", &loc);
            continue;
        };
        let c = Obj { map, loc: &loc };
        let jsonata_mode = cx.jsonata;
        if jsonata_mode {
            c.allow(cx, &["ErrorEquals", "Output", "Assign", "Next"]);
        } else {
            c.allow(cx, &["ErrorEquals", "ResultPath", "Assign", "Next"]);
        }
        catchers.push(Catcher {
            error_equals: error_equals(c, cx, i + 1 == catch.len()),
            result_path: if jsonata_mode {
                ResultPath::default()
            } else {
                ResultPath::parse(c, cx, "ResultPath")
            },
            next: c.req_str(cx, "Next").unwrap_or_default(),
            assign: Assign::parse(c, cx, jsonata_mode),
            output: c
                .get("Output")
                .filter(|_| jsonata_mode)
                .map(|v| jsonata::Template::compile(v, cx, &c.at("Output"))),
        });
    }
    (retriers, catchers)
}
