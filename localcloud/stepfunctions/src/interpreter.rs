//! The state loop (<https://states-language.net/spec.html#transitions>): enter a state, run
//! its input/output processing and work, apply Retry/Catch, record history, follow `Next`.

use crate::clock::{iso, Clock};
use crate::context::Ctx;
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

enum Step {
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
        _item: Option<Value>,
    ) -> BoxFuture<'a, Result<Value, StatesError>> {
        Box::pin(async move {
            let mut name = m.start_at.clone();
            let mut input = input;
            let mut prev = prev;
            loop {
                if self.history.len() >= MAX_HISTORY_EVENTS {
                    return Err(StatesError::runtime(format!(
                        "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
                    )));
                }
                let state = m.states.get(&name).ok_or_else(|| {
                    StatesError::runtime(format!("The state '{name}' does not exist"))
                })?;
                match self.run_state(state, input, &mut prev).await? {
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
    ) -> Result<Step, StatesError> {
        let ty = state.kind.type_name();
        let entered = self.history.push(
            *prev,
            &format!("{ty}StateEntered"),
            "stateEnteredEventDetails",
            json!({"name": state.name, "input": input.to_string()}),
        );
        *prev = entered;
        let ctx = Ctx::new(self.base_ctx.clone(), &state.name, iso(self.clock.now()));
        let prefix = |e: StatesError| -> StatesError {
            if e.error == names::RUNTIME
                && !e
                    .cause
                    .starts_with("An error occurred while executing the state")
            {
                StatesError::runtime(format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{entered}). {}",
                    state.name, e.cause
                ))
            } else {
                e
            }
        };
        let result = self
            .state_work(state, input, &ctx, prev)
            .await
            .map_err(prefix);
        let (next, output) = match result {
            Ok(Step::Next(n, out)) => (Some(n), out),
            Ok(Step::End(out)) => (None, out),
            Err(e) => return Err(e),
        };
        *prev = self.history.push(
            *prev,
            &format!("{ty}StateExited"),
            "stateExitedEventDetails",
            json!({"name": state.name, "output": output.to_string()}),
        );
        Ok(match next {
            Some(n) => Step::Next(n, output),
            None => Step::End(output),
        })
    }

    fn follow(state: &State, output: Value) -> Step {
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
        match &state.kind {
            Kind::Pass(p) => {
                let effective = io.input_path.apply(input.clone(), ctx)?;
                let result = match (&p.result, &io.parameters) {
                    (Some(r), _) => r.clone(),
                    (None, Some(t)) => t.eval(&effective, ctx)?,
                    (None, None) => effective,
                };
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
                Ok(Step::Next(next, io.output_path.apply(effective, ctx)?))
            }
            Kind::Wait(w) => {
                let effective = io.input_path.apply(input, ctx)?;
                let d = w.duration(&effective, ctx, self.clock.now())?;
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
            Kind::Parallel(p) => self.run_parallel(p, effective, prev).await?,
            Kind::Map(m) => self.run_map(m, effective, ctx, prev).await?,
            _ => effective,
        };
        let result = match &io.result_selector {
            Some(t) => t.eval(&result, ctx)?,
            None => result,
        };
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
            let err = match self
                .attempt(state, &state.io, input.clone(), &actx, prev)
                .await
            {
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
            if let Some(c) = catchers
                .iter()
                .find(|c| matches(&c.error_equals, &err.error))
            {
                let out = c.result_path.apply(input, err.to_output())?;
                return Ok(Step::Next(c.next.clone(), out));
            }
            return Err(err);
        }
    }
}
