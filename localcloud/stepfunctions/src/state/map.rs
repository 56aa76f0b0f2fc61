//! Map, inline mode (<https://states-language.net/spec.html#map-state>,
//! <https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html>): runs the
//! `ItemProcessor` (or legacy `Iterator`) on each element of `ItemsPath`, at most
//! `MaxConcurrency` at a time (0 = unbounded), each input shaped by `ItemSelector` (or legacy
//! `Parameters`) with `$$.Map.Item.Index/Value`. Without a tolerance the first failed
//! iteration fails the state with its error; with `ToleratedFailureCount`/`Percentage`,
//! exceeding it is `States.ExceedToleratedFailureThreshold`. Distributed mode, `ItemReader`,
//! `ResultWriter` and `ItemBatcher` are rejected at validation as not emulated.

use crate::context::Ctx;
use crate::error::{code, names, StatesError};
use crate::field::parameters::Template;
use crate::fields::{Cx, Obj};
use crate::interpreter::Runner;
use crate::path::Path;
use crate::state::retry::{self, Catcher, Retrier};
use crate::state::{parse_machine, StateMachine};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::{json, Value};

/// Fields a Map state may carry besides the common ones.
pub const FIELDS: &[&str] = &[
    "ItemProcessor",
    "Iterator",
    "ItemsPath",
    "ItemSelector",
    "Parameters",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
    "ItemReader",
    "ResultWriter",
    "ItemBatcher",
    "Label",
    "ResultSelector",
    "ResultPath",
    "Retry",
    "Catch",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
];

/// A Map state.
#[derive(Debug, Clone)]
pub struct Map {
    /// `ItemProcessor` / `Iterator`.
    pub processor: Option<StateMachine>,
    /// `ItemsPath` (default `$`).
    pub items_path: Option<Path>,
    /// `ItemSelector` (or legacy `Parameters`, moved here by the state parser).
    pub item_selector: Option<Template>,
    /// `MaxConcurrency` (0 = no limit).
    pub max_concurrency: u64,
    /// `ToleratedFailureCount`.
    pub tolerated_count: Option<u64>,
    /// `ToleratedFailurePercentage`.
    pub tolerated_percentage: Option<f64>,
    /// `Retry`.
    pub retriers: Vec<Retrier>,
    /// `Catch`.
    pub catchers: Vec<Catcher>,
    /// `Items` (JSONata; default `$states.input`).
    pub items: Option<crate::jsonata::Template>,
    /// `ItemSelector` of a JSONata Map.
    pub jsonata_selector: Option<crate::jsonata::Template>,
}

impl Map {
    /// Reads the fields.
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Map {
        for k in [
            "ItemReader",
            "ResultWriter",
            "ItemBatcher",
            "MaxConcurrencyPath",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentagePath",
        ] {
            if o.get(k).is_some() {
                cx.report(
                    code::NOT_EMULATED,
                    format!("{k} (Distributed Map) is not emulated by localcloud"),
                    &o.at(k),
                );
            }
        }
        let key = match (o.get("ItemProcessor"), o.get("Iterator")) {
            (Some(_), None) => Some("ItemProcessor"),
            (None, Some(_)) => Some("Iterator"),
            (Some(_), Some(_)) => {
                cx.schema(
                    "Only one of 'ItemProcessor' or 'Iterator' may be present",
                    o.loc,
                );
                None
            }
            (None, None) => {
                cx.schema("These fields are required: [ItemProcessor]", o.loc);
                None
            }
        };
        let processor = key.and_then(|k| {
            let v = o.get(k)?;
            let mode = v.pointer("/ProcessorConfig/Mode").and_then(Value::as_str);
            if mode == Some("DISTRIBUTED") {
                cx.report(
                    code::NOT_EMULATED,
                    "Distributed Map is not emulated by localcloud",
                    &format!("{}/ProcessorConfig/Mode", o.at(k)),
                );
            }
            parse_machine(v, cx, &o.at(k), false)
        });
        if o.get("ItemSelector").is_some() && o.get("Parameters").is_some() {
            cx.schema(
                "Only one of 'ItemSelector' or 'Parameters' may be present",
                o.loc,
            );
        }
        let tolerated_percentage = o.num(cx, "ToleratedFailurePercentage");
        if tolerated_percentage.is_some_and(|p| p > 100.0) {
            cx.schema(
                "ToleratedFailurePercentage must be between 0 and 100",
                &o.at("ToleratedFailurePercentage"),
            );
        }
        let (retriers, catchers) = retry::parse(o, cx);
        let jsonata_mode = cx.jsonata;
        let jtemplate = |cx: &mut Cx, k: &str| {
            o.get(k)
                .filter(|_| jsonata_mode)
                .map(|v| crate::jsonata::Template::compile(v, cx, &o.at(k)))
        };
        let items = jtemplate(cx, "Items");
        let jsonata_selector = jtemplate(cx, "ItemSelector");
        Map {
            items,
            jsonata_selector,
            processor,
            items_path: if jsonata_mode {
                None
            } else {
                o.path(cx, "ItemsPath")
            },
            item_selector: if jsonata_mode {
                None
            } else {
                Template::parse_field(o, cx, "ItemSelector")
            },
            max_concurrency: o.uint(cx, "MaxConcurrency").unwrap_or(0),
            tolerated_count: o.uint(cx, "ToleratedFailureCount"),
            tolerated_percentage,
            retriers,
            catchers,
        }
    }
}

