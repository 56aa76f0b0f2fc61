//! localcloud side by side with its peers, in one run, with the same client on both sides:
//!
//! - a) DynamoDB PutItem then GetItem (aws-sdk-dynamodb): localcloud's endpoint vs `moto_server`,
//!   sequential, with `BENCH_CONCURRENCY` requests in flight, and sequential again with the client
//!   on a current-thread runtime.
//! - b) a warm Lambda invoke of the validate-order binary through the Invoke API (plain hyper):
//!   localcloud vs `cargo lambda watch` serving the same crate.
//! - c) Step Functions: `pass-choice.asl.json` (10 Pass/Choice states) on localcloud vs
//!   `moto_server` with its state machine interpreter on (`execute_state_machine`), executions
//!   started and polled to the end by `BENCH_CONCURRENCY` workers (aws-sdk-sfn).
//! - d) `localcloud up --no-build` to its `Ready` line, a few runs (and `moto_server` to its first
//!   answer, for scale).
//! - e) the API stage's `GET /dev/profiles/{id}` (Cognito authorizer + VTL + GetItem) vs the same
//!   GetItem sent straight to the endpoint.
//! - f) cold starts, spawn to ready (REPORT `Init Duration`), of the Rust validate-order function
//!   and of the Java 21 charge variant, from invokes sent at once (each needs an environment).
//!
//! Not a test, and not run by `cargo test` or CI: `scripts/bench.sh` starts the servers and runs
//! this with their addresses in the environment (`BENCH_*`, see [`Settings::from_env`]); a
//! section whose servers are not given is skipped. Progress goes to stderr, the table of figures
//! to stdout.

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use aws_sdk_sfn::types::{ExecutionStatus, StateMachineType};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Res<T> = Result<T, BoxError>;
type Http = HttpClient<HttpConnector, Full<Bytes>>;

/// Execution names: unique within a run (moto 5.2.5 names every unnamed execution `None`, so
/// the second unnamed StartExecution fails with ExecutionAlreadyExists).
static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
const WORKFLOW: &str = include_str!("pass-choice.asl.json");
/// States every benchmark input enters (see the workflow's Comment); checked against the
/// execution history of one execution on each side.
const WORKFLOW_PATH_LEN: usize = 8;

/// What the run is pointed at; every field comes from a `BENCH_*` variable.
struct Settings {
    /// Measured time of each timed phase (`BENCH_SECONDS`, default 5).
    seconds: Duration,
    /// Requests or executions in flight in the concurrent phases (`BENCH_CONCURRENCY`, 16).
    concurrency: usize,
    /// `BENCH_LOCALCLOUD_ENDPOINT`: `http://127.0.0.1:N` of a running `localcloud up`.
    lc_endpoint: Option<String>,
    /// `BENCH_LOCALCLOUD_API`: its API stage, `http://127.0.0.1:M/dev/`.
    lc_api: Option<String>,
    /// `BENCH_LOCALCLOUD_TOKEN`: an ID token of its user pool (`localcloud token`).
    lc_token: Option<String>,
    /// `BENCH_LOCALCLOUD_FUNCTION`: the validate-order function's name there.
    lc_function: String,
    /// `BENCH_LOCALCLOUD_BIN`: the `localcloud` binary, for the `up` runs.
    lc_bin: Option<PathBuf>,
    /// `BENCH_UP_RUNS`: how many `up` runs (default 5).
    up_runs: usize,
    /// `BENCH_MOTO_ENDPOINT`: `http://127.0.0.1:P` of a running `moto_server`.
    moto_endpoint: Option<String>,
    /// `BENCH_DYNOXIDE_ENDPOINT`: `http://127.0.0.1:P` of dynoxide's own server alone (the
    /// `dynoxide_server` example of localcloud-dynamodb), the ceiling for section a).
    dynoxide_endpoint: Option<String>,
    /// `BENCH_MOTO_SERVER_BIN`: `moto_server`, for its start-up time.
    moto_bin: Option<PathBuf>,
    /// `BENCH_CARGO_LAMBDA_ENDPOINT`: `http://127.0.0.1:Q` of `cargo lambda watch`.
    cl_endpoint: Option<String>,
    /// `BENCH_CARGO_LAMBDA_FUNCTION`: the function name there (the binary's name).
    cl_function: String,
    /// `BENCH_LAMBDA_EVENT`: the invoke payload.
    event: PathBuf,
    /// `BENCH_PROFILES_TABLE`: the profiles table of the stack.
    profiles_table: String,
    /// The repository (where `up` runs).
    repo: PathBuf,
    /// `BENCH_ONLY`: the sections to run (`a,b`); all when unset.
    only: Option<Vec<String>>,
}

