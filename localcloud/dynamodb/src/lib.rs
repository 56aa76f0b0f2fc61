//! DynamoDB for the local cloud: the embedded `dynoxide` engine behind the shared service
//! endpoint, the template's tables created as declared, and what dynoxide does not have
//! (point-in-time recovery flags, exports to the local S3, one-time seed files).
//!
//! # Layout
//!
//! - [`tables`]: the template's tables -> `CreateTable` ([`TableSpec::from_table`] from the
//!   typed `localcloud_template` model); create-or-verify at start.
//! - `startup`: opening the database and side files and creating the tables, run by
//!   [`DynamoService::start`] on tokio's blocking pool.
//! - [`serve`]: the request handler the service endpoint calls: dynoxide's own router, or
//!   this crate for the operations dynoxide lacks.
//! - `engine`: the OS thread dynoxide's router runs on, so a write (synchronous SQLite) never
//!   stalls a tokio worker serving other services; requests reach it through a channel.
//! - [`pitr`]: `UpdateContinuousBackups` / `DescribeContinuousBackups`.
//! - [`export`]: `ExportTableToPointInTime` / `DescribeExport` / `ListExports` and AWS's
//!   export layout in S3.
//! - [`operations`]: the in-process answers to the operations dynoxide lacks (on the blocking
//!   pool).
//! - [`seed`]: `BatchWriteItem`-shaped seed files, loaded once.
//! - [`persist`]: atomic JSON side files in the state folder.
//! - [`error`]: DynamoDB's error codes in the JSON 1.0 shape, and startup errors.
//!
//! # Threads
//!
//! Nothing here blocks a runtime worker: dynoxide's requests run on the `dynamodb-engine`
//! thread (stopped and joined when the last clone of the service is dropped); startup, the TTL
//! sweep, seeds, the local operations and exports run on tokio's blocking pool. Only
//! [`DynamoService::database`] and [`DynamoService::load_seed`] hand blocking work to the
//! caller.
//!
//! # Mounting on the service endpoint
//!
//! The endpoint (`127.0.0.1:4566`) asks [`is_dynamodb_request`] first (an `X-Amz-Target` of
//! `DynamoDB_20120810.*` or `DynamoDBStreams_20120810.*`) and hands those requests to
//! [`DynamoService::handle`]; other `X-Amz-Target`s go to their JSON services (an unknown one
//! gets `UnknownOperationException`); requests without a target go to
//! `localcloud_s3::is_s3_request` / `localcloud_s3::router` or the REST services (Lambda's
//! `/2015-03-31/...`). Template buckets are created with `localcloud_s3::Store::ensure_bucket`
//! before exports can write to them.
//!
//! # Durability
//!
//! With a state folder the tables live in `<state>/dynamodb.sqlite`. dynoxide 3.2 opens it
//! with `PRAGMA journal_mode=WAL` and leaves `synchronous` at the bundled SQLite's default,
//! `FULL` (libsqlite3-sys sets no `SQLITE_DEFAULT_SYNCHRONOUS`/`SQLITE_DEFAULT_WAL_SYNCHRONOUS`;
//! dynoxide only changes it in its bulk-load mode, which this crate never turns on). Every
//! write runs to commit before dynoxide sends its response, so a write that was acknowledged
//! is in the WAL file: a `kill -9` of the process loses nothing (the OS keeps the written
//! pages; even `NORMAL` would survive a process kill, only power loss needs `FULL`'s fsync).
//! The test `durability::acknowledged_put_survives_kill_9` checks it with a child process.
//!
//! # TTL and streams
//!
//! dynoxide's HTTP server does not sweep expired items by itself (only its MCP tool calls
//! `Database::sweep_ttl`), so [`DynamoService`] runs the sweep on an interval
//! ([`Settings::ttl_sweep_interval`]); [`DynamoService::sweep_ttl`] runs one now. Streams
//! (`DynamoDBStreams_20120810.*`) are served by dynoxide like the rest; the
//! in-process [`Database`] is available to stream pollers through [`DynamoService::database`].

