//! How a JSONata state processes data
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>): `Arguments`
//! (Task, Parallel) shape what the work receives from `$states.input`; `Output` (default: the
//! result, or the input for states without one) is the state output; `Assign` sets variables.
//! `Output` and `Assign` see the same `$states` and the variables as they were at state entry.
//! In a `Catch`, `$states.errorOutput` holds `{"Error", "Cause"}` and is the default output.

use crate::context::Ctx;
use crate::error::StatesError;
use crate::interpreter::{Runner, Step};
use crate::jsonata::{self, Env};
use crate::state::retry::Catcher;
use crate::state::{Kind, State};
use serde_json::Value;

/// Evaluates `Output` (or takes `default`) and `Assign` against `states`, then records the
/// assignments.
pub(crate) fn finish(
    state_output: Option<&jsonata::Template>,
    assign: Option<&crate::field::assign::Assign>,
    states: &Value,
    default: Value,
    ctx: &Ctx,
) -> Result<Value, StatesError> {
    let vars = ctx.vars.clone();
    let env = Env {
        states: states.clone(),
        vars: &vars,
    };
    let assigned = match assign {
        Some(a) => Some(a.eval(&Value::Null, states, ctx)?),
        None => None,
    };
    let out = match state_output {
        Some(t) => t.eval(&env, "Output")?,
        None => default,
    };
    if let Some(values) = assigned {
        ctx.assign(values);
    }
    Ok(out)
}

impl Runner {
    /// A JSONata Pass, Succeed, Choice, Wait or Fail state.
    pub(crate) async fn state_work_jsonata(
        &self,
        state: &State,
        input: Value,
        ctx: &Ctx,
    ) -> Result<Step, StatesError> {
        let states = ctx.states(None, None);
        let out = |default: Value| {
            finish(
                state.output.as_ref(),
                state.assign.as_ref(),
                &states,
                default,
                ctx,
            )
        };
        match &state.kind {
            Kind::Pass(_) => Ok(Self::follow(state, out(input)?)),
            Kind::Succeed => Ok(Step::End(out(input)?)),
            Kind::Choice(c) => {
                let (next, rule) = c.choose_rule(&input, ctx)?;
                let (assign, output) = match rule.and_then(|i| c.rule_fields.get(i)) {
                    Some((a, o)) => (a.as_ref(), o.as_ref()),
                    None => (None, None),
                };
                let output = finish(
                    output.or(state.output.as_ref()),
                    assign.or(state.assign.as_ref()),
                    &states,
                    input,
                    ctx,
                )?;
                Ok(Step::Next(next, output))
            }
            Kind::Wait(w) => {
                let d = w.duration(&input, ctx, self.clock.now())?;
                let output = out(input)?;
                self.clock.sleep(d).await;
                Ok(Self::follow(state, output))
            }
            Kind::Fail(f) => {
                let (error, cause) = f.resolve(&input, ctx)?;
                Err(StatesError::new(
                    error.unwrap_or_default(),
                    cause.unwrap_or_default(),
                ))
            }
            Kind::Task(_) | Kind::Parallel(_) | Kind::Map(_) => Err(StatesError::runtime(
                "Task, Parallel and Map states run through their attempts with Retry and Catch",
            )),
        }
    }

    /// One attempt of a JSONata Task, Parallel or Map: `Arguments` -> work -> `Output`/`Assign`.
    pub(crate) async fn attempt_jsonata(
        &self,
        state: &State,
        input: Value,
        ctx: &Ctx,
        prev: &mut u64,
    ) -> Result<Value, StatesError> {
        let args = match &state.arguments {
            Some(t) => t.eval(&ctx.jsonata_env(), "Arguments")?,
            None => input,
        };
        let result = match &state.kind {
            Kind::Task(t) => self.run_task(t, args, ctx, prev).await?,
            Kind::Parallel(p) => self.run_parallel(p, args, ctx, prev).await?,
            Kind::Map(m) => self.run_map(m, args, ctx, prev).await?,
            _ => args,
        };
        let states = ctx.states(Some(&result), None);
        let out = finish(
            state.output.as_ref(),
            state.assign.as_ref(),
            &states,
            result,
            ctx,
        )?;
        self.check_size(
            out,
            &format!("The state '{}' produced an output", state.name),
        )
    }

    /// The output of a matching catcher: JSONata `Output` (default the error output) or the
    /// JSONPath `ResultPath`; then its `Assign`.
    pub(crate) fn catch_output(
        &self,
        state: &State,
        c: &Catcher,
        input: Value,
        err: &StatesError,
        ctx: &Ctx,
    ) -> Result<Value, StatesError> {
        let error_output = err.to_output();
        if state.jsonata {
            let states = ctx.states(None, Some(&error_output));
            finish(
                c.output.as_ref(),
                c.assign.as_ref(),
                &states,
                error_output,
                ctx,
            )
        } else {
            if let Some(a) = &c.assign {
                let values = a.eval(&error_output, &Value::Null, ctx)?;
                ctx.assign(values);
            }
            c.result_path.apply(input, error_output)
        }
    }
}
