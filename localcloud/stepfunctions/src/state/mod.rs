//! The typed model of a state machine (<https://states-language.net/spec.html#state-types>):
//! one closed enum variant per state type, parsed from JSON with diagnostics at their paths.

pub mod choice;
pub mod fail;
pub mod map;
pub mod parallel;
pub mod pass;
pub mod retry;
pub mod task;
pub mod wait;

use crate::error::code;
use crate::field::assign::Assign;
use crate::field::Io;
use crate::fields::{Cx, Obj, JSONPATH_ONLY};
use crate::jsonata;
use serde_json::Value;
use std::collections::HashMap;

/// A state machine or a nested one (a Parallel branch, a Map processor).
#[derive(Debug, Clone)]
pub struct StateMachine {
    /// `StartAt`.
    pub start_at: String,
    /// `States`, by name.
    pub states: HashMap<String, State>,
    /// State names in definition order (for validation messages in a stable order).
    pub order: Vec<String>,
    /// `TimeoutSeconds` of the whole machine.
    pub timeout_seconds: Option<u64>,
    /// Where it is in the definition (`` for the top, `/States/P/Branches[0]` nested).
    pub loc: String,
}

/// Where a state goes after succeeding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// `Next`.
    Next(String),
    /// `End: true`, or a terminal type.
    End,
}

/// One state.
#[derive(Debug, Clone)]
pub struct State {
    /// Its name.
    pub name: String,
    /// Its processing fields.
    pub io: Io,
    /// `Next` / `End`.
    pub transition: Transition,
    /// What it does.
    pub kind: Kind,
    /// It uses JSONata (its own `QueryLanguage`, else the machine's).
    pub jsonata: bool,
    /// `Assign`.
    pub assign: Option<Assign>,
    /// `Arguments` (JSONata Task and Parallel).
    pub arguments: Option<jsonata::Template>,
    /// `Output` (JSONata).
    pub output: Option<jsonata::Template>,
}

/// The state types.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Pass.
    Pass(pass::Pass),
    /// Task.
    Task(task::Task),
    /// Choice.
    Choice(choice::Choice),
    /// Wait.
    Wait(wait::Wait),
    /// Succeed.
    Succeed,
    /// Fail.
    Fail(fail::Fail),
    /// Parallel.
    Parallel(parallel::Parallel),
    /// Map (inline), boxed: it is the largest state.
    Map(Box<map::Map>),
}

impl Kind {
    /// The `Type` string, used in history event names.
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Pass(_) => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice(_) => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel(_) => "Parallel",
            Kind::Map(_) => "Map",
        }
    }
}

const IO_IN_OUT: &[&str] = &["InputPath", "OutputPath"];
const FLOW: &[&str] = &["Next", "End"];

/// Parses a (possibly nested) state machine object at `loc`.
pub fn parse_machine(v: &Value, cx: &mut Cx, loc: &str, top: bool) -> Option<StateMachine> {
    let Value::Object(map) = v else {
        cx.schema(
            "The state machine must be a JSON object",
            if loc.is_empty() { "/" } else { loc },
        );
        return None;
    };
    let o = Obj { map, loc };
    let mut allowed = vec!["StartAt", "States", "Comment"];
    if top {
        allowed.extend(["Version", "TimeoutSeconds", "QueryLanguage"]);
    } else {
        allowed.push("ProcessorConfig");
    }
    o.allow(cx, &allowed);
    if let Some(ql) = o.str(cx, "QueryLanguage") {
        match ql.as_str() {
            "JSONPath" => {}
            "JSONata" => cx.default_jsonata = true,
            other => cx.schema(
                format!("The value '{other}' of QueryLanguage is not JSONPath or JSONata"),
                &o.at("QueryLanguage"),
            ),
        }
    }
    let start_at = o.req_str(cx, "StartAt").unwrap_or_default();
    let timeout_seconds = if top {
        o.uint(cx, "TimeoutSeconds")
    } else {
        None
    };
    let mut states = HashMap::new();
    let mut order = Vec::new();
    if !map.contains_key("States") {
        cx.schema(
            "These fields are required: [States]",
            if loc.is_empty() { "/" } else { loc },
        );
    }
    if let Some(sm) = o.obj(cx, "States") {
        for (name, sv) in sm {
            let sloc = format!("{loc}/States/{name}");
            if name.is_empty() || name.chars().count() > 80 {
                cx.report(
                    code::SCHEMA_VALIDATION_FAILED,
                    "State names must be 1 to 80 characters long",
                    &sloc,
                );
            }
            if let Some(s) = parse_state(name, sv, cx, &sloc) {
                order.push(name.clone());
                states.insert(name.clone(), s);
            }
        }
    }
    Some(StateMachine {
        start_at,
        states,
        order,
        timeout_seconds,
        loc: loc.to_string(),
    })
}

fn parse_state(name: &str, v: &Value, cx: &mut Cx, loc: &str) -> Option<State> {
    let saved = cx.jsonata;
    let state = parse_state_in(name, v, cx, loc);
    cx.jsonata = saved;
    state
}

