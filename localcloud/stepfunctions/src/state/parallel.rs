//! Parallel (<https://states-language.net/spec.html#parallel-state>): runs every branch on the
//! same effective input concurrently; the result is the array of branch outputs in branch
//! order. The first branch failure fails the state with that branch's error and stops the rest.

use crate::error::StatesError;
use crate::fields::{Cx, Obj};
use crate::interpreter::Runner;
use crate::state::retry::{self, Catcher, Retrier};
use crate::state::{parse_machine, StateMachine};
use futures::future::try_join_all;
use serde_json::{json, Value};

/// Fields a Parallel state may carry besides the common ones.
pub const FIELDS: &[&str] = &[
    "Branches",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Retry",
    "Catch",
];

/// A Parallel state.
#[derive(Debug, Clone)]
pub struct Parallel {
    /// `Branches`.
    pub branches: Vec<StateMachine>,
    /// `Retry`.
    pub retriers: Vec<Retrier>,
    /// `Catch`.
    pub catchers: Vec<Catcher>,
}

impl Parallel {
    /// Reads the fields.
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Parallel {
        let mut branches = Vec::new();
        match o.arr(cx, "Branches") {
            Some(a) if !a.is_empty() => {
                for (i, b) in a.iter().enumerate() {
                    if let Some(m) =
                        parse_machine(b, cx, &format!("{}/Branches[{i}]", o.loc), false)
                    {
                        branches.push(m);
                    }
                }
            }
            Some(_) => cx.schema("Branches must not be empty", &o.at("Branches")),
            None => cx.schema("These fields are required: [Branches]", o.loc),
        }
        let (retriers, catchers) = retry::parse(o, cx);
        Parallel {
            branches,
            retriers,
            catchers,
        }
    }
}

impl Runner {
    /// Runs the branches and gathers their outputs.
    pub(crate) async fn run_parallel(
        &self,
        p: &Parallel,
        effective: Value,
        ctx: &crate::context::Ctx,
        prev: &mut u64,
    ) -> Result<Value, StatesError> {
        let started = self
            .history
            .push(*prev, "ParallelStateStarted", "", json!({}));
        let runs = p
            .branches
            .iter()
            .map(|b| self.run_machine(b, effective.clone(), started, ctx.vars.clone()));
        match try_join_all(runs).await {
            Ok(outputs) => {
                *prev = self
                    .history
                    .push(started, "ParallelStateSucceeded", "", json!({}));
                Ok(Value::Array(outputs))
            }
            Err(e) => {
                *prev = self.history.push(
                    started,
                    "ParallelStateFailed",
                    "",
                    json!({"error": e.error, "cause": e.cause}),
                );
                Err(e)
            }
        }
    }
}
