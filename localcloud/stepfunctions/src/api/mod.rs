//! The Step Functions API (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Op>`) on the
//! service endpoint: [`StepFunctionsService`] holds the state machines and executions, runs
//! executions on the engine with the [`Integrations`] executor, and persists the Standard ones.
//!
//! - [`error`]: [`SfnError`], the API's error codes, answered in `localcloud-wire`'s JSON 1.0
//!   envelope (it implements [`ServiceError`]).
//! - `record` (private): the stored `MachineRecord` and `ExecutionRecord`, with the typed
//!   [`MachineType`] and execution [`Status`].
//! - [`store`]: the JSON files under the state folder (durable writes, one file per Standard
//!   execution under an injective encoding of its ARN).
//! - `restore` (private): loading them at start (running ones failed, old files repaired).
//! - `retention` (private): [`ExpressRetention`], the bounds on ended Express executions kept
//!   in memory (they are never written to disk).
//! - `machines` (private): Create/Describe/List/Update/Delete/ValidateStateMachine(Definition).
//! - `executions` (private): Start(Sync)Execution, Describe/List/Stop, GetExecutionHistory,
//!   SendTask*.
//! - `test_state` (private): TestState, one state in isolation with mocked results.
//! - [`template`]: the template's state machines created at `up`.
//!
//! # Wiring (what `localcloud-stack`'s `stack.rs` does)
//!
//! ```text
//! let integrations = Integrations::new()
//!     .with_lambda(Arc::new(lambda_service.clone()))
//!     .with_dynamo(Arc::new(HttpDynamo::new("http://127.0.0.1:4566")));
//! let sfn = StepFunctionsService::new(Settings { state_dir: Some(".localcloud".into()), ..Default::default() }, integrations)?;
//! sfn.create_from_template(&machines)?;                     // TemplateMachine per AWS::Serverless::StateMachine
//! // on the service endpoint: if is_stepfunctions_request(req.headers()) { sfn.handle(req).await }
//! ```
//!
//! `tests/common/mod.rs` builds exactly this from `template.yaml` (tables, functions, machines).

pub mod error;
mod executions;
mod machines;
mod record;
mod restore;
mod retention;
pub mod store;
pub mod template;
mod test_state;

pub use error::SfnError;
pub use localcloud_wire::error::ServiceError;
pub use record::{MachineType, Status};
pub use retention::ExpressRetention;

use record::{ExecutionRecord, MachineRecord};

use crate::clock::{Clock, TokioClock};
use crate::integration::{ExecutionStarter, Integrations};
use crate::task::TaskError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use localcloud_wire::body::BodyError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use tokio::sync::{oneshot, watch};

/// The largest request body read (AWS's limit on a Step Functions request: inputs and
/// definitions are far smaller, so anything bigger is refused before it is parsed).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The `X-Amz-Target` prefix of this service.
pub const TARGET_PREFIX: &str = "AWSStepFunctions.";

/// Whether a request on the shared endpoint is for this service.
pub fn is_stepfunctions_request(headers: &HeaderMap) -> bool {
    headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with(TARGET_PREFIX))
}

/// How to build the service.
#[derive(Clone)]
pub struct Settings {
    /// `Some(.localcloud)`: persist under `<state>/stepfunctions`; `None`: memory only.
    pub state_dir: Option<PathBuf>,
    /// Region in ARNs.
    pub region: String,
    /// Account id in ARNs.
    pub account_id: String,
    /// The engine's clock.
    pub clock: Arc<dyn Clock>,
    /// Express executions' duration limit (AWS: five minutes).
    pub express_limit_seconds: u64,
    /// How many ended Express executions stay in memory, and for how long.
    pub express_retention: ExpressRetention,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            state_dir: None,
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            clock: Arc::new(TokioClock::new()),
            express_limit_seconds: 300,
            express_retention: ExpressRetention::default(),
        }
    }
}

