//! dynoxide's router on a thread of its own. dynoxide runs every SQLite operation synchronously
//! on the thread that polls its handler, so calling the router from an async handler would
//! stall that tokio worker for the whole write, and with it every other task the worker serves
//! (the Lambda Runtime API, S3, the other services on the shared endpoint). Here the router
//! runs on one named OS thread with a current-thread runtime; a request reaches it through a
//! channel with a oneshot for the answer, so the async side only sends and awaits.
//!
//! One thread also keeps dynoxide's requests in arrival order and one at a time, which the
//! engine serialises anyway behind its database lock. The TTL sweep, exports and seeds run on
//! tokio's blocking pool instead: the sweep steps aside between pages through that lock, which
//! only helps if requests are not queued behind it on this thread.

use std::panic::AssertUnwindSafe;
use std::thread::JoinHandle;

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use axum::Router;
use dynoxide::Database;
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, oneshot};
use tower::ServiceExt;

/// A request and where its answer goes.
type Job = (Request<Body>, oneshot::Sender<Response>);

/// How many requests may wait for the thread; senders beyond it wait as tasks, so a burst
/// costs memory for at most this many requests here (their bodies are already read).
const QUEUE: usize = 1024;

/// How many queued requests the thread takes per wake-up: under load it answers them back to
/// back without parking in between.
const BATCH: usize = 64;

/// The thread's name (`top -H`, panics, debuggers).
const THREAD_NAME: &str = "dynamodb-engine";

/// The thread running dynoxide's router, stopped and joined when dropped.
pub(crate) struct Engine {
    /// `None` once stopping: the thread ends when the last sender is gone.
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Engine {
    /// Starts the thread with dynoxide's router over `db`.
    pub(crate) fn start(db: Database) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        // Built here so a failure is the caller's error rather than a dead thread. Time and I/O
        // are enabled in case a handler ever needs them; dynoxide 3.2's do not.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let router = dynoxide::server::build_router(db);
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || serve(&runtime, &router, queue))?;
        Ok(Self {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// dynoxide's answer to `req`, or `None` when the thread is gone (stopped, or a handler
    /// panicked on this request).
    pub(crate) async fn answer(&self, req: Request<Body>) -> Option<Response> {
        let (reply, answer) = oneshot::channel();
        self.jobs.as_ref()?.send((req, reply)).await.ok()?;
        answer.await.ok()
    }

    /// Stops taking requests, lets the thread finish the one it is on, and joins it. The wait
    /// is one request at most: when the service is dropped no handler is left awaiting, so
    /// whatever is still queued has a closed reply and is skipped.
    fn stop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            // The thread never owns an `Engine`, but joining itself would hang forever.
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The thread's loop: until every sender is gone, take what is queued and answer it in order.
fn serve(runtime: &Runtime, router: &Router, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(BATCH);
    // `recv_many` parks only when the queue is empty, and returns 0 only once it is closed
    // and drained.
    while runtime.block_on(queue.recv_many(&mut batch, BATCH)) > 0 {
        for (req, reply) in batch.drain(..) {
            // Its caller went away before it started (a dropped connection): skip it, as
            // a request still waiting for its turn was skipped when dynoxide ran in-process.
            if reply.is_closed() {
                continue;
            }
            let call = router.clone().oneshot(req);
            // A panic in one handler must not take the thread, and every later request, down:
            // the reply is dropped and that caller answers with an error.
            match std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(call))) {
                Ok(Ok(resp)) => {
                    let _ = reply.send(resp);
                }
                Ok(Err(never)) => match never {},
                Err(_) => tracing::error!("dynoxide panicked answering a request"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn list_tables() -> Request<Body> {
        Request::post("/")
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", "DynamoDB_20120810.ListTables")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=test/20261128/us-east-1/dynamodb/aws4_request, \
                 SignedHeaders=host, Signature=x",
            )
            .header("x-amz-date", "20261128T120000Z")
            .body(Body::from("{}"))
            .expect("request")
    }

    #[tokio::test]
    async fn answers_on_its_own_thread_and_stops_when_dropped() {
        let mut engine = Engine::start(Database::memory().expect("db")).expect("engine");
        let resp = engine.answer(list_tables()).await.expect("answer");
        assert_eq!(resp.status(), 200);
        let thread = engine.thread.take().expect("thread");
        assert_eq!(thread.thread().name(), Some(THREAD_NAME));
        // Dropping closes the queue; the thread then ends by itself (joined here with a deadline
        // instead of by the drop, since the handle was taken).
        drop(engine);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !thread.is_finished() {
            assert!(
                Instant::now() < deadline,
                "the engine thread still runs 30 s after its Engine was dropped"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        thread.join().expect("the thread ended without a panic");
    }

    #[tokio::test]
    async fn a_stopped_engine_answers_none() {
        let mut engine = Engine::start(Database::memory().expect("db")).expect("engine");
        engine.stop();
        assert!(engine.thread.is_none(), "stop joined the thread");
        assert!(engine.answer(list_tables()).await.is_none());
    }
}
