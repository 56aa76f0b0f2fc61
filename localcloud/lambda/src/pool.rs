//! Concurrency as Lambda counts it: the number of environments busy with an invocation.
//! A function with `ReservedConcurrentExecutions` may have that many busy at once; the others
//! share what is left of the account limit. Idle environments are kept per function version,
//! reused most-recently-used first, and reaped after the idle time unless provisioned.

use crate::config::{FunctionConfig, ServiceSettings};
use crate::environment::Environment;
use crate::error::{LambdaError, ThrottleReason};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

/// How long a throttled caller is told to wait.
const RETRY_AFTER_SECONDS: u64 = 1;

struct FunctionSlot {
    config: Arc<FunctionConfig>,
    reserved: Option<u32>,
    busy: u32,
    /// Per version: idle environments with the time they became idle.
    idle: HashMap<String, Vec<(Arc<Environment>, Instant)>>,
}

#[derive(Default)]
struct PoolState {
    functions: HashMap<String, FunctionSlot>,
    /// Every environment ever started that may still run (for shutdown).
    all: Vec<Weak<Environment>>,
    /// Set by shutdown: nothing new is admitted or started.
    closed: bool,
}

/// The environments of every function and the concurrency accounting.
pub(crate) struct Pool {
    state: Mutex<PoolState>,
    account_concurrency: u32,
    unreserved_minimum: u32,
}

/// One admitted invocation: holds a unit of concurrency until dropped.
pub(crate) struct Lease {
    pool: Arc<Pool>,
    function: String,
    /// A warm environment for the version, if one was idle.
    pub warm: Option<Arc<Environment>>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut state = self.pool.lock();
        if let Some(slot) = state.functions.get_mut(&self.function) {
            slot.busy = slot.busy.saturating_sub(1);
        }
    }
}

fn shutting_down() -> LambdaError {
    LambdaError::Service("the Lambda service is shutting down".to_owned())
}

impl Pool {
    pub(crate) fn new(functions: &[FunctionConfig], settings: &ServiceSettings) -> Self {
        let functions = functions
            .iter()
            .map(|f| {
                let slot = FunctionSlot {
                    config: Arc::new(f.clone()),
                    reserved: f.reserved_concurrency,
                    busy: 0,
                    idle: HashMap::new(),
                };
                (f.name.clone(), slot)
            })
            .collect();
        Self {
            state: Mutex::new(PoolState {
                functions,
                all: Vec::new(),
                closed: false,
            }),
            account_concurrency: settings.account_concurrency,
            unreserved_minimum: settings.unreserved_minimum,
        }
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // A panic while holding the lock leaves counters that are still consistent enough
        // to continue; poisoning is not a reason to stop serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn config(&self, name: &str) -> Option<Arc<FunctionConfig>> {
        self.lock().functions.get(name).map(|s| s.config.clone())
    }

    pub(crate) fn configs(&self) -> Vec<Arc<FunctionConfig>> {
        let mut configs: Vec<_> = self
            .lock()
            .functions
            .values()
            .map(|s| s.config.clone())
            .collect();
        configs.sort_by(|a, b| a.name.cmp(&b.name));
        configs
    }

    pub(crate) fn reserved(&self, name: &str) -> Option<Option<u32>> {
        self.lock().functions.get(name).map(|s| s.reserved)
    }

    /// Sets or clears a reservation, keeping the unreserved minimum as AWS does.
    pub(crate) fn set_reserved(
        &self,
        name: &str,
        reserved: Option<u32>,
    ) -> Result<(), LambdaError> {
        let mut state = self.lock();
        let others: u32 = state
            .functions
            .iter()
            .filter(|(n, _)| n.as_str() != name)
            .filter_map(|(_, s)| s.reserved)
            .sum();
        if let Some(r) = reserved {
            let unreserved = i64::from(self.account_concurrency) - i64::from(others) - i64::from(r);
            if unreserved < i64::from(self.unreserved_minimum) {
                return Err(LambdaError::InvalidParameterValue(format!(
                    "Specified ReservedConcurrentExecutions for function decreases account's \
                     UnreservedConcurrentExecution below its minimum value of [{}].",
                    self.unreserved_minimum
                )));
            }
        }
        match state.functions.get_mut(name) {
            Some(slot) => {
                slot.reserved = reserved;
                Ok(())
            }
            None => Err(LambdaError::Service(format!("function {name} vanished"))),
        }
    }

