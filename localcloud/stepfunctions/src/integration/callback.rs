//! `.waitForTaskToken`: the task's token is registered before the call is made, and the task
//! completes when `SendTaskSuccess`/`SendTaskFailure` names the token; `SendTaskHeartbeat`
//! restarts the engine's `HeartbeatSeconds` timer through the task's [`Heartbeat`].
//! A token is forgotten when its task ends by any route (result, timeout, stop).

use crate::task::{Heartbeat, TaskError};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Why a token could not be used (`TaskDoesNotExist` / `InvalidToken` on the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// No task waits for this token (never issued, or already completed).
    TaskDoesNotExist,
    /// The task gave up waiting (timeout, heartbeat timeout, execution stopped).
    TaskTimedOut,
}

struct Waiting {
    done: oneshot::Sender<Result<Value, TaskError>>,
    heartbeat: Heartbeat,
}

/// The tokens of tasks waiting for a callback. Clones share the table.
#[derive(Clone, Default)]
pub struct TaskTokens {
    waiting: Arc<Mutex<HashMap<String, Waiting>>>,
    /// Tokens whose task stopped waiting, so a late SendTask* gets `TaskTimedOut`; the
    /// oldest are forgotten beyond [`EXPIRED_KEPT`].
    expired: Arc<Mutex<std::collections::VecDeque<String>>>,
}

/// How many expired tokens are remembered.
pub const EXPIRED_KEPT: usize = 10_000;

/// Removes the token when the waiting task goes away.
pub(crate) struct Registration {
    tokens: TaskTokens,
    token: String,
    /// Completes with the callback's outcome.
    pub(crate) rx: oneshot::Receiver<Result<Value, TaskError>>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.tokens.lock().remove(&self.token).is_some() {
            let mut expired = self
                .tokens
                .expired
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if expired.len() >= EXPIRED_KEPT {
                expired.pop_front();
            }
            expired.push_back(self.token.clone());
        }
    }
}

impl TaskTokens {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Waiting>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn register(&self, token: &str, heartbeat: Heartbeat) -> Registration {
        let (tx, rx) = oneshot::channel();
        self.lock().insert(
            token.to_string(),
            Waiting {
                done: tx,
                heartbeat,
            },
        );
        Registration {
            tokens: self.clone(),
            token: token.to_string(),
            rx,
        }
    }

    fn missing(&self, token: &str) -> TokenError {
        let expired = self.expired.lock().unwrap_or_else(|p| p.into_inner());
        if expired.iter().any(|t| t == token) {
            TokenError::TaskTimedOut
        } else {
            TokenError::TaskDoesNotExist
        }
    }

    fn complete(&self, token: &str, outcome: Result<Value, TaskError>) -> Result<(), TokenError> {
        let waiting = self.lock().remove(token);
        let waiting = waiting.ok_or_else(|| self.missing(token))?;
        waiting
            .done
            .send(outcome)
            .map_err(|_| TokenError::TaskDoesNotExist)
    }

    /// `SendTaskSuccess`.
    pub fn success(&self, token: &str, output: Value) -> Result<(), TokenError> {
        self.complete(token, Ok(output))
    }

    /// `SendTaskFailure`.
    pub fn failure(&self, token: &str, error: &str, cause: &str) -> Result<(), TokenError> {
        self.complete(
            token,
            Err(TaskError {
                error: error.to_string(),
                cause: cause.to_string(),
            }),
        )
    }

    /// `SendTaskHeartbeat`.
    pub fn heartbeat(&self, token: &str) -> Result<(), TokenError> {
        let beat = self.lock().get(token).map(|w| w.heartbeat.clone());
        beat.ok_or_else(|| self.missing(token))?.beat();
        Ok(())
    }

    /// The tokens tasks wait on (for inspection).
    pub fn waiting(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// How many tasks wait.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
