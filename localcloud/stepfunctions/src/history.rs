//! Execution history (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html>):
//! events with AWS's type names, sequential ids from 1, `previousEventId`, a timestamp and the
//! type's `...EventDetails` object. Concurrent branches append to one shared list.

use crate::clock::Clock;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::{Arc, Mutex};

/// One history event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEvent {
    /// 1-based id.
    pub id: u64,
    /// The event this one follows (0 for the first).
    #[serde(rename = "previousEventId")]
    pub previous_event_id: u64,
    /// ISO 8601 timestamp.
    pub timestamp: String,
    /// AWS event type, e.g. `TaskStateEntered`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `{"<type>EventDetails": {...}}` or empty.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// The append-only event list of one execution.
#[derive(Clone)]
pub struct History {
    events: Arc<Mutex<Vec<HistoryEvent>>>,
    clock: Arc<dyn Clock>,
}

impl History {
    /// An empty history stamped by `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> History {
        History {
            events: Arc::new(Mutex::new(Vec::new())),
            clock,
        }
    }

    /// Appends an event and returns its id. `key` names the details object (`""` for none).
    pub fn push(&self, previous: u64, event_type: &str, key: &str, details: Value) -> u64 {
        let mut map = Map::new();
        if !key.is_empty() {
            map.insert(key.to_string(), details);
        }
        let timestamp = crate::clock::iso(self.clock.now());
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        let id = events.len() as u64 + 1;
        events.push(HistoryEvent {
            id,
            previous_event_id: previous,
            timestamp,
            event_type: event_type.to_string(),
            details: map,
        });
        id
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.events.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of the events so far.
    pub fn events(&self) -> Vec<HistoryEvent> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