impl Settings {
    /// Whether section `id` (`a`..`e`) is to run.
    fn runs(&self, id: &str) -> bool {
        self.only.as_ref().is_none_or(|o| o.iter().any(|x| x == id))
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Settings {
    fn from_env() -> Res<Settings> {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .canonicalize()?;
        let seconds: f64 = var("BENCH_SECONDS").map_or(Ok(5.0), |s| s.parse())?;
        Ok(Settings {
            seconds: Duration::from_secs_f64(seconds),
            concurrency: var("BENCH_CONCURRENCY").map_or(Ok(16), |s| s.parse())?,
            lc_endpoint: var("BENCH_LOCALCLOUD_ENDPOINT"),
            lc_api: var("BENCH_LOCALCLOUD_API"),
            lc_token: var("BENCH_LOCALCLOUD_TOKEN"),
            lc_function: var("BENCH_LOCALCLOUD_FUNCTION")
                .unwrap_or_else(|| "serverless-orders-ValidateOrderFunction".to_owned()),
            lc_bin: var("BENCH_LOCALCLOUD_BIN").map(PathBuf::from),
            up_runs: var("BENCH_UP_RUNS").map_or(Ok(5), |s| s.parse())?,
            moto_endpoint: var("BENCH_MOTO_ENDPOINT"),
            dynoxide_endpoint: var("BENCH_DYNOXIDE_ENDPOINT"),
            moto_bin: var("BENCH_MOTO_SERVER_BIN").map(PathBuf::from),
            cl_endpoint: var("BENCH_CARGO_LAMBDA_ENDPOINT"),
            cl_function: var("BENCH_CARGO_LAMBDA_FUNCTION")
                .unwrap_or_else(|| "validate-order".to_owned()),
            event: var("BENCH_LAMBDA_EVENT").map_or_else(
                || repo.join("events/validate-order/valid.json"),
                PathBuf::from,
            ),
            profiles_table: var("BENCH_PROFILES_TABLE")
                .unwrap_or_else(|| "serverless-orders-profiles".to_owned()),
            repo,
            only: var("BENCH_ONLY").map(|v| v.split(',').map(|s| s.trim().to_owned()).collect()),
        })
    }
}

// --- figures -----------------------------------------------------------------------------------

/// Latencies of one kind of request.
#[derive(Default)]
struct Lat(Vec<Duration>);

impl Lat {
    fn merge(&mut self, other: Lat) {
        self.0.extend(other.0);
    }
    /// Nearest-rank percentile, in milliseconds.
    fn pct(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut v = self.0.clone();
        v.sort_unstable();
        let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
        v[rank.clamp(1, v.len()) - 1].as_secs_f64() * 1e3
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Which way is better for a figure.
#[derive(Clone, Copy)]
enum Better {
    Higher,
    Lower,
}

/// One line of the table.
struct Row {
    what: String,
    lc: String,
    peer_name: String,
    peer: String,
    ratio: String,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
    notes: Vec<String>,
}

fn fmt_num(v: f64, unit: &str) -> String {
    if v.is_nan() {
        return "-".to_owned();
    }
    match unit {
        "ms" => format!("{v:.3} ms"),
        "/s" if v >= 100.0 => format!("{v:.0} /s"),
        "/s" => format!("{v:.1} /s"),
        _ => format!("{v:.1} {unit}"),
    }
}

impl Table {
    /// A figure on both sides; the ratio says how many times better localcloud is (>1: better).
    fn pair(&mut self, what: &str, unit: &str, lc: f64, peer_name: &str, peer: f64, b: Better) {
        let ratio = match b {
            Better::Higher => lc / peer,
            Better::Lower => peer / lc,
        };
        self.rows.push(Row {
            what: what.to_owned(),
            lc: fmt_num(lc, unit),
            peer_name: peer_name.to_owned(),
            peer: fmt_num(peer, unit),
            ratio: if ratio.is_finite() {
                format!("{ratio:.2}x")
            } else {
                "-".to_owned()
            },
        });
    }
    /// A figure of localcloud alone (or a check), with a free-text last column.
    fn single(&mut self, what: &str, lc: String, peer_name: &str, peer: String, ratio: String) {
        self.rows.push(Row {
            what: what.to_owned(),
            lc,
            peer_name: peer_name.to_owned(),
            peer,
            ratio,
        });
    }
    fn note(&mut self, note: String) {
        eprintln!("bench: {note}");
        self.notes.push(note);
    }
    fn print(&self) {
        let head = Row {
            what: "benchmark".into(),
            lc: "localcloud".into(),
            peer_name: "peer".into(),
            peer: "peer value".into(),
            ratio: "localcloud advantage".into(),
        };
        let cols = |r: &Row| {
            [
                r.what.clone(),
                r.lc.clone(),
                r.peer_name.clone(),
                r.peer.clone(),
                r.ratio.clone(),
            ]
        };
        let mut width = [0usize; 5];
        for r in std::iter::once(&head).chain(&self.rows) {
            for (w, c) in width.iter_mut().zip(cols(r)) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |r: &Row| {
            let c = cols(r);
            format!(
                "| {:<w0$} | {:>w1$} | {:<w2$} | {:>w3$} | {:>w4$} |",
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                w0 = width[0],
                w1 = width[1],
                w2 = width[2],
                w3 = width[3],
                w4 = width[4]
            )
        };
        println!("{}", line(&head));
        println!(
            "|{}|",
            width
                .iter()
                .map(|w| "-".repeat(w + 2))
                .collect::<Vec<_>>()
                .join("|")
        );
        for r in &self.rows {
            println!("{}", line(r));
        }
        println!("\n\"localcloud advantage\": localcloud's figure over the peer's for rates, the peer's over localcloud's for times (>1: localcloud better).");
        for n in &self.notes {
            println!("- {n}");
        }
    }
}

// --- clients ------------------------------------------------------------------------------------

fn ddb_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "bench"))
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
}

fn sfn_client(endpoint: &str) -> aws_sdk_sfn::Client {
    let conf = aws_sdk_sfn::Config::builder()
        .behavior_version(aws_sdk_sfn::config::BehaviorVersion::latest())
        .region(aws_sdk_sfn::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_sfn::config::Credentials::new(
            "test", "test", None, None, "bench",
        ))
        .retry_config(aws_sdk_sfn::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sfn::Client::from_conf(conf)
}

fn http_client() -> Http {
    HttpClient::builder(TokioExecutor::new()).build_http()
}

/// One HTTP request; the status, the headers' `x-amz-function-error` and the body.
async fn send(
    http: &Http,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> Res<(u16, bool, Bytes)> {
    let mut req = hyper::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = http.request(req.body(Full::new(body))?).await?;
    let status = resp.status().as_u16();
    let function_error = resp.headers().contains_key("x-amz-function-error");
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, function_error, body))
}

/// Runs `workers` copies of `work` until `dur` has passed; each returns its latencies (by
/// kind) and its error count. The elapsed time runs until the last in-flight call returned.
async fn run_workers<F, Fut>(workers: usize, dur: Duration, work: F) -> Res<(Vec<Lat>, usize, f64)>
where
    F: Fn(usize, Instant) -> Fut,
    Fut: std::future::Future<Output = Res<(Vec<Lat>, usize)>> + Send + 'static,
{
    let start = Instant::now();
    let deadline = start + dur;
    let handles: Vec<_> = (0..workers)
        .map(|w| tokio::spawn(work(w, deadline)))
        .collect();
    let mut lats: Vec<Lat> = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.await??;
        errors += e;
        for (i, one) in l.into_iter().enumerate() {
            if lats.len() <= i {
                lats.push(Lat::default());
            }
            lats[i].merge(one);
        }
    }
    Ok((lats, errors, start.elapsed().as_secs_f64()))
}

// --- a) DynamoDB ---------------------------------------------------------------------------------

/// Figures of one DynamoDB phase: ops/s, PutItem latencies, GetItem latencies.
struct DdbPhase {
    ops_per_s: f64,
    put: Lat,
    get: Lat,
    errors: usize,
}

async fn ddb_create_table(client: &aws_sdk_dynamodb::Client, table: &str) -> Res<()> {
    client
        .create_table()
        .table_name(table)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()?,
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .map_err(|e| format!("CreateTable {table}: {}", DisplayErrorContext(e)))?;
    Ok(())
}

async fn ddb_phase(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    workers: usize,
    dur: Duration,
) -> Res<DdbPhase> {
    let value = "v".repeat(100);
    let (mut lats, errors, secs) = run_workers(workers, dur, |w, deadline| {
        let client = client.clone();
        let table = table.to_owned();
        let value = value.clone();
        async move {
            let (mut put, mut get, mut errors) = (Lat::default(), Lat::default(), 0usize);
            let mut i = 0u64;
            while Instant::now() < deadline {
                let key = format!("w{w}-k{}", i % 500);
                let t = Instant::now();
                let r = client
                    .put_item()
                    .table_name(&table)
                    .item("pk", AttributeValue::S(key.clone()))
                    .item("v", AttributeValue::S(value.clone()))
                    .item("n", AttributeValue::N(i.to_string()))
                    .send()
                    .await;
                put.0.push(t.elapsed());
                if let Err(e) = r {
                    errors += 1;
                    if errors == 1 {
                        eprintln!("bench: PutItem: {}", DisplayErrorContext(e));
                    }
                }
                let t = Instant::now();
                let r = client
                    .get_item()
                    .table_name(&table)
                    .key("pk", AttributeValue::S(key))
                    .send()
                    .await;
                get.0.push(t.elapsed());
                match r {
                    Ok(out) if out.item().is_some() => {}
                    Ok(_) => errors += 1,
                    Err(e) => {
                        errors += 1;
                        if errors == 1 {
                            eprintln!("bench: GetItem: {}", DisplayErrorContext(e));
                        }
                    }
                }
                i += 1;
            }
            Ok((vec![put, get], errors))
        }
    })
    .await?;
    let get = lats.pop().unwrap_or_default();
    let put = lats.pop().unwrap_or_default();
    Ok(DdbPhase {
        ops_per_s: (put.len() + get.len()) as f64 / secs,
        put,
        get,
        errors,
    })
}

/// The sequential phase with the client on a current-thread runtime of its own thread (as
/// `#[tokio::test]` runs one). On the main multi-thread runtime every call also pays for waking
/// a second client worker thread; that cost is the same for both servers, so it narrows the
/// ratio between them.
fn ddb_sequential_current_thread(endpoint: &str, table: &str, dur: Duration) -> Res<DdbPhase> {
    let (endpoint, table) = (endpoint.to_owned(), table.to_owned());
    std::thread::spawn(move || -> Res<DdbPhase> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async {
            let client = ddb_client(&endpoint);
            ddb_phase(&client, &table, 1, Duration::from_millis(300)).await?;
            ddb_phase(&client, &table, 1, dur).await
        })
    })
    .join()
    .map_err(|_| "the current-thread client panicked")?
}

