//! dynoxide's requests run off the async workers: while a write is inside the engine, the
//! runtime that sent it keeps running other tasks.
//!
//! The proof is deterministic, not timed. The service gets a clock that, once armed, holds the
//! first caller inside `now()` until the test releases it; a write to a table with a stream
//! reads the clock mid-operation (for the stream record), under the database lock. On a
//! current-thread runtime, if that write ran on the runtime's thread, the test's own tasks could
//! not run until the gate gave up: the test sees the gate time out and fails. Run on the engine
//! thread, the write waits while the test's tasks make progress and release it.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use dynoxide::storage_backend::{Clock, SystemClock};
use http_body_util::BodyExt;
use localcloud_dynamodb::{DynamoService, Settings};
use serde_json::{json, Value};
use tokio::sync::Notify;

/// How long any step may take before the test fails (and the gate gives up).
const DEADLINE: Duration = Duration::from_secs(30);

/// The system clock, with a gate that can hold one caller.
#[derive(Default)]
struct GateClock {
    armed: AtomicBool,
    /// Told when a caller is held.
    entered: Notify,
    released: Mutex<bool>,
    wake: Condvar,
    /// Set when the held caller gave up waiting for the release.
    timed_out: AtomicBool,
}

impl GateClock {
    fn hold_if_armed(&self) {
        if !self.armed.swap(false, Ordering::SeqCst) {
            return;
        }
        self.entered.notify_one();
        let released = self.released.lock().unwrap_or_else(|e| e.into_inner());
        let (released, wait) = self
            .wake
            .wait_timeout_while(released, DEADLINE, |r| !*r)
            .unwrap_or_else(|e| e.into_inner());
        if wait.timed_out() && !*released {
            self.timed_out.store(true, Ordering::SeqCst);
        }
    }

    fn release(&self) {
        *self.released.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.wake.notify_all();
    }
}

impl Clock for GateClock {
    fn now_unix_secs(&self) -> u64 {
        self.hold_if_armed();
        SystemClock.now_unix_secs()
    }
    fn now_unix_secs_f64(&self) -> f64 {
        self.hold_if_armed();
        SystemClock.now_unix_secs_f64()
    }
}

fn request(operation: &str, body: &Value) -> Request<Body> {
    Request::post("/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("DynamoDB_20120810.{operation}"))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=test/20261128/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x",
        )
        .header("x-amz-date", "20261128T120000Z")
        .body(Body::from(body.to_string()))
        .expect("request")
}

async fn call(service: &DynamoService, operation: &str, body: &Value) -> (u16, Value) {
    let resp = service.handle(request(operation, body)).await;
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).expect("JSON answer"))
}

/// A full `BatchWriteItem`: 25 puts of `kb` KB each.
fn batch(round: usize, kb: usize) -> Value {
    let filler = "x".repeat(kb * 1024);
    let puts: Vec<Value> = (0..25)
        .map(|i| {
            json!({"PutRequest": {"Item": {
                "userId": {"S": format!("user-{round}-{i}")},
                "bio": {"S": filler},
            }}})
        })
        .collect();
    json!({"RequestItems": {"profiles": puts}})
}

async fn start(clock: Arc<GateClock>) -> DynamoService {
    let dir = tempfile::tempdir().expect("tmp");
    let settings = Settings {
        state_dir: None,
        clock: Some(clock),
        ttl_sweep_interval: None,
    };
    let s3 = localcloud_s3::Store::open(dir.path()).expect("s3");
    // `profiles` has a stream: its writes read the clock while they hold the database.
    DynamoService::start(settings, &[common::profiles()], s3)
        .await
        .expect("start")
}

