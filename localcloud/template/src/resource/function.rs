//! `AWS::Serverless::Function`
//! (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html>).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use super::event::{self, Event};
use super::props::Props;
use super::BuildCtx;
use crate::error::{Result, TemplateError};

/// CPU architecture of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// `x86_64` (the default).
    X86_64,
    /// `arm64`.
    Arm64,
}

/// `Metadata.BuildMethod` / `BuildProperties`, as `sam build` reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    /// e.g. `rust-cargolambda`, `java21`, `makefile`.
    pub method: String,
    /// `BuildProperties`, as written.
    pub properties: BTreeMap<String, Value>,
}

/// A Lambda function.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// Logical id.
    pub logical_id: String,
    /// Physical function name.
    pub function_name: String,
    /// Function ARN.
    pub arn: String,
    /// e.g. `provided.al2023`, `java21`.
    pub runtime: String,
    /// `Handler` (for `provided.*` runtimes, what `_HANDLER` is set to).
    pub handler: Option<String>,
    /// `CodeUri`, relative to the template's directory, joined to it.
    pub code_uri: PathBuf,
    /// The architecture.
    pub architecture: Architecture,
    /// `MemorySize` in MB (default 128).
    pub memory_size: u32,
    /// `Timeout` in seconds (default 3).
    pub timeout: u32,
    /// `Environment.Variables`, resolved.
    pub environment: BTreeMap<String, String>,
    /// `Events`, by name.
    pub events: BTreeMap<String, Event>,
    /// `ReservedConcurrentExecutions`.
    pub reserved_concurrency: Option<u32>,
    /// `ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions` (on the alias).
    pub provisioned_concurrency: Option<u32>,
    /// `AutoPublishAlias`.
    pub auto_publish_alias: Option<String>,
    /// `SnapStart.ApplyOn: PublishedVersions` (not emulated: no snapshots locally).
    pub snap_start: bool,
    /// `EphemeralStorage.Size` in MB.
    pub ephemeral_storage: Option<u32>,
    /// `LoggingConfig.LogFormat` (`Text` or `JSON`).
    pub log_format: Option<String>,
    /// `LoggingConfig.ApplicationLogLevel`.
    pub application_log_level: Option<String>,
    /// `LoggingConfig.SystemLogLevel`.
    pub system_log_level: Option<String>,
    /// How `sam build` builds it.
    pub build: Option<Build>,
}

/// Properties with no local meaning (IAM, tracing, networking, deployment, signing), and
/// `FunctionName`, which the physical name (`function_name`) is already resolved from.
const IGNORED: &[&str] = &[
    "FunctionName",
    "Description",
    "Role",
    "Policies",
    "PermissionsBoundary",
    "RolePath",
    "Tags",
    "PropagateTags",
    "Tracing",
    "VpcConfig",
    "KmsKeyArn",
    "DeploymentPreference",
    "AutoPublishCodeSha256",
    "AutoPublishAliasAllProperties",
    "CodeSigningConfigArn",
    "RuntimeManagementConfig",
    "RecursiveLoop",
    "AssumeRolePolicyDocument",
    "PackageType",
];

impl Build {
    /// `BuildProperties.Binary`: the binary `cargo lambda build --bin` builds (Rust functions
    /// whose `CodeUri` is a workspace root).
    pub fn binary(&self) -> Option<&str> {
        self.properties.get("Binary").and_then(Value::as_str)
    }
}

pub(super) fn build(ctx: &BuildCtx<'_, '_>, p: &Props<'_>) -> Result<Function> {
    p.ignore(IGNORED);
    if let Some(pt) = p.string("PackageType")? {
        if pt != "Zip" {
            return Err(TemplateError::InvalidProperty {
                path: p.path("PackageType"),
                message: format!("`{pt}`: only Zip packages run locally"),
            });
        }
    }
    let runtime = p.req_string("Runtime")?;
    let code_uri = ctx.dir.join(p.req_string("CodeUri")?);
    let architectures = p.strings("Architectures")?;
    let architecture = match architectures.as_slice() {
        [] => Architecture::X86_64,
        [a] if a == "x86_64" => Architecture::X86_64,
        [a] if a == "arm64" => Architecture::Arm64,
        other => {
            return Err(TemplateError::InvalidProperty {
                path: p.path("Architectures"),
                message: format!("exactly one of x86_64, arm64 is required, found {other:?}"),
            })
        }
    };
    let environment = match p.child("Environment")? {
        None => BTreeMap::new(),
        Some(env) => {
            let vars = env.string_map("Variables")?;
            env.finish()?;
            vars
        }
    };
    let mut events = BTreeMap::new();
    if let Some(Value::Object(map)) = p.get("Events") {
        for (name, body) in map {
            let ep = Props::new(Some(body), format!("{}.{name}", p.path("Events")))?;
            events.insert(name.clone(), event::build(&ep)?);
            ep.finish()?;
        }
    }
    let auto_publish_alias = p.string("AutoPublishAlias")?;
    let provisioned_concurrency = match p.child("ProvisionedConcurrencyConfig")? {
        None => None,
        Some(pc) => {
            let n = pc.u32("ProvisionedConcurrentExecutions")?;
            pc.finish()?;
            if auto_publish_alias.is_none() {
                return Err(TemplateError::InvalidProperty {
                    path: p.path("ProvisionedConcurrencyConfig"),
                    message: "requires AutoPublishAlias (SAM puts it on the alias)".into(),
                });
            }
            n
        }
    };
    let snap_start = match p.child("SnapStart")? {
        None => false,
        Some(s) => {
            let on = s.one_of("ApplyOn", &["PublishedVersions", "None"])?;
            s.finish()?;
            on.as_deref() == Some("PublishedVersions")
        }
    };
    let ephemeral_storage = match p.child("EphemeralStorage")? {
        None => None,
        Some(s) => {
            let size = s.u32("Size")?;
            s.finish()?;
            size
        }
    };
    let (log_format, application_log_level, system_log_level) = match p.child("LoggingConfig")? {
        None => (None, None, None),
        Some(l) => {
            l.ignore(&["LogGroup"]);
            let f = l.one_of("LogFormat", &["Text", "JSON"])?;
            let a = l.string("ApplicationLogLevel")?;
            let s = l.string("SystemLogLevel")?;
            l.finish()?;
            (f, a, s)
        }
    };
    Ok(Function {
        logical_id: ctx.logical_id.to_string(),
        function_name: ctx.reference()?,
        arn: ctx.attribute("Arn")?,
        runtime,
        handler: p.string("Handler")?,
        code_uri,
        architecture,
        memory_size: p.u32("MemorySize")?.unwrap_or(128),
        timeout: p.u32("Timeout")?.unwrap_or(3),
        environment,
        events,
        reserved_concurrency: p.u32("ReservedConcurrentExecutions")?,
        provisioned_concurrency,
        auto_publish_alias,
        snap_start,
        ephemeral_storage,
        log_format,
        application_log_level,
        system_log_level,
        build: build_metadata(ctx)?,
    })
}

fn build_metadata(ctx: &BuildCtx<'_, '_>) -> Result<Option<Build>> {
    let Some(meta) = ctx.metadata else {
        return Ok(None);
    };
    let Some(method) = meta.get("BuildMethod") else {
        return Ok(None);
    };
    let method = method
        .as_str()
        .ok_or_else(|| TemplateError::InvalidProperty {
            path: format!("Resources.{}.Metadata.BuildMethod", ctx.logical_id),
            message: "must be a string".into(),
        })?;
    let properties = meta
        .get("BuildProperties")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Ok(Some(Build {
        method: method.to_string(),
        properties,
    }))
}