async fn bench_dynamodb(s: &Settings, t: &mut Table) -> Res<()> {
    let (Some(lc), Some(moto)) = (&s.lc_endpoint, &s.moto_endpoint) else {
        t.note("a) DynamoDB skipped: BENCH_LOCALCLOUD_ENDPOINT and BENCH_MOTO_ENDPOINT are both needed".into());
        return Ok(());
    };
    let table = format!("bench-kv-{}", std::process::id());
    let mut results = Vec::new();
    for (side, endpoint) in [("localcloud", lc), ("moto", moto)] {
        let client = ddb_client(endpoint);
        ddb_create_table(&client, &table).await?;
        eprintln!("bench: a) DynamoDB on {side}: warm-up");
        ddb_phase(&client, &table, s.concurrency, Duration::from_millis(500)).await?;
        eprintln!("bench: a) DynamoDB on {side}: sequential, {:?}", s.seconds);
        let seq = ddb_phase(&client, &table, 1, s.seconds).await?;
        eprintln!(
            "bench: a) DynamoDB on {side}: {} in flight, {:?}",
            s.concurrency, s.seconds
        );
        let conc = ddb_phase(&client, &table, s.concurrency, s.seconds).await?;
        eprintln!(
            "bench: a) DynamoDB on {side}: sequential, current-thread client, {:?}",
            s.seconds
        );
        let (e, tb, d) = (endpoint.clone(), table.clone(), s.seconds);
        let seq_ct = tokio::task::spawn_blocking(move || ddb_sequential_current_thread(&e, &tb, d))
            .await??;
        results.push((seq, conc, seq_ct));
    }
    let (Some((lseq, lconc, lct)), Some((mseq, mconc, mct))) = (results.first(), results.get(1))
    else {
        return Err("no DynamoDB results".into());
    };
    let c = s.concurrency;
    for (label, l, m) in [
        ("sequential", lseq, mseq),
        ("", lconc, mconc),
        ("sequential, current-thread client", lct, mct),
    ] {
        let label = if label.is_empty() {
            format!("{c} in flight")
        } else {
            label.to_owned()
        };
        let pre = format!("a) DynamoDB Put+Get, {label}");
        t.pair(
            &format!("{pre}: ops/s"),
            "/s",
            l.ops_per_s,
            "moto_server",
            m.ops_per_s,
            Better::Higher,
        );
        for (op, ll, ml) in [("PutItem", &l.put, &m.put), ("GetItem", &l.get, &m.get)] {
            for p in [50.0, 99.0] {
                t.pair(
                    &format!("{pre}: {op} p{p}"),
                    "ms",
                    ll.pct(p),
                    "moto_server",
                    ml.pct(p),
                    Better::Lower,
                );
            }
        }
        if l.errors + m.errors > 0 {
            t.note(format!(
                "a) {label}: errors (failed or empty answers): localcloud {}, moto {}",
                l.errors, m.errors
            ));
        }
    }
    if let Some(dx) = &s.dynoxide_endpoint {
        let client = ddb_client(dx);
        ddb_create_table(&client, &table).await?;
        eprintln!("bench: a) DynamoDB on dynoxide alone: warm-up, then sequential");
        ddb_phase(&client, &table, s.concurrency, Duration::from_millis(500)).await?;
        let seq = ddb_phase(&client, &table, 1, s.seconds).await?;
        let (e, tb, d) = (dx.clone(), table.clone(), s.seconds);
        let ct = tokio::task::spawn_blocking(move || ddb_sequential_current_thread(&e, &tb, d))
            .await??;
        for (label, l, x) in [
            ("sequential", lseq, &seq),
            ("sequential, current-thread client", lct, &ct),
        ] {
            let pre = format!("a) ceiling: DynamoDB Put+Get, {label}");
            t.pair(
                &format!("{pre}: ops/s"),
                "/s",
                l.ops_per_s,
                "dynoxide alone",
                x.ops_per_s,
                Better::Higher,
            );
            for (op, ll, xl) in [("PutItem", &l.put, &x.put), ("GetItem", &l.get, &x.get)] {
                t.pair(
                    &format!("{pre}: {op} p50"),
                    "ms",
                    ll.pct(50.0),
                    "dynoxide alone",
                    xl.pct(50.0),
                    Better::Lower,
                );
            }
        }
        t.note("a) ceiling: \"dynoxide alone\" is dynoxide's own HTTP server over an in-memory database on a current-thread runtime (localcloud/dynamodb/examples/dynoxide_server.rs), with nothing of localcloud's in the path: localcloud runs this engine behind its endpoint, so this bounds what localcloud can reach against the same client on this machine; the last column is localcloud's share of it".into());
    }
    t.note(format!(
        "a) {} puts + {} gets on localcloud, {} + {} on moto (sequential, concurrent and current-thread sequential phases, {:?} each, after a 0.5 s warm-up); aws-sdk-dynamodb with retries off, 100-byte items, 500 keys per worker; the client runs on the benchmark's multi-thread runtime (2 workers), except in the current-thread phase, where a client of its own runs on a current-thread runtime",
        lseq.put.len() + lconc.put.len() + lct.put.len(),
        lseq.get.len() + lconc.get.len() + lct.get.len(),
        mseq.put.len() + mconc.put.len() + mct.put.len(),
        mseq.get.len() + mconc.get.len() + mct.get.len(),
        s.seconds
    ));
    Ok(())
}

