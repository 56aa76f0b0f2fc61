//! Map, inline mode (<https://states-language.net/spec.html#map-state>,
//! <https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html>): runs the
//! `ItemProcessor` (or legacy `Iterator`) on each element of `ItemsPath`, at most
//! `MaxConcurrency` at a time (0 = unbounded), each input shaped by `ItemSelector` (or legacy
//! `Parameters`) with `$$.Map.Item.Index/Value`. Without a tolerance the first failed
//! iteration fails the state with its error; with `ToleratedFailureCount`/`Percentage`,
//! exceeding it is `States.ExceedToleratedFailureThreshold`. Each of the three limits may be
//! read at run time: from the effective input through `MaxConcurrencyPath`,
//! `ToleratedFailureCountPath`, `ToleratedFailurePercentagePath` (JSONPath states), or from a
//! JSONata expression in the field itself (JSONata states)
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html>).
//! Distributed mode, `ItemReader`, `ResultWriter` and `ItemBatcher` are rejected at validation
//! as not emulated.

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
    /// `MaxConcurrency` / `MaxConcurrencyPath` (absent or 0 = no limit).
    pub max_concurrency: Option<Limit<u64>>,
    /// `ToleratedFailureCount` / `ToleratedFailureCountPath`.
    pub tolerated_count: Option<Limit<u64>>,
    /// `ToleratedFailurePercentage` / `ToleratedFailurePercentagePath`.
    pub tolerated_percentage: Option<Limit<f64>>,
    /// `Retry`.
    pub retriers: Vec<Retrier>,
    /// `Catch`.
    pub catchers: Vec<Catcher>,
    /// `Items` (JSONata; default `$states.input`).
    pub items: Option<crate::jsonata::Template>,
    /// `ItemSelector` of a JSONata Map.
    pub jsonata_selector: Option<crate::jsonata::Template>,
}

/// A Map limit as the definition gives it.
#[derive(Debug, Clone)]
pub enum Limit<T> {
    /// A literal.
    Fixed(T),
    /// `...Path`: a reference path into the effective input (JSONPath states).
    Path(Path),
    /// A `{% %}` expression in the field (JSONata states).
    Expr(String),
}

