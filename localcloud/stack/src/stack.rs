//! Everything `up` and an in-process `invoke` start, in order: the template, the builds, the
//! endpoint's listener, S3 buckets, DynamoDB tables and seeds, the Lambda service.

use crate::build;
use crate::config::Config;
use crate::endpoint::Endpoint;
use crate::functions::{self, Code};
use crate::logs::TerminalSink;
use crate::userpools::{self, PoolAuthorizer};
use anyhow::{anyhow, Context, Result};
use localcloud_apigateway::StageConfig;
use localcloud_cognito::{CognitoApi, UserPool};
use localcloud_dynamodb::{DynamoService, SeedOutcome, TableSpec};
use localcloud_lambda::{FanoutSink, FileSink, FunctionConfig, LambdaService, ServiceSettings};
use localcloud_stepfunctions::api::template::TemplateMachine;
use localcloud_stepfunctions::api::StepFunctionsService;
use localcloud_stepfunctions::integration::Integrations;
use localcloud_template::resource::state_machine::StateMachineType;
use localcloud_template::{LoadOptions, Model, StackContext};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Where function log lines are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTo {
    /// `up`: the terminal's standard output.
    Stdout,
    /// `invoke`: standard error (the payload owns standard output).
    Stderr,
}

/// How to start the stack.
#[derive(Debug, Clone)]
pub struct Options {
    /// The project root (where `localcloud.toml` and the template's relative paths are).
    pub root: PathBuf,
    /// The template file.
    pub template: PathBuf,
    /// `--parameter-overrides`, applied after `localcloud.toml`'s `[parameters]`.
    pub overrides: Vec<(String, String)>,
    /// Tables in memory.
    pub ephemeral: bool,
    /// The endpoint port (0: any free port).
    pub port: u16,
    /// Run cargo and Maven first.
    pub build: bool,
    /// Where function logs go.
    pub log_to: LogTo,
    /// `invoke --env-vars`: overrides of the functions' declared variables.
    pub env_vars: Option<crate::env_vars::EnvVars>,
    /// Serve the API stages on this port (0: any free port); `None`: no stage (`invoke`).
    pub api_port: Option<u16>,
    /// Serve the user pools' hosted UI, discovery documents and token issuer on this port;
    /// `None`: the pools answer on the service endpoint only.
    pub auth_port: Option<u16>,
}

/// One function as the banner shows it.
#[derive(Debug, Clone)]
pub struct FunctionLine {
    /// Logical id.
    pub logical_id: String,
    /// Function name.
    pub name: String,
    /// Runtime.
    pub runtime: String,
    /// Concurrency settings.
    pub concurrency: String,
}

/// The running stack.
pub struct Stack {
    /// `http://127.0.0.1:<port>`.
    pub endpoint_url: String,
    /// The resolved template.
    pub model: Model,
    /// DynamoDB.
    pub dynamo: DynamoService,
    /// Lambda.
    pub lambda: LambdaService,
    /// (logical id, ARN, type) of the template's state machines.
    pub machines: Vec<(String, String, String)>,
    /// (logical id, stage URL) of the template's APIs.
    pub apis: Vec<(String, String)>,
    /// The running user pools.
    pub pools: Vec<Arc<UserPool>>,
    /// The hosted UI and token issuer base (`http://127.0.0.1:<auth port>`).
    pub auth_url: Option<String>,
    /// Where the tables are kept.
    pub state_label: String,
    /// (logical id, table name).
    pub tables: Vec<(String, String)>,
    /// The functions that run.
    pub functions: Vec<FunctionLine>,
    /// Functions that could not be started, with the reason (printed loudly).
    pub skipped: Vec<String>,
    /// One line per resource or property with no local effect.
    pub not_emulated: Vec<String>,
    /// Seed results.
    pub seeds: Vec<String>,
    /// The folder of the function log files.
    pub log_dir: PathBuf,
    /// How long building the functions took (`None` with `--no-build`).
    pub build_time: Option<std::time::Duration>,
    stop: Option<watch::Sender<bool>>,
    servers: Vec<tokio::task::JoinHandle<()>>,
    _scratch: Option<tempfile::TempDir>,
}

