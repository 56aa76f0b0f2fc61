//! The local Lambda service: the template's functions run as real child processes against a
//! local Runtime API, behind Lambda's Invoke API, with Lambda's concurrency rules.
//!
//! # Layout
//!
//! - [`config`]: [`FunctionConfig`] (one function, resolved from the template) and
//!   [`ServiceSettings`] (account limit, idle reaping, region, endpoint, log sink).
//! - [`service`]: [`LambdaService`], the value the CLI builds: provisioned start-up, the
//!   in-process [`LambdaService::invoke`] (Step Functions and event sources call it), reaping
//!   and shutdown.
//! - [`invoke`]: one invocation end to end: payload checks, admission, warm or cold
//!   environment, START/END/REPORT, timeouts and crashes in AWS's words, the `Event` queue.
//! - [`pool`]: concurrency accounting (reserved, unreserved, account limit) and idle
//!   environments per function version.
//! - [`environment`]: one execution environment: the child process, its environment
//!   variables, its output pumped into the log, kill on timeout.
//! - [`runtime_api`]: the `/2018-06-01/runtime/...` server each environment talks to.
//! - [`invoke_api`]: the REST-JSON routes (Invoke, GetFunction, ListFunctions, concurrency).
//! - [`logs`]: log sinks (files, channel), the REPORT line, the 4 KB tail.
//! - [`error`]: [`LambdaError`], one variant per Lambda API error code, in Lambda's wire shape.
//!
//! # Differences from AWS
//!
//! Memory size is reported but not enforced; there is no sandbox (an environment is a plain
//! process with a clean environment except `PATH`); `Event` invocations that still fail after
//! their two retries are logged and dropped (no DLQ or destinations); the async payload limit
//! is 256 KB.

#![warn(missing_docs)]

pub mod config;
pub mod environment;
pub mod error;
pub mod invoke;
pub mod invoke_api;
pub mod logs;
pub mod pool;
pub mod runtime_api;
pub mod service;

pub use config::{FunctionConfig, ServiceSettings, LATEST};
pub use error::{LambdaError, ThrottleReason};
pub use invoke::{InvocationType, InvokeOutcome};
pub use logs::{ChannelSink, FanoutSink, FileSink, LogRecord, LogSink};
pub use service::LambdaService;

impl LambdaService {
    /// The Lambda API router for the service endpoint.
    pub fn router(&self) -> axum::Router {
        invoke_api::router(self.clone())
    }
}
