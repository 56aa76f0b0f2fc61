//! The context object (`$$`, <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html>):
//! `Execution.{Id,Input,Name,RoleArn,StartTime,RedriveCount}`, `State.{Name,EnteredTime,RetryCount}`,
//! `StateMachine.{Id,Name}`, `Task.Token` and, in `ItemSelector`, `Map.Item.{Index,Value}`.
//! Built only when a path reads it, so states that never touch `$$` pay nothing.

use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex, OnceLock};

/// Workflow variables by name (<https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html>).
pub type Vars = Map<String, Value>;

/// The context object of one state entry.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// `{"Execution": ..., "StateMachine": ...}`, shared by every state of an execution.
    pub base: Arc<Value>,
    /// `State.Name`.
    pub state_name: String,
    /// `State.EnteredTime` (ISO 8601).
    pub entered_time: String,
    /// `State.RetryCount`.
    pub retry_count: u32,
    /// `Task.Token`, for `.waitForTaskToken` resources.
    pub task_token: Option<String>,
    /// `Map.Item.Index` and `Map.Item.Value`.
    pub map_item: Option<(usize, Value)>,
    /// The raw state input, kept for `$states.input` in JSONata states.
    pub state_input: Option<Arc<Value>>,
    /// The variables visible at state entry (outer scopes and this one).
    pub vars: Arc<Vars>,
    /// Values the state's `Assign` set; applied to its scope when the state completes.
    pub assigned: Arc<Mutex<Vars>>,
    doc: OnceLock<Value>,
}

impl Ctx {
    /// A context for entering `state_name`.
    pub fn new(base: Arc<Value>, state_name: &str, entered_time: String, vars: Arc<Vars>) -> Ctx {
        Ctx {
            base,
            state_name: state_name.to_string(),
            entered_time,
            retry_count: 0,
            task_token: None,
            map_item: None,
            state_input: None,
            vars,
            assigned: Arc::default(),
            doc: OnceLock::new(),
        }
    }

    /// A copy with other per-attempt values (the cached document is rebuilt on demand).
    pub fn with(
        &self,
        retry_count: u32,
        task_token: Option<String>,
        map_item: Option<(usize, Value)>,
    ) -> Ctx {
        Ctx {
            retry_count,
            task_token,
            map_item,
            doc: OnceLock::new(),
            ..self.clone()
        }
    }

    /// The JSONata environment of this state entry: `$states` (input and context, no result
    /// yet) and the variables.
    pub fn jsonata_env(&self) -> crate::jsonata::Env<'_> {
        crate::jsonata::Env {
            states: self.states(None, None),
            vars: &self.vars,
        }
    }

    /// `$states` of a JSONata state: `input`, `context`, and `result`/`errorOutput` when given.
    pub fn states(&self, result: Option<&Value>, error_output: Option<&Value>) -> Value {
        let mut m = Map::new();
        m.insert(
            "input".into(),
            self.state_input.as_deref().cloned().unwrap_or(Value::Null),
        );
        if let Some(r) = result {
            m.insert("result".into(), r.clone());
        }
        if let Some(e) = error_output {
            m.insert("errorOutput".into(), e.clone());
        }
        m.insert("context".into(), self.doc().clone());
        Value::Object(m)
    }

    /// Records the variables an `Assign` produced.
    pub fn assign(&self, values: Vars) {
        let mut a = self
            .assigned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        a.extend(values);
    }

    /// The context object as JSON.
    pub fn doc(&self) -> &Value {
        self.doc.get_or_init(|| {
            let mut doc = (*self.base).clone();
            if let Value::Object(m) = &mut doc {
                m.insert(
                    "State".into(),
                    json!({"Name": self.state_name, "EnteredTime": self.entered_time, "RetryCount": self.retry_count}),
                );
                if let Some(t) = &self.task_token {
                    m.insert("Task".into(), json!({"Token": t}));
                }
                if let Some((i, v)) = &self.map_item {
                    m.insert("Map".into(), json!({"Item": {"Index": i, "Value": v}}));
                }
            }
            doc
        })
    }
}
