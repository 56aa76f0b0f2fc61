//! `cargo bench -p localcloud-lambda`: cold start (spawn to first `/next`, the REPORT line's
//! Init Duration) and warm invoke round trips of the release-built test function, through the
//! Invoke API over real HTTP/1.1 keep-alive on 127.0.0.1 and through the in-process API.
//! Prints figures; asserts nothing.

use axum::body::Bytes;
use localcloud_lambda::{FunctionConfig, InvocationType, LambdaService, LogSink, ServiceSettings};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

struct Discard;
impl LogSink for Discard {
    fn line(&self, _: &str, _: &str) {}
}

fn release_test_function() -> String {
    let exe = std::env::current_exe().expect("bench path");
    let target = exe
        .ancestors()
        .nth(3)
        .expect("target dir")
        .join("test-functions");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "localcloud-test-functions",
            "--target-dir",
        ])
        .arg(&target)
        .status()
        .expect("cargo build");
    assert!(status.success());
    target
        .join("release/payload-driven")
        .to_string_lossy()
        .into_owned()
}

fn percentiles(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    println!(
        "{label}: n={} p50={:?} p90={:?} p99={:?} max={:?}",
        samples.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        samples[samples.len() - 1]
    );
}

fn init_duration(tail: &str) -> Option<Duration> {
    let field = tail.split("Init Duration: ").nth(1)?;
    let ms: f64 = field.split(' ').next()?.parse().ok()?;
    Some(Duration::from_secs_f64(ms / 1000.0))
}

async fn http_invoke(
    stream: &mut BufReader<tokio::net::TcpStream>,
    addr: &str,
    body: &str,
) -> Vec<u8> {
    let request = format!(
        "POST /2015-03-31/functions/bench/invocations HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .await
        .expect("write");
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.expect("read");
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().expect("length");
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.expect("body");
    body
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let binary = release_test_function();
    let mut settings = ServiceSettings::new(Arc::new(Discard));
    settings.idle_reap_after = Duration::ZERO;
    let svc = LambdaService::new(vec![FunctionConfig::new("bench", vec![binary])], settings)
        .expect("service");

    let mut cold = Vec::new();
    let mut cold_round_trip = Vec::new();
    for _ in 0..30 {
        svc.reap_idle().await;
        let started = Instant::now();
        let outcome = svc
            .invoke(
                "bench",
                None,
                Bytes::from_static(b"{}"),
                InvocationType::RequestResponse,
            )
            .await
            .expect("invoke");
        cold_round_trip.push(started.elapsed());
        cold.push(init_duration(&outcome.log_tail).expect("cold start has Init Duration"));
    }
    percentiles("cold start, spawn to first /next (Init Duration)", cold);
    percentiles("cold invoke round trip, in-process API", cold_round_trip);

    let mut warm = Vec::new();
    for _ in 0..2000 {
        let started = Instant::now();
        svc.invoke(
            "bench",
            None,
            Bytes::from_static(b"{\"a\":1}"),
            InvocationType::RequestResponse,
        )
        .await
        .expect("invoke");
        warm.push(started.elapsed());
    }
    percentiles("warm invoke round trip, in-process API", warm);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let router = svc.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let mut stream = BufReader::new(
        tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect"),
    );
    let mut warm_http = Vec::new();
    for _ in 0..2000 {
        let started = Instant::now();
        let body = http_invoke(&mut stream, &addr, "{\"a\":1}").await;
        warm_http.push(started.elapsed());
        assert!(body.starts_with(b"{"));
    }
    percentiles(
        "warm invoke round trip, Invoke API over HTTP/1.1 keep-alive",
        warm_http,
    );
    svc.shutdown().await;
}