// --- b) Lambda invoke ----------------------------------------------------------------------------

async fn invoke_phase(http: &Http, url: &str, body: &Bytes, dur: Duration) -> Res<(Lat, Bytes)> {
    let mut lat = Lat::default();
    let mut last = Bytes::new();
    let deadline = Instant::now() + dur;
    while Instant::now() < deadline {
        let t = Instant::now();
        let (status, function_error, out) = send(
            http,
            "POST",
            url,
            &[("content-type", "application/json")],
            body.clone(),
        )
        .await?;
        lat.0.push(t.elapsed());
        if status != 200 || function_error {
            return Err(format!(
                "{url}: HTTP {status}{}: {}",
                if function_error {
                    " (X-Amz-Function-Error)"
                } else {
                    ""
                },
                String::from_utf8_lossy(&out)
            )
            .into());
        }
        last = out;
    }
    Ok((lat, last))
}

/// How many turns each side of the Lambda benchmark takes.
const LAMBDA_ROUNDS: u32 = 5;

async fn bench_lambda(s: &Settings, t: &mut Table) -> Res<()> {
    let (Some(lc), Some(cl)) = (&s.lc_endpoint, &s.cl_endpoint) else {
        t.note("b) Lambda skipped: BENCH_LOCALCLOUD_ENDPOINT and BENCH_CARGO_LAMBDA_ENDPOINT are both needed".into());
        return Ok(());
    };
    let payload = Bytes::from(std::fs::read(&s.event)?);
    let http = http_client();
    let sides = [
        ("localcloud", lc, &s.lc_function),
        ("cargo lambda watch", cl, &s.cl_function),
    ];
    let urls: Vec<String> = sides
        .iter()
        .map(|(_, base, name)| format!("{base}/2015-03-31/functions/{name}/invocations"))
        .collect();
    for ((side, _, _), url) in sides.iter().zip(&urls) {
        eprintln!("bench: b) Lambda on {side}: warm-up");
        invoke_phase(&http, url, &payload, Duration::from_millis(500)).await?;
    }
    // The two sides take turns in LAMBDA_ROUNDS rounds, so that a drift of the machine's load
    // during the run weighs on both alike.
    let mut results: Vec<(Lat, Bytes)> = sides
        .iter()
        .map(|_| (Lat::default(), Bytes::new()))
        .collect();
    let slice = s.seconds / LAMBDA_ROUNDS;
    for round in 0..LAMBDA_ROUNDS {
        for (i, ((side, _, _), url)) in sides.iter().zip(&urls).enumerate() {
            eprintln!(
                "bench: b) Lambda on {side}: round {}/{LAMBDA_ROUNDS}, sequential, {slice:?}",
                round + 1
            );
            let (lat, body) = invoke_phase(&http, url, &payload, slice).await?;
            results[i].0.merge(lat);
            results[i].1 = body;
        }
    }
    let (Some((l, lbody)), Some((c, cbody))) = (results.first(), results.get(1)) else {
        return Err("no Lambda results".into());
    };
    for p in [50.0, 99.0] {
        t.pair(
            &format!("b) Lambda warm invoke (validate-order), p{p}"),
            "ms",
            l.pct(p),
            "cargo lambda watch",
            c.pct(p),
            Better::Lower,
        );
    }
    let secs = s.seconds.as_secs_f64();
    t.pair(
        "b) Lambda warm invoke, sequential invokes/s",
        "/s",
        l.len() as f64 / secs,
        "cargo lambda watch",
        c.len() as f64 / secs,
        Better::Higher,
    );
    let p50 = l.pct(50.0);
    let verdict = |ok: bool| if ok { "PASS" } else { "FAIL" };
    t.single(
        "b) budget: localcloud p50 < 1 ms, and <= cargo lambda watch",
        format!("{p50:.3} ms"),
        "cargo lambda watch",
        format!("{:.3} ms", c.pct(50.0)),
        format!("{} / {}", verdict(p50 < 1.0), verdict(p50 <= c.pct(50.0))),
    );
    let same = serde_json::from_slice::<serde_json::Value>(lbody).ok()
        == serde_json::from_slice::<serde_json::Value>(cbody).ok();
    t.note(format!(
        "b) {} invokes on localcloud, {} on cargo lambda watch, one at a time over one kept-alive connection, the sides taking turns in {LAMBDA_ROUNDS} rounds, payload {}; the two answers are {}",
        l.len(),
        c.len(),
        s.event.strip_prefix(&s.repo).unwrap_or(&s.event).display(),
        if same { "identical JSON" } else { "DIFFERENT" }
    ));
    if !same {
        t.note(format!(
            "b) localcloud answered {}, cargo lambda watch {}",
            String::from_utf8_lossy(lbody),
            String::from_utf8_lossy(cbody)
        ));
    }
    Ok(())
}

// --- f) cold starts ------------------------------------------------------------------------------

/// Invokes `function` with `LogType: Tail` and returns the REPORT line's `Init Duration` in ms
/// (`None` when a warm environment answered).
async fn init_duration(
    http: &Http,
    endpoint: &str,
    function: &str,
    payload: Bytes,
) -> Res<Option<f64>> {
    let url = format!("{endpoint}/2015-03-31/functions/{function}/invocations");
    let req = hyper::Request::builder()
        .method("POST")
        .uri(&url)
        .header("content-type", "application/json")
        .header("x-amz-log-type", "Tail")
        .body(Full::new(payload))?;
    let resp = http.request(req).await?;
    let status = resp.status().as_u16();
    let tail = resp
        .headers()
        .get("x-amz-log-result")
        .and_then(|v| v.to_str().ok())
        .map(|v| base64::engine::general_purpose::STANDARD.decode(v))
        .transpose()?
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let body = resp.into_body().collect().await?.to_bytes();
    if status != 200 {
        return Err(format!("{url}: HTTP {status}: {}", String::from_utf8_lossy(&body)).into());
    }
    Ok(tail
        .split("Init Duration: ")
        .nth(1)
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|ms| ms.trim().parse().ok()))
}

