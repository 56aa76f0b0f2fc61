//! Task (<https://states-language.net/spec.html#task-state>): calls the [`TaskExecutor`](crate::task::TaskExecutor) with
//! the effective input, under `TimeoutSeconds` (`States.Timeout`), with history events shaped
//! as AWS records them (`TaskScheduled`/`TaskStarted`/`TaskSucceeded`/`TaskFailed`/`TaskTimedOut`,
//! or `LambdaFunction*` for a bare function ARN).

use crate::context::Ctx;
use crate::error::{code, names, StatesError};
use crate::fields::{Cx, Obj};
use crate::interpreter::Runner;
use crate::path::Path;
use crate::state::retry::{self, Catcher, Retrier};
use crate::task::{Heartbeat, TaskContext};
use futures::future::{pending, BoxFuture};
use serde_json::{json, Value};
use std::time::Duration;

/// Fields a Task state may carry besides the common ones.
pub const FIELDS: &[&str] = &[
    "Resource",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Retry",
    "Catch",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "Credentials",
];

/// A static or path-read number of seconds.
#[derive(Debug, Clone)]
pub enum Seconds {
    /// Literal.
    Fixed(u64),
    /// Read from the effective input.
    Path(Path),
    /// A JSONata expression (JSONata states).
    Expr(String),
}

/// A Task state.
#[derive(Debug, Clone)]
pub struct Task {
    /// `Resource`.
    pub resource: String,
    /// `Retry`.
    pub retriers: Vec<Retrier>,
    /// `Catch`.
    pub catchers: Vec<Catcher>,
    /// `TimeoutSeconds` / `TimeoutSecondsPath`.
    pub timeout: Option<Seconds>,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat: Option<Seconds>,
}

fn seconds(o: Obj<'_>, cx: &mut Cx, k: &str) -> Option<Seconds> {
    let path_key = format!("{k}Path");
    match (o.get(k), o.get(&path_key)) {
        (Some(_), Some(_)) => {
            cx.schema(
                format!("Only one of '{k}' or '{path_key}' may be present"),
                o.loc,
            );
            None
        }
        (Some(Value::String(text)), None) if cx.jsonata => {
            crate::jsonata::expression_field(cx, o, k, text, "a positive integer")
                .map(Seconds::Expr)
        }
        (Some(_), None) => match o.uint(cx, k) {
            Some(0) => {
                cx.schema(format!("{k} must be a positive integer"), &o.at(k));
                None
            }
            n => n.map(Seconds::Fixed),
        },
        (None, Some(_)) => o.ref_path(cx, &path_key).map(Seconds::Path),
        (None, None) => None,
    }
}

impl Task {
    /// Reads the fields.
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Task {
        let resource = o.req_str(cx, "Resource").unwrap_or_default();
        if !resource.is_empty() && !resource.starts_with("arn:") {
            cx.report(
                code::INVALID_RESOURCE,
                format!("Resource '{resource}' is not a valid ARN"),
                &o.at("Resource"),
            );
        }
        if resource.starts_with("arn:aws:states:") && resource.contains(":activity:") {
            cx.report(
                code::NOT_EMULATED,
                "Activity resources are not emulated by localcloud",
                &o.at("Resource"),
            );
        }
        if o.get("Credentials").is_some() {
            cx.report(
                code::NOT_EMULATED,
                "Credentials (cross-account role) is not emulated by localcloud",
                &o.at("Credentials"),
            );
        }
        let (retriers, catchers) = retry::parse(o, cx);
        let timeout = seconds(o, cx, "TimeoutSeconds");
        let heartbeat = seconds(o, cx, "HeartbeatSeconds");
        if let (Some(Seconds::Fixed(t)), Some(Seconds::Fixed(h))) = (&timeout, &heartbeat) {
            if h >= t {
                cx.schema(
                    "HeartbeatSeconds must be smaller than TimeoutSeconds",
                    &o.at("HeartbeatSeconds"),
                );
            }
        }
        Task {
            resource,
            retriers,
            catchers,
            timeout,
            heartbeat,
        }
    }

    /// The `resourceType` and `resource` AWS prints for this resource in history events;
    /// `None` for a bare Lambda function ARN (recorded as `LambdaFunction*` events).
    pub fn resource_parts(&self) -> Option<(String, String)> {
        let rest = self.resource.strip_prefix("arn:aws:states:::")?;
        let (service, action) = rest.split_once(':').unwrap_or((rest, ""));
        Some((service.to_string(), action.to_string()))
    }
}

fn resolve(
    s: &Option<Seconds>,
    input: &Value,
    ctx: &Ctx,
    name: &str,
) -> Result<Option<u64>, StatesError> {
    match s {
        None => Ok(None),
        Some(Seconds::Fixed(n)) => Ok(Some(*n)),
        Some(Seconds::Path(p)) => match p.read(input, ctx).as_ref().and_then(Value::as_u64) {
            Some(n) if n > 0 => Ok(Some(n)),
            _ => Err(StatesError::runtime(format!(
                "The {name}Path parameter does not reference a valid positive integer: {}",
                p.text
            ))),
        },
        Some(Seconds::Expr(e)) => {
            match crate::jsonata::eval(e, &ctx.jsonata_env(), name)? {
                Value::Number(n) if n.as_u64().is_some_and(|n| n > 0) => Ok(n.as_u64()),
                v => Err(StatesError::query(
                    name,
                    format!("The JSONata expression '{e}' specified for the field '{name}' returned {v}, which is not a positive integer."),
                )),
            }
        }
    }
}