/// Loads the template with the stack name, region and overrides.
pub fn load_model(config: &Config, opts: &Options) -> Result<Model> {
    let mut overrides = config.parameter_overrides()?;
    overrides.extend(opts.overrides.iter().cloned());
    let options = LoadOptions {
        stack: StackContext::new(config.stack_name.clone(), config.region.clone()),
        parameter_overrides: overrides,
    };
    Model::load(&opts.template, &options)
        .with_context(|| format!("loading {}", opts.template.display()))
}

impl Stack {
    /// Starts everything; the endpoint answers when this returns.
    pub async fn start(config: &Config, opts: &Options) -> Result<Stack> {
        let model = load_model(config, opts)?;
        let root = opts.root.as_path();
        let mut skipped = Vec::new();

        // 1. What each function runs, building it first unless --no-build.
        let codes: Vec<(usize, Result<Code, String>)> = model
            .functions()
            .enumerate()
            .map(|(i, f)| (i, functions::code_of(f)))
            .collect();
        let jdk = build::find_jdk();
        let build_started = std::time::Instant::now();
        let mut maven: HashMap<PathBuf, Result<(), String>> = HashMap::new();
        if opts.build {
            let mut crates: Vec<String> = codes
                .iter()
                .filter_map(|(_, c)| match c {
                    Ok(Code::Rust { crate_name }) => Some(crate_name.clone()),
                    _ => None,
                })
                .collect();
            crates.sort();
            crates.dedup();
            let mut projects: Vec<PathBuf> = codes
                .iter()
                .filter_map(|(_, c)| match c {
                    Ok(Code::Java { project }) => Some(project.clone()),
                    _ => None,
                })
                .collect();
            projects.sort();
            projects.dedup();
            // Maven runs beside cargo: it is mostly downloads and one JVM, cargo has the cores.
            let java = jdk.clone().map(|jdk| {
                let root = root.to_path_buf();
                tokio::task::spawn_blocking(move || {
                    projects
                        .into_iter()
                        .map(|p| {
                            let r =
                                build::maven_package(&root, &p, &jdk).map_err(|e| format!("{e:#}"));
                            (p, r)
                        })
                        .collect::<Vec<_>>()
                })
            });
            let root_owned = root.to_path_buf();
            let rust =
                tokio::task::spawn_blocking(move || build::cargo_build(&root_owned, &crates))
                    .await
                    .context("build task")?;
            if let Some(java) = java {
                maven.extend(java.await.context("Maven task")?);
            }
            rust?;
        }
        let build_time = opts.build.then(|| build_started.elapsed());
        let mut configs: Vec<FunctionConfig> = Vec::new();
        let mut lines = Vec::new();
        let mut names: HashMap<String, String> = HashMap::new();
        for (f, (_, code)) in model.functions().zip(codes) {
            let command = match code {
                Err(why) => {
                    skipped.push(format!("{}: {why}", f.logical_id));
                    continue;
                }
                Ok(Code::Rust { crate_name }) => {
                    let bin = functions::rust_binary(root, &crate_name);
                    if !bin.is_file() {
                        skipped.push(format!(
                            "{}: {} is missing (run without --no-build to build it)",
                            f.logical_id,
                            bin.display()
                        ));
                        continue;
                    }
                    (vec![bin.to_string_lossy().into_owned()], None)
                }
                Ok(Code::Java { project }) => {
                    let Some(jdk) = &jdk else {
                        skipped.push(format!(
                            "{}: runtime {} needs a JDK 21 or newer ($JAVA_HOME or /usr/lib/jvm), none found",
                            f.logical_id, f.runtime
                        ));
                        continue;
                    };
                    if let Some(Err(e)) = maven.get(&project) {
                        skipped.push(format!("{}: {e}", f.logical_id));
                        continue;
                    }
                    let Some(jar) = build::local_jar(&project) else {
                        skipped.push(format!(
                            "{}: no *-local.jar under {}/target (run without --no-build to build it with Maven)",
                            f.logical_id,
                            project.display()
                        ));
                        continue;
                    };
                    let handler = f.handler.clone().unwrap_or_default();
                    (
                        functions::java_command(jdk, &jar, &handler),
                        Some(project.clone()),
                    )
                }
            };
            let mut c = functions::config(f, command.0, command.1);
            if let Some(vars) = &opts.env_vars {
                crate::env_vars::apply_env_vars(&mut c.environment, vars, &f.logical_id, &c.name);
            }
            lines.push(FunctionLine {
                logical_id: f.logical_id.clone(),
                name: c.name.clone(),
                runtime: c.runtime.clone(),
                concurrency: functions::concurrency_text(&c),
            });
            names.insert(c.name.clone(), f.logical_id.clone());
            configs.push(c);
        }

        // 2. The listeners first: the endpoint's address is every function's
        // AWS_ENDPOINT_URL, the auth port's is the issuer of every token.
        let listener = bind(opts.port, "--port").await?;
        let endpoint_url = url_of(&listener)?;
        let auth_listener = match opts.auth_port {
            Some(port)
                if model
                    .resources
                    .iter()
                    .any(|r| matches!(r, localcloud_template::Resource::UserPool(_))) =>
            {
                Some(bind(port, "--auth-port").await?)
            }
            _ => None,
        };
        let auth_url = auth_listener.as_ref().map(url_of).transpose()?;
        let mut api_listeners = Vec::new();
        if let Some(port) = opts.api_port {
            for (i, _) in model.apis().enumerate() {
                // One port per API: the first on --api-port, any others on free ports.
                let port = if i == 0 { port } else { 0 };
                api_listeners.push(bind(port, "--api-port").await?);
            }
        }

        // 3. S3 and DynamoDB.
        let state_dir = root.join(&config.state_dir);
        let scratch = if opts.ephemeral {
            Some(tempfile::tempdir().context("creating a scratch folder for --ephemeral")?)
        } else {
            None
        };
        let s3_root = match &scratch {
            Some(t) => t.path().join("s3"),
            None => state_dir.join("s3"),
        };
        let s3 = localcloud_s3::Store::open(&s3_root)
            .map_err(|e| anyhow!("opening the S3 store {}: {e}", s3_root.display()))?;
        for r in &model.resources {
            if let localcloud_template::Resource::Bucket(b) = r {
                s3.ensure_bucket(&b.bucket_name)
                    .map_err(|e| anyhow!("bucket {} ({}): {e}", b.logical_id, b.bucket_name))?;
            }
        }
        // Straight from the typed model, which has already dropped what has no local effect.
        let specs: Vec<TableSpec> = model.tables().map(TableSpec::from_table).collect();
        let mut not_emulated: Vec<String> = model
            .not_emulated
            .iter()
            .map(|n| format!("{} ({}): {}", n.logical_id, n.resource_type, n.reason))
            .collect();
        for r in &model.resources {
            use localcloud_template::Resource as R;
            let what = match r {
                R::Api(_) if opts.api_port.is_none() => "AWS::Serverless::Api",
                R::Queue(_) => "AWS::SQS::Queue",
                R::CloudFrontFunction(_) => "AWS::CloudFront::Function",
                _ => continue,
            };
            not_emulated.push(format!(
                "{} ({what}): not served by this localcloud yet",
                r.logical_id()
            ));
        }
        for f in model.functions() {
            for name in f.events.keys() {
                not_emulated.push(format!(
                    "{}.Events.{name}: event sources are not wired yet (invoke the function directly)",
                    f.logical_id
                ));
            }
            if f.snap_start {
                not_emulated.push(format!(
                    "{}.SnapStart: no snapshots locally, the function always starts cold",
                    f.logical_id
                ));
            }
        }
        let persistent = (!opts.ephemeral).then(|| state_dir.clone());
        let settings = localcloud_dynamodb::Settings {
            state_dir: persistent.clone(),
            ..Default::default()
        };
        let dynamo = DynamoService::start(settings, &specs, s3.clone())
            .await
            .map_err(|e| anyhow!("starting DynamoDB: {e}"))?;
        let mut seeds = Vec::new();
        for seed in &config.seed {
            let table = model
                .tables()
                .find(|t| t.logical_id == seed.table || t.table_name == seed.table)
                .ok_or_else(|| {
                    anyhow!(
                        "localcloud.toml: key `seed.table`: no table {} in the template",
                        seed.table
                    )
                })?;
            let file = root.join(&seed.file);
            let outcome = dynamo
                .load_seed_async(&file, &table.table_name)
                .await
                .map_err(|e| anyhow!("seed {}: {e}", file.display()))?;
            seeds.push(match outcome {
                SeedOutcome::Loaded(n) => {
                    format!(
                        "{}: {n} items into {}",
                        seed.file.display(),
                        table.table_name
                    )
                }
                SeedOutcome::AlreadyLoaded => format!(
                    "{}: already loaded into {}",
                    seed.file.display(),
                    table.table_name
                ),
            });
        }

        // 4. Lambda.
        let log_dir = state_dir.join("logs");
        let files =
            FileSink::new(&log_dir).with_context(|| format!("creating {}", log_dir.display()))?;
        let sink = FanoutSink(vec![
            Arc::new(files),
            Arc::new(TerminalSink::new(names, opts.log_to)),
        ]);
        let mut settings = ServiceSettings::new(Arc::new(sink));
        settings.account_concurrency = config.account_concurrency;
        settings.unreserved_minimum = settings.unreserved_minimum.min(config.account_concurrency);
        settings.region = config.region.clone();
        settings.endpoint_url = Some(endpoint_url.clone());
        let lambda = LambdaService::new(configs, settings).map_err(|e| anyhow!("{e}"))?;

        // 5. Step Functions: the template's machines, over the local Lambda and DynamoDB.
        let integrations = Integrations::new()
            .with_lambda(Arc::new(lambda.clone()))
            .with_dynamo(Arc::new(crate::endpoint::InProcessDynamo(dynamo.clone())));
        let sfn = StepFunctionsService::new(
            localcloud_stepfunctions::api::Settings {
                state_dir: persistent.clone(),
                region: config.region.clone(),
                express_retention: localcloud_stepfunctions::api::ExpressRetention {
                    max_executions: config.stepfunctions.express_retention_executions,
                    max_age: std::time::Duration::from_secs(
                        config.stepfunctions.express_retention_seconds,
                    ),
                },
                ..Default::default()
            },
            integrations,
        )
        .map_err(|e| anyhow!("starting Step Functions: {e}"))?;
        let templates: Vec<TemplateMachine> = model
            .state_machines()
            .map(|m| TemplateMachine {
                name: m.name.clone(),
                machine_type: match m.machine_type {
                    StateMachineType::Express => {
                        localcloud_stepfunctions::api::MachineType::Express
                    }
                    StateMachineType::Standard => {
                        localcloud_stepfunctions::api::MachineType::Standard
                    }
                },
                definition: m.definition.to_string(),
                role_arn: format!("arn:aws:iam::000000000000:role/{}Role", m.logical_id),
            })
            .collect();
        let arns = sfn
            .create_from_template(&templates)
            .map_err(|e| anyhow!("{}: {e}", opts.template.display()))?;
        let machines = model
            .state_machines()
            .zip(arns)
            .map(|(m, arn)| {
                (
                    m.logical_id.clone(),
                    arn,
                    machine_type(&m.machine_type).to_owned(),
                )
            })
            .collect();

        // 6. Cognito: the pools answer on the endpoint; their issuer is the auth port.
        let issuer_base = auth_url.clone().unwrap_or_else(|| endpoint_url.clone());
        let pools = userpools::open_pools(
            &model,
            persistent.as_ref().map(|d| d.join("cognito")),
            &issuer_base,
        )?;
        let cognito = CognitoApi::new(pools.clone());

        // 7. Serve: the endpoint, the API stages, the hosted UI.
        let (stop, stopped) = watch::channel(false);
        let mut servers = Vec::new();
        let endpoint = Endpoint::new(dynamo.clone(), &lambda, s3, sfn, cognito.clone());
        let guard = crate::guard::Guard::hosts(&config.allowed_hosts);
        servers.push(serve(
            listener,
            crate::guard::Guard::hosts_and_origin(&config.allowed_hosts).wrap(endpoint.router()),
            stopped.clone(),
            "the service endpoint",
        ));
        let mut apis = Vec::new();
        let caller = Arc::new(crate::endpoint::InProcessCaller::new(
            endpoint.clone(),
            &endpoint_url,
            &config.region,
        ));
        let authorizer = Arc::new(PoolAuthorizer::new(&pools));
        for (api, listener) in model.apis().zip(api_listeners) {
            let mut stage = StageConfig::from_template(api, caller.clone())
                .map_err(|e| anyhow!("{} (AWS::Serverless::Api): {e}", api.logical_id))?;
            stage.throttle.account = localcloud_apigateway::Limit {
                rate: config.api_rate_limit,
                burst: config.api_burst_limit,
            };
            stage.authorizer = Some(authorizer.clone());
            stage.lambda_invoker = Some(Arc::new(lambda.clone()));
            apis.push((
                api.logical_id.clone(),
                format!("{}/{}/", url_of(&listener)?, api.stage_name),
            ));
            let router = guard.clone().wrap(localcloud_apigateway::router(stage));
            servers.push(serve(listener, router, stopped.clone(), "an API stage"));
        }
        if let (Some(listener), Some(first)) = (auth_listener, pools.first()) {
            let router = cognito
                .router()
                .merge(localcloud_cognito::wellknown::router(pools.clone()))
                .merge(localcloud_cognito::hosted_ui::router(first.clone()));
            servers.push(serve(
                listener,
                guard.wrap(router),
                stopped.clone(),
                "the hosted UI",
            ));
        }

        Ok(Stack {
            endpoint_url,
            state_label: dynamo.state_label().to_owned(),
            tables: model
                .tables()
                .map(|t| (t.logical_id.clone(), t.table_name.clone()))
                .collect(),
            functions: lines,
            skipped,
            not_emulated,
            seeds,
            log_dir,
            build_time,
            model,
            dynamo,
            lambda,
            machines,
            apis,
            pools,
            auth_url,
            stop: Some(stop),
            servers,
            _scratch: scratch,
        })
    }