async fn bench_cold_starts(s: &Settings, t: &mut Table) -> Res<()> {
    let Some(lc) = &s.lc_endpoint else {
        t.note("f) cold starts skipped: BENCH_LOCALCLOUD_ENDPOINT is needed".into());
        return Ok(());
    };
    let http = http_client();
    // Calls in flight at once each need an environment: all but the idle ones start cold.
    let cases = [
        (
            "Rust",
            s.lc_function.clone(),
            s.event.clone(),
            6usize,
            "20 ms",
        ),
        (
            "Java 21 (ChargePaymentJavaFunction, AWS Lambda Java RIC)",
            "serverless-orders-ChargePaymentJavaFunction".to_owned(),
            s.repo.join("events/charge-payment-java/ok.json"),
            3usize,
            "none (reported)",
        ),
    ];
    for (what, function, event, n, budget) in cases {
        let payload = Bytes::from(std::fs::read(&event)?);
        eprintln!("bench: f) cold starts of {function}: {n} invokes at once");
        let calls: Vec<_> = (0..n)
            .map(|_| {
                let (http, lc, function, payload) =
                    (http.clone(), lc.clone(), function.clone(), payload.clone());
                tokio::spawn(async move {
                    init_duration(&http, &lc, &function, payload)
                        .await
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        let mut inits = Lat::default();
        for call in calls {
            if let Some(ms) = call.await?? {
                inits.0.push(Duration::from_secs_f64(ms / 1000.0));
            }
        }
        if inits.len() == 0 {
            t.note(format!(
                "f) {what}: no cold start among {n} invokes (environments were warm)"
            ));
            continue;
        }
        t.single(
            &format!(
                "f) cold start, spawn to ready (REPORT Init Duration), {what}: median of {}",
                inits.len()
            ),
            format!("{:.1} ms", inits.pct(50.0)),
            "budget",
            budget.into(),
            format!("max {:.1} ms", inits.pct(100.0)),
        );
    }
    t.note("f) Init Duration is the time from spawning the runtime process to its first GET /runtime/invocation/next; the Java variant has no SnapStart locally (always a full JVM start)".into());
    Ok(())
}

// --- c) Step Functions ---------------------------------------------------------------------------

struct SfnPhase {
    executions: usize,
    secs: f64,
    latency: Lat,
    polls: usize,
    failed: usize,
    states_entered: Option<usize>,
    output: Option<String>,
}

fn workflow_input(i: usize) -> String {
    let tier = if i.is_multiple_of(2) {
        "gold"
    } else {
        "silver"
    };
    let amount = if (i / 2).is_multiple_of(2) { 42 } else { 420 };
    format!(r#"{{"tier":"{tier}","amount":{amount},"items":3}}"#)
}

async fn sfn_phase(
    client: &aws_sdk_sfn::Client,
    arn: &str,
    workers: usize,
    dur: Duration,
) -> Res<SfnPhase> {
    let (mut lats, failed, secs) = run_workers(workers, dur, |w, deadline| {
        let client = client.clone();
        let arn = arn.to_owned();
        async move {
            let (mut lat, mut polls, mut failed) = (Lat::default(), Lat::default(), 0usize);
            let mut i = w;
            while Instant::now() < deadline {
                let t = Instant::now();
                let started = client
                    .start_execution()
                    .state_machine_arn(&arn)
                    .name(format!(
                        "run-{}-{}",
                        std::process::id(),
                        EXECUTIONS.fetch_add(1, Ordering::Relaxed)
                    ))
                    .input(workflow_input(i))
                    .send()
                    .await
                    .map_err(|e| format!("StartExecution: {}", DisplayErrorContext(e)))?;
                let exec = started.execution_arn().to_owned();
                let mut n = 0usize;
                loop {
                    n += 1;
                    let d = client
                        .describe_execution()
                        .execution_arn(&exec)
                        .send()
                        .await
                        .map_err(|e| format!("DescribeExecution: {}", DisplayErrorContext(e)))?;
                    match d.status() {
                        ExecutionStatus::Running | ExecutionStatus::PendingRedrive => {
                            if t.elapsed() > Duration::from_secs(30) {
                                return Err(format!("{exec} still RUNNING after 30 s").into());
                            }
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                        ExecutionStatus::Succeeded => break,
                        other => {
                            failed += 1;
                            if failed == 1 {
                                eprintln!(
                                    "bench: execution {exec}: {other:?} {:?} {:?}",
                                    d.error(),
                                    d.cause()
                                );
                            }
                            break;
                        }
                    }
                }
                lat.0.push(t.elapsed());
                // The poll count rides along as a duration of n nanoseconds.
                polls.0.push(Duration::from_nanos(n as u64));
                i += workers;
            }
            Ok((vec![lat, polls], failed))
        }
    })
    .await?;
    let polls = lats.pop().unwrap_or_default();
    let latency = lats.pop().unwrap_or_default();
    Ok(SfnPhase {
        executions: latency.len(),
        secs,
        polls: polls.0.iter().map(|d| d.as_nanos() as usize).sum(),
        latency,
        failed,
        states_entered: None,
        output: None,
    })
}

/// States entered by one execution (from its history) and its output.
async fn sfn_check(client: &aws_sdk_sfn::Client, arn: &str) -> Res<(usize, Option<String>)> {
    let exec = client
        .start_execution()
        .state_machine_arn(arn)
        .name(format!("check-{}", std::process::id()))
        .input(workflow_input(0))
        .send()
        .await
        .map_err(|e| format!("StartExecution: {}", DisplayErrorContext(e)))?
        .execution_arn()
        .to_owned();
    let t = Instant::now();
    let output = loop {
        let d = client
            .describe_execution()
            .execution_arn(&exec)
            .send()
            .await
            .map_err(|e| format!("DescribeExecution: {}", DisplayErrorContext(e)))?;
        if *d.status() != ExecutionStatus::Running {
            break d.output().map(str::to_owned);
        }
        if t.elapsed() > Duration::from_secs(30) {
            return Err(format!("{exec} still RUNNING after 30 s").into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let history = client
        .get_execution_history()
        .execution_arn(&exec)
        .max_results(1000)
        .send()
        .await
        .map_err(|e| format!("GetExecutionHistory: {}", DisplayErrorContext(e)))?;
    let entered = history
        .events()
        .iter()
        .filter(|e| e.r#type().as_str().ends_with("StateEntered"))
        .count();
    Ok((entered, output))
}

async fn moto_config(endpoint: &str) -> String {
    let http = http_client();
    match send(
        &http,
        "GET",
        &format!("{endpoint}/moto-api/config"),
        &[],
        Bytes::new(),
    )
    .await
    {
        Ok((_, _, body)) => String::from_utf8_lossy(&body).into_owned(),
        Err(e) => format!("unknown ({e})"),
    }
}

/// The engine without the API: the same definition and inputs, `workers` executions in flight
/// on this process's runtime, no tasks. Returns executions, failures and seconds.
async fn sfn_in_process(workers: usize, dur: Duration) -> Res<(usize, usize, f64)> {
    struct NoTasks;
    impl localcloud_stepfunctions::TaskExecutor for NoTasks {
        fn execute<'a>(
            &'a self,
            _: &'a str,
            input: serde_json::Value,
            _: localcloud_stepfunctions::TaskContext,
        ) -> futures::future::BoxFuture<
            'a,
            Result<serde_json::Value, localcloud_stepfunctions::TaskError>,
        > {
            Box::pin(async move { Ok(input) })
        }
    }
    let machine = Arc::new(
        localcloud_stepfunctions::parse_definition(WORKFLOW)
            .map_err(|e| format!("pass-choice.asl.json: {e:?}"))?,
    );
    let clock = Arc::new(localcloud_stepfunctions::TokioClock::new());
    let tasks: Arc<dyn localcloud_stepfunctions::TaskExecutor> = Arc::new(NoTasks);
    let (lats, failed, secs) = run_workers(workers, dur, |w, deadline| {
        let (machine, clock, tasks) = (machine.clone(), clock.clone(), tasks.clone());
        async move {
            let opts = localcloud_stepfunctions::ExecutionOptions::default();
            let (mut lat, mut failed) = (Lat::default(), 0usize);
            let mut i = w;
            while Instant::now() < deadline {
                let t = Instant::now();
                let input: serde_json::Value = serde_json::from_str(&workflow_input(i))?;
                let out = localcloud_stepfunctions::execute(
                    &machine,
                    input,
                    &opts,
                    tasks.clone(),
                    clock.clone(),
                )
                .await;
                lat.0.push(t.elapsed());
                if out.status.as_str() != "SUCCEEDED" {
                    failed += 1;
                }
                i += workers;
            }
            Ok((vec![lat], failed))
        }
    })
    .await?;
    Ok((lats.iter().map(Lat::len).sum(), failed, secs))
}

async fn bench_stepfunctions(s: &Settings, t: &mut Table) -> Res<()> {
    let (Some(lc), Some(moto)) = (&s.lc_endpoint, &s.moto_endpoint) else {
        t.note("c) Step Functions skipped: BENCH_LOCALCLOUD_ENDPOINT and BENCH_MOTO_ENDPOINT are both needed".into());
        return Ok(());
    };
    let config = moto_config(moto).await;
    let name = format!("bench-pass-choice-{}", std::process::id());
    let mut results = Vec::new();
    for (side, endpoint) in [("localcloud", lc), ("moto", moto)] {
        let client = sfn_client(endpoint);
        let arn = client
            .create_state_machine()
            .name(&name)
            .definition(WORKFLOW)
            .role_arn("arn:aws:iam::123456789012:role/bench-stepfunctions")
            .r#type(StateMachineType::Standard)
            .send()
            .await
            .map_err(|e| format!("CreateStateMachine on {side}: {}", DisplayErrorContext(e)))?
            .state_machine_arn()
            .to_owned();
        let (entered, output) = sfn_check(&client, &arn).await?;
        eprintln!("bench: c) Step Functions on {side}: warm-up");
        sfn_phase(&client, &arn, s.concurrency, Duration::from_millis(500)).await?;
        eprintln!(
            "bench: c) Step Functions on {side}: {} in flight, {:?}",
            s.concurrency, s.seconds
        );
        let mut phase = sfn_phase(&client, &arn, s.concurrency, s.seconds).await?;
        phase.states_entered = Some(entered);
        phase.output = output;
        results.push(phase);
    }
    let (Some(l), Some(m)) = (results.first(), results.get(1)) else {
        return Err("no Step Functions results".into());
    };
    eprintln!(
        "bench: c) Step Functions in-process engine: {} in flight, {:?}",
        s.concurrency, s.seconds
    );
    sfn_in_process(s.concurrency, Duration::from_millis(500)).await?;
    let (ip_execs, ip_failed, ip_secs) = sfn_in_process(s.concurrency, s.seconds).await?;
    let eps = |p: &SfnPhase| p.executions as f64 / p.secs;
    let per = |p: &SfnPhase| p.states_entered.unwrap_or(WORKFLOW_PATH_LEN);
    let c = s.concurrency;
    t.pair(
        &format!("c) Step Functions 10-state Pass/Choice, {c} in flight: executions/s"),
        "/s",
        eps(l),
        "moto_server",
        eps(m),
        Better::Higher,
    );
    t.pair(
        "c) Step Functions: state transitions/s",
        "/s",
        eps(l) * per(l) as f64,
        "moto_server",
        eps(m) * per(m) as f64,
        Better::Higher,
    );
    let ip_eps = ip_execs as f64 / ip_secs;
    let path = per(l) as f64;
    t.pair(
        "c) in-process engine (no API, same definition): executions/s",
        "/s",
        ip_eps,
        "moto_server",
        eps(m),
        Better::Higher,
    );
    t.pair(
        "c) in-process engine: state transitions/s",
        "/s",
        ip_eps * path,
        "moto_server",
        eps(m) * path,
        Better::Higher,
    );
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    t.note(format!(
        "c) in-process: {ip_execs} executions ({ip_failed} not SUCCEEDED) in {ip_secs:.2} s; CPU the engine spends per state: {:.2} us (wall time x {cores} cores / transitions, an upper bound: the bench's own loop is included); through the API, latency per state (start to SUCCEEDED seen, p50 / states): {:.1} us",
        ip_secs * 1e6 * cores / (ip_eps * ip_secs * path),
        l.latency.pct(50.0) * 1000.0 / path,
    ));
    for p in [50.0, 99.0] {
        t.pair(
            &format!("c) Step Functions: start to SUCCEEDED seen, p{p}"),
            "ms",
            l.latency.pct(p),
            "moto_server",
            m.latency.pct(p),
            Better::Lower,
        );
    }
    t.pair(
        "c) Step Functions: DescribeExecution calls per execution",
        "",
        l.polls as f64 / l.executions.max(1) as f64,
        "moto_server",
        m.polls as f64 / m.executions.max(1) as f64,
        Better::Lower,
    );
    let same_output = l
        .output
        .as_deref()
        .and_then(|o| serde_json::from_str::<serde_json::Value>(o).ok())
        == m.output
            .as_deref()
            .and_then(|o| serde_json::from_str::<serde_json::Value>(o).ok());
    t.note(format!(
        "c) {} executions on localcloud ({} not SUCCEEDED), {} on moto ({} not SUCCEEDED) in {:?}; states entered per execution from GetExecutionHistory: localcloud {}, moto {} (expected {WORKFLOW_PATH_LEN}); outputs of the check execution {}; polling: DescribeExecution at once, then every 1 ms while RUNNING",
        l.executions,
        l.failed,
        m.executions,
        m.failed,
        s.seconds,
        per(l),
        per(m),
        if same_output { "identical" } else { "DIFFERENT" },
    ));
    if !same_output {
        t.note(format!(
            "c) output: localcloud {:?}, moto {:?}",
            l.output, m.output
        ));
    }
    t.note(format!(
        "c) moto's interpreter: scripts/bench.sh POSTs {{\"stepfunctions\": {{\"execute_state_machine\": true}}}} to /moto-api/config (default false: executions are only recorded and stay RUNNING); moto 5.2.5's GET /moto-api/config does not echo that key ({config}), so the evidence that it is on is the SUCCEEDED executions and their history above"
    ));
    Ok(())
}

// --- d) up to Ready ------------------------------------------------------------------------------

/// Starts `cmd` and waits for a line of its stdout that `ready` accepts; the wall time to it and
/// the line.
fn run_until_line(
    mut cmd: Command,
    ready: impl Fn(&str) -> bool,
) -> Res<(std::process::Child, Duration, String)> {
    let t = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) if ready(&line) => return Ok((child, t.elapsed(), line)),
            Ok(_) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no ready line: {e}").into());
            }
        }
    }
}

fn interrupt(child: &mut std::process::Child) -> Res<Duration> {
    let t = Instant::now();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()?;
    child.wait()?;
    Ok(t.elapsed())
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn free_port() -> Res<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn moto_start(bin: &PathBuf) -> Res<(f64, f64)> {
    let port = free_port()?;
    let t = Instant::now();
    let mut child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .spawn()?;
    let http = http_client();
    let url = format!("http://127.0.0.1:{port}/moto-api/config");
    let ready = loop {
        if let Ok((200..=299, _, _)) = send(&http, "GET", &url, &[], Bytes::new()).await {
            break t.elapsed();
        }
        if t.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("moto_server did not answer within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let stop = interrupt(&mut child)?;
    Ok((ready.as_secs_f64() * 1e3, stop.as_secs_f64() * 1e3))
}

async fn bench_up(s: &Settings, t: &mut Table) -> Res<()> {
    let Some(bin) = &s.lc_bin else {
        t.note("d) up skipped: BENCH_LOCALCLOUD_BIN is needed".into());
        return Ok(());
    };
    let (mut printed, mut wall, mut stop) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..s.up_runs {
        let mut cmd = Command::new(bin);
        cmd.args([
            "up",
            "--ephemeral",
            "--port",
            "0",
            "--api-port",
            "0",
            "--auth-port",
            "0",
            "--no-build",
        ])
        .current_dir(&s.repo);
        let (mut child, elapsed, line) = run_until_line(cmd, |l| l.starts_with("Ready in "))?;
        let ms: f64 = line
            .trim_start_matches("Ready in ")
            .split_whitespace()
            .next()
            .ok_or("Ready line")?
            .parse()?;
        let stopped = interrupt(&mut child)?;
        eprintln!(
            "bench: d) up run {}: Ready in {ms} ms (spawn to line {:.1} ms, stop {:.1} ms)",
            run + 1,
            elapsed.as_secs_f64() * 1e3,
            stopped.as_secs_f64() * 1e3
        );
        printed.push(ms);
        wall.push(elapsed.as_secs_f64() * 1e3);
        stop.push(stopped.as_secs_f64() * 1e3);
    }
    let (mut moto_ready, mut moto_stop) = (Vec::new(), Vec::new());
    if let Some(moto) = &s.moto_bin {
        for run in 0..s.up_runs {
            let (r, st) = moto_start(moto).await?;
            eprintln!(
                "bench: d) moto_server run {}: first answer after {r:.1} ms, stop {st:.1} ms",
                run + 1
            );
            moto_ready.push(r);
            moto_stop.push(st);
        }
    }
    let n = s.up_runs;
    t.single(
        &format!("d) up --no-build to Ready, median of {n} (as printed)"),
        format!("{:.0} ms", median(printed.clone())),
        "",
        String::new(),
        format!(
            "runs: {}",
            printed
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let peer = if moto_ready.is_empty() {
        ""
    } else {
        "moto_server (empty)"
    };
    t.pair(
        &format!("d) process spawn to ready, median of {n}"),
        "ms",
        median(wall),
        peer,
        median(moto_ready),
        Better::Lower,
    );
    t.pair(
        &format!("d) Ctrl-C to exit, median of {n}"),
        "ms",
        median(stop),
        peer,
        median(moto_stop),
        Better::Lower,
    );
    t.note("d) up: --ephemeral --port 0 --api-port 0 --auth-port 0 --no-build, whole stack (tables, seed, functions, user pool, state machine, API stage); moto_server: spawn until GET /moto-api/config answers, with nothing created, so only a scale, not a like-for-like".into());
    Ok(())
}

// --- e) API stage --------------------------------------------------------------------------------

fn token_sub(token: &str) -> Res<String> {
    let payload = token.split('.').nth(1).ok_or("token: not a JWT")?;
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('='))?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes)?;
    Ok(claims["sub"].as_str().ok_or("token: no sub")?.to_owned())
}

/// `workers` loops of one request for `dur`: requests/s and latencies; fails on a non-200.
async fn http_phase(
    http: &Http,
    method: &'static str,
    url: &str,
    headers: Vec<(String, String)>,
    body: Bytes,
    workers: usize,
    dur: Duration,
) -> Res<(f64, Lat)> {
    let (mut lats, errors, secs) = run_workers(workers, dur, |_, deadline| {
        let http = http.clone();
        let url = url.to_owned();
        let headers = headers.clone();
        let body = body.clone();
        async move {
            let h: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let mut lat = Lat::default();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let (status, _, out) = send(&http, method, &url, &h, body.clone()).await?;
                lat.0.push(t.elapsed());
                if status != 200 {
                    errors += 1;
                    if errors == 1 {
                        eprintln!(
                            "bench: {method} {url}: HTTP {status}: {}",
                            String::from_utf8_lossy(&out)
                        );
                    }
                }
            }
            Ok((vec![lat], errors))
        }
    })
    .await?;
    if errors > 0 {
        return Err(format!("{method} {url}: {errors} answers were not 200").into());
    }
    let lat = lats.pop().unwrap_or_default();
    Ok((lat.len() as f64 / secs, lat))
}

async fn bench_api(s: &Settings, t: &mut Table) -> Res<()> {
    let (Some(endpoint), Some(api), Some(token)) = (&s.lc_endpoint, &s.lc_api, &s.lc_token) else {
        t.note("e) API stage skipped: BENCH_LOCALCLOUD_ENDPOINT, BENCH_LOCALCLOUD_API and BENCH_LOCALCLOUD_TOKEN are needed".into());
        return Ok(());
    };
    let api = api.trim_end_matches('/');
    let sub = token_sub(token)?;
    let http = http_client();
    let auth = format!("Bearer {token}");
    let (status, _, body) = send(
        &http,
        "POST",
        &format!("{api}/profiles"),
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        Bytes::from_static(br#"{"name":"x"}"#),
    )
    .await?;
    if status != 200 {
        return Err(format!(
            "POST {api}/profiles: HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    let get_url = format!("{api}/profiles/{sub}");
    let (status, _, via_api) = send(
        &http,
        "GET",
        &get_url,
        &[("authorization", &auth)],
        Bytes::new(),
    )
    .await?;
    let get_item = serde_json::json!({
        "TableName": s.profiles_table,
        "Key": {"userId": {"S": sub}},
        "ConsistentRead": true,
    })
    .to_string();
    let direct_headers = vec![
        (
            "x-amz-target".to_owned(),
            "DynamoDB_20120810.GetItem".to_owned(),
        ),
        (
            "content-type".to_owned(),
            "application/x-amz-json-1.0".to_owned(),
        ),
        // The endpoint wants an Authorization header and a date (as AWS does); this one is not
        // signed.
        ("x-amz-date".to_owned(), "20260101T000000Z".to_owned()),
        (
            "authorization".to_owned(),
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-target, Signature=0".to_owned(),
        ),
    ];
    let dh: Vec<(&str, &str)> = direct_headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (dstatus, _, direct) =
        send(&http, "POST", endpoint, &dh, Bytes::from(get_item.clone())).await?;
    let direct_item = serde_json::from_slice::<serde_json::Value>(&direct)
        .map(|v| v["Item"]["name"]["S"] == "x")
        .unwrap_or(false);
    if status != 200 || dstatus != 200 || !direct_item {
        return Err(format!(
            "profile read back: API HTTP {status} {}, direct GetItem HTTP {dstatus} {}",
            String::from_utf8_lossy(&via_api),
            String::from_utf8_lossy(&direct)
        )
        .into());
    }
    let c = s.concurrency;
    eprintln!("bench: e) API stage: warm-up");
    let api_headers = vec![("authorization".to_owned(), auth.clone())];
    http_phase(
        &http,
        "GET",
        &get_url,
        api_headers.clone(),
        Bytes::new(),
        c,
        Duration::from_millis(500),
    )
    .await?;
    http_phase(
        &http,
        "POST",
        endpoint,
        direct_headers.clone(),
        Bytes::from(get_item.clone()),
        c,
        Duration::from_millis(500),
    )
    .await?;
    eprintln!(
        "bench: e) API stage: GET /dev/profiles/{{id}}, {c} in flight, {:?}",
        s.seconds
    );
    let (arps, alat) = http_phase(
        &http,
        "GET",
        &get_url,
        api_headers,
        Bytes::new(),
        c,
        s.seconds,
    )
    .await?;
    eprintln!(
        "bench: e) endpoint: GetItem, {c} in flight, {:?}",
        s.seconds
    );
    let (drps, dlat) = http_phase(
        &http,
        "POST",
        endpoint,
        direct_headers,
        Bytes::from(get_item),
        c,
        s.seconds,
    )
    .await?;
    let what = "GetItem straight to the endpoint";
    t.pair(
        &format!("e) API GET /dev/profiles/{{id}}, {c} in flight: requests/s"),
        "/s",
        arps,
        what,
        drps,
        Better::Higher,
    );
    for p in [50.0, 99.0] {
        t.pair(
            &format!("e) API GET /dev/profiles/{{id}}: p{p}"),
            "ms",
            alat.pct(p),
            what,
            dlat.pct(p),
            Better::Lower,
        );
    }
    t.note(format!(
        "e) {} API requests, {} direct GetItems; the \"peer\" here is localcloud's own endpoint, so the ratio is the API stage's overhead: {:.2}x the time per request at the median, {:.2}x the throughput cost (Cognito ID token check, VTL request and response templates, the GetItem itself); plain hyper client on both, the direct call with a dummy SigV4 Authorization header (not signed)",
        alat.len(),
        dlat.len(),
        alat.pct(50.0) / dlat.pct(50.0),
        drps / arps,
    ));
    Ok(())
}

// --- main ----------------------------------------------------------------------------------------

/// Runs `section` when `wanted`; a skipped section is not an error.
async fn skip_unless(wanted: bool, section: impl std::future::Future<Output = Res<()>>) -> Res<()> {
    if wanted {
        section.await
    } else {
        Ok(())
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let s = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bench: settings: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut t = Table::default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    t.note(format!(
        "machine: {cores} cores; load average at start {}; client and servers share the cores",
        load()
    ));
    let mut failed = false;
    // Bind each section's result before matching, so that no error value (not Send) is held
    // across the next section's awaits.
    let results = [
        (
            "a) DynamoDB",
            skip_unless(s.runs("a"), bench_dynamodb(&s, &mut t))
                .await
                .map_err(|e| e.to_string()),
        ),
        (
            "b) Lambda",
            skip_unless(s.runs("b"), bench_lambda(&s, &mut t))
                .await
                .map_err(|e| e.to_string()),
        ),
        (
            "c) Step Functions",
            skip_unless(s.runs("c"), bench_stepfunctions(&s, &mut t))
                .await
                .map_err(|e| e.to_string()),
        ),
        (
            "f) cold starts",
            skip_unless(s.runs("f"), bench_cold_starts(&s, &mut t))
                .await
                .map_err(|e| e.to_string()),
        ),
        (
            "e) API stage",
            skip_unless(s.runs("e"), bench_api(&s, &mut t))
                .await
                .map_err(|e| e.to_string()),
        ),
        (
            "d) up",
            skip_unless(s.runs("d"), bench_up(&s, &mut t))
                .await
                .map_err(|e| e.to_string()),
        ),
    ];
    for (name, r) in results {
        if let Err(e) = r {
            failed = true;
            t.note(format!("{name} FAILED: {e}"));
        }
    }
    t.note(format!("load average at the end {}", load()));
    println!();
    t.print();
    if failed {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