impl Runner {
    /// Runs the iterations and gathers their outputs in item order.
    pub(crate) async fn run_map(
        &self,
        m: &Map,
        effective: Value,
        ctx: &Ctx,
        prev: &mut u64,
    ) -> Result<Value, StatesError> {
        let Some(processor) = &m.processor else {
            return Err(StatesError::runtime("The Map state has no ItemProcessor"));
        };
        let vars = ctx.vars.clone();
        let items = match (&m.items_path, &m.items) {
            (_, Some(t)) => t.eval(
                &crate::jsonata::Env {
                    states: ctx.states(None, None),
                    vars: &vars,
                },
                "Items",
            )?,
            (None, None) => effective.clone(),
            (Some(p), None) => p.read(&effective, ctx).ok_or_else(|| {
                StatesError::runtime(format!(
                    "Invalid path '{}' : No results for path: {}",
                    p.text, p.text
                ))
            })?,
        };
        let Value::Array(items) = items else {
            return Err(StatesError::runtime(format!(
                "Item path {} resolved to a value that is not a JSON array: {items}",
                m.items_path.as_ref().map_or("$", |p| p.text.as_str())
            )));
        };
        let total = items.len();
        let started = self.history.push(
            *prev,
            "MapStateStarted",
            "mapStateStartedEventDetails",
            json!({"length": total}),
        );
        let mut inputs = Vec::with_capacity(total);
        for (i, item) in items.into_iter().enumerate() {
            inputs.push(match (&m.item_selector, &m.jsonata_selector) {
                (_, Some(t)) => {
                    let ictx = ctx.with(0, None, Some((i, item)));
                    t.eval(
                        &crate::jsonata::Env {
                            states: ictx.states(None, None),
                            vars: &vars,
                        },
                        "ItemSelector",
                    )?
                }
                (Some(t), None) => t.eval(&effective, &ctx.with(0, None, Some((i, item))))?,
                (None, None) => item,
            });
        }
        let limit = if m.max_concurrency == 0 {
            usize::MAX
        } else {
            usize::try_from(m.max_concurrency).unwrap_or(usize::MAX)
        };
        let iterations = stream::iter(inputs.into_iter().enumerate().map(|(i, input)| {
            let name = ctx.state_name.clone();
            let vars = vars.clone();
            async move {
                let details = json!({"name": name, "index": i});
                let id = self.history.push(
                    started,
                    "MapIterationStarted",
                    "mapIterationStartedEventDetails",
                    details.clone(),
                );
                let r = self.run_machine(processor, input, id, vars.clone()).await;
                let kind = if r.is_ok() {
                    "MapIterationSucceeded"
                } else {
                    "MapIterationFailed"
                };
                let key = if r.is_ok() {
                    "mapIterationSucceededEventDetails"
                } else {
                    "mapIterationFailedEventDetails"
                };
                self.history.push(id, kind, key, details);
                r
            }
        }))
        .buffered(limit);
        let tolerant = m.tolerated_count.is_some() || m.tolerated_percentage.is_some();
        let outcome = if tolerant {
            let results: Vec<Result<Value, StatesError>> = iterations.collect().await;
            let failed = results.iter().filter(|r| r.is_err()).count();
            let over_count = m.tolerated_count.is_some_and(|c| failed as u64 > c);
            let over_pct = m
                .tolerated_percentage
                .is_some_and(|p| total > 0 && (failed as f64) * 100.0 / (total as f64) > p);
            if over_count || over_pct {
                Err(StatesError::new(
                    names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                    "The specified tolerated failure threshold was exceeded",
                ))
            } else {
                Ok(Value::Array(
                    results
                        .into_iter()
                        .map(|r| r.unwrap_or_else(|e| e.to_output()))
                        .collect(),
                ))
            }
        } else {
            iterations
                .try_collect::<Vec<Value>>()
                .await
                .map(Value::Array)
        };
        match &outcome {
            Ok(_) => {
                *prev = self
                    .history
                    .push(started, "MapStateSucceeded", "", json!({}))
            }
            Err(e) => {
                *prev = self.history.push(
                    started,
                    "MapStateFailed",
                    "",
                    json!({"error": e.error, "cause": e.cause}),
                )
            }
        }
        outcome
    }
}
