//! Task integrations through the local services: [`Integrations`] is the [`TaskExecutor`]
//! the service runs executions with; it dispatches on the resource ARN.
//!
//! - [`lambda`]: `arn:aws:states:::lambda:invoke` and bare function ARNs, via [`Invoke`].
//! - [`dynamodb`]: `arn:aws:states:::dynamodb:*` and `arn:aws:states:::aws-sdk:dynamodb:*`,
//!   via [`DynamoCaller`] ([`HttpDynamo`] over the service endpoint).
//! - [`states`]: `arn:aws:states:::states:startExecution` (plain, `.sync`, `.sync:2`), via
//!   [`ExecutionStarter`] (the service).
//! - [`callback`]: `.waitForTaskToken` and the [`TaskTokens`] SendTask* complete.
//!
//! A resource no integration serves fails the task with `States.Runtime` naming it, as AWS
//! does for an unsupported resource at run time.

pub mod callback;
pub mod dynamodb;
pub mod lambda;
pub mod states;

pub use callback::{TaskTokens, TokenError};
pub use dynamodb::{DynamoApiError, DynamoCaller, HttpDynamo};
pub use lambda::{Invocation, InvocationType, Invoke, InvokeError};
pub use states::ExecutionStarter;

use crate::error::names;
use crate::task::{TaskContext, TaskError, TaskExecutor};
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::{Arc, Mutex, Weak};

/// A resource ARN, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource<'a> {
    /// `arn:aws:states:::lambda:invoke`.
    LambdaInvoke,
    /// `arn:aws:lambda:...:function:name`.
    LambdaArn(&'a str),
    /// A DynamoDB action in one of the two forms.
    Dynamo(dynamodb::Form, &'a str),
    /// `states:startExecution`; `true` for `.sync`/`.sync:2`.
    StartExecution(bool),
    /// Anything else.
    Unsupported,
}

/// Splits the `.waitForTaskToken` suffix off and classifies the rest.
pub fn classify(resource: &str) -> (Resource<'_>, bool) {
    let (base, callback) = match resource.strip_suffix(".waitForTaskToken") {
        Some(b) => (b, true),
        None => (resource, false),
    };
    if base.starts_with("arn:aws:lambda:") && base.contains(":function:") {
        return (Resource::LambdaArn(base), callback);
    }
    let kind = match base.strip_prefix("arn:aws:states:::") {
        Some("lambda:invoke") => Resource::LambdaInvoke,
        Some("states:startExecution") => Resource::StartExecution(false),
        Some("states:startExecution.sync") | Some("states:startExecution.sync:2") => {
            Resource::StartExecution(true)
        }
        Some(rest) => match rest.strip_prefix("dynamodb:") {
            Some(a) if dynamodb::OPTIMIZED_ACTIONS.contains(&a) => {
                Resource::Dynamo(dynamodb::Form::Optimized, a)
            }
            _ => match rest.strip_prefix("aws-sdk:dynamodb:") {
                Some(a) if !a.is_empty() && !a.contains(['.', ':']) => {
                    Resource::Dynamo(dynamodb::Form::Sdk, a)
                }
                _ => Resource::Unsupported,
            },
        },
        None => Resource::Unsupported,
    };
    (kind, callback)
}

/// The executor of the local cloud's integrations.
#[derive(Default)]
pub struct Integrations {
    lambda: Option<Arc<dyn Invoke>>,
    dynamo: Option<Arc<dyn DynamoCaller>>,
    starter: Mutex<Option<Weak<dyn ExecutionStarter>>>,
    tokens: TaskTokens,
}

fn runtime(cause: String) -> TaskError {
    TaskError {
        error: names::RUNTIME.into(),
        cause,
    }
}

impl Integrations {
    /// No service wired yet (every resource fails with `States.Runtime`).
    pub fn new() -> Integrations {
        Integrations::default()
    }
    /// Uses `invoker` for Lambda resources.
    pub fn with_lambda(mut self, invoker: Arc<dyn Invoke>) -> Self {
        self.lambda = Some(invoker);
        self
    }
    /// Uses `caller` for DynamoDB resources.
    pub fn with_dynamo(mut self, caller: Arc<dyn DynamoCaller>) -> Self {
        self.dynamo = Some(caller);
        self
    }
    /// Sets the service that starts child executions (held weakly: the service owns us).
    pub fn set_starter(&self, starter: Weak<dyn ExecutionStarter>) {
        *self.starter.lock().unwrap_or_else(|p| p.into_inner()) = Some(starter);
    }
    /// The token table SendTaskSuccess/Failure/Heartbeat act on.
    pub fn tokens(&self) -> &TaskTokens {
        &self.tokens
    }

    async fn call(&self, resource: &Resource<'_>, input: Value) -> Result<Value, TaskError> {
        let missing = |what: &str| runtime(format!("{what} is not configured in this localcloud"));
        match resource {
            Resource::LambdaInvoke => {
                let l = self.lambda.as_deref().ok_or_else(|| missing("Lambda"))?;
                lambda::invoke(l, &input).await
            }
            Resource::LambdaArn(arn) => {
                let l = self.lambda.as_deref().ok_or_else(|| missing("Lambda"))?;
                lambda::invoke_arn(l, arn, &input).await
            }
            Resource::Dynamo(form, action) => {
                let d = self.dynamo.as_deref().ok_or_else(|| missing("DynamoDB"))?;
                dynamodb::call(d, *form, action, input).await
            }
            Resource::StartExecution(sync) => {
                let starter = self
                    .starter
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .as_ref()
                    .and_then(Weak::upgrade)
                    .ok_or_else(|| missing("Step Functions"))?;
                states::start_execution(starter.as_ref(), input, *sync).await
            }
            Resource::Unsupported => Err(runtime(String::new())),
        }
    }
}

impl TaskExecutor for Integrations {
    fn execute<'a>(
        &'a self,
        resource: &'a str,
        input: Value,
        ctx: TaskContext,
    ) -> BoxFuture<'a, Result<Value, TaskError>> {
        Box::pin(async move {
            let (kind, callback) = classify(resource);
            if kind == Resource::Unsupported {
                return Err(runtime(format!(
                    "The resource '{resource}' is not supported by localcloud's Step Functions integrations"
                )));
            }
            if !callback {
                return self.call(&kind, input).await;
            }
            let token = ctx.task_token.clone().unwrap_or_default();
            let mut registration = self.tokens.register(&token, ctx.heartbeat.clone());
            self.call(&kind, input).await?;
            (&mut registration.rx).await.unwrap_or_else(|_| {
                Err(TaskError {
                    error: names::TASK_FAILED.into(),
                    cause: "the task token was dropped".into(),
                })
            })
        })
    }
}
