//! The template's functions as `localcloud_lambda::FunctionConfig`s: what runs (the cargo-built
//! binary of `Metadata.BuildProperties.Binary`, or the Java local jar under the runtime
//! interface client), with the template's resolved settings.

use crate::build;
use localcloud_lambda::FunctionConfig;
use localcloud_template::resource::function::Function;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The main class of the AWS Lambda Java runtime interface client.
pub const JAVA_RIC_MAIN: &str = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

/// How a function's code runs locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// A native binary built from a workspace crate.
    Rust {
        /// The cargo package (and binary) name.
        crate_name: String,
    },
    /// A Maven project run through the runtime interface client.
    Java {
        /// The project folder (`CodeUri`).
        project: PathBuf,
    },
}

/// What the template says about running a function, or why it cannot run here.
pub fn code_of(f: &Function) -> Result<Code, String> {
    if f.runtime.starts_with("java") {
        return Ok(Code::Java {
            project: f.code_uri.clone(),
        });
    }
    if f.runtime.starts_with("provided") {
        return match f.build.as_ref().and_then(|b| b.binary()) {
            Some(b) => Ok(Code::Rust {
                crate_name: b.to_owned(),
            }),
            None => Err(format!(
                "runtime {} without Metadata.BuildProperties.Binary: no binary to build",
                f.runtime
            )),
        };
    }
    Err(format!(
        "runtime {} is not supported locally (provided.* and java* are)",
        f.runtime
    ))
}

/// The configuration of one function whose command is known.
pub fn config(f: &Function, command: Vec<String>, task_root: Option<PathBuf>) -> FunctionConfig {
    let mut c = FunctionConfig::new(f.function_name.clone(), command);
    c.runtime = f.runtime.clone();
    c.handler = f.handler.clone().unwrap_or_else(|| "bootstrap".to_owned());
    c.task_root = task_root;
    c.memory_mb = f.memory_size;
    c.timeout = Duration::from_secs(u64::from(f.timeout));
    c.environment = f.environment.clone();
    c.reserved_concurrency = f.reserved_concurrency;
    if let Some(alias) = &f.auto_publish_alias {
        // AutoPublishAlias publishes version 1 and points the alias at it.
        c.versions = vec!["1".to_owned()];
        c.aliases.insert(alias.clone(), "1".to_owned());
        if let Some(n) = f.provisioned_concurrency {
            c.provisioned_concurrency = n;
            c.provisioned_qualifier = alias.clone();
        }
    }
    c
}

/// The binary cargo builds for a crate.
pub fn rust_binary(root: &Path, crate_name: &str) -> PathBuf {
    build::target_dir(root).join("release").join(crate_name)
}

/// `java -cp <jar> <RIC main> <handler>`.
pub fn java_command(jdk: &Path, jar: &Path, handler: &str) -> Vec<String> {
    vec![
        jdk.join("bin/java").to_string_lossy().into_owned(),
        "-XX:+TieredCompilation".to_owned(),
        "-XX:TieredStopAtLevel=1".to_owned(),
        "-cp".to_owned(),
        jar.to_string_lossy().into_owned(),
        JAVA_RIC_MAIN.to_owned(),
        handler.to_owned(),
    ]
}

/// "reserved 5", "provisioned 1 on live", "unreserved".
pub fn concurrency_text(c: &FunctionConfig) -> String {
    let mut parts = Vec::new();
    if let Some(r) = c.reserved_concurrency {
        parts.push(format!("reserved {r}"));
    }
    if c.provisioned_concurrency > 0 {
        parts.push(format!(
            "provisioned {} on {}",
            c.provisioned_concurrency, c.provisioned_qualifier
        ));
    }
    if parts.is_empty() {
        "unreserved".to_owned()
    } else {
        parts.join(", ")
    }
}

/// API Gateway's `AWS_PROXY` integrations invoke through the local Lambda service.
pub struct ProxyInvoker(pub localcloud_lambda::LambdaService);

impl localcloud_apigateway::LambdaInvoker for ProxyInvoker {
    fn invoke(
        &self,
        function_arn: &str,
        payload: Vec<u8>,
    ) -> futures::future::BoxFuture<
        'static,
        Result<localcloud_apigateway::LambdaOutput, localcloud_apigateway::CallError>,
    > {
        let lambda = self.0.clone();
        let arn = function_arn.to_owned();
        Box::pin(async move {
            let out = lambda
                .invoke(
                    &arn,
                    None,
                    payload.into(),
                    localcloud_lambda::InvocationType::RequestResponse,
                )
                .await
                .map_err(|e| {
                    localcloud_apigateway::CallError::Failed(format!("{}: {e}", e.code()))
                })?;
            Ok(localcloud_apigateway::LambdaOutput {
                payload: out.payload.to_vec(),
                function_error: out.function_error,
            })
        })
    }
}
