//! The Amazon States Language interpreter of the local cloud (JSONPath and JSONata modes).
//!
//! # Layout
//!
//! - [`validate`]: parse and validate a definition (`InvalidDefinition` with AWS's diagnostic
//!   codes and locations).
//! - [`state`]: the typed model, one module per state type (`pass`, `task`, `choice`, `wait`,
//!   `fail`, `parallel`, `map`) plus `retry` (Retry and Catch).
//! - [`field`]: input/output processing: `input_output` (InputPath, OutputPath), `parameters`
//!   (payload templates: Parameters, ResultSelector, ItemSelector), `result_path`, `assign`
//!   (`Assign` in both query languages) and `jsonata_io` (JSONata states: Arguments, Output,
//!   Catch Output, `$states`).
//! - [`jsonata`]: `{% %}` expressions on `jsonata-core` (pinned), with `$states`, the workflow
//!   variables and the Step Functions functions (`$partition`, `$range`, `$hash`, `$random`,
//!   `$uuid`, `$parse`; no `$eval`); failures are `States.QueryEvaluationError`.
//! - [`path`]: reference paths (our reader and writer) and JSONPath queries (`jsonpath-rust`);
//!   `$name...` paths read workflow variables.
//! - [`intrinsic`]: `parser` for `States.X(...)` calls and `functions` evaluating them.
//! - [`context`]: the context object `$$`.
//! - [`interpreter`] (private): the state loop, Retry/Catch, payload limits.
//! - [`execution`]: run one execution; status, output, error/cause, history.
//! - [`history`]: AWS-shaped history events.
//! - [`graph`]: the workflow as DOT, Mermaid or SVG, coloured by an execution's outcomes.
//! - [`visits`]: an execution's history folded into one visit per state (the CLI, the console).
//! - [`api`]: the AWS JSON 1.0 service ([`api::StepFunctionsService`]): state machines and
//!   executions as typed records ([`api::MachineType`], [`api::Status`]), Standard ones
//!   persisted durably, ended Express ones kept in memory within [`api::ExpressRetention`];
//!   history, SendTask*, TestState, and the template's machines at `up`.
//! - [`integration`]: the local cloud's [`TaskExecutor`]: Lambda, DynamoDB, nested executions
//!   and `.waitForTaskToken`, each behind a narrow trait.
//! - [`task`]: the [`TaskExecutor`] seam to Lambda, DynamoDB and other integrations.
//! - [`clock`]: the injected [`Clock`] for Wait, retry delays and timeouts.
//! - [`error`]: diagnostics and `States.*` errors.
//! - `fields` (private): reading definition JSON with diagnostics.
//!
//! JSONata mode (`QueryLanguage: JSONata`, top level or per state) and variables (`Assign`) run
//! as AWS documents them: variables are read as they were at state entry, set when the state
//! completes, and a Parallel branch or Map iteration reads the outer variables in a scope of
//! its own. Distributed Map is rejected at validation with the named code
//! `LOCALCLOUD_NOT_EMULATED`; see `docs/local-differences.md` for what JSONata still lacks.

#![warn(missing_docs)]

pub mod api;
pub mod clock;
pub mod context;
pub mod error;
pub mod execution;
pub mod field;
mod fields;
pub mod graph;
pub mod history;
pub mod integration;
pub mod interpreter;
pub mod intrinsic;
pub mod jsonata;
pub mod path;
pub mod state;
pub mod task;
pub mod validate;
pub mod visits;

pub use clock::{Clock, TokioClock};
pub use error::{Diagnostic, InvalidDefinition, StatesError};
pub use execution::{
    execute, execute_with, ExecutionOptions, ExecutionOutcome, ExecutionStatus, StopRequest,
};
pub use history::History;
pub use history::HistoryEvent;
pub use state::StateMachine;
pub use task::{Heartbeat, TaskContext, TaskError, TaskExecutor};
pub use validate::parse_definition;
