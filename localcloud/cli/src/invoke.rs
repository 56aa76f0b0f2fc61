//! `localcloud invoke`: one invocation, as `sam local invoke` does it. Through a running `up`'s
//! Invoke API when one answers on the configured endpoint, else with the services started
//! in-process on a free port for this one call.

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use localcloud_lambda::InvocationType;
use localcloud_stack::Config;
use localcloud_stack::{self as stack, Options, Stack};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// What to invoke.
pub struct Args<'a> {
    /// Logical id or function name.
    pub function: &'a str,
    /// The event file (`-` for standard input); `None` sends `{}`.
    pub event: Option<&'a Path>,
    /// `--env-vars` file.
    pub env_vars: Option<&'a Path>,
}

/// The function's result: `Ok(true)` when the function succeeded.
pub async fn run(config: &Config, opts: &Options, args: &Args<'_>) -> Result<bool> {
    let payload = read_event(args.event)?;
    let env_vars = match args.env_vars {
        Some(p) => Some(localcloud_stack::env_vars::read_env_vars(p)?),
        None => None,
    };
    let port = config.ports.endpoint;
    if opts.port == 0 && port != 0 && up_is_answering(port).await {
        if env_vars.is_some() || !opts.overrides.is_empty() {
            bail!(
                "localcloud up is running on 127.0.0.1:{port}: --env-vars and --parameter-overrides \
                 need the functions started afresh; stop it (Ctrl-C) or leave those flags out"
            );
        }
        let model = stack::load_model(config, opts)?;
        let name = model
            .functions()
            .find(|f| f.logical_id == args.function || f.function_name == args.function)
            .map(|f| f.function_name.clone())
            .unwrap_or_else(|| args.function.to_owned());
        eprintln!("localcloud: invoking {name} through http://127.0.0.1:{port}");
        return invoke_remote(port, &name, payload).await;
    }
    let mut opts = opts.clone();
    opts.port = 0;
    opts.env_vars = env_vars;
    let stack = Stack::start(config, &opts).await?;
    let result = invoke_local(&stack, args.function, payload).await;
    stack.shutdown().await;
    result
}

fn read_event(event: Option<&Path>) -> Result<Bytes> {
    let text = match event {
        None => b"{}".to_vec(),
        Some(p) if p == Path::new("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .context("reading the event from standard input")?;
            buf
        }
        Some(p) => std::fs::read(p).with_context(|| format!("reading event {}", p.display()))?,
    };
    serde_json::from_slice::<Value>(&text).context("the event is not JSON")?;
    Ok(Bytes::from(text))
}

async fn up_is_answering(port: u16) -> bool {
    let probe = tokio::time::timeout(
        Duration::from_millis(500),
        tokio::net::TcpStream::connect(("127.0.0.1", port)),
    )
    .await;
    if !matches!(probe, Ok(Ok(_))) {
        return false;
    }
    match http(port, "GET", "/2015-03-31/functions/", Bytes::new(), &[]).await {
        Ok((200, _, body)) => serde_json::from_slice::<Value>(&body)
            .ok()
            .is_some_and(|v| v.get("Functions").is_some()),
        _ => false,
    }
}

type Reply = (u16, hyper::HeaderMap, Bytes);

pub(crate) async fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Bytes,
    headers: &[(&str, &str)],
) -> Result<Reply> {
    let client: Client<_, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut req = Request::builder()
        .method(method)
        .uri(format!("http://127.0.0.1:{port}{path}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(body)).context("building the request")?;
    let resp = client
        .request(req)
        .await
        .with_context(|| format!("calling 127.0.0.1:{port}{path}"))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .context("reading the response")?
        .to_bytes();
    Ok((status, headers, body))
}

/// One call of an AWS JSON protocol (`X-Amz-Target`) on the endpoint of a running `up`:
/// the status and the JSON answer.
pub(crate) async fn json_call(
    port: u16,
    target: &str,
    content_type: &str,
    body: &Value,
) -> Result<(u16, Value)> {
    let (status, _, reply) = http(
        port,
        "POST",
        "/",
        Bytes::from(body.to_string()),
        &[("x-amz-target", target), ("content-type", content_type)],
    )
    .await
    .map_err(|e| {
        anyhow::anyhow!(
            "{e:#}\nno localcloud answers on 127.0.0.1:{port}: start `localcloud up` first (or pass --port)"
        )
    })?;
    Ok((
        status,
        serde_json::from_slice(&reply).unwrap_or(Value::Null),
    ))
}

async fn invoke_remote(port: u16, name: &str, payload: Bytes) -> Result<bool> {
    let path = format!("/2015-03-31/functions/{name}/invocations");
    let (status, headers, body) = http(
        port,
        "POST",
        &path,
        payload,
        &[
            ("x-amz-log-type", "Tail"),
            ("content-type", "application/json"),
        ],
    )
    .await?;
    if let Some(log) = headers
        .get("x-amz-log-result")
        .and_then(|v| v.to_str().ok())
    {
        if let Ok(text) = base64::engine::general_purpose::STANDARD.decode(log) {
            eprint!("{}", String::from_utf8_lossy(&text));
        }
    }
    if status >= 300 {
        bail!(
            "Invoke answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let failed = headers.contains_key("x-amz-function-error");
    print_result(&body, failed)?;
    Ok(!failed)
}

async fn invoke_local(stack: &Stack, function: &str, payload: Bytes) -> Result<bool> {
    let name = stack.function_name(function).ok_or_else(|| {
        let known: Vec<String> = stack
            .functions
            .iter()
            .map(|f| f.logical_id.clone())
            .collect();
        let skipped = stack
            .skipped
            .iter()
            .find(|s| s.starts_with(&format!("{function}:")));
        match skipped {
            Some(why) => anyhow!("{function} cannot run here: {why}"),
            None => anyhow!(
                "no function {function} in the template (logical ids: {})",
                known.join(", ")
            ),
        }
    })?;
    let outcome = stack
        .lambda
        .invoke(&name, None, payload, InvocationType::RequestResponse)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let failed = outcome.function_error.is_some();
    print_result(&outcome.payload, failed)?;
    Ok(!failed)
}

fn print_result(payload: &[u8], failed: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(payload)?;
    out.write_all(b"\n")?;
    out.flush()?;
    if failed {
        let doc: Value = serde_json::from_slice(payload).unwrap_or(Value::Null);
        eprintln!(
            "localcloud: the function failed: {}: {}",
            doc.get("errorType")
                .and_then(Value::as_str)
                .unwrap_or("Unhandled"),
            doc.get("errorMessage")
                .and_then(Value::as_str)
                .unwrap_or("")
        );
    }
    Ok(())
}