impl Runner {
    /// Awaits the executor under `TimeoutSeconds` (`States.Timeout`) and `HeartbeatSeconds`
    /// (`States.HeartbeatTimeout`); each [`Heartbeat::beat`] restarts the heartbeat timer.
    async fn supervise(
        &self,
        mut call: BoxFuture<'_, Result<Value, crate::task::TaskError>>,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
        beats: &Heartbeat,
    ) -> Result<Value, StatesError> {
        let mut deadline: BoxFuture<'static, ()> = match timeout {
            Some(t) => self.clock.sleep(Duration::from_secs(t)),
            None => Box::pin(pending()),
        };
        loop {
            let silence: BoxFuture<'static, ()> = match heartbeat {
                Some(h) => self.clock.sleep(Duration::from_secs(h)),
                None => Box::pin(pending()),
            };
            tokio::select! {
                biased;
                r = &mut call => return r.map_err(|e| StatesError::new(e.error, e.cause)),
                () = &mut deadline => return Err(StatesError::new(names::TIMEOUT, "")),
                () = beats.received() => continue,
                () = silence => return Err(StatesError::new(names::HEARTBEAT_TIMEOUT, "")),
            }
        }
    }

    /// Runs the task once: schedules it, awaits the executor under the timeout, records the
    /// outcome. Returns the raw result.
    pub(crate) async fn run_task(
        &self,
        task: &Task,
        effective: Value,
        ctx: &Ctx,
        prev: &mut u64,
    ) -> Result<Value, StatesError> {
        let timeout = resolve(&task.timeout, &effective, ctx, "TimeoutSeconds")?;
        let heartbeat = resolve(&task.heartbeat, &effective, ctx, "HeartbeatSeconds")?;
        let parts = task.resource_parts();
        let (prefix, key, mut base) = match &parts {
            Some((rt, r)) => ("Task", "task", json!({"resourceType": rt, "resource": r})),
            None => (
                "LambdaFunction",
                "lambdaFunction",
                json!({"resource": task.resource}),
            ),
        };
        let mut scheduled = base.clone();
        if let Value::Object(m) = &mut scheduled {
            let field = if parts.is_some() {
                "parameters"
            } else {
                "input"
            };
            m.insert(field.into(), Value::String(effective.to_string()));
            m.insert("region".into(), Value::String(self.region.clone()));
            if let Some(t) = timeout {
                m.insert("timeoutInSeconds".into(), Value::from(t));
            }
            if let Some(h) = heartbeat {
                m.insert("heartbeatInSeconds".into(), Value::from(h));
            }
        }
        *prev = self.history.push(
            *prev,
            &format!("{prefix}Scheduled"),
            &format!("{key}ScheduledEventDetails"),
            scheduled,
        );
        *prev = self.history.push(
            *prev,
            &format!("{prefix}Started"),
            &format!("{key}StartedEventDetails"),
            base.clone(),
        );
        let beats = Heartbeat::default();
        let tctx = TaskContext {
            state_name: ctx.state_name.clone(),
            execution_arn: self.execution_arn.clone(),
            task_token: ctx.task_token.clone(),
            timeout_seconds: timeout,
            heartbeat_seconds: heartbeat,
            retry_count: ctx.retry_count,
            heartbeat: beats.clone(),
        };
        let call = self.executor.execute(&task.resource, effective, tctx);
        let outcome = self.supervise(call, timeout, heartbeat, &beats).await;
        let outcome = outcome.and_then(|v| {
            self.check_size(
                v,
                &format!("The state/task '{}' returned a result", ctx.state_name),
            )
        });
        match &outcome {
            Ok(v) => {
                if let Value::Object(m) = &mut base {
                    m.insert("output".into(), Value::String(v.to_string()));
                }
                *prev = self.history.push(
                    *prev,
                    &format!("{prefix}Succeeded"),
                    &format!("{key}SucceededEventDetails"),
                    base,
                );
            }
            Err(e) => {
                let timed_out = e.error == names::TIMEOUT || e.error == names::HEARTBEAT_TIMEOUT;
                let kind = if timed_out { "TimedOut" } else { "Failed" };
                if let Value::Object(m) = &mut base {
                    m.insert("error".into(), Value::String(e.error.clone()));
                    m.insert("cause".into(), Value::String(e.cause.clone()));
                }
                *prev = self.history.push(
                    *prev,
                    &format!("{prefix}{kind}"),
                    &format!("{key}{kind}EventDetails"),
                    base,
                );
            }
        }
        outcome
    }
}