    /// Admits one invocation of `name` at `version`, or throttles it.
    pub(crate) fn acquire(
        self: &Arc<Self>,
        name: &str,
        version: &str,
    ) -> Result<Lease, LambdaError> {
        let mut state = self.lock();
        if state.closed {
            return Err(shutting_down());
        }
        let (reserved_total, unreserved_busy) =
            state
                .functions
                .values()
                .fold((0u32, 0u32), |(reserved, busy), s| match s.reserved {
                    Some(r) => (reserved + r, busy),
                    None => (reserved, busy + s.busy),
                });
        let account = self.account_concurrency;
        let Some(slot) = state.functions.get_mut(name) else {
            return Err(LambdaError::Service(format!("function {name} vanished")));
        };
        let throttle = |reason| LambdaError::TooManyRequests {
            reason,
            retry_after_seconds: RETRY_AFTER_SECONDS,
        };
        match slot.reserved {
            Some(r) if slot.busy >= r => {
                return Err(throttle(
                    ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded,
                ))
            }
            None if unreserved_busy >= account.saturating_sub(reserved_total) => {
                return Err(throttle(ThrottleReason::ConcurrentInvocationLimitExceeded))
            }
            _ => {}
        }
        slot.busy += 1;
        let warm = slot.idle.get_mut(version).and_then(|idle| {
            while let Some((env, _)) = idle.pop() {
                if env.alive() {
                    return Some(env);
                }
            }
            None
        });
        Ok(Lease {
            pool: self.clone(),
            function: name.to_owned(),
            warm,
        })
    }

    /// Records a new environment so shutdown can find it. After shutdown it is refused
    /// (the caller kills it).
    pub(crate) fn register(&self, env: &Arc<Environment>) -> Result<(), LambdaError> {
        let mut state = self.lock();
        if state.closed {
            return Err(shutting_down());
        }
        state.all.retain(|w| w.strong_count() > 0);
        state.all.push(Arc::downgrade(env));
        Ok(())
    }

    /// Returns an environment to the idle set after an invocation (if it still runs).
    pub(crate) fn release(&self, function: &str, env: Arc<Environment>) {
        if !env.alive() {
            return;
        }
        let mut state = self.lock();
        if let Some(slot) = state.functions.get_mut(function) {
            slot.idle
                .entry(env.version.clone())
                .or_default()
                .push((env, Instant::now()));
        }
    }

    /// Removes on-demand environments idle for longer than `idle_for`; returns them so the
    /// caller kills them outside the lock.
    pub(crate) fn take_expired(&self, idle_for: Duration) -> Vec<Arc<Environment>> {
        let mut expired = Vec::new();
        let mut state = self.lock();
        for slot in state.functions.values_mut() {
            for idle in slot.idle.values_mut() {
                let (keep, old): (Vec<_>, Vec<_>) = idle
                    .drain(..)
                    .partition(|(env, since)| env.provisioned || since.elapsed() < idle_for);
                *idle = keep;
                expired.extend(old.into_iter().map(|(env, _)| env));
            }
        }
        expired
    }

    /// Closes the pool and returns every environment that may still run.
    pub(crate) fn take_all(&self) -> Vec<Arc<Environment>> {
        let mut state = self.lock();
        state.closed = true;
        // Upgrade first: clearing the idle sets may drop the last strong reference, and a
        // dropped environment is killed without anyone waiting for the process to be gone.
        let all = state.all.drain(..).filter_map(|w| w.upgrade()).collect();
        for slot in state.functions.values_mut() {
            slot.idle.clear();
        }
        all
    }

    /// Idle environments of a function (for tests and the CLI's status display).
    pub(crate) fn idle_count(&self, name: &str) -> usize {
        self.lock()
            .functions
            .get(name)
            .map_or(0, |s| s.idle.values().map(Vec::len).sum())
    }
}
