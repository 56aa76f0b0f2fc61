//! DynamoDB for the local cloud: the embedded `dynoxide` engine behind the shared service
//! endpoint, the template's tables created as declared, and what dynoxide does not have
//! (point-in-time recovery flags, exports to the local S3, one-time seed files).
//!
//! # Layout
//!
//! - [`tables`]: `AWS::DynamoDB::Table` properties -> `CreateTable`; create-or-verify at start.
//! - [`serve`]: the request handler the service endpoint calls: dynoxide's own router, called
//!   in-process, or this crate for the operations dynoxide lacks.
//! - [`pitr`]: `UpdateContinuousBackups` / `DescribeContinuousBackups`.
//! - [`export`]: `ExportTableToPointInTime` / `DescribeExport` / `ListExports` and AWS's
//!   export layout in S3.
//! - [`operations`]: the in-process answers to the operations dynoxide lacks.
//! - [`seed`]: `BatchWriteItem`-shaped seed files, loaded once.
//! - [`persist`]: atomic JSON side files in the state folder.
//! - [`error`]: DynamoDB's error codes in the JSON 1.0 shape, and startup errors.
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

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use axum::Router;
use dynoxide::storage_backend::{Clock, SystemClock};
pub use dynoxide::Database;
use localcloud_s3::Store;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use error::{DynamoError, SetupError};
pub use seed::SeedOutcome;
pub use serve::is_dynamodb_request;
pub use tables::TableSpec;

use pitr::{PitrState, PitrTable};

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
    engine: serve::Engine,
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

impl DynamoService {
    /// Opens the database, creates or verifies `tables`, applies their TTL and PITR settings,
    /// and starts the TTL sweep. Exports are written into `s3`.
    pub async fn start(
        settings: Settings,
        tables: &[TableSpec],
        s3: Store,
    ) -> Result<Self, SetupError> {
        let clock: Arc<dyn Clock> = settings.clock.clone().unwrap_or_else(SystemClock::arc);
        let engine = |context: &str| {
            let context = context.to_string();
            move |e: dynoxide::DynoxideError| SetupError::Engine {
                context,
                message: e.to_string(),
            }
        };
        let (db, side_dir, state_label) = match &settings.state_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(io_err(dir))?;
                let file = dir.join("dynamodb.sqlite");
                let label = file.display().to_string();
                let db = Database::new(&label).map_err(engine(&format!("open {label}")))?;
                (db, Some(dir.join("dynamodb")), label)
            }
            None => {
                let db = match &settings.clock {
                    Some(c) => Database::memory_with_clock(c.clone()),
                    None => Database::memory(),
                }
                .map_err(engine("open in-memory database"))?;
                (db, None, "memory (--ephemeral)".to_string())
            }
        };
        let load = |name: &str| -> Result<Option<PathBuf>, SetupError> {
            Ok(side_dir.as_ref().map(|d| d.join(name)))
        };
        let pitr_path = load("pitr.json")?;
        let mut pitr: PitrTable = match &pitr_path {
            Some(p) => persist::load(p).map_err(io_err(p))?,
            None => PitrTable::new(),
        };
        let mut exports: ExportBook = match load("exports.json")? {
            Some(p) => persist::load(&p).map_err(io_err(&p))?,
            None => ExportBook::default(),
        };
        // An export still IN_PROGRESS was cut short when the last run stopped: report it as
        // failed rather than leaving a caller polling forever.
        let interrupted = exports
            .exports
            .iter_mut()
            .filter(|r| r.description["ExportStatus"] == "IN_PROGRESS")
            .map(|r| {
                export::complete(
                    &mut r.description,
                    &Err((
                        "UNKNOWN".into(),
                        "The export was interrupted: localcloud stopped before it finished".into(),
                    )),
                    clock.now_unix_secs_f64(),
                )
            })
            .count();
        if interrupted > 0 {
            if let Some(p) = load("exports.json")? {
                persist::save(&p, &exports).map_err(io_err(&p))?;
            }
        }
        let seeds: SeedBook = match load("seeds.json")? {
            Some(p) => persist::load(&p).map_err(io_err(&p))?,
            None => SeedBook::default(),
        };
        let now = clock.now_unix_secs_f64();
        for spec in tables {
            tables::ensure_table(&db, spec, &state_label)?;
            // The template's value applies when it is new or changed since the last start, as a
            // deploy would; a flag changed through the API survives restarts otherwise.
            let declared = (spec.pitr_enabled, spec.pitr_recovery_days);
            let entry = pitr.entry(spec.table_name.clone()).or_insert(PitrState {
                enabled: spec.pitr_enabled,
                enabled_at: now,
                recovery_days: spec.pitr_recovery_days,
                template: None,
            });
            if entry.template != Some(declared) {
                if spec.pitr_enabled && !entry.enabled {
                    entry.enabled_at = now;
                }
                entry.enabled = spec.pitr_enabled;
                entry.recovery_days = spec.pitr_recovery_days;
                entry.template = Some(declared);
            }
        }
        if let Some(p) = &pitr_path {
            persist::save(p, &pitr).map_err(io_err(p))?;
        }
        let engine = serve::Engine::new(db.clone());
        let service = Self {
            inner: Arc::new(Inner {
                db,
                s3,
                side_dir,
                state_label,
                clock,
                pitr: Mutex::new(pitr),
                exports: Mutex::new(exports),
                seeds: Mutex::new(seeds),
                engine,
                sweeper: Mutex::new(None),
            }),
        };
        if let Some(every) = settings.ttl_sweep_interval {
            let db = service.inner.db.clone();
            let handle = tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let db = db.clone();
                    match tokio::task::spawn_blocking(move || db.sweep_ttl()).await {
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

    /// The in-process database (for stream pollers, handlers' tests and seeding).
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

    /// Deletes expired items now; returns how many.
    pub fn sweep_ttl(&self) -> Result<usize, DynamoError> {
        self.inner.db.sweep_ttl().map_err(internal)
    }

    /// Stops the TTL sweep.
    pub async fn shutdown(&self) {
        if let Ok(mut s) = self.inner.sweeper.lock() {
            if let Some(h) = s.take() {
                h.abort();
            }
        }
    }

    /// Loads a `BatchWriteItem`-shaped seed file into `table`, unless this state folder has
    /// already loaded it (the first start only).
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