/// `#[tokio::test]` is a current-thread runtime: the test's tasks and any work done on the
/// runtime share one thread.
#[tokio::test]
async fn other_tasks_run_while_a_batch_write_is_inside_the_engine() {
    let clock = Arc::new(GateClock::default());
    let service = start(clock.clone()).await;
    clock.armed.store(true, Ordering::SeqCst);
    let write = tokio::spawn({
        let service = service.clone();
        async move { call(&service, "BatchWriteItem", &batch(0, 16)).await }
    });
    tokio::time::timeout(DEADLINE, clock.entered.notified())
        .await
        .expect("the write reached the clock");
    assert!(
        !clock.timed_out.load(Ordering::SeqCst) && !write.is_finished(),
        "the write held the runtime's only thread until the gate gave up: \
         dynoxide ran on a tokio worker instead of its own thread"
    );
    // Another task makes progress, many times over, while the write is held mid-operation.
    let ticks = Arc::new(AtomicUsize::new(0));
    let ticker = tokio::spawn({
        let ticks = ticks.clone();
        async move {
            for _ in 0..1_000 {
                ticks.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        }
    });
    tokio::time::timeout(DEADLINE, ticker)
        .await
        .expect("the ticker finished")
        .expect("the ticker did not panic");
    assert_eq!(ticks.load(Ordering::SeqCst), 1_000);
    assert!(!write.is_finished(), "the write is still held by the gate");
    clock.release();
    let (status, answer) = tokio::time::timeout(DEADLINE, write)
        .await
        .expect("the write finished once released")
        .expect("the write task did not panic");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["UnprocessedItems"], json!({}));
    assert!(!clock.timed_out.load(Ordering::SeqCst));
}

/// A burst larger than the engine's queue and batch: every request is answered, in full.
#[tokio::test]
async fn a_write_burst_is_answered_in_full() {
    let service = start(Arc::new(GateClock::default())).await;
    let writers: Vec<_> = (0..40)
        .map(|round| {
            let service = service.clone();
            tokio::spawn(async move { call(&service, "BatchWriteItem", &batch(round, 1)).await })
        })
        .chain((0..1_200).map(|i| {
            let service = service.clone();
            tokio::spawn(async move {
                let item =
                    json!({"TableName": "profiles", "Item": {"userId": {"S": format!("put-{i}")}}});
                call(&service, "PutItem", &item).await
            })
        }))
        .collect();
    let all = async {
        for w in writers {
            let (status, answer) = w.await.expect("writer task");
            assert_eq!(status, 200, "{answer}");
        }
    };
    tokio::time::timeout(DEADLINE * 4, all)
        .await
        .expect("the burst was answered before the deadline");
    // Scan pages stop at 1 MB, so the count is summed over the pages.
    let mut count = 0;
    let mut scan = json!({"TableName": "profiles", "Select": "COUNT"});
    loop {
        let (status, page) = call(&service, "Scan", &scan).await;
        assert_eq!(status, 200, "{page}");
        count += page["Count"].as_u64().expect("Count");
        match page.get("LastEvaluatedKey") {
            Some(last) => scan["ExclusiveStartKey"] = last.clone(),
            None => break,
        }
    }
    assert_eq!(count, 40 * 25 + 1_200);
}

/// The engine passes dynoxide's answer through untouched: status, headers that do not vary
/// per request, and body are byte for byte those of dynoxide's router called directly.
#[tokio::test]
async fn answers_are_dynoxides_own() {
    let service = start(Arc::new(GateClock::default())).await;
    let direct_db = localcloud_dynamodb::Database::memory().expect("db");
    localcloud_dynamodb::tables::ensure_table(&direct_db, &common::profiles(), "mem")
        .expect("table");
    let direct = dynoxide::server::build_router(direct_db);
    // One attribute: an item's attributes come out in hash-map order, which differs per map.
    let put = json!({"TableName": "profiles", "Item": {"userId": {"S": "u-1"}}});
    let get = json!({"TableName": "profiles", "Key": {"userId": {"S": "u-1"}}});
    let missing = json!({"TableName": "nope", "Key": {"userId": {"S": "u-1"}}});
    for (operation, body) in [("PutItem", &put), ("GetItem", &get), ("GetItem", &missing)] {
        use tower::ServiceExt;
        let ours = service.handle(request(operation, body)).await;
        let theirs = direct
            .clone()
            .oneshot(request(operation, body))
            .await
            .expect("infallible");
        assert_eq!(ours.status(), theirs.status(), "{operation}");
        for h in ["content-type", "x-amz-crc32", "server"] {
            assert_eq!(
                ours.headers().get(h),
                theirs.headers().get(h),
                "{operation} {h}"
            );
        }
        let ours = ours.into_body().collect().await.expect("body").to_bytes();
        let theirs = theirs.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(ours, theirs, "{operation}");
    }
}