    /// The function name of a logical id or name.
    pub fn function_name(&self, id_or_name: &str) -> Option<String> {
        self.functions
            .iter()
            .find(|f| f.logical_id == id_or_name || f.name == id_or_name)
            .map(|f| f.name.clone())
    }

    /// Stops the environments (no child process remains), the endpoint and DynamoDB.
    pub async fn shutdown(mut self) {
        self.lambda.shutdown().await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        let servers = futures_join(std::mem::take(&mut self.servers));
        if tokio::time::timeout(std::time::Duration::from_secs(2), servers)
            .await
            .is_err()
        {
            eprintln!("localcloud: requests still open after 2 s; stopping anyway");
        }
        self.dynamo.shutdown().await;
    }
}

async fn futures_join(handles: Vec<tokio::task::JoinHandle<()>>) {
    for h in handles {
        let _ = h.await;
    }
}

fn machine_type(t: &StateMachineType) -> &'static str {
    match t {
        StateMachineType::Express => "EXPRESS",
        StateMachineType::Standard => "STANDARD",
    }
}

/// Binds `127.0.0.1:port`; the error names the flag that changes it.
async fn bind(port: u16, flag: &str) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| {
            format!("cannot listen on 127.0.0.1:{port} (is another localcloud running? use {flag})")
        })
}

fn url_of(listener: &TcpListener) -> Result<String> {
    let addr = listener.local_addr().context("listener address")?;
    Ok(format!("http://{addr}"))
}

/// Serves `router` on `listener` until `stop` turns true.
fn serve(
    listener: TcpListener,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
    what: &'static str,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        // Answers are small and latency-bound: no Nagle delay between a response's segments.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            eprintln!("localcloud: {what} stopped: {e}");
        }
    })
}

/// The repository's template, loaded as `up` loads it by default (for tests).
pub fn repository_model() -> Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let options = LoadOptions {
        stack: StackContext::new("serverless-orders".to_owned(), "us-east-1".to_owned()),
        parameter_overrides: Vec::new(),
    };
    Model::load(&root.join("template.yaml"), &options).expect("template.yaml")
}

/// The project root: the folder of `localcloud.toml` (or `template.yaml`) at or above `start`.
pub fn find_root(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|d| d.join(crate::config::FILE_NAME).is_file() || d.join("template.yaml").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| start.to_path_buf())
}
