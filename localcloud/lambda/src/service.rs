//! [`LambdaService`]: the value the CLI builds from the template's functions. It owns the
//! environment pool, answers in-process invocations (Step Functions, event sources) and
//! builds the API router.

use crate::config::{FunctionConfig, ServiceSettings};
use crate::environment::Environment;
use crate::error::LambdaError;
use crate::invoke::{self, InvocationType, InvokeOutcome};
use crate::pool::Pool;
use axum::body::Bytes;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::task::{JoinHandle, JoinSet};

/// The local Lambda service. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct LambdaService {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub settings: ServiceSettings,
    pub pool: Arc<Pool>,
    reaper: Mutex<Option<JoinHandle<()>>>,
}

impl Inner {
    /// Starts a new provisioned environment in place of one that died, in the background.
    pub(crate) fn replace_provisioned(
        self: &Arc<Self>,
        function: Arc<FunctionConfig>,
        version: String,
    ) {
        let inner = Arc::downgrade(self);
        tokio::spawn(async move {
            let Some(settings) = inner.upgrade().map(|i| i.settings.clone()) else {
                return;
            };
            match Environment::start(&function, &version, &settings, true).await {
                Ok(env) => {
                    let env = Arc::new(env);
                    match inner.upgrade() {
                        Some(inner) if inner.pool.register(&env).is_ok() => {
                            inner.pool.release(&function.name, env);
                        }
                        _ => env.kill().await,
                    }
                }
                Err(failure) => tracing::warn!(
                    function = %function.name,
                    ?failure,
                    "a provisioned environment could not be replaced"
                ),
            }
        });
    }
}

/// A function name as the API accepts it: `name`, `name:qualifier`, a full ARN or a partial
/// ARN (`123456789012:function:name`), each with an optional qualifier.
fn split_name(raw: &str) -> (&str, Option<&str>) {
    let parts: Vec<&str> = raw.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", name] => (name, None),
        ["arn", _, "lambda", _, _, "function", name, q] => (name, Some(q)),
        [_, "function", name] => (name, None),
        [_, "function", name, q] => (name, Some(q)),
        [name, q] => (name, Some(q)),
        _ => (raw, None),
    }
}