/// What a limit may be: a non-negative integer (`MaxConcurrency`, `ToleratedFailureCount`) or
/// a percentage from 0 to 100 (`ToleratedFailurePercentage`).
trait LimitValue: Copy {
    /// The value of `v`, when it is one.
    fn from_json(v: &Value) -> Option<Self>;
    /// Reads the literal field `k`, reporting a bad value.
    fn literal(o: Obj<'_>, cx: &mut Cx, k: &str) -> Option<Self>;
    /// What a valid value is, for error causes.
    const EXPECTED: &'static str;
}

impl LimitValue for u64 {
    fn from_json(v: &Value) -> Option<u64> {
        v.as_u64()
    }
    fn literal(o: Obj<'_>, cx: &mut Cx, k: &str) -> Option<u64> {
        o.uint(cx, k)
    }
    const EXPECTED: &'static str = "a non-negative integer";
}

impl LimitValue for f64 {
    fn from_json(v: &Value) -> Option<f64> {
        v.as_f64().filter(|p| (0.0..=100.0).contains(p))
    }
    fn literal(o: Obj<'_>, cx: &mut Cx, k: &str) -> Option<f64> {
        let p = o.num(cx, k)?;
        if p > 100.0 {
            cx.schema(format!("{k} must be between 0 and 100"), &o.at(k));
            return None;
        }
        Some(p)
    }
    const EXPECTED: &'static str = "a number between 0 and 100";
}

/// Reads `k` / `kPath`: at most one of them; the path only in JSONPath states, an expression
/// only in JSONata states.
fn limit<T: LimitValue>(o: Obj<'_>, cx: &mut Cx, k: &str) -> Option<Limit<T>> {
    let path_key = format!("{k}Path");
    let path = o.get(&path_key).filter(|_| !cx.jsonata);
    match (o.get(k), path) {
        (Some(_), Some(_)) => {
            cx.schema(
                format!("Only one of '{k}' or '{path_key}' may be present"),
                o.loc,
            );
            None
        }
        (Some(Value::String(text)), None) if cx.jsonata => {
            crate::jsonata::expression_field(cx, o, k, text, T::EXPECTED).map(Limit::Expr)
        }
        (Some(_), None) => T::literal(o, cx, k).map(Limit::Fixed),
        (None, Some(_)) => o.ref_path(cx, &path_key).map(Limit::Path),
        (None, None) => None,
    }
}

/// The value of a limit for this run of the state. A path that selects nothing or a value of
/// the wrong kind is `States.Runtime`; an expression that returns one is
/// `States.QueryEvaluationError`.
fn resolve<T: LimitValue>(
    l: &Option<Limit<T>>,
    k: &str,
    effective: &Value,
    ctx: &Ctx,
) -> Result<Option<T>, StatesError> {
    let shown = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match l {
        None => Ok(None),
        Some(Limit::Fixed(v)) => Ok(Some(*v)),
        Some(Limit::Path(p)) => {
            let v = p.read(effective, ctx).ok_or_else(|| {
                StatesError::runtime(format!(
                    "The {k}Path field selects nothing in the state input. Invalid path '{}' : No results for path: {}",
                    p.text, p.text
                ))
            })?;
            T::from_json(&v).map(Some).ok_or_else(|| {
                StatesError::runtime(format!(
                    "The {k}Path field refers to value \"{}\" which is not {}: {}",
                    shown(&v),
                    T::EXPECTED,
                    p.text
                ))
            })
        }
        Some(Limit::Expr(e)) => {
            let v = crate::jsonata::eval(e, &ctx.jsonata_env(), k)?;
            T::from_json(&v).map(Some).ok_or_else(|| {
                StatesError::query(
                    k,
                    format!(
                        "The JSONata expression '{e}' specified for the field '{k}' returned {v}, which is not {}.",
                        T::EXPECTED
                    ),
                )
            })
        }
    }
}

impl Map {
    /// Reads the fields.
    pub fn parse(o: Obj<'_>, cx: &mut Cx) -> Map {
        for k in ["ItemReader", "ResultWriter", "ItemBatcher"] {
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
        let max_concurrency = limit(o, cx, "MaxConcurrency");
        let tolerated_count = limit(o, cx, "ToleratedFailureCount");
        let tolerated_percentage = limit(o, cx, "ToleratedFailurePercentage");
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
            max_concurrency,
            tolerated_count,
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
            (_, Some(t)) => t.eval(&ctx.jsonata_env(), "Items")?,
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
        let max_concurrency = resolve(&m.max_concurrency, "MaxConcurrency", &effective, ctx)?;
        let tolerated_count =
            resolve(&m.tolerated_count, "ToleratedFailureCount", &effective, ctx)?;
        let tolerated_percentage = resolve(
            &m.tolerated_percentage,
            "ToleratedFailurePercentage",
            &effective,
            ctx,
        )?;
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
                (_, Some(t)) => t.eval(
                    &ctx.with(0, None, Some((i, item))).jsonata_env(),
                    "ItemSelector",
                )?,
                (Some(t), None) => t.eval(&effective, &ctx.with(0, None, Some((i, item))))?,
                (None, None) => item,
            });
        }
        let limit = match max_concurrency {
            None | Some(0) => usize::MAX,
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
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
        let tolerant = tolerated_count.is_some() || tolerated_percentage.is_some();
        let outcome = if tolerant {
            let results: Vec<Result<Value, StatesError>> = iterations.collect().await;
            let failed = results.iter().filter(|r| r.is_err()).count();
            let over_count = tolerated_count.is_some_and(|c| failed as u64 > c);
            let over_pct = tolerated_percentage
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