/// A live execution's handles.
pub(crate) struct Live {
    pub history: crate::history::History,
    pub stop: Option<oneshot::Sender<crate::execution::StopRequest>>,
    /// The final record once it ended: a waiter reads it from here, so it never races the
    /// Express retention's eviction of the record from [`Inner::executions`].
    pub done: Done,
}

/// Turns `Some` with the final record when an execution ends.
pub(crate) type Done = watch::Receiver<Option<Arc<ExecutionRecord>>>;

pub(crate) struct Inner {
    pub settings: Settings,
    pub store: Option<store::Store>,
    pub integrations: Arc<Integrations>,
    pub machines: Mutex<BTreeMap<String, MachineRecord>>,
    /// Shared records: a describe or list clones a pointer, not a history.
    pub executions: Mutex<BTreeMap<String, Arc<ExecutionRecord>>>,
    pub live: Mutex<BTreeMap<String, Live>>,
    /// Ended Express executions, for the retention bounds.
    pub express_ended: Mutex<retention::Ended>,
    /// Held while an execution's record is read and written, so a start's write never lands
    /// after (and over) the same execution's end.
    pub persisting: Mutex<()>,
    pub me: Weak<Inner>,
}

/// The Step Functions service: cheap to clone, every clone is the same service.
#[derive(Clone)]
pub struct StepFunctionsService {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Seconds since the epoch, as the JSON protocol sends timestamps.
pub(crate) fn epoch(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
#[error("step functions state in {path}: {source}")]
pub struct StartError {
    /// The file.
    pub path: String,
    /// The failure.
    pub source: std::io::Error,
}

/// The cause recorded on executions found running when the service starts.
pub const RESTART_CAUSE: &str = "localcloud restarted while the execution was running";

impl StepFunctionsService {
    /// Builds the service around `integrations` (with Lambda and DynamoDB wired by the
    /// caller), loading persisted machines and Standard executions. Executions found `RUNNING`
    /// are marked `FAILED` with [`RESTART_CAUSE`] (their in-memory progress is gone).
    pub fn new(
        settings: Settings,
        integrations: Integrations,
    ) -> Result<StepFunctionsService, StartError> {
        let store = settings.state_dir.as_deref().map(store::Store::new);
        let integrations = Arc::new(integrations);
        let (machines, executions) = match &store {
            Some(s) => restore::restore(s, settings.clock.as_ref())?,
            None => Default::default(),
        };
        let inner = Arc::new_cyclic(|me| Inner {
            settings,
            store,
            integrations,
            machines: Mutex::new(machines),
            executions: Mutex::new(executions),
            live: Mutex::new(BTreeMap::new()),
            express_ended: Mutex::new(retention::Ended::default()),
            persisting: Mutex::new(()),
            me: me.clone(),
        });
        let starter: Weak<dyn ExecutionStarter> =
            Arc::downgrade(&inner) as Weak<dyn ExecutionStarter>;
        inner.integrations.set_starter(starter);
        Ok(StepFunctionsService { inner })
    }

    /// The integrations (the token table SendTask* uses lives there).
    pub fn integrations(&self) -> &Arc<Integrations> {
        &self.inner.integrations
    }

    /// Runs one operation (`CreateStateMachine`, ...) on a JSON request.
    pub async fn call(&self, operation: &str, req: Value) -> Result<Value, SfnError> {
        if !req.is_object() {
            return Err(SfnError::SerializationException(
                "Start of structure or map found where not expected".into(),
            ));
        }
        let i = &self.inner;
        match operation {
            "CreateStateMachine" => i.create_state_machine(&req),
            "DescribeStateMachine" => i.describe_state_machine(&req),
            "ListStateMachines" => i.list_state_machines(&req),
            "UpdateStateMachine" => i.update_state_machine(&req),
            "DeleteStateMachine" => i.delete_state_machine(&req),
            "ValidateStateMachineDefinition" => Ok(machines::validate_definition(&req)),
            "StartExecution" => i.start_execution(&req).await,
            "StartSyncExecution" => i.start_sync_execution(&req).await,
            "DescribeExecution" => i.describe_execution(&req),
            "ListExecutions" => i.list_executions(&req),
            "GetExecutionHistory" => i.get_execution_history(&req),
            "StopExecution" => i.stop_execution(&req),
            "SendTaskSuccess" => i.send_task_success(&req),
            "SendTaskFailure" => i.send_task_failure(&req),
            "SendTaskHeartbeat" => i.send_task_heartbeat(&req),
            "TestState" => i.test_state(&req).await,
            other => Err(SfnError::UnknownOperationException(format!(
                "Operation {other} is not supported by localcloud"
            ))),
        }
    }

    /// Handles one HTTP request of the JSON 1.0 protocol.
    pub async fn handle(&self, req: Request<Body>) -> Response {
        let (parts, body) = req.into_parts();
        let op = parts
            .headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .and_then(|t| t.strip_prefix(TARGET_PREFIX))
            .unwrap_or_default()
            .to_string();
        let body = match localcloud_wire::body::read(body, MAX_BODY).await {
            Ok(b) => b,
            Err(BodyError::TooLarge { .. }) => {
                return SfnError::ValidationException("Request entity too large".into())
                    .into_response()
            }
            Err(BodyError::Read(e)) => return SfnError::SerializationException(e).into_response(),
        };
        let req: Value = if body.is_empty() {
            Value::Object(Default::default())
        } else {
            match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(e) => return SfnError::SerializationException(e.to_string()).into_response(),
            }
        };
        match self.call(&op, req).await {
            Ok(v) => {
                let mut r = (StatusCode::OK, v.to_string()).into_response();
                r.headers_mut().insert(
                    "content-type",
                    HeaderValue::from_static("application/x-amz-json-1.0"),
                );
                localcloud_wire::request_id::ensure(&mut r);
                r
            }
            Err(e) => e.into_response(),
        }
    }

    /// A router answering every path with [`StepFunctionsService::handle`].
    pub fn router(&self) -> axum::Router {
        let me = self.clone();
        axum::Router::new().fallback(move |req: Request<Body>| {
            let me = me.clone();
            async move { me.handle(req).await }
        })
    }
}

impl ExecutionStarter for Inner {
    fn start<'a>(&'a self, params: Value) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move {
            let mut req = serde_json::Map::new();
            if let Some(a) = params.get("StateMachineArn") {
                req.insert("stateMachineArn".into(), a.clone());
            }
            if let Some(n) = params.get("Name") {
                req.insert("name".into(), n.clone());
            }
            match params.get("Input") {
                Some(Value::String(s)) => {
                    req.insert("input".into(), Value::String(s.clone()));
                }
                Some(v) => {
                    req.insert("input".into(), Value::String(v.to_string()));
                }
                None => {}
            }
            let out = self
                .start_execution(&Value::Object(req))
                .await
                .map_err(|e| TaskError {
                    error: starter_error(&e),
                    cause: e.to_string(),
                })?;
            Ok(serde_json::json!({
                "ExecutionArn": out["executionArn"],
                "StartDate": out["startDate"],
            }))
        })
    }

    fn wait<'a>(&'a self, execution_arn: &'a str) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move {
            let done = lock(&self.live).get(execution_arn).map(|l| l.done.clone());
            let ended = match done {
                Some(mut done) => done
                    .wait_for(Option::is_some)
                    .await
                    .ok()
                    .and_then(|r| r.clone()),
                None => None,
            };
            match ended {
                Some(rec) => Ok(executions::describe(&rec)),
                None => self
                    .describe_execution(&serde_json::json!({"executionArn": execution_arn}))
                    .map_err(|e| TaskError {
                        error: crate::error::names::TASK_FAILED.into(),
                        cause: e.to_string(),
                    }),
            }
        })
    }
}

/// The error name a `states:startExecution` task fails with: AWS's SDK exception name
/// (`StepFunctions.ExecutionAlreadyExistsException`), without doubling a code that already
/// ends in `Exception`.
fn starter_error(e: &SfnError) -> String {
    let code = e.code();
    if code.ends_with("Exception") {
        format!("StepFunctions.{code}")
    } else {
        format!("StepFunctions.{code}Exception")
    }
}
