//! A Lambda function on the stock `lambda_runtime`, whose behaviour is chosen by its payload,
//! so the local Lambda service's tests drive a real process through the real Runtime API
//! client. Keys are applied in this order:
//!
//! - `"log": ["line", ...]`: prints each line on stdout (and `"stderr": [...]` on stderr);
//! - `"sleep_ms": n`: sleeps before answering (timeouts, concurrency);
//! - `"exit": code`: exits the process with that code mid-invocation (a crash);
//! - `"error": {"type": T, "message": M}`: fails the invocation with that errorType;
//! - `"repeat": n`: answers a JSON string of `n` "x" (response size limits);
//! - otherwise answers `{"echo": <payload>, "pid": <process id>, "version": ..., "env": {...}}`,
//!   where `env` holds the variables named in the payload's `"env": ["NAME", ...]`.
//!
//! With `TEST_INIT_ERROR` set, the process reports an init error to
//! `/2018-06-01/runtime/init/error` (what a runtime does when the handler cannot load) and exits.

use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::Duration;

async fn handler(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let payload = event.payload;
    for (key, mut out) in [("log", Out::Stdout), ("stderr", Out::Stderr)] {
        if let Some(lines) = payload.get(key).and_then(Value::as_array) {
            for line in lines {
                out.line(line.as_str().unwrap_or_default());
            }
        }
    }
    if let Some(ms) = payload.get("sleep_ms").and_then(Value::as_u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if let Some(code) = payload.get("exit").and_then(Value::as_i64) {
        std::process::exit(i32::try_from(code).unwrap_or(1));
    }
    if let Some(error) = payload.get("error") {
        let text = |key: &str| error.get(key).and_then(Value::as_str).unwrap_or_default();
        return Err(Diagnostic {
            error_type: text("type").to_owned(),
            error_message: text("message").to_owned(),
        });
    }
    if let Some(n) = payload.get("repeat").and_then(Value::as_u64) {
        return Ok(Value::String("x".repeat(usize::try_from(n).unwrap_or(0))));
    }
    let env: serde_json::Map<String, Value> = payload
        .get("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|name| {
            (
                name.to_owned(),
                std::env::var(name).map_or(Value::Null, Value::from),
            )
        })
        .collect();
    Ok(json!({
        "env": env,
        "echo": payload,
        "pid": std::process::id(),
        "version": std::env::var("AWS_LAMBDA_FUNCTION_VERSION").unwrap_or_default(),
        "requestId": event.context.request_id,
    }))
}

enum Out {
    Stdout,
    Stderr,
}

impl Out {
    fn line(&mut self, text: &str) {
        // Errors writing our own logs cannot be reported anywhere better than they are dropped.
        let _ = match self {
            Out::Stdout => writeln!(std::io::stdout(), "{text}"),
            Out::Stderr => writeln!(std::io::stderr(), "{text}"),
        };
    }
}

/// Posts an init error with a plain HTTP/1.1 request, as a runtime does before `/next`.
fn report_init_error(api: &str) -> std::io::Result<()> {
    let body = r#"{"errorType":"Runtime.HandlerNotFound","errorMessage":"init failed on purpose"}"#;
    let mut stream = std::net::TcpStream::connect(api)?;
    write!(
        stream,
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: {api}\r\n\
         Lambda-Runtime-Function-Error-Type: Runtime.HandlerNotFound\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    if std::env::var_os("TEST_INIT_ERROR").is_some() {
        let api = std::env::var("AWS_LAMBDA_RUNTIME_API")?;
        report_init_error(&api)?;
        std::process::exit(2);
    }
    if let Ok(line) = std::env::var("TEST_INIT_LOG") {
        println!("{line}");
    }
    lambda_runtime::run(service_fn(handler)).await
}
