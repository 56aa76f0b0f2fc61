//! The state loop (<https://states-language.net/spec.html#transitions>): enter a state, run
//! its input/output processing and work, apply Retry/Catch, record history, follow `Next`.

use crate::clock::{iso, Clock};
use crate::context::{Ctx, Vars};
use crate::error::{names, StatesError};
use crate::field::Io;
use crate::history::History;
use crate::state::retry::{matches, Catcher, Retrier};
use crate::state::{Kind, State, StateMachine, Transition};
use crate::task::TaskExecutor;
use futures::future::BoxFuture;
use serde_json::{json, Value};
use std::sync::Arc;

/// AWS's payload limit for inputs, outputs and results: 256 KiB.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// AWS's quota on history events per execution; reaching it fails the execution (and bounds
/// runaway loops).
pub const MAX_HISTORY_EVENTS: usize = 25_000;

/// Shared state of one execution while it runs.
pub(crate) struct Runner {
    pub executor: Arc<dyn TaskExecutor>,
    pub clock: Arc<dyn Clock>,
    pub history: History,
    pub base_ctx: Arc<Value>,
    pub execution_arn: String,
    pub region: String,
}

pub(crate) enum Step {
    Next(String, Value),
    End(Value),
}

impl Runner {
    /// Fails with `States.DataLimitExceeded` when `v` serializes to more than 256 KiB.
    pub(crate) fn check_size(&self, v: Value, what: &str) -> Result<Value, StatesError> {
        let size = serde_json::to_vec(&v).map(|b| b.len()).unwrap_or(0);
        if size > MAX_PAYLOAD_BYTES {
            return Err(StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!("{what} with a size exceeding the maximum number of bytes service limit."),
            ));
        }
        Ok(v)
    }

    /// Runs a (nested) state machine from `StartAt` to a terminal state.
    pub(crate) fn run_machine<'a>(
        &'a self,
        m: &'a StateMachine,
        input: Value,
        prev: u64,
        outer: Arc<Vars>,
    ) -> BoxFuture<'a, Result<Value, StatesError>> {
        Box::pin(async move {
            let mut name = m.start_at.clone();
            let mut input = input;
            let mut prev = prev;
            // This scope's variables; outer scopes' are read-only here.
            let mut local = Vars::new();
            loop {
                if self.history.len() >= MAX_HISTORY_EVENTS {
                    return Err(StatesError::runtime(format!(
                        "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
                    )));
                }
                let state = m.states.get(&name).ok_or_else(|| {
                    StatesError::runtime(format!("The state '{name}' does not exist"))
                })?;
                let visible = if local.is_empty() {
                    outer.clone()
                } else {
                    let mut v = (*outer).clone();
                    v.extend(local.iter().map(|(k, v)| (k.clone(), v.clone())));
                    Arc::new(v)
                };
                let (step, assigned) = self.run_state(state, input, &mut prev, visible).await?;
                local.extend(assigned);
                match step {
                    Step::Next(n, out) => {
                        name = n;
                        input = out;
                    }
                    Step::End(out) => return Ok(out),
                }
            }
        })
    }

    async fn run_state(
        &self,
        state: &State,
        input: Value,
        prev: &mut u64,
        vars: Arc<Vars>,
    ) -> Result<(Step, Vars), StatesError> {
        let ty = state.kind.type_name();
        let entered = self.history.push(
            *prev,
            &format!("{ty}StateEntered"),
            "stateEnteredEventDetails",
            json!({"name": state.name, "input": input.to_string()}),
        );
        *prev = entered;
        let mut ctx = Ctx::new(
            self.base_ctx.clone(),
            &state.name,
            iso(self.clock.now()),
            vars,
        );
        if state.jsonata {
            ctx.state_input = Some(Arc::new(input.clone()));
        }
        let result = self.state_work(state, input, &ctx, prev).await;
        let (next, output) = match result {
            Ok(Step::Next(n, out)) => (Some(n), out),
            Ok(Step::End(out)) => (None, out),
            Err(mut e) => {
                self.evaluation_failed(&state.name, entered, prev, &mut e);
                return Err(decorate(&state.name, entered, e));
            }
        };
        let assigned = std::mem::take(
            &mut *ctx
                .assigned
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let mut details = json!({"name": state.name, "output": output.to_string()});
        if !assigned.is_empty() {
            let shown: serde_json::Map<String, Value> = assigned
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.to_string())))
                .collect();
            details["assignedVariables"] = Value::Object(shown);
            details["assignedVariablesDetails"] = json!({"truncated": false});
        }
        *prev = self.history.push(
            *prev,
            &format!("{ty}StateExited"),
            "stateExitedEventDetails",
            details,
        );
        let step = match next {
            Some(n) => Step::Next(n, output),
            None => Step::End(output),
        };
        Ok((step, assigned))
    }

    /// Records an `EvaluationFailed` event for a `States.QueryEvaluationError` of the state
    /// `name` (entered at event `entered`) that has not been recorded yet
    /// (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_EvaluationFailedEventDetails.html>):
    /// its error, its cause as the execution reports it, the field (`location`) and the state.
    pub(crate) fn evaluation_failed(
        &self,
        name: &str,
        entered: u64,
        prev: &mut u64,
        e: &mut StatesError,
    ) {
        if e.error != names::QUERY_EVALUATION_ERROR {
            return;
        }
        let Some(location) = e.unrecorded_location.take() else {
            return;
        };
        let cause = decorate(name, entered, e.clone()).cause;
        *prev = self.history.push(
            *prev,
            "EvaluationFailed",
            "evaluationFailedEventDetails",
            json!({"error": e.error, "cause": cause, "location": location, "state": name}),
        );
    }

    pub(crate) fn follow(state: &State, output: Value) -> Step {
        match &state.transition {
            Transition::Next(n) => Step::Next(n.clone(), output),
            Transition::End => Step::End(output),
        }
    }

    async fn state_work(
        &self,
        state: &State,
        input: Value,
        ctx: &Ctx,
        prev: &mut u64,
    ) -> Result<Step, StatesError> {
        let io = &state.io;
        let has_work = matches!(state.kind, Kind::Task(_) | Kind::Parallel(_) | Kind::Map(_));
        if state.jsonata && !has_work {
            return self.state_work_jsonata(state, input, ctx).await;
        }
        match &state.kind {
            Kind::Pass(p) => {
                let effective = io.input_path.apply(input.clone(), ctx)?;
                let result = match (&p.result, &io.parameters) {
                    (Some(r), _) => r.clone(),
                    (None, Some(t)) => t.eval(&effective, ctx)?,
                    (None, None) => effective,
                };
                path_assign(state, &result, ctx)?;
                let out = io
                    .output_path
                    .apply(io.result_path.apply(input, result)?, ctx)?;
                Ok(Self::follow(state, out))
            }
            Kind::Succeed => {
                let effective = io.input_path.apply(input, ctx)?;
                Ok(Step::End(io.output_path.apply(effective, ctx)?))
            }
            Kind::Choice(c) => {
                let effective = io.input_path.apply(input, ctx)?;
                let next = c.choose(&effective, ctx)?;
                path_assign(state, &effective, ctx)?;
                Ok(Step::Next(next, io.output_path.apply(effective, ctx)?))
            }
            Kind::Wait(w) => {
                let effective = io.input_path.apply(input, ctx)?;
                let d = w.duration(&effective, ctx, self.clock.now())?;
                path_assign(state, &effective, ctx)?;
                self.clock.sleep(d).await;
                Ok(Self::follow(state, io.output_path.apply(effective, ctx)?))
            }
            Kind::Fail(f) => {
                let (error, cause) = f.resolve(&input, ctx)?;
                Err(StatesError::new(
                    error.unwrap_or_default(),
                    cause.unwrap_or_default(),
                ))
            }
            Kind::Task(t) => {
                self.with_recovery(state, &t.retriers, &t.catchers, input, ctx, prev)
                    .await
            }
            Kind::Parallel(p) => {
                self.with_recovery(state, &p.retriers, &p.catchers, input, ctx, prev)
                    .await
            }
            Kind::Map(m) => {
                self.with_recovery(state, &m.retriers, &m.catchers, input, ctx, prev)
                    .await
            }
        }
    }

    /// One attempt of a Task/Parallel/Map: InputPath -> Parameters -> work -> ResultSelector
    /// -> ResultPath -> OutputPath.
    async fn attempt(
        &self,
        state: &State,
        io: &Io,
        input: Value,
        ctx: &Ctx,
        prev: &mut u64,
    ) -> Result<Value, StatesError> {
        let effective = io.input_path.apply(input.clone(), ctx)?;
        let effective = match &io.parameters {
            Some(t) => t.eval(&effective, ctx)?,
            None => effective,
        };
        let result = match &state.kind {
            Kind::Task(t) => self.run_task(t, effective, ctx, prev).await?,
            Kind::Parallel(p) => self.run_parallel(p, effective, ctx, prev).await?,
            Kind::Map(m) => self.run_map(m, effective, ctx, prev).await?,
            _ => effective,
        };
        let result = match &io.result_selector {
            Some(t) => t.eval(&result, ctx)?,
            None => result,
        };
        path_assign(state, &result, ctx)?;
        let out = io
            .output_path
            .apply(io.result_path.apply(input, result)?, ctx)?;
        self.check_size(
            out,
            &format!("The state '{}' produced an output", state.name),
        )
    }

    async fn with_recovery(
        &self,
        state: &State,
        retriers: &[Retrier],
        catchers: &[Catcher],
        input: Value,
        ctx: &Ctx,
        prev: &mut u64,
    ) -> Result<Step, StatesError> {
        // Nothing is recorded between the state's `...StateEntered` event and this call.
        let entered = *prev;
        let mut counts = vec![0u64; retriers.len()];
        let mut retry_count = 0u32;
        loop {
            let token = match &state.kind {
                Kind::Task(t) if t.resource.ends_with(".waitForTaskToken") => {
                    Some(uuid::Uuid::new_v4().to_string())
                }
                _ => None,
            };
            let actx = ctx.with(retry_count, token, None);
            let run = if state.jsonata {
                self.attempt_jsonata(state, input.clone(), &actx, prev)
                    .await
            } else {
                self.attempt(state, &state.io, input.clone(), &actx, prev)
                    .await
            };
            let mut err = match run {
                Ok(out) => return Ok(Self::follow(state, out)),
                Err(e) => e,
            };
            if err.error == names::RUNTIME {
                return Err(err);
            }
            if let Some(i) = retriers
                .iter()
                .position(|r| matches(&r.error_equals, &err.error))
            {
                if counts[i] < retriers[i].max_attempts {
                    let delay = retriers[i].delay(counts[i]);
                    counts[i] += 1;
                    retry_count += 1;
                    self.clock.sleep(delay).await;
                    continue;
                }
            }
            // The state's final failure: recorded whether or not a catcher handles it.
            self.evaluation_failed(&state.name, entered, prev, &mut err);
            if let Some(c) = catchers
                .iter()
                .find(|c| matches(&c.error_equals, &err.error))
            {
                let out = self.catch_output(state, c, input, &err, &actx)?;
                return Ok(Step::Next(c.next.clone(), out));
            }
            return Err(err);
        }
    }
}

/// The cause of a `States.Runtime` or `States.QueryEvaluationError` as executions report it:
/// prefixed with the state and the id of its `...StateEntered` event (once, at the innermost
/// state).
fn decorate(name: &str, entered: u64, e: StatesError) -> StatesError {
    if (e.error == names::RUNTIME || e.error == names::QUERY_EVALUATION_ERROR)
        && !e
            .cause
            .starts_with("An error occurred while executing the state")
    {
        StatesError {
            cause: format!(
                "An error occurred while executing the state '{name}' (entered at the event id #{entered}). {}",
                e.cause
            ),
            ..e
        }
    } else {
        e
    }
}

/// Evaluates a JSONPath state's `Assign` with `$` = `doc` and records the values.
pub(crate) fn path_assign(state: &State, doc: &Value, ctx: &Ctx) -> Result<(), StatesError> {
    if let Some(a) = &state.assign {
        let values = a.eval(doc, &Value::Null, ctx)?;
        ctx.assign(values);
    }
    Ok(())
}
