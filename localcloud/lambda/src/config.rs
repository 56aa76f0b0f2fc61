//! What the service is built from: one [`FunctionConfig`] per function (as the template
//! declares it, already resolved) and the [`ServiceSettings`] shared by all of them.

use crate::logs::LogSink;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The unpublished version every function has.
pub const LATEST: &str = "$LATEST";

/// One Lambda function: its code (a command to run), its configuration and its qualifiers.
#[derive(Debug, Clone)]
pub struct FunctionConfig {
    /// The function name (`FunctionName` in the template, or the generated name).
    pub name: String,
    /// `provided.al2023`, `java21`, ...: reported by GetFunction; the command decides what runs.
    pub runtime: String,
    /// `_HANDLER` in the environment.
    pub handler: String,
    /// The program and its arguments: the `bootstrap` binary for `provided.*`, a java command
    /// line for Java. The first element must not be empty.
    pub command: Vec<String>,
    /// `LAMBDA_TASK_ROOT` and the working directory; defaults to the program's folder.
    pub task_root: Option<PathBuf>,
    /// `MemorySize` in MB (reported, not enforced).
    pub memory_mb: u32,
    /// `Timeout`: an invocation running longer is killed with its environment.
    pub timeout: Duration,
    /// The function's `Environment.Variables`, added after the runtime variables.
    pub environment: BTreeMap<String, String>,
    /// `ReservedConcurrentExecutions`: caps the function's environments; 0 throttles every call.
    pub reserved_concurrency: Option<u32>,
    /// `ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions`: environments started and
    /// initialised by [`crate::LambdaService::start`] and never reaped.
    pub provisioned_concurrency: u32,
    /// The qualifier (alias or version) the provisioned environments serve.
    pub provisioned_qualifier: String,
    /// Published version names ("1", "2", ...). `$LATEST` always exists.
    pub versions: Vec<String>,
    /// Alias name -> version name.
    pub aliases: BTreeMap<String, String>,
}

impl FunctionConfig {
    /// A function with Lambda's defaults (128 MB, 3 s, no reservation, `$LATEST` only).
    pub fn new(name: impl Into<String>, command: Vec<String>) -> Self {
        Self {
            name: name.into(),
            runtime: "provided.al2023".to_owned(),
            handler: "bootstrap".to_owned(),
            command,
            task_root: None,
            memory_mb: 128,
            timeout: Duration::from_secs(3),
            environment: BTreeMap::new(),
            reserved_concurrency: None,
            provisioned_concurrency: 0,
            provisioned_qualifier: LATEST.to_owned(),
            versions: Vec::new(),
            aliases: BTreeMap::new(),
        }
    }

    /// The version a qualifier names: `$LATEST`, a published version or an alias.
    pub fn resolve_qualifier(&self, qualifier: Option<&str>) -> Option<String> {
        match qualifier {
            None | Some(LATEST) => Some(LATEST.to_owned()),
            Some(q) if self.versions.iter().any(|v| v == q) => Some(q.to_owned()),
            Some(q) => self.aliases.get(q).cloned(),
        }
    }
}

/// Settings shared by every function of the service.
#[derive(Clone)]
pub struct ServiceSettings {
    /// The account's concurrent executions limit (AWS default 1,000).
    pub account_concurrency: u32,
    /// `UnreservedConcurrentExecutions` may not drop below this (AWS: 100).
    pub unreserved_minimum: u32,
    /// An idle on-demand environment is stopped after this long.
    pub idle_reap_after: Duration,
    /// The region in ARNs and `AWS_REGION`.
    pub region: String,
    /// The account id in ARNs.
    pub account_id: String,
    /// Passed to functions as `AWS_ENDPOINT_URL` so their SDK clients reach the local cloud.
    pub endpoint_url: Option<String>,
    /// How long an environment may take to reach its first `/next` (AWS: 10 s).
    pub init_timeout: Duration,
    /// Delays before the retries of a failed `Event` invocation (AWS: two retries, about one
    /// and two minutes apart).
    pub event_retry_delays: Vec<Duration>,
    /// Where START/END/REPORT and the functions' output go.
    pub sink: Arc<dyn LogSink>,
}

impl ServiceSettings {
    /// AWS's defaults, logging to `sink`.
    pub fn new(sink: Arc<dyn LogSink>) -> Self {
        Self {
            account_concurrency: 1000,
            unreserved_minimum: 100,
            idle_reap_after: Duration::from_secs(300),
            region: "us-east-1".to_owned(),
            account_id: "000000000000".to_owned(),
            endpoint_url: None,
            init_timeout: Duration::from_secs(10),
            event_retry_delays: vec![Duration::from_secs(60), Duration::from_secs(120)],
            sink,
        }
    }

    /// `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
    pub fn function_arn(&self, name: &str, qualifier: Option<&str>) -> String {
        let base = format!(
            "arn:aws:lambda:{}:{}:function:{name}",
            self.region, self.account_id
        );
        match qualifier {
            Some(q) => format!("{base}:{q}"),
            None => base,
        }
    }
}