fn parse_state_in(name: &str, v: &Value, cx: &mut Cx, loc: &str) -> Option<State> {
    let Value::Object(map) = v else {
        cx.schema("A state must be a JSON object", loc);
        return None;
    };
    let o = Obj { map, loc };
    let jsonata_mode = match o.str(cx, "QueryLanguage").as_deref() {
        None => cx.default_jsonata,
        Some("JSONata") => true,
        Some("JSONPath") => {
            if cx.default_jsonata {
                cx.schema(
                    "A state cannot use QueryLanguage JSONPath when the state machine's QueryLanguage is JSONata",
                    &o.at("QueryLanguage"),
                );
            }
            false
        }
        Some(ql) => {
            cx.schema(
                format!("The value '{ql}' of QueryLanguage is not JSONPath or JSONata"),
                &o.at("QueryLanguage"),
            );
            cx.default_jsonata
        }
    };
    cx.jsonata = jsonata_mode;
    let ty = o.req_str(cx, "Type")?;
    let with = |extra: &[&'static str], groups: &[&[&'static str]]| -> Vec<&'static str> {
        let mut v: Vec<&'static str> = vec!["QueryLanguage"];
        v.extend_from_slice(extra);
        for g in groups {
            v.extend_from_slice(g);
        }
        if !matches!(ty.as_str(), "Succeed" | "Fail") {
            v.push("Assign");
        }
        if jsonata_mode {
            v.retain(|f| !JSONPATH_ONLY.contains(f));
            match ty.as_str() {
                "Fail" => {}
                "Task" | "Parallel" => v.extend(["Output", "Arguments"]),
                "Map" => v.extend(["Output", "Items"]),
                _ => v.push("Output"),
            }
        }
        v
    };
    let (kind, allowed, flows) = match ty.as_str() {
        "Pass" => (
            Kind::Pass(pass::Pass::parse(o, cx)),
            with(&["Result", "Parameters", "ResultPath"], &[IO_IN_OUT, FLOW]),
            true,
        ),
        "Task" => (
            Kind::Task(task::Task::parse(o, cx)),
            with(task::FIELDS, &[IO_IN_OUT, FLOW]),
            true,
        ),
        "Choice" => (
            Kind::Choice(choice::Choice::parse(o, cx)),
            with(&["Choices", "Default"], &[IO_IN_OUT]),
            false,
        ),
        "Wait" => (
            Kind::Wait(wait::Wait::parse(o, cx)),
            with(wait::FIELDS, &[IO_IN_OUT, FLOW]),
            true,
        ),
        "Succeed" => (Kind::Succeed, with(&[], &[IO_IN_OUT]), false),
        "Fail" => (
            Kind::Fail(fail::Fail::parse(o, cx)),
            with(&["Error", "ErrorPath", "Cause", "CausePath"], &[]),
            false,
        ),
        "Parallel" => (
            Kind::Parallel(parallel::Parallel::parse(o, cx)),
            with(parallel::FIELDS, &[IO_IN_OUT, FLOW]),
            true,
        ),
        "Map" => (
            Kind::Map(Box::new(map::Map::parse(o, cx))),
            with(map::FIELDS, &[IO_IN_OUT, FLOW]),
            true,
        ),
        other => {
            cx.schema(
                format!("The value '{other}' of the field 'Type' is not a valid state type"),
                &o.at("Type"),
            );
            return None;
        }
    };
    cx.jsonata = jsonata_mode;
    o.allow(cx, &allowed);
    let transition = if flows {
        match (o.get("Next"), o.get("End")) {
            (Some(_), None) => Transition::Next(o.str(cx, "Next").unwrap_or_default()),
            (None, Some(Value::Bool(true))) => Transition::End,
            (None, Some(_)) => {
                cx.schema("The value of the field 'End' must be true", &o.at("End"));
                Transition::End
            }
            (Some(_), Some(_)) => {
                cx.schema("Only one of 'Next' or 'End' may be present", loc);
                Transition::End
            }
            (None, None) => {
                cx.schema("Exactly one of 'Next' or 'End' must be present", loc);
                Transition::End
            }
        }
    } else {
        Transition::End
    };
    let mut io = if jsonata_mode {
        Io::default()
    } else {
        Io::parse(o, cx)
    };
    let assign = Assign::parse(o, cx, jsonata_mode);
    let template = |cx: &mut Cx, k: &str| {
        o.get(k)
            .filter(|_| jsonata_mode)
            .map(|v| jsonata::Template::compile(v, cx, &o.at(k)))
    };
    let arguments = template(cx, "Arguments");
    let output = template(cx, "Output");
    let mut kind = kind;
    if let (Kind::Map(m), false) = (&mut kind, jsonata_mode) {
        // In a Map, legacy `Parameters` is the per-item selector, not a state-level template.
        let legacy = io.parameters.take();
        if m.item_selector.is_none() {
            m.item_selector = legacy;
        }
    }
    Some(State {
        name: name.to_string(),
        io,
        transition,
        kind,
        jsonata: jsonata_mode,
        assign,
        arguments,
        output,
    })
}