impl LambdaService {
    /// Builds the service; nothing runs until an invocation or [`LambdaService::start`].
    pub fn new(
        functions: Vec<FunctionConfig>,
        settings: ServiceSettings,
    ) -> Result<Self, LambdaError> {
        let mut names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(LambdaError::InvalidParameterValue(format!(
                "function {} is declared twice",
                pair[0]
            )));
        }
        let pool = Arc::new(Pool::new(&functions, &settings));
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                pool,
                reaper: Mutex::new(None),
            }),
        })
    }

    /// The settings the service was built with.
    pub fn settings(&self) -> &ServiceSettings {
        &self.inner.settings
    }

    /// Starts every provisioned environment and waits until each has asked for work, then
    /// starts the idle reaper. Fails if any provisioned environment cannot initialise.
    pub async fn start(&self) -> Result<(), LambdaError> {
        let mut starting = JoinSet::new();
        for function in self.inner.pool.configs() {
            if function.provisioned_concurrency == 0 {
                continue;
            }
            let qualifier = function.provisioned_qualifier.as_str();
            let version = function.resolve_qualifier(Some(qualifier)).ok_or_else(|| {
                LambdaError::InvalidParameterValue(format!(
                    "function {}: provisioned concurrency names unknown qualifier {qualifier}",
                    function.name
                ))
            })?;
            for _ in 0..function.provisioned_concurrency {
                let settings = self.inner.settings.clone();
                let function = function.clone();
                let version = version.clone();
                starting.spawn(async move {
                    let env = Environment::start(&function, &version, &settings, true).await;
                    (function, env)
                });
            }
        }
        while let Some(joined) = starting.join_next().await {
            let (function, env) = joined
                .map_err(|e| LambdaError::Service(format!("provisioning task failed: {e}")))?;
            let env = env.map_err(|failure| {
                LambdaError::Service(format!(
                    "function {}: a provisioned environment failed to initialise: {failure:?}",
                    function.name
                ))
            })?;
            let env = Arc::new(env);
            if let Err(closed) = self.inner.pool.register(&env) {
                env.kill().await;
                return Err(closed);
            }
            self.inner.pool.release(&function.name, env);
        }
        self.start_reaper();
        Ok(())
    }

    fn start_reaper(&self) {
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let idle = self.inner.settings.idle_reap_after;
        let period = (idle / 2).clamp(Duration::from_millis(10), Duration::from_secs(30));
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let Some(inner) = weak.upgrade() else { return };
                for env in inner.pool.take_expired(idle) {
                    env.kill().await;
                }
            }
        });
        if let Ok(mut reaper) = self.inner.reaper.lock() {
            if let Some(old) = reaper.replace(task) {
                old.abort();
            }
        }
    }

    /// Stops on-demand environments idle for longer than the idle time now; returns how many.
    pub async fn reap_idle(&self) -> usize {
        let expired = self
            .inner
            .pool
            .take_expired(self.inner.settings.idle_reap_after);
        for env in &expired {
            env.kill().await;
        }
        expired.len()
    }

    /// Kills every environment (idle or busy) and stops the reaper: no child process remains.
    pub async fn shutdown(&self) {
        if let Some(reaper) = self.inner.reaper.lock().ok().and_then(|mut r| r.take()) {
            reaper.abort();
        }
        for env in self.inner.pool.take_all() {
            env.kill().await;
        }
    }

    /// The number of idle (warm) environments of a function.
    pub fn idle_environments(&self, name: &str) -> usize {
        self.inner.pool.idle_count(name)
    }

    /// The function a name (or ARN) refers to, and the qualifier it carries.
    pub(crate) fn function(
        &self,
        raw: &str,
        qualifier: Option<&str>,
    ) -> Result<(Arc<FunctionConfig>, Option<String>), LambdaError> {
        let (name, embedded) = split_name(raw);
        let qualifier = match (embedded, qualifier) {
            (Some(a), Some(b)) if a != b => {
                return Err(LambdaError::InvalidParameterValue(
                    "The derived qualifier from the function name does not match the specified qualifier."
                        .to_owned(),
                ))
            }
            (a, b) => a.or(b).map(str::to_owned),
        };
        let not_found = || LambdaError::ResourceNotFound {
            arn: self.inner.settings.function_arn(name, qualifier.as_deref()),
        };
        let function = self.inner.pool.config(name).ok_or_else(not_found)?;
        Ok((function, qualifier))
    }

    /// All functions, by name.
    pub fn functions(&self) -> Vec<Arc<FunctionConfig>> {
        self.inner.pool.configs()
    }

    /// Invokes a function as the Invoke API does. `name` may be a name or an ARN.
    pub async fn invoke(
        &self,
        name: &str,
        qualifier: Option<&str>,
        payload: Bytes,
        kind: InvocationType,
    ) -> Result<InvokeOutcome, LambdaError> {
        let (function, qualifier) = self.function(name, qualifier)?;
        let version = function
            .resolve_qualifier(qualifier.as_deref())
            .ok_or_else(|| LambdaError::ResourceNotFound {
                arn: self
                    .inner
                    .settings
                    .function_arn(&function.name, qualifier.as_deref()),
            })?;
        let invoked_arn = self
            .inner
            .settings
            .function_arn(&function.name, qualifier.as_deref());
        if kind != InvocationType::DryRun {
            invoke::check_payload(&payload, kind)?;
        }
        let accepted = |status| InvokeOutcome {
            status,
            payload: Bytes::new(),
            function_error: None,
            error_type: None,
            executed_version: version.clone(),
            log_tail: String::new(),
            request_id: localcloud_wire::request_id::new(),
            cold_start: false,
        };
        match kind {
            InvocationType::DryRun => Ok(accepted(204)),
            InvocationType::Event => {
                let outcome = accepted(202);
                invoke::enqueue(
                    self.inner.clone(),
                    function,
                    version.clone(),
                    invoked_arn,
                    payload,
                    outcome.request_id.clone(),
                );
                Ok(outcome)
            }
            InvocationType::RequestResponse => {
                invoke::execute(&self.inner, &function, &version, invoked_arn, payload).await
            }
        }
    }

    /// `ReservedConcurrentExecutions` of a function, if set.
    pub fn function_concurrency(&self, name: &str) -> Result<Option<u32>, LambdaError> {
        let (function, _) = self.function(name, None)?;
        Ok(self.inner.pool.reserved(&function.name).flatten())
    }

    /// PutFunctionConcurrency (`Some`) or DeleteFunctionConcurrency (`None`).
    pub fn set_function_concurrency(
        &self,
        name: &str,
        reserved: Option<u32>,
    ) -> Result<(), LambdaError> {
        let (function, _) = self.function(name, None)?;
        self.inner.pool.set_reserved(&function.name, reserved)
    }
}

/// API Gateway, Step Functions and the event sources call functions through this.
impl localcloud_wire::invoke::Invoke for LambdaService {
    fn invoke<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        payload: Bytes,
        kind: InvocationType,
    ) -> futures::future::BoxFuture<'a, Result<InvokeOutcome, localcloud_wire::invoke::InvokeError>>
    {
        Box::pin(async move {
            LambdaService::invoke(self, function, qualifier, payload, kind)
                .await
                .map_err(Into::into)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_and_arns_split_into_name_and_qualifier() {
        assert_eq!(split_name("f"), ("f", None));
        assert_eq!(split_name("f:live"), ("f", Some("live")));
        assert_eq!(
            split_name("arn:aws:lambda:us-east-1:000000000000:function:f:3"),
            ("f", Some("3"))
        );
        assert_eq!(
            split_name("arn:aws:lambda:us-east-1:000000000000:function:f"),
            ("f", None)
        );
        assert_eq!(split_name("000000000000:function:f"), ("f", None));
    }
}