#![warn(missing_docs)]

pub mod error;
pub mod export;
pub mod operations;
pub mod persist;
pub mod pitr;
pub mod seed;
pub mod serve;
pub mod tables;

mod engine;
mod startup;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use axum::Router;
use dynoxide::storage_backend::Clock;
pub use dynoxide::Database;
use localcloud_s3::Store;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use error::{DynamoError, SetupError};
pub use seed::SeedOutcome;
pub use serve::is_dynamodb_request;
pub use tables::TableSpec;

use pitr::PitrTable;

/// How to build the service.
#[derive(Clone)]
pub struct Settings {
    /// `Some(.localcloud)`: tables in `dynamodb.sqlite` and side files in `dynamodb/` there.
    /// `None`: everything in memory (`--ephemeral`).
    pub state_dir: Option<PathBuf>,
    /// The clock for TTL, streams and PITR windows. dynoxide can only take a clock for an
    /// in-memory database, so with a state folder its own TTL/stream paths read the system
    /// clock and this clock drives only the PITR/export timestamps.
    pub clock: Option<Arc<dyn Clock>>,
    /// How often expired items are swept; `None` turns the background sweep off.
    pub ttl_sweep_interval: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            state_dir: None,
            clock: None,
            ttl_sweep_interval: Some(Duration::from_secs(30)),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("state_dir", &self.state_dir)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .field("ttl_sweep_interval", &self.ttl_sweep_interval)
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ExportRecord {
    description: Value,
    fingerprint: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ExportBook {
    exports: Vec<ExportRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SeedBook {
    loaded: Vec<String>,
}

struct Inner {
    db: Database,
    s3: Store,
    side_dir: Option<PathBuf>,
    state_label: String,
    clock: Arc<dyn Clock>,
    pitr: Mutex<PitrTable>,
    exports: Mutex<ExportBook>,
    seeds: Mutex<SeedBook>,
    engine: engine::Engine,
    sweeper: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(mut s) = self.sweeper.lock() {
            if let Some(h) = s.take() {
                h.abort();
            }
        }
    }
}

/// The DynamoDB service: cheap to clone, every clone is the same service.
#[derive(Clone)]
pub struct DynamoService {
    inner: Arc<Inner>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SetupError + '_ {
    move |source| SetupError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn internal(e: impl std::fmt::Display) -> DynamoError {
    DynamoError::InternalServerError(e.to_string())
}

/// Runs blocking work (SQLite, fsync) on tokio's blocking pool so it never stalls a runtime
/// worker; a panic there comes back as the error.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    tokio::task::spawn_blocking(work).await
}

impl DynamoService {
    /// Opens the database, creates or verifies `tables`, applies their TTL and PITR settings,
    /// starts the engine thread and the TTL sweep. Exports are written into `s3`.
    pub async fn start(
        settings: Settings,
        tables: &[TableSpec],
        s3: Store,
    ) -> Result<Self, SetupError> {
        let sweep_every = settings.ttl_sweep_interval;
        let tables = tables.to_vec();
        let opened = blocking(move || startup::open(&settings, &tables))
            .await
            .map_err(error::engine_error("startup"))??;
        let engine = engine::Engine::start(opened.db.clone())
            .map_err(error::engine_error("start the DynamoDB engine thread"))?;
        let service = Self {
            inner: Arc::new(Inner {
                db: opened.db,
                s3,
                side_dir: opened.side_dir,
                state_label: opened.state_label,
                clock: opened.clock,
                pitr: Mutex::new(opened.pitr),
                exports: Mutex::new(opened.exports),
                seeds: Mutex::new(opened.seeds),
                engine,
                sweeper: Mutex::new(None),
            }),
        };
        if let Some(every) = sweep_every {
            let db = service.inner.db.clone();
            let handle = tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let db = db.clone();
                    // The blocking pool, not the engine thread: the sweep steps aside for
                    // requests between pages, which needs them on another thread.
                    match blocking(move || db.sweep_ttl()).await {
                        Ok(Ok(n)) if n > 0 => tracing::debug!(deleted = n, "TTL sweep"),
                        Ok(Err(e)) => tracing::warn!(error = %e, "TTL sweep failed"),
                        _ => {}
                    }
                }
            });
            if let Ok(mut s) = service.inner.sweeper.lock() {
                *s = Some(handle);
            }
        }
        Ok(service)
    }

    /// The in-process database (for stream pollers, handlers' tests and seeding). Its calls
    /// block the calling thread: make them from `spawn_blocking` or a thread of your own.
    pub fn database(&self) -> &Database {
        &self.inner.db
    }

    /// Where the tables are kept, for the startup banner.
    pub fn state_label(&self) -> &str {
        &self.inner.state_label
    }

    /// An axum router answering DynamoDB requests on any path (mount it, or call
    /// [`Self::handle`] from the endpoint's own dispatch after [`is_dynamodb_request`]).
    pub fn router(&self) -> Router {
        let svc = self.clone();
        Router::new().fallback(move |req: Request<Body>| {
            let svc = svc.clone();
            async move { serve::handle(svc, req).await }
        })
    }

    /// Answers one DynamoDB or DynamoDB Streams request.
    pub async fn handle(&self, req: Request<Body>) -> Response {
        serve::handle(self.clone(), req).await
    }

    /// Deletes expired items now, on the blocking pool; returns how many.
    pub async fn sweep_ttl(&self) -> Result<usize, DynamoError> {
        let db = self.inner.db.clone();
        blocking(move || db.sweep_ttl())
            .await
            .map_err(internal)?
            .map_err(internal)
    }

    /// Stops the TTL sweep.
    pub async fn shutdown(&self) {
        if let Ok(mut s) = self.inner.sweeper.lock() {
            if let Some(h) = s.take() {
                h.abort();
            }
        }
    }

    /// [`Self::load_seed`] on the blocking pool, for async callers (the stack's startup).
    pub async fn load_seed_async(
        &self,
        file: &Path,
        table: &str,
    ) -> Result<SeedOutcome, SetupError> {
        let (svc, file, table) = (self.clone(), file.to_path_buf(), table.to_string());
        blocking(move || svc.load_seed(&file, &table))
            .await
            .map_err(error::engine_error("seed"))?
    }

    /// Loads a `BatchWriteItem`-shaped seed file into `table`, unless this state folder has
    /// already loaded it (the first start only). Blocks the calling thread on SQLite and the
    /// file system: async callers use [`Self::load_seed_async`].
    pub fn load_seed(&self, file: &Path, table: &str) -> Result<SeedOutcome, SetupError> {
        let key = seed::marker(file, table);
        if self
            .inner
            .seeds
            .lock()
            .map(|s| s.loaded.contains(&key))
            .unwrap_or(false)
        {
            return Ok(SeedOutcome::AlreadyLoaded);
        }
        if tables::describe(&self.inner.db, table)?.is_none() {
            return Err(SetupError::InvalidSeed {
                path: file.display().to_string(),
                message: format!("table {table} does not exist"),
            });
        }
        let requests = seed::read_requests(file)?;
        let n = seed::write(&self.inner.db, table, &requests, file)?;
        let mut seeds = self.inner.seeds.lock().map_err(|e| SetupError::Engine {
            context: "seed book".into(),
            message: e.to_string(),
        })?;
        seeds.loaded.push(key);
        if let Some(dir) = &self.inner.side_dir {
            let p = dir.join("seeds.json");
            persist::save(&p, &*seeds).map_err(io_err(&p))?;
        }
        Ok(SeedOutcome::Loaded(n))
    }
}
